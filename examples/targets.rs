//! Lists targets (or results) with filters, as an aligned table or JSON.
//!
//! ```text
//! cargo run --example targets -- --area 3
//! cargo run --example targets -- --due-before 2024-07-01
//! cargo run --example targets -- --headline --json
//! cargo run --example targets -- --results --text 游客
//! ```
//!
//! Options: `--area N` (1–10), `--headline`, `--measure growth_rate|share|level|count`,
//! `--due-before YYYY-MM-DD`, `--text WORD`, `--results` (2023 results instead of targets),
//! `--json`.

#[path = "common/mod.rs"]
mod common;

use govreport::{Db, FigureFilter, Measure};

fn run(args: &[String]) -> Result<(), govreport::Error> {
    let parse_area = |s: String| {
        s.parse::<i64>()
            .map_err(|_| govreport::Error::InvalidArgument(format!("--area {s}: not a number")))
    };
    let filter = FigureFilter {
        area: common::arg_value(args, "--area")
            .map(parse_area)
            .transpose()?,
        headline_only: args.iter().any(|a| a == "--headline"),
        measure: common::arg_value(args, "--measure")
            .map(|m| Measure::from_code(&m))
            .transpose()?,
        due_before: common::arg_value(args, "--due-before"),
        text: common::arg_value(args, "--text"),
        report_id: None,
    };
    let db = Db::open_default()?;
    let list = if args.iter().any(|a| a == "--results") {
        db.results(&filter)?
    } else {
        db.targets(&filter)?
    };
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.area.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
                t.metric.clone(),
                format!("{}{}", common::num(t.value), t.unit),
                t.qualifier.clone().unwrap_or_default(),
                t.deadline.clone().unwrap_or_default(),
                t.quote.clone(),
            ]
        })
        .collect();
    common::print_table(
        &[
            "id",
            "area",
            "metric",
            "value",
            "qualifier",
            "deadline",
            "quote",
        ],
        &rows,
        36,
    );
    println!("{} records", list.len());
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}
