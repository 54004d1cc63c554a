//! The stable C ABI (`include/govreport.h`, generated from this file by cbindgen).
//!
//! Conventions (see "Using from C/C++" in README.md): every symbol starts with `govreport_`, every
//! constant with `GOVREPORT_`; fallible functions return an `int32_t` result code whose value never
//! changes; handles are opaque; owned strings come back through `char **out` and are freed by
//! [`govreport_string_free`] only; every body runs inside `catch_unwind`, so a panic becomes
//! [`GOVREPORT_INTERNAL`] instead of aborting the host application.
//!
//! This is the only module of the crate with `unsafe` code; every unsafe block says why it
//! is sound.

#![allow(non_camel_case_types)]

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::{self, NonNull};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::ffi as sqlite;
use rusqlite::types::Value;

use crate::db::{Db, OpenMode};
use crate::error::Error;
use crate::query::Params;

// ---------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------

/// Major version of the library this header belongs to.
pub const GOVREPORT_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const GOVREPORT_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const GOVREPORT_VERSION_PATCH: u32 = 0;
/// The version as one number: `MAJOR * 1000000 + MINOR * 1000 + PATCH`. Compare it with
/// `govreport_version_number()` to detect a header/library mismatch.
pub const GOVREPORT_VERSION_NUMBER: u32 =
    GOVREPORT_VERSION_MAJOR * 1_000_000 + GOVREPORT_VERSION_MINOR * 1_000 + GOVREPORT_VERSION_PATCH;
/// The ABI version: the number in the soname (`libgovreport.so.0`). It changes only when a
/// released function is removed or changed, which the versioning policy forbids (a changed
/// function gets a `_v2` name instead).
pub const GOVREPORT_ABI_VERSION: u32 = 0;

// ---------------------------------------------------------------------------------------
// Result codes. The values are part of the ABI: never renumber, never reuse.
// ---------------------------------------------------------------------------------------

/// Success.
pub const GOVREPORT_OK: i32 = 0;
/// A failure with no more specific code (an SQL syntax error, a missing table …).
pub const GOVREPORT_ERROR: i32 = 1;
/// An argument was NULL, not valid UTF-8, malformed JSON, out of range, or otherwise unusable.
pub const GOVREPORT_INVALID_ARGUMENT: i32 = 2;
/// The requested record (report, section, paragraph, figure …) does not exist.
pub const GOVREPORT_NOT_FOUND: i32 = 3;
/// A constraint of the database was violated.
pub const GOVREPORT_CONSTRAINT: i32 = 4;
/// The database file is locked by another connection (SQLite `BUSY`/`LOCKED`).
pub const GOVREPORT_BUSY: i32 = 5;
/// Reading or writing a file failed, or the file could not be opened.
pub const GOVREPORT_IO: i32 = 6;
/// The file is corrupt or not a SQLite database.
pub const GOVREPORT_CORRUPT: i32 = 7;
/// A write was attempted on a read-only database, or scripted SQL that would write was
/// refused.
pub const GOVREPORT_READONLY: i32 = 8;
/// A bug in govreport (a caught panic). The message says where; please report it.
pub const GOVREPORT_INTERNAL: i32 = 9;
/// The operation was stopped by `govreport_interrupt()`.
pub const GOVREPORT_INTERRUPTED: i32 = 10;
/// The database's schema version is newer than this library, or older and the file was
/// opened read-only, or the file is not a govreport database.
pub const GOVREPORT_SCHEMA: i32 = 11;
/// Out of memory.
pub const GOVREPORT_NOMEM: i32 = 12;
/// `govreport_cursor_step()`: a row is ready.
pub const GOVREPORT_ROW: i32 = 100;
/// `govreport_cursor_step()`: there are no more rows.
pub const GOVREPORT_DONE: i32 = 101;

// ---------------------------------------------------------------------------------------
// Open flags and column types
// ---------------------------------------------------------------------------------------

/// `govreport_open()`: open an existing file read-only (it must be at the current schema).
pub const GOVREPORT_OPEN_READONLY: u32 = 0x1;
/// `govreport_open()`: open an existing file read-write (an older schema is migrated).
pub const GOVREPORT_OPEN_READWRITE: u32 = 0x2;
/// `govreport_open()`: open read-write, creating a missing file with the built-in data.
/// May be combined with `GOVREPORT_OPEN_READWRITE`.
pub const GOVREPORT_OPEN_CREATE: u32 = 0x4;

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

// ---------------------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------------------

/// The database and the handle's own cache of raw prepared statements for
/// `govreport_query_json`. Field order matters: the statements are finalized (dropped) before
/// the connection closes.
struct Conn {
    stmts: StmtCache,
    db: Db,
}

/// Validated read-only statements by SQL text, most recently used last.
///
/// Why not rusqlite's `prepare_cached`: it clears a statement's bindings when the statement
/// goes back to its cache, and for a statement whose plan may depend on a parameter (a join
/// with a bound parameter, for one) SQLite then recompiles it on the next use — measured at
/// ~10x the cost of a point query (BENCHMARKS.md, "C ABI"). These statements are rebound,
/// never cleared.
#[derive(Default)]
struct StmtCache {
    entries: Vec<(String, CursorParts)>,
}

impl StmtCache {
    const CAPACITY: usize = 16;

    fn take(&mut self, sql: &str) -> Option<CursorParts> {
        let i = self.entries.iter().rposition(|(k, _)| k == sql)?;
        Some(self.entries.remove(i).1)
    }

    fn put(&mut self, sql: &str, stmt: CursorParts) {
        if self.entries.len() >= Self::CAPACITY {
            self.entries.remove(0);
        }
        self.entries.push((sql.to_owned(), stmt));
    }
}

/// The state a handle shares with its cursors: the connection (serialized by a mutex), the
/// interrupt handle (usable without the mutex) and the handle's last error.
struct Shared {
    db: Mutex<Conn>,
    interrupt: rusqlite::InterruptHandle,
    last: Mutex<LastError>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Conn> {
        // A panic while the lock was held is caught and reported at the boundary; SQLite's
        // own state stays consistent (statements are transactional), so go on.
        self.db.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, result: &Result<(), Failure>) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(()) => {
                if last.code != GOVREPORT_OK {
                    *last = LastError::ok();
                }
            }
            Err(f) => {
                *last = LastError {
                    code: f.code,
                    extended: f.extended,
                    message: to_cstring(&f.message),
                }
            }
        }
    }
}

/// An open govreport database. Opaque: create it with `govreport_open_default()` or
/// `govreport_open()`, destroy it with `govreport_close()`.
///
/// Thread rules: one handle may be used from several threads at once; calls on it are
/// serialized inside (like SQLite's "serialized" mode). `govreport_interrupt()` may be
/// called from any thread at any time while the handle is open.
pub struct govreport_db {
    shared: Arc<Shared>,
}

