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

/// The bytes of a slice shorter than 8 as one word, without a copy loop:
/// two overlapping 4-byte loads, or the first, middle and last byte. Every
/// byte is read, so two slices of the same length give the same word only
/// when they are equal.
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        let lo = rest
            .first_chunk::<4>()
            .map_or(0, |c| u32::from_le_bytes(*c));
        let hi = rest.last_chunk::<4>().map_or(0, |c| u32::from_le_bytes(*c));
        u64::from(lo) | (u64::from(hi) << 32)
    } else if n > 0 {
        u64::from(rest[0]) | (u64::from(rest[n / 2]) << 8) | (u64::from(rest[n - 1]) << 16)
    } else {
        0
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            rest = tail;
        }
        // The length keeps "a" and "a\0" apart.
        self.add(tail_word(rest) ^ ((bytes.len() as u64) << 56));
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

/// Whether two short byte strings are equal, compared inline (a call to
/// `memcmp` costs more than the comparison for path segments).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, rest_a)), Some((y, rest_b))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if x != y {
            return false;
        }
        a = rest_a;
        b = rest_b;
    }
    // Equal lengths below 8: `tail_word` reads every byte.
    tail_word(a) == tail_word(b)
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

/// The start of a [`chain`] of words.
pub(crate) const CHAIN_START: u64 = 0xcbf2_9ce4_8422_2325;

/// One step of the word hash used by the tables: the same multiply-rotate
/// step as [`FastHasher`], a few cycles per 8 bytes of key.
#[inline]
pub(crate) fn step(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(SEED)
}

/// Extends `hash` with `bytes`, 8 bytes at a time, and their length (so a
/// chain of segments is a hash of the segment list: `a`, `b` and `ab`
/// differ). Cheap enough to run over every segment of a request path and to
/// extend a path's hash to a longer path.
#[inline]
fn chain(hash: u64, bytes: &[u8]) -> u64 {
    let mut hash = hash;
    let mut rest = bytes;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        hash = step(hash, u64::from_le_bytes(*word));
        rest = tail;
    }
    step(hash, pad_word(rest) ^ ((bytes.len() as u64) << 56))
}

/// [`chain`] from [`CHAIN_START`] over `bytes`: the hash of a path prefix
/// (without its leading `/`) in the trie, the definition that
/// [`PrefixHasher`] follows.
#[cfg(test)]
fn prefix_hash(bytes: &[u8]) -> u64 {
    chain(CHAIN_START, bytes)
}

/// Hashes prefixes of one string (a path without its leading `/`) from the
/// shortest to the longest, each as [`chain`] from [`CHAIN_START`] over the
/// prefix, folding each whole word once: linear in the string however many
/// prefixes are hashed (a deep request path or route path costs no more).
struct PrefixHasher<'a> {
    text: &'a [u8],
    /// The chain over the first `words` whole words of `text`.
    state: u64,
    words: usize,
}

impl<'a> PrefixHasher<'a> {
    #[inline]
    fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            state: CHAIN_START,
            words: 0,
        }
    }

    /// The hash of the first `end` bytes (at most the length); `end` at
    /// least the `end` of the previous call.
    #[inline]
    fn up_to(&mut self, end: usize) -> u64 {
        let whole = end / 8;
        while self.words < whole {
            let w = self
                .text
                .get(self.words * 8..)
                .and_then(<[u8]>::first_chunk::<8>)
                .map_or(0, |c| u64::from_le_bytes(*c));
            self.state = step(self.state, w);
            self.words += 1;
        }
        let from = self.text.get(whole * 8..).unwrap_or_default();
        let tail = match from.first_chunk::<8>() {
            // One load, then keep the `end % 8` bytes that belong to the
            // prefix (the mask keeps the shift in range for the compiler).
            Some(word) => {
                u64::from_le_bytes(*word) & (1u64 << ((8 * (end % 8)) & 63)).wrapping_sub(1)
            }
            None => pad_word(from.get(..end % 8).unwrap_or_default()),
        };
        step(self.state, tail ^ ((end as u64) << 56))
    }
}

/// The slot a hash starts probing at in a table of `2^bits` slots
/// (Fibonacci hashing spreads the entropy of the high bits).
#[inline]
fn home(hash: u64, mask: usize) -> usize {
    (hash.wrapping_mul(SEED) >> 32) as usize & mask
}

/// The bytes of a slice of at most 8 bytes as a little-endian word padded
/// with zeros, with two overlapping loads instead of a copy loop (so two
/// slices of the same length give the same word only when equal).
#[inline]
pub(crate) fn pad_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    if n >= 4 {
        let lo = bytes
            .first_chunk::<4>()
            .map_or(0, |c| u32::from_le_bytes(*c));
        let hi = bytes
            .last_chunk::<4>()
            .map_or(0, |c| u32::from_le_bytes(*c));
        // The overlapping bytes of `lo` and `hi` are the same bytes.
        u64::from(lo) | (u64::from(hi) << (8 * (n.min(8) - 4)))
    } else if n >= 2 {
        let lo = bytes
            .first_chunk::<2>()
            .map_or(0, |c| u16::from_le_bytes(*c));
        let hi = bytes
            .last_chunk::<2>()
            .map_or(0, |c| u16::from_le_bytes(*c));
        u64::from(lo) | (u64::from(hi) << (8 * (n - 2)))
    } else {
        bytes.first().map_or(0, |&b| u64::from(b))
    }
}

/// Keys up to this many bytes are kept in their slot, so that a probe
/// reads one cache line; longer keys are in a text buffer.
const INLINE_KEY: usize = 16;

/// A key as two zero-padded words, as kept in a slot and as compared there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeyWords([u64; 2]);

impl KeyWords {
    /// The words of a key of at most [`INLINE_KEY`] bytes.
    #[inline]
    fn of(key: &[u8]) -> Self {
        match key.split_at_checked(8) {
            Some((first, rest)) => Self([pad_word(first), pad_word(rest)]),
            None => Self([pad_word(key), 0]),
        }
    }

    /// Stores `key`: inline when short, else appended to `text`, with its
    /// offset in the first word.
    fn store(key: &[u8], text: &mut Vec<u8>) -> Self {
        if key.len() <= INLINE_KEY {
            Self::of(key)
        } else {
            let start = text.len() as u64;
            text.extend_from_slice(key);
            Self([start, 0])
        }
    }

    /// Whether these stored words hold `key` (whose length is the stored
    /// length); `words` are the words of `key` when it is short.
    #[inline]
    fn matches(self, key: &[u8], words: Self, text: &[u8]) -> bool {
        if key.len() <= INLINE_KEY {
            self == words
        } else {
            let start = usize::try_from(self.0[0]).unwrap_or(usize::MAX);
            text.get(start..start.saturating_add(key.len()))
                .is_some_and(|t| same_bytes(t, key))
        }
    }
}

/// The words of a request key, for [`KeyWords::matches`].
#[inline]
fn probe_words(key: &[u8]) -> KeyWords {
    if key.len() <= INLINE_KEY {
        KeyWords::of(key)
    } else {
        KeyWords([0; 2])
    }
}

/// One slot (32 bytes, aligned so that it never straddles cache lines).
#[derive(Debug, Clone, Copy)]
#[repr(align(32))]
struct StrSlot {
    hash: u64,
    /// [`NONE`] for an empty slot.
    value: u32,
    len: u32,
    key: KeyWords,
}

const EMPTY_STR_SLOT: StrSlot = StrSlot {
    hash: 0,
    value: NONE,
    len: 0,
    key: KeyWords([0; 2]),
};

