//! Hostname intersection (spec 4.2) and the suffix index behind the
//! HTTPRoute/GRPCRoute conflict check (8.4).
//!
//! Hostnames are compared lowercased. A wildcard `*.example.com` stands for
//! every name with at least one more label in front of `.example.com`, never
//! for `example.com` itself.

use std::collections::{HashMap, HashSet};

/// Whether `h` is a wildcard (`*.` prefix).
pub(super) fn is_wildcard(h: &str) -> bool {
    h.starts_with("*.")
}

/// The suffixes a name shares with broader wildcards: for `a.b.c` and for
/// `*.b.c` alike, `.b.c` and `.c`. A wildcard `*S` covers an exact name `e`
/// iff `S` is one of `e`'s suffixes, and covers another wildcard `w` iff `S`
/// is one of `w`'s.
pub(super) fn suffixes(h: &str) -> impl Iterator<Item = &str> {
    h.char_indices()
        .filter(|&(_, c)| c == '.')
        .filter_map(move |(i, _)| h.get(i..))
}

/// The suffix of a wildcard (`.example.com` for `*.example.com`).
fn wildcard_suffix(h: &str) -> &str {
    h.get(1..).unwrap_or("")
}

/// The intersection of two hostnames: the more specific of the two when
/// they overlap, `None` when they do not.
///
/// ```text
/// foo.example.com  ∩ *.example.com   = foo.example.com
/// *.foo.example.com ∩ *.example.com  = *.foo.example.com
/// example.com      ∩ *.example.com   = none
/// ```
pub(super) fn intersect<'a>(a: &'a str, b: &'a str) -> Option<&'a str> {
    match (is_wildcard(a), is_wildcard(b)) {
        (false, false) => (a == b).then_some(a),
        (false, true) => suffixes(a).any(|s| s == wildcard_suffix(b)).then_some(a),
        (true, false) => suffixes(b).any(|s| s == wildcard_suffix(a)).then_some(b),
        (true, true) => {
            let (sa, sb) = (wildcard_suffix(a), wildcard_suffix(b));
            if sa.ends_with(sb) {
                Some(a)
            } else if sb.ends_with(sa) {
                Some(b)
            } else {
                None
            }
        }
    }
}

/// The effective hostnames of a route on a listener (spec 4.2).
///
/// `None`: the route does not attach to this listener. `Some(None)`: every
/// host. `Some(Some(list))`: exactly these hostnames, in route order,
/// without duplicates.
pub(super) fn effective(listener: Option<&str>, route: &[String]) -> Option<Option<Vec<String>>> {
    match (listener, route.is_empty()) {
        (None, true) => Some(None),
        (None, false) => Some(Some(dedup(route.iter().map(String::as_str)))),
        (Some(l), true) => Some(Some(vec![l.to_owned()])),
        (Some(l), false) => {
            let hits = dedup(route.iter().filter_map(|h| intersect(l, h)));
            if hits.is_empty() {
                None
            } else {
                Some(Some(hits))
            }
        }
    }
}

/// Route hostname lists up to this length are deduplicated by a linear scan
/// (no hashing); longer ones by a set.
const LINEAR_DEDUP: usize = 16;

fn dedup<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut kept: Vec<&'a str> = Vec::new();
    let mut set: Option<HashSet<&'a str>> = None;
    for n in names {
        let fresh = match &mut set {
            Some(set) => set.insert(n),
            None if kept.len() < LINEAR_DEDUP => !kept.contains(&n),
            None => {
                let mut s: HashSet<&'a str> = kept.iter().copied().collect();
                let fresh = s.insert(n);
                set = Some(s);
                fresh
            }
        };
        if fresh {
            kept.push(n);
        }
    }
    kept.into_iter().map(str::to_owned).collect()
}

/// A set of hostnames, each added on behalf of an owner (a route index),
/// that answers "which owner's hostname intersects `h`?" in time
/// proportional to the labels of `h`, whatever the size of the set. The first
/// owner to add a name is the one reported.
#[derive(Debug, Default)]
pub(super) struct HostSet {
    any: Option<usize>,
    first: Option<usize>,
    exact: HashMap<String, usize>,
    /// Suffixes of the wildcards in the set (`.example.com`).
    wildcards: HashMap<String, usize>,
    /// Every suffix of every member (see [`suffixes`]).
    all_suffixes: HashMap<String, usize>,
}

