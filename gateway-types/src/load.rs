//! Loading objects from multi-document YAML and JSON, with file, line,
//! column and field path on every error.
//!
//! A [`Loader`] reads an input (a string, bytes, a file or a tree of files)
//! and returns a [`Loaded`]: the objects it could read, one error per
//! document it could not, warnings, and the documents it skipped because
//! their kind is not a kind of this crate. A broken document never stops the
//! documents after it.
//!
//! ```
//! use gateway_types::load::{LoadErrorKind, Loader};
//! use gateway_types::Object;
//!
//! let yaml = "\
//! apiVersion: v1
//! kind: Namespace
//! metadata:
//!   name: prod
//! ---
//! apiVersion: apps/v1
//! kind: Deployment
//! metadata:
//!   name: web
//! ---
//! apiVersion: v1
//! kind: ConfigMap
//! metadata:
//!   name: settings
//!   name: again
//! ---
//! apiVersion: v1
//! kind: Namespace
//! metadata: {name: staging}
//! ";
//! let loaded = Loader::new().load_str("manifests.yaml", yaml);
//!
//! // Two namespaces loaded, with their positions.
//! let names: Vec<_> = loaded
//!     .objects
//!     .iter()
//!     .map(|o| o.object.metadata().name.as_deref().unwrap_or(""))
//!     .collect();
//! assert_eq!(names, ["prod", "staging"]);
//! assert!(matches!(loaded.objects[0].object, Object::Namespace(_)));
//! assert_eq!(loaded.objects[1].source.line(), 17);
//! assert_eq!(loaded.objects[0].source.position("metadata.name"), Some((4, 3)));
//!
//! // The Deployment is not a kind of this crate: skipped, not an error.
//! assert_eq!(loaded.skipped[0].kind, "Deployment");
//!
//! // The ConfigMap has a duplicate key: an error with its position.
//! let error = &loaded.errors[0];
//! assert!(matches!(error.kind(), LoadErrorKind::DuplicateKey { key, .. } if key == "name"));
//! assert_eq!(
//!     error.to_string(),
//!     "manifests.yaml:15:3: duplicate key `name`, first at 14:3; remove one of them"
//! );
//! assert!(!loaded.is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What a document must be
//!
//! Each document is one object: a mapping with `apiVersion` and `kind`.
//! Empty documents (only comments, or a bare `---`) are skipped silently.
//! A `kind: List`, or a `*List` kind such as `HTTPRouteList` as `kubectl get
//! -o yaml` prints it, is unpacked into its `items`; items of a typed list
//! that lack `apiVersion` or `kind` take them from the list.
//!
//! A kind this crate does not know (a `Deployment`, a vendor CRD) is
//! [`Skipped`]. A known kind in an `apiVersion` the crate does not serve is
//! read anyway, with an [`UnservedVersion`](LoadErrorKind::UnservedVersion)
//! warning.
//!
//! # YAML
//!
//! YAML 1.2, parsed by `saphyr-parser`; JSON is YAML, so JSON input needs
//! nothing special. Plain scalars resolve by the YAML 1.2 core schema: `null`,
//! `~` and nothing are null; `true`/`false` are booleans (`yes`, `on` are
//! strings); decimal, `0x` and `0o` integers and floats (with `.inf`, `.nan`)
//! are numbers. Quoted and block scalars are strings. Types are not coerced:
//! `port: "80"` where a number belongs, or `value: 8080` where a string
//! belongs, is an [`InvalidType`](LoadErrorKind::InvalidType) error, as the
//! Kubernetes API server would reject it. Mapping keys are always text and
//! must be unique. Anchors and aliases work, within an expansion budget; the
//! YAML 1.1 merge key `<<` is not supported.
//!
//! # Unknown fields
//!
//! A field the kind does not have does not stop the object from loading. In
//! strict mode (the default) each one is reported in [`Loaded::warnings`]
//! as an [`UnknownField`](LoadErrorKind::UnknownField) with its path and
//! position; with [`Loader::strict(false)`](Loader::strict) it is dropped
//! silently.
//!
//! # Untrusted input
//!
//! Loading never panics, and its work is bounded by [`Limits`]: the size of
//! an input and of a document, the number of documents, the nesting depth
//! and the number of nodes aliases may expand to (which defuses "billion
//! laughs" documents). A limit that is hit is an error naming the limit;
//! size limits are checked before anything is parsed.

