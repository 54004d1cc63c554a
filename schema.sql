-- govreport schema, version 10: the readable reference. The library creates and upgrades
-- files by running `migrations/` in order (the one history, PRAGMA user_version holds the
-- version); tests/schema_version.rs proves this file equals their result. Change the schema
-- by adding a migration, then update this file to match.
--
-- Conventions:
--   * Every row that comes from a report carries `report_id`, so reports of other years and
--     districts live beside the first one. Record ids are unique across the database: the
--     records of a report are numbered from that report's `id_base` (0 for the first).
--   * `quote` columns hold a verbatim substring of the paragraph named by `paragraph_id`;
--     `quote_start` is its offset in that paragraph, in characters (not bytes); `sentence` is
--     the whole sentence of the paragraph around the quote (from after the previous 。！？； to
--     the next one), so the source sentence travels with every fact. It arrived in version 6
--     by ADD COLUMN, which needs the default '' for NOT NULL; the migration fills it for every
--     record.
--   * Values keep the number and unit as written (`value`, `unit`) and the same amount in a
--     base unit (`base_value`, `base_unit`): 亿元/万元 -> 元, 万人次 -> 人次, 万亩 -> 亩,
--     亿斤 -> 斤, 万平方米 -> 平方米 (src/units.rs holds the table).
--   * Dates are ISO 8601 text (`2024-06-30`).

-- One row: one government work report.
CREATE TABLE report (
    id             INTEGER PRIMARY KEY,               -- 1 for the first report loaded
    slug           TEXT NOT NULL UNIQUE               -- stable short name: 'yanshi-2024'
                   CHECK (slug GLOB '[a-z0-9]*' AND length(slug) BETWEEN 3 AND 64),
    title          TEXT NOT NULL,                     -- '政府工作报告'
    region         TEXT NOT NULL,                     -- '洛阳市偃师区'
    date           TEXT NOT NULL                      -- day delivered
                   CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    meeting        TEXT NOT NULL,                     -- '区第二届人民代表大会第四次会议'
    speaker        TEXT NOT NULL,                     -- '赵玉勋'
    speaker_office TEXT NOT NULL,                     -- '区长'
    plan_year      INTEGER NOT NULL CHECK (plan_year BETWEEN 1949 AND 2200), -- year planned for
    id_base        INTEGER NOT NULL UNIQUE CHECK (id_base >= 0), -- first record id is id_base + 1
    source_text    TEXT NOT NULL                      -- the PDF-extracted text, unchanged
);

-- One row: one division of a report's outline (part, theme, area, sub-heading, glossary entry).
CREATE TABLE section (
    id        INTEGER PRIMARY KEY,                    -- id_base + position in the outline
    report_id INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES section(id) ON DELETE CASCADE, -- NULL at the top level
    kind      TEXT NOT NULL CHECK (kind IN ('front', 'part', 'theme', 'subtheme', 'area',
                                            'subheading', 'glossary', 'glossary_entry')),
    number    INTEGER CHECK (number >= 1),            -- part 1-4, theme 1-6, area 1-10 …
    title     TEXT NOT NULL,                          -- heading as written, without its '。'
    path      TEXT NOT NULL                           -- labels from the top, joined by ' / '
);
CREATE INDEX section_report ON section(report_id);

-- One row: one real paragraph of a report's normalized text (not a PDF line).
CREATE TABLE paragraph (
    id         INTEGER PRIMARY KEY,                   -- id_base + position in the text
    report_id  INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES section(id) ON DELETE CASCADE, -- innermost section
    ordinal    INTEGER NOT NULL CHECK (ordinal >= 1), -- 1-based position within the report
    text       TEXT NOT NULL CHECK (length(text) > 0),
    UNIQUE (report_id, ordinal)
);
CREATE INDEX paragraph_section ON paragraph(section_id);

