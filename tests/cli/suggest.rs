//! `suggest` on tag lists shaped like real repositories (the core's own):
//! the table and JSON per family and what each selects; `-o yaml` fed back
//! to `explain -f … --tags-file …` selects the same tags and passes `lint`;
//! tags listed from the real registry (IMAGE) and through the cluster
//! (`--image-repository`, the stand-in API server and its Secrets).

use crate::apiserver::{ApiServer, State};
use crate::registry_support::{Options, Registry};
use crate::util::{Dir, example, json};
use serde_json::{Value, json};

const SIG: &str = "sha256-4d2a7bc2d3f5e8a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7.sig";

/// The core tests' generator (splitmix64), for the same shas.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit((self.next() % 16) as u32, 16).unwrap())
            .collect()
    }
}

fn owned(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|t| t.to_string()).collect()
}

fn tutorial() -> Vec<String> {
    owned(&[
        "uat-202305291038-a2726e1",
        "uat-202305291203-815a0fd",
        "uat-202305301015-9b2c4d1",
        "stage-202305281712-1c0f4e2",
        "stage-202305291130-7e8f9a0",
        "stage-202305311845-3d4e5f6",
        "latest",
        "v1.0.0",
        SIG,
    ])
}

fn podinfo() -> Vec<String> {
    let mut tags = Vec::new();
    for (minor, patches) in [(0, 3), (1, 8), (2, 3), (3, 6), (4, 1), (5, 4)] {
        for patch in 0..=patches {
            tags.push(format!("6.{minor}.{patch}"));
        }
    }
    tags.extend(owned(&["6.6.0-rc.1", "6.6.0-rc.2", "latest", SIG]));
    tags
}

fn flux_sortable() -> Vec<String> {
    let mut rng = Rng(7);
    let mut tags: Vec<String> = (0..20)
        .map(|i| format!("main-{}-{}", rng.hex(7 + i % 2), 1_700_000_000 + i * 3_600))
        .collect();
    tags.extend(owned(&[
        "main-1234567-1700100000",
        "main-deadbeef-1700000100",
        "feature-login-4f2a9c1-1700000200",
        "latest",
    ]));
    tags
}

fn build_numbers() -> Vec<String> {
    let mut tags: Vec<String> = (1..=123).map(|n| format!("build-{n}")).collect();
    tags.extend(owned(&["build-20240115", "latest"]));
    tags
}

fn minio() -> Vec<String> {
    let stamps = [
        "2023-12-23T07-19-11Z",
        "2024-01-05T22-17-24Z",
        "2024-01-11T07-46-16Z",
        "2024-01-13T07-53-03Z",
        "2024-01-16T16-07-38Z",
    ];
    let mut tags: Vec<String> = stamps.iter().map(|t| format!("RELEASE.{t}")).collect();
    tags.extend(stamps[1..4].iter().map(|t| format!("RELEASE.{t}.fips")));
    tags.push("latest".into());
    tags
}

fn node() -> Vec<String> {
    let mut tags = Vec::new();
    for v in ["20.5.1", "20.9.0", "20.10.0", "20.11.0", "20.11.1"] {
        tags.extend([
            v.to_string(),
            format!("{v}-alpine3.19"),
            format!("{v}-bookworm"),
        ]);
    }
    tags.extend(owned(&[
        "20.5.1-alpine3.18",
        "20.9.0-alpine3.18",
        "lts",
        "lts-alpine3.19",
        "current",
    ]));
    tags
}

fn versions_and_nightlies() -> Vec<String> {
    owned(&[
        "v1.0.0",
        "nightly-2023-12-30",
        "v1.1.0",
        "nightly-2023-12-31",
        "v1.2.0",
        "nightly-2024-01-01",
        "v1.2.3",
        "nightly-2024-01-15",
        "v2.0.0-beta.1",
        "nightly-2024-02-01",
        "edge",
    ])
}

fn shas() -> Vec<String> {
    owned(&[
        "4f2a9c1", "815a0fd", "a2726e1", "9b2c4d1", "1c0f4e2", "7e8f9a0", "3141592",
    ])
}

