//! Schema migrations, compiled in from `tm/schema/*.sql` and tracked with `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{Error, ErrorKind, Result};

/// Migration `i` brings the schema from version `i` to `i + 1`. Append only: a released
/// migration is never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("../../tm/schema/001_init.sql"),
    include_str!("../../tm/schema/002_fuzzy_index.sql"),
    include_str!("../../tm/schema/003_named_indexes.sql"),
    include_str!("../../tm/schema/004_fuzzy_length_buckets.sql"),
    include_str!("../../tm/schema/005_fuzzy_grouped_lists.sql"),
    include_str!("../../tm/schema/006_fuzzy_pair_rows.sql"),
    include_str!("../../tm/schema/007_fast_hashes.sql"),
    include_str!("../../tm/schema/008_integer_keys.sql"),
    include_str!("../../tm/schema/009_variant_ranges.sql"),
    include_str!("../../tm/schema/010_norm_keys.sql"),
];

/// Index of the migration that creates the fuzzy index (002).
const FUZZY_INDEX: usize = 1;

/// Index of the migration that posts character pairs per length bucket (004).
const LENGTH_BUCKETS: usize = 3;

/// Index of the migration that groups long posting lists by token count (005).
const GROUPED_LISTS: usize = 4;

/// Index of the migration that adds the pairs' rows of document frequencies (006).
const PAIR_ROWS: usize = 5;

/// Index of the migration that recomputes the de-duplication keys and text hashes (007).
const FAST_HASHES: usize = 6;

/// Index of the migration that splits the de-duplication key into two integers (008).
const INTEGER_KEYS: usize = 7;

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring `conn` up to [`VERSION`], each migration in its own transaction. Refuses a
/// database written by a newer tomo, or a SQLite file that is not a tomo memory.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > VERSION {
        return Err(Error::new(
            ErrorKind::Database,
            format!(
                "the memory has schema version {current}, newer than this tomo understands ({VERSION}); upgrade tomo"
            ),
        ));
    }
    if current == 0 {
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(Error::new(ErrorKind::Database, "this SQLite file is not a tomo memory"));
        }
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if i == FUZZY_INDEX && current > 0 {
            // A memory written before the index existed: index its variants now, or
            // lookups would find nothing in it.
            crate::tm::index::rebuild_in(&tx)?;
        }
        if i == LENGTH_BUCKETS && current > FUZZY_INDEX as i64 {
            // An index in the old key format (one list per character pair, all lengths):
            // rebuilt with the bucketed keys. A memory older than the index got them when
            // 002 built it in this same run.
            crate::tm::index::rebuild_in(&tx)?;
        }
        if i == GROUPED_LISTS && current > LENGTH_BUCKETS as i64 {
            // Flat lists written by schema 4: grouped where the new layout pays. One
            // rebuilt by 002 or 004 in this same run was written grouped already.
            crate::tm::index::regroup_in(&tx)?;
        }
        if i == PAIR_ROWS && current > 0 {
            // The pairs of the index already written (by an older tomo, or rebuilt by 002
            // or 004 in this same run, before the table existed).
            crate::tm::index::build_pair_rows_in(&tx)?;
        }
        if i == FAST_HASHES && current > 0 {
            crate::tm::import::rekey_in(&tx)?;
        }
        if i == INTEGER_KEYS {
            // Also into a new memory: the hook builds the index 008's SQL dropped.
            crate::tm::import::split_keys_in(&tx)?;
        }
        // user_version takes no bound parameter; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}

