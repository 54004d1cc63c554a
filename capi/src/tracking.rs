//! Tracking the plan: organisation units (牵头单位 / 配合单位), tasks and milestones, progress
//! records (on targets, tasks, projects and commitments), the evaluation of targets, projects
//! and commitments against 序时进度 (time-elapsed progress), and the history of a light month
//! by month.
//!
//! Records come in as JSON objects with known keys: an unknown key, a wrong type or malformed
//! JSON gives `GOVREPORT_INVALID_ARGUMENT` naming the key; an unknown id gives
//! `GOVREPORT_NOT_FOUND`; a write on a read-only handle `GOVREPORT_READONLY`. Functions that add
//! a record write its id to `*out_id` (0 on failure). Results come back as one new UTF-8 JSON
//! string in `*out`, freed with `govreport_string_free()`; on failure `*out` is NULL.

use std::ffi::c_char;

use crate::args::{self as input, Object, opt_str_arg, str_arg};
use crate::boundary::{Failure, with_db_mut};
use crate::handle::govreport_db;
use crate::out::{Out, clear_out, json, put_string, string_call, string_out};
use govreport::tracking::{
    EvaluationConfig, NewOrgUnit, NewProgress, NewTask, SubItem, SubjectKind, TaskUpdate,
};

/// Sets `*p = 0` before anything else is checked, so that it is 0 after every failure, a
/// NULL handle included.
///
/// Requires: `p` must be NULL or valid for a write of an `int64_t`.
unsafe fn clear_int(p: *mut i64) {
    if !p.is_null() {
        // SAFETY: non-NULL, and valid for a write by the caller's contract.
        unsafe { p.write(0) }
    }
}

/// Checks an `int64_t *` out argument and sets it to 0, so that it is 0 on failure.
///
/// Requires: `p` must be NULL or valid for a write of an `int64_t`.
unsafe fn int_out(p: *mut i64, name: &str) -> Result<Out<i64>, Failure> {
    // SAFETY: forwarded from this function's contract.
    let out = unsafe { Out::new(p, name) }?;
    out.set(0);
    Ok(out)
}

const CONFIG_KEYS: &[&str] = &[
    "as_of",
    "ahead_margin",
    "yellow_margin",
    "red_margin",
    "blue_days",
    "approx_tolerance",
    "report_id",
    "known_at",
    "silent_periods",
    "recolour_recovered",
];

pub(crate) fn evaluation_config(text: Option<&str>) -> Result<EvaluationConfig, Failure> {
    let o = Object::parse_opt(text, "config_json", CONFIG_KEYS)?;
    let d = EvaluationConfig::default();
    let c = EvaluationConfig {
        as_of: o.opt_string("as_of")?,
        ahead_margin: o.opt_f64("ahead_margin")?.unwrap_or(d.ahead_margin),
        yellow_margin: o.opt_f64("yellow_margin")?.unwrap_or(d.yellow_margin),
        red_margin: o.opt_f64("red_margin")?.unwrap_or(d.red_margin),
        blue_days: o.opt_i64("blue_days")?.unwrap_or(d.blue_days),
        approx_tolerance: o.opt_f64("approx_tolerance")?.unwrap_or(d.approx_tolerance),
        report_id: o.opt_i64("report_id")?,
        known_at: o.opt_string("known_at")?,
        silent_periods: match o.opt_usize("silent_periods")? {
            Some(n) => u32::try_from(n)
                .map_err(|_| o.bad("silent_periods", "must be a number of months (0–120)"))?,
            None => d.silent_periods,
        },
        recolour_recovered: o.bool_or("recolour_recovered", d.recolour_recovered)?,
    };
    Ok(c)
}

/// The result of `govreport_target_decompose`.
#[derive(serde::Serialize)]
struct Decomposed {
    parent_id: i64,
    task_ids: Vec<i64>,
}

