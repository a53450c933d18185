//! Helpers that keep the documentation examples short. Not part of the API:
//! they may change in any release.

use gateway_types::routing::{AttachedRoute, ListenerRouting, RouteObject};
use gateway_types::{GrpcRoute, HttpRoute, TcpRoute, TlsRoute, UdpRoute};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::{Input, Router};

/// Any error of the helpers.
pub type Error = Box<dyn std::error::Error>;

/// Parses a whole route object (`{"kind": "HTTPRoute", "metadata": ..., "spec": ...}`).
///
/// # Errors
///
/// When the JSON does not parse or the kind is not a route kind.
pub fn route(json: &str) -> Result<AttachedRoute, Error> {
    let value: serde_json::Value = serde_json::from_str(json)?;
    let object = match value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("HTTPRoute")
    {
        "HTTPRoute" => RouteObject::Http(serde_json::from_value::<HttpRoute>(value)?.into()),
        "GRPCRoute" => RouteObject::Grpc(serde_json::from_value::<GrpcRoute>(value)?.into()),
        "TLSRoute" => RouteObject::Tls(serde_json::from_value::<TlsRoute>(value)?.into()),
        "TCPRoute" => RouteObject::Tcp(serde_json::from_value::<TcpRoute>(value)?.into()),
        "UDPRoute" => RouteObject::Udp(serde_json::from_value::<UdpRoute>(value)?.into()),
        other => return Err(format!("not a route kind: {other}").into()),
    };
    Ok(AttachedRoute::new(object))
}

/// A listener with whole route objects attached.
///
/// # Errors
///
/// When a route does not parse.
pub fn listener(
    name: &str,
    port: i32,
    protocol: &str,
    hostname: Option<&str>,
    routes: &[&str],
) -> Result<ListenerRouting, Error> {
    let mut listener = ListenerRouting::new(name, port, protocol, hostname);
    for r in routes {
        listener.routes.push(route(r)?);
    }
    Ok(listener)
}

/// An `HTTP` listener on port 80 without hostname, with HTTPRoutes given as
/// `("namespace/name", spec JSON)`.
///
/// # Errors
///
/// When a spec does not parse.
pub fn http_listener(routes: &[(&str, &str)]) -> Result<ListenerRouting, Error> {
    let mut listener = ListenerRouting::new("http", 80, "HTTP", None);
    for (id, spec) in routes {
        let (namespace, name) = id.split_once('/').unwrap_or(("default", id));
        let json = format!(
            r#"{{"kind": "HTTPRoute", "metadata": {{"namespace": "{namespace}", "name": "{name}"}}, "spec": {spec}}}"#
        );
        listener.routes.push(route(&json)?);
    }
    Ok(listener)
}

/// A router over [`http_listener`] with one route, `default/web`.
///
/// # Errors
///
/// When the spec does not parse or the router does not build.
pub fn router(spec: &str) -> Result<Router, Error> {
    routers(&[listener_of(&[("default/web", spec)])?])
}

fn listener_of(routes: &[(&str, &str)]) -> Result<ListenerRouting, Error> {
    http_listener(routes)
}

/// A router over these listeners.
///
/// # Errors
///
/// When the router does not build.
pub fn routers(listeners: &[ListenerRouting]) -> Result<Router, Error> {
    let mut builder = Router::builder();
    for l in listeners {
        builder.add_listener(l.clone());
    }
    builder.build().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
            .into()
    })
}

/// A router over an HTTP listener on port 80 with these whole route objects.
///
/// # Errors
///
/// When a route does not parse or the router does not build.
pub fn router_of(routes: &[&str]) -> Result<Router, Error> {
    routers(&[listener("http", 80, "HTTP", None, routes)?])
}

/// Routes `method host path` with `headers` on HTTP port 80 and returns the
/// winner as `name rule R match M`.
///
/// # Errors
///
/// When a header does not parse.
pub fn winner(
    router: &Router,
    method: &str,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Option<String>, Error> {
    let mut map = HeaderMap::new();
    for (n, v) in headers {
        map.append(
            HeaderName::from_bytes(n.as_bytes())?,
            HeaderValue::from_str(v)?,
        );
    }
    let method = Method::from_bytes(method.as_bytes())?;
    let input = Input::new(&method, host, path, &map);
    Ok(router.route_input(&input).map(|m| {
        format!(
            "{} rule {} match {}",
            m.route.name, m.rule_index, m.match_index
        )
    }))
}
