//! How fast the compiled router answers, against the reference scan and
//! matchit alone, and what building it costs.
//!
//! Workloads (see `gateway_benches::workload`): 10 to 100,000 HTTPRoute rules
//! over 1 host and over 1,000 hosts (a tenth of them wildcards); paths 60%
//! prefix, 30% exact, 10% regex; a header condition on a tenth of the rules.
//!
//! - `match/{router,reference,matchit}/{rules}x{hosts}`: one lookup of a
//!   request that hits an exact or prefix rule (requests cycle in a fixed
//!   scattered order). matchit sees only the paths (no hosts, no headers).
//! - `match/floor/{rules}x{hosts}`: the same requests looked up in a plain
//!   `HashMap` keyed by their exact `(host, path)` and filled from the
//!   requests themselves: one hash and (usually) one probe, no
//!   normalisation, no precedence. Not a router (it knows the answers in
//!   advance), but the cost on this machine of reading a request and one
//!   table slot at this size, measured in the same run: the in-run floor
//!   the router's times are read against.
//! - `match_regex/router/{rules}x{hosts}`: requests that hit regex rules.
//! - `match_warm/router/{rules}x{hosts}`: the `match/router` lookups, but
//!   cycling through only 64 requests, so that the tables they touch stay in
//!   the CPU caches: the cost of a lookup without memory misses, which is
//!   what stays flat as rules grow. `match/router` is the figure to quote;
//!   this one says how much of it is memory.
//! - `build/{rules}x{hosts}`: compiling the router. Before the group runs,
//!   the bench prints the build time and the bytes the router keeps per rule.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use foldhash::fast::FixedState;
use gateway_benches::alloc::{CountingAlloc, live_bytes};
use gateway_benches::workload::{Request, Workload, scattered, workload};
use gateway_match::reference::Reference;
use gateway_match::{Config, Router, RouterBuilder};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const SIZES: &[(usize, usize)] = &[
    (10, 1),
    (100, 1),
    (1_000, 1),
    (10_000, 1),
    (100_000, 1),
    (10, 1_000),
    (100, 1_000),
    (1_000, 1_000),
    (10_000, 1_000),
    (100_000, 1_000),
];

/// Requests per cycle: enough to defeat the branch predictor, few enough to
/// stay small.
const CYCLE: usize = 4096;

/// Requests per cycle in `match_warm`: few enough for what they touch to
/// stay cached.
const WARM_CYCLE: usize = 64;

fn router_of(w: &Workload) -> Router {
    match builder_of(w).build() {
        Ok(r) => r,
        Err(e) => panic!("workload does not build: {e:?}"),
    }
}

fn bench_lookups(c: &mut Criterion) {
    let mut group = c.benchmark_group("match");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for &(rules, hosts) in SIZES {
        let w = workload(rules, hosts);
        let router = router_of(&w);
        let hits: Vec<&Request> = w.exact_or_prefix().collect();
        let order = scattered(&hits, CYCLE);
        let id = format!("{rules}x{hosts}");

        group.sample_size(50);
        bench_router(&mut group, &format!("router/{id}"), &router, &order);

        let mut matchit = matchit::Router::new();
        for (n, template) in w.matchit_routes.iter().enumerate() {
            let _ = matchit.insert(template.as_str(), n);
        }
        let mut i = 0;
        group.bench_function(format!("matchit/{id}"), |b| {
            b.iter(|| {
                let r = next(&order, &mut i);
                black_box(matchit.at(black_box(&r.path)).map(|m| *m.value).ok())
            });
        });

        let floor: HashMap<(&str, &str), usize, FixedState> = hits
            .iter()
            .map(|r| ((r.host.as_str(), r.path.as_str()), r.rule))
            .collect();
        let mut i = 0;
        group.bench_function(format!("floor/{id}"), |b| {
            b.iter(|| {
                let r = next(&order, &mut i);
                let input = black_box(r.input());
                black_box(floor.get(&(input.host, input.path)).copied())
            });
        });

        let reference = Reference::new(std::slice::from_ref(&w.listener), &Config::new());
        group.sample_size(if rules >= 10_000 { 10 } else { 30 });
        let mut i = 0;
        group.bench_function(format!("reference/{id}"), |b| {
            b.iter(|| {
                let r = next(&order, &mut i);
                black_box(reference.route(black_box(&r.input())).ok().map(|m| m.rule))
            });
        });
    }
    group.finish();

    router_group(c, "match_regex", |w| w.regex().collect(), CYCLE);
    router_group(
        c,
        "match_warm",
        |w| w.exact_or_prefix().collect(),
        WARM_CYCLE,
    );
}

/// A group of `router/{rules}x{hosts}` lookups over every size: the requests
/// `pick` chooses, `cycle` of them in scattered order.
fn router_group(c: &mut Criterion, name: &str, pick: fn(&Workload) -> Vec<&Request>, cycle: usize) {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(30);
    for &(rules, hosts) in SIZES {
        let w = workload(rules, hosts);
        let router = router_of(&w);
        let order = scattered(&pick(&w), cycle);
        bench_router(
            &mut group,
            &format!("router/{rules}x{hosts}"),
            &router,
            &order,
        );
    }
    group.finish();
}

/// The request at `i` in `order` (round and round), and `i` moved on.
#[inline]
fn next<'a>(order: &[&'a Request], i: &mut usize) -> &'a Request {
    let r = order[*i % order.len()];
    *i += 1;
    r
}

/// One lookup per iteration, the requests taken in `order`, round and round.
fn bench_router(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    router: &Router,
    order: &[&Request],
) {
    let mut i = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            let r = next(order, &mut i);
            black_box(
                router
                    .route_input(black_box(&r.input()))
                    .map(|m| m.rule_index),
            )
        });
    });
}

fn builder_of(w: &Workload) -> RouterBuilder {
    let mut b = Router::builder();
    b.configure(Config::new());
    b.add_listener(w.listener.clone());
    b
}

fn bench_build(c: &mut Criterion) {
    eprintln!("\nbuild: rules x hosts | time (best of 3) | bytes kept per rule");
    for &(rules, hosts) in SIZES {
        let w = workload(rules, hosts);
        let builder = builder_of(&w);
        let mut best = Duration::MAX;
        let mut per_rule = 0;
        for _ in 0..3 {
            let before = live_bytes();
            let start = Instant::now();
            let router = builder.build();
            best = best.min(start.elapsed());
            per_rule = live_bytes().saturating_sub(before) / rules;
            drop(router);
        }
        eprintln!("build: {rules:>7} x {hosts:>5} | {best:>10.2?} | {per_rule:>5} B");
    }
    let mut group = c.benchmark_group("build");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(10);
    for &(rules, hosts) in SIZES {
        let builder = builder_of(&workload(rules, hosts));
        group.bench_function(format!("{rules}x{hosts}"), |b| b.iter(|| builder.build()));
    }
    group.finish();
}

criterion_group!(benches, bench_lookups, bench_build);
criterion_main!(benches);
