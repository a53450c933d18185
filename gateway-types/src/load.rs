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
    /// Where it came from.
    pub source: Source,
}

/// Where an object came from.
#[derive(Debug, Clone)]
pub struct Source {
    file: Arc<str>,
    line: usize,
    column: usize,
}

impl Source {
    /// The file name.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// 1-based line of the object's start.
    pub fn line(&self) -> usize {
        self.line
    }
    /// 1-based column of the object's start.
    pub fn column(&self) -> usize {
        self.column
    }
    /// Line and column of a field path inside the object.
    pub fn position(&self, _field_path: &str) -> Option<(usize, usize)> {
        None
    }
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
