//! Replays the `load_yaml` fuzz target's saved inputs: every file under
//! `tests/fuzz/testdata/load_yaml/` goes through the target's check (load
//! without panicking, quickly; every loaded object serialises and loads
//! again to the same object; every error renders). A minimised crash from
//! `fuzz/artifacts/load_yaml/` becomes a regression test by copying it there.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gateway_types::load::{Limit, LoadErrorKind, Loaded, Loader};

/// The `load_yaml` target's check (see `fuzz/fuzz_targets/load_yaml.rs`).
fn check(name: &str, bytes: &[u8]) -> Loaded {
    let started = Instant::now();
    let loaded = Loader::new().load_bytes(name, bytes);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{name}: took {elapsed:?}");
    for o in &loaded.objects {
        let json = serde_json::to_string(&o.object).expect("a loaded object serialises");
        let again = Loader::new().load_str("again.json", &json);
        assert_eq!(again.objects.len(), 1, "{name}: {json}");
        assert_eq!(again.objects[0].object, o.object, "{name}: {json}");
    }
    for e in loaded.errors.iter().chain(&loaded.warnings) {
        assert!(!e.to_string().is_empty());
    }
    loaded
}

fn limit_errors(loaded: &Loaded) -> Vec<Limit> {
    loaded
        .errors
        .iter()
        .filter_map(|e| match e.kind() {
            LoadErrorKind::LimitExceeded { limit, .. } => Some(*limit),
            _ => None,
        })
        .collect()
}

#[test]
fn saved_load_yaml_inputs_load_without_panicking_and_round_trip() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz/testdata/load_yaml"
    ));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    for path in files {
        let bytes = std::fs::read(&path).expect("readable input");
        check(&path.display().to_string(), &bytes);
    }
}

#[test]
fn seeded_alias_bomb_is_refused_by_the_alias_limit_and_the_next_document_loads() {
    let bytes = include_bytes!("fuzz/testdata/load_yaml/seed-alias-bomb.yaml");
    let loaded = check("bomb", bytes);
    assert_eq!(limit_errors(&loaded), [Limit::AliasNodes]);
    assert_eq!(loaded.objects.len(), 1);
}

#[test]
fn seeded_deep_nesting_is_refused_by_the_depth_limit() {
    for bytes in [
        &include_bytes!("fuzz/testdata/load_yaml/seed-deep-flow-nesting.yaml")[..],
        &include_bytes!("fuzz/testdata/load_yaml/seed-deep-block-nesting.yaml")[..],
    ] {
        let loaded = check("deep", bytes);
        assert_eq!(limit_errors(&loaded), [Limit::Depth]);
    }
}

#[test]
fn fifty_mib_manifest_is_refused_with_an_error_naming_the_limit() {
    // One 50 MiB document: under the 64 MiB input limit, over the 8 MiB
    // document limit.
    let mut src = String::with_capacity(51 << 20);
    src.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: ");
    src.push_str(&"x".repeat(50 << 20));
    src.push('\n');
    let started = Instant::now();
    let loaded = Loader::new().load_str("big.yaml", &src);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert!(loaded.objects.is_empty());
    assert_eq!(limit_errors(&loaded), [Limit::DocumentBytes]);
    let text = loaded.errors[0].to_string();
    assert!(text.contains(Limit::DocumentBytes.name()), "{text}");
}
