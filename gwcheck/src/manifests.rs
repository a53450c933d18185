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
    load_substituted(paths, &[])
}

/// The manifest files of a folder, recursively, in sorted order.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let io = |err: std::io::Error| InputError::Io(format!("{}: cannot read: {err}", dir.display()));
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk(&path, &mut found)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            found.push(path);
        }
    }
    found.sort();
    files.extend(found);
    Ok(())
}

/// Like [`load`], with `(placeholder, value)` replacements made in the text
/// before it is loaded: `--gateway-class` and `--controller-name` replace
/// `{GATEWAY_CLASS_NAME}` and `{GATEWAY_CONTROLLER_NAME}`, as the route test
/// runner does, so upstream conformance manifests can be checked as they are.
///
/// # Errors
///
/// As [`load`].
pub fn load_substituted(
    paths: &[PathBuf],
    substitutions: &[(&str, &str)],
) -> Result<Loaded, InputError> {
    let loader = Loader::new();
    let mut loaded = Loaded::default();
    let substitute = |bytes: Vec<u8>| -> Vec<u8> {
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                for (from, to) in substitutions {
                    text = text.replace(from, to);
                }
                text.into_bytes()
            }
            Err(err) => err.into_bytes(),
        }
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = Vec::new();
            std::io::stdin().read_to_end(&mut text)?;
            loaded.merge(loader.load_bytes("-", &substitute(text)));
        } else if substitutions.is_empty() {
            loaded.merge(loader.load_paths([path]));
        } else {
            let mut files = Vec::new();
            if path.is_dir() {
                walk(path, &mut files)?;
            } else {
                files.push(path.clone());
            }
            for file in files {
                let bytes = std::fs::read(&file).map_err(|err| {
                    InputError::Io(format!("{}: cannot read: {err}", file.display()))
                })?;
                loaded.merge(loader.load_bytes(&file.display().to_string(), &substitute(bytes)));
            }
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
/// the report. The options' assumed class and controller name replace the
/// conformance placeholders (see [`load_substituted`]).
///
/// # Errors
///
/// As [`load`].
pub fn load_and_validate(
    paths: &[PathBuf],
    options: &gateway_validate::Options,
) -> Result<(Loaded, Snapshot, Report), InputError> {
    let mut substitutions = Vec::new();
    if let Some(class) = options.assumed_gateway_class() {
        substitutions.push((crate::testfile::GATEWAY_CLASS_NAME_PLACEHOLDER, class));
    }
    if let Some(controller) = options.controller() {
        substitutions.push((
            crate::testfile::GATEWAY_CONTROLLER_NAME_PLACEHOLDER,
            controller,
        ));
    }
    let loaded = load_substituted(paths, &substitutions)?;
    let snapshot = Snapshot::from_loaded(&loaded);
    let report = gateway_validate::validate(&snapshot, options);
    Ok((loaded, snapshot, report))
}

/// Whether a path names standard input.
#[must_use]
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}
