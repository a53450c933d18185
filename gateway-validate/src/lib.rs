//! What the Kubernetes API server would reject, and what a conformant Gateway
//! API controller would write into `.status`.
//!
//! Two passes run over a [`Snapshot`] of objects:
//!
//! 1. **Admission** checks each object alone against the CRD schema and CEL
//!    rules of the chosen release channel, after API-server defaulting. Its
//!    [`Finding`]s are data, not errors. Objects that fail it take no further
//!    part, as in a cluster, where they would never have been stored.
//! 2. **Status** computes every condition a controller writes (GatewayClass,
//!    Gateway and listeners, ListenerSet, route parents, BackendTLSPolicy
//!    ancestors) and the accepted routing view that `gateway-match` compiles.
//!
//! [`validate`] runs both; [`status_of_admitted`] runs the status pass alone,
//! for objects an API server has already admitted.
//!
//! # Status pass: which objects get status
//!
//! With no controller name ([`Options::controller_name`]) the pass acts for
//! every GatewayClass of the snapshot and writes each class's own
//! `controllerName` into route and policy status; with one, only for classes
//! naming it. The class given by [`Options::gateway_class`] counts as present
//! and accepted when the snapshot has no object for it. Gateways of other
//! classes, ListenerSets and route parentRefs naming them, get no status (a
//! missing class or parent Gateway is reported as a warning [`Finding`]).
//! Objects are evaluated after API-server defaulting, on copies. Every
//! condition carries `observedGeneration` from the object whose status holds
//! it. "Oldest first" uses `creationTimestamp`, then snapshot order for
//! objects without one, then `namespace/name`.
//!
//! # Status pass: decisions of this implementation
//!
//! Where the specification leaves a choice, this crate decides as follows.
//!
//! - Listeners: protocols `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`; others are
//!   `Accepted=False/UnsupportedProtocol` with `supportedKinds: []`. HTTP and
//!   HTTPS listeners carry HTTPRoute and GRPCRoute, TLS listeners (Passthrough
//!   and Terminate, also mixed on one port) TLSRoute, TCP TCPRoute, UDP
//!   UDPRoute. HTTPS and TLS listeners may share a port; two of them with one
//!   hostname on one port are a `HostnameConflict`. Listener TLS `options` are
//!   not supported (`Accepted=False/UnsupportedValue`). A listener with no
//!   usable certificate, or no supported route kind, is `Programmed=False/Invalid`.
//!   `allowedRoutes.namespaces.from: Selector` without a selector is
//!   `Accepted=False/Invalid`. Port availability is not modelled.
//! - Certificates: a core Secret of type `kubernetes.io/tls` whose `tls.crt`
//!   holds a PEM `CERTIFICATE` block and `tls.key` a PEM `… PRIVATE KEY`
//!   block, each with a base64 DER body. Whether the key matches the
//!   certificate (or the certificate has expired, or covers the hostname) is
//!   not checked. CA bundles: a core ConfigMap whose `ca.crt` holds PEM
//!   certificates.
//! - Gateway: `infrastructure.parametersRef` (and a GatewayClass
//!   `parametersRef`) must name an existing core ConfigMap; address types
//!   `IPAddress` and `Hostname` are supported, requested values are reported
//!   as bound, and an address without a value is `Programmed=False/AddressNotAssigned`.
//!   `SupportedVersion` is always `True`; `supportedFeatures` lists
//!   [`SUPPORTED_FEATURES`].
//! - Routes: an HTTPRoute and a GRPCRoute with intersecting hostnames on one
//!   listener: the older keeps it; a parentRef that loses every listener is
//!   `Accepted=False/NotAllowedByListeners` naming the winner (upstream names
//!   no reason). A parentRef to a ListenerSet that is not attached to its
//!   Gateway is `NoMatchingParent`. Rules are dropped (`PartiallyInvalid`, or
//!   `Accepted=False` when none is left) for regular expressions that do not
//!   compile, a header modifier naming one header twice, `ReplacePrefixMatch`
//!   without a single `PathPrefix` match (`UnsupportedValue`), and a redirect
//!   combined with a rewrite across the rule and its backendRefs
//!   (`IncompatibleFilters`). `ExtensionRef` filters are not supported
//!   (`ResolvedRefs=False/InvalidKind`).
//! - Backends: core Services only (`ExternalName` Services are `InvalidKind`);
//!   the port must be declared by the Service (`BackendNotFound`) with the
//!   route's transport, UDP for UDPRoute and TCP otherwise
//!   (`UnsupportedProtocol`); `appProtocol` `kubernetes.io/h2c` suits
//!   HTTPRoute and GRPCRoute, `kubernetes.io/ws` HTTPRoute, `kubernetes.io/wss`
//!   TLSRoute (and HTTPRoute with a BackendTLSPolicy); a backend whose
//!   BackendTLSPolicy is not accepted is `UnsupportedProtocol`.
//! - BackendTLSPolicy: exactly one targetRef, a core Service (else
//!   `Accepted=False/Invalid`); a `sectionName` naming no port is
//!   `TargetNotFound`; a UDP target port and any `options` are `Invalid`. One
//!   ancestor entry per Gateway whose attached routes use a targeted Service,
//!   at most 16 (in Gateway namespace/name order): through each further
//!   Gateway the policy cannot be applied, so that Gateway gets a
//!   `status.policy.ancestors-full` warning, its routes
//!   `ResolvedRefs=False/UnsupportedProtocol` for the backends the policy
//!   governs, and its routing view marks those backends invalid (500).
//!
//! Where the conformance tests and the specification's text disagree, the
//! tests win: a TLSRoute on an HTTP or HTTPS listener is
//! `NotAllowedByListeners` (not `UnsupportedValue`); a conflicted listener is
//! `Accepted=False` and `Programmed=False` with the conflict's reason, and
//! same port, protocol and hostname is `HostnameConflict` (not
//! `ListenerConflict`); TCP, UDP and TLS routes with unresolved backends stay
//! `Accepted=True`.
//!
//! # Status pass: cost
//!
//! Every lookup is a hash lookup by namespace and name (ReferenceGrants are
//! indexed by referrer and target), the HTTPRoute/GRPCRoute tie uses a
//! hostname suffix index, and each route is evaluated once per parentRef, so
//! the pass grows with the number of objects and references (n log n at
//! worst, for sorting), never with their product. Routes are defaulted once,
//! when they enter the [`Snapshot`], and every report's routing view shares
//! that copy, so a controller that recomputes status after each change does
//! not copy its routes again.

