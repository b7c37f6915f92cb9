//! Concordance: every stored variant containing a term, shown keyword-in-context with the
//! unit's other-language variants, most recent first. Candidates come from the token
//! index (the intersection of the term's token lists), then a substring check on the
//! normalized text confirms each hit, so one- and two-character CJK terms work.

use serde::Serialize;

use super::tokenize::{Granularity, granularity, tokenize};
use crate::error::Result;
use crate::lang::Lang;
use crate::text::normalize;
use crate::tm::TranslationMemory;
use crate::tm::index;

/// From this many candidates on, concordance dates them by scanning (see `dated`).
const SCAN_AT: usize = 20_000;

/// One occurrence of the term, keyword in context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConcordHit {
    /// The unit's database id.
    pub unit: i64,
    /// Language of the variant the term was found in.
    pub lang: String,
    /// The variant's text (plain; normalized when the plain text cannot be cut at the term).
    pub text: String,
    /// Text before the term.
    pub left: String,
    /// The term as it appears.
    pub keyword: String,
    /// Text after the term.
    pub right: String,
    /// The unit's other variants: (language, plain text).
    pub others: Vec<(String, String)>,
    /// The unit's origin.
    pub origin: Option<String>,
    /// Last change (or creation) date.
    pub changed: Option<String>,
}

impl TranslationMemory {
    /// Every variant containing `term` as a whole token sequence (any character sequence in
    /// Japanese and Chinese), in `lang` or in every language, most recent first, at most
    /// `limit`.
    pub fn concord(&self, term: &str, lang: Option<&Lang>, limit: usize) -> Result<Vec<ConcordHit>> {
        self.concord_with(term, lang, limit, SCAN_AT)
    }

    /// [`TranslationMemory::concord`], dating candidates by scanning once `scan_at` or more
    /// (the tests lower it to run both ways).
    fn concord_with(&self, term: &str, lang: Option<&Lang>, limit: usize, scan_at: usize) -> Result<Vec<ConcordHit>> {
        let bases: Vec<String> = match lang {
            Some(l) => vec![l.base().to_string()],
            None => index::languages(self.conn())?,
        };
        let term_norm = normalize(term);
        // Candidates from the index, each with its date; the token-sequence check (a row
        // read and a tokenization) runs only on as many of them, most recent first, as it
        // takes to find `limit` hits: a common term has hundreds of thousands of candidates.
        let mut candidates: Vec<(String, u32, usize)> = Vec::new();
        let mut terms: Vec<(Granularity, Vec<u64>)> = Vec::new();
        for base in bases {
            let Ok(base_lang) = Lang::parse(&base) else { continue };
            let g = granularity(&base_lang);
            let wanted: Vec<u64> = tokenize(&term_norm, g).into_iter().map(|t| t.class).collect();
            if wanted.is_empty() {
                continue;
            }
            let ids = self.variants_with_all(&base, &wanted)?;
            for (recency, vid, tag) in self.dated(&ids, scan_at)? {
                if lang.is_some_and(|l| Lang::parse(&tag).map_or(true, |t| !l.matches(&t))) {
                    continue;
                }
                candidates.push((recency, vid, terms.len()));
            }
            terms.push((g, wanted));
        }
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        let mut norm_of = self.conn().prepare_cached("SELECT norm FROM variant WHERE id = ?1")?;
        let mut hits = Vec::new();
        for (_, vid, t) in candidates {
            if hits.len() == limit {
                break;
            }
            let (g, wanted) = &terms[t];
            let norm: String = norm_of.query_row([vid], |r| r.get(0))?;
            let classes: Vec<u64> = tokenize(&norm, *g).into_iter().map(|t| t.class).collect();
            if classes.windows(wanted.len()).any(|w| w == wanted.as_slice()) {
                hits.push(self.concord_hit(vid, &term_norm)?);
            }
        }
        Ok(hits)
    }

