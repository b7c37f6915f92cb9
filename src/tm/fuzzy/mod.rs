//! Fuzzy lookup: CAT-style match percentages with explanations, over the candidate index.
//!
//! API contract (the lookup work fills in the bodies and may add fields, never rename):
//! [`TranslationMemory::lookup`] returns the best [`Match`]es for one sentence.
//!
//! The parts: [`tokenize`] (tokens and classes), [`score`] (edit distance, percentage,
//! penalties, diff), [`placeables`] (numbers), [`search`] (exact top-k over the index, and
//! the brute-force reference), [`concord`] (keyword in context). The rules are written
//! down in the README section "Fuzzy matching".
//!
//! Invariants: scores fall in 0–100; 100 only when the stored source is identical to the
//! query as typed (and has no inline tags); for any query and `min_score` ≥ 50 the indexed
//! lookup returns exactly what [`TranslationMemory::lookup_brute_force`] returns.

pub mod concord;
pub mod placeables;
pub mod score;
pub mod search;
pub mod tokenize;

use crate::error::Result;
use crate::lang::Lang;
use crate::tm::TranslationMemory;

pub use placeables::substitute_numbers;
pub use score::{DiffKind, DiffOp, Penalty, PenaltyKind};

/// One lookup: a sentence in `from`, wanted in `to`.
#[derive(Debug, Clone)]
pub struct Lookup<'a> {
    /// The sentence as typed.
    pub text: &'a str,
    /// Its language.
    pub from: &'a Lang,
    /// The language of the translations wanted.
    pub to: &'a Lang,
    /// Lowest match percentage returned (0–100).
    pub min_score: u8,
    /// At most this many matches.
    pub limit: usize,
}

/// What kind of match a [`Match`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The stored source is identical to the query as typed (100 %).
    Exact,
    /// Differs only in numbers; `target` has the query's numbers substituted.
    Numbers,
    /// Anything else above the threshold.
    Fuzzy,
}

/// A translation found for a lookup, with its score and why it got that score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Match {
    /// Match percentage, 0–100.
    pub score: u8,
    /// Kind of match.
    pub kind: MatchKind,
    /// The unit's database id.
    pub unit: i64,
    /// The stored source sentence (plain text).
    pub source: String,
    /// The translation (plain text; numbers substituted when `kind` is `Numbers`).
    pub target: String,
    /// The unit's origin.
    pub origin: Option<String>,
    /// Last change (or creation) date, TMX format.
    pub changed: Option<String>,
    /// The source variant's neighbours in its document, for context (101 %) matches.
    #[serde(skip)]
    pub context_prev: Option<String>,
    /// See `context_prev`.
    #[serde(skip)]
    pub context_next: Option<String>,
    /// True when the memory holds other translations of the same source.
    pub multiple: bool,
    /// Score before penalties: `100 × (1 − edits / tokens of the longer)`.
    pub base: u8,
    /// Token edits between the query and the stored source (numbers count as equal).
    pub edits: usize,
    /// Points taken off, by kind.
    pub penalties: Vec<Penalty>,
    /// Token-level differences between the query and the stored source, for highlighting.
    pub diff: Vec<DiffOp>,
    /// Creation date of the unit, TMX format.
    pub created: Option<String>,
    /// The unit's usage count.
    pub usage: i64,
    /// For a `numbers` match: whether the translation's numbers were replaced (false when
    /// that was ambiguous and the translation is shown as stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substituted: Option<bool>,
}

impl TranslationMemory {
    /// The best matches for `q`, best first (score, then most recent, then usage).
    pub fn lookup(&self, q: &Lookup<'_>) -> Result<Vec<Match>> {
        let query = search::Query::new(q.text, q.from);
        self.in_read_transaction(|| {
            let hits = search::indexed(self.conn(), &query, &params(q))?;
            self.matches_from(&query, q, hits)
        })
    }

