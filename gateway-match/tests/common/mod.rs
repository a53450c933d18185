//! Helpers shared by the integration tests: routes from JSON, requests in
//! one line.
#![allow(dead_code)] // Each test file uses a different subset.

use gateway_match::{Decision, Input, Match, NoRoute, Router, Scheme};
use gateway_types::routing::{AttachedRoute, ListenerRouting};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

pub(crate) use gateway_match::__doc_support::route;

/// A listener with whole route objects (JSON) attached.
pub(crate) fn listener(
    name: &str,
    port: i32,
    protocol: &str,
    hostname: Option<&str>,
    routes: &[&str],
) -> ListenerRouting {
    gateway_match::__doc_support::listener(name, port, protocol, hostname, routes)
        .expect("routes parse")
}

/// An HTTPRoute object from a name (`ns/name` or `name`) and its spec.
pub(crate) fn http(id: &str, spec: &str) -> String {
    object("HTTPRoute", id, None, spec)
}

/// A GRPCRoute object.
pub(crate) fn grpc(id: &str, spec: &str) -> String {
    object("GRPCRoute", id, None, spec)
}

/// A route object of `kind` with an optional creation time.
pub(crate) fn object(kind: &str, id: &str, created: Option<&str>, spec: &str) -> String {
    let (namespace, name) = id.split_once('/').unwrap_or(("default", id));
    let created = created
        .map(|c| format!(r#", "creationTimestamp": "{c}""#))
        .unwrap_or_default();
    format!(
        r#"{{"kind": "{kind}", "metadata": {{"namespace": "{namespace}", "name": "{name}"{created}}}, "spec": {spec}}}"#
    )
}

/// A router over these listeners; panics on build errors.
pub(crate) fn build(listeners: Vec<ListenerRouting>) -> Router {
    let mut b = Router::builder();
    for l in listeners {
        b.add_listener(l);
    }
    match b.build() {
        Ok(r) => r,
        Err(errors) => panic!("build errors: {errors:#?}"),
    }
}

/// A router with one HTTP listener on port 80 (no hostname) and these routes.
pub(crate) fn router(routes: &[&str]) -> Router {
    build(vec![listener("http", 80, "HTTP", None, routes)])
}

/// A request to route.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) headers: HeaderMap,
    pub(crate) scheme: Scheme,
    pub(crate) port: u16,
    pub(crate) sni: Option<String>,
}

/// `GET http://host/path` on port 80.
pub(crate) fn req(host: &str, path: &str) -> Req {
    Req {
        method: Method::GET,
        host: host.to_owned(),
        path: path.to_owned(),
        headers: HeaderMap::new(),
        scheme: Scheme::Http,
        port: 80,
        sni: None,
    }
}

/// A gRPC call `POST /service/method` on port 80.
pub(crate) fn grpc_call(host: &str, service: &str, method: &str) -> Req {
    req(host, &format!("/{service}/{method}"))
        .method("POST")
        .header("content-type", "application/grpc")
}

impl Req {
    pub(crate) fn method(mut self, m: &str) -> Self {
        self.method = Method::from_bytes(m.as_bytes()).expect("method");
        self
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("name"),
            HeaderValue::from_str(value).expect("value"),
        );
        self
    }

    pub(crate) fn https(mut self, port: u16, sni: Option<&str>) -> Self {
        self.scheme = Scheme::Https;
        self.port = port;
        self.sni = sni.map(str::to_owned);
        self
    }

    pub(crate) fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub(crate) fn input(&self) -> Input<'_> {
        Input::new(&self.method, &self.host, &self.path, &self.headers)
            .with_scheme(self.scheme)
            .with_port(self.port)
            .with_sni(self.sni.as_deref())
    }

    /// The winner as `name/rule/match`, or the reason there is none.
    pub(crate) fn on(&self, router: &Router) -> Result<String, NoRoute> {
        router.try_route_input(&self.input()).map(|m| describe(&m))
    }

    /// The winner as `name/rule/match`, or `-`.
    pub(crate) fn winner(&self, router: &Router) -> String {
        self.on(router).unwrap_or_else(|_| "-".to_owned())
    }

    pub(crate) fn decide(&self, router: &Router, random: u32) -> Decision {
        router.decide(&self.input(), random)
    }
}

pub(crate) fn describe(m: &Match<'_>) -> String {
    format!("{}/{}/{}", m.route.name, m.rule_index, m.match_index)
}

pub(crate) fn attached(json: &str) -> AttachedRoute {
    route(json).expect("route parses")
}
