//! Exact top-k search: candidates from the n-gram index (character pairs per length bucket
//! for CJK), pruned by the token-overlap bound and the length filter, verified with the
//! bit-parallel edit distance in order of their bound until the k-th verified match beats
//! the next bound. A brute-force scan that scores
//! every variant with the same function is kept beside it: the tests and the benchmark
//! check that both return the same matches.

use rusqlite::Connection;

use super::score::{self, HashMapId, Pattern, Penalty, PenaltyKind};
use super::tokenize::{Granularity, Token, TokenKind, granularity, tokenize};
use super::{MatchKind, placeables};
use crate::error::Result;
use crate::lang::Lang;
use crate::text::normalize;
use crate::tm::index::{self, Segment};

/// A list is read to refine bounds when it holds at most this many ids per candidate still
/// above the threshold (reading an id costs a few nanoseconds, verifying a candidate a few
/// microseconds). Measured at 1M units: 1,000 verifies 11.6 candidates a Japanese
/// near-duplicate line instead of 18.3 with 200, for 2.7k more postings decoded, 3-4 % less
/// CPU (since the candidates are refined through the bit filter; with a merge of the sorted
/// candidates 1,000 measured the same as 200). Since lists are grouped by token count
/// (schema 5) refining reads only the lengths that still have candidates: 3,000 verifies
/// 9.6 a line instead of 11.2, 1-3 % less CPU (10,000: no better).
const REFINE_PER_CANDIDATE: usize = 3000;

/// [`REFINE_PER_CANDIDATE`] for a chunk bucket's second bound ([`confirm_pairs`], which
/// merges its few candidates with the lists): 1,000 there was slower.
const CONFIRM_PER_CANDIDATE: usize = 200;

/// A list is merged with the sorted candidates unless it is this many times shorter than
/// they are; then each of its ids probes the counters (a cache miss costs about as much as
/// stepping over a few dozen sorted ids).
const PROBE_RATIO: usize = 16;

/// Shared-gram counters of one [`candidates`] search: the candidates in a dense vector, in
/// the order they were admitted, found by id through an open-addressing table of slots
/// sized to the candidates (not to the lists: an array indexed by variant id, megabytes at
/// a million units, missed the cache on nearly every posting, half of a Japanese lookup's
/// time; a table sized to the admission lists' postings was mostly empty, and clearing and
/// scanning it cost more than the counting it served).
#[derive(Default)]
struct Scratch {
    /// Per slot: [`EMPTY`], or the variant id in the high half and the candidate's index in
    /// `cands` in the low half, so a probe reads one word.
    slots: Vec<u64>,
    /// (variant id, shared grams, token count) of every candidate, in admission order.
    cands: Vec<(u32, u32, u8)>,
    /// 64 − log2 of the slot count (multiplicative hashing keeps the top bits).
    shift: u32,
    /// One bit per hashed id, set for every id in the table: a posting of a variant that is
    /// not a candidate (most of them, once its length stops admitting) is told apart by one
    /// load from this small array; only the few whose bit is set probe the table.
    seen: Vec<u64>,
    /// 64 − log2 of the bit count.
    seen_shift: u32,
    /// The largest candidate id after [`Scratch::retain`] (a list read to refine counts
    /// is read no further).
    last: u32,
    /// Candidates of each token count (a grouped list's group of a length without
    /// candidates is not read once that length stops admitting).
    per_len: Vec<u32>,
    /// The largest candidate id of each token count after [`Scratch::retain`].
    last_of: Vec<u32>,
}

impl Scratch {
    /// Empty the table for a search whose admission lists hold `postings` postings.
    fn reset(&mut self, postings: usize) {
        // About 16 bits per posting at most (a few percent of false positives among the
        // candidates, about a third of the postings), 512 bytes at least, 256 KB at most:
        // it stays in the first or second level cache.
        let bits = (postings.max(1) * 16).next_power_of_two().clamp(1 << 12, 1 << 21);
        self.seen.clear();
        self.seen.resize(bits / 64, 0);
        self.seen_shift = 64 - bits.trailing_zeros();
        self.cands.clear();
        self.per_len.clear();
        self.per_len.resize(256, 0);
        // Measured at 1M units: about a third of the postings admit a candidate, so this
        // rarely grows (starting at half the postings, it nearly always grew once: 2-4 %
        // more CPU).
        self.resize_slots(postings.max(64).next_power_of_two());
    }

    /// Keep the candidates whose (shared grams, token count) pass `keep`, in a table and a
    /// bit filter sized to them.
    fn retain(&mut self, keep: impl Fn(u32, u8) -> bool) {
        self.cands.retain(|&(_, c, len)| keep(c, len));
        let n = self.cands.len();
        let bits = (n.max(1) * 16).next_power_of_two().clamp(1 << 12, 1 << 21);
        self.seen.clear();
        self.seen.resize(bits / 64, 0);
        self.seen_shift = 64 - bits.trailing_zeros();
        self.last = 0;
        self.per_len.clear();
        self.per_len.resize(256, 0);
        self.last_of.clear();
        self.last_of.resize(256, 0);
        for i in 0..n {
            let (id, _, len) = self.cands[i];
            let bit = self.seen_bit(id);
            self.seen[bit / 64] |= 1 << (bit % 64);
            self.last = self.last.max(id);
            let len = usize::from(len);
            self.per_len[len] += 1;
            self.last_of[len] = self.last_of[len].max(id);
        }
        self.resize_slots((n * 2).max(64).next_power_of_two());
    }

    /// Empty slots, `n` of them (a power of two), and index `cands` into them.
    fn resize_slots(&mut self, n: usize) {
        self.slots.clear();
        self.slots.resize(n, EMPTY);
        self.shift = 64 - n.trailing_zeros();
        for i in 0..self.cands.len() {
            let id = self.cands[i].0;
            let s = self.slot(id);
            self.slots[s] = u64::from(id) << 32 | i as u64;
        }
    }

