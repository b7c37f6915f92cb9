//! The Java/ICU regex dialect of SRX files → Rust regex syntax (`regex` / `fancy-regex`).
//!
//! SRX patterns are written for `java.util.regex` (OmegaT, LanguageTool, Okapi) or ICU4J.
//! [`translate`] rewrites one pattern into the syntax of the `regex` crate and says whether
//! it needs `fancy-regex` (look-around, atomic groups, possessive quantifiers, back
//! references). What is translated, and the decisions taken:
//!
//! - `\d \w \s` (and `\D \W \S`) are **ASCII-only**, as in Java without
//!   `UNICODE_CHARACTER_CLASS`: `\s` does not match U+3000 or NBSP, which is what OmegaT
//!   does. `\b` stays Unicode-aware (Java's `\b` looks at `Character.isLetterOrDigit`).
//! - `\h` and `\v` (and `\H \V`) become Java's horizontal / vertical whitespace sets
//!   (in Rust `\v` would be only U+000B); `\R` becomes a line-break alternation.
//! - `\p{Lu}`, `\pL`, `\p{IsLatin}`, `\p{IsAlphabetic}` pass through as Unicode properties;
//!   `\p{javaLowerCase}`-style classes map to Unicode properties; POSIX classes
//!   (`\p{Punct}`, `\p{Alpha}`, …) are ASCII as in Java; `\p{InCJKSymbolsAndPunctuation}`-style
//!   blocks map to code point ranges from a table of common blocks.
//! - `\Q…\E` quotes literally; `\uXXXX`, `\x{…}`, `\xHH`, octal `\0ooo`, `\cX`, `\e`, `\a`
//!   become `\x{…}`; an escaped punctuation character becomes a literal.
//! - Character classes: nested classes (union) and `&&` (intersection, so also subtraction as
//!   `[a-z&&[^aeiou]]`) have the same meaning in Rust; Rust's own class operators `--` and
//!   `~~` are escaped, since they are literals in Java.
//! - Embedded flags: `i m s x` are kept; Java's `u` (Unicode case folding) and `d` (Unix
//!   lines) are dropped, since Rust's case folding is already Unicode; `U`
//!   (`UNICODE_CHARACTER_CLASS`) is dropped with the ASCII classes kept (a documented
//!   approximation).
//! - Look-ahead, look-behind (also variable-length), atomic groups, possessive quantifiers
//!   (`*+ ++ ?+ {n,m}+`) and back references are kept as written and mark the pattern as
//!   needing `fancy-regex`, which implements them with Java's meaning.
//! - Not translated (the rule is reported, never dropped silently): `\X`, `\N{…}`, `\G`,
//!   unknown Unicode blocks and properties, unbalanced `\Q`, and anything neither engine
//!   compiles.
//!
//! Patterns are compiled with `.` matching a newline too (Java's `DOTALL`), as OmegaT does.

/// A pattern rewritten into Rust regex syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The pattern in `regex`/`fancy-regex` syntax (without the `(?s)` the engine adds).
    pub pattern: String,
    /// True if the pattern needs `fancy-regex` (look-around, atomic, possessive, backrefs).
    pub fancy: bool,
}

const SPACE: &str = r"\t\n\x0B\x0C\r ";
const WORD: &str = "a-zA-Z0-9_";
const DIGIT: &str = "0-9";
const HSPACE: &str = r"\t \xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}";
const VSPACE: &str = r"\n\x0B\x0C\r\x{85}\x{2028}\x{2029}";

/// Translate one Java/ICU pattern. The error says what cannot be translated.
pub fn translate(java: &str) -> Result<Translated, String> {
    let cs: Vec<char> = java.chars().collect();
    let mut t = Translator {
        cs: &cs,
        i: 0,
        out: String::with_capacity(java.len() + 8),
        fancy: false,
        depth: 0,
        after_set: false,
    };
    t.run()?;
    Ok(Translated { pattern: t.out, fancy: t.fancy })
}

