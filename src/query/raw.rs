//! The statement engine of scripted SQL: the one place where the library calls SQLite's C API
//! directly (the "FFI edge" to SQLite; every unsafe block says why it is sound).
//!
//! Why not rusqlite's statements: a `rusqlite::Statement` borrows its connection, so the `Db`
//! could not own one (a cursor that outlives a call, a cache of user SQL), and rusqlite's
//! `prepare_cached` cache is where the library's own statements live — user SQL must not push
//! them out. It also clears a statement's bindings when the statement goes back to its cache,
//! and for a statement whose plan depends on a parameter (a join with a bound parameter) SQLite
//! then recompiles it on the next use, ~10x the cost of a point query (BENCHMARKS.md, "C ABI").
//! The statements here are rebound, never cleared.
//!
//! Ownership: every statement belongs to the [`Scripted`] value inside its [`Db`], which is
//! declared before the connection in `Db` and so is dropped (finalizing every statement) before
//! the connection closes. `Db` is not `Sync`, so every use of a statement is serialized with
//! every other use of the connection.

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr::{self, NonNull};

use rusqlite::ffi as sqlite;
use rusqlite::types::{Value, ValueRef};

use super::{Params, check_query_keyword, refused, write_json_value};
use crate::db::Db;
use crate::error::{Error, Result};

/// How many user statements [`Scripted`] keeps prepared, most recently used last.
const CACHE_CAPACITY: usize = 16;

/// One prepared statement, finalized on drop.
#[derive(Debug)]
struct RawStmt(NonNull<sqlite::sqlite3_stmt>);

// SAFETY: a prepared statement may be used from any thread as long as its uses are serialized
// with every other use of its connection; a RawStmt lives only inside a `Db` (which is not
// `Sync`), so moving the `Db` moves its statements with their connection.
unsafe impl Send for RawStmt {}

impl Drop for RawStmt {
    fn drop(&mut self) {
        // SAFETY: the statement is live, owned here only, and its connection is still open
        // (`Scripted` is dropped before the connection, see the module docs).
        unsafe {
            sqlite::sqlite3_finalize(self.0.as_ptr());
        }
    }
}

impl RawStmt {
    fn ptr(&self) -> *mut sqlite::sqlite3_stmt {
        self.0.as_ptr()
    }

    /// The library error for a failed SQLite call on this statement's connection.
    fn failure(&self, rc: c_int) -> Error {
        // SAFETY: the statement is live; sqlite3_db_handle only reads it.
        failure(unsafe { sqlite::sqlite3_db_handle(self.ptr()) }, rc)
    }

    fn column_count(&self) -> usize {
        // SAFETY: the statement is live.
        usize::try_from(unsafe { sqlite::sqlite3_column_count(self.ptr()) }).unwrap_or(0)
    }