mod de;
mod error;
mod yaml;

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use error::{Limit, LoadError, LoadErrorKind};

use crate::object::{Object, split_api_version};
use de::{Ctx, NodeDe};
use yaml::{Chunk, Chunks, DocParser, Entry, Node, Pos, Value, YamlError, YamlErrorKind};

/// Bounds on the work one input may cause.
///
/// The defaults are far above what real manifests need and low enough that a
/// hostile input is rejected in milliseconds:
///
/// | limit | default |
/// |---|---|
/// | [`max_input_bytes`](Self::max_input_bytes) | 64 MiB |
/// | [`max_document_bytes`](Self::max_document_bytes) | 8 MiB |
/// | [`max_documents`](Self::max_documents) | 100 000 |
/// | [`max_depth`](Self::max_depth) | 64 |
/// | [`max_alias_nodes`](Self::max_alias_nodes) | 1 000 000 |
///
/// ```
/// use gateway_types::load::{Limits, Loader};
///
/// let mut limits = Limits::default();
/// limits.max_document_bytes = 1 << 20;
/// let loader = Loader::new().limits(limits);
/// # let _ = loader;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest input, in bytes: a string, or one file. Default 64 MiB.
    pub max_input_bytes: usize,
    /// The largest document, in bytes, from its `---` to the next. Default 8 MiB.
    pub max_document_bytes: usize,
    /// The most documents in one input; reading stops at the limit. Default 100 000.
    pub max_documents: usize,
    /// The deepest nesting of mappings and sequences. Default 64; values above
    /// 512 count as 512, since deserialising recurses once per level.
    pub max_depth: usize,
    /// The most nodes that aliases may expand to, in all documents of one
    /// input together. Default 1 000 000.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 64 << 20,
            max_document_bytes: 8 << 20,
            max_documents: 100_000,
            max_depth: 64,
            max_alias_nodes: 1_000_000,
        }
    }
}

impl Limits {
    /// The configured value of a limit.
    #[must_use]
    pub fn value(&self, limit: Limit) -> usize {
        match limit {
            Limit::InputBytes => self.max_input_bytes,
            Limit::DocumentBytes => self.max_document_bytes,
            Limit::Documents => self.max_documents,
            Limit::Depth => self.max_depth.min(yaml::HARD_MAX_DEPTH),
            Limit::AliasNodes => self.max_alias_nodes,
        }
    }
}

/// Loads objects from YAML or JSON; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Loader {
    strict: bool,
    limits: Limits,
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

/// What one or more loads produced.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Loaded {
    /// The objects that loaded, in input order.
    pub objects: Vec<LoadedObject>,
    /// One error for each document or object that could not be loaded.
    pub errors: Vec<LoadError>,
    /// Things worth a look in objects that did load: unknown fields,
    /// unserved versions.
    pub warnings: Vec<LoadError>,
    /// Documents of kinds this crate does not know.
    pub skipped: Vec<Skipped>,
}

impl Loaded {
    /// Whether there were no errors (warnings and skipped documents are fine).
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Appends everything `other` holds.
    pub fn merge(&mut self, other: Self) {
        self.objects.extend(other.objects);
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
        self.skipped.extend(other.skipped);
    }
}

/// An object with where it came from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LoadedObject {
    /// The object, exactly as written (no defaults applied).
    pub object: Object,
    /// Where it came from.
    pub source: Source,
}

