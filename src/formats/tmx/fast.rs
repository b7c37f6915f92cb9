//! The fast path of the TMX reader: one whole `<tu>` of the common shape, scanned straight
//! from the decoded input buffer instead of event by event through quick-xml.
//!
//! Nearly every unit of a real memory looks like
//! `<tu a="..."><tuv xml:lang="ja"><seg>text</seg></tuv>...</tu>`. For such a tu the
//! event reader copied each event into its buffer, validated each one as UTF-8, and
//! iterated the attributes with a duplicate check; this scanner reads the tu in place,
//! validates it as UTF-8 once and records where its attributes and texts are, and the
//! reader then builds the unit through the same [`super::reader`] functions the events
//! drive, so both paths give the same unit.
//!
//! The scanner accepts only a strict subset of XML: `<tu>` with attributes, holding
//! `<note>`s, `<prop>`s and `<tuv>`s with attributes; a tuv holds notes and props, then
//! exactly one `<seg>`; the text of a seg, note or prop has references (the five
//! predefined entities and character references) but no markup; whitespace between
//! elements. Anything else (an inline code, CDATA, a comment, a carriage return, a
//! reference it cannot expand, a tab or newline in an attribute value, a duplicate
//! attribute, an empty-element tag, bytes that are not UTF-8, a tu that runs past the
//! buffer) makes it decline without consuming anything, and the event reader reads that
//! tu, reporting any error as before.

use super::inline::resolve_reference;

/// Why the scanner declined a tu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decline {
    /// The buffer ends before `</tu>`: the tu may well be of the common shape.
    Short,
    /// The tu (or what follows the whitespace) is not of the shape the scanner reads.
    Shape,
}

/// A byte range of the scanned input.
pub(super) type Span = (u32, u32);

/// An attribute: name and (raw, but needing no normalization) value.
#[derive(Debug, Clone, Copy)]
pub(super) struct Attr {
    pub name: Span,
    pub value: Span,
}

/// A piece of `<seg>` content.
#[derive(Debug, Clone, Copy)]
pub(super) enum Piece {
    /// Text as it stands; `true` when it has no `>` or `"` either, so that its escaped
    /// form (the stored `seg`) is the text itself (nor a newline, which the scan counts
    /// this way too).
    Text(Span, bool),
    /// The character of a reference.
    Char(char),
}

/// A `<note>` or a `<prop>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextKind {
    Note,
    Prop,
}

/// What a scanned tu holds after its own attributes, in document order, for the reader
/// to replay; attributes are index ranges into [`TuScan::attrs`].
#[derive(Debug, Clone)]
pub(super) enum Op {
    /// `<tuv>` with these attributes.
    Tuv(std::ops::Range<usize>),
    /// `<note>` or `<prop>` with these attributes; its pieces follow, then [`Op::EndText`].
    Text(std::ops::Range<usize>),
    EndText(TextKind),
    /// `<seg>`; its pieces follow, then [`Op::EndTuv`].
    Seg,
    /// A piece of the text of the seg, note or prop open.
    Piece(Piece),
    /// `</tuv>`.
    EndTuv,
}

/// What the scanner found in one tu; reused from tu to tu.
pub(super) struct TuScan {
    /// Bytes the tu takes, leading whitespace included, up to and including `</tu>`.
    pub len: usize,
    /// Newlines in the whitespace before `<tu` (the tu's line is that many below).
    pub newlines: u64,
    /// Where the tu's lines end, for [`crate::formats::encoding::Utf8Source::consume_scanned`]:
    /// the count and the offset of the last newline, or `None` when a text has one
    /// (only whitespace between elements is counted as it is skipped).
    pub lines: Option<(u64, Option<usize>)>,
    text_newline: bool,
    /// The tu's attributes.
    pub tu_attrs: std::ops::Range<usize>,
    pub attrs: Vec<Attr>,
    pub ops: Vec<Op>,
}

