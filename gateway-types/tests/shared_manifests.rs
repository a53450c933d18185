//! The manifests in `../shared`: the upstream v1.6.1 examples load cleanly
//! and survive serialise-then-load; the real-world manifests of other
//! projects load without panicking, and every error or warning they cause
//! names its file, line and column.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use gateway_types::{LoadError, Loaded, Loader};

/// Loads every manifest under `dir` one file at a time and returns, per file,
/// what it loaded.
fn load_each(dir: &Path) -> Vec<(String, Loaded)> {
    let files = support::manifest_files(dir);
    assert!(!files.is_empty(), "no manifests under {}", dir.display());
    files
        .iter()
        .map(|file| (file.display().to_string(), Loader::new().load_path(file)))
        .collect()
}

/// Asserts that every file under `dir` loads with no error and no warning,
/// and that every object it holds loads back equal from its JSON.
fn assert_clean_and_roundtrip(dir: &Path) {
    let mut problems = Vec::new();
    let mut objects = 0;
    for (file, loaded) in load_each(dir) {
        problems.extend(loaded.errors.iter().map(|e| format!("error: {e}")));
        problems.extend(loaded.warnings.iter().map(|w| format!("warning: {w}")));
        for s in &loaded.skipped {
            println!("note: {s}");
        }
        if loaded.objects.is_empty() && loaded.errors.is_empty() {
            problems.push(format!("{file}: no objects"));
        }
        for o in &loaded.objects {
            objects += 1;
            if let Some(problem) = support::roundtrip_problem(&o.object) {
                problems.push(format!(
                    "{file}:{}: {} does not round-trip: {problem}",
                    o.source.line(),
                    o.object.kind()
                ));
            }
        }
    }
    println!("{objects} objects under {}", dir.display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn standard_examples_load_without_errors_or_warnings_and_roundtrip() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    assert_clean_and_roundtrip(&shared.join("gateway-api/examples/standard"));
}

/// The experimental examples use experimental fields and versions, which a
/// build without the `experimental` feature reports as warnings.
#[cfg(feature = "experimental")]
#[test]
fn experimental_examples_load_without_errors_or_warnings_and_roundtrip() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    assert_clean_and_roundtrip(&shared.join("gateway-api/examples/experimental"));
}

/// Without the `experimental` feature, experimental fields are unknown
/// fields: warnings, never errors, and the objects still load.
#[cfg(not(feature = "experimental"))]
#[test]
fn experimental_examples_load_without_errors_in_a_standard_build() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    for (file, loaded) in load_each(&shared.join("gateway-api/examples/experimental")) {
        assert!(loaded.errors.is_empty(), "{file}: {:#?}", loaded.errors);
        assert!(!loaded.objects.is_empty(), "{file}: no objects");
    }
}

/// Whether a load error or warning carries its position, both in its
/// accessors and at the start of its message.
fn is_located(file: &str, e: &LoadError) -> bool {
    e.file() == file
        && e.line() >= 1
        && e.column() >= 1
        && e.to_string()
            .starts_with(&format!("{file}:{}:{}: ", e.line(), e.column()))
}

#[test]
fn real_world_manifests_load_without_panics_and_every_error_is_located() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let mut unlocated = Vec::new();
    let mut unstable = Vec::new();
    let mut skipped_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let (mut files, mut objects, mut errors, mut warnings) = (0, 0, 0, 0);
    for (file, loaded) in load_each(&shared.join("real-world")) {
        files += 1;
        objects += loaded.objects.len();
        errors += loaded.errors.len();
        warnings += loaded.warnings.len();
        for e in loaded.errors.iter().chain(&loaded.warnings) {
            if !is_located(&file, e) {
                unlocated.push(format!("{e:?}"));
            }
        }
        for e in &loaded.errors {
            println!("error: {e}");
        }
        for w in &loaded.warnings {
            println!("warning: {w}");
        }
        for s in &loaded.skipped {
            *skipped_kinds
                .entry(format!("{} {}", s.api_version, s.kind))
                .or_default() += 1;
        }
        // What loads must also survive serialise-then-load.
        for o in &loaded.objects {
            if let Some(problem) = support::roundtrip_problem(&o.object) {
                unstable.push(format!("{file}:{}: {problem}", o.source.line()));
            }
        }
    }
    println!(
        "{files} files: {objects} objects, {errors} errors, {warnings} warnings, \
         {} skipped",
        skipped_kinds.values().sum::<usize>()
    );
    for (kind, n) in &skipped_kinds {
        println!("skipped {n} x {kind}");
    }
    assert!(objects > 800, "only {objects} objects loaded");
    assert!(unlocated.is_empty(), "{}", unlocated.join("\n"));
    assert!(unstable.is_empty(), "{}", unstable.join("\n"));
}
