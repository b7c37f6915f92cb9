-- tomo translation memory, schema version 3: the secondary indexes are named indexes, not
-- column constraints, so an import into an empty memory can drop them, append the rows in
-- rowid order and build each index once at the end with one sort (issue 2: random-order
-- inserts into unit.key and variant_by_norm were the largest cost of a big import).
-- The tables are rebuilt (SQLite cannot drop a column constraint); ids are kept, so the
-- fuzzy index stays valid. That two variants of a unit never share a language is checked
-- by the store before it inserts them.

ALTER TABLE variant RENAME TO variant_v2;
ALTER TABLE unit RENAME TO unit_v2;

CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    -- Hash of the unit's sorted (language, segment) pairs: the de-duplication key.
    key         BLOB    NOT NULL,
    tuid        TEXT,
    srclang     TEXT,               -- canonical BCP 47 tag, NULL for *all* / unknown
    created     TEXT,               -- TMX date YYYYMMDDThhmmssZ
    created_by  TEXT,
    changed     TEXT,
    changed_by  TEXT,
    origin      TEXT,               -- import file, or article#paragraph
    usage_count INTEGER NOT NULL DEFAULT 0,
    last_used   TEXT,
    attrs       TEXT,               -- JSON [[name, value], ...] of other tu attributes, verbatim
    notes       TEXT,               -- JSON [Note, ...]
    props       TEXT                -- JSON [Prop, ...]
);

CREATE TABLE variant (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    lang         TEXT    NOT NULL,  -- canonical BCP 47 tag (en-US); one variant per language
    lang_base    TEXT    NOT NULL,  -- primary subtag, lower case (en), for region fallback
    seg          TEXT,              -- inner XML of <seg>, inline markup kept; NULL when it is
                                    -- just plain with & < > " escaped (saves a copy of the text)
    plain        TEXT    NOT NULL,  -- seg without inline markup, unescaped
    norm         TEXT    NOT NULL,  -- normalized plain text for matching (NFKC, width, case, spaces)
    norm_hash    INTEGER NOT NULL,  -- 64-bit hash of (lang_base, norm): exact-match and duplicate probes
    context_prev TEXT,              -- previous sentence in its document ('' = document start)
    context_next TEXT,              -- next sentence in its document ('' = document end)
    attrs        TEXT,              -- JSON of other tuv attributes
    notes        TEXT,
    props        TEXT
);

INSERT INTO unit SELECT * FROM unit_v2;
INSERT INTO variant SELECT * FROM variant_v2;
DROP TABLE variant_v2;
DROP TABLE unit_v2;

CREATE UNIQUE INDEX unit_by_key ON unit (key);
CREATE INDEX variant_by_unit ON variant (unit_id);
CREATE INDEX variant_by_norm ON variant (norm_hash);