/// Does `code` match the SRX `languagepattern` as a whole string, ignoring case?
pub fn language_pattern_matches(pattern: &str, code: &str) -> Result<bool, String> {
    let t = translate(pattern)?;
    let re = fancy_regex::Regex::new(&format!("(?is)^(?:{})$", t.pattern)).map_err(|e| e.to_string())?;
    re.is_match(code).map_err(|e| e.to_string())
}

struct Translator<'a> {
    cs: &'a [char],
    i: usize,
    out: String,
    fancy: bool,
    /// Nesting depth of character classes (0 = outside any class).
    depth: usize,
    /// The last thing written in a class was a set (`\p{..}`, `\d`, …): a `-` after it is a
    /// literal in Java, but a (bad) range in Rust.
    after_set: bool,
}

impl Translator<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.cs.get(self.i + k).copied()
    }

    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.peek(0) {
            if c == '\\' {
                self.after_set = false;
                self.escape()?;
            } else if self.depth > 0 {
                let after_set = std::mem::take(&mut self.after_set);
                let set_follows = self.peek(1) == Some('\\')
                    && matches!(
                        self.peek(2),
                        Some('p' | 'P' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'h' | 'H' | 'v' | 'V')
                    );
                if c == '-' && (after_set || set_follows) {
                    self.out.push_str(r"\-");
                    self.i += 1;
                    continue;
                }
                self.class_char(c);
            } else {
                self.outside_char(c)?;
            }
        }
        if self.depth > 0 {
            return Err("unclosed character class".to_string());
        }
        Ok(())
    }

    fn open_class(&mut self) {
        self.out.push('[');
        self.i += 1;
        self.depth += 1;
        if self.peek(0) == Some('^') {
            self.out.push('^');
            self.i += 1;
        }
        // A `]` first in a class is a literal in both dialects.
        if self.peek(0) == Some(']') {
            self.out.push_str(r"\]");
            self.i += 1;
        }
    }

    fn class_char(&mut self, c: char) {
        match c {
            '[' => self.open_class(),
            ']' => {
                self.out.push(']');
                self.depth -= 1;
                self.i += 1;
            }
            '&' if self.peek(1) == Some('&') => {
                self.out.push_str("&&");
                self.i += 2;
            }
            '&' | '~' => {
                self.out.push('\\');
                self.out.push(c);
                self.i += 1;
            }
            '-' if self.peek(1) == Some('-') => {
                self.out.push_str(r"\-");
                self.i += 1;
            }
            _ => {
                self.out.push(c);
                self.i += 1;
            }
        }
    }

    fn outside_char(&mut self, c: char) -> Result<(), String> {
        match c {
            '[' => self.open_class(),
            '(' => self.group()?,
            '*' | '+' | '?' => {
                self.out.push(c);
                self.i += 1;
                self.quantifier_suffix();
            }
            '{' => {
                let rest: String = self.cs[self.i..].iter().take(24).collect();
                match counted_repetition(&rest) {
                    Some(len) => {
                        self.out.push_str(&rest[..len]);
                        self.i += rest[..len].chars().count();
                        self.quantifier_suffix();
                    }
                    None => {
                        self.out.push_str(r"\{");
                        self.i += 1;
                    }
                }
            }
            '}' => {
                self.out.push_str(r"\}");
                self.i += 1;
            }
            _ => {
                self.out.push(c);
                self.i += 1;
            }
        }
        Ok(())
    }

    /// After a quantifier: `?` (lazy) passes; `+` (possessive) needs fancy-regex.
    fn quantifier_suffix(&mut self) {
        match self.peek(0) {
            Some('?') => {
                self.out.push('?');
                self.i += 1;
            }
            Some('+') => {
                self.out.push('+');
                self.i += 1;
                self.fancy = true;
            }
            _ => {}
        }
    }

    fn group(&mut self) -> Result<(), String> {
        if self.peek(1) != Some('?') {
            self.out.push('(');
            self.i += 1;
            return Ok(());
        }
        let (a, b) = (self.peek(2), self.peek(3));
        match (a, b) {
            (Some(':'), _) => self.copy(3),
            (Some('=' | '!' | '>'), _) => {
                self.fancy = true;
                self.copy(3);
            }
            (Some('<'), Some('=' | '!')) => {
                self.fancy = true;
                self.copy(4);
            }
            (Some('<'), _) => self.copy(3), // named group
            _ => self.flags()?,
        }
        Ok(())
    }

    fn copy(&mut self, n: usize) {
        for k in 0..n {
            if let Some(c) = self.peek(k) {
                self.out.push(c);
            }
        }
        self.i += n;
    }

    /// `(?idmsuxU-idmsuxU)` or `(?flags:`: keep the flags Rust shares with Java.
    fn flags(&mut self) -> Result<(), String> {
        let mut k = 2;
        let mut kept = String::new();
        loop {
            match self.peek(k) {
                Some(c @ ('i' | 'm' | 's' | 'x')) => kept.push(c),
                Some('-') => kept.push('-'),
                Some('u' | 'd' | 'U') => {}
                Some(')') | Some(':') => break,
                Some(c) => return Err(format!("unsupported group or flag (?{c}")),
                None => return Err("unterminated group".to_string()),
            }
            k += 1;
        }
        let end = self.peek(k);
        self.i += k + 1;
        let kept = kept.trim_end_matches('-');
        match end {
            Some(')') if kept.is_empty() => {}
            Some(')') => self.out.push_str(&format!("(?{kept})")),
            _ if kept.is_empty() => self.out.push_str("(?:"),
            _ => self.out.push_str(&format!("(?{kept}:")),
        }
        Ok(())
    }

    fn escape(&mut self) -> Result<(), String> {
        let Some(c) = self.peek(1) else {
            return Err("trailing backslash".to_string());
        };
        self.i += 2;
        let in_class = self.depth > 0;
        match c {
            'Q' => {
                let start = self.i;
                let mut end = start;
                while end < self.cs.len() && !(self.cs[end] == '\\' && self.cs.get(end + 1) == Some(&'E')) {
                    end += 1;
                }
                for &q in &self.cs[start..end] {
                    self.literal(q);
                }
                // A `\Q` with no `\E` quotes to the end, as in Java.
                self.i = (end + 2).min(self.cs.len());
            }
            'E' => {} // a stray \E is ignored by Java
            'u' => {
                let hex: String = self.cs[self.i..].iter().take(4).collect();
                if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    return Err(format!("bad \\u escape \\u{hex}"));
                }
                self.i += 4;
                self.code_point(u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?);
            }
            'x' => {
                if self.peek(0) == Some('{') {
                    let close = self.cs[self.i..].iter().position(|&c| c == '}').ok_or("bad \\x{…} escape")?;
                    let hex: String = self.cs[self.i + 1..self.i + close].iter().collect();
                    self.i += close + 1;
                    self.code_point(u32::from_str_radix(&hex, 16).map_err(|_| format!("bad \\x{{{hex}}}"))?);
                } else {
                    let hex: String = self.cs[self.i..].iter().take(2).collect();
                    if hex.len() != 2 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        return Err(format!("bad \\x escape \\x{hex}"));
                    }
                    self.i += 2;
                    self.code_point(u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?);
                }
            }
            '0' => {
                // Java octal: \0n, \0nn, \0mnn (m ≤ 3).
                let mut digits = String::new();
                while digits.len() < 3 {
                    match self.peek(0) {
                        Some(d @ '0'..='7') if digits.len() < 2 || digits.starts_with(['0', '1', '2', '3']) => {
                            digits.push(d);
                            self.i += 1;
                        }
                        _ => break,
                    }
                }
                if digits.is_empty() {
                    return Err("bad octal escape \\0".to_string());
                }
                self.code_point(u32::from_str_radix(&digits, 8).map_err(|e| e.to_string())?);
            }
            '1'..='9' if !in_class => {
                self.fancy = true;
                self.out.push('\\');
                self.out.push(c);
            }
            'k' if !in_class => {
                self.fancy = true;
                self.out.push_str(r"\k");
            }
            't' => self.out.push_str(r"\t"),
            'n' => self.out.push_str(r"\n"),
            'r' => self.out.push_str(r"\r"),
            'f' => self.out.push_str(r"\x0C"),
            'a' => self.out.push_str(r"\x07"),
            'e' => self.out.push_str(r"\x1B"),
            'c' => {
                let ctl = self.peek(0).ok_or("bad \\c escape")?;
                self.i += 1;
                self.code_point(ctl as u32 ^ 0x40);
            }
            'd' => self.set(DIGIT, false),
            'D' => self.set(DIGIT, true),
            's' => self.set(SPACE, false),
            'S' => self.set(SPACE, true),
            'w' => self.set(WORD, false),
            'W' => self.set(WORD, true),
            'h' => self.set(HSPACE, false),
            'H' => self.set(HSPACE, true),
            'v' => self.set(VSPACE, false),
            'V' => self.set(VSPACE, true),
            'R' if !in_class => self.out.push_str(&format!(r"(?:\r\n|[{VSPACE}])")),
            'b' | 'B' | 'A' | 'z' if !in_class => {
                self.out.push('\\');
                self.out.push(c);
            }
            'Z' if !in_class => {
                self.fancy = true;
                self.out.push_str(r"(?=\n?\z)");
            }
            'p' | 'P' => {
                let name = if self.peek(0) == Some('{') {
                    let close = self.cs[self.i..].iter().position(|&c| c == '}').ok_or("unclosed \\p{")?;
                    let name: String = self.cs[self.i + 1..self.i + close].iter().collect();
                    self.i += close + 1;
                    name
                } else {
                    let n = self.peek(0).ok_or("bad \\p escape")?;
                    self.i += 1;
                    n.to_string()
                };
                let negated = c == 'P';
                match property(&name)? {
                    Property::Pass(p) => {
                        self.out.push_str(if negated { r"\P{" } else { r"\p{" });
                        self.out.push_str(&p);
                        self.out.push('}');
                        self.after_set = true;
                    }
                    Property::Set(body) => self.set(&body, negated),
                }
            }
            c if c.is_ascii_alphanumeric() => return Err(format!("unsupported escape \\{c}")),
            c => self.literal(c),
        }
        Ok(())
    }

    /// A set given by class-body syntax, as a bracketed class (also valid nested in a class).
    fn set(&mut self, body: &str, negated: bool) {
        self.after_set = true;
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        self.out.push_str(body);
        self.out.push(']');
    }

    fn code_point(&mut self, cp: u32) {
        self.out.push_str(&format!(r"\x{{{cp:X}}}"));
    }

    /// One literal character, escaped as Rust needs it here.
    fn literal(&mut self, c: char) {
        if c.is_ascii_punctuation() || c.is_whitespace() {
            if c.is_whitespace() || c.is_ascii_alphanumeric() {
                self.code_point(c as u32);
            } else if r"\.+*?()|[]{}^$#&-~".contains(c) {
                self.out.push('\\');
                self.out.push(c);
            } else {
                self.out.push(c);
            }
        } else {
            self.out.push(c);
        }
    }
}

