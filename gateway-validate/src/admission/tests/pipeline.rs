//! The pipeline order of spec 2.1: defaulting before checks, every finding
//! at once, findings as data, and the report of rejected objects.

use serde_json::json;

use super::{gateway, grpc_route, route};
use crate::finding::Finding;
use crate::{Channel, Options, Snapshot, validate};

#[test]
fn defaulted_matches_allow_a_prefix_redirect() {
    // No `matches`: the default single PathPrefix match satisfies R24.
    route()
        .remove("spec.rules[0].backendRefs")
        .set(
            "spec.rules[0].filters",
            json!([{"type": "RequestRedirect", "requestRedirect":
                    {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}]),
        )
        .clean();
}

#[test]
fn defaulted_method_type_requires_service_or_method() {
    grpc_route()
        .set("spec.rules[0].matches", json!([{"method": {}}]))
        .rejects(
            "grpcroute.method.service-or-method",
            "spec.rules[0].matches[0].method",
        );
}

#[test]
fn defaulted_tls_mode_requires_a_certificate() {
    gateway()
        .set(
            "spec.listeners",
            json!([{"name": "a", "port": 443, "protocol": "HTTPS", "tls": {}}]),
        )
        .rejects(
            "listener.tls.terminate-needs-certificate",
            "spec.listeners[0].tls",
        );
}

#[test]
fn explicit_empty_rules_are_not_defaulted() {
    route()
        .set("spec.rules", json!([]))
        .rejects("schema.min-items", "spec.rules");
    // Absent rules default to one rule.
    route().remove("spec.rules").clean();
}

#[test]
fn every_finding_of_an_object_at_once() {
    let findings = route()
        .set("spec.hostnames", json!(["A.example", "b.example"]))
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"type": "Exact", "value": "a//b"}}, {"method": "FETCH"}]),
        )
        .set("spec.rules[0].backendRefs[0].weight", json!(-1))
        .findings();
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.rule, f.field.as_str()))
        .collect();
    for want in [
        ("schema.pattern.hostname", "spec.hostnames[0]"),
        ("schema.enum", "spec.rules[0].matches[1].method"),
        ("schema.minimum", "spec.rules[0].backendRefs[0].weight"),
        (
            "httproute.path.starts-with-slash",
            "spec.rules[0].matches[0].path.value",
        ),
        (
            "httproute.path.no-double-slash",
            "spec.rules[0].matches[0].path.value",
        ),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
    assert!(findings.iter().all(Finding::is_error));
    assert_eq!(findings[0].object.to_string(), "HTTPRoute default/web");
}

#[test]
fn findings_display_rule_and_path() {
    let findings = route()
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"type": "Exact", "value": "x"}}]),
        )
        .findings();
    let text = findings[0].to_string();
    assert!(
        text.starts_with("HTTPRoute default/web: spec.rules[0].matches[0].path.value: "),
        "{text}"
    );
    assert!(
        text.ends_with("[httproute.path.starts-with-slash]"),
        "{text}"
    );
}

#[test]
fn rejected_objects_take_no_part_in_the_status_pass() {
    let bad = super::to_object(
        &route()
            .set("metadata.name", json!("bad"))
            .set("spec.hostnames", json!(["BAD"]))
            .value,
    )
    .expect("loads");
    let good = super::to_object(&route().value).expect("loads");
    let mut snapshot = Snapshot::new();
    snapshot.insert(bad, None);
    snapshot.insert(good, None);
    let report = validate(&snapshot, &Options::new());
    let rejected: Vec<String> = report.rejected().iter().map(ToString::to_string).collect();
    assert_eq!(rejected, ["HTTPRoute default/bad"]);
    // Warnings do not reject.
    #[cfg(feature = "experimental")]
    {
        let pruned =
            super::to_object(&route().set("spec.rules[0].retry", json!({})).value).expect("loads");
        let mut snapshot = Snapshot::new();
        snapshot.insert(pruned, None);
        let report = validate(&snapshot, &Options::new().channel(Channel::Standard));
        assert!(report.rejected().is_empty());
        let pruned: Vec<_> = report
            .findings()
            .iter()
            .filter(|f| f.rule == "field.pruned")
            .collect();
        assert_eq!(pruned.len(), 1);
        assert!(!pruned[0].is_error());
    }
    let _ = Channel::Experimental;
}

#[test]
fn rule_catalogue_has_unique_ids() {
    let rules = crate::admission::rules();
    let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate rule ids");
    // Every CEL rule number R1..R91 appears.
    for n in 1..=91 {
        let found = rules.iter().any(|r| {
            let c = r.crd_rule;
            c == format!("R{n}") || range_contains(c, n)
        });
        assert!(found, "R{n} has no rule id");
    }
}

fn range_contains(c: &str, n: u32) -> bool {
    let Some((a, b)) = c.split_once('-') else {
        return false;
    };
    let parse = |s: &str| s.trim_start_matches('R').parse::<u32>().ok();
    matches!((parse(a), parse(b)), (Some(a), Some(b)) if a <= n && n <= b)
}

fn load_and_admit(yaml: &str) -> Vec<Finding> {
    let loaded = gateway_types::Loader::new().load_str("routes.yaml", yaml);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let snapshot = Snapshot::from_loaded(&loaded);
    let entry = snapshot.entries().next().expect("one object");
    crate::admission::admit(entry, None, &Options::new())
}

#[test]
fn findings_point_at_the_field_in_the_file() {
    let findings = load_and_admit(
        "---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  rules:
  - matches:
    - path:
        type: Exact
        value: api
",
    );
    let f = findings
        .iter()
        .find(|f| f.rule == "httproute.path.starts-with-slash")
        .expect("finding");
    let loc = f.location.as_ref().expect("location");
    assert_eq!(loc.to_string(), "routes.yaml:11:9");
    assert_eq!(
        f.to_string(),
        "routes.yaml:11:9: HTTPRoute web: spec.rules[0].matches[0].path.value: \
         path `api` must start with `/`; add a leading slash [httproute.path.starts-with-slash]"
    );
}

#[test]
fn findings_on_absent_fields_point_at_the_nearest_written_ancestor() {
    let findings = load_and_admit(
        "apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: tls, namespace: default}
spec:
  rules:
  - backendRefs: [{name: svc, port: 443}]
",
    );
    let f = findings
        .iter()
        .find(|f| f.rule == "schema.required")
        .expect("finding");
    assert_eq!(f.field, "spec.hostnames");
    let loc = f.location.as_ref().expect("location");
    assert_eq!((loc.line, loc.column), (4, 1));
}
