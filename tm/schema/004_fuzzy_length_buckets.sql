-- tomo translation memory, schema version 4 (after 003, which the index does not depend on):
-- the character pairs of Japanese, Chinese and Korean are posted per length bucket of the
-- variant (the pair's key with its low byte replaced by the bucket: src/tm/index.rs
-- `bigram_key`), so a lookup reads only the buckets its length window allows. Same tables;
-- a memory indexed by schema 2 or 3 gets its index rebuilt in this migration's transaction
-- (src/tm/schema.rs: the rebuild needs the tokenizer), one migrated from schema 1 was
-- indexed with the new keys by 002 in the same run.

