//! Building: every bad rule is reported with its route, rule and field, the
//! rest still routes, limits are enforced, and nothing panics.

mod common;

use common::*;
use gateway_match::{BuildError, BuildErrorKind, Config, Router};
use gateway_types::routing::ListenerRouting;

fn errors(config: Config, listeners: Vec<ListenerRouting>) -> (Router, Vec<BuildError>) {
    let mut b = Router::builder();
    b.configure(config);
    for l in listeners {
        b.add_listener(l);
    }
    b.build_partial()
}

fn one(spec: &str) -> Vec<BuildError> {
    errors(
        Config::new(),
        vec![listener("l", 80, "HTTP", None, &[&http("ns/bad", spec)])],
    )
    .1
}

#[test]
fn invalid_regexes_name_route_rule_and_field() {
    let errs = one(
        r#"{"rules": [{}, {"matches": [{"path": {"value": "/ok"}}, {"path": {"type": "RegularExpression", "value": "(unclosed"}}]}]}"#,
    );
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0];
    assert_eq!(
        (e.route_kind(), e.route(), e.rule_index()),
        ("HTTPRoute", ("ns", "bad"), Some(1))
    );
    assert_eq!(e.field(), "spec.rules[1].matches[1].path.value");
    assert!(matches!(e.kind(), BuildErrorKind::InvalidRegex(_)));
    let text = e.to_string();
    assert!(text.starts_with("HTTPRoute ns/bad rule 1: spec.rules[1].matches[1].path.value: invalid regular expression"), "{text}");
}

#[test]
fn path_values_longer_than_64_kib_are_invalid() {
    let long = format!("/{}", "a".repeat(1 << 16));
    for kind in ["Exact", "PathPrefix", "RegularExpression"] {
        let spec = format!(
            r#"{{"rules": [{{"matches": [{{"path": {{"type": "{kind}", "value": "{long}"}}}}]}}]}}"#
        );
        let errs = one(&spec);
        assert_eq!(errs.len(), 1, "{kind}: {errs:#?}");
        assert_eq!(errs[0].field(), "spec.rules[0].matches[0].path.value");
        assert!(
            errs[0]
                .to_string()
                .contains("65537 bytes long, more than the 65536"),
            "{kind}: {}",
            errs[0]
        );
    }
    // At the limit the value is taken.
    let at_limit = format!("/{}", "a".repeat((1 << 16) - 1));
    assert!(
        one(&format!(
            r#"{{"rules": [{{"matches": [{{"path": {{"value": "{at_limit}"}}}}]}}]}}"#
        ))
        .is_empty()
    );
}

#[test]
fn bad_rules_are_dropped_and_the_rest_still_routes() {
    let (r, errs) = errors(
        Config::new(),
        vec![listener(
            "l",
            80,
            "HTTP",
            None,
            &[&http(
                "mixed",
                r#"{"rules": [{"matches": [{"path": {"type": "RegularExpression", "value": "["}}]},
                    {"matches": [{"path": {"value": "/good"}}]}]}"#,
            )],
        )],
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(req("h", "/good").winner(&r), "mixed/1/0");
    let mut b = Router::builder();
    b.add_listener(listener(
        "l",
        80,
        "HTTP",
        None,
        &[&http(
            "x",
            r#"{"rules": [{"matches": [{"path": {"type": "RegularExpression", "value": "["}}]}]}"#,
        )],
    ));
    assert!(b.build().is_err());
}

#[test]
fn oversized_regexes_report_the_limit() {
    let (_, errs) = errors(
        Config::new().regex_size_limit(2_000),
        vec![listener(
            "l",
            80,
            "HTTP",
            None,
            &[&http(
                "big",
                r#"{"rules": [{"matches": [{"headers": [{"type": "RegularExpression", "name": "x", "value": "(a{50}){50}"}]}]}]}"#,
            )],
        )],
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].kind(),
        &BuildErrorKind::RegexTooBig { limit: 2_000 }
    );
    assert_eq!(errs[0].field(), "spec.rules[0].matches[0].headers[0].value");
}

#[test]
fn the_rule_limit_stops_compiling_and_says_so_once() {
    let routes: Vec<String> = (0..5).map(|i| http(&format!("r{i}"), "{}")).collect();
    let refs: Vec<&str> = routes.iter().map(String::as_str).collect();
    let (r, errs) = errors(
        Config::new().max_rules(3),
        vec![listener("l", 80, "HTTP", None, &refs)],
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].kind(), &BuildErrorKind::TooManyRules { limit: 3 });
    assert_eq!(r.stats().rules, 3);
}

