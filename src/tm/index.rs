//! The fuzzy candidate index, kept inside the same database and transaction as the units.
//!
//! For every variant, the distinct token classes of its normalized text (see
//! [`crate::tm::fuzzy::tokenize`]: words for spaced scripts, characters for CJK, numbers as
//! one class) are posted under a 64-bit key of (language, class) in `fz_gram`: one row per
//! key holding the sorted variant ids as varint deltas. Character-matched languages also
//! post each character pair under a key of (language, pair, length bucket of the variant)
//! (schema 4); a pair with [`PAIR_ROW_MIN`] postings or more also has a row of its
//! postings per bucket in `fz_pair` (schema 6), where a lookup reads the frequencies of its
//! pairs without touching the lists. Token unigrams are the grams: the
//! multiset-overlap bound the exact search prunes with is stated on tokens, and measured
//! on the alignment dev corpus the lists stay well under the 2× size budget (README).
//!
//! Imports buffer postings in memory, on a thread of their own (`Buffering`), per gram, as
//! the varint deltas of the on-disk format (variant ids only grow during an import, so
//! appending needs no sort), and write each gram's list once when the import ends
//! ([`on_import_finished`], same transaction), appending to the list already on disk. Past
//! `FLUSH_AT_BYTES` (40 MB) of buffered lists they are spilled to a temporary file and
//! merged in at the end, so an import's memory stays bounded. A write outside an import (no [`on_import_started`]) appends its variant's
//! postings at once. Every write brings the `fz_pair` rows of the pairs it wrote up to
//! date, in the same transaction.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::Result;
use crate::lang::Lang;
use crate::tm::fuzzy::tokenize::{FNV64, Granularity, for_each_token, granularity, hash64};

/// Bytes of buffered posting lists (with a per-gram allowance for the map) past which they
/// are spilled to a temporary file ([`spill`]) before the import ends. Issue 2: an import
/// stays under 256 MB whatever the file size. The allocator holds about twice what is
/// counted here: with 64 MB, the TMX export of the lookup benchmark's 1M memory (real
/// text) peaked at 231-251 MB (and at 262 MB once schema 10 kept the variants' hashes
/// too); with 40 MB at 183-192 MB, in the same time (1M bench import, 5 interleaved runs
/// each: 4.95-6.11 s against 4.88-5.31 s).
const FLUSH_AT_BYTES: usize = 40 << 20;

#[cfg(test)]
thread_local! {
    /// [`FLUSH_AT_BYTES`] in tests, which lower it to spill often.
    static TEST_FLUSH_AT: std::cell::Cell<usize> = const { std::cell::Cell::new(FLUSH_AT_BYTES) };
}

/// [`FLUSH_AT_BYTES`] ([`TEST_FLUSH_AT`] in tests).
fn flush_at_bytes() -> usize {
    #[cfg(test)]
    return TEST_FLUSH_AT.with(|f| f.get());
    #[cfg(not(test))]
    FLUSH_AT_BYTES
}

/// What a gram's entry in the buffer costs besides its bytes (map slot, `Vec` header, the
/// allocator's rounding), for the memory bound.
const GRAM_OVERHEAD: usize = 64;

/// One gram's postings buffered during an import: the [`encode`]d list of the new ids, its
/// first delta taken from 0 (re-based on the list on disk when written).
#[derive(Default)]
struct GramBuf {
    n: u32,
    last: u32,
    /// An id arrived that was not above `last` (ids reused after a deletion): the list
    /// must be decoded, sorted and de-duplicated before it is written.
    unsorted: bool,
    bytes: Vec<u8>,
}

impl GramBuf {
    /// Append one posting. The common case (the list in order, the id 1 to 127 above the
    /// last one) is inlined into the caller's loop as one two-byte append; the rest is a
    /// call. With both in one function it was not inlined, and its prologue and epilogue
    /// were a third of its 44 instructions a posting (callgrind, ~100 postings a unit).
    #[inline(always)]
    fn push(&mut self, vid: u32, len: u8) {
        let delta = vid.wrapping_sub(self.last);
        if self.n > 0 && !self.unsorted && delta.wrapping_sub(1) < 0x7f {
            self.bytes.extend_from_slice(&[delta as u8, len]);
            self.n += 1;
            self.last = vid;
        } else {
            self.push_other(vid, len);
        }
    }

    /// [`push`](Self::push) of a first posting, a repeat, a long delta or an id out of order.
    #[inline(never)]
    fn push_other(&mut self, vid: u32, len: u8) {
        if self.n > 0 && vid == self.last {
            // The variant's key again (its token or pair repeats): `last` is the largest
            // id posted, so this one is in the list already.
            return;
        }
        if self.n > 0 && vid <= self.last && !self.unsorted {
            self.make_absolute();
        }
        let delta = if self.unsorted || self.n == 0 { vid } else { vid - self.last };
        push_varint(&mut self.bytes, delta);
        self.bytes.push(len);
        self.n += 1;
        self.last = self.last.max(vid);
    }

    /// Rare (ids reused after a deletion): from here on the list holds absolute ids,
    /// sorted when it is written.
    #[cold]
    fn make_absolute(&mut self) {
        let mut pairs = Vec::with_capacity(self.n as usize);
        decode_into(&self.bytes, |v, l| pairs.push((v, l)));
        self.bytes.clear();
        for (v, l) in pairs {
            push_varint(&mut self.bytes, v);
            self.bytes.push(l);
        }
        self.unsorted = true;
    }

    /// Append the postings of `next`, buffered after these (a spilled run, then the next).
    fn append(&mut self, next: GramBuf) {
        if next.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = next;
            return;
        }
        let first = first_id(&next.bytes);
        if !self.unsorted && !next.unsorted && first > self.last {
            self.bytes.extend_from_slice(&rebase(&next.bytes, self.last));
        } else {
            // Ids reused after a deletion: absolute ids, sorted when written.
            if !self.unsorted {
                self.make_absolute();
            }
            let mut pairs = Vec::with_capacity(next.n as usize);
            if next.unsorted {
                decode_absolute(&next.bytes, &mut pairs);
            } else {
                decode_into(&next.bytes, |v, l| pairs.push((v, l)));
            }
            for (v, l) in pairs {
                push_varint(&mut self.bytes, v);
                self.bytes.push(l);
            }
        }
        self.n += next.n;
        self.last = self.last.max(next.last);
    }

    /// The (id, token count) pairs, sorted by id, without duplicate ids.
    fn postings(&self) -> Vec<(u32, u8)> {
        let mut out = Vec::with_capacity(self.n as usize);
        if self.unsorted {
            decode_absolute(&self.bytes, &mut out);
            out.sort_unstable();
            out.dedup_by_key(|p| p.0);
        } else {
            decode_into(&self.bytes, |v, len| out.push((v, len)));
        }
        out
    }
}

/// Buffered lists by gram key.
type Grams = HashMap<i64, GramBuf, std::hash::BuildHasherDefault<GramHasher>>;

/// The hasher of [`Grams`]: one multiply and a rotation. A gram key is already a hash, but
/// a bigram key's low byte is its length bucket (0–8), and the hash table places an entry
/// by the hash's low bits: keyed by the bare key, bigram lists crowded into a few slots
/// of every 256 and each lookup probed a long run of them. The rotation brings the
/// product's well-mixed high bits down (as rustc-hash does).
#[derive(Default)]
struct GramHasher(u64);

impl std::hash::Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(26);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

struct Pending {
    conn: usize,
    langs: Vec<String>,
    /// The index was empty when the import began: every list it writes is new.
    fresh: bool,
    /// The thread the postings are buffered on.
    buffering: Buffering,
}

/// An import's buffered postings: the lists in memory, and those spilled before.
#[derive(Default)]
struct Buffered {
    grams: Grams,
    /// Bytes held in `grams`, their buffers' capacity (with [`GRAM_OVERHEAD`] per gram).
    bytes: usize,
    /// The buffers spilled so far by this import, oldest first ([`Buffered::spill`]).
    runs: Vec<Run>,
}

impl Buffered {
    /// Post each variant of `h` under its keys; spill past `flush_at` bytes.
    fn take(&mut self, h: &Handoff, flush_at: usize, dir: Option<&std::path::Path>) -> Result<()> {
        let mut at = 0;
        for &(vid, len, n) in &h.variants {
            let end = at + n as usize;
            for &k in &h.keys[at..end] {
                let gram = self.grams.entry(k).or_insert_with(|| {
                    self.bytes += GRAM_OVERHEAD;
                    GramBuf::default()
                });
                // What the buffer holds, not what it uses: a doubled buffer is up to
                // twice its bytes, and the spill threshold bounds memory.
                let before = gram.bytes.capacity();
                gram.push(vid, len);
                self.bytes += gram.bytes.capacity() - before;
            }
            at = end;
        }
        if self.bytes >= flush_at {
            self.spill(dir)?;
        }
        Ok(())
    }

    /// Write the lists in memory to a temporary file, in key order, and start afresh.
    fn spill(&mut self, dir: Option<&std::path::Path>) -> Result<()> {
        self.bytes = 0;
        let grams = std::mem::take(&mut self.grams);
        self.runs.push(Run::write(InKeyOrder::new(grams).map(Ok), spill_file_in(dir)?)?);
        Ok(())
    }
}

/// The postings of a batch of variants on their way to the buffering thread: per variant
/// its id, token count and number of keys; the keys one variant after the other.
#[derive(Default)]
struct Handoff {
    variants: Vec<(u32, u8, u32)>,
    keys: Vec<i64>,
}

/// Variants per [`Handoff`].
const HANDOFF_VARIANTS: usize = 256;

/// [`Handoff`]s on their way to the buffering thread (bounds what the writer runs ahead).
const HANDOFFS_IN_FLIGHT: usize = 4;

/// The thread an import's postings are buffered on. Posting a variant under each of its
/// ~50 keys (a random probe of a map of hundreds of thousands of lists each) was a sixth of
/// the writing thread's cycles, and the writer is the import's longest stage: it now only
/// copies the keys into a batch.
struct Buffering {
    batch: Handoff,
    send: std::sync::mpsc::SyncSender<Handoff>,
    /// Batches the thread is done with, to be refilled.
    spent: std::sync::mpsc::Receiver<Handoff>,
    thread: std::thread::JoinHandle<Result<Buffered>>,
}

impl Buffering {
    /// Start the thread; it spills past `flush_at` bytes into files in `dir`.
    fn start(flush_at: usize, dir: Option<std::path::PathBuf>) -> Result<Buffering> {
        let (send, batches) = std::sync::mpsc::sync_channel::<Handoff>(HANDOFFS_IN_FLIGHT);
        let (give_back, spent) = std::sync::mpsc::channel::<Handoff>();
        let thread = std::thread::Builder::new().name("tomo-postings".into()).spawn(move || -> Result<Buffered> {
            let mut buffered = Buffered::default();
            for mut h in batches {
                buffered.take(&h, flush_at, dir.as_deref())?;
                h.variants.clear();
                h.keys.clear();
                // The writer may be gone (an error): the batch is dropped then.
                let _ = give_back.send(h);
            }
            Ok(buffered)
        })?;
        Ok(Buffering { batch: Handoff::default(), send, spent, thread })
    }

    /// Add a variant's postings; a full batch goes to the thread. `false` when the thread
    /// stopped (an error, reported by [`Buffering::finish`]).
    fn add(&mut self, vid: u32, len: u8, keys: &[i64]) -> bool {
        self.batch.variants.push((vid, len, keys.len() as u32));
        self.batch.keys.extend_from_slice(keys);
        if self.batch.variants.len() < HANDOFF_VARIANTS {
            return true;
        }
        let next = self.spent.try_recv().unwrap_or_default();
        self.send.send(std::mem::replace(&mut self.batch, next)).is_ok()
    }

