//! Request path normalisation and the `PathPrefix` rule.
//!
//! Every request path is normalised once, before it is compared with any route,
//! by [`normalize_path`]. Route path values should go through the same function
//! when the router is built, so both sides use one canonical spelling. The
//! normalised path is the path that was matched, so a proxy should also forward
//! that path to the backend, not the raw one. The router and the backend then
//! agree on which resource was asked for: a request for `/public/../admin` is
//! routed as `/admin`, never as `/public/...`.
//!
//! # What normalisation does
//!
//! The input is the path of an origin-form request target, without the query.
//! The caller splits the query off at the first `?` (as `http::Uri::path` does).
//! The steps run in this order:
//!
//! 1. **Empty path.** `""` becomes `/`. RFC 9110 section 4.2.3 makes an empty
//!    path of an `http(s)` URI equivalent to `/`.
//! 2. **Asterisk form.** `*` (the target of `OPTIONS *`) names no resource, so
//!    no route can match it. It is rejected with [`PathError::AsteriskForm`]
//!    so the caller can answer it without routing.
//! 3. **Absolute paths only.** Any other path must start with `/`. Otherwise the
//!    result is [`PathError::NotAbsolute`] (this also catches an absolute-form
//!    URI passed by mistake).
//! 4. **Percent-escapes, one pass.** A `%` must be followed by two hex digits;
//!    `%zz`, `%4` and a `%` at the end are errors ([`PathError::InvalidEscape`]),
//!    because a lone `%` means different things to different backends.
//!    An escape of an *unreserved* character (RFC 3986: `A-Z a-z 0-9 - . _ ~`)
//!    is decoded (`%7E` to `~`, `%2e` to `.`); RFC 3986 section 6.2.2.2 says
//!    these spellings are equivalent. Every other escape is kept, with
//!    upper-case hex (`%2f` becomes `%2F`). Decoding happens exactly once:
//!    `%252e` stays `%252e` (the literal text `%2e`), never a dot.
//!    Multi-byte sequences are never decoded, so overlong UTF-8 such as
//!    `%C0%AE` stays `%C0%AE` and can never turn into `.` or `/`.
//! 5. **Encoded slashes are data.** `%2F` (and `%5C`, an encoded `\`) stay
//!    encoded and are not segment separators, as RFC 3986 requires:
//!    `/a%2Fb` is a single segment. Because some backends decode them before
//!    they resolve dot segments, [`NormalizeOptions::reject_escaped_slashes`]
//!    rejects them (and a raw `\`) instead.
//! 6. **NUL and control characters.** NUL, raw or as `%00`, is rejected
//!    ([`PathError::Nul`]). So are the raw control characters U+0001..U+001F
//!    and U+007F ([`PathError::ControlCharacter`]), which include CR and LF.
//!    Other escaped control characters (`%0A`) are kept encoded.
//! 7. **Query and fragment delimiters.** A raw `?` or `#` means the caller did
//!    not split the query off; it is an error ([`PathError::Delimiter`]) rather
//!    than a silent mismatch.
//! 8. **Other characters are percent-encoded.** Printable ASCII that may not
//!    appear raw in a path (space, `"`, `<`, `>`, `[`, `\`, `]`, `^`, `` ` ``,
//!    `{`, `|`, `}`) and every non-ASCII character are encoded as the
//!    upper-case `%XX` of their UTF-8 bytes, so `/café` and `/caf%c3%a9` both
//!    become `/caf%C3%A9`. Route values (which the schema limits to ASCII) can
//!    then match them.
//! 9. **Optional slash merging.** With [`NormalizeOptions::merge_slashes`]
//!    (off by default), each run of `/` becomes one `/`, before dot segments
//!    are resolved. Without it, `//` is an empty segment, as RFC 3986 says, and
//!    `..` removes that empty segment: `/public//../admin` is
//!    `/public/admin`. A backend that merges slashes *before* resolving dot
//!    segments (nginx does by default) reads the raw path as `/admin`. Either
//!    forward the normalised path, or turn merging on.
//! 10. **Dot segments are removed** as in RFC 3986 section 5.2.4, on the
//!     decoded path, so `%2e%2e` and `.%2E` count as `..`:
//!     `/a/%2e%2e/b` is `/b`. A `..` at the root stays at the root
//!     (`/../a` is `/a`). A final `.` or `..` leaves a trailing slash
//!     (`/a/b/..` is `/a/`), and a trailing slash is otherwise kept.
//!
//! Matching is case-sensitive, and normalisation never changes the case of
//! anything except the hex digits of an escape.
//!
//! # Normal form and allocation
//!
//! Normalisation is idempotent. A path is *normal* when normalising it changes
//! nothing. For a normal path, [`normalize_path`] returns
//! [`Cow::Borrowed`] of its input after a single scan, with no allocation. Only a
//! path that must change is copied. The empty path returns a borrowed static
//! `/`.
//!
//! # The `PathPrefix` rule
//!
//! [`segment_prefix_match`] implements Gateway API `PathPrefix` matching, element
//! by element. One trailing `/` of the prefix is ignored (the upstream API doc
//! says "When specified, a trailing `/` is ignored"), so prefix `/foo/` matches
//! `/foo` just as prefix `/foo` does.

