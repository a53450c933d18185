//! The `BackendTLSPolicy` kind: how a Gateway connects over TLS to a backend.
//!
//! The policy targets Services (optionally one port, by name) in its own
//! namespace. A Gateway sending traffic to a targeted backend uses TLS, sends
//! [`BackendTlsPolicyValidation::hostname`] as SNI, and verifies the server
//! certificate against the referenced CA bundles or a well-known CA set.
//!
//! `v1` is the storage version; the deprecated `v1alpha3` carries exactly the
//! same fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::object::{Defaults, api_object};
use crate::shared::{
    GROUP, LocalObjectReference, LocalPolicyTargetReferenceWithSectionName, PolicyStatus,
};

/// The desired state of a [`BackendTlsPolicy`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendTlsPolicySpec {
    /// The objects (usually Services) the policy applies to, 1 to 16, each
    /// optionally narrowed to a section (a Service port name). Upstream
    /// advises implementations to support a single target only.
    pub target_refs: Vec<LocalPolicyTargetReferenceWithSectionName>,
    /// How the backend's certificate is verified.
    pub validation: BackendTlsPolicyValidation,
    /// Implementation-specific TLS settings (at most 16); keys of
    /// implementation-defined options carry a domain prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BTreeMap<String, String>>,
}

impl BackendTlsPolicySpec {
    /// A spec targeting `targets` with the given validation settings.
    #[must_use]
    pub fn new(
        targets: Vec<LocalPolicyTargetReferenceWithSectionName>,
        validation: BackendTlsPolicyValidation,
    ) -> Self {
        Self {
            target_refs: targets,
            validation,
            options: None,
        }
    }
}

/// Verification settings for the backend's certificate.
///
/// Exactly one CA source must be given: a non-empty `caCertificateRefs` or a
/// non-empty `wellKnownCACertificates`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendTlsPolicyValidation {
    /// Objects in the policy's namespace holding a PEM CA bundle (at most 8);
    /// core support is a ConfigMap with the key `ca.crt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate_refs: Option<Vec<LocalObjectReference>>,
    /// A named set of CA certificates to trust instead, such as `System`.
    #[serde(
        rename = "wellKnownCACertificates",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub well_known_ca_certificates: Option<WellKnownCaCertificatesType>,
    /// The SNI sent to the backend; also the name its certificate must carry,
    /// unless `subjectAltNames` is set.
    pub hostname: String,
    /// Names of which the backend's certificate must carry at least one (at
    /// most 5); when set, `hostname` is used for SNI only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_alt_names: Option<Vec<SubjectAltName>>,
}

impl BackendTlsPolicyValidation {
    /// Validation against the CA bundles in `refs`, for `hostname`.
    #[must_use]
    pub fn with_ca_refs(hostname: &str, refs: Vec<LocalObjectReference>) -> Self {
        Self {
            ca_certificate_refs: Some(refs),
            hostname: hostname.to_owned(),
            ..Self::default()
        }
    }

    /// Validation against the system's trusted CAs, for `hostname`.
    #[must_use]
    pub fn with_system_cas(hostname: &str) -> Self {
        Self {
            well_known_ca_certificates: Some(WellKnownCaCertificatesType::System),
            hostname: hostname.to_owned(),
            ..Self::default()
        }
    }

    /// The CA references, or an empty slice when the field is absent.
    #[must_use]
    pub fn ca_certificate_refs(&self) -> &[LocalObjectReference] {
        self.ca_certificate_refs.as_deref().unwrap_or_default()
    }

    /// The subject alternative names, or an empty slice when the field is absent.
    #[must_use]
    pub fn subject_alt_names(&self) -> &[SubjectAltName] {
        self.subject_alt_names.as_deref().unwrap_or_default()
    }
}

string_enum! {
    /// A named set of trusted CA certificates. Implementations may define
    /// their own sets under a domain-prefixed name; those load as `Unknown`.
    pub enum WellKnownCaCertificatesType {
        /// The CA certificates the system trusts.
        System = "System",
    }
}

/// A subject alternative name the backend's certificate may present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubjectAltName {
    /// Which of the two value fields applies.
    #[serde(rename = "type")]
    pub type_: SubjectAltNameType,
    /// A DNS name (a leading `*.` is allowed); set exactly when the type is `Hostname`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// An absolute URI such as a SPIFFE ID; set exactly when the type is `URI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

impl SubjectAltName {
    /// A DNS-name SAN.
    #[must_use]
    pub fn hostname(hostname: &str) -> Self {
        Self {
            type_: SubjectAltNameType::Hostname,
            hostname: Some(hostname.to_owned()),
            uri: None,
        }
    }

    /// A URI SAN.
    #[must_use]
    pub fn uri(uri: &str) -> Self {
        Self {
            type_: SubjectAltNameType::Uri,
            hostname: None,
            uri: Some(uri.to_owned()),
        }
    }
}

string_enum! {
    /// The form of a [`SubjectAltName`].
    pub enum SubjectAltNameType {
        /// A DNS name.
        Hostname = "Hostname",
        /// A URI.
        Uri = "URI",
    }
}

impl Default for SubjectAltNameType {
    /// `Hostname`, only so that [`SubjectAltName`] can derive `Default`; the
    /// field has no API default.
    fn default() -> Self {
        Self::Hostname
    }
}

