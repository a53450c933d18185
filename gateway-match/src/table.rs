//! The lookup structures of a compiled router: a fast hash for keys built
//! from configuration, the hostname index, and the path segment trie.
//!
//! Everything here is built once and then only read. Ids are `u32` indices
//! into vectors owned by the router.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hash for short keys (hostnames, paths, path segments).
///
/// The tables are built from configuration and only looked up with request
/// data, so a request cannot add colliding keys; the hash needs speed, not
/// resistance to flooding. The final mix spreads the entropy to the low bits
/// that pick a bucket and the high bits that hashbrown keeps as tags.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length byte keeps "a" and "a\0" apart.
        word[7] ^= rest.len() as u8;
        self.add(u64::from_le_bytes(word));
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // splitmix64's finaliser.
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A hash map with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A half-open range of indices into one of the router's vectors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) const EMPTY: Self = Self { start: 0, end: 0 };

    pub(crate) fn is_empty(self) -> bool {
        self.start >= self.end
    }

    pub(crate) fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Hostnames to values, visited from the most to the least specific for a
/// request host: the exact hostname, then wildcards by decreasing suffix
/// length (`*.a.example.com` before `*.example.com`), then the value for
/// "any host".
///
/// A wildcard `*.example.com` is stored under its suffix `example.com`; the
/// suffixes of a request host are tried from the longest, so only the
/// wildcards that can match are looked up (one hash per label).
#[derive(Debug, Clone)]
pub(crate) struct HostIndex<T> {
    exact: FastMap<Box<str>, T>,
    wildcard: FastMap<Box<str>, T>,
    any: Option<T>,
}

impl<T> Default for HostIndex<T> {
    fn default() -> Self {
        Self {
            exact: FastMap::default(),
            wildcard: FastMap::default(),
            any: None,
        }
    }
}

/// Which entry of a [`HostIndex`] a hostname pattern names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum HostKey {
    /// An exact, lower-case hostname.
    Exact(Box<str>),
    /// A wildcard, by its suffix after `*.`.
    Wildcard(Box<str>),
    /// Every host.
    Any,
}

impl HostKey {
    /// The key of a hostname pattern (`None`: any host). Lower-cases it.
    pub(crate) fn of(pattern: Option<&str>) -> Self {
        match pattern {
            None => Self::Any,
            Some(p) => {
                let lower = p.to_ascii_lowercase();
                match lower.strip_prefix("*.") {
                    Some(suffix) => Self::Wildcard(suffix.into()),
                    None => Self::Exact(lower.into()),
                }
            }
        }
    }
}

impl<T> HostIndex<T> {
    /// The value for `key`, inserted with `make` when absent.
    pub(crate) fn entry_or_insert_with(
        &mut self,
        key: &HostKey,
        make: impl FnOnce() -> T,
    ) -> &mut T {
        match key {
            HostKey::Exact(name) => self.exact.entry(name.clone()).or_insert_with(make),
            HostKey::Wildcard(suffix) => self.wildcard.entry(suffix.clone()).or_insert_with(make),
            HostKey::Any => self.any.get_or_insert_with(make),
        }
    }

    /// Inserts `value` for `key` unless a value is already there; returns
    /// whether it was inserted.
    pub(crate) fn insert_first(&mut self, key: &HostKey, value: T) -> bool {
        let mut inserted = false;
        self.entry_or_insert_with(key, || {
            inserted = true;
            value
        });
        inserted
    }

    /// Calls `f` on every value.
    pub(crate) fn for_each_value_mut(&mut self, mut f: impl FnMut(&mut T)) {
        self.exact.values_mut().for_each(&mut f);
        self.wildcard.values_mut().for_each(&mut f);
        self.any.iter_mut().for_each(f);
    }

    /// Every value, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.exact
            .values()
            .chain(self.wildcard.values())
            .chain(self.any.iter())
    }

    /// The values whose hostname matches `host` (normalised: lower case, no
    /// port, no trailing dot), most specific first.
    pub(crate) fn candidates<'s, 'h>(&'s self, host: &'h str) -> Candidates<'s, 'h, T> {
        Candidates {
            index: self,
            host,
            stage: Stage::Exact,
        }
    }

    /// The most specific value whose hostname matches `host`.
    pub(crate) fn best(&self, host: &str) -> Option<&T> {
        self.candidates(host).next()
    }
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    Exact,
    /// Next byte offset of `host` to search for a `.` from.
    Wildcard(usize),
    Any,
    Done,
}

/// Iterator over the matching values of a [`HostIndex`], most specific
/// first. Allocation-free.
#[derive(Debug)]
pub(crate) struct Candidates<'s, 'h, T> {
    index: &'s HostIndex<T>,
    host: &'h str,
    stage: Stage,
}

