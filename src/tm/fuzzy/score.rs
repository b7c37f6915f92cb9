//! Scoring: token edit distance (bit-parallel, Myers/Hyyrö over token classes), the match
//! percentage, the penalties for differences the normalized form hides, and the token diff
//! a match carries for highlighting.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::tokenize::{Token, TokenKind};

/// A hasher for keys that are already uniform hashes (token classes, gram keys, text hashes,
/// de-duplication keys): a single 64-bit key is its own hash, without SipHash's cost; the
/// words of a wider key (a pair, a `u128`) are folded with a rotation, so `(a, b)` and
/// `(b, a)` differ.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(5) ^ n;
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
}

/// A map keyed by a hash.
pub type HashMapId<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A query prepared for many distance computations: the match-position bit vectors of
/// Myers' algorithm, one 64-bit block per 64 query tokens.
pub struct Pattern {
    len: usize,
    blocks: usize,
    /// Token class → index into `peq`.
    ids: HashMapId<u64, usize>,
    /// `peq[id * blocks + b]`: bits of block `b` where the query has class `id`.
    peq: Vec<u64>,
}

impl Pattern {
    /// Prepare the query's token classes.
    pub fn new(classes: &[u64]) -> Pattern {
        let len = classes.len();
        let blocks = len.div_ceil(64).max(1);
        let mut ids: HashMapId<u64, usize> = HashMapId::default();
        let mut peq = Vec::new();
        for (i, &c) in classes.iter().enumerate() {
            let next = ids.len();
            let id = *ids.entry(c).or_insert(next);
            if id == next {
                peq.resize(peq.len() + blocks, 0);
            }
            peq[id * blocks + i / 64] |= 1u64 << (i % 64);
        }
        Pattern { len, blocks, ids, peq }
    }

    /// Number of query tokens.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for an empty query.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Levenshtein distance (unit costs) between the query and `text` token classes.
    pub fn distance(&self, text: &[u64]) -> usize {
        if self.len == 0 {
            return text.len();
        }
        let b = self.blocks;
        let mut pv = vec![u64::MAX; b];
        let mut mv = vec![0u64; b];
        let mut score: Vec<i64> = (0..b).map(|i| ((i + 1) * 64).min(self.len) as i64).collect();
        let last_high = 1u64 << ((self.len - 1) % 64);
        for &t in text {
            let row = self.ids.get(&t).map(|&id| &self.peq[id * b..(id + 1) * b]);
            let mut hin: i64 = 1;
            for blk in 0..b {
                let high = if blk + 1 == b { last_high } else { 1u64 << 63 };
                let mut eq = row.map_or(0, |r| r[blk]);
                let (p, m) = (pv[blk], mv[blk]);
                let xv = eq | m;
                if hin < 0 {
                    eq |= 1;
                }
                let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
                let mut ph = m | !(xh | p);
                let mut mh = p & xh;
                let hout = if ph & high != 0 {
                    1
                } else if mh & high != 0 {
                    -1
                } else {
                    0
                };
                ph <<= 1;
                mh <<= 1;
                if hin < 0 {
                    mh |= 1;
                } else if hin > 0 {
                    ph |= 1;
                }
                pv[blk] = mh | !(xv | ph);
                mv[blk] = ph & xv;
                score[blk] += hout;
                hin = hout;
            }
        }
        score[b - 1] as usize
    }
}

/// Reference Levenshtein distance by dynamic programming (tests, and the diff traceback).
pub fn distance_dp(a: &[u64], b: &[u64]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The match percentage before penalties: `floor(100 × (1 − distance / longer length))`.
pub fn base_score(distance: usize, qlen: usize, clen: usize) -> u8 {
    let longer = qlen.max(clen);
    if longer == 0 {
        return 100;
    }
    (100 * (longer - distance.min(longer)) / longer) as u8
}

/// Upper bound on [`base_score`] from the multiset overlap of the token classes: the
/// distance is at least `longer − overlap`, so the score is at most `100 × overlap / qlen`.
pub fn overlap_bound(overlap: usize, qlen: usize) -> u8 {
    if qlen == 0 {
        return 100;
    }
    (100 * overlap.min(qlen) / qlen) as u8
}

/// Points taken off a match for a difference the normalized comparison does not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PenaltyKind {
    /// Upper/lower case differs.
    Case,
    /// Full-width/half-width (or other NFKC compatibility) forms differ.
    Width,
    /// Whitespace differs.
    Spacing,
    /// The stored segment has inline tags (formatting, placeholders) the query lacks.
    Tags,
    /// A number differs (charged per number, only when numbers are the only difference).
    Number,
    /// Some other difference that normalization hides.
    Other,
}

