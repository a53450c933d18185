//! A compiled Gateway API request router.

pub mod duration;
pub mod host;
pub mod path;

pub use duration::DurationError;
pub use host::HostError;
pub use path::{NormalizeOptions, PathError};
