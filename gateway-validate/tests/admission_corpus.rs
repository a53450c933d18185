//! Admission of the shared corpus: every upstream example passes, and so does
//! every real-world manifest its project does not mark as wrong on purpose,
//! except the few a v1.6.1 API server refuses, listed here with the reason.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use gateway_types::Loader;
use gateway_validate::admission::admit;
use gateway_validate::{Channel, Finding, Options, Snapshot};

use common::{shared, yaml_files};

/// Loads a file with the project's loader and admits every object: for each
/// object (`Kind name`) its admission errors as `rule at field`, and for each
/// document that did not load, `load error: ...`.
fn check_file(file: &Path, channel: Channel) -> Vec<(String, Vec<String>)> {
    let loaded = Loader::new().load_path(file);
    let mut out = Vec::new();
    for e in &loaded.errors {
        let object = e.object().unwrap_or("?").to_owned();
        let object = object.split_once(' ').map_or(object.clone(), |(k, rest)| {
            // `HTTPRoute default/web` -> `HTTPRoute web`
            format!("{k} {}", rest.rsplit('/').next().unwrap_or(rest))
        });
        out.push((object, vec![format!("load error: {e}")]));
    }
    let snapshot = Snapshot::from_loaded(&loaded);
    for entry in snapshot.entries() {
        let group = entry.object.group();
        if !group.starts_with("gateway.networking.") {
            continue;
        }
        let name = entry.object.metadata().name.clone().unwrap_or_default();
        let errors: Vec<String> = admit(entry, None, &Options::new().channel(channel))
            .iter()
            .filter(|f| f.is_error())
            .map(|f: &Finding| format!("{} at {}", f.rule, f.field))
            .collect();
        out.push((format!("{} {name}", entry.object.kind()), errors));
    }
    out
}

#[test]
fn every_upstream_example_passes_admission() {
    let Some(shared) = shared() else { return };
    let root = shared.join("gateway-api/examples");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (dir, channel) in [
        ("standard", Channel::Standard),
        ("experimental", Channel::Experimental),
    ] {
        for file in yaml_files(&root.join(dir)) {
            for (object, errs) in check_file(&file, channel) {
                checked += 1;
                if !errs.is_empty() {
                    failures.push(format!("{} {object}: {errs:?}", file.display()));
                }
            }
        }
    }
    println!("{checked} upstream example objects admitted");
    assert!(checked > 50, "only {checked} examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The files the corpus README lists as wrong on purpose at level `reject`.
fn negative_files(readme: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(readme).expect("README");
    text.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() > 3 && cells[2] == "reject").then(|| cells[1].trim_matches('`').to_owned())
        })
        .collect()
}

