//! XLIFF 1.2: the draft of an article written for a CAT tool, and the translated file read
//! back as units for the memory.
//!
//! Written: one `<file datatype="plaintext">` per article, a `<group>` per paragraph, a
//! `<trans-unit>` per sentence with the best candidate as `<target
//! state="needs-review-translation">` and every candidate as an `<alt-trans>` with its
//! `match-quality` (0–101) and origin. Valid against the OASIS XLIFF 1.2 strict schema.
//!
//! `state-qualifier`: `exact-match` for 100 % and for context (101 %) matches, `fuzzy-match`
//! for fuzzy and number-substituted ones. `id-match` is not used: it claims a match on
//! resource identifiers, and an article's sentences have none; the context match shows as
//! `match-quality="101"` and in the unit's `<note>`.
//!
//! Read: every `<trans-unit>` with a non-empty target that is not a copy of its source
//! becomes a unit of two variants (the file's `source-language`, `target-language`), with
//! the file's `original` as origin and the neighbouring trans-units' sources as context.
//! Text is taken verbatim, so a target left as the memory's exact match imports as the
//! same unit and is de-duplicated by the store.

use std::io::Write;
use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::{ReadItem, ReadOptions, ReadStream, Skip};
use crate::error::{Error, Position, Result};
use crate::lang::Lang;
use crate::report::{Candidate, Draft, DraftKind};
use crate::tm::{Unit, Variant, unit::escape_xml};

/// The XLIFF namespace.
const XMLNS: &str = "urn:oasis:names:tc:xliff:document:1.2";

