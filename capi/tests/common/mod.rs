//! Helpers shared by the C crate's integration tests (`mod common;`).

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository root (the C crate is `capi/` inside it).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("capi/ is inside the repository")
}

/// The directory with the freshly built `libgovreport.so` and `libgovreport.a`:
/// `target/<profile>/`, after one `cargo build -p govreport-capi` per test run.
///
/// Why the explicit build: this crate has no rlib, so `cargo test` compiles its tests without
/// building its `cdylib` and `staticlib` (they would be stale or missing). The nested build is
/// a no-op when they are up to date.
pub fn lib_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps")
            .to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-p", "govreport-capi", "--lib"])
            .current_dir(root());
        if dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("running cargo build -p govreport-capi");
        assert!(status.success(), "cargo build -p govreport-capi failed");
        dir
    })
}
