//! The cost of one bead: −ln prior of its shape, plus the length model, plus anchor and
//! lexicon evidence. Also the per-sentence features the costs read, computed once.

use super::anchors::{self, Anchors};
use super::length::LengthModel;
use super::lexicon::{Lexicon, Tokens};
use unicode_normalization::UnicodeNormalization;

/// The tunable weights of the cost. [`Default`] is what tomo uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// −ln prior of each shape in [`super::dp::SHAPES`] order.
    pub prior: [f64; 8],
    /// Bonus per number shared by both sides of a bead.
    pub num_shared: f64,
    /// Penalty per number found on one side only.
    pub num_missing: f64,
    /// Bonus per Latin token shared.
    pub latin_shared: f64,
    /// Penalty per notable Latin token of a non-Latin sentence missing on the other side.
    pub latin_missing: f64,
    /// Bonus per matching punctuation class, penalty per mismatch.
    pub punct: f64,
    /// Penalty per anchor of a deleted sentence that occurs on the other side nearby.
    pub deletion_anchor: f64,
    /// Weight of the lexical evidence (per token, at most 8 tokens a line).
    pub lexicon: f64,
    /// Where the length cost turns from quadratic to linear (in standard deviations).
    pub length_tail: f64,
}

/// Tuned on the shared dev set by coordinate search over all files at once (no per-file or
/// per-pair switches): 1-1 beads dominate, a merge costs about as much as a deletion, and a
/// shared number is worth more than a length mismatch of two standard deviations.
impl Default for Params {
    fn default() -> Self {
        Params {
            prior: [0.0, 5.8, 5.48, 4.8, 4.96, 8.6, 8.6, 9.2],
            num_shared: 2.0,
            num_missing: 1.5,
            latin_shared: 1.0,
            latin_missing: 0.5,
            punct: 0.9,
            deletion_anchor: 1.0,
            lexicon: 1.48,
            length_tail: 2.5,
        }
    }
}

impl Params {
    /// The weights of the paragraph pass: editions drop whole paragraphs more often than
    /// they merge them, and a paragraph's length is a surer guide than a sentence's.
    pub fn for_paragraphs(&self) -> Params {
        let mut p = self.clone();
        p.prior = [0.05, 3.5, 3.5, 5.5, 5.5, 7.0, 8.0, 8.0];
        p
    }
}

/// One side's features.
pub struct Side {
    /// Prefix sums of sentence lengths: `len[k]` = characters of lines `0..k`.
    pub len: Vec<f64>,
    /// Anchors of each line.
    pub anchors: Vec<Anchors>,
    /// Lexicon tokens of each line (empty without a lexicon).
    pub tokens: Vec<Tokens>,
}

impl Side {
    /// Features of `lines`; `tokens` maps a line to its lexicon token ids.
    pub fn new(lines: &[&str], tokens: impl Fn(&str) -> Tokens) -> Side {
        let mut len = Vec::with_capacity(lines.len() + 1);
        len.push(0.0);
        let mut total = 0.0;
        let mut anchors = Vec::with_capacity(lines.len());
        for l in lines {
            // One NFKC pass serves both the length (no whitespace) and the anchors; ASCII
            // is its own NFKC.
            let norm: String = if l.is_ascii() { (*l).to_string() } else { l.nfkc().collect() };
            total += norm.chars().filter(|c| !c.is_whitespace()).count() as f64;
            len.push(total);
            anchors.push(anchors::extract_nfkc(&norm));
        }
        Side { len, anchors, tokens: lines.iter().map(|l| tokens(l)).collect() }
    }

    fn chars(&self, i: usize, d: usize) -> f64 {
        self.len[i + d] - self.len[i]
    }
}

/// How many of `a`'s numbers (over lines) are found in `b`'s, and how many are not.
fn cross(a: &[Anchors], b: &[Anchors], field: fn(&Anchors) -> &[u64], other: fn(&Anchors) -> &[u64]) -> (usize, usize) {
    let (mut hit, mut miss) = (0, 0);
    for (k, x) in a.iter().enumerate() {
        for v in field(x) {
            // A value repeated in an earlier line of the bead is counted once.
            if a[..k].iter().any(|p| field(p).binary_search(v).is_ok()) {
                continue;
            }
            if b.iter().any(|y| other(y).binary_search(v).is_ok()) {
                hit += 1;
            } else {
                miss += 1;
            }
        }
    }
    (hit, miss)
}

/// The bead cost model for one document pair.
pub struct CostModel<'a> {
    /// Weights.
    pub params: &'a Params,
    /// Length model, source → target.
    pub length: LengthModel,
    /// Lexicon, if any.
    pub lexicon: Option<&'a Lexicon>,
    /// Source features.
    pub src: &'a Side,
    /// Target features.
    pub tgt: &'a Side,
    /// Lexicon match masks per (source line, target line), filled as the DP asks.
    pub lex_cache: std::cell::RefCell<super::lexicon::FxMap<usize, u64>>,
}

/// The share of a line's tokens with a partner across that counts as neutral evidence.
const LEX_BASELINE: f64 = 0.35;

/// How far (in lines, scaled to the other side) a deleted line's anchors are looked for.
const DELETION_WINDOW: usize = 3;

