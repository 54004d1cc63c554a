//! Benchmark of the 任务分解表 (numbers for BENCHMARKS.md): drafting the table for every
//! commitment of the report (XLSX and CSV, as bytes), and importing a SYNTHETIC filled table
//! into an on-disk database — the first import (143 tasks and their units created) and a
//! re-import of the same file (nothing changes) — next to reading the same 143 rows with one
//! SQL query (rusqlite, the same connection and data, a held statement; its rows are checked
//! equal to the draft's), in the same run, interleaved.
//!
//! ```text
//! cargo run --release --example bench_decomposition            # 41 runs of each
//! cargo run --release --example bench_decomposition -- --quick # 3 runs (tests/examples.rs)
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

use govreport::commitments::decomposition::synthetic::filled_table;
use govreport::commitments::decomposition::{DecompositionOptions, DecompositionRow};
use govreport::{Db, FileFormat};

/// The draft's rows in one query: numbering, area or part title, quote, target quotes and
/// deadline words, in commitment order.
const ROWS_SQL: &str = "
    SELECT c.id,
           CASE WHEN c.part = 2 THEN '目标' WHEN c.part = 4 THEN '自身建设'
                ELSE substr('一二三四五六七八九十', c.area, 1) END
             || '.' || row_number() OVER (PARTITION BY c.part, c.area
                                          ORDER BY p.ordinal, c.quote_start),
           coalesce((SELECT s.title FROM section s WHERE s.report_id = c.report_id
                     AND ((c.area IS NOT NULL AND s.kind = 'area' AND s.number = c.area)
                          OR (c.area IS NULL AND s.kind = 'part' AND s.number = c.part))), ''),
           c.quote,
           coalesce((SELECT group_concat(quote, '；') FROM (
                       SELECT f.quote FROM commitment_link l
                       JOIN figure f ON f.kind = 'target' AND f.id = l.subject_id
                       WHERE l.commitment_id = c.id AND l.subject_kind = 'target'
                       ORDER BY l.subject_id)), ''),
           coalesce(c.deadline_text, '年底前')
    FROM commitment c JOIN paragraph p ON p.id = c.paragraph_id
    WHERE c.report_id = ?1
    ORDER BY p.ordinal, c.quote_start";

fn sql_rows(db: &Db, report: i64) -> Vec<DecompositionRow> {
    let mut st = db.connection().prepare_cached(ROWS_SQL).unwrap();
    st.query_map([report], |r| {
        Ok(DecompositionRow {
            commitment_id: r.get(0)?,
            serial: r.get(1)?,
            category: r.get(2)?,
            task: r.get(3)?,
            indicators: r.get(4)?,
            deadline_text: r.get(5)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// A fresh copy of the template database (outside the timing).
fn fresh(template: &Path, path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    std::fs::copy(template, path).unwrap();
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 3 } else { 41 };
    let dir = std::env::temp_dir().join(format!("govreport-bench-dec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::open_default().unwrap();
    let report = db.report().unwrap().id;
    let xlsx = db
        .decomposition_draft_bytes(report, FileFormat::Xlsx)
        .is_ok();

    // The query gives the draft's rows, so the two sides read the same thing.
    let rows = db.decomposition_rows(report).unwrap();
    assert_eq!(sql_rows(&db, report), rows);
    let n = rows.len();

    let (mut sql, mut read, mut csv, mut book) = (vec![], vec![], vec![], vec![]);
    let mut sizes = (0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let r = sql_rows(&db, report);
        sql.push(t.elapsed());
        assert_eq!(r.len(), n);
        let t = Instant::now();
        let r = db.decomposition_rows(report).unwrap();
        read.push(t.elapsed());
        assert_eq!(r.len(), n);
        let t = Instant::now();
        sizes.0 = db
            .decomposition_draft_bytes(report, FileFormat::Csv)
            .unwrap()
            .len();
        csv.push(t.elapsed());
        if xlsx {
            let t = Instant::now();
            sizes.1 = db
                .decomposition_draft_bytes(report, FileFormat::Xlsx)
                .unwrap()
                .len();
            book.push(t.elapsed());
        }
    }
    let base = median(sql);
    let ratio = |d: Duration| format!("{:.2}x", d.as_secs_f64() / base.as_secs_f64());
    println!("the 任务分解表 of {n} commitments (median of {runs}, in memory):");
    println!("| work | median | vs one SQL query |");
    println!("|---|---|---|");
    println!(
        "| one SQL query reading the same {n} rows (rusqlite, held statement) | {} | 1.00x |",
        ms(base)
    );
    let read = median(read);
    println!(
        "| `Db::decomposition_rows` (the draft's rows) | {} | {} |",
        ms(read),
        ratio(read)
    );
    let csv = median(csv);
    println!(
        "| `decomposition_draft_bytes` CSV ({} bytes) | {} | {} |",
        sizes.0,
        ms(csv),
        ratio(csv)
    );
    if xlsx {
        let book = median(book);
        println!(
            "| `decomposition_draft_bytes` XLSX ({} bytes) | {} | {} |",
            sizes.1,
            ms(book),
            ratio(book)
        );
    }

    // Imports into an on-disk WAL database (a copy of a fresh file each time).
    let template = dir.join("template.db");
    drop(Db::open(&template).unwrap());
    let target = dir.join("office.db");
    let mut formats = vec![FileFormat::Csv];
    if xlsx {
        formats.push(FileFormat::Xlsx);
    }
    println!(
        "importing a SYNTHETIC filled table of {n} rows into an on-disk file (median of {runs}):"
    );
    println!("| work | median | vs one SQL query |");
    println!("|---|---|---|");
    for format in formats {
        let bytes = filled_table(&db, report, 2024, format).unwrap();
        let (mut first, mut again) = (vec![], vec![]);
        for _ in 0..runs {
            fresh(&template, &target);
            let mut office = Db::open(&target).unwrap();
            let opts = DecompositionOptions::default();
            let t = Instant::now();
            let done = office
                .import_decomposition_bytes(report, "filled", &bytes, format, &opts)
                .unwrap();
            first.push(t.elapsed());
            assert_eq!(done.created, n);
            let t = Instant::now();
            let done = office
                .import_decomposition_bytes(report, "filled", &bytes, format, &opts)
                .unwrap();
            again.push(t.elapsed());
            assert_eq!(done.unchanged, n);
        }
        let (first, again) = (median(first), median(again));
        let name = format.code().to_uppercase();
        println!(
            "| first import, {name} ({} bytes): {n} tasks created | {} | {} |",
            bytes.len(),
            ms(first),
            ratio(first)
        );
        println!(
            "| re-import of the same {name} file: nothing changes | {} | {} |",
            ms(again),
            ratio(again)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
