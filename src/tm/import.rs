//! The import path of the store: units read from a file become rows of `unit` and
//! `variant` and postings of the fuzzy index, in one transaction, de-duplicated.
//!
//! An import runs in two stages. [`prepare`] does everything that does not need the
//! database (normalized forms, hashes, the de-duplication key, the index keys, the JSON
//! columns); [`Importer`] writes. [`TranslationMemory::import_stream`] reads the file and
//! runs the first stage on two threads of their own, so reading and preparing overlap with
//! SQLite's work.
//!
//! Into an empty memory the import is a bulk load: the index on the unit keys
//! (`unit_by_key`) is dropped inside the transaction, rows are appended in rowid order (a
//! unit's variants with consecutive ids, the range its row holds), duplicates and earlier
//! sources are told from in-memory sets ([`BulkSets`], on the preparing thread when there
//! is one), the variants' `norm_key` rows are collected, and at the end they are sorted
//! and appended in order and the index is built by one sort. Past [`BULK_UNITS_CAP`] units
//! this is done at once and the import goes on with probes, so memory stays bounded
//! whatever the size of the file. A failed import rolls the dropped index back with
//! everything else.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use rusqlite::{Statement, Transaction, params};

use super::fuzzy::score::IdHasher;
use super::index;
use super::store::{ImportOptions, ImportReport, SkipReport, TranslationMemory, norm_hash, norm_key, norm_key_range};
use super::unit::Unit;
use crate::error::{Error, ErrorKind, Result};
use crate::formats::{ReadItem, Skip};
use crate::lang::Lang;
use crate::text::normalize;

/// Units per batch handed from one stage to the next (file reader, preparing, writing).
/// Small, so a batch is still in the caches when the next stage reads it: with three
/// stages, batches of 64 took less CPU than 128 in each of five paired runs, and 512
/// (between the reader and the preparing thread) 13 % more.
const BATCH: usize = 64;

/// Batches in flight between two stages (bounds the memory the pipeline holds). Few
/// enough that a unit is still in the caches when the writer reads it: 4 × 128 units
/// instead of 8 × 512 took 15 MB off the peak of a 1M-unit import (CPU time the same
/// within the noise of a shared machine).
const BATCHES_IN_FLIGHT: usize = 4;

/// Units a bulk load de-duplicates in memory before it builds the indexes and turns to
/// probing them: a `HashSet<u128>` of this many keys fills 2^21 buckets (~36 MB).
const BULK_UNITS_CAP: usize = (1 << 21) / 8 * 7;

/// Variant hashes kept in memory to tell multiple translations without a probe per unit
/// (2^22 buckets of 8 bytes, ~38 MB); at it the indexes are built and probed.
const SEEN_SOURCES_CAP: usize = (1 << 22) / 8 * 7;

/// ([`BULK_UNITS_CAP`], [`SEEN_SOURCES_CAP`]); tests lower them to cross the limits.
#[cfg(not(test))]
fn caps() -> (usize, usize) {
    (BULK_UNITS_CAP, SEEN_SOURCES_CAP)
}

#[cfg(test)]
thread_local! {
    static TEST_CAPS: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((BULK_UNITS_CAP, SEEN_SOURCES_CAP)) };
}

#[cfg(test)]
fn caps() -> (usize, usize) {
    TEST_CAPS.with(|c| c.get())
}

/// The page cache of a bulk load, in SQLite's negative-KiB form (16 MB).
const BULK_CACHE_KIB: i64 = -16_000;

/// The page cache while a bulk load builds its indexes (4 MB): the sorter's run size.
const SORT_CACHE_KIB: i64 = -4_000;

/// Worker threads for SQLite's sorter while a bulk load builds its index on the unit keys
/// at its end: the cores beyond the `busy` one (the connection's own thread sorts too),
/// at most 3. The fuzzy lists are laid out on another core meanwhile
/// (`index::on_import_finishing`), for about as long as the `norm_key` rows take before
/// the index; with or without a worker on two cores, 1M units took the same (6
/// interleaved runs each, schema 10). A half-way switch to probing, with the reading and
/// preparing threads still busy, builds it without a worker (on two cores one only took
/// turns with them: 8 runs, median wall 6.83 s with one, 6.44 s without).
fn sort_threads(busy: usize) -> i64 {
    std::thread::available_parallelism().map_or(0, |n| n.get().saturating_sub(busy).min(3) as i64)
}

/// What the reading stage hands to the writing stage.
pub(crate) enum Prepared {
    /// A unit with everything computed that does not need the database.
    Unit(Box<PreparedUnit>),
    /// A unit the reader skipped.
    Skipped(Skip),
    /// A unit without variants (skipped, counted by the writer, which knows its ordinal).
    Empty,
}

/// A unit ready to insert.
pub(crate) struct PreparedUnit {
    unit: Unit,
    key: u128,
    attrs: Option<String>,
    notes: Option<String>,
    props: Option<String>,
    /// Index into `variants` of the source variant, if any.
    source: Option<usize>,
    /// A language that two variants share (the unit cannot be stored).
    duplicate_lang: Option<String>,
    variants: Vec<PreparedVariant>,
    /// What a bulk load's sets said of the unit on the preparing thread, if they did.
    verdict: Option<Verdict>,
}

/// Whether a unit is new, as a bulk load's in-memory sets tell it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Verdict {
    /// The same unit came earlier in the import.
    Present,
    /// New; `multiple` when its source text came earlier with another translation.
    New { multiple: bool },
}

/// The in-memory sets of a bulk load into an empty memory: the keys of the units it has
/// inserted and the `norm_hash` of their variants. Bounded: past the caps they are
/// dropped for good, and the writer builds the indexes and probes them instead (every
/// unit judged so far is in the database by then).
struct BulkSets {
    keys: HashSet<u128, BuildHasherDefault<IdHasher>>,
    hashes: HashSet<i64, BuildHasherDefault<IdHasher>>,
    /// ([`BULK_UNITS_CAP`], [`SEEN_SOURCES_CAP`]), or the tests' lower ones.
    caps: (usize, usize),
    full: bool,
}

impl BulkSets {
    fn new(caps: (usize, usize)) -> BulkSets {
        BulkSets { keys: HashSet::default(), hashes: HashSet::default(), caps, full: false }
    }

    /// The verdict on the next unit of the import; `None` once the sets are full, and
    /// for every unit after.
    fn judge(&mut self, p: &PreparedUnit) -> Option<Verdict> {
        if self.full || self.keys.len() >= self.caps.0 {
            self.drop_sets();
            return None;
        }
        if !self.keys.insert(p.key) {
            return Some(Verdict::Present);
        }
        let multiple = p.source.is_some_and(|i| self.hashes.contains(&p.variants[i].hash));
        for pv in &p.variants {
            // Checked before the insert: one more would make the set double its buckets.
            if self.hashes.len() >= self.caps.1 {
                // This unit is judged; the next ones go to the indexes.
                self.full = true;
                break;
            }
            self.hashes.insert(pv.hash);
        }
        Some(Verdict::New { multiple })
    }

