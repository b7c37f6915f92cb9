//! Raw articles: segment into sentences with paragraphs kept, align paragraphs first with
//! the same DP, then the sentences inside each aligned paragraph pair.
//!
//! Aligning paragraphs first keeps a long omission (a paragraph the English edition
//! dropped) from pulling the sentence DP off course, and limits each sentence DP to a
//! paragraph's worth of lines.

use crate::segment::{NewlineMode, Segmenter, segment};

use super::{Aligner, Bead};

/// A sentence of an article, with its paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The sentence text, as in the article.
    pub text: String,
    /// 0-based paragraph number.
    pub paragraph: usize,
}

/// Segment `text` into sentences; a newline ends a paragraph.
pub fn sentences(text: &str, segmenter: &dyn Segmenter) -> Vec<Sentence> {
    segment(text, segmenter, NewlineMode::Para)
        .iter()
        .map(|s| Sentence { text: s.text(text).to_string(), paragraph: s.paragraph })
        .collect()
}

/// The sentence index ranges of each paragraph, in order (paragraph numbers need not be
/// consecutive).
fn paragraphs(sents: &[Sentence]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (k, s) in sents.iter().enumerate() {
        match out.last_mut() {
            Some(r) if sents[r.start].paragraph == s.paragraph => r.end = k + 1,
            _ => out.push(k..k + 1),
        }
    }
    out
}

/// Align two segmented articles: paragraphs, then sentences inside aligned paragraphs.
/// Beads index the sentence lists and cover them in order.
pub fn align(aligner: &Aligner, src: &[Sentence], tgt: &[Sentence]) -> Vec<Bead> {
    let ps = paragraphs(src);
    let pt = paragraphs(tgt);
    let texts = |sents: &[Sentence], r: &std::ops::Range<usize>| -> Vec<String> {
        sents[r.clone()].iter().map(|s| s.text.clone()).collect()
    };
    if ps.len() <= 1 || pt.len() <= 1 {
        let a: Vec<&str> = src.iter().map(|s| s.text.as_str()).collect();
        let b: Vec<&str> = tgt.iter().map(|s| s.text.as_str()).collect();
        return aligner.align(&a, &b);
    }
    let para_src: Vec<String> = ps.iter().map(|r| texts(src, r).join(" ")).collect();
    let para_tgt: Vec<String> = pt.iter().map(|r| texts(tgt, r).join(" ")).collect();
    let mut out = Vec::new();
    let para_aligner = aligner.clone().with_params(aligner.params().for_paragraphs());
    for pb in para_aligner.align(&para_src, &para_tgt) {
        let s_range = pb.src.clone().map(|k| ps[k].clone()).reduce(|a, b| a.start..b.end).unwrap_or(0..0);
        let t_range = pb.tgt.clone().map(|k| pt[k].clone()).reduce(|a, b| a.start..b.end).unwrap_or(0..0);
        if pb.is_null() {
            // A dropped paragraph: each of its sentences is a null bead.
            for k in s_range {
                out.push(Bead { src: k..k + 1, tgt: 0..0, confidence: pb.confidence });
            }
            for k in t_range {
                out.push(Bead { src: 0..0, tgt: k..k + 1, confidence: pb.confidence });
            }
            continue;
        }
        let a = texts(src, &s_range);
        let b = texts(tgt, &t_range);
        for bead in aligner.align(&a, &b) {
            out.push(Bead {
                src: offset(bead.src, s_range.start),
                tgt: offset(bead.tgt, t_range.start),
                confidence: bead.confidence,
            });
        }
    }
    // Null beads carry an empty range; give them a position for readers that sort.
    fix_null_positions(&mut out);
    out
}

fn offset(r: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
    r.start + by..r.end + by
}

/// Empty ranges get the position where they sit (the end of the previous bead's side).
fn fix_null_positions(beads: &mut [Bead]) {
    let (mut s, mut t) = (0, 0);
    for b in beads {
        if b.src.is_empty() {
            b.src = s..s;
        }
        if b.tgt.is_empty() {
            b.tgt = t..t;
        }
        s = b.src.end;
        t = b.tgt.end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    /// Breaks after 。 . ? ! (a stand-in for the real rules).
    pub(crate) struct TestSplitter;
    impl Segmenter for TestSplitter {
        fn breaks(&self, block: &str) -> Vec<usize> {
            block
                .char_indices()
                .filter(|(_, c)| matches!(c, '。' | '.' | '?' | '!'))
                .map(|(i, c)| i + c.len_utf8())
                .filter(|&i| i < block.len())
                .collect()
        }
    }

    #[test]
    fn a_dropped_paragraph_becomes_null_beads() {
        let ja = "東京都は２５日、新しい公園を開いた。広さは約３万平方メートルだ。\n\
                  開園式には小池知事が出席し、あいさつした。地元の子ども１２０人が歌を披露した。\n\
                  公園の設計は２０１９年に始まった。設計者の田中氏は「森の中の広場」を目指したという。\n\
                  都は来年、さらに２か所の公園を整備する予定だ。";
        let en = "Tokyo opened a new park on the 25th, covering about 30,000 square meters.\n\
                  Governor Koike attended the opening ceremony and gave a speech. 120 local children sang.\n\
                  The city plans to build 2 more parks next year.";
        let s = sentences(ja, &TestSplitter);
        let t = sentences(en, &TestSplitter);
        assert_eq!(s.len(), 7);
        assert_eq!(t.len(), 4);
        let a = Aligner::new(&Lang::parse("ja").unwrap(), &Lang::parse("en").unwrap());
        let beads = align(&a, &s, &t);
        let shapes: Vec<String> = beads.iter().map(Bead::kind).collect();
        assert_eq!(shapes, ["2-1", "1-1", "1-1", "1-0", "1-0", "1-1"]);
        // Beads tile both sides in order.
        let (mut i, mut j) = (0, 0);
        for b in &beads {
            assert_eq!((b.src.start, b.tgt.start), (i, j));
            i = b.src.end;
            j = b.tgt.end;
        }
        assert_eq!((i, j), (7, 4));
    }
}
