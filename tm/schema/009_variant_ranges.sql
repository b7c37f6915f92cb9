-- tomo translation memory, schema version 9: a unit's variants are found by rowid range,
-- not by an index. An import writes a unit's variants one after the other, with ids it
-- gives them, so they are the rows `first_variant` to `last_variant` of `variant`; readers
-- still test `variant.unit_id`, so a unit whose variants are not together (a memory
-- edited by hand) is read right, only more slowly. `variant_by_unit` is dropped: every
-- variant row of an import was appended to it (a B-tree descent a row, 7 % of a 1M-unit
-- import's wall time, issue 2). Whatever adds a variant to an existing unit must widen
-- its range. Deleting a unit still deletes its variants (the foreign key), by a scan.
ALTER TABLE unit ADD COLUMN first_variant INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unit ADD COLUMN last_variant INTEGER NOT NULL DEFAULT -1;

UPDATE unit SET first_variant = r.lo, last_variant = r.hi
FROM (SELECT unit_id, min(id) AS lo, max(id) AS hi FROM variant GROUP BY unit_id) AS r
WHERE r.unit_id = unit.id;

DROP INDEX variant_by_unit;
