//! Request host normalisation and Gateway API hostname matching.
//!
//! A request host (from `Host`, the `:authority` pseudo-header or the
//! authority of an absolute-form target) is normalised once by
//! [`normalize_host`] and then compared with listener and route hostnames by
//! [`host_matches`]. [`intersect`] computes the effective hostname of a route
//! on a listener (spec section 4.2).
//!
//! # What host normalisation does
//!
//! 1. **Empty is an error** ([`HostError::Empty`]): HTTP/1.1 requires a
//!    `Host`, and an empty one names no listener hostname. A request without
//!    any host should be refused before routing.
//! 2. **The port is stripped.** `example.com:8080` becomes `example.com`. The
//!    port must be decimal digits no greater than 65535. An empty port
//!    (`example.com:`) is allowed, as RFC 3986 allows it. Listener selection
//!    by port uses the port the connection arrived on, not this one.
//! 3. **IPv6 literals keep their brackets.** `[::1]:8080` becomes `[::1]`. The
//!    text between the brackets must be a valid IPv6 address. Zone
//!    identifiers and `IPvFuture` are rejected ([`HostError::InvalidIpv6`]).
//!    The address is lower-cased, not otherwise rewritten (`[0:0::1]` stays
//!    as it is). No Gateway API hostname contains `:`, so an IPv6 literal
//!    only matches listeners and routes without hostnames.
//! 4. **One trailing dot is stripped.** `example.com.` (the fully qualified
//!    form) becomes `example.com`. A second trailing dot leaves an empty label,
//!    which is an error.
//! 5. **ASCII is lower-cased.** Hostnames are case-insensitive, and Gateway API
//!    hostnames are lower-case by schema.
//! 6. **Characters are checked.** A name may contain ASCII letters, digits,
//!    `-`, `_` and `.`. Underscores are not valid in Gateway API hostnames,
//!    but real hosts use them, so such a host can still select a listener that
//!    has no hostname. Everything else is rejected
//!    ([`HostError::InvalidCharacter`]): `*` (a request host is never a
//!    pattern), `%` (percent-encoded hosts are not used in practice), `@`,
//!    `/`, whitespace, NUL and non-ASCII (an internationalised name must
//!    arrive in its `xn--` form). Empty labels (`a..b`, `.a`) are errors, and
//!    the name may be at most 253 bytes. Label lengths and hyphen placement
//!    are not checked.
//!
//! IPv4 literals are ordinary names here: `10.0.0.1:80` becomes `10.0.0.1`,
//! which matches a route hostname `10.0.0.1` (spec section 4.2).
//!
//! # Allocation
//!
//! Stripping a port or a trailing dot returns a [`Cow::Borrowed`] sub-slice of
//! the input. Only a host with upper-case letters is copied.
//!
//! # Wildcards
//!
//! A Gateway API hostname is either exact (`foo.example.com`) or a wildcard
//! with one leading `*.` label (`*.example.com`). A wildcard matches hosts with
//! one *or more* labels in place of the `*` (`a.example.com`,
//! `a.b.example.com`), but never the bare parent `example.com`. A bare `*` is
//! not a wildcard (the schema rejects it; "any host" is written by leaving the
//! hostname out).

use std::borrow::Cow;
use std::net::Ipv6Addr;

/// The longest host name accepted, in bytes, after normalisation (the DNS
/// limit, which is also the Gateway API `Hostname` limit).
pub const MAX_HOST_LEN: usize = 253;