    /// The slot holding `id`, or the empty slot where it would go.
    #[inline(always)]
    fn slot(&self, id: u32) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(id);
        loop {
            let s = self.slots[i];
            if s == EMPTY || (s >> 32) as u32 == id {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Add `w` to the count of `id`, which is admitted with token count `len` when new.
    #[inline(always)]
    fn add(&mut self, id: u32, w: u32, len: u8) {
        let s = self.slot(id);
        let slot = self.slots[s];
        if slot != EMPTY {
            let c = &mut self.cands[(slot & 0xffff_ffff) as usize].1;
            *c = c.saturating_add(w);
            return;
        }
        self.slots[s] = u64::from(id) << 32 | self.cands.len() as u64;
        self.cands.push((id, w, len));
        self.per_len[usize::from(len)] += 1;
        let bit = self.seen_bit(id);
        self.seen[bit / 64] |= 1 << (bit % 64);
        if self.cands.len() * 2 > self.slots.len() {
            self.resize_slots(self.slots.len() * 2);
        }
    }

    /// [`add`](Self::add) every id of a group ([`index::decode_ids`]). The ids are decoded
    /// a batch at a time and their slots loaded before any is counted: a probe of the table
    /// (sized to the postings, it outgrows the first-level cache) waited on memory for a
    /// third of its time, one probe after the other.
    fn add_group(&mut self, ids: &[u8], w: u32, len: u8) {
        const BATCH: usize = 16;
        let mut batch = [0u32; BATCH];
        let mut n = 0;
        index::decode_ids(ids, |v| {
            batch[n] = v;
            n += 1;
            if n == BATCH {
                self.add_batch(&batch, w, len);
                n = 0;
            }
            true
        });
        self.add_batch(&batch[..n], w, len);
    }

    #[inline(always)]
    fn add_batch(&mut self, ids: &[u32], w: u32, len: u8) {
        // Loads whose values only feed `black_box`: the counting below does not wait for
        // them, and finds their lines in the cache (no `unsafe` prefetch instruction).
        let mut touched = 0u64;
        for &id in ids {
            touched ^= self.slots[self.home(id)];
        }
        std::hint::black_box(touched);
        for &id in ids {
            self.add(id, w, len);
        }
    }

    /// The slot where the probe for `id` starts.
    #[inline(always)]
    fn home(&self, id: u32) -> usize {
        ((u64::from(id) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The bit of `id` in `seen` (a hash other than the table's, so the two do not
    /// collide together).
    #[inline]
    fn seen_bit(&self, id: u32) -> usize {
        ((u64::from(id) + 1).wrapping_mul(0xd6e8_feb8_6659_fd93) >> self.seen_shift) as usize
    }

    /// Add `w` to the count of `id` if it is a candidate; most ids that are not are
    /// turned away by `seen` without a probe.
    #[inline(always)]
    fn bump_if_seen(&mut self, id: u32, w: u32) {
        let bit = self.seen_bit(id);
        if self.seen[bit / 64] & (1 << (bit % 64)) != 0 {
            let slot = self.slots[self.slot(id)];
            if slot != EMPTY {
                let c = &mut self.cands[(slot & 0xffff_ffff) as usize].1;
                *c = c.saturating_add(w);
            }
        }
    }
}

/// An empty slot of [`Scratch`]: no candidate has both the largest id and the largest
/// index (the candidates would fill the memory first).
const EMPTY: u64 = u64::MAX;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    /// [`bigram_candidates`]' copies of lists, kept between lookups for their buffers.
    static PRELOADED: std::cell::RefCell<Preloaded> = std::cell::RefCell::new(Preloaded::default());
}

/// A query prepared for scoring many stored sources.
pub struct Query {
    /// The sentence as typed.
    pub text: String,
    /// Its normalized form.
    pub norm: String,
    /// Its tokens (of `norm`).
    pub tokens: Vec<Token>,
    /// The token classes.
    pub classes: Vec<u64>,
    /// Its language.
    pub lang: Lang,
    granularity: Granularity,
    pattern: Pattern,
}

impl Query {
    /// Prepare `text` in `lang`.
    pub fn new(text: &str, lang: &Lang) -> Query {
        let norm = normalize(text);
        let g = granularity(lang);
        let tokens = tokenize(&norm, g);
        let classes: Vec<u64> = tokens.iter().map(|t| t.class).collect();
        let pattern = Pattern::new(&classes);
        Query { text: text.to_string(), norm, tokens, classes, lang: lang.clone(), granularity: g, pattern }
    }
}

/// A verified match of a stored source variant, before the translation is attached.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The source variant's id.
    pub variant: i64,
    /// Its unit.
    pub unit: i64,
    /// Final score (after penalties).
    pub score: u8,
    /// Score before penalties.
    pub base: u8,
    /// Token edit distance.
    pub distance: usize,
    /// Kind of match.
    pub kind: MatchKind,
    /// Penalties applied.
    pub penalties: Vec<Penalty>,
    /// `changed`, else `created`, of the unit ("" when neither).
    pub recency: String,
    /// The unit's usage count.
    pub usage: i64,
    /// The stored source, plain text.
    pub plain: String,
    /// Its normalized text.
    pub norm: String,
    /// What the match reports besides (read with the rest, so the match needs no
    /// statement of its own for them).
    pub facts: Facts,
    /// The translation, when the row beside the source variant is its unit's variant
    /// tagged exactly as asked (see `sibling_target`); `None`: not looked up yet.
    pub target: Option<String>,
}

/// The unit's and the source variant's columns a [`Hit`] reports.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The unit's origin.
    pub origin: Option<String>,
    /// Its creation date.
    pub created: Option<String>,
    /// Its last change.
    pub changed: Option<String>,
    /// The source variant's previous sentence in its document.
    pub context_prev: Option<String>,
    /// Its next sentence.
    pub context_next: Option<String>,
    /// The source variant's `norm_hash` (other units with the same source).
    pub norm_hash: i64,
}

impl Hit {
    /// Ranking: score, then most recent, then most used, then oldest unit (a total order).
    fn rank_key(&self) -> (std::cmp::Reverse<u8>, std::cmp::Reverse<&str>, std::cmp::Reverse<i64>, i64, i64) {
        use std::cmp::Reverse;
        (Reverse(self.score), Reverse(self.recency.as_str()), Reverse(self.usage), self.unit, self.variant)
    }
}

/// What to search for.
pub struct Params<'a> {
    /// Language of the translations wanted.
    pub to: &'a Lang,
    /// Lowest score returned (at least 1: a score of 0 shares no token with the query).
    pub min_score: u8,
    /// Matches wanted.
    pub limit: usize,
}

/// The best `limit` matches, kept sorted, with the floor a candidate must reach.
struct TopK {
    limit: usize,
    min: u8,
    hits: Vec<Hit>,
}

impl TopK {
    /// A candidate scoring below this cannot enter (one scoring equal may, by recency).
    fn floor(&self) -> u8 {
        if self.hits.len() < self.limit { self.min } else { self.hits[self.limit - 1].score.max(self.min) }
    }

    fn offer(&mut self, hit: Hit) {
        let pos = self.hits.partition_point(|h| h.rank_key() < hit.rank_key());
        if pos < self.limit {
            self.hits.insert(pos, hit);
            self.hits.truncate(self.limit);
        }
    }
}

/// What stage two of a candidate's verification reads, once its distance is known to be
/// good enough.
struct Rest {
    plain: String,
    /// NULL in the store when the segment has no markup.
    seg: Option<String>,
    unit: i64,
    recency: String,
    usage: i64,
    facts: Facts,
}

const REST_SQL: &str = "SELECT v.plain, v.seg, v.unit_id, coalesce(u.changed, u.created, ''), u.usage_count,
        u.origin, u.created, u.changed, v.context_prev, v.context_next, v.norm_hash
    FROM variant v JOIN unit u ON u.id = v.unit_id WHERE v.id = ?1";

fn fetch_rest(conn: &Connection, variant: i64) -> Result<Rest> {
    let mut q = conn.prepare_cached(REST_SQL)?;
    Ok(q.query_row([variant], |r| {
        let facts = Facts {
            origin: r.get(5)?,
            created: r.get(6)?,
            changed: r.get(7)?,
            context_prev: r.get(8)?,
            context_next: r.get(9)?,
            norm_hash: r.get(10)?,
        };
        Ok(Rest { plain: r.get(0)?, seg: r.get(1)?, unit: r.get(2)?, recency: r.get(3)?, usage: r.get(4)?, facts })
    })?)
}

/// Column `i` of `row` as text, borrowed from the row.
fn text_at<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    Ok(row.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?)
}

/// Score one stored source against the query; `None` when it cannot reach `floor`. Reads
/// the stored text's other columns only when the edit distance allows it.
fn evaluate(conn: &Connection, q: &Query, variant: i64, tag: &str, norm: &str, floor: u8) -> Result<Option<Hit>> {
    match Lang::parse(tag) {
        Ok(l) if q.lang.matches(&l) => {}
        _ => return Ok(None),
    }
    let tokens = tokenize(norm, q.granularity);
    let (ql, cl) = (q.classes.len(), tokens.len());
    // Length filter: even with every token of the shorter matched, the score is at most this.
    if score::base_score(ql.abs_diff(cl), ql, cl) < floor {
        return Ok(None);
    }
    let classes: Vec<u64> = tokens.iter().map(|t| t.class).collect();
    let distance = q.pattern.distance(&classes);
    let base = score::base_score(distance, ql, cl);
    if base < floor {
        return Ok(None);
    }
    let Rest { plain, seg, unit, recency, usage, facts } = fetch_rest(conn, variant)?;
    let mut penalties = Vec::new();
    // Text `<` is stored escaped, so a raw `<` in the segment is an inline element.
    if seg.as_deref().is_some_and(|s| s.contains('<')) {
        penalties.push(Penalty { kind: PenaltyKind::Tags, points: PenaltyKind::Tags.points() });
    }
    let mut numbers_differ = 0usize;
    if distance == 0 {
        numbers_differ = number_differences(&q.norm, &q.tokens, norm, &tokens);
        if numbers_differ > 0 {
            let points = (numbers_differ.min(99) as u8).saturating_mul(PenaltyKind::Number.points());
            penalties.push(Penalty { kind: PenaltyKind::Number, points });
            penalties.extend(score::surface_penalties(&mask_numbers(&q.text), &mask_numbers(&plain)));
        } else {
            penalties.extend(score::surface_penalties(&q.text, &plain));
        }
    }
    let taken: u32 = penalties.iter().map(|p| u32::from(p.points)).sum();
    let score = u32::from(base).saturating_sub(taken) as u8;
    if score < floor {
        return Ok(None);
    }
    let kind = if score == 100 {
        MatchKind::Exact
    } else if distance == 0 && numbers_differ > 0 {
        MatchKind::Numbers
    } else {
        MatchKind::Fuzzy
    };
    Ok(Some(Hit {
        variant,
        unit,
        score,
        base,
        distance,
        kind,
        penalties,
        recency,
        usage,
        plain,
        norm: norm.to_string(),
        facts,
        target: None,
    }))
}

fn number_differences(qn: &str, qt: &[Token], sn: &str, st: &[Token]) -> usize {
    let a = qt.iter().filter(|t| t.kind == TokenKind::Number).map(|t| &qn[t.span.clone()]);
    let b = st.iter().filter(|t| t.kind == TokenKind::Number).map(|t| &sn[t.span.clone()]);
    a.zip(b).filter(|(x, y)| x != y).count()
}

fn mask_numbers(text: &str) -> String {
    let mut out = text.to_string();
    for n in placeables::numbers(text).into_iter().rev() {
        out.replace_range(n.range, "0");
    }
    out
}

/// Does the unit have a variant in `to` other than the source variant?
fn has_target(conn: &Connection, unit: i64, source_variant: i64, to: &Lang) -> Result<bool> {
    let mut q =
        conn.prepare_cached(concat!("SELECT v.id, v.lang FROM ", crate::tm::unit_variants!(), " WHERE u.id = ?1"))?;
    let mut rows = q.query([unit])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let tag: String = r.get(1)?;
        if id != source_variant && Lang::parse(&tag).is_ok_and(|l| to.matches(&l)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The plain text of the variant beside `source_variant` (the row before or after it) when
/// that row is of the same unit and tagged exactly `to`. A unit's variants are written
/// together, so its translation is nearly always such a row, read from the leaf the
/// source variant was just read from; the lookup by unit ([`has_target`], then the
/// match's `target_of`) descends a second B-tree to a page not touched before. A unit
/// holds one variant per language, so this is the variant `target_of` prefers.
fn sibling_target(conn: &Connection, unit: i64, source_variant: i64, to: &Lang) -> Result<Option<String>> {
    let mut q = conn.prepare_cached("SELECT unit_id, lang, plain FROM variant WHERE id = ?1")?;
    for id in [source_variant + 1, source_variant - 1] {
        let mut rows = q.query([id])?;
        let Some(r) = rows.next()? else { continue };
        if r.get::<_, i64>(0)? != unit {
            continue;
        }
        let tag = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if Lang::parse(tag).is_ok_and(|l| &l == to) {
            return Ok(Some(r.get(2)?));
        }
    }
    Ok(None)
}

fn consider(conn: &Connection, top: &mut TopK, mut hit: Hit, to: &Lang) -> Result<()> {
    if let Some(target) = sibling_target(conn, hit.unit, hit.variant, to)? {
        hit.target = Some(target);
        top.offer(hit);
    } else if has_target(conn, hit.unit, hit.variant, to)? {
        top.offer(hit);
    }
    Ok(())
}

/// Which grams a lookup filters on, and what a candidate's count of them proves.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Filter {
    /// Token unigrams: a count `x` of shared tokens bounds the score by `100 × x / |q|`.
    Tokens,
    /// Token bigrams (character pairs in CJK): by the q-gram lemma a substitution or a
    /// deletion destroys at most two of the query's `|q| − 1` bigrams and an insertion at
    /// most one, so `x` shared bigrams mean at least `ceil((|q| − 1 − x) / 2)` edits; a
    /// candidate `k` tokens longer needs `k` insertions, which lifts that to
    /// `ceil((|q| − 1 − x + k) / 2)`. Much shorter lists than single characters.
    Bigrams,
    /// Disjoint token bigrams of the query (chunks: tokens 0–1, 2–3, … or 1–2, 3–4, …):
    /// an edit touches at most one chunk, so a candidate `d` edits away still contains at
    /// least `chunks − d` of them, and `x` shared chunks mean at least `chunks − x` edits.
    /// Fewer lists than all the bigrams, each needed less: the cheaper admission for
    /// lengths near the query's, where few edits are allowed.
    Chunks,
}

/// The thresholds of first, cheaper searches, tried in turn when admitting candidates at
/// the threshold asked for would read more than [`ADMISSION_BUDGET`] postings.
const FIRST_TRIES: [u8; 2] = [95, 90];

/// Postings a search may admit from before [`FIRST_TRIES`] are tried: about ten times
/// what a Japanese lookup in the 1M-unit bench memory reads (~21k).
pub(super) const ADMISSION_BUDGET: u64 = 200_000;

#[cfg(not(test))]
fn admission_budget() -> u64 {
    ADMISSION_BUDGET
}

#[cfg(test)]
thread_local! {
    /// [`ADMISSION_BUDGET`]; the contract tests also run with 0, so that every search
    /// goes through the first tries.
    pub(super) static TEST_BUDGET: std::cell::Cell<u64> = const { std::cell::Cell::new(ADMISSION_BUDGET) };
}

#[cfg(test)]
fn admission_budget() -> u64 {
    TEST_BUDGET.with(|b| b.get())
}

/// The exact top-k through the index.
///
/// In a memory of formulaic sentences (thousands of stored sources within 75 % of the
/// query, e.g. the same report with other numbers, which are placeables) the count filter
/// at 75 % admits from lists of millions of postings. Then the search first runs at 95,
/// then at 90 (`FIRST_TRIES`), whose filters need far more shared grams and so read far
/// fewer postings. A try that fills `limit` is the answer: every stored source scoring at
/// least its threshold was admitted and verified, so anything it missed scores below the
/// k-th match (a score is never above the base score the filters bound, ties included).
/// Otherwise the next runs, skipping the matches already found, and at last `min`.
pub fn indexed(conn: &Connection, q: &Query, p: &Params<'_>) -> Result<Vec<Hit>> {
    let min = p.min_score.max(1);
    let mut top = TopK { limit: p.limit, min, hits: Vec::new() };
    if q.classes.is_empty() || p.limit == 0 {
        return Ok(Vec::new());
    }
    let budget = (min < FIRST_TRIES[1]).then(admission_budget);
    if search_at(conn, q, p.to, &mut top, &[], budget)? {
        return Ok(top.hits);
    }
    let mut found: Vec<u32> = Vec::new();
    for t in FIRST_TRIES.into_iter().filter(|&t| t > min) {
        let mut first = TopK { limit: p.limit, min: t, hits: std::mem::take(&mut top.hits) };
        search_at(conn, q, p.to, &mut first, &found, None)?;
        if first.hits.len() == p.limit {
            return Ok(first.hits);
        }
        found = first.hits.iter().map(|h| h.variant as u32).collect();
        top.hits = first.hits;
    }
    search_at(conn, q, p.to, &mut top, &found, None)?;
    Ok(top.hits)
}

/// One search at `top.min`: admit candidates through the index and verify them, in
/// decreasing order of their bound, into `top`; `found` are variants already in `top`.
/// `false`, having verified nothing, when admission would read more than `budget` postings.
fn search_at(
    conn: &Connection,
    q: &Query,
    to: &Lang,
    top: &mut TopK,
    found: &[u32],
    budget: Option<u64>,
) -> Result<bool> {
    let min = top.min;
    let qlen = q.classes.len();
    // Edits a match at `min` can have: d ≤ (100 − min)/100 × longer, and the longer is at
    // most 100/min × |q| (length filter).
    let dmax = (100 - usize::from(min)) * qlen / usize::from(min);
    let bigram_need = bigram_need(qlen, min, (qlen - 1).saturating_sub(2 * dmax));
    let cands = SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        if q.granularity == Granularity::Chars && bigram_need >= 2 {
            bigram_candidates(conn, q, min, bigram_need as u32, budget, &mut scratch)
        } else {
            let need = (usize::from(min) * qlen).div_ceil(100) as u32;
            let spec = Spec { qlen, total: qlen as u32, need, min, filter: Filter::Tokens };
            let grams = gram_lists(conn, q, &q.classes)?;
            if budget.is_some_and(|b| admission_cost(&grams, spec.total, need) > b) {
                return Ok(None);
            }
            let found = candidates(conn, &Preloaded::default(), &grams, &spec, &need_by_length(&spec), &mut scratch)?;
            Ok(Some(found.into_iter().map(|(b, v, _)| (b, v)).collect()))
        }
    })?;
    let Some(cands) = cands else { return Ok(false) };
    let mut stmt = conn.prepare_cached("SELECT lang, norm FROM variant WHERE id = ?1")?;
    for (bound, vid) in cands {
        let floor = top.floor();
        if bound < floor {
            break;
        }
        if found.contains(&vid) {
            continue;
        }
        // The text is read in place from SQLite's row (most candidates fail: nothing to keep).
        let mut rows = stmt.query([vid])?;
        let Some(r) = rows.next()? else { return Err(rusqlite::Error::QueryReturnedNoRows.into()) };
        let (tag, norm) = (text_at(r, 0)?, text_at(r, 1)?);
        if let Some(hit) = evaluate(conn, q, i64::from(vid), tag, norm, floor)? {
            consider(conn, top, hit, to)?;
        }
    }
    Ok(true)
}