/// Adds a unit (牵头单位 / 配合单位) and writes its id to `*out_id`.
///
/// `unit_json`: `{"name": "区发改委", "parent_id": 3}` — `name` required and new (names are
/// unique: an existing name → `GOVREPORT_INVALID_ARGUMENT`), `parent_id` optional (an unknown
/// unit → `GOVREPORT_NOT_FOUND`). Unknown keys, wrong types, malformed JSON →
/// `GOVREPORT_INVALID_ARGUMENT` naming the key. A read-only database → `GOVREPORT_READONLY`.
/// One transaction.
///
/// `*out_id` is the new unit's id on success, 0 on failure. Thread rules: as for every call
/// on a handle (serialized inside).
///
/// Requires: `db` must be NULL or an open handle; `unit_json` NULL or a NUL-terminated string;
/// `out_id` NULL or valid for writing an `int64_t` (NULL arguments →
/// `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_org_unit_add(
    db: *const govreport_db,
    unit_json: *const c_char,
    out_id: *mut i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_int(out_id);
        with_db_mut(db, |db| {
            let out = int_out(out_id, "out_id")?;
            let unit: NewOrgUnit =
                input::parse_record(str_arg(unit_json, "unit_json")?, "unit_json")?;
            out.set(db.add_org_unit(&unit)?);
            Ok(())
        })
    }
}

/// Every unit as a JSON array of `{"id", "report_id", "name", "parent_id"}`, by name. No units
/// gives `[]`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_org_units_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.org_units()?)) }
}

/// Adds a task of the decomposition (任务分解表) with its supporting units and milestones, in
/// one transaction, and writes its id to `*out_id`.
///
/// `task_json`: a JSON object; only `"title"` is required. Keys: `"report_id"`,
/// `"parent_id"` (a task), `"target_id"`, `"project_id"`, `"planned_value"` (number),
/// `"unit"` (must have the target's base unit), `"lead_unit_id"`, `"support_unit_ids"`
/// (array of unit ids), `"responsible_person"`, `"deadline"` (ISO date), `"notes"`,
/// `"milestones"` (array of `{"due_date": "2024-06-30", "description": "…"}`).
/// Unknown keys, wrong types, a bad date, a unit that does not measure the target, malformed
/// JSON → `GOVREPORT_INVALID_ARGUMENT` naming the key; an unknown id (target, project, parent,
/// unit, report) → `GOVREPORT_NOT_FOUND`; a read-only database → `GOVREPORT_READONLY`.
/// Nothing is written on failure.
///
/// `*out_id` is the new task's id on success, 0 on failure. Thread rules: as for every call
/// on a handle.
///
/// Requires: `db` must be NULL or an open handle; `task_json` NULL or a NUL-terminated string;
/// `out_id` NULL or valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_task_add(
    db: *const govreport_db,
    task_json: *const c_char,
    out_id: *mut i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_int(out_id);
        with_db_mut(db, |db| {
            let out = int_out(out_id, "out_id")?;
            let task: NewTask = input::parse_record(str_arg(task_json, "task_json")?, "task_json")?;
            out.set(db.add_task(&task)?);
            Ok(())
        })
    }
}

/// Changes task `id` in one transaction: every key `update_json` gives is written, the others
/// are left as they are. This is how an edit is made to a task read from a 任务分解表: a later
/// `govreport_decomposition_import()` keeps it unless the table changes that same field.
///
/// `update_json`: a JSON object with any of `"title"` (not blank), `"lead_unit_id"` (a unit;
/// it can be changed, not removed), `"support_unit_ids"` (array of unit ids: replaces the
/// list; `[]` removes every supporting unit), `"leader"` (责任领导), `"responsible_person"`,
/// `"notes"` (text; `""` clears the field), `"deadline"` (ISO date, not before the report's
/// plan year; the deadline source becomes `"set"` and `"deadline_text"` is cleared). `null`
/// counts as absent; `{}` changes nothing.
///
/// Errors: an unknown task or unit → `GOVREPORT_NOT_FOUND`; unknown keys, wrong types,
/// malformed JSON, a blank title, a bad or too early deadline, a unit listed twice or both as
/// lead and supporting unit → `GOVREPORT_INVALID_ARGUMENT` naming the key; a read-only
/// database → `GOVREPORT_READONLY`. Nothing is written on failure. Thread rules: as for every
/// call on a handle.
///
/// Requires: `db` must be NULL or an open handle; `update_json` NULL or a NUL-terminated
/// string (NULL arguments → `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_task_update(
    db: *const govreport_db,
    id: i64,
    update_json: *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db_mut(db, |db| {
            let update: TaskUpdate =
                input::parse_record(str_arg(update_json, "update_json")?, "update_json")?;
            db.update_task(id, &update)?;
            Ok(())
        })
    }
}

