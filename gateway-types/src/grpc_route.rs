//! The `GRPCRoute` kind: gRPC routing from a Gateway listener to backends.
//!
//! gRPC requests are HTTP/2 `POST`s to `/<service>/<method>`; a GRPCRoute
//! matches them by service, method and headers. Header modifier and mirror
//! filters reuse the HTTPRoute types ([`HttpHeaderFilter`],
//! [`HttpRequestMirrorFilter`]).
//!
//! Unlike HTTPRoute, the API server inserts no default rule or match: a
//! route without rules routes nothing, and a rule without matches (absent
//! or empty) accepts every gRPC request.
//!
//! # Example
//!
//! ```
//! use gateway_types::grpc_route::GrpcMethodMatchType;
//! use gateway_types::GrpcRoute;
//!
//! let route: GrpcRoute = serde_json::from_str(
//!     r#"{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
//!         "metadata": {"name": "echo"},
//!         "spec": {"rules": [{"matches": [{"method": {"service": "echo.Echo"}}]}]}}"#,
//! )?;
//! let rules = route.spec.rules.as_deref().unwrap_or_default();
//! let matches = rules[0].matches.as_deref().unwrap_or_default();
//! let method = matches[0].method.as_ref().ok_or("no method")?;
//! assert_eq!(*method.type_or_default(), GrpcMethodMatchType::Exact);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::http_route::{HttpHeaderFilter, HttpRequestMirrorFilter};
use crate::object::{Defaults, api_object};
use crate::shared::{
    BackendObjectReference, BackendRef, GROUP, Hostname, LocalObjectReference, ParentReference,
    PortNumber, RouteStatus,
};
#[cfg(feature = "experimental")]
use crate::shared::{GatewayDefaultScope, SessionPersistence};

/// The observed state of a [`GrpcRoute`]: the common route status, one entry
/// per parent.
pub type GrpcRouteStatus = RouteStatus;

api_object! {
    /// Routes gRPC calls arriving on a Gateway listener to backends, by host,
    /// service, method and headers.
    GrpcRoute {
        group: GROUP,
        kind: "GRPCRoute",
        version: "v1",
        versions: ["v1"],
        plural: "grpcroutes",
        namespaced: true,
        spec: GrpcRouteSpec,
        status: GrpcRouteStatus,
    }
}

impl Defaults for GrpcRoute {
    /// Inserts every CRD default into absent fields of the spec and of the
    /// status parent references. No rule or match is ever inserted.
    fn apply_defaults(&mut self) {
        self.spec.apply_defaults();
        if let Some(status) = &mut self.status {
            status.apply_defaults();
        }
    }
}

/// The desired state of a [`GrpcRoute`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcRouteSpec {
    /// The Gateways (or other parents) this route wants to attach to; at most
    /// 32. A parent must also allow the route before it takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentReference>>,
    /// Whether the route also attaches to default Gateways (GEP-3793); no
    /// default-Gateway attachment when absent.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_default_gateways: Option<GatewayDefaultScope>,
    /// Host names matched against the request's `:authority` (port
    /// ignored); at most 16. A leading `*.` label matches any non-empty run
    /// of labels. When absent, the route takes the hostnames of the
    /// listeners it attaches to. An HTTPRoute and a GRPCRoute whose
    /// hostnames intersect on one listener conflict; the older one wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<Hostname>>,
    /// The routing rules, at most 16, with at most 128 matches in total.
    /// No default: a route without rules routes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<GrpcRouteRule>>,
}

impl GrpcRouteSpec {
    /// Fills in the API server's defaults: parentRef group and kind, and
    /// everything inside the rules. Inserts no rules.
    pub fn apply_defaults(&mut self) {
        for parent in self.parent_refs.iter_mut().flatten() {
            parent.apply_defaults();
        }
        for rule in self.rules.iter_mut().flatten() {
            rule.apply_defaults();
        }
    }
}

/// One gRPC routing rule: conditions, filters and backends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcRouteRule {
    /// An optional name for the rule (a DNS-style section name, at most 253
    /// characters), unique within the route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The match conditions; the rule applies if any one of them holds. At
    /// most 64. Absent or empty: every gRPC request matches (no default is
    /// inserted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<GrpcRouteMatch>>,
    /// Filters applied to matching requests; at most 16, each header
    /// modifier at most once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<GrpcRouteFilter>>,
    /// Where matching requests go, split by weight; at most 16. Requests
    /// that would go to an invalid backend fail with `UNAVAILABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_refs: Option<Vec<GrpcBackendRef>>,
    /// Session affinity for this rule (Extended support; deprecated upstream
    /// in favour of the Backend resource).
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_persistence: Option<SessionPersistence>,
}

impl GrpcRouteRule {
    /// Whether the rule accepts every gRPC request: `matches` is absent or
    /// empty.
    #[must_use]
    pub fn matches_everything(&self) -> bool {
        self.matches.as_deref().is_none_or(<[_]>::is_empty)
    }

