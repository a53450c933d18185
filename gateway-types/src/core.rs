//! The core Kubernetes objects Gateway API processing reads: [`Namespace`],
//! [`Service`], [`Secret`] and [`ConfigMap`], typed to the fields it needs.
//!
//! These are not the full Kubernetes types. Every field a Gateway API
//! controller reads is typed; everything else is kept verbatim in a flattened
//! `other` map, so that any valid core object loads, round-trips, and never
//! counts as having unknown fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::meta::ObjectMeta;
use crate::object::{ApiObject, Defaults};

/// Fields kept verbatim because this crate does not type them.
pub type Other = BTreeMap<String, serde_json::Value>;

/// Implements [`ApiObject`] (and, with the `kube` feature, `kube::Resource`)
/// for a core kind.
macro_rules! core_object {
    ($name:ident, $kind:literal, $plural:literal, $namespaced:tt) => {
        impl ApiObject for $name {
            const GROUP: &'static str = "";
            const KIND: &'static str = $kind;
            const VERSION: &'static str = "v1";
            const PLURAL: &'static str = $plural;
            const NAMESPACED: bool = $namespaced;
            const VERSIONS: &'static [&'static str] = &["v1"];

            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
            fn api_version(&self) -> &str {
                &self.api_version
            }
        }

        #[cfg(feature = "kube")]
        impl ::kube_core::Resource for $name {
            type DynamicType = ();
            type Scope = crate::object::scope!($namespaced);

            fn kind(_: &()) -> ::std::borrow::Cow<'_, str> {
                $kind.into()
            }
            fn group(_: &()) -> ::std::borrow::Cow<'_, str> {
                "".into()
            }
            fn version(_: &()) -> ::std::borrow::Cow<'_, str> {
                "v1".into()
            }
            fn plural(_: &()) -> ::std::borrow::Cow<'_, str> {
                $plural.into()
            }
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

/// Metadata for a new core object called `name`.
fn named(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        ..ObjectMeta::default()
    }
}

// ---------------------------------------------------------------------------
// Namespace

/// A core `Namespace`. Gateway API reads only its metadata (labels, for
/// `allowedRoutes` selectors).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Namespace {
    /// `v1`.
    #[serde(default)]
    pub api_version: String,
    /// `Namespace`.
    #[serde(default)]
    pub kind: String,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The spec (finalizers), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<serde_json::Value>,
    /// The status (phase), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
    /// Any other top-level field, kept verbatim.
    #[serde(flatten)]
    pub other: Other,
}

impl Namespace {
    /// A namespace called `name`.
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self {
            api_version: "v1".to_owned(),
            kind: "Namespace".to_owned(),
            metadata: named(name),
            ..Self::default()
        }
    }

    /// Sets a label.
    #[must_use]
    pub fn with_label(mut self, key: &str, value: &str) -> Self {
        self.metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(key.to_owned(), value.to_owned());
        self
    }
}

core_object!(Namespace, "Namespace", "namespaces", false);

/// Namespaces have no defaults that matter here.
impl Defaults for Namespace {
    fn apply_defaults(&mut self) {}
}

// ---------------------------------------------------------------------------
// Service

/// A core `Service`: the default backend kind of every route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Service {
    /// `v1`.
    #[serde(default)]
    pub api_version: String,
    /// `Service`.
    #[serde(default)]
    pub kind: String,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ServiceSpec>,
    /// The status (load balancer ingress, conditions), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
    /// Any other top-level field, kept verbatim.
    #[serde(flatten)]
    pub other: Other,
}

impl Service {
    /// A service called `name` with the given spec.
    #[must_use]
    pub fn new(name: &str, spec: ServiceSpec) -> Self {
        Self {
            api_version: "v1".to_owned(),
            kind: "Service".to_owned(),
            metadata: named(name),
            spec: Some(spec),
            ..Self::default()
        }
    }

