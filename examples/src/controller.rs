//! The cluster side of the `kube_controller` example (feature `kube`):
//! kube-rs reflectors feed [`status_patches`](crate::status_sync::status_patches),
//! whose patches are sent as forced server-side applies on the `status`
//! subresource.
//!
//! [`run`] watches Namespaces, Services, Secrets and ConfigMaps and every
//! Gateway API kind the cluster serves at `gateway.networking.k8s.io/v1`,
//! cluster-wide, waits for every initial list, then recomputes the whole
//! snapshot after each burst of watch events (200 ms quiet period) and sends
//! the patches for the objects whose status changed. A failed patch is
//! logged and retried on the next event; watch errors are logged and the
//! watchers back off and retry.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{BoxStream, SelectAll};
use futures::{FutureExt as _, StreamExt as _, TryStreamExt as _};
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
use gateway_validate::Options;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, Patch};
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt as _, watcher};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;

use crate::status_sync::{self, StatusPatch};

/// The API group and version of the Gateway API kinds that are watched.
pub const GATEWAY_API_VERSION: &str = "gateway.networking.k8s.io/v1";

/// Why [`run`] stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ControllerError {
    /// The cluster does not serve `gateway.networking.k8s.io/v1` (the CRDs
    /// are not installed) or cannot be reached.
    #[error("discovery of {GATEWAY_API_VERSION}: {0} (are the Gateway API CRDs installed?)")]
    Discovery(#[source] kube::Error),
    /// A reflector stopped before its initial list was in.
    #[error("a reflector stopped before its initial list: {0}")]
    Reflector(#[from] reflector::store::WriterDropped),
}

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
}

/// Every object of every store.
fn snapshot(stores: &[Collect]) -> Vec<Object> {
    let mut objects = Vec::new();
    for collect in stores {
        collect(&mut objects);
    }
    objects
}

fn collect<K>(store: &Store<K>, out: &mut Vec<Object>)
where
    K: Resource<DynamicType = ()> + Clone + 'static,
    Object: From<K>,
{
    out.extend(store.state().iter().map(|o| Object::from(K::clone(o))));
}

/// The Gateway API kinds the cluster serves at [`GATEWAY_API_VERSION`].
async fn served_kinds(client: &Client) -> Result<BTreeSet<String>, kube::Error> {
    let list = client.list_api_group_resources(GATEWAY_API_VERSION).await?;
    Ok(list
        .resources
        .into_iter()
        .filter(|r| !r.name.contains('/'))
        .map(|r| r.kind)
        .collect())
}

/// Sends one patch: a forced server-side apply on the status subresource,
/// as [`FIELD_MANAGER`](status_sync::FIELD_MANAGER).
///
/// # Errors
///
/// The API server's answer when it refuses the patch.
pub async fn apply(client: &Client, patch: &StatusPatch) -> Result<(), kube::Error> {
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
async fn reconcile(client: &Client, stores: &[Collect], options: &Options) {
    let objects = snapshot(stores);
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

/// Runs the controller until its watch streams end (they do not, short of
/// the process stopping).
///
/// # Errors
///
/// [`ControllerError::Discovery`] when `gateway.networking.k8s.io/v1` is not
/// served; [`ControllerError::Reflector`] when a reflector stops early.
pub async fn run(client: Client, options: Options) -> Result<(), ControllerError> {
    let served = served_kinds(&client)
        .await
        .map_err(ControllerError::Discovery)?;
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
                eprintln!(
                    "kube_controller: {} is not served at {GATEWAY_API_VERSION}; not watched",
                    <$kind as ApiObject>::KIND
                );
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
    let Watches {
        collect: stores,
        ready,
        mut events,
        kinds,
    } = watches;
    eprintln!("kube_controller: watching {kinds:?}");
    // The reflectors only fill their stores while their streams are polled:
    // drive the events until every initial list is in.
    let mut ready = futures::future::try_join_all(ready).fuse();
    loop {
        futures::select! {
            r = ready => { r?; break; }
            e = events.next().fuse() => match e {
                Some(Err(e)) => eprintln!("kube_controller: watch: {e}"),
                Some(Ok(())) => {}
                None => return Ok(()),
            },
        }
    }
    loop {
        reconcile(&client, &stores, &options).await;
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
