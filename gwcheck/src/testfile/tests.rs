//! Unit tests of the route test file parser: every error case with its key
//! path, and every value form.

use std::path::{Path, PathBuf};

use super::*;

/// Parses `text` as `t.yaml`, panicking with the errors if it fails.
fn parse(text: &str) -> TestFile {
    match TestFile::parse(text, "t.yaml") {
        Ok(file) => file,
        Err(err) => panic!("{err}"),
    }
}

/// Parses `text`, expecting failure, and returns the problems as
/// `path: message` strings (without lines).
fn problems(text: &str) -> Vec<String> {
    let err = TestFile::parse(text, "t.yaml").expect_err("the file must be rejected");
    err.problems()
        .iter()
        .map(|p| {
            if p.path().is_empty() {
                p.message().to_owned()
            } else {
                format!("{}: {}", p.path(), p.message())
            }
        })
        .collect()
}

/// A file with one request whose `request` and `expect` bodies are given.
fn one_request(request: &str, expect: &str) -> String {
    format!(
        "name: t\nrequests:\n  - gateway: ns/gw\n    request: {request}\n    expect: {expect}\n"
    )
}

fn request(request: &str) -> Request {
    parse(&one_request(request, "{backend: ns/web}"))
        .requests
        .remove(0)
        .request
}

fn expect(expect: &str) -> RequestExpect {
    parse(&one_request("{url: http://example.com/}", expect))
        .requests
        .remove(0)
        .expect
}

// --- errors -----------------------------------------------------------------

#[test]
fn unknown_key_is_reported_with_its_key_path_and_the_allowed_keys() {
    let text = one_request(
        "{url: http://example.com/}",
        "{backend: ns/web, response: {ignoreWhitespace: true}}",
    );
    assert_eq!(
        problems(&text),
        ["requests[0].expect.response.ignoreWhitespace: unknown key \
          (allowed here: absentHeaders, headers, headersOneOf)"]
    );
}

#[test]
fn error_display_names_the_file_the_path_and_the_line() {
    let text = "name: t\nexpect:\n  gateways:\n    - name: ns/gw\n      listenrs: {}\n";
    let err = TestFile::parse(text, "httproute-cors.yaml").unwrap_err();
    assert_eq!(err.file(), Path::new("httproute-cors.yaml"));
    assert_eq!(err.problems()[0].line(), Some(5));
    assert_eq!(
        err.to_string(),
        "httproute-cors.yaml: expect.gateways[0].listenrs: unknown key (allowed here: \
         attachedListenerSets, conditions, exactListeners, listeners, name) (line 5)"
    );
}

#[test]
fn every_unknown_key_of_a_file_is_reported_at_once() {
    let text = "name: t\ndescripton: x\nexpect:\n  route: []\n  gateways:\n    - name: ns/gw\n      listeners: {http: {attachedRoute: 1}}\n";
    let found = problems(text);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("descripton: unknown key (allowed here: description, expect,"));
    assert!(found[1].starts_with("expect.route: unknown key"));
    assert!(found[2].starts_with("expect.gateways[0].listeners.http.attachedRoute: unknown key"));
}

#[test]
fn unknown_keys_and_a_value_error_are_reported_together_in_line_order() {
    // The value error stops the parse: unknown keys after it are not seen.
    let text = "name: t\nexpect:\n  routes:\n    - kind: HTTPRoute\n      parent: []\n      name: bad\n      other: 1\n";
    assert_eq!(
        problems(text),
        [
            "expect.routes[0].parent: unknown key (allowed here: absentParents, kind, name, parents)",
            "expect.routes[0].name: must be namespace/name",
        ]
    );
}

#[test]
fn two_outcome_keys_are_rejected() {
    assert_eq!(
        problems(&one_request(
            "{url: http://a/}",
            "{backend: ns/web, status: 404}"
        )),
        [
            "requests[0].expect: needs exactly one of backend | backends | status | redirect | rejected, found backend, status"
        ]
    );
}

#[test]
fn a_request_expectation_without_outcome_is_rejected() {
    assert_eq!(
        problems(&one_request("{url: http://a/}", "{upstream: {path: /x}}")),
        [
            "requests[0].expect: needs exactly one of backend | backends | status | redirect | rejected, found none"
        ]
    );
}

#[test]
fn bad_condition_values_are_rejected() {
    for bad in [
        "\"Yes\"",
        "\"true\"",
        "True/",
        "True/1Reason",
        "True/Accepted/x",
        "\"\"",
    ] {
        let text = format!(
            "name: t\nexpect:\n  gateways:\n    - name: ns/gw\n      conditions: {{Accepted: {bad}}}\n"
        );
        assert_eq!(
            problems(&text),
            [
                "expect.gateways[0].conditions.Accepted: must be \"True\", \"False\" or \"Unknown\", \
              optionally \"/Reason\" (e.g. \"True/Accepted\")"
            ],
            "{bad}"
        );
    }
}

