//! The CEL rules of HTTPRoute, GRPCRoute and the shared route rules: for each
//! rule, an object that breaks it and one just inside it.

use serde_json::json;

use super::{T, grpc_route, route};

fn with_path(type_: &str, value: &str) -> T {
    route().set(
        "spec.rules[0].matches",
        json!([{"path": {"type": type_, "value": value}}]),
    )
}

const VALUE: &str = "spec.rules[0].matches[0].path.value";

#[test]
fn httproute_path_starts_with_slash() {
    with_path("Exact", "api").rejects("httproute.path.starts-with-slash", VALUE);
    with_path("PathPrefix", "api").rejects("httproute.path.starts-with-slash", VALUE);
    with_path("Exact", "/").clean();
    // RegularExpression values are only length-limited.
    with_path("RegularExpression", "api.*").clean();
}

#[test]
fn httproute_path_no_double_slash() {
    with_path("Exact", "/a//b").rejects("httproute.path.no-double-slash", VALUE);
    with_path("Exact", "/a/b/").clean();
}

#[test]
fn httproute_path_no_dot_segment() {
    with_path("PathPrefix", "/a/./b").rejects("httproute.path.no-dot-segment", VALUE);
    with_path("PathPrefix", "/a/.b/").clean();
}

#[test]
fn httproute_path_no_dot_dot_segment() {
    with_path("PathPrefix", "/a/../b").rejects("httproute.path.no-dot-dot-segment", VALUE);
    with_path("PathPrefix", "/a/..b/").clean();
}

#[test]
fn httproute_path_no_encoded_slash_lower() {
    with_path("Exact", "/a%2fb").rejects("httproute.path.no-encoded-slash-lower", VALUE);
    with_path("Exact", "/a%2eb").clean();
}

#[test]
fn httproute_path_no_encoded_slash_upper() {
    with_path("Exact", "/a%2Fb").rejects("httproute.path.no-encoded-slash-upper", VALUE);
    with_path("Exact", "/a%2Eb").clean();
}

#[test]
fn httproute_path_no_fragment() {
    with_path("Exact", "/a#b").rejects("httproute.path.no-fragment", VALUE);
    with_path("Exact", "/a%23b").clean();
}

#[test]
fn httproute_path_no_trailing_dot_dot() {
    with_path("PathPrefix", "/a/..").rejects("httproute.path.no-trailing-dot-dot", VALUE);
    with_path("PathPrefix", "/a/...").clean();
}

#[test]
fn httproute_path_no_trailing_dot() {
    with_path("PathPrefix", "/a/.").rejects("httproute.path.no-trailing-dot", VALUE);
    with_path("PathPrefix", "/a.").clean();
}

#[test]
fn httproute_path_type_known() {
    with_path("Regex", "/a").rejects(
        "httproute.path.type-known",
        "spec.rules[0].matches[0].path.type",
    );
    with_path("RegularExpression", "/a").clean();
}

#[test]
fn httproute_path_characters() {
    with_path("Exact", "/a b").rejects("httproute.path.characters", VALUE);
    with_path("Exact", "/a%zz").rejects("httproute.path.characters", VALUE);
    with_path("Exact", "/a%20b~!$&'()*+,;=:@-._").clean();
}

#[test]
fn defaulted_path_passes_the_path_rules() {
    route()
        .set("spec.rules[0].matches", json!([{"path": {}}]))
        .clean();
    route().set("spec.rules[0].matches", json!([{}])).clean();
}

#[test]
fn route_rules_max_total_matches() {
    let m = json!({"path": {"value": "/"}});
    let rule = |n: usize| json!({"matches": vec![m.clone(); n], "backendRefs": [{"name": "s", "port": 1}]});
    let many = |last: usize| {
        let mut rules: Vec<_> = (0..2).map(|_| rule(60)).collect();
        rules.push(rule(last));
        route().set("spec.rules", json!(rules))
    };
    many(9).rejects("route.rules.max-total-matches", "spec.rules");
    many(8).clean();
    // GRPCRoute counts absent matches as zero.
    let g = json!({"method": {"service": "a.B"}});
    let grule = |n: usize| json!({"matches": vec![g.clone(); n]});
    grpc_route()
        .set("spec.rules", json!([grule(64), grule(64), grule(1)]))
        .rejects("route.rules.max-total-matches", "spec.rules");
    grpc_route()
        .set("spec.rules", json!([grule(64), grule(64), {}]))
        .clean();
}

