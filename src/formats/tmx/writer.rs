//! The streaming TMX 1.4b writer: one `<tu>` built in a reused buffer and written per unit.
//!
//! The output validates against the TMX 1.4 DTD: the header carries every required
//! attribute, a tu or tuv carries only the attributes the DTD declares (any other one kept
//! from the input goes out as `<prop type="x-tomo-attr-NAME">`, which the reader maps back),
//! notes and props come before the tuvs, and in a tuv before the seg. Fields TMX has no
//! place for go out as `x-tomo-*` props ([`super::PROP_ORIGIN`] and the context props).

use std::io::Write;

use super::inline::{push_attr, push_text, sanitize_seg};
use super::{PROP_ATTR_PREFIX, PROP_CONTEXT_NEXT, PROP_CONTEXT_PREV, PROP_ORIGIN, normalize_date};
use crate::error::Result;
use crate::formats::{UnitWriter, WriteHeader};
use crate::lang::Lang;
use crate::tm::unit::tmx_now;
use crate::tm::{Note, Prop, Unit};

/// `tu` attributes the DTD declares, besides those [`Unit`] has fields for.
const TU_ATTRS: &[&str] = &["o-encoding", "datatype", "creationtool", "creationtoolversion", "segtype", "o-tmf"];

/// `tuv` attributes the DTD declares (`xml:lang` is written from [`crate::tm::Variant::lang`]).
const TUV_ATTRS: &[&str] = &[
    "o-encoding",
    "datatype",
    "usagecount",
    "lastusagedate",
    "creationtool",
    "creationtoolversion",
    "creationdate",
    "creationid",
    "changedate",
    "o-tmf",
    "changeid",
];

const DATE_ATTRS: &[&str] = &["creationdate", "changedate", "lastusagedate"];

/// Writes TMX 1.4b, one unit at a time.
pub struct TmxWriter {
    out: Box<dyn Write>,
    srclang: Option<Lang>,
    buf: String,
    /// Attributes written on the element being built, to send duplicates to props.
    written: Vec<&'static str>,
}

impl TmxWriter {
    /// Start a TMX document on `out` (writes the XML declaration, DOCTYPE and header).
    pub fn new(mut out: Box<dyn Write>, header: &WriteHeader) -> Result<Self> {
        let mut head = String::with_capacity(512);
        head.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n");
        head.push_str("<tmx version=\"1.4\">\n  <header");
        push_attr(&mut head, "creationtool", "tomo");
        push_attr(&mut head, "creationtoolversion", env!("CARGO_PKG_VERSION"));
        push_attr(&mut head, "segtype", "sentence");
        push_attr(&mut head, "o-tmf", "tomo");
        push_attr(&mut head, "adminlang", "en");
        push_attr(&mut head, "srclang", header.srclang.as_ref().map_or("*all*", Lang::as_str));
        push_attr(&mut head, "datatype", "plaintext");
        push_attr(&mut head, "creationdate", &tmx_now());
        head.push_str("/>\n  <body>\n");
        out.write_all(head.as_bytes())?;
        Ok(TmxWriter { out, srclang: header.srclang.clone(), buf: String::with_capacity(4096), written: Vec::new() })
    }

