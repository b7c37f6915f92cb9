//! The translation memory: units and variants, the SQLite store, its schema, the fuzzy
//! candidate index and the match scoring.

pub mod folder;
pub mod fuzzy;
mod import;
pub mod index;
mod schema;
pub mod store;
pub mod unit;

pub use store::{ExportFilter, ImportOptions, ImportReport, Stats, TranslationMemory};
pub use unit::{Note, Prop, Unit, Variant};