/// Postings a count filter needing `need` of `total` grams admits from: a candidate shares
/// at least one of the rarest lists until fewer than `need` grams are left after them.
fn admission_cost(lists: &[Gram], total: u32, need: u32) -> u64 {
    let (mut left, mut cost) = (total, 0u64);
    for &(df, _, w) in lists {
        if left < need {
            break;
        }
        cost += u64::from(df);
        left -= w;
    }
    cost
}

/// Shared bigrams every candidate reaching `min` has, whatever its length: the least the
/// per-length bound asks of a length the length filter keeps. `any_length` holds for every
/// length (the bound of the longest candidate); it stays the answer when the query is so
/// long that candidates of 255 tokens or more (whose length is not stored) could match.
fn bigram_need(qlen: usize, min: u8, any_length: usize) -> usize {
    if qlen * 100 / usize::from(min) >= 255 {
        return any_length;
    }
    let spec = Spec { qlen, total: (qlen - 1) as u32, need: 0, min, filter: Filter::Bigrams };
    length_window(qlen, min)
        .filter(|&c| c < 255 && score::base_score(qlen.abs_diff(c), qlen, c) >= min)
        .filter_map(|c| spec.least_shared(c as u8))
        .min()
        .map_or(any_length, |n| (n as usize).max(any_length))
}