/// A document whose kind this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// The file.
    pub file: Arc<str>,
    /// The 1-based line where the object starts.
    pub line: usize,
    /// The 1-based column where the object starts.
    pub column: usize,
    /// The 0-based index of the document in the file.
    pub document: usize,
    /// The `apiVersion` as written.
    pub api_version: String,
    /// The `kind` as written.
    pub kind: String,
    /// `metadata.name`, if any.
    pub name: Option<String>,
    /// `metadata.namespace`, if any.
    pub namespace: Option<String>,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: skipped {}",
            self.file, self.line, self.column, self.kind
        )?;
        if let Some(name) = &self.name {
            match &self.namespace {
                Some(ns) => write!(f, " {ns}/{name}")?,
                None => write!(f, " {name}")?,
            }
        }
        write!(f, " ({}): not a kind of this crate", self.api_version)
    }
}

/// Where an object came from: file, document, position, and the positions
/// of its fields.
///
/// Cheap to clone: the file's text is shared, and the position index of a
/// document is built on first use of [`position`](Self::position) (by
/// parsing the document again) and shared by every clone and every object
/// of the document. A `Source` keeps its input's text alive.
#[derive(Clone)]
pub struct Source {
    doc: Arc<DocShared>,
    /// For an item of a `List`: its path in the document, like `items[2]`.
    item: Option<Arc<str>>,
    pos: Pos,
}

/// What the objects of one document share.
struct DocShared {
    file: Arc<str>,
    text: Arc<[u8]>,
    chunk: Chunk,
    /// Which document of the chunk (almost always 0).
    ordinal: usize,
    document: usize,
    limits: Limits,
    tree: OnceLock<Option<Node>>,
}

impl Source {
    /// The file (or the name given to [`Loader::load_str`]).
    #[must_use]
    pub fn file(&self) -> &str {
        &self.doc.file
    }

    /// The 1-based line where the object starts.
    #[must_use]
    pub fn line(&self) -> usize {
        self.pos.line()
    }

    /// The 1-based column (in characters) where the object starts.
    #[must_use]
    pub fn column(&self) -> usize {
        self.pos.col()
    }

    /// The 0-based index of the document in the file (empty documents count).
    #[must_use]
    pub fn document(&self) -> usize {
        self.doc.document
    }

    /// For an object unpacked from a `List`, its path there, like `items[2]`.
    #[must_use]
    pub fn item_path(&self) -> Option<&str> {
        self.item.as_deref()
    }

    /// The line and column of a field of the object, by its path:
    /// `spec.rules[0].matches[1].path.value`. A field's position is that of
    /// its key; a list item's, that of the item; `""` is the object itself.
    /// Keys that contain dots (annotation keys) are matched whole:
    /// `metadata.annotations.example.com/owner` works.
    ///
    /// `None` when the object has no such field.
    #[must_use]
    pub fn position(&self, field_path: &str) -> Option<(usize, usize)> {
        let root = self.doc.tree()?;
        let (node, pos) = match &self.item {
            Some(item) => walk(root, root.pos, item)?,
            None => (root, root.pos),
        };
        let (_, pos) = walk(node, pos, field_path)?;
        Some((pos.line(), pos.col()))
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("file", &self.file())
            .field("line", &self.line())
            .field("column", &self.column())
            .field("document", &self.document())
            .field("item", &self.item)
            .finish()
    }
}

impl DocShared {
    /// The document's tree, parsed again from the text on first use.
    fn tree(&self) -> Option<&Node> {
        self.tree
            .get_or_init(|| {
                let text =
                    std::str::from_utf8(self.text.get(self.chunk.start..self.chunk.end)?).ok()?;
                yaml::reparse(
                    text,
                    self.chunk.first_line,
                    self.ordinal,
                    self.limits.max_depth,
                    self.limits.max_alias_nodes,
                )
            })
            .as_ref()
    }
}