    /// Hand over the last batch and wait for the thread: everything buffered.
    fn finish(self) -> Result<Buffered> {
        let Buffering { batch, send, spent, thread } = self;
        // A failed send means the thread stopped: its error comes from `join`.
        let _ = send.send(batch);
        drop((send, spent));
        match thread.join() {
            Ok(buffered) => buffered,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    static ENABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turn index maintenance off (or back on) in this thread. Only for the benchmark, which
/// measures what the index costs an import; a memory imported with the index off finds
/// nothing by lookup until [`rebuild`].
#[doc(hidden)]
pub fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
}

fn conn_id(tx: &Transaction<'_>) -> usize {
    let conn: &Connection = tx;
    std::ptr::from_ref(conn) as usize
}

/// The index key of a token class in a language (primary subtag).
pub fn gram_key(lang_base: &str, class: u64) -> i64 {
    key_in(lang_seed(lang_base), class)
}

/// The hash a language's keys start from: [`gram_key`] hashes the tag, then the class.
fn lang_seed(lang_base: &str) -> u64 {
    hash64(FNV64, lang_base.as_bytes())
}

/// [`gram_key`] of `class` in the language whose [`lang_seed`] is `seed`.
fn key_in(seed: u64, class: u64) -> i64 {
    hash64(seed, &class.to_le_bytes()) as i64
}

/// `key` with its low byte replaced by the length bucket (see [`bigram_key`]).
fn in_bucket(key: i64, bucket: u8) -> i64 {
    (key & !0xff) | i64::from(bucket)
}

/// The hash a [`bigram_class`] starts from.
const PAIR_SEED: u64 = 0x8f1b_bcdc_bfa5_3e0b;

/// The class of the token pair (a, b): the bigram grams of character-matched languages.
pub fn bigram_class(a: u64, b: u64) -> u64 {
    let h = hash64(PAIR_SEED, &a.to_le_bytes());
    hash64(h, &b.to_le_bytes())
}

/// Length bucket of each token count (255: 255 or more): powers of two (1, 2–3, 4–7, …,
/// 32–63, 64–127, 128–255), so the window a 75 % match allows (0.75–1.33 × the query)
/// falls in one or two buckets. Measured (benches/README.md): quarter- and half-wide
/// buckets were up to 10 % faster at 1M units but put the index of a 10k-unit memory over
/// twice the text it indexes (a row per pair and bucket, mostly single postings).
const BUCKET_OF: [u8; 256] = {
    let mut table = [0u8; 256];
    let (mut bucket, mut end, mut len) = (0u8, 1usize, 1usize);
    while len < 256 {
        if len == end {
            bucket += 1;
            end = len + len;
        }
        table[len] = bucket;
        len += 1;
    }
    table
};

/// The length bucket of a variant of `len` tokens (255: 255 or more). Monotonic in `len`.
pub fn length_bucket(len: u8) -> u8 {
    BUCKET_OF[usize::from(len)]
}

/// The key of the token pair `pair` (a [`bigram_class`]) in the lists of variants whose
/// length falls in `bucket`: the pair's [`gram_key`] with its low byte replaced by the
/// bucket, so the buckets of one pair are adjacent keys and one range scan reads all their
/// document frequencies and lists ([`for_each_row_between`]). A clash with another gram's
/// key only adds postings to a list, which over-counts shared grams: the bound stays an
/// upper bound.
pub fn bigram_key(lang_base: &str, pair: u64, bucket: u8) -> i64 {
    in_bucket(gram_key(lang_base, pair), bucket)
}

/// The distinct index keys of a normalized text, and its token count (capped at 255, the
/// length filter's "long"). Character-matched languages (Japanese, Chinese, Korean) also
/// post token bigrams, under the variant's length bucket ([`bigram_key`]): single
/// characters are too common to filter well, and a lookup reads only the buckets its
/// length window allows.
pub fn keys_of(lang: &Lang, norm: &str) -> (Vec<i64>, u8) {
    let mut keys = Vec::new();
    let len = keys_into(lang, norm, &mut keys);
    (keys, len)
}

/// [`keys_of`] into `keys` (cleared first; an import reuses the lists of the units it
/// has written), returning the token count.
pub fn keys_into(lang: &Lang, norm: &str, keys: &mut Vec<i64>) -> u8 {
    let len = keys_with_repeats_into(lang, norm, keys);
    keys.sort_unstable();
    keys.dedup();
    len
}

/// [`keys_into`] in text order, a key repeated as often as its token or pair is: what an
/// import posts ([`on_variant_keys`] takes each variant's key once). Sorting the keys to
/// drop the repeats was an eighth of the instructions of an import's preparing thread.
pub fn keys_with_repeats_into(lang: &Lang, norm: &str, keys: &mut Vec<i64>) -> u8 {
    let g = granularity(lang);
    // `base()` scans the tag: once per text, not once per token (it showed in the import profile).
    let seed = lang_seed(lang.base());
    // The token classes go into `keys` as they are cut (no token list: it was a fifth of
    // the tokenizer's work), the pairs' keys after them once the length is known, and the
    // classes are turned into their keys in place.
    keys.clear();
    // A text has at most a token per byte, and one pair fewer.
    keys.reserve(if g == Granularity::Chars { 2 * norm.len() } else { norm.len() });
    for_each_token(norm, g, |class, _, _| keys.push(class as i64));
    let n = keys.len();
    let len = n.min(255) as u8;
    CLASS_KEYS.with_borrow_mut(|KeyCaches { classes: slots, pairs }| {
        let mut keys_of = |class: u64| -> ClassKeys {
            let slot = &mut slots[class as usize % CLASS_SLOTS];
            if slot.class != class || slot.seed != seed {
                *slot = ClassKeys::new(seed, class);
            }
            *slot
        };
        if g == Granularity::Chars && n > 0 {
            let bucket = length_bucket(len);
            let mut prev = keys_of(keys[0] as u64);
            for i in 1..n {
                let next = keys_of(keys[i] as u64);
                let at = ((prev.class ^ next.class.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    >> (64 - PAIR_SLOTS.trailing_zeros())) as usize;
                let slot = &mut pairs[at];
                if slot.first != prev.class || slot.second != next.class || slot.seed != seed {
                    *slot = PairKey::new(seed, &prev, next.class);
                }
                keys.push(in_bucket(slot.key, bucket));
                keys[i - 1] = prev.key;
                prev = next;
            }
            keys[n - 1] = prev.key;
        } else {
            for key in &mut keys[..n] {
                *key = keys_of(*key as u64).key;
            }
        }
    });
    len
}

/// What the keys of a text need of one token class in one language, computed once for
/// the many times a character or a word recurs: its [`key_in`], and the first half of a
/// [`bigram_class`] with the class in front: FNV hashes, a multiply a byte, and a text's
/// characters and words are mostly ones seen before (cached, an import's keys took 12 %
/// fewer instructions at 100k units).
#[derive(Clone, Copy)]
struct ClassKeys {
    seed: u64,
    class: u64,
    pair_head: u64,
    key: i64,
}

impl ClassKeys {
    fn new(seed: u64, class: u64) -> ClassKeys {
        ClassKeys { seed, class, pair_head: hash64(PAIR_SEED, &class.to_le_bytes()), key: key_in(seed, class) }
    }
}

/// Slots of the per-thread [`ClassKeys`] cache, a class in the slot its low bits name
/// (128 KB: the kana, the common ideographs and words of a language or two).
const CLASS_SLOTS: usize = 4096;

/// The key of a token pair in one language, cached: an import's Japanese text repeats its
/// character pairs as it repeats its characters, and a pair's key is two FNV hashes of
/// eight bytes, a multiply each, one after the other.
#[derive(Clone, Copy)]
struct PairKey {
    seed: u64,
    first: u64,
    second: u64,
    /// [`key_in`] of the pair's [`bigram_class`], before its length bucket.
    key: i64,
}

impl PairKey {
    /// The key of the pair (`first`, `second`): [`bigram_class`] from `first`'s cached
    /// first half.
    fn new(seed: u64, first: &ClassKeys, second: u64) -> PairKey {
        let pair = hash64(first.pair_head, &second.to_le_bytes());
        PairKey { seed, first: first.class, second, key: key_in(seed, pair) }
    }
}

/// The per-thread caches of [`keys_with_repeats_into`].
struct KeyCaches {
    classes: Box<[ClassKeys]>,
    pairs: Box<[PairKey]>,
}

/// Slots of the per-thread [`PairKey`] cache (256 KB), a pair in the slot a hash of its
/// two classes names.
const PAIR_SLOTS: usize = 1 << 13;

thread_local! {
    // Every slot holds the keys of class 0 (pair (0, 0)) in seed 0 to start with: a hit
    // is always right.
    static CLASS_KEYS: RefCell<KeyCaches> = RefCell::new(KeyCaches {
        classes: vec![ClassKeys::new(0, 0); CLASS_SLOTS].into_boxed_slice(),
        pairs: vec![PairKey::new(0, &ClassKeys::new(0, 0), 0); PAIR_SLOTS].into_boxed_slice(),
    });
}

/// Called by the store when an import's transaction begins: postings are buffered from now
/// until [`on_import_finished`]. Drops what an import that failed earlier left behind.
pub fn on_import_started(tx: &Transaction<'_>) -> Result<()> {
    let id = conn_id(tx);
    let fresh = !tx.query_row("SELECT EXISTS (SELECT 1 FROM fz_gram)", [], |r| r.get::<_, bool>(0))?;
    let buffering = Buffering::start(flush_at_bytes(), spill_dir(tx))?;
    let pending = Pending { conn: id, langs: Vec::new(), fresh, buffering };
    PENDING.with(|p| *p.borrow_mut() = Some(pending));
    Ok(())
}

/// Called by the store for every variant it inserts, inside the import's transaction, so
/// the index is never out of step with the units.
pub fn on_variant_inserted(tx: &Transaction<'_>, variant_id: i64, lang: &Lang, norm: &str) -> Result<()> {
    if !ENABLED.with(|e| e.get()) {
        return Ok(());
    }
    let (keys, len) = keys_of(lang, norm);
    on_variant_keys(tx, variant_id, lang.base(), &keys, len)
}

/// [`on_variant_inserted`] with the variant's keys already computed (an import computes
/// them on its preparing thread): [`keys_of`], or [`keys_with_repeats_into`] (a key
/// repeated within `keys` is posted once).
pub fn on_variant_keys(tx: &Transaction<'_>, variant_id: i64, lang_base: &str, keys: &[i64], len: u8) -> Result<()> {
    if !ENABLED.with(|e| e.get()) {
        return Ok(());
    }
    let id = conn_id(tx);
    let vid = u32::try_from(variant_id)
        .map_err(|_| crate::Error::new(crate::ErrorKind::Database, "variant id beyond the index's 32-bit range"))?;
    let buffered = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        match p.as_mut() {
            Some(pending) if pending.conn == id => {
                if !pending.langs.iter().any(|l| l == lang_base) {
                    pending.langs.push(lang_base.to_string());
                }
                Some(pending.buffering.add(vid, len, keys))
            }
            _ => None,
        }
    });
    match buffered {
        Some(true) => Ok(()),
        Some(false) => {
            // The buffering thread stopped: its error ends the import.
            let pending = PENDING.with(|p| p.borrow_mut().take_if(|pending| pending.conn == id));
            pending.map_or(Ok(()), |pending| {
                pending.buffering.finish()?;
                Err(crate::Error::new(crate::ErrorKind::Database, "the index's buffering thread stopped"))
            })
        }
        None => {
            let mut grams = Grams::default();
            for &k in keys {
                grams.entry(k).or_insert_with(GramBuf::default).push(vid, len);
            }
            write_postings(tx, grams, &[lang_base.to_string()])
        }
    }
}

/// Called by the store before it commits an import: append the buffered postings, with
/// those spilled earlier, to the lists on disk.
pub fn on_import_finished(tx: &Transaction<'_>) -> Result<()> {
    let id = conn_id(tx);
    let taken = PENDING.with(|p| p.borrow_mut().take_if(|pending| pending.conn == id));
    let Some(pending) = taken else { return Ok(()) };
    let langs = pending.langs;
    let buffered = pending.buffering.finish()?;
    // Key order, a batch of lists at a time (bounded in bytes, cut between pairs so that
    // all the length buckets of a pair are written together).
    let mut batch = Grams::default();
    let mut batch_bytes = 0usize;
    for merged in Merged::new(buffered)? {
        let (key, gram) = merged?;
        if batch_bytes >= MERGE_BATCH_BYTES && batch.keys().all(|&k| k & !0xff != key & !0xff) {
            write_postings(tx, std::mem::take(&mut batch), &langs)?;
            batch_bytes = 0;
        }
        batch_bytes += gram.bytes.len() + GRAM_OVERHEAD;
        batch.insert(key, gram);
    }
    write_postings(tx, batch, &langs)
}

/// The end of an import's postings ([`on_import_finishing`]): laid out on a thread of their
/// own, or to be written by [`on_import_finished`].
pub struct PostingsEnd {
    background: Option<(std::thread::JoinHandle<Result<Run>>, Vec<String>)>,
}

/// Start the end of the import on `tx`'s postings. When the index was empty as the import
/// began (a bulk load), every list is new, so nothing needs the database until the lists
/// are laid out: a thread merges and lays them out into a temporary file while the caller
/// builds the unit indexes ([`PostingsEnd::finish`] writes them). The two took a 1M-unit
/// import's last 2 s one after the other on one core.
pub fn on_import_finishing(tx: &Transaction<'_>) -> Result<PostingsEnd> {
    let id = conn_id(tx);
    let taken = PENDING.with(|p| p.borrow_mut().take_if(|pending| pending.conn == id && pending.fresh));
    let Some(pending) = taken else { return Ok(PostingsEnd { background: None }) };
    let langs = pending.langs;
    let buffered = pending.buffering.finish()?;
    let file = spill_file(tx)?;
    // Each laid-out list goes into the file as a run's entry would: its key, `n`, `last`
    // and its stored bytes.
    let thread = std::thread::spawn(move || -> Result<Run> {
        let lists = Merged::new(buffered)?.map(|merged| {
            let (key, gram) = merged?;
            let (n, last, bytes) = fresh_list(gram);
            Ok((key, GramBuf { n, last, unsorted: false, bytes }))
        });
        Run::write(lists, file)
    });
    Ok(PostingsEnd { background: Some((thread, langs)) })
}

impl PostingsEnd {
    /// Write the postings into `tx`: the lists laid out in the background, or else
    /// [`on_import_finished`].
    pub fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        let Some((thread, langs)) = self.background else { return on_import_finished(tx) };
        let lists = match thread.join() {
            Ok(run) => run?.read()?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        insert_langs(tx, &langs)?;
        let mut insert = tx.prepare_cached("INSERT INTO fz_gram (key, n, last, ids) VALUES (?1, ?2, ?3, ?4)")?;
        // (key, postings) of every row: the index was empty, so these are all of it, and
        // its pairs' rows in `fz_pair` are built from them as migration 006 builds them.
        let mut written: Vec<(i64, u32)> = Vec::new();
        for list in lists {
            let (key, list) = list?;
            insert.execute(params![key, i64::from(list.n), i64::from(list.last), list.bytes])?;
            written.push((key, list.n));
        }
        if !has_pair_table(tx)? {
            return Ok(());
        }
        insert_pair_rows(tx, written.into_iter().map(Ok))
    }
}

/// An import's buffered lists in key order, each with the postings of the same key from
/// every spilled run before it (the runs hold the older ids).
struct Merged {
    runs: Vec<std::iter::Peekable<RunReader>>,
    last: InKeyOrder,
}

impl Merged {
    fn new(buffered: Buffered) -> Result<Merged> {
        let runs = buffered.runs.into_iter().map(|run| run.read().map(Iterator::peekable)).collect::<Result<_>>()?;
        Ok(Merged { runs, last: InKeyOrder::new(buffered.grams) })
    }

