//! XLSX register import: the first byte chooses the project or the village register and
//! whether bad rows are skipped; the rest is the file (written to a temp file: the entry
//! points take a path). A fresh in-memory database per input, since imports write.
#![no_main]

use govreport_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else {
        return;
    };
    let path = input_file("xlsx", file);
    let options: &[u8] = if which & 2 != 0 {
        b"{\"skip_bad_rows\": true}\0"
    } else {
        b"\0"
    };
    let options = if options.len() > 1 {
        options.as_ptr().cast()
    } else {
        std::ptr::null()
    };
    let db = Handle::open_default();
    if which & 1 == 0 {
        db.string_call("register_import_projects", |o| {
            // SAFETY: open handle, NUL-terminated path and options (or NULL), valid out pointer.
            unsafe { govreport_register_import_projects(db.0, path.as_ptr(), options, o) }
        });
    } else {
        db.string_call("register_import_villages", |o| {
            // SAFETY: as above.
            unsafe { govreport_register_import_villages(db.0, path.as_ptr(), options, o) }
        });
    }
});
