//! The XML text of a `<seg>` and of TMX attributes: escaping, entity references, and the
//! characters XML 1.0 cannot carry.
//!
//! A segment is stored as the inner XML of its `<seg>` (inline codes kept) and written
//! back verbatim, so the escaping here decides what a round trip preserves. The canonical
//! form: text escapes `&`, `<`, `>` and `"` exactly as [`crate::tm::unit::escape_xml`]
//! does (so a segment read from TMX and the same text read from CSV get the same stored
//! `seg`, and de-duplicate), a carriage return becomes `&#13;` (a literal one would be
//! turned into a newline by the next XML reader), and attributes are written
//! `name="value"` with tabs and newlines as character references (attribute-value
//! normalization would turn literal ones into spaces).

/// The character a predefined or character entity reference (`lt`, `#x09`, `#233`)
/// stands for; `None` for any other entity (tomo reads no DTD, so it cannot expand one).
pub fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| is_xml_char(c))
        }
    }
}

/// May `c` appear in an XML 1.0 document (literally or as a character reference)?
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Append `text` to `out` escaped as XML character data in the canonical form.
pub fn push_text(out: &mut String, text: &str) {
    crate::tm::unit::push_escaped_xml(out, text);
}

/// Append one character as XML character data in the canonical form.
pub fn push_char(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    push_text(out, c.encode_utf8(&mut buf));
}

/// Append ` name="value"` to `out`, the value escaped for a double-quoted attribute.
pub fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `seg` made safe to write inside `<seg>`: a stored segment is well-formed XML already
/// (the reader built it), so this only guards text that came from elsewhere (CSV, the
/// aligner) against characters XML cannot carry: a literal carriage return becomes
/// `&#13;`, and control characters XML 1.0 forbids become U+FFFD.
pub fn sanitize_seg(seg: &str) -> std::borrow::Cow<'_, str> {
    let clean = seg.chars().all(|c| c != '\r' && is_xml_char(c));
    if clean {
        return std::borrow::Cow::Borrowed(seg);
    }
    let mut out = String::with_capacity(seg.len() + 8);
    for c in seg.chars() {
        match c {
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::unit::escape_xml;

    #[test]
    fn references() {
        assert_eq!(resolve_reference("lt"), Some('<'));
        assert_eq!(resolve_reference("apos"), Some('\''));
        assert_eq!(resolve_reference("#x09"), Some('\t'));
        assert_eq!(resolve_reference("#X20"), Some(' '));
        assert_eq!(resolve_reference("#233"), Some('é'));
        assert_eq!(resolve_reference("#x1D400"), Some('𝐀'));
        assert_eq!(resolve_reference("nbsp"), None);
        assert_eq!(resolve_reference("#0"), None);
        assert_eq!(resolve_reference("#xD800"), None);
        assert_eq!(resolve_reference("#x1"), None, "not an XML 1.0 character");
    }

    #[test]
    fn text_escaping_matches_the_store_escaping() {
        for s in ["a < b & \"c\" > d", "plain", "tab\there 'q'"] {
            let mut out = String::new();
            push_text(&mut out, s);
            assert_eq!(out, escape_xml(s));
        }
        let mut out = String::new();
        push_text(&mut out, "a\r\nb");
        assert_eq!(out, "a&#13;\nb");
    }

    #[test]
    fn attributes_keep_whitespace_as_references() {
        let mut out = String::new();
        push_attr(&mut out, "type", "a\tb\n\"<&>");
        assert_eq!(out, " type=\"a&#9;b&#10;&quot;&lt;&amp;&gt;\"");
    }

    #[test]
    fn sanitize_only_touches_what_xml_cannot_carry() {
        assert!(matches!(sanitize_seg("ok <ph x=\"1\"/> &amp;"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(sanitize_seg("a\rb\u{1}c"), "a&#13;b\u{FFFD}c");
    }
}