#[test]
fn route_rules_unique_names() {
    let named = |a: &str, b: &str| {
        route().set(
            "spec.rules",
            json!([
                {"name": a, "backendRefs": [{"name": "s", "port": 1}]},
                {"name": b, "backendRefs": [{"name": "s", "port": 1}]},
            ]),
        )
    };
    named("a", "a")
        .exp()
        .rejects("route.rules.unique-names", "spec.rules[1].name");
    named("a", "b").exp().clean();
    // Standard channel: no such rule.
    named("a", "a").lacks("route.rules.unique-names");
    grpc_route()
        .set("spec.rules", json!([{"name": "x"}, {"name": "x"}]))
        .exp()
        .rejects("route.rules.unique-names", "spec.rules[1].name");
    grpc_route()
        .set("spec.rules", json!([{"name": "x"}, {}, {}]))
        .exp()
        .clean();
}

fn redirect(path: serde_json::Value) -> serde_json::Value {
    json!({"type": "RequestRedirect", "requestRedirect": {"path": path}})
}

fn rewrite(path: serde_json::Value) -> serde_json::Value {
    json!({"type": "URLRewrite", "urlRewrite": {"path": path}})
}

fn prefix() -> serde_json::Value {
    json!({"type": "ReplacePrefixMatch", "replacePrefixMatch": "/new"})
}

#[test]
fn httproute_rule_redirect_with_backends() {
    route()
        .set("spec.rules[0].filters", json!([redirect(prefix())]))
        .rejects("httproute.rule.redirect-with-backends", "spec.rules[0]");
    route()
        .remove("spec.rules[0].backendRefs")
        .set("spec.rules[0].filters", json!([redirect(prefix())]))
        .clean();
    route()
        .set("spec.rules[0].backendRefs", json!([]))
        .set("spec.rules[0].filters", json!([redirect(prefix())]))
        .clean();
}

#[test]
fn httproute_rule_redirect_prefix_needs_single_prefix_match() {
    let base = route()
        .remove("spec.rules[0].backendRefs")
        .set("spec.rules[0].filters", json!([redirect(prefix())]));
    base.clone()
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"type": "Exact", "value": "/a"}}]),
        )
        .rejects(
            "httproute.rule.redirect-prefix-needs-single-prefix-match",
            "spec.rules[0]",
        );
    base.clone()
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"value": "/a"}}, {"path": {"value": "/b"}}]),
        )
        .rejects(
            "httproute.rule.redirect-prefix-needs-single-prefix-match",
            "spec.rules[0]",
        );
    // No matches: the default is one PathPrefix match.
    base.clean();
    base.set(
        "spec.rules[0].matches",
        json!([{"path": {"type": "PathPrefix", "value": "/a"}}]),
    )
    .clean();
}

#[test]
fn httproute_rule_rewrite_prefix_needs_single_prefix_match() {
    let base = route().set("spec.rules[0].filters", json!([rewrite(prefix())]));
    base.clone()
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"type": "Exact", "value": "/a"}}]),
        )
        .rejects(
            "httproute.rule.rewrite-prefix-needs-single-prefix-match",
            "spec.rules[0]",
        );
    base.set("spec.rules[0].matches", json!([{"path": {"value": "/a"}}]))
        .clean();
    // A full-path rewrite is not restricted.
    route()
        .set(
            "spec.rules[0].filters",
            json!([rewrite(
                json!({"type": "ReplaceFullPath", "replaceFullPath": "/x"})
            )]),
        )
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"type": "Exact", "value": "/a"}}]),
        )
        .clean();
}

