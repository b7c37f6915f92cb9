//! A bilingual lexicon learnt from the memory's own pairs: which content tokens of one
//! language co-occur with which of the other (Dice coefficient), so the aligner can tell
//! a real translation from a sentence of the right length.
//!
//! Tokens are what survives translation as a unit: English (and other spaced-script) words,
//! lower-cased, without stop words and a plural `s`; Japanese/Chinese kanji bigrams and
//! katakana runs; Korean words cut to their first two syllables (a rough stem: particles
//! and endings follow it).

use std::collections::HashMap;

use crate::error::Result;
use crate::lang::{Lang, Script, is_hangul};
use crate::tm::{ExportFilter, TranslationMemory};

/// Fewest co-occurrences for a link: two in a small memory, three from
/// [`MANY_PAIRS`] pairs on, where two chance meetings of unrelated tokens are common.
const MIN_JOINT: u32 = 2;
/// See [`MIN_JOINT`].
const MANY_PAIRS: usize = 300;
/// Lowest Dice coefficient kept.
const MIN_DICE: f32 = 0.2;
/// Links kept per source token.
const MAX_LINKS: usize = 8;
/// Pairs read from a memory at most (the newest are as good as all for a lexicon).
const MAX_PAIRS: usize = 200_000;

/// A fast hasher for integer keys (the Firefox/rustc "Fx" multiply-rotate), and for token
/// bytes eight at a time (see [`token_key`]): the maps are hit millions of times, where
/// SipHash's DoS resistance buys nothing.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        // A product's low bits depend only on the low bits of its factors, and the hash
        // table picks its bucket by the low bits: rotated, they come from the well-mixed
        // middle (token keys of kanji bigrams differ mostly in their high bytes).
        self.0.rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let mut last = 0u64;
        for (k, &b) in chunks.remainder().iter().enumerate() {
            last |= u64::from(b) << (8 * k);
        }
        self.write_u64(last ^ (bytes.len() as u64) << 56);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A `HashMap` with [`FxHasher`], for integer keys.
pub type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// Token ids of one sentence: those the lexicon knows, sorted and deduplicated.
pub type Tokens = Vec<u32>;

/// A lexicon for one ordered language pair.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    src_script: Option<Script>,
    tgt_script: Option<Script>,
    /// Token ids by [`token_key`].
    src_vocab: FxMap<u64, u32>,
    tgt_vocab: FxMap<u64, u32>,
    /// The target partners of each source token id with their Dice coefficient, sorted by
    /// id: those of `x` at `links[link_start[x]..link_start[x + 1]]` (one array: the DP
    /// reads the links of every token of a document).
    links: Vec<(u32, f32)>,
    link_start: Vec<u32>,
    /// For each target token id, whether it is a partner of some source token.
    used_tgt: Vec<bool>,
    pairs: usize,
}

