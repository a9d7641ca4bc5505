//! `--watch`, pure: the journey of a pushed image, one state machine per
//! policy (docs/guide/watch.md). The edges feed it what they see — a registry
//! listing, an object the API server added, changed or deleted, an error — each
//! with the time it was seen; it answers with the events to print. It keeps only
//! the current state (per policy, per repository, per automation), never a
//! history, so memory stays flat however long the watch runs.

#[cfg(test)]
mod tests;

use crate::model::{ImagePolicy, ImageRepository, ImageUpdateAutomation};
use crate::policy::{self, Options, Profile};
use crate::preview::Preview;
use crate::source::cluster::{Watched, WatchedKind};
use crate::source::tag_text::SourceKind;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// An object by namespace and name.
pub type Key = (String, String);

/// Which policies are watched.
#[derive(Debug, Clone)]
pub enum Scope {
    /// `explain NAME…`: these (namespace, name).
    Named(Vec<Key>),
    /// `list`: every policy of the namespace (None: of all namespaces).
    All(Option<String>),
}

impl Scope {
    fn holds(&self, policy: &ImagePolicy) -> bool {
        match self {
            Scope::Named(keys) => keys.contains(&policy_key(policy)),
            Scope::All(namespace) => namespace
                .as_deref()
                .is_none_or(|ns| ns == policy.namespace()),
        }
    }
}

/// What an edge saw.
#[derive(Debug, Clone)]
pub enum Input {
    /// A listing of a repository's tags (the tag-source chain's answer), or why
    /// there is none and when it is tried again.
    Registry {
        repository: Key,
        listing: Result<Listing, String>,
        retry: Option<Duration>,
    },
    /// The API server listed, added or modified an object.
    Applied(Watched),
    Deleted(Watched),
    /// A (re)list of a kind in a namespace (None: all) ended: the objects of
    /// that kind and namespace not `present` are gone.
    Relisted {
        kind: WatchedKind,
        namespace: Option<String>,
        present: Vec<Key>,
    },
    /// A watch failed; it is retried after a backoff.
    ApiError(String),
}

/// A repository's tags and where they came from.
#[derive(Debug, Clone)]
pub struct Listing {
    pub tags: Vec<String>,
    pub kind: SourceKind,
    /// The tag-source chain's notes (a fallback to the status sample).
    pub notes: Vec<String>,
}

/// What kind of event a line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A policy is watched from now on: its state at the start.
    Watching,
    /// New tags in the registry.
    Tag,
    /// This tool's selection changed: the tag that would win.
    Selected,
    /// The reflector scanned (`lastScanResult` changed).
    Scanned,
    /// The policy's `latestRef` moved.
    Latest,
    /// An automation applied a new value of the policy (`observedPolicies`).
    Automation,
    /// An automation pushed (`lastPushCommit`).
    Pushed,
    /// Registry, scan, policy and automation all have the current selection.
    CaughtUp,
    /// A watched policy was deleted.
    Deleted,
    /// A registry or API error; retried.
    Error,
    /// `--until caught-up` timed out: the step a policy is stuck at, and why.
    Stuck,
}

/// The time each step of a tag's journey was seen, in seconds after the
/// previous step; a step seen before the watch started is None.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Latencies {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_to_scan: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_to_policy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_to_commit: Option<f64>,
}

/// One line of the watch (docs/json.md, "watch events").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(serialize_with = "rfc3339")]
    pub time: Timestamp,
    pub event: Kind,
    /// `namespace/name` of the ImagePolicy, ImageRepository or ImageUpdateAutomation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation: Option<String>,
    /// The tag the event is about (the selection, the new `latestRef`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// `latest`, `automation`, `caught-up`: whether the controller's value is this tool's selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
    /// `stuck`: `registry`, `scan`, `policy` or `automation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latencies: Option<Latencies>,
    /// `error`: seconds until the next try.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in: Option<f64>,
    /// The rest of the line, in words.
    pub message: String,
}

fn rfc3339<S: serde::Serializer>(time: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&time.round(jiff::Unit::Millisecond).unwrap_or(*time))
}

impl Event {
    fn new(time: Timestamp, event: Kind, message: String) -> Event {
        Event {
            time,
            event,
            policy: None,
            repository: None,
            automation: None,
            tag: None,
            previous: None,
            agrees: None,
            step: None,
            revision: None,
            commit: None,
            latencies: None,
            retry_in: None,
            message,
        }
    }
}

/// When each step of the current selection's journey was seen.
#[derive(Debug, Clone, Default)]
struct Journey {
    tag: String,
    registry: Option<Timestamp>,
    scan: Option<Timestamp>,
    policy: Option<Timestamp>,
    commit: Option<Timestamp>,
}

