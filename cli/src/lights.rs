//! `lights`: the light of each month, as it stood at the month's end; and the commitments'
//! section of `evaluate`'s table.

use std::io::{self, Write};

use clap::Args;
use govreport::tracking::{CommitmentStatus, EvaluationConfig, Light, MonthLight};
use govreport::{CommitmentFilter, SubjectKind};
use serde::Serialize;
use serde_json::json;

use crate::Target;
use crate::data::open_read;
use crate::exit::Failure;
use crate::output::{col, rows, write_rows};
use crate::spinner;

/// `lights --from M --to M [--subject KIND:ID]`.
#[derive(Debug, Args)]
pub struct LightsArgs {
    /// The first month, YYYY-MM.
    #[arg(long, value_name = "MONTH")]
    from: String,
    /// The last month, YYYY-MM (at most 120 months from --from).
    #[arg(long, value_name = "MONTH")]
    to: String,
    /// One subject: commitment:ID, target:ID or register_project:ID (default: every
    /// commitment, in the report's order).
    #[arg(long, value_name = "KIND:ID")]
    subject: Option<String>,
    /// One district's rule: a red month turns yellow once a later month of the range is green
    /// or done (as known at the range's end).
    #[arg(long)]
    recolour_recovered: bool,
    /// The history as it looked at this date or date-time: no month knows more.
    #[arg(long, value_name = "DATE")]
    known_at: Option<String>,
    /// Commitments: months without a report after which a light is yellow (default 1; 0 off).
    #[arg(long, value_name = "MONTHS")]
    silent_periods: Option<u32>,
    /// Only this report's commitments (by id), without --subject.
    #[arg(long)]
    report: Option<i64>,
}

/// One row of `lights`: a subject in one month.
#[derive(Serialize)]
struct LightRow<'a> {
    subject_kind: SubjectKind,
    subject_id: i64,
    /// A commitment's quote, a target's metric, a register project's name.
    name: &'a str,
    #[serde(flatten)]
    month: MonthLight,
}

/// `commitment:11` → (kind, id).
fn parse_subject(s: &str) -> Result<(SubjectKind, i64), Failure> {
    let bad = || {
        Failure::input(format!(
            "--subject {s}: write KIND:ID with KIND commitment, target or register_project \
             (commitment:11, target:10)"
        ))
    };
    let (kind, id) = s.split_once(':').ok_or_else(bad)?;
    let kind = SubjectKind::from_code(kind.trim())
        .map_err(|e| Failure::input(format!("--subject {s}: {e}")))?;
    let id = id.trim().parse::<i64>().map_err(|_| bad())?;
    Ok((kind, id))
}

fn light_words(l: Option<Light>) -> serde_json::Value {
    json!(l.map(|l| format!("{} {}", l.code(), l.label_zh())))
}

/// `lights`.
pub fn lights(t: &Target, a: &LightsArgs) -> Result<(), Failure> {
    let defaults = EvaluationConfig::default();
    let config = EvaluationConfig {
        known_at: a.known_at.clone(),
        silent_periods: a.silent_periods.unwrap_or(defaults.silent_periods),
        recolour_recovered: a.recolour_recovered,
        ..defaults
    };
    let db = open_read(t)?;
    let subjects: Vec<(SubjectKind, i64, String)> = match &a.subject {
        Some(s) => {
            let (kind, id) = parse_subject(s)?;
            let name = match kind {
                SubjectKind::Commitment => db.commitment(id)?.quote,
                SubjectKind::Target => db.target(id)?.metric,
                SubjectKind::RegisterProject => db.register_project(id)?.name,
                other => {
                    return Err(Failure::input(format!(
                        "--subject {s}: a light history is kept for commitments, targets and \
                         register projects, not for a {}",
                        other.code()
                    )));
                }
            };
            vec![(kind, id, name)]
        }
        None => db
            .commitments(&CommitmentFilter {
                report_id: a.report,
                ..Default::default()
            })?
            .into_iter()
            .map(|c| (SubjectKind::Commitment, c.id, c.quote))
            .collect(),
    };
    let bar = spinner::start(format!("lights {} to {}", a.from, a.to));
    let mut histories = Vec::with_capacity(subjects.len());
    for (kind, id, _) in &subjects {
        match db.light_history(*kind, *id, &a.from, &a.to, &config) {
            Ok(h) => histories.push(h),
            Err(e) => {
                bar.finish_and_clear();
                return Err(e.into());
            }
        }
    }
    bar.finish_and_clear();
    let list: Vec<LightRow<'_>> = subjects
        .iter()
        .zip(histories)
        .flat_map(|((kind, id, name), months)| {
            months.into_iter().map(move |month| LightRow {
                subject_kind: *kind,
                subject_id: *id,
                name,
                month,
            })
        })
        .collect();
    let mut table = rows(&list)?;
    if t.format == crate::output::Format::Table {
        for (row, r) in table.iter_mut().zip(&list) {
            row.set("light", light_words(r.month.light));
            row.set(
                "status",
                json!(format!(
                    "{} {}",
                    r.month.status.code(),
                    r.month.status.label_zh()
                )),
            );
        }
    }
    write_rows(
        t.format,
        &table,
        &[
            col("subject_kind", "subject", 10),
            col("subject_id", "id", 6),
            col("name", "name", 24),
            col("period", "month", 7),
            col("light", "light", 12),
            col("status", "status", 18),
            col("latest_record_id", "record", 7),
            col("recovered", "recovered", 9),
        ],
    )
}

/// The commitments' part of `evaluate`'s table: one line each, then the counts.
pub fn commitment_section(
    out: &mut impl Write,
    period: &str,
    commitments: &[CommitmentStatus],
) -> io::Result<()> {
    writeln!(out, "\n{period} 工作任务（{}项）", commitments.len())?;
    let mut table = rows(commitments).map_err(|f| io::Error::other(f.message))?;
    for (row, c) in table.iter_mut().zip(commitments) {
        row.set("light", light_words(c.light));
        row.set(
            "status",
            json!(format!("{} {}", c.status.code(), c.status.label_zh())),
        );
    }
    crate::output::write_table(
        out,
        &table,
        &[
            col("commitment_id", "id", 6),
            col("quote", "commitment", 28),
            col("kind", "kind", 12),
            col("status", "status", 18),
            col("light", "light", 12),
            col("reason", "reason", 24),
            col("lead_unit", "lead unit", 12),
        ],
    )?;
    let lights = |l: Option<Light>| commitments.iter().filter(|c| c.light == l).count();
    writeln!(
        out,
        "\n{} commitments: green {}, blue {}, yellow {}, red {}, no light {}",
        commitments.len(),
        lights(Some(Light::Green)),
        lights(Some(Light::Blue)),
        lights(Some(Light::Yellow)),
        lights(Some(Light::Red)),
        lights(None)
    )
}
