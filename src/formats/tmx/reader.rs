//! The streaming TMX reader: a small state machine over quick-xml events, one reused
//! event buffer, one unit built at a time and handed out through the iterator.
//!
//! What it accepts and decides:
//! - TMX 1.4b and 1.1: `xml:lang` or the older `lang` on `<tuv>`; tags in any case or
//!   with `_`, canonicalized by [`Lang::parse`].
//! - The source language is the tu's `srclang`, else the header's; `*all*` (or none)
//!   means any. A tu without a variant in it (region fallback: `en-US` accepts `EN`), with
//!   two variants in one language, or with a tag that does not parse is skipped with the
//!   reason, naming it by `tuid="..."` or `tu #N` and its line.
//! - A tu with one variant is imported: the DTD allows it, OmegaT loads it (it simply
//!   offers no translation for it) and translate-toolkit reads it as a unit with an empty
//!   target. Dropping it would lose data a round trip should keep.
//! - Inline codes (`bpt ept it ph hi sub ut`) stay in [`Variant::seg`], re-serialized
//!   canonically (see [`super::inline`]); [`Variant::plain`] is the text outside codes:
//!   text inside `hi` counts, text inside `bpt/ept/it/ph/ut` (native code) and `sub`
//!   (a sub-flow, e.g. an `alt` text inside a code) does not.
//! - Header notes and props are read past and not kept: a unit has no place for them and
//!   they describe the exporting tool's file, not the units.
//! - No DTD is read and no entity other than the five predefined ones and character
//!   references is expanded; any other reference is an error naming its position.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::fast::{Decline, Op, Piece, TextKind, TuScan};
use super::inline::{push_attr, push_char, push_text, resolve_reference};
use super::{PROP_ATTR_PREFIX, PROP_CONTEXT_NEXT, PROP_CONTEXT_PREV, PROP_ORIGIN};
use crate::error::{Error, Position, Result};
use crate::formats::encoding::{Kind, Utf8Source, line_column_at};
use crate::formats::{ReadItem, ReadOptions, Skip};
use crate::lang::Lang;
use crate::tm::{Note, Prop, Unit, Variant};

/// Open `path` and return the stream of its units.
pub fn open(path: &Path, opts: &ReadOptions) -> Result<TmxStream> {
    let source = Utf8Source::open(path, Kind::Xml)?;
    let mut xml = Reader::from_reader(source);
    // Markup names and end tags are checked (the default); comments are not, as the
    // LISA compliance kit has `-!>` inside one.
    xml.config_mut().check_end_names = true;
    Ok(TmxStream {
        path: path.to_path_buf(),
        xml,
        buf: Vec::with_capacity(4096),
        st: Machine::new(opts.langs.clone()),
        done: false,
        scan: TuScan::new(),
        xml_at_text: false,
        fast: true,
        fast_units: 0,
        fast_bytes: 0,
        fast_wait: 0,
        fast_backoff: 0,
        fast_max_wait: FAST_MAX_WAIT,
    })
}

/// After the scanner declines a tu for its shape, the next attempts are skipped, 1 after
/// a first decline, then twice as many after each decline that follows, up to this many:
/// a file whose units all have inline codes should not pay for a scan of each, while one
/// with a code here and there goes on with the fast path (a declined scan costs a few
/// hundred instructions; a tu read by events, some twenty thousand).
const FAST_MAX_WAIT: u32 = 64;

/// The units of one TMX file, read one at a time.
pub struct TmxStream {
    path: PathBuf,
    xml: Reader<Utf8Source>,
    buf: Vec<u8>,
    st: Machine,
    done: bool,
    /// The fast path's scanner ([`super::fast`]).
    scan: TuScan,
    /// quick-xml is between a markup event and the text after it (its state after any
    /// event but text): the fast path may take the input from here, whitespace included,
    /// and leave quick-xml in the same state after `</tu>`.
    xml_at_text: bool,
    /// Whether to try the fast path at all (the tests compare both paths).
    fast: bool,
    /// Units the fast path read.
    fast_units: u64,
    /// Input bytes the fast path consumed behind quick-xml's back (its offsets lack them).
    fast_bytes: u64,
    /// Fast-path attempts still to skip after a decline.
    fast_wait: u32,
    /// What `fast_wait` is set to after the next decline (0 after a success).
    fast_backoff: u32,
    /// The most `fast_backoff` grows to ([`FAST_MAX_WAIT`]).
    fast_max_wait: u32,
}