/// A map from strings to `u32`, built once and read with request data:
/// open addressing with linear probing, word hashes kept in the slots,
/// short keys inline in their slot (longer ones in one text buffer), and
/// the key comparison inline (no `memcmp` call). A lookup costs one pass
/// over the key and usually one probe, one cache line.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrMap {
    slots: Vec<StrSlot>,
    used: usize,
    text: Vec<u8>,
}

impl StrMap {
    #[inline]
    fn hash(key: &[u8]) -> u64 {
        chain(CHAIN_START, key)
    }

    /// The value for `key`.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        if self.used == 0 {
            return None;
        }
        self.get_name(&HostName::new(key))
    }

    /// The value for a key whose hash and words are known.
    #[inline]
    fn get_name(&self, name: &HostName<'_>) -> Option<u32> {
        let key = name.name.as_bytes();
        let (hash, words) = (name.hash, name.words);
        let mask = self.slots.len() - 1;
        let mut i = home(hash, mask);
        loop {
            let slot = self.slots.get(i)?;
            if slot.value == NONE {
                return None;
            }
            if slot.hash == hash
                && slot.len as usize == key.len()
                && slot.key.matches(key, words, &self.text)
            {
                return Some(slot.value);
            }
            i = (i + 1) & mask;
        }
    }

    fn place(slots: &mut [StrSlot], slot: StrSlot) {
        let mask = slots.len() - 1;
        let mut i = home(slot.hash, mask);
        while slots[i].value != NONE {
            i = (i + 1) & mask;
        }
        slots[i] = slot;
    }

    /// Inserts `key` with `value` unless the key is present; returns the
    /// value in the map afterwards.
    pub(crate) fn insert(&mut self, key: &str, value: u32) -> u32 {
        if let Some(existing) = self.get(key) {
            return existing;
        }
        if (self.used + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(8);
            let old = std::mem::replace(&mut self.slots, vec![EMPTY_STR_SLOT; size]);
            for slot in old.into_iter().filter(|s| s.value != NONE) {
                Self::place(&mut self.slots, slot);
            }
        }
        let slot = StrSlot {
            hash: Self::hash(key.as_bytes()),
            value,
            len: u32::try_from(key.len()).unwrap_or(u32::MAX),
            key: KeyWords::store(key.as_bytes(), &mut self.text),
        };
        Self::place(&mut self.slots, slot);
        self.used += 1;
        value
    }

    /// Whether the map is empty.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.used == 0
    }
}

/// A normalised request host with its [`StrMap`] hash and key words,
/// computed once per request (by the host check's pass over the bytes)
/// and used for every hostname table the request visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostName<'a> {
    pub(crate) name: &'a str,
    hash: u64,
    words: KeyWords,
}

impl<'a> HostName<'a> {
    /// Hashes `name`.
    #[inline]
    pub(crate) fn new(name: &'a str) -> Self {
        Self {
            name,
            hash: StrMap::hash(name.as_bytes()),
            words: probe_words(name.as_bytes()),
        }
    }

    /// Builds the name from the words of a pass over it: `hash` the chain
    /// over its whole words, `first` its first two words zero-padded, and
    /// `tail` its last, partial, word zero-padded (0 when there is none).
    #[inline]
    pub(crate) fn from_words(name: &'a str, hash: u64, first: [u64; 2], tail: u64) -> Self {
        let len = name.len();
        Self {
            name,
            hash: step(hash, tail ^ ((len as u64) << 56)),
            words: if len <= INLINE_KEY {
                KeyWords(first)
            } else {
                KeyWords([0; 2])
            },
        }
    }
}

/// Hostnames to `u32` ids, visited from the most to the least specific for
/// a request host: the exact hostname, then wildcards by decreasing suffix
/// length (`*.a.example.com` before `*.example.com`), then the id for "any
/// host". Each id is kept in its hostname's slot, so finding it reads one
/// cache line.
///
/// A wildcard `*.example.com` is stored under its suffix `example.com`; the
/// suffixes of a request host are tried from the longest, so only the
/// wildcards that can match are looked up (one hash per label).
#[derive(Debug, Clone, Default)]
pub(crate) struct HostIds {
    exact: StrMap,
    wildcard: StrMap,
    any: Option<u32>,
}

/// Hostnames to values, visited as [`HostIds`] visits ids.
#[derive(Debug, Clone)]
pub(crate) struct HostIndex<T> {
    /// Indices into `values`.
    ids: HostIds,
    values: Vec<T>,
}