use std::borrow::Cow;

/// Options for [`normalize_path`], built with by-value setters.
///
/// The default turns every option off: no slash merging, and escaped slashes
/// are kept as data.
///
/// # Examples
///
/// ```
/// use gateway_match::path::{normalize_path, NormalizeOptions};
///
/// let opts = NormalizeOptions::new().merge_slashes(true);
/// assert_eq!(normalize_path("/a//b", opts)?, "/a/b");
/// assert_eq!(normalize_path("/a//b", NormalizeOptions::new())?, "/a//b");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NormalizeOptions {
    merge_slashes: bool,
    reject_escaped_slashes: bool,
}

impl NormalizeOptions {
    /// Options with every setting off (the same as [`Default`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::path::NormalizeOptions;
    ///
    /// assert_eq!(NormalizeOptions::new(), NormalizeOptions::default());
    /// assert!(!NormalizeOptions::new().merges_slashes());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            merge_slashes: false,
            reject_escaped_slashes: false,
        }
    }

    /// Collapse every run of `/` into a single `/` before dot segments are
    /// removed. Default: `false`, so `//` is an empty segment, as RFC 3986
    /// says.
    ///
    /// Turn it on when backends merge slashes themselves and the raw path is
    /// forwarded, so the router sees the same path as the backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::path::{normalize_path, NormalizeOptions};
    ///
    /// let merge = NormalizeOptions::new().merge_slashes(true);
    /// assert_eq!(normalize_path("//public//../admin", merge)?, "/admin");
    /// let keep = NormalizeOptions::new();
    /// assert_eq!(normalize_path("//public//../admin", keep)?, "//public/admin");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn merge_slashes(mut self, yes: bool) -> Self {
        self.merge_slashes = yes;
        self
    }

    /// Reject paths that contain an escaped slash (`%2F`, `%5C`, in either
    /// case) or a raw `\`, with [`PathError::EscapedSlash`]. Default: `false`,
    /// so escaped slashes are kept as data.
    ///
    /// By default `/public/..%2Fadmin` is one segment under `/public`. A backend
    /// that decodes `%2F` (or treats `\` as a separator) before resolving dot
    /// segments reads `/admin`. Turn this on when backends may do that and the
    /// application does not need escaped slashes in paths.
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::path::{normalize_path, NormalizeOptions, PathError};
    ///
    /// let strict = NormalizeOptions::new().reject_escaped_slashes(true);
    /// assert!(matches!(
    ///     normalize_path("/public/..%2fadmin", strict),
    ///     Err(PathError::EscapedSlash { offset: 10 })
    /// ));
    /// let lenient = NormalizeOptions::new();
    /// assert_eq!(normalize_path("/public/..%2fadmin", lenient)?, "/public/..%2Fadmin");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn reject_escaped_slashes(mut self, yes: bool) -> Self {
        self.reject_escaped_slashes = yes;
        self
    }

    /// Whether [`merge_slashes`](Self::merge_slashes) is on.
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::path::NormalizeOptions;
    ///
    /// assert!(NormalizeOptions::new().merge_slashes(true).merges_slashes());
    /// ```
    #[must_use]
    pub const fn merges_slashes(&self) -> bool {
        self.merge_slashes
    }

    /// Whether [`reject_escaped_slashes`](Self::reject_escaped_slashes) is on.
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::path::NormalizeOptions;
    ///
    /// let opts = NormalizeOptions::new().reject_escaped_slashes(true);
    /// assert!(opts.rejects_escaped_slashes());
    /// ```
    #[must_use]
    pub const fn rejects_escaped_slashes(&self) -> bool {
        self.reject_escaped_slashes
    }
}