impl Lexicon {
    /// Learn from sentence pairs of `src` → `tgt` text.
    pub fn learn<'a>(src: &Lang, tgt: &Lang, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Lexicon {
        let (ss, ts) = (src.script(), tgt.script());
        let mut src_vocab = Vocab::new(ss);
        let mut tgt_vocab = Vocab::new(ts);
        let docs: Vec<(Tokens, Tokens)> =
            pairs.into_iter().map(|(s, t)| (src_vocab.ids(s), tgt_vocab.ids(t))).collect();
        Lexicon::learn_ids(src_vocab, tgt_vocab, docs.iter().map(|(a, b)| (a.as_slice(), b.as_slice())))
    }

    /// Learn from sentence pairs already interned in `src_vocab` and `tgt_vocab` (sorted,
    /// deduplicated ids, as [`Vocab::ids`] gives). The lexicon keeps the vocabularies' ids,
    /// so ids interned before stay valid: see [`Lexicon::known_src`].
    pub fn learn_ids<'a>(
        src_vocab: Vocab,
        tgt_vocab: Vocab,
        pairs: impl IntoIterator<Item = (&'a [u32], &'a [u32])> + Clone,
    ) -> Lexicon {
        Lexicon::learn_weighted(src_vocab, tgt_vocab, pairs.into_iter().map(|(a, b)| (a, b, 1)).collect::<Vec<_>>())
    }

    /// [`Lexicon::learn_ids`] from distinct pairs, each with how many times it occurs: the
    /// same lexicon as from the pairs repeated, learnt once per distinct pair.
    pub fn learn_weighted(src_vocab: Vocab, tgt_vocab: Vocab, pairs: Vec<(&[u32], &[u32], u32)>) -> Lexicon {
        let (ss, ts) = (src_vocab.script, tgt_vocab.script);
        let (mut src_vocab, mut tgt_vocab) = (src_vocab.map, tgt_vocab.map);
        let mut fs = vec![0u32; src_vocab.len()];
        let mut ft = vec![0u32; tgt_vocab.len()];
        // Distinct pairs each source token occurs in: the length of its posting list.
        let mut occurs = vec![0u32; src_vocab.len()];
        let mut n_pairs = 0;
        for &(a, b, w) in &pairs {
            n_pairs += w as usize;
            for &x in a {
                fs[x as usize] += w;
                occurs[x as usize] += 1;
            }
            for &y in b {
                ft[y as usize] += w;
            }
        }
        let min_joint = if n_pairs >= MANY_PAIRS { MIN_JOINT + 1 } else { MIN_JOINT };
        // Joint counts per source token over its pairs (an inverted index), into a dense
        // counter over target ids: no hashing in the quadratic part. A token seen fewer
        // than min_joint times cannot co-occur that often and is left out of it.
        let mut posting_start = vec![0usize; src_vocab.len() + 1];
        for x in 0..fs.len() {
            posting_start[x + 1] = posting_start[x] + if fs[x] >= min_joint { occurs[x] as usize } else { 0 };
        }
        let mut postings = vec![0u32; posting_start[src_vocab.len()]];
        let mut filled = posting_start.clone();
        let mut targets: Vec<u32> = Vec::new();
        let mut target_start: Vec<usize> = vec![0];
        for (k, &(a, b, _)) in pairs.iter().enumerate() {
            for &x in a.iter().filter(|&&x| fs[x as usize] >= min_joint) {
                postings[filled[x as usize]] = k as u32;
                filled[x as usize] += 1;
            }
            targets.extend(b.iter().copied().filter(|&y| ft[y as usize] >= min_joint));
            target_start.push(targets.len());
        }
        // Each source token's links, one after another: `links[link_start[x]..link_start[x + 1]]`.
        let mut links: Vec<(u32, f32)> = Vec::new();
        let mut link_start: Vec<u32> = Vec::with_capacity(src_vocab.len() + 1);
        link_start.push(0);
        let mut joint = vec![0u32; tgt_vocab.len()];
        let mut touched: Vec<u32> = Vec::new();
        for x in 0..src_vocab.len() {
            let start = links.len();
            for &k in &postings[posting_start[x]..posting_start[x + 1]] {
                let w = pairs[k as usize].2;
                for &y in &targets[target_start[k as usize]..target_start[k as usize + 1]] {
                    if joint[y as usize] == 0 {
                        touched.push(y);
                    }
                    joint[y as usize] += w;
                }
            }
            for &y in &touched {
                let n = std::mem::take(&mut joint[y as usize]);
                if n < min_joint {
                    continue;
                }
                let dice = 2.0 * n as f32 / (fs[x] + ft[y as usize]) as f32;
                if dice >= MIN_DICE {
                    links.push((y, dice));
                }
            }
            touched.clear();
            // The MAX_LINKS best (highest Dice, then lowest id: a total order, so the set is
            // the one a full sort would keep), selected without sorting the rest; then by id.
            let l = &mut links[start..];
            if l.len() > MAX_LINKS {
                l.select_nth_unstable_by(MAX_LINKS - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                links.truncate(start + MAX_LINKS);
            }
            links[start..].sort_unstable_by_key(|p| p.0);
            link_start.push(links.len() as u32);
        }
        // Forget tokens without links: they only slow the lookups down.
        src_vocab.retain(|_, id| link_start[*id as usize] < link_start[*id as usize + 1]);
        let mut used_tgt = vec![false; tgt_vocab.len()];
        for &(y, _) in &links {
            used_tgt[y as usize] = true;
        }
        tgt_vocab.retain(|_, id| used_tgt[*id as usize]);
        Lexicon {
            src_script: Some(ss),
            tgt_script: Some(ts),
            src_vocab,
            tgt_vocab,
            links,
            link_start,
            used_tgt,
            pairs: n_pairs,
        }
    }

    /// Whether source id `x` (of the vocabulary the lexicon was learnt with) has links.
    pub fn known_src(&self, x: u32) -> bool {
        !self.links(x).is_empty()
    }

    /// Whether target id `y` (of the vocabulary the lexicon was learnt with) is a partner.
    pub fn known_tgt(&self, y: u32) -> bool {
        self.used_tgt.get(y as usize).copied().unwrap_or(false)
    }

    /// Learn from the memory's units that have variants in both languages (region
    /// fallback: `ja` reads `ja-JP` too). Also returns their lengths for the length model.
    pub fn from_memory(tm: &TranslationMemory, src: &Lang, tgt: &Lang) -> Result<(Lexicon, Vec<(f64, f64)>)> {
        let texts = pairs_from_memory(tm, src, tgt)?;
        let lengths = texts
            .iter()
            .map(|(a, b)| {
                (
                    crate::text::strip_whitespace(a).chars().count() as f64,
                    crate::text::strip_whitespace(b).chars().count() as f64,
                )
            })
            .collect();
        let lex = Lexicon::learn(src, tgt, texts.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        Ok((lex, lengths))
    }

    /// Whether the lexicon knows nothing (an empty or tiny memory).
    pub fn is_empty(&self) -> bool {
        self.src_vocab.is_empty()
    }

    /// How many pairs it was learnt from.
    pub fn pairs(&self) -> usize {
        self.pairs
    }

    /// The known source-token ids of a source sentence.
    pub fn src_tokens(&self, text: &str) -> Tokens {
        self.ids(text, self.src_script, &self.src_vocab)
    }

    /// The known target-token ids of a target sentence.
    pub fn tgt_tokens(&self, text: &str) -> Tokens {
        self.ids(text, self.tgt_script, &self.tgt_vocab)
    }

    fn ids(&self, text: &str, script: Option<Script>, vocab: &FxMap<u64, u32>) -> Tokens {
        if vocab.is_empty() {
            return Vec::new();
        }
        let mut ids: Vec<u32> = Vec::new();
        each_token(text, script.unwrap_or(Script::Spaced), &mut String::new(), &mut |t| {
            if let Some(&id) = vocab.get(&token_key(t)) {
                ids.push(id);
            }
        });
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The target partners of source id `x`, sorted by id, with their Dice coefficients.
    pub fn links(&self, x: u32) -> &[(u32, f32)] {
        match (self.link_start.get(x as usize), self.link_start.get(x as usize + 1)) {
            (Some(&a), Some(&b)) => &self.links[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Which of the (first 64) tokens of source line `src` have a partner in target line
    /// `tgt`, as a bit mask (bit k: token k of `src`).
    pub fn match_mask(&self, src: &[u32], tgt: &[u32]) -> u64 {
        let mut mask = 0u64;
        for (k, &x) in src.iter().take(64).enumerate() {
            if self.links(x).iter().any(|(y, _)| tgt.binary_search(y).is_ok()) {
                mask |= 1 << k;
            }
        }
        mask
    }

    /// Of the source tokens in `src` (one or more sentences' ids), how many have a partner
    /// in `tgt`, and how many there are.
    pub fn matched(&self, src: &[&Tokens], tgt: &[&Tokens]) -> (usize, usize) {
        let mut hit = 0;
        let mut total = 0;
        for toks in src {
            for &x in toks.iter() {
                total += 1;
                let links = self.links(x);
                if tgt.iter().any(|t| links.iter().any(|(y, _)| t.binary_search(y).is_ok())) {
                    hit += 1;
                }
            }
        }
        (hit, total)
    }
}

/// The `(src, tgt)` plain texts of the memory's units that have both languages (at most
/// 200,000, in insertion order).
pub fn pairs_from_memory(tm: &TranslationMemory, src: &Lang, tgt: &Lang) -> Result<Vec<(String, String)>> {
    let mut texts: Vec<(String, String)> = Vec::new();
    let filter = ExportFilter { langs: vec![src.clone(), tgt.clone()], ..Default::default() };
    tm.export(&filter, &mut |unit| {
        if texts.len() < MAX_PAIRS
            && let (Some(a), Some(b)) = (unit.variant(src), unit.variant(tgt))
        {
            texts.push((a.plain.clone(), b.plain.clone()));
        }
        Ok(())
    })?;
    Ok(texts)
}

/// English stop words (and frequent function words) that carry no alignment signal, sorted
/// (see [`is_stop`]).
const STOP: &[&str] = &[
    "about", "after", "all", "also", "and", "any", "are", "because", "been", "being", "both", "but", "can", "could",
    "each", "for", "from", "had", "has", "have", "her", "his", "how", "into", "its", "just", "may", "more", "most",
    "not", "one", "only", "other", "our", "out", "over", "own", "said", "same", "she", "should", "some", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "very", "was", "well",
    "were", "what", "when", "where", "which", "who", "will", "with", "would", "you", "your",
];

/// The key a token is known by: a 64-bit hash of its bytes, so that the vocabulary holds
/// no strings and a lookup compares no bytes. Tokens shorter than 8 bytes (kanji bigrams,
/// hangul stems, short words) never share a key, since the hash is one multiplication by an
/// odd number there; longer ones could, with odds of about 2⁻⁶⁴ a pair, which would merely
/// merge two tokens.
pub fn token_key(token: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = FxHasher::default();
    h.write(token.as_bytes());
    h.finish()
}

/// Token ids of one language: each distinct content token gets the next id. Batch
/// alignment interns every line once and learns (and looks up) on the ids.
#[derive(Debug, Clone)]
pub struct Vocab {
    script: Script,
    /// Ids by [`token_key`].
    map: FxMap<u64, u32>,
    buf: String,
}

impl Vocab {
    /// An empty vocabulary for text in `script`.
    pub fn new(script: Script) -> Vocab {
        Vocab { script, map: FxMap::default(), buf: String::new() }
    }

    /// The ids of the content tokens of `text` (new tokens are added), sorted, deduplicated.
    pub fn ids(&mut self, text: &str) -> Tokens {
        let mut ids = Vec::new();
        self.ids_into(text, &mut ids);
        ids
    }

    /// [`Vocab::ids`] appended to `out`.
    pub fn ids_into(&mut self, text: &str, out: &mut Vec<u32>) {
        let (map, start) = (&mut self.map, out.len());
        each_token(text, self.script, &mut self.buf, &mut |t| {
            let n = map.len() as u32;
            let id = *map.entry(token_key(t)).or_insert(n);
            out.push(id);
        });
        out[start..].sort_unstable();
        let mut end = start;
        for k in start..out.len() {
            if k == start || out[k] != out[end - 1] {
                out[end] = out[k];
                end += 1;
            }
        }
        out.truncate(end);
    }
}

/// The token ids of many lines in one array (a batch interns thousands of lines: one
/// allocation each was a tenth of a batch's allocations): list `k` is
/// `ids[at[k]..at[k + 1]]`.
#[derive(Debug, Clone)]
pub struct TokenLists {
    ids: Vec<u32>,
    at: Vec<u32>,
}

impl Default for TokenLists {
    fn default() -> Self {
        TokenLists { ids: Vec::new(), at: vec![0] }
    }
}

impl TokenLists {
    /// Intern `text` with `vocab` as the next list; returns its index.
    pub fn push(&mut self, vocab: &mut Vocab, text: &str) -> u32 {
        vocab.ids_into(text, &mut self.ids);
        self.at.push(self.ids.len() as u32);
        self.at.len() as u32 - 2
    }

    /// List `k`.
    pub fn get(&self, k: u32) -> &[u32] {
        &self.ids[self.at[k as usize] as usize..self.at[k as usize + 1] as usize]
    }

    /// Keep in every list only the ids that pass `keep`.
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        let mut end = 0;
        let mut from = 0;
        for k in 1..self.at.len() {
            let to = self.at[k] as usize;
            for i in from..to {
                if keep(self.ids[i]) {
                    self.ids[end] = self.ids[i];
                    end += 1;
                }
            }
            from = to;
            self.at[k] = end as u32;
        }
        self.ids.truncate(end);
    }
}

/// Whether `w` (lower-cased) is in [`STOP`]: every stop word fits in 8 bytes, so a word is
/// packed into an integer and looked up in an open-addressing table built once (one probe
/// for most words: the tokenizer asks for every word of every English line).
fn is_stop(w: &str) -> bool {
    w.len() <= 8 && is_stop_packed(pack(w.as_bytes()))
}

/// The bytes of a word of at most 8 bytes as an integer (first byte lowest), never 0 for a
/// non-empty word.
fn pack(b: &[u8]) -> u64 {
    b.iter().rev().fold(0u64, |acc, &c| acc << 8 | u64::from(c))
}

/// Slots of [`is_stop_packed`]'s table: a power of two, well over twice [`STOP`]'s size.
const STOP_SLOTS: usize = 256;

fn stop_slot(k: u64) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % STOP_SLOTS
}

/// [`is_stop`] of a packed word.
fn is_stop_packed(k: u64) -> bool {
    static TABLE: std::sync::OnceLock<[u64; STOP_SLOTS]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u64; STOP_SLOTS];
        for w in STOP {
            let k = pack(w.as_bytes());
            let mut at = stop_slot(k);
            while t[at] != 0 {
                at = (at + 1) % STOP_SLOTS;
            }
            t[at] = k;
        }
        t
    });
    let mut at = stop_slot(k);
    loop {
        match table[at] {
            0 => return false,
            x if x == k => return true,
            _ => at = (at + 1) % STOP_SLOTS,
        }
    }
}