impl<T> Default for HostIndex<T> {
    fn default() -> Self {
        Self {
            ids: HostIds::default(),
            values: Vec::new(),
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

/// `text` lower-cased (ASCII), in one allocation.
fn lower_boxed(text: &str) -> Box<str> {
    let mut boxed: Box<str> = text.into();
    boxed.make_ascii_lowercase();
    boxed
}

impl HostKey {
    /// The key of a hostname pattern (`None`: any host). Lower-cases it.
    pub(crate) fn of(pattern: Option<&str>) -> Self {
        match pattern {
            None => Self::Any,
            // `*` and `.` have no case: lower-case only what is kept, in
            // the one copy made.
            Some(p) => match p.strip_prefix("*.") {
                Some(suffix) => Self::Wildcard(lower_boxed(suffix)),
                None => Self::Exact(lower_boxed(p)),
            },
        }
    }
}

impl HostIds {
    /// The id for `key`, which becomes `next` when the key is absent
    /// (`next` is not [`NONE`]).
    pub(crate) fn id_or_insert(&mut self, key: &HostKey, next: u32) -> u32 {
        match key {
            HostKey::Exact(name) => self.exact.insert(name, next),
            HostKey::Wildcard(suffix) => self.wildcard.insert(suffix, next),
            HostKey::Any => *self.any.get_or_insert(next),
        }
    }

    /// Calls `f` on the ids whose hostname matches `host` (normalised:
    /// lower case, no port, no trailing dot), most specific first, until it
    /// returns `Some`. Allocation-free; skips the maps that are empty.
    #[inline]
    pub(crate) fn find_map_name<R>(
        &self,
        host: &HostName<'_>,
        mut f: impl FnMut(u32) -> Option<R>,
    ) -> Option<R> {
        if !self.exact.is_empty()
            && let Some(id) = self.exact.get_name(host)
            && let Some(r) = f(id)
        {
            return Some(r);
        }
        if !self.wildcard.is_empty() {
            let host = host.name;
            let bytes = host.as_bytes();
            let mut from = 0;
            while let Some(dot) = bytes
                .get(from..)
                .and_then(|t| t.iter().position(|&b| b == b'.'))
            {
                let next = from + dot + 1;
                // A label must stand in front of the suffix.
                if dot > 0
                    && let Some(id) = host
                        .get(next..)
                        .and_then(|suffix| self.wildcard.get(suffix))
                    && let Some(r) = f(id)
                {
                    return Some(r);
                }
                from = next;
            }
        }
        self.any.and_then(f)
    }
}

impl<T> HostIndex<T> {
    /// The value for `key`, inserted with `make` when absent.
    pub(crate) fn entry_or_insert_with(
        &mut self,
        key: &HostKey,
        make: impl FnOnce() -> T,
    ) -> &mut T {
        let next = u32::try_from(self.values.len()).unwrap_or(NONE);
        let index = self.ids.id_or_insert(key, next) as usize;
        if index >= self.values.len() {
            self.values.push(make());
        }
        // Not empty: a value was there or was just pushed.
        let last = self.values.len() - 1;
        &mut self.values[index.min(last)]
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
    pub(crate) fn for_each_value_mut(&mut self, f: impl FnMut(&mut T)) {
        self.values.iter_mut().for_each(f);
    }

    /// Every value, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.values.iter()
    }

    /// Calls `f` on the values whose hostname matches `host` (normalised:
    /// lower case, no port, no trailing dot, hashed), most specific first,
    /// until it returns `Some`. Allocation-free; skips the maps that are
    /// empty.
    #[inline]
    pub(crate) fn find_map_name<'s, R>(
        &'s self,
        host: &HostName<'_>,
        mut f: impl FnMut(&'s T) -> Option<R>,
    ) -> Option<R> {
        self.ids
            .find_map_name(host, |i| self.values.get(i as usize).and_then(&mut f))
    }

    /// The most specific value whose hostname matches `host` (normalised
    /// and hashed).
    #[inline]
    pub(crate) fn best_name(&self, host: &HostName<'_>) -> Option<&T> {
        self.find_map_name(host, Some)
    }
}

/// Id of the "no node" / "no predicate" sentinel.
pub(crate) const NONE: u32 = u32::MAX;

/// The entry lists of one trie node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lists {
    /// `Exact` entries whose value is the node's path.
    pub(crate) exact: Span,
    /// `PathPrefix` entries whose (trimmed) value is the node's path.
    pub(crate) prefix: Span,
    /// `RegularExpression` entries whose literal prefix holds the node's
    /// path followed by `/`.
    pub(crate) regex: Span,
}

/// One node of the path trie: a path such as `/a/b` (32 bytes, aligned so
/// that reading one never touches two cache lines). Only paths that hold
/// entries, roots, and paths where two edges part are nodes: a chain of
/// segments without entries in between is one edge.
#[derive(Debug, Clone)]
#[repr(align(32))]
pub(crate) struct Node {
    /// The parent node, [`NONE`] for a root.
    pub(crate) parent: u32,
    /// The node's entries.
    pub(crate) lists: Lists,
}

/// [`Slot::len`]: the child has children.
const HAS_CHILDREN: u32 = 1 << 31;
/// [`Slot::len`]: a node above the child has `RegularExpression` entries.
const UP_REGEX: u32 = 1 << 30;
/// [`Slot::len`]: a node above the child has `PathPrefix` entries.
const UP_PREFIX: u32 = 1 << 29;
/// [`Slot::len`]: the bits of the label length.
const LABEL_LEN: u32 = UP_PREFIX - 1;

/// The longest path value (`Exact`, `PathPrefix` or `RegularExpression`)
/// a router takes, in bytes: 64 times the HTTPRoute schema's 1,024. It keeps
/// every trie label's length within [`LABEL_LEN`].
pub(crate) const MAX_PATH_VALUE: usize = 1 << 16;

const _: () = assert!(MAX_PATH_VALUE < LABEL_LEN as usize);

/// Labels up to this many bytes are kept in their slot.
const INLINE_LABEL: usize = 24;

/// One edge of the trie (64 bytes, one cache line): everything a walk
/// reads to take the edge and to use the node it leads to, so that a
/// lookup whose path ends in one edge reads one line of the trie.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Slot {
    /// The low half of the chained hash of the root and the path down to
    /// the end of the label's first segment.
    hash: u32,
    /// [`NONE`] for an empty slot.
    parent: u32,
    child: u32,
    /// The label's length ([`LABEL_LEN`] bits), whether the child has
    /// children ([`HAS_CHILDREN`]), and which lists the nodes above it
    /// have ([`UP_REGEX`], [`UP_PREFIX`], set by [`Trie::finish`]).
    len: u32,
    /// The child's entry lists, copied by [`Trie::finish`].
    lists: Lists,
    /// The label (one or more segments joined by `/`), zero-padded when at
    /// most [`INLINE_LABEL`] bytes; else its offset in the text buffer.
    label: [u64; 3],
}

const EMPTY_SLOT: Slot = Slot {
    hash: 0,
    parent: NONE,
    child: NONE,
    len: 0,
    lists: Lists {
        exact: Span::EMPTY,
        prefix: Span::EMPTY,
        regex: Span::EMPTY,
    },
    label: [0; 3],
};

/// A label of at most [`INLINE_LABEL`] bytes as zero-padded words.
fn inline_label(label: &[u8]) -> [u64; 3] {
    let mut words = [0; 3];
    let mut rest = label;
    for w in &mut words {
        let n = rest.len().min(8);
        let (head, tail) = rest.split_at(n);
        *w = pad_word(head);
        rest = tail;
    }
    words
}

/// Whether `text` (as long as the label) equals an inline label.
#[inline]
fn inline_equal(words: &[u64; 3], text: &[u8]) -> bool {
    let mut rest = text;
    for &w in words {
        match rest.split_first_chunk::<8>() {
            Some((chunk, tail)) => {
                if u64::from_le_bytes(*chunk) != w {
                    return false;
                }
                rest = tail;
            }
            // The words after a partial one are zero, as the lengths agree.
            None => return pad_word(rest) == w,
        }
    }
    true
}

/// The path tries of every bucket, sharing one edge table: an open
/// addressing table keyed by `(parent node, first segment of the label)`
/// and hashed by the chained hash of the segments from the root to the end
/// of that first segment, which the walk computes from the request path for
/// the segments it probes, so every probe address is known from the path
/// alone. An edge spans a chain of segments, so a walk makes one probe per
/// node it passes, not one per segment.
#[derive(Debug, Default, Clone)]
pub(crate) struct Trie {
    pub(crate) nodes: Vec<Node>,
    slots: Vec<Slot>,
    used: usize,
    /// Labels too long to keep inline.
    text: Vec<u8>,
    /// [`insert`](Self::insert)'s buffers, kept to spare an allocation per
    /// insert.
    scratch: (Vec<(usize, usize)>, Vec<u8>),
}

/// Where a walk down the trie ends: the deepest node whose path is a
/// segment prefix of the request path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reached {
    /// The node.
    #[cfg(test)]
    pub(crate) node: u32,
    /// Its parent ([`NONE`] for a root).
    pub(crate) parent: u32,
    /// Whether the node's path is the whole request path.
    pub(crate) whole: bool,
    /// The node's entries.
    pub(crate) lists: Lists,
    /// Whether a node above it has `RegularExpression` entries.
    pub(crate) up_regex: bool,
    /// Whether a node above it has `PathPrefix` entries.
    pub(crate) up_prefix: bool,
}

/// The entry lists of a reached node and of its ancestors, from the
/// deepest up.
#[derive(Debug, Clone)]
pub(crate) struct Ancestors<'t> {
    trie: &'t Trie,
    first: Option<Lists>,
    next: u32,
}

impl Iterator for Ancestors<'_> {
    type Item = Lists;

    #[inline]
    fn next(&mut self) -> Option<Lists> {
        if let Some(lists) = self.first.take() {
            return Some(lists);
        }
        let node = self.trie.nodes.get(self.next as usize)?;
        self.next = node.parent;
        Some(node.lists)
    }
}

impl Reached {
    /// The entry lists of this node, then of each ancestor up to the root.
    #[inline]
    pub(crate) fn ancestors(self, trie: &Trie) -> Ancestors<'_> {
        Ancestors {
            trie,
            first: Some(self.lists),
            next: self.parent,
        }
    }
}