#[test]
fn header_query_and_match_limits_are_enforced() {
    let headers = r#"{"rules": [{"matches": [{"headers": [{"name": "a", "value": "1"}, {"name": "b", "value": "1"}]}]}]}"#;
    let query = r#"{"rules": [{"matches": [{"queryParams": [{"name": "a", "value": "1"}, {"name": "b", "value": "1"}]}]}]}"#;
    let matches = r#"{"rules": [{"matches": [{}, {}]}]}"#;
    let config = Config::new()
        .max_header_matches(1)
        .max_query_matches(1)
        .max_matches_per_rule(1);
    let (_, errs) = errors(
        config,
        vec![listener(
            "l",
            80,
            "HTTP",
            None,
            &[&http("h", headers), &http("q", query), &http("m", matches)],
        )],
    );
    let kinds: Vec<_> = errs.iter().map(|e| e.kind().clone()).collect();
    assert_eq!(
        kinds,
        [
            BuildErrorKind::TooManyHeaderMatches { limit: 1, count: 2 },
            BuildErrorKind::TooManyQueryMatches { limit: 1, count: 2 },
            BuildErrorKind::TooManyMatches { limit: 1, count: 2 },
        ]
    );
}

#[test]
fn unknown_enum_values_and_bad_values_are_invalid() {
    let cases = [
        (
            r#"{"rules": [{"matches": [{"path": {"type": "Glob", "value": "/a"}}]}]}"#,
            "spec.rules[0].matches[0].path.type",
        ),
        (
            r#"{"rules": [{"matches": [{"path": {"type": "Exact", "value": "a"}}]}]}"#,
            "spec.rules[0].matches[0].path.value",
        ),
        (
            r#"{"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/a//b"}}]}]}"#,
            "spec.rules[0].matches[0].path.value",
        ),
        (
            r#"{"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/a%zz"}}]}]}"#,
            "spec.rules[0].matches[0].path.value",
        ),
        (
            r#"{"rules": [{"matches": [{"method": "FETCH"}]}]}"#,
            "spec.rules[0].matches[0].method",
        ),
        (
            r#"{"rules": [{"matches": [{"headers": [{"name": "bad name", "value": "1"}]}]}]}"#,
            "spec.rules[0].matches[0].headers[0].name",
        ),
        (
            r#"{"rules": [{"matches": [{"headers": [{"type": "Prefix", "name": "a", "value": "1"}]}]}]}"#,
            "spec.rules[0].matches[0].headers[0].type",
        ),
        (
            r#"{"rules": [{"timeouts": {"request": "1.5s"}}]}"#,
            "spec.rules[0].timeouts.request",
        ),
        (
            r#"{"rules": [{"filters": [{"type": "Teleport"}]}]}"#,
            "spec.rules[0].filters[0].type",
        ),
        (
            r#"{"rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"statusCode": 305}}]}]}"#,
            "spec.rules[0].filters[0].requestRedirect.statusCode",
        ),
        (
            r#"{"rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "ftp"}}]}]}"#,
            "spec.rules[0].filters[0].requestRedirect.scheme",
        ),
        (
            r#"{"rules": [{"filters": [{"type": "RequestHeaderModifier"}]}]}"#,
            "spec.rules[0].filters[0].requestHeaderModifier",
        ),
        (
            r#"{"rules": [{"filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "X-A", "value": "1"}], "add": [{"name": "x-a", "value": "2"}]}}]}]}"#,
            "spec.rules[0].filters[0].requestHeaderModifier.add[0]",
        ),
        (
            r#"{"rules": [{"filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m"}, "percent": 101}}]}]}"#,
            "spec.rules[0].filters[0].requestMirror.percent",
        ),
    ];
    for (spec, field) in cases {
        let errs = one(spec);
        assert_eq!(errs.len(), 1, "{spec}: {errs:#?}");
        assert_eq!(errs[0].field(), field, "{spec}");
        assert!(
            matches!(errs[0].kind(), BuildErrorKind::InvalidValue(_)),
            "{spec}"
        );
    }
}