/// How a `\p{…}` name translates.
enum Property {
    /// A Unicode property the `regex` crate knows by this name.
    Pass(String),
    /// A set in class-body syntax.
    Set(String),
}

fn property(name: &str) -> Result<Property, String> {
    let set = |s: &str| Ok(Property::Set(s.to_string()));
    let pass = |s: &str| Ok(Property::Pass(s.to_string()));
    match name {
        // POSIX classes are ASCII-only in Java.
        "Lower" => set("a-z"),
        "Upper" => set("A-Z"),
        "ASCII" => set(r"\x00-\x7F"),
        "Alpha" => set("a-zA-Z"),
        "Digit" => set("0-9"),
        "Alnum" => set("a-zA-Z0-9"),
        "Punct" => set(r"!-/:-@\[-`{-\~"),
        "Graph" => set("!-\\~"),
        "Print" => set(" -\\~"),
        "Blank" => set(r" \t"),
        "Cntrl" => set(r"\x00-\x1F\x7F"),
        "XDigit" => set("0-9a-fA-F"),
        "Space" => set(SPACE),
        // java.lang.Character classes.
        "javaLowerCase" => pass("Lowercase"),
        "javaUpperCase" => pass("Uppercase"),
        "javaTitleCase" => pass("Lt"),
        "javaLetter" => pass("L"),
        "javaDigit" => pass("Nd"),
        "javaLetterOrDigit" => set(r"\p{L}\p{Nd}"),
        "javaAlphabetic" => pass("Alphabetic"),
        "javaIdeographic" => pass("Ideographic"),
        "javaSpaceChar" => pass("Z"),
        "javaWhitespace" => set(r"\t-\r\x1C-\x1F[\p{Z}--[\xA0\x{2007}\x{202F}]]"),
        "javaISOControl" => set(r"\x00-\x1F\x7F-\x9F"),
        n if n.starts_with("java") => Err(format!("unsupported class \\p{{{n}}}")),
        n if n.starts_with("In") => block(&n[2..]).map(Property::Set),
        n if n.starts_with("Is") => pass(&n[2..]),
        n if n.starts_with("block=") || n.starts_with("blk=") => {
            block(n.split_once('=').map_or("", |(_, b)| b)).map(Property::Set)
        }
        n => pass(n),
    }
}

