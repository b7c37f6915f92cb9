//! Tokens for matching: words and punctuation for space-delimited scripts, characters for
//! Japanese and Chinese (and hangul syllables for Korean, see the README), numbers as one
//! placeable class.
//!
//! Tokens are cut from the normalized text ([`crate::text::normalize`]); each carries a
//! 64-bit class hash (what the edit distance and the index compare) and its byte range.

use std::ops::Range;

use crate::lang::{Lang, Script};

/// What a token is, which decides how a difference in it is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word (space-delimited scripts), an ideograph/kana/syllable, or a Latin run in CJK.
    Word,
    /// A number: digits with inner `.`/`,` separators. All numbers share one class, so
    /// two sentences differing only in numbers have edit distance 0 (placeables).
    Number,
    /// One punctuation or symbol character.
    Punct,
}

/// One token of a normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The class the edit distance compares: a hash of the text, or [`NUMBER_CLASS`].
    pub class: u64,
    /// Kind of token.
    pub kind: TokenKind,
    /// Byte range in the normalized text.
    pub span: Range<usize>,
}

/// The class shared by every number token.
pub const NUMBER_CLASS: u64 = 0x9e37_79b9_7f4a_7c15;

/// How a language's text is cut into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// Words and punctuation (English, French ...; Korean eojeol when chosen).
    Words,
    /// One token per character, Latin letter runs and numbers kept whole (Japanese,
    /// Chinese, Korean syllables, Thai ...).
    Chars,
}

/// The granularity tomo uses for `lang`. Korean is matched by syllable: measured on the
/// ko sentences of the alignment dev set with synthetic edits, syllables rank the edited
/// original first more often than eojeol do, because a changed particle (은/는, 을/를)
/// costs a whole eojeol at word level (see README "Fuzzy matching").
pub fn granularity(lang: &Lang) -> Granularity {
    match lang.script() {
        Script::Spaced => Granularity::Words,
        Script::Japanese | Script::Chinese | Script::Korean | Script::NoSpaces => Granularity::Chars,
    }
}

/// 64-bit FNV-1a: stable across builds, which the on-disk index needs.
pub fn hash64(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The FNV-1a 64-bit offset basis.
pub const FNV64: u64 = 0xcbf2_9ce4_8422_2325;

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || unicode_general_mark(c)
}

/// Combining marks stay inside the word they modify (accents after NFKC are rare, but
/// Devanagari or Thai vowel signs are marks).
fn unicode_general_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x097F | 0x0E30..=0x0E4E | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF)
}

fn is_cjk_like(c: char) -> bool {
    crate::lang::is_cjk(c)
        || crate::lang::is_hangul(c)
        || matches!(c as u32, 0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF)
}

/// Cut `norm` (already normalized) into tokens at granularity `g`. Whitespace is never a
/// token.
pub fn tokenize(norm: &str, g: Granularity) -> Vec<Token> {
    let mut out = Vec::with_capacity(norm.len() / 3 + 1);
    for_each_token(norm, g, |class, kind, span| out.push(Token { class, kind, span }));
    out
}

