//! The C ABI from C and C++: compiles real programs with the system compiler against
//! `include/govreport.h` and both libraries (`libgovreport.so`, `libgovreport.a`), runs them
//! (under valgrind when it is installed), and checks the exported symbols and the soname. The
//! installed library and its pkg-config modules are tested by `install.rs`.
//!
//! The libraries are built by `cargo build -p govreport-capi` once per run (see [`lib_dir`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{lib_dir, root};

/// A directory for this test's outputs, with `libgovreport.so.0` (the soname the programs
/// ask the loader for) pointing at the freshly built library.
fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("c_abi")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the work directory");
    // A database file from a "newer" govreport, for the C program's schema checks.
    let newer = govreport::Db::open(dir.join("newer.db")).expect("creating newer.db");
    newer
        .connection()
        .pragma_update(None, "user_version", 999)
        .expect("setting user_version");
    drop(newer);
    let link = dir.join("libgovreport.so.0");
    std::os::unix::fs::symlink(lib_dir().join("libgovreport.so"), &link).expect("symlink");
    dir
}

fn show(out: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", show(&out));
    out
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

const CFLAGS: &[&str] = &["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];
const CXXFLAGS: &[&str] = &[
    "-std=c++17",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-pedantic",
    "-g",
];

/// Compiles `source` with `compiler` and `flags`, linked against the shared library.
fn build_shared(compiler: &str, flags: &[&str], source: &str, dir: &Path, exe: &str) -> PathBuf {
    let out = dir.join(exe);
    run(Command::new(compiler)
        .args(flags)
        .arg(format!("-I{}", root().join("include").display()))
        .arg(root().join(source))
        .arg("-o")
        .arg(&out)
        .arg(format!("-L{}", lib_dir().display()))
        .arg("-lgovreport")
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-lpthread"));
    out
}

#[test]
fn header_compiles_as_c99_and_cpp17_included_twice() {
    let dir = work_dir("header");
    let src = "#include \"govreport.h\"\n#include \"govreport.h\"\n\
               int main(void) { return GOVREPORT_OK + (GOVREPORT_VERSION_NUMBER > 0 ? 0 : 1); }\n";
    for (compiler, flags, file) in [("cc", CFLAGS, "h.c"), ("c++", CXXFLAGS, "h.cpp")] {
        let path = dir.join(file);
        std::fs::write(&path, src).unwrap();
        run(Command::new(compiler)
            .args(flags)
            .arg(format!("-I{}", root().join("include").display()))
            .arg("-c")
            .arg(&path)
            .arg("-o")
            .arg(dir.join(format!("{file}.o"))));
    }
}

#[test]
fn c_program_against_the_shared_library() {
    let dir = work_dir("shared");
    let exe = build_shared("cc", CFLAGS, "capi/tests/c/abi_test.c", &dir, "abi_test");
    let out = run(Command::new(&exe).arg(&dir));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" checks, 0 failures"), "{}", show(&out));
    println!("{stdout}");
}

#[test]
fn c_program_under_valgrind() {
    if !have("valgrind") {
        println!(
            "note: valgrind is not installed; skipping the valgrind run (.ci/run installs it)"
        );
        return;
    }
    let dir = work_dir("valgrind");
    let exe = build_shared("cc", CFLAGS, "capi/tests/c/abi_test.c", &dir, "abi_test");
    let out = run(Command::new("valgrind")
        .args([
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=1",
            "-q",
        ])
        .arg(&exe)
        .arg(&dir));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" checks, 0 failures"), "{}", show(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("ERROR SUMMARY"),
        "{}",
        show(&out)
    );
}

#[test]
fn c_program_against_the_static_library() {
    let dir = work_dir("static");
    let exe = dir.join("abi_test_static");
    run(Command::new("cc")
        .args(CFLAGS)
        .arg(format!("-I{}", root().join("include").display()))
        .arg(root().join("capi/tests/c/abi_test.c"))
        .arg("-o")
        .arg(&exe)
        .arg(lib_dir().join("libgovreport.a"))
        .args(["-lpthread", "-ldl", "-lm"]));
    let out = run(Command::new(&exe).arg(&dir));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(" checks, 0 failures"),
        "{}",
        show(&out)
    );
}

