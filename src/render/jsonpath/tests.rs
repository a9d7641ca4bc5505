//! kubectl's JSONPath dialect: the cases of client-go's util/jsonpath/jsonpath_test.go
//! (their templates and expected output, on the same data written as JSON), then the
//! parser's errors.

use super::Template;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Runs `template` on `data` as `kubectl get -o jsonpath` does (missing keys allowed).
fn run(template: &str, data: &Value) -> Result<String, String> {
    let t = Template::parse(template, false)?;
    t.execute(data).map(|b| String::from_utf8(b).unwrap())
}

/// As client-go's tests with AllowMissingKeys(false).
fn strict(template: &str, data: &Value) -> Result<String, String> {
    let t = Template::parse(template, false)?.strict();
    t.execute(data).map(|b| String::from_utf8(b).unwrap())
}

fn check(cases: &[(&str, &str)], data: &Value) {
    for (template, expected) in cases {
        assert_eq!(
            strict(template, data).as_deref(),
            Ok(*expected),
            "template {template}"
        );
    }
}

fn nodes() -> Value {
    json!({
      "kind": "List",
      "items": [
        {"kind": "None",
         "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
         "status": {"capacity": {"cpu": "4"}, "ready": true,
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
        {"kind": "None",
         "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
         "status": {"capacity": {"cpu": "8"}, "ready": false,
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                                  {"type": "another", "address": "127.0.0.3"}]}}
      ],
      "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
      ]
    })
}