/// Follows a field path from `node` (whose position is `pos`).
fn walk<'n>(mut node: &'n Node, mut pos: Pos, path: &str) -> Option<(&'n Node, Pos)> {
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let (index, after) = after.split_once(']')?;
            let Value::Seq(items) = &node.value else {
                return None;
            };
            node = items.get(index.parse::<usize>().ok()?)?;
            pos = node.pos;
            rest = after;
        } else {
            let Value::Map(entries) = &node.value else {
                return None;
            };
            // The longest key that the path continues from, so that keys
            // with dots in them can be named.
            let entry = entries
                .iter()
                .filter(|e| {
                    rest.strip_prefix(e.key.as_str())
                        .is_some_and(|after| after.is_empty() || after.starts_with(['.', '[']))
                })
                .max_by_key(|e| e.key.len())?;
            node = &entry.value;
            pos = entry.key_pos;
            rest = &rest[entry.key.len()..];
        }
        if let Some(after) = rest.strip_prefix('.') {
            if after.is_empty() {
                return None;
            }
            rest = after;
        }
    }
    Some((node, pos))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Loader {
    /// A loader in strict mode with the default [`Limits`].
    #[must_use]
    pub fn new() -> Self {
        Self {
            strict: true,
            limits: Limits::default(),
        }
    }

    /// Whether to report unknown fields as warnings (the default) or drop
    /// them silently.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Sets the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Loads every document of `src`; `file` names the input in errors.
    #[must_use]
    pub fn load_str(&self, file: &str, src: &str) -> Loaded {
        self.load_bytes(file, src.as_bytes())
    }

    /// Loads every document of `bytes`, which must be UTF-8 (a leading byte
    /// order mark is allowed). A document with invalid UTF-8 is an
    /// [`InvalidUtf8`](LoadErrorKind::InvalidUtf8) error at the first bad
    /// byte; the other documents still load.
    #[must_use]
    pub fn load_bytes(&self, file: &str, bytes: &[u8]) -> Loaded {
        let mut loaded = Loaded::default();
        let file: Arc<str> = Arc::from(file);
        if bytes.len() > self.limits.max_input_bytes {
            loaded.errors.push(self.too_big(file, Limit::InputBytes));
            return loaded;
        }
        Run::new(self, file, Arc::from(bytes), &mut loaded).input();
        loaded
    }

    /// Loads a file. An unreadable file is an [`Io`](LoadErrorKind::Io)
    /// error; a file over [`Limits::max_input_bytes`] is not read at all.
    #[must_use]
    pub fn load_path(&self, path: impl AsRef<Path>) -> Loaded {
        let path = path.as_ref();
        let file: Arc<str> = Arc::from(path.display().to_string());
        let mut loaded = Loaded::default();
        match self.read(path) {
            Ok(Some(bytes)) => Run::new(self, file, Arc::from(bytes), &mut loaded).input(),
            Ok(None) => loaded.errors.push(self.too_big(file, Limit::InputBytes)),
            Err(error) => loaded.errors.push(io_error(file, error)),
        }
        loaded
    }

    /// Loads files and directories. A directory contributes every
    /// `*.yaml`, `*.yml` and `*.json` file below it, recursively, in sorted
    /// order; symbolic links to directories are not followed. Files named
    /// explicitly are loaded whatever their extension.
    #[must_use]
    pub fn load_paths<I>(&self, paths: I) -> Loaded
    where
        I: IntoIterator,
        I::Item: AsRef<Path>,
    {
        let mut loaded = Loaded::default();
        for path in paths {
            let path = path.as_ref();
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => {
                    for file in collect_files(path, &mut loaded) {
                        loaded.merge(self.load_path(&file));
                    }
                }
                Ok(_) => loaded.merge(self.load_path(path)),
                Err(error) => loaded
                    .errors
                    .push(io_error(path.display().to_string().into(), error)),
            }
        }
        loaded
    }

    /// Reads a file, or `None` when it is over the input limit.
    fn read(&self, path: &Path) -> std::io::Result<Option<Vec<u8>>> {
        let file = std::fs::File::open(path)?;
        let max = self.limits.max_input_bytes;
        let len = file.metadata()?.len();
        if usize::try_from(len).map_or(true, |len| len > max) {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
            .read_to_end(&mut bytes)?;
        Ok((bytes.len() <= max).then_some(bytes))
    }

    fn too_big(&self, file: Arc<str>, limit: Limit) -> LoadError {
        LoadError::new(
            file,
            LoadErrorKind::LimitExceeded {
                limit,
                value: self.limits.value(limit),
            },
        )
    }
}

