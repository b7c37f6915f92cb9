//! Reading text files of any common encoding as a UTF-8 byte stream, tracking where we are.
//!
//! TMX and CSV files arrive in UTF-8 (with or without a BOM), UTF-16LE/BE (Trados,
//! Alchemy Catalyst and Excel's "Unicode text" write these, usually with a BOM) or, for
//! XML, any encoding its declaration names. [`Utf8Source`] sniffs the encoding from the
//! first bytes, transcodes to UTF-8 chunk by chunk with `encoding_rs` (so memory does not
//! grow with the file), and counts lines and columns of what its consumer has consumed,
//! so the parsers above it can say where they are without keeping the text.

use std::io::{BufRead, Read};
use std::path::Path;

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::{Error, Result};

const CHUNK: usize = 64 * 1024;

/// A UTF-8 view of a file in any supported encoding, as a [`BufRead`].
///
/// Invariant: the bytes it yields are the file's text in UTF-8 without a BOM (valid UTF-8
/// whenever the input was valid in its encoding; a UTF-8 input is passed through as is, so
/// invalid UTF-8 reaches the parser, which reports it with its position).
pub struct Utf8Source {
    inner: Box<dyn Read + Send>,
    /// `None`: the input is UTF-8 and is passed through.
    decoder: Option<Decoder>,
    encoding: &'static Encoding,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    raw_eof: bool,
    /// The decoder has been told the input ended; it must not be called again.
    finished: bool,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    offset: u64,
    line: u64,
    column: u64,
}

/// What kind of text the sniffer should expect, which decides whether an XML
/// declaration's `encoding` is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// XML: `<` starts the document, and `<?xml ... encoding="..."?>` may name the encoding.
    Xml,
    /// Delimited text: only a BOM (or a UTF-16 zero-byte pattern) says it is not UTF-8.
    Text,
}

impl Utf8Source {
    /// Open `path` and sniff its encoding.
    pub fn open(path: &Path, kind: Kind) -> Result<Utf8Source> {
        let file = std::fs::File::open(path).map_err(|e| Error::from(e).in_file(path))?;
        Utf8Source::new(Box::new(file), kind).map_err(|e| e.in_file(path))
    }

