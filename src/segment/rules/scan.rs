//! The scanner: one pass over a block's bytes that stops only at sentence-final marks, and a
//! decision at each mark from the text around it and the language's [`LangRules`].
//!
//! Cost is linear in the block: ASCII bytes that are not `.`, `?`, `!` cost one comparison;
//! the words around a mark are looked at in place, never copied except one short lower-cased
//! word per period.

use super::Style;
use super::data::LangRules;
use super::labels::{Markers, is_bullet, list_markers};
use super::protect::{self, Spans};

/// Byte offsets where sentences end inside `block` (ascending, strictly inside it).
pub(super) fn breaks(r: &LangRules, block: &str) -> Vec<usize> {
    let style = r.style();
    let bytes = block.as_bytes();
    let spans = protect::find(block, r.quote_cap, style == Style::Cjk);
    let Markers { breaks: mut out, skip: labels } =
        if style == Style::Cjk { Markers::default() } else { list_markers(block) };
    let mut cursor = 0usize;
    let mut skip = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if !MARK_BYTE[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let Some(c) = block.get(i..).and_then(|s| s.chars().next()) else {
            i += 1; // a continuation byte of a character we skip whole
            continue;
        };
        let face = if matches!(c, '(' | '（') { spans.emoticon_at(i) } else { None };
        // Speech broken off with a dash ends a sentence too: `to--" At this moment`.
        let cut_off = style == Style::Spaced
            && matches!(c, '"' | '”')
            && (block[..i].ends_with("--") || block[..i].ends_with('—'));
        if face.is_none() && !cut_off && !is_terminator(c, style) && !r.terminators.contains(&c) {
            i += c.len_utf8();
            continue;
        }
        while skip < labels.len() && labels[skip].1 <= i {
            skip += 1;
        }
        if let Some(&(s, e)) = labels.get(skip).filter(|&&(s, _)| s <= i) {
            i = e.max(s + 1);
            continue;
        }
        let run = Run::from(block, i, style, &spans, &r.terminators);
        if run.end < block.len() && !spans.inside(&mut cursor, run.end) && decide(r, style, block, i, &run) {
            out.push(run.end);
        }
        i = run.end.max(i + 1);
    }
    if style == Style::Korean && !r.endings.is_empty() {
        informal_endings(r, block, &spans, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out.retain(|&p| p > 0 && p < block.len());
    out
}

/// Korean informal writing ends many sentences with no mark: break at the space after a
/// word that ends in one of the language's `endings`, when a Korean word follows.
fn informal_endings(r: &LangRules, block: &str, spans: &Spans, out: &mut Vec<usize>) {
    let b = block.as_bytes();
    let mut cursor = 0;
    let mut word_start = 0;
    for k in memchr::memchr_iter(b' ', b) {
        let word = &block[word_start..k];
        word_start = k + 1;
        // The cheap test first: most words do not end in an ending.
        if !r.endings.iter().any(|e| word.ends_with(e.as_str())) {
            continue;
        }
        let syllable = |c: char| ('\u{AC00}'..='\u{D7A3}').contains(&c);
        let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
        if word.chars().count() >= 2
            && block[k + 1..].chars().next().is_some_and(syllable)
            && !r.ending_exceptions.contains(word)
            && !spans.inside(&mut cursor, k)
        {
            out.push(k);
        }
    }
}

/// Bytes worth a look in the main loop: ASCII marks, and the lead bytes of the UTF-8
/// sequences that hold every non-ASCII mark `is_terminator` knows (kanji and hangul, whose
/// lead bytes are 0xE4..=0xED, are skipped a byte at a time without decoding).
static MARK_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let ascii = b".?!(~^:\"";
    let mut k = 0;
    while k < ascii.len() {
        t[ascii[k] as usize] = true;
        k += 1;
    }
    // Arabic and Urdu (D8, DB), Armenian (D6), Devanagari (E0), Ethiopic and Burmese (E1),
    // general punctuation and symbols (E2), CJK punctuation and jamo (E3), full-width forms
    // (EF), emoji (F0).
    let leads = [0xD6u8, 0xD8, 0xDB, 0xE0, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0];
    let mut k = 0;
    while k < leads.len() {
        t[leads[k] as usize] = true;
        k += 1;
    }
    t
};

/// A run of sentence-final marks with the closers and footnote marks that belong to it.
struct Run {
    /// Where the sentence would end: after the marks, closers and footnotes.
    end: usize,
    /// The last sentence-final mark of the run.
    last: char,
    /// Whether the run holds an ASCII or full-width period (not only `?`, `!`, `…`).
    period: bool,
    /// Whether the run is only one mark (no closer, no second mark).
    single: bool,
    /// How many marks the run holds (`...` is three).
    marks: usize,
}

impl Run {
    fn from(block: &str, i: usize, style: Style, spans: &Spans, extra: &[char]) -> Run {
        let mut j = i;
        let mut last = '.';
        let mut period = false;
        let mut marks = 0;
        let mut others = 0;
        while j < block.len() {
            if let Some(e) = spans.emoticon_at(j) {
                j = e;
                last = '☆';
                marks += 1;
                continue;
            }
            let c = block[j..].chars().next().expect("j is on a char boundary");
            if is_terminator(c, style) || extra.contains(&c) {
                period |= matches!(c, '.' | '．' | '。');
                last = c;
                marks += 1;
                j += c.len_utf8();
            } else if c == ' ' && style != Style::Cjk && last == '.' && block[j + 1..].starts_with('.') {
                j += 1; // a spaced ellipsis ". . ."
                others += 1;
            } else if is_closer(c) {
                j += c.len_utf8();
                others += 1;
            } else {
                break;
            }
        }
        if style != Style::Cjk {
            j = footnotes(block, i, j, last == '.');
            j = emoji_tail(block, j);
        }
        Run { end: j, last, period, single: marks == 1 && others == 0, marks }
    }
}

/// Extend a run over emoji that stand alone after it (`하니까요. 😲😲😲`): they close the
/// sentence before them.
fn emoji_tail(block: &str, j: usize) -> usize {
    let rest = &block[j..];
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() {
        return j;
    }
    let n: usize = trimmed
        .chars()
        .take_while(|&c| is_emoji(c) || ('ㄱ'..='ㅣ').contains(&c) || c == '^')
        .map(char::len_utf8)
        .sum();
    let after = &trimmed[n..];
    let only_emoji = trimmed[..n].chars().all(is_emoji);
    if n > 0 && (only_emoji || after.chars().next().is_none_or(char::is_whitespace)) {
        j + (rest.len() - trimmed.len()) + n
    } else {
        j
    }
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF)
}

