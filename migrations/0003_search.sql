-- Migration 2 -> 3: the search index (src/search.rs). The same statement as in schema.sql;
-- the library fills the index for every record the file holds right after running this.

-- The full-text index of every searchable record: paragraphs, targets and results, projects,
-- places and glossary terms. Contentless (`content=''`): it keeps no copy of any text, only
-- the postings. rowid = kind code << 40 | record id (0 paragraph, 1 target, 2 result,
-- 3 project, 4 place, 5 glossary; glossary uses glossary_term.id). `body` receives the text
-- pre-split by the library into overlapping bigrams of letter/digit runs (ASCII lowercased),
-- plus each run's last character as a unigram; the `ascii` tokenizer keeps those tokens
-- whole. Only the library writes it (govreport::search::rebuild_index).
CREATE VIRTUAL TABLE search_index USING fts5(
    body,
    content = '',
    tokenize = 'ascii',
    detail = full
);
