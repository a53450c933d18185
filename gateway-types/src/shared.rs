//! Types shared by several kinds: references, route status and policy status.
//!
//! Optional fields that the API server defaults stay `Option` here, so a tool
//! can tell what the user wrote; [`Defaults`](crate::Defaults) fills them in.

use serde::{Deserialize, Serialize};

use crate::meta::Condition;

/// The API group of every standard Gateway API kind.
pub const GROUP: &str = "gateway.networking.k8s.io";

/// The API group of the experimental `x-k8s.io` kinds.
pub const X_GROUP: &str = "gateway.networking.x-k8s.io";

/// A port number (`1..=65535` once validated; any `int32` loads).
pub type PortNumber = i32;

/// A Gateway API duration string such as `10s` or `1h30m` (GEP-2257).
pub type Duration = String;

/// A hostname, possibly with a leading `*.` wildcard label.
pub type Hostname = String;

/// A reference from a route (or a ListenerSet) to the parent it wants to attach to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ParentReference {
    /// Group of the parent; defaults to `gateway.networking.k8s.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the parent; defaults to `Gateway`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Namespace of the parent; the route's own namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name of the parent.
    pub name: String,
    /// A listener name (or other section) within the parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    /// Only listeners on this port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortNumber>,
}

impl ParentReference {
    /// A reference to the Gateway `name`, in the referrer's namespace.
    #[must_use]
    pub fn gateway(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The group after defaulting.
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or(GROUP)
    }

    /// The kind after defaulting.
    #[must_use]
    pub fn kind_or_default(&self) -> &str {
        self.kind.as_deref().unwrap_or("Gateway")
    }

    /// Fills in the API server's defaults (group and kind).
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(|| GROUP.to_owned());
        self.kind.get_or_insert_with(|| "Gateway".to_owned());
    }
}

/// A reference to a backend object (by default a Service) in a namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendObjectReference {
    /// Group of the referent; `""` (the core group) by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the referent; `Service` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the referent.
    pub name: String,
    /// Namespace of the referent; the route's own when absent. A different
    /// namespace needs a ReferenceGrant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Destination port; required when the referent is a Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortNumber>,
}

impl BackendObjectReference {
    /// A reference to Service `name` on `port`, in the referrer's namespace.
    #[must_use]
    pub fn service(name: impl Into<String>, port: PortNumber) -> Self {
        Self {
            name: name.into(),
            port: Some(port),
            ..Self::default()
        }
    }

    /// The group after defaulting.
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or("")
    }

    /// The kind after defaulting.
    #[must_use]
    pub fn kind_or_default(&self) -> &str {
        self.kind.as_deref().unwrap_or("Service")
    }

    /// Fills in the API server's defaults (group and kind).
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(String::new);
        self.kind.get_or_insert_with(|| "Service".to_owned());
    }
}

/// A weighted backend reference, as used by TLSRoute, TCPRoute and UDPRoute
/// (HTTPRoute and GRPCRoute add filters, see their modules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendRef {
    /// Group of the referent; `""` (the core group) by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the referent; `Service` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the referent.
    pub name: String,
    /// Namespace of the referent; the route's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Destination port; required when the referent is a Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortNumber>,
    /// Relative weight (`0..=1000000`, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
}

impl BackendRef {
    /// The weight after defaulting.
    #[must_use]
    pub fn weight_or_default(&self) -> i32 {
        self.weight.unwrap_or(1)
    }

    /// The object this reference points at.
    #[must_use]
    pub fn object_ref(&self) -> BackendObjectReference {
        BackendObjectReference {
            group: self.group.clone(),
            kind: self.kind.clone(),
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            port: self.port,
        }
    }

    /// Fills in the API server's defaults.
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(String::new);
        self.kind.get_or_insert_with(|| "Service".to_owned());
        self.weight.get_or_insert(1);
    }
}

/// A reference to a Secret (or another certificate source), possibly in another namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretObjectReference {
    /// Group of the referent; `""` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the referent; `Secret` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the referent.
    pub name: String,
    /// Namespace of the referent; the referrer's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl SecretObjectReference {
    /// A reference to Secret `name` in the referrer's namespace.
    #[must_use]
    pub fn secret(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The group after defaulting.
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or("")
    }

    /// The kind after defaulting.
    #[must_use]
    pub fn kind_or_default(&self) -> &str {
        self.kind.as_deref().unwrap_or("Secret")
    }

    /// Fills in the API server's defaults (group and kind).
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(String::new);
        self.kind.get_or_insert_with(|| "Secret".to_owned());
    }
}

/// A reference to an object in the same namespace, every field required
/// (`LocalObjectReference` upstream).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalObjectReference {
    /// Group of the referent (`""` for core).
    pub group: String,
    /// Kind of the referent.
    pub kind: String,
    /// Name of the referent.
    pub name: String,
}

/// A reference to an object, possibly in another namespace, with group and
/// kind required (`ObjectReference` upstream, used for CA certificates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ObjectReference {
    /// Group of the referent (`""` for core).
    pub group: String,
    /// Kind of the referent.
    pub kind: String,
    /// Name of the referent.
    pub name: String,
    /// Namespace of the referent; the referrer's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// The status every route kind carries: one entry per parent it tried to attach to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RouteStatus {
    /// Per-parent status, written by each controller for the parents it manages.
    #[serde(default)]
    pub parents: Vec<RouteParentStatus>,
}

