//! The skip list (`conformance-skips.txt`): test files not run, each with the
//! spec rule that says the file is wrong.
//!
//! One entry per line, `FILE: REASON`, where `FILE` is a test file's name
//! (`httproute-cors.yaml`) or a path ending in it, and `REASON` names the
//! spec rule. Blank lines and lines starting with `#` are ignored.

use std::path::Path;

/// One skipped file and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The file name or path suffix, as written.
    pub file: String,
    /// Why it is skipped (the spec rule the file breaks).
    pub reason: String,
    /// The line of the skip list.
    pub line: usize,
}

/// A parsed skip list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipList {
    entries: Vec<Skip>,
}

/// A skip list line that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SkipListError {
    /// The skip list's name.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl SkipList {
    /// An empty list.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a skip list; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// A line that is not `FILE: REASON` with a `.yaml` file and a reason.
    ///
    /// # Examples
    ///
    /// ```
    /// use gwcheck::runner::SkipList;
    ///
    /// let list = SkipList::parse("# comment\nfoo.yaml: GEP-123 says so\n", "skips.txt")?;
    /// assert_eq!(list.entries()[0].reason, "GEP-123 says so");
    /// assert!(list.find("some/dir/foo.yaml".as_ref()).is_some());
    /// assert!(list.find("some/dir/barfoo.yaml".as_ref()).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str, file: &str) -> Result<Self, SkipListError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let error = |message: &str| SkipListError {
                file: file.to_owned(),
                line: line_no,
                message: message.to_owned(),
            };
            let Some((name, reason)) = trimmed.split_once(':') else {
                return Err(error(
                    "must be `FILE: REASON` (the file name, then the spec rule that says it is wrong)",
                ));
            };
            let (name, reason) = (name.trim(), reason.trim());
            if !name.ends_with(".yaml") || name.contains(char::is_whitespace) {
                return Err(error("the file must be a test file name ending in .yaml"));
            }
            if reason.is_empty() {
                return Err(error("give the spec rule that says the file is wrong"));
            }
            entries.push(Skip {
                file: name.to_owned(),
                reason: reason.to_owned(),
                line: line_no,
            });
        }
        Ok(Self { entries })
    }

    /// Reads and parses a skip list file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or does not parse.
    pub fn read(path: &Path) -> Result<Self, SkipListError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|err| SkipListError {
            file: name.clone(),
            line: 0,
            message: format!("cannot read the skip list: {err}"),
        })?;
        Self::parse(&text, &name)
    }

    /// The entries, in file order.
    #[must_use]
    pub fn entries(&self) -> &[Skip] {
        &self.entries
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry that skips `path`: one whose file is the path's name, or a
    /// suffix of the path made of whole components.
    #[must_use]
    pub fn find(&self, path: &Path) -> Option<&Skip> {
        self.entries.iter().find(|skip| path.ends_with(&skip.file))
    }
}
