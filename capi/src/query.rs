//! Scripted SQL: one read-only query with bound parameters, as one JSON string
//! (`govreport_query_json()`) or stepped row by row through a cursor
//! (`govreport_query_cursor()`).
//!
//! `govreport_query_json()` writes a new string to `*out`, freed with
//! `govreport_string_free()`. A cursor is freed with `govreport_cursor_free()`; it keeps its
//! database alive (closing the handle first is allowed). Texts a cursor returns (column names
//! and values) are borrowed from it: names live until the cursor is freed, values until the
//! next step.

use std::ffi::{CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::Arc;

use govreport::query::{ColumnType, CursorId, Params, QueryLimits};

use crate::args::{Object, opt_str_arg, str_arg};
use crate::boundary::{Failure, boundary, finish, handle, with_db};
use crate::errors::*;
use crate::handle::{Shared, govreport_db};
use crate::out::{Out, clear_out, put_string, string_out};

/// `govreport_cursor_column_type()`: a 64-bit signed integer.
pub const GOVREPORT_TYPE_INTEGER: i32 = 1;
/// `govreport_cursor_column_type()`: a double.
pub const GOVREPORT_TYPE_FLOAT: i32 = 2;
/// `govreport_cursor_column_type()`: UTF-8 text.
pub const GOVREPORT_TYPE_TEXT: i32 = 3;
/// `govreport_cursor_column_type()`: a blob.
pub const GOVREPORT_TYPE_BLOB: i32 = 4;
/// `govreport_cursor_column_type()`: SQL NULL.
pub const GOVREPORT_TYPE_NULL: i32 = 5;

/// A running read-only query, stepped row by row like a SQLite statement. Opaque: create it
/// with `govreport_query_cursor()`, destroy it with `govreport_cursor_free()`.
///
/// The cursor keeps its database alive: closing the handle first is allowed, the connection
/// is closed when the last cursor is freed. A cursor must be used by one thread at a time
/// (it may move between threads); while it exists other threads may keep using the handle.
pub struct govreport_cursor {
    // Opaque to C and to the ABI checker, like `govreport_db`: pointers to it point at a
    // `Cursor`.
    _opaque: [u8; 0],
}

/// What a `govreport_cursor *` points at.
struct Cursor {
    // The statement is owned by the `Db` behind `shared` (the library's cursor API); the
    // cursor holds the handle's shared state and the statement's id, so no SQLite call is
    // made here.
    shared: Arc<Shared>,
    id: CursorId,
    names: Vec<CString>,
    state: CursorState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CursorState {
    BeforeFirst,
    Row,
    Done,
    Failed(i32),
}

impl Drop for Cursor {
    fn drop(&mut self) {
        self.shared.lock().cursor_close(self.id);
    }
}

/// Runs one read-only SQL query and writes its rows to `*out` as a JSON array of objects
/// (keys: the result column names; INTEGER → integer, REAL → number, TEXT → string,
/// BLOB → hex string, NULL → null).
///
/// `sql` must be exactly one `SELECT` (or `WITH … SELECT`, `VALUES`) statement. Anything
/// that would write — INSERT, UPDATE, DELETE, DDL, ATTACH, PRAGMA, transaction control —
/// and any function or table outside the allowlist (README "Security": `fts3_tokenizer`,
/// `load_extension`, `pragma_optimize` …) is refused with `GOVREPORT_READONLY` and a message
/// naming it, before it runs; several statements or none give `GOVREPORT_INVALID_ARGUMENT`;
/// the query itself runs in a read transaction that is always rolled back. Bounds
/// (`govreport_set_limits()`): past the time limit → `GOVREPORT_INTERRUPTED`, a result or
/// value above its size limit → `GOVREPORT_TOOBIG`.
///
/// `params_json` is NULL (no parameters), a JSON array (positional `?`, `?N`) or a JSON
/// object (named `:name`, `@name`, `$name`; key with or without the prefix); every
/// parameter needs a value; values are null, booleans, numbers (an integer literal outside
/// int64 → `GOVREPORT_INVALID_ARGUMENT`, never a REAL) or strings. Malformed JSON →
/// `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle; `sql` and `params_json` NULL or NUL-terminated
/// strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_query_json(
    db: *const govreport_db,
    sql: *const c_char,
    params_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db(db, |db| {
            let out = string_out(out)?;
            let sql = str_arg(sql, "sql")?;
            let params = Params::from_json(opt_str_arg(params_json, "params_json")?)?;
            let mut bytes = Vec::with_capacity(1024);
            db.query_json_into(sql, &params, &mut bytes)?;
            put_string(&out, bytes)
        })
    }
}

