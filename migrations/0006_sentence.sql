-- Migration 5 -> 6: every record carries the whole sentence of the paragraph around its quote
-- (from after the previous 。！？； to the next one), so the source sentence travels with
-- every fact. ADD COLUMN needs a default for NOT NULL; the data step of this version
-- (`fill_sentences`, src/db/schema.rs) fills the column for every record from the paragraph
-- text and `quote_start`, so no record keeps the empty default.
--
-- Version-5 files made between commits 7ba3821 and the version-6 release already have the
-- column (it had been added to migration 0002 in place); the step before this file
-- (`drop_sentence_added_in_place`) drops it there, so both shapes of version 5 reach the same
-- version 6.
ALTER TABLE figure ADD COLUMN sentence TEXT NOT NULL DEFAULT '';
ALTER TABLE project ADD COLUMN sentence TEXT NOT NULL DEFAULT '';
ALTER TABLE project_total ADD COLUMN sentence TEXT NOT NULL DEFAULT '';
ALTER TABLE place ADD COLUMN sentence TEXT NOT NULL DEFAULT '';
ALTER TABLE designation ADD COLUMN sentence TEXT NOT NULL DEFAULT '';