/// Objects a v1.6.1 API server refuses although their project does not mark
/// them as negative examples: (file, object, the error we report).
const KNOWN_REFUSED: &[(&str, &str, &str)] = &[
    // TLSRoute v1 requires `hostnames` (v1alpha2 did not); traefik's
    // fixtures were written for v1alpha2 and moved to v1 without them.
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__simple.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_core_group.yaml",
        "TLSRoute tls-app-default",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_multiple_listeners_using_same_hostname_port_protocol.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_namespace_selector.yaml",
        "TLSRoute tls-app-default",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_namespace_selector.yaml",
        "TLSRoute tls-app-bar",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_wrong_routes_selector.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__referencegrant__for_secret.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__tlsroute__with_backend_tls_policy.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__tlsroute__with_multiple_routes_kind.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__tlsroute__with_passthrough.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__tlsroute__with_protocol_tcp.yaml",
        "TLSRoute tls-app-1",
        "schema.required at spec.hostnames",
    ),
    // Kong's translator fixtures omit `gatewayClassName`, a required field
    // our types hold as a plain string: a load error, not a finding.
    (
        "Kong-kubernetes-ingress-controller/internal__dataplane__testdata__golden__tcproute-example__in.yaml",
        "Gateway example-tcp-gateway",
        "load error",
    ),
    (
        "Kong-kubernetes-ingress-controller/internal__dataplane__testdata__golden__udproute-example__in.yaml",
        "Gateway example-udp-gateway",
        "load error",
    ),
    // Names with upper-case letters are no DNS subdomains; istio's unit
    // tests read these without an API server.
    (
        "istio-istio/pilot__pkg__config__kube__gateway__testdata__invalid.yaml",
        "HTTPRoute invalid-",
        "metadata.name.format at metadata.name",
    ),
    // CEL rules the corpus README's structural check did not evaluate:
    // R84, targetRefs to one Service mixing set and unset sectionName.
    (
        "istio-istio/pilot__pkg__config__kube__gateway__testdata__backend-tls-policy.yaml",
        "BackendTLSPolicy tls-upstream-echo-https-merged-rules",
        "backendtlspolicy.target-refs.section-name-all-or-none",
    ),
    // R87, a validation without caCertificateRefs or wellKnownCACertificates.
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__httproute__with_backend_tls_policy_san.yaml",
        "BackendTLSPolicy policy-1",
        "backendtlspolicy.validation.ca-source-required",
    ),
    // R11, a TLS listener without `tls`.
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_incompatible_protocol_and_route_kind.yaml",
        "Gateway my-gateway",
        "listeners.tls-mode-required",
    ),
    // R14 (same port, protocol and hostname twice) and R12 (a TCP listener with a hostname).
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__mixed__with_multiple_listeners_using_same_hostname_port_protocol.yaml",
        "Gateway my-gateway-",
        "listeners.",
    ),
    (
        "traefik-traefik/pkg__provider__kubernetes__gateway__fixtures__tlsroute__with_protocol_tcp.yaml",
        "Gateway my-gateway",
        "listeners.hostname-not-allowed",
    ),
    // Versions v1.6.1 no longer defines.
    (
        "cilium-cilium/examples__kubernetes__gateway__grpc-route.yaml",
        "GRPCRoute",
        "version.not-served at apiVersion",
    ),
    (
        "haproxytech-kubernetes-ingress/",
        "GatewayClass",
        "version.not-served at apiVersion",
    ),
    (
        "haproxytech-kubernetes-ingress/",
        "Gateway",
        "version.not-served at apiVersion",
    ),
    (
        "haproxytech-kubernetes-ingress/",
        "ReferenceGrant",
        "version.not-served at apiVersion",
    ),
];

fn known(file: &str, object: &str, errors: &[String]) -> bool {
    KNOWN_REFUSED.iter().any(|(f, o, why)| {
        file.contains(f) && object.starts_with(o) && errors.iter().any(|e| e.starts_with(why))
    })
}

#[test]
fn every_real_world_manifest_not_marked_negative_passes_admission() {
    let Some(shared) = shared() else { return };
    let root = shared.join("real-world");
    let negative = negative_files(&root.join("README.md"));
    assert!(negative.len() >= 2, "README lists {negative:?}");
    let mut checked = 0;
    let mut refused = Vec::new();
    let mut failures = Vec::new();
    for file in yaml_files(&root) {
        let rel = file
            .strip_prefix(&root)
            .expect("below root")
            .display()
            .to_string();
        if negative.contains(&rel) {
            continue;
        }
        // The experimental channel serves every version and field the
        // corpus uses; the standard channel would refuse the v1alpha2
        // routes and the x-k8s kinds outright.
        for (object, errs) in check_file(&file, Channel::Experimental) {
            checked += 1;
            if errs.is_empty() {
                continue;
            }
            let line = format!("{rel}: {object}: {errs:?}");
            if known(&rel, &object, &errs) {
                refused.push(line);
            } else {
                failures.push(line);
            }
        }
    }
    println!("{checked} real-world objects checked; refused as expected:");
    for r in &refused {
        println!("  {r}");
    }
    assert!(checked > 700, "only {checked} objects");
    assert!(
        failures.is_empty(),
        "{} unexpected refusals:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        refused.len(),
        33,
        "the known refusals changed:\n{}",
        refused.join("\n")
    );
}

#[test]
fn negative_real_world_manifests_that_break_the_schema_are_refused() {
    let Some(shared) = shared() else { return };
    let file = shared.join(
        "real-world/envoyproxy-gateway/internal__cmd__egctl__testdata__validate__invalid-resources.yaml",
    );
    let mut all = Vec::new();
    for (object, errs) in check_file(&file, Channel::Standard) {
        for e in errs {
            all.push(format!("{object}: {e}"));
        }
    }
    for want in [
        "Gateway eg1: schema.maximum at spec.listeners[0].port",
        "Gateway eg2: listeners.unique-names at spec.listeners[1].name",
        "HTTPRoute backend: schema.pattern.hostname at spec.hostnames[0]",
    ] {
        assert!(all.iter().any(|a| a == want), "missing {want} in {all:#?}");
    }
}
