//! Every property path of every CRD `openAPIV3Schema` exists in this crate's
//! JSON Schema for the kind, and ours has none the CRD lacks.
//!
//! The CRDs are read from `../shared/gateway-api/crds/`. Without the
//! `experimental` feature our schema must equal the standard CRD's. With it,
//! it must equal the experimental CRD's, and also contain every standard path,
//! every extra path being one the experimental channel adds (so one build
//! checks both channels). `metadata` is left out on both sides: the CRDs
//! declare it only as `type: object`.
#![cfg(feature = "schemars")]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("GATEWAY_REQUIRE_SHARED").is_none(),
        "../shared is missing but GATEWAY_REQUIRE_SHARED is set"
    );
    eprintln!("skipped: ../shared not found beside the workspace");
    None
}

fn channel() -> &'static str {
    if cfg!(feature = "experimental") {
        "experimental"
    } else {
        "standard"
    }
}

/// Collects every property path below `node`, resolving `$ref`s into `defs`.
fn walk(node: &Value, defs: &Value, path: &str, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Some(obj) = node.as_object() else { return };
    if let Some(Value::String(r)) = obj.get("$ref") {
        let name = r.rsplit('/').next().unwrap_or_default();
        if let Some(target) = defs.get(name) {
            walk(target, defs, path, out, depth + 1);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = obj.get(key) {
            for sub in list {
                walk(sub, defs, path, out, depth + 1);
            }
        }
    }
    if let Some(Value::Object(props)) = obj.get("properties") {
        for (name, sub) in props {
            let p = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if p == "metadata" {
                continue;
            }
            out.insert(p.clone());
            walk(sub, defs, &p, out, depth + 1);
        }
    }
    if let Some(items) = obj.get("items") {
        walk(items, defs, &format!("{path}[]"), out, depth + 1);
    }
    if let Some(extra @ Value::Object(_)) = obj.get("additionalProperties") {
        walk(extra, defs, &format!("{path}{{}}"), out, depth + 1);
    }
}

fn crd_paths_in(channel: &str, file: &str, version: &str) -> Option<BTreeSet<String>> {
    let path = shared_dir()?
        .join("gateway-api/crds")
        .join(channel)
        .join(file);
    if !path.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(&path).expect("read CRD");
    let crd: Value = serde_saphyr::from_str(&text).expect("parse CRD");
    let versions = crd["spec"]["versions"].as_array().expect("versions");
    let v = versions.iter().find(|v| v["name"] == version)?;
    let mut out = BTreeSet::new();
    walk(
        &v["schema"]["openAPIV3Schema"],
        &Value::Null,
        "",
        &mut out,
        0,
    );
    Some(out)
}

fn our_paths(schema: schemars::Schema) -> BTreeSet<String> {
    let value = schema.to_value();
    let defs = value.get("$defs").cloned().unwrap_or(Value::Null);
    let mut out = BTreeSet::new();
    walk(&value, &defs, "", &mut out, 0);
    out
}

fn compare(file: &str, version: &str, ours: schemars::Schema) {
    let Some(crd) = crd_paths_in(channel(), file, version) else {
        return;
    };
    let ours = our_paths(ours);
    if cfg!(feature = "experimental")
        && let Some(std) = crd_paths_in("standard", file, version)
    {
        {
            let missing: Vec<_> = std.difference(&ours).collect();
            let not_experimental: Vec<_> = ours
                .difference(&std)
                .filter(|p| !crd.contains(*p))
                .collect();
            assert!(
                missing.is_empty() && not_experimental.is_empty(),
                "{file} {version} (standard channel, experimental build):\n  standard paths missing: {missing:#?}\n  extra paths that are not experimental: {not_experimental:#?}"
            );
        }
    }
    let missing: Vec<_> = crd.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&crd).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{file} {version} ({} channel):\n  in the CRD, not in ours: {missing:#?}\n  in ours, not in the CRD: {extra:#?}",
        channel()
    );
}

/// The versions each CRD serves in the channel under test (a version listed
/// with `served: false` is compared too: its schema is still published).
fn versions(file: &str) -> Vec<String> {
    let Some(dir) = shared_dir() else {
        return Vec::new();
    };
    let path = dir.join("gateway-api/crds").join(channel()).join(file);
    let text = std::fs::read_to_string(&path).expect("read CRD");
    let crd: Value = serde_saphyr::from_str(&text).expect("parse CRD");
    crd["spec"]["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["name"].as_str().map(str::to_owned))
        .collect()
}

macro_rules! schema_test {
    ($test:ident, $file:literal, $ty:ty) => {
        #[test]
        fn $test() {
            for version in versions($file) {
                compare($file, &version, schemars::schema_for!($ty));
            }
        }
    };
}

schema_test!(
    schema_paths_match_crd_gatewayclass,
    "gateway.networking.k8s.io_gatewayclasses.yaml",
    gateway_types::GatewayClass
);
schema_test!(
    schema_paths_match_crd_gateway,
    "gateway.networking.k8s.io_gateways.yaml",
    gateway_types::Gateway
);
schema_test!(
    schema_paths_match_crd_listenerset,
    "gateway.networking.k8s.io_listenersets.yaml",
    gateway_types::ListenerSet
);
schema_test!(
    schema_paths_match_crd_httproute,
    "gateway.networking.k8s.io_httproutes.yaml",
    gateway_types::HttpRoute
);
schema_test!(
    schema_paths_match_crd_grpcroute,
    "gateway.networking.k8s.io_grpcroutes.yaml",
    gateway_types::GrpcRoute
);
schema_test!(
    schema_paths_match_crd_tlsroute,
    "gateway.networking.k8s.io_tlsroutes.yaml",
    gateway_types::TlsRoute
);
schema_test!(
    schema_paths_match_crd_tcproute,
    "gateway.networking.k8s.io_tcproutes.yaml",
    gateway_types::TcpRoute
);
schema_test!(
    schema_paths_match_crd_udproute,
    "gateway.networking.k8s.io_udproutes.yaml",
    gateway_types::UdpRoute
);
schema_test!(
    schema_paths_match_crd_referencegrant,
    "gateway.networking.k8s.io_referencegrants.yaml",
    gateway_types::ReferenceGrant
);
schema_test!(
    schema_paths_match_crd_backendtlspolicy,
    "gateway.networking.k8s.io_backendtlspolicies.yaml",
    gateway_types::BackendTlsPolicy
);
#[cfg(feature = "experimental")]
schema_test!(
    schema_paths_match_crd_xbackend,
    "gateway.networking.x-k8s.io_xbackends.yaml",
    gateway_types::x::XBackend
);
#[cfg(feature = "experimental")]
schema_test!(
    schema_paths_match_crd_xbackendtrafficpolicy,
    "gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml",
    gateway_types::x::XBackendTrafficPolicy
);
#[cfg(feature = "experimental")]
schema_test!(
    schema_paths_match_crd_xmesh,
    "gateway.networking.x-k8s.io_xmeshes.yaml",
    gateway_types::x::XMesh
);
