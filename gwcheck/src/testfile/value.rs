//! The small values of the format, written as strings in the file: object
//! names, parent refs, Service refs, condition values, kinds.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::error::ParseValueError;

/// Implements `Deserialize` through `FromStr`: the value must be a string
/// (`$form` says of what form), and a parse error is reported at the value's
/// path.
macro_rules! deserialize_from_str {
    ($($ty:ty => $form:expr),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(FromStrVisitor::<Self>::new($form))
            }
        }
    )*};
}

/// Reads a string and parses it with `FromStr`; any other value is reported
/// against the form the string must have.
pub(crate) struct FromStrVisitor<T> {
    form: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<T> FromStrVisitor<T> {
    pub(crate) const fn new(form: &'static str) -> Self {
        Self {
            form,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T: FromStr<Err = ParseValueError>> Visitor<'_> for FromStrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.form)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// Whether `s` is a lowercase DNS-style name: `[a-z0-9]([-a-z0-9.]*[a-z0-9])?`.
fn is_object_name(s: &str) -> bool {
    let edge = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            edge(first) && edge(last) && bytes.iter().all(|&c| edge(c) || c == b'-' || c == b'.')
        }
        _ => false,
    }
}

/// Whether `s` is a listener (section) name: `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
fn is_section_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// Splits `ns/name` into its two parts when both are object names.
fn split_namespaced(s: &str) -> Option<(&str, &str)> {
    let (namespace, name) = s.split_once('/')?;
    (is_object_name(namespace) && is_object_name(name)).then_some((namespace, name))
}

/// A namespaced object, written `namespace/name`.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::NamespacedName;
///
/// let gw: NamespacedName = "gateway-conformance-infra/same-namespace".parse()?;
/// assert_eq!(gw.namespace, "gateway-conformance-infra");
/// assert_eq!(gw.name, "same-namespace");
/// assert_eq!(gw.to_string(), "gateway-conformance-infra/same-namespace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamespacedName {
    /// The namespace.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl NamespacedName {
    /// A name from its parts (not checked).
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl FromStr for NamespacedName {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        split_namespaced(s)
            .map(|(namespace, name)| Self::new(namespace, name))
            .ok_or(ParseValueError::new("must be namespace/name"))
    }
}

impl fmt::Display for NamespacedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// The kind of a route parent (or policy ancestor) named in a test file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ParentKind {
    /// A Gateway: the default, written with no prefix.
    Gateway,
    /// A ListenerSet: written with the `ListenerSet:` prefix.
    ListenerSet,
}

impl ParentKind {
    /// The Kubernetes kind, `Gateway` or `ListenerSet`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gateway => "Gateway",
            Self::ListenerSet => "ListenerSet",
        }
    }
}

/// A route parent or policy ancestor: `ns/name`, `ns/name/sectionName`, or
/// with a kind prefix for parents other than Gateways,
/// `ListenerSet:ns/name[/sectionName]`.
///
/// It matches a status entry on kind, namespace and name, and on the section
/// name when one is written.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::{ParentKind, ParentRef};
///
/// let p: ParentRef = "ListenerSet:infra/extra/https".parse()?;
/// assert_eq!(p.kind, ParentKind::ListenerSet);
/// assert_eq!((p.namespace.as_str(), p.name.as_str()), ("infra", "extra"));
/// assert_eq!(p.section_name.as_deref(), Some("https"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParentRef {
    /// The parent's kind.
    pub kind: ParentKind,
    /// The parent's namespace.
    pub namespace: String,
    /// The parent's name.
    pub name: String,
    /// The listener named, when the ref names one.
    pub section_name: Option<String>,
}

const PARENT_REF_FORM: &str =
    "must be ns/name or ns/name/sectionName, with an optional ListenerSet: prefix";

impl FromStr for ParentRef {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = ParseValueError::new(PARENT_REF_FORM);
        let (kind, rest) = match s.strip_prefix("ListenerSet:") {
            Some(rest) => (ParentKind::ListenerSet, rest),
            None => (ParentKind::Gateway, s),
        };
        let (namespaced, section_name) = match rest.match_indices('/').nth(1) {
            Some((at, _)) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let (namespace, name) = split_namespaced(namespaced).ok_or_else(|| bad.clone())?;
        if section_name.is_some_and(|section| !is_section_name(section)) {
            return Err(bad);
        }
        Ok(Self {
            kind,
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            section_name: section_name.map(str::to_owned),
        })
    }
}

