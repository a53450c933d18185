//! The YAML side of the loader: splitting an input into documents, and
//! building a spanned tree of each document from `saphyr-parser` events.
//!
//! The tree owns its strings (the parser hands out owned scalars anyway), so
//! the deserializer can move them into the target values. Every node knows
//! its 1-based line and column; mapping entries also know where their key is.
//!
//! Limits enforced here: nesting depth and the alias expansion budget. The
//! size limits are checked by the caller on the chunks this module cuts.

use std::collections::HashMap;
use std::collections::HashSet;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, StrInput, Tag};

use super::Limit;

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub(crate) line: u32,
    pub(crate) col: u32,
}

impl Pos {
    pub(crate) fn new(line: usize, col: usize) -> Self {
        Self {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        }
    }

    pub(crate) fn line(self) -> usize {
        self.line as usize
    }

    pub(crate) fn col(self) -> usize {
        self.col as usize
    }
}

/// A node of the spanned tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where the node starts (for a tagged or anchored node: the tag or anchor).
    pub(crate) pos: Pos,
    pub(crate) value: Value,
}

/// A resolved YAML value (YAML 1.2 core schema).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` that fits `u64`.
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

impl Value {
    /// A short name for messages: "a sequence", "a string", ...
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Int(_) | Self::UInt(_) => "an integer",
            Self::Float(_) => "a float",
            Self::Str(_) => "a string",
            Self::Seq(_) => "a sequence",
            Self::Map(_) => "a mapping",
        }
    }
}

/// One `key: value` pair of a mapping. Keys are kept as written (scalars only).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_pos: Pos,
    pub(crate) value: Node,
}

/// Why a document could not be turned into a tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum YamlErrorKind {
    Syntax(String),
    DuplicateKey { key: String, first: Pos },
    Limit(Limit),
}

/// A [`YamlErrorKind`] with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub(crate) kind: YamlErrorKind,
    pub(crate) pos: Pos,
}

/// A byte range of the input holding one document (rarely several, when
/// the splitter's line test misses a boundary the parser sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The 1-based line of `start`.
    pub(crate) first_line: usize,
}

impl Chunk {
    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Cuts an input into documents at `---` lines (and after `...` lines),
/// so that a syntax error or an oversized document only costs that document.
///
/// A document marker at the start of a line ends any node in YAML, so the
/// cut agrees with the parser; directives and comments before a `---` stay
/// with the document they introduce.
#[derive(Debug)]
pub(crate) struct Chunks<'a> {
    src: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Chunks<'a> {
    pub(crate) fn new(src: &'a [u8], start: usize) -> Self {
        Self {
            src,
            pos: start.min(src.len()),
            line: 1,
        }
    }
}

/// Whether a line is `marker` followed by a blank or the end of the line.
fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r'))
}

/// Whether a line carries nothing but blanks, a comment or a directive.
fn is_preamble(line: &[u8]) -> bool {
    if line.first() == Some(&b'%') {
        return true;
    }
    match line.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\r')) {
        None | Some(b'#') => true,
        Some(_) => false,
    }
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        if self.pos >= self.src.len() {
            return None;
        }
        let start = self.pos;
        let first_line = self.line;
        let mut has_content = false;
        while self.pos < self.src.len() {
            let rest = &self.src[self.pos..];
            let (line, next) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], self.pos + i + 1),
                None => (rest, self.src.len()),
            };
            if is_marker(line, b"---") {
                if has_content {
                    break;
                }
                has_content = true;
            } else if is_marker(line, b"...") {
                self.pos = next;
                self.line += 1;
                break;
            } else if !has_content && !is_preamble(line) {
                has_content = true;
            }
            self.pos = next;
            self.line += 1;
        }
        Some(Chunk {
            start,
            end: self.pos,
            first_line,
        })
    }
}

/// A parsed document: `None` when it is empty (only comments, or `---` alone).
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) root: Option<Node>,
}

