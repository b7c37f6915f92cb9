//! The fuzzy candidate index, kept inside the same database and transaction as the units.

use rusqlite::Transaction;

use crate::error::Result;
use crate::lang::Lang;

/// Called by the store for every variant it inserts, inside the import's transaction, so
/// the index is never out of step with the units.
pub fn on_variant_inserted(_tx: &Transaction<'_>, _variant_id: i64, _lang: &Lang, _norm: &str) -> Result<()> {
    Ok(())
}