    fn next_key(&mut self) -> Result<Option<i64>> {
        let mut next: Option<i64> = self.last.peek_key();
        for run in &mut self.runs {
            if let Some(key) = peek_key(run)? {
                next = Some(next.map_or(key, |k| k.min(key)));
            }
        }
        Ok(next)
    }

    fn merge(&mut self, key: i64) -> Result<GramBuf> {
        let mut gram = GramBuf::default();
        for run in &mut self.runs {
            if run.peek().is_some_and(|e| e.as_ref().is_ok_and(|(k, _)| *k == key)) {
                gram.append(run.next().expect("peeked")?.1);
            }
        }
        if self.last.peek_key() == Some(key) {
            gram.append(self.last.next().expect("peeked").1);
        }
        Ok(gram)
    }
}

/// Buffered lists in key order, each taken out of the table as it comes. Moved into a
/// vector of (key, buffer) pairs to be sorted, they were held in it beside the table:
/// ~30 MB more at the peak of a real-text import's memory.
struct InKeyOrder {
    keys: std::iter::Peekable<std::vec::IntoIter<i64>>,
    grams: Grams,
}

impl InKeyOrder {
    fn new(grams: Grams) -> InKeyOrder {
        let mut keys: Vec<i64> = grams.keys().copied().collect();
        keys.sort_unstable();
        InKeyOrder { keys: keys.into_iter().peekable(), grams }
    }

    fn peek_key(&mut self) -> Option<i64> {
        self.keys.peek().copied()
    }
}

impl Iterator for InKeyOrder {
    type Item = (i64, GramBuf);

    fn next(&mut self) -> Option<(i64, GramBuf)> {
        let key = self.keys.next()?;
        Some((key, self.grams.remove(&key).expect("a key of the table")))
    }
}

impl Iterator for Merged {
    type Item = Result<(i64, GramBuf)>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_key() {
            Ok(None) => None,
            Ok(Some(key)) => Some(self.merge(key).map(|gram| (key, gram))),
            Err(e) => Some(Err(e)),
        }
    }
}

/// A new list's (n, last, stored bytes) from its buffer: a short list starting above id 0
/// is stored as buffered (flat), a longer one in the layout [`encode_list`] would choose
/// (the buffer is the flat layout already when it is sorted and starts above 0).
fn fresh_list(gram: GramBuf) -> (u32, u32, Vec<u8>) {
    let first = first_id(&gram.bytes);
    if !gram.unsorted && first > 0 && (gram.n as usize) < GROUP_MIN && !always_grouped() {
        return (gram.n, gram.last, gram.bytes);
    }
    let all = gram.postings();
    let list = if !gram.unsorted && first > 0 && !always_grouped() {
        let grouped = encode_grouped(&all);
        if grouped_pays(grouped.len(), gram.bytes.len()) { grouped } else { gram.bytes }
    } else {
        encode_list(&all)
    };
    (all.len() as u32, gram.last, list)
}

/// The key of the next list of `run`, or its read error.
fn peek_key(run: &mut std::iter::Peekable<RunReader>) -> Result<Option<i64>> {
    match run.peek() {
        None => Ok(None),
        Some(Ok((key, _))) => Ok(Some(*key)),
        Some(Err(_)) => match run.next() {
            Some(Err(e)) => Err(e),
            _ => unreachable!("peeked an error"),
        },
    }
}

/// Bytes of lists the end of an import writes at a time ([`on_import_finished`]): each
/// is decoded to 8 bytes a posting to be laid out, so this bounds that memory too.
const MERGE_BATCH_BYTES: usize = 8 << 20;

/// Spill the buffered lists of the import on `tx` to a temporary file, to be merged with
/// the rest at its end. Writing them to the database instead appended to every list at
/// each of a big import's flushes: the lists were copied out, laid out again and written
/// whole each time (a 1M-unit import wrote its lists four times over), and the writing
/// thread, the longest of the import, did it while the other stages waited.
/// Where spilled lists go: beside the memory's file (on the disk that holds the memory,
/// which the lists will join; a small `/tmp` is not filled), or `None` (the system's
/// temporary directory) for a memory without a file.
fn spill_dir(conn: &Connection) -> Option<std::path::PathBuf> {
    conn.path().filter(|p| !p.is_empty()).and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_path_buf()))
}

/// An unnamed temporary file for spilled lists in [`spill_dir`].
fn spill_file(conn: &Connection) -> Result<std::fs::File> {
    spill_file_in(spill_dir(conn).as_deref())
}

/// An unnamed temporary file in `dir`, or in the system's temporary directory.
fn spill_file_in(dir: Option<&std::path::Path>) -> Result<std::fs::File> {
    Ok(match dir {
        Some(dir) => tempfile::tempfile_in(dir).or_else(|_| tempfile::tempfile())?,
        None => tempfile::tempfile()?,
    })
}

/// One spilled buffer, or the laid-out lists of [`on_import_finishing`]: lists in key order
/// in an unnamed temporary file (removed by the system when it is closed, whatever happens
/// to the import).
struct Run {
    file: std::fs::File,
}

impl Run {
    /// Write `lists` (in key order) into `file`: per list its key, `n`, `last`, whether
    /// unsorted, and its bytes with their length.
    fn write(lists: impl Iterator<Item = Result<(i64, GramBuf)>>, file: std::fs::File) -> Result<Run> {
        use std::io::Write;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        for list in lists {
            let (key, g) = list?;
            out.write_all(&key.to_le_bytes())?;
            out.write_all(&g.n.to_le_bytes())?;
            out.write_all(&g.last.to_le_bytes())?;
            out.write_all(&[u8::from(g.unsorted)])?;
            out.write_all(&(g.bytes.len() as u64).to_le_bytes())?;
            out.write_all(&g.bytes)?;
        }
        let file = out.into_inner().map_err(|e| e.into_error())?;
        Ok(Run { file })
    }

    /// The run's lists from the start, in key order.
    fn read(mut self) -> Result<RunReader> {
        use std::io::Seek;
        self.file.rewind()?;
        Ok(RunReader { input: std::io::BufReader::with_capacity(1 << 20, self.file) })
    }
}

/// The lists of a [`Run`], read back one at a time.
struct RunReader {
    input: std::io::BufReader<std::fs::File>,
}

impl Iterator for RunReader {
    type Item = Result<(i64, GramBuf)>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::{BufRead, Read};
        match self.input.fill_buf() {
            Ok([]) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(e.into())),
        }
        let mut read = || -> std::io::Result<(i64, GramBuf)> {
            let mut head = [0u8; 25];
            self.input.read_exact(&mut head)?;
            let word = |at: usize| u32::from_le_bytes(head[at..at + 4].try_into().expect("4 bytes"));
            let key = i64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
            let len = u64::from_le_bytes(head[17..25].try_into().expect("8 bytes")) as usize;
            let mut bytes = vec![0u8; len];
            self.input.read_exact(&mut bytes)?;
            Ok((key, GramBuf { n: word(8), last: word(12), unsorted: head[16] != 0, bytes }))
        };
        Some(read().map_err(Into::into))
    }
}

/// Record that the index holds variants of `langs` (primary subtags).
fn insert_langs(conn: &Connection, langs: &[String]) -> Result<()> {
    let mut lang_ins = conn.prepare_cached("INSERT OR IGNORE INTO fz_lang (lang_base) VALUES (?1)")?;
    for l in langs {
        lang_ins.execute([l])?;
    }
    Ok(())
}

