//! Language tags (BCP 47) and the script facts the rest of tomo needs about a language.
//!
//! Tags compare case-insensitively, accept `_` for `-` (`EN_us` is `en-US`), keep the
//! region, and a lookup for `ja` finds `ja-JP` through [`Lang::matches`] (region fallback).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A language tag in canonical case: primary subtag lower case, script title case,
/// region upper case (`en-US`, `zh-Hant-TW`, `ja`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(String);

impl Lang {
    /// Parse and canonicalize a tag. Accepts `_` as a separator and any case.
    /// Errors on an empty tag or a primary subtag that is not 2–8 ASCII letters
    /// (TMX's `*all*` is not a language; callers handle it before parsing).
    pub fn parse(tag: &str) -> Result<Lang> {
        let tag = tag.trim();
        let mut out = String::with_capacity(tag.len());
        for (i, sub) in tag.split(['-', '_']).enumerate() {
            if sub.is_empty() || !sub.chars().all(|c| c.is_ascii_alphanumeric()) || sub.len() > 8 {
                return Err(Error::invalid(format!("{tag:?} is not a language tag (BCP 47, e.g. en-US, ja)")));
            }
            if i == 0 {
                if sub.len() < 2 || !sub.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(Error::invalid(format!("{tag:?} is not a language tag (BCP 47, e.g. en-US, ja)")));
                }
                out.push_str(&sub.to_ascii_lowercase());
                continue;
            }
            out.push('-');
            if sub.len() == 2 && sub.chars().all(|c| c.is_ascii_alphabetic()) {
                out.push_str(&sub.to_ascii_uppercase());
            } else if sub.len() == 4 && sub.chars().all(|c| c.is_ascii_alphabetic()) {
                out.push_str(&sub[..1].to_ascii_uppercase());
                out.push_str(&sub[1..].to_ascii_lowercase());
            } else {
                out.push_str(&sub.to_ascii_lowercase());
            }
        }
        Ok(Lang(out))
    }

    /// The whole tag, canonical case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag, lower case (`ja` for `ja-JP`).
    pub fn base(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// Does a request for `self` accept a variant tagged `other`? Equal tags match; a tag
    /// without a region (`ja`) matches any tag with the same primary subtag (`ja-JP`), and
    /// the other way round (`ja-JP` accepts a bare `ja`). `en-US` does not match `en-GB`.
    pub fn matches(&self, other: &Lang) -> bool {
        if self == other {
            return true;
        }
        if self.base() != other.base() {
            return false;
        }
        !self.0.contains('-') || !other.0.contains('-')
    }

    /// How text in this language is written, which decides tokenization and counting.
    pub fn script(&self) -> Script {
        match self.base() {
            "ja" => Script::Japanese,
            "zh" | "yue" | "wuu" => Script::Chinese,
            "ko" => Script::Korean,
            "th" | "lo" | "km" | "my" => Script::NoSpaces,
            _ => Script::Spaced,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Lang> {
        Lang::parse(s)
    }
}

/// The writing-system facts tomo cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Words separated by spaces (Latin, Cyrillic, Greek, Arabic ...).
    Spaced,
    /// Japanese: no spaces, kana and kanji; counted and matched by character.
    Japanese,
    /// Chinese: no spaces; counted and matched by character.
    Chinese,
    /// Korean: hangul with spaces between eojeol.
    Korean,
    /// Other scripts written without spaces (Thai, Lao, Khmer, Burmese).
    NoSpaces,
}

/// Parse a comma-separated list of tags (`ja,en` or `ja-JP, en-US`).
pub fn parse_list(s: &str) -> Result<Vec<Lang>> {
    s.split(',').filter(|t| !t.trim().is_empty()).map(Lang::parse).collect()
}

/// Is `c` a CJK ideograph (Han), kana, or CJK punctuation/full-width form?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F   // CJK symbols and punctuation
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x31F0..=0x31FF // katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK ext A
        | 0x4E00..=0x9FFF // CJK unified
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF00..=0xFFEF // half/full-width forms
        | 0x20000..=0x3FFFF)
}

/// Is `c` a hangul syllable or jamo?
pub fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xD7B0..=0xD7FF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_case_and_underscore() {
        assert_eq!(Lang::parse("EN_us").unwrap().as_str(), "en-US");
        assert_eq!(Lang::parse("zh-hant-tw").unwrap().as_str(), "zh-Hant-TW");
        assert_eq!(Lang::parse("JA").unwrap().as_str(), "ja");
        assert!(Lang::parse("").is_err());
        assert!(Lang::parse("*all*").is_err());
        assert!(Lang::parse("e").is_err());
    }

    #[test]
    fn region_fallback() {
        let ja = Lang::parse("ja").unwrap();
        let ja_jp = Lang::parse("ja-JP").unwrap();
        let en_us = Lang::parse("en-US").unwrap();
        let en_gb = Lang::parse("en-GB").unwrap();
        assert!(ja.matches(&ja_jp));
        assert!(ja_jp.matches(&ja));
        assert!(!en_us.matches(&en_gb));
        assert!(!ja.matches(&en_us));
    }

    #[test]
    fn scripts() {
        assert_eq!(Lang::parse("ja-JP").unwrap().script(), Script::Japanese);
        assert_eq!(Lang::parse("ko").unwrap().script(), Script::Korean);
        assert_eq!(Lang::parse("fr-CA").unwrap().script(), Script::Spaced);
    }
}