/// A running read-only query, stepped row by row like a SQLite statement. Opaque: create it
/// with `govreport_query_cursor()`, destroy it with `govreport_cursor_free()`.
///
/// The cursor keeps its database alive: closing the handle first is allowed, the connection
/// is closed when the last cursor is freed. A cursor must be used by one thread at a time
/// (it may move between threads); while it exists other threads may keep using the handle.
pub struct govreport_cursor {
    shared: Arc<Shared>,
    stmt: NonNull<sqlite::sqlite3_stmt>,
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

impl Drop for govreport_cursor {
    fn drop(&mut self) {
        let _db = self.shared.lock();
        // SAFETY: `stmt` came from sqlite3_prepare_v3 on this connection, which `shared`
        // keeps open; it is finalized exactly once, here, with the connection's mutex held.
        unsafe {
            sqlite::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// A failure on its way to C: result code, SQLite extended code, message.
#[derive(Debug)]
struct Failure {
    code: i32,
    extended: i32,
    message: String,
}

impl Failure {
    fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            extended: 0,
            message: message.into(),
        }
    }

    fn null(name: &str) -> Failure {
        Failure::new(
            GOVREPORT_INVALID_ARGUMENT,
            format!("invalid argument: {name} is NULL"),
        )
    }

    fn panic(payload: Box<dyn std::any::Any + Send>) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Failure::new(
            GOVREPORT_INTERNAL,
            format!("internal error (a bug in govreport, please report it): {what}"),
        )
    }
}

/// The result code for SQLite's primary result code.
fn code_for_sqlite(primary: c_int) -> i32 {
    match primary {
        sqlite::SQLITE_CONSTRAINT => GOVREPORT_CONSTRAINT,
        sqlite::SQLITE_BUSY | sqlite::SQLITE_LOCKED => GOVREPORT_BUSY,
        sqlite::SQLITE_IOERR
        | sqlite::SQLITE_CANTOPEN
        | sqlite::SQLITE_FULL
        | sqlite::SQLITE_PROTOCOL
        | sqlite::SQLITE_NOLFS
        | sqlite::SQLITE_PERM => GOVREPORT_IO,
        sqlite::SQLITE_CORRUPT | sqlite::SQLITE_NOTADB => GOVREPORT_CORRUPT,
        sqlite::SQLITE_READONLY | sqlite::SQLITE_AUTH => GOVREPORT_READONLY,
        sqlite::SQLITE_INTERRUPT => GOVREPORT_INTERRUPTED,
        sqlite::SQLITE_RANGE | sqlite::SQLITE_TOOBIG | sqlite::SQLITE_MISMATCH => {
            GOVREPORT_INVALID_ARGUMENT
        }
        sqlite::SQLITE_NOMEM => GOVREPORT_NOMEM,
        _ => GOVREPORT_ERROR,
    }
}

fn code_for_rusqlite(e: &rusqlite::Error) -> (i32, i32) {
    use rusqlite::Error as E;
    if let Some(s) = e.sqlite_error() {
        return (code_for_sqlite(s.extended_code & 0xff), s.extended_code);
    }
    let code = match e {
        E::QueryReturnedNoRows => GOVREPORT_NOT_FOUND,
        E::InvalidParameterCount(..)
        | E::InvalidParameterName(_)
        | E::InvalidColumnIndex(_)
        | E::InvalidColumnName(_)
        | E::NulError(_)
        | E::Utf8Error(..)
        | E::MultipleStatement
        | E::IntegralValueOutOfRange(..)
        | E::ToSqlConversionFailure(_) => GOVREPORT_INVALID_ARGUMENT,
        _ => GOVREPORT_ERROR,
    };
    (code, 0)
}

/// Maps a library error to its result code and SQLite extended code.
fn code_for(e: &Error) -> (i32, i32) {
    #[allow(unreachable_patterns)] // new variants default to GOVREPORT_ERROR
    match e {
        Error::Sqlite(s) => code_for_rusqlite(s),
        Error::SchemaTooNew { .. }
        | Error::SchemaTooOld { .. }
        | Error::NotAGovreportDatabase { .. } => (GOVREPORT_SCHEMA, 0),
        Error::InvalidArgument(_) => (GOVREPORT_INVALID_ARGUMENT, 0),
        Error::NotFound(_) => (GOVREPORT_NOT_FOUND, 0),
        Error::Io(_) => (GOVREPORT_IO, 0),
        Error::Data(_) | Error::Json(_) => (GOVREPORT_ERROR, 0),
        _ => (GOVREPORT_ERROR, 0),
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let (code, extended) = code_for(&e);
        let message = match &e {
            // The SQLite message alone reads better than rusqlite's debug form.
            Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(m))) => m.clone(),
            _ => e.to_string(),
        };
        Failure {
            code,
            extended,
            message,
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        Failure::from(Error::Sqlite(e))
    }
}

struct LastError {
    code: i32,
    extended: i32,
    message: CString,
}

impl LastError {
    fn ok() -> LastError {
        LastError {
            code: GOVREPORT_OK,
            extended: 0,
            message: c"not an error".to_owned(),
        }
    }
}

thread_local! {
    static THREAD_ERROR: RefCell<CString> = RefCell::new(c"no error".to_owned());
}

/// A C string of `s`; a NUL byte inside (never expected) is written as `\0`.
fn to_cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

fn set_thread_error(message: &str) {
    let c = to_cstring(message);
    // try_with: during thread teardown the slot may be gone; then there is nowhere to write.
    let _ = THREAD_ERROR.try_with(|slot| *slot.borrow_mut() = c);
}

/// Runs `f` with panics caught; a panic yields `on_panic` and the per-thread message.
fn boundary<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            set_thread_error(&Failure::panic(payload).message);
            on_panic
        }
    }
}

/// Turns a result into a result code, recording a failure per thread and on the handle.
fn finish(shared: Option<&Shared>, result: Result<(), Failure>) -> i32 {
    if let Some(shared) = shared {
        shared.record(&result);
    }
    match result {
        Ok(()) => GOVREPORT_OK,
        Err(f) => {
            set_thread_error(&f.message);
            f.code
        }
    }
}

/// The shared state behind a handle pointer, or an INVALID_ARGUMENT failure for NULL.
///
/// # Safety
/// `db` must be NULL or a pointer returned by an open function and not yet closed.
unsafe fn handle<'a>(db: *const govreport_db) -> Result<&'a govreport_db, Failure> {
    // SAFETY: by the caller's contract a non-NULL `db` points to a live govreport_db.
    unsafe { db.as_ref() }.ok_or_else(|| Failure::null("db"))
}

