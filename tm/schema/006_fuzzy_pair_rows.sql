-- tomo translation memory, schema version 6: a small table of the document frequencies of
-- the common character pairs per length bucket, so a lookup reads a pair's frequencies with
-- one point read instead of a range scan of fz_gram, whose rows hold the posting lists
-- (src/tm/index.rs `pair_buckets`). One row per pair whose buckets hold 32 postings or
-- more: rarer pairs are read from fz_gram, lists and all. The rows are filled in this
-- migration's transaction (src/tm/schema.rs: `index::build_pair_rows_in`) and kept up to
-- date by every write to fz_gram.
CREATE TABLE fz_pair (
    key    INTEGER PRIMARY KEY,    -- the pair's bigram key with bucket byte 0 (index.rs bigram_key)
    counts BLOB    NOT NULL        -- (bucket byte, varint postings) of each non-empty bucket
);
