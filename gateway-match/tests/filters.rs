//! Filters applied by `decide` (spec 9): header modifiers, redirects,
//! rewrites, mirrors, CORS, backendRef-level filters, and the answers for
//! requests that cannot be forwarded.

mod common;

use common::*;
use gateway_match::{Action, Decision};
use http::HeaderMap;

fn forwarded(d: &Decision) -> &gateway_match::UpstreamRequest {
    d.upstream
        .as_ref()
        .unwrap_or_else(|| panic!("not forwarded: {:?}", d.action))
}

fn backend_name(d: &Decision) -> &str {
    match &d.action {
        Action::Forward { backend } => &backend.name,
        other => panic!("not forwarded: {other:?}"),
    }
}

fn response(d: &Decision, backend: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in backend {
        h.append(
            http::HeaderName::from_bytes(n.as_bytes()).expect("name"),
            http::HeaderValue::from_str(v).expect("value"),
        );
    }
    d.response.apply(&mut h);
    h
}

const BACKEND: &str = r#""backendRefs": [{"name": "svc", "port": 8080}]"#;

#[test]
fn request_header_modifier_sets_adds_and_removes() {
    let r = router(&[&http(
        "r",
        &format!(
            r#"{{"rules": [{{"filters": [{{"type": "RequestHeaderModifier", "requestHeaderModifier": {{
                "set": [{{"name": "X-Header-Set", "value": "set-overwrites-values"}}],
                "add": [{{"name": "X-Header-Add", "value": "add-appends-values"}}],
                "remove": ["X-Header-Remove"]}}}}], {BACKEND}}}]}}"#
        ),
    )]);
    let d = req("h", "/")
        .header("x-header-set", "some-other-value")
        .header("x-header-add", "add-value")
        .header("x-header-remove", "remove")
        .header("x-keep", "kept")
        .decide(&r, 0);
    let up = forwarded(&d);
    assert_eq!(up.headers["x-header-set"], "set-overwrites-values");
    assert_eq!(up.headers["x-header-add"], "add-value,add-appends-values");
    assert!(!up.headers.contains_key("x-header-remove"));
    assert_eq!(up.headers["x-keep"], "kept");
}

#[test]
fn response_header_modifier_edits_the_response_in_order() {
    let r = router(&[&http(
        "r",
        &format!(
            r#"{{"rules": [{{"filters": [{{"type": "ResponseHeaderModifier", "responseHeaderModifier": {{
                "set": [{{"name": "X-Set", "value": "new"}}],
                "add": [{{"name": "X-Add", "value": "more"}}],
                "remove": ["X-Remove"]}}}}], {BACKEND}}}]}}"#
        ),
    )]);
    let d = req("h", "/").decide(&r, 0);
    let h = response(
        &d,
        &[("x-set", "old"), ("x-add", "first"), ("x-remove", "gone")],
    );
    assert_eq!(h["x-set"], "new");
    assert_eq!(h["x-add"], "first,more");
    assert!(!h.contains_key("x-remove"));
}

fn redirect_router(filter: &str, listener_port: i32) -> gateway_match::Router {
    build(vec![listener(
        "l",
        listener_port,
        "HTTP",
        None,
        &[&http(
            "r",
            &format!(
                r#"{{"rules": [{{"filters": [{{"type": "RequestRedirect", "requestRedirect": {filter}}}]}}]}}"#
            ),
        )],
    )])
}

fn location(r: &gateway_match::Router, request: Req) -> (u16, String) {
    match request.decide(r, 0).action {
        Action::Redirect { status, location } => (status, location),
        other => panic!("not a redirect: {other:?}"),
    }
}