/// One task by id as a JSON object: `{"id", "report_id", "parent_id", "title", "target_id",
/// "project_id", "planned_value", "unit", "lead_unit", "support_units", "responsible_person",
/// "deadline", "deadline_source", "notes", "created_at", "milestones", "commitment_id",
/// "leader", "deadline_text"}` (units as `{"id", "report_id", "name", "parent_id"}`,
/// milestones as `{"id", "task_id", "due_date", "description", "done_at"}`; the last three
/// keys are set on tasks read from a 任务分解表, see `govreport_decomposition_import()`).
/// Unknown id → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_task_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.task(id)?)) }
}

/// Every task of every report as a JSON array, parents before their children (by depth,
/// then id); each task is the object of `govreport_task_json()`. No tasks gives `[]`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_tasks_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.tasks(None)?)) }
}

/// Adds a milestone to task `task_id` in one transaction and writes its id to `*out_id`.
///
/// `due_date`: an ISO date (`"2024-06-30"`); `description`: non-empty text (trimmed). A bad
/// date or an empty description → `GOVREPORT_INVALID_ARGUMENT`; an unknown task →
/// `GOVREPORT_NOT_FOUND`; a read-only database → `GOVREPORT_READONLY`. Nothing is written on
/// failure.
///
/// `*out_id` is the new milestone's id on success, 0 on failure. Thread rules: as for every
/// call on a handle.
///
/// Requires: `db` must be NULL or an open handle; `due_date` and `description` NULL or NUL-terminated
/// strings; `out_id` NULL or valid for writing an `int64_t` (NULL arguments →
/// `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_milestone_add(
    db: *const govreport_db,
    task_id: i64,
    due_date: *const c_char,
    description: *const c_char,
    out_id: *mut i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_int(out_id);
        with_db_mut(db, |db| {
            let out = int_out(out_id, "out_id")?;
            let due_date = str_arg(due_date, "due_date")?;
            let description = str_arg(description, "description")?;
            out.set(db.add_milestone(task_id, due_date, description)?);
            Ok(())
        })
    }
}

/// Records that milestone `milestone_id` was reached on `done_at` (an ISO date), in one
/// transaction. A milestone is completed once: completing it again →
/// `GOVREPORT_INVALID_ARGUMENT`, as does a bad date; an unknown milestone →
/// `GOVREPORT_NOT_FOUND`; a read-only database → `GOVREPORT_READONLY`.
///
/// Requires: `db` must be NULL or an open handle; `done_at` NULL or a NUL-terminated string (NULL
/// arguments → `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_milestone_complete(
    db: *const govreport_db,
    milestone_id: i64,
    done_at: *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db_mut(db, |db| {
            let done_at = str_arg(done_at, "done_at")?;
            db.complete_milestone(milestone_id, done_at)?;
            Ok(())
        })
    }
}