-- One row: one number a report commits to for its plan year (a target), or one number its
-- review reports for the year before (a result). The two kinds have the same shape.
CREATE TABLE figure (
    id            INTEGER NOT NULL,                   -- id_base + seed id (see seeds/README.md)
    kind          TEXT NOT NULL CHECK (kind IN ('target', 'result')),
    report_id     INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    year          INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2200), -- year the number is for
    area          INTEGER CHECK (area BETWEEN 1 AND 10), -- target: area （N）; result: theme N
    section_id    INTEGER NOT NULL REFERENCES section(id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraph(id),
    metric        TEXT NOT NULL CHECK (length(metric) > 0), -- what is measured, in Chinese
    value         REAL NOT NULL,                      -- the number in the unit as written
    written       TEXT NOT NULL,                      -- the characters of the quote stating it
    unit          TEXT NOT NULL,                      -- unit as written: '%', '亿元', '家' …
    qualifier     TEXT,                               -- words as written: '左右', '力争/以上'
    comparator    TEXT NOT NULL CHECK (comparator IN ('approximately', 'at_least', 'at_most',
                                                      'more_than', 'exactly')),
    measure       TEXT NOT NULL CHECK (measure IN ('growth_rate', 'share', 'level', 'count')),
    base_value    REAL NOT NULL,                      -- value in base_unit
    base_unit     TEXT NOT NULL,                      -- '元', '人次', '亩', '斤', '平方米' …
    deadline      TEXT CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    deadline_text TEXT,                               -- '6月底前' as written
    quote         TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start   INTEGER NOT NULL CHECK (quote_start >= 0),
    sentence     TEXT NOT NULL DEFAULT '',            -- the whole sentence around the quote (v6)
    PRIMARY KEY (kind, id),
    CHECK ((deadline IS NULL) = (deadline_text IS NULL))
);
CREATE INDEX figure_report ON figure(report_id, kind, area);
CREATE INDEX figure_paragraph ON figure(paragraph_id);

-- One row: one named project, facility or construction item of a report.
CREATE TABLE project (
    id              INTEGER PRIMARY KEY,              -- id_base + seed id
    report_id       INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (length(name) > 0), -- as written
    year            INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2200), -- done/under way in, or planned for
    status          TEXT NOT NULL,                    -- status words as written: '建成通车'
    status_code     TEXT NOT NULL CHECK (status_code IN ('planning', 'to_start',
                        'under_construction', 'near_completion', 'completed', 'in_operation')),
    investment      REAL CHECK (investment >= 0),     -- the project's own investment, as written
    investment_unit TEXT,                             -- '亿元' …
    investment_base REAL,                             -- investment in 元
    area            INTEGER CHECK (area BETWEEN 1 AND 10), -- area （N） (2024) or theme N (2023)
    deadline        TEXT CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    deadline_text   TEXT,                             -- '5月底前' as written
    section_id      INTEGER NOT NULL REFERENCES section(id),
    paragraph_id    INTEGER NOT NULL REFERENCES paragraph(id),
    quote           TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start     INTEGER NOT NULL CHECK (quote_start >= 0),
    sentence     TEXT NOT NULL DEFAULT '',            -- the whole sentence around the quote (v6)
    CHECK ((investment IS NULL) = (investment_unit IS NULL)),
    CHECK ((deadline IS NULL) = (deadline_text IS NULL))
);
CREATE INDEX project_report ON project(report_id, year, status_code);

-- One row: one company named for a project.
CREATE TABLE project_company (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL CHECK (ordinal >= 1), -- order as named
    company    TEXT NOT NULL CHECK (length(company) > 0),
    PRIMARY KEY (project_id, ordinal)
);

