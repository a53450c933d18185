#![doc = include_str!("docs/crate.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod compile;
mod compiled;
mod filter;
mod pattern;
mod precedence;
mod predicate;
mod table;

pub mod decision;
pub mod duration;
pub mod error;
pub mod host;
pub mod input;
pub mod matched;
pub mod path;
pub mod reference;
pub mod router;

#[doc(hidden)]
pub mod __doc_support {
    //! Helpers for the documentation examples; not part of the API.
    pub use crate::doc_support::*;
}
mod doc_support;

pub use decision::{Action, Decision, HeaderEdit, Mirror, ResponseEdits, UpstreamRequest};
pub use duration::DurationError;
pub use error::{BuildError, BuildErrorKind};
pub use host::HostError;
pub use input::{Input, Scheme};
#[cfg(feature = "experimental")]
pub use matched::Retry;
pub use matched::{BackendChoice, Filters, Match, StreamMatch, Timeouts};
pub use path::{NormalizeOptions, PathError};
pub use router::{Config, NoRoute, Router, RouterBuilder, Stats};