/// Splits target `target_id` into sub-items in one transaction: one parent task for the
/// target (the existing top-level task of the target if there is one) and one child task per
/// sub-item, in the target's unit; lead units are found by name and added if missing.
///
/// `sub_items_json`: a JSON array of `{"title", "planned_value", "lead_unit",
/// "responsible_person", "deadline"}` (`"title"` required). Unknown target →
/// `GOVREPORT_NOT_FOUND`; unknown keys, wrong types, a bad date, planned values over a cap,
/// malformed JSON → `GOVREPORT_INVALID_ARGUMENT` (the message names the sub-item, 1-based,
/// and the key); a read-only database → `GOVREPORT_READONLY`. Nothing is written on failure.
///
/// On success `*out` is a new UTF-8 string `{"parent_id": N, "task_ids": [..]}` (the child
/// task ids in the order of the sub-items) to free with `govreport_string_free()`; on failure
/// `*out` is NULL. Thread rules: as for every call on a handle.
///
/// Requires: `db` must be NULL or an open handle; `sub_items_json` NULL or a NUL-terminated string;
/// `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_target_decompose(
    db: *const govreport_db,
    target_id: i64,
    sub_items_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db_mut(db, |db| {
            let out = string_out(out)?;
            let text = str_arg(sub_items_json, "sub_items_json")?;
            let items: Vec<SubItem> = input::parse_records(text, "sub_items_json", "sub-item")?;
            let (parent_id, task_ids) = db.decompose_target(target_id, &items)?;
            let bytes = json(&Decomposed {
                parent_id,
                task_ids,
            })?;
            put_string(&out, bytes)
        })
    }
}

/// Appends one progress record (append-only history: a correction is a new record with
/// `"supersedes_id"`) in its own transaction and writes its id to `*out_id`.
///
/// `progress_json`: a JSON object. Required: `"subject_kind"` (`"target"`, `"task"`,
/// `"project"`, `"register_project"`, `"commitment"`), `"subject_id"`, `"period"`
/// (`"2024-03"` or `"2024-Q1"`, in the subject's plan year). Optional: `"value"` and
/// `"unit"` (targets and tasks; the subject's unit or one with the same base unit),
/// `"cumulative"` (true: year to date; default false: this period alone), `"progress_text"`
/// (进展情况), `"problems"` (存在的问题), `"next_steps"` (下一步措施), `"work_status"`
/// (commitments only: `"not_started"`, `"in_progress"`, `"done"`, `"lagging"` or the words
/// `"未启动"`, `"推进中"`, `"已完成"`, `"滞后"`), `"reported_by"`, `"reported_at"` (ISO date or
/// date-time, default now; a correction not before the record it corrects), `"supersedes_id"`,
/// and for projects `"project"`: `{"invested_period", "invested_to_date", "invest_unit" (万元,
/// 亿元, 元), "status" (planning, to_start, under_construction, near_completion, completed,
/// in_operation), "physical_progress", "planned_start", "actual_start"}`. A commitment's
/// record takes `"work_status"` and the text keys, not `"value"`, `"unit"` or `"project"`
/// (`{"subject_kind": "commitment", "subject_id": 11, "period": "2024-06", "work_status":
/// "推进中", "progress_text": "…"}`).
///
/// Errors: unknown keys, wrong types, a bad or out-of-range period (`"2024-13"`), a wrong
/// unit, a value or project fields on a commitment, a work status on anything else, an
/// unknown work status, malformed JSON → `GOVREPORT_INVALID_ARGUMENT` naming the key; an
/// unknown subject or superseded record → `GOVREPORT_NOT_FOUND`; a read-only database →
/// `GOVREPORT_READONLY`. Nothing is written on failure.
///
/// `*out_id` is the new record's id on success, 0 on failure. Thread rules: as for every call
/// on a handle.
///
/// Requires: `db` must be NULL or an open handle; `progress_json` NULL or a NUL-terminated string;
/// `out_id` NULL or valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_progress_append(
    db: *const govreport_db,
    progress_json: *const c_char,
    out_id: *mut i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_int(out_id);
        with_db_mut(db, |db| {
            let out = int_out(out_id, "out_id")?;
            let text = str_arg(progress_json, "progress_json")?;
            let rec: NewProgress = input::parse_record(text, "progress_json")?;
            out.set(db.add_progress(&rec)?);
            Ok(())
        })
    }
}