/// Why a request path could not be normalised.
///
/// A request whose path fails normalisation cannot be routed safely; the
/// recommended answer is `400 Bad Request`. Offsets are byte offsets into the
/// raw path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The path is `*`, the asterisk-form target of `OPTIONS *`.
    #[error(
        "path is `*` (asterisk form), which names no resource; answer `OPTIONS *` without routing"
    )]
    AsteriskForm,
    /// The path does not start with `/`.
    #[error("path must start with '/'; pass only the path of an origin-form request target")]
    NotAbsolute,
    /// A `%` is not followed by two hex digits.
    #[error("invalid percent-escape at byte {offset}; '%' must be followed by two hex digits")]
    InvalidEscape {
        /// Offset of the `%`.
        offset: usize,
    },
    /// The path contains NUL, raw or as `%00`.
    #[error("NUL at byte {offset}; a path must not contain NUL, raw or as %00")]
    Nul {
        /// Offset of the NUL byte or of the `%` of `%00`.
        offset: usize,
    },
    /// The path contains a raw control character other than NUL.
    #[error(
        "control character {byte:#04x} at byte {offset}; control characters must be percent-encoded"
    )]
    ControlCharacter {
        /// The byte, in `0x01..=0x1f` or `0x7f`.
        byte: u8,
        /// Offset of the byte.
        offset: usize,
    },
    /// The path contains a raw `?` or `#`.
    #[error("'{delimiter}' at byte {offset} ends a path; split the query off before normalising")]
    Delimiter {
        /// `?` or `#`.
        delimiter: char,
        /// Offset of the delimiter.
        offset: usize,
    },
    /// The path contains `%2F`, `%5C` or a raw `\` and
    /// [`NormalizeOptions::reject_escaped_slashes`] is on.
    #[error(
        "escaped slash at byte {offset} is rejected by `reject_escaped_slashes`; send '/' unescaped"
    )]
    EscapedSlash {
        /// Offset of the `%` or of the `\`.
        offset: usize,
    },
}

/// Normalises a request path for matching, as described in the
/// [module docs](self).
///
/// Returns [`Cow::Borrowed`] of `raw`, without allocating, when `raw` is
/// already normal.
///
/// # Errors
///
/// Returns a [`PathError`] when the path is `*`, does not start with `/`,
/// holds a malformed escape, NUL, a raw control character, a raw `?` or `#`,
/// or (with [`NormalizeOptions::reject_escaped_slashes`]) an escaped slash.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use gateway_match::path::{normalize_path, NormalizeOptions, PathError};
///
/// let opts = NormalizeOptions::new();
/// assert_eq!(normalize_path("/public/../admin", opts)?, "/admin");
/// assert_eq!(normalize_path("/a/%2e%2E/b", opts)?, "/b");
/// assert_eq!(normalize_path("/%7euser/a%2fb", opts)?, "/~user/a%2Fb");
/// assert_eq!(normalize_path("/a%00", opts), Err(PathError::Nul { offset: 2 }));
///
/// // A normal path is returned as-is, without allocating.
/// assert!(matches!(normalize_path("/api/v1/users", opts)?, Cow::Borrowed("/api/v1/users")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn normalize_path(raw: &str, opts: NormalizeOptions) -> Result<Cow<'_, str>, PathError> {
    if raw.is_empty() {
        return Ok(Cow::Borrowed("/"));
    }
    if raw == "*" {
        return Err(PathError::AsteriskForm);
    }
    if !raw.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    if is_normal(raw.as_bytes(), opts) {
        return Ok(Cow::Borrowed(raw));
    }
    let decoded = decode(raw, opts)?;
    Ok(Cow::Owned(remove_dot_segments(
        &decoded,
        opts.merge_slashes,
    )))
}

