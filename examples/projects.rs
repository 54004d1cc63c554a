//! Lists the named projects with filters, as an aligned table or JSON.
//!
//! ```text
//! cargo run --example projects -- --status 开工
//! cargo run --example projects -- --year 2023 --status completed
//! cargo run --example projects -- --due-before 2024-07-01 --json
//! cargo run --example projects -- --totals
//! ```
//!
//! Options: `--year YYYY`, `--status WORDS|CODE`, `--area N`, `--text WORD`,
//! `--due-before YYYY-MM-DD`, `--totals` (the aggregate figures instead), `--json`.

#[path = "common/mod.rs"]
mod common;

use govreport::{Db, Error, ProjectFilter};

fn number<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, Error> {
    common::arg_value(args, name)
        .map(|s| {
            s.parse()
                .map_err(|_| Error::InvalidArgument(format!("{name} {s}: not a number")))
        })
        .transpose()
}

fn run(args: &[String]) -> Result<(), Error> {
    let db = Db::open_default()?;
    let json = args.iter().any(|a| a == "--json");
    if args.iter().any(|a| a == "--totals") {
        let totals = db.project_totals(number(args, "--year")?)?;
        if json {
            println!("{}", serde_json::to_string_pretty(&totals)?);
        } else {
            let rows: Vec<Vec<String>> = totals
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.year.to_string(),
                        t.scope.clone(),
                        t.metric.clone(),
                        t.written.clone(),
                        t.quote.clone(),
                    ]
                })
                .collect();
            common::print_table(
                &["id", "year", "scope", "metric", "value", "quote"],
                &rows,
                36,
            );
        }
        return Ok(());
    }
    let filter = ProjectFilter {
        report_id: None,
        year: number(args, "--year")?,
        status: common::arg_value(args, "--status"),
        area: number(args, "--area")?,
        text: common::arg_value(args, "--text"),
        due_before: common::arg_value(args, "--due-before"),
    };
    let list = db.projects(&filter)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.year.to_string(),
                p.name.clone(),
                p.status.clone(),
                p.status_code.code().to_string(),
                p.deadline.clone().unwrap_or_default(),
                p.companies.join("、"),
            ]
        })
        .collect();
    common::print_table(
        &[
            "id",
            "year",
            "name",
            "status",
            "code",
            "deadline",
            "companies",
        ],
        &rows,
        36,
    );
    println!("{} projects", list.len());
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}