    /// (date, id, language tag) of each variant in `ids` (sorted). Few candidates are looked
    /// up one by one; from `scan_at` on, two sequential scans (the variant index by unit, then
    /// the units) cost less than hundreds of thousands of B-tree descents (`concord の` on a
    /// million-unit memory: 2.2 s one by one).
    fn dated(&self, ids: &[u32], scan_at: usize) -> Result<Vec<(String, u32, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        if ids.len() < scan_at {
            let mut q = self.conn().prepare_cached(
                "SELECT coalesce(u.changed, u.created, ''), v.lang FROM variant v
                 JOIN unit u ON u.id = v.unit_id WHERE v.id = ?1",
            )?;
            for &vid in ids {
                let (recency, tag): (String, String) = q.query_row([vid], |r| Ok((r.get(0)?, r.get(1)?)))?;
                out.push((recency, vid, tag));
            }
            return Ok(out);
        }
        let Some(&max) = ids.last() else { return Ok(out) };
        let mut wanted = vec![false; max as usize + 1];
        for &v in ids {
            wanted[v as usize] = true;
        }
        let mut by_unit: Vec<(i64, u32, String)> = Vec::with_capacity(ids.len());
        let mut scan = self.conn().prepare("SELECT unit_id, id, lang FROM variant")?;
        let mut rows = scan.query([])?;
        while let Some(r) = rows.next()? {
            let vid: i64 = r.get(1)?;
            if usize::try_from(vid).ok().and_then(|v| wanted.get(v)).copied().unwrap_or(false) {
                by_unit.push((r.get(0)?, vid as u32, r.get(2)?));
            }
        }
        by_unit.sort_unstable_by_key(|&(unit, vid, _)| (unit, vid));
        let mut units = self.conn().prepare("SELECT id, coalesce(changed, created, '') FROM unit ORDER BY id")?;
        let mut rows = units.query([])?;
        let mut next = by_unit.into_iter().peekable();
        while let (Some(r), Some(&(want, _, _))) = (rows.next()?, next.peek()) {
            let unit: i64 = r.get(0)?;
            if unit < want {
                continue;
            }
            let recency: String = r.get(1)?;
            while let Some((_, vid, tag)) = next.next_if(|&(u, _, _)| u == unit) {
                out.push((recency.clone(), vid, tag));
            }
        }
        Ok(out)
    }

    /// Variant ids (in `base`) whose token lists contain every class in `classes`.
    fn variants_with_all(&self, base: &str, classes: &[u64]) -> Result<Vec<u32>> {
        let mut keys: Vec<(u32, i64)> = Vec::new();
        for &c in classes {
            let key = index::gram_key(base, c);
            let df = index::doc_freq(self.conn(), key)?;
            if df == 0 {
                return Ok(Vec::new());
            }
            keys.push((df, key));
        }
        keys.sort_unstable();
        keys.dedup_by_key(|k| k.1);
        let mut ids = index::decode(&index::posting_blob(self.conn(), keys[0].1)?);
        for &(_, key) in &keys[1..] {
            let other = index::decode(&index::posting_blob(self.conn(), key)?);
            let mut j = 0;
            ids.retain(|&v| {
                while j < other.len() && other[j] < v {
                    j += 1;
                }
                j < other.len() && other[j] == v
            });
            if ids.is_empty() {
                break;
            }
        }
        Ok(ids)
    }

