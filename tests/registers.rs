//! The key-project and village registers: import (CSV, XLSX, BOM, GBK), validation of every
//! bad row, all-or-nothing and skip-bad-rows, upsert, linking, export round trips, the
//! consistency report and the village roll-up.
//!
//! Every fixture is generated here or by `govreport::registers::synthetic`, deterministic and
//! labelled SYNTHETIC; none is part of the report's dataset.

use govreport::registers::synthetic::{self, ProjectOptions, SYNTHETIC_NOTE};
use govreport::registers::{FileFormat, ImportError, ImportOptions, ProblemKind, RowProblem};
use govreport::{Db, Error};

mod common;
use common::TempDir;

fn db() -> (Db, i64) {
    let db = Db::open_default().unwrap();
    let id = db.report().unwrap().id;
    (db, id)
}

fn synthetic_csv() -> Vec<u8> {
    synthetic::project_register(&ProjectOptions::default(), FileFormat::Csv).unwrap()
}

fn import_csv(
    db: &mut Db,
    report: i64,
    name: &str,
    text: &str,
) -> Result<govreport::ImportSummary, ImportError> {
    db.import_projects_bytes(
        report,
        name,
        text.as_bytes(),
        FileFormat::Csv,
        &ImportOptions::default(),
    )
}

fn count(db: &Db, table: &str) -> i64 {
    db.connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every column of every register row, as text, for comparing states.
fn dump(db: &Db) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["register_project", "register_place", "village_year"] {
        let mut st = db
            .connection()
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut s = String::from(table);
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("|{v:?}"));
                }
                Ok(s)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn problems(err: ImportError) -> Vec<RowProblem> {
    match err {
        ImportError::BadRows { problems, .. } => problems,
        other => panic!("expected BadRows, got {other}"),
    }
}