/// Appends a batch of progress records in one transaction: all of them, or none when any is
/// bad. `progress_array_json` is a JSON array of the objects of `govreport_progress_append()`;
/// the error message names the first bad record (1-based) and its key. `[]` appends nothing.
///
/// Errors as for `govreport_progress_append()`. `*out_count` is the number of records
/// appended on success, 0 on failure. Thread rules: as for every call on a handle.
///
/// Requires: `db` must be NULL or an open handle; `progress_array_json` NULL or a NUL-terminated
/// string; `out_count` NULL or valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_progress_append_batch(
    db: *const govreport_db,
    progress_array_json: *const c_char,
    out_count: *mut i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_int(out_count);
        with_db_mut(db, |db| {
            let out = int_out(out_count, "out_count")?;
            let text = str_arg(progress_array_json, "progress_array_json")?;
            let records: Vec<NewProgress> =
                input::parse_records(text, "progress_array_json", "progress record")?;
            let ids = db.append_progress(&records)?;
            out.set(i64::try_from(ids.len()).unwrap_or(i64::MAX));
            Ok(())
        })
    }
}

/// Every progress record about a subject, superseded ones included (`"superseded_by"` says
/// which record corrects it), by period end then id, as a JSON array of `{"id",
/// "subject_kind", "subject_id", "period", "period_end", "value", "unit", "base_value",
/// "cumulative", "progress_text", "problems", "next_steps", "reported_by", "reported_at",
/// "supersedes_id", "superseded_by", "invested_period", "invested_to_date", "invest_unit",
/// "invested_period_base", "invested_to_date_base", "status", "physical_progress",
/// "planned_start", "actual_start", "work_status"}` (`work_status`: a commitment's code, null
/// on other records).
///
/// `subject_kind`: `"target"`, `"task"`, `"project"`, `"register_project"` or `"commitment"`
/// (anything else → `GOVREPORT_INVALID_ARGUMENT`); an unknown subject → `GOVREPORT_NOT_FOUND`;
/// a subject without records gives `[]`.
///
/// Requires: `db` must be NULL or an open handle; `subject_kind` NULL or a NUL-terminated string;
/// `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_progress_history_json(
    db: *const govreport_db,
    subject_kind: *const c_char,
    subject_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            let kind = SubjectKind::from_code(str_arg(subject_kind, "subject_kind")?)?;
            json(&db.progress_history(kind, subject_id)?)
        })
    }
}

/// Evaluates every target at the end of `period` (`"2024-06"` or `"2024-Q2"`) against
/// 序时进度 and writes a JSON array, by target id, of `{"target_id", "metric",
/// "target_value", "unit", "qualifier", "comparator", "measure", "deadline",
/// "days_to_deadline", "value", "latest_period", "latest_record_id", "value_source",
/// "completion_pct", "schedule_pct", "gap_points", "status", "light"}`; `status` is one of
/// `done`, `ahead`, `on_schedule`, `behind`, `overdue`, `no_data`; `light` one of `green`,
/// `blue`, `yellow`, `red`, or null without data. The rule is documented in README.md
/// ("Tracking the year") and the library's `tracking::evaluation` module.
///
/// `config_json`: NULL (the defaults) or a JSON object with any of `"as_of"` (ISO date),
/// `"ahead_margin"` (5), `"yellow_margin"` (10), `"red_margin"` (30), `"approx_tolerance"`
/// (0.05) (numbers ≥ 0), `"blue_days"` (30), `"report_id"` (default: every report),
/// `"known_at"` (ISO date or date-time: judge with only the records reported by then, a date
/// meaning its end, in China Standard Time; default every record), `"silent_periods"`
/// (commitments: months without a report before the light is yellow, 0–120, 0 off; default
/// 1) and `"recolour_recovered"` (light history: default false).
///
/// Errors: a malformed or out-of-range period (`"2024-13"`), unknown keys, wrong types, bad
/// thresholds, malformed JSON → `GOVREPORT_INVALID_ARGUMENT`; an unknown `"report_id"` →
/// `GOVREPORT_NOT_FOUND`. Read-only: works on a read-only database.
///
/// Requires: `db` must be NULL or an open handle; `period` and `config_json` NULL or NUL-terminated
/// strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_evaluate_targets_json(
    db: *const govreport_db,
    period: *const c_char,
    config_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            let period = str_arg(period, "period")?;
            let config = evaluation_config(opt_str_arg(config_json, "config_json")?)?;
            json(&db.evaluate_targets(period, &config)?)
        })
    }
}

