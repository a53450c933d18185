//! The accepted routing view: what a status pass hands to a router.
//!
//! A controller (for example `gateway-validate`) decides which routes attach
//! to which listeners, with which effective hostnames, and which backends
//! resolve. A data plane (for example `gateway-match`) compiles exactly that.
//! This module is the contract between the two, in plain data: it holds only
//! this crate's types, so a proxy fed by its own control plane can build the
//! view by hand and skip validation altogether.

use std::sync::Arc;

use crate::grpc_route::GrpcRoute;
use crate::http_route::HttpRoute;
use crate::tcp_route::TcpRoute;
use crate::tls_route::TlsRoute;
use crate::udp_route::UdpRoute;

/// The routing of one Gateway: its listeners (own and merged from
/// ListenerSets), each with the routes attached to it.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct GatewayRouting {
    /// The Gateway's namespace.
    pub namespace: String,
    /// The Gateway's name.
    pub name: String,
    /// Listeners in merge order: the Gateway's own, then ListenerSet entries.
    pub listeners: Vec<ListenerRouting>,
}

impl GatewayRouting {
    /// An empty view for the Gateway `namespace/name`.
    #[must_use]
    pub fn new(namespace: &str, name: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            listeners: Vec::new(),
        }
    }
}

/// Which object declared a listener.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListenerOwner {
    /// One of the Gateway's own `spec.listeners`.
    Gateway,
    /// An entry of a ListenerSet attached to the Gateway.
    ListenerSet {
        /// The ListenerSet's namespace.
        namespace: String,
        /// The ListenerSet's name.
        name: String,
    },
}

/// How a listener treats TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListenerTls {
    /// No TLS (HTTP, TCP, UDP).
    None,
    /// TLS is terminated at the Gateway (HTTPS, TLS/Terminate).
    Terminate,
    /// The TLS stream is passed through, routed by SNI (TLS/Passthrough).
    Passthrough,
}

/// One listener and the routes attached to it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListenerRouting {
    /// The listener's name (unique within its owner).
    pub name: String,
    /// Who declared it.
    pub owner: ListenerOwner,
    /// The port it listens on.
    pub port: i32,
    /// The protocol, exactly as written (`HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, ...).
    pub protocol: String,
    /// The listener hostname; `None` accepts every host.
    pub hostname: Option<String>,
    /// TLS handling.
    pub tls: ListenerTls,
    /// Whether the listener may carry traffic (accepted, not conflicted,
    /// references resolved). Routes stay attached to a listener that is not
    /// ready, but a data plane sends nothing through it.
    pub ready: bool,
    /// Routes attached to this listener, of every kind.
    pub routes: Vec<AttachedRoute>,
}

impl ListenerRouting {
    /// A ready listener of the Gateway itself with no routes yet.
    #[must_use]
    pub fn new(name: &str, port: i32, protocol: &str, hostname: Option<&str>) -> Self {
        let tls = match protocol {
            "HTTPS" => ListenerTls::Terminate,
            "TLS" => ListenerTls::Passthrough,
            _ => ListenerTls::None,
        };
        Self {
            name: name.to_owned(),
            owner: ListenerOwner::Gateway,
            port,
            protocol: protocol.to_owned(),
            hostname: hostname.map(str::to_owned),
            tls,
            ready: true,
            routes: Vec::new(),
        }
    }
}

/// The route object behind an attachment, shared between listeners.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RouteObject {
    /// An HTTPRoute.
    Http(Arc<HttpRoute>),
    /// A GRPCRoute.
    Grpc(Arc<GrpcRoute>),
    /// A TLSRoute.
    Tls(Arc<TlsRoute>),
    /// A TCPRoute.
    Tcp(Arc<TcpRoute>),
    /// A UDPRoute.
    Udp(Arc<UdpRoute>),
}

impl RouteObject {
    /// The kind name (`HTTPRoute`, ...).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Http(_) => "HTTPRoute",
            Self::Grpc(_) => "GRPCRoute",
            Self::Tls(_) => "TLSRoute",
            Self::Tcp(_) => "TCPRoute",
            Self::Udp(_) => "UDPRoute",
        }
    }

    /// The route's metadata.
    #[must_use]
    pub fn metadata(&self) -> &crate::meta::ObjectMeta {
        match self {
            Self::Http(r) => &r.metadata,
            Self::Grpc(r) => &r.metadata,
            Self::Tls(r) => &r.metadata,
            Self::Tcp(r) => &r.metadata,
            Self::Udp(r) => &r.metadata,
        }
    }
}