impl PenaltyKind {
    /// The points this kind costs (per occurrence for `Number`).
    pub const fn points(self) -> u8 {
        match self {
            PenaltyKind::Case | PenaltyKind::Width | PenaltyKind::Spacing | PenaltyKind::Other => 1,
            PenaltyKind::Tags => 1,
            PenaltyKind::Number => 1,
        }
    }
}

/// One penalty applied to a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Penalty {
    /// What differed.
    pub kind: PenaltyKind,
    /// Points taken off.
    pub points: u8,
}

/// The kinds of surface difference between two texts whose normalized tokens are equal.
pub fn surface_penalties(query: &str, stored: &str) -> Vec<Penalty> {
    let mut out = Vec::new();
    if query == stored {
        return out;
    }
    let ws = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let nows = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let width = |s: &str| s.nfkc().collect::<String>();
    let lower = |s: &str| s.to_lowercase();
    // A kind is charged when the texts still differ after every other normalization.
    if lower(&width(query)) != lower(&width(stored)) && nows(&lower(&width(query))) == nows(&lower(&width(stored))) {
        out.push(Penalty { kind: PenaltyKind::Spacing, points: PenaltyKind::Spacing.points() });
    }
    if lower(&ws(query)) != lower(&ws(stored)) {
        out.push(Penalty { kind: PenaltyKind::Width, points: PenaltyKind::Width.points() });
    }
    if width(&ws(query)) != width(&ws(stored)) && lower(&width(&ws(query))) == lower(&width(&ws(stored))) {
        out.push(Penalty { kind: PenaltyKind::Case, points: PenaltyKind::Case.points() });
    }
    if out.is_empty() {
        out.push(Penalty { kind: PenaltyKind::Other, points: PenaltyKind::Other.points() });
    }
    out
}

/// One step of the token diff between the query and the stored source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffOp {
    /// `equal`, `replace`, `insert` (only in the query) or `delete` (only in the stored source).
    pub op: DiffKind,
    /// The query's tokens in this step (normalized text), if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// The stored source's tokens in this step (normalized text), if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// Kind of a [`DiffOp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    /// Same tokens (numbers may differ in value: they are one class).
    Equal,
    /// Different tokens in both.
    Replace,
    /// Tokens only the query has.
    Insert,
    /// Tokens only the stored source has.
    Delete,
}

/// A run of diff steps being merged: kind, query token range, source token range.
type Run = (DiffKind, Option<(usize, usize)>, Option<(usize, usize)>);

