//! What the fuzz targets share: the C ABI functions they call (linked from libgovreport.so),
//! the split of an input into C strings, and the one check every call gets.
//!
//! A target fails (libFuzzer reports a crash and keeps the input) on a crash or sanitizer
//! report, a leak, a timeout, and on any call answered with `GOVREPORT_INTERNAL` (a panic
//! caught at the C boundary, or a bug the library reports as internal).

use std::ffi::{CStr, CString, c_char};
use std::ptr;

/// `govreport_db` and `govreport_cursor` are opaque to the caller.
#[repr(C)]
pub struct Db {
    _private: [u8; 0],
}

/// An open cursor (opaque).
#[repr(C)]
pub struct Cursor {
    _private: [u8; 0],
}

/// `GOVREPORT_OK`.
pub const OK: i32 = 0;
/// `GOVREPORT_INTERNAL`: never an acceptable answer to any input.
pub const INTERNAL: i32 = 9;
/// `GOVREPORT_ROW`.
pub const ROW: i32 = 100;

// SAFETY: the declarations match include/govreport.h (the ABI test checks the header
// against the library); every function accepts NULL and any NUL-terminated bytes.
unsafe extern "C" {
    pub fn govreport_open_default(out: *mut *mut Db) -> i32;
    pub fn govreport_close(db: *mut Db);
    pub fn govreport_errmsg(db: *const Db) -> *const c_char;
    pub fn govreport_string_free(s: *mut c_char);
    pub fn govreport_query_json(
        db: *const Db,
        sql: *const c_char,
        params: *const c_char,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn govreport_query_cursor(
        db: *const Db,
        sql: *const c_char,
        params: *const c_char,
        out: *mut *mut Cursor,
    ) -> i32;
    pub fn govreport_cursor_step(cur: *mut Cursor) -> i32;
    pub fn govreport_cursor_column_count(cur: *const Cursor) -> i32;
    pub fn govreport_cursor_column_text(cur: *const Cursor, i: i32, out: *mut *const c_char)
    -> i32;
    pub fn govreport_cursor_free(cur: *mut Cursor);
    pub fn govreport_search_json(
        db: *const Db,
        query: *const c_char,
        options: *const c_char,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn govreport_targets_json(db: *const Db, f: *const c_char, out: *mut *mut c_char) -> i32;
    pub fn govreport_results_json(db: *const Db, f: *const c_char, out: *mut *mut c_char) -> i32;
    pub fn govreport_projects_json(db: *const Db, f: *const c_char, out: *mut *mut c_char) -> i32;
    pub fn govreport_places_json(db: *const Db, f: *const c_char, out: *mut *mut c_char) -> i32;
    pub fn govreport_evaluate_targets_json(
        db: *const Db,
        period: *const c_char,
        config: *const c_char,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn govreport_evaluate_projects_json(
        db: *const Db,
        period: *const c_char,
        config: *const c_char,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn govreport_org_unit_add(db: *const Db, json: *const c_char, out_id: *mut i64) -> i32;
    pub fn govreport_task_add(db: *const Db, json: *const c_char, out_id: *mut i64) -> i32;
    pub fn govreport_progress_append(db: *const Db, json: *const c_char, out_id: *mut i64) -> i32;
    pub fn govreport_progress_append_batch(
        db: *const Db,
        json: *const c_char,
        out_count: *mut i64,
    ) -> i32;
    pub fn govreport_target_decompose(
        db: *const Db,
        target_id: i64,
        json: *const c_char,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn govreport_register_import_projects(
        db: *const Db,
        path: *const c_char,
        options: *const c_char,
        summary: *mut *mut c_char,
    ) -> i32;
    pub fn govreport_register_import_villages(
        db: *const Db,
        path: *const c_char,
        options: *const c_char,
        summary: *mut *mut c_char,
    ) -> i32;
}

/// An open in-memory copy of the built-in database, closed when dropped.
pub struct Handle(pub *mut Db);

impl Handle {
    /// `govreport_open_default()`; it must succeed.
    pub fn open_default() -> Handle {
        let mut db = ptr::null_mut();
        // SAFETY: `db` is a valid out pointer.
        let rc = unsafe { govreport_open_default(&mut db) };
        assert_eq!(rc, OK, "govreport_open_default failed");
        Handle(db)
    }

    /// Fails the run on `GOVREPORT_INTERNAL`, with the handle's message.
    pub fn check(&self, what: &str, rc: i32) -> i32 {
        if rc == INTERNAL {
            // SAFETY: the handle is open; the message lives until the next call on it.
            let msg = unsafe { CStr::from_ptr(govreport_errmsg(self.0)) };
            panic!("{what}: GOVREPORT_INTERNAL: {}", msg.to_string_lossy());
        }
        rc
    }

    /// Calls `f` with an out string, checks the code, reads and frees the string (OK always
    /// comes with one).
    pub fn string_call(
        &self,
        what: &str,
        f: impl FnOnce(*mut *mut c_char) -> i32,
    ) -> Option<String> {
        let mut out: *mut c_char = ptr::null_mut();
        let rc = self.check(what, f(&mut out));
        if out.is_null() {
            assert_ne!(rc, OK, "{what}: OK without a result");
            return None;
        }
        // A failed import still returns its summary (the bad rows): freed all the same.
        // SAFETY: a string the library returned, freed once here.
        let s = unsafe { CStr::from_ptr(out) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: as above.
        unsafe { govreport_string_free(out) };
        Some(s)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: opened by `open_default`, closed once.
        unsafe { govreport_close(self.0) }
    }
}

/// The input cut at NUL bytes into C strings: part `i`, or `None` (passed as NULL) when the
/// input has fewer parts. The C ABI takes NUL-terminated bytes, so no part holds a NUL.
pub struct Parts(Vec<CString>);

impl Parts {
    /// Splits `data` at every NUL byte.
    pub fn new(data: &[u8]) -> Parts {
        Parts(
            data.split(|&b| b == 0)
                .map(|p| CString::new(p).expect("no NUL inside a part"))
                .collect(),
        )
    }

    /// Part `i` as a C pointer, or NULL.
    pub fn ptr(&self, i: usize) -> *const c_char {
        self.0.get(i).map_or(ptr::null(), |c| c.as_ptr())
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (never: an empty input is one empty part).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A file of this process's own in the temp dir, for the import entry points (which take a
/// path): rewritten with each input.
pub fn input_file(ext: &str, data: &[u8]) -> CString {
    let path = std::env::temp_dir().join(format!("govreport-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, data).expect("the temp dir is writable");
    CString::new(path.into_os_string().into_encoded_bytes()).expect("no NUL in a temp path")
}
