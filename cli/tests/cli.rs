//! The `govreport` binary run as a user runs it: every subcommand, its output against the
//! library, and bad input — each with a message on stderr, the documented exit code and
//! nothing changed.

mod common;

use std::process::Command;

use common::{TempDir, fails, govreport, init, json, ok, s};

use govreport::registers::synthetic::{self, ProjectOptions};
use govreport::{Db, FigureFilter, FileFormat, PlaceFilter, PlaceKind, ProjectFilter};
use serde_json::Value;

fn lib_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn help_lists_every_subcommand_and_the_exit_codes() {
    let help = ok(&["--help"]);
    for cmd in [
        "info",
        "targets",
        "results",
        "projects",
        "places",
        "glossary",
        "commitments",
        "due",
        "search",
        "query",
        "export",
        "init",
        "import-register",
        "progress",
        "evaluate",
        "decomposition",
        "lights",
        "bulletin",
        "publish",
        "rebuild-search-index",
    ] {
        assert!(help.contains(&format!("  {cmd} ")), "{cmd} in --help");
    }
    for code in 0..=8 {
        assert!(
            help.contains(&format!("  {code}  ")),
            "exit code {code} in --help"
        );
    }
    assert!(ok(&["--version"]).starts_with("govreport "));
}

#[test]
fn usage_errors_exit_2() {
    assert!(fails(&["targets", "--bogus"], 2).contains("--bogus"));
    assert!(fails(&["no-such-command"], 2).contains("no-such-command"));
    fails(&["due"], 2); // --before is required
    fails(&["search"], 2); // QUERY is required
    fails(&["--format", "xml", "targets"], 2);
    fails(&["targets", "--area", "three"], 2);
    fails(&["progress", "add", "--period", "2024-03"], 2); // no subject
    fails(
        &[
            "progress",
            "add",
            "--target",
            "1",
            "--project",
            "2",
            "--period",
            "2024-03",
        ],
        2,
    );
    fails(&[], 2);
}

#[test]
fn info_counts_every_kind() {
    let db = Db::open_default().unwrap();
    let info = json(&["info", "--format", "json"]);
    assert_eq!(info["database"], "built-in");
    assert_eq!(info["schema_version"], govreport::SCHEMA_VERSION);
    assert_eq!(info["reports"][0]["region"], "洛阳市偃师区");
    let targets = db.targets(&FigureFilter::default()).unwrap().len();
    assert_eq!(info["counts"]["targets"], targets);
    assert_eq!(info["counts"]["glossary"], db.glossary().unwrap().len());
    assert_eq!(info["counts"]["progress"], 0);
    let table = ok(&["info", "--format", "table"]);
    assert!(
        table.contains("洛阳市偃师区") && table.contains("targets"),
        "{table}"
    );
    let csv = ok(&["info", "--format", "csv"]);
    assert!(csv.starts_with("kind,count\n"), "{csv}");
    assert!(csv.contains(&format!("targets,{targets}\n")), "{csv}");
}

#[test]
fn targets_and_results_are_the_librarys_records_with_its_filters() {
    let db = Db::open_default().unwrap();
    let headline = FigureFilter {
        headline_only: true,
        ..Default::default()
    };
    assert_eq!(
        json(&["targets", "--headline", "--format", "json"]),
        lib_json(&db.targets(&headline).unwrap())
    );
    let area = FigureFilter {
        area: Some(3),
        ..Default::default()
    };
    assert_eq!(
        json(&["--format", "json", "results", "--area", "3"]),
        lib_json(&db.results(&area).unwrap())
    );
    let text = FigureFilter {
        text: Some("游客".into()),
        measure: Some(govreport::Measure::Count),
        ..Default::default()
    };
    let listed = json(&[
        "targets",
        "--text",
        "游客",
        "--measure",
        "count",
        "--format",
        "json",
    ]);
    assert_eq!(listed, lib_json(&db.targets(&text).unwrap()));

    // jsonl: one record per line, the same records.
    let jsonl = ok(&["targets", "--headline", "--format", "jsonl"]);
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        Value::Array(lines),
        lib_json(&db.targets(&headline).unwrap())
    );
    // csv: the fields in the record's order, one line per record.
    let csv = ok(&["targets", "--headline", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "id");
    assert_eq!(&header[1], "kind");
    assert_eq!(
        reader.records().count(),
        db.targets(&headline).unwrap().len()
    );
    // table: aligned, with the count.
    let table = ok(&["targets", "--headline", "--format", "table"]);
    assert!(table.contains("地区生产总值增速"), "{table}");
    assert!(
        table
            .trim_end()
            .ends_with(&format!("{} records", db.targets(&headline).unwrap().len()))
    );
}

