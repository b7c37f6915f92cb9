//! SRX 2.0 XML → [`SrxRules`]: a small state machine over quick-xml events.
//!
//! Elements are matched by local name, so a file with or without the
//! `http://www.lisa.org/srx20` namespace (or with a prefix) reads the same. Unknown elements
//! (`formathandle`, Okapi's `okpsrx:*` extensions) are skipped, except Okapi's
//! `useIcu4jBreakRules` flag, which is remembered so the caller can warn about it.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{LanguageMap, LanguageRules, SrxRule, SrxRules};
use crate::error::{Error, Position, Result};

/// Which text element is open, so its text goes to the right field.
#[derive(Clone, Copy, PartialEq)]
enum TextField {
    None,
    Before,
    After,
}

/// Parse SRX 2.0 XML into rules. Errors carry the line of the problem.
pub fn parse(xml: &str) -> Result<SrxRules> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut rules = SrxRules { segment_subflows: true, ..SrxRules::default() };
    let mut saw_root = false;
    let mut current_set: Option<LanguageRules> = None;
    let mut current_rule: Option<SrxRule> = None;
    let mut field = TextField::None;
    let mut text = String::new();
    // Elements still open: quick-xml reports a mismatched end tag but not a file that stops
    // inside an element, and a truncated rule file must not load as a shorter rule set.
    let mut depth = 0usize;
    loop {
        let event_start = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            Error::parse(format!("malformed XML: {e}")).at(line_of(xml, at))
        })?;
        let here = || line_of(xml, event_start);
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof if depth > 0 => {
                return Err(Error::parse("the file ends inside an element (truncated?)").at(line_of(xml, xml.len())));
            }
            _ => {}
        }
        match event {
            Event::Start(e) | Event::Empty(e) if !saw_root => {
                if local(&e) != "srx" {
                    return Err(Error::parse(format!("root element is <{}>, not <srx>", local(&e))).at(here()));
                }
                saw_root = true;
            }
            Event::Start(e) => match local(&e).as_str() {
                "header" => read_header(&e, &mut rules).map_err(|m| Error::parse(m).at(here()))?,
                "languagerule" => {
                    let name = attr(&e, "languagerulename").map_err(|m| Error::parse(m).at(here()))?;
                    let Some(name) = name else {
                        return Err(Error::parse("<languagerule> has no languagerulename").at(here()));
                    };
                    current_set = Some(LanguageRules { name, rules: Vec::new() });
                }
                "rule" => current_rule = Some(new_rule(&e).map_err(|m| Error::parse(m).at(here()))?),
                "beforebreak" | "afterbreak" => {
                    if current_rule.is_none() {
                        return Err(Error::parse(format!("<{}> outside a <rule>", local(&e))).at(here()));
                    }
                    field = if local(&e) == "beforebreak" { TextField::Before } else { TextField::After };
                    text.clear();
                }
                "languagemap" => rules.maps.push(language_map(&e).map_err(|m| Error::parse(m).at(here()))?),
                "options" => read_okapi_options(&e, &mut rules),
                _ => {}
            },
            Event::Empty(e) => match local(&e).as_str() {
                "header" => read_header(&e, &mut rules).map_err(|m| Error::parse(m).at(here()))?,
                "languagemap" => rules.maps.push(language_map(&e).map_err(|m| Error::parse(m).at(here()))?),
                // `<beforebreak/>`: an explicitly empty pattern, which matches the empty string.
                "beforebreak" | "afterbreak" => {}
                "rule" => {
                    let rule = new_rule(&e).map_err(|m| Error::parse(m).at(here()))?;
                    push_rule(&mut current_set, rule).map_err(|m| Error::parse(m).at(here()))?;
                }
                "options" => read_okapi_options(&e, &mut rules),
                _ => {}
            },
            Event::Text(t) if field != TextField::None => text.push_str(&t.xml10_content()),
            Event::CData(t) if field != TextField::None => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if field != TextField::None => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(Error::parse(format!("unknown entity &{other};")).at(here()));
                        }
                    },
                    Err(e) => return Err(Error::parse(format!("bad character reference: {e}")).at(here())),
                };
                text.push(resolved);
            }
            Event::End(e) => match e.local_name().as_ref() {
                "beforebreak" | "afterbreak" => {
                    if let Some(rule) = current_rule.as_mut() {
                        let pattern = std::mem::take(&mut text);
                        match field {
                            TextField::Before => rule.before = non_empty(pattern),
                            TextField::After => rule.after = non_empty(pattern),
                            TextField::None => {}
                        }
                    }
                    field = TextField::None;
                }
                "rule" => {
                    if let Some(rule) = current_rule.take() {
                        push_rule(&mut current_set, rule).map_err(|m| Error::parse(m).at(here()))?;
                    }
                }
                "languagerule" => {
                    if let Some(set) = current_set.take() {
                        rules.language_rules.push(set);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(Error::parse("no <srx> element").at(line_of(xml, 0)));
    }
    Ok(rules)
}

/// An empty pattern means "no constraint", the same as a missing element.
fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

fn push_rule(set: &mut Option<LanguageRules>, rule: SrxRule) -> std::result::Result<(), String> {
    match set {
        Some(set) => {
            set.rules.push(rule);
            Ok(())
        }
        None => Err("<rule> outside a <languagerule>".to_string()),
    }
}

fn language_map(e: &BytesStart) -> std::result::Result<LanguageMap, String> {
    match (attr(e, "languagepattern")?, attr(e, "languagerulename")?) {
        (Some(pattern), Some(rules)) => Ok(LanguageMap { pattern, rules }),
        _ => Err("<languagemap> needs languagepattern and languagerulename".to_string()),
    }
}

fn new_rule(e: &BytesStart) -> std::result::Result<SrxRule, String> {
    let is_break = match attr(e, "break")?.as_deref() {
        None | Some("yes") => true,
        Some("no") => false,
        Some(other) => return Err(format!("<rule break={other:?}>: expected \"yes\" or \"no\"")),
    };
    Ok(SrxRule { is_break, before: None, after: None })
}

fn read_header(e: &BytesStart, rules: &mut SrxRules) -> std::result::Result<(), String> {
    rules.cascade = yes_no(e, "cascade", false)?;
    rules.segment_subflows = yes_no(e, "segmentsubflows", true)?;
    Ok(())
}

/// Okapi writes `<okpsrx:options useIcu4jBreakRules="yes" .../>` in the header.
fn read_okapi_options(e: &BytesStart, rules: &mut SrxRules) {
    if let Ok(Some(v)) = attr(e, "useIcu4jBreakRules") {
        rules.icu4j_break_rules = v == "yes";
    }
}

fn yes_no(e: &BytesStart, name: &str, default: bool) -> std::result::Result<bool, String> {
    match attr(e, name)?.as_deref() {
        None => Ok(default),
        Some("yes") => Ok(true),
        Some("no") => Ok(false),
        Some(other) => Err(format!("{name}={other:?}: expected \"yes\" or \"no\"")),
    }
}

fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

/// The unescaped value of attribute `name` (matched by local name).
fn attr(e: &BytesStart, name: &str) -> std::result::Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute: {err}"))?;
        if a.key.local_name().as_ref() == name {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| format!("attribute {name}: {err}"))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// The 1-based line and column (in characters) of byte `offset` in `xml`.
fn line_of(xml: &str, offset: usize) -> Position {
    let mut offset = offset.min(xml.len());
    while !xml.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &xml[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    Position::default().at_line(line, Some(column))
}
