use std::borrow::Cow;

use proptest::prelude::*;

use super::*;

#[test]
fn host_is_lower_cased() {
    assert_eq!(normalize_host("EXAMPLE.Com").unwrap(), "example.com");
    assert!(matches!(
        normalize_host("EXAMPLE.Com").unwrap(),
        Cow::Owned(_)
    ));
}

#[test]
fn port_is_stripped_without_copying() {
    let raw = "example.com:8080";
    let Cow::Borrowed(out) = normalize_host(raw).unwrap() else {
        panic!("copied");
    };
    assert_eq!(out, "example.com");
    assert!(std::ptr::eq(out.as_ptr(), raw.as_ptr()));
    assert_eq!(normalize_host("example.com:").unwrap(), "example.com");
    assert_eq!(normalize_host("example.com:65535").unwrap(), "example.com");
}

#[test]
fn invalid_ports_are_rejected() {
    for (raw, offset) in [
        ("example.com:65536", 11),
        ("example.com:123456", 11),
        ("example.com:http", 11),
        ("example.com:80:80", 11),
        ("example.com:-1", 11),
        ("example.com: 80", 11),
        ("::1", 0),
        ("[::1]:99999", 5),
    ] {
        assert_eq!(
            normalize_host(raw),
            Err(HostError::InvalidPort { offset }),
            "{raw}"
        );
    }
}

#[test]
fn one_trailing_dot_is_stripped() {
    assert_eq!(normalize_host("example.com.").unwrap(), "example.com");
    assert_eq!(normalize_host("Example.com.:443").unwrap(), "example.com");
    assert_eq!(
        normalize_host("example.com.."),
        Err(HostError::EmptyLabel { offset: 12 })
    );
}

#[test]
fn empty_hosts_are_rejected() {
    for raw in ["", ":80", ".", ".:80", ":"] {
        assert_eq!(normalize_host(raw), Err(HostError::Empty), "{raw:?}");
    }
}

#[test]
fn empty_labels_are_rejected() {
    assert_eq!(
        normalize_host(".a"),
        Err(HostError::EmptyLabel { offset: 0 })
    );
    assert_eq!(
        normalize_host("a..b"),
        Err(HostError::EmptyLabel { offset: 2 })
    );
    assert_eq!(
        normalize_host(".."),
        Err(HostError::EmptyLabel { offset: 0 })
    );
}

#[test]
fn invalid_characters_are_rejected() {
    let cases = [
        ("*.example.com", '*', 0),
        ("a b", ' ', 1),
        ("a\0b", '\0', 1),
        ("ex%41mple.com", '%', 2),
        ("user@example.com", '@', 4),
        ("example.com/path", '/', 11),
        ("bücher.de", 'ü', 1),
        ("a[b", '[', 1),
    ];
    for (raw, ch, offset) in cases {
        assert_eq!(
            normalize_host(raw),
            Err(HostError::InvalidCharacter { ch, offset }),
            "{raw}"
        );
    }
}

#[test]
fn underscores_and_ipv4_literals_are_names() {
    assert_eq!(
        normalize_host("my_host.internal").unwrap(),
        "my_host.internal"
    );
    assert_eq!(normalize_host("10.0.0.1:80").unwrap(), "10.0.0.1");
    assert_eq!(
        normalize_host("xn--bcher-kva.de").unwrap(),
        "xn--bcher-kva.de"
    );
}

#[test]
fn ipv6_literals_keep_brackets_and_drop_the_port() {
    assert_eq!(normalize_host("[::1]:8080").unwrap(), "[::1]");
    assert_eq!(normalize_host("[::1]").unwrap(), "[::1]");
    assert_eq!(normalize_host("[::1]:").unwrap(), "[::1]");
    assert_eq!(
        normalize_host("[2001:DB8::A]:443").unwrap(),
        "[2001:db8::a]"
    );
    assert_eq!(
        normalize_host("[::FFFF:192.0.2.1]").unwrap(),
        "[::ffff:192.0.2.1]"
    );
}

