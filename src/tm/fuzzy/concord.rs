//! Concordance: every stored variant containing a term, shown keyword-in-context with the
//! unit's other-language variants, most recent first. Candidates come from the token
//! index (the intersection of the term's token lists), then a substring check on the
//! normalized text confirms each hit, so one- and two-character CJK terms work.

use serde::Serialize;

use super::tokenize::{granularity, tokenize};
use crate::error::Result;
use crate::lang::Lang;
use crate::text::normalize;
use crate::tm::TranslationMemory;
use crate::tm::index;

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
        let bases: Vec<String> = match lang {
            Some(l) => vec![l.base().to_string()],
            None => index::languages(self.conn())?,
        };
        let term_norm = normalize(term);
        let mut found: Vec<(String, u32)> = Vec::new();
        for base in bases {
            let Ok(base_lang) = Lang::parse(&base) else { continue };
            let g = granularity(&base_lang);
            let wanted: Vec<u64> = tokenize(&term_norm, g).into_iter().map(|t| t.class).collect();
            if wanted.is_empty() {
                continue;
            }
            for vid in self.variants_with_all(&base, &wanted)? {
                let mut q = self.conn().prepare_cached(
                    "SELECT v.lang, v.norm, coalesce(u.changed, u.created, '') FROM variant v
                     JOIN unit u ON u.id = v.unit_id WHERE v.id = ?1",
                )?;
                let (tag, norm, recency): (String, String, String) =
                    q.query_row([vid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                if lang.is_some_and(|l| Lang::parse(&tag).map_or(true, |t| !l.matches(&t))) {
                    continue;
                }
                let classes: Vec<u64> = tokenize(&norm, g).into_iter().map(|t| t.class).collect();
                if classes.windows(wanted.len()).any(|w| w == wanted.as_slice()) {
                    found.push((recency, vid));
                }
            }
        }
        found.sort_by(|a, b| b.cmp(a));
        found.truncate(limit);
        found.into_iter().map(|(_, vid)| self.concord_hit(vid, &term_norm)).collect()
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
        let mut q = self
            .conn()
            .prepare_cached("SELECT lang, plain FROM variant WHERE unit_id = ?1 AND id <> ?2 ORDER BY id")?;
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
}
