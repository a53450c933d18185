//! Path normalisation: never panics, is idempotent, and never leaves a dot
//! segment behind.
#![no_main]

use gateway_match::path::{NormalizeOptions, normalize_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (bool, &str)| {
    let (merge, raw) = data;
    let opts = NormalizeOptions::default().merge_slashes(merge);
    if let Ok(once) = normalize_path(raw, opts) {
        let twice = normalize_path(&once, opts).expect("a normal path normalises");
        assert_eq!(once, twice, "not idempotent for {raw:?}");
        for seg in once.split('/') {
            assert!(seg != "." && seg != "..", "dot segment left in {once:?} from {raw:?}");
        }
        assert!(once.starts_with('/'));
    }
});