/// The slot hash of a path (hashed without its leading `/`) under `root`,
/// folded to the 32 bits a trie slot keeps.
#[inline]
fn under(root: u32, hash: u64) -> u32 {
    let hash = hash ^ u64::from(root).wrapping_mul(SEED);
    (hash ^ (hash >> 32)) as u32
}

/// How many bytes of a request path (after its leading `/`) a [`PathKey`]
/// marks the `/`s of; the walk searches deeper segments' ends byte by byte.
const KEY_BYTES: usize = 64;

/// Multiplying a word whose bytes are 0 or 1 by this gathers them into its
/// top byte, byte `i` to bit `56 + i`.
const GATHER: u64 = 0x0102_0408_1020_4080;

pub(crate) const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
pub(crate) const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of every byte of `w` (all ASCII) that lies in `lo..=hi`:
/// adding `0x80 - lo` sets a byte's high bit when it is at least `lo`,
/// adding `0x7f - hi` when it is above `hi`, and neither carries into the
/// next byte.
#[inline]
pub(crate) const fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    let at_least = w.wrapping_add(ONES * (0x80 - lo as u64));
    let above = w.wrapping_add(ONES * (0x7f - hi as u64));
    at_least & !above & HIGH
}

/// What the fast path check finds in one word of a path: the bytes (high
/// bits) that are `/`, and whether any byte fails.
#[inline]
fn scan_path_word(w: u64, follows_slash: u64) -> (u64, bool) {
    let ascii = w & HIGH == 0;
    // `- . /` and digits, letters (upper case lowered by setting bit 5,
    // which maps no other byte into `a..=z`), `_`, `~`.
    let allowed = in_range(w, b'-', b'9')
        | in_range(w | (ONES * 0x20), b'a', b'z')
        | in_range(w, b'_', b'_')
        | in_range(w, b'~', b'~');
    // `.` and `/` differ in their low bit, which the shift moves to the
    // high bit.
    let separator = in_range(w, b'.', b'/');
    let slash = separator & (w << 7);
    // A segment must not start with `.` or `/` (no dot segments, no `//`).
    let starts = (slash << 8) | follows_slash;
    let bad = !ascii || allowed != HIGH || starts & separator != 0;
    (slash, bad)
}

/// `bytes` (at most 8) as a word, the missing bytes filled with `a` (a
/// byte the path and host checks accept and that is not a separator).
#[inline]
pub(crate) fn padded_path_word(bytes: &[u8]) -> u64 {
    let fill = match bytes.len() {
        n @ 0..8 => (u64::MAX << (8 * n)) & (ONES * u64::from(b'a')),
        _ => 0,
    };
    pad_word(bytes) | fill
}

/// A normalised request path with a bit for each `/` among its first
/// [`KEY_BYTES`] bytes after the leading `/`, found in one pass. The trie
/// walk hashes only the prefixes it probes (usually one or two), so the
/// scan hashes nothing.
#[derive(Debug, Clone)]
pub(crate) struct PathKey<'a> {
    /// The normalised path.
    pub(crate) path: &'a str,
    /// Bit `i`: byte `i` of the path after its leading `/` is a `/`.
    slashes: u64,
}

impl<'a> PathKey<'a> {
    /// A key with no segments (the key of `/`).
    pub(crate) fn empty(path: &'a str) -> Self {
        Self { path, slashes: 0 }
    }

    /// The key of a path that is already normalised.
    pub(crate) fn new(path: &'a str) -> Self {
        let rest = path.as_bytes().get(1..).unwrap_or_default();
        let mut slashes = 0;
        for (i, &b) in rest.iter().take(KEY_BYTES).enumerate() {
            if b == b'/' {
                slashes |= 1 << i;
            }
        }
        Self { path, slashes }
    }

    /// Where the segment starting at `start` ends, both counted in the
    /// path after its leading `/`.
    #[inline]
    fn segment_end(&self, start: usize) -> usize {
        let rest = self.path.as_bytes().get(1..).unwrap_or_default();
        if start < KEY_BYTES {
            let m = self.slashes >> start;
            if m != 0 {
                return start + m.trailing_zeros() as usize;
            }
            if rest.len() <= KEY_BYTES {
                return rest.len();
            }
        }
        let from = start.max(KEY_BYTES);
        let tail = rest.get(from..).unwrap_or_default();
        from + tail.iter().position(|&b| b == b'/').unwrap_or(tail.len())
    }

    /// Fills `key` when normalisation would leave `raw` unchanged, found by
    /// a conservative check run in the same pass that finds the `/`s;
    /// returns `false` when `raw` needs normalising first.
    #[inline]
    pub(crate) fn normal_into(raw: &'a str, key: &mut Self) -> bool {
        let Some((&b'/', rest)) = raw.as_bytes().split_first() else {
            return false;
        };
        // The walk keeps offsets in `u32` slot lengths' range.
        if u32::try_from(raw.len()).is_err() {
            return false;
        }
        // Eight bytes at a time: check them and note the `/`s.
        let mut slashes = 0u64;
        // The start of `rest` follows the leading `/`.
        let mut follows_slash = 0x80;
        let mut offset = 0u32;
        let mut visit = |w: u64| {
            let (found, bad) = scan_path_word(w, follows_slash);
            if bad {
                return false;
            }
            follows_slash = found >> 56;
            // The high bit of byte `i` to bit `i`; past `KEY_BYTES` the
            // shift gives nothing.
            let bits = (found >> 7).wrapping_mul(GATHER) >> 56;
            slashes |= bits.checked_shl(offset).unwrap_or(0);
            offset = offset.saturating_add(8);
            true
        };
        let words = rest.chunks_exact(8);
        let tail = words.remainder();
        for c in words {
            if !visit(c.try_into().map_or(0, u64::from_le_bytes)) {
                return false;
            }
        }
        if !tail.is_empty() && !visit(padded_path_word(tail)) {
            return false;
        }
        key.path = raw;
        key.slashes = slashes;
        true
    }
}

