//! Result codes and error messages.
//!
//! Every fallible function returns an `int32_t` result code, one of `enum govreport_result`;
//! `GOVREPORT_OK` (0) is success. The values never change and are never reused: detect errors
//! from codes, never from message text. Messages are owned by the library: the handle's
//! (`govreport_errmsg()`) lives until the next call on that handle, the thread's
//! (`govreport_last_error_message()`) until the next failing call on that thread; copy them to
//! keep them.

use std::ffi::{CStr, c_char};
use std::sync::PoisonError;

use crate::boundary::{THREAD_ERROR, boundary, handle};
use crate::handle::govreport_db;

/// The result codes. Every fallible function returns one of these as an `int32_t`. The values
/// are part of the ABI: never renumbered, never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum govreport_result {
    /// Success.
    GOVREPORT_OK = 0,
    /// A failure with no more specific code (an SQL syntax error, a missing table …).
    GOVREPORT_ERROR = 1,
    /// An argument was NULL, not valid UTF-8, malformed JSON, out of range, or otherwise unusable.
    GOVREPORT_INVALID_ARGUMENT = 2,
    /// The requested record (report, section, paragraph, figure …) does not exist.
    GOVREPORT_NOT_FOUND = 3,
    /// A constraint of the database was violated.
    GOVREPORT_CONSTRAINT = 4,
    /// The database file is locked by another connection (SQLite `BUSY`/`LOCKED`).
    GOVREPORT_BUSY = 5,
    /// Reading or writing a file failed, or the file could not be opened.
    GOVREPORT_IO = 6,
    /// The file is corrupt or not a SQLite database.
    GOVREPORT_CORRUPT = 7,
    /// A write was attempted on a read-only database, or scripted SQL that would write was
    /// refused.
    GOVREPORT_READONLY = 8,
    /// A bug in govreport (a caught panic). The message says where; please report it.
    GOVREPORT_INTERNAL = 9,
    /// The operation was stopped by `govreport_interrupt()`.
    GOVREPORT_INTERRUPTED = 10,
    /// The database's schema version is newer than this library, or older and the file was
    /// opened read-only, or the file is not a govreport database.
    GOVREPORT_SCHEMA = 11,
    /// Out of memory.
    GOVREPORT_NOMEM = 12,
    /// Scripted SQL exceeded a size limit (`govreport_set_limits()`: the JSON result, or one
    /// string or blob value). Nothing above the limit was allocated; select less (LIMIT, fewer
    /// columns, a cursor) or raise the limit.
    GOVREPORT_TOOBIG = 13,
    /// `govreport_cursor_step()`: a row is ready.
    GOVREPORT_ROW = 100,
    /// `govreport_cursor_step()`: there are no more rows.
    GOVREPORT_DONE = 101,
}

// The codes as the `int32_t` the functions return (crate-internal: the header has the enum).
pub(crate) const GOVREPORT_OK: i32 = govreport_result::GOVREPORT_OK as i32;
pub(crate) const GOVREPORT_ERROR: i32 = govreport_result::GOVREPORT_ERROR as i32;
pub(crate) const GOVREPORT_INVALID_ARGUMENT: i32 =
    govreport_result::GOVREPORT_INVALID_ARGUMENT as i32;
pub(crate) const GOVREPORT_NOT_FOUND: i32 = govreport_result::GOVREPORT_NOT_FOUND as i32;
pub(crate) const GOVREPORT_CONSTRAINT: i32 = govreport_result::GOVREPORT_CONSTRAINT as i32;
pub(crate) const GOVREPORT_BUSY: i32 = govreport_result::GOVREPORT_BUSY as i32;
pub(crate) const GOVREPORT_IO: i32 = govreport_result::GOVREPORT_IO as i32;
pub(crate) const GOVREPORT_CORRUPT: i32 = govreport_result::GOVREPORT_CORRUPT as i32;
pub(crate) const GOVREPORT_READONLY: i32 = govreport_result::GOVREPORT_READONLY as i32;
pub(crate) const GOVREPORT_INTERNAL: i32 = govreport_result::GOVREPORT_INTERNAL as i32;
pub(crate) const GOVREPORT_INTERRUPTED: i32 = govreport_result::GOVREPORT_INTERRUPTED as i32;
pub(crate) const GOVREPORT_SCHEMA: i32 = govreport_result::GOVREPORT_SCHEMA as i32;
pub(crate) const GOVREPORT_NOMEM: i32 = govreport_result::GOVREPORT_NOMEM as i32;
pub(crate) const GOVREPORT_TOOBIG: i32 = govreport_result::GOVREPORT_TOOBIG as i32;
pub(crate) const GOVREPORT_ROW: i32 = govreport_result::GOVREPORT_ROW as i32;
pub(crate) const GOVREPORT_DONE: i32 = govreport_result::GOVREPORT_DONE as i32;

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
            GOVREPORT_TOOBIG => c"result or value too big",
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

/// The result code of the most recent call on this handle (`GOVREPORT_OK` after a
/// success). NULL gives `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle.
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
/// Requires: `db` must be NULL or an open handle.
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
/// Requires: `db` must be NULL or an open handle.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_text() {
        for code in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 100, 101] {
            // SAFETY: errstr returns a static NUL-terminated string.
            let s = unsafe { CStr::from_ptr(govreport_errstr(code)) };
            assert_ne!(s.to_str().unwrap(), "unknown result code", "{code}");
        }
    }
}
