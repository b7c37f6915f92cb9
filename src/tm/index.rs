//! The fuzzy candidate index, kept inside the same database and transaction as the units.
//!
//! For every variant, the distinct token classes of its normalized text (see
//! [`crate::tm::fuzzy::tokenize`]: words for spaced scripts, characters for CJK, numbers as
//! one class) are posted under a 64-bit key of (language, class) in `fz_gram`: one row per
//! key holding the sorted variant ids as varint deltas. Character-matched languages also
//! post each character pair under a key of (language, pair, length bucket of the variant)
//! (schema 4). Token unigrams are the grams: the
//! multiset-overlap bound the exact search prunes with is stated on tokens, and measured
//! on the alignment dev corpus the lists stay well under the 2× size budget (README).
//!
//! Imports buffer postings in memory and append them to the lists when the import ends
//! ([`on_import_finished`], same transaction); a write outside an import (no
//! [`on_import_started`]) appends its variant's postings at once.

use std::cell::RefCell;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::Result;
use crate::lang::Lang;
use crate::tm::fuzzy::tokenize::{FNV64, Granularity, granularity, hash64, tokenize};

/// Postings held in memory before they are appended: 4 Mi postings of 16 bytes, so an
/// import's memory stays bounded (issue 2: under 256 MB whatever the file size) at the cost
/// of appending to the lists a few more times.
const FLUSH_AT: usize = 4 << 20;

/// One posting: gram key, variant id, the variant's token count (capped at 255).
type Posting = (i64, u32, u8);

struct Pending {
    conn: usize,
    postings: Vec<Posting>,
    langs: Vec<String>,
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
    let h = hash64(FNV64, lang_base.as_bytes());
    hash64(h, &class.to_le_bytes()) as i64
}

/// The class of the token pair (a, b): the bigram grams of character-matched languages.
pub fn bigram_class(a: u64, b: u64) -> u64 {
    let h = hash64(0x8f1b_bcdc_bfa5_3e0b, &a.to_le_bytes());
    hash64(h, &b.to_le_bytes())
}

/// Length bucket of each token count (255: 255 or more): powers of two (1, 2–3, 4–7, …,
/// 32–63, 64–127, 128–255), so the window a 75 % match allows (0.75–1.33 × the query)
/// falls in one or two buckets. Measured (README): quarter- and half-wide buckets were
/// up to 10 % faster at 1M units but put the index of a 10k-unit memory over twice the
/// text it indexes (a row per pair and bucket, mostly single postings).
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
/// document frequencies ([`for_each_bucket`]). A clash with another gram's key only adds
/// postings to a list, which over-counts shared grams: the bound stays an upper bound.
pub fn bigram_key(lang_base: &str, pair: u64, bucket: u8) -> i64 {
    (gram_key(lang_base, pair) & !0xff) | i64::from(bucket)
}

/// The distinct index keys of a normalized text, and its token count (capped at 255, the
/// length filter's "long"). Character-matched languages (Japanese, Chinese, Korean) also
/// post token bigrams, under the variant's length bucket ([`bigram_key`]): single
/// characters are too common to filter well, and a lookup reads only the buckets its
/// length window allows.
pub fn keys_of(lang: &Lang, norm: &str) -> (Vec<i64>, u8) {
    let g = granularity(lang);
    let tokens = tokenize(norm, g);
    let len = tokens.len().min(255) as u8;
    let mut keys: Vec<i64> = tokens.iter().map(|t| gram_key(lang.base(), t.class)).collect();
    if g == Granularity::Chars {
        let bucket = length_bucket(len);
        keys.extend(tokens.windows(2).map(|w| bigram_key(lang.base(), bigram_class(w[0].class, w[1].class), bucket)));
    }
    keys.sort_unstable();
    keys.dedup();
    (keys, len)
}

