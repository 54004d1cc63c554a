-- Migration 4 -> 5: the registers (src/registers/): the key-project register, the village
-- register and village yearly records. The same statements as in schema.sql.

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

-- Progress on a register project: the subject check of migration 0004 now finds the register
-- (until this version it refused the kind, as the table did not exist).
DROP TRIGGER progress_subject_exists;
CREATE TRIGGER progress_subject_exists BEFORE INSERT ON progress
WHEN NOT CASE NEW.subject_kind
    WHEN 'target' THEN EXISTS (SELECT 1 FROM figure WHERE kind = 'target' AND id = NEW.subject_id)
    WHEN 'task' THEN EXISTS (SELECT 1 FROM task WHERE id = NEW.subject_id)
    WHEN 'project' THEN EXISTS (SELECT 1 FROM project WHERE id = NEW.subject_id)
    ELSE EXISTS (SELECT 1 FROM register_project WHERE id = NEW.subject_id)
END
BEGIN
    SELECT RAISE(ABORT, 'progress: unknown subject');
END;