/// The character at byte `i` of `s` (a char boundary) and its length in bytes, decoded by
/// hand: `char_indices` with a `peekable` cost a third of the tokenizer's instructions.
#[inline]
fn char_at(s: &[u8], i: usize) -> (char, usize) {
    let b0 = u32::from(s[i]);
    let cont = |k: usize| u32::from(s[i + k]) & 0x3f;
    let (c, len) = if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xe0 {
        ((b0 & 0x1f) << 6 | cont(1), 2)
    } else if b0 < 0xf0 {
        ((b0 & 0x0f) << 12 | cont(1) << 6 | cont(2), 3)
    } else {
        ((b0 & 0x07) << 18 | cont(1) << 12 | cont(2) << 6 | cont(3), 4)
    };
    (char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Is `c` a token by itself (CJK, hangul, Thai ... at character granularity)?
#[inline]
fn single(c: char, chars: bool) -> bool {
    chars && !c.is_ascii() && is_cjk_like(c)
}

/// The length of the character at byte `i` of `s` if it continues a word.
#[inline]
fn continues_word(s: &[u8], i: usize, chars: bool) -> Option<usize> {
    let b = s[i];
    if b < 0x80 {
        return b.is_ascii_alphanumeric().then_some(1);
    }
    let (d, len) = char_at(s, i);
    (is_word_char(d) && !single(d, chars)).then_some(len)
}

/// The tokens of `norm` in order, as (class, kind, byte range), without collecting them:
/// what [`tokenize`] collects, and what the index keys of an import are hashed from.
#[inline]
pub fn for_each_token(norm: &str, g: Granularity, mut emit: impl FnMut(u64, TokenKind, Range<usize>)) {
    let s = norm.as_bytes();
    let chars = g == Granularity::Chars;
    let mut i = 0;
    while i < s.len() {
        let start = i;
        let b = s[i];
        if b.is_ascii_digit() {
            // A number: digits with single inner separators followed by a digit.
            i += 1;
            let mut letters = false;
            while i < s.len() {
                let d = s[i];
                if d.is_ascii_digit() {
                    i += 1;
                } else if matches!(d, b'.' | b',') && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 2;
                } else if let Some(len) = continues_word(s, i, chars) {
                    // "5g", "covid19": a word, not a number.
                    i += len;
                    letters = true;
                } else {
                    break;
                }
            }
            if letters {
                emit(hash64(FNV64, &s[start..i]), TokenKind::Word, start..i);
            } else {
                emit(NUMBER_CLASS, TokenKind::Number, start..i);
            }
            continue;
        }
        if b < 0x80 {
            i += 1;
            if b.is_ascii_alphabetic() {
                // ASCII letters and digits without a call per byte (English words, a
                // tenth of an import's preparing).
                while i < s.len() && s[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                while i < s.len() {
                    match continues_word(s, i, chars) {
                        Some(len) => i += len,
                        None => break,
                    }
                }
                emit(hash64(FNV64, &s[start..i]), TokenKind::Word, start..i);
            } else if !matches!(b, b' ' | b'\t'..=b'\r') {
                emit(hash64(FNV64, &s[start..i]), TokenKind::Punct, start..i);
            }
            continue;
        }
        if chars && (0xe3..=0xe9).contains(&b) {
            // Kana (U+3040–30FF) and the unified ideographs (U+4E00–9FFF), most of a
            // Japanese or Chinese text: words of one character, told by their three bytes
            // without the general tests below (decoded through `char_at` and tested after
            // it, the keys of the bench file's Japanese took ~50 % longer).
            let c = u32::from(b & 0x0f) << 12 | u32::from(s[i + 1] & 0x3f) << 6 | u32::from(s[i + 2] & 0x3f);
            if (0x3040..=0x30ff).contains(&c) || (0x4e00..=0x9fff).contains(&c) {
                i += 3;
                emit(hash64(FNV64, &s[start..i]), TokenKind::Word, start..i);
                continue;
            }
        }
        let (c, len) = char_at(s, i);
        i += len;
        if single(c, chars) {
            // The common case in CJK text; decided before the costlier Unicode class tests
            // (the ideographic space, the one CJK character that is white space, is NFKC'd
            // to a space in a normalized text, and skipped below if not).
            if c != '\u{3000}' {
                let kind = if crate::lang::is_cjk(c) && (c as u32) < 0x3040 || (0xFF00..=0xFFEF).contains(&(c as u32)) {
                    TokenKind::Punct
                } else {
                    TokenKind::Word
                };
                emit(hash64(FNV64, &s[start..i]), kind, start..i);
            }
        } else if c.is_whitespace() {
        } else if is_word_char(c) {
            while i < s.len() {
                match continues_word(s, i, chars) {
                    Some(len) => i += len,
                    None => break,
                }
            }
            emit(hash64(FNV64, &s[start..i]), TokenKind::Word, start..i);
        } else {
            emit(hash64(FNV64, &s[start..i]), TokenKind::Punct, start..i);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The tokenizer as first written, a `char` at a time: [`tokenize`] must cut every text
    /// exactly as it does.
    fn reference_tokenize(norm: &str, g: Granularity) -> Vec<Token> {
        let mut out = Vec::with_capacity(norm.len() / 3 + 1);
        let mut iter = norm.char_indices().peekable();
        while let Some((start, c)) = iter.next() {
            if c.is_whitespace() {
                continue;
            }
            let single_char = g == Granularity::Chars && !c.is_ascii() && is_cjk_like(c);
            if single_char {
                // The common case in CJK text; decided before the costlier Unicode class tests.
                let end = start + c.len_utf8();
                let kind = if crate::lang::is_cjk(c) && (c as u32) < 0x3040 || (0xFF00..=0xFFEF).contains(&(c as u32)) {
                    TokenKind::Punct
                } else {
                    TokenKind::Word
                };
                out.push(Token { class: hash64(FNV64, &norm.as_bytes()[start..end]), kind, span: start..end });
            } else if c.is_ascii_digit() {
                // A number: digits with single inner separators followed by a digit.
                let mut end = start + 1;
                let mut letters = false;
                while let Some(&(i, d)) = iter.peek() {
                    let inner_separator =
                        matches!(d, '.' | ',') && norm[i + 1..].starts_with(|x: char| x.is_ascii_digit());
                    if d.is_ascii_digit() || inner_separator {
                        iter.next();
                        end = i + 1;
                    } else if is_word_char(d) && !(g == Granularity::Chars && !d.is_ascii() && is_cjk_like(d)) {
                        // "5g", "covid19": a word, not a number.
                        iter.next();
                        end = i + d.len_utf8();
                        letters = true;
                    } else {
                        break;
                    }
                }
                let text = &norm[start..end];
                let (class, kind) = if letters {
                    (hash64(FNV64, text.as_bytes()), TokenKind::Word)
                } else {
                    (NUMBER_CLASS, TokenKind::Number)
                };
                out.push(Token { class, kind, span: start..end });
            } else if is_word_char(c) && !single_char {
                let mut end = start + c.len_utf8();
                while let Some(&(i, d)) = iter.peek() {
                    let d_single = g == Granularity::Chars && !d.is_ascii() && is_cjk_like(d);
                    if is_word_char(d) && !d_single {
                        iter.next();
                        end = i + d.len_utf8();
                    } else {
                        break;
                    }
                }
                let text = &norm[start..end];
                out.push(Token { class: hash64(FNV64, text.as_bytes()), kind: TokenKind::Word, span: start..end });
            } else {
                let end = start + c.len_utf8();
                let kind = if is_word_char(c) { TokenKind::Word } else { TokenKind::Punct };
                out.push(Token { class: hash64(FNV64, &norm.as_bytes()[start..end]), kind, span: start..end });
            }
        }
        out
    }

    fn texts(norm: &str, g: Granularity) -> Vec<&str> {
        tokenize(norm, g).into_iter().map(|t| &norm[t.span]).collect()
    }

    #[test]
    fn words_and_punctuation() {
        assert_eq!(
            texts("the u.n. said, \"no.\"", Granularity::Words),
            ["the", "u", ".", "n", ".", "said", ",", "\"", "no", ".", "\""]
        );
    }

    #[test]
    fn numbers_are_one_class() {
        let t = tokenize("up 3.5% to 1,200 in 2024 (5g)", Granularity::Words);
        let nums: Vec<_> = t.iter().filter(|t| t.kind == TokenKind::Number).map(|t| t.span.clone()).collect();
        assert_eq!(nums.len(), 3);
        assert!(t.iter().filter(|t| t.kind == TokenKind::Number).all(|t| t.class == NUMBER_CLASS));
        assert!(t.iter().any(|x| x.kind == TokenKind::Word && x.span.len() == 2), "5g is a word");
    }

    #[test]
    fn japanese_by_character_with_latin_runs_and_numbers_whole() {
        assert_eq!(
            texts("東京でgdpが3.5%増えた。", Granularity::Chars),
            ["東", "京", "で", "gdp", "が", "3.5", "%", "増", "え", "た", "。"]
        );
    }

    #[test]
    fn korean_syllables() {
        assert_eq!(texts("서울에 눈이 왔다", Granularity::Chars), ["서", "울", "에", "눈", "이", "왔", "다"]);
        assert_eq!(texts("서울에 눈이 왔다", Granularity::Words), ["서울에", "눈이", "왔다"]);
    }

    /// Characters of every class the tokenizer tells apart: ASCII letters, digits and the
    /// number separators, spaces and controls, punctuation, accented Latin, combining marks,
    /// kana, kanji, CJK punctuation and full-width forms, the ideographic space, hangul,
    /// Thai, white space outside ASCII, and the characters on either side of the ranges
    /// [`for_each_token`] tells by their bytes.
    const ALPHABET: &[char] = &[
        'a', 'Z', 'q', '0', '7', '.', ',', ' ', '\t', '\n', '\u{b}', '\u{1c}', '-', '%', '"', '(', 'é', 'ß', 'İ',
        '\u{301}', 'か', 'ア', '東', '京', '。', '、', '（', '％', 'Ａ', '１', '\u{3000}', '서', '울', 'ㄱ', 'ก',
        '\u{e31}', '\u{a0}', '\u{2003}', '\u{85}', '€', '😀', '\u{ff61}',
        // The edges of the kana and ideograph ranges cut without the general tests.
        '\u{303f}', '\u{3040}', '\u{30ff}', '\u{3100}', '\u{3131}', '\u{3200}', '\u{4dff}', '\u{4e00}', '\u{9fff}',
        '\u{a000}',
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        /// The byte-level tokenizer cuts every text as the `char`-at-a-time one did, at both
        /// granularities (the classes are stored in the index: they must not change).
        #[test]
        fn cuts_as_the_reference_does(picks in proptest::collection::vec(0..ALPHABET.len(), 0..40)) {
            let text: String = picks.into_iter().map(|i| ALPHABET[i]).collect();
            for g in [Granularity::Words, Granularity::Chars] {
                prop_assert_eq!(tokenize(&text, g), reference_tokenize(&text, g), "{:?} {:?}", text, g);
            }
        }
    }
}
