//! JSON Schemas of the kinds, for `gwcheck schema`.

use gateway_types::ApiObject;
use serde_json::Value;

/// A kind the tool can print a schema for.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    /// The kind, as written in `kind:`.
    pub kind: &'static str,
    /// Its API group (`""` for core).
    pub group: &'static str,
    /// The lowercase plural (`httproutes`).
    pub plural: &'static str,
    /// The versions served.
    pub versions: &'static [&'static str],
    schema: fn() -> Value,
}

fn schema_of<T: schemars::JsonSchema>() -> Value {
    schemars::schema_for!(T).to_value()
}

macro_rules! kinds {
    ($($(#[$attr:meta])* $ty:ty),+ $(,)?) => {
        /// Every kind with a schema, in the order the tool lists them.
        pub const KINDS: &[KindInfo] = &[$(
            $(#[$attr])*
            KindInfo {
                kind: <$ty as ApiObject>::KIND,
                group: <$ty as ApiObject>::GROUP,
                plural: <$ty as ApiObject>::PLURAL,
                versions: <$ty as ApiObject>::VERSIONS,
                schema: schema_of::<$ty>,
            },
        )+];
    };
}

kinds!(
    gateway_types::GatewayClass,
    gateway_types::Gateway,
    gateway_types::ListenerSet,
    gateway_types::HttpRoute,
    gateway_types::GrpcRoute,
    gateway_types::TlsRoute,
    gateway_types::TcpRoute,
    gateway_types::UdpRoute,
    gateway_types::ReferenceGrant,
    gateway_types::BackendTlsPolicy,
    #[cfg(feature = "experimental")]
    gateway_types::x::XBackend,
    #[cfg(feature = "experimental")]
    gateway_types::x::XBackendTrafficPolicy,
    #[cfg(feature = "experimental")]
    gateway_types::x::XMesh,
);

/// Why no schema could be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// No such kind.
    #[error("unknown kind {0:?}; one of: {list}", list = kind_list())]
    UnknownKind(String),
    /// The kind is not served in that version.
    #[error("{kind} is not served as {version}; versions: {versions}")]
    UnknownVersion {
        /// The kind.
        kind: &'static str,
        /// The version asked for.
        version: String,
        /// The versions served.
        versions: String,
    },
}

fn kind_list() -> String {
    KINDS.iter().map(|k| k.kind).collect::<Vec<_>>().join(", ")
}

/// Finds a kind by name, without regard to case; the plural resource name
/// (`httproutes`) works too.
#[must_use]
pub fn find_kind(name: &str) -> Option<&'static KindInfo> {
    let lower = name.to_ascii_lowercase();
    KINDS
        .iter()
        .find(|k| k.kind.to_ascii_lowercase() == lower || k.plural == lower)
}

/// The JSON Schema of a kind in a version (`None`: the newest served).
///
/// # Errors
///
/// When the kind is unknown or not served in that version.
///
/// # Examples
///
/// ```
/// let schema = gwcheck::schema::schema("HTTPRoute", Some("v1"))?;
/// assert!(schema["properties"]["spec"].is_object());
/// assert!(gwcheck::schema::schema("Deployment", None).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn schema(kind: &str, version: Option<&str>) -> Result<Value, SchemaError> {
    let info = find_kind(kind).ok_or_else(|| SchemaError::UnknownKind(kind.to_owned()))?;
    if let Some(version) = version
        && !info.versions.contains(&version)
    {
        return Err(SchemaError::UnknownVersion {
            kind: info.kind,
            version: version.to_owned(),
            versions: info.versions.join(", "),
        });
    }
    Ok((info.schema)())
}
