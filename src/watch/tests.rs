use super::*;
use crate::model::{ImagePolicy, ImageRepository, ImageUpdateAutomation};
use crate::source::cluster::WatchedKind;

fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a model object")
}

fn repository(latest_tags: &[&str], scan_time: &str) -> ImageRepository {
    object(serde_json::json!({
        "metadata": {"name": "app", "namespace": "apps"},
        "spec": {"image": "registry/app", "interval": "1m"},
        "status": {"lastScanResult": {"scanTime": scan_time, "latestTags": latest_tags}}}))
}

fn policy(latest: &str) -> ImagePolicy {
    object(serde_json::json!({
        "metadata": {"name": "app", "namespace": "apps"},
        "spec": {"imageRepositoryRef": {"name": "app"}, "policy": {"semver": {"range": ">=1.0.0"}}},
        "status": {"latestRef": {"name": "registry/app", "tag": latest}}}))
}

fn automation(observed: &str, commit: &str) -> ImageUpdateAutomation {
    object(serde_json::json!({
        "metadata": {"name": "bot", "namespace": "apps"},
        "status": {"observedPolicies": {"app": {"name": "registry/app", "tag": observed}},
                   "lastPushCommit": commit}}))
}

fn listing(tags: &[&str]) -> Input {
    Input::Registry {
        repository: ("apps".into(), "app".into()),
        listing: Ok(Listing {
            tags: tags.iter().map(|t| t.to_string()).collect(),
            kind: SourceKind::Registry,
            notes: Vec::new(),
        }),
        retry: None,
    }
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).unwrap()
}

fn kinds(events: &[Event]) -> Vec<Kind> {
    events.iter().map(|e| e.event).collect()
}

/// A watch of apps/app, started caught up on 1.0.0.
fn started() -> Watch {
    let mut watch = Watch::new(
        Scope::Named(vec![("apps".into(), "app".into())]),
        Profile::newest(),
    );
    watch.apply(
        Input::Applied(Watched::Repository(repository(
            &["1.0.0"],
            "2027-01-15T08:00:00Z",
        ))),
        at(0),
    );
    watch.apply(
        Input::Applied(Watched::Automation(Box::new(automation("1.0.0", "a1")))),
        at(0),
    );
    watch.apply(listing(&["1.0.0"]), at(0));
    let start = watch.apply(Input::Applied(Watched::Policy(policy("1.0.0"))), at(0));
    assert_eq!(kinds(&start), [Kind::Watching]);
    assert!(
        start[0].message.ends_with("caught up"),
        "{}",
        start[0].message
    );
    assert!(watch.caught_up());
    watch
}

