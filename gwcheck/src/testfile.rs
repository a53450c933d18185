//! Route test files (format v1.1): the data model, its parser, manifest
//! assembly and folder discovery, for `gwcheck test`.
//!
//! A route test file says "given these manifests, a correct Gateway API
//! implementation reports this status and routes these requests there"
//! (`shared/spec/route-tests.md`). This module reads such files; it does not
//! evaluate them.
//!
//! # The model
//!
//! - [`TestFile`] is one file: its `manifests` (paths relative to the file),
//!   `inline` YAML, a [`StatusExpect`] (`expect:`), [`RequestCase`]s
//!   (`requests:`) and [`Step`]s, each of which applies or deletes objects and
//!   then has its own `expect` and `requests`.
//! - [`StatusExpect`] lists [`GatewayExpect`]s (also used for ListenerSets),
//!   [`GatewayClassExpect`]s, [`PolicyExpect`]s and [`RouteExpect`]s. Every
//!   condition map is a [`Conditions`] of [`ConditionExpect`] (status and
//!   optional reason); parents are [`ParentRef`]s. Maps keep the file's order
//!   ([`OrderedMap`]) so a report can follow the file.
//! - A [`RequestCase`] is a Gateway, a [`Request`] and a [`RequestExpect`].
//!   [`Request::target`] gives its form ([`RequestTarget`]: HTTP URL, gRPC
//!   call, TLS passthrough, TCP / UDP); [`RequestExpect::outcome`] is exactly
//!   one [`Outcome`] (backend, weighted backends, status codes, redirect,
//!   rejected), beside optional upstream, response and mirror checks.
//! - Values written as strings in the file are parsed into structs:
//!   [`NamespacedName`], [`ParentRef`], [`ServiceRef`], [`ObjectKey`],
//!   [`ConditionExpect`], [`RequestUrl`]. Each has `FromStr` and `Display`.
//!
//! A runner walks a file in order: load the initial sources
//! ([`LoadedTestFile::initial_sources`]), check `expect`, send `requests`,
//! then for each step apply its source and deletions and check again.
//!
//! # Strictness
//!
//! Unknown keys are errors (a typo must not pass as "nothing to check"), and
//! every error names the file and key path:
//! `httproute-cors.yaml: requests[3].expect.response.ignoreWhitespace: unknown key (...)`.
//! The rules are those of `shared/conformance/check_format.py`. All unknown
//! keys of a file are reported at once; any other error stops the parse, so
//! only the first of those is reported.
//!
//! # Untrusted input
//!
//! Nothing read from a file panics. YAML is parsed by `serde-saphyr` with its
//! default budget (nesting depth 64, caps on nodes, aliases and documents),
//! and duplicate keys are errors.
//!
//! # Example
//!
//! ```
//! use gwcheck::testfile::{Outcome, TestFile};
//!
//! let text = r#"
//! name: Simple
//! requests:
//!   - gateway: infra/gw
//!     request: {url: http://example.com/}
//!     expect: {backend: infra/web}
//! "#;
//! let file = TestFile::parse(text, "simple.yaml")?;
//! assert_eq!(file.requests[0].request.port(), 80);
//! assert!(matches!(&file.requests[0].expect.outcome, Outcome::Backend(s) if s.name == "web"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod expect;
mod node;
mod request;
mod value;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer};

pub use error::{DiscoverError, ParseValueError, Problem, TestFileError, TestFileErrorKind};
pub use expect::{
    AncestorExpect, GatewayClassExpect, GatewayExpect, ListenerExpect, ParentExpect, PolicyExpect,
    RouteExpect, StatusExpect,
};
pub use request::{
    BackendResponse, DEFAULT_METHOD, GrpcCall, HeaderValue, Headers, Mirror, Outcome,
    RedirectExpect, Request, RequestCase, RequestExpect, RequestTarget, RequestUrl, ResponseExpect,
    Scheme, StatusCodes, StreamProtocol, UpstreamExpect, UpstreamTls, WeightedBackend,
    split_host_port,
};
pub use value::{
    ConditionExpect, ConditionStatus, Conditions, NamespacedName, ObjectKey, OrderedMap,
    ParentKind, ParentRef, RouteKind, ServiceRef,
};

