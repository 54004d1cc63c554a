//! What the command's test files share: running the binary, temporary directories, a new
//! database file.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn govreport(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govreport"))
        .args(args)
        .output()
        .expect("the govreport binary runs")
}

/// Runs and expects exit code 0; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = govreport(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs and expects `code`, an empty stdout and a message on stderr; returns the message.
pub fn fails(args: &[&str], code: i32) -> String {
    let out = govreport(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: no data on a failure");
    assert!(!stderr.trim().is_empty(), "{args:?}: a message on stderr");
    stderr
}

pub fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("govreport-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn dir(&self) -> &Path {
        &self.0
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A new database file made by `govreport init`.
pub fn init(dir: &TempDir) -> PathBuf {
    let db = dir.path("office.db");
    let out = govreport(&["init", s(&db)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("created"));
    db
}
