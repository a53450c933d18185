//! The core of the `hyper_proxy` example: a small HTTP/1.1 reverse proxy that
//! routes with a compiled [`Router`] and reloads it when the manifests change.
//!
//! - [`load_router`] loads manifests, validates them and compiles the router
//!   of one Gateway; anything a cluster would reject is an error.
//! - [`Backends`] maps `namespace/name:port` of a Service to a socket address.
//! - [`Proxy`] holds the current router in an [`ArcSwap`]; [`Proxy::serve`]
//!   serves one Gateway listener port on a bound socket, and
//!   [`Proxy::watch`] polls the manifests' modification times and swaps in a
//!   new router (requests in flight keep the router they started with; a
//!   manifest set that fails keeps the old router and logs why).
//!
//! Per request: the whole body is read, the router decides, then the proxy
//! forwards (after request filters and rewrites, to the backend picked by
//! weight from a per-request random number), redirects, or answers itself
//! (404 no route, 500 no valid backend or a Service without address);
//! response header filters are applied to every answer; mirrors get a copy,
//! fire and forget, their answers dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use bytes::Bytes;
use gateway_match::{Action, Decision, Input, Router};
use gateway_types::load::Loader;
use gateway_types::routing::ResolvedBackend;
use gateway_validate::{Severity, Snapshot};
use http::header::{CONNECTION, LOCATION};
use http::{HeaderValue, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// The body type the proxy sends and answers with.
pub type Body = Full<Bytes>;

/// Loads `paths`, validates them and compiles the router of Gateway
/// `namespace/name`.
///
/// # Errors
///
/// A load error, an admission error, an unknown Gateway or a router build
/// error, as text (one problem per line).
pub fn load_router(paths: &[PathBuf], namespace: &str, name: &str) -> Result<Router, String> {
    let loaded = Loader::new().load_paths(paths);
    if !loaded.errors.is_empty() {
        let lines: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
        return Err(lines.join("\n"));
    }
    let snapshot = Snapshot::from_loaded(&loaded);
    let report = gateway_validate::validate(&snapshot, &gateway_validate::Options::new());
    let errors: Vec<String> = report
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}: {} [{}]", f.object, f.field, f.message, f.rule))
        .collect();
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let routing = report
        .routing(namespace, name)
        .ok_or_else(|| format!("no routing for Gateway {namespace}/{name}"))?;
    Router::builder()
        .add_gateway(routing)
        .build()
        .map_err(|errors| format!("{errors:?}"))
}

/// Service ports to socket addresses: `namespace/name:port` to `ip:port`.
#[derive(Debug, Clone, Default)]
pub struct Backends {
    map: HashMap<String, SocketAddr>,
}

impl Backends {
    /// Parses lines `namespace/name:port = 127.0.0.1:9001`; blank lines and
    /// lines starting with `#` are skipped.
    ///
    /// # Errors
    ///
    /// The first malformed line, with its number.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut map = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (service, addr) = line
                .split_once('=')
                .ok_or_else(|| format!("line {}: expected `ns/name:port = ip:port`", n + 1))?;
            let addr: SocketAddr = addr
                .trim()
                .parse()
                .map_err(|e| format!("line {}: {e}", n + 1))?;
            map.insert(service.trim().to_owned(), addr);
        }
        Ok(Self { map })
    }

    /// Adds one mapping.
    pub fn insert(&mut self, service: &str, addr: SocketAddr) {
        self.map.insert(service.to_owned(), addr);
    }

    /// The address of a backend, if mapped.
    #[must_use]
    pub fn address(&self, backend: &ResolvedBackend) -> Option<SocketAddr> {
        let port = backend.port?;
        self.map
            .get(&format!("{}/{}:{port}", backend.namespace, backend.name))
            .copied()
    }
}

/// The proxy: the current router, the backend addresses and an HTTP client.
#[derive(Debug)]
pub struct Proxy {
    router: ArcSwap<Router>,
    backends: Backends,
    client: Client<HttpConnector, Body>,
    seed: AtomicU64,
    reloads: AtomicU64,
}