    /// [`lookup`](Self::lookup) by scoring every stored source: slow, but the reference the
    /// indexed lookup is tested (and benchmarked) against.
    pub fn lookup_brute_force(&self, q: &Lookup<'_>) -> Result<Vec<Match>> {
        let query = search::Query::new(q.text, q.from);
        self.in_read_transaction(|| {
            let hits = search::brute_force(self.conn(), &query, &params(q))?;
            self.matches_from(&query, q, hits)
        })
    }

    /// Run `f` inside one read transaction, so its many small queries share one snapshot
    /// and one lock (taking SQLite's file lock per statement costs more than the statement).
    fn in_read_transaction<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if !self.conn().is_autocommit() {
            return f();
        }
        self.conn().execute_batch("BEGIN")?;
        let out = f();
        let end = self.conn().execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let out = out?;
        end?;
        Ok(out)
    }

    fn matches_from(&self, query: &search::Query, q: &Lookup<'_>, hits: Vec<search::Hit>) -> Result<Vec<Match>> {
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            let target = match hit.target {
                Some(t) => t,
                None => match self.target_of(hit.unit, hit.variant, q.to)? {
                    Some(t) => t,
                    None => continue,
                },
            };
            let search::Facts { origin, created, changed, context_prev: prev, context_next: next, norm_hash } =
                hit.facts;
            let stored_tokens = tokenize::tokenize(&hit.norm, tokenize::granularity(q.from));
            let diff = score::diff(&query.norm, &query.tokens, &hit.norm, &stored_tokens);
            let (target, substituted) = if hit.kind == MatchKind::Numbers {
                match substitute_numbers(&hit.plain, q.text, &target) {
                    Some(t) => (t, Some(true)),
                    None => (target, Some(false)),
                }
            } else {
                (target, None)
            };
            let multiple = self.has_other_translations(norm_hash, hit.unit, q.from, q.to)?;
            out.push(Match {
                score: hit.score,
                kind: hit.kind,
                unit: hit.unit,
                source: hit.plain,
                target,
                origin,
                changed: changed.clone().or_else(|| created.clone()),
                context_prev: prev,
                context_next: next,
                multiple,
                base: hit.base,
                edits: hit.distance,
                penalties: hit.penalties,
                diff,
                created,
                usage: hit.usage,
                substituted,
            });
        }
        Ok(out)
    }

    /// The plain text of the unit's variant in `to` (exact tag preferred over a fallback).
    fn target_of(&self, unit: i64, source_variant: i64, to: &Lang) -> Result<Option<String>> {
        let mut q = self.conn().prepare_cached(concat!(
            "SELECT v.id, v.lang, v.plain FROM ",
            crate::tm::unit_variants!(),
            " WHERE u.id = ?1 ORDER BY v.id"
        ))?;
        let mut rows = q.query([unit])?;
        let mut fallback = None;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let tag: String = r.get(1)?;
            let Ok(lang) = Lang::parse(&tag) else { continue };
            if id == source_variant {
                continue;
            }
            if &lang == to {
                return Ok(Some(r.get(2)?));
            }
            if fallback.is_none() && to.matches(&lang) {
                fallback = Some(r.get(2)?);
            }
        }
        Ok(fallback)
    }

    /// Does another unit hold the same (normalized) source, whose `norm_hash` is `hash`,
    /// with a translation in `to`?
    fn has_other_translations(&self, hash: i64, unit: i64, from: &Lang, to: &Lang) -> Result<bool> {
        let mut q = self.conn().prepare_cached(concat!(
            "SELECT v.lang, v.id, v.unit_id FROM ",
            crate::tm::same_text_variants!(),
            " AND v.unit_id <> ?4"
        ))?;
        let (lo, hi) = crate::tm::store::norm_key_range(hash);
        let others: Vec<(String, i64, i64)> = q
            .query_map(rusqlite::params![lo, hi, hash, unit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (tag, id, other_unit) in others {
            if Lang::parse(&tag).is_ok_and(|l| from.matches(&l)) && self.target_of(other_unit, id, to)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn params<'a>(q: &'a Lookup<'a>) -> search::Params<'a> {
    search::Params { to: q.to, min_score: q.min_score, limit: q.limit }
}

#[cfg(test)]
mod tests;