/// The segments of a normalised path (`/a/b` gives `a`, `b`; `/` none;
/// `/a/` gives `a` and an empty segment).
#[cfg(test)]
pub(crate) fn segments(path: &str) -> impl Iterator<Item = &str> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let none = rest.is_empty();
    rest.split('/').filter(move |_| !none)
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
            lists: Lists::default(),
        });
        id
    }

    /// Calls `f` with the label of `slot` (an inline label is unpacked on
    /// the stack).
    fn with_label<R>(&self, slot: &Slot, f: impl FnOnce(&[u8]) -> R) -> R {
        let len = (slot.len & LABEL_LEN) as usize;
        if len <= INLINE_LABEL {
            let mut buf = [0u8; INLINE_LABEL];
            for (chunk, w) in buf.chunks_mut(8).zip(slot.label) {
                chunk.copy_from_slice(&w.to_le_bytes());
            }
            f(buf.get(..len).unwrap_or_default())
        } else {
            let at = usize::try_from(slot.label[0]).unwrap_or(usize::MAX);
            f(self
                .text
                .get(at..at.saturating_add(len))
                .unwrap_or_default())
        }
    }

    /// Whether the label of `slot` is `bytes[start..]` up to a `/` or the
    /// end of `bytes`.
    #[inline(always)]
    fn label_at(&self, slot: &Slot, bytes: &[u8], start: usize) -> bool {
        let len = (slot.len & LABEL_LEN) as usize;
        let end = start.saturating_add(len);
        let Some(text) = bytes.get(start..end) else {
            return false;
        };
        if bytes.get(end).is_some_and(|&b| b != b'/') {
            return false;
        }
        if len <= INLINE_LABEL {
            inline_equal(&slot.label, text)
        } else {
            let at = usize::try_from(slot.label[0]).unwrap_or(usize::MAX);
            self.text
                .get(at..at.saturating_add(len))
                .is_some_and(|t| same_bytes(t, text))
        }
    }

    /// The edge from `parent` whose label is `bytes[start..]` up to a `/`
    /// or the end of `bytes`; `hash` is the slot hash of the path to the
    /// end of the segment at `start`. At most one edge can match, as the
    /// edges from one node start with different segments.
    #[inline(always)]
    fn edge(&self, parent: u32, hash: u32, bytes: &[u8], start: usize) -> Option<&Slot> {
        self.probe(parent, hash, |slot| self.label_at(slot, bytes, start))
            .map(|(_, slot)| slot)
    }

    /// The index of the slot of the edge from `parent` whose label starts
    /// with the segment `segment`, whose slot hash is `hash`.
    fn edge_slot(&self, parent: u32, hash: u32, segment: &[u8]) -> Option<usize> {
        self.probe(parent, hash, |slot| {
            self.with_label(slot, |label| {
                label.starts_with(segment) && label.get(segment.len()).is_none_or(|&b| b == b'/')
            })
        })
        .map(|(i, _)| i)
    }

    /// The slot (and its index) of the edge from `parent` with slot hash
    /// `hash` whose label `is_it` accepts, found by linear probing from the
    /// hash's home slot.
    #[inline(always)]
    fn probe(
        &self,
        parent: u32,
        hash: u32,
        is_it: impl Fn(&Slot) -> bool,
    ) -> Option<(usize, &Slot)> {
        if self.used == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = home(u64::from(hash), mask);
        loop {
            let slot = self.slots.get(i)?;
            if slot.parent == NONE {
                return None;
            }
            if slot.hash == hash && slot.parent == parent && is_it(slot) {
                return Some((i, slot));
            }
            i = (i + 1) & mask;
        }
    }

    fn place(slots: &mut [Slot], slot: Slot) {
        let mask = slots.len() - 1;
        let mut i = home(u64::from(slot.hash), mask);
        while slots[i].parent != NONE {
            i = (i + 1) & mask;
        }
        slots[i] = slot;
    }

    /// Grows the edge table so that `more` more edges keep it at most half
    /// full.
    fn make_room(&mut self, more: usize) {
        // The usual case, answered without the sizing below: the table
        // (a power of two, at least 16 slots, once made) is big enough.
        if !self.slots.is_empty() && (self.used + more).saturating_mul(2) <= self.slots.len() {
            return;
        }
        let size = (self.used + more)
            .saturating_mul(2)
            .checked_next_power_of_two()
            .unwrap_or(usize::MAX)
            .max(16);
        if size > self.slots.len() {
            let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; size]);
            for slot in old.into_iter().filter(|s| s.parent != NONE) {
                Self::place(&mut self.slots, slot);
            }
        }
    }

    /// The stored form of a label: inline, or appended to the text.
    fn store_label(&mut self, label: &[u8]) -> [u64; 3] {
        if label.len() <= INLINE_LABEL {
            inline_label(label)
        } else {
            let at = self.text.len() as u64;
            self.text.extend_from_slice(label);
            [at, 0, 0]
        }
    }

    /// The length field of a slot for `label`, with `flags`.
    fn label_len(label: &[u8], flags: u32) -> u32 {
        u32::try_from(label.len()).map_or(LABEL_LEN, |n| n.min(LABEL_LEN)) | flags
    }

    /// Adds an edge; there must be room for it.
    fn add_edge(&mut self, parent: u32, child: u32, hash: u32, label: &[u8], flags: u32) {
        let slot = Slot {
            hash,
            parent,
            child,
            len: Self::label_len(label, flags),
            lists: Lists::default(),
            label: self.store_label(label),
        };
        Self::place(&mut self.slots, slot);
        self.used += 1;
    }

    /// Makes room for `roots` more roots and `edges` more edges (and a
    /// node for each) without growing the edge table or the nodes.
    pub(crate) fn reserve(&mut self, roots: usize, edges: usize) {
        self.nodes.reserve(roots.saturating_add(edges));
        self.make_room(edges);
    }

    /// The node for `segments` under `root`, created as needed (splitting
    /// the edge that passes through it, if one does).
    #[cfg(test)]
    pub(crate) fn insert<'a>(
        &mut self,
        root: u32,
        mut segments: impl Iterator<Item = &'a str>,
    ) -> u32 {
        let Some(first) = segments.next() else {
            return root;
        };
        let mut path = first.to_owned();
        for segment in segments {
            path.push('/');
            path.push_str(segment);
        }
        self.insert_path(root, &path)
    }

    /// The node for `path` under `root`, created as needed (splitting the
    /// edge that passes through it, if one does). `path` is one or more
    /// segments joined by `/`, without a leading `/` (`a/b`; `a/` is `a`
    /// and an empty segment; the empty string is one empty segment).
    pub(crate) fn insert_path(&mut self, root: u32, path: &str) -> u32 {
        let path = path.as_bytes();
        // Where each segment ends, and a label (in buffers kept between
        // inserts).
        let (mut ends, mut label) = std::mem::take(&mut self.scratch);
        ends.clear();
        let mut start = 0;
        for (i, &b) in path.iter().enumerate() {
            if b == b'/' {
                ends.push((start, i));
                start = i + 1;
            }
        }
        ends.push((start, path.len()));
        // An insert adds at most two edges (a split and a new edge): with
        // room made now, slot indices stay valid below.
        self.make_room(2);
        let mut hasher = PrefixHasher::new(path);
        let mut node = root;
        // The slot of the edge to `node` (none for the root).
        let mut from: Option<usize> = None;
        let mut s = 0;
        while let Some(&(start, end)) = ends.get(s) {
            let hash = under(root, hasher.up_to(end));
            let segment = path.get(start..end).unwrap_or_default();
            let Some(i) = self.edge_slot(node, hash, segment) else {
                // A new edge with every remaining segment.
                let child = self.push(node);
                if let Some(slot) = from.and_then(|f| self.slots.get_mut(f)) {
                    slot.len |= HAS_CHILDREN;
                }
                let last = ends.last().map_or(end, |&(_, e)| e);
                self.add_edge(
                    node,
                    child,
                    hash,
                    path.get(start..last).unwrap_or_default(),
                    0,
                );
                node = child;
                break;
            };
            let Some(&slot) = self.slots.get(i) else {
                break;
            };
            label.clear();
            self.with_label(&slot, |l| label.extend_from_slice(l));
            // The label's segments the path shares, and their length.
            let mut shared = 0;
            let mut common = 0;
            let mut total = 0;
            for (k, part) in label.split(|&b| b == b'/').enumerate() {
                total += 1;
                if shared == k
                    && ends
                        .get(s + k)
                        .and_then(|&(a, b)| path.get(a..b))
                        .is_some_and(|p| p == part)
                {
                    shared += 1;
                    common = if k == 0 {
                        part.len()
                    } else {
                        common + 1 + part.len()
                    };
                }
            }
            if shared < total {
                // Split the edge where the path leaves it (or ends).
                let middle = self.push(node);
                if let Some(n) = self.nodes.get_mut(slot.child as usize) {
                    n.parent = middle;
                }
                let (head, rest) = label.split_at(common.min(label.len()));
                let rest = rest.get(1..).unwrap_or_default();
                // The path to the end of the rest's first segment.
                let mut to = path
                    .get(
                        ..ends
                            .get((s + shared).saturating_sub(1))
                            .map_or(0, |&(_, e)| e),
                    )
                    .unwrap_or_default()
                    .to_vec();
                to.push(b'/');
                to.extend(rest.iter().take_while(|&&b| b != b'/'));
                let rest_hash = under(root, chain(CHAIN_START, &to));
                let head_words = self.store_label(head);
                let head_len = Self::label_len(head, HAS_CHILDREN);
                if let Some(edge) = self.slots.get_mut(i) {
                    edge.child = middle;
                    edge.len = head_len;
                    edge.label = head_words;
                }
                self.add_edge(middle, slot.child, rest_hash, rest, slot.len & HAS_CHILDREN);
                node = middle;
            } else {
                node = slot.child;
            }
            from = Some(i);
            // At least the first segment is shared (`edge_slot` found it).
            s += shared.max(1);
        }
        self.scratch = (ends, label);
        node
    }

    /// Where the walk down the trie from `root` along the segments of
    /// `key` ends.
    #[inline]
    pub(crate) fn deepest(&self, root: u32, key: &PathKey<'_>) -> Reached {
        let bytes = key.path.as_bytes();
        let rest = bytes.get(1..).unwrap_or_default();
        let mut node = root;
        let mut last: Option<&Slot> = None;
        // Where the next segment starts.
        let mut start = 1;
        // Hashes the prefixes probed, each whole word once.
        let mut hasher = PrefixHasher::new(rest);
        // The path `/` has no segment: its node is the root.
        let whole = rest.is_empty()
            || loop {
                if start > bytes.len() {
                    break true;
                }
                let hash = hasher.up_to(key.segment_end(start - 1));
                let Some(slot) = self.edge(node, under(root, hash), bytes, start) else {
                    break false;
                };
                let end = start + (slot.len & LABEL_LEN) as usize;
                node = slot.child;
                last = Some(slot);
                if end >= bytes.len() {
                    break true;
                }
                // A node without children ends the walk: probing for the
                // next segment would only miss (and cost a cache miss).
                if slot.len & HAS_CHILDREN == 0 {
                    break false;
                }
                start = end + 1;
            };
        match last {
            Some(slot) => Reached {
                #[cfg(test)]
                node,
                parent: slot.parent,
                whole,
                lists: slot.lists,
                up_regex: slot.len & UP_REGEX != 0,
                up_prefix: slot.len & UP_PREFIX != 0,
            },
            None => Reached {
                #[cfg(test)]
                node,
                parent: NONE,
                whole,
                lists: self
                    .nodes
                    .get(root as usize)
                    .map(|n| n.lists)
                    .unwrap_or_default(),
                up_regex: false,
                up_prefix: false,
            },
        }
    }

    /// Bytes of label text stored (inline or not).
    pub(crate) fn text_len(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.parent != NONE)
            .map(|s| (s.len & LABEL_LEN) as usize)
            .sum()
    }

    /// For each node, [`UP_REGEX`] and [`UP_PREFIX`] when a node above it
    /// has such entries.
    fn lists_above(&self) -> Vec<u32> {
        const UNKNOWN: u32 = u32::MAX;
        let own = |n: &Node| {
            let mut flags = 0;
            if !n.lists.regex.is_empty() {
                flags |= UP_REGEX;
            }
            if !n.lists.prefix.is_empty() {
                flags |= UP_PREFIX;
            }
            flags
        };
        let mut above = vec![UNKNOWN; self.nodes.len()];
        let mut chain = Vec::new();
        for start in 0..self.nodes.len() {
            // Climb to a node whose flags are known, or to a root, then set
            // the flags on the way back down.
            let mut n = start;
            while above.get(n) == Some(&UNKNOWN) {
                chain.push(n);
                match self.nodes.get(n) {
                    Some(node) if node.parent != NONE => n = node.parent as usize,
                    _ => break,
                }
            }
            while let Some(m) = chain.pop() {
                let parent = self.nodes.get(m).map_or(NONE, |node| node.parent) as usize;
                let flags = match (self.nodes.get(parent), above.get(parent)) {
                    (Some(p), Some(&up)) if up != UNKNOWN => own(p) | up,
                    _ => 0,
                };
                if let Some(slot) = above.get_mut(m) {
                    *slot = flags;
                }
            }
        }
        above
    }

    /// Copies each node's entry lists into the slot of the edge to it,
    /// marks which lists the nodes above it have, and trims spare capacity.
    /// Called once, when every list is in place.
    pub(crate) fn finish(&mut self) {
        let above = self.lists_above();
        for slot in &mut self.slots {
            if let Some(n) = self.nodes.get(slot.child as usize) {
                slot.lists = n.lists;
            }
            if let Some(&up) = above.get(slot.child as usize) {
                slot.len = (slot.len & !(UP_REGEX | UP_PREFIX)) | up;
            }
        }
        self.scratch = Default::default();
        self.nodes.shrink_to_fit();
        self.text.shrink_to_fit();
    }
}

