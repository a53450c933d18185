//! Typed Kubernetes Gateway API resources, v1.6.1, with a loader for
//! multi-document YAML and JSON that reports file, line, column and field path.
//!
//! Every kind of both release channels is here: [`GatewayClass`], [`Gateway`],
//! [`ListenerSet`], [`HttpRoute`], [`GrpcRoute`], [`TlsRoute`], [`TcpRoute`],
//! [`UdpRoute`], [`ReferenceGrant`] and [`BackendTlsPolicy`], plus the
//! experimental `x-k8s.io` kinds behind the `experimental` feature, and the
//! few core objects Gateway API processing reads ([`core`]).
//!
//! Deserialising keeps exactly what was written: fields the API server
//! defaults are `Option`s, filled in only by the explicit [`Defaults`] step.
//!
//! # Example
//!
//! ```
//! use gateway_types::{Defaults, Loader, Object};
//! use gateway_types::http_route::PathMatchType;
//!
//! let yaml = "\
//! apiVersion: gateway.networking.k8s.io/v1
//! kind: HTTPRoute
//! metadata: {name: web, namespace: shop}
//! spec:
//!   parentRefs: [{name: edge}]
//!   rules:
//!     - backendRefs: [{name: web, port: 8080}]
//! ";
//! let loaded = Loader::new().load_str("route.yaml", yaml);
//! assert!(loaded.is_ok());
//! let Object::HttpRoute(route) = &loaded.objects[0].object else { unreachable!() };
//!
//! // As written: the rule has no matches.
//! assert!(route.spec.rules.as_ref().unwrap()[0].matches.is_none());
//!
//! // After the API server's defaults: one `PathPrefix /` match, weight 1.
//! let route = route.clone().with_defaults();
//! let rule = &route.spec.rules.as_ref().unwrap()[0];
//! let path = rule.matches.as_ref().unwrap()[0].path.as_ref().unwrap();
//! assert_eq!(path.type_, Some(PathMatchType::PathPrefix));
//! assert_eq!(path.value.as_deref(), Some("/"));
//! assert_eq!(rule.backend_refs.as_ref().unwrap()[0].weight, Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `schemars` (default): a JSON Schema for every kind.
//! - `experimental`: experimental-channel fields and kinds.
//! - `kube`: `kube::Resource` for every kind, so `kube::Api::<HttpRoute>` works;
//!   metadata becomes `k8s_openapi`'s `ObjectMeta`.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod enums;

pub mod backend_tls_policy;
pub mod core;
pub mod gateway;
pub mod gateway_class;
pub mod grpc_route;
pub mod http_route;
pub mod listener_set;
pub mod load;
pub mod meta;
pub mod object;
pub mod reference_grant;
pub mod routing;
pub mod shared;
pub mod tcp_route;
pub mod tls_route;
pub mod udp_route;
#[cfg(feature = "experimental")]
pub mod x;

pub use backend_tls_policy::BackendTlsPolicy;
pub use gateway::Gateway;
pub use gateway_class::GatewayClass;
pub use grpc_route::GrpcRoute;
pub use http_route::HttpRoute;
pub use listener_set::ListenerSet;
pub use load::{
    Limit, Limits, LoadError, LoadErrorKind, Loaded, LoadedObject, Loader, Skipped, Source,
};
pub use meta::{Condition, MetaExt, ObjectMeta};
pub use object::{ApiObject, Defaults, Object};
pub use reference_grant::ReferenceGrant;
pub use tcp_route::TcpRoute;
pub use tls_route::TlsRoute;
pub use udp_route::UdpRoute;
