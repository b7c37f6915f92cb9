//! The per-language word lists behind the built-in rules, compiled in from `data/*.txt` and
//! parsed once on first use.
//!
//! File format: `key: word word ...` lines (a key may repeat; its words add up), `#` starts a
//! comment. Words are lower case, abbreviations without their final period (`u.s`, `e.g`).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{Style, style_for};
use crate::lang::Lang;

/// The rule data for one language.
#[derive(Debug, Default)]
pub struct LangRules {
    /// The data file's name (`en`, `ja`, `ko`, `zh`, `default`).
    pub name: &'static str,
    /// How the script marks sentence ends.
    pub style: Option<Style>,
    /// Abbreviations that never end a sentence (`mr`, `dr`, `no`): a title or a word that
    /// a name or a number always follows.
    pub never_final: HashSet<String>,
    /// Abbreviations that end a sentence only when a sentence-start word follows (`co`,
    /// `u.s`, `inc`). Initialisms not listed anywhere (`j.c`) behave the same way.
    pub final_before_start: HashSet<String>,
    /// Abbreviations that end a sentence before any capitalized word (`a.m`, `p.m`).
    pub final_before_capital: HashSet<String>,
    /// Words that, after `<number>.`, show that the number was an ordinal or a date
    /// (German `am 12. Juni`), so the period does not end the sentence.
    pub after_ordinal: HashSet<String>,
    /// Names written with an exclamation mark that does not end a sentence (`yahoo`).
    pub exclamation_words: HashSet<String>,
    /// Words that start a sentence after a `final_before_start` abbreviation (`the`, `it`).
    pub starters: HashSet<String>,
    /// What follows a sentence-final mark when the sentence goes on (Japanese `と`, `って`).
    pub quotative: Vec<String>,
    /// Korean sentence endings that end a sentence without punctuation when a space and
    /// another word follow (`…했어요 그래서`): matched at the end of a word.
    pub endings: Vec<String>,
    /// Words that look like they end in one of `endings` but are nouns (`주요`, `필요`).
    pub ending_exceptions: HashSet<String>,
    /// Marks that end a sentence in this language beyond the common ones (Armenian `:`).
    pub terminators: Vec<char>,
    /// Longest span, in bytes, that a quote or bracket may hold together; an opener whose
    /// closer is further away is treated as unclosed.
    pub quote_cap: usize,
}

impl LangRules {
    /// The rules for `lang`: its own file for en, ja, ko, zh; the default file otherwise.
    pub fn for_lang(lang: &Lang) -> &'static LangRules {
        static EN: OnceLock<LangRules> = OnceLock::new();
        static JA: OnceLock<LangRules> = OnceLock::new();
        static KO: OnceLock<LangRules> = OnceLock::new();
        static ZH: OnceLock<LangRules> = OnceLock::new();
        static HY: OnceLock<LangRules> = OnceLock::new();
        static DEFAULT: OnceLock<LangRules> = OnceLock::new();
        let style = style_for(lang);
        let (cell, name, text) = match lang.base() {
            "en" => (&EN, "en", include_str!("data/en.txt")),
            "ja" => (&JA, "ja", include_str!("data/ja.txt")),
            "ko" => (&KO, "ko", include_str!("data/ko.txt")),
            "zh" | "yue" | "wuu" => (&ZH, "zh", include_str!("data/zh.txt")),
            "hy" => (&HY, "hy", include_str!("data/hy.txt")),
            _ => (&DEFAULT, "default", include_str!("data/default.txt")),
        };
        cell.get_or_init(|| LangRules::parse(name, style, text))
    }

    /// The `Style` in effect.
    pub fn style(&self) -> Style {
        self.style.unwrap_or(Style::Spaced)
    }

    fn parse(name: &'static str, style: Style, text: &str) -> LangRules {
        let mut r = LangRules {
            name,
            style: Some(style),
            quote_cap: if style == Style::Cjk { 600 } else { 1200 },
            ..Default::default()
        };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, words)) = line.split_once(':') else { continue };
            let words = words.split_whitespace().map(|w| w.trim_end_matches('.').to_lowercase());
            match key.trim() {
                "never-final" => r.never_final.extend(words),
                "final-before-start" => r.final_before_start.extend(words),
                "final-before-capital" => r.final_before_capital.extend(words),
                "starters" => r.starters.extend(words),
                "exclamation-words" => r.exclamation_words.extend(words),
                "after-ordinal" => r.after_ordinal.extend(words),
                "quotative" => r.quotative.extend(words),
                "endings" => r.endings.extend(words),
                "terminators" => r.terminators.extend(words.flat_map(|w| w.chars().collect::<Vec<_>>())),
                "ending-exceptions" => r.ending_exceptions.extend(words),
                other => panic!("rules/data/{name}.txt: unknown key {other:?} (a bug in the shipped data)"),
            }
        }
        r
    }
}
