//! `spec.exclusionList` of an ImageRepository: patterns Go accepts, at most 25 of
//! them (the CRD), and a custom list that still keeps cosign's `.sig` tags out.

use super::{Finding, Object, filter};
use crate::gocompat::regex::GoRegex;
use crate::policy::DEFAULT_EXCLUSION;

/// The CRD's `maxItems` of `exclusionList`.
const MAX_ITEMS: usize = 25;

/// A tag as cosign names a signature.
const SIGNATURE_TAG: &str =
    "sha256-4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945.sig";

/// Every exclusion check of one ImageRepository.
pub fn check(o: &Object, out: &mut Vec<Finding>) {
    let Some(list) = o.at("spec.exclusionList").filter(|l| l.is_seq()) else {
        return;
    };
    let items = list.items();
    let line = o.line("spec.exclusionList");
    if items.len() > MAX_ITEMS {
        out.push(o.error(
            line,
            "exclusion-list-too-long",
            format!(
                "`exclusionList` has {} items, but the CRD allows at most {MAX_ITEMS}, so the API server rejects the object; merge patterns with `|`",
                items.len()
            ),
        ));
    }
    let mut compiled = Vec::new();
    for item in items {
        let Some(pattern) = item.as_str() else {
            continue;
        };
        match GoRegex::new(pattern) {
            Ok(re) => {
                filter::literal_braces(o, item.pos.line, pattern, "exclusionList pattern", out);
                compiled.push(re);
            }
            Err(e) => out.push(filter::rejected(
                o,
                item.pos.line,
                "exclusionList pattern",
                pattern,
                &e,
                "invalid-exclusion",
            )),
        }
    }
    if items.is_empty() || compiled.len() < items.iter().filter(|i| i.as_str().is_some()).count() {
        return; // the default applies, or the list is broken anyway
    }
    if !compiled.iter().any(|re| re.is_match(SIGNATURE_TAG)) {
        out.push(o.warning(
            line,
            "sig-exclusion-dropped",
            format!(
                "this exclusionList replaces the default `{DEFAULT_EXCLUSION}`, so cosign signature tags such as `sha256-….sig` are scanned as tags and can be selected; add `- '{DEFAULT_EXCLUSION}'` to the list"
            ),
        ));
    }
}
