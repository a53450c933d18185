//! The status pass: what a conformant controller writes into `.status`.

use crate::Options;
use crate::report::Report;
use crate::snapshot::Snapshot;

/// Computes every status and the routing view for the admitted objects of
/// `snapshot` (objects named in `report.rejected` are skipped), into `report`.
pub(crate) fn compute(snapshot: &Snapshot, options: &Options, report: &mut Report) {
    let _ = (snapshot, options, report);
}