    /// The result column names.
    fn column_names(&self) -> Result<Vec<String>> {
        (0..self.column_count())
            .map(|i| {
                // SAFETY: `i` is a column of the live statement; the name is copied at once.
                let p = unsafe { sqlite::sqlite3_column_name(self.ptr(), i as c_int) };
                if p.is_null() {
                    return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(sqlite::SQLITE_NOMEM),
                        Some("out of memory".into()),
                    )));
                }
                // SAFETY: non-NULL, NUL-terminated, valid until the next call on the statement.
                Ok(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
            })
            .collect()
    }

    /// Binds every parameter (replacing earlier bindings).
    fn bind(&self, params: &Params) -> Result<()> {
        let s = self.ptr();
        // SAFETY: the statement is live.
        let count = unsafe { sqlite::sqlite3_bind_parameter_count(s) };
        let plan = params.bind_plan(usize::try_from(count).unwrap_or(0), |name| {
            let c = CString::new(name).ok()?;
            // SAFETY: the statement is live; `c` is NUL-terminated.
            let i = unsafe { sqlite::sqlite3_bind_parameter_index(s, c.as_ptr()) };
            usize::try_from(i).ok().filter(|&i| i > 0)
        })?;
        for (index, value) in plan {
            // bind_plan only returns indexes ≤ the parameter count, which is a c_int.
            let index = index as c_int;
            // SAFETY: the statement is live; `index` is one of its parameters;
            // SQLITE_TRANSIENT makes SQLite copy text and blobs before returning.
            let rc = unsafe {
                match value {
                    Value::Null => sqlite::sqlite3_bind_null(s, index),
                    Value::Integer(i) => sqlite::sqlite3_bind_int64(s, index, *i),
                    Value::Real(f) => sqlite::sqlite3_bind_double(s, index, *f),
                    Value::Text(t) => sqlite::sqlite3_bind_text64(
                        s,
                        index,
                        t.as_ptr().cast(),
                        t.len() as u64,
                        sqlite::SQLITE_TRANSIENT(),
                        sqlite::SQLITE_UTF8 as u8,
                    ),
                    Value::Blob(b) => sqlite::sqlite3_bind_blob64(
                        s,
                        index,
                        b.as_ptr().cast(),
                        b.len() as u64,
                        sqlite::SQLITE_TRANSIENT(),
                    ),
                }
            };
            if rc != sqlite::SQLITE_OK {
                return Err(self.failure(rc));
            }
        }
        Ok(())
    }

    /// Steps once: `true` when a row is ready, `false` when done.
    fn step(&self) -> Result<bool> {
        // SAFETY: the statement is live.
        match unsafe { sqlite::sqlite3_step(self.ptr()) } {
            sqlite::SQLITE_ROW => Ok(true),
            sqlite::SQLITE_DONE => Ok(false),
            rc => Err(self.failure(rc)),
        }
    }

    fn reset(&self) {
        // SAFETY: the statement is live. The result repeats the last step's error, which
        // was reported already.
        unsafe {
            sqlite::sqlite3_reset(self.ptr());
        }
    }

    /// Column `i` of the current row. Borrowed from the statement until its next step.
    ///
    /// The caller guarantees a current row (the last `step` returned `true`) and `i` <
    /// `column_count()`; otherwise SQLite returns NULL values, which reads as `Null`.
    fn value(&self, i: usize) -> ValueRef<'_> {
        let (s, i) = (self.ptr(), i as c_int);
        // SAFETY: the statement is live; text and blob pointers are valid for
        // `sqlite3_column_bytes` bytes until the next step, reset or finalize, all of which
        // need `&self` mutably borrowed out of the returned lifetime — or happen through the
        // same `&self`, which the callers below do only after the value was copied.
        unsafe {
            match sqlite::sqlite3_column_type(s, i) {
                sqlite::SQLITE_INTEGER => ValueRef::Integer(sqlite::sqlite3_column_int64(s, i)),
                sqlite::SQLITE_FLOAT => ValueRef::Real(sqlite::sqlite3_column_double(s, i)),
                sqlite::SQLITE_TEXT => {
                    let p = sqlite::sqlite3_column_text(s, i);
                    let len = sqlite::sqlite3_column_bytes(s, i) as usize;
                    ValueRef::Text(if p.is_null() {
                        &[]
                    } else {
                        std::slice::from_raw_parts(p, len)
                    })
                }
                sqlite::SQLITE_BLOB => {
                    let p = sqlite::sqlite3_column_blob(s, i).cast::<u8>();
                    let len = sqlite::sqlite3_column_bytes(s, i) as usize;
                    ValueRef::Blob(if p.is_null() {
                        &[]
                    } else {
                        std::slice::from_raw_parts(p, len)
                    })
                }
                _ => ValueRef::Null,
            }
        }
    }
}

/// The library error for a failed SQLite call: SQLite's message and extended code.
fn failure(conn: *mut sqlite::sqlite3, rc: c_int) -> Error {
    // SAFETY: `conn` is the open connection of a live statement; errmsg returns a
    // NUL-terminated string valid until the next call on the connection, copied at once.
    let (message, extended) = unsafe {
        (
            CStr::from_ptr(sqlite::sqlite3_errmsg(conn))
                .to_string_lossy()
                .into_owned(),
            sqlite::sqlite3_extended_errcode(conn),
        )
    };
    // The extended code belongs to this failure only if its primary part is `rc`'s.
    let extended = if extended & 0xff == rc & 0xff {
        extended
    } else {
        rc
    };
    Error::Sqlite(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(extended),
        Some(message),
    ))
}

