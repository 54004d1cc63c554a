//! The 任务分解表 (《政府工作报告》重点工作任务分解): the draft written from the report's
//! commitments — one row per commitment, columns 序号, 类别, 工作任务, 量化指标, 牵头单位,
//! 责任单位, 责任领导, 完成时限, numbered 目标.1 …, 一.1 … 十.9, 自身建设.1 … — and the
//! office's filled table read back as tasks (`govreport_tasks_json()` lists them, with
//! `"commitment_id"`, `"leader"` and `"deadline_text"`).
//!
//! Import rules (README "任务分解表" and the library's `commitments::decomposition` module
//! give them in full): the first unit listed in 牵头单位 leads (列第一位的为牵头单位), the others
//! and 责任单位 support; units are split on 、，,；; and spaces and created when new; an inline
//! `…（区发改委牵头，区财政局配合）` in 工作任务 is read when the unit cells are empty; 完成时限
//! as offices write it (年底前, 6月底前, 2024年6月30日, 2024-06-30) within the plan year and the
//! five after it, empty → the commitment's deadline. All-or-nothing, one transaction.
//! Re-importing the same file changes nothing; a task edited with `govreport_task_update()`
//! keeps the edit unless the table changes that same field (the summary's
//! `"overwritten_edits"` lists those). Built without the `xlsx` feature, XLSX paths give
//! `GOVREPORT_INVALID_ARGUMENT`.

use std::ffi::c_char;

use crate::args::{Object, opt_str_arg, str_arg};
use crate::boundary::{with_db, with_db_mut};
use crate::handle::govreport_db;
use crate::out::{clear_out, json, put_string, string_out};
use crate::registers::{LIMIT_KEYS, bad_rows, file_format, limits};
use govreport::commitments::decomposition::DecompositionOptions;
use govreport::error::Error;
use govreport::registers::ImportError;

/// Writes the draft 任务分解表 of report `report_id` to `path`, a new file. `format` is
/// `"csv"` (UTF-8 with a BOM, the header on the first line), `"xlsx"` (a title row above the
/// header, wrapped text, the header repeated on every printed page, landscape A4; needs the
/// `xlsx` cargo feature, without it → `GOVREPORT_INVALID_ARGUMENT`) or NULL (from the
/// extension of `path`, as `govreport_register_export_projects()`).
///
/// An existing `path` → `GOVREPORT_INVALID_ARGUMENT`, the file left unchanged; an unknown
/// report → `GOVREPORT_NOT_FOUND`; a directory that does not exist → `GOVREPORT_IO`; any other
/// format → `GOVREPORT_INVALID_ARGUMENT`. Works on a read-only handle and on the built-in
/// database.
///
/// Requires: `db` must be NULL or an open handle; `path` and `format` NULL or NUL-terminated
/// strings (NULL `db` or `path` → `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_decomposition_draft(
    db: *const govreport_db,
    report_id: i64,
    path: *const c_char,
    format: *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db(db, |db| {
            let path = str_arg(path, "path")?;
            let format = file_format(path, opt_str_arg(format, "format")?)?;
            db.decomposition_draft(report_id, path, format)?;
            Ok(())
        })
    }
}

/// Imports a filled 任务分解表 file (`.csv`/`.tsv`/`.txt` UTF-8 or GBK, or
/// `.xlsx`/`.xls`/`.ods`, the first worksheet) of report `report_id` as tasks, one per
/// commitment, in one transaction.
///
/// `options_json`: NULL or a JSON object with any of the import limits of
/// `govreport_register_import_projects()` (`"max_rows"`, `"max_columns"`, `"max_cells"`,
/// `"max_bytes"`, `"max_zip_entries"`, `"max_compression_ratio"`, `"max_field_bytes"`,
/// `"max_row_bytes"`); a file above one → `GOVREPORT_INVALID_ARGUMENT` naming it.
///
/// `*summary_json` (ownership: free with `govreport_string_free()`):
/// - on success, `{"source", "header_row", "rows_read", "created", "updated", "unchanged",
///   "units_created": [names], "overwritten_edits": [{"row", "task_id", "serial", "field",
///   "edited", "previous_import", "written"}], "tasks_without_row": [{"task_id",
///   "commitment_id", "serial"}], "ignored_rows", "ignored_columns"}` (`field` one of
///   `lead_unit`, `support_units`, `leader`, `deadline`, `deadline_text`);
/// - on bad rows (`GOVREPORT_INVALID_ARGUMENT`, nothing written), `{"source", "problems":
///   [{"row", "column", "value", "kind", "reason"}]}` with every problem found, in row order,
///   exactly as `govreport_register_import_projects()` gives them (an unknown 序号, a 工作任务
///   that is not the commitment's text, a bad or out-of-range 完成时限, units in the cells that
///   contradict the annotation, a commitment in two rows, a missing column …);
/// - NULL on any other failure (unknown extension or bad options → INVALID_ARGUMENT, an
///   unknown report → `GOVREPORT_NOT_FOUND`, a missing file → `GOVREPORT_IO`, a read-only
///   database → `GOVREPORT_READONLY` …).
///
/// Requires: `db` must be NULL or an open handle; `path` and `options_json` NULL or
/// NUL-terminated strings; `summary_json` NULL or valid for writing a pointer (NULL `db`,
/// `path` or `summary_json` → `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_decomposition_import(
    db: *const govreport_db,
    report_id: i64,
    path: *const c_char,
    options_json: *const c_char,
    summary_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(summary_json);
        with_db_mut(db, |db| {
            let out = string_out(summary_json)?;
            let path = str_arg(path, "path")?;
            let o = Object::parse_opt(
                opt_str_arg(options_json, "options_json")?,
                "options_json",
                LIMIT_KEYS,
            )?;
            let options = DecompositionOptions {
                limits: limits(&o)?,
            };
            match db.import_decomposition(report_id, path, &options) {
                Ok(done) => put_string(&out, json(&done)?),
                Err(ImportError::BadRows {
                    source_name,
                    problems,
                }) => bad_rows(&out, &source_name, &problems),
                #[allow(unreachable_patterns)] // ImportError is non_exhaustive
                Err(e) => Err(Error::from(e).into()),
            }
        })
    }
}
