//! Fuzzy lookup: CAT-style match percentages with explanations, over the candidate index.
//!
//! API contract (the lookup work fills in the bodies and may add fields, never rename):
//! [`TranslationMemory::lookup`] returns the best [`Match`]es for one sentence.

use crate::error::{Error, ErrorKind, Result};
use crate::lang::Lang;
use crate::tm::TranslationMemory;

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
}

impl TranslationMemory {
    /// The best matches for `q`, best first (score, then most recent, then usage).
    pub fn lookup(&self, _q: &Lookup<'_>) -> Result<Vec<Match>> {
        Err(Error::new(ErrorKind::Unsupported, "fuzzy lookup is not built yet"))
    }
}
