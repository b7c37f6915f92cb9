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

/// Fewest co-occurrences for a link.
const MIN_JOINT: u32 = 2;
/// Lowest Dice coefficient kept.
const MIN_DICE: f32 = 0.2;
/// Links kept per source token.
const MAX_LINKS: usize = 6;
/// Pairs read from a memory at most (the newest are as good as all for a lexicon).
const MAX_PAIRS: usize = 200_000;

/// A fast hasher for integer keys (the Firefox/rustc "Fx" multiply-rotate): the joint
/// counts take millions of increments, where SipHash's DoS resistance buys nothing.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
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
    src_vocab: HashMap<String, u32>,
    tgt_vocab: HashMap<String, u32>,
    /// For each source token id, its target partners with their Dice coefficient.
    links: Vec<Vec<(u32, f32)>>,
    pairs: usize,
}

impl Lexicon {
    /// Learn from sentence pairs of `src` → `tgt` text.
    pub fn learn<'a>(src: &Lang, tgt: &Lang, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Lexicon {
        let (ss, ts) = (src.script(), tgt.script());
        let mut src_vocab: HashMap<String, u32> = HashMap::new();
        let mut tgt_vocab: HashMap<String, u32> = HashMap::new();
        let mut docs: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
        let intern = |vocab: &mut HashMap<String, u32>, toks: Vec<String>| -> Vec<u32> {
            let mut ids: Vec<u32> = toks
                .into_iter()
                .map(|t| {
                    let n = vocab.len() as u32;
                    *vocab.entry(t).or_insert(n)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        for (s, t) in pairs {
            let a = intern(&mut src_vocab, tokens(s, ss));
            let b = intern(&mut tgt_vocab, tokens(t, ts));
            docs.push((a, b));
        }
        let mut fs = vec![0u32; src_vocab.len()];
        let mut ft = vec![0u32; tgt_vocab.len()];
        for (a, b) in &docs {
            for &x in a {
                fs[x as usize] += 1;
            }
            for &y in b {
                ft[y as usize] += 1;
            }
        }
        // A token seen fewer than MIN_JOINT times cannot co-occur that often: leave it out
        // of the quadratic part.
        let mut joint: FxMap<u64, u32> = FxMap::default();
        let mut xs: Vec<u32> = Vec::new();
        let mut ys: Vec<u32> = Vec::new();
        for (a, b) in &docs {
            xs.clear();
            xs.extend(a.iter().copied().filter(|&x| fs[x as usize] >= MIN_JOINT));
            ys.clear();
            ys.extend(b.iter().copied().filter(|&y| ft[y as usize] >= MIN_JOINT));
            for &x in &xs {
                for &y in &ys {
                    *joint.entry(u64::from(x) << 32 | u64::from(y)).or_insert(0) += 1;
                }
            }
        }
        let mut links: Vec<Vec<(u32, f32)>> = vec![Vec::new(); src_vocab.len()];
        for (key, n) in joint {
            let (x, y) = ((key >> 32) as u32, key as u32);
            if n < MIN_JOINT {
                continue;
            }
            let dice = 2.0 * n as f32 / (fs[x as usize] + ft[y as usize]) as f32;
            if dice >= MIN_DICE {
                links[x as usize].push((y, dice));
            }
        }
        for l in &mut links {
            l.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            l.truncate(MAX_LINKS);
            l.sort_by_key(|p| p.0);
        }
        // Forget tokens without links: they only slow the lookups down.
        let keep_src: Vec<bool> = links.iter().map(|l| !l.is_empty()).collect();
        src_vocab.retain(|_, id| keep_src[*id as usize]);
        let mut used_tgt = vec![false; tgt_vocab.len()];
        for l in &links {
            for &(y, _) in l {
                used_tgt[y as usize] = true;
            }
        }
        tgt_vocab.retain(|_, id| used_tgt[*id as usize]);
        Lexicon { src_script: Some(ss), tgt_script: Some(ts), src_vocab, tgt_vocab, links, pairs: docs.len() }
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

    fn ids(&self, text: &str, script: Option<Script>, vocab: &HashMap<String, u32>) -> Tokens {
        if vocab.is_empty() {
            return Vec::new();
        }
        let mut ids: Vec<u32> =
            tokens(text, script.unwrap_or(Script::Spaced)).iter().filter_map(|t| vocab.get(t).copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Which of the (first 64) tokens of source line `src` have a partner in target line
    /// `tgt`, as a bit mask (bit k: token k of `src`).
    pub fn match_mask(&self, src: &Tokens, tgt: &Tokens) -> u64 {
        let mut mask = 0u64;
        for (k, &x) in src.iter().take(64).enumerate() {
            if self.links[x as usize].iter().any(|(y, _)| tgt.binary_search(y).is_ok()) {
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
                let links = &self.links[x as usize];
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

/// English stop words (and frequent function words) that carry no alignment signal.
const STOP: &[&str] = &[
    "the", "and", "for", "that", "this", "with", "was", "were", "are", "has", "have", "had", "from", "but", "not",
    "his", "her", "its", "they", "their", "them", "she", "you", "your", "our", "who", "which", "what", "will", "would",
    "can", "could", "been", "also", "there", "than", "then", "when", "where", "into", "about", "more", "said", "one",
    "all", "out", "after", "some", "such", "other", "only", "over", "very", "just", "how", "these", "those", "may",
    "any", "should", "because", "being", "both", "each", "most", "own", "same", "well",
];

/// The content tokens of `text` in `script`.
pub fn tokens(text: &str, script: Script) -> Vec<String> {
    let mut out = Vec::new();
    match script {
        Script::Spaced | Script::NoSpaces => {
            for w in text.split(|c: char| !c.is_alphanumeric() && c != '\'') {
                let w = w.trim_matches('\'').to_lowercase();
                if w.chars().count() < 3 || w.chars().all(|c| c.is_ascii_digit()) || STOP.contains(&w.as_str()) {
                    continue;
                }
                let w = w.strip_suffix("'s").unwrap_or(&w);
                let w = if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") { &w[..w.len() - 1] } else { w };
                out.push(w.to_string());
            }
        }
        Script::Japanese | Script::Chinese => {
            let chars: Vec<char> = text.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                if is_katakana(c) {
                    let start = i;
                    while i < chars.len() && is_katakana(chars[i]) {
                        i += 1;
                    }
                    if i - start >= 2 {
                        out.push(chars[start..i].iter().collect());
                    }
                } else if is_han(c) {
                    let start = i;
                    while i < chars.len() && is_han(chars[i]) {
                        i += 1;
                    }
                    if i - start == 1 {
                        out.push(c.to_string());
                    }
                    for k in start..i.saturating_sub(1) {
                        out.push(chars[k..k + 2].iter().collect());
                    }
                } else {
                    i += 1;
                }
            }
        }
        Script::Korean => {
            for w in text.split(|c: char| !is_hangul(c)) {
                let stem: String = w.chars().take(2).collect();
                if !stem.is_empty() {
                    out.push(stem);
                }
            }
        }
    }
    out
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

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
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
        assert_eq!(lex.pairs(), 5);
        assert_eq!(lengths.len(), 5);
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
