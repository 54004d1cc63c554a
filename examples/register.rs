//! The key-project and village registers from the command line: import, export, check against
//! the report, roll villages up, and generate a labelled SYNTHETIC register to try it with.
//!
//! ```text
//! cargo run --example register -- synthetic --out projects.xlsx
//! cargo run --example register -- import --db office.db projects.xlsx
//! cargo run --example register -- import --db office.db projects.csv --skip-bad-rows
//! cargo run --example register -- export --db office.db --format csv > register.csv
//! cargo run --example register -- export --db office.db --out register.xlsx
//! cargo run --example register -- check --db office.db
//! cargo run --example register -- synthetic --villages --out villages.csv
//! cargo run --example register -- import-villages --db office.db villages.csv
//! cargo run --example register -- villages --db office.db --year 2024
//! ```
//!
//! Options: `--db FILE` (created with the built-in report if missing), `--json` (check,
//! villages, import), `--skip-bad-rows`, `--year YYYY` (village files without a 年份 column),
//! `--format csv|xlsx`, `--out FILE`, `--seed N` (synthetic).
//!
//! `check` exits with status 1 when a figure differs from the report. A failed import prints
//! every bad row (row, column, reason) and exits with status 2;
//! nothing is written.

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use govreport::registers::synthetic::{self, ProjectOptions};
use govreport::registers::{FileFormat, ImportError, ImportOptions, ImportSummary};
use govreport::{Db, Error};

const USAGE: &str = "usage: register <import|import-villages|export|check|villages|synthetic> \
    [--db FILE] [FILE] [--skip-bad-rows] [--year YYYY] [--format csv|xlsx] [--out FILE] \
    [--villages] [--seed N] [--json]";

/// The first argument after the subcommand that is neither an option nor an option's value.
fn positional(args: &[String]) -> Option<String> {
    let with_value = ["--db", "--year", "--format", "--out", "--seed"];
    let mut i = 1;
    while i < args.len() {
        if with_value.contains(&args[i].as_str()) {
            i += 2;
        } else if args[i].starts_with("--") {
            i += 1;
        } else {
            return Some(args[i].clone());
        }
    }
    None
}

fn open(args: &[String]) -> Result<(Db, i64), Error> {
    let path = common::arg_value(args, "--db")
        .ok_or_else(|| Error::InvalidArgument(format!("--db FILE is required\n{USAGE}")))?;
    let db = Db::open(path)?;
    let report = db.report()?.id;
    Ok((db, report))
}

fn print_import(done: &ImportSummary, json: bool) -> Result<(), Error> {
    if json {
        println!("{}", serde_json::to_string_pretty(done)?);
        return Ok(());
    }
    println!(
        "{}: header on row {}, {} rows read: {} inserted, {} updated, {} linked to the report",
        done.source, done.header_row, done.rows_read, done.inserted, done.updated, done.linked
    );
    if done.years_written > 0 {
        println!("{} yearly village records written", done.years_written);
    }
    for (code, name) in &done.towns_created {
        println!("created town {code} {name} from the 乡镇 column");
    }
    for (row, ids) in &done.ambiguous_links {
        println!("row {row}: name matches several report records {ids:?}; left unlinked");
    }
    if !done.ignored_columns.is_empty() {
        println!("columns not read: {}", done.ignored_columns.join(", "));
    }
    if !done.skipped.is_empty() {
        println!("skipped {} bad row(s):", done.skipped_rows().len());
        for p in &done.skipped {
            println!("  {p}");
        }
    }
    Ok(())
}

/// Runs an import; bad rows are printed and turn into exit status 2.
fn import(
    args: &[String],
    villages: bool,
) -> Result<Result<(), govreport::registers::ImportError>, Error> {
    let (mut db, report) = open(args)?;
    let file =
        positional(args).ok_or_else(|| Error::InvalidArgument(format!("which file?\n{USAGE}")))?;
    let options = ImportOptions {
        skip_bad_rows: args.iter().any(|a| a == "--skip-bad-rows"),
        year: common::arg_value(args, "--year")
            .map(|y| {
                y.parse()
                    .map_err(|_| Error::InvalidArgument(format!("--year {y}: not a year")))
            })
            .transpose()?,
        ..Default::default()
    };
    let done = if villages {
        db.import_villages(report, &file, &options)
    } else {
        db.import_projects(report, &file, &options)
    };
    match done {
        Ok(done) => {
            print_import(&done, args.iter().any(|a| a == "--json"))?;
            Ok(Ok(()))
        }
        Err(ImportError::Other(e)) => Err(e),
        Err(e) => Ok(Err(e)),
    }
}

fn export(args: &[String]) -> Result<(), Error> {
    let (db, report) = open(args)?;
    if let Some(out) = common::arg_value(args, "--out") {
        let n = db.export_projects_to(report, &out)?;
        eprintln!("{n} projects written to {out}");
        return Ok(());
    }
    let format = match common::arg_value(args, "--format").as_deref() {
        None | Some("csv") => FileFormat::Csv,
        Some("xlsx") => FileFormat::Xlsx,
        Some(f) => return Err(Error::InvalidArgument(format!("--format {f}: csv or xlsx"))),
    };
    let bytes = db.export_projects(report, format)?;
    std::io::stdout().write_all(&bytes)?;
    Ok(())
}

