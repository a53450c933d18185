//! End to end: real backends and the proxy on loopback, real HTTP requests,
//! a manifest change while requests keep flowing.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use gateway_examples::proxy::{Backends, Proxy, load_router};
use http::{Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const GATEWAY: &str = r"
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: test}
spec: {controllerName: example.com/test}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: app}
spec:
  gatewayClassName: test
  listeners:
    - {name: http, protocol: HTTP, port: 80}
---
apiVersion: v1
kind: Service
metadata: {name: one, namespace: app}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: two, namespace: app}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: mirror, namespace: app}
spec: {ports: [{port: 80}]}
";

/// The HTTPRoute; `api` names the backend of `/api`.
fn route(api: &str) -> String {
    format!(
        r"
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: r, namespace: app}}
spec:
  parentRefs: [{{name: gw}}]
  hostnames: [a.test]
  rules:
    - matches: [{{path: {{type: PathPrefix, value: /api}}}}]
      filters:
        - type: URLRewrite
          urlRewrite: {{path: {{type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}}
        - type: RequestHeaderModifier
          requestHeaderModifier: {{add: [{{name: x-added, value: added}}]}}
        - type: ResponseHeaderModifier
          responseHeaderModifier: {{set: [{{name: x-resp, value: set}}]}}
        - type: RequestMirror
          requestMirror: {{backendRef: {{name: mirror, port: 80}}}}
      backendRefs: [{{name: {api}, port: 80}}]
    - matches: [{{path: {{type: PathPrefix, value: /split}}}}]
      backendRefs: [{{name: one, port: 80, weight: 70}}, {{name: two, port: 80, weight: 30}}]
    - matches: [{{path: {{type: PathPrefix, value: /old}}}}]
      filters:
        - type: RequestRedirect
          requestRedirect: {{hostname: b.test, statusCode: 302}}
    - matches: [{{path: {{type: PathPrefix, value: /broken}}}}]
      backendRefs: [{{name: missing, port: 80}}]
"
    )
}

