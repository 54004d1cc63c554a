//! Evaluation against 序时进度, as offices do it.
//!
//! # 序时进度 (schedule)
//!
//! The share of the year elapsed at the *as-of date*: by default the last day of the
//! evaluated period (`2024-06` and `2024-Q2` -> 6/12 = 50%; Jan–Nov -> 91.7%); a configured
//! [`EvaluationConfig::as_of`] date counts whole months plus the elapsed share of its month.
//! Only the records of periods ending on or before the period's last day count.
//!
//! # Value to date
//!
//! From a target's effective (not superseded) records with a value, in its year:
//! * `count` and `level` targets (quantities that add up over the year): the latest cumulative
//!   record, plus every non-cumulative record of a later period; with no cumulative record,
//!   the sum of the non-cumulative ones.
//! * `growth_rate` and `share` targets (rates): the latest record's value.
//! * A target without records of its own takes the sum of its leaf tasks' values to date
//!   (tasks of the target without sub-tasks; count and level targets only), converted to the
//!   target's unit ([`ValueSource::Tasks`]).
//!
//! # Gap in points
//!
//! * Quantities: completion = 100 × value / target, and the gap = completion − 序时进度.
//!   For an `at_most` quantity (a cap), the gap = 序时进度 − completion (spending less of the
//!   cap than the year elapsed is ahead).
//! * Rates are compared directly with the target, not scaled by the year: gap =
//!   100 × (value − target) / |target| (reversed for `at_most`); a value that meets the target
//!   within the tolerance of an `approximately` target has a gap of at least 0.
//!
//! # Status
//!
//! In this order:
//! 1. [`Status::NoData`]: no value to date.
//! 2. [`Status::Done`]: the value meets the target — `at_least` and `exactly`: value ≥
//!    target (exactly is treated as at least: counts and levels are commitments to reach);
//!    `more_than`: value > target; `approximately`: value ≥ target × (1 − tolerance);
//!    `at_most`: value ≤ target. Quantities are done as soon as they meet the target; rates
//!    and caps only when the as-of date reaches the deadline (until then they can still move).
//! 3. [`Status::Overdue`]: the as-of date is after the deadline (the target's own, else the
//!    last day of its year) and it is not done.
//! 4. [`Status::Ahead`] (超进度): gap ≥ [`EvaluationConfig::ahead_margin`].
//! 5. [`Status::OnSchedule`] (达进度): gap ≥ 0.
//! 6. [`Status::Behind`] (欠进度): gap < 0.
//!
//! # Light
//!
//! * No data: no light (`None`).
//! * Red: overdue, or behind by ≥ [`EvaluationConfig::red_margin`] points (default 30).
//! * Yellow: behind by ≥ [`EvaluationConfig::yellow_margin`] points (default 10).
//! * Blue: not done and the deadline is within [`EvaluationConfig::blue_days`] days (default
//!   30) of the as-of date.
//! * Green: everything else (done, ahead, on schedule, slightly behind).
//!
//! # Projects
//!
//! [`Db::evaluate_projects`] reads the key-project register (annual plan 年度计划投资,
//! planned start) and the project progress records. A register project's records are its
//! own plus those of the report-named project it is linked to. Investment to date is folded
//! like a quantity (latest `invested_to_date`, plus later `invested_period` amounts). The
//! completion rate is investment to date / annual plan (`None` without a plan), and the gap
//! is that rate − 序时进度 in points. 开工率 = projects whose actual start is on or before the
//! period end / projects whose planned start (register or records) is in the year and on or
//! before the period end. District totals compare the summed investment to date with the
//! report's 年度完成投资 figure, found by metric: the `project_total` of the plan year with
//! metric `年度完成投资` (scope `重点项目` first), else a target whose metric is
//! `重点项目年度完成投资`.
//!
//! # Commitments
//!
//! [`Db::evaluate_commitments`] judges every commitment: qualitative ones from their own
//! records' [`WorkStatus`](crate::tracking::WorkStatus) (已完成, 逾期, 滞后, silence, a
//! near deadline), quantitative ones from their targets. The rule is in [`commitments`].
//!
//! # As known at
//!
//! Every evaluation takes [`EvaluationConfig::known_at`]: with it, only the records whose
//! `reported_at` is on or before that instant count, and a correction counts — hides the
//! record it corrects — only if it was reported by then as well. So the evaluation of June
//! "as known at 2024-07-05" is what a bulletin written on 5 July could say, whatever was
//! reported or corrected since. Instants compare in China Standard Time (UTC+08:00): a
//! `reported_at` with a zone is converted, one without is taken as written, a date alone is
//! the start of its day; a `known_at` date alone is the end of its day. Without `known_at`
//! every record counts. [`Db::light_history`] evaluates each month as known at its end
//! ([`history`] says why the history is recomputed rather than stored).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

