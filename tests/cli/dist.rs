//! Release archives for the tests, made once per test run by the real
//! packaging script (`scripts/package`) from the binary cargo already built,
//! and a krew-like install of the host's archive.
//!
//! Every platform's archive is packed from the host binary: the script does
//! not look inside the binary, so this checks the packaging (names, contents,
//! checksums, rendered manifest) for all five platforms without
//! cross-compiling; the host's archive is the one that is really run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The Rust targets the release workflow builds, with krew's os/arch.
pub const TARGETS: [(&str, &str, &str); 5] = [
    ("x86_64-unknown-linux-musl", "linux", "amd64"),
    ("aarch64-unknown-linux-musl", "linux", "arm64"),
    ("x86_64-apple-darwin", "darwin", "amd64"),
    ("aarch64-apple-darwin", "darwin", "arm64"),
    ("x86_64-pc-windows-msvc", "windows", "amd64"),
];

pub struct Dist {
    /// Holds the archives, their `.sha256` files and `imagepolicy.yaml`.
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Dist {
    pub fn manifest(&self) -> PathBuf {
        self.dir.join("imagepolicy.yaml")
    }
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn version() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

/// krew's os/arch for the machine running the tests.
pub fn host_platform() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    (os, arch)
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The archives and rendered manifest, built on first use.
pub fn dist() -> &'static Dist {
    static DIST: OnceLock<Dist> = OnceLock::new();
    DIST.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("dist");
        // A stripped copy keeps the archives small and the test fast (the
        // release profile strips too); without `strip`, the binary as built.
        let built = PathBuf::from(env!("CARGO_BIN_EXE_kubectl-imagepolicy"));
        let stripped = tmp.path().join("kubectl-imagepolicy");
        let bin = match Command::new("strip")
            .arg("-o")
            .arg(&stripped)
            .arg(&built)
            .status()
        {
            Ok(status) if status.success() => stripped,
            _ => built,
        };
        for (target, _, _) in TARGETS {
            run(Command::new("bash")
                .arg(root().join("scripts/package"))
                .args(["archive", "--target", target, "--bin"])
                .arg(&bin)
                .arg("--out")
                .arg(&dir));
        }
        run(Command::new("bash")
            .arg(root().join("scripts/package"))
            .args(["manifest", "--dir"])
            .arg(&dir));
        Dist { dir, _tmp: tmp }
    })
}

/// Unpacks an archive into `into` with the system's tools.
pub fn extract(archive: &Path, into: &Path) {
    std::fs::create_dir_all(into).expect("mkdir");
    let name = archive.display().to_string();
    if name.ends_with(".zip") {
        run(Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(archive)
            .arg(into));
    } else {
        run(Command::new("tar")
            .arg("-xzf")
            .arg(archive)
            .arg("-C")
            .arg(into));
    }
}