/// Append each gram's buffered postings to its list on disk: one read of the list's `n`
/// and `last`, and one write per gram. A short list (under [`GROUP_MIN`] postings before and
/// after) that only gains ids above its last one appends the new bytes, re-based, with
/// SQL's `||`, so the list is not copied through Rust; a longer one is merged and written
/// again in the layout [`encode_list`] chooses (SQLite rewrites the whole row either way).
fn write_postings(conn: &Connection, grams: Grams, langs: &[String]) -> Result<()> {
    insert_langs(conn, langs)?;
    // Key order walks the table's B-tree once, front to back.
    let mut grams: Vec<(i64, GramBuf)> = grams.into_iter().collect();
    grams.sort_unstable_by_key(|g| g.0);
    let mut get = conn.prepare_cached("SELECT n, last FROM fz_gram WHERE key = ?1")?;
    let mut insert = conn.prepare_cached("INSERT INTO fz_gram (key, n, last, ids) VALUES (?1, ?2, ?3, ?4)")?;
    let mut append =
        conn.prepare_cached("UPDATE fz_gram SET n = n + ?2, last = ?3, ids = CAST(ids || ?4 AS BLOB) WHERE key = ?1")?;
    let mut blob = conn.prepare_cached("SELECT ids FROM fz_gram WHERE key = ?1")?;
    let mut replace = conn.prepare_cached("UPDATE fz_gram SET n = ?2, last = ?3, ids = ?4 WHERE key = ?1")?;
    // (key, postings after the write) of each row in a pair's bucket range, for the
    // pairs' directory rows (`fz_pair`).
    let mut touched: Vec<(i64, u32)> = Vec::new();
    for (key, gram) in grams {
        let bucketed = key & 0xff <= i64::from(LAST_BUCKET);
        let old: Option<(i64, i64)> = get.query_row([key], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        let first = first_id(&gram.bytes);
        let short = |n: i64| n + i64::from(gram.n) < GROUP_MIN as i64 && !always_grouped();
        match old {
            None => {
                let (n, last, list) = fresh_list(gram);
                insert.execute(params![key, i64::from(n), i64::from(last), list])?;
                if bucketed {
                    touched.push((key, n));
                }
            }
            Some((n, last)) if !gram.unsorted && i64::from(first) > last && short(n) => {
                let tail = rebase(&gram.bytes, last as u32);
                append.execute(params![key, i64::from(gram.n), i64::from(gram.last), tail])?;
                if bucketed {
                    touched.push((key, (n + i64::from(gram.n)) as u32));
                }
            }
            Some((n, last)) if !gram.unsorted && i64::from(first) > last => {
                // New ids above the list's last: a grouped list gets them appended to its
                // groups without sorting (sorting every long list again at each flush of
                // a big import cost more than the import's own work).
                let old: Vec<u8> = blob.query_row([key], |r| r.get(0))?;
                let new = gram.postings();
                let list = append_list(&old, &new);
                let total = n + new.len() as i64;
                replace.execute(params![key, total, i64::from(gram.last), list])?;
                if bucketed {
                    touched.push((key, total as u32));
                }
            }
            Some(_) => {
                let old: Vec<u8> = blob.query_row([key], |r| r.get(0))?;
                let mut all = Vec::new();
                for_each_in(&old, |v, len| {
                    all.push((v, len));
                    true
                });
                // Ids reused after a deletion: merge the whole list.
                all.extend(gram.postings());
                all.sort_unstable();
                all.dedup_by_key(|p| p.0);
                let last = all[all.len() - 1].0;
                replace.execute(params![key, all.len() as i64, i64::from(last), encode_list(&all)])?;
                if bucketed {
                    touched.push((key, all.len() as u32));
                }
            }
        }
    }
    update_pair_rows(conn, &touched)
}

/// The last length bucket ([`length_bucket`] of 255): a pair's bucket keys end its low
/// byte at this.
const LAST_BUCKET: u8 = BUCKET_OF[255];

/// A pair gets its row in `fz_pair` (its postings per length bucket) once a write leaves
/// at least this many postings in the buckets it touched. Rarer pairs are found by a range
/// scan of `fz_gram`, which a lookup reads their (short) lists from anyway. Measured at 1M
/// units: 31k of the 358k pairs have 32 postings or more (0.8 MB of rows); with 8, 32 or
/// 128 a Japanese batch took the same time.
pub const PAIR_ROW_MIN: u32 = 32;

#[cfg(test)]
thread_local! {
    /// [`PAIR_ROW_MIN`] in tests (the contract tests also run with 1: every pair has a row).
    pub(crate) static TEST_PAIR_ROW_MIN: std::cell::Cell<u32> = const { std::cell::Cell::new(PAIR_ROW_MIN) };
}

fn pair_row_min() -> u32 {
    #[cfg(test)]
    return TEST_PAIR_ROW_MIN.with(|m| m.get());
    #[cfg(not(test))]
    PAIR_ROW_MIN
}

/// Bring the `fz_pair` rows of the pairs whose bucket rows a write changed up to date
/// (`touched`: each changed row's key, in key order, and its postings after the write). A
/// pair that has a row gets the new counts of the buckets written; one without gets a row
/// when the buckets written hold [`PAIR_ROW_MIN`] postings or more, its other buckets read
/// from `fz_gram`. Keys whose low byte is a bucket are taken as a pair's, as the lookup's
/// range scan takes them (a token's key may end so too: it is then counted with the pair
/// whose key it clashes with, as the range scan would count it).
fn update_pair_rows(conn: &Connection, touched: &[(i64, u32)]) -> Result<()> {
    if touched.is_empty() || !has_pair_table(conn)? {
        return Ok(());
    }
    let mut get = conn.prepare_cached("SELECT counts FROM fz_pair WHERE key = ?1")?;
    let mut put = conn.prepare_cached("INSERT OR REPLACE INTO fz_pair (key, counts) VALUES (?1, ?2)")?;
    let mut scan = conn.prepare_cached("SELECT key, n FROM fz_gram WHERE key BETWEEN ?1 AND ?2")?;
    // A big write touches most pairs, and few have a row: one pass over the rows' keys
    // instead of a probe per pair.
    let pairs = touched.chunk_by(|a, b| a.0 & !0xff == b.0 & !0xff);
    let existing: Option<Vec<i64>> = if touched.len() > 4096 {
        let mut all = conn.prepare_cached("SELECT key FROM fz_pair ORDER BY key")?;
        Some(all.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    } else {
        None
    };
    let mut at = 0;
    for rows in pairs {
        let pair = rows[0].0 & !0xff;
        let has_row = match &existing {
            Some(keys) => {
                at += keys[at..].partition_point(|&k| k < pair);
                keys.get(at) == Some(&pair)
            }
            None => true,
        };
        let old: Option<Vec<u8>> = if has_row { get.query_row([pair], |r| r.get(0)).optional()? } else { None };
        let mut counts = [0u32; LAST_BUCKET as usize + 1];
        match old {
            Some(blob) => for_each_pair_count(&blob, |b, n| counts[usize::from(b)] = n),
            None => {
                let written: u64 = rows.iter().map(|r| u64::from(r.1)).sum();
                if written < u64::from(pair_row_min()) {
                    continue;
                }
                let mut r = scan.query([pair, pair | i64::from(LAST_BUCKET)])?;
                while let Some(row) = r.next()? {
                    let key: i64 = row.get(0)?;
                    counts[(key & 0xff) as usize] = row.get::<_, i64>(1)? as u32;
                }
            }
        }
        for &(key, n) in rows {
            counts[(key & 0xff) as usize] = n;
        }
        put.execute(params![pair, encode_pair_counts(&counts)])?;
    }
    Ok(())
}

/// Whether the memory has the `fz_pair` table (schema 6; a migration from an older schema
/// rebuilds the index before the table exists, and 006 then fills it).
fn has_pair_table(conn: &Connection) -> Result<bool> {
    let mut q = conn.prepare_cached("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'fz_pair'")?;
    Ok(q.exists([])?)
}

/// A pair's row in `fz_pair`: (bucket, varint postings) of each non-empty bucket, in
/// increasing bucket order.
fn encode_pair_counts(counts: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8);
    for (b, &n) in counts.iter().enumerate() {
        if n > 0 {
            out.push(b as u8);
            push_varint(&mut out, n);
        }
    }
    out
}

/// Call `f` with (bucket, postings) of each bucket in a pair's row ([`encode_pair_counts`]).
fn for_each_pair_count(blob: &[u8], mut f: impl FnMut(u8, u32)) {
    let mut i = 0;
    while let Some(&b) = blob.get(i) {
        i += 1;
        let n = read_varint(blob, &mut i);
        if b <= LAST_BUCKET {
            f(b, n);
        }
    }
}

/// Fill `fz_pair` from the lists in `fz_gram` (migration 006), inside the caller's
/// transaction: one row for each pair whose buckets hold [`PAIR_ROW_MIN`] postings or more.
pub fn build_pair_rows_in(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("DELETE FROM fz_pair", [])?;
    let mut read = tx.prepare("SELECT key, n FROM fz_gram ORDER BY key")?;
    let rows = read.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u32)))?;
    insert_pair_rows(tx, rows.map(|r| r.map_err(crate::Error::from)))
}

/// Insert the `fz_pair` rows of the index rows `rows` ((key, postings), in key order, every
/// row of each pair among them; keys that are not a pair's bucket are passed over): one for
/// each pair whose buckets hold [`PAIR_ROW_MIN`] postings or more. None of these pairs has
/// a row yet.
fn insert_pair_rows(conn: &Connection, rows: impl Iterator<Item = Result<(i64, u32)>>) -> Result<()> {
    let mut put = conn.prepare_cached("INSERT INTO fz_pair (key, counts) VALUES (?1, ?2)")?;
    let mut pair: Option<i64> = None;
    let mut counts = [0u32; LAST_BUCKET as usize + 1];
    let mut done = |pair: Option<i64>, counts: &mut [u32]| -> Result<()> {
        if let Some(p) = pair
            && counts.iter().map(|&n| u64::from(n)).sum::<u64>() >= u64::from(pair_row_min())
        {
            put.execute(params![p, encode_pair_counts(counts)])?;
        }
        counts.fill(0);
        Ok(())
    };
    for row in rows {
        let (key, n) = row?;
        if key & 0xff > i64::from(LAST_BUCKET) {
            continue;
        }
        if pair != Some(key & !0xff) {
            done(pair, &mut counts)?;
            pair = Some(key & !0xff);
        }
        counts[(key & 0xff) as usize] = n;
    }
    done(pair, &mut counts)
}

/// The first id of an [`encode`]d list (its first delta, taken from 0).
fn first_id(bytes: &[u8]) -> u32 {
    let mut first = 0;
    decode_until(bytes, |v, _| {
        first = v;
        false
    });
    first
}

/// An [`encode`]d list re-based to follow a list whose last id is `after`: its first delta
/// is re-encoded from `after`, the rest is copied.
fn rebase(bytes: &[u8], after: u32) -> Vec<u8> {
    let first = first_id(bytes);
    let skip = bytes.iter().position(|b| b & 0x80 == 0).map_or(bytes.len(), |i| i + 1);
    let mut out = Vec::with_capacity(bytes.len() + 4);
    push_varint(&mut out, first - after);
    out.extend_from_slice(&bytes[skip..]);
    out
}