/// The common body of a function on a handle: NULL check, lock, panic boundary, error
/// recording. `f` gets the locked database.
///
/// # Safety
/// `db` must be NULL or a live handle.
unsafe fn with_db(db: *const govreport_db, f: impl FnOnce(&Db) -> Result<(), Failure>) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { with_conn(db, |conn| f(&conn.db)) }
}

/// [`with_db`] with the whole locked state (the statement cache too).
///
/// # Safety
/// `db` must be NULL or a live handle.
unsafe fn with_conn(
    db: *const govreport_db,
    f: impl FnOnce(&mut Conn) -> Result<(), Failure>,
) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        // SAFETY: forwarded from this function's contract.
        let h = match unsafe { handle(db) } {
            Ok(h) => h,
            Err(e) => return finish(None, Err(e)),
        };
        let result = {
            let mut guard = h.shared.lock();
            catch_unwind(AssertUnwindSafe(|| f(&mut guard)))
                .unwrap_or_else(|p| Err(Failure::panic(p)))
        };
        finish(Some(&h.shared), result)
    })
}

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

/// A checked, non-NULL out pointer.
struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// # Safety
    /// `p` must be NULL or valid for a write of `T`.
    unsafe fn new(p: *mut T, name: &str) -> Result<Out<T>, Failure> {
        NonNull::new(p).map(Out).ok_or_else(|| Failure::null(name))
    }

    fn set(&self, value: T) {
        // SAFETY: `new` was given a pointer valid for writes of T (its contract) and
        // checked it is not NULL.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Sets `*out = NULL` before anything else is checked, so that `*out` is NULL after every
/// failure — a NULL handle included — and a caller may free it unconditionally.
///
/// # Safety
/// `out` must be NULL or valid for a write of a pointer.
pub(crate) unsafe fn clear_out<T>(out: *mut *mut T) {
    if !out.is_null() {
        // SAFETY: non-NULL, and valid for a write by the caller's contract.
        unsafe { out.write(ptr::null_mut()) }
    }
}

/// Checks a `char **out` argument and sets `*out = NULL` so that it is NULL on failure.
///
/// # Safety
/// `out` must be NULL or valid for a write of a pointer.
unsafe fn string_out(out: *mut *mut c_char) -> Result<Out<*mut c_char>, Failure> {
    // SAFETY: forwarded from this function's contract.
    let out = unsafe { Out::new(out, "out") }?;
    out.set(ptr::null_mut());
    Ok(out)
}

/// Hands an owned string to C (freed by `govreport_string_free`).
fn put_string(out: &Out<*mut c_char>, bytes: Vec<u8>) -> Result<(), Failure> {
    let c = CString::new(bytes).map_err(|_| {
        Failure::new(
            GOVREPORT_ERROR,
            "the result holds a NUL character and cannot be returned as a C string",
        )
    })?;
    out.set(c.into_raw());
    Ok(())
}

/// A required `const char *` argument as UTF-8.
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string that stays valid during the call.
unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        Failure::new(
            GOVREPORT_INVALID_ARGUMENT,
            format!("invalid argument: {name} is not valid UTF-8 ({e})"),
        )
    })
}

/// An optional `const char *` argument (NULL allowed) as UTF-8.
///
/// # Safety
/// As for [`str_arg`].
unsafe fn opt_str_arg<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded from this function's contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

fn report_exists(db: &Db, report_id: i64) -> Result<(), Failure> {
    let found: bool = db
        .connection()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM report WHERE id = ?1)")?
        .query_row([report_id], |r| r.get(0))?;
    if found {
        Ok(())
    } else {
        Err(Error::NotFound(format!("report {report_id}")).into())
    }
}

// ---------------------------------------------------------------------------------------
// Versions and static texts
// ---------------------------------------------------------------------------------------

const VERSION_C: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("the package version holds a NUL byte"),
    };

/// The library version as text (`"0.1.0"`). Static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn govreport_version() -> *const c_char {
    boundary(ptr::null(), || VERSION_C.as_ptr())
}

/// The library version as one number (`MAJOR * 1000000 + MINOR * 1000 + PATCH`); equal to
/// `GOVREPORT_VERSION_NUMBER` when header and library match.
#[unsafe(no_mangle)]
pub extern "C" fn govreport_version_number() -> u32 {
    boundary(0, || GOVREPORT_VERSION_NUMBER)
}

/// The ABI version of the library (the number in its soname); equal to
/// `GOVREPORT_ABI_VERSION` when header and library match.
#[unsafe(no_mangle)]
pub extern "C" fn govreport_abi_version() -> u32 {
    boundary(0, || GOVREPORT_ABI_VERSION)
}

/// The version of the SQLite built into the library (`"3.x.y"`). Static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn govreport_sqlite_version() -> *const c_char {
    boundary(ptr::null(), || {
        // SAFETY: sqlite3_libversion takes no arguments and returns a static string.
        unsafe { sqlite::sqlite3_libversion() }
    })
}

/// A static English text for a result code (`"invalid argument"` …); an unknown code gives
/// `"unknown result code"`. Never NULL, never free it.
#[unsafe(no_mangle)]
pub extern "C" fn govreport_errstr(code: i32) -> *const c_char {
    boundary(c"internal error".as_ptr(), || {
        let s: &'static CStr = match code {
            GOVREPORT_OK => c"not an error",
            GOVREPORT_ERROR => c"error",
            GOVREPORT_INVALID_ARGUMENT => c"invalid argument",
            GOVREPORT_NOT_FOUND => c"not found",
            GOVREPORT_CONSTRAINT => c"constraint violated",
            GOVREPORT_BUSY => c"database is busy",
            GOVREPORT_IO => c"I/O error",
            GOVREPORT_CORRUPT => c"database is corrupt",
            GOVREPORT_READONLY => c"read-only",
            GOVREPORT_INTERNAL => c"internal error",
            GOVREPORT_INTERRUPTED => c"interrupted",
            GOVREPORT_SCHEMA => c"unsupported schema version",
            GOVREPORT_NOMEM => c"out of memory",
            GOVREPORT_ROW => c"another row is ready",
            GOVREPORT_DONE => c"no more rows",
            _ => c"unknown result code",
        };
        s.as_ptr()
    })
}