#[test]
fn an_unquoted_true_is_a_boolean_not_a_condition_value() {
    let text =
        "name: t\nexpect:\n  gateways:\n    - name: ns/gw\n      conditions: {Accepted: True}\n";
    assert_eq!(
        problems(text),
        [
            "expect.gateways[0].conditions.Accepted: must be \"True\", \"False\" or \"Unknown\", \
          optionally \"/Reason\" (e.g. \"True/Accepted\") (found boolean `true`)"
        ]
    );
}

#[test]
fn bad_parent_refs_are_rejected() {
    for bad in [
        "gw",
        "ns/gw/http/extra",
        "Gateway:ns/gw",
        "ns/Gw",
        "ns/gw/",
        "ns/gw/-http",
        "ListenerSet:ns",
    ] {
        let text = format!(
            "name: t\nexpect:\n  routes:\n    - kind: HTTPRoute\n      name: ns/r\n      parents:\n        - parentRef: \"{bad}\"\n"
        );
        assert_eq!(
            problems(&text),
            [
                "expect.routes[0].parents[0].parentRef: must be ns/name or ns/name/sectionName, \
              with an optional ListenerSet: prefix"
            ],
            "{bad}"
        );
    }
}

#[test]
fn bad_absent_parents_and_ancestor_refs_are_rejected() {
    let text = "name: t\nexpect:\n  routes:\n    - kind: HTTPRoute\n      name: ns/r\n      absentParents: [ns/ok, bad]\n";
    assert_eq!(problems(text).len(), 1);
    assert!(problems(text)[0].starts_with("expect.routes[0].absentParents[1]: must be ns/name"));
    let text = "name: t\nexpect:\n  policies:\n    - kind: BackendTLSPolicy\n      name: ns/p\n      ancestors: [{ancestorRef: x}]\n";
    assert!(
        problems(text)[0]
            .starts_with("expect.policies[0].ancestors[0].ancestorRef: must be ns/name")
    );
}

#[test]
fn missing_required_keys_are_named() {
    assert_eq!(problems("description: x\n"), ["name: missing key"]);
    let text = "name: t\nexpect:\n  routes:\n    - name: ns/r\n";
    assert_eq!(problems(text), ["expect.routes[0].kind: missing key"]);
    let text = "name: t\nrequests:\n  - gateway: ns/gw\n    request: {url: http://a/}\n";
    assert_eq!(problems(text), ["requests[0].expect: missing key"]);
    let text =
        "name: t\nexpect:\n  policies: [{kind: X, name: ns/p, ancestors: [{conditions: {}}]}]\n";
    assert_eq!(
        problems(text),
        ["expect.policies[0].ancestors[0].ancestorRef: missing key"]
    );
}

#[test]
fn scalars_of_the_wrong_type_are_rejected() {
    assert_eq!(problems("name: 12\n"), ["name: must be a string"]);
    assert_eq!(
        problems("name: t\nmanifests: a.yaml\n"),
        ["manifests: must be a list"]
    );
    assert_eq!(
        problems("name: t\nexpect: []\n"),
        ["expect: must be a mapping"]
    );
    let gw =
        |body: &str| format!("name: t\nexpect:\n  gateways:\n    - name: ns/gw\n      {body}\n");
    assert_eq!(
        problems(&gw("exactListeners: \"yes\"\n      listeners: {a: {}}")),
        ["expect.gateways[0].exactListeners: must be true or false"]
    );
    assert_eq!(
        problems(&gw("attachedListenerSets: -1")),
        ["expect.gateways[0].attachedListenerSets: must not be negative"]
    );
    assert_eq!(
        problems(&gw("listeners: {http: {attachedRoutes: \"2\"}}")),
        ["expect.gateways[0].listeners.http.attachedRoutes: must be an integer"]
    );
    assert_eq!(
        problems(&gw(
            "listeners: {http: {supportedKinds: [HTTPRoute, Service]}}"
        )),
        [
            "expect.gateways[0].listeners.http.supportedKinds[1]: must be one of: \
          HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute"
        ]
    );
}

#[test]
fn a_key_with_no_value_is_an_error_not_an_absent_key() {
    assert_eq!(
        problems("name: t\ndescription:\n"),
        ["description: has no value (leave the key out instead)"]
    );
    assert_eq!(
        problems("name: t\nexpect:\n"),
        ["expect: must be a mapping"]
    );
}

#[test]
fn exact_listeners_needs_listeners() {
    let text = "name: t\nexpect:\n  gateways:\n    - name: ns/gw\n      exactListeners: true\n";
    assert_eq!(
        problems(text),
        ["expect.gateways[0]: exactListeners needs listeners"]
    );
    let text = "name: t\nexpect:\n  listenerSets:\n    - name: ns/ls\n      exactListeners: true\n      listeners: {}\n";
    assert_eq!(
        problems(text),
        ["expect.listenerSets[0]: exactListeners needs listeners"]
    );
}

