//! tomo's built-in rules as an SRX 2.0 model, so a CAT tool (OmegaT, Okapi) can segment the
//! way the memory was segmented.
//!
//! SRX rules are pairs of regexes around a position, tried in order, first match wins. What
//! the scanner decides from wider context cannot be written that way and is left out: quote
//! and bracket spans with their length cap, list labels that must form a sequence, face
//! marks, footnote numbers, "at the start of a block", and emoji after a sentence end. The
//! README's Segmentation section lists these.

use super::Style;
use super::data::LangRules;
use crate::lang::Lang;
use crate::segment::srx::{LanguageMap, LanguageRules, SrxRule, SrxRules};

/// Closers that may follow a sentence-final mark, as a regex class.
const CLOSERS: &str = r#"["'”’)\]」』）】》]*"#;

/// The built-in rules for en, ja, ko, zh, hy and the default, with a language map that
/// sends every other language to the default.
pub fn builtin_srx() -> SrxRules {
    let sets = [
        ("en", "tomo-English", "en.*"),
        ("ja", "tomo-Japanese", "ja.*"),
        ("ko", "tomo-Korean", "ko.*"),
        ("zh", "tomo-Chinese", "zh.*"),
        ("hy", "tomo-Armenian", "hy.*"),
    ];
    let mut srx = SrxRules { cascade: false, ..Default::default() };
    for (tag, name, pattern) in sets {
        let lang = Lang::parse(tag).expect("built-in tags are valid");
        srx.language_rules.push(LanguageRules { name: name.into(), rules: rules_for(LangRules::for_lang(&lang)) });
        srx.maps.push(LanguageMap { pattern: pattern.into(), rules: name.into() });
    }
    let default = LangRules::for_lang(&Lang::parse("xx").expect("a valid tag"));
    srx.language_rules.push(LanguageRules { name: "tomo-Default".into(), rules: rules_for(default) });
    srx.maps.push(LanguageMap { pattern: ".*".into(), rules: "tomo-Default".into() });
    srx
}

fn rule(is_break: bool, before: &str, after: &str) -> SrxRule {
    SrxRule {
        is_break,
        before: (!before.is_empty()).then(|| before.to_string()),
        after: (!after.is_empty()).then(|| after.to_string()),
    }
}

/// `(?i:mr|dr|u\.s)` for a word list, longest first so a prefix never wins.
fn alternation<'a>(words: impl IntoIterator<Item = &'a String>) -> Option<String> {
    let mut w: Vec<&String> = words.into_iter().collect();
    if w.is_empty() {
        return None;
    }
    w.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let parts: Vec<String> = w.iter().map(|s| escape(s)).collect();
    Some(format!("(?i:{})", parts.join("|")))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn rules_for(r: &LangRules) -> Vec<SrxRule> {
    let mut out = Vec::new();
    match r.style() {
        Style::Cjk => {
            // A decimal: ３．２９, 2.1.
            out.push(rule(false, r"[0-9０-９][.．]", r"[0-9０-９]"));
            // An address or a file name: test1.py, a.b@example.jp.
            out.push(rule(false, r"[A-Za-z0-9]\.", r"[A-Za-z0-9@_/-]"));
            if !r.quotative.is_empty() {
                let q = alternation(&r.quotative).unwrap_or_default();
                out.push(rule(false, &format!("[。．？！!?…]+{CLOSERS}"), &format!("(?:と[^\\u3041-\\u3096]|{q})")));
            }
            out.push(rule(true, &format!("[。．？！!?…]+{CLOSERS}"), ""));
        }
        Style::Spaced | Style::Korean => {
            let spaced = r.style() == Style::Spaced;
            if let Some(words) = alternation(&r.never_final) {
                out.push(rule(false, &format!(r"\b{words}\."), r"\s"));
            }
            if let Some(words) = alternation(&r.final_before_capital) {
                out.push(rule(true, &format!(r"\b{words}\."), r"\s+\p{Lu}"));
                out.push(rule(false, &format!(r"\b{words}\."), r"\s"));
            }
            let starters = alternation(&r.starters);
            let abbrevs = alternation(&r.final_before_start);
            for before in
                [abbrevs.map(|a| format!(r"\b{a}\.")), Some(r"\b(?:\p{L}\.){2,}".to_string())].into_iter().flatten()
            {
                if let Some(s) = &starters {
                    out.push(rule(true, &before, &format!(r#"\s+["'“‘(]*{s}\b"#)));
                }
                out.push(rule(false, &before, r"\s"));
            }
            if spaced {
                // An initial ("Alfred E. Sloan"), and a period before a lower-case word.
                out.push(rule(false, r"\b\p{Lu}\.", r"\s"));
                out.push(rule(false, &format!("[.?!…]+{CLOSERS}"), r#"\s+["'“‘(]*\p{Ll}"#));
            } else if !r.endings.is_empty() {
                // A Korean date: 2021. 3. 5.
                out.push(rule(false, r"\b[0-9]+\.", r"\s+[0-9]"));
                if let Some(ex) = alternation(&r.ending_exceptions) {
                    out.push(rule(false, &format!(r"(?:^|\s){ex}"), r"\s"));
                }
                let endings = alternation(&r.endings).unwrap_or_default();
                out.push(rule(true, &format!(r"\p{{IsHangul}}{endings}"), r"\s+\p{IsHangul}"));
            }
            if !r.terminators.is_empty() {
                let marks: String = r.terminators.iter().map(|c| escape(&c.to_string())).collect();
                out.push(rule(true, &format!("[{marks}]+{CLOSERS}"), r"\s"));
            }
            out.push(rule(false, r"\(", ""));
            out.push(rule(true, &format!("[.?!…]+{CLOSERS}"), r"\s"));
            out.push(rule(true, &format!("[。．？！]+{CLOSERS}"), ""));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_rules_and_a_map() {
        let srx = builtin_srx();
        assert_eq!(srx.language_rules.len(), 6);
        assert_eq!(srx.maps.last().map(|m| m.pattern.as_str()), Some(".*"));
        for set in &srx.language_rules {
            assert!(set.rules.iter().any(|r| r.is_break), "{} has no break rule", set.name);
            assert!(srx.maps.iter().any(|m| m.rules == set.name));
        }
        let en = &srx.language_rules[0];
        assert!(
            en.rules.iter().any(|r| r.before.as_deref().is_some_and(|b| b.contains(r"\bmr|") || b.contains("|mr|")))
        );
    }

    #[test]
    fn every_regex_compiles() {
        // The Rust regex dialect is close enough to Java's for what the export writes,
        // except \p{IsHangul}, which Rust spells \p{Hangul}.
        for set in builtin_srx().language_rules {
            for r in set.rules {
                for re in [r.before, r.after].into_iter().flatten() {
                    let rust =
                        re.replace(r"\p{IsHangul}", r"\p{Hangul}").replace(r"\u3041-\u3096", "\u{3041}-\u{3096}");
                    assert!(regex::Regex::new(&rust).is_ok(), "{}: {re}", set.name);
                }
            }
        }
    }
}