api_object! {
    /// TLS settings for connections from a Gateway to backends (`BackendTLSPolicy`).
    ///
    /// ```
    /// use gateway_types::backend_tls_policy::{
    ///     BackendTlsPolicy, BackendTlsPolicySpec, BackendTlsPolicyValidation,
    /// };
    /// use gateway_types::shared::LocalPolicyTargetReferenceWithSectionName;
    ///
    /// let mut target = LocalPolicyTargetReferenceWithSectionName::default();
    /// target.kind = "Service".to_owned();
    /// target.name = "api".to_owned();
    /// let policy = BackendTlsPolicy::new(
    ///     "api-tls",
    ///     BackendTlsPolicySpec::new(
    ///         vec![target],
    ///         BackendTlsPolicyValidation::with_system_cas("api.internal"),
    ///     ),
    /// );
    /// assert_eq!(policy.spec.validation.hostname, "api.internal");
    /// ```
    BackendTlsPolicy {
        group: GROUP,
        kind: "BackendTLSPolicy",
        version: "v1",
        versions: ["v1", "v1alpha3"],
        plural: "backendtlspolicies",
        namespaced: true,
        spec: BackendTlsPolicySpec,
        status: PolicyStatus,
    }
}

/// The spec declares no defaults; ancestor references in the status get the
/// usual ParentReference defaults.
impl Defaults for BackendTlsPolicy {
    fn apply_defaults(&mut self) {
        if let Some(status) = &mut self.status {
            for ancestor in &mut status.ancestors {
                ancestor.ancestor_ref.apply_defaults();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "BackendTLSPolicy",
        "metadata": {"name": "api-tls", "namespace": "apps"},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": "api", "sectionName": "https"}],
            "validation": {
                "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "api-ca"}],
                "hostname": "api.internal",
                "subjectAltNames": [
                    {"type": "Hostname", "hostname": "api.internal"},
                    {"type": "URI", "uri": "spiffe://cluster.local/ns/apps/sa/api"}
                ]
            },
            "options": {"example.com/min-tls-version": "1.3"}
        },
        "status": {
            "ancestors": [{
                "ancestorRef": {"name": "edge", "namespace": "infra"},
                "controllerName": "example.com/gateway",
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z"
                }]
            }]
        }
    }"#;

    #[test]
    fn json_round_trip_keeps_every_field() {
        let policy: BackendTlsPolicy = serde_json::from_str(POLICY).unwrap();
        let validation = &policy.spec.validation;
        assert_eq!(validation.ca_certificate_refs()[0].kind, "ConfigMap");
        assert_eq!(
            validation.subject_alt_names()[1].type_,
            SubjectAltNameType::Uri
        );
        assert_eq!(
            policy.spec.target_refs[0].section_name.as_deref(),
            Some("https")
        );
        let original: serde_json::Value = serde_json::from_str(POLICY).unwrap();
        assert_eq!(serde_json::to_value(&policy).unwrap(), original);
    }

    #[test]
    fn well_known_ca_certificates_uses_the_upper_case_wire_name() {
        let validation = BackendTlsPolicyValidation::with_system_cas("db.internal");
        let value = serde_json::to_value(&validation).unwrap();
        assert_eq!(value["wellKnownCACertificates"], "System");
        let back: BackendTlsPolicyValidation = serde_json::from_value(value).unwrap();
        assert_eq!(back, validation);
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let validation: BackendTlsPolicyValidation = serde_json::from_value(serde_json::json!({
            "hostname": "h",
            "wellKnownCACertificates": "example.com/corporate-cas",
            "subjectAltNames": [{"type": "IPAddress"}]
        }))
        .unwrap();
        assert_eq!(
            validation.well_known_ca_certificates,
            Some(WellKnownCaCertificatesType::Unknown(
                "example.com/corporate-cas".to_owned()
            ))
        );
        assert!(!validation.subject_alt_names()[0].type_.is_known());
        let value = serde_json::to_value(&validation).unwrap();
        assert_eq!(value["subjectAltNames"][0]["type"], "IPAddress");
    }

    #[test]
    fn defaults_touch_only_status_ancestor_refs() {
        let policy: BackendTlsPolicy = serde_json::from_str(POLICY).unwrap();
        let defaulted = policy.clone().with_defaults();
        assert_eq!(defaulted.spec, policy.spec);
        let ancestor = &defaulted.status.as_ref().unwrap().ancestors[0].ancestor_ref;
        assert_eq!(ancestor.group.as_deref(), Some(GROUP));
        assert_eq!(ancestor.kind.as_deref(), Some("Gateway"));
        assert_eq!(ancestor.namespace.as_deref(), Some("infra"));
    }

    #[test]
    fn san_constructors_set_the_matching_field() {
        assert_eq!(
            serde_json::to_value(SubjectAltName::uri("spiffe://a/b")).unwrap(),
            serde_json::json!({"type": "URI", "uri": "spiffe://a/b"})
        );
        assert_eq!(
            serde_json::to_value(SubjectAltName::hostname("a.example")).unwrap(),
            serde_json::json!({"type": "Hostname", "hostname": "a.example"})
        );
    }
}
