//! The string formats of the CRDs (spec 2.2), IP address text (2.3) and
//! Gateway API durations (P14), compiled once.
//!
//! Every regular expression is the CRD's own, reproduced literally. The CRDs
//! are evaluated by Go's RE2 with *unanchored search* semantics: only the
//! anchors written in a pattern apply (P5 and P9 have alternatives that are
//! anchored on one side only, and are matched exactly like that here). The
//! `regex` crate implements the same RE2 syntax and leftmost-first search.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;

/// A named CRD pattern: the rule id a mismatch reports, what the pattern
/// describes (for messages), its source text and the compiled regex.
#[derive(Debug)]
pub(crate) struct Pattern {
    /// The rule id of a mismatch, `schema.pattern.<name>`.
    pub(crate) rule: &'static str,
    /// What a matching value is, in a few words, for messages.
    pub(crate) what: &'static str,
    /// The regular expression, exactly as in the CRD.
    #[cfg_attr(not(test), allow(dead_code))] // read by the tests
    pub(crate) source: &'static str,
    regex: LazyLock<Regex>,
    /// A hand-written matcher that decides exactly as the regex does, for
    /// the patterns that admission checks on nearly every object (the
    /// regex search costs several hundred instructions per value).
    fast: Option<fn(&str) -> bool>,
}

impl Pattern {
    /// Whether `value` matches (unanchored search, as RE2's `MatchString`).
    pub(crate) fn is_match(&self, value: &str) -> bool {
        match self.fast {
            Some(fast) => fast(value),
            None => self.regex.is_match(value),
        }
    }

