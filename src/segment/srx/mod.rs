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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::segment::{NewlineMode, segment};

    fn data(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/srx").join(name)
    }

    fn lang(tag: &str) -> Lang {
        Lang::parse(tag).expect("test language tags are valid")
    }

    fn split(rules: &SrxRules, tag: &str, input: &str) -> Vec<String> {
        let (segmenter, _) = rules.segmenter(&lang(tag)).expect("rules compile");
        segment(input, &segmenter, NewlineMode::Wrap).iter().map(|s| s.text(input).to_string()).collect()
    }

    /// Every case in tests/data/srx/cases.jsonl: adding a case needs no Rust code.
    #[test]
    fn data_driven_cases() {
        let text = std::fs::read_to_string(data("cases.jsonl")).expect("cases.jsonl is readable");
        let mut failures = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let case: serde_json::Value = serde_json::from_str(line).expect("cases.jsonl is valid JSON");
            let rules = SrxRules::load(&data(case["srx"].as_str().expect("srx"))).expect("test SRX loads");
            let got = split(&rules, case["lang"].as_str().expect("lang"), case["input"].as_str().expect("input"));
            let expected: Vec<String> = serde_json::from_value(case["expected"].clone()).expect("expected");
            if got != expected {
                failures.push(format!("line {}: {}\n  expected {expected:?}\n  got      {got:?}", n + 1, case["why"]));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn parses_header_sets_and_maps() {
        let rules = SrxRules::load(&data("cascade.srx")).unwrap();
        assert!(rules.cascade);
        assert!(rules.segment_subflows);
        assert_eq!(rules.language_rules.len(), 2);
        assert_eq!(rules.language_rules[0].name, "English");
        assert_eq!(
            rules.language_rules[0].rules[0],
            SrxRule { is_break: false, before: Some(r"\bMr\.".into()), after: Some(r"\s".into()) }
        );
        assert_eq!(rules.maps[1], LanguageMap { pattern: ".*".into(), rules: "Default".into() });
        assert!(!SrxRules::load(&data("nocascade.srx")).unwrap().cascade);
    }

    #[test]
    fn language_pattern_is_a_whole_string_case_insensitive_match() {
        let rules = SrxRules::load(&data("cascade.srx")).unwrap();
        let names = |tag: &str| rules.rule_sets_for(&lang(tag)).0.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names("en-US"), ["English", "Default"]);
        assert_eq!(names("ja"), ["Default"]);
        // `EN.*` must match the whole code: "ben" contains "en" but does not start with it.
        assert_eq!(names("ben"), ["Default"]);
        let exact =
            SrxRules { maps: vec![LanguageMap { pattern: "EN".into(), rules: "English".into() }], ..rules.clone() };
        assert_eq!(exact.rule_sets_for(&lang("en")).0.len(), 1);
        assert!(exact.rule_sets_for(&lang("en-US")).0.is_empty());
    }

    #[test]
    fn untranslatable_rule_is_reported_with_set_number_and_pattern() {
        let rules = SrxRules::load(&data("untranslatable.srx")).unwrap();
        assert!(rules.icu4j_break_rules);
        let (segmenter, warnings) = rules.segmenter(&lang("en")).unwrap();
        assert_eq!(segmenter.rule_count(), 1);
        assert!(warnings.iter().any(|w| w.contains("useIcu4jBreakRules")), "{warnings:?}");
        let rule_warning = warnings.iter().find(|w| w.contains("rule 1")).expect("a warning for rule 1");
        assert!(rule_warning.contains("\"Odd\"") && rule_warning.contains(r"\X\."), "{rule_warning}");
    }

    #[test]
    fn map_to_a_missing_rule_set_warns() {
        let rules = SrxRules {
            maps: vec![LanguageMap { pattern: ".*".into(), rules: "Nowhere".into() }],
            ..SrxRules::default()
        };
        let (segmenter, warnings) = rules.segmenter(&lang("en")).unwrap();
        assert_eq!(segmenter.rule_count(), 0);
        assert!(warnings[0].contains("Nowhere"));
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let xml = "<?xml version=\"1.0\"?>\n<srx version=\"2.0\">\n<body>\n<languagerules>\n</body>\n</srx>\n";
        let err = SrxRules::parse(xml).unwrap_err();
        assert_eq!(err.position().line, Some(5), "{err}");
        let err = SrxRules::parse("<srx>\n<body>\n<rule break=\"maybe\"/>").unwrap_err();
        assert_eq!(err.position().line, Some(3), "{err}");
        let err = SrxRules::parse("<?xml version=\"1.0\"?>\n<html/>").unwrap_err();
        assert!(err.to_string().contains("<srx>"), "{err}");
    }

    #[test]
    fn load_error_names_the_file() {
        let err = SrxRules::load(Path::new("/nonexistent/rules.srx")).unwrap_err();
        assert!(err.to_string().contains("rules.srx"), "{err}");
    }

    #[test]
    fn writer_round_trips_every_test_file() {
        for name in ["cascade.srx", "nocascade.srx", "order.srx", "anchoring.srx", "untranslatable.srx"] {
            let rules = SrxRules::load(&data(name)).unwrap();
            let xml = rules.to_xml();
            assert!(xml.contains(r#"<srx xmlns="http://www.lisa.org/srx20" version="2.0">"#));
            let again = SrxRules::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
            // The Okapi ICU flag is not SRX 2.0 and is not written.
            assert_eq!(again, SrxRules { icu4j_break_rules: false, ..rules }, "{name}");
        }
    }

    #[test]
    fn writer_escapes_patterns_and_names() {
        let rules = SrxRules {
            cascade: false,
            segment_subflows: true,
            language_rules: vec![LanguageRules {
                name: "A&B \"q\" <x>".into(),
                rules: vec![
                    SrxRule { is_break: false, before: Some(r"(?<!a&b)<\.>".into()), after: Some("\r\t ]]>".into()) },
                    SrxRule { is_break: true, before: None, after: Some(r"\s".into()) },
                ],
            }],
            maps: vec![LanguageMap { pattern: "E<N>.*".into(), rules: "A&B \"q\" <x>".into() }],
            icu4j_break_rules: false,
        };
        let xml = rules.to_xml();
        assert!(xml.contains(r"<beforebreak>(?&lt;!a&amp;b)&lt;\.&gt;</beforebreak>"), "{xml}");
        assert!(!xml.contains("<afterbreak></afterbreak>"));
        assert_eq!(SrxRules::parse(&xml).unwrap(), rules);
    }
}