/// The message of the most recent failure of any govreport call made on the calling
/// thread — the only message for failures without a handle (`govreport_open…`, a NULL
/// handle). `"no error"` before any failure. Never NULL. Owned by the library and valid
/// until the next failing govreport call on this thread; copy it to keep it.
#[unsafe(no_mangle)]
pub extern "C" fn govreport_last_error_message() -> *const c_char {
    boundary(c"internal error".as_ptr(), || {
        THREAD_ERROR
            .try_with(|slot| slot.borrow().as_ptr())
            .unwrap_or(c"no error".as_ptr())
    })
}

// ---------------------------------------------------------------------------------------
// Opening and closing
// ---------------------------------------------------------------------------------------

fn new_handle(db: Db) -> *mut govreport_db {
    let interrupt = db.connection().get_interrupt_handle();
    let shared = Arc::new(Shared {
        db: Mutex::new(Conn {
            stmts: StmtCache::default(),
            db,
        }),
        interrupt,
        last: Mutex::new(LastError::ok()),
    });
    Box::into_raw(Box::new(govreport_db { shared }))
}

/// Opens the built-in Yanshi 2024 database, in memory. Changes made through the handle are
/// private to it and lost on close.
///
/// On success `*out` is a new handle to close with `govreport_close()`; on failure `*out`
/// is NULL and `govreport_last_error_message()` says why.
///
/// # Safety
/// `out` must be NULL (→ `GOVREPORT_INVALID_ARGUMENT`) or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_open_default(out: *mut *mut govreport_db) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        let result = (|| {
            // SAFETY: forwarded from this function's contract.
            let out = unsafe { Out::new(out, "out") }?;
            out.set(ptr::null_mut());
            let db = Db::open_default()?;
            out.set(new_handle(db));
            Ok(())
        })();
        finish(None, result)
    })
}

/// Opens a database file. `flags` is exactly one of `GOVREPORT_OPEN_READONLY`,
/// `GOVREPORT_OPEN_READWRITE`, `GOVREPORT_OPEN_CREATE` (or `READWRITE | CREATE`); anything
/// else is `GOVREPORT_INVALID_ARGUMENT`. `path` is a NUL-terminated UTF-8 file name or
/// SQLite URI (`file:…`).
///
/// A new file (CREATE) gets the schema and the built-in data; a file with an older schema
/// is migrated (READWRITE/CREATE) or refused with `GOVREPORT_SCHEMA` (READONLY); a file
/// from a newer govreport is refused with `GOVREPORT_SCHEMA` and left untouched.
///
/// On success `*out` is a new handle to close with `govreport_close()`; on failure `*out`
/// is NULL and `govreport_last_error_message()` says why.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `out` must be NULL or valid for
/// writing a pointer (NULL arguments give `GOVREPORT_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_open(
    path: *const c_char,
    flags: u32,
    out: *mut *mut govreport_db,
) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        let result = (|| {
            // SAFETY: forwarded from this function's contract.
            let out = unsafe { Out::new(out, "out") }?;
            out.set(ptr::null_mut());
            // SAFETY: forwarded from this function's contract.
            let path = unsafe { str_arg(path, "path") }?;
            let mode = match flags {
                GOVREPORT_OPEN_READONLY => OpenMode::ReadOnly,
                GOVREPORT_OPEN_READWRITE => OpenMode::ReadWrite,
                GOVREPORT_OPEN_CREATE => OpenMode::Create,
                f if f == GOVREPORT_OPEN_READWRITE | GOVREPORT_OPEN_CREATE => OpenMode::Create,
                f => {
                    return Err(Failure::new(
                        GOVREPORT_INVALID_ARGUMENT,
                        format!(
                            "invalid argument: open flags {f:#x} are not one of \
                             GOVREPORT_OPEN_READONLY, _READWRITE, _CREATE"
                        ),
                    ));
                }
            };
            let db = Db::open_with(path, mode)?;
            out.set(new_handle(db));
            Ok(())
        })();
        finish(None, result)
    })
}

/// Closes a handle. NULL is a no-op. Cursors still open keep the connection alive until
/// the last one is freed. The handle must not be used after this call (from any thread).
///
/// # Safety
/// `db` must be NULL or a handle from an open function, not already closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_close(db: *mut govreport_db) {
    boundary((), || {
        if !db.is_null() {
            // SAFETY: `db` came from Box::into_raw in new_handle and is closed only once
            // (the caller's contract).
            drop(unsafe { Box::from_raw(db) });
        }
    })
}

/// Stops the query running on this handle (in any thread) as soon as possible: it fails
/// with `GOVREPORT_INTERRUPTED`. Calls that start after the running ones have stopped are
/// not affected; with nothing running it does nothing. Safe to call from any thread, does
/// not wait for the handle's lock. NULL is a no-op.
///
/// # Safety
/// `db` must be NULL or an open handle (not closed, also not concurrently with closing).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_interrupt(db: *const govreport_db) {
    boundary((), || {
        // SAFETY: forwarded from this function's contract.
        if let Ok(h) = unsafe { handle(db) } {
            h.shared.interrupt.interrupt();
        }
    })
}

/// The result code of the most recent call on this handle (`GOVREPORT_OK` after a
/// success). NULL gives `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_errcode(db: *const govreport_db) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { handle(db) } {
            Ok(h) => {
                h.shared
                    .last
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .code
            }
            Err(_) => GOVREPORT_INVALID_ARGUMENT,
        }
    })
}

/// The SQLite extended result code of the most recent call on this handle, or 0 when it
/// succeeded or failed outside SQLite. NULL gives 0.
///
/// # Safety
/// `db` must be NULL or an open handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_extended_errcode(db: *const govreport_db) -> i32 {
    boundary(0, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { handle(db) } {
            Ok(h) => {
                h.shared
                    .last
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extended
            }
            Err(_) => 0,
        }
    })
}

/// The message of the most recent call on this handle (`"not an error"` after a success).
/// Never NULL (NULL `db` gives a static text). Owned by the handle and valid until the
/// next call on the handle from any thread; with several threads on one handle, prefer
/// `govreport_last_error_message()`, which is per thread.
///
/// # Safety
/// `db` must be NULL or an open handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_errmsg(db: *const govreport_db) -> *const c_char {
    boundary(c"internal error".as_ptr(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { handle(db) } {
            Ok(h) => h
                .shared
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .message
                .as_ptr(),
            Err(_) => c"invalid argument: db is NULL".as_ptr(),
        }
    })
}

/// Frees a string returned by govreport through a `char **out`. NULL is a no-op. Never
/// free such a string with `free()`, and never pass other strings here.
///
/// # Safety
/// `s` must be NULL or a string from a govreport `char **out`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_string_free(s: *mut c_char) {
    boundary((), || {
        if !s.is_null() {
            // SAFETY: `s` came from CString::into_raw in put_string and is freed once.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

// ---------------------------------------------------------------------------------------
// Data out
// ---------------------------------------------------------------------------------------

/// The database's schema version (`PRAGMA user_version`) into `*out`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_schema_version(db: *const govreport_db, out: *mut i64) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db(db, |db| {
            let out = Out::new(out, "out")?;
            out.set(db.schema_version()?);
            Ok(())
        })
    }
}

