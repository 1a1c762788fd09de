//! The index of findings by `findingArn`: for each distinct ARN, a 128-bit hash of it and
//! its winning occurrence (where it is, and its `updatedAt`), in at most 48 bytes.
//!
//! # Layout
//!
//! An entry is 32 bytes (the hash, the occurrence's place and its `updatedAt`), plus what
//! a comparison keeps of the finding ([`Entry::payload`], 8 bytes). The entries live in one
//! vector sorted by hash, found through a directory of the hash's top bits (one `u32` per
//! four entries: a lookup reads a few neighbouring entries). New ARNs go to a small hash
//! table first, and are merged into the sorted vector (from its end, in place) whenever
//! the table holds an eighth as many as the vector (a sixteenth with a payload). The
//! vector grows by exactly what is merged. So the index holds, for each distinct finding:
//! its entry, a quarter of a `u32` of directory, and at most an eighth (a sixteenth) of a
//! table slot (a slot is an entry and a control byte, and a table is at least 7/16 full)
//! and of a merge's scratch: under 48 bytes in all, whatever the input (once past 32,768
//! findings, 65,536 with a payload; below that the table's first 4,096 slots, 270 KB or
//! 340 KB, weigh more). A hash table
//! alone would need up to twice its entries' size after it grows. (A vector that grows may
//! be copied by the allocator, which holds the old and the new one for the time of the
//! copy.) The `index` bench measures both kinds for 1 million findings.

use crate::limits::Limits;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

/// A 128-bit hash of a `findingArn`: two ARNs with the same key are taken for the same
/// finding (with 10^8 findings, the odds of a false match are about 10^-23).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ArnKey {
    hi: u64,
    lo: u64,
}

/// A key is already a hash: the tables take its high half as it is.
impl Hash for ArnKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.hi);
    }
}

/// The hasher of the table of new keys: the key's own bits.
#[derive(Default)]
struct KeyBits(u64);

impl Hasher for KeyBits {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Hashes ARNs into keys, and the compared members of a finding into a digest, with keys
/// drawn at random for each run (SipHash-1-3): an input cannot be crafted to collide.
#[derive(Clone, Debug)]
pub struct KeyHasher {
    hi: RandomState,
    lo: RandomState,
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher {
            hi: RandomState::new(),
            lo: RandomState::new(),
        }
    }
}

impl KeyHasher {
    /// The key of the ARN `text`.
    pub fn key(&self, text: &str) -> ArnKey {
        ArnKey {
            hi: self.hi.hash_one(text),
            lo: self.lo.hash_one(text),
        }
    }

    /// A 64-bit digest of `bytes`.
    pub fn digest(&self, bytes: &[u8]) -> u64 {
        self.hi.hash_one(bytes)
    }
}

/// Where an occurrence is: its input's number (24 bits) and its index in that input (40
/// bits), in one `u64` that orders as the input does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place(u64);

impl Place {
    /// Inputs one index tells apart: 16,777,216.
    pub const MAX_INPUTS: usize = 1 << 24;
    /// Items of one input one index tells apart: 2^40.
    pub const MAX_ITEMS: u64 = 1 << 40;

    /// Item `index` of input `input`; `None` beyond [`Place::MAX_INPUTS`] or
    /// [`Place::MAX_ITEMS`].
    pub fn new(input: usize, index: u64) -> Option<Place> {
        (input < Place::MAX_INPUTS && index < Place::MAX_ITEMS)
            .then_some(Place(((input as u64) << 40) | index))
    }
}

/// One distinct finding: its key, where its winning occurrence is and when that was
/// updated, and what the index's user keeps of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Entry<P> {
    /// The ARN's key.
    pub key: ArnKey,
    /// The winning occurrence's `updatedAt`, epoch milliseconds; `i64::MIN` when it has
    /// none (or none that is a timestamp), which is less than any.
    pub updated: i64,
    /// Where the winning occurrence is.
    pub place: Place,
    /// What the user keeps of the winning occurrence.
    pub payload: P,
}

