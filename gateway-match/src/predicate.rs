//! Method, header and query parameter conditions of a match.
//!
//! - **Method**: the request method equals the match's, exactly.
//! - **Headers**: names compare without regard to case; values are compared
//!   byte for byte (`Exact`) or full-matched by a regular expression. When a
//!   match lists the same header name twice (in any case), only the first
//!   entry counts. A request header sent several times is compared as its
//!   values joined with `,` (RFC 9110 section 5.3); a missing header fails.
//! - **Query parameters**: names compare exactly (case-sensitive). The raw
//!   query is split on `&`, each pair at its first `=` (a pair without `=`
//!   has an empty value), and `%XX` escapes in names and values are decoded
//!   (`+` stays `+`; an invalid escape stays as written). The first pair with
//!   the name is compared; a missing parameter fails. When a match lists the
//!   same name twice, only the first entry counts.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, Method};

use crate::pattern::Pattern;

/// How a header or query value is compared.
#[derive(Debug)]
pub(crate) enum ValueMatch {
    Exact(Box<[u8]>),
    /// Index into the router's patterns.
    Regex(u32),
}

/// One header condition.
#[derive(Debug)]
pub(crate) struct HeaderPredicate {
    pub(crate) name: HeaderName,
    pub(crate) value: ValueMatch,
}

/// One query parameter condition.
#[derive(Debug)]
pub(crate) struct QueryPredicate {
    pub(crate) name: Box<str>,
    pub(crate) value: ValueMatch,
}

/// The conditions of a match besides its path (and, for gRPC, its method).
#[derive(Debug, Default)]
pub(crate) struct Predicates {
    pub(crate) method: Option<Method>,
    pub(crate) headers: Box<[HeaderPredicate]>,
    pub(crate) query: Box<[QueryPredicate]>,
}

impl Predicates {
    /// Whether there is nothing to check.
    pub(crate) fn is_empty(&self) -> bool {
        self.method.is_none() && self.headers.is_empty() && self.query.is_empty()
    }

    /// Whether the request satisfies every condition.
    #[inline]
    pub(crate) fn check(
        &self,
        method: &Method,
        headers: &HeaderMap,
        query: Option<&str>,
        patterns: &[Pattern],
    ) -> bool {
        if let Some(m) = &self.method
            && m != method
        {
            return false;
        }
        self.headers
            .iter()
            .all(|h| header_matches(h, headers, patterns))
            && self.query.iter().all(|q| query_matches(q, query, patterns))
    }
}

fn header_matches(pred: &HeaderPredicate, headers: &HeaderMap, patterns: &[Pattern]) -> bool {
    let mut values = headers.get_all(&pred.name).iter();
    let Some(first) = values.next() else {
        return false;
    };
    let Some(second) = values.next() else {
        return value_matches(&pred.value, first.as_bytes(), patterns);
    };
    // Repeated header: compare the values joined with ','.
    match &pred.value {
        ValueMatch::Exact(expected) => {
            let mut rest: &[u8] = expected;
            for (i, v) in [first, second].into_iter().chain(values).enumerate() {
                if i > 0 {
                    let Some(r) = rest.strip_prefix(b",") else {
                        return false;
                    };
                    rest = r;
                }
                let Some(r) = rest.strip_prefix(v.as_bytes()) else {
                    return false;
                };
                rest = r;
            }
            rest.is_empty()
        }
        ValueMatch::Regex(_) => {
            let mut joined = Vec::with_capacity(first.len() + second.len() + 1);
            for (i, v) in [first, second].into_iter().chain(values).enumerate() {
                if i > 0 {
                    joined.push(b',');
                }
                joined.extend_from_slice(v.as_bytes());
            }
            value_matches(&pred.value, &joined, patterns)
        }
    }
}

#[inline]
fn value_matches(value: &ValueMatch, actual: &[u8], patterns: &[Pattern]) -> bool {
    match value {
        ValueMatch::Exact(expected) => **expected == *actual,
        ValueMatch::Regex(id) => patterns
            .get(*id as usize)
            .is_some_and(|p| p.is_match_bytes(actual)),
    }
}

fn query_matches(pred: &QueryPredicate, query: Option<&str>, patterns: &[Pattern]) -> bool {
    let Some(value) = query_value(query, &pred.name) else {
        return false;
    };
    match &pred.value {
        ValueMatch::Exact(expected) => decoded_eq(value, expected),
        ValueMatch::Regex(_) => value_matches(&pred.value, &percent_decode(value), patterns),
    }
}

/// The raw value of the first pair named `name` (decoded comparison) in a
/// raw query string.
pub(crate) fn query_value<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter(|pair| !pair.is_empty())
        .find_map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            decoded_eq(n, name.as_bytes()).then_some(v)
        })
}

/// The value of a hex digit.
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Iterates over the bytes of `raw` with valid `%XX` escapes decoded.
fn decoded(raw: &str) -> impl Iterator<Item = u8> + '_ {
    let bytes = raw.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *bytes.get(i)?;
        if b == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            i += 3;
            return Some(h << 4 | l);
        }
        i += 1;
        Some(b)
    })
}

/// Whether `raw`, percent-decoded, equals `expected`, without allocating.
fn decoded_eq(raw: &str, expected: &[u8]) -> bool {
    if !raw.contains('%') {
        return raw.as_bytes() == expected;
    }
    decoded(raw).eq(expected.iter().copied())
}

/// `raw` percent-decoded (borrowed when it has no `%`).
pub(crate) fn percent_decode(raw: &str) -> Cow<'_, [u8]> {
    if raw.contains('%') {
        Cow::Owned(decoded(raw).collect())
    } else {
        Cow::Borrowed(raw.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn exact(name: &str, value: &str) -> HeaderPredicate {
        HeaderPredicate {
            name: HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value: ValueMatch::Exact(value.as_bytes().into()),
        }
    }

    #[test]
    fn repeated_request_headers_compare_joined_with_commas() {
        let mut headers = HeaderMap::new();
        headers.append("x-a", HeaderValue::from_static("1"));
        headers.append("x-a", HeaderValue::from_static("2"));
        assert!(header_matches(&exact("x-a", "1,2"), &headers, &[]));
        assert!(!header_matches(&exact("x-a", "1"), &headers, &[]));
        assert!(!header_matches(&exact("x-a", "1,2,"), &headers, &[]));
        assert!(!header_matches(&exact("x-b", ""), &headers, &[]));
    }

    #[test]
    fn query_values_are_percent_decoded_and_first_pair_wins() {
        assert_eq!(query_value(Some("a=1&b=2&a=3"), "a"), Some("1"));
        assert_eq!(query_value(Some("a%3D=x"), "a="), Some("x"));
        assert_eq!(query_value(Some("flag&b=2"), "flag"), Some(""));
        assert_eq!(query_value(Some("&&b=2"), "a"), None);
        assert!(decoded_eq("caf%C3%A9", "café".as_bytes()));
        assert!(decoded_eq("100%", b"100%"));
        assert!(decoded_eq("a+b", b"a+b"));
        assert_eq!(&*percent_decode("%41%zz"), b"A%zz");
    }
}