fn io_error(file: Arc<str>, error: std::io::Error) -> LoadError {
    LoadError::new(
        file,
        LoadErrorKind::Io {
            error: Arc::new(error),
        },
    )
}

/// The YAML and JSON files under `dir`, sorted; read errors go to `loaded`.
fn collect_files(dir: &Path, loaded: &mut Loaded) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                loaded
                    .errors
                    .push(io_error(dir.display().to_string().into(), error));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    loaded
                        .errors
                        .push(io_error(dir.display().to_string().into(), error));
                    continue;
                }
            };
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                dirs.push(path);
            } else if is_manifest(&path) && (kind.is_file() || path.is_file()) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_manifest(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// One input being loaded.
struct Run<'l> {
    loader: &'l Loader,
    file: Arc<str>,
    text: Arc<[u8]>,
    out: &'l mut Loaded,
    documents: usize,
    alias_budget: usize,
}

/// `Kind ns/name`, `Kind name` or `Kind`.
fn object_label(kind: &str, namespace: Option<&str>, name: Option<&str>) -> String {
    match (namespace, name) {
        (Some(ns), Some(name)) => format!("{kind} {ns}/{name}"),
        (None, Some(name)) => format!("{kind} {name}"),
        _ => kind.to_owned(),
    }
}

fn find<'e>(entries: &'e [Entry], key: &str) -> Option<&'e Entry> {
    entries.iter().find(|e| e.key == key)
}

fn string_of(entry: Option<&Entry>) -> Option<&str> {
    match entry.map(|e| &e.value.value) {
        Some(Value::Str(s)) => Some(s),
        _ => None,
    }
}

/// A document's `apiVersion`, `kind`, name and namespace, as far as present.
struct Header {
    api_version: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
}

impl<'l> Run<'l> {
    fn new(loader: &'l Loader, file: Arc<str>, text: Arc<[u8]>, out: &'l mut Loaded) -> Self {
        Self {
            loader,
            file,
            text,
            out,
            documents: 0,
            alias_budget: loader.limits.max_alias_nodes,
        }
    }

    fn error(&self, kind: LoadErrorKind, pos: Pos, document: usize) -> LoadError {
        LoadError::new(self.file.clone(), kind)
            .at(pos)
            .in_document(document)
    }

    fn limit(&self, limit: Limit, pos: Pos, document: usize) -> LoadError {
        let value = self.loader.limits.value(limit);
        self.error(LoadErrorKind::LimitExceeded { limit, value }, pos, document)
    }

    /// Counts a document; `None` (after recording the error) past the limit.
    fn next_document(&mut self, pos: Pos) -> Option<usize> {
        let index = self.documents;
        if index >= self.loader.limits.max_documents {
            let e = self.limit(Limit::Documents, pos, index);
            self.out.errors.push(e);
            return None;
        }
        self.documents += 1;
        Some(index)
    }

