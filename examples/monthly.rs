//! The monthly report: the traffic-light table of every target and the project investment
//! summary, for a period, from an office's database.
//!
//! ```text
//! cargo run --example monthly -- --db office.db --period 2024-06
//! cargo run --example monthly -- --db office.db --period 2024-Q2 --json
//! cargo run --example monthly -- --db office.db --period 2024-11 --as-of 2024-11-20 --yellow 5 --red 20
//! ```
//!
//! Options: `--db FILE` (required; opened read-only), `--period YYYY-MM|YYYY-Qn` (required),
//! `--as-of YYYY-MM-DD`, `--yellow POINTS`, `--red POINTS`, `--blue-days DAYS`, `--json`.
//! Without progress records every status is `no_data`.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use govreport::tracking::{EvaluationConfig, Light, Status};
use govreport::{Db, Error, OpenMode};

const USAGE: &str = "usage: monthly --db FILE --period YYYY-MM|YYYY-Qn [--as-of YYYY-MM-DD] \
                     [--yellow POINTS] [--red POINTS] [--blue-days DAYS] [--json]";

fn number(args: &[String], name: &str) -> Result<Option<f64>, Error> {
    common::arg_value(args, name)
        .map(|v| {
            v.parse::<f64>()
                .map_err(|_| Error::InvalidArgument(format!("{name} {v}: not a number")))
        })
        .transpose()
}

fn yi(base: f64) -> String {
    format!("{:.2}亿元", base / 1e8)
}

fn run(args: &[String]) -> Result<(), Error> {
    let db_path = common::arg_value(args, "--db").ok_or_else(|| {
        Error::InvalidArgument(format!(
            "--db is missing: name the office database file (one made with Db::open)\n{USAGE}"
        ))
    })?;
    let period = common::arg_value(args, "--period")
        .ok_or_else(|| Error::InvalidArgument(format!("--period is missing\n{USAGE}")))?;
    if !std::path::Path::new(&db_path).exists() {
        return Err(Error::InvalidArgument(format!(
            "--db {db_path}: no such file (create one with Db::open, then record progress)"
        )));
    }
    let defaults = EvaluationConfig::default();
    let config = EvaluationConfig {
        as_of: common::arg_value(args, "--as-of"),
        yellow_margin: number(args, "--yellow")?.unwrap_or(defaults.yellow_margin),
        red_margin: number(args, "--red")?.unwrap_or(defaults.red_margin),
        blue_days: number(args, "--blue-days")?
            .map(|d| d as i64)
            .unwrap_or(defaults.blue_days),
        ..defaults
    };
    let db = Db::open_with(&db_path, OpenMode::ReadOnly)?;
    let targets = db.evaluate_targets(&period, &config)?;
    let projects = db.evaluate_projects(&period, &config)?;
    if args.iter().any(|a| a == "--json") {
        let out = serde_json::json!({
            "period": period,
            "config": config,
            "targets": targets,
            "projects": projects,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let schedule = targets.first().map(|t| t.schedule_pct).unwrap_or(0.0);
    println!("{period} 目标任务进度（序时进度 {schedule:.1}%）");
    println!();
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            vec![
                t.target_id.to_string(),
                t.metric.clone(),
                // The comparison as a sign (≈ 左右, ≥ 以上 …); the words are in the export.
                format!(
                    "{}{}{}",
                    match t.comparator {
                        govreport::Comparator::Approximately => "≈",
                        govreport::Comparator::AtLeast => "≥",
                        govreport::Comparator::AtMost => "≤",
                        govreport::Comparator::MoreThan => ">",
                        govreport::Comparator::Exactly => "",
                    },
                    common::num(t.target_value),
                    t.unit
                ),
                t.value
                    .map(|v| format!("{}{}", common::num((v * 100.0).round() / 100.0), t.unit))
                    .unwrap_or_else(|| "-".into()),
                t.completion_pct
                    .map(|c| format!("{c:.1}%"))
                    .unwrap_or_else(|| "-".into()),
                format!("{:.1}%", t.schedule_pct),
                format!("{} {}", t.status.code(), t.status.label_zh()),
                t.light
                    .map(|l| format!("{} {}", l.code(), l.label_zh()))
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    common::print_table(
        &[
            "id",
            "metric",
            "target",
            "latest",
            "完成",
            "序时进度",
            "status",
            "light",
        ],
        &rows,
        40,
    );
    let count = |s: Status| targets.iter().filter(|t| t.status == s).count();
    let lights = |l: Light| targets.iter().filter(|t| t.light == Some(l)).count();
    println!();
    println!(
        "{} targets: done {}, ahead {}, on schedule {}, behind {}, overdue {}, no data {}",
        targets.len(),
        count(Status::Done),
        count(Status::Ahead),
        count(Status::OnSchedule),
        count(Status::Behind),
        count(Status::Overdue),
        count(Status::NoData)
    );
    println!(
        "lights: green {}, blue {}, yellow {}, red {}",
        lights(Light::Green),
        lights(Light::Blue),
        lights(Light::Yellow),
        lights(Light::Red)
    );
    println!();
    println!("重点项目投资（序时进度 {:.1}%）", projects.schedule_pct);
    println!(
        "  projects: {} in the summary, {} reporting",
        projects.projects.len(),
        projects.reporting
    );
    println!(
        "  完成投资 {} of annual plans {} ({})",
        yi(projects.invested_base),
        yi(projects.annual_plan_base),
        projects
            .plan_completion_pct
            .map(|c| format!("{c:.1}%"))
            .unwrap_or_else(|| "no plans".into())
    );
    println!(
        "  开工率: {} of {} due starts ({})",
        projects.actual_starts,
        projects.planned_starts,
        projects
            .start_rate_pct
            .map(|c| format!("{c:.1}%"))
            .unwrap_or_else(|| "none due".into())
    );
    match &projects.district {
        Some(d) => println!(
            "  district: {} vs {}{}{} ({} {}): {:.1}%, {:+.1} points against 序时进度",
            yi(projects.invested_base),
            d.metric,
            common::num(d.value),
            d.unit,
            d.source,
            d.record_id,
            d.completion_pct,
            d.gap_points
        ),
        None => println!("  district: the report gives no 年度完成投资 figure"),
    }
    let mut lagging: Vec<_> = projects
        .projects
        .iter()
        .filter(|p| p.gap_points.is_some_and(|g| g < -config.yellow_margin))
        .collect();
    lagging.sort_by(|a, b| {
        a.gap_points
            .partial_cmp(&b.gap_points)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if !lagging.is_empty() {
        println!();
        let rows: Vec<Vec<String>> = lagging
            .iter()
            .take(20)
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.annual_plan_base.map(yi).unwrap_or_default(),
                    p.invested_to_date_base.map(yi).unwrap_or_default(),
                    p.completion_pct
                        .map(|c| format!("{c:.1}%"))
                        .unwrap_or_default(),
                    p.gap_points.map(|g| format!("{g:+.1}")).unwrap_or_default(),
                ]
            })
            .collect();
        common::print_table(
            &["lagging project", "年度计划", "完成", "完成率", "points"],
            &rows,
            36,
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("monthly: {e}");
            ExitCode::FAILURE
        }
    }
}
