//! Benchmark of commitment evaluation and the light history (numbers for BENCHMARKS.md).
//!
//! On an on-disk WAL file: the built-in report's 143 commitments plus 57 copies of
//! qualitative ones (ids from 100001 on; they exist only in the benchmark's temporary file),
//! 200 in all; a year of monthly SYNTHETIC records — one work-status record per commitment and month,
//! one cumulative value per target and month, and every 20th commitment record corrected two
//! months later. Times, median of several runs:
//!
//! 1. `Db::evaluate_commitments("2024-12")`: every commitment, quantitative ones through their
//!    targets;
//! 2. the same with `known_at` (as known at 2024-09-30);
//! 3. a 12-month `Db::light_history` (2024-01 to 2024-12) for every commitment, one call per
//!    commitment (each month as known at its end);
//! 4. the baseline: reading the same records (every commitment and target record, every
//!    column) with one SQL query.
//!
//! ```text
//! cargo run --release --example bench_lights            # 7 runs each
//! cargo run --release --example bench_lights -- --quick # one run (tests/examples.rs)
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use govreport::tracking::{EvaluationConfig, NewProgress, WorkStatus};
use govreport::{CommitmentFilter, Db, FigureFilter, SubjectKind};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        times.push(t.elapsed());
    }
    median(times)
}

/// 200 commitments and a year of SYNTHETIC records on a new file.
fn build(path: &PathBuf) -> (usize, usize) {
    let mut db = Db::open(path).unwrap();
    // 57 copies of qualitative commitments, so that there are 200.
    let copied = db
        .connection()
        .execute(
            "INSERT INTO commitment (id, report_id, part, area, section_id, paragraph_id, kind,
                 action, deadline, deadline_text, deadline_source, quote, quote_start, sentence)
             SELECT 100000 + id, report_id, part, area, section_id, paragraph_id, kind, action,
                 deadline, deadline_text, deadline_source, quote, quote_start, sentence
             FROM commitment WHERE kind = 'qualitative' ORDER BY id LIMIT 57",
            [],
        )
        .unwrap();
    assert_eq!(copied, 57);
    let commitments = db.commitments(&CommitmentFilter::default()).unwrap();
    let targets = db.targets(&FigureFilter::default()).unwrap();
    let statuses = [
        WorkStatus::NotStarted,
        WorkStatus::InProgress,
        WorkStatus::InProgress,
        WorkStatus::Lagging,
        WorkStatus::InProgress,
        WorkStatus::Done,
    ];
    let mut records = 0;
    let mut batch = db.progress_batch().unwrap();
    for m in 1..=12u32 {
        let period = format!("2024-{m:02}");
        let at = format!("2024-{m:02}-25T10:00:00+08:00");
        for (i, c) in commitments.iter().enumerate() {
            let status = statuses[(i + m as usize) % statuses.len()];
            let id = batch
                .append(&NewProgress {
                    reported_by: Some("SYNTHETIC 区督查室".into()),
                    reported_at: Some(at.clone()),
                    progress_text: Some(format!("SYNTHETIC {period} 进展情况")),
                    problems: Some("SYNTHETIC 存在的问题".into()),
                    next_steps: Some("SYNTHETIC 下一步措施".into()),
                    ..NewProgress::commitment(c.id, &period, status)
                })
                .unwrap();
            records += 1;
            // Every 20th record is corrected two months later.
            if i % 20 == 0 && m <= 10 {
                batch
                    .append(&NewProgress {
                        supersedes_id: Some(id),
                        reported_by: Some("SYNTHETIC 区督查室".into()),
                        reported_at: Some(format!("2024-{:02}-05T10:00:00+08:00", m + 2)),
                        progress_text: Some(format!("SYNTHETIC {period} 更正")),
                        ..NewProgress::commitment(c.id, &period, WorkStatus::InProgress)
                    })
                    .unwrap();
                records += 1;
            }
        }
        for (i, t) in targets.iter().enumerate() {
            // Most targets keep pace with 序时进度; every 7th lags by a quarter.
            let pace = if i % 7 == 0 { 0.75 } else { 1.0 };
            batch
                .append(&NewProgress {
                    reported_by: Some("SYNTHETIC 区统计局".into()),
                    reported_at: Some(at.clone()),
                    ..NewProgress::target(t.id, &period, t.value * pace * m as f64 / 12.0, &t.unit)
                })
                .unwrap();
            records += 1;
        }
    }
    batch.commit().unwrap();
    (commitments.len(), records)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 1 } else { 7 };
    let dir = std::env::temp_dir().join(format!("govreport-bench-lights-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lights.db");
    let (n, records) = build(&path);
    let db = Db::open(&path).unwrap();
    let config = EvaluationConfig::default();
    let ids: Vec<i64> = db
        .commitments(&CommitmentFilter::default())
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids.len(), n);

    let evaluate = time(runs, || {
        let out = db.evaluate_commitments("2024-12", &config).unwrap();
        assert_eq!(out.len(), n);
        out
    });
    let september = EvaluationConfig {
        known_at: Some("2024-09-30".into()),
        ..EvaluationConfig::default()
    };
    let evaluate_known = time(runs, || {
        db.evaluate_commitments("2024-12", &september).unwrap()
    });
    let history = time(runs, || {
        let mut months = 0;
        for id in &ids {
            let h = db
                .light_history(SubjectKind::Commitment, *id, "2024-01", "2024-12", &config)
                .unwrap();
            months += h.len();
        }
        assert_eq!(months, n * 12);
        months
    });
    let one_history = time(runs.max(5), || {
        db.light_history(SubjectKind::Commitment, 11, "2024-01", "2024-12", &config)
            .unwrap()
    });
    // The same records through one query: every column of every commitment and target record.
    let read = time(runs.max(5), || {
        let mut st = db
            .connection()
            .prepare_cached(
                "SELECT * FROM progress WHERE subject_kind IN ('commitment', 'target')
                 ORDER BY subject_kind, subject_id, period_end, id",
            )
            .unwrap();
        let columns = st.column_count();
        let mut rows = st.query([]).unwrap();
        let mut n = 0;
        while let Some(r) = rows.next().unwrap() {
            for i in 0..columns {
                std::hint::black_box(r.get::<_, rusqlite::types::Value>(i).unwrap());
            }
            n += 1;
        }
        assert_eq!(n, records);
        n
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let x = |d: Duration| d.as_secs_f64() / read.as_secs_f64();
    println!(
        "{n} commitments, {records} SYNTHETIC progress records (a year, monthly), on-disk WAL \
         file (median of {runs}):"
    );
    println!("| work | time | vs one SQL query |");
    println!("|---|---|---|");
    println!(
        "| read the same records, one SQL query, every column | {:.2} ms | 1.00x |",
        ms(read)
    );
    println!(
        "| `evaluate_commitments(\"2024-12\")`, all {n} | {:.2} ms | {:.2}x |",
        ms(evaluate),
        x(evaluate)
    );
    println!(
        "| the same, `known_at` 2024-09-30 | {:.2} ms | {:.2}x |",
        ms(evaluate_known),
        x(evaluate_known)
    );
    println!(
        "| 12-month `light_history` of every commitment ({} months) | {:.1} ms | {:.2}x |",
        n * 12,
        ms(history),
        x(history)
    );
    println!(
        "| 12-month `light_history` of one commitment | {:.2} ms | {:.2}x |",
        ms(one_history),
        x(one_history)
    );
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}
