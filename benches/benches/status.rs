//! How long the status pass takes, and how it grows with the number of routes.
//!
//! `reference` is the reference size: 1,000 Gateways, 10,000 HTTPRoutes and
//! 1,000 ReferenceGrants. `status_pass/reference` times `status_of_admitted`,
//! the status pass alone, as a controller runs it on objects an API server
//! has already admitted (target: under 100 ms). `status/reference` times
//! `validate` on the same snapshot: admission (what the API server would
//! reject) and then the status pass.
//!
//! The `routes` groups (`status/routes/{n}`, `status_pass/routes/{n}`) keep
//! 1,000 Gateways and grants and vary the routes (1k, 10k, 100k): the time
//! per route should stay about flat (n log n at worst), not grow with n.
//!
//! Routes are defaulted when they enter the snapshot (once per object
//! written, as an API server does), not in the timed passes; the
//! `snapshot/routes` group times that step for 10,000 HTTPRoutes.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gateway_benches::{CLASS, StatusWorkload, status_snapshot};
use gateway_validate::{Options, Report, Snapshot, status_of_admitted, validate};

/// A pass over a snapshot: `validate` or `status_of_admitted`.
type Pass = fn(&Snapshot, &Options) -> Report;

/// The two passes timed, under their group names.
const PASSES: [(&str, Pass); 2] = [("status", validate), ("status_pass", status_of_admitted)];

fn reference(c: &mut Criterion) {
    let snapshot = status_snapshot(StatusWorkload {
        gateways: 1_000,
        routes: 10_000,
        grants: 1_000,
    });
    let options = Options::new().gateway_class(CLASS);
    // The two passes are comparable only when admission accepts everything.
    let rejected = validate(&snapshot, &options).rejected().len();
    assert_eq!(rejected, 0, "the workload must pass admission");
    for (name, pass) in PASSES {
        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        group.bench_function("reference", |b| {
            b.iter_with_large_drop(|| pass(&snapshot, &options))
        });
        group.finish();
    }
}

fn scaling(c: &mut Criterion) {
    for (name, pass) in PASSES {
        scaling_of(c, name, pass);
    }
}

fn scaling_of(c: &mut Criterion, name: &str, pass: Pass) {
    let options = Options::new().gateway_class(CLASS);
    let mut group = c.benchmark_group(format!("{name}/routes"));
    group.sample_size(10);
    for routes in [1_000, 10_000, 100_000] {
        let snapshot = status_snapshot(StatusWorkload {
            gateways: 1_000,
            routes,
            grants: 1_000,
        });
        group.throughput(Throughput::Elements(routes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(routes), &snapshot, |b, s| {
            b.iter_with_large_drop(|| pass(s, &options));
        });
    }
    group.finish();
}

/// Building the reference snapshot's 10,000 HTTPRoutes into a snapshot, where
/// each is defaulted once.
fn snapshot_build(c: &mut Criterion) {
    let snapshot = status_snapshot(StatusWorkload {
        gateways: 1_000,
        routes: 10_000,
        grants: 1_000,
    });
    let routes: Vec<_> = snapshot
        .entries()
        .filter(|e| e.defaulted_route().is_some())
        .map(|e| e.object.clone())
        .collect();
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(20);
    group.throughput(Throughput::Elements(routes.len() as u64));
    group.bench_function("routes", |b| {
        b.iter_batched(
            || routes.clone(),
            |routes| {
                let mut s = Snapshot::new();
                for r in routes {
                    s.insert(r, None);
                }
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, reference, scaling, snapshot_build);
criterion_main!(benches);
