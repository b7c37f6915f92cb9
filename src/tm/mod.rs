//! The translation memory: units and variants, the SQLite store, its schema, the fuzzy
//! candidate index and the match scoring.

/// `FROM` a unit `u` joined to its variants `v`, for `concat!` into a statement: the rows
/// of the unit's range that are its own (schema 9; a unit's variants have consecutive ids,
/// so the range is a few rows of one leaf, and `v.unit_id` only guards a memory edited by
/// hand). The units are the outer loop (`CROSS JOIN`) and the `+` keeps SQLite from
/// building an automatic index on `variant.unit_id` for the test: an export then reads
/// both tables in rowid order, without a sort.
macro_rules! unit_variants {
    () => {
        "unit u CROSS JOIN variant v ON v.id BETWEEN u.first_variant AND u.last_variant AND +v.unit_id = u.id"
    };
}
pub(crate) use unit_variants;

/// `FROM` the variants `v` whose normalized text has the hash `?3`, for `concat!` into a
/// statement whose `?1` and `?2` are the hash's [`store::norm_key_range`] (schema 10): the
/// ids of the `norm_key` rows in the range, kept when the row's full hash is `?3`.
macro_rules! same_text_variants {
    () => {
        "norm_key n JOIN variant v ON v.id = n.k & 4294967295 WHERE n.k BETWEEN ?1 AND ?2 AND v.norm_hash = ?3"
    };
}
pub(crate) use same_text_variants;

pub mod folder;
pub mod fuzzy;
mod import;
pub mod index;
mod schema;
pub mod store;
pub mod unit;

pub use store::{ExportFilter, ImportOptions, ImportReport, Stats, TranslationMemory};
pub use unit::{Note, Prop, Unit, Variant};