impl TmxStream {
    /// The same stream, read by quick-xml events only (the tests compare both paths).
    #[cfg(test)]
    pub(super) fn events_only(mut self) -> TmxStream {
        self.fast = false;
        self
    }

    /// The same stream, trying the fast path on every tu even after it declined one.
    #[cfg(test)]
    pub(super) fn eager(mut self) -> TmxStream {
        self.fast_max_wait = 0;
        self
    }

    /// How many units the fast path has read so far.
    #[cfg(test)]
    pub(super) fn fast_units(&self) -> u64 {
        self.fast_units
    }

    /// The next tu by the fast path, when the reader is between units of the body and
    /// the next one is of the common shape and whole in the input buffer.
    fn fast_tu(&mut self) -> Option<ReadItem> {
        if !self.fast || !self.xml_at_text || self.st.state != State::Body || self.st.skip_depth > 0 {
            return None;
        }
        if self.fast_wait > 0 {
            self.fast_wait -= 1;
            return None;
        }
        let src = self.xml.get_mut();
        let line = src.line();
        // An I/O error is left for quick-xml to meet and report.
        let buf = src.fill_buf().ok()?;
        let text = match self.scan.scan(buf) {
            Ok(text) => text,
            Err(Decline::Short) => return None,
            Err(Decline::Shape) => {
                self.fast_wait = self.fast_backoff;
                self.fast_backoff = (self.fast_backoff * 2).max(1).min(self.fast_max_wait);
                return None;
            }
        };
        let item = self.st.scanned_tu(text, &self.scan, line + self.scan.newlines);
        let len = self.scan.len;
        match self.scan.lines {
            Some(lines) => src.consume_scanned(len, lines),
            None => src.consume(len),
        }
        self.fast_bytes += len as u64;
        self.fast_units += 1;
        self.fast_backoff = 0;
        Some(item)
    }
}

impl Iterator for TmxStream {
    type Item = Result<ReadItem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            if let Some(item) = self.fast_tu() {
                return Some(Ok(item));
            }
            let src = self.xml.get_ref();
            let at = (src.line(), src.column());
            let offset = src.offset();
            self.buf.clear();
            let step = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => {
                    self.xml_at_text = !matches!(ev, Event::Text(_));
                    self.st.handle(ev, at)
                }
                Err(e) => {
                    // quick-xml points at the markup that failed; some errors (bad UTF-8)
                    // come without a position, and then the event's start is the best we have.
                    let failed_at = self.xml.error_position() + self.fast_bytes;
                    let (line, column) = if failed_at > offset {
                        line_column_at(&self.path, Kind::Xml, failed_at).unwrap_or(at)
                    } else {
                        at
                    };
                    Err(Error::parse(format!("malformed XML: {e}")).at(Position::default().at_line(line, Some(column))))
                }
            };
            match step {
                Ok(Step::More) => continue,
                Ok(Step::Item(item)) => return Some(Ok(item)),
                Ok(Step::End) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e.in_file(&self.path)));
                }
            }
        }
    }
}

/// What handling one event led to.
#[allow(
    clippy::large_enum_variant,
    reason = "one Step per event, never stored; boxing would cost an allocation per unit"
)]
enum Step {
    More,
    Item(ReadItem),
    End,
}

/// Where the parser is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Prolog,
    Tmx,
    Body,
    Tu,
    Tuv,
    Seg,
    Note(Level),
    Prop(Level),
    Epilog,
}