pub mod admission;
pub mod condition;
pub mod finding;
pub mod report;
pub mod snapshot;
mod status;

pub use condition::{ConditionType, Reason};
pub use finding::{Finding, Location, ObjectRef, Severity};
pub use report::Report;
pub use snapshot::Snapshot;
pub use status::SUPPORTED_FEATURES;

/// The CRD release channel objects are checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// The standard channel (default).
    #[default]
    Standard,
    /// The experimental channel: more fields, more served versions.
    Experimental,
}

/// The controller name used when none is configured.
pub const DEFAULT_CONTROLLER_NAME: &str = "gwcheck.dev/gateway-controller";

/// Options of a pass. Setters take and return the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    controller_name: Option<String>,
    gateway_class: Option<String>,
    channel: Channel,
}

impl Options {
    /// Default options: act for every GatewayClass, standard channel.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Act only for GatewayClasses whose `controllerName` is `name`; Gateways
    /// of other classes get no status.
    #[must_use]
    pub fn controller_name(mut self, name: impl Into<String>) -> Self {
        self.controller_name = Some(name.into());
        self
    }

    /// Treat the GatewayClass `name` as present and accepted even when the
    /// snapshot holds no object for it (what route test files expect of the
    /// class the runner acts as).
    #[must_use]
    pub fn gateway_class(mut self, name: impl Into<String>) -> Self {
        self.gateway_class = Some(name.into());
        self
    }

    /// The GatewayClass assumed present, if any.
    #[must_use]
    pub fn assumed_gateway_class(&self) -> Option<&str> {
        self.gateway_class.as_deref()
    }

    /// Check against this release channel.
    #[must_use]
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = channel;
        self
    }

    /// The configured controller name, if any.
    #[must_use]
    pub fn controller(&self) -> Option<&str> {
        self.controller_name.as_deref()
    }

    /// The controller name written into status (`controllerName`).
    #[must_use]
    pub fn effective_controller_name(&self) -> &str {
        self.controller_name
            .as_deref()
            .unwrap_or(DEFAULT_CONTROLLER_NAME)
    }

    /// The configured channel.
    #[must_use]
    pub fn release_channel(&self) -> Channel {
        self.channel
    }
}

/// Runs admission, then status, over a snapshot.
///
/// Never fails: problems are findings and conditions in the [`Report`].
pub fn validate(snapshot: &Snapshot, options: &Options) -> Report {
    let mut report = Report::default();
    // The defaulted objects admission checked, one per entry, handed to the
    // status pass so that it does not clone and default them again.
    let mut defaulted = Vec::with_capacity(snapshot.len());
    for entry in snapshot.entries() {
        let (findings, object) = admission::admit_keeping_defaults(entry, None, options);
        defaulted.push(object);
        if findings.iter().any(Finding::is_error) {
            let m = entry.object.metadata();
            report.rejected.push(ObjectRef::new(
                entry.object.kind(),
                m.namespace.as_deref(),
                m.name.as_deref().unwrap_or_default(),
            ));
        }
        report.findings.extend(findings);
    }
    status::compute(snapshot, defaulted, options, &mut report);
    report
}

/// Runs the status pass alone, taking every object as already admitted.
///
/// This is what a controller needs for objects it reads from a cluster: the
/// API server ran admission (with the CRDs the cluster has installed, which
/// may be another channel than [`Options::channel`]) before storing them.
/// Objects are still defaulted first, which changes nothing in an object the
/// API server stored (routes once, when they enter the snapshot: see
/// [`snapshot::Entry`]; other objects in each pass). The report has the same
/// statuses and routing view as [`validate`] would give for a snapshot that admission accepts whole, and
/// only the status pass's findings: none from admission, and
/// [`Report::rejected`] is empty. For manifests that have not been through an
/// API server, use [`validate`].
///
/// ```
/// use gateway_types::Loader;
/// use gateway_validate::{Options, Snapshot, status_of_admitted, validate};
///
/// let yaml = r#"
/// apiVersion: gateway.networking.k8s.io/v1
/// kind: Gateway
/// metadata: {name: edge, namespace: infra}
/// spec:
///   gatewayClassName: example
///   listeners:
///   - {name: http, port: 80, protocol: HTTP}
/// "#;
/// let loaded = Loader::new().load_str("edge.yaml", yaml);
/// let snapshot = Snapshot::from_loaded(&loaded);
/// let options = Options::new().gateway_class("example");
///
/// let status = status_of_admitted(&snapshot, &options);
/// let full = validate(&snapshot, &options);
/// assert_eq!(
///     status.gateway_status("infra", "edge"),
///     full.gateway_status("infra", "edge"),
/// );
/// assert!(status.rejected().is_empty());
/// ```
pub fn status_of_admitted(snapshot: &Snapshot, options: &Options) -> Report {
    let mut report = Report::default();
    status::compute(snapshot, Vec::new(), options, &mut report);
    report
}