/// Builds `source` against the shared library and runs it (with the work directory as its
/// argument), expecting `marker` ("N checks, 0 failures") on stdout.
fn run_c_shared(name: &str, source: &str, marker: &str) {
    let dir = work_dir(name);
    let exe = build_shared("cc", CFLAGS, source, &dir, name);
    let out = run(Command::new(&exe).arg(&dir));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(marker), "{}", show(&out));
    println!("{stdout}");
}

/// As [`run_c_shared`], under valgrind (skipped when valgrind is not installed).
fn run_c_valgrind(name: &str, source: &str, marker: &str) {
    if !have("valgrind") {
        println!(
            "note: valgrind is not installed; skipping the valgrind run (.ci/run installs it)"
        );
        return;
    }
    let dir = work_dir(name);
    let exe = build_shared("cc", CFLAGS, source, &dir, name);
    let out = run(Command::new("valgrind")
        .args([
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=1",
            "-q",
        ])
        .arg(&exe)
        .arg(&dir));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(marker),
        "{}",
        show(&out)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("ERROR SUMMARY"),
        "{}",
        show(&out)
    );
}

/// As [`run_c_shared`], linked against the static library.
fn run_c_static(name: &str, source: &str, marker: &str) {
    let dir = work_dir(name);
    let exe = dir.join(name);
    run(Command::new("cc")
        .args(CFLAGS)
        .arg(format!("-I{}", root().join("include").display()))
        .arg(root().join(source))
        .arg("-o")
        .arg(&exe)
        .arg(lib_dir().join("libgovreport.a"))
        .args(["-lpthread", "-ldl", "-lm"]));
    let out = run(Command::new(&exe).arg(&dir));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(marker),
        "{}",
        show(&out)
    );
}

const TRACKING_C: &str = "capi/tests/c/tracking_test.c";
const TRACKING_OK: &str = " checks, 0 failures";

#[test]
fn tracking_c_program_against_the_shared_library() {
    run_c_shared("tracking_shared", TRACKING_C, TRACKING_OK);
}

#[test]
fn tracking_c_program_under_valgrind() {
    run_c_valgrind("tracking_valgrind", TRACKING_C, TRACKING_OK);
}

#[test]
fn tracking_c_program_against_the_static_library() {
    run_c_static("tracking_static", TRACKING_C, TRACKING_OK);
}

const ESCAPE_C: &str = "capi/tests/c/escape_test.c";
const ESCAPE_OK: &str = " checks, 0 failures";

#[test]
fn escape_c_program_against_the_shared_library() {
    run_c_shared("escape_shared", ESCAPE_C, ESCAPE_OK);
}

#[test]
fn escape_c_program_under_valgrind() {
    run_c_valgrind("escape_valgrind", ESCAPE_C, ESCAPE_OK);
}

#[test]
fn cpp_program() {
    let dir = work_dir("cpp");
    let exe = build_shared(
        "c++",
        CXXFLAGS,
        "capi/tests/c/abi_test.cpp",
        &dir,
        "abi_test_cpp",
    );
    let out = run(&mut Command::new(&exe));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("c++_abi: 0 failures"),
        "{}",
        show(&out)
    );
}

/// `include/govreport.hpp`: every method, built with `-std=c++17 -Wall -Wextra -Werror
/// -pedantic`, run directly and under valgrind (no leak through the RAII types).
#[test]
fn cpp_wrapper_program() {
    let dir = work_dir("cpp_wrapper");
    let exe = build_shared(
        "c++",
        CXXFLAGS,
        "capi/tests/c/wrapper_test.cpp",
        &dir,
        "wrapper_test",
    );
    let out = run(Command::new(&exe).arg(&dir));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" checks, 0 failures"), "{}", show(&out));
    if !have("valgrind") {
        println!(
            "note: valgrind is not installed; skipping the valgrind run (.ci/run installs it)"
        );
        return;
    }
    let vg = work_dir("cpp_wrapper_valgrind");
    let out = run(Command::new("valgrind")
        .args([
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=1",
            "-q",
        ])
        .arg(&exe)
        .arg(&vg));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(" checks, 0 failures"),
        "{}",
        show(&out)
    );
}