/// Whether a note or prop belongs to the tu or to the tuv being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Tu,
    Tuv,
}

/// A `srclang` value.
#[derive(Debug, Clone, PartialEq)]
enum SrcLang {
    /// None given, or `*all*`: any variant may be the source.
    Any,
    Lang(Lang),
    /// A value that is not a language tag (kept to name it in the skip reason).
    Bad(String),
}

impl SrcLang {
    fn parse(value: &str) -> SrcLang {
        if value.trim().eq_ignore_ascii_case("*all*") {
            return SrcLang::Any;
        }
        Lang::parse(value).map(SrcLang::Lang).unwrap_or_else(|_| SrcLang::Bad(value.to_string()))
    }
}

/// The state machine and the unit it is building.
struct Machine {
    state: State,
    /// Depth of an element being skipped (unknown element, header content).
    skip_depth: u32,
    /// The state to return to when the skipped element ends.
    skip_return: State,
    header_src: SrcLang,
    langs: Option<Vec<Lang>>,
    ordinal: u64,
    // The tu being read.
    unit: Unit,
    tu_line: u64,
    tu_src: Option<SrcLang>,
    problem: Option<String>,
    // The tuv being read.
    variant: Option<Variant>,
    seg_seen: bool,
    inline_depth: u32,
    /// Open inline elements whose text is not part of the plain text (all but `hi`).
    code_depth: u32,
    // The note or prop being read.
    text: String,
    text_lang: Option<String>,
    prop_type: String,
    /// The `xml:lang` values met so far, parsed.
    langs_seen: LangCache,
}

/// The tags a file uses, parsed once: a file holds a handful of distinct `xml:lang`
/// values, and parsing one (several allocations) showed in the import profile.
#[derive(Default)]
struct LangCache(Vec<(String, Lang)>);

impl LangCache {
    /// Beyond this many distinct tags, new ones are parsed each time (bounds the memory).
    const MAX: usize = 64;

    /// [`Lang::parse`] of `tag`, from the cache when it was met before (borrowed: a
    /// variant taken from the pool usually has that tag already, and a clone allocates).
    fn parse(&mut self, tag: &str) -> Result<Cow<'_, Lang>> {
        if let Some(i) = self.0.iter().position(|(t, _)| t == tag) {
            return Ok(Cow::Borrowed(&self.0[i].1));
        }
        let lang = Lang::parse(tag)?;
        if self.0.len() < Self::MAX {
            self.0.push((tag.to_string(), lang));
            return Ok(Cow::Borrowed(&self.0[self.0.len() - 1].1));
        }
        Ok(Cow::Owned(lang))
    }
}

impl Machine {
    fn new(langs: Option<Vec<Lang>>) -> Machine {
        Machine {
            state: State::Prolog,
            skip_depth: 0,
            skip_return: State::Prolog,
            header_src: SrcLang::Any,
            langs,
            ordinal: 0,
            unit: Unit::default(),
            tu_line: 0,
            tu_src: None,
            problem: None,
            variant: None,
            seg_seen: false,
            inline_depth: 0,
            code_depth: 0,
            text: String::new(),
            text_lang: None,
            prop_type: String::new(),
            langs_seen: LangCache::default(),
        }
    }

