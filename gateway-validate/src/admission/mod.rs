//! The admission pass: what the API server would reject, object by object.
//!
//! [`admit`] checks one object alone against the CRD of the chosen release
//! channel, the way the Kubernetes API server does on `kubectl apply`
//! (spec 2.1), and returns every problem at once as [`Finding`]s:
//!
//! 1. **Version.** The `apiVersion` must be served by the channel's CRD
//!    (`version.not-served`, an error): TLSRoute `v1alpha2` is served only by
//!    the experimental CRD, the `gateway.networking.x-k8s.io` kinds only
//!    exist there. Nothing else is checked for an unserved version.
//! 2. **Metadata.** `metadata.name` is present and a DNS subdomain
//!    (`metadata.name.required`, `metadata.name.format`); a namespace is a
//!    DNS label (`metadata.namespace.format`).
//! 3. **Defaulting.** The CRD defaults are inserted top-down into absent
//!    fields ([`Defaults`](gateway_types::Defaults)) before anything else is
//!    checked, so `matches` defaults to one `PathPrefix /` match, a listener
//!    `tls.mode` to `Terminate`, and so on.
//! 4. **Pruning.** A field the channel's CRD does not have is dropped by the
//!    API server. In the standard channel that is every experimental-only
//!    field (an HTTPRoute rule's `retry`, `sessionPersistence`, a Gateway's
//!    `defaultScope`, ...): each set one is a **warning** `field.pruned`, not
//!    an error, since the object is stored without it. (Under `kubectl apply
//!    --validate=strict` the API server rejects such an object instead; the
//!    message says so.)
//! 5. **OpenAPI constraints** on every node of `spec` (`schema.*`): required
//!    fields, string lengths (in Unicode code points), patterns, enums,
//!    item counts, integer ranges, map sizes, unique keys of
//!    `x-kubernetes-list-type: map` lists and unique items of `set` lists,
//!    and the Gateway address IP format.
//! 6. **CEL rules** (`x-kubernetes-validations`), each written in Rust on the
//!    defaulted, typed object. Rules that compare the old and the new object
//!    (an immutable `controllerName`) run only when `old` is given.
//!
//! `status` is not checked: every kind with a status has the status
//! subresource, so the API server ignores `status` on create and update of
//! the main resource.
//!
//! # Load errors are not findings
//!
//! Required fields that the types model as plain (non-`Option`) fields, such
//! as an HTTPRoute `backendRefs[].name`, a Gateway `gatewayClassName` or a
//! listener `port`, and values of the wrong JSON type cannot be represented
//! in a loaded object: the loader reports them, with their position, as load
//! errors, and such an object never reaches admission. The
//! `schema.required` findings here cover the required fields the types keep
//! optional (TLSRoute v1 `hostnames`, for example).
//!
//! # Channels
//!
//! [`Options::channel`](crate::Options::channel) picks the CRDs: standard
//! (the default) or experimental. The experimental-only fields are only
//! visible with the crate feature `experimental` (which `gwcheck` enables);
//! without it, the types drop them while loading and an experimental-channel
//! check cannot see them.
//!
//! # Positions
//!
//! A finding's [`Location`](crate::Location) is the position of its field in
//! the input when the object was loaded from a file; for a field that is not
//! written there (a defaulted or missing one) it is the nearest written
//! ancestor, else the start of the object.
//!
//! # Rule identifiers
//!
//! Every finding carries a stable rule id:
//!
//! - `schema.<constraint>` for the OpenAPI constraints: `schema.required`,
//!   `schema.type`, `schema.min-length`, `schema.max-length`, `schema.enum`,
//!   `schema.min-items`, `schema.max-items`, `schema.minimum`,
//!   `schema.maximum`, `schema.max-properties`, `schema.duplicate-key`,
//!   `schema.duplicate-item`, `schema.format.ip`, and
//!   `schema.pattern.<format>` for each string format (`hostname`,
//!   `header-name`, `path`, ... see [`rules`]).
//! - `<scope>.<what>` for the CEL rules, where the scope is the kind
//!   (`httproute.path.starts-with-slash`) or the shared type the rule sits on
//!   (`parentrefs.unique`, `backendref.service-port-required`,
//!   `filter.url-rewrite.required`). Every CEL rule of the CRDs has exactly
//!   one id; [`rules`] lists them with the spec's `Rn` number.
//! - `version.not-served`, `field.pruned` and `metadata.*`.
//!
//! To follow a new upstream release, edit the kind's module: its schema
//! builder holds the OpenAPI constraints, its `cel` function the rules, and
//! its `rules!` block the ids.

use gateway_types::object::split_api_version;
use gateway_types::routing::RouteObject;
use gateway_types::{MetaExt, Object};
use serde::Serialize;

use crate::Options;
use crate::finding::{Finding, ObjectRef};
use crate::snapshot::Entry;

