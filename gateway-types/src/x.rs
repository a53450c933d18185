//! Experimental kinds of the `gateway.networking.x-k8s.io` group, version
//! `v1alpha1`: [`XBackend`], [`XBackendTrafficPolicy`] and [`XMesh`].
//!
//! These kinds ship only in the experimental CRD bundle and may change or
//! disappear between releases. Gateway API processing in this workspace does
//! not act on them; they are typed so that a bundle containing them loads and
//! validates.

use serde::{Deserialize, Serialize};

use crate::backend_tls_policy::BackendTlsPolicyValidation;
use crate::enums::string_enum;
use crate::meta::Condition;
use crate::object::{Defaults, api_object};
use crate::shared::{
    Duration, LocalPolicyTargetReference, ParentReference, PolicyStatus, PortNumber,
    SecretObjectReference, X_GROUP,
};

// ---------------------------------------------------------------------------
// XBackend

/// The desired state of an [`XBackend`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendSpec {
    /// What kind of destination this is; selects which member below is set.
    #[serde(rename = "type")]
    pub type_: BackendType,
    /// The port to connect to.
    pub port: BackendPort,
    /// The destination of an `ExternalHostname` backend; set exactly for that type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_hostname: Option<ExternalHostnameBackend>,
    /// The application protocol to speak to the backend, where the route
    /// kind alone does not settle it (for example `H2C` or `MCP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<BackendProtocol>,
    /// TLS towards the backend; external hostnames without TLS are insecure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<BackendTls>,
}

impl BackendSpec {
    /// An `ExternalHostname` backend reaching `hostname` on `port`.
    #[must_use]
    pub fn external_hostname(hostname: &str, port: PortNumber) -> Self {
        Self {
            type_: BackendType::ExternalHostname,
            port: BackendPort { name: None, port },
            external_hostname: Some(ExternalHostnameBackend {
                hostname: hostname.to_owned(),
            }),
            protocol: None,
            tls: None,
        }
    }
}

string_enum! {
    /// The kind of destination an [`XBackend`] describes.
    pub enum BackendType {
        /// A fully qualified domain name outside the cluster.
        ExternalHostname = "ExternalHostname",
    }
}

/// The port of an [`XBackend`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendPort {
    /// An optional port name: empty or a DNS label of at most 63 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The port number, 1 to 65535.
    pub port: PortNumber,
}

/// Where an `ExternalHostname` [`XBackend`] points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExternalHostnameBackend {
    /// The host name (no wildcard, no IP address, not under `.cluster.local`).
    pub hostname: String,
}

string_enum! {
    /// The protocol spoken to an [`XBackend`].
    pub enum BackendProtocol {
        /// Plain TCP.
        Tcp = "TCP",
        /// HTTP, version negotiated or implementation default.
        Http = "HTTP",
        /// HTTP/2.
        Http2 = "HTTP2",
        /// HTTP/1.1.
        Http11 = "HTTP11",
        /// HTTP/2 over cleartext.
        H2c = "H2C",
        /// The Model Context Protocol.
        Mcp = "MCP",
    }
}

/// TLS settings for connections to an [`XBackend`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendTls {
    /// No TLS, server verification only, or mutual TLS.
    pub mode: BackendTlsMode,
    /// The client certificate and key for mutual TLS; set exactly when the
    /// mode is `ClientAndServer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_ref: Option<SecretObjectReference>,
    /// How the server certificate is verified (the BackendTLSPolicy settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<BackendTlsPolicyValidation>,
}

impl BackendTls {
    /// TLS settings with the given mode and nothing else.
    #[must_use]
    pub fn new(mode: BackendTlsMode) -> Self {
        Self {
            mode,
            client_certificate_ref: None,
            validation: None,
        }
    }

    /// Fills in the API server's defaults (in the client certificate reference).
    pub fn apply_defaults(&mut self) {
        if let Some(cert) = &mut self.client_certificate_ref {
            cert.apply_defaults();
        }
    }
}

string_enum! {
    /// How TLS is used towards an [`XBackend`].
    pub enum BackendTlsMode {
        /// No TLS.
        None = "None",
        /// TLS, verifying the server's certificate.
        ServerOnly = "ServerOnly",
        /// Mutual TLS: the Gateway also presents a client certificate.
        ClientAndServer = "ClientAndServer",
    }
}

