//! Benchmark of the tracking module (numbers for BENCHMARKS.md):
//!
//! 1. progress records ingested per second, 1,000,000 records in one transaction into an
//!    on-disk WAL database, through `ProgressBatch::append` (validation included) next to raw
//!    rusqlite inserting the same rows with a held statement, in the same run;
//! 2. time to evaluate every target's status with 100,000 progress records present;
//! 3. one record appended with `Db::add_progress` (its own transaction, as the API does) on
//!    that file of 100,000 records, next to raw rusqlite doing the same: `BEGIN IMMEDIATE`,
//!    the same subject query the API validates with, the insert, `COMMIT`, through held
//!    statements (median of many single appends, the two sides alternating).
//!
//! ```text
//! cargo run --release --example bench_tracking            # 1,000,000 records, 3 repeats
//! cargo run --release --example bench_tracking -- 200000 1 # smaller
//! BENCH_CACHE_KIB=65536 cargo run --release --example bench_tracking   # both sides: 64 MiB cache
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use govreport::tracking::{EvaluationConfig, NewProgress, Period};
use govreport::{Db, FigureFilter};
use rusqlite::{Connection, params};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `n` realistic records: every target of the report in turn, months Jan–Dec, the target's
/// own unit, a reporter, a time and a short 进展情况.
fn records(db: &Db, n: usize) -> Vec<NewProgress> {
    let targets = db.targets(&FigureFilter::default()).unwrap();
    (0..n)
        .map(|i| {
            let t = &targets[i % targets.len()];
            let month = (i / targets.len()) % 12 + 1;
            NewProgress {
                reported_by: Some("区统计局".into()),
                reported_at: Some(format!("2024-{month:02}-25T10:00:00+08:00")),
                progress_text: Some("按序时推进，数据已核实".into()),
                ..NewProgress::target(
                    t.id,
                    &format!("2024-{month:02}"),
                    t.value * month as f64 / 12.0,
                    &t.unit,
                )
            }
        })
        .collect()
}

fn fresh(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    drop(Db::open(&path).unwrap());
    path
}

fn ingest_api(path: &Path, recs: &[NewProgress]) -> Duration {
    let mut db = Db::open(path).unwrap();
    if let Ok(kib) = std::env::var("BENCH_CACHE_KIB") {
        db.connection()
            .pragma_update(None, "cache_size", -kib.parse::<i64>().unwrap())
            .unwrap();
    }
    let start = Instant::now();
    let mut batch = db.progress_batch().unwrap();
    for r in recs {
        batch.append(r).unwrap();
    }
    batch.commit().unwrap();
    start.elapsed()
}

