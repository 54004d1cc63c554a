//! Search: `query` NUL `options_json` through `govreport_search_json()`.
#![no_main]

use govreport_fuzz::*;
use libfuzzer_sys::fuzz_target;

thread_local! {
    // Search only reads: one handle for the process.
    static DB: Handle = Handle::open_default();
}

fuzz_target!(|data: &[u8]| {
    let p = Parts::new(data);
    DB.with(|db| {
        db.string_call("search_json", |o| {
            // SAFETY: open handle, NUL-terminated strings or NULL, valid out pointer.
            unsafe { govreport_search_json(db.0, p.ptr(0), p.ptr(1), o) }
        });
    });
});