#[test]
fn a_step_needs_apply_or_delete() {
    let text = "name: t\nsteps:\n  - requests: []\n";
    assert_eq!(problems(text), ["steps[0]: a step needs apply or delete"]);
    // An empty delete list is still a delete.
    assert_eq!(parse("name: t\nsteps:\n  - delete: []\n").steps.len(), 1);
}

#[test]
fn bad_delete_entries_are_rejected() {
    for bad in [
        "ReferenceGrant",
        "referenceGrant ns/x",
        "ReferenceGrant ns/x/y",
        "R ns/x",
    ] {
        let text = format!("name: t\nsteps:\n  - delete: [\"{bad}\"]\n");
        assert_eq!(
            problems(&text),
            [
                "steps[0].delete[0]: must be \"Kind namespace/name\" (or \"Kind name\" for a cluster-scoped object)"
            ],
            "{bad}"
        );
    }
}

#[test]
fn inline_and_apply_must_be_kubernetes_objects() {
    assert_eq!(
        problems(
            "name: t\ninline: |\n  kind: Service\n  metadata: {name: a}\n  ---\n  just: text\n"
        ),
        ["inline: document 1 is not a Kubernetes object (kind, metadata)"]
    );
    let found = problems("name: t\nsteps:\n  - apply: \"kind: [\"\n");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("steps[0].apply: YAML does not parse:"),
        "{found:?}"
    );
    assert_eq!(
        problems("name: t\ninline: 3\n"),
        ["inline: must be a block of multi-document YAML"]
    );
}

#[test]
fn request_forms_follow_the_checker_rules() {
    let cases = [
        (
            "{url: http://a/, grpc: {service: s, method: m}}",
            "url and grpc exclude each other",
        ),
        (
            "{method: GET}",
            "needs url, grpc, or port (TLS passthrough / TCP / UDP)",
        ),
        (
            "{port: 5000, sni: a.example, protocol: TCP}",
            "protocol (TCP/UDP) takes no sni",
        ),
        (
            "{port: 5000}",
            "port without sni needs protocol: TCP or UDP",
        ),
        (
            "{url: http://a/, sni: a.example}",
            "sni: with a url, only for https://",
        ),
    ];
    for (req, message) in cases {
        assert_eq!(
            problems(&one_request(req, "{backend: ns/web}")),
            [format!("requests[0].request: {message}")],
            "{req}"
        );
    }
}

#[test]
fn request_values_are_checked_at_their_key() {
    let cases = [
        (
            "{url: ftp://a/}",
            "request.url: must be an http:// or https:// URL",
        ),
        (
            "{url: \"http:///x\"}",
            "request.url: must be an http:// or https:// URL",
        ),
        (
            "{url: \"http://a:b/\"}",
            "request.url: must be an http:// or https:// URL (the port is not a number)",
        ),
        (
            "{port: 70000, protocol: TCP}",
            "request.port: must be at most 65535",
        ),
        (
            "{port: 0, protocol: TCP}",
            "request.port: must be a port number (1-65535)",
        ),
        (
            "{port: 53, protocol: SCTP}",
            "request.protocol: must be one of: TCP, UDP",
        ),
        ("{grpc: {service: s}}", "request.grpc.method: missing key"),
        (
            "{url: http://a/, headers: {x: true}}",
            "request.headers.x: must be a string or a number, or a list of them (found boolean `true`)",
        ),
        (
            "{url: http://a/, backendResponse: {header: {}}}",
            "request.backendResponse.header: unknown key (allowed here: headers)",
        ),
    ];
    for (req, message) in cases {
        assert_eq!(
            problems(&one_request(req, "{backend: ns/web}")),
            [format!("requests[0].{message}")],
            "{req}"
        );
    }
}

