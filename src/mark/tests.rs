use super::*;

fn files(list: &[(&str, &str)]) -> Vec<File> {
    list.iter().map(|(p, t)| File::from_text(p, t)).collect()
}

const MARKER: &str = r#"# {"$imagepolicy": "ns:p"}"#;

fn owner() -> Owner {
    Owner {
        namespace: "ns".into(),
        name: "p".into(),
        image: "ghcr.io/acme/app".into(),
        digests: false,
    }
}

#[test]
fn the_value_is_kept_byte_for_byte() {
    let cases = [
        (
            "    image: ghcr.io/acme/app:1.0",
            12,
            "    image: ghcr.io/acme/app:1.0 ",
        ),
        (
            "    image: \"ghcr.io/acme/app:1.0\"",
            12,
            "    image: \"ghcr.io/acme/app:1.0\" ",
        ),
        (
            "    image: 'ghcr.io/acme/app:it''s'",
            12,
            "    image: 'ghcr.io/acme/app:it''s' ",
        ),
        ("  - image: \"a#b\"", 12, "  - image: \"a#b\" "),
        ("    image: app:1   ", 12, "    image: app:1 "),
    ];
    for (line, col, want) in cases {
        let (after, moved) = edit(line, col, MARKER).expect(line);
        assert_eq!(after, format!("{want}{MARKER}"), "{line}");
        assert_eq!(moved, None);
    }
}

#[test]
fn a_comment_of_its_own_moves_above() {
    let (after, moved) = edit("    image: app:1  # pinned, see #42", 12, MARKER).unwrap();
    assert_eq!(after, format!("    image: app:1 {MARKER}"));
    assert_eq!(moved.as_deref(), Some("# pinned, see #42"));
    let text = "a:\n    image: app:1  # pinned\r\nb: 1";
    let plan = Change {
        file: "f".into(),
        line: 2,
        kind: "Pod".into(),
        name: "x".into(),
        container: None,
        field: "image".into(),
        policy: "ns:p".into(),
        marker: MARKER.into(),
        part: MarkerField::Image,
        image: "app".into(),
        before: "    image: app:1  # pinned".into(),
        after,
        moved_comment: moved,
        removed_line: None,
    };
    assert_eq!(
        apply(text, &[&plan]),
        format!("a:\n    # pinned, see #42\r\n    image: app:1 {MARKER}\r\nb: 1")
    );
}

#[test]
fn places_the_automation_cannot_read_are_refused() {
    assert!(edit("containers: [{name: a, image: app}]", 30, MARKER).is_err());
    assert!(edit("    image: {a: b}", 12, MARKER).is_err());
    assert!(edit("    image: \"unterminated", 12, MARKER).is_err());
    assert!(edit("    image:", 40, MARKER).is_err());
}

#[test]
fn the_last_line_keeps_its_missing_newline() {
    let text = "kind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/app:1";
    let tree = files(&[("pod.yaml", text)]);
    let plan = plan(&tree, &[owner()], &[]);
    assert_eq!(plan.changes.len(), 1, "{plan:?}");
    let edited = edited_files(&tree, &plan);
    assert_eq!(
        edited[0].after,
        format!("kind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/app:1 {MARKER}")
    );
    // Applied again, the plan is empty.
    let again = super::plan(&files(&[("pod.yaml", &edited[0].after)]), &[owner()], &[]);
    assert!(again.changes.is_empty(), "{again:?}");
}