/// The observed state of an [`XBackend`], per parent (usually a Gateway).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendStatus {
    /// One entry per parent a controller associates the backend with, at most 32.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parents: Option<Vec<BackendParentStatus>>,
}

/// The status of an [`XBackend`] with respect to one parent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendParentStatus {
    /// The controller that wrote this entry (`domain/path`).
    pub controller_name: String,
    /// The parent this entry is about.
    pub parent_ref: ParentReference,
    /// Conditions of the backend for this parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
}

api_object! {
    /// A backend destination described natively in Gateway API (`XBackend`),
    /// for now an external host name.
    ///
    /// ```
    /// use gateway_types::x::{BackendSpec, XBackend};
    ///
    /// let backend = XBackend::new("payments", BackendSpec::external_hostname("pay.example.com", 443))
    ///     .in_namespace("apps");
    /// assert_eq!(backend.spec.port.port, 443);
    /// ```
    XBackend {
        group: X_GROUP,
        kind: "XBackend",
        version: "v1alpha1",
        versions: ["v1alpha1"],
        plural: "xbackends",
        namespaced: true,
        spec: BackendSpec,
        status: BackendStatus,
    }
}

impl Defaults for XBackend {
    fn apply_defaults(&mut self) {
        if let Some(tls) = &mut self.spec.tls {
            tls.apply_defaults();
        }
        if let Some(status) = &mut self.status {
            for parent in status.parents.iter_mut().flatten() {
                parent.parent_ref.apply_defaults();
            }
        }
    }
}

// ---------------------------------------------------------------------------
// XBackendTrafficPolicy

/// The desired state of an [`XBackendTrafficPolicy`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendTrafficPolicySpec {
    /// The backends (Services, ServiceImports, ...) the policy applies to,
    /// 1 to 16, unique by group, kind and name. Core support covers one target.
    pub target_refs: Vec<LocalPolicyTargetReference>,
    /// Limits on retries to the targets, as a retry budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_constraint: Option<RetryConstraint>,
    /// Session persistence towards the targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_persistence: Option<SessionPersistence>,
}

impl BackendTrafficPolicySpec {
    /// A spec targeting `targets` with no settings yet.
    #[must_use]
    pub fn new(targets: Vec<LocalPolicyTargetReference>) -> Self {
        Self {
            target_refs: targets,
            retry_constraint: None,
            session_persistence: None,
        }
    }

    /// Fills in the API server's defaults, top-down.
    pub fn apply_defaults(&mut self) {
        if let Some(retry) = &mut self.retry_constraint {
            retry.apply_defaults();
        }
        if let Some(session) = &mut self.session_persistence {
            session.apply_defaults();
        }
    }
}

/// When further retries to a backend are allowed: retries may make up at most
/// a percentage of the active requests over an interval (the budget), but a
/// minimum rate of retries is always allowed. Retries over the budget fail
/// with 503.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RetryConstraint {
    /// The budget; defaults to 20 percent over 10 seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetDetails>,
    /// Retries always allowed regardless of the budget; defaults to 10 per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_retry_rate: Option<RequestRate>,
}

impl RetryConstraint {
    /// Fills in the API server's defaults, top-down.
    pub fn apply_defaults(&mut self) {
        self.budget
            .get_or_insert_with(BudgetDetails::default)
            .apply_defaults();
        self.min_retry_rate.get_or_insert_with(|| RequestRate {
            count: Some(10),
            interval: Some("1s".to_owned()),
        });
    }
}

/// A retry budget: the share of active requests that may be retries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BudgetDetails {
    /// The maximum percentage (0 to 100) of active requests that may be
    /// retries; defaults to 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<i64>,
    /// The window over which requests are counted, between 1s and 1h;
    /// defaults to `10s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
}

impl BudgetDetails {
    /// The percentage after defaulting.
    #[must_use]
    pub fn percent_or_default(&self) -> i64 {
        self.percent.unwrap_or(20)
    }

    /// The interval after defaulting.
    #[must_use]
    pub fn interval_or_default(&self) -> &str {
        self.interval.as_deref().unwrap_or("10s")
    }

