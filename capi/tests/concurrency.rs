//! Processes through the C ABI on one file: `capi/tests/c/concurrency.c` forks 8 writers
//! appending progress records, 2 readers and a writer it kills with SIGKILL half-way, then
//! checks that no committed record was lost (see the program's comment).

use std::path::Path;
use std::process::Command;

mod common;
use common::{lib_dir, root};

#[test]
fn eight_c_writers_two_readers_and_a_killed_writer_lose_no_record() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("c_abi")
        .join("concurrency");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // The program asks the loader for the soname, libgovreport.so.0.
    std::os::unix::fs::symlink(
        lib_dir().join("libgovreport.so"),
        dir.join("libgovreport.so.0"),
    )
    .unwrap();
    let exe = dir.join("concurrency");
    let built = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-g"])
        .arg(format!("-I{}", root().join("include").display()))
        .arg(root().join("capi/tests/c/concurrency.c"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib_dir().display()))
        .arg("-lgovreport")
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .status()
        .expect("running cc");
    assert!(built.success(), "compiling concurrency.c failed");
    let out = Command::new(&exe).arg(&dir).arg("300").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(": 0 lost,"), "{stdout}\n{stderr}");
    assert!(stdout.contains(" checks, 0 failures"), "{stdout}\n{stderr}");
    // The file survived the killed writer intact.
    let conn = rusqlite::Connection::open(dir.join("concurrency.db")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