impl<'s, T> Iterator for Candidates<'s, '_, T> {
    type Item = &'s T;

    fn next(&mut self) -> Option<&'s T> {
        loop {
            match self.stage {
                Stage::Exact => {
                    self.stage = if self.index.wildcard.is_empty() {
                        Stage::Any
                    } else {
                        Stage::Wildcard(0)
                    };
                    if let Some(v) = self.index.exact.get(self.host) {
                        return Some(v);
                    }
                }
                Stage::Wildcard(from) => {
                    let rest = self.host.get(from..).unwrap_or("");
                    match rest.find('.') {
                        None => self.stage = Stage::Any,
                        Some(dot) => {
                            let next = from + dot + 1;
                            self.stage = Stage::Wildcard(next);
                            // A label must stand in front of the suffix.
                            if dot == 0 {
                                continue;
                            }
                            if let Some(v) =
                                self.index.wildcard.get(self.host.get(next..).unwrap_or(""))
                            {
                                return Some(v);
                            }
                        }
                    }
                }
                Stage::Any => {
                    self.stage = Stage::Done;
                    if let Some(v) = &self.index.any {
                        return Some(v);
                    }
                }
                Stage::Done => return None,
            }
        }
    }
}

/// Id of the "no node" / "no predicate" sentinel.
pub(crate) const NONE: u32 = u32::MAX;

/// One node of the path segment trie: a path prefix such as `/a/b`.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The parent node, [`NONE`] for a root.
    pub(crate) parent: u32,
    /// `PathPrefix` entries whose (trimmed) value is this node's path.
    pub(crate) prefix: Span,
    /// `RegularExpression` entries whose literal prefix holds this node's
    /// path followed by `/`.
    pub(crate) regex: Span,
}

/// The segment tries of every bucket, sharing one segment interner and one
/// child map: a child is found by `(parent node, segment id)`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Trie {
    pub(crate) nodes: Vec<Node>,
    segments: FastMap<Box<str>, u32>,
    children: FastMap<(u32, u32), u32>,
}

impl Trie {
    /// A new root node.
    pub(crate) fn add_root(&mut self) -> u32 {
        self.push(NONE)
    }

    fn push(&mut self, parent: u32) -> u32 {
        let id = u32::try_from(self.nodes.len()).unwrap_or(NONE);
        self.nodes.push(Node {
            parent,
            prefix: Span::EMPTY,
            regex: Span::EMPTY,
        });
        id
    }

    /// The node for `segments` under `root`, created as needed.
    pub(crate) fn insert<'a>(&mut self, root: u32, segments: impl Iterator<Item = &'a str>) -> u32 {
        let mut node = root;
        for segment in segments {
            let next_id = u32::try_from(self.segments.len()).unwrap_or(NONE);
            let seg = *self.segments.entry(segment.into()).or_insert(next_id);
            node = match self.children.get(&(node, seg)) {
                Some(&child) => child,
                None => {
                    let child = self.push(node);
                    self.children.insert((node, seg), child);
                    child
                }
            };
        }
        node
    }

    /// The deepest node under `root` reached by the segments of `path` (a
    /// normalised path starting with `/`).
    #[inline]
    pub(crate) fn deepest(&self, root: u32, path: &str) -> u32 {
        let mut node = root;
        let rest = path.strip_prefix('/').unwrap_or(path);
        if rest.is_empty() {
            return node;
        }
        for segment in rest.split('/') {
            let Some(&seg) = self.segments.get(segment) else {
                break;
            };
            match self.children.get(&(node, seg)) {
                Some(&child) => node = child,
                None => break,
            }
        }
        node
    }

    /// The node with this id.
    #[inline]
    pub(crate) fn node(&self, id: u32) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// How many distinct path segments are interned.
    pub(crate) fn segment_count(&self) -> usize {
        self.segments.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(keys: &[Option<&str>]) -> HostIndex<usize> {
        let mut index = HostIndex::default();
        for (i, k) in keys.iter().enumerate() {
            index.insert_first(&HostKey::of(*k), i);
        }
        index
    }

    #[test]
    fn host_candidates_visit_exact_then_longer_wildcards_then_any() {
        let index = index(&[
            None,
            Some("*.example.com"),
            Some("a.b.example.com"),
            Some("*.b.example.com"),
        ]);
        let got: Vec<usize> = index.candidates("a.b.example.com").copied().collect();
        assert_eq!(got, vec![2, 3, 1, 0]);
        let got: Vec<usize> = index.candidates("example.com").copied().collect();
        assert_eq!(got, vec![0]);
        let got: Vec<usize> = index.candidates("x.example.com").copied().collect();
        assert_eq!(got, vec![1, 0]);
    }

    #[test]
    fn first_insert_wins() {
        let mut index = HostIndex::default();
        assert!(index.insert_first(&HostKey::of(Some("a.com")), 1));
        assert!(!index.insert_first(&HostKey::of(Some("A.com")), 2));
        assert_eq!(index.best("a.com"), Some(&1));
    }

    #[test]
    fn trie_finds_the_deepest_existing_node() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let ab = trie.insert(root, ["a", "b"].into_iter());
        let a = trie.insert(root, ["a"].into_iter());
        assert_eq!(trie.deepest(root, "/a/b/c"), ab);
        assert_eq!(trie.deepest(root, "/a/bc"), a);
        assert_eq!(trie.deepest(root, "/a"), a);
        assert_eq!(trie.deepest(root, "/"), root);
        assert_eq!(trie.deepest(root, "/x/a/b"), root);
        let other = trie.add_root();
        assert_eq!(trie.deepest(other, "/a/b"), other);
    }

    #[test]
    fn hasher_distinguishes_lengths() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let b = BuildHasherDefault::<FastHasher>::default();
        assert_ne!(b.hash_one("a"), b.hash_one("a\0"));
        assert_ne!(b.hash_one("abcdefgh"), b.hash_one("abcdefgh\0"));
    }
}
