//! Schema versions: create -> reopen, migrate an older file, refuse a newer one untouched.

use std::path::{Path, PathBuf};

use govreport::{Db, Error, OpenMode, SCHEMA_VERSION};
use rusqlite::Connection;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "govreport-test-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `(type, name, sql)` of every schema object, to compare schemas.
fn schema_of(conn: &Connection) -> Vec<(String, String, String)> {
    let mut st = conn
        .prepare(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .unwrap();
    st.query_map([], |r| {
        let sql: String = r.get(2)?;
        // Compare statements, not the comments and layout around them.
        let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok((r.get(0)?, r.get(1)?, sql))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
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

/// A real version-1 file: the current file with the dataset dropped, checked against the
/// version-1 schema kept in tests/fixtures.
fn make_v1_file(path: &Path) {
    drop(Db::open(path).unwrap());
    let conn = Connection::open(path).unwrap();
    // Tables are dropped in name order, parents before children (org_unit before task).
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    for t in DATASET_TABLES {
        conn.execute_batch(&format!("DROP TABLE {t}")).unwrap();
    }
    // Later versions may add more than the dataset; drop whatever the fixture lacks.
    let fixture = Connection::open_in_memory().unwrap();
    fixture
        .execute_batch(include_str!("fixtures/schema_v1.sql"))
        .unwrap();
    let v1_names: Vec<String> = schema_of(&fixture).into_iter().map(|(_, n, _)| n).collect();
    for (kind, name, _) in schema_of(&conn) {
        if kind == "table" && !v1_names.contains(&name) {
            conn.execute_batch(&format!("DROP TABLE IF EXISTS \"{name}\""))
                .unwrap();
        }
    }
    conn.pragma_update(None, "user_version", 1).unwrap();
    assert_eq!(schema_of(&conn), schema_of(&fixture));
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
fn version_one_plus_migrations_is_the_current_schema() {
    let fresh = Connection::open_in_memory().unwrap();
    fresh.execute_batch(govreport::db::SCHEMA_SQL).unwrap();
    let migrated = Connection::open_in_memory().unwrap();
    migrated
        .execute_batch(include_str!("fixtures/schema_v1.sql"))
        .unwrap();
    for (_, sql) in govreport::db::MIGRATIONS {
        migrated.execute_batch(sql).unwrap();
    }
    assert_eq!(schema_of(&migrated), schema_of(&fresh));
    assert_eq!(
        govreport::db::MIGRATIONS.last().unwrap().0,
        SCHEMA_VERSION,
        "the last migration reaches the current version"
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