/// The common body of a getter that writes one owned string to `*out`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
unsafe fn string_call(
    db: *const govreport_db,
    out: *mut *mut c_char,
    f: impl FnOnce(&Db) -> Result<Vec<u8>, Failure>,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        clear_out(out);
        with_db(db, |db| {
            let out = string_out(out)?;
            let bytes = f(db)?;
            put_string(&out, bytes)
        })
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
    Ok(serde_json::to_vec(value).map_err(Error::Json)?)
}

/// The metadata of the (first) report as a JSON object: `{"id", "slug", "title",
/// "region", "date", "meeting", "speaker", "speaker_office", "plan_year"}`.
///
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_sections_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            report_exists(db, report_id)?;
            json(&db.sections(report_id)?)
        })
    }
}

/// One section by id as a JSON object (the shape of `govreport_sections_json()` items).
/// Unknown id → `GOVREPORT_NOT_FOUND`.
///
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_paragraphs_json(
    db: *const govreport_db,
    report_id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        string_call(db, out, |db| {
            report_exists(db, report_id)?;
            json(&db.paragraphs(report_id)?)
        })
    }
}

/// One paragraph by id as a JSON object `{"id", "section_id", "text"}`. Unknown id →
/// `GOVREPORT_NOT_FOUND`.
///
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_paragraph_json(
    db: *const govreport_db,
    id: i64,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { string_call(db, out, |db| json(&db.paragraph(id)?)) }
}

/// Runs one read-only SQL query and writes its rows to `*out` as a JSON array of objects
/// (keys: the result column names; INTEGER → integer, REAL → number, TEXT → string,
/// BLOB → hex string, NULL → null).
///
/// `sql` must be exactly one `SELECT` (or `WITH … SELECT`, `VALUES`) statement. Anything
/// that would write — INSERT, UPDATE, DELETE, DDL, ATTACH, PRAGMA, transaction control —
/// is refused with `GOVREPORT_READONLY` before it runs; several statements or none give
/// `GOVREPORT_INVALID_ARGUMENT`; the query itself runs inside a savepoint that is always
/// rolled back.
///
/// `params_json` is NULL (no parameters), a JSON array (positional `?`, `?N`) or a JSON
/// object (named `:name`, `@name`, `$name`; key with or without the prefix); every
/// parameter needs a value; values are null, booleans, numbers (integers in int64 range)
/// or strings. Malformed JSON → `GOVREPORT_INVALID_ARGUMENT`.
///
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL.
///
/// # Safety
/// `db` must be NULL or an open handle; `sql` and `params_json` NULL or NUL-terminated
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
        with_conn(db, |conn| {
            let out = string_out(out)?;
            let sql = str_arg(sql, "sql")?;
            let params = Params::from_json(opt_str_arg(params_json, "params_json")?)?;
            let Conn { stmts, db } = conn;
            let stmt = match stmts.take(sql) {
                Some(stmt) => stmt,
                None => prepare_raw(&*db, sql)?,
            };
            let result = rows_json(&*db, &stmt, &params);
            stmts.put(sql, stmt);
            let bytes = result?;
            put_string(&out, bytes)
        })
    }
}

// ---------------------------------------------------------------------------------------
// The dataset (figures, projects, places, glossary) and the export
// ---------------------------------------------------------------------------------------

/// A parsed `filter_json` argument: NULL, JSON `null` or a JSON object with known keys.
struct Filter(serde_json::Map<String, serde_json::Value>);

impl Filter {
    fn parse(json: Option<&str>, allowed: &[&str]) -> Result<Filter, Failure> {
        let invalid = |m: String| Failure::new(GOVREPORT_INVALID_ARGUMENT, m);
        let Some(text) = json else {
            return Ok(Filter(serde_json::Map::new()));
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            invalid(format!(
                "invalid argument: filter_json is not valid JSON: {e}"
            ))
        })?;
        let map = match value {
            serde_json::Value::Null => serde_json::Map::new(),
            serde_json::Value::Object(map) => map,
            _ => {
                return Err(invalid(
                    "invalid argument: filter_json must be a JSON object".into(),
                ));
            }
        };
        if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(invalid(format!(
                "invalid argument: unknown filter key {key:?} (known: {})",
                allowed.join(", ")
            )));
        }
        Ok(Filter(map))
    }

    fn bad(key: &str, want: &str) -> Failure {
        Failure::new(
            GOVREPORT_INVALID_ARGUMENT,
            format!("invalid argument: filter key {key:?} must be {want}"),
        )
    }

    fn i64(&self, key: &str) -> Result<Option<i64>, Failure> {
        match self.0.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| Filter::bad(key, "an integer in int64 range")),
        }
    }

    fn i32(&self, key: &str) -> Result<Option<i32>, Failure> {
        self.i64(key)?
            .map(|v| i32::try_from(v).map_err(|_| Filter::bad(key, "an integer in int32 range")))
            .transpose()
    }

    fn string(&self, key: &str) -> Result<Option<String>, Failure> {
        match self.0.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Filter::bad(key, "a string")),
        }
    }

    fn bool(&self, key: &str) -> Result<bool, Failure> {
        match self.0.get(key) {
            None | Some(serde_json::Value::Null) => Ok(false),
            Some(serde_json::Value::Bool(b)) => Ok(*b),
            Some(_) => Err(Filter::bad(key, "a boolean")),
        }
    }
}

fn figure_filter(json: Option<&str>) -> Result<crate::FigureFilter, Failure> {
    let f = Filter::parse(
        json,
        &[
            "report_id",
            "area",
            "headline_only",
            "measure",
            "due_before",
            "text",
        ],
    )?;
    Ok(crate::FigureFilter {
        report_id: f.i64("report_id")?,
        area: f.i64("area")?,
        headline_only: f.bool("headline_only")?,
        measure: f
            .string("measure")?
            .map(|m| crate::Measure::from_code(&m))
            .transpose()?,
        due_before: f.string("due_before")?,
        text: f.string("text")?,
    })
}

fn project_filter(json: Option<&str>) -> Result<crate::ProjectFilter, Failure> {
    let f = Filter::parse(
        json,
        &["report_id", "year", "status", "area", "due_before", "text"],
    )?;
    Ok(crate::ProjectFilter {
        report_id: f.i64("report_id")?,
        year: f.i32("year")?,
        status: f.string("status")?,
        area: f.i64("area")?,
        due_before: f.string("due_before")?,
        text: f.string("text")?,
    })
}