impl HostSet {
    /// Adds `owner`'s hostnames (`None`: every host).
    pub(super) fn insert(&mut self, owner: usize, hosts: Option<&[String]>) {
        self.first.get_or_insert(owner);
        let Some(hosts) = hosts else {
            self.any.get_or_insert(owner);
            return;
        };
        for h in hosts {
            if is_wildcard(h) {
                self.wildcards
                    .entry(wildcard_suffix(h).to_owned())
                    .or_insert(owner);
            } else {
                self.exact.entry(h.clone()).or_insert(owner);
            }
            for s in suffixes(h) {
                self.all_suffixes.entry(s.to_owned()).or_insert(owner);
            }
        }
    }

    /// An owner with a hostname intersecting one of `hosts` (`None`: every
    /// host), if any.
    pub(super) fn intersecting(&self, hosts: Option<&[String]>) -> Option<usize> {
        let first = self.first?;
        if let Some(o) = self.any {
            return Some(o);
        }
        let Some(hosts) = hosts else {
            return Some(first);
        };
        hosts.iter().find_map(|h| {
            let wider = suffixes(h).find_map(|s| self.wildcards.get(s).copied());
            if is_wildcard(h) {
                wider.or_else(|| self.all_suffixes.get(wildcard_suffix(h)).copied())
            } else {
                wider.or_else(|| self.exact.get(h).copied())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn exact_intersects_a_wildcard_only_with_an_extra_label() {
        assert_eq!(
            intersect("foo.example.com", "*.example.com"),
            Some("foo.example.com")
        );
        assert_eq!(
            intersect("a.b.example.com", "*.example.com"),
            Some("a.b.example.com")
        );
        assert_eq!(intersect("example.com", "*.example.com"), None);
        assert_eq!(intersect("fooexample.com", "*.example.com"), None);
    }

    #[test]
    fn two_wildcards_intersect_as_the_narrower() {
        assert_eq!(
            intersect("*.example.com", "*.foo.example.com"),
            Some("*.foo.example.com")
        );
        assert_eq!(intersect("*.com", "*.example.com"), Some("*.example.com"));
        assert_eq!(intersect("*.example.com", "*.example.org"), None);
    }

    #[test]
    fn effective_hostnames_follow_the_four_rules() {
        assert_eq!(effective(None, &[]), Some(None));
        assert_eq!(effective(None, &v(&["a.com"])), Some(Some(v(&["a.com"]))));
        assert_eq!(effective(Some("l.com"), &[]), Some(Some(v(&["l.com"]))));
        assert_eq!(
            effective(
                Some("*.wildcard.io"),
                &v(&["wildcard.io", "foo.wildcard.io", "foo.bar.wildcard.io"])
            ),
            Some(Some(v(&["foo.wildcard.io", "foo.bar.wildcard.io"])))
        );
        assert_eq!(
            effective(Some("very.specific.com"), &v(&["*.specific.com"])),
            Some(Some(v(&["very.specific.com"])))
        );
        assert_eq!(effective(Some("a.com"), &v(&["b.com"])), None);
    }

    #[test]
    fn host_set_answers_intersection_like_pairwise_checks() {
        let names = [
            "a.example.com",
            "*.example.com",
            "*.a.example.com",
            "example.com",
            "*.com",
            "b.example.org",
            "*.org",
        ];
        for x in names {
            for y in names {
                let mut set = HostSet::default();
                set.insert(7, Some(&v(&[x])));
                let want = intersect(x, y).is_some().then_some(7);
                assert_eq!(set.intersecting(Some(&v(&[y]))), want, "{x} vs {y}");
            }
        }
        let mut any = HostSet::default();
        assert_eq!(any.intersecting(None), None);
        any.insert(1, None);
        any.insert(2, Some(&v(&["x.y"])));
        assert_eq!(any.intersecting(Some(&v(&["x.y"]))), Some(1));
    }
}
