//! Filters and evaluation settings: the first byte chooses the entry point, the rest is
//! `filter_json`, or `period` NUL `config_json` for the evaluations.
#![no_main]

use govreport_fuzz::*;
use libfuzzer_sys::fuzz_target;

thread_local! {
    // Listing and evaluating only read: one handle for the process.
    static DB: Handle = Handle::open_default();
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let p = Parts::new(rest);
    DB.with(|db| {
        // SAFETY (every call): open handle, NUL-terminated strings or NULL, valid out pointer.
        match which % 6 {
            0 => db.string_call("targets_json", |o| unsafe {
                govreport_targets_json(db.0, p.ptr(0), o)
            }),
            1 => db.string_call("results_json", |o| unsafe {
                govreport_results_json(db.0, p.ptr(0), o)
            }),
            2 => db.string_call("projects_json", |o| unsafe {
                govreport_projects_json(db.0, p.ptr(0), o)
            }),
            3 => db.string_call("places_json", |o| unsafe {
                govreport_places_json(db.0, p.ptr(0), o)
            }),
            4 => db.string_call("evaluate_targets_json", |o| unsafe {
                govreport_evaluate_targets_json(db.0, p.ptr(0), p.ptr(1), o)
            }),
            _ => db.string_call("evaluate_projects_json", |o| unsafe {
                govreport_evaluate_projects_json(db.0, p.ptr(0), p.ptr(1), o)
            }),
        };
    });
});
