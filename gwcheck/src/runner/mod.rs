//! The route test runner behind `gwcheck test`: it runs route test files
//! (format v1.1, `shared/spec/route-tests.md`) through `gateway-validate` and
//! `gateway-match`, and says, for every expectation, what was expected and
//! what was found.
//!
//! # How a file runs
//!
//! 1. The file and its manifests are read ([`TestFile::load`](crate::testfile::TestFile::load)); the class and
//!    controller placeholders are replaced by the names the runner acts as
//!    ([`RunConfig`]).
//! 2. Every object is loaded in read order (`manifests` files in the order
//!    listed, `inline` after them, each step's `apply` later still). An object
//!    without `metadata.creationTimestamp` gets one, one second after the
//!    object read before it; an object a step replaces keeps the timestamp of
//!    the object it replaces, as an update in a cluster does. A namespaced
//!    object without a namespace goes to `default`.
//! 3. The snapshot is validated ([`gateway_validate::validate`]) with the
//!    runner's class counted as present, the top-level `expect` is checked and
//!    the `requests` are sent through a router compiled from the Gateway's
//!    routing view.
//! 4. Each step applies (create or replace by kind and namespace/name) and
//!    deletes objects, validates again, and checks its own `expect` and
//!    `requests`.
//!
//! # Requests
//!
//! The request goes to the named Gateway's routing view. Its listener is the
//! one whose protocol fits the request (`http:` HTTP, `https:` HTTPS, gRPC
//! HTTP or, with `sni`, HTTPS; `sni` + `port` TLS; `port` + `protocol` TCP
//! or UDP), on the request's port, whose hostname matches the TLS server name
//! (HTTPS, TLS) or the host (HTTP): an exact hostname before the longest
//! wildcard, before none. The request is **rejected** when the Gateway has
//! no routing view, when no listener of that protocol is on the port, when
//! a server name fits no listener, when the listener chosen is not ready,
//! and, for TLS, TCP and UDP, when no route matches or no backend of the
//! route is valid. An HTTP request whose host fits no listener still goes to
//! the router, which answers it (404).
//!
//! HTTP and gRPC requests are decided by [`gateway_match::Router::decide`].
//! A forward is compared as the winning rule's whole split (backends of
//! weight above zero; an invalid backend's share answers 500): `backend`
//! wants every share on that Service, `backends` compares the normalised
//! weights of the valid backends. Response expectations apply the
//! decision's response edits to `backendResponse.headers` (to no headers
//! when the Gateway answers itself). A redirect location matches with or
//! without the scheme's default port.
//!
//! # Counting
//!
//! A status expectation is one condition (of a GatewayClass, Gateway,
//! ListenerSet, listener, route parent or policy ancestor), one
//! `attachedRoutes`, `attachedListenerSets`, `supportedKinds` or
//! `exactListeners`, one `absentParents` entry, or the presence of a parent
//! or ancestor entry that names no condition. A request expectation is one
//! request with everything its `expect` says. A file passes when it loads and
//! every expectation passes.
//!
//! # Example
//!
//! ```
//! use gwcheck::runner::{RunConfig, run_file};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/store-tests.yaml");
//! let report = run_file(path, &RunConfig::new());
//! assert!(report.error().is_none());
//! assert!(report.tally().requests_total > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod exec;
mod render;
pub(crate) mod request;
mod skips;
mod status;
mod timestamp;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use gateway_validate::Channel;

use crate::testfile::{
    self, DEFAULT_GATEWAY_CLASS_NAME, DEFAULT_GATEWAY_CONTROLLER_NAME, DiscoverError,
};

pub use render::{RenderOptions, Verbosity, render_file, render_summary};
pub use skips::{Skip, SkipList, SkipListError};

