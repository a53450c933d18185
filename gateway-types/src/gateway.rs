//! The `Gateway` kind: an instance of traffic-handling infrastructure, made of
//! listeners bound to a set of addresses.
//!
//! The listener types here ([`Listener`], [`ListenerTlsConfig`],
//! [`AllowedRoutes`], [`ListenerStatus`], ...) are shared with
//! [`ListenerSet`](crate::ListenerSet), whose entries have exactly the same
//! shape in the CRDs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::meta::{Condition, LabelSelector};
use crate::object::{Defaults, api_object};
use crate::shared::{GROUP, Hostname, ObjectReference, PortNumber, SecretObjectReference};

/// The application protocol of a listener.
///
/// A free string, not an enumeration: besides the core values in
/// [`protocol_type`], implementations may define their own as
/// `domain/Name` (for example `example.com/myproto`). The schema accepts a
/// bare token of letters, digits and inner dashes, or a lowercase domain, a
/// `/` and an alphanumeric name; 1..=255 characters. Comparison is exact
/// (`http` is not `HTTP`).
pub type ProtocolType = String;

/// The core listener protocols.
pub mod protocol_type {
    /// Cleartext HTTP/1.1 (HTTP/2 over cleartext is optional).
    pub const HTTP: &str = "HTTP";
    /// HTTP/1.1 or HTTP/2 over TLS, terminated at the Gateway.
    pub const HTTPS: &str = "HTTPS";
    /// A TLS stream routed by SNI, terminated or passed through.
    pub const TLS: &str = "TLS";
    /// A TCP stream.
    pub const TCP: &str = "TCP";
    /// UDP datagrams.
    pub const UDP: &str = "UDP";
}

/// The type of a Gateway address.
///
/// A free string, not an enumeration: the core values are in
/// [`address_type`], and implementations may add `domain/path` types. The CRD
/// pattern is unanchored in places (see the specification, 2.2 P5), so
/// validation reproduces it literally. 1..=253 characters; defaults to
/// `IPAddress`.
pub type AddressType = String;

/// The address types Gateway API defines.
pub mod address_type {
    /// An IPv4 or IPv6 address in text form (the default).
    pub const IP_ADDRESS: &str = "IPAddress";
    /// A DNS name, possibly with a leading `*.` label.
    pub const HOSTNAME: &str = "Hostname";
    /// An implementation-defined name for an address pool or similar.
    pub const NAMED_ADDRESS: &str = "NamedAddress";
}

string_enum! {
    /// Which namespaces may attach to a Gateway: routes to a listener
    /// (`allowedRoutes.namespaces.from`) or ListenerSets to the Gateway
    /// (`allowedListeners.namespaces.from`).
    ///
    /// One type serves both fields, as upstream. The route field's schema
    /// allows only `All`, `Selector` and `Same` (default `Same`); the
    /// ListenerSet field also allows `None` (default `None`). A `None` in
    /// `allowedRoutes` still loads, so validation can report it.
    pub enum FromNamespaces {
        /// Any namespace.
        All = "All",
        /// Namespaces whose labels match the accompanying selector.
        Selector = "Selector",
        /// Only the namespace of the Gateway (or ListenerSet) itself.
        Same = "Same",
        /// No namespace at all (ListenerSets only).
        None = "None",
    }
}

string_enum! {
    /// How a listener handles the TLS session a client opens.
    pub enum TlsModeType {
        /// The Gateway terminates TLS; certificates are required (the default).
        Terminate = "Terminate",
        /// The Gateway does not terminate TLS and routes on the ClientHello
        /// (SNI) only; certificate references are ignored. Only TLSRoute uses it.
        Passthrough = "Passthrough",
    }
}

string_enum! {
    /// How a Gateway treats client certificates on HTTPS listeners that
    /// validate them (`FrontendValidationModeType` upstream).
    pub enum FrontendValidationModeType {
        /// A client certificate is required and must verify against the
        /// configured CA certificates (the default).
        AllowValidOnly = "AllowValidOnly",
        /// Connections are accepted even when the client certificate is
        /// missing or fails verification, leaving authorisation to the
        /// backend. Extended support; the Gateway reports it with the
        /// `InsecureFrontendValidationMode` condition.
        AllowInsecureFallback = "AllowInsecureFallback",
    }
}

