//! [`LoadError`], its [`LoadErrorKind`] and the [`Limit`] a limit error names.

use std::fmt;
use std::sync::Arc;

use super::yaml::Pos;

/// A limit of [`Limits`](super::Limits), as named in a
/// [`LoadErrorKind::LimitExceeded`] error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_input_bytes`](super::Limits::max_input_bytes).
    InputBytes,
    /// [`Limits::max_document_bytes`](super::Limits::max_document_bytes).
    DocumentBytes,
    /// [`Limits::max_documents`](super::Limits::max_documents).
    Documents,
    /// [`Limits::max_depth`](super::Limits::max_depth).
    Depth,
    /// [`Limits::max_alias_nodes`](super::Limits::max_alias_nodes).
    AliasNodes,
}

impl Limit {
    /// The name of the [`Limits`](super::Limits) field, for example `max_depth`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::InputBytes => "max_input_bytes",
            Self::DocumentBytes => "max_document_bytes",
            Self::Documents => "max_documents",
            Self::Depth => "max_depth",
            Self::AliasNodes => "max_alias_nodes",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::InputBytes => "input is larger than",
            Self::DocumentBytes => "document is larger than",
            Self::Documents => "input has more documents than",
            Self::Depth => "nesting is deeper than",
            Self::AliasNodes => "aliases expand to more nodes than",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong while loading (or, for warnings, what is worth a look).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The text is not valid YAML.
    #[error("{message}")]
    Syntax {
        /// The parser's description.
        message: String,
    },
    /// A mapping has the same key twice.
    #[error("duplicate key `{key}`, first at {first_line}:{first_column}; remove one of them")]
    DuplicateKey {
        /// The repeated key.
        key: String,
        /// Line of the first occurrence.
        first_line: usize,
        /// Column of the first occurrence.
        first_column: usize,
    },
    /// A value has the wrong type (serde's "invalid type" message), such as
    /// a string where a number belongs.
    #[error("{message}")]
    InvalidType {
        /// The serde message, for example `invalid type: string "x", expected i32`.
        message: String,
    },
    /// A value has the right type but an unacceptable value: out of range,
    /// an unknown enum variant, a wrong length.
    #[error("{message}")]
    InvalidValue {
        /// The serde message.
        message: String,
    },
    /// A required field is absent.
    #[error("missing field `{field}`")]
    MissingField {
        /// The wire name of the field.
        field: String,
    },
    /// Any other message from a type's `Deserialize` implementation.
    #[error("{message}")]
    Custom {
        /// The message.
        message: String,
    },
    /// A field the kind does not have. In strict mode this is a warning and
    /// the object still loads without it.
    #[error("unknown field `{field}` is ignored; check its spelling, indentation and apiVersion")]
    UnknownField {
        /// The field name as written.
        field: String,
    },
    /// A document (or a `List` item) is not a mapping.
    #[error("expected an object (a mapping) but found {found}")]
    NotAMapping {
        /// What was found instead: `a sequence`, `a string`, ...
        found: &'static str,
    },
    /// A document lacks `apiVersion` or `kind` (or has an empty one).
    #[error("missing `{field}`; every object needs both apiVersion and kind")]
    MissingApiVersionOrKind {
        /// `apiVersion`, `kind`, or `apiVersion and kind`.
        field: &'static str,
    },
    /// A warning: the kind is known but not in this `apiVersion`. The
    /// object is read as if written in a served version.
    #[error("apiVersion `{api_version}` is not served for {kind} (served: {}); the object was read anyway", .served.join(", "))]
    UnservedVersion {
        /// The `apiVersion` as written.
        api_version: String,
        /// The kind.
        kind: String,
        /// The versions this crate reads for the kind.
        served: &'static [&'static str],
    },
    /// A [`Limits`](super::Limits) limit was hit.
    #[error("{} {limit} ({value}); raise the limit if the input is trusted", .limit.what())]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The limit's configured value.
        value: usize,
    },
    /// The file could not be read.
    #[error("cannot read: {error}")]
    Io {
        /// The I/O error.
        error: Arc<std::io::Error>,
    },
    /// The input is not UTF-8.
    #[error("invalid utf-8 at byte {offset}; the input must be utf-8 text")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte in the input.
        offset: usize,
    },
}

