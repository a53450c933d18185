//! ReferenceGrant: schema only (the CRD has no CEL rules).

use std::sync::LazyLock;

use gateway_types::ReferenceGrant;

use super::common::{group, kind, name, namespace};
use super::ctx::Ctx;
use super::schema::{Node, list, obj, opt, req};
use super::{BothChannels, check_spec};
use crate::Channel;

/// The `spec` schema (both channels and both versions are equal).
fn spec(_: Channel) -> Node {
    obj([
        req(
            "from",
            list(obj([
                req("group", group()),
                req("kind", kind()),
                req("namespace", namespace()),
            ]))
            .items(1, 16),
        ),
        req(
            "to",
            list(obj([
                req("group", group()),
                req("kind", kind()),
                opt("name", name()),
            ]))
            .items(1, 16),
        ),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a ReferenceGrant.
pub(crate) fn admit(grant: &ReferenceGrant, ctx: &mut Ctx<'_>) {
    check_spec(&grant.spec, SCHEMA.get(ctx.channel), ctx);
}
