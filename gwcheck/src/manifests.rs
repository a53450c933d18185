//! Reading manifests from the command line (files, folders, `-` for standard
//! input), and the one-line form of every problem found in them.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use gateway_types::load::{LoadError, LoadErrorKind, Loaded, Loader};
use gateway_validate::{Finding, Report, Snapshot};

/// Manifests could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A file or folder could not be read.
    #[error("{0}")]
    Io(String),
    /// Standard input could not be read.
    #[error("cannot read standard input: {0}")]
    Stdin(#[from] std::io::Error),
}

/// Loads every path: a file, a folder (every `*.yaml`, `*.yml` and `*.json`
/// below it, in sorted order) or `-` for standard input.
///
/// # Errors
///
/// When a path cannot be read (missing, unreadable): every such path, one
/// per line. Documents that do not parse are not errors here; they are in
/// [`Loaded::errors`].
pub fn load(paths: &[PathBuf]) -> Result<Loaded, InputError> {
    let loader = Loader::new();
    let mut loaded = Loaded::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = Vec::new();
            std::io::stdin().read_to_end(&mut text)?;
            loaded.merge(loader.load_bytes("-", &text));
        } else {
            loaded.merge(loader.load_paths([path]));
        }
    }
    let io: Vec<String> = loaded
        .errors
        .iter()
        .filter(|e| matches!(e.kind(), LoadErrorKind::Io { .. }))
        .map(ToString::to_string)
        .collect();
    if io.is_empty() {
        Ok(loaded)
    } else {
        Err(InputError::Io(io.join("\n")))
    }
}

/// A stable identifier for a load problem, in the style of admission rule ids.
#[must_use]
pub fn load_rule(error: &LoadError) -> &'static str {
    match error.kind() {
        LoadErrorKind::Syntax { .. } => "load.yaml-syntax",
        LoadErrorKind::DuplicateKey { .. } => "load.duplicate-key",
        LoadErrorKind::InvalidType { .. } => "load.invalid-type",
        LoadErrorKind::InvalidValue { .. } => "load.invalid-value",
        LoadErrorKind::MissingField { .. } => "load.missing-field",
        LoadErrorKind::UnknownField { .. } => "load.unknown-field",
        LoadErrorKind::NotAMapping { .. } => "load.not-an-object",
        LoadErrorKind::MissingApiVersionOrKind { .. } => "load.missing-kind",
        LoadErrorKind::UnservedVersion { .. } => "load.unserved-version",
        LoadErrorKind::LimitExceeded { .. } => "load.limit",
        LoadErrorKind::Io { .. } => "load.io",
        LoadErrorKind::InvalidUtf8 { .. } => "load.utf8",
        _ => "load.invalid",
    }
}

/// A load problem as one line: `file:line:col: Kind ns/name: field.path:
/// message [rule-id]`.
#[must_use]
pub fn load_line(error: &LoadError) -> String {
    format!("{error} [{}]", load_rule(error))
}

/// Where a finding points: the position of its field in the source the
/// snapshot holds when the loader knows it, else the finding's own location,
/// else the start of its object.
#[must_use]
pub fn finding_position(finding: &Finding, snapshot: &Snapshot) -> Option<(String, usize, usize)> {
    let source = snapshot
        .entries()
        .find(|e| {
            let m = e.object.metadata();
            let namespace = m.namespace.as_deref().unwrap_or("default");
            e.object.kind() == finding.object.kind
                && m.name.as_deref() == Some(finding.object.name.as_str())
                && finding
                    .object
                    .namespace
                    .as_deref()
                    .is_none_or(|ns| ns == namespace)
        })
        .and_then(|e| e.source.as_ref());
    if let Some(source) = source
        && !finding.field.is_empty()
        && let Some((line, column)) = source.position(&finding.field)
    {
        return Some((source.file().to_owned(), line, column));
    }
    if let Some(loc) = &finding.location {
        return Some((loc.file.clone(), loc.line, loc.column));
    }
    source.map(|s| (s.file().to_owned(), s.line(), s.column()))
}

/// A finding as one line: `file:line:col: Kind ns/name: field.path: message
/// [rule-id]` (the position left out when unknown).
#[must_use]
pub fn finding_line(finding: &Finding, snapshot: &Snapshot) -> String {
    let mut rest = format!("{}: ", finding.object);
    if !finding.field.is_empty() {
        rest.push_str(&finding.field);
        rest.push_str(": ");
    }
    rest.push_str(&format!("{} [{}]", finding.message, finding.rule));
    match finding_position(finding, snapshot) {
        Some((file, line, column)) => format!("{file}:{line}:{column}: {rest}"),
        None => rest,
    }
}

/// Loads the paths and validates them: the loaded objects, the snapshot and
/// the report.
///
/// # Errors
///
/// As [`load`].
pub fn load_and_validate(
    paths: &[PathBuf],
    options: &gateway_validate::Options,
) -> Result<(Loaded, Snapshot, Report), InputError> {
    let loaded = load(paths)?;
    let snapshot = Snapshot::from_loaded(&loaded);
    let report = gateway_validate::validate(&snapshot, options);
    Ok((loaded, snapshot, report))
}

/// Whether a path names standard input.
#[must_use]
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}
