//! The normalized form of a segment, used for matching and indexing.

use unicode_normalization::UnicodeNormalization;

/// The matching form of `text`: NFKC (which also folds full-width ASCII to half-width and
/// half-width katakana to full-width), whitespace runs collapsed to one space and trimmed,
/// and lower case where the script has case.
///
/// Invariant: idempotent (`normalize(normalize(x)) == normalize(x)`).
pub fn normalize(text: &str) -> String {
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
