//! How long the status pass takes, and how it grows with the number of routes.
//!
//! `status/reference` is the reference size: 1,000 Gateways, 10,000
//! HTTPRoutes and 1,000 ReferenceGrants (target: under 100 ms). The
//! `status/routes` group keeps 1,000 Gateways and grants and varies the
//! routes (1k, 10k, 100k): the time per route should stay about flat
//! (n log n at worst), not grow with n.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gateway_benches::{CLASS, StatusWorkload, status_snapshot};
use gateway_validate::{Options, validate};

fn reference(c: &mut Criterion) {
    let snapshot = status_snapshot(StatusWorkload {
        gateways: 1_000,
        routes: 10_000,
        grants: 1_000,
    });
    let options = Options::new().gateway_class(CLASS);
    let mut group = c.benchmark_group("status");
    group.sample_size(20);
    group.bench_function("reference", |b| {
        b.iter_with_large_drop(|| validate(&snapshot, &options))
    });
    group.finish();
}

fn scaling(c: &mut Criterion) {
    let options = Options::new().gateway_class(CLASS);
    let mut group = c.benchmark_group("status/routes");
    group.sample_size(10);
    for routes in [1_000, 10_000, 100_000] {
        let snapshot = status_snapshot(StatusWorkload {
            gateways: 1_000,
            routes,
            grants: 1_000,
        });
        group.throughput(Throughput::Elements(routes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(routes), &snapshot, |b, s| {
            b.iter_with_large_drop(|| validate(s, &options));
        });
    }
    group.finish();
}

criterion_group!(benches, reference, scaling);
criterion_main!(benches);
