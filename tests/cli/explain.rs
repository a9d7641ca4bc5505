//! `explain` in offline mode: table, JSON, YAML, what-if, --all.

use crate::util::{Dir, example, json, manifest};

#[test]
fn tutorial_table_shows_selection_candidates_and_counts() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("tutorial/k8s-debugger.yaml"),
            "--tags-file",
            &example("tutorial/tags.txt"),
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Selected:    uat-202305291203-815a0fd  key 202305291203"),
        "{text}"
    );
    assert!(text.contains("RANK   TAG"), "{text}");
    assert!(
        text.contains("2      uat-202305291038-a2726e1   202305291038   candidate"),
        "{text}"
    );
    assert!(text.contains("excluded   3"), "{text}");
    assert!(text.contains("no-match   10"), "{text}");
    assert!(text.contains("DISAGREES"), "{text}");
    assert!(
        text.contains("16 listed → 3 excluded → 3 matched the filter"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn tutorial_json_has_the_spec_fields() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("tutorial"),
            "--tags-file",
            &example("tutorial/tags.txt"),
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let item = &doc["items"][0];
    assert_eq!(item["policy"]["name"], "k8s-debugger-uat-policy");
    assert_eq!(item["policy"]["namespace"], "flux-system");
    assert_eq!(item["policy"]["apiVersion"], "image.toolkit.fluxcd.io/v1");
    assert_eq!(
        item["repository"]["image"],
        "docker.io/mouhamedali/k8s-debugger"
    );
    assert_eq!(item["rule"]["kind"], "numerical");
    assert_eq!(item["rule"]["order"], "asc");
    assert_eq!(item["rule"]["extract"], "$ts");
    assert_eq!(item["rule"]["exclusionList"][0], "^.*\\.sig$");
    assert_eq!(item["tagSource"]["kind"], "file");
    assert_eq!(item["tagSource"]["count"], 16);
    assert_eq!(item["tagSource"]["complete"], true);
    assert_eq!(item["selected"]["tag"], "uat-202305291203-815a0fd");
    assert_eq!(item["selected"]["key"], "202305291203");
    assert_eq!(
        item["selected"]["image"],
        "docker.io/mouhamedali/k8s-debugger:uat-202305291203-815a0fd"
    );
    assert_eq!(item["alternatives"], serde_json::json!([]));
    assert!(item["error"].is_null());
    assert_eq!(item["controller"]["latestTag"], "uat-202305291038-a2726e1");
    assert_eq!(item["controller"]["agrees"], false);
    assert_eq!(item["controller"]["ready"], "True");
    let tags = item["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 16);
    assert_eq!(tags[0]["tag"], "latest", "tags keep the source order");
    assert_eq!(tags[0]["outcome"], "no-match");
    let sig = tags
        .iter()
        .find(|t| t["tag"] == "sha256-5b3f0c1e9a.sig")
        .unwrap();
    assert_eq!(sig["outcome"], "excluded");
    assert!(sig["reason"].as_str().unwrap().contains("^.*\\.sig$"));
    let second = tags
        .iter()
        .find(|t| t["tag"] == "uat-202305291038-a2726e1")
        .unwrap();
    assert_eq!(second["rank"], 2);
    assert_eq!(second["key"], "202305291038");
}

#[test]
fn yaml_is_the_same_document() {
    let dir = Dir::new();
    let args = [
        "explain",
        "-f",
        &example("semver/podinfo.yaml"),
        "--tags-file",
        &example("semver/tags.txt"),
    ];
    let json_out = dir.cmd().args(args).args(["-o", "json"]).output().unwrap();
    let yaml_out = dir.cmd().args(args).args(["-o", "yaml"]).output().unwrap();
    let from_yaml: serde_json::Value = serde_yaml_ng::from_slice(&yaml_out.stdout).unwrap();
    assert_eq!(from_yaml, json(&json_out.stdout));
    assert_eq!(from_yaml["items"][0]["selected"]["tag"], "v6.2.0");
}

#[test]
fn what_if_reports_whether_the_added_tag_would_win() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("tutorial"),
            "--tags-file",
            &example("tutorial/tags.txt"),
        ])
        .args([
            "--add-tag",
            "uat-202306010900-abcdef0",
            "--add-tag",
            "uat-202301010000-abcdef0",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let item = &json(&out)["items"][0];
    assert_eq!(item["selected"]["tag"], "uat-202306010900-abcdef0");
    assert_eq!(item["whatIf"][0]["wouldBeSelected"], true);
    assert_eq!(item["whatIf"][1]["wouldBeSelected"], false);
    assert_eq!(item["whatIf"][1]["outcome"], "candidate");

    let table = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("tutorial"),
            "--tags-file",
            &example("tutorial/tags.txt"),
        ])
        .args(["--add-tag", "stage-209912312359-abcdef0"])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("'stage-209912312359-abcdef0' would not be selected: no-match"),
        "{text}"
    );
}