/// Write `draft` as an XLIFF 1.2 document.
pub fn write_draft(draft: &Draft, out: &mut dyn Write) -> Result<()> {
    let (src, tgt) = (draft.from.as_str(), draft.to.as_str());
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<xliff version="1.2" xmlns="{XMLNS}">"#)?;
    writeln!(
        out,
        r#"  <file original="{}" source-language="{src}" target-language="{tgt}" datatype="plaintext" tool-id="tomo">"#,
        escape_xml(&draft.article)
    )?;
    writeln!(out, "    <header>")?;
    writeln!(out, r#"      <tool tool-id="tomo" tool-name="tomo" tool-version="{}"/>"#, env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "    </header>")?;
    writeln!(out, "    <body>")?;
    let mut paragraph = None;
    for seg in &draft.segments {
        if paragraph != Some(seg.paragraph) {
            if paragraph.is_some() {
                writeln!(out, "      </group>")?;
            }
            paragraph = Some(seg.paragraph);
            writeln!(out, r#"      <group id="p{}" restype="x-paragraph">"#, seg.paragraph + 1)?;
        }
        writeln!(out, r#"        <trans-unit id="{}" xml:space="preserve">"#, seg.index)?;
        writeln!(out, r#"          <source xml:lang="{src}">{}</source>"#, escape_xml(&seg.source))?;
        if let Some(best) = &seg.best {
            writeln!(
                out,
                r#"          <target xml:lang="{tgt}" state="needs-review-translation" state-qualifier="{}">{}</target>"#,
                state_qualifier(best),
                escape_xml(&best.target)
            )?;
        }
        writeln!(out, r#"          <context-group purpose="location">"#)?;
        writeln!(out, r#"            <context context-type="sourcefile">{}</context>"#, escape_xml(&draft.article))?;
        writeln!(out, r#"            <context context-type="x-paragraph">{}</context>"#, seg.paragraph + 1)?;
        writeln!(out, "          </context-group>")?;
        if let Some(note) = note(seg) {
            writeln!(out, r#"          <note from="tomo">{}</note>"#, escape_xml(&note))?;
        }
        for c in &seg.candidates {
            let origin = c.origin.as_deref().map(|o| format!(r#" origin="{}""#, escape_xml(o))).unwrap_or_default();
            writeln!(out, r#"          <alt-trans match-quality="{}" tool-id="tomo"{origin}>"#, c.score)?;
            writeln!(out, r#"            <source xml:lang="{src}">{}</source>"#, escape_xml(&c.source))?;
            writeln!(out, r#"            <target xml:lang="{tgt}">{}</target>"#, escape_xml(&c.target))?;
            writeln!(out, "          </alt-trans>")?;
        }
        writeln!(out, "        </trans-unit>")?;
    }
    if paragraph.is_some() {
        writeln!(out, "      </group>")?;
    }
    writeln!(out, "    </body>")?;
    writeln!(out, "  </file>")?;
    writeln!(out, "</xliff>")?;
    out.flush()?;
    Ok(())
}

fn state_qualifier(best: &Candidate) -> &'static str {
    match best.kind {
        DraftKind::Context | DraftKind::Exact => "exact-match",
        _ => "fuzzy-match",
    }
}

/// What the translator should know about the draft of one sentence.
fn note(seg: &crate::report::DraftSegment) -> Option<String> {
    let from = seg.origin.as_deref().map(|o| format!(" from {o}")).unwrap_or_default();
    let best = seg.best.as_ref();
    match seg.kind {
        DraftKind::None => seg.repeats.map(|r| format!("repetition of sentence {r}; no match")),
        DraftKind::Repetition => Some(format!(
            "repetition of sentence {}; {} % {} match{from}",
            seg.repeats.unwrap_or(0),
            seg.score,
            best.map_or("", |b| b.kind.as_str())
        )),
        DraftKind::Context => Some(format!("101 % context match (same neighbouring sentences){from}")),
        DraftKind::Numbers => Some(format!("{} % match, numbers replaced with this sentence's{from}", seg.score)),
        DraftKind::Exact | DraftKind::Fuzzy => Some(format!("{} % {} match{from}", seg.score, seg.kind.as_str())),
    }
}

/// Read the translated units of an XLIFF 1.2 file.
pub fn read_file(path: &Path, _opts: &ReadOptions) -> Result<ReadStream> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::parse(format!("not UTF-8: {e}")).in_file(path))?;
    let items = read_str(text.trim_start_matches('\u{feff}')).map_err(|e| e.in_file(path))?;
    Ok(Box::new(items.into_iter().map(Ok)))
}

/// One `<trans-unit>` as read.
#[derive(Default)]
struct RawUnit {
    id: String,
    line: u64,
    source: String,
    target: Option<String>,
    translate: bool,
}

/// Where the reader is inside a trans-unit.
#[derive(Clone, Copy, PartialEq)]
enum In {
    Nothing,
    Source,
    Target,
    /// Native code inside `bpt`/`ept`/`ph`/`it`: not text.
    Code,
}

/// The file-level facts a unit needs.
#[derive(Clone)]
struct FileInfo {
    source: Lang,
    target: Lang,
    original: String,
}

/// Parse an XLIFF 1.2 document into read items (positions without the file name).
pub fn read_str(xml: &str) -> Result<Vec<ReadItem>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut lines = LineCounter::default();
    let mut out = Vec::new();
    let mut file: Option<FileInfo> = None;
    let mut units: Vec<RawUnit> = Vec::new();
    let mut unit: Option<RawUnit> = None;
    let mut in_alt = false;
    let mut state = In::Nothing;
    let mut code_depth = 0usize;
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            Error::parse(format!("malformed XML: {e}")).at(Position::default().at_line(lines.line_at(xml, at), None))
        })?;
        match event {
            // Candidates offered to the translator are not the translation: skip them whole.
            Event::End(e) if in_alt => in_alt = e.local_name().as_ref() != "alt-trans",
            _ if in_alt => {}
            Event::Start(e) => match e.local_name().as_ref() {
                "file" => {
                    let line = lines.line_at(xml, pos);
                    file = Some(file_info(&e).map_err(|err| err.at(Position::default().at_line(line, None)))?);
                }
                "trans-unit" => {
                    let id = attr(&e, "id")?.unwrap_or_default();
                    let translate = attr(&e, "translate")?.is_none_or(|t| t != "no");
                    unit = Some(RawUnit { id, line: lines.line_at(xml, pos), translate, ..Default::default() });
                }
                "alt-trans" => in_alt = true,
                "source" if unit.is_some() && state == In::Nothing => state = In::Source,
                "target" if unit.is_some() && state == In::Nothing => {
                    state = In::Target;
                    if let Some(u) = unit.as_mut() {
                        u.target = Some(String::new());
                    }
                }
                "bpt" | "ept" | "ph" | "it" if state != In::Nothing => {
                    code_depth += 1;
                    state = In::Code;
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "source" | "target" if state != In::Code => state = In::Nothing,
                "bpt" | "ept" | "ph" | "it" if state == In::Code => {
                    code_depth -= 1;
                    if code_depth == 0 {
                        // Back to whichever text the code sat in.
                        state = if unit.as_ref().is_some_and(|u| u.target.is_some()) { In::Target } else { In::Source };
                    }
                }
                "trans-unit" => {
                    if let Some(u) = unit.take() {
                        units.push(u);
                    }
                    state = In::Nothing;
                }
                "file" => {
                    let info = file.take().ok_or_else(|| Error::parse("</file> without <file>"))?;
                    emit(&info, std::mem::take(&mut units), &mut out);
                }
                _ => {}
            },
            Event::Text(t) => append(&mut unit, state, &t.xml10_content()),
            Event::CData(t) => append(&mut unit, state, &t),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => {
                            let line = lines.line_at(xml, pos);
                            return Err(Error::parse(format!("unknown entity &{};", &*r))
                                .at(Position::default().at_line(line, None)));
                        }
                    },
                };
                append(&mut unit, state, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if file.is_some() {
        return Err(Error::parse("the document ends inside <file>"));
    }
    Ok(out)
}

/// Add text to the open unit's source or target, by where the reader is.
fn append(unit: &mut Option<RawUnit>, state: In, text: &str) {
    let Some(u) = unit.as_mut() else { return };
    match state {
        In::Source => u.source.push_str(text),
        In::Target => u.target.get_or_insert_with(String::new).push_str(text),
        In::Nothing | In::Code => {}
    }
}

fn file_info(e: &BytesStart<'_>) -> Result<FileInfo> {
    let lang = |name: &str, what: &str| -> Result<Lang> {
        let tag = attr(e, name)?.ok_or_else(|| Error::parse(format!("<file> has no {what}")))?;
        Lang::parse(&tag)
    };
    Ok(FileInfo {
        source: lang("source-language", "source-language")?,
        target: lang("target-language", "target-language (the translation's language)")?,
        original: attr(e, "original")?.unwrap_or_default(),
    })
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>> {
    for a in e.attributes() {
        let a = a.map_err(|err| Error::parse(format!("bad attribute: {err}")))?;
        if a.key.as_ref() == name {
            let v = a.normalized_value(XmlVersion::Implicit1_0).map_err(|err| Error::parse(err.to_string()))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// Turn a file's trans-units into read items, with neighbours as context.
fn emit(info: &FileInfo, units: Vec<RawUnit>, out: &mut Vec<ReadItem>) {
    let sources: Vec<String> = units.iter().map(|u| u.source.clone()).collect();
    for (i, u) in units.into_iter().enumerate() {
        let skip = |reason: &str| {
            ReadItem::Skipped(Skip {
                unit: format!("trans-unit id=\"{}\"", u.id),
                line: Some(u.line),
                reason: reason.into(),
            })
        };
        let target = u.target.as_deref().unwrap_or("");
        if !u.translate {
            out.push(skip("marked translate=\"no\""));
        } else if target.trim().is_empty() {
            out.push(skip("it has no translation"));
        } else if target == u.source && info.source.base() != info.target.base() {
            out.push(skip("its target is a copy of the source (not translated)"));
        } else if u.source.trim().is_empty() {
            out.push(skip("its source is empty"));
        } else {
            let mut src = Variant::from_plain(info.source.clone(), &u.source);
            src.context_prev = Some(if i == 0 { String::new() } else { sources[i - 1].clone() });
            src.context_next = Some(sources.get(i + 1).cloned().unwrap_or_default());
            let tgt = Variant::from_plain(info.target.clone(), target);
            let mut unit = Unit::new(vec![src, tgt]);
            unit.srclang = Some(info.source.clone());
            unit.origin = (!info.original.is_empty()).then(|| info.original.clone());
            out.push(ReadItem::Unit(unit));
        }
    }
}

/// Byte offset → 1-based line, counting forward from the last offset asked about.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, offset: usize) -> u64 {
        let offset = offset.min(text.len());
        if offset < self.offset {
            *self = LineCounter::default();
        }
        self.line += text.as_bytes()[self.offset..offset].iter().filter(|b| **b == b'\n').count() as u64;
        self.offset = offset;
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::draft::tests::{draft_of, m};
    use crate::tm::fuzzy::MatchKind;

    fn sample() -> Draft {
        draft_of("雨が降った。風が<強い>。\n\n雨が降った。雪だ。", &mut |s| {
            Ok(match s {
                "雨が降った。" => {
                    vec![m(100, MatchKind::Exact, s, "It rained.", (Some(""), Some("風が<強い>。")))]
                }
                "風が<強い>。" => vec![
                    m(88, MatchKind::Fuzzy, "風が強い。", "The wind is strong & cold.", (None, None)),
                    m(76, MatchKind::Fuzzy, "風が弱い。", "The wind is weak.", (None, None)),
                ],
                _ => vec![],
            })
        })
    }

    fn written(d: &Draft) -> String {
        let mut buf = Vec::new();
        write_draft(d, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn writes_groups_targets_states_and_alt_trans() {
        let x = written(&sample());
        assert!(
            x.contains(r#"<file original="new.txt" source-language="ja" target-language="en" datatype="plaintext""#)
        );
        assert_eq!(x.matches("<group ").count(), 2);
        assert_eq!(x.matches("<trans-unit ").count(), 4);
        assert!(x.contains(r#"state="needs-review-translation" state-qualifier="exact-match">It rained.</target>"#));
        assert!(x.contains(r#"state-qualifier="fuzzy-match">The wind is strong &amp; cold.</target>"#));
        assert!(x.contains(r#"<alt-trans match-quality="101" tool-id="tomo" origin="old.txt#p1">"#));
        assert!(x.contains(r#"<alt-trans match-quality="76""#));
        assert!(x.contains("<source xml:lang=\"ja\">風が&lt;強い&gt;。</source>"));
        assert!(x.contains("repetition of sentence 1"));
    }

    #[test]
    fn reads_translated_units_back_with_context_and_origin() {
        let mut x = written(&sample());
        // The translator fills the last sentence; alt-trans candidates must not be read.
        x = x.replace(
            "<source xml:lang=\"ja\">雪だ。</source>",
            "<source xml:lang=\"ja\">雪だ。</source>\n<target xml:lang=\"en\" state=\"translated\">It&apos;s <ph id=\"1\">&lt;br/&gt;</ph>snow.</target>",
        );
        let items = read_str(&x).unwrap();
        let units: Vec<&Unit> = items
            .iter()
            .filter_map(|i| match i {
                ReadItem::Unit(u) => Some(u),
                ReadItem::Skipped(_) => None,
            })
            .collect();
        assert_eq!(units.len(), 4);
        let pair = |u: &Unit| (u.variants[0].plain.clone(), u.variants[1].plain.clone());
        assert_eq!(pair(units[0]), ("雨が降った。".into(), "It rained.".into()));
        assert_eq!(pair(units[1]), ("風が<強い>。".into(), "The wind is strong & cold.".into()));
        assert_eq!(pair(units[3]), ("雪だ。".into(), "It's snow.".into()));
        assert_eq!(units[0].variants[0].context_prev.as_deref(), Some(""));
        assert_eq!(units[0].variants[0].context_next.as_deref(), Some("風が<強い>。"));
        assert_eq!(units[3].variants[0].context_next.as_deref(), Some(""));
        assert_eq!(units[0].origin.as_deref(), Some("new.txt"));
        assert_eq!(units[0].srclang.as_ref().map(Lang::as_str), Some("ja"));
        // Same seg text as a unit made from the memory's plain text: the store de-duplicates it.
        assert_eq!(
            units[1].variants[1].seg,
            Variant::from_plain(Lang::parse("en").unwrap(), "The wind is strong & cold.").seg
        );
    }

    #[test]
    fn untranslated_units_are_skipped_with_a_reason() {
        let x = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a.txt" source-language="ja" target-language="en" datatype="plaintext"><body>
  <trans-unit id="1"><source>一。</source></trans-unit>
  <trans-unit id="2"><source>二。</source><target>二。</target></trans-unit>
  <trans-unit id="3" translate="no"><source>三。</source><target>Three.</target></trans-unit>
 </body></file></xliff>"#;
        let items = read_str(x).unwrap();
        let reasons: Vec<(String, Option<u64>)> = items
            .iter()
            .map(|i| match i {
                ReadItem::Skipped(s) => (s.reason.clone(), s.line),
                ReadItem::Unit(_) => ("unit".into(), None),
            })
            .collect();
        assert_eq!(reasons[0], ("it has no translation".into(), Some(4)));
        assert!(reasons[1].0.contains("copy of the source"));
        assert!(reasons[2].0.contains("translate"));
    }

    #[test]
    fn errors_name_the_line() {
        let x = "<xliff version=\"1.2\">\n<file original=\"a\" datatype=\"plaintext\" source-language=\"ja\">\n<body/></file></xliff>";
        let err = read_str(x).unwrap_err();
        assert!(err.to_string().starts_with("line 2: <file> has no target-language"), "{err}");
        let err = read_str("<xliff>\n<a>\n</b>").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn format_detection() {
        assert_eq!(crate::formats::Format::from_path(Path::new("done.xlf")), Some(crate::formats::Format::Xliff));
        assert_eq!(crate::formats::Format::from_path(Path::new("done.XLIFF")), Some(crate::formats::Format::Xliff));
    }
}
