//! Small random route sets and requests: the compiled router and the
//! reference scan (`gateway_match::reference`) must pick the same listener,
//! route, rule and match, or fail for the same reason. The check lives in
//! `common.rs`, which `gateway-match/tests/fuzz_regressions.rs` replays.
#![no_main]

mod common;

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if common::route_vs_reference(data) {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
});