/// Starts a read-only query (same rules for `sql` and `params_json` as
/// `govreport_query_json()`) and returns a cursor positioned before the first row; call
/// `govreport_cursor_step()` to fetch rows.
///
/// A cursor steps a live SQLite statement: rows are produced as they are stepped (nothing
/// is materialized), each step takes the handle's lock briefly, so other threads may use
/// the handle between steps. Use it for large results; `govreport_query_json()` is simpler
/// and for small results about as fast (see BENCHMARKS.md).
///
/// On success `*out` is a new cursor to free with `govreport_cursor_free()`; it keeps the
/// database alive. On failure `*out` is NULL.
///
/// Requires: `db` must be NULL or an open handle; `sql` and `params_json` NULL or NUL-terminated
/// strings; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_query_cursor(
    db: *const govreport_db,
    sql: *const c_char,
    params_json: *const c_char,
    out: *mut *mut govreport_cursor,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { clear_out(out) };
    boundary(GOVREPORT_INTERNAL, || {
        // SAFETY: forwarded from this function's contract.
        let h = match unsafe { handle(db) } {
            Ok(h) => h,
            Err(e) => return finish(None, Err(e)),
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: forwarded from this function's contract.
            let out = unsafe { Out::new(out, "out") }?;
            out.set(ptr::null_mut());
            // SAFETY: forwarded from this function's contract.
            let sql = unsafe { str_arg(sql, "sql") }?;
            // SAFETY: forwarded from this function's contract.
            let params = Params::from_json(unsafe { opt_str_arg(params_json, "params_json") }?)?;
            let db = h.shared.lock();
            let id = db.cursor_open(sql, &params)?;
            let names = match db.cursor_columns(id) {
                Ok(names) => names,
                Err(e) => {
                    db.cursor_close(id);
                    return Err(e.into());
                }
            };
            drop(db);
            let cursor = Cursor {
                shared: Arc::clone(&h.shared),
                id,
                names: names
                    .iter()
                    .map(|n| crate::boundary::to_cstring(n))
                    .collect(),
                state: CursorState::BeforeFirst,
            };
            out.set(Box::into_raw(Box::new(cursor)).cast::<govreport_cursor>());
            Ok(())
        }))
        .unwrap_or_else(|p| Err(Failure::panic(p)));
        finish(Some(&h.shared), result)
    })
}

/// The cursor behind a pointer, or an INVALID_ARGUMENT failure for NULL.
///
/// Requires: `cur` is NULL or a live cursor not used by another thread.
unsafe fn cursor_mut<'a>(cur: *mut govreport_cursor) -> Result<&'a mut Cursor, Failure> {
    // SAFETY: by the caller's contract a non-NULL `cur` came from a live `Box<Cursor>`
    // (govreport_query_cursor) not yet freed, and no other thread uses it now.
    unsafe { cur.cast::<Cursor>().as_mut() }.ok_or_else(|| Failure::null("cursor"))
}

/// Advances the cursor: `GOVREPORT_ROW` when a row is ready (read it with the column
/// getters), `GOVREPORT_DONE` when there are no more (and on every later call), or an
/// error code (`GOVREPORT_INTERRUPTED` after `govreport_interrupt()` while the cursor was
/// open, or past the time limit of `govreport_set_limits()`, which applies per step …; the
/// same code is returned again by later calls). The message is in `govreport_last_error_message()` and
/// in `govreport_errmsg()` of the cursor's handle (if still open).
///
/// Requires: `cur` must be NULL (→ `GOVREPORT_INVALID_ARGUMENT`) or a live cursor, not used by another
/// thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_step(cur: *mut govreport_cursor) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        // SAFETY: forwarded from this function's contract.
        let cur = match unsafe { cursor_mut(cur) } {
            Ok(c) => c,
            Err(e) => return finish(None, Err(e)),
        };
        match cur.state {
            CursorState::Done => return GOVREPORT_DONE,
            CursorState::Failed(code) => return code,
            _ => {}
        }
        let shared = Arc::clone(&cur.shared);
        let result = shared.lock().cursor_step(cur.id);
        match result {
            Ok(row) => {
                cur.state = if row {
                    CursorState::Row
                } else {
                    CursorState::Done
                };
                shared.record(&Ok(()));
                if row { GOVREPORT_ROW } else { GOVREPORT_DONE }
            }
            Err(e) => {
                let f = Failure::from(e);
                cur.state = CursorState::Failed(f.code);
                finish(Some(&shared), Err(f))
            }
        }
    })
}

/// The number of result columns of the cursor (known before the first step); 0 for NULL.
///
/// Requires: `cur` must be NULL or a live cursor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_count(cur: *const govreport_cursor) -> i32 {
    boundary(0, || {
        // SAFETY: by this function's contract a non-NULL `cur` points at a live `Cursor`.
        match unsafe { cur.cast::<Cursor>().as_ref() } {
            Some(c) => i32::try_from(c.names.len()).unwrap_or(i32::MAX),
            None => 0,
        }
    })
}

