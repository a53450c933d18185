use std::borrow::Cow;

use proptest::prelude::*;

use super::*;

const PLAIN: NormalizeOptions = NormalizeOptions::new();
const MERGE: NormalizeOptions = NormalizeOptions::new().merge_slashes(true);
const STRICT: NormalizeOptions = NormalizeOptions::new().reject_escaped_slashes(true);

fn norm(raw: &str) -> Result<Cow<'_, str>, PathError> {
    normalize_path(raw, PLAIN)
}

/// RFC 3986 section 5.2.4, written as the RFC states it (string buffers and
/// steps A to E), as a model for `remove_dot_segments`.
fn rfc_remove_dot_segments(input: &str) -> String {
    let mut input = input.to_owned();
    let mut output = String::new();
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest.to_owned();
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest.to_owned();
        } else if input.starts_with("/./") {
            input.replace_range(..3, "/");
        } else if input == "/." {
            input = "/".to_owned();
        } else if input.starts_with("/../") || input == "/.." {
            let len = if input == "/.." { 3 } else { 4 };
            input.replace_range(..len, "/");
            match output.rfind('/') {
                Some(at) => output.truncate(at),
                None => output.clear(),
            }
        } else if input == "." || input == ".." {
            input.clear();
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..]
                .find('/')
                .map_or(input.len(), |at| at + start);
            output.push_str(&input[..end]);
            input.replace_range(..end, "");
        }
    }
    output
}

#[test]
fn empty_path_is_root() {
    assert_eq!(norm("").unwrap(), "/");
    assert!(matches!(norm("").unwrap(), Cow::Borrowed(_)));
}

#[test]
fn asterisk_form_is_rejected_with_its_own_error() {
    assert_eq!(norm("*"), Err(PathError::AsteriskForm));
    assert_eq!(norm("**"), Err(PathError::NotAbsolute));
}

#[test]
fn relative_and_absolute_form_targets_are_rejected() {
    for raw in ["a/b", ".", "../a", "http://example.com/a", "%2Fa"] {
        assert_eq!(norm(raw), Err(PathError::NotAbsolute), "{raw}");
    }
}

#[test]
fn dot_segments_follow_rfc_3986_examples() {
    // RFC 3986 section 5.2.4 and 5.4 examples, applied to absolute paths.
    let cases = [
        ("/a/b/c/./../../g", "/a/g"),
        ("/b/c/./g", "/b/c/g"),
        ("/b/c/../g", "/b/g"),
        ("/b/c/..", "/b/"),
        ("/b/c/.", "/b/c/"),
        ("/b/c/../..", "/"),
        ("/../g", "/g"),
        ("/../../../g", "/g"),
        ("/..", "/"),
        ("/.", "/"),
        ("/./", "/"),
        ("/b/c/g.", "/b/c/g."),
        ("/b/c/.g", "/b/c/.g"),
        ("/b/c/g..", "/b/c/g.."),
        ("/b/c/..g", "/b/c/..g"),
        ("/b/c/...", "/b/c/..."),
        ("/b/c/./g/.", "/b/c/g/"),
        ("/b/c/g/./h", "/b/c/g/h"),
        ("/b/c/g/../h", "/b/c/h"),
    ];
    for (raw, want) in cases {
        assert_eq!(norm(raw).unwrap(), want, "{raw}");
        assert_eq!(rfc_remove_dot_segments(raw), want, "model: {raw}");
    }
}

#[test]
fn encoded_dots_are_decoded_before_dot_segments_are_removed() {
    assert_eq!(norm("/a/%2e%2e/b").unwrap(), "/b");
    assert_eq!(norm("/a/%2E%2e/b").unwrap(), "/b");
    assert_eq!(norm("/a/.%2E/b").unwrap(), "/b");
    assert_eq!(norm("/a/%2e/b").unwrap(), "/a/b");
    assert_eq!(norm("/public/%2e%2e/admin").unwrap(), "/admin");
}