/// Why a request host could not be normalised.
///
/// A request whose host fails normalisation matches no listener hostname; the
/// recommended answer is `400 Bad Request`. Offsets are byte offsets into the
/// raw host.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// The host is empty, or only a port or a dot.
    #[error("host is empty; send a host name in the Host header")]
    Empty,
    /// The host contains a character that is not allowed in a host name.
    #[error(
        "invalid character {ch:?} in host at byte {offset}; only ASCII letters, digits, '-', '_' and '.' are allowed"
    )]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Offset of the character.
        offset: usize,
    },
    /// The host has an empty label (`a..b`, a leading dot, or two trailing
    /// dots).
    #[error("empty label in host at byte {offset}; remove the extra '.'")]
    EmptyLabel {
        /// Offset where the empty label starts.
        offset: usize,
    },
    /// The port after `:` is not a decimal number up to 65535.
    #[error("invalid port in host at byte {offset}; a port is decimal digits up to 65535")]
    InvalidPort {
        /// Offset of the `:` before the port.
        offset: usize,
    },
    /// A bracketed literal is not a valid IPv6 address, or the brackets are
    /// unbalanced.
    #[error("invalid IPv6 literal in host; write it as `[addr]` or `[addr]:port`, without a zone")]
    InvalidIpv6,
    /// The host name is longer than [`MAX_HOST_LEN`] bytes.
    #[error("host is {len} bytes long; the limit is 253")]
    TooLong {
        /// Length of the name after the port and trailing dot were stripped.
        len: usize,
    },
}

/// Normalises a request host for matching, as described in the
/// [module docs](self).
///
/// Returns [`Cow::Borrowed`] (a sub-slice of `raw`) unless upper-case letters
/// had to be lower-cased.
///
/// # Errors
///
/// Returns a [`HostError`] when the host is empty, has an invalid character,
/// an empty label, an invalid port or IPv6 literal, or is too long.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use gateway_match::host::{normalize_host, HostError};
///
/// assert_eq!(normalize_host("Foo.Example.COM.:8080")?, "foo.example.com");
/// assert_eq!(normalize_host("[::1]:8080")?, "[::1]");
/// assert_eq!(normalize_host(":8080"), Err(HostError::Empty));
///
/// // Already lower-case: borrowed, even when the port is stripped.
/// assert!(matches!(normalize_host("example.com:443")?, Cow::Borrowed("example.com")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn normalize_host(raw: &str) -> Result<Cow<'_, str>, HostError> {
    let name = if raw.starts_with('[') {
        ipv6_literal(raw)?
    } else {
        reg_name(raw)?
    };
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Ok(Cow::Owned(name.to_ascii_lowercase()))
    } else {
        Ok(Cow::Borrowed(name))
    }
}

/// `[v6]` or `[v6]:port`: returns `[v6]`.
fn ipv6_literal(raw: &str) -> Result<&str, HostError> {
    let close = raw.find(']').ok_or(HostError::InvalidIpv6)?;
    let (literal, rest) = raw.split_at(close + 1);
    check_port(rest, close + 1)?;
    let inner = &literal[1..close];
    // `Ipv6Addr` accepts exactly the RFC 4291 text forms (including an
    // embedded IPv4 tail), and no zone identifier.
    if inner.parse::<Ipv6Addr>().is_err() {
        return Err(HostError::InvalidIpv6);
    }
    Ok(literal)
}

/// A registered name or IPv4 literal, with an optional port and trailing dot.
fn reg_name(raw: &str) -> Result<&str, HostError> {
    let (name, port) = match raw.find(':') {
        Some(colon) => raw.split_at(colon),
        None => (raw, ""),
    };
    check_port(port, name.len())?;
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return Err(HostError::Empty);
    }
    if name.len() > MAX_HOST_LEN {
        return Err(HostError::TooLong { len: name.len() });
    }
    let mut label_start = 0;
    for (offset, ch) in name.char_indices() {
        match ch {
            '.' => {
                if offset == label_start {
                    return Err(HostError::EmptyLabel { offset });
                }
                label_start = offset + 1;
            }
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => {}
            _ => return Err(HostError::InvalidCharacter { ch, offset }),
        }
    }
    if label_start == name.len() {
        // Only reachable with two trailing dots: one was stripped above.
        return Err(HostError::EmptyLabel {
            offset: label_start,
        });
    }
    Ok(name)
}

/// Checks `rest`, which is empty or `:` followed by the port. `offset` is
/// where `rest` starts in the raw host.
fn check_port(rest: &str, offset: usize) -> Result<(), HostError> {
    let Some(port) = rest.strip_prefix(':') else {
        return match rest.chars().next() {
            None => Ok(()),
            Some(ch) => Err(HostError::InvalidCharacter { ch, offset }),
        };
    };
    let valid = port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().map_or(port.is_empty(), |n| n <= 65535);
    if valid {
        Ok(())
    } else {
        Err(HostError::InvalidPort { offset })
    }
}

