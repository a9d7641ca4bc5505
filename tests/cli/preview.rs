//! `preview` on a fixture checkout (`tests/fixtures/preview/`): the policies
//! in scope, the files as the controller writes them (each checked against
//! image-automation-controller's own update code when the fixture was made),
//! the message, the branch, and the reconciles the controller would fail.

use crate::util::{Dir, json};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/preview")
}

fn preview(dir: &Dir, automation: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(automation)
        .arg("--source")
        .arg(fixtures().join("tree"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), json(&out.stdout), stderr)
}

#[test]
fn the_commit_of_one_reconcile() {
    let dir = Dir::new();
    let (code, doc, stderr) = preview(&dir, &fixtures().join("automation.yaml"), &[]);
    assert_eq!(code, 1, "{doc}{stderr}");
    let a = &doc["automations"][0];
    assert_eq!(a["branch"], "main", "the GitRepository's spec.ref");
    assert_eq!(a["path"], "apps");
    assert_eq!(a["commit"], true);
    assert_eq!(a["message"], "Update from image update automation");
    assert_eq!(
        a["author"],
        "fluxcdbot <fluxcdbot@users.noreply.github.com>"
    );
    // The automation's namespace, its selector, a latestRef.
    let policies: Vec<(String, bool)> = a["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["applied"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        policies,
        [
            ("app".into(), true),
            ("chart".into(), true),
            ("pending".into(), false),
            ("manual".into(), false)
        ]
    );
    // A file in kyaml's style: exactly the controller's output (checked with
    // its update code); the unchanged marker of `manual` stays.
    let files = a["files"].as_array().unwrap();
    let deploy = files
        .iter()
        .find(|f| f["path"] == "apps/deploy.yaml")
        .unwrap();
    assert_eq!(deploy["exact"], true);
    let want = std::fs::read_to_string(fixtures().join("tree/apps/deploy.yaml"))
        .unwrap()
        .replace("app:1.9.0", "app:1.10.0");
    assert_eq!(deploy["after"], want);
    // A numeric-looking tag is quoted; a 4-space file is re-indented by the
    // controller, and shown so (image-automation-controller v1.2.1's bytes).
    let release = files
        .iter()
        .find(|f| f["path"] == "apps/release.yaml")
        .unwrap();
    assert_eq!(
        release["after"],
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: chart\n  namespace: apps\nspec:\n  values:\n    image:\n      repository: ghcr.io/acme/chart # {\"$imagepolicy\": \"flux-system:chart:name\"}\n      tag: \"1.10\" # {\"$imagepolicy\": \"flux-system:chart:tag\"}\n",
        "{release}"
    );
    assert_eq!(release["exact"], true);
    assert!(
        release["reformatted"].to_string().contains("2 spaces"),
        "{release}"
    );
    // Already current, and outside update.path: not changed.
    assert_eq!(files.len(), 2, "{files:?}");
}

fn variant(dir: &Dir, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("automation.yaml")).unwrap();
    PathBuf::from(dir.write("automation.yaml", &edit(text)))
}

