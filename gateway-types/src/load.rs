//! Loading objects from multi-document YAML and JSON.
// TODO(helper): the real loader.

use std::sync::Arc;

use crate::object::Object;

/// Loads objects; see the module docs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Loader {}

/// What one load produced.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Loaded {
    /// Objects that loaded.
    pub objects: Vec<LoadedObject>,
    /// Documents or objects that did not.
    pub errors: Vec<LoadError>,
}

/// An object with where it came from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LoadedObject {
    /// The object.
    pub object: Object,
    /// The file it came from.
    pub file: Arc<str>,
    /// Line of the document start (1-based).
    pub line: usize,
}

/// A load error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
#[non_exhaustive]
pub struct LoadError {
    file: Arc<str>,
    line: usize,
    column: usize,
    message: String,
}
