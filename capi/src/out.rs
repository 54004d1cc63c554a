//! Writing results to C out-pointers: checked out-pointers, `*out = NULL` before anything can
//! fail, owned strings handed to C, JSON results.

use std::ffi::{CString, c_char};
use std::ptr::{self, NonNull};

use govreport::db::Db;
use govreport::error::Error;

use crate::boundary::{Failure, with_db};
use crate::errors::*;
use crate::handle::govreport_db;

/// A checked, non-NULL out pointer.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Requires:     /// `p` must be NULL or valid for a write of `T`.
    pub(crate) unsafe fn new(p: *mut T, name: &str) -> Result<Out<T>, Failure> {
        NonNull::new(p).map(Out).ok_or_else(|| Failure::null(name))
    }

    pub(crate) fn set(&self, value: T) {
        // SAFETY: `new` was given a pointer valid for writes of T (its contract) and
        // checked it is not NULL.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Sets `*out = NULL` before anything else is checked, so that `*out` is NULL after every
/// failure — a NULL handle included — and a caller may free it unconditionally.
///
/// Requires: `out` must be NULL or valid for a write of a pointer.
pub(crate) unsafe fn clear_out<T>(out: *mut *mut T) {
    if !out.is_null() {
        // SAFETY: non-NULL, and valid for a write by the caller's contract.
        unsafe { out.write(ptr::null_mut()) }
    }
}

/// Checks a `char **out` argument and sets `*out = NULL` so that it is NULL on failure.
///
/// Requires: `out` must be NULL or valid for a write of a pointer.
pub(crate) unsafe fn string_out(out: *mut *mut c_char) -> Result<Out<*mut c_char>, Failure> {
    // SAFETY: forwarded from this function's contract.
    let out = unsafe { Out::new(out, "out") }?;
    out.set(ptr::null_mut());
    Ok(out)
}

/// Hands an owned string to C (freed by `govreport_string_free`).
pub(crate) fn put_string(out: &Out<*mut c_char>, bytes: Vec<u8>) -> Result<(), Failure> {
    let c = CString::new(bytes).map_err(|_| {
        Failure::new(
            GOVREPORT_ERROR,
            "the result holds a NUL character and cannot be returned as a C string",
        )
    })?;
    out.set(c.into_raw());
    Ok(())
}

/// The common body of a getter that writes one owned string to `*out`.
///
/// Requires: `db` must be NULL or an open handle; `out` NULL or valid for writing a pointer.
pub(crate) unsafe fn string_call(
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

pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
    Ok(serde_json::to_vec(value).map_err(Error::Json)?)
}
