//! Sentence alignment of an article and its translation(s) into beads.
//!
//! An [`Aligner`] holds what it knows about one ordered language pair: a calibrated
//! [`length::LengthModel`], the [`cost::Params`] and, when a memory is at hand, a
//! [`lexicon::Lexicon`] learnt from it. [`Aligner::align`] runs the dynamic programme of
//! [`dp`] over pre-segmented lines; [`raw`] aligns raw articles (paragraphs first, then
//! sentences inside aligned paragraphs) and [`multi`] aligns three versions through a pivot.
//!
//! Invariant: the beads of an alignment cover both sides in order, every line exactly once;
//! non-empty input always gives a non-empty alignment.

pub mod anchors;
pub mod cost;
pub mod dp;
pub mod length;
pub mod lexicon;
pub mod multi;
pub mod raw;

use std::ops::Range;

use crate::error::Result;
use crate::lang::Lang;
use crate::tm::TranslationMemory;

pub use cost::{LineCache, Params};
pub use length::LengthModel;
pub use lexicon::{Lexicon, Tokens};

/// One bead: source lines `src` aligned with target lines `tgt` (either may be empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Bead {
    /// Source line indices.
    pub src: Range<usize>,
    /// Target line indices.
    pub tgt: Range<usize>,
    /// How sure the aligner is of this bead, 0–1.
    pub confidence: f64,
}

impl Bead {
    /// The shape, `2-1` for two source lines and one target line.
    pub fn kind(&self) -> String {
        format!("{}-{}", self.src.len(), self.tgt.len())
    }

    /// A 1-0 or 0-1 bead: a line without a translation.
    pub fn is_null(&self) -> bool {
        self.src.is_empty() || self.tgt.is_empty()
    }

    /// Whether an import keeps it by default: a 1-1, 1-2 or 2-1 bead at or above
    /// `min_confidence`. Null beads are never translations.
    pub fn importable(&self, min_confidence: f64) -> bool {
        matches!((self.src.len(), self.tgt.len()), (1, 1) | (1, 2) | (2, 1)) && self.confidence >= min_confidence
    }
}

/// Lowest confidence of a first-pass bead that [`Aligner::self_trained`] learns from.
pub const SELF_TRAIN_CONFIDENCE: f64 = 0.5;

/// Default for [`Bead::importable`]'s threshold.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.5;

/// An aligner for one ordered language pair.
#[derive(Debug, Clone)]
pub struct Aligner {
    src: Lang,
    tgt: Lang,
    length: LengthModel,
    params: Params,
    lexicon: Option<Lexicon>,
}

impl Aligner {
    /// An aligner with the calibrated defaults for `src` → `tgt` and no lexicon.
    pub fn new(src: &Lang, tgt: &Lang) -> Aligner {
        Aligner {
            src: src.clone(),
            tgt: tgt.clone(),
            length: LengthModel::for_pair(src, tgt),
            params: Params::default(),
            lexicon: None,
        }
    }

    /// An aligner that also learns from `tm`: the length model re-estimated from its pairs
    /// (when it holds enough) and a lexicon from their co-occurrences.
    pub fn with_memory(src: &Lang, tgt: &Lang, tm: &TranslationMemory) -> Result<Aligner> {
        let (lex, lengths) = Lexicon::from_memory(tm, src, tgt)?;
        Ok(Aligner::new(src, tgt).with_lexicon(lex).with_length(LengthModel::for_pair(src, tgt).reestimated(&lengths)))
    }

    /// This aligner with `lexicon` (ignored when empty).
    pub fn with_lexicon(mut self, lexicon: Lexicon) -> Aligner {
        self.lexicon = if lexicon.is_empty() { None } else { Some(lexicon) };
        self
    }

    /// This aligner with another length model.
    pub fn with_length(mut self, length: LengthModel) -> Aligner {
        self.length = length;
        self
    }

    /// This aligner with other weights.
    pub fn with_params(mut self, params: Params) -> Aligner {
        self.params = params;
        self
    }

    /// The source language.
    pub fn src_lang(&self) -> &Lang {
        &self.src
    }