#[test]
fn a_pushed_tag_is_followed_step_by_step_with_its_latencies() {
    let mut watch = started();
    let pushed = watch.apply(listing(&["1.0.0", "1.1.0"]), at(10));
    assert_eq!(kinds(&pushed), [Kind::Tag, Kind::Selected]);
    assert_eq!(pushed[1].tag.as_deref(), Some("1.1.0"));
    assert_eq!(pushed[1].previous.as_deref(), Some("1.0.0"));
    assert!(!watch.caught_up());

    let scanned = watch.apply(
        Input::Applied(Watched::Repository(repository(
            &["1.1.0", "1.0.0"],
            "2027-01-15T08:10:00Z",
        ))),
        at(25),
    );
    assert_eq!(kinds(&scanned), [Kind::Scanned]);
    assert!(
        scanned[0].message.contains("includes 1.1.0"),
        "{}",
        scanned[0].message
    );

    let moved = watch.apply(Input::Applied(Watched::Policy(policy("1.1.0"))), at(27));
    assert_eq!(kinds(&moved), [Kind::Latest]);
    assert_eq!(moved[0].agrees, Some(true));

    let applied = watch.apply(
        Input::Applied(Watched::Automation(Box::new(automation("1.1.0", "b2")))),
        at(87),
    );
    assert_eq!(
        kinds(&applied),
        [Kind::Automation, Kind::Pushed, Kind::CaughtUp]
    );
    assert_eq!(applied[1].commit.as_deref(), Some("b2"));
    assert_eq!(
        applied[2].latencies,
        Some(Latencies {
            registry_to_scan: Some(15.0),
            scan_to_policy: Some(2.0),
            policy_to_commit: Some(60.0),
        })
    );
    assert!(watch.caught_up());
    // Seen again (a relist): nothing new to say.
    let again = watch.apply(
        Input::Applied(Watched::Automation(Box::new(automation("1.1.0", "b2")))),
        at(90),
    );
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn a_latest_ref_that_disagrees_says_why() {
    let mut watch = started();
    watch.apply(listing(&["1.0.0", "1.1.0"]), at(10));
    let moved = watch.apply(Input::Applied(Watched::Policy(policy("0.9.0"))), at(20));
    assert_eq!(kinds(&moved), [Kind::Latest]);
    assert_eq!(moved[0].agrees, Some(false));
    assert!(
        moved[0].message.contains("still disagrees"),
        "{}",
        moved[0].message
    );
    assert!(
        moved[0].message.contains("not in the tag list"),
        "{}",
        moved[0].message
    );
}

#[test]
fn stuck_names_the_first_step_without_the_selection() {
    let mut watch = started();
    watch.apply(listing(&["1.0.0", "1.1.0"]), at(10));
    let stuck = watch.stuck(at(600), None);
    assert_eq!(stuck[0].step, Some("scan"), "{}", stuck[0].message);
    assert!(
        stuck[0].message.contains("has not scanned 1.1.0"),
        "{}",
        stuck[0].message
    );

    watch.apply(
        Input::Applied(Watched::Repository(repository(
            &["1.1.0"],
            "2027-01-15T08:10:00Z",
        ))),
        at(20),
    );
    assert_eq!(watch.stuck(at(600), None)[0].step, Some("policy"));

    watch.apply(Input::Applied(Watched::Policy(policy("1.1.0"))), at(30));
    let stuck = watch.stuck(at(600), None);
    assert_eq!(stuck[0].step, Some("automation"));
    assert!(
        stuck[0].message.contains("apps/bot applied 1.0.0"),
        "{}",
        stuck[0].message
    );

    watch.apply(
        Input::Deleted(Watched::Automation(Box::new(automation("1.0.0", "a1")))),
        at(40),
    );
    let stuck = watch.stuck(at(600), None);
    assert!(
        stuck[0].message.contains("no ImageUpdateAutomation"),
        "{}",
        stuck[0].message
    );
    assert!(!watch.failing());
}

#[test]
fn stuck_at_the_automation_names_its_automations_and_hints_at_source_once() {
    let mut watch = Watch::new(Scope::All(None), Profile::newest());
    let mut other = policy("1.1.0");
    other.metadata.name = "app2".into();
    let bot: ImageUpdateAutomation = object(serde_json::json!({
        "metadata": {"name": "bot", "namespace": "apps"},
        "status": {"observedPolicies": {"app": {"name": "registry/app", "tag": "1.0.0"},
                                        "app2": {"name": "registry/app", "tag": "1.0.0"}}}}));
    watch.apply(Input::Applied(Watched::Automation(Box::new(bot))), at(0));
    watch.apply(listing(&["1.0.0", "1.1.0"]), at(0));
    watch.apply(Input::Applied(Watched::Policy(policy("1.1.0"))), at(0));
    watch.apply(Input::Applied(Watched::Policy(other)), at(0));
    let automations: Vec<Key> = watch
        .stuck_automations()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(automations, [("apps".to_string(), "bot".to_string())]);

    let hint = "would tell why";
    let stuck = watch.stuck(at(600), None);
    assert_eq!(stuck.len(), 2);
    assert!(stuck.iter().all(|e| e.step == Some("automation")));
    let hinted = stuck.iter().filter(|e| e.message.contains(hint)).count();
    assert_eq!(hinted, 1, "{stuck:#?}");
    // With a checkout (here one without this automation's plan), no hint.
    let stuck = watch.stuck(at(600), Some(&BTreeMap::new()));
    assert!(
        !stuck.iter().any(|e| e.message.contains(hint)),
        "{stuck:#?}"
    );
}

#[test]
fn a_failing_registry_is_an_error_event_with_its_retry() {
    let mut watch = Watch::new(Scope::All(None), Profile::newest());
    watch.apply(Input::Applied(Watched::Policy(policy("1.0.0"))), at(0));
    let failed = watch.apply(
        Input::Registry {
            repository: ("apps".into(), "app".into()),
            listing: Err("ImageRepository apps/app: connection refused".into()),
            retry: Some(Duration::from_secs(4)),
        },
        at(1),
    );
    assert_eq!(kinds(&failed), [Kind::Error]);
    assert_eq!(failed[0].retry_in, Some(4.0));
    assert!(watch.failing());
    assert_eq!(watch.stuck(at(2), None)[0].step, Some("registry"));
    // It answers again: no longer failing.
    watch.apply(listing(&["1.0.0"]), at(5));
    assert!(!watch.failing());
}

#[test]
fn policies_out_of_scope_are_not_watched() {
    let mut watch = Watch::new(Scope::All(Some("other".into())), Profile::newest());
    let events = watch.apply(Input::Applied(Watched::Policy(policy("1.0.0"))), at(0));
    assert!(events.is_empty());
    assert!(watch.is_empty());
}

#[test]
fn a_v1beta2_latest_image_moves_like_latest_ref() {
    let mut watch = started();
    watch.apply(listing(&["1.0.0", "1.1.0"]), at(10));
    let v1beta2: ImagePolicy = object(serde_json::json!({
        "apiVersion": "image.toolkit.fluxcd.io/v1beta2",
        "metadata": {"name": "app", "namespace": "apps"},
        "spec": {"imageRepositoryRef": {"name": "app"}, "policy": {"semver": {"range": ">=1.0.0"}}},
        "status": {"latestImage": "registry/app:1.1.0"}}));
    let moved = watch.apply(Input::Applied(Watched::Policy(v1beta2)), at(20));
    assert_eq!(kinds(&moved), [Kind::Latest]);
    assert_eq!(moved[0].tag.as_deref(), Some("1.1.0"));
    assert_eq!(moved[0].agrees, Some(true));
}

#[test]
fn a_relist_without_an_object_deletes_it() {
    let mut watch = started();
    let relisted = watch.apply(
        Input::Relisted {
            kind: WatchedKind::Policy,
            namespace: Some("apps".into()),
            present: Vec::new(),
        },
        at(10),
    );
    assert_eq!(kinds(&relisted), [Kind::Deleted]);
    assert!(watch.is_empty());
}

#[test]
fn a_relist_of_another_namespace_keeps_the_policy() {
    let mut watch = started();
    let relisted = watch.apply(
        Input::Relisted {
            kind: WatchedKind::Policy,
            namespace: Some("other".into()),
            present: Vec::new(),
        },
        at(10),
    );
    assert!(relisted.is_empty());
    assert!(!watch.is_empty());
}

#[test]
fn a_tag_tied_with_the_selection_is_caught_up_too() {
    // Numerical keys `01`, `1` and `1.0` tie: the controller picks any (a Go map).
    let numerical = |latest: &str| -> ImagePolicy {
        object(serde_json::json!({
            "metadata": {"name": "app", "namespace": "apps"},
            "spec": {"imageRepositoryRef": {"name": "app"},
                     "filterTags": {"pattern": "", "extract": ""},
                     "policy": {"numerical": {"order": "asc"}}},
            "status": {"latestRef": {"name": "registry/app", "tag": latest}}}))
    };
    let mut watch = started();
    watch.apply(Input::Applied(Watched::Policy(numerical("1.0.0"))), at(5));
    let listed = watch.apply(listing(&["0", "1.0", "1", "01"]), at(10));
    let selected = listed
        .iter()
        .find(|e| e.event == Kind::Selected)
        .expect("selected");
    assert_ne!(selected.tag.as_deref(), Some("1.0"), "{listed:?}");
    watch.apply(Input::Applied(Watched::Policy(numerical("1.0"))), at(20));
    let applied = watch.apply(
        Input::Applied(Watched::Automation(Box::new(automation("1.0", "c3")))),
        at(30),
    );
    assert_eq!(
        applied.last().map(|e| e.event),
        Some(Kind::CaughtUp),
        "{applied:?}"
    );
    assert_eq!(applied.last().unwrap().tag.as_deref(), Some("1.0"));
    assert!(watch.caught_up());
}

#[test]
fn a_fallback_note_is_said_once() {
    let mut watch = started();
    let fallback = || Input::Registry {
        repository: ("apps".into(), "app".into()),
        listing: Ok(Listing {
            tags: vec!["1.0.0".into()],
            kind: SourceKind::Status,
            notes: vec!["the registry could not be used; falling back".into()],
        }),
        retry: None,
    };
    assert_eq!(kinds(&watch.apply(fallback(), at(10))), [Kind::Error]);
    assert!(watch.apply(fallback(), at(70)).is_empty());
}
