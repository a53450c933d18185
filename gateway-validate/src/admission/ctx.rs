//! What the checks of one object share: who the object is, where it came
//! from, the channel, and the findings collected so far.

use gateway_types::load::Source;

use crate::Channel;
use crate::finding::{Finding, Location, ObjectRef, Severity};

use super::schema::rule;

/// The state of one admission run.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    object: ObjectRef,
    source: Option<&'a Source>,
    /// The release channel checked against.
    pub(crate) channel: Channel,
    /// The version the object was written in (`v1`, `v1alpha2`, ...).
    pub(crate) version: &'a str,
    findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    /// A context for `object`.
    pub(crate) fn new(
        object: ObjectRef,
        source: Option<&'a Source>,
        channel: Channel,
        version: &'a str,
    ) -> Self {
        Self {
            object,
            source,
            channel,
            version,
            findings: Vec::new(),
        }
    }

    /// Whether the experimental channel is checked.
    pub(crate) fn experimental(&self) -> bool {
        self.channel == Channel::Experimental
    }

    /// Reports that the API server would reject the object.
    pub(crate) fn error(&mut self, field: &str, rule: &'static str, message: impl Into<String>) {
        self.push(field, rule, message.into(), Severity::Error);
    }

    /// Reports a field the channel's CRD does not have.
    pub(crate) fn pruned(&mut self, field: &str, name: &str) {
        let message = match self.channel {
            Channel::Standard => format!(
                "`{name}` exists only in the experimental channel; the standard-channel API server \
                 drops it (and rejects the object under strict field validation); remove it or \
                 check with the experimental channel"
            ),
            _ => format!(
                "`{name}` is not a field of this kind; the API server drops it (and rejects the \
                 object under strict field validation); remove it"
            ),
        };
        self.push(field, rule::PRUNED, message, Severity::Warning);
    }

    fn push(&mut self, field: &str, rule: &'static str, message: String, severity: Severity) {
        let location = self.locate(field);
        self.findings.push(Finding {
            object: self.object.clone(),
            location,
            field: field.to_owned(),
            rule,
            message,
            severity,
        });
    }

    /// The position of `field`, or of its nearest ancestor written in the
    /// input (defaulted fields are not), or of the object.
    fn locate(&self, field: &str) -> Option<Location> {
        let source = self.source?;
        let mut path = field;
        loop {
            if let Some((line, column)) = source.position(path) {
                return Some(Location::new(source.file(), line, column));
            }
            if path.is_empty() {
                break;
            }
            path = parent_path(path);
        }
        Some(Location::new(source.file(), source.line(), source.column()))
    }

    /// The number of findings so far, to refer to those after them.
    pub(crate) fn mark(&self) -> usize {
        self.findings.len()
    }

    /// The findings reported after `mark`.
    pub(crate) fn since(&mut self, mark: usize) -> &mut [Finding] {
        self.findings.get_mut(mark..).unwrap_or_default()
    }

    /// Forgets the findings reported after `mark`.
    pub(crate) fn truncate(&mut self, mark: usize) {
        self.findings.truncate(mark);
    }

    /// The findings, in the order reported.
    pub(crate) fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// `spec.rules[0].matches` for `spec.rules[0].matches[1]`, `spec.rules[0]`
/// for `spec.rules[0].matches`, `""` for `spec`.
pub(crate) fn parent_path(path: &str) -> &str {
    if path.ends_with(']')
        && let Some(i) = path.rfind('[')
    {
        return &path[..i];
    }
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::parent_path;

    #[test]
    fn parent_paths_walk_up_one_step() {
        assert_eq!(
            parent_path("spec.rules[0].matches[1]"),
            "spec.rules[0].matches"
        );
        assert_eq!(parent_path("spec.rules[0].matches"), "spec.rules[0]");
        assert_eq!(parent_path("spec.rules[0]"), "spec.rules");
        assert_eq!(parent_path("spec"), "");
    }
}
