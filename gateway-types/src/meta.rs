//! Kubernetes object metadata, conditions and label selectors.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(not(feature = "kube"))]
pub use own::ObjectMeta;

/// Standard object metadata.
///
/// With the `kube` feature this is `k8s_openapi`'s `ObjectMeta`, so that every
/// kind can implement `kube::Resource`; without it, a small struct of this
/// crate with the same field names and types. Code that must compile both ways
/// reads the creation timestamp through [`MetaExt`].
#[cfg(feature = "kube")]
pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

#[cfg(not(feature = "kube"))]
mod own {
    use super::*;

    /// Standard object metadata: the fields Gateway API processing reads,
    /// plus everything else kept verbatim in [`ObjectMeta::other`].
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct ObjectMeta {
        /// Object name, unique within its namespace.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// Namespace; absent for cluster-scoped kinds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
        /// Labels (selected by `allowedRoutes` and `ReferenceGrant` logic).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub labels: Option<BTreeMap<String, String>>,
        /// Annotations.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub annotations: Option<BTreeMap<String, String>>,
        /// The generation of the desired state, echoed in status as `observedGeneration`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub generation: Option<i64>,
        /// RFC 3339 creation time; orders routes in precedence and conflict resolution.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creation_timestamp: Option<String>,
        /// Server-assigned unique id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub uid: Option<String>,
        /// Server-assigned version for optimistic concurrency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resource_version: Option<String>,
        /// Every other metadata field (ownerReferences, managedFields, ...), kept verbatim.
        #[serde(flatten)]
        pub other: BTreeMap<String, serde_json::Value>,
    }
}

/// Uniform access to metadata, whichever `ObjectMeta` is in use.
pub trait MetaExt {
    /// The name, or `""` when absent.
    fn name_str(&self) -> &str;
    /// The namespace, if any.
    fn namespace_str(&self) -> Option<&str>;
    /// The creation timestamp as RFC 3339 text, if set.
    fn creation_timestamp_text(&self) -> Option<String>;
    /// Sets the creation timestamp from RFC 3339 text.
    ///
    /// With the `kube` feature, text that does not parse leaves the timestamp unset.
    fn set_creation_timestamp_text(&mut self, rfc3339: &str);
    /// A label's value.
    fn label(&self, key: &str) -> Option<&str>;
}

impl MetaExt for ObjectMeta {
    fn name_str(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }
    fn namespace_str(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    #[cfg(not(feature = "kube"))]
    fn creation_timestamp_text(&self) -> Option<String> {
        self.creation_timestamp.clone()
    }
    #[cfg(feature = "kube")]
    fn creation_timestamp_text(&self) -> Option<String> {
        let t = self.creation_timestamp.as_ref()?;
        serde_json::to_value(t)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    }
    #[cfg(not(feature = "kube"))]
    fn set_creation_timestamp_text(&mut self, rfc3339: &str) {
        self.creation_timestamp = Some(rfc3339.to_owned());
    }
    #[cfg(feature = "kube")]
    fn set_creation_timestamp_text(&mut self, rfc3339: &str) {
        self.creation_timestamp = serde_json::from_value(serde_json::Value::from(rfc3339)).ok();
    }
    fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(String::as_str)
    }
}

/// A status condition (`metav1.Condition`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Condition {
    /// Condition type, for example `Accepted`.
    #[serde(rename = "type")]
    pub type_: Cow<'static, str>,
    /// `True`, `False` or `Unknown`.
    pub status: Cow<'static, str>,
    /// One CamelCase word saying why.
    pub reason: Cow<'static, str>,
    /// Human-readable detail.
    pub message: Cow<'static, str>,
    /// When the status last changed (RFC 3339).
    pub last_transition_time: Cow<'static, str>,
    /// The `metadata.generation` this condition was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// The `lastTransitionTime` of conditions made here: the Unix epoch.
const EPOCH: &str = "1970-01-01T00:00:00Z";

impl Condition {
    /// A condition with the given type, status, reason and message, and an
    /// epoch `lastTransitionTime`.
    ///
    /// The text fields are [`Cow`]s so that the fixed words of a status
    /// (types, reasons, `True`/`False`, most messages) are written without
    /// allocating; conditions read from YAML or JSON own their text.
    ///
    /// ```
    /// use gateway_types::meta::Condition;
    ///
    /// let c = Condition::new("Accepted", true, "Accepted", format!("{} listeners", 2));
    /// assert!(c.is_true());
    /// assert_eq!(c.reason, "Accepted");
    /// assert_eq!(c.last_transition_time, "1970-01-01T00:00:00Z");
    /// ```
    #[must_use]
    pub fn new(
        type_: impl Into<Cow<'static, str>>,
        status: bool,
        reason: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            type_: type_.into(),
            status: Cow::Borrowed(if status { "True" } else { "False" }),
            reason: reason.into(),
            message: message.into(),
            last_transition_time: Cow::Borrowed(EPOCH),
            observed_generation: None,
        }
    }

    /// The condition the CRDs put in a fresh object's status: `type_` is
    /// `Unknown` with reason `Pending`, "Waiting for controller", at the
    /// epoch.
    ///
    /// ```
    /// use gateway_types::meta::Condition;
    ///
    /// let c = Condition::pending("Programmed");
    /// assert_eq!((&*c.status, &*c.reason), ("Unknown", "Pending"));
    /// ```
    #[must_use]
    pub fn pending(type_: &'static str) -> Self {
        Self {
            type_: Cow::Borrowed(type_),
            status: Cow::Borrowed("Unknown"),
            reason: Cow::Borrowed("Pending"),
            message: Cow::Borrowed("Waiting for controller"),
            last_transition_time: Cow::Borrowed(EPOCH),
            observed_generation: None,
        }
    }

    /// Whether `status` is `True`.
    #[must_use]
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

/// A Kubernetes label selector (`metav1.LabelSelector`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LabelSelector {
    /// Requirements, ANDed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
    /// Exact label values, ANDed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
}

/// One `matchExpressions` entry of a [`LabelSelector`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    /// Values for `In` and `NotIn`; empty otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

impl LabelSelector {
    /// Whether a set of labels satisfies this selector, as Kubernetes
    /// evaluates it. An empty selector matches everything; an unknown operator
    /// matches nothing.
    #[must_use]
    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
        if let Some(ml) = &self.match_labels
            && ml.iter().any(|(k, v)| get(k) != Some(v.as_str()))
        {
            return false;
        }
        for req in self.match_expressions.iter().flatten() {
            let value = get(&req.key);
            let values = req.values.as_deref().unwrap_or(&[]);
            let ok = match req.operator.as_str() {
                "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
                "NotIn" => value.is_none_or(|v| values.iter().all(|x| x != v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Parses an RFC 3339 timestamp (`2024-05-01T10:00:00Z`, fractions and
/// `+hh:mm` offsets allowed) into seconds since the Unix epoch.
///
/// ```
/// assert_eq!(gateway_types::meta::parse_timestamp("1970-01-02T00:00:01Z"), Some(86_401));
/// assert_eq!(gateway_types::meta::parse_timestamp("yesterday"), None);
/// ```
#[must_use]
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || rb[3] != b':' || !matches!(rb[0], b'+' | b'-') {
                return None;
            }
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            let o = h * 3600 + m * 60;
            if rb[0] == b'-' { -o } else { o }
        }
    };
    // Days from the civil date (proleptic Gregorian), after Howard Hinnant's
    // well-known derivation.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + min * 60 + sec - offset)
}
