//! Scripted SQL: `sql` NUL `params_json`, run through `govreport_query_json()` and through a
//! cursor (at most 10,000 rows stepped, every column read).
#![no_main]

use govreport_fuzz::*;
use libfuzzer_sys::fuzz_target;

thread_local! {
    // One handle for the process: scripted SQL is read-only, so runs cannot change it.
    static DB: Handle = Handle::open_default();
}

fuzz_target!(|data: &[u8]| {
    let parts = Parts::new(data);
    DB.with(|db| {
        db.string_call("query_json", |out| {
            // SAFETY: open handle, NUL-terminated strings or NULL, valid out pointer.
            unsafe { govreport_query_json(db.0, parts.ptr(0), parts.ptr(1), out) }
        });
        let mut cur = std::ptr::null_mut();
        // SAFETY: as above.
        let rc = unsafe { govreport_query_cursor(db.0, parts.ptr(0), parts.ptr(1), &mut cur) };
        db.check("query_cursor", rc);
        if cur.is_null() {
            return;
        }
        for _ in 0..10_000 {
            // SAFETY: a live cursor of this handle.
            let rc = unsafe { govreport_cursor_step(cur) };
            if db.check("cursor_step", rc) != ROW {
                break;
            }
            // SAFETY: as above; column texts are read and not kept.
            let n = unsafe { govreport_cursor_column_count(cur) };
            for i in 0..n {
                let mut text = std::ptr::null();
                // SAFETY: as above, `i` within the column count, `text` a valid out pointer;
                // the text lives until the next step and is not kept.
                let rc = unsafe { govreport_cursor_column_text(cur, i, &mut text) };
                db.check("cursor_column_text", rc);
            }
        }
        // SAFETY: freed once.
        unsafe { govreport_cursor_free(cur) };
    });
});
