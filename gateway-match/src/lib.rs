//! A compiled Gateway API request router.

pub mod host;
pub mod path;

pub use host::HostError;
pub use path::{NormalizeOptions, PathError};