/// [`each_token`] for an ASCII line of a spaced script: the same words, split and
/// lower-cased byte by byte.
fn each_ascii_word(text: &str, buf: &mut String, f: &mut dyn FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        if !(bytes[k].is_ascii_alphanumeric() || bytes[k] == b'\'') {
            k += 1;
            continue;
        }
        let start = k;
        let (mut letter, mut upper) = (false, false);
        while k < bytes.len() && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'\'') {
            letter |= bytes[k].is_ascii_alphabetic();
            upper |= bytes[k].is_ascii_uppercase();
            k += 1;
        }
        let (mut a, mut b) = (start, k);
        while a < b && bytes[a] == b'\'' {
            a += 1;
        }
        while b > a && bytes[b - 1] == b'\'' {
            b -= 1;
        }
        let w = &text[a..b];
        if w.len() < 3 || (!letter && w.bytes().all(|c| c.is_ascii_digit())) {
            continue;
        }
        // Copied only to be lower-cased.
        let w = if upper {
            buf.clear();
            buf.push_str(w);
            buf.make_ascii_lowercase();
            buf.as_str()
        } else {
            w
        };
        if is_stop(w) {
            continue;
        }
        let w = w.strip_suffix("'s").unwrap_or(w);
        let w = if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") { &w[..w.len() - 1] } else { w };
        f(w);
    }
}

