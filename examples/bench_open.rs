//! Benchmark: opening the embedded default database and answering a first query, next to
//! the floor (raw rusqlite deserializing the same image) and to replaying the data from
//! the seed files, measured in the same run.
//!
//! Run: `cargo run --release --example bench_open` (add `-- --runs N` to change the
//! repetitions; default 2000).

use std::time::{Duration, Instant};

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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse().expect("--runs N"))
        .unwrap_or(2000);

    // The first call in a process builds the image from the embedded seeds.
    let t = Instant::now();
    let db = govreport::Db::open_default().unwrap();
    let cold = t.elapsed();
    assert_eq!(first_query(db.connection()), "地区生产总值增速");
    drop(db);

    let image = govreport::db::build_default_image().unwrap();

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
        let mut conn = Connection::open_in_memory().unwrap();
        conn.deserialize_read_exact(rusqlite::MAIN_DB, image.as_slice(), image.len(), false)
            .unwrap();
        let q = first_query(&conn);
        floor.push(t.elapsed());
        drop(conn);
        std::hint::black_box(q);
    }

    let replay_runs = (runs / 20).max(5);
    let mut replay = Vec::with_capacity(replay_runs);
    for _ in 0..replay_runs {
        // Replay: build the database from the seed files on every open.
        let t = Instant::now();
        let image = govreport::db::build_default_image().unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        conn.deserialize_read_exact(rusqlite::MAIN_DB, image.as_slice(), image.len(), false)
            .unwrap();
        let q = first_query(&conn);
        replay.push(t.elapsed());
        std::hint::black_box(q);
    }

    let lib = median(library);
    let raw = median(floor);
    let rep = median(replay);
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
    println!("runs: {runs} (replay: {replay_runs}); medians");
    println!("| work | median | vs floor |");
    println!("|---|---|---|");
    println!(
        "| raw rusqlite: open_in_memory + deserialize image copy + first query (floor) | {:.1} µs | 1.00x |",
        raw.as_secs_f64() * 1e6
    );
    println!(
        "| `Db::open_default()` + first query | {:.1} µs | {:.2}x |",
        lib.as_secs_f64() * 1e6,
        lib.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "| replay: build from the embedded seed files + first query | {:.1} µs | {:.1}x |",
        rep.as_secs_f64() * 1e6,
        rep.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "| first `open_default()` in a process (builds the image once) | {:.1} µs | {:.1}x |",
        cold.as_secs_f64() * 1e6,
        cold.as_secs_f64() / raw.as_secs_f64()
    );
    println!();
    println!(
        "database image: {} bytes; embedded seed files: {} bytes",
        image.len(),
        seeds
    );
}
