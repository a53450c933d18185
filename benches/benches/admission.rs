//! Admission throughput: how many routes per second the admission pass
//! checks (defaulting, schema, CEL rules), at 10,000 HTTPRoutes.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gateway_types::http_route::{
    HttpBackendRef, HttpHeaderFilter, HttpHeaderMatch, HttpPathMatch, HttpRouteFilter,
    HttpRouteMatch, HttpRouteRule, HttpRouteSpec,
};
use gateway_types::shared::ParentReference;
use gateway_types::{HttpRoute, Object};
use gateway_validate::admission::admit;
use gateway_validate::{Channel, Options, Snapshot};

/// A realistic route: two hostnames, three rules with path and header
/// matches, a header filter and two weighted backends each.
fn route(i: usize) -> HttpRoute {
    let mut spec = HttpRouteSpec::default();
    spec.parent_refs = Some(vec![ParentReference::gateway("gw")]);
    spec.hostnames = Some(vec![
        format!("app{i}.example.com"),
        format!("*.app{i}.example.net"),
    ]);
    let rules = (0..3)
        .map(|r| {
            let mut rule = HttpRouteRule::default();
            let mut m = HttpRouteMatch::path(HttpPathMatch::prefix(format!("/svc{i}/v{r}")));
            m.headers = Some(vec![HttpHeaderMatch::exact("x-tenant", format!("t{i}"))]);
            rule.matches = Some(vec![
                m,
                HttpRouteMatch::path(HttpPathMatch::exact(format!("/h{r}"))),
            ]);
            let mut headers = HttpHeaderFilter::default();
            headers.remove = Some(vec!["x-internal".to_owned()]);
            rule.filters = Some(vec![HttpRouteFilter::request_header_modifier(headers)]);
            rule.backend_refs = Some(vec![
                HttpBackendRef::service(format!("svc{i}"), 8080),
                HttpBackendRef::service(format!("svc{i}-canary"), 8080),
            ]);
            rule
        })
        .collect();
    spec.rules = Some(rules);
    HttpRoute::new(&format!("route-{i}"), spec).in_namespace("default")
}

fn bench_admission(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut snapshot = Snapshot::new();
    for i in 0..N {
        snapshot.insert(Object::from(route(i)), None);
    }
    let mut group = c.benchmark_group("admission");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(10);
    for (name, channel) in [
        ("10k_http_routes_standard", Channel::Standard),
        ("10k_http_routes_experimental", Channel::Experimental),
    ] {
        let options = Options::new().channel(channel);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut errors = 0;
                for entry in snapshot.entries() {
                    errors += admit(black_box(entry), None, &options).len();
                }
                assert_eq!(errors, 0);
                errors
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_admission);
criterion_main!(benches);