/// Code point ranges of the Unicode blocks SRX files are likely to name.
fn block(name: &str) -> Result<String, String> {
    let key: String = name.chars().filter(|c| !matches!(c, ' ' | '_' | '-')).collect::<String>().to_lowercase();
    let range = match key.as_str() {
        "basiclatin" => (0x0000, 0x007F),
        "latin1supplement" => (0x0080, 0x00FF),
        "latinextendeda" => (0x0100, 0x017F),
        "latinextendedb" => (0x0180, 0x024F),
        "greek" | "greekandcoptic" => (0x0370, 0x03FF),
        "cyrillic" => (0x0400, 0x04FF),
        "armenian" => (0x0530, 0x058F),
        "hebrew" => (0x0590, 0x05FF),
        "arabic" => (0x0600, 0x06FF),
        "devanagari" => (0x0900, 0x097F),
        "thai" => (0x0E00, 0x0E7F),
        "hanguljamo" => (0x1100, 0x11FF),
        "generalpunctuation" => (0x2000, 0x206F),
        "currencysymbols" => (0x20A0, 0x20CF),
        "letterlikesymbols" => (0x2100, 0x214F),
        "arrows" => (0x2190, 0x21FF),
        "mathematicaloperators" => (0x2200, 0x22FF),
        "boxdrawing" => (0x2500, 0x257F),
        "geometricshapes" => (0x25A0, 0x25FF),
        "miscellaneoussymbols" => (0x2600, 0x26FF),
        "dingbats" => (0x2700, 0x27BF),
        "supplementalpunctuation" => (0x2E00, 0x2E7F),
        "cjkradicalssupplement" => (0x2E80, 0x2EFF),
        "cjksymbolsandpunctuation" => (0x3000, 0x303F),
        "hiragana" => (0x3040, 0x309F),
        "katakana" => (0x30A0, 0x30FF),
        "bopomofo" => (0x3100, 0x312F),
        "hangulcompatibilityjamo" => (0x3130, 0x318F),
        "katakanaphoneticextensions" => (0x31F0, 0x31FF),
        "enclosedcjklettersandmonths" => (0x3200, 0x32FF),
        "cjkcompatibility" => (0x3300, 0x33FF),
        "cjkunifiedideographsextensiona" => (0x3400, 0x4DBF),
        "cjkunifiedideographs" => (0x4E00, 0x9FFF),
        "hangulsyllables" => (0xAC00, 0xD7AF),
        "cjkcompatibilityideographs" => (0xF900, 0xFAFF),
        "verticalforms" => (0xFE10, 0xFE1F),
        "cjkcompatibilityforms" => (0xFE30, 0xFE4F),
        "smallformvariants" => (0xFE50, 0xFE6F),
        "halfwidthandfullwidthforms" => (0xFF00, 0xFFEF),
        _ => return Err(format!("unsupported Unicode block \\p{{In{name}}}")),
    };
    Ok(format!(r"\x{{{:X}}}-\x{{{:X}}}", range.0, range.1))
}

