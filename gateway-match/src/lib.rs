//! A compiled Gateway API router: built once from the accepted routes of a
//! Gateway, then asked per request which rule wins, with its filters and
//! backends.

pub mod decision;
pub mod error;
pub mod input;
pub mod matched;
pub mod router;

pub use decision::{Action, Decision};
pub use error::{BuildError, BuildErrorKind};
pub use input::{Input, Scheme};
pub use matched::{Match, StreamMatch};
pub use router::{Config, Router, RouterBuilder};
