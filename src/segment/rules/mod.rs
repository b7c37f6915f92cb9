//! tomo's built-in segmentation rules for en, ja, ko, zh and a default for other languages.
//!
//! The rules are one byte-level scanner (`scan.rs`) driven by per-language data: word lists in
//! `rules/data/<lang>.txt` (abbreviations that never end a sentence, abbreviations that end
//! one only before a sentence start, sentence-start words, Japanese quotative particles) and
//! a [`Style`] saying how the script marks sentence ends. Adding an abbreviation is an edit
//! to a data file, not to code.

mod data;
mod export;
mod labels;
mod protect;
mod scan;

pub use data::LangRules;
pub use export::builtin_srx;

use super::Segmenter;
use crate::lang::{Lang, Script};

/// How a language's script marks the end of a sentence, which decides the scanner's tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Words separated by spaces and letter case (Latin, Cyrillic, Greek): a period ends a
    /// sentence only before whitespace, and not before a lower-case word.
    Spaced,
    /// Hangul: spaces but no letter case, so a period before whitespace ends a sentence
    /// unless an abbreviation or a number says otherwise.
    Korean,
    /// Japanese and Chinese: full-width marks end a sentence with no space after them;
    /// quotes and brackets hold their sentence together.
    Cjk,
}

/// The built-in rule-based segmenter for one language.
pub struct RuleSegmenter {
    rules: &'static LangRules,
}

impl RuleSegmenter {
    /// The rules for `lang`: its own data for en, ja, ko, zh; the default otherwise.
    pub fn for_lang(lang: &Lang) -> Self {
        RuleSegmenter { rules: LangRules::for_lang(lang) }
    }

    /// The rule data in use (for exporting it as SRX).
    pub fn rules(&self) -> &'static LangRules {
        self.rules
    }
}

impl Segmenter for RuleSegmenter {
    fn breaks(&self, block: &str) -> Vec<usize> {
        scan::breaks(self.rules, block)
    }
}

/// The rule style for a language's script.
fn style_for(lang: &Lang) -> Style {
    match lang.script() {
        Script::Japanese | Script::Chinese => Style::Cjk,
        Script::Korean => Style::Korean,
        Script::Spaced | Script::NoSpaces => Style::Spaced,
    }
}

#[cfg(test)]
mod tests;