/// Korean syllables that end a sentence (the last syllable of -다, -요, -죠, -네, and of
/// the written-style nominal endings -음, -임, -함, -됨). Not 까 and 지, which also end
/// connectives (-니까, -지만 cut short).
fn korean_final(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        matches!(
            c,
            '다' | '요' | '죠' | '까' | '네' | '지' | '음' | '임' | '함' | '됨' | '용' | '당' | '듯' | '군' | '나'
        )
    })
}

/// Extend a run over footnote marks: `[1]`, `[7][8]`, and bare numbers right after a period
/// that ends a word (`consultation.11 12 Take`), when a capitalized word follows.
fn footnotes(block: &str, start: usize, mut j: usize, period_last: bool) -> usize {
    let b = block.as_bytes();
    while j < b.len() && b[j] == b'[' {
        let k = j
            + 1
            + b[j + 1..]
                .iter()
                .take(12)
                .take_while(|&&x| x.is_ascii_digit() || matches!(x, b',' | b'-' | b' '))
                .count();
        if k > j + 1 && k < b.len() && b[k] == b']' && b[j + 1].is_ascii_digit() {
            j = k + 1;
        } else if let Some(close) = block[j..].char_indices().take(12).find(|&(_, c)| c == ']').map(|(n, _)| j + n)
            && block[j..close].bytes().any(|x| x.is_ascii_digit())
        {
            j = close + 1; // a labelled note: [참고 2], [note 3]
        } else {
            break;
        }
    }
    if period_last && j == start + 1 && j < b.len() && b[j].is_ascii_digit() {
        let prev = block[..start].chars().next_back();
        if prev.is_some_and(|p| p.is_lowercase() || p == ')') {
            let mut k = j;
            loop {
                let d = b[k..].iter().take_while(|x| x.is_ascii_digit()).count();
                if d == 0 || d > 3 {
                    return j;
                }
                k += d;
                if k + 1 < b.len() && b[k] == b' ' && b[k + 1].is_ascii_digit() {
                    k += 1;
                    continue;
                }
                break;
            }
            let rest = &block[k..];
            let trimmed = rest.trim_start();
            if trimmed.len() < rest.len() && trimmed.chars().next().is_some_and(char::is_uppercase) {
                return k;
            }
        }
    }
    j
}