#[test]
fn all_lists_every_tag_with_reasons() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("semver"),
            "--tags-file",
            &example("semver/tags.txt"),
            "--all",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("TAG          OUTCOME        KEY          RANK   REASON"),
        "{text}"
    );
    for tag in ["5.2.1", "6.3.0-rc10", "latest", "6.1.0.sig", "7.0.0"] {
        assert!(
            text.lines().any(|l| l.starts_with(tag)),
            "{tag} missing:\n{text}"
        );
    }
    assert!(text.contains("not a semver version"), "{text}");
}

#[test]
fn tags_flag_and_no_headers() {
    let dir = Dir::new();
    let f = dir.write(
        "p.yaml",
        &manifest("    alphabetical:\n      order: desc", None),
    );
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &f,
            "--tags",
            "b,a",
            "--tags",
            "c",
            "--no-headers",
        ])
        .output()
        .unwrap();
    // --no-headers: the rows alone, for scripts; neither the block above the table
    // nor the table's header.
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "1   a   a   selected\n2   b   b   candidate\n3   c   c   candidate\n"
    );
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags", "b,a", "--tags", "c"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Selected:    a  image ghcr.io/acme/app:a"),
        "{text}"
    );
    assert!(text.contains("RANK"), "{text}");
    assert!(text.contains("3 from flag --tags"), "{text}");
}

#[test]
fn color_always_paints_and_never_does_not() {
    let dir = Dir::new();
    let f = dir.write("p.yaml", &manifest("    alphabetical: {}", None));
    let colored = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags", "a", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&colored.stdout).contains('\x1b'));
    let json = dir
        .cmd()
        .args([
            "explain", "-f", &f, "--tags", "a", "--color", "always", "-o", "json",
        ])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&json.stdout).contains('\x1b'),
        "machine output never has colour"
    );
}

#[test]
fn stdin_manifests_and_tags() {
    let dir = Dir::new();
    let tags = dir.write("tags.txt", "1.0.0\n\n2.0.0\r\n");
    let out = dir
        .cmd()
        .args(["explain", "-f", "-", "--tags-file", &tags, "-o", "json"])
        .write_stdin(manifest("    semver:\n      range: '>=1.0.0'", None))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let item = &json(&out)["items"][0];
    assert_eq!(item["selected"]["tag"], "2.0.0");
    assert_eq!(item["tagSource"]["count"], 2);
}

