//! Findings: what the admission pass (and the status pass's diagnostics) report.

use std::fmt;

/// Identifies an object: kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct ObjectRef {
    /// The kind (`HTTPRoute`).
    pub kind: String,
    /// The namespace; `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
}

impl ObjectRef {
    /// A reference to `kind namespace/name`.
    #[must_use]
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
        }
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// Where in the input a finding points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Location {
    /// The file name as given to the loader.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Location {
    /// A position in `file` (1-based line and column).
    #[must_use]
    pub fn new(file: &str, line: usize, column: usize) -> Self {
        Self {
            file: file.to_owned(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The API server would reject the object.
    Error,
    /// The object is stored, but something is likely wrong (a pruned unknown
    /// field, a reference to a missing Gateway, an ignored rule).
    Warning,
}

/// One problem with one object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The object.
    pub object: ObjectRef,
    /// Where the offending field is, when known.
    pub location: Option<Location>,
    /// The field path, e.g. `spec.rules[0].matches[1].path.value` (`""` for the object).
    pub field: String,
    /// A stable identifier of the rule broken, e.g. `httproute.path.starts-with-slash`.
    pub rule: &'static str,
    /// What is wrong and what to change, in lowercase without a trailing period.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Finding {
    /// A finding without location.
    #[must_use]
    pub fn new(
        object: ObjectRef,
        field: impl Into<String>,
        rule: &'static str,
        message: impl Into<String>,
        severity: Severity,
    ) -> Self {
        Self {
            object,
            location: None,
            field: field.into(),
            rule,
            message: message.into(),
            severity,
        }
    }

    /// The finding, pointing at `location`.
    #[must_use]
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Whether the API server would reject the object because of this finding.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    /// `file:line:col: Kind ns/name: field.path: message [rule-id]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}: ", self.object)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{} [{}]", self.message, self.rule)
    }
}
