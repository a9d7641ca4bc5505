//! Helpers shared by the tests of the Go regexp port.

use super::{GoRegex, Template};

pub(super) fn rx(p: &str) -> GoRegex {
    match GoRegex::new(p) {
        Ok(r) => r,
        Err(e) => panic!("{p:?} should compile: {e}"),
    }
}

pub(super) fn reject(p: &str) -> String {
    match GoRegex::new(p) {
        Ok(r) => panic!(
            "{p:?} should be rejected; translated to {:?}",
            r.rust_pattern()
        ),
        Err(e) => e.to_string(),
    }
}

pub(super) fn rejects_with(p: &str, code: &str, expr: &str) {
    let msg = reject(p);
    assert_eq!(
        msg,
        format!("error parsing regexp: {code}: `{expr}`"),
        "pattern {p:?}"
    );
}

pub(super) fn find(p: &str, text: &str) -> Option<String> {
    rx(p)
        .captures_at(text)
        .and_then(|c| c[0])
        .map(|(a, b)| text[a..b].to_string())
}

pub(super) fn groups(p: &str, text: &str) -> Option<Vec<Option<String>>> {
    rx(p).captures_at(text).map(|c| {
        c.into_iter()
            .map(|g| g.map(|(a, b)| text[a..b].to_string()))
            .collect()
    })
}

pub(super) fn key(p: &str, template: &str, text: &str) -> Option<String> {
    let re = rx(p);
    let t = Template::parse(template);
    let mut s = re.scratch();
    re.extract(&t, text, &mut s).map(|c| c.into_owned())
}