fn place_filter(json: Option<&str>) -> Result<crate::PlaceFilter, Failure> {
    let f = Filter::parse(
        json,
        &["report_id", "kind", "town", "name", "designation_level"],
    )?;
    Ok(crate::PlaceFilter {
        report_id: f.i64("report_id")?,
        kind: f
            .string("kind")?
            .map(|k| crate::PlaceKind::from_code(&k))
            .transpose()?,
        town: f.string("town")?,
        name: f.string("name")?,
        designation_level: f.string("designation_level")?,
    })
}

/// The common body of a list getter with a `filter_json` argument.
///
/// # Safety
/// `db` must be NULL or an open handle; `filter_json` NULL or a NUL-terminated string;
/// `out` NULL or valid for writing a pointer.
unsafe fn filtered_call(
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
/// "projects", "project_totals", "places", "glossary", "undefined_terms"}`.
///
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
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
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_project_totals_json(
    db: *const govreport_db,
    filter_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        filtered_call(db, filter_json, out, |db, filter| {
            let f = Filter::parse(filter, &["year"])?;
            json(&db.project_totals(f.i32("year")?)?)
        })
    }
}

/// The places that pass a filter as a JSON array (the shape of the export's `places`).
/// `filter_json` is NULL (all) or a JSON object with any of `"report_id"`, `"kind"` (a place
/// kind code), `"town"`, `"name"` (substring), `"designation_level"`.
///
/// On success `*out` is a new UTF-8 string to free with `govreport_string_free()`; on
/// failure `*out` is NULL. NULL `db` or `out` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer. `filter_json` NULL or a NUL-terminated string.
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

// ---------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------

fn sqlite_failure(conn: *mut sqlite::sqlite3, rc: c_int) -> Failure {
    // SAFETY: `conn` is an open connection whose mutex the caller holds; errmsg returns a
    // NUL-terminated string valid until the next call on the connection, copied at once.
    let (message, extended) = unsafe {
        (
            CStr::from_ptr(sqlite::sqlite3_errmsg(conn))
                .to_string_lossy()
                .into_owned(),
            sqlite::sqlite3_extended_errcode(conn),
        )
    };
    let extended = if extended & 0xff == rc & 0xff {
        extended
    } else {
        rc
    };
    Failure {
        code: code_for_sqlite(extended & 0xff),
        extended,
        message,
    }
}

/// Prepares and binds the cursor's statement. The caller holds the connection's mutex.
fn prepare_cursor(db: &Db, sql: &str, params: &Params) -> Result<CursorParts, Failure> {
    let parts = prepare_raw(db, sql)?;
    bind_raw(&parts, params)?;
    Ok(parts)
}

/// Prepares one validated read-only statement (no bindings). The caller holds the mutex.
fn prepare_raw(db: &Db, sql: &str) -> Result<CursorParts, Failure> {
    // The same checks as query_json (keyword, one statement, sqlite3_stmt_readonly).
    db.check_read_only_query(sql)?;
    let c_sql = CString::new(sql).map_err(|_| Failure::null("sql"))?;
    // SAFETY: the connection outlives this call and the mutex is held (our caller).
    let conn = unsafe { db.connection().handle() };
    let mut stmt: *mut sqlite::sqlite3_stmt = ptr::null_mut();
    // SAFETY: `conn` is open, `c_sql` NUL-terminated; SQLite writes a statement or NULL.
    let rc = unsafe {
        sqlite::sqlite3_prepare_v3(conn, c_sql.as_ptr(), -1, 0, &mut stmt, ptr::null_mut())
    };
    if rc != sqlite::SQLITE_OK {
        return Err(sqlite_failure(conn, rc));
    }
    let stmt = NonNull::new(stmt)
        .ok_or_else(|| Failure::new(GOVREPORT_INVALID_ARGUMENT, "the SQL holds no statement"))?;
    let parts = CursorParts { stmt };
    // SAFETY: `stmt` is a live statement of `conn`, used under the mutex.
    if unsafe { sqlite::sqlite3_stmt_readonly(stmt.as_ptr()) } == 0 {
        return Err(Failure::new(
            GOVREPORT_READONLY,
            "scripted SQL is read-only",
        ));
    }
    Ok(parts)
}

/// Binds every parameter of a prepared statement (replacing earlier bindings). The caller
/// holds the mutex.
fn bind_raw(parts: &CursorParts, params: &Params) -> Result<(), Failure> {
    let stmt = parts.stmt;
    // SAFETY: the statement is live and the mutex is held (our caller).
    let conn = unsafe { sqlite::sqlite3_db_handle(stmt.as_ptr()) };
    // SAFETY: as above.
    let count = unsafe { sqlite::sqlite3_bind_parameter_count(stmt.as_ptr()) };
    let plan = params.bind_plan(usize::try_from(count).unwrap_or(0), |name| {
        let c = CString::new(name).ok()?;
        // SAFETY: as above; `c` is NUL-terminated.
        let i = unsafe { sqlite::sqlite3_bind_parameter_index(stmt.as_ptr(), c.as_ptr()) };
        usize::try_from(i).ok().filter(|&i| i > 0)
    })?;
    for (index, value) in plan {
        let index = c_int::try_from(index).map_err(|_| Failure::null("parameter index"))?;
        let s = stmt.as_ptr();
        // SAFETY: `s` is live under the mutex; `index` is one of its parameters;
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
            return Err(sqlite_failure(conn, rc));
        }
    }
    Ok(())
}

/// Resets a statement when dropped (so it holds no read transaction and no row).
struct ResetOnDrop(NonNull<sqlite::sqlite3_stmt>);

impl Drop for ResetOnDrop {
    fn drop(&mut self) {
        // SAFETY: the statement is live and the caller holds the mutex while this lives.
        unsafe {
            sqlite::sqlite3_reset(self.0.as_ptr());
        }
    }
}