#[cfg(feature = "experimental")]
pub use crate::shared::GatewayDefaultScope;

/// The specification of a [`Gateway`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewaySpec {
    /// Name of the [`GatewayClass`](crate::GatewayClass) this Gateway belongs
    /// to, 1..=253 characters.
    pub gateway_class_name: String,
    /// The listeners: logical endpoints bound to every address of the Gateway.
    /// 1..=64 entries with unique names; each must be distinct from the others
    /// by port, protocol and (for HTTP, HTTPS and TLS) hostname.
    pub listeners: Vec<Listener>,
    /// Addresses requested for the Gateway, at most 16 (Extended support).
    /// When absent the implementation picks addresses itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<GatewaySpecAddress>>,
    /// Labels, annotations and parameters for the infrastructure the
    /// controller creates for this Gateway (Extended support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrastructure: Option<GatewayInfrastructure>,
    /// Which ListenerSets may attach to this Gateway. Absent means none may.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_listeners: Option<AllowedListeners>,
    /// Gateway-wide TLS settings: client-certificate validation for HTTPS
    /// listeners and the client certificate used towards backends
    /// (Extended support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<GatewayTlsConfig>,
    /// Makes this a default Gateway that implicitly claims routes asking for
    /// one, subject to the usual attachment rules. Unset or `None`: not a
    /// default Gateway.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_scope: Option<GatewayDefaultScope>,
}

impl GatewaySpec {
    /// A spec for class `gateway_class_name` with the given listeners and
    /// nothing else.
    #[must_use]
    pub fn new(gateway_class_name: impl Into<String>, listeners: Vec<Listener>) -> Self {
        Self {
            gateway_class_name: gateway_class_name.into(),
            listeners,
            ..Self::default()
        }
    }

    /// The listener named `name`, if any.
    #[must_use]
    pub fn listener(&self, name: &str) -> Option<&Listener> {
        self.listeners.iter().find(|l| l.name == name)
    }

    /// Where ListenerSets may come from after defaulting: `None` unless
    /// `allowedListeners.namespaces.from` says otherwise.
    #[must_use]
    pub fn allowed_listeners_from_or_default(&self) -> FromNamespaces {
        self.allowed_listeners
            .as_ref()
            .and_then(|a| a.namespaces.as_ref())
            .and_then(|n| n.from.clone())
            .unwrap_or(FromNamespaces::None)
    }

    /// Inserts the CRD defaults into absent fields, top-down.
    pub fn apply_defaults(&mut self) {
        for listener in &mut self.listeners {
            listener.apply_defaults();
        }
        for address in self.addresses.iter_mut().flatten() {
            address.apply_defaults();
        }
        if let Some(allowed) = &mut self.allowed_listeners {
            allowed.apply_defaults();
        }
        if let Some(tls) = &mut self.tls {
            tls.apply_defaults();
        }
    }
}

/// An address requested for a Gateway in its spec (`GatewaySpecAddress`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewaySpecAddress {
    /// The address type; `IPAddress` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<AddressType>,
    /// The address, at most 253 characters. When absent the implementation
    /// should assign an address of the requested type (Extended feature
    /// `GatewayAddressEmpty`). An `IPAddress` value must be IPv4 or IPv6 text,
    /// a `Hostname` value a hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl GatewaySpecAddress {
    /// A request for the IP address `value` (type left to its default).
    #[must_use]
    pub fn ip(value: impl Into<String>) -> Self {
        Self {
            type_: None,
            value: Some(value.into()),
        }
    }

    /// The type after defaulting.
    #[must_use]
    pub fn type_or_default(&self) -> &str {
        self.type_.as_deref().unwrap_or(address_type::IP_ADDRESS)
    }

    /// Fills in the API server's default type.
    pub fn apply_defaults(&mut self) {
        self.type_
            .get_or_insert_with(|| address_type::IP_ADDRESS.to_owned());
    }
}

