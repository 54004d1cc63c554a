//! Peak memory of register imports, valid and hostile: each import runs in a child process of
//! its own (this program, started again), which reports its peak resident set (`VmHWM` from
//! /proc/self/status, Linux) after the import; the parent prints one line per case.
//!
//! ```text
//! cargo run --release --example bench_import            # the files of BENCHMARKS.md
//! cargo run --release --example bench_import -- --quick # smaller bombs, for the test suite
//! ```
//!
//! Every file is SYNTHETIC, generated in a temporary directory (tests/common/hostile.rs):
//! valid project registers of about 2 MB (CSV and XLSX), a ~2 MB zip that inflates to 2 GiB of
//! whitespace, a zip that lies about its sizes, a 1.5 KB workbook with cells at A1 and
//! XFD1048576, a shared-string table declaring 10^11 entries, and CSV files with a 2 MB and a
//! 100 MB field. `baseline` is a child that opens the database and imports nothing.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use govreport::Db;
use govreport::registers::ImportOptions;

#[path = "../tests/common/hostile.rs"]
mod hostile;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2], args.get(3).map(Path::new));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let dir = std::env::temp_dir().join(format!("govreport-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let mut cases: Vec<(&str, Option<std::path::PathBuf>)> = vec![("baseline", None)];

    let valid_csv = dir.join("valid.csv");
    std::fs::write(
        &valid_csv,
        hostile::valid_csv(if quick { 100 << 10 } else { 2 << 20 }),
    )
    .expect("writing");
    cases.push(("valid register, CSV", Some(valid_csv)));
    let field = dir.join("field2mb.csv");
    hostile::csv_with_big_field(&field, 2 << 20);
    cases.push(("2 MB field, CSV", Some(field)));
    let field = dir.join("field100mb.csv");
    hostile::csv_with_big_field(&field, if quick { 8 << 20 } else { 100 << 20 });
    cases.push(("100 MB field, CSV", Some(field)));
    xlsx_cases(&dir, quick, &mut cases);

    println!("case                               file bytes  peak RSS      time  result");
    for (name, path) in &cases {
        let size = path
            .as_ref()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .unwrap_or(0);
        let started = Instant::now();
        let out = Command::new(std::env::current_exe().expect("this program"))
            .arg("--child")
            .arg(name)
            .args(path.iter())
            .output()
            .expect("the child starts");
        let took = started.elapsed();
        let text = String::from_utf8_lossy(&out.stdout);
        let (peak, result) = text.trim().split_once(' ').unwrap_or(("?", "no report"));
        assert!(
            out.status.success(),
            "{name}: the child failed ({:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        println!(
            "{name:<34} {size:>11} {:>6.1} MB {:>7.2} s  {result}",
            peak.parse::<f64>().unwrap_or(f64::NAN) / 1024.0,
            took.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "xlsx")]
fn xlsx_cases(
    dir: &Path,
    quick: bool,
    cases: &mut Vec<(&'static str, Option<std::path::PathBuf>)>,
) {
    let valid = dir.join("valid.xlsx");
    // About 2 MB: rust_xlsxwriter's XLSX takes ~28 bytes a row here.
    std::fs::write(
        &valid,
        hostile::workbook(if quick { 2_000 } else { 75_000 }),
    )
    .expect("writing");
    cases.push(("valid register, XLSX", Some(valid)));
    let bomb = dir.join("bomb.xlsx");
    hostile::zip_bomb(&bomb, if quick { 200 << 20 } else { 2 << 30 });
    cases.push(("zip bomb (2 GiB of whitespace)", Some(bomb)));
    let liar = dir.join("liar.xlsx");
    hostile::zip_bomb(&liar, if quick { 20 << 20 } else { 200 << 20 });
    let mut bytes = std::fs::read(&liar).expect("reading");
    hostile::lie_about_size(&mut bytes, "xl/worksheets/sheet1.xml", 4000);
    std::fs::write(&liar, bytes).expect("writing");
    cases.push(("zip lying about its sizes", Some(liar)));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "项目名称").expect("a cell");
    sheet.write_number(1_048_575, 16_383, 1.0).expect("a cell");
    let corners = dir.join("corners.xlsx");
    std::fs::write(&corners, book.save_to_buffer().expect("a workbook")).expect("writing");
    cases.push(("cells at A1 and XFD1048576", Some(corners)));
    let sst = dir.join("sst.xlsx");
    let bytes = hostile::edit_entry(&hostile::workbook(2), "xl/sharedStrings.xml", |x| {
        let at = x.find("uniqueCount=\"").expect("uniqueCount") + "uniqueCount=\"".len();
        let end = at + x[at..].find('"').expect("a quote");
        format!("{}100000000000{}", &x[..at], &x[end..])
    });
    std::fs::write(&sst, bytes).expect("writing");
    cases.push(("uniqueCount=100000000000", Some(sst)));
}

#[cfg(not(feature = "xlsx"))]
fn xlsx_cases(_: &Path, _: bool, _: &mut Vec<(&'static str, Option<std::path::PathBuf>)>) {}

/// In the child: import the file (or nothing), then print "VmHWM-in-kB result".
fn child(_case: &str, path: Option<&Path>) {
    let mut db = Db::open_default().expect("the default database");
    let report = db.report().expect("a report").id;
    let result = match path {
        None => "nothing imported".to_owned(),
        Some(path) => match db.import_projects(report, path, &ImportOptions::default()) {
            Ok(done) => format!("imported {} rows", done.inserted),
            Err(e) => {
                let text = e.to_string();
                let short: String = text.chars().take(170).collect();
                format!("refused: {short}…")
            }
        },
    };
    println!("{} {result}", peak_kb());
}

/// The process's peak resident set in kB (VmHWM), or 0 where /proc is not available.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}
