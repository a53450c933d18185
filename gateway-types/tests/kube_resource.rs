//! With the `kube` feature every kind is a `kube_core::Resource` whose
//! group, version, kind, plural, scope and URL path are the API server's,
//! and whose metadata accessors reach the object's own metadata.
//!
//! The expected values are written out here, from the v1.6.1 CRDs and the
//! core API, rather than read back from the crate.
#![cfg(all(feature = "kube", feature = "schemars"))]

use std::collections::BTreeMap;

use gateway_types::{ApiObject, MetaExt};
use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope};
use kube_core::{Resource, ResourceExt};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

const GATEWAY: &str = "gateway.networking.k8s.io";
#[cfg(feature = "experimental")]
const X: &str = "gateway.networking.x-k8s.io";

/// What the API server says about a kind.
struct Expected {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
}

/// The smallest JSON `schema` accepts: every required property, with empty
/// strings, zeros, empty lists and minimal objects as values.
fn minimal(schema: &Value, defs: &Map<String, Value>) -> Value {
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r.trim_start_matches("#/$defs/");
        return minimal(&defs[name], defs);
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values[0].clone();
    }
    if let Some(Value::Array(branches)) = schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        return minimal(&branches[0], defs);
    }
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types[0].as_str().unwrap_or("object"),
        Some(Value::String(t)) => t.as_str(),
        _ => "object",
    };
    match ty {
        "string" => json!(""),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        "array" => json!([]),
        "null" => Value::Null,
        _ => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let required = schema.get("required").and_then(Value::as_array);
            let mut object = Map::new();
            for name in required.into_iter().flatten().filter_map(Value::as_str) {
                if let Some(property) = properties.and_then(|p| p.get(name)) {
                    object.insert(name.to_owned(), minimal(property, defs));
                }
            }
            Value::Object(object)
        }
    }
}

/// A minimal `K` named `name` in `namespace`.
fn object<K: DeserializeOwned + schemars::JsonSchema>(name: &str, namespace: Option<&str>) -> K {
    let schema = serde_json::to_value(schemars::schema_for!(K)).expect("a schema serialises");
    let defs = schema["$defs"].as_object().cloned().unwrap_or_default();
    let mut value = minimal(&schema, &defs);
    value["metadata"] = json!({"name": name});
    if let Some(ns) = namespace {
        value["metadata"]["namespace"] = json!(ns);
    }
    serde_json::from_value(value).expect("the value fits the kind")
}

fn api_version(e: &Expected) -> String {
    if e.group.is_empty() {
        e.version.to_owned()
    } else {
        format!("{}/{}", e.group, e.version)
    }
}

/// The path prefix of the kind's API: `/api/v1` or `/apis/<group>/<version>`.
fn api_root(e: &Expected) -> String {
    if e.group.is_empty() {
        format!("/api/{}", e.version)
    } else {
        format!("/apis/{}/{}", e.group, e.version)
    }
}

/// What every kind shares: names, api version and metadata access.
fn check_common<K>(e: &Expected, namespace: Option<&str>)
where
    K: Resource<DynamicType = ()> + ApiObject + DeserializeOwned + schemars::JsonSchema,
{
    assert_eq!(K::group(&()), e.group, "{}", e.kind);
    assert_eq!(K::version(&()), e.version, "{}", e.kind);
    assert_eq!(K::kind(&()), e.kind);
    assert_eq!(K::plural(&()), e.plural, "{}", e.kind);
    assert_eq!(
        <K as Resource>::api_version(&()),
        api_version(e),
        "{}",
        e.kind
    );
    // The crate's own constants agree with what kube sees.
    assert_eq!(
        (K::GROUP, K::VERSION, K::KIND, K::PLURAL),
        (e.group, e.version, e.kind, e.plural)
    );

    let mut o: K = object("web", namespace);
    assert_eq!(o.meta().name.as_deref(), Some("web"));
    assert_eq!(o.name_any(), "web");
    assert_eq!(o.namespace().as_deref(), namespace);
    o.labels_mut().insert("app".to_owned(), "store".to_owned());
    o.meta_mut().generation = Some(7);
    o.meta_mut().uid = Some("u-1".to_owned());
    // Written through kube, read through the crate.
    assert_eq!(ApiObject::metadata(&o).label("app"), Some("store"));
    assert_eq!(ApiObject::metadata(&o).generation, Some(7));
    assert_eq!(
        o.labels(),
        &BTreeMap::from([("app".to_owned(), "store".to_owned())])
    );
    let r = o.object_ref(&());
    assert_eq!(r.api_version, Some(api_version(e)));
    assert_eq!(r.kind.as_deref(), Some(e.kind));
    assert_eq!(r.name.as_deref(), Some("web"));
    assert_eq!(r.namespace.as_deref(), namespace);
    assert_eq!(r.uid.as_deref(), Some("u-1"));
}