    /// Sets the namespace.
    #[must_use]
    pub fn in_namespace(mut self, namespace: &str) -> Self {
        self.metadata.namespace = Some(namespace.to_owned());
        self
    }

    /// The ports, or an empty slice when there is no spec or no port list.
    #[must_use]
    pub fn ports(&self) -> &[ServicePort] {
        self.spec
            .as_ref()
            .and_then(|s| s.ports.as_deref())
            .unwrap_or_default()
    }

    /// The port with number `port` (what a backendRef's `port` names).
    ///
    /// ```
    /// use gateway_types::core::{Service, ServicePort, ServiceSpec};
    ///
    /// let svc = Service::new("web", ServiceSpec::with_ports(vec![
    ///     ServicePort::new(80).named("http"),
    ///     ServicePort::new(443).named("https"),
    /// ]));
    /// assert_eq!(svc.port(443).and_then(|p| p.name.as_deref()), Some("https"));
    /// assert!(svc.port(8080).is_none());
    /// ```
    #[must_use]
    pub fn port(&self, port: i32) -> Option<&ServicePort> {
        self.ports().iter().find(|p| p.port == port)
    }

    /// The port called `name` (what a policy's `sectionName` names).
    #[must_use]
    pub fn port_by_name(&self, name: &str) -> Option<&ServicePort> {
        self.ports()
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
    }

    /// The service type after defaulting (`ClusterIP` when unset).
    #[must_use]
    pub fn type_or_default(&self) -> ServiceType {
        self.spec
            .as_ref()
            .and_then(|s| s.type_.clone())
            .unwrap_or(ServiceType::ClusterIp)
    }
}

core_object!(Service, "Service", "services", true);

/// The Kubernetes defaults Gateway API cares about: `type: ClusterIP`, and
/// per port `protocol: TCP` and `targetPort` equal to `port`.
impl Defaults for Service {
    fn apply_defaults(&mut self) {
        let spec = self.spec.get_or_insert_with(ServiceSpec::default);
        spec.type_.get_or_insert(ServiceType::ClusterIp);
        for port in spec.ports.iter_mut().flatten() {
            port.apply_defaults();
        }
    }
}

/// The parts of a Service spec Gateway API reads; the rest is in [`ServiceSpec::other`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceSpec {
    /// How the service is exposed; `ClusterIP` when unset.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<ServiceType>,
    /// The ports the service exposes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<ServicePort>>,
    /// The DNS name an `ExternalName` service aliases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    /// The cluster IP; `None` (the string) for a headless service.
    #[serde(rename = "clusterIP", default, skip_serializing_if = "Option::is_none")]
    pub cluster_ip: Option<String>,
    /// Every other spec field (selector, sessionAffinity, ...), kept verbatim.
    #[serde(flatten)]
    pub other: Other,
}

impl ServiceSpec {
    /// A spec exposing `ports`, everything else unset.
    #[must_use]
    pub fn with_ports(ports: Vec<ServicePort>) -> Self {
        Self {
            ports: Some(ports),
            ..Self::default()
        }
    }
}

string_enum! {
    /// How a Service is exposed.
    pub enum ServiceType {
        /// A virtual IP inside the cluster (the default).
        ClusterIp = "ClusterIP",
        /// A cluster IP plus a port on every node.
        NodePort = "NodePort",
        /// A node port plus an external load balancer.
        LoadBalancer = "LoadBalancer",
        /// A DNS alias for `externalName`; no proxying, no endpoints.
        ExternalName = "ExternalName",
    }
}

/// One port of a [`Service`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServicePort {
    /// The port name; required when the service has several ports. A
    /// BackendTLSPolicy `sectionName` refers to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The port number the service exposes (what a backendRef's `port` names).
    pub port: i32,
    /// The port on the pods: a number or a named container port; equal to
    /// `port` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// `TCP` (the default), `UDP` or `SCTP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// The application protocol, for example `kubernetes.io/h2c` or `https`;
    /// implementations use it to pick the protocol towards the backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
    /// Every other port field (nodePort, ...), kept verbatim.
    #[serde(flatten)]
    pub other: Other,
}