/// `govreport.hpp` has a method (or free function) for every exported C function.
#[test]
fn the_cpp_wrapper_covers_every_c_function() {
    let hpp = std::fs::read_to_string(root().join("include/govreport.hpp")).unwrap();
    let missing: Vec<String> = symbol_list()
        .into_iter()
        .filter(|name| {
            !hpp.match_indices(name.as_str()).any(|(i, _)| {
                // A whole name: not the prefix of a longer one (`govreport_open` in `_open_default`).
                !hpp[i + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "not wrapped in govreport.hpp: {missing:?}"
    );
}

#[test]
fn examples_build_with_make() {
    if !have("make") {
        println!("note: make is not installed; skipping the examples/c Makefile");
        return;
    }
    let dir = work_dir("examples");
    run(Command::new("make")
        .arg("-C")
        .arg(root().join("examples/c"))
        .arg(format!("LIBDIR={}", lib_dir().display()))
        .arg(format!("OUT={}", dir.display()))
        .arg("all"));
    for exe in ["headline", "headline_cpp", "headline_static"] {
        let out = run(&mut Command::new(dir.join(exe)));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("地区生产总值增速"), "{exe}: {}", show(&out));
        assert!(
            stdout.contains("error on purpose: code 1") && stdout.contains("no such table"),
            "{exe}: {}",
            show(&out)
        );
    }
    // The C++ example goes through govreport.hpp: blank search and an opened hit.
    let out = run(&mut Command::new(dir.join("headline_cpp")));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("blank search: []"), "{}", show(&out));
    assert!(stdout.contains("first hit: [{\"kind\":"), "{}", show(&out));
    // (pkg-config and the installed library: capi/tests/install.rs.)
}

/// The `govreport_…` names in the checked-in list.
fn symbol_list() -> Vec<String> {
    std::fs::read_to_string(root().join("include/govreport.symbols"))
        .expect("include/govreport.symbols")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn exported_symbols_match_the_checked_in_list() {
    let out = run(Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib_dir().join("libgovreport.so")));
    let mut exported: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace().rev();
            let name = parts.next()?;
            let kind = parts.next()?;
            // Only code and data symbols count; skip linker-made ones.
            (!matches!(kind, "A" | "a") && !matches!(name, "_init" | "_fini" | "_edata" | "_end"))
                .then(|| name.to_string())
        })
        .collect();
    exported.sort();
    let listed = symbol_list();
    let stray: Vec<_> = exported.iter().filter(|s| !listed.contains(s)).collect();
    let missing: Vec<_> = listed.iter().filter(|s| !exported.contains(s)).collect();
    assert!(
        stray.is_empty() && missing.is_empty(),
        "exported but not in include/govreport.symbols: {stray:?}\n\
         listed but not exported: {missing:?}"
    );
    assert!(listed.iter().all(|s| s.starts_with("govreport_")));

    // Every listed symbol is declared in the header, and every declared function is listed.
    let header = std::fs::read_to_string(root().join("include/govreport.h")).unwrap();
    let mut declared: Vec<&str> = Vec::new();
    for (start, _) in header.match_indices("govreport_") {
        let rest = &header[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('(') && !declared.contains(&&rest[..end]) {
            declared.push(&rest[..end]);
        }
    }
    for s in &listed {
        assert!(
            declared.contains(&s.as_str()),
            "{s} is not declared in the header"
        );
    }
    for d in &declared {
        assert!(
            listed.iter().any(|s| s == d),
            "{d} is declared but not listed"
        );
    }
}

#[test]
fn shared_library_has_the_abi_soname() {
    let out = run(Command::new("readelf")
        .arg("-d")
        .arg(lib_dir().join("libgovreport.so")));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Library soname: [libgovreport.so.0]"),
        "{text}"
    );
}

/// Every exported function is called by at least one of the C test programs.
#[test]
fn every_exported_function_is_called_from_c() {
    let mut sources = String::new();
    for entry in std::fs::read_dir(root().join("capi/tests/c")).expect("capi/tests/c") {
        let path = entry.expect("tests/c entry").path();
        if path.extension().is_some_and(|e| e == "c") {
            sources.push_str(&std::fs::read_to_string(&path).expect("reading a C test"));
        }
    }
    let uncalled: Vec<String> = symbol_list()
        .into_iter()
        .filter(|s| !sources.contains(&format!("{s}(")))
        .collect();
    assert!(
        uncalled.is_empty(),
        "exported functions no C test calls: {uncalled:?}"
    );
}