/// Prepares one statement of `sql` with no checks; `None` for SQL that holds none (empty,
/// only comments). Also returns the byte offset of the rest of `sql` after the statement.
fn prepare_one(db: &Db, sql: &str) -> Result<(Option<RawStmt>, usize)> {
    let len = c_int::try_from(sql.len())
        .map_err(|_| Error::InvalidArgument("the SQL is longer than 2 GiB".to_string()))?;
    // SAFETY: the connection is open while `db` is borrowed; `Db` is not `Sync`, so nothing
    // else uses it during this call.
    let conn = unsafe { db.connection().handle() };
    let mut stmt: *mut sqlite::sqlite3_stmt = ptr::null_mut();
    let mut tail: *const c_char = ptr::null();
    // SAFETY: `conn` is open; `sql` is valid for `len` bytes (no NUL needed with a length);
    // SQLite writes a statement or NULL to `stmt` and a pointer into `sql` to `tail`.
    let rc = unsafe {
        sqlite::sqlite3_prepare_v3(conn, sql.as_ptr().cast(), len, 0, &mut stmt, &mut tail)
    };
    if rc != sqlite::SQLITE_OK {
        return Err(failure(conn, rc));
    }
    let rest = if tail.is_null() {
        sql.len()
    } else {
        (tail as usize).saturating_sub(sql.as_ptr() as usize)
    };
    Ok((NonNull::new(stmt).map(RawStmt), rest.min(sql.len())))
}

/// Prepares one read-only query, or refuses it. The checks, in order: the first keyword
/// (`SELECT`/`WITH`/`VALUES`), the authorizer while SQLite prepares (`guard.rs`: reads of the
/// library's tables, listed functions), exactly one statement, SQLite's own
/// `sqlite3_stmt_readonly()`, and that the statement returns columns.
fn prepare_read_only(db: &Db, sql: &str) -> Result<RawStmt> {
    check_query_keyword(sql)?;
    // SQLite would stop reading at a NUL and run only what precedes it.
    if sql.contains('\0') {
        return Err(Error::InvalidArgument(
            "the SQL holds a NUL character".to_string(),
        ));
    }
    let guard = db.guard();
    let (stmt, rest) = {
        let _active = guard.enter(db.connection(), None, true)?;
        prepare_one(db, sql).map_err(|e| guard.explain(e))?
    };
    let stmt =
        stmt.ok_or_else(|| Error::InvalidArgument("the SQL holds no statement".to_string()))?;
    let tail = sql.get(rest..).unwrap_or("");
    if !tail.trim().is_empty() {
        // Prepared only to see whether it holds a statement: under the guard all the same.
        let _active = guard.enter(db.connection(), None, false)?;
        let more = match prepare_one(db, tail) {
            Ok((s, _)) => s.is_some(),
            // A second statement the authorizer refused is a second statement all the same.
            Err(_) if guard.take_refusal() => true,
            Err(e) => return Err(e),
        };
        if more {
            return Err(Error::InvalidArgument(
                "the SQL holds more than one statement; scripted SQL runs exactly one".to_string(),
            ));
        }
    }
    // SAFETY: the statement is live.
    if unsafe { sqlite::sqlite3_stmt_readonly(stmt.ptr()) } == 0 {
        return Err(refused(
            "SQLite classifies this statement as one that writes",
        ));
    }
    if stmt.column_count() == 0 {
        return Err(refused("the statement returns no columns"));
    }
    Ok(stmt)
}

/// A cursor of [`Db::cursor_open`]: the id of a statement the `Db` holds until
/// [`Db::cursor_close`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CursorId(u64);

/// The SQLite type of a cursor's column value ([`Db::cursor_column_type`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A 64-bit signed integer.
    Integer,
    /// A double.
    Float,
    /// UTF-8 text.
    Text,
    /// A blob.
    Blob,
    /// SQL NULL.
    Null,
}

/// The scripted-SQL statements a [`Db`] owns: a small cache of validated user queries for
/// [`Db::query_json`] and the statements of open cursors. Separate from rusqlite's
/// statement cache, which holds the library's own statements.
#[derive(Debug, Default)]
pub(crate) struct Scripted {
    cache: RefCell<Vec<(String, RawStmt)>>,
    /// Open cursors: id, statement, and the interrupt epoch they were opened in.
    cursors: RefCell<Vec<(CursorId, RawStmt, u64)>>,
    next_cursor: Cell<u64>,
}

/// The fewest bytes `value` takes as JSON (exact for everything but text, whose escapes add).
fn json_size_at_least(value: &ValueRef<'_>) -> usize {
    match value {
        ValueRef::Null | ValueRef::Integer(_) | ValueRef::Real(_) => 1,
        ValueRef::Text(t) => t.len() + 2,
        ValueRef::Blob(b) => 2 * b.len() + 2,
    }
}