impl ServicePort {
    /// A port with number `port`, everything else unset.
    #[must_use]
    pub fn new(port: i32) -> Self {
        Self {
            port,
            ..Self::default()
        }
    }

    /// Sets the name.
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// Sets the application protocol.
    #[must_use]
    pub fn with_app_protocol(mut self, app_protocol: &str) -> Self {
        self.app_protocol = Some(app_protocol.to_owned());
        self
    }

    /// The protocol after defaulting.
    #[must_use]
    pub fn protocol_or_default(&self) -> Protocol {
        self.protocol.clone().unwrap_or(Protocol::Tcp)
    }

    /// The target port after defaulting (the service port itself).
    #[must_use]
    pub fn target_port_or_default(&self) -> IntOrString {
        self.target_port
            .clone()
            .unwrap_or(IntOrString::Int(self.port))
    }

    /// Fills in the Kubernetes defaults (protocol and target port).
    pub fn apply_defaults(&mut self) {
        self.protocol.get_or_insert(Protocol::Tcp);
        self.target_port.get_or_insert(IntOrString::Int(self.port));
    }
}

string_enum! {
    /// A transport protocol of a Kubernetes port.
    pub enum Protocol {
        /// TCP (the default).
        Tcp = "TCP",
        /// UDP.
        Udp = "UDP",
        /// SCTP.
        Sctp = "SCTP",
    }
}

/// A value written either as an integer or as a string (`intstr.IntOrString`),
/// such as a target port given by number or by container port name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IntOrString {
    /// An integer.
    Int(i32),
    /// A string.
    String(String),
}

impl Serialize for IntOrString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Int(i) => s.serialize_i32(*i),
            Self::String(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IntOrString;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_owned()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for IntOrString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IntOrString".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "x-kubernetes-int-or-string": true,
            "anyOf": [{"type": "integer"}, {"type": "string"}]
        })
    }
}

// ---------------------------------------------------------------------------
// Secret

/// A core `Secret`: TLS certificates and keys referenced by listeners and
/// the Gateway's backend client certificate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Secret {
    /// `v1`.
    #[serde(default)]
    pub api_version: String,
    /// `Secret`.
    #[serde(default)]
    pub kind: String,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The secret type, for example `kubernetes.io/tls`; `Opaque` when unset.
    /// Any string is allowed.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The contents, each value base64-encoded (use [`Secret::data_key`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
    /// Write-only plain-text contents; on write the API server merges them
    /// into `data`, where they win over a key of the same name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_data: Option<BTreeMap<String, String>>,
    /// Any other top-level field (immutable, ...), kept verbatim.
    #[serde(flatten)]
    pub other: Other,
}

/// The type of a Secret holding a TLS certificate (`tls.crt`) and key (`tls.key`).
pub const SECRET_TYPE_TLS: &str = "kubernetes.io/tls";

