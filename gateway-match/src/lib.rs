//! A compiled Gateway API router: built once from the accepted routes of a
//! Gateway, then asked per request which rule wins, with its filters and
//! backends.

pub mod decision;
pub mod duration;
pub mod error;
pub mod host;
pub mod input;
pub mod matched;
pub mod path;
pub mod router;

pub use decision::{Action, Decision};
pub use duration::DurationError;
pub use error::{BuildError, BuildErrorKind};
pub use host::HostError;
pub use input::{Input, Scheme};
pub use matched::{Match, StreamMatch};
pub use path::{NormalizeOptions, PathError};
pub use router::{Config, Router, RouterBuilder};
