//! The registers offices keep beside the report (key projects, villages): import from CSV or
//! XLSX files with every bad row reported, export, the consistency check against the report and
//! the village roll-up. Built without the `xlsx` feature, the same functions exist and XLSX
//! paths give `GOVREPORT_INVALID_ARGUMENT`.
//!
//! Results (and the import summary in `*summary_json`) come back as new UTF-8 JSON strings,
//! freed with `govreport_string_free()`; on failure they are NULL, except that an import
//! refused for bad rows returns the list of problems.

use std::ffi::c_char;

use crate::args::{Object, opt_str_arg, str_arg};
use crate::boundary::{Failure, with_db, with_db_mut};
use crate::errors::GOVREPORT_INVALID_ARGUMENT;
use crate::handle::govreport_db;
use crate::out::{Out, clear_out, json, put_string, string_call, string_out};
use govreport::db::Db;
use govreport::error::Error;
use govreport::registers::{
    FileFormat, ImportError, ImportLimits, ImportOptions, ImportSummary, RowProblem,
};

/// `*summary_json` of an import that failed on bad rows (a struct, not `json!`, to keep the
/// keys in this order and each problem's in its own).
#[derive(serde::Serialize)]
pub(crate) struct BadRows<'a> {
    source: &'a str,
    problems: &'a [RowProblem],
}

/// The report an options object names (`"report_id"`), else the first report.
fn report_id(db: &Db, given: Option<i64>) -> Result<i64, Failure> {
    match given {
        // An unknown report is the import's NotFound.
        Some(id) => Ok(id),
        None => Ok(db.report()?.id),
    }
}

/// The import limits an options object may set (see `ImportLimits`), each a non-negative
/// integer; absent keys keep their defaults.
pub(crate) const LIMIT_KEYS: &[&str] = &[
    "max_rows",
    "max_columns",
    "max_cells",
    "max_bytes",
    "max_zip_entries",
    "max_compression_ratio",
    "max_field_bytes",
    "max_row_bytes",
];

/// The import limits of an options object.
pub(crate) fn limits(o: &Object) -> Result<ImportLimits, Failure> {
    let mut l = ImportLimits::default();
    let set = |key: &str, slot: &mut usize| -> Result<(), Failure> {
        if let Some(v) = o.opt_usize(key)? {
            *slot = v;
        }
        Ok(())
    };
    set("max_rows", &mut l.max_rows)?;
    set("max_columns", &mut l.max_columns)?;
    set("max_cells", &mut l.max_cells)?;
    set("max_zip_entries", &mut l.max_zip_entries)?;
    set("max_field_bytes", &mut l.max_field_bytes)?;
    set("max_row_bytes", &mut l.max_row_bytes)?;
    let (mut bytes, mut ratio) = (l.max_bytes as usize, l.max_compression_ratio as usize);
    set("max_bytes", &mut bytes)?;
    set("max_compression_ratio", &mut ratio)?;
    (l.max_bytes, l.max_compression_ratio) = (bytes as u64, ratio as u64);
    Ok(l)
}

/// The file format of a `format` argument: `"csv"`, `"xlsx"`, or NULL for the extension of
/// `path`; anything else is INVALID_ARGUMENT.
pub(crate) fn file_format(path: &str, format: Option<&str>) -> Result<FileFormat, Failure> {
    match format {
        None => Ok(FileFormat::from_path(path)?),
        Some("csv") => Ok(FileFormat::Csv),
        Some("xlsx") => Ok(FileFormat::Xlsx),
        Some(f) => Err(Failure::new(
            GOVREPORT_INVALID_ARGUMENT,
            format!("invalid argument: format {f:?} is not \"csv\" or \"xlsx\""),
        )),
    }
}

/// The failure of an import refused for bad rows: `{"source", "problems"}` written to `out`
/// and `GOVREPORT_INVALID_ARGUMENT` with the count and the first problem in the message.
pub(crate) fn bad_rows(
    out: &Out<*mut c_char>,
    source_name: &str,
    problems: &[RowProblem],
) -> Result<(), Failure> {
    let message = format!(
        "invalid argument: {source_name}: {} problem(s), nothing imported; the list is in \
         *summary_json; first: {}",
        problems.len(),
        problems.first().map(|p| p.to_string()).unwrap_or_default()
    );
    put_string(
        out,
        json(&BadRows {
            source: source_name,
            problems,
        })?,
    )?;
    Err(Failure::new(GOVREPORT_INVALID_ARGUMENT, message))
}