#[test]
fn redirect_ports_follow_the_default_port_rules() {
    // From HTTPRouteRedirectPortAndScheme.
    let host = r#""hostname": "example.org""#;
    let cases = [
        (80, format!("{{{host}}}"), "http://example.org/p"),
        (
            80,
            format!(r#"{{{host}, "port": 80}}"#),
            "http://example.org/p",
        ),
        (
            80,
            format!(r#"{{{host}, "port": 8080}}"#),
            "http://example.org:8080/p",
        ),
        (
            80,
            format!(r#"{{{host}, "scheme": "https"}}"#),
            "https://example.org/p",
        ),
        (
            80,
            format!(r#"{{{host}, "scheme": "https", "port": 443}}"#),
            "https://example.org/p",
        ),
        (
            80,
            format!(r#"{{{host}, "scheme": "https", "port": 8443}}"#),
            "https://example.org:8443/p",
        ),
        (8080, format!("{{{host}}}"), "http://example.org:8080/p"),
        (
            8080,
            format!(r#"{{{host}, "port": 80}}"#),
            "http://example.org/p",
        ),
        (
            8080,
            format!(r#"{{{host}, "scheme": "https"}}"#),
            "https://example.org/p",
        ),
    ];
    for (port, filter, want) in cases {
        let r = redirect_router(&filter, port);
        let request = req("192.0.2.1", "/p").port(u16::try_from(port).expect("port"));
        assert_eq!(
            location(&r, request),
            (302, want.to_owned()),
            "{filter} on {port}"
        );
    }
    // On HTTPS, the request scheme and port 443 are the defaults.
    let r = build(vec![listener(
        "l",
        443,
        "HTTPS",
        None,
        &[&http(
            "r",
            r#"{"rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "http", "port": 8080}}]}]}"#,
        )],
    )]);
    let request = req("example.org", "/p").https(443, Some("example.org"));
    assert_eq!(location(&r, request).1, "http://example.org:8080/p");
    let r = build(vec![listener(
        "l",
        443,
        "HTTPS",
        None,
        &[&http(
            "r",
            r#"{"rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {}}]}]}"#,
        )],
    )]);
    let request = req("example.org", "/p").https(443, Some("example.org"));
    assert_eq!(location(&r, request).1, "https://example.org/p");
}

#[test]
fn redirect_keeps_host_path_and_query_unless_told_otherwise() {
    let r = redirect_router(r#"{"statusCode": 301}"#, 80);
    assert_eq!(
        location(&r, req("Example.COM:80", "/a/./b?x=1")),
        (301, "http://example.com/a/b?x=1".to_owned())
    );
    let r = redirect_router(
        r#"{"path": {"type": "ReplaceFullPath", "replaceFullPath": "/new"}, "statusCode": 308}"#,
        80,
    );
    assert_eq!(
        location(&r, req("h", "/old/x")),
        (308, "http://h/new".to_owned())
    );
}

#[test]
fn redirect_replace_prefix_match_is_element_wise() {
    let r = build(vec![listener(
        "l",
        80,
        "HTTP",
        None,
        &[&http(
            "r",
            r#"{"rules": [{"matches": [{"path": {"value": "/original-prefix"}}], "filters": [{"type": "RequestRedirect",
                "requestRedirect": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/replacement-prefix"}}}]}]}"#,
        )],
    )]);
    assert_eq!(
        location(&r, req("h", "/original-prefix/lemon")).1,
        "http://h/replacement-prefix/lemon"
    );
    assert_eq!(
        location(&r, req("h", "/original-prefix")).1,
        "http://h/replacement-prefix"
    );
}

#[test]
fn url_rewrite_changes_host_and_path_of_the_forwarded_request() {
    let rewrite = |path: &str, replacement: &str| {
        router(&[&http(
            "r",
            &format!(
                r#"{{"rules": [{{"matches": [{{"path": {{"value": "{path}"}}}}], "filters": [{{"type": "URLRewrite",
                    "urlRewrite": {{"hostname": "one.example.org", "path": {{"type": "ReplacePrefixMatch", "replacePrefixMatch": "{replacement}"}}}}}}],
                    {BACKEND}}}]}}"#
            ),
        )])
    };
    let table = [
        ("/prefix/one", "/one", "/prefix/one/two?x=1", "/one/two"),
        ("/strip-prefix", "/", "/strip-prefix/three", "/three"),
        ("/strip-prefix", "/", "/strip-prefix", "/"),
        ("/foo/", "/xyz", "/foo/bar", "/xyz/bar"),
        ("/foo", "", "/foo/", "/"),
    ];
    for (prefix, replacement, path, want) in table {
        let r = rewrite(prefix, replacement);
        let d = req("h:8080", path).decide(&r, 0);
        let up = forwarded(&d);
        assert_eq!(up.path, want, "{prefix} -> {replacement} on {path}");
        assert_eq!(up.host, "one.example.org");
    }
    let d = req("h", "/prefix/one/two?x=1").decide(&rewrite("/prefix/one", "/one"), 0);
    assert_eq!(forwarded(&d).path_and_query(), "/one/two?x=1");
}

