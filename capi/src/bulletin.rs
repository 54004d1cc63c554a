//! The 督查通报 (supervision bulletin) of a period: the counts of every commitment's light
//! ("x项任务中的x项能按计划正常执行，x项进度相对滞后"), a table per area, the quantified indicators
//! against 序时进度, every lagging commitment quoted with its lead unit, 存在的问题 and 下一步措施,
//! and the key-project investment section with its chart — as JSON, or written as a DOCX file
//! (to print from Word/WPS) or an HTML page with the same content.
//!
//! `config_json` is the evaluation's, as for `govreport_evaluate_commitments_json()`: NULL or
//! an object with any of `"as_of"`, `"known_at"` (only records reported by then count: the
//! bulletin as it stood at that date), `"report_id"`, the margins, `"blue_days"`,
//! `"silent_periods"`.

use std::ffi::c_char;

use crate::args::{opt_str_arg, str_arg};
use crate::boundary::with_db;
use crate::handle::govreport_db;
use crate::out::{clear_out, json, put_string, string_out};
use crate::tracking::evaluation_config;

/// The bulletin of `period` (`"2024-06"`, `"2024-Q2"`) as a JSON object: `{"title",
/// "period_label", "period", "as_of", "schedule_pct", "counts": {"total", "normal", "lagging",
/// "unlit", "done", "green", "blue", "yellow", "red"}, "summary", "areas": [{"title",
/// "counts", "rows": [{"number", "commitment_id", "task", "lead_unit", "deadline", "status",
/// "light", "reason"}]}], "indicators": [{"target_id", "metric", "target", "value",
/// "completion_pct", "gap_points", "status", "light"}], "lagging": [{"number",
/// "commitment_id", "quote", "lead_unit", "light", "reason", "problems", "next_steps"}],
/// "projects": null or {"schedule_pct", "reporting", "annual_plan_yi", "invested_yi",
/// "plan_completion_pct", "planned_starts", "actual_starts", "start_rate_pct", "bars"}}`.
/// A bad period or config → `GOVREPORT_INVALID_ARGUMENT`; an unknown report →
/// `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `period` and `config_json` NULL or
/// NUL-terminated strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_bulletin_json(
    db: *const govreport_db,
    period: *const c_char,
    config_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db(db, |db| {
            let out = string_out(out)?;
            let period = str_arg(period, "period")?;
            let config = evaluation_config(opt_str_arg(config_json, "config_json")?)?;
            put_string(&out, json(&db.bulletin(period, &config)?)?)
        })
    }
}

/// Writes the bulletin of `period` to the new file `path`: DOCX for a `.docx` path, HTML for
/// `.html`/`.htm`. An existing file → `GOVREPORT_INVALID_ARGUMENT` and the file is left as it
/// was; another extension → `GOVREPORT_INVALID_ARGUMENT`; a directory that does not exist or
/// cannot be written → `GOVREPORT_IO`. A failure leaves no file.
///
/// Requires: `db` must be NULL or an open handle; `period`, `config_json` and `path` NULL or
/// NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_bulletin_write(
    db: *const govreport_db,
    period: *const c_char,
    config_json: *const c_char,
    path: *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db(db, |db| {
            let period = str_arg(period, "period")?;
            let config = evaluation_config(opt_str_arg(config_json, "config_json")?)?;
            let path = str_arg(path, "path")?;
            db.write_bulletin(period, &config, path)?;
            Ok(())
        })
    }
}