/// The common body of the two imports: options, report, the import itself, and the JSON
/// summary on success or the problem list on bad rows.
///
/// Requires: As for the import functions.
unsafe fn import_call(
    db: *const govreport_db,
    path: *const c_char,
    options_json: *const c_char,
    summary_json: *mut *mut c_char,
    villages: bool,
    run: impl FnOnce(&mut Db, i64, &str, &ImportOptions) -> Result<ImportSummary, ImportError>,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(summary_json);
        with_db_mut(db, |db| {
            let out = string_out(summary_json)?;
            let path = str_arg(path, "path")?;
            let mut keys = vec!["report_id", "skip_bad_rows"];
            if villages {
                keys.push("year");
            }
            keys.extend_from_slice(LIMIT_KEYS);
            let o = Object::parse_opt(
                opt_str_arg(options_json, "options_json")?,
                "options_json",
                &keys,
            )?;
            let options = ImportOptions {
                skip_bad_rows: o.bool_or("skip_bad_rows", false)?,
                year: if villages { o.opt_i32("year")? } else { None },
                limits: limits(&o)?,
            };
            let report = report_id(&*db, o.opt_i64("report_id")?)?;
            match run(db, report, path, &options) {
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

/// Imports a key-project register (重点项目台账) file into the report's register: upsert by
/// 项目代码, rows linked to the projects the report names where they match. The format comes
/// from the extension: `.csv`/`.tsv`/`.txt` (UTF-8, or GBK with the `gbk` feature) or
/// `.xlsx`/`.xls`/`.ods` (the first worksheet; needs the `xlsx` cargo feature, without it →
/// `GOVREPORT_INVALID_ARGUMENT`). One transaction.
///
/// `options_json`: NULL or a JSON object with any of `"report_id"` (default: the first
/// report; unknown → `GOVREPORT_NOT_FOUND`) and `"skip_bad_rows"` (default false: any bad row
/// fails the whole import and nothing is written; true: the good rows are written and the bad
/// ones listed in `"skipped"`), and the import limits, each a non-negative integer (defaults in
/// brackets): `"max_rows"` (100000), `"max_columns"` (200), `"max_cells"` (2000000, XLSX cells
/// and shared strings), `"max_bytes"` (67108864: a CSV file, or an XLSX once inflated),
/// `"max_zip_entries"` (1000), `"max_compression_ratio"` (200), `"max_field_bytes"` (131072)
/// and `"max_row_bytes"` (1048576) (CSV). A file above a limit → `GOVREPORT_INVALID_ARGUMENT`
/// naming the limit and the value found, nothing written, `*summary_json` NULL.
///
/// `*summary_json` (ownership: free with `govreport_string_free()`):
/// - on success, the import summary `{"source", "header_row", "rows_read", "inserted",
///   "updated", "linked", "ambiguous_links", "skipped", "ignored_rows", "ignored_columns", …}`;
/// - on bad rows (`GOVREPORT_INVALID_ARGUMENT`, nothing written), `{"source", "problems":
///   [{"row", "column", "value", "kind", "reason"}]}` with every problem found, in row order
///   (`row` as a spreadsheet shows it, 1 = the first line of the file);
/// - NULL on any other failure (unknown extension or bad options → INVALID_ARGUMENT, a
///   missing file → `GOVREPORT_IO`, a read-only database → `GOVREPORT_READONLY` …).
///
/// Requires: `db` must be NULL or an open handle; `path` and `options_json` NULL or NUL-terminated
/// strings; `summary_json` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_import_projects(
    db: *const govreport_db,
    path: *const c_char,
    options_json: *const c_char,
    summary_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        import_call(
            db,
            path,
            options_json,
            summary_json,
            false,
            |db, report, path, options| db.import_projects(report, path, options),
        )
    }
}

/// Imports a village register (villages and communities with their towns and 12-digit
/// 统计用区划代码, and the yearly records in the same rows: 集体经济收入, 五星支部 rating,
/// 乡里中心, designations) into the report's register. Formats, `*summary_json` and errors as
/// for `govreport_register_import_projects()`; the success report also has
/// `"years_written"` and `"towns_created"`.
///
/// `options_json`: NULL or a JSON object with any of `"report_id"`, `"skip_bad_rows"`,
/// `"year"` (the year of the yearly columns when the file has no 年份 column) and the import
/// limits of `govreport_register_import_projects()`.
///
/// Requires: `db` must be NULL or an open handle; `path` and `options_json` NULL or NUL-terminated
/// strings; `summary_json` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_import_villages(
    db: *const govreport_db,
    path: *const c_char,
    options_json: *const c_char,
    summary_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        import_call(
            db,
            path,
            options_json,
            summary_json,
            true,
            |db, report, path, options| db.import_villages(report, path, options),
        )
    }
}