/// An error (or warning) from loading, with where it happened.
///
/// Displayed as `file:line:col: Kind ns/name: field.path: message`, leaving
/// out the parts that are unknown.
#[derive(Debug, Clone)]
pub struct LoadError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    file: Arc<str>,
    line: usize,
    column: usize,
    document: Option<usize>,
    field_path: Option<String>,
    object: Option<String>,
    kind: LoadErrorKind,
}

impl LoadError {
    pub(crate) fn new(file: Arc<str>, kind: LoadErrorKind) -> Self {
        Self(Box::new(Inner {
            file,
            line: 0,
            column: 0,
            document: None,
            field_path: None,
            object: None,
            kind,
        }))
    }

    pub(crate) fn at(mut self, pos: Pos) -> Self {
        self.0.line = pos.line();
        self.0.column = pos.col();
        self
    }

    pub(crate) fn in_document(mut self, document: usize) -> Self {
        self.0.document = Some(document);
        self
    }

    pub(crate) fn with_path(mut self, path: Option<String>) -> Self {
        self.0.field_path = path.filter(|p| !p.is_empty());
        self
    }

    pub(crate) fn with_object(mut self, object: Option<String>) -> Self {
        self.0.object = object;
        self
    }

    /// The file (or the name given to [`Loader::load_str`](super::Loader::load_str)).
    #[must_use]
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// The 1-based line, or 0 when the error concerns no particular place
    /// (an unreadable file).
    #[must_use]
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// The 1-based column (in characters), or 0 with [`line`](Self::line).
    #[must_use]
    pub fn column(&self) -> usize {
        self.0.column
    }

    /// The 0-based index of the document in its file, when known.
    #[must_use]
    pub fn document(&self) -> Option<usize> {
        self.0.document
    }

    /// The field path inside the object, such as
    /// `spec.rules[0].matches[1].path.value`, when the error concerns a field.
    #[must_use]
    pub fn field_path(&self) -> Option<&str> {
        self.0.field_path.as_deref()
    }

    /// The object, such as `HTTPRoute default/web`, when its kind is known.
    #[must_use]
    pub fn object(&self) -> Option<&str> {
        self.0.object.as_deref()
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &LoadErrorKind {
        &self.0.kind
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        f.write_str(&e.file)?;
        if e.line > 0 {
            write!(f, ":{}:{}", e.line, e.column)?;
        }
        f.write_str(": ")?;
        if let Some(object) = &e.object {
            write!(f, "{object}: ")?;
        }
        if let Some(path) = &e.field_path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", e.kind)
    }
}

/// The I/O error of [`LoadErrorKind::Io`] is part of the message, so it is
/// not repeated as a `source`.
impl std::error::Error for LoadError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_leaves_out_unknown_parts() {
        let e = LoadError::new(
            "a.yaml".into(),
            LoadErrorKind::MissingField {
                field: "spec".into(),
            },
        );
        assert_eq!(e.to_string(), "a.yaml: missing field `spec`");
        let e = e
            .at(Pos::new(3, 5))
            .with_object(Some("HTTPRoute default/web".into()))
            .with_path(Some("spec.rules[0]".into()));
        assert_eq!(
            e.to_string(),
            "a.yaml:3:5: HTTPRoute default/web: spec.rules[0]: missing field `spec`"
        );
    }

    #[test]
    fn limit_messages_name_the_limit_and_its_value() {
        let kind = LoadErrorKind::LimitExceeded {
            limit: Limit::Depth,
            value: 64,
        };
        assert_eq!(
            kind.to_string(),
            "nesting is deeper than max_depth (64); raise the limit if the input is trusted"
        );
    }
}