/// A route attached to one listener.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AttachedRoute {
    /// The route.
    pub route: RouteObject,
    /// The route's namespace (its own, resolved).
    pub namespace: String,
    /// The route's name.
    pub name: String,
    /// Creation time in seconds since the Unix epoch, for precedence and
    /// conflict tie-breaks (older wins). Unknown times sort last.
    pub created: Option<i64>,
    /// Effective hostnames on this listener (the intersection of the
    /// listener's and the route's); `None` means every host.
    pub hostnames: Option<Vec<String>>,
    /// Per rule of the route, in rule order.
    pub rules: Vec<RuleRouting>,
}

/// How one rule of an attached route resolved.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RuleRouting {
    /// Whether the rule is served. A dropped rule (`PartiallyInvalid`) is not.
    pub valid: bool,
    /// One entry per `backendRefs` entry, in order.
    pub backends: Vec<ResolvedBackend>,
    /// One entry per rule-level `RequestMirror` filter, in filter order:
    /// `(filter index, target)`.
    pub mirrors: Vec<(usize, ResolvedBackend)>,
    /// One entry per `RequestMirror` filter of a backendRef, in order:
    /// `(backendRef index, filter index, target)`. A router mirrors to a
    /// backendRef-level target only through this resolution when the rule
    /// is resolved, so a target that is not permitted gets no copies.
    pub backend_mirrors: Vec<(usize, usize, ResolvedBackend)>,
}

/// A backend reference after resolution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvedBackend {
    /// Group of the referent (`""` for core).
    pub group: String,
    /// Kind of the referent (`Service`, ...).
    pub kind: String,
    /// Namespace of the referent.
    pub namespace: String,
    /// Name of the referent.
    pub name: String,
    /// Port, when given.
    pub port: Option<i32>,
    /// Relative weight (defaulted; 0 = never chosen).
    pub weight: u32,
    /// `None` when the reference resolved; otherwise the status reason
    /// (`BackendNotFound`, `RefNotPermitted`, `InvalidKind`, `UnsupportedProtocol`).
    /// Requests sent to an unresolved backend get a 500.
    pub invalid: Option<String>,
    /// The Service port's `appProtocol`, when set.
    pub app_protocol: Option<String>,
    /// TLS towards the backend, from the BackendTLSPolicy that applies.
    pub tls: Option<BackendTls>,
}

/// TLS settings towards a backend, from a BackendTLSPolicy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackendTls {
    /// The policy's namespace.
    pub policy_namespace: String,
    /// The policy's name.
    pub policy_name: String,
    /// The server name to send (SNI) and, unless subject alternative names are
    /// given, to verify.
    pub hostname: String,
}

impl AttachedRoute {
    /// A route attached as written, for views built by hand (a proxy fed by
    /// its own control plane, tests): namespace and name from the metadata
    /// (namespace `default` when unset), the creation time parsed from it,
    /// the route's own `hostnames` (a router intersects them with the
    /// listener's), and no per-rule resolution (`rules` empty: a router
    /// serves every rule with its backendRefs as written).
    #[must_use]
    pub fn new(route: RouteObject) -> Self {
        let meta = route.metadata();
        let namespace = meta
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        let name = meta.name.clone().unwrap_or_default();
        let created = crate::meta::MetaExt::creation_timestamp_text(meta)
            .and_then(|t| crate::meta::parse_timestamp(&t));
        let hostnames = match &route {
            RouteObject::Http(r) => r.spec.hostnames.clone(),
            RouteObject::Grpc(r) => r.spec.hostnames.clone(),
            RouteObject::Tls(r) => r.spec.hostnames.clone(),
            RouteObject::Tcp(_) | RouteObject::Udp(_) => None,
        };
        Self::resolved(route, namespace, name, created, hostnames, Vec::new())
    }

    /// A route attached with everything already worked out, as a status pass
    /// computes it: the route's namespace and name, its creation time, its
    /// effective hostnames on the listener (`None`: every host) and the
    /// resolution of each rule.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use gateway_types::http_route::{HttpRoute, HttpRouteSpec};
    /// use gateway_types::routing::{AttachedRoute, RouteObject};
    ///
    /// let route = HttpRoute::new("web", HttpRouteSpec::default());
    /// let attached = AttachedRoute::resolved(
    ///     RouteObject::Http(Arc::new(route)),
    ///     "apps".to_owned(),
    ///     "web".to_owned(),
    ///     None,
    ///     Some(vec!["web.example.com".to_owned()]),
    ///     Vec::new(),
    /// );
    /// assert_eq!(attached.namespace, "apps");
    /// assert_eq!(attached.hostnames.as_deref(), Some(&["web.example.com".to_owned()][..]));
    /// ```
    #[must_use]
    pub fn resolved(
        route: RouteObject,
        namespace: String,
        name: String,
        created: Option<i64>,
        hostnames: Option<Vec<String>>,
        rules: Vec<RuleRouting>,
    ) -> Self {
        Self {
            route,
            namespace,
            name,
            created,
            hostnames,
            rules,
        }
    }
}
