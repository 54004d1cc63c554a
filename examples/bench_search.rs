//! Search benchmark: the FTS5 bigram index against a plain `LIKE '%q%'` scan, on the report
//! and on a SYNTHETIC corpus of generated paragraphs (not part of the dataset).
//!
//! ```text
//! cargo run --release --example bench_search                      # 1,000,000 paragraphs
//! cargo run --release --example bench_search -- --paragraphs 100000 --repeats 3
//! cargo run --release --example bench_search -- --db /tmp/syn.db  # keep / reuse the corpus
//! ```
//!
//! The synthetic text is pseudo-Chinese: a first-order Markov chain over the characters of the
//! report's own paragraphs (each character drawn after the previous one with the report's
//! frequencies), paragraph lengths drawn from the report's paragraphs, a fixed-seed PRNG —
//! the same corpus on every run. It is built in a temporary database file, never in the
//! dataset. Figures are medians; the machine is shared and noisy, compare ratios.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use govreport::{Db, SearchKind, SearchOptions, SearchOrder};

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A first-order character Markov chain learned from the report's paragraphs.
struct Chain {
    /// For each character, the characters that follow it (with repetition = frequency).
    next: HashMap<char, Vec<char>>,
    /// Characters that start a paragraph.
    starts: Vec<char>,
    /// Paragraph lengths in characters.
    lengths: Vec<usize>,
}

impl Chain {
    fn learn(paragraphs: &[String]) -> Chain {
        let mut next: HashMap<char, Vec<char>> = HashMap::new();
        let mut starts = Vec::new();
        let mut lengths = Vec::new();
        for p in paragraphs {
            let cs: Vec<char> = p.chars().collect();
            if cs.is_empty() {
                continue;
            }
            starts.push(cs[0]);
            lengths.push(cs.len());
            for w in cs.windows(2) {
                next.entry(w[0]).or_default().push(w[1]);
            }
        }
        Chain {
            next,
            starts,
            lengths,
        }
    }

