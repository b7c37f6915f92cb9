//! The SQLite store: open (and migrate) a memory, import units in one transaction with
//! de-duplication, stream them back out, and report statistics.
//!
//! Invariants: an import is one transaction, so an import that fails half-way leaves the
//! database exactly as it was; importing the same units twice adds nothing the second time.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::schema;
use super::unit::{Note, Prop, Unit, Variant};
use crate::error::{Error, Result};
use crate::formats::{ReadItem, Skip};
use crate::lang::Lang;

/// A translation memory in a SQLite database.
pub struct TranslationMemory {
    conn: Connection,
    path: Option<PathBuf>,
}

/// Options for [`TranslationMemory::import`].
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The origin recorded on units that do not name their own (usually the file name).
    pub origin: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Units read from the input (imported, present or skipped).
    pub read: u64,
    /// Units added.
    pub new: u64,
    /// Units already in the memory (same variants), not added again.
    pub present: u64,
    /// Of the new units, those whose source text was already in the memory with another
    /// translation (CAT tools' "multiple translations"); both are kept.
    pub multiple: u64,
    /// Units skipped, with the reasons.
    pub skipped: Vec<SkipReport>,
}

/// A skipped unit, as reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkipReport {
    /// Which unit (`tuid="..."`, `tu #12`, `row 3`).
    pub unit: String,
    /// Line where it starts, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Why.
    pub reason: String,
}

impl From<Skip> for SkipReport {
    fn from(s: Skip) -> Self {
        SkipReport { unit: s.unit, line: s.line, reason: s.reason }
    }
}

/// Which units [`TranslationMemory::export`] streams.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only units that have a variant in every one of these languages, and only those
    /// variants. Empty: every unit, every variant.
    pub langs: Vec<Lang>,
    /// Only units whose origin contains this text.
    pub origin: Option<String>,
    /// Only units created or changed at or after this TMX date (`YYYYMMDD` or longer).
    pub since: Option<String>,
    /// Only units created or changed before this TMX date.
    pub until: Option<String>,
}

/// Counts for `tomo stats`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    /// The database file, or `None` in memory.
    pub path: Option<PathBuf>,
    /// Schema version.
    pub schema_version: i64,
    /// Units.
    pub units: u64,
    /// Variants (all languages).
    pub variants: u64,
    /// Variants per language tag, most first.
    pub languages: Vec<(String, u64)>,
    /// Distinct origins.
    pub origins: u64,
    /// Size of the database file in bytes (0 in memory).
    pub file_bytes: u64,
}

/// The page size of a memory tomo creates.
const PAGE_SIZE: i64 = 16 * 1024;

