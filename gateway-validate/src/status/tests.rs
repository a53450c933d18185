//! Tests of the status pass.