/// Runs a column getter: checks the cursor, the column index and (when `need_row`) that a
/// row is current, then calls `f` with the locked database.
///
/// Requires: `cur` is NULL or a live cursor; `out` NULL or valid for writing a `T`.
unsafe fn column<T>(
    cur: *const govreport_cursor,
    col: i32,
    need_row: bool,
    out: *mut T,
    f: impl FnOnce(&Cursor, usize) -> Result<T, Failure>,
) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        let result = (|| {
            // SAFETY: by this function's contract a non-NULL `cur` points at a live `Cursor`.
            let c =
                unsafe { cur.cast::<Cursor>().as_ref() }.ok_or_else(|| Failure::null("cursor"))?;
            // SAFETY: by this function's contract.
            let out = unsafe { Out::new(out, "out") }?;
            let n = c.names.len();
            let index = usize::try_from(col)
                .ok()
                .filter(|&i| i < n)
                .ok_or_else(|| {
                    Failure::new(
                        GOVREPORT_INVALID_ARGUMENT,
                        format!(
                            "invalid argument: column {col} is out of range (the cursor has {n})"
                        ),
                    )
                })?;
            if need_row && c.state != CursorState::Row {
                return Err(Failure::new(
                    GOVREPORT_INVALID_ARGUMENT,
                    "invalid argument: the cursor has no current row (step it until GOVREPORT_ROW)",
                ));
            }
            out.set(f(c, index)?);
            Ok(())
        })();
        finish(None, result)
    })
}

/// The name of column `col` (0-based) into `*out`: borrowed, valid until the cursor is
/// freed. Bad `col` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `cur` must be NULL or a live cursor; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_name(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { column(cur, col, false, out, |c, i| Ok(c.names[i].as_ptr())) }
}

/// The type of column `col` of the current row into `*out`: one of `GOVREPORT_TYPE_…`.
/// No current row or bad `col` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `cur` must be NULL or a live cursor; `out` NULL or valid for writing an `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_type(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut i32,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        column(cur, col, true, out, |c, i| {
            Ok(match c.shared.lock().cursor_column_type(c.id, i)? {
                ColumnType::Integer => GOVREPORT_TYPE_INTEGER,
                ColumnType::Float => GOVREPORT_TYPE_FLOAT,
                ColumnType::Text => GOVREPORT_TYPE_TEXT,
                ColumnType::Blob => GOVREPORT_TYPE_BLOB,
                ColumnType::Null => GOVREPORT_TYPE_NULL,
            })
        })
    }
}

/// The value of column `col` of the current row as UTF-8 text into `*out` (numbers are
/// converted to text; NULL gives a NULL pointer). Borrowed: valid until the next
/// `govreport_cursor_step()` or `govreport_cursor_free()`.
///
/// Requires: `cur` must be NULL or a live cursor; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_text(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract; the text stays valid until the next
    // step (SQLite's rule, the library's `cursor_column_text`).
    unsafe {
        column(cur, col, true, out, |c, i| {
            Ok(c.shared.lock().cursor_column_text(c.id, i)?)
        })
    }
}

/// The value of column `col` of the current row as a 64-bit integer into `*out` (SQLite's
/// conversions: REAL truncated, text parsed, NULL → 0).
///
/// Requires: `cur` must be NULL or a live cursor; `out` NULL or valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_int64(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut i64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        column(cur, col, true, out, |c, i| {
            Ok(c.shared.lock().cursor_column_int64(c.id, i)?)
        })
    }
}

/// The value of column `col` of the current row as a double into `*out` (SQLite's
/// conversions: NULL → 0.0).
///
/// Requires: `cur` must be NULL or a live cursor; `out` NULL or valid for writing a `double`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_double(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut f64,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        column(cur, col, true, out, |c, i| {
            Ok(c.shared.lock().cursor_column_double(c.id, i)?)
        })
    }
}

/// The keys of `govreport_set_limits()`.
const LIMIT_KEYS: &[&str] = &[
    "max_time_ms",
    "max_result_bytes",
    "max_value_bytes",
    "max_sql_bytes",
    "max_columns",
    "max_expr_depth",
    "soft_heap_bytes",
];

