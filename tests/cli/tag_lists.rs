//! Offline tag lists: one per repository (`--tags-file NS/NAME=FILE`,
//! `--tags-dir DIR`), the plain list of every policy, and the checks of each line.

use crate::util::{Dir, example, json};

fn fixture(rel: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/explain/per-repository")
        .join(rel)
        .display()
        .to_string()
}

/// Each item's policy name, selected tag and tag-source origin.
fn selections(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["policy"]["name"].as_str().unwrap_or_default().to_string(),
                i["selected"]["tag"].as_str().unwrap_or("-").to_string(),
                i["tagSource"]["origin"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn tags_dir_gives_each_repository_its_own_list() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["explain", "-f", &fixture("policies.yaml")])
        .args(["--tags-dir", &fixture("tags"), "-o", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let frontend = fixture("tags/apps_frontend.txt");
    let backend = fixture("tags/apps_backend.txt");
    assert_eq!(
        selections(&json(&out.stdout)),
        [
            ("frontend-stable".into(), "1.4.2".into(), frontend.clone()),
            (
                "frontend-main".into(),
                "main-5d6e7f8-1700000100".into(),
                frontend
            ),
            ("backend".into(), "4.0.0".into(), backend),
        ]
    );
}

#[test]
fn tags_file_per_repository_and_a_plain_default() {
    let dir = Dir::new();
    let default = dir.write("default.txt", "1.0.0\n3.9.9\nmain-abc1234-5\n");
    let out = dir
        .cmd()
        .args(["explain", "-f", &fixture("policies.yaml"), "-o", "json"])
        .args([
            "--tags-file",
            &format!("apps/backend={}", fixture("tags/apps_backend.txt")),
        ])
        .args(["--tags-file", &default])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = selections(&json(&out.stdout));
    // The repository with its own list uses it; the others the plain one.
    assert_eq!(got[0], ("frontend-stable".into(), "1.0.0".into(), default));
    assert_eq!(got[2].1, "4.0.0");
    assert!(got[2].2.ends_with("apps_backend.txt"), "{got:?}");
}

#[test]
fn a_repository_without_a_list_is_an_error_naming_it_and_the_others_are_shown() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["explain", "-f", &fixture("policies.yaml"), "-o", "json"])
        .args([
            "--tags-file",
            &format!("apps/backend={}", fixture("tags/apps_backend.txt")),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "error: ImagePolicy apps/frontend-stable: cannot list tags: no tag list for ImageRepository apps/frontend: --tags-file was given for apps/backend only; pass --tags-file apps/frontend=FILE"
        ),
        "{stderr}"
    );
    let doc = json(&out.stdout);
    assert_eq!(doc["items"][2]["selected"]["tag"], "4.0.0");
    let source = &doc["items"][0]["tagSource"];
    assert_eq!(source["complete"], false);
    assert!(
        source["error"].as_str().unwrap().contains("no tag list"),
        "{source}"
    );

    // With --tags-dir, the file it looked for.
    let tags = Dir::new();
    let only = tags.write("apps_backend.txt", "3.0.0\n");
    let out = dir
        .cmd()
        .args(["explain", "-f", &fixture("policies.yaml")])
        .args(["--tags-dir", only.trim_end_matches("apps_backend.txt")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("apps_frontend.txt; pass --tags-file apps/frontend=FILE"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Tags:        none: no tag list was given for this repository"),
        "{stdout}"
    );
}

#[test]
fn a_list_for_an_unknown_repository_is_a_warning_with_a_suggestion() {
    let dir = Dir::new();
    let tags = dir.write("t/apps_frontnd.txt", "1.0.0\n");
    let out = dir
        .cmd()
        .args(["explain", "-f", &fixture("policies.yaml"), "backend"])
        .args(["--tags-dir", &fixture("tags")])
        .args(["--tags-file", &format!("apps/frontnd={tags}")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "no ImagePolicy here uses ImageRepository apps/frontnd; did you mean apps/frontend?"
        ),
        "{stderr}"
    );

    // Lists of a namespace outside -n are not typos: no warning.
    let tags = Dir::new();
    tags.write("apps_backend.txt", "3.0.0\n");
    tags.write("staging_backend.txt", "3.0.0\n");
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &fixture("policies.yaml"),
            "-n",
            "apps",
            "backend",
        ])
        .args(["--tags-dir", &tags.path("").display().to_string()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn list_check_and_diff_take_the_tags_dir() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "list",
            "-f",
            &fixture("policies.yaml"),
            "--check",
            "-o",
            "json",
        ])
        .args(["--tags-dir", &fixture("tags")])
        .output()
        .unwrap();
    // No policy here has a status: nothing to agree with, exit 0.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    let recomputed: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["recomputed"].as_str().unwrap())
        .collect();
    assert_eq!(recomputed, ["4.0.0", "main-5d6e7f8-1700000100", "1.4.2"]);
    assert!(doc["items"][0].get("agrees").is_none(), "{doc}");

    let out = dir
        .cmd()
        .args(["diff", "-f", &fixture("policies.yaml"), "-o", "json"])
        .args(["--tags-dir", &fixture("tags")])
        .output()
        .unwrap();
    let doc = json(&out.stdout);
    let selected: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["selected"].as_str().unwrap_or("-"))
        .collect();
    assert!(
        selected.contains(&"4.0.0") && selected.contains(&"1.4.2"),
        "{doc}"
    );
}

