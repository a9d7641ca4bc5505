//! Replays every input kept under `fuzz/regressions/<target>/` (crashes the
//! fuzzers found, minimised, and inputs that reach deep paths) through the
//! same checks the fuzz targets run.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

#[test]
fn every_kept_fuzz_input_passes_its_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, check) in checks::TARGETS {
        let dir = root.join(target);
        // Every target keeps its folder: a missing one is a lost corpus, not a skip.
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{target}: cannot read {}: {e}", dir.display()));
        let before = replayed;
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let data = std::fs::read(&path).expect("regression input");
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(
                outcome.is_ok(),
                "{target}: {} fails its check",
                path.display()
            );
            replayed += 1;
        }
        assert!(
            replayed > before,
            "{target}: no input under {}",
            dir.display()
        );
    }
    assert!(replayed > 0, "no input under {}", root.display());
}