/// Declares the rule ids of a module: a constant per rule and a `RULES`
/// catalogue entry with the spec's rule number and a summary.
macro_rules! rules {
    ($( $(#[$m:meta])* $name:ident = ($id:literal, $crd:literal, $summary:literal); )+) => {
        $(
            $(#[$m])*
            // Without the `experimental` feature the ids of experimental-only
            // rules are listed in `RULES` but not otherwise used.
            #[allow(dead_code)]
            pub(crate) const $name: &str = $id;
        )+

        /// The rules of this module.
        pub(crate) static RULES: &[$crate::admission::RuleInfo] = &[
            $( $crate::admission::RuleInfo { id: $id, crd_rule: $crd, summary: $summary }, )+
        ];
    };
}

mod backend_tls_policy;
mod common;
mod ctx;
mod gateway;
mod gateway_class;
mod grpc_route;
mod http_route;
mod listener_set;
mod metadata;
mod patterns;
mod reference_grant;
mod schema;
mod tcp_route;
mod tls_route;
mod udp_route;
mod version;
mod walk;
#[cfg(feature = "experimental")]
mod x;

#[cfg(test)]
mod tests;

use ctx::Ctx;

/// The old object as the same kind, if it is.
macro_rules! old_as {
    ($old:expr, $variant:ident) => {
        match $old {
            Some(Object::$variant(o)) => Some(o),
            _ => None,
        }
    };
}

/// One rule admission checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleInfo {
    /// The stable id findings carry.
    pub id: &'static str,
    /// The number of the CEL rule in the specification (`R64`), or `""`.
    pub crd_rule: &'static str,
    /// What the rule requires.
    pub summary: &'static str,
}

/// Every rule admission checks: the CEL rules of every kind, the OpenAPI
/// constraint families and string formats, and the version, pruning and
/// metadata checks.
#[must_use]
pub fn rules() -> Vec<RuleInfo> {
    let mut all = Vec::new();
    all.extend_from_slice(version::RULES);
    all.extend_from_slice(metadata::RULES);
    all.extend(schema_rules());
    for p in patterns::ALL {
        all.push(RuleInfo {
            id: p.rule,
            crd_rule: "",
            summary: p.what,
        });
    }
    for set in [
        common::RULES,
        gateway_class::RULES,
        gateway::RULES,
        http_route::RULES,
        grpc_route::RULES,
        tls_route::RULES,
        backend_tls_policy::RULES,
        #[cfg(feature = "experimental")]
        x::RULES,
    ] {
        all.extend_from_slice(set);
    }
    all
}

fn schema_rules() -> Vec<RuleInfo> {
    use schema::rule::*;
    [
        (REQUIRED, "a required field is present"),
        (TYPE, "a value has the JSON type the schema says"),
        (
            MIN_LENGTH,
            "a string is at least `minLength` characters long",
        ),
        (
            MAX_LENGTH,
            "a string is at most `maxLength` characters long",
        ),
        (ENUM, "a value is one of the `enum` values"),
        (MIN_ITEMS, "a list has at least `minItems` items"),
        (MAX_ITEMS, "a list has at most `maxItems` items"),
        (MINIMUM, "a number is at least `minimum`"),
        (MAXIMUM, "a number is at most `maximum`"),
        (MAX_PROPERTIES, "a map has at most `maxProperties` entries"),
        (DUPLICATE_KEY, "items of a map-type list have unique keys"),
        (DUPLICATE_ITEM, "items of a set-type list are unique"),
        (
            FORMAT_IP,
            "an `IPAddress` Gateway address is IPv4 or IPv6 text",
        ),
        (PRUNED, "a field exists in the channel's CRD (warning)"),
    ]
    .into_iter()
    .map(|(id, summary)| RuleInfo {
        id,
        crd_rule: "",
        summary,
    })
    .collect()
}

/// Checks one object alone, after API-server defaulting, against the CRD
/// schema and CEL rules of the configured channel. `old` is the stored object
/// on an update (transition rules compare the two).
///
/// Core kinds (Namespace, Service, Secret, ConfigMap) are not CRDs and get no
/// findings.
#[must_use]
pub fn admit(entry: &Entry, old: Option<&Entry>, options: &Options) -> Vec<Finding> {
    admit_keeping_defaults(entry, old, options).0
}

/// [`admit`], also returning the defaulted object it checked (`None` when
/// its apiVersion is not served, so nothing was defaulted, and for routes,
/// whose defaulted copy the entry already holds), so that the status pass
/// need not clone and default it again.
pub(crate) fn admit_keeping_defaults(
    entry: &Entry,
    old: Option<&Entry>,
    options: &Options,
) -> (Vec<Finding>, Option<Object>) {
    let object = &entry.object;
    let meta = object.metadata();
    let object_ref = ObjectRef::new(
        object.kind(),
        if object.is_namespaced() {
            meta.namespace_str()
        } else {
            None
        },
        meta.name_str(),
    );
    let (_, version) = split_api_version(object.api_version());
    let mut ctx = Ctx::new(
        object_ref,
        entry.source.as_ref(),
        options.release_channel(),
        version,
    );
    if !version::check(object, &mut ctx) {
        return (ctx.into_findings(), None);
    }
    metadata::check(object, &mut ctx);
    // Routes are checked on the snapshot's defaulted copy (no transition
    // rule concerns them, so `old` is not needed).
    if let Some(route) = entry.defaulted_route() {
        match route {
            RouteObject::Http(o) => http_route::admit(o, &mut ctx),
            RouteObject::Grpc(o) => grpc_route::admit(o, &mut ctx),
            RouteObject::Tls(o) => tls_route::admit(o, &mut ctx),
            RouteObject::Tcp(o) => tcp_route::admit(o, &mut ctx),
            RouteObject::Udp(o) => udp_route::admit(o, &mut ctx),
            _ => {}
        }
        return (ctx.into_findings(), None);
    }
    let mut object = object.clone();
    object.apply_defaults();
    let old = old.map(|o| {
        let mut o = o.object.clone();
        o.apply_defaults();
        o
    });
    let old = old.as_ref();
    match &object {
        Object::GatewayClass(o) => gateway_class::admit(o, old_as!(old, GatewayClass), &mut ctx),
        Object::Gateway(o) => gateway::admit(o, &mut ctx),
        Object::ListenerSet(o) => listener_set::admit(o, &mut ctx),
        Object::ReferenceGrant(o) => reference_grant::admit(o, &mut ctx),
        Object::BackendTlsPolicy(o) => backend_tls_policy::admit(o, &mut ctx),
        #[cfg(feature = "experimental")]
        Object::XBackend(o) => x::admit_backend(o, &mut ctx),
        #[cfg(feature = "experimental")]
        Object::XBackendTrafficPolicy(o) => x::admit_policy(o, &mut ctx),
        #[cfg(feature = "experimental")]
        Object::XMesh(o) => x::admit_mesh(o, old_as!(old, XMesh), &mut ctx),
        _ => {}
    }
    (ctx.into_findings(), Some(object))
}

/// The `spec` schema of a kind for a channel and version (tests).
#[cfg(test)]
pub(crate) fn schema_for(
    kind: &str,
    channel: crate::Channel,
    version: &str,
) -> Option<&'static schema::Node> {
    Some(match kind {
        "GatewayClass" => gateway_class::SCHEMA.get(channel),
        "Gateway" => gateway::SCHEMA.get(channel),
        "ListenerSet" => listener_set::SCHEMA.get(channel),
        "HTTPRoute" => http_route::SCHEMA.get(channel),
        "GRPCRoute" => grpc_route::SCHEMA.get(channel),
        "ReferenceGrant" => reference_grant::SCHEMA.get(channel),
        "BackendTLSPolicy" => backend_tls_policy::SCHEMA.get(channel),
        "TLSRoute" => tls_route::SCHEMA.get_for(channel, version),
        "TCPRoute" => tcp_route::SCHEMA.get_for(channel, version),
        "UDPRoute" => udp_route::SCHEMA.get_for(channel, version),
        #[cfg(feature = "experimental")]
        "XBackend" => x::BACKEND.get(channel),
        #[cfg(feature = "experimental")]
        "XBackendTrafficPolicy" => x::POLICY.get(channel),
        #[cfg(feature = "experimental")]
        "XMesh" => x::MESH.get(channel),
        _ => return None,
    })
}

/// Checks a (defaulted) `spec` against a schema, at path `spec`.
fn check_spec<T: Serialize>(spec: &T, node: &schema::Node, ctx: &mut Ctx<'_>) {
    let mark = ctx.mark();
    // Room for the deepest paths, so that the walk does not regrow it.
    let mut path = String::with_capacity(256);
    path.push_str("spec");
    // The walk cannot fail on the typed specs (string map keys, no
    // data-carrying enums, no custom serialisers that error). Were it to,
    // the schema part is dropped whole, as it could not be checked, and the
    // CEL rules still run.
    if walk::check(node, spec, &mut path, ctx).is_err() {
        ctx.truncate(mark);
    }
}

/// A schema per channel, built on first use.
struct BothChannels {
    standard: schema::Node,
    experimental: schema::Node,
}

impl BothChannels {
    fn build(f: fn(crate::Channel) -> schema::Node) -> Self {
        Self {
            standard: f(crate::Channel::Standard),
            experimental: f(crate::Channel::Experimental),
        }
    }

    fn get(&self, channel: crate::Channel) -> &schema::Node {
        match channel {
            crate::Channel::Experimental => &self.experimental,
            crate::Channel::Standard => &self.standard,
        }
    }
}