mod asof;
pub mod commitments;
pub mod history;
mod projects;

use asof::{effective_sql, with_known};

pub use commitments::CommitmentStatus;
pub use history::MonthLight;

use super::progress::SubjectKind;
use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::figures::{Comparator, Figure, FigureFilter, Measure};
use crate::time::{Date, Period, check_datetime};

/// Thresholds and the as-of date of an evaluation. The default is what most offices use.
///
/// Build one with struct update syntax, so that fields added later take their defaults:
/// `EvaluationConfig { known_at: Some("2024-06-30".into()), ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationConfig {
    /// The date 序时进度 and deadlines are judged at (ISO); default: the period's last day.
    pub as_of: Option<String>,
    /// Points ahead of 序时进度 from which a target is [`Status::Ahead`] (default 5).
    pub ahead_margin: f64,
    /// Points behind 序时进度 from which the light is yellow (default 10).
    pub yellow_margin: f64,
    /// Points behind 序时进度 from which the light is red (default 30).
    pub red_margin: f64,
    /// Days before a deadline within which the light is blue (default 30).
    pub blue_days: i64,
    /// Relative tolerance of `approximately` (左右) targets (default 0.05: 6%左右 is met at
    /// 5.7%).
    pub approx_tolerance: f64,
    /// Only this report's targets, projects and commitments; default: every report's targets
    /// and commitments, and the first report for project totals.
    pub report_id: Option<i64>,
    /// Judge with what was known at this instant (ISO date: to the end of that day; or
    /// date-time): only records whose `reported_at` is on or before it count, and a
    /// correction counts (hides the record it corrects) only once it is known by then. See
    /// "As known at" in the module docs. Default `None`: every record.
    pub known_at: Option<String>,
    /// Commitments: a commitment with no report for any of the last `silent_periods` months
    /// up to the period's end has a yellow light (本期未报送); 0 turns the rule off. Default
    /// 1 (monthly reporting; 3 for offices that report by quarter).
    pub silent_periods: u32,
    /// Light history ([`Db::light_history`]): a red month turns yellow (`recovered`) when a
    /// later month of the range, as known at the range's end, is green or done — one
    /// district's rule. Default `false`: every month keeps the light it had.
    pub recolour_recovered: bool,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        EvaluationConfig {
            as_of: None,
            ahead_margin: 5.0,
            yellow_margin: 10.0,
            red_margin: 30.0,
            blue_days: 30,
            approx_tolerance: 0.05,
            report_id: None,
            known_at: None,
            silent_periods: 1,
            recolour_recovered: false,
        }
    }
}

impl EvaluationConfig {
    fn check(&self) -> Result<Option<Date>> {
        let bad = |f: &str, v: f64| {
            Error::InvalidArgument(format!("evaluation {f}: {v} must be a non-negative number"))
        };
        for (f, v) in [
            ("ahead_margin", self.ahead_margin),
            ("yellow_margin", self.yellow_margin),
            ("red_margin", self.red_margin),
            ("approx_tolerance", self.approx_tolerance),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(bad(f, v));
            }
        }
        if self.red_margin < self.yellow_margin {
            return Err(Error::InvalidArgument(format!(
                "evaluation red_margin ({}) must not be below yellow_margin ({})",
                self.red_margin, self.yellow_margin
            )));
        }
        if self.blue_days < 0 {
            return Err(Error::InvalidArgument(format!(
                "evaluation blue_days: {} must not be negative",
                self.blue_days
            )));
        }
        if let Some(k) = &self.known_at {
            check_datetime(k, "evaluation known_at")?;
        }
        if self.silent_periods > MAX_MONTHS {
            return Err(Error::InvalidArgument(format!(
                "evaluation silent_periods: {} months is more than {MAX_MONTHS}; 1 is a month \
                 without a report, 3 a quarter, 0 turns the rule off",
                self.silent_periods
            )));
        }
        self.as_of
            .as_deref()
            .map(|d| Date::parse(d, "evaluation as_of"))
            .transpose()
    }
}

