//! Anchors: the parts of a sentence that survive translation unchanged or nearly so.
//!
//! Numbers (after NFKC, with thousands separators, 万/億/만/억 and million/billion
//! multipliers, Japanese era years), Latin-script tokens (names, acronyms, URLs) and
//! punctuation classes (questions, exclamations, quotes, brackets). The DP compares the
//! anchors of the two sides of a bead: shared ones lower its cost, a number found on one
//! side only raises it.

use unicode_normalization::UnicodeNormalization;

/// Punctuation classes counted per sentence: `?`, `!`, quotes, brackets.
pub const PUNCT_CLASSES: usize = 4;

/// The anchors of one sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Anchors {
    /// Numbers, as value × 100 rounded (so `3.5` and `3.50` agree), sorted, deduplicated.
    pub numbers: Vec<u64>,
    /// Hashes of the lower-cased Latin tokens worth expecting on the other side: every
    /// Latin token in a non-Latin-script sentence; in a Latin-script sentence, tokens with a
    /// capital after the first word, a digit, or a dot inside (names, acronyms, URLs).
    /// Sorted, deduplicated.
    pub marked: Vec<u64>,
    /// Hashes of every lower-cased Latin token (a superset of `marked`), sorted, deduplicated.
    pub latin: Vec<u64>,
    /// Counts of `?`, `!`, quotes and brackets.
    pub punct: [u8; PUNCT_CLASSES],
    /// Whether the sentence is mostly in a non-Latin script (its Latin tokens are notable).
    pub non_latin: bool,
}

/// Extract the anchors of `text`.
pub fn extract(text: &str) -> Anchors {
    extract_nfkc(&text.nfkc().collect::<String>())
}

/// [`extract`] for text already in NFKC.
pub fn extract_nfkc(norm: &str) -> Anchors {
    extract_counted(norm).0
}

/// [`extract_nfkc`], and the number of characters of `norm` that are not whitespace (the
/// length model's unit), counted in the same pass over the text.
pub fn extract_counted(norm: &str) -> (Anchors, usize) {
    extract_with(norm, &mut Scratch::default())
}

/// Buffers reused across the lines of a document by [`extract_with`]: a line's Latin
/// tokens are gathered, sorted and deduplicated there, then copied out in one allocation
/// of the right size (an English line has a score of tokens, which a growing vector
/// would reallocate four or five times).
#[derive(Debug, Default)]
pub struct Scratch {
    marked: Vec<u64>,
    latin: Vec<u64>,
}

/// [`extract_counted`] with buffers kept across calls.
pub fn extract_with(norm: &str, scratch: &mut Scratch) -> (Anchors, usize) {
    let mut a = Anchors::default();
    let mut letters = 0usize;
    let mut non_latin_letters = 0usize;
    let mut spaces = 0usize;
    let mut chars = 0usize;
    let mut digits = false;
    let mut ascii_letters = false;
    // A straight quote both opens and closes: count pairs.
    let mut straight_quotes = 0u8;
    if norm.is_ascii() {
        // ASCII lines (most English ones) need only their punctuation counted: without
        // non-Latin letters they are not `non_latin`, whatever their letter count.
        chars = norm.len();
        // Counted without branches (sums of comparisons), which the compiler vectorizes:
        // a byte-by-byte `match` was the costliest part of extracting an English line.
        let (mut sp, mut dg, mut lt, mut q, mut ex, mut dq, mut br) = (0u32, 0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
        for &b in norm.as_bytes() {
            sp += u32::from(b == b' ' || b.wrapping_sub(b'\t') <= b'\r' - b'\t');
            dg += u32::from(b.wrapping_sub(b'0') <= 9);
            lt += u32::from((b | 0x20).wrapping_sub(b'a') < 26);
            q += u32::from(b == b'?');
            ex += u32::from(b == b'!');
            dq += u32::from(b == b'"');
            br += u32::from(b == b'(' || b == b'[');
        }
        let sat = |n: u32| u8::try_from(n).unwrap_or(u8::MAX);
        spaces = sp as usize;
        digits = dg > 0;
        ascii_letters = lt > 0;
        a.punct[0] = sat(q);
        a.punct[1] = sat(ex);
        straight_quotes = sat(dq);
        a.punct[3] = sat(br);
    } else {
        for c in norm.chars() {
            chars += 1;
            if c.is_ascii() {
                // Most characters: ASCII letters, spaces and the punctuation classes.
                match c {
                    '\t'..='\r' | ' ' => spaces += 1,
                    '0'..='9' => digits = true,
                    'a'..='z' | 'A'..='Z' => {
                        letters += 1;
                        ascii_letters = true;
                    }
                    '?' => a.punct[0] = a.punct[0].saturating_add(1),
                    '!' => a.punct[1] = a.punct[1].saturating_add(1),
                    '"' => straight_quotes = straight_quotes.saturating_add(1),
                    '(' | '[' => a.punct[3] = a.punct[3].saturating_add(1),
                    _ => {}
                }
                continue;
            }
            if matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF) {
                // Kana, kanji, hangul: letters, without the slow Unicode table lookup.
                letters += 1;
                non_latin_letters += 1;
                continue;
            }
            if c.is_alphabetic() {
                letters += 1;
                if !is_latin_ext(c) {
                    non_latin_letters += 1;
                }
            } else if c.is_whitespace() {
                spaces += 1;
            }
            match c {
                '“' | '「' | '『' | '«' | '„' => a.punct[2] = a.punct[2].saturating_add(1),
                '【' | '〔' | '〈' | '《' => a.punct[3] = a.punct[3].saturating_add(1),
                _ => {}
            }
        }
    }
    a.punct[2] = a.punct[2].saturating_add(straight_quotes.div_ceil(2));
    a.non_latin = non_latin_letters >= 1.max(letters / 10);
    if digits {
        numbers(norm, &mut a.numbers);
    }
    if ascii_letters {
        scratch.marked.clear();
        scratch.latin.clear();
        latin_tokens(norm, a.non_latin, &mut scratch.marked, &mut scratch.latin);
        for v in [&mut scratch.marked, &mut scratch.latin] {
            v.sort_unstable();
            v.dedup();
        }
        a.marked = scratch.marked.clone();
        a.latin = scratch.latin.clone();
    }
    a.numbers.sort_unstable();
    a.numbers.dedup();
    (a, chars - spaces)
}