/// Called by the store when an import's transaction begins: postings are buffered from now
/// until [`on_import_finished`]. Drops what an import that failed earlier left behind.
pub fn on_import_started(tx: &Transaction<'_>) {
    let id = conn_id(tx);
    PENDING.with(|p| *p.borrow_mut() = Some(Pending { conn: id, postings: Vec::new(), langs: Vec::new() }));
}

/// Called by the store for every variant it inserts, inside the import's transaction, so
/// the index is never out of step with the units.
pub fn on_variant_inserted(tx: &Transaction<'_>, variant_id: i64, lang: &Lang, norm: &str) -> Result<()> {
    if !ENABLED.with(|e| e.get()) {
        return Ok(());
    }
    let id = conn_id(tx);
    let vid = u32::try_from(variant_id)
        .map_err(|_| crate::Error::new(crate::ErrorKind::Database, "variant id beyond the index's 32-bit range"))?;
    let (keys, len) = keys_of(lang, norm);
    let buffered = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        match p.as_mut() {
            Some(pending) if pending.conn == id => {
                pending.postings.extend(keys.iter().map(|&k| (k, vid, len)));
                if !pending.langs.iter().any(|l| l == lang.base()) {
                    pending.langs.push(lang.base().to_string());
                }
                Some(pending.postings.len() >= FLUSH_AT)
            }
            _ => None,
        }
    });
    match buffered {
        Some(true) => flush(tx),
        Some(false) => Ok(()),
        None => {
            let mut postings: Vec<Posting> = keys.iter().map(|&k| (k, vid, len)).collect();
            write_postings(tx, &mut postings, &[lang.base().to_string()])
        }
    }
}

/// Called by the store before it commits an import: append the buffered postings.
pub fn on_import_finished(tx: &Transaction<'_>) -> Result<()> {
    flush(tx)?;
    PENDING.with(|p| *p.borrow_mut() = None);
    Ok(())
}

fn flush(tx: &Transaction<'_>) -> Result<()> {
    let id = conn_id(tx);
    let taken = PENDING.with(|p| {
        p.borrow_mut()
            .as_mut()
            .filter(|pending| pending.conn == id)
            .map(|pending| (std::mem::take(&mut pending.postings), pending.langs.clone()))
    });
    if let Some((mut postings, langs)) = taken {
        write_postings(tx, &mut postings, &langs)?;
    }
    Ok(())
}

