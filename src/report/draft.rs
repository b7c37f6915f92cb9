//! The draft translation of an article: every sentence with the best translation the memory
//! holds for it, its match percentage and kind, and where it came from.
//!
//! Invariants: segments are in article order, `index` counts from 1 without gaps, and
//! `source` is exactly `article[source_range]`. `score` is 0–101: 101 only for a
//! [`DraftKind::Context`] match, 0 when nothing was found.

use std::collections::HashMap;
use std::ops::Range;

use std::path::Path;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::segment::{NewlineMode, Segment};
use crate::text::normalize;
use crate::tm::TranslationMemory;
use crate::tm::fuzzy::{Lookup, Match, MatchKind};

/// What kind of draft a sentence got. Ordered as CAT tools rank them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DraftKind {
    /// 101 %: an exact match whose stored neighbours equal the article's neighbours.
    Context,
    /// 100 %: the stored source is the sentence as typed.
    Exact,
    /// The stored source differs only in numbers; the target carries the sentence's numbers.
    Numbers,
    /// A fuzzy match at or above the threshold.
    Fuzzy,
    /// The sentence occurs earlier in the same article; the draft repeats that one's.
    Repetition,
    /// Nothing at or above the threshold.
    None,
}

impl DraftKind {
    /// The short name used in tables and TSV (`context`, `exact` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DraftKind::Context => "context",
            DraftKind::Exact => "exact",
            DraftKind::Numbers => "numbers",
            DraftKind::Fuzzy => "fuzzy",
            DraftKind::Repetition => "repetition",
            DraftKind::None => "none",
        }
    }
}

/// One translation found for a sentence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    /// Match percentage, 0–101 (101 for a context match).
    pub score: u8,
    /// `exact`, `numbers` or `fuzzy`, as the lookup said (`context` when upgraded to 101).
    pub kind: DraftKind,
    /// The unit's database id.
    pub unit: i64,
    /// The stored source sentence.
    pub source: String,
    /// The stored translation (numbers substituted for a `numbers` match).
    pub target: String,
    /// The unit's origin (`article.txt#p3`, an import file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// One sentence of the article and its draft.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DraftSegment {
    /// 1-based position in the article.
    pub index: usize,
    /// 0-based paragraph number.
    pub paragraph: usize,
    /// The sentence as it stands in the article.
    pub source: String,
    /// Byte range of the sentence in the article.
    pub source_range: Range<usize>,
    /// The candidate used as the draft, if any reached the threshold.
    pub best: Option<Candidate>,
    /// What kind of draft this is.
    pub kind: DraftKind,
    /// The draft's match percentage (0–101; for a repetition, that of the first occurrence).
    pub score: u8,
    /// Where the draft came from (the best candidate's origin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// For a repetition, the `index` of the sentence's first occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<usize>,
    /// Every candidate found, best first (the best included).
    pub candidates: Vec<Candidate>,
}

impl DraftSegment {
    /// The draft translation, or `""` when there is none.
    pub fn target(&self) -> &str {
        self.best.as_ref().map_or("", |c| c.target.as_str())
    }
}

/// The draft of one article.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    /// The article's name as given (file path), used as XLIFF `original` and import origin.
    pub article: String,
    /// The article's language.
    #[serde(with = "lang_serde")]
    pub from: Lang,
    /// The language of the draft.
    #[serde(with = "lang_serde")]
    pub to: Lang,
    /// The lowest match percentage used as a draft.
    pub min_score: u8,
    /// The sentences, in article order.
    pub segments: Vec<DraftSegment>,
}

/// Options for [`build`].
#[derive(Debug, Clone)]
pub struct DraftOptions {
    /// Lowest match percentage used as the draft (the threshold; lower candidates are dropped).
    pub min_score: u8,
    /// Most candidates kept per sentence.
    pub limit: usize,
}

impl Default for DraftOptions {
    fn default() -> Self {
        DraftOptions { min_score: 75, limit: 3 }
    }
}

