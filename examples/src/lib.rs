//! Examples for the Gateway API workspace; see the binaries under `examples/`.
