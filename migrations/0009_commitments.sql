-- Migration 8 -> 9: every commitment of the report and the 任务分解表 (src/commitments/).
--
-- New: `commitment` (one action the report commits the government to, numeric or not),
-- `commitment_link` (the targets, projects and places quoted inside it), `framing` (the
-- sentences of parts 二–四 that commit nothing, each with its reason), and four columns of
-- `task` for tasks made from an office's filled 任务分解表. Two CHECK constraints widen in
-- the data step after this file (`place.kind` gains 'zone'; `task.deadline_source` gains
-- 'commitment'): SQLite cannot alter a CHECK, and rebuilding `place` would cascade the
-- implicit DELETE to its designations; the data step edits the constraint text in
-- sqlite_schema, the procedure SQLite documents for loosening a constraint.

-- One row: one commitment — an action the report commits the government to in part 二
-- (goals), 三 (the plan) or 四 (government self-construction), quantitative or not.
CREATE TABLE commitment (
    id              INTEGER PRIMARY KEY,              -- id_base + seed id (seeds/README.md)
    report_id       INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    part            INTEGER NOT NULL CHECK (part BETWEEN 1 AND 9), -- 2 goals, 3 plan, 4 self
    area            INTEGER CHECK (area BETWEEN 1 AND 10), -- part 三's （N）; NULL in 二 and 四
    section_id      INTEGER NOT NULL REFERENCES section(id),
    paragraph_id    INTEGER NOT NULL REFERENCES paragraph(id),
    kind            TEXT NOT NULL CHECK (kind = 'quantitative' OR kind = 'qualitative'),
    action          TEXT NOT NULL CHECK (length(action) > 0), -- leading verb as written
    deadline        TEXT NOT NULL                     -- ISO date: stated, or the plan year's end
                    CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    deadline_text   TEXT,                             -- '6月底前' as written; NULL: year_end
    deadline_source TEXT NOT NULL CHECK (deadline_source = 'text' OR deadline_source = 'year_end'),
    quote           TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start     INTEGER NOT NULL CHECK (quote_start >= 0),
    sentence        TEXT NOT NULL,                    -- the whole sentence around the quote
    CHECK ((deadline_text IS NULL) = (deadline_source = 'year_end'))
);
CREATE INDEX commitment_report ON commitment(report_id, part, area);

-- One row: a target, project or place whose quote lies inside a commitment's quote (same
-- paragraph, character range inside). `subject_id` is the record's id in `figure` (kind
-- 'target'), `project` or `place`.
CREATE TABLE commitment_link (
    commitment_id INTEGER NOT NULL REFERENCES commitment(id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL CHECK (subject_kind = 'target' OR subject_kind = 'project'
                                       OR subject_kind = 'place'),
    subject_id    INTEGER NOT NULL,
    PRIMARY KEY (commitment_id, subject_kind, subject_id)
) WITHOUT ROWID;
CREATE INDEX commitment_link_subject ON commitment_link(subject_kind, subject_id);

-- One row: one sentence of parts 二–四 that commits nothing (a heading, an address, …), so
-- that no sentence is silently skipped.
CREATE TABLE framing (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    paragraph_id INTEGER NOT NULL REFERENCES paragraph(id),
    quote        TEXT NOT NULL CHECK (length(quote) > 0), -- the whole sentence
    quote_start  INTEGER NOT NULL CHECK (quote_start >= 0),
    reason       TEXT NOT NULL CHECK (reason IN ('heading', 'address', 'context', 'principle',
                                                 'transition', 'exhortation')),
    UNIQUE (paragraph_id, quote_start)
);

-- Tasks made from a 任务分解表 row: the commitment the row is, the 责任领导, the 完成时限 as
-- written, and what the last import wrote (JSON), so that a re-import changes only what the
-- table changed and keeps edits made through the API (src/commitments/decomposition/).
ALTER TABLE task ADD COLUMN commitment_id INTEGER REFERENCES commitment(id);
ALTER TABLE task ADD COLUMN leader TEXT;
ALTER TABLE task ADD COLUMN deadline_text TEXT;
ALTER TABLE task ADD COLUMN import_snapshot TEXT
    CHECK (import_snapshot IS NULL OR json_valid(import_snapshot));
-- One imported task per commitment (tasks added by hand may share a commitment).
CREATE UNIQUE INDEX task_imported_commitment ON task(commitment_id)
    WHERE import_snapshot IS NOT NULL;
