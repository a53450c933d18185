//! Regular expressions: checked when the router is built, compiled on first
//! use.
//!
//! Every pattern (a `RegularExpression` path, header, query parameter or
//! gRPC service/method value) must match the whole value: it is compiled as
//! `^(?:pattern)$`, after checking that the pattern parses on its own, so a
//! value such as `a)|(b` cannot escape the group.
//!
//! Building a full `regex::Regex` costs tens of microseconds and several
//! kilobytes; a router with thousands of patterns would spend most of its
//! build there, for patterns many requests never reach. So the build only
//! parses the pattern and compiles its Thompson NFA with the configured size
//! limit (the limit `regex` itself applies), which catches every syntax error
//! and every pattern that is too big, and reports them with the rule they
//! came from. The matcher is compiled once, on first use, behind a
//! `OnceLock` (or at build time with
//! [`Config::eager_regex`](crate::Config::eager_regex)).

use std::sync::OnceLock;

use regex_automata::nfa::thompson;
use regex_syntax::hir::{Hir, Look};

use crate::error::BuildErrorKind;

/// What a pattern is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Haystack {
    /// A `&str` (paths, gRPC service and method names).
    Text,
    /// Raw bytes (header values, decoded query values).
    Bytes,
}

#[derive(Debug)]
enum Compiled {
    Text(regex::Regex),
    Bytes(regex::bytes::Regex),
}

/// A checked pattern and its lazily compiled matcher.
#[derive(Debug)]
pub(crate) struct Pattern {
    source: Box<str>,
    haystack: Haystack,
    /// A literal every match starts with (for path patterns), used to skip
    /// the regex when the path cannot match.
    literal: Box<str>,
    size_limit: usize,
    compiled: OnceLock<Option<Compiled>>,
}

impl Pattern {
    /// Checks `source` and returns the pattern, not yet compiled.
    pub(crate) fn new(
        source: &str,
        haystack: Haystack,
        size_limit: usize,
    ) -> Result<Self, BuildErrorKind> {
        check(source, haystack, size_limit)?;
        Ok(Self {
            source: source.into(),
            haystack,
            literal: literal_prefix(source).into(),
            size_limit,
            compiled: OnceLock::new(),
        })
    }

    /// A literal prefix of every string the pattern matches (may be empty).
    pub(crate) fn literal(&self) -> &str {
        &self.literal
    }

    /// Compiles the matcher now, if it has not been.
    pub(crate) fn compile(&self) {
        let _ = self.compiled();
    }

    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| {
                let anchored = format!("^(?:{})$", self.source);
                match self.haystack {
                    Haystack::Text => regex::RegexBuilder::new(&anchored)
                        .size_limit(self.size_limit)
                        .dfa_size_limit(self.size_limit)
                        .build()
                        .ok()
                        .map(Compiled::Text),
                    Haystack::Bytes => regex::bytes::RegexBuilder::new(&anchored)
                        .size_limit(self.size_limit)
                        .dfa_size_limit(self.size_limit)
                        .build()
                        .ok()
                        .map(Compiled::Bytes),
                }
            })
            .as_ref()
    }

    /// Whether the pattern matches all of `text`.
    #[inline]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        if !text.starts_with(&*self.literal) {
            return false;
        }
        match self.compiled() {
            Some(Compiled::Text(re)) => re.is_match(text),
            Some(Compiled::Bytes(re)) => re.is_match(text.as_bytes()),
            // Checked at build time; a pattern `regex` still refuses never
            // matches rather than failing the request.
            None => false,
        }
    }

    /// Whether the pattern matches all of `bytes`.
    #[inline]
    pub(crate) fn is_match_bytes(&self, bytes: &[u8]) -> bool {
        if !bytes.starts_with(self.literal.as_bytes()) {
            return false;
        }
        match self.compiled() {
            Some(Compiled::Bytes(re)) => re.is_match(bytes),
            Some(Compiled::Text(re)) => std::str::from_utf8(bytes).is_ok_and(|t| re.is_match(t)),
            None => false,
        }
    }
}

/// Parses `source` on its own, then compiles the NFA of `^(?:source)$` with
/// `size_limit`, as `regex` does.
fn check(source: &str, haystack: Haystack, size_limit: usize) -> Result<(), BuildErrorKind> {
    if surely_valid(source) && surely_small(source, size_limit) {
        return Ok(());
    }
    let mut parser = regex_syntax::ParserBuilder::new()
        .utf8(haystack == Haystack::Text)
        .build();
    let hir = parser
        .parse(source)
        .map_err(|e| BuildErrorKind::InvalidRegex(one_line(&e.to_string())))?;
    if surely_small(source, size_limit) {
        return Ok(());
    }
    let anchored = Hir::concat(vec![Hir::look(Look::Start), hir, Hir::look(Look::End)]);
    let config = thompson::Config::new()
        .nfa_size_limit(Some(size_limit))
        .utf8(haystack == Haystack::Text)
        .shrink(false);
    match thompson::Compiler::new()
        .configure(config)
        .build_from_hir(&anchored)
    {
        Ok(_) => Ok(()),
        Err(e) => match e.size_limit() {
            Some(limit) => Err(BuildErrorKind::RegexTooBig { limit }),
            None => Err(BuildErrorKind::InvalidRegex(one_line(&e.to_string()))),
        },
    }
}

