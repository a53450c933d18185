//! Replays the router fuzz targets' saved inputs: every file under
//! `tests/fuzz/testdata/<target>/` goes through the same check the target
//! runs (the checks live in `fuzz/fuzz_targets/common.rs`, shared by path).
//! A minimised crash becomes a regression test by copying it there.

#[path = "../../fuzz/fuzz_targets/common.rs"]
#[allow(unreachable_pub, missing_docs, clippy::unwrap_used)]
mod fuzz_common;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/testdata")).join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("readable input");
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs in {}", dir.display());
    out
}

#[test]
fn saved_route_vs_reference_inputs_agree_with_the_reference() {
    for (path, bytes) in inputs("route_vs_reference") {
        eprintln!("replaying {}", path.display());
        fuzz_common::route_vs_reference(&bytes);
    }
}

#[test]
fn saved_router_build_inputs_build_without_panicking_and_errors_name_their_rule() {
    for (path, bytes) in inputs("router_build") {
        eprintln!("replaying {}", path.display());
        fuzz_common::router_build(&bytes);
    }
}

#[test]
fn pseudo_random_inputs_pass_both_router_checks() {
    // A fixed xorshift stream: the same few hundred inputs every run, so the
    // checks run in `cargo test` even where cargo-fuzz is not installed.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        fuzz_common::route_vs_reference(&bytes);
        fuzz_common::router_build(&bytes);
    }
}

#[test]
fn regex_built_to_blow_up_is_refused_at_the_default_limit_naming_it() {
    use gateway_match::{BuildErrorKind, Config, Router};
    let spec = r#"{"rules": [{"matches": [{"path": {"type": "RegularExpression", "value": "/((a{100}){100}){100}"}}]}]}"#;
    let listener =
        gateway_match::__doc_support::http_listener(&[("default/bomb", spec)]).expect("parses");
    let started = std::time::Instant::now();
    let mut builder = Router::builder();
    builder.add_listener(listener);
    let errors = builder.build().expect_err("the regex is refused");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].kind(),
        &BuildErrorKind::RegexTooBig {
            limit: Config::DEFAULT_REGEX_SIZE_LIMIT
        }
    );
    let text = errors[0].to_string();
    assert!(text.contains("default/bomb rule 0"), "{text}");
    assert!(text.contains("regex_size_limit"), "{text}");
}
