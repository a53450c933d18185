//! Errors building a router.
//!
//! The builder compiles every rule it can and reports every rule it cannot,
//! each with the route, rule and field it came from:
//!
//! ```
//! use gateway_match::{BuildErrorKind, Router};
//! # use gateway_match::__doc_support as support;
//!
//! let listener = support::http_listener(&[(
//!     "default/web",
//!     r#"{"rules": [{"matches": [{"path": {"type": "RegularExpression", "value": "/a/[0-9"}}]}]}"#,
//! )])?;
//! let mut builder = Router::builder();
//! builder.add_listener(listener);
//! let errors = builder.build().unwrap_err();
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].rule_index(), Some(0));
//! assert_eq!(errors[0].field(), "spec.rules[0].matches[0].path.value");
//! assert!(matches!(errors[0].kind(), BuildErrorKind::InvalidRegex(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// Why a rule (or a listener) could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// A regular expression does not parse.
    #[error("invalid regular expression: {0}")]
    InvalidRegex(String),
    /// A regular expression compiles beyond the size limit.
    #[error(
        "regular expression exceeds the size limit of {limit} bytes; simplify it or raise `Config::regex_size_limit`"
    )]
    RegexTooBig {
        /// The configured limit.
        limit: usize,
    },
    /// More rules than the configured limit; this rule and the ones after it
    /// were not compiled.
    #[error("more than {limit} rules; raise `Config::max_rules` or split the configuration")]
    TooManyRules {
        /// The configured limit.
        limit: usize,
    },
    /// A rule has more matches than the configured limit.
    #[error(
        "{count} matches in one rule, more than the limit of {limit}; raise `Config::max_matches_per_rule`"
    )]
    TooManyMatches {
        /// The configured limit.
        limit: usize,
        /// How many the rule has.
        count: usize,
    },
    /// A match has more header matches than the configured limit.
    #[error(
        "{count} header matches in one match, more than the limit of {limit}; raise `Config::max_header_matches`"
    )]
    TooManyHeaderMatches {
        /// The configured limit.
        limit: usize,
        /// How many the match has.
        count: usize,
    },
    /// A match has more query parameter matches than the configured limit.
    #[error(
        "{count} query parameter matches in one match, more than the limit of {limit}; raise `Config::max_query_matches`"
    )]
    TooManyQueryMatches {
        /// The configured limit.
        limit: usize,
        /// How many the match has.
        count: usize,
    },
    /// A value the router cannot use (an unknown enum value, a malformed
    /// path or a path value over 65,536 bytes, a malformed header name or
    /// duration, an impossible filter combination).
    #[error("invalid value: {0}")]
    InvalidValue(String),
}

/// A rule (or listener) that could not be compiled, and where it came from.
///
/// Displayed as `HTTPRoute default/web rule 0: spec.rules[0].matches[0].path.value: invalid regular expression: ...`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{route_kind} {namespace}/{name}{}: {field}: {kind}", rule.map(|r| format!(" rule {r}")).unwrap_or_default())]
#[non_exhaustive]
pub struct BuildError {
    /// The route's kind (`HTTPRoute`, ...), or `Listener` for a listener the
    /// router cannot serve.
    pub route_kind: String,
    /// The route's namespace (the listener owner's, for a listener).
    pub namespace: String,
    /// The route's name (the listener's name, for a listener).
    pub name: String,
    /// The rule index; `None` for a problem with the whole route or listener.
    pub rule: Option<usize>,
    /// Path of the offending field, such as `spec.rules[0].matches[1].path.value`.
    pub field: String,
    /// What went wrong.
    pub kind: BuildErrorKind,
}

impl BuildError {
    /// The route's kind (`HTTPRoute`, `GRPCRoute`, ...), or `Listener`.
    #[must_use]
    pub fn route_kind(&self) -> &str {
        &self.route_kind
    }

    /// The route's `(namespace, name)`.
    #[must_use]
    pub fn route(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }

    /// The index of the rule that was dropped, if the error concerns one rule.
    #[must_use]
    pub fn rule_index(&self) -> Option<usize> {
        self.rule
    }

    /// Path of the offending field.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &BuildErrorKind {
        &self.kind
    }
}