/// Byte classes for the scanner's loops, one table lookup a byte.
const SPACE: u8 = 1;
const NAME_START: u8 = 2;
const NAME: u8 = 4;
/// Ends or spoils an attribute value: either quote, `<`, `&`, a control character
/// (a tab or newline would need normalizing).
const VALUE_STOP: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut class = 0;
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            class |= SPACE;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            class |= NAME_START | NAME;
        }
        if c.is_ascii_digit() || c == b'-' || c == b'.' {
            class |= NAME;
        }
        if c < 0x20 || matches!(c, b'"' | b'\'' | b'<' | b'&') {
            class |= VALUE_STOP;
        }
        t[b] = class;
        b += 1;
    }
    t
};

fn class(b: u8) -> u8 {
    CLASS[b as usize]
}

/// Scanning stops at the end of the buffer (`Short`) or at a shape it does not read.
type Scanned<T> = Result<T, Decline>;

/// The byte at `at`, or `Short` past the end of the buffer.
fn byte(buf: &[u8], at: usize) -> Scanned<u8> {
    buf.get(at).copied().ok_or(Decline::Short)
}

/// Does `buf[at..]` start with `tag`? `Short` if the buffer ends inside what could be it.
fn starts(buf: &[u8], at: usize, tag: &[u8]) -> Scanned<bool> {
    let rest = &buf[at.min(buf.len())..];
    if rest.len() >= tag.len() {
        Ok(rest.starts_with(tag))
    } else if tag.starts_with(rest) {
        Err(Decline::Short)
    } else {
        Ok(false)
    }
}

fn expect(buf: &[u8], at: usize, tag: &[u8]) -> Scanned<usize> {
    if starts(buf, at, tag)? { Ok(at + tag.len()) } else { Err(Decline::Shape) }
}

fn span(start: usize, end: usize) -> Span {
    (start as u32, end as u32)
}

impl TuScan {
    pub fn new() -> TuScan {
        TuScan {
            len: 0,
            newlines: 0,
            lines: None,
            text_newline: false,
            tu_attrs: 0..0,
            attrs: Vec::new(),
            ops: Vec::new(),
        }
    }