/// Reads the documents of one chunk.
pub(crate) struct DocParser<'a> {
    parser: Parser<'a, StrInput<'a>>,
    line_offset: usize,
    max_depth: usize,
    done: bool,
}

impl std::fmt::Debug for DocParser<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocParser")
            .field("line_offset", &self.line_offset)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// An anchored node, kept for its aliases.
struct Anchored {
    node: Node,
    /// The text of a scalar, so that an alias can stand as a mapping key.
    text: Option<String>,
    height: usize,
    count: usize,
}

/// A collection being built.
enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
        height: usize,
        count: usize,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Pos)>,
        /// Hashes of the keys, once the mapping is too big for a linear scan.
        hashes: Option<HashSet<u64>>,
        height: usize,
        count: usize,
    },
}

/// A finished node on its way to its parent.
struct Done {
    node: Node,
    text: Option<String>,
    height: usize,
    count: usize,
    anchor: usize,
}

/// Mappings with more keys than this look duplicates up in a hash set.
const LINEAR_KEY_SCAN: usize = 16;

/// The hard ceiling for [`Limits::max_depth`](super::Limits::max_depth): the
/// deserializer recurses once per level.
pub(crate) const HARD_MAX_DEPTH: usize = 512;

impl<'a> DocParser<'a> {
    /// A parser over `text`, whose first line is line `first_line` of the input.
    pub(crate) fn new(text: &'a str, first_line: usize, max_depth: usize) -> Self {
        Self {
            parser: Parser::new_from_str(text),
            line_offset: first_line.saturating_sub(1),
            max_depth: max_depth.min(HARD_MAX_DEPTH),
            done: false,
        }
    }

    fn pos(&self, span: Span) -> Pos {
        Pos::new(
            span.start.line().saturating_add(self.line_offset),
            span.start.col().saturating_add(1),
        )
    }

    fn scan_error(&mut self, e: &ScanError) -> YamlError {
        self.done = true;
        let m = e.marker();
        // The scanner stops flow nesting at 255 levels on its own, and it
        // reads ahead, so it may get there before our own depth check does.
        let kind = if e.info() == "recursion limit exceeded" && self.max_depth < 255 {
            YamlErrorKind::Limit(Limit::Depth)
        } else {
            YamlErrorKind::Syntax(e.info().to_owned())
        };
        YamlError {
            kind,
            pos: Pos::new(
                m.line().saturating_add(self.line_offset),
                m.col().saturating_add(1),
            ),
        }
    }

    fn fail(&mut self, kind: YamlErrorKind, pos: Pos) -> YamlError {
        self.done = true;
        YamlError { kind, pos }
    }

    /// The next document, or `None` at the end of the chunk. After an error
    /// the parser cannot resynchronise, so an error ends the chunk.
    ///
    /// `alias_budget` is what remains of the input's alias expansion budget.
    pub(crate) fn next_document(
        &mut self,
        alias_budget: &mut usize,
    ) -> Option<Result<Document, YamlError>> {
        if self.done {
            return None;
        }
        loop {
            match self.parser.next_event() {
                None | Some(Ok((Event::StreamEnd, _))) => {
                    self.done = true;
                    return None;
                }
                Some(Err(e)) => return Some(Err(self.scan_error(&e))),
                Some(Ok((Event::DocumentStart(_), _))) => {
                    return Some(self.document(alias_budget));
                }
                Some(Ok(_)) => {}
            }
        }
    }