    /// Fills in the API server's defaults (percent and interval).
    pub fn apply_defaults(&mut self) {
        self.percent.get_or_insert(20);
        self.interval.get_or_insert_with(|| "10s".to_owned());
    }
}

/// A number of requests per interval.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestRate {
    /// How many requests, 1 to 1,000,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Per how long, more than zero and at most 1h.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
}

api_object! {
    /// Traffic settings for backends: retry budget and session persistence
    /// (`XBackendTrafficPolicy`).
    ///
    /// ```
    /// use gateway_types::Defaults;
    /// use gateway_types::shared::LocalPolicyTargetReference;
    /// use gateway_types::x::{BackendTrafficPolicySpec, RetryConstraint, XBackendTrafficPolicy};
    ///
    /// let mut target = LocalPolicyTargetReference::default();
    /// target.kind = "Service".to_owned();
    /// target.name = "api".to_owned();
    /// let mut spec = BackendTrafficPolicySpec::new(vec![target]);
    /// spec.retry_constraint = Some(RetryConstraint::default());
    /// let policy = XBackendTrafficPolicy::new("api", spec).with_defaults();
    /// let budget = policy.spec.retry_constraint.unwrap().budget.unwrap();
    /// assert_eq!(budget.percent, Some(20));
    /// ```
    XBackendTrafficPolicy {
        group: X_GROUP,
        kind: "XBackendTrafficPolicy",
        version: "v1alpha1",
        versions: ["v1alpha1"],
        plural: "xbackendtrafficpolicies",
        namespaced: true,
        spec: BackendTrafficPolicySpec,
        status: PolicyStatus,
    }
}

impl Defaults for XBackendTrafficPolicy {
    fn apply_defaults(&mut self) {
        self.spec.apply_defaults();
        if let Some(status) = &mut self.status {
            for ancestor in &mut status.ancestors {
                ancestor.ancestor_ref.apply_defaults();
            }
        }
    }
}

// ---------------------------------------------------------------------------
// XMesh

/// The desired state of an [`XMesh`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MeshSpec {
    /// The controller managing the mesh (`domain/path`); cannot change once set.
    pub controller_name: String,
    /// Implementation-specific parameters for the mesh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters_ref: Option<ParametersReference>,
    /// A human-readable description, at most 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl MeshSpec {
    /// A spec for the mesh managed by `controller_name`.
    #[must_use]
    pub fn new(controller_name: &str) -> Self {
        Self {
            controller_name: controller_name.to_owned(),
            parameters_ref: None,
            description: None,
        }
    }
}

/// The observed state of an [`XMesh`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MeshStatus {
    /// Conditions of the mesh (`Accepted`, ...), at most 8, unique by type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// The features the mesh supports, sorted by name, at most 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_features: Option<Vec<SupportedFeature>>,
}

impl MeshStatus {
    /// Fills in the API server's default conditions (`Accepted` and
    /// `Programmed`, both pending) when the list is absent.
    pub fn apply_defaults(&mut self) {
        self.conditions.get_or_insert_with(|| {
            vec![
                Condition::pending("Accepted"),
                Condition::pending("Programmed"),
            ]
        });
    }
}

api_object! {
    /// Mesh-wide settings of a GAMMA service mesh (`XMesh`, cluster-scoped).
    ///
    /// ```
    /// use gateway_types::Defaults;
    /// use gateway_types::x::{MeshSpec, XMesh};
    ///
    /// let mesh = XMesh::new("mesh", MeshSpec::new("example.com/mesh")).with_defaults();
    /// let conditions = mesh.status.unwrap().conditions.unwrap();
    /// assert_eq!(conditions[0].reason, "Pending");
    /// ```
    XMesh {
        group: X_GROUP,
        kind: "XMesh",
        version: "v1alpha1",
        versions: ["v1alpha1"],
        plural: "xmeshes",
        namespaced: false,
        spec: MeshSpec,
        status: MeshStatus,
    }
}

/// An absent status defaults to one pending `Accepted` condition; a status
/// without conditions gets pending `Accepted` and `Programmed`, as the CRD
/// declares.
impl Defaults for XMesh {
    fn apply_defaults(&mut self) {
        let status = self.status.get_or_insert_with(|| MeshStatus {
            conditions: Some(vec![Condition::pending("Accepted")]),
            supported_features: None,
        });
        status.apply_defaults();
    }
}