#[test]
fn invalid_ipv6_literals_are_rejected() {
    for raw in [
        "[",
        "[]",
        "[::1",
        "[::g]",
        "[fe80::1%25eth0]",
        "[v1.fe]",
        "[1.2.3.4]",
        "[:::]",
    ] {
        assert_eq!(normalize_host(raw), Err(HostError::InvalidIpv6), "{raw}");
    }
    assert_eq!(
        normalize_host("[::1]x"),
        Err(HostError::InvalidCharacter { ch: 'x', offset: 5 })
    );
    assert_eq!(
        normalize_host("[::1]]"),
        Err(HostError::InvalidCharacter { ch: ']', offset: 5 })
    );
}

#[test]
fn hosts_longer_than_253_bytes_are_rejected() {
    let label = "a".repeat(63);
    let ok = [label.as_str(); 4].join(".")[..253].to_owned();
    assert_eq!(normalize_host(&ok).unwrap(), ok);
    assert_eq!(normalize_host(&format!("{ok}.")).unwrap(), ok);
    let long = format!("{ok}a");
    assert_eq!(normalize_host(&long), Err(HostError::TooLong { len: 254 }));
}

#[test]
fn exact_hostnames_match_ignoring_case() {
    assert!(host_matches("example.com", "example.com"));
    assert!(host_matches("example.com", "EXAMPLE.COM"));
    assert!(host_matches("EXAMPLE.com", "example.COM"));
    assert!(!host_matches("example.com", "www.example.com"));
    assert!(!host_matches("www.example.com", "example.com"));
}

#[test]
fn wildcard_matches_one_or_more_labels() {
    assert!(host_matches("*.example.com", "a.example.com"));
    assert!(host_matches("*.example.com", "a.b.example.com"));
    assert!(host_matches("*.example.com", "A.EXAMPLE.com"));
    assert!(host_matches("*.com", "example.com"));
}

#[test]
fn wildcard_never_matches_the_bare_parent() {
    assert!(!host_matches("*.example.com", "example.com"));
    assert!(!host_matches("*.example.com", ".example.com"));
    assert!(!host_matches("*.example.com", "a..example.com"));
    assert!(!host_matches("*.example.com", "badexample.com"));
    assert!(!host_matches("*.example.com", "example.com.evil"));
}

#[test]
fn bare_asterisk_is_not_a_wildcard() {
    assert!(!host_matches("*", "example.com"));
    assert!(!host_matches("*example.com", "a.example.com"));
}

#[test]
fn intersect_follows_spec_4_2() {
    let cases: [(Option<&str>, &str, Option<&str>); 13] = [
        (None, "foo.example.com", Some("foo.example.com")),
        (None, "*.example.com", Some("*.example.com")),
        (
            Some("foo.example.com"),
            "foo.example.com",
            Some("foo.example.com"),
        ),
        (Some("foo.example.com"), "bar.example.com", None),
        (
            Some("foo.example.com"),
            "*.example.com",
            Some("foo.example.com"),
        ),
        (Some("example.com"), "*.example.com", None),
        (
            Some("*.example.com"),
            "foo.example.com",
            Some("foo.example.com"),
        ),
        (Some("*.example.com"), "example.com", None),
        (
            Some("*.example.com"),
            "*.example.com",
            Some("*.example.com"),
        ),
        (
            Some("*.example.com"),
            "*.foo.example.com",
            Some("*.foo.example.com"),
        ),
        (
            Some("*.foo.example.com"),
            "*.example.com",
            Some("*.foo.example.com"),
        ),
        (Some("*.example.com"), "*.example.org", None),
        (Some("*.example.com"), "*.badexample.com", None),
    ];
    for (listener, route, want) in cases {
        assert_eq!(intersect(listener, route), want, "{listener:?} x {route}");
    }
}

#[test]
fn intersect_matches_conformance_hostname_intersection() {
    // Conformance httproute-hostname-intersection and spec 4.2 examples.
    assert_eq!(
        intersect(Some("very.specific.com"), "*.specific.com"),
        Some("very.specific.com")
    );
    let listener = Some("*.wildcard.io");
    assert_eq!(intersect(listener, "wildcard.io"), None);
    assert_eq!(
        intersect(listener, "foo.wildcard.io"),
        Some("foo.wildcard.io")
    );
    assert_eq!(
        intersect(listener, "foo.bar.wildcard.io"),
        Some("foo.bar.wildcard.io")
    );
}