    /// Builds the tree of a document whose `DocumentStart` was just read.
    #[allow(clippy::too_many_lines)] // one event loop; splitting it hides the state machine
    fn document(&mut self, alias_budget: &mut usize) -> Result<Document, YamlError> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut anchors: HashMap<usize, Anchored> = HashMap::new();
        let mut root: Option<Option<Node>> = None;
        loop {
            let (event, span) = match self.parser.next_event() {
                Some(Ok(ev)) => ev,
                Some(Err(e)) => return Err(self.scan_error(&e)),
                None => {
                    self.done = true;
                    return Ok(Document {
                        root: root.flatten(),
                    });
                }
            };
            let pos = self.pos(span);
            let done = match event {
                Event::DocumentEnd => {
                    return Ok(Document {
                        root: root.flatten(),
                    });
                }
                Event::StreamEnd => {
                    self.done = true;
                    return Ok(Document {
                        root: root.flatten(),
                    });
                }
                Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => continue,
                Event::Scalar(text, style, anchor, tag) => {
                    let text = text.into_owned();
                    let expects_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                    if stack.is_empty()
                        && text.is_empty()
                        && style == ScalarStyle::Plain
                        && tag.is_none()
                        && anchor == 0
                    {
                        // `---` with nothing after it: an empty document.
                        root = Some(None);
                        continue;
                    }
                    if expects_key && anchor == 0 {
                        Done {
                            node: Node {
                                pos,
                                value: Value::Null,
                            },
                            text: Some(text),
                            height: 0,
                            count: 1,
                            anchor,
                        }
                    } else {
                        let keep = anchor != 0;
                        let kept = keep.then(|| text.clone());
                        let value = resolve(text, style, tag.as_deref());
                        Done {
                            node: Node { pos, value },
                            text: kept,
                            height: 0,
                            count: 1,
                            anchor,
                        }
                    }
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if matches!(stack.last(), Some(Frame::Map { key: None, .. })) {
                        return Err(self.fail(
                            YamlErrorKind::Syntax(
                                "a mapping key must be a scalar; write the key as a plain string"
                                    .to_owned(),
                            ),
                            pos,
                        ));
                    }
                    if stack.len() >= self.max_depth {
                        return Err(self.fail(YamlErrorKind::Limit(Limit::Depth), pos));
                    }
                    stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq {
                            pos,
                            anchor,
                            items: Vec::new(),
                            height: 0,
                            count: 1,
                        }
                    } else {
                        Frame::Map {
                            pos,
                            anchor,
                            entries: Vec::new(),
                            key: None,
                            hashes: None,
                            height: 0,
                            count: 1,
                        }
                    });
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                    Some(Frame::Seq {
                        pos,
                        anchor,
                        items,
                        height,
                        count,
                    }) => Done {
                        node: Node {
                            pos,
                            value: Value::Seq(items),
                        },
                        text: None,
                        height: height + 1,
                        count,
                        anchor,
                    },
                    Some(Frame::Map {
                        pos,
                        anchor,
                        entries,
                        height,
                        count,
                        ..
                    }) => Done {
                        node: Node {
                            pos,
                            value: Value::Map(entries),
                        },
                        text: None,
                        height: height + 1,
                        count,
                        anchor,
                    },
                    None => {
                        return Err(self.fail(
                            YamlErrorKind::Syntax("unbalanced collection end".to_owned()),
                            pos,
                        ));
                    }
                },
                Event::Alias(id) => {
                    let Some(anchored) = anchors.get(&id) else {
                        return Err(self.fail(
                            YamlErrorKind::Syntax("alias to an unknown anchor".to_owned()),
                            pos,
                        ));
                    };
                    if anchored.count > *alias_budget {
                        return Err(self.fail(YamlErrorKind::Limit(Limit::AliasNodes), pos));
                    }
                    if stack.len() + anchored.height > self.max_depth {
                        return Err(self.fail(YamlErrorKind::Limit(Limit::Depth), pos));
                    }
                    *alias_budget -= anchored.count;
                    let mut node = anchored.node.clone();
                    node.pos = pos;
                    Done {
                        node,
                        text: anchored.text.clone(),
                        height: anchored.height,
                        count: anchored.count,
                        anchor: 0,
                    }
                }
            };
            let Done {
                node,
                text,
                height,
                count,
                anchor,
            } = done;
            if anchor != 0 {
                anchors.insert(
                    anchor,
                    Anchored {
                        node: node.clone(),
                        text: text.clone(),
                        height,
                        count,
                    },
                );
            }
            match stack.last_mut() {
                None => root = Some(Some(node)),
                Some(Frame::Seq {
                    items,
                    height: h,
                    count: c,
                    ..
                }) => {
                    items.push(node);
                    *h = (*h).max(height);
                    *c = c.saturating_add(count);
                }
                Some(Frame::Map {
                    entries,
                    key,
                    hashes,
                    height: h,
                    count: c,
                    ..
                }) => {
                    *h = (*h).max(height);
                    *c = c.saturating_add(count);
                    if let Some((key, key_pos)) = key.take() {
                        entries.push(Entry {
                            key,
                            key_pos,
                            value: node,
                        });
                    } else {
                        let Some(text) = text else {
                            return Err(self.fail(
                                YamlErrorKind::Syntax(
                                    "a mapping key must be a scalar; write the key as a plain string"
                                        .to_owned(),
                                ),
                                node.pos,
                            ));
                        };
                        if let Some(first) = duplicate(entries, hashes, &text) {
                            return Err(self
                                .fail(YamlErrorKind::DuplicateKey { key: text, first }, node.pos));
                        }
                        *key = Some((text, node.pos));
                    }
                }
            }
        }
    }
}