impl Journey {
    fn latencies(&self) -> Latencies {
        let between = |a: Option<Timestamp>, b: Option<Timestamp>| {
            let (a, b) = (a?, b?);
            Some(((b.as_millisecond() - a.as_millisecond()).max(0)) as f64 / 1000.0)
        };
        Latencies {
            registry_to_scan: between(self.registry, self.scan),
            scan_to_policy: between(self.scan, self.policy),
            policy_to_commit: between(self.policy, self.commit),
        }
    }
}

#[derive(Debug, Clone)]
struct Tracked {
    policy: ImagePolicy,
    /// This tool's selection on the last listing (None: nothing, or no listing yet).
    selection: Option<String>,
    /// The tags the controller could pick as well (ties, chosen at random): the
    /// selection first; empty when nothing is selected.
    possible: Vec<String>,
    /// Why nothing is selected.
    unselected: Option<String>,
    journey: Option<Journey>,
    /// The value the automations applied, by automation.
    observed: BTreeMap<Key, Option<String>>,
    caught_up: bool,
}

#[derive(Debug, Clone, Default)]
struct Repository {
    object: Option<ImageRepository>,
    listing: Option<Listing>,
    /// The last registry error, while it lasts.
    error: Option<String>,
    /// `lastScanResult` (scanTime, revision) last seen.
    scan: Option<(Option<String>, Option<String>)>,
}

/// The watch's whole state: per policy, per repository, per automation.
pub struct Watch {
    scope: Scope,
    profile: Profile,
    policies: BTreeMap<Key, Tracked>,
    repositories: BTreeMap<Key, Repository>,
    automations: BTreeMap<Key, ImageUpdateAutomation>,
    /// The last API error, while it lasts.
    api_error: Option<String>,
}

fn id(key: &Key) -> String {
    format!("{}/{}", key.0, key.1)
}

/// A policy's key: its namespace and name.
pub fn policy_key(p: &ImagePolicy) -> Key {
    (p.namespace().to_string(), p.metadata.name.clone())
}

fn repository_key(p: &ImagePolicy) -> Key {
    (
        p.repository_namespace().to_string(),
        p.spec.image_repository_ref.name.clone(),
    )
}

fn scan_of(r: &ImageRepository) -> Option<(Option<String>, Option<String>)> {
    r.last_scan()
        .map(|s| (s.scan_time.clone(), s.revision.clone()))
}

impl Watch {
    pub fn new(scope: Scope, profile: Profile) -> Watch {
        Watch {
            scope,
            profile,
            policies: BTreeMap::new(),
            repositories: BTreeMap::new(),
            automations: BTreeMap::new(),
            api_error: None,
        }
    }

