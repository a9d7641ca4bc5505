use super::*;

#[test]
fn a_file_in_kyamls_style_is_not_reformatted() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: x:1 # {\"$imagepolicy\": \"ns:p\"}\n---\nkind: B\n";
    assert!(reformatting(text).is_empty(), "{:?}", reformatting(text));
}

#[test]
fn each_reformatting_is_named() {
    let cases = [
        ("a: 1\r\n", "CRLF"),
        ("a: 1", "final newline"),
        ("a: 1\n\nb: 2\n", "blank lines"),
        ("---\na: 1\n", "leading `---`"),
        ("a:\n    b: 1\n", "2 spaces"),
        ("a: 1   # c\n", "one space"),
        ("a: [\n  1]\n", "joined"),
        ("a: >\n  x\n", "re-flowed"),
        ("b: &x {c: 1}\na:\n  <<: *x\n", "!!merge"),
        ("metadata: {}\n", "deleted"),
    ];
    for (text, want) in cases {
        let found = reformatting(text);
        assert!(
            found.iter().any(|f| f.contains(want)),
            "{text:?}: {found:?}"
        );
    }
}

#[test]
fn spans_are_replaced_by_characters() {
    let text = "a: é:1 # m\nb: \"x\"\n";
    let edits = vec![
        (
            Pos { line: 1, col: 4 },
            Pos { line: 1, col: 7 },
            "é:2".to_string(),
        ),
        (
            Pos { line: 2, col: 4 },
            Pos { line: 2, col: 7 },
            "\"y\"".to_string(),
        ),
    ];
    assert_eq!(apply(text, &edits), "a: é:2 # m\nb: \"y\"\n");
}
