//! A Gateway API status controller with kube-rs: it watches the Gateway API
//! kinds plus Namespaces, Services, Secrets and ConfigMaps, runs the status
//! pass of `gateway-validate` over what it sees, and writes the computed
//! status back with server-side apply, only for objects whose status
//! changed. The decisions (what to write, when, with which
//! `lastTransitionTime`) are the pure function
//! `gateway_examples::status_sync::status_patches`, tested without a cluster
//! in `examples/tests/status_patches.rs`; this file only feeds it and sends
//! its patches.
//!
//! # Running it against a cluster
//!
//! ```text
//! # 1. the Gateway API CRDs (standard channel, v1.6.1) and the example objects
//! kubectl apply --server-side -f ../shared/gateway-api/crds/standard/
//! kubectl apply -f examples/manifests/store.yaml
//! # 2. the controller, with the credentials of the current kubeconfig context
//! export K8S_OPENAPI_ENABLED_VERSION=1.37
//! KUBECONFIG=~/.kube/config cargo run -p gateway-examples --features kube \
//!     --example kube_controller -- --controller-name example.com/gateway-controller
//! # 3. the status it wrote
//! kubectl get gateway -n infra edge -o yaml
//! kubectl get httproute -n store shop -o jsonpath='{.status.parents[0].conditions}'
//! ```
//!
//! Options: `--controller-name NAME` (act only for GatewayClasses naming it;
//! default `example.com/gateway-controller`, the class of the bundled
//! manifests) and `--experimental` (check objects against the
//! experimental-channel CRDs, needed for TCPRoute and UDPRoute).
//!
//! The client comes from `KUBECONFIG` (or `~/.kube/config`), or from the
//! service account when run in a Pod. Only the Gateway API kinds the cluster
//! serves at `gateway.networking.k8s.io/v1` are watched, so a cluster without
//! the experimental CRDs works too.
//!
//! # RBAC
//!
//! Cluster-wide `list` and `watch` on what it reads, `patch` on the status it
//! writes (server-side apply is a PATCH):
//!
//! ```yaml
//! apiVersion: rbac.authorization.k8s.io/v1
//! kind: ClusterRole
//! metadata: {name: gateway-examples-controller}
//! rules:
//!   - apiGroups: [""]
//!     resources: [namespaces, services, secrets, configmaps]
//!     verbs: [list, watch]
//!   - apiGroups: [gateway.networking.k8s.io]
//!     resources: [gatewayclasses, gateways, listenersets, httproutes, grpcroutes,
//!                 tlsroutes, tcproutes, udproutes, referencegrants, backendtlspolicies]
//!     verbs: [list, watch]
//!   - apiGroups: [gateway.networking.k8s.io]
//!     resources: [gatewayclasses/status, gateways/status, listenersets/status,
//!                 httproutes/status, grpcroutes/status, tlsroutes/status,
//!                 tcproutes/status, udproutes/status, backendtlspolicies/status]
//!     verbs: [patch]
//! ```
//!
//! Bind it to the controller's service account with a ClusterRoleBinding.
//! `apiGroups: [""]` `secrets` is needed because listener certificates are
//! checked (a Secret's `tls.crt` and `tls.key` must hold PEM blocks).
//!
//! # Limits
//!
//! One replica, no leader election. Every change of any watched object
//! recomputes the whole snapshot (after a 200 ms quiet period); the pass is
//! linear in the number of objects. Route `parents` is an atomic list in the
//! CRDs, so a forced apply replaces entries other controllers wrote there.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{BoxStream, SelectAll};
use futures::{FutureExt as _, StreamExt as _, TryStreamExt as _};
use gateway_examples::status_sync::{self, DEFAULT_CONTROLLER_NAME, StatusPatch};
use gateway_types::Object;
use gateway_types::backend_tls_policy::BackendTlsPolicy;
use gateway_types::core::{ConfigMap, Namespace, Secret, Service};
use gateway_types::gateway::Gateway;
use gateway_types::gateway_class::GatewayClass;
use gateway_types::grpc_route::GrpcRoute;
use gateway_types::http_route::HttpRoute;
use gateway_types::listener_set::ListenerSet;
use gateway_types::object::ApiObject;
use gateway_types::reference_grant::ReferenceGrant;
use gateway_types::tcp_route::TcpRoute;
use gateway_types::tls_route::TlsRoute;
use gateway_types::udp_route::UdpRoute;
use gateway_validate::{Channel, Options};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, Patch};
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt as _, watcher};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;

/// The API group of the Gateway API kinds.
const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// Reads one reflector store as snapshot objects.
type Collect = Box<dyn Fn(&mut Vec<Object>) + Send + Sync>;

/// Every reflector: how to read it, when its first list is in, and its
/// event stream (one `()` per watch event).
#[derive(Default)]
struct Watches {
    collect: Vec<Collect>,
    ready: Vec<BoxFuture<'static, Result<(), reflector::store::WriterDropped>>>,
    events: SelectAll<BoxStream<'static, Result<(), watcher::Error>>>,
    kinds: Vec<&'static str>,
}

impl Debug for Watches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watches")
            .field("kinds", &self.kinds)
            .finish()
    }
}

