//! Hostile request paths and hosts, through the public API, in one table each.

use gateway_match::host::{HostError, host_matches, normalize_host};
use gateway_match::path::{NormalizeOptions, PathError, normalize_path, segment_prefix_match};

/// What normalising a path must give: the path, or the error.
type PathOutcome = Result<&'static str, PathError>;

struct PathCase {
    raw: &'static str,
    plain: PathOutcome,
    merged: PathOutcome,
}

fn same(raw: &'static str, both: PathOutcome) -> PathCase {
    PathCase {
        raw,
        plain: both.clone(),
        merged: both,
    }
}

#[test]
fn tricky_paths_normalise_as_documented() {
    use PathError::*;
    let cases = [
        // Encoded dots are dots.
        same("/public/%2e%2e/admin", Ok("/admin")),
        same("/public/%2E%2e/admin", Ok("/admin")),
        same("/public/.%2e/admin", Ok("/admin")),
        same("/public/%2e/admin", Ok("/public/admin")),
        // Plain dot segments.
        same("/public/../admin", Ok("/admin")),
        same("/public/./admin", Ok("/public/admin")),
        same("/./", Ok("/")),
        same("/..", Ok("/")),
        same("/../../admin", Ok("/admin")),
        same("/public/..", Ok("/")),
        same("/public/.", Ok("/public/")),
        // Encoded slashes are data, upper-cased.
        same("/public/..%2Fadmin", Ok("/public/..%2Fadmin")),
        same("/public/..%2fadmin", Ok("/public/..%2Fadmin")),
        same("/public%2F..%2F..%2Fadmin", Ok("/public%2F..%2F..%2Fadmin")),
        same("/public/..%5Cadmin", Ok("/public/..%5Cadmin")),
        same("/public/..\\admin", Ok("/public/..%5Cadmin")),
        // Double slashes.
        PathCase {
            raw: "//admin",
            plain: Ok("//admin"),
            merged: Ok("/admin"),
        },
        PathCase {
            raw: "/public//../admin",
            plain: Ok("/public/admin"),
            merged: Ok("/admin"),
        },
        PathCase {
            raw: "/a//b/",
            plain: Ok("/a//b/"),
            merged: Ok("/a/b/"),
        },
        // Overlong UTF-8 for '.' and '/' is never decoded.
        same(
            "/public/%C0%AE%C0%AE/admin",
            Ok("/public/%C0%AE%C0%AE/admin"),
        ),
        same(
            "/public/%c0%ae%c0%ae/admin",
            Ok("/public/%C0%AE%C0%AE/admin"),
        ),
        same("/public/%C0%AFadmin", Ok("/public/%C0%AFadmin")),
        // Double encoding is decoded once.
        same("/public/%252e%252e/admin", Ok("/public/%252e%252e/admin")),
        // NUL, raw and encoded.
        same("/admin%00.html", Err(Nul { offset: 6 })),
        same("/admin\0.html", Err(Nul { offset: 6 })),
        // Invalid escapes.
        same("/admin%zz", Err(InvalidEscape { offset: 6 })),
        same("/admin%", Err(InvalidEscape { offset: 6 })),
        same("/admin%2", Err(InvalidEscape { offset: 6 })),
        // Control characters and delimiters.
        same(
            "/admin\r\nX-Injected: 1",
            Err(ControlCharacter {
                byte: b'\r',
                offset: 6,
            }),
        ),
        same(
            "/admin?x=1",
            Err(Delimiter {
                delimiter: '?',
                offset: 6,
            }),
        ),
        // Unreserved escapes are decoded; raw non-ASCII is encoded.
        same("/%7Euser/%41", Ok("/~user/A")),
        same("/caf\u{e9}", Ok("/caf%C3%A9")),
        same("/a b", Ok("/a%20b")),
        // Request-target forms that are not paths.
        same("*", Err(AsteriskForm)),
        same("admin", Err(NotAbsolute)),
        same("http://example.com/admin", Err(NotAbsolute)),
        same("", Ok("/")),
    ];
    let plain = NormalizeOptions::new();
    let merge = NormalizeOptions::new().merge_slashes(true);
    for case in cases {
        let got = normalize_path(case.raw, plain);
        assert_eq!(got.as_deref(), case.plain.as_deref(), "{:?}", case.raw);
        let got = normalize_path(case.raw, merge);
        assert_eq!(
            got.as_deref(),
            case.merged.as_deref(),
            "{:?} merged",
            case.raw
        );
    }
}

