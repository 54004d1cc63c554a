//! Benchmark of the 督查通报 (numbers for BENCHMARKS.md): the time to produce a bulletin —
//! evaluation of every commitment, target and register project, then the HTML page and the
//! DOCX file — for about 200 commitments with a year of monthly records, next to reading the
//! same records with one SQL query, in the same run.
//!
//! The built-in report has 143 commitments; 57 SYNTHETIC copies of qualitative ones (new ids,
//! same text) bring it to 200, each with twelve SYNTHETIC monthly records (2,400 records).
//!
//! ```text
//! cargo run --release --example bench_bulletin            # 5 repeats
//! cargo run --release --example bench_bulletin -- --quick # 1 repeat (the test runs this)
//! ```

use std::time::{Duration, Instant};

use govreport::tracking::WorkStatus;
use govreport::{Db, EvaluationConfig, NewProgress, SubjectKind};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let repeats = if quick { 1 } else { 5 };
    let mut db = Db::open_default().unwrap();
    // 57 SYNTHETIC commitments: copies of qualitative ones under new ids (9001 …).
    db.connection()
        .execute_batch(
            "INSERT INTO commitment (id, report_id, part, area, section_id, paragraph_id, kind,
                 action, deadline, deadline_text, deadline_source, quote, quote_start, sentence)
             SELECT 9000 + row_number() OVER (ORDER BY id), report_id, part, area, section_id,
                    paragraph_id, kind, action, deadline, deadline_text, deadline_source, quote,
                    quote_start, sentence
             FROM commitment WHERE kind = 'qualitative' ORDER BY id LIMIT 57",
        )
        .unwrap();
    let ids: Vec<i64> = db
        .connection()
        .prepare("SELECT id FROM commitment ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let kinds: Vec<String> = db
        .connection()
        .prepare("SELECT kind FROM commitment ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut records = 0;
    for (id, kind) in ids.iter().zip(&kinds) {
        if kind != "qualitative" {
            continue;
        }
        for month in 1..=12 {
            let status = match (id % 9, month) {
                (0, m) if m >= 10 => WorkStatus::Lagging,
                (1, m) if m >= 8 => WorkStatus::Done,
                _ => WorkStatus::InProgress,
            };
            db.add_progress(&NewProgress {
                subject_kind: SubjectKind::Commitment,
                subject_id: *id,
                period: format!("2024-{month:02}"),
                work_status: Some(status),
                progress_text: Some("SYNTHETIC 合成进展".into()),
                reported_at: Some(format!("2024-{month:02}-25")),
                ..Default::default()
            })
            .unwrap();
            records += 1;
        }
    }
    let commitments = ids.len();
    let config = EvaluationConfig::default();
    let mut bulletin_t = Vec::new();
    let mut html_t = Vec::new();
    let mut docx_t = Vec::new();
    let mut sql_t = Vec::new();
    for _ in 0..repeats {
        let t = Instant::now();
        let b = db.bulletin("2024-12", &config).unwrap();
        bulletin_t.push(t.elapsed());
        let t = Instant::now();
        let html = b.to_html();
        html_t.push(t.elapsed());
        assert!(html.len() > 10_000);
        let t = Instant::now();
        let docx = b.to_docx().unwrap();
        docx_t.push(t.elapsed());
        assert!(docx.len() > 10_000);
        // The baseline: the same records read with one SQL query (every commitment with its
        // records in period order), rows stepped and their text read.
        let t = Instant::now();
        let mut st = db
            .connection()
            .prepare_cached(
                "SELECT c.id, c.quote, c.deadline, p.period, p.work_status, p.progress_text,
                        p.problems, p.next_steps
                 FROM commitment c LEFT JOIN progress p
                   ON p.subject_kind = 'commitment' AND p.subject_id = c.id
                 ORDER BY c.id, p.period",
            )
            .unwrap();
        let mut rows = st.query([]).unwrap();
        let mut n = 0usize;
        let mut bytes = 0usize;
        while let Some(r) = rows.next().unwrap() {
            n += 1;
            bytes += r.get_ref(1).unwrap().as_str().unwrap().len();
        }
        sql_t.push(t.elapsed());
        assert!(n >= records && bytes > 0);
    }
    let sql = median(sql_t);
    println!(
        "{commitments} commitments, {records} SYNTHETIC monthly records, median of {repeats}\n"
    );
    println!("| work | ms | vs one SQL query |");
    println!("|---|---|---|");
    let row = |name: &str, d: Duration| {
        println!(
            "| {name} | {:.2} | {:.2}x |",
            ms(d),
            ms(d) / ms(sql).max(1e-9)
        );
    };
    row("one SQL query reading the same records (baseline)", sql);
    let b = median(bulletin_t);
    let h = median(html_t);
    let d = median(docx_t);
    row("Db::bulletin (evaluate commitments, targets, projects)", b);
    row("Bulletin::to_html", h);
    row("Bulletin::to_docx (with the chart image)", d);
    row("bulletin + HTML + DOCX", b + h + d);
}