/// The value the table of new keys keeps for a key: the rest of its entry.
#[derive(Clone, Copy)]
struct Rest<P> {
    updated: i64,
    place: Place,
    payload: P,
}

/// The fewest new keys the table takes before a merge: merging a few entries into a large
/// vector would move all of it for little.
const MIN_PENDING: usize = 4096;

/// Entries per directory slot, on average.
const PER_SLOT: usize = 4;

/// Distinct findings by the key of their ARN, each with its winning occurrence: the one
/// with the greatest `updatedAt`, the later one on a tie (offers come in input order).
#[derive(Debug)]
pub struct ArnIndex<P> {
    /// Entries with distinct keys, sorted by key.
    sorted: Vec<Entry<P>>,
    /// `directory[s]` is the first entry of `sorted` whose key's top `bits` bits are `s` or
    /// more; one more slot at the end holds `sorted.len()`.
    directory: Vec<u32>,
    bits: u32,
    /// New keys, not yet in `sorted`.
    pending: HashMap<ArnKey, RestOf<P>, BuildHasherDefault<KeyBits>>,
    /// Findings without an ARN counted against the limit ([`ArnIndex::count_unnamed`]).
    unnamed: usize,
    limit: usize,
}

/// [`Rest`], with the `Debug` the index derives.
struct RestOf<P>(Rest<P>);

impl<P> std::fmt::Debug for RestOf<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rest")
    }
}

/// More distinct findings than the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full {
    /// The limit.
    pub limit: usize,
}

impl<P: Copy + Default> ArnIndex<P> {
    /// The table of new keys is merged when it holds this fraction of the sorted entries:
    /// an eighth, or a sixteenth when entries carry a payload (a comparison's index), whose
    /// larger slots and merge scratch would otherwise pass 48 bytes a finding.
    const PENDING_SHARE: usize = if std::mem::size_of::<P>() == 0 { 8 } else { 16 };

    /// An empty index of at most `limits.max_indexed_findings` distinct findings (and at
    /// most `u32::MAX`, which the directory counts in).
    pub fn new(limits: &Limits) -> ArnIndex<P> {
        ArnIndex {
            sorted: Vec::new(),
            directory: vec![0, 0],
            bits: 0,
            pending: HashMap::default(),
            unnamed: 0,
            limit: limits.max_indexed_findings.min(u32::MAX as usize),
        }
    }

    /// Distinct findings so far.
    pub fn len(&self) -> usize {
        self.sorted.len() + self.pending.len()
    }

    /// True when no finding was offered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Offers an occurrence of the finding `key`; it wins over the one held unless that
    /// was updated later. Offers must come in input order.
    pub fn offer(
        &mut self,
        key: ArnKey,
        updated: i64,
        place: Place,
        payload: P,
    ) -> Result<(), Full> {
        let rest = Rest {
            updated,
            place,
            payload,
        };
        if let Some(held) = self.pending.get_mut(&key) {
            if updated >= held.0.updated {
                held.0 = rest;
            }
            return Ok(());
        }
        if let Some(i) = self.position(key) {
            let held = &mut self.sorted[i];
            if updated >= held.updated {
                (held.updated, held.place, held.payload) = (updated, place, payload);
            }
            return Ok(());
        }
        self.count_new()?;
        self.pending.insert(key, RestOf(rest));
        if self.pending.len() >= MIN_PENDING.max(self.sorted.len() / Self::PENDING_SHARE) {
            self.merge();
        }
        Ok(())
    }

    /// Counts a finding without an ARN against the limit: it is never matched, so the
    /// caller keeps it apart, but it is one more distinct finding.
    pub fn count_unnamed(&mut self) -> Result<(), Full> {
        self.count_new()?;
        self.unnamed += 1;
        Ok(())
    }

    fn count_new(&self) -> Result<(), Full> {
        match self.len() + self.unnamed >= self.limit {
            true => Err(Full { limit: self.limit }),
            false => Ok(()),
        }
    }

