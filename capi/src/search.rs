//! Full-text search over the report's records: paragraphs, targets, results, projects, places
//! and glossary entries, with a snippet around each match.
//!
//! The hits come back as one new UTF-8 JSON string in `*out`, freed with
//! `govreport_string_free()`; on failure `*out` is NULL. There is no cursor form: every hit is
//! rechecked and snippeted in memory, so a cursor would hold what the JSON holds; page with
//! `"limit"` / `"offset"` (with `"order": "index"` the index is read only until the page is
//! full).

use std::ffi::c_char;

use crate::args::{Object, opt_str_arg, str_arg};
use crate::boundary::{Failure, with_db, with_db_mut};
use crate::handle::govreport_db;
use crate::out::{clear_out, json, put_string, string_out};
use govreport::search::{SearchKind, SearchOptions, SearchOrder};

const OPTION_KEYS: &[&str] = &[
    "kinds",
    "limit",
    "offset",
    "mark_start",
    "mark_end",
    "order",
];

fn search_options(text: Option<&str>) -> Result<SearchOptions, Failure> {
    let o = Object::parse_opt(text, "options_json", OPTION_KEYS)?;
    let mut opts = SearchOptions::default();
    if let Some(items) = o.opt_array("kinds")? {
        let mut kinds = Vec::with_capacity(items.len());
        for item in items {
            let name = item.as_str().ok_or_else(|| {
                o.bad(
                    "kinds",
                    "must be an array of kind names (paragraph, target, result, project, \
                     place, glossary)",
                )
            })?;
            kinds.push(SearchKind::from_name(name)?);
        }
        opts.kinds = Some(kinds);
    }
    opts.limit = o.opt_usize("limit")?;
    opts.offset = o.opt_usize("offset")?.unwrap_or(0);
    if let Some(m) = o.opt_string("mark_start")? {
        opts.mark_start = m;
    }
    if let Some(m) = o.opt_string("mark_end")? {
        opts.mark_end = m;
    }
    opts.order = match o.opt_string("order")?.as_deref() {
        None | Some("rank") => SearchOrder::Rank,
        Some("index") => SearchOrder::Index,
        Some(_) => return Err(o.bad("order", "must be \"rank\" or \"index\"")),
    };
    Ok(opts)
}

/// Searches the report's records for `query` and writes the hits to `*out` as a JSON array
/// of `{"kind", "id", "section_path", "snippet", "score"}` (`kind` one of `paragraph`,
/// `target`, `result`, `project`, `place`, `glossary`; `id` the id the export uses; `score`
/// higher is better, 0 in index order).
///
/// `query`: whitespace-separated terms that must all occur (substring match, ASCII letters
/// case-insensitive; nothing in it is syntax). An empty or whitespace-only query gives `[]`
/// (no hits, not an error: a search box can search as the user types). A query over 4096
/// bytes or with more than 64 distinct terms is `GOVREPORT_INVALID_ARGUMENT` (the message
/// names the cap). Open a hit with `govreport_record_json(db, kind, id, &out)`.
///
/// `options_json`: NULL (every hit, ranked, marked with 【】) or a JSON object with any of
/// `"kinds"` (array of kind names; `[]` gives no hits), `"limit"`, `"offset"` (integers ≥ 0),
/// `"mark_start"`, `"mark_end"` (strings put around each match in the snippet), `"order"`
/// (`"rank"`, the default: best first by bm25; `"index"`: by kind then id, unranked, the
/// cheapest way to page). Unknown keys, wrong types, unknown kinds, malformed JSON →
/// `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `query` and `options_json` NULL or NUL-terminated
/// strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_search_json(
    db: *const govreport_db,
    query: *const c_char,
    options_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db(db, |db| {
            let out = string_out(out)?;
            let query = str_arg(query, "query")?;
            let opts = search_options(opt_str_arg(options_json, "options_json")?)?;
            let bytes = json(&db.search(query, &opts)?)?;
            put_string(&out, bytes)
        })
    }
}

/// The record a search hit names, by the hit's `kind` and `id`, as a JSON object: the object
/// of the matching getter (`govreport_paragraph_json()`, `govreport_target_json()`,
/// `govreport_result_json()`, `govreport_project_json()`, `govreport_place_json()`, or a
/// glossary entry of `govreport_glossary_json()`). For `"glossary"` the id is the entry's `id`
/// (unique across reports; in the first report equal to the number
/// `govreport_glossary_term_json()` takes).
/// An unknown `kind` → `GOVREPORT_INVALID_ARGUMENT`; an unknown id → `GOVREPORT_NOT_FOUND`.
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on failure
/// `*out` is NULL.
///
/// Requires: `db` must be NULL or an open handle; `kind` NULL or a NUL-terminated string;
/// `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_record_json(
    db: *const govreport_db,
    kind: *const c_char,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db(db, |db| {
            let out = string_out(out)?;
            let kind = SearchKind::from_name(str_arg(kind, "kind")?)?;
            let bytes = json(&db.record(kind, id)?)?;
            put_string(&out, bytes)
        })
    }
}

/// Rebuilds the full-text index from the records in the database, in one transaction: needed
/// only after another tool changed the text of records (a paragraph edited with the `sqlite3`
/// CLI, a record inserted by SQL); until then new text is not found (a changed or removed
/// record never gives a false hit). The built-in database and files govreport writes keep the
/// index current themselves. On failure the old index is kept.
///
/// A read-only handle → `GOVREPORT_READONLY`; another connection holding the write lock past
/// the busy timeout → `GOVREPORT_BUSY`.
///
/// Requires: `db` must be NULL or an open handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_rebuild_search_index(db: *const govreport_db) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { with_db_mut(db, |db| Ok(db.rebuild_search_index()?)) }
}