#[test]
fn a_lone_carriage_return_refuses_the_file() {
    // YAML ends a line at the lone CR, a line edit does not: the marker
    // would land a line off. CRLF files are marked as usual.
    let lone =
        "kind: Pod\r# old Mac line end\nspec:\n  containers:\n    - image: ghcr.io/acme/app:1\n";
    let plan = plan(&files(&[("pod.yaml", lone)]), &[owner()], &[]);
    assert!(plan.changes.is_empty(), "{plan:?}");
    assert_eq!(plan.skipped.len(), 1, "{plan:?}");
    assert_eq!(plan.skipped[0].line, Some(1));
    assert!(
        plan.skipped[0].reason.contains("carriage return"),
        "{plan:?}"
    );
    let crlf = lone.replace('\r', "").replace('\n', "\r\n");
    let plan = super::plan(&files(&[("pod.yaml", &crlf)]), &[owner()], &[]);
    assert_eq!(plan.changes.len(), 1, "{plan:?}");
}

#[test]
fn images_are_compared_after_normalisation() {
    let hub = Owner {
        image: "redis".into(),
        ..owner()
    };
    for image in [
        "redis",
        "docker.io/library/redis:7",
        "index.docker.io/library/redis",
        "\"redis:7\"",
    ] {
        let text = format!("kind: Pod\nspec:\n  containers:\n    - image: {image}\n");
        let plan = plan(
            &files(&[("p.yaml", &text)]),
            std::slice::from_ref(&hub),
            &[],
        );
        assert_eq!(plan.changes.len(), 1, "{image}");
    }
    let other = "kind: Pod\nspec:\n  containers:\n    - image: ghcr.io/library/redis\n";
    assert!(
        plan(&files(&[("p.yaml", other)]), &[hub], &[])
            .changes
            .is_empty()
    );
}

#[test]
fn image_fields_of_any_kind_but_never_a_configmaps_data() {
    // A custom resource's image field (kpack's ClusterStack) is written by
    // the controller like a container's; a ConfigMap's data never is ours.
    let text = "kind: ConfigMap\ndata:\n  image: ghcr.io/acme/app:1\n---\nkind: ClusterStack\nspec:\n  buildImage:\n    image: ghcr.io/acme/app:1\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/acme/app:1\n";
    let plan = plan(&files(&[("x.yaml", text)]), &[owner()], &[]);
    let lines: Vec<usize> = plan.changes.iter().map(|c| c.line).collect();
    assert_eq!(lines, [8, 12]);
}

#[test]
fn a_file_that_changed_since_it_was_read_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.yaml");
    std::fs::write(&path, "new content").unwrap();
    let name = path.display().to_string();
    let e = crate::source::walk::replace_file(&name, "old content", "marked").unwrap_err();
    assert!(e.to_string().contains("changed since it was read"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new content");
    crate::source::walk::replace_file(&name, "new content", "marked").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "marked");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_cronjobs_container_is_found_at_its_line() {
    // Was `workloads::from_files`' line test: the planner now finds the lines.
    let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: job\n            image: \"ghcr.io/acme/app:2\"\n";
    let plan = plan(&files(&[("c.yaml", text)]), &[owner()], &[]);
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(plan.changes[0].line, 12);
    assert_eq!(plan.changes[0].kind, "CronJob");
    assert_eq!(plan.changes[0].container.as_deref(), Some("job"));
}

#[test]
fn an_empty_value_is_listed_not_marked() {
    // Found by the gitops fuzz target: `tag:` alone took a marker that is the
    // key's comment, which the controller never reads.
    let text = "image:\n  repository: ghcr.io/acme/app\n  tag:\n";
    let plan = plan(&files(&[("values.yaml", text)]), &[owner()], &[]);
    assert!(
        plan.changes.iter().all(|c| !c.field.ends_with(".tag")),
        "{plan:?}"
    );
    assert!(
        plan.skipped
            .iter()
            .any(|s| s.reason.contains("has no value")),
        "{plan:?}"
    );
}

#[test]
fn only_spaces_and_tabs_end_a_plain_value() {
    // Found by the gitops fuzz target: a vertical tab is part of the value
    // in YAML, not blank space before the marker.
    let (after, _) = edit("  image: x:1\u{b}", 10, MARKER).unwrap();
    assert_eq!(after, format!("  image: x:1\u{b} {MARKER}"));
}
