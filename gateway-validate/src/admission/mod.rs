//! The admission pass: what the API server would reject, object by object.

use crate::Options;
use crate::finding::Finding;
use crate::snapshot::Entry;

/// Checks one object alone, after API-server defaulting, against the CRD
/// schema and CEL rules of the configured channel. `old` is the stored object
/// on an update (transition rules compare the two).
#[must_use]
pub fn admit(entry: &Entry, old: Option<&Entry>, options: &Options) -> Vec<Finding> {
    let _ = (entry, old, options);
    Vec::new()
}