/// The project investment summary at the end of `period` as a JSON object: `{"period",
/// "schedule_pct", "projects": [{"register_id", "project_id", "name", "annual_plan_base",
/// "invested_to_date_base", "completion_pct", "gap_points", "planned_start", "actual_start",
/// "status", "physical_progress", "latest_period"}], "reporting", "invested_base",
/// "annual_plan_base", "plan_completion_pct", "planned_starts", "actual_starts",
/// "start_rate_pct", "district"}` (`district`: the report's 年度完成投资 and the district
/// against it, or null; amounts `…_base` in 元).
///
/// `period` and `config_json` as for `govreport_evaluate_targets_json()` (`"report_id"`
/// selects the report whose register and totals are used; default the first).
///
/// Requires: `db` must be NULL or an open handle; `period` and `config_json` NULL or NUL-terminated
/// strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_evaluate_projects_json(
    db: *const govreport_db,
    period: *const c_char,
    config_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            let period = str_arg(period, "period")?;
            let config = evaluation_config(opt_str_arg(config_json, "config_json")?)?;
            json(&db.evaluate_projects(period, &config)?)
        })
    }
}

/// Evaluates every commitment (of `"report_id"`, or of every report) at the end of `period`,
/// in the report's text order, and writes a JSON array of `{"commitment_id", "report_id",
/// "part", "area", "area_title", "quote", "kind", "deadline", "days_to_deadline",
/// "work_status", "status", "light", "reason", "latest_period", "latest_record_id",
/// "progress_text", "problems", "next_steps", "lead_unit", "target_statuses"}`.
///
/// `kind` is `quantitative` or `qualitative`. A qualitative commitment is judged from its own
/// latest record: `done` (green, "已完成") when it says 已完成; `overdue` (red, "逾期未完成")
/// after its deadline; `behind` (red, "报送滞后") when it says 滞后; yellow ("本期未报送") when
/// no record came for the last `"silent_periods"` months (`no_data` if never reported, else
/// `behind`); blue ("临近完成时限") within `"blue_days"` of the deadline; else green
/// (`on_schedule`, "正常推进"). A quantitative one takes its targets' evaluations
/// (`target_statuses`, the objects of `govreport_evaluate_targets_json()`): the worst light
/// (no data counts as yellow), the worst status, a reason naming those targets; its own
/// records do not override them. `light` is null only for a commitment never reported with
/// `"silent_periods": 0`; `lead_unit` is the lead unit of a task made for the commitment, or
/// null. The rule is in README.md ("Tracking the year") and the library's
/// `tracking::evaluation::commitments` module.
///
/// `period` and `config_json` as for `govreport_evaluate_targets_json()`. Errors as there.
/// Read-only: works on a read-only database.
///
/// Requires: `db` must be NULL or an open handle; `period` and `config_json` NULL or
/// NUL-terminated strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_evaluate_commitments_json(
    db: *const govreport_db,
    period: *const c_char,
    config_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            let period = str_arg(period, "period")?;
            let config = evaluation_config(opt_str_arg(config_json, "config_json")?)?;
            json(&db.evaluate_commitments(period, &config)?)
        })
    }
}