/// The (id, len) pairs of a list whose varints are absolute ids, not deltas.
fn decode_absolute(bytes: &[u8], out: &mut Vec<(u32, u8)>) {
    let mut cur = 0u32;
    let mut shift = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        cur |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            out.push((cur, bytes.get(i).copied().unwrap_or(0)));
            i += 1;
            cur = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Sorted (id, token count) postings as a varint id delta followed by one length byte,
/// so the length filter runs before a candidate is counted: the flat layout of a list
/// (and of the import's buffers).
pub fn encode(ids: &[(u32, u8)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 3);
    let mut prev = 0;
    for &(v, len) in ids {
        push_varint(&mut out, v - prev);
        out.push(len);
        prev = v;
    }
    out
}

/// Lists of fewer postings are stored flat ([`encode`]): a directory would cost more than
/// the length bytes it saves, and a lookup decodes a short list quickly anyway.
pub const GROUP_MIN: usize = 16;

/// First byte of a grouped list. A flat list starts with its first id, never 0 (a list
/// holding id 0 is always grouped).
const GROUPED: u8 = 0;

/// The layout a list of postings (sorted by id, no duplicate ids) is stored in: flat
/// ([`encode`]), or **grouped by token count** (schema 5): `0`, the number of groups, a
/// directory of (token count, postings, bytes) per group in increasing token count, then
/// each group's ids as varint deltas in increasing order, without length bytes. A lookup
/// reads only the groups of the lengths its length filter keeps (at 1M units 40 % of the
/// postings in the length buckets a Japanese query reads are outside its window) and,
/// once admission is over, only those of the lengths that still have candidates. Grouped
/// from [`GROUP_MIN`] postings when it takes at most a quarter more bytes than flat
/// (`grouped_pays`).
pub fn encode_list(ids: &[(u32, u8)]) -> Vec<u8> {
    if always_grouped() && !ids.is_empty() {
        return encode_grouped(ids);
    }
    if (ids.len() < GROUP_MIN && ids.first().is_none_or(|p| p.0 > 0)) || ids.is_empty() {
        return encode(ids);
    }
    let grouped = encode_grouped(ids);
    if grouped_pays(grouped.len(), flat_len(ids)) || ids[0].0 == 0 { grouped } else { encode(ids) }
}

/// Whether a list of [`GROUP_MIN`] postings or more is stored grouped, from the bytes of
/// both layouts: up to a quarter more bytes than flat. Measured at 1M units: grouping only
/// lists no larger for it left 78k of the 121k lists of 16+ postings flat (the rarer lists,
/// spread over many lengths: the ones admission reads first); with a quarter more allowed,
/// 4k stay flat, the index grows 1.6 % and Japanese lookups take 10 % less CPU. The 10k
/// bench memory's index grows from 1.88 to 1.91 times its text.
fn grouped_pays(grouped: usize, flat: usize) -> bool {
    grouped <= flat + flat / 4
}

/// Bytes of [`encode`]`(ids)`, without writing them.
fn flat_len(ids: &[(u32, u8)]) -> usize {
    let mut prev = 0;
    ids.iter()
        .map(|&(v, _)| {
            let d = v - prev;
            prev = v;
            1 + varint_len(d)
        })
        .sum()
}

/// Bytes of `v` as a varint.
fn varint_len(v: u32) -> usize {
    1 + (31 - (v | 1).leading_zeros() as usize) / 7
}

#[cfg(test)]
thread_local! {
    /// Every non-empty list written grouped, however short (the contract tests run both ways).
    pub(crate) static ALWAYS_GROUPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`ALWAYS_GROUPED`] (tests only).
fn always_grouped() -> bool {
    #[cfg(test)]
    return ALWAYS_GROUPED.with(|g| g.get());
    #[cfg(not(test))]
    false
}

/// The grouped layout of [`encode_list`].
fn encode_grouped(ids: &[(u32, u8)]) -> Vec<u8> {
    // A counting sort by token count keeps each group in id order.
    let mut count = [0u32; 256];
    for &(_, len) in ids {
        count[usize::from(len)] += 1;
    }
    let mut start = [0usize; 256];
    let mut at = 0;
    for len in 0..256 {
        start[len] = at;
        at += count[len] as usize;
    }
    let mut by_len = vec![0u32; ids.len()];
    let mut next = start;
    for &(v, len) in ids {
        by_len[next[usize::from(len)]] = v;
        next[usize::from(len)] += 1;
    }
    let mut body = Vec::with_capacity(ids.len() * 3);
    let mut dir = Vec::new();
    let mut groups = 0u32;
    for len in 0..256 {
        if count[len] == 0 {
            continue;
        }
        let before = body.len();
        let mut prev = 0;
        for &v in &by_len[start[len]..start[len] + count[len] as usize] {
            push_varint(&mut body, v - prev);
            prev = v;
        }
        dir.push(len as u8);
        push_varint(&mut dir, count[len]);
        push_varint(&mut dir, (body.len() - before) as u32);
        groups += 1;
    }
    let mut out = Vec::with_capacity(1 + 5 + dir.len() + body.len());
    out.push(GROUPED);
    push_varint(&mut out, groups);
    out.extend_from_slice(&dir);
    out.extend_from_slice(&body);
    out
}

/// The stored list `old` ([`encode_list`]) with `new` appended: postings sorted by id, all
/// above the list's last id. A flat list is decoded and laid out again; a grouped one keeps
/// its groups' bytes and gets each new id appended to the group of its length (its delta
/// from that group's last id).
fn append_list(old: &[u8], new: &[(u32, u8)]) -> Vec<u8> {
    if old.first() != Some(&GROUPED) {
        let mut all = Vec::with_capacity(new.len() + old.len() / 2);
        decode_into(old, |v, len| all.push((v, len)));
        all.extend_from_slice(new);
        return encode_list(&all);
    }
    // (old bytes, old count, last old id) of each length.
    let mut groups: Vec<(u8, &[u8], u32, u32)> = Vec::new();
    for_each_segment(old, |seg| {
        if let Segment::Group { len, count, ids } = seg {
            groups.push((len, ids, count, sum_of_varints(ids)));
        }
        true
    });
    let mut by_len: Vec<Vec<u32>> = vec![Vec::new(); 256];
    for &(v, len) in new {
        by_len[usize::from(len)].push(v);
    }
    let mut at = 0;
    let mut dir = Vec::new();
    let mut body = Vec::with_capacity(old.len() + new.len() * 3);
    let mut count = 0u32;
    for len in 0..=255u8 {
        let (bytes, n_old, mut prev) = match groups.get(at) {
            Some(&(l, b, n, last)) if l == len => {
                at += 1;
                (b, n, last)
            }
            _ => (&[][..], 0, 0),
        };
        let added = &by_len[usize::from(len)];
        if n_old == 0 && added.is_empty() {
            continue;
        }
        let before = body.len();
        body.extend_from_slice(bytes);
        for &v in added {
            push_varint(&mut body, v - prev);
            prev = v;
        }
        dir.push(len);
        push_varint(&mut dir, n_old + added.len() as u32);
        push_varint(&mut dir, (body.len() - before) as u32);
        count += 1;
    }
    let mut out = Vec::with_capacity(6 + dir.len() + body.len());
    out.push(GROUPED);
    push_varint(&mut out, count);
    out.extend_from_slice(&dir);
    out.extend_from_slice(&body);
    out
}

/// The sum of the varints in `bytes`: the last id of a group (its deltas add up to it).
/// Branch-free, as an append reads every long list of the memory at each flush of a big
/// import (decoding them to find their last ids was 2 % of a 1M-unit import).
fn sum_of_varints(bytes: &[u8]) -> u32 {
    let (mut sum, mut shift) = (0u64, 0u32);
    for &b in bytes {
        sum = sum.wrapping_add(u64::from(b & 0x7f) << shift);
        shift = if b & 0x80 != 0 { (shift + 7).min(56) } else { 0 };
    }
    sum as u32
}

/// A part of a stored list, as [`for_each_segment`] hands it out.
#[derive(Debug, Clone, Copy)]
pub enum Segment<'a> {
    /// A flat list: (id delta, token count) pairs ([`decode_until`]).
    Flat(&'a [u8]),
    /// The postings of one token count: `count` ids as varint deltas ([`decode_ids`]).
    Group {
        /// Token count of these variants.
        len: u8,
        /// Postings in the group.
        count: u32,
        /// The encoded ids.
        ids: &'a [u8],
    },
}

/// Read one varint at `*i` (0 past the end, so a damaged list reads as short, not as a panic).
#[inline]
fn read_varint(b: &[u8], i: &mut usize) -> u32 {
    let (mut cur, mut shift) = (0u32, 0u32);
    while let Some(&x) = b.get(*i) {
        *i += 1;
        cur |= u32::from(x & 0x7f).checked_shl(shift).unwrap_or(0);
        if x & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    cur
}

/// Call `f` with the parts of a stored list ([`encode_list`]): the whole list when flat,
/// else each group in increasing token count, until `f` returns false.
pub fn for_each_segment<'a>(blob: &'a [u8], mut f: impl FnMut(Segment<'a>) -> bool) {
    if blob.first() != Some(&GROUPED) {
        f(Segment::Flat(blob));
        return;
    }
    let mut i = 1;
    let groups = read_varint(blob, &mut i);
    let mut dir = i;
    // The bodies start after the directory: skip it once to find where.
    let mut body = i;
    for _ in 0..groups {
        body += 1;
        read_varint(blob, &mut body);
        read_varint(blob, &mut body);
    }
    for _ in 0..groups {
        let Some(&len) = blob.get(dir) else { return };
        dir += 1;
        let count = read_varint(blob, &mut dir);
        let bytes = read_varint(blob, &mut dir) as usize;
        let end = (body + bytes).min(blob.len());
        let ids = blob.get(body..end).unwrap_or_default();
        body = end;
        if !f(Segment::Group { len, count, ids }) {
            return;
        }
    }
}

/// Call `f` with each id of a group's [`Segment::Group::ids`], in increasing order, until
/// it returns false.
#[inline]
pub fn decode_ids(blob: &[u8], mut f: impl FnMut(u32) -> bool) {
    let mut prev = 0u32;
    let mut i = 0;
    while i < blob.len() {
        let Some(delta) = next_delta(blob, &mut i) else { return };
        prev = prev.wrapping_add(delta);
        if !f(prev) {
            return;
        }
    }
}

/// The varint delta at `blob[*i]` (`*i < blob.len()`), `*i` moved past it; `None` when the
/// blob ends inside it.
#[inline(always)]
fn next_delta(blob: &[u8], i: &mut usize) -> Option<u32> {
    // Nearly every delta takes one to three bytes (lists of a million-unit memory hold a
    // posting every few hundred ids; the rare pairs admission reads first, one every few
    // ten thousand): those without the general loop's shifts.
    let b0 = blob[*i];
    if b0 < 0x80 {
        *i += 1;
        return Some(u32::from(b0));
    }
    let &b1 = blob.get(*i + 1)?;
    if b1 < 0x80 {
        *i += 2;
        return Some(u32::from(b0 & 0x7f) | (u32::from(b1) << 7));
    }
    let &b2 = blob.get(*i + 2)?;
    if b2 < 0x80 {
        *i += 3;
        return Some(u32::from(b0 & 0x7f) | (u32::from(b1 & 0x7f) << 7) | (u32::from(b2) << 14));
    }
    let (mut cur, mut shift) = (0u32, 0u32);
    loop {
        let &b = blob.get(*i)?;
        *i += 1;
        cur |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        if b & 0x80 == 0 {
            return Some(cur);
        }
        shift += 7;
    }
}

/// Call `f` with each (id, token count) of a stored list in either layout, until it
/// returns false: in id order when flat, by token count then id when grouped.
pub fn for_each_in(blob: &[u8], mut f: impl FnMut(u32, u8) -> bool) {
    let mut go = true;
    for_each_segment(blob, |seg| {
        match seg {
            Segment::Flat(b) => decode_until(b, |v, len| {
                go = f(v, len);
                go
            }),
            Segment::Group { len, ids, .. } => decode_ids(ids, |v| {
                go = f(v, len);
                go
            }),
        }
        go
    });
}

/// The ids of a stored list ([`encode_list`]), in increasing order.
pub fn decode(blob: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(blob.len() / 2);
    for_each_in(blob, |v, _| {
        out.push(v);
        true
    });
    if blob.first() == Some(&GROUPED) {
        out.sort_unstable();
    }
    out
}

/// Call `f` with each (id, token count) of a flat ([`encode`]d) list, in id order.
pub fn decode_into(blob: &[u8], mut f: impl FnMut(u32, u8)) {
    decode_until(blob, |v, len| {
        f(v, len);
        true
    });
}

/// [`decode_into`] until `f` returns false.
pub fn decode_until(blob: &[u8], mut f: impl FnMut(u32, u8) -> bool) {
    let mut prev = 0u32;
    let mut i = 0;
    while i < blob.len() {
        let Some(delta) = next_delta(blob, &mut i) else { return };
        prev = prev.wrapping_add(delta);
        let len = blob.get(i).copied().unwrap_or(0);
        i += 1;
        if !f(prev, len) {
            return;
        }
    }
}

/// How many variants contain the gram `key` (0 when none).
pub fn doc_freq(conn: &Connection, key: i64) -> Result<u32> {
    let mut q = conn.prepare_cached("SELECT n FROM fz_gram WHERE key = ?1")?;
    Ok(q.query_row([key], |r| r.get::<_, i64>(0)).optional()?.unwrap_or(0) as u32)
}

/// Call `f` with (index in `pairs`, bucket, document frequency) of each non-empty length
/// bucket of each token pair of `pairs` that has a row in `fz_pair`, and return which have
/// one. A pair without a row has fewer than [`PAIR_ROW_MIN`] postings (or is not in the
/// index at all): [`for_each_row_between`] gives its buckets. A read of a small table instead
/// of a range scan of `fz_gram`, whose rows hold the lists: measured at 1M units, the
/// frequency scans were a sixth of a Japanese lookup, mostly descents to leaves not touched
/// before. One point read per pair, in key order: an `IN` list of 32 keys a statement
/// (round 7) built a temporary B-tree of its keys before seeking each one, a third of the
/// time these reads took (1M units, Japanese).
pub fn pair_buckets(
    conn: &Connection,
    lang_base: &str,
    pairs: &[u64],
    mut f: impl FnMut(usize, u8, u32),
) -> Result<Vec<bool>> {
    let mut found = vec![false; pairs.len()];
    // (key, index in pairs), in key order (pairs whose keys collide share the row).
    let mut keys: Vec<(i64, usize)> =
        pairs.iter().enumerate().map(|(i, &p)| (bigram_key(lang_base, p, 0), i)).collect();
    keys.sort_unstable();
    let cached = PAIR_ROWS.with(|rows| -> Result<bool> {
        let mut rows = rows.borrow_mut();
        let Some(table) = rows.table_for(conn, keys.len())? else { return Ok(false) };
        for &(key, i) in &keys {
            if let Some(counts) = table.get(key) {
                found[i] = true;
                for_each_pair_count(counts, |b, n| f(i, b, n));
            }
        }
        Ok(true)
    })?;
    if cached {
        return Ok(found);
    }
    let mut q = conn.prepare_cached("SELECT counts FROM fz_pair WHERE key = ?1")?;
    let mut at = 0;
    while at < keys.len() {
        let key = keys[at].0;
        let same = keys[at..].iter().take_while(|k| k.0 == key).count();
        let mut rows = q.query([key])?;
        if let Some(r) = rows.next()? {
            let counts = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            for &(_, i) in &keys[at..at + same] {
                found[i] = true;
                for_each_pair_count(counts, |b, n| f(i, b, n));
            }
        }
        at += same;
    }
    Ok(found)
}

thread_local! {
    /// `fz_pair` in memory for the batch of lookups of [`batch_pair_rows`], if any.
    static PAIR_ROWS: std::cell::RefCell<PairRows> = std::cell::RefCell::new(PairRows::default());
}

/// While it lives, [`pair_buckets`] on its connection may answer from a copy of `fz_pair`
/// in memory (see [`batch_pair_rows`]); dropped, the copy goes.
pub struct PairRowsBatch<'c> {
    _conn: std::marker::PhantomData<&'c Connection>,
}

/// Let the lookups on `conn` of a batch (`tomo lookup --stdin`) read `fz_pair` from a copy
/// in memory, until the returned guard is dropped (one batch at a time per thread). The
/// copy is made once the batch has made `PAIR_READS_BEFORE_COPY` (4,096) point reads (a
/// Japanese lookup makes ~40), and is dropped whenever `PRAGMA data_version` (another
/// connection's commit) or the connection's `total_changes` (its own writes) moves.
/// Measured at 1M units: the point reads, each a descent of a B-tree of 0.8 MB through
/// leaves out of the CPU's caches, were 8 % of a Japanese batch's CPU; the copy made them
/// 3.4 % fewer instructions and ~4 % less CPU for the whole batch.
pub fn batch_pair_rows(conn: &Connection) -> PairRowsBatch<'_> {
    PAIR_ROWS.with(|rows| {
        *rows.borrow_mut() = PairRows { conn: Some(conn as *const Connection as usize), ..PairRows::default() };
    });
    PairRowsBatch { _conn: std::marker::PhantomData }
}

