//! Progress records: append-only reports on targets, tasks, projects and commitments, one
//! period each.
//!
//! Write one record with [`Db::add_progress`], many in one transaction with
//! [`Db::append_progress`], or stream any number through a [`ProgressBatch`] (what imports
//! and the benchmark use: the subjects are loaded once, the insert statement is held, and no
//! query runs per record unless it corrects another).

use rusqlite::{CachedStatement, Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::projects::StatusCode;
use crate::time::{Date, Period, check_datetime, now_utc};
use crate::units::{base_of, round_sig};

mod subjects;
mod supersede;
mod work_status;

use subjects::Subjects;
use supersede::check_supersedes;
pub(crate) use supersede::instant_sql;
pub use work_status::WorkStatus;

/// What a progress record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A target of the report (`figure` with kind `target`).
    #[default]
    Target,
    /// A task of the decomposition.
    Task,
    /// A project the report names (`project`).
    Project,
    /// A project of the key-project register (`register_project`).
    RegisterProject,
    /// A commitment of the report (`commitment`): its records carry a [`WorkStatus`] and the
    /// narrative fields, no value.
    Commitment,
}

impl TextCode for SubjectKind {
    const ALL: &'static [SubjectKind] = &[
        SubjectKind::Target,
        SubjectKind::Task,
        SubjectKind::Project,
        SubjectKind::RegisterProject,
        SubjectKind::Commitment,
    ];
    const WHAT: &'static str = "subject kind";

    /// The code in `progress.subject_kind`.
    fn code(self) -> &'static str {
        match self {
            SubjectKind::Target => "target",
            SubjectKind::Task => "task",
            SubjectKind::Project => "project",
            SubjectKind::RegisterProject => "register_project",
            SubjectKind::Commitment => "commitment",
        }
    }
}
crate::code::inherent_text_code!(SubjectKind);

impl SubjectKind {
    /// Whether records of this kind carry project fields (investment, status, starts).
    pub fn is_project(self) -> bool {
        matches!(self, SubjectKind::Project | SubjectKind::RegisterProject)
    }
}

/// The project part of a progress record (`"project"` in `progress_json`); every field is
/// optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFields {
    /// Investment completed in this period, in `invest_unit`.
    pub invested_period: Option<f64>,
    /// Investment completed this year to date (1–N月累计), in `invest_unit`.
    pub invested_to_date: Option<f64>,
    /// Unit of both amounts: `万元` (usual), `亿元` or `元`.
    pub invest_unit: Option<String>,
    /// Normalized status.
    pub status: Option<StatusCode>,
    /// 形象进度: where the works stand, in words.
    pub physical_progress: Option<String>,
    /// 计划开工 date.
    pub planned_start: Option<String>,
    /// 实际开工 date; not after the end of the period.
    pub actual_start: Option<String>,
}

/// A progress record to append.
///
/// Its serde shape is the `progress_json` of the C ABI: `subject_kind`, `subject_id` and
/// `period` are required, unknown keys are refused, absent optional keys take the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProgress {
    /// What the record is about.
    pub subject_kind: SubjectKind,
    /// The id of the target, task or project.
    pub subject_id: i64,
    /// `2024-03` or `2024-Q1`; its year must be the subject's plan year.
    pub period: String,
    /// The reported value (targets and tasks).
    pub value: Option<f64>,
    /// The unit of `value`: the subject's unit or one with the same base unit.
    pub unit: Option<String>,
    /// Whether `value` is the year to date (true) or this period alone (false, the default).
    #[serde(default)]
    pub cumulative: bool,
    /// 进展情况.
    pub progress_text: Option<String>,
    /// 存在的问题.
    pub problems: Option<String>,
    /// 下一步措施.
    pub next_steps: Option<String>,
    /// Commitments only: where the work stands (code or Chinese word in JSON). Refused on
    /// other subjects.
    #[serde(default)]
    pub work_status: Option<WorkStatus>,
    /// Who reported.
    pub reported_by: Option<String>,
    /// When, as an ISO date or date-time; defaults to now (UTC). Not before the period began,
    /// and for a correction not before the record it corrects was reported.
    pub reported_at: Option<String>,
    /// The record this one corrects (same subject, not yet superseded).
    pub supersedes_id: Option<i64>,
    /// Projects only: investment, status, physical progress, starts.
    pub project: Option<ProjectFields>,
}

