//! Scripted SQL that cannot hurt the host (issue 10): the authorizer, the limits, interrupts
//! and open cursors, integers in `params_json`. Each test is a regression test of a defect of
//! the issue (numbered as there).

mod common;

use std::time::Duration;

use govreport::query::{Params, QueryLimits};
use govreport::{Db, Error};
use rusqlite::ErrorCode;

fn code(e: &Error) -> Option<ErrorCode> {
    match e {
        Error::Sqlite(s) => s.sqlite_error_code(),
        _ => None,
    }
}

fn assert_refused(e: &Error, names: &str, what: &str) {
    assert_eq!(code(e), Some(ErrorCode::ReadOnly), "{what}: {e}");
    assert!(
        e.to_string().contains(names),
        "{what}: {e} should name {names}"
    );
}

/// The header's file change counter (bytes 24..28) and the whole file.
fn file_state(path: &std::path::Path) -> (u32, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    (u32::from_be_bytes(bytes[24..28].try_into().unwrap()), bytes)
}

/// Escape attempts: each must be refused before it runs.
const ESCAPES: &[(&str, Option<&str>, &str)] = &[
    (
        "SELECT hex(fts3_tokenizer(?1)) AS p",
        Some(r#"["simple"]"#),
        "fts3_tokenizer",
    ),
    (
        "SELECT fts3_tokenizer('simple') AS p",
        None,
        "fts3_tokenizer",
    ),
    (
        "SELECT fts3_tokenizer(?1, ?2) AS p",
        Some(r#"["simple","AAAAAAAA"]"#),
        "fts3_tokenizer",
    ),
    (
        "SELECT fts3_tokenizer('simple', x'4141414141414141') AS p",
        None,
        "fts3_tokenizer",
    ),
    (
        "SELECT load_extension('/tmp/x.so') AS p",
        None,
        "load_extension",
    ),
    ("SELECT fts5(?1) AS p", Some(r#"["x"]"#), "fts5"),
    ("SELECT * FROM pragma_optimize(0x10002)", None, "optimize"),
    ("SELECT 1 AS x FROM pragma_optimize", None, "optimize"),
    (
        "SELECT * FROM pragma_journal_mode('delete')",
        None,
        "journal_mode",
    ),
    ("SELECT * FROM pragma_user_version", None, "user_version"),
    ("SELECT * FROM pragma_query_only(1)", None, "query_only"),
    ("SELECT * FROM dbstat", None, "dbstat"),
    ("SELECT * FROM sqlite_temp_schema", None, "sqlite_temp"),
    (
        "SELECT sqlite_compileoption_get(0) AS o",
        None,
        "sqlite_compileoption_get",
    ),
    (
        "WITH d AS (DELETE FROM figure RETURNING id) SELECT * FROM d",
        None,
        "",
    ),
    (
        "WITH x AS (SELECT 1) DELETE FROM figure RETURNING id",
        None,
        "figure",
    ),
    ("SELECT 1 AS x; /* */ DELETE FROM figure", None, ""),
];

fn try_all(db: &Db) {
    for &(sql, params, names) in ESCAPES {
        let e = db.query_json(sql, params).unwrap_err();
        // Multi-statement tricks are INVALID_ARGUMENT; syntax the parser refuses is an error.
        if !matches!(e, Error::InvalidArgument(_)) && code(&e) != Some(ErrorCode::Unknown) {
            assert_refused(&e, names, sql);
        }
        let p = Params::from_json(params).unwrap();
        match db.cursor_open(sql, &p) {
            Err(e) => {
                if !matches!(e, Error::InvalidArgument(_)) && code(&e) != Some(ErrorCode::Unknown) {
                    assert_refused(&e, names, sql);
                }
            }
            Ok(cur) => {
                // Refused at the first step at the latest (pragma vtabs prepare their pragma
                // then), and nothing has been written before.
                let e = db.cursor_step(cur).unwrap_err();
                assert_refused(&e, names, sql);
                db.cursor_close(cur);
            }
        }
    }
}

#[test]
fn defect_1_fts3_tokenizer_and_other_escapes_are_refused_in_memory() {
    let db = Db::open_default().unwrap();
    try_all(&db);
    // The call through a tokenizer pointer (the issue's SIGBUS) is refused at prepare too.
    let e = db
        .query_json("SELECT token FROM fts3tokenize WHERE input = 'x'", None)
        .unwrap_err();
    assert_refused(&e, "fts3tokenize", "fts3tokenize");
}

#[test]
fn defect_3_no_escape_changes_the_file_or_its_change_counter() {
    let dir = common::TempDir::new("query-escape");
    let path = dir.file("r.db");
    drop(Db::open(&path).unwrap());
    let before = file_state(&path);
    let db = Db::open_with(&path, govreport::db::OpenMode::ReadWrite).unwrap();
    try_all(&db);
    // What is allowed runs, and also leaves the file alone.
    let ok = [
        "SELECT count(*) AS n FROM figure",
        "SELECT name FROM pragma_table_info('figure') LIMIT 1",
        "SELECT key, value FROM json_each('[1,2]')",
        "SELECT rowid FROM search_index WHERE search_index MATCH 'x' LIMIT 1",
        "SELECT round(abs(-2.5)) AS r, row_number() OVER () AS n, date('2024-01-01') AS d",
        "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 5) \
         SELECT sum(v) AS t FROM s",
    ];
    for sql in ok {
        db.query_json(sql, None)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let cur = db.cursor_open(sql, &Params::None).unwrap();
        while db.cursor_step(cur).unwrap() {}
        db.cursor_close(cur);
    }
    drop(db);
    let after = file_state(&path);
    assert_eq!(before.0, after.0, "the change counter moved");
    assert!(before.1 == after.1, "the file's bytes changed");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stats: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stats, 0, "pragma_optimize created statistics tables");
}

#[test]
fn defect_4_zeroblob_and_endless_queries_fail_cleanly_and_fast() {
    let db = Db::open_default().unwrap();
    let e = db
        .query_json("SELECT zeroblob(1000000000) AS z", None)
        .unwrap_err();
    assert!(matches!(e, Error::TooBig(_)), "{e}");
    assert!(e.to_string().contains("max_value_bytes"), "{e}");

    // Many small rows: the JSON size limit, before the memory is spent.
    db.set_query_limits(QueryLimits {
        max_result_bytes: 100_000,
        ..QueryLimits::default()
    })
    .unwrap();
    let e = db
        .query_json(
            "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s) \
             SELECT v, 'padding' AS p FROM s",
            None,
        )
        .unwrap_err();
    assert!(matches!(e, Error::TooBig(_)), "{e}");
    assert!(e.to_string().contains("100000"), "{e}");

    // An endless query without output: the time limit.
    db.set_query_limits(QueryLimits {
        max_time: Duration::from_millis(200),
        ..QueryLimits::default()
    })
    .unwrap();
    let endless = "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s) \
                   SELECT count(*) AS n FROM s";
    let e = db.query_json(endless, None).unwrap_err();
    assert_eq!(code(&e), Some(ErrorCode::OperationInterrupted), "{e}");
    assert!(e.to_string().contains("200 ms"), "{e}");
    let cur = db.cursor_open(endless, &Params::None).unwrap();
    let e = db.cursor_step(cur).unwrap_err();
    assert!(e.to_string().contains("time limit"), "{e}");
    db.cursor_close(cur);
    // The library's own statements are not bounded, and the handle keeps working.
    assert!(db.report().is_ok());
    assert_eq!(
        db.query_json("SELECT 1 AS x", None).unwrap(),
        r#"[{"x":1}]"#
    );

    // SQLite's limits are those of the struct while user SQL is prepared.
    db.set_query_limits(QueryLimits {
        max_sql_bytes: 50,
        ..QueryLimits::default()
    })
    .unwrap();
    let long = format!("SELECT 1 AS x{}", " ".repeat(100));
    assert!(db.query_json(&long, None).is_err());
    db.set_query_limits(QueryLimits::default()).unwrap();
    assert!(db.query_json(&long, None).is_ok());
    assert!(
        db.set_query_limits(QueryLimits {
            max_columns: 0,
            ..QueryLimits::default()
        })
        .is_err()
    );
}

#[test]
fn defect_7_integers_outside_i64_are_invalid_arguments() {
    let db = Db::open_default().unwrap();
    for p in [
        "[18446744073709551615]",
        "[18446744073709551616]",
        "[-9223372036854775809]",
        "[1000000000000000000000000000000]",
        r#"{"a": 9223372036854775808}"#,
    ] {
        let sql = if p.starts_with('{') {
            "SELECT :a AS v"
        } else {
            "SELECT ?1 AS v"
        };
        let e = db.query_json(sql, Some(p)).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{p}: {e}");
        assert!(e.to_string().contains("64-bit"), "{p}: {e}");
    }
    // In range, in strings, or written as REAL: fine.
    assert_eq!(
        db.query_json(
            "SELECT ?1 AS a, ?2 AS b, ?3 AS c, ?4 AS d",
            Some(r#"[9223372036854775807, -9223372036854775808, "18446744073709551616", 1e30]"#)
        )
        .unwrap(),
        r#"[{"a":9223372036854775807,"b":-9223372036854775808,"c":"18446744073709551616","d":1e+30}]"#
    );
}

#[test]
fn defect_8_an_interrupt_stops_the_open_cursor_and_nothing_after() {
    let db = Db::open_default().unwrap();
    let sql = "SELECT id FROM paragraph ORDER BY id";
    let cur = db.cursor_open(sql, &Params::None).unwrap();
    assert!(db.cursor_step(cur).unwrap());
    db.interrupt_handle().interrupt();
    let e = db.cursor_step(cur).unwrap_err();
    assert_eq!(code(&e), Some(ErrorCode::OperationInterrupted), "{e}");
    assert!(
        db.cursor_step(cur).is_err(),
        "the interrupted cursor stays stopped"
    );
    // Later calls are not affected, with the interrupted cursor still open.
    assert_eq!(
        db.query_json("SELECT 1 AS x", None).unwrap(),
        r#"[{"x":1}]"#
    );
    assert!(db.report().is_ok());
    let other = db.cursor_open(sql, &Params::None).unwrap();
    assert!(db.cursor_step(other).unwrap());
    db.cursor_close(other);
    db.cursor_close(cur);

    // An interrupt while nothing runs does nothing.
    db.interrupt_handle().interrupt();
    assert!(db.query_json("SELECT 1 AS x", None).is_ok());

    // From another thread, during an endless query.
    let handle = db.interrupt_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        handle.interrupt();
    });
    let e = db
        .query_json(
            "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s) \
             SELECT count(*) AS n FROM s",
            None,
        )
        .unwrap_err();
    t.join().unwrap();
    assert_eq!(code(&e), Some(ErrorCode::OperationInterrupted), "{e}");
    assert!(db.query_json("SELECT 1 AS x", None).is_ok());
}

#[test]
fn defect_8_a_write_beside_an_open_cursor() {
    let dir = common::TempDir::new("query-cursor-write");
    let path = dir.file("r.db");
    let db = Db::open(&path).unwrap();
    let cur = db
        .cursor_open("SELECT id FROM paragraph ORDER BY id", &Params::None)
        .unwrap();
    assert!(!db.has_active_cursor());
    assert!(db.cursor_step(cur).unwrap());
    assert!(db.has_active_cursor());
    // A write beside the open cursor works (nobody else wrote since it started).
    let write = |db: &Db| {
        db.connection()
            .execute("UPDATE report SET title = title || 'x' WHERE id = 1", [])
    };
    write(&db).unwrap();
    assert!(
        db.cursor_step(cur).unwrap(),
        "the cursor goes on after the write"
    );
    // Another connection writes: the cursor's snapshot is stale, a write is BUSY_SNAPSHOT
    // at once (retrying cannot help while the cursor lives).
    let other = Db::open(&path).unwrap();
    write(&other).unwrap();
    db.set_busy_timeout(Duration::from_millis(10)).unwrap();
    let e = write(&db).unwrap_err();
    assert_eq!(e.sqlite_error().map(|s| s.extended_code), Some(517), "{e}");
    db.cursor_close(cur);
    assert!(!db.has_active_cursor());
    // With the cursor freed the same write works.
    write(&db).unwrap();
}
