//! `gwcheck` as a library: the parts of the command-line tool that tests and
//! other tools can reach.
//!
//! - [`testfile`]: the route test file format (v1.1) that `gwcheck test` runs.
//! - [`runner`]: the runner behind `gwcheck test`: it checks route test files
//!   against `gateway-validate` and `gateway-match`.
//! - [`manifests`]: reading manifests from files, folders and standard input,
//!   and the one-line form of every problem (`gwcheck lint`).
//! - [`describe`]: computed status as text and as objects (`gwcheck status`).
//! - [`explain`]: where a request goes and why (`gwcheck route`).
//! - [`schema`]: the JSON Schema of each kind (`gwcheck schema`).
//! - [`testing`]: a helper for your own tests: assert where requests go.

pub mod describe;
pub mod explain;
pub mod manifests;
pub mod runner;
pub mod schema;
pub mod testfile;
pub mod testing;

/// The workspace README, so that its Rust examples compile as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
