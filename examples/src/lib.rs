//! Examples for the Gateway API workspace; see the binaries under `examples/`.
//!
//! - [`proxy`]: the core of the `hyper_proxy` example (a reverse proxy with
//!   live reload), public so that tests can start it on loopback ports.
//! - [`status_sync`]: the pure core of the `kube_controller` example (objects
//!   in, status patches out), testable without a cluster.
//! - `controller` (feature `kube`): the cluster side of `kube_controller`,
//!   kube-rs reflectors in, server-side applies out.

#[cfg(feature = "kube")]
pub mod controller;
pub mod proxy;
pub mod status_sync;