/// The light of one subject in every month from `from` to `to` (`"2024-01"` … `"2024-12"`,
/// both included, at most 120 months), each month judged as known at its last second
/// (`YYYY-MM-DDT23:59:59+08:00`: only records reported by then count, and a correction only
/// once reported), as a JSON array of `{"period", "as_of", "light", "status",
/// "latest_record_id", "recovered"}`. A correction reported later changes the months from its
/// own on, never what an earlier month showed. The history is recomputed from the
/// append-only records each time (README.md, "Light history", says why).
///
/// `subject_kind`: `"commitment"`, `"target"` or `"register_project"`. `config_json` as for
/// `govreport_evaluate_targets_json()` without `"as_of"` (each month is judged at its own
/// end); `"known_at"` caps what every month knows (the history as it looked then);
/// `"recolour_recovered": true` turns a red month yellow (`"recovered": true`) when a later
/// month of the range, as known at the range's end, is green or done.
///
/// Errors: a malformed month or a quarter, `to` before `from`, more than 120 months, another
/// subject kind, `"as_of"` given, unknown keys, wrong types, malformed JSON →
/// `GOVREPORT_INVALID_ARGUMENT`; an unknown subject → `GOVREPORT_NOT_FOUND`. Read-only:
/// works on a read-only database.
///
/// Requires: `db` must be NULL or an open handle; `subject_kind`, `from`, `to` and
/// `config_json` NULL or NUL-terminated strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_light_history_json(
    db: *const govreport_db,
    subject_kind: *const c_char,
    subject_id: i64,
    from: *const c_char,
    to: *const c_char,
    config_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            let kind = SubjectKind::from_code(str_arg(subject_kind, "subject_kind")?)?;
            let from = str_arg(from, "from")?;
            let to = str_arg(to, "to")?;
            let config = evaluation_config(opt_str_arg(config_json, "config_json")?)?;
            json(&db.light_history(kind, subject_id, from, to, &config)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;
    use std::ptr;

    use govreport::Db;
    use govreport::projects::StatusCode;
    use govreport::tracking::{NewMilestone, Progress, ProjectFields};
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use super::*;
    use crate::errors::GOVREPORT_OK;
    use crate::handle::{GOVREPORT_OPEN_CREATE, govreport_close, govreport_open};

    // The literals below name every field (no `..Default::default()`): a field added to an
    // input type must be added here, and then reaches the C reader with no change to it.

    /// A target record with every top-level field set; it corrects `supersedes_id`.
    fn every_target_field(supersedes_id: i64) -> NewProgress {
        NewProgress {
            subject_kind: SubjectKind::Target,
            subject_id: 10,
            period: "2024-06".into(),
            value: Some(4300.0),
            unit: Some("人".into()),
            cumulative: true,
            progress_text: Some("1-6月城镇新增就业4300人".into()),
            problems: Some("岗位结构性矛盾".into()),
            next_steps: Some("开展招聘月活动".into()),
            work_status: None,
            reported_by: Some("区人社局".into()),
            reported_at: Some("2024-07-05".into()),
            supersedes_id: Some(supersedes_id),
            project: None,
        }
    }

    /// Every field of the project part.
    fn every_project_field() -> ProjectFields {
        ProjectFields {
            invested_period: Some(800.0),
            invested_to_date: Some(5000.0),
            invest_unit: Some("万元".into()),
            status: Some(StatusCode::UnderConstruction),
            physical_progress: Some("主体结构完工".into()),
            planned_start: Some("2024-03-01".into()),
            actual_start: Some("2024-03-15".into()),
        }
    }

    fn through_the_c_reader<T: Serialize + DeserializeOwned>(value: &T, what: &str) -> T {
        let text = serde_json::to_string(value).unwrap();
        input::parse_record(&text, what).unwrap_or_else(|f| panic!("{text}: {}", f.message))
    }

    #[test]
    fn every_field_of_each_input_type_reaches_the_library() {
        let progress = NewProgress {
            subject_kind: SubjectKind::Project,
            project: Some(every_project_field()),
            ..every_target_field(1)
        };
        assert_eq!(through_the_c_reader(&progress, "progress_json"), progress);
        let task = NewTask {
            report_id: Some(1),
            parent_id: Some(2),
            title: "城镇新增就业".into(),
            target_id: Some(10),
            project_id: Some(3),
            planned_value: Some(7400.0),
            unit: Some("人".into()),
            lead_unit_id: Some(4),
            support_unit_ids: vec![5, 6],
            responsible_person: Some("张三".into()),
            deadline: Some("2024-12-31".into()),
            notes: Some("按月报送".into()),
            milestones: vec![NewMilestone {
                due_date: "2024-06-30".into(),
                description: "过半".into(),
            }],
        };
        assert_eq!(through_the_c_reader(&task, "task_json"), task);
        let update = TaskUpdate {
            title: Some("城镇新增就业（调整）".into()),
            lead_unit_id: Some(4),
            support_unit_ids: Some(vec![5]),
            leader: Some("李副区长".into()),
            responsible_person: Some("张三".into()),
            deadline: Some("2024-11-30".into()),
            notes: Some("按周调度".into()),
        };
        assert_eq!(through_the_c_reader(&update, "update_json"), update);
        let unit = NewOrgUnit {
            name: "区就业服务中心".into(),
            parent_id: Some(1),
        };
        assert_eq!(through_the_c_reader(&unit, "unit_json"), unit);
        let item = SubItem {
            title: "城关镇".into(),
            planned_value: Some(3000.0),
            lead_unit: Some("城关镇政府".into()),
            responsible_person: Some("李四".into()),
            deadline: Some("2024-11-30".into()),
        };
        assert_eq!(through_the_c_reader(&item, "sub-item 1"), item);
    }

    /// Appends `rec` (as its serde JSON) through `govreport_progress_append`.
    fn append(db: *const govreport_db, rec: &NewProgress) -> i64 {
        let json = CString::new(serde_json::to_string(rec).unwrap()).unwrap();
        let mut id = 0;
        // SAFETY: `db` is an open handle, `json` a NUL-terminated string, `id` a live int64.
        let rc = unsafe { govreport_progress_append(db, json.as_ptr(), &mut id) };
        assert_eq!(rc, GOVREPORT_OK, "{json:?}");
        id
    }

    /// The C ABI sends every field of `NewProgress` through serde; the Rust API reads back
    /// what was stored.
    #[test]
    fn every_progress_field_sent_through_the_c_abi_is_stored() {
        let path = std::env::temp_dir().join(format!(
            "govreport-capi-progress-{}.sqlite",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let c_path = CString::new(path.to_str().unwrap()).unwrap();
        let mut db = ptr::null_mut();
        // SAFETY: `c_path` is NUL-terminated; `db` is a live pointer to write the handle to.
        let rc = unsafe { govreport_open(c_path.as_ptr(), GOVREPORT_OPEN_CREATE, &mut db) };
        assert_eq!(rc, GOVREPORT_OK);
        // Reported before its correction (2024-07-05): a correction is not reported earlier.
        let first = append(
            db,
            &NewProgress {
                reported_at: Some("2024-07-01".into()),
                ..NewProgress::target(10, "2024-06", 4200.0, "人")
            },
        );
        let target = every_target_field(first);
        let target_id = append(db, &target);
        let project =
            NewProgress::project(SubjectKind::Project, 1, "2024-06", every_project_field());
        let project_id = append(db, &project);
        // SAFETY: `db` is the open handle from above, not used after this.
        unsafe { govreport_close(db) };

        let rust = Db::open(&path).unwrap();
        let stored: Progress = rust.progress(target_id).unwrap();
        assert_eq!(
            (
                stored.subject_kind,
                stored.subject_id,
                stored.period.as_str()
            ),
            (
                target.subject_kind,
                target.subject_id,
                target.period.as_str()
            )
        );
        assert_eq!(
            (stored.value, stored.unit, stored.cumulative),
            (target.value, target.unit, target.cumulative)
        );
        assert_eq!(
            (stored.progress_text, stored.problems, stored.next_steps),
            (target.progress_text, target.problems, target.next_steps)
        );
        assert_eq!(stored.reported_by, target.reported_by);
        assert_eq!(Some(stored.reported_at), target.reported_at);
        assert_eq!(stored.supersedes_id, target.supersedes_id);

        let stored = rust.progress(project_id).unwrap();
        let fields = every_project_field();
        assert_eq!(
            (stored.subject_kind, stored.subject_id, stored.cumulative),
            (SubjectKind::Project, 1, true)
        );
        assert_eq!(
            (
                stored.invested_period,
                stored.invested_to_date,
                stored.invest_unit
            ),
            (
                fields.invested_period,
                fields.invested_to_date,
                fields.invest_unit
            )
        );
        assert_eq!(
            (stored.status, stored.physical_progress),
            (fields.status, fields.physical_progress)
        );
        assert_eq!(
            (stored.planned_start, stored.actual_start),
            (fields.planned_start, fields.actual_start)
        );
        drop(rust);
        std::fs::remove_file(&path).unwrap();
    }
}
