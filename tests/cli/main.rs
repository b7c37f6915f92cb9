//! End-to-end tests of the `tomo` binary, one themed module per area, linked once.

mod formats;
mod reuse;
mod store;
mod util;