/// The longest span, in months, of a silence window or a light history (ten years).
pub(crate) const MAX_MONTHS: u32 = 120;

/// Where a target stands (office words in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Met (已完成).
    Done,
    /// Ahead of 序时进度 (超进度).
    Ahead,
    /// At or just above 序时进度 (达进度).
    OnSchedule,
    /// Behind 序时进度 (欠进度).
    Behind,
    /// Past its deadline and not met (逾期).
    Overdue,
    /// No value reported yet.
    NoData,
}

impl TextCode for Status {
    const ALL: &'static [Status] = &[
        Status::Done,
        Status::Ahead,
        Status::OnSchedule,
        Status::Behind,
        Status::Overdue,
        Status::NoData,
    ];
    const WHAT: &'static str = "status";

    /// The code (`on_schedule` …).
    fn code(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Ahead => "ahead",
            Status::OnSchedule => "on_schedule",
            Status::Behind => "behind",
            Status::Overdue => "overdue",
            Status::NoData => "no_data",
        }
    }
}
crate::code::inherent_text_code!(Status);

impl Status {
    /// The words offices use.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::Ahead => "超进度",
            Status::OnSchedule => "达进度",
            Status::Behind => "欠进度",
            Status::Overdue => "逾期",
            Status::NoData => "未报送",
        }
    }
}

/// The traffic light (三色督办 / 亮灯).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// Fine.
    Green,
    /// Deadline near.
    Blue,
    /// Behind 序时进度 by the yellow margin.
    Yellow,
    /// Overdue or behind by the red margin.
    Red,
}

impl TextCode for Light {
    const ALL: &'static [Light] = &[Light::Green, Light::Blue, Light::Yellow, Light::Red];
    const WHAT: &'static str = "light";

    /// The code (`green` …).
    fn code(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Blue => "blue",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
}
crate::code::inherent_text_code!(Light);

impl Light {
    /// The words offices use (绿灯 …).
    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Blue => "蓝灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }
}

/// Where a target's value to date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// The target's own progress records.
    Target,
    /// The sum of its leaf tasks' values.
    Tasks,
}

/// One target's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetStatus {
    /// The target.
    pub target_id: i64,
    /// What is measured.
    pub metric: String,
    /// The target value, in `unit`.
    pub target_value: f64,
    /// Unit as written.
    pub unit: String,
    /// Qualifier as written (`以上`).
    pub qualifier: Option<String>,
    /// Comparison.
    pub comparator: Comparator,
    /// Kind of quantity.
    pub measure: Measure,
    /// The deadline judged against: the target's own, else the last day of its year.
    pub deadline: String,
    /// Days from the as-of date to the deadline (negative: past).
    pub days_to_deadline: i64,
    /// The value to date, in `unit`.
    pub value: Option<f64>,
    /// The period of the latest record counted.
    pub latest_period: Option<String>,
    /// The latest record counted (target records only).
    pub latest_record_id: Option<i64>,
    /// Where the value came from.
    pub value_source: Option<ValueSource>,
    /// 100 × value / target.
    pub completion_pct: Option<f64>,
    /// 序时进度 in percent.
    pub schedule_pct: f64,
    /// Points ahead (+) or behind (−); see the module docs.
    pub gap_points: Option<f64>,
    /// Status.
    pub status: Status,
    /// Light; `None` without data.
    pub light: Option<Light>,
}

/// One project's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectStatus {
    /// The register project, if the project is in the register.
    pub register_id: Option<i64>,
    /// The project the report names, if linked or reported on directly.
    pub project_id: Option<i64>,
    /// Name (register name first).
    pub name: String,
    /// 年度计划投资 in 元, from the register.
    pub annual_plan_base: Option<f64>,
    /// Investment completed this year to date, in 元.
    pub invested_to_date_base: Option<f64>,
    /// 100 × invested / annual plan.
    pub completion_pct: Option<f64>,
    /// completion − 序时进度, in points.
    pub gap_points: Option<f64>,
    /// Planned start (register or latest record).
    pub planned_start: Option<String>,
    /// Actual start (latest record that gives one).
    pub actual_start: Option<String>,
    /// Latest status reported.
    pub status: Option<crate::StatusCode>,
    /// Latest 形象进度 reported.
    pub physical_progress: Option<String>,
    /// Period of the latest record counted.
    pub latest_period: Option<String>,
}