/// Infrastructure-level attributes of a Gateway (`GatewayInfrastructure`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayInfrastructure {
    /// Labels to put on resources created for the Gateway: at most 8, keys
    /// qualified names, values label values of at most 63 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations to put on resources created for the Gateway: at most 16,
    /// keys qualified names, values at most 4096 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Per-Gateway controller parameters in the Gateway's namespace; merged
    /// with the class's parameters in an implementation-specific way.
    /// Unusable parameters reject the Gateway with `InvalidParameters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters_ref: Option<LocalParametersReference>,
}

/// A reference to a parameters object in the referrer's namespace
/// (`LocalParametersReference`). Every field is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalParametersReference {
    /// API group of the referent (`""` for the core group).
    pub group: String,
    /// Kind of the referent.
    pub kind: String,
    /// Name of the referent, 1..=253 characters.
    pub name: String,
}

impl LocalParametersReference {
    /// A reference to the object `group`/`kind` named `name`.
    #[must_use]
    pub fn new(group: impl Into<String>, kind: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            kind: kind.into(),
            name: name.into(),
        }
    }
}

/// Which ListenerSets may attach to a Gateway (`AllowedListeners`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AllowedListeners {
    /// The namespaces ListenerSets may come from; defaults to `{from: None}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<ListenerNamespaces>,
}

impl AllowedListeners {
    /// Allows ListenerSets from the namespaces `from` describes.
    #[must_use]
    pub fn from_namespaces(from: FromNamespaces) -> Self {
        Self {
            namespaces: Some(ListenerNamespaces {
                from: Some(from),
                selector: None,
            }),
        }
    }

    /// Fills in the API server's defaults.
    pub fn apply_defaults(&mut self) {
        self.namespaces
            .get_or_insert_with(ListenerNamespaces::default)
            .apply_defaults();
    }
}

/// The namespaces ListenerSets may attach from (`ListenerNamespaces`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenerNamespaces {
    /// `All`, `Selector`, `Same` or `None`; defaults to `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<FromNamespaces>,
    /// The namespace selector, used only when `from` is `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

impl ListenerNamespaces {
    /// `from` after defaulting.
    #[must_use]
    pub fn from_or_default(&self) -> FromNamespaces {
        self.from.clone().unwrap_or(FromNamespaces::None)
    }

    /// Fills in the API server's default `from`.
    pub fn apply_defaults(&mut self) {
        self.from.get_or_insert(FromNamespaces::None);
    }
}

/// A logical endpoint where a Gateway (or a ListenerSet) accepts connections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Listener {
    /// The listener's name, unique within its Gateway or ListenerSet; routes
    /// select it with `sectionName`. A lowercase DNS-style name, 1..=253.
    pub name: String,
    /// The hostname requests must carry: the Host header for HTTP, the SNI
    /// for TLS, both for HTTPS. A leading `*.` matches one or more labels.
    /// Absent matches every hostname; not allowed for TCP and UDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<Hostname>,
    /// The network port, 1..=65535.
    pub port: PortNumber,
    /// The protocol the listener expects, see [`ProtocolType`].
    pub protocol: ProtocolType,
    /// TLS settings. Expected for HTTPS and TLS, forbidden for HTTP, TCP and UDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTlsConfig>,
    /// Which route kinds, from which namespaces, may attach. Defaults to
    /// routes of the protocol's kinds from the listener's own namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_routes: Option<AllowedRoutes>,
}