    fn drop_sets(&mut self) {
        self.full = true;
        self.keys = HashSet::default();
        self.hashes = HashSet::default();
    }
}

struct PreparedVariant {
    norm: String,
    hash: i64,
    /// `seg` differs from the escaped plain text, so it is stored.
    store_seg: bool,
    /// The index keys, in text order with repeats (the writer posts each key once).
    index_keys: Vec<i64>,
    token_count: u8,
    attrs: Option<String>,
    notes: Option<String>,
    props: Option<String>,
}

/// The database-free stage of an import for one read item.
pub(crate) fn prepare(item: Result<ReadItem>) -> Result<Prepared> {
    prepare_into(item, None)
}

/// [`prepare`], refilling `spare` (a unit already written) instead of allocating: its
/// box, its variant list and their index key lists keep their buffers.
fn prepare_into(item: Result<ReadItem>, spare: Option<Box<PreparedUnit>>) -> Result<Prepared> {
    let unit = match item? {
        ReadItem::Skipped(skip) => return Ok(Prepared::Skipped(skip)),
        ReadItem::Unit(unit) if unit.variants.is_empty() => return Ok(Prepared::Empty),
        ReadItem::Unit(unit) => unit,
    };
    let source = unit
        .srclang
        .as_ref()
        .and_then(|l| unit.variant(l))
        .and_then(|s| unit.variants.iter().position(|v| std::ptr::eq(v, s)))
        .or(Some(0));
    let duplicate_lang = unit
        .variants
        .iter()
        .enumerate()
        .find(|(i, v)| unit.variants[..*i].iter().any(|w| w.lang.as_str() == v.lang.as_str()))
        .map(|(_, v)| v.lang.to_string());
    let (spare, mut variants) = match spare {
        Some(mut p) => {
            let variants = std::mem::take(&mut p.variants);
            (Some(p), variants)
        }
        None => (None, Vec::with_capacity(unit.variants.len())),
    };
    variants.truncate(unit.variants.len());
    for (i, v) in unit.variants.iter().enumerate() {
        let norm = normalize(&v.plain);
        let mut index_keys = match variants.get_mut(i) {
            Some(pv) => std::mem::take(&mut pv.index_keys),
            None => Vec::new(),
        };
        let token_count = index::keys_with_repeats_into(&v.lang, &norm, &mut index_keys);
        let pv = PreparedVariant {
            hash: norm_hash(v.lang.base(), &norm),
            norm,
            store_seg: !is_escaped_plain(&v.seg, &v.plain),
            index_keys,
            token_count,
            attrs: json_or_null(&v.attrs)?,
            notes: json_or_null(&v.notes)?,
            props: json_or_null(&v.props)?,
        };
        match variants.get_mut(i) {
            Some(slot) => *slot = pv,
            None => variants.push(pv),
        }
    }
    let prepared = PreparedUnit {
        key: unit_key(&unit),
        attrs: json_or_null(&unit.attrs)?,
        notes: json_or_null(&unit.notes)?,
        props: json_or_null(&unit.props)?,
        source,
        duplicate_lang,
        variants,
        unit,
        verdict: None,
    };
    Ok(Prepared::Unit(match spare {
        Some(mut boxed) => {
            *boxed = prepared;
            boxed
        }
        None => Box::new(prepared),
    }))
}

impl TranslationMemory {
    /// [`import_with_progress`](Self::import_with_progress) with reading and preparing on
    /// two more threads, overlapping with the database work: what `tomo import` uses. Same
    /// result, same single transaction.
    pub fn import_stream<I>(
        &mut self,
        items: I,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<ImportReport>
    where
        I: IntoIterator<Item = Result<ReadItem>>,
        I::IntoIter: Send,
    {
        let items = items.into_iter();
        // Into an empty memory, duplicates and repeated sources are told on the preparing
        // thread: their sets' random probes were ~5 % of the writing thread, the longest.
        // (The writer checks again that the memory is empty, and ignores the verdicts if not.)
        let mut sets = memory_is_empty(self.conn())?.then(|| BulkSets::new(caps()));
        std::thread::scope(|scope| {
            // Three stages, each on its own thread: the file reader, `prepare`, and the
            // writer (this thread). Reading and preparing on one thread kept that thread
            // busy all along while the writer waited for it a third of the time; split,
            // the system spreads the three over the cores there are.
            let (raw_tx, raw_rx) = std::sync::mpsc::sync_channel::<Vec<Result<ReadItem>>>(BATCHES_IN_FLIGHT);
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<Prepared>>>(BATCHES_IN_FLIGHT);
            // Written units go back to the thread that allocated them, to be refilled
            // there: freeing them here, in the arena of the thread that allocated them, made
            // the threads contend for glibc's arena locks (futex wake-ups in the profile).
            // The prepared parts go back to the preparing thread, the units inside them on
            // to the reading thread.
            let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Vec<Box<PreparedUnit>>>();
            let (units_tx, units_rx) = std::sync::mpsc::channel::<Vec<Unit>>();
            let reader = scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                for item in items {
                    batch.push(item);
                    if batch.len() == BATCH {
                        // Their buffers are reused by the file reader (`Unit::recycle`).
                        while let Ok(units) = units_rx.try_recv() {
                            units.into_iter().for_each(Unit::recycle);
                        }
                        if raw_tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
                            // The writer stopped (an error): nothing more is wanted.
                            return;
                        }
                    }
                }
                let _ = raw_tx.send(batch);
            });
            let preparer = scope.spawn(move || {
                // Written units, to refill: their buffers are reused by `prepare_into`.
                let mut spare: Vec<Box<PreparedUnit>> = Vec::new();
                for raw in raw_rx {
                    while let Ok(spent) = spent_rx.try_recv() {
                        let mut units = Vec::with_capacity(spent.len());
                        for mut p in spent {
                            units.push(std::mem::take(&mut p.unit));
                            if spare.len() < BATCH * BATCHES_IN_FLIGHT {
                                spare.push(p);
                            }
                        }
                        // Once the reader is done the units come back: dropped here then.
                        let _ = units_tx.send(units);
                    }
                    let mut batch: Vec<Result<Prepared>> =
                        raw.into_iter().map(|item| prepare_into(item, spare.pop())).collect();
                    // Judged after the whole batch is prepared: the sets' probes, a cache
                    // miss or two each, then run back to back and overlap, instead of each
                    // waiting alone between two units' thousands of instructions.
                    if let Some(sets) = &mut sets {
                        for prepared in &mut batch {
                            if let Ok(Prepared::Unit(p)) = prepared {
                                p.verdict = sets.judge(p);
                            }
                        }
                    }
                    if tx.send(batch).is_err() {
                        return;
                    }
                }
            });
            let mut spent = Vec::with_capacity(BATCH);
            let mut give_back = |unit: Box<PreparedUnit>| {
                spent.push(unit);
                if spent.len() == BATCH {
                    // Once the reader is done the units come back: dropped here then.
                    let _ = spent_tx.send(std::mem::replace(&mut spent, Vec::with_capacity(BATCH)));
                }
            };
            let result = self.import_prepared(rx.into_iter().flatten(), opts, progress, &mut give_back);
            for stage in [preparer, reader] {
                if let Err(panic) = stage.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            result
        })
    }
}

