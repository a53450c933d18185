//! Every route test file translated from the upstream conformance suite
//! (`../shared/conformance/upstream/*.yaml`) loads with no error.

use std::path::PathBuf;

use gwcheck::testfile::{
    self, DEFAULT_GATEWAY_CLASS_NAME, DEFAULT_GATEWAY_CONTROLLER_NAME, Outcome, ParentKind,
    RequestTarget, SourceOrigin, TestFile,
};

/// The upstream test folder, or `None` (after saying so) when `../shared` is
/// missing and GATEWAY_REQUIRE_SHARED=1 is not set.
fn upstream_folder() -> Option<PathBuf> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let shared = root.join("../shared");
    if !shared.is_dir() {
        assert!(
            std::env::var("GATEWAY_REQUIRE_SHARED").as_deref() != Ok("1"),
            "../shared not found and GATEWAY_REQUIRE_SHARED=1"
        );
        println!("skipped: ../shared not found");
        return None;
    }
    Some(shared.join("conformance/upstream"))
}

#[test]
fn every_upstream_test_file_loads() {
    let Some(folder) = upstream_folder() else {
        return;
    };
    let files = testfile::discover(&folder).expect("list the upstream folder");
    assert!(files.len() >= 100, "found only {} test files", files.len());
    let mut failures = Vec::new();
    // Which request forms and parent kinds the files use, to show the loader
    // saw each shape in practice.
    let mut forms = [false; 4];
    let mut listener_set_parent = false;
    for file in &files {
        let loaded = match TestFile::load(file) {
            Ok(loaded) => loaded,
            Err(err) => {
                failures.push(err.to_string());
                continue;
            }
        };
        let test = loaded.test();
        let cases = test
            .requests
            .iter()
            .chain(test.steps.iter().flat_map(|s| s.requests.iter()));
        for case in cases {
            let i = match case.request.target() {
                RequestTarget::Http(_) => 0,
                RequestTarget::Grpc(_) => 1,
                RequestTarget::Tls { .. } => 2,
                RequestTarget::Stream { .. } => 3,
                _ => unreachable!("no other form in v1.1"),
            };
            forms[i] = true;
        }
        listener_set_parent |= test
            .expect
            .routes
            .iter()
            .flat_map(|r| &r.parents)
            .any(|p| p.parent_ref.kind == ParentKind::ListenerSet);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(forms, [true; 4], "http, grpc, tls, tcp/udp");
    assert!(listener_set_parent);
}

#[test]
fn discovery_takes_yaml_files_in_name_order_and_no_sub_folders() {
    let Some(folder) = upstream_folder() else {
        return;
    };
    let files = testfile::discover(&folder).expect("list the upstream folder");
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.iter().all(|n| n.ends_with(".yaml")));
    assert!(!names.iter().any(|n| n == "INDEX.md"));
    // base/manifests.yaml and manifests/*.yaml live in sub-folders.
    assert!(files.iter().all(|f| f.parent() == Some(folder.as_path())));
}

#[test]
fn load_assembles_manifest_files_in_order_then_steps() {
    let Some(folder) = upstream_folder() else {
        return;
    };
    let loaded = TestFile::load(folder.join("httproute-reference-grant.yaml")).unwrap();
    let origins: Vec<&SourceOrigin> = loaded.sources().iter().map(|s| s.origin()).collect();
    assert_eq!(
        origins,
        [
            &SourceOrigin::File(folder.join("base/manifests.yaml")),
            &SourceOrigin::File(folder.join("base/programmatic.yaml")),
            &SourceOrigin::File(folder.join("manifests/httproute-reference-grant.yaml")),
        ]
    );
    assert!(loaded.sources()[0].text().contains("kind: Gateway"));
    let step = &loaded.test().steps[0];
    assert_eq!(
        step.delete[0].to_string(),
        "ReferenceGrant gateway-conformance-web-backend/reference-grant"
    );
    assert!(
        matches!(&step.requests[0].expect.outcome, Outcome::Status(codes) if codes.codes() == [500])
    );
}

#[test]
fn placeholders_are_replaced_in_manifest_files() {
    let Some(folder) = upstream_folder() else {
        return;
    };
    let loaded = TestFile::load(folder.join("httproute-simple-same-namespace.yaml")).unwrap();
    assert!(
        loaded
            .sources()
            .iter()
            .any(|s| s.text().contains("{GATEWAY_CLASS_NAME}"))
    );
    let resolved =
        loaded.resolved_sources(DEFAULT_GATEWAY_CLASS_NAME, DEFAULT_GATEWAY_CONTROLLER_NAME);
    assert!(
        resolved
            .iter()
            .all(|s| !s.text().contains("{GATEWAY_CLASS_NAME}"))
    );
    assert!(
        resolved
            .iter()
            .any(|s| s.text().contains("gatewayClassName: \"gwcheck\""))
    );
}