/// A gram of the query: (document frequency, index key, weight in the query).
type Gram = (u32, i64, u32);

/// The distinct grams of `classes` as (document frequency, key, weight in the query),
/// rarest first.
fn gram_lists(conn: &Connection, q: &Query, classes: &[u64]) -> Result<Vec<Gram>> {
    let mut weights: HashMapId<u64, u32> = HashMapId::default();
    for &c in classes {
        *weights.entry(c).or_insert(0) += 1;
    }
    let mut grams: Vec<Gram> = Vec::with_capacity(weights.len());
    let lang = q.lang.base();
    for (&class, &w) in &weights {
        let key = index::gram_key(lang, class);
        grams.push((index::doc_freq(conn, key)?, key, w));
    }
    grams.sort_unstable();
    Ok(grams)
}

/// Candidates of the bigram filter, bucket by bucket: the character pairs are posted per
/// length bucket of the stored source ([`index::bigram_key`]), so only the buckets the
/// length filter allows are read, and each bucket is a search of its own: its lists are
/// ordered by their own rarity, and it admits from only as many lists as the least count
/// its lengths need.
fn bigram_candidates(
    conn: &Connection,
    q: &Query,
    min: u8,
    need: u32,
    budget: Option<u64>,
    scratch: &mut Scratch,
) -> Result<Option<Vec<(u8, u32)>>> {
    let qlen = q.classes.len();
    let pairs: Vec<u64> = q.classes.windows(2).map(|w| index::bigram_class(w[0], w[1])).collect();
    let spec = Spec { qlen, total: pairs.len() as u32, need, min, filter: Filter::Bigrams };
    let need_of = need_by_length(&spec);
    let Some(first) = need_of.iter().position(|&n| n != NONE) else { return Ok(Some(Vec::new())) };
    let last = need_of.iter().rposition(|&n| n != NONE).unwrap_or(first);
    let (b0, b1) = (index::length_bucket(first as u8), index::length_bucket(last as u8));
    let weigh = |grams: &mut dyn Iterator<Item = u64>| {
        let mut weights: HashMapId<u64, u32> = HashMapId::with_capacity_and_hasher(pairs.len(), Default::default());
        for c in grams {
            *weights.entry(c).or_insert(0) += 1;
        }
        weights
    };
    let weights = weigh(&mut pairs.iter().copied());
    // `base()` scans the tag: once per search.
    let lang = q.lang.base();
    // Document frequency of each distinct pair in each bucket of the window: from the
    // pair's row in `fz_pair`, or, for a pair without one (a rare pair, whose lists
    // admission reads first), from a range scan of its buckets that copies their lists too.
    let width = usize::from(b1 - b0) + 1;
    let distinct: Vec<u64> = weights.keys().copied().collect();
    let mut seen = vec![0u32; width * distinct.len()];
    let in_window = |b: u8| usize::from(b.wrapping_sub(b0)) < width;
    let has_row = index::pair_buckets(conn, lang, &distinct, |i, b, n| {
        if in_window(b) {
            seen[i * width + usize::from(b - b0)] = n;
        }
    })?;
    // The copies of the last lookup's lists, emptied: their buffers keep their capacity
    // (grown afresh each lookup, the bytes were copied again at each doubling and the
    // table rehashed). Put back below; an error leaves a new one behind.
    let mut pre = PRELOADED.with(|p| std::mem::take(&mut *p.borrow_mut()));
    pre.clear();
    for (i, &pair) in distinct.iter().enumerate() {
        if !has_row[i] {
            let base = index::bigram_key(lang, pair, 0);
            index::for_each_row_between(conn, base | i64::from(b0), base | i64::from(b1), |key, n, blob| {
                let b = (key & 0xff) as u8;
                if in_window(b) {
                    seen[i * width + usize::from(b - b0)] = n;
                }
                pre.add(key, blob);
            })?;
            pre.scanned.insert(base, ());
        }
    }
    // Per pair: its frequency in each bucket of the window, and its key in bucket 0 (the
    // key of a bucket is this with the bucket in its low byte).
    let dfs: HashMapId<u64, (&[u32], i64)> = distinct
        .iter()
        .enumerate()
        .map(|(i, &pair)| (pair, (&seen[i * width..(i + 1) * width], index::bigram_key(lang, pair, 0))))
        .collect();
    // The other filter on the same lists: disjoint pairs (chunks) of the query, from its
    // first or its second character.
    let chunks: Vec<(HashMapId<u64, u32>, Spec, Needs)> = (0..2)
        .map(|start| {
            let weights = weigh(&mut pairs.iter().copied().skip(start).step_by(2));
            let total = pairs.iter().skip(start).step_by(2).count() as u32;
            let spec = Spec { qlen, total, need: 0, min, filter: Filter::Chunks };
            let need_of = need_by_length(&spec);
            (weights, spec, need_of)
        })
        .collect();
    // Each bucket's plan: its lists rarest first, the counts its lengths need; of the
    // filters whose every length needs a shared gram, the one admitting from the fewest
    // postings.
    let mut plans = Vec::with_capacity(width);
    let mut planned = 0u64;
    let mut read: HashMapId<i64, ()> = HashMapId::default();
    for (i, bucket) in (b0..=b1).enumerate() {
        let mut best: Option<(u64, Vec<Gram>, Spec, Vec<u32>)> = None;
        let options = std::iter::once((&weights, spec, &need_of)).chain(chunks.iter().map(|(w, s, n)| (w, *s, n)));
        for (weights, spec, need_of) in options {
            let mut own = vec![NONE; 256];
            for (len, n) in need_of.iter().enumerate() {
                if index::length_bucket(len as u8) == bucket {
                    own[len] = *n;
                }
            }
            let Some(&need) = own.iter().filter(|&&n| n != NONE).min() else { continue };
            if need == 0 {
                // Some length may share no gram at all: not on any list.
                continue;
            }
            let mut lists: Vec<Gram> =
                weights.iter().map(|(pair, &w)| (dfs[pair].0[i], dfs[pair].1 | i64::from(bucket), w)).collect();
            lists.sort_unstable();
            let cost = admission_cost(&lists, spec.total, need);
            if best.as_ref().is_none_or(|b| cost < b.0) {
                best = Some((cost, lists, Spec { need, ..spec }, own));
            }
        }
        let Some((cost, lists, spec, own)) = best else { continue };
        planned += cost;
        let mut left = spec.total;
        for &(df, key, w) in &lists {
            if left < spec.need {
                break;
            }
            if df > 0 {
                read.insert(key & !0xff, ());
            }
            left -= w;
        }
        // A chunk filter's survivors are checked against all the pairs too (below).
        let pair_lists: Vec<Gram> = if matches!(spec.filter, Filter::Chunks) {
            let mut all: Vec<Gram> =
                weights.iter().map(|(pair, &w)| (dfs[pair].0[i], dfs[pair].1 | i64::from(bucket), w)).collect();
            all.sort_unstable();
            all
        } else {
            Vec::new()
        };
        plans.push((lists, spec, own, pair_lists));
    }
    if budget.is_some_and(|b| planned > b) {
        return Ok(None);
    }
    // The pairs some bucket admits from: all their buckets in one range scan each (a
    // descent of the B-tree per list was the larger part of the time).
    for &base in read.keys() {
        if pre.scanned.contains_key(&base) {
            continue;
        }
        index::for_each_list_between(conn, base | i64::from(b0), base | i64::from(b1), |key, blob| pre.add(key, blob))?;
    }
    let mut all = Vec::new();
    let pair_spec = Spec { need: 0, ..spec };
    for (lists, spec, own, pair_lists) in &plans {
        let found = candidates(conn, &pre, lists, spec, own, scratch)?;
        if pair_lists.is_empty() {
            all.extend(found.into_iter().map(|(b, v, _)| (b, v)));
        } else {
            all.extend(confirm_pairs(conn, &pre, found, pair_lists, &pair_spec)?);
        }
    }
    all.sort_unstable_by(|a, b| b.cmp(a));
    PRELOADED.with(|p| *p.borrow_mut() = pre);
    Ok(Some(all))
}

