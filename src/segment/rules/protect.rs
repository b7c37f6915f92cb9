//! Spans that hold a sentence together: text between quotes and brackets, where a
//! sentence-final mark does not end the outer sentence (`「…。」と述べた`, `(… engineer.) at`).
//! Also finds Japanese face marks (`(^o^)`, `(笑)`), which end a sentence like a mark does.
//!
//! Openers and closers are matched with a stack; a closer further than the language's cap
//! from its opener does not close it, so an unclosed `「` cannot swallow an article.

/// The protected spans of one block, and its face marks.
#[derive(Debug, Default)]
pub(super) struct Spans {
    /// Disjoint, sorted `(start, end)` byte ranges, opener through closer.
    merged: Vec<(usize, usize)>,
    /// Face marks `(start, end)`, sorted.
    pub emoticons: Vec<(usize, usize)>,
}

impl Spans {
    /// Is `p` strictly inside a span? `cursor` remembers progress: `p` must not decrease
    /// between calls with the same cursor.
    pub fn inside(&self, cursor: &mut usize, p: usize) -> bool {
        while *cursor < self.merged.len() && self.merged[*cursor].1 <= p {
            *cursor += 1;
        }
        self.merged.get(*cursor).is_some_and(|&(s, e)| s < p && p < e)
    }

    /// The face mark starting at byte `i`, if any (its end).
    pub fn emoticon_at(&self, i: usize) -> Option<usize> {
        let k = self.emoticons.partition_point(|&(s, _)| s < i);
        self.emoticons.get(k).filter(|&&(s, _)| s == i).map(|&(_, e)| e)
    }
}

/// Bytes that may start a bracket or quote: the ASCII ones, and the lead bytes C2, E2, E3,
/// EF that every non-ASCII entry of [`PAIRS`] has.
static BRACKET_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"()[]{}\"'\xC2\xE2\xE3\xEF";
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
};

/// Bracket kinds; straight quotes pair with themselves.
const PAIRS: &[(char, char)] = &[
    ('(', ')'),
    ('[', ']'),
    ('{', '}'),
    ('（', '）'),
    ('「', '」'),
    ('『', '』'),
    ('“', '”'),
    ('‘', '’'),
    ('【', '】'),
    ('《', '》'),
    ('〈', '〉'),
    ('«', '»'),
    ('〔', '〕'),
    ('［', '］'),
    ('"', '"'),
    ('\'', '\''),
];

fn kind_of(c: char) -> Option<(usize, bool, bool)> {
    // (kind, can open, can close)
    if !matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\'' | '\u{AB}' | '\u{BB}' | '\u{2018}'..='\u{201D}' | '\u{3008}'..='\u{3015}' | '\u{FF08}' | '\u{FF09}' | '\u{FF3B}' | '\u{FF3D}')
    {
        return None;
    }
    PAIRS.iter().position(|&(o, cl)| o == c || cl == c).map(|k| {
        let (o, cl) = PAIRS[k];
        (k, o == c, cl == c)
    })
}

/// Find the protected spans of `block`. `cap` is the longest span in bytes; `faces` turns on
/// face-mark detection (Japanese, Chinese).
pub(super) fn find(block: &str, cap: usize, faces: bool) -> Spans {
    let mut spans = Spans::default();
    let mut stack: Vec<(usize, usize)> = Vec::new(); // (kind, byte position of the opener)
    let mut found: Vec<(usize, usize)> = Vec::new();
    let bytes = block.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !BRACKET_BYTE[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let c = block[i..].chars().next().expect("a lead byte is on a char boundary");
        let len = c.len_utf8();
        let Some((kind, opens, closes)) = kind_of(c) else {
            i += len;
            continue;
        };
        let open_at = stack.iter().rposition(|&(k, _)| k == kind);
        let (opens, closes) = match c {
            '"' => (open_at.is_none(), open_at.is_some()),
            '\'' | '’' => {
                let prev = block[..i].chars().next_back();
                let next = block[i + len..].chars().next();
                let word_after = next.is_some_and(|n| n.is_alphanumeric() || n == '_');
                let space_before = prev.is_none_or(|p| p.is_whitespace() || is_opener(p));
                let can_close = open_at.is_some() && prev.is_some_and(|p| !p.is_whitespace()) && !word_after;
                (c == '\'' && space_before && word_after && !can_close, can_close)
            }
            _ => (opens, closes),
        };
        if closes {
            if let Some(k) = open_at {
                let start = stack[k].1;
                stack.truncate(k);
                let end = i + len;
                if end - start <= cap {
                    if faces && matches!(c, ')' | '）') && is_face(&block[start + if c == ')' { 1 } else { 3 }..i]) {
                        spans.emoticons.push((start, end));
                    } else {
                        found.push((start, end));
                    }
                }
            }
        } else if opens {
            if stack.first().is_some_and(|&(_, p)| i - p > cap) {
                stack.retain(|&(_, p)| i - p <= cap); // expired openers never close
            }
            stack.push((kind, i));
        }
        i += len;
    }
    found.sort_unstable();
    for (s, e) in found {
        match spans.merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => spans.merged.push((s, e)),
        }
    }
    spans.emoticons.sort_unstable();
    spans
}

fn is_opener(c: char) -> bool {
    PAIRS.iter().any(|&(o, _)| o == c)
}

/// A face mark's inside: a laugh or cry word, or a few symbols with no letters of a script.
fn is_face(inner: &str) -> bool {
    if matches!(inner, "笑" | "泣" | "汗" | "涙" | "爆" | "怒") {
        return true;
    }
    let n = inner.chars().count();
    (1..=10).contains(&n)
        && inner.chars().any(|c| "^;_*ω´`゜≧≦＾＿；・∀‿".contains(c))
        && !inner.chars().any(|c| crate::lang::is_hangul(c) || matches!(c as u32, 0x3041..=0x30FA | 0x3400..=0x9FFF))
}