/// The writing stage: inserts prepared units into an open import transaction.
pub(crate) struct Importer<'t, 'c> {
    tx: &'t Transaction<'c>,
    origin: Option<&'t str>,
    now: String,
    /// The secondary indexes are dropped: duplicates are told by `keys`.
    bulk: bool,
    /// The connection's page cache size, lowered during a bulk load (restored after).
    cache_size: i64,
    /// The sets of a bulk load, when the units come without verdicts.
    sets: BulkSets,
    /// The units come with verdicts (from the preparing thread's sets).
    judged: bool,
    /// The statements, prepared once: `prepare_cached` hashed the SQL text three times a
    /// unit (2 % of a bulk load's writing thread).
    statements: Statements<'t>,
    /// The id the next variant gets (SQLite gives a row appended to the table the largest
    /// id plus one): a unit's variants get consecutive ids, the range its row holds
    /// (schema 9).
    next_variant: i64,
    /// A bulk load's variants, for their `norm_key` rows written sorted at its end: the
    /// high half of each one's hash, in id order up to `next_variant` (4 bytes a variant
    /// while the sets and the postings buffers are at their largest; the keys are made
    /// once the sets are gone).
    norm_hashes: Vec<u32>,
}

/// The writing stage's statements, each prepared on first use.
#[derive(Default)]
struct Statements<'t> {
    unit: Option<Sticky<'t>>,
    unit_unless_present: Option<Sticky<'t>>,
    /// One per position of the variant in its unit (the last for the positions after):
    /// a file's units list their languages in the same order, so each statement keeps its
    /// language bound (one statement for all alternated ja/en and bound both tags every time).
    variant: [Option<Sticky<'t>>; VARIANT_STATEMENTS],
    source_seen: Option<Statement<'t>>,
    norm_key: Option<Statement<'t>>,
}

/// Variant insert statements kept, one per position in the unit ([`Statements::variant`]).
const VARIANT_STATEMENTS: usize = 4;

/// `slot`'s statement, prepared from `sql` (and wrapped by `wrap`) the first time.
fn prepared<'s, 't, T>(
    tx: &'t Transaction<'_>,
    slot: &'s mut Option<T>,
    sql: &str,
    wrap: impl FnOnce(Statement<'t>) -> T,
) -> Result<&'s mut T> {
    if slot.is_none() {
        *slot = Some(wrap(tx.prepare(sql)?));
    }
    Ok(slot.as_mut().expect("prepared above"))
}

/// A statement whose text and NULL parameters are bound again only when they change.
/// SQLite keeps a statement's bindings from one execution to the next; most of a unit's
/// 37 parameters are NULL or the same as the unit before (origin, date, languages), and
/// binding them took a fifth of the writing thread's instructions (rusqlite's `ToSql`
/// dispatch, SQLite's copy of each text).
struct Sticky<'t> {
    stmt: Statement<'t>,
    /// What each parameter holds: `None` not known, `Some(None)` NULL, else the text.
    bound: Vec<Option<Option<String>>>,
}

impl<'t> Sticky<'t> {
    /// `stmt` with nothing known bound.
    fn new(stmt: Statement<'t>) -> Sticky<'t> {
        Sticky { bound: vec![None; stmt.parameter_count()], stmt }
    }

    /// Bind parameter `i` (1-based) to a text or NULL, unless it holds that already.
    fn text(&mut self, i: usize, value: Option<&str>) -> Result<()> {
        let slot = &mut self.bound[i - 1];
        if slot.as_ref().is_some_and(|held| held.as_deref() == value) {
            return Ok(());
        }
        self.stmt.raw_bind_parameter(i, value)?;
        match (slot, value) {
            (Some(Some(held)), Some(v)) => {
                held.clear();
                held.push_str(v);
            }
            (slot, value) => *slot = Some(value.map(str::to_owned)),
        }
        Ok(())
    }

    /// Bind parameter `i` (1-based) to a value that changes every time.
    fn value<T: rusqlite::ToSql>(&mut self, i: usize, value: T) -> Result<()> {
        self.stmt.raw_bind_parameter(i, value)?;
        self.bound[i - 1] = None;
        Ok(())
    }

    /// Run with the parameters bound; the rows changed.
    fn execute(&mut self) -> Result<usize> {
        Ok(self.stmt.raw_execute()?)
    }
}

/// Bind the parameters of a `unit` insert.
fn bind_unit(ins: &mut Sticky<'_>, p: &PreparedUnit, created: &str, origin: Option<&str>, first: i64) -> Result<()> {
    let unit = &p.unit;
    let (hi, lo) = key_halves(p.key);
    ins.value(1, hi)?;
    ins.value(14, lo)?;
    ins.value(15, first)?;
    ins.value(16, first + unit.variants.len() as i64 - 1)?;
    ins.text(2, unit.tuid.as_deref())?;
    ins.text(3, unit.srclang.as_ref().map(Lang::as_str))?;
    ins.text(4, Some(created))?;
    ins.text(5, unit.created_by.as_deref())?;
    ins.text(6, unit.changed.as_deref())?;
    ins.text(7, unit.changed_by.as_deref())?;
    ins.text(8, origin)?;
    ins.value(9, unit.usage_count)?;
    ins.text(10, unit.last_used.as_deref())?;
    ins.text(11, p.attrs.as_deref())?;
    ins.text(12, p.notes.as_deref())?;
    ins.text(13, p.props.as_deref())
}

/// What inserting one unit did.
pub(crate) enum Inserted {
    /// The same unit was already in the memory.
    Present,
    /// Added; `multiple` when its source text was already there with another translation.
    New {
        /// Its source was already in the memory.
        multiple: bool,
    },
}

impl<'t, 'c> Importer<'t, 'c> {
    /// Start writing into `tx`; into an empty memory, drop the index on the unit keys.
    pub(crate) fn new(tx: &'t Transaction<'c>, opts: &'t ImportOptions) -> Result<Self> {
        let empty = memory_is_empty(tx)?;
        let cache_size = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        if empty {
            tx.execute_batch("DROP INDEX unit_by_key;")?;
            // Appending rows in rowid order needs few pages cached; the memory is better
            // left to the in-memory sets and the index buffers (measured: same time with
            // 16 MB as with 64 MB, 50 MB less at the peak).
            tx.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        }
        Ok(Importer {
            tx,
            origin: opts.origin.as_deref(),
            now: super::unit::tmx_now(),
            bulk: empty,
            cache_size,
            sets: BulkSets::new(caps()),
            judged: false,
            statements: Statements::default(),
            next_variant: tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM variant", [], |r| r.get(0))?,
            // At most the variants the sets hold (`SEEN_SOURCES_CAP`): reserved, not
            // touched, so the vector never grows by copying.
            norm_hashes: if empty { Vec::with_capacity(caps().1.saturating_add(64).min(1 << 23)) } else { Vec::new() },
        })
    }

