//! tomo: a translation-memory and multilingual corpus tool.
//!
//! Articles are split into sentences ([`segment`]), aligned with their translations into
//! beads ([`align`]), kept as multilingual units in a SQLite translation memory ([`tm`]),
//! matched fuzzily against new text, and exchanged with CAT tools as TMX, CSV and TSV
//! ([`formats`]).
//!
//! ```
//! use tomo::lang::Lang;
//! use tomo::tm::{ImportOptions, TranslationMemory, Unit, Variant};
//! use tomo::formats::ReadItem;
//!
//! let ja = Lang::parse("ja").unwrap();
//! let en = Lang::parse("en").unwrap();
//! let mut tm = TranslationMemory::open_in_memory().unwrap();
//! let unit = Unit::new(vec![
//!     Variant::from_plain(ja.clone(), "東京で雪が降った。"),
//!     Variant::from_plain(en.clone(), "It snowed in Tokyo."),
//! ]);
//! let report = tm.import(vec![Ok(ReadItem::Unit(unit))], &ImportOptions::default()).unwrap();
//! assert_eq!(report.new, 1);
//! assert_eq!(tm.stats().unwrap().units, 1);
//! ```

pub mod align;
pub mod error;
pub mod formats;
pub mod lang;
pub mod report;
pub mod segment;
pub mod text;
pub mod tm;

pub use error::{Error, ErrorKind, Position, Result};