/// Sets the bounds of scripted SQL (`govreport_query_json()` and cursors) on this handle.
/// `limits_json` is a JSON object with any of these keys (positive integers; a key not given
/// keeps its current value); NULL restores every default:
///
/// - `"max_time_ms"`: wall time of one call (`query_json`, `query_cursor`, one
///   `cursor_step`), default 5000; exceeding it → `GOVREPORT_INTERRUPTED`, message naming
///   the limit;
/// - `"max_result_bytes"`: bytes of JSON one `govreport_query_json()` may produce, default
///   33554432 (32 MiB) → `GOVREPORT_TOOBIG`;
/// - `"max_value_bytes"`: bytes of one string or blob value while scripted SQL runs
///   (`SQLITE_LIMIT_LENGTH`), default 16777216 (16 MiB) → `GOVREPORT_TOOBIG`;
/// - `"max_sql_bytes"` (default 100000), `"max_columns"` (default 1000),
///   `"max_expr_depth"` (default 200): SQLite's limits while scripted SQL is prepared, an
///   error when exceeded;
/// - `"soft_heap_bytes"`: SQLite's soft heap limit, default 268435456 (256 MiB), 0 for none;
///   process-wide (the last value set on any handle wins).
///
/// Unknown keys, or values that are not positive integers → `GOVREPORT_INVALID_ARGUMENT` and
/// nothing changes.
///
/// Requires: `db` must be NULL or an open handle; `limits_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_set_limits(
    db: *const govreport_db,
    limits_json: *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db(db, |db| {
            let Some(text) = opt_str_arg(limits_json, "limits_json")? else {
                return Ok(db.set_query_limits(QueryLimits::default())?);
            };
            let o = Object::parse_opt(Some(text), "limits_json", LIMIT_KEYS)?;
            let mut l = db.query_limits();
            if let Some(ms) = o.opt_usize("max_time_ms")? {
                l.max_time = std::time::Duration::from_millis(ms as u64);
            }
            if let Some(v) = o.opt_usize("max_result_bytes")? {
                l.max_result_bytes = v;
            }
            for (key, slot) in [
                ("max_value_bytes", &mut l.max_value_bytes),
                ("max_sql_bytes", &mut l.max_sql_bytes),
                ("max_columns", &mut l.max_columns),
                ("max_expr_depth", &mut l.max_expr_depth),
            ] {
                if let Some(v) = o.opt_i32(key)? {
                    *slot = v;
                }
            }
            if let Some(v) = o.opt_i64("soft_heap_bytes")? {
                l.soft_heap_bytes = v;
            }
            Ok(db.set_query_limits(l)?)
        })
    }
}

/// Frees a cursor (and closes its database if its handle was already closed and this was
/// its last cursor). NULL is a no-op.
///
/// Requires: `cur` must be NULL or a live cursor, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_free(cur: *mut govreport_cursor) {
    boundary((), || {
        if !cur.is_null() {
            // SAFETY: `cur` came from Box::into_raw in govreport_query_cursor, freed once.
            drop(unsafe { Box::from_raw(cur.cast::<Cursor>()) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle::{govreport_close, govreport_open_default, govreport_string_free};
    use govreport::db::Db;
    use std::ffi::CStr;

    #[test]
    fn c_query_json_matches_the_rust_one() {
        let rust = Db::open_default().unwrap();
        let mut db = ptr::null_mut();
        // SAFETY: `db` is a valid out pointer; the handle is closed at the end.
        assert_eq!(unsafe { govreport_open_default(&mut db) }, GOVREPORT_OK);
        let cases = [
            ("SELECT * FROM figure ORDER BY kind, id", None),
            ("SELECT * FROM paragraph ORDER BY id LIMIT 20", None),
            (
                "SELECT f.id, s.path FROM figure f JOIN section s ON s.id = f.section_id \
                 WHERE f.kind = ?1 AND f.id = ?2",
                Some(r#"["target", 1]"#),
            ),
            (
                "SELECT f.id, s.path FROM figure f JOIN section s ON s.id = f.section_id \
                 WHERE f.kind = ?1 AND f.id = ?2",
                Some(r#"["result", 2]"#),
            ),
            (
                "SELECT :a AS a, x'00ff' AS b, 1e300 * 1e300 AS inf",
                Some(r#"{"a": "文"}"#),
            ),
        ];
        for _ in 0..2 {
            for (sql, params) in cases {
                let want = rust.query_json(sql, params).unwrap();
                let c_sql = CString::new(sql).unwrap();
                let c_params = params.map(|p| CString::new(p).unwrap());
                let mut out = ptr::null_mut();
                // SAFETY: valid handle, strings and out pointer; the result is freed.
                let got = unsafe {
                    let rc = govreport_query_json(
                        db,
                        c_sql.as_ptr(),
                        c_params.as_ref().map_or(ptr::null(), |p| p.as_ptr()),
                        &mut out,
                    );
                    assert_eq!(rc, GOVREPORT_OK, "{sql}");
                    let got = CStr::from_ptr(out).to_str().unwrap().to_owned();
                    govreport_string_free(out);
                    got
                };
                assert_eq!(got, want, "{sql}");
            }
        }
        // SAFETY: closed once.
        unsafe { govreport_close(db) };
    }
}