/// Whether `source` is in a small subset of the regex syntax that always
/// parses, so the full parse (tens of thousands of instructions, most of a
/// build with many patterns) can be skipped: ASCII literals other than
/// metacharacters, `.`, bracket classes of ASCII letters, digits, `_`, `.`,
/// `/` and increasing ranges of letters or digits (optionally negated with
/// `^`), each atom optionally followed by one `?`, `*` or `+`. Anything
/// else answers `false` and goes through the parser.
fn surely_valid(source: &str) -> bool {
    let bytes = source.as_bytes();
    let mut i = 0;
    // Whether the last item is an atom a quantifier may follow.
    let mut atom = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'?' | b'*' | b'+' => {
                if !atom {
                    return false;
                }
                atom = false;
                i += 1;
            }
            b'[' => match class_end(bytes, i + 1) {
                Some(end) => {
                    atom = true;
                    i = end;
                }
                None => return false,
            },
            b'.' => {
                atom = true;
                i += 1;
            }
            b'\\' | b'(' | b')' | b'|' | b']' | b'{' | b'}' | b'^' | b'$' | b'#' => return false,
            b if b.is_ascii_graphic() => {
                atom = true;
                i += 1;
            }
            _ => return false,
        }
    }
    true
}

/// Where a bracket class whose items start at `start` ends (the index after
/// its `]`), when it is in the subset of [`surely_valid`].
fn class_end(bytes: &[u8], start: usize) -> Option<usize> {
    let item = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/');
    let mut i = start;
    if bytes.get(i) == Some(&b'^') {
        i += 1;
    }
    let first = i;
    loop {
        let b = *bytes.get(i)?;
        if b == b']' {
            return (i > first).then_some(i + 1);
        }
        if !item(b) {
            return None;
        }
        if bytes.get(i + 1) == Some(&b'-') {
            let end = *bytes.get(i + 2)?;
            let same_kind = (b.is_ascii_digit() && end.is_ascii_digit())
                || (b.is_ascii_lowercase() && end.is_ascii_lowercase())
                || (b.is_ascii_uppercase() && end.is_ascii_uppercase());
            if !same_kind || end < b {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
}

/// A bound on the NFA bytes one byte of a pattern can compile to, when the
/// pattern has no counted repetition and no Unicode class escape: the
/// largest such piece is a single any-character class (`.`, `[^x]`), whose
/// UTF-8 automaton takes well under a kilobyte.
const NFA_BYTES_PER_PATTERN_BYTE: usize = 4096;

/// The fixed part of an NFA's size (byte classes, start states, tables).
const NFA_BASE_BYTES: usize = 16 << 10;

/// Whether the NFA of `source` surely fits in `limit` bytes, so that
/// compiling it to find out can be skipped. Only counted repetition (`{n}`,
/// which copies its operand) and Unicode classes (`\w`, `\d`, `\s`, `\p{..}`
/// and their negations, thousands of ranges) grow faster than the pattern;
/// without them the NFA is at most [`NFA_BYTES_PER_PATTERN_BYTE`] per byte.
fn surely_small(source: &str, limit: usize) -> bool {
    source
        .len()
        .saturating_mul(NFA_BYTES_PER_PATTERN_BYTE)
        .saturating_add(NFA_BASE_BYTES)
        <= limit
        && !source.contains('{')
        && !source.as_bytes().windows(2).any(|w| {
            w[0] == b'\\' && matches!(w[1], b'w' | b'W' | b'd' | b'D' | b's' | b'S' | b'p' | b'P')
        })
}

/// The last non-empty line of a multi-line `regex-syntax` message (the
/// others draw the pattern with a caret under the error).
fn one_line(message: &str) -> String {
    message
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map_or_else(
            || message.lines().last().unwrap_or(message).trim().to_owned(),
            |l| l.trim_start_matches("error:").trim().to_owned(),
        )
}

/// A literal that starts every match of `pattern` (matched from its start):
/// the characters before the first metacharacter, minus the last one when a
/// quantifier follows it. Empty when the pattern has an alternation anywhere
/// (it could be at the top level).
pub(crate) fn literal_prefix(pattern: &str) -> &str {
    if pattern.contains('|') {
        return "";
    }
    let mut end = 0;
    let mut prev = 0;
    for (i, ch) in pattern.char_indices() {
        match ch {
            '?' | '*' | '+' | '{' => return &pattern[..prev],
            '\\' | '.' | '(' | ')' | '[' | ']' | '}' | '^' | '$' | '#' => return &pattern[..i],
            c if c.is_whitespace() => return &pattern[..i],
            _ => {
                prev = i;
                end = i + ch.len_utf8();
            }
        }
    }
    &pattern[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_prefix_stops_at_metacharacters() {
        assert_eq!(literal_prefix("/api/v[0-9]+"), "/api/v");
        assert_eq!(literal_prefix("/api/v1?"), "/api/v");
        assert_eq!(literal_prefix("/a/b*"), "/a/");
        assert_eq!(literal_prefix("/a/b"), "/a/b");
        assert_eq!(literal_prefix("/a|/b"), "");
        assert_eq!(literal_prefix("(?i)/a"), "");
        assert_eq!(literal_prefix("/a\\.b"), "/a");
        assert_eq!(literal_prefix("/é{2}"), "/");
        assert_eq!(literal_prefix(".*"), "");
    }

    #[test]
    fn patterns_match_the_whole_value() {
        let p = Pattern::new("/a/[0-9]+", Haystack::Text, 1 << 20).unwrap();
        assert!(p.is_match("/a/12"));
        assert!(!p.is_match("/a/12/x"));
        assert!(!p.is_match("/b/a/12"));
        let p = Pattern::new("v[12]", Haystack::Bytes, 1 << 20).unwrap();
        assert!(p.is_match_bytes(b"v1"));
        assert!(!p.is_match_bytes(b"xv1"));
    }

    #[test]
    fn a_pattern_cannot_escape_its_group() {
        assert!(matches!(
            Pattern::new("a)|(b", Haystack::Text, 1 << 20),
            Err(BuildErrorKind::InvalidRegex(_))
        ));
    }

    #[test]
    fn the_size_shortcut_is_conservative() {
        // Every pattern the shortcut lets through compiles within the limit.
        for p in [
            ".",
            "[^a]",
            "(?s).",
            "(?i)[a-z]k",
            "/a/.*/b[^/]+",
            "(a|b)*c?",
            r"\bx",
        ] {
            let limit = NFA_BASE_BYTES + p.len() * NFA_BYTES_PER_PATTERN_BYTE;
            assert!(surely_small(p, limit), "{p}");
            let hir = regex_syntax::parse(p).unwrap();
            let nfa = thompson::Compiler::new()
                .configure(
                    thompson::Config::new()
                        .nfa_size_limit(Some(limit))
                        .shrink(false),
                )
                .build_from_hir(&Hir::concat(vec![
                    Hir::look(Look::Start),
                    hir,
                    Hir::look(Look::End),
                ]));
            assert!(nfa.is_ok(), "{p}: {nfa:?}");
        }
        for p in ["a{3}", r"\w+", r"\pL", r"\D"] {
            assert!(!surely_small(p, 1 << 30), "{p}");
        }
    }

    #[test]
    fn the_syntax_shortcut_only_takes_valid_patterns() {
        for p in [
            "/svc1/items/[0-9]+",
            "/a/[^/]+/b",
            "v[12]",
            "/x.*",
            "[a-zA-Z_]+",
            "",
        ] {
            assert!(surely_valid(p), "{p}");
        }
        for p in [
            "a**",
            "*a",
            "[z-a]",
            "[]",
            "[^]",
            "[a",
            "a]",
            "(a)",
            r"\d",
            "a{2}",
            "[a-]",
            "[0-z]",
            "a|b",
            "[[:alpha:]]",
            "a\nb",
            "é",
        ] {
            assert!(!surely_valid(p), "{p}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_syntax_shortcut_agrees_with_the_parser(
            p in "[ab09/._^\\-\\[\\]?*+()|{}$#Z:~ ]{0,12}"
        ) {
            if surely_valid(&p) {
                for utf8 in [true, false] {
                    let parsed = regex_syntax::ParserBuilder::new().utf8(utf8).build().parse(&p);
                    proptest::prop_assert!(parsed.is_ok(), "{}: {:?}", p, parsed);
                }
            }
        }
    }

    #[test]
    fn oversized_patterns_are_refused_with_the_limit() {
        assert_eq!(
            Pattern::new("(a{100}){100}", Haystack::Text, 1000).map(|_| ()),
            Err(BuildErrorKind::RegexTooBig { limit: 1000 })
        );
    }

    #[test]
    fn syntax_errors_have_a_short_message() {
        let Err(BuildErrorKind::InvalidRegex(msg)) = Pattern::new("[a", Haystack::Text, 1 << 20)
        else {
            panic!("expected an error");
        };
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains("unclosed"), "{msg}");
    }
}
