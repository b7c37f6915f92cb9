//! The cost of one bead: −ln prior of its shape, plus the length model, plus anchor and
//! lexicon evidence. Also the per-sentence features the costs read, computed once.

use super::anchors::{self, Anchors};
use super::length::LengthModel;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::lexicon::{FxHasher, FxMap, Lexicon, Tokens};
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
    /// Factor on the length model's variance: the calibrated variance is that of clean
    /// 1-1 translations; beads in condensed editions (and loose silver pairs) vary more.
    pub length_spread: f64,
}

/// Tuned on the shared dev set by coordinate search over all files at once (no per-file or
/// per-pair switches): 1-1 beads dominate, a merge costs about as much as a deletion, and a
/// shared number is worth more than a length mismatch of two standard deviations. The
/// second search (with the lexicon's thresholds and [`super::SELF_TRAIN_CONFIDENCE`])
/// widened the length model by 1.4 and made deletions a little cheaper but those that
/// leave an anchor behind dearer.
impl Default for Params {
    fn default() -> Self {
        Params {
            prior: [0.0, 5.5, 5.48, 4.8, 4.96, 8.6, 8.6, 9.2],
            num_shared: 2.0,
            num_missing: 1.5,
            latin_shared: 1.0,
            latin_missing: 0.5,
            punct: 0.9,
            deletion_anchor: 1.4,
            lexicon: 1.48,
            length_tail: 2.5,
            length_spread: 1.4,
        }
    }
}

impl Params {
    /// The weights of the paragraph pass: editions drop whole paragraphs more often than
    /// they merge them, and a paragraph's length is a surer guide than a sentence's.
    pub fn for_paragraphs(&self) -> Params {
        let mut p = self.clone();
        p.prior = [0.05, 3.5, 3.5, 5.5, 5.5, 7.0, 8.0, 8.0];
        p.length_spread = 1.0;
        p
    }
}

/// One side's features, computed once per line so that a bead's cost only combines them.
pub struct Side {
    /// Prefix sums of sentence lengths: `len[k]` = characters of lines `0..k`.
    pub len: Vec<f64>,
    /// Anchors of each line (shared by the lines of a batch with the same text: see
    /// [`LineCache`]).
    pub anchors: Vec<Rc<Anchors>>,
    /// Lexicon tokens of all lines, one after another: line k's are
    /// `tokens[token_at[k]..token_at[k + 1]]` (see [`Side::tokens`]), and `token_at` is
    /// empty when no line has any (a side without a lexicon allocates nothing for them).
    /// One array a side: a batch's second pass gives thousands of documents the tokens of
    /// lines it read once.
    tokens: Vec<u32>,
    token_at: Vec<u32>,
    /// The id of each line's text in the [`LineCache`] the side was built with.
    pub lines: Vec<u32>,
}

impl Side {
    /// Features of `lines`; `tokens` maps a line to its lexicon token ids.
    pub fn new(lines: &[&str], tokens: impl Fn(&str) -> Tokens) -> Side {
        Side::cached(lines, tokens, &mut LineCache::default())
    }

    /// [`Side::new`] reading the features of lines met before from `cache` (a batch's
    /// editions of one article share most of their lines).
    pub fn cached<'t, S: AsRef<str>>(
        lines: &'t [S],
        tokens: impl Fn(&str) -> Tokens,
        cache: &mut LineCache<'t>,
    ) -> Side {
        let mut len = Vec::with_capacity(lines.len() + 1);
        len.push(0.0);
        let mut total = 0.0;
        let mut anchors = Vec::with_capacity(lines.len());
        let mut ids = Vec::with_capacity(lines.len());
        for l in lines {
            let (id, chars, a) = cache.features(l.as_ref());
            total += chars as f64;
            len.push(total);
            anchors.push(a);
            ids.push(id);
        }
        let mut side = Side { len, anchors, tokens: Vec::new(), token_at: Vec::new(), lines: ids };
        for (k, l) in lines.iter().enumerate() {
            let t = tokens(l.as_ref());
            if !t.is_empty() && side.token_at.is_empty() {
                // The first line with tokens: the lines before have none.
                side.token_at.resize(k + 1, 0);
            }
            if !side.token_at.is_empty() {
                side.tokens.extend_from_slice(&t);
                side.token_at.push(side.tokens.len() as u32);
            }
        }
        side
    }

    /// Lexicon tokens of line `k`.
    pub fn tokens(&self, k: usize) -> &[u32] {
        match self.token_at.get(k..k + 2) {
            Some(&[a, b]) => &self.tokens[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Replace the lexicon tokens, one list per line in order (`per_line` is read twice:
    /// once to size the arrays).
    pub fn set_tokens<'t>(&mut self, per_line: impl Iterator<Item = &'t [u32]> + Clone) {
        self.tokens.clear();
        self.token_at.clear();
        let total: usize = per_line.clone().map(<[u32]>::len).sum();
        if total == 0 {
            return;
        }
        self.tokens.reserve_exact(total);
        self.token_at.reserve_exact(self.len.len());
        self.token_at.push(0);
        for t in per_line {
            self.tokens.extend_from_slice(t);
            self.token_at.push(self.tokens.len() as u32);
        }
    }

    /// How many lines the side has.
    fn line_count(&self) -> usize {
        self.len.len() - 1
    }

    /// Each line's lexicon tokens, in order.
    fn each_tokens(&self) -> impl Iterator<Item = &[u32]> {
        (0..self.line_count()).map(|k| self.tokens(k))
    }

    fn chars(&self, i: usize, d: usize) -> f64 {
        self.len[i + d] - self.len[i]
    }
}

/// The anchors of one line and its length in characters without whitespace, after NFKC.
fn line_features(l: &str, norm: &mut String, scratch: &mut anchors::Scratch) -> (Anchors, usize) {
    // One NFKC pass serves both the length (no whitespace) and the anchors; most lines are
    // their own NFKC or need only the common full-width forms folded.
    let norm: &str = match nfkc_fast(l, norm) {
        Some(true) => l,
        Some(false) => norm,
        None => {
            norm.clear();
            norm.extend(l.nfkc());
            norm
        }
    };
    anchors::extract_with(norm, scratch)
}

/// The features of the lines a batch has met, by text: the dev set's editions of one
/// article (plain, merged, condensed) repeat most lines, and a pivot's lines recur in each
/// of its pairs. A line's features depend on its text alone. Each distinct text gets an
/// id (see [`Side::lines`]), so that other per-line work can be kept by id.
#[derive(Default)]
pub struct LineCache<'t> {
    ids: HashMap<&'t str, u32, BuildHasherDefault<LineHasher>>,
    features: Vec<(usize, Rc<Anchors>)>,
    norm: String,
    scratch: anchors::Scratch,
}

impl<'t> LineCache<'t> {
    /// The id of `line` and its features.
    fn features(&mut self, line: &'t str) -> (u32, usize, Rc<Anchors>) {
        let next = self.features.len() as u32;
        let id = *self.ids.entry(line).or_insert(next);
        if id == next {
            let (a, chars) = line_features(line, &mut self.norm, &mut self.scratch);
            self.features.push((chars, Rc::new(a)));
        }
        let (chars, a) = &self.features[id as usize];
        (id, *chars, Rc::clone(a))
    }

    /// How many distinct lines it holds (ids are below this).
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether it holds no line.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }
}