#[test]
fn the_synthetic_276_register_imports_links_and_matches_the_report() {
    let (mut db, report) = db();
    let bytes = synthetic_csv();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("SYNTHETIC"), "the file is labelled");
    let done = db
        .import_projects_bytes(
            report,
            "synthetic.csv",
            &bytes,
            FileFormat::Csv,
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!((done.rows_read, done.inserted, done.updated), (276, 276, 0));
    assert_eq!(done.header_row, 2);
    assert_eq!(
        done.ignored_rows,
        vec![1],
        "the SYNTHETIC title row is not data"
    );
    assert!(done.skipped.is_empty());

    let rows = db.register_projects(report).unwrap();
    assert_eq!(rows.len(), 276);
    assert!(
        rows.iter()
            .all(|r| r.note.as_deref() == Some(SYNTHETIC_NOTE))
    );
    assert_eq!(rows[0].serial, Some(1));
    assert_eq!(rows[0].office_code, "YS2024-001");
    assert_eq!(
        rows[0].total_investment_base,
        rows[0].total_investment * 10_000.0
    );

    // Every named project links to the report's project of the plan year.
    let names: Vec<(String, String, i64)> = db
        .projects(&govreport::ProjectFilter {
            year: Some(2024),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|p| (p.name.clone(), p.status.clone(), p.id))
        .collect();
    let id_of = |n: &str| names.iter().find(|p| p.0 == n).unwrap().2;
    for (written, report_name) in synthetic::NAMED_IN_REPORT {
        let row = rows.iter().find(|r| r.name == *written).unwrap();
        let expected = report_name.unwrap_or(written);
        assert_eq!(row.report_project_id, Some(id_of(expected)), "{written}");
        assert_eq!(row.report_project_name.as_deref(), Some(expected));
        let method = row.link_method.as_deref().unwrap();
        if report_name.is_none() {
            assert_eq!(method, "exact", "{written}");
        } else {
            assert_eq!(method, "normalized", "{written}");
        }
    }
    assert_eq!(done.linked, synthetic::NAMED_IN_REPORT.len());
    assert_eq!(
        rows.iter()
            .filter(|r| r.report_project_id.is_some())
            .count(),
        synthetic::NAMED_IN_REPORT.len(),
        "invented names link to nothing"
    );

    // The consistency report: its sums computed independently from the generated rows.
    let generated = synthetic::projects(&ProjectOptions::default());
    let total_yi = generated.iter().map(|p| p.total_wan).sum::<u64>() as f64 / 10_000.0;
    let annual_yi = generated.iter().map(|p| p.annual_wan).sum::<u64>() as f64 / 10_000.0;
    let c = db.register_consistency(report).unwrap();
    assert_eq!((c.rows, c.year, c.linked), (276, 2024, 15));
    let check = |m: &str| c.checks.iter().find(|k| k.metric == m).unwrap();
    assert_eq!(check("项目个数").report_value, Some(276.0));
    assert_eq!(check("项目个数").register_value, 276.0);
    assert_eq!(check("总投资").report_value, Some(514.7));
    assert_eq!(check("总投资").unit, "亿元");
    assert!((check("总投资").register_value - total_yi).abs() < 1e-6);
    assert!((check("年度完成投资").register_value - annual_yi).abs() < 1e-6);
    assert_eq!(check("年度完成投资").report_value, Some(214.0));
    assert!(c.all_consistent(), "{c:#?}");
    assert!(
        check("总投资")
            .quote
            .as_deref()
            .unwrap()
            .contains("276个重点项目")
    );
    let by_cat: i64 = c.by_category.iter().map(|k| k.count).sum();
    assert_eq!(by_cat, 276);
    let missing = generated
        .iter()
        .filter(|p| p.national_code.is_none())
        .count() as i64;
    assert_eq!(c.missing_national_code, missing);
    // Named projects the register does not carry are listed for review.
    assert!(
        c.report_projects_not_in_register
            .iter()
            .any(|(_, n)| n == "郑洛第三高速")
    );
    assert!(
        !c.report_projects_not_in_register
            .iter()
            .any(|(_, n)| n == "西亳大桥")
    );
}

#[test]
fn the_consistency_report_shows_differences() {
    let (mut db, report) = db();
    let options = ProjectOptions {
        rows: 270,
        total_wan: 5_000_000,
        annual_wan: 2_000_000,
        seed: 7,
    };
    let bytes = synthetic::project_register(&options, FileFormat::Csv).unwrap();
    db.import_projects_bytes(
        report,
        "short.csv",
        &bytes,
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    let c = db.register_consistency(report).unwrap();
    let check = |m: &str| c.checks.iter().find(|k| k.metric == m).unwrap().clone();
    assert_eq!(check("项目个数").difference, Some(-6.0));
    assert_eq!(check("项目个数").consistent, Some(false));
    assert!((check("总投资").difference.unwrap() - (-14.7)).abs() < 1e-9);
    assert!((check("年度完成投资").difference.unwrap() - (-14.0)).abs() < 1e-9);
    assert_eq!(check("总投资").tolerance, 0.05);
    assert!(!c.all_consistent());

    // Within the precision the report writes (514.7亿元 ± 0.05亿元) is consistent.
    let options = ProjectOptions {
        total_wan: 5_147_400,
        ..ProjectOptions::default()
    };
    let (mut db, report) = self::db();
    let bytes = synthetic::project_register(&options, FileFormat::Csv).unwrap();
    db.import_projects_bytes(
        report,
        "close.csv",
        &bytes,
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    let c = db.register_consistency(report).unwrap();
    let total = c.checks.iter().find(|k| k.metric == "总投资").unwrap();
    assert!((total.difference.unwrap() - 0.04).abs() < 1e-9);
    assert_eq!(total.consistent, Some(true));

    // An empty register: zero rows, every check inconsistent, nothing panics.
    let (db, report) = self::db();
    let c = db.register_consistency(report).unwrap();
    assert_eq!(c.rows, 0);
    assert!(c.checks.iter().all(|k| k.consistent == Some(false)));
    assert!(matches!(
        db.register_consistency(999),
        Err(Error::NotFound(_))
    ));
}

const HEADER: &str = "序号,项目代码,国家代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）,业主单位,责任单位,包保领导,计划开工时间";

fn bad_file() -> String {
    [
        HEADER,
        "1,YS-001,2403-410307-04-01-000001,合成好项目一,新开工,1000,500,合成公司,区工信局,包保领导01,2024-03-01",
        "2,,,缺代码项目,续建,1000,100,,,,",
        "3,YS-003,,非数字项目,新开工,一千万,100,,,,",
        "4,YS-004,,负数项目,新开工,-5,0,,,,",
        "5,YS-005,,坏类别项目,在建,100,10,,,,",
        "6,YS-006,12345,坏国家代码项目,新开工,100,10,,,,",
        "7,YS-007,,计划超总投资项目,新开工,100,200,,,,",
        "8,YS-008,,坏日期项目,新开工,100,10,,,,2024-02-30",
        "9,YS-009,,重复甲,续建,100,10,,,,",
        "10,YS-009,,重复乙,续建,100,10,,,,",
        "11,YS-011,,,新开工,100,10,,,,",
        "12,YS-012,,两个问题项目,未知,abc,10,,,,",
        "13,YS-013,,合成好项目二,预备,300,,,,,2025年6月",
    ]
    .join("\n")
}

#[test]
fn bad_rows_are_all_reported_and_nothing_is_imported() {
    let dir = TempDir::new("bad");
    let path = dir.file("office.db");
    let mut db = Db::open(&path).unwrap();
    let report = db.report().unwrap().id;
    // Something already in the register, which a failed import must leave as it is.
    import_csv(
        &mut db,
        report,
        "first.csv",
        &format!("{HEADER}\n1,YS-900,,合成旧项目,续建,10,5,,,,\n"),
    )
    .unwrap();
    let before = dump(&db);
    drop(db);
    let bytes_before = std::fs::read(&path).unwrap();

    let mut db = Db::open(&path).unwrap();
    let err = import_csv(&mut db, report, "bad.csv", &bad_file()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("bad.csv: 12 problem(s) in 11 row(s), nothing imported"),
        "{message}"
    );
    let ps = problems(err);
    let seen: Vec<(usize, &str, ProblemKind)> = ps
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.kind))
        .collect();
    assert_eq!(
        seen,
        vec![
            (3, "项目代码", ProblemKind::Missing),
            (4, "总投资（万元）", ProblemKind::NotANumber),
            (5, "总投资（万元）", ProblemKind::Negative),
            (6, "项目类别", ProblemKind::BadCategory),
            (7, "国家代码", ProblemKind::BadCode),
            (8, "年度计划投资（万元）", ProblemKind::PlanExceedsTotal),
            (9, "计划开工时间", ProblemKind::BadDate),
            (10, "项目代码", ProblemKind::DuplicateCode),
            (11, "项目代码", ProblemKind::DuplicateCode),
            (12, "项目名称", ProblemKind::Missing),
            (13, "项目类别", ProblemKind::BadCategory),
            (13, "总投资（万元）", ProblemKind::NotANumber),
        ]
    );
    assert_eq!(ps[1].value, "一千万");
    assert!(ps[6].reason.contains("does not exist"), "{}", ps[6].reason);
    assert!(ps[7].reason.contains("row 11"), "{}", ps[7].reason);
    assert!(ps[4].reason.contains("24 characters"), "{}", ps[4].reason);
    assert!(
        ps[0].to_string().starts_with("row 3, column 项目代码: "),
        "{}",
        ps[0]
    );

    assert_eq!(dump(&db), before, "nothing written");
    drop(db);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes_before,
        "the file is unchanged"
    );

    // The library error carries every problem too.
    let mut db = Db::open(&path).unwrap();
    let err: Error = import_csv(&mut db, report, "bad.csv", &bad_file())
        .unwrap_err()
        .into();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("row 13, column 总投资")),
        "{err}"
    );
}

