//! `gwcheck` as a library: the parts of the command-line tool that tests and
//! other tools can reach.
//!
//! - [`testfile`]: the route test file format (v1.1) that `gwcheck test` runs.
//! - [`runner`]: the runner behind `gwcheck test`: it checks route test files
//!   against `gateway-validate` and `gateway-match`.

pub mod runner;
pub mod testfile;
