//! A Gateway API status controller with kube-rs: it watches the Gateway API
//! kinds plus Namespaces, Services, Secrets and ConfigMaps, runs the status
//! pass of `gateway-validate` over what it sees, and writes the computed
//! status back with server-side apply, only for objects whose status
//! changed. The decisions (what to write, when, with which
//! `lastTransitionTime`) are the pure function
//! `gateway_examples::status_sync::status_patches`, tested without a cluster
//! in `examples/tests/status_patches.rs`; the watching and sending is
//! `gateway_examples::controller::run`, tested against a fake API server in
//! `examples/tests/kube_controller.rs`. This file only parses the arguments
//! and builds the client.
//!
//! # Running it against a cluster
//!
//! ```text
//! # 1. the Gateway API CRDs (standard channel, v1.6.1) and the example objects
//! kubectl apply --server-side -f ../shared/gateway-api/crds/standard/
//! kubectl apply -f examples/manifests/store.yaml
//! # 2. the controller, with the credentials of the current kubeconfig context
//! export K8S_OPENAPI_ENABLED_VERSION=1.36
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

use gateway_examples::controller;
use gateway_examples::status_sync::DEFAULT_CONTROLLER_NAME;
use gateway_validate::{Channel, Options};
use kube::Client;

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
    controller::run(client, options)
        .await
        .map_err(|e| e.to_string())
}
