//! Tracking records as JSON: the first byte chooses org unit, task, progress record, progress
//! batch or target decomposition (`target_id` NUL `sub_items_json`); a fresh in-memory
//! database per input, since these write.
#![no_main]

use govreport_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let p = Parts::new(rest);
    let db = Handle::open_default();
    let mut id = 0i64;
    // SAFETY (every call): open handle, NUL-terminated strings or NULL, valid out pointers.
    match which % 5 {
        0 => {
            db.check("org_unit_add", unsafe {
                govreport_org_unit_add(db.0, p.ptr(0), &mut id)
            });
        }
        1 => {
            db.check("task_add", unsafe {
                govreport_task_add(db.0, p.ptr(0), &mut id)
            });
        }
        2 => {
            db.check("progress_append", unsafe {
                govreport_progress_append(db.0, p.ptr(0), &mut id)
            });
        }
        3 => {
            db.check("progress_append_batch", unsafe {
                govreport_progress_append_batch(db.0, p.ptr(0), &mut id)
            });
        }
        _ => {
            let target = std::str::from_utf8(rest.split(|&b| b == 0).next().unwrap_or(b""))
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(1);
            db.string_call("target_decompose", |o| unsafe {
                govreport_target_decompose(db.0, target, p.ptr(1), o)
            });
        }
    }
});