impl Listener {
    /// A listener `name` on `port` speaking `protocol`, with no hostname, TLS
    /// or route restrictions.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        port: PortNumber,
        protocol: impl Into<ProtocolType>,
    ) -> Self {
        Self {
            name: name.into(),
            port,
            protocol: protocol.into(),
            ..Self::default()
        }
    }

    /// Sets the hostname.
    #[must_use]
    pub fn with_hostname(mut self, hostname: impl Into<Hostname>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// Sets the TLS settings.
    #[must_use]
    pub fn with_tls(mut self, tls: ListenerTlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sets the allowed routes.
    #[must_use]
    pub fn with_allowed_routes(mut self, allowed_routes: AllowedRoutes) -> Self {
        self.allowed_routes = Some(allowed_routes);
        self
    }

    /// The hostname, if one is set. An empty string counts as set here; the
    /// schema rejects it (minimum length 1).
    #[must_use]
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    /// The TLS mode after defaulting, or `None` when the listener has no
    /// `tls` block at all.
    #[must_use]
    pub fn tls_mode_or_default(&self) -> Option<TlsModeType> {
        self.tls.as_ref().map(ListenerTlsConfig::mode_or_default)
    }

    /// The allowed routes after defaulting: a copy of `allowedRoutes` with
    /// every absent default filled in (`namespaces.from: Same`, kind groups).
    /// An absent `kinds` stays absent: it means "the protocol's kinds".
    #[must_use]
    pub fn allowed_routes_or_default(&self) -> AllowedRoutes {
        let mut allowed = self.allowed_routes.clone().unwrap_or_default();
        allowed.apply_defaults();
        allowed
    }

    /// Fills in the API server's defaults: `allowedRoutes`
    /// (`{namespaces: {from: Same}}`) and, inside `tls`, the mode and the
    /// certificate references' group and kind.
    pub fn apply_defaults(&mut self) {
        self.allowed_routes
            .get_or_insert_with(AllowedRoutes::default)
            .apply_defaults();
        if let Some(tls) = &mut self.tls {
            tls.apply_defaults();
        }
    }
}

/// TLS settings of a listener (`ListenerTLSConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenerTlsConfig {
    /// Terminate or pass through; defaults to `Terminate`. HTTPS allows only
    /// `Terminate`; a TLS listener must state a mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<TlsModeType>,
    /// Certificates (with their keys) to present, chosen by SNI; at most 64.
    /// One Secret of type `kubernetes.io/tls` is Core; more, or other kinds,
    /// are implementation-specific. A reference to another namespace needs a
    /// ReferenceGrant. With `Terminate`, this or `options` must be non-empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_refs: Option<Vec<SecretObjectReference>>,
    /// Implementation-specific TLS settings (minimum version, ciphers, ...):
    /// at most 16; un-prefixed keys are reserved for Gateway API, values are
    /// at most 4096 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BTreeMap<String, String>>,
}

impl ListenerTlsConfig {
    /// Terminate TLS with the given certificates.
    #[must_use]
    pub fn terminate(certificate_refs: Vec<SecretObjectReference>) -> Self {
        Self {
            mode: Some(TlsModeType::Terminate),
            certificate_refs: Some(certificate_refs),
            options: None,
        }
    }

    /// Pass TLS through to the backend untouched.
    #[must_use]
    pub fn passthrough() -> Self {
        Self {
            mode: Some(TlsModeType::Passthrough),
            ..Self::default()
        }
    }

    /// The mode after defaulting.
    #[must_use]
    pub fn mode_or_default(&self) -> TlsModeType {
        self.mode.clone().unwrap_or(TlsModeType::Terminate)
    }

    /// The certificate references, empty when absent.
    #[must_use]
    pub fn certificate_refs(&self) -> &[SecretObjectReference] {
        self.certificate_refs.as_deref().unwrap_or(&[])
    }

    /// Fills in the API server's defaults: mode `Terminate`, and group `""`
    /// and kind `Secret` on each certificate reference.
    pub fn apply_defaults(&mut self) {
        self.mode.get_or_insert(TlsModeType::Terminate);
        for cert in self.certificate_refs.iter_mut().flatten() {
            cert.apply_defaults();
        }
    }
}

/// Which routes may attach to a listener (`AllowedRoutes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AllowedRoutes {
    /// The namespaces routes may come from; defaults to `{from: Same}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<RouteNamespaces>,
    /// The route kinds allowed, at most 8. Absent or empty: the kinds that
    /// fit the listener's protocol. Kinds the implementation does not support
    /// for the protocol make the listener report `InvalidRouteKinds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<RouteGroupKind>>,
}

impl AllowedRoutes {
    /// Routes from the namespaces `from` describes, of the protocol's kinds.
    #[must_use]
    pub fn from_namespaces(from: FromNamespaces) -> Self {
        Self {
            namespaces: Some(RouteNamespaces {
                from: Some(from),
                selector: None,
            }),
            kinds: None,
        }
    }

