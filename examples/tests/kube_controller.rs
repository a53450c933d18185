//! The `kube_controller` runtime against a fake API server on loopback: it
//! serves discovery, lists of the objects of `examples/manifests/store.yaml`
//! and watches that never fire, and records every request the controller
//! sends. Checks what goes over the wire: a forced server-side apply per
//! object with status, on the `status` subresource, as the field manager.
#![cfg(feature = "kube")]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use gateway_examples::controller;
use gateway_examples::status_sync::{DEFAULT_CONTROLLER_NAME, FIELD_MANAGER, status_patches};
use gateway_types::Object;
use gateway_types::load::Loader;
use gateway_validate::Options;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// One request the controller sent that was not a list or a watch.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: Value,
}

fn store_objects() -> Vec<Object> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/manifests/store.yaml"));
    let loaded = Loader::new().load_paths(&[path]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.objects.into_iter().map(|o| o.object).collect()
}

/// Collection path of a kind: `/api/v1/services`, `/apis/g/v/httproutes`.
fn collection(object: &Object) -> String {
    let kind = object.kind().to_lowercase();
    let plural = if kind.ends_with('s') {
        format!("{kind}es")
    } else {
        format!("{kind}s")
    };
    if object.group().is_empty() {
        format!("/api/v1/{plural}")
    } else {
        format!("/apis/{}/v1/{plural}", object.group())
    }
}

/// The fake cluster serves these Gateway API kinds only: the controller must
/// not wait for the others.
fn discovery() -> Value {
    let resource = |name: &str, kind: &str, namespaced: bool| {
        json!({"name": name, "singularName": "", "namespaced": namespaced, "kind": kind,
               "verbs": ["get", "list", "watch", "patch"]})
    };
    json!({
        "kind": "APIResourceList", "apiVersion": "v1",
        "groupVersion": "gateway.networking.k8s.io/v1",
        "resources": [
            resource("gatewayclasses", "GatewayClass", false),
            resource("gatewayclasses/status", "GatewayClass", false),
            resource("gateways", "Gateway", true),
            resource("gateways/status", "Gateway", true),
            resource("httproutes", "HTTPRoute", true),
            resource("httproutes/status", "HTTPRoute", true),
            resource("referencegrants", "ReferenceGrant", true),
        ],
    })
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

async fn handle(
    req: Request<Incoming>,
    lists: Arc<BTreeMap<String, Vec<Value>>>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    if req.method() == http::Method::GET {
        if path == "/apis/gateway.networking.k8s.io/v1" {
            return json_response(StatusCode::OK, &discovery());
        }
        if let Some(items) = lists.get(&path) {
            if query
                .split('&')
                .any(|p| p == "watch=true" || p == "watch=1")
            {
                // A watch with nothing to report.
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            let list = json!({
                "apiVersion": "v1", "kind": "List",
                "metadata": {"resourceVersion": "1"}, "items": items,
            });
            return json_response(StatusCode::OK, &list);
        }
    }
    let method = req.method().to_string();
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    recorded.lock().expect("not poisoned").push(Recorded {
        method,
        path,
        query,
        content_type,
        body: body.clone(),
    });
    if body.is_null() {
        let status = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                            "message": "not found", "reason": "NotFound", "code": 404});
        return json_response(StatusCode::NOT_FOUND, &status);
    }
    json_response(StatusCode::OK, &body)
}

/// Starts the fake API server; its URL and the requests it records.
async fn fake_api_server(objects: &[Object]) -> (String, Arc<Mutex<Vec<Recorded>>>) {
    let mut lists: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for kind in [
        "/api/v1/namespaces",
        "/api/v1/services",
        "/api/v1/secrets",
        "/api/v1/configmaps",
    ] {
        lists.insert(kind.to_owned(), Vec::new());
    }
    for object in objects {
        lists
            .entry(collection(object))
            .or_default()
            .push(serde_json::to_value(object).expect("objects serialise"));
    }
    let lists = Arc::new(lists);
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let recorder = Arc::clone(&recorded);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let lists = Arc::clone(&lists);
            let recorded = Arc::clone(&recorder);
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let lists = Arc::clone(&lists);
                    let recorded = Arc::clone(&recorded);
                    async move { Ok::<_, Infallible>(handle(req, lists, recorded).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}"), recorded)
}

/// `lastTransitionTime` depends on the clock: blank it for comparison.
fn without_times(mut value: Value) -> Value {
    match &mut value {
        Value::Object(fields) => {
            for (key, v) in fields.iter_mut() {
                if key == "lastTransitionTime" {
                    *v = json!("T");
                } else {
                    *v = without_times(v.take());
                }
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_times(v.take());
            }
        }
        _ => {}
    }
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_applies_each_computed_status_once_with_forced_server_side_apply() {
    let objects = store_objects();
    let (url, recorded) = fake_api_server(&objects).await;
    let config = kube::Config::new(url.parse().expect("url"));
    let client = kube::Client::try_from(config).expect("client");
    let options = Options::new().controller_name(DEFAULT_CONTROLLER_NAME);
    let task = tokio::spawn(controller::run(client, options.clone()));

    let expected = status_patches(objects, &options, "2026-01-01T00:00:00Z");
    assert_eq!(expected.len(), 5);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while recorded.lock().expect("not poisoned").len() < expected.len() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "patches so far: {:?}",
            recorded.lock().expect("not poisoned")
        );
        assert!(
            !task.is_finished(),
            "the controller stopped: {:?}",
            task.await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // No watch event arrives, so there is no second pass (quiet period 200 ms).
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(!task.is_finished(), "the controller keeps running");
    task.abort();

    let sent = recorded.lock().expect("not poisoned").clone();
    let mut paths: Vec<&str> = sent.iter().map(|r| r.path.as_str()).collect();
    let mut expected_paths: Vec<String> = expected.iter().map(|p| p.path()).collect();
    paths.sort_unstable();
    expected_paths.sort();
    assert_eq!(paths, expected_paths, "one request per object with status");
    for patch in &expected {
        let request = sent
            .iter()
            .find(|r| r.path == patch.path())
            .expect("paths compared above");
        assert_eq!(request.method, "PATCH");
        assert_eq!(request.content_type, "application/apply-patch+yaml");
        let params: Vec<&str> = request.query.split('&').collect();
        assert!(
            params.contains(&format!("fieldManager={FIELD_MANAGER}").as_str()),
            "{}",
            request.query
        );
        assert!(params.contains(&"force=true"), "{}", request.query);
        assert_eq!(
            without_times(request.body.clone()),
            without_times(patch.body.clone())
        );
    }
}