    /// Fills in the API server's defaults inside matches, filters, backends
    /// and session persistence. Inserts no matches.
    pub fn apply_defaults(&mut self) {
        for m in self.matches.iter_mut().flatten() {
            m.apply_defaults();
        }
        for filter in self.filters.iter_mut().flatten() {
            filter.apply_defaults();
        }
        for backend in self.backend_refs.iter_mut().flatten() {
            backend.apply_defaults();
        }
        #[cfg(feature = "experimental")]
        if let Some(session) = &mut self.session_persistence {
            session.apply_defaults();
        }
    }
}

/// One set of conditions a gRPC request must all satisfy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcRouteMatch {
    /// The service/method condition; every method when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<GrpcMethodMatch>,
    /// Header (metadata) conditions, all of which must hold; at most 16,
    /// names unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<GrpcHeaderMatch>>,
}

impl GrpcRouteMatch {
    /// Fills in the API server's defaults (method and header match types).
    pub fn apply_defaults(&mut self) {
        if let Some(method) = &mut self.method {
            method.apply_defaults();
        }
        for header in self.headers.iter_mut().flatten() {
            header.apply_defaults();
        }
    }
}

string_enum! {
    /// How a gRPC method condition compares service and method names.
    pub enum GrpcMethodMatchType {
        /// Service and method equal the given names, case-sensitively (Core
        /// support; the default). Names must then be valid protobuf names.
        Exact = "Exact",
        /// Service and method match the given regular expressions
        /// (implementation-specific support).
        RegularExpression = "RegularExpression",
    }
}

/// A condition on the called service and method. At least one of `service`
/// and `method` must be set; an unset one matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcMethodMatch {
    /// How to compare; `Exact` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<GrpcMethodMatchType>,
    /// The fully qualified service name (`package.Service`) or pattern, at
    /// most 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The method name or pattern, at most 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

static METHOD_EXACT: GrpcMethodMatchType = GrpcMethodMatchType::Exact;

impl GrpcMethodMatch {
    /// An `Exact` match on `service` and, if given, `method`.
    #[must_use]
    pub fn exact(service: impl Into<String>, method: Option<&str>) -> Self {
        Self {
            type_: Some(GrpcMethodMatchType::Exact),
            service: Some(service.into()),
            method: method.map(str::to_owned),
        }
    }

    /// The match type after defaulting (`Exact` when absent).
    #[must_use]
    pub fn type_or_default(&self) -> &GrpcMethodMatchType {
        self.type_.as_ref().unwrap_or(&METHOD_EXACT)
    }

    /// Fills in the API server's default (`type: Exact`).
    pub fn apply_defaults(&mut self) {
        self.type_.get_or_insert(GrpcMethodMatchType::Exact);
    }
}

string_enum! {
    /// How a gRPC header condition compares its value.
    pub enum GrpcHeaderMatchType {
        /// The header value equals the given value (Core support; the default).
        Exact = "Exact",
        /// The header value matches the given regular expression
        /// (implementation-specific support).
        RegularExpression = "RegularExpression",
    }
}

/// A condition on one request header (gRPC metadata entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcHeaderMatch {
    /// How to compare; `Exact` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<GrpcHeaderMatchType>,
    /// The header name (an RFC 7230 token, 1 to 256 characters), compared
    /// case-insensitively; only the first entry per name counts.
    pub name: String,
    /// The value or pattern, 1 to 4096 characters.
    pub value: String,
}

static GRPC_HEADER_EXACT: GrpcHeaderMatchType = GrpcHeaderMatchType::Exact;

impl GrpcHeaderMatch {
    /// An `Exact` match of header `name` against `value`.
    #[must_use]
    pub fn exact(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            type_: Some(GrpcHeaderMatchType::Exact),
            name: name.into(),
            value: value.into(),
        }
    }

    /// The match type after defaulting (`Exact` when absent).
    #[must_use]
    pub fn type_or_default(&self) -> &GrpcHeaderMatchType {
        self.type_.as_ref().unwrap_or(&GRPC_HEADER_EXACT)
    }

    /// Fills in the API server's default (`type: Exact`).
    pub fn apply_defaults(&mut self) {
        self.type_.get_or_insert(GrpcHeaderMatchType::Exact);
    }
}

string_enum! {
    /// The kind of a GRPCRoute filter; names which member of
    /// [`GrpcRouteFilter`] carries its configuration.
    pub enum GrpcRouteFilterType {
        /// Modify response headers (`responseHeaderModifier`).
        ResponseHeaderModifier = "ResponseHeaderModifier",
        /// Modify request headers (`requestHeaderModifier`). Core.
        RequestHeaderModifier = "RequestHeaderModifier",
        /// Mirror requests to another backend (`requestMirror`). Extended;
        /// may repeat.
        RequestMirror = "RequestMirror",
        /// An implementation-specific filter object (`extensionRef`); may
        /// repeat, and must never be skipped when it cannot be resolved.
        ExtensionRef = "ExtensionRef",
    }
}

