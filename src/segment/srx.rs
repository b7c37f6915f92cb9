//! SRX 2.0 segmentation rules: parse, run, and write.