/// Rust and C agree on unknown ids: for every function that takes an id, the C program
/// `unknown_ids.c` prints the result code of a call with an id that does not exist, and the
/// same call through the Rust API must fail with `Error::NotFound` exactly when C gives
/// `GOVREPORT_NOT_FOUND` (3) — and both must say "not found" (an empty list would claim the
/// record exists and has nothing).
#[test]
fn rust_and_c_agree_on_unknown_ids() {
    use govreport::{Db, Error, EvaluationConfig, SubjectKind};

    const UNKNOWN: i64 = 999_999;
    const NOT_FOUND: i32 = 3;
    let dir = work_dir("unknown_ids");
    let exe = build_shared(
        "cc",
        CFLAGS,
        "capi/tests/c/unknown_ids.c",
        &dir,
        "unknown_ids",
    );
    // In the work directory: a draft the C program wrongly made would land there.
    let out = run(Command::new(&exe).current_dir(&dir));
    let c: Vec<(String, i32)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (name, code) = l.rsplit_once(' ').expect("\"name code\"");
            (name.to_string(), code.parse().expect("a result code"))
        })
        .collect();

    let mut db = Db::open_default().unwrap();
    let config = EvaluationConfig {
        report_id: Some(UNKNOWN),
        ..Default::default()
    };
    let sub = govreport::tracking::SubItem {
        title: "城关镇".into(),
        planned_value: None,
        lead_unit: None,
        responsible_person: None,
        deadline: None,
    };
    let not_found = |r: Result<(), Error>| matches!(r, Err(Error::NotFound(_)));
    let rust: Vec<(&str, bool)> = vec![
        ("source_text", not_found(db.source_text(UNKNOWN).map(drop))),
        ("sections", not_found(db.sections(UNKNOWN).map(drop))),
        ("section", not_found(db.section(UNKNOWN).map(drop))),
        ("paragraphs", not_found(db.paragraphs(UNKNOWN).map(drop))),
        ("paragraph", not_found(db.paragraph(UNKNOWN).map(drop))),
        ("target", not_found(db.target(UNKNOWN).map(drop))),
        ("result", not_found(db.result(UNKNOWN).map(drop))),
        ("project", not_found(db.project(UNKNOWN).map(drop))),
        ("place", not_found(db.place(UNKNOWN).map(drop))),
        (
            "glossary_term",
            not_found(db.glossary_term(UNKNOWN).map(drop)),
        ),
        ("task", not_found(db.task(UNKNOWN).map(drop))),
        (
            "target_decompose",
            not_found(db.decompose_target(UNKNOWN, &[sub]).map(drop)),
        ),
        (
            "progress_history_target",
            not_found(db.progress_history(SubjectKind::Target, UNKNOWN).map(drop)),
        ),
        (
            "progress_history_task",
            not_found(db.progress_history(SubjectKind::Task, UNKNOWN).map(drop)),
        ),
        (
            "progress_history_project",
            not_found(db.progress_history(SubjectKind::Project, UNKNOWN).map(drop)),
        ),
        (
            "progress_history_register_project",
            not_found(
                db.progress_history(SubjectKind::RegisterProject, UNKNOWN)
                    .map(drop),
            ),
        ),
        (
            "evaluate_targets",
            not_found(db.evaluate_targets("2024-06", &config).map(drop)),
        ),
        (
            "evaluate_projects",
            not_found(db.evaluate_projects("2024-06", &config).map(drop)),
        ),
        (
            "register_projects",
            not_found(db.register_projects(UNKNOWN).map(drop)),
        ),
        (
            "milestone_add",
            not_found(db.add_milestone(UNKNOWN, "2024-06-30", "半年").map(drop)),
        ),
        (
            "milestone_complete",
            not_found(db.complete_milestone(UNKNOWN, "2024-06-30")),
        ),
        (
            "register_project_link",
            not_found(db.link_register_project(UNKNOWN, Some(1))),
        ),
        (
            "task_update",
            not_found(db.update_task(UNKNOWN, &Default::default())),
        ),
        (
            "decomposition_draft",
            not_found(
                db.decomposition_draft(
                    UNKNOWN,
                    dir.join("unknown-report-draft.csv"),
                    govreport::FileFormat::Csv,
                )
                .map(drop),
            ),
        ),
    ];
    assert!(
        !dir.join("unknown-report-draft.csv").exists(),
        "no draft for an unknown report"
    );
    assert_eq!(
        c.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        rust.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "the C program and this test list the same calls"
    );
    for ((name, code), (_, rust_not_found)) in c.iter().zip(&rust) {
        assert!(
            *code == NOT_FOUND && *rust_not_found,
            "{name}: C gives {code}, Rust gives NotFound: {rust_not_found}"
        );
    }
}
