//! Request routing against hand-built routing views: listeners, hostnames,
//! path, method, header and query matching, precedence, gRPC and streams.

mod common;

use common::*;
use gateway_match::{BackendChoice, NoRoute};
use gateway_types::routing::{ListenerRouting, ResolvedBackend, RuleRouting};

fn spec_prefix(path: &str) -> String {
    format!(
        r#"{{"rules": [{{"matches": [{{"path": {{"type": "PathPrefix", "value": "{path}"}}}}]}}]}}"#
    )
}

fn spec_path(kind: &str, path: &str) -> String {
    format!(
        r#"{{"rules": [{{"matches": [{{"path": {{"type": "{kind}", "value": "{path}"}}}}]}}]}}"#
    )
}

// ---------------------------------------------------------------------------
// Listener selection (spec 3.4)
// ---------------------------------------------------------------------------

#[test]
fn listener_selection_prefers_exact_then_more_specific_wildcards_then_none() {
    let r = build(vec![
        listener("none", 80, "HTTP", None, &[&http("on-none", "{}")]),
        listener(
            "wide",
            80,
            "HTTP",
            Some("*.example.com"),
            &[&http("on-wide", "{}")],
        ),
        listener(
            "narrow",
            80,
            "HTTP",
            Some("*.foo.example.com"),
            &[&http("on-narrow", "{}")],
        ),
        listener(
            "exact",
            80,
            "HTTP",
            Some("a.foo.example.com"),
            &[&http("on-exact", "{}")],
        ),
    ]);
    assert_eq!(req("a.foo.example.com", "/").winner(&r), "on-exact/0/0");
    assert_eq!(req("b.foo.example.com", "/").winner(&r), "on-narrow/0/0");
    assert_eq!(req("x.y.example.com", "/").winner(&r), "on-wide/0/0");
    assert_eq!(req("foo.example.com", "/").winner(&r), "on-wide/0/0");
    assert_eq!(req("example.com", "/").winner(&r), "on-none/0/0");
}

#[test]
fn listener_isolation_never_falls_back_to_another_listener() {
    let r = build(vec![
        listener(
            "wild",
            80,
            "HTTP",
            Some("*.example.com"),
            &[&http("catch-all", "{}")],
        ),
        listener(
            "foo",
            80,
            "HTTP",
            Some("foo.example.com"),
            &[&http("foo-only", &spec_prefix("/foo"))],
        ),
    ]);
    assert_eq!(req("foo.example.com", "/foo").winner(&r), "foo-only/0/0");
    assert_eq!(req("foo.example.com", "/bar").on(&r), Err(NoRoute::NoRule));
    assert_eq!(req("bar.example.com", "/bar").winner(&r), "catch-all/0/0");
}

#[test]
fn request_host_is_case_insensitive_without_port_and_trailing_dot() {
    let r = build(vec![listener(
        "l",
        80,
        "HTTP",
        Some("foo.example.com"),
        &[&http("a", "{}")],
    )]);
    assert_eq!(req("FOO.Example.COM", "/").winner(&r), "a/0/0");
    assert_eq!(req("foo.example.com:8080", "/").winner(&r), "a/0/0");
    assert_eq!(req("foo.example.com.", "/").winner(&r), "a/0/0");
    assert_eq!(req("foo.example.com.:80", "/").winner(&r), "a/0/0");
    assert_eq!(req("bar.example.com", "/").on(&r), Err(NoRoute::NoListener));
}

#[test]
fn listeners_are_chosen_by_port_and_protocol() {
    let r = build(vec![
        listener("http80", 80, "HTTP", None, &[&http("on-80", "{}")]),
        listener("http8080", 8080, "HTTP", None, &[&http("on-8080", "{}")]),
        listener("https443", 443, "HTTPS", None, &[&http("on-443", "{}")]),
    ]);
    assert_eq!(req("h", "/").winner(&r), "on-80/0/0");
    assert_eq!(req("h", "/").port(8080).winner(&r), "on-8080/0/0");
    assert_eq!(req("h", "/").port(443).on(&r), Err(NoRoute::NoListener));
    assert_eq!(req("h", "/").https(443, Some("h")).winner(&r), "on-443/0/0");
    assert_eq!(
        req("h", "/").https(80, None).on(&r),
        Err(NoRoute::NoListener)
    );
    assert_eq!(req("h", "/").port(81).on(&r), Err(NoRoute::NoListener));
}

#[test]
fn listeners_that_are_not_ready_carry_no_traffic() {
    let mut conflicted = listener(
        "conflicted",
        80,
        "HTTP",
        Some("foo.example.com"),
        &[&http("lost", "{}")],
    );
    conflicted.ready = false;
    let r = build(vec![
        conflicted,
        listener("any", 80, "HTTP", None, &[&http("served", "{}")]),
    ]);
    assert_eq!(req("foo.example.com", "/").winner(&r), "served/0/0");
}