/// Binds and runs a validated statement, writing its rows as a JSON array of objects (the
/// shape of `Db::query_json`). The caller holds the mutex.
fn rows_json(db: &Db, parts: &CursorParts, params: &Params) -> Result<Vec<u8>, Failure> {
    use rusqlite::types::ValueRef;

    let s = parts.stmt.as_ptr();
    bind_raw(parts, params)?;
    // Declared in this order so that the statement is reset before the savepoint rolls back.
    let _rollback = crate::query::RolledBack::begin(db.connection())?;
    let _reset = ResetOnDrop(parts.stmt);
    // SAFETY: `s` is live under the mutex.
    let n = unsafe { sqlite::sqlite3_column_count(s) };
    let mut keys: Vec<u8> = Vec::with_capacity(32 * n as usize);
    let mut ends = Vec::with_capacity(n as usize);
    for i in 0..n {
        // SAFETY: `i` is a column of `s`; the name is copied before the next call.
        let name = unsafe {
            let p = sqlite::sqlite3_column_name(s, i);
            if p.is_null() {
                return Err(Failure::new(GOVREPORT_NOMEM, "out of memory"));
            }
            CStr::from_ptr(p)
        };
        serde_json::to_writer(&mut keys, &*name.to_string_lossy()).map_err(Error::Json)?;
        keys.push(b':');
        ends.push(keys.len());
    }
    let mut out = Vec::with_capacity(1024);
    out.push(b'[');
    let mut first = true;
    loop {
        // SAFETY: `s` is live under the mutex.
        match unsafe { sqlite::sqlite3_step(s) } {
            sqlite::SQLITE_ROW => {}
            sqlite::SQLITE_DONE => break,
            rc => {
                // SAFETY: as above.
                let conn = unsafe { sqlite::sqlite3_db_handle(s) };
                return Err(sqlite_failure(conn, rc));
            }
        }
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
            let i = i as c_int;
            // SAFETY: `s` has a current row and column `i`; the text and blob pointers are
            // valid for `sqlite3_column_bytes` bytes until the next step, and are copied
            // into `out` before it.
            let value = unsafe {
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
            };
            crate::query::write_json_value(&mut out, value);
        }
        out.push(b'}');
    }
    out.push(b']');
    Ok(out)
}

/// A prepared statement not yet owned by a cursor: finalized on drop (the caller holds the
/// connection's mutex while it lives).
struct CursorParts {
    stmt: NonNull<sqlite::sqlite3_stmt>,
}

// SAFETY: a prepared statement may be used from any thread as long as its uses are serialized
// with every other use of its connection; CursorParts are only touched with the connection's
// mutex held (they live inside that mutex, in StmtCache, or are finalized under it).
unsafe impl Send for CursorParts {}

impl CursorParts {
    fn into_stmt(self) -> NonNull<sqlite::sqlite3_stmt> {
        let stmt = self.stmt;
        std::mem::forget(self);
        stmt
    }
}

impl Drop for CursorParts {
    fn drop(&mut self) {
        // SAFETY: the statement is live, owned here only, and the mutex is held.
        unsafe {
            sqlite::sqlite3_finalize(self.stmt.as_ptr());
        }
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
/// # Safety
/// `db` must be NULL or an open handle; `sql` and `params_json` NULL or NUL-terminated
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
            let guard = h.shared.lock();
            let parts = prepare_cursor(&guard.db, sql, &params)?;
            let s = parts.stmt.as_ptr();
            // SAFETY: `s` is live under the mutex.
            let n = unsafe { sqlite::sqlite3_column_count(s) };
            let mut names = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
            for i in 0..n {
                // SAFETY: `i` is a valid column; the name is copied at once.
                let name = unsafe {
                    let p = sqlite::sqlite3_column_name(s, i);
                    if p.is_null() {
                        return Err(Failure::new(GOVREPORT_NOMEM, "out of memory"));
                    }
                    CStr::from_ptr(p).to_owned()
                };
                names.push(name);
            }
            let cursor = govreport_cursor {
                shared: Arc::clone(&h.shared),
                stmt: parts.into_stmt(),
                names,
                state: CursorState::BeforeFirst,
            };
            drop(guard);
            out.set(Box::into_raw(Box::new(cursor)));
            Ok(())
        }))
        .unwrap_or_else(|p| Err(Failure::panic(p)));
        finish(Some(&h.shared), result)
    })
}

/// The cursor behind a pointer, or an INVALID_ARGUMENT failure for NULL.
///
/// # Safety
/// `cur` must be NULL or a live cursor not used by another thread.
unsafe fn cursor_mut<'a>(cur: *mut govreport_cursor) -> Result<&'a mut govreport_cursor, Failure> {
    // SAFETY: by the caller's contract.
    unsafe { cur.as_mut() }.ok_or_else(|| Failure::null("cursor"))
}

/// Advances the cursor: `GOVREPORT_ROW` when a row is ready (read it with the column
/// getters), `GOVREPORT_DONE` when there are no more (and on every later call), or an
/// error code (`GOVREPORT_INTERRUPTED` after `govreport_interrupt()` …; the same code is
/// returned again by later calls). The message is in `govreport_last_error_message()` and
/// in `govreport_errmsg()` of the cursor's handle (if still open).
///
/// # Safety
/// `cur` must be NULL (→ `GOVREPORT_INVALID_ARGUMENT`) or a live cursor, not used by another
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
        let result = {
            let _guard = shared.lock();
            // SAFETY: the statement is live (finalized only in Drop) and the mutex is held.
            let rc = unsafe { sqlite::sqlite3_step(cur.stmt.as_ptr()) };
            match rc {
                sqlite::SQLITE_ROW => Ok(GOVREPORT_ROW),
                sqlite::SQLITE_DONE => Ok(GOVREPORT_DONE),
                rc => {
                    // SAFETY: as above.
                    let conn = unsafe { sqlite::sqlite3_db_handle(cur.stmt.as_ptr()) };
                    Err(sqlite_failure(conn, rc))
                }
            }
        };
        match result {
            Ok(code) => {
                cur.state = if code == GOVREPORT_ROW {
                    CursorState::Row
                } else {
                    CursorState::Done
                };
                shared.record(&Ok(()));
                code
            }
            Err(f) => {
                cur.state = CursorState::Failed(f.code);
                finish(Some(&shared), Err(f))
            }
        }
    })
}

/// The number of result columns of the cursor (known before the first step); 0 for NULL.
///
/// # Safety
/// `cur` must be NULL or a live cursor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_count(cur: *const govreport_cursor) -> i32 {
    boundary(0, || {
        // SAFETY: by this function's contract.
        match unsafe { cur.as_ref() } {
            Some(c) => i32::try_from(c.names.len()).unwrap_or(i32::MAX),
            None => 0,
        }
    })
}

/// Runs a column getter: checks the cursor, the column index and (when `need_row`) that a
/// row is current, then calls `f` with the statement under the connection's mutex.
///
/// # Safety
/// `cur` must be NULL or a live cursor.
unsafe fn column<T>(
    cur: *const govreport_cursor,
    col: i32,
    need_row: bool,
    out: *mut T,
    f: impl FnOnce(&govreport_cursor, c_int) -> T,
) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        let result = (|| {
            // SAFETY: by this function's contract.
            let c = unsafe { cur.as_ref() }.ok_or_else(|| Failure::null("cursor"))?;
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
            let _guard = c.shared.lock();
            out.set(f(c, index as c_int));
            Ok(())
        })();
        finish(None, result)
    })
}