impl NewProgress {
    /// A cumulative (year-to-date) value for a target.
    pub fn target(id: i64, period: &str, value: f64, unit: &str) -> NewProgress {
        NewProgress {
            subject_kind: SubjectKind::Target,
            subject_id: id,
            period: period.into(),
            value: Some(value),
            unit: Some(unit.into()),
            cumulative: true,
            ..Default::default()
        }
    }

    /// A cumulative (year-to-date) value for a task.
    pub fn task(id: i64, period: &str, value: f64, unit: &str) -> NewProgress {
        NewProgress {
            subject_kind: SubjectKind::Task,
            ..NewProgress::target(id, period, value, unit)
        }
    }

    /// A record for a commitment: where its work stands in `period` (add the narrative fields
    /// with struct update syntax).
    pub fn commitment(id: i64, period: &str, status: WorkStatus) -> NewProgress {
        NewProgress {
            subject_kind: SubjectKind::Commitment,
            subject_id: id,
            period: period.into(),
            work_status: Some(status),
            ..Default::default()
        }
    }

    /// A record for a named project (`kind` [`SubjectKind::Project`]) or a register project.
    pub fn project(kind: SubjectKind, id: i64, period: &str, fields: ProjectFields) -> NewProgress {
        NewProgress {
            subject_kind: kind,
            subject_id: id,
            period: period.into(),
            cumulative: true,
            project: Some(fields),
            ..Default::default()
        }
    }
}

/// A stored progress record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// Record id.
    pub id: i64,
    /// What it is about.
    pub subject_kind: SubjectKind,
    /// The target, task or project id.
    pub subject_id: i64,
    /// `2024-03` or `2024-Q1`.
    pub period: String,
    /// Last day of the period.
    pub period_end: String,
    /// Value in the subject's unit.
    pub value: Option<f64>,
    /// The subject's unit.
    pub unit: Option<String>,
    /// Value in the base unit.
    pub base_value: Option<f64>,
    /// Year to date (true) or this period alone.
    pub cumulative: bool,
    /// 进展情况.
    pub progress_text: Option<String>,
    /// 存在的问题.
    pub problems: Option<String>,
    /// 下一步措施.
    pub next_steps: Option<String>,
    /// Who reported.
    pub reported_by: Option<String>,
    /// When.
    pub reported_at: String,
    /// The record this one corrects.
    pub supersedes_id: Option<i64>,
    /// The record that corrects this one, if any (then this one is no longer effective).
    pub superseded_by: Option<i64>,
    /// Projects: investment this period, in `invest_unit`.
    pub invested_period: Option<f64>,
    /// Projects: investment year to date, in `invest_unit`.
    pub invested_to_date: Option<f64>,
    /// Projects: unit of the amounts.
    pub invest_unit: Option<String>,
    /// Projects: `invested_period` in 元.
    pub invested_period_base: Option<f64>,
    /// Projects: `invested_to_date` in 元.
    pub invested_to_date_base: Option<f64>,
    /// Projects: status.
    pub status: Option<StatusCode>,
    /// Projects: 形象进度.
    pub physical_progress: Option<String>,
    /// Projects: 计划开工.
    pub planned_start: Option<String>,
    /// Projects: 实际开工.
    pub actual_start: Option<String>,
    /// Commitments: where the work stands.
    pub work_status: Option<WorkStatus>,
}

/// A stored progress record: the name the evaluation API speaks of ([`Progress`] itself).
pub type ProgressRecord = Progress;

