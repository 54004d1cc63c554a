//! The C crate's example, `bench_ffi`, run as a program (`--quick`: a smoke test of every path
//! it measures; the figures mean nothing here).

use std::process::Command;

mod common;
use common::lib_dir;

#[test]
fn bench_ffi_measures_every_path_against_raw_sqlite() {
    let exe = lib_dir().join("examples").join("bench_ffi");
    assert!(
        exe.exists(),
        "{} is missing: `cargo test` builds the examples; run it through cargo",
        exe.display()
    );
    let out = Command::new(&exe)
        .arg("--quick")
        .output()
        .expect("bench_ffi starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bench_ffi failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for row in [
        "C ABI `govreport_target_json`",
        "C ABI `govreport_query_json` + `govreport_string_free`",
        "C ABI cursor",
        "SQLite C API, held statement, step + write the same JSON | ",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(row))
            .unwrap_or_else(|| panic!("no row {row:?}:\n{stdout}"));
        let ratio = line
            .trim_end_matches(" |")
            .rsplit('|')
            .next()
            .and_then(|r| r.trim().trim_end_matches('x').parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no ratio in {line:?}"));
        assert!(ratio >= 0.0, "{line}");
    }
}
