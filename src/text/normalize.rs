//! The normalized form of a segment, used for matching and indexing.

use unicode_normalization::UnicodeNormalization;

/// The matching form of `text`: NFKC (which also folds full-width ASCII to half-width and
/// half-width katakana to full-width), whitespace runs collapsed to one space and trimmed,
/// and lower case where the script has case.
///
/// Invariant: idempotent (`normalize(normalize(x)) == normalize(x)`).
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return normalize_ascii(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    // Lower-casing can produce sequences NFKC would compose differently (rare: Turkish İ).
    if out.nfkc().eq(out.chars()) { out } else { out.nfkc().collect() }
}

/// The fast path for ASCII, which NFKC leaves unchanged: collapse spaces and lower-case.
fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
    }
    out
}

/// `text` after NFKC with every whitespace character removed: what the aligner's length
/// model counts.
pub fn strip_whitespace(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_case_and_spaces() {
        assert_eq!(normalize("  Ｈｅｌｌｏ\u{3000} WORLD\t\n１２３ "), "hello world 123");
        assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(normalize("東京で３．２９％"), "東京で3.29%");
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_path() {
        for s in ["  Hello\tWORLD \x0b x ", "", " ", "a\u{0c}b", "Mr. Smith's 3.5% rise"] {
            let general: String = {
                let mut out = String::new();
                for w in s.split_whitespace() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&w.to_lowercase());
                }
                out
            };
            assert_eq!(normalize(s), general, "{s:?}");
        }
    }

    #[test]
    fn idempotent() {
        for s in ["İstanbul ＡＢＣ", "ﬁne  Straße", "한국어 　테스트"] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once);
        }
    }

    #[test]
    fn strip_whitespace_counts_characters() {
        assert_eq!(strip_whitespace("a b\u{3000}ｃ"), "abc");
    }
}