    fn handle(&mut self, ev: Event<'_>, at: (u64, u64)) -> Result<Step> {
        let here = || Position::default().at_line(at.0, Some(at.1));
        if self.skip_depth > 0 {
            match ev {
                Event::Start(_) => self.skip_depth += 1,
                Event::End(_) => {
                    self.skip_depth -= 1;
                    if self.skip_depth == 0 {
                        self.state = self.skip_return;
                    }
                }
                Event::GeneralRef(r) => {
                    check_reference(&r).map_err(|e| e.at(here()))?;
                }
                Event::Eof => return Err(self.eof_error().at(here())),
                _ => {}
            }
            return Ok(Step::More);
        }
        match (self.state, ev) {
            (_, Event::Eof) => {
                return match self.state {
                    State::Epilog => Ok(Step::End),
                    _ => Err(self.eof_error().at(here())),
                };
            }
            (_, Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_)) => {}

            // Text of a segment, a note or a prop.
            (State::Seg, Event::Text(t)) => self.seg_text(&t.xml10_content()),
            (State::Seg, Event::CData(t)) => self.seg_text(&t.xml10_content()),
            (State::Seg, Event::GeneralRef(r)) => {
                let c = check_reference(&r).map_err(|e| e.at(here()))?;
                self.seg_char(c);
            }
            (State::Note(_) | State::Prop(_), Event::Text(t)) => self.text.push_str(&t.xml10_content()),
            (State::Note(_) | State::Prop(_), Event::CData(t)) => self.text.push_str(&t.xml10_content()),
            (State::Note(_) | State::Prop(_), Event::GeneralRef(r)) => {
                let c = check_reference(&r).map_err(|e| e.at(here()))?;
                self.text.push(c);
            }
            // Anywhere else text is whitespace between elements (or stray text a lenient
            // reader ignores); references in it must still be ones we know.
            (_, Event::GeneralRef(r)) => {
                check_reference(&r).map_err(|e| e.at(here()))?;
            }
            (_, Event::Text(_) | Event::CData(_)) => {}

            // Inline elements inside a segment.
            (State::Seg, Event::Start(e)) => {
                let name = e.name().0;
                let seg = &mut self.variant.as_mut().expect("a tuv is open inside <seg>").seg;
                seg.push('<');
                seg.push_str(name);
                push_attrs(seg, &e).map_err(|e| e.at(here()))?;
                seg.push('>');
                self.inline_depth += 1;
                if name != "hi" {
                    self.code_depth += 1;
                }
            }
            (State::Seg, Event::Empty(e)) => {
                let seg = &mut self.variant.as_mut().expect("a tuv is open inside <seg>").seg;
                seg.push('<');
                seg.push_str(e.name().0);
                push_attrs(seg, &e).map_err(|e| e.at(here()))?;
                seg.push_str("/>");
            }
            (State::Seg, Event::End(e)) => {
                if self.inline_depth == 0 {
                    self.state = State::Tuv;
                } else {
                    let name = e.name().0;
                    let seg = &mut self.variant.as_mut().expect("a tuv is open inside <seg>").seg;
                    seg.push_str("</");
                    seg.push_str(name);
                    seg.push('>');
                    self.inline_depth -= 1;
                    if name != "hi" {
                        self.code_depth -= 1;
                    }
                }
            }

            (State::Prolog, Event::Start(e)) => {
                expect_root(&e).map_err(|e| e.at(here()))?;
                self.state = State::Tmx;
            }
            (State::Prolog, Event::Empty(e)) => {
                expect_root(&e).map_err(|e| e.at(here()))?;
                self.state = State::Epilog;
            }
            (State::Prolog | State::Epilog, Event::End(_)) => {}
            (State::Epilog, Event::Start(_)) => self.skip(State::Epilog),
            (State::Epilog, Event::Empty(_)) => {}

            (State::Tmx, Event::Start(e)) => match e.name().0 {
                "header" => {
                    self.read_header(&e).map_err(|e| e.at(here()))?;
                    self.skip(State::Tmx);
                }
                "body" => self.state = State::Body,
                _ => self.skip(State::Tmx),
            },
            (State::Tmx, Event::Empty(e)) => {
                if e.name().0 == "header" {
                    self.read_header(&e).map_err(|e| e.at(here()))?;
                }
            }
            (State::Tmx, Event::End(_)) => self.state = State::Epilog,

            (State::Body, Event::Start(e)) => {
                if e.name().0 == "tu" {
                    self.start_tu(&e, at.0).map_err(|e| e.at(here()))?;
                    self.state = State::Tu;
                } else {
                    self.skip(State::Body);
                }
            }
            (State::Body, Event::Empty(e)) => {
                if e.name().0 == "tu" {
                    self.start_tu(&e, at.0).map_err(|e| e.at(here()))?;
                    return Ok(Step::Item(self.finish_tu()));
                }
            }
            (State::Body, Event::End(_)) => self.state = State::Tmx,

            (State::Tu | State::Tuv, Event::Start(e)) => {
                let level = if self.state == State::Tu { Level::Tu } else { Level::Tuv };
                match e.name().0 {
                    "note" => {
                        self.start_text(&e).map_err(|e| e.at(here()))?;
                        self.state = State::Note(level);
                    }
                    "prop" => {
                        self.start_text(&e).map_err(|e| e.at(here()))?;
                        self.state = State::Prop(level);
                    }
                    "tuv" if level == Level::Tu => {
                        self.start_tuv(&e).map_err(|e| e.at(here()))?;
                        self.state = State::Tuv;
                    }
                    "seg" if level == Level::Tuv => {
                        self.start_seg();
                        self.state = State::Seg;
                    }
                    _ => self.skip(self.state),
                }
            }
            (State::Tu | State::Tuv, Event::Empty(e)) => {
                let level = if self.state == State::Tu { Level::Tu } else { Level::Tuv };
                match e.name().0 {
                    "note" => {
                        self.start_text(&e).map_err(|e| e.at(here()))?;
                        self.end_note(level);
                    }
                    "prop" => {
                        self.start_text(&e).map_err(|e| e.at(here()))?;
                        self.end_prop(level);
                    }
                    "tuv" if level == Level::Tu => {
                        self.start_tuv(&e).map_err(|e| e.at(here()))?;
                        self.end_tuv();
                    }
                    "seg" if level == Level::Tuv => self.start_seg(),
                    _ => {}
                }
            }
            (State::Tu, Event::End(_)) => {
                self.state = State::Body;
                return Ok(Step::Item(self.finish_tu()));
            }
            (State::Tuv, Event::End(_)) => {
                self.end_tuv();
                self.state = State::Tu;
            }
            (State::Note(level), Event::End(_)) => {
                self.end_note(level);
                self.state = if level == Level::Tu { State::Tu } else { State::Tuv };
            }
            (State::Prop(level), Event::End(_)) => {
                self.end_prop(level);
                self.state = if level == Level::Tu { State::Tu } else { State::Tuv };
            }
            (State::Note(_) | State::Prop(_), Event::Start(_)) => self.skip(self.state),
            (State::Note(_) | State::Prop(_), Event::Empty(_)) => {}
        }
        Ok(Step::More)
    }

    fn skip(&mut self, back_to: State) {
        self.skip_depth = 1;
        self.skip_return = back_to;
    }

    fn eof_error(&self) -> Error {
        let inside = match self.state {
            State::Prolog => return Error::parse("no <tmx> element: this is not a TMX file"),
            State::Tmx | State::Epilog => "<tmx>",
            State::Body => "<body>",
            State::Tu => "<tu>",
            State::Tuv => "<tuv>",
            State::Seg => "<seg>",
            State::Note(_) => "<note>",
            State::Prop(_) => "<prop>",
        };
        Error::parse(format!("the file ends inside {inside} (is it truncated?)"))
    }

    fn read_header(&mut self, e: &BytesStart<'_>) -> Result<()> {
        for_each_attribute(e, |name, value| {
            if name == "srclang" {
                self.header_src = match SrcLang::parse(&value) {
                    // An unreadable header srclang does not make the units wrong: check nothing.
                    SrcLang::Bad(_) => SrcLang::Any,
                    s => s,
                };
            }
        })
    }

    fn start_tu(&mut self, e: &BytesStart<'_>, line: u64) -> Result<()> {
        self.begin_tu(line);
        for_each_attribute(e, |name, value| self.tu_attr(name, value))
    }

    fn begin_tu(&mut self, line: u64) {
        self.ordinal += 1;
        self.unit = Unit::spare();
        self.tu_line = line;
        self.tu_src = None;
        self.problem = None;
    }

    fn tu_attr(&mut self, name: &str, value: Cow<'_, str>) {
        let u = &mut self.unit;
        match name {
            "tuid" => u.tuid = Some(Unit::spare_string(&value)),
            "srclang" => self.tu_src = Some(SrcLang::parse(&value)),
            "creationdate" => u.created = Some(Unit::spare_string(&value)),
            "creationid" => u.created_by = Some(Unit::spare_string(&value)),
            "changedate" => u.changed = Some(Unit::spare_string(&value)),
            "changeid" => u.changed_by = Some(Unit::spare_string(&value)),
            "lastusagedate" => u.last_used = Some(Unit::spare_string(&value)),
            "usagecount" => match value.trim().parse() {
                Ok(n) => u.usage_count = n,
                Err(_) => u.attrs.push((name.to_string(), value.into_owned())),
            },
            _ => u.attrs.push((name.to_string(), value.into_owned())),
        }
    }

    fn start_tuv(&mut self, e: &BytesStart<'_>) -> Result<()> {
        let mut lang: Option<Cow<'_, str>> = None;
        let mut old_lang: Option<Cow<'_, str>> = None;
        let mut attrs = Vec::new();
        for_each_attribute(e, |name, value| match name {
            "xml:lang" => lang = Some(value),
            "lang" => old_lang = Some(value),
            _ => attrs.push((name.to_string(), value.into_owned())),
        })?;
        self.begin_tuv(lang.or(old_lang).as_deref(), attrs);
        Ok(())
    }

    /// Open a tuv in the language `tag` (its `xml:lang`, else its `lang`) with its
    /// other attributes.
    fn begin_tuv(&mut self, tag: Option<&str>, attrs: Vec<(String, String)>) {
        let parsed = match &tag {
            None => Err("a <tuv> has no xml:lang".to_string()),
            Some(t) => self.langs_seen.parse(t).map_err(|_| format!("{t:?} is not a language tag")),
        };
        let mut v = match parsed {
            Ok(lang) => Variant::spare(&lang),
            Err(reason) => {
                self.problem.get_or_insert(reason);
                Variant::spare(&Lang::parse("und").expect("und is a language tag"))
            }
        };
        v.attrs = attrs;
        self.variant = Some(v);
        self.seg_seen = false;
    }

    /// The tu the fast path scanned ([`super::fast`]), built through the same steps as
    /// its events would have taken: the same unit, or the same skip.
    fn scanned_tu(&mut self, text: &str, scan: &TuScan, line: u64) -> ReadItem {
        let span = |(a, b): (u32, u32)| &text[a as usize..b as usize];
        self.begin_tu(line);
        for a in &scan.attrs[scan.tu_attrs.clone()] {
            self.tu_attr(span(a.name), Cow::Borrowed(span(a.value)));
        }
        let (mut level, mut in_text) = (Level::Tu, false);
        for op in &scan.ops {
            match op {
                Op::Tuv(attrs) => {
                    let (mut lang, mut old_lang) = (None, None);
                    let mut kept = Vec::new();
                    for a in &scan.attrs[attrs.clone()] {
                        match span(a.name) {
                            "xml:lang" => lang = Some(span(a.value)),
                            "lang" => old_lang = Some(span(a.value)),
                            name => kept.push((name.to_string(), span(a.value).to_string())),
                        }
                    }
                    self.begin_tuv(lang.or(old_lang), kept);
                    level = Level::Tuv;
                }
                Op::Seg => self.start_seg(),
                Op::EndTuv => {
                    self.end_tuv();
                    level = Level::Tu;
                }
                Op::Text(attrs) => {
                    self.begin_text();
                    for a in &scan.attrs[attrs.clone()] {
                        self.text_attr(span(a.name), Cow::Borrowed(span(a.value)));
                    }
                    in_text = true;
                }
                Op::EndText(kind) => {
                    in_text = false;
                    match kind {
                        TextKind::Note => self.end_note(level),
                        TextKind::Prop => self.end_prop(level),
                    }
                }
                Op::Piece(Piece::Text(s, _)) if in_text => self.text.push_str(span(*s)),
                Op::Piece(Piece::Char(c)) if in_text => self.text.push(*c),
                Op::Piece(Piece::Text(s, true)) => self.seg_clean_text(span(*s)),
                Op::Piece(Piece::Text(s, false)) => self.seg_text(span(*s)),
                Op::Piece(Piece::Char(c)) => self.seg_char(*c),
            }
        }
        self.finish_tu()
    }

    fn start_seg(&mut self) {
        self.seg_seen = true;
        self.inline_depth = 0;
        self.code_depth = 0;
        if let Some(v) = self.variant.as_mut() {
            v.seg.clear();
            v.plain.clear();
        }
    }

    fn seg_text(&mut self, text: &str) {
        let v = self.variant.as_mut().expect("a tuv is open inside <seg>");
        push_text(&mut v.seg, text);
        if self.code_depth == 0 {
            v.plain.push_str(text);
        }
    }

    /// [`Self::seg_text`] for text with nothing to escape.
    fn seg_clean_text(&mut self, text: &str) {
        let v = self.variant.as_mut().expect("a tuv is open inside <seg>");
        v.seg.push_str(text);
        if self.code_depth == 0 {
            v.plain.push_str(text);
        }
    }

    fn seg_char(&mut self, c: char) {
        let v = self.variant.as_mut().expect("a tuv is open inside <seg>");
        push_char(&mut v.seg, c);
        if self.code_depth == 0 {
            v.plain.push(c);
        }
    }

    fn end_tuv(&mut self) {
        let Some(v) = self.variant.take() else { return };
        if !self.seg_seen {
            self.problem.get_or_insert_with(|| format!("its {} <tuv> has no <seg>", v.lang));
        }
        self.unit.variants.push(v);
    }

    fn start_text(&mut self, e: &BytesStart<'_>) -> Result<()> {
        self.begin_text();
        for_each_attribute(e, |name, value| self.text_attr(name, value))
    }

    /// Open a note or prop.
    fn begin_text(&mut self) {
        self.text.clear();
        self.text_lang = None;
        self.prop_type.clear();
    }

    fn text_attr(&mut self, name: &str, value: Cow<'_, str>) {
        match name {
            "xml:lang" => self.text_lang = Some(value.into_owned()),
            "lang" => {
                self.text_lang.get_or_insert_with(|| value.into_owned());
            }
            "type" => self.prop_type = value.into_owned(),
            _ => {}
        }
    }

    fn end_note(&mut self, level: Level) {
        let note = Note { lang: self.text_lang.take(), text: std::mem::take(&mut self.text) };
        match (level, self.variant.as_mut()) {
            (Level::Tuv, Some(v)) => v.notes.push(note),
            _ => self.unit.notes.push(note),
        }
    }

    fn end_prop(&mut self, level: Level) {
        let kind = std::mem::take(&mut self.prop_type);
        let text = std::mem::take(&mut self.text);
        let lang = self.text_lang.take();
        // Our own x- props carry fields TMX has no attribute for; map them back.
        if let Some(attr) = kind.strip_prefix(PROP_ATTR_PREFIX) {
            match (level, self.variant.as_mut()) {
                (Level::Tuv, Some(v)) => v.attrs.push((attr.to_string(), text)),
                _ => self.unit.attrs.push((attr.to_string(), text)),
            }
            return;
        }
        match (level, self.variant.as_mut(), kind.as_str()) {
            (Level::Tu, _, PROP_ORIGIN) => self.unit.origin = Some(text),
            (Level::Tuv, Some(v), PROP_CONTEXT_PREV) => v.context_prev = Some(text),
            (Level::Tuv, Some(v), PROP_CONTEXT_NEXT) => v.context_next = Some(text),
            (Level::Tuv, Some(v), _) => v.props.push(Prop { kind, lang, text }),
            _ => self.unit.props.push(Prop { kind, lang, text }),
        }
    }

    /// The tu just closed, as a unit or a skip with the reason.
    fn finish_tu(&mut self) -> ReadItem {
        let mut unit = std::mem::take(&mut self.unit);
        // Named only when skipped: formatting a name for every unit showed in the profile.
        let (ordinal, line) = (self.ordinal, self.tu_line);
        let skip = |unit: &Unit, reason: String| {
            let name = match &unit.tuid {
                Some(id) => format!("tuid={id:?}"),
                None => format!("tu #{ordinal}"),
            };
            ReadItem::Skipped(Skip { unit: name, line: Some(line), reason })
        };
        if let Some(reason) = self.problem.take() {
            return skip(&unit, reason);
        }
        if unit.variants.is_empty() {
            return skip(&unit, "it has no <tuv>".into());
        }
        for (i, v) in unit.variants.iter().enumerate() {
            if unit.variants[..i].iter().any(|w| w.lang == v.lang) {
                return skip(&unit, format!("it has two variants in {}", v.lang));
            }
        }
        // Borrowed: most units have the header's, and a clone of its tag allocates.
        let tu_src = self.tu_src.take();
        match tu_src.as_ref().unwrap_or(&self.header_src) {
            SrcLang::Any => {}
            SrcLang::Bad(tag) => return skip(&unit, format!("its srclang {tag:?} is not a language tag")),
            SrcLang::Lang(l) => {
                if !unit.variants.iter().any(|v| l.matches(&v.lang)) {
                    return skip(&unit, format!("it has no variant in the source language {l}"));
                }
                unit.srclang = Some(Unit::spare_lang(l));
            }
        }
        if let Some(langs) = &self.langs {
            if let Some(missing) = langs.iter().find(|l| !unit.variants.iter().any(|v| l.matches(&v.lang))) {
                return skip(&unit, format!("it has no {missing} variant (only {} were asked for)", list(langs)));
            }
            unit.variants.retain(|v| langs.iter().any(|l| l.matches(&v.lang)));
            if unit.srclang.as_ref().is_some_and(|s| !unit.variants.iter().any(|v| s.matches(&v.lang))) {
                unit.srclang = None;
            }
        }
        ReadItem::Unit(unit)
    }
}