    /// Whether `value` matches, by the regex alone (tests compare the
    /// hand-written matchers with it).
    #[cfg(test)]
    pub(crate) fn regex_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

/// `[a-z0-9]`.
fn lower_alnum(b: &u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `^F([-W]*W)?$`: a word that starts with an `F` byte, goes on with `W`
/// bytes or dashes, and does not end with a dash.
fn is_dashed_word(s: &str, first: fn(&u8) -> bool, word: fn(&u8) -> bool) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(first)
        && b.last().is_some_and(word)
        && b.iter().all(|c| *c == b'-' || word(c))
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`: an RFC 1123 label (no length limit).
fn is_label(s: &str) -> bool {
    is_dashed_word(s, lower_alnum, lower_alnum)
}

/// `^L(\.L)*$` for labels `L` ([`is_label`]): an RFC 1123 subdomain.
fn is_subdomain(s: &str) -> bool {
    // One pass: `prev` starts as a dot, as every label starts after one.
    let mut prev = b'.';
    for &c in s.as_bytes() {
        let fits = match c {
            // A label ends in a letter or digit.
            b'.' => lower_alnum(&prev),
            // A label starts with a letter or digit.
            b'-' => prev != b'.',
            _ => lower_alnum(&c),
        };
        if !fits {
            return false;
        }
        prev = c;
    }
    lower_alnum(&prev)
}

/// P2: empty or a subdomain.
fn is_group(s: &str) -> bool {
    s.is_empty() || is_subdomain(s)
}

/// P7: a subdomain with an optional leading `*.` (a subdomain cannot start
/// with `*`, so only the stripped text can match when the prefix is there).
fn is_hostname(s: &str) -> bool {
    is_subdomain(s.strip_prefix("*.").unwrap_or(s))
}

/// P3: `^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`.
fn is_kind(s: &str) -> bool {
    is_dashed_word(s, u8::is_ascii_alphabetic, u8::is_ascii_alphanumeric)
}

/// P10: `^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$`.
fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
}

/// P12: `^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`.
fn is_path(s: &str) -> bool {
    let mut rest = s.as_bytes();
    if rest.is_empty() {
        return false;
    }
    while let Some((&c, tail)) = rest.split_first() {
        if c.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(&c) {
            rest = tail;
        } else if c == b'%'
            && let [h, l, after @ ..] = tail
            && h.is_ascii_hexdigit()
            && l.is_ascii_hexdigit()
        {
            rest = after;
        } else {
            return false;
        }
    }
    true
}

/// gRPC method: `^[A-Za-z_][A-Za-z_0-9]*$`.
fn is_grpc_method(s: &str) -> bool {
    let b = s.as_bytes();
    b.first()
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
        && b.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
}

/// Compiles a pattern of this module.
fn compile(source: &str) -> Regex {
    // Invariant: every source below is a literal that `every_pattern_compiles`
    // compiles in the tests, so this cannot fail at run time.
    #[allow(clippy::expect_used)] // see the invariant above
    Regex::new(source).expect("the CRD patterns are valid regular expressions")
}

macro_rules! patterns {
    ($( $(#[$m:meta])* $name:ident = ($rule:literal, $what:literal, $re:literal $(, $fast:ident)?); )+) => {
        $(
            $(#[$m])*
            pub(crate) static $name: Pattern = Pattern {
                rule: $rule,
                what: $what,
                source: $re,
                regex: LazyLock::new(|| compile($re)),
                fast: patterns!(@fast $($fast)?),
            };
        )+

        /// Every pattern, for tests and the rule catalogue.
        pub(crate) static ALL: &[&Pattern] = &[$(&$name),+];
    };
    (@fast) => { None };
    (@fast $fast:ident) => { Some($fast) };
}

patterns! {
    /// P1 GatewayController: `domain/path`.
    GATEWAY_CONTROLLER = ("schema.pattern.controller-name", "a controller name like `example.com/gateway-controller`",
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$");
    /// P2 Group: empty (the core group) or a lowercase DNS subdomain.
    GROUP = ("schema.pattern.group", "an API group: empty for the core group, or a lowercase DNS name",
        r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", is_group);
    /// P3 Kind.
    KIND = ("schema.pattern.kind", "a kind: a letter, then letters, digits or dashes",
        r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$", is_kind);
    /// P4 Namespace: an RFC 1123 label.
    NAMESPACE = ("schema.pattern.namespace", "a namespace: lowercase letters, digits and dashes, no dots",
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", is_label);
    /// P5 AddressType (alternatives deliberately ungrouped, as in the CRD).
    ADDRESS_TYPE = ("schema.pattern.address-type", "`IPAddress`, `Hostname`, `NamedAddress` or `domain/type`",
        r"^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$");
    /// P6 LabelValue.
    LABEL_VALUE = ("schema.pattern.label-value", "a label value: letters, digits, `-`, `_`, `.`, starting and ending alphanumeric",
        r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    /// P7 Hostname: lowercase DNS name with an optional leading `*.`.
    HOSTNAME = ("schema.pattern.hostname", "a lowercase hostname, optionally starting with `*.`",
        r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", is_hostname);
    /// P8 PreciseHostname / SectionName: lowercase DNS name, no wildcard.
    PRECISE_HOSTNAME = ("schema.pattern.precise-hostname", "a lowercase DNS name without wildcard",
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", is_subdomain);
    /// P9 ProtocolType (second alternative not start-anchored, as in the CRD).
    PROTOCOL = ("schema.pattern.protocol", "a protocol like `HTTPS`, or `domain/Name` with an alphanumeric name",
        r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$");
    /// P10 HeaderName: an RFC 7230 token.
    HEADER_NAME = ("schema.pattern.header-name", "a header name: letters, digits and ``!#$%&'*+-.^_`|~``",
        r"^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$", is_header_name);
    /// P11 CORS origin.
    CORS_ORIGIN = ("schema.pattern.cors-origin", "`*` or `http(s)://host[:port]` without path",
        r"(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)");
    /// P12 path characters (RFC 3986 pchar and `/`).
    PATH = ("schema.pattern.path", "a path of RFC 3986 characters, with `%` only in `%XX` escapes",
        r"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$", is_path);
    /// P13 header value (experimental channel only).
    HEADER_VALUE = ("schema.pattern.header-value", "printable ASCII words separated by single spaces or tabs",
        r"^[!-~]+([\t ]?[!-~]+)*$");
    /// P14 Duration (GEP-2257).
    DURATION = ("schema.pattern.duration", "a duration like `10s`, `1h30m` or `500ms` (1 to 4 parts, units h, m, s, ms)",
        r"^([0-9]{1,5}(h|m|s|ms)){1,4}$");
    /// P15 AbsoluteURI.
    ABSOLUTE_URI = ("schema.pattern.absolute-uri", "an absolute URI like `spiffe://example.org/service`",
        r"^(([^:/?#]+):)(//([^/?#]*))([^?#]*)(\?([^#]*))?(#(.*))?");
    /// P16 WellKnownCACertificates.
    WELL_KNOWN_CA = ("schema.pattern.well-known-ca", "`System` or `domain/name`",
        r"^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$");
    /// Label and annotation keys of `infrastructure` (CEL R5, R7).
    QUALIFIED_KEY = ("schema.pattern.qualified-key", "a key like `example.com/name` or `name`",
        r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$");
    /// gRPC service name (CEL R79, case-insensitive).
    GRPC_SERVICE = ("schema.pattern.grpc-service", "a dotted gRPC service name like `pkg.Service`",
        r"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$");
    /// gRPC method name (CEL R80).
    GRPC_METHOD = ("schema.pattern.grpc-method", "a gRPC method name like `GetUser`",
        r"^[A-Za-z_][A-Za-z_0-9]*$", is_grpc_method);
    /// An RFC 1123 subdomain as the TLSRoute hostname rules write it (CEL R82, R83).
    DNS1123_SUBDOMAIN = ("schema.pattern.dns1123-subdomain", "a lowercase DNS name",
        r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$", is_subdomain);
    /// An RFC 1123 label (XBackend port name).
    DNS1123_LABEL = ("schema.pattern.dns1123-label", "a lowercase DNS label of at most 63 characters",
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", is_label);
}

/// Length in Unicode code points, as OpenAPI `minLength`/`maxLength` count.
pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Kubernetes `format: ipv4` / `ipv6` (spec 2.3): dotted quad without
/// leading zeros, or RFC 4291 text (with `::` and an IPv4 tail), no zone,
/// brackets, port or prefix length.
pub(crate) fn is_ip(s: &str) -> bool {
    is_ipv4(s) || s.parse::<Ipv6Addr>().is_ok()
}

/// A dotted-quad IPv4 address without leading zeros.
pub(crate) fn is_ipv4(s: &str) -> bool {
    // The standard library already rejects leading zeros ("01.2.3.4").
    s.parse::<Ipv4Addr>().is_ok()
}

/// A Gateway API duration (P14) as milliseconds, or `None` when `s` does not
/// match the pattern. Components add up (`1h1h` is two hours).
pub(crate) fn duration_millis(s: &str) -> Option<u64> {
    if !DURATION.is_match(s) {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (number, after) = rest.split_at(digits);
        let n: u64 = number.parse().ok()?;
        let (unit_ms, after) = if let Some(a) = after.strip_prefix("ms") {
            (1, a)
        } else if let Some(a) = after.strip_prefix('h') {
            (3_600_000, a)
        } else if let Some(a) = after.strip_prefix('m') {
            (60_000, a)
        } else if let Some(a) = after.strip_prefix('s') {
            (1_000, a)
        } else {
            return None;
        };
        total = total.checked_add(n.checked_mul(unit_ms)?)?;
        rest = after;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for p in ALL {
            assert!(Regex::new(p.source).is_ok(), "{}", p.rule);
            let _ = p.is_match("");
        }
    }

    /// Every string of up to four characters over an alphabet that covers
    /// each character class of the patterns, and some realistic values.
    fn samples() -> Vec<String> {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', 'f', '-', '.', '*', '%', '/', '_', '`', ' ', ':', 'é', '#',
        ];
        let mut out = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for s in &layer {
                for c in ALPHABET {
                    let mut t = s.clone();
                    t.push(*c);
                    next.push(t);
                }
            }
            out.extend(next.iter().cloned());
            layer = next;
        }
        for s in [
            "example.com",
            "*.example.com",
            "*.",
            "*.*.a",
            "a..b",
            ".a",
            "a.",
            "foo-bar.baz-1.io",
            "gateway.networking.k8s.io",
            "HTTPRoute",
            "X-Header_Name!",
            "/api/v1/%2Fx%zz",
            "/a%2",
            "/a%2g",
            "/path/with spaces",
            "_GetUser9",
            "9Get",
            "a\nb",
            "ns\n",
        ] {
            out.push(s.to_owned());
        }
        out
    }

    #[test]
    fn hand_written_matchers_decide_exactly_as_the_crd_regexes() {
        let samples = samples();
        for p in ALL.iter().filter(|p| p.fast.is_some()) {
            for s in &samples {
                assert_eq!(p.is_match(s), p.regex_match(s), "{} on {s:?}", p.rule);
            }
        }
    }

    #[test]
    fn address_type_pattern_is_unanchored_like_the_crd() {
        assert!(ADDRESS_TYPE.is_match("IPAddress"));
        assert!(ADDRESS_TYPE.is_match("Hostnamefoo"));
        assert!(ADDRESS_TYPE.is_match("my IPAddress!"));
        assert!(ADDRESS_TYPE.is_match("example.com/custom"));
        assert!(!ADDRESS_TYPE.is_match("custom"));
    }

    #[test]
    fn protocol_pattern_second_alternative_is_not_start_anchored() {
        assert!(PROTOCOL.is_match("HTTPS"));
        assert!(PROTOCOL.is_match("http3"));
        assert!(PROTOCOL.is_match("example.com/myproto"));
        assert!(!PROTOCOL.is_match("example.com/my-proto"));
        assert!(PROTOCOL.is_match("x y.z/abc"));
    }

    #[test]
    fn durations_add_components() {
        assert_eq!(duration_millis("1h1h"), Some(7_200_000));
        assert_eq!(duration_millis("1m500ms"), Some(60_500));
        assert_eq!(duration_millis("0s"), Some(0));
        assert_eq!(duration_millis("1d"), None);
        assert_eq!(duration_millis("1.5s"), None);
        assert_eq!(duration_millis("1s2s3s4s5s"), None);
    }

    #[test]
    fn ip_text_follows_kubernetes_formats() {
        assert!(is_ip("10.0.0.1"));
        assert!(is_ip("::1"));
        assert!(is_ip("::ffff:10.0.0.1"));
        assert!(!is_ip("010.0.0.1"));
        assert!(!is_ip("fe80::1%eth0"));
        assert!(!is_ip("[::1]"));
        assert!(!is_ip("10.0.0.1/32"));
        assert!(!is_ip("10.0.0.1:80"));
    }
}