#[test]
fn the_errors_the_controller_would_stop_on() {
    let dir = Dir::new();
    let missing = variant(&dir, |t| t.replace("path: ./apps", "path: ./nowhere"));
    let (code, doc, stderr) = preview(&dir, &missing, &[]);
    assert_eq!(code, 2);
    let error = doc["automations"][0]["error"].as_str().unwrap();
    assert!(
        error.starts_with("walking path for files: lstat ")
            && error.ends_with("nowhere: no such file or directory"),
        "{error}"
    );
    assert!(
        stderr.contains("error: ImageUpdateAutomation flux-system/fleet: walking path"),
        "{stderr}"
    );

    let removed = variant(&dir, |t| {
        t.replace("        email: fluxcdbot@users.noreply.github.com\n", "        email: fluxcdbot@users.noreply.github.com\n      messageTemplate: '{{ range .Updated.Images }}{{ . }}{{ end }}'\n")
    });
    let (code, doc, _) = preview(&dir, &removed, &[]);
    assert_eq!(code, 2);
    assert!(
        doc["automations"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("template uses removed '.Updated' field.")
    );

    let no_branch = variant(&dir, |t| t.replace("  ref:\n    branch: main\n", ""));
    let (code, doc, _) = preview(&dir, &no_branch, &[]);
    assert_eq!(code, 2);
    assert_eq!(
        doc["automations"][0]["error"],
        "push spec not provided, and cannot be inferred from .spec.git.checkout.ref or GitRepository .spec.ref"
    );
}

#[test]
fn nothing_to_push() {
    let dir = Dir::new();
    // update.path a file whose value is already current: no commit, exit 0.
    let current = variant(&dir, |t| {
        t.replace("path: ./apps", "path: ./apps/current.yaml")
    });
    let (code, doc, _) = preview(&dir, &current, &[]);
    let a = &doc["automations"][0];
    assert_eq!(code, 0, "{a}");
    assert_eq!(a["commit"], false);
    assert!(a["notes"].to_string().contains("already current"), "{a}");
    // No policy matches the selector.
    let none = variant(&dir, |t| {
        t.replace(
            "      automate: \"yes\"\n---\napiVersion: image",
            "      automate: \"never\"\n---\napiVersion: image",
        )
    });
    let (code, doc, _) = preview(&dir, &none, &[]);
    assert_eq!(code, 0);
    assert!(
        doc["automations"][0]["notes"]
            .to_string()
            .contains("no policy in scope"),
        "{doc}"
    );
    // Suspended: nothing at all.
    let suspended = variant(&dir, |t| {
        t.replace("  interval: 30m\n", "  interval: 30m\n  suspend: true\n")
    });
    let (code, doc, _) = preview(&dir, &suspended, &[]);
    assert_eq!(code, 0);
    assert!(
        doc["automations"][0]["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("suspended")
    );
}

#[test]
fn the_tutorial_ends_with_the_commit() {
    // The bundled example: the marked tutorial tree, its automation and policy.
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(crate::util::example("tutorial/k8s-debugger.yaml"))
        .arg("-f")
        .arg(crate::util::example("tutorial/automation.yaml"))
        .arg("--source")
        .arg(crate::util::example("tutorial/marked"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    let file = &doc["automations"][0]["files"][0];
    // As image-automation-controller's update code wrote it for this tree:
    // the name as the ImageRepository writes it, the marker kept.
    assert_eq!(file["exact"], true);
    assert!(file["after"].as_str().unwrap().contains(
        "          image: docker.io/mouhamedali/k8s-debugger:uat-202305291038-a2726e1 # {\"$imagepolicy\": \"flux-system:k8s-debugger-uat-policy\"}\n"
    ));
    assert_eq!(doc["automations"][0]["branch"], "main");
}

#[test]
fn recomputed_is_the_commit_once_the_reflector_caught_up() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "--selection", "recomputed", "-f"])
        .arg(crate::util::example("tutorial/k8s-debugger.yaml"))
        .arg("-f")
        .arg(crate::util::example("tutorial/automation.yaml"))
        .arg("--source")
        .arg(crate::util::example("tutorial/marked"))
        .arg("--tags-file")
        .arg(crate::util::example("tutorial/tags.txt"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    let a = &doc["automations"][0];
    assert_eq!(a["selection"], "recomputed");
    // The newest uat build of the tag list, not the status's older latestRef.
    assert_eq!(a["policies"][0]["tag"], "uat-202305291203-815a0fd");
    assert!(
        a["files"][0]["after"]
            .as_str()
            .unwrap()
            .contains("image: docker.io/mouhamedali/k8s-debugger:uat-202305291203-815a0fd #")
    );
}

#[test]
fn a_checkout_on_another_branch_or_with_changes_is_warned_about() {
    // A Git checkout of the fixture tree on branch `work`, with a change.
    let dir = Dir::new();
    let root = dir.path("checkout");
    for (rel, bytes) in crate::util::snapshot(&fixtures().join("tree")) {
        let path = root.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "work"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "tree"]);
    std::fs::write(root.join("apps/current.yaml"), "changed: true\n").unwrap();
    let out = dir
        .cmd()
        .args(["preview", "-f"])
        .arg(fixtures().join("automation.yaml"))
        .arg("--source")
        .arg(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "has branch 'work' checked out; the automation flux-system/fleet starts from 'main'"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("has uncommitted changes"), "{stderr}");
    // Read, never written.
    assert_eq!(
        std::fs::read_to_string(root.join("apps/current.yaml")).unwrap(),
        "changed: true\n"
    );
}
/// The automation with `spec.git.commit.messageTemplate` (a YAML literal
/// block, so the message ends with a newline) and, when given,
/// `messageTemplateValues` lines.
fn with_template(dir: &Dir, template: &str, values: &str) -> PathBuf {
    let block: String = template
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("        {l}\n")
            }
        })
        .collect();
    variant(dir, |t| {
        t.replace(
            "        email: fluxcdbot@users.noreply.github.com\n",
            &format!(
                "        email: fluxcdbot@users.noreply.github.com\n      messageTemplate: |\n{block}{values}"
            ),
        )
    })
}

