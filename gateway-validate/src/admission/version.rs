//! Which `apiVersion`s each channel's CRDs serve (spec 1 and 1.1).

use gateway_types::Object;
use gateway_types::object::split_api_version;

use super::ctx::Ctx;
use crate::Channel;

rules! {
    /// The version is not served by the channel's CRD.
    NOT_SERVED = ("version.not-served", "",
        "the `apiVersion` is served by the channel's CRD (TLSRoute v1alpha2 only in experimental)");
}

/// The versions served by the standard CRDs, by kind.
const STANDARD: &[(&str, &[&str])] = &[
    ("GatewayClass", &["v1", "v1beta1"]),
    ("Gateway", &["v1", "v1beta1"]),
    ("ListenerSet", &["v1"]),
    ("HTTPRoute", &["v1", "v1beta1"]),
    ("GRPCRoute", &["v1"]),
    ("TLSRoute", &["v1"]),
    ("TCPRoute", &["v1"]),
    ("UDPRoute", &["v1"]),
    ("ReferenceGrant", &["v1", "v1beta1"]),
    ("BackendTLSPolicy", &["v1"]),
];

/// The versions served by the experimental CRDs, by kind.
const EXPERIMENTAL: &[(&str, &[&str])] = &[
    ("GatewayClass", &["v1", "v1beta1"]),
    ("Gateway", &["v1", "v1beta1"]),
    ("ListenerSet", &["v1"]),
    ("HTTPRoute", &["v1", "v1beta1"]),
    ("GRPCRoute", &["v1"]),
    ("TLSRoute", &["v1", "v1alpha2", "v1alpha3"]),
    ("TCPRoute", &["v1", "v1alpha2"]),
    ("UDPRoute", &["v1", "v1alpha2"]),
    ("ReferenceGrant", &["v1", "v1beta1"]),
    ("BackendTLSPolicy", &["v1", "v1alpha3"]),
    ("XBackend", &["v1alpha1"]),
    ("XBackendTrafficPolicy", &["v1alpha1"]),
    ("XMesh", &["v1alpha1"]),
];

/// The versions of `kind` the channel serves; `None` for kinds that are not
/// Gateway API CRDs (core kinds).
pub(crate) fn served(kind: &str, channel: Channel) -> Option<&'static [&'static str]> {
    let table = match channel {
        Channel::Experimental => EXPERIMENTAL,
        Channel::Standard => STANDARD,
    };
    let any = STANDARD.iter().chain(EXPERIMENTAL).any(|(k, _)| *k == kind);
    if !any {
        return None;
    }
    Some(
        table
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[][..], |(_, v)| *v),
    )
}

/// Reports an unserved `apiVersion`; returns whether the rest of admission
/// applies (the API server answers "not found" for an unserved version and
/// checks nothing else). An empty `apiVersion` (an object built in code) is
/// taken as the storage version.
pub(crate) fn check(object: &Object, ctx: &mut Ctx<'_>) -> bool {
    let Some(versions) = served(object.kind(), ctx.channel) else {
        return true;
    };
    let api_version = object.api_version();
    if api_version.is_empty() {
        return true;
    }
    let (group, version) = split_api_version(api_version);
    if group == object.group() && versions.contains(&version) {
        return true;
    }
    let channel = match ctx.channel {
        Channel::Experimental => "experimental",
        Channel::Standard => "standard",
    };
    let message = if versions.is_empty() {
        format!(
            "{} is not installed by the {channel}-channel CRDs; use the experimental channel",
            object.kind()
        )
    } else {
        let list: Vec<String> = versions
            .iter()
            .map(|v| format!("`{}/{v}`", object.group()))
            .collect();
        format!(
            "`{api_version}` is not served for {} by the {channel}-channel CRDs; use {}",
            object.kind(),
            list.join(" or ")
        )
    };
    ctx.error("apiVersion", NOT_SERVED, message);
    false
}
