//! The report text: report metadata, the source text, the outline (sections) and the
//! paragraphs.
//!
//! Each function writes one new UTF-8 string (JSON, or plain text for
//! `govreport_source_text()`) to `*out`; free it with `govreport_string_free()`. On failure
//! `*out` is NULL. A NULL `db` or `out` gives `GOVREPORT_INVALID_ARGUMENT`; an unknown id gives
//! `GOVREPORT_NOT_FOUND` (a report that exists but has no sections gives `[]`).

use std::ffi::c_char;

use crate::handle::govreport_db;
use crate::out::{json, string_call};

/// The metadata of the (first) report as a JSON object: `{"id", "slug", "title",
/// "region", "date", "meeting", "speaker", "speaker_office", "plan_year"}`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_report_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.report()?)) }
}

/// Every report in the database as a JSON array of the objects of
/// `govreport_report_json()`, by id.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_reports_json(
    db: *const govreport_db,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.reports()?)) }
}

/// The report's text exactly as extracted from the PDF (plain UTF-8, not JSON).
/// Unknown `report_id` → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_source_text(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| Ok(db.source_text(report_id)?.into_bytes())) }
}

/// The outline of a report as a JSON array, in document order, of
/// `{"id", "parent_id", "kind", "number", "title", "path"}` (`parent_id` and `number` may be
/// null; `kind` is one of `front part theme subtheme area subheading glossary
/// glossary_entry`). Unknown `report_id` → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_sections_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.sections(report_id)?)) }
}

/// One section by id as a JSON object (the shape of `govreport_sections_json()` items).
/// Unknown id → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_section_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.section(id)?)) }
}

/// The paragraphs of a report as a JSON array, in document order, of
/// `{"id", "section_id", "text"}`. Unknown `report_id` → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_paragraphs_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.paragraphs(report_id)?)) }
}

/// One paragraph by id as a JSON object `{"id", "section_id", "text"}`. Unknown id →
/// `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_paragraph_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.paragraph(id)?)) }
}