/// Raw rusqlite: the same rows (period end and base value computed beforehand, outside the
/// timing), one held statement, one transaction, on the same kind of file.
fn ingest_raw(path: &Path, recs: &[NewProgress], ends: &[String], bases: &[f64]) -> Duration {
    let mut conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    if let Ok(kib) = std::env::var("BENCH_CACHE_KIB") {
        conn.pragma_update(None, "cache_size", -kib.parse::<i64>().unwrap())
            .unwrap();
    }
    let start = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut st = tx
            .prepare(govreport::tracking::progress::PROGRESS_INSERT_SQL)
            .unwrap();
        for ((r, end), base) in recs.iter().zip(ends).zip(bases) {
            st.execute(params![
                r.subject_kind.code(),
                r.subject_id,
                r.period,
                end,
                r.value,
                r.unit,
                base,
                r.cumulative,
                r.progress_text,
                r.problems,
                r.next_steps,
                r.reported_by,
                r.reported_at,
                r.supersedes_id,
                None::<f64>,
                None::<f64>,
                None::<String>,
                None::<f64>,
                None::<f64>,
                None::<String>,
                None::<String>,
                None::<String>,
                None::<String>,
                None::<String>, // work_status
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    start.elapsed()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let repeats: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let dir = std::env::temp_dir().join(format!("govreport-bench-tracking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let default = Db::open_default().unwrap();
    let recs = records(&default, n);
    let ends: Vec<String> = recs
        .iter()
        .map(|r| Period::parse(&r.period).unwrap().end_date())
        .collect();
    let units: std::collections::HashMap<i64, f64> = default
        .targets(&FigureFilter::default())
        .unwrap()
        .into_iter()
        .map(|t| {
            (
                t.id,
                if t.value != 0.0 {
                    t.base_value / t.value
                } else {
                    1.0
                },
            )
        })
        .collect();
    let bases: Vec<f64> = recs
        .iter()
        .map(|r| r.value.unwrap() * units[&r.subject_id])
        .collect();

    let (mut api, mut raw) = (Vec::new(), Vec::new());
    for i in 0..repeats {
        // Alternate the order so neither side always runs on a warmer machine.
        let a = fresh(&dir, "api.db");
        let b = fresh(&dir, "raw.db");
        if i % 2 == 0 {
            api.push(ingest_api(&a, &recs));
            raw.push(ingest_raw(&b, &recs, &ends, &bases));
        } else {
            raw.push(ingest_raw(&b, &recs, &ends, &bases));
            api.push(ingest_api(&a, &recs));
        }
        // Both files hold the same rows.
        let count = |p: &Path| -> i64 {
            Connection::open(p)
                .unwrap()
                .query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!((count(&a), count(&b)), (n as i64, n as i64));
    }
    let (api, raw) = (median(api), median(raw));
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "ingest {n} progress records, one transaction, on-disk WAL file (median of {repeats}):"
    );
    println!(
        "| govreport `ProgressBatch::append` (validated) | {:.0} ms | {:.2} M records/s | {:.2}x |",
        api.as_secs_f64() * 1e3,
        rate(api) / 1e6,
        api.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "| raw rusqlite, held statement, same rows | {:.0} ms | {:.2} M records/s | 1.00x |",
        raw.as_secs_f64() * 1e3,
        rate(raw) / 1e6
    );

    // Evaluation with 100,000 records present.
    let eval_n = 100_000.min(n);
    let path = fresh(&dir, "eval.db");
    ingest_api(&path, &recs[..eval_n]);
    let db = Db::open(&path).unwrap();
    let config = EvaluationConfig::default();
    let first = db.evaluate_targets("2024-06", &config).unwrap();
    let targets = first.len();
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let out = db.evaluate_targets("2024-06", &config).unwrap();
        times.push(t.elapsed());
        assert_eq!(out.len(), targets);
    }
    let eval = median(times);
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        db.evaluate_projects("2024-06", &config).unwrap();
        times.push(t.elapsed());
    }
    let proj = median(times);
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        db.targets(&FigureFilter::default()).unwrap();
        times.push(t.elapsed());
    }
    let list = median(times);
    println!("evaluate with {eval_n} progress records present (median of 15):");
    println!(
        "| `evaluate_targets(\"2024-06\")`, {targets} targets | {:.2} ms |",
        eval.as_secs_f64() * 1e3
    );
    println!(
        "| `evaluate_projects(\"2024-06\")` | {:.2} ms |",
        proj.as_secs_f64() * 1e3
    );
    println!(
        "| of which listing the targets (`Db::targets`) | {:.2} ms |",
        list.as_secs_f64() * 1e3
    );

    // One append at a time on the file with `eval_n` records.
    drop(db);
    let singles = 400;
    let mut db = Db::open(&path).unwrap();
    let raw_conn = Connection::open(&path).unwrap();
    raw_conn.pragma_update(None, "foreign_keys", true).unwrap();
    let (mut api, mut raw) = (Vec::new(), Vec::new());
    for i in 0..singles {
        let k = i % recs.len();
        let (r, end, base) = (&recs[k], &ends[k], bases[k]);
        let api_once = |db: &mut Db| {
            let t = Instant::now();
            db.add_progress(r).unwrap();
            t.elapsed()
        };
        if i % 2 == 0 {
            api.push(api_once(&mut db));
            raw.push(append_raw(&raw_conn, r, end, base));
        } else {
            raw.push(append_raw(&raw_conn, r, end, base));
            api.push(api_once(&mut db));
        }
    }
    let count: i64 = raw_conn
        .query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, (eval_n + 2 * singles) as i64);
    let (api, raw) = (median(api), median(raw));
    println!(
        "append one record, its own transaction, {eval_n} records present, on-disk WAL file \
         (median of {singles}):"
    );
    println!(
        "| govreport `Db::add_progress` (validated) | {:.3} ms | {:.2}x |",
        api.as_secs_f64() * 1e3,
        api.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "| raw rusqlite: BEGIN, subject query, insert, COMMIT (held statements) | {:.3} ms | 1.00x |",
        raw.as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Raw rusqlite appending one record the way `add_progress` does: its own write transaction,
/// the subject's point query (plan year and unit, as validation reads them), the insert. Every
/// statement is held in rusqlite's cache; period end and base value are computed beforehand.
fn append_raw(conn: &Connection, r: &NewProgress, end: &str, base: f64) -> Duration {
    let t = Instant::now();
    conn.prepare_cached("BEGIN IMMEDIATE")
        .unwrap()
        .execute([])
        .unwrap();
    let (year, unit): (i32, Option<String>) = conn
        .prepare_cached("SELECT year, unit FROM figure WHERE kind = 'target' AND id = ?1")
        .unwrap()
        .query_row([r.subject_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    assert!(year == 2024 && unit.is_some());
    conn.prepare_cached(govreport::tracking::progress::PROGRESS_INSERT_SQL)
        .unwrap()
        .execute(params![
            r.subject_kind.code(),
            r.subject_id,
            r.period,
            end,
            r.value,
            r.unit,
            base,
            r.cumulative,
            r.progress_text,
            r.problems,
            r.next_steps,
            r.reported_by,
            r.reported_at,
            r.supersedes_id,
            None::<f64>,
            None::<f64>,
            None::<String>,
            None::<f64>,
            None::<f64>,
            None::<String>,
            None::<String>,
            None::<String>,
            None::<String>,
            None::<String>, // work_status
        ])
        .unwrap();
    conn.prepare_cached("COMMIT").unwrap().execute([]).unwrap();
    t.elapsed()
}