    /// Merges the new keys into the sorted entries: the index is complete, and
    /// [`ArnIndex::get`] and [`ArnIndex::entries`] see every finding.
    pub fn finish(&mut self) {
        if !self.pending.is_empty() {
            self.merge();
        }
        // No key comes after: the table's room is let go.
        self.pending = HashMap::default();
    }

    /// The entry of `key` and its position among [`ArnIndex::entries`], once finished.
    pub fn get(&self, key: ArnKey) -> Option<(usize, &Entry<P>)> {
        self.position(key).map(|i| (i, &self.sorted[i]))
    }

    /// Every finding, in the order of their keys (after [`ArnIndex::finish`]).
    pub fn entries(&self) -> &[Entry<P>] {
        &self.sorted
    }

    /// The entries, for the caller to keep in another order (after
    /// [`ArnIndex::finish`]).
    pub fn into_entries(self) -> Vec<Entry<P>> {
        self.sorted
    }

    /// Bytes the index holds on the heap now: its entries, its directory and its table of
    /// new keys (each slot a key and the rest of an entry, plus a control byte).
    pub fn heap_bytes(&self) -> usize {
        let slot = std::mem::size_of::<(ArnKey, RestOf<P>)>() + 1;
        self.sorted.capacity() * std::mem::size_of::<Entry<P>>()
            + self.directory.capacity() * 4
            + self.pending.capacity() * slot * 8 / 7
    }

    fn slot(&self, key: ArnKey) -> usize {
        match self.bits {
            0 => 0,
            b => (key.hi >> (64 - b)) as usize,
        }
    }

    fn position(&self, key: ArnKey) -> Option<usize> {
        let s = self.slot(key);
        let (from, to) = (self.directory[s] as usize, self.directory[s + 1] as usize);
        self.sorted[from..to]
            .binary_search_by(|e| e.key.cmp(&key))
            .ok()
            .map(|i| from + i)
    }

    /// Moves the new keys into the sorted vector, merging from its end so that nothing
    /// is moved twice and no second vector is needed, and rebuilds the directory.
    fn merge(&mut self) {
        let mut new: Vec<Entry<P>> = self
            .pending
            .drain()
            .map(|(key, RestOf(r))| Entry {
                key,
                updated: r.updated,
                place: r.place,
                payload: r.payload,
            })
            .collect();
        new.sort_unstable_by_key(|e| e.key);
        let old = self.sorted.len();
        self.sorted.reserve_exact(new.len());
        self.sorted.resize(old + new.len(), Entry::default());
        let (mut i, mut j, mut k) = (old, new.len(), old + new.len());
        while j > 0 {
            k -= 1;
            if i > 0 && self.sorted[i - 1].key > new[j - 1].key {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[k] = new[j - 1];
                j -= 1;
            }
        }
        drop(new);
        self.rebuild_directory();
    }