fn hash_key(key: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// The position of an earlier `key` in `entries`, if there is one; records
/// `key` in the hash set of a big mapping.
fn duplicate(entries: &[Entry], hashes: &mut Option<HashSet<u64>>, key: &str) -> Option<Pos> {
    let find = || entries.iter().find(|e| e.key == key).map(|e| e.key_pos);
    if entries.len() < LINEAR_KEY_SCAN {
        return find();
    }
    let set = hashes.get_or_insert_with(|| entries.iter().map(|e| hash_key(&e.key)).collect());
    if set.insert(hash_key(key)) {
        None
    } else {
        find()
    }
}

/// Resolves a scalar by the YAML 1.2 core schema: plain scalars can be null,
/// booleans, integers or floats; anything quoted or block-styled is a string.
/// The core tags `!!str`, `!!null`, `!!bool`, `!!int`, `!!float` and the
/// non-specific `!` are honoured; other tags are ignored.
pub(crate) fn resolve(text: String, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            match tag.suffix.as_str() {
                "str" => return Value::Str(text),
                "null" | "bool" | "int" | "float" => return resolve_plain(text),
                _ => {}
            }
        } else if tag.handle.is_empty() && tag.suffix == "!" {
            return Value::Str(text);
        }
    }
    match style {
        ScalarStyle::Plain => resolve_plain(text),
        ScalarStyle::SingleQuoted
        | ScalarStyle::DoubleQuoted
        | ScalarStyle::Literal
        | ScalarStyle::Folded => Value::Str(text),
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
pub(crate) fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if !matches!(
        text.as_bytes().first(),
        Some(b'0'..=b'9' | b'-' | b'+' | b'.')
    ) {
        return Value::Str(text);
    }
    resolve_number(&text).unwrap_or(Value::Str(text))
}

/// The number a plain scalar denotes, if it matches a core-schema number form.
fn resolve_number(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    if let Some(digits) = text.strip_prefix("0x") {
        return radix(digits, 16);
    }
    if let Some(digits) = text.strip_prefix("0o") {
        return radix(digits, 8);
    }
    let unsigned = match bytes.first() {
        Some(b'-' | b'+') => &bytes[1..],
        _ => bytes,
    };
    if !unsigned.is_empty() && unsigned.iter().all(u8::is_ascii_digit) {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Value::Int(i));
        }
        if bytes[0] != b'-'
            && let Ok(u) = text.trim_start_matches('+').parse::<u64>()
        {
            return Some(Value::UInt(u));
        }
        return text.parse::<f64>().ok().map(Value::Float);
    }
    if is_core_float(unsigned) {
        return text.parse::<f64>().ok().map(Value::Float);
    }
    None
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let int = digits(s);
    let mut i = int;
    if s.get(i) == Some(&b'.') {
        let frac = digits(&s[i + 1..]);
        if int == 0 && frac == 0 {
            return false;
        }
        i += 1 + frac;
    } else if int == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = digits(&s[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == s.len()
}

fn radix(digits: &str, radix: u32) -> Option<Value> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(match u64::from_str_radix(digits, radix) {
        Ok(u) => i64::try_from(u).map_or(Value::UInt(u), Value::Int),
        // Too big for 64 bits: still a number, as the core schema says.
        Err(_) => Value::Float(digits.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        })),
    })
}

