//! Schema versions: one history of steps (schema.sql equals its result, released steps
//! frozen), create -> reopen, migrate older files (real ones from tests/fixtures, made by the
//! code of their time), refuse a newer one untouched.

use std::path::{Path, PathBuf};

use govreport::db::schema::{self, STEPS};
use govreport::{Db, Error, OpenMode, SCHEMA_VERSION};
use rusqlite::Connection;

mod common;
use common::TempDir;

/// The SQL of a schema object without its comments and layout: comments dropped, runs of
/// whitespace made one space, no space next to `(`, `)` or `,` (string literals kept as
/// written, plain identifiers without double quotes). `ALTER TABLE ADD COLUMN` writes its
/// column as `, name type` at the end of the column list and `RENAME TO` writes `"name"`;
/// this makes both equal to the same table written in a CREATE TABLE.
fn normalized_sql(sql: &str) -> String {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                if space && !out.is_empty() && !out.ends_with(['(', ',']) {
                    out.push(' ');
                }
                space = false;
                let mut quoted = String::new();
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    quoted.push(d);
                }
                // `ALTER TABLE RENAME` writes the new name as "name": a plain identifier
                // is the same with or without its double quotes.
                let plain = c == '"'
                    && quoted.starts_with(|x: char| x.is_ascii_alphabetic() || x == '_')
                    && quoted
                        .chars()
                        .all(|x| x.is_ascii_alphanumeric() || x == '_');
                if plain {
                    out.push_str(&quoted);
                } else {
                    out.push(c);
                    out.push_str(&quoted);
                    out.push(c);
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            '(' | ')' | ',' => {
                space = false;
                out.push(c);
            }
            c => {
                if space && !out.is_empty() && !out.ends_with(['(', ',']) {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    // A `)` or `,` after a space was pushed without it; nothing else to undo.
    out
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut st = conn.prepare(sql).unwrap();
    st.query_map([], f)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Everything a schema is made of, by name: the SQL of every table, index, view and trigger
/// (without comments and layout), every column (type, NOT NULL, default, key), every index
/// SQLite keeps for a constraint, every foreign key.
#[derive(Debug, PartialEq)]
struct Shape {
    objects: Vec<(String, String, String)>,
    columns: Vec<String>,
    indexes: Vec<String>,
    foreign_keys: Vec<String>,
}

fn shape_of(conn: &Connection) -> Shape {
    let objects = rows(
        conn,
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                normalized_sql(&r.get::<_, String>(2)?),
            ))
        },
    );
    let text = |r: &rusqlite::Row<'_>| -> rusqlite::Result<String> {
        let n = r.as_ref().column_count();
        let mut parts = Vec::with_capacity(n);
        for i in 0..n {
            let v: rusqlite::types::Value = r.get(i)?;
            parts.push(format!("{v:?}"));
        }
        Ok(parts.join(" "))
    };
    let columns = rows(
        conn,
        "SELECT m.name, c.cid, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden
         FROM sqlite_master m, pragma_table_xinfo(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid",
        text,
    );
    let indexes = rows(
        conn,
        "SELECT m.name, i.name, i.\"unique\", i.origin, i.partial,
                (SELECT group_concat(coalesce(x.name, x.cid) || ' ' || x.desc, ',')
                 FROM pragma_index_xinfo(i.name) x WHERE x.key)
         FROM sqlite_master m, pragma_index_list(m.name) i
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, i.name",
        text,
    );
    let foreign_keys = rows(
        conn,
        "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq",
        text,
    );
    Shape {
        objects,
        columns,
        indexes,
        foreign_keys,
    }
}