-- One row: one aggregate figure about a set of projects (276 key projects, 总投资514.7亿元 …).
CREATE TABLE project_total (
    id           INTEGER PRIMARY KEY,                 -- id_base + seed id
    report_id    INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    year         INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2200),
    scope        TEXT NOT NULL,                       -- the set: '重点项目', '三个一批' …
    metric       TEXT NOT NULL,                       -- '项目个数', '总投资', '年度完成投资' …
    value        REAL NOT NULL,
    written      TEXT NOT NULL,
    unit         TEXT NOT NULL,
    qualifier    TEXT,                                -- '以上', '超过' as written
    comparator   TEXT NOT NULL CHECK (comparator IN ('approximately', 'at_least', 'at_most',
                                                     'more_than', 'exactly')),
    base_value   REAL NOT NULL,
    base_unit    TEXT NOT NULL,
    section_id   INTEGER NOT NULL REFERENCES section(id),
    paragraph_id INTEGER NOT NULL REFERENCES paragraph(id),
    quote        TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start  INTEGER NOT NULL CHECK (quote_start >= 0),
    sentence     TEXT NOT NULL DEFAULT ''             -- the whole sentence around the quote (v6)
);

-- One row: one named town, subdistrict, village, community or cluster of villages.
CREATE TABLE place (
    id            INTEGER PRIMARY KEY,                -- id_base + seed id
    report_id     INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,                      -- as written: '岳滩村'
    kind          TEXT NOT NULL CHECK (kind IN ('town', 'subdistrict', 'village', 'community',
                                                'cluster', 'zone')), -- zone: v9
    town          TEXT,                               -- parent town as written, where given
    village_count INTEGER CHECK (village_count >= 1), -- clusters: villages in it, as written
    paragraph_id  INTEGER NOT NULL REFERENCES paragraph(id),
    quote         TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start   INTEGER NOT NULL CHECK (quote_start >= 0),
    sentence     TEXT NOT NULL DEFAULT '',            -- the whole sentence around the quote (v6)
    UNIQUE (report_id, name)
);

-- One row: one designation (title, honour, pilot status) a place holds or seeks.
CREATE TABLE designation (
    place_id     INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL CHECK (ordinal >= 1),
    name         TEXT NOT NULL,                       -- '全国乡村治理示范村'
    level        TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'municipal')),
    year         INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2200), -- awarded or sought in
    status       TEXT NOT NULL CHECK (status IN ('awarded', 'pursuing')),
    paragraph_id INTEGER NOT NULL REFERENCES paragraph(id),
    quote        TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start  INTEGER NOT NULL CHECK (quote_start >= 0),
    sentence     TEXT NOT NULL DEFAULT '',            -- the whole sentence around the quote (v6)
    PRIMARY KEY (place_id, ordinal)
);

-- One row: one numbered entry of a report's 名词解释.
CREATE TABLE glossary_term (
    id           INTEGER PRIMARY KEY,                 -- id_base + entry number
    report_id    INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    n            INTEGER NOT NULL CHECK (n >= 1),     -- the entry's number
    term         TEXT NOT NULL,                       -- as written: '“1+N”产业布局'
    definition   TEXT NOT NULL,                       -- the entry's text after 'term。'
    paragraph_id INTEGER NOT NULL REFERENCES paragraph(id),
    UNIQUE (report_id, n)
);

