//! End-to-end tests of the `tomo` binary, one themed module per area, linked once.

mod align;
mod drafts;
mod formats;
mod lookup;
mod reuse;
mod segment;
mod store;
mod util;
