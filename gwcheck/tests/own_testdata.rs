//! Our own route test files (`testdata/`, one per spec area) pass through the
//! library runner, each folder on its channel: `testdata/` on the standard
//! channel, `testdata/experimental/` on the experimental one. `.ci/run` also
//! runs them through the command line.

use std::path::Path;

use gateway_validate::Channel;
use gwcheck::runner::{RunConfig, run_file};
use gwcheck::testfile::discover;

/// Runs every file of `dir` and returns the failures, each with its checks.
fn failures(dir: &str, config: &RunConfig) -> (usize, Vec<String>) {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let files = discover(root.join(dir)).unwrap_or_else(|e| panic!("{e}"));
    let mut failed = Vec::new();
    for file in &files {
        let report = run_file(file, config);
        if !report.passed() {
            let checks: Vec<String> = report
                .checks()
                .iter()
                .filter(|c| !c.passed())
                .map(|c| format!("  {}: {:?}", c.subject, c.items))
                .collect();
            failed.push(format!(
                "{} ({:?}):\n{}",
                file.display(),
                report.error(),
                checks.join("\n")
            ));
        }
    }
    (files.len(), failed)
}

#[test]
fn standard_channel_testdata_passes() {
    let (n, failed) = failures("testdata", &RunConfig::new());
    assert!(n >= 10, "expected our testdata files, found {n}");
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn experimental_channel_testdata_passes_only_on_the_experimental_channel() {
    let experimental = RunConfig::new().channel(Channel::Experimental);
    let (n, failed) = failures("testdata/experimental", &experimental);
    assert!(n >= 1, "expected experimental testdata files, found {n}");
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    // On the standard channel the experimental fields are pruned, so the
    // same files fail: they do depend on the channel.
    let (_, failed) = failures("testdata/experimental", &RunConfig::new());
    assert_eq!(failed.len(), n, "every experimental file needs its channel");
}
