//! The precedence order between matches, as sort keys.
//!
//! The crate docs (`# Precedence`) state the order in words, with a doctest
//! per tie-break. Hostname specificity, the first criterion, is not in these
//! keys: the router visits hostname buckets from the most specific and only
//! ranks the matches inside one bucket (see [`crate::table::HostIndex`]).

use std::cmp::{Ordering, Reverse};

use gateway_types::routing::AttachedRoute;

/// Compares routes for the route-level tie-breaks: the older creation time
/// first (an unknown time after every known one), then `namespace/name`
/// (compared as that one string, as upstream writes it).
pub(crate) fn compare_routes(a: &AttachedRoute, b: &AttachedRoute) -> Ordering {
    let created = |r: &AttachedRoute| (r.created.is_none(), r.created.unwrap_or(0));
    created(a)
        .cmp(&created(b))
        .then_with(|| compare_namespaced(&a.namespace, &a.name, &b.namespace, &b.name))
}

/// Compares `a_ns/a_name` with `b_ns/b_name` as strings, without building
/// them.
pub(crate) fn compare_namespaced(a_ns: &str, a_name: &str, b_ns: &str, b_name: &str) -> Ordering {
    // The common cases, compared as slices: one namespace (the names
    // decide), or namespaces that differ before the shorter one ends (they
    // decide).
    if a_ns == b_ns {
        return a_name.cmp(b_name);
    }
    let common = a_ns.len().min(b_ns.len());
    if let (Some(a), Some(b)) = (a_ns.as_bytes().get(..common), b_ns.as_bytes().get(..common))
        && a != b
    {
        return a.cmp(b);
    }
    let a = a_ns
        .bytes()
        .chain(std::iter::once(b'/'))
        .chain(a_name.bytes());
    let b = b_ns
        .bytes()
        .chain(std::iter::once(b'/'))
        .chain(b_name.bytes());
    a.cmp(b)
}

/// The kind of path condition, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum PathClass {
    Exact = 0,
    RegularExpression = 1,
    Prefix = 2,
}

/// The rank of an HTTPRoute match inside one hostname bucket; smaller wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct HttpKey {
    /// Exact, then RegularExpression, then PathPrefix.
    pub(crate) class: PathClass,
    /// The configured value's length (pattern length for a regex); longer wins.
    pub(crate) path_len: Reverse<usize>,
    /// A method condition wins over none.
    pub(crate) method: Reverse<bool>,
    /// More (distinct) header conditions win.
    pub(crate) headers: Reverse<usize>,
    /// More (distinct) query conditions win.
    pub(crate) query: Reverse<usize>,
    /// Route order: oldest, then `namespace/name`, then position in the view.
    pub(crate) route: u32,
    /// Rule order in the route.
    pub(crate) rule: u32,
    /// Match order in the rule.
    pub(crate) matched: u32,
}

/// The rank of a GRPCRoute match inside one hostname bucket; smaller wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GrpcKey {
    /// More characters in the service condition win (0 without one).
    pub(crate) service_len: Reverse<usize>,
    /// More characters in the method condition win (0 without one).
    pub(crate) method_len: Reverse<usize>,
    /// At equal lengths, an `Exact` match wins over a `RegularExpression` one.
    pub(crate) regex: bool,
    /// More (distinct) header conditions win.
    pub(crate) headers: Reverse<usize>,
    /// Route order, as for [`HttpKey::route`].
    pub(crate) route: u32,
    /// Rule order in the route.
    pub(crate) rule: u32,
    /// Match order in the rule.
    pub(crate) matched: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_name_compares_as_one_string() {
        // "a-b/x" < "a/zz" because '-' sorts before '/'.
        assert_eq!(compare_namespaced("a-b", "x", "a", "zz"), Ordering::Less);
        assert_eq!(compare_namespaced("a", "b", "a", "b"), Ordering::Equal);
        assert_eq!(compare_namespaced("a", "b", "a", "c"), Ordering::Less);
    }

    #[test]
    fn namespace_name_compares_as_the_joined_string_for_every_short_pair() {
        // Every pair of short namespaces and names over an alphabet around
        // `/` (and `/` itself, which no valid name holds), against the
        // joined strings.
        let parts = ["", "a", "b", "a-", "a/", "ab", "a0", "-", "/", "aa", "a/b"];
        for a_ns in parts {
            for b_ns in parts {
                for a_name in parts {
                    for b_name in parts {
                        let want = format!("{a_ns}/{a_name}").cmp(&format!("{b_ns}/{b_name}"));
                        assert_eq!(
                            compare_namespaced(a_ns, a_name, b_ns, b_name),
                            want,
                            "{a_ns}/{a_name} vs {b_ns}/{b_name}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn http_keys_order_exact_regex_prefix() {
        let base = HttpKey {
            class: PathClass::Prefix,
            path_len: Reverse(100),
            method: Reverse(true),
            headers: Reverse(5),
            query: Reverse(5),
            route: 0,
            rule: 0,
            matched: 0,
        };
        let regex = HttpKey {
            class: PathClass::RegularExpression,
            path_len: Reverse(1),
            method: Reverse(false),
            headers: Reverse(0),
            query: Reverse(0),
            route: 9,
            rule: 9,
            matched: 9,
        };
        assert!(regex < base);
        let longer = HttpKey {
            path_len: Reverse(101),
            method: Reverse(false),
            ..base
        };
        assert!(longer < base);
    }
}
