//! Unit tests of the runner: creation order, steps, listener choice, how
//! each expectation compares, counting and the report's last line.

use std::path::{Path, PathBuf};

use gateway_types::Condition;
use gateway_types::gateway::{ListenerStatus, RouteGroupKind};
use gateway_types::routing::{GatewayRouting, ListenerRouting, ResolvedBackend};
use gateway_types::shared::ParentReference;
use gateway_types::{MetaExt, Object};

use super::exec::World;
use super::request::{header_agrees, pick_listener_name, same_location, select, weights_agree};
use super::status::{listener_items, parent_matches};
use super::*;
use crate::testfile::{HeaderValue, ListenerExpect, TestFile, WeightedBackend};

/// A fresh folder for one test's files.
fn folder(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gwcheck-runner-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a fixture");
    path
}

const GATEWAY: &str = "\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: \"{GATEWAY_CLASS_NAME}\"
  listeners:
    - {name: http, protocol: HTTP, port: 80}
";

fn timestamp_of(world: &World, kind: &str, name: &str) -> Option<String> {
    world
        .snapshot()
        .entries()
        .find(|e| e.object.kind() == kind && e.object.metadata().name.as_deref() == Some(name))
        .and_then(|e| e.object.metadata().creation_timestamp_text())
}

#[test]
fn objects_without_a_timestamp_are_created_in_read_order_one_second_apart() {
    let dir = folder("timestamps");
    write(
        &dir,
        "base.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: ns}\n---\n\
         apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: ns, creationTimestamp: \"2020-01-01T00:00:00Z\"}\n",
    );
    let test = write(
        &dir,
        "t.yaml",
        "name: t\nmanifests: [base.yaml]\ninline: |\n  apiVersion: v1\n  kind: Service\n  metadata: {name: c, namespace: ns}\n\
         steps:\n  - apply: |\n      apiVersion: v1\n      kind: Service\n      metadata: {name: d, namespace: ns}\n      ---\n      \
         apiVersion: v1\n      kind: Service\n      metadata: {name: a, namespace: ns, labels: {changed: \"yes\"}}\n",
    );
    let loaded = TestFile::load(&test).expect("the test file loads");
    let mut world = World::new(&RunConfig::new());
    let mut out = FileReport::failed_to_load(&test, String::new());
    for source in loaded.sources() {
        world.apply(source, Stage::Initial, &mut out);
    }
    assert_eq!(
        timestamp_of(&world, "Service", "a").as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(
        timestamp_of(&world, "Service", "b").as_deref(),
        Some("2020-01-01T00:00:00Z")
    );
    assert_eq!(
        timestamp_of(&world, "Service", "c").as_deref(),
        Some("2024-01-01T00:00:02Z")
    );
    assert_eq!(
        timestamp_of(&world, "Service", "d").as_deref(),
        Some("2024-01-01T00:00:03Z")
    );
    // The step replaced `a`: an update keeps the creation time.
    let a = world
        .snapshot()
        .entries()
        .find(|e| e.object.metadata().name.as_deref() == Some("a"))
        .expect("a is there");
    assert_eq!(a.object.metadata().label("changed"), Some("yes"));
}

#[test]
fn namespaced_objects_without_a_namespace_go_to_default() {
    let dir = folder("namespace");
    let test = write(
        &dir,
        "t.yaml",
        "name: t\ninline: |\n  apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n",
    );
    let loaded = TestFile::load(&test).expect("the test file loads");
    let mut world = World::new(&RunConfig::new());
    let mut out = FileReport::failed_to_load(&test, String::new());
    for source in loaded.sources() {
        world.apply(source, Stage::Initial, &mut out);
    }
    let entry = world.snapshot().entries().next().expect("one object");
    assert!(matches!(entry.object, Object::Service(_)));
    assert_eq!(
        entry.object.metadata().namespace.as_deref(),
        Some("default")
    );
}

#[test]
fn the_class_placeholder_is_replaced_and_that_class_counts_as_present() {
    let dir = folder("placeholder");
    let test = write(
        &dir,
        "t.yaml",
        &format!(
            "name: t\ninline: |\n{}\nexpect:\n  gateways:\n    - name: infra/gw\n      conditions: {{Accepted: \"True\"}}\n",
            GATEWAY
                .lines()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    let report = run_file(&test, &RunConfig::new().gateway_class("acting-class"));
    assert_eq!(report.error(), None);
    assert!(
        report.passed(),
        "{}",
        render_file(&report, &RenderOptions::default())
    );
    assert_eq!(report.tally().status_total, 1);
}

#[test]
fn a_step_that_deletes_a_missing_object_fails_the_file() {
    let dir = folder("delete");
    let test = write(
        &dir,
        "t.yaml",
        "name: t\nsteps:\n  - delete: [ReferenceGrant ns/missing]\n",
    );
    let report = run_file(&test, &RunConfig::new());
    assert!(!report.passed());
    let setup: Vec<&Check> = report
        .checks()
        .iter()
        .filter(|c| c.kind == CheckKind::Setup)
        .collect();
    assert_eq!(setup.len(), 1);
    assert_eq!(setup[0].stage, Stage::Step(0));
    assert_eq!(
        report.tally(),
        Tally::default(),
        "setup checks count in no tally"
    );
}

#[test]
fn a_file_that_does_not_parse_fails_with_its_error() {
    let dir = folder("unparsable");
    let test = write(&dir, "t.yaml", "name: t\nexpcet: {}\n");
    let report = run_file(&test, &RunConfig::new());
    assert!(!report.passed());
    assert!(report.error().is_some_and(|e| e.contains("expcet")));
}

fn listener(name: &str, kinds: &[&str], attached: i32) -> ListenerStatus {
    let mut status = ListenerStatus::new(name);
    status.attached_routes = attached;
    status.supported_kinds = Some(kinds.iter().map(|k| RouteGroupKind::new(*k)).collect());
    status.conditions = vec![Condition::new("Accepted", true, "Accepted", "")];
    status
}

fn listener_expect(yaml: &str) -> ListenerExpect {
    serde_saphyr::from_str(yaml).expect("a listener expectation")
}

#[test]
fn supported_kinds_are_at_least_these_and_an_empty_list_means_none() {
    let found = listener("http", &["HTTPRoute", "GRPCRoute"], 0);
    let items = listener_items(
        "http",
        &listener_expect("supportedKinds: [HTTPRoute]"),
        Ok(&found),
    );
    assert!(items[0].passed);
    let items = listener_items("http", &listener_expect("supportedKinds: []"), Ok(&found));
    assert!(!items[0].passed);
    let empty = listener("http", &[], 0);
    let items = listener_items("http", &listener_expect("supportedKinds: []"), Ok(&empty));
    assert!(items[0].passed);
}

#[test]
fn a_condition_without_reason_checks_the_status_alone() {
    let found = listener("http", &[], 2);
    let items = listener_items(
        "http",
        &listener_expect("conditions: {Accepted: \"True\"}\nattachedRoutes: 2"),
        Ok(&found),
    );
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i.passed));
    let items = listener_items(
        "http",
        &listener_expect("conditions: {Accepted: \"True/Other\"}"),
        Ok(&found),
    );
    assert!(!items[0].passed);
    assert_eq!(items[0].found, "True/Accepted");
}

#[test]
fn a_parent_matches_on_its_section_only_when_the_expectation_names_one() {
    let mut entry = ParentReference::gateway("gw");
    entry.section_name = Some("http".to_owned());
    let plain = "infra/gw".parse().expect("a parent ref");
    let section = "infra/gw/http".parse().expect("a parent ref");
    let other = "infra/gw/https".parse().expect("a parent ref");
    let listener_set = "ListenerSet:infra/gw".parse().expect("a parent ref");
    assert!(parent_matches(&plain, &entry, "infra"));
    assert!(parent_matches(&section, &entry, "infra"));
    assert!(!parent_matches(&other, &entry, "infra"));
    assert!(!parent_matches(&listener_set, &entry, "infra"));
    assert!(!parent_matches(&plain, &entry, "elsewhere"));
}

fn routing(listeners: Vec<ListenerRouting>) -> GatewayRouting {
    let mut routing = GatewayRouting::new("infra", "gw");
    routing.listeners = listeners;
    routing
}

#[test]
fn an_exact_listener_hostname_beats_a_wildcard_which_beats_none() {
    let gateway = routing(vec![
        ListenerRouting::new("any", 80, "HTTP", None),
        ListenerRouting::new("wild", 80, "HTTP", Some("*.example.com")),
        ListenerRouting::new("exact", 80, "HTTP", Some("a.example.com")),
        ListenerRouting::new("other-port", 8080, "HTTP", Some("a.example.com")),
    ]);
    let pick = |host| pick_listener_name(&gateway, &["HTTP"], 80, Some(host));
    assert_eq!(pick("a.example.com").as_deref(), Some("exact"));
    assert_eq!(pick("b.example.com").as_deref(), Some("wild"));
    assert_eq!(pick("example.com").as_deref(), Some("any"));
    assert_eq!(pick("A.Example.com.").as_deref(), Some("exact"));
}

fn request(yaml: &str) -> crate::testfile::Request {
    serde_saphyr::from_str(yaml).expect("a request")
}

#[test]
fn the_scheme_picks_the_protocol_and_a_refused_handshake_is_rejected() {
    let gateway = routing(vec![
        ListenerRouting::new("http", 80, "HTTP", None),
        ListenerRouting::new("https", 443, "HTTPS", Some("secure.example.com")),
    ]);
    let http = request("url: http://secure.example.com/");
    let (picked, _) = select(Some(&gateway), &http).expect("an HTTP listener");
    assert_eq!(picked.map(|l| l.name.as_str()), Some("http"));
    let https = request("url: https://secure.example.com/");
    let (picked, _) = select(Some(&gateway), &https).expect("an HTTPS listener");
    assert_eq!(picked.map(|l| l.name.as_str()), Some("https"));
    // The server name picks the HTTPS listener; none fits: the handshake fails.
    let wrong_sni = request("url: https://secure.example.com/\nsni: other.example.com");
    assert!(select(Some(&gateway), &wrong_sni).is_err());
    // No listener on the port: the connection is refused.
    let wrong_port = request("url: http://secure.example.com:8080/");
    assert!(select(Some(&gateway), &wrong_port).is_err());
    // TCP and UDP take the listener of their protocol on the port.
    let tcp = request("port: 80\nprotocol: TCP");
    assert!(select(Some(&gateway), &tcp).is_err());
}

#[test]
fn a_listener_that_is_not_ready_refuses_connections() {
    let mut broken = ListenerRouting::new("https", 443, "HTTPS", None);
    broken.ready = false;
    let gateway = routing(vec![broken]);
    let refusal = select(Some(&gateway), &request("url: https://example.com/"))
        .expect_err("a listener that is not ready refuses");
    assert!(refusal.why.contains("not ready"), "{}", refusal.why);
}

fn backend(name: &str, weight: u32, invalid: bool) -> ResolvedBackend {
    let mut b = ResolvedBackend::default();
    b.kind = "Service".to_owned();
    b.namespace = "ns".to_owned();
    b.name = name.to_owned();
    b.port = Some(8080);
    b.weight = weight;
    b.invalid = invalid.then(|| "BackendNotFound".to_owned());
    b
}

fn split(pairs: &[(&str, u32)]) -> Vec<WeightedBackend> {
    pairs
        .iter()
        .map(|(name, weight)| WeightedBackend {
            service: format!("ns/{name}").parse().expect("a service"),
            weight: *weight,
        })
        .collect()
}

#[test]
fn weights_compare_normalised_over_the_valid_backends() {
    let found = [backend("a", 3, false), backend("b", 1, false)];
    assert!(weights_agree(&split(&[("a", 75), ("b", 25)]), &found));
    assert!(weights_agree(&split(&[("a", 3), ("b", 1)]), &found));
    assert!(!weights_agree(&split(&[("a", 50), ("b", 50)]), &found));
    assert!(
        !weights_agree(&split(&[("a", 1)]), &found),
        "b is not expected"
    );
    // An invalid backend's share is left out of the comparison.
    let with_invalid = [backend("a", 1, false), backend("gone", 1, true)];
    assert!(weights_agree(&split(&[("a", 1)]), &with_invalid));
    // A weight of zero expects nothing.
    assert!(weights_agree(
        &split(&[("a", 1), ("b", 0)]),
        &[backend("a", 5, false)]
    ));
}

#[test]
fn several_header_values_fold_with_commas() {
    let one = HeaderValue::One("a,b".to_owned());
    assert!(header_agrees(&one, &["a".to_owned(), "b".to_owned()]));
    assert!(header_agrees(
        &HeaderValue::One("a".to_owned()),
        &["a".to_owned()]
    ));
    assert!(!header_agrees(&HeaderValue::One("a".to_owned()), &[]));
    let list = HeaderValue::List(vec!["a".to_owned(), "b".to_owned()]);
    assert!(header_agrees(&list, &["a".to_owned(), "b".to_owned()]));
    assert!(!header_agrees(&list, &["b".to_owned(), "a".to_owned()]));
}

#[test]
fn the_skip_list_needs_a_yaml_file_and_a_reason() {
    assert!(SkipList::parse("a.yaml: rule 4.2 says so\n", "s").is_ok());
    let err = SkipList::parse("\n# comment\na.yaml\n", "s").expect_err("no reason");
    assert_eq!(err.line, 3);
    assert!(SkipList::parse("a.yaml:   \n", "s").is_err());
    assert!(SkipList::parse("a.txt: reason\n", "s").is_err());
}

#[test]
fn skipped_files_are_reported_and_not_counted_as_passed() {
    let dir = folder("skips");
    let good = write(&dir, "good.yaml", "name: good\n");
    let skipped = write(&dir, "skipped.yaml", "name: skipped\n");
    let selection = Selection {
        filter: None,
        skips: SkipList::parse("skipped.yaml: the spec says otherwise\n", "s").expect("a list"),
    };
    let summary = run_files(&[good, skipped], &RunConfig::new(), &selection, |_| {});
    assert_eq!((summary.passed(), summary.failed()), (1, 0));
    assert_eq!(summary.skipped.len(), 1);
    let text = render_summary(&summary, &RenderOptions::default());
    assert_eq!(text.lines().last(), Some("1 passed, 0 failed, 1 skipped"));
    assert!(text.contains("skipped.yaml: the spec says otherwise"));
}

#[test]
fn the_report_ends_with_the_split_counts_then_the_file_counts() {
    let dir = folder("summary");
    let bad = write(&dir, "bad.yaml", "name: [not, a, string]\n");
    let ok = write(&dir, "ok.yaml", "name: ok\n");
    let summary = run_files(&[bad, ok], &RunConfig::new(), &Selection::default(), |_| {});
    let text = render_summary(&summary, &RenderOptions::default());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "expectations: status 0/0, requests 0/0"
    );
    assert_eq!(lines[lines.len() - 1], "1 passed, 1 failed");
}

#[test]
fn the_filter_keeps_files_whose_path_contains_the_text() {
    let dir = folder("filter");
    let a = write(&dir, "httproute-a.yaml", "name: a\n");
    let b = write(&dir, "tcproute-b.yaml", "name: b\n");
    let selection = Selection {
        filter: Some("httproute".to_owned()),
        skips: SkipList::new(),
    };
    let summary = run_files(&[a, b], &RunConfig::new(), &selection, |_| {});
    assert_eq!(summary.files.len(), 1);
    assert_eq!(summary.files[0].name(), Some("a"));
}

#[test]
fn a_redirect_location_may_write_the_default_port_or_leave_it_out() {
    assert!(same_location(
        "https://example.com:443/a",
        "https://example.com/a"
    ));
    assert!(same_location(
        "http://Example.com/a",
        "http://example.com/a"
    ));
    assert!(same_location(
        "http://example.com/a",
        "http://example.com:80/a"
    ));
    assert!(!same_location(
        "http://example.com:8080/a",
        "http://example.com/a"
    ));
    assert!(!same_location(
        "https://example.com:80/a",
        "https://example.com/a"
    ));
    assert!(!same_location(
        "http://example.com/a",
        "http://example.com/b"
    ));
}
