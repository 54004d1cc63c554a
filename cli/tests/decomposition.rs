//! `govreport decomposition draft|import` run as a user runs it: the draft in both formats
//! from the built-in database, a SYNTHETIC filled table imported into a file database (and
//! again, changing nothing), and bad input — each with a message on stderr, the documented
//! exit code and nothing changed.

mod common;

use common::{TempDir, fails, govreport, init, json, ok, s};

use govreport::commitments::decomposition::synthetic::{encode_filled, filled_rows};
use govreport::{Db, FileFormat, OpenMode};

fn formats() -> Vec<(&'static str, FileFormat)> {
    let mut f = vec![("csv", FileFormat::Csv)];
    if xlsx_built() {
        f.push(("xlsx", FileFormat::Xlsx));
    }
    f
}

/// Whether the library was built with XLSX support (the command's default features).
fn xlsx_built() -> bool {
    Db::open_default()
        .unwrap()
        .decomposition_draft_bytes(1, FileFormat::Xlsx)
        .is_ok()
}

#[test]
fn draft_writes_both_formats_from_the_built_in_database() {
    let dir = TempDir::new("decomposition-draft");
    for (ext, format) in formats() {
        let out = dir.path(&format!("draft.{ext}"));
        let o = govreport(&["decomposition", "draft", s(&out)]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.is_empty(), "messages go to stderr");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains("143 rows") && stderr.contains("decomposition import"),
            "{stderr}"
        );
        let bytes = std::fs::read(&out).unwrap();
        let library = Db::open_default()
            .unwrap()
            .decomposition_draft_bytes(1, format)
            .unwrap();
        match format {
            // The same bytes as the library's draft.
            FileFormat::Csv => assert_eq!(bytes, library),
            // A workbook (its metadata holds the time it was made).
            FileFormat::Xlsx => assert!(bytes.starts_with(b"PK\x03\x04")),
        }
        // An existing file is refused and left as it was.
        let m = fails(&["decomposition", "draft", s(&out)], 1);
        assert!(m.contains("exists"), "{m}");
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
    }
    let csv = std::fs::read_to_string(dir.path("draft.csv")).unwrap();
    assert_eq!(csv.lines().count(), 144);
    assert!(csv.contains("\n一.1,（一）"));
    // --report and the extension.
    let m = fails(
        &[
            "decomposition",
            "draft",
            s(&dir.path("r.csv")),
            "--report",
            "99",
        ],
        1,
    );
    assert!(m.contains("report 99"), "{m}");
    assert!(!dir.path("r.csv").exists());
    let m = fails(&["decomposition", "draft", s(&dir.path("draft.pdf"))], 1);
    assert!(m.contains(".xlsx or .csv"), "{m}");
    fails(&["decomposition", "draft"], 2);
    fails(
        &["decomposition", "draft", s(&dir.path("no/such/dir.csv"))],
        5,
    );
}

#[test]
fn import_reads_a_filled_table_into_the_file_and_again_changes_nothing() {
    for (ext, format) in formats() {
        let dir = TempDir::new(&format!("decomposition-import-{ext}"));
        let db = init(&dir);
        let rows = filled_rows(&Db::open_default().unwrap(), 1, 21).unwrap();
        let filled = dir.path(&format!("filled.{ext}"));
        std::fs::write(&filled, encode_filled(&rows, format).unwrap()).unwrap();
        let args = [
            "--db",
            s(&db),
            "--format",
            "json",
            "decomposition",
            "import",
            s(&filled),
        ];
        let summary = json(&args);
        assert_eq!(summary[0]["created"], 143, "{summary}");
        assert_eq!(summary[0]["rows_read"], 143);
        assert_eq!(summary[0]["source"], format!("filled.{ext}"));

        let lib = Db::open_with(&db, OpenMode::ReadOnly).unwrap();
        let tasks = lib.tasks(Some(1)).unwrap();
        assert_eq!(tasks.len(), 143);
        let first = tasks
            .iter()
            .find(|t| t.title == rows[0].task)
            .expect("the task of 目标.1");
        let lead = rows[0].lead.split(['、', '，']).next().unwrap();
        assert_eq!(
            first.lead_unit.as_ref().map(|u| u.name.as_str()),
            Some(lead)
        );
        assert_eq!(first.leader.as_deref(), Some(rows[0].leader.as_str()));
        drop(lib);

        // The same file again: nothing created or updated, every task row as it was.
        let before = task_rows(&db);
        let again = govreport(&args);
        assert_eq!(again.status.code(), Some(0));
        let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(
            (
                &again[0]["created"],
                &again[0]["updated"],
                &again[0]["unchanged"]
            ),
            (&0.into(), &0.into(), &143.into())
        );
        assert_eq!(task_rows(&db), before);
        // The table form prints too.
        let table = ok(&[
            "--db",
            s(&db),
            "--format",
            "table",
            "decomposition",
            "import",
            s(&filled),
        ]);
        assert!(
            table.contains("unchanged") && table.contains("143"),
            "{table}"
        );
    }
}