#[test]
fn url_rewrite_full_path_and_no_rewrite_keep_the_query() {
    let r = router(&[&http(
        "r",
        &format!(
            r#"{{"rules": [{{"filters": [{{"type": "URLRewrite", "urlRewrite": {{"path": {{"type": "ReplaceFullPath", "replaceFullPath": "/full"}}}}}}], {BACKEND}}}]}}"#
        ),
    )]);
    let d = req("h:8080", "/anything/../else?q=2").decide(&r, 0);
    let up = forwarded(&d);
    assert_eq!(
        (up.path.as_str(), up.query.as_deref(), up.host.as_str()),
        ("/full", Some("q=2"), "h:8080")
    );
}

#[test]
fn the_forwarded_path_is_the_normalised_one() {
    let r = router(&[&http("r", &format!(r#"{{"rules": [{{{BACKEND}}}]}}"#))]);
    let d = req("h", "/public/../admin/%7e").decide(&r, 0);
    assert_eq!(forwarded(&d).path, "/admin/~");
}

#[test]
fn mirrors_are_reported_with_their_share() {
    let r = router(&[&http(
        "ns/r",
        &format!(
            r#"{{"rules": [{{"filters": [
                {{"type": "RequestMirror", "requestMirror": {{"backendRef": {{"name": "all", "port": 80}}}}}},
                {{"type": "RequestMirror", "requestMirror": {{"backendRef": {{"name": "some", "port": 80}}, "percent": 35}}}},
                {{"type": "RequestMirror", "requestMirror": {{"backendRef": {{"name": "frac", "port": 80}}, "fraction": {{"numerator": 1, "denominator": 4}}}}}}],
                {BACKEND}}}]}}"#
        ),
    )]);
    let d = req("h", "/").decide(&r, 0);
    let mirrors: Vec<_> = d
        .mirrors
        .iter()
        .map(|m| (m.backend.name.as_str(), m.percent))
        .collect();
    assert_eq!(mirrors, [("all", 100.0), ("some", 35.0), ("frac", 25.0)]);
    assert_eq!(d.mirrors[0].backend.namespace, "ns");
    assert_eq!(backend_name(&d), "svc");
}

#[test]
fn unresolved_mirror_targets_are_left_out() {
    let mut l = listener(
        "l",
        80,
        "HTTP",
        None,
        &[&http(
            "r",
            r#"{"rules": [{"filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "gone", "port": 80}}}]}]}"#,
        )],
    );
    let mut target = gateway_types::routing::ResolvedBackend::default();
    target.name = "gone".to_owned();
    target.invalid = Some("BackendNotFound".to_owned());
    let mut rule = gateway_types::routing::RuleRouting::default();
    rule.valid = true;
    rule.mirrors = vec![(0, target)];
    l.routes[0].rules = vec![rule];
    let r = build(vec![l]);
    let d = req("h", "/").decide(&r, 0);
    assert!(d.mirrors.is_empty());
}

#[test]
fn backend_ref_mirrors_belong_to_their_backend_and_are_taken_as_written_without_a_view() {
    let r = router(&[&http(
        "ns/r",
        r#"{"rules": [{"backendRefs": [
            {"name": "a", "port": 80, "filters": [
                {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x", "value": "1"}]}},
                {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "copy-a", "port": 80}, "percent": 40}}]},
            {"name": "b", "port": 80}]}]}"#,
    )]);
    let request = req("h", "/");
    let m = r.route_input(&request.input()).expect("the rule matches");
    let a: Vec<_> = m
        .backend_mirrors(0)
        .map(|(t, percent)| (t.namespace.as_str(), t.name.as_str(), percent))
        .collect();
    // Filter 1 of backendRef 0, in the route's namespace.
    assert_eq!(a, [("ns", "copy-a", 40.0)]);
    assert_eq!(m.backend_mirrors(1).count(), 0);
}

