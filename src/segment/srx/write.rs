//! [`SrxRules`] → SRX 2.0 XML (namespace `http://www.lisa.org/srx20`).
//!
//! Patterns are written as text with `&`, `<` and `>` escaped, so any regex survives a
//! round trip through [`super::parse`]. Rule sets and maps keep their order.

use std::fmt::Write;

use super::SrxRules;

/// The SRX 2.0 namespace.
pub const SRX20_NS: &str = "http://www.lisa.org/srx20";

/// Write `rules` as an SRX 2.0 document.
pub fn to_xml(rules: &SrxRules) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<srx xmlns=\"{SRX20_NS}\" version=\"2.0\">");
    let _ = writeln!(
        out,
        "  <header segmentsubflows=\"{}\" cascade=\"{}\">",
        yes(rules.segment_subflows),
        yes(rules.cascade)
    );
    // The SRX 2.0 schema wants the three format handles; tomo segments plain text only.
    out.push_str("    <formathandle type=\"start\" include=\"no\"/>\n");
    out.push_str("    <formathandle type=\"end\" include=\"yes\"/>\n");
    out.push_str("    <formathandle type=\"isolated\" include=\"no\"/>\n");
    out.push_str("  </header>\n  <body>\n    <languagerules>\n");
    for set in &rules.language_rules {
        let _ = writeln!(out, "      <languagerule languagerulename=\"{}\">", escape(&set.name, true));
        for rule in &set.rules {
            let _ = writeln!(out, "        <rule break=\"{}\">", yes(rule.is_break));
            if let Some(before) = &rule.before {
                let _ = writeln!(out, "          <beforebreak>{}</beforebreak>", escape(before, false));
            }
            if let Some(after) = &rule.after {
                let _ = writeln!(out, "          <afterbreak>{}</afterbreak>", escape(after, false));
            }
            out.push_str("        </rule>\n");
        }
        out.push_str("      </languagerule>\n");
    }
    out.push_str("    </languagerules>\n    <maprules>\n");
    for map in &rules.maps {
        let _ = writeln!(
            out,
            "      <languagemap languagepattern=\"{}\" languagerulename=\"{}\"/>",
            escape(&map.pattern, true),
            escape(&map.rules, true)
        );
    }
    out.push_str("    </maprules>\n  </body>\n</srx>\n");
    out
}

/// Escape for XML text (or an attribute value). Carriage returns and tabs are written as
/// character references so XML end-of-line and attribute normalization cannot change them.
fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}