/// Length in bytes of a counted repetition `{n}`, `{n,}` or `{n,m}` at the start of `s`.
fn counted_repetition(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut k = 1;
    let digits = |k: &mut usize| {
        let start = *k;
        while *k < b.len() && b[*k].is_ascii_digit() {
            *k += 1;
        }
        *k > start
    };
    if !digits(&mut k) {
        return None;
    }
    if b.get(k) == Some(&b',') {
        k += 1;
        digits(&mut k);
    }
    (b.get(k) == Some(&b'}')).then_some(k + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(p: &str) -> String {
        translate(p).unwrap().pattern
    }

    fn matches(java: &str, hay: &str) -> bool {
        let t = translate(java).unwrap();
        fancy_regex::Regex::new(&format!("(?s){}", t.pattern)).unwrap().is_match(hay).unwrap()
    }

    #[test]
    fn ascii_shorthand_classes() {
        assert!(matches(r"a\sb", "a b"));
        assert!(!matches(r"a\sb", "a\u{3000}b"), "Java's \\s is ASCII");
        assert!(!matches(r"a\sb", "a\u{A0}b"));
        assert!(!matches(r"^\d$", "３"));
        assert!(!matches(r"^\w$", "é"));
        assert!(matches(r"^[\s\d]+$", " 1 2"));
    }

    #[test]
    fn horizontal_and_vertical_space() {
        assert!(matches(r"^\h$", "\u{3000}"));
        assert!(matches(r"^\h$", "\u{A0}"));
        assert!(!matches(r"^\h$", "\n"));
        assert!(matches(r"^\v$", "\u{2029}"));
        assert!(matches(r"^[\h\v]+$", " \n\t"));
        assert!(matches(r"^[^\h]$", "x"));
    }

    #[test]
    fn unicode_properties_and_java_classes() {
        assert!(matches(r"^\p{Lu}$", "É"));
        assert!(matches(r"^\pL$", "字"));
        assert!(matches(r"^\P{Lu}$", "é"));
        assert!(matches(r"^\p{javaLowerCase}$", "é"));
        assert!(matches(r"^\p{javaUpperCase}$", "Ä"));
        assert!(matches(r"^\p{IsLatin}$", "é"));
        assert!(matches(r"^\p{InCJKSymbolsAndPunctuation}$", "。"));
        assert!(!matches(r"^\p{InCJKSymbolsAndPunctuation}$", "."));
        assert!(matches(r"^\p{InHiragana}+$", "ひらがな"));
        assert!(matches(r"^\p{Punct}$", "!"));
        assert!(!matches(r"^\p{Punct}$", "。"), "POSIX classes are ASCII in Java");
        assert!(translate(r"\p{InNoSuchBlock}").is_err());
        assert!(translate(r"\p{javaMirrored}").is_err());
    }

    #[test]
    fn quoting_and_code_points() {
        assert_eq!(tr(r"\Q...\E"), r"\.\.\.");
        assert!(matches(r"^\Q(a+)\E$", "(a+)"));
        assert!(matches(r"^\u00A0$", "\u{A0}"));
        assert!(matches(r"^\x{3002}$", "。"));
        assert!(matches(r"^\x41$", "A"));
        assert!(matches(r"^\0101$", "A"), "octal");
        assert!(matches(r"^\e$", "\u{1B}"));
        assert!(matches(r"^\cA$", "\u{1}"));
        assert!(matches(r#"^\"\'\/\<$"#, r#""'/<"#), "escaped punctuation is literal");
        assert!(!translate(r"\<").unwrap().pattern.contains(r"\<"));
    }

    #[test]
    fn look_around_and_possessive_need_fancy() {
        assert!(!translate(r"\bMr\.").unwrap().fancy);
        for p in
            [r"(?<!\d)x", r"(?<=a)x", r"x(?!y)", r"x(?=y)", r"a*+", r"a++", r"a?+", r"a{1,3}+", r"(?>ab)", r"(a)\1"]
        {
            assert!(translate(p).unwrap().fancy, "{p}");
        }
        assert!(matches(r"(?<!\d[\h\v]*)\bm\.", "a m."));
        assert!(!matches(r"(?<!\d[\h\v]*)\bm\.", "5  m."), "variable-length look-behind");
        assert!(!matches(r"^a++a$", "aaa"), "possessive does not give back");
        assert!(matches(r"^a+a$", "aaa"));
    }

    #[test]
    fn class_intersection_and_subtraction() {
        assert!(matches(r"^[a-z&&[^aeiou]]$", "b"));
        assert!(!matches(r"^[a-z&&[^aeiou]]$", "a"));
        assert!(matches(r"^[\p{Ll}&&[^aeiou]]$", "ß"));
        assert!(matches(r"^[a-c[x-z]]$", "y"), "nested class is a union");
        assert!(matches(r"^[a--]+$", "a-"), "Java has no -- operator");
        assert!(matches(r"^[~&]+$", "~&"));
        assert!(matches(r"^[]a]+$", "]a"));
        assert!(matches(r"^[\p{Lu}-–]+$", "A-–"), "a - after a set is a literal");
        assert!(matches(r"^[\d-x]+$", "1-x"));
        assert!(matches(r"^[x-\d]+$", "1-x"));
        assert!(matches(r"^[\x{41}-\x{43}]$", "B"), "a range between escapes stays a range");
    }

    #[test]
    fn embedded_flags() {
        assert!(matches(r"(?i)mr\.", "MR."));
        assert!(matches(r"(?iu)é", "É"));
        assert_eq!(tr(r"(?u)x"), "x");
        assert_eq!(tr(r"(?iu:x)"), "(?i:x)");
        assert!(matches(r"((?i)jan|feb)\.", "JAN."));
        assert!(translate(r"(?Q)x").is_err());
    }

    #[test]
    fn stray_braces_are_literal() {
        assert!(matches(r"^a{$", "a{"));
        assert!(matches(r"^a}$", "a}"));
        assert!(matches(r"^a{2}$", "aa"));
        assert!(matches(r"^a{2,}?$", "aaa"));
    }

    #[test]
    fn untranslatable() {
        for p in [r"\X", r"\N{DIGIT ONE}", r"\G", "[ab", r"\q", "x\\"] {
            assert!(translate(p).is_err(), "{p}");
        }
    }

    #[test]
    fn language_patterns() {
        assert!(language_pattern_matches("EN.*", "en-US").unwrap());
        assert!(language_pattern_matches("EN.*", "en").unwrap());
        assert!(!language_pattern_matches("EN", "en-US").unwrap(), "whole-string match");
        assert!(!language_pattern_matches("N.*", "en").unwrap(), "anchored at the start");
        assert!(language_pattern_matches(".*", "ja").unwrap());
    }
}