#[test]
fn https_misdirected_requests_get_421_per_conformance() {
    // Listeners of HTTPRouteHTTPSListenerDetectMisdirectedRequests.
    let route = |name: &str, host: &str| http(name, &format!(r#"{{"hostnames": ["{host}"]}}"#));
    let r = build(vec![
        listener("https", 443, "HTTPS", None, &[&route("v1", "example.org")]),
        listener(
            "with-hostname",
            443,
            "HTTPS",
            Some("second-example.org"),
            &[&route("v2", "second-example.org")],
        ),
        listener(
            "wildcard",
            443,
            "HTTPS",
            Some("*.wildcard.org"),
            &[&route("v3", "*.wildcard.org")],
        ),
        listener(
            "exact-in-wildcard",
            443,
            "HTTPS",
            Some("fourth-example.wildcard.org"),
            &[&route("v1-fourth", "fourth-example.wildcard.org")],
        ),
    ]);
    let on = |host: &str, sni: Option<&str>| req(host, "/detect").https(443, sni).on(&r);
    assert_eq!(on("example.org", None).as_deref(), Ok("v1/0/0"));
    assert_eq!(
        on("second-example.org", Some("example.org")),
        Err(NoRoute::Misdirected)
    );
    assert_eq!(
        on("unknown-example.org", Some("example.org")),
        Err(NoRoute::NoRule)
    );
    assert_eq!(on("second-example.org", None).as_deref(), Ok("v2/0/0"));
    assert_eq!(
        on("example.org", Some("second-example.org")),
        Err(NoRoute::Misdirected)
    );
    assert_eq!(
        on("unknown-example.org", Some("second-example.org")),
        Err(NoRoute::Misdirected)
    );
    assert_eq!(
        on("third-example.wildcard.org", None).as_deref(),
        Ok("v3/0/0")
    );
    assert_eq!(
        on(
            "fith-example.wildcard.org",
            Some("third-example.wildcard.org")
        )
        .as_deref(),
        Ok("v3/0/0")
    );
    assert_eq!(
        on(
            "fourth-example.wildcard.org",
            Some("third-example.wildcard.org")
        ),
        Err(NoRoute::Misdirected)
    );
    assert_eq!(
        on("second-example.org", Some("third-example.wildcard.org")),
        Err(NoRoute::Misdirected)
    );
    assert_eq!(
        on("fourth-example.wildcard.org", None).as_deref(),
        Ok("v1-fourth/0/0")
    );
    assert_eq!(
        on(
            "fith-example.wildcard.org",
            Some("fourth-example.wildcard.org")
        ),
        Err(NoRoute::Misdirected)
    );
    assert_eq!(
        on("example.org", Some("unknown-example.org")).as_deref(),
        Ok("v1/0/0")
    );
    assert_eq!(on("unknown-example.org", None), Err(NoRoute::NoRule));
    assert_eq!(NoRoute::Misdirected.status(), 421);
}

#[test]
fn misdirected_detection_can_be_turned_off() {
    let listeners = || {
        vec![
            listener(
                "a",
                443,
                "HTTPS",
                Some("*.example.com"),
                &[&http("on-a", "{}")],
            ),
            listener(
                "b",
                443,
                "HTTPS",
                Some("b.example.com"),
                &[&http("on-b", "{}")],
            ),
        ]
    };
    let request = req("b.example.com", "/").https(443, Some("a.example.com"));
    assert_eq!(request.on(&build(listeners())), Err(NoRoute::Misdirected));
    let mut b = gateway_match::Router::builder();
    b.configure(gateway_match::Config::new().detect_misdirected_requests(false));
    for l in listeners() {
        b.add_listener(l);
    }
    let r = b.build().expect("builds");
    // Routed on the SNI's listener, whose wildcard covers the host.
    assert_eq!(request.winner(&r), "on-a/0/0");
}

// ---------------------------------------------------------------------------
// Hostnames (spec 4.2, 7.2 step 1)
// ---------------------------------------------------------------------------

#[test]
fn route_hostnames_intersect_with_the_listener_hostname() {
    // Conformance: listener very.specific.com + route *.specific.com.
    let r = build(vec![
        listener(
            "specific",
            80,
            "HTTP",
            Some("very.specific.com"),
            &[&http("wild-route", r#"{"hostnames": ["*.specific.com"]}"#)],
        ),
        listener(
            "wildcard",
            80,
            "HTTP",
            Some("*.wildcard.io"),
            &[&http(
                "three",
                r#"{"hostnames": ["wildcard.io", "foo.wildcard.io", "foo.bar.wildcard.io"]}"#,
            )],
        ),
    ]);
    assert_eq!(req("very.specific.com", "/").winner(&r), "wild-route/0/0");
    assert_eq!(req("foo.wildcard.io", "/").winner(&r), "three/0/0");
    assert_eq!(req("foo.bar.wildcard.io", "/").winner(&r), "three/0/0");
    assert_eq!(req("other.wildcard.io", "/").on(&r), Err(NoRoute::NoRule));
}

#[test]
fn wildcard_route_hostnames_need_one_more_label() {
    let r = router(&[&http("w", r#"{"hostnames": ["*.example.com"]}"#)]);
    assert_eq!(req("a.example.com", "/").winner(&r), "w/0/0");
    assert_eq!(req("a.b.example.com", "/").winner(&r), "w/0/0");
    assert_eq!(req("example.com", "/").winner(&r), "-");
    assert_eq!(req("aexample.com", "/").winner(&r), "-");
}

#[test]
fn hostname_buckets_fall_through_when_nothing_matches() {
    // Spec 7.2: route A foo.example.com with /a, route B *.example.com with /.
    let r = router(&[
        &http(
            "a",
            r#"{"hostnames": ["foo.example.com"], "rules": [{"matches": [{"path": {"value": "/a"}}]}]}"#,
        ),
        &http("b", r#"{"hostnames": ["*.example.com"]}"#),
    ]);
    assert_eq!(req("foo.example.com", "/a").winner(&r), "a/0/0");
    assert_eq!(req("foo.example.com", "/b").winner(&r), "b/0/0");
}

#[test]
fn longer_wildcards_rank_before_shorter_ones() {
    let r = router(&[
        &http("short", r#"{"hostnames": ["*.com"]}"#),
        &http("long", r#"{"hostnames": ["*.example.com"]}"#),
    ]);
    assert_eq!(req("a.example.com", "/").winner(&r), "long/0/0");
    assert_eq!(req("a.other.com", "/").winner(&r), "short/0/0");
}

#[test]
fn ipv4_route_hostnames_match_like_names() {
    let r = router(&[&http("ip", r#"{"hostnames": ["10.0.0.1"]}"#)]);
    assert_eq!(req("10.0.0.1:8080", "/").winner(&r), "ip/0/0");
    assert_eq!(req("[::1]", "/").winner(&r), "-");
}

// ---------------------------------------------------------------------------
// Paths (spec 7.1.2)
// ---------------------------------------------------------------------------

#[test]
fn exact_paths_match_byte_for_byte() {
    let r = router(&[&http("e", &spec_path("Exact", "/abc"))]);
    assert_eq!(req("h", "/abc").winner(&r), "e/0/0");
    for miss in ["/abc/", "/Abc", "/abcd", "/ab"] {
        assert_eq!(req("h", miss).winner(&r), "-", "{miss}");
    }
}

#[test]
fn path_prefixes_match_whole_segments() {
    let r = router(&[&http("p", &spec_prefix("/foo"))]);
    for hit in ["/foo", "/foo/", "/foo/bar", "/foo/bar/baz"] {
        assert_eq!(req("h", hit).winner(&r), "p/0/0", "{hit}");
    }
    assert_eq!(req("h", "/foobar").winner(&r), "-");
    assert_eq!(req("h", "/fo").winner(&r), "-");
    assert_eq!(
        req("h", "/foo%2Fbar").winner(&r),
        "-",
        "an escaped slash is not a separator"
    );
}

#[test]
fn a_trailing_slash_on_a_prefix_is_ignored() {
    let r = router(&[&http("p", &spec_prefix("/foo/"))]);
    assert_eq!(req("h", "/foo").winner(&r), "p/0/0");
    assert_eq!(req("h", "/foo/x").winner(&r), "p/0/0");
    assert_eq!(req("h", "/foox").winner(&r), "-");
}

#[test]
fn regular_expression_paths_match_the_whole_path() {
    let r = router(&[&http(
        "re",
        &spec_path("RegularExpression", "/v[0-9]+/items"),
    )]);
    assert_eq!(req("h", "/v12/items").winner(&r), "re/0/0");
    assert_eq!(req("h", "/v12/items/1").winner(&r), "-");
    assert_eq!(req("h", "/x/v12/items").winner(&r), "-");
}

#[test]
fn regexes_without_a_literal_prefix_are_tried_everywhere() {
    let r = router(&[
        &http("png", &spec_path("RegularExpression", ".*[.]png")),
        &http("alt", &spec_path("RegularExpression", "/(a|b)/x")),
        &http("root", &spec_prefix("/")),
    ]);
    assert_eq!(req("h", "/img/deep/cat.png").winner(&r), "png/0/0");
    assert_eq!(req("h", "/b/x").winner(&r), "alt/0/0");
    assert_eq!(req("h", "/c/x").winner(&r), "root/0/0");
}

#[test]
fn paths_are_normalised_before_matching() {
    let r = router(&[
        &http("public", &spec_prefix("/public")),
        &http("admin", &spec_prefix("/admin")),
    ]);
    assert_eq!(req("h", "/public/../admin").winner(&r), "admin/0/0");
    assert_eq!(req("h", "/public/%2e%2e/admin").winner(&r), "admin/0/0");
    assert_eq!(req("h", "/public/./x").winner(&r), "public/0/0");
    assert_eq!(req("h", "/%70ublic").winner(&r), "public/0/0");
    assert!(matches!(
        req("h", "/a%zz").on(&r),
        Err(NoRoute::InvalidPath(_))
    ));
    assert!(matches!(
        req("bad host", "/").on(&r),
        Err(NoRoute::InvalidHost(_))
    ));
    assert_eq!(
        req("bad host", "/").decide(&r, 0).action,
        gateway_match::Action::Respond { status: 400 }
    );
}

#[test]
fn route_path_values_are_normalised_too() {
    let r = router(&[&http("tilde", &spec_prefix("/%7Euser"))]);
    assert_eq!(req("h", "/~user/x").winner(&r), "tilde/0/0");
}

// ---------------------------------------------------------------------------
// Method, headers, query (spec 7.1.3-7.1.5)
// ---------------------------------------------------------------------------

#[test]
fn method_conditions_compare_exactly() {
    let r = router(&[&http(
        "post",
        r#"{"rules": [{"matches": [{"method": "POST"}]}]}"#,
    )]);
    assert_eq!(req("h", "/").method("POST").winner(&r), "post/0/0");
    assert_eq!(req("h", "/").winner(&r), "-");
}

#[test]
fn header_names_ignore_case_and_values_do_not() {
    let r = router(&[&http(
        "hdr",
        r#"{"rules": [{"matches": [{"headers": [{"name": "X-Version", "value": "V1"}]}]}]}"#,
    )]);
    assert_eq!(
        req("h", "/").header("x-version", "V1").winner(&r),
        "hdr/0/0"
    );
    assert_eq!(req("h", "/").header("x-version", "v1").winner(&r), "-");
    assert_eq!(req("h", "/").winner(&r), "-");
}

#[test]
fn only_the_first_header_condition_per_name_counts() {
    let r = router(&[&http(
        "hdr",
        r#"{"rules": [{"matches": [{"headers": [{"name": "x-a", "value": "1"}, {"name": "X-A", "value": "2"}]}]}]}"#,
    )]);
    assert_eq!(req("h", "/").header("x-a", "1").winner(&r), "hdr/0/0");
    assert_eq!(req("h", "/").header("x-a", "2").winner(&r), "-");
}

#[test]
fn header_regexes_match_the_whole_value() {
    let r = router(&[&http(
        "hdr",
        r#"{"rules": [{"matches": [{"headers": [{"type": "RegularExpression", "name": "x-a", "value": "v[0-9]"}]}]}]}"#,
    )]);
    assert_eq!(req("h", "/").header("x-a", "v7").winner(&r), "hdr/0/0");
    assert_eq!(req("h", "/").header("x-a", "v77").winner(&r), "-");
    // Repeated headers are joined with ','.
    assert_eq!(
        req("h", "/")
            .header("x-a", "v")
            .header("x-a", "7")
            .winner(&r),
        "-"
    );
}

#[test]
fn repeated_request_headers_compare_as_one_joined_value() {
    let r = router(&[&http(
        "hdr",
        r#"{"rules": [{"matches": [{"headers": [{"name": "x-a", "value": "1,2"}]}]}]}"#,
    )]);
    assert_eq!(
        req("h", "/")
            .header("x-a", "1")
            .header("x-a", "2")
            .winner(&r),
        "hdr/0/0"
    );
}

#[test]
fn query_parameters_match_by_first_value_decoded() {
    let r = router(&[&http(
        "q",
        r#"{"rules": [{"matches": [{"queryParams": [{"name": "animal", "value": "whale"},
            {"type": "RegularExpression", "name": "n", "value": "[0-9]+"}]}]}]}"#,
    )]);
    assert_eq!(req("h", "/?animal=whale&n=12").winner(&r), "q/0/0");
    assert_eq!(req("h", "/?animal=wh%61le&n=1").winner(&r), "q/0/0");
    assert_eq!(
        req("h", "/?animal=dolphin&animal=whale&n=1").winner(&r),
        "-"
    );
    assert_eq!(
        req("h", "/?Animal=whale&n=1").winner(&r),
        "-",
        "names are case-sensitive"
    );
    assert_eq!(req("h", "/?animal=whale&n=x").winner(&r), "-");
    assert_eq!(req("h", "/?animal=whale").winner(&r), "-");
}

#[test]
fn matches_in_a_rule_are_ored_and_conditions_anded() {
    let r = router(&[&http(
        "or",
        r#"{"rules": [{"matches": [
            {"path": {"value": "/a"}, "method": "GET", "headers": [{"name": "x", "value": "1"}]},
            {"path": {"type": "Exact", "value": "/b"}}]}]}"#,
    )]);
    assert_eq!(req("h", "/a").header("x", "1").winner(&r), "or/0/0");
    assert_eq!(req("h", "/a").winner(&r), "-");
    assert_eq!(
        req("h", "/a").method("PUT").header("x", "1").winner(&r),
        "-"
    );
    assert_eq!(req("h", "/b").winner(&r), "or/0/1");
}

#[test]
fn an_empty_match_list_matches_everything_like_the_default() {
    let r = router(&[&http("empty", r#"{"rules": [{"matches": []}]}"#)]);
    assert_eq!(req("h", "/anything").winner(&r), "empty/0/0");
}

// ---------------------------------------------------------------------------
// Precedence (spec 7.2)
// ---------------------------------------------------------------------------

#[test]
fn precedence_walks_every_tie_break_in_order() {
    let o = |id: &str, created: Option<&str>, spec: &str| object("HTTPRoute", id, created, spec);
    let r = router(&[
        &o(
            "ns/exact",
            Some("2024-01-01T00:00:00Z"),
            &spec_path("Exact", "/p/q"),
        ),
        &o(
            "ns/regex",
            Some("2020-01-01T00:00:00Z"),
            &spec_path("RegularExpression", "/p/.+"),
        ),
        &o(
            "ns/prefix-long",
            Some("2020-01-01T00:00:00Z"),
            &spec_prefix("/p/q"),
        ),
        &o(
            "ns/prefix-short",
            Some("2020-01-01T00:00:00Z"),
            &spec_prefix("/p"),
        ),
        &o(
            "ns/method",
            Some("2024-01-01T00:00:00Z"),
            r#"{"rules": [{"matches": [{"path": {"value": "/m"}, "method": "GET"}]}]}"#,
        ),
        &o(
            "ns/headers",
            Some("2024-01-01T00:00:00Z"),
            r#"{"rules": [{"matches": [{"path": {"value": "/m"}, "headers": [{"name": "a", "value": "1"}, {"name": "b", "value": "1"}]}]}]}"#,
        ),
        &o("ns/old", Some("2020-01-01T00:00:00Z"), &spec_prefix("/t")),
        &o("ns/new", Some("2024-01-01T00:00:00Z"), &spec_prefix("/t")),
        &o(
            "b/same-age",
            Some("2019-01-01T00:00:00Z"),
            &spec_prefix("/n"),
        ),
        &o(
            "a/same-age",
            Some("2019-01-01T00:00:00Z"),
            &spec_prefix("/n"),
        ),
        &o("ns/unknown-age", None, &spec_prefix("/u")),
        &o(
            "ns/zz-known",
            Some("2030-01-01T00:00:00Z"),
            &spec_prefix("/u"),
        ),
    ]);
    assert_eq!(req("h", "/p/q").winner(&r), "exact/0/0");
    assert_eq!(req("h", "/p/q/r").winner(&r), "regex/0/0");
    assert_eq!(req("h", "/p/").winner(&r), "prefix-short/0/0");
    // Method beats headers.
    assert_eq!(
        req("h", "/m").header("a", "1").header("b", "1").winner(&r),
        "method/0/0"
    );
    assert_eq!(
        req("h", "/m")
            .method("PUT")
            .header("a", "1")
            .header("b", "1")
            .winner(&r),
        "headers/0/0"
    );
    assert_eq!(req("h", "/t").winner(&r), "old/0/0");
    // `a/same-age` sorts before `b/same-age`.
    assert_eq!(req("h", "/n").winner(&r).as_str(), "same-age/0/0");
    let m = gateway_match::Router::route_input(&r, &req("h", "/n").input()).expect("routed");
    assert_eq!(m.route.namespace, "a");
    assert_eq!(req("h", "/u").winner(&r), "zz-known/0/0");
}

#[test]
fn query_conditions_break_ties_after_headers() {
    let r = router(&[
        &http(
            "one-header",
            r#"{"rules": [{"matches": [{"headers": [{"name": "a", "value": "1"}]}]}]}"#,
        ),
        &http(
            "two-query",
            r#"{"rules": [{"matches": [{"queryParams": [{"name": "x", "value": "1"}, {"name": "y", "value": "1"}]}]}]}"#,
        ),
        &http(
            "header-and-query",
            r#"{"rules": [{"matches": [{"headers": [{"name": "a", "value": "1"}], "queryParams": [{"name": "x", "value": "1"}]}]}]}"#,
        ),
    ]);
    assert_eq!(
        req("h", "/?x=1&y=1").header("a", "1").winner(&r),
        "header-and-query/0/0"
    );
    assert_eq!(req("h", "/?x=1&y=1").winner(&r), "two-query/0/0");
}

#[test]
fn namespace_name_compares_as_one_string() {
    // "a-b/x" < "a/z" because '-' sorts before '/'.
    let r = router(&[&http("a/z", "{}"), &http("a-b/x", "{}")]);
    assert_eq!(req("h", "/").winner(&r), "x/0/0");
}

#[test]
fn rules_marked_invalid_by_the_view_are_not_served() {
    let mut l = listener(
        "http",
        80,
        "HTTP",
        None,
        &[&http(
            "r",
            r#"{"rules": [{"matches": [{"path": {"value": "/a"}}]}, {}]}"#,
        )],
    );
    let mut invalid = RuleRouting::default();
    invalid.valid = false;
    let mut valid = RuleRouting::default();
    valid.valid = true;
    l.routes[0].rules = vec![invalid, valid];
    let r = build(vec![l]);
    assert_eq!(req("h", "/a").winner(&r), "r/1/0");
}

// ---------------------------------------------------------------------------
// Backends (spec 6.3, 6.4)
// ---------------------------------------------------------------------------

fn backend(name: &str, weight: u32, invalid: Option<&str>) -> ResolvedBackend {
    let mut b = ResolvedBackend::default();
    b.name = name.to_owned();
    b.namespace = "default".to_owned();
    b.kind = "Service".to_owned();
    b.port = Some(80);
    b.weight = weight;
    b.invalid = invalid.map(str::to_owned);
    b
}

fn with_backends(backends: Vec<ResolvedBackend>) -> ListenerRouting {
    let mut l = listener("http", 80, "HTTP", None, &[&http("r", "{}")]);
    let mut rule = RuleRouting::default();
    rule.valid = true;
    rule.backends = backends;
    l.routes[0].rules = vec![rule];
    l
}

#[test]
fn a_rule_whose_backends_are_all_invalid_says_so() {
    let r = build(vec![with_backends(vec![backend(
        "gone",
        1,
        Some("BackendNotFound"),
    )])]);
    let request = req("h", "/");
    let m = r.route_input(&request.input()).expect("matched");
    assert!(!m.has_valid_backend());
    assert!(matches!(
        m.choose_backend(0),
        BackendChoice::Invalid { index: 0, .. }
    ));
    assert_eq!(
        request.decide(&r, 0).action,
        gateway_match::Action::Respond { status: 500 }
    );
}

#[test]
fn weights_split_requests_and_invalid_shares_get_500() {
    let r = build(vec![with_backends(vec![
        backend("ok", 1, None),
        backend("gone", 1, Some("BackendNotFound")),
        backend("never", 0, None),
    ])]);
    let request = req("h", "/");
    let m = r.route_input(&request.input()).expect("matched");
    assert!(m.has_valid_backend());
    assert!(matches!(
        m.choose_backend(0),
        BackendChoice::Forward { index: 0, .. }
    ));
    assert!(matches!(
        m.choose_backend(u32::MAX),
        BackendChoice::Invalid { index: 1, .. }
    ));
    let ok = (0..64u32)
        .filter(|i| matches!(m.choose_backend(i << 26), BackendChoice::Forward { .. }))
        .count();
    assert_eq!(ok, 32);
}

#[test]
fn a_rule_without_backend_refs_has_no_backend() {
    let r = router(&[&http("r", "{}")]);
    let request = req("h", "/");
    let m = r.route_input(&request.input()).expect("matched");
    assert_eq!(m.choose_backend(1), BackendChoice::NoBackend);
    assert_eq!(
        request.decide(&r, 0).action,
        gateway_match::Action::Respond { status: 500 }
    );
}

#[test]
fn backend_protocol_and_tls_policy_come_with_the_match() {
    let mut b = backend("secure", 1, None);
    b.app_protocol = Some("kubernetes.io/h2c".to_owned());
    let mut tls = gateway_types::routing::BackendTls::default();
    tls.hostname = "secure.internal".to_owned();
    tls.policy_name = "policy".to_owned();
    b.tls = Some(tls);
    let r = build(vec![with_backends(vec![b])]);
    let request = req("h", "/");
    let m = r.route_input(&request.input()).expect("matched");
    let BackendChoice::Forward { backend, .. } = m.choose_backend(0) else {
        panic!("forwarded");
    };
    assert_eq!(backend.app_protocol.as_deref(), Some("kubernetes.io/h2c"));
    let decision = request.decide(&r, 0);
    assert_eq!(
        decision.upstream.expect("forwarded").tls_sni.as_deref(),
        Some("secure.internal")
    );
}

#[test]
fn backends_as_written_when_the_view_has_no_rule_entries() {
    let r = router(&[&http(
        "ns/r",
        r#"{"rules": [{"backendRefs": [{"name": "a", "port": 80, "weight": 2}, {"name": "b", "namespace": "other", "port": 81}]}]}"#,
    )]);
    let request = req("h", "/");
    let m = r.route_input(&request.input()).expect("matched");
    let names: Vec<_> = m
        .backends()
        .iter()
        .map(|b| (b.namespace.as_str(), b.name.as_str(), b.weight))
        .collect();
    assert_eq!(names, [("ns", "a", 2), ("other", "b", 1)]);
}

#[test]
fn timeouts_are_parsed() {
    let r = router(&[&http(
        "t",
        r#"{"rules": [{"timeouts": {"request": "10s", "backendRequest": "500ms"}}]}"#,
    )]);
    let m = r.route_input(&req("h", "/").input()).expect("matched");
    assert_eq!(
        m.timeouts().request,
        Some(std::time::Duration::from_secs(10))
    );
    assert_eq!(
        m.timeouts().backend_request,
        Some(std::time::Duration::from_millis(500))
    );
}

#[test]
fn match_names_listener_route_rule_and_filters() {
    let r = router(&[&http(
        "ns/named",
        r#"{"rules": [{"name": "first", "filters": [{"type": "RequestHeaderModifier",
            "requestHeaderModifier": {"set": [{"name": "x", "value": "1"}]}}]}]}"#,
    )]);
    let m = r.route_input(&req("h", "/").input()).expect("matched");
    assert_eq!(m.listener.name, "http");
    assert_eq!((m.listener_index(), m.route_index()), (0, 0));
    assert_eq!(m.kind(), "HTTPRoute");
    assert_eq!(m.rule_name(), Some("first"));
    assert_eq!(m.filters().len(), 1);
    assert!(m.backend_filters(3).is_empty());
}

// ---------------------------------------------------------------------------
// gRPC (spec 8)
// ---------------------------------------------------------------------------

#[test]
fn grpc_method_matches_exact_service_and_method() {
    let r = router(&[
        &grpc(
            "full",
            r#"{"rules": [{"matches": [{"method": {"service": "pkg.Svc", "method": "Get"}}]}]}"#,
        ),
        &grpc(
            "service",
            r#"{"rules": [{"matches": [{"method": {"service": "pkg.Svc"}}]}]}"#,
        ),
        &grpc(
            "method",
            r#"{"rules": [{"matches": [{"method": {"method": "Ping"}}]}]}"#,
        ),
    ]);
    assert_eq!(grpc_call("h", "pkg.Svc", "Get").winner(&r), "full/0/0");
    assert_eq!(grpc_call("h", "pkg.Svc", "Put").winner(&r), "service/0/0");
    assert_eq!(grpc_call("h", "other.Svc", "Ping").winner(&r), "method/0/0");
    assert_eq!(grpc_call("h", "other.Svc", "Get").winner(&r), "-");
    assert_eq!(
        req("h", "/pkg.Svc/Get").method("POST").winner(&r),
        "-",
        "not a gRPC call"
    );
}

#[test]
fn grpc_regular_expressions_and_headers() {
    let r = router(&[
        &grpc(
            "regex",
            r#"{"rules": [{"matches": [{"method": {"type": "RegularExpression", "service": "pkg\\.v[0-9]+\\.Svc", "method": "Get.*"}}]}]}"#,
        ),
        &grpc(
            "header",
            r#"{"rules": [{"matches": [{"method": {"type": "RegularExpression", "service": "pkg\\.v[0-9]+\\.Svc", "method": "Get.*"},
                "headers": [{"name": "version", "value": "two"}]}]}]}"#,
        ),
    ]);
    assert_eq!(
        grpc_call("h", "pkg.v2.Svc", "GetAll").winner(&r),
        "regex/0/0"
    );
    assert_eq!(
        grpc_call("h", "pkg.v2.Svc", "GetAll")
            .header("version", "two")
            .winner(&r),
        "header/0/0"
    );
    assert_eq!(grpc_call("h", "pkg.vX.Svc", "GetAll").winner(&r), "-");
}