    /// `namespaces.from` after defaulting (`Same`).
    #[must_use]
    pub fn from_or_default(&self) -> FromNamespaces {
        self.namespaces
            .as_ref()
            .map_or(FromNamespaces::Same, RouteNamespaces::from_or_default)
    }

    /// The namespace selector, if one is set.
    #[must_use]
    pub fn selector(&self) -> Option<&LabelSelector> {
        self.namespaces.as_ref()?.selector.as_ref()
    }

    /// The listed kinds, empty when absent.
    #[must_use]
    pub fn kinds(&self) -> &[RouteGroupKind] {
        self.kinds.as_deref().unwrap_or(&[])
    }

    /// Fills in the API server's defaults: `namespaces` (`{from: Same}`) and
    /// the group of each kind.
    pub fn apply_defaults(&mut self) {
        self.namespaces
            .get_or_insert_with(RouteNamespaces::default)
            .apply_defaults();
        for kind in self.kinds.iter_mut().flatten() {
            kind.apply_defaults();
        }
    }
}

/// The namespaces routes may attach from (`RouteNamespaces`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RouteNamespaces {
    /// `All`, `Selector` or `Same` (`None` is not allowed here); defaults to `Same`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "route_namespaces_from_schema")
    )]
    pub from: Option<FromNamespaces>,
    /// The namespace selector, used only when `from` is `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// `allowedRoutes.namespaces.from` allows one value fewer than [`FromNamespaces`].
#[cfg(feature = "schemars")]
fn route_namespaces_from_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "enum": ["All", "Selector", "Same"]
    })
}

impl RouteNamespaces {
    /// `from` after defaulting.
    #[must_use]
    pub fn from_or_default(&self) -> FromNamespaces {
        self.from.clone().unwrap_or(FromNamespaces::Same)
    }

    /// Fills in the API server's default `from`.
    pub fn apply_defaults(&mut self) {
        self.from.get_or_insert(FromNamespaces::Same);
    }
}

/// A route kind with its group (`RouteGroupKind`), as allowed by a listener
/// or reported in its status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RouteGroupKind {
    /// Group of the route kind; `gateway.networking.k8s.io` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The route kind, for example `HTTPRoute`.
    pub kind: String,
}

impl RouteGroupKind {
    /// The kind `kind` in the default group (the group field left absent).
    #[must_use]
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            group: None,
            kind: kind.into(),
        }
    }

    /// Sets the group explicitly.
    #[must_use]
    pub fn with_group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// The group after defaulting.
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or(GROUP)
    }

    /// Fills in the API server's default group.
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(|| GROUP.to_owned());
    }
}

/// Gateway-wide TLS settings (`GatewayTLSConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayTlsConfig {
    /// The Gateway's settings as a TLS client of backends. Whether a backend
    /// connection uses TLS at all is decided by BackendTLSPolicy, not here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<GatewayBackendTls>,
    /// Client-certificate validation for connections to HTTPS listeners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontend: Option<FrontendTlsConfig>,
}

impl GatewayTlsConfig {
    /// Fills in the API server's defaults below `backend` and `frontend`.
    pub fn apply_defaults(&mut self) {
        if let Some(backend) = &mut self.backend {
            backend.apply_defaults();
        }
        if let Some(frontend) = &mut self.frontend {
            frontend.apply_defaults();
        }
    }
}

/// The Gateway's identity towards backends (`GatewayBackendTLS`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayBackendTls {
    /// The client certificate and key the Gateway presents to backends (Core:
    /// a `kubernetes.io/tls` Secret). Unresolvable or malformed: Gateway
    /// `ResolvedRefs=False/InvalidClientCertificateRef`; another namespace
    /// without a ReferenceGrant: `RefNotPermitted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_ref: Option<SecretObjectReference>,
}

impl GatewayBackendTls {
    /// Fills in the API server's defaults (the reference's group and kind).
    pub fn apply_defaults(&mut self) {
        if let Some(cert) = &mut self.client_certificate_ref {
            cert.apply_defaults();
        }
    }
}