/// Build the draft of `article` (its `segments` as cut by the segmenter), asking `lookup`
/// once per distinct sentence for its matches, best first.
///
/// A sentence seen earlier in the article is a repetition: it is not looked up again and
/// repeats the first occurrence's draft, unless it is itself a context match. An exact match
/// is upgraded to context (101) when the stored source's neighbours equal the article's
/// neighbouring sentences, compared normalized; the article's start and end count as `""`.
pub fn build(
    name: &str,
    article: &str,
    segments: &[Segment],
    from: &Lang,
    to: &Lang,
    opts: &DraftOptions,
    lookup: &mut dyn FnMut(&str) -> Result<Vec<Match>>,
) -> Result<Draft> {
    let texts: Vec<&str> = segments.iter().map(|s| s.text(article)).collect();
    let norms: Vec<String> = texts.iter().map(|t| normalize(t)).collect();
    // Matches of each distinct sentence, by normalized text, with its first occurrence.
    let mut seen: HashMap<&str, (usize, Vec<Match>)> = HashMap::new();
    let mut out: Vec<DraftSegment> = Vec::with_capacity(segments.len());
    for (i, seg) in segments.iter().enumerate() {
        let prev = if i == 0 { "" } else { norms[i - 1].as_str() };
        let next = norms.get(i + 1).map_or("", String::as_str);
        if !seen.contains_key(norms[i].as_str()) {
            seen.insert(norms[i].as_str(), (i, lookup(texts[i])?));
        }
        let (first, matches) = &seen[norms[i].as_str()];
        let earlier = (*first != i).then_some(*first);
        let mut candidates: Vec<Candidate> = matches.iter().map(|m| candidate(m, prev, next, to)).collect();
        candidates.retain(|c| c.score >= opts.min_score);
        // Stable: among equal scores the lookup's order (most recent, most used) stands.
        candidates.sort_by_key(|c| std::cmp::Reverse(c.score));
        candidates.truncate(opts.limit.max(1));
        let best = candidates.first().cloned();
        let kind = match (&best, earlier) {
            (Some(b), _) if b.kind == DraftKind::Context => DraftKind::Context,
            (_, Some(_)) => DraftKind::Repetition,
            (Some(b), None) => b.kind,
            (None, None) => DraftKind::None,
        };
        out.push(DraftSegment {
            index: i + 1,
            paragraph: seg.paragraph,
            source: texts[i].to_string(),
            source_range: seg.range.clone(),
            score: best.as_ref().map_or(0, |b| b.score),
            origin: best.as_ref().and_then(|b| b.origin.clone()),
            best,
            kind,
            repeats: earlier.map(|j| j + 1),
            candidates,
        });
    }
    Ok(Draft {
        article: name.to_string(),
        from: from.clone(),
        to: to.clone(),
        min_score: opts.min_score,
        segments: out,
    })
}

/// Draft `text` (an article named `name`) against `tm`: segment it with the built-in rules
/// for `from` (paragraphs kept), then one indexed lookup per distinct sentence.
pub fn draft_text(
    tm: &TranslationMemory,
    name: &str,
    text: &str,
    from: &Lang,
    to: &Lang,
    opts: &DraftOptions,
) -> Result<Draft> {
    let segmenter = crate::segment::builtin(from);
    let segments = crate::segment::segment(text, segmenter.as_ref(), NewlineMode::default());
    // The context upgrade can lift a later exact match above the first, so when the matches
    // kept could all be exact, a few more are asked for. Otherwise only the kept ones: the
    // lookup stops as soon as the `limit`-th best is proven, which at a low `min_score`
    // (analysis) is most of its cost.
    let kept = opts.limit.max(1);
    build(name, text, &segments, from, to, opts, &mut |sentence| {
        let found = tm.lookup(&Lookup { text: sentence, from, to, min_score: opts.min_score, limit: kept })?;
        if found.len() == kept && found.last().is_some_and(|m| m.score >= 100) {
            tm.lookup(&Lookup { text: sentence, from, to, min_score: opts.min_score, limit: kept + 4 })
        } else {
            Ok(found)
        }
    })
}

/// [`draft_text`] of the article in `path` (UTF-8, a leading byte-order mark ignored); the
/// draft is named by the path as given.
pub fn draft_file(tm: &TranslationMemory, path: &Path, from: &Lang, to: &Lang, opts: &DraftOptions) -> Result<Draft> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::invalid(format!("the article is not UTF-8 (byte {})", e.utf8_error().valid_up_to())).in_file(path)
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    draft_text(tm, &path.display().to_string(), text, from, to, opts).map_err(|e| e.in_file(path))
}

/// A lookup match as a draft candidate, upgraded to context (101) when its stored neighbours
/// are the article's (`prev`/`next`, normalized).
fn candidate(m: &Match, prev: &str, next: &str, to: &Lang) -> Candidate {
    let mut kind = match m.kind {
        MatchKind::Exact => DraftKind::Exact,
        MatchKind::Numbers => DraftKind::Numbers,
        MatchKind::Fuzzy => DraftKind::Fuzzy,
    };
    let mut score = m.score.min(100);
    let same = |stored: &Option<String>, here: &str| stored.as_deref().is_some_and(|s| normalize(s) == here);
    if kind == DraftKind::Exact && same(&m.context_prev, prev) && same(&m.context_next, next) {
        kind = DraftKind::Context;
        score = 101;
    }
    Candidate {
        score,
        kind,
        unit: m.unit,
        source: m.source.clone(),
        target: if kind == DraftKind::Numbers { ascii_digits_unless_cjk(&m.target, to) } else { m.target.clone() },
        origin: m.origin.clone(),
    }
}

/// A substituted number keeps the article's digits; full-width ones (`２０`) belong in
/// Japanese or Chinese text only, so other targets get them as ASCII digits.
fn ascii_digits_unless_cjk(target: &str, to: &Lang) -> String {
    use crate::lang::Script;
    if matches!(to.script(), Script::Japanese | Script::Chinese) {
        return target.to_string();
    }
    target
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c })
        .collect()
}

mod lang_serde {
    use crate::lang::Lang;

