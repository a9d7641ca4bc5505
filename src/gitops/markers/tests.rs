//! One test per rule of docs/markers.md "Where the comment must be".

use super::*;
use crate::gitops::readable;

fn file(text: &str) -> File {
    File {
        path: "f.yaml".to_string(),
        relative: "f.yaml".to_string(),
        text: text.to_string(),
        link: false,
        documents: readable::documents(text),
    }
}

/// `(line, reference, value, ignored?)` of every marker found.
fn markers(text: &str) -> Vec<(usize, String, Option<String>, bool)> {
    scan(&file(text))
        .into_iter()
        .map(|m| (m.line, m.reference, m.value, m.ignored.is_some()))
        .collect()
}

fn reason(text: &str) -> String {
    let found = scan(&file(text));
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].ignored.clone().unwrap_or_default()
}

const M: &str = r#"# {"$imagepolicy": "apps:app"}"#;

#[test]
fn the_line_comment_of_a_value() {
    let text = format!("spec:\n  image: ghcr.io/acme/app:1.0.0 {M}\n");
    assert_eq!(
        markers(&text),
        [(
            2,
            "apps:app".into(),
            Some("ghcr.io/acme/app:1.0.0".into()),
            false
        )]
    );
    // Quoted, and a sequence item; whitespace inside the JSON is free.
    let text = "a: \"x:1\" #{\"$imagepolicy\":\"apps:app:tag\"}\nl:\n- x:1 ##  { \"$imagepolicy\" : \"apps:app\" }\n";
    let found = scan(&file(text));
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|m| m.ignored.is_none()), "{found:?}");
    assert_eq!(found[0].target.as_ref().unwrap().field, MarkerField::Tag);
    assert_eq!(found[1].value.as_deref(), Some("x:1"));
}

#[test]
fn text_after_the_json_is_ignored() {
    let r = reason(&format!("image: x:1 {M} # bump\n"));
    assert!(r.contains("text after the JSON"), "{r}");
    // The name it meant is still known, for the report.
    assert_eq!(
        scan(&file(&format!("image: x:1 {M} # bump\n")))[0].reference,
        "apps:app"
    );
}

#[test]
fn not_json_of_strings_is_ignored() {
    assert!(reason("image: x:1 # {$imagepolicy: apps:app}\n").contains("not a JSON object"));
    assert!(reason("image: x:1 # {'$imagepolicy': 'apps:app'}\n").contains("not a JSON object"));
    assert!(
        reason("image: x:1 # {\"$imagepolicy\": \"apps:app\", \"n\": 1}\n")
            .contains("not a string")
    );
}

#[test]
fn a_comment_above_a_mapping_key_is_the_keys() {
    let r = reason(&format!("spec:\n  {M}\n  image: x:1\n"));
    assert!(r.contains("alone on the line above `image:`"), "{r}");
}

#[test]
fn a_comment_on_a_key_whose_value_is_below() {
    let r = reason(&format!("spec:\n  image: {M}\n    x:1\n"));
    assert!(r.contains("whose value is on the next line"), "{r}");
}

#[test]
fn a_comment_directly_above_a_list_item_is_its_head_comment() {
    let text = format!("images:\n- a:1\n{M}\n- x:1\n");
    assert_eq!(
        markers(&text),
        [(3, "apps:app".into(), Some("x:1".into()), false)]
    );
    // Across a blank line, only above a list's first item.
    let text = format!("images:\n{M}\n\n- x:1\n");
    assert_eq!(
        markers(&text),
        [(2, "apps:app".into(), Some("x:1".into()), false)]
    );
    let text = format!("images:\n- a:1\n{M}\n\n- x:1\n");
    assert!(markers(&text)[0].3, "the previous item's foot comment");
    // Not when the item has a line comment of its own…
    let r = reason(&format!("images:\n{M}\n- x:1 # mine\n"));
    assert!(r.contains("comment on its own line"), "{r}");
    // …nor when the comment has other lines.
    let r = reason(&format!("images:\n# note\n{M}\n- x:1\n"));
    assert!(r.contains("other comment lines"), "{r}");
}

#[test]
fn flow_collections_are_ignored() {
    let r = reason(&format!("containers: [{{name: a, image: x:1}}] {M}\n"));
    assert!(r.contains("flow-style"), "{r}");
}

#[test]
fn a_line_comment_inside_a_multi_line_flow_mapping_is_the_values() {
    let text = format!("c: {{\n  image: x:1, {M}\n  name: a\n}}\n");
    assert_eq!(
        markers(&text),
        [(2, "apps:app".into(), Some("x:1".into()), false)]
    );
}

#[test]
fn a_marker_after_an_alias_is_ignored() {
    let r = reason(&format!("a: &i x:1\nb: *i {M}\n"));
    assert!(r.contains("alias"), "{r}");
}

#[test]
fn a_marker_inside_a_block_scalar_is_text() {
    let r = reason(&format!("patch: |\n  image: x:1 {M}\n"));
    assert!(r.contains("inside a value"), "{r}");
}

#[test]
fn a_marker_after_a_block_indicator_is_the_scalars() {
    let text = format!("image: >- {M}\n  x:1\n");
    assert_eq!(
        markers(&text),
        [(1, "apps:app".into(), Some("x:1".into()), false)]
    );
}

#[test]
fn aliases_are_not_values_of_their_own() {
    let text = format!("a: &i x:1 {M}\nb: *i\n");
    assert_eq!(
        markers(&text),
        [(1, "apps:app".into(), Some("x:1".into()), false)]
    );
}

#[test]
fn a_file_the_controller_cannot_parse() {
    let r = reason(&format!("%YAML 1.2\n---\nimage: x:1 {M}\n"));
    assert!(r.contains("cannot parse"), "{r}");
    let r = reason(&format!("- image: x:1 {M}\n"));
    assert!(r.contains("cannot parse"), "{r}");
}

#[test]
fn crlf_and_a_bom() {
    let text = format!("\u{feff}spec:\r\n  image: x:1 {M}\r\n");
    assert_eq!(
        markers(&text),
        [(2, "apps:app".into(), Some("x:1".into()), false)]
    );
}

#[test]
fn the_legacy_ref_form_resolves() {
    let text = "image: x:1 # {\"$ref\": \"#/definitions/io.k8s.cli.setters.apps:app\"}\nother: y # {\"$imagepolicy\": \"apps:b\"}\n";
    let found = scan(&file(text));
    assert_eq!(found[0].reference, "apps:app");
    assert!(found[0].ignored.is_none());
}

#[test]
fn prose_is_not_a_marker() {
    assert!(markers("# see the $imagepolicy docs\na: 1\n").is_empty());
}
