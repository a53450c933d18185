//! `gwcheck`: lint Gateway API manifests, show computed status, explain routing
//! and run route test files.
//!
//! The modules live in the library crate (`src/lib.rs`); this binary uses them.

use gwcheck::testfile;

fn main() {
    println!(
        "gwcheck: not built yet (route test format v{})",
        testfile::FORMAT_VERSION
    );
}