#[test]
fn backend_filters_apply_only_to_their_backend_after_rule_filters() {
    let r = router(&[&http(
        "r",
        r#"{"rules": [{"filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-rule", "value": "1"}, {"name": "x-over", "value": "rule"}]}}],
            "backendRefs": [
                {"name": "a", "port": 80, "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-over", "value": "a"}]}}]},
                {"name": "b", "port": 80, "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"add": [{"name": "x-b", "value": "b"}]}}]}]}]}"#,
    )]);
    let a = req("h", "/").decide(&r, 0);
    assert_eq!(backend_name(&a), "a");
    let up = forwarded(&a);
    assert_eq!(up.headers["x-rule"], "1");
    assert_eq!(up.headers["x-over"], "a");
    assert!(!up.headers.contains_key("x-b"));
    let b = req("h", "/").decide(&r, u32::MAX);
    assert_eq!(backend_name(&b), "b");
    let up = forwarded(&b);
    assert_eq!(up.headers["x-over"], "rule");
    assert_eq!(up.headers["x-b"], "b");
}

#[test]
fn unsupported_filters_answer_500_instead_of_being_skipped() {
    let r = router(&[&http(
        "r",
        &format!(
            r#"{{"rules": [{{"filters": [{{"type": "ExtensionRef", "extensionRef": {{"group": "x.io", "kind": "K", "name": "n"}}}}], {BACKEND}}}]}}"#
        ),
    )]);
    assert_eq!(
        req("h", "/").decide(&r, 0).action,
        Action::Respond { status: 500 }
    );
}