    /// Build the dropped indexes (once), after which duplicates and sources are probed;
    /// `at_end` when every unit is written (not a half-way switch, with the reading and
    /// preparing threads still busy).
    fn end_bulk(&mut self, at_end: bool) -> Result<()> {
        if self.bulk {
            // From here on the indexes answer: the sets go before the sorters take memory.
            self.sets.drop_sets();
            // SQLite's sorter sorts runs of the page cache's size and merges them; small
            // runs keep the peak down when a big import switches to the indexes half-way
            // (the page cache, the index buffers and the sorter at once were 273 MB for 2M
            // units with 64 MB runs).
            self.tx.pragma_update(None, "cache_size", SORT_CACHE_KIB)?;
            // The variants' keys, then the index, while the lists are laid out on another
            // core (the lay-out is the longer of the two).
            self.write_norm_keys()?;
            if at_end {
                self.tx.pragma_update(None, "threads", sort_threads(1))?;
            }
            self.tx.execute_batch(CREATE_KEY_INDEX)?;
            self.tx.pragma_update(None, "threads", 0)?;
            // The probes after want the whole cache.
            self.tx.pragma_update(None, "cache_size", self.cache_size)?;
            self.bulk = false;
        }
        Ok(())
    }

    /// Append the bulk load's `norm_key` rows, sorted, a chunk per statement (through
    /// `rarray`; at 1M units 0.27 s, against 0.76 s for SQLite to build an index on
    /// `variant.norm_hash`, and 0.55 s with one statement execution a row into a rowid
    /// table, 0.44 s a chunk).
    fn write_norm_keys(&mut self) -> Result<()> {
        /// Keys per statement: the chunk's `Value`s are 24 bytes each.
        const CHUNK: usize = 1 << 16;
        // Every variant of the bulk load left its hash here and took the next id.
        let first = self.next_variant - self.norm_hashes.len() as i64;
        let mut keys: Vec<i64> = std::mem::take(&mut self.norm_hashes)
            .into_iter()
            .zip(first..)
            .map(|(high, id)| norm_key(i64::from(high as i32) << 32, id))
            .collect();
        keys.sort_unstable();
        let mut append = self.tx.prepare("INSERT INTO norm_key (k) SELECT value FROM rarray(?1)")?;
        for chunk in keys.chunks(CHUNK) {
            let values: Vec<rusqlite::types::Value> = chunk.iter().map(|&k| k.into()).collect();
            append.execute([std::rc::Rc::new(values)])?;
        }
        Ok(())
    }

    /// Finish: the indexes are whole again.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.end_bulk(true)
    }

    /// Insert one unit, unless it is already in the memory.
    pub(crate) fn insert(&mut self, p: &PreparedUnit) -> Result<Inserted> {
        let verdict = if self.bulk {
            self.judged |= p.verdict.is_some();
            let verdict = if self.judged { p.verdict } else { self.sets.judge(p) };
            if verdict.is_none() {
                self.end_bulk(false)?;
            }
            verdict
        } else {
            None
        };
        let unit = &p.unit;
        let origin = unit.origin.as_deref().or(self.origin);
        let created = unit.created.as_deref().unwrap_or(&self.now);
        let known_multiple = match verdict {
            Some(Verdict::Present) => return Ok(Inserted::Present),
            Some(Verdict::New { multiple }) => Some(multiple),
            None => None,
        };
        if known_multiple.is_some() {
            check_languages(p)?;
            let ins = prepared(
                self.tx,
                &mut self.statements.unit,
                "INSERT INTO unit (key, tuid, srclang, created, created_by, changed, changed_by, origin,
                                   usage_count, last_used, attrs, notes, props, key_lo, first_variant, last_variant)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                Sticky::new,
            )?;
            bind_unit(ins, p, created, origin, self.next_variant)?;
            ins.execute()?;
        } else {
            let ins = prepared(
                self.tx,
                &mut self.statements.unit_unless_present,
                "INSERT INTO unit (key, tuid, srclang, created, created_by, changed, changed_by, origin,
                                   usage_count, last_used, attrs, notes, props, key_lo, first_variant, last_variant)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT(key, key_lo) DO NOTHING",
                Sticky::new,
            )?;
            bind_unit(ins, p, created, origin, self.next_variant)?;
            if ins.execute()? == 0 {
                return Ok(Inserted::Present);
            }
            check_languages(p)?;
        }
        let unit_id = self.tx.last_insert_rowid();
        let multiple = match (known_multiple, p.source) {
            (Some(multiple), _) => multiple,
            (None, Some(i)) => self.seen(p.variants[i].hash, unit_id)?,
            (None, None) => false,
        };
        for (i, (v, pv)) in unit.variants.iter().zip(&p.variants).enumerate() {
            let vins = prepared(
                self.tx,
                &mut self.statements.variant[i.min(VARIANT_STATEMENTS - 1)],
                "INSERT INTO variant (unit_id, lang, lang_base, seg, plain, norm, norm_hash,
                                      context_prev, context_next, attrs, notes, props)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                Sticky::new,
            )?;
            vins.value(1, unit_id)?;
            vins.text(2, Some(v.lang.as_str()))?;
            vins.text(3, Some(v.lang.base()))?;
            vins.text(4, pv.store_seg.then_some(v.seg.as_str()))?;
            vins.value(5, v.plain.as_str())?;
            vins.value(6, pv.norm.as_str())?;
            vins.value(7, pv.hash)?;
            vins.text(8, v.context_prev.as_deref())?;
            vins.text(9, v.context_next.as_deref())?;
            vins.text(10, pv.attrs.as_deref())?;
            vins.text(11, pv.notes.as_deref())?;
            vins.text(12, pv.props.as_deref())?;
            vins.execute()?;
            // The unit's row holds its variants' range, the ids SQLite gives rows appended
            // to the table (the largest plus one; binding the id instead made SQLite
            // descend the table to check it, 1,000 instructions a row).
            let id = self.tx.last_insert_rowid();
            if id != self.next_variant {
                return Err(Error::new(
                    ErrorKind::Database,
                    format!(
                        "variant stored as row {id}, not {}: the memory's variant ids are exhausted",
                        self.next_variant
                    ),
                ));
            }
            self.next_variant += 1;
            if self.bulk {
                self.norm_hashes.push((pv.hash >> 32) as u32);
            } else {
                let q =
                    prepared(self.tx, &mut self.statements.norm_key, "INSERT INTO norm_key (k) VALUES (?1)", |s| s)?;
                q.execute([norm_key(pv.hash, id)])?;
            }
            index::on_variant_keys(self.tx, id, v.lang.base(), &pv.index_keys, pv.token_count)?;
        }
        Ok(Inserted::New { multiple })
    }

    /// Is `hash` (a new unit's source) already the text of another unit's variant?
    fn seen(&mut self, hash: i64, unit_id: i64) -> Result<bool> {
        let q = prepared(
            self.tx,
            &mut self.statements.source_seen,
            concat!("SELECT 1 FROM ", super::same_text_variants!(), " AND v.unit_id <> ?4 LIMIT 1"),
            |stmt| stmt,
        )?;
        let (lo, hi) = norm_key_range(hash);
        Ok(q.exists(params![lo, hi, hash, unit_id])?)
    }
}

