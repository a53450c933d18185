//! A hyper 1.x reverse proxy that routes with `gateway-match`.
//!
//! ```text
//! cargo run -p gateway-examples --example hyper_proxy -- \
//!     --gateway infra/edge --backends examples/hyper_proxy/backends.txt \
//!     --listen 80=127.0.0.1:8080 examples/manifests/store.yaml
//! curl -H 'host: shop.store.example.com' http://127.0.0.1:8080/cart
//! ```
//!
//! `--listen PORT=ADDR` serves the Gateway's listener port `PORT` on `ADDR`
//! (repeatable). The manifests are polled every second; a change that
//! validates replaces the router, one that does not is logged and ignored.
//! See `gateway_examples::proxy` for what the proxy does per request.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use gateway_examples::proxy::{Backends, Proxy, load_router};

fn usage() -> String {
    "usage: hyper_proxy --gateway NS/NAME --backends FILE --listen PORT=ADDR... MANIFEST..."
        .to_owned()
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut gateway = None;
    let mut backends = Backends::default();
    let mut listen: Vec<(u16, SocketAddr)> = Vec::new();
    let mut manifests = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--gateway" => gateway = args.next(),
            "--backends" => {
                let file = args.next().ok_or_else(usage)?;
                let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
                backends = Backends::parse(&text).map_err(|e| format!("{file}: {e}"))?;
            }
            "--listen" => {
                let spec = args.next().ok_or_else(usage)?;
                let (port, addr) = spec.split_once('=').ok_or_else(usage)?;
                let port = port.parse().map_err(|e| format!("{spec}: {e}"))?;
                let addr = addr.parse().map_err(|e| format!("{spec}: {e}"))?;
                listen.push((port, addr));
            }
            _ => manifests.push(PathBuf::from(arg)),
        }
    }
    let gateway = gateway.ok_or_else(usage)?;
    let (namespace, name) = gateway.split_once('/').ok_or_else(usage)?;
    if listen.is_empty() || manifests.is_empty() {
        return Err(usage());
    }
    let router = load_router(&manifests, namespace, name)?;
    let proxy = Proxy::new(router, backends);
    proxy.watch(
        manifests,
        (namespace.to_owned(), name.to_owned()),
        Duration::from_secs(1),
    );
    let mut tasks = Vec::new();
    for (port, addr) in listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        eprintln!("hyper_proxy: listener port {port} on {addr}");
        tasks.push(tokio::spawn(
            std::sync::Arc::clone(&proxy).serve(listener, port),
        ));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
