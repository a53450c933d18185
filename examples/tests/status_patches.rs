//! The status patches of the `kube_controller` example, computed without a
//! cluster from the bundled manifests (`examples/manifests/store.yaml`).

use std::path::PathBuf;

use gateway_examples::status_sync::{
    DEFAULT_CONTROLLER_NAME, FIELD_MANAGER, StatusPatch, status_patches,
};
use gateway_types::Object;
use gateway_types::load::Loader;
use gateway_validate::Options;
use serde_json::{Value, json};

const T1: &str = "2026-01-01T00:00:00Z";
const T2: &str = "2026-01-02T00:00:00Z";

fn store_objects() -> Vec<Object> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/manifests/store.yaml"));
    let loaded = Loader::new().load_paths(&[path]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.objects.into_iter().map(|o| o.object).collect()
}

fn options() -> Options {
    Options::new().controller_name(DEFAULT_CONTROLLER_NAME)
}

fn cond(type_: &str, status: &str, reason: &str, message: &str, time: &str) -> Value {
    json!({
        "type": type_, "status": status, "reason": reason, "message": message,
        "lastTransitionTime": time,
    })
}

fn listener(name: &str, attached: u32) -> Value {
    json!({
        "name": name,
        "attachedRoutes": attached,
        "supportedKinds": [
            {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"},
            {"group": "gateway.networking.k8s.io", "kind": "GRPCRoute"},
        ],
        "conditions": [
            cond("Accepted", "True", "Accepted", "the listener is accepted", T1),
            cond("Programmed", "True", "Programmed", "the listener is programmed", T1),
            cond("ResolvedRefs", "True", "ResolvedRefs", "all references resolved", T1),
            cond("Conflicted", "False", "NoConflicts", "no conflicts", T1),
        ],
    })
}

fn route_body(name: &str, section: Option<&str>) -> Value {
    let mut parent_ref = json!({
        "group": "gateway.networking.k8s.io", "kind": "Gateway",
        "namespace": "infra", "name": "edge",
    });
    if let Some(section) = section {
        parent_ref["sectionName"] = json!(section);
    }
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": "store"},
        "status": {"parents": [{
            "parentRef": parent_ref,
            "controllerName": "example.com/gateway-controller",
            "conditions": [
                cond("Accepted", "True", "Accepted", "the route is accepted", T1),
                cond("ResolvedRefs", "True", "ResolvedRefs", "all references resolved", T1),
            ],
        }]},
    })
}

/// What the API server holds after the patches are applied: each object
/// with the status of its patch.
fn apply(objects: &mut [Object], patches: &[StatusPatch]) {
    for patch in patches {
        let object = objects
            .iter_mut()
            .find(|o| {
                o.kind() == patch.kind
                    && o.metadata().name.as_deref() == Some(&patch.name)
                    && (!o.is_namespaced() || o.metadata().namespace == patch.namespace)
            })
            .expect("a patch names an object of the input");
        let mut value = serde_json::to_value(&*object).expect("objects serialise");
        value["status"] = patch.body["status"].clone();
        *object = Object::deserialize_kind(object.group(), object.kind(), value)
            .expect("known kind")
            .expect("a computed status deserialises into the kind's status type");
    }
}

fn find<'a>(patches: &'a [StatusPatch], kind: &str, name: &str) -> &'a StatusPatch {
    patches
        .iter()
        .find(|p| p.kind == kind && p.name == name)
        .unwrap_or_else(|| panic!("no patch for {kind} {name}"))
}