/// Reports whether a request host matches a Gateway API hostname: exactly, or
/// through a leading `*.` wildcard label.
///
/// The comparison ignores ASCII case. A wildcard `*.example.com` matches any
/// host that ends in `.example.com` and has at least one non-empty label in
/// front of it, never `example.com` itself. `host` should come from
/// [`normalize_host`]. To compare two hostnames that may both be wildcards, use
/// [`intersect`].
///
/// # Examples
///
/// ```
/// use gateway_match::host::host_matches;
///
/// assert!(host_matches("foo.example.com", "FOO.example.com"));
/// assert!(host_matches("*.example.com", "a.example.com"));
/// assert!(host_matches("*.example.com", "a.b.example.com"));
/// assert!(!host_matches("*.example.com", "example.com"));
/// assert!(!host_matches("*.example.com", "badexample.com"));
/// ```
#[must_use]
pub fn host_matches(pattern: &str, host: &str) -> bool {
    match wildcard_suffix(pattern) {
        None => pattern.eq_ignore_ascii_case(host),
        Some(suffix) => {
            let Some(front) = host.len().checked_sub(suffix.len()) else {
                return false;
            };
            let (labels, tail) = host.as_bytes().split_at(front);
            tail.eq_ignore_ascii_case(suffix.as_bytes())
                && labels.first().is_some_and(|&b| b != b'.')
                && labels.last().is_some_and(|&b| b != b'.')
        }
    }
}

/// The effective hostname of a route hostname on a listener (spec section
/// 4.2): the more specific of the two when they intersect, or `None`.
///
/// `listener` is the listener's `hostname` (`None` when absent, meaning any
/// host) and `route` one entry of the route's `hostnames`. Both should be
/// schema-valid Gateway API hostnames; case is ignored. The cases are:
///
/// - no listener hostname: the route hostname;
/// - both exact: the hostname when they are equal;
/// - one exact, one wildcard: the exact one when the wildcard matches it (see
///   [`host_matches`]);
/// - both wildcards: the one with the longer suffix when one suffix ends
///   with the other (`*.foo.example.com` and `*.example.com` give
///   `*.foo.example.com`).
///
/// A route with no `hostnames` takes the listener hostname (or "any" when that
/// is absent too) without calling this function. A route whose hostnames all
/// give `None` does not attach to the listener.
///
/// # Examples
///
/// ```
/// use gateway_match::host::intersect;
///
/// assert_eq!(intersect(Some("very.specific.com"), "*.specific.com"), Some("very.specific.com"));
/// assert_eq!(intersect(Some("*.wildcard.io"), "foo.wildcard.io"), Some("foo.wildcard.io"));
/// assert_eq!(intersect(Some("*.wildcard.io"), "wildcard.io"), None);
/// assert_eq!(intersect(Some("*.example.com"), "*.foo.example.com"), Some("*.foo.example.com"));
/// assert_eq!(intersect(None, "*.example.com"), Some("*.example.com"));
/// ```
#[must_use]
pub fn intersect<'a>(listener: Option<&'a str>, route: &'a str) -> Option<&'a str> {
    let Some(listener) = listener else {
        return Some(route);
    };
    match (wildcard_suffix(listener), wildcard_suffix(route)) {
        (None, None) => listener.eq_ignore_ascii_case(route).then_some(route),
        (None, Some(_)) => host_matches(route, listener).then_some(listener),
        (Some(_), None) => host_matches(listener, route).then_some(route),
        (Some(on_listener), Some(on_route)) => {
            if ends_with_ignore_case(on_listener, on_route) {
                Some(listener)
            } else if ends_with_ignore_case(on_route, on_listener) {
                Some(route)
            } else {
                None
            }
        }
    }
}

/// `.example.com` for `*.example.com`; `None` for an exact hostname.
fn wildcard_suffix(pattern: &str) -> Option<&str> {
    pattern.strip_prefix('*').filter(|s| s.starts_with('.'))
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len()
        .checked_sub(suffix.len())
        .is_some_and(|start| s.as_bytes()[start..].eq_ignore_ascii_case(suffix.as_bytes()))
}

#[cfg(test)]
mod tests;