impl TranslationMemory {
    /// Open the memory at `path`, creating it (and its parent folder) on first use and
    /// migrating it to the current schema.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, |_, _| {})
    }

    /// [`TranslationMemory::open`], calling `on_upgrade(from, to)` before migrating a memory
    /// written by an older tomo (a migration may rebuild tables and the fuzzy index: about
    /// 20 s per million units, worth telling the user about before it starts).
    pub fn open_with(path: &Path, on_upgrade: impl FnOnce(i64, i64)) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::from(e).in_file(dir))?;
        }
        let conn = Connection::open(path).map_err(|e| Error::from(e).in_file(path))?;
        let at: i64 =
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| Error::from(e).in_file(path))?;
        if at > 0 && at < schema::VERSION {
            on_upgrade(at, schema::VERSION);
        }
        Self::setup(conn, Some(path.to_path_buf())).map_err(|e| e.in_file(path))
    }

    /// A fresh memory in RAM (tests, scratch work).
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Takes effect only on a new, empty file (before WAL mode and the first table); an
        // existing memory keeps its page size. 16 KiB pages instead of SQLite's 4 KiB: a
        // 1M-unit import took 9 % less CPU (a third of the system time: fewer, larger
        // writes, shallower B-trees, shorter overflow chains for the posting blobs), the
        // file was 2 % smaller, lookups measured the same.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        // WAL lets readers (lookups) run while an import writes; NORMAL sync is durable at
        // every checkpoint and safe against corruption in WAL mode.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -64_000)?;
        // A lookup alone keeps about a dozen statements prepared; re-preparing evicted ones
        // showed in its profile.
        conn.set_prepared_statement_cache_capacity(64);
        rusqlite::vtab::array::load_module(&conn)?;
        schema::migrate(&mut conn)?;
        Ok(TranslationMemory { conn, path })
    }

    /// Map the database file into memory for lookups: posting lists of megabytes are then
    /// read in place instead of being copied page by page through read(2) into SQLite's
    /// cache. Only for commands that look up; an import or export through a map would
    /// show the whole file in the process's resident memory. (SQLite caps the size at its
    /// compile-time maximum.)
    pub fn map_for_lookups(&self) -> Result<()> {
        self.conn.pragma_update(None, "mmap_size", 1i64 << 34)?;
        // Keep each prepared statement's plan whatever its parameters: without this,
        // SQLite re-prepared a lookup statement on every rebinding (7 % of a Japanese batch).
        self.conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(())
    }

    /// The database file, or `None` for an in-memory memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The SQLite connection, for the modules that query the store directly (index, lookup).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, to open a transaction (the import path).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Import `items` in one transaction. An `Err` item aborts the import and rolls back
    /// everything it added; skipped items are counted and reported.
    pub fn import<I>(&mut self, items: I, opts: &ImportOptions) -> Result<ImportReport>
    where
        I: IntoIterator<Item = Result<ReadItem>>,
    {
        self.import_with_progress(items, opts, &mut |_| {})
    }

    /// [`import`](Self::import), calling `progress` with the running report every 10,000 units.
    pub fn import_with_progress<I>(
        &mut self,
        items: I,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<ImportReport>
    where
        I: IntoIterator<Item = Result<ReadItem>>,
    {
        self.import_prepared(items.into_iter().map(super::import::prepare), opts, progress, &mut drop)
    }

    /// Stream the units that pass `filter`, in insertion order, to `sink`. Returns how many
    /// were written. Memory use does not grow with the size of the memory.
    pub fn export(&self, filter: &ExportFilter, sink: &mut dyn FnMut(Unit) -> Result<()>) -> Result<u64> {
        let mut stmt = self.conn.prepare(concat!(
            "SELECT u.id, u.tuid, u.srclang, u.created, u.created_by, u.changed, u.changed_by, u.origin,
                    u.usage_count, u.last_used, u.attrs, u.notes, u.props,
                    v.lang, v.seg, v.plain, v.context_prev, v.context_next, v.attrs, v.notes, v.props
             FROM ",
            super::unit_variants!(),
            " WHERE (?1 IS NULL OR instr(coalesce(u.origin, ''), ?1) > 0)
               AND (?2 IS NULL OR coalesce(u.changed, u.created, '') >= ?2)
               AND (?3 IS NULL OR coalesce(u.changed, u.created, '') < ?3)
             ORDER BY u.id, v.id"
        ))?;
        let mut rows = stmt.query(params![filter.origin, filter.since, filter.until])?;
        let mut current: Option<(i64, Unit)> = None;
        let mut written = 0u64;
        let mut emit = |unit: Unit| -> Result<()> {
            if let Some(unit) = select_langs(unit, &filter.langs) {
                sink(unit)?;
                written += 1;
            }
            Ok(())
        };
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if current.as_ref().map(|(cid, _)| *cid) != Some(id) {
                if let Some((_, unit)) = current.take() {
                    emit(unit)?;
                }
                current = Some((id, unit_from_row(row)?));
            }
            let unit = &mut current.as_mut().expect("a unit row was just read").1;
            unit.variants.push(variant_from_row(row, 13)?);
        }
        if let Some((_, unit)) = current {
            emit(unit)?;
        }
        Ok(written)
    }

    /// The unit with database id `id`, with all its variants.
    pub fn unit(&self, id: i64) -> Result<Option<Unit>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, tuid, srclang, created, created_by, changed, changed_by, origin,
                    usage_count, last_used, attrs, notes, props FROM unit WHERE id = ?1",
        )?;
        let Some(mut unit) = stmt.query_row([id], unit_from_row).optional()? else {
            return Ok(None);
        };
        let mut vstmt = self.conn.prepare_cached(concat!(
            "SELECT v.lang, v.seg, v.plain, v.context_prev, v.context_next, v.attrs, v.notes, v.props FROM ",
            super::unit_variants!(),
            " WHERE u.id = ?1 ORDER BY v.id"
        ))?;
        let mut rows = vstmt.query([id])?;
        while let Some(row) = rows.next()? {
            unit.variants.push(variant_from_row(row, 0)?);
        }
        Ok(Some(unit))
    }

    /// Counts for `tomo stats`.
    pub fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let units: i64 = c.query_row("SELECT count(*) FROM unit", [], |r| r.get(0))?;
        let variants: i64 = c.query_row("SELECT count(*) FROM variant", [], |r| r.get(0))?;
        let origins: i64 = c.query_row("SELECT count(DISTINCT origin) FROM unit", [], |r| r.get(0))?;
        let mut stmt = c.prepare("SELECT lang, count(*) FROM variant GROUP BY lang ORDER BY count(*) DESC, lang")?;
        let languages = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let schema_version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let file_bytes = self.path.as_ref().and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len());
        Ok(Stats {
            path: self.path.clone(),
            schema_version,
            units: units as u64,
            variants: variants as u64,
            languages,
            origins: origins as u64,
            file_bytes,
        })
    }

    /// The most common unit source language, if any unit names one.
    pub fn dominant_srclang(&self) -> Result<Option<Lang>> {
        let tag: Option<String> = self
            .conn
            .query_row(
                "SELECT srclang FROM unit WHERE srclang IS NOT NULL GROUP BY srclang ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(tag.and_then(|t| Lang::parse(&t).ok()))
    }

    /// What was recorded when `path` (a file name in the `tm/` folder) was last auto-imported.
    pub fn imported_file(&self, path: &str) -> Result<Option<FileStamp>> {
        let mut q = self.conn.prepare_cached("SELECT hash, size, modified FROM imported_file WHERE path = ?1")?;
        Ok(q.query_row([path], |r| Ok(FileStamp { hash: r.get(0)?, size: r.get(1)?, modified: r.get(2)? }))
            .optional()?)
    }

    /// Record that `path` with this content was auto-imported.
    pub fn record_imported_file(&self, path: &str, stamp: &FileStamp) -> Result<()> {
        self.conn.execute(
            "INSERT INTO imported_file (path, hash, size, modified, imported) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, size = excluded.size,
                 modified = excluded.modified, imported = excluded.imported",
            params![path, stamp.hash, stamp.size, stamp.modified, super::unit::tmx_now()],
        )?;
        Ok(())
    }
}