/// Client-certificate validation for HTTPS listeners (`FrontendTLSConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FrontendTlsConfig {
    /// Applies to every HTTPS listener whose port has no `perPort` entry.
    pub default: TlsConfig,
    /// Per-port replacements for `default`, at most 64, one per port. An
    /// entry replaces the default completely for HTTPS listeners on its port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_port: Option<Vec<TlsPortConfig>>,
}

impl FrontendTlsConfig {
    /// The settings that govern HTTPS listeners on `port`: the `perPort`
    /// entry for that port if there is one, otherwise `default`.
    #[must_use]
    pub fn for_port(&self, port: PortNumber) -> &TlsConfig {
        self.per_port
            .iter()
            .flatten()
            .find(|p| p.port == port)
            .map_or(&self.default, |p| &p.tls)
    }

    /// Fills in the API server's defaults (each validation mode).
    pub fn apply_defaults(&mut self) {
        self.default.apply_defaults();
        for per_port in self.per_port.iter_mut().flatten() {
            per_port.tls.apply_defaults();
        }
    }
}

/// TLS settings shared by several listeners (`TLSConfig`); today only
/// client-certificate validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TlsConfig {
    /// Validate client certificates (mutual TLS). Absent: no validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<FrontendTlsValidation>,
}

impl TlsConfig {
    /// Fills in the API server's default validation mode.
    pub fn apply_defaults(&mut self) {
        if let Some(validation) = &mut self.validation {
            validation.apply_defaults();
        }
    }
}

/// Frontend TLS settings for the HTTPS listeners on one port (`TLSPortConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TlsPortConfig {
    /// The port, 1..=65535.
    pub port: PortNumber,
    /// The settings for HTTPS listeners on that port.
    pub tls: TlsConfig,
}

/// How client certificates are validated (`FrontendTLSValidation`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FrontendTlsValidation {
    /// The trust anchors: 1..=16 references to PEM CA bundles (Core: a
    /// ConfigMap with key `ca.crt`). Invalid entries make the targeted
    /// listeners report `InvalidCACertificateRef` or
    /// `InvalidCACertificateKind`; if none is valid they are not accepted
    /// (`NoValidCACertificate`).
    pub ca_certificate_refs: Vec<ObjectReference>,
    /// What to do with missing or unverifiable client certificates; defaults
    /// to `AllowValidOnly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FrontendValidationModeType>,
}

impl FrontendTlsValidation {
    /// The mode after defaulting.
    #[must_use]
    pub fn mode_or_default(&self) -> FrontendValidationModeType {
        self.mode
            .clone()
            .unwrap_or(FrontendValidationModeType::AllowValidOnly)
    }

    /// Fills in the API server's default mode.
    pub fn apply_defaults(&mut self) {
        self.mode
            .get_or_insert(FrontendValidationModeType::AllowValidOnly);
    }
}

/// The observed state of a [`Gateway`], written by its controller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayStatus {
    /// The addresses actually bound, at most 16. May differ from the spec's
    /// requests (assigned dynamically, or a requested address was unusable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<GatewayStatusAddress>>,
    /// Gateway conditions (`Accepted`, `Programmed`, `ResolvedRefs`, ...), at
    /// most 8, keyed by `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// One entry per listener of the Gateway's own spec (never ListenerSet
    /// entries), at most 64, keyed by `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<ListenerStatus>>,
    /// How many ListenerSets are attached: allowed by `allowedListeners`,
    /// referring to this Gateway, and `Accepted=True`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_listener_sets: Option<i32>,
}

impl GatewayStatus {
    /// The status the API server gives a Gateway no controller has written
    /// yet: `Accepted` and `Programmed`, both `Unknown/Pending` with the
    /// message "Waiting for controller" and an epoch transition time.
    #[must_use]
    pub fn pending() -> Self {
        Self {
            conditions: Some(vec![
                Condition::pending("Accepted"),
                Condition::pending("Programmed"),
            ]),
            ..Self::default()
        }
    }

