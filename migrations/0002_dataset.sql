-- Migration 1 -> 2: the dataset tables (targets and results, projects, places, glossary).
-- The same statements as in schema.sql; the library fills them for built-in reports.

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
    quote_start  INTEGER NOT NULL CHECK (quote_start >= 0)
);

-- One row: one named town, subdistrict, village, community or cluster of villages.
CREATE TABLE place (
    id            INTEGER PRIMARY KEY,                -- id_base + seed id
    report_id     INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,                      -- as written: '岳滩村'
    kind          TEXT NOT NULL CHECK (kind IN ('town', 'subdistrict', 'village', 'community',
                                                'cluster')),
    town          TEXT,                               -- parent town as written, where given
    village_count INTEGER CHECK (village_count >= 1), -- clusters: villages in it, as written
    paragraph_id  INTEGER NOT NULL REFERENCES paragraph(id),
    quote         TEXT NOT NULL CHECK (length(quote) > 0),
    quote_start   INTEGER NOT NULL CHECK (quote_start >= 0),
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
