-- tomo translation memory, schema version 1.
-- A unit is one meaning; it has one variant per language (TMX tu / tuv).
-- Applied by src/tm/schema.rs inside a transaction; PRAGMA user_version tracks the version.

CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    -- Hash of the unit's sorted (language, segment) pairs: the de-duplication key.
    key         BLOB    NOT NULL UNIQUE,
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
    lang         TEXT    NOT NULL,  -- canonical BCP 47 tag (en-US)
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
    props        TEXT,
    UNIQUE (unit_id, lang)
);

CREATE INDEX variant_by_norm ON variant (norm_hash);

-- Files imported automatically from a tm/ folder, by content hash, so a file is imported
-- once per content. Size and modification time let an unchanged file be passed over
-- without reading it.
CREATE TABLE imported_file (
    path     TEXT    NOT NULL PRIMARY KEY,
    hash     TEXT    NOT NULL,
    size     INTEGER NOT NULL,
    modified INTEGER NOT NULL,          -- nanoseconds since the Unix epoch
    imported TEXT    NOT NULL
);
