//! `gwcheck`: lint Gateway API manifests, show computed status, explain routing
//! and run route test files.

fn main() {
    println!("gwcheck: not built yet");
}