-- One row: one enumerated part of a glossary definition.
CREATE TABLE glossary_part (
    term_id INTEGER NOT NULL REFERENCES glossary_term(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
    label   TEXT,                                     -- '1', '四区' … where the text labels it
    text    TEXT NOT NULL,                            -- verbatim from the definition
    PRIMARY KEY (term_id, ordinal)
);

-- One row: one string whose presence in a paragraph counts as a use of a glossary term.
CREATE TABLE glossary_match (
    term_id INTEGER NOT NULL REFERENCES glossary_term(id) ON DELETE CASCADE,
    pattern TEXT NOT NULL CHECK (length(pattern) > 0),
    PRIMARY KEY (term_id, pattern)
);

-- One row: one paragraph (outside 名词解释) that uses a glossary term.
CREATE TABLE glossary_mention (
    term_id      INTEGER NOT NULL REFERENCES glossary_term(id) ON DELETE CASCADE,
    paragraph_id INTEGER NOT NULL REFERENCES paragraph(id) ON DELETE CASCADE,
    PRIMARY KEY (term_id, paragraph_id)
);

-- One row: one numbered slogan a report uses without defining it.
CREATE TABLE undefined_term (
    id                 INTEGER PRIMARY KEY,           -- id_base + position in the seed file
    report_id          INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    term               TEXT NOT NULL,                 -- as written: '两个确保'
    first_paragraph_id INTEGER NOT NULL REFERENCES paragraph(id),
    first_quote        TEXT NOT NULL,                 -- clause of its first use
    UNIQUE (report_id, term)
);

-- ---------------------------------------------------------------------------------------
-- Search (version 3; src/search.rs, migrations/0003_search.sql)
-- ---------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------
-- Tracking (version 4; src/tracking.rs, migrations/0004_tracking.sql)
-- (the module is src/tracking/: organisation units and tasks, progress, evaluation)
-- ---------------------------------------------------------------------------------------

-- One row: one organisation unit (单位) that leads or supports work: a bureau, a town, a
-- company (table renamed from `unit` by migrations/0007_org_unit.sql, hence the quotes).
CREATE TABLE "org_unit" (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER REFERENCES report(id) ON DELETE CASCADE, -- NULL: not tied to one report
    name      TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0), -- '区发展改革委'
    parent_id INTEGER REFERENCES "org_unit"(id)             -- the unit it belongs to, if any
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
    lead_org_unit_id       INTEGER REFERENCES "org_unit"(id),   -- 牵头单位
    responsible_person TEXT,                          -- 具体责任人
    deadline           TEXT CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    deadline_source    TEXT NOT NULL CHECK (deadline_source IN ('set', 'target', 'project',
                                                                'parent', 'none', 'commitment')),
    notes              TEXT,
    created_at         TEXT NOT NULL,                 -- ISO date-time, UTC
    -- Version 9 (ADD COLUMN), for tasks made from a 任务分解表 row: the commitment the row
    -- is, 责任领导, 完成时限 as written, what the last import wrote (JSON).
    commitment_id      INTEGER REFERENCES commitment(id),
    leader             TEXT,
    deadline_text      TEXT,
    import_snapshot    TEXT CHECK (import_snapshot IS NULL OR json_valid(import_snapshot)),
    FOREIGN KEY (target_kind, target_id) REFERENCES figure(kind, id),
    CHECK ((target_kind IS NULL) = (target_id IS NULL)),
    CHECK (planned_value IS NULL OR unit IS NOT NULL),
    CHECK ((deadline IS NULL) = (deadline_source = 'none'))
);
CREATE INDEX task_report ON task(report_id, parent_id);
CREATE INDEX task_target ON task(target_id) WHERE target_id IS NOT NULL;
CREATE INDEX task_project ON task(project_id) WHERE project_id IS NOT NULL;

-- One row: one supporting organisation unit (配合单位) of a task.
CREATE TABLE "task_support_org_unit" (
    task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    org_unit_id INTEGER NOT NULL REFERENCES "org_unit"(id),
    PRIMARY KEY (task_id, org_unit_id)
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

-- One row: one progress report on a target, a task, a project the report names, a project
-- of the key-project register (register_project, version 5) or a commitment (version 10: a
-- work_status and text, no value) for one period.
-- Append-only: rows are never updated or deleted (the triggers below refuse it); a
-- correction is a new row whose supersedes_id names the row it replaces, and both stay.
CREATE TABLE progress (
    id                    INTEGER PRIMARY KEY,
    -- The checks of this table avoid `IN (list)`: SQLite rebuilds the list for every row
    -- checked, which halves the insert rate of an import.
    subject_kind          TEXT NOT NULL CHECK (subject_kind = 'target' OR subject_kind = 'task'
                              OR subject_kind = 'project' OR subject_kind = 'register_project'
                              OR subject_kind = 'commitment'),
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
    -- Version 10 (ADD COLUMN): where a commitment's work stands (未启动 / 推进中 / 已完成 /
    -- 滞后); NULL on every other record. Its IN list costs nothing on those: the check stops
    -- at IS NULL.
    work_status           TEXT CHECK (work_status IS NULL OR work_status IN ('not_started','in_progress','done','lagging')),
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
    WHEN 'commitment' THEN EXISTS (SELECT 1 FROM commitment WHERE id = NEW.subject_id)
    ELSE EXISTS (SELECT 1 FROM register_project WHERE id = NEW.subject_id)
END
BEGIN
    SELECT RAISE(ABORT, 'progress: unknown subject');
END;

-- A work status only on a commitment's record, and no value on one (project fields are
-- refused by the table's check). Version 10.
CREATE TRIGGER progress_commitment_fields BEFORE INSERT ON progress
WHEN (NEW.work_status IS NOT NULL AND NEW.subject_kind <> 'commitment')
  OR (NEW.subject_kind = 'commitment' AND NEW.value IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'progress: work_status is for commitment records, which carry no value');
END;

CREATE TRIGGER progress_supersedes_same_subject BEFORE INSERT ON progress
WHEN NEW.supersedes_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM progress p WHERE p.id = NEW.supersedes_id
       AND p.subject_kind = NEW.subject_kind AND p.subject_id = NEW.subject_id)