fn decide(r: &LangRules, style: Style, block: &str, i: usize, run: &Run) -> bool {
    if block[..i].ends_with(['(', '（']) {
        return false; // an aside mark, "(?)" or "(!)", is not a sentence end
    }
    match style {
        Style::Cjk => decide_cjk(r, block, i, run),
        Style::Spaced | Style::Korean => decide_spaced(r, style, block, i, run),
    }
}

fn decide_cjk(r: &LangRules, block: &str, i: usize, run: &Run) -> bool {
    let after = &block[run.end..];
    let Some(next) = after.chars().next() else { return false };
    let prev = block[..i].chars().next_back();
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    if run.single && matches!(run.last, '.' | '．') && digit(prev) && digit(Some(next)) {
        return false; // a decimal: ３．２９, 2.1
    }
    if block.as_bytes()[i] == b'.' && block[..i].trim().bytes().all(|b| b.is_ascii_digit()) {
        return false; // a list number at the start: 1.）
    }
    if run.single && run.last == '.' {
        if next.is_ascii_alphanumeric() || matches!(next, '@' | '_' | '-' | '/') {
            return false; // test1.py, an address
        }
        let word = ascii_word_before(block, i);
        if !word.is_empty() && r.never_final.contains(&word.to_ascii_lowercase()) && digit(Some(next)) {
            return false;
        }
    }
    if let Some(rest) = after.strip_prefix('と') {
        if !rest.chars().next().is_some_and(|c| ('\u{3041}'..='\u{3096}').contains(&c)) && !r.quotative.is_empty() {
            return false; // と思った, と、: a quotative particle, not a sentence start
        }
    }
    !r.quotative.iter().any(|q| after.starts_with(q.as_str()))
}

fn decide_spaced(r: &LangRules, style: Style, block: &str, i: usize, run: &Run) -> bool {
    let after = &block[run.end..];
    let Some(next) = after.chars().next() else { return false };
    let prev = block[..i].chars().next_back();
    if style == Style::Korean && matches!(run.last, '~' | '～' | '^') && !korean_final(prev) {
        return false; // "며칠 전~ 아버님": a tilde ends a sentence only after a final ending
    }
    let ellipsis = run.last == '…' || (run.marks > 1 && run.last == '.');
    if style == Style::Korean && ellipsis && !korean_final(prev) {
        return false; // "물론... 영화만": trailing off mid-sentence, not after a final ending
    }
    if !next.is_whitespace() {
        if style == Style::Korean
            && (run.single || ellipsis)
            && prev.is_some_and(crate::lang::is_hangul)
            && (crate::lang::is_hangul(next) || is_opener(next) || matches!(next, '<' | '[' | '"' | '\''))
        {
            return true; // "줄거리다.극악의": Korean often omits the space after a period
        }
        // Full-width marks end a sentence with no space after them.
        return matches!(run.last, '。' | '？' | '！' | '።' | '፧')
            || (run.last == '．' && !(prev.is_some_and(|c| c.is_numeric()) && next.is_numeric()));
    }
    let rest = after.trim_start();
    let Some(first) = rest.chars().next() else { return false };
    if first == '(' && style == Style::Spaced {
        // "(cited from ...)" continues the sentence; a whole sentence in parentheses between
        // two sentences is one of its own: `think!" (Dinah was the cat.) "I hope`.
        return parenthesized_sentence(rest);
    }
    if style == Style::Korean && r.quotative.iter().any(|q| rest.starts_with(q.as_str())) {
        return false; // a quoted question: "알려주지? 라는 생각이"
    }
    let (w_start, word) = word_before(block, i);
    // (Bounded look-backs and look-aheads keep a block of marks alone linear.)
    if word.is_empty() && (run.period || !block[..i].chars().rev().take(200).any(char::is_alphanumeric)) {
        return false; // a lone mark, or a spaced ellipsis after a space
    }
    let letter = rest.chars().take(64).find(|c| c.is_alphanumeric());
    let lower_next = letter.is_some_and(char::is_lowercase);
    if style == Style::Spaced && lower_next {
        return false;
    }
    let lw = word.to_lowercase();
    if !run.period || run.last == '…' || run.marks > 1 {
        return !(run.last == '!' && r.exclamation_words.contains(&lw));
    }
    let at_start = block[..w_start].chars().all(|c| c.is_whitespace() || is_bullet(c));
    let single = lw.chars().count() == 1;
    if at_start && (single || lw.bytes().all(|b| b.is_ascii_digit())) {
        return false; // a list label opening the block: "1. This is ..."
    }
    if r.never_final.contains(&lw) {
        return false;
    }
    if r.final_before_capital.contains(&lw) {
        return letter.is_some_and(char::is_uppercase);
    }
    let next_word: String = rest
        .trim_start_matches(|c: char| is_opener(c) || matches!(c, '"' | '\''))
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '\'' || *c == '’')
        .flat_map(char::to_lowercase)
        .collect();
    let next_word = next_word.split(['\'', '’']).next().unwrap_or("");
    if lw.len() <= 2 && lw.bytes().all(|b| b.is_ascii_digit()) && r.after_ordinal.contains(next_word) {
        return false; // an ordinal or a date: "am 12. Juni"
    }
    if r.final_before_start.contains(&lw) || is_initialism(&lw) || (single && word == "I") {
        return r.starters.contains(next_word);
    }
    if single && lw.chars().all(|c| c.is_alphabetic() && (c.is_lowercase() || c.is_uppercase())) {
        return false; // an initial: "Alfred E. Sloan"
    }
    if style == Style::Korean && lw.bytes().all(|b| b.is_ascii_digit()) && first.is_ascii_digit() {
        return false; // a date: 2021. 3. 5.
    }
    true
}