    /// The repositories of the watched policies (each once): what the registry poll lists.
    pub fn repositories(&self) -> Vec<(Key, Option<&ImageRepository>)> {
        let mut keys: Vec<Key> = self
            .policies
            .values()
            .map(|t| repository_key(&t.policy))
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let object = self.repositories.get(&k).and_then(|r| r.object.as_ref());
                (k, object)
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Whether every watched policy has caught up (none watched: false).
    pub fn caught_up(&self) -> bool {
        !self.policies.is_empty() && self.policies.values().all(|t| t.caught_up)
    }

    /// Whether a policy's missing step is an error that lasts (the registry or
    /// the API cannot be read), rather than a controller that has not acted yet.
    pub fn failing(&self) -> bool {
        self.api_error.is_some()
            || self.policies.values().any(|t| {
                !t.caught_up
                    && t.selection.is_none()
                    && self
                        .repositories
                        .get(&repository_key(&t.policy))
                        .is_some_and(|r| r.error.is_some())
            })
    }

    /// Feeds one input seen at `now`; returns the events, in order.
    pub fn apply(&mut self, input: Input, now: Timestamp) -> Vec<Event> {
        let mut events = Vec::new();
        // An object arrived: the API answers again.
        if matches!(
            input,
            Input::Applied(_) | Input::Deleted(_) | Input::Relisted { .. }
        ) {
            self.api_error = None;
        }
        match input {
            Input::Registry {
                repository,
                listing,
                retry,
            } => self.registry(repository, listing, retry, now, &mut events),
            Input::Applied(Watched::Policy(p)) => self.policy(p, now, &mut events),
            Input::Applied(Watched::Repository(r)) => self.repository(r, now, &mut events),
            Input::Applied(Watched::Automation(a)) => self.automation(*a, now, &mut events),
            Input::Deleted(Watched::Policy(p)) => {
                let key = policy_key(&p);
                if self.policies.remove(&key).is_some() {
                    let mut e =
                        Event::new(now, Kind::Deleted, "the ImagePolicy was deleted".into());
                    e.policy = Some(id(&key));
                    events.push(e);
                }
            }
            Input::Deleted(Watched::Repository(r)) => {
                let key = (r.namespace().to_string(), r.metadata.name.clone());
                if let Some(repo) = self.repositories.get_mut(&key) {
                    repo.object = None;
                    repo.scan = None;
                }
            }
            Input::Deleted(Watched::Automation(a)) => {
                let key = (a.namespace().to_string(), a.metadata.name.clone());
                self.automations.remove(&key);
                for t in self.policies.values_mut() {
                    t.observed.remove(&key);
                }
                self.settle(now, &mut events);
            }
            Input::Relisted {
                kind,
                namespace,
                present,
            } => {
                let gone = |key: &Key| {
                    namespace.as_deref().is_none_or(|ns| ns == key.0) && !present.contains(key)
                };
                match kind {
                    WatchedKind::Policy => {
                        let keys: Vec<Key> =
                            self.policies.keys().filter(|k| gone(k)).cloned().collect();
                        for key in keys {
                            self.policies.remove(&key);
                            let mut e = Event::new(
                                now,
                                Kind::Deleted,
                                "the ImagePolicy was deleted".into(),
                            );
                            e.policy = Some(id(&key));
                            events.push(e);
                        }
                    }
                    WatchedKind::Repository => {
                        for (key, repo) in self.repositories.iter_mut() {
                            if gone(key) {
                                repo.object = None;
                                repo.scan = None;
                            }
                        }
                    }
                    WatchedKind::Automation => {
                        let keys: Vec<Key> = self
                            .automations
                            .keys()
                            .filter(|k| gone(k))
                            .cloned()
                            .collect();
                        for key in keys {
                            self.automations.remove(&key);
                            for t in self.policies.values_mut() {
                                t.observed.remove(&key);
                            }
                        }
                        self.settle(now, &mut events);
                    }
                }
            }
            Input::ApiError(message) => {
                let e = Event::new(
                    now,
                    Kind::Error,
                    format!("{message}; the watch is retried (backoff up to 30s)"),
                );
                events.push(e);
                self.api_error = Some(message);
            }
        }
        events
    }

    fn registry(
        &mut self,
        key: Key,
        listing: Result<Listing, String>,
        retry: Option<Duration>,
        now: Timestamp,
        events: &mut Vec<Event>,
    ) {
        let repo = self.repositories.entry(key.clone()).or_default();
        let listing = match listing {
            Ok(listing) => listing,
            Err(message) => {
                let mut e = Event::new(
                    now,
                    Kind::Error,
                    match retry {
                        Some(d) => format!("{message}; retrying in {}s", d.as_secs()),
                        None => message.clone(),
                    },
                );
                e.repository = Some(id(&key));
                e.retry_in = retry.map(|d| d.as_secs_f64());
                events.push(e);
                repo.error = Some(message);
                return;
            }
        };
        repo.error = None;
        // New tags since the last listing (the first listing is the baseline).
        let mut new_tags: Vec<String> = Vec::new();
        if let Some(previous) = &repo.listing {
            let before: HashSet<&str> = previous.tags.iter().map(String::as_str).collect();
            new_tags = listing
                .tags
                .iter()
                .filter(|t| !before.contains(t.as_str()))
                .cloned()
                .collect();
        }
        if !new_tags.is_empty() {
            const SHOWN: usize = 10;
            let mut shown = new_tags
                .iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if new_tags.len() > SHOWN {
                shown.push_str(&format!(" and {} more", new_tags.len() - SHOWN));
            }
            let mut e = Event::new(
                now,
                Kind::Tag,
                format!(
                    "{} new tag{} in the registry: {shown}",
                    new_tags.len(),
                    if new_tags.len() == 1 { "" } else { "s" }
                ),
            );
            e.repository = Some(id(&key));
            e.tag = (new_tags.len() == 1).then(|| new_tags[0].clone());
            events.push(e);
        }
        // A note (the fallback to the status sample) once, not at every listing.
        let noted = repo
            .listing
            .as_ref()
            .map(|l| l.notes.clone())
            .unwrap_or_default();
        for note in listing.notes.iter().filter(|n| !noted.contains(n)) {
            let mut e = Event::new(now, Kind::Error, note.clone());
            e.repository = Some(id(&key));
            events.push(e);
        }
        repo.listing = Some(listing);
        let new: HashSet<String> = new_tags.into_iter().collect();
        let policies: Vec<Key> = self
            .policies
            .iter()
            .filter(|(_, t)| repository_key(&t.policy) == key)
            .map(|(k, _)| k.clone())
            .collect();
        for policy in policies {
            self.select(&policy, Some(&new), now, events);
        }
        self.settle(now, events);
    }

    /// Recomputes a policy's selection on its repository's listing; a change
    /// starts a new journey (`new`: the tags the last listing added).
    fn select(
        &mut self,
        key: &Key,
        new: Option<&HashSet<String>>,
        now: Timestamp,
        events: &mut Vec<Event>,
    ) {
        let Some(tracked) = self.policies.get(key) else {
            return;
        };
        let repo = self.repositories.get(&repository_key(&tracked.policy));
        let Some(listing) = repo.and_then(|r| r.listing.as_ref()) else {
            return;
        };
        let tags: Vec<&str> = listing.tags.iter().map(String::as_str).collect();
        let rule = tracked.policy.rule(repo.and_then(|r| r.object.as_ref()));
        let options = Options {
            rank_all: false,
            profile: self.profile,
        };
        let evaluation = policy::evaluate(&rule, &tags, options);
        let selection = match &evaluation.error {
            Some(_) => None,
            None => evaluation.possible().first().map(|t| t.to_string()),
        };
        let unselected = evaluation.error.clone();
        let possible: Vec<String> = match &selection {
            Some(_) => evaluation
                .possible()
                .iter()
                .map(|t| t.to_string())
                .collect(),
            None => Vec::new(),
        };
        let tracked = self.policies.get_mut(key).expect("present");
        tracked.unselected = unselected;
        tracked.possible = possible;
        if selection == tracked.selection {
            return;
        }
        let previous = std::mem::replace(&mut tracked.selection, selection.clone());
        tracked.caught_up = false;
        let Some(tag) = selection else {
            tracked.journey = None;
            let mut e = Event::new(
                now,
                Kind::Selected,
                format!(
                    "nothing would be selected any more: {}",
                    tracked.unselected.as_deref().unwrap_or("no tag qualifies")
                ),
            );
            e.policy = Some(id(key));
            e.previous = previous;
            events.push(e);
            return;
        };
        let pushed = new.is_some_and(|n| n.contains(&tag));
        tracked.journey = Some(Journey {
            tag: tag.clone(),
            registry: pushed.then_some(now),
            ..Journey::default()
        });
        let message = match &previous {
            Some(p) => format!("{tag} would win (was {p})"),
            None => format!("{tag} would win"),
        };
        let mut e = Event::new(now, Kind::Selected, message);
        e.policy = Some(id(key));
        e.tag = Some(tag);
        e.previous = previous;
        events.push(e);
    }

    fn policy(&mut self, policy: ImagePolicy, now: Timestamp, events: &mut Vec<Event>) {
        let key = policy_key(&policy);
        if !self.scope.holds(&policy) {
            return;
        }
        let latest = policy.controller_tag();
        match self.policies.get_mut(&key) {
            None => {
                let mut observed = BTreeMap::new();
                for (akey, a) in &self.automations {
                    if applies(a, &policy) {
                        observed.insert(akey.clone(), observed_tag(a, &policy));
                    }
                }
                self.policies.insert(
                    key.clone(),
                    Tracked {
                        policy,
                        selection: None,
                        possible: Vec::new(),
                        unselected: None,
                        journey: None,
                        observed,
                        caught_up: false,
                    },
                );
                // The selection at the start, and whether it has caught up, are in
                // the `watching` line, not lines of their own.
                self.select(&key, None, now, &mut Vec::new());
                self.settle(now, &mut Vec::new());
                let tracked = &self.policies[&key];
                let mut e = Event::new(now, Kind::Watching, self.summary(tracked));
                e.policy = Some(id(&key));
                e.tag = tracked.selection.clone();
                events.push(e);
            }
            Some(tracked) => {
                let before = tracked.policy.controller_tag();
                tracked.policy = policy;
                // Its spec may have changed: an unchanged selection prints nothing.
                self.select(&key, None, now, events);
                if before != latest {
                    self.latest_moved(&key, before, now, events);
                }
            }
        }
        self.settle(now, events);
    }

    /// The line that starts a policy's watch.
    fn summary(&self, tracked: &Tracked) -> String {
        let selection = match (&tracked.selection, &tracked.unselected) {
            (Some(s), _) => format!("this tool selects {s}"),
            (None, Some(why)) => format!("this tool selects nothing ({why})"),
            (None, None) => "no tag list yet".to_string(),
        };
        let latest = match tracked.policy.controller_tag() {
            Some(t) => format!("latestRef {t}"),
            None => "no latestRef".to_string(),
        };
        let automation = match tracked.observed.iter().next() {
            Some((a, Some(t))) => format!("ImageUpdateAutomation {} applied {t}", id(a)),
            Some((a, None)) => format!("ImageUpdateAutomation {} has not applied it", id(a)),
            None => "no ImageUpdateAutomation applies it".to_string(),
        };
        let caught_up = if tracked.caught_up { "; caught up" } else { "" };
        format!("{selection}; {latest}; {automation}{caught_up}")
    }

    fn latest_moved(
        &mut self,
        key: &Key,
        previous: Option<String>,
        now: Timestamp,
        events: &mut Vec<Event>,
    ) {
        let Some(tracked) = self.policies.get(key) else {
            return;
        };
        let latest = tracked.policy.controller_tag();
        let repo_key = repository_key(&tracked.policy);
        let repo = self.repositories.get(&repo_key);
        let (agrees, why) = self.judge(tracked, repo);
        let tracked = self.policies.get_mut(key).expect("present");
        let mut latencies = None;
        if let Some(j) = tracked.journey.as_mut()
            && agrees
            && j.policy.is_none()
        {
            j.policy = Some(now);
            // The reflector's scan had it by now, even if no scan change was seen.
            j.scan.get_or_insert(now);
            latencies = Some(j.latencies());
        }
        let to = latest.clone().unwrap_or_else(|| "nothing".into());
        let message = match (&previous, agrees) {
            (Some(p), true) => {
                format!("latestRef moved from {p} to {to}: caught up, the controller agrees")
            }
            (None, true) => format!("latestRef is now {to}: caught up, the controller agrees"),
            (p, false) => format!(
                "latestRef moved{} to {to}: still disagrees with this tool ({}): {why}",
                p.as_ref().map(|p| format!(" from {p}")).unwrap_or_default(),
                tracked.selection.as_deref().unwrap_or("nothing selected")
            ),
        };
        let mut e = Event::new(now, Kind::Latest, message);
        e.policy = Some(id(key));
        e.tag = latest;
        e.previous = previous;
        e.agrees = Some(agrees);
        e.latencies = latencies;
        events.push(e);
    }

    /// Whether the controller's `latestRef` is one this tool could select, and
    /// when not, why (the same causes `explain` gives).
    fn judge(&self, tracked: &Tracked, repo: Option<&Repository>) -> (bool, String) {
        let Some(listing) = repo.and_then(|r| r.listing.as_ref()) else {
            return (false, "this tool has no tag list yet".into());
        };
        let repository = repo.and_then(|r| r.object.as_ref());
        let labels = BTreeMap::new();
        let explanation = crate::report::explain(
            crate::report::Inputs {
                policy: &tracked.policy,
                file: None,
                repository,
                namespace_labels: &labels,
                tags: listing.tags.iter().map(String::as_str).collect(),
                source: listing.kind,
                origin: "registry",
                listed: true,
                failure: None,
                source_error: None,
                add_tags: &[],
                why: None,
                controller_version: None,
                revision: false,
            },
            Options {
                rank_all: false,
                profile: self.profile,
            },
        );
        match explanation.controller {
            Some(c) if c.agrees => (true, String::new()),
            Some(c) if !c.causes.is_empty() => (false, c.causes.join("; ")),
            _ => (
                crate::report::agrees(
                    &explanation.evaluation,
                    tracked.policy.controller_tag().as_deref(),
                ),
                "the policy has no status yet".into(),
            ),
        }
    }

    fn repository(&mut self, object: ImageRepository, now: Timestamp, events: &mut Vec<Event>) {
        let key = (object.namespace().to_string(), object.metadata.name.clone());
        let scan = scan_of(&object);
        let repo = self.repositories.entry(key.clone()).or_default();
        let first = repo.object.is_none();
        let changed = repo.scan != scan;
        repo.scan = scan.clone();
        repo.object = Some(object);
        if first || !changed {
            return;
        }
        let (time, revision) = scan.unwrap_or_default();
        let object = self.repositories[&key].object.clone().expect("set");
        let latest_tags = object
            .last_scan()
            .map(|s| s.latest_tags.clone())
            .unwrap_or_default();
        let count = object.last_scan().and_then(|s| s.tag_count);
        let keys: Vec<Key> = self
            .policies
            .iter()
            .filter(|(_, t)| repository_key(&t.policy) == key)
            .map(|(k, _)| k.clone())
            .collect();
        let described = format!(
            "the reflector scanned{}{}{}",
            time.as_deref()
                .map(|t| format!(" at {t}"))
                .unwrap_or_default(),
            revision
                .as_deref()
                .map(|r| format!(", revision {r}"))
                .unwrap_or_default(),
            count.map(|n| format!(", {n} tags")).unwrap_or_default()
        );
        if keys.is_empty() {
            return;
        }
        for pkey in keys {
            let tracked = self.policies.get_mut(&pkey).expect("present");
            let mut e = Event::new(now, Kind::Scanned, described.clone());
            e.policy = Some(id(&pkey));
            e.repository = Some(id(&key));
            e.revision = revision.clone();
            if let Some(j) = tracked.journey.as_mut() {
                // The scan includes the tag when the status sample shows it, or when
                // it ran after this watch saw the tag in the registry.
                let scanned_after = match (
                    time.as_deref().and_then(|t| t.parse::<Timestamp>().ok()),
                    j.registry,
                ) {
                    (Some(at), Some(seen)) => at >= seen,
                    (_, None) => true,
                    (None, Some(_)) => true,
                };
                let includes = latest_tags.contains(&j.tag) || scanned_after;
                e.tag = Some(j.tag.clone());
                if includes && j.scan.is_none() {
                    j.scan = Some(now);
                    e.latencies = Some(j.latencies());
                    e.message.push_str(&format!(": includes {}", j.tag));
                } else if !includes {
                    e.message
                        .push_str(&format!(": {} not seen in it yet", j.tag));
                }
            }
            events.push(e);
        }
    }

    fn automation(
        &mut self,
        object: ImageUpdateAutomation,
        now: Timestamp,
        events: &mut Vec<Event>,
    ) {
        let key = (object.namespace().to_string(), object.metadata.name.clone());
        let previous_push = self
            .automations
            .get(&key)
            .and_then(|a| a.status.as_ref())
            .and_then(|s| s.last_push_commit.clone());
        let first = !self.automations.contains_key(&key);
        let status = object.status.clone().unwrap_or_default();
        for (pkey, tracked) in self.policies.iter_mut() {
            if !applies(&object, &tracked.policy) {
                tracked.observed.remove(&key);
                continue;
            }
            let observed = observed_tag(&object, &tracked.policy);
            let before = tracked.observed.insert(key.clone(), observed.clone());
            if first || before.flatten() == observed {
                continue;
            }
            let latest = tracked.policy.controller_tag();
            let agrees = observed.is_some() && observed == latest;
            let mut latencies = None;
            if let Some(j) = tracked.journey.as_mut()
                && observed.as_deref() == Some(j.tag.as_str())
                && j.commit.is_none()
            {
                j.commit = Some(now);
                latencies = Some(j.latencies());
            }
            let tag = observed.clone().unwrap_or_else(|| "nothing".into());
            let mut e = Event::new(
                now,
                Kind::Automation,
                if agrees {
                    format!("the automation applied {tag}: caught up with latestRef")
                } else {
                    format!(
                        "the automation applied {tag}; latestRef is {}",
                        latest.as_deref().unwrap_or("unset")
                    )
                },
            );
            e.policy = Some(id(pkey));
            e.automation = Some(id(&key));
            e.tag = observed;
            e.agrees = Some(agrees);
            e.latencies = latencies;
            events.push(e);
        }
        if !first && status.last_push_commit.is_some() && status.last_push_commit != previous_push {
            let commit = status.last_push_commit.clone().unwrap_or_default();
            let mut e = Event::new(
                now,
                Kind::Pushed,
                format!(
                    "pushed commit {}{}",
                    short(&commit),
                    status
                        .last_push_time
                        .as_deref()
                        .map(|t| format!(" at {t}"))
                        .unwrap_or_default()
                ),
            );
            e.automation = Some(id(&key));
            e.commit = Some(commit);
            events.push(e);
        }
        self.automations.insert(key, object);
        self.settle(now, events);
    }

    /// Marks the policies whose every step has the selection, once each.
    fn settle(&mut self, now: Timestamp, events: &mut Vec<Event>) {
        for (key, tracked) in self.policies.iter_mut() {
            // latestRef is the selection or a tag tied with it (the controller picks
            // among ties at random), and an automation applied that value.
            let Some(selection) = tracked
                .policy
                .controller_tag()
                .filter(|latest| tracked.possible.contains(latest))
            else {
                tracked.caught_up = false;
                continue;
            };
            let done = tracked
                .observed
                .values()
                .any(|o| o.as_deref() == Some(selection.as_str()));
            if done == tracked.caught_up {
                continue;
            }
            tracked.caught_up = done;
            if !done {
                continue;
            }
            let mut e = Event::new(
                now,
                Kind::CaughtUp,
                format!("{selection} is selected, in latestRef and applied by the automation"),
            );
            e.policy = Some(id(key));
            e.tag = Some(selection);
            e.agrees = Some(true);
            if let Some(j) = &tracked.journey {
                let l = j.latencies();
                let parts: Vec<String> = [
                    ("registry→scan", l.registry_to_scan),
                    ("scan→policy", l.scan_to_policy),
                    ("policy→commit", l.policy_to_commit),
                ]
                .iter()
                .filter_map(|(name, v)| v.map(|v| format!("{name} {v:.1}s")))
                .collect();
                if !parts.is_empty() {
                    e.message.push_str(&format!(" ({})", parts.join(", ")));
                }
                e.latencies = Some(l);
            }
            events.push(e);
        }
    }

    /// The automations that apply a policy stuck at the `automation` step
    /// (its `latestRef` has the selection, no automation applied it): those
    /// whose reconcile over a checkout can tell why (`stuck`'s `previews`).
    pub fn stuck_automations(&self) -> Vec<(Key, &ImageUpdateAutomation)> {
        let mut keys: Vec<&Key> = self
            .policies
            .values()
            .filter(|t| !t.caught_up && at_automation_step(t))
            .flat_map(|t| t.observed.keys())
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| Some((k.clone(), self.automations.get(k)?)))
            .collect()
    }