fn is_latin_ext(c: char) -> bool {
    matches!(c as u32, 0xC0..=0x24F)
}

/// Push the numbers of NFKC text `s` (value × 100). Digits, separators and the decimal
/// point are ASCII after NFKC, so the scan reads bytes.
fn numbers(s: &str, out: &mut Vec<u64>) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        // Digits with thousands separators (a comma followed by exactly three digits) and
        // one decimal point.
        let mut int_part: u64 = 0;
        let mut frac = 0.0f64;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_digit() {
                int_part = int_part.saturating_mul(10).saturating_add(u64::from(c - b'0'));
                i += 1;
            } else if c == b','
                && bytes.len() > i + 3
                && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                && bytes.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            {
                i += 1;
            } else {
                break;
            }
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            let mut scale = 0.1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                frac += scale * f64::from(bytes[i] - b'0');
                scale /= 10.0;
                i += 1;
            }
        }
        let mut value = int_part as f64 + frac;
        // A multiplier right after the number (possibly after one space), English words
        // compared without case.
        let rest = &s[i + usize::from(bytes.get(i) == Some(&b' '))..];
        let starts = |word: &str| {
            rest.len() >= word.len() && rest.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        };
        let mult = if starts("万") || starts("만") {
            1e4
        } else if starts("億") || starts("억") {
            1e8
        } else if starts("兆") || starts("조") {
            1e12
        } else if starts("thousand") {
            1e3
        } else if starts("million") {
            1e6
        } else if starts("billion") {
            1e9
        } else if starts("trillion") {
            1e12
        } else if starts("千") || starts("천") {
            1e3
        } else {
            1.0
        };
        value *= mult;
        // Japanese era years: 令和5年 → 2023.
        let before = &s[..start];
        let era = [("令和", 2018.0), ("平成", 1988.0), ("昭和", 1925.0), ("大正", 1911.0), ("明治", 1867.0)]
            .iter()
            .find(|(name, _)| before.ends_with(name))
            .map(|&(_, base)| base);
        if let Some(base) = era {
            out.push(((base + value) * 100.0).round() as u64);
        }
        if value.is_finite() && value < 1e17 {
            out.push((value * 100.0).round() as u64);
        }
    }
}

/// FNV-1a of `s` lower-cased (ASCII): small, fast and stable across runs.
fn hash_lower(s: &str) -> u64 {
    s.bytes().fold(HASH_START, hash_step)
}

/// [`hash_lower`]'s start (the 64-bit FNV-1a offset basis).
const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// [`hash_lower`] of one more byte.
#[inline]
fn hash_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
}