#[test]
fn a_bad_filter_value_is_bad_input() {
    assert!(fails(&["targets", "--due-before", "2024-13-01"], 1).contains("YYYY-MM-DD"));
    assert!(fails(&["projects", "--due-before", "tomorrow"], 1).contains("--due-before"));
    assert!(fails(&["targets", "--measure", "speed"], 1).contains("--measure"));
    assert!(fails(&["places", "--kind", "city"], 1).contains("--kind"));
    fails(&["places", "--level", "galactic"], 1);
}

#[test]
fn projects_places_and_glossary_follow_the_library() {
    let db = Db::open_default().unwrap();
    let f = ProjectFilter {
        year: Some(2024),
        status: Some("开工".into()),
        ..Default::default()
    };
    assert_eq!(
        json(&[
            "projects", "--year", "2024", "--status", "开工", "--format", "json"
        ]),
        lib_json(&db.projects(&f).unwrap())
    );
    let p = PlaceFilter {
        kind: Some(PlaceKind::Village),
        ..Default::default()
    };
    assert_eq!(
        json(&["places", "--kind", "village", "--format", "json"]),
        lib_json(&db.places(&p).unwrap())
    );
    let all = db.glossary().unwrap();
    assert_eq!(json(&["glossary", "--format", "json"]), lib_json(&all));
    let some = json(&["glossary", "--text", "乡村", "--format", "json"]);
    let some = some.as_array().unwrap();
    assert!(!some.is_empty() && some.len() < all.len());
    assert!(some.iter().all(|g| {
        g["term"].as_str().unwrap().contains("乡村")
            || g["definition"].as_str().unwrap().contains("乡村")
    }));
}

#[test]
fn commitments_are_the_librarys_records_with_its_filters() {
    let db = Db::open_default().unwrap();
    let all = json(&["commitments", "--format", "json"]);
    assert_eq!(all, lib_json(&db.commitments(&Default::default()).unwrap()));
    assert_eq!(all.as_array().unwrap().len(), 143);
    let area = json(&["commitments", "--area", "5", "--format", "json"]);
    assert_eq!(
        area,
        lib_json(
            &db.commitments(&govreport::CommitmentFilter {
                area: Some(5),
                ..Default::default()
            })
            .unwrap()
        )
    );
    let q = json(&[
        "commitments",
        "--part",
        "2",
        "--kind",
        "qualitative",
        "--format",
        "json",
    ]);
    assert_eq!(q.as_array().unwrap().len(), 2);
    let lines = ok(&["commitments", "--text", "小麦", "--format", "jsonl"]);
    assert!(lines.lines().count() >= 1 && lines.contains("国家级小麦育种繁育基地"));
    assert!(fails(&["commitments", "--area", "11"], 1).contains("area"));
    assert!(fails(&["commitments", "--kind", "vague"], 1).contains("quantitative"));
    assert!(fails(&["commitments", "--report", "7"], 1).contains("report"));
}