#[test]
fn decoding_is_single_pass() {
    // `%25` is `%`, which is not unreserved: `%252e` is the text "%2e".
    assert_eq!(norm("/a/%252e%252e/b").unwrap(), "/a/%252e%252e/b");
    assert_eq!(norm("/a/%252e%252e/../b").unwrap(), "/a/b");
}

#[test]
fn unreserved_escapes_are_decoded_and_others_upper_cased() {
    assert_eq!(norm("/%41%7a%30%2D%5F%7E").unwrap(), "/Az0-_~");
    assert_eq!(norm("/%3a%40%2b%20").unwrap(), "/%3A%40%2B%20");
    assert_eq!(norm("/%ff").unwrap(), "/%FF");
}

#[test]
fn encoded_slashes_are_kept_as_data() {
    assert_eq!(norm("/a%2fb").unwrap(), "/a%2Fb");
    assert_eq!(norm("/a%2Fb").unwrap(), "/a%2Fb");
    assert_eq!(
        norm("/public/..%2F..%2Fadmin").unwrap(),
        "/public/..%2F..%2Fadmin"
    );
    assert_eq!(norm("/a%5cb").unwrap(), "/a%5Cb");
}

#[test]
fn reject_escaped_slashes_rejects_every_spelling() {
    for (raw, offset) in [
        ("/a%2fb", 2),
        ("/a%2Fb", 2),
        ("/a%5cb", 2),
        ("/a%5Cb", 2),
        ("/a\\b", 2),
    ] {
        assert_eq!(
            normalize_path(raw, STRICT),
            Err(PathError::EscapedSlash { offset }),
            "{raw}"
        );
    }
    // Other escapes are unaffected.
    assert_eq!(normalize_path("/a%3Ab", STRICT).unwrap(), "/a%3Ab");
}

#[test]
fn invalid_escapes_are_errors() {
    let cases = [
        ("/%", 1),
        ("/a%", 2),
        ("/a%4", 2),
        ("/a%zz", 2),
        ("/a%4g", 2),
        ("/a%g4", 2),
        ("/ok%41/%x", 7),
        ("/%%41", 1),
        ("/%é", 1),
    ];
    for (raw, offset) in cases {
        assert_eq!(norm(raw), Err(PathError::InvalidEscape { offset }), "{raw}");
    }
}

#[test]
fn nul_is_rejected_raw_and_encoded() {
    assert_eq!(norm("/a\0b"), Err(PathError::Nul { offset: 2 }));
    assert_eq!(norm("/a%00b"), Err(PathError::Nul { offset: 2 }));
    assert_eq!(norm("/a/../%00"), Err(PathError::Nul { offset: 6 }));
}

#[test]
fn raw_control_characters_are_rejected_and_escaped_ones_kept() {
    assert_eq!(
        norm("/a\r\nb"),
        Err(PathError::ControlCharacter {
            byte: b'\r',
            offset: 2
        })
    );
    assert_eq!(
        norm("/a\x7f"),
        Err(PathError::ControlCharacter {
            byte: 0x7f,
            offset: 2
        })
    );
    assert_eq!(norm("/a%0d%0A").unwrap(), "/a%0D%0A");
}

#[test]
fn query_and_fragment_delimiters_are_rejected() {
    assert_eq!(
        norm("/a?b=1"),
        Err(PathError::Delimiter {
            delimiter: '?',
            offset: 2
        })
    );
    assert_eq!(
        norm("/a#frag"),
        Err(PathError::Delimiter {
            delimiter: '#',
            offset: 2
        })
    );
    assert_eq!(norm("/a%3Fb").unwrap(), "/a%3Fb");
}

#[test]
fn characters_not_allowed_raw_are_percent_encoded() {
    assert_eq!(norm("/a b").unwrap(), "/a%20b");
    assert_eq!(
        norm("/<\"{|}>^`[]").unwrap(),
        "/%3C%22%7B%7C%7D%3E%5E%60%5B%5D"
    );
    assert_eq!(norm("/café").unwrap(), "/caf%C3%A9");
    assert_eq!(norm("/caf%c3%a9").unwrap(), "/caf%C3%A9");
    assert_eq!(norm("/a\\..\\b").unwrap(), "/a%5C..%5Cb");
}