    /// Scan the tu at the start of `buf` (after optional whitespace). On success the tu
    /// is `buf[..self.len]`, valid UTF-8, returned as a `str` the spans index.
    pub fn scan<'b>(&mut self, buf: &'b [u8]) -> Result<&'b str, Decline> {
        self.attrs.clear();
        self.ops.clear();
        self.lines = Some((0, None));
        self.text_newline = false;
        // Spans are u32: a buffer is far smaller, but say so rather than wrap.
        let buf = &buf[..buf.len().min(u32::MAX as usize)];
        let ws = self.skip_space(buf, 0)?;
        self.newlines = self.lines.map_or(0, |(n, _)| n);
        let at = expect(buf, ws, b"<tu")?;
        if class(byte(buf, at)?) & SPACE == 0 && buf[at] != b'>' {
            return Err(Decline::Shape);
        }
        let end = self.scan_tu(buf, at)?;
        let text = simdutf8::basic::from_utf8(&buf[..end]).map_err(|_| Decline::Shape)?;
        self.len = end;
        if self.text_newline {
            self.lines = None;
        }
        Ok(text)
    }

    /// The first byte from `at` on that is not whitespace, counting newlines.
    fn skip_space(&mut self, buf: &[u8], mut at: usize) -> Scanned<usize> {
        loop {
            match byte(buf, at)? {
                b'\n' => {
                    if let Some((n, last)) = &mut self.lines {
                        *n += 1;
                        *last = Some(at);
                    }
                }
                b => {
                    if class(b) & SPACE == 0 {
                        return Ok(at);
                    }
                }
            }
            at += 1;
        }
    }

    /// The tu from just after `<tu` to just after its `</tu>`.
    fn scan_tu(&mut self, buf: &[u8], mut at: usize) -> Scanned<usize> {
        let first = self.attrs.len();
        at = self.scan_attrs(buf, at)?;
        self.tu_attrs = first..self.attrs.len();
        loop {
            at = self.skip_space(buf, at)?;
            if starts(buf, at, b"</tu>")? {
                return Ok(at + 5);
            }
            if let Some(next) = self.scan_note_or_prop(buf, at)? {
                at = next;
                continue;
            }
            at = expect(buf, at, b"<tuv")?;
            let first_attr = self.attrs.len();
            at = self.scan_attrs(buf, at)?;
            self.ops.push(Op::Tuv(first_attr..self.attrs.len()));
            loop {
                at = self.skip_space(buf, at)?;
                match self.scan_note_or_prop(buf, at)? {
                    Some(next) => at = next,
                    None => break,
                }
            }
            at = expect(buf, at, b"<seg>")?;
            self.ops.push(Op::Seg);
            at = self.scan_text(buf, at, b"</seg>")?;
            at = self.skip_space(buf, at)?;
            at = expect(buf, at, b"</tuv>")?;
            self.ops.push(Op::EndTuv);
        }
    }

    /// A `<note>` or `<prop>` at `at`, to just after its end tag; `None` if there is none.
    fn scan_note_or_prop(&mut self, buf: &[u8], at: usize) -> Scanned<Option<usize>> {
        // One byte tells them from a tuv, a seg or an end tag.
        let (kind, open, close): (_, &[u8], &[u8]) = match byte(buf, at + 1)? {
            b'n' => (TextKind::Note, b"<note", b"</note>"),
            b'p' => (TextKind::Prop, b"<prop", b"</prop>"),
            _ => return Ok(None),
        };
        if !starts(buf, at, open)? {
            return Ok(None);
        }
        let first_attr = self.attrs.len();
        let at = self.scan_attrs(buf, at + 5)?;
        self.ops.push(Op::Text(first_attr..self.attrs.len()));
        let at = self.scan_text(buf, at, close)?;
        self.ops.push(Op::EndText(kind));
        Ok(Some(at))
    }

    /// The attributes of a start tag from just after its name, to just after its `>`;
    /// `Shape` for an empty-element tag or anything unusual.
    fn scan_attrs(&mut self, buf: &[u8], mut at: usize) -> Scanned<usize> {
        let first = self.attrs.len();
        loop {
            let spaced = at;
            at = self.skip_space(buf, at)?;
            let b = byte(buf, at)?;
            if b == b'>' {
                return Ok(at + 1);
            }
            if at == spaced || class(b) & NAME_START == 0 {
                return Err(Decline::Shape);
            }
            let name_start = at;
            at += 1;
            while class(byte(buf, at)?) & NAME != 0 {
                at += 1;
            }
            let name = &buf[name_start..at];
            if byte(buf, at)? != b'=' {
                return Err(Decline::Shape);
            }
            let quote = byte(buf, at + 1)?;
            if quote != b'"' && quote != b'\'' {
                return Err(Decline::Shape);
            }
            let value_start = at + 2;
            at = value_start;
            // `&` needs resolving and whitespace other than a space normalizing: the
            // event reader does both.
            let stop = loop {
                let b = byte(buf, at)?;
                if class(b) & VALUE_STOP != 0 && (b == quote || !matches!(b, b'"' | b'\'')) {
                    break b;
                }
                at += 1;
            };
            if stop != quote {
                return Err(Decline::Shape);
            }
            if self.attrs[first..].iter().any(|a| &buf[a.name.0 as usize..a.name.1 as usize] == name) {
                return Err(Decline::Shape);
            }
            self.attrs.push(Attr { name: span(name_start, name_start + name.len()), value: span(value_start, at) });
            at += 1;
        }
    }

    /// The text of a seg, note or prop from just after its start tag to just after
    /// its end tag `close`.
    #[inline(always)]
    fn scan_text(&mut self, buf: &[u8], mut at: usize, close: &[u8]) -> Scanned<usize> {
        loop {
            let rest = &buf[at..];
            let i = memchr::memchr3(b'<', b'&', b'\r', rest).ok_or(Decline::Short)?;
            if i > 0 {
                let clean = memchr::memchr3(b'>', b'"', b'\n', &rest[..i]).is_none();
                if !clean && memchr::memchr(b'\n', &rest[..i]).is_some() {
                    self.text_newline = true;
                }
                self.ops.push(Op::Piece(Piece::Text(span(at, at + i), clean)));
            }
            at += i;
            match buf[at] {
                b'<' => return expect(buf, at, close),
                b'&' => {
                    // A reference ends at the first `;`; an `&` or `<` before it is an
                    // error the event reader reports.
                    let rest = &buf[at + 1..];
                    let semi = memchr::memchr3(b';', b'&', b'<', rest).ok_or(Decline::Short)?;
                    if rest[semi] != b';' {
                        return Err(Decline::Shape);
                    }
                    let name = std::str::from_utf8(&rest[..semi]).map_err(|_| Decline::Shape)?;
                    self.ops.push(Op::Piece(Piece::Char(resolve_reference(name).ok_or(Decline::Shape)?)));
                    at += semi + 2;
                }
                _ => return Err(Decline::Shape),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(input: &str) -> Result<(usize, usize, usize), Decline> {
        let mut s = TuScan::new();
        s.scan(input.as_bytes()).map(|_| {
            let tuvs = s.ops.iter().filter(|op| matches!(op, Op::Tuv(_))).count();
            let pieces = s.ops.iter().filter(|op| matches!(op, Op::Piece(_))).count();
            (s.len, tuvs, pieces)
        })
    }

    #[test]
    fn the_common_shape_is_read_in_place() {
        let tu = "\n  <tu creationdate=\"20240101T000000Z\" x-note=\"it's\">\n <tuv xml:lang='ja'><seg>雪 &amp; 氷</seg></tuv>\n<tuv xml:lang=\"en\"><seg></seg></tuv></tu>";
        assert_eq!(scan(&format!("{tu}\n<tu>")), Ok((tu.len(), 2, 3)));
        let mut s = TuScan::new();
        let text = s.scan(tu.as_bytes()).unwrap();
        let span = |(a, b): Span| &text[a as usize..b as usize];
        assert_eq!(s.newlines, 1);
        assert_eq!(s.lines, Some((3, Some(tu.find("\n<tuv xml:lang=\"en").unwrap()))));
        assert_eq!(span(s.attrs[s.tu_attrs.start].value), "20240101T000000Z");
        let Op::Tuv(attrs) = &s.ops[0] else { panic!("{:?}", s.ops) };
        let a = &s.attrs[attrs.start];
        assert_eq!((span(a.name), span(a.value)), ("xml:lang", "ja"));
        assert!(matches!(s.ops[2], Op::Piece(Piece::Text(_, true))));
        assert!(matches!(s.ops[3], Op::Piece(Piece::Char('&'))));
        s.scan("<tu><tuv xml:lang=\"en\"><seg>a\nb</seg></tuv></tu>".as_bytes()).unwrap();
        assert_eq!(s.lines, None, "a newline in a text is not counted");
    }

    #[test]
    fn anything_else_is_declined() {
        for tu in [
            "<tu><prop type=\"x\"/></tu>",
            "<tu><prop type=\"x\">a <b/></prop></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>a</seg><note>after the seg</note></tuv></tu>",
            "<tu><notes>n</notes></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>a <ph/> b</seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\"><seg><![CDATA[x]]></seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>a\r\nb</seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>&nbsp;</seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>a & b;</seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\" xml:lang=\"ja\"><seg>a</seg></tuv></tu>",
            "<tu a=\"x\tb\"></tu>",
            "<tu a=\"x\"b=\"y\"></tu>",
            "<tu a = \"x\"></tu>",
            "<tu/>",
            "<tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>a</seg><seg>b</seg></tuv></tu>",
            "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>stray</tu>",
            "<tu><!-- c --></tu>",
            "</body>",
        ] {
            assert_eq!(scan(tu), Err(Decline::Shape), "{tu}");
        }
        let mut bad = b"<tu><tuv xml:lang=\"en\"><seg>a".to_vec();
        bad.extend([0xff, 0xfe]);
        bad.extend(b"</seg></tuv></tu>");
        assert_eq!(TuScan::new().scan(&bad).err(), Some(Decline::Shape));
    }

    #[test]
    fn a_tu_cut_by_the_buffer_end_is_short() {
        for tu in [
            "",
            "  \n",
            "<t",
            "<tu",
            "<tu a=\"x",
            "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv></t",
            "<tu><tuv xml:lang=\"en\"><seg>a &am",
            "<tu><tuv xml:lang=\"en\"><seg>a</se",
        ] {
            assert_eq!(scan(tu), Err(Decline::Short), "{tu:?}");
        }
    }
}