// Types upstream shares with other kinds, defined where those kinds live.
pub use crate::gateway_class::{ParametersReference, SupportedFeature};
pub use crate::shared::{
    CookieConfig, CookieLifetimeType, SessionPersistence, SessionPersistenceType,
};

#[cfg(test)]
mod tests {
    use super::*;

    const BACKEND: &str = r#"{
        "apiVersion": "gateway.networking.x-k8s.io/v1alpha1",
        "kind": "XBackend",
        "metadata": {"name": "payments", "namespace": "apps"},
        "spec": {
            "type": "ExternalHostname",
            "port": {"name": "https", "port": 443},
            "externalHostname": {"hostname": "pay.example.com"},
            "protocol": "HTTP2",
            "tls": {
                "mode": "ClientAndServer",
                "clientCertificateRef": {"name": "client-cert"},
                "validation": {"hostname": "pay.example.com", "wellKnownCACertificates": "System"}
            }
        },
        "status": {
            "parents": [{
                "controllerName": "example.com/gateway",
                "parentRef": {"name": "edge"},
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z"
                }]
            }]
        }
    }"#;

    const POLICY: &str = r#"{
        "apiVersion": "gateway.networking.x-k8s.io/v1alpha1",
        "kind": "XBackendTrafficPolicy",
        "metadata": {"name": "api", "namespace": "apps"},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": "api"}],
            "retryConstraint": {"budget": {"percent": 30}},
            "sessionPersistence": {
                "sessionName": "sticky",
                "absoluteTimeout": "1h",
                "cookieConfig": {"lifetimeType": "Permanent"}
            }
        },
        "status": {
            "ancestors": [{
                "ancestorRef": {"name": "edge"},
                "controllerName": "example.com/gateway",
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z"
                }]
            }]
        }
    }"#;

    const MESH: &str = r#"{
        "apiVersion": "gateway.networking.x-k8s.io/v1alpha1",
        "kind": "XMesh",
        "metadata": {"name": "mesh"},
        "spec": {
            "controllerName": "example.com/mesh",
            "parametersRef": {"group": "", "kind": "ConfigMap", "name": "mesh-config", "namespace": "mesh"},
            "description": "the mesh"
        },
        "status": {
            "conditions": [{
                "type": "Accepted", "status": "True", "reason": "Accepted",
                "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z"
            }],
            "supportedFeatures": [{"name": "MeshHTTPRoute"}]
        }
    }"#;

    fn round_trip<T: serde::de::DeserializeOwned + Serialize>(text: &str) -> T {
        let object: T = serde_json::from_str(text).unwrap();
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&object).unwrap(), original);
        object
    }

    #[test]
    fn xbackend_json_round_trip_keeps_every_field() {
        let backend: XBackend = round_trip(BACKEND);
        assert_eq!(backend.spec.protocol, Some(BackendProtocol::Http2));
        let tls = backend.spec.tls.as_ref().unwrap();
        assert_eq!(tls.mode, BackendTlsMode::ClientAndServer);
    }

    #[test]
    fn xbackend_defaults_fill_certificate_and_parent_refs() {
        let backend = serde_json::from_str::<XBackend>(BACKEND)
            .unwrap()
            .with_defaults();
        let cert = backend
            .spec
            .tls
            .as_ref()
            .and_then(|t| t.client_certificate_ref.as_ref())
            .unwrap();
        assert_eq!(cert.group.as_deref(), Some(""));
        assert_eq!(cert.kind.as_deref(), Some("Secret"));
        let parents = backend.status.as_ref().unwrap().parents.as_ref().unwrap();
        assert_eq!(parents[0].parent_ref.kind.as_deref(), Some("Gateway"));
    }

    #[test]
    fn xbackend_keeps_unknown_enum_values() {
        let mut value: serde_json::Value = serde_json::from_str(BACKEND).unwrap();
        value["spec"]["type"] = "ServiceImport".into();
        value["spec"]["protocol"] = "HTTP3".into();
        value["spec"]["tls"]["mode"] = "Opportunistic".into();
        let backend: XBackend = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(
            backend.spec.type_,
            BackendType::Unknown("ServiceImport".to_owned())
        );
        assert!(!backend.spec.protocol.as_ref().unwrap().is_known());
        assert_eq!(serde_json::to_value(&backend).unwrap(), value);
    }

    #[test]
    fn xbackendtrafficpolicy_json_round_trip_keeps_every_field() {
        let policy: XBackendTrafficPolicy = round_trip(POLICY);
        let session = policy.spec.session_persistence.as_ref().unwrap();
        assert_eq!(session.type_, None);
        assert_eq!(session.type_or_default(), &SessionPersistenceType::Cookie);
    }

    #[test]
    fn xbackendtrafficpolicy_defaults_are_applied_top_down() {
        let policy = serde_json::from_str::<XBackendTrafficPolicy>(POLICY)
            .unwrap()
            .with_defaults();
        let retry = policy.spec.retry_constraint.as_ref().unwrap();
        let budget = retry.budget.as_ref().unwrap();
        assert_eq!(budget.percent, Some(30), "explicit percent kept");
        assert_eq!(budget.interval.as_deref(), Some("10s"));
        let rate = retry.min_retry_rate.as_ref().unwrap();
        assert_eq!(
            (rate.count, rate.interval.as_deref()),
            (Some(10), Some("1s"))
        );
        let session = policy.spec.session_persistence.as_ref().unwrap();
        assert_eq!(session.type_, Some(SessionPersistenceType::Cookie));
        assert_eq!(
            session.cookie_config.as_ref().unwrap().lifetime_type,
            Some(CookieLifetimeType::Permanent)
        );
        let ancestor = &policy.status.as_ref().unwrap().ancestors[0].ancestor_ref;
        assert_eq!(ancestor.group.as_deref(), Some(crate::shared::GROUP));
    }

    #[test]
    fn min_retry_rate_default_does_not_fill_fields_of_an_explicit_rate() {
        let mut retry: RetryConstraint =
            serde_json::from_value(serde_json::json!({"minRetryRate": {"count": 5}})).unwrap();
        retry.apply_defaults();
        let rate = retry.min_retry_rate.unwrap();
        assert_eq!((rate.count, rate.interval), (Some(5), None));
    }

    #[test]
    fn cookie_lifetime_defaults_to_session_only_inside_a_cookie_config() {
        let mut session = SessionPersistence::default();
        session.apply_defaults();
        assert_eq!(session.cookie_config, None);
        session.cookie_config = Some(CookieConfig::default());
        session.apply_defaults();
        assert_eq!(
            session.cookie_config.unwrap().lifetime_type_or_default(),
            &CookieLifetimeType::Session
        );
    }

    #[test]
    fn xmesh_json_round_trip_keeps_every_field() {
        let mesh: XMesh = round_trip(MESH);
        assert_eq!(
            mesh.spec
                .parameters_ref
                .as_ref()
                .unwrap()
                .namespace
                .as_deref(),
            Some("mesh")
        );
        let features = mesh.status.unwrap().supported_features.unwrap();
        assert_eq!(features[0].name, "MeshHTTPRoute");
    }

    #[test]
    fn xmesh_absent_status_defaults_to_pending_accepted_only() {
        let mesh = XMesh::new("m", MeshSpec::new("example.com/mesh")).with_defaults();
        let conditions = mesh.status.unwrap().conditions.unwrap();
        assert_eq!(conditions.len(), 1);
        assert_eq!(conditions[0].type_, "Accepted");
        assert_eq!(conditions[0].status, "Unknown");
        assert_eq!(conditions[0].last_transition_time, "1970-01-01T00:00:00Z");
    }

    #[test]
    fn xmesh_status_without_conditions_defaults_to_accepted_and_programmed() {
        let mut mesh = XMesh::new("m", MeshSpec::new("example.com/mesh"));
        mesh.status = Some(MeshStatus::default());
        mesh.apply_defaults();
        let types: Vec<_> = mesh
            .status
            .unwrap()
            .conditions
            .unwrap()
            .into_iter()
            .map(|c| c.type_)
            .collect();
        assert_eq!(types, ["Accepted", "Programmed"]);
    }

    #[test]
    fn xmesh_explicit_conditions_are_not_replaced() {
        let mesh = serde_json::from_str::<XMesh>(MESH).unwrap();
        assert_eq!(mesh.clone().with_defaults(), mesh);
    }
}