/// The edit-distance table of `qt` against `st` by token class, row by row: `(n + 1) ×
/// (m + 1)` cells, cell `i·(m + 1) + j` the distance of the first `i` query tokens to the
/// first `j` stored ones. Over row slices, the stored classes in an array of their own
/// (indexing the whole table, with its bounds checks and token loads, the table was about
/// 4 % of the instructions of a Japanese batch at 1M units; callgrind).
fn distance_table(qt: &[Token], st: &[Token]) -> Vec<usize> {
    let (n, m) = (qt.len(), st.len());
    let w = m + 1;
    let mut d = vec![0usize; (n + 1) * w];
    for i in 0..=n {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    let sc: Vec<u64> = st.iter().map(|t| t.class).collect();
    for (i, q) in qt.iter().enumerate() {
        let (done, rest) = d.split_at_mut((i + 1) * w);
        let prev = &done[i * w..];
        let cur = &mut rest[..w];
        let mut left = cur[0];
        for (j, &c) in sc.iter().enumerate() {
            let v = (prev[j] + usize::from(q.class != c)).min(prev[j + 1] + 1).min(left + 1);
            cur[j + 1] = v;
            left = v;
        }
    }
    d
}

/// The token diff of query and stored source (a shortest edit script), with runs of the
/// same kind merged. Spaces between tokens are taken from the normalized texts.
pub fn diff(qnorm: &str, qt: &[Token], snorm: &str, st: &[Token]) -> Vec<DiffOp> {
    let (n, m) = (qt.len(), st.len());
    let w = m + 1;
    let d = distance_table(qt, st);
    let (mut i, mut j) = (n, m);
    let mut steps: Vec<(DiffKind, Option<usize>, Option<usize>)> = Vec::new();
    while i > 0 || j > 0 {
        if i > 0 && j > 0 {
            let same = qt[i - 1].class == st[j - 1].class;
            if d[i * w + j] == d[(i - 1) * w + j - 1] + usize::from(!same) {
                let k = if same { DiffKind::Equal } else { DiffKind::Replace };
                steps.push((k, Some(i - 1), Some(j - 1)));
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && d[i * w + j] == d[(i - 1) * w + j] + 1 {
            steps.push((DiffKind::Insert, Some(i - 1), None));
            i -= 1;
        } else {
            steps.push((DiffKind::Delete, None, Some(j - 1)));
            j -= 1;
        }
    }
    steps.reverse();
    let piece = |text: &str, toks: &[Token], from: usize, to: usize| -> String {
        text[toks[from].span.start..toks[to].span.end].to_string()
    };
    let mut out: Vec<DiffOp> = Vec::new();
    let mut run: Option<Run> = None;
    let flush = |run: &mut Option<Run>, out: &mut Vec<DiffOp>| {
        if let Some((k, q, s)) = run.take() {
            out.push(DiffOp {
                op: k,
                query: q.map_or(String::new(), |(a, b)| piece(qnorm, qt, a, b)),
                source: s.map_or(String::new(), |(a, b)| piece(snorm, st, a, b)),
            });
        }
    };
    for (k, qi, si) in steps {
        // Insert/delete next to a replace belong to it (one highlighted change).
        let kind = |k: DiffKind| if k == DiffKind::Equal { 0 } else { 1 };
        let same_run = run.as_ref().is_some_and(|(rk, _, _)| kind(*rk) == kind(k));
        if !same_run {
            flush(&mut run, &mut out);
            run = Some((k, None, None));
        }
        let r = run.as_mut().expect("a run was just started");
        if r.0 != k {
            r.0 = DiffKind::Replace;
        }
        if let Some(qi) = qi {
            r.1 = Some(r.1.map_or((qi, qi), |(a, _)| (a, qi)));
        }
        if let Some(si) = si {
            r.2 = Some(r.2.map_or((si, si), |(a, _)| (a, si)));
        }
    }
    flush(&mut run, &mut out);
    for op in &mut out {
        if op.op == DiffKind::Replace && op.query.is_empty() {
            op.op = DiffKind::Delete;
        } else if op.op == DiffKind::Replace && op.source.is_empty() {
            op.op = DiffKind::Insert;
        }
    }
    out
}

/// The kinds of the tokens that differ, for "differs only in numbers".
pub fn number_values<'a>(norm: &'a str, toks: &[Token]) -> Vec<&'a str> {
    toks.iter().filter(|t| t.kind == TokenKind::Number).map(|t| &norm[t.span.clone()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn myers_small_cases() {
        let p = Pattern::new(&[1, 2, 3]);
        assert_eq!(p.distance(&[1, 2, 3]), 0);
        assert_eq!(p.distance(&[1, 3]), 1);
        assert_eq!(p.distance(&[]), 3);
        assert_eq!(p.distance(&[4, 5, 6, 7]), 4);
        assert_eq!(Pattern::new(&[]).distance(&[1, 2]), 2);
    }

    #[test]
    fn score_formula() {
        assert_eq!(base_score(0, 10, 10), 100);
        assert_eq!(base_score(1, 10, 8), 90);
        assert_eq!(base_score(3, 8, 10), 70);
        assert_eq!(base_score(1, 200, 200), 99, "one edit is never 100");
        assert!(overlap_bound(9, 10) >= base_score(1, 10, 10));
    }

    #[test]
    fn penalties_per_kind() {
        let kinds = |a: &str, b: &str| surface_penalties(a, b).into_iter().map(|p| p.kind).collect::<Vec<_>>();
        assert_eq!(kinds("Snow fell.", "snow fell."), [PenaltyKind::Case]);
        assert_eq!(kinds("Snow fell.", "Snow  fell."), [PenaltyKind::Spacing]);
        assert_eq!(kinds("３月", "3月"), [PenaltyKind::Width]);
        assert_eq!(kinds("ＳＮＯＷ  fell", "snow fell"), [PenaltyKind::Spacing, PenaltyKind::Width, PenaltyKind::Case]);
        assert!(kinds("x", "x").is_empty());
    }

    proptest! {
        #[test]
        fn myers_equals_dp(a in proptest::collection::vec(0u64..6, 0..200), b in proptest::collection::vec(0u64..6, 0..200)) {
            prop_assert_eq!(Pattern::new(&a).distance(&b), distance_dp(&a, &b));
        }

        /// The diff's table holds, in every cell, the distance of the two prefixes.
        #[test]
        fn distance_table_cells_are_prefix_distances(
            a in proptest::collection::vec(0u64..4, 0..25),
            b in proptest::collection::vec(0u64..4, 0..25),
        ) {
            let toks = |v: &[u64]| -> Vec<Token> {
                v.iter().map(|&class| Token { class, kind: TokenKind::Word, span: 0..0 }).collect()
            };
            let d = distance_table(&toks(&a), &toks(&b));
            let w = b.len() + 1;
            for i in 0..=a.len() {
                for j in 0..=b.len() {
                    prop_assert_eq!(d[i * w + j], distance_dp(&a[..i], &b[..j]));
                }
            }
        }
    }
}