/// The 64-bit hash of a normalized text in a language, as stored in `variant.norm_hash`:
/// the 64-bit XXH3 of the text, seeded with the 64-bit XXH3 of the tag. (Schema 6 and
/// before: FNV-1a, a multiply a byte; migration 007 recomputed the stored hashes.)
pub fn norm_hash(lang_base: &str, norm: &str) -> i64 {
    let seed = xxhash_rust::xxh3::xxh3_64(lang_base.as_bytes());
    xxhash_rust::xxh3::xxh3_64_with_seed(norm.as_bytes(), seed) as i64
}

/// The `norm_key` row of variant `id` whose `norm_hash` is `hash` (schema 10): the hash's
/// high 32 bits above the id's 32, so a text's variants are one range of keys
/// ([`norm_key_range`]). Variant ids fit in 32 bits (the fuzzy index's postings hold them so).
pub(crate) fn norm_key(hash: i64, id: i64) -> i64 {
    (hash & !0xFFFF_FFFF) | (id & 0xFFFF_FFFF)
}

/// The `norm_key` range holding every variant whose `norm_hash` has the high 32 bits of
/// `hash` (rows of other hashes sharing them are told apart by the full hash on the row).
pub(crate) fn norm_key_range(hash: i64) -> (i64, i64) {
    let lo = hash & !0xFFFF_FFFF;
    (lo, lo | 0xFFFF_FFFF)
}