impl Secret {
    /// A secret called `name` with no contents.
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self {
            api_version: "v1".to_owned(),
            kind: "Secret".to_owned(),
            metadata: named(name),
            ..Self::default()
        }
    }

    /// A `kubernetes.io/tls` secret with the PEM certificate chain and key.
    #[must_use]
    pub fn tls(name: &str, cert_pem: &[u8], key_pem: &[u8]) -> Self {
        let mut secret = Self::new(name)
            .with_data("tls.crt", cert_pem)
            .with_data("tls.key", key_pem);
        secret.type_ = Some(SECRET_TYPE_TLS.to_owned());
        secret
    }

    /// Sets the namespace.
    #[must_use]
    pub fn in_namespace(mut self, namespace: &str) -> Self {
        self.metadata.namespace = Some(namespace.to_owned());
        self
    }

    /// Stores `value` under `key` in `data`, base64-encoded.
    #[must_use]
    pub fn with_data(mut self, key: &str, value: &[u8]) -> Self {
        self.data
            .get_or_insert_with(BTreeMap::new)
            .insert(key.to_owned(), encode_base64(value));
        self
    }

    /// The type after defaulting (`Opaque` when unset).
    #[must_use]
    pub fn type_or_default(&self) -> &str {
        self.type_.as_deref().unwrap_or("Opaque")
    }

    /// The decoded contents of `key`, as the API server would store them:
    /// `stringData` wins over `data`. `None` when the key is absent or its
    /// `data` value is not valid base64 (see [`Secret::try_data_key`]).
    ///
    /// ```
    /// use gateway_types::core::Secret;
    ///
    /// let secret: Secret = serde_json::from_str(
    ///     r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
    ///         "data": {"ca.crt": "aGVsbG8="}}"#,
    /// )?;
    /// assert_eq!(secret.data_key("ca.crt").as_deref(), Some(&b"hello"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn data_key(&self, key: &str) -> Option<Vec<u8>> {
        self.try_data_key(key).ok().flatten()
    }

    /// Like [`Secret::data_key`], but tells an absent key from a bad encoding.
    ///
    /// # Errors
    ///
    /// [`Base64Error`] when the `data` value of `key` is not valid base64.
    pub fn try_data_key(&self, key: &str) -> Result<Option<Vec<u8>>, Base64Error> {
        if let Some(text) = self.string_data.as_ref().and_then(|m| m.get(key)) {
            return Ok(Some(text.as_bytes().to_vec()));
        }
        match self.data.as_ref().and_then(|m| m.get(key)) {
            Some(encoded) => decode_base64(encoded).map(Some),
            None => Ok(None),
        }
    }
}

core_object!(Secret, "Secret", "secrets", true);

/// The Kubernetes default Gateway API cares about: `type: Opaque`.
impl Defaults for Secret {
    fn apply_defaults(&mut self) {
        self.type_.get_or_insert_with(|| "Opaque".to_owned());
    }
}

// ---------------------------------------------------------------------------
// ConfigMap

/// A core `ConfigMap`: CA certificate bundles referenced by BackendTLSPolicy
/// (key `ca.crt`) and by frontend client-certificate validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConfigMap {
    /// `v1`.
    #[serde(default)]
    pub api_version: String,
    /// `ConfigMap`.
    #[serde(default)]
    pub kind: String,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Text contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
    /// Binary contents, each value base64-encoded (use [`ConfigMap::binary`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_data: Option<BTreeMap<String, String>>,
    /// Any other top-level field (immutable, ...), kept verbatim.
    #[serde(flatten)]
    pub other: Other,
}

impl ConfigMap {
    /// A config map called `name` with no contents.
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self {
            api_version: "v1".to_owned(),
            kind: "ConfigMap".to_owned(),
            metadata: named(name),
            ..Self::default()
        }
    }

    /// Sets the namespace.
    #[must_use]
    pub fn in_namespace(mut self, namespace: &str) -> Self {
        self.metadata.namespace = Some(namespace.to_owned());
        self
    }

    /// Stores the text `value` under `key` in `data`.
    #[must_use]
    pub fn with_data(mut self, key: &str, value: &str) -> Self {
        self.data
            .get_or_insert_with(BTreeMap::new)
            .insert(key.to_owned(), value.to_owned());
        self
    }

    /// The text stored under `key` in `data`.
    ///
    /// ```
    /// use gateway_types::core::ConfigMap;
    ///
    /// let cm = ConfigMap::new("ca").with_data("ca.crt", "-----BEGIN CERTIFICATE-----");
    /// assert!(cm.get("ca.crt").is_some_and(|v| v.starts_with("-----BEGIN")));
    /// assert_eq!(cm.get("tls.crt"), None);
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.data.as_ref()?.get(key).map(String::as_str)
    }

    /// The decoded bytes stored under `key` in `binaryData`; `None` when
    /// absent or not valid base64.
    #[must_use]
    pub fn binary(&self, key: &str) -> Option<Vec<u8>> {
        decode_base64(self.binary_data.as_ref()?.get(key)?).ok()
    }
}