impl fmt::Display for ParentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind != ParentKind::Gateway {
            write!(f, "{}:", self.kind.as_str())?;
        }
        write!(f, "{}/{}", self.namespace, self.name)?;
        if let Some(section) = &self.section_name {
            write!(f, "/{section}")?;
        }
        Ok(())
    }
}

/// A Service, written `namespace/name` or `namespace/name:port`.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::ServiceRef;
///
/// let s: ServiceRef = "infra/backend-tls:443".parse()?;
/// assert_eq!(s.name, "backend-tls");
/// assert_eq!(s.port, Some(443));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceRef {
    /// The Service's namespace.
    pub namespace: String,
    /// The Service's name.
    pub name: String,
    /// The Service port, when the expectation names one.
    pub port: Option<u16>,
}

impl FromStr for ServiceRef {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = ParseValueError::new("must be a Service as namespace/name, optionally :port");
        let (namespaced, port) = match s.split_once(':') {
            Some((namespaced, port)) => {
                if port.is_empty() || !port.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(bad);
                }
                let port = port
                    .parse::<u16>()
                    .map_err(|_| ParseValueError::new("the Service port must be at most 65535"))?;
                (namespaced, Some(port))
            }
            None => (s, None),
        };
        let (namespace, name) = split_namespaced(namespaced).ok_or(bad)?;
        Ok(Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            port,
        })
    }
}

impl fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// An object a step deletes: `Kind namespace/name`, or `Kind name` for a
/// cluster-scoped object.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::ObjectKey;
///
/// let k: ObjectKey = "ReferenceGrant web/allow".parse()?;
/// assert_eq!(k.kind, "ReferenceGrant");
/// assert_eq!(k.namespace.as_deref(), Some("web"));
/// assert_eq!(k.name, "allow");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The Kubernetes kind, e.g. `ReferenceGrant`.
    pub kind: String,
    /// The namespace; `None` for a cluster-scoped object.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
}

impl FromStr for ObjectKey {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = ParseValueError::new(
            "must be \"Kind namespace/name\" (or \"Kind name\" for a cluster-scoped object)",
        );
        let (kind, object) = s.split_once(' ').ok_or_else(|| bad.clone())?;
        let kind_ok = kind.len() >= 2
            && kind.starts_with(|c: char| c.is_ascii_uppercase())
            && kind.bytes().all(|c| c.is_ascii_alphabetic());
        if !kind_ok {
            return Err(bad);
        }
        let (namespace, name) = if object.contains('/') {
            let (namespace, name) = split_namespaced(object).ok_or(bad)?;
            (Some(namespace.to_owned()), name.to_owned())
        } else if is_object_name(object) {
            (None, object.to_owned())
        } else {
            return Err(bad);
        };
        Ok(Self {
            kind: kind.to_owned(),
            namespace,
            name,
        })
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{} {namespace}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// The status of a Kubernetes condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConditionStatus {
    /// `"True"`.
    True,
    /// `"False"`.
    False,
    /// `"Unknown"`.
    Unknown,
}

impl ConditionStatus {
    /// The status as Kubernetes writes it: `True`, `False` or `Unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::True => "True",
            Self::False => "False",
            Self::Unknown => "Unknown",
        }
    }
}

/// An expected condition value: `"True"`, `"False"` or `"Unknown"` checks the
/// status alone, `"True/Accepted"` the status and the reason. The message is
/// never checked.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::{ConditionExpect, ConditionStatus};
///
/// let c: ConditionExpect = "False/RefNotPermitted".parse()?;
/// assert_eq!(c.status, ConditionStatus::False);
/// assert_eq!(c.reason.as_deref(), Some("RefNotPermitted"));
/// assert!(c.matches("False", "RefNotPermitted"));
/// assert!("True".parse::<ConditionExpect>()?.matches("True", "AnyReason"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionExpect {
    /// The status expected.
    pub status: ConditionStatus,
    /// The reason expected, when the value gives one.
    pub reason: Option<String>,
}