    /// Wrap a reader and sniff its encoding from its first bytes.
    pub fn new(mut inner: Box<dyn Read + Send>, kind: Kind) -> Result<Utf8Source> {
        let mut raw = vec![0u8; CHUNK];
        let mut n = 0;
        // Sniffing needs a few hundred bytes (an XML declaration); read until we have them
        // or the input ends.
        while n < 1024 {
            match inner.read(&mut raw[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        let head = &raw[..n];
        let (encoding, bom) = sniff(head, kind);
        let decoder = (encoding != UTF_8).then(|| encoding.new_decoder_without_bom_handling());
        Ok(Utf8Source {
            inner,
            decoder,
            encoding,
            raw,
            raw_start: bom,
            raw_end: n,
            raw_eof: n == 0,
            finished: false,
            out: vec![0u8; CHUNK + 16],
            out_start: 0,
            out_end: 0,
            offset: 0,
            line: 1,
            column: 1,
        })
    }

    /// The encoding the input was found to be in.
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Bytes of UTF-8 consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// 1-based line of the next unconsumed byte.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// 1-based column (in characters) of the next unconsumed byte.
    pub fn column(&self) -> u64 {
        self.column
    }

    fn read_raw(&mut self) -> std::io::Result<()> {
        if self.raw_start > 0 {
            self.raw.copy_within(self.raw_start..self.raw_end, 0);
            self.raw_end -= self.raw_start;
            self.raw_start = 0;
        }
        loop {
            match self.inner.read(&mut self.raw[self.raw_end..]) {
                Ok(0) => {
                    self.raw_eof = true;
                    return Ok(());
                }
                Ok(k) => {
                    self.raw_end += k;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        self.out_start = 0;
        self.out_end = 0;
        loop {
            if self.raw_start == self.raw_end && !self.raw_eof {
                self.read_raw()?;
            }
            match &mut self.decoder {
                None => {
                    if self.raw_start == self.raw_end {
                        return Ok(());
                    }
                    // Pass UTF-8 through by swapping buffers: no copy.
                    std::mem::swap(&mut self.raw, &mut self.out);
                    self.out_start = self.raw_start;
                    self.out_end = self.raw_end;
                    self.raw.resize(self.out.len(), 0);
                    self.raw_start = 0;
                    self.raw_end = 0;
                    return Ok(());
                }
                Some(_) if self.finished => return Ok(()),
                Some(decoder) => {
                    let last = self.raw_eof;
                    let (status, read, written, _) =
                        decoder.decode_to_utf8(&self.raw[self.raw_start..self.raw_end], &mut self.out, last);
                    self.raw_start += read;
                    self.out_end = written;
                    self.finished = last && status == encoding_rs::CoderResult::InputEmpty;
                    if written > 0 || last {
                        return Ok(());
                    }
                    if self.raw_start < self.raw_end {
                        // A partial code unit waits for more input.
                        self.read_raw()?;
                    }
                }
            }
        }
    }
}

impl Utf8Source {
    /// [`BufRead::consume`] of `amt` bytes whose newlines the caller has counted: `lines`
    /// is their number and the offset of the last one in the consumed bytes, so that only
    /// the characters after it are counted here (the TMX reader's fast path counts the
    /// newlines as it skips whitespace).
    pub fn consume_scanned(&mut self, amt: usize, lines: (u64, Option<usize>)) {
        let amt = amt.min(self.out_end - self.out_start);
        let done = &self.out[self.out_start..self.out_start + amt];
        debug_assert_eq!(
            (memchr::memchr_iter(b'\n', done).count() as u64, memchr::memrchr(b'\n', done)),
            lines,
            "the newlines the caller counted"
        );
        let tail = match lines {
            (n, Some(last)) if last < done.len() => {
                self.line += n;
                self.column = 1;
                &done[last + 1..]
            }
            _ => done,
        };
        self.column += count_chars(tail);
        self.out_start += amt;
        self.offset += amt as u64;
    }
}

impl Read for Utf8Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Utf8Source {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.out_start == self.out_end {
            self.refill()?;
        }
        Ok(&self.out[self.out_start..self.out_end])
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.out_end - self.out_start);
        let done = &self.out[self.out_start..self.out_start + amt];
        advance(done, &mut self.line, &mut self.column);
        self.out_start += amt;
        self.offset += amt as u64;
    }
}

/// Move a (line, column) position over `bytes` of UTF-8.
///
/// Called for every piece the XML parser consumes (several per element), so it is on the
/// import's hot path: newlines are found with `memchr` and only the text after the last one
/// is counted in characters (a byte-at-a-time count was 5 % of a TMX import's instructions).
fn advance(bytes: &[u8], line: &mut u64, column: &mut u64) {
    let tail = match memchr::memrchr(b'\n', bytes) {
        Some(i) => {
            *line += 1 + memchr::memchr_iter(b'\n', &bytes[..i]).count() as u64;
            *column = 1;
            &bytes[i + 1..]
        }
        None => bytes,
    };
    *column += count_chars(tail);
}

/// Characters in `bytes` of UTF-8: the bytes that do not continue a sequence (0b10xx_xxxx).
fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| usize::from((b as i8) >= -0x40)).sum::<usize>() as u64
}

/// 1-based (line, column) of UTF-8 byte `offset` in the transcoded text of `path`.
/// Used only when reporting an error, so reading the file again is fine.
pub fn line_column_at(path: &Path, kind: Kind, offset: u64) -> Result<(u64, u64)> {
    let mut src = Utf8Source::open(path, kind)?;
    let mut left = offset;
    while left > 0 {
        let n = src.fill_buf().map_err(|e| Error::from(e).in_file(path))?.len() as u64;
        if n == 0 {
            break;
        }
        let take = n.min(left);
        src.consume(take as usize);
        left -= take;
    }
    Ok((src.line, src.column))
}

/// The encoding of a file starting with `head`, and the length of its BOM.
fn sniff(head: &[u8], kind: Kind) -> (&'static Encoding, usize) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (UTF_8, 3);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return (UTF_16LE, 2);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return (UTF_16BE, 2);
    }
    // Without a BOM, UTF-16 shows as zero bytes in every other position while the text
    // is ASCII (always true at the start of an XML document).
    let pairs = &head[..head.len() & !1];
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in pairs.chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    // A zero byte can also stand in the other position (a surrogate such as DC00), so ask
    // for a clear majority rather than none at all.
    let half = pairs.len() / 2;
    if half > 0 {
        if zero_odd * 4 >= half && zero_even * 8 < zero_odd {
            return (UTF_16LE, 0);
        }
        if zero_even * 4 >= half && zero_odd * 8 < zero_even {
            return (UTF_16BE, 0);
        }
    }
    let declared = match kind {
        Kind::Xml => declared_encoding(head).and_then(|label| Encoding::for_label(label.as_bytes())),
        Kind::Text => None,
    };
    match declared {
        // A declaration saying UTF-16 in a file that is plainly not UTF-16 is a common
        // lie (converted files keep their old declaration): believe the bytes.
        Some(enc) if enc != UTF_16LE && enc != UTF_16BE => (enc, 0),
        _ => (UTF_8, 0),
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let decl = decl.trim_start().strip_prefix("<?xml")?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8_of(bytes: &[u8], kind: Kind) -> (String, &'static str) {
        let mut src = Utf8Source::new(Box::new(std::io::Cursor::new(bytes.to_vec())), kind).unwrap();
        let mut s = String::new();
        src.read_to_string(&mut s).unwrap();
        (s, src.encoding().name())
    }

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "<?xml version=\"1.0\"?><a>日本語 𝐀</a>";
        for le in [true, false] {
            for bom in [true, false] {
                let (s, _) = utf8_of(&utf16(text, le, bom), Kind::Xml);
                assert_eq!(s, text, "le={le} bom={bom}");
            }
        }
        let (s, enc) = utf8_of(&utf16("ja,en\n雪,snow\n", true, true), Kind::Text);
        assert_eq!((s.as_str(), enc), ("ja,en\n雪,snow\n", "UTF-16LE"));
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let (s, enc) = utf8_of(b"\xEF\xBB\xBFja;en\n", Kind::Text);
        assert_eq!((s.as_str(), enc), ("ja;en\n", "UTF-8"));
    }

    #[test]
    fn xml_declaration_names_a_legacy_encoding() {
        let mut bytes = b"<?xml version='1.0' encoding='Shift_JIS'?><a>".to_vec();
        bytes.extend([0x93, 0xfa, 0x96, 0x7b]); // 日本 in Shift_JIS
        bytes.extend(b"</a>");
        let (s, enc) = utf8_of(&bytes, Kind::Xml);
        assert_eq!(enc, "Shift_JIS");
        assert!(s.contains("<a>日本</a>"), "{s}");
        // A UTF-16 declaration on a UTF-8 file is not believed.
        let (s, enc) = utf8_of("<?xml version='1.0' encoding='UTF-16'?><a>é</a>".as_bytes(), Kind::Xml);
        assert_eq!((enc, s.ends_with("<a>é</a>")), ("UTF-8", true));
    }

    #[test]
    fn long_input_crosses_chunks_intact() {
        let text: String = (0..40_000).map(|i| format!("行{i}\n")).collect();
        for bytes in [text.as_bytes().to_vec(), utf16(&text, true, true), utf16(&text, false, false)] {
            assert_eq!(utf8_of(&bytes, Kind::Text).0, text);
        }
    }

    #[test]
    fn tracks_line_and_column_in_characters() {
        let mut src =
            Utf8Source::new(Box::new(std::io::Cursor::new("ab\n日本x\ny".as_bytes().to_vec())), Kind::Text).unwrap();
        src.fill_buf().unwrap();
        src.consume(3);
        assert_eq!((src.line(), src.column()), (2, 1));
        src.consume(6);
        assert_eq!((src.line(), src.column()), (2, 3));
        src.consume(2);
        assert_eq!((src.line(), src.column()), (3, 1));
    }

    #[test]
    fn position_is_the_same_whatever_the_pieces_consumed() {
        let text = "<a>\n  <b>日本語 x</b>\n\n\u{e9}t\u{e9}\n<c/>ü";
        // Character by character, the definition.
        let (mut line, mut column) = (1, 1);
        for c in text.chars() {
            if c == '\n' {
                (line, column) = (line + 1, 1);
            } else {
                column += 1;
            }
        }
        for piece in [1, 2, 3, 5, 7, 64] {
            let (mut l, mut c) = (1, 1);
            for chunk in text.as_bytes().chunks(piece) {
                advance(chunk, &mut l, &mut c);
            }
            assert_eq!((l, c), (line, column), "pieces of {piece} bytes");
        }
    }
}