/// Latin tokens: letters/digits plus inner `.`, `-`, `/`, `:`, `@` (so URLs and e-mail
/// addresses stay whole). Tokens are slices of `s`, hashed lower-cased without a copy.
fn latin_tokens(s: &str, non_latin: bool, marked: &mut Vec<u64>, all: &mut Vec<u64>) {
    let mut first_word = true;
    // A token (ASCII: see the scan below) is read in one pass over its bytes: its hash and
    // what makes it notable.
    let mut flush = |tok: &str, first_word: &mut bool| {
        let mut t = tok.as_bytes();
        while let [rest @ .., b'.' | b'-' | b'/' | b':' | b'@'] = t {
            t = rest;
        }
        // A possessive is the name itself: `CNN's` meets `CNN이` and `CNNの`.
        if let [rest @ .., b'\'', b's' | b'S'] = t {
            t = rest;
        }
        let (mut alpha, mut has_digit, mut inner_upper, mut url) = (false, false, false, false);
        let mut h = HASH_START;
        for (k, &c) in t.iter().enumerate() {
            alpha |= c.is_ascii_alphabetic();
            has_digit |= c.is_ascii_digit();
            inner_upper |= k > 0 && c.is_ascii_uppercase();
            url |= matches!(c, b'.' | b'/' | b'@');
            h = hash_step(h, c);
        }
        if alpha {
            all.push(h);
            let capital = t[0].is_ascii_uppercase();
            let notable =
                if non_latin { t.len() >= 2 } else { has_digit || inner_upper || url || (capital && !*first_word) };
            if notable && !(t.len() <= 3 && STOP.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(t))) {
                marked.push(h);
            }
            *first_word = false;
        }
    };
    // Tokens are ASCII: the scan reads bytes; a multi-byte character only ends a token
    // (and an opening quote starts a sentence).
    let bytes = s.as_bytes();
    let mut start: Option<usize> = None;
    for (k, &c) in bytes.iter().enumerate() {
        let inner = matches!(c, b'.' | b'-' | b'/' | b':' | b'@' | b'\'' | b'&') && start.is_some();
        if c.is_ascii_alphanumeric() || inner {
            start.get_or_insert(k);
        } else {
            if let Some(b) = start.take() {
                flush(&s[b..k], &mut first_word);
            }
            if matches!(c, b'.' | b'?' | b'!' | b'"')
                || (c >= 0xE0 && (bytes[k..].starts_with("“".as_bytes()) || bytes[k..].starts_with("「".as_bytes())))
            {
                first_word = true;
            }
        }
    }
    if let Some(b) = start {
        flush(&s[b..], &mut first_word);
    }
}

/// Capitalized words that are not names.
const STOP: &[&str] = &["i", "mr", "mrs", "ms", "dr", "the", "a", "an", "it"];

/// Hash of a lower-cased Latin token, as stored in [`Anchors::marked`] and [`Anchors::latin`].
pub fn token_hash(token: &str) -> u64 {
    hash_lower(token)
}

/// How many items two sorted slices share.
pub fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(s: &str) -> Vec<u64> {
        extract(s).numbers.into_iter().map(|n| n / 100).collect()
    }

    #[test]
    fn full_width_digits_and_separators() {
        assert_eq!(nums("２５日に１，２００人"), vec![25, 1200]);
        assert_eq!(nums("On the 25th, 1,200 people"), vec![25, 1200]);
        assert_eq!(nums("1,2,3"), vec![1, 2, 3]);
    }

    #[test]
    fn multipliers_agree_across_languages() {
        let en = extract("about 2.5 million people");
        let ja = extract("約２５０万人");
        let ko = extract("약 250만 명");
        assert_eq!(en.numbers, ja.numbers);
        assert_eq!(ja.numbers, ko.numbers);
        assert_eq!(nums("3億円"), vec![300_000_000]);
        assert_eq!(nums("3억 원"), vec![300_000_000]);
    }

    #[test]
    fn era_years() {
        assert!(nums("令和５年").contains(&2023));
        assert!(nums("大正１２年").contains(&1923));
    }

    #[test]
    fn latin_tokens_in_japanese_are_marked() {
        let ja = extract("ＮＡＳＡとSpaceXは");
        let en = extract("NASA and SpaceX said");
        assert_eq!(ja.marked.len(), 2);
        assert!(ja.non_latin && !en.non_latin);
        assert_eq!(shared(&ja.marked, &en.latin), 2);
        // "NASA" opens the sentence but is an acronym: marked; "and" is not.
        assert_eq!(en.marked.len(), 2);
    }

    #[test]
    fn a_possessive_is_the_name() {
        let en = extract("Obama leads in CNN's poll.");
        let ko = extract("CNN이 실시한 여론조사에서");
        assert_eq!(shared(&ko.marked, &en.latin), 1);
    }

    #[test]
    fn urls_stay_whole() {
        let a = extract("詳しくは example.com/news へ");
        assert_eq!(a.marked, vec![token_hash("example.com/news")]);
    }

    #[test]
    fn punctuation_classes() {
        let ja = extract("「本当か」と彼は聞いた？");
        let en = extract("\"Really?\" he asked.");
        assert_eq!(ja.punct[0], 1);
        assert_eq!(en.punct[0], 1);
        assert_eq!(ja.punct[2], 1);
        assert_eq!(en.punct[2], 1);
    }
}