/// Does `rest` open with `(A whole sentence.)` that more text follows?
fn parenthesized_sentence(rest: &str) -> bool {
    let Some(close) = rest.char_indices().take(300).skip(1).find(|&(_, c)| matches!(c, '(' | ')')).map(|(k, _)| k)
    else {
        return false;
    };
    let inner = &rest[1..close];
    rest[close..].starts_with(')')
        && inner.chars().next().is_some_and(char::is_uppercase)
        && inner.ends_with(['.', '?', '!'])
        && !rest[close + 1..].trim().is_empty()
}

/// The word that ends at byte `i`, without the openers before it and the closers after it:
/// `(Ind` for `(Ind.)`, `70` for `[70].`. Returns its start and text.
fn word_before(block: &str, i: usize) -> (usize, &str) {
    let start = block[..i]
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |k| k + block[k..].chars().next().map_or(1, char::len_utf8));
    let raw = &block[start..i];
    let lead = raw.len() - raw.trim_start_matches(|c: char| is_opener(c) || matches!(c, '"' | '\'')).len();
    let word = raw[lead..].trim_end_matches(|c: char| is_closer(c) || matches!(c, '"' | '\''));
    (start + lead, word)
}

fn ascii_word_before(block: &str, i: usize) -> &str {
    let b = block.as_bytes();
    let mut k = i;
    while k > 0 && b[k - 1].is_ascii_alphabetic() {
        k -= 1;
    }
    &block[k..i]
}

/// `u.s`, `j.c`, `u.s.a`: single letters joined by periods.
fn is_initialism(w: &str) -> bool {
    w.contains('.')
        && w.split('.').all(|p| {
            let mut cs = p.chars();
            cs.next().is_some_and(char::is_alphabetic) && cs.next().is_none()
        })
}

/// Marks that can end a sentence in `style`.
fn is_terminator(c: char, style: Style) -> bool {
    match c {
        '.' | '?' | '!' | '…' | '。' | '．' | '？' | '！' | '‼' | '⁇' | '⁈' | '⁉' => true,
        // Arabic question mark, Urdu full stop, danda, Armenian, Ethiopic, Burmese.
        '؟' | '۔' | '।' | '॥' | '։' | '።' | '፧' | '။' => style != Style::Cjk,
        // Informal Japanese ends sentences with these, and with emoji.
        '☆' | '★' | '♪' | '♫' => style == Style::Cjk,
        // Korean informal text ends sentences with laughter and emotive marks.
        'ㄱ'..='ㅣ' | '~' | '～' | '^' => style == Style::Korean,
        _ => style != Style::Spaced && is_emoji(c),
    }
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '"' | '\'' | '”' | '’' | '»' | '）' | '」' | '』' | '】' | '》' | '〉' | '〕' | '］' | '＂'
    )
}

fn is_opener(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '“' | '‘' | '«' | '（' | '「' | '『' | '【' | '《' | '〈' | '〔' | '［')
}