fn write_postings(conn: &Connection, postings: &mut [Posting], langs: &[String]) -> Result<()> {
    let mut lang_ins = conn.prepare_cached("INSERT OR IGNORE INTO fz_lang (lang_base) VALUES (?1)")?;
    for l in langs {
        lang_ins.execute([l])?;
    }
    postings.sort_unstable();
    let mut get = conn.prepare_cached("SELECT n, last, ids FROM fz_gram WHERE key = ?1")?;
    let mut put = conn.prepare_cached("INSERT OR REPLACE INTO fz_gram (key, n, last, ids) VALUES (?1, ?2, ?3, ?4)")?;
    let mut i = 0;
    while i < postings.len() {
        let key = postings[i].0;
        let mut j = i;
        while j < postings.len() && postings[j].0 == key {
            j += 1;
        }
        let new: Vec<(u32, u8)> = postings[i..j].iter().map(|p| (p.1, p.2)).collect();
        let old: Option<(i64, i64, Vec<u8>)> =
            get.query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
        let (n, last, blob) = match old {
            None => (new.len(), new[new.len() - 1].0, encode(&new)),
            Some((n, last, mut blob)) if i64::from(new[0].0) > last => {
                let mut prev = last as u32;
                for &(v, len) in &new {
                    push_varint(&mut blob, v - prev);
                    blob.push(len);
                    prev = v;
                }
                (n as usize + new.len(), new[new.len() - 1].0, blob)
            }
            Some((_, _, blob)) => {
                // Ids reused after a deletion: merge the whole list.
                let mut all = Vec::new();
                decode_into(&blob, |v, len| all.push((v, len)));
                all.extend_from_slice(&new);
                all.sort_unstable();
                all.dedup_by_key(|p| p.0);
                (all.len(), all[all.len() - 1].0, encode(&all))
            }
        };
        put.execute(params![key, n as i64, i64::from(last), blob])?;
        i = j;
    }
    Ok(())
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Sorted (id, token count) postings as a varint id delta followed by one length byte,
/// so the length filter runs before a candidate is counted.
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

/// The ids of an [`encode`]d list.
pub fn decode(blob: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(blob.len() / 2);
    decode_into(blob, |v, _| out.push(v));
    out
}

/// Call `f` with each (id, token count) of an [`encode`]d list, in id order.
pub fn decode_into(blob: &[u8], mut f: impl FnMut(u32, u8)) {
    decode_until(blob, |v, len| {
        f(v, len);
        true
    });
}

/// [`decode_into`] until `f` returns false.
pub fn decode_until(blob: &[u8], mut f: impl FnMut(u32, u8) -> bool) {
    let mut prev = 0u32;
    let mut cur = 0u32;
    let mut shift = 0;
    let mut i = 0;
    while i < blob.len() {
        let b = blob[i];
        i += 1;
        cur |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            prev = prev.wrapping_add(cur);
            let len = blob.get(i).copied().unwrap_or(0);
            i += 1;
            if !f(prev, len) {
                return;
            }
            cur = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
}

/// How many variants contain the gram `key` (0 when none).
pub fn doc_freq(conn: &Connection, key: i64) -> Result<u32> {
    let mut q = conn.prepare_cached("SELECT n FROM fz_gram WHERE key = ?1")?;
    Ok(q.query_row([key], |r| r.get::<_, i64>(0)).optional()?.unwrap_or(0) as u32)
}

/// Call `f` with (bucket, document frequency) of each non-empty length bucket of the token
/// pair `pair` from `first` to `last` (one range scan: [`bigram_key`]s of a pair are
/// adjacent).
pub fn for_each_bucket(
    conn: &Connection,
    lang_base: &str,
    pair: u64,
    first: u8,
    last: u8,
    mut f: impl FnMut(u8, u32),
) -> Result<()> {
    let mut q = conn.prepare_cached("SELECT key, n FROM fz_gram WHERE key BETWEEN ?1 AND ?2")?;
    let mut rows = q.query([bigram_key(lang_base, pair, first), bigram_key(lang_base, pair, last)])?;
    while let Some(r) = rows.next()? {
        let key: i64 = r.get(0)?;
        f((key & 0xff) as u8, r.get::<_, i64>(1)? as u32);
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
/// is not indexed). Decodes straight from SQLite's row buffer: a common gram's list is
/// megabytes, and copying it out first cost a fresh allocation (page faults) per read.
/// `f` returns whether to go on (false: the caller has seen enough of the list).
pub fn for_each_posting(conn: &Connection, key: i64, mut f: impl FnMut(u32, u8) -> bool) -> Result<()> {
    let mut q = conn.prepare_cached("SELECT ids FROM fz_gram WHERE key = ?1")?;
    let mut rows = q.query([key])?;
    if let Some(r) = rows.next()? {
        decode_until(r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?, &mut f);
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
    // The switch is for the benchmark's no-index import; a rebuild always indexes.
    let was = ENABLED.with(|e| e.replace(true));
    on_import_started(tx);
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

/// Bytes the index takes in the database file (needs SQLite's `dbstat`; `None` without it).
pub fn size_on_disk(conn: &Connection) -> Option<u64> {
    conn.query_row("SELECT sum(pgsize) FROM dbstat WHERE name IN ('fz_gram', 'fz_lang')", [], |r| r.get::<_, i64>(0))
        .ok()
        .map(|n| n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn varint_deltas_round_trip() {
        let ids = [(1u32, 3u8), (2, 255), (130, 0), (20_000, 7), (4_000_000_000, 1)];
        let mut back = Vec::new();
        decode_into(&encode(&ids), |v, l| back.push((v, l)));
        assert_eq!(back, ids);
    }
}