fn check(args: &[String]) -> Result<bool, Error> {
    let (db, report) = open(args)?;
    let c = db.register_consistency(report)?;
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(c.all_consistent());
    }
    println!(
        "register of report {} ({}): {} projects, {} linked to projects the report names",
        c.report_id, c.year, c.rows, c.linked
    );
    let rows: Vec<Vec<String>> = c
        .checks
        .iter()
        .map(|k| {
            vec![
                k.metric.clone(),
                k.written.clone().unwrap_or_else(|| "—".into()),
                format!(
                    "{}{}",
                    common::num((k.register_value * 100.0).round() / 100.0),
                    k.unit
                ),
                k.difference
                    .map(|d| format!("{:+}", (d * 100.0).round() / 100.0))
                    .unwrap_or_default(),
                match k.consistent {
                    Some(true) => "一致".into(),
                    Some(false) => "不一致".into(),
                    None => "报告无此数".into(),
                },
            ]
        })
        .collect();
    common::print_table(&["指标", "报告", "台账", "差额", "结论"], &rows, 30);
    println!();
    let cats: Vec<Vec<String>> = c
        .by_category
        .iter()
        .map(|k| {
            vec![
                k.category.clone(),
                k.count.to_string(),
                common::num(k.total_investment),
                common::num(k.annual_plan),
            ]
        })
        .collect();
    common::print_table(
        &["类别", "个数", "总投资（万元）", "年度计划（万元）"],
        &cats,
        20,
    );
    println!(
        "\n{} rows without a national code, {} without an annual plan; {} projects the report \
         names for {} are not in the register",
        c.missing_national_code,
        c.missing_annual_plan,
        c.report_projects_not_in_register.len(),
        c.year
    );
    Ok(c.all_consistent())
}

fn villages(args: &[String]) -> Result<(), Error> {
    let (db, report) = open(args)?;
    let year = match common::arg_value(args, "--year") {
        Some(y) => y
            .parse()
            .map_err(|_| Error::InvalidArgument(format!("--year {y}: not a year")))?,
        None => db.report()?.plan_year,
    };
    let r = db.village_rollup(report, year)?;
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!(
        "{year}: {} villages and communities ({} administrative villages), {} with income data",
        r.places, r.villages, r.places_with_income
    );
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .map(|l| {
            vec![
                l.metric.clone(),
                l.target_value
                    .map(|v| format!("{}{}", common::num(v), l.unit))
                    .unwrap_or_default(),
                common::num(l.actual),
                match l.met {
                    Some(true) => "达成".into(),
                    Some(false) => "未达成".into(),
                    None => "数据不全".into(),
                },
                l.detail.clone(),
            ]
        })
        .collect();
    common::print_table(&["目标", "目标值", "实际", "结论", "说明"], &rows, 40);
    Ok(())
}

fn synthetic_file(args: &[String]) -> Result<(), Error> {
    let out = common::arg_value(args, "--out")
        .ok_or_else(|| Error::InvalidArgument(format!("--out FILE is required\n{USAGE}")))?;
    let format = FileFormat::from_path(&out)?;
    let seed = common::arg_value(args, "--seed")
        .map(|s| {
            s.parse()
                .map_err(|_| Error::InvalidArgument(format!("--seed {s}")))
        })
        .transpose()?;
    let bytes = if args.iter().any(|a| a == "--villages") {
        synthetic::village_register(seed.unwrap_or(3), &[2023, 2024], format)?
    } else {
        let options = ProjectOptions {
            seed: seed.unwrap_or(ProjectOptions::default().seed),
            ..ProjectOptions::default()
        };
        synthetic::project_register(&options, format)?
    };
    std::fs::write(&out, bytes)?;
    eprintln!("wrote {out}: SYNTHETIC data, labelled as such in its first row and 备注 column");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("import") => import(&args, false),
        Some("import-villages") => import(&args, true),
        Some("export") => export(&args).map(Ok),
        Some("check") => match check(&args) {
            Ok(true) => Ok(Ok(())),
            Ok(false) => std::process::exit(1),
            Err(e) => Err(e),
        },
        Some("villages") => villages(&args).map(Ok),
        Some("synthetic") => synthetic_file(&args).map(Ok),
        _ => Err(Error::InvalidArgument(USAGE.into())),
    };
    match result {
        Ok(Ok(())) => {}
        Ok(Err(ImportError::BadRows {
            source_name,
            problems,
        })) => {
            eprintln!(
                "{source_name}: {} problem(s); nothing imported (use --skip-bad-rows to import \
                 the good rows)",
                problems.len()
            );
            for p in problems {
                eprintln!("  {p}");
            }
            std::process::exit(2);
        }
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