/// Fails with the first difference of two shapes, part by part.
fn assert_same_shape(found: &Shape, expected: &Shape, what: &str) {
    fn first_difference<T: PartialEq + std::fmt::Debug>(part: &str, f: &[T], e: &[T], what: &str) {
        if let Some(i) = (0..f.len().max(e.len())).find(|&i| f.get(i) != e.get(i)) {
            panic!(
                "{what}: {part} differ at entry {i}:\n  found:    {:?}\n  expected: {:?}",
                f.get(i),
                e.get(i)
            );
        }
    }
    first_difference("columns", &found.columns, &expected.columns, what);
    first_difference("indexes", &found.indexes, &expected.indexes, what);
    first_difference(
        "foreign keys",
        &found.foreign_keys,
        &expected.foreign_keys,
        what,
    );
    first_difference("schema objects", &found.objects, &expected.objects, what);
}

/// The shape schema.sql describes.
fn reference_shape() -> Shape {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(schema::SCHEMA_SQL).unwrap();
    shape_of(&conn)
}

/// An in-memory database at `version`, made by the steps up to it (no data).
fn steps_up_to(version: i64) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    for step in STEPS.iter().filter(|s| s.version <= version) {
        conn.execute_batch(step.sql).unwrap();
    }
    conn
}

fn counts(conn: &Connection) -> Vec<i64> {
    [
        "report",
        "section",
        "paragraph",
        "figure",
        "project",
        "place",
        "glossary_term",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

const DATASET_TABLES: &[&str] = &[
    "undefined_term",
    "glossary_mention",
    "glossary_match",
    "glossary_part",
    "glossary_term",
    "designation",
    "place",
    "project_total",
    "project_company",
    "project",
    "figure",
];

/// A version-1 file: the current file with the dataset dropped, checked against the schema
/// of migration 0001.
fn make_v1_file(path: &Path) {
    drop(Db::open(path).unwrap());
    let conn = Connection::open(path).unwrap();
    // Tables are dropped in name order, parents before children (org_unit before task).
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    // Views (version 8 on) go first: they name the tables dropped below.
    for (kind, name, _) in shape_of(&conn).objects {
        if kind == "view" {
            conn.execute_batch(&format!("DROP VIEW \"{name}\""))
                .unwrap();
        }
    }
    for t in DATASET_TABLES {
        conn.execute_batch(&format!("DROP TABLE {t}")).unwrap();
    }
    // Later versions may add more than the dataset; drop whatever the fixture lacks.
    let fixture = steps_up_to(1);
    let v1_names: Vec<String> = shape_of(&fixture)
        .objects
        .into_iter()
        .map(|(_, n, _)| n)
        .collect();
    for (kind, name, _) in shape_of(&conn).objects {
        if kind == "table" && !v1_names.contains(&name) {
            conn.execute_batch(&format!("DROP TABLE IF EXISTS \"{name}\""))
                .unwrap();
        }
    }
    conn.pragma_update(None, "user_version", 1).unwrap();
    assert_same_shape(&shape_of(&conn), &shape_of(&fixture), "version 1 file");
}

#[test]
fn a_new_file_gets_schema_and_data_and_reopens_unchanged() {
    let dir = TempDir::new("create");
    let path = dir.file("office.db");
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    let default = Db::open_default().unwrap();
    assert_eq!(counts(db.connection()), counts(default.connection()));
    let first = counts(db.connection());
    drop(db);
    let bytes = std::fs::read(&path).unwrap();
    let db = Db::open_with(&path, OpenMode::ReadOnly).unwrap();
    assert_eq!(counts(db.connection()), first);
    drop(db);
    let db = Db::open(&path).unwrap();
    assert_eq!(counts(db.connection()), first);
    drop(db);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "reopening must not write"
    );
}

#[test]
fn the_comparison_sees_through_alter_table_but_not_through_changes() {
    let altered = Connection::open_in_memory().unwrap();
    altered
        .execute_batch(
            "CREATE TABLE t (a INTEGER, -- a comment
                 b TEXT CHECK (b <> '--'),
                 PRIMARY KEY (a));
             CREATE TABLE child (t_a INTEGER REFERENCES t(a));
             ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT '';
             ALTER TABLE t RENAME TO renamed;",
        )
        .unwrap();
    let written = |sql: &str| {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(sql).unwrap();
        shape_of(&c)
    };
    let same = written(
        "CREATE TABLE renamed (
             a INTEGER,
             b TEXT CHECK (b <> '--'),
             c TEXT NOT NULL DEFAULT '', /* added later */
             PRIMARY KEY (a)
         );
         CREATE TABLE child (t_a INTEGER REFERENCES renamed(a));",
    );
    assert_eq!(shape_of(&altered), same);
    for changed in [
        "CREATE TABLE renamed (a INTEGER, b TEXT CHECK (b <> '-'), c TEXT NOT NULL DEFAULT '',
             PRIMARY KEY (a)); CREATE TABLE child (t_a INTEGER REFERENCES renamed(a));",
        "CREATE TABLE renamed (a INTEGER, b TEXT CHECK (b <> '--'), c TEXT NOT NULL,
             PRIMARY KEY (a)); CREATE TABLE child (t_a INTEGER REFERENCES renamed(a));",
        "CREATE TABLE renamed (a INTEGER, b TEXT CHECK (b <> '--'), c TEXT NOT NULL DEFAULT '',
             PRIMARY KEY (a)); CREATE TABLE child (t_a INTEGER REFERENCES renamed(a));
             CREATE INDEX child_t ON child(t_a);",
    ] {
        assert_ne!(shape_of(&altered), written(changed), "{changed}");
    }
}