    fn input(&mut self) {
        let text = Arc::clone(&self.text);
        let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let limits = self.loader.limits;
        for chunk in Chunks::new(&text, start) {
            let chunk_pos = Pos::new(chunk.first_line, 1);
            if chunk.len() > limits.max_document_bytes {
                let Some(index) = self.next_document(chunk_pos) else {
                    return;
                };
                let e = self.limit(Limit::DocumentBytes, chunk_pos, index);
                self.out.errors.push(e);
                continue;
            }
            let bytes = &text[chunk.start..chunk.end];
            let src = match std::str::from_utf8(bytes) {
                Ok(src) => src,
                Err(utf8) => {
                    let Some(index) = self.next_document(chunk_pos) else {
                        return;
                    };
                    let valid = &bytes[..utf8.valid_up_to()];
                    let line = chunk.first_line + valid.iter().filter(|&&b| b == b'\n').count();
                    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                    // The prefix is valid UTF-8 by construction.
                    let column = std::str::from_utf8(&valid[line_start..])
                        .map_or(0, |s| s.chars().count())
                        + 1;
                    let offset = chunk.start + utf8.valid_up_to();
                    let e = self.error(
                        LoadErrorKind::InvalidUtf8 { offset },
                        Pos::new(line, column),
                        index,
                    );
                    self.out.errors.push(e);
                    continue;
                }
            };
            let mut parser = DocParser::new(src, chunk.first_line, limits.max_depth);
            let mut ordinal = 0;
            while let Some(document) = parser.next_document(&mut self.alias_budget) {
                let pos = match &document {
                    Ok(doc) => doc.root.as_ref().map_or(chunk_pos, |n| n.pos),
                    Err(e) => e.pos,
                };
                let Some(index) = self.next_document(pos) else {
                    return;
                };
                match document {
                    Err(e) => {
                        let e = self.yaml_error(e, index);
                        self.out.errors.push(e);
                    }
                    Ok(doc) => {
                        if let Some(root) = doc.root {
                            let shared = Arc::new(DocShared {
                                file: self.file.clone(),
                                text: Arc::clone(&self.text),
                                chunk,
                                ordinal,
                                document: index,
                                limits,
                                tree: OnceLock::new(),
                            });
                            self.object(root, None, None, &shared);
                        }
                    }
                }
                ordinal += 1;
            }
        }
    }

    fn yaml_error(&self, e: YamlError, document: usize) -> LoadError {
        let kind = match e.kind {
            YamlErrorKind::Syntax(message) => LoadErrorKind::Syntax { message },
            YamlErrorKind::DuplicateKey { key, first } => LoadErrorKind::DuplicateKey {
                key,
                first_line: first.line(),
                first_column: first.col(),
            },
            YamlErrorKind::Limit(limit) => {
                return self.limit(limit, e.pos, document);
            }
        };
        self.error(kind, e.pos, document)
    }

    /// Reads `apiVersion`, `kind` and the name; a non-string `apiVersion` or
    /// `kind` is an error.
    fn header(&self, entries: &[Entry], document: usize) -> Result<Header, LoadError> {
        let text = |key: &str| -> Result<Option<String>, LoadError> {
            match find(entries, key) {
                None => Ok(None),
                Some(Entry {
                    value:
                        Node {
                            value: Value::Str(s),
                            ..
                        },
                    ..
                }) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
                Some(Entry {
                    value:
                        Node {
                            value: Value::Null, ..
                        },
                    ..
                }) => Ok(None),
                Some(entry) => Err(self
                    .error(
                        LoadErrorKind::InvalidType {
                            message: format!(
                                "invalid type: {}, expected a string",
                                entry.value.value.describe()
                            ),
                        },
                        entry.value.pos,
                        document,
                    )
                    .with_path(Some(key.to_owned()))),
            }
        };
        let api_version = text("apiVersion")?;
        let kind = text("kind")?;
        let meta = match find(entries, "metadata").map(|e| &e.value.value) {
            Some(Value::Map(meta)) => meta.as_slice(),
            _ => &[],
        };
        Ok(Header {
            api_version,
            kind,
            name: string_of(find(meta, "name")).map(str::to_owned),
            namespace: string_of(find(meta, "namespace")).map(str::to_owned),
        })
    }