/// A unit holds one variant per language (readers skip others; this guards the store).
fn check_languages(p: &PreparedUnit) -> Result<()> {
    match &p.duplicate_lang {
        Some(lang) => Err(Error::invalid(format!("the unit has two variants in {lang}"))),
        None => Ok(()),
    }
}

impl TranslationMemory {
    /// The writing stage over prepared items, in one transaction; `spent` takes each unit
    /// once it is written (to free it where it was allocated).
    pub(crate) fn import_prepared<I>(
        &mut self,
        items: I,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(&ImportReport),
        spent: &mut dyn FnMut(Box<PreparedUnit>),
    ) -> Result<ImportReport>
    where
        I: IntoIterator<Item = Result<Prepared>>,
    {
        // A bulk load into an empty memory file goes through a rollback journal instead
        // of the WAL: the rows are then written once, straight into the database, instead
        // of into the WAL, read back from it to build the indexes, and copied at the
        // checkpoint. The journal holds the few pages of the empty memory, so a failed or
        // interrupted import still leaves it exactly as it was. (Another connection
        // keeping the WAL open makes the switch fail; the import then stays in WAL mode.)
        let empty = memory_is_empty(self.conn())?;
        // Into an empty memory every variant row references the unit row inserted just
        // before it, so SQLite's foreign-key check (a seek in `unit` for each variant) proves
        // nothing: it is off for the bulk load (the pragma cannot change inside a transaction).
        if empty {
            self.conn().pragma_update(None, "foreign_keys", false)?;
        }
        let journal = self.path().is_some() && empty && set_journal(self.conn(), "delete");
        // The bulk load's pages go to the disk while it runs (see `WriteBack`).
        let write_back = if journal { self.path().and_then(WriteBack::start) } else { None };
        let result = self.import_in_transaction(items, opts, progress, spent, write_back);
        if journal {
            // If another connection opened the file meanwhile the switch back can fail; the
            // import is committed all the same, and every open puts the memory in WAL mode.
            set_journal(self.conn(), "wal");
        }
        // Back on whether the import succeeded or not (its own error comes first).
        let keys_on = if empty { self.conn().pragma_update(None, "foreign_keys", true) } else { Ok(()) };
        let report = result?;
        keys_on?;
        Ok(report)
    }

    fn import_in_transaction<I>(
        &mut self,
        items: I,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(&ImportReport),
        spent: &mut dyn FnMut(Box<PreparedUnit>),
        write_back: Option<WriteBack>,
    ) -> Result<ImportReport>
    where
        I: IntoIterator<Item = Result<Prepared>>,
    {
        let tx = self.conn_mut().transaction()?;
        index::on_import_started(&tx)?;
        let mut report = ImportReport::default();
        let mut importer = Importer::new(&tx, opts)?;
        for item in items {
            report.read += 1;
            match item? {
                Prepared::Skipped(skip) => report.skipped.push(skip.into()),
                Prepared::Empty => report.skipped.push(SkipReport {
                    unit: format!("unit #{}", report.read),
                    line: None,
                    reason: "it has no variants".into(),
                }),
                Prepared::Unit(unit) => {
                    match importer.insert(&unit)? {
                        Inserted::Present => report.present += 1,
                        Inserted::New { multiple } => {
                            report.new += 1;
                            report.multiple += u64::from(multiple);
                        }
                    }
                    spent(unit);
                }
            }
            if report.read % 10_000 == 0 {
                progress(&report);
            }
        }
        // The fuzzy lists are laid out on another thread while the unit indexes are built.
        let postings = index::on_import_finishing(&tx)?;
        importer.finish()?;
        postings.finish(&tx)?;
        // Stopped (waiting for a sync under way) before the commit's own sync.
        drop(write_back);
        tx.commit()?;
        progress(&report);
        Ok(report)
    }
}

/// How often [`WriteBack`] syncs the memory's file.
const WRITE_BACK_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// A thread that syncs the memory's file every [`WRITE_BACK_EVERY`] while a bulk load
/// writes it, so the kernel writes the pages out as they come instead of all at the
/// commit, whose sync then waited for the whole file (0.35-0.45 s of an import of 1M units,
/// with the cores idle) and now for the last quarter second's pages. It changes nothing
/// SQLite relies on: the rollback journal is synced before the first page of the file is
/// written, and the commit still syncs the file. Stops when dropped.
struct WriteBack {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WriteBack {
    /// Start syncing the file at `path` (`None` if it cannot be opened: no early sync).
    fn start(path: &std::path::Path) -> Option<WriteBack> {
        let file = std::fs::File::open(path).ok()?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // A failed sync is left to the commit's own, which reports it.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(WRITE_BACK_EVERY) {
                if file.sync_data().is_err() {
                    return;
                }
            }
        });
        Some(WriteBack { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for WriteBack {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn memory_is_empty(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(!conn.query_row("SELECT EXISTS (SELECT 1 FROM unit)", [], |r| r.get::<_, bool>(0))?)
}

/// Switch the journal mode; whether the memory is now in `mode`.
fn set_journal(conn: &rusqlite::Connection, mode: &str) -> bool {
    conn.pragma_update_and_check(None, "journal_mode", mode, |r| r.get::<_, String>(0))
        .is_ok_and(|now| now.eq_ignore_ascii_case(mode))
}

/// The de-duplication key: a hash of the unit's (language, segment) pairs, sorted by language.
pub(crate) fn unit_key(unit: &Unit) -> u128 {
    let vs = &unit.variants;
    pairs_key(vs.len(), |i| (vs[i].lang.as_str(), vs[i].seg.as_str()))
}

/// The de-duplication key of `n` (language tag, segment) pairs, `pair(i)` the i-th: the
/// 128-bit XXH3 of each pair in order of (lower-cased tag, segment), as the tag
/// lower-cased, a 0 byte, the segment and a 1 byte. (Schema 6 and before: FNV-1a, a
/// multiply a byte, a seventh of the preparing thread's work; migration 007 rekeyed.)
fn pairs_key<'a>(n: usize, pair: impl Fn(usize) -> (&'a str, &'a str)) -> u128 {
    // The pairs are compared with the tag lower-cased on the fly, in an order held on the
    // stack: no allocation for a unit of up to eight variants.
    fn lower(tag: &str) -> impl Iterator<Item = u8> + '_ {
        tag.bytes().map(|b| b.to_ascii_lowercase())
    }
    let by_pair = |a: &usize, b: &usize| {
        let ((ta, sa), (tb, sb)) = (pair(*a), pair(*b));
        lower(ta).cmp(lower(tb)).then_with(|| sa.cmp(sb))
    };
    let mut small = [0usize; 8];
    let mut large = Vec::new();
    let order: &mut [usize] = if n <= small.len() {
        let order = &mut small[..n];
        order.iter_mut().enumerate().for_each(|(i, o)| *o = i);
        order
    } else {
        large.extend(0..n);
        &mut large
    };
    order.sort_unstable_by(by_pair);
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for &i in order.iter() {
        let (tag, seg) = pair(i);
        let mut buf = [0u8; 32];
        for chunk in tag.as_bytes().chunks(buf.len()) {
            let lowered = &mut buf[..chunk.len()];
            lowered.copy_from_slice(chunk);
            lowered.make_ascii_lowercase();
            h.update(lowered);
        }
        h.update(&[0]);
        h.update(seg.as_bytes());
        h.update(&[1]);
    }
    h.digest128()
}

/// The two halves of a de-duplication key as stored (`unit.key`, `unit.key_lo`: schema 8).
pub(crate) fn key_halves(key: u128) -> (i64, i64) {
    ((key >> 64) as u64 as i64, key as u64 as i64)
}

/// The index on the de-duplication key (on its two halves since schema 8): a bulk load
/// drops it and builds it at its end.
const CREATE_KEY_INDEX: &str = "CREATE UNIQUE INDEX unit_by_key ON unit (key, key_lo);";

/// Migration 008: split every `unit.key`, a 16-byte big-endian blob, into its two
/// halves ([`key_halves`]), then build `unit_by_key` on them (also into a new memory).
pub(crate) fn split_keys_in(tx: &Transaction<'_>) -> Result<()> {
    let mut read = tx.prepare("SELECT id, key FROM unit WHERE id BETWEEN ?1 AND ?2")?;
    let mut set = tx.prepare("UPDATE unit SET key = ?2, key_lo = ?3 WHERE id = ?1")?;
    for (from, to) in unit_ranges(tx)? {
        // Read before anything is written (no update under an open read of the table).
        let mut halves: Vec<(i64, i64, i64)> = Vec::new();
        let mut rows = read.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let blob = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            let bytes: [u8; 16] = blob.try_into().map_err(|_| {
                Error::new(ErrorKind::Database, format!("unit {id} has a key of {} bytes, not 16", blob.len()))
            })?;
            let (hi, lo) = key_halves(u128::from_be_bytes(bytes));
            halves.push((id, hi, lo));
        }
        for (id, hi, lo) in halves {
            set.execute(params![id, hi, lo])?;
        }
    }
    tx.execute_batch(CREATE_KEY_INDEX)?;
    Ok(())
}