#[test]
fn tag_lines_are_checked_with_file_and_line() {
    let dir = Dir::new();
    let huge = "x".repeat(200_000);
    let file = dir.write(
        "tags.txt",
        &format!("1.0.0\n 1.2.0 \n1.1.0+build\n{huge}\n"),
    );
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &fixture("policies.yaml"),
            "frontend-stable",
        ])
        .args(["--tags-file", &file])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: {file}:2: \" 1.2.0 \" has whitespace around it (no tag can hold any): read as \"1.2.0\""
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: {file}:3: \"1.1.0+build\" is not a tag a registry can hold ('+' at byte 5"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("warning: {file}:4: "))
            && stderr.contains("200000 bytes; a tag holds at most 128"),
        "{stderr}"
    );
    // The 200 KB line is never echoed whole.
    assert!(
        stderr.lines().all(|l| l.len() < 500),
        "a long line on stderr"
    );
    // The trimmed tag is the tag: it wins.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Selected:    1.2.0"), "{stdout}");
    // A document holds the findings in the result's warnings too.
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &fixture("policies.yaml"),
            "frontend-stable",
        ])
        .args(["--tags-file", &file, "-o", "json"])
        .output()
        .unwrap();
    let warnings = json(&out.stdout)["items"][0]["warnings"].to_string();
    assert!(warnings.contains(&format!("{file}:2: ")), "{warnings}");
    assert!(warnings.contains(&format!("{file}:4: ")), "{warnings}");
}

#[test]
fn list_check_exits_1_when_the_controller_disagrees() {
    let dir = Dir::new();
    let policy = example("tutorial/k8s-debugger.yaml");
    let out = dir
        .cmd()
        .args(["list", "-f", &policy, "--check"])
        .args(["--tags-file", &example("tutorial/tags.txt")])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("NO"));
    // The controller's own tag as the only candidate: it agrees, exit 0.
    let out = dir
        .cmd()
        .args(["list", "-f", &policy, "--check"])
        .args(["--tags", "uat-202305291038-a2726e1"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `diff` and `list --check` say a missing list as `explain` does: the run's
/// error (2), the other policies still compared.
#[test]
fn diff_and_list_check_exit_2_for_a_repository_without_a_list() {
    let dir = Dir::new();
    let backend = format!("apps/backend={}", fixture("tags/apps_backend.txt"));
    for command in [&["diff"][..], &["list", "--check"]] {
        let out = dir
            .cmd()
            .args(command)
            .args(["-f", &fixture("policies.yaml"), "--tags-file", &backend])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("no tag list for ImageRepository apps/frontend"),
            "{command:?}: {stderr}"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("4.0.0"),
            "{command:?}: the backend policy is still compared"
        );
    }
}

/// The shape of a GitOps repository with many images (29, as in the issue):
/// one list per repository in a directory, every policy evaluated on its own.
#[test]
fn twenty_nine_repositories_each_with_its_own_list() {
    let dir = Dir::new();
    let mut manifests = String::new();
    for i in 1..=29 {
        manifests.push_str(&format!(
            "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nmetadata:\n  name: app{i}\n  namespace: flux-system\nspec:\n  image: registry.example.com/team/app{i}\n---\napiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: app{i}\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: app{i}\n  filterTags:\n    pattern: '^master-[a-fA-F0-9]+-(?P<ts>.*)'\n    extract: '$ts'\n  policy:\n    numerical:\n      order: asc\n---\n"
        ));
        // Each repository's newest build is a different timestamp.
        dir.write(
            &format!("tags/flux-system_app{i}.txt"),
            &format!("master-abc1234-1700000000\nmaster-def5678-17000{i:05}\nlatest\n"),
        );
    }
    let file = dir.write("policies.yaml", &manifests);
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-dir", "tags", "-o", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc = json(&out.stdout);
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), 29);
    for item in items {
        let name = item["policy"]["name"].as_str().unwrap();
        let i: u32 = name.trim_start_matches("app").parse().unwrap();
        assert_eq!(
            item["selected"]["tag"],
            format!("master-def5678-17000{i:05}"),
            "{name}"
        );
        assert_eq!(
            item["tagSource"]["origin"],
            format!("tags/flux-system_app{name_i}.txt", name_i = i)
        );
    }
}
