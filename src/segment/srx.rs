//! SRX 2.0 segmentation rules: parse a rule file, run it, and write one.
//!
//! API contract (the SRX work fills in the bodies; names and signatures stay):
//! [`SrxRules::load`]/[`SrxRules::parse`] read a file, [`SrxRules::segmenter`] compiles the
//! rules that apply to a language (through `maprules`, in cascade order) into a
//! [`SrxSegmenter`], and [`SrxRules::to_xml`] writes SRX 2.0.

use std::path::Path;

use super::Segmenter;
use crate::error::{Error, ErrorKind, Result};
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

/// A segmenter running compiled SRX rules for one language.
pub struct SrxSegmenter {}

impl SrxRules {
    /// Read an SRX file.
    pub fn load(path: &Path) -> Result<SrxRules> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).in_file(path))?;
        Self::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Parse SRX 2.0 XML.
    pub fn parse(_xml: &str) -> Result<SrxRules> {
        Err(Error::new(ErrorKind::Unsupported, "SRX is not built yet"))
    }

    /// Compile the rules that apply to `lang`. Also returns one warning per rule whose
    /// regex cannot be translated (that rule is left out, never silently).
    pub fn segmenter(&self, _lang: &Lang) -> Result<(SrxSegmenter, Vec<String>)> {
        Err(Error::new(ErrorKind::Unsupported, "SRX is not built yet"))
    }

    /// Write as SRX 2.0 XML.
    pub fn to_xml(&self) -> String {
        String::new()
    }
}

impl Segmenter for SrxSegmenter {
    fn breaks(&self, _block: &str) -> Vec<usize> {
        Vec::new()
    }
}