/// The status of a route with respect to one parent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RouteParentStatus {
    /// The parent this entry is about, as the route referenced it.
    pub parent_ref: ParentReference,
    /// The controller that wrote this entry.
    pub controller_name: String,
    /// `Accepted`, `ResolvedRefs`, `PartiallyInvalid`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// A policy's status: one entry per ancestor it affects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PolicyStatus {
    /// Per-ancestor status.
    #[serde(default)]
    pub ancestors: Vec<PolicyAncestorStatus>,
}

/// A policy's status with respect to one ancestor (usually a Gateway).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PolicyAncestorStatus {
    /// The ancestor this entry is about.
    pub ancestor_ref: ParentReference,
    /// The controller that wrote this entry.
    pub controller_name: String,
    /// `Accepted`, `ResolvedRefs`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// A policy's target in its own namespace (`LocalPolicyTargetReference`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalPolicyTargetReference {
    /// Group of the target.
    pub group: String,
    /// Kind of the target.
    pub kind: String,
    /// Name of the target.
    pub name: String,
}

/// A policy target with an optional section (`LocalPolicyTargetReferenceWithSectionName`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalPolicyTargetReferenceWithSectionName {
    /// Group of the target.
    pub group: String,
    /// Kind of the target.
    pub kind: String,
    /// Name of the target.
    pub name: String,
    /// A section (a Service port name, a listener name) within the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

impl RouteStatus {
    /// Fills in the API server's defaults: the group and kind of every
    /// `parents[].parentRef`.
    pub fn apply_defaults(&mut self) {
        for parent in &mut self.parents {
            parent.parent_ref.apply_defaults();
        }
    }
}

#[cfg(feature = "experimental")]
crate::enums::string_enum! {
    /// Which default Gateways a route asks to attach to (`useDefaultGateways`
    /// on routes, `defaultScope` on Gateways; GEP-3793).
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    pub enum GatewayDefaultScope {
        /// Attach to every Gateway that declares itself a default for all routes.
        All = "All",
        /// Take part in no default-Gateway attachment (the behaviour when absent).
        None = "None",
    }
}

#[cfg(feature = "experimental")]
crate::enums::string_enum! {
    /// How a session is tracked: in a cookie or in a header.
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    pub enum SessionPersistenceType {
        /// A cookie carries the session token (Core support; the default).
        Cookie = "Cookie",
        /// A request header carries the session token (Extended support).
        Header = "Header",
    }
}

#[cfg(feature = "experimental")]
crate::enums::string_enum! {
    /// Whether a session cookie outlives the browser session.
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    pub enum CookieLifetimeType {
        /// The cookie carries `Expires`/`Max-Age` taken from `absoluteTimeout`,
        /// which is then required (Extended support).
        Permanent = "Permanent",
        /// The cookie ends with the client session; `absoluteTimeout`, if set,
        /// bounds the session on the gateway side only (the default).
        Session = "Session",
    }
}

/// Session affinity for a route rule (GEP-1619): requests carrying the same
/// session token keep reaching the same backend endpoint.
///
/// Upstream marks the route-level field deprecated in favour of the Backend
/// resource, but it is still served by the experimental CRDs.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionPersistence {
    /// Name of the session token (the cookie or header name); at most 128
    /// characters, implementation-specific meaning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    /// How long a session lives in total, as a Gateway API duration. Required
    /// when `cookieConfig.lifetimeType` is `Permanent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absolute_timeout: Option<Duration>,
    /// Cookie or header; `Cookie` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<SessionPersistenceType>,
    /// Cookie settings; only allowed when the type is `Cookie`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_config: Option<CookieConfig>,
}

#[cfg(feature = "experimental")]
static SESSION_COOKIE: SessionPersistenceType = SessionPersistenceType::Cookie;

#[cfg(feature = "experimental")]
impl SessionPersistence {
    /// The type after defaulting (`Cookie` when absent).
    #[must_use]
    pub fn type_or_default(&self) -> &SessionPersistenceType {
        self.type_.as_ref().unwrap_or(&SESSION_COOKIE)
    }

    /// Fills in the API server's defaults: `type: Cookie`, and
    /// `cookieConfig.lifetimeType: Session` when `cookieConfig` is present.
    pub fn apply_defaults(&mut self) {
        self.type_.get_or_insert(SessionPersistenceType::Cookie);
        if let Some(cookie) = &mut self.cookie_config {
            cookie.apply_defaults();
        }
    }
}

/// Settings specific to cookie-based session persistence.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CookieConfig {
    /// Permanent or session cookie; `Session` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_type: Option<CookieLifetimeType>,
}

#[cfg(feature = "experimental")]
static COOKIE_SESSION: CookieLifetimeType = CookieLifetimeType::Session;

#[cfg(feature = "experimental")]
impl CookieConfig {
    /// The lifetime type after defaulting (`Session` when absent).
    #[must_use]
    pub fn lifetime_type_or_default(&self) -> &CookieLifetimeType {
        self.lifetime_type.as_ref().unwrap_or(&COOKIE_SESSION)
    }

    /// Fills in the API server's default (`lifetimeType: Session`).
    pub fn apply_defaults(&mut self) {
        self.lifetime_type
            .get_or_insert(CookieLifetimeType::Session);
    }
}