#[test]
fn httproute_rule_backend_redirect_prefix_needs_single_prefix_match() {
    let base = route().set(
        "spec.rules[0].backendRefs[0].filters",
        json!([redirect(prefix())]),
    );
    base.clone()
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"type": "Exact", "value": "/a"}}]),
        )
        .rejects(
            "httproute.rule.backend-redirect-prefix-needs-single-prefix-match",
            "spec.rules[0]",
        );
    base.set("spec.rules[0].matches", json!([{"path": {"value": "/a"}}]))
        .clean();
}

#[test]
fn httproute_rule_backend_rewrite_prefix_needs_single_prefix_match() {
    let base = route().set(
        "spec.rules[0].backendRefs[0].filters",
        json!([rewrite(prefix())]),
    );
    base.clone()
        .set(
            "spec.rules[0].matches",
            json!([{"path": {"value": "/a"}}, {"path": {"value": "/b"}}]),
        )
        .rejects(
            "httproute.rule.backend-rewrite-prefix-needs-single-prefix-match",
            "spec.rules[0]",
        );
    base.set("spec.rules[0].matches", json!([{"path": {"value": "/a"}}]))
        .clean();
}

#[test]
fn backendref_service_port_required() {
    route()
        .set("spec.rules[0].backendRefs", json!([{"name": "svc"}]))
        .rejects(
            "backendref.service-port-required",
            "spec.rules[0].backendRefs[0]",
        );
    route()
        .set(
            "spec.rules[0].backendRefs",
            json!([{"name": "svc", "port": 1}]),
        )
        .clean();
    // Other kinds need no port.
    route()
        .set(
            "spec.rules[0].backendRefs",
            json!([{"name": "b", "group": "example.com", "kind": "Bucket"}]),
        )
        .clean();
    // Mirrors too.
    route()
        .set(
            "spec.rules[0].filters",
            json!([{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m"}}}]),
        )
        .rejects(
            "backendref.service-port-required",
            "spec.rules[0].filters[0].requestMirror.backendRef",
        );
    grpc_route()
        .set("spec.rules[0].backendRefs", json!([{"name": "svc"}]))
        .rejects(
            "backendref.service-port-required",
            "spec.rules[0].backendRefs[0]",
        );
}

fn filters(list: serde_json::Value) -> T {
    route().set("spec.rules[0].filters", list)
}

fn header_mod(t: &str) -> serde_json::Value {
    let member = if t == "RequestHeaderModifier" {
        "requestHeaderModifier"
    } else {
        "responseHeaderModifier"
    };
    json!({"type": t, member: {"set": [{"name": "x", "value": "y"}]}})
}

fn cors() -> serde_json::Value {
    json!({"type": "CORS", "cors": {"allowOrigins": ["*"]}})
}

#[test]
fn filters_redirect_and_rewrite() {
    route()
        .remove("spec.rules[0].backendRefs")
        .set(
            "spec.rules[0].filters",
            json!([
                redirect(json!({"type": "ReplaceFullPath", "replaceFullPath": "/a"})),
                rewrite(json!({"type": "ReplaceFullPath", "replaceFullPath": "/a"}))
            ]),
        )
        .rejects("filters.redirect-and-rewrite", "spec.rules[0].filters");
    filters(json!([rewrite(
        json!({"type": "ReplaceFullPath", "replaceFullPath": "/a"})
    )]))
    .clean();
}

#[test]
fn filters_single_cors() {
    filters(json!([cors(), cors()])).rejects("filters.single-cors", "spec.rules[0].filters");
    filters(json!([cors()])).clean();
}

#[test]
fn filters_single_request_header_modifier() {
    let f = header_mod("RequestHeaderModifier");
    filters(json!([f, f])).rejects(
        "filters.single-request-header-modifier",
        "spec.rules[0].filters",
    );
    filters(json!([f, header_mod("ResponseHeaderModifier")])).clean();
    grpc_route()
        .set("spec.rules[0].filters", json!([f, f]))
        .rejects(
            "filters.single-request-header-modifier",
            "spec.rules[0].filters",
        );
    grpc_route()
        .set("spec.rules[0].filters", json!([f]))
        .clean();
}

#[test]
fn filters_single_response_header_modifier() {
    let f = header_mod("ResponseHeaderModifier");
    filters(json!([f, f])).rejects(
        "filters.single-response-header-modifier",
        "spec.rules[0].filters",
    );
    filters(json!([f])).clean();
    grpc_route()
        .set("spec.rules[0].backendRefs[0].filters", json!([f, f]))
        .rejects(
            "filters.single-response-header-modifier",
            "spec.rules[0].backendRefs[0].filters",
        );
}

#[test]
fn filters_single_request_redirect() {
    let f = redirect(json!({"type": "ReplaceFullPath", "replaceFullPath": "/a"}));
    route()
        .remove("spec.rules[0].backendRefs")
        .set("spec.rules[0].filters", json!([f, f]))
        .rejects("filters.single-request-redirect", "spec.rules[0].filters");
    route()
        .remove("spec.rules[0].backendRefs")
        .set("spec.rules[0].filters", json!([f]))
        .clean();
}

#[test]
fn filters_single_url_rewrite() {
    let f = rewrite(json!({"type": "ReplaceFullPath", "replaceFullPath": "/a"}));
    route()
        .set("spec.rules[0].backendRefs[0].filters", json!([f, f]))
        .rejects(
            "filters.single-url-rewrite",
            "spec.rules[0].backendRefs[0].filters",
        );
    route()
        .set("spec.rules[0].backendRefs[0].filters", json!([f]))
        .clean();
}

/// Each union member: the type without its member, and the member under
/// another type.
fn union_case(type_: &str, member: &str, block: serde_json::Value) {
    let slug = match member {
        "requestHeaderModifier" => "request-header-modifier",
        "responseHeaderModifier" => "response-header-modifier",
        "requestMirror" => "request-mirror",
        "requestRedirect" => "request-redirect",
        "urlRewrite" => "url-rewrite",
        "extensionRef" => "extension-ref",
        "cors" => "cors",
        _ => "external-auth",
    };
    let required = format!("filter.{slug}.required");
    let unexpected = format!("filter.{slug}.unexpected");
    let other = if type_ == "ExtensionRef" {
        "CORS"
    } else {
        "ExtensionRef"
    };
    let base = route().remove("spec.rules[0].backendRefs").exp();
    base.clone()
        .set("spec.rules[0].filters", json!([{"type": type_}]))
        .rejects(&required, "spec.rules[0].filters[0]");
    let mut wrong = json!({"type": other, member: block});
    let other_member = if other == "CORS" {
        "cors"
    } else {
        "extensionRef"
    };
    wrong[other_member] = if other == "CORS" {
        json!({})
    } else {
        json!({"group": "example.com", "kind": "Thing", "name": "t"})
    };
    base.clone()
        .set("spec.rules[0].filters", json!([wrong]))
        .rejects(&unexpected, &format!("spec.rules[0].filters[0].{member}"));
    base.set(
        "spec.rules[0].filters",
        json!([{"type": type_, member: block}]),
    )
    .clean();
}

#[test]
fn filter_request_header_modifier_required() {
    union_case(
        "RequestHeaderModifier",
        "requestHeaderModifier",
        json!({"remove": ["x"]}),
    );
}

#[test]
fn filter_request_header_modifier_unexpected() {
    filters(json!([{"type": "CORS", "cors": {}, "requestHeaderModifier": {}}])).rejects(
        "filter.request-header-modifier.unexpected",
        "spec.rules[0].filters[0].requestHeaderModifier",
    );
}

#[test]
fn filter_response_header_modifier_required() {
    union_case(
        "ResponseHeaderModifier",
        "responseHeaderModifier",
        json!({"remove": ["x"]}),
    );
}

#[test]
fn filter_response_header_modifier_unexpected() {
    filters(json!([{"type": "CORS", "cors": {}, "responseHeaderModifier": {}}])).rejects(
        "filter.response-header-modifier.unexpected",
        "spec.rules[0].filters[0].responseHeaderModifier",
    );
}

#[test]
fn filter_request_mirror_required() {
    union_case(
        "RequestMirror",
        "requestMirror",
        json!({"backendRef": {"name": "m", "port": 80}}),
    );
}

#[test]
fn filter_request_mirror_unexpected() {
    filters(json!([{"type": "CORS", "cors": {}, "requestMirror": {"backendRef": {"name": "m", "port": 1}}}]))
        .rejects("filter.request-mirror.unexpected", "spec.rules[0].filters[0].requestMirror");
}

#[test]
fn filter_request_redirect_required() {
    union_case(
        "RequestRedirect",
        "requestRedirect",
        json!({"scheme": "https"}),
    );
}

#[test]
fn filter_request_redirect_unexpected() {
    route()
        .remove("spec.rules[0].backendRefs")
        .set(
            "spec.rules[0].filters",
            json!([{"type": "CORS", "cors": {}, "requestRedirect": {}}]),
        )
        .rejects(
            "filter.request-redirect.unexpected",
            "spec.rules[0].filters[0].requestRedirect",
        );
}

#[test]
fn filter_url_rewrite_required() {
    union_case(
        "URLRewrite",
        "urlRewrite",
        json!({"hostname": "example.com"}),
    );
}

#[test]
fn filter_url_rewrite_unexpected() {
    filters(json!([{"type": "CORS", "cors": {}, "urlRewrite": {}}])).rejects(
        "filter.url-rewrite.unexpected",
        "spec.rules[0].filters[0].urlRewrite",
    );
}

#[test]
fn filter_extension_ref_required() {
    union_case(
        "ExtensionRef",
        "extensionRef",
        json!({"group": "example.com", "kind": "Thing", "name": "t"}),
    );
}

#[test]
fn filter_extension_ref_unexpected() {
    filters(json!([{"type": "CORS", "cors": {}, "extensionRef": {"group": "", "kind": "K", "name": "n"}}]))
        .rejects("filter.extension-ref.unexpected", "spec.rules[0].filters[0].extensionRef");
}

#[test]
fn filter_cors_required() {
    union_case("CORS", "cors", json!({"allowMethods": ["GET"]}));
}

#[test]
fn filter_cors_unexpected() {
    filters(json!([{"type": "ExtensionRef", "extensionRef": {"group": "", "kind": "K", "name": "n"}, "cors": {}}]))
        .rejects("filter.cors.unexpected", "spec.rules[0].filters[0].cors");
}

#[cfg(feature = "experimental")]
#[test]
fn filter_external_auth_required() {
    union_case(
        "ExternalAuth",
        "externalAuth",
        json!({"protocol": "HTTP", "http": {}, "backendRef": {"name": "auth", "port": 80}}),
    );
}

#[cfg(feature = "experimental")]
#[test]
fn filter_external_auth_unexpected() {
    filters(json!([{"type": "CORS", "cors": {},
        "externalAuth": {"protocol": "GRPC", "grpc": {}, "backendRef": {"name": "a", "port": 1}}}]))
    .exp()
    .rejects(
        "filter.external-auth.unexpected",
        "spec.rules[0].filters[0].externalAuth",
    );
}

#[test]
fn grpc_filter_unions() {
    let g = |f: serde_json::Value| grpc_route().set("spec.rules[0].filters", json!([f]));
    g(json!({"type": "RequestMirror"}))
        .rejects("filter.request-mirror.required", "spec.rules[0].filters[0]");
    g(
        json!({"type": "ExtensionRef", "extensionRef": {"group": "", "kind": "K", "name": "n"},
             "requestHeaderModifier": {}}),
    )
    .rejects(
        "filter.request-header-modifier.unexpected",
        "spec.rules[0].filters[0].requestHeaderModifier",
    );
    g(json!({"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m", "port": 1}}}))
        .clean();
}

fn cors_with(field: &str, values: serde_json::Value) -> T {
    filters(json!([{"type": "CORS", "cors": {field: values}}]))
}

#[test]
fn cors_allow_headers_wildcard_alone() {
    cors_with("allowHeaders", json!(["*", "x-a"])).rejects(
        "cors.allow-headers.wildcard-alone",
        "spec.rules[0].filters[0].cors.allowHeaders",
    );
    cors_with("allowHeaders", json!(["*"])).clean();
}

#[test]
fn cors_allow_methods_wildcard_alone() {
    cors_with("allowMethods", json!(["GET", "*"])).rejects(
        "cors.allow-methods.wildcard-alone",
        "spec.rules[0].filters[0].cors.allowMethods",
    );
    cors_with("allowMethods", json!(["*"])).clean();
    cors_with("allowMethods", json!(["GET", "POST"])).clean();
}

#[test]
fn cors_allow_origins_wildcard_alone() {
    cors_with("allowOrigins", json!(["https://a.example", "*"])).rejects(
        "cors.allow-origins.wildcard-alone",
        "spec.rules[0].filters[0].cors.allowOrigins",
    );
    cors_with(
        "allowOrigins",
        json!(["https://a.example", "https://*.b.example:8443"]),
    )
    .clean();
}

#[cfg(feature = "experimental")]
fn auth(block: serde_json::Value) -> T {
    let mut f =
        json!({"type": "ExternalAuth", "externalAuth": {"backendRef": {"name": "a", "port": 1}}});
    for (k, v) in block.as_object().expect("object") {
        f["externalAuth"][k] = v.clone();
    }
    filters(json!([f])).exp()
}

#[cfg(feature = "experimental")]
#[test]
fn external_auth_grpc_required() {
    auth(json!({"protocol": "GRPC"})).rejects(
        "external-auth.grpc.required",
        "spec.rules[0].filters[0].externalAuth",
    );
    auth(json!({"protocol": "GRPC", "grpc": {}})).clean();
}

#[cfg(feature = "experimental")]
#[test]
fn external_auth_grpc_unexpected() {
    auth(json!({"protocol": "HTTP", "http": {}, "grpc": {}})).rejects(
        "external-auth.grpc.unexpected",
        "spec.rules[0].filters[0].externalAuth.grpc",
    );
    auth(json!({"protocol": "HTTP", "http": {"path": "/auth"}})).clean();
}

#[cfg(feature = "experimental")]
#[test]
fn external_auth_http_required() {
    auth(json!({"protocol": "HTTP"})).rejects(
        "external-auth.http.required",
        "spec.rules[0].filters[0].externalAuth",
    );
    auth(json!({"protocol": "HTTP", "http": {}})).clean();
}

#[cfg(feature = "experimental")]
#[test]
fn external_auth_http_unexpected() {
    auth(json!({"protocol": "GRPC", "grpc": {}, "http": {}})).rejects(
        "external-auth.http.unexpected",
        "spec.rules[0].filters[0].externalAuth.http",
    );
    auth(json!({"protocol": "GRPC", "grpc": {"allowedHeaders": ["x"]}})).clean();
}

fn mirror(block: serde_json::Value) -> T {
    let mut m = json!({"backendRef": {"name": "m", "port": 1}});
    for (k, v) in block.as_object().expect("object") {
        m[k] = v.clone();
    }
    filters(json!([{"type": "RequestMirror", "requestMirror": m}]))
}

#[test]
fn mirror_percent_or_fraction() {
    mirror(json!({"percent": 10, "fraction": {"numerator": 1}})).rejects(
        "mirror.percent-or-fraction",
        "spec.rules[0].filters[0].requestMirror",
    );
    mirror(json!({"percent": 10})).clean();
    mirror(json!({"fraction": {"numerator": 1}})).clean();
}

#[test]
fn mirror_fraction_numerator_within_denominator() {
    mirror(json!({"fraction": {"numerator": 101}})).rejects(
        "mirror.fraction.numerator-within-denominator",
        "spec.rules[0].filters[0].requestMirror.fraction",
    );
    mirror(json!({"fraction": {"numerator": 100}})).clean();
    mirror(json!({"fraction": {"numerator": 3, "denominator": 2}})).rejects(
        "mirror.fraction.numerator-within-denominator",
        "spec.rules[0].filters[0].requestMirror.fraction",
    );
    mirror(json!({"fraction": {"numerator": 2, "denominator": 2}})).clean();
}

fn path_mod(m: serde_json::Value) -> T {
    filters(json!([rewrite(m)]))
}

const PM: &str = "spec.rules[0].filters[0].urlRewrite.path";

#[test]
fn path_modifier_replace_full_path_required() {
    path_mod(json!({"type": "ReplaceFullPath"}))
        .rejects("path-modifier.replace-full-path.required", PM);
    path_mod(json!({"type": "ReplaceFullPath", "replaceFullPath": ""})).clean();
}

#[test]
fn path_modifier_replace_full_path_unexpected() {
    path_mod(
        json!({"type": "ReplacePrefixMatch", "replacePrefixMatch": "/", "replaceFullPath": "/x"}),
    )
    .rejects(
        "path-modifier.replace-full-path.unexpected",
        "spec.rules[0].filters[0].urlRewrite.path.replaceFullPath",
    );
    path_mod(json!({"type": "ReplaceFullPath", "replaceFullPath": "/x"})).clean();
}

#[test]
fn path_modifier_replace_prefix_match_required() {
    path_mod(json!({"type": "ReplacePrefixMatch"}))
        .rejects("path-modifier.replace-prefix-match.required", PM);
    path_mod(json!({"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"})).clean();
}

#[test]
fn path_modifier_replace_prefix_match_unexpected() {
    route()
        .remove("spec.rules[0].backendRefs")
        .set(
            "spec.rules[0].filters",
            json!([redirect(json!({"type": "ReplaceFullPath", "replaceFullPath": "/", "replacePrefixMatch": "/x"}))]),
        )
        .rejects(
            "path-modifier.replace-prefix-match.unexpected",
            "spec.rules[0].filters[0].requestRedirect.path.replacePrefixMatch",
        );
}

#[test]
fn httproute_timeouts_backend_request_within_request() {
    let t = |r: &str, b: &str| {
        route().set(
            "spec.rules[0].timeouts",
            json!({"request": r, "backendRequest": b}),
        )
    };
    t("10s", "10001ms").rejects(
        "httproute.timeouts.backend-request-within-request",
        "spec.rules[0].timeouts",
    );
    t("1m", "1m1s").rejects(
        "httproute.timeouts.backend-request-within-request",
        "spec.rules[0].timeouts",
    );
    t("10s", "10000ms").clean();
    t("1h", "30m30m").clean();
    // A zero request timeout disables the comparison.
    t("0s", "1h").clean();
}

#[cfg(feature = "experimental")]
fn session(sp: serde_json::Value) -> T {
    route().set("spec.rules[0].sessionPersistence", sp).exp()
}

#[cfg(feature = "experimental")]
#[test]
fn session_persistence_permanent_needs_absolute_timeout() {
    session(json!({"cookieConfig": {"lifetimeType": "Permanent"}})).rejects(
        "session-persistence.permanent-needs-absolute-timeout",
        "spec.rules[0].sessionPersistence",
    );
    session(json!({"cookieConfig": {"lifetimeType": "Permanent"}, "absoluteTimeout": "1h"}))
        .clean();
    session(json!({"cookieConfig": {}})).clean();
    grpc_route()
        .set(
            "spec.rules[0].sessionPersistence",
            json!({"cookieConfig": {"lifetimeType": "Permanent"}}),
        )
        .exp()
        .rejects(
            "session-persistence.permanent-needs-absolute-timeout",
            "spec.rules[0].sessionPersistence",
        );
}

#[cfg(feature = "experimental")]
#[test]
fn session_persistence_cookie_config_needs_cookie_type() {
    session(json!({"type": "Header", "cookieConfig": {}})).rejects(
        "session-persistence.cookie-config-needs-cookie-type",
        "spec.rules[0].sessionPersistence",
    );
    session(json!({"type": "Header", "sessionName": "s"})).clean();
    session(json!({"cookieConfig": {"lifetimeType": "Session"}})).clean();
}

fn method(m: serde_json::Value) -> T {
    grpc_route().set("spec.rules[0].matches", json!([{"method": m}]))
}

const METHOD: &str = "spec.rules[0].matches[0].method";

#[test]
fn grpcroute_method_service_or_method() {
    method(json!({})).rejects("grpcroute.method.service-or-method", METHOD);
    method(json!({"type": "RegularExpression"}))
        .rejects("grpcroute.method.service-or-method", METHOD);
    method(json!({"method": "Get"})).clean();
    method(json!({"service": "pkg.Svc"})).clean();
}

#[test]
fn grpcroute_method_service_format() {
    method(json!({"service": "pkg..Svc"})).rejects(
        "grpcroute.method.service-format",
        "spec.rules[0].matches[0].method.service",
    );
    method(json!({"service": "1pkg"})).rejects(
        "grpcroute.method.service-format",
        "spec.rules[0].matches[0].method.service",
    );
    method(json!({"service": ".Pkg.v1._Svc2"})).clean();
    method(json!({"type": "RegularExpression", "service": "pkg..*"})).clean();
}

#[test]
fn grpcroute_method_method_format() {
    method(json!({"method": "Get-User"})).rejects(
        "grpcroute.method.method-format",
        "spec.rules[0].matches[0].method.method",
    );
    method(json!({"method": "_Get_User2"})).clean();
    method(json!({"type": "RegularExpression", "method": "Get.*"})).clean();
}

fn parents(refs: serde_json::Value) -> T {
    route().set("spec.parentRefs", refs)
}

#[test]
fn parentrefs_section_name_all_or_none() {
    parents(json!([{"name": "gw", "sectionName": "a"}, {"name": "gw"}]))
        .rejects("parentrefs.section-name-all-or-none", "spec.parentRefs");
    parents(json!([{"name": "gw", "sectionName": "a"}, {"name": "gw", "sectionName": "b"}]))
        .clean();
    // Different namespaces are different parents.
    parents(json!([{"name": "gw", "sectionName": "a"}, {"name": "gw", "namespace": "other"}]))
        .clean();
    // Ports do not count in the standard channel.
    parents(json!([{"name": "gw", "port": 80}, {"name": "gw"}]))
        .rejects("parentrefs.unique", "spec.parentRefs[1]");
}

#[test]
fn parentrefs_unique() {
    parents(json!([{"name": "gw"}, {"name": "gw", "group": "gateway.networking.k8s.io", "kind": "Gateway"}]))
        .rejects("parentrefs.unique", "spec.parentRefs[1]");
    parents(json!([{"name": "gw", "sectionName": "a"}, {"name": "gw", "sectionName": "a"}]))
        .rejects("parentrefs.unique", "spec.parentRefs[1]");
    parents(json!([{"name": "gw"}, {"name": "gw2"}])).clean();
    // An explicit namespace never equals an omitted one.
    parents(json!([{"name": "gw"}, {"name": "gw", "namespace": "default"}])).clean();
}

#[test]
fn parentrefs_section_name_and_port_all_or_none() {
    parents(json!([{"name": "gw", "port": 80}, {"name": "gw"}]))
        .exp()
        .rejects(
            "parentrefs.section-name-and-port-all-or-none",
            "spec.parentRefs",
        );
    parents(json!([{"name": "gw", "sectionName": "a"}, {"name": "gw"}]))
        .exp()
        .rejects(
            "parentrefs.section-name-and-port-all-or-none",
            "spec.parentRefs",
        );
    parents(json!([{"name": "gw", "port": 80}, {"name": "gw", "port": 443}]))
        .exp()
        .clean();
}

#[test]
fn parentrefs_unique_with_port() {
    parents(json!([{"name": "gw", "port": 80}, {"name": "gw", "port": 80}]))
        .exp()
        .rejects("parentrefs.unique-with-port", "spec.parentRefs[1]");
    parents(json!([{"name": "gw", "sectionName": "a", "port": 80}, {"name": "gw", "sectionName": "a", "port": 81}]))
        .exp()
        .clean();
}
