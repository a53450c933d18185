//! Shared helpers for the benches: workload generators and an
//! allocation-counting global allocator.

pub mod alloc;
pub mod workload;