/// A backend that answers with its name, and the path and headers it got;
/// every request is also reported on `seen`.
async fn backend(name: &'static str, seen: mpsc::UnboundedSender<String>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind backend");
    let addr = listener.local_addr().expect("backend address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let seen = seen.clone();
                    async move {
                        let mut text = format!("backend={name}\npath={}\n", req.uri());
                        for (n, v) in req.headers() {
                            text.push_str(&format!("{n}={}\n", v.to_str().unwrap_or("?")));
                        }
                        let _ = seen.send(format!("{name} {}", req.uri()));
                        Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from(
                            text,
                        ))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

struct Got {
    status: u16,
    headers: http::HeaderMap,
    body: String,
}

impl Got {
    fn backend(&self) -> &str {
        self.line("backend").unwrap_or("")
    }
    fn line(&self, key: &str) -> Option<&str> {
        self.body
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
    }
}

async fn get(
    client: &Client<HttpConnector, Full<Bytes>>,
    proxy: SocketAddr,
    host: &str,
    path: &str,
) -> Got {
    let req = Request::get(format!("http://{proxy}{path}"))
        .header("host", host)
        .body(Full::new(Bytes::new()))
        .expect("request");
    let response = tokio::time::timeout(Duration::from_secs(5), client.request(req))
        .await
        .expect("no answer within 5 s")
        .expect("request failed");
    let status = response.status().as_u16();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Got {
        status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proxy-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_routes_filters_splits_and_reloads_without_failing_requests() {
    let dir = temp_dir();
    let gateway_file = dir.join("gateway.yaml");
    let route_file = dir.join("route.yaml");
    std::fs::write(&gateway_file, GATEWAY).expect("write");
    std::fs::write(&route_file, route("one")).expect("write");
    let paths = vec![gateway_file.clone(), route_file.clone()];

    let (tx, mut seen) = mpsc::unbounded_channel();
    let mut backends = Backends::default();
    backends.insert("app/one:80", backend("one", tx.clone()).await);
    backends.insert("app/two:80", backend("two", tx.clone()).await);
    backends.insert("app/mirror:80", backend("mirror", tx).await);
    // `missing` has no Service: the router answers 500 for it.

    let router = load_router(&paths, "app", "gw").expect("initial manifests are valid");
    let proxy = Proxy::new(router, backends);
    proxy.watch(
        paths,
        ("app".into(), "gw".into()),
        Duration::from_millis(50),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().expect("proxy address");
    tokio::spawn(Arc::clone(&proxy).serve(listener, 80));
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();

    // Rewrites, request and response header filters, mirrors.
    let got = get(&client, addr, "a.test", "/api/items?x=1").await;
    assert_eq!((got.status, got.backend()), (200, "one"), "{}", got.body);
    assert_eq!(got.line("path"), Some("/v2/items?x=1"));
    assert_eq!(got.line("x-added"), Some("added"));
    assert_eq!(got.line("host"), Some("a.test"));
    assert_eq!(got.headers["x-resp"], "set");
    let mirrored = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match seen.recv().await {
                Some(s) if s.starts_with("mirror ") => return s,
                Some(_) => {}
                None => return String::new(),
            }
        }
    })
    .await
    .expect("mirror copy within 5 s");
    assert_eq!(mirrored, "mirror /v2/items?x=1");

    // Redirects, 404 and 500.
    let got = get(&client, addr, "a.test", "/old/page").await;
    assert_eq!(got.status, 302);
    assert_eq!(got.headers["location"], "http://b.test/old/page");
    assert_eq!(get(&client, addr, "nobody.test", "/").await.status, 404);
    assert_eq!(get(&client, addr, "a.test", "/broken").await.status, 500);

    // Weighted split: 70/30 over 2000 requests, within 5 percentage points
    // (about five standard deviations).
    let mut one = 0u32;
    for _ in 0..2000 {
        let got = get(&client, addr, "a.test", "/split").await;
        assert_eq!(got.status, 200);
        if got.backend() == "one" {
            one += 1;
        }
    }
    let share = f64::from(one) / 20.0;
    assert!(
        (share - 70.0).abs() <= 5.0,
        "backend one got {share}% of /split, expected 70%"
    );

    // Requests keep flowing while the manifests change.
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let load = {
        let (client, stop, sent) = (client.clone(), Arc::clone(&stop), Arc::clone(&sent));
        tokio::spawn(async move {
            let mut failures = Vec::new();
            for _ in 0..100_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let got = get(&client, addr, "a.test", "/split").await;
                sent.fetch_add(1, Ordering::Relaxed);
                if got.status != 200 {
                    failures.push(got.status);
                }
            }
            failures
        })
    };
    let reloads = proxy.reloads();
    // An invalid manifest is ignored: the old router stays.
    std::fs::write(&route_file, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: app}\nspec: {rules: [{matches: [{path: {type: PathPrefix, value: nope}}]}]}\n").expect("write");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        proxy.reloads(),
        reloads,
        "an invalid manifest must not be swapped in"
    );
    assert_eq!(
        get(&client, addr, "a.test", "/api/x").await.backend(),
        "one"
    );
    // A valid change is picked up.
    std::fs::write(&route_file, route("two")).expect("write");
    let mut switched = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if get(&client, addr, "a.test", "/api/x").await.backend() == "two" {
            switched = true;
            break;
        }
    }
    assert!(switched, "the new route was not used within 5 s");
    assert_eq!(proxy.reloads(), reloads + 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let failures = tokio::time::timeout(Duration::from_secs(10), load)
        .await
        .expect("load loop ends")
        .expect("load task");
    assert!(
        sent.load(Ordering::Relaxed) > 10,
        "the load loop barely ran"
    );
    assert!(
        failures.is_empty(),
        "requests failed during reload: {failures:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