/// One processing step for gRPC requests matching a rule, or bound for one
/// backend.
///
/// A discriminated union on the wire: `type_` names the kind and exactly the
/// member of that name must be set. This type keeps whatever was written,
/// so validation can report a violated union rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcRouteFilter {
    /// The kind of filter.
    #[serde(rename = "type")]
    pub type_: GrpcRouteFilterType,
    /// Configuration of a `RequestHeaderModifier` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_header_modifier: Option<HttpHeaderFilter>,
    /// Configuration of a `ResponseHeaderModifier` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_header_modifier: Option<HttpHeaderFilter>,
    /// Configuration of a `RequestMirror` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_mirror: Option<HttpRequestMirrorFilter>,
    /// The object configuring an `ExtensionRef` filter, in the route's
    /// namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_ref: Option<LocalObjectReference>,
}

impl GrpcRouteFilter {
    /// A filter of the given type with no member set (a union violation
    /// until the matching member is filled in).
    #[must_use]
    pub fn of_type(type_: GrpcRouteFilterType) -> Self {
        Self {
            type_,
            request_header_modifier: None,
            response_header_modifier: None,
            request_mirror: None,
            extension_ref: None,
        }
    }

    /// A `RequestHeaderModifier` filter.
    #[must_use]
    pub fn request_header_modifier(config: HttpHeaderFilter) -> Self {
        Self {
            request_header_modifier: Some(config),
            ..Self::of_type(GrpcRouteFilterType::RequestHeaderModifier)
        }
    }

    /// A `ResponseHeaderModifier` filter.
    #[must_use]
    pub fn response_header_modifier(config: HttpHeaderFilter) -> Self {
        Self {
            response_header_modifier: Some(config),
            ..Self::of_type(GrpcRouteFilterType::ResponseHeaderModifier)
        }
    }

    /// A `RequestMirror` filter.
    #[must_use]
    pub fn request_mirror(config: HttpRequestMirrorFilter) -> Self {
        Self {
            request_mirror: Some(config),
            ..Self::of_type(GrpcRouteFilterType::RequestMirror)
        }
    }

    /// An `ExtensionRef` filter pointing at `object`.
    #[must_use]
    pub fn extension_ref(object: LocalObjectReference) -> Self {
        Self {
            extension_ref: Some(object),
            ..Self::of_type(GrpcRouteFilterType::ExtensionRef)
        }
    }

    /// Fills in the API server's defaults inside the mirror member (backend
    /// group and kind, fraction denominator).
    pub fn apply_defaults(&mut self) {
        if let Some(mirror) = &mut self.request_mirror {
            mirror.apply_defaults();
        }
    }
}

/// A weighted backend of a gRPC rule, with filters that apply only to
/// requests sent to it. A namespace other than the route's needs a
/// ReferenceGrant.
///
/// The fields are those of [`BackendRef`] plus `filters`, flattened as on the
/// wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcBackendRef {
    /// Group of the referent; `""` (the core group) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the referent; `Service` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the referent.
    pub name: String,
    /// Namespace of the referent; the route's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Destination port (`1..=65535`); required when the referent is a Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortNumber>,
    /// Share of the rule's requests relative to the other backends'
    /// weights (`0..=1000000`; 0 sends nothing); 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    /// Filters run only for requests forwarded to this backend; at most 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<GrpcRouteFilter>>,
}

impl GrpcBackendRef {
    /// A reference to Service `name` on `port`, in the route's namespace.
    #[must_use]
    pub fn service(name: impl Into<String>, port: PortNumber) -> Self {
        Self {
            name: name.into(),
            port: Some(port),
            ..Self::default()
        }
    }

    /// The group after defaulting (`""` when absent).
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or("")
    }

    /// The kind after defaulting (`Service` when absent).
    #[must_use]
    pub fn kind_or_default(&self) -> &str {
        self.kind.as_deref().unwrap_or("Service")
    }

    /// The weight after defaulting (1 when absent).
    #[must_use]
    pub fn weight_or_default(&self) -> i32 {
        self.weight.unwrap_or(1)
    }

    /// The reference without its filters.
    #[must_use]
    pub fn backend_ref(&self) -> BackendRef {
        let mut out = BackendRef::default();
        out.group.clone_from(&self.group);
        out.kind.clone_from(&self.kind);
        out.name.clone_from(&self.name);
        out.namespace.clone_from(&self.namespace);
        out.port = self.port;
        out.weight = self.weight;
        out
    }

    /// The object this reference points at.
    #[must_use]
    pub fn object_ref(&self) -> BackendObjectReference {
        let mut out = BackendObjectReference::default();
        out.group.clone_from(&self.group);
        out.kind.clone_from(&self.kind);
        out.name.clone_from(&self.name);
        out.namespace.clone_from(&self.namespace);
        out.port = self.port;
        out
    }

    /// Fills in the API server's defaults (group, kind, weight) and those
    /// inside the filters.
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(String::new);
        self.kind.get_or_insert_with(|| "Service".to_owned());
        self.weight.get_or_insert(1);
        for filter in self.filters.iter_mut().flatten() {
            filter.apply_defaults();
        }
    }
}

#[cfg(test)]
mod tests;