/// Units a migration that rewrites every unit ([`rekey_in`], [`split_keys_in`]) reads and
/// rewrites per round (their rows held in memory).
const REKEY_UNITS: i64 = 20_000;

/// The unit ids from 1 to the largest, as inclusive ranges of [`REKEY_UNITS`] ids.
fn unit_ranges(tx: &Transaction<'_>) -> Result<impl Iterator<Item = (i64, i64)>> {
    let last: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM unit", [], |r| r.get(0))?;
    Ok((1..=last).step_by(REKEY_UNITS as usize).map(|from| (from, from + REKEY_UNITS - 1)))
}

/// Migration 007: recompute every `unit.key` ([`unit_key`]) and `variant.norm_hash`
/// ([`norm_hash`]) of a memory written with the FNV-1a hashes of schema 6 and before,
/// with the two indexes on them dropped meanwhile and built again after (one sort each).
pub(crate) fn rekey_in(tx: &Transaction<'_>) -> Result<()> {
    // The indexes of schema 6 on the two hashes (`variant_by_norm` until schema 10).
    tx.execute_batch("DROP INDEX unit_by_key; DROP INDEX variant_by_norm;")?;
    let mut read = tx.prepare(
        "SELECT id, unit_id, lang, lang_base, seg, plain, norm FROM variant
         WHERE unit_id BETWEEN ?1 AND ?2 ORDER BY unit_id",
    )?;
    let mut set_key = tx.prepare("UPDATE unit SET key = ?2 WHERE id = ?1")?;
    let mut set_hash = tx.prepare("UPDATE variant SET norm_hash = ?2 WHERE id = ?1")?;
    for (from, to) in unit_ranges(tx)? {
        // (variant id, unit id, tag, segment, hash), read before anything is written.
        let mut rows: Vec<(i64, i64, String, String, i64)> = Vec::new();
        let mut q = read.query(params![from, to])?;
        while let Some(r) = q.next()? {
            let (lang_base, plain, norm): (String, String, String) = (r.get(3)?, r.get(5)?, r.get(6)?);
            let seg = super::store::stored_seg(r.get(4)?, &plain);
            rows.push((r.get(0)?, r.get(1)?, r.get(2)?, seg, norm_hash(&lang_base, &norm)));
        }
        for unit in rows.chunk_by(|a, b| a.1 == b.1) {
            let key = pairs_key(unit.len(), |i| (unit[i].2.as_str(), unit[i].3.as_str()));
            set_key.execute(params![unit[0].1, key.to_be_bytes().as_slice()])?;
        }
        for (id, _, _, _, hash) in &rows {
            set_hash.execute(params![id, hash])?;
        }
    }
    // The key's index as schema 7 had it, on the 16-byte blob (migration 008 splits it).
    tx.execute_batch("CREATE UNIQUE INDEX unit_by_key ON unit (key);")?;
    tx.execute_batch("CREATE INDEX variant_by_norm ON variant (norm_hash);")?;
    Ok(())
}

/// Is `seg` exactly `escape_xml(plain)`? Then the store keeps only `plain`.
pub(crate) fn is_escaped_plain(seg: &str, plain: &str) -> bool {
    let (seg, plain) = (seg.as_bytes(), plain.as_bytes());
    // Most segments have nothing to escape: one comparison (a byte-by-byte strip_prefix
    // showed in the import profile as a memcmp call per byte).
    if seg.len() == plain.len() {
        return seg == plain && !plain.iter().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\r'));
    }
    let mut at = 0;
    for &c in plain {
        let expect: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\r' => b"&#13;",
            _ => {
                if seg.get(at) != Some(&c) {
                    return false;
                }
                at += 1;
                continue;
            }
        };
        if seg.get(at..at + expect.len()) != Some(expect) {
            return false;
        }
        at += expect.len();
    }
    at == seg.len()
}

