//! Errors building a router.

/// Why a rule could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// A regular expression does not parse.
    #[error("invalid regular expression: {0}")]
    InvalidRegex(String),
    /// A regular expression compiles beyond the size limit.
    #[error("regular expression exceeds the size limit of {limit} bytes")]
    RegexTooBig {
        /// The configured limit.
        limit: usize,
    },
    /// More rules than the configured limit.
    #[error("more than {limit} rules")]
    TooManyRules {
        /// The configured limit.
        limit: usize,
    },
    /// A value the router cannot use.
    #[error("invalid value: {0}")]
    InvalidValue(String),
}

/// A rule that could not be compiled, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{route_kind} {namespace}/{name} rule {rule}: {kind}")]
#[non_exhaustive]
pub struct BuildError {
    /// The route's kind.
    pub route_kind: String,
    /// The route's namespace.
    pub namespace: String,
    /// The route's name.
    pub name: String,
    /// The rule index.
    pub rule: usize,
    /// What went wrong.
    pub kind: BuildErrorKind,
}