#[test]
fn overlong_utf8_dots_are_never_decoded() {
    assert_eq!(norm("/a/%C0%AE%C0%AE/b").unwrap(), "/a/%C0%AE%C0%AE/b");
    assert_eq!(norm("/a/%c0%ae%c0%ae/b").unwrap(), "/a/%C0%AE%C0%AE/b");
    assert_eq!(norm("/a/%e0%80%ae/b").unwrap(), "/a/%E0%80%AE/b");
}

#[test]
fn double_slashes_are_empty_segments_unless_merged() {
    assert_eq!(norm("//a//b//").unwrap(), "//a//b//");
    assert_eq!(normalize_path("//a//b//", MERGE).unwrap(), "/a/b/");
    assert_eq!(norm("/public//../admin").unwrap(), "/public/admin");
    assert_eq!(
        normalize_path("/public//../admin", MERGE).unwrap(),
        "/admin"
    );
    assert_eq!(normalize_path("//", MERGE).unwrap(), "/");
    assert_eq!(normalize_path("/a/.//", MERGE).unwrap(), "/a/");
    assert_eq!(normalize_path("/a/..//", MERGE).unwrap(), "/");
}

#[test]
fn trailing_slash_is_kept() {
    assert_eq!(norm("/a/").unwrap(), "/a/");
    assert!(matches!(norm("/a/").unwrap(), Cow::Borrowed(_)));
    assert_eq!(normalize_path("/a/", MERGE).unwrap(), "/a/");
}

#[test]
fn normal_paths_are_borrowed_from_the_input() {
    let opts = [PLAIN, MERGE, STRICT, MERGE.reject_escaped_slashes(true)];
    for raw in [
        "/",
        "/api/v1/users",
        "/a/",
        "/~user/x.y-z_w",
        "/a%2Fb",
        "/%C3%A9",
        "/.hidden/..x/...",
        "/!$&'()*+,;=:@",
    ] {
        for opts in opts {
            if opts.rejects_escaped_slashes() && raw.contains("%2F") {
                continue;
            }
            let out = normalize_path(raw, opts).unwrap();
            let Cow::Borrowed(out) = out else {
                panic!("{raw} was copied with {opts:?}");
            };
            assert!(std::ptr::eq(out, raw), "{raw} is not the input slice");
        }
    }
}

#[test]
fn paths_that_change_are_owned() {
    for raw in ["/a/./b", "/%7e", "/%2f", "/a b", "/a/..", "/a/."] {
        assert!(matches!(norm(raw).unwrap(), Cow::Owned(_)), "{raw}");
    }
    assert!(matches!(
        normalize_path("/a//b", MERGE).unwrap(),
        Cow::Owned(_)
    ));
}

#[test]
fn prefix_matches_whole_segments_only() {
    assert!(segment_prefix_match("/foo", "/foo"));
    assert!(segment_prefix_match("/foo/", "/foo"));
    assert!(segment_prefix_match("/foo/bar", "/foo"));
    assert!(!segment_prefix_match("/foobar", "/foo"));
    assert!(!segment_prefix_match("/fo", "/foo"));
    assert!(!segment_prefix_match("/", "/foo"));
}

#[test]
fn prefix_trailing_slash_is_ignored() {
    // Spec 7.1.2 and the upstream PathPrefix doc: "a trailing `/` is ignored".
    assert!(segment_prefix_match("/foo", "/foo/"));
    assert!(segment_prefix_match("/foo/", "/foo/"));
    assert!(segment_prefix_match("/foo/bar", "/foo/"));
    assert!(!segment_prefix_match("/foobar", "/foo/"));
    // Conformance httproute-path-match-order: prefix `/match/` serves `/match/any`.
    assert!(segment_prefix_match("/match/any", "/match/"));
    assert!(segment_prefix_match("/match/prefix/any", "/match/prefix/"));
    assert!(!segment_prefix_match(
        "/match/prefix/any",
        "/match/prefix/one"
    ));
}

