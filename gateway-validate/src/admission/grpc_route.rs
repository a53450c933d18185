//! GRPCRoute: schema and CEL rules.

use std::sync::LazyLock;

use gateway_types::GrpcRoute;
use gateway_types::grpc_route::{GrpcMethodMatch, GrpcRouteFilter, GrpcRouteFilterType};

use super::common::{
    backend_ref_with, check_backend_port, check_mirror, check_parent_refs, check_rule_names,
    header_filter, local_object_ref, parent_refs, request_mirror, route_hostnames, section_name,
    session_persistence, use_default_gateways,
};
use super::ctx::Ctx;
use super::http_route::{
    FILTER_EXTENSION_REF_REQUIRED, FILTER_EXTENSION_REF_UNEXPECTED,
    FILTER_REQUEST_HEADER_MODIFIER_REQUIRED, FILTER_REQUEST_HEADER_MODIFIER_UNEXPECTED,
    FILTER_REQUEST_MIRROR_REQUIRED, FILTER_REQUEST_MIRROR_UNEXPECTED,
    FILTER_RESPONSE_HEADER_MODIFIER_REQUIRED, FILTER_RESPONSE_HEADER_MODIFIER_UNEXPECTED,
    MAX_TOTAL_MATCHES, Member, SINGLE_REQUEST_HEADER_MODIFIER, SINGLE_RESPONSE_HEADER_MODIFIER,
    check_union,
};
use super::patterns::{GRPC_METHOD, GRPC_SERVICE, HEADER_NAME};
use super::schema::{Node, Obj, list, obj, opt, quote, req, s};
use super::{BothChannels, check_spec};
use crate::Channel;

rules! {
    /// R78.
    METHOD_SERVICE_OR_METHOD = ("grpcroute.method.service-or-method", "R78",
        "a method match names a service, a method, or both");
    /// R79.
    METHOD_SERVICE_FORMAT = ("grpcroute.method.service-format", "R79",
        "an Exact method match's service is a dotted gRPC name");
    /// R80.
    METHOD_METHOD_FORMAT = ("grpcroute.method.method-format", "R80",
        "an Exact method match's method is a gRPC method name");
}

/// A GRPCRoute filter.
fn filter(ch: Channel) -> Obj {
    obj([
        req(
            "type",
            s().one_of(&[
                "ResponseHeaderModifier",
                "RequestHeaderModifier",
                "RequestMirror",
                "ExtensionRef",
            ]),
        ),
        opt("requestHeaderModifier", header_filter(ch)),
        opt("responseHeaderModifier", header_filter(ch)),
        opt("requestMirror", request_mirror()),
        opt("extensionRef", local_object_ref()),
    ])
}

