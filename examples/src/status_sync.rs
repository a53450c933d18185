//! The pure core of the `kube_controller` example: objects in, status
//! patches out.
//!
//! [`status_patches`] runs [`gateway_validate::validate`] over the objects a
//! controller sees (Gateway API kinds plus Namespaces, Services, Secrets and
//! ConfigMaps) and returns one [`StatusPatch`] per object whose computed
//! status differs from the status it holds. Each patch is the body of a
//! server-side apply on the object's `status` subresource: `apiVersion`,
//! `kind`, `metadata.name` (and `namespace`) and the full `status` this
//! controller owns. Nothing here talks to a cluster, so the decisions can be
//! tested on manifests alone.
//!
//! Decisions:
//!
//! - `lastTransitionTime`: the pass computes conditions with an epoch time;
//!   a condition whose `status` is the same as the one already stored (same
//!   type, same place: the same listener `name`, the same `parentRef` or
//!   `ancestorRef` and `controllerName`) keeps its stored time, every other
//!   condition gets `now`. So an unchanged status compares equal and yields
//!   no patch, and the controller converges after one write.
//! - Route `parents` and policy `ancestors` written by other controllers are
//!   left out of the comparison (entries whose `controllerName` is neither
//!   ours nor one the pass wrote).
//! - Objects the pass computes no status for (other controllers' classes,
//!   objects rejected by admission, kinds without status) get no patch; a
//!   status is never cleared.

use std::collections::BTreeSet;

use gateway_types::Object;
use gateway_validate::{Options, Report, Snapshot};
use serde_json::{Map, Value, json};

/// The field manager the controller applies status with (server-side apply).
pub const FIELD_MANAGER: &str = "gateway-examples-controller";

/// The controller name the example acts as by default; the GatewayClass of
/// `examples/manifests/store.yaml` names it.
pub const DEFAULT_CONTROLLER_NAME: &str = "example.com/gateway-controller";

/// One status write: a server-side apply of [`StatusPatch::body`] on the
/// `status` subresource of one object.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StatusPatch {
    /// API group of the kind (`gateway.networking.k8s.io`).
    pub group: &'static str,
    /// API version the object is written with (`v1`).
    pub version: String,
    /// The kind, as written in `kind:` (`HTTPRoute`).
    pub kind: &'static str,
    /// The lowercase plural of the kind used in URL paths (`httproutes`).
    pub plural: &'static str,
    /// Namespace; `None` for cluster-scoped kinds (GatewayClass).
    pub namespace: Option<String>,
    /// Object name.
    pub name: String,
    /// The apply body: `apiVersion`, `kind`, `metadata` (name, namespace)
    /// and `status`.
    pub body: Value,
}

impl StatusPatch {
    /// The `apiVersion` of the patch (`group/version`).
    #[must_use]
    pub fn api_version(&self) -> String {
        gateway_types::object::api_version_of(self.group, &self.version)
    }

    /// The URL path of the status subresource the patch is sent to, for
    /// example `/apis/gateway.networking.k8s.io/v1/namespaces/store/httproutes/shop/status`.
    #[must_use]
    pub fn path(&self) -> String {
        let namespace = self
            .namespace
            .as_deref()
            .map(|ns| format!("namespaces/{ns}/"))
            .unwrap_or_default();
        format!(
            "/apis/{}/{namespace}{}/{}/status",
            self.api_version(),
            self.plural,
            self.name
        )
    }

    /// The status the patch writes.
    #[must_use]
    pub fn status(&self) -> Option<&Value> {
        self.body.get("status")
    }
}

/// Computes the status of every object and returns the patches for those
/// whose status changed, in input order.
///
/// `now` (RFC 3339) is the `lastTransitionTime` of conditions that changed.
/// Objects are keyed as the API server keys them: a later object of the same
/// kind, namespace and name replaces an earlier one.
#[must_use]
pub fn status_patches(objects: Vec<Object>, options: &Options, now: &str) -> Vec<StatusPatch> {
    let mut snapshot = Snapshot::new();
    for object in objects {
        snapshot.insert(object, None);
    }
    let report = gateway_validate::validate(&snapshot, options);
    snapshot
        .entries()
        .filter_map(|entry| patch_for(&entry.object, &report, options, now))
        .collect()
}

/// Group, plural and computed status of an object, if the pass wrote one.
fn computed(object: &Object, report: &Report) -> Option<(&'static str, &'static str, Value)> {
    let meta = object.metadata();
    let name = meta.name.as_deref().unwrap_or_default();
    let ns = meta.namespace.as_deref().unwrap_or("default");
    let kind = object.kind();
    let status = match object {
        Object::GatewayClass(_) => serde_json::to_value(report.gateway_class_status(name)?).ok(),
        Object::Gateway(_) => serde_json::to_value(report.gateway_status(ns, name)?).ok(),
        Object::ListenerSet(_) => serde_json::to_value(report.listener_set_status(ns, name)?).ok(),
        Object::HttpRoute(_)
        | Object::GrpcRoute(_)
        | Object::TlsRoute(_)
        | Object::TcpRoute(_)
        | Object::UdpRoute(_) => serde_json::to_value(report.route_status(kind, ns, name)?).ok(),
        Object::BackendTlsPolicy(_) => {
            serde_json::to_value(report.policy_status(kind, ns, name)?).ok()
        }
        _ => return None,
    };
    Some((object.group(), object.plural(), status?))
}