#[test]
fn expectation_values_are_checked_at_their_key() {
    let cases = [
        (
            "{backend: web}",
            "backend: must be a Service as namespace/name, optionally :port",
        ),
        (
            "{backend: 12}",
            "backend: must be a Service as namespace/name, optionally :port (found integer `12`)",
        ),
        (
            "{backend: \"ns/web:http\"}",
            "backend: must be a Service as namespace/name, optionally :port",
        ),
        (
            "{status: 700}",
            "status: must be an HTTP status code (found integer `700`)",
        ),
        (
            "{status: [200, \"204\"]}",
            "status[1]: must be an HTTP status code (found string \"204\")",
        ),
        (
            "{status: {a: 1}}",
            "status: must be an HTTP status code or a list of them (found map)",
        ),
        (
            "{rejected: false}",
            "rejected: must be true (leave the key out otherwise)",
        ),
        (
            "{redirect: {status: 302}}",
            "redirect.location: missing key",
        ),
        (
            "{redirect: {location: /x, status: 200.5}}",
            "redirect.status: must be an HTTP status code (found floating point `200.5`)",
        ),
        (
            "{backends: {ns/a: -1}}",
            "backends.ns/a: must not be negative",
        ),
        (
            "{backends: {a: 1}}",
            "backends.a: must be a Service as namespace/name, optionally :port",
        ),
        (
            "{backend: ns/a, mirroredTo: ns/b}",
            "mirroredTo: must be a list of Services, or a mapping of Service to percent (found string \"ns/b\")",
        ),
        (
            "{backend: ns/a, mirroredTo: {ns/b: x}}",
            "mirroredTo.ns/b: must be an integer",
        ),
        (
            "{backend: ns/a, upstream: {tls: {SNI: x}}}",
            "upstream.tls.SNI: unknown key (allowed here: sni)",
        ),
        (
            "{backend: ns/a, response: {headersOneOf: {x: y}}}",
            "response.headersOneOf.x: must be a list",
        ),
    ];
    for (exp, message) in cases {
        assert_eq!(
            problems(&one_request("{url: http://a/}", exp)),
            [format!("requests[0].expect.{message}")],
            "{exp}"
        );
    }
}

#[test]
fn a_file_is_one_yaml_document_holding_a_mapping() {
    assert_eq!(
        problems(""),
        ["must hold exactly one YAML document, found 0"]
    );
    assert_eq!(
        problems("name: a\n---\nname: b\n"),
        ["must hold exactly one YAML document, found 2"]
    );
    assert_eq!(problems("- name: a\n"), ["must be a mapping"]);
    let err = TestFile::parse("name: t\nexpect: {gateways: [\n", "t.yaml").unwrap_err();
    assert!(
        err.problems()[0]
            .message()
            .starts_with("YAML does not parse:"),
        "{err}"
    );
}

#[test]
fn a_key_given_twice_is_an_error() {
    let err = TestFile::parse("name: a\nname: b\n", "t.yaml").unwrap_err();
    assert!(
        err.problems()[0]
            .message()
            .starts_with("YAML does not parse:"),
        "{err}"
    );
}

// --- value forms ------------------------------------------------------------

#[test]
fn condition_values_parse_into_status_and_optional_reason() {
    let text = "name: t\nexpect:\n  gateways:\n    - name: ns/gw\n      conditions: {Accepted: \"True\", Programmed: \"False/Invalid\", ResolvedRefs: Unknown}\n";
    let file = parse(text);
    let conditions = &file.expect.gateways[0].conditions;
    let found: Vec<(&str, ConditionExpect)> = conditions
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "Accepted",
                ConditionExpect {
                    status: ConditionStatus::True,
                    reason: None
                }
            ),
            (
                "Programmed",
                ConditionExpect {
                    status: ConditionStatus::False,
                    reason: Some("Invalid".to_owned())
                }
            ),
            (
                "ResolvedRefs",
                ConditionExpect {
                    status: ConditionStatus::Unknown,
                    reason: None
                }
            ),
        ]
    );
    assert_eq!(
        conditions.get("Programmed").unwrap().to_string(),
        "False/Invalid"
    );
    assert!(
        conditions
            .get("Programmed")
            .unwrap()
            .matches("False", "Invalid")
    );
    assert!(
        !conditions
            .get("Programmed")
            .unwrap()
            .matches("False", "Pending")
    );
    assert!(
        conditions
            .get("Accepted")
            .unwrap()
            .matches("True", "Whatever")
    );
}

#[test]
fn parent_refs_parse_in_every_form() {
    let cases = [
        ("ns/gw", ParentKind::Gateway, None),
        ("ns/gw/http", ParentKind::Gateway, Some("http")),
        ("ns/gw/Http_2.x", ParentKind::Gateway, Some("Http_2.x")),
        ("ListenerSet:ns/gw", ParentKind::ListenerSet, None),
        (
            "ListenerSet:ns/gw/extra-http",
            ParentKind::ListenerSet,
            Some("extra-http"),
        ),
    ];
    for (text, kind, section) in cases {
        let parent: ParentRef = text.parse().unwrap();
        assert_eq!(parent.kind, kind, "{text}");
        assert_eq!(parent.namespace, "ns");
        assert_eq!(parent.name, "gw");
        assert_eq!(parent.section_name.as_deref(), section, "{text}");
        assert_eq!(parent.to_string(), text);
    }
}

