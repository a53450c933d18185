//! Bytes into the loader: it must never panic, and whatever loads must
//! serialise and load again to the same objects.
#![no_main]

use gateway_types::Loader;
use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() > 64 * 1024 {
        return Corpus::Reject;
    }
    let loaded = Loader::new().load_bytes("fuzz.yaml", data);
    for o in &loaded.objects {
        // Every error and warning renders.
        let _ = o.source.line();
        let json = serde_json::to_string(&o.object).expect("a loaded object serialises");
        let again = Loader::new().load_str("again.json", &json);
        assert_eq!(again.objects.len(), 1, "{json}");
        assert_eq!(again.objects[0].object, o.object, "{json}");
    }
    for e in loaded.errors.iter().chain(&loaded.warnings) {
        let _ = e.to_string();
    }
    Corpus::Keep
});