    /// Loads one object (or unpacks one list). `item` is the path of a list
    /// item in its document; `inherit` the list's `apiVersion` and kind for
    /// items of a typed list.
    fn object(
        &mut self,
        node: Node,
        item: Option<Arc<str>>,
        inherit: Option<(&str, &str)>,
        doc: &Arc<DocShared>,
    ) {
        let document = doc.document;
        let pos = node.pos;
        let Value::Map(mut entries) = node.value else {
            let e = self
                .error(
                    LoadErrorKind::NotAMapping {
                        found: node.value.describe(),
                    },
                    pos,
                    document,
                )
                .with_path(item.as_deref().map(str::to_owned));
            self.out.errors.push(e);
            return;
        };
        let header = match self.header(&entries, document) {
            Ok(header) => header,
            Err(e) => {
                self.out.errors.push(e);
                return;
            }
        };
        let Header {
            mut api_version,
            mut kind,
            name,
            namespace,
        } = header;
        if let Some((list_api_version, list_kind)) = inherit {
            if api_version.is_none() {
                api_version = Some(list_api_version.to_owned());
                entries.push(inherited("apiVersion", list_api_version, pos));
            }
            if kind.is_none() {
                kind = Some(list_kind.to_owned());
                entries.push(inherited("kind", list_kind, pos));
            }
        }
        let label = kind
            .as_deref()
            .map(|k| object_label(k, namespace.as_deref(), name.as_deref()));
        let (api_version, kind) = match (api_version, kind) {
            (Some(a), Some(k)) => (a, k),
            (a, k) => {
                let field = match (a, k) {
                    (None, None) => "apiVersion and kind",
                    (None, _) => "apiVersion",
                    _ => "kind",
                };
                let e = self
                    .error(
                        LoadErrorKind::MissingApiVersionOrKind { field },
                        pos,
                        document,
                    )
                    .with_object(label);
                self.out.errors.push(e);
                return;
            }
        };
        let (group, version) = split_api_version(&api_version);

        if let Some(base) = kind.strip_suffix("List")
            && !Object::knows_kind(group, &kind)
            && let Some(index) = entries.iter().position(|e| e.key == "items")
        {
            let items = entries.swap_remove(index).value;
            let inherit = (!base.is_empty()).then_some((api_version.as_str(), base));
            self.list(items, item.as_deref(), inherit, label, doc);
            return;
        }

        if !Object::knows_kind(group, &kind) {
            self.out.skipped.push(Skipped {
                file: self.file.clone(),
                line: pos.line(),
                column: pos.col(),
                document,
                api_version,
                kind,
                name,
                namespace,
            });
            return;
        }
        if let Some(served) = Object::versions_of(group, &kind)
            && !served.contains(&version)
        {
            let at = find(&entries, "apiVersion").map_or(pos, |e| e.value.pos);
            let e = self
                .error(
                    LoadErrorKind::UnservedVersion {
                        api_version: api_version.clone(),
                        kind: kind.clone(),
                        served,
                    },
                    at,
                    document,
                )
                .with_path(Some("apiVersion".to_owned()))
                .with_object(label.clone());
            self.out.warnings.push(e);
        }

        let ctx = Ctx {
            strict: self.loader.strict,
            ..Ctx::default()
        };
        let root = Node {
            pos,
            value: Value::Map(entries),
        };
        let result = Object::deserialize_kind(group, &kind, NodeDe::root(root, &ctx));
        for unknown in ctx.unknown.into_inner() {
            let e = self
                .error(
                    LoadErrorKind::UnknownField {
                        field: unknown.field,
                    },
                    unknown.pos,
                    document,
                )
                .with_path(Some(unknown.path))
                .with_object(label.clone());
            self.out.warnings.push(e);
        }
        match result {
            Some(Ok(object)) => self.out.objects.push(LoadedObject {
                object,
                source: Source {
                    doc: Arc::clone(doc),
                    item,
                    pos,
                },
            }),
            Some(Err(e)) => {
                let de::DeErrorParts {
                    kind,
                    unexpected,
                    mut located,
                } = e.into_parts();
                if let (Some(unexpected), Some((path, _))) = (&unexpected, &located)
                    && let Some(found) = refine(doc, item.as_deref(), path, unexpected)
                {
                    located = Some(found);
                }
                let kind = match kind {
                    de::DeErrorKind::InvalidType(message) => LoadErrorKind::InvalidType { message },
                    de::DeErrorKind::InvalidValue(message) => {
                        LoadErrorKind::InvalidValue { message }
                    }
                    de::DeErrorKind::MissingField(field) => LoadErrorKind::MissingField { field },
                    de::DeErrorKind::UnknownField(field) => LoadErrorKind::UnknownField { field },
                    de::DeErrorKind::Custom(message) => LoadErrorKind::Custom { message },
                };
                let (path, at) = located.map_or((None, pos), |(path, at)| (Some(path), at));
                let e = self
                    .error(kind, at, document)
                    .with_path(path)
                    .with_object(label);
                self.out.errors.push(e);
            }
            // `knows_kind` said yes just above, so this does not happen; if
            // it did, skipping is the honest answer.
            None => self.out.skipped.push(Skipped {
                file: self.file.clone(),
                line: pos.line(),
                column: pos.col(),
                document,
                api_version,
                kind,
                name,
                namespace,
            }),
        }
    }

