//! Durability of on-disk databases (WAL + busy timeout, one transaction per write):
//!
//! * a process SIGKILLed in the middle of a 200,000-record import leaves the file intact
//!   (`PRAGMA integrity_check` = ok) with all or none of the import;
//! * two processes appending progress at the same time lose no record;
//! * eight processes creating the same new file at once all succeed, with one initialized
//!   file (20 trials).
//!
//! The child processes are this test binary itself, re-run on the hidden test
//! `child_process` with `GOVREPORT_DURABILITY_CHILD` set (no extra binary to build).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use govreport::tracking::NewProgress;
use govreport::{Db, OpenMode};
use rusqlite::Connection;

mod common;
use common::TempDir;

const CHILD_ENV: &str = "GOVREPORT_DURABILITY_CHILD";
const DB_ENV: &str = "GOVREPORT_DURABILITY_DB";
const IMPORT_SIZE: usize = 200_000;
const APPENDS: usize = 2_000;
const CREATORS: usize = 8;
const CREATE_TRIALS: usize = 20;

/// Real targets of the built-in report with their units (城镇新增就业7400人 …).
const TARGETS: &[(i64, &str)] = &[
    (10, "人"),
    (901, "人"),
    (502, "亿斤"),
    (308, "亿元"),
    (1, "%"),
];

fn record(i: usize, writer: &str) -> NewProgress {
    let (id, unit) = TARGETS[i % TARGETS.len()];
    let month = i / TARGETS.len() % 12 + 1;
    NewProgress {
        reported_by: Some(writer.to_string()),
        progress_text: Some(format!("第{i}条")),
        ..NewProgress::target(id, &format!("2024-{month:02}"), i as f64, unit)
    }
}

/// The child side: does nothing in a normal test run.
#[test]
fn child_process() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    let path = PathBuf::from(std::env::var(DB_ENV).unwrap());
    if mode == "create" {
        return create_trials(&path);
    }
    let mut db = Db::open_with(&path, OpenMode::ReadWrite).unwrap();
    match mode.as_str() {
        // One transaction of IMPORT_SIZE records; "pause": stop half-way and wait to be killed.
        "import" | "pause" => {
            let mut batch = db.progress_batch().unwrap();
            println!("STARTED");
            for i in 0..IMPORT_SIZE {
                batch.append(&record(i, "import")).unwrap();
                if i == IMPORT_SIZE / 2 && mode == "pause" {
                    println!("MIDWAY");
                    std::thread::sleep(Duration::from_secs(120));
                }
            }
            batch.commit().unwrap();
            println!("COMMITTED");
        }
        // APPENDS records, each in its own transaction, once the parent says go.
        writer => {
            println!("READY");
            let go = path.with_extension("go");
            // Bounded: a child whose parent died gives up instead of waiting forever.
            let waiting = Instant::now();
            while !go.exists() {
                assert!(
                    waiting.elapsed() < Duration::from_secs(120),
                    "no go from the parent"
                );
                std::thread::sleep(Duration::from_millis(2));
            }
            for i in 0..APPENDS {
                append_retrying_busy(&mut db, &record(i, writer));
            }
            println!("DONE");
        }
    }
}

/// The child side of the creation race: for each trial, waits for the parent's go file, then
/// opens the trial's new path with CREATE at the same moment as the other children, and
/// prints `TRIAL t OK` or `TRIAL t ERR message`.
fn create_trials(dir: &Path) {
    for t in 0..CREATE_TRIALS {
        let go = dir.join(format!("go-{t}"));
        let waiting = Instant::now();
        while !go.exists() {
            assert!(
                waiting.elapsed() < Duration::from_secs(120),
                "no go from the parent"
            );
            std::thread::yield_now();
        }
        match Db::open_with(dir.join(format!("new-{t}.db")), OpenMode::Create) {
            Ok(db) => {
                let reports = db.reports().map(|r| r.len());
                drop(db);
                println!("TRIAL {t} OK {reports:?}");
            }
            Err(e) => println!("TRIAL {t} ERR {e}"),
        }
    }
}

/// One append, retried while the database is busy, as the API tells callers to do: a busy
/// timeout that runs out on a loaded machine is an answer ("retry"), not a lost record.
fn append_retrying_busy(db: &mut Db, record: &NewProgress) {
    let started = Instant::now();
    loop {
        match db.add_progress(record) {
            Ok(_) => return,
            Err(govreport::Error::Sqlite(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() < Duration::from_secs(120) =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("append failed: {e}"),
        }
    }
}

fn spawn(mode: &str, db: &Path) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, mode)
        .env(DB_ENV, db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

/// Reads the child's output until a line ends with `word` (libtest writes `test
/// child_process ... ` before the test's own output, on the same line).
fn wait_for(out: &mut BufReader<ChildStdout>, word: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "child ended before {word}"
        );
        if line.trim_end().ends_with(word) {
            return;
        }
    }
}

fn check_intact(path: &Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    conn.query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
        .unwrap()
}

fn new_office_db(dir: &TempDir) -> PathBuf {
    let path = dir.file("office.db");
    let db = Db::open(&path).unwrap();
    let mode: String = db
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "on-disk databases use WAL");
    path
}

