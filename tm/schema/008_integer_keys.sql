-- tomo translation memory, schema version 8: the de-duplication key as two 64-bit integers,
-- `unit.key` (its high half, in the column that held the 16-byte blob) and `unit.key_lo`
-- (its low half), and `unit_by_key` unique on the pair. SQLite's sorter compares an index
-- whose first column is an integer with a fast path of its own, and a blob through its
-- general record comparison: building the index at the end of a 1M-unit import took
-- 0.22-0.26 s instead of 0.49-0.60 s (issue 2). The pair is the same 128-bit XXH3 key, and
-- unique on both halves as the blob was. An existing memory's keys are split in this
-- migration's transaction, and the index built after (src/tm/import.rs `split_keys_in`).
ALTER TABLE unit ADD COLUMN key_lo INTEGER NOT NULL DEFAULT 0;
DROP INDEX unit_by_key;