/// Build, in `conn`, the schema an older tomo wrote: the first `version` migrations, with
/// `user_version` set to match (tests of the migrations that follow).
#[cfg(test)]
pub(crate) fn create_at_version(conn: &Connection, version: usize) {
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).expect("an old migration applies");
    }
    conn.pragma_update(None, "user_version", version as i64).expect("user_version is set");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_fresh_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
    }

    /// A memory at schema `version` holding one unit: "The cat sat." and "猫が座った。".
    fn cat_unit_at_version(version: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, version);
        conn.execute_batch(
            "INSERT INTO unit (id, key) VALUES (1, x'01');
             INSERT INTO variant (id, unit_id, lang, lang_base, plain, norm, norm_hash)
                 VALUES (1, 1, 'en', 'en', 'The cat sat.', 'the cat sat.', 0),
                        (2, 1, 'ja', 'ja', '猫が座った。', '猫が座った。', 0);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn migrating_from_version_1_builds_the_fuzzy_index() {
        let mut conn = cat_unit_at_version(1);
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        use crate::tm::fuzzy::tokenize::{FNV64, hash64};
        let cat = crate::tm::index::gram_key("en", hash64(FNV64, b"cat"));
        assert_eq!(crate::tm::index::doc_freq(&conn, cat).unwrap(), 1);
        let grams: i64 = conn.query_row("SELECT count(*) FROM fz_gram", [], |r| r.get(0)).unwrap();
        assert!(grams > 0, "the migrated memory has an empty index");
        assert_eq!(crate::tm::index::languages(&conn).unwrap(), ["en", "ja"]);
    }

    /// Issue 5: a memory indexed by schema 2 (character pairs not bucketed by length) is
    /// re-indexed by migration 004, and its Japanese lookups find the same units.
    #[test]
    fn migrating_from_version_2_buckets_the_character_pairs() {
        use crate::lang::Lang;
        use crate::tm::index::{bigram_class, bigram_key, doc_freq, gram_key, length_bucket};
        let mut conn = cat_unit_at_version(2);
        // The schema-2 index of the Japanese variant: one unbucketed row per pair.
        let ja = Lang::parse("ja").unwrap();
        let toks = crate::tm::fuzzy::tokenize::tokenize("猫が座った。", crate::tm::fuzzy::tokenize::Granularity::Chars);
        let pair = bigram_class(toks[0].class, toks[1].class);
        conn.execute("INSERT INTO fz_gram (key, n, last, ids) VALUES (?1, 1, 2, x'0206')", [gram_key("ja", pair)])
            .unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        assert_eq!(doc_freq(&conn, bigram_key("ja", pair, length_bucket(6))).unwrap(), 1);
        let old = gram_key("ja", pair);
        if old != bigram_key("ja", pair, length_bucket(6)) {
            assert_eq!(doc_freq(&conn, old).unwrap(), 0, "the old row is gone");
        }
        let (keys, len) = crate::tm::index::keys_of(&ja, "猫が座った。");
        assert_eq!(len, 6);
        for key in keys {
            assert_eq!(doc_freq(&conn, key).unwrap(), 1, "every key of the variant is indexed");
        }
    }

    /// Issue 5: a memory indexed by schema 4 (every list flat) has its long lists grouped by
    /// token count by migration 005 (same postings), and keeps its short ones flat.
    #[test]
    fn migrating_from_version_4_groups_the_long_lists() {
        use crate::lang::Lang;
        use crate::tm::index::{bigram_class, bigram_key, decode, encode, gram_key, length_bucket, posting_blob};
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, 4);
        conn.execute_batch("INSERT INTO unit (id, key) VALUES (1, x'01'), (2, x'02');").unwrap();
        // 40 variants of three lengths all holding 東京 (its pair's list is long), and one
        // with 猫 (a short list); the schema-4 index written by hand, flat.
        let texts: Vec<String> = (0..40).map(|i| format!("東京{}", "あ".repeat(1 + i % 3 * 5))).collect();
        let mut postings: std::collections::BTreeMap<i64, Vec<(u32, u8)>> = Default::default();
        let ja = Lang::parse("ja").unwrap();
        for (i, text) in texts.iter().chain(std::iter::once(&"猫が座った。".to_string())).enumerate() {
            let id = i as i64 + 1;
            conn.execute(
                "INSERT INTO variant (id, unit_id, lang, lang_base, plain, norm, norm_hash) VALUES (?1, 1 + ?1 % 2, 'ja', 'ja', ?2, ?2, ?1)",
                rusqlite::params![id, text],
            )
            .unwrap();
            let (keys, len) = crate::tm::index::keys_of(&ja, text);
            for key in keys {
                postings.entry(key).or_default().push((id as u32, len));
            }
        }
        for (key, list) in &postings {
            conn.execute(
                "INSERT INTO fz_gram (key, n, last, ids) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![key, list.len() as i64, i64::from(list[list.len() - 1].0), encode(list)],
            )
            .unwrap();
        }
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        let tok = |t: &str| crate::tm::fuzzy::tokenize::tokenize(t, crate::tm::fuzzy::tokenize::Granularity::Chars);
        let t = tok("東京");
        let tokyo = gram_key("ja", t[0].class);
        let tokyo_blob = posting_blob(&conn, tokyo).unwrap();
        assert_eq!(tokyo_blob[0], 0, "the long list is grouped");
        assert_eq!(decode(&tokyo_blob), (1..=40).collect::<Vec<u32>>());
        let pair = bigram_key("ja", bigram_class(t[0].class, t[1].class), length_bucket(3));
        assert_eq!(
            decode(&posting_blob(&conn, pair).unwrap()),
            postings[&pair].iter().map(|p| p.0).collect::<Vec<_>>()
        );
        let cat = gram_key("ja", tok("猫")[0].class);
        assert_eq!(posting_blob(&conn, cat).unwrap(), encode(&[(41, 6)]), "a short list stays flat");
    }

    /// Issue 5: migration 006 gives each common character pair of a schema-5 index its row
    /// of document frequencies per length bucket (`fz_pair`), and none to a rare one.
    #[test]
    fn migrating_from_version_5_adds_the_pair_rows() {
        use crate::tm::index::{bigram_class, bigram_key, doc_freq, gram_key, length_bucket, pair_buckets};
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, 5);
        conn.execute_batch("INSERT INTO unit (id, key) VALUES (1, x'01');").unwrap();
        // 40 variants of three lengths (three buckets) holding 東京, one holding 猫が.
        let texts: Vec<String> = (0..40).map(|i| format!("東京{}", "あ".repeat(1 + i % 3 * 8))).collect();
        for (i, text) in texts.iter().chain(std::iter::once(&"猫が座った。".to_string())).enumerate() {
            conn.execute(
                "INSERT INTO variant (id, unit_id, lang, lang_base, plain, norm, norm_hash) VALUES (?1, 1, 'ja', 'ja', ?2, ?2, ?1)",
                rusqlite::params![i as i64 + 1, text],
            )
            .unwrap();
        }
        {
            // The schema-5 index, written before the table existed.
            let tx = conn.transaction().unwrap();
            crate::tm::index::rebuild_in(&tx).unwrap();
            tx.commit().unwrap();
        }
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        let tok = |t: &str| crate::tm::fuzzy::tokenize::tokenize(t, crate::tm::fuzzy::tokenize::Granularity::Chars);
        let t = tok("東京");
        let tokyo = bigram_class(t[0].class, t[1].class);
        let mut got = Vec::new();
        assert_eq!(pair_buckets(&conn, "ja", &[tokyo], |_, b, n| got.push((b, n))).unwrap(), [true]);
        let want: Vec<(u8, u32)> = [3u8, 11, 19]
            .iter()
            .map(|&len| length_bucket(len))
            .map(|b| (b, doc_freq(&conn, bigram_key("ja", tokyo, b)).unwrap()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(got.iter().map(|g| g.1).sum::<u32>(), 40);
        let c = tok("猫が");
        let cat = bigram_class(c[0].class, c[1].class);
        assert_eq!(pair_buckets(&conn, "ja", &[cat], |_, _, _| {}).unwrap(), [false], "a rare pair has no row");
        assert!(doc_freq(&conn, gram_key("ja", c[0].class)).unwrap() == 1);
    }

    #[test]
    fn migrating_from_version_2_keeps_units_ids_and_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, 2);
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             INSERT INTO unit (id, key, tuid, origin) VALUES (5, x'05', 't5', 'a.tmx'), (9, x'09', NULL, 'b.tmx');
             INSERT INTO variant (id, unit_id, lang, lang_base, plain, norm, norm_hash)
                 VALUES (11, 5, 'en', 'en', 'The cat sat.', 'the cat sat.', 42),
                        (12, 5, 'ja', 'ja', '猫が座った。', '猫が座った。', 43),
                        (20, 9, 'en', 'en', 'A dog.', 'a dog.', 44);
             INSERT INTO fz_gram (key, n, last, ids) VALUES (1, 1, 11, x'0b03');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        let rows: Vec<(i64, i64, String)> = conn
            .prepare("SELECT id, unit_id, plain FROM variant ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, [(11, 5, "The cat sat.".into()), (12, 5, "猫が座った。".into()), (20, 9, "A dog.".into())]);
        let tuid: Option<String> = conn.query_row("SELECT tuid FROM unit WHERE id = 5", [], |r| r.get(0)).unwrap();
        assert_eq!(tuid.as_deref(), Some("t5"));
        // 003 keeps the ids the index refers to; 004 then rebuilds the index from the variants.
        assert_eq!(crate::tm::index::doc_freq(&conn, 1).unwrap(), 0, "the hand-made list is gone");
        let en = crate::lang::Lang::parse("en").unwrap();
        for key in crate::tm::index::keys_of(&en, "the cat sat.").0 {
            assert!(crate::tm::index::doc_freq(&conn, key).unwrap() >= 1, "the variants are indexed");
        }
        // The key is still unique (007 recomputed it), and deleting a unit still deletes
        // its variants.
        let (hi, lo): (i64, i64) =
            conn.query_row("SELECT key, key_lo FROM unit WHERE id = 5", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert!(conn.execute("INSERT INTO unit (key, key_lo) VALUES (?1, ?2)", [hi, lo]).is_err());
        conn.execute("DELETE FROM unit WHERE id = 5", []).unwrap();
        let left: i64 = conn.query_row("SELECT count(*) FROM variant", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 1);
        let keys: i64 = conn.query_row("SELECT count(*) FROM norm_key", [], |r| r.get(0)).unwrap();
        assert_eq!(keys, 1, "the deleted variants' keys went with them");
        let indexes: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(indexes, ["unit_by_key"]);
    }

    /// Issue 2: migration 009 gives each unit row the range of its variants' ids and drops
    /// `variant_by_unit`; a unit whose variants are not together (a memory edited by hand)
    /// gets the range around them, and is still read with its own variants only.
    #[test]
    fn migrating_from_version_8_gives_units_their_variant_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        {
            let conn = Connection::open(&path).unwrap();
            create_at_version(&conn, 8);
            conn.execute_batch(
                "INSERT INTO unit (id, key, key_lo) VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3);
                 INSERT INTO variant (id, unit_id, lang, lang_base, plain, norm, norm_hash)
                     VALUES (1, 1, 'en', 'en', 'One.', 'one.', 1),
                            (2, 2, 'en', 'en', 'Two.', 'two.', 2),
                            (3, 1, 'ja', 'ja', '一。', '一。', 3),
                            (4, 2, 'ja', 'ja', '二。', '二。', 4),
                            (5, 3, 'en', 'en', 'Three.', 'three.', 5),
                            (6, 3, 'ja', 'ja', '三。', '三。', 6);",
            )
            .unwrap();
        }
        let tm = crate::tm::TranslationMemory::open(&path).unwrap();
        let ranges: Vec<(i64, i64)> = tm
            .conn()
            .prepare("SELECT first_variant, last_variant FROM unit ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ranges, [(1, 3), (2, 4), (5, 6)]);
        let indexes: i64 = tm
            .conn()
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'variant_by_unit'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(indexes, 0);
        for (id, want) in [(1, ["One.", "一。"]), (2, ["Two.", "二。"]), (3, ["Three.", "三。"])] {
            let unit = tm.unit(id).unwrap().unwrap();
            let texts: Vec<&str> = unit.variants.iter().map(|v| v.plain.as_str()).collect();
            assert_eq!(texts, want, "unit {id}");
        }
        let mut exported = Vec::new();
        tm.export(&crate::tm::ExportFilter::default(), &mut |u| {
            exported.push(u.variants.iter().map(|v| v.plain.clone()).collect::<Vec<_>>());
            Ok(())
        })
        .unwrap();
        assert_eq!(exported, [["One.", "一。"], ["Two.", "二。"], ["Three.", "三。"]]);
    }

    /// Issue 2: migration 007 recomputes the de-duplication keys and the text hashes with
    /// XXH3, so a unit imported again after the upgrade is found, and multiple
    /// translations are still told by the source's hash.
    #[test]
    fn migrating_from_version_6_rekeys_units_and_hashes() {
        use crate::lang::Lang;
        use crate::tm::unit::{Unit, Variant};
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, 6);
        // Keys and hashes as schema 6 wrote them (FNV-1a; any other value will do here).
        conn.execute_batch(
            "INSERT INTO unit (id, key) VALUES (1, x'0101'), (2, x'0202');
             INSERT INTO variant (id, unit_id, lang, lang_base, seg, plain, norm, norm_hash)
                 VALUES (1, 1, 'en-US', 'en', NULL, 'The <b> cat.', 'the <b> cat.', 7),
                        (2, 1, 'ja-JP', 'ja', NULL, '猫。', '猫。', 8),
                        (3, 2, 'en-US', 'en', 'Press <ph x=\"1\"/> now.', 'Press  now.', 'press now.', 9);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        let (en, ja) = (Lang::parse("en-US").unwrap(), Lang::parse("ja-JP").unwrap());
        let cat = Unit::new(vec![Variant::from_plain(en.clone(), "The <b> cat."), Variant::from_plain(ja, "猫。")]);
        let mut tagged = Variant::from_plain(en, "Press  now.");
        tagged.seg = "Press <ph x=\"1\"/> now.".into();
        let press = Unit::new(vec![tagged]);
        let key = |id: i64| -> (i64, i64) {
            conn.query_row("SELECT key, key_lo FROM unit WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
        };
        use crate::tm::import::{key_halves, unit_key};
        assert_eq!(key(1), key_halves(unit_key(&cat)));
        assert_eq!(key(2), key_halves(unit_key(&press)));
        let hashes: Vec<(String, String, i64)> = conn
            .prepare("SELECT lang_base, norm, norm_hash FROM variant ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (lang_base, norm, hash) in hashes {
            assert_eq!(hash, crate::tm::store::norm_hash(&lang_base, &norm), "{norm}");
        }
        let indexes: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'unit_by_key'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(indexes, 1, "the key's index is built again");
        // 010 then turned the index on the hashes into `norm_key`, from the new hashes.
        let keys: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT v.norm_hash, v.id, n.k FROM variant v LEFT JOIN norm_key n ON n.k & 4294967295 = v.id ORDER BY v.id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(keys.len(), 3);
        for (hash, id, k) in keys {
            assert_eq!(k, crate::tm::store::norm_key(hash, id));
        }
        let (hi, lo) = key(1);
        assert!(conn.execute("INSERT INTO unit (key, key_lo) VALUES (?1, ?2)", [hi, lo]).is_err(), "still unique");
    }

    /// Issue 2: migration 008 splits each 16-byte key into its two 64-bit halves, in the
    /// order of the blob's bytes, so the index on them holds the same keys, unique.
    #[test]
    fn migrating_from_version_7_splits_keys_into_integers() {
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, 7);
        let key: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        let other: u128 = 0xffff_0000_0000_0001_8000_0000_0000_0000;
        let mut ins = conn.prepare("INSERT INTO unit (id, key) VALUES (?1, ?2)").unwrap();
        ins.execute(rusqlite::params![1, key.to_be_bytes().as_slice()]).unwrap();
        ins.execute(rusqlite::params![2, other.to_be_bytes().as_slice()]).unwrap();
        drop(ins);
        migrate(&mut conn).unwrap();
        let halves: Vec<(i64, i64)> = conn
            .prepare("SELECT key, key_lo FROM unit ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let want =
            [(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210_u64 as i64), (0xffff_0000_0000_0001_u64 as i64, i64::MIN)];
        assert_eq!(halves, want);
        assert_eq!(halves[0], crate::tm::import::key_halves(key));
        assert_eq!(halves[1], crate::tm::import::key_halves(other));
        let dup = "INSERT INTO unit (key, key_lo) VALUES (?1, ?2) ON CONFLICT(key, key_lo) DO NOTHING";
        assert_eq!(conn.execute(dup, halves[0]).unwrap(), 0, "the split key is found");
        assert_eq!(conn.execute(dup, (halves[0].0, halves[1].1)).unwrap(), 1, "both halves count");
        let plan: String = conn
            .query_row("EXPLAIN QUERY PLAN SELECT id FROM unit WHERE key = 1 AND key_lo = 2", [], |r| r.get(3))
            .unwrap();
        assert!(plan.contains("unit_by_key"), "{plan}");
    }

    #[test]
    fn migrating_a_malformed_key_names_the_unit() {
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&conn, 7);
        conn.execute_batch("INSERT INTO unit (id, key) VALUES (3, x'0102030405060708')").unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("unit 3") && err.contains("8 bytes"), "{err}");
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 7, "the failed migration left the memory as it was");
    }

    #[test]
    fn refuses_foreign_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(err.to_string().contains("not a tomo memory"));
    }

    #[test]
    fn refuses_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA user_version = 999").unwrap();
        assert!(migrate(&mut conn).unwrap_err().to_string().contains("newer"));
    }
}