#[test]
fn sigkill_in_the_middle_of_an_import_leaves_the_file_intact_and_the_import_absent() {
    let dir = TempDir::new("kill");
    let path = new_office_db(&dir);
    let (mut child, mut out) = spawn("pause", &path);
    wait_for(&mut out, "MIDWAY");
    // Half the import is written to the WAL (uncommitted frames) when the process dies.
    let wal = std::fs::metadata(path.with_extension("db-wal"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        wal > 1_000_000,
        "the open transaction spilled to the WAL ({wal} bytes)"
    );
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert_eq!(check_intact(&path), 0, "none of the import");
    // The file is still a working govreport database.
    let mut db = Db::open_with(&path, OpenMode::ReadWrite).unwrap();
    db.add_progress(&record(0, "after")).unwrap();
}

#[test]
fn sigkill_at_any_moment_leaves_all_or_none_of_the_import() {
    let dir = TempDir::new("kill-any");
    let path = new_office_db(&dir);
    let mut seen = Vec::new();
    // Kill at growing delays after the import starts; the last run is let finish.
    for delay_ms in [0u64, 50, 300, 900, u64::MAX] {
        let (mut child, mut out) = spawn("import", &path);
        wait_for(&mut out, "STARTED");
        if delay_ms == u64::MAX {
            wait_for(&mut out, "COMMITTED");
            child.wait().unwrap();
        } else {
            std::thread::sleep(Duration::from_millis(delay_ms));
            child.kill().unwrap();
            child.wait().unwrap();
        }
        let before: i64 = seen.last().copied().unwrap_or(0);
        let n = check_intact(&path);
        assert!(
            n == before || n == before + IMPORT_SIZE as i64,
            "after a kill at {delay_ms} ms: {n} records (before: {before})"
        );
        seen.push(n);
    }
    assert_eq!(*seen.last().unwrap() % IMPORT_SIZE as i64, 0);
    assert!(
        *seen.last().unwrap() >= IMPORT_SIZE as i64,
        "the finished import is all there"
    );
}

#[test]
fn two_processes_appending_at_once_lose_no_record() {
    let dir = TempDir::new("concurrent");
    let path = new_office_db(&dir);
    let started = Instant::now();
    let (mut a, mut out_a) = spawn("writer-a", &path);
    let (mut b, mut out_b) = spawn("writer-b", &path);
    wait_for(&mut out_a, "READY");
    wait_for(&mut out_b, "READY");
    std::fs::write(path.with_extension("go"), b"go").unwrap();
    wait_for(&mut out_a, "DONE");
    wait_for(&mut out_b, "DONE");
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    assert_eq!(check_intact(&path), 2 * APPENDS as i64);
    let conn = Connection::open(&path).unwrap();
    for writer in ["writer-a", "writer-b"] {
        let (n, distinct, sum): (i64, i64, f64) = conn
            .query_row(
                "SELECT count(*), count(DISTINCT value), sum(value) FROM progress
                 WHERE reported_by = ?1",
                [writer],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let expected = (APPENDS * (APPENDS - 1) / 2) as f64;
        assert_eq!(
            (n, distinct, sum),
            (APPENDS as i64, APPENDS as i64, expected),
            "{writer}"
        );
    }
    // The two writers really overlapped: their ids interleave.
    let switches: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT reported_by,
                    lag(reported_by) OVER (ORDER BY id) AS prev FROM progress)
             WHERE prev IS NOT NULL AND prev <> reported_by",
            [],
            |r| r.get(0),
        )
        .unwrap();
    eprintln!(
        "two writers: {} records in {:?}, {switches} hand-overs",
        2 * APPENDS,
        started.elapsed()
    );
}

/// Reads the child's lines until the one that reports trial `t`, and returns what follows it.
fn trial_result(out: &mut BufReader<ChildStdout>, t: usize) -> String {
    let tag = format!("TRIAL {t} ");
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "child ended before trial {t}"
        );
        if let Some(at) = line.find(&tag) {
            return line[at + tag.len()..].trim_end().to_string();
        }
    }
}

#[test]
fn eight_processes_creating_one_new_file_at_once_all_succeed() {
    let dir = TempDir::new("create-race");
    let started = Instant::now();
    let mut children: Vec<_> = (0..CREATORS).map(|_| spawn("create", dir.path())).collect();
    let mut failures = Vec::new();
    for t in 0..CREATE_TRIALS {
        std::fs::write(dir.file(&format!("go-{t}")), b"go").unwrap();
        for (c, (_, out)) in children.iter_mut().enumerate() {
            let result = trial_result(out, t);
            // Every opener sees the one built-in report.
            if result != "OK Ok(1)" {
                failures.push(format!("trial {t}, process {c}: {result}"));
            }
        }
        let path = dir.file(&format!("new-{t}.db"));
        let conn = Connection::open(&path).unwrap();
        let (version, reports): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM report)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (version, reports),
            (govreport::SCHEMA_VERSION, 1),
            "trial {t}"
        );
        drop(conn);
        check_intact(&path);
    }
    for (child, _) in &mut children {
        assert!(child.wait().unwrap().success());
    }
    assert!(
        failures.is_empty(),
        "{} of {} opens failed:\n{}",
        failures.len(),
        CREATORS * CREATE_TRIALS,
        failures.join("\n")
    );
    eprintln!(
        "{CREATORS} processes x {CREATE_TRIALS} trials: 0 failures in {:?}",
        started.elapsed()
    );
}