#[test]
fn gateways_listener_sets_classes_policies_and_routes_parse() {
    let text = r#"
name: t
expect:
  gateways:
    - name: ns/gw
      exactListeners: true
      attachedListenerSets: 2
      listeners:
        http: {attachedRoutes: 2, supportedKinds: [HTTPRoute, GRPCRoute], conditions: {ResolvedRefs: "True/ResolvedRefs"}}
        tls: {supportedKinds: []}
        tcp: {attachedRoutes: 0}
  gatewayClasses:
    - name: my-class
      conditions: {Accepted: "True/Accepted"}
  listenerSets:
    - name: ns/extra
      conditions: {Accepted: "True"}
      listeners: {extra-http: {attachedRoutes: 1}}
  policies:
    - kind: BackendTLSPolicy
      name: ns/backend-tls
      ancestors:
        - ancestorRef: ns/gw
          conditions: {Accepted: "True/Accepted", ResolvedRefs: "True"}
  routes:
    - kind: TLSRoute
      name: ns/r
      parents:
        - parentRef: ListenerSet:ns/extra/extra-http
          conditions: {Accepted: "False/NotAllowedByListeners"}
      absentParents: [ns/other, ns/gw/https]
"#;
    let file = parse(text);
    let gw = &file.expect.gateways[0];
    assert!(gw.exact_listeners);
    assert_eq!(gw.attached_listener_sets, Some(2));
    assert_eq!(
        gw.listeners.keys().collect::<Vec<_>>(),
        ["http", "tls", "tcp"]
    );
    let http = gw.listeners.get("http").unwrap();
    assert_eq!(http.attached_routes, Some(2));
    assert_eq!(
        http.supported_kinds.as_deref(),
        Some(&[RouteKind::HttpRoute, RouteKind::GrpcRoute][..])
    );
    // `supportedKinds: []` (must list none) differs from leaving it out (not checked).
    assert_eq!(
        gw.listeners.get("tls").unwrap().supported_kinds,
        Some(vec![])
    );
    assert_eq!(gw.listeners.get("tcp").unwrap().supported_kinds, None);
    assert_eq!(gw.listeners.get("tcp").unwrap().attached_routes, Some(0));
    assert_eq!(gw.listeners.get("tls").unwrap().attached_routes, None);

    assert_eq!(file.expect.gateway_classes[0].name, "my-class");
    assert_eq!(file.expect.listener_sets[0].name.to_string(), "ns/extra");
    assert!(!file.expect.listener_sets[0].exact_listeners);
    assert_eq!(file.expect.listener_sets[0].attached_listener_sets, None);

    let policy = &file.expect.policies[0];
    assert_eq!(policy.kind, "BackendTLSPolicy");
    assert_eq!(policy.ancestors[0].ancestor_ref, "ns/gw".parse().unwrap());
    assert_eq!(policy.ancestors[0].conditions.len(), 2);

    let route = &file.expect.routes[0];
    assert_eq!(route.kind, RouteKind::TlsRoute);
    assert_eq!(route.parents[0].parent_ref.kind, ParentKind::ListenerSet);
    assert_eq!(
        route.parents[0].parent_ref.section_name.as_deref(),
        Some("extra-http")
    );
    assert_eq!(route.absent_parents.len(), 2);
    assert_eq!(
        route.absent_parents[1].section_name.as_deref(),
        Some("https")
    );
}

#[test]
fn an_absent_expect_block_checks_nothing() {
    let file = parse("name: t\n");
    assert!(file.expect.is_empty());
    assert!(file.requests.is_empty() && file.steps.is_empty() && file.manifests.is_empty());
    assert_eq!(file.inline, None);
}

#[test]
fn http_requests_parse_url_parts_with_default_ports() {
    let r = request("{url: \"http://example.com/v2/path?x=1&y=2#frag\"}");
    let RequestTarget::Http(url) = r.target() else {
        panic!("not http: {r:?}");
    };
    assert_eq!(url.scheme(), Scheme::Http);
    assert_eq!(url.host(), "example.com");
    assert_eq!(url.port(), 80);
    assert_eq!(url.explicit_port(), None);
    assert_eq!(url.path(), "/v2/path");
    assert_eq!(url.query(), Some("x=1&y=2"));
    assert_eq!(url.path_and_query(), "/v2/path?x=1&y=2");
    assert_eq!(r.method(), "GET");
    assert_eq!(r.explicit_method(), None);
    assert_eq!(r.authority(), Some("example.com"));
    assert_eq!(r.port(), 80);
    assert!(!r.uses_tls());

    let r = request("{url: https://example.com, method: POST}");
    let RequestTarget::Http(url) = r.target() else {
        panic!("not http: {r:?}");
    };
    assert_eq!(
        (url.scheme(), url.port(), url.path(), url.query()),
        (Scheme::Https, 443, "/", None)
    );
    assert_eq!(r.method(), "POST");
    assert!(r.uses_tls());
    assert_eq!(r.server_name(), Some("example.com"));

    let url: RequestUrl = "http://192.0.2.1:8080?q".parse().unwrap();
    assert_eq!(
        (url.host(), url.port(), url.path(), url.query()),
        ("192.0.2.1", 8080, "/", Some("q"))
    );
    assert_eq!(url.authority(), "192.0.2.1:8080");
    let url: RequestUrl = "https://[::1]:8443/x".parse().unwrap();
    assert_eq!((url.host(), url.port()), ("[::1]", 8443));
}