    fn paragraph(&self, rng: &mut Rng, out: &mut String) {
        out.clear();
        let len = self.lengths[rng.below(self.lengths.len())];
        let mut c = self.starts[rng.below(self.starts.len())];
        out.push(c);
        for _ in 1..len {
            c = match self.next.get(&c) {
                Some(v) => v[rng.below(v.len())],
                None => self.starts[rng.below(self.starts.len())],
            };
            out.push(c);
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(repeats: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let t = Instant::now();
        let r = f();
        times.push(t.elapsed());
        last = Some(r);
    }
    (median(times), last.expect("repeats >= 1"))
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else if us < 1e6 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

fn ratio(scan: Duration, index: Duration) -> String {
    let r = scan.as_secs_f64() / index.as_secs_f64().max(1e-9);
    if r < 10.0 {
        format!("{r:.1}x")
    } else {
        format!("{r:.0}x")
    }
}

/// Per length: a rare word, a common one, one that is nowhere (the scan's worst case).
const QUERIES: &[(&str, &[&str])] = &[
    ("1 char", &["葡", "发", "钠"]),
    ("2 chars", &["葡萄", "储能", "发展", "钠离"]),
    ("4 chars", &["老旧小区", "乡村振兴", "产业发展", "钠离子池"]),
];

/// Runs every query on paragraphs only, index against `LIKE`, and prints a Markdown table.
fn bench(db: &Db, repeats: usize) -> rusqlite::Result<()> {
    let conn = db.connection();
    println!(
        "| query | hits | index: first 20 (unranked) | LIKE: first 20 | speed-up | \
         index: ranked top 20 | LIKE: all hits | speed-up |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let page = |order| SearchOptions {
        kinds: Some(vec![SearchKind::Paragraph]),
        limit: Some(20),
        order,
        ..SearchOptions::default()
    };
    let mut like_page =
        conn.prepare("SELECT id, text FROM paragraph WHERE text LIKE ?1 LIMIT 20")?;
    let mut like_all = conn.prepare("SELECT id FROM paragraph WHERE text LIKE ?1")?;
    for (label, qs) in QUERIES {
        for q in *qs {
            let pattern = format!("%{q}%");
            let (t_first, first) = time(repeats, || {
                db.search(q, &page(SearchOrder::Index)).expect("search")
            });
            let (t_ranked, ranked) = time(repeats, || {
                db.search(q, &page(SearchOrder::Rank)).expect("search")
            });
            let (t_like_first, like_first) = time(repeats, || {
                like_page
                    .query_map([&pattern], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                    })
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .expect("like")
            });
            let (t_like_all, like_ids) = time(repeats, || {
                like_all
                    .query_map([&pattern], |r| r.get::<_, i64>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .expect("like")
            });
            // Same hits as the scan, on the first page in the same (rowid) order.
            assert_eq!(
                first.iter().map(|h| h.id).collect::<Vec<_>>(),
                like_first.iter().map(|r| r.0).collect::<Vec<_>>(),
                "{q}: first page differs from the scan"
            );
            assert_eq!(ranked.len(), like_ids.len().min(20), "{q}");
            println!(
                "| {q} ({label}) | {} | {} | {} | {} | {} | {} | {} |",
                like_ids.len(),
                fmt(t_first),
                fmt(t_like_first),
                ratio(t_like_first, t_first),
                fmt(t_ranked),
                fmt(t_like_all),
                ratio(t_like_all, t_ranked),
            );
        }
    }
    Ok(())
}

fn sizes(db: &Db) -> rusqlite::Result<(i64, i64, i64)> {
    let conn = db.connection();
    let text: i64 = conn.query_row(
        "SELECT sum(length(CAST(text AS BLOB))) FROM paragraph",
        [],
        |r| r.get(0),
    )?;
    let index: i64 = conn.query_row(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%'",
        [],
        |r| r.get(0),
    )?;
    let table: i64 = conn.query_row(
        "SELECT sum(pgsize) FROM dbstat WHERE name = 'paragraph'",
        [],
        |r| r.get(0),
    )?;
    Ok((text, index, table))
}

fn mb(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut paragraphs: usize = 1_000_000;
    let mut repeats: usize = 5;
    let mut keep: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--paragraphs" => paragraphs = args.next().ok_or("--paragraphs N")?.parse()?,
            "--repeats" => repeats = args.next().ok_or("--repeats N")?.parse::<usize>()?.max(1),
            "--db" => keep = Some(args.next().ok_or("--db FILE")?.into()),
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }

    println!("## The report (built-in database, paragraphs only)\n");
    let db = Db::open_default()?;
    let report = db.report()?;
    let texts: Vec<String> = db
        .paragraphs(report.id)?
        .into_iter()
        .map(|p| p.text)
        .collect();
    let (text, index, _) = sizes(&db)?;
    println!(
        "{} paragraphs, text {} bytes; whole search index (all kinds) {} bytes\n",
        texts.len(),
        text,
        index
    );
    bench(&db, repeats)?;

    println!("\n## SYNTHETIC corpus: {paragraphs} generated paragraphs (not the dataset)\n");
    let tmp = std::env::temp_dir().join(format!("govreport-bench-{}.db", std::process::id()));
    let path = keep.clone().unwrap_or_else(|| tmp.clone());
    let reuse = keep.is_some() && path.exists();
    let mut db = Db::open(&path)?;
    db.connection()
        .pragma_update(None, "cache_size", -2_000_000)?; // 2 GB of page cache
    if reuse {
        println!("(reusing {})\n", path.display());
    } else {
        let t = Instant::now();
        let chain = Chain::learn(&texts);
        let mut rng = Rng(0x5EED_2024);
        let conn = db.connection_mut();
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        let tx = conn.transaction()?;
        let (section, ordinal): (i64, i64) = tx.query_row(
            "SELECT section_id, max(ordinal) FROM paragraph WHERE report_id = ?1",
            [report.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO paragraph (report_id, section_id, ordinal, text) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut buf = String::new();
            for i in 0..paragraphs as i64 {
                chain.paragraph(&mut rng, &mut buf);
                ins.execute(rusqlite::params![report.id, section, ordinal + 1 + i, buf])?;
            }
        }
        let t_text = t.elapsed();
        let t = Instant::now();
        govreport::search::rebuild_index(&tx)?;
        tx.commit()?;
        println!(
            "generated and inserted the text in {:.1} s; built the index in {:.1} s\n",
            t_text.as_secs_f64(),
            t.elapsed().as_secs_f64()
        );
    }
    let (text, index, table) = sizes(&db)?;
    let file = std::fs::metadata(&path)?.len();
    let parts: Vec<String> = {
        let mut st = db.connection().prepare(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%' \
             GROUP BY name ORDER BY name",
        )?;
        st.query_map([], |r| {
            Ok(format!("{} {}", r.get::<_, String>(0)?, mb(r.get(1)?)))
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    println!("index parts: {}\n", parts.join(", "));
    println!(
        "text {} (UTF-8 bytes of paragraph.text); search index {} ({:.2}x the text); \
         paragraph table {}; file {}\n",
        mb(text),
        mb(index),
        index as f64 / text as f64,
        mb(table),
        mb(file as i64)
    );
    // Warm the page cache so every query sees the same conditions.
    db.connection().query_row(
        "SELECT count(*) FROM paragraph WHERE text LIKE '%x%'",
        [],
        |r| r.get::<_, i64>(0),
    )?;
    bench(&db, repeats)?;
    drop(db);
    if keep.is_none() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(())
}
