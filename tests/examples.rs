//! Every example is run as a program (the binaries `cargo test` builds next to this test) and
//! its output is checked for what the example's docs promise.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::TempDir;

/// The path of an example binary built by `cargo test` (target/<profile>/examples/NAME).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/examples-HASH -> target/<profile>/examples/NAME
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>")
        .join("examples");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples; run it through cargo",
        path.display()
    );
    path
}

/// Runs an example, returning its output; panics with stderr when the exit status is not
/// `expect_status`.
fn run_status(name: &str, args: &[&str], expect_status: i32) -> Output {
    let out = Command::new(example(name))
        .args(args)
        .output()
        .expect("the example starts");
    assert_eq!(
        out.status.code(),
        Some(expect_status),
        "{name} {args:?}: exit status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs an example that must succeed and returns its standard output.
fn run(name: &str, args: &[&str]) -> String {
    String::from_utf8(run_status(name, args, 0).stdout).expect("UTF-8 output")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn tour_shows_outline_headline_targets_projects_and_glossary() {
    let out = run("tour", &[]);
    assert!(
        out.starts_with("洛阳市偃师区  政府工作报告  2024-01-23"),
        "{out}"
    );
    for part in [
        "一、2023年工作回顾",
        "二、2024年主要目标任务",
        "三、2024年重点工作安排",
        "四、",
    ] {
        assert!(out.contains(part), "outline lacks {part}:\n{out}");
    }
    assert!(out.contains("地区生产总值"), "no headline target:\n{out}");
    assert!(out.contains("十大工程"), "no glossary:\n{out}");
}

#[test]
fn targets_filters_print_the_records_they_name() {
    let area3 = run("targets", &["--area", "3"]);
    assert!(area3.trim_end().ends_with("16 records"), "{area3}");

    let due = run("targets", &["--due-before", "2025-01-01"]);
    assert!(due.trim_end().ends_with("2 records"), "{due}");
    assert!(due.contains("403") && due.contains("404"), "{due}");

    let headline = json(&run("targets", &["--headline", "--json"]));
    let headline = headline.as_array().expect("an array");
    assert_eq!(headline.len(), 11);
    assert!(headline.iter().all(|t| t["kind"] == "target"));
    assert_eq!(headline[0]["metric"], "地区生产总值增速");

    let tourism = run("targets", &["--results", "--text", "游客"]);
    assert!(tourism.contains("545万人次"), "{tourism}");
    assert!(tourism.trim_end().ends_with("2 records"), "{tourism}");
}

#[test]
fn projects_filters_and_totals() {
    let due = run("projects", &["--due-before", "2024-07-01"]);
    for id in ["533", "534", "568"] {
        assert!(
            due.lines().any(|l| l.starts_with(id)),
            "project {id}:\n{due}"
        );
    }
    assert!(due.trim_end().ends_with("3 projects"), "{due}");

    let started = run("projects", &["--status", "开工"]);
    assert!(
        started.contains("南通乐创") && started.contains("华润"),
        "{started}"
    );

    let totals = run("projects", &["--totals"]);
    assert!(totals.contains("514.7亿元"), "{totals}");
    assert!(totals.contains("270个"), "{totals}");
}

#[test]
fn export_prints_the_whole_dataset() {
    let export = json(&run("export", &[]));
    assert_eq!(export["targets"].as_array().map(Vec::len), Some(107));
    assert_eq!(export["results"].as_array().map(Vec::len), Some(129));
    assert_eq!(export["projects"].as_array().map(Vec::len), Some(113));
    assert_eq!(export["report"]["region"], "洛阳市偃师区");
}

#[test]
fn search_ranks_hits_with_marked_snippets() {
    let out = run("search", &["储能"]);
    assert!(out.starts_with("8 hits for \"储能\""), "{out}");
    assert!(out.contains("【储能】"), "{out}");
    let hits = json(&run("search", &["储能", "--json"]));
    assert_eq!(hits.as_array().map(Vec::len), Some(8));
}

#[test]
fn monthly_and_register_on_an_office_database() {
    let dir = TempDir::new("examples-office");
    let db = dir.file("office.db");
    let db = db.to_str().unwrap();
    let projects = dir.file("projects.csv");
    let projects = projects.to_str().unwrap();

    // A SYNTHETIC register, imported, checked against the report, exported again.
    run(
        "register",
        &["synthetic", "--format", "csv", "--out", projects],
    );
    let register = std::fs::read_to_string(projects).unwrap();
    assert!(
        register.contains("SYNTHETIC"),
        "the generated file says what it is"
    );
    let imported = run("register", &["import", "--db", db, projects]);
    assert!(!imported.is_empty());
    let exported = run("register", &["export", "--db", db, "--format", "csv"]);
    assert!(exported.lines().count() > 100, "{exported}");

    // The traffic-light table: every target, no progress yet -> no_data.
    let monthly = json(&run(
        "monthly",
        &["--db", db, "--period", "2024-06", "--json"],
    ));
    let targets = monthly["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 107);
    assert!(
        targets.iter().all(|t| t["status"] == "no_data"),
        "{monthly}"
    );

    // Bad input: a message and a failure status, nothing printed on stdout.
    let bad = run_status("monthly", &["--db", db, "--period", "2024-13"], 1);
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2024-13"));
}

/// A benchmark's rows `| work | … | 1.23x |`: the work and the ratio of its last column.
fn ratios(out: &str) -> Vec<(String, f64)> {
    out.lines()
        .filter(|l| l.starts_with('|') && l.trim_end().ends_with("x |"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let ratio = cells.iter().rev().find(|c| !c.is_empty())?;
            let ratio = ratio.trim_end_matches('x').parse::<f64>().ok()?;
            Some((cells[1].to_owned(), ratio))
        })
        .collect()
}

/// The benchmarks run small (their figures mean nothing here): each prints its rows, every
/// ratio a positive number, and (where the table is relative to a baseline row) that row at
/// 1.00x.
fn check_bench(name: &str, args: &[&str], baseline: Option<&str>, rows: usize) {
    let out = run(name, args);
    let ratios = ratios(&out);
    assert!(ratios.len() >= rows, "{name}: {} rows\n{out}", ratios.len());
    assert!(ratios.iter().all(|(_, r)| *r >= 0.0), "{out}");
    if let Some(baseline) = baseline {
        assert!(
            ratios
                .iter()
                .any(|(work, r)| work.contains(baseline) && *r == 1.0),
            "{name}: no baseline row {baseline:?} at 1.00x\n{out}"
        );
    }
}

#[test]
fn benchmarks_run_and_print_their_tables() {
    check_bench(
        "bench_open",
        &["--runs", "3", "--children", "3"],
        Some("floor"),
        5,
    );
    check_bench("bench_tracking", &["2000", "1"], Some("raw rusqlite"), 4);
    check_bench(
        "bench_decomposition",
        &["--quick"],
        Some("one SQL query"),
        if cfg!(feature = "xlsx") { 8 } else { 5 },
    );
    check_bench("bench_lights", &["--quick"], Some("one SQL query"), 5);
    check_bench("bench_bulletin", &["--quick"], Some("one SQL query"), 5);
    let dir = TempDir::new("examples-bench-search");
    let corpus = dir.file("syn.db");
    check_bench(
        "bench_search",
        &[
            "--paragraphs",
            "2000",
            "--repeats",
            "1",
            "--db",
            corpus.to_str().unwrap(),
        ],
        None,
        5,
    );
}

#[test]
fn bench_import_reports_peak_memory_and_refuses_the_hostile_files() {
    let out = run("bench_import", &["--quick"]);
    let line = |case: &str| {
        out.lines()
            .find(|l| l.starts_with(case))
            .unwrap_or_else(|| panic!("no line for {case}:\n{out}"))
            .to_owned()
    };
    assert!(line("baseline").contains("nothing imported"), "{out}");
    assert!(line("valid register, CSV").contains("imported"), "{out}");
    for case in ["2 MB field, CSV", "100 MB field, CSV"] {
        assert!(
            line(case).contains("refused") && line(case).contains("max_row_bytes"),
            "{out}"
        );
    }
    if cfg!(feature = "xlsx") {
        assert!(
            line("valid register, XLSX").contains("imported 2000 rows"),
            "{out}"
        );
        for case in [
            "zip bomb",
            "zip lying",
            "cells at A1 and XFD1048576",
            "uniqueCount=100000000000",
        ] {
            assert!(line(case).contains("refused"), "{out}");
        }
    }
    // Every line has a peak figure in MB.
    assert!(out.lines().skip(1).all(|l| l.contains(" MB ")), "{out}");
}