/// The report's district-wide investment figure and where the district stands against it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictTotal {
    /// `project_total` or `target`.
    pub source: String,
    /// Id of that record.
    pub record_id: i64,
    /// Its metric (`年度完成投资`).
    pub metric: String,
    /// The value as written.
    pub value: f64,
    /// Its unit (`亿元`).
    pub unit: String,
    /// In 元.
    pub base_value: f64,
    /// 100 × summed investment to date / the figure.
    pub completion_pct: f64,
    /// completion − 序时进度, in points.
    pub gap_points: f64,
}

/// The project investment summary of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSummary {
    /// The period evaluated.
    pub period: String,
    /// 序时进度 in percent.
    pub schedule_pct: f64,
    /// Every register project, then every other project with records.
    pub projects: Vec<ProjectStatus>,
    /// Projects with at least one record counted.
    pub reporting: usize,
    /// Sum of investment to date, in 元.
    pub invested_base: f64,
    /// Sum of the annual plans known, in 元.
    pub annual_plan_base: f64,
    /// 100 × invested (of projects with a plan) / annual plans; `None` without plans.
    pub plan_completion_pct: Option<f64>,
    /// Projects due to start by the period end.
    pub planned_starts: usize,
    /// Of those, the ones started by the period end.
    pub actual_starts: usize,
    /// 开工率 in percent; `None` when no start was due.
    pub start_rate_pct: Option<f64>,
    /// The report's 年度完成投资 and the district against it, if the report gives it.
    pub district: Option<DistrictTotal>,
}

struct Rec {
    period: String,
    period_end: String,
    id: i64,
    value: f64,
    cumulative: bool,
}

/// Folds records (ordered by period end, id) into the value to date: see the module docs.
/// Returns `(value, latest period, latest record id)`.
fn fold(recs: &[Rec], summable: bool) -> Option<(f64, &str, i64)> {
    let last = recs.last()?;
    if !summable {
        return Some((last.value, &last.period, last.id));
    }
    let cum = recs.iter().rposition(|r| r.cumulative);
    let (base, after) = match cum {
        Some(i) => (recs[i].value, &recs[i + 1..]),
        None => (0.0, recs),
    };
    let cut = cum.map(|i| recs[i].period_end.as_str());
    let extra: f64 = after
        .iter()
        .filter(|r| !r.cumulative && cut.is_none_or(|c| r.period_end.as_str() > c))
        .map(|r| r.value)
        .sum();
    Some((base + extra, &last.period, last.id))
}

/// A target's value to date from its own effective records, with three index seeks (the
/// latest record; for quantities, the latest cumulative one and the sum of later period
/// values). Returns `(value, latest period, latest record id)`.
/// The three statements of [`own_value`], made once.
struct OwnValueSql {
    latest: String,
    cumulative: String,
    extra: String,
}

/// The statements of [`own_value`], made once: for every record, and as known at an instant
/// (`?4`).
static OWN_VALUE_SQL: std::sync::LazyLock<[OwnValueSql; 2]> = std::sync::LazyLock::new(|| {
    [None, Some("?4")].map(|k| {
        let effective = format!(
            "p.subject_kind = 'target' AND p.subject_id = ?1
             AND p.period_end > ?2 AND p.period_end <= ?3 AND p.value IS NOT NULL
             AND {}",
            effective_sql("p", k)
        );
        OwnValueSql {
            latest: format!(
                "SELECT p.id, p.period, p.value FROM progress p WHERE {effective}
                 ORDER BY p.period_end DESC, p.id DESC LIMIT 1"
            ),
            cumulative: format!(
                "SELECT p.value, p.period_end FROM progress p WHERE {effective}
                 AND p.cumulative = 1 ORDER BY p.period_end DESC, p.id DESC LIMIT 1"
            ),
            extra: format!(
                "SELECT total(p.value) FROM progress p WHERE {effective} AND p.cumulative = 0"
            ),
        }
    })
});