fn list(langs: &[Lang]) -> String {
    langs.iter().map(Lang::as_str).collect::<Vec<_>>().join(",")
}

fn expect_root(e: &BytesStart<'_>) -> Result<()> {
    if e.name().0 == "tmx" {
        Ok(())
    } else {
        Err(Error::parse(format!("this is not a TMX file: the root element is <{}>, not <tmx>", e.name().0)))
    }
}

/// The character an entity reference stands for, or an error for one we cannot expand.
fn check_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char> {
    let name: &str = r;
    resolve_reference(name).ok_or_else(|| {
        if name.starts_with('#') {
            Error::parse(format!("&{name}; is not a valid XML character reference"))
        } else {
            Error::parse(format!("unknown entity &{name}; (tomo expands only &lt; &gt; &amp; &quot; &apos; and character references; it reads no DTD)"))
        }
    })
}

/// Call `f` with each attribute of `e` as (name, value), references resolved. Borrowed:
/// a unit's `tu` and `tuv` attributes cost no allocation unless they are kept.
fn for_each_attribute<'e>(e: &'e BytesStart<'_>, mut f: impl FnMut(&'e str, Cow<'e, str>)) -> Result<()> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| Error::parse(format!("malformed attribute in <{}>: {err}", e.name().0)))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| Error::parse(format!("in attribute {} of <{}>: {err}", attr.key.0, e.name().0)))?;
        f(attr.key.0, value);
    }
    Ok(())
}

/// Append the attributes of an inline element, re-serialized canonically.
fn push_attrs(seg: &mut String, e: &BytesStart<'_>) -> Result<()> {
    for_each_attribute(e, |name, value| push_attr(seg, name, &value))
}