    /// The target language.
    pub fn tgt_lang(&self) -> &Lang {
        &self.tgt
    }

    /// The weights in use.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The length model in use.
    pub fn length(&self) -> LengthModel {
        self.length
    }

    /// The lexicon in use, if any.
    pub fn lexicon(&self) -> Option<&Lexicon> {
        self.lexicon.as_ref()
    }

    /// The same aligner for the opposite direction (the lexicon is dropped: it is
    /// directional; build another with [`Aligner::with_memory`]).
    pub fn reversed(&self) -> Aligner {
        Aligner {
            src: self.tgt.clone(),
            tgt: self.src.clone(),
            length: self.length.reversed(),
            params: self.params.clone(),
            lexicon: None,
        }
    }

    /// Self-training (as hunalign's realign pass): a copy of this aligner whose lexicon is
    /// learnt from `extra` pairs (say, the memory's) plus the confident 1-1 beads of a first
    /// alignment of `docs`. No gold is read: the aligner teaches itself from its own output.
    pub fn self_trained<S: AsRef<str>>(
        &self,
        docs: &[(&[S], &[S])],
        first: &[Vec<Bead>],
        extra: &[(String, String)],
    ) -> Aligner {
        let mut pairs: Vec<(&str, &str)> = extra.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        for ((src, tgt), beads) in docs.iter().zip(first) {
            for b in beads {
                if b.src.len() == 1 && b.tgt.len() == 1 && b.confidence >= SELF_TRAIN_CONFIDENCE {
                    pairs.push((src[b.src.start].as_ref(), tgt[b.tgt.start].as_ref()));
                }
            }
        }
        let lex = Lexicon::learn(&self.src, &self.tgt, pairs);
        self.clone().with_lexicon(lex)
    }

    /// Align many pre-segmented documents of this language pair. With `self_train`, a
    /// first pass is followed by [`Aligner::self_trained`]'s lexicon (from `extra` pairs
    /// plus the first pass's confident 1-1 beads) and a second pass over the documents the
    /// first was unsure of (any bead not a confident 1-1): a document aligned 1-1
    /// throughout with confidence has nothing for a lexicon to correct.
    ///
    /// Every line is tokenized once, into ids of a vocabulary shared by the whole batch:
    /// the lexicon is learnt on those ids and the second pass reads them back, so no text
    /// is tokenized or hashed twice.
    pub fn align_batch<S: AsRef<str>>(
        &self,
        docs: &[(&[S], &[S])],
        self_train: bool,
        extra: &[(String, String)],
    ) -> Vec<Vec<Bead>> {
        self.align_batch_cached(docs, self_train, extra, &mut LineCache::default())
    }