impl ConditionExpect {
    /// Whether a condition with this status and reason (as found in status)
    /// meets the expectation.
    pub fn matches(&self, status: &str, reason: &str) -> bool {
        self.status.as_str() == status && self.reason.as_deref().is_none_or(|r| r == reason)
    }
}

/// The form of a condition value, for messages (a macro so `concat!` can use it).
macro_rules! condition_form {
    () => {
        "\"True\", \"False\" or \"Unknown\", optionally \"/Reason\" (e.g. \"True/Accepted\")"
    };
}

impl FromStr for ConditionExpect {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = ParseValueError::new(concat!("must be ", condition_form!()));
        let (status, reason) = match s.split_once('/') {
            Some((status, reason)) => (status, Some(reason)),
            None => (s, None),
        };
        let status = match status {
            "True" => ConditionStatus::True,
            "False" => ConditionStatus::False,
            "Unknown" => ConditionStatus::Unknown,
            _ => return Err(bad),
        };
        let reason_ok = |r: &str| {
            r.starts_with(|c: char| c.is_ascii_alphabetic())
                && r.bytes().all(|c| c.is_ascii_alphanumeric())
        };
        if reason.is_some_and(|r| !reason_ok(r)) {
            return Err(bad);
        }
        Ok(Self {
            status,
            reason: reason.map(str::to_owned),
        })
    }
}

impl fmt::Display for ConditionExpect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.status.as_str())?;
        if let Some(reason) = &self.reason {
            write!(f, "/{reason}")?;
        }
        Ok(())
    }
}

/// A route kind a test file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RouteKind {
    /// `HTTPRoute`.
    HttpRoute,
    /// `GRPCRoute`.
    GrpcRoute,
    /// `TLSRoute`.
    TlsRoute,
    /// `TCPRoute`.
    TcpRoute,
    /// `UDPRoute`.
    UdpRoute,
}

impl RouteKind {
    /// Every route kind, in the format's order.
    pub const ALL: [Self; 5] = [
        Self::HttpRoute,
        Self::GrpcRoute,
        Self::TlsRoute,
        Self::TcpRoute,
        Self::UdpRoute,
    ];

    /// The Kubernetes kind, e.g. `HTTPRoute`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HttpRoute => "HTTPRoute",
            Self::GrpcRoute => "GRPCRoute",
            Self::TlsRoute => "TLSRoute",
            Self::TcpRoute => "TCPRoute",
            Self::UdpRoute => "UDPRoute",
        }
    }
}

impl FromStr for RouteKind {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or(ParseValueError::new(
                "must be one of: HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute",
            ))
    }
}

impl fmt::Display for RouteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

deserialize_from_str!(
    NamespacedName => "namespace/name",
    ParentRef => "ns/name or ns/name/sectionName, with an optional ListenerSet: prefix",
    ServiceRef => "a Service as namespace/name, optionally :port",
    ObjectKey => "\"Kind namespace/name\" (or \"Kind name\" for a cluster-scoped object)",
    ConditionExpect => condition_form!(),
    RouteKind => "one of: HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute",
);

/// A mapping that keeps the file's order: condition types, listeners, headers,
/// weighted backends.
///
/// Lookups are linear, which suits the handful of entries a test names. Keys
/// are unique (the YAML parser rejects a key given twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedMap<K, V> {
    entries: Vec<(K, V)>,
}

/// Expected conditions, by condition type (`Accepted`, `ResolvedRefs`, ...).
/// A type not named is not checked.
pub type Conditions = OrderedMap<String, ConditionExpect>;

impl<K, V> Default for OrderedMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K, V> OrderedMap<K, V> {
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys, in file order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, in file order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The value for `key`, if present.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries
            .iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.get(key).is_some()
    }
}

impl<K, V> FromIterator<(K, V)> for OrderedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            entries: iter.into_iter().collect(),
        }
    }
}

impl<K, V> IntoIterator for OrderedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a OrderedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        fn pair<K, V>((k, v): &(K, V)) -> (&K, &V) {
            (k, v)
        }
        self.entries.iter().map(pair)
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(std::marker::PhantomData<(K, V)>);

        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = OrderedMap<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(OrderedMap { entries })
            }
        }

        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}
