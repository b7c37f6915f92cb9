//! tomo's built-in segmentation rules for en, ja, ko, zh and a default for other languages.

use super::Segmenter;
use crate::lang::Lang;

/// The built-in rule-based segmenter for one language.
pub struct RuleSegmenter {
    _lang: Lang,
}

impl RuleSegmenter {
    /// The rules for `lang`.
    pub fn for_lang(lang: &Lang) -> Self {
        RuleSegmenter { _lang: lang.clone() }
    }
}

impl Segmenter for RuleSegmenter {
    fn breaks(&self, _block: &str) -> Vec<usize> {
        Vec::new()
    }
}