impl Drop for PairRowsBatch<'_> {
    fn drop(&mut self) {
        PAIR_ROWS.with(|rows| *rows.borrow_mut() = PairRows::default());
    }
}

/// Point reads of `fz_pair` a batch makes before it copies the table ([`batch_pair_rows`]):
/// about a hundred Japanese lines. The copy of the 1M bench memory's 31.6k rows costs
/// about what 300 lines' point reads cost in instructions (fewer in time: it is a
/// sequential scan): a batch shorter than this pays nothing for the copy, one that ends
/// just after it a few milliseconds, and from a few hundred lines on the copy has paid.
pub(crate) const PAIR_READS_BEFORE_COPY: u64 = 4096;

#[cfg(test)]
thread_local! {
    /// [`PAIR_READS_BEFORE_COPY`] in tests (the contract tests also copy at the first read).
    pub(crate) static TEST_PAIR_READS_BEFORE_COPY: std::cell::Cell<u64> =
        const { std::cell::Cell::new(PAIR_READS_BEFORE_COPY) };
}

fn pair_reads_before_copy() -> u64 {
    #[cfg(test)]
    return TEST_PAIR_READS_BEFORE_COPY.with(|r| r.get());
    #[cfg(not(test))]
    PAIR_READS_BEFORE_COPY
}

/// The state of [`batch_pair_rows`].
#[derive(Default)]
struct PairRows {
    /// The batch's connection (its address: the guard borrows it, so it cannot move).
    conn: Option<usize>,
    /// (`PRAGMA data_version`, `total_changes`) when `reads` started and `table` was read.
    stamp: (i64, u64),
    /// Point reads made without the copy since.
    reads: u64,
    table: Option<BlobsByKey>,
}

impl PairRows {
    /// The copy of `fz_pair` to read `wanted` pairs from, made now if the batch has read
    /// enough; `None` outside a batch on `conn` and before that (the caller reads rows).
    fn table_for(&mut self, conn: &Connection, wanted: usize) -> Result<Option<&BlobsByKey>> {
        if self.conn != Some(conn as *const Connection as usize) {
            return Ok(None);
        }
        let mut q = conn.prepare_cached("PRAGMA data_version")?;
        let stamp = (q.query_row([], |r| r.get::<_, i64>(0))?, conn.total_changes());
        if stamp != self.stamp {
            *self = PairRows { conn: self.conn, stamp, ..PairRows::default() };
        }
        if self.table.is_none() {
            self.reads += wanted as u64;
            if self.reads < pair_reads_before_copy() {
                return Ok(None);
            }
            self.table = Some(read_pair_table(conn)?);
        }
        Ok(self.table.as_ref())
    }
}

/// Blobs copied out of the database, by gram key: each a range of one buffer, found through
/// the hasher the import's buffers use for gram keys ([`GramHasher`]: a bigram key ends in
/// its bucket byte). A batch's copy of `fz_pair`, a lookup's copies of posting lists.
#[derive(Default)]
pub(crate) struct BlobsByKey {
    at: HashMap<i64, (usize, usize), std::hash::BuildHasherDefault<GramHasher>>,
    bytes: Vec<u8>,
}

impl BlobsByKey {
    /// Keep a copy of `blob` under `key`.
    pub(crate) fn add(&mut self, key: i64, blob: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(blob);
        self.at.insert(key, (start, self.bytes.len()));
    }

    /// The blob kept under `key`, if any.
    pub(crate) fn get(&self, key: i64) -> Option<&[u8]> {
        let &(start, end) = self.at.get(&key)?;
        self.bytes.get(start..end)
    }

    /// Empty, keeping the buffers' capacity.
    pub(crate) fn clear(&mut self) {
        self.at.clear();
        self.bytes.clear();
    }
}

/// The rows of `fz_pair`, by key.
fn read_pair_table(conn: &Connection) -> Result<BlobsByKey> {
    let mut t = BlobsByKey::default();
    let mut q = conn.prepare("SELECT key, counts FROM fz_pair")?;
    let mut read = q.query([])?;
    while let Some(r) = read.next()? {
        t.add(r.get(0)?, r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?);
    }
    Ok(t)
}

/// Call `f` with the key, the postings and the stored list ([`encode_list`]) of each gram
/// from `first` to `last` (keys, inclusive): for a pair without a row in `fz_pair`, its
/// buckets' document frequencies and (short) lists in one range scan.
pub fn for_each_row_between(
    conn: &Connection,
    first: i64,
    last: i64,
    mut f: impl FnMut(i64, u32, &[u8]),
) -> Result<()> {
    let mut q = conn.prepare_cached("SELECT key, n, ids FROM fz_gram NOT INDEXED WHERE key BETWEEN ?1 AND ?2")?;
    let mut rows = q.query([first, last])?;
    while let Some(r) = rows.next()? {
        let list = r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
        f(r.get(0)?, r.get::<_, i64>(1)? as u32, list);
    }
    Ok(())
}

/// Call `f` with the key and the [`encode`]d list of each gram from `first` to `last`
/// (keys, inclusive): the length buckets of one pair ([`bigram_key`]) in one range scan,
/// decoded later from the caller's copy.
pub fn for_each_list_between(conn: &Connection, first: i64, last: i64, mut f: impl FnMut(i64, &[u8])) -> Result<()> {
    // NOT INDEXED: the range is on the rowid; the (key, n) index would add a lookup per row.
    let mut q = conn.prepare_cached("SELECT key, ids FROM fz_gram NOT INDEXED WHERE key BETWEEN ?1 AND ?2")?;
    let mut rows = q.query([first, last])?;
    while let Some(r) = rows.next()? {
        f(r.get(0)?, r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?);
    }
    Ok(())
}

/// The encoded posting list of `key` (empty when none).
pub fn posting_blob(conn: &Connection, key: i64) -> Result<Vec<u8>> {
    let mut q = conn.prepare_cached("SELECT ids FROM fz_gram WHERE key = ?1")?;
    Ok(q.query_row([key], |r| r.get::<_, Vec<u8>>(0)).optional()?.unwrap_or_default())
}

/// Call `f` with each (id, token count) of the posting list of `key` (none when the gram
/// is not indexed), in the order of [`for_each_in`]. `f` returns whether to go on (false:
/// the caller has seen enough of the list).
pub fn for_each_posting(conn: &Connection, key: i64, f: impl FnMut(u32, u8) -> bool) -> Result<()> {
    with_list(conn, key, |blob| for_each_in(blob, f))
}

/// Call `f` with the stored list of `key` ([`encode_list`]; not called when the gram is not
/// indexed). Reads straight from SQLite's row buffer: a common gram's list is megabytes,
/// and copying it out first cost a fresh allocation (page faults) per read.
pub fn with_list(conn: &Connection, key: i64, f: impl FnOnce(&[u8])) -> Result<()> {
    let mut q = conn.prepare_cached("SELECT ids FROM fz_gram WHERE key = ?1")?;
    let mut rows = q.query([key])?;
    if let Some(r) = rows.next()? {
        f(r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?);
    }
    Ok(())
}