    /// [`Aligner::align_batch`] reading the features of lines met before (in this batch or
    /// another language pair's, when the caller keeps `cache` across batches) from `cache`.
    /// The result is the same.
    pub fn align_batch_cached<'t, S: AsRef<str>>(
        &self,
        docs: &[(&'t [S], &'t [S])],
        self_train: bool,
        extra: &[(String, String)],
        cache: &mut LineCache<'t>,
    ) -> Vec<Vec<Bead>> {
        let lex = self.lexicon.as_ref();
        let mut sides: Vec<(cost::Side, cost::Side)> = docs
            .iter()
            .map(|(src, tgt)| {
                (
                    cost::Side::cached(src, |l| lex.map(|x| x.src_tokens(l)).unwrap_or_default(), cache),
                    cost::Side::cached(tgt, |l| lex.map(|x| x.tgt_tokens(l)).unwrap_or_default(), cache),
                )
            })
            .collect();
        if !self_train {
            return sides.iter().map(|(a, b)| self.align_sides(a, b)).collect();
        }
        let learns = |b: &Bead| b.src.len() == 1 && b.tgt.len() == 1 && b.confidence >= SELF_TRAIN_CONFIDENCE;
        // The anchor bit sets of each document the second pass will read (one the first
        // pass was unsure of) are kept for it; the others are dropped at once.
        let (mut beads, mut doc_anchors): (Vec<Vec<Bead>>, Vec<Option<cost::DocAnchors>>) = sides
            .iter()
            .map(|(a, b)| {
                let (beads, anchors) = self.align_sides_in(a, b, None, None);
                let unsure = !beads.iter().all(learns);
                (beads, unsure.then_some(anchors))
            })
            .unzip();
        let mut src_vocab = lexicon::Vocab::new(self.src.script());
        let mut tgt_vocab = lexicon::Vocab::new(self.tgt.script());
        let extra_ids: Vec<(Tokens, Tokens)> =
            extra.iter().map(|(a, b)| (src_vocab.ids(a), tgt_vocab.ids(b))).collect();
        let unsure: Vec<bool> = doc_anchors.iter().map(Option::is_some).collect();
        // Only lines the lexicon learns from or the second pass reads are tokenized, each
        // distinct text once (another edition of the same article repeats most lines): in
        // a document, source line k's ids are `src_toks[a[k]]` (`a` below), `a[k]` NOT_READ
        // for a line not tokenized. Ids are given in the order lines are first met, as when
        // every line was tokenized.
        const NOT_READ: u32 = u32::MAX;
        let mut src_toks = lexicon::TokenLists::default();
        let mut tgt_toks = lexicon::TokenLists::default();
        // By line id (of the cache): the index of the line's tokens, NOT_READ until read.
        let mut src_seen: Vec<u32> = vec![NOT_READ; cache.len()];
        let mut tgt_seen: Vec<u32> = vec![NOT_READ; cache.len()];
        let intern =
            |line: &str, id: u32, seen: &mut [u32], toks: &mut lexicon::TokenLists, vocab: &mut lexicon::Vocab| {
                let at = &mut seen[id as usize];
                if *at == NOT_READ {
                    *at = toks.push(vocab, line);
                }
                *at
            };
        // Confident 1-1 beads by distinct (source text, target text), with how often each
        // occurs: the lexicon is learnt once per distinct pair, with the same counts.
        let mut learn: lexicon::FxMap<(u32, u32), u32> = lexicon::FxMap::default();
        let mut learn_order: Vec<(u32, u32)> = Vec::new();
        let mut line_ids: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(docs.len());
        for ((((src, tgt), bs), &unsure), (sa, sb)) in docs.iter().zip(&beads).zip(&unsure).zip(&sides) {
            let mut a = vec![NOT_READ; src.len()];
            let mut b = vec![NOT_READ; tgt.len()];
            for bead in bs {
                let learn_it = learns(bead);
                if learn_it || unsure {
                    for k in bead.src.clone() {
                        a[k] = intern(src[k].as_ref(), sa.lines[k], &mut src_seen, &mut src_toks, &mut src_vocab);
                    }
                    for k in bead.tgt.clone() {
                        b[k] = intern(tgt[k].as_ref(), sb.lines[k], &mut tgt_seen, &mut tgt_toks, &mut tgt_vocab);
                    }
                }
                if learn_it {
                    let key = (a[bead.src.start], b[bead.tgt.start]);
                    let n = learn.entry(key).or_insert(0);
                    if *n == 0 {
                        learn_order.push(key);
                    }
                    *n += 1;
                }
            }
            line_ids.push((a, b));
        }
        let mut pairs: Vec<(&[u32], &[u32], u32)> =
            extra_ids.iter().map(|(a, b)| (a.as_slice(), b.as_slice(), 1)).collect();
        pairs.extend(learn_order.iter().map(|&(x, y)| (src_toks.get(x), tgt_toks.get(y), learn[&(x, y)])));
        let trained = self.clone().with_lexicon(Lexicon::learn_weighted(src_vocab, tgt_vocab, pairs));
        let Some(lex) = trained.lexicon.as_ref() else { return beads };
        // The second pass reads only the tokens the lexicon knows.
        src_toks.retain(|x| lex.known_src(x));
        tgt_toks.retain(|y| lex.known_tgt(y));
        fn read(ids: Vec<u32>, toks: &lexicon::TokenLists) -> impl Iterator<Item = &[u32]> + Clone {
            ids.into_iter().map(move |k| if k == NOT_READ { &[][..] } else { toks.get(k) })
        }
        for (k, (a_ids, b_ids)) in line_ids.into_iter().enumerate() {
            if !unsure[k] {
                continue;
            }
            let (a, b) = &mut sides[k];
            a.set_tokens(read(a_ids, &src_toks));
            b.set_tokens(read(b_ids, &tgt_toks));
            beads[k] = trained.align_sides_in(a, b, Some(&beads[k]), doc_anchors[k].take()).0;
        }
        beads
    }

    /// Align pre-segmented lines. Each line is a sentence (or more); beads are in order and
    /// cover every line once.
    pub fn align<S: AsRef<str>>(&self, src: &[S], tgt: &[S]) -> Vec<Bead> {
        let src: Vec<&str> = src.iter().map(AsRef::as_ref).collect();
        let tgt: Vec<&str> = tgt.iter().map(AsRef::as_ref).collect();
        let lex = self.lexicon.as_ref();
        let a = cost::Side::new(&src, |l| lex.map(|x| x.src_tokens(l)).unwrap_or_default());
        let b = cost::Side::new(&tgt, |l| lex.map(|x| x.tgt_tokens(l)).unwrap_or_default());
        self.align_sides(&a, &b)
    }

    /// Align two sides whose features are computed.
    pub(crate) fn align_sides(&self, a: &cost::Side, b: &cost::Side) -> Vec<Bead> {
        self.align_sides_in(a, b, None, None).0
    }

    /// The beads, and the sides' anchor bit sets for another pass over them (`anchors`,
    /// when given, must have been built from these sides' anchors); with `near`, searching
    /// only near that earlier alignment of the same sides (see [`dp::best_path_near`]).
    fn align_sides_in(
        &self,
        a: &cost::Side,
        b: &cost::Side,
        near: Option<&[Bead]>,
        anchors: Option<cost::DocAnchors>,
    ) -> (Vec<Bead>, cost::DocAnchors) {
        let anchors = anchors.unwrap_or_else(|| cost::DocAnchors::of(a, b));
        let model = cost::CostModel::with_anchors(&self.params, self.length, self.lexicon.as_ref(), a, b, anchors);
        let n = a.anchors.len();
        let m = b.anchors.len();
        let mut cost = |shape, i, di, j, dj, budget| model.cost(shape, i, di, j, dj, budget);
        let path = match near {
            None => dp::best_path(n, m, &mut cost),
            Some(beads) => {
                let steps: Vec<dp::Step> = beads
                    .iter()
                    .map(|b| dp::Step { i: b.src.start, di: b.src.len(), j: b.tgt.start, dj: b.tgt.len(), cost: 0.0 })
                    .collect();
                let unsure: Vec<bool> = beads
                    .iter()
                    .map(|b| !(b.src.len() == 1 && b.tgt.len() == 1 && b.confidence >= SELF_TRAIN_CONFIDENCE))
                    .collect();
                dp::best_path_around(n, m, &steps, &unsure, &mut cost)
            }
        };
        let beads = path
            .iter()
            .map(|s| {
                let shape = dp::SHAPES.iter().position(|&x| x == (s.di, s.dj)).expect("a path step has a known shape");
                let evidence = s.cost - self.params.prior[shape];
                Bead { src: s.i..s.i + s.di, tgt: s.j..s.j + s.dj, confidence: confidence(evidence, s.di, s.dj) }
            })
            .collect();
        (beads, model.into_anchors())
    }
}

