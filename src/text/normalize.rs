//! The normalized form of a segment, used for matching and indexing.

use unicode_normalization::UnicodeNormalization;

/// The matching form of `text`: NFKC (which also folds full-width ASCII to half-width and
/// half-width katakana to full-width), whitespace runs collapsed to one space and trimmed,
/// and lower case where the script has case.
///
/// Invariant: idempotent (`normalize(normalize(x)) == normalize(x)`).
pub fn normalize(text: &str) -> String {
    // ASCII is its own NFKC, and is folded byte by byte (a third of an import's
    // normalizing went to `Folder::push` on English text).
    if text.is_ascii() {
        return normalize_ascii(text.as_bytes());
    }
    simple_normalize(text).unwrap_or_else(|| full_normalize(text))
}

/// [`Folder`] for ASCII text: the same folding, a byte at a time; text whose only white
/// space is single inner spaces (most sentences) is just lower-cased, a word at a time.
fn normalize_ascii(text: &[u8]) -> String {
    let spaced_simply = !text.first().is_some_and(|&b| is_ascii_space(b))
        && !text.last().is_some_and(|&b| is_ascii_space(b))
        && !text.windows(2).any(|w| is_ascii_space(w[1]) && (w[0] == b' ' || w[1] != b' '));
    if spaced_simply {
        return String::from_utf8(text.to_ascii_lowercase()).expect("ASCII in, ASCII out");
    }
    let mut out = Vec::with_capacity(text.len());
    let mut pending_space = false;
    for &b in text {
        if is_ascii_space(b) {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(b' ');
                pending_space = false;
            }
            out.push(b.to_ascii_lowercase());
        }
    }
    String::from_utf8(out).expect("ASCII in, ASCII out")
}

/// The ASCII characters `char::is_whitespace` accepts.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// Builds the normalized form from NFKC output, one character at a time: whitespace runs
/// become one space (none at either end) and letters are lower-cased.
struct Folder {
    out: String,
    pending_space: bool,
    /// A non-ASCII letter was lower-cased (see [`full_normalize`]).
    lowered_non_ascii: bool,
}

impl Folder {
    fn new(capacity: usize) -> Self {
        Folder { out: String::with_capacity(capacity), pending_space: false, lowered_non_ascii: false }
    }

    /// Push characters that are neither white space nor cased, as [`push`](Self::push)
    /// would one by one.
    fn push_str_caseless(&mut self, s: &str) {
        if self.pending_space {
            self.out.push(' ');
            self.pending_space = false;
        }
        self.out.push_str(s);
    }

    fn push(&mut self, c: char) {
        // Kana, CJK ideographs and Hangul syllables have neither case nor white space: most
        // of a Japanese or Korean segment skips the Unicode table look-ups below.
        if matches!(c as u32, 0x3001..=0x9FFF | 0xAC00..=0xD7A3) {
            if self.pending_space {
                self.out.push(' ');
                self.pending_space = false;
            }
            self.out.push(c);
            return;
        }
        if c.is_whitespace() {
            self.pending_space = !self.out.is_empty();
            return;
        }
        if self.pending_space {
            self.out.push(' ');
            self.pending_space = false;
        }
        if c.is_ascii() {
            self.out.push(c.to_ascii_lowercase());
        } else if c.is_uppercase() {
            self.lowered_non_ascii = true;
            self.out.extend(c.to_lowercase());
        } else {
            self.out.push(c);
        }
    }
}

/// The general path: NFKC through `unicode-normalization`, then spaces and case.
fn full_normalize(text: &str) -> String {
    let mut f = Folder::new(text.len());
    text.nfkc().for_each(|c| f.push(c));
    // Lower-casing a non-ASCII letter can produce sequences NFKC would write differently
    // (Turkish İ becomes i + U+0307); only then is a second pass needed.
    let out = f.out;
    if f.lowered_non_ascii && !out.nfkc().eq(out.chars()) { out.nfkc().collect() } else { out }
}

/// What NFKC does to `c` when that is trivial: `Some(c)` for characters NFKC leaves alone
/// whatever surrounds them, the ASCII form for full-width ASCII and the ideographic space,
/// `None` for anything that needs the general path (compatibility characters, combining
/// marks, conjoining jamo, half-width katakana ...).
fn simple_nfkc(c: char) -> Option<char> {
    match c as u32 {
        0x00..=0x7F => Some(c),
        0x3000 => Some(' '),
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0),
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF | 0xB7 => Some(c),
        0x2013 | 0x2014 | 0x2018 | 0x2019 | 0x201C | 0x201D => Some(c),
        _ if is_plain_cjk(c) => Some(c),
        _ => None,
    }
}