    /// The condition of the given type, if present.
    #[must_use]
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions.iter().flatten().find(|c| c.type_ == type_)
    }

    /// The status of the listener named `name`, if present.
    #[must_use]
    pub fn listener(&self, name: &str) -> Option<&ListenerStatus> {
        self.listeners.iter().flatten().find(|l| l.name == name)
    }
}

/// An address bound to a Gateway, as reported in status (`GatewayStatusAddress`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayStatusAddress {
    /// The address type; `IPAddress` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<AddressType>,
    /// The address, 1..=253 characters, valid for its type.
    pub value: String,
}

impl GatewayStatusAddress {
    /// The address `value` of type `type_`.
    #[must_use]
    pub fn new(type_: impl Into<AddressType>, value: impl Into<String>) -> Self {
        Self {
            type_: Some(type_.into()),
            value: value.into(),
        }
    }

    /// The type after defaulting.
    #[must_use]
    pub fn type_or_default(&self) -> &str {
        self.type_.as_deref().unwrap_or(address_type::IP_ADDRESS)
    }
}

/// The status of one listener (`ListenerStatus`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenerStatus {
    /// The name of the listener this entry describes.
    pub name: String,
    /// The route kinds the implementation supports on this listener, at most
    /// 8: the valid subset of `allowedRoutes.kinds`, or the protocol's kinds.
    /// Written as `[]` when none is valid, so "absent" and "empty" differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_kinds: Option<Vec<RouteGroupKind>>,
    /// How many routes are attached to the listener with `Accepted=True`,
    /// counted even when the listener itself is not accepted.
    pub attached_routes: i32,
    /// Listener conditions (`Accepted`, `Programmed`, `ResolvedRefs`,
    /// `Conflicted`, `OverlappingTLSConfig`), at most 8, keyed by `type`.
    pub conditions: Vec<Condition>,
}

impl ListenerStatus {
    /// An entry for listener `name` with no kinds, routes or conditions yet.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The condition of the given type, if present.
    #[must_use]
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.type_ == type_)
    }
}

api_object! {
    /// A Gateway: listeners bound to addresses, implemented by the controller
    /// of the [`GatewayClass`](crate::GatewayClass) it names. Routes attach to
    /// its listeners; ListenerSets may add more listeners when
    /// `allowedListeners` lets them.
    ///
    /// # Example
    ///
    /// ```
    /// use gateway_types::gateway::{protocol_type, FromNamespaces, GatewaySpec, Listener};
    /// use gateway_types::{Defaults, Gateway};
    ///
    /// let gateway = Gateway::new(
    ///     "edge",
    ///     GatewaySpec::new("example", vec![Listener::new("http", 80, protocol_type::HTTP)]),
    /// )
    /// .in_namespace("infra")
    /// .with_defaults();
    /// let http = gateway.listener("http").expect("declared above");
    /// assert_eq!(http.allowed_routes_or_default().from_or_default(), FromNamespaces::Same);
    /// ```
    Gateway {
        group: GROUP,
        kind: "Gateway",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "gateways",
        namespaced: true,
        spec: GatewaySpec,
        status: GatewayStatus,
    }
}

impl Gateway {
    /// The listener of the Gateway's own spec named `name`, if any.
    #[must_use]
    pub fn listener(&self, name: &str) -> Option<&Listener> {
        self.spec.listener(name)
    }

    /// The name of the GatewayClass this Gateway belongs to.
    #[must_use]
    pub fn class_name(&self) -> &str {
        &self.spec.gateway_class_name
    }
}

impl Defaults for Gateway {
    /// Inserts every spec default of the CRD into absent fields, top-down:
    /// address types, `allowedListeners.namespaces`, each listener's
    /// `allowedRoutes` and TLS mode, certificate reference groups and kinds,
    /// and frontend validation modes.
    ///
    /// Status is left alone, including its CRD default (`Accepted` and
    /// `Programmed` `Unknown/Pending`): status is written by controllers
    /// through the status subresource, so defaulting a loaded object must not
    /// invent conditions nobody reported. [`GatewayStatus::pending`] builds
    /// that default for a controller that wants it.
    fn apply_defaults(&mut self) {
        self.spec.apply_defaults();
    }
}

#[cfg(test)]
mod tests;