const INSERT_SQL: &str = "INSERT INTO progress (subject_kind, subject_id, period, period_end, \
     value, unit, base_value, cumulative, progress_text, problems, next_steps, reported_by, \
     reported_at, supersedes_id, invested_period, invested_to_date, invest_unit, \
     invested_period_base, invested_to_date_base, status, physical_progress, planned_start, \
     actual_start, work_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
     ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";

/// The SQL the library uses to insert one progress record (24 parameters, in column order),
/// for tools that compare against it.
pub const PROGRESS_INSERT_SQL: &str = INSERT_SQL;

const SELECT_SQL: &str = "SELECT p.id, p.subject_kind, p.subject_id, p.period, p.period_end, \
     p.value, p.unit, p.base_value, p.cumulative, p.progress_text, p.problems, p.next_steps, \
     p.reported_by, p.reported_at, p.supersedes_id, \
     (SELECT c.id FROM progress c WHERE c.supersedes_id = p.id), \
     p.invested_period, p.invested_to_date, p.invest_unit, p.invested_period_base, \
     p.invested_to_date_base, p.status, p.physical_progress, p.planned_start, p.actual_start, \
     p.work_status FROM progress p";

pub(crate) fn progress_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Progress> {
    let bad = |i: usize, e: Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let kind: String = r.get(1)?;
    let status: Option<String> = r.get(21)?;
    let work_status: Option<String> = r.get(25)?;
    Ok(Progress {
        id: r.get(0)?,
        subject_kind: SubjectKind::from_code(&kind).map_err(|e| bad(1, e))?,
        subject_id: r.get(2)?,
        period: r.get(3)?,
        period_end: r.get(4)?,
        value: r.get(5)?,
        unit: r.get(6)?,
        base_value: r.get(7)?,
        cumulative: r.get(8)?,
        progress_text: r.get(9)?,
        problems: r.get(10)?,
        next_steps: r.get(11)?,
        reported_by: r.get(12)?,
        reported_at: r.get(13)?,
        supersedes_id: r.get(14)?,
        superseded_by: r.get(15)?,
        invested_period: r.get(16)?,
        invested_to_date: r.get(17)?,
        invest_unit: r.get(18)?,
        invested_period_base: r.get(19)?,
        invested_to_date_base: r.get(20)?,
        status: status
            .map(|s| StatusCode::from_code(&s))
            .transpose()
            .map_err(|e| bad(21, e))?,
        physical_progress: r.get(22)?,
        planned_start: r.get(23)?,
        actual_start: r.get(24)?,
        work_status: work_status
            .map(|s| WorkStatus::from_code(&s))
            .transpose()
            .map_err(|e| bad(25, e))?,
    })
}

/// Appends progress records inside one write transaction (`BEGIN IMMEDIATE`), holding the
/// insert statement. Nothing is visible to others until [`ProgressBatch::commit`]; dropping
/// the batch without committing rolls every record back.
///
/// A record that fails validation is not written and the batch stays usable; call
/// [`ProgressBatch::rollback`] (or drop the batch) to discard the records appended before it.
pub struct ProgressBatch<'a> {
    conn: &'a Connection,
    insert: CachedStatement<'a>,
    subjects: Subjects,
    now: String,
    appended: usize,
    open: bool,
}

impl std::fmt::Debug for ProgressBatch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressBatch")
            .field("appended", &self.appended)
            .field("open", &self.open)
            .finish()
    }
}

/// Prefixes an error whose message already names the field with the record number.
fn record_error(n: usize, e: Error) -> Error {
    match e {
        Error::InvalidArgument(m) => Error::InvalidArgument(format!("progress record {n}, {m}")),
        Error::NotFound(m) => Error::NotFound(format!("progress record {n}, {m}")),
        other => other,
    }
}

fn invalid(n: usize, field: &str, why: String) -> Error {
    Error::InvalidArgument(format!("progress record {n}, {field}: {why}"))
}