pub(crate) const FNV_OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
const FNV_PRIME: u128 = 0x0000000001000000000000000000013B;

/// FNV-1a, 128-bit: stable across builds and platforms (unlike std's hasher), which the
/// de-duplication key stored on disk needs.
pub(crate) fn fnv1a(mut h: u128, bytes: &[u8]) -> u128 {
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// An auto-imported file's content hash, size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    /// Stable hex hash of the bytes.
    pub hash: String,
    /// Size in bytes.
    pub size: i64,
    /// Modification time, nanoseconds since the Unix epoch (0 when the system has none).
    pub modified: i64,
}

/// A stable hex hash of everything `reader` yields, read in chunks (a client's TMX can be
/// hundreds of megabytes), to notice when an auto-imported file changes.
pub fn content_hash(mut reader: impl std::io::Read) -> std::io::Result<String> {
    let mut h = FNV_OFFSET;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match reader.read(&mut buf)? {
            0 => return Ok(format!("{h:032x}")),
            n => h = fnv1a(h, &buf[..n]),
        }
    }
}

fn from_json<T: serde::de::DeserializeOwned>(text: Option<String>) -> rusqlite::Result<Vec<T>> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str(&t)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))),
    }
}

fn lang_col(text: Option<String>) -> rusqlite::Result<Option<Lang>> {
    Ok(text.and_then(|t| Lang::parse(&t).ok()))
}

fn unit_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Unit> {
    Ok(Unit {
        tuid: row.get(1)?,
        srclang: lang_col(row.get(2)?)?,
        created: row.get(3)?,
        created_by: row.get(4)?,
        changed: row.get(5)?,
        changed_by: row.get(6)?,
        origin: row.get(7)?,
        usage_count: row.get(8)?,
        last_used: row.get(9)?,
        attrs: from_json(row.get(10)?)?,
        notes: from_json::<Note>(row.get(11)?)?,
        props: from_json::<Prop>(row.get(12)?)?,
        variants: Vec::new(),
    })
}

/// A variant's segment from its `seg` column: NULL when the segment is its plain text
/// escaped (the import stores it only when it differs).
pub(crate) fn stored_seg(seg: Option<String>, plain: &str) -> String {
    seg.unwrap_or_else(|| super::unit::escape_xml(plain))
}

fn variant_from_row(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Variant> {
    let tag: String = row.get(at)?;
    let lang = Lang::parse(&tag)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Text, Box::new(e)))?;
    let plain: String = row.get(at + 2)?;
    let seg: Option<String> = row.get(at + 1)?;
    Ok(Variant {
        lang,
        seg: stored_seg(seg, &plain),
        plain,
        context_prev: row.get(at + 3)?,
        context_next: row.get(at + 4)?,
        attrs: from_json(row.get(at + 5)?)?,
        notes: from_json(row.get(at + 6)?)?,
        props: from_json(row.get(at + 7)?)?,
    })
}

