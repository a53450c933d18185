//! Errors of loading a test file, and of finding test files in a folder.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// One thing wrong in a test file: the key path of the value at fault, what is
/// wrong, and the line when known.
///
/// Displayed as the format's checker writes it, `requests[3].expect.response.ignoreWhitespace:
/// unknown key (allowed here: absentHeaders, headers, headersOneOf)`, with ` (line 42)` after
/// it when the line is known. A problem with the document as a whole has an empty path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    path: String,
    message: String,
    line: Option<u64>,
}

impl Problem {
    pub(crate) fn new(
        path: impl Into<String>,
        message: impl Into<String>,
        line: Option<u64>,
    ) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            line,
        }
    }

    /// The key path of the value at fault, e.g. `requests[3].expect`; empty for the
    /// document as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong, e.g. `unknown key (allowed here: ...)` or `missing key`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the value at fault, when known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

/// A test file could not be read, or is not a valid route test file.
///
/// Displayed one line per problem, each naming the file:
/// `httproute-cors.yaml: requests[3].expect.response.ignoreWhitespace: unknown key (...)`.
#[derive(Debug)]
pub struct TestFileError {
    file: PathBuf,
    kind: TestFileErrorKind,
}

/// What went wrong with a test file.
#[derive(Debug)]
#[non_exhaustive]
pub enum TestFileErrorKind {
    /// The file could not be read.
    Read(io::Error),
    /// The file was read but breaks the format (or a manifest it names is
    /// missing or does not parse): every problem found.
    Invalid(Vec<Problem>),
}

impl TestFileError {
    pub(crate) fn read(file: &Path, err: io::Error) -> Self {
        Self {
            file: file.to_path_buf(),
            kind: TestFileErrorKind::Read(err),
        }
    }

    pub(crate) fn invalid(file: &Path, problems: Vec<Problem>) -> Self {
        Self {
            file: file.to_path_buf(),
            kind: TestFileErrorKind::Invalid(problems),
        }
    }

    /// The test file, as the caller named it.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// What went wrong.
    pub fn kind(&self) -> &TestFileErrorKind {
        &self.kind
    }

    /// Every problem found in the file; empty when it could not be read.
    pub fn problems(&self) -> &[Problem] {
        match &self.kind {
            TestFileErrorKind::Invalid(problems) => problems,
            TestFileErrorKind::Read(_) => &[],
        }
    }
}

impl fmt::Display for TestFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.kind {
            TestFileErrorKind::Read(err) => write!(f, "{file}: cannot read the file: {err}"),
            TestFileErrorKind::Invalid(problems) => {
                for (i, problem) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{file}: {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for TestFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            TestFileErrorKind::Read(err) => Some(err),
            TestFileErrorKind::Invalid(_) => None,
        }
    }
}

/// The test files of a folder could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot list the folder: {source}", folder.display())]
pub struct DiscoverError {
    folder: PathBuf,
    source: io::Error,
}

impl DiscoverError {
    pub(crate) fn new(folder: &Path, source: io::Error) -> Self {
        Self {
            folder: folder.to_path_buf(),
            source,
        }
    }

    /// The folder that could not be listed.
    pub fn folder(&self) -> &Path {
        &self.folder
    }
}

/// A value of the format (a parent ref, a condition, ...) is not well formed.
///
/// The message says what form the value must have, e.g. `must be namespace/name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseValueError {
    message: &'static str,
}

impl ParseValueError {
    pub(crate) const fn new(message: &'static str) -> Self {
        Self { message }
    }

    /// What form the value must have.
    pub fn message(&self) -> &str {
        self.message
    }
}