/// Writes the first report's key-project register to the file `path`: the import columns
/// (so the file imports back unchanged) plus 报告所列项目 and 关联方式. `format` is `"csv"`
/// (UTF-8 with a BOM), `"xlsx"` (needs the `xlsx` cargo feature; without it →
/// `GOVREPORT_INVALID_ARGUMENT`) or NULL (from the extension of `path`). An existing file is
/// replaced; a directory that does not exist → `GOVREPORT_IO`. Any other format →
/// `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `path` and `format` NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_export_projects(
    db: *const govreport_db,
    path: *const c_char,
    format: *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db(db, |db| {
            let path = str_arg(path, "path")?;
            let format = file_format(path, opt_str_arg(format, "format")?)?;
            let bytes = db.export_projects(db.report()?.id, format)?;
            std::fs::write(path, bytes)
                .map_err(|e| Error::Io(std::io::Error::new(e.kind(), format!("{path}: {e}"))))?;
            Ok(())
        })
    }
}

/// The first report's key-project register compared with the report's aggregates (276
/// projects, 总投资514.7亿元, 年度完成投资) as a JSON object: `{"report_id", "year", "rows",
/// "checks": [{"metric", "project_total_id", "unit", "base_unit", "report_value", "written",
/// "register_value", "difference", "tolerance", "consistent", "quote"}], "by_category",
/// "linked", "missing_national_code", "missing_annual_plan",
/// "report_projects_not_in_register"}`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_check_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            json(&db.register_consistency(db.report()?.id)?)
        })
    }
}

/// The first report's village register rolled up for `year` into the report's village
/// targets, as a JSON object `{"report_id", "year", "places", "villages",
/// "places_with_income", "lines": [{"key", "metric", "target_id", "target_value", "unit",
/// "comparator", "actual", "met", "detail", "quote"}]}` (`key` one of `income_floor`,
/// `income_50_increase`, `income_100_increase`, `stars_5`, `stars_4`, `li_center`; `met` null
/// when data are missing). A year outside 1949–2200 → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_village_rollup_json(
    db: *const govreport_db,
    year: i32,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            json(&db.village_rollup(db.report()?.id, year)?)
        })
    }
}

/// The key-project register of report `report_id` as a JSON array, in 序号 order (rows
/// without one last, by id), of `{"id", "report_id", "office_code", "national_code",
/// "serial", "name", "category", "total_investment", "total_investment_base", "annual_plan",
/// "annual_plan_base", "owner", "responsible_unit", "leader", "planned_start", "note",
/// "report_project_id", "report_project_name", "link_method", "imported_at", "source"}`. An
/// unknown report → `GOVREPORT_NOT_FOUND`; an empty register gives `[]`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_projects_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.register_projects(report_id)?)) }
}

/// Links register project `register_id` to project `project_id` of the same report (recorded
/// as `manual`, kept by later imports), or removes its link when `project_id` is 0.
///
/// An unknown register project or project → `GOVREPORT_NOT_FOUND`; a project of another
/// report → `GOVREPORT_INVALID_ARGUMENT`; a read-only database → `GOVREPORT_READONLY`.
///
/// Requires: `db` must be NULL or an open handle (NULL → `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_register_project_link(
    db: *const govreport_db,
    register_id: i64,
    project_id: i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db_mut(db, |db| {
            let project = (project_id != 0).then_some(project_id);
            db.link_register_project(register_id, project)?;
            Ok(())
        })
    }
}