use node::{Value, join_index, join_key};

/// The version of the route test format this module reads.
pub const FORMAT_VERSION: &str = "1.1";

/// The placeholder upstream conformance manifests use for the GatewayClass name.
pub const GATEWAY_CLASS_NAME_PLACEHOLDER: &str = "{GATEWAY_CLASS_NAME}";

/// The placeholder upstream conformance manifests use for the controller name.
pub const GATEWAY_CONTROLLER_NAME_PLACEHOLDER: &str = "{GATEWAY_CONTROLLER_NAME}";

/// The GatewayClass name gwcheck acts as unless told otherwise.
pub const DEFAULT_GATEWAY_CLASS_NAME: &str = "gwcheck";

/// The controller name gwcheck acts as unless told otherwise.
pub const DEFAULT_GATEWAY_CONTROLLER_NAME: &str = "gwcheck.dev/gateway-controller";

/// Replaces `{GATEWAY_CLASS_NAME}` and `{GATEWAY_CONTROLLER_NAME}` in a
/// manifest text with the class and controller the runner acts as.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::{DEFAULT_GATEWAY_CLASS_NAME, substitute_placeholders};
///
/// let text = "gatewayClassName: {GATEWAY_CLASS_NAME}\n";
/// let out = substitute_placeholders(text, DEFAULT_GATEWAY_CLASS_NAME, "example.com/ctl");
/// assert_eq!(out, "gatewayClassName: gwcheck\n");
/// ```
pub fn substitute_placeholders(text: &str, class_name: &str, controller_name: &str) -> String {
    text.replace(GATEWAY_CLASS_NAME_PLACEHOLDER, class_name)
        .replace(GATEWAY_CONTROLLER_NAME_PLACEHOLDER, controller_name)
}

/// A route test file: manifests, the status expected of them, and requests
/// with where they must go.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestFile {
    /// The test's name (free text).
    pub name: String,
    /// What the test checks, when given.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the test comes from, when given.
    #[serde(default)]
    pub source: Option<String>,
    /// Files of multi-document YAML, paths relative to the test file, in load
    /// order.
    #[serde(default)]
    pub manifests: Vec<String>,
    /// More multi-document YAML, loaded after `manifests`.
    #[serde(default, deserialize_with = "manifest_text")]
    pub inline: Option<String>,
    /// The status the validation pass must report (empty: nothing checked).
    #[serde(default)]
    pub expect: StatusExpect,
    /// Requests and where each must go.
    #[serde(default)]
    pub requests: Vec<RequestCase>,
    /// Later stages, run in order after the checks above.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// A stage of a scenario: objects applied and deleted, then checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Multi-document YAML: objects created, or replaced by kind and
    /// namespace/name.
    pub apply: Option<String>,
    /// Objects deleted.
    pub delete: Vec<ObjectKey>,
    /// The status expected after this step.
    pub expect: StatusExpect,
    /// Requests sent after this step.
    pub requests: Vec<RequestCase>,
}

/// A step as written, before "apply or delete" is checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawStep {
    #[serde(default, deserialize_with = "manifest_text")]
    apply: Option<String>,
    delete: Option<Vec<ObjectKey>>,
    #[serde(default)]
    expect: StatusExpect,
    #[serde(default)]
    requests: Vec<RequestCase>,
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawStep::deserialize(deserializer)?;
        if raw.apply.is_none() && raw.delete.is_none() {
            return Err(de::Error::custom("a step needs apply or delete"));
        }
        Ok(Self {
            apply: raw.apply,
            delete: raw.delete.unwrap_or_default(),
            expect: raw.expect,
            requests: raw.requests,
        })
    }
}