#[test]
fn grpc_rules_without_matches_take_every_call() {
    let r = router(&[&grpc(
        "all",
        r#"{"rules": [{"backendRefs": [{"name": "s", "port": 1}]}]}"#,
    )]);
    assert_eq!(grpc_call("h", "a.B", "C").winner(&r), "all/0/0");
    // A GRPCRoute without rules routes nothing.
    let r = router(&[&grpc("none", "{}")]);
    assert_eq!(grpc_call("h", "a.B", "C").winner(&r), "-");
}

#[test]
fn grpc_and_http_routes_share_a_listener() {
    let r = router(&[
        &grpc(
            "grpc",
            r#"{"hostnames": ["grpc.example.com"], "rules": [{}]}"#,
        ),
        &http("web", r#"{"hostnames": ["www.example.com"]}"#),
    ]);
    assert_eq!(
        grpc_call("grpc.example.com", "a.B", "C").winner(&r),
        "grpc/0/0"
    );
    assert_eq!(req("www.example.com", "/").winner(&r), "web/0/0");
    // A gRPC call to an HTTPRoute hostname is routed by HTTPRoute rules.
    assert_eq!(
        grpc_call("www.example.com", "a.B", "C").winner(&r),
        "web/0/0"
    );
    assert_eq!(req("grpc.example.com", "/a.B/C").winner(&r), "-");
}

#[test]
fn grpc_precedence_prefers_longer_service_then_method_then_headers() {
    let r = router(&[
        &object(
            "GRPCRoute",
            "old",
            Some("2020-01-01T00:00:00Z"),
            r#"{"rules": [{"matches": [{"method": {"method": "Get"}}]}]}"#,
        ),
        &object(
            "GRPCRoute",
            "headers",
            Some("2024-01-01T00:00:00Z"),
            r#"{"rules": [{"matches": [{"method": {"method": "Get"}, "headers": [{"name": "a", "value": "1"}]}]}]}"#,
        ),
        &object(
            "GRPCRoute",
            "svc",
            Some("2024-01-01T00:00:00Z"),
            r#"{"rules": [{"matches": [{"method": {"service": "s.S"}}]}]}"#,
        ),
    ]);
    assert_eq!(
        grpc_call("h", "s.S", "Get").header("a", "1").winner(&r),
        "svc/0/0"
    );
    assert_eq!(
        grpc_call("h", "t.T", "Get").header("a", "1").winner(&r),
        "headers/0/0"
    );
    assert_eq!(grpc_call("h", "t.T", "Get").winner(&r), "old/0/0");
}

// ---------------------------------------------------------------------------
// Streams (spec 10)
// ---------------------------------------------------------------------------

#[test]
fn tls_routes_by_sni_exact_before_wildcard_then_oldest() {
    let tls = |id: &str, created: &str, host: &str| {
        object(
            "TLSRoute",
            id,
            Some(created),
            &format!(
                r#"{{"hostnames": ["{host}"], "rules": [{{"backendRefs": [{{"name": "{id}", "port": 443}}]}}]}}"#
            ),
        )
    };
    let r = build(vec![listener(
        "tls",
        8443,
        "TLS",
        Some("*.example.com"),
        &[
            &tls("wild-new", "2024-01-01T00:00:00Z", "*.example.com"),
            &tls("wild-old", "2020-01-01T00:00:00Z", "*.example.com"),
            &tls("exact", "2024-01-01T00:00:00Z", "abc.example.com"),
        ],
    )]);
    let name = |sni: &str| r.route_tls(8443, sni).map(|m| m.route.name.clone());
    assert_eq!(name("abc.example.com").as_deref(), Some("exact"));
    assert_eq!(name("ABC.example.com").as_deref(), Some("exact"));
    assert_eq!(name("other.example.com").as_deref(), Some("wild-old"));
    assert_eq!(name("example.com"), None);
    assert_eq!(name(""), None);
    let m = r.route_tls(8443, "abc.example.com").expect("routed");
    assert_eq!(m.backends[0].name, "exact");
    assert!(matches!(m.choose_backend(0), BackendChoice::Forward { .. }));
}

#[test]
fn tcp_and_udp_listeners_serve_their_oldest_route() {
    let stream = |kind: &str, id: &str, created: &str| {
        object(
            kind,
            id,
            Some(created),
            &format!(r#"{{"rules": [{{"backendRefs": [{{"name": "{id}", "port": 1}}]}}]}}"#),
        )
    };
    let r = build(vec![
        listener(
            "tcp",
            5432,
            "TCP",
            None,
            &[
                &stream("TCPRoute", "new", "2024-01-01T00:00:00Z"),
                &stream("TCPRoute", "old", "2020-01-01T00:00:00Z"),
            ],
        ),
        listener(
            "udp",
            5432,
            "UDP",
            None,
            &[&stream("UDPRoute", "dns", "2024-01-01T00:00:00Z")],
        ),
    ]);
    assert_eq!(
        r.route_tcp(5432).map(|m| m.route.name.clone()).as_deref(),
        Some("old")
    );
    assert_eq!(
        r.route_udp(5432)
            .map(|m| m.backends[0].name.clone())
            .as_deref(),
        Some("dns")
    );
    assert!(r.route_tcp(5433).is_none());
}
