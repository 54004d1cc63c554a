//! The panic boundary and the result codes on their way out: [`Failure`] (code, SQLite
//! extended code, message), the mapping from library errors to result codes, the per-thread
//! and per-handle last error, and the bodies every exported function runs in
//! ([`with_db`], [`with_db_mut`]).

use std::cell::RefCell;
use std::ffi::CString;
use std::panic::{AssertUnwindSafe, catch_unwind};

use govreport::db::Db;
use govreport::error::Error;
use rusqlite::ffi as sqlite;

use crate::errors::*;
use crate::handle::{Handle, Shared, govreport_db};

/// A failure on its way to C: result code, SQLite extended code, message.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: i32,
    pub(crate) extended: i32,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            extended: 0,
            message: message.into(),
        }
    }

    pub(crate) fn null(name: &str) -> Failure {
        Failure::new(
            GOVREPORT_INVALID_ARGUMENT,
            format!("invalid argument: {name} is NULL"),
        )
    }

    pub(crate) fn panic(payload: Box<dyn std::any::Any + Send>) -> Failure {
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

/// Maps a library error to its result code and SQLite extended code (the library's one
/// mapping, [`Error::result_code`]).
pub(crate) fn code_for(e: &Error) -> (i32, i32) {
    e.result_code()
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

pub(crate) struct LastError {
    pub(crate) code: i32,
    pub(crate) extended: i32,
    pub(crate) message: CString,
}

impl LastError {
    pub(crate) fn ok() -> LastError {
        LastError {
            code: GOVREPORT_OK,
            extended: 0,
            message: c"not an error".to_owned(),
        }
    }
}

thread_local! {
    pub(crate) static THREAD_ERROR: RefCell<CString> = RefCell::new(c"no error".to_owned());
}

/// A C string of `s`; a NUL byte inside (never expected) is written as `\0`.
pub(crate) fn to_cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

pub(crate) fn set_thread_error(message: &str) {
    let c = to_cstring(message);
    // try_with: during thread teardown the slot may be gone; then there is nowhere to write.
    let _ = THREAD_ERROR.try_with(|slot| *slot.borrow_mut() = c);
}

/// Runs `f` with panics caught; a panic yields `on_panic` and the per-thread message.
pub(crate) fn boundary<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            set_thread_error(&Failure::panic(payload).message);
            on_panic
        }
    }
}

/// Turns a result into a result code, recording a failure per thread and on the handle.
pub(crate) fn finish(shared: Option<&Shared>, result: Result<(), Failure>) -> i32 {
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

/// A write on a handle whose cursor holds an older snapshot of the file (another
/// connection committed since the cursor started) fails with `SQLITE_BUSY_SNAPSHOT`, and
/// retrying cannot help while the cursor lives: say so.
fn explain_stale_snapshot(db: &Db, result: Result<(), Failure>) -> Result<(), Failure> {
    match result {
        Err(mut f) if f.extended == sqlite::SQLITE_BUSY_SNAPSHOT && db.has_active_cursor() => {
            f.message = format!(
                "free the cursor before writing on the same handle: an open cursor of this \
                 handle reads the file as it was when the cursor started, and another \
                 connection has written since ({})",
                f.message
            );
            Err(f)
        }
        other => other,
    }
}

/// The shared state behind a handle pointer, or an INVALID_ARGUMENT failure for NULL.
///
/// Requires: `db` must be NULL or a pointer returned by an open function and not yet closed.
pub(crate) unsafe fn handle<'a>(db: *const govreport_db) -> Result<&'a Handle, Failure> {
    // SAFETY: by the caller's contract a non-NULL `db` came from `new_handle`, which made it
    // from a live `Box<Handle>` that `govreport_close` has not freed yet.
    unsafe { db.cast::<Handle>().as_ref() }.ok_or_else(|| Failure::null("db"))
}

/// The common body of a function that reads through a handle: NULL check, lock, panic
/// boundary, error recording. `f` gets the locked database, shared (`&Db`).
///
/// Requires: `db` is NULL or a live handle.
pub(crate) unsafe fn with_db(
    db: *const govreport_db,
    f: impl FnOnce(&Db) -> Result<(), Failure>,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { with_db_mut(db, |db| f(db)) }
}

/// [`with_db`] for functions that write: `f` gets the locked database exclusively
/// (`&mut Db`, which the library's transactions need).
///
/// Requires: `db` is NULL or a live handle.
pub(crate) unsafe fn with_db_mut(
    db: *const govreport_db,
    f: impl FnOnce(&mut Db) -> Result<(), Failure>,
) -> i32 {
    boundary(GOVREPORT_INTERNAL, || {
        // SAFETY: forwarded from this function's contract.
        let h = match unsafe { handle(db) } {
            Ok(h) => h,
            Err(e) => return finish(None, Err(e)),
        };
        let result = {
            let mut guard = h.shared.lock();
            let result = catch_unwind(AssertUnwindSafe(|| f(&mut guard)))
                .unwrap_or_else(|p| Err(Failure::panic(p)));
            explain_stale_snapshot(&guard, result)
        };
        finish(Some(&h.shared), result)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{govreport_errmsg, govreport_last_error_message};
    use crate::handle::{govreport_close, govreport_open_default, govreport_schema_version};
    use std::ffi::CStr;

    #[test]
    fn the_library_codes_are_the_header_codes() {
        use govreport::error::code;
        for (library, header) in [
            (code::ERROR, GOVREPORT_ERROR),
            (code::INVALID_ARGUMENT, GOVREPORT_INVALID_ARGUMENT),
            (code::NOT_FOUND, GOVREPORT_NOT_FOUND),
            (code::CONSTRAINT, GOVREPORT_CONSTRAINT),
            (code::BUSY, GOVREPORT_BUSY),
            (code::IO, GOVREPORT_IO),
            (code::CORRUPT, GOVREPORT_CORRUPT),
            (code::READONLY, GOVREPORT_READONLY),
            (code::INTERRUPTED, GOVREPORT_INTERRUPTED),
            (code::SCHEMA, GOVREPORT_SCHEMA),
            (code::NOMEM, GOVREPORT_NOMEM),
            (code::TOOBIG, GOVREPORT_TOOBIG),
        ] {
            assert_eq!(library, header);
        }
    }
    use std::ptr;

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
            assert_eq!(v, govreport::SCHEMA_VERSION);
            govreport_close(db);
        }
    }
}