#[test]
fn prefix_root_matches_everything() {
    for path in ["/", "/a", "//", "/a/b/c"] {
        assert!(segment_prefix_match(path, "/"), "{path}");
    }
}

#[test]
fn prefix_match_is_case_sensitive_and_ignores_escaped_slashes() {
    assert!(!segment_prefix_match("/Foo/bar", "/foo"));
    assert!(!segment_prefix_match("/foo%2Fbar", "/foo"));
    // Conformance httproute-matching: `/v2` serves `/v2/`, `/v2/example`, not `/v2example`.
    assert!(segment_prefix_match("/v2/", "/v2"));
    assert!(segment_prefix_match("/v2/example", "/v2"));
    assert!(!segment_prefix_match("/v2example", "/v2"));
    assert!(!segment_prefix_match("/foo/v2/example", "/v2"));
}

// Property tests.

/// Paths built from pieces that exercise every branch.
fn hostile_path() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "/", "//", ".", "..", "/.", "/..", "a", "b", "public", "%2e", "%2E", "%2f", "%2F", "%5c",
        "%41", "%7e", "%25", "%C0%AE", "%c0%ae", "%", "%z", "%00", "\0", "\\", " ", "é", "?", "~",
        "\t", ":@",
    ]);
    prop::collection::vec(pieces, 0..16).prop_map(|pieces| format!("/{}", pieces.concat()))
}

fn any_options() -> impl Strategy<Value = NormalizeOptions> {
    (any::<bool>(), any::<bool>()).prop_map(|(merge, strict)| {
        NormalizeOptions::new()
            .merge_slashes(merge)
            .reject_escaped_slashes(strict)
    })
}

fn is_dot_segment(segment: &str) -> bool {
    segment == "." || segment == ".."
}