#[test]
fn store_manifests_yield_one_apply_patch_per_object_with_status() {
    let patches = status_patches(store_objects(), &options(), T1);
    let paths: Vec<String> = patches.iter().map(StatusPatch::path).collect();
    assert_eq!(
        paths,
        [
            "/apis/gateway.networking.k8s.io/v1/gatewayclasses/example/status",
            "/apis/gateway.networking.k8s.io/v1/namespaces/infra/gateways/edge/status",
            "/apis/gateway.networking.k8s.io/v1/namespaces/store/httproutes/shop/status",
            "/apis/gateway.networking.k8s.io/v1/namespaces/store/httproutes/legacy-redirects/status",
            "/apis/gateway.networking.k8s.io/v1/namespaces/store/httproutes/api-v1/status",
        ],
        "no patch for Namespaces, Services, the Secret or the ReferenceGrant"
    );

    let class = find(&patches, "GatewayClass", "example");
    assert_eq!(class.namespace, None);
    assert_eq!(class.api_version(), "gateway.networking.k8s.io/v1");
    // Every feature the status pass supports, in its (sorted) order.
    let features: Vec<Value> = gateway_validate::SUPPORTED_FEATURES
        .iter()
        .map(|name| json!({"name": name}))
        .collect();
    assert_eq!(
        class.body,
        json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "example"},
            "status": {
                "conditions": [
                    cond("Accepted", "True", "Accepted", "the class is accepted", T1),
                    cond("SupportedVersion", "True", "SupportedVersion",
                        "Gateway API v1.6.1 is supported", T1),
                ],
                "supportedFeatures": features,
            },
        })
    );

    // The http listener takes the routes without sectionName plus
    // legacy-redirects; https (hostname *.store.example.com) takes shop and
    // api-v1, not old-shop.example.com.
    assert_eq!(
        find(&patches, "Gateway", "edge").body,
        json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "edge", "namespace": "infra"},
            "status": {
                "addresses": [],
                "attachedListenerSets": 0,
                "conditions": [
                    cond("Accepted", "True", "Accepted", "the Gateway is accepted", T1),
                    cond("Programmed", "True", "Programmed", "the Gateway is programmed", T1),
                    cond("ResolvedRefs", "True", "ResolvedRefs", "all references resolved", T1),
                ],
                "listeners": [listener("http", 3), listener("https", 2)],
            },
        })
    );

    assert_eq!(
        find(&patches, "HTTPRoute", "shop").body,
        route_body("shop", None)
    );
    assert_eq!(
        find(&patches, "HTTPRoute", "legacy-redirects").body,
        route_body("legacy-redirects", Some("http"))
    );
    assert_eq!(
        find(&patches, "HTTPRoute", "api-v1").body,
        route_body("api-v1", None)
    );
}

#[test]
fn unchanged_status_yields_no_patch() {
    let mut objects = store_objects();
    let first = status_patches(objects.clone(), &options(), T1);
    apply(&mut objects, &first);
    let second = status_patches(objects, &options(), T2);
    assert_eq!(
        second,
        [],
        "a stored status equal to the computed one is not written again"
    );
}

#[test]
fn changed_condition_gets_new_transition_time_and_others_keep_theirs() {
    let mut objects = store_objects();
    let first = status_patches(objects.clone(), &options(), T1);
    apply(&mut objects, &first);
    // The Service behind /cart goes away.
    objects.retain(|o| !(o.kind() == "Service" && o.metadata().name.as_deref() == Some("cart")));
    let second = status_patches(objects, &options(), T2);
    let paths: Vec<String> = second.iter().map(StatusPatch::path).collect();
    assert_eq!(
        paths,
        ["/apis/gateway.networking.k8s.io/v1/namespaces/store/httproutes/shop/status"],
        "only the route whose backend went away is written"
    );
    let conditions = &second[0].body["status"]["parents"][0]["conditions"];
    assert_eq!(conditions[0]["type"], "Accepted");
    assert_eq!(conditions[0]["status"], "True");
    assert_eq!(
        conditions[0]["lastTransitionTime"], T1,
        "unchanged condition keeps its time"
    );
    assert_eq!(conditions[1]["type"], "ResolvedRefs");
    assert_eq!(conditions[1]["status"], "False");
    assert_eq!(conditions[1]["reason"], "BackendNotFound");
    assert_eq!(
        conditions[1]["lastTransitionTime"], T2,
        "changed condition gets now"
    );
}

#[test]
fn parents_written_by_other_controllers_do_not_count_as_a_change() {
    let mut objects = store_objects();
    let mut with_foreign = status_patches(objects.clone(), &options(), T1);
    for patch in &mut with_foreign {
        if let Some(Value::Array(parents)) = patch.body["status"].get_mut("parents") {
            parents.push(json!({
                "parentRef": {"name": "other-gateway", "namespace": "infra"},
                "controllerName": "other.example/controller",
                "conditions": [cond("Accepted", "True", "Accepted", "", T1)],
            }));
        }
    }
    apply(&mut objects, &with_foreign);
    assert_eq!(status_patches(objects, &options(), T2), []);
}

#[test]
fn classes_of_other_controllers_get_no_patch() {
    let options = Options::new().controller_name("other.example/controller");
    assert_eq!(status_patches(store_objects(), &options, T1), []);
}

#[test]
fn field_manager_names_the_example() {
    assert_eq!(FIELD_MANAGER, "gateway-examples-controller");
}

#[cfg(feature = "kube")]
#[test]
fn status_is_written_by_forced_server_side_apply_as_the_field_manager() {
    let params = gateway_examples::status_sync::patch_params();
    assert_eq!(params.field_manager.as_deref(), Some(FIELD_MANAGER));
    assert!(params.force, "the controller owns the status it computes");
    assert!(!params.dry_run);
}
