//! Opening and closing a database, and the versions of header and library.
//!
//! Every other function works on a `govreport_db *`, made by `govreport_open_default()` or
//! `govreport_open()` and destroyed by `govreport_close()` (closing NULL does nothing). A handle
//! may be used from several threads at once: calls are serialized inside it.
//!
//! Strings the library returns through a `char **out` are owned by the caller and freed with
//! `govreport_string_free()` (never `free()`); version strings are static and never freed.

use std::ffi::{CStr, CString, c_char};
use std::ptr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use govreport::db::{Db, OpenMode};
use rusqlite::ffi as sqlite;

use crate::args::str_arg;
use crate::boundary::{Failure, LastError, boundary, finish, handle, to_cstring, with_db};
use crate::errors::*;
use crate::out::Out;

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
/// `govreport_open()`: open an existing file read-only (it must be at the current schema).
pub const GOVREPORT_OPEN_READONLY: u32 = 0x1;
/// `govreport_open()`: open an existing file read-write (an older schema is migrated).
pub const GOVREPORT_OPEN_READWRITE: u32 = 0x2;
/// `govreport_open()`: open read-write, creating a missing file with the built-in data.
/// May be combined with `GOVREPORT_OPEN_READWRITE`.
pub const GOVREPORT_OPEN_CREATE: u32 = 0x4;
/// The state a handle shares with its cursors: the connection (serialized by a mutex), the
/// interrupt handle (usable without the mutex) and the handle's last error.
pub(crate) struct Shared {
    pub(crate) db: Mutex<Db>,
    pub(crate) interrupt: govreport::query::InterruptHandle,
    pub(crate) last: Mutex<LastError>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Db> {
        // A panic while the lock was held is caught and reported at the boundary; SQLite's
        // own state stays consistent (statements are transactional), so go on.
        self.db.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, result: &Result<(), Failure>) {
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
    // Opaque to C and to the ABI checker: a zero-sized marker that pointers are cast from
    // (`Handle` is what they point at), so the library's internals never appear in the ABI.
    _opaque: [u8; 0],
}

/// What a `govreport_db *` points at.
pub(crate) struct Handle {
    pub(crate) shared: Arc<Shared>,
}

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
pub(crate) fn new_handle(db: Db) -> *mut govreport_db {
    let interrupt = db.interrupt_handle();
    let shared = Arc::new(Shared {
        db: Mutex::new(db),
        interrupt,
        last: Mutex::new(LastError::ok()),
    });
    Box::into_raw(Box::new(Handle { shared })).cast::<govreport_db>()
}

/// Opens the built-in Yanshi 2024 database, in memory. Changes made through the handle are
/// private to it and lost on close.
///
/// On success `*out` is a new handle to close with `govreport_close()`; on failure `*out`
/// is NULL and `govreport_last_error_message()` says why.
///
/// Requires: `out` must be NULL (→ `GOVREPORT_INVALID_ARGUMENT`) or valid for writing a pointer.
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
/// Requires: `path` must be NULL or a NUL-terminated string; `out` must be NULL or valid for
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
/// Requires: `db` must be NULL or a handle from an open function, not already closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_close(db: *mut govreport_db) {
    boundary((), || {
        if !db.is_null() {
            // SAFETY: `db` came from Box::into_raw in new_handle and is closed only once
            // (the caller's contract).
            drop(unsafe { Box::from_raw(db.cast::<Handle>()) });
        }
    })
}

/// Stops the query running on this handle (in any thread) as soon as possible: it fails
/// with `GOVREPORT_INTERRUPTED`. An open cursor counts as running: its next step fails with
/// `GOVREPORT_INTERRUPTED` (and so does every later step; free it). Calls that start after
/// the interrupt are not affected, open cursors or not; with nothing running it does nothing. Safe to call from any thread, does
/// not wait for the handle's lock. NULL is a no-op.
///
/// Requires: `db` must be NULL or an open handle (not closed, also not concurrently with closing).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_interrupt(db: *const govreport_db) {
    boundary((), || {
        // SAFETY: forwarded from this function's contract.
        if let Ok(h) = unsafe { handle(db) } {
            h.shared.interrupt.interrupt();
        }
    })
}

/// Sets how long calls on this handle wait for another connection's lock before failing with
/// `GOVREPORT_BUSY` (default 5000 ms; 0 fails at once). `GOVREPORT_BUSY` means nothing was
/// changed: retry the whole call after a pause (e.g. 50 ms, doubling up to 1 s, a few
/// times). Negative `ms` → `GOVREPORT_INVALID_ARGUMENT`.
///
/// Requires: `db` must be NULL or an open handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_set_busy_timeout(db: *const govreport_db, ms: i32) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with_db(db, |db| {
            let ms = u64::try_from(ms).map_err(|_| {
                Failure::new(
                    GOVREPORT_INVALID_ARGUMENT,
                    format!("invalid argument: busy timeout {ms} ms is negative; give 0 or more"),
                )
            })?;
            Ok(db.set_busy_timeout(std::time::Duration::from_millis(ms))?)
        })
    }
}

/// Frees a string returned by govreport through a `char **out`. NULL is a no-op. Never
/// free such a string with `free()`, and never pass other strings here.
///
/// Requires: `s` must be NULL or a string from a govreport `char **out`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govreport_string_free(s: *mut c_char) {
    boundary((), || {
        if !s.is_null() {
            // SAFETY: `s` came from CString::into_raw in put_string and is freed once.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

/// The database's schema version (`PRAGMA user_version`) into `*out`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing an `int64_t`.
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
}