/// The hash of [`LineCache`]'s keys: a line's length and its first and last 16 bytes. Lines
/// are a hundred bytes or more, and hashing all of them was most of a lookup; two distinct
/// lines that agree on all three are rare, and still told apart by the map's comparison.
#[derive(Default)]
struct LineHasher(u64);

impl Hasher for LineHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let word = |b: &[u8]| b.iter().rev().fold(0u64, |acc, &c| acc << 8 | u64::from(c));
        let n = bytes.len();
        let (head, tail) = (&bytes[..n.min(16)], &bytes[n.saturating_sub(16)..]);
        let mut h = FxHasher::default();
        h.write_u64(n as u64);
        h.write_u64(word(&head[..head.len().min(8)]));
        h.write_u64(word(&head[head.len().min(8)..]));
        h.write_u64(word(&tail[..tail.len().min(8)]));
        h.write_u64(word(&tail[tail.len().min(8)..]));
        self.0 ^= h.finish();
    }
    fn write_u8(&mut self, i: u8) {
        // `str` ends its bytes with a 0xFF marker: one more word is all it needs.
        self.0 = self.0.rotate_left(8) ^ u64::from(i);
    }
}

/// What NFKC does to one character, for the characters news text is mostly made of.
enum Fold {
    /// NFKC leaves it alone, and no neighbour from this table combines with it.
    Keep,
    /// NFKC maps it to these ASCII characters.
    Ascii(&'static str),
    /// NFKC maps it to one ASCII character (full-width forms).
    Char(u8),
    /// Not in the table: the full normalizer must decide.
    Unknown,
}

/// The table behind [`nfkc_fast`]: ASCII, Latin-1 letters, the usual quotes and dashes,
/// CJK punctuation, kana, kanji and precomposed hangul stay; full-width ASCII forms, the
/// ideographic and no-break spaces and the ellipsis fold to ASCII. None of these combines
/// with another under NFKC (combining marks and jamo are not in it), so a line made only
/// of them is normalized character by character. A test checks every entry against the
/// normalizer.
#[inline]
fn fold(c: char) -> Fold {
    match c as u32 {
        0x00..=0x7F
        | 0xA1
        | 0xA3
        | 0xA7
        | 0xA9
        | 0xAB
        | 0xB0
        | 0xB1
        | 0xB7
        | 0xBB
        | 0xBF..=0xFF
        | 0x2010
        | 0x2012..=0x2016
        | 0x2018..=0x2023
        | 0x2212
        | 0x3001..=0x3003
        | 0x3005..=0x3011
        | 0x3014..=0x301F
        | 0x3041..=0x3096
        | 0x309D..=0x309E
        | 0x30A1..=0x30FE
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7A3 => Fold::Keep,
        0xFF01..=0xFF5E => Fold::Char((c as u32 - 0xFEE0) as u8),
        0xA0 | 0x3000 => Fold::Char(b' '),
        0x2026 => Fold::Ascii("..."),
        _ => Fold::Unknown,
    }
}

/// NFKC of `s` without the general normalizer when every character is in [`fold`]'s
/// table: `Some(true)` when `s` is its own NFKC, `Some(false)` when its NFKC is now in
/// `out`, `None` when a character needs the normalizer.
fn nfkc_fast(s: &str, out: &mut String) -> Option<bool> {
    if s.is_ascii() {
        return Some(true);
    }
    let mut changed = None;
    for (k, c) in s.char_indices() {
        match fold(c) {
            Fold::Keep => {}
            Fold::Unknown => return None,
            _ => {
                changed = Some(k);
                break;
            }
        }
    }
    let Some(first) = changed else { return Some(true) };
    out.clear();
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        match fold(c) {
            Fold::Keep => out.push(c),
            Fold::Char(b) => out.push(char::from(b)),
            Fold::Ascii(a) => out.push_str(a),
            Fold::Unknown => return None,
        }
    }
    Some(false)
}

