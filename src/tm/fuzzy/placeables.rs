//! Numbers as placeables: when a stored source differs from the query only in its numbers,
//! the translation's numbers can be replaced by the query's. Shared with `tomo translate`.

use unicode_normalization::UnicodeNormalization;

/// A number in plain text: its byte range and its value as written, NFKC-folded
/// (full-width digits become ASCII) so `３．５` and `3.5` compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSpan {
    /// Byte range in the text.
    pub range: std::ops::Range<usize>,
    /// The folded digits and separators.
    pub value: String,
}

fn digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn separator(c: char) -> bool {
    matches!(c, '.' | ',' | '．' | '，')
}

/// The numbers in `text` (plain or normalized): digit runs with single inner `.`/`,`
/// separators, ASCII or full-width. A digit run glued to letters (`5G`, `COVID19`) is a
/// word, not a number, as in tokenization.
pub fn numbers(text: &str) -> Vec<NumberSpan> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let glued_before = i > 0 && chars[i - 1].1.is_alphabetic() && chars[i - 1].1.is_ascii();
        if !digit(c) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            if digit(chars[j].1) || (separator(chars[j].1) && j + 1 < chars.len() && digit(chars[j + 1].1)) {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
        let glued_after = chars.get(j).is_some_and(|&(_, d)| d.is_alphabetic() && d.is_ascii());
        if !glued_before && !glued_after {
            out.push(NumberSpan { range: start..end, value: text[start..end].nfkc().collect() });
        }
        i = j;
    }
    out
}

/// Replace, in `target`, the numbers of `source` by the corresponding numbers of `query`
/// (the i-th number of the source by the i-th of the query). Returns `None` when that is
/// ambiguous: the source and query have different counts of numbers, or a number to
/// replace does not occur exactly once in the source and exactly once in the target.
/// Numbers equal in source and query are left alone. The replacement keeps the query's
/// form (`３` stays full-width if typed so).
pub fn substitute_numbers(source: &str, query: &str, target: &str) -> Option<String> {
    let s = numbers(source);
    let q = numbers(query);
    if s.len() != q.len() {
        return None;
    }
    let t = numbers(target);
    let mut edits: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for (sn, qn) in s.iter().zip(&q) {
        if sn.value == qn.value {
            continue;
        }
        if s.iter().filter(|x| x.value == sn.value).count() != 1 {
            return None;
        }
        let mut hits = t.iter().filter(|x| x.value == sn.value);
        let (Some(hit), None) = (hits.next(), hits.next()) else { return None };
        edits.push((hit.range.clone(), &query[qn.range.clone()]));
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = target.to_string();
    for (r, with) in edits {
        out.replace_range(r, with);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_numbers_not_words() {
        let v: Vec<String> =
            numbers("3.5% of 1,200 in ２０２４, not 5G or COVID19.").into_iter().map(|n| n.value).collect();
        assert_eq!(v, ["3.5", "1,200", "2024"]);
    }

    #[test]
    fn substitutes_unambiguous_numbers() {
        let got = substitute_numbers("売上は3月に5%増えた。", "売上は4月に5%増えた。", "Sales rose 5% in month 3.");
        assert_eq!(got.as_deref(), Some("Sales rose 5% in month 4."));
        let got = substitute_numbers("2023年に10人", "2024年に12人", "10 people in 2023");
        assert_eq!(got.as_deref(), Some("12 people in 2024"));
    }

    #[test]
    fn refuses_ambiguous_substitution() {
        assert_eq!(substitute_numbers("3 and 3", "4 and 3", "3 et 3"), None, "3 twice in the source");
        assert_eq!(substitute_numbers("in 3 days", "in 4 days", "dans trois jours"), None, "not in the target");
        assert_eq!(substitute_numbers("1 2", "1", "1 2"), None, "different counts");
    }

    #[test]
    fn full_width_numbers_match_ascii() {
        assert_eq!(substitute_numbers("３日", "4日", "on the 3rd").as_deref(), None, "3rd is a word");
        assert_eq!(substitute_numbers("３日", "4日", "day 3").as_deref(), Some("day 4"));
    }
}