/// Reads `inline` / `apply`: a block of multi-document YAML whose documents
/// are all Kubernetes objects (a mapping with `kind` and `metadata`).
fn manifest_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(deserializer)
        .map_err(|_| de::Error::custom("must be a block of multi-document YAML"))?;
    let documents = node::parse_documents(&text).map_err(|(message, line)| {
        de::Error::custom(format!(
            "YAML does not parse: {message} (at line {line} of the block)"
        ))
    })?;
    for (i, document) in documents.iter().enumerate() {
        if !document.has_key("kind") || !document.has_key("metadata") {
            return Err(de::Error::custom(format!(
                "document {i} is not a Kubernetes object (kind, metadata)"
            )));
        }
    }
    Ok(Some(text))
}

impl TestFile {
    /// Parses a test file from its text. `file` names it in errors.
    ///
    /// This checks the file itself; the manifests it names are read by
    /// [`TestFile::load`].
    ///
    /// # Errors
    ///
    /// When the text is not one YAML document of the format: every unknown
    /// key, plus the first other problem, each with its key path.
    pub fn parse(text: &str, file: impl AsRef<Path>) -> Result<Self, TestFileError> {
        let file = file.as_ref();
        let invalid = |problems| TestFileError::invalid(file, problems);
        let documents = node::parse_documents(text).map_err(|(message, line)| {
            invalid(vec![Problem::new(
                "",
                format!("YAML does not parse: {message}"),
                (line > 0).then_some(line),
            )])
        })?;
        let [document] = documents.as_slice() else {
            return Err(invalid(vec![Problem::new(
                "",
                format!(
                    "must hold exactly one YAML document, found {}",
                    documents.len()
                ),
                None,
            )]));
        };
        if !matches!(document.value, Value::Map(_)) {
            return Err(invalid(vec![Problem::new(
                "",
                "must be a mapping",
                Some(document.line),
            )]));
        }
        node::deserialize_node(document).map_err(invalid)
    }

    /// Reads a test file and the manifests it names (relative to the file),
    /// and assembles its manifest sources in load order.
    ///
    /// # Errors
    ///
    /// When the file cannot be read, breaks the format, or names a manifest
    /// that is absolute, missing, unreadable or not YAML (every such manifest
    /// is reported, as `manifests[1]: base/x.yaml: file not found`).
    pub fn load(path: impl AsRef<Path>) -> Result<LoadedTestFile, TestFileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|err| TestFileError::read(path, err))?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        Self::load_text(&text, path, base)
    }

    /// Like [`TestFile::load`], for a file whose text is already read (from
    /// standard input, say): `path` names it in errors, and `manifests`
    /// paths are relative to `base`.
    ///
    /// # Errors
    ///
    /// As [`TestFile::load`], but for reading the file itself.
    pub fn load_text(
        text: &str,
        path: impl AsRef<Path>,
        base: impl AsRef<Path>,
    ) -> Result<LoadedTestFile, TestFileError> {
        let (path, base) = (path.as_ref(), base.as_ref());
        let test = Self::parse(text, path)?;
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        for (i, manifest) in test.manifests.iter().enumerate() {
            let at = join_index("manifests", i);
            if Path::new(manifest).is_absolute() {
                problems.push(Problem::new(
                    at,
                    format!("{manifest}: must be relative to the test file"),
                    None,
                ));
                continue;
            }
            let full = base.join(manifest);
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    problems.push(Problem::new(
                        at,
                        format!("{manifest}: file not found"),
                        None,
                    ));
                    continue;
                }
                Err(err) => {
                    problems.push(Problem::new(
                        at,
                        format!("{manifest}: cannot read the file: {err}"),
                        None,
                    ));
                    continue;
                }
            };
            if let Err((message, line)) = node::check_documents(&text) {
                let line = if line > 0 {
                    format!(" (line {line})")
                } else {
                    String::new()
                };
                problems.push(Problem::new(
                    at,
                    format!("{manifest}: YAML does not parse: {message}{line}"),
                    None,
                ));
                continue;
            }
            sources.push(ManifestSource {
                origin: SourceOrigin::File(full.clone()),
                name: full.display().to_string(),
                text,
            });
        }
        if !problems.is_empty() {
            return Err(TestFileError::invalid(path, problems));
        }
        if let Some(inline) = &test.inline {
            sources.push(ManifestSource {
                origin: SourceOrigin::Inline,
                name: format!("{}: inline", path.display()),
                text: inline.clone(),
            });
        }
        for (i, step) in test.steps.iter().enumerate() {
            if let Some(apply) = &step.apply {
                sources.push(ManifestSource {
                    origin: SourceOrigin::Step(i),
                    name: format!(
                        "{}: {}",
                        path.display(),
                        join_key(&join_index("steps", i), "apply")
                    ),
                    text: apply.clone(),
                });
            }
        }
        Ok(LoadedTestFile {
            path: path.to_path_buf(),
            test,
            sources,
        })
    }
}