#[test]
fn replace_prefix_match_needs_exactly_one_path_prefix_match() {
    let rewrite = r#"{"type": "URLRewrite", "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/x"}}}"#;
    let two_matches = format!(
        r#"{{"rules": [{{"matches": [{{"path": {{"value": "/a"}}}}, {{"path": {{"value": "/b"}}}}],
            "backendRefs": [{{"name": "s", "port": 1, "filters": [{rewrite}]}}]}}]}}"#
    );
    let errs = one(&two_matches);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(
        errs[0].field(),
        "spec.rules[0].backendRefs[0].filters[0].urlRewrite.path.type"
    );
    let exact = format!(
        r#"{{"rules": [{{"matches": [{{"path": {{"type": "Exact", "value": "/a"}}}}], "filters": [{rewrite}]}}]}}"#
    );
    assert_eq!(one(&exact).len(), 1);
    let ok = format!(
        r#"{{"rules": [{{"matches": [{{"path": {{"value": "/a"}}}}], "filters": [{rewrite}]}}]}}"#
    );
    assert!(one(&ok).is_empty());
    let default_match = format!(r#"{{"rules": [{{"filters": [{rewrite}]}}]}}"#);
    assert!(one(&default_match).is_empty());
}

#[test]
fn a_rule_level_redirect_and_a_backend_rewrite_are_incompatible() {
    let spec = r#"{"rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"hostname": "x"}}],
        "backendRefs": [{"name": "s", "port": 1, "filters": [{"type": "URLRewrite", "urlRewrite": {"hostname": "y"}}]}]}]}"#;
    let errs = one(spec);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field(), "spec.rules[0].backendRefs[0].filters");
}

#[test]
fn listeners_with_impossible_ports_are_reported() {
    let (_, errs) = errors(
        Config::new(),
        vec![listener("bad", 70000, "HTTP", None, &[])],
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (
            errs[0].route_kind(),
            errs[0].route().1,
            errs[0].rule_index()
        ),
        ("Listener", "bad", None)
    );
}

#[test]
fn grpc_rules_report_their_own_fields() {
    let (_, errs) = errors(
        Config::new(),
        vec![listener(
            "l",
            80,
            "HTTP",
            None,
            &[&grpc(
                "g",
                r#"{"rules": [{"matches": [{"method": {"type": "RegularExpression", "service": "(", "method": "M"}}]}]}"#,
            )],
        )],
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].route_kind(), "GRPCRoute");
    assert_eq!(errs[0].field(), "spec.rules[0].matches[0].method.service");
}

#[test]
fn build_can_be_called_repeatedly_and_stats_count_strategies() {
    let mut b = Router::builder();
    b.add_listener(listener(
        "l",
        80,
        "HTTP",
        None,
        &[&http(
            "r",
            r#"{"rules": [{"matches": [{"path": {"type": "Exact", "value": "/e"}}, {"path": {"value": "/p/q"}},
                {"path": {"type": "RegularExpression", "value": "/r/.*"}, "method": "GET"}]}]}"#,
        )],
    ));
    let first = b.build().expect("builds");
    let second = b.build().expect("builds again");
    assert_eq!(first.stats(), second.stats());
    let s = first.stats();
    assert_eq!((s.listeners, s.rules, s.buckets, s.entries), (1, 1, 1, 3));
    assert_eq!((s.exact_paths, s.regexes, s.predicates), (1, 1, 1));
    assert!(s.trie_nodes >= 3, "{s:?}");
}

#[test]
fn eager_regex_compilation_builds_the_same_router() {
    let spec = r#"{"rules": [{"matches": [{"path": {"type": "RegularExpression", "value": "/r/[0-9]+"}}]}]}"#;
    let mut b = Router::builder();
    b.configure(Config::new().eager_regex(true));
    b.add_listener(listener("l", 80, "HTTP", None, &[&http("r", spec)]));
    let r = b.build().expect("builds");
    assert_eq!(req("h", "/r/12").winner(&r), "r/0/0");
}

#[test]
fn strange_views_do_not_panic() {
    // Hostnames that are not hostnames, duplicate routes, a listener with an
    // unknown protocol, routes of kinds the listener does not serve, rule
    // entries for rules that do not exist.
    let mut weird = listener(
        "l",
        80,
        "HTTP",
        Some("*"),
        &[
            &http(
                "a",
                r#"{"hostnames": ["*", "", "UPPER.example.com", "*.*.x"]}"#,
            ),
            &http("a", "{}"),
            &grpc("g", r#"{"rules": [{"matches": [{"method": {}}]}]}"#),
            &object("TCPRoute", "t", None, r#"{"rules": [{"backendRefs": []}]}"#),
        ],
    );
    weird.routes[1].rules = vec![gateway_types::routing::RuleRouting::default(); 5];
    let odd = listener("odd", 80, "SCTP", None, &[&http("b", "{}")]);
    let (r, _) = errors(Config::new(), vec![weird, odd]);
    let _ = req("upper.example.com", "/").on(&r);
    let _ = req("", "/").on(&r);
    let _ = grpc_call("h", "a", "b").on(&r);
    let _ = r.route_tcp(80);
    let _ = r.route_tls(80, "x");
}
