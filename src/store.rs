//! One stored tag list per image: image-reflector-controller's default (Badger) database
//! keys a repository's tags by its canonical image name (`tags:<ref.Context()>`), so two
//! ImageRepositories of one image, in any namespaces, overwrite each other's list and a
//! policy sees whichever scanned last — with the other's `exclusionList`. Only the
//! opt-in `FluxStorage` gate (v1.2+, revisions `sha256:…`) keeps a list per object
//! (docs/semantics.md, "The revision of a tag set"). `explain` and `list` warn from the
//! cluster's or the files' objects, `lint` from the files.

use crate::model::ImageRepository;
use crate::policy::DEFAULT_EXCLUSION;
use crate::policy::revision::FLUX_STORAGE_PREFIX;
use crate::source::reference::ImageReference;
use std::collections::BTreeMap;

/// An ImageRepository as far as the store is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanner<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub image: &'a str,
    /// `spec.exclusionList` as written (empty: the default applies).
    pub exclusion_list: Vec<&'a str>,
    /// Its revision says the `FluxStorage` gate is on: its list is its own.
    pub own_list: bool,
}

impl<'a> Scanner<'a> {
    pub fn of(repository: &'a ImageRepository) -> Scanner<'a> {
        Scanner {
            namespace: repository.namespace(),
            name: &repository.metadata.name,
            image: &repository.spec.image,
            exclusion_list: repository
                .spec
                .exclusion_list
                .iter()
                .map(String::as_str)
                .collect(),
            own_list: repository
                .last_scan()
                .and_then(|s| s.revision.as_deref())
                .is_some_and(|r| r.starts_with(FLUX_STORAGE_PREFIX)),
        }
    }

    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The exclusion patterns applied, in a comparable form.
    fn exclusions(&self) -> Vec<&'a str> {
        let mut list = if self.exclusion_list.is_empty() {
            vec![DEFAULT_EXCLUSION]
        } else {
            self.exclusion_list.clone()
        };
        list.sort_unstable();
        list.dedup();
        list
    }
}

/// The canonical image name the Badger store keys tags by (`index.docker.io/library/x`
/// for Docker Hub, as go-containerregistry writes it); None for an unparsable image.
pub fn canonical_image(image: &str) -> Option<String> {
    let reference = ImageReference::parse(image).ok()?;
    Some(if reference.is_docker_hub() {
        format!("index.docker.io/{}", reference.repository)
    } else {
        reference.name()
    })
}

/// Two ImageRepositories that share one stored tag list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared<'a> {
    pub image: String,
    pub first: Scanner<'a>,
    pub second: Scanner<'a>,
    pub exclusions_differ: bool,
}

impl Shared<'_> {
    /// The warning, naming both repositories.
    pub fn warning(&self) -> String {
        let exclusions = if self.exclusions_differ {
            format!(
                "their exclusionLists differ ({} vs {}), so a policy of either can see tags its own repository excludes, or miss tags it keeps",
                show(&self.first.exclusions()),
                show(&self.second.exclusions())
            )
        } else {
            "their exclusionLists are the same, so the shared list holds the same tags".to_string()
        };
        format!(
            "ImageRepositories {} and {} both scan {}: the controller's default (Badger) store keeps one tag list per image, so each sees the list of whichever scanned last; {exclusions}",
            self.first.id(),
            self.second.id(),
            self.image
        )
    }

    /// Whether the pair involves this repository.
    pub fn involves(&self, namespace: &str, name: &str) -> bool {
        [&self.first, &self.second]
            .iter()
            .any(|s| s.namespace == namespace && s.name == name)
    }
}

fn show(list: &[&str]) -> String {
    let quoted: Vec<String> = list.iter().map(|p| format!("'{p}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Every pair of distinct repositories (by namespace/name) that share one stored list:
/// each later one is paired with the first of its image. Repositories whose revision
/// shows the `FluxStorage` gate keep their own lists and are left out.
pub fn shared<'a>(scanners: impl IntoIterator<Item = Scanner<'a>>) -> Vec<Shared<'a>> {
    let mut first: BTreeMap<String, Scanner<'a>> = BTreeMap::new();
    let mut seen: Vec<(&'a str, &'a str)> = Vec::new();
    let mut pairs = Vec::new();
    for s in scanners {
        if s.own_list || seen.contains(&(s.namespace, s.name)) {
            continue;
        }
        seen.push((s.namespace, s.name));
        let Some(image) = canonical_image(s.image) else {
            continue;
        };
        match first.get(&image) {
            Some(f) => pairs.push(Shared {
                exclusions_differ: f.exclusions() != s.exclusions(),
                image,
                first: f.clone(),
                second: s,
            }),
            None => {
                first.insert(image, s);
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s<'a>(ns: &'a str, name: &'a str, image: &'a str, ex: &[&'a str]) -> Scanner<'a> {
        Scanner {
            namespace: ns,
            name,
            image,
            exclusion_list: ex.to_vec(),
            own_list: false,
        }
    }

    #[test]
    fn one_list_per_canonical_image() {
        let pairs = shared([
            s("a", "app", "nginx", &[]),
            s("b", "app", "docker.io/library/nginx", &["^.*\\.sig$"]),
            s("c", "other", "ghcr.io/acme/other", &[]),
            s("d", "web", "index.docker.io/library/nginx:1.0", &["^dev-"]),
        ]);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].image, "index.docker.io/library/nginx");
        assert!(!pairs[0].exclusions_differ, "empty means the default");
        assert_eq!(pairs[1].second.id(), "d/web");
        assert!(pairs[1].exclusions_differ);
        assert!(pairs[1].warning().contains("a/app and d/web"));
        assert!(pairs[1].warning().contains("differ"));
    }

    #[test]
    fn flux_storage_and_duplicates_are_not_shared() {
        let mut own = s("b", "app", "ghcr.io/x/y", &[]);
        own.own_list = true;
        assert!(shared([s("a", "app", "ghcr.io/x/y", &[]), own]).is_empty());
        assert!(
            shared([
                s("a", "app", "ghcr.io/x/y", &[]),
                s("a", "app", "ghcr.io/x/y", &[])
            ])
            .is_empty()
        );
    }
}