    fn rebuild_directory(&mut self) {
        let slots = (self.sorted.len() / PER_SLOT).max(1);
        self.bits = (usize::BITS - 1 - slots.leading_zeros()).min(32);
        let n = 1usize << self.bits;
        self.directory.clear();
        self.directory.reserve_exact(n + 1);
        for (i, e) in self.sorted.iter().enumerate() {
            let s = match self.bits {
                0 => 0,
                b => (e.key.hi >> (64 - b)) as usize,
            };
            while self.directory.len() <= s {
                self.directory.push(i as u32);
            }
        }
        while self.directory.len() <= n {
            self.directory.push(self.sorted.len() as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(i: u64) -> Place {
        Place::new(0, i).unwrap()
    }

    #[test]
    fn the_latest_update_wins_and_the_later_on_a_tie() {
        let h = KeyHasher::default();
        let mut ix: ArnIndex<u8> = ArnIndex::new(&Limits::default());
        let (a, b) = (h.key("arn:a"), h.key("arn:b"));
        ix.offer(a, 5, place(0), 1).unwrap();
        ix.offer(b, i64::MIN, place(1), 2).unwrap();
        ix.offer(a, 3, place(2), 3).unwrap();
        ix.offer(b, i64::MIN, place(3), 4).unwrap();
        ix.offer(a, 5, place(4), 5).unwrap();
        ix.finish();
        assert_eq!(ix.len(), 2);
        assert_eq!(ix.get(a).unwrap().1.place, place(4));
        assert_eq!(ix.get(a).unwrap().1.payload, 5);
        assert_eq!(ix.get(b).unwrap().1.place, place(3));
        assert!(ix.get(h.key("arn:c")).is_none());
    }

    /// Many merges, with repeats of keys that sit in the sorted part and in the table: the
    /// index holds each key once, with its last offer, and stays under 48 bytes a key.
    #[test]
    fn merges_keep_every_key_once_and_memory_bounded() {
        merges_with(());
        // A comparison's index: 8 bytes more an entry.
        merges_with(u64::MAX);
    }

    fn merges_with<P: Copy + Default + PartialEq + std::fmt::Debug>(payload: P) {
        let h = KeyHasher::default();
        let mut ix: ArnIndex<P> = ArnIndex::new(&Limits::default());
        let n = 100_000u64;
        for round in 0..3u64 {
            for i in 0..n {
                if round == 0 || i % 7 == round {
                    let key = h.key(&format!("arn:{i}"));
                    ix.offer(key, 0, place(round * n + i), payload).unwrap();
                    assert!(
                        ix.heap_bytes()
                            <= 48 * ix.len().max(MIN_PENDING * ArnIndex::<P>::PENDING_SHARE),
                        "{} bytes for {} (sorted cap {} len {}, pending cap {} len {}, dir {})",
                        ix.heap_bytes(),
                        ix.len(),
                        ix.sorted.capacity(),
                        ix.sorted.len(),
                        ix.pending.capacity(),
                        ix.pending.len(),
                        ix.directory.capacity()
                    );
                }
            }
        }
        ix.finish();
        assert_eq!(ix.len(), n as usize);
        let e = ix.entries();
        assert!(e.windows(2).all(|w| w[0].key < w[1].key));
        for i in [0u64, 1, 2, 6, 7, 99_999] {
            let (_, got) = ix.get(h.key(&format!("arn:{i}"))).unwrap();
            let last = (0..3).rev().find(|r| *r == 0 || i % 7 == *r).unwrap();
            assert_eq!(got.place, place(last * n + i), "arn:{i}");
            assert_eq!(got.payload, payload);
        }
        assert!(ix.heap_bytes() <= 48 * n as usize, "{}", ix.heap_bytes());
    }

    #[test]
    fn the_limit_counts_distinct_findings() {
        let h = KeyHasher::default();
        let limits = Limits {
            max_indexed_findings: 3,
            ..Limits::default()
        };
        let mut ix: ArnIndex<()> = ArnIndex::new(&limits);
        for i in 0..3 {
            ix.offer(h.key(&i.to_string()), 0, place(i), ()).unwrap();
        }
        // A repeat is no new finding; a fourth one is, with or without an ARN.
        ix.offer(h.key("0"), 1, place(9), ()).unwrap();
        assert_eq!(
            ix.offer(h.key("3"), 0, place(10), ()),
            Err(Full { limit: 3 })
        );
        assert_eq!(ix.count_unnamed(), Err(Full { limit: 3 }));
        let mut ix: ArnIndex<()> = ArnIndex::new(&limits);
        ix.count_unnamed().unwrap();
        ix.count_unnamed().unwrap();
        ix.offer(h.key("0"), 0, place(0), ()).unwrap();
        assert!(ix.offer(h.key("1"), 0, place(1), ()).is_err());
    }

    #[test]
    fn places_order_as_the_input() {
        assert!(Place::new(0, 5).unwrap() < Place::new(1, 0).unwrap());
        assert!(Place::new(Place::MAX_INPUTS, 0).is_none());
        assert!(Place::new(0, Place::MAX_ITEMS).is_none());
    }
}
