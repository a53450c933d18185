//! `status_of_admitted` (the status pass alone) computes the same statuses and
//! routing view as `validate` for every manifest file that admission accepts
//! whole: the upstream examples, the real-world corpus and our own example
//! store.

mod common;

use std::path::{Path, PathBuf};

use gateway_types::Loader;
use gateway_validate::{Options, Report, Snapshot, status_of_admitted, validate};

use common::{shared, yaml_files};

/// Every status of the snapshot's objects in `report`, as comparable text.
fn statuses(snapshot: &Snapshot, report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for entry in snapshot.entries() {
        let o = &entry.object;
        let m = o.metadata();
        let name = m.name.as_deref().unwrap_or_default();
        let ns = m.namespace.as_deref().unwrap_or("default");
        let status = match o.kind() {
            "GatewayClass" => format!("{:?}", report.gateway_class_status(name)),
            "Gateway" => format!("{:?}", report.gateway_status(ns, name)),
            "ListenerSet" => format!("{:?}", report.listener_set_status(ns, name)),
            "BackendTLSPolicy" => format!("{:?}", report.policy_status(o.kind(), ns, name)),
            kind => format!("{:?}", report.route_status(kind, ns, name)),
        };
        out.push(format!("{} {ns}/{name}: {status}", o.kind()));
    }
    out
}

/// Checks one file; `false` when admission rejected something (not compared).
fn same_status_as_validate(file: &Path, options: &Options) -> bool {
    let loaded = Loader::new().load_path(file);
    let snapshot = Snapshot::from_loaded(&loaded);
    let full = validate(&snapshot, options);
    if !full.rejected().is_empty() {
        return false;
    }
    let alone = status_of_admitted(&snapshot, options);
    assert_eq!(
        statuses(&snapshot, &alone),
        statuses(&snapshot, &full),
        "{}",
        file.display()
    );
    assert_eq!(alone.routings(), full.routings(), "{}", file.display());
    assert!(alone.rejected().is_empty());
    true
}

#[test]
fn status_pass_alone_matches_validate_when_admission_accepts_everything() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut files: Vec<PathBuf> = vec![root.join("examples/manifests/store.yaml")];
    if let Some(shared) = shared() {
        files.extend(yaml_files(&shared.join("gateway-api/examples")));
        files.extend(yaml_files(&shared.join("real-world")));
    }
    // Act for every class, and also as one named class the files may lack.
    let options = [Options::new(), Options::new().gateway_class("example")];
    let mut compared = 0;
    for file in &files {
        for o in &options {
            compared += usize::from(same_status_as_validate(file, o));
        }
    }
    assert!(compared > 0, "no file was admitted whole");
    eprintln!("compared {compared} file runs of {}", files.len() * 2);
}