/// The `spec` schema of a channel.
fn spec(ch: Channel) -> Node {
    let match_type = || s().one_of(&["Exact", "RegularExpression"]);
    let route_match = obj([
        opt(
            "method",
            obj([
                opt("type", match_type()),
                opt("service", s().max(1024)),
                opt("method", s().max(1024)),
            ]),
        ),
        opt(
            "headers",
            list(obj([
                opt("type", match_type()),
                req("name", s().len(1, 256).pat(&HEADER_NAME)),
                req("value", s().len(1, 4096)),
            ]))
            .max(16)
            .keyed(&["name"]),
        ),
    ]);
    let rule = obj([
        opt("name", section_name()),
        opt("matches", list(route_match).max(64)),
        opt("filters", list(filter(ch)).max(16)),
        opt(
            "backendRefs",
            list(backend_ref_with(opt("filters", list(filter(ch)).max(16)))).max(16),
        ),
        session_persistence(ch),
    ]);
    obj([
        opt("parentRefs", parent_refs()),
        use_default_gateways(ch),
        opt("hostnames", route_hostnames()),
        opt("rules", list(rule).max(16)),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a defaulted GRPCRoute.
pub(crate) fn admit(route: &GrpcRoute, ctx: &mut Ctx<'_>) {
    check_spec(&route.spec, SCHEMA.get(ctx.channel), ctx);
    cel(route, ctx);
}

/// The CEL rules of a defaulted GRPCRoute.
fn cel(route: &GrpcRoute, ctx: &mut Ctx<'_>) {
    let spec = &route.spec;
    check_parent_refs(spec.parent_refs.as_deref().unwrap_or(&[]), ctx);
    let rules = spec.rules.as_deref().unwrap_or(&[]);
    let total: usize = rules
        .iter()
        .take(16)
        .map(|r| r.matches.as_ref().map_or(0, Vec::len))
        .sum();
    if total > 128 {
        ctx.error(
            "spec.rules",
            MAX_TOTAL_MATCHES,
            format!("the rules have {total} matches in all, more than 128; split the route"),
        );
    }
    if ctx.experimental() {
        check_rule_names(rules.iter().map(|r| r.name.as_deref()), ctx);
    }
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("spec.rules[{i}]");
        for (j, m) in rule.matches.iter().flatten().enumerate() {
            if let Some(method) = &m.method {
                check_method(method, &format!("{path}.matches[{j}].method"), ctx);
            }
        }
        check_filters(
            rule.filters.as_deref().unwrap_or(&[]),
            &format!("{path}.filters"),
            ctx,
        );
        for (j, b) in rule.backend_refs.iter().flatten().enumerate() {
            let at = format!("{path}.backendRefs[{j}]");
            check_backend_port(b.group.as_deref(), b.kind.as_deref(), b.port, &at, ctx);
            if let Some(fs) = &b.filters {
                check_filters(fs, &format!("{at}.filters"), ctx);
            }
        }
        #[cfg(feature = "experimental")]
        if ctx.experimental()
            && let Some(sp) = &rule.session_persistence
        {
            super::common::check_session_persistence(
                sp,
                &format!("{path}.sessionPersistence"),
                ctx,
            );
        }
    }
}

/// R78-R80 on a defaulted method match.
fn check_method(m: &GrpcMethodMatch, path: &str, ctx: &mut Ctx<'_>) {
    if m.type_.is_some() && m.service.is_none() && m.method.is_none() {
        ctx.error(
            path,
            METHOD_SERVICE_OR_METHOD,
            "a method match needs a `service`, a `method`, or both; add one or remove the match",
        );
    }
    let exact = m.type_.as_ref().is_none_or(|t| t.as_str() == "Exact");
    if !exact {
        return;
    }
    if let Some(service) = &m.service
        && !GRPC_SERVICE.is_match(service)
    {
        ctx.error(
            &format!("{path}.service"),
            METHOD_SERVICE_FORMAT,
            format!(
                "{} is not a gRPC service name; use a dotted name like `pkg.v1.Service`, or type \
                 RegularExpression",
                quote(service)
            ),
        );
    }
    if let Some(method) = &m.method
        && !GRPC_METHOD.is_match(method)
    {
        ctx.error(
            &format!("{path}.method"),
            METHOD_METHOD_FORMAT,
            format!(
                "{} is not a gRPC method name; use letters, digits and `_` like `GetUser`, or \
                 type RegularExpression",
                quote(method)
            ),
        );
    }
}

/// R31, R32 and the union rules on a GRPCRoute filter list.
fn check_filters(filters: &[GrpcRouteFilter], path: &str, ctx: &mut Ctx<'_>) {
    for (t, rule, name) in [
        (
            GrpcRouteFilterType::RequestHeaderModifier,
            SINGLE_REQUEST_HEADER_MODIFIER,
            "RequestHeaderModifier",
        ),
        (
            GrpcRouteFilterType::ResponseHeaderModifier,
            SINGLE_RESPONSE_HEADER_MODIFIER,
            "ResponseHeaderModifier",
        ),
    ] {
        let n = filters.iter().filter(|f| f.type_ == t).count();
        if n > 1 {
            ctx.error(
                path,
                rule,
                format!("{n} {name} filters; merge them into one"),
            );
        }
    }
    for (k, f) in filters.iter().enumerate() {
        let at = format!("{path}[{k}]");
        let members: [Member; 4] = [
            (
                "RequestHeaderModifier",
                f.request_header_modifier.is_some(),
                "requestHeaderModifier",
                FILTER_REQUEST_HEADER_MODIFIER_REQUIRED,
                FILTER_REQUEST_HEADER_MODIFIER_UNEXPECTED,
            ),
            (
                "ResponseHeaderModifier",
                f.response_header_modifier.is_some(),
                "responseHeaderModifier",
                FILTER_RESPONSE_HEADER_MODIFIER_REQUIRED,
                FILTER_RESPONSE_HEADER_MODIFIER_UNEXPECTED,
            ),
            (
                "RequestMirror",
                f.request_mirror.is_some(),
                "requestMirror",
                FILTER_REQUEST_MIRROR_REQUIRED,
                FILTER_REQUEST_MIRROR_UNEXPECTED,
            ),
            (
                "ExtensionRef",
                f.extension_ref.is_some(),
                "extensionRef",
                FILTER_EXTENSION_REF_REQUIRED,
                FILTER_EXTENSION_REF_UNEXPECTED,
            ),
        ];
        check_union(f.type_.as_str(), &members, &at, ctx);
        if let Some(m) = &f.request_mirror {
            check_mirror(m, &format!("{at}.requestMirror"), ctx);
        }
    }
}