BEGIN
    SELECT RAISE(ABORT, 'progress: a correction must supersede a record of the same subject');
END;

-- ---------------------------------------------------------------------------------------
-- Registers (version 5; src/registers/, migrations/0005_registers.sql)
-- ---------------------------------------------------------------------------------------

-- One row: one project of an office's key-project register (重点项目台账), as imported from the
-- office's spreadsheet (src/registers/). Amounts are in 万元 as offices write them, with the
-- same amount in 元 beside. `report_project_id` links the row to the project the report names,
-- where the names match; `link_method` says how the link was made.
CREATE TABLE register_project (
    id                    INTEGER PRIMARY KEY,
    report_id             INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    office_code           TEXT NOT NULL CHECK (length(trim(office_code)) > 0), -- 项目代码 (office's own)
    national_code         TEXT CHECK (length(national_code) = 24), -- GB/T 40058-2021 项目代码
    serial                INTEGER,                    -- 序号 as written
    name                  TEXT NOT NULL CHECK (length(trim(name)) > 0), -- 项目名称
    category              TEXT NOT NULL CHECK (category IN ('新开工', '续建', '竣工', '前期',
                                                            '预备')),
    total_investment      REAL NOT NULL CHECK (total_investment >= 0), -- 总投资, 万元
    total_investment_base REAL NOT NULL CHECK (total_investment_base >= 0), -- 总投资, 元
    annual_plan           REAL CHECK (annual_plan >= 0), -- 年度计划投资, 万元
    annual_plan_base      REAL CHECK (annual_plan_base >= 0), -- 年度计划投资, 元
    owner                 TEXT,                       -- 业主单位
    responsible_unit      TEXT,                       -- 责任单位
    leader                TEXT,                       -- 包保领导
    planned_start         TEXT CHECK (planned_start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'
                              OR planned_start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    note                  TEXT,                       -- 备注 as written ('SYNTHETIC' on test data)
    report_project_id     INTEGER REFERENCES project(id) ON DELETE SET NULL,
    link_method           TEXT CHECK (link_method IN ('exact', 'normalized', 'contains',
                                                      'manual')),
    imported_at           TEXT NOT NULL,              -- ISO date-time, UTC, of the last import
    source                TEXT NOT NULL,              -- file name it was last imported from
    UNIQUE (report_id, office_code),
    CHECK ((annual_plan IS NULL) = (annual_plan_base IS NULL)),
    CHECK (annual_plan IS NULL OR annual_plan <= total_investment),
    CHECK ((report_project_id IS NULL) = (link_method IS NULL))
);
CREATE UNIQUE INDEX register_project_national ON register_project(report_id, national_code)
    WHERE national_code IS NOT NULL;
CREATE INDEX register_project_link ON register_project(report_project_id);

-- One row: one town, subdistrict, village or community of an office's village register, keyed
-- by its 12-digit 统计用区划代码 (county 6 + township 3 + village 3). Towns and subdistricts are
-- the rows whose code ends in '000'; a village's `town_id` is the row of its first 9 digits.
CREATE TABLE register_place (
    id               INTEGER PRIMARY KEY,
    report_id        INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    code             TEXT NOT NULL CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'
                                          AND substr(code, 7, 3) <> '000'),
    name             TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind             TEXT NOT NULL CHECK (kind IN ('town', 'subdistrict', 'village',
                                                   'community')),
    town_id          INTEGER REFERENCES register_place(id), -- NULL exactly for towns
    urban_rural_type TEXT CHECK (urban_rural_type IN ('111', '112', '121', '122', '123',
                                                      '210', '220')), -- 城乡分类代码
    report_place_id  INTEGER REFERENCES place(id) ON DELETE SET NULL, -- the place the report names
    link_method      TEXT CHECK (link_method IN ('exact', 'normalized', 'manual')),
    note             TEXT,                            -- 备注 as written
    imported_at      TEXT NOT NULL,                   -- ISO date-time, UTC, of the last import
    source           TEXT NOT NULL,                   -- file name it was last imported from
    UNIQUE (report_id, code),
    CHECK ((kind IN ('town', 'subdistrict')) = (substr(code, 10, 3) = '000')),
    CHECK ((kind IN ('town', 'subdistrict')) = (town_id IS NULL)),
    CHECK ((report_place_id IS NULL) = (link_method IS NULL))
);
CREATE INDEX register_place_town ON register_place(town_id);

-- One row: one village's or community's record for one year: 集体经济收入, 五星支部 rating,
-- whether its 乡里中心 is built, its designations. NULL: not reported.
CREATE TABLE village_year (
    place_id               INTEGER NOT NULL REFERENCES register_place(id) ON DELETE CASCADE,
    year                   INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2200),
    collective_income      REAL CHECK (collective_income >= 0), -- 万元
    collective_income_base REAL CHECK (collective_income_base >= 0), -- 元
    star_rating            INTEGER CHECK (star_rating BETWEEN 0 AND 5), -- 五星支部 stars
    li_center_built        INTEGER CHECK (li_center_built IN (0, 1)), -- 乡里中心 built
    designations           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(designations)
                               AND json_type(designations) = 'array'), -- JSON array of titles
    imported_at            TEXT NOT NULL,
    source                 TEXT NOT NULL,
    PRIMARY KEY (place_id, year),
    CHECK ((collective_income IS NULL) = (collective_income_base IS NULL))
);

