//! `govreport bulletin`: the 督查通报 of a period as DOCX or HTML, and its bad input.

mod common;

use common::{TempDir, fails, init, ok, s};

#[test]
fn bulletin_writes_docx_and_html_and_refuses_bad_input() {
    let dir = TempDir::new("bulletin");
    let db = init(&dir);
    // SYNTHETIC: one commitment reported lagging in June.
    ok(&[
        "--db",
        s(&db),
        "progress",
        "add",
        "--commitment",
        "101",
        "--period",
        "2024-06",
        "--status",
        "滞后",
        "--text",
        "SYNTHETIC 合成进展",
        "--problems",
        "SYNTHETIC 合成问题",
        "--next-steps",
        "SYNTHETIC 合成措施",
        "--reported-at",
        "2024-06-25",
    ]);
    let html = dir.path("june.html");
    ok(&[
        "--db",
        s(&db),
        "bulletin",
        "--period",
        "2024-06",
        "--out",
        s(&html),
    ]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("项任务中的") && page.contains("SYNTHETIC 合成问题"));
    let docx = dir.path("june.docx");
    ok(&[
        "--db",
        s(&db),
        "bulletin",
        "--period",
        "2024-06",
        "--out",
        s(&docx),
    ]);
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    // The built-in database works too.
    let builtin = dir.path("builtin.html");
    ok(&["bulletin", "--period", "2024-Q2", "--out", s(&builtin)]);
    assert!(builtin.is_file());

    let before = std::fs::read(&html).unwrap();
    assert!(
        fails(
            &[
                "--db",
                s(&db),
                "bulletin",
                "--period",
                "2024-06",
                "--out",
                s(&html)
            ],
            1
        )
        .contains("exists")
    );
    assert_eq!(std::fs::read(&html).unwrap(), before);
    let pdf = dir.path("june.pdf");
    assert!(fails(&["bulletin", "--period", "2024-06", "--out", s(&pdf)], 1).contains(".docx"));
    assert!(!pdf.exists());
    let bad = dir.path("bad.html");
    fails(&["bulletin", "--period", "2024-13", "--out", s(&bad)], 1);
    assert!(!bad.exists());
    fails(&["bulletin", "--out", s(&bad)], 2);
    fails(
        &[
            "bulletin",
            "--period",
            "2024-06",
            "--out",
            "/nonexistent-dir/b.html",
        ],
        5,
    );
}
