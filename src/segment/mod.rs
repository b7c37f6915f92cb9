//! Sentence segmentation: paragraphs first, then sentences inside each paragraph, by
//! tomo's built-in rules ([`rules`]) or by an SRX 2.0 rule file ([`srx`]).
//!
//! Invariant: segmentation is lossless. Every [`Segment`] is a byte range into the input,
//! segments are in order and do not overlap, and what lies between them is whitespace only;
//! so the segments, put back together with the whitespace between, give back the input.

pub mod rules;
pub mod srx;

use std::ops::Range;

use crate::lang::Lang;

/// One sentence: a byte range into the input and the paragraph it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range into the segmented text; never starts or ends with whitespace.
    pub range: Range<usize>,
    /// 0-based paragraph number.
    pub paragraph: usize,
}

impl Segment {
    /// The segment's text in `input` (the text it was cut from).
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        &input[self.range.clone()]
    }
}

/// What a single newline means. A blank line always ends a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NewlineMode {
    /// A newline ends a paragraph (and so a sentence).
    #[default]
    Para,
    /// A newline ends a sentence; the paragraph goes on.
    Break,
    /// A newline is a line wrap inside a sentence: only the rules decide.
    Wrap,
}

/// Finds sentence boundaries inside one block of text (a paragraph, or a line in
/// [`NewlineMode::Break`]). Implemented by the built-in rules and by SRX rules.
pub trait Segmenter {
    /// Byte offsets where a sentence ends inside `block`, ascending, each strictly between
    /// 0 and `block.len()` and on a char boundary. Whitespace after a break belongs to no
    /// segment; the driver trims it.
    fn breaks(&self, block: &str) -> Vec<usize>;
}

/// The built-in segmenter for `lang` (rules for en, ja, ko, zh and a default for others).
pub fn builtin(lang: &Lang) -> Box<dyn Segmenter> {
    Box::new(rules::RuleSegmenter::for_lang(lang))
}

/// Segment `text` with `segmenter`: split into paragraphs and blocks by `newline`, ask the
/// segmenter for breaks inside each block, and trim whitespace off every piece.
pub fn segment(text: &str, segmenter: &dyn Segmenter, newline: NewlineMode) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut paragraph = 0usize;
    let mut para_has_content = false;
    for block in blocks(text, newline) {
        if block.new_paragraph && para_has_content {
            paragraph += 1;
            para_has_content = false;
        }
        let body = &text[block.range.clone()];
        let mut start = 0;
        let mut cuts = segmenter.breaks(body);
        cuts.push(body.len());
        for end in cuts {
            // A segmenter that breaks the `breaks` contract (an offset out of order, out of
            // range or inside a character) loses that break, never the text.
            if end <= start || end > body.len() || !body.is_char_boundary(end) {
                continue;
            }
            if let Some(r) = trimmed(body, start..end) {
                let base = block.range.start;
                out.push(Segment { range: base + r.start..base + r.end, paragraph });
                para_has_content = true;
            }
            start = end;
        }
    }
    out
}

/// A block handed to the segmenter, and whether it starts a new paragraph.
struct Block {
    range: Range<usize>,
    new_paragraph: bool,
}

/// Split `text` into blocks: paragraphs at blank lines; inside a paragraph, lines too unless
/// newlines are wraps.
fn blocks(text: &str, newline: NewlineMode) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut para_start = 0usize;
    let mut line_start = 0usize;
    let len = text.len();
    // Each line end, then the end of the text (a last line without a newline).
    for pos in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(len)) {
        let at_end = pos == len;
        let blank = text[line_start..pos].trim().is_empty();
        if blank {
            if line_start > para_start {
                push_paragraph(text, para_start..line_start, newline, &mut out);
            }
            para_start = if at_end { pos } else { pos + 1 };
        } else if newline == NewlineMode::Para {
            push_paragraph(text, line_start..pos, newline, &mut out);
            para_start = if at_end { pos } else { pos + 1 };
        }
        if at_end {
            if para_start < pos {
                push_paragraph(text, para_start..pos, newline, &mut out);
            }
            break;
        }
        line_start = pos + 1;
    }
    out
}

fn push_paragraph(text: &str, range: Range<usize>, newline: NewlineMode, out: &mut Vec<Block>) {
    match newline {
        NewlineMode::Para | NewlineMode::Wrap => out.push(Block { range, new_paragraph: true }),
        NewlineMode::Break => {
            let mut first = true;
            let mut start = range.start;
            for i in memchr::memchr_iter(b'\n', text[range.clone()].as_bytes()) {
                out.push(Block { range: start..range.start + i, new_paragraph: first });
                first = false;
                start = range.start + i + 1;
            }
            out.push(Block { range: start..range.end, new_paragraph: first });
        }
    }
}

/// `range` of `s` without leading and trailing whitespace, or `None` if nothing is left.
fn trimmed(s: &str, range: Range<usize>) -> Option<Range<usize>> {
    let piece = &s[range.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead == piece.len() {
        return None;
    }
    Some(range.start + lead..range.end - trail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Breaks after every '.' (a stand-in rule set for testing the driver).
    struct AtPeriods;
    impl Segmenter for AtPeriods {
        fn breaks(&self, block: &str) -> Vec<usize> {
            block.match_indices('.').map(|(i, _)| i + 1).filter(|&i| i < block.len()).collect()
        }
    }

    fn texts(input: &str, mode: NewlineMode) -> Vec<(String, usize)> {
        segment(input, &AtPeriods, mode).iter().map(|s| (s.text(input).to_string(), s.paragraph)).collect()
    }

    #[test]
    fn paragraphs_and_newline_modes() {
        let input = "A. B\nC.\n\n  D.  \n";
        assert_eq!(
            texts(input, NewlineMode::Para),
            [("A.".into(), 0), ("B".into(), 0), ("C.".into(), 1), ("D.".into(), 2)]
        );
        assert_eq!(
            texts(input, NewlineMode::Break),
            [("A.".into(), 0), ("B".into(), 0), ("C.".into(), 0), ("D.".into(), 1)]
        );
        assert_eq!(texts(input, NewlineMode::Wrap), [("A.".into(), 0), ("B\nC.".into(), 0), ("D.".into(), 1)]);
    }

    /// Returns offsets out of order, out of range and inside a character.
    struct Broken;
    impl Segmenter for Broken {
        fn breaks(&self, _block: &str) -> Vec<usize> {
            vec![2, 4, 1, 99]
        }
    }

    #[test]
    fn invalid_breaks_lose_the_break_not_the_text() {
        let input = "aé b c";
        let segs = segment(input, &Broken, NewlineMode::Para);
        let texts: Vec<&str> = segs.iter().map(|s| s.text(input)).collect();
        assert_eq!(texts, ["aé", "b c"]);
    }

    #[test]
    fn segments_tile_the_input() {
        let input = " x. y.\r\n\r\n z ";
        for mode in [NewlineMode::Para, NewlineMode::Break, NewlineMode::Wrap] {
            let segs = segment(input, &AtPeriods, mode);
            let mut pos = 0;
            for s in &segs {
                assert!(input[pos..s.range.start].trim().is_empty());
                pos = s.range.end;
            }
            assert!(input[pos..].trim().is_empty());
        }
    }
}
