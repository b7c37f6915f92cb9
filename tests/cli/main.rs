//! End-to-end tests of the `tomo` binary, one themed module per area, linked once.

mod lookup;
mod store;
mod util;