impl<'a> ProgressBatch<'a> {
    fn begin(conn: &'a Connection) -> Result<ProgressBatch<'a>> {
        let insert = conn.prepare_cached(INSERT_SQL)?;
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(ProgressBatch {
            conn,
            insert,
            subjects: Subjects::default(),
            now: now_utc(),
            appended: 0,
            open: true,
        })
    }

    /// Records appended so far.
    pub fn len(&self) -> usize {
        self.appended
    }

    /// Whether no record was appended yet.
    pub fn is_empty(&self) -> bool {
        self.appended == 0
    }

    /// Validates and appends one record; returns its id. Errors name the record by its
    /// 1-based position in the batch and the field at fault.
    pub fn append(&mut self, rec: &NewProgress) -> Result<i64> {
        let n = self.appended + 1;
        let period = Period::parse(&rec.period).map_err(|e| record_error(n, e))?;
        let kind = rec.subject_kind;
        let subject = self
            .subjects
            .get(self.conn, kind, rec.subject_id)?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "progress record {n}, subject_id: {} {} does not exist",
                    kind.code(),
                    rec.subject_id
                ))
            })?;
        if period.year != subject.year {
            return Err(invalid(
                n,
                "period",
                format!(
                    "{} is outside the plan year {} of {} {}",
                    rec.period,
                    subject.year,
                    kind.code(),
                    rec.subject_id
                ),
            ));
        }
        let mut end_buf = [0u8; 10];
        let period_end = period.write_end_date(&mut end_buf);
        let reported_at: &str = match &rec.reported_at {
            Some(at) => {
                let day = check_datetime(at, "reported_at").map_err(|e| record_error(n, e))?;
                let first = Date {
                    y: period.year,
                    m: period.first_month,
                    d: 1,
                };
                if day < first {
                    return Err(invalid(
                        n,
                        "reported_at",
                        format!("{at} is before period {} began ({first})", rec.period),
                    ));
                }
                at
            }
            None => &self.now,
        };
        // Commitments report where the work stands, in words; nothing else does.
        let commitment = kind == SubjectKind::Commitment;
        if commitment && (rec.value.is_some() || rec.unit.is_some()) {
            return Err(invalid(
                n,
                if rec.value.is_some() { "value" } else { "unit" },
                format!(
                    "commitment {} is reported with work_status (not_started 未启动, \
                     in_progress 推进中, done 已完成, lagging 滞后) and text (progress_text \
                     进展情况, problems 存在的问题, next_steps 下一步措施), not a value: report \
                     numbers on the targets it carries",
                    rec.subject_id
                ),
            ));
        }
        if let Some(w) = rec.work_status
            && !commitment
        {
            return Err(invalid(
                n,
                "work_status",
                format!(
                    "{:?} is reported on commitments, not on a {}: leave work_status out \
                     (a {} reports a value or project fields, and text)",
                    w.code(),
                    kind.code(),
                    kind.code()
                ),
            ));
        }
        // Value and unit (targets and tasks).
        let (value, unit, base_value) = match (rec.value, rec.unit.as_deref()) {
            (None, None) => (None, None, None),
            (Some(_), _) | (None, Some(_)) if kind.is_project() => {
                return Err(invalid(
                    n,
                    "value",
                    "projects report investment in the project fields, not a value".into(),
                ));
            }
            (None, Some(u)) => {
                return Err(invalid(n, "unit", format!("{u:?} given without a value")));
            }
            (Some(v), None) => {
                return Err(invalid(n, "unit", format!("the value {v} needs its unit")));
            }
            (Some(v), Some(u)) => {
                if !v.is_finite() {
                    return Err(invalid(n, "value", format!("{v} is not a number")));
                }
                let Some((su, smult, sbase)) = &subject.unit else {
                    return Err(invalid(
                        n,
                        "unit",
                        format!(
                            "{} {} has no unit: give it a target or a planned value and unit, \
                             or report progress as text",
                            kind.code(),
                            rec.subject_id
                        ),
                    ));
                };
                if u == su {
                    (Some(v), Some(su.as_str()), Some(round_sig(v * smult)))
                } else {
                    let (base, mult) = base_of(u);
                    if base != sbase {
                        return Err(invalid(
                            n,
                            "unit",
                            format!(
                                "{u:?} does not measure {} {}, which is in {su:?}",
                                kind.code(),
                                rec.subject_id
                            ),
                        ));
                    }
                    let base_value = round_sig(v * mult);
                    (
                        Some(round_sig(base_value / smult)),
                        Some(su.as_str()),
                        Some(base_value),
                    )
                }
            }
        };
        // Project fields.
        let none = ProjectFields::default();
        let pf = match &rec.project {
            Some(_) if !kind.is_project() => {
                return Err(invalid(
                    n,
                    "project",
                    format!("project fields apply to projects, not to a {}", kind.code()),
                ));
            }
            Some(p) => p,
            None => &none,
        };
        let mut invest_mult = 1.0;
        if pf.invested_period.is_some() || pf.invested_to_date.is_some() {
            let Some(u) = pf.invest_unit.as_deref() else {
                return Err(invalid(
                    n,
                    "invest_unit",
                    "amounts need their unit (万元, 亿元 or 元)".into(),
                ));
            };
            let (base, mult) = base_of(u);
            if base != "元" {
                return Err(invalid(
                    n,
                    "invest_unit",
                    format!("{u:?} is not money (万元, 亿元 or 元)"),
                ));
            }
            invest_mult = mult;
            for (field, v) in [
                ("invested_period", pf.invested_period),
                ("invested_to_date", pf.invested_to_date),
            ] {
                if let Some(v) = v
                    && (!v.is_finite() || v < 0.0)
                {
                    return Err(invalid(
                        n,
                        field,
                        format!("{v} is not a non-negative amount"),
                    ));
                }
            }
            if let (Some(p), Some(t)) = (pf.invested_period, pf.invested_to_date)
                && p > t * (1.0 + 1e-9)
            {
                return Err(invalid(
                    n,
                    "invested_to_date",
                    format!("{t} is less than the {p} invested in the period itself"),
                ));
            }
        } else if let Some(u) = &pf.invest_unit {
            return Err(invalid(
                n,
                "invest_unit",
                format!("{u:?} given without an amount"),
            ));
        }
        if let Some(d) = &pf.planned_start {
            Date::parse(d, "planned_start").map_err(|e| record_error(n, e))?;
        }
        if let Some(d) = &pf.actual_start {
            let start = Date::parse(d, "actual_start").map_err(|e| record_error(n, e))?;
            let last = Date {
                y: period.year,
                m: period.last_month,
                d: crate::time::days_in_month(period.year, period.last_month),
            };
            if start > last {
                return Err(invalid(
                    n,
                    "actual_start",
                    format!("{d} is after the end of period {} ({last})", rec.period),
                ));
            }
        }
        if let Some(s) = rec.supersedes_id {
            check_supersedes(self.conn, n, kind, rec.subject_id, s, reported_at)?;
        }
        self.insert.execute(params![
            kind.code(),
            rec.subject_id,
            rec.period,
            period_end,
            value,
            unit,
            base_value,
            // A commitment has no value, so nothing to be cumulative.
            rec.cumulative && !commitment,
            rec.progress_text,
            rec.problems,
            rec.next_steps,
            rec.reported_by,
            reported_at,
            rec.supersedes_id,
            pf.invested_period,
            pf.invested_to_date,
            pf.invest_unit,
            pf.invested_period.map(|v| round_sig(v * invest_mult)),
            pf.invested_to_date.map(|v| round_sig(v * invest_mult)),
            pf.status.map(StatusCode::code),
            pf.physical_progress,
            pf.planned_start,
            pf.actual_start,
            rec.work_status.map(WorkStatus::code),
        ])?;
        self.appended += 1;
        Ok(self.conn.last_insert_rowid())
    }
}