impl CostModel<'_> {
    /// Cost of the bead of source lines `i..i+di` and target lines `j..j+dj`, and the index
    /// of its shape in [`super::dp::SHAPES`].
    ///
    /// When the cost cannot come under `budget` (a lower bound says so) a value at or
    /// above `budget` is returned without the full computation: the DP passes what a
    /// bead would have to beat, so the result of the DP is the same, only faster.
    pub fn cost(&self, shape: usize, i: usize, di: usize, j: usize, dj: usize, budget: f64) -> f64 {
        let p = self.params;
        let mut cost = p.prior[shape];
        if di == 0 || dj == 0 {
            return cost + self.deletion(i, di, j, dj);
        }
        let bonus = self.max_bonus(i, di, j, dj);
        if cost - bonus >= budget {
            return cost - bonus;
        }
        cost += self.length.cost_with_tail(self.src.chars(i, di), self.tgt.chars(j, dj), p.length_tail);
        if cost - bonus >= budget {
            return cost - bonus;
        }
        cost += self.evidence(i, di, j, dj);
        cost
    }

    /// An upper bound on how much [`evidence`](Self::evidence) can lower a bead's cost.
    fn max_bonus(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let p = self.params;
        let a = &self.src.anchors[i..i + di];
        let b = &self.tgt.anchors[j..j + dj];
        let numbers: usize = a.iter().map(|x| x.numbers.len()).sum();
        let marked: usize = a.iter().chain(b).map(|x| x.marked.len()).sum();
        let mut bonus = p.num_shared * numbers as f64 + p.latin_shared * marked as f64;
        bonus += p.punct * anchors::PUNCT_CLASSES as f64;
        if self.lexicon.is_some() {
            let tokens: usize = self.src.tokens[i..i + di].iter().map(|t| t.len().min(64)).sum();
            bonus += p.lexicon * (tokens as f64).min(8.0) * (1.0 - LEX_BASELINE);
        }
        bonus
    }

    /// Anchor and lexicon evidence for a non-null bead (negative is good).
    pub fn evidence(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let p = self.params;
        let a = &self.src.anchors[i..i + di];
        let b = &self.tgt.anchors[j..j + dj];
        let mut cost = 0.0;
        // Most lines have no numbers and no notable Latin tokens: skip the set work then.
        if a.iter().chain(b).any(|x| !x.numbers.is_empty()) {
            let (hit, miss_a) = cross(a, b, |x| &x.numbers, |x| &x.numbers);
            let (_, miss_b) = cross(b, a, |x| &x.numbers, |x| &x.numbers);
            cost += -p.num_shared * hit as f64 + p.num_missing * (miss_a + miss_b) as f64;
        }
        if a.iter().chain(b).any(|x| !x.marked.is_empty()) {
            let (hit_a, miss_a) = cross(a, b, |x| &x.marked, |x| &x.latin);
            let (hit_b, miss_b) = cross(b, a, |x| &x.marked, |x| &x.latin);
            let a_nl = a.iter().all(|x| x.non_latin);
            let b_nl = b.iter().all(|x| x.non_latin);
            let mut miss = 0;
            if a_nl || !b_nl {
                miss += miss_a;
            }
            if b_nl || !a_nl {
                miss += miss_b;
            }
            cost += -p.latin_shared * hit_a.max(hit_b) as f64 + p.latin_missing * miss as f64;
        }
        for k in 0..anchors::PUNCT_CLASSES {
            let x: u32 = a.iter().map(|s| u32::from(s.punct[k])).sum();
            let y: u32 = b.iter().map(|s| u32::from(s.punct[k])).sum();
            if x > 0 && y > 0 {
                cost -= p.punct;
            } else if x + y > 0 {
                cost += p.punct;
            }
        }
        if let Some(lex) = self.lexicon {
            let mut hit = 0;
            let mut total = 0;
            for a in i..i + di {
                let n = self.src.tokens[a].len().min(64);
                if n == 0 {
                    continue;
                }
                total += n;
                let mut mask = 0u64;
                for b in j..j + dj {
                    mask |= self.lex_mask(lex, a, b);
                }
                hit += mask.count_ones() as usize;
            }
            if total > 0 {
                let frac = hit as f64 / total as f64;
                let weight = (total as f64).min(8.0);
                cost += p.lexicon * weight * (LEX_BASELINE - frac);
            }
        }
        cost
    }

    /// Which of source line `a`'s (first 64) tokens have a partner in target line `b`, as a
    /// bit mask; computed once per line pair.
    fn lex_mask(&self, lex: &Lexicon, a: usize, b: usize) -> u64 {
        let key = a * self.tgt.tokens.len() + b;
        if let Some(&m) = self.lex_cache.borrow().get(&key) {
            return m;
        }
        let m = lex.match_mask(&self.src.tokens[a], &self.tgt.tokens[b]);
        self.lex_cache.borrow_mut().insert(key, m);
        m
    }

    /// Extra cost of leaving lines unaligned: their anchors found on the other side near
    /// where they would go make the deletion unlikely.
    fn deletion(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let (mine, other, at) = if dj == 0 {
            (&self.src.anchors[i..i + di], &self.tgt.anchors, j)
        } else {
            (&self.tgt.anchors[j..j + dj], &self.src.anchors, i)
        };
        let n_other = other.len();
        if mine.iter().all(|x| x.numbers.is_empty() && x.marked.is_empty()) {
            return 0.0;
        }
        let lo = at.saturating_sub(DELETION_WINDOW);
        let hi = (at + DELETION_WINDOW).min(n_other);
        let near = &other[lo..hi];
        let (num_hit, _) = cross(mine, near, |x| &x.numbers, |x| &x.numbers);
        let (lat_hit, _) = cross(mine, near, |x| &x.marked, |x| &x.latin);
        self.params.deletion_anchor * (num_hit + lat_hit) as f64
    }
}