/// The language subtags that have indexed variants.
pub fn languages(conn: &Connection) -> Result<Vec<String>> {
    let mut q = conn.prepare_cached("SELECT lang_base FROM fz_lang ORDER BY lang_base")?;
    Ok(q.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// Build the index from scratch from the stored variants (for a memory written before the
/// index existed). One transaction.
pub fn rebuild(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    rebuild_in(&tx)?;
    tx.commit()?;
    Ok(())
}

/// [`rebuild`] inside a transaction the caller commits (the schema migration that adds the
/// index builds it in the same transaction, so a migrated memory is never left unindexed).
pub fn rebuild_in(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch("DELETE FROM fz_gram; DELETE FROM fz_lang;")?;
    if has_pair_table(tx)? {
        tx.execute("DELETE FROM fz_pair", [])?;
    }
    // The switch is for the benchmark's no-index import; a rebuild always indexes.
    let was = ENABLED.with(|e| e.replace(true));
    on_import_started(tx)?;
    let built = (|| {
        let mut q = tx.prepare("SELECT id, lang, norm FROM variant ORDER BY id")?;
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let tag: String = r.get(1)?;
            let Ok(lang) = Lang::parse(&tag) else { continue };
            let norm: String = r.get(2)?;
            on_variant_inserted(tx, r.get(0)?, &lang, &norm)?;
        }
        on_import_finished(tx)
    })();
    ENABLED.with(|e| e.set(was));
    built
}

/// Store every list of [`GROUP_MIN`] postings or more in the layout [`encode_list`]
/// chooses (migration 005: the lists of schema 4 are all flat, which stays readable, but a
/// lookup skips lengths only in grouped lists). Inside the caller's transaction.
pub fn regroup_in(tx: &Transaction<'_>) -> Result<()> {
    let mut read = tx.prepare("SELECT key, ids FROM fz_gram WHERE n >= ?1")?;
    let mut write = tx.prepare("UPDATE fz_gram SET ids = ?2 WHERE key = ?1")?;
    let mut rows = read.query([GROUP_MIN as i64])?;
    let mut changed: Vec<(i64, Vec<u8>)> = Vec::new();
    while let Some(r) = rows.next()? {
        let blob = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        let mut all = Vec::new();
        for_each_in(blob, |v, len| {
            all.push((v, len));
            true
        });
        all.sort_unstable();
        let list = encode_list(&all);
        if list != blob {
            changed.push((r.get(0)?, list));
        }
        // Written in batches, so the rewritten lists are not all held at once.
        if changed.len() >= 4096 {
            for (key, list) in changed.drain(..) {
                write.execute(params![key, list])?;
            }
        }
    }
    for (key, list) in changed {
        write.execute(params![key, list])?;
    }
    Ok(())
}

/// Bytes the index takes in the database file (needs SQLite's `dbstat`; `None` without it).
pub fn size_on_disk(conn: &Connection) -> Option<u64> {
    conn.query_row("SELECT sum(pgsize) FROM dbstat WHERE name IN ('fz_gram', 'fz_lang', 'fz_pair')", [], |r| {
        r.get::<_, i64>(0)
    })
    .ok()
    .map(|n| n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::fuzzy::tokenize::tokenize;

    fn grams(postings: &[(i64, u32, u8)]) -> Grams {
        let mut g = Grams::default();
        for &(k, v, l) in postings {
            g.entry(k).or_default().push(v, l);
        }
        g
    }

    fn list(conn: &Connection, key: i64) -> Vec<(u32, u8)> {
        let mut out = Vec::new();
        for_each_posting(conn, key, |v, l| {
            out.push((v, l));
            true
        })
        .unwrap();
        out
    }

    /// A row of `fz_gram` with its list decoded: (key, n, last, postings).
    type ListRow = (i64, i64, i64, Vec<(u32, u8)>);

    /// Every list of the index, decoded, by key.
    fn all_lists(conn: &Connection) -> Vec<ListRow> {
        let rows: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT key, n, last FROM fz_gram ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.into_iter().map(|(k, n, last)| (k, n, last, list(conn, k))).collect()
    }

    /// Units `from..to` of a made-up run of weather reports, ja/en.
    fn batch(from: usize, to: usize) -> Vec<Result<crate::formats::ReadItem>> {
        (from..to)
            .map(|i| {
                let kanji = |k: usize| char::from_u32(0x4E00 + (k % 300) as u32).unwrap();
                let ja = format!(
                    "第{}報、{}{}で{}が降った。",
                    i % 37,
                    kanji(i * 7),
                    kanji(i * 13),
                    ["雨", "雪", "風"][i % 3]
                );
                crate::tm::store::tests::pair(&ja, &format!("Report {i} of w{}.", i % 97))
            })
            .collect()
    }

    /// A failed import's postings, buffered on its thread and spilled, never reach the
    /// index: the next import, whose variants take the same ids, posts its own only.
    #[test]
    fn a_failed_import_posts_nothing() {
        use crate::tm::{ImportOptions, TranslationMemory};
        let opts = ImportOptions::default();
        let mut want = TranslationMemory::open_in_memory().unwrap();
        want.import(batch(0, 300), &opts).unwrap();
        want.import(batch(300, 700), &opts).unwrap();
        let mut got = TranslationMemory::open_in_memory().unwrap();
        got.import(batch(0, 300), &opts).unwrap();
        TEST_FLUSH_AT.with(|f| f.set(300));
        let mut failing = batch(500, 900);
        failing.push(Err(crate::Error::parse("broken at the end")));
        assert!(got.import(failing, &opts).is_err());
        TEST_FLUSH_AT.with(|f| f.set(FLUSH_AT_BYTES));
        got.import(batch(300, 700), &opts).unwrap();
        assert_eq!(all_lists(got.conn()), all_lists(want.conn()));
    }

    #[test]
    fn spilled_buffers_give_the_lists_of_one_write() {
        use crate::tm::{ImportOptions, TranslationMemory};
        // Into an empty memory, then into one that has lists (and where a deleted unit's
        // ids may come back): each with every buffer spilled early, and without.
        let dir = tempfile::tempdir().unwrap();
        let build = |flush_at: usize, file: Option<&str>| {
            TEST_FLUSH_AT.with(|f| f.set(flush_at));
            // A memory with a file spills beside it.
            let mut tm = match file {
                Some(name) => TranslationMemory::open(&dir.path().join(name)).unwrap(),
                None => TranslationMemory::open_in_memory().unwrap(),
            };
            tm.import(batch(0, 300), &ImportOptions::default()).unwrap();
            tm.conn().execute("DELETE FROM unit WHERE id > 290", []).unwrap();
            tm.import(batch(300, 700), &ImportOptions::default()).unwrap();
            TEST_FLUSH_AT.with(|f| f.set(FLUSH_AT_BYTES));
            tm
        };
        let (whole, spilled) = (build(FLUSH_AT_BYTES, None), build(300, None));
        let want = all_lists(whole.conn());
        assert!(want.len() > 100, "{} lists", want.len());
        assert_eq!(all_lists(spilled.conn()), want);
        assert_eq!(all_lists(build(300, Some("tm.db")).conn()), want);
    }

    #[test]
    fn buffered_lists_append_to_the_lists_on_disk() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::tm::schema::migrate(&mut conn).unwrap();
        let langs = ["en".to_string()];
        write_postings(&conn, grams(&[(7, 1, 3), (7, 200, 4), (9, 2, 1)]), &langs).unwrap();
        // A zero byte (a text without tokens) survives SQL's `||`.
        write_postings(&conn, grams(&[(7, 300, 0), (7, 100_000, 6), (8, 301, 2)]), &langs).unwrap();
        assert_eq!(list(&conn, 7), [(1, 3), (200, 4), (300, 0), (100_000, 6)]);
        assert_eq!(list(&conn, 8), [(301, 2)]);
        assert_eq!(list(&conn, 9), [(2, 1)]);
        assert_eq!(doc_freq(&conn, 7).unwrap(), 4);
        assert_eq!(posting_blob(&conn, 7).unwrap(), encode(&[(1, 3), (200, 4), (300, 0), (100_000, 6)]));
        // Ids at or below a list's last one (reused after a deletion) are merged in order.
        write_postings(&conn, grams(&[(7, 250, 9), (7, 200, 4), (7, 100_001, 1)]), &langs).unwrap();
        assert_eq!(list(&conn, 7), [(1, 3), (200, 4), (250, 9), (300, 0), (100_000, 6), (100_001, 1)]);
        assert_eq!(doc_freq(&conn, 7).unwrap(), 6);
        let last: i64 = conn.query_row("SELECT last FROM fz_gram WHERE key = 7", [], |r| r.get(0)).unwrap();
        assert_eq!(last, 100_001);
    }

    /// A list of 40 postings over three lengths: grouped, each group in id order, the
    /// lengths ascending; read back whole, by segment, and merged with later postings.
    #[test]
    fn long_lists_are_grouped_by_token_count() {
        let ids: Vec<(u32, u8)> = (1..=40u32).map(|i| (i * 7, [12u8, 30, 5][(i % 3) as usize])).collect();
        let blob = encode_list(&ids);
        assert_eq!(blob[0], GROUPED);
        assert!(blob.len() < encode(&ids).len(), "grouped saves the length bytes");
        let mut segs = Vec::new();
        for_each_segment(&blob, |seg| {
            let Segment::Group { len, count, ids } = seg else { panic!("a flat segment in a grouped list") };
            let mut got = Vec::new();
            decode_ids(ids, |v| {
                got.push(v);
                true
            });
            assert_eq!(got.len(), count as usize);
            segs.push((len, got));
            true
        });
        let lens: Vec<u8> = segs.iter().map(|s| s.0).collect();
        assert_eq!(lens, [5, 12, 30]);
        for (len, got) in &segs {
            let want: Vec<u32> = ids.iter().filter(|p| p.1 == *len).map(|p| p.0).collect();
            assert_eq!(got, &want);
        }
        assert_eq!(decode(&blob), ids.iter().map(|p| p.0).collect::<Vec<_>>());
        // A short list stays flat; one holding id 0 is grouped (a flat one would start with 0).
        assert_eq!(encode_list(&ids[..3]), encode(&ids[..3]));
        assert_eq!(encode_list(&[(0, 4), (9, 4)])[0], GROUPED);
        assert_eq!(decode(&encode_list(&[(0, 4), (9, 4)])), [0, 9]);
        // Stopping early stops every group.
        let mut seen = 0;
        for_each_in(&blob, |_, _| {
            seen += 1;
            seen < 3
        });
        assert_eq!(seen, 3);

        let mut conn = Connection::open_in_memory().unwrap();
        crate::tm::schema::migrate(&mut conn).unwrap();
        let langs = ["ja".to_string()];
        let first: Vec<(i64, u32, u8)> = ids.iter().map(|&(v, l)| (5, v, l)).collect();
        write_postings(&conn, grams(&first), &langs).unwrap();
        assert_eq!(posting_blob(&conn, 5).unwrap(), blob);
        // Appended ids, and one reused after a deletion, merge into the grouped list.
        write_postings(&conn, grams(&[(5, 1000, 30), (5, 3, 5), (5, 1001, 99)]), &langs).unwrap();
        let mut want = ids.clone();
        want.extend([(1000, 30), (3, 5), (1001, 99)]);
        want.sort_unstable();
        let mut got = list(&conn, 5);
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(doc_freq(&conn, 5).unwrap(), 43);
        assert_eq!(posting_blob(&conn, 5).unwrap(), encode_list(&want));
        // Ids above the last are appended to their groups (a new length gets a new group):
        // the same bytes as the whole list laid out at once.
        write_postings(&conn, grams(&[(5, 2000, 12), (5, 2001, 77), (5, 2002, 5)]), &langs).unwrap();
        want.extend([(2000, 12), (2001, 77), (2002, 5)]);
        assert_eq!(posting_blob(&conn, 5).unwrap(), encode_list(&want));
        assert_eq!(doc_freq(&conn, 5).unwrap(), 46);
        let last: i64 = conn.query_row("SELECT last FROM fz_gram WHERE key = 5", [], |r| r.get(0)).unwrap();
        assert_eq!(last, 2002);
    }

    /// Issue 5: a pair's row in `fz_pair` holds the postings of each of its bucket rows in
    /// `fz_gram`: made once a write leaves [`PAIR_ROW_MIN`] postings in the buckets it
    /// touched (counting the buckets it did not touch), and kept up to date by every write
    /// after, appended, merged or in a new bucket. Other keys have no row.
    #[test]
    fn pair_rows_follow_the_bucket_rows() {
        let conn = Connection::open_in_memory().unwrap();
        let mut c = conn;
        crate::tm::schema::migrate(&mut c).unwrap();
        let conn = c;
        let langs = ["ja".to_string()];
        let pair = bigram_key("ja", bigram_class(1, 2), 0);
        let (b3, b5) = (pair | 3, pair | 5);
        let row = |conn: &Connection| {
            let mut got = Vec::new();
            let found = pair_buckets(conn, "ja", &[bigram_class(1, 2)], |_, b, n| got.push((b, n))).unwrap();
            found[0].then_some(got)
        };
        let scan = |conn: &Connection| {
            let mut got = Vec::new();
            for_each_row_between(conn, pair, pair | i64::from(LAST_BUCKET), |k, n, list| {
                assert_eq!(decode(list).len(), n as usize);
                got.push(((k & 0xff) as u8, n));
            })
            .unwrap();
            got
        };
        let min = PAIR_ROW_MIN;
        // Short of the threshold: no row, the range scan has them.
        write_postings(&conn, grams(&[(b5, 1, 40), (b5, 2, 41)]), &langs).unwrap();
        assert_eq!(row(&conn), None);
        assert_eq!(scan(&conn), [(5, 2)]);
        // Bucket 3 reaches it alone: the row also counts bucket 5, not written this time.
        let many: Vec<(i64, u32, u8)> = (0..min).map(|i| (b3, 100 + i, 5)).collect();
        write_postings(&conn, grams(&many), &langs).unwrap();
        assert_eq!(row(&conn), Some(vec![(3, min), (5, 2)]));
        // Appended to, merged with an id out of order, a new bucket: the row follows.
        write_postings(&conn, grams(&[(b5, 50, 40), (b3, 1000, 6), (pair | 8, 7, 200)]), &langs).unwrap();
        assert_eq!(row(&conn), Some(vec![(3, min + 1), (5, 3), (8, 1)]));
        assert_eq!(row(&conn).unwrap(), scan(&conn));
        // A big write (past the point where the keys of all rows are read once).
        let big: Vec<(i64, u32, u8)> = (0..5000u32).map(|i| ((i64::from(i) << 8) | 2, 2000 + i, 3)).collect();
        write_postings(&conn, grams(&[&big[..], &[(b5, 9000, 40)]].concat()), &langs).unwrap();
        assert_eq!(row(&conn), Some(vec![(3, min + 1), (5, 4), (8, 1)]));
        assert_eq!(row(&conn).unwrap(), scan(&conn));
        let rows: i64 = conn.query_row("SELECT count(*) FROM fz_pair", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1, "the single postings of other keys make no rows");
        // What migration 006 builds from the lists is what the writes kept.
        let kept: Vec<(i64, Vec<u8>)> = conn
            .prepare("SELECT key, counts FROM fz_pair ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut c = conn;
        let tx = c.transaction().unwrap();
        build_pair_rows_in(&tx).unwrap();
        let built: Vec<(i64, Vec<u8>)> = tx
            .prepare("SELECT key, counts FROM fz_pair ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(built, kept);
    }

    /// Issue 5: inside a batch ([`batch_pair_rows`]) the pair frequencies are what the rows
    /// hold, before the batch copies `fz_pair` and after, and the copy follows a write
    /// through the batch's connection and a commit by another connection.
    #[test]
    fn a_batch_copy_of_the_pair_rows_follows_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let mut c = Connection::open(&path).unwrap();
        crate::tm::schema::migrate(&mut c).unwrap();
        let conn = c;
        let langs = ["ja".to_string()];
        let pair = bigram_key("ja", bigram_class(1, 2), 0);
        let rows = |first: u32, n: u32, bucket: i64| -> Grams {
            grams(&(first..first + n).map(|i| (pair | bucket, i, 5)).collect::<Vec<_>>())
        };
        write_postings(&conn, rows(1, PAIR_ROW_MIN, 3), &langs).unwrap();
        // Enough pairs in one read to pass the reads before the copy; the others have no row.
        let pairs: Vec<u64> = std::iter::once(bigram_class(1, 2))
            .chain((0..PAIR_READS_BEFORE_COPY).map(|i| bigram_class(7, 1000 + i)))
            .collect();
        let read = |conn: &Connection| {
            let mut got = Vec::new();
            let found = pair_buckets(conn, "ja", &pairs, |i, b, n| got.push((i, b, n))).unwrap();
            assert!(found[1..].iter().all(|&f| !f));
            found[0].then_some(got)
        };
        let copied = || PAIR_ROWS.with(|r| r.borrow().table.is_some());
        let batch = batch_pair_rows(&conn);
        assert_eq!(read(&conn), Some(vec![(0, 3, PAIR_ROW_MIN)]));
        assert!(copied());
        assert_eq!(read(&conn), Some(vec![(0, 3, PAIR_ROW_MIN)]));
        // A write through the batch's own connection.
        write_postings(&conn, rows(1000, 2, 5), &langs).unwrap();
        assert_eq!(read(&conn), Some(vec![(0, 3, PAIR_ROW_MIN), (0, 5, 2)]));
        // A commit by another connection.
        let other = Connection::open(&path).unwrap();
        write_postings(&other, rows(2000, 3, 4), &langs).unwrap();
        assert_eq!(read(&conn), Some(vec![(0, 3, PAIR_ROW_MIN), (0, 4, 3), (0, 5, 2)]));
        assert!(copied());
        drop(batch);
        assert!(!copied());
        assert_eq!(read(&conn), Some(vec![(0, 3, PAIR_ROW_MIN), (0, 4, 3), (0, 5, 2)]));
        drop((conn, other));
    }

    /// Issue 5: an import keeps every pair's row equal to what its bucket rows hold (the
    /// threshold lowered so that every pair has one), whether its buffers are spilled or
    /// not, and a rebuild of the index makes the same rows again.
    #[test]
    fn imports_and_rebuilds_keep_the_pair_rows_exact() {
        for flush_at in [FLUSH_AT_BYTES, 1] {
            TEST_FLUSH_AT.with(|f| f.set(flush_at));
            pair_rows_after_imports_and_rebuild();
            TEST_FLUSH_AT.with(|f| f.set(FLUSH_AT_BYTES));
        }
    }

    fn pair_rows_after_imports_and_rebuild() {
        use crate::formats::ReadItem;
        use crate::tm::{ImportOptions, TranslationMemory, Unit, Variant};
        let rows = |conn: &Connection| -> Vec<(i64, Vec<u8>)> {
            conn.prepare("SELECT key, counts FROM fz_pair ORDER BY key")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        TEST_PAIR_ROW_MIN.with(|m| m.set(1));
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let (ja, en) = (Lang::parse("ja").unwrap(), Lang::parse("en").unwrap());
        let texts = ["東京で雪が降りました。", "東京で雨が降りました。", "大阪で雪が降った。", "雪"];
        for chunk in texts.chunks(2) {
            let units = chunk.iter().map(|t| {
                Ok(ReadItem::Unit(Unit::new(vec![
                    Variant::from_plain(ja.clone(), t),
                    Variant::from_plain(en.clone(), &format!("{t} (en)")),
                ])))
            });
            tm.import(units, &ImportOptions::default()).unwrap();
        }
        let kept = rows(tm.conn());
        assert!(!kept.is_empty());
        for (key, counts) in &kept {
            let mut scanned = Vec::new();
            for_each_row_between(tm.conn(), *key, key | i64::from(LAST_BUCKET), |k, n, _| {
                scanned.push(((k & 0xff) as u8, n));
            })
            .unwrap();
            let mut stored = Vec::new();
            for_each_pair_count(counts, |b, n| stored.push((b, n)));
            assert_eq!(stored, scanned);
        }
        rebuild(tm.conn_mut()).unwrap();
        TEST_PAIR_ROW_MIN.with(|m| m.set(PAIR_ROW_MIN));
        assert_eq!(rows(tm.conn()), kept);
    }

    #[test]
    fn a_buffer_that_goes_out_of_order_is_sorted_when_written() {
        let g = grams(&[(1, 10, 1), (1, 500, 2), (1, 20, 3), (1, 500, 2), (1, 30, 4)]);
        assert_eq!(g[&1].postings(), [(10, 1), (20, 3), (30, 4), (500, 2)]);
    }

    #[test]
    fn length_buckets_are_monotonic_and_narrow() {
        assert_eq!((length_bucket(0), length_bucket(1), length_bucket(3), length_bucket(4)), (0, 1, 2, 3));
        assert_eq!(length_bucket(32), length_bucket(63));
        assert_ne!(length_bucket(31), length_bucket(32));
        assert_eq!(length_bucket(255), length_bucket(128));
        for len in 1..=255u8 {
            let (a, b) = (length_bucket(len - 1), length_bucket(len));
            assert!(b == a || b == a + 1, "bucket of {len} jumps");
        }
        // A bucket is at most as wide as its shortest length.
        for len in 1..=255u8 {
            let same = (1..=255u8).filter(|&l| length_bucket(l) == length_bucket(len)).count();
            assert!(same <= usize::from(len), "bucket of {len} holds {same} lengths");
        }
    }

    #[test]
    fn bigram_buckets_are_adjacent_keys() {
        let pair = bigram_class(1, 2);
        let (a, b) = (bigram_key("ja", pair, 3), bigram_key("ja", pair, 4));
        assert_eq!(b - a, 1);
        assert_eq!(a & !0xff, gram_key("ja", pair) & !0xff);
    }

    /// The keys of a text spelled out from its tokens, in text order with repeats.
    fn keys_reference(tag: &str, text: &str) -> (Vec<i64>, u8) {
        let lang = Lang::parse(tag).unwrap();
        let tokens = tokenize(text, granularity(&lang));
        let len = tokens.len().min(255) as u8;
        let mut want: Vec<i64> = tokens.iter().map(|t| gram_key(tag, t.class)).collect();
        if granularity(&lang) == Granularity::Chars {
            let bucket = length_bucket(len);
            want.extend(tokens.windows(2).map(|w| bigram_key(tag, bigram_class(w[0].class, w[1].class), bucket)));
        }
        (want, len)
    }

    #[test]
    fn keys_are_the_gram_and_bigram_keys_of_the_tokens() {
        for (tag, text) in [
            ("ja", "東京で雨が降りました。"),
            ("en", "it rained in tokyo 3.5 mm"),
            ("ko", "서울에 비가 왔다"),
            ("ja", ""),
            ("ja", "猫"),
        ] {
            let lang = Lang::parse(tag).unwrap();
            let (mut want, len) = keys_reference(tag, text);
            let mut repeats = Vec::new();
            assert_eq!(keys_with_repeats_into(&lang, text, &mut repeats), len);
            assert_eq!(repeats, want, "{tag}: {text}: text order, repeats kept");
            want.sort_unstable();
            want.dedup();
            assert_eq!(keys_of(&lang, text), (want, len), "{tag}: {text}");
        }
    }

    proptest::proptest! {
        /// The per-thread caches of a class's keys and of a pair's key give what hashing
        /// afresh gives, through languages that alternate and classes that share a slot.
        #[test]
        fn cached_class_keys_are_the_keys(
            texts in proptest::collection::vec(("(ja|en|ko|zh)", "[a-c 東京猫がはのアイ、。]{0,24}"), 1..24),
        ) {
            let mut keys = Vec::new();
            for (tag, text) in &texts {
                let len = keys_with_repeats_into(&Lang::parse(tag).unwrap(), text, &mut keys);
                proptest::prop_assert_eq!((keys.clone(), len), keys_reference(tag, text));
            }
        }
    }

    #[test]
    fn the_sum_of_a_groups_deltas_is_its_last_id() {
        for ids in [vec![], vec![5u32], vec![1, 2, 130, 20_000, 2_100_000, 4_000_000_000]] {
            let mut bytes = Vec::new();
            let mut prev = 0;
            for &v in &ids {
                push_varint(&mut bytes, v - prev);
                prev = v;
            }
            assert_eq!(sum_of_varints(&bytes), ids.last().copied().unwrap_or(0));
        }
    }

    #[test]
    fn varint_lengths() {
        for v in [0u32, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, u32::MAX] {
            let mut out = Vec::new();
            push_varint(&mut out, v);
            assert_eq!(varint_len(v), out.len(), "{v}");
        }
        let ids = [(1u32, 3u8), (200, 4), (100_000, 6)];
        assert_eq!(flat_len(&ids), encode(&ids).len());
    }

    #[test]
    fn a_key_repeated_in_a_variant_is_posted_once() {
        // What an import does with `keys_with_repeats_into`'s keys, here "ねこねこ" (the
        // token ね, こ and the pair ねこ twice), then a variant with one of them.
        let g = grams(&[(1, 5, 4), (2, 5, 4), (1, 5, 4), (2, 5, 4), (1, 9, 2), (1, 9, 2)]);
        assert_eq!(g[&1].postings(), [(5, 4), (9, 2)]);
        assert_eq!((g[&1].n, g[&2].n), (2, 1));
        assert!(!g[&1].unsorted, "a repeat is not an id out of order");
        assert_eq!(g[&1].bytes, encode(&[(5, 4), (9, 2)]));
        // Out of order (ids reused after a deletion), a repeat of the largest id is dropped too.
        let g = grams(&[(1, 10, 1), (1, 3, 1), (1, 10, 1), (1, 3, 1)]);
        assert_eq!(g[&1].postings(), [(3, 1), (10, 1)]);
    }

    #[test]
    fn varint_deltas_round_trip() {
        let ids =
            [(1u32, 3u8), (2, 255), (130, 0), (200, 1), (20_000, 7), (20_127, 2), (36_511, 9), (4_000_000_000, 1)];
        let mut back = Vec::new();
        decode_into(&encode(&ids), |v, l| back.push((v, l)));
        assert_eq!(back, ids);
        // Deltas at each varint width's bounds (1 to 5 bytes), and a list cut inside its
        // last varint, which reads as the ids before it.
        let mut ids = vec![(0u32, 0u8)];
        for delta in [127u32, 128, 16_383, 16_384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28] {
            ids.push((ids.last().unwrap().0 + delta, 1));
        }
        let bytes = encode(&ids);
        let mut back = Vec::new();
        decode_into(&bytes, |v, l| back.push((v, l)));
        assert_eq!(back, ids);
        for cut in 1..bytes.len() {
            let mut back = Vec::new();
            decode_into(&bytes[..cut], |v, l| back.push((v, l)));
            assert!(ids.starts_with(&back[..back.len().saturating_sub(1)]), "cut at {cut}");
        }
        let three = [0x80 | 5, 0x80 | 1, 2];
        let mut got = Vec::new();
        decode_ids(&three, |v| {
            got.push(v);
            true
        });
        assert_eq!(got, [5 | 1 << 7 | 2 << 14]);
        got.clear();
        decode_ids(&three[..2], |v| {
            got.push(v);
            true
        });
        assert!(got.is_empty(), "a varint cut short is not an id");
    }
}
