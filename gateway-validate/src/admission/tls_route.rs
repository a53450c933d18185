//! TLSRoute: schema and CEL rules.

use std::sync::LazyLock;

use gateway_types::TlsRoute;

use super::check_spec;
use super::common::{L4Schemas, check_l4, hostname, l4_rules, parent_refs, use_default_gateways};
use super::ctx::Ctx;
use super::patterns::{DNS1123_SUBDOMAIN, is_ip};
use super::schema::{Node, list, obj, opt, quote, req};
use crate::Channel;

rules! {
    /// R81.
    HOSTNAME_NOT_IP = ("tlsroute.hostnames.not-ip", "R81",
        "a TLSRoute hostname is not an IP address");
    /// R82.
    HOSTNAME_SUBDOMAIN = ("tlsroute.hostnames.subdomain", "R82",
        "a TLSRoute hostname without `*` is an RFC 1123 subdomain");
    /// R83.
    HOSTNAME_WILDCARD_FIRST_LABEL = ("tlsroute.hostnames.wildcard-first-label", "R83",
        "a TLSRoute hostname with `*` is `*.` and a subdomain");
}

/// The `spec` schema of a channel and version: v1 (and v1alpha3) require
/// 1..1024 hostnames and one rule; v1alpha2 requires neither count.
fn spec(ch: Channel, v1alpha2: bool) -> Node {
    let hostnames = if v1alpha2 {
        opt("hostnames", list(hostname()).max(1024))
    } else {
        req("hostnames", list(hostname()).items(1, 1024))
    };
    obj([
        opt("parentRefs", parent_refs()),
        use_default_gateways(ch),
        hostnames,
        req("rules", l4_rules(v1alpha2)),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<L4Schemas> = LazyLock::new(|| L4Schemas::build(spec));

/// Admission of a defaulted TLSRoute.
pub(crate) fn admit(route: &TlsRoute, ctx: &mut Ctx<'_>) {
    check_spec(&route.spec, SCHEMA.get(ctx), ctx);
    let rules: Vec<_> = route
        .spec
        .rules
        .iter()
        .map(|r| (r.name.as_deref(), r.backend_refs.as_slice()))
        .collect();
    check_l4(route.spec.parent_refs.as_deref(), &rules, ctx);
    if ctx.version == "v1alpha2" {
        return;
    }
    for (i, h) in route.spec.hostnames.iter().flatten().enumerate() {
        let path = format!("spec.hostnames[{i}]");
        if is_ip(h) {
            ctx.error(
                &path,
                HOSTNAME_NOT_IP,
                format!(
                    "{} is an IP address; TLS routes match on SNI hostnames, use a DNS name",
                    quote(h)
                ),
            );
        }
        if !h.contains('*') {
            if !DNS1123_SUBDOMAIN.is_match(h) {
                ctx.error(
                    &path,
                    HOSTNAME_SUBDOMAIN,
                    format!("{} is not a lowercase DNS name; change it", quote(h)),
                );
            }
        } else if !(h.starts_with("*.") && DNS1123_SUBDOMAIN.is_match(&h[2..])) {
            ctx.error(
                &path,
                HOSTNAME_WILDCARD_FIRST_LABEL,
                format!(
                    "{} has a wildcard that is not the whole first label; write `*.` followed by \
                     a DNS name",
                    quote(h)
                ),
            );
        }
    }
}
