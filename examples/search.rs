//! Search the report from the command line.
//!
//! ```text
//! cargo run --example search -- 储能                 # readable, ranked
//! cargo run --example search -- 储能 项目 --limit 5   # AND of two terms, first 5 hits
//! cargo run --example search -- --json 储能          # JSON array of all hits, for scripts
//! cargo run --example search -- --kind project 储能  # only projects (repeatable)
//! ```
//!
//! Options: `--json`, `--limit N`, `--offset N`, `--kind K` (paragraph, target, result,
//! project, place, glossary; repeatable), `--unranked` (index order), `--db FILE` (search a
//! database file instead of the built-in one). Every other argument is a query term.

use std::process::ExitCode;

use govreport::{Db, SearchKind, SearchOptions, SearchOrder};

fn usage() -> ExitCode {
    eprintln!(
        "usage: search [--json] [--limit N] [--offset N] [--kind KIND]... [--unranked] \
         [--db FILE] TERM..."
    );
    ExitCode::from(2)
}

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut json = false;
    let mut db_path: Option<String> = None;
    let mut opts = SearchOptions::default();
    let mut terms: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--unranked" => opts.order = SearchOrder::Index,
            "--limit" | "--offset" | "--kind" | "--db" => {
                let Some(v) = args.next() else {
                    return Ok(usage());
                };
                match a.as_str() {
                    "--limit" => opts.limit = Some(v.parse()?),
                    "--offset" => opts.offset = v.parse()?,
                    "--kind" => opts
                        .kinds
                        .get_or_insert_with(Vec::new)
                        .push(SearchKind::from_name(&v)?),
                    _ => db_path = Some(v),
                }
            }
            "-h" | "--help" => return Ok(usage()),
            "--" => terms.extend(args.by_ref()),
            _ => terms.push(a),
        }
    }
    if terms.is_empty() {
        return Ok(usage());
    }
    let db = match db_path {
        Some(p) => Db::open_with(p, govreport::OpenMode::ReadOnly)?,
        None => Db::open_default()?,
    };
    let hits = db.search(&terms.join(" "), &opts)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
        return Ok(ExitCode::SUCCESS);
    }
    let kind_w = hits.iter().map(|h| h.kind.len()).max().unwrap_or(4);
    let id_w = hits
        .iter()
        .map(|h| h.id.to_string().len())
        .max()
        .unwrap_or(2);
    println!(
        "{} hit{} for {:?}",
        hits.len(),
        if hits.len() == 1 { "" } else { "s" },
        terms.join(" ")
    );
    for h in &hits {
        println!(
            "{:>7.3}  {:<kind_w$}  {:>id_w$}  {}",
            h.score, h.kind, h.id, h.section_path
        );
        let indent = 7 + 2 + kind_w + 2 + id_w + 2;
        println!("{:indent$}{}", "", h.snippet);
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("search: {e}");
            ExitCode::FAILURE
        }
    }
}
