-- tomo translation memory, schema version 2: the fuzzy candidate index.
-- One row per (language, token class): the ids of the variants containing that token, as a
-- blob of LEB128 varint deltas in increasing id order. `n` comes before the blob so reading
-- the document frequency never touches the blob's overflow pages.
CREATE TABLE fz_gram (
    key  INTEGER PRIMARY KEY,      -- 64-bit hash of (lang_base, token class)
    n    INTEGER NOT NULL,         -- number of ids in the list
    last INTEGER NOT NULL,         -- the largest id, so an append can delta-encode
    ids  BLOB    NOT NULL
);

-- The primary language subtags that have indexed variants (for concordance without --lang).
CREATE TABLE fz_lang (
    lang_base TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;
