//! Shared helpers for the benches: workload generators.
