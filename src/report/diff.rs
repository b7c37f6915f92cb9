//! Which parts of a sentence differ from the memory's source it was matched with, for the
//! highlighting in the draft table: a longest-common-subsequence diff over characters
//! (Japanese, Chinese) or words and the spaces between them (other languages).

use std::ops::Range;

use crate::lang::{Lang, Script};

/// Byte ranges of `text` that are not in `matched` (in order, not overlapping, merged when
/// adjacent). Empty when the two are equal.
pub fn changed_spans(text: &str, matched: &str, lang: &Lang) -> Vec<Range<usize>> {
    let a = tokens(text, lang);
    let b: Vec<&str> = tokens(matched, lang).into_iter().map(|r| &matched[r]).collect();
    let a_txt: Vec<&str> = a.iter().map(|r| &text[r.clone()]).collect();
    // Sentences are short (tens of tokens), so the quadratic table is cheap.
    let (n, m) = (a_txt.len(), b.len());
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a_txt[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n {
        if j < m && a_txt[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < m && lcs[i][j + 1] >= lcs[i + 1][j] {
            j += 1;
        } else {
            let r = a[i].clone();
            match out.last_mut() {
                Some(last) if last.end == r.start => last.end = r.end,
                _ => out.push(r),
            }
            i += 1;
        }
    }
    out
}

/// Byte ranges of the tokens of `text`: characters for scripts without spaces, else runs
/// of word characters, runs of spaces, and single other characters.
fn tokens(text: &str, lang: &Lang) -> Vec<Range<usize>> {
    let by_char = matches!(lang.script(), Script::Japanese | Script::Chinese | Script::NoSpaces);
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut prev_class = 0u8;
    for (i, c) in text.char_indices() {
        let class = if by_char {
            0
        } else if c.is_alphanumeric() {
            1
        } else if c.is_whitespace() {
            2
        } else {
            0
        };
        let r = i..i + c.len_utf8();
        match out.last_mut() {
            Some(last) if class != 0 && class == prev_class => last.end = r.end,
            _ => out.push(r),
        }
        prev_class = class;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_by_character() {
        let s = "宮崎県では600ミリ";
        let spans = changed_spans(s, "宮崎県では500ミリ", &Lang::parse("ja").unwrap());
        assert_eq!(spans.iter().map(|r| &s[r.clone()]).collect::<Vec<_>>(), ["6"]);
        assert!(changed_spans(s, s, &Lang::parse("ja").unwrap()).is_empty());
    }

    #[test]
    fn english_by_word() {
        let s = "Prices rose sharply in July.";
        let spans = changed_spans(s, "Prices rose in June.", &Lang::parse("en").unwrap());
        let got: Vec<&str> = spans.iter().map(|r| &s[r.clone()]).collect();
        assert_eq!(got, ["sharply ", "July"]);
    }
}