impl Proxy {
    /// A proxy with a first router.
    #[must_use]
    pub fn new(router: Router, backends: Backends) -> Arc<Self> {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| u64::from(d.subsec_nanos()) | 1);
        Arc::new(Self {
            router: ArcSwap::from_pointee(router),
            backends,
            client: Client::builder(TokioExecutor::new()).build_http(),
            seed: AtomicU64::new(nanos),
            reloads: AtomicU64::new(0),
        })
    }

    /// How many times a new router was swapped in.
    pub fn reloads(&self) -> u64 {
        self.reloads.load(Ordering::Relaxed)
    }

    /// Replaces the router; requests in flight finish with the old one.
    pub fn swap(&self, router: Router) {
        self.router.store(Arc::new(router));
        self.reloads.fetch_add(1, Ordering::Relaxed);
    }

    /// A random number per request (splitmix64 over a shared counter).
    fn random(&self) -> u32 {
        let mut z = self
            .seed
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        // The high half of a 64-bit value always fits.
        u32::try_from((z ^ (z >> 31)) >> 32).unwrap_or(0)
    }

    /// Polls the modification times of `paths` every `interval`; when one
    /// changes, loads them again and swaps in the new router, or logs why
    /// not and keeps the old one. Runs until the runtime stops.
    pub fn watch(
        self: &Arc<Self>,
        paths: Vec<PathBuf>,
        gateway: (String, String),
        interval: Duration,
    ) {
        let proxy = Arc::clone(self);
        tokio::spawn(async move {
            let stamp = |paths: &[PathBuf]| -> Vec<Option<SystemTime>> {
                paths
                    .iter()
                    .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
                    .collect()
            };
            let mut seen = stamp(&paths);
            loop {
                tokio::time::sleep(interval).await;
                let now = stamp(&paths);
                if now == seen {
                    continue;
                }
                seen = now;
                let (paths2, (ns, name)) = (paths.clone(), gateway.clone());
                let built =
                    tokio::task::spawn_blocking(move || load_router(&paths2, &ns, &name)).await;
                match built {
                    Ok(Ok(router)) => {
                        proxy.swap(router);
                        eprintln!("hyper_proxy: manifests changed, new router in use");
                    }
                    Ok(Err(why)) => {
                        eprintln!(
                            "hyper_proxy: manifests changed but are invalid; keeping the old router:\n{why}"
                        );
                    }
                    Err(e) => eprintln!("hyper_proxy: reload failed: {e}"),
                }
            }
        });
    }

    /// Serves the Gateway listener port `port` on `listener`, one task per
    /// connection, until the runtime stops.
    pub async fn serve(self: Arc<Self>, listener: TcpListener, port: u16) {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let proxy = Arc::clone(&self);
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let proxy = Arc::clone(&proxy);
                    async move { Ok::<_, std::convert::Infallible>(proxy.handle(req, port).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }

    /// Answers one request that arrived on listener port `port`.
    pub async fn handle(&self, req: Request<Incoming>, port: u16) -> Response<Body> {
        let (mut parts, body) = req.into_parts();
        let Ok(body) = body
            .collect()
            .await
            .map(http_body_util::Collected::to_bytes)
        else {
            return answer(400, &Decision::respond(400));
        };
        let decision = {
            let router = self.router.load();
            let input = Input::from_parts(&parts).with_port(port);
            router.decide(&input, self.random())
        };
        let (backend, upstream) = match (&decision.action, &decision.upstream) {
            (Action::Forward { backend }, Some(upstream)) => (backend, upstream),
            (Action::Redirect { status, location }, _) => {
                let mut response = answer(*status, &decision);
                if let Ok(v) = HeaderValue::from_str(location) {
                    response.headers_mut().insert(LOCATION, v);
                }
                return response;
            }
            (Action::Respond { status }, _) => return answer(*status, &decision),
            _ => return answer(500, &decision),
        };
        let Some(addr) = self.backends.address(backend) else {
            return answer(500, &decision);
        };
        upstream.apply_to(&mut parts);
        parts.headers.remove(CONNECTION);
        for mirror in &decision.mirrors {
            let share = f64::from(self.random()) / f64::from(u32::MAX) * 100.0;
            let Some(to) = self.backends.address(&mirror.backend) else {
                continue;
            };
            if share < mirror.percent || mirror.percent >= 100.0 {
                let mut copy = Request::from_parts(parts.clone(), Full::new(body.clone()));
                set_target(&mut copy, to);
                let client = self.client.clone();
                tokio::spawn(async move {
                    let _ = client.request(copy).await;
                });
            }
        }
        let mut request = Request::from_parts(parts, Full::new(body));
        set_target(&mut request, addr);
        match self.client.request(request).await {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                let Ok(bytes) = body
                    .collect()
                    .await
                    .map(http_body_util::Collected::to_bytes)
                else {
                    return answer(502, &decision);
                };
                decision.response.apply(&mut parts.headers);
                Response::from_parts(parts, Full::new(bytes))
            }
            Err(_) => answer(502, &decision),
        }
    }
}

/// Points the request at `addr`, keeping its path and query (the `Host`
/// header, set by the filters, is what the backend sees).
fn set_target(request: &mut Request<Body>, addr: SocketAddr) {
    let pq = request
        .uri()
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str)
        .to_owned();
    if let Ok(uri) = format!("http://{addr}{pq}").parse::<Uri>() {
        *request.uri_mut() = uri;
    }
}

/// The gateway's own answer, with the response header edits.
fn answer(status: u16, decision: &Decision) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    decision.response.apply(response.headers_mut());
    response
}