fn json_or_null<T: serde::Serialize>(items: &[T]) -> Result<Option<String>> {
    if items.is_empty() { Ok(None) } else { Ok(Some(serde_json::to_string(items)?)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::ExportFilter;
    use crate::tm::store::tests::pair;
    use crate::tm::unit::Variant;

    #[test]
    fn write_back_runs_beside_a_file_being_written_and_stops_when_dropped() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let mut file = std::fs::File::create(&path).unwrap();
        let syncing = WriteBack::start(&path).expect("an existing file is synced");
        file.write_all(&[7u8; 1 << 16]).unwrap();
        // Past one period: the thread has synced at least once and is waiting again.
        std::thread::sleep(WRITE_BACK_EVERY + WRITE_BACK_EVERY / 2);
        drop(syncing);
        assert_eq!(std::fs::read(&path).unwrap().len(), 1 << 16);
        assert!(WriteBack::start(&dir.path().join("missing.db")).is_none());
    }

    /// `norm_key` holds exactly the key of each variant (schema 10).
    fn assert_norm_keys(tm: &TranslationMemory) {
        let all = |sql: &str| -> Vec<i64> {
            tm.conn()
                .prepare(sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let mut want: Vec<i64> = tm
            .conn()
            .prepare("SELECT norm_hash, id FROM variant")
            .unwrap()
            .query_map([], |r| Ok(norm_key(r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        want.sort_unstable();
        assert_eq!(all("SELECT k FROM norm_key ORDER BY k"), want);
    }

    fn index_names(tm: &TranslationMemory) -> Vec<String> {
        tm.conn()
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// The memory's units as exported, without their creation stamps (two imports may fall
    /// in different seconds).
    fn units_undated(tm: &TranslationMemory) -> Vec<Unit> {
        let mut out = Vec::new();
        tm.export(&ExportFilter::default(), &mut |mut u| {
            u.created = None;
            out.push(u);
            Ok(())
        })
        .unwrap();
        out
    }

    /// The key spelled out: lower-cased tags, pairs sorted in a Vec, hashed in one piece.
    fn unit_key_reference(unit: &Unit) -> u128 {
        let mut pairs: Vec<(String, &str)> =
            unit.variants.iter().map(|v| (v.lang.as_str().to_ascii_lowercase(), v.seg.as_str())).collect();
        pairs.sort();
        let mut bytes = Vec::new();
        for (lang, seg) in pairs {
            bytes.extend_from_slice(lang.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(seg.as_bytes());
            bytes.push(1);
        }
        xxhash_rust::xxh3::xxh3_128(&bytes)
    }

    proptest::proptest! {
        #[test]
        fn unit_key_is_the_hash_of_the_sorted_pairs(
            texts in proptest::collection::vec(("(en|ja|ko|EN-gb|en-US|zh-Hant-TW)", ".{0,12}"), 0..12),
        ) {
            let unit = Unit::new(
                texts.iter().map(|(l, t)| Variant::from_plain(Lang::parse(l).unwrap(), t)).collect(),
            );
            proptest::prop_assert_eq!(unit_key(&unit), unit_key_reference(&unit));
        }
    }

    /// The stored keys and hashes are an on-disk format: a change needs a migration that
    /// recomputes them (like 007), or imports stop finding the units already there.
    #[test]
    fn keys_and_hashes_are_those_stored() {
        let unit = Unit::new(vec![
            Variant::from_plain(Lang::parse("ja-JP").unwrap(), "猫が座った。"),
            Variant::from_plain(Lang::parse("en-US").unwrap(), "The cat sat."),
        ]);
        // Independently: Python's xxhash.xxh3_128_intdigest of the bytes spelled out above.
        assert_eq!(unit_key(&unit), 0x4326_f158_8d85_100e_a137_44ed_7799_069a);
        assert_eq!(norm_hash("en", "the cat sat."), 7_175_292_697_097_541_993);
        assert_eq!(norm_hash("ja", "猫が座った。"), -228_367_210_065_451_258);
    }

    #[test]
    fn units_of_many_languages_in_changing_orders_keep_each_variant_in_its_language() {
        // More variants than there are per-position statements, and the languages' order
        // changing from unit to unit: each statement's kept tag must be bound again.
        let tags = ["ja-JP", "en-US", "ko-KR", "fr-FR", "de-DE", "zh-CN"];
        let units: Vec<Unit> = (0..6)
            .map(|i| {
                let order = tags.iter().cycle().skip(i).take(tags.len() - i % 2);
                Unit::new(order.map(|t| Variant::from_plain(Lang::parse(t).unwrap(), &format!("{t} {i}"))).collect())
            })
            .collect();
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let items: Vec<_> = units.iter().cloned().map(|u| Ok(ReadItem::Unit(u))).collect();
        assert_eq!(tm.import_stream(items, &ImportOptions::default(), &mut |_| {}).unwrap().new, 6);
        let got = units_undated(&tm);
        for (want, got) in units.iter().zip(&got) {
            let mut want: Vec<(String, String)> =
                want.variants.iter().map(|v| (v.lang.to_string(), v.plain.clone())).collect();
            let mut got: Vec<(String, String)> =
                got.variants.iter().map(|v| (v.lang.to_string(), v.plain.clone())).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want);
            assert!(got.iter().all(|(lang, plain)| plain.starts_with(lang.as_str())), "{got:?}");
        }
    }

    #[test]
    fn parameters_kept_from_the_unit_before_are_the_right_ones() {
        // Metadata that comes and goes from one unit to the next: a parameter left bound
        // from the unit before must never leak into the next one.
        let l = |t| Lang::parse(t).unwrap();
        let units: Vec<Unit> = (0..8)
            .map(|i| {
                let mut ja = Variant::from_plain(l("ja-JP"), &format!("文{i}。"));
                let mut en = Variant::from_plain(l(if i % 3 == 0 { "en-GB" } else { "en-US" }), &format!("S{i} <b>"));
                if i % 2 == 0 {
                    ja.context_prev = Some("前".into());
                    en.notes.push(crate::tm::Note { lang: None, text: format!("n{}", i % 4) });
                    en.seg = format!("S{i} <ph x=\"1\"/>&lt;b&gt;");
                }
                let mut u = Unit::new(vec![ja, en]);
                u.srclang = (i % 4 != 1).then(|| l("ja-JP"));
                u.tuid = (i % 3 == 1).then(|| format!("t{}", i / 2));
                u.created = Some(format!("2020010{}T000000Z", i / 3 + 1));
                u.changed_by = (i % 2 == 1).then(|| "me".to_string());
                u.usage_count = i % 2;
                if i % 4 == 0 {
                    u.props.push(crate::tm::Prop { kind: "x-k".into(), lang: None, text: "v".into() });
                }
                u
            })
            .collect();
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let opts = ImportOptions { origin: Some("f.tmx".into()) };
        tm.import_stream(units.iter().cloned().map(|u| Ok(ReadItem::Unit(u))), &opts, &mut |_| {}).unwrap();
        let mut back = Vec::new();
        tm.export(&ExportFilter::default(), &mut |u| {
            back.push(u);
            Ok(())
        })
        .unwrap();
        let want: Vec<Unit> = units
            .into_iter()
            .map(|mut u| {
                u.origin = Some("f.tmx".into());
                u
            })
            .collect();
        assert_eq!(back, want);
    }

    #[test]
    fn plain_segments_are_recognized() {
        assert!(is_escaped_plain("a &amp; b &lt;c&gt; &quot;", "a & b <c> \""));
        assert!(is_escaped_plain("a&#13;\n", "a\r\n"));
        assert!(is_escaped_plain("abc", "abc"));
        assert!(!is_escaped_plain("a <ph x=\"1\"/>b", "a b"));
        assert!(!is_escaped_plain("ab", "abc"));
        assert!(!is_escaped_plain("a&b", "a&b"), "an unescaped & is not the canonical form");
        assert!(!is_escaped_plain("a&amp;b", "a&bc"));
    }

    #[test]
    fn a_bulk_load_rebuilds_the_indexes_and_deduplicates_within_the_file() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let items =
            vec![pair("雪。", "Snow."), pair("雪。", "Snow."), pair("雪。", "It snowed."), pair("雨。", "Rain.")];
        let r = tm.import(items, &ImportOptions::default()).unwrap();
        assert_eq!((r.read, r.new, r.present, r.multiple), (4, 3, 1, 1));
        assert_eq!(index_names(&tm), ["unit_by_key"]);
        assert_norm_keys(&tm);
        // The second import probes the rebuilt indexes.
        let r = tm.import(vec![pair("雨。", "Rain."), pair("雨。", "Rainy.")], &ImportOptions::default()).unwrap();
        assert_eq!((r.new, r.present, r.multiple), (1, 1, 1));
    }

    /// Each unit row holds the ids of its variants (schema 9), written by a bulk load and by
    /// an import into a memory that has units, skipped duplicates included; a unit read back
    /// has all its variants.
    #[test]
    fn a_unit_row_holds_the_range_of_its_variants() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let trio = |ja: &str, en: &str, ko: &str| {
            Ok(ReadItem::Unit(Unit::new(vec![
                Variant::from_plain(Lang::parse("ja").unwrap(), ja),
                Variant::from_plain(Lang::parse("en").unwrap(), en),
                Variant::from_plain(Lang::parse("ko").unwrap(), ko),
            ])))
        };
        let one = || Ok(ReadItem::Unit(Unit::new(vec![Variant::from_plain(Lang::parse("en").unwrap(), "Alone.")])));
        tm.import(vec![pair("雪。", "Snow."), trio("雨。", "Rain.", "비."), one()], &ImportOptions::default()).unwrap();
        let r = tm
            .import(
                vec![pair("雪。", "Snow."), trio("風。", "Wind.", "바람."), pair("霧。", "Fog.")],
                &ImportOptions::default(),
            )
            .unwrap();
        assert_eq!((r.new, r.present), (2, 1));
        let ranges: Vec<(i64, i64, i64, i64, i64)> = tm
            .conn()
            .prepare(
                "SELECT u.id, u.first_variant, u.last_variant, min(v.id), max(v.id) FROM unit u
                 JOIN variant v ON v.unit_id = u.id GROUP BY u.id ORDER BY u.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let spans: Vec<(i64, i64)> = ranges.iter().map(|r| (r.1, r.2)).collect();
        assert_eq!(spans, [(1, 2), (3, 5), (6, 6), (7, 9), (10, 11)]);
        assert!(ranges.iter().all(|r| (r.1, r.2) == (r.3, r.4)), "{ranges:?}");
        let wind = tm.unit(4).unwrap().unwrap();
        let texts: Vec<&str> = wind.variants.iter().map(|v| v.plain.as_str()).collect();
        assert_eq!(texts, ["風。", "Wind.", "바람."]);
    }

    #[test]
    fn a_failed_bulk_load_leaves_the_indexes_in_place() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let items = vec![pair("一。", "One."), Err(Error::parse("broken"))];
        assert!(tm.import(items, &ImportOptions::default()).is_err());
        assert_eq!(index_names(&tm), ["unit_by_key"]);
        assert_norm_keys(&tm);
        assert_eq!(tm.stats().unwrap().units, 0);
    }

    #[test]
    fn past_its_limits_a_bulk_load_goes_on_with_probes_and_counts_the_same() {
        // Duplicates and repeated sources on both sides of the switch to the indexes.
        let items = || {
            (0..400)
                .map(|i| i % 300)
                .map(|k| pair(&format!("第{}報。", k % 150), &format!("Report {k}.")))
                .collect::<Vec<_>>()
        };
        let mut expected = TranslationMemory::open_in_memory().unwrap();
        let want = expected.import(items(), &ImportOptions::default()).unwrap();
        assert_eq!((want.new, want.present, want.multiple), (300, 100, 150));
        for caps in [(50, usize::MAX), (usize::MAX, 70), (120, 30), (0, 0), (1, 1)] {
            // Told by the writer's sets (`import`) and by the preparing thread's (`import_stream`).
            for stream in [false, true] {
                TEST_CAPS.with(|c| c.set(caps));
                let mut tm = TranslationMemory::open_in_memory().unwrap();
                let got = if stream {
                    tm.import_stream(items(), &ImportOptions::default(), &mut |_| {})
                } else {
                    tm.import(items(), &ImportOptions::default())
                };
                TEST_CAPS.with(|c| c.set((BULK_UNITS_CAP, SEEN_SOURCES_CAP)));
                assert_eq!(got.unwrap(), want, "caps {caps:?}, stream {stream}");
                assert_eq!(index_names(&tm), ["unit_by_key"]);
                assert_norm_keys(&tm);
                assert_eq!(units_undated(&tm), units_undated(&expected), "caps {caps:?}, stream {stream}");
            }
        }
    }

    #[test]
    fn a_file_memory_returns_to_wal_and_foreign_keys_after_a_bulk_load_that_succeeds_or_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.db");
        let mut tm = TranslationMemory::open(&path).unwrap();
        let mode = |tm: &TranslationMemory| -> (String, bool) {
            let journal = tm.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
            (journal, tm.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap())
        };
        let on = ("wal".to_string(), true);
        let items = vec![pair("一。", "One."), Err(Error::parse("broken"))];
        assert!(tm.import_stream(items, &ImportOptions::default(), &mut |_| {}).is_err());
        assert_eq!(mode(&tm), on);
        assert_eq!(tm.stats().unwrap().units, 0);
        let r = tm.import_stream(vec![pair("一。", "One.")], &ImportOptions::default(), &mut |_| {}).unwrap();
        assert_eq!(r.new, 1);
        assert_eq!(mode(&tm), on);
        drop(tm);
        let tm = TranslationMemory::open(&path).unwrap();
        assert_eq!(tm.stats().unwrap().units, 1);
        assert!(!dir.path().join("tm.db-journal").exists());
    }

    #[test]
    fn the_threaded_import_gives_the_same_memory() {
        let items = || {
            (0..3000)
                .map(|i| i % 2500)
                .map(|k| pair(&format!("第{}報。", k % 2000), &format!("Report {k}.")))
                .chain([Ok(ReadItem::Skipped(Skip { unit: "tu #9".into(), line: Some(3), reason: "x".into() }))])
                .collect::<Vec<_>>()
        };
        let mut one = TranslationMemory::open_in_memory().unwrap();
        let a = one.import(items(), &ImportOptions::default()).unwrap();
        let mut two = TranslationMemory::open_in_memory().unwrap();
        let b = two.import_stream(items(), &ImportOptions::default(), &mut |_| {}).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.read, a.new, a.present, a.multiple, a.skipped.len()), (3001, 2500, 500, 500, 1));
        assert_eq!(units_undated(&one).len(), 2500);
        assert_eq!(units_undated(&one), units_undated(&two));
        let err = two
            .import_stream(vec![pair("x", "y"), Err(Error::parse("broken"))], &ImportOptions::default(), &mut |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("broken"));
        assert_eq!(two.stats().unwrap().units, 2500);
    }
}