    /// The tu's `srclang` attribute, if it needs one. A unit's own source language is
    /// written when it differs from the header's. A unit without one (or whose source
    /// variant was filtered out by `--langs`) inherits the header's if it has that
    /// variant, and otherwise says `*all*`: a reader would skip it for lacking a variant
    /// in the header's source language.
    fn tu_srclang<'u>(&self, unit: &'u Unit) -> Option<&'u str> {
        let has = |l: &Lang| unit.variants.iter().any(|v| l.matches(&v.lang));
        let own = unit.srclang.as_ref().filter(|s| has(s));
        match (own, &self.srclang) {
            (Some(own), Some(header)) if own == header => None,
            (Some(own), _) => Some(own.as_str()),
            (None, Some(header)) if has(header) => None,
            (None, Some(_)) => Some("*all*"),
            (None, None) => None,
        }
    }

    fn attr(&mut self, name: &'static str, value: &str) {
        push_attr(&mut self.buf, name, value);
        self.written.push(name);
    }

    /// An attribute kept from the input: written if the DTD declares it on this element
    /// and it is not written already, with dates in TMX form; else kept as an x- prop.
    fn kept_attr(&mut self, allowed: &[&'static str], name: &str, value: &str, extra: &mut Vec<Prop>) {
        let declared = allowed.iter().find(|a| **a == name).filter(|a| !self.written.contains(a));
        let value_ok = match name {
            "segtype" => matches!(value, "block" | "paragraph" | "sentence" | "phrase"),
            _ => true,
        };
        match declared {
            Some(&a) if value_ok => {
                if DATE_ATTRS.contains(&a) {
                    match normalize_date(value) {
                        Some(d) => self.attr(a, &d),
                        None => extra.push(attr_prop(name, value)),
                    }
                } else {
                    self.attr(a, value);
                }
            }
            _ => extra.push(attr_prop(name, value)),
        }
    }

    fn date_attr(&mut self, name: &'static str, value: Option<&str>, extra: &mut Vec<Prop>) {
        if let Some(v) = value {
            match normalize_date(v) {
                Some(d) => self.attr(name, &d),
                None => extra.push(attr_prop(name, v)),
            }
        }
    }

    fn notes_and_props(&mut self, indent: &str, notes: &[Note], props: &[Prop]) {
        for n in notes {
            self.buf.push_str(indent);
            self.buf.push_str("<note");
            if let Some(l) = &n.lang {
                push_attr(&mut self.buf, "xml:lang", l);
            }
            self.buf.push('>');
            push_text(&mut self.buf, &clean(&n.text));
            self.buf.push_str("</note>\n");
        }
        for p in props {
            self.buf.push_str(indent);
            self.buf.push_str("<prop");
            push_attr(&mut self.buf, "type", &p.kind);
            if let Some(l) = &p.lang {
                push_attr(&mut self.buf, "xml:lang", l);
            }
            self.buf.push('>');
            push_text(&mut self.buf, &clean(&p.text));
            self.buf.push_str("</prop>\n");
        }
    }
}

fn attr_prop(name: &str, value: &str) -> Prop {
    Prop { kind: format!("{PROP_ATTR_PREFIX}{name}"), lang: None, text: value.to_string() }
}

fn our_prop(kind: &str, text: &str) -> Prop {
    Prop { kind: kind.to_string(), lang: None, text: text.to_string() }
}

/// Text for a note or prop, without the characters XML 1.0 cannot carry.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(super::inline::is_xml_char) {
        std::borrow::Cow::Borrowed(text)
    } else {
        text.chars().map(|c| if super::inline::is_xml_char(c) { c } else { '\u{FFFD}' }).collect::<String>().into()
    }
}

impl UnitWriter for TmxWriter {
    fn write_unit(&mut self, unit: &Unit) -> Result<()> {
        self.buf.clear();
        self.written.clear();
        let mut extra: Vec<Prop> = Vec::new();
        self.buf.push_str("    <tu");
        if let Some(id) = &unit.tuid {
            self.attr("tuid", id);
        }
        if let Some(src) = self.tu_srclang(unit) {
            let src = src.to_string();
            self.attr("srclang", &src);
        }
        self.date_attr("creationdate", unit.created.as_deref(), &mut extra);
        if let Some(by) = &unit.created_by {
            self.attr("creationid", by);
        }
        self.date_attr("changedate", unit.changed.as_deref(), &mut extra);
        if let Some(by) = &unit.changed_by {
            self.attr("changeid", by);
        }
        if unit.usage_count > 0 {
            self.attr("usagecount", &unit.usage_count.to_string());
        }
        self.date_attr("lastusagedate", unit.last_used.as_deref(), &mut extra);
        for (name, value) in &unit.attrs {
            self.kept_attr(TU_ATTRS, name, value, &mut extra);
        }
        self.buf.push_str(">\n");
        if let Some(origin) = &unit.origin {
            extra.push(our_prop(PROP_ORIGIN, origin));
        }
        extra.splice(0..0, unit.props.iter().cloned());
        self.notes_and_props("      ", &unit.notes, &extra);

        for v in &unit.variants {
            self.written.clear();
            let mut extra: Vec<Prop> = v.props.clone();
            self.buf.push_str("      <tuv");
            self.attr("xml:lang", v.lang.as_str());
            for (name, value) in &v.attrs {
                self.kept_attr(TUV_ATTRS, name, value, &mut extra);
            }
            self.buf.push_str(">\n");
            if let Some(prev) = &v.context_prev {
                extra.push(our_prop(PROP_CONTEXT_PREV, prev));
            }
            if let Some(next) = &v.context_next {
                extra.push(our_prop(PROP_CONTEXT_NEXT, next));
            }
            self.notes_and_props("        ", &v.notes, &extra);
            self.buf.push_str("        <seg>");
            self.buf.push_str(&sanitize_seg(&v.seg));
            self.buf.push_str("</seg>\n      </tuv>\n");
        }
        self.buf.push_str("    </tu>\n");
        self.out.write_all(self.buf.as_bytes())?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.write_all(b"  </body>\n</tmx>\n")?;
        self.out.flush()?;
        Ok(())
    }
}
