//! ListenerSet: schema and CEL rules (the listener rules are shared with Gateway).

use std::sync::LazyLock;

use gateway_types::ListenerSet;

use super::common::{check_listeners, group, kind, listeners, name, namespace};
use super::ctx::Ctx;
use super::schema::{Node, obj, opt, req};
use super::{BothChannels, check_spec};
use crate::Channel;

/// The `spec` schema (both channels are equal).
fn spec(_: Channel) -> Node {
    obj([
        req(
            "parentRef",
            obj([
                opt("group", group()),
                opt("kind", kind()),
                req("name", name()),
                opt("namespace", namespace()),
            ]),
        ),
        req("listeners", listeners()),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a defaulted ListenerSet.
pub(crate) fn admit(set: &ListenerSet, ctx: &mut Ctx<'_>) {
    check_spec(&set.spec, SCHEMA.get(ctx.channel), ctx);
    check_listeners(&set.spec.listeners, ctx);
}