#[test]
fn host_and_sni_override_what_the_url_implies() {
    let r = request(
        "{url: \"https://192.0.2.1/\", host: \"very.specific.com:1234\", sni: other.example.com}",
    );
    assert_eq!(r.host_override(), Some("very.specific.com:1234"));
    assert_eq!(r.authority(), Some("very.specific.com:1234"));
    assert_eq!(r.host_name(), Some("very.specific.com"));
    assert_eq!(r.sni(), Some("other.example.com"));
    assert_eq!(r.server_name(), Some("other.example.com"));
    assert_eq!(
        r.port(),
        443,
        "the listener port comes from the url, not the host"
    );
}

#[test]
fn header_values_are_strings_numbers_or_lists() {
    let r = request(
        "{url: http://a/, headers: {version: one, max-age: 3600, ratio: 1.5, multi: [a, 2]}}",
    );
    let headers = r.headers();
    assert_eq!(
        headers.get("version"),
        Some(&HeaderValue::One("one".to_owned()))
    );
    assert_eq!(headers.get("max-age").unwrap().values(), ["3600"]);
    assert_eq!(headers.get("ratio").unwrap().values(), ["1.5"]);
    assert_eq!(
        headers.get("multi"),
        Some(&HeaderValue::List(vec!["a".to_owned(), "2".to_owned()]))
    );
    assert_eq!(
        headers.keys().collect::<Vec<_>>(),
        ["version", "max-age", "ratio", "multi"]
    );
}

#[test]
fn grpc_tls_and_stream_requests_have_their_own_forms() {
    let r = request("{grpc: {host: grpc.example.com, service: pkg.Svc, method: Echo}}");
    let RequestTarget::Grpc(call) = r.target() else {
        panic!("not grpc: {r:?}");
    };
    assert_eq!(call.path(), "/pkg.Svc/Echo");
    assert_eq!(r.authority(), Some("grpc.example.com"));
    assert_eq!(r.port(), 80);
    assert!(!r.uses_tls());
    let r = request("{grpc: {service: pkg.Svc, method: Echo}, sni: grpc.example.com}");
    assert_eq!((r.port(), r.uses_tls(), r.authority()), (443, true, None));

    let r = request("{sni: tls.example.com, port: 443}");
    assert_eq!(
        r.target(),
        &RequestTarget::Tls {
            sni: "tls.example.com".to_owned(),
            port: 443
        }
    );
    assert_eq!(
        (r.port(), r.server_name(), r.authority()),
        (443, Some("tls.example.com"), None)
    );

    let r = request("{port: 5000, protocol: UDP}");
    assert_eq!(
        r.target(),
        &RequestTarget::Stream {
            port: 5000,
            protocol: StreamProtocol::Udp
        }
    );
    assert_eq!(
        (r.port(), r.uses_tls(), r.server_name()),
        (5000, false, None)
    );
}

#[test]
fn backend_response_headers_are_kept() {
    let r = request("{url: http://a/, backendResponse: {headers: {x-header-set: old}}}");
    assert_eq!(
        r.backend_response_headers()
            .get("x-header-set")
            .unwrap()
            .values(),
        ["old"]
    );
    assert!(
        request("{url: http://a/}")
            .backend_response_headers()
            .is_empty()
    );
}

#[test]
fn each_outcome_form_parses() {
    let e = expect("{backend: ns/web}");
    assert_eq!(
        e.outcome,
        Outcome::Backend(ServiceRef {
            namespace: "ns".into(),
            name: "web".into(),
            port: None
        })
    );
    let e = expect("{backend: \"ns/web:8443\"}");
    assert!(matches!(
        e.outcome,
        Outcome::Backend(ServiceRef {
            port: Some(8443),
            ..
        })
    ));

    let e = expect("{backends: {ns/web-v1: 70, ns/web-v2: 30, ns/web-v3: 0}}");
    let Outcome::Backends(split) = e.outcome else {
        panic!("not backends");
    };
    let split: Vec<(String, u32)> = split
        .iter()
        .map(|b| (b.service.to_string(), b.weight))
        .collect();
    assert_eq!(
        split,
        [
            ("ns/web-v1".to_owned(), 70),
            ("ns/web-v2".to_owned(), 30),
            ("ns/web-v3".to_owned(), 0)
        ]
    );

    let Outcome::Status(codes) = expect("{status: 404}").outcome else {
        panic!("not status");
    };
    assert_eq!(codes.codes(), [404]);
    assert!(codes.accepts(404) && !codes.accepts(200));
    let Outcome::Status(codes) = expect("{status: [200, 204]}").outcome else {
        panic!("not status");
    };
    assert_eq!(codes.codes(), [200, 204]);
    assert_eq!(codes.to_string(), "one of [200, 204]");

    let e = expect("{redirect: {location: \"https://example.com/v2/\", status: 302}}");
    assert_eq!(
        e.outcome,
        Outcome::Redirect(RedirectExpect {
            location: "https://example.com/v2/".into(),
            status: Some(302)
        })
    );
    let e = expect("{redirect: {location: /x}}");
    assert!(matches!(
        e.outcome,
        Outcome::Redirect(RedirectExpect { status: None, .. })
    ));

    assert_eq!(expect("{rejected: true}").outcome, Outcome::Rejected);
}

