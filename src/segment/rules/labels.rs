//! List labels inside a block (`1.)`, `2.)`, `a)`, `b.`, bullets): the scanner breaks before
//! each item of a list, and a label's period does not end a sentence.

/// List labels found in a block: where to break before them, and the label ranges whose
/// period is not a sentence end.
#[derive(Default)]
pub(super) struct Markers {
    /// Where to break: before each label of a list, and before each bullet.
    pub breaks: Vec<usize>,
    /// Label ranges, sorted; a period inside one is not a sentence end.
    pub skip: Vec<(usize, usize)>,
}

/// A list label: `1.`, `2.)`, `a)`, `b.`, or a bullet.
struct Label {
    start: usize,
    end: usize,
    /// 0 number, 1 lower-case letter, 2 upper-case letter.
    kind: u8,
    suffix: &'static str,
    value: u32,
    after_bullet: bool,
}

/// Find list labels that form a sequence (`1.` … `2.`, `a)` … `b)`) and bullets. A label
/// alone is not a list ("for 1. above", "Alfred E. Sloan").
pub(super) fn list_markers(block: &str) -> Markers {
    let b = block.as_bytes();
    let mut labels: Vec<Label> = Vec::new();
    let mut out = Markers::default();
    // Labels end in `.` or `)`; bullets start with byte E2. Look only there.
    for k in memchr::memchr3_iter(b'.', b')', 0xE2, b) {
        if b[k] == 0xE2 {
            let c = block[k..].chars().next().expect("E2 is a lead byte");
            if is_bullet(c) && k > 0 && block[..k].chars().next_back().is_some_and(char::is_whitespace) {
                out.breaks.push(k);
            }
            continue;
        }
        if b[k] == b')' && k > 0 && b[k - 1] == b'.' {
            continue; // the `.)` label was looked at from its `.`
        }
        let mut start = k;
        while start > 0 && b[start - 1].is_ascii_digit() && k - start < 3 {
            start -= 1;
        }
        let digits = k - start;
        let (kind, value) = if (1..=2).contains(&digits) && (start == 0 || !b[start - 1].is_ascii_alphanumeric()) {
            (0u8, block[start..k].parse().unwrap_or(0))
        } else if digits == 0
            && k > 0
            && b[k - 1].is_ascii_alphabetic()
            && (k == 1 || !b[k - 2].is_ascii_alphanumeric())
        {
            start = k - 1;
            let c = b[start];
            (if c.is_ascii_lowercase() { 1 } else { 2 }, u32::from(c.to_ascii_lowercase() - b'a'))
        } else {
            continue;
        };
        let before = &block[..start];
        let prev = before.chars().next_back();
        let after_bullet = before.trim_end_matches(' ').chars().next_back().is_some_and(is_bullet);
        if !(prev.is_none_or(char::is_whitespace) || after_bullet) {
            continue;
        }
        let suffix = if b[k] == b'.' && b.get(k + 1) == Some(&b')') {
            ".)"
        } else if b[k] == b'.' {
            "."
        } else {
            ")"
        };
        let end = k + suffix.len();
        let after = &block[end..];
        let next = after.trim_start().chars().next();
        // "A. Smith" is an initial, not a label; "A) Hello" is a label.
        let ok = after.starts_with(' ')
            && next.is_some_and(|n| if kind == 0 { n.is_uppercase() } else { n.is_alphabetic() })
            && !(kind == 2 && suffix == ".");
        if ok {
            labels.push(Label { start, end, kind, suffix, value, after_bullet });
        }
    }
    if labels.is_empty() {
        return out;
    }
    let present: std::collections::HashSet<(u8, &str, u32)> =
        labels.iter().map(|l| (l.kind, l.suffix, l.value)).collect();
    let has = |kind: u8, suffix: &'static str, value: u32| present.contains(&(kind, suffix, value));
    for l in &labels {
        // A numbered list counts from 1 ("am 3. Mai ... der 4. Juni" is not a list), unless
        // bullets mark its items; a lettered list counts from a.
        let neighbour = (l.value > 0 && has(0, l.suffix, l.value - 1)) || has(0, l.suffix, l.value + 1);
        let accepted = if l.kind == 0 && l.after_bullet {
            neighbour
        } else if l.kind == 0 {
            neighbour && l.value >= 1 && l.value < 100 && (1..=l.value).all(|v| has(0, l.suffix, v))
        } else {
            l.value < 26 && (0..=l.value).all(|v| has(l.kind, l.suffix, v)) && (l.value > 0 || has(l.kind, l.suffix, 1))
        };
        if accepted {
            if l.start > 0 && !l.after_bullet {
                out.breaks.push(l.start);
            }
            out.skip.push((l.start, l.end));
        }
    }
    out
}

/// Bullet characters that start a list item.
pub(super) fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '⁃' | '▪' | '◦' | '‣')
}