#[test]
fn intersect_ignores_case() {
    assert_eq!(
        intersect(Some("Foo.example.com"), "foo.EXAMPLE.com"),
        Some("foo.EXAMPLE.com")
    );
    assert_eq!(
        intersect(Some("*.EXAMPLE.com"), "*.foo.example.com"),
        Some("*.foo.example.com")
    );
}

// Property tests.

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?"
}

fn hostname() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..5).prop_map(|labels| labels.join("."))
}

fn pattern() -> impl Strategy<Value = String> {
    (any::<bool>(), hostname())
        .prop_map(|(wild, name)| if wild { format!("*.{name}") } else { name })
}

fn hostile_host() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "B", "example", ".", "..", ":", ":80", ":65536", "[", "]", "::1", "*", "%", "_", "-",
        "\0", " ", "é", "0", "ffff",
    ]);
    prop::collection::vec(pieces, 0..10).prop_map(|pieces| pieces.concat())
}

proptest! {
    #[test]
    fn normalize_host_never_panics(raw in any::<String>()) {
        let _ = normalize_host(&raw);
    }

    #[test]
    fn normalize_host_never_panics_on_hostile_hosts(raw in hostile_host()) {
        let _ = normalize_host(&raw);
    }

    #[test]
    fn host_normalisation_is_idempotent(raw in hostile_host()) {
        if let Ok(once) = normalize_host(&raw) {
            let twice = normalize_host(&once);
            prop_assert_eq!(twice.as_deref(), Ok(&*once));
            prop_assert!(matches!(twice, Ok(Cow::Borrowed(_))));
        }
    }

    #[test]
    fn normalized_host_is_lowercase_portless_and_dotless(raw in hostile_host()) {
        if let Ok(host) = normalize_host(&raw) {
            prop_assert!(!host.is_empty());
            prop_assert!(!host.bytes().any(|b| b.is_ascii_uppercase()), "{host}");
            prop_assert!(!host.ends_with('.'), "{host}");
            prop_assert!(host.starts_with('[') || !host.contains(':'), "{host}");
            prop_assert!(!host.contains('*'), "{host}");
        }
    }

    #[test]
    fn normalize_host_accepts_every_schema_hostname(name in hostname(), port in proptest::option::of(0u16..)) {
        let upper = name.to_ascii_uppercase();
        let raw = match port {
            Some(port) => format!("{upper}.:{port}"),
            None => upper,
        };
        let host = normalize_host(&raw);
        prop_assert_eq!(host.as_deref(), Ok(name.as_str()));
    }

    #[test]
    fn wildcard_never_matches_its_bare_parent(name in hostname()) {
        let wildcard = format!("*.{name}");
        prop_assert!(!host_matches(&wildcard, &name));
    }

    #[test]
    fn wildcard_matches_every_deeper_host(name in hostname(), front in hostname()) {
        let wildcard = format!("*.{name}");
        let deeper = format!("{front}.{name}");
        prop_assert!(host_matches(&wildcard, &deeper));
    }

    #[test]
    fn intersect_with_exact_side_agrees_with_host_matches(host in hostname(), pattern in pattern()) {
        let want = host_matches(&pattern, &host).then_some(host.as_str());
        prop_assert_eq!(intersect(Some(&host), &pattern), want);
        prop_assert_eq!(intersect(Some(&pattern), &host), want);
    }

    #[test]
    fn intersect_is_symmetric_up_to_which_side_is_returned(a in pattern(), b in pattern()) {
        prop_assert_eq!(intersect(Some(&a), &b), intersect(Some(&b), &a));
    }

    #[test]
    fn intersection_matches_exactly_the_hosts_both_sides_match(
        a in pattern(),
        b in pattern(),
        host in hostname(),
    ) {
        let both = host_matches(&a, &host) && host_matches(&b, &host);
        let via_intersection = intersect(Some(&a), &b).is_some_and(|i| host_matches(i, &host));
        prop_assert_eq!(via_intersection, both);
    }
}