#[test]
fn grpc_rules_without_a_usable_backend_answer_503() {
    let r = router(&[&grpc("g", r#"{"rules": [{}]}"#)]);
    let d = grpc_call("h", "a.B", "C").decide(&r, 0);
    assert_eq!(d.action, Action::Respond { status: 503 });
    assert_eq!(
        d.rule,
        Some((
            "GRPCRoute".to_owned(),
            "default".to_owned(),
            "g".to_owned(),
            0
        ))
    );
}

#[test]
fn no_route_answers_404_and_misdirected_421() {
    let r = build(vec![
        listener("a", 443, "HTTPS", Some("a.com"), &[&http("a", "{}")]),
        listener("b", 443, "HTTPS", Some("b.com"), &[&http("b", "{}")]),
    ]);
    assert_eq!(
        req("c.com", "/").https(443, None).decide(&r, 0).action,
        Action::Respond { status: 404 }
    );
    assert_eq!(
        req("b.com", "/")
            .https(443, Some("a.com"))
            .decide(&r, 0)
            .action,
        Action::Respond { status: 421 }
    );
}

// ---------------------------------------------------------------------------
// CORS (spec 9.6), cases from HTTPRouteCORS
// ---------------------------------------------------------------------------

fn cors_router() -> gateway_match::Router {
    let rule = |path: &str, cors: &str| {
        format!(
            r#"{{"matches": [{{"path": {{"value": "{path}"}}}}], "filters": [{{"type": "CORS", "cors": {cors}}}], {BACKEND}}}"#
        )
    };
    let rules = [
        rule(
            "/cors-1",
            r#"{"allowOrigins": ["https://www.foo.com", "https://*.bar.com"], "allowMethods": ["GET", "OPTIONS"],
                "allowHeaders": ["x-header-1", "x-header-2"], "exposeHeaders": ["x-header-3", "x-header-4"],
                "allowCredentials": true, "maxAge": 3600}"#,
        ),
        rule(
            "/cors-2",
            r#"{"allowOrigins": ["https://www.foo.com"], "allowMethods": ["*"]}"#,
        ),
        rule(
            "/cors-wildcard-origin",
            r#"{"allowOrigins": ["*"], "allowMethods": ["PUT"], "allowCredentials": false}"#,
        ),
        rule(
            "/cors-wildcard-methods-headers",
            r#"{"allowOrigins": ["*"], "allowMethods": ["*"], "allowHeaders": ["*"], "allowCredentials": true}"#,
        ),
    ];
    router(&[&http(
        "cors",
        &format!(r#"{{"rules": [{}]}}"#, rules.join(", ")),
    )])
}

fn preflight(path: &str, origin: &str, method: &str) -> Req {
    req("192.0.2.1", path)
        .method("OPTIONS")
        .header("origin", origin)
        .header("access-control-request-method", method)
}

#[test]
fn cors_preflights_are_answered_by_the_gateway() {
    let r = cors_router();
    for origin in [
        "https://www.foo.com",
        "https://www.bar.com",
        "https://xpto.www.bar.com",
    ] {
        let d = preflight("/cors-1", origin, "GET")
            .header("access-control-request-headers", "x-header-1, x-header-2")
            .decide(&r, 0);
        assert_eq!(d.action, Action::Respond { status: 204 }, "{origin}");
        assert!(d.upstream.is_none());
        let h = response(&d, &[]);
        assert_eq!(h["access-control-allow-origin"], origin);
        assert_eq!(h["access-control-max-age"], "3600");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert_eq!(h["access-control-allow-methods"], "GET, OPTIONS");
        assert_eq!(h["access-control-allow-headers"], "x-header-1, x-header-2");
    }
    let d = preflight("/cors-1", "https://foobar.com", "GET").decide(&r, 0);
    assert_eq!(d.action, Action::Respond { status: 403 });
    assert!(!response(&d, &[]).contains_key("access-control-allow-origin"));
}

#[test]
fn cors_wildcards_depend_on_credentials() {
    let r = cors_router();
    let h = response(
        &preflight("/cors-2", "https://www.foo.com", "POST").decide(&r, 0),
        &[],
    );
    assert_eq!(h["access-control-allow-methods"], "*");
    assert!(!h.contains_key("access-control-allow-credentials"));
    assert_eq!(h["access-control-max-age"], "5");
    let h = response(
        &preflight("/cors-wildcard-origin", "https://foobar.com:12345", "PUT").decide(&r, 0),
        &[],
    );
    assert_eq!(h["access-control-allow-origin"], "https://foobar.com:12345");
    assert_eq!(h["access-control-allow-methods"], "PUT");
    let d = preflight(
        "/cors-wildcard-methods-headers",
        "https://other.foo.com",
        "PUT",
    )
    .header("access-control-request-headers", "x-header-1, x-header-2")
    .decide(&r, 0);
    let h = response(&d, &[]);
    assert_eq!(h["access-control-allow-methods"], "PUT");
    assert_eq!(h["access-control-allow-headers"], "x-header-1, x-header-2");
    assert_eq!(h["access-control-allow-credentials"], "true");
}

#[test]
fn cors_actual_requests_are_forwarded_with_response_headers() {
    let r = cors_router();
    let d = req("192.0.2.1", "/cors-1")
        .header("origin", "https://www.foo.com")
        .decide(&r, 0);
    assert_eq!(backend_name(&d), "svc");
    let h = response(&d, &[]);
    assert_eq!(h["access-control-allow-origin"], "https://www.foo.com");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert_eq!(h["access-control-expose-headers"], "x-header-3, x-header-4");
    let d = req("192.0.2.1", "/cors-1")
        .header("origin", "https://foobar.com")
        .decide(&r, 0);
    assert_eq!(backend_name(&d), "svc");
    assert!(d.response.is_empty());
    // A request without Origin is not a CORS request.
    assert!(
        req("192.0.2.1", "/cors-1")
            .method("OPTIONS")
            .decide(&r, 0)
            .upstream
            .is_some()
    );
}

#[test]
fn upstream_requests_write_into_http_parts() {
    let r = router(&[&http(
        "r",
        &format!(
            r#"{{"rules": [{{"filters": [{{"type": "URLRewrite", "urlRewrite": {{"hostname": "inner"}}}},
                {{"type": "RequestHeaderModifier", "requestHeaderModifier": {{"add": [{{"name": "x-a", "value": "1"}}]}}}}], {BACKEND}}}]}}"#
        ),
    )]);
    let (mut parts, ()) = http::Request::get("http://outer:8080/p?q=1")
        .body(())
        .expect("request")
        .into_parts();
    let input = gateway_match::Input::from_parts(&parts).with_port(80);
    let d = r.decide(&input, 0);
    forwarded(&d).apply_to(&mut parts);
    assert_eq!(parts.uri, "http://inner/p?q=1");
    assert_eq!(parts.headers["host"], "inner");
    assert_eq!(parts.headers["x-a"], "1");
}