/// Every task, unit and supporting-unit row of a database file, as text.
fn task_rows(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT * FROM task ORDER BY id",
        "SELECT * FROM org_unit ORDER BY id",
        "SELECT * FROM task_support_org_unit ORDER BY 1, 2",
    ] {
        let mut st = conn.prepare(sql).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

#[test]
fn a_bad_table_fails_with_every_problem_and_changes_nothing() {
    let dir = TempDir::new("decomposition-bad");
    let db = init(&dir);
    let mut rows = filled_rows(&Db::open_default().unwrap(), 1, 4).unwrap();
    rows[0].serial = "十一.1".into();
    rows[2].deadline = "尽快".into();
    rows[5].task.push_str("（合成测试乙局牵头）");
    rows[5].lead = "合成测试甲局".into();
    let bad = dir.path("bad.csv");
    std::fs::write(&bad, encode_filled(&rows, FileFormat::Csv).unwrap()).unwrap();
    let before = std::fs::read(&db).unwrap();
    let m = fails(&["--db", s(&db), "decomposition", "import", s(&bad)], 1);
    for want in [
        "3 problem(s), nothing imported",
        "row 3, column 序号",
        "十一.1",
        "row 5, column 完成时限",
        "尽快",
        "row 8, column 牵头单位",
        "all-or-nothing",
    ] {
        assert!(m.contains(want), "{want}: {m}");
    }
    assert!(!m.contains("--skip-bad-rows"), "not an option here: {m}");
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // A missing file (5), no --db (1), a missing database (5).
    let m = fails(
        &[
            "--db",
            s(&db),
            "decomposition",
            "import",
            s(&dir.path("none.csv")),
        ],
        5,
    );
    assert!(m.contains("none.csv"), "{m}");
    let good = dir.path("good.csv");
    std::fs::write(
        &good,
        encode_filled(
            &filled_rows(&Db::open_default().unwrap(), 1, 4).unwrap(),
            FileFormat::Csv,
        )
        .unwrap(),
    )
    .unwrap();
    assert!(fails(&["decomposition", "import", s(&good)], 1).contains("--db FILE"));
    let missing = dir.path("missing.db");
    fails(
        &["--db", s(&missing), "decomposition", "import", s(&good)],
        5,
    );
    assert!(!missing.exists());
    assert!(
        fails(
            &[
                "--db",
                s(&db),
                "decomposition",
                "import",
                s(&good),
                "--report",
                "99"
            ],
            1
        )
        .contains("report 99")
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // A read-only database file: refused (7), its bytes as they were.
    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms.clone()).unwrap();
    let m = fails(&["--db", s(&db), "decomposition", "import", s(&good)], 7);
    assert!(m.contains("read-only"), "{m}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Drafting only reads: it works on the read-only file.
    let out = dir.path("from-readonly.csv");
    ok(&["--db", s(&db), "decomposition", "draft", s(&out)]);
    assert!(out.exists());
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&db, perms).unwrap();
}
