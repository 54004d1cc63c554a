-- Migration 3 -> 4: tracking the year (src/tracking/): units, the task decomposition,
-- milestones and the append-only progress history. The same statements as in schema.sql.

-- One row: one unit (单位) that leads or supports work: a bureau, a town, a company.
CREATE TABLE unit (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER REFERENCES report(id) ON DELETE CASCADE, -- NULL: not tied to one report
    name      TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0), -- '区发展改革委'
    parent_id INTEGER REFERENCES unit(id)             -- the unit it belongs to, if any
);

-- One row: one task of a report's decomposition (任务分解表). Tasks form a hierarchy: a
-- commitment (often a target or a named project) split into sub-items.
CREATE TABLE task (
    id                 INTEGER PRIMARY KEY,
    report_id          INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    parent_id          INTEGER REFERENCES task(id),   -- NULL for a top-level task
    title              TEXT NOT NULL CHECK (length(trim(title)) > 0),
    target_kind        TEXT CHECK (target_kind = 'target'), -- 'target' when target_id is set
    target_id          INTEGER,                       -- the target the task delivers
    project_id         INTEGER REFERENCES project(id), -- the named project the task delivers
    planned_value      REAL,                          -- this task's share of the target
    unit               TEXT,                          -- unit of planned_value and of progress
    lead_unit_id       INTEGER REFERENCES unit(id),   -- 牵头单位
    responsible_person TEXT,                          -- 具体责任人
    deadline           TEXT CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    deadline_source    TEXT NOT NULL CHECK (deadline_source IN ('set', 'target', 'project',
                                                                'parent', 'none')),
    notes              TEXT,
    created_at         TEXT NOT NULL,                 -- ISO date-time, UTC
    FOREIGN KEY (target_kind, target_id) REFERENCES figure(kind, id),
    CHECK ((target_kind IS NULL) = (target_id IS NULL)),
    CHECK (planned_value IS NULL OR unit IS NOT NULL),
    CHECK ((deadline IS NULL) = (deadline_source = 'none'))
);
CREATE INDEX task_report ON task(report_id, parent_id);
CREATE INDEX task_target ON task(target_id) WHERE target_id IS NOT NULL;
CREATE INDEX task_project ON task(project_id) WHERE project_id IS NOT NULL;

-- One row: one supporting unit (配合单位) of a task.
CREATE TABLE task_support_unit (
    task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES unit(id),
    PRIMARY KEY (task_id, unit_id)
) WITHOUT ROWID;

-- One row: one milestone (节点, quarterly 形象进度) of a task.
CREATE TABLE milestone (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    due_date    TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    done_at     TEXT CHECK (done_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
CREATE INDEX milestone_task ON milestone(task_id, due_date);

-- One row: one progress report on a target, a task or a project the report names, for one
-- period. The subject kind 'register_project' is reserved here for the register that
-- migration 0005 adds (the trigger below refuses it until then): the table is append-only,
-- so the check is written once, not rebuilt.
-- Append-only: rows are never updated or deleted (the triggers below refuse it); a
-- correction is a new row whose supersedes_id names the row it replaces, and both stay.
CREATE TABLE progress (
    id                    INTEGER PRIMARY KEY,
    -- The checks of this table avoid `IN (list)`: SQLite rebuilds the list for every row
    -- checked, which halves the insert rate of an import.
    subject_kind          TEXT NOT NULL CHECK (subject_kind = 'target' OR subject_kind = 'task'
                              OR subject_kind = 'project' OR subject_kind = 'register_project'),
    subject_id            INTEGER NOT NULL,
    period                TEXT NOT NULL                -- '2024-03' (month) or '2024-Q1'
                          CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'
                                 OR period GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]'),
    period_end            TEXT NOT NULL                -- last day of the period: '2024-03-31'
                          CHECK (period_end GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    value                 REAL,                        -- in the subject's unit (target/task)
    unit                  TEXT,                        -- that unit
    base_value            REAL,                        -- value in the base unit
    cumulative            INTEGER NOT NULL CHECK (cumulative = 0 OR cumulative = 1), -- 1: YTD
    progress_text         TEXT,                        -- 进展情况
    problems              TEXT,                        -- 存在的问题
    next_steps            TEXT,                        -- 下一步措施
    reported_by           TEXT,                        -- who reported
    reported_at           TEXT NOT NULL,               -- ISO date-time
    supersedes_id         INTEGER REFERENCES progress(id), -- the record this one corrects
    invested_period       REAL CHECK (invested_period >= 0),  -- projects: this period
    invested_to_date      REAL CHECK (invested_to_date >= 0), -- projects: year to date
    invest_unit           TEXT,                        -- unit of both amounts: '万元' …
    invested_period_base  REAL,                        -- in 元
    invested_to_date_base REAL,                        -- in 元
    status                TEXT CHECK (status IS NULL OR status IN ('planning', 'to_start',
                              'under_construction', 'near_completion', 'completed',
                              'in_operation')),
    physical_progress     TEXT,                        -- 形象进度
    planned_start         TEXT                         -- 计划开工 date
                          CHECK (planned_start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    actual_start          TEXT                         -- 实际开工 date
                          CHECK (actual_start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    CHECK ((value IS NULL) = (unit IS NULL)),
    CHECK ((invested_period IS NULL AND invested_to_date IS NULL) OR invest_unit IS NOT NULL),
    CHECK (subject_kind = 'project' OR subject_kind = 'register_project'
           OR (invested_period IS NULL AND invested_to_date IS NULL AND status IS NULL
               AND physical_progress IS NULL AND planned_start IS NULL
               AND actual_start IS NULL)),
    CHECK (supersedes_id IS NULL OR supersedes_id < id)
);
CREATE INDEX progress_subject ON progress(subject_kind, subject_id, period_end);
-- A record is superseded at most once (a correction of a correction supersedes the latter).
CREATE UNIQUE INDEX progress_supersedes ON progress(supersedes_id) WHERE supersedes_id IS NOT NULL;

CREATE TRIGGER progress_no_update BEFORE UPDATE ON progress
BEGIN
    SELECT RAISE(ABORT, 'progress is append-only: add a correcting record with supersedes_id');
END;

CREATE TRIGGER progress_no_delete BEFORE DELETE ON progress
BEGIN
    SELECT RAISE(ABORT, 'progress is append-only: add a correcting record with supersedes_id');
END;

CREATE TRIGGER progress_subject_exists BEFORE INSERT ON progress
WHEN NOT CASE NEW.subject_kind
    WHEN 'target' THEN EXISTS (SELECT 1 FROM figure WHERE kind = 'target' AND id = NEW.subject_id)
    WHEN 'task' THEN EXISTS (SELECT 1 FROM task WHERE id = NEW.subject_id)
    WHEN 'project' THEN EXISTS (SELECT 1 FROM project WHERE id = NEW.subject_id)
    ELSE 0 -- no other subject exists at version 4 (migration 0005 adds register projects)
END
BEGIN
    SELECT RAISE(ABORT, 'progress: unknown subject');
END;

CREATE TRIGGER progress_supersedes_same_subject BEFORE INSERT ON progress
WHEN NEW.supersedes_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM progress p WHERE p.id = NEW.supersedes_id
       AND p.subject_kind = NEW.subject_kind AND p.subject_id = NEW.subject_id)
BEGIN
    SELECT RAISE(ABORT, 'progress: a correction must supersede a record of the same subject');
END;