-- Views for other SQLite tools (version 8).
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
-- metric, a task's title, a project's or register project's name, a commitment's quote) and
-- its quote where the subject is a record of the report (targets, projects, commitments; NULL
-- for tasks and register rows). Version 10 added commitments.
CREATE VIEW progress_with_subject AS
SELECT p.id AS progress_id, p.subject_kind, p.subject_id, p.period,
       CASE p.subject_kind
           WHEN 'target' THEN (SELECT f.metric FROM figure f
                               WHERE f.kind = 'target' AND f.id = p.subject_id)
           WHEN 'task' THEN (SELECT t.title FROM task t WHERE t.id = p.subject_id)
           WHEN 'project' THEN (SELECT j.name FROM project j WHERE j.id = p.subject_id)
           WHEN 'register_project' THEN (SELECT r.name FROM register_project r
                                         WHERE r.id = p.subject_id)
           WHEN 'commitment' THEN (SELECT c.quote FROM commitment c WHERE c.id = p.subject_id)
       END AS subject_name,
       CASE p.subject_kind
           WHEN 'target' THEN (SELECT f.quote FROM figure f
                               WHERE f.kind = 'target' AND f.id = p.subject_id)
           WHEN 'project' THEN (SELECT j.quote FROM project j WHERE j.id = p.subject_id)
           WHEN 'commitment' THEN (SELECT c.quote FROM commitment c WHERE c.id = p.subject_id)
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

-- Commitments (version 9): src/commitments/.
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

-- One imported task per commitment (tasks added by hand may share a commitment).
CREATE UNIQUE INDEX task_imported_commitment ON task(commitment_id)
    WHERE import_snapshot IS NOT NULL;
