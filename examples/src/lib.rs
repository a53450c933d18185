//! Examples for the Gateway API workspace; see the binaries under `examples/`.
//!
//! - [`proxy`]: the core of the `hyper_proxy` example (a reverse proxy with
//!   live reload), public so that tests can start it on loopback ports.

pub mod proxy;