#[test]
fn tie_lists_alternatives_and_warns() {
    let dir = Dir::new();
    let f = dir.write(
        "p.yaml",
        &manifest(
            "    numerical:\n      order: asc",
            Some(("^b-(?P<n>.*)$", "$n")),
        ),
    );
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &f,
            "--tags",
            "b-1,b-01,b-1.0,b-0",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let item = &json(&out.stdout)["items"][0];
    let mut all: Vec<String> = item["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    all.push(item["selected"]["tag"].as_str().unwrap().to_string());
    all.sort();
    assert_eq!(all, ["b-01", "b-1", "b-1.0"]);
    assert!(
        item["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("random"))
    );
}

#[test]
fn status_sample_is_used_loudly_without_tags() {
    let dir = Dir::new();
    let text = manifest("    alphabetical: {}", None).replace(
        "  image: ghcr.io/acme/app\n",
        "  image: ghcr.io/acme/app\nstatus:\n  lastScanResult:\n    tagCount: 40\n    latestTags: [b, a]\n",
    );
    let f = dir.write("p.yaml", &text);
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(item["tagSource"]["kind"], "status");
    assert_eq!(item["tagSource"]["complete"], false);
    assert_eq!(item["tagSource"]["statusTagCount"], 40);
    assert!(
        item["warnings"][0]
            .as_str()
            .unwrap()
            .contains("may be wrong")
    );
}

#[test]
fn tags_from_status_overrides_the_tags_file() {
    let dir = Dir::new();
    let text = manifest("    alphabetical: {}", None).replace(
        "  image: ghcr.io/acme/app\n",
        "  image: ghcr.io/acme/app\nstatus:\n  lastScanResult:\n    latestTags: [b, a]\n",
    );
    let f = dir.write("p.yaml", &text);
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &f,
            "--tags",
            "z",
            "--tags-from",
            "status",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(item["tagSource"]["kind"], "status");
    assert_eq!(item["selected"]["tag"], "b");
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags-from", "file"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--tags-from file needs --tags, --tags-file or --tags-dir")
    );
}

#[test]
fn version_works_without_kubeconfig() {
    let dir = Dir::new();
    dir.cmd()
        .arg("version")
        .assert()
        .success()
        .stdout(predicates::str::contains(env!("CARGO_PKG_VERSION")));
}

