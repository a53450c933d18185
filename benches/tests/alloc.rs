//! The hot path does not allocate, and a router keeps under 1 KiB per rule.
//!
//! Both are measured with the counting global allocator of
//! `gateway_benches::alloc`, which is why these tests live in this package:
//! the library crates forbid the `unsafe` a global allocator needs.

use std::hint::black_box;

use gateway_benches::alloc::{CountingAlloc, live_bytes, thread_allocations};
use gateway_benches::workload::{PathKind, workload};
use gateway_match::{Input, Router};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// The live-byte count is global: the tests take turns.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn build(rules: usize, hosts: usize) -> (gateway_benches::workload::Workload, Router) {
    let w = workload(rules, hosts);
    let mut b = Router::builder();
    b.add_listener(w.listener.clone());
    let router = b.build().expect("the workload builds");
    (w, router)
}

#[test]
fn matching_allocates_nothing_once_warm() {
    let _turn = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (rules, hosts) in [(1_000, 1), (1_000, 1_000)] {
        let (w, router) = build(rules, hosts);
        let inputs: Vec<Input<'_>> = w.requests.iter().map(|r| r.input()).collect();
        // Warm up: regular expressions compile on first use, and their
        // per-thread caches fill.
        for input in &inputs {
            assert!(router.route_input(input).is_some());
        }
        let kinds = [PathKind::Exact, PathKind::Prefix, PathKind::Regex];
        for kind in kinds {
            let before = thread_allocations();
            let mut hits = 0;
            for (input, r) in inputs.iter().zip(&w.requests) {
                if r.kind == kind {
                    hits += usize::from(black_box(router.route_input(black_box(input))).is_some());
                }
            }
            let allocated = thread_allocations() - before;
            assert!(hits > 0);
            assert_eq!(
                allocated, 0,
                "{kind:?} lookups allocated {allocated} times ({rules}x{hosts})"
            );
        }
        // Misses do not allocate either.
        let headers = http::HeaderMap::new();
        let before = thread_allocations();
        let miss = Input::new(
            &http::Method::GET,
            "nowhere.example.com",
            "/none/at/all",
            &headers,
        );
        assert!(black_box(router.route_input(&miss)).is_none());
        assert_eq!(thread_allocations() - before, 0);
    }
}

#[test]
fn a_router_keeps_under_1_kib_per_rule() {
    let _turn = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (rules, hosts) in [(10_000, 1), (10_000, 1_000)] {
        let w = workload(rules, hosts);
        let mut b = Router::builder();
        b.add_listener(w.listener.clone());
        let before = live_bytes();
        let router = b.build().expect("the workload builds");
        let per_rule = live_bytes().saturating_sub(before) / rules;
        assert!(
            per_rule < 1024,
            "{per_rule} bytes per rule ({rules}x{hosts})"
        );
        drop(router);
    }
}