#[test]
fn skip_bad_rows_imports_the_good_ones() {
    let (mut db, report) = db();
    let done = db
        .import_projects_bytes(
            report,
            "bad.csv",
            bad_file().as_bytes(),
            FileFormat::Csv,
            &ImportOptions {
                skip_bad_rows: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(done.inserted, 2);
    assert_eq!(done.rows_read, 13);
    assert_eq!(done.skipped.len(), 12);
    assert_eq!(done.skipped_rows(), (3..=13).collect::<Vec<_>>());
    let rows = db.register_projects(report).unwrap();
    let codes: Vec<&str> = rows.iter().map(|r| r.office_code.as_str()).collect();
    assert_eq!(codes, ["YS-001", "YS-013"]);
    assert_eq!(rows[1].planned_start.as_deref(), Some("2025-06"));
    assert_eq!(rows[1].annual_plan, None);
    assert_eq!(
        rows[0].national_code.as_deref(),
        Some("2403-410307-04-01-000001")
    );
}

#[test]
fn a_missing_required_column_fails_even_when_skipping() {
    let (mut db, report) = db();
    let err = db
        .import_projects_bytes(
            report,
            "nocat.csv",
            "项目代码,项目名称,总投资\nA,合成项目,1\n".as_bytes(),
            FileFormat::Csv,
            &ImportOptions {
                skip_bad_rows: true,
                ..Default::default()
            },
        )
        .unwrap_err();
    let ps = problems(err);
    assert_eq!(ps.len(), 1);
    assert_eq!((ps[0].row, ps[0].kind), (1, ProblemKind::BadHeader));
    assert!(ps[0].reason.contains("项目类别"));
    let err = import_csv(&mut db, report, "x.csv", "a,b\n1,2\n").unwrap_err();
    assert!(problems(err)[0].reason.contains("no header row"));
    assert_eq!(count(&db, "register_project"), 0);
}

#[test]
fn reimport_upserts_by_code() {
    let (mut db, report) = db();
    let bytes = synthetic_csv();
    db.import_projects_bytes(
        report,
        "v1.csv",
        &bytes,
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    let first = db.register_projects(report).unwrap();

    // The same file again: every row updated, none added.
    let again = db
        .import_projects_bytes(
            report,
            "v2.csv",
            &bytes,
            FileFormat::Csv,
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!((again.inserted, again.updated), (0, 276));
    assert_eq!(count(&db, "register_project"), 276);

    // Changed values: row 2's annual plan, row 3's name; row 1 found by its national code
    // although its office code changed.
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let nat1 = first[0].national_code.clone().unwrap();
    assert!(lines[2].contains(&nat1));
    lines[2] = lines[2].replace("YS2024-001", "YS2024-001A");
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[6] = "1".into();
    lines[3] = cells.join(",");
    lines[4] = lines[4].replace(&first[2].name, "合成改名项目");
    let changed = lines[..5].join("\n");
    let done = import_csv(&mut db, report, "v3.csv", &changed).unwrap();
    assert_eq!((done.inserted, done.updated), (0, 3));
    assert_eq!(count(&db, "register_project"), 276);
    let row1 = db.register_project(first[0].id).unwrap();
    assert_eq!(row1.office_code, "YS2024-001A");
    assert_eq!(row1.source, "v3.csv");
    assert_eq!(
        db.register_project(first[1].id).unwrap().annual_plan,
        Some(1.0)
    );
    assert_eq!(
        db.register_project(first[2].id).unwrap().name,
        "合成改名项目"
    );

    // Codes that point at two records conflict, and nothing is written.
    let before = dump(&db);
    let conflict = format!("{HEADER}\n1,YS2024-005,{nat1},冲突项目,新开工,100,10,,,,\n");
    let ps = problems(import_csv(&mut db, report, "c.csv", &conflict).unwrap_err());
    assert_eq!(ps[0].kind, ProblemKind::CodeConflict);
    assert_eq!(dump(&db), before);
}

#[test]
fn duplicate_codes_in_one_file_are_rejected() {
    let (mut db, report) = db();
    let nat = "2403-410307-04-01-000001";
    let text = format!(
        "{HEADER}\n1,A,{nat},合成甲,新开工,1,1,,,,\n2,B,{nat},合成乙,新开工,1,1,,,,\n3,B,,合成丙,新开工,1,1,,,,\n"
    );
    let ps = problems(import_csv(&mut db, report, "dup.csv", &text).unwrap_err());
    let seen: Vec<(usize, &str)> = ps.iter().map(|p| (p.row, p.column.as_str())).collect();
    assert_eq!(
        seen,
        [
            (2, "国家代码"),
            (3, "项目代码"),
            (3, "国家代码"),
            (4, "项目代码")
        ]
    );
    assert!(ps.iter().all(|p| p.kind == ProblemKind::DuplicateCode));
    assert_eq!(count(&db, "register_project"), 0);

    // Duplicates are found even among rows that are bad for other reasons, and named by the
    // file's own header.
    let text = "项目编码,项目名称,项目类别,总投资\nA,合成甲,在建,1\nA,合成乙,新开工,abc\n";
    let ps = problems(import_csv(&mut db, report, "dup2.csv", text).unwrap_err());
    let seen: Vec<(usize, &str, ProblemKind)> = ps
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.kind))
        .collect();
    assert_eq!(
        seen,
        [
            (2, "项目类别", ProblemKind::BadCategory),
            (2, "项目编码", ProblemKind::DuplicateCode),
            (3, "总投资", ProblemKind::NotANumber),
            (3, "项目编码", ProblemKind::DuplicateCode),
        ]
    );
}

#[test]
fn manual_links_survive_reimport_and_are_checked() {
    let (mut db, report) = db();
    import_csv(
        &mut db,
        report,
        "a.csv",
        &format!("{HEADER}\n1,M-1,,合成未知项目,续建,10,1,,,,\n"),
    )
    .unwrap();
    let row = db.register_projects(report).unwrap().remove(0);
    assert_eq!(row.report_project_id, None);
    let target = db
        .projects(&govreport::ProjectFilter {
            text: Some("郑洛第三高速".into()),
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    db.link_register_project(row.id, Some(target)).unwrap();
    import_csv(
        &mut db,
        report,
        "b.csv",
        &format!("{HEADER}\n1,M-1,,合成未知项目,续建,10,2,,,,\n"),
    )
    .unwrap();
    let row = db.register_project(row.id).unwrap();
    assert_eq!(
        (row.report_project_id, row.link_method.as_deref()),
        (Some(target), Some("manual"))
    );
    assert!(matches!(
        db.link_register_project(row.id, Some(99_999)),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.link_register_project(99_999, None),
        Err(Error::NotFound(_))
    ));
    db.link_register_project(row.id, None).unwrap();
    assert_eq!(db.register_project(row.id).unwrap().link_method, None);
    let err = import_csv(
        &mut db,
        42,
        "c.csv",
        &format!("{HEADER}\n1,M-2,,合成,续建,10,2,,,,\n"),
    )
    .unwrap_err();
    assert!(
        matches!(err, ImportError::Other(Error::NotFound(_))),
        "{err}"
    );
}

fn comparable(db: &Db, report: i64) -> Vec<String> {
    db.register_projects(report)
        .unwrap()
        .into_iter()
        .map(|mut r| {
            r.id = 0;
            r.imported_at.clear();
            r.source.clear();
            format!("{r:?}")
        })
        .collect()
}

#[test]
fn xlsx_and_csv_exports_import_back_unchanged() {
    let dir = TempDir::new("roundtrip");
    let (mut db, report) = db();
    db.import_projects_bytes(
        report,
        "s.csv",
        &synthetic_csv(),
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    let original = comparable(&db, report);
    let formats: &[&str] = if cfg!(feature = "xlsx") {
        &["xlsx", "csv"]
    } else {
        &["csv"]
    };
    for ext in formats {
        let path = dir.file(&format!("export.{ext}"));
        assert_eq!(db.export_projects_to(report, &path).unwrap(), 276);
        let (mut fresh, r2) = self::db();
        let done = fresh
            .import_projects(r2, &path, &ImportOptions::default())
            .unwrap();
        assert_eq!(done.inserted, 276, "{ext}");
        assert_eq!(done.ignored_columns, ["报告所列项目", "关联方式"], "{ext}");
        assert_eq!(comparable(&fresh, r2), original, "{ext}");
        assert_eq!(
            fresh.register_projects(r2).unwrap()[0].source,
            format!("export.{ext}")
        );
    }
    // The synthetic generator writes XLSX too, with its title row.
    #[cfg(feature = "xlsx")]
    {
        let xlsx =
            synthetic::project_register(&ProjectOptions::default(), FileFormat::Xlsx).unwrap();
        let (mut fresh, r2) = self::db();
        let done = fresh
            .import_projects_bytes(
                r2,
                "s.xlsx",
                &xlsx,
                FileFormat::Xlsx,
                &ImportOptions::default(),
            )
            .unwrap();
        assert_eq!((done.inserted, done.header_row), (276, 2));
        assert_eq!(comparable(&fresh, r2), original);
    }
    #[cfg(not(feature = "xlsx"))]
    {
        let err = db.export_projects(report, FileFormat::Xlsx).unwrap_err();
        assert!(err.to_string().contains("`xlsx` feature"), "{err}");
    }
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_cells_of_every_type_are_read() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write_string(0, 0, "SYNTHETIC 测试").unwrap();
    for (c, h) in [
        "项目编码",
        "项目名称",
        "建设阶段",
        "总投资\n（亿元）",
        "2024年计划投资（万元）",
        "计划开工日期",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(2, c as u16, *h).unwrap();
    }
    s.write_number(3, 0, 101.0).unwrap();
    s.write_string(3, 1, "合成日期项目").unwrap();
    s.write_string(3, 2, "新开工项目").unwrap();
    s.write_number(3, 3, 1.25).unwrap();
    s.write_number(3, 4, 3000.0).unwrap();
    let date = ExcelDateTime::from_ymd(2024, 4, 15).unwrap();
    s.write_datetime_with_format(3, 5, &date, &Format::new().set_num_format("yyyy-mm-dd"))
        .unwrap();
    s.write_string(4, 0, "合计").unwrap();
    s.write_number(4, 3, 1.25).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (mut db, report) = db();
    let done = db
        .import_projects_bytes(
            report,
            "t.xlsx",
            &bytes,
            FileFormat::Xlsx,
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!(done.header_row, 3);
    assert_eq!(
        done.ignored_rows,
        [1, 2, 5],
        "title row, blank row and total row"
    );
    let r = &db.register_projects(report).unwrap()[0];
    assert_eq!(r.office_code, "101");
    assert_eq!(r.category, "新开工");
    assert_eq!(
        r.total_investment, 12_500.0,
        "亿元 header converted to 万元"
    );
    assert_eq!(r.total_investment_base, 125_000_000.0);
    assert_eq!(r.annual_plan, Some(3000.0));
    assert_eq!(r.planned_start.as_deref(), Some("2024-04-15"));
}

#[test]
fn csv_with_a_bom_tabs_and_aliases_is_read() {
    let (mut db, report) = db();
    let text = "\u{feff}项目编号\t名称\t类别\t计划总投资(万元)\t年度投资计划(万元)\t建设单位\t牵头单位\t分包领导\t开工时间\n\
                T-1\t 合成制表符项目 \t续建\t\"1,200.5\"\t—\t合成公司\t区发展改革委\t包保领导09\t2023/9/1\n";
    let done = import_csv(&mut db, report, "tabs.tsv", text).unwrap();
    assert_eq!(done.inserted, 1);
    let r = &db.register_projects(report).unwrap()[0];
    assert_eq!(
        (r.office_code.as_str(), r.name.as_str()),
        ("T-1", "合成制表符项目")
    );
    assert_eq!(r.total_investment, 1200.5);
    assert_eq!(r.annual_plan, None, "— is an empty cell");
    assert_eq!(r.owner.as_deref(), Some("合成公司"));
    assert_eq!(r.leader.as_deref(), Some("包保领导09"));
    assert_eq!(r.planned_start.as_deref(), Some("2023-09-01"));
    assert_eq!(FileFormat::from_path("a.XLSX").unwrap(), FileFormat::Xlsx);
    assert!(FileFormat::from_path("a.pdf").is_err());
}

#[cfg(feature = "gbk")]
#[test]
fn gbk_csv_is_detected() {
    let text =
        format!("{HEADER}\n1,G-1,,合成编码项目（二期）,竣工,88,8,偃师合成公司,,,2022年5月\n");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let (mut db, report) = db();
    db.import_projects_bytes(
        report,
        "gbk.csv",
        &gbk,
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    let r = &db.register_projects(report).unwrap()[0];
    assert_eq!(r.name, "合成编码项目（二期）");
    assert_eq!(r.owner.as_deref(), Some("偃师合成公司"));
    assert_eq!(r.planned_start.as_deref(), Some("2022-05"));
    // Bytes that are neither UTF-8 nor GB18030 are refused with a clear error.
    let err = db
        .import_projects_bytes(
            report,
            "bin.csv",
            &[0x81, 0x20, 0xff, 0xfe, 0x30],
            FileFormat::Csv,
            &ImportOptions::default(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("neither UTF-8"), "{err}");
}

// ------------------------------------------------------------------------------------------
// Villages
// ------------------------------------------------------------------------------------------

const VILLAGE_HEADER: &str = "统计用区划代码,名称,乡镇,城乡分类代码,年份,集体经济收入（万元）,五星支部星级,乡里中心,荣誉称号";

/// SYNTHETIC: two towns (one created from the 乡镇 column), five villages, one community,
/// two years, with numbers chosen so that every roll-up line is known.
fn village_file() -> String {
    [
        "SYNTHETIC 合成村庄台账",
        VILLAGE_HEADER,
        "410307101000,岳滩镇,,,,,,,",
        "410307101201,岳滩村,,220,2023,40,4,是,",
        "410307101201,岳滩村,,220,2024,60,五星,是,省级乡村建设示范村、省级森林乡村",
        "410307101202,王庄村,,220,2023,12,3,否,",
        "410307101202,王庄村,,220,2024,16,四星,是,",
        "410307101203,李庄村,,220,2023,55,3,否,",
        "410307101203,李庄村,,220,2024,120,4,否,",
        "410307101204,张寨村,,220,2023,105,5,是,",
        "410307101204,张寨村,,220,2024,130,★★★★★,是,",
        "410307104201,缑氏村,缑氏镇,220,2023,30,2,是,",
        "410307104201,缑氏村,缑氏镇,220,2024,14,3,是,",
        "410307104001,齐庄社区,缑氏镇,111,2023,48,3,,",
        "410307104001,齐庄社区,缑氏镇,111,2024,52,4,,",
    ]
    .join("\n")
}

fn import_villages(
    db: &mut Db,
    report: i64,
    name: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<govreport::ImportSummary, ImportError> {
    db.import_villages_bytes(report, name, text.as_bytes(), FileFormat::Csv, options)
}

#[test]
fn villages_import_with_towns_links_and_yearly_records() {
    let (mut db, report) = db();
    let done = import_villages(
        &mut db,
        report,
        "villages.csv",
        &village_file(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(done.rows_read, 13);
    assert_eq!(done.inserted, 8, "2 towns (one created) and 6 villages");
    assert_eq!(done.years_written, 12);
    assert_eq!(
        done.towns_created,
        [("410307104000".to_owned(), "缑氏镇".to_owned())]
    );
    let places = db.register_places(report).unwrap();
    assert_eq!(places.len(), 8);
    let by_code = |c: &str| db.register_place_by_code(report, c).unwrap();
    let town = by_code("410307101000");
    assert_eq!((town.kind.as_str(), town.town_id), ("town", None));
    let yt = by_code("410307101201");
    assert_eq!(
        (yt.kind.as_str(), yt.town_id, yt.town_code.as_str()),
        ("village", Some(town.id), "410307101000")
    );
    assert_eq!(by_code("410307104001").kind, "community");
    // Links to the places the report names.
    let report_place = |name: &str| {
        db.places(&govreport::PlaceFilter {
            name: Some(name.into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
        .id
    };
    assert_eq!(yt.report_place_id, Some(report_place("岳滩村")));
    assert_eq!(town.report_place_id, Some(report_place("岳滩镇")));
    assert_eq!(
        by_code("410307104000").report_place_id,
        Some(report_place("缑氏镇"))
    );
    assert_eq!(
        by_code("410307104201").report_place_id,
        Some(report_place("缑氏村")),
        "a village links to the village, not the town"
    );
    assert_eq!(
        by_code("410307104001").report_place_id,
        Some(report_place("齐庄社区"))
    );
    assert_eq!(by_code("410307101202").report_place_id, None);
    assert_eq!(done.linked, 5);

    let years = db.village_years(report, 2024).unwrap();
    assert_eq!(years.len(), 6);
    let y = years.iter().find(|y| y.place_id == yt.id).unwrap();
    assert_eq!(
        (y.collective_income, y.collective_income_base),
        (Some(60.0), Some(600_000.0))
    );
    assert_eq!((y.star_rating, y.li_center_built), (Some(5), Some(true)));
    assert_eq!(y.designations, ["省级乡村建设示范村", "省级森林乡村"]);
}

#[test]
fn the_village_rollup_reads_targets_from_the_report() {
    let (mut db, report) = db();
    import_villages(
        &mut db,
        report,
        "villages.csv",
        &village_file(),
        &ImportOptions::default(),
    )
    .unwrap();
    let r = db.village_rollup(report, 2024).unwrap();
    assert_eq!((r.places, r.villages, r.places_with_income), (6, 5, 6));
    let line = |k: &str| {
        r.line(k)
            .unwrap_or_else(|| panic!("no line {k}: {r:#?}"))
            .clone()
    };

    let floor = line("income_floor");
    assert_eq!(
        (floor.target_value, floor.actual, floor.met),
        (Some(15.0), 5.0, Some(false))
    );
    assert!(floor.detail.contains("1 below"), "{}", floor.detail);
    assert!(floor.quote.contains("15万元以上"));

    let fifty = line("income_50_increase");
    assert_eq!(
        (fifty.target_value, fifty.actual, fifty.met),
        (Some(10.0), 2.0, Some(false))
    );
    assert!(
        fifty.detail.contains("4 villages") && fifty.detail.contains("2 in 2023"),
        "{}",
        fifty.detail
    );
    let hundred = line("income_100_increase");
    assert_eq!(
        (hundred.target_value, hundred.actual, hundred.met),
        (Some(5.0), 1.0, Some(false))
    );

    let five = line("stars_5");
    assert_eq!(
        (five.target_value, five.actual, five.met),
        (Some(7.0), 2.0, Some(false))
    );
    let four = line("stars_4");
    assert_eq!(
        (four.target_value, four.actual, four.met),
        (Some(34.0), 3.0, Some(false))
    );

    let center = line("li_center");
    assert_eq!(
        (
            center.target_id,
            center.target_value,
            center.actual,
            center.met
        ),
        (None, Some(5.0), 4.0, Some(false))
    );
    assert!(center.quote.contains("全覆盖"), "{}", center.quote);
    assert_eq!(r.lines.len(), 6);

    // The target ids are the report's own targets.
    for l in r.lines.iter().filter(|l| l.target_id.is_some()) {
        let t = db.target(l.target_id.unwrap()).unwrap();
        assert_eq!(t.metric, l.metric);
    }

    // A correction for one village (upsert of its 2024 record) meets the floor; a file
    // without the income column leaves the stored income alone.
    let fix = format!("{VILLAGE_HEADER}\n410307104201,缑氏村,缑氏镇,220,2024,20,3,是,\n");
    let done =
        import_villages(&mut db, report, "fix.csv", &fix, &ImportOptions::default()).unwrap();
    assert_eq!((done.inserted, done.updated, done.years_written), (0, 1, 1));
    let r = db.village_rollup(report, 2024).unwrap();
    assert_eq!(r.line("income_floor").unwrap().met, Some(true));
    let stars_only = "区划代码,名称,星级\n410307101203,李庄村,5\n";
    import_villages(
        &mut db,
        report,
        "stars.csv",
        stars_only,
        &ImportOptions {
            year: Some(2024),
            ..Default::default()
        },
    )
    .unwrap();
    let r = db.village_rollup(report, 2024).unwrap();
    assert_eq!(r.line("stars_5").unwrap().actual, 3.0);
    assert_eq!(
        r.line("income_100_increase").unwrap().actual,
        1.0,
        "income kept"
    );

    // 2023: the report sets no 2023 village targets; 2025 has no records either.
    assert!(db.village_rollup(report, 2023).unwrap().lines.is_empty());
    assert!(matches!(
        db.village_rollup(report + 100, 2024),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn bad_village_rows_are_all_reported_and_nothing_is_imported() {
    let (mut db, report) = db();
    let text = [
        "统计用区划代码,名称,乡镇,年份,集体经济收入（万元）,五星支部星级,乡里中心,类型",
        "410307101000,岳滩镇,,,,,,镇",
        "41030710120,短代码村,,2024,20,3,是,",
        "410307000000,合成县,,,,,,",
        "410307109201,无镇村,,2024,20,3,是,",
        "410307101205,星级错村,,2024,20,6,是,",
        "410307101206,收入错村,,2024,abc,3,是,",
        "410307101207,中心错村,,2024,20,3,也许,",
        "410307101208,类型错村,,2024,20,3,是,镇",
        "410307101209,城乡错村,,2024,-1,3,是,",
        "410307101210,好村,,2024,20,3,是,村",
        "410307101210,好村,,2024,21,3,是,村",
        "410307101211,,,,,,,",
    ]
    .join("\n");
    let before = dump(&db);
    let ps = problems(
        import_villages(&mut db, report, "bad.csv", &text, &ImportOptions::default()).unwrap_err(),
    );
    let seen: Vec<(usize, ProblemKind)> = ps.iter().map(|p| (p.row, p.kind)).collect();
    assert_eq!(
        seen,
        [
            (3, ProblemKind::BadCode),
            (4, ProblemKind::BadCode),
            (5, ProblemKind::UnknownTown),
            (6, ProblemKind::BadValue),
            (7, ProblemKind::NotANumber),
            (8, ProblemKind::BadValue),
            (9, ProblemKind::BadValue),
            (10, ProblemKind::Negative),
            (11, ProblemKind::DuplicateCode),
            (12, ProblemKind::DuplicateCode),
            (13, ProblemKind::Missing),
        ]
    );
    assert_eq!(ps[0].column, "统计用区划代码");
    assert!(ps[1].reason.contains("county"), "{}", ps[1].reason);
    assert_eq!(ps[2].column, "乡镇");
    assert_eq!(ps[3].column, "五星支部星级");
    assert!(ps[6].reason.contains("contradicts"), "{}", ps[6].reason);
    assert_eq!(dump(&db), before);

    // Skipping: the town and nothing else that is bad; yearly values without a year are bad.
    let done = import_villages(
        &mut db,
        report,
        "bad.csv",
        &text,
        &ImportOptions {
            skip_bad_rows: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(done.inserted, 1);
    assert_eq!(done.skipped_rows(), (3..=13).collect::<Vec<_>>());
    let ps = problems(
        import_villages(
            &mut db,
            report,
            "noyear.csv",
            "区划代码,名称,集体经济收入\n410307101220,合成村,20\n",
            &ImportOptions::default(),
        )
        .unwrap_err(),
    );
    assert_eq!(
        (ps[0].kind, ps[0].column.as_str()),
        (ProblemKind::Missing, "年份")
    );
}

#[test]
fn the_synthetic_village_register_imports() {
    let bytes = synthetic::village_register(3, &[2023, 2024], FileFormat::Csv).unwrap();
    let (mut db, report) = db();
    let done = db
        .import_villages_bytes(
            report,
            "v.csv",
            &bytes,
            FileFormat::Csv,
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!(done.inserted, 210);
    assert_eq!(done.years_written, 400);
    assert!(done.towns_created.is_empty());
    let r = db.village_rollup(report, 2024).unwrap();
    assert_eq!((r.places, r.places_with_income), (200, 200));
    assert_eq!(r.line("income_floor").unwrap().met, Some(true));
    assert_eq!(r.lines.len(), 6);
    #[cfg(feature = "xlsx")]
    {
        let xlsx = synthetic::village_register(3, &[2024], FileFormat::Xlsx).unwrap();
        let (mut db2, report2) = self::db();
        let done = db2
            .import_villages_bytes(
                report2,
                "v.xlsx",
                &xlsx,
                FileFormat::Xlsx,
                &ImportOptions::default(),
            )
            .unwrap();
        assert_eq!((done.inserted, done.years_written), (210, 200));
    }
}