/// Posting lists copied out of the database by range scans, by key.
#[derive(Default)]
struct Preloaded {
    lists: index::BlobsByKey,
    /// The pairs (bigram key with bucket byte 0) whose buckets of the window were all
    /// copied.
    scanned: HashMapId<i64, ()>,
}

impl Preloaded {
    fn clear(&mut self) {
        self.lists.clear();
        self.scanned.clear();
    }

    fn add(&mut self, key: i64, list: &[u8]) {
        self.lists.add(key, list);
    }

    /// [`index::with_list`], from the copy when `key` was preloaded.
    fn with_list(&self, conn: &Connection, key: i64, f: impl FnOnce(&[u8])) -> Result<()> {
        match self.lists.get(key) {
            Some(list) => {
                f(list);
                Ok(())
            }
            None => index::with_list(conn, key, f),
        }
    }
}

/// A length that cannot reach the threshold, in [`need_by_length`].
const NONE: u32 = u32::MAX;

/// Shared grams a candidate of each stored token count needs to reach `min` ([`NONE`]:
/// that length cannot, the length filter; 255 means "255 or more"). `spec.need` holds for
/// every length; a length far from the query's needs more, so its candidates are
/// admitted from fewer lists: at 75 % a candidate as long as a 42-character query needs 21
/// of its 41 character pairs, one a third longer 27.
///
/// Kept per thread by spec (a batch's queries share a few hundred of them): computed, the
/// three a Japanese lookup asks for were ~1.3 % of its instructions at 1M units.
fn need_by_length(spec: &Spec) -> Needs {
    let key = (spec.qlen, spec.total, spec.need, spec.min, spec.filter);
    NEEDS.with(|needs| {
        let mut needs = needs.borrow_mut();
        if let Some(n) = needs.get(&key) {
            return n.clone();
        }
        if needs.len() >= 4096 {
            needs.clear();
        }
        let n: Needs = needs_of_lengths(spec).into();
        needs.insert(key, n.clone());
        n
    })
}