/// The content tokens of `text` in `script`.
pub fn tokens(text: &str, script: Script) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, script, &mut String::new(), &mut |t| out.push(t.to_string()));
    out
}

/// Call `f` with each content token of `text` in `script`, in order (`buf` is scratch space,
/// so that a token costs no allocation).
fn each_token(text: &str, script: Script, buf: &mut String, f: &mut dyn FnMut(&str)) {
    match script {
        Script::Spaced | Script::NoSpaces => {
            // Most English lines are ASCII: split and lower-cased as bytes.
            let ascii = text.is_ascii();
            if ascii {
                each_ascii_word(text, buf, f);
                return;
            }
            let words = text.split(move |c: char| {
                if ascii { !c.is_ascii_alphanumeric() && c != '\'' } else { !c.is_alphanumeric() && c != '\'' }
            });
            for w in words {
                let w = w.trim_matches('\'');
                buf.clear();
                if w.is_ascii() {
                    buf.push_str(w);
                    buf.make_ascii_lowercase();
                } else {
                    buf.extend(w.chars().flat_map(char::to_lowercase));
                }
                let w = buf.as_str();
                if w.chars().nth(2).is_none() || w.bytes().all(|c| c.is_ascii_digit()) || is_stop(w) {
                    continue;
                }
                let w = w.strip_suffix("'s").unwrap_or(w);
                let w = if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") { &w[..w.len() - 1] } else { w };
                f(w);
            }
        }
        Script::Japanese | Script::Chinese => {
            // Byte offsets of a run's characters, so bigrams are slices of `text`.
            let mut at = text.char_indices().peekable();
            while let Some((start, c)) = at.next() {
                if is_katakana(c) {
                    let mut end = start + c.len_utf8();
                    let mut n = 1;
                    while let Some(&(k, d)) = at.peek()
                        && is_katakana(d)
                    {
                        end = k + d.len_utf8();
                        n += 1;
                        at.next();
                    }
                    if n >= 2 {
                        f(&text[start..end]);
                    }
                } else if is_han(c) {
                    let mut prev = start;
                    let mut n = 1;
                    while let Some(&(k, d)) = at.peek()
                        && is_han(d)
                    {
                        f(&text[prev..k + d.len_utf8()]);
                        prev = k;
                        n += 1;
                        at.next();
                    }
                    if n == 1 {
                        f(&text[start..start + c.len_utf8()]);
                    }
                }
            }
        }
        Script::Korean => {
            for w in text.split(|c: char| !is_hangul(c)) {
                let end = w.char_indices().nth(2).map_or(w.len(), |(k, _)| k);
                if end > 0 {
                    f(&w[..end]);
                }
            }
        }
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::formats::ReadItem;
    use crate::tm::{ImportOptions, Unit, Variant};

    #[test]
    fn token_lists_hold_each_lines_ids_and_filter_them() {
        let mut vocab = Vocab::new(Script::Spaced);
        let mut lists = TokenLists::default();
        let lines = ["Tokyo markets rallied.", "", "Markets in Tokyo and Seoul rallied again.", "Seoul"];
        let at: Vec<u32> = lines.iter().map(|l| lists.push(&mut vocab, l)).collect();
        assert_eq!(at, [0, 1, 2, 3]);
        let mut fresh = Vocab::new(Script::Spaced);
        let each: Vec<Tokens> = lines.iter().map(|l| fresh.ids(l)).collect();
        for (k, ids) in each.iter().enumerate() {
            assert_eq!(lists.get(k as u32), ids.as_slice(), "{k}");
        }
        assert!(lists.get(1).is_empty());
        let odd = |x: u32| x % 2 == 1;
        lists.retain(odd);
        for (k, ids) in each.iter().enumerate() {
            let kept: Vec<u32> = ids.iter().copied().filter(|&x| odd(x)).collect();
            assert_eq!(lists.get(k as u32), kept.as_slice(), "{k}");
        }
    }

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    #[test]
    fn stop_words_are_sorted_and_found() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP.iter().all(|w| is_stop(w)));
        assert!(!is_stop("government") && !is_stop("th") && !is_stop("thes"));
    }

    #[test]
    fn ascii_words_as_the_unicode_split_reads_them() {
        // A trailing non-ASCII word too short to be a token sends a line down the general path.
        for line in [
            "The Ministers' plans: 'quoted' words, CNN's 2,500 reports (ISSUES) and class boss's 123abc.",
            "it's Mr. O'Neil's ''' a ab abc abcs abcde abcdes don't 2024 x1y",
            "",
        ] {
            assert_eq!(tokens(line, Script::Spaced), tokens(&format!("{line} é"), Script::Spaced), "{line}");
        }
    }

    #[test]
    fn weighted_pairs_learn_what_repeated_pairs_do() {
        let texts = [
            ("政府は予算を決めた。", "The government decided the budget."),
            ("政府が発表した。", "The government announced it."),
            ("予算は大きい。", "The budget is large."),
            ("地震で政府が動いた。", "The government acted after the earthquake."),
        ];
        let times = [3u32, 1, 2, 4];
        let intern = || {
            let mut sv = Vocab::new(Script::Japanese);
            let mut tv = Vocab::new(Script::Spaced);
            let ids: Vec<(Tokens, Tokens)> = texts.iter().map(|(a, b)| (sv.ids(a), tv.ids(b))).collect();
            (sv, tv, ids)
        };
        let (sv, tv, ids) = intern();
        let repeated: Vec<(&[u32], &[u32])> = ids
            .iter()
            .zip(times)
            .flat_map(|((a, b), n)| std::iter::repeat_n((a.as_slice(), b.as_slice()), n as usize))
            .collect();
        let once = Lexicon::learn_ids(sv, tv, repeated);
        let (sv, tv, ids) = intern();
        let weighted = ids.iter().zip(times).map(|((a, b), n)| (a.as_slice(), b.as_slice(), n)).collect();
        let twice = Lexicon::learn_weighted(sv, tv, weighted);
        assert_eq!(once.pairs(), 10);
        assert_eq!(twice.pairs(), 10);
        assert!(!once.is_empty());
        for x in 0..32 {
            assert_eq!(once.links(x), twice.links(x));
            assert_eq!(once.known_tgt(x), twice.known_tgt(x));
        }
    }

    #[test]
    fn token_keys_differ() {
        let words = ["政府", "政策", "정부", "govern", "government", "governments", "a", "ab", "ba"];
        let mut keys: Vec<u64> = words.iter().map(|w| token_key(w)).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), words.len());
    }

    #[test]
    fn tokens_per_script() {
        assert_eq!(tokens("The Ministers said its plans", Script::Spaced), ["minister", "plan"]);
        assert_eq!(tokens("政府はコロナ対策を", Script::Japanese), ["政府", "コロナ", "対策"]);
        assert_eq!(tokens("정부는 대책을", Script::Korean), ["정부", "대책"]);
    }

    #[test]
    fn learns_links_from_the_memory() {
        let (ja, en) = (lang("ja"), lang("en"));
        let mut tm = TranslationMemory::open_in_memory().unwrap();
        let pairs = [
            ("政府は予算を決めた。", "The government decided the budget."),
            ("政府が発表した。", "The government announced it."),
            ("予算は大きい。", "The budget is large."),
            ("地震があった。", "There was an earthquake."),
            ("地震で政府が動いた。", "The government acted after the earthquake."),
            ("地震は強かった。", "The earthquake was strong."),
        ];
        let units: Vec<_> = pairs
            .iter()
            .map(|(a, b)| {
                Ok(ReadItem::Unit(Unit::new(vec![
                    Variant::from_plain(ja.clone(), a),
                    Variant::from_plain(en.clone(), b),
                ])))
            })
            .collect();
        tm.import(units, &ImportOptions::default()).unwrap();
        let (lex, lengths) = Lexicon::from_memory(&tm, &ja, &en).unwrap();
        assert_eq!(lex.pairs(), 6);
        assert_eq!(lengths.len(), 6);
        let s = lex.src_tokens("政府と地震");
        let good = lex.tgt_tokens("the government and the earthquake");
        let bad = lex.tgt_tokens("a budget");
        assert_eq!(lex.matched(&[&s], &[&good]), (2, 2));
        assert_eq!(lex.matched(&[&s], &[&bad]).0, 0);
        // The other direction is learnt from the same units.
        let (rev, _) = Lexicon::from_memory(&tm, &en, &ja).unwrap();
        assert!(!rev.is_empty());
    }
}
