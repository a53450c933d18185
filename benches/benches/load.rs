//! How fast manifests load: our loader against the kube-rs `gateway-api`
//! crate's types read by serde-saphyr, on the same bytes in the same run.
//!
//! The manifest is generated here: `n` HTTPRoutes in one multi-document YAML
//! string, each with a parentRef, two hostnames and two rules (a path match,
//! a header match, a header filter and weighted backendRefs), the shape of a
//! typical application team's route.
//!
//! - `load/gateway-types/{n}`: `Loader::load_str`, which also dispatches on
//!   `kind`, records every object's position for later errors and checks for
//!   unknown fields and duplicate keys.
//! - `load/gateway-api/{n}`: `serde_saphyr::from_multiple_with_options` into
//!   the crate's `HttpRoute` type directly (no kind dispatch, no positions),
//!   with serde-saphyr's budgets raised to fit `n` documents.
//!
//! Throughput is reported in documents (one route each) per second.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gateway_types::load::Loader;

/// Writes `n` HTTPRoute documents.
fn manifest(n: usize) -> String {
    let mut out = String::with_capacity(n * 1_100);
    for i in 0..n {
        let ns = i % 50;
        let _ = write!(
            out,
            "---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-{i}
  namespace: team-{ns}
  labels:
    app: app-{i}
    tier: web
spec:
  parentRefs:
  - name: gateway-{gw}
    namespace: infra
    sectionName: https
  hostnames:
  - app-{i}.example.com
  - \"*.app-{i}.example.net\"
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /api/v{v}
      headers:
      - name: x-tenant
        value: tenant-{i}
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set:
        - name: x-route
          value: route-{i}
    backendRefs:
    - name: api-{i}
      port: 8080
      weight: 90
    - name: api-{i}-canary
      port: 8080
      weight: 10
  - matches:
    - path:
        type: Exact
        value: /healthz
      method: GET
    backendRefs:
    - name: health-{i}
      port: 9000
",
            gw = i % 100,
            v = i % 3 + 1,
        );
    }
    out
}

/// The baseline: serde-saphyr reading the gateway-api crate's HTTPRoute, with
/// its document, node and event budgets raised to fit the manifest (its
/// defaults stop at 1,024 documents; ours at 100,000).
fn gateway_api_routes(
    src: &str,
) -> Result<Vec<gateway_api::httproutes::HttpRoute>, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: 100_000,
            max_nodes: 100_000_000,
            max_events: 100_000_000,
        },
    };
    serde_saphyr::from_multiple_with_options(src, options)
}

fn bench_load(c: &mut Criterion) {
    let loader = Loader::new();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    for n in [1_000, 10_000] {
        let src = manifest(n);

        // Both sides must read every document, or the comparison is void.
        let ours = loader.load_str("bench.yaml", &src);
        assert!(ours.is_ok(), "our loader failed: {:?}", ours.errors.first());
        assert_eq!(ours.objects.len(), n);
        assert!(ours.warnings.is_empty(), "{:?}", ours.warnings.first());
        let theirs = match gateway_api_routes(&src) {
            Ok(v) => v,
            Err(e) => panic!("gateway-api via serde-saphyr failed: {e}"),
        };
        assert_eq!(theirs.len(), n);

        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("gateway-types", n), &src, |b, src| {
            b.iter_with_large_drop(|| loader.load_str("bench.yaml", black_box(src)));
        });
        group.bench_with_input(BenchmarkId::new("gateway-api", n), &src, |b, src| {
            b.iter_with_large_drop(|| gateway_api_routes(black_box(src)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
