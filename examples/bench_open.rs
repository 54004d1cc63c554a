//! Benchmark: opening the embedded default database and answering a first query, next to
//! the floor (raw rusqlite deserializing the same image), measured in the same run: the
//! first open in a fresh process (child processes: this program re-run with `--child`),
//! later opens, and the old path that rebuilt the image from the seed files.
//!
//! Run: `cargo run --release --example bench_open` (add `-- --runs N` to change the
//! repetitions, default 2000; `--children N` the fresh processes per row, default 31).

use std::process::Command;
use std::time::{Duration, Instant};

use govreport::db::DEFAULT_IMAGE;
use rusqlite::Connection;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

const FIRST_QUERY: &str = "SELECT metric, value, unit FROM figure WHERE kind = 'target' AND id = 1";

fn first_query(conn: &Connection) -> String {
    conn.query_row(FIRST_QUERY, [], |r| r.get::<_, String>(0))
        .unwrap()
}

/// Raw rusqlite: a writable in-memory copy of `image`, as `open_default` makes.
fn raw_open(image: &[u8]) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.deserialize_read_exact(rusqlite::MAIN_DB, image, image.len(), false)
        .unwrap();
    conn
}

/// In a child: times the first open of its kind in this process and prints nanoseconds.
fn child(kind: &str) {
    let t = Instant::now();
    let q = match kind {
        "open_default" => first_query(govreport::Db::open_default().unwrap().connection()),
        "floor" => first_query(&raw_open(DEFAULT_IMAGE)),
        "rebuild" => first_query(&raw_open(&govreport::db::build_default_image().unwrap())),
        other => panic!("unknown child kind {other}"),
    };
    let took = t.elapsed();
    assert_eq!(q, "地区生产总值增速");
    println!("{}", took.as_nanos());
}

/// The median of the first open of `kind` over `n` fresh processes.
fn in_children(kind: &str, n: usize) -> Duration {
    let exe = std::env::current_exe().unwrap();
    let times = (0..n)
        .map(|_| {
            let out = Command::new(&exe).args(["--child", kind]).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let ns: u64 = String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            Duration::from_nanos(ns)
        })
        .collect();
    median(times)
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(kind) = arg(&args, "--child") {
        return child(&kind);
    }
    let runs: usize = arg(&args, "--runs").map_or(2000, |s| s.parse().expect("--runs N"));
    let children: usize = arg(&args, "--children").map_or(31, |s| s.parse().expect("--children N"));

    let first_floor = in_children("floor", children);
    let first_lib = in_children("open_default", children);
    let first_rebuild = in_children("rebuild", children.min(11));

    let mut library = Vec::with_capacity(runs);
    let mut floor = Vec::with_capacity(runs);
    for _ in 0..runs {
        // govreport: the public API, as a user calls it.
        let t = Instant::now();
        let db = govreport::Db::open_default().unwrap();
        let q = first_query(db.connection());
        library.push(t.elapsed());
        drop(db);
        std::hint::black_box(q);

        // Floor: raw rusqlite deserializing the same image into a writable in-memory copy.
        let t = Instant::now();
        let conn = raw_open(DEFAULT_IMAGE);
        let q = first_query(&conn);
        floor.push(t.elapsed());
        drop(conn);
        std::hint::black_box(q);
    }

    let replay_runs = (runs / 20).max(5);
    let mut replay = Vec::with_capacity(replay_runs);
    for _ in 0..replay_runs {
        // The old path: build the database from the seed files, then deserialize it.
        let t = Instant::now();
        let image = govreport::db::build_default_image().unwrap();
        let q = first_query(&raw_open(&image));
        replay.push(t.elapsed());
        std::hint::black_box(q);
    }

    let raw = median(floor);
    let row = |work: &str, d: Duration| {
        println!(
            "| {work} | {:.1} µs | {:.2}x |",
            d.as_secs_f64() * 1e6,
            d.as_secs_f64() / raw.as_secs_f64()
        );
    };
    println!(
        "later opens: {runs} runs (rebuild: {replay_runs}); first opens: median of {children} \
         fresh processes (rebuild: {}); medians",
        children.min(11)
    );
    println!("| work | median | vs floor |");
    println!("|---|---|---|");
    row(
        "floor: raw rusqlite open_in_memory + deserialize a writable copy of the image + first query",
        raw,
    );
    row(
        "`Db::open_default()` + first query, later opens",
        median(library),
    );
    row(
        "**first `Db::open_default()` in a process** + first query",
        first_lib,
    );
    row(
        "first raw deserialize in a process + first query",
        first_floor,
    );
    row(
        "old path, later opens: rebuild the image from the seed files + deserialize + first query",
        median(replay),
    );
    row(
        "old path, first in a process: rebuild from the seeds + deserialize + first query",
        first_rebuild,
    );
    println!();
    let seeds: usize = govreport::seed::BUILTIN
        .iter()
        .map(|f| {
            f.report_json.len()
                + f.report_txt.len()
                + f.targets.iter().map(|t| t.len()).sum::<usize>()
                + f.results.len()
                + f.projects.len()
                + f.project_totals.len()
                + f.places.len()
                + f.glossary.len()
                + f.undefined_terms.len()
        })
        .sum();
    println!(
        "database image (src/db/default.sqlite): {} bytes; embedded seed files: {seeds} bytes",
        DEFAULT_IMAGE.len()
    );
}