#[test]
fn kubernetes_cases() {
    check(
        &[
            (
                "{range .items[*]}{.metadata.name}, {end}{.kind}",
                "127.0.0.1, 127.0.0.2, List",
            ),
            (
                "{range .items[*]}{.metadata.name}{\"\\t\"}{end}",
                "127.0.0.1\t127.0.0.2\t",
            ),
            (
                "{.items[*].status.addresses[*].address}",
                "127.0.0.1 127.0.0.2 127.0.0.3",
            ),
            (
                "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
                "127.0.0.1, 127.0.0.2, 127.0.0.3, ",
            ),
            ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
            (
                "{.items[*]['metadata.name', 'status.capacity']}",
                r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#,
            ),
            (
                "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
                r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#,
            ),
            (r#"{.users[?(@.name=="e2e")].user.password}"#, "secret"),
            (
                r"{.items[0].metadata.labels.kubernetes\.io/hostname}",
                "127.0.0.1",
            ),
            (
                r#"{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}"#,
                "None",
            ),
            ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
            // client-go sorts this one (Go's map order is random); ours is key order.
            ("{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
        ],
        &nodes(),
    );
}

#[test]
fn types_and_slices() {
    let types = json!({
        "bools": [true, false, true, false],
        "integers": [1, 2, 3, 4],
        "floats": [1.0, 2.2, 3.3, 4.0],
        "strings": ["one", "two", "three", "four"],
        "interfaces": [true, "one", 1, 1.1],
        "maps": [
            {"name": "one", "value": 1}, {"name": "two", "value": 2.02},
            {"name": "three", "value": 3.03}, {"name": "four", "value": 4.04}
        ]
    });
    check(
        &[
            ("{ .bools }", "[true,false,true,false]"),
            ("{ .bools[0] }", "true"),
            ("{ .bools[-1] }", "false"),
            ("{ .bools[0:2] }", "true false"),
            ("{ .bools[:2] }", "true false"),
            ("{ .bools[:4:2] }", "true true"),
            ("{ .integers }", "[1,2,3,4]"),
            ("{ .integers[-2] }", "3"),
            ("{ .integers[:4:2] }", "1 3"),
            // Go prints float64 1.0 as `1`, in text and in JSON.
            ("{ .floats }", "[1,2.2,3.3,4]"),
            ("{ .floats[0] }", "1"),
            ("{ .floats[-2] }", "3.3"),
            ("{ .floats[:4:2] }", "1 3.3"),
            ("{ .strings }", r#"["one","two","three","four"]"#),
            ("{ .strings[-2] }", "three"),
            ("{ .strings[:4:2] }", "one three"),
            ("{ .interfaces }", r#"[true,"one",1,1.1]"#),
            ("{ .interfaces[0:2] }", "true one"),
            ("{ .interfaces[:4:2] }", "true 1"),
            ("{ .maps[0] }", r#"{"name":"one","value":1}"#),
            ("{ .maps[-2] }", r#"{"name":"three","value":3.03}"#),
            (
                "{ .maps[::2] }",
                r#"{"name":"one","value":1} {"name":"three","value":3.03}"#,
            ),
            (
                "{ .maps[1::2] }",
                r#"{"name":"two","value":2.02} {"name":"four","value":4.04}"#,
            ),
        ],
        &types,
    );
}

fn store() -> Value {
    json!({
        "Name": "jsonpath",
        "Book": [
            {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
            {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
            {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99}
        ],
        "Bicycle": [
            {"Color": "red", "Price": 19.95, "IsNew": true},
            {"Color": "green", "Price": 20.01, "IsNew": false}
        ],
        "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
        "Employees": {"jason": "manager", "dan": "clerk"}
    })
}

#[test]
fn store_cases() {
    let store = store();
    check(
        &[
            ("hello jsonpath", "hello jsonpath"),
            ("hello {.Name}", "hello jsonpath"),
            ("{$.Labels.web/html}", "15"),
            ("{$.Employees.jason}", "manager"),
            ("{.Labels.k8s-app}", "20"),
            ("{.Bicycle[*].Color}", "red green"),
            (
                "{.Book[*].Author}",
                "Nigel Rees Evelyn Waugh Herman Melville",
            ),
            // client-go's struct fields come in declaration order; a JSON object's
            // keys come sorted (as kubectl's maps, which Go's JSON sorts).
            (
                r#"{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}"#,
                "{red true 19.95} {green false 20.01} ",
            ),
            // Key order again: Bicycle before Book.
            ("{..Price}", "19.95 20.01 8.95 12.99 8.99"),
            ("{...Price}", "19.95 20.01 8.95 12.99 8.99"),
            (
                "{.Book[-1:]}",
                r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#,
            ),
            (
                "{..Book[2]}",
                r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#,
            ),
            (
                "{.Bicycle[?(@.IsNew==true)]}",
                r#"{"Color":"red","IsNew":true,"Price":19.95}"#,
            ),
        ],
        &store,
    );
    assert!(
        strict(
            "{............................................................Price}",
            &store
        )
        .is_err()
    );
}

#[test]
fn plain_values() {
    check(&[("{..}", "[1,2,3]")], &json!([1, 2, 3]));
    check(&[("{[?(@<5)]}", "2 3")], &json!([2, 6, 3, 7]));
    check(&[("{[1,3,4]}", "1 3 4")], &json!([0, 1, 2, 3, 4]));
    check(
        &[("{[0:2]}", "Monday Tudesday")],
        &json!(["Monday", "Tudesday"]),
    );
    check(&[(r#"{"{"}"#, "{")], &Value::Null);
}

#[test]
fn missing_keys_are_nothing_by_default_and_an_error_when_strict() {
    let store = store();
    assert_eq!(run("{.hello}", &store).as_deref(), Ok(""));
    assert_eq!(
        run("before-{.hello}after", &store).as_deref(),
        Ok("before-after")
    );
    assert_eq!(strict("{.hello}", &store), Err("hello is not found".into()));
}

#[test]
fn execution_errors() {
    let store = store();
    for (template, error) in [
        ("{hello}", "unrecognized identifier hello"),
        (
            "{.Labels[0]}",
            "map[string]interface {} is not array or slice",
        ),
        ("{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>"),
        (
            "{range .Labels.*}{@}{end}{end}",
            "not in range, nothing to end",
        ),
    ] {
        assert_eq!(
            strict(template, &store),
            Err(error.to_string()),
            "{template}"
        );
    }
}

#[test]
fn json_input() {
    let points = json!([
        {"id": "i1", "x": 4, "y": -5},
        {"id": "i2", "x": -2, "y": -5, "z": 1},
        {"id": "i3", "x": 8, "y": 3},
        {"id": "i4", "x": -6, "y": -1},
        {"id": "i5", "x": 0, "y": 2, "z": 1},
        {"id": "i6", "x": 1, "y": 4}
    ]);
    check(
        &[("{[?(@.z)].id}", "i2 i5"), ("{[0]['id']}", "i1")],
        &points,
    );
}

#[test]
fn empty_ranges() {
    let empty = json!({"items": []});
    for template in [
        "{range .items[*]}{.metadata.name}{end}",
        r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#,
    ] {
        assert_eq!(run(template, &empty).as_deref(), Ok(""), "{template}");
    }
}

#[test]
fn nested_ranges() {
    let pods = json!({"items": [
        {"metadata": {"name": "pod1"}, "spec": {"containers": [
            {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
            {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]}]}},
        {"metadata": {"name": "pod2"}, "spec": {"containers": [
            {"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]}}
    ]});
    check(
        &[
            (
                r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#,
                "pod1:foo,bar,+pod2:baz,+",
            ),
            (
                r##"{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}"##,
                "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#",
            ),
            (
                r#"{range .items[*]}{.metadata.name}{"\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\n"}{end}"#,
                "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n",
            ),
        ],
        &pods,
    );
}

#[test]
fn filters_tolerate_items_without_the_key() {
    let pods = json!({"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
        {"kind": "Pod", "metadata": {"name": "pod2"}},
        {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
        {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}}
    ]});
    let template = r#"{.items[?(@.metadata.annotations.color=="blue")].metadata.name}"#;
    assert_eq!(run(template, &pods).as_deref(), Ok("pod1 pod4"));
    assert!(strict(template, &pods).is_err());

    let running = json!({"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
        {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
        {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
        {"resourceVersion": ""}
    ]});
    assert_eq!(
        run(
            r#"{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\n"}{end}"#,
            &running
        )
        .as_deref(),
        Ok("pod1 is Running\npod2 is Running\npod3 is Running\n")
    );
}

fn containers(n: usize) -> Value {
    let list: Vec<Value> = (0..n)
        .map(|i| json!({"image": "radial/busyboxplus:curl", "name": format!("fake{i}")}))
        .collect();
    json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": list}})
}

#[test]
fn negative_indices() {
    let pod = containers(4);
    check(
        &[
            ("{.spec.containers[0].name}", "fake0"),
            ("{.spec.containers[0:0].name}", ""),
            ("{.spec.containers[0:-1].name}", "fake0 fake1 fake2"),
            ("{.spec.containers[-1].name}", "fake3"),
            ("{.spec.containers[-1:].name}", "fake3"),
            ("{.spec.containers[-2].name}", "fake2"),
            ("{.spec.containers[-2:].name}", "fake2 fake3"),
            ("{.spec.containers[-3].name}", "fake1"),
            ("{.spec.containers[-4].name}", "fake0"),
            ("{.spec.containers[-4:].name}", "fake0 fake1 fake2 fake3"),
            ("{.spec.containers[5:5].name}", ""),
            ("{.spec.containers[-5:-5].name}", ""),
        ],
        &pod,
    );
    for template in [
        "{.spec.containers[-1:0].name}",
        "{.spec.containers[-5].name}",
        "{.spec.containers[3:1].name}",
        "{.spec.containers[-1:-2].name}",
    ] {
        assert!(strict(template, &pod).is_err(), "{template}");
    }
    assert_eq!(
        run("{.spec.containers[-5].name}", &pod),
        Err("array index out of bounds: index -1, length 4".into())
    );
}

#[test]
fn steps() {
    let pod = containers(6);
    check(
        &[
            (
                "{.spec.containers[0:].name}",
                "fake0 fake1 fake2 fake3 fake4 fake5",
            ),
            (
                "{.spec.containers[0:6:].name}",
                "fake0 fake1 fake2 fake3 fake4 fake5",
            ),
            (
                "{.spec.containers[0:6:1].name}",
                "fake0 fake1 fake2 fake3 fake4 fake5",
            ),
            ("{.spec.containers[1:4:2].name}", "fake1 fake3"),
            ("{.spec.containers[1:4:3].name}", "fake1"),
            ("{.spec.containers[1:4:4].name}", "fake1"),
            ("{.spec.containers[0:6:2].name}", "fake0 fake2 fake4"),
            ("{.spec.containers[0:6:3].name}", "fake0 fake3"),
            ("{.spec.containers[0:6:5].name}", "fake0 fake5"),
            ("{.spec.containers[0:6:6].name}", "fake0"),
        ],
        &pod,
    );
    assert_eq!(
        strict("{.spec.containers[0:6:0].name}", &pod),
        Err("step must be > 0".into())
    );
    assert!(strict("{.spec.containers[0:6:-1].name}", &pod).is_err());
}

#[test]
fn parse_errors_are_client_gos() {
    for (template, error) in [
        ("{.items", "unclosed action"),
        ("{.items[0}", "unterminated array"),
        (r#"{.items[?(@.a=="b")}"#, "unclosed array expect ]"),
        ("{.items[?(@.a", "unterminated filter"),
        (r#"{"abc}"#, "unterminated quoted string"),
        ("{.items[x]}", "invalid array index x"),
        ("{....a}", "invalid multiple recursive descent"),
        ("{.a ~}", "unrecognized character in action: U+007E '~'"),
        ("{1.2.3}", "cannot parse number 1.2.3"),
        (r#"{"\q"}"#, r#"unquote string "\q" error invalid syntax"#),
    ] {
        assert_eq!(
            Template::parse(template, false).err().as_deref(),
            Some(error),
            "{template}"
        );
    }
}

#[test]
fn as_json_prints_each_action_as_an_indented_array() {
    let t = Template::parse("{.items[*].metadata.name}", true).unwrap();
    let out = String::from_utf8(t.execute(&nodes()).unwrap()).unwrap();
    assert_eq!(out, "[\n    \"127.0.0.1\",\n    \"127.0.0.2\"\n]\n");
    let t = Template::parse("{.nothing}", true).unwrap();
    assert_eq!(t.execute(&nodes()).unwrap(), b"[]\n");
}

#[test]
fn go_formatting() {
    let data = json!({"n": null, "big": 1e21, "small": 0.00001, "html": "<a&b>", "list": ["<"]});
    assert_eq!(run("{.n}", &data).as_deref(), Ok("<nil>"));
    assert_eq!(run("{.big}", &data).as_deref(), Ok("1e+21"));
    assert_eq!(run("{.small}", &data).as_deref(), Ok("1e-05"));
    assert_eq!(run("{.html}", &data).as_deref(), Ok("<a&b>"));
    assert_eq!(run("{.list}", &data).as_deref(), Ok(r#"["\u003c"]"#));
    // An integer compared with a float is Go's error, not false.
    assert_eq!(
        run("{.items[?(@.a==1.5)]}", &json!({"items": [{"a": 1}]})),
        Err("incompatible types for comparison".into())
    );
}

#[test]
fn hostile_templates_are_errors_not_crashes() {
    let pod = containers(2);
    // Index arithmetic saturates instead of overflowing.
    assert_eq!(
        run("{.spec.containers[9223372036854775807]}", &pod).as_deref(),
        Ok("")
    );
    assert_eq!(
        run("{.spec.containers[0:-9223372036854775808]}", &pod),
        Err("array index out of bounds: index -9223372036854775807, length 2".into())
    );
    let deep = "{range @}".repeat(1000);
    assert_eq!(
        run(&deep, &json!([1])),
        Err("ranges nested deeper than 100".into())
    );
}

proptest! {
    /// Any text parses to a template or an error, and a template runs to output or an
    /// error: never a panic.
    #[test]
    fn any_text_parses_and_runs_without_panicking(
        text in r#"[{}\[\]()?@$.*:,'"=<>!~ a-z0-9\\-]{0,40}|(\{(range |end|\.items|\[\*\]|\.metadata|\.name|\[-?[0-9]:?-?[0-9]?\]|\.\.|\[\?\(@\.[a-z]+==["'a-z0-9]+\)\]|"[a-z\\]*")*\}){1,4}"#
    ) {
        if let Ok(t) = Template::parse(&text, false) {
            let _ = t.execute(&nodes());
            let _ = t.execute(&containers(3));
        }
    }
}

#[test]
fn a_partial_document_answers_only_when_its_omitted_parts_are_not_read() {
    let full = json!({"items": [{"name": "p", "selected": {"tag": "v2"}, "tags": [{"tag": "v1"}, {"tag": "v2"}]}]});
    let mut partial = full.clone();
    partial["items"][0]["tags"] = super::omitted();
    for template in [
        "{.items[*].selected.tag}",
        "{range .items[*]}{.name}{\"\\n\"}{end}",
        "{.items[?(@.tags)].name}",
        "{.items[0].missing}",
        "{.items[3]}",
    ] {
        let t = Template::parse(template, false).unwrap();
        assert_eq!(
            t.execute_partial(&partial),
            Some(t.execute(&full)),
            "{template}"
        );
    }
    for template in [
        "{.items[0].tags}",
        "{.items[0].tags[0].tag}",
        "{.items[0].tags[*].tag}",
        "{.items[0].tags[?(@.tag==\"v1\")].tag}",
        "{..tag}",
        "{.items[0].*}",
        "{.items[0]}",
        "{.items}",
        "{@}",
    ] {
        let t = Template::parse(template, false).unwrap();
        assert_eq!(t.execute_partial(&partial), None, "{template}");
        assert!(t.execute(&full).is_ok(), "{template}");
    }
    let as_json = Template::parse("{.items[0].tags}", true).unwrap();
    assert_eq!(as_json.execute_partial(&partial), None);
}
