//! TCPRoute: schema and CEL rules (shared with UDPRoute and TLSRoute).

use std::sync::LazyLock;

use gateway_types::TcpRoute;

use super::check_spec;
use super::common::{L4Schemas, check_l4, l4_rules, parent_refs, use_default_gateways};
use super::ctx::Ctx;
use super::schema::{Node, obj, opt, req};
use crate::Channel;

/// The `spec` schema of a channel and version.
fn spec(ch: Channel, v1alpha2: bool) -> Node {
    obj([
        opt("parentRefs", parent_refs()),
        use_default_gateways(ch),
        req("rules", l4_rules(v1alpha2)),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<L4Schemas> = LazyLock::new(|| L4Schemas::build(spec));

/// Admission of a defaulted TCPRoute.
pub(crate) fn admit(route: &TcpRoute, ctx: &mut Ctx<'_>) {
    check_spec(&route.spec, SCHEMA.get(ctx), ctx);
    let rules: Vec<_> = route
        .spec
        .rules
        .iter()
        .map(|r| (r.name.as_deref(), r.backend_refs.as_slice()))
        .collect();
    check_l4(route.spec.parent_refs.as_deref(), &rules, ctx);
}
