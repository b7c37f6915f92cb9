//! CAT-style word and character counts, per language.
//!
//! - **Japanese, Chinese** (and Thai, Lao, Khmer, Burmese, written without spaces): every
//!   ideograph, kana or other letter of those scripts is one word; a run of Latin letters or
//!   digits inside the text (`JR`, `2026`, `3.1`) is one word.
//! - **Korean, English and other space-delimited languages**: a word is a run of
//!   non-whitespace that holds at least one letter or digit (`3.1%`, `co-op`, `JR九州` are one
//!   word each).
//! - Punctuation and symbols (`。`, `、`, `「`, `%` on its own, `—`) are never words.
//! - **Characters**: every character except whitespace, punctuation included, as written
//!   (no normalization), so `３` and `3` both count one.

use crate::lang::{Lang, Script};

/// Words and characters of one text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Words, by the language's convention (see the module doc).
    pub words: u64,
    /// Characters other than whitespace.
    pub chars: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.words += o.words;
        self.chars += o.chars;
    }
}

/// Count `text` as written in `lang`.
pub fn count(text: &str, lang: &Lang) -> Counts {
    let chars = text.chars().filter(|c| !c.is_whitespace()).count() as u64;
    let words = match lang.script() {
        Script::Japanese | Script::Chinese | Script::NoSpaces => count_by_character(text),
        Script::Korean | Script::Spaced => count_by_space(text),
    };
    Counts { words, chars }
}

/// Letters of scripts written without spaces count one each; runs of other letters and digits
/// (with `.`/`,` between digits, as in `1,200` and `3.1`) count one per run.
fn count_by_character(text: &str) -> u64 {
    let chars: Vec<char> = text.chars().collect();
    let mut words = 0;
    let mut in_run = false;
    for (i, &c) in chars.iter().enumerate() {
        if is_unspaced_letter(c) {
            words += 1;
            in_run = false;
        } else if c.is_alphanumeric() {
            if !in_run {
                words += 1;
                in_run = true;
            }
        } else {
            let joins_digits = matches!(c, '.' | ',' | '．' | '，')
                && in_run
                && chars.get(i + 1).is_some_and(|n| n.is_numeric())
                && i > 0
                && chars[i - 1].is_numeric();
            in_run = joins_digits;
        }
    }
    words
}

fn count_by_space(text: &str) -> u64 {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count() as u64
}

/// Han, kana, and the letters of Thai, Lao, Khmer and Burmese: one word per character.
fn is_unspaced_letter(c: char) -> bool {
    crate::lang::is_cjk(c) && c.is_alphanumeric() && !c.is_ascii_alphanumeric() && !is_fullwidth_latin_or_digit(c)
        || matches!(c as u32, 0x0E00..=0x0EFF | 0x1780..=0x17FF | 0x1000..=0x109F) && c.is_alphabetic()
}

/// Full-width `Ａ`–`Ｚ`, `ａ`–`ｚ`, `０`–`９`: counted like their ASCII forms (runs).
fn is_fullwidth_latin_or_digit(c: char) -> bool {
    matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(t: &str) -> Lang {
        Lang::parse(t).unwrap()
    }

    #[test]
    fn japanese_counts_characters_and_runs() {
        // 台風(2) 10(1) 号(1) は(1) 時速(2) １５(1) キロ(2); punctuation not words.
        let c = count("台風10号は、時速１５キロ。", &l("ja"));
        assert_eq!(c, Counts { words: 10, chars: 14 });
        assert_eq!(count("JR九州は1,200品目を3.1%", &l("ja")).words, 1 + 2 + 1 + 1 + 2 + 1 + 1);
        assert_eq!(count("「」。、", &l("zh")).words, 0);
    }

    #[test]
    fn korean_and_english_count_spaced_words() {
        assert_eq!(count("태풍 10호가 14일 오전 상륙했다.", &l("ko")), Counts { words: 5, chars: 16 });
        assert_eq!(count("Prices rose 3.1% — a record.", &l("en")).words, 5);
    }
}
