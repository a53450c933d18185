//! Measures the latency the `hyper_proxy` core adds: one echo backend on
//! loopback, the proxy in front of it, and a bounded loop of sequential
//! requests sent directly and through the proxy (keep-alive connections).
//!
//! ```text
//! cargo run --release -p gateway-examples --example proxy_latency [REQUESTS]
//! ```
//!
//! With `--serve-backend ADDR` it only serves the echo backend on `ADDR`
//! until killed, for an external load generator (`examples/bench-proxy.sh`
//! runs wrk against it directly and through `hyper_proxy`).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use gateway_examples::proxy::{Backends, Proxy, load_router};
use http::{Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

const MANIFESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/manifests/store.yaml");

/// Starts the echo backend (answers every request with its URI) on `bind`.
async fn echo_backend(bind: &str) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| format!("{bind}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = service_fn(|req: Request<hyper::body::Incoming>| async move {
                    let body = Bytes::from(req.uri().to_string());
                    Ok::<_, std::convert::Infallible>(Response::new(Full::new(body)))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

/// Sends `n` sequential requests to `target`; the sorted latencies.
async fn run(
    client: &Client<HttpConnector, Full<Bytes>>,
    target: SocketAddr,
    n: usize,
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let req = Request::get(format!("http://{target}/cart/items"))
            .header("host", "shop.store.example.com")
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let start = Instant::now();
        let response = tokio::time::timeout(Duration::from_secs(5), client.request(req))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let status = response.status();
        response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        times.push(start.elapsed());
        if !status.is_success() {
            return Err(format!("status {status}"));
        }
    }
    times.sort();
    Ok(times)
}

fn summary(name: &str, times: &[Duration]) -> String {
    let at = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "index of a small slice"
        )]
        let i = ((times.len() as f64 - 1.0) * q) as usize;
        times.get(i).copied().unwrap_or_default()
    };
    format!(
        "{name}: p50 {:?}  p90 {:?}  p99 {:?}",
        at(0.5),
        at(0.9),
        at(0.99)
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("--serve-backend") {
        let bind = args
            .next()
            .ok_or("usage: proxy_latency --serve-backend ADDR")?;
        let addr = echo_backend(&bind).await?;
        eprintln!("proxy_latency: echo backend on {addr}");
        std::future::pending::<()>().await;
    }
    let n: usize = first.and_then(|a| a.parse().ok()).unwrap_or(5000);
    let backend = echo_backend("127.0.0.1:0").await?;
    let mut backends = Backends::default();
    backends.insert("store/cart:8080", backend);
    let router = load_router(&[MANIFESTS.into()], "infra", "edge")?;
    let proxy = Proxy::new(router, backends);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(std::sync::Arc::clone(&proxy).serve(listener, 80));
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    // Warm up both paths (connections, caches).
    run(&client, backend, 200).await?;
    run(&client, addr, 200).await?;
    let direct = run(&client, backend, n).await?;
    let proxied = run(&client, addr, n).await?;
    println!("{n} sequential GETs on loopback, keep-alive");
    println!("{}", summary("direct ", &direct));
    println!("{}", summary("proxied", &proxied));
    Ok(())
}