// The expected messages and errors below were computed by Go 1.26's
// text/template over image-automation-controller v1.2.1's own TemplateData
// and update.Result types (with the same changes), sprig's functions ported
// from v3.3.0's source.

/// The Flux documentation's template: files, then objects with their changes.
const DOCS_OBJECTS: &str = r#"Automated image update

Automation name: {{ .AutomationObject }}

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}

Objects:
{{ range $resource, $changes := .Changed.Objects -}}
- {{ $resource.Kind }} {{ $resource.Name }}
  Changes:
{{- range $_, $change := $changes }}
    - {{ $change.OldValue }} -> {{ $change.NewValue }}
{{ end -}}
{{ end -}}
"#;

/// Files, each with its objects and their changes.
const DOCS_FILES: &str = r#"Automated image update

Automation name: {{ .AutomationObject }}

{{ range $filename, $objects := .Changed.FileChanges -}}
- File: {{ $filename }}
{{- range $resource, $changes := $objects }}
  - Object: {{ $resource.Kind }}/{{ $resource.Namespace }}/{{ $resource.Name }}
    Changes:
{{- range $_, $change := $changes }}
      - {{ $change.OldValue }} -> {{ $change.NewValue }} ({{ $change.Setter }})
{{- end }}
{{- end }}
{{ end -}}
"#;

#[test]
fn the_message_template_rendered_as_the_controller_renders_it() {
    let dir = Dir::new();
    let cases: [(&str, &str, &str); 4] = [
        (
            DOCS_OBJECTS,
            "",
            "Automated image update\n\nAutomation name: flux-system/fleet\n\nFiles:\n- deploy.yaml\n- release.yaml\nObjects:\n- Deployment app\n  Changes:\n    - ghcr.io/acme/app:1.9.0 -> ghcr.io/acme/app:1.10.0\n- HelmRelease chart\n  Changes:\n    - 1.9 -> 1.10\n",
        ),
        (
            DOCS_FILES,
            "",
            "Automated image update\n\nAutomation name: flux-system/fleet\n\n- File: deploy.yaml\n  - Object: Deployment/apps/app\n    Changes:\n      - ghcr.io/acme/app:1.9.0 -> ghcr.io/acme/app:1.10.0 (flux-system:app)\n- File: release.yaml\n  - Object: HelmRelease/apps/chart\n    Changes:\n      - 1.9 -> 1.10 (flux-system:chart:tag)\n",
        ),
        // messageTemplateValues; a key it lacks prints `<no value>`.
        (
            "[{{ .Values.env }}] {{ .AutomationObject }}: {{ .Values.missing }}\n",
            "      messageTemplateValues:\n        env: prod\n",
            "[prod] flux-system/fleet: <no value>\n",
        ),
        // sprig: list, append, default, upper, sortAlpha, join, trunc.
        (
            "{{ $imgs := list }}{{ range $o, $cs := .Changed.Objects }}{{ range $cs }}{{ $imgs = append $imgs .NewValue }}{{ end }}{{ end }}{{ .Values.env | default \"dev\" | upper }}: {{ join \", \" (sortAlpha $imgs) | trunc 20 }}\n",
            "",
            "DEV: 1.10, ghcr.io/acme/a\n",
        ),
    ];
    for (template, values, want) in cases {
        let automation = with_template(&dir, template, values);
        let (code, doc, stderr) = preview(&dir, &automation, &[]);
        let a = &doc["automations"][0];
        assert_eq!(code, 1, "{a}{stderr}");
        assert_eq!(a["message"], want, "{template}");
        assert_eq!(a["error"], serde_json::Value::Null);
    }
    // Each change carries the object it is in (the template's ObjectIdentifier).
    let (_, doc, _) = preview(&dir, &with_template(&dir, DOCS_FILES, ""), &[]);
    let changes = &doc["automations"][0]["changes"];
    assert_eq!(
        changes[0]["object"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "app", "namespace": "apps"})
    );
    assert_eq!(changes[1]["object"]["kind"], "HelmRelease");
}

