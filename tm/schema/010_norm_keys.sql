-- tomo translation memory, schema version 10: the variants of a normalized text are found
-- through `norm_key`, a table of one integer per variant, the high 32 bits of its
-- `norm_hash` above its 32-bit id (src/tm/store.rs `norm_key`), instead of the index
-- `variant_by_norm`. A bulk load collects the keys as it writes, sorts them in memory and
-- appends them in order at its end; building the index instead read the whole `variant`
-- table back and sorted it in SQLite (1M units: 0.76 s against 0.27 s, the longest step
-- of the import's single-threaded end, issue 2). WITHOUT ROWID: appended in key order,
-- each row's uniqueness check starts from the last page (a rowid table's checks descended
-- from the root: 0.44 s). A reader takes the ids of a key range
-- and checks the full hash on the variant's row. The trigger keeps the table in step
-- when a unit is deleted (its variants go by the foreign key).
CREATE TABLE norm_key (
    k INTEGER PRIMARY KEY
) WITHOUT ROWID;

INSERT INTO norm_key (k) SELECT (norm_hash & -4294967296) | id FROM variant ORDER BY 1;

DROP INDEX variant_by_norm;

CREATE TRIGGER variant_norm_key_delete AFTER DELETE ON variant BEGIN
    DELETE FROM norm_key WHERE k = (old.norm_hash & -4294967296) | old.id;
END;