/// Parses every document of `text` (a chunk starting at `first_line`), with a
/// fresh alias budget. Used to rebuild a document's tree for positions.
pub(crate) fn reparse(
    text: &str,
    first_line: usize,
    ordinal: usize,
    max_depth: usize,
    max_alias_nodes: usize,
) -> Option<Node> {
    let mut parser = DocParser::new(text, first_line, max_depth);
    let mut budget = max_alias_nodes;
    let mut n = 0;
    while let Some(doc) = parser.next_document(&mut budget) {
        let doc = doc.ok()?;
        if n == ordinal {
            return doc.root;
        }
        n += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Vec<Result<Document, YamlError>> {
        let mut p = DocParser::new(src, 1, 64);
        let mut budget = 1000;
        std::iter::from_fn(|| p.next_document(&mut budget)).collect()
    }

    fn root(src: &str) -> Node {
        let mut docs = parse(src);
        assert_eq!(docs.len(), 1, "{src}");
        docs.remove(0).unwrap().root.unwrap()
    }

    fn scalar(src: &str) -> Value {
        resolve_plain(src.to_owned())
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        assert_eq!(scalar(""), Value::Null);
        assert_eq!(scalar("~"), Value::Null);
        assert_eq!(scalar("NULL"), Value::Null);
        assert_eq!(scalar("True"), Value::Bool(true));
        assert_eq!(scalar("false"), Value::Bool(false));
        assert_eq!(scalar("yes"), Value::Str("yes".into()));
        assert_eq!(scalar("42"), Value::Int(42));
        assert_eq!(scalar("-42"), Value::Int(-42));
        assert_eq!(scalar("+42"), Value::Int(42));
        assert_eq!(scalar("0755"), Value::Int(755));
        assert_eq!(scalar("0x1F"), Value::Int(31));
        assert_eq!(scalar("0o17"), Value::Int(15));
        assert_eq!(scalar("0xFFFFFFFFFFFFFFFF"), Value::UInt(u64::MAX));
        assert_eq!(scalar("18446744073709551615"), Value::UInt(u64::MAX));
        assert_eq!(scalar("1.5"), Value::Float(1.5));
        assert_eq!(scalar("1."), Value::Float(1.0));
        assert_eq!(scalar(".5"), Value::Float(0.5));
        assert_eq!(scalar("1e3"), Value::Float(1000.0));
        assert_eq!(scalar("-1.5E-2"), Value::Float(-0.015));
        assert_eq!(scalar(".inf"), Value::Float(f64::INFINITY));
        assert_eq!(scalar("-.Inf"), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(scalar(".NaN"), Value::Float(f) if f.is_nan()));
        for s in [
            "1.2.3", "0x", "0xG", "1e", ".", "-", "+", "inf", "nan", "1_000", "12:30", "0b1",
        ] {
            assert_eq!(scalar(s), Value::Str(s.into()), "{s}");
        }
    }

    #[test]
    fn quoted_and_tagged_scalars_are_strings() {
        let Value::Map(entries) =
            root("a: '1'\nb: \"true\"\nc: !!str 5\nd: ! 7\ne: !!int 8\nf: |\n  x\n").value
        else {
            panic!("not a map")
        };
        let values: Vec<_> = entries.into_iter().map(|e| e.value.value).collect();
        assert_eq!(
            values,
            vec![
                Value::Str("1".into()),
                Value::Str("true".into()),
                Value::Str("5".into()),
                Value::Str("7".into()),
                Value::Int(8),
                Value::Str("x\n".into()),
            ]
        );
    }

    #[test]
    fn nodes_have_one_based_positions() {
        let node = root("a:\n  - x\n  - {b: 1}\n");
        assert_eq!(node.pos, Pos::new(1, 1));
        let Value::Map(entries) = node.value else {
            panic!()
        };
        assert_eq!(entries[0].key_pos, Pos::new(1, 1));
        let Value::Seq(items) = &entries[0].value.value else {
            panic!()
        };
        assert_eq!(items[0].pos, Pos::new(2, 5));
        assert_eq!(items[1].pos, Pos::new(3, 5));
        let Value::Map(inner) = &items[1].value else {
            panic!()
        };
        assert_eq!(inner[0].key_pos, Pos::new(3, 6));
        assert_eq!(inner[0].value.pos, Pos::new(3, 9));
    }

    #[test]
    fn duplicate_keys_are_errors_naming_both_places() {
        let docs = parse("a: 1\nb: 2\na: 3\n");
        let err = docs[0].as_ref().unwrap_err();
        assert_eq!(
            err.kind,
            YamlErrorKind::DuplicateKey {
                key: "a".into(),
                first: Pos::new(1, 1)
            }
        );
        assert_eq!(err.pos, Pos::new(3, 1));
    }

    #[test]
    fn duplicate_keys_are_found_in_big_mappings() {
        let mut src: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        src.push_str("k57: again\n");
        let docs = parse(&src);
        let err = docs[0].as_ref().unwrap_err();
        assert!(
            matches!(&err.kind, YamlErrorKind::DuplicateKey { key, first } if key == "k57" && first.line == 58)
        );
        assert_eq!(err.pos.line, 101);
    }

    #[test]
    fn aliases_expand_to_copies() {
        let node = root("a: &x {b: 1}\nc: *x\n");
        let Value::Map(entries) = node.value else {
            panic!()
        };
        assert_eq!(entries[0].value.value, entries[1].value.value);
        assert_eq!(entries[1].value.pos, Pos::new(2, 4));
    }

    #[test]
    fn alias_keys_use_the_anchored_text() {
        let node = root("- &k name\n- {*k : v}\n");
        let Value::Seq(items) = node.value else {
            panic!()
        };
        let Value::Map(entries) = &items[1].value else {
            panic!()
        };
        assert_eq!(entries[0].key, "name");
    }

    #[test]
    fn complex_keys_are_rejected() {
        let docs = parse("? [a]\n: 1\n");
        assert!(
            matches!(&docs[0], Err(YamlError { kind: YamlErrorKind::Syntax(m), .. }) if m.contains("scalar"))
        );
    }

    #[test]
    fn empty_documents_have_no_root() {
        let docs = parse("---\n# nothing\n---\n");
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.as_ref().unwrap().root.is_none()));
        assert!(parse("# only a comment\n").is_empty());
    }

    #[test]
    fn chunks_split_at_document_markers() {
        let src = b"# head\n---\na: 1\n--- \nb: 2\n...\n%YAML 1.2\n---\nc: 3\n---x: 4\n";
        let chunks: Vec<_> = Chunks::new(src, 0)
            .map(|c| {
                (
                    std::str::from_utf8(&src[c.start..c.end]).unwrap(),
                    c.first_line,
                )
            })
            .collect();
        assert_eq!(
            chunks,
            vec![
                ("# head\n---\na: 1\n", 1),
                ("--- \nb: 2\n...\n", 4),
                ("%YAML 1.2\n---\nc: 3\n---x: 4\n", 7),
            ]
        );
    }

    #[test]
    fn line_numbers_continue_across_chunks() {
        let node = {
            let mut p = DocParser::new("a: 1\n", 10, 64);
            p.next_document(&mut 0).unwrap().unwrap().root.unwrap()
        };
        assert_eq!(node.pos, Pos::new(10, 1));
    }
}