/// Reports whether a request path matches a Gateway API `PathPrefix` value,
/// element by element.
///
/// One trailing `/` is removed from `prefix` (unless `prefix` is `/`), giving
/// `p`. The path matches when it equals `p` or continues `p` with a `/`. So
/// `/foo` matches `/foo`, `/foo/` and `/foo/bar` but not `/foobar`, and `/foo/`
/// matches the same paths, including `/foo` (upstream: "When specified, a
/// trailing `/` is ignored"; spec section 7.1.2). `/` matches every path.
///
/// Both sides are compared byte for byte and case-sensitively. `path` should be
/// the output of [`normalize_path`] and `prefix` a normalised, schema-valid
/// `PathPrefix` value. An escaped slash `%2F` is not a separator, so prefix
/// `/foo` does not match `/foo%2Fbar`.
///
/// # Examples
///
/// ```
/// use gateway_match::path::segment_prefix_match;
///
/// assert!(segment_prefix_match("/foo/bar", "/foo"));
/// assert!(segment_prefix_match("/foo", "/foo/"));
/// assert!(!segment_prefix_match("/foobar", "/foo"));
/// assert!(!segment_prefix_match("/foo%2Fbar", "/foo"));
/// assert!(segment_prefix_match("/anything", "/"));
/// ```
#[must_use]
pub fn segment_prefix_match(path: &str, prefix: &str) -> bool {
    let p = match prefix.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => prefix,
    };
    match path.strip_prefix(p) {
        None => false,
        Some(rest) => rest.is_empty() || rest.starts_with('/') || p.ends_with('/'),
    }
}

/// How one raw byte is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Unreserved: `A-Z a-z 0-9 - . _ ~`. Kept raw; decoded when escaped.
    Unreserved,
    /// Allowed raw in a path but not unreserved: `/`, the sub-delims and `:@`.
    Raw,
    /// `%`, starts an escape.
    Percent,
    /// Must be percent-encoded: other printable ASCII and all non-ASCII bytes.
    Encode,
    /// NUL.
    Nul,
    /// Other control characters.
    Control,
    /// `?` and `#`.
    Delimiter,
}

const fn class_of(b: u8) -> Class {
    match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => Class::Unreserved,
        b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
        | b':' | b'@' => Class::Raw,
        b'%' => Class::Percent,
        0 => Class::Nul,
        0x01..=0x1f | 0x7f => Class::Control,
        b'?' | b'#' => Class::Delimiter,
        _ => Class::Encode,
    }
}