/// A namespaced kind: its path lists objects of one namespace, and the
/// scope is `NamespaceResourceScope` (checked by the bound).
fn namespaced<K>(e: &Expected)
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + ApiObject
        + DeserializeOwned
        + schemars::JsonSchema,
{
    assert!(K::NAMESPACED, "{}", e.kind);
    assert_eq!(
        K::url_path(&(), Some("ns")),
        format!("{}/namespaces/ns/{}", api_root(e), e.plural)
    );
    assert_eq!(
        K::url_path(&(), None),
        format!("{}/{}", api_root(e), e.plural)
    );
    check_common::<K>(e, Some("ns"));
}

/// A cluster-scoped kind: no namespace in its path or its objects, and the
/// scope is `ClusterResourceScope` (checked by the bound).
fn cluster_scoped<K>(e: &Expected)
where
    K: Resource<DynamicType = (), Scope = ClusterResourceScope>
        + ApiObject
        + DeserializeOwned
        + schemars::JsonSchema,
{
    assert!(!K::NAMESPACED, "{}", e.kind);
    assert_eq!(
        K::url_path(&(), None),
        format!("{}/{}", api_root(e), e.plural)
    );
    check_common::<K>(e, None);
}

macro_rules! expected {
    ($group:expr, $version:literal, $kind:literal, $plural:literal) => {
        &Expected {
            group: $group,
            version: $version,
            kind: $kind,
            plural: $plural,
        }
    };
}

#[test]
fn http_route_url_path_is_namespaced_under_the_gateway_group() {
    assert_eq!(
        <gateway_types::HttpRoute as Resource>::url_path(&(), Some("ns")),
        "/apis/gateway.networking.k8s.io/v1/namespaces/ns/httproutes"
    );
}

#[test]
fn gateway_class_url_path_has_no_namespace() {
    assert_eq!(
        <gateway_types::GatewayClass as Resource>::url_path(&(), None),
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses"
    );
}

#[test]
fn gateway_api_kinds_are_kube_resources_with_the_api_servers_names() {
    use gateway_types as g;
    cluster_scoped::<g::GatewayClass>(expected!(GATEWAY, "v1", "GatewayClass", "gatewayclasses"));
    namespaced::<g::Gateway>(expected!(GATEWAY, "v1", "Gateway", "gateways"));
    namespaced::<g::ListenerSet>(expected!(GATEWAY, "v1", "ListenerSet", "listenersets"));
    namespaced::<g::HttpRoute>(expected!(GATEWAY, "v1", "HTTPRoute", "httproutes"));
    namespaced::<g::GrpcRoute>(expected!(GATEWAY, "v1", "GRPCRoute", "grpcroutes"));
    namespaced::<g::TlsRoute>(expected!(GATEWAY, "v1", "TLSRoute", "tlsroutes"));
    namespaced::<g::TcpRoute>(expected!(GATEWAY, "v1", "TCPRoute", "tcproutes"));
    namespaced::<g::UdpRoute>(expected!(GATEWAY, "v1", "UDPRoute", "udproutes"));
    namespaced::<g::ReferenceGrant>(expected!(
        GATEWAY,
        "v1",
        "ReferenceGrant",
        "referencegrants"
    ));
    namespaced::<g::BackendTlsPolicy>(expected!(
        GATEWAY,
        "v1",
        "BackendTLSPolicy",
        "backendtlspolicies"
    ));
}

#[cfg(feature = "experimental")]
#[test]
fn experimental_kinds_are_kube_resources_with_the_api_servers_names() {
    use gateway_types::x;
    namespaced::<x::XBackend>(expected!(X, "v1alpha1", "XBackend", "xbackends"));
    namespaced::<x::XBackendTrafficPolicy>(expected!(
        X,
        "v1alpha1",
        "XBackendTrafficPolicy",
        "xbackendtrafficpolicies"
    ));
    cluster_scoped::<x::XMesh>(expected!(X, "v1alpha1", "XMesh", "xmeshes"));
}

#[test]
fn core_kinds_are_kube_resources_under_the_legacy_api_path() {
    use gateway_types::core;
    cluster_scoped::<core::Namespace>(expected!("", "v1", "Namespace", "namespaces"));
    namespaced::<core::Service>(expected!("", "v1", "Service", "services"));
    namespaced::<core::Secret>(expected!("", "v1", "Secret", "secrets"));
    namespaced::<core::ConfigMap>(expected!("", "v1", "ConfigMap", "configmaps"));
    assert_eq!(
        <core::Service as Resource>::url_path(&(), Some("ns")),
        "/api/v1/namespaces/ns/services"
    );
}

/// The creation timestamp is k8s-openapi's `Time` under `kube`; the crate's
/// text accessors and kube's accessor see the same instant.
#[test]
fn creation_timestamp_is_shared_between_kube_and_the_crate() {
    let mut o: gateway_types::HttpRoute = object("web", Some("ns"));
    o.metadata
        .set_creation_timestamp_text("2024-05-06T07:08:09Z");
    assert!(o.creation_timestamp().is_some());
    assert_eq!(
        o.metadata.creation_timestamp_text().as_deref(),
        Some("2024-05-06T07:08:09Z")
    );
}
