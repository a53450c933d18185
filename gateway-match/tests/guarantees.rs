//! Property tests of the path guarantees of `gateway-match` (issue #7):
//! normalisation is idempotent, and a request is routed exactly as its
//! normalised form. The cases follow `PROPTEST_CASES` (default 256); run
//! with `PROPTEST_CASES=10000` for a deep check.

mod common;

use std::borrow::Cow;

use gateway_match::path::{NormalizeOptions, normalize_path};
use gateway_match::{Config, Input, NoRoute, Router};
use http::{HeaderMap, Method};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;

/// Names the routes below use, in several spellings.
const NAMES: &[&str] = &[
    "admin",
    "%61dmin",
    "ADMIN",
    "public",
    "publicity",
    "a",
    "b",
    "x",
    "v1",
    "users",
    "~user",
    "%7euser",
    "%7Euser",
    "caf%C3%A9",
    "caf%c3%a9",
    "café",
    "a%2Fb",
];

/// Dot segments and empty segments in every spelling.
const DOTS: &[&str] = &[
    "", ".", "..", "%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "%2E.",
];

/// The rest: encoded and raw slashes and backslashes, overlong UTF-8,
/// double encoding, NUL and control characters, bad escapes, characters
/// that must be encoded, sub-delimiters.
const HOSTILE: &[&str] = &[
    "%252e",
    "%2F",
    "%2f",
    "..%2F",
    "%5C",
    "%5c",
    "\\",
    "..\\",
    "%C0%AE",
    "%c0%ae%c0%ae",
    "%C0%AF",
    "%00",
    "\0",
    "\r",
    "\t",
    "%0A",
    "%",
    "%4",
    "%zz",
    "%41",
    " ",
    "%20",
    "#",
    ";",
    "@",
    ":",
    "=",
    "+",
];

/// A raw request path: mostly `/`-joined segments (names, dot segments, a
/// few hostile ones and arbitrary short strings), sometimes with a leading
/// `//`, no leading `/` at all, or `*`.
fn raw_path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        8 => select(NAMES).prop_map(str::to_owned),
        6 => select(DOTS).prop_map(str::to_owned),
        2 => select(HOSTILE).prop_map(str::to_owned),
        // Printable ASCII, and any printable character, but no `?` (it
        // would start the query); excluded by the class, not filtered, so
        // that a long `PROPTEST_CASES` run does not run out of rejections.
        1 => "[ ->@-~]{0,4}",
        1 => "[^?\\p{C}]{0,3}",
    ];
    let lead = prop_oneof![
        12 => Just("/"),
        2 => Just("//"),
        1 => Just(""),
    ];
    prop_oneof![
        40 => (lead, prop::collection::vec(segment, 0..7))
            .prop_map(|(lead, segments)| format!("{lead}{}", segments.join("/"))),
        1 => Just("*".to_owned()),
    ]
}

fn options() -> impl Strategy<Value = NormalizeOptions> {
    (any::<bool>(), any::<bool>()).prop_map(|(merge, reject)| {
        NormalizeOptions::new()
            .merge_slashes(merge)
            .reject_escaped_slashes(reject)
    })
}

/// Routes of every path match type whose values a raw path can reach by
/// encodings and dot segments, each with a distinct name.
fn router(options: NormalizeOptions) -> Router {
    let path = |name: &str, kind: &str, value: &str| {
        common::http(
            name,
            &format!(
                r#"{{"rules": [{{"matches": [{{"path": {{"type": "{kind}", "value": "{value}"}}}}], "backendRefs": [{{"name": "{name}", "port": 80}}]}}]}}"#
            ),
        )
    };
    let mut routes = vec![
        path("root", "Exact", "/"),
        path("admin", "Exact", "/admin"),
        path("admin-dir", "Exact", "/admin/"),
        path("public", "PathPrefix", "/public"),
        path("a-b", "PathPrefix", "/a/b/"),
        path("user", "PathPrefix", "/~user"),
        path("cafe", "PathPrefix", "/caf%C3%A9"),
        path("regex", "RegularExpression", "/v1/[^/]*/?.*"),
        path("regex-slash", "RegularExpression", "/x/.*%2F.*"),
    ];
    if !options.rejects_escaped_slashes() {
        // A route value with an escaped slash is refused at build time
        // when requests with one are refused.
        routes.push(path("slash-data", "Exact", "/a%2Fb"));
    }
    let refs: Vec<&str> = routes.iter().map(String::as_str).collect();
    let mut builder = Router::builder();
    builder
        .configure(Config::new().path_options(options))
        .add_listener(common::listener("http", 80, "HTTP", None, &refs));
    match builder.build() {
        Ok(router) => router,
        Err(errors) => panic!("build errors: {errors:#?}"),
    }
}

/// The outcome of routing `path`: `route/rule/match`, or why there is none.
fn route(router: &Router, path: &str) -> Result<String, NoRoute> {
    let headers = HeaderMap::new();
    let input = Input::new(&Method::GET, "example.com", path, &headers);
    router.try_route_input(&input).map(|m| common::describe(&m))
}

/// The default configuration (which reads `PROPTEST_CASES`), with
/// failures saved next to this file.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Normalising a normal path changes nothing, and costs no allocation
    /// (the result borrows its input).
    #[test]
    fn normalisation_is_idempotent(raw in raw_path(), opts in options()) {
        if let Ok(once) = normalize_path(&raw, opts) {
            let twice = normalize_path(&once, opts);
            prop_assert_eq!(twice.as_deref(), Ok(&*once), "raw {:?}", raw);
            prop_assert!(
                matches!(twice, Ok(Cow::Borrowed(_))),
                "the normal form {:?} of {:?} was copied again", once, raw
            );
        }
    }

    /// A request with a raw path reaches the same route, rule and match as
    /// a request with its normalised path; a path that does not normalise
    /// is refused with the normalisation error (400), never routed.
    #[test]
    fn request_is_routed_exactly_as_its_normalised_form(
        raws in prop::collection::vec(raw_path(), 16),
        opts in options(),
    ) {
        let router = router(opts);
        for raw in &raws {
            let got = route(&router, raw);
            match normalize_path(raw, opts) {
                Ok(normal) => {
                    let want = route(&router, &normal);
                    prop_assert!(
                        !matches!(want, Err(NoRoute::InvalidPath(_))),
                        "normal form {:?} of {:?} refused: {:?}", normal, raw, want
                    );
                    prop_assert_eq!(&got, &want, "raw {:?} vs normal {:?}", raw, normal);
                }
                Err(e) => {
                    prop_assert_eq!(&got, &Err(NoRoute::InvalidPath(e)), "raw {:?}", raw);
                }
            }
        }
    }
}
