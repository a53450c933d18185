//! GatewayClass: schema and CEL rules.

use std::sync::LazyLock;

use gateway_types::GatewayClass;

use super::common::{group, kind, name, namespace};
use super::ctx::Ctx;
use super::patterns::GATEWAY_CONTROLLER;
use super::schema::{Node, obj, opt, req, s};
use super::{BothChannels, check_spec};
use crate::Channel;

rules! {
    /// R1.
    CONTROLLER_NAME_IMMUTABLE = ("gatewayclass.controller-name.immutable", "R1",
        "`spec.controllerName` does not change on update");
}

/// The `spec` schema (both channels are equal).
fn spec(_: Channel) -> Node {
    obj([
        req("controllerName", s().len(1, 253).pat(&GATEWAY_CONTROLLER)),
        opt("description", s().max(64)),
        opt(
            "parametersRef",
            obj([
                req("group", group()),
                req("kind", kind()),
                req("name", name()),
                opt("namespace", namespace()),
            ]),
        ),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a defaulted GatewayClass; `old` is the stored one on update.
pub(crate) fn admit(class: &GatewayClass, old: Option<&GatewayClass>, ctx: &mut Ctx<'_>) {
    check_spec(&class.spec, SCHEMA.get(ctx.channel), ctx);
    if let Some(old) = old
        && old.spec.controller_name != class.spec.controller_name
    {
        ctx.error(
            "spec.controllerName",
            CONTROLLER_NAME_IMMUTABLE,
            format!(
                "controllerName cannot change (was `{}`); keep the old value or create a new \
                 GatewayClass",
                old.spec.controller_name
            ),
        );
    }
}
