//! Tests of the admission pass, one file per kind.
