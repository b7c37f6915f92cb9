//! SRX 2.0 segmentation rules: parse a rule file, run it, and write one.
//!
//! API contract: [`SrxRules::load`]/[`SrxRules::parse`] read a file, [`SrxRules::segmenter`]
//! compiles the rules that apply to a language (through `maprules`, in cascade order) into a
//! [`SrxSegmenter`], and [`SrxRules::to_xml`] writes SRX 2.0.
//!
//! The work is split by stage: [`parse`] (XML → model), [`regex`] (the Java/ICU regex dialect
//! of SRX files → Rust regex syntax), [`engine`] (running compiled rules) and [`write`]
//! (model → XML).

pub mod engine;
pub mod parse;
pub mod regex;
pub mod write;

use std::path::Path;

pub use engine::SrxSegmenter;

use crate::error::{Error, Result};
use crate::lang::Lang;

/// An SRX 2.0 document: named rule sets and the language map that picks them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SrxRules {
    /// `cascade="yes"`: every matching language map applies, in order (else only the first).
    pub cascade: bool,
    /// `<languagerule>` elements, in document order.
    pub language_rules: Vec<LanguageRules>,
    /// `<languagemap>` elements, in document order.
    pub maps: Vec<LanguageMap>,
    /// `segmentsubflows="yes"` (the default). Kept for round trips; tomo has no subflows.
    pub segment_subflows: bool,
    /// Okapi's `useIcu4jBreakRules="yes"`: the rules assume ICU break iterators underneath,
    /// which tomo does not have (a warning says so when the rules are compiled).
    pub icu4j_break_rules: bool,
}

/// A named set of rules (`<languagerule languagerulename="...">`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LanguageRules {
    /// `languagerulename`.
    pub name: String,
    /// Rules in order; the first that matches at a position decides.
    pub rules: Vec<SrxRule>,
}

/// One `<rule>`: break or no-break, with the patterns before and after the position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SrxRule {
    /// `break="yes"` (the default) or `"no"`.
    pub is_break: bool,
    /// `<beforebreak>` regex (Java/ICU dialect as written in the file), if any.
    pub before: Option<String>,
    /// `<afterbreak>` regex, if any.
    pub after: Option<String>,
}

/// A `<languagemap>`: languages matching `pattern` use the rules named `rules`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LanguageMap {
    /// `languagepattern`, matched against the whole language code, case-insensitively.
    pub pattern: String,
    /// `languagerulename`.
    pub rules: String,
}

impl SrxRules {
    /// Read an SRX file.
    pub fn load(path: &Path) -> Result<SrxRules> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).in_file(path))?;
        Self::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Parse SRX 2.0 XML. Errors name the line of the problem.
    pub fn parse(xml: &str) -> Result<SrxRules> {
        parse::parse(xml)
    }

    /// The rule sets that apply to `lang`, in the order they are tried: every map whose
    /// `languagepattern` matches the whole language code (case-insensitively) with
    /// `cascade="yes"`, else only the first. A map naming a missing rule set is skipped
    /// with a warning.
    pub fn rule_sets_for(&self, lang: &Lang) -> (Vec<&LanguageRules>, Vec<String>) {
        let mut sets = Vec::new();
        let mut warnings = Vec::new();
        for map in &self.maps {
            match regex::language_pattern_matches(&map.pattern, lang.as_str()) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(reason) => {
                    warnings.push(format!("languagemap {:?}: {reason}; map skipped", map.pattern));
                    continue;
                }
            }
            match self.language_rules.iter().find(|r| r.name == map.rules) {
                Some(set) => sets.push(set),
                None => warnings.push(format!(
                    "languagemap {:?} names rule set {:?}, which the file does not define",
                    map.pattern, map.rules
                )),
            }
            if !self.cascade {
                break;
            }
        }
        (sets, warnings)
    }

    /// Compile the rules that apply to `lang`. Also returns one warning per rule whose
    /// regex cannot be translated (that rule is left out, never silently).
    pub fn segmenter(&self, lang: &Lang) -> Result<(SrxSegmenter, Vec<String>)> {
        let (sets, mut warnings) = self.rule_sets_for(lang);
        if self.icu4j_break_rules {
            warnings.push(
                "useIcu4jBreakRules=\"yes\" is not supported: only the file's explicit rules run, \
                 without ICU's break iterator underneath"
                    .to_string(),
            );
        }
        let (segmenter, rule_warnings) = SrxSegmenter::compile(&sets);
        warnings.extend(rule_warnings);
        Ok((segmenter, warnings))
    }

    /// Write as SRX 2.0 XML.
    pub fn to_xml(&self) -> String {
        write::to_xml(self)
    }
}
