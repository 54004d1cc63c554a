-- Migration 7 -> 8: views for other SQLite tools (sqlite3, Python's sqlite3, Datasette).
-- Only views: no table or row changes. Each view reads the tables it names and nothing else,
-- so it needs no data step and costs a few hundred bytes of schema.

-- One row: one target (a number the plan year commits to), with `figure`'s columns.
CREATE VIEW target AS
SELECT id, report_id, year, area, section_id, paragraph_id, metric, value, written, unit,
       qualifier, comparator, measure, base_value, base_unit, deadline, deadline_text,
       quote, quote_start, sentence
FROM figure WHERE kind = 'target';

-- One row: one result (a number the review reports), with `figure`'s columns.
CREATE VIEW result AS
SELECT id, report_id, year, area, section_id, paragraph_id, metric, value, written, unit,
       qualifier, comparator, measure, base_value, base_unit, deadline, deadline_text,
       quote, quote_start, sentence
FROM figure WHERE kind = 'result';

-- One row: one progress record with its subject resolved: the subject's name (a target's
-- metric, a task's title, a project's or register project's name) and its quote where the
-- subject is a record of the report (targets, projects; NULL for tasks and register rows).
CREATE VIEW progress_with_subject AS
SELECT p.id AS progress_id, p.subject_kind, p.subject_id, p.period,
       CASE p.subject_kind
           WHEN 'target' THEN (SELECT f.metric FROM figure f
                               WHERE f.kind = 'target' AND f.id = p.subject_id)
           WHEN 'task' THEN (SELECT t.title FROM task t WHERE t.id = p.subject_id)
           WHEN 'project' THEN (SELECT j.name FROM project j WHERE j.id = p.subject_id)
           WHEN 'register_project' THEN (SELECT r.name FROM register_project r
                                         WHERE r.id = p.subject_id)
       END AS subject_name,
       CASE p.subject_kind
           WHEN 'target' THEN (SELECT f.quote FROM figure f
                               WHERE f.kind = 'target' AND f.id = p.subject_id)
           WHEN 'project' THEN (SELECT j.quote FROM project j WHERE j.id = p.subject_id)
       END AS subject_quote
FROM progress p;

-- One row: one document of the search index, keyed as the index is (`key` = the index's
-- rowid: kind code << 40 | id), with the text the index was built from. Joined with
-- `search_index` it turns a MATCH into records:
--   SELECT d.kind, d.id, d.text FROM search_index s JOIN search_document d ON d.key = s.rowid
--   WHERE search_index MATCH '"乡村 村振 振兴"';
-- (the query written as the phrase of its overlapping bigrams: README.md, "Other tools").
CREATE VIEW search_document AS
SELECT id AS key, 'paragraph' AS kind, id, text FROM paragraph
UNION ALL
SELECT (1 << 40) | id, 'target', id, metric || ' ' || quote FROM figure WHERE kind = 'target'
UNION ALL
SELECT (2 << 40) | id, 'result', id, metric || ' ' || quote FROM figure WHERE kind = 'result'
UNION ALL
SELECT (3 << 40) | id, 'project', id, name || ' ' || quote FROM project
UNION ALL
SELECT (4 << 40) | id, 'place', id, name || ' ' || quote FROM place
UNION ALL
SELECT (5 << 40) | id, 'glossary', id, term || ' ' || definition FROM glossary_term;