/// What the runner acts as, and how objects are checked. Setters take and
/// return the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunConfig {
    controller_name: Option<String>,
    gateway_class: String,
    channel: Channel,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl RunConfig {
    /// Acts for every GatewayClass, as class `gwcheck` (counted as present)
    /// with controller name `gwcheck.dev/gateway-controller` in place of the
    /// placeholders; standard channel.
    #[must_use]
    pub fn new() -> Self {
        Self {
            controller_name: None,
            gateway_class: DEFAULT_GATEWAY_CLASS_NAME.to_owned(),
            channel: Channel::Standard,
        }
    }

    /// Acts only for GatewayClasses of this controller (`--controller-name`);
    /// the name also replaces `{GATEWAY_CONTROLLER_NAME}`.
    #[must_use]
    pub fn controller_name(mut self, name: impl Into<String>) -> Self {
        self.controller_name = Some(name.into());
        self
    }

    /// The GatewayClass the runner acts as (`--gateway-class`): it replaces
    /// `{GATEWAY_CLASS_NAME}` and counts as present and accepted.
    #[must_use]
    pub fn gateway_class(mut self, name: impl Into<String>) -> Self {
        self.gateway_class = name.into();
        self
    }

    /// The release channel objects are checked against.
    #[must_use]
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = channel;
        self
    }

    /// The controller name given, if any.
    #[must_use]
    pub fn controller(&self) -> Option<&str> {
        self.controller_name.as_deref()
    }

    /// The controller name that replaces `{GATEWAY_CONTROLLER_NAME}`: the one
    /// given, or the default.
    #[must_use]
    pub fn effective_controller_name(&self) -> &str {
        self.controller_name
            .as_deref()
            .unwrap_or(DEFAULT_GATEWAY_CONTROLLER_NAME)
    }

    /// The class the runner acts as.
    #[must_use]
    pub fn class(&self) -> &str {
        &self.gateway_class
    }

    /// The validation options this configuration stands for.
    #[must_use]
    pub fn validate_options(&self) -> gateway_validate::Options {
        let mut options = gateway_validate::Options::new()
            .gateway_class(self.gateway_class.clone())
            .channel(self.channel);
        if let Some(name) = &self.controller_name {
            options = options.controller_name(name.clone());
        }
        options
    }
}

/// The stage of a file an expectation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// The top-level `expect` and `requests`.
    Initial,
    /// `steps[i]`.
    Step(usize),
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Initial => f.write_str("initial"),
            Self::Step(i) => write!(f, "steps[{i}]"),
        }
    }
}

/// What a [`Check`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckKind {
    /// A status expectation: each item counts as one.
    Status,
    /// A request: the whole check counts as one.
    Request,
    /// Something that stopped the file from running as written (a manifest
    /// that does not load, a delete of an object that is not there): always
    /// a failure, counted in neither tally.
    Setup,
}

/// One expected value, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What is compared, e.g. `condition Accepted` or `backend`.
    pub what: String,
    /// The expected value, as the file says it.
    pub expected: String,
    /// The value found.
    pub found: String,
    /// Whether they agree.
    pub passed: bool,
}

impl Item {
    /// An item; `passed` says whether `found` meets `expected`.
    pub fn new(
        what: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
        passed: bool,
    ) -> Self {
        Self {
            what: what.into(),
            expected: expected.into(),
            found: found.into(),
            passed,
        }
    }
}

/// A group of items about one subject: an object's status, or one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The stage it belongs to.
    pub stage: Stage,
    /// Status, request or setup.
    pub kind: CheckKind,
    /// The subject: `Gateway ns/name`, `requests[2]: GET http://...`.
    pub subject: String,
    /// The items compared.
    pub items: Vec<Item>,
    /// How the answer came about (requests: the listener chosen, the rule
    /// that won), for the report.
    pub trace: Vec<String>,
}

impl Check {
    /// Whether every item passed (a check with no item passes, except a
    /// setup check).
    #[must_use]
    pub fn passed(&self) -> bool {
        self.kind != CheckKind::Setup && self.items.iter().all(|i| i.passed)
    }
}

/// Counts of expectations passed and checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Status expectations that passed.
    pub status_passed: usize,
    /// Status expectations checked.
    pub status_total: usize,
    /// Requests whose expectations all passed.
    pub requests_passed: usize,
    /// Requests sent.
    pub requests_total: usize,
}

impl Tally {
    /// Adds another tally to this one.
    pub fn add(&mut self, other: Self) {
        self.status_passed += other.status_passed;
        self.status_total += other.status_total;
        self.requests_passed += other.requests_passed;
        self.requests_total += other.requests_total;
    }
}

/// A route rule: `(kind, namespace, name, rule index)`.
pub type RuleKey = (String, String, String, usize);

