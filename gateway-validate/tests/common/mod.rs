//! Helpers shared by the integration tests: the shared corpus and a small
//! YAML reader that turns documents into typed objects.

#![allow(dead_code, unreachable_pub)] // each test binary uses a part

use std::path::{Path, PathBuf};

use gateway_types::Object;
use gateway_types::object::split_api_version;
use serde_json::Value;

/// The shared corpus (`../shared` beside the workspace), or `None` with a
/// "skipped" note; a failure when `GATEWAY_REQUIRE_SHARED=1`.
pub fn shared() -> Option<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("../shared");
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var("GATEWAY_REQUIRE_SHARED").as_deref() != Ok("1"),
        "../shared not found and GATEWAY_REQUIRE_SHARED=1"
    );
    eprintln!("skipped: ../shared not found");
    None
}

/// Every `*.yaml`/`*.yml` file below `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The documents of a YAML file as JSON (empty documents dropped).
pub fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("readable file");
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    docs.into_iter().filter(|d| !d.is_null()).collect()
}

/// Whether a document is a Gateway API object (either group).
pub fn is_gateway_api(doc: &Value) -> bool {
    doc["apiVersion"].as_str().is_some_and(|a| {
        a.starts_with("gateway.networking.k8s.io/") || a.starts_with("gateway.networking.x-k8s.io/")
    })
}

/// `Kind name` of a document, for messages.
pub fn label(doc: &Value) -> String {
    format!(
        "{} {}",
        doc["kind"].as_str().unwrap_or("?"),
        doc["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// The typed object of a document, or the reason it does not load.
pub fn object(doc: &Value) -> Result<Object, String> {
    let api_version = doc["apiVersion"].as_str().unwrap_or_default();
    let kind = doc["kind"].as_str().unwrap_or_default();
    let (group, _) = split_api_version(api_version);
    match Object::deserialize_kind(group, kind, doc.clone()) {
        Some(Ok(o)) => Ok(o),
        Some(Err(e)) => Err(format!("load error: {e}")),
        None => Err(format!("unknown kind {group}/{kind}")),
    }
}