impl ProgressBatch<'_> {
    /// Commits every appended record at once.
    pub fn commit(mut self) -> Result<usize> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(self.appended)
    }

    /// Discards every appended record.
    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("ROLLBACK")?;
        Ok(())
    }
}

impl Drop for ProgressBatch<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing useful can be done with a failure here: the transaction ends with the
            // connection at the latest.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Db {
    /// Starts a [`ProgressBatch`]: one write transaction for any number of records.
    pub fn progress_batch(&mut self) -> Result<ProgressBatch<'_>> {
        ProgressBatch::begin(self.connection())
    }

    /// Appends records in one transaction: all of them, or none when any is bad (the error
    /// names the first bad record, 1-based, and its field). Returns their ids.
    pub fn append_progress(&mut self, records: &[NewProgress]) -> Result<Vec<i64>> {
        let mut batch = self.progress_batch()?;
        let mut ids = Vec::with_capacity(records.len());
        for r in records {
            ids.push(batch.append(r)?);
        }
        batch.commit()?;
        Ok(ids)
    }

    /// Appends one record in its own transaction. Returns its id.
    pub fn add_progress(&mut self, record: &NewProgress) -> Result<i64> {
        let mut batch = self.progress_batch()?;
        let id = batch.append(record)?;
        batch.commit()?;
        Ok(id)
    }

    /// One progress record by id.
    pub fn progress(&self, id: i64) -> Result<Progress> {
        self.connection()
            .prepare_cached(&format!("{SELECT_SQL} WHERE p.id = ?1"))?
            .query_row([id], progress_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("progress {id}")))
    }

    /// Every record about a subject, superseded ones included, by period end then id;
    /// [`Error::NotFound`] for an unknown subject (an empty list means it has no records).
    pub fn progress_history(&self, kind: SubjectKind, subject_id: i64) -> Result<Vec<Progress>> {
        let table = match kind {
            SubjectKind::Target => "SELECT 1 FROM figure WHERE kind = 'target' AND id = ?1",
            SubjectKind::Task => "SELECT 1 FROM task WHERE id = ?1",
            SubjectKind::Project => "SELECT 1 FROM project WHERE id = ?1",
            SubjectKind::RegisterProject => "SELECT 1 FROM register_project WHERE id = ?1",
            SubjectKind::Commitment => "SELECT 1 FROM commitment WHERE id = ?1",
        };
        self.connection()
            .prepare_cached(table)?
            .query_row([subject_id], |_| Ok(()))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("{} {subject_id}", kind.code())))?;
        let mut st = self.connection().prepare_cached(&format!(
            "{SELECT_SQL} WHERE p.subject_kind = ?1 AND p.subject_id = ?2
             ORDER BY p.period_end, p.id"
        ))?;
        let rows = st.query_map(params![kind.code(), subject_id], progress_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest effective record about a subject (not superseded; latest period end, then
    /// latest id), up to the end of `up_to` (a period) if given.
    pub fn latest_progress(
        &self,
        kind: SubjectKind,
        subject_id: i64,
        up_to: Option<&str>,
    ) -> Result<Option<Progress>> {
        let end = up_to
            .map(|p| Period::parse(p).map(|p| p.end_date()))
            .transpose()?;
        Ok(self
            .connection()
            .prepare_cached(&format!(
                "{SELECT_SQL} WHERE p.subject_kind = ?1 AND p.subject_id = ?2
                   AND (?3 IS NULL OR p.period_end <= ?3)
                   AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.supersedes_id = p.id)
                 ORDER BY p.period_end DESC, p.id DESC LIMIT 1"
            ))?
            .query_row(params![kind.code(), subject_id, end], progress_from_row)
            .optional()?)
    }
}