/// `count` strings of `prefix` and up to 19 pieces of `alphabet`, from a
/// fixed seed, for tests that check a word-at-a-time scan against a byte
/// rule.
#[cfg(test)]
pub(crate) fn random_strings(
    mut seed: u64,
    alphabet: &[&str],
    prefix: &str,
    count: usize,
) -> Vec<String> {
    let pieces = alphabet.len() as u64;
    (0..count)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut raw = String::from(prefix);
            let mut s = seed;
            for _ in 0..seed % 20 {
                raw.push_str(alphabet[(s % pieces) as usize]);
                s /= pieces;
                if s == 0 {
                    s = seed.rotate_left(17) | 1;
                }
            }
            raw
        })
        .collect()
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

    impl<T> HostIndex<T> {
        /// [`find_map_name`](Self::find_map_name) for a host not yet
        /// hashed.
        fn find_map<'s, R>(&'s self, host: &str, f: impl FnMut(&'s T) -> Option<R>) -> Option<R> {
            self.find_map_name(&HostName::new(host), f)
        }

        /// [`best_name`](Self::best_name) for a host not yet hashed.
        fn best(&self, host: &str) -> Option<&T> {
            self.find_map(host, Some)
        }
    }

    #[test]
    fn host_candidates_visit_exact_then_longer_wildcards_then_any() {
        let index = index(&[
            None,
            Some("*.example.com"),
            Some("a.b.example.com"),
            Some("*.b.example.com"),
        ]);
        let all = |host: &str| {
            let mut got = Vec::new();
            index.find_map(host, |v| {
                got.push(*v);
                None::<()>
            });
            got
        };
        assert_eq!(all("a.b.example.com"), vec![2, 3, 1, 0]);
        assert_eq!(all("example.com"), vec![0]);
        assert_eq!(all("x.example.com"), vec![1, 0]);
    }

    #[test]
    fn first_insert_wins() {
        let mut index = HostIndex::default();
        assert!(index.insert_first(&HostKey::of(Some("a.com")), 1));
        assert!(!index.insert_first(&HostKey::of(Some("A.com")), 2));
        assert_eq!(index.best("a.com"), Some(&1));
    }

    impl Trie {
        /// The node a walk reaches and whether it is the whole path.
        fn at(&self, root: u32, key: &PathKey<'_>) -> (u32, bool) {
            let r = self.deepest(root, key);
            (r.node, r.whole)
        }

        /// The parent of a node.
        fn parent(&self, node: u32) -> u32 {
            self.nodes[node as usize].parent
        }
    }

    #[test]
    fn an_edge_spans_a_chain_of_segments_and_splits_where_paths_part() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let abcd = trie.insert(root, ["a", "b", "c", "d"].into_iter());
        // One edge: the root and the node of `/a/b/c/d`.
        assert_eq!(trie.nodes.len(), 2);
        let walk = |trie: &Trie, path: &str| trie.at(root, &PathKey::new(path));
        assert_eq!(walk(&trie, "/a/b/c/d"), (abcd, true));
        assert_eq!(walk(&trie, "/a/b/c/d/e"), (abcd, false));
        assert_eq!(walk(&trie, "/a/b/c"), (root, false));
        assert_eq!(walk(&trie, "/a/b/c/dd"), (root, false));
        assert_eq!(walk(&trie, "/a/b/cd"), (root, false));
        // A path ending inside the edge splits it.
        let ab = trie.insert(root, ["a", "b"].into_iter());
        assert_eq!(trie.parent(abcd), ab);
        assert_eq!(trie.parent(ab), root);
        assert_eq!(walk(&trie, "/a/b/c/d"), (abcd, true));
        assert_eq!(walk(&trie, "/a/b/c"), (ab, false));
        assert_eq!(walk(&trie, "/a/b"), (ab, true));
        assert_eq!(walk(&trie, "/a/b/"), (ab, false));
        // A path leaving the edge splits it and adds an edge.
        let ax = trie.insert(root, ["a", "x", "y"].into_iter());
        let a = trie.parent(ab);
        assert_eq!(trie.parent(ax), a);
        assert_eq!(trie.parent(a), root);
        assert_eq!(walk(&trie, "/a/x/y"), (ax, true));
        assert_eq!(walk(&trie, "/a/x"), (a, false));
        assert_eq!(walk(&trie, "/a"), (a, true));
        assert_eq!(walk(&trie, "/a/b/c/d"), (abcd, true));
        // Inserting existing paths finds their nodes.
        let nodes = trie.nodes.len();
        assert_eq!(trie.insert(root, ["a", "b", "c", "d"].into_iter()), abcd);
        assert_eq!(trie.insert(root, ["a"].into_iter()), a);
        assert_eq!(trie.insert(root, ["a", "x", "y"].into_iter()), ax);
        assert_eq!(trie.nodes.len(), nodes);
        // An empty segment is a segment.
        let slash = trie.insert(root, ["a", "b", ""].into_iter());
        assert_eq!(walk(&trie, "/a/b/"), (slash, true));
        assert_eq!(walk(&trie, "/a/b//c"), (slash, false));
        assert_eq!(walk(&trie, "/a/b/c/d"), (abcd, true));
    }

    #[test]
    fn long_labels_are_kept_out_of_line_and_split_there() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let long = ["abcdefghijklmnop", "qrstuvwxyz0123456789", "x"];
        let end = trie.insert(root, long.into_iter());
        let walk = |trie: &Trie, path: &str| trie.at(root, &PathKey::new(path));
        let path = format!("/{}", long.join("/"));
        assert_eq!(walk(&trie, &path), (end, true));
        assert_eq!(walk(&trie, &path.replace('z', "Z")), (root, false));
        let mid = trie.insert(root, long[..2].iter().copied());
        assert_eq!(trie.parent(end), mid);
        assert_eq!(walk(&trie, &path), (end, true));
        assert_eq!(
            walk(&trie, &format!("/{}/{}", long[0], long[1])),
            (mid, true)
        );
        assert_eq!(
            walk(&trie, &format!("/{}/{}/y", long[0], long[1])),
            (mid, false)
        );
        // The labels, without the leading `/` and the one where they part.
        assert_eq!(trie.text_len(), path.len() - 2);
    }

    #[test]
    fn edges_past_the_marked_bytes_are_found() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        // Longer than the bytes a key marks the `/`s of.
        let deep: Vec<String> = (0..10).map(|i| format!("segment{i}")).collect();
        let with = |last: &[&'static str]| {
            deep.iter()
                .map(String::as_str)
                .chain(last.iter().copied())
                .collect::<Vec<_>>()
        };
        let a = trie.insert(root, with(&["a", "b"]).into_iter());
        let c = trie.insert(root, with(&["c"]).into_iter());
        let mid = trie.parent(a);
        assert_eq!(trie.parent(c), mid);
        let base = format!("/{}", deep.join("/"));
        for (path, want) in [
            (format!("{base}/a/b"), (a, true)),
            (format!("{base}/a/b/z"), (a, false)),
            (format!("{base}/a"), (mid, false)),
            (format!("{base}/c"), (c, true)),
            (base.clone(), (mid, true)),
            (format!("{base}/d"), (mid, false)),
        ] {
            assert_eq!(trie.at(root, &PathKey::new(&path)), want, "{path}");
            let mut key = PathKey::empty("/");
            assert!(PathKey::normal_into(&path, &mut key));
            assert_eq!(trie.at(root, &key), want, "{path}");
        }
    }

    #[test]
    fn finish_copies_each_nodes_lists_to_its_edge() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let ab = trie.insert(root, ["a", "b"].into_iter());
        let a = trie.insert(root, ["a"].into_iter());
        let lists = |n: u32| Lists {
            exact: Span {
                start: n,
                end: n + 1,
            },
            ..Lists::default()
        };
        for node in [root, a, ab] {
            trie.nodes[node as usize].lists = lists(node);
        }
        trie.finish();
        let r = trie.deepest(root, &PathKey::new("/a/b"));
        assert_eq!(
            (r.node, r.parent, r.whole, r.lists),
            (ab, a, true, lists(ab))
        );
        let up: Vec<Lists> = r.ancestors(&trie).collect();
        assert_eq!(up, [lists(ab), lists(a), lists(root)]);
        let r = trie.deepest(root, &PathKey::new("/x"));
        assert_eq!(
            (r.node, r.parent, r.whole, r.lists),
            (root, NONE, false, lists(root))
        );
        assert!(!r.up_regex && !r.up_prefix);
    }

    #[test]
    fn edges_say_which_lists_the_nodes_above_have() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let abc = trie.insert(root, ["a", "b", "c"].into_iter());
        let a = trie.insert(root, ["a"].into_iter());
        let x = trie.insert(root, ["x"].into_iter());
        let ab = trie.insert(root, ["a", "b"].into_iter());
        let span = Span { start: 0, end: 1 };
        trie.nodes[root as usize].lists.regex = span;
        trie.nodes[a as usize].lists.prefix = span;
        trie.nodes[abc as usize].lists.prefix = span;
        trie.finish();
        let up = |path: &str| {
            let r = trie.deepest(root, &PathKey::new(path));
            (r.node, r.up_regex, r.up_prefix)
        };
        assert_eq!(up("/a"), (a, true, false));
        assert_eq!(up("/a/b"), (ab, true, true));
        assert_eq!(up("/a/b/c"), (abc, true, true));
        assert_eq!(up("/x"), (x, true, false));
        assert_eq!(up("/y"), (root, false, false));
    }

    #[test]
    fn trie_finds_the_deepest_existing_node() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let ab = trie.insert(root, ["a", "b"].into_iter());
        let a = trie.insert(root, ["a"].into_iter());
        let slash = trie.insert(root, ["a", ""].into_iter());
        let walk = |root: u32, path: &str| trie.at(root, &PathKey::new(path));
        assert_eq!(walk(root, "/a/b/c"), (ab, false));
        assert_eq!(walk(root, "/a/b"), (ab, true));
        assert_eq!(walk(root, "/a/bc"), (a, false));
        assert_eq!(walk(root, "/a"), (a, true));
        assert_eq!(walk(root, "/a/"), (slash, true));
        assert_eq!(walk(root, "/"), (root, true));
        assert_eq!(walk(root, "/x/a/b"), (root, false));
        // `/a/` has no children: the walk stops there.
        assert_eq!(walk(root, "/a//x"), (slash, false));
        let other = trie.add_root();
        assert_eq!(trie.at(other, &PathKey::new("/a/b")), (other, false));
    }

    #[test]
    fn the_walk_stops_at_a_node_without_children() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let a = trie.insert(root, ["a"].into_iter());
        assert_eq!(trie.at(root, &PathKey::new("/a/b")), (a, false));
        // `/a` gains a child after it was created as a leaf.
        let abc = trie.insert(root, ["a", "b", "c"].into_iter());
        let ab = trie.insert(root, ["a", "b"].into_iter());
        let walk = |path: &str| trie.at(root, &PathKey::new(path));
        assert_eq!(walk("/a"), (a, true));
        assert_eq!(walk("/a/b"), (ab, true));
        assert_eq!(walk("/a/b/"), (ab, false));
        assert_eq!(walk("/a/b/c"), (abc, true));
        assert_eq!(walk("/a/b/c/d"), (abc, false));
        assert_eq!(walk("/a/b/c/"), (abc, false));
    }

    #[test]
    fn deep_paths_walk_past_the_marked_bytes() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let deep: Vec<String> = (0..40).map(|i| format!("s{i}")).collect();
        let end = trie.insert(root, deep.iter().map(String::as_str));
        let path = format!("/{}", deep.join("/"));
        assert_eq!(trie.at(root, &PathKey::new(&path)), (end, true));
        assert_eq!(
            trie.at(root, &PathKey::new(&format!("{path}/more"))),
            (end, false)
        );
        let mut key = PathKey::empty("/");
        assert!(PathKey::normal_into(&path, &mut key));
        assert_eq!(trie.at(root, &key), (end, true));
    }

    #[test]
    fn the_normal_key_agrees_with_normalisation() {
        use crate::path::{NormalizeOptions, normalize_path};
        let merge = NormalizeOptions::new().merge_slashes(true);
        for raw in [
            "/", "/a/b", "/a/b/", "/a//b", "/a/./b", "/a/../b", "/a/.b", "/a.b/c.", "/%41", "/a b",
            "", "/~x", "/..", "/a/.", "a",
        ] {
            let mut key = PathKey::empty("/");
            if PathKey::normal_into(raw, &mut key) {
                assert_eq!(
                    normalize_path(raw, NormalizeOptions::new()).as_deref(),
                    Ok(key.path),
                    "{raw}"
                );
                assert_eq!(normalize_path(raw, merge).as_deref(), Ok(key.path), "{raw}");
                assert_eq!(key.slashes, PathKey::new(raw).slashes, "{raw}");
            }
        }
    }

    #[test]
    fn the_scan_marks_each_slash_and_finds_each_segment_end() {
        for raw in [
            "/a",
            "/abcdefg",
            "/abcdefgh",
            "/abcdefg/",
            "/abcdefgh/",
            "/abcdefghijklmno/p",
            "/abcdefghijklmnop/q/",
            "/a/b/c/d/e/f/g/h/i/j",
            "/svc1234/api/users/42",
            "/x/abcdefghijklmnopqrstuvwxyz/y",
            "/abcdefghijklmnopqrstuvwxyz/abcdefghijklmnopqrstuvwxyz/abcdefghij/k/l",
            "/abcdefghijklmnopqrstuvwxyz/abcdefghijklmnopqrstuvwxyz/abcdefghijk/l/",
            "/abcdefghijklmnopqrstuvwxyz/abcdefghijklmnopqrstuvwxyz/abcdefghijkl",
        ] {
            let mut key = PathKey::empty("/");
            assert!(PathKey::normal_into(raw, &mut key), "{raw}");
            let rest = &raw.as_bytes()[1..];
            let mut bits = 0u64;
            for (i, &b) in rest.iter().enumerate().take(KEY_BYTES) {
                bits |= u64::from(b == b'/') << i;
            }
            assert_eq!(key.slashes, bits, "{raw}");
            // Every segment's end, by the key and by a byte search.
            let mut start = 0;
            for segment in rest.split(|&b| b == b'/') {
                assert_eq!(key.segment_end(start), start + segment.len(), "{raw}");
                start += segment.len() + 1;
            }
        }
    }

    #[test]
    fn prefix_hasher_agrees_with_hashing_each_prefix() {
        let text = b"abcdefg/abcdefgh/i/jklmnopqrstuvwxyz/0123456/";
        let mut hasher = PrefixHasher::new(text);
        for end in 0..=text.len() {
            assert_eq!(hasher.up_to(end), prefix_hash(&text[..end]), "{end}");
        }
    }

    #[test]
    fn the_word_scan_agrees_with_a_byte_scan() {
        // The byte-at-a-time rule the word scan implements.
        let by_bytes = |raw: &str| {
            let rest = raw.as_bytes().get(1..).unwrap_or_default();
            raw.starts_with('/')
                && rest.iter().all(|&b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~' | b'.' | b'/')
                })
                && !raw.contains("//")
                && !raw.contains("/.")
        };
        let alphabet = [
            "a", "Z", "0", "9", "/", ".", "-", "_", "~", "%", " ", "é", "?", "`", "{", "@", ":",
            "\u{7f}",
        ];
        for raw in random_strings(7, &alphabet, "/", 20_000) {
            let mut key = PathKey::empty("/");
            assert_eq!(
                PathKey::normal_into(&raw, &mut key),
                by_bytes(&raw),
                "{raw:?}"
            );
        }
        for raw in [
            "/",
            "/abcdefg/",
            "/abcdefg/.",
            "/abcdefgh/.x",
            "/abcdefg//",
            "/a~z/A-Z_09",
        ] {
            let mut key = PathKey::empty("/");
            assert_eq!(
                PathKey::normal_into(raw, &mut key),
                by_bytes(raw),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn the_child_table_grows_and_keeps_every_edge() {
        let mut trie = Trie::default();
        let root = trie.add_root();
        let names: Vec<String> = (0..1000).map(|i| format!("s{i}")).collect();
        let ids: Vec<u32> = names
            .iter()
            .map(|n| trie.insert(root, [n.as_str()].into_iter()))
            .collect();
        for (n, id) in names.iter().zip(&ids) {
            assert_eq!(
                trie.at(root, &PathKey::new(&format!("/{n}/x"))),
                (*id, false)
            );
        }
        assert_eq!(segments("/").count(), 0);
        assert_eq!(segments("/a/").collect::<Vec<_>>(), ["a", ""]);
    }

    #[test]
    fn hasher_distinguishes_lengths_and_tails() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let b = BuildHasherDefault::<FastHasher>::default();
        assert_ne!(b.hash_one("a"), b.hash_one("a\0"));
        assert_ne!(b.hash_one("abcdefgh"), b.hash_one("abcdefgh\0"));
        assert_ne!(b.hash_one("abcdefghi"), b.hash_one("abcdefghj"));
        assert_ne!(b.hash_one("ab"), b.hash_one("ba"));
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000 {
            assert!(seen.insert(b.hash_one(format!("s{i}"))));
        }
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
        for (a, b) in [
            ("abcdefghijk", "abcdefghijx"),
            ("abcde", "abxde"),
            ("ab", "ax"),
            ("a", "b"),
        ] {
            assert!(same_bytes(a.as_bytes(), a.as_bytes()));
            assert!(!same_bytes(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
    }
}