#[test]
fn mirrored_to_takes_a_list_or_a_map_of_percents() {
    let e = expect("{backend: ns/a, mirroredTo: [ns/b, ns/c]}");
    let mirrors = e.mirrored_to.unwrap();
    assert_eq!(mirrors.len(), 2);
    assert_eq!(mirrors[1].service.name, "c");
    assert!(mirrors.iter().all(|m| m.percent.is_none()));

    let e = expect("{backend: ns/a, mirroredTo: {ns/b: 20, ns/c: 35}}");
    let mirrors = e.mirrored_to.unwrap();
    let found: Vec<(&str, Option<u32>)> = mirrors
        .iter()
        .map(|m| (m.service.name.as_str(), m.percent))
        .collect();
    assert_eq!(found, [("b", Some(20)), ("c", Some(35))]);

    assert_eq!(expect("{backend: ns/a}").mirrored_to, None);
}

#[test]
fn upstream_and_response_checks_parse() {
    let e = expect(
        r#"{backend: ns/a,
            upstream: {path: /prefix/two, host: rewritten.example.com, headers: {x-added: value},
                       absentHeaders: [x-removed], tls: {sni: backend.example.com}},
            response: {headers: {x-resp: value}, headersOneOf: {access-control-allow-origin: ["*", "https://foo.example"]},
                       absentHeaders: [server]}}"#,
    );
    let up = e.upstream.unwrap();
    assert_eq!(up.path.as_deref(), Some("/prefix/two"));
    assert_eq!(up.host.as_deref(), Some("rewritten.example.com"));
    assert_eq!(up.headers.get("x-added").unwrap().values(), ["value"]);
    assert_eq!(up.absent_headers, ["x-removed"]);
    assert_eq!(up.tls.unwrap().sni.as_deref(), Some("backend.example.com"));
    let resp = e.response.unwrap();
    assert_eq!(resp.headers.get("x-resp").unwrap().values(), ["value"]);
    assert_eq!(
        resp.headers_one_of
            .get("access-control-allow-origin")
            .unwrap(),
        &["*", "https://foo.example"]
    );
    assert_eq!(resp.absent_headers, ["server"]);
}

#[test]
fn steps_carry_apply_delete_expect_and_requests() {
    let text = r#"
name: t
steps:
  - apply: |
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: ns}
    delete: [ReferenceGrant ns/allow, GatewayClass my-class]
    expect:
      routes: [{kind: HTTPRoute, name: ns/r, parents: [{parentRef: ns/gw, conditions: {ResolvedRefs: "False/RefNotPermitted"}}]}]
    requests:
      - gateway: ns/gw
        request: {url: http://a/}
        expect: {status: 500}
  - delete: [Service ns/web]
"#;
    let file = parse(text);
    let step = &file.steps[0];
    assert!(step.apply.as_deref().unwrap().contains("kind: Service"));
    assert_eq!(
        step.delete,
        [
            ObjectKey {
                kind: "ReferenceGrant".into(),
                namespace: Some("ns".into()),
                name: "allow".into()
            },
            ObjectKey {
                kind: "GatewayClass".into(),
                namespace: None,
                name: "my-class".into()
            },
        ]
    );
    assert_eq!(step.delete[1].to_string(), "GatewayClass my-class");
    assert_eq!(step.expect.routes[0].parents[0].conditions.len(), 1);
    assert_eq!(step.requests.len(), 1);
    assert_eq!(file.steps[1].apply, None);
    assert!(file.steps[1].expect.is_empty());
}

#[test]
fn service_refs_and_namespaced_names_round_trip() {
    let s: ServiceRef = "ns/web:80".parse().unwrap();
    assert_eq!(s.to_string(), "ns/web:80");
    assert!("ns/web:99999".parse::<ServiceRef>().is_err());
    assert!("ns/web:".parse::<ServiceRef>().is_err());
    let n: NamespacedName = "a.b/c-d".parse().unwrap();
    assert_eq!(n, NamespacedName::new("a.b", "c-d"));
    assert!("a/b/c".parse::<NamespacedName>().is_err());
    assert!("-a/b".parse::<NamespacedName>().is_err());
}

// --- load, placeholders, discovery -----------------------------------------

/// A fresh, empty folder under the system temp folder.
fn temp_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gwcheck-testfile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: ns}\n";

