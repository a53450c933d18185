//! Arbitrary manifests through admission and status: never panics, and every
//! finding renders.
#![no_main]

use gateway_types::Loader;
use gateway_validate::{Options, Snapshot, validate};
use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() > 64 * 1024 {
        return Corpus::Reject;
    }
    let loaded = Loader::new().load_bytes("fuzz.yaml", data);
    if loaded.objects.is_empty() {
        return Corpus::Reject;
    }
    let snapshot = Snapshot::from_loaded(&loaded);
    let report = validate(&snapshot, &Options::new());
    for f in report.findings() {
        let _ = f.to_string();
    }
    Corpus::Keep
});