fn patch_for(
    object: &Object,
    report: &Report,
    options: &Options,
    now: &str,
) -> Option<StatusPatch> {
    let (group, plural, mut status) = computed(object, report)?;
    let current = serde_json::to_value(object)
        .ok()
        .and_then(|mut v| v.get_mut("status").map(Value::take))
        .filter(|v| !v.is_null());
    stamp(&mut status, current.as_ref(), now);
    let ours = controller_names(&status, options);
    if current.map(|c| without_foreign(c, &ours)).as_ref() == Some(&status) {
        return None;
    }
    let meta = object.metadata();
    let name = meta.name.clone().unwrap_or_default();
    let namespace = object.is_namespaced().then(|| {
        meta.namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned())
    });
    let version = match object.api_version().rsplit_once('/') {
        Some((_, v)) if !v.is_empty() => v.to_owned(),
        _ => "v1".to_owned(),
    };
    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(name.clone()));
    if let Some(ns) = &namespace {
        metadata.insert("namespace".into(), Value::String(ns.clone()));
    }
    let body = json!({
        "apiVersion": gateway_types::object::api_version_of(group, &version),
        "kind": object.kind(),
        "metadata": metadata,
        "status": status,
    });
    Some(StatusPatch {
        group,
        version,
        kind: object.kind(),
        plural,
        namespace,
        name,
        body,
    })
}

/// The controller names that count as ours: the configured one and every
/// `controllerName` the pass wrote.
fn controller_names(status: &Value, options: &Options) -> BTreeSet<String> {
    let mut names = BTreeSet::from([options.effective_controller_name().to_owned()]);
    for list in ["parents", "ancestors"] {
        if let Some(Value::Array(entries)) = status.get(list) {
            names.extend(
                entries
                    .iter()
                    .filter_map(|e| e.get("controllerName")?.as_str().map(str::to_owned)),
            );
        }
    }
    names
}

/// `status` without the `parents`/`ancestors` entries of other controllers.
fn without_foreign(mut status: Value, ours: &BTreeSet<String>) -> Value {
    for list in ["parents", "ancestors"] {
        if let Some(Value::Array(entries)) = status.get_mut(list) {
            entries.retain(|e| {
                e.get("controllerName")
                    .and_then(Value::as_str)
                    .is_some_and(|n| ours.contains(n))
            });
        }
    }
    status
}

/// Sets `lastTransitionTime` of every condition under `new`: the stored
/// time when the stored condition at the same place has the same status,
/// `now` otherwise.
fn stamp(new: &mut Value, old: Option<&Value>, now: &str) {
    match new {
        Value::Object(fields) => {
            for (key, value) in fields.iter_mut() {
                let old_value = old.and_then(|o| o.get(key));
                if key == "conditions" {
                    stamp_conditions(value, old_value, now);
                } else {
                    stamp(value, old_value, now);
                }
            }
        }
        Value::Array(items) => {
            let old_items = old.and_then(Value::as_array);
            for (i, item) in items.iter_mut().enumerate() {
                let id = identity(item);
                let old_item = old_items.and_then(|olds| match &id {
                    Some(id) => olds.iter().find(|o| identity(o).as_ref() == Some(id)),
                    None => olds.get(i),
                });
                stamp(item, old_item, now);
            }
        }
        _ => {}
    }
}

fn stamp_conditions(new: &mut Value, old: Option<&Value>, now: &str) {
    let Value::Array(conditions) = new else {
        return;
    };
    let olds = old.and_then(Value::as_array);
    for condition in conditions {
        let kept = olds.and_then(|olds| {
            olds.iter().find(|o| {
                o.get("type") == condition.get("type") && o.get("status") == condition.get("status")
            })
        });
        let time = kept
            .and_then(|o| o.get("lastTransitionTime"))
            .cloned()
            .unwrap_or_else(|| Value::String(now.to_owned()));
        if let Value::Object(fields) = condition {
            fields.insert("lastTransitionTime".into(), time);
        }
    }
}

/// What identifies an entry of a status list across writes: a listener's
/// `name`, a route parent's `parentRef`, a policy ancestor's `ancestorRef`
/// (with the `controllerName`). `None`: match by position.
fn identity(item: &Value) -> Option<Value> {
    let fields = item.as_object()?;
    for key in ["parentRef", "ancestorRef"] {
        if let Some(r) = fields.get(key) {
            return Some(json!([r, fields.get("controllerName")]));
        }
    }
    fields.get("name").cloned()
}

/// The parameters of every status write: server-side apply as
/// [`FIELD_MANAGER`], forced (this controller owns the status it computes).
#[cfg(feature = "kube")]
#[must_use]
pub fn patch_params() -> kube::api::PatchParams {
    kube::api::PatchParams::apply(FIELD_MANAGER).force()
}
