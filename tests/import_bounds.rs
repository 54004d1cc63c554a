//! Imports that cannot exhaust the host (issue 10, defect 2): the reproducers of the audit,
//! each generated here (SYNTHETIC, nothing checked in), each refused with
//! `Error::InvalidArgument` naming the limit and the value found, without a panic or abort,
//! and with the database unchanged.

use govreport::registers::{FileFormat, ImportError, ImportLimits, ImportOptions};
use govreport::{Db, Error};

mod common;
use common::TempDir;

#[path = "common/hostile.rs"]
mod hostile;

const HEADER: &str = "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）";

/// A database whose register already holds one project, so that "unchanged" means something.
fn db() -> (Db, i64) {
    let mut db = Db::open_default().unwrap();
    let report = db.report().unwrap().id;
    let csv = format!("{HEADER}\nKEEP-1,SYNTHETIC 已有项目,续建,10,1\n");
    db.import_projects_bytes(
        report,
        "keep.csv",
        csv.as_bytes(),
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    (db, report)
}

fn register(db: &Db) -> Vec<String> {
    let mut st = db
        .connection()
        .prepare("SELECT * FROM register_project ORDER BY id")
        .unwrap();
    let n = st.column_count();
    st.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The message of an import error, which must be InvalidArgument.
fn refused(result: Result<govreport::ImportSummary, ImportError>) -> String {
    match result {
        Err(ImportError::Other(Error::InvalidArgument(message))) => message,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

fn import_bytes(
    db: &mut Db,
    report: i64,
    name: &str,
    bytes: &[u8],
    format: FileFormat,
    options: &ImportOptions,
) -> String {
    let before = register(db);
    let result = db.import_projects_bytes(report, name, bytes, format, options);
    let message = refused(result);
    assert_eq!(register(db), before, "the database is unchanged");
    message
}

fn import_path(db: &mut Db, report: i64, path: &std::path::Path) -> String {
    let before = register(db);
    let result = db.import_projects(report, path, &ImportOptions::default());
    let message = refused(result);
    assert_eq!(register(db), before, "the database is unchanged");
    message
}

fn assert_names(message: &str, parts: &[&str]) {
    eprintln!("refused: {message}");
    for p in parts {
        assert!(message.contains(p), "{p:?} missing from: {message}");
    }
}

// ---------------------------------------------------------------------------------------- CSV

#[test]
fn a_csv_with_a_100_mb_field_is_stopped_at_the_row_limit() {
    let dir = TempDir::new("bigfield");
    let path = dir.file("big.csv");
    let size = hostile::csv_with_big_field(&path, 100 << 20);
    assert!(size > 100 << 20);
    let (mut db, report) = db();
    let message = import_path(&mut db, report, &path);
    assert_names(&message, &["CSV row 2", "max_row_bytes", "1048576"]);
}

#[test]
fn csv_field_row_count_column_and_size_limits() {
    let (mut db, report) = db();
    let options = ImportOptions::default();
    // A 200 KB field fits a row (1 MiB) but not a field (128 KiB).
    let csv = format!("{HEADER}\nSYN-1,{},新开工,1,1\n", "名".repeat(70_000));
    let message = import_bytes(
        &mut db,
        report,
        "f.csv",
        csv.as_bytes(),
        FileFormat::Csv,
        &options,
    );
    assert_names(
        &message,
        &[
            "row 2, field 2",
            "210000 bytes",
            "max_field_bytes",
            "131072",
        ],
    );

    // Rows: the default 100,000 records, and a configured bound.
    let mut csv = format!("{HEADER}\n");
    for r in 1..=100_000 {
        csv.push_str(&format!("SYN-{r},p,新开工,1,1\n"));
    }
    let message = import_bytes(
        &mut db,
        report,
        "r.csv",
        csv.as_bytes(),
        FileFormat::Csv,
        &options,
    );
    assert_names(&message, &["number of CSV rows", "max_rows = 100000"]);
    let small = ImportOptions {
        limits: ImportLimits {
            max_rows: 3,
            ..Default::default()
        },
        ..Default::default()
    };
    let csv = format!("{HEADER}\nA,a,新开工,1,1\nB,b,新开工,1,1\nC,c,新开工,1,1\n");
    let message = import_bytes(
        &mut db,
        report,
        "r.csv",
        csv.as_bytes(),
        FileFormat::Csv,
        &small,
    );
    assert_names(&message, &["max_rows = 3"]);

    // Columns: 201 filled fields are refused; trailing empty ones are padding.
    let padded = format!(
        "{HEADER}{}\nSYN-P,padded,新开工,1,1{}\n",
        ",".repeat(300),
        ",".repeat(300)
    );
    db.import_projects_bytes(
        report,
        "p.csv",
        padded.as_bytes(),
        FileFormat::Csv,
        &options,
    )
    .unwrap();
    let wide = format!("{HEADER}\nSYN-W,wide,新开工,1,1{}x\n", ",".repeat(196));
    let message = import_bytes(
        &mut db,
        report,
        "w.csv",
        wide.as_bytes(),
        FileFormat::Csv,
        &options,
    );
    assert_names(
        &message,
        &["fields in CSV row 2", "is 201", "max_columns = 200"],
    );

    // Bytes of the whole file.
    let tiny = ImportOptions {
        limits: ImportLimits {
            max_bytes: 100,
            ..Default::default()
        },
        ..Default::default()
    };
    let csv = format!("{HEADER}\nA,a,新开工,1,1\nB,b,新开工,1,1\nC,c,新开工,1,1\n");
    let message = import_bytes(
        &mut db,
        report,
        "b.csv",
        csv.as_bytes(),
        FileFormat::Csv,
        &tiny,
    );
    assert_names(&message, &["CSV file's size", "max_bytes = 100"]);
}

#[test]
fn csv_limits_leave_ordinary_files_alone() {
    let (mut db, report) = db();
    // A long field under the field limit, in a file read from disk as it is parsed.
    let dir = TempDir::new("okcsv");
    let path = dir.file("ok.csv");
    let long = "备".repeat(40_000);
    std::fs::write(
        &path,
        format!("{HEADER},备注\nSYN-1,长备注,新开工,1,1,{long}\nSYN-2,二,续建,2,1,\n"),
    )
    .unwrap();
    let done = db
        .import_projects(report, &path, &ImportOptions::default())
        .unwrap();
    assert_eq!(done.inserted, 2);
}

// --------------------------------------------------------------------------------------- XLSX

#[cfg(feature = "xlsx")]
fn xlsx(db: &mut Db, report: i64, bytes: &[u8]) -> String {
    import_bytes(
        db,
        report,
        "h.xlsx",
        bytes,
        FileFormat::Xlsx,
        &ImportOptions::default(),
    )
}

#[cfg(feature = "xlsx")]
#[test]
fn two_cells_at_a1_and_xfd1048576_are_refused() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "项目名称").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 8_000, "a small file: {}", bytes.len());
    let (mut db, report) = db();
    let message = xlsx(&mut db, report, &bytes);
    assert_names(&message, &["XFD1048576", "1048576", "max_rows = 100000"]);
    // With the dimension claiming A1 only, the row and cell references still give it away.
    let lying = hostile::edit_entry(&bytes, "xl/worksheets/sheet1.xml", |x| {
        x.replace("A1:XFD1048576", "A1")
    });
    let message = xlsx(&mut db, report, &lying);
    assert_names(&message, &["row number", "1048576", "max_rows"]);
    // And the column alone, on a low row.
    let wide = hostile::edit_entry(&bytes, "xl/worksheets/sheet1.xml", |x| {
        x.replace("A1:XFD1048576", "A1")
            .replace("r=\"1048576\"", "r=\"2\"")
            .replace("XFD1048576", "XFD2")
    });
    let message = xlsx(&mut db, report, &wide);
    assert_names(&message, &["XFD2", "16384", "max_columns = 200"]);
}

#[cfg(feature = "xlsx")]
#[test]
fn absurd_shared_string_counts_are_refused() {
    let book = hostile::workbook(2);
    let with_count = |count: &str| {
        hostile::edit_entry(&book, "xl/sharedStrings.xml", |x| {
            let at = x.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + x[at..].find('"').unwrap();
            format!("{}{count}{}", &x[..at], &x[end..])
        })
    };
    let (mut db, report) = db();
    for count in [
        "100000000000",
        "1000000000000000000",
        "99999999999999999999999",
    ] {
        let message = xlsx(&mut db, report, &with_count(count));
        assert_names(&message, &["uniqueCount", count, "max_cells"]);
    }
    let message = xlsx(&mut db, report, &with_count("1e18"));
    assert_names(
        &message,
        &["shared-string count", "\"1e18\"", "not a whole number"],
    );
}

#[cfg(feature = "xlsx")]
#[test]
fn a_giant_cell_reference_is_refused() {
    let book = hostile::workbook(2);
    let bytes = hostile::edit_entry(&book, "xl/worksheets/sheet1.xml", |x| {
        x.replace("r=\"B2\"", "r=\"ZZZZZZZZZZ99999999999999\"")
    });
    let (mut db, report) = db();
    let message = xlsx(&mut db, report, &bytes);
    assert_names(&message, &["ZZZZZZZZZZ99999999999999", "max_rows"]);
    let bytes = hostile::edit_entry(&book, "xl/worksheets/sheet1.xml", |x| {
        x.replace("r=\"B2\"", "r=\"B-2\"")
    });
    let message = xlsx(&mut db, report, &bytes);
    assert_names(&message, &["malformed cell reference", "B-2"]);
}

#[cfg(feature = "xlsx")]
#[test]
fn a_2_mb_zip_of_2_gb_whitespace_is_refused_unread() {
    let dir = TempDir::new("bomb");
    let path = dir.file("bomb.xlsx");
    let size = hostile::zip_bomb(&path, 2 << 30);
    assert!(size < 4 << 20, "a small file: {size}");
    let (mut db, report) = db();
    let message = import_path(&mut db, report, &path);
    assert_names(
        &message,
        &["uncompressed size", "declared", "max_bytes = 67108864"],
    );
}

#[cfg(feature = "xlsx")]
#[test]
fn a_zip_that_lies_about_its_sizes_is_refused_while_inflating() {
    let dir = TempDir::new("liar");
    let path = dir.file("liar.xlsx");
    hostile::zip_bomb(&path, 100 << 20);
    let mut bytes = std::fs::read(&path).unwrap();
    hostile::lie_about_size(&mut bytes, "xl/worksheets/sheet1.xml", 4000);
    let (mut db, report) = db();
    let message = xlsx(&mut db, report, &bytes);
    assert_names(&message, &["xl/worksheets/sheet1.xml", "forged"]);
}

#[cfg(feature = "xlsx")]
#[test]
fn compression_ratio_and_entry_count_are_bounded() {
    let dir = TempDir::new("ratio");
    let path = dir.file("ratio.xlsx");
    // 10 MB of whitespace: under max_bytes, but 1,000 times smaller packed.
    hostile::zip_bomb(&path, 10 << 20);
    let (mut db, report) = db();
    let message = import_path(&mut db, report, &path);
    assert_names(
        &message,
        &[
            "compression ratio",
            "xl/worksheets/sheet1.xml",
            "max_compression_ratio = 200",
        ],
    );

    let book = hostile::workbook(1);
    let mut n = 0;
    let many = hostile::rezip(&book, |_, bytes| bytes);
    let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(many)).unwrap();
    for i in 0..1_000 {
        zip.start_file(
            format!("xl/media/x{i}.bin"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        n += 1;
    }
    let many = zip.finish().unwrap().into_inner();
    assert!(n > 0);
    let message = xlsx(&mut db, report, &many);
    assert_names(&message, &["entries", "max_zip_entries = 1000"]);
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_limits_leave_ordinary_workbooks_alone_and_are_configurable() {
    let book = hostile::workbook(50);
    let (mut db, report) = db();
    let done = db
        .import_projects_bytes(
            report,
            "ok.xlsx",
            &book,
            FileFormat::Xlsx,
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!(done.inserted, 50);
    let strict = ImportOptions {
        limits: ImportLimits {
            max_rows: 20,
            ..Default::default()
        },
        ..Default::default()
    };
    let message = import_bytes(&mut db, report, "ok.xlsx", &book, FileFormat::Xlsx, &strict);
    assert_names(&message, &["max_rows = 20"]);
    let strict = ImportOptions {
        limits: ImportLimits {
            max_cells: 100,
            ..Default::default()
        },
        ..Default::default()
    };
    let message = import_bytes(&mut db, report, "ok.xlsx", &book, FileFormat::Xlsx, &strict);
    assert_names(&message, &["max_cells = 100"]);
}