/// The name of column `col` (0-based) into `*out`: borrowed, valid until the cursor is
/// freed. Bad `col` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `cur` must be NULL or a live cursor; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_name(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut *const c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { column(cur, col, false, out, |c, i| c.names[i as usize].as_ptr()) }
}

/// The type of column `col` of the current row into `*out`: one of `GOVREPORT_TYPE_…`.
/// No current row or bad `col` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// # Safety
/// `cur` must be NULL or a live cursor; `out` NULL or valid for writing an `int32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_type(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut i32,
) -> i32 {
    // SAFETY: forwarded; the statement is live with a current row, the mutex is held.
    unsafe {
        column(cur, col, true, out, |c, i| {
            sqlite::sqlite3_column_type(c.stmt.as_ptr(), i)
        })
    }
}

/// The value of column `col` of the current row as UTF-8 text into `*out` (numbers are
/// converted to text; NULL gives a NULL pointer). Borrowed: valid until the next
/// `govreport_cursor_step()` or `govreport_cursor_free()`.
///
/// # Safety
/// `cur` must be NULL or a live cursor; `out` NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_text(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut *const c_char,
) -> i32 {
    // SAFETY: forwarded; the statement is live with a current row, the mutex is held; the
    // returned text stays valid until the next step (SQLite's rule).
    unsafe {
        column(cur, col, true, out, |c, i| {
            sqlite::sqlite3_column_text(c.stmt.as_ptr(), i).cast::<c_char>()
        })
    }
}

/// The value of column `col` of the current row as a 64-bit integer into `*out` (SQLite's
/// conversions: REAL truncated, text parsed, NULL → 0).
///
/// # Safety
/// `cur` must be NULL or a live cursor; `out` NULL or valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_int64(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut i64,
) -> i32 {
    // SAFETY: forwarded; the statement is live with a current row, the mutex is held.
    unsafe {
        column(cur, col, true, out, |c, i| {
            sqlite::sqlite3_column_int64(c.stmt.as_ptr(), i)
        })
    }
}

/// The value of column `col` of the current row as a double into `*out` (SQLite's
/// conversions: NULL → 0.0).
///
/// # Safety
/// `cur` must be NULL or a live cursor; `out` NULL or valid for writing a `double`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_column_double(
    cur: *const govreport_cursor,
    col: i32,
    out: *mut f64,
) -> i32 {
    // SAFETY: forwarded; the statement is live with a current row, the mutex is held.
    unsafe {
        column(cur, col, true, out, |c, i| {
            sqlite::sqlite3_column_double(c.stmt.as_ptr(), i)
        })
    }
}

/// Frees a cursor (and closes its database if its handle was already closed and this was
/// its last cursor). NULL is a no-op.
///
/// # Safety
/// `cur` must be NULL or a live cursor, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_cursor_free(cur: *mut govreport_cursor) {
    boundary((), || {
        if !cur.is_null() {
            // SAFETY: `cur` came from Box::into_raw in govreport_query_cursor, freed once.
            drop(unsafe { Box::from_raw(cur) });
        }
    })
}

// ---------------------------------------------------------------------------------------
// Search, tracking and registers (one submodule each; the names are exported from here)
// ---------------------------------------------------------------------------------------

// `#[path]` and `ffi_` names: cbindgen (tests/header.rs) reads this file as a crate root, so
// a plain `mod search;` would resolve to the crate's src/search.rs for it.
// Declared in header order: search, tracking, registers.
#[path = "ffi/search.rs"]
mod ffi_search;

#[path = "ffi/tracking.rs"]
mod ffi_tracking;

#[path = "ffi/registers.rs"]
mod ffi_registers;

/// JSON records coming in from C, read key by key.
#[path = "ffi/input.rs"]
mod ffi_input;

pub use ffi_registers::{
    govreport_register_check_json, govreport_register_export_projects,
    govreport_register_import_projects, govreport_register_import_villages,
    govreport_register_village_rollup_json,
};
pub use ffi_search::govreport_search_json;
pub use ffi_tracking::{
    govreport_evaluate_projects_json, govreport_evaluate_targets_json, govreport_progress_append,
    govreport_progress_append_batch, govreport_progress_history_json, govreport_target_decompose,
    govreport_task_add, govreport_task_json, govreport_unit_add,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_constants_match_the_package() {
        let v = env!("CARGO_PKG_VERSION");
        assert_eq!(
            format!(
                "{GOVREPORT_VERSION_MAJOR}.{GOVREPORT_VERSION_MINOR}.{GOVREPORT_VERSION_PATCH}"
            ),
            v
        );
        assert_eq!(
            GOVREPORT_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(VERSION_C.to_str().unwrap(), v);
        assert_eq!(GOVREPORT_VERSION_NUMBER, 1000); // 0.1.0
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let code = boundary(GOVREPORT_INTERNAL, || -> i32 { panic!("boom") });
        assert_eq!(code, GOVREPORT_INTERNAL);
        // SAFETY: the returned pointer is this thread's message, read before the next call.
        let msg = unsafe { CStr::from_ptr(govreport_last_error_message()) };
        assert!(msg.to_str().unwrap().contains("boom"), "{msg:?}");

        let mut db = ptr::null_mut();
        // SAFETY: `db` is a valid out pointer.
        assert_eq!(unsafe { govreport_open_default(&mut db) }, GOVREPORT_OK);
        // SAFETY: `db` is open.
        let code = unsafe { with_db(db, |_| -> Result<(), Failure> { panic!("inner boom") }) };
        assert_eq!(code, GOVREPORT_INTERNAL);
        // SAFETY: `db` is open; closed once.
        unsafe {
            let m = CStr::from_ptr(govreport_errmsg(db))
                .to_str()
                .unwrap()
                .to_owned();
            assert!(m.contains("inner boom"), "{m}");
            // The handle still works after the caught panic.
            let mut v = 0;
            assert_eq!(govreport_schema_version(db, &mut v), GOVREPORT_OK);
            assert_eq!(v, crate::SCHEMA_VERSION);
            govreport_close(db);
        }
    }

    #[test]
    fn every_code_has_a_text() {
        for code in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, 101] {
            // SAFETY: errstr returns a static NUL-terminated string.
            let s = unsafe { CStr::from_ptr(govreport_errstr(code)) };
            assert_ne!(s.to_str().unwrap(), "unknown result code", "{code}");
        }
    }

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
