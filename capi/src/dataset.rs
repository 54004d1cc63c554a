//! The dataset: targets, results, projects, places, the glossary, and the whole export.
//!
//! Each function writes one new UTF-8 JSON string to `*out`; free it with
//! `govreport_string_free()`. On failure `*out` is NULL. List functions take a `filter_json`:
//! NULL (everything) or a JSON object with the keys each function lists; unknown keys, wrong
//! types and malformed JSON give `GOVREPORT_INVALID_ARGUMENT`.

use std::ffi::c_char;

use govreport::db::Db;

use crate::args::{Object, opt_str_arg};
use crate::boundary::{Failure, with_db};
use crate::handle::govreport_db;
use crate::out::{clear_out, json, put_string, string_call, string_out};

fn figure_filter(json: Option<&str>) -> Result<govreport::FigureFilter, Failure> {
    let f = Object::parse_opt(
        json,
        "filter_json",
        &[
            "report_id",
            "area",
            "headline_only",
            "measure",
            "due_before",
            "text",
        ],
    )?;
    Ok(govreport::FigureFilter {
        report_id: f.opt_i64("report_id")?,
        area: f.opt_i64("area")?,
        headline_only: f.bool_or("headline_only", false)?,
        measure: f
            .opt_string("measure")?
            .map(|m| govreport::Measure::from_code(&m))
            .transpose()?,
        due_before: f.opt_string("due_before")?,
        text: f.opt_string("text")?,
    })
}

fn project_filter(json: Option<&str>) -> Result<govreport::ProjectFilter, Failure> {
    let f = Object::parse_opt(
        json,
        "filter_json",
        &["report_id", "year", "status", "area", "due_before", "text"],
    )?;
    Ok(govreport::ProjectFilter {
        report_id: f.opt_i64("report_id")?,
        year: f.opt_i32("year")?,
        status: f.opt_string("status")?,
        area: f.opt_i64("area")?,
        due_before: f.opt_string("due_before")?,
        text: f.opt_string("text")?,
    })
}

fn place_filter(json: Option<&str>) -> Result<govreport::PlaceFilter, Failure> {
    let f = Object::parse_opt(
        json,
        "filter_json",
        &["report_id", "kind", "town", "name", "designation_level"],
    )?;
    Ok(govreport::PlaceFilter {
        report_id: f.opt_i64("report_id")?,
        kind: f
            .opt_string("kind")?
            .map(|k| govreport::PlaceKind::from_code(&k))
            .transpose()?,
        town: f.opt_string("town")?,
        name: f.opt_string("name")?,
        designation_level: f.opt_string("designation_level")?,
    })
}

/// The common body of a list getter with a `filter_json` argument.
///
/// Requires: `db` must be NULL or an open handle; `filter_json` NULL or a NUL-terminated string;
/// `out` NULL or valid for writing a pointer.
pub(crate) unsafe fn filtered_call(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
    f: impl FnOnce(&Db, Option<&str>) -> Result<Vec<u8>, Failure>,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db(db, |db| {
            let out = string_out(out)?;
            let filter = opt_str_arg(filter_json, "filter_json")?;
            let bytes = f(db, filter)?;
            put_string(&out, bytes)
        })
    }
}

/// The whole dataset as one JSON document (pretty-printed), in the shape README.md
/// documents: `{"report", "reports", "sections", "paragraphs", "targets", "results",
/// "projects", "project_totals", "places", "glossary", "undefined_terms", "commitments",
/// "framing"}`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_export_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| Ok(db.export_json()?.into_bytes())) }
}

/// One target by id as a JSON object (the shape of the export's `targets` items:
/// `{"id", "kind", "year", "area", "metric", "value", "written", "unit", "qualifier",
/// "comparator", "measure", "base_value", "base_unit", "deadline", "quote", …}`). Unknown id →
/// `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_target_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.target(id)?)) }
}

/// One result by id as a JSON object (the shape of `govreport_target_json()`). Unknown
/// id → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_result_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.result(id)?)) }
}

/// One project by id as a JSON object (the shape of the export's `projects` items).
/// Unknown id → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_project_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.project(id)?)) }
}

/// One place by id as a JSON object (the shape of the export's `places` items). Unknown
/// id → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_place_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.place(id)?)) }
}

/// The 名词解释 (glossary) entries as a JSON array (the shape of the export's
/// `glossary`).
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_glossary_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.glossary()?)) }
}

/// One glossary entry by its number (1…) as a JSON object. Unknown number →
/// `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_glossary_term_json(
    db: *const govreport_db,
    number: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.glossary_term(number)?)) }
}

/// The numbered slogans the report uses without defining them, as a JSON array (the
/// shape of the export's `undefined_terms`).
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_undefined_terms_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.undefined_terms()?)) }
}

/// The targets (plan year) that pass a filter, by id, as a JSON array of the objects of
/// `govreport_target_json()`. `filter_json` is NULL (all) or a JSON object with any of
/// `"report_id"` (integer), `"area"` (integer 1…10), `"headline_only"` (boolean),
/// `"measure"` (`"growth_rate"`, `"share"`, `"level"`, `"count"`), `"due_before"` (ISO
/// date), `"text"` (substring of metric or quote). Unknown keys, wrong types, malformed
/// JSON → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_targets_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            json(&db.targets(&figure_filter(filter)?)?)
        })
    }
}

/// The results (review year) that pass a filter, by id, as a JSON array; `filter_json`
/// as for `govreport_targets_json()` (`"area"` is the theme 1…6).
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_results_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            json(&db.results(&figure_filter(filter)?)?)
        })
    }
}

/// The projects that pass a filter, by id, as a JSON array (the shape of the export's
/// `projects`). `filter_json` is NULL (all) or a JSON object with any of `"report_id"`,
/// `"year"` (integer), `"status"` (status words or code such as `"completed"`), `"area"`,
/// `"due_before"` (ISO date), `"text"`. Unknown keys, wrong types, out-of-range numbers,
/// malformed JSON → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_projects_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            json(&db.projects(&project_filter(filter)?)?)
        })
    }
}

/// The aggregate figures about sets of projects as a JSON array (the shape of the
/// export's `project_totals`). `filter_json` is NULL (all) or `{"year": 2024}`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_project_totals_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            let f = Object::parse_opt(filter, "filter_json", &["year"])?;
            json(&db.project_totals(f.opt_i32("year")?)?)
        })
    }
}

/// The places that pass a filter as a JSON array (the shape of the export's `places`).
/// `filter_json` is NULL (all) or a JSON object with any of `"report_id"`, `"kind"` (a place
/// kind code), `"town"`, `"name"` (substring), `"designation_level"`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_places_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            json(&db.places(&place_filter(filter)?)?)
        })
    }
}