#[test]
fn due_lists_every_kind_with_a_deadline_in_the_window() {
    let due = json(&["due", "--before", "2024-07-01", "--format", "json"]);
    let items: Vec<(String, i64, String)> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["id"].as_i64().unwrap(),
                d["deadline"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The library's answer (Db::due): the two commitments with stated deadlines before July
    // and their three projects.
    let lib = Db::open_default()
        .unwrap()
        .due(&govreport::DueFilter {
            before: Some("2024-07-01".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(due, lib_json(&lib));
    let s = |k: &str, id: i64, d: &str| (k.to_string(), id, d.to_string());
    assert_eq!(
        items,
        [
            s("commitment", 410, "2024-05-31"),
            s("project", 533, "2024-05-31"),
            s("project", 534, "2024-05-31"),
            s("commitment", 406, "2024-06-30"),
            s("project", 568, "2024-06-30"),
        ]
    );
    let after = json(&[
        "due",
        "--before",
        "2024-07-01",
        "--after",
        "2024-06-01",
        "--kind",
        "project",
        "--format",
        "json",
    ]);
    assert_eq!(after.as_array().unwrap().len(), 1);
    assert_eq!(after[0]["id"], 568);
    let stated = json(&[
        "due",
        "--before",
        "2025-01-01",
        "--kind",
        "commitment",
        "--stated-only",
        "--format",
        "json",
    ]);
    assert_eq!(stated.as_array().unwrap().len(), 6);
    assert!(fails(&["due", "--before", "2024-07-01", "--kind", "planet"], 1).contains("--kind"));
    // Targets come too, in their export shape.
    let db = Db::open_default().unwrap();
    let due_targets = db
        .targets(&FigureFilter {
            due_before: Some("2025-01-01".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(!due_targets.is_empty());
    let year = json(&["due", "--before", "2025-01-01", "--format", "json"]);
    let targets: Vec<&Value> = year
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "target")
        .collect();
    assert_eq!(targets.len(), due_targets.len());
    let deadlines: Vec<&str> = year
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deadline"].as_str().unwrap())
        .collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "by deadline");

    assert!(fails(&["due", "--before", "2024-02-30"], 1).contains("--before"));
    assert!(fails(&["due", "--before", "2024-07-01", "--after", "June"], 1).contains("--after"));
}

#[test]
fn search_finds_with_kind_and_limit() {
    let hits = json(&[
        "search",
        "乡村振兴",
        "--kind",
        "paragraph",
        "--limit",
        "3",
        "--format",
        "json",
    ]);
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert!(hits.iter().all(|h| h["kind"] == "paragraph"));
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("【乡村振兴】")
    );
    let table = ok(&["search", "储能", "--format", "table"]);
    assert!(table.contains("储能"), "{table}");
    assert!(fails(&["search", "储能", "--kind", "planet"], 1).contains("--kind"));
}

#[test]
fn query_runs_read_only_sql_with_parameters() {
    let rows = json(&[
        "query",
        "SELECT id, metric FROM figure WHERE kind = ?1 AND id <= ?2 ORDER BY id",
        "--param",
        "target",
        "--param",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["metric"], "地区生产总值增速");
    // csv keeps the columns in the order of the SELECT.
    let csv = ok(&[
        "query",
        "SELECT metric, id FROM figure WHERE kind = 'target' AND id = 1",
        "--format",
        "csv",
    ]);
    assert_eq!(csv, "metric,id\n地区生产总值增速,1\n");
    let m = fails(&["query", "DELETE FROM figure"], 7);
    assert!(m.contains("error"), "{m}");
    fails(&["query", "SELECT 1; SELECT 2"], 1);
    fails(&["query", "SELECT ?1"], 1); // a parameter without a value
    fails(&["query", "SELECT * FROM no_such_table"], 3);
}

#[test]
fn export_is_the_librarys_document() {
    let db = Db::open_default().unwrap();
    let doc: Value = serde_json::from_str(&db.export_json().unwrap()).unwrap();
    assert_eq!(json(&["export"]), doc);
    let lines = ok(&["export", "--format", "jsonl"]);
    let mut targets = 0;
    for l in lines.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        if v["dataset"] == "targets" {
            targets += 1;
        }
    }
    assert_eq!(targets, doc["targets"].as_array().unwrap().len());
    assert!(fails(&["export", "--format", "csv"], 1).contains("jsonl"));
}

#[test]
fn init_makes_a_database_and_refuses_an_existing_file() {
    let dir = TempDir::new("init");
    let db = init(&dir);
    let info = json(&["--db", s(&db), "info", "--format", "json"]);
    assert_eq!(info["schema_version"], govreport::SCHEMA_VERSION);
    assert_eq!(
        info["counts"],
        json(&["info", "--format", "json"])["counts"]
    );
    let before = std::fs::read(&db).unwrap();
    assert!(fails(&["init", s(&db)], 1).contains("exists"));
    assert_eq!(std::fs::read(&db).unwrap(), before, "unchanged");
    fails(&["init", s(&dir.path("no-dir/x.db"))], 5);
}

#[test]
fn a_missing_or_foreign_database_file_is_refused() {
    let dir = TempDir::new("missing");
    let missing = dir.path("nope.db");
    assert!(fails(&["--db", s(&missing), "targets"], 5).contains("govreport init"));
    fails(&["--db", s(dir.dir()), "info"], 5); // a directory
    // A SQLite file with other tables: database error; nothing written to it.
    let foreign = dir.path("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    assert!(fails(&["--db", s(&foreign), "info"], 3).contains("not a govreport database"));
    fails(
        &[
            "--db",
            s(&foreign),
            "progress",
            "add",
            "--target",
            "1",
            "--period",
            "2024-03",
            "--value",
            "1",
            "--unit",
            "%",
        ],
        3,
    );
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
    // A file from a newer govreport: schema error.
    let newer = init(&dir);
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    assert!(fails(&["--db", s(&newer), "targets"], 4).contains("newer"));
    assert!(!missing.exists(), "reading never creates a file");
}

#[test]
fn progress_add_and_list_on_a_file() {
    let dir = TempDir::new("progress");
    let db = init(&dir);
    let added = json(&[
        "--db",
        s(&db),
        "--format",
        "json",
        "progress",
        "add",
        "--target",
        "1",
        "--period",
        "2024-03",
        "--value",
        "1.5",
        "--unit",
        "%",
        "--text",
        "一季度",
        "--reported-at",
        "2024-04-05",
    ]);
    assert_eq!(added[0]["subject_kind"], "target");
    assert_eq!(added[0]["subject_id"], 1);
    assert_eq!(added[0]["value"], 1.5);
    let id = added[0]["id"].as_i64().unwrap();
    let project = json(&[
        "--db",
        s(&db),
        "--format",
        "json",
        "progress",
        "add",
        "--project",
        "533",
        "--period",
        "2024-03",
        "--invested-to-date",
        "1200",
        "--invest-unit",
        "万元",
        "--status",
        "under_construction",
        "--reported-at",
        "2024-04-05",
    ]);
    assert_eq!(project[0]["invested_to_date"], 1200.0);
    let listed = json(&[
        "--db",
        s(&db),
        "--format",
        "json",
        "progress",
        "list",
        "--target",
        "1",
    ]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id);
    // The library reads what the command wrote.
    let lib = Db::open_with(&db, govreport::OpenMode::ReadOnly).unwrap();
    assert_eq!(
        lib.progress(id).unwrap().progress_text.as_deref(),
        Some("一季度")
    );
    drop(lib);
    assert!(fails(&["progress", "list", "--target", "99999"], 1).contains("99999"));
}

#[test]
fn bad_writes_change_nothing() {
    let dir = TempDir::new("badwrite");
    let db = init(&dir);
    let before = std::fs::read(&db).unwrap();
    let add = |db: &str, period: &str, target: &str| -> Vec<String> {
        [
            "--db", db, "progress", "add", "--target", target, "--period", period, "--value", "2",
            "--unit", "%",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect()
    };
    let run = |args: Vec<String>, code: i32| {
        let refs: Vec<&str> = args.iter().map(|x| x.as_str()).collect();
        fails(&refs, code)
    };
    assert!(run(add(s(&db), "2024-13", "1"), 1).contains("2024-13"));
    assert!(run(add(s(&db), "2024-03", "99999"), 1).contains("99999"));
    assert!(run(add(s(&db), "2023-03", "1"), 1).contains("2023"));
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // The built-in database cannot be written.
    let args: Vec<&str> = vec![
        "progress", "add", "--target", "1", "--period", "2024-03", "--value", "2", "--unit", "%",
    ];
    assert!(fails(&args, 1).contains("--db FILE"));
    // A missing file is not created.
    let missing = dir.path("missing.db");
    assert!(run(add(s(&missing), "2024-03", "1"), 5).contains("govreport init"));
    assert!(!missing.exists());
    fails(
        &["--db", s(&missing), "import-register", "projects", s(&db)],
        5,
    );
    assert!(!missing.exists());

    // A read-only file: refused (exit 7), its bytes as they were.
    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms.clone()).unwrap();
    assert!(run(add(s(&db), "2024-03", "1"), 7).contains("read-only"));
    let register = dir.path("projects.csv");
    std::fs::write(
        &register,
        synthetic::project_register(
            &ProjectOptions {
                rows: 20,
                ..Default::default()
            },
            FileFormat::Csv,
        )
        .unwrap(),
    )
    .unwrap();
    fails(
        &["--db", s(&db), "import-register", "projects", s(&register)],
        7,
    );
    fails(&["--db", s(&db), "rebuild-search-index"], 7);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&db, perms).unwrap();
}

#[test]
fn a_write_while_another_process_holds_the_lock_is_busy() {
    let dir = TempDir::new("busy");
    let db = init(&dir);
    let before = std::fs::read(&db).unwrap();
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    // The library waits 5 s for the lock, then gives up.
    let m = fails(
        &[
            "--db",
            s(&db),
            "progress",
            "add",
            "--target",
            "1",
            "--period",
            "2024-03",
            "--value",
            "1",
            "--unit",
            "%",
        ],
        6,
    );
    assert!(m.contains("try again"), "{m}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn import_register_projects_and_villages() {
    let dir = TempDir::new("import");
    let db = init(&dir);
    let projects = dir.path("projects.csv");
    let options = ProjectOptions {
        rows: 40,
        ..Default::default()
    };
    std::fs::write(
        &projects,
        synthetic::project_register(&options, FileFormat::Csv).unwrap(),
    )
    .unwrap();
    let summary = json(&[
        "--db",
        s(&db),
        "--format",
        "json",
        "import-register",
        "projects",
        s(&projects),
    ]);
    assert_eq!(summary[0]["inserted"], 40);
    let count = json(&["--db", s(&db), "info", "--format", "json"]);
    assert_eq!(count["counts"]["register_projects"], 40);

    let villages = dir.path("villages.csv");
    std::fs::write(
        &villages,
        synthetic::village_register(7, &[2023], FileFormat::Csv).unwrap(),
    )
    .unwrap();
    let summary = json(&[
        "--db",
        s(&db),
        "--format",
        "json",
        "import-register",
        "villages",
        s(&villages),
    ]);
    assert!(summary[0]["inserted"].as_i64().unwrap() > 0);

    // A bad row: nothing imported without --skip-bad-rows; with it, the good rows are.
    let bytes = std::fs::read(&projects).unwrap();
    let mut records: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice())
        .records()
        .map(|r| r.unwrap())
        .collect();
    let header_at = records
        .iter()
        .position(|r| r.iter().any(|c| c.starts_with("总投资")))
        .unwrap();
    let total_col = records[header_at]
        .iter()
        .position(|c| c.starts_with("总投资"))
        .unwrap();
    let mut cells: Vec<String> = records[header_at + 1].iter().map(String::from).collect();
    cells[total_col] = "很多".into();
    records[header_at + 1] = csv::StringRecord::from(cells);
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for r in &records {
        w.write_record(r).unwrap();
    }
    let bad_row = format!("row {}", header_at + 2);
    let bad = dir.path("bad.csv");
    std::fs::write(&bad, w.into_inner().unwrap()).unwrap();
    let fresh = dir.path("fresh.db");
    ok(&["init", s(&fresh)]);
    let before = std::fs::read(&fresh).unwrap();
    let m = fails(
        &["--db", s(&fresh), "import-register", "projects", s(&bad)],
        1,
    );
    assert!(m.contains(&bad_row) && m.contains("--skip-bad-rows"), "{m}");
    assert_eq!(std::fs::read(&fresh).unwrap(), before);
    let out = govreport(&[
        "--db",
        s(&fresh),
        "--format",
        "json",
        "import-register",
        "projects",
        s(&bad),
        "--skip-bad-rows",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary[0]["inserted"], 39);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("skipped {bad_row}")));
    fails(
        &[
            "--db",
            s(&fresh),
            "import-register",
            "projects",
            s(&dir.path("none.csv")),
        ],
        5,
    );
    fails(&["--db", s(&fresh), "import-register", "roads", s(&bad)], 2);
}

#[test]
fn evaluate_gives_every_target_its_light() {
    let dir = TempDir::new("evaluate");
    let db = init(&dir);
    ok(&[
        "--db",
        s(&db),
        "progress",
        "add",
        "--target",
        "1",
        "--period",
        "2024-06",
        "--value",
        "6.2",
        "--unit",
        "%",
        "--reported-at",
        "2024-07-05",
    ]);
    let report = json(&[
        "--db",
        s(&db),
        "--format",
        "json",
        "evaluate",
        "--period",
        "2024-06",
    ]);
    let lib = Db::open_with(&db, govreport::OpenMode::ReadOnly).unwrap();
    let targets = lib.targets(&FigureFilter::default()).unwrap();
    assert_eq!(report["period"], "2024-06");
    assert_eq!(report["targets"].as_array().unwrap().len(), targets.len());
    let first = &report["targets"][0];
    assert_eq!(first["target_id"], 1);
    assert_eq!(first["value"], 6.2);
    assert_ne!(first["status"], "no_data");
    assert!(report["projects"]["schedule_pct"].is_number());
    let table = ok(&[
        "--db",
        s(&db),
        "--format",
        "table",
        "evaluate",
        "--period",
        "2024-Q2",
    ]);
    assert!(
        table.contains("序时进度") && table.contains("lights:"),
        "{table}"
    );
    let csv = ok(&[
        "--db",
        s(&db),
        "--format",
        "csv",
        "evaluate",
        "--period",
        "2024-06",
    ]);
    assert_eq!(csv.lines().count(), targets.len() + 1);
    assert!(fails(&["evaluate", "--period", "2024-14"], 1).contains("2024-14"));
    fails(
        &["evaluate", "--period", "2024-06", "--as-of", "someday"],
        1,
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_govreport"))
        .args(["export", "--format", "jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is closed here, like `govreport export | head -c 16`.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn data_in_a_pipe_is_json_by_default() {
    // stdout is a pipe here: no --format means json.
    let v = json(&["targets", "--headline"]);
    assert!(v.is_array());
}

/// `progress add --commitment` with SYNTHETIC records, as JSON.
fn add_commitment(db: &str, period: &str, status: &str, at: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "--db",
        db,
        "--format",
        "json",
        "progress",
        "add",
        "--commitment",
        "11",
        "--period",
        period,
        "--status",
        status,
        "--reported-by",
        "SYNTHETIC",
        "--reported-at",
        at,
    ];
    args.extend_from_slice(extra);
    json(&args)
}

fn month_lights(v: &Value) -> Vec<Value> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| m["light"].clone())
        .collect()
}

#[test]
fn commitment_progress_lights_and_evaluate() {
    let dir = TempDir::new("lights");
    let db = init(&dir);
    let d = s(&db);
    // SYNTHETIC: commitment 11 推进中 in February, 滞后 in April, 推进中 again in May.
    let feb = add_commitment(
        d,
        "2024-02",
        "推进中",
        "2024-02-26",
        &["--text", "SYNTHETIC 推进"],
    );
    assert_eq!(feb[0]["subject_kind"], "commitment");
    assert_eq!(feb[0]["work_status"], "in_progress");
    assert_eq!(feb[0]["cumulative"], false);
    assert_eq!(feb[0]["progress_text"], "SYNTHETIC 推进");
    let april = add_commitment(
        d,
        "2024-04",
        "lagging",
        "2024-04-26",
        &[
            "--problems",
            "SYNTHETIC 资金未到位",
            "--next-steps",
            "SYNTHETIC 5月协调",
        ],
    );
    assert_eq!(april[0]["work_status"], "lagging");
    assert_eq!(april[0]["problems"], "SYNTHETIC 资金未到位");
    let listed = json(&[
        "--db",
        d,
        "--format",
        "json",
        "progress",
        "list",
        "--commitment",
        "11",
    ]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(
        ok(&[
            "--db",
            d,
            "--format",
            "table",
            "progress",
            "list",
            "--commitment",
            "11"
        ])
        .contains("lagging")
    );

    // One subject's months, as the library gives them.
    let history = json(&[
        "--db",
        d,
        "--format",
        "json",
        "lights",
        "--from",
        "2024-01",
        "--to",
        "2024-04",
        "--subject",
        "commitment:11",
    ]);
    assert_eq!(
        month_lights(&history),
        [
            Value::from("yellow"),
            Value::from("green"),
            Value::from("yellow"),
            Value::from("red")
        ]
    );
    assert_eq!(history[0]["subject_kind"], "commitment");
    assert_eq!(history[0]["subject_id"], 11);
    assert_eq!(history[0]["name"], "居民收入增长与经济增长基本同步");
    assert_eq!(history[3]["as_of"], "2024-04-30T23:59:59+08:00");
    let lib = Db::open_with(&db, govreport::OpenMode::ReadOnly).unwrap();
    let months = lib
        .light_history(
            govreport::SubjectKind::Commitment,
            11,
            "2024-01",
            "2024-04",
            &Default::default(),
        )
        .unwrap();
    for (row, m) in history.as_array().unwrap().iter().zip(&months) {
        let mut m = lib_json(m);
        for key in ["subject_kind", "subject_id", "name"] {
            m[key] = row[key].clone();
        }
        assert_eq!(row, &m);
    }
    drop(lib);

    // May back on track: with the district's rule April turns yellow, recovered.
    add_commitment(d, "2024-05", "推进中", "2024-05-27", &[]);
    let recoloured = json(&[
        "--db",
        d,
        "--format",
        "json",
        "lights",
        "--from",
        "2024-01",
        "--to",
        "2024-05",
        "--subject",
        "commitment:11",
        "--recolour-recovered",
    ]);
    assert_eq!(recoloured[3]["light"], "yellow");
    assert_eq!(recoloured[3]["recovered"], true);
    // As it looked on 1 May: May knows only April.
    let then = json(&[
        "--db",
        d,
        "--format",
        "json",
        "lights",
        "--from",
        "2024-04",
        "--to",
        "2024-05",
        "--subject",
        "commitment:11",
        "--known-at",
        "2024-05-01",
    ]);
    assert_eq!(then[1]["light"], "red");
    assert_eq!(then[1]["as_of"], "2024-05-01");

    // Every commitment, two months: one row each; targets and register projects by --subject.
    let csv = ok(&[
        "--db", d, "--format", "csv", "lights", "--from", "2024-01", "--to", "2024-02",
    ]);
    assert_eq!(csv.lines().count(), 143 * 2 + 1);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("subject_kind,subject_id,name,period,")
    );
    let target = ok(&[
        "--db",
        d,
        "--format",
        "jsonl",
        "lights",
        "--from",
        "2024-01",
        "--to",
        "2024-12",
        "--subject",
        "target:10",
    ]);
    assert_eq!(target.lines().count(), 12);
    let table = ok(&[
        "--db",
        d,
        "--format",
        "table",
        "lights",
        "--from",
        "2024-04",
        "--to",
        "2024-04",
        "--subject",
        "commitment:11",
    ]);
    assert!(
        table.contains("red 红灯") && table.contains("behind 欠进度"),
        "{table}"
    );

    // evaluate: the targets and projects as before, and the commitments.
    let report = json(&[
        "--db", d, "--format", "json", "evaluate", "--period", "2024-04",
    ]);
    for key in ["period", "config", "targets", "projects", "commitments"] {
        assert!(!report[key].is_null(), "{key}");
    }
    let commitments = report["commitments"].as_array().unwrap();
    assert_eq!(commitments.len(), 143);
    let c11 = commitments
        .iter()
        .find(|c| c["commitment_id"] == 11)
        .unwrap();
    assert_eq!(
        (&c11["status"], &c11["light"], &c11["reason"]),
        (
            &Value::from("behind"),
            &Value::from("red"),
            &Value::from("报送滞后")
        )
    );
    assert_eq!(c11["next_steps"], "SYNTHETIC 5月协调");
    let known = json(&[
        "--db",
        d,
        "--format",
        "json",
        "evaluate",
        "--period",
        "2024-04",
        "--known-at",
        "2024-04-25",
        "--silent-periods",
        "3",
    ]);
    let c11 = known["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commitment_id"] == 11)
        .unwrap();
    assert_eq!(
        (&c11["light"], &c11["reason"]),
        (&Value::from("green"), &Value::from("正常推进"))
    );
    let table = ok(&[
        "--db", d, "--format", "table", "evaluate", "--period", "2024-04",
    ]);
    assert!(
        table.contains("工作任务（143项）") && table.contains("143 commitments:"),
        "{table}"
    );
    assert!(table.contains("lights:"), "the targets' part stays");
}

#[test]
fn bad_commitment_records_and_lights_fail_and_change_nothing() {
    let dir = TempDir::new("badlights");
    let db = init(&dir);
    let d = s(&db);
    add_commitment(d, "2024-03", "推进中", "2024-03-28", &[]);
    let before = std::fs::read(&db).unwrap();
    let add = |extra: &[&str], code: i32| {
        let mut args = vec!["--db", d, "progress", "add", "--period", "2024-06"];
        args.extend_from_slice(extra);
        fails(&args, code)
    };
    assert!(add(&["--commitment", "99999", "--status", "推进中"], 1).contains("99999"));
    let m = add(&["--commitment", "11", "--status", "进行中"], 1);
    assert!(
        m.contains("--status") && m.contains("in_progress (推进中)"),
        "{m}"
    );
    assert!(add(&["--commitment", "11", "--value", "3", "--unit", "%"], 1).contains("not a value"));
    assert!(
        add(
            &[
                "--commitment",
                "11",
                "--invested-to-date",
                "5",
                "--invest-unit",
                "万元"
            ],
            1
        )
        .contains("project fields apply to projects")
    );
    assert!(
        add(
            &[
                "--commitment",
                "11",
                "--status",
                "done",
                "--period",
                "2023-12"
            ],
            2
        )
        .contains("--period")
    );
    add(
        &["--commitment", "11", "--project", "2", "--status", "done"],
        2,
    );
    assert!(
        add(
            &[
                "--commitment",
                "11",
                "--status",
                "done",
                "--reported-at",
                "2024-02-30"
            ],
            1
        )
        .contains("reported_at")
    );
    assert!(
        add(
            &[
                "--commitment",
                "11",
                "--status",
                "done",
                "--supersedes",
                "99"
            ],
            1
        )
        .contains("progress 99 does not exist")
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let lights = |extra: &[&str], code: i32| {
        let mut args = vec!["--db", d, "lights"];
        args.extend_from_slice(extra);
        fails(&args, code)
    };
    assert!(lights(&["--from", "2024-13", "--to", "2024-12"], 1).contains("2024-13"));
    assert!(lights(&["--from", "2024-06", "--to", "2024-05"], 1).contains("before"));
    assert!(lights(&["--from", "2024-01", "--to", "2024-Q2"], 1).contains("quarter"));
    assert!(lights(&["--from", "2010-01", "--to", "2024-12"], 1).contains("120"));
    assert!(
        lights(
            &[
                "--from",
                "2024-01",
                "--to",
                "2024-02",
                "--subject",
                "task:1"
            ],
            1
        )
        .contains("not for a task")
    );
    assert!(
        lights(
            &[
                "--from",
                "2024-01",
                "--to",
                "2024-02",
                "--subject",
                "commitment"
            ],
            1
        )
        .contains("KIND:ID")
    );
    assert!(
        lights(
            &[
                "--from",
                "2024-01",
                "--to",
                "2024-02",
                "--subject",
                "planet:1"
            ],
            1
        )
        .contains("subject kind")
    );
    assert!(
        lights(
            &[
                "--from",
                "2024-01",
                "--to",
                "2024-02",
                "--subject",
                "commitment:99999"
            ],
            1
        )
        .contains("99999")
    );
    assert!(
        lights(
            &["--from", "2024-01", "--to", "2024-02", "--known-at", "soon"],
            1
        )
        .contains("known_at")
    );
    lights(&["--from", "2024-01"], 2);
    lights(
        &[
            "--from",
            "2024-01",
            "--to",
            "2024-02",
            "--silent-periods",
            "-1",
        ],
        2,
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "lights only reads");
}