thread_local! {
    /// [`need_by_length`]'s answers by (query tokens, total, need, min, filter).
    static NEEDS: std::cell::RefCell<std::collections::HashMap<NeedsKey, Needs>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// [`need_by_length`]'s answer: the shared grams needed by token count.
type Needs = std::rc::Rc<[u32]>;

/// What [`need_by_length`]'s answer depends on: query tokens, total, need, min, filter.
type NeedsKey = (usize, u32, u32, u8, Filter);

/// [`need_by_length`], computed.
fn needs_of_lengths(spec: &Spec) -> Vec<u32> {
    let (qlen, min) = (spec.qlen, spec.min);
    let window = length_window(qlen, min);
    (0..=255usize)
        .map(|cl| {
            let fits = window.contains(&cl)
                && (score::base_score(qlen.abs_diff(cl), qlen, cl) >= min
                    || (cl == 255 && qlen * 100 / usize::from(min) >= 255));
            if !fits {
                return NONE;
            }
            let by_bound = spec.least_shared(cl as u8).unwrap_or(NONE);
            by_bound.max(spec.need)
        })
        .collect()
}

/// The token counts (at most 255) among which are all those of stored sources a query of
/// `qlen` tokens can match at `min` (≥ 1) by the length filter, and a few more: a
/// source of `c ≤ qlen` tokens scores at most `100·c/qlen`, one of `c > qlen` at most
/// `100·qlen/c`. The exact test is then made only inside it (it divides, and three
/// specs a lookup asked it of all 256 counts: about 1 % of a Japanese lookup).
fn length_window(qlen: usize, min: u8) -> std::ops::RangeInclusive<usize> {
    let min = usize::from(min.max(1));
    // 255 stands for 255 tokens or more: a query longer than that can match it.
    let lo = (min * qlen / 100).saturating_sub(1).min(255);
    let hi = (100 * qlen / min + 1).min(255);
    lo..=hi
}

/// Least edits between a query of `q` tokens and a stored source of `c` tokens that share
/// at most `shared` of the query's `q − n + 1` token n-grams (q-gram lemma): a substitution
/// or a deletion destroys at most `n` of them and an insertion at most `n − 1`, so
/// `lost ≤ n·d − ins`, and a source `c − q` tokens longer needs that many insertions.
/// Only `n = 2` filters (the index posts pairs); `n = 3` is kept for the arithmetic of
/// trigrams (README "Fuzzy matching": at 75 % they must be shared far less, 8 of a
/// 40-token query's 38 against 19 of its 39 pairs, which is why they were not built).
fn qgram_edits(n: usize, q: usize, shared: usize, c: usize) -> usize {
    let lost = (q + 1).saturating_sub(n).saturating_sub(shared);
    (lost + c.saturating_sub(q)).div_ceil(n)
}

/// The counting filter's parameters.
#[derive(Clone, Copy)]
struct Spec {
    /// Query tokens.
    qlen: usize,
    /// Query grams (weight of all lists).
    total: u32,
    /// Shared grams needed to reach `min`.
    need: u32,
    min: u8,
    filter: Filter,
}

impl Spec {
    /// The fewest shared grams with which a candidate of `len` tokens can reach `min`
    /// (`None`: not even with all of them). The bound grows with the count, so a binary
    /// search finds it (a scan of every count was 2-3 % of a Japanese lookup: three specs
    /// and every length of the window per search).
    fn least_shared(&self, len: u8) -> Option<u32> {
        let (mut lo, mut hi) = (0u32, self.total + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.bound(mid, len) < self.min {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo <= self.total).then_some(lo)
    }

    /// Upper bound on the base score of a candidate sharing at most `shared` grams, with
    /// `len` tokens (255: 255 or more).
    fn bound(&self, shared: u32, len: u8) -> u8 {
        let q = self.qlen;
        let c = usize::from(len);
        let by_length = if len == 255 { 100 } else { score::base_score(q.abs_diff(c), q, c) };
        let by_count = match self.filter {
            // d ≥ longer − overlap, and the overlap is at most the shorter's length: with
            // the candidate's length known this is tighter than `overlap / |q|`.
            Filter::Tokens if len != 255 => {
                let longer = q.max(c);
                score::base_score(longer - (shared as usize).min(q).min(c), q, c)
            }
            Filter::Tokens => score::overlap_bound(shared as usize, q),
            Filter::Bigrams => {
                if len == 255 {
                    100
                } else {
                    score::base_score(qgram_edits(2, q, shared as usize, c), q, c)
                }
            }
            Filter::Chunks if len == 255 => 100,
            Filter::Chunks => {
                let edits = (self.total.saturating_sub(shared) as usize).max(q.abs_diff(c));
                score::base_score(edits, q, c)
            }
        };
        by_length.min(by_count)
    }
}

/// Candidates with their bound (≥ `min`) and token count, best bound first. `grams` are (document
/// frequency, key, weight in the query), rarest first; `need_of` is [`need_by_length`]
/// (lengths whose postings are not in `grams` may be [`NONE`]), `spec.need` its least.
fn candidates(
    conn: &Connection,
    pre: &Preloaded,
    grams: &[(u32, i64, u32)],
    spec: &Spec,
    need_of: &[u32],
    scratch: &mut Scratch,
) -> Result<Vec<(u8, u32, u8)>> {
    let (need, min) = (spec.need, spec.min);
    let mut remaining = spec.total;
    // Every id counted is on a list read while admitting.
    let (mut expected, mut left) = (0usize, remaining);
    for &(df, _, w) in grams {
        if left < need {
            break;
        }
        expected += df as usize;
        left -= w;
    }
    let counts = scratch;
    counts.reset(expected);
    let mut next = 0;
    // Admission: while an unseen variant of some length could still reach its need with
    // this gram and the ones after it, the variants of that length on the list are
    // candidates; the other postings only count for the candidates already admitted.
    while next < grams.len() && remaining >= need {
        let (df, key, w) = grams[next];
        next += 1;
        if df > 0 {
            pre.with_list(conn, key, |blob| {
                index::for_each_segment(blob, |seg| {
                    match seg {
                        Segment::Flat(b) => index::decode_until(b, |v, len| {
                            let n = need_of[usize::from(len)];
                            if n == NONE {
                                return true;
                            }
                            if remaining >= n {
                                counts.add(v, w, len);
                            } else {
                                counts.bump_if_seen(v, w);
                            }
                            true
                        }),
                        // A grouped list: the lengths the length filter drops are not read,
                        // nor those that no longer admit and have no candidate.
                        Segment::Group { len, ids, .. } => {
                            let n = need_of[usize::from(len)];
                            if n == NONE {
                            } else if remaining >= n {
                                counts.add_group(ids, w, len);
                            } else if counts.per_len[usize::from(len)] > 0 {
                                index::decode_ids(ids, |v| {
                                    counts.bump_if_seen(v, w);
                                    true
                                });
                            }
                        }
                    }
                    true
                })
            })?;
        }
        remaining -= w;
    }
    // From here on the candidates only shrink: those that can no longer reach their need
    // are dropped, and the table and bit filter are rebuilt to the rest.
    counts.retain(|c, len| c + remaining >= need_of[usize::from(len)]);
    // Refinement: reading more lists only tightens the candidates' bounds; worth it
    // while a list costs less to read than verifying the candidates it may rule out. The
    // candidates stay in the table (sorting them by id to merge them with the lists cost
    // more than the bit filter and a probe for the few postings that may be candidates).
    while next < grams.len() && !counts.cands.is_empty() {
        let (df, key, w) = grams[next];
        if df as usize > REFINE_PER_CANDIDATE * counts.cands.len() {
            break;
        }
        next += 1;
        if df == 0 {
            // No variant has the gram: nothing to read (the count it could add is gone).
            remaining -= w;
            counts.retain(|c, len| c + remaining >= need_of[usize::from(len)]);
            continue;
        }
        let last = counts.last;
        pre.with_list(conn, key, |blob| {
            index::for_each_segment(blob, |seg| {
                match seg {
                    Segment::Flat(b) => index::decode_until(b, |v, _| {
                        counts.bump_if_seen(v, w);
                        v < last
                    }),
                    // Only the lengths that have candidates, each up to its largest one.
                    Segment::Group { len, ids, .. } => {
                        let l = usize::from(len);
                        if counts.per_len[l] > 0 {
                            let last = counts.last_of[l];
                            index::decode_ids(ids, |v| {
                                counts.bump_if_seen(v, w);
                                v < last
                            });
                        }
                    }
                }
                true
            })
        })?;
        remaining -= w;
        counts.retain(|c, len| c + remaining >= need_of[usize::from(len)]);
    }
    let mut cands: Vec<(u8, u32, u8)> = counts
        .cands
        .iter()
        .map(|&(v, c, len)| (spec.bound(c + remaining, len), v, len))
        .filter(|&(b, _, _)| b >= min)
        .collect();
    cands.sort_unstable_by(|a, b| b.cmp(a));
    Ok(cands)
}

/// Add the gram's weight to the count of each candidate of `alive` ((token count, variant
/// id) first, shared grams third; sorted) that its list posts. A grouped list's group is
/// matched against the candidates of its length: a group much shorter than they are
/// searches them for each of its ids, a longer one is merged with them.
fn count_in_list(conn: &Connection, pre: &Preloaded, gram: Gram, alive: &mut [(u8, u32, u32, u8)]) -> Result<()> {
    let (df, key, w) = gram;
    if df == 0 || alive.is_empty() {
        return Ok(());
    }
    pre.with_list(conn, key, |blob| {
        index::for_each_segment(blob, |seg| {
            match seg {
                Segment::Flat(b) => index::decode_until(b, |v, len| {
                    if let Ok(i) = alive.binary_search_by(|a| (a.0, a.1).cmp(&(len, v))) {
                        alive[i].2 += w;
                    }
                    true
                }),
                Segment::Group { len, count, ids } => {
                    let lo = alive.partition_point(|a| a.0 < len);
                    let hi = lo + alive[lo..].partition_point(|a| a.0 == len);
                    let same = &mut alive[lo..hi];
                    if same.is_empty() {
                        return true;
                    }
                    let probe = (count as usize) * PROBE_RATIO < same.len();
                    let mut i = 0;
                    index::decode_ids(ids, |v| {
                        if probe {
                            i += same[i..].partition_point(|a| a.1 < v);
                        } else {
                            while i < same.len() && same[i].1 < v {
                                i += 1;
                            }
                        }
                        if i == same.len() {
                            return false;
                        }
                        if same[i].1 == v {
                            same[i].2 += w;
                        }
                        true
                    });
                }
            }
            true
        })
    })
}

/// The survivors of a chunk filter (bound, id, token count) checked against every pair of
/// the query in their bucket: the pair count is a second exact bound ([`Filter::Bigrams`]),
/// and the two filters' bounds are loose on different candidates. Measured at 1M units:
/// two thirds of the candidates verified came from chunk buckets, and most of those share
/// chunks with the query but too few of its pairs (a common pair in the wrong place).
/// `lists` are the bucket's pair lists rarest first; like the refinement, they are read
/// while cheap compared with verifying the candidates they may rule out. Best bound first.
fn confirm_pairs(
    conn: &Connection,
    pre: &Preloaded,
    found: Vec<(u8, u32, u8)>,
    lists: &[Gram],
    spec: &Spec,
) -> Result<Vec<(u8, u32)>> {
    // (token count, id, shared pairs, chunk bound), in (token count, id) order.
    let mut alive: Vec<(u8, u32, u32, u8)> = found.iter().map(|&(b, v, len)| (len, v, 0, b)).collect();
    alive.sort_unstable();
    let mut remaining = spec.total;
    for &(df, key, w) in lists {
        if alive.is_empty() || df as usize > CONFIRM_PER_CANDIDATE * alive.len() {
            break;
        }
        count_in_list(conn, pre, (df, key, w), &mut alive)?;
        remaining -= w;
        alive.retain(|&(len, _, c, _)| spec.bound(c + remaining, len) >= spec.min);
    }
    let mut cands: Vec<(u8, u32)> =
        alive.iter().map(|&(len, v, c, b)| (b.min(spec.bound(c + remaining, len)), v)).collect();
    cands.sort_unstable_by(|a, b| b.cmp(a));
    Ok(cands)
}

/// The exact top-k by scoring every variant in the query's language: the reference the
/// index must equal, and the benchmark's baseline.
pub fn brute_force(conn: &Connection, q: &Query, p: &Params<'_>) -> Result<Vec<Hit>> {
    let min = p.min_score.max(1);
    let mut top = TopK { limit: p.limit, min, hits: Vec::new() };
    if q.classes.is_empty() || p.limit == 0 {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached("SELECT id, lang, norm FROM variant WHERE lang_base = ?1")?;
    let mut rows = stmt.query([q.lang.base()])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if let Some(hit) = evaluate(conn, q, id, text_at(row, 1)?, text_at(row, 2)?, top.floor())? {
            consider(conn, &mut top, hit, p.to)?;
        }
    }
    Ok(top.hits)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The shared-bigram count the index gives a candidate: the query weight of every
    /// distinct query bigram the candidate contains.
    fn shared(q: &[u64], c: &[u64]) -> u32 {
        let mut weights: HashMapId<(u64, u64), u32> = HashMapId::default();
        for w in q.windows(2) {
            *weights.entry((w[0], w[1])).or_insert(0) += 1;
        }
        let have: std::collections::HashSet<(u64, u64)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        weights.iter().filter(|(k, _)| have.contains(k)).map(|(_, &w)| w).sum()
    }

    /// [`shared`] for n-grams of any length.
    fn shared_n(n: usize, q: &[u64], c: &[u64]) -> usize {
        let mut weights: std::collections::HashMap<&[u64], usize> = std::collections::HashMap::new();
        for w in q.windows(n) {
            *weights.entry(w).or_insert(0) += 1;
        }
        let have: std::collections::HashSet<&[u64]> = c.windows(n).collect();
        weights.iter().filter(|(k, _)| have.contains(*k)).map(|(_, &w)| w).sum()
    }

    /// Shared n-grams a stored source of any length the 75 % length filter keeps needs
    /// with a query of `q` tokens (the least over those lengths).
    fn need_at_75(n: usize, q: usize) -> usize {
        (0..255usize)
            .filter(|&c| score::base_score(q.abs_diff(c), q, c) >= 75)
            .filter_map(|c| (0..=q + 1 - n).find(|&x| score::base_score(qgram_edits(n, q, x, c), q, c) >= 75))
            .min()
            .unwrap_or(0)
    }

    /// The candidate table counts any id (0 and the largest included), keeps counting
    /// after it grows and after the candidates are pruned, and ignores ids it never admitted.
    #[test]
    fn scratch_counts_every_id_through_growth_and_pruning() {
        let mut s = Scratch::default();
        s.reset(4);
        for id in [0, u32::MAX, 7, 1 << 31] {
            s.add(id, 1, 3);
        }
        // Past half of its slots: the table grows.
        for id in 0..200u32 {
            s.add(id * 3, 2, 5);
        }
        s.bump_if_seen(u32::MAX, 5);
        s.bump_if_seen(123_456_788, 5);
        let count = |s: &Scratch, id: u32| s.cands.iter().find(|c| c.0 == id).map(|c| c.1);
        assert_eq!(count(&s, u32::MAX), Some(6));
        assert_eq!(count(&s, 0), Some(3));
        assert_eq!(count(&s, 7), Some(1));
        assert_eq!(count(&s, 123_456_788), None);
        assert_eq!(s.cands.len(), 203);
        s.retain(|c, _| c >= 3);
        assert_eq!(count(&s, 7), None);
        assert_eq!(s.last, u32::MAX);
        s.bump_if_seen(0, 1);
        s.bump_if_seen(7, 1);
        assert_eq!(count(&s, 0), Some(4));
        assert_eq!(count(&s, 7), None);
        assert_eq!(count(&s, 597), None);
        assert_eq!(s.cands.len(), 2);
    }

    /// The arithmetic that decided against trigrams: at 75 % a source must share about half
    /// of the query's pairs but only a fifth of its trigrams, and a short query's trigram
    /// need drops below the two shared grams a filter needs.
    #[test]
    fn trigrams_must_be_shared_far_less_than_pairs_at_75() {
        assert_eq!((need_at_75(2, 40), need_at_75(3, 40)), (19, 8));
        assert_eq!((need_at_75(2, 20), need_at_75(3, 20)), (9, 3));
        assert_eq!((need_at_75(2, 12), need_at_75(3, 12)), (5, 1));
        assert_eq!((need_at_75(2, 80), need_at_75(3, 80)), (39, 18));
        // The pair need agrees with what the lookup uses.
        assert_eq!(bigram_need(40, 75, 0), 19);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Every token count the length filter keeps is inside the window.
        #[test]
        fn length_window_holds_every_length_that_fits(qlen in 1usize..400, min in 1u8..=100) {
            let window = length_window(qlen, min);
            for c in 0..=255usize {
                if score::base_score(qlen.abs_diff(c), qlen, c) >= min {
                    prop_assert!(window.contains(&c), "{c} of {qlen} at {min}");
                }
            }
            if qlen * 100 / usize::from(min) >= 255 {
                prop_assert!(window.contains(&255));
            }
        }

        /// The binary search for the least shared count finds what a scan of every count
        /// finds, for each filter, length and threshold.
        #[test]
        fn least_shared_is_the_first_count_reaching_min(
            qlen in 2usize..120,
            len in 0u8..=255,
            min in 1u8..=100,
            filter in 0usize..3,
        ) {
            let (filter, total) = match filter {
                0 => (Filter::Tokens, qlen as u32),
                1 => (Filter::Bigrams, qlen as u32 - 1),
                _ => (Filter::Chunks, qlen as u32 / 2),
            };
            let spec = Spec { qlen, total, need: 0, min, filter };
            let scan = (0..=total).find(|&x| spec.bound(x, len) >= min);
            prop_assert_eq!(spec.least_shared(len), scan);
        }

        /// The bigram bound never falls below the true score, whichever sequence is
        /// longer (a small alphabet makes repeated and accidentally shared pairs common).
        #[test]
        fn bigram_bound_is_an_upper_bound(
            q in proptest::collection::vec(0u64..4, 2..30),
            c in proptest::collection::vec(0u64..4, 0..40),
        ) {
            let spec = Spec { qlen: q.len(), total: (q.len() - 1) as u32, need: 0, min: 1, filter: Filter::Bigrams };
            let real = score::base_score(Pattern::new(&q).distance(&c), q.len(), c.len());
            prop_assert!(spec.bound(shared(&q, &c), c.len() as u8) >= real);
        }

        /// The q-gram lemma behind the pair filter holds for trigrams too: the edits it
        /// proves never exceed the true distance.
        #[test]
        fn trigram_edits_are_a_lower_bound(
            q in proptest::collection::vec(0u64..4, 3..30),
            c in proptest::collection::vec(0u64..4, 0..40),
        ) {
            let real = Pattern::new(&q).distance(&c);
            prop_assert!(qgram_edits(3, q.len(), shared_n(3, &q, &c), c.len()) <= real);
            prop_assert!(qgram_edits(2, q.len(), shared_n(2, &q, &c), c.len()) <= real);
        }

        /// The chunk bound never falls below the true score, from either starting token.
        #[test]
        fn chunk_bound_is_an_upper_bound(
            q in proptest::collection::vec(0u64..4, 2..30),
            c in proptest::collection::vec(0u64..4, 0..40),
            start in 0usize..2,
        ) {
            let chunks: Vec<u64> = q.windows(2).skip(start).step_by(2).map(|w| w[0] * 8 + w[1]).collect();
            let have: std::collections::HashSet<u64> = c.windows(2).map(|w| w[0] * 8 + w[1]).collect();
            // The index's count: each chunk whose pair the candidate contains, with multiplicity.
            let shared = chunks.iter().filter(|p| have.contains(p)).count() as u32;
            let spec = Spec { qlen: q.len(), total: chunks.len() as u32, need: 0, min: 1, filter: Filter::Chunks };
            let real = score::base_score(Pattern::new(&q).distance(&c), q.len(), c.len());
            prop_assert!(spec.bound(shared, c.len() as u8) >= real);
        }
    }
}
