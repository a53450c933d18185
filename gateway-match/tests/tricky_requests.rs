//! A corpus of hostile requests through the full router. Each case states
//! why it is tricky and what must happen: the route and backend it reaches,
//! or the exact reason it is refused.

mod common;

use gateway_match::host::HostError;
use gateway_match::path::{NormalizeOptions, PathError};
use gateway_match::{BackendChoice, Config, Input, NoRoute, Router};
use gateway_types::routing::ListenerRouting;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// Each route forwards to one Service named after it (`svc-<route>`).
fn routes() -> Vec<String> {
    let route = |name: &str, hostnames: &str, matches: &str| {
        common::http(
            &format!("default/{name}"),
            &format!(
                r#"{{{hostnames}"rules": [{{"matches": [{matches}], "backendRefs": [{{"name": "svc-{name}", "port": 80}}]}}]}}"#
            ),
        )
    };
    vec![
        route(
            "admin",
            "",
            r#"{"path": {"type": "Exact", "value": "/admin"}}"#,
        ),
        route(
            "public",
            "",
            r#"{"path": {"type": "PathPrefix", "value": "/public"}}"#,
        ),
        route(
            "api",
            r#""hostnames": ["api.example.com"], "#,
            r#"{"path": {"type": "PathPrefix", "value": "/"}}"#,
        ),
        route(
            "hdr",
            "",
            r#"{"path": {"type": "PathPrefix", "value": "/h"}, "headers": [{"name": "x-env", "value": "prod"}]}"#,
        ),
        route(
            "query",
            "",
            r#"{"path": {"type": "PathPrefix", "value": "/q"}, "queryParams": [{"name": "v", "value": "1"}]}"#,
        ),
    ]
}

fn listener() -> ListenerRouting {
    let routes = routes();
    let refs: Vec<&str> = routes.iter().map(String::as_str).collect();
    common::listener("http", 80, "HTTP", None, &refs)
}

fn router_with(config: Config) -> Router {
    let mut builder = Router::builder();
    builder.configure(config).add_listener(listener());
    match builder.build() {
        Ok(router) => router,
        Err(errors) => panic!("build errors: {errors:#?}"),
    }
}

/// What a request must lead to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Forwarded by this route (its backend is `svc-<route>`).
    To(&'static str),
    /// Refused for this reason.
    Refused(NoRoute),
}

use Outcome::{Refused, To};

struct Case {
    why: &'static str,
    host: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    query: Option<&'static str>,
    want: Outcome,
}

const fn case(why: &'static str, host: &'static str, path: &'static str, want: Outcome) -> Case {
    Case {
        why,
        host,
        path,
        headers: &[],
        query: None,
        want,
    }
}

const H: &str = "www.example.com";

fn bad_path(e: PathError) -> Outcome {
    Refused(NoRoute::InvalidPath(e))
}