/// `unit` cut down to `langs` (in that order), or `None` if it lacks one of them.
fn select_langs(mut unit: Unit, langs: &[Lang]) -> Option<Unit> {
    if langs.is_empty() {
        return Some(unit);
    }
    let mut kept = Vec::with_capacity(langs.len());
    for want in langs {
        let pos = unit
            .variants
            .iter()
            .position(|v| &v.lang == want)
            .or_else(|| unit.variants.iter().position(|v| want.matches(&v.lang)))?;
        kept.push(unit.variants.swap_remove(pos));
    }
    unit.variants = kept;
    Some(unit)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn l(tag: &str) -> Lang {
        Lang::parse(tag).unwrap()
    }

    /// A ja-JP/en-US unit as the reader yields it.
    pub(crate) fn pair(ja: &str, en: &str) -> Result<ReadItem> {
        Ok(ReadItem::Unit(Unit::new(vec![Variant::from_plain(l("ja-JP"), ja), Variant::from_plain(l("en-US"), en)])))
    }

    fn all_units(tm: &TranslationMemory, filter: &ExportFilter) -> Vec<Unit> {
        let mut out = Vec::new();
        tm.export(filter, &mut |u| {
            out.push(u);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn plain_segments_are_stored_once_and_read_back_escaped() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let mut tagged = Variant::from_plain(l("en"), "Press Enter.");
        tagged.seg = "Press <ph x=\"1\">&lt;b&gt;</ph>Enter.".into();
        let unit = Unit::new(vec![Variant::from_plain(l("ja"), "A & B <x>"), tagged]);
        tm.import(vec![Ok(ReadItem::Unit(unit.clone()))], &ImportOptions::default()).unwrap();
        let stored: Option<String> =
            tm.conn().query_row("SELECT seg FROM variant WHERE lang = 'ja'", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, None);
        assert_eq!(all_units(&tm, &ExportFilter::default())[0].variants, unit.variants);
    }

    #[test]
    fn a_new_memory_gets_large_pages_and_an_existing_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size =
            |tm: &TranslationMemory| -> i64 { tm.conn().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap() };
        let fresh = TranslationMemory::open(&dir.path().join("new.db")).unwrap();
        assert_eq!(page_size(&fresh), PAGE_SIZE);
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;").unwrap();
            schema::create_at_version(&conn, 2);
        }
        let mut old = TranslationMemory::open(&path).unwrap();
        assert_eq!(page_size(&old), 4096);
        old.import(vec![pair("雪。", "Snow.")], &ImportOptions::default()).unwrap();
        assert_eq!(old.stats().unwrap().units, 1);
    }

    #[test]
    fn opening_an_older_memory_announces_the_upgrade_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        schema::create_at_version(&Connection::open(&path).unwrap(), 2);
        let mut seen = Vec::new();
        let tm = TranslationMemory::open_with(&path, |from, to| seen.push((from, to))).unwrap();
        assert_eq!(seen, [(2, schema::VERSION)]);
        assert_eq!(tm.stats().unwrap().schema_version, schema::VERSION);
        drop(tm);
        let mut again = Vec::new();
        TranslationMemory::open_with(&path, |from, to| again.push((from, to))).unwrap();
        assert!(again.is_empty(), "an up-to-date memory is not upgraded again");
        let mut fresh = Vec::new();
        TranslationMemory::open_with(&dir.path().join("new.db"), |from, to| fresh.push((from, to))).unwrap();
        assert!(fresh.is_empty(), "creating a memory is not an upgrade");
    }

    #[test]
    fn second_import_adds_nothing() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let items = || vec![pair("雪が降った。", "It snowed."), pair("晴れた。", "It was sunny.")];
        let first = tm.import(items(), &ImportOptions::default()).unwrap();
        assert_eq!((first.new, first.present), (2, 0));
        let second = tm.import(items(), &ImportOptions::default()).unwrap();
        assert_eq!((second.new, second.present), (0, 2));
        assert_eq!(tm.stats().unwrap().units, 2);
    }

    #[test]
    fn another_translation_is_a_second_unit_counted_as_multiple() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        tm.import(vec![pair("雪が降った。", "It snowed.")], &ImportOptions::default()).unwrap();
        let r = tm.import(vec![pair("雪が降った。", "Snow fell.")], &ImportOptions::default()).unwrap();
        assert_eq!((r.new, r.multiple), (1, 1));
        assert_eq!(tm.stats().unwrap().units, 2);
    }

    #[test]
    fn multiple_translations_within_one_import_and_across_imports() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let r = tm
            .import(
                vec![pair("雪が降った。", "It snowed."), pair("雪が降った。", "Snow fell.")],
                &ImportOptions::default(),
            )
            .unwrap();
        assert_eq!((r.new, r.multiple), (2, 1), "empty memory: the second is a multiple translation");
        let r = tm
            .import(
                vec![pair("雪が降った。", "There was snow."), pair("晴れた。", "Sunny.")],
                &ImportOptions::default(),
            )
            .unwrap();
        assert_eq!((r.new, r.multiple), (2, 1), "non-empty memory: probed in the database");
    }

    #[test]
    fn failed_import_leaves_memory_as_before() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        tm.import(vec![pair("一。", "One.")], &ImportOptions::default()).unwrap();
        let items = vec![pair("二。", "Two."), Err(Error::parse("broken at the end"))];
        assert!(tm.import(items, &ImportOptions::default()).is_err());
        let units = all_units(&tm, &ExportFilter::default());
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].variants[1].plain, "One.");
    }

    #[test]
    fn two_variants_in_one_language_is_an_error() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let unit = Unit::new(vec![Variant::from_plain(l("en"), "a"), Variant::from_plain(l("en"), "b")]);
        let err = tm.import(vec![Ok(ReadItem::Unit(unit))], &ImportOptions::default()).unwrap_err();
        assert!(err.to_string().contains("two variants in en"), "{err}");
    }

    #[test]
    fn export_round_trips_metadata_and_filters_languages() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let mut unit = Unit::new(vec![
            Variant::from_plain(l("en-US"), "Hello"),
            Variant::from_plain(l("ja-JP"), "こんにちは"),
            Variant::from_plain(l("ko-KR"), "안녕하세요"),
        ]);
        unit.tuid = Some("t1".into());
        unit.srclang = Some(l("en-US"));
        unit.created = Some("20260101T000000Z".into());
        unit.props.push(Prop { kind: "x-client".into(), lang: None, text: "desk".into() });
        unit.notes.push(Note { lang: Some("en".into()), text: "greeting".into() });
        unit.variants[1].context_prev = Some(String::new());
        let enja = Unit::new(vec![Variant::from_plain(l("en-US"), "Bye"), Variant::from_plain(l("ja-JP"), "さよなら")]);
        tm.import(vec![Ok(ReadItem::Unit(unit.clone())), Ok(ReadItem::Unit(enja))], &ImportOptions::default()).unwrap();

        let all = all_units(&tm, &ExportFilter::default());
        assert_eq!(all[0], unit);
        let ko_en = all_units(&tm, &ExportFilter { langs: vec![l("ko"), l("en")], ..Default::default() });
        assert_eq!(ko_en.len(), 1);
        let tags: Vec<&str> = ko_en[0].variants.iter().map(|v| v.lang.as_str()).collect();
        assert_eq!(tags, ["ko-KR", "en-US"]);
        let since = all_units(&tm, &ExportFilter { since: Some("20260102".into()), ..Default::default() });
        assert_eq!(since.len(), 1, "only the unit stamped at import time is that recent");
    }

    #[test]
    fn origin_defaults_to_the_import_option() {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let opts = ImportOptions { origin: Some("client.tmx".into()) };
        tm.import(vec![pair("一。", "One.")], &opts).unwrap();
        let got = all_units(&tm, &ExportFilter { origin: Some("client".into()), ..Default::default() });
        assert_eq!(got[0].origin.as_deref(), Some("client.tmx"));
        assert!(all_units(&tm, &ExportFilter { origin: Some("other".into()), ..Default::default() }).is_empty());
    }
}