    /// The watched policies as last seen.
    pub fn policies(&self) -> impl Iterator<Item = &ImagePolicy> {
        self.policies.values().map(|t| &t.policy)
    }

    /// `--until caught-up` timed out: for each policy not caught up, the first
    /// step that lacks the selection and why. `previews`: with `--source`, one
    /// reconcile over the checkout per automation of `stuck_automations`, whose
    /// why-nothing the `automation` step gives; without, the first line stuck
    /// there says that `--source` would tell why.
    pub fn stuck(&self, now: Timestamp, previews: Option<&BTreeMap<Key, Preview>>) -> Vec<Event> {
        let mut events = Vec::new();
        let mut hinted = false;
        for (key, tracked) in &self.policies {
            if tracked.caught_up {
                continue;
            }
            let repo_key = repository_key(&tracked.policy);
            let repo = self.repositories.get(&repo_key);
            let (step, why) = self.diagnose(tracked, repo, previews, &mut hinted);
            let mut e = Event::new(now, Kind::Stuck, why);
            e.policy = Some(id(key));
            e.step = Some(step);
            e.tag = tracked.selection.clone();
            events.push(e);
        }
        events
    }

    fn diagnose(
        &self,
        tracked: &Tracked,
        repo: Option<&Repository>,
        previews: Option<&BTreeMap<Key, Preview>>,
        hinted: &mut bool,
    ) -> (&'static str, String) {
        let Some(selection) = &tracked.selection else {
            let why = match (repo.and_then(|r| r.error.as_deref()), &tracked.unselected) {
                (Some(error), _) => format!("the registry cannot be listed: {error}"),
                (None, Some(why)) => format!("this tool selects nothing: {why}"),
                (None, None) => "no tag list yet".into(),
            };
            return ("registry", why);
        };
        let latest = tracked.policy.controller_tag();
        if !at_automation_step(tracked) {
            let object = repo.and_then(|r| r.object.as_ref());
            let scan = object.and_then(ImageRepository::last_scan);
            let seen_in_scan = scan.is_some_and(|s| s.latest_tags.contains(selection));
            let journey_scan = tracked.journey.as_ref().and_then(|j| j.scan).is_some();
            if !seen_in_scan && !journey_scan {
                let mut why = format!(
                    "the reflector has not scanned {selection} yet (last scan {})",
                    scan.and_then(|s| s.scan_time.as_deref()).unwrap_or("never")
                );
                if object.is_some_and(|r| r.spec.suspend) {
                    why.push_str("; the ImageRepository is suspended");
                }
                if let Some(c) = object
                    .and_then(|r| r.status.as_ref())
                    .and_then(|s| s.conditions.iter().find(|c| c.type_ == "Ready"))
                    .filter(|c| c.status != "True")
                {
                    why.push_str(&format!(
                        "; the ImageRepository is not Ready ({}): {}",
                        c.reason, c.message
                    ));
                }
                return ("scan", why);
            }
            let (_, causes) = self.judge(tracked, repo);
            return (
                "policy",
                format!(
                    "latestRef is {}, this tool selects {selection}: {causes}",
                    latest.as_deref().unwrap_or("unset")
                ),
            );
        }
        // The policy has it: which automation should apply it, and why it did not.
        let selection = latest.as_ref().unwrap_or(selection);
        let appliers: Vec<&Key> = tracked.observed.keys().collect();
        if appliers.is_empty() {
            let suspended_or_not = if self
                .automations
                .keys()
                .any(|(ns, _)| ns == tracked.policy.namespace())
            {
                "no ImageUpdateAutomation's policySelector selects this policy"
            } else {
                "no ImageUpdateAutomation in its namespace"
            };
            return (
                "automation",
                format!("{suspended_or_not}: nothing commits {selection}"),
            );
        }
        let mut reasons = Vec::new();
        for akey in appliers {
            let Some(a) = self.automations.get(akey) else {
                continue;
            };
            let mut why = format!(
                "ImageUpdateAutomation {} applied {}",
                id(akey),
                tracked.observed[akey].as_deref().unwrap_or("nothing yet")
            );
            if a.spec.suspend {
                why.push_str(", and it is suspended");
            }
            if let Some(c) = a
                .status
                .as_ref()
                .and_then(|s| s.conditions.iter().find(|c| c.type_ == "Ready"))
                .filter(|c| c.status != "True")
            {
                why.push_str(&format!(", not Ready ({}): {}", c.reason, c.message));
            }
            let status = a.status.as_ref();
            if let Some(at) = status.and_then(|s| s.last_automation_run_time.as_deref()) {
                why.push_str(&format!(", last ran at {at}"));
            }
            if let Some(at) = status.and_then(|s| s.last_handled_reconcile_at.as_deref()) {
                why.push_str(&format!(", last reconcile request handled {at}"));
            }
            if let Some(preview) = previews.and_then(|p| p.get(akey))
                && !a.spec.suspend
            {
                why.push_str(&format!(
                    "; in --source: {}",
                    checkout_reason(preview, &tracked.policy, selection)
                ));
            }
            reasons.push(why);
        }
        let mut message = format!("latestRef is {selection}, but {}", reasons.join("; "));
        // Without a checkout, the first line stuck here says what would tell more.
        if previews.is_none() && !*hinted {
            *hinted = true;
            message.push_str(
                " (--source DIR, a checkout of the automation's Git repository, would tell why)",
            );
        }
        ("automation", message)
    }
}

