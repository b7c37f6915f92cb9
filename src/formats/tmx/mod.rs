//! TMX: the streaming reader (TMX 1.4b and 1.1, UTF-8/UTF-16) and writer (TMX 1.4b).
//!
//! [`read_file`] yields one [`crate::formats::ReadItem`] per `<tu>` without holding the
//! file in memory; [`TmxWriter`] writes one `<tu>` per unit. Together they round-trip a
//! unit: segments (inline markup included) and languages exactly, metadata through TMX
//! attributes where TMX has them and `x-tomo-*` props where it does not.

mod fast;
mod inline;
mod reader;
mod writer;

use std::path::Path;

use super::{ReadOptions, ReadStream};
use crate::error::Result;

pub use reader::TmxStream;
pub use writer::TmxWriter;

/// Prop type on a `tu` carrying [`crate::tm::Unit::origin`].
pub const PROP_ORIGIN: &str = "x-tomo-origin";
/// Prop type on a `tuv` carrying [`crate::tm::Variant::context_prev`].
pub const PROP_CONTEXT_PREV: &str = "x-tomo-context-prev";
/// Prop type on a `tuv` carrying [`crate::tm::Variant::context_next`].
pub const PROP_CONTEXT_NEXT: &str = "x-tomo-context-next";
/// Prefix of the prop type that carries an attribute the TMX 1.4 DTD does not allow
/// where the input had it (`x-tomo-attr-NAME`); the reader turns it back into the attribute.
pub const PROP_ATTR_PREFIX: &str = "x-tomo-attr-";

/// Stream the units of a TMX file. Errors (malformed XML, an unknown entity) name the
/// file, line and column; units that cannot be imported come as [`crate::formats::ReadItem::Skipped`].
pub fn read_file(path: &Path, opts: &ReadOptions) -> Result<ReadStream> {
    Ok(Box::new(reader::open(path, opts)?))
}

/// A date in TMX form (`YYYYMMDDThhmmssZ`), from that form or the ISO 8601 ones tools
/// write (`2024-05-01`, `2024-05-01T12:30:00Z`, `2024-05-01 12:30:00`); `None` if `text`
/// is none of these (a time-zone offset, for one, is not converted).
pub fn normalize_date(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let shape_ok = t.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | 't' | ' ' | 'Z' | 'z'));
    if !shape_ok {
        return None;
    }
    let (date, time) = match digits.len() {
        8 => (&digits[..8], "000000"),
        14 => (&digits[..8], &digits[8..]),
        _ => return None,
    };
    let num = |s: &str| s.parse::<u32>().unwrap_or(99);
    let (m, d) = (num(&date[4..6]), num(&date[6..8]));
    let (hh, mm, ss) = (num(&time[..2]), num(&time[2..4]), num(&time[4..6]));
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(format!("{date}T{time}Z"))
}

#[cfg(test)]
mod tests;