    pub fn serialize<S: serde::Serializer>(lang: &Lang, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(lang.as_str())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let tag = <String as serde::Deserialize>::deserialize(d)?;
        Lang::parse(&tag).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::segment::{Segmenter, segment};

    /// Breaks after every '。' (a stand-in for the Japanese rules, which are built elsewhere).
    pub struct AtMaru;
    impl Segmenter for AtMaru {
        fn breaks(&self, block: &str) -> Vec<usize> {
            block.match_indices('。').map(|(i, m)| i + m.len()).filter(|&i| i < block.len()).collect()
        }
    }

    pub fn m(score: u8, kind: MatchKind, source: &str, target: &str, ctx: (Option<&str>, Option<&str>)) -> Match {
        Match {
            score,
            kind,
            unit: 1,
            source: source.into(),
            target: target.into(),
            origin: Some("old.txt#p1".into()),
            changed: None,
            context_prev: ctx.0.map(Into::into),
            context_next: ctx.1.map(Into::into),
            multiple: false,
            base: score,
            edits: 0,
            penalties: Vec::new(),
            diff: Vec::new(),
            created: None,
            usage: 0,
            substituted: None,
        }
    }

    pub fn draft_of(article: &str, lookup: &mut dyn FnMut(&str) -> Result<Vec<Match>>) -> Draft {
        draft_min(article, 75, lookup)
    }

    pub fn draft_min(article: &str, min_score: u8, lookup: &mut dyn FnMut(&str) -> Result<Vec<Match>>) -> Draft {
        let segs = segment(article, &AtMaru, NewlineMode::Para);
        let (ja, en) = (Lang::parse("ja").unwrap(), Lang::parse("en").unwrap());
        let opts = DraftOptions { min_score, ..Default::default() };
        build("new.txt", article, &segs, &ja, &en, &opts, lookup).unwrap()
    }

    #[test]
    fn kinds_context_exact_fuzzy_none_and_repetition() {
        let article = "雨が降った。風が強い。\n\n雨が降った。雪だ。";
        let mut calls = Vec::new();
        let d = draft_of(article, &mut |s| {
            calls.push(s.to_string());
            Ok(match s {
                "雨が降った。" => vec![m(100, MatchKind::Exact, s, "It rained.", (Some(""), Some("風が強い。")))],
                "風が強い。" => {
                    vec![m(80, MatchKind::Fuzzy, "風が少し強い。", "It is a bit windy.", (None, None))]
                }
                "雪だ。" => vec![m(60, MatchKind::Fuzzy, "雨だ。", "It is rain.", (None, None))],
                _ => vec![],
            })
        });
        assert_eq!(calls, ["雨が降った。", "風が強い。", "雪だ。"], "one lookup per distinct sentence");
        let kinds: Vec<_> = d.segments.iter().map(|s| (s.kind, s.score, s.paragraph)).collect();
        assert_eq!(
            kinds,
            [
                (DraftKind::Context, 101, 0),
                (DraftKind::Fuzzy, 80, 0),
                (DraftKind::Repetition, 100, 1),
                (DraftKind::None, 0, 1)
            ]
        );
        assert_eq!(d.segments[2].repeats, Some(1));
        assert_eq!(d.segments[2].target(), "It rained.");
        for s in &d.segments {
            assert_eq!(&article[s.source_range.clone()], s.source);
        }
    }

    #[test]
    fn context_compares_normalized_and_needs_both_sides() {
        let article = "前文。本文。後文。";
        fn stored(prev: Option<&'static str>, next: Option<&'static str>) -> impl FnMut(&str) -> Result<Vec<Match>> {
            move |s| {
                Ok(if s == "本文。" { vec![m(100, MatchKind::Exact, s, "Body.", (prev, next))] } else { vec![] })
            }
        }
        let d = draft_of(article, &mut stored(Some("前文。 "), Some("後文。")));
        assert_eq!(d.segments[1].kind, DraftKind::Context);
        let d = draft_of(article, &mut stored(Some("前文。"), Some("別の文。")));
        assert_eq!((d.segments[1].kind, d.segments[1].score), (DraftKind::Exact, 100));
        let d = draft_of(article, &mut stored(None, Some("後文。")));
        assert_eq!(d.segments[1].kind, DraftKind::Exact, "unknown context is no context match");
    }

    #[test]
    fn threshold_drops_low_candidates_and_keeps_numbers_kind() {
        let d = draft_of("気温は３０度。", &mut |_| {
            Ok(vec![
                m(97, MatchKind::Numbers, "気温は25度。", "It was ３０ degrees.", (None, None)),
                m(60, MatchKind::Fuzzy, "気温は低い。", "It is cold.", (None, None)),
            ])
        });
        let s = &d.segments[0];
        assert_eq!((s.kind, s.score, s.candidates.len()), (DraftKind::Numbers, 97, 1));
        assert_eq!(s.origin.as_deref(), Some("old.txt#p1"));
        assert_eq!(s.target(), "It was 30 degrees.", "full-width digits become ASCII in English");
    }
}
