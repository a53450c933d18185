//! A compiled Gateway API request router.

pub mod path;

pub use path::{NormalizeOptions, PathError};