/// Which route rules exist in the routing views a file built, and which a
/// request reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Every rule attached to a listener of a Gateway the file sent requests
    /// to, or that any Gateway's routing view holds.
    pub rules: BTreeSet<RuleKey>,
    /// The rules some request was decided by.
    pub reached: BTreeSet<RuleKey>,
}

impl Coverage {
    /// The rules no request reached.
    pub fn unreached(&self) -> impl Iterator<Item = &RuleKey> {
        self.rules.difference(&self.reached)
    }

    /// Adds another file's coverage (rules are keyed by object, so the same
    /// rule in two files counts once).
    pub fn merge(&mut self, other: &Self) {
        self.rules.extend(other.rules.iter().cloned());
        self.reached.extend(other.reached.iter().cloned());
    }
}

/// The result of one test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    path: PathBuf,
    name: Option<String>,
    error: Option<String>,
    checks: Vec<Check>,
    notes: Vec<String>,
    coverage: Coverage,
}

impl FileReport {
    fn failed_to_load(path: &Path, error: String) -> Self {
        Self {
            path: path.to_path_buf(),
            name: None,
            error: Some(error),
            checks: Vec::new(),
            notes: Vec::new(),
            coverage: Coverage::default(),
        }
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The test's `name`, when the file parsed.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Why the file could not be run, if it could not (unreadable, not of the
    /// format, a manifest missing).
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Every check, in file order (status, then requests, per stage).
    #[must_use]
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Things worth knowing when a check fails: objects admission rejected,
    /// router build errors, load warnings.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Route rules seen and reached.
    #[must_use]
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    /// Whether the file ran and every check passed.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.checks.iter().all(Check::passed)
    }

    /// Status and request counts.
    #[must_use]
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for check in &self.checks {
            match check.kind {
                CheckKind::Status => {
                    tally.status_total += check.items.len();
                    tally.status_passed += check.items.iter().filter(|i| i.passed).count();
                }
                CheckKind::Request => {
                    tally.requests_total += 1;
                    tally.requests_passed += usize::from(check.passed());
                }
                CheckKind::Setup => {}
            }
        }
        tally
    }
}

/// Runs one test file; `-` reads it from standard input (its `manifests`
/// are then relative to the current folder).
///
/// Never fails: a file that cannot be read or run is a [`FileReport`] with
/// an [`error`](FileReport::error).
pub fn run_file(path: impl AsRef<Path>, config: &RunConfig) -> FileReport {
    exec::run_file(path.as_ref(), config)
}

/// Expands the paths given on the command line into test files: a folder
/// gives the `.yaml` files directly in it, in name order; a file is taken
/// as it is.
///
/// # Errors
///
/// When a folder cannot be listed.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(testfile::discover(path)?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Which files a run takes: a substring filter and a skip list.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only files whose path contains this text.
    pub filter: Option<String>,
    /// Files not run, with the reason.
    pub skips: SkipList,
}

/// The result of a run over many files.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// The files run, in order.
    pub files: Vec<FileReport>,
    /// The files the skip list kept from running, with the reason.
    pub skipped: Vec<(PathBuf, Skip)>,
}

impl RunSummary {
    /// Files that passed.
    #[must_use]
    pub fn passed(&self) -> usize {
        self.files.iter().filter(|f| f.passed()).count()
    }

    /// Files that failed.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.files.len() - self.passed()
    }

    /// The status and request counts over every file.
    #[must_use]
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for file in &self.files {
            tally.add(file.tally());
        }
        tally
    }

    /// Coverage over every file.
    #[must_use]
    pub fn coverage(&self) -> Coverage {
        let mut coverage = Coverage::default();
        for file in &self.files {
            coverage.merge(file.coverage());
        }
        coverage
    }
}

/// Runs every selected file of `files`, calling `each` after each file (so a
/// caller can print as it goes).
pub fn run_files(
    files: &[PathBuf],
    config: &RunConfig,
    selection: &Selection,
    mut each: impl FnMut(&FileReport),
) -> RunSummary {
    let mut summary = RunSummary::default();
    for file in files {
        if let Some(filter) = &selection.filter
            && !file.to_string_lossy().contains(filter.as_str())
        {
            continue;
        }
        if let Some(skip) = selection.skips.find(file) {
            summary.skipped.push((file.clone(), skip.clone()));
            continue;
        }
        let report = run_file(file, config);
        each(&report);
        summary.files.push(report);
    }
    summary
}
