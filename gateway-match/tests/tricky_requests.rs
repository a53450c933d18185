//! A corpus of hostile requests through the full router: each case states
//! the route it must reach, or `-` for none.

mod common;

use gateway_match::{Input, Router};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

fn router() -> Router {
    common::router(&[
        &common::http("default/admin", r#"{"rules": [{"matches": [{"path": {"type": "Exact", "value": "/admin"}}]}]}"#),
        &common::http("default/public", r#"{"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/public"}}]}]}"#),
        &common::http("default/api", r#"{"hostnames": ["api.example.com"], "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}]}"#),
        &common::http("default/hdr", r#"{"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/h"}, "headers": [{"name": "x-env", "value": "prod"}]}]}]}"#),
        &common::http("default/query", r#"{"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/q"}, "queryParams": [{"name": "v", "value": "1"}]}]}]}"#),
    ])
}

struct Case {
    why: &'static str,
    host: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    query: Option<&'static str>,
    /// The route name, or `-` for no route.
    to: &'static str,
}

const fn case(why: &'static str, host: &'static str, path: &'static str, to: &'static str) -> Case {
    Case { why, host, path, headers: &[], query: None, to }
}

#[test]
fn tricky_requests_reach_only_the_route_they_name() {
    let h = "www.example.com";
    let cases = [
        case("encoded dots are dots", h, "/public/%2e%2e/admin", "admin"),
        case("mixed-case encoded dots", h, "/public/%2E%2e/admin", "admin"),
        case("encoded slash is data, not a separator", h, "/public/..%2Fadmin", "public"),
        case("encoded slash does not end a prefix segment", h, "/public%2Fadmin", "-"),
        case("encoded backslash is data", h, "/public/..%5Cadmin", "public"),
        case("double slash is kept by default", h, "//admin", "-"),
        case("dot segment removed", h, "/./admin", "admin"),
        case("dot segment inside a prefix", h, "/public/./x", "public"),
        case("dot-dot out of the prefix", h, "/public/../admin", "admin"),
        case("dot-dot above the root", h, "/../../admin", "admin"),
        case("overlong UTF-8 dots are not dots", h, "/public/%C0%AE%C0%AE/admin", "public"),
        case("overlong UTF-8 slash is not a slash", h, "/public%C0%AFadmin", "-"),
        case("encoded NUL is not the end of the path", h, "/admin%00", "-"),
        case("raw NUL is not the end of the path", h, "/admin\0", "-"),
        case("prefix is segment-wise", h, "/publicity", "-"),
        case("invalid escape is refused", h, "/public/%zz", "-"),
        case("upper-case host", "API.EXAMPLE.COM", "/x", "api"),
        case("host with port", "api.example.com:8080", "/x", "api"),
        case("host with trailing dot", "api.example.com.", "/x", "api"),
        case("upper-case host, trailing dot and port", "Api.Example.Com.:80", "/x", "api"),
        case("a suffix of the hostname is another host", "xapi.example.com", "/x", "-"),
        case("a subdomain is another host", "a.api.example.com", "/x", "-"),
        Case { headers: &[("x-env", b"prod")], ..case("header matches", h, "/h", "hdr") },
        Case { headers: &[("X-Env", b"prod")], ..case("header names are case-insensitive", h, "/h", "hdr") },
        Case { headers: &[("x-env", b"prod"), ("x-env", b"dev")], ..case("repeated header compares joined values", h, "/h", "-") },
        Case { headers: &[("x-env", b"pr od")], ..case("header value with a space is another value", h, "/h", "-") },
        Case { headers: &[("x-env", b"PROD")], ..case("header values are case-sensitive", h, "/h", "-") },
        Case { query: Some("v=1"), ..case("query matches", h, "/q", "query") },
        Case { query: Some("v=1&v=2"), ..case("repeated query key: the first value counts", h, "/q", "query") },
        Case { query: Some("v=2&v=1"), ..case("repeated query key: a later value does not", h, "/q", "-") },
        Case { query: Some("V=1"), ..case("query names are case-sensitive", h, "/q", "-") },
    ];
    let router = router();
    let mut failures = Vec::new();
    for c in &cases {
        let mut headers = HeaderMap::new();
        for (n, v) in c.headers {
            headers.append(
                HeaderName::from_bytes(n.as_bytes()).expect("name"),
                HeaderValue::from_bytes(v).expect("value"),
            );
        }
        let input = Input::new(&Method::GET, c.host, c.path, &headers).with_query(c.query);
        let got = router
            .try_route_input(&input)
            .map_or_else(|_| "-".to_owned(), |m| m.route.name.clone());
        if got != c.to {
            failures.push(format!("{}: {} {:?} -> {got}, want {}", c.why, c.host, c.path, c.to));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