/// Resets a statement when dropped, so that it holds no read transaction and no row.
struct ResetOnDrop<'s>(&'s RawStmt);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.reset();
    }
}

impl Db {
    /// Like [`Db::query_json`], with parsed parameters, appending the JSON to `out` (valid
    /// UTF-8, no NUL byte). On error `out` may hold a partial array.
    ///
    /// The statement is kept prepared for the next call with the same SQL (up to 16
    /// statements), outside rusqlite's statement cache.
    pub fn query_json_into(&self, sql: &str, params: &Params, out: &mut Vec<u8>) -> Result<()> {
        let scripted = self.scripted();
        let taken = {
            let mut cache = scripted.cache.borrow_mut();
            let i = cache.iter().rposition(|(k, _)| k == sql);
            i.map(|i| cache.remove(i).1)
        };
        let stmt = match taken {
            Some(stmt) => stmt,
            None => prepare_read_only(self, sql)?,
        };
        let result = self.rows_json(&stmt, params, out);
        let mut cache = scripted.cache.borrow_mut();
        if cache.len() >= CACHE_CAPACITY {
            cache.remove(0);
        }
        cache.push((sql.to_owned(), stmt));
        result
    }

    /// Binds and runs a validated statement inside a savepoint that is always rolled back,
    /// writing its rows as a JSON array of objects.
    fn rows_json(&self, stmt: &RawStmt, params: &Params, out: &mut Vec<u8>) -> Result<()> {
        stmt.bind(params)?;
        let names = stmt.column_names()?;
        let mut keys: Vec<u8> = Vec::with_capacity(32 * names.len());
        let mut ends = Vec::with_capacity(names.len());
        for name in &names {
            serde_json::to_writer(&mut keys, name).map_err(Error::Json)?;
            keys.push(b':');
            ends.push(keys.len());
        }
        // Declared in this order so that the statement is reset before the savepoint rolls back.
        let _rollback = super::RolledBack::begin(self.connection())?;
        let _reset = ResetOnDrop(stmt);
        let guard = self.guard();
        let _active = guard.enter(self.connection(), None, false)?;
        let max = guard.limits().max_result_bytes;
        let too_big = || {
            Error::TooBig(format!(
                "the JSON result is larger than the limit of {max} bytes \
                 (QueryLimits::max_result_bytes, \"max_result_bytes\" in govreport_set_limits); \
                 select fewer rows or columns, or page with LIMIT/OFFSET or a cursor"
            ))
        };
        out.push(b'[');
        let mut first = true;
        while stmt.step().map_err(|e| guard.explain(e))? {
            out.push(if first { b'{' } else { b',' });
            if !first {
                out.push(b'{');
            }
            first = false;
            let mut start = 0;
            for (i, &end) in ends.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&keys[start..end]);
                start = end;
                let value = stmt.value(i);
                // Checked before writing (a blob doubles in hex), and after (text escapes).
                if out.len() + json_size_at_least(&value) + 2 > max {
                    return Err(too_big());
                }
                write_json_value(out, value);
                if out.len() + 2 > max {
                    return Err(too_big());
                }
            }
            out.push(b'}');
        }
        out.push(b']');
        Ok(())
    }

    /// Checks that `sql` is one read-only query that [`Db::query_json`] would accept, without
    /// running it.
    pub fn check_read_only_query(&self, sql: &str) -> Result<()> {
        prepare_read_only(self, sql).map(drop)
    }

    /// Starts a read-only query (the rules of [`Db::query_json`]) as a cursor positioned before
    /// the first row. The `Db` holds the statement until [`Db::cursor_close`]; step it with
    /// [`Db::cursor_step`]. Rows are produced as they are stepped: nothing is materialized.
    ///
    /// ```
    /// let db = govreport::Db::open_default()?;
    /// let params = govreport::query::Params::from_json(Some("[3]"))?;
    /// let cur = db.cursor_open(
    ///     "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < ?1) \
    ///      SELECT v FROM s",
    ///     &params,
    /// )?;
    /// let mut sum = 0;
    /// while db.cursor_step(cur)? {
    ///     sum += db.cursor_column_int64(cur, 0)?;
    /// }
    /// db.cursor_close(cur);
    /// assert_eq!(sum, 6);
    /// # Ok::<(), govreport::Error>(())
    /// ```
    pub fn cursor_open(&self, sql: &str, params: &Params) -> Result<CursorId> {
        let epoch = self.guard().epoch();
        let stmt = prepare_read_only(self, sql)?;
        stmt.bind(params)?;
        let scripted = self.scripted();
        let id = CursorId(scripted.next_cursor.get());
        scripted.next_cursor.set(id.0 + 1);
        scripted.cursors.borrow_mut().push((id, stmt, epoch));
        Ok(id)
    }

    /// Runs `f` on the statement of an open cursor (and the epoch it was opened in).
    fn with_cursor_epoch<T>(
        &self,
        id: CursorId,
        f: impl FnOnce(&RawStmt, u64) -> Result<T>,
    ) -> Result<T> {
        let cursors = self.scripted().cursors.borrow();
        let (_, stmt, epoch) = cursors
            .iter()
            .find(|(c, _, _)| *c == id)
            .ok_or_else(|| Error::InvalidArgument(format!("cursor {} is not open", id.0)))?;
        f(stmt, *epoch)
    }

    /// Runs `f` on the statement of an open cursor.
    fn with_cursor<T>(&self, id: CursorId, f: impl FnOnce(&RawStmt) -> Result<T>) -> Result<T> {
        self.with_cursor_epoch(id, |s, _| f(s))
    }

    /// Whether a cursor of this `Db` is between its first step and its end (it then holds a
    /// read transaction, so a write on this `Db` sees the file as of the cursor's start).
    pub fn has_active_cursor(&self) -> bool {
        self.scripted()
            .cursors
            .borrow()
            .iter()
            // SAFETY: the statement is live; sqlite3_stmt_busy only reads it.
            .any(|(_, s, _)| unsafe { sqlite::sqlite3_stmt_busy(s.ptr()) } != 0)
    }

    /// Checks a column index of an open cursor.
    fn column_index(stmt: &RawStmt, col: usize) -> Result<usize> {
        let n = stmt.column_count();
        if col < n {
            Ok(col)
        } else {
            Err(Error::InvalidArgument(format!(
                "column {col} is out of range (the cursor has {n})"
            )))
        }
    }

    /// Advances a cursor: `true` when a row is ready, `false` when there are no more.
    ///
    /// An interrupt ([`Db::interrupt_handle`]) requested while the cursor is open makes this
    /// and every later step of that cursor fail with `SQLITE_INTERRUPT`; each step runs under
    /// the [`crate::query::QueryLimits`] (the time limit is per step).
    pub fn cursor_step(&self, id: CursorId) -> Result<bool> {
        self.with_cursor_epoch(id, |stmt, epoch| {
            let guard = self.guard();
            if guard.interrupted_since(epoch) {
                return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(sqlite::SQLITE_INTERRUPT),
                    Some(
                        "interrupted: the cursor was open when an interrupt was requested; \
                          free it and run the query again"
                            .to_string(),
                    ),
                )));
            }
            let _active = guard.enter(self.connection(), Some(epoch), false)?;
            stmt.step().map_err(|e| guard.explain(e))
        })
    }

    /// The result column names of a cursor (known before the first step).
    pub fn cursor_columns(&self, id: CursorId) -> Result<Vec<String>> {
        self.with_cursor(id, RawStmt::column_names)
    }

    /// The type of column `col` of the cursor's current row.
    pub fn cursor_column_type(&self, id: CursorId, col: usize) -> Result<ColumnType> {
        self.with_cursor(id, |s| {
            let i = Self::column_index(s, col)? as c_int;
            // SAFETY: the statement is live and `i` is one of its columns.
            Ok(match unsafe { sqlite::sqlite3_column_type(s.ptr(), i) } {
                sqlite::SQLITE_INTEGER => ColumnType::Integer,
                sqlite::SQLITE_FLOAT => ColumnType::Float,
                sqlite::SQLITE_TEXT => ColumnType::Text,
                sqlite::SQLITE_BLOB => ColumnType::Blob,
                _ => ColumnType::Null,
            })
        })
    }

    /// Column `col` of the current row as a 64-bit integer (SQLite's conversions: REAL
    /// truncated, text parsed, NULL → 0).
    pub fn cursor_column_int64(&self, id: CursorId, col: usize) -> Result<i64> {
        self.with_cursor(id, |s| {
            let i = Self::column_index(s, col)? as c_int;
            // SAFETY: the statement is live and `i` is one of its columns.
            Ok(unsafe { sqlite::sqlite3_column_int64(s.ptr(), i) })
        })
    }

    /// Column `col` of the current row as a double (SQLite's conversions: NULL → 0.0).
    pub fn cursor_column_double(&self, id: CursorId, col: usize) -> Result<f64> {
        self.with_cursor(id, |s| {
            let i = Self::column_index(s, col)? as c_int;
            // SAFETY: the statement is live and `i` is one of its columns.
            Ok(unsafe { sqlite::sqlite3_column_double(s.ptr(), i) })
        })
    }

    /// Column `col` of the current row converted to NUL-terminated UTF-8 text by SQLite
    /// (numbers become text; NULL gives a null pointer).
    ///
    /// The pointer is SQLite's own buffer: valid until the cursor's next step or
    /// [`Db::cursor_close`], and only while this `Db` lives. This is the C ABI's borrowed
    /// `const char *`; from Rust, copy it at once (or prefer [`Db::query_json`]).
    pub fn cursor_column_text(&self, id: CursorId, col: usize) -> Result<*const c_char> {
        self.with_cursor(id, |s| {
            let i = Self::column_index(s, col)? as c_int;
            // SAFETY: the statement is live and `i` is one of its columns; the pointer is
            // returned, not read.
            Ok(unsafe { sqlite::sqlite3_column_text(s.ptr(), i) }.cast::<c_char>())
        })
    }

    /// Finalizes a cursor's statement. Closing a cursor that is not open does nothing.
    pub fn cursor_close(&self, id: CursorId) {
        // Taken out first so that the statement is finalized after the borrow ends.
        let stmt = {
            let mut cursors = self.scripted().cursors.borrow_mut();
            let i = cursors.iter().position(|(c, _, _)| *c == id);
            i.map(|i| cursors.remove(i))
        };
        drop(stmt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many statements prepared on the connection have exactly this SQL text.
    fn prepared_with_sql(db: &Db, sql: &str) -> usize {
        // SAFETY: the connection is open; sqlite3_next_stmt and sqlite3_sql only read the
        // connection's list of statements, single-threaded here.
        unsafe {
            let conn = db.connection().handle();
            let mut n = 0;
            let mut s = sqlite::sqlite3_next_stmt(conn, ptr::null_mut());
            while !s.is_null() {
                let text = sqlite::sqlite3_sql(s);
                if !text.is_null() && CStr::from_ptr(text).to_bytes() == sql.as_bytes() {
                    n += 1;
                }
                s = sqlite::sqlite3_next_stmt(conn, s);
            }
            n
        }
    }

    #[test]
    fn user_sql_stays_out_of_the_library_statement_cache() {
        let db = Db::open_default().unwrap();
        let sql = "SELECT 42 AS user_sql_marker";
        for _ in 0..3 {
            assert_eq!(
                db.query_json(sql, None).unwrap(),
                r#"[{"user_sql_marker":42}]"#
            );
        }
        db.check_read_only_query(sql).unwrap();
        // One statement, in the scripted cache; none in rusqlite's.
        assert_eq!(prepared_with_sql(&db, sql), 1);
        db.connection().flush_prepared_statement_cache();
        assert_eq!(prepared_with_sql(&db, sql), 1);

        // A cursor holds its own statement until it is closed.
        let cur = db.cursor_open(sql, &Params::None).unwrap();
        assert_eq!(prepared_with_sql(&db, sql), 2);
        assert!(db.cursor_step(cur).unwrap());
        assert_eq!(db.cursor_column_int64(cur, 0).unwrap(), 42);
        assert_eq!(db.cursor_column_type(cur, 0).unwrap(), ColumnType::Integer);
        assert!(db.cursor_column_int64(cur, 1).is_err());
        assert!(!db.cursor_step(cur).unwrap());
        db.cursor_close(cur);
        assert_eq!(prepared_with_sql(&db, sql), 1);
        assert!(db.cursor_step(cur).is_err(), "a closed cursor is refused");
    }

    #[test]
    fn the_cache_keeps_the_last_sixteen_queries() {
        let db = Db::open_default().unwrap();
        let sqls: Vec<String> = (0..20).map(|i| format!("SELECT {i} AS n")).collect();
        for sql in &sqls {
            db.query_json(sql, None).unwrap();
        }
        let kept: usize = sqls.iter().map(|s| prepared_with_sql(&db, s)).sum();
        assert_eq!(kept, CACHE_CAPACITY);
        assert_eq!(prepared_with_sql(&db, &sqls[0]), 0);
        assert_eq!(prepared_with_sql(&db, &sqls[19]), 1);
    }
}
