//! The database file as other SQLite tools see it: the published copy, read-only users, the
//! views, search from plain SQL with the system `sqlite3` CLI (Debian's package `sqlite3`),
//! run as a user who cannot write the files' directory (README.md, "Other tools").

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, fails, init, json, ok, s};

/// Whether the tests run as root (then readers run as `nobody` through `setpriv`).
fn running_as_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// Runs `program args` as a user who cannot write `dir`: as root, as `nobody` (uid 65534)
/// through util-linux's `setpriv`; otherwise as the current user, with `dir` made read-only
/// for the duration of the call.
fn as_reader(dir: &Path, program: &str, args: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    if running_as_root() {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(program)
            .args(args)
            .output()
            .expect("setpriv (util-linux) runs: install it to run this test as root");
        return out;
    }
    let mode = std::fs::metadata(dir).unwrap().permissions().mode();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = Command::new(program).args(args).output();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    out.unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

/// `as_reader` that expects success; returns stdout.
fn read_ok(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = as_reader(dir, program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} as a reader: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The system `sqlite3` CLI, as a reader, one statement; stdout trimmed.
fn sqlite3(dir: &Path, db: &str, sql: &str) -> String {
    read_ok(dir, "sqlite3", &[db, sql]).trim().to_string()
}

const GOVREPORT: &str = env!("CARGO_BIN_EXE_govreport");

/// The README's search-in-SQL form: the query written as the phrase of its bigrams.
const SEARCH_SQL: &str = "SELECT count(*) FROM search_index s JOIN search_document d \
     ON d.key = s.rowid WHERE search_index MATCH '\"乡村 村振 振兴\"' AND d.kind = 'paragraph'";

#[test]
fn a_published_file_reads_in_the_sqlite3_cli_as_a_user_who_cannot_write() {
    let dir = TempDir::new("tools-published");
    let published = dir.path("yanshi.db");
    ok(&["publish", s(&published)]);
    let db = s(&published);
    let dir_path = dir.dir();
    // The views.
    assert_eq!(sqlite3(dir_path, db, "SELECT count(*) FROM target"), "107");
    assert_eq!(sqlite3(dir_path, db, "SELECT count(*) FROM result"), "129");
    assert_eq!(
        sqlite3(dir_path, db, "SELECT metric FROM target WHERE id = 1"),
        "地区生产总值增速"
    );
    // Search in plain SQL finds exactly the paragraphs that contain the words.
    let like = sqlite3(
        dir_path,
        db,
        "SELECT count(*) FROM paragraph WHERE text LIKE '%乡村振兴%'",
    );
    assert_eq!(like, "7");
    assert_eq!(sqlite3(dir_path, db, SEARCH_SQL), like);
    // A two-character query is one bigram.
    assert_eq!(
        sqlite3(
            dir_path,
            db,
            "SELECT count(*) FROM search_index s JOIN search_document d ON d.key = s.rowid \
             WHERE search_index MATCH '\"储能\"'"
        ),
        sqlite3(
            dir_path,
            db,
            "SELECT count(*) FROM search_document WHERE text LIKE '%储能%'"
        )
    );
    // govreport reads it as the same user.
    let info = read_ok(
        dir_path,
        GOVREPORT,
        &["--db", db, "--format", "json", "info"],
    );
    assert!(info.contains("洛阳市偃师区"), "{info}");
}

#[test]
fn a_wal_file_opens_read_only_for_a_user_who_cannot_write_its_directory() {
    let dir = TempDir::new("tools-wal");
    let file = init(&dir);
    let db = s(&file);
    let dir_path = dir.dir();
    let mode: String = rusqlite::Connection::open(&file)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(
        !dir.path("office.db-wal").exists(),
        "the writer has closed it"
    );
    // Plain SQLite cannot: it must create the -shm file.
    let plain = as_reader(
        dir_path,
        "sqlite3",
        &["-readonly", db, "SELECT count(*) FROM target"],
    );
    assert!(
        !plain.status.success(),
        "plain read-only open of a WAL file fails"
    );
    // SQLite's immutable open can (the README's line for other tools) …
    let uri = format!("file:{db}?immutable=1");
    assert_eq!(
        sqlite3(dir_path, &uri, "SELECT count(*) FROM target"),
        "107"
    );
    // … and govreport falls back to it.
    let headline = read_ok(
        dir_path,
        GOVREPORT,
        &["--db", db, "targets", "--headline", "--format", "json"],
    );
    let headline: serde_json::Value = serde_json::from_str(&headline).unwrap();
    assert_eq!(
        headline,
        json(&["targets", "--headline", "--format", "json"])
    );
    assert!(
        !dir.path("office.db-shm").exists(),
        "nothing written beside it"
    );
    // A write as that user is refused with the read-only exit code, nothing changed.
    let out = as_reader(dir_path, GOVREPORT, &["--db", db, "rebuild-search-index"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_reader_who_cannot_write_sees_a_live_writers_commits() {
    let dir = TempDir::new("tools-live");
    let file = init(&dir);
    let db = s(&file);
    let dir_path = dir.dir();
    // The writer keeps the file open with its commit still in the -wal file.
    let writer = govreport::Db::open(&file).unwrap();
    writer
        .connection()
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0; INSERT INTO org_unit(name) VALUES ('区测试局')",
        )
        .unwrap();
    assert!(std::fs::metadata(dir.path("office.db-wal")).unwrap().len() > 0);
    let out = read_ok(
        dir_path,
        GOVREPORT,
        &[
            "--db",
            db,
            "--format",
            "json",
            "query",
            "SELECT count(*) AS n FROM org_unit",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows, serde_json::json!([{"n": 1}]));
    drop(writer);
}

#[test]
fn publish_writes_a_file_plain_sqlite_opens_read_only() {
    let dir = TempDir::new("publish");
    let db = init(&dir);
    ok(&[
        "--db",
        s(&db),
        "progress",
        "add",
        "--target",
        "2",
        "--period",
        "2024-03",
        "--value",
        "1",
        "--unit",
        "%",
        "--reported-at",
        "2024-04-01",
    ]);
    let out = dir.path("published.db");
    ok(&["--db", s(&db), "publish", s(&out)]);
    let conn =
        rusqlite::Connection::open_with_flags(&out, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    assert!(!dir.path("published.db-wal").exists());
    // The published file reads like the source.
    assert_eq!(
        json(&["--db", s(&out), "targets", "--headline", "--format", "json"]),
        json(&["targets", "--headline", "--format", "json"])
    );
    let before = std::fs::read(&out).unwrap();
    assert!(fails(&["publish", s(&out)], 1).contains("exists"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // The built-in database publishes too.
    let default = dir.path("default.db");
    ok(&["publish", s(&default)]);
    assert!(default.is_file());
}

#[test]
fn rebuild_search_index_on_a_file() {
    let dir = TempDir::new("reindex");
    let db = init(&dir);
    // Edit a paragraph with plain SQL, as another tool would; the index is stale until rebuilt.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE paragraph SET text = text || '量子隧穿' WHERE id = (SELECT min(id) FROM paragraph)",
        [],
    )
    .unwrap();
    drop(conn);
    let find = || json(&["--db", s(&db), "--format", "json", "search", "量子隧穿"]);
    assert_eq!(find().as_array().unwrap().len(), 0, "stale index");
    ok(&["--db", s(&db), "rebuild-search-index"]);
    assert_eq!(
        find().as_array().unwrap().len(),
        1,
        "found after the rebuild"
    );
    assert!(fails(&["rebuild-search-index"], 1).contains("--db FILE"));
}