/// Whether a policy's `latestRef` has the selection (or a tag tied with it):
/// what is missing is the automation's.
fn at_automation_step(tracked: &Tracked) -> bool {
    tracked
        .policy
        .controller_tag()
        .is_some_and(|l| tracked.possible.contains(&l))
}

/// Why an automation's reconcile over the checkout has not committed `tag`
/// for `policy`: preview's why-nothing (docs/guide/preview.md), for this policy.
fn checkout_reason(preview: &Preview, policy: &ImagePolicy, tag: &str) -> String {
    if let Some(error) = &preview.error {
        return format!("the controller fails: {error}");
    }
    let name = &policy.metadata.name;
    let Some(row) = preview.policies.iter().find(|r| &r.name == name) else {
        return format!("it does not apply {name}");
    };
    if !row.applied {
        return format!("it does not apply {name}: {}", row.reason);
    }
    let path = if preview.path.is_empty() {
        "the checkout's root".to_string()
    } else {
        format!("spec.update.path {}", preview.path)
    };
    let m = row.markers;
    if m.read == 0 {
        let mut elsewhere = Vec::new();
        if m.outside > 0 {
            elsewhere.push(format!("{} outside the path", m.outside));
        }
        if m.other_namespace > 0 {
            elsewhere.push(format!(
                "{} naming '{name}' of another namespace (only {}'s apply)",
                m.other_namespace, preview.namespace
            ));
        }
        if m.ignored > 0 {
            elsewhere.push(format!(
                "{} in a form or file the controller ignores (see preview)",
                m.ignored
            ));
        }
        let elsewhere = if elsewhere.is_empty() {
            " (kubectl imagepolicy mark writes them)".to_string()
        } else {
            format!("; markers: {}", elsewhere.join(", "))
        };
        return format!(
            "no setter marker for {}:{name} under {path}: the controller has nothing to update{elsewhere}",
            preview.namespace
        );
    }
    if m.current == m.read {
        return format!(
            "its {} marked value(s) under {path} already hold {tag}: nothing to commit from this checkout (is it the automation's branch, pulled?)",
            m.read
        );
    }
    let files = preview.files.len();
    format!(
        "a reconcile would commit {tag} ({} of its {} marked value(s), {files} file(s) changed): the controller has not run since latestRef moved, or fails",
        m.read - m.current,
        m.read
    )
}

/// Whether an automation applies a policy: same namespace, its `policySelector`.
fn applies(a: &ImageUpdateAutomation, p: &ImagePolicy) -> bool {
    a.namespace() == p.namespace() && a.selects(&p.metadata.labels)
}

/// The tag the automation last applied for the policy (`observedPolicies`).
fn observed_tag(a: &ImageUpdateAutomation, p: &ImagePolicy) -> Option<String> {
    a.status
        .as_ref()?
        .observed_policies
        .get(&p.metadata.name)
        .map(|r| r.tag.clone())
}

/// A commit's first 12 characters, as Flux's events show it.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}