    fn concord_hit(&self, vid: u32, term_norm: &str) -> Result<ConcordHit> {
        let (unit, tag, plain, norm, origin, changed): (i64, String, String, String, Option<String>, Option<String>) =
            self.conn().query_row(
                "SELECT v.unit_id, v.lang, v.plain, v.norm, u.origin, coalesce(u.changed, u.created)
                 FROM variant v JOIN unit u ON u.id = v.unit_id WHERE v.id = ?1",
                [vid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )?;
        // Cut the plain text when lower-casing keeps byte offsets; otherwise show the
        // normalized text, where the term is found as normalized.
        let lower = plain.to_lowercase();
        let (text, at) = match lower.find(term_norm).filter(|_| lower.len() == plain.len()) {
            Some(at) => (plain.clone(), at),
            None => {
                let at = norm.find(term_norm).unwrap_or(0);
                (norm.clone(), at)
            }
        };
        let end = (at + term_norm.len()).min(text.len());
        let (left, keyword, right) = if text.is_char_boundary(at) && text.is_char_boundary(end) {
            (text[..at].to_string(), text[at..end].to_string(), text[end..].to_string())
        } else {
            (String::new(), String::new(), text.clone())
        };
        let mut q = self.conn().prepare_cached(concat!(
            "SELECT v.lang, v.plain FROM ",
            crate::tm::unit_variants!(),
            " WHERE u.id = ?1 AND v.id <> ?2 ORDER BY v.id"
        ))?;
        let others = q
            .query_map(rusqlite::params![unit, vid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
        Ok(ConcordHit { unit, lang: tag, text, left, keyword, right, others, origin, changed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::ReadItem;
    use crate::tm::{ImportOptions, Unit, Variant};

    fn l(t: &str) -> Lang {
        Lang::parse(t).unwrap()
    }

    fn tm() -> TranslationMemory {
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let mk = |ja: &str, en: &str, changed: &str| {
            let mut u = Unit::new(vec![Variant::from_plain(l("ja"), ja), Variant::from_plain(l("en"), en)]);
            u.changed = Some(changed.into());
            Ok(ReadItem::Unit(u))
        };
        tm.import(
            vec![
                mk("脱北者が増えた。", "More defectors arrived.", "20240101T000000Z"),
                mk("北朝鮮から脱北した。", "He defected from North Korea.", "20250101T000000Z"),
                mk("北の空。", "The northern sky.", "20230101T000000Z"),
            ],
            &ImportOptions::default(),
        )
        .unwrap();
        tm
    }

    #[test]
    fn two_character_cjk_term_most_recent_first() {
        let hits = tm().concord("脱北", Some(&l("ja")), 20).unwrap();
        let units: Vec<_> = hits.iter().map(|h| (h.left.as_str(), h.keyword.as_str())).collect();
        assert_eq!(units, [("北朝鮮から", "脱北"), ("", "脱北")]);
        assert_eq!(hits[0].others, [("en".to_string(), "He defected from North Korea.".to_string())]);
    }

    #[test]
    fn words_in_any_language_case_insensitive() {
        let hits = tm().concord("north", None, 20).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].left.as_str(), hits[0].keyword.as_str()), ("He defected from ", "North"));
        assert!(tm().concord("nort", None, 20).unwrap().is_empty(), "whole words only");
    }

    /// Dating the candidates by scanning gives what dating them one by one gives: same
    /// hits, same order, same language filter.
    #[test]
    fn scanning_and_looking_up_candidates_agree() {
        let mut tm = tm();
        let more: Vec<_> = (0..30)
            .map(|i| {
                let mut u = Unit::new(vec![
                    Variant::from_plain(l(if i % 3 == 0 { "ja-JP" } else { "ja" }), &format!("北の町{i}。")),
                    Variant::from_plain(l("en"), &format!("North town {i}.")),
                ]);
                u.changed = (i % 4 != 0).then(|| format!("2024{:02}01T000000Z", i % 12 + 1));
                u.created = Some("20200101T000000Z".into());
                Ok(ReadItem::Unit(u))
            })
            .collect();
        tm.import(more, &ImportOptions::default()).unwrap();
        for (term, lang) in [("北", Some(l("ja"))), ("北", Some(l("ja-JP"))), ("north", None), ("town", Some(l("en")))]
        {
            for limit in [1, 5, 100] {
                let one_by_one = tm.concord_with(term, lang.as_ref(), limit, usize::MAX).unwrap();
                let scanned = tm.concord_with(term, lang.as_ref(), limit, 0).unwrap();
                assert_eq!(scanned, one_by_one, "{term} {lang:?} {limit}");
                assert_eq!(one_by_one.len(), limit.min(tm.concord(term, lang.as_ref(), 1000).unwrap().len()));
            }
        }
        let jp = tm.concord_with("北", Some(&l("ja-JP")), 100, 0).unwrap();
        // ja-JP finds ja-JP and bare ja (region fallback): 10 + 20 + the first three units.
        assert_eq!(jp.len(), 33);
        assert!(jp.iter().all(|h| h.lang == "ja-JP" || h.lang == "ja"));
        assert!(jp.windows(2).all(|w| w[0].changed >= w[1].changed), "most recent first");
    }
}