/// Where a manifest source comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceOrigin {
    /// A file of `manifests:`, resolved against the test file's folder.
    File(PathBuf),
    /// The test file's `inline:`.
    Inline,
    /// The `apply:` of the step with this index.
    Step(usize),
}

/// A text of multi-document YAML to load, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestSource {
    origin: SourceOrigin,
    name: String,
    text: String,
}

impl ManifestSource {
    /// Where the text comes from.
    pub fn origin(&self) -> &SourceOrigin {
        &self.origin
    }

    /// A name for messages: the file path, or `test.yaml: inline`,
    /// `test.yaml: steps[0].apply`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The YAML text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The step this source belongs to; `None` for the initial sources.
    pub fn step(&self) -> Option<usize> {
        match self.origin {
            SourceOrigin::Step(i) => Some(i),
            SourceOrigin::File(_) | SourceOrigin::Inline => None,
        }
    }

    /// This source with the class and controller placeholders replaced
    /// (see [`substitute_placeholders`]).
    #[must_use]
    pub fn with_placeholders(&self, class_name: &str, controller_name: &str) -> Self {
        Self {
            origin: self.origin.clone(),
            name: self.name.clone(),
            text: substitute_placeholders(&self.text, class_name, controller_name),
        }
    }
}

/// A test file read from disk with its manifests.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedTestFile {
    path: PathBuf,
    test: TestFile,
    sources: Vec<ManifestSource>,
}

impl LoadedTestFile {
    /// The test file's path, as given to [`TestFile::load`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parsed file.
    pub fn test(&self) -> &TestFile {
        &self.test
    }

    /// Every manifest source in creation order, as written (placeholders
    /// kept): the `manifests` files in the order listed, then `inline`, then
    /// each step's `apply`.
    pub fn sources(&self) -> &[ManifestSource] {
        &self.sources
    }

    /// The sources loaded before any step: `manifests` files, then `inline`.
    pub fn initial_sources(&self) -> impl Iterator<Item = &ManifestSource> {
        self.sources.iter().filter(|s| s.step().is_none())
    }

    /// The `apply` source of step `index`, if it has one.
    pub fn step_source(&self, index: usize) -> Option<&ManifestSource> {
        self.sources.iter().find(|s| s.step() == Some(index))
    }

    /// Every source in creation order with the placeholders replaced by the
    /// class and controller names the runner acts as.
    pub fn resolved_sources(&self, class_name: &str, controller_name: &str) -> Vec<ManifestSource> {
        self.sources
            .iter()
            .map(|s| s.with_placeholders(class_name, controller_name))
            .collect()
    }

    /// Splits into the path, the parsed file and the sources.
    pub fn into_parts(self) -> (PathBuf, TestFile, Vec<ManifestSource>) {
        (self.path, self.test, self.sources)
    }
}

/// The test files of a folder: the `.yaml` files directly in it, in name
/// order. Sub-folders (where manifests live) and hidden files are left out.
///
/// # Errors
///
/// When the folder cannot be listed.
pub fn discover(folder: impl AsRef<Path>) -> Result<Vec<PathBuf>, DiscoverError> {
    let folder = folder.as_ref();
    let entries = std::fs::read_dir(folder).map_err(|err| DiscoverError::new(folder, err))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| DiscoverError::new(folder, err))?;
        let path = entry.path();
        let name = entry.file_name();
        let visible_yaml = name
            .to_str()
            .is_some_and(|n| n.ends_with(".yaml") && !n.starts_with('.'));
        if visible_yaml && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}
