//! The released ABI is a promise: the library built now against the 0.1.0 baseline recorded in
//! `abi/0.1.0/` (README there). Symbols, functions, types, constants and result codes may only
//! be added; a changed behaviour gets a new `_v2` name.
//!
//! `abidiff` (Debian's `abigail-tools`, which `.ci/run` installs) compares the built
//! `libgovreport.so` with the `abidw` dump of the release, function by function and type by
//! type; the header and the symbol list are compared here line by line.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{lib_dir, root};

/// The newest release whose ABI is recorded.
const BASELINE: &str = "abi/0.1.0";

fn baseline(file: &str) -> PathBuf {
    root().join(BASELINE).join(file)
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn abidiff_finds_nothing_removed_or_changed_since_the_release() {
    let lib = lib_dir().join("libgovreport.so");
    let out = Command::new("abidiff")
        // Added functions are allowed; anything else abidiff reports is a break.
        .args(["--no-added-syms"])
        .arg(baseline("libgovreport.abi"))
        .arg(&lib)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run abidiff ({e}): install Debian's abigail-tools (.ci/run does)")
        });
    // abidiff's status is a bit set: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
    assert_eq!(
        out.status.code(),
        Some(0),
        "libgovreport.so differs from the released ABI in {BASELINE}: a released function or \
         type was removed or changed. Restore it and add the new behaviour as a `_v2` function \
         instead.\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The header's declarations without comments, one per `;`, whitespace collapsed.
fn declarations(header: &str) -> BTreeSet<String> {
    let mut text = String::with_capacity(header.len());
    let mut rest = header;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    lines
        .join(" ")
        .split(';')
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| d.contains("govreport_"))
        // An enum may gain members: its values are compared one by one (`enum_values`).
        .filter(|d| !d.starts_with("typedef enum"))
        .collect()
}

/// `#define GOVREPORT_… value` lines, except the library version (which changes with every
/// release by design).
fn defines(header: &str) -> BTreeSet<String> {
    header
        .lines()
        .filter(|l| l.starts_with("#define GOVREPORT_"))
        .filter(|l| !l.contains("GOVREPORT_VERSION_") && !l.starts_with("#define GOVREPORT_H"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// `NAME = value` members of the header's enums (the result codes).
fn enum_values(header: &str) -> BTreeSet<String> {
    header
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("GOVREPORT_") && l.contains(" = "))
        .map(|l| l.trim_end_matches(',').to_owned())
        .collect()
}

#[test]
fn header_keeps_every_released_declaration() {
    let released = read(&baseline("govreport.h"));
    let current = read(&root().join("include/govreport.h"));
    for (what, old, new) in [
        (
            "declaration",
            declarations(&released),
            declarations(&current),
        ),
        ("constant", defines(&released), defines(&current)),
        ("result code", enum_values(&released), enum_values(&current)),
    ] {
        assert!(
            old.len() > 5,
            "too few {what}s found in the baseline: the parser is broken"
        );
        let missing: Vec<_> = old.difference(&new).collect();
        assert!(
            missing.is_empty(),
            "include/govreport.h no longer has these released {what}s exactly as released \
             ({BASELINE}/govreport.h): {missing:#?}\nAdd new names (`_v2`) instead of changing \
             released ones."
        );
    }
}

#[test]
fn symbol_list_only_grows() {
    let released = read(&baseline("govreport.symbols"));
    let current = read(&root().join("include/govreport.symbols"));
    let current: BTreeSet<&str> = current.lines().map(str::trim).collect();
    let missing: Vec<&str> = released
        .lines()
        .map(str::trim)
        .filter(|s| !s.is_empty() && !current.contains(s))
        .collect();
    assert!(
        missing.is_empty(),
        "released symbols missing from include/govreport.symbols: {missing:?}"
    );
}

#[test]
fn parsers_see_a_change() {
    // The comparisons above must be able to fail: a renamed parameter type, a changed code.
    let header = "/* c */ int32_t govreport_x(const govreport_db *db);\n  GOVREPORT_OK = 0,\n";
    let changed = "int32_t govreport_x(govreport_db *db);\n  GOVREPORT_OK = 1,\n";
    assert!(
        declarations(header)
            .difference(&declarations(changed))
            .next()
            .is_some()
    );
    assert_ne!(enum_values(header), enum_values(changed));
}