#[test]
fn load_orders_sources_files_then_inline_then_steps_and_substitutes_placeholders() {
    let dir = temp_folder("load");
    std::fs::create_dir_all(dir.join("base")).unwrap();
    std::fs::write(dir.join("base/one.yaml"), SERVICE).unwrap();
    std::fs::write(
        dir.join("two.yaml"),
        "kind: Gateway\nmetadata: {name: g}\nspec: {gatewayClassName: \"{GATEWAY_CLASS_NAME}\"}\n",
    )
    .unwrap();
    let test = "name: t\nmanifests: [base/one.yaml, two.yaml]\ninline: |\n  kind: GatewayClass\n  metadata: {name: c}\n  spec: {controllerName: \"{GATEWAY_CONTROLLER_NAME}\"}\nsteps:\n  - delete: []\n  - apply: |\n      kind: Gateway\n      metadata: {name: h}\n      spec: {gatewayClassName: \"{GATEWAY_CLASS_NAME}\"}\n";
    let path = dir.join("case.yaml");
    std::fs::write(&path, test).unwrap();

    let loaded = TestFile::load(&path).unwrap();
    let origins: Vec<&SourceOrigin> = loaded
        .sources()
        .iter()
        .map(ManifestSource::origin)
        .collect();
    assert_eq!(
        origins,
        [
            &SourceOrigin::File(dir.join("base/one.yaml")),
            &SourceOrigin::File(dir.join("two.yaml")),
            &SourceOrigin::Inline,
            &SourceOrigin::Step(1),
        ]
    );
    assert_eq!(loaded.initial_sources().count(), 3);
    assert!(loaded.step_source(0).is_none());
    assert!(
        loaded
            .step_source(1)
            .unwrap()
            .name()
            .ends_with("case.yaml: steps[1].apply")
    );
    assert_eq!(loaded.sources()[0].text(), SERVICE);

    let resolved = loaded.resolved_sources("my-class", "example.com/ctl");
    assert!(
        resolved[1]
            .text()
            .contains("gatewayClassName: \"my-class\"")
    );
    assert!(
        resolved[2]
            .text()
            .contains("controllerName: \"example.com/ctl\"")
    );
    assert!(
        resolved[3]
            .text()
            .contains("gatewayClassName: \"my-class\"")
    );
    // The sources as loaded keep the placeholders.
    assert!(loaded.sources()[1].text().contains("{GATEWAY_CLASS_NAME}"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_reports_every_bad_manifest() {
    let dir = temp_folder("bad-manifests");
    std::fs::write(dir.join("broken.yaml"), "kind: [\n").unwrap();
    std::fs::write(dir.join("ok.yaml"), SERVICE).unwrap();
    let path = dir.join("case.yaml");
    std::fs::write(
        &path,
        "name: t\nmanifests: [ok.yaml, missing.yaml, /etc/abs.yaml, broken.yaml]\n",
    )
    .unwrap();
    let err = TestFile::load(&path).unwrap_err();
    let found: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0], "manifests[1]: missing.yaml: file not found");
    assert_eq!(
        found[1],
        "manifests[2]: /etc/abs.yaml: must be relative to the test file"
    );
    assert!(
        found[2].starts_with("manifests[3]: broken.yaml: YAML does not parse:"),
        "{found:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("{}: manifests[1]", path.display()))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_of_a_missing_file_is_a_read_error() {
    let err = TestFile::load("/nonexistent/gwcheck/test.yaml").unwrap_err();
    assert!(matches!(err.kind(), TestFileErrorKind::Read(_)));
    assert!(err.problems().is_empty());
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn placeholders_are_replaced_everywhere_they_occur() {
    let out = substitute_placeholders(
        "a: {GATEWAY_CLASS_NAME}\nb: {GATEWAY_CONTROLLER_NAME}\nc: \"{GATEWAY_CLASS_NAME}\"\n",
        DEFAULT_GATEWAY_CLASS_NAME,
        DEFAULT_GATEWAY_CONTROLLER_NAME,
    );
    assert_eq!(
        out,
        "a: gwcheck\nb: gwcheck.dev/gateway-controller\nc: \"gwcheck\"\n"
    );
}

#[test]
fn discovery_takes_yaml_files_directly_in_the_folder_in_name_order() {
    let dir = temp_folder("discover");
    for name in [
        "b.yaml",
        "a.yaml",
        "c.yml",
        "notes.md",
        ".hidden.yaml",
        "a.yaml.bak",
    ] {
        std::fs::write(dir.join(name), "name: x\n").unwrap();
    }
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    std::fs::write(dir.join("manifests/0.yaml"), SERVICE).unwrap();
    std::fs::create_dir_all(dir.join("folder.yaml")).unwrap();
    let files = discover(&dir).unwrap();
    assert_eq!(files, [dir.join("a.yaml"), dir.join("b.yaml")]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(discover(&dir).is_err());
}