/// kubectl's numeric level is the same as repeating `-v`: `--v=3`, `--v 3`,
/// `-v=3` and `-v3` log exactly what `-vvv` logs, `-v=2` what `-vv` and
/// `-v -v` log; nothing at level 0.
#[test]
fn numeric_verbosity_is_the_same_as_repetition() {
    let dir = Dir::new();
    let stderr = |verbosity: &[&str]| -> String {
        let out = dir
            .cmd()
            .args([
                "explain",
                "-f",
                &example("tutorial/k8s-debugger.yaml"),
                "--tags-file",
                &example("tutorial/tags.txt"),
            ])
            .args(verbosity)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{verbosity:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    assert_eq!(stderr(&[]), "");
    let two = stderr(&["-vv"]);
    assert!(
        two.contains("D kubectl_imagepolicy: kubectl-imagepolicy ")
            && two.contains(" explain, verbosity 2"),
        "{two}"
    );
    assert!(!two.contains("T "), "{two}");
    for same in [&["-v=2"][..], &["-v", "-v"], &["--v=2"], &["-v2"]] {
        assert_eq!(stderr(same), two, "{same:?}");
    }
    let three = stderr(&["-vvv"]);
    assert!(
        three.contains("verbosity 3") && three.contains("\nT kubectl_imagepolicy: Config {"),
        "{three}"
    );
    for same in [
        &["--v=3"][..],
        &["--v", "3"],
        &["-v=3"],
        &["-v3"],
        &["-v", "--v=3"],
    ] {
        assert_eq!(stderr(same), three, "{same:?}");
    }
}

/// Logs never reach stdout: `-o json` at `--v=9` is still one JSON document.
#[test]
fn logs_stay_off_stdout() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("tutorial/k8s-debugger.yaml"),
            "--tags-file",
            &example("tutorial/tags.txt"),
            "-o",
            "json",
            "--v=9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out.stdout);
    assert_eq!(
        doc["items"][0]["selected"]["tag"],
        "uat-202305291203-815a0fd"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("verbosity 9"), "{err}");
    assert!(err.lines().all(|l| l.starts_with(['D', 'T'])), "{err}");
}

fn tutorial(dir: &Dir, extra: &[&str]) -> std::process::Output {
    dir.cmd()
        .args([
            "explain",
            "-f",
            &example("tutorial"),
            "--tags-file",
            &example("tutorial/tags.txt"),
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn all_shows_the_regex_anatomy_of_every_tag() {
    let dir = Dir::new();
    let out = tutorial(&dir, &["--all"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let header = text.lines().find(|l| l.starts_with("TAG")).unwrap();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        ["TAG", "OUTCOME", "KEY", "RANK", "REASON", "MATCH"]
    );
    let line = |tag: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{tag} ")))
            .unwrap_or_else(|| panic!("{tag} missing:\n{text}"))
            .to_string()
    };
    // A match: the extracted group in brackets, after the key.
    let selected = line("uat-202305291203-815a0fd");
    assert!(selected.contains("202305291203"), "{selected}");
    assert!(
        selected.ends_with("uat-[202305291203]-815a0fd"),
        "{selected}"
    );
    // A near miss: how far the pattern got and what it wanted.
    assert!(
        line("uat-20230529120-badbad0").ends_with(
            "matched 'uat-20230529120', fails at 15: expected [0-9]{12} (11 of 12 matched)"
        ),
        "{text}"
    );
    assert!(
        line("latest").ends_with("matched '', fails at 0: expected 'u' of 'uat-'"),
        "{text}"
    );
    assert!(
        line("uat-202305291203-815a0fd.sig").ends_with("'^.*\\.sig$'"),
        "excluded tags have no anatomy:\n{text}"
    );
    assert!(!text.contains('\x1b'), "{text}");

    // In colour: no brackets, the groups painted instead.
    let colored = tutorial(&dir, &["--all", "--color", "always"]);
    let text = String::from_utf8(colored.stdout).unwrap();
    assert!(!text.contains("uat-[202305291203]"), "{text}");
    assert!(text.contains('\x1b'), "{text}");
}

#[test]
fn wide_shows_the_match_of_the_top_candidates_and_the_near_miss_example() {
    let dir = Dir::new();
    let out = tutorial(&dir, &["-o", "wide"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("RANK   TAG"), "{text}");
    assert!(text.contains("uat-[202305281712]-1c0f4e2"), "{text}");
    assert!(
        text.contains(
            "latest: does not match the filter pattern: matched '', fails at 0: expected 'u' of 'uat-'"
        ),
        "{text}"
    );
    // The default table computes none of it.
    let plain = String::from_utf8(tutorial(&dir, &[]).stdout).unwrap();
    assert!(
        !plain.contains("MATCH") && !plain.contains("uat-["),
        "{plain}"
    );
}

#[test]
fn why_accounts_for_a_tag_not_in_the_list() {
    let dir = Dir::new();
    let out = tutorial(&dir, &["--why", "uat-2023-broken"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "Why:         uat-2023-broken  no-match  (not in the tag list: evaluated as if pushed)",
        "  exclusion: passes: matches none of '^.*\\.sig$'",
        "  filter:    does not match '^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$': matched 'uat-2023', fails at 8: expected [0-9]{12} (4 of 12 matched)",
        "  rank:      not a candidate (no-match); the selection is 'uat-202305291203-815a0fd'",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
    assert!(!text.contains("RANK   TAG"), "the tables give way:\n{text}");

    // A tag in the list, step by step to its rank.
    let text =
        String::from_utf8(tutorial(&dir, &["--why", "uat-202305281712-1c0f4e2"]).stdout).unwrap();
    for expected in [
        "Why:         uat-202305281712-1c0f4e2  candidate  (in the tag list)",
        "  filter:    matches '^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$' at 0..24: uat-[202305281712]-1c0f4e2; ts = '202305281712' (4..16)",
        "  key:       '202305281712' (extract '$ts')",
        "  parse:     the number 202305281712",
        "  rank:      3 of 3: below 'uat-202305291203-815a0fd' (key '202305281712' vs '202305291203'; numerical asc: the greatest number wins)",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
    assert!(!text.contains("What if"), "{text}");
}

#[test]
fn why_names_the_constraint_that_rejects_a_version() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("semver"),
            "--tags-file",
            &example("semver/tags.txt"),
            "--why",
            "7.0.0",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  parse:     version 7.0.0"), "{text}");
    assert!(
        text.contains("  range:     7.0.0 does not satisfy"),
        "{text}"
    );
}

#[test]
fn json_tags_carry_match_and_near_miss() {
    let dir = Dir::new();
    let out = tutorial(
        &dir,
        &[
            "-o",
            "json",
            "--add-tag",
            "uat-2023-broken",
            "--why",
            "uat-2023-broken",
        ],
    );
    let doc = json(&out.stdout);
    let item = &doc["items"][0];
    let tags = item["tags"].as_array().unwrap();
    let tag = |name: &str| tags.iter().find(|t| t["tag"] == name).unwrap().clone();
    assert_eq!(
        tag("uat-202305291203-815a0fd")["match"],
        serde_json::json!({"start": 0, "end": 24, "groups": {"ts": [4, 16]}})
    );
    assert!(tag("uat-202305291203-815a0fd")["nearMiss"].is_null());
    assert!(tag("uat-2023-broken")["match"].is_null());
    assert_eq!(
        tag("uat-2023-broken")["nearMiss"],
        serde_json::json!({"offset": 8, "matched": "uat-2023", "expected": "[0-9]{12} (4 of 12 matched)"})
    );
    let sig = tag("sha256-5b3f0c1e9a.sig");
    assert!(sig["match"].is_null() && sig["nearMiss"].is_null());
    let latest = tag("latest");
    let mut keys: Vec<&str> = latest
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "key", "match", "nearMiss", "outcome", "rank", "reason", "tag"
        ]
    );
    // --why: one more object, with each step.
    let why = &item["why"];
    assert_eq!(why["tag"], "uat-2023-broken");
    assert_eq!(why["inList"], false);
    assert_eq!(why["outcome"], "no-match");
    assert_eq!(why["nearMiss"]["offset"], 8);
    assert_eq!(why["steps"][1]["step"], "filter");
    // Without --why there is no such field.
    let doc = json(&tutorial(&dir, &["-o", "json"]).stdout);
    assert!(doc["items"][0].get("why").is_none());
}

#[test]
fn json_without_a_pattern_matches_the_whole_tag() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &example("semver"),
            "--tags-file",
            &example("semver/tags.txt"),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let doc = json(&out.stdout);
    let tags = doc["items"][0]["tags"].as_array().unwrap();
    let t = tags.iter().find(|t| t["tag"] == "5.2.1").unwrap();
    assert_eq!(
        t["match"],
        serde_json::json!({"start": 0, "end": 5, "groups": {}})
    );
    assert!(t["nearMiss"].is_null());
}

/// The bytes of `-o json` and `-o yaml` on the tutorial, pinned (docs/json.md is the
/// contract: key order, nulls and omitted fields included). Run from the checkout with
/// relative paths so `policy.file` is the same everywhere. After a deliberate change,
/// `UPDATE_EXPECTED=1 cargo test --test cli pinned` rewrites the files; review the diff.
fn pinned(args: &[&str], expected: &str) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Dir::new()
        .cmd()
        .current_dir(root)
        .args(args)
        .output()
        .unwrap();
    let path = std::path::Path::new(root)
        .join("tests/fixtures/explain")
        .join(expected);
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    let got = String::from_utf8(out.stdout).unwrap();
    assert!(
        got == want,
        "{args:?} differs from {}:\n{got}",
        path.display()
    );
}

const TUTORIAL_ARGS: [&str; 5] = [
    "explain",
    "-f",
    "examples/tutorial/k8s-debugger.yaml",
    "--tags-file",
    "examples/tutorial/tags.txt",
];

#[test]
fn pinned_tutorial_json() {
    pinned(
        &[&TUTORIAL_ARGS[..], &["-o", "json"]].concat(),
        "tutorial.json",
    );
}

#[test]
fn pinned_tutorial_yaml() {
    pinned(
        &[&TUTORIAL_ARGS[..], &["-o", "yaml"]].concat(),
        "tutorial.yaml",
    );
}

#[test]
fn pinned_tutorial_why_json() {
    let args = [
        &TUTORIAL_ARGS[..],
        &["-o", "json", "--why", "uat-2023-broken"],
    ]
    .concat();
    pinned(&args, "tutorial-why.json");
}

#[test]
fn pinned_tutorial_list_check_json() {
    let args = [
        "list",
        "-f",
        "examples/tutorial/k8s-debugger.yaml",
        "--check",
        "--tags-file",
        "examples/tutorial/tags.txt",
        "-o",
        "json",
    ];
    pinned(&args, "tutorial-list-check.json");
}
