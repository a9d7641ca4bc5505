//! Two ImageRepositories of one image share the controller's stored tag list (its
//! default store keys tags by canonical image name), so each policy sees whichever
//! scanned last, with that repository's `exclusionList` ([`crate::store`]).

use super::{Finding, Inventory, Object};
use crate::source::positions::Node;
use crate::store::{self, Scanner};

pub fn check(inv: &Inventory, out: &mut Vec<Finding>) {
    let repositories: Vec<&Object> = inv.repositories().collect();
    let scanners = repositories.iter().filter_map(|o| {
        Some(Scanner {
            namespace: &o.namespace,
            name: &o.name,
            image: o.text("spec.image")?,
            exclusion_list: o
                .at("spec.exclusionList")
                .map(|l| l.items().iter().filter_map(Node::as_str).collect())
                .unwrap_or_default(),
            own_list: false,
        })
    });
    for pair in store::shared(scanners) {
        let Some(second) = repositories
            .iter()
            .find(|o| o.namespace == pair.second.namespace && o.name == pair.second.name)
        else {
            continue;
        };
        let first = repositories
            .iter()
            .find(|o| o.namespace == pair.first.namespace && o.name == pair.first.name);
        let at = first
            .map(|f| format!(" ({}:{})", f.file, f.line("spec.image")))
            .unwrap_or_default();
        out.push(second.warning(
            second.line("spec.image"),
            "shared-tag-list",
            format!(
                "scans the same image as ImageRepository {}{at}. {}; give each image one ImageRepository (policies in other namespaces can use it through `accessFrom`)",
                pair.first.id(),
                pair.warning()
            ),
        ));
    }
}