/// [`normalize`] for text made only of characters [`simple_nfkc`] handles (nearly all
/// Japanese, Korean and English news text), without running the NFKC algorithm; `None` when
/// the text needs the general path.
fn simple_normalize(text: &str) -> Option<String> {
    let mut f = Folder::new(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A run of kana, ideographs and hangul NFKC leaves alone (most of a Japanese or
        // Korean segment) is copied whole.
        let run = rest.find(|c: char| !is_plain_cjk(c)).unwrap_or(rest.len());
        if run > 0 {
            f.push_str_caseless(&rest[..run]);
            rest = &rest[run..];
            continue;
        }
        let c = rest.chars().next().expect("not empty");
        f.push(simple_nfkc(c)?);
        rest = &rest[c.len_utf8()..];
    }
    Some(f.out)
}

/// The kana, ideographs, CJK punctuation and hangul [`simple_nfkc`] keeps as they are and
/// [`Folder::push`] copies (caseless, not white space).
fn is_plain_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3003 | 0x3005..=0x3011 | 0x3014..=0x301F | 0x3041..=0x3096 | 0x30A1..=0x30FE
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3)
}

/// `text` after NFKC with every whitespace character removed: what the aligner's length
/// model counts.
pub fn strip_whitespace(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn width_case_and_spaces() {
        assert_eq!(normalize("  Ｈｅｌｌｏ\u{3000} WORLD\t\n１２３ "), "hello world 123");
        assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(normalize("東京で３．２９％"), "東京で3.29%");
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_path() {
        let every_ascii = (0u8..128).map(|b| format!(" A{c}b{c}{c}Z{c}", c = b as char));
        let samples = ["  Hello\tWORLD \x0b x ", "", " ", "a\u{0c}b", "Mr. Smith's 3.5% rise"].map(String::from);
        for s in samples.into_iter().chain(every_ascii) {
            let s = s.as_str();
            let general: String = {
                let mut out = String::new();
                for w in s.split_whitespace() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&w.to_lowercase());
                }
                out
            };
            assert_eq!(normalize(s), general, "{s:?}");
        }
    }

    #[test]
    fn simple_path_agrees_with_nfkc() {
        // Every character the simple path accepts, next to the characters that could
        // interact with it under composition (dakuten, jamo, combining accents).
        let mut accepted: Vec<char> =
            (0u32..0x10000).filter_map(char::from_u32).filter(|&c| simple_nfkc(c).is_some()).collect();
        accepted.extend(['\u{3099}', '\u{309A}', '\u{11A8}', '\u{0301}', 'ｶ', '…', 'ﾞ']);
        for (i, &c) in accepted.iter().enumerate() {
            let next = accepted[(i * 7919 + 13) % accepted.len()];
            for s in [c.to_string(), format!("{c}{next}"), format!("A {c}\u{3000}{next}か")] {
                let want = full_normalize(&s);
                if let Some(got) = simple_normalize(&s) {
                    assert_eq!(got, want, "{s:?}");
                }
                assert_eq!(normalize(&s), want, "{s:?}");
            }
        }
    }

    #[test]
    fn the_cjk_fast_path_skips_only_caseless_non_space_characters() {
        for c in (0x3001..=0x9FFF).chain(0xAC00..=0xD7A3).filter_map(char::from_u32) {
            assert!(!c.is_whitespace() && !c.is_uppercase() && c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    #[test]
    fn idempotent() {
        for s in ["İstanbul ＡＢＣ", "ﬁne  Straße", "한국어 　테스트"] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once);
        }
    }

    #[test]
    fn strip_whitespace_counts_characters() {
        assert_eq!(strip_whitespace("a b\u{3000}ｃ"), "abc");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// The fast paths (ASCII, runs of plain CJK) give what NFKC and the folding give,
        /// on text mixing them with spaces, case, full-width forms, half-width katakana and
        /// combining marks.
        #[test]
        fn fast_paths_agree_with_the_general_path(picks in proptest::collection::vec(0usize..24, 0..30)) {
            const ALPHABET: [&str; 24] = [
                "a", "Q", " ", "  ", "\t", "\n", "7", ".", "か", "ガ", "東京", "、", "。", "（", "Ａ", "１",
                "\u{3000}", "ｶ", "ﾞ", "\u{3099}", "é", "İ", "서울", "\u{3004}",
            ];
            let text: String = picks.into_iter().map(|i| ALPHABET[i]).collect();
            prop_assert_eq!(normalize(&text), full_normalize(&text), "{:?}", text);
        }
    }
}
