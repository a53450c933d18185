//! Helpers shared by the integration tests that read `../shared` or
//! round-trip objects through the loader.

use std::path::{Path, PathBuf};

use gateway_types::{LoadErrorKind, Loader, Object};

/// `../shared` beside the workspace root, or `None` (after saying so) when it
/// is missing. A missing `../shared` fails the test when
/// `GATEWAY_REQUIRE_SHARED=1`.
#[allow(dead_code)] // not every test file that includes this module reads ../shared
pub(crate) fn shared_dir() -> Option<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let shared = root.join("../shared");
    if shared.is_dir() {
        return Some(shared);
    }
    assert!(
        std::env::var("GATEWAY_REQUIRE_SHARED").as_deref() != Ok("1"),
        "../shared not found at {} and GATEWAY_REQUIRE_SHARED=1",
        shared.display()
    );
    println!("skipped: ../shared not found");
    None
}

/// Every `*.yaml`, `*.yml` and `*.json` file below `dir`, sorted.
#[allow(dead_code)] // not every test file that includes this module reads ../shared
pub(crate) fn manifest_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("read a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Serialises `object` with serde_json, loads the JSON text through the
/// [`Loader`] and returns why the result is not exactly `object` again, if
/// it is not. An object written in a version the crate does not serve loads
/// back with the same [`UnservedVersion`](LoadErrorKind::UnservedVersion)
/// warning it loaded with the first time; that warning is not a problem here.
pub(crate) fn roundtrip_problem(object: &Object) -> Option<String> {
    let json = match serde_json::to_string_pretty(object) {
        Ok(json) => json,
        Err(e) => return Some(format!("does not serialise: {e}")),
    };
    let loaded = Loader::new().load_str("roundtrip.json", &json);
    let mut problems: Vec<String> = Vec::new();
    problems.extend(loaded.errors.iter().map(|e| format!("error: {e}")));
    problems.extend(
        loaded
            .warnings
            .iter()
            .filter(|w| !matches!(w.kind(), LoadErrorKind::UnservedVersion { .. }))
            .map(|w| format!("warning: {w}")),
    );
    problems.extend(loaded.skipped.iter().map(|s| format!("skipped: {s}")));
    match loaded.objects.as_slice() {
        [again] if again.object == *object => {}
        [again] => problems.push(format!(
            "loads back different:\n  was:   {object:?}\n  again: {:?}",
            again.object
        )),
        objects => problems.push(format!("loads back as {} objects", objects.len())),
    }
    (!problems.is_empty()).then(|| format!("{}\n--- serialised:\n{json}", problems.join("\n")))
}
