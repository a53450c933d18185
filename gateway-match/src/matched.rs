//! The answer of a match, borrowed from the router.

use gateway_types::routing::{AttachedRoute, ListenerRouting, ResolvedBackend};

/// The rule that won for an HTTP or gRPC request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Match<'r> {
    /// The listener the request selected.
    pub listener: &'r ListenerRouting,
    /// The winning route.
    pub route: &'r AttachedRoute,
    /// Index of the winning rule within the route.
    pub rule_index: usize,
    /// Index of the winning match within the rule.
    pub match_index: usize,
}

/// The route that won for a TLS, TCP or UDP stream.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct StreamMatch<'r> {
    /// The listener the stream selected.
    pub listener: &'r ListenerRouting,
    /// The winning route.
    pub route: &'r AttachedRoute,
    /// The backends of its first rule.
    pub backends: &'r [ResolvedBackend],
}
