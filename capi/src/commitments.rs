//! Commitments: every action the report commits the government to in parts 二 (goals), 三 (the
//! plan) and 四 (government self-construction), numeric or not, with its area, leading verb,
//! deadline (stated, or the plan year's end) and the targets, projects and places quoted
//! inside it; the sentences that commit nothing (framing); and one question across kinds —
//! what is due in a date range.
//!
//! Each function writes one new UTF-8 JSON string to `*out`; free it with
//! `govreport_string_free()`. On failure `*out` is NULL. Filters are NULL (everything) or a
//! JSON object with the keys each function lists; unknown keys, wrong types and malformed JSON
//! give `GOVREPORT_INVALID_ARGUMENT`.

use std::ffi::c_char;

use govreport::{CommitmentFilter, CommitmentKind, DueFilter, DueKind};

use crate::args::Object;
use crate::boundary::Failure;
use crate::dataset::filtered_call;
use crate::handle::govreport_db;
use crate::out::{json, string_call};

fn commitment_filter(text: Option<&str>) -> Result<CommitmentFilter, Failure> {
    let f = Object::parse_opt(
        text,
        "filter_json",
        &["report_id", "part", "area", "kind", "text"],
    )?;
    Ok(CommitmentFilter {
        report_id: f.opt_i64("report_id")?,
        part: f.opt_i64("part")?,
        area: f.opt_i64("area")?,
        kind: f
            .opt_string("kind")?
            .map(|k| CommitmentKind::from_code(&k))
            .transpose()?,
        text: f.opt_string("text")?,
    })
}

fn due_filter(text: Option<&str>) -> Result<DueFilter, Failure> {
    let f = Object::parse_opt(
        text,
        "filter_json",
        &[
            "before",
            "after",
            "kinds",
            "report_id",
            "area",
            "stated_only",
        ],
    )?;
    let mut kinds = Vec::new();
    if let Some(items) = f.opt_array("kinds")? {
        for item in items {
            let name = item.as_str().ok_or_else(|| {
                f.bad(
                    "kinds",
                    "must be an array of kind names (commitment, target, project)",
                )
            })?;
            kinds.push(DueKind::from_code(name)?);
        }
        if kinds.is_empty() {
            return Err(f.bad(
                "kinds",
                "is empty: leave it out for every kind, or name commitment, target, project",
            ));
        }
    }
    Ok(DueFilter {
        before: f.opt_string("before")?,
        after: f.opt_string("after")?,
        kinds,
        report_id: f.opt_i64("report_id")?,
        area: f.opt_i64("area")?,
        stated_only: f.bool_or("stated_only", false)?,
    })
}

/// The commitments that pass a filter, in text order, as a JSON array of the export's
/// `commitments` objects: `{"id", "report_id", "part", "area", "area_title", "section_id",
/// "paragraph_id", "quote", "kind", "action", "deadline", "deadline_text", "deadline_source",
/// "target_ids", "project_ids", "place_ids", "sentence"}` (`kind` `quantitative` or
/// `qualitative`; `deadline_source` `text` or `year_end`). `filter_json`: NULL or an object
/// with any of `"report_id"`, `"part"` (2, 3, 4), `"area"` (part 三's 1–10), `"kind"`,
/// `"text"` (in the quote or action). A part or area out of range →
/// `GOVREPORT_INVALID_ARGUMENT`; an unknown report → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `filter_json` NULL or a NUL-terminated
/// string; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_commitments_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            json(&db.commitments(&commitment_filter(filter)?)?)
        })
    }
}

/// One commitment by id as a JSON object (the shape of `govreport_commitments_json()`'s
/// items). Unknown id → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_commitment_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.commitment(id)?)) }
}

/// The sentences of parts 二–四 that commit nothing, in text order, as a JSON array of
/// `{"report_id", "paragraph_id", "quote", "reason"}` (`reason` one of `heading`, `address`,
/// `context`, `principle`, `transition`, `exhortation`). `report_id` 0: every report; an
/// unknown report → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_framing_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            json(&db.framing(Some(report_id).filter(|&id| id != 0))?)
        })
    }
}

/// Whether a report's commitments cover what they must, as a JSON object `{"sentences",
/// "committed", "framing", "uncovered", "both", "stray_framing", "targets_outside",
/// "targets_in_several"}`: every sentence of parts 二–四 in a commitment or listed as framing,
/// every plan-year target in exactly one commitment (complete when the five lists are empty;
/// sentences as `{"paragraph_id", "start", "text"}`). Unknown report → `GOVREPORT_NOT_FOUND`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_commitment_coverage_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.commitment_coverage(report_id)?)) }
}

/// Everything with a deadline in a range — commitments, targets and projects — by deadline,
/// then kind, then id, as a JSON array of `{"kind", "id", "report_id", "deadline",
/// "deadline_text", "deadline_source", "title", "quote", "area", "commitment_id"}` (`kind`
/// `commitment`, `target` or `project`; open the record with `govreport_commitment_json()`,
/// `govreport_target_json()` or `govreport_project_json()`; `commitment_id`: for a target or
/// project, the commitment its quote lies in). `filter_json`: NULL (everything) or an object
/// with any of `"before"` (ISO date, not included), `"after"` (ISO date, included), `"kinds"`
/// (a non-empty array of kind names), `"report_id"`, `"area"`, `"stated_only"` (true: leave
/// out the commitments whose deadline is the plan year's end by default). A bad date, `after`
/// not before `before`, an unknown kind → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `filter_json` NULL or a NUL-terminated
/// string; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_due_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            json(&db.due(&due_filter(filter)?)?)
        })
    }
}