/// Confidence of a bead from its evidence (its cost without the shape prior): a logistic
/// curve, 0.5 at an evidence cost of 2.5 nats. Null beads are as sure as the length of
/// what was dropped allows: they carry no evidence of their own beyond anchors.
fn confidence(evidence: f64, di: usize, dj: usize) -> f64 {
    let e = if di == 0 || dj == 0 { evidence + 1.0 } else { evidence };
    let c = 1.0 / (1.0 + (e - 2.5).exp());
    (c * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    fn shapes(beads: &[Bead]) -> Vec<String> {
        beads.iter().map(Bead::kind).collect()
    }

    #[test]
    fn merges_and_omissions() {
        let ja = [
            "東京都は２５日、新しい公園を開いた。",
            "公園の広さは約３万平方メートルだ。",
            "開園式には約５００人が出席した。",
            "式では地元の小学校に通う子どもたちが、この日のために練習してきた歌を披露した。",
            "都は来年、さらに２か所の公園を整備する予定だ。",
        ];
        let en = [
            "Tokyo opened a new park on the 25th, covering about 30,000 square meters.",
            "About 500 people attended the opening ceremony.",
            "The city plans to build 2 more parks next year.",
        ];
        let beads = Aligner::new(&lang("ja"), &lang("en")).align(&ja, &en);
        assert_eq!(shapes(&beads), ["2-1", "1-1", "1-0", "1-1"]);
        for b in &beads {
            assert!((0.0..=1.0).contains(&b.confidence));
        }
        // Both directions: the same document read en → ja gives the mirrored beads.
        let back = Aligner::new(&lang("en"), &lang("ja")).align(&en, &ja);
        assert_eq!(shapes(&back), ["1-2", "1-1", "0-1", "1-1"]);
    }

    #[test]
    fn never_empty_for_non_empty_input() {
        let a = Aligner::new(&lang("en"), &lang("ko"));
        let b = a.align(&["One."], &[] as &[&str]);
        assert_eq!(shapes(&b), ["1-0"]);
        let b = a.align(&[] as &[&str], &["하나.", "둘."]);
        assert_eq!(shapes(&b), ["0-1", "0-1"]);
        assert!(a.align::<&str>(&[], &[]).is_empty());
        // Wildly different counts still align and cover everything.
        let src: Vec<String> = (0..300).map(|i| format!("Sentence number {i} is here.")).collect();
        let tgt: Vec<String> = (0..7).map(|i| format!("문장 {i}.")).collect();
        let beads = a.align(&src, &tgt);
        assert_eq!(beads.iter().map(|b| b.src.len()).sum::<usize>(), 300);
        assert_eq!(beads.iter().map(|b| b.tgt.len()).sum::<usize>(), 7);
    }

    #[test]
    fn batch_with_self_training_covers_every_document() {
        let a = Aligner::new(&lang("en"), &lang("ja"));
        // Each line has its own number (4 d + k), as sentences of one article mostly do.
        let src: Vec<Vec<String>> =
            (0..30).map(|d| (0..4).map(|k| format!("The report lists {} items.", 4 * d + k + 10)).collect()).collect();
        let tgt: Vec<Vec<String>> = (0..30)
            .map(|d| {
                (0..4)
                    .filter(|&k| d % 3 != 0 || k != 2)
                    .map(|k| format!("報告は{}項目を挙げる。", 4 * d + k + 10))
                    .collect()
            })
            .collect();
        let docs: Vec<(&[String], &[String])> =
            src.iter().zip(&tgt).map(|(s, t)| (s.as_slice(), t.as_slice())).collect();
        let once = a.align_batch(&docs, false, &[]);
        let twice = a.align_batch(&docs, true, &[]);
        for (k, (s, t)) in docs.iter().enumerate() {
            assert_eq!(once[k], a.align(s, t));
            assert_eq!(twice[k].iter().map(|b| b.src.len()).sum::<usize>(), s.len());
            assert_eq!(twice[k].iter().map(|b| b.tgt.len()).sum::<usize>(), t.len());
        }
        // The dropped line (2 of every third document) is found by number.
        assert_eq!(twice[0].iter().map(Bead::kind).collect::<Vec<_>>(), ["1-1", "1-1", "1-0", "1-1"]);
    }

    #[test]
    fn importable_beads() {
        let b = |s: Range<usize>, t: Range<usize>, c| Bead { src: s, tgt: t, confidence: c };
        assert!(b(0..1, 0..1, 0.9).importable(0.5));
        assert!(b(0..2, 0..1, 0.9).importable(0.5));
        assert!(!b(0..1, 0..0, 1.0).importable(0.0));
        assert!(!b(0..2, 0..2, 0.9).importable(0.5));
        assert!(!b(0..1, 0..1, 0.4).importable(0.5));
    }
}