/// [`class_of`] for every byte, so the scans do one load per byte.
static CLASS: [Class; 256] = {
    let mut table = [Class::Encode; 256];
    let mut b: u8 = 0;
    loop {
        table[b as usize] = class_of(b);
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The value of an upper- or lower-case hex digit.
const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// The value of an upper-case hex digit (the only case a normal path holds).
const fn upper_hex_value(b: u8) -> Option<u8> {
    match b {
        b'a'..=b'f' => None,
        _ => hex_value(b),
    }
}

/// Whether an escaped byte is a slash for `reject_escaped_slashes`.
const fn is_slash_like(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

/// Whether `bytes` (which starts with `/`) is already normal: one scan, no
/// allocation. Any doubt, including every error, answers `false` and leaves
/// the decision to the slow path.
fn is_normal(bytes: &[u8], opts: NormalizeOptions) -> bool {
    // Start of the current segment: the byte after its leading '/'. Always
    // `segment_start <= i <= bytes.len()`, so the slices below are in range.
    let mut segment_start = 1;
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match CLASS[usize::from(b)] {
            Class::Unreserved => i += 1,
            Class::Raw => {
                if b == b'/' {
                    if !is_normal_segment(&bytes[segment_start..i], opts) {
                        return false;
                    }
                    segment_start = i + 1;
                }
                i += 1;
            }
            Class::Percent => {
                let (Some(&hi), Some(&lo)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
                    return false;
                };
                let (Some(hi), Some(lo)) = (upper_hex_value(hi), upper_hex_value(lo)) else {
                    return false;
                };
                let value = hi << 4 | lo;
                if value == 0
                    || CLASS[usize::from(value)] == Class::Unreserved
                    || (opts.reject_escaped_slashes && is_slash_like(value))
                {
                    return false;
                }
                i += 3;
            }
            Class::Encode | Class::Nul | Class::Control | Class::Delimiter => return false,
        }
    }
    // The last segment may be empty (a trailing slash) even when merging.
    let last = &bytes[segment_start..];
    last != b"." && last != b".."
}

/// Whether a segment that is followed by a `/` may stay as it is.
fn is_normal_segment(segment: &[u8], opts: NormalizeOptions) -> bool {
    match segment {
        b"." | b".." => false,
        b"" => !opts.merge_slashes,
        _ => true,
    }
}

/// Steps 4 to 8 of the module docs: check every byte, decode escaped
/// unreserved characters, upper-case the other escapes, encode the rest.
fn decode(raw: &str, opts: NormalizeOptions) -> Result<String, PathError> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len() + 8);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match CLASS[usize::from(b)] {
            Class::Unreserved | Class::Raw => out.push(char::from(b)),
            Class::Percent => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(PathError::InvalidEscape { offset: i });
                };
                let value = hi << 4 | lo;
                if value == 0 {
                    return Err(PathError::Nul { offset: i });
                }
                if opts.reject_escaped_slashes && is_slash_like(value) {
                    return Err(PathError::EscapedSlash { offset: i });
                }
                if CLASS[usize::from(value)] == Class::Unreserved {
                    out.push(char::from(value));
                } else {
                    push_escape(&mut out, value);
                }
                i += 2;
            }
            Class::Encode => {
                if opts.reject_escaped_slashes && b == b'\\' {
                    return Err(PathError::EscapedSlash { offset: i });
                }
                push_escape(&mut out, b);
            }
            Class::Nul => return Err(PathError::Nul { offset: i }),
            Class::Control => return Err(PathError::ControlCharacter { byte: b, offset: i }),
            Class::Delimiter => {
                return Err(PathError::Delimiter {
                    delimiter: char::from(b),
                    offset: i,
                });
            }
        }
        i += 1;
    }
    Ok(out)
}

fn push_escape(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
    out.push(char::from(UPPER_HEX[usize::from(b & 0x0f)]));
}

/// Steps 9 and 10 of the module docs, on a decoded path that starts with `/`.
///
/// Working on whole segments is equivalent to the string-buffer algorithm of
/// RFC 3986 section 5.2.4 for absolute paths: `.` is dropped, `..` drops the
/// previous segment (if any), and a final `.` or `..` leaves an empty last
/// segment (a trailing slash). Merging skips every empty segment except the
/// last, which is the same as collapsing runs of `/` first.
fn remove_dot_segments(decoded: &str, merge_slashes: bool) -> String {
    let body = decoded.strip_prefix('/').unwrap_or(decoded);
    let mut kept: Vec<&str> = Vec::new();
    let mut segments = body.split('/').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "." => {}
            ".." => {
                kept.pop();
            }
            "" if merge_slashes && !last => continue,
            _ => {
                kept.push(segment);
                continue;
            }
        }
        if last {
            kept.push("");
        }
    }
    let mut out = String::with_capacity(decoded.len());
    for segment in &kept {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests;
