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
    for entry in snapshot.entries() {
        let findings = admission::admit(entry, None, options);
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
    status::compute(snapshot, options, &mut report);
    report
}