core_object!(ConfigMap, "ConfigMap", "configmaps", true);

/// ConfigMaps have no defaults.
impl Defaults for ConfigMap {
    fn apply_defaults(&mut self) {}
}

// ---------------------------------------------------------------------------
// Base64

/// Why a base64 value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Base64Error {
    /// A character outside the standard base64 alphabet.
    #[error(
        "invalid base64 character {found:?} at offset {offset}; use the standard alphabet (A-Z a-z 0-9 + /)"
    )]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its byte offset in the input.
        offset: usize,
    },
    /// The length (line breaks excluded) is not a multiple of four.
    #[error("base64 length {len} is not a multiple of 4; pad the value with '='")]
    InvalidLength {
        /// The length without line breaks.
        len: usize,
    },
    /// `=` somewhere other than the last one or two positions.
    #[error("misplaced base64 padding at offset {offset}; '=' may only end the value")]
    InvalidPadding {
        /// Byte offset of the misplaced `=` in the input.
        offset: usize,
    },
}

/// Decodes standard base64 with padding, as Kubernetes does for Secret and
/// ConfigMap data. Line breaks (`\r`, `\n`) are ignored.
///
/// ```
/// use gateway_types::core::decode_base64;
///
/// assert_eq!(decode_base64("Z2F0ZXdheQ==")?, b"gateway");
/// assert!(decode_base64("Z2F0ZXdheQ").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Base64Error`] for a character outside the alphabet, a length that is not
/// a multiple of four, or misplaced padding.
pub fn decode_base64(input: &str) -> Result<Vec<u8>, Base64Error> {
    // (offset in input, byte) of every significant character.
    let symbols: Vec<(usize, u8)> = input
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b != b'\n' && b != b'\r')
        .collect();
    if let Some(&(offset, _)) = symbols
        .iter()
        .find(|&&(_, b)| b != b'=' && sextet(b).is_none())
    {
        return Err(Base64Error::InvalidCharacter {
            found: char_at(input, offset),
            offset,
        });
    }
    if !symbols.len().is_multiple_of(4) {
        return Err(Base64Error::InvalidLength { len: symbols.len() });
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let groups = symbols.len() / 4;
    for (index, group) in symbols.chunks_exact(4).enumerate() {
        let last = index + 1 == groups;
        let mut bits: u32 = 0;
        let mut padding = 0;
        let mut first_pad = None;
        for (position, &(offset, byte)) in group.iter().enumerate() {
            let value = if byte == b'=' {
                // Padding is allowed only in the last two places of the last group.
                if !last || position < 2 {
                    return Err(Base64Error::InvalidPadding { offset });
                }
                padding += 1;
                first_pad.get_or_insert(offset);
                0
            } else if let Some(offset) = first_pad {
                // A symbol after padding ("ab=c").
                return Err(Base64Error::InvalidPadding { offset });
            } else {
                // Every other symbol was checked against the alphabet above.
                sextet(byte).unwrap_or(0)
            };
            bits = (bits << 6) | u32::from(value);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - padding]);
    }
    Ok(out)
}

/// Encodes bytes as standard base64 with padding.
///
/// ```
/// use gateway_types::core::{decode_base64, encode_base64};
///
/// assert_eq!(encode_base64(b"gateway"), "Z2F0ZXdheQ==");
/// assert_eq!(decode_base64(&encode_base64(&[0, 255, 7]))?, [0, 255, 7]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let bits = u32::from_be_bytes([0, group[0], group[1], group[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (bits >> (18 - 6 * i)) & 0x3f;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The 6-bit value of a base64 symbol.
fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The character starting at byte `offset`, or U+FFFD inside a multi-byte one.
fn char_at(input: &str, offset: usize) -> char {
    input
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

#[cfg(test)]
mod tests;