#[test]
fn a_file_that_is_no_kubernetes_object_has_an_empty_identifier() {
    // Helm values: kyaml's ResourceIdentifier is all empty strings, printed
    // by Go's %v as `{{{ } { }}}`.
    let dir = Dir::new();
    let automation = with_template(
        &dir,
        "{{ range $o, $c := .Changed.Objects }}{{ $o }} {{ $c }}{{ end }}\n",
        "",
    );
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(&automation)
        .arg("--source")
        .arg(fixtures().join("values-tree"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    // Two values files: one identifier, .Changed.Objects merges both files'
    // changes (in Go map order, hence the note).
    let a = &doc["automations"][0];
    assert_eq!(
        a["message"],
        "{{{ } { }}} [{1.9.0 1.10.0 flux-system:app:tag} {1.9.0 1.10.0 flux-system:app:tag}]\n"
    );
    assert!(
        a["notes"]
            .to_string()
            .contains("one object identifier is in several files"),
        "{a}"
    );
}

#[test]
fn template_errors_are_the_controllers() {
    let dir = Dir::new();
    // A function sprig does not define: Go's parse error.
    let parse = with_template(
        &dir,
        "{{ range .Changed.Changes }}{{ .NewValue | shout }}{{ end }}\n",
        "",
    );
    let (code, doc, _) = preview(&dir, &parse, &[]);
    assert_eq!(code, 2);
    let a = &doc["automations"][0];
    assert_eq!(
        a["error"],
        "unable to create commit message template from spec: template: commit message:1: function \"shout\" not defined"
    );
    assert_eq!(a["commit"], false);
    assert_eq!(a["message"], serde_json::Value::Null);
    // A field update.Result does not have: Go's execution error.
    let exec = with_template(&dir, "Update {{ .Changed.Nope }}\n", "");
    let (code, doc, _) = preview(&dir, &exec, &[]);
    assert_eq!(code, 2);
    assert_eq!(
        doc["automations"][0]["error"],
        "failed to run template from spec: template: commit message:1:18: executing \"commit message\" at <.Changed.Nope>: can't evaluate field Nope in type update.Result"
    );
    // A removed field the template never reaches is no error.
    let unreached = with_template(&dir, "{{ if false }}{{ .Updated }}{{ end }}ok\n", "");
    let (code, doc, _) = preview(&dir, &unreached, &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["automations"][0]["message"], "ok\n");
}

#[test]
fn changes_in_go_map_order_are_noted() {
    // .Changed.Changes comes from Go maps: the controller's order varies.
    let dir = Dir::new();
    let automation = with_template(
        &dir,
        "{{ range .Changed.Changes }}{{ .Setter }} {{ end }}\n",
        "",
    );
    let (code, doc, _) = preview(&dir, &automation, &[]);
    assert_eq!(code, 1);
    let a = &doc["automations"][0];
    assert_eq!(a["message"], "flux-system:app flux-system:chart:tag \n");
    assert!(a["notes"].to_string().contains("from run to run"), "{a}");
}

#[test]
fn a_sprig_function_not_rendered_here_is_said() {
    // Defined for the controller (no error), not ported: no message, a note.
    let dir = Dir::new();
    let automation = with_template(&dir, "{{ sha256sum .AutomationObject.Name }}\n", "");
    let (code, doc, _) = preview(&dir, &automation, &[]);
    assert_eq!(code, 1);
    let a = &doc["automations"][0];
    assert_eq!(a["message"], serde_json::Value::Null);
    assert!(a["notes"].to_string().contains("\\\"sha256sum\\\""), "{a}");
}

/// A checkout written by the test: a kustomization with `:tag` and `:digest`
/// markers, and a marker naming a policy of another namespace.
fn digest_tree(dir: &Dir) -> PathBuf {
    dir.write(
        "digests/apps/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- name: ghcr.io/acme/app
  newTag: 1.9.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}
  digest: sha256:1111 # {\"$imagepolicy\": \"flux-system:app:digest\"}
- name: ghcr.io/acme/other
  newTag: 1.0.0 # {\"$imagepolicy\": \"apps:other:tag\"}
",
    );
    dir.path("digests")
}

fn run_on(dir: &Dir, automation: &Path, source: &Path) -> (i32, serde_json::Value) {
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(automation)
        .arg("--source")
        .arg(source)
        .output()
        .unwrap();
    (out.status.code().unwrap(), json(&out.stdout))
}

#[test]
fn digests_selectors_and_other_namespaces() {
    let dir = Dir::new();
    let source = digest_tree(&dir);
    // matchExpressions select `app` (labelled) and not `manual`.
    let selector = |t: String| {
        t.replace(
            "  policySelector:\n    matchLabels:\n      automate: \"yes\"\n",
            "  policySelector:\n    matchExpressions:\n    - {key: automate, operator: In, values: [\"yes\"]}\n",
        )
    };
    // Without a reflected digest the `:digest` field becomes "" (as the
    // controller's update code wrote it for this file).
    let automation = variant(&dir, selector);
    let (code, doc) = run_on(&dir, &automation, &source);
    assert_eq!(code, 1, "{doc}");
    let a = &doc["automations"][0];
    let applied: Vec<&str> = a["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["applied"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(applied, ["app", "chart"]);
    // `app`'s two markers are read, neither holds its value yet.
    let app = a["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "app")
        .unwrap();
    assert_eq!(
        app["markers"],
        serde_json::json!({"read": 2, "current": 0, "outside": 0, "otherNamespace": 0, "ignored": 0}),
        "{app}"
    );
    let after = a["files"][0]["after"].as_str().unwrap();
    assert!(
        after.contains("  newTag: 1.10.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n"),
        "{after}"
    );
    assert!(
        after.contains("  digest: \"\" # {\"$imagepolicy\": \"flux-system:app:digest\"}\n"),
        "{after}"
    );
    assert!(
        a["notes"]
            .to_string()
            .contains("names a policy of namespace 'apps'"),
        "{a}"
    );
    // With one, the digest.
    let digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    let automation = variant(&dir, |t| {
        selector(t).replace(
            "    name: ghcr.io/acme/app\n    tag: 1.10.0\n",
            &format!("    name: ghcr.io/acme/app\n    tag: 1.10.0\n    digest: {digest}\n"),
        )
    });
    let (code, doc) = run_on(&dir, &automation, &source);
    assert_eq!(code, 1, "{doc}");
    let after = doc["automations"][0]["files"][0]["after"].as_str().unwrap();
    assert!(after.contains(&format!("  digest: {digest} #")), "{after}");
    // A digest the controller cannot parse fails the whole update.
    let automation = variant(&dir, |t| {
        t.replace(
            "    name: ghcr.io/acme/app\n    tag: 1.10.0\n",
            "    name: ghcr.io/acme/app\n    tag: 1.10.0\n    digest: sha256:2222\n",
        )
    });
    let (code, doc) = run_on(&dir, &automation, &source);
    assert_eq!(code, 2);
    assert_eq!(
        doc["automations"][0]["error"],
        "encountered invalid image ref \"ghcr.io/acme/app:1.10.0@sha256:2222\": could not parse reference: ghcr.io/acme/app:1.10.0@sha256:2222"
    );
}

/// Files not in kyaml's style: the reformattings that are text edits are
/// applied, and the result is byte for byte what image-automation-controller
/// v1.2.1 (kyaml v0.21.1) wrote for the same checkout
/// (`tests/fixtures/preview/kyaml-expected/`).
#[test]
fn files_kyaml_reformats_are_shown_as_written() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(fixtures().join("automation.yaml"))
        .arg("--source")
        .arg(fixtures().join("kyaml-tree"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    let files = doc["automations"][0]["files"].as_array().unwrap().clone();
    let file = |name: &str| {
        files
            .iter()
            .find(|f| f["path"] == format!("apps/{name}"))
            .unwrap_or_else(|| panic!("{name}: {files:?}"))
            .clone()
    };
    // Blank lines, a leading `---`, trailing spaces, tabs and spaces before
    // comments, a separator with spaces, no final newline; then a BOM and CRLF;
    // then a Kustomization indented 4 whose patch is a literal block scalar.
    for name in ["deploy.yaml", "crlf.yaml", "kustomization.yaml"] {
        let want =
            std::fs::read_to_string(fixtures().join("kyaml-expected/apps").join(name)).unwrap();
        let got = file(name);
        assert_eq!(got["after"], want, "{name}");
        assert_eq!(got["exact"], true, "{name}: {got}");
        assert!(!got["reformatted"].as_array().unwrap().is_empty(), "{got}");
    }
    // A blank line after a comment (go-yaml keeps some, drops others) is not
    // applied: the file is shown, but not as exact.
    let kept = file("kept.yaml");
    assert_eq!(kept["exact"], false, "{kept}");
    assert!(
        kept["after"]
            .as_str()
            .unwrap()
            .contains("\"ghcr.io/acme/app:1.10.0\""),
        "{kept}"
    );
    assert!(
        kept["reformatted"].to_string().contains("blank lines"),
        "{kept}"
    );
}