fn run(router: &Router, cases: &[Case]) {
    let mut failures = Vec::new();
    for c in cases {
        let mut headers = HeaderMap::new();
        for (n, v) in c.headers {
            headers.append(
                HeaderName::from_bytes(n.as_bytes()).expect("test header name is valid"),
                HeaderValue::from_bytes(v).expect("test header value is valid"),
            );
        }
        let input = Input::new(&Method::GET, c.host, c.path, &headers).with_query(c.query);
        let got = match router.try_route_input(&input) {
            Ok(m) => {
                // The route is only half the answer: the request must also
                // be forwarded to that route's own backend.
                match m.choose_backend(0) {
                    BackendChoice::Forward { backend, .. }
                        if backend.name == format!("svc-{}", m.route.name)
                            && backend.namespace == "default" =>
                    {
                        Ok(m.route.name.clone())
                    }
                    other => Err(format!("route {} chose {other:?}", m.route.name)),
                }
            }
            Err(e) => Err(format!("refused: {e:?} ({})", e.status())),
        };
        let want = match &c.want {
            To(route) => Ok((*route).to_owned()),
            Refused(e) => Err(format!("refused: {e:?} ({})", e.status())),
        };
        if got != want {
            failures.push(format!(
                "{}: {} {:?} {:?} {:?}\n    got  {got:?}\n    want {want:?}",
                c.why, c.host, c.path, c.headers, c.query
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tricky_requests_reach_only_the_route_they_name() {
    let no_rule = || Refused(NoRoute::NoRule);
    let cases = [
        // Paths: encodings and dot segments are resolved before matching,
        // so a request is routed as the path the backend will serve.
        case(
            "encoded dots are dots",
            H,
            "/public/%2e%2e/admin",
            To("admin"),
        ),
        case(
            "mixed-case encoded dots",
            H,
            "/public/%2E%2e/admin",
            To("admin"),
        ),
        case("half-encoded dots", H, "/public/.%2E/admin", To("admin")),
        case(
            "encoded unreserved letters are letters",
            H,
            "/%61dmin",
            To("admin"),
        ),
        case(
            "encoded slash is data, not a separator: one segment under /public",
            H,
            "/public/..%2Fadmin",
            To("public"),
        ),
        case(
            "encoded slash does not end a prefix segment",
            H,
            "/public%2Fadmin",
            no_rule(),
        ),
        case(
            "encoded backslash is data",
            H,
            "/public/..%5Cadmin",
            To("public"),
        ),
        case(
            "raw backslash is encoded, not a separator",
            H,
            "/public/..\\admin",
            To("public"),
        ),
        case(
            "double slash is an empty segment by default, not /admin",
            H,
            "//admin",
            no_rule(),
        ),
        case(
            "dot-dot removes the empty segment of a double slash",
            H,
            "/public//../x",
            To("public"),
        ),
        case("dot segment removed", H, "/./admin", To("admin")),
        case(
            "dot segment inside a prefix",
            H,
            "/public/./x",
            To("public"),
        ),
        case(
            "dot-dot out of the prefix",
            H,
            "/public/../admin",
            To("admin"),
        ),
        case(
            "dot-dot above the root stays at the root",
            H,
            "/../../admin",
            To("admin"),
        ),
        case(
            "double-encoded dots are decoded once: literal %2e",
            H,
            "/public/%252e%252e/admin",
            To("public"),
        ),
        case(
            "overlong UTF-8 dots are not dots",
            H,
            "/public/%C0%AE%C0%AE/admin",
            To("public"),
        ),
        case(
            "overlong UTF-8 slash is not a slash",
            H,
            "/public%C0%AFadmin",
            no_rule(),
        ),
        case(
            "encoded NUL is refused, not a string end",
            H,
            "/admin%00",
            bad_path(PathError::Nul { offset: 6 }),
        ),
        case(
            "raw NUL is refused, not a string end",
            H,
            "/admin\0",
            bad_path(PathError::Nul { offset: 6 }),
        ),
        case(
            "raw CR is refused",
            H,
            "/admin\r",
            bad_path(PathError::ControlCharacter {
                byte: b'\r',
                offset: 6,
            }),
        ),
        case("prefix is segment-wise", H, "/publicity", no_rule()),
        case(
            "invalid escape is refused",
            H,
            "/public/%zz",
            bad_path(PathError::InvalidEscape { offset: 8 }),
        ),
        case(
            "truncated escape is refused",
            H,
            "/admin%2",
            bad_path(PathError::InvalidEscape { offset: 6 }),
        ),
        case(
            "a raw # is refused, not a fragment to drop",
            H,
            "/admin#x",
            bad_path(PathError::Delimiter {
                delimiter: '#',
                offset: 6,
            }),
        ),
        case(
            "asterisk form names no route",
            H,
            "*",
            bad_path(PathError::AsteriskForm),
        ),
        case(
            "a path must be absolute",
            H,
            "admin",
            bad_path(PathError::NotAbsolute),
        ),
        case("Exact is case-sensitive", H, "/ADMIN", no_rule()),
        // Hosts: case, port and one trailing dot do not change the host.
        case("upper-case host", "API.EXAMPLE.COM", "/x", To("api")),
        case("host with port", "api.example.com:8080", "/x", To("api")),
        case(
            "host with trailing dot",
            "api.example.com.",
            "/x",
            To("api"),
        ),
        case(
            "upper-case host, trailing dot and port",
            "Api.Example.Com.:80",
            "/x",
            To("api"),
        ),
        case(
            "a suffix of the hostname is another host",
            "xapi.example.com",
            "/x",
            no_rule(),
        ),
        case(
            "a subdomain is another host",
            "a.api.example.com",
            "/x",
            no_rule(),
        ),
        case(
            "two trailing dots are an empty label",
            "api.example.com..",
            "/x",
            Refused(NoRoute::InvalidHost(HostError::EmptyLabel { offset: 16 })),
        ),
        case(
            "a NUL in the host is refused, not a string end",
            "api.example.com\0.evil",
            "/x",
            Refused(NoRoute::InvalidHost(HostError::InvalidCharacter {
                ch: '\0',
                offset: 15,
            })),
        ),
        case(
            "a userinfo-looking host is refused",
            "evil@api.example.com",
            "/x",
            Refused(NoRoute::InvalidHost(HostError::InvalidCharacter {
                ch: '@',
                offset: 4,
            })),
        ),
        case(
            "an empty host is refused",
            "",
            "/x",
            Refused(NoRoute::InvalidHost(HostError::Empty)),
        ),
        case(
            "a port out of range is refused",
            "api.example.com:65536",
            "/x",
            Refused(NoRoute::InvalidHost(HostError::InvalidPort { offset: 15 })),
        ),
        // Headers: names are case-insensitive, values exact.
        Case {
            headers: &[("x-env", b"prod")],
            ..case("header matches", H, "/h", To("hdr"))
        },
        Case {
            headers: &[("X-Env", b"prod")],
            ..case("header names are case-insensitive", H, "/h", To("hdr"))
        },
        Case {
            headers: &[("x-env", b"prod"), ("x-env", b"dev")],
            ..case(
                "repeated header: values are joined (prod,dev), which is not prod",
                H,
                "/h",
                no_rule(),
            )
        },
        Case {
            headers: &[("x-env", b"pr od")],
            ..case(
                "header value with a space is another value",
                H,
                "/h",
                no_rule(),
            )
        },
        Case {
            headers: &[("x-env", b"prod ")],
            ..case("a trailing space is part of the value", H, "/h", no_rule())
        },
        Case {
            headers: &[("x-env", b"PROD")],
            ..case("header values are case-sensitive", H, "/h", no_rule())
        },
        Case {
            headers: &[("x-env", b"pro\xffd")],
            ..case(
                "a non-UTF-8 header value matches nothing",
                H,
                "/h",
                no_rule(),
            )
        },
        // Query: names and values exact, the first of repeated keys counts.
        Case {
            query: Some("v=1"),
            ..case("query matches", H, "/q", To("query"))
        },
        Case {
            query: Some("v=1&v=2"),
            ..case(
                "repeated query key: the first value counts",
                H,
                "/q",
                To("query"),
            )
        },
        Case {
            query: Some("v=2&v=1"),
            ..case(
                "repeated query key: a later value does not",
                H,
                "/q",
                no_rule(),
            )
        },
        Case {
            query: Some("V=1"),
            ..case("query names are case-sensitive", H, "/q", no_rule())
        },
    ];
    run(&router_with(Config::new()), &cases);
}

#[test]
fn strict_path_options_close_the_gaps_left_for_backends_that_decode_more() {
    let strict = NormalizeOptions::new()
        .merge_slashes(true)
        .reject_escaped_slashes(true);
    let cases = [
        case("merged double slash is /admin", H, "//admin", To("admin")),
        case(
            "slashes merge before dot segments resolve",
            H,
            "/public//../admin",
            To("admin"),
        ),
        case(
            "encoded slash is refused",
            H,
            "/public/..%2Fadmin",
            bad_path(PathError::EscapedSlash { offset: 10 }),
        ),
        case(
            "lower-case encoded slash is refused",
            H,
            "/public/..%2fadmin",
            bad_path(PathError::EscapedSlash { offset: 10 }),
        ),
        case(
            "encoded backslash is refused",
            H,
            "/public/..%5cadmin",
            bad_path(PathError::EscapedSlash { offset: 10 }),
        ),
        case(
            "raw backslash is refused",
            H,
            "/public/..\\admin",
            bad_path(PathError::EscapedSlash { offset: 10 }),
        ),
        case("plain paths still route", H, "/public/x", To("public")),
    ];
    run(&router_with(Config::new().path_options(strict)), &cases);
}