impl Watches {
    /// Starts a reflector for every object of kind `K`, cluster-wide.
    fn watch<K>(&mut self, client: &Client)
    where
        K: Resource<DynamicType = ()>
            + ApiObject
            + Clone
            + DeserializeOwned
            + Debug
            + Send
            + Sync
            + 'static,
        Object: From<K>,
    {
        let (reader, writer) = reflector::store::<K>();
        let events = watcher(Api::<K>::all(client.clone()), watcher::Config::default())
            .default_backoff()
            .reflect(writer)
            .map_ok(|_| ())
            .boxed();
        let waiting = reader.clone();
        self.ready
            .push(async move { waiting.wait_until_ready().await }.boxed());
        self.collect.push(Box::new(move |out: &mut Vec<Object>| {
            collect(&reader, out);
        }));
        self.events.push(events);
        self.kinds.push(K::KIND);
    }

    /// Every object of every store.
    fn snapshot(&self) -> Vec<Object> {
        let mut objects = Vec::new();
        for collect in &self.collect {
            collect(&mut objects);
        }
        objects
    }
}

fn collect<K>(store: &Store<K>, out: &mut Vec<Object>)
where
    K: Resource<DynamicType = ()> + Clone + 'static,
    Object: From<K>,
{
    out.extend(store.state().iter().map(|o| Object::from(K::clone(o))));
}

/// The Gateway API kinds the cluster serves at version `v1`.
async fn served_kinds(client: &Client) -> Result<BTreeSet<String>, kube::Error> {
    let group = kube::discovery::group(client, GATEWAY_GROUP).await?;
    Ok(group
        .versioned_resources("v1")
        .into_iter()
        .map(|(resource, _)| resource.kind)
        .collect())
}

/// Sends one patch: server-side apply on the status subresource.
async fn apply(client: &Client, patch: &StatusPatch) -> Result<(), kube::Error> {
    let gvk = GroupVersionKind::gvk(patch.group, &patch.version, patch.kind);
    let resource = ApiResource::from_gvk_with_plural(&gvk, patch.plural);
    let api: Api<DynamicObject> = match &patch.namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    };
    api.patch_status(
        &patch.name,
        &status_sync::patch_params(),
        &Patch::Apply(&patch.body),
    )
    .await?;
    Ok(())
}

/// One pass: snapshot, compute, write what changed.
async fn reconcile(client: &Client, watches: &Watches, options: &Options) {
    let objects = watches.snapshot();
    let count = objects.len();
    let now = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let patches = status_sync::status_patches(objects, options, &now);
    eprintln!(
        "kube_controller: {count} objects, {} status patches",
        patches.len()
    );
    for patch in &patches {
        match apply(client, patch).await {
            Ok(()) => eprintln!("kube_controller: applied {}", patch.path()),
            Err(e) => eprintln!("kube_controller: {}: {e}", patch.path()),
        }
    }
}

fn usage() -> String {
    "usage: kube_controller [--controller-name NAME] [--experimental]".to_owned()
}

fn parse_args() -> Result<Options, String> {
    let mut controller = DEFAULT_CONTROLLER_NAME.to_owned();
    let mut channel = Channel::Standard;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--controller-name" => controller = args.next().ok_or_else(usage)?,
            "--experimental" => channel = Channel::Experimental,
            _ => return Err(usage()),
        }
    }
    Ok(Options::new().controller_name(controller).channel(channel))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_args()?;
    let client = Client::try_default().await.map_err(|e| e.to_string())?;
    let served = served_kinds(&client)
        .await
        .map_err(|e| format!("discovery of {GATEWAY_GROUP}: {e} (are the CRDs installed?)"))?;
    let mut watches = Watches::default();
    watches.watch::<Namespace>(&client);
    watches.watch::<Service>(&client);
    watches.watch::<Secret>(&client);
    watches.watch::<ConfigMap>(&client);
    macro_rules! watch_if_served {
        ($($kind:ty),+) => {$(
            if served.contains(<$kind as ApiObject>::KIND) {
                watches.watch::<$kind>(&client);
            } else {
                eprintln!("kube_controller: {} is not served at v1; not watched", <$kind as ApiObject>::KIND);
            }
        )+};
    }
    watch_if_served!(
        GatewayClass,
        Gateway,
        ListenerSet,
        HttpRoute,
        GrpcRoute,
        TlsRoute,
        TcpRoute,
        UdpRoute,
        ReferenceGrant,
        BackendTlsPolicy
    );
    eprintln!("kube_controller: watching {:?}", watches.kinds);
    let ready = std::mem::take(&mut watches.ready);
    let mut events = std::mem::take(&mut watches.events);
    // The reflectors only fill their stores while their streams are polled:
    // drive the events until every initial list is in.
    let mut ready = futures::future::try_join_all(ready).fuse();
    loop {
        futures::select! {
            r = ready => { r.map_err(|e| e.to_string())?; break; }
            e = events.next().fuse() => match e {
                Some(Err(e)) => eprintln!("kube_controller: watch: {e}"),
                Some(Ok(())) => {}
                None => return Ok(()),
            },
        }
    }
    loop {
        reconcile(&client, &watches, &options).await;
        match events.next().await {
            None => return Ok(()),
            Some(Err(e)) => eprintln!("kube_controller: watch: {e}"),
            Some(Ok(())) => {}
        }
        // Let a burst of events settle, then take them all in one pass.
        tokio::time::sleep(Duration::from_millis(200)).await;
        while let Some(Some(event)) = events.next().now_or_never() {
            if let Err(e) = event {
                eprintln!("kube_controller: watch: {e}");
            }
        }
    }
}