/// How many of `a`'s numbers (over lines) are found in `b`'s, and how many are not.
fn cross(
    a: &[Rc<Anchors>],
    b: &[Rc<Anchors>],
    field: fn(&Anchors) -> &[u64],
    other: fn(&Anchors) -> &[u64],
) -> (usize, usize) {
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

/// A line's anchors as bit sets over the document's distinct values (numbers and Latin
/// tokens of both sides, interned per document), so that a bead's shared and missing
/// anchors are a few AND/popcounts. Only when the document's values fit in 64 bits of
/// each kind (see [`doc_bits`]): longer documents use the sorted lists ([`cross`]).
#[derive(Clone, Copy, Default)]
struct Bits {
    numbers: u64,
    marked: u64,
    latin: u64,
    /// Bit k: punctuation class k occurs.
    punct: u8,
    non_latin: bool,
    /// Distinct numbers and marked tokens, counted ahead (the baseline x86-64 target has
    /// no popcount instruction, and these are asked for every bead); the bits set in
    /// `numbers` and `marked` unless only the values that can be shared are interned.
    n_numbers: u16,
    n_marked: u16,
}

impl Bits {
    /// The union of two lines' (or runs') sets, without counts.
    fn union(&self, b: &Bits) -> Bits {
        Bits {
            numbers: self.numbers | b.numbers,
            marked: self.marked | b.marked,
            latin: self.latin | b.latin,
            punct: self.punct | b.punct,
            non_latin: self.non_latin && b.non_latin,
            ..Bits::default()
        }
    }

    /// These bits with their counts filled in.
    fn counted(mut self) -> Bits {
        self.n_numbers = self.numbers.count_ones() as u16;
        self.n_marked = self.marked.count_ones() as u16;
        self
    }
}

/// Per-line bit sets of both sides of a document, when its values fit in 64 bits. Only
/// marked Latin tokens are interned: a line's other Latin tokens matter only where they
/// meet a marked one, so they are kept only when they equal one. A document with more
/// than 64 distinct values of a kind interns only those that can be shared (numbers on
/// both sides, marked tokens of one side among the other's Latin tokens), which is all a
/// hit can be, and counts each run's distinct values from the lists.
fn doc_bits(src: &Side, tgt: &Side) -> Option<DocBits> {
    let mut numbers: Vec<u64> = Vec::new();
    let mut marked: Vec<u64> = Vec::new();
    for a in src.anchors.iter().chain(&tgt.anchors) {
        numbers.extend_from_slice(&a.numbers);
        marked.extend_from_slice(&a.marked);
        // Stop early on long documents: the sorted lists serve them.
        if numbers.len() > 1024 || marked.len() > 1024 {
            for v in [&mut numbers, &mut marked] {
                v.sort_unstable();
                v.dedup();
            }
            if numbers.len() > 256 || marked.len() > 256 {
                return None;
            }
        }
    }
    for v in [&mut numbers, &mut marked] {
        v.sort_unstable();
        v.dedup();
    }
    let shared_only = numbers.len() > 64 || marked.len() > 64;
    if shared_only {
        (numbers, marked) = shared_values(src, tgt);
        if numbers.len() > 64 || marked.len() > 64 {
            return None;
        }
    }
    let set = |values: &[u64], of: &[u64]| -> u64 {
        if values.is_empty() {
            return 0;
        }
        of.iter().fold(0, |m, v| m | values.binary_search(v).map_or(0, |k| 1 << k))
    };
    // Most Latin tokens of an English line are not marked anywhere: a filter of the marked
    // values' hashes turns most of them away before a search.
    let filter = Filter::of(&marked);
    let latin_set = |of: &[u64]| -> u64 {
        if marked.is_empty() {
            return 0;
        }
        of.iter().filter(|&&v| filter.may_hold(v)).fold(0, |m, v| m | marked.binary_search(v).map_or(0, |k| 1 << k))
    };
    let bits = |side: &Side| -> Vec<Bits> {
        side.anchors
            .iter()
            .map(|a| {
                Bits {
                    numbers: set(&numbers, &a.numbers),
                    marked: set(&marked, &a.marked),
                    latin: latin_set(&a.latin),
                    punct: (0..anchors::PUNCT_CLASSES).fold(0, |m, k| m | (u8::from(a.punct[k] > 0) << k)),
                    non_latin: a.non_latin,
                    ..Bits::default()
                }
                .counted()
            })
            .collect()
    };
    let mut doc = DocBits::new(bits(src), bits(tgt));
    if shared_only {
        count_runs(&mut doc.src_runs, &src.anchors);
        count_runs(&mut doc.tgt_runs, &tgt.anchors);
    }
    Some(doc)
}

/// A set of 64-bit values as 1,024 bits, one per value's hash: `may_hold` is false for
/// most values not in the set, and never for one in it.
struct Filter([u64; 16]);

impl Filter {
    fn of(values: &[u64]) -> Filter {
        let mut f = Filter([0; 16]);
        for &v in values {
            let h = Filter::hash(v);
            f.0[h >> 6] |= 1 << (h & 63);
        }
        f
    }

    fn hash(v: u64) -> usize {
        (v.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize
    }

    fn may_hold(&self, v: u64) -> bool {
        let h = Filter::hash(v);
        self.0[h >> 6] & (1 << (h & 63)) != 0
    }
}

/// The values of a document that can be shared by a bead: numbers found on both sides, and
/// marked tokens of either side found among the other side's Latin tokens; sorted.
fn shared_values(src: &Side, tgt: &Side) -> (Vec<u64>, Vec<u64>) {
    let all = |side: &Side, field: fn(&Anchors) -> &[u64]| -> Vec<u64> {
        let mut v: Vec<u64> = side.anchors.iter().flat_map(|a| field(a).iter().copied()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let both =
        |a: &[u64], b: &[u64]| -> Vec<u64> { a.iter().copied().filter(|v| b.binary_search(v).is_ok()).collect() };
    let numbers = both(&all(src, |a| &a.numbers), &all(tgt, |a| &a.numbers));
    let mut marked = both(&all(src, |a| &a.marked), &all(tgt, |a| &a.latin));
    marked.extend(both(&all(tgt, |a| &a.marked), &all(src, |a| &a.latin)));
    marked.sort_unstable();
    marked.dedup();
    (numbers, marked)
}

/// Each run's distinct numbers and marked tokens counted from the lines' lists (for bit
/// sets that hold only the values that can be shared).
fn count_runs(runs: &mut [Vec<Bits>; 3], lines: &[Rc<Anchors>]) {
    let mut values: Vec<u64> = Vec::new();
    let mut distinct = |run: &[Rc<Anchors>], field: fn(&Anchors) -> &[u64]| -> u16 {
        values.clear();
        for a in run {
            values.extend_from_slice(field(a));
        }
        values.sort_unstable();
        values.dedup();
        values.len() as u16
    };
    for (d, runs) in runs.iter_mut().enumerate() {
        for (r, run) in runs.iter_mut().zip(lines.windows(d + 1)) {
            r.n_numbers = distinct(run, |a| &a.numbers);
            r.n_marked = distinct(run, |a| &a.marked);
        }
    }
}

/// The bit sets a bead's cost reads, combined ahead: for each side, the union of every
/// run of 1, 2 and 3 lines, and the union of the window around each position that a
/// deletion looks at (see [`CostModel::deletion`]).
struct DocBits {
    src_runs: [Vec<Bits>; 3],
    tgt_runs: [Vec<Bits>; 3],
    src_near: Vec<Near>,
    tgt_near: Vec<Near>,
}

/// The numbers and Latin tokens of the lines around a position, all a deletion reads
/// there (half the size of [`Bits`]: a batch keeps these for its documents' second pass).
#[derive(Clone, Copy)]
struct Near {
    numbers: u64,
    latin: u64,
}

impl DocBits {
    fn new(src: Vec<Bits>, tgt: Vec<Bits>) -> DocBits {
        // Runs of two lines from pairs, of three from a run of two and a line.
        let runs = |lines: Vec<Bits>| -> [Vec<Bits>; 3] {
            let two: Vec<Bits> = lines.windows(2).map(|w| w[0].union(&w[1]).counted()).collect();
            let three: Vec<Bits> = two.iter().zip(lines.iter().skip(2)).map(|(a, b)| a.union(b).counted()).collect();
            [lines, two, three]
        };
        // A deletion at position `at` looks at lines at-W..at+W of the other side: the run
        // of up to W lines ending there and the one starting there.
        const _: () = assert!(DELETION_WINDOW <= 3);
        let near = |runs: &[Vec<Bits>; 3]| -> Vec<Near> {
            let n = runs[0].len();
            (0..=n)
                .map(|at| {
                    let (before, after) = (at.min(DELETION_WINDOW), (n - at).min(DELETION_WINDOW));
                    let mut u = Bits::default();
                    if before > 0 {
                        u = u.union(&runs[before - 1][at - before]);
                    }
                    if after > 0 {
                        u = u.union(&runs[after - 1][at]);
                    }
                    Near { numbers: u.numbers, latin: u.latin }
                })
                .collect()
        };
        let (src_runs, tgt_runs) = (runs(src), runs(tgt));
        DocBits { src_near: near(&src_runs), tgt_near: near(&tgt_runs), src_runs, tgt_runs }
    }

    /// The union of source lines `i..i+di` (`di` of 1 to 3).
    fn src(&self, i: usize, di: usize) -> &Bits {
        &self.src_runs[di - 1][i]
    }

    /// The union of target lines `j..j+dj` (`dj` of 1 to 3).
    fn tgt(&self, j: usize, dj: usize) -> &Bits {
        &self.tgt_runs[dj - 1][j]
    }
}

/// Lexicon match masks per (source line, target line): for documents of ordinary size a
/// dense table filled up front; for very long ones a map filled as the DP asks (its band
/// touches only a thin diagonal of the grid).
enum LexCache {
    Dense { m: usize, masks: Vec<u64> },
    Sparse(RefCell<FxMap<usize, u64>>),
}

/// Largest grid (source × target lines) whose lexicon masks are kept in a dense table.
const DENSE_LEX_CACHE: usize = 1 << 16;

/// All match masks of a document at once: each target id's lines are looked up once per
/// link of each source token, instead of each link being searched in every target line.
fn dense_masks(lex: &Lexicon, src: &Side, tgt: &Side) -> Vec<u64> {
    if tgt.line_count() <= 64 { dense_masks_narrow(lex, src, tgt) } else { dense_masks_wide(lex, src, tgt) }
}

/// [`dense_masks`] for any number of target lines.
fn dense_masks_wide(lex: &Lexicon, src: &Side, tgt: &Side) -> Vec<u64> {
    let m = tgt.line_count();
    let mut masks = vec![0u64; src.line_count() * m];
    // The target lines of each target id are bucketed by id (counted, then placed):
    // `lines[from..to]` for the span `spans[id]`. The spans are indexed by id in a table
    // kept across documents (ids are dense in the batch's vocabulary): a probe per link
    // was most of this function's time. Entries set here are cleared before returning,
    // so an absent id reads as an empty span.
    #[derive(Default)]
    struct Buckets {
        spans: Vec<(u32, u32)>,
        ids: Vec<u32>,
        lines: Vec<u32>,
    }
    thread_local! {
        static BUCKETS: RefCell<Buckets> = RefCell::default();
    }
    BUCKETS.with_borrow_mut(|Buckets { spans, ids, lines }| {
        // Counts first (in `.1`), the distinct ids in the order met.
        let mut total = 0u32;
        for t in tgt.each_tokens() {
            for &y in t {
                if spans.len() <= y as usize {
                    spans.resize(y as usize + 1, (0, 0));
                }
                let span = &mut spans[y as usize];
                if span.1 == 0 {
                    ids.push(y);
                }
                span.1 += 1;
                total += 1;
            }
        }
        // Each id's bucket starts where the previous one's ends; `.1` then fills it.
        let mut at = 0;
        for &y in ids.iter() {
            let count = spans[y as usize].1;
            spans[y as usize] = (at, at);
            at += count;
        }
        lines.clear();
        lines.resize(total as usize, 0);
        for (b, t) in tgt.each_tokens().enumerate() {
            for &y in t {
                let span = &mut spans[y as usize];
                lines[span.1 as usize] = b as u32;
                span.1 += 1;
            }
        }
        for (a, toks) in src.each_tokens().enumerate() {
            let row = &mut masks[a * m..(a + 1) * m];
            for (k, &x) in toks.iter().take(64).enumerate() {
                for &(y, _) in lex.links(x) {
                    let Some(&(from, to)) = spans.get(y as usize) else { continue };
                    for &b in &lines[from as usize..to as usize] {
                        row[b as usize] |= 1 << k;
                    }
                }
            }
        }
        for &y in ids.iter() {
            spans[y as usize] = (0, 0);
        }
        ids.clear();
    });
    masks
}

/// [`dense_masks`] for a target side of at most 64 lines: a set of target lines is a bit
/// mask, so each distinct source token's partner lines (the union over its links of the
/// lines each partner occurs in) are found once per document, however many source lines
/// repeat it, and a token's bit is set in the lines of that set.
fn dense_masks_narrow(lex: &Lexicon, src: &Side, tgt: &Side) -> Vec<u64> {
    let m = tgt.line_count();
    let mut masks = vec![0u64; src.line_count() * m];
    // Tables by token id kept across documents (ids are dense in the batch's vocabulary):
    // the target lines of each target id (cleared before returning), and each source id's
    // partner lines, valid where its generation is this document's.
    #[derive(Default)]
    struct Tables {
        tgt_lines: Vec<u64>,
        touched: Vec<u32>,
        src_lines: Vec<(u32, u64)>,
        generation: u32,
    }
    thread_local! {
        static TABLES: RefCell<Tables> = RefCell::default();
    }
    TABLES.with_borrow_mut(|Tables { tgt_lines, touched, src_lines, generation }| {
        *generation = generation.wrapping_add(1);
        if *generation == 0 {
            src_lines.iter_mut().for_each(|e| e.0 = 0);
            *generation = 1;
        }
        for (b, t) in tgt.each_tokens().enumerate() {
            for &y in t {
                if tgt_lines.len() <= y as usize {
                    tgt_lines.resize(y as usize + 1, 0);
                }
                if tgt_lines[y as usize] == 0 {
                    touched.push(y);
                }
                tgt_lines[y as usize] |= 1 << b;
            }
        }
        for (a, toks) in src.each_tokens().enumerate() {
            let row = &mut masks[a * m..(a + 1) * m];
            for (k, &x) in toks.iter().take(64).enumerate() {
                if src_lines.len() <= x as usize {
                    src_lines.resize(x as usize + 1, (0, 0));
                }
                let entry = &mut src_lines[x as usize];
                if entry.0 != *generation {
                    let lines =
                        lex.links(x).iter().fold(0, |u, &(y, _)| u | tgt_lines.get(y as usize).map_or(0, |&l| l));
                    *entry = (*generation, lines);
                }
                let mut lines = entry.1;
                while lines != 0 {
                    row[lines.trailing_zeros() as usize] |= 1 << k;
                    lines &= lines - 1;
                }
            }
        }
        for &y in touched.iter() {
            tgt_lines[y as usize] = 0;
        }
        touched.clear();
    });
    masks
}

/// A document pair's anchor bit sets, which depend only on the two sides' anchors: kept
/// from a first pass's [`CostModel`] to build the second pass's (see
/// [`CostModel::into_anchors`]) instead of interning every value again.
pub struct DocAnchors {
    bits: Option<DocBits>,
}

impl DocAnchors {
    /// The anchor bit sets of the document whose sides are `src` and `tgt`.
    pub fn of(src: &Side, tgt: &Side) -> DocAnchors {
        DocAnchors { bits: doc_bits(src, tgt) }
    }
}

/// The bead cost model for one document pair.
pub struct CostModel<'a> {
    params: &'a Params,
    length: LengthModel,
    /// `1 / length.c`, for [`LengthModel::cost_with_tail_inv_c`].
    inv_c: f64,
    lexicon: Option<&'a Lexicon>,
    src: &'a Side,
    tgt: &'a Side,
    /// Per-line anchor bit sets, when the document is small enough (see [`Bits`]).
    bits: Option<DocBits>,
    /// Per source line: its lexicon tokens (at most 64), for the bound on lexical evidence.
    n_tokens: Vec<usize>,
    /// What the anchors and tokens of each run of 1 to 3 source and target lines could
    /// take off a bead's cost (`src_reach[i][d - 1]` for lines `i..i+d`), so that most
    /// beads are dismissed on their prior alone (see [`CostModel::cost`]).
    src_reach: Vec<[Reach; 3]>,
    tgt_reach: Vec<[Reach; 3]>,
    lex_cache: LexCache,
}

/// What a line (or a run of lines) can add to a bead's bonus: its numbers, marked Latin
/// tokens, punctuation classes (counts, summed over the lines), and the lexical bonus its
/// tokens could earn at most.
#[derive(Clone, Copy, Default)]
struct Reach {
    numbers: f64,
    marked: f64,
    punct: f64,
    lex: f64,
}

impl Reach {
    /// For each line `i`, the reach of the runs of 1, 2 and 3 lines from it (zero past
    /// the end), as differences of prefix sums: the bound asks for a run at every bead,
    /// and reading one entry is cheaper than subtracting two.
    fn runs(lines: impl ExactSizeIterator<Item = Reach>) -> Vec<[Reach; 3]> {
        let mut prefix = Vec::with_capacity(lines.len() + 1);
        prefix.push(Reach::default());
        let mut total = Reach::default();
        for r in lines {
            total.numbers += r.numbers;
            total.marked += r.marked;
            total.punct += r.punct;
            total.lex += r.lex;
            prefix.push(total);
        }
        let run = |a: &Reach, b: &Reach| Reach {
            numbers: b.numbers - a.numbers,
            marked: b.marked - a.marked,
            punct: b.punct - a.punct,
            lex: b.lex - a.lex,
        };
        (0..prefix.len())
            .map(|i| std::array::from_fn(|d| prefix.get(i + d + 1).map_or(Reach::default(), |b| run(&prefix[i], b))))
            .collect()
    }
}

/// The lesser of two numbers, neither NaN (`f64::min` also handles NaN, at a cost).
#[inline]
fn lesser(a: f64, b: f64) -> f64 {
    if a < b { a } else { b }
}

/// The greater of two numbers, neither NaN.
#[inline]
fn greater(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// The share of a line's tokens with a partner across that counts as neutral evidence.
const LEX_BASELINE: f64 = 0.35;

/// How far (in lines, scaled to the other side) a deleted line's anchors are looked for.
const DELETION_WINDOW: usize = 3;

impl<'a> CostModel<'a> {
    /// The cost model of a document whose two sides' features are `src` and `tgt`.
    pub fn new(
        params: &'a Params,
        length: LengthModel,
        lexicon: Option<&'a Lexicon>,
        src: &'a Side,
        tgt: &'a Side,
    ) -> CostModel<'a> {
        CostModel::with_anchors(params, length, lexicon, src, tgt, DocAnchors::of(src, tgt))
    }

    /// [`CostModel::new`] with the sides' anchor bit sets already built (by
    /// [`DocAnchors::of`] on the same anchors).
    pub fn with_anchors(
        params: &'a Params,
        length: LengthModel,
        lexicon: Option<&'a Lexicon>,
        src: &'a Side,
        tgt: &'a Side,
        anchors: DocAnchors,
    ) -> CostModel<'a> {
        let (n, m) = (src.anchors.len(), tgt.anchors.len());
        let length = LengthModel { s2: length.s2 * params.length_spread, ..length };
        let lex_cache = match lexicon {
            Some(lex) if n * m <= DENSE_LEX_CACHE => LexCache::Dense { m, masks: dense_masks(lex, src, tgt) },
            _ => LexCache::Sparse(RefCell::default()),
        };
        let n_tokens: Vec<usize> = src.each_tokens().map(|t| t.len().min(64)).collect();
        // What a line can contribute to a bead's bonus: its numbers all shared, its marked
        // tokens all found, each of its punctuation classes matched, its tokens all linked.
        // A line's share of a bead's lexical bonus is at most `lexicon · min(t, 8) ·
        // (h/t − baseline)` (or 0) for its t tokens of which h have a partner somewhere on
        // the other side: the bonus of a bead is at most the sum over its lines (the share
        // of tokens matched is their lines' shares averaged, and min(T, 8)·t/T ≤ min(t, 8)).
        // With the dense masks h is known; without, every token is taken as matched.
        let lex_reach = |a: usize, t: usize| -> f64 {
            if lexicon.is_none() || t == 0 {
                return 0.0;
            }
            let h = match &lex_cache {
                LexCache::Dense { m, masks } => {
                    masks[a * m..(a + 1) * m].iter().fold(0, |u, x| u | x).count_ones() as usize
                }
                LexCache::Sparse(_) => t,
            };
            // (A margin for rounding: the bound must never fall below the exact bonus.)
            params.lexicon * (t as f64).min(8.0) * (h as f64 / t as f64 - LEX_BASELINE).max(0.0) + 1e-9
        };
        let reach = |a: &Anchors, lex: f64| Reach {
            numbers: a.numbers.len() as f64,
            marked: a.marked.len() as f64,
            punct: a.punct.iter().filter(|&&c| c > 0).count() as f64,
            lex,
        };
        let src_reach =
            Reach::runs(src.anchors.iter().zip(&n_tokens).enumerate().map(|(k, (a, &t))| reach(a, lex_reach(k, t))));
        let tgt_reach = Reach::runs(tgt.anchors.iter().map(|a| reach(a, 0.0)));
        CostModel {
            params,
            length,
            inv_c: 1.0 / length.c,
            lexicon,
            src,
            tgt,
            bits: anchors.bits,
            n_tokens,
            src_reach,
            tgt_reach,
            lex_cache,
        }
    }

    /// The anchor bit sets, for another model of the same sides (a second pass).
    pub fn into_anchors(self) -> DocAnchors {
        DocAnchors { bits: self.bits }
    }

    /// Cost of the bead of source lines `i..i+di` and target lines `j..j+dj`, and the index
    /// of its shape in [`super::dp::SHAPES`].
    ///
    /// When the cost cannot come under `budget` (a lower bound says so) a value at or
    /// above `budget` is returned without the full computation: the DP passes what a
    /// bead would have to beat, so the result of the DP is the same, only faster.
    #[inline]
    pub fn cost(&self, shape: usize, i: usize, di: usize, j: usize, dj: usize, budget: f64) -> f64 {
        let prior = self.params.prior[shape];
        if di == 0 || dj == 0 {
            // A deletion's anchor penalty is never negative: its prior alone may decide.
            if prior >= budget {
                return prior;
            }
            return prior + self.deletion(i, di, j, dj);
        }
        // Most beads lose on their prior alone: no evidence they could have would save them.
        // (Inlined into the DP, so that these beads cost no call.)
        let bound = self.bonus_bound(i, di, j, dj);
        if prior - bound >= budget {
            return prior - bound;
        }
        self.cost_in_full(prior, bound, i, di, j, dj, budget)
    }

    /// An upper bound on what anchors and lexicon can take off the cost of the bead of
    /// source lines `i..i+di` and target lines `j..j+dj`: a number shared must be on both
    /// sides, a Latin token hit is a marked one of either side, a punctuation class matched
    /// occurs on both sides.
    #[inline]
    fn bonus_bound(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let p = self.params;
        let (a, b) = (&self.src_reach[i][di - 1], &self.tgt_reach[j][dj - 1]);
        p.num_shared * lesser(a.numbers, b.numbers)
            + p.latin_shared * greater(a.marked, b.marked)
            + p.punct * lesser(a.punct, b.punct)
            + a.lex
    }

    /// [`CostModel::cost`] of a bead its prior did not dismiss.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn cost_in_full(&self, prior: f64, bound: f64, i: usize, di: usize, j: usize, dj: usize, budget: f64) -> f64 {
        let p = self.params;
        // The length first (cheaper than the anchors, and what most beads off the path lose
        // on) with the bound on all evidence; then the anchors, exact, with the bound on
        // the lexicon, which is dearer.
        let length =
            self.length.cost_with_tail_inv_c(self.src.chars(i, di), self.tgt.chars(j, dj), p.length_tail, self.inv_c);
        if prior - bound + length >= budget {
            return prior - bound + length;
        }
        let anchor = self.anchor_evidence(i, di, j, dj);
        let floor = prior + anchor - self.max_lex_bonus(i, di) + length;
        if floor >= budget {
            return floor;
        }
        prior + length + anchor + self.lexical_evidence(i, di, j, dj)
    }

    /// An upper bound on how much [`lexical_evidence`](Self::lexical_evidence) can lower a
    /// bead's cost.
    fn max_lex_bonus(&self, i: usize, di: usize) -> f64 {
        self.src_reach[i][di - 1].lex
    }

    /// Anchor and lexicon evidence for a non-null bead (negative is good).
    pub fn evidence(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        self.anchor_evidence(i, di, j, dj) + self.lexical_evidence(i, di, j, dj)
    }

    /// Evidence of numbers, Latin tokens and punctuation.
    #[inline]
    fn anchor_evidence(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let p = self.params;
        let Some(bits) = &self.bits else { return self.anchor_evidence_lists(i, di, j, dj) };
        let (a, b) = (bits.src(i, di), bits.tgt(j, dj));
        let count = |x: u64| f64::from(x.count_ones());
        let mut cost = 0.0;
        // (The counts, not the bits: a document's unshared values may have no bit.)
        if a.n_numbers | b.n_numbers != 0 {
            let hit = count(a.numbers & b.numbers);
            let miss = f64::from(a.n_numbers) + f64::from(b.n_numbers) - 2.0 * hit;
            cost += -p.num_shared * hit + p.num_missing * miss;
        }
        if a.n_marked | b.n_marked != 0 {
            let hit_a = if a.marked & b.latin == 0 { 0.0 } else { count(a.marked & b.latin) };
            let hit_b = if b.marked & a.latin == 0 { 0.0 } else { count(b.marked & a.latin) };
            let (miss_a, miss_b) = (f64::from(a.n_marked) - hit_a, f64::from(b.n_marked) - hit_b);
            let mut miss = 0.0;
            if a.non_latin || !b.non_latin {
                miss += miss_a;
            }
            if b.non_latin || !a.non_latin {
                miss += miss_b;
            }
            cost += -p.latin_shared * hit_a.max(hit_b) + p.latin_missing * miss;
        }
        // A class on both sides is shared evidence, on one side only a mismatch. (Four bits:
        // a table, as the baseline x86-64 target has no popcount instruction.)
        const _: () = assert!(anchors::PUNCT_CLASSES == 4);
        const BITS4: [i8; 16] = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];
        let punct = BITS4[usize::from(a.punct ^ b.punct)] - BITS4[usize::from(a.punct & b.punct)];
        cost + p.punct * f64::from(punct)
    }

    /// [`anchor_evidence`](Self::anchor_evidence) on the sorted lists, for documents with
    /// too many distinct anchors for bit sets.
    #[inline(never)]
    fn anchor_evidence_lists(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
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
        cost
    }

    /// Lexical evidence: the share of the source lines' tokens with a partner among the
    /// target lines', against a baseline.
    fn lexical_evidence(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let Some(lex) = self.lexicon else { return 0.0 };
        let mut hit = 0;
        let mut total = 0;
        for a in i..i + di {
            let n = self.n_tokens[a];
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
        if total == 0 {
            return 0.0;
        }
        let frac = hit as f64 / total as f64;
        let weight = (total as f64).min(8.0);
        self.params.lexicon * weight * (LEX_BASELINE - frac)
    }

    /// Which of source line `a`'s (first 64) tokens have a partner in target line `b`, as a
    /// bit mask; computed once per line pair.
    fn lex_mask(&self, lex: &Lexicon, a: usize, b: usize) -> u64 {
        match &self.lex_cache {
            LexCache::Dense { m, masks } => masks[a * m + b],
            LexCache::Sparse(map) => {
                let key = a * self.tgt.line_count() + b;
                if let Some(&m) = map.borrow().get(&key) {
                    return m;
                }
                let m = lex.match_mask(self.src.tokens(a), self.tgt.tokens(b));
                map.borrow_mut().insert(key, m);
                m
            }
        }
    }

    /// Extra cost of leaving lines unaligned: their anchors found on the other side near
    /// where they would go make the deletion unlikely.
    fn deletion(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let (mine, at, n_other) =
            if dj == 0 { (i..i + di, j, self.tgt.anchors.len()) } else { (j..j + dj, i, self.src.anchors.len()) };
        let near = at.saturating_sub(DELETION_WINDOW)..(at + DELETION_WINDOW).min(n_other);
        if let Some(bits) = &self.bits {
            let (a, b) =
                if dj == 0 { (bits.src(i, di), &bits.tgt_near[j]) } else { (bits.tgt(j, dj), &bits.src_near[i]) };
            if a.numbers | a.marked == 0 {
                return 0.0;
            }
            let hits = (a.numbers & b.numbers).count_ones() + (a.marked & b.latin).count_ones();
            return self.params.deletion_anchor * f64::from(hits);
        }
        let (mine, other) = if dj == 0 {
            (&self.src.anchors[mine], &self.tgt.anchors[near])
        } else {
            (&self.tgt.anchors[mine], &self.src.anchors[near])
        };
        if mine.iter().all(|x| x.numbers.is_empty() && x.marked.is_empty()) {
            return 0.0;
        }
        let (num_hit, _) = cross(mine, other, |x| &x.numbers, |x| &x.numbers);
        let (lat_hit, _) = cross(mine, other, |x| &x.marked, |x| &x.latin);
        self.params.deletion_anchor * (num_hit + lat_hit) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_masks_agree_with_the_lexicon() {
        let (ja, en) = (crate::lang::Lang::parse("ja").unwrap(), crate::lang::Lang::parse("en").unwrap());
        let pairs = [
            ("政府は予算を決めた。", "The government decided the budget."),
            ("政府が発表した。", "The government announced it."),
            ("予算は大きい。", "The budget is large."),
            ("地震で政府が動いた。", "The government acted after the earthquake."),
            ("地震は強かった。", "The earthquake was strong."),
            ("地震の予算。", "The earthquake budget."),
        ];
        let lex = Lexicon::learn(&ja, &en, pairs.iter().copied());
        assert!(!lex.is_empty());
        // The source side repeats its lines (a token met again reads its partner lines
        // from the first time); the target side is cut to 3 or 70 lines.
        let src: Vec<&str> = (0..9).map(|k| pairs[k % pairs.len()].0).collect();
        for n_tgt in [3, 70] {
            let tgt: Vec<&str> = (0..n_tgt).map(|k| pairs[(k * 5) % pairs.len()].1).collect();
            let a = Side::new(&src, |l| lex.src_tokens(l));
            let b = Side::new(&tgt, |l| lex.tgt_tokens(l));
            let want: Vec<u64> = (0..src.len())
                .flat_map(|i| (0..tgt.len()).map(move |j| (i, j)))
                .map(|(i, j)| lex.match_mask(a.tokens(i), b.tokens(j)))
                .collect();
            assert!(want.iter().any(|&x| x != 0));
            assert_eq!(dense_masks_wide(&lex, &a, &b), want);
            assert_eq!(dense_masks(&lex, &a, &b), want);
            if n_tgt <= 64 {
                assert_eq!(dense_masks_narrow(&lex, &a, &b), want);
            }
        }
    }

    #[test]
    fn bit_sets_agree_with_the_lists() {
        // 70 names on each side (past 64 distinct marked tokens), a few shared, and
        // numbers on both; the bit sets then hold only the shared values.
        let src: Vec<String> = (0..24)
            .map(|k| format!("Mr. Alpha{k} met Beta{k} and Gamma{k}, {} people, at Site{}.", k * 7, k % 5))
            .collect();
        let tgt: Vec<String> = (0..22)
            .map(|k| format!("アルファ{k}氏はDelta{k}とEpsilon{k}と会った。{}人、Site{}で。", k * 7 + k % 2, k % 3))
            .collect();
        let (a, b): (Vec<&str>, Vec<&str>) =
            (src.iter().map(String::as_str).collect(), tgt.iter().map(String::as_str).collect());
        let (a, b) = (Side::new(&a, |_| Tokens::new()), Side::new(&b, |_| Tokens::new()));
        let params = Params::default();
        let length =
            LengthModel::for_pair(&crate::lang::Lang::parse("en").unwrap(), &crate::lang::Lang::parse("ja").unwrap());
        let mut marked: Vec<u64> = a.anchors.iter().chain(&b.anchors).flat_map(|x| x.marked.clone()).collect();
        marked.sort_unstable();
        marked.dedup();
        assert!(marked.len() > 64, "{}", marked.len());
        let bits = CostModel::new(&params, length, None, &a, &b);
        assert!(bits.bits.is_some());
        // Shared numbers and names are found: some beads gain from their anchors.
        assert!(bits.anchor_evidence(2, 1, 2, 1) < 0.0, "{}", bits.anchor_evidence(2, 1, 2, 1));
        let mut lists = CostModel::new(&params, length, None, &a, &b);
        lists.bits = None;
        for &(di, dj) in &super::super::dp::SHAPES {
            for i in 0..=a.anchors.len() - di {
                for j in 0..=b.anchors.len() - dj {
                    if di == 0 || dj == 0 {
                        assert_eq!(bits.deletion(i, di, j, dj), lists.deletion(i, di, j, dj), "{i}+{di} {j}+{dj}");
                    } else {
                        let want = lists.anchor_evidence(i, di, j, dj);
                        assert_eq!(bits.anchor_evidence(i, di, j, dj), want, "{i}+{di} {j}+{dj}");
                    }
                }
            }
        }
    }

    #[test]
    fn nfkc_table_agrees_with_the_normalizer() {
        let mut out = String::new();
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            let want: String = c.to_string().nfkc().collect();
            match fold(c) {
                Fold::Keep => assert_eq!(want, c.to_string(), "{:04X}", c as u32),
                Fold::Char(b) => assert_eq!(want, char::from(b).to_string(), "{:04X}", c as u32),
                Fold::Ascii(a) => assert_eq!(want, a, "{:04X}", c as u32),
                Fold::Unknown => continue,
            }
            // A character of the table never combines with a neighbour from it.
            for d in ['a', 'か', 'ハ', '한', '１', '\u{3000}', 'é', '。'] {
                for pair in [format!("{c}{d}"), format!("{d}{c}")] {
                    let want: String = pair.nfkc().collect();
                    match nfkc_fast(&pair, &mut out) {
                        Some(true) => assert_eq!(want, pair),
                        Some(false) => assert_eq!(want, out),
                        None => panic!("{:04X} is in the table", c as u32),
                    }
                }
            }
        }
    }
}
