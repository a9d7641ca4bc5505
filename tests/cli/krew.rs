//! The krew manifest and the release archives.
//!
//! `validate` ports the checks krew-index runs on a submitted manifest (krew's
//! `pkg/index/validation` and `cmd/validate-krew-manifest`), plus the index's
//! guidelines on the short description; `install` does what `kubectl krew
//! install` does with an archive (unpack, apply `files`, find `bin`).

use crate::dist::{Dist, TARGETS, dist, extract, host_platform, root, version};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Component, Path};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Plugin {
    api_version: String,
    kind: String,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Spec {
    version: String,
    #[serde(default)]
    homepage: String,
    #[serde(default)]
    short_description: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    caveats: String,
    #[serde(default)]
    platforms: Vec<Platform>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Platform {
    selector: Option<Selector>,
    #[serde(default)]
    uri: String,
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    bin: String,
    #[serde(default)]
    files: Vec<FileOp>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Selector {
    match_labels: Option<BTreeMap<String, String>>,
    match_expressions: Option<Vec<Expression>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expression {
    key: String,
    operator: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOp {
    from: String,
    to: String,
}

/// The <os, arch> pairs krew knows (krew's `allPlatforms`, with arm64).
const KREW_PLATFORMS: [(&str, &str); 10] = [
    ("windows", "386"),
    ("windows", "amd64"),
    ("windows", "arm64"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("linux", "ppc64le"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
];

const WINDOWS_FORBIDDEN: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Semantic Versioning 2.0.0, with krew's required leading `v`.
const SEMVER: &str = r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$";

fn selector_matches(sel: &Selector, os: &str, arch: &str) -> bool {
    let value = |key: &str| match key {
        "os" => Some(os),
        "arch" => Some(arch),
        _ => None,
    };
    let labels_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| value(k) == Some(v.as_str()));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|e| {
        let v = value(&e.key);
        match e.operator.as_str() {
            "In" => v.is_some_and(|v| e.values.iter().any(|x| x == v)),
            "NotIn" => v.is_none_or(|v| e.values.iter().all(|x| x != v)),
            "Exists" => v.is_some(),
            "DoesNotExist" => v.is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// A relative path that stays inside the install directory.
fn safe_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') || path.starts_with('\\') || path.get(1..2) == Some(":") {
        return Err(format!("absolute path '{path}'"));
    }
    let unix = path.replace('\\', "/");
    if Path::new(&unix).components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    }) {
        return Err(format!("path '{path}' leaves the plugin directory"));
    }
    Ok(())
}

/// Where a file operation puts `from` (krew: `to` is a directory when it is
/// `.` or ends with `/`, else the destination file).
fn destination(op: &FileOp) -> String {
    let base = op.from.rsplit('/').next().unwrap_or(&op.from);
    if op.to == "." || op.to.is_empty() {
        base.to_string()
    } else if op.to.ends_with('/') {
        format!("{}{base}", op.to)
    } else {
        op.to.clone()
    }
}

fn long_lines(text: &str, max: usize) -> bool {
    text.lines()
        .any(|l| l.chars().count() > max && l.trim().contains(' '))
}

/// Checks a manifest as krew-index does; `file_name` is the manifest's file
/// name, which must be `<plugin name>.yaml`.
fn validate(file_name: &str, text: &str) -> Result<Plugin, String> {
    let p: Plugin = serde_yaml_ng::from_str(text).map_err(|e| format!("not a Plugin: {e}"))?;
    let name = file_name
        .strip_suffix(".yaml")
        .ok_or_else(|| format!("manifest file '{file_name}' must end in .yaml"))?;
    if p.api_version != "krew.googlecontainertools.github.com/v1alpha2" {
        return Err(format!("apiVersion {:?} not supported", p.api_version));
    }
    if p.kind != "Plugin" {
        return Err(format!("kind {:?}, only \"Plugin\" is supported", p.kind));
    }
    let safe_name = regex::Regex::new(r"^[\w-]+$").expect("regex");
    if !safe_name.is_match(name)
        || WINDOWS_FORBIDDEN
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name))
    {
        return Err(format!("the plugin name {name:?} is not allowed"));
    }
    if p.metadata.name != name {
        return Err(format!(
            "plugin should be named {name:?}, not {:?}",
            p.metadata.name
        ));
    }
    let short = &p.spec.short_description;
    if short.is_empty() {
        return Err("should have a short description".into());
    }
    if short.chars().count() > 50 || short.contains('\n') {
        return Err(format!(
            "shortDescription {short:?} is longer than 50 characters"
        ));
    }
    if short.to_lowercase().contains("kubectl") {
        return Err(format!(
            "shortDescription {short:?} must not say \"kubectl\""
        ));
    }
    if p.spec.description.trim().is_empty() {
        return Err("should have a description".into());
    }
    if long_lines(&p.spec.description, 80) || long_lines(&p.spec.caveats, 80) {
        return Err("description or caveats has a line longer than 80 characters".into());
    }
    if !p.spec.homepage.starts_with("https://") {
        return Err(format!(
            "homepage {:?} is not an https URL",
            p.spec.homepage
        ));
    }
    if !regex::Regex::new(SEMVER)
        .expect("regex")
        .is_match(&p.spec.version)
    {
        return Err(format!(
            "version {:?} is not v-prefixed semver",
            p.spec.version
        ));
    }
    if p.spec.platforms.is_empty() {
        return Err("should have a platform specified".into());
    }
    let sha = regex::Regex::new("^[a-f0-9]{64}$").expect("regex");
    for (i, pl) in p.spec.platforms.iter().enumerate() {
        let at = |msg: String| format!("platforms[{i}]: {msg}");
        if !pl.uri.starts_with("https://") {
            return Err(at(format!("uri {:?} is not an https URL", pl.uri)));
        }
        if !sha.is_match(&pl.sha256) {
            return Err(at(format!(
                "sha256 {:?} must match ^[a-f0-9]{{64}}$",
                pl.sha256
            )));
        }
        if pl.bin.is_empty() {
            return Err(at("bin has to be set".into()));
        }
        if pl.files.is_empty() {
            return Err(at("no file operations".into()));
        }
        let sel = pl
            .selector
            .as_ref()
            .ok_or_else(|| at("nil selector is not supported".into()))?;
        if sel.match_labels.as_ref().is_some_and(|m| m.is_empty()) {
            return Err(at("matchLabels specified but empty".into()));
        }
        if sel.match_expressions.as_ref().is_some_and(|m| m.is_empty()) {
            return Err(at("matchExpressions specified but empty".into()));
        }
        if sel.match_labels.is_none() && sel.match_expressions.is_none() {
            return Err(at("empty selector is not supported".into()));
        }
        let keys = sel
            .match_labels
            .iter()
            .flatten()
            .map(|(k, _)| k)
            .chain(sel.match_expressions.iter().flatten().map(|e| &e.key));
        for key in keys {
            if key != "os" && key != "arch" {
                return Err(at(format!("selector key {key:?} not supported")));
            }
        }
        if !KREW_PLATFORMS
            .iter()
            .any(|(os, arch)| selector_matches(sel, os, arch))
        {
            return Err(at("selector matches no platform krew supports".into()));
        }
        for op in &pl.files {
            safe_path(&op.from).map_err(|e| at(format!("files.from: {e}")))?;
            safe_path(&op.to).map_err(|e| at(format!("files.to: {e}")))?;
        }
        let windows_only = KREW_PLATFORMS
            .iter()
            .filter(|(os, arch)| selector_matches(sel, os, arch))
            .all(|(os, _)| *os == "windows");
        if windows_only && !pl.bin.ends_with(".exe") {
            return Err(at(format!("Windows bin {:?} must end in .exe", pl.bin)));
        }
        safe_path(&pl.bin).map_err(|e| at(format!("bin: {e}")))?;
        if !pl.files.iter().any(|op| destination(op) == pl.bin) {
            return Err(at(format!(
                "bin {:?} is not installed by any of files",
                pl.bin
            )));
        }
    }
    for (os, arch) in KREW_PLATFORMS {
        let matched: Vec<usize> = p
            .spec
            .platforms
            .iter()
            .enumerate()
            .filter(|(_, pl)| {
                pl.selector
                    .as_ref()
                    .is_some_and(|s| selector_matches(s, os, arch))
            })
            .map(|(i, _)| i)
            .collect();
        if matched.len() > 1 {
            return Err(format!(
                "platforms {matched:?} have overlapping selectors that select os={os}/arch={arch}"
            ));
        }
    }
    Ok(p)
}

/// The platform entry that krew would pick for os/arch.
fn platform_for<'p>(p: &'p Plugin, os: &str, arch: &str) -> &'p Platform {
    p.spec
        .platforms
        .iter()
        .find(|pl| {
            pl.selector
                .as_ref()
                .is_some_and(|s| selector_matches(s, os, arch))
        })
        .unwrap_or_else(|| panic!("no platform for {os}/{arch}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What `kubectl krew install` does with a platform's archive: unpack it,
/// apply `files`, and return the install directory (`bin` checked there).
pub fn install(dist: &Dist, os: &str, arch: &str, into: &Path) -> std::path::PathBuf {
    let plugin = validate("imagepolicy.yaml", &read(&dist.manifest())).expect("valid manifest");
    let platform = platform_for(&plugin, os, arch);
    let archive = dist
        .dir
        .join(platform.uri.rsplit('/').next().expect("file name"));
    let unpacked = into.join("unpacked");
    extract(&archive, &unpacked);
    let installed = into
        .join("store")
        .join("imagepolicy")
        .join(&plugin.spec.version);
    std::fs::create_dir_all(&installed).expect("mkdir");
    for op in &platform.files {
        let src = unpacked.join(&op.from);
        let dst = installed.join(destination(op));
        assert!(
            src.is_file(),
            "files.from {:?} is not in {}",
            op.from,
            archive.display()
        );
        std::fs::rename(&src, &dst).expect("move");
    }
    let bin = installed.join(&platform.bin);
    assert!(bin.is_file(), "bin {:?} not installed", platform.bin);
    installed
}

fn valid_manifest_text() -> String {
    read(&root().join("krew/imagepolicy.yaml"))
}

#[test]
fn committed_manifest_passes_krew_validation() {
    let plugin =
        validate("imagepolicy.yaml", &valid_manifest_text()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plugin.metadata.name, "imagepolicy");
    assert_eq!(
        plugin.spec.version,
        version(),
        "manifest version follows Cargo.toml"
    );
    let desc = plugin.spec.description.to_lowercase();
    assert!(
        desc.contains("image.toolkit.fluxcd.io") && desc.contains("secrets"),
        "{desc}"
    );
    assert!(plugin.spec.caveats.contains("ClusterRole"));
    for (_, os, arch) in TARGETS {
        let pl = platform_for(&plugin, os, arch);
        let ext = if os == "windows" { "zip" } else { "tar.gz" };
        let file = format!("kubectl-imagepolicy_{}_{os}_{arch}.{ext}", version());
        assert!(
            pl.uri
                .ends_with(&format!("/releases/download/{}/{file}", version())),
            "{}",
            pl.uri
        );
        assert!(
            pl.files.iter().any(|f| destination(f) == "LICENSE"),
            "{os}/{arch} ships LICENSE"
        );
        if os != "windows" {
            assert!(
                pl.files
                    .iter()
                    .any(|f| destination(f) == "kubectl_complete-imagepolicy"),
                "{os}/{arch} ships the completion helper"
            );
        }
    }
    assert_eq!(plugin.spec.platforms.len(), TARGETS.len());
}

#[test]
fn validation_rejects_what_krew_rejects() {
    let good = valid_manifest_text();
    validate("imagepolicy.yaml", &good).expect("the committed manifest is valid");
    let sha = regex::Regex::new(r"sha256: [0-9a-f]{64}").expect("regex");
    let first_sha = sha.find(&good).expect("a sha256").as_str().to_string();
    let cases: Vec<(&str, String, &str)> = vec![
        ("image-policy.yaml", good.clone(), "should be named"),
        (
            "image.policy.yaml",
            good.replace("name: imagepolicy", "name: image.policy"),
            "not allowed",
        ),
        ("imagepolicy.yml", good.clone(), "must end in .yaml"),
        (
            "imagepolicy.yaml",
            good.replace("version: v0", "version: 0"),
            "semver",
        ),
        (
            "imagepolicy.yaml",
            good.replacen(&first_sha, &format!("sha256: {}", "AB".repeat(32)), 1),
            "sha256",
        ),
        (
            "imagepolicy.yaml",
            good.replacen(&first_sha, "sha256: abc", 1),
            "sha256",
        ),
        (
            "imagepolicy.yaml",
            good.replace("arch: arm64", "arch: amd64"),
            "overlapping",
        ),
        (
            "imagepolicy.yaml",
            good.replacen("os: linux", "platform: linux", 1),
            "not supported",
        ),
        (
            "imagepolicy.yaml",
            good.replacen("bin: kubectl-imagepolicy\n", "bin: kubectl-other\n", 1),
            "not installed",
        ),
        (
            "imagepolicy.yaml",
            good.replacen("to: .", "to: ../..", 1),
            "leaves the plugin directory",
        ),
        (
            "imagepolicy.yaml",
            good.replacen("from: LICENSE", "from: /etc/passwd", 1),
            "absolute",
        ),
        (
            "imagepolicy.yaml",
            good.replace("bin: kubectl-imagepolicy.exe", "bin: kubectl-imagepolicy"),
            ".exe",
        ),
        (
            "imagepolicy.yaml",
            good.replace(
                "shortDescription: Explain which tag a Flux ImagePolicy selects",
                "shortDescription: kubectl plugin to explain ImagePolicies",
            ),
            "kubectl",
        ),
        (
            "imagepolicy.yaml",
            good.replace(
                "shortDescription: Explain which tag a Flux ImagePolicy selects",
                "shortDescription: Explain which tag a Flux ImagePolicy selects and why it does",
            ),
            "50 characters",
        ),
        (
            "imagepolicy.yaml",
            good.replace("os: windows", "os: plan9"),
            "matches no platform",
        ),
        (
            "imagepolicy.yaml",
            good.replace("shortDescription:", "shortDesc:"),
            "not a Plugin",
        ),
        (
            "imagepolicy.yaml",
            good.replace("kind: Plugin", "kind: Plugins"),
            "kind",
        ),
    ];
    for (file, text, expected) in cases {
        assert!(
            file != "imagepolicy.yaml" || text != good,
            "the mutation for {expected:?} changed nothing"
        );
        match validate(file, &text) {
            Ok(_) => panic!("{file}: accepted a manifest that should fail with {expected:?}"),
            Err(e) => assert!(
                e.contains(expected),
                "{file}: {e:?} does not say {expected:?}"
            ),
        }
    }
}

#[test]
fn committed_manifest_is_the_template_rendered() {
    // Same document as the freshly rendered one, but for the checksums, which
    // the release workflow writes for the published archives.
    let blank = |text: &str| {
        regex::Regex::new(r"(?m)^(\s*sha256: ).*$")
            .expect("regex")
            .replace_all(text, "${1}<sha256>")
            .into_owned()
    };
    let rendered = read(&dist().manifest());
    assert_eq!(blank(&valid_manifest_text()), blank(&rendered));
}

#[test]
fn archives_match_the_rendered_manifest() {
    let dist = dist();
    let text = read(&dist.manifest());
    let plugin = validate("imagepolicy.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    for (_, os, arch) in TARGETS {
        let pl = platform_for(&plugin, os, arch);
        let name = pl.uri.rsplit('/').next().expect("file name");
        let archive = dist.dir.join(name);
        assert_eq!(
            sha256_hex(&archive),
            pl.sha256,
            "{name}: sha256 in the manifest"
        );
        let sums = read(&dist.dir.join(format!("{name}.sha256")));
        assert_eq!(sums, format!("{}  {name}\n", pl.sha256), "{name}.sha256");

        let tmp = tempfile::tempdir().expect("temp dir");
        let installed = install(dist, os, arch, tmp.path());
        let mut names: Vec<String> = std::fs::read_dir(tmp.path().join("unpacked"))
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(
            names.is_empty(),
            "{name}: files not named by the manifest: {names:?}"
        );
        assert!(installed.join("LICENSE").is_file(), "{name}: LICENSE");
        #[cfg(unix)]
        if os != "windows" {
            use std::os::unix::fs::PermissionsExt;
            for exe in [&pl.bin, &"kubectl_complete-imagepolicy".to_string()] {
                let mode = std::fs::metadata(installed.join(exe))
                    .expect("stat")
                    .permissions()
                    .mode();
                assert!(mode & 0o111 != 0, "{name}: {exe} is executable");
            }
        }
    }
}

#[test]
fn host_archive_runs() {
    let dist = dist();
    let (os, arch) = host_platform();
    let tmp = tempfile::tempdir().expect("temp dir");
    let installed = install(dist, os, arch, tmp.path());
    let out = crate::dist::run(
        std::process::Command::new(installed.join("kubectl-imagepolicy")).arg("version"),
    );
    assert_eq!(
        out,
        format!("kubectl-imagepolicy {}\n", env!("CARGO_PKG_VERSION"))
    );
    let license = std::fs::read(installed.join("LICENSE")).expect("LICENSE");
    assert_eq!(
        license,
        std::fs::read(root().join("LICENSE")).expect("LICENSE")
    );
}

#[test]
fn packaging_is_reproducible_and_rejects_unknown_targets() {
    let dist = dist();
    let (os, arch) = host_platform();
    let name = format!("kubectl-imagepolicy_{}_{os}_{arch}.tar.gz", version());
    let again = tempfile::tempdir().expect("temp dir");
    let target = TARGETS
        .iter()
        .find(|(_, o, a)| *o == os && *a == arch)
        .map(|(t, _, _)| *t)
        .expect("host is a release platform");
    // Re-pack the binary that is inside the first archive.
    let unpacked = again.path().join("x");
    extract(&dist.dir.join(&name), &unpacked);
    crate::dist::run(
        std::process::Command::new("bash")
            .arg(root().join("scripts/package"))
            .args(["archive", "--target", target, "--bin"])
            .arg(unpacked.join("kubectl-imagepolicy"))
            .arg("--out")
            .arg(again.path()),
    );
    assert_eq!(
        sha256_hex(&again.path().join(&name)),
        sha256_hex(&dist.dir.join(&name))
    );

    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package"))
        .args([
            "archive",
            "--target",
            "riscv64gc-unknown-linux-gnu",
            "--bin",
            "/bin/sh",
            "--out",
        ])
        .arg(again.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported target"));

    // A manifest is never rendered with an archive missing (unless --pending).
    let empty = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package"))
        .args(["manifest", "--dir"])
        .arg(empty.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(!empty.path().join("imagepolicy.yaml").exists());
}

#[test]
fn readme_cluster_role_is_read_only_and_covers_the_image_api() {
    // The krew caveats link to the README's Permissions section; it points to
    // the ready ClusterRole in the cluster guide.
    let readme = read(&root().join("README.md"));
    let pointer = &readme[readme
        .find("\n## Permissions\n")
        .expect("README Permissions section")..];
    assert!(
        pointer.contains("(docs/guide/cluster.md#permissions)"),
        "the README's Permissions section must link to the ClusterRole"
    );
    let guide = read(&root().join("docs/guide/cluster.md"));
    let section = &guide[guide
        .find("\n## Permissions\n")
        .expect("Permissions section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").expect("block end")];
    let mut image_rules = 0;
    for doc in serde_yaml_ng::Deserializer::from_str(block) {
        let doc = serde_yaml_ng::Value::deserialize(doc).expect("valid YAML");
        let kind = doc["kind"].as_str().expect("kind");
        assert!(
            doc["apiVersion"] == "rbac.authorization.k8s.io/v1",
            "{kind}"
        );
        for rule in doc["rules"].as_sequence().into_iter().flatten() {
            for verb in rule["verbs"].as_sequence().expect("verbs") {
                let verb = verb.as_str().expect("verb");
                assert!(
                    matches!(verb, "get" | "list" | "watch"),
                    "{kind}: verb {verb}"
                );
            }
            if rule["apiGroups"][0] == "image.toolkit.fluxcd.io" {
                let resources = format!("{:?}", rule["resources"]);
                assert!(
                    resources.contains("imagepolicies") && resources.contains("imagerepositories")
                );
                image_rules += 1;
            }
        }
    }
    assert_eq!(image_rules, 1);
}

#[test]
fn caveats_completion_step_is_the_readmes() {
    let plugin = validate("imagepolicy.yaml", &valid_manifest_text()).expect("valid");
    let readme = read(&root().join("README.md"));
    for line in plugin
        .spec
        .caveats
        .lines()
        .filter(|l| l.contains("kubectl_complete"))
    {
        assert!(
            readme.contains(line.trim()),
            "README lacks the caveats' {line:?}"
        );
    }
}