/// A target's value to date from its own records effective at `known` (see
/// [`effective_sql`]), with three index seeks (the latest record; for quantities, the latest
/// cumulative one and the sum of later period values). Returns `(value, latest period, latest
/// record id)`.
fn own_value(
    conn: &rusqlite::Connection,
    target: i64,
    year: i32,
    end: &str,
    summable: bool,
    known: &Option<String>,
) -> Result<Option<(f64, String, i64)>> {
    let sql = &OWN_VALUE_SQL[usize::from(known.is_some())];
    let before_year = format!("{}-12-31", year - 1);
    let latest: Option<(i64, String, f64)> = conn
        .prepare_cached(&sql.latest)?
        .query_row(&*with_known(&[&target, &before_year, &end], known), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((id, period, last_value)) = latest else {
        return Ok(None);
    };
    if !summable {
        return Ok(Some((last_value, period, id)));
    }
    let cumulative: Option<(f64, String)> = conn
        .prepare_cached(&sql.cumulative)?
        .query_row(&*with_known(&[&target, &before_year, &end], known), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (base, after) = match cumulative {
        Some((v, e)) => (v, e),
        None => (0.0, before_year),
    };
    let extra: f64 = conn
        .prepare_cached(&sql.extra)?
        .query_row(&*with_known(&[&target, &after, &end], known), |r| r.get(0))?;
    Ok(Some((base + extra, period, id)))
}

fn meets(v: f64, t: f64, c: Comparator, tol: f64) -> bool {
    match c {
        Comparator::AtLeast | Comparator::Exactly => v >= t,
        Comparator::MoreThan => v > t,
        Comparator::Approximately => v >= t - tol * t.abs(),
        Comparator::AtMost => v <= t,
    }
}

fn year_end(year: i32) -> Date {
    Date {
        y: year,
        m: 12,
        d: 31,
    }
}

/// 序时进度 (0–1) of `year` at `as_of`.
fn schedule_share(year: i32, as_of: Date) -> f64 {
    if as_of.y < year {
        0.0
    } else if as_of.y > year {
        1.0
    } else {
        as_of.year_share()
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Db {
    /// Evaluates every target (of `config.report_id`, or of every report) at the end of
    /// `period`: value to date, completion, gap to 序时进度, status and light. See the module
    /// docs for the rule.
    pub fn evaluate_targets(
        &self,
        period: &str,
        config: &EvaluationConfig,
    ) -> Result<Vec<TargetStatus>> {
        if let Some(report_id) = config.report_id {
            self.require_report(report_id)?;
        }
        let targets = self.targets(&FigureFilter {
            report_id: config.report_id,
            ..Default::default()
        })?;
        self.evaluate_target_figures(period, config, targets, false)
    }

    /// [`Db::evaluate_targets`] for the given targets, in their order; `only_these` limits the
    /// task records read to theirs (for a few targets).
    pub(crate) fn evaluate_target_figures(
        &self,
        period: &str,
        config: &EvaluationConfig,
        targets: Vec<Figure>,
        only_these: bool,
    ) -> Result<Vec<TargetStatus>> {
        let period = Period::parse(period)?;
        let as_of = config.check()?.unwrap_or(Date {
            y: period.year,
            m: period.last_month,
            d: crate::time::days_in_month(period.year, period.last_month),
        });
        let end = period.end_date();
        let conn = self.connection();
        let known = config.known_instant(conn)?;
        let only: Option<String> = only_these
            .then(|| serde_json::to_string(&targets.iter().map(|t| t.id).collect::<Vec<_>>()))
            .transpose()?;
        // Leaf tasks' effective records, by target then task (values in base units).
        let mut tasks: HashMap<i64, Vec<(i64, Vec<Rec>)>> = HashMap::new();
        let mut st = conn.prepare_cached(&format!(
            "SELECT t.target_id, t.id, p.period, p.period_end, p.id, p.base_value, p.cumulative
             FROM task t CROSS JOIN progress p ON p.subject_kind = 'task' AND p.subject_id = t.id
             WHERE t.target_id IS NOT NULL
               AND (?2 IS NULL OR t.target_id IN (SELECT value FROM json_each(?2)))
               AND NOT EXISTS (SELECT 1 FROM task s WHERE s.parent_id = t.id)
               AND p.period_end <= ?1 AND p.base_value IS NOT NULL
               AND {}
             ORDER BY t.target_id, t.id, p.period_end, p.id",
            effective_sql("p", known.as_ref().map(|_| "?3"))
        ))?;
        let mut rows = st.query(&*with_known(&[&end, &only], &known))?;
        while let Some(r) = rows.next()? {
            let list = tasks.entry(r.get(0)?).or_default();
            let task: i64 = r.get(1)?;
            if list.last().is_none_or(|(t, _)| *t != task) {
                list.push((task, Vec::new()));
            }
            if let Some((_, recs)) = list.last_mut() {
                recs.push(Rec {
                    period: r.get(2)?,
                    period_end: r.get(3)?,
                    id: r.get(4)?,
                    value: r.get(5)?,
                    cumulative: r.get(6)?,
                });
            }
        }
        let in_year = |recs: &mut Vec<Rec>, year: i32| {
            let y = year.to_string();
            recs.retain(|r| r.period_end.starts_with(&y));
        };
        let mut out = Vec::with_capacity(targets.len());
        for t in targets {
            let summable = matches!(t.measure, Measure::Count | Measure::Level);
            let mut value = None;
            if let Some((v, period, id)) = own_value(conn, t.id, t.year, &end, summable, &known)? {
                value = Some((v, period, Some(id), ValueSource::Target));
            }
            if value.is_none()
                && summable
                && let Some(list) = tasks.remove(&t.id)
            {
                let mut sum = 0.0;
                // (period end, period) of the latest task record counted.
                let mut latest: Option<(String, String)> = None;
                for (_, mut recs) in list {
                    in_year(&mut recs, t.year);
                    if let Some((v, _, _)) = fold(&recs, true) {
                        sum += v;
                        if let Some(r) = recs.last()
                            && latest.as_ref().is_none_or(|(e, _)| *e < r.period_end)
                        {
                            latest = Some((r.period_end.clone(), r.period.clone()));
                        }
                    }
                }
                if let Some((_, period)) = latest {
                    // Task values are summed in base units, then put in the target's unit.
                    let mult = if t.value != 0.0 {
                        t.base_value / t.value
                    } else {
                        1.0
                    };
                    value = Some((sum / mult, period, None, ValueSource::Tasks));
                }
            }
            let deadline = match &t.deadline {
                Some(d) => Date::parse(d, "target deadline")?,
                None => year_end(t.year),
            };
            let days_to_deadline = deadline.days() - as_of.days();
            let schedule = schedule_share(t.year, as_of);
            let final_ = as_of >= deadline;
            let (status, gap, completion) = match &value {
                None => (Status::NoData, None, None),
                Some((v, ..)) => {
                    let v = *v;
                    let tv = t.value;
                    let completion = if tv != 0.0 {
                        Some(100.0 * v / tv)
                    } else {
                        None
                    };
                    let met = meets(v, tv, t.comparator, config.approx_tolerance);
                    let gap = if summable {
                        let c = completion.unwrap_or(if met { 100.0 } else { 0.0 });
                        if t.comparator == Comparator::AtMost {
                            100.0 * schedule - c
                        } else {
                            c - 100.0 * schedule
                        }
                    } else {
                        let d = if tv != 0.0 {
                            100.0 * (v - tv) / tv.abs()
                        } else {
                            v - tv
                        };
                        let d = if t.comparator == Comparator::AtMost {
                            -d
                        } else {
                            d
                        };
                        if met {
                            d.max(0.0)
                        } else {
                            d.min(-f64::EPSILON)
                        }
                    };
                    let done = met && (summable && t.comparator != Comparator::AtMost || final_);
                    let status = if done {
                        Status::Done
                    } else if as_of > deadline {
                        Status::Overdue
                    } else if gap >= config.ahead_margin {
                        Status::Ahead
                    } else if gap >= 0.0 {
                        Status::OnSchedule
                    } else {
                        Status::Behind
                    };
                    (status, Some(round2(gap)), completion.map(round2))
                }
            };
            let light = match status {
                Status::NoData => None,
                Status::Done => Some(Light::Green),
                Status::Overdue => Some(Light::Red),
                _ => {
                    let behind = -gap.unwrap_or(0.0);
                    Some(if behind >= config.red_margin {
                        Light::Red
                    } else if behind >= config.yellow_margin {
                        Light::Yellow
                    } else if days_to_deadline <= config.blue_days {
                        Light::Blue
                    } else {
                        Light::Green
                    })
                }
            };
            let (value, latest_period, latest_record_id, value_source) = match value {
                Some((v, p, id, s)) => (Some(v), Some(p), id, Some(s)),
                None => (None, None, None, None),
            };
            out.push(TargetStatus {
                target_id: t.id,
                metric: t.metric,
                target_value: t.value,
                unit: t.unit,
                qualifier: t.qualifier,
                comparator: t.comparator,
                measure: t.measure,
                deadline: deadline.to_string(),
                days_to_deadline,
                value,
                latest_period,
                latest_record_id,
                value_source,
                completion_pct: completion,
                schedule_pct: round2(100.0 * schedule),
                gap_points: gap,
                status,
                light,
            });
        }
        Ok(out)
    }
}