proptest! {
    #[test]
    fn normalize_never_panics_on_arbitrary_strings(raw in any::<String>(), opts in any_options()) {
        let _ = normalize_path(&raw, opts);
    }

    #[test]
    fn normalize_never_panics_on_hostile_paths(raw in hostile_path(), opts in any_options()) {
        let _ = normalize_path(&raw, opts);
    }

    #[test]
    fn normalisation_is_idempotent(raw in hostile_path(), opts in any_options()) {
        if let Ok(once) = normalize_path(&raw, opts) {
            let twice = normalize_path(&once, opts);
            prop_assert_eq!(twice.as_deref(), Ok(&*once));
            prop_assert!(matches!(twice, Ok(Cow::Borrowed(_))), "normal output was copied");
        }
    }

    #[test]
    fn normalized_output_never_contains_a_dot_segment(raw in hostile_path(), opts in any_options()) {
        if let Ok(out) = normalize_path(&raw, opts) {
            prop_assert!(!out.split('/').any(is_dot_segment), "{out}");
        }
    }

    #[test]
    fn merged_output_never_contains_a_double_slash(raw in hostile_path(), strict in any::<bool>()) {
        let opts = MERGE.reject_escaped_slashes(strict);
        if let Ok(out) = normalize_path(&raw, opts) {
            prop_assert!(!out.contains("//"), "{out}");
        }
    }

    #[test]
    fn normalized_path_always_starts_at_root(raw in any::<String>(), opts in any_options()) {
        if let Ok(out) = normalize_path(&raw, opts) {
            prop_assert!(out.starts_with('/'), "{out}");
        }
    }

    #[test]
    fn dot_dot_after_public_never_stays_under_public(
        rest in hostile_path(),
        opts in any_options(),
    ) {
        // `rest` starts with '/'; X is `rest` without it.
        let x = &rest[1..];
        let (escaped, direct) = (format!("/public/../{x}"), format!("/{x}"));
        let (escaped, direct) = (normalize_path(&escaped, opts), normalize_path(&direct, opts));
        // Error offsets differ; outcomes do not.
        prop_assert_eq!(escaped.as_deref().ok(), direct.as_deref().ok());
        if let Ok(out) = escaped {
            let x_is_public = direct.is_ok_and(|d| d.starts_with("/public/"));
            prop_assert!(!out.starts_with("/public/") || x_is_public, "{out}");
        }
    }

    #[test]
    fn encoded_dot_dot_after_public_never_stays_under_public(
        rest in hostile_path(),
        opts in any_options(),
    ) {
        let x = &rest[1..];
        let (escaped, direct) = (format!("/public/%2E%2e/{x}"), format!("/{x}"));
        let (escaped, direct) = (normalize_path(&escaped, opts), normalize_path(&direct, opts));
        prop_assert_eq!(escaped.as_deref().ok(), direct.as_deref().ok());
    }

    #[test]
    fn normalized_output_holds_only_canonical_bytes(raw in any::<String>(), opts in any_options()) {
        if let Ok(out) = normalize_path(&raw, opts) {
            let bytes = out.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if b == b'%' {
                    let hi = upper_hex_value(bytes[i + 1]);
                    let lo = upper_hex_value(bytes[i + 2]);
                    prop_assert!(hi.is_some() && lo.is_some(), "{out}");
                    let value = hi.unwrap_or(0) << 4 | lo.unwrap_or(0);
                    prop_assert!(value != 0 && CLASS[usize::from(value)] != Class::Unreserved, "{out}");
                    i += 3;
                } else {
                    prop_assert!(matches!(CLASS[usize::from(b)], Class::Unreserved | Class::Raw), "{out}");
                    i += 1;
                }
            }
        }
    }

    #[test]
    fn output_is_borrowed_exactly_when_unchanged(raw in hostile_path(), opts in any_options()) {
        if let Ok(out) = normalize_path(&raw, opts) {
            match out {
                Cow::Borrowed(out) => prop_assert!(std::ptr::eq(out, raw.as_str())),
                Cow::Owned(out) => prop_assert_ne!(out, raw),
            }
        }
    }

    #[test]
    fn dot_segment_removal_agrees_with_rfc_3986_algorithm(raw in hostile_path()) {
        // Without merging, removing dot segments from the decoded path is the
        // RFC algorithm, whatever the decoding did.
        if let Ok(decoded) = decode(&raw, PLAIN) {
            prop_assert_eq!(remove_dot_segments(&decoded, false), rfc_remove_dot_segments(&decoded));
        }
    }

    #[test]
    fn merging_equals_collapsing_slashes_first(raw in hostile_path()) {
        if let Ok(decoded) = decode(&raw, PLAIN) {
            let mut collapsed = String::new();
            for c in decoded.chars() {
                if !(c == '/' && collapsed.ends_with('/')) {
                    collapsed.push(c);
                }
            }
            prop_assert_eq!(remove_dot_segments(&decoded, true), rfc_remove_dot_segments(&collapsed));
        }
    }

    #[test]
    fn prefix_match_agrees_with_segment_model(
        path in hostile_path(),
        prefix_segments in prop::collection::vec("[ab]{1,2}", 0..3),
        trailing in any::<bool>(),
    ) {
        let mut prefix = format!("/{}", prefix_segments.join("/"));
        if trailing && prefix != "/" {
            prefix.push('/');
        }
        // Model: the prefix's segments (trailing empty one dropped) are the
        // first segments of the path.
        let want: Vec<&str> = prefix[1..].split('/').filter(|s| !s.is_empty()).collect();
        let have: Vec<&str> = path[1..].split('/').collect();
        let model = want.is_empty()
            || (have.len() >= want.len() && have[..want.len()] == want[..]);
        prop_assert_eq!(segment_prefix_match(&path, &prefix), model, "{} vs {}", path, prefix);
    }
}