#[test]
fn traversal_out_of_a_prefix_never_matches_the_prefix() {
    // From the issue: "A request for `/public/../admin` must be routed as
    // `/admin`, never as `/public/...`."
    let opts = [
        NormalizeOptions::new(),
        NormalizeOptions::new().merge_slashes(true),
        NormalizeOptions::new().reject_escaped_slashes(true),
    ];
    let attacks = [
        "/public/../admin",
        "/public/%2e%2e/admin",
        "/public/%2E%2E/admin",
        "/public/.%2e/admin",
        "/public/%2e./admin",
        "/public/./../admin",
        "/public/sub/../../admin",
        "/public/%2e%2e",
    ];
    for opts in opts {
        for raw in attacks {
            let path = normalize_path(raw, opts).unwrap();
            assert!(!segment_prefix_match(&path, "/public"), "{raw} -> {path}");
            assert!(!segment_prefix_match(&path, "/public/"), "{raw} -> {path}");
        }
    }
}

#[test]
fn escaped_slash_traversal_is_rejected_when_asked() {
    let strict = NormalizeOptions::new().reject_escaped_slashes(true);
    for (raw, offset) in [
        ("/public/..%2Fadmin", 10),
        ("/public/..%2fadmin", 10),
        ("/public/..%5Cadmin", 10),
        ("/public/..\\admin", 10),
    ] {
        assert_eq!(
            normalize_path(raw, strict),
            Err(PathError::EscapedSlash { offset }),
            "{raw}"
        );
    }
}

#[test]
fn tricky_hosts_normalise_as_documented() {
    use HostError::*;
    let cases: [(&str, Result<&str, HostError>); 22] = [
        ("example.com", Ok("example.com")),
        ("EXAMPLE.COM", Ok("example.com")),
        ("Example.Com:8080", Ok("example.com")),
        ("example.com.", Ok("example.com")),
        ("EXAMPLE.com.:443", Ok("example.com")),
        ("example.com:", Ok("example.com")),
        ("[::1]:8080", Ok("[::1]")),
        ("[::1]", Ok("[::1]")),
        ("[2001:DB8::1]:80", Ok("[2001:db8::1]")),
        ("192.0.2.1:80", Ok("192.0.2.1")),
        ("", Err(Empty)),
        (":8080", Err(Empty)),
        (".", Err(Empty)),
        ("example.com..", Err(EmptyLabel { offset: 12 })),
        ("example.com:99999", Err(InvalidPort { offset: 11 })),
        ("::1", Err(InvalidPort { offset: 0 })),
        ("[::1", Err(InvalidIpv6)),
        ("[fe80::1%25eth0]:80", Err(InvalidIpv6)),
        (
            "*.example.com",
            Err(InvalidCharacter { ch: '*', offset: 0 }),
        ),
        (
            "exa\0mple.com",
            Err(InvalidCharacter {
                ch: '\0',
                offset: 3,
            }),
        ),
        (
            "evil.com@example.com",
            Err(InvalidCharacter { ch: '@', offset: 8 }),
        ),
        (
            "ex%61mple.com",
            Err(InvalidCharacter { ch: '%', offset: 2 }),
        ),
    ];
    for (raw, want) in cases {
        assert_eq!(normalize_host(raw).as_deref(), want.as_deref(), "{raw:?}");
    }
}

#[test]
fn normalised_hosts_select_listener_hostnames() {
    // Case, port and trailing dot never stop a match.
    for raw in [
        "FOO.example.com",
        "foo.example.com:8080",
        "foo.example.com.",
        "Foo.Example.Com.:80",
    ] {
        let host = normalize_host(raw).unwrap();
        assert!(host_matches("foo.example.com", &host), "{raw}");
        assert!(host_matches("*.example.com", &host), "{raw}");
        assert!(!host_matches("*.foo.example.com", &host), "{raw}");
    }
    // An IPv6 literal matches no Gateway API hostname.
    let host = normalize_host("[::1]:8080").unwrap();
    assert!(!host_matches("*.1", &host));
}