/// Writes the tags file and runs `suggest --tags-file tags.txt` with `args`.
fn suggest(dir: &Dir, tags: &[String], args: &[&str]) -> std::process::Output {
    let file = dir.write("tags.txt", &(tags.join("\n") + "\n"));
    dir.cmd()
        .args(["suggest", "--tags-file", &file])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `-o json`, exit 0.
fn families(dir: &Dir, tags: &[String]) -> Vec<Value> {
    let out = suggest(dir, tags, &["-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out.stdout)["families"].as_array().unwrap().clone()
}

fn family<'v>(families: &'v [Value], pattern: &str) -> &'v Value {
    families
        .iter()
        .find(|f| f["pattern"] == pattern)
        .unwrap_or_else(|| panic!("no family {pattern} in {families:#?}"))
}

/// `-o yaml` applied back: `explain -f` with the same tags selects what
/// `suggest` said for every family, and `lint -f` finds no error.
fn round_trip(dir: &Dir, tags: &[String], args: &[&str]) -> String {
    let out = suggest(dir, tags, &[&["-o", "json"], args].concat());
    let mut expected: Vec<(String, String)> = json(&out.stdout)["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["selected"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let out = suggest(dir, tags, &[&["-o", "yaml"], args].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let yaml = stdout(&out);
    let manifests = dir.write("out.yaml", &yaml);
    let explained = dir
        .cmd()
        .args(["explain", "-A", "-f", &manifests, "--tags-file"])
        .arg(dir.path("tags.txt"))
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(explained.status.code(), Some(0), "{}", stderr(&explained));
    let items = json(&explained.stdout)["items"].as_array().unwrap().clone();
    let mut got: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["policy"]["name"].as_str().unwrap().to_string(),
                i["selected"]["tag"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "{yaml}");
    let lint = dir.cmd().args(["lint", "-f", &manifests]).output().unwrap();
    assert_eq!(lint.status.code(), Some(0), "{}{yaml}", stdout(&lint));
    assert!(!stdout(&lint).contains(": error:"), "{}", stdout(&lint));
    yaml
}

#[test]
fn tutorial_table_flux_lines_and_rejections() {
    let dir = Dir::new();
    let out = suggest(&dir, &tutorial(), &["--image-repository", "k8s-debugger"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let words = |line: &str| {
        line.split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        words(lines[0]),
        ["PATTERN", "TAGS", "EXAMPLE", "POLICY", "SELECTS"]
    );
    assert_eq!(
        words(lines[1]).join(" "),
        "^stage-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$ 3 stage-202305281712-1c0f4e2 numerical:asc ($ts) stage-202305311845-3d4e5f6"
    );
    assert_eq!(
        words(lines[2]).join(" "),
        "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$ 3 uat-202305291038-a2726e1 numerical:asc ($ts) uat-202305301015-9b2c4d1"
    );
    assert!(
        text.contains(
            "\nk8s-debugger-uat: 3 tags, selects uat-202305301015-9b2c4d1\n  \
             flux create image policy k8s-debugger-uat --image-ref=k8s-debugger --select-numeric=asc \
             --filter-regex='^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$' --filter-extract='$ts' --namespace=default\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("flux create image policy k8s-debugger-stage "),
        "{text}"
    );
    assert!(text.contains("\nNo policy for:\n"), "{text}");
    assert!(
        text.contains(&format!(
            "  cosign signatures/attestations never form a family: 1 tags ({SIG})\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "  fewer than 3 tags: 1 tags in 1 shape(s) too small to be a family (v1.0.0)\n"
        ),
        "{text}"
    );
    assert!(text.contains("(latest)\n"), "{text}");

    // -o wide: the policy's name and the extract in columns of their own.
    let out = suggest(&dir, &tutorial(), &["-o", "wide", "--no-headers"]);
    let first = stdout(&out).lines().next().unwrap().to_string();
    let cells: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "stage",
            "^stage-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$",
            "3",
            "stage-202305281712-1c0f4e2",
            "numerical:asc",
            "$ts",
            "stage-202305311845-3d4e5f6"
        ]
    );

    let yaml = round_trip(&dir, &tutorial(), &["--image-repository", "k8s-debugger"]);
    assert!(
        yaml.contains("  name: k8s-debugger-uat\n  namespace: default\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("kind: ImageRepository"), "{yaml}");
}

#[test]
fn the_bundled_tutorial_example() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["suggest", "--tags-file", &example("tutorial/tags.txt")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("flux create image policy uat --image-ref=REPOSITORY --select-numeric=asc"),
        "{text}"
    );
    assert!(
        text.contains(", selects uat-202305291203-815a0fd\n"),
        "{text}"
    );
    // Two stage tags are too few, unless --min-tags says otherwise.
    let out = dir
        .cmd()
        .args(["suggest", "--tags-file", &example("tutorial/tags.txt")])
        .args(["--min-tags", "2", "-o", "json"])
        .output()
        .unwrap();
    let doc = json(&out.stdout);
    let families = doc["families"].as_array().unwrap();
    let stage = family(families, "^stage-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$");
    assert_eq!(stage["selected"], "stage-202305291210-4d5e6f7");
}

#[test]
fn podinfo_semver_with_release_candidates() {
    let dir = Dir::new();
    let families = families(&dir, &podinfo());
    assert_eq!(families.len(), 1, "{families:#?}");
    let f = &families[0];
    assert_eq!(
        f["pattern"],
        r"^[0-9]+\.[0-9]+\.[0-9]+(?:-rc(?:\.?[0-9]+)?)?$"
    );
    assert_eq!(f["extract"], "");
    assert_eq!(f["policy"], json!({"semver": {"range": ">=6.0.0 <7.0.0"}}));
    assert_eq!(f["selected"], "6.5.4");
    assert_eq!(f["count"], 33);
    assert_eq!(f["name"], "stable");
    assert!(
        f["prereleaseNote"]
            .as_str()
            .unwrap()
            .contains("write '>=6.0.0-0 <7.0.0-0' to include release candidates")
    );
    assert_eq!(
        f["fluxCommand"],
        r"flux create image policy stable --image-ref=REPOSITORY --select-semver='>=6.0.0 <7.0.0' --filter-regex='^[0-9]+\.[0-9]+\.[0-9]+(?:-rc(?:\.?[0-9]+)?)?$' --namespace=default"
    );
    assert_eq!(
        f["policyManifest"],
        json!({
            "apiVersion": "image.toolkit.fluxcd.io/v1",
            "kind": "ImagePolicy",
            "metadata": {"name": "stable", "namespace": "default"},
            "spec": {
                "imageRepositoryRef": {"name": "REPOSITORY"},
                "filterTags": {"pattern": r"^[0-9]+\.[0-9]+\.[0-9]+(?:-rc(?:\.?[0-9]+)?)?$"},
                "policy": {"semver": {"range": ">=6.0.0 <7.0.0"}}
            }
        })
    );

    // IMAGE names the repository and adds its ImageRepository; -n the namespace.
    let yaml = round_trip(
        &dir,
        &podinfo(),
        &["ghcr.io/stefanprodan/podinfo", "-n", "apps"],
    );
    assert!(
        yaml.starts_with(
            "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  \
             name: podinfo\n  namespace: apps\nspec:\n  image: ghcr.io/stefanprodan/podinfo\n  interval: 5m\n---\n"
        ),
        "{yaml}"
    );
    assert!(yaml.contains("  name: podinfo-stable\n"), "{yaml}");
    assert!(
        yaml.contains("# note: '>=6.0.0 <7.0.0' takes stable releases only"),
        "{yaml}"
    );
    assert!(
        yaml.contains("    semver:\n      range: '>=6.0.0 <7.0.0'\n"),
        "{yaml}"
    );
}

#[test]
fn flux_sortable_branch_sha_unix_seconds() {
    let dir = Dir::new();
    let families = families(&dir, &flux_sortable());
    assert_eq!(families.len(), 1, "{families:#?}");
    let f = family(&families, "^main-[a-f0-9]{7,}-(?P<ts>[0-9]{10})$");
    assert_eq!(f["extract"], "$ts");
    assert_eq!(f["policy"], json!({"numerical": {"order": "asc"}}));
    assert_eq!(f["count"], 22);
    assert_eq!(f["selected"], "main-1234567-1700100000");
    let out = suggest(&dir, &flux_sortable(), &[]);
    assert!(
        stdout(&out).contains("  flux create image policy main-builds --image-ref=REPOSITORY --select-numeric=asc --filter-regex='^main-[a-f0-9]{7,}-(?P<ts>[0-9]{10})$' --filter-extract='$ts' --namespace=default\n"),
        "{}",
        stdout(&out)
    );
    round_trip(&dir, &flux_sortable(), &[]);
}

#[test]
fn build_numbers_order_as_numbers() {
    let dir = Dir::new();
    let families = families(&dir, &build_numbers());
    let f = family(&families, "^build-(?P<build>[0-9]{1,7})$");
    assert_eq!(f["extract"], "$build");
    assert_eq!(f["policy"], json!({"numerical": {"order": "asc"}}));
    assert_eq!(f["count"], 123);
    assert_eq!(f["selected"], "build-123");
    round_trip(&dir, &build_numbers(), &[]);
}

#[test]
fn minio_release_timestamps() {
    let dir = Dir::new();
    let families = families(&dir, &minio());
    assert_eq!(families.len(), 2, "{families:#?}");
    let f = family(
        &families,
        r"^RELEASE\.(?P<ts>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2})Z$",
    );
    assert_eq!(f["policy"], json!({"alphabetical": {"order": "asc"}}));
    assert_eq!(f["selected"], "RELEASE.2024-01-16T16-07-38Z");
    assert_eq!(families[1]["name"], "release-z-fips");
    assert_eq!(families[1]["selected"], "RELEASE.2024-01-13T07-53-03Z.fips");
    let out = suggest(&dir, &minio(), &["minio/minio"]);
    assert!(
        stdout(&out).contains(" --select-alpha=asc --filter-regex='^RELEASE\\.(?P<ts>"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("flux create image policy minio-release-z-fips --image-ref=minio ")
    );
    round_trip(&dir, &minio(), &["minio/minio"]);
}

#[test]
fn node_variants() {
    let dir = Dir::new();
    let families = families(&dir, &node());
    assert_eq!(families.len(), 3, "{families:#?}");
    let selected = |pattern: &str| family(&families, pattern)["selected"].clone();
    assert_eq!(selected(r"^[0-9]+\.[0-9]+\.[0-9]+$"), "20.11.1");
    assert_eq!(
        selected(r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-alpine3\.19$"),
        "20.11.1-alpine3.19"
    );
    assert_eq!(
        selected(r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-bookworm$"),
        "20.11.1-bookworm"
    );
    let alpine = family(
        &families,
        r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-alpine3\.19$",
    );
    assert_eq!(alpine["extract"], "$version");
    assert_eq!(
        alpine["policy"],
        json!({"semver": {"range": ">=20.0.0 <21.0.0"}})
    );
    let out = suggest(&dir, &node(), &["docker.io/library/node:20"]);
    let text = stdout(&out);
    assert!(
        text.contains("semver:>=20.0.0 <21.0.0 ($version)   20.11.1-alpine3.19"),
        "{text}"
    );
    assert!(
        text.contains("flux create image policy node-alpine3-19 --image-ref=node --select-semver='>=20.0.0 <21.0.0' --filter-regex='^(?P<version>[0-9]+\\.[0-9]+\\.[0-9]+)-alpine3\\.19$' --filter-extract='$version'"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("warning: docker.io/library/node:20: the tag is ignored"),
        "{}",
        stderr(&out)
    );
    round_trip(&dir, &node(), &["docker.io/library/node"]);
}

#[test]
fn v_prefixed_versions_beside_nightlies() {
    let dir = Dir::new();
    let families = families(&dir, &versions_and_nightlies());
    assert_eq!(families.len(), 2, "{families:#?}");
    let v = family(
        &families,
        r"^v[0-9]+\.[0-9]+\.[0-9]+(?:-beta(?:\.?[0-9]+)?)?$",
    );
    assert_eq!(v["policy"], json!({"semver": {"range": ">=1.0.0 <2.0.0"}}));
    assert_eq!(v["selected"], "v1.2.3");
    let nightly = family(&families, "^nightly-(?P<ts>[0-9]{4}-[0-9]{2}-[0-9]{2})$");
    assert_eq!(nightly["policy"], json!({"alphabetical": {"order": "asc"}}));
    assert_eq!(nightly["selected"], "nightly-2024-02-01");
    round_trip(&dir, &versions_and_nightlies(), &[]);
}

#[test]
fn shas_only_is_exit_1_with_the_reason() {
    let dir = Dir::new();
    let out = suggest(&dir, &shas(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "error: no policy to suggest: 7 tags, git shas: 7 tags whose order is unknowable (4f2a9c1, 815a0fd, a2726e1, …)\n"
    );
    let out = suggest(&dir, &shas(), &["-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    assert_eq!(doc["families"], json!([]));
    assert_eq!(
        doc["rejected"],
        json!([{"reason": "git shas: 7 tags whose order is unknowable", "count": 7,
                "examples": ["4f2a9c1", "815a0fd", "a2726e1"]}])
    );
    let out = suggest(&dir, &shas(), &["-o", "yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    let out = suggest(&dir, &[], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("holds no tags"), "{}", stderr(&out));
}

#[test]
fn without_a_tag_source_is_a_usage_error() {
    let dir = Dir::new();
    let out = dir.cmd().arg("suggest").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: suggest needs tags: pass IMAGE, --image-repository NAME, --tags or --tags-file\n\
         See 'kubectl imagepolicy suggest --help' for usage.\n"
    );
    let out = dir
        .cmd()
        .args(["suggest", "--insecure", "--tags", "a"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = dir.cmd().args(["suggest", "not a/ref:"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'not a/ref:'"), "{}", stderr(&out));
    // --tags works offline too.
    let out = dir
        .cmd()
        .args(["suggest", "--tags", "1.0.0,1.1.0,1.2.0", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout)["families"][0]["selected"], "1.2.0");
}

#[test]
fn image_from_the_registry() {
    let registry = Registry::start(Options::default());
    let tags = flux_sortable();
    registry.push("team/app", &tags);
    let dir = Dir::new();
    let image = format!("{}/team/app", registry.host());
    let out = dir
        .cmd()
        .args(["suggest", &image, "--insecure", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out.stdout);
    let families = doc["families"].as_array().unwrap();
    let main = family(families, "^main-[a-f0-9]{7,}-(?P<ts>[0-9]{10})$");
    assert_eq!(main["count"], 22);
    assert_eq!(main["selected"], "main-1234567-1700100000");
    assert_eq!(main["name"], "app-main-builds");
    assert_eq!(
        main["policyManifest"]["spec"]["imageRepositoryRef"]["name"],
        "app"
    );

    // The YAML lists the same registry through explain, and lints clean.
    let out = dir
        .cmd()
        .args(["suggest", &image, "--insecure", "-o", "yaml"])
        .output()
        .unwrap();
    let yaml = stdout(&out);
    assert!(
        yaml.contains(&format!(
            "  image: {image}\n  interval: 5m\n  insecure: true\n"
        )),
        "{yaml}"
    );
    let file = dir.write("out.yaml", &yaml);
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &file,
            "app-main-builds",
            "--tags-from",
            "registry",
        ])
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json(&out.stdout)["items"][0]["selected"]["tag"],
        main["selected"]
    );
    let lint = dir.cmd().args(["lint", "-f", &file]).output().unwrap();
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));

    // Missing repository, then a stopped registry: one line naming the image, exit 2.
    let missing = format!("{}/team/nope", registry.host());
    let out = dir
        .cmd()
        .args(["suggest", &missing, "--insecure"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("error: listing the tags of {missing}: ")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let mut registry = registry;
    registry.stop();
    let out = dir
        .cmd()
        .args(["suggest", &image, "--insecure"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("error: listing the tags of {image}: ")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn image_repository_from_the_cluster() {
    const PASSWORD: &str = "hunter2-registry";
    let registry = Registry::start(Options {
        user: Some(("robot".into(), PASSWORD.into())),
        ..Options::default()
    });
    let tags: Vec<String> = (1..=12).map(|n| format!("build-{n}")).collect();
    registry.push("team/app", &tags);
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("robot:{PASSWORD}"));
    let docker = format!(
        r#"{{"auths": {{"{}": {{"auth": "{auth}"}}}}}}"#,
        registry.host()
    );
    let repository = json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository",
        "metadata": {"name": "app", "namespace": "apps"},
        "spec": {"image": format!("{}/team/app", registry.host()), "interval": "5m",
                 "insecure": true, "secretRef": {"name": "regcred"}},
        "status": {"lastScanResult": {"tagCount": 12, "latestTags": ["build-1"]}}});
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects: vec![repository],
        namespaces: vec![("apps".into(), vec![])],
        secrets: vec![(
            "apps".into(),
            "regcred".into(),
            vec![(".dockerconfigjson".into(), docker.into_bytes())],
        )],
        ..State::default()
    });
    let dir = Dir::new();
    let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
    let run = |args: &[&str]| {
        dir.cmd()
            .env("KUBECONFIG", &kubeconfig)
            .arg("suggest")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--image-repository", "app", "-o", "yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let yaml = stdout(&out);
    assert!(!yaml.contains(PASSWORD) && !stderr(&out).contains(PASSWORD));
    assert!(
        yaml.contains(
            "metadata:\n  name: app-build\n  namespace: apps\nspec:\n  imageRepositoryRef:\n    name: app\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains("# 12 tags like build-10; selects build-12\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("kind: ImageRepository"), "{yaml}");

    let out = run(&["--image-repository", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).lines().collect::<Vec<_>>(),
        ["error: ImageRepository apps/nope not found in namespace 'apps' of the cluster http://127.0.0.1:".to_string()
            + &server.port.to_string()
            + "/"]
    );
}

/// nginx-shaped: the plain line first with its proof, at most ten families
/// unless `--all`, the stale Alpine last.
#[test]
fn nginx_shaped_table_recommends_the_plain_line() {
    let dir = Dir::new();
    let mut tags = Vec::new();
    for (minor, last) in [(25, 5), (26, 2), (27, 3)] {
        for patch in 0..=last {
            let v = format!("1.{minor}.{patch}");
            for suffix in [
                "",
                "-alpine",
                "-alpine-slim",
                "-alpine-perl",
                "-bookworm",
                "-perl",
                "-otel",
                "-bookworm-otel",
                "-alpine-otel",
                "-bookworm-perl",
            ] {
                tags.push(format!("{v}{suffix}"));
            }
            if minor == 25 {
                tags.push(format!("{v}-alpine3.18"));
            }
        }
    }
    tags.extend(["mainline", "stable", "latest"].map(String::from));
    let out = suggest(&dir, &tags, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().nth(1).unwrap();
    assert!(
        first.starts_with(r"^[0-9]+\.[0-9]+\.[0-9]+$ ") && first.contains("semver:>=1.0.0 <2.0.0"),
        "{text}"
    );
    assert!(
        text.contains("stable (recommended): 13 tags, selects 1.27.3\n"),
        "{text}"
    );
    assert!(
        text.contains("  proven: takes the next push 1.27.4; does not take 2.0.0, 1.27.4-rc.1\n"),
        "{text}"
    );
    assert!(!text.contains("note:"), "{text}");
    assert_eq!(
        text.matches("alternative (every major)").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("1 more family not shown: --all lists them"),
        "{text}"
    );
    assert!(!text.contains("alpine3\\.18"), "{text}");

    let out = suggest(&dir, &tags, &["--all", "-o", "json"]);
    let families = json(&out.stdout)["families"].as_array().unwrap().clone();
    assert_eq!(families.len(), 11);
    assert_eq!(families[0]["alternatives"][0]["range"], ">=1.0.0");
    let stale = families.last().unwrap();
    assert_eq!(stale["name"], "alpine3-18");
    assert_eq!(stale["status"], "stale");
    assert_eq!(families[0]["status"], "recommended");
    assert_eq!(families[0]["takes"], json!(["1.27.4"]));
    assert_eq!(families[0]["refuses"], json!(["2.0.0", "1.27.4-rc.1"]));
}