    /// Unpacks the `items` of a list.
    fn list(
        &mut self,
        items: Node,
        prefix: Option<&str>,
        inherit: Option<(&str, &str)>,
        label: Option<String>,
        doc: &Arc<DocShared>,
    ) {
        let path = |i: Option<usize>| {
            let mut p = prefix.map_or(String::new(), |p| format!("{p}."));
            p.push_str("items");
            if let Some(i) = i {
                p.push_str(&format!("[{i}]"));
            }
            p
        };
        match items.value {
            Value::Seq(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    self.object(item, Some(Arc::from(path(Some(i)))), inherit, doc);
                }
            }
            Value::Null => {}
            other => {
                let e = self
                    .error(
                        LoadErrorKind::InvalidType {
                            message: format!(
                                "invalid type: {}, expected a sequence of objects",
                                other.describe()
                            ),
                        },
                        items.pos,
                        doc.document,
                    )
                    .with_path(Some(path(None)))
                    .with_object(label);
                self.out.errors.push(e);
            }
        }
    }
}

/// Finds the value a type error is about when the error was stamped on a
/// collection: visitors that buffer their input (`#[serde(flatten)]`)
/// report errors without a location, so the collection they read stamped
/// its own. The first value inside it that fits serde's description of the
/// offending value is, in document order, the one serde met first.
fn refine(
    doc: &DocShared,
    item: Option<&str>,
    path: &str,
    unexpected: &str,
) -> Option<(String, Pos)> {
    let root = doc.tree()?;
    let (object, _) = match item {
        Some(item) => walk(root, root.pos, item)?,
        None => (root, root.pos),
    };
    let (node, _) = walk(object, object.pos, path)?;
    if !matches!(node.value, Value::Map(_) | Value::Seq(_))
        || de::describes(unexpected, &node.value)
    {
        return None;
    }
    let mut found = None;
    let mut relative = String::new();
    search(node, unexpected, &mut relative, &mut found);
    let (relative, pos) = found?;
    let sep = if path.is_empty() || relative.starts_with('[') {
        ""
    } else {
        "."
    };
    Some((format!("{path}{sep}{relative}"), pos))
}

/// Depth-first search for the first descendant of `node` that fits `unexpected`.
fn search(node: &Node, unexpected: &str, path: &mut String, found: &mut Option<(String, Pos)>) {
    let len = path.len();
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                if found.is_some() {
                    return;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&entry.key);
                if de::describes(unexpected, &entry.value.value) {
                    *found = Some((path.clone(), entry.value.pos));
                    return;
                }
                search(&entry.value, unexpected, path, found);
                path.truncate(len);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if found.is_some() {
                    return;
                }
                path.push_str(&format!("[{i}]"));
                if de::describes(unexpected, &item.value) {
                    *found = Some((path.clone(), item.pos));
                    return;
                }
                search(item, unexpected, path, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// An entry a typed list lends to its items.
fn inherited(key: &str, value: &str, pos: Pos) -> Entry {
    Entry {
        key: key.to_owned(),
        key_pos: pos,
        value: Node {
            pos,
            value: Value::Str(value.to_owned()),
        },
    }
}
