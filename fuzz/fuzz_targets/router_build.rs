//! Arbitrary route sets into the router builder, with hostile strings in
//! every field the router compiles and small limits: building never panics,
//! every error names a route that was given and, when it names a rule, a
//! rule that exists; the router built from the rest routes without
//! panicking. The check lives in `common.rs`, which
//! `gateway-match/tests/fuzz_regressions.rs` replays.
#![no_main]

mod common;

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if common::router_build(data) {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
});