#[test]
fn schema_sql_equals_every_step_from_empty() {
    let mut conn = Connection::open_in_memory().unwrap();
    let tx = conn.transaction().unwrap();
    schema::apply(&tx, 0).unwrap();
    tx.commit().unwrap();
    assert_same_shape(
        &shape_of(&conn),
        &reference_shape(),
        "every step from empty vs schema.sql (update schema.sql to match the migrations)",
    );
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    // New files are made by the same steps.
    let dir = TempDir::new("new-shape");
    let db = Db::open(dir.file("new.db")).unwrap();
    assert_same_shape(&shape_of(db.connection()), &reference_shape(), "a new file");
}

#[test]
fn version_one_plus_migrations_is_the_current_schema() {
    let mut migrated = steps_up_to(1);
    let tx = migrated.transaction().unwrap();
    schema::apply(&tx, 1).unwrap();
    tx.commit().unwrap();
    assert_same_shape(
        &shape_of(&migrated),
        &reference_shape(),
        "version 1 + steps",
    );
}

#[test]
fn the_steps_are_one_numbered_history() {
    for (i, step) in STEPS.iter().enumerate() {
        assert_eq!(
            step.version,
            i as i64 + 1,
            "{}: versions go 1, 2, 3 …",
            step.file
        );
        assert!(
            step.file.starts_with(&format!("{:04}_", step.version)),
            "{}: a step's file is named after its version",
            step.file
        );
    }
    assert_eq!(
        STEPS.last().unwrap().version,
        SCHEMA_VERSION,
        "the last step reaches the current version"
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let steps: Vec<&str> = STEPS.iter().map(|s| s.file).collect();
    assert_eq!(
        files, steps,
        "every file in migrations/ is a step of govreport::db::schema::STEPS"
    );
}

/// The SHA-256 of every released migration (`sha256sum migrations/*`). Files in the wild ran
/// these bytes: a changed file would leave them different from new ones, silently.
const FROZEN: &[(&str, &str)] = &[
    (
        "0001_report.sql",
        "07c0c2d431dbcdd88745f032b5be9edd778c8efebe204b571ceeeb421123fb55",
    ),
    (
        "0002_dataset.sql",
        "bee7df82eb001659c059c7641eec29719a03ccf9a141c46c69fb8297427103e8",
    ),
    (
        "0003_search.sql",
        "286827b3a4063aad3f1bbd9cc4330bd46c74c86c9eae7c3061b972028ef93b47",
    ),
    (
        "0004_tracking.sql",
        "6a71de7ddcb93a7c8b4bed172faa86ff76805df1478f7cf8d0e7ac3cde539c56",
    ),
    (
        "0005_registers.sql",
        "677f0b44708e5de66be644be1e419e7bb8142ed4f71a774b415ceef179224801",
    ),
    (
        "0006_sentence.sql",
        "5fc9551e69dd8baf3becb1aa1715f9ea90ace232eb193a5dd96ed4fd3c765f06",
    ),
    (
        "0007_org_unit.sql",
        "7a108f8b78c6ab4d6159dd89ff150d7c532c1f995130d759d26edbe84e4267d7",
    ),
    (
        "0008_views.sql",
        "e9a74d6d4c1c86891eba8e756f440277df9f34e93e3963462268c3a4d89efd3c",
    ),
    (
        "0009_commitments.sql",
        "9b837645336618e014f3fdcf3e88b355f3e536f402ed64c2d9260626033c76c6",
    ),
    (
        "0010_commitment_progress.sql",
        "2778ef6f3052fc0494eb5e9756683250e5e9c69a5010e0e73d996de5d2705bd2",
    ),
];

#[test]
fn released_migrations_are_frozen() {
    for step in STEPS {
        let digest = sha256::hex(step.sql.as_bytes());
        match FROZEN.iter().find(|(f, _)| *f == step.file) {
            Some((_, frozen)) => assert_eq!(
                &digest, frozen,
                "migrations/{} changed, but released files ran it as it was: restore it \
                 (`git checkout migrations/{}`) and put the change in a new migration at the \
                 end of govreport::db::schema::STEPS",
                step.file, step.file
            ),
            None => panic!(
                "migrations/{} is new: once it is released, freeze it by adding \
                 (\"{}\", \"{digest}\") to FROZEN in tests/schema_version.rs",
                step.file, step.file
            ),
        }
    }
    assert_eq!(
        FROZEN.len(),
        STEPS.len(),
        "a frozen migration was removed from STEPS"
    );
}

#[test]
fn the_digest_is_sha256() {
    assert_eq!(
        sha256::hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256::hex(&[b'a'; 1000]),
        "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
    );
}

#[test]
fn an_older_file_is_migrated_with_its_data() {
    let dir = TempDir::new("migrate");
    let path = dir.file("v1.db");
    make_v1_file(&path);
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    let default = Db::open_default().unwrap();
    assert_eq!(counts(db.connection()), counts(default.connection()));
    assert_eq!(
        db.target(1).unwrap().quote,
        default.target(1).unwrap().quote
    );
}

#[test]
fn an_older_file_opened_read_only_is_refused_and_unchanged() {
    let dir = TempDir::new("ro-old");
    let path = dir.file("v1.db");
    make_v1_file(&path);
    let before = std::fs::read(&path).unwrap();
    let err = Db::open_with(&path, OpenMode::ReadOnly).unwrap_err();
    assert!(matches!(err, Error::SchemaTooOld { found: 1, .. }), "{err}");
    assert!(err.to_string().contains("read-write"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_failed_migration_changes_nothing() {
    let dir = TempDir::new("fail");
    let path = dir.file("v1.db");
    make_v1_file(&path);
    // A table the migration wants to create already exists: the migration must fail whole.
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE project (x)")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(Db::open(&path).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let conn = Connection::open(&path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
}

#[test]
fn a_newer_file_is_refused_with_a_clear_error_and_left_untouched() {
    let dir = TempDir::new("newer");
    let path = dir.file("future.db");
    drop(Db::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    for mode in [OpenMode::Create, OpenMode::ReadWrite, OpenMode::ReadOnly] {
        let err = Db::open_with(&path, mode).unwrap_err();
        match &err {
            Error::SchemaTooNew {
                found, supported, ..
            } => {
                assert_eq!((*found, *supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
            }
            other => panic!("expected SchemaTooNew, got {other}"),
        }
        assert!(err.to_string().contains("upgrade govreport"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Every `user_version` outside 1..=SCHEMA_VERSION is refused in every mode, before anything
/// is written: the file's bytes stay the same (a negative version used to get a migration).
#[test]
fn a_version_outside_the_known_range_is_refused_and_the_file_left_untouched() {
    let dir = TempDir::new("bad-version");
    let cases = [
        -5,
        -1,
        i64::from(i32::MIN),
        SCHEMA_VERSION + 1,
        i64::from(i32::MAX),
    ];
    for (n, version) in cases.into_iter().enumerate() {
        let path = dir.file(&format!("v{n}.db"));
        drop(Db::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", version)
            .unwrap();
        let before = std::fs::read(&path).unwrap();
        for mode in [OpenMode::Create, OpenMode::ReadWrite, OpenMode::ReadOnly] {
            let err = Db::open_with(&path, mode).unwrap_err();
            match &err {
                Error::SchemaUnknown {
                    found, supported, ..
                } if version < 0 => {
                    assert_eq!((*found, *supported), (version, SCHEMA_VERSION));
                    assert!(
                        err.to_string().contains("restore it from a backup"),
                        "{err}"
                    );
                }
                Error::SchemaTooNew { found, .. } if version > SCHEMA_VERSION => {
                    assert_eq!(*found, version);
                }
                other => panic!("version {version}, {mode:?}: unexpected {other}"),
            }
            assert!(err.to_string().contains("not changed"), "{err}");
            assert_eq!(
                std::fs::read(&path).unwrap(),
                before,
                "version {version}, {mode:?}"
            );
        }
    }
    // Version 0 with tables present: another program's database, left as it is.
    let path = dir.file("zero.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE report (id INTEGER); INSERT INTO report VALUES (1)")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    for mode in [OpenMode::Create, OpenMode::ReadWrite, OpenMode::ReadOnly] {
        let err = Db::open_with(&path, mode).unwrap_err();
        assert!(
            matches!(err, Error::NotAGovreportDatabase { .. }),
            "{mode:?}: {err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before, "{mode:?}");
    }
}

#[test]
fn a_foreign_database_and_a_missing_file_are_refused() {
    let dir = TempDir::new("foreign");
    let path = dir.file("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE accounts (id INTEGER)")
        .unwrap();
    assert!(matches!(
        Db::open(&path),
        Err(Error::NotAGovreportDatabase { .. })
    ));
    let missing = dir.file("missing.db");
    assert!(Db::open_with(&missing, OpenMode::ReadWrite).is_err());
    assert!(!missing.exists(), "ReadWrite must not create a file");
}

#[test]
fn check_constraints_reject_bad_codes_and_dates() {
    let db = Db::open_default().unwrap();
    let c = db.connection();
    let bad = [
        "UPDATE figure SET comparator = 'roughly' WHERE id = 1",
        "UPDATE figure SET deadline = '30 June' WHERE id = 1",
        "UPDATE project SET status_code = 'done' WHERE id = 1",
        "UPDATE place SET kind = 'city' WHERE id = 1",
        "UPDATE report SET date = '2024/01/23'",
        "INSERT INTO paragraph (id, report_id, section_id, ordinal, text) VALUES (999, 1, 99999, 999, 'x')",
    ];
    for sql in bad {
        assert!(c.execute(sql, []).is_err(), "{sql} should fail");
    }
}

/// A database file made by the code of its time (`Db::open` on a missing file, then VACUUM),
/// one for each shape of an older version seen in the wild; tests/fixtures/README.md says
/// how each was made.
struct Fixture {
    file: &'static str,
    version: i64,
    /// The file has `sentence` columns (version 5 after commit 7ba3821, and every version
    /// from 6 on).
    has_sentence: bool,
    /// Its dataset is of a shape migration 0002 had before a17c2a5: the migration loads the
    /// built-in dataset afresh, so the dataset counts are today's, not the file's.
    dataset_reloaded: bool,
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        file: "v2-3956ea9.db",
        version: 2,
        has_sentence: false,
        dataset_reloaded: true,
    },
    Fixture {
        file: "v3-a17c2a5.db",
        version: 3,
        has_sentence: false,
        dataset_reloaded: false,
    },
    Fixture {
        file: "v5-9094d7a-before-sentence.db",
        version: 5,
        has_sentence: false,
        dataset_reloaded: false,
    },
    Fixture {
        file: "v5-d22bf3c-sentence-in-place.db",
        version: 5,
        has_sentence: true,
        dataset_reloaded: false,
    },
    Fixture {
        file: "v9-23ecb85-progress.db",
        version: 9,
        has_sentence: true,
        dataset_reloaded: false,
    },
];

const RECORD_TABLES: &[&str] = &[
    "report",
    "section",
    "paragraph",
    "figure",
    "project",
    "project_company",
    "project_total",
    "place",
    "designation",
    "glossary_term",
];

fn record_counts(conn: &Connection) -> Vec<i64> {
    RECORD_TABLES
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
}

/// Every column of every progress record the file had before version 10 (as text), by id;
/// empty for a file older than the progress table (version 4).
fn progress_rows(path: &Path) -> Vec<String> {
    let raw = Connection::open(path).unwrap();
    let columns = "id, subject_kind, subject_id, period, period_end, value, unit, base_value,
                   cumulative, progress_text, problems, next_steps, reported_by, reported_at,
                   supersedes_id, invested_period, invested_to_date, invest_unit,
                   invested_period_base, invested_to_date_base, status, physical_progress,
                   planned_start, actual_start";
    let Ok(mut st) = raw.prepare(&format!("SELECT {columns} FROM progress ORDER BY id")) else {
        return Vec::new();
    };
    st.query_map([], |r| {
        let values: Vec<String> = (0..24)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(values.join(" | "))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// `(table, key, quote, sentence)` of every record that quotes the report.
fn sentences(conn: &Connection) -> Vec<(String, String, String, String)> {
    let mut all = Vec::new();
    for (table, key) in [
        ("figure", "kind || ' ' || id"),
        ("project", "id"),
        ("project_total", "id"),
        ("place", "id"),
        ("designation", "place_id || ' ' || ordinal"),
    ] {
        all.extend(rows(
            conn,
            &format!("SELECT '{table}', {key}, quote, sentence FROM {table} ORDER BY 2"),
            |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, rusqlite::types::Value>(1)
                        .map(|v| format!("{v:?}"))?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            },
        ));
    }
    all
}

fn fixture_copy(dir: &TempDir, f: &Fixture) -> PathBuf {
    let path = dir.file(f.file);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(f.file),
        &path,
    )
    .unwrap();
    path
}

#[test]
fn every_fixture_opened_read_only_is_refused_and_unchanged() {
    let dir = TempDir::new("fixture-ro");
    for f in FIXTURES {
        let path = fixture_copy(&dir, f);
        let before = std::fs::read(&path).unwrap();
        let err = Db::open_with(&path, OpenMode::ReadOnly).unwrap_err();
        assert!(
            matches!(err, Error::SchemaTooOld { found, required, .. }
                if found == f.version && required == SCHEMA_VERSION),
            "{}: {err}",
            f.file
        );
        assert_eq!(std::fs::read(&path).unwrap(), before, "{} changed", f.file);
    }
}

#[test]
fn every_fixture_migrates_to_the_current_schema_with_its_data() {
    let dir = TempDir::new("fixture-migrate");
    let reference = reference_shape();
    let default = Db::open_default().unwrap();
    let default_sentences = sentences(default.connection());
    for f in FIXTURES {
        let path = fixture_copy(&dir, f);
        let (counts_before, sentences_before) = {
            let raw = Connection::open(&path).unwrap();
            let v: i64 = raw
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(v, f.version, "{}: the fixture's version", f.file);
            let has = raw.prepare("SELECT sentence FROM figure LIMIT 1").is_ok();
            assert_eq!(has, f.has_sentence, "{}: the fixture's shape", f.file);
            let counts = record_counts(&raw);
            assert!(counts.iter().all(|&n| n > 0), "{}: {counts:?}", f.file);
            (counts, has.then(|| sentences(&raw)))
        };
        let progress_before = progress_rows(&path);

        let db = Db::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION, "{}", f.file);
        let conn = db.connection();
        assert_same_shape(&shape_of(conn), &reference, f.file);
        let counts = record_counts(conn);
        if f.dataset_reloaded {
            // The text and outline are the file's; the dataset is today's built-in one.
            assert_eq!(
                counts[..3],
                counts_before[..3],
                "{}: {RECORD_TABLES:?}",
                f.file
            );
            let today = record_counts(default.connection());
            assert_eq!(counts[3..], today[3..], "{}: {RECORD_TABLES:?}", f.file);
        } else {
            // Version 9 adds the records curated since (十大工程 projects, zones): a fixture
            // holds only built-in data, so those tables end up as today's built-in ones.
            let today = record_counts(default.connection());
            for (i, table) in RECORD_TABLES.iter().enumerate() {
                let expected = if ["project", "place"].contains(table) {
                    today[i]
                } else {
                    counts_before[i]
                };
                assert_eq!(counts[i], expected, "{}: {table}", f.file);
            }
        }

        // Every sentence is filled, holds its quote, and is the one the seed loader gives
        // the same quote today.
        let migrated = sentences(conn);
        let mut same_as_default = 0;
        for (table, key, quote, sentence) in &migrated {
            assert!(
                !sentence.is_empty() && sentence.contains(quote.as_str()),
                "{}: {table} {key}: sentence {sentence:?} for quote {quote:?}",
                f.file
            );
            if let Some(d) = default_sentences
                .iter()
                .find(|d| (&d.0, &d.1, &d.2) == (table, key, quote))
            {
                assert_eq!(&d.3, sentence, "{}: {table} {key}", f.file);
                same_as_default += 1;
            }
        }
        assert!(
            same_as_default * 10 >= migrated.len() * 9,
            "{}: only {same_as_default} of {} records compared with the default data",
            f.file,
            migrated.len()
        );
        if let Some(before) = sentences_before {
            // Records version 9 added (curated since the file was made) are new; every record
            // the file had keeps its sentence.
            let kept: Vec<_> = migrated
                .iter()
                .filter(|m| before.iter().any(|b| (&b.0, &b.1) == (&m.0, &m.1)))
                .cloned()
                .collect();
            assert_eq!(kept, before, "{}: the sentences the file had", f.file);
        }

        // The search index matches one built afresh from the migrated records.
        let opts = govreport::SearchOptions::default();
        let hits = |db: &Db, q: &str| -> Vec<(String, i64)> {
            db.search(q, &opts)
                .unwrap()
                .into_iter()
                .map(|h| (h.kind, h.id))
                .collect()
        };
        let found: Vec<_> = ["生产总值", "项目", "乡村"]
            .iter()
            .map(|q| hits(&db, q))
            .collect();
        assert!(found.iter().all(|h| !h.is_empty()), "{}: {found:?}", f.file);
        let mut db = db;
        let tx = db.connection_mut().transaction().unwrap();
        govreport::search::rebuild_index(&tx).unwrap();
        tx.commit().unwrap();
        let rebuilt: Vec<_> = ["生产总值", "项目", "乡村"]
            .iter()
            .map(|q| hits(&db, q))
            .collect();
        assert_eq!(found, rebuilt, "{}: search index after migration", f.file);
        drop(db);

        // The progress history is kept as it was, every column of every record; version 10
        // then takes records on commitments and still refuses unknown subjects.
        assert_eq!(
            progress_rows(&path),
            progress_before,
            "{}: progress",
            f.file
        );
        let mut db = Db::open(&path).unwrap();
        let n = progress_before.len();
        let commitment = db
            .add_progress(&govreport::tracking::NewProgress {
                progress_text: Some("SYNTHETIC: 已完成选址".into()),
                ..govreport::tracking::NewProgress::commitment(
                    11,
                    "2024-06",
                    govreport::tracking::WorkStatus::InProgress,
                )
            })
            .unwrap();
        assert_eq!(
            db.progress(commitment).unwrap().work_status,
            Some(govreport::tracking::WorkStatus::InProgress),
            "{}",
            f.file
        );
        let raw_insert = "INSERT INTO progress (subject_kind, subject_id, period, period_end,
                          cumulative, reported_at, work_status)
                          VALUES ('commitment', ?1, '2024-06', '2024-06-30', 0, '2024-07-01', ?2)";
        for (id, status) in [(99_999, "done"), (11, "finished")] {
            assert!(
                db.connection()
                    .execute(raw_insert, rusqlite::params![id, status])
                    .is_err(),
                "{}: commitment {id}, {status}",
                f.file
            );
        }
        let total: i64 = db
            .connection()
            .query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
            .unwrap();
        assert_eq!(total, n as i64 + 1, "{}", f.file);
        drop(db);

        // Migrated once: reopening writes nothing.
        let bytes = std::fs::read(&path).unwrap();
        drop(Db::open(&path).unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{}: reopening wrote",
            f.file
        );
    }
}

/// SHA-256 (FIPS 180-4), so that the frozen digests can be checked with `sha256sum`.
mod sha256 {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    /// The digest of `data` as 64 lowercase hex digits.
    pub fn hex(data: &[u8]) -> String {
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut message = data.to_vec();
        message.push(0x80);
        while message.len() % 64 != 56 {
            message.push(0);
        }
        message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for block in message.chunks(64) {
            let mut w = [0u32; 64];
            for (i, word) in block.chunks(4).enumerate() {
                w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
            for i in 0..64 {
                let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
                let ch = (e & f) ^ (!e & g);
                let t1 = hh
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
                let maj = (a & b) ^ (a & c) ^ (b & c);
                let t2 = s0.wrapping_add(maj);
                hh = g;
                g = f;
                f = e;
                e = d.wrapping_add(t1);
                d = c;
                c = b;
                b = a;
                a = t1.wrapping_add(t2);
            }
            for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
                *x = x.wrapping_add(y);
            }
        }
        h.iter().map(|x| format!("{x:08x}")).collect()
    }
}

#[test]
fn a_file_that_cannot_use_wal_is_refused_with_what_to_do() {
    // SQLite's `unix-dotfile` VFS has no shared memory, so WAL mode is out of reach: the same
    // as a network file system.
    let dir = TempDir::new("no-wal");
    let path = dir.file("office.db");
    let uri = format!("file:{}?vfs=unix-dotfile", path.display());
    let err = Db::open(&uri).unwrap_err();
    match &err {
        Error::JournalMode { found, .. } => assert_ne!(found.to_lowercase(), "wal"),
        other => panic!("expected JournalMode, got {other:?}"),
    }
    assert!(err.to_string().contains("local disk"), "{err}");
    // Refused before anything was written: no schema, no data.
    let conn = Connection::open(&path).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0);
}

#[test]
fn a_record_whose_quote_is_not_where_it_says_fails_the_migration_whole() {
    let dir = TempDir::new("bad-quote");
    let f = &FIXTURES[2];
    assert!(!f.has_sentence && f.version == 5);
    let path = fixture_copy(&dir, f);
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE figure SET quote_start = quote_start + 1 WHERE kind = 'target' AND id = 1",
            [],
        )
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Db::open(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Data(_)), "{err:?}");
    for part in ["schema version 6", "figure", "quote_start", "open it again"] {
        assert!(message.contains(part), "{message}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file changed");
    let v: i64 = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 5);
}
