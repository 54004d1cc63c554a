//! The 任务分解表 out and back in: the draft (columns, numbering, print setup), a SYNTHETIC
//! filled table imported as tasks (CSV and XLSX), the inline form of published tables, bad
//! rows (all reported, nothing written), re-imports that change nothing, and API edits that
//! survive a re-import unless the table changes the same field.

mod common;

use std::collections::BTreeSet;

use common::TempDir;
use govreport::commitments::decomposition::synthetic::{
    FilledRow, SYNTHETIC_TITLE, encode_filled, filled_rows,
};
use govreport::commitments::decomposition::{DecompositionField, DecompositionOptions};
use govreport::registers::ProblemKind;
use govreport::tracking::TaskUpdate;
use govreport::{CommitmentFilter, Db, Error, FileFormat, ImportError, RowProblem, Task};

const REPORT: i64 = 1;
/// Data rows of a filled table start on row 3: the SYNTHETIC title, then the header.
const FIRST_ROW: usize = 3;

fn db() -> Db {
    Db::open_default().unwrap()
}

fn opts() -> DecompositionOptions {
    DecompositionOptions::default()
}

/// XLSX when the feature is on, else CSV.
fn xlsx_or_csv() -> FileFormat {
    if cfg!(feature = "xlsx") {
        FileFormat::Xlsx
    } else {
        FileFormat::Csv
    }
}

fn formats() -> Vec<FileFormat> {
    if cfg!(feature = "xlsx") {
        vec![FileFormat::Csv, FileFormat::Xlsx]
    } else {
        vec![FileFormat::Csv]
    }
}

fn import(
    db: &mut Db,
    rows: &[FilledRow],
    format: FileFormat,
) -> Result<govreport::DecompositionSummary, ImportError> {
    let bytes = encode_filled(rows, format).unwrap();
    db.import_decomposition_bytes(REPORT, "分解表", &bytes, format, &opts())
}

fn bad_rows(e: ImportError) -> Vec<RowProblem> {
    match e {
        ImportError::BadRows { problems, .. } => problems,
        other => panic!("expected bad rows, got {other}"),
    }
}

/// Names of a list cell as the module docs say offices write them.
fn names(cell: &str) -> Vec<String> {
    cell.split(['、', '，', ',', '；', ';', ' ', '\u{3000}'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a filled row should give: (lead, supporting units sorted, leader).
fn expected_units(r: &FilledRow) -> (Option<String>, Vec<String>, Option<String>) {
    let mut all: Vec<String> = names(&r.lead);
    all.extend(names(&r.support));
    let lead = all.first().cloned();
    let mut support: Vec<String> = Vec::new();
    for u in all.iter().skip(1) {
        if Some(u) != lead.as_ref() && !support.contains(u) {
            support.push(u.clone());
        }
    }
    support.sort();
    let leader = (!r.leader.is_empty()).then(|| names(&r.leader).join("、"));
    (lead, support, leader)
}

fn task_units(t: &Task) -> (Option<String>, Vec<String>, Option<String>) {
    let mut support: Vec<String> = t.support_units.iter().map(|u| u.name.clone()).collect();
    support.sort();
    (
        t.lead_unit.as_ref().map(|u| u.name.clone()),
        support,
        t.leader.clone(),
    )
}

/// Every row of the tables an import writes, as text, for before/after comparisons.
fn rows_of(db: &Db) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT * FROM task ORDER BY id",
        "SELECT * FROM org_unit ORDER BY id",
        "SELECT * FROM task_support_org_unit ORDER BY task_id, org_unit_id",
    ] {
        let mut st = db.connection().prepare(sql).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{sql}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

/// The imported task of the commitment with 序号 `serial`.
fn task_of(db: &Db, rows: &[FilledRow], serial: &str) -> Task {
    let at = rows.iter().position(|r| r.serial == serial).unwrap();
    let commitment = db.decomposition_rows(REPORT).unwrap()[at].commitment_id;
    db.tasks(Some(REPORT))
        .unwrap()
        .into_iter()
        .find(|t| t.commitment_id == Some(commitment))
        .unwrap_or_else(|| panic!("no task for {serial}"))
}

#[test]
fn the_draft_has_one_row_per_commitment_in_the_offices_columns() {
    let db = db();
    let commitments = db
        .commitments(&CommitmentFilter {
            report_id: Some(REPORT),
            ..Default::default()
        })
        .unwrap();
    let csv = db
        .decomposition_draft_bytes(REPORT, FileFormat::Csv)
        .unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&csv[3..]);
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        records[0],
        [
            "序号",
            "类别",
            "工作任务",
            "量化指标",
            "牵头单位",
            "责任单位",
            "责任领导",
            "完成时限"
        ]
    );
    let rows = &records[1..];
    assert_eq!(rows.len(), 143);
    for (row, c) in rows.iter().zip(&commitments) {
        assert_eq!(row[1], c.area_title);
        assert_eq!(row[2], c.quote);
        let targets: Vec<String> = c
            .target_ids
            .iter()
            .map(|t| db.target(*t).unwrap().quote)
            .collect();
        assert_eq!(row[3], targets.join("；"));
        assert!(row[4..7].iter().all(String::is_empty), "{row:?}");
        assert_eq!(
            row[7],
            c.deadline_text.clone().unwrap_or_else(|| "年底前".into())
        );
    }
    let serials: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(&serials[..3], ["目标.1", "目标.2", "目标.3"]);
    assert_eq!(serials[13], "一.1");
    assert_eq!(serials[14], "一.2");
    assert_eq!(serials[23], "二.1"); // area （一） has 10 commitments
    assert_eq!(serials[142], "自身建设.4");
    assert!(serials.contains(&"十.9") && !serials.contains(&"十.10"));
    // Six commitments state their deadline; the rest print 年底前.
    let stated: Vec<&str> = rows
        .iter()
        .zip(&commitments)
        .filter(|(_, c)| c.deadline_text.is_some())
        .map(|(r, _)| r[7].as_str())
        .collect();
    assert_eq!(stated.len(), 6);
    assert!(stated.contains(&"6月底前") && stated.contains(&"10月底"));
    // A quantitative commitment with several targets lists them all.
    let many = rows
        .iter()
        .zip(&commitments)
        .find(|(_, c)| c.target_ids.len() > 2)
        .unwrap();
    assert_eq!(many.0[3].matches('；').count(), many.1.target_ids.len() - 1);
}

#[cfg(feature = "xlsx")]
#[test]
fn the_xlsx_draft_prints_as_is() {
    use calamine::{Data, Reader};
    use std::io::Read;
    let db = db();
    let bytes = db
        .decomposition_draft_bytes(REPORT, FileFormat::Xlsx)
        .unwrap();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(&bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        text(0, 0),
        "洛阳市偃师区2024年《政府工作报告》重点工作任务分解"
    );
    assert_eq!(text(1, 0), "序号");
    assert_eq!(text(1, 7), "完成时限");
    assert_eq!(text(2, 0), "目标.1");
    assert_eq!(range.height(), 2 + 143);
    let csv = db.decomposition_rows(REPORT).unwrap();
    for (i, row) in csv.iter().enumerate() {
        let r = i as u32 + 2;
        assert_eq!(
            [text(r, 0), text(r, 2), text(r, 3), text(r, 7)],
            [
                row.serial.clone(),
                row.task.clone(),
                row.indicators.clone(),
                row.deadline_text.clone()
            ]
        );
    }
    // Page setup: landscape A4 fitted to one page wide, header row on every page, wrapped text.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let sheet = part("xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"orientation="landscape""#), "{sheet}");
    assert!(sheet.contains(r#"paperSize="9""#));
    assert!(sheet.contains(r#"fitToHeight="0""#) && sheet.contains("fitToPage=\"1\""));
    assert!(sheet.contains(r#"<mergeCell ref="A1:H1"/>"#));
    let workbook = part("xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Titles") && workbook.contains("$2:$2"),
        "{workbook}"
    );
    assert!(part("xl/styles.xml").contains(r#"wrapText="1""#));
}

#[test]
fn an_existing_output_path_is_refused_and_left_unchanged() {
    let db = db();
    let dir = TempDir::new("decomposition-draft");
    for format in formats() {
        let path = dir.file(&format!("draft.{}", format.code()));
        assert_eq!(db.decomposition_draft(REPORT, &path, format).unwrap(), 143);
        let before = std::fs::read(&path).unwrap();
        let e = db.decomposition_draft(REPORT, &path, format).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidArgument(m) if m.contains("exists")),
            "{e}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let other = dir.file("other.txt");
        std::fs::write(&other, "office notes").unwrap();
        db.decomposition_draft(REPORT, &other, format).unwrap_err();
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "office notes");
    }
    // An unknown report, a directory that does not exist.
    assert!(matches!(
        db.decomposition_draft_bytes(99, FileFormat::Csv),
        Err(Error::NotFound(_))
    ));
    let e = db
        .decomposition_draft(REPORT, dir.file("no/such/dir.csv"), FileFormat::Csv)
        .unwrap_err();
    assert!(matches!(e, Error::Io(_)), "{e}");
}

#[test]
fn a_filled_table_imports_as_one_task_per_commitment() {
    for format in formats() {
        let mut db = db();
        let dir = TempDir::new("decomposition-roundtrip");
        let rows = filled_rows(&db, REPORT, 7).unwrap();
        let path = dir.file(&format!("filled.{}", format.code()));
        std::fs::write(&path, encode_filled(&rows, format).unwrap()).unwrap();
        let units_before = db.org_units().unwrap().len();
        let done = db.import_decomposition(REPORT, &path, &opts()).unwrap();
        assert_eq!(done.source, format!("filled.{}", format.code()));
        assert_eq!(
            (done.header_row, done.ignored_rows.as_slice()),
            (2, &[1][..])
        );
        assert_eq!((done.rows_read, done.created, done.updated), (143, 143, 0));
        assert!(done.overwritten_edits.is_empty() && done.tasks_without_row.is_empty());
        let mentioned: BTreeSet<String> = rows
            .iter()
            .flat_map(|r| names(&r.lead).into_iter().chain(names(&r.support)))
            .collect();
        assert_eq!(done.units_created.len(), mentioned.len());
        assert_eq!(
            db.org_units().unwrap().len(),
            units_before + mentioned.len()
        );

        let commitments = db
            .commitments(&CommitmentFilter {
                report_id: Some(REPORT),
                ..Default::default()
            })
            .unwrap();
        let tasks = db.tasks(Some(REPORT)).unwrap();
        assert_eq!(tasks.len(), 143);
        for (r, c) in rows.iter().zip(&commitments) {
            let t = tasks
                .iter()
                .find(|t| t.commitment_id == Some(c.id))
                .unwrap();
            assert_eq!(t.title, c.quote);
            assert_eq!(task_units(t), expected_units(r), "{}", r.serial);
            if r.deadline.is_empty() {
                assert_eq!(
                    (t.deadline.as_deref(), t.deadline_source.as_str()),
                    (Some(c.deadline.as_str()), "commitment")
                );
                assert_eq!(t.deadline_text, None);
            } else {
                let want = govreport::time::deadline_from_text(&r.deadline, 2024).unwrap();
                assert_eq!(
                    (t.deadline.as_deref(), t.deadline_source.as_str()),
                    (Some(want.as_str()), "set")
                );
                assert_eq!(t.deadline_text.as_deref(), Some(r.deadline.as_str()));
            }
            match c.target_ids.as_slice() {
                [one] => {
                    assert_eq!(t.target_id, Some(*one));
                    assert_eq!(t.unit, Some(db.target(*one).unwrap().unit));
                }
                _ => assert_eq!((t.target_id, t.unit.as_deref()), (None, None)),
            }
        }
        // The rows exercised every rule: a two-unit 牵头单位, a changed and an empty deadline.
        assert!(rows.iter().any(|r| names(&r.lead).len() == 2));
        assert!(rows.iter().any(|r| r.deadline.is_empty()));
        assert!(
            rows.iter()
                .any(|r| r.deadline == "三季度" || r.deadline.contains("2024"))
        );
        assert!(commitments.iter().any(|c| c.target_ids.len() > 1));
    }
}

#[test]
fn the_inline_form_of_published_tables_gives_the_units() {
    let mut db = db();
    let mut rows = filled_rows(&db, REPORT, 11).unwrap();
    // 目标.1: the units in the text only; 一.1: in the text and the cells, agreeing;
    // 一.2: the labelled form; 一.3: 负责, its first unit leads.
    let move_inline = |r: &mut FilledRow, annotation: String, keep_cells: bool| {
        r.task = format!("{}{annotation}", r.task);
        if !keep_cells {
            r.lead.clear();
            r.support.clear();
        }
    };
    let at = |rows: &[FilledRow], s: &str| rows.iter().position(|r| r.serial == s).unwrap();
    let (a, b, c, d) = (
        at(&rows, "目标.1"),
        at(&rows, "一.1"),
        at(&rows, "一.2"),
        at(&rows, "一.3"),
    );
    rows[a].lead = "合成测试甲局".into();
    rows[a].support = "合成测试乙办、合成测试丙委".into();
    move_inline(
        &mut rows[a],
        "（合成测试甲局牵头，合成测试乙办、合成测试丙委配合）".into(),
        false,
    );
    rows[b].lead = "合成测试丁局".into();
    rows[b].support = "合成测试戊办".into();
    move_inline(
        &mut rows[b],
        "（合成测试丁局牵头，合成测试戊办配合）".into(),
        true,
    );
    rows[c].lead = "合成测试己局".into();
    rows[c].support = "合成测试庚委，合成测试辛办".into();
    move_inline(
        &mut rows[c],
        "(牵头单位：合成测试己局；责任单位：合成测试庚委、合成测试辛办)".into(),
        false,
    );
    rows[d].lead = String::new();
    rows[d].support = "合成测试壬局".into();
    move_inline(
        &mut rows[d],
        "（合成测试壬局、合成测试癸委负责）".into(),
        false,
    );
    let done = import(&mut db, &rows, FileFormat::Csv).unwrap();
    assert_eq!(done.created, 143);
    let want = |lead: &str, support: &[&str]| {
        let mut s: Vec<String> = support.iter().map(|x| x.to_string()).collect();
        s.sort();
        (Some(lead.to_owned()), s)
    };
    let got = |serial: &str| {
        let t = task_of(&db, &rows, serial);
        let (lead, support, _) = task_units(&t);
        assert!(
            !t.title.contains('（') && !t.title.contains('('),
            "{}",
            t.title
        );
        (lead, support)
    };
    assert_eq!(
        got("目标.1"),
        want("合成测试甲局", &["合成测试乙办", "合成测试丙委"])
    );
    assert_eq!(got("一.1"), want("合成测试丁局", &["合成测试戊办"]));
    assert_eq!(
        got("一.2"),
        want("合成测试己局", &["合成测试庚委", "合成测试辛办"])
    );
    assert_eq!(got("一.3"), want("合成测试壬局", &["合成测试癸委"]));
}

#[test]
fn every_bad_row_is_reported_and_nothing_is_written() {
    let mut db = db();
    let mut rows = filled_rows(&db, REPORT, 3).unwrap();
    let other_quote = rows[20].task.clone();
    rows[0].serial = "十一.1".into(); // unknown 序号
    rows[1].task.push_str("，并超额完成"); // not the drafted text
    rows[2].task = other_quote; // the text of another row
    rows[3].deadline = "尽快".into(); // not a deadline
    rows[4].deadline = "2031年底前".into(); // after the window
    rows[5].deadline = "2023年6月底前".into(); // before the plan year
    rows[6].lead = "合成测试甲局".into(); // conflicts with the annotation
    rows[6].task.push_str("（合成测试乙局牵头）");
    rows[8].serial = rows[7].serial.clone(); // the same commitment twice
    rows[9].task.clear(); // missing
    let before = rows_of(&db);
    for format in formats() {
        let problems = bad_rows(import(&mut db, &rows, format).unwrap_err());
        let find = |row: usize, column: &str| {
            problems
                .iter()
                .find(|p| p.row == row && p.column == column)
                .unwrap_or_else(|| panic!("no problem at row {row}, {column}: {problems:#?}"))
        };
        let p = find(FIRST_ROW, "序号");
        assert_eq!(
            (p.value.as_str(), p.kind),
            ("十一.1", ProblemKind::BadValue)
        );
        let p = find(FIRST_ROW + 1, "工作任务");
        assert!(
            p.value.ends_with("并超额完成") && p.reason.contains("目标.2"),
            "{p}"
        );
        let p = find(FIRST_ROW + 2, "工作任务");
        assert!(
            p.reason.contains(&rows[20].serial) && p.reason.contains("moved"),
            "{p}"
        );
        let p = find(FIRST_ROW + 3, "完成时限");
        assert_eq!((p.value.as_str(), p.kind), ("尽快", ProblemKind::BadDate));
        assert!(
            p.reason.contains("6月底前"),
            "the reason lists the forms: {p}"
        );
        let p = find(FIRST_ROW + 4, "完成时限");
        assert!(
            p.reason.contains("2029-12-31") && p.value == "2031年底前",
            "{p}"
        );
        let p = find(FIRST_ROW + 5, "完成时限");
        assert!(p.reason.contains("2024-01-01"), "{p}");
        let p = find(FIRST_ROW + 6, "牵头单位");
        assert!(
            p.reason.contains("合成测试乙局") && p.reason.contains("合成测试甲局"),
            "{p}"
        );
        for row in [FIRST_ROW + 7, FIRST_ROW + 8] {
            assert_eq!(find(row, "序号").kind, ProblemKind::DuplicateCode);
        }
        assert_eq!(find(FIRST_ROW + 9, "工作任务").kind, ProblemKind::Missing);
        let mut seen: Vec<usize> = problems.iter().map(|p| p.row).collect();
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "in row order");
        seen.dedup();
        assert_eq!(seen, (FIRST_ROW..FIRST_ROW + 10).collect::<Vec<_>>());
        assert_eq!(rows_of(&db), before, "nothing written");
    }
    // A file without a 工作任务 column is a header problem.
    let csv = "SYNTHETIC\n序号,牵头单位\n目标.1,合成测试甲局\n";
    let e = db
        .import_decomposition_bytes(REPORT, "x.csv", csv.as_bytes(), FileFormat::Csv, &opts())
        .unwrap_err();
    assert_eq!(bad_rows(e)[0].kind, ProblemKind::BadHeader);
    let csv = "工作任务,牵头单位\n推进,合成测试甲局\n";
    let e = db
        .import_decomposition_bytes(REPORT, "x.csv", csv.as_bytes(), FileFormat::Csv, &opts())
        .unwrap_err();
    assert!(bad_rows(e)[0].reason.contains("序号"));
    assert_eq!(rows_of(&db), before);
    // Other failures: an unknown report, a missing file, a file over a limit.
    let bytes = encode_filled(&filled_rows(&db, REPORT, 3).unwrap(), FileFormat::Csv).unwrap();
    let e = db
        .import_decomposition_bytes(99, "分解表.csv", &bytes, FileFormat::Csv, &opts())
        .unwrap_err();
    assert!(matches!(e, ImportError::Other(Error::NotFound(_))), "{e}");
    let e = db
        .import_decomposition(REPORT, "/nonexistent/分解表.csv", &opts())
        .unwrap_err();
    assert!(matches!(e, ImportError::Other(Error::Io(_))), "{e}");
    let mut small = opts();
    small.limits.max_rows = 10;
    let e = db
        .import_decomposition_bytes(REPORT, "big.csv", &bytes, FileFormat::Csv, &small)
        .unwrap_err();
    assert!(e.to_string().contains("max_rows"), "{e}");
    assert_eq!(rows_of(&db), before);
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    for format in formats() {
        let mut db = db();
        let rows = filled_rows(&db, REPORT, 5).unwrap();
        import(&mut db, &rows, format).unwrap();
        let before = rows_of(&db);
        let again = import(&mut db, &rows, format).unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 143));
        assert!(again.units_created.is_empty() && again.overwritten_edits.is_empty());
        assert_eq!(rows_of(&db), before, "{format:?}: every row as it was");
    }
}

#[test]
fn api_edits_survive_a_reimport_unless_the_table_changes_the_field() {
    let mut db = db();
    let mut rows = filled_rows(&db, REPORT, 9).unwrap();
    import(&mut db, &rows, FileFormat::Csv).unwrap();
    let a = task_of(&db, &rows, "二.3");
    let b = task_of(&db, &rows, "三.1");
    let edited_lead = db.org_unit_id_or_add("合成测试编辑局").unwrap();
    db.update_task(
        a.id,
        &TaskUpdate {
            leader: Some("合成领导编辑".into()),
            lead_unit_id: Some(edited_lead),
            support_unit_ids: Some(vec![]),
            deadline: Some("2024-08-31".into()),
            notes: Some("按周调度".into()),
            ..Default::default()
        },
    )
    .unwrap();
    db.update_task(
        b.id,
        &TaskUpdate {
            responsible_person: Some("合成责任人".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let edited_a = db.task(a.id).unwrap();
    let edited_b = db.task(b.id).unwrap();
    assert_eq!(
        edited_a.deadline_text, None,
        "an edited deadline drops the old words"
    );

    // The same file: the edits stay, nothing is reported.
    let before = rows_of(&db);
    let again = import(&mut db, &rows, FileFormat::Csv).unwrap();
    assert_eq!((again.updated, again.unchanged), (0, 143));
    assert!(again.overwritten_edits.is_empty());
    assert_eq!(rows_of(&db), before);
    assert_eq!(db.task(a.id).unwrap(), edited_a);
    assert_eq!(db.task(b.id).unwrap(), edited_b);

    // A second table changes 二.3's leader and deadline (edited) and 三.1's lead unit (not
    // edited), and drops the row of 十.9.
    let ia = rows.iter().position(|r| r.serial == "二.3").unwrap();
    let ib = rows.iter().position(|r| r.serial == "三.1").unwrap();
    rows[ia].leader = "合成领导新任".into();
    rows[ia].deadline = "9月底前".into();
    rows[ib].lead = "合成测试新设局".into();
    let dropped = task_of(&db, &rows, "十.9");
    rows.retain(|r| r.serial != "十.9");
    let done = import(&mut db, &rows, xlsx_or_csv()).unwrap();
    assert_eq!((done.rows_read, done.created), (142, 0));
    assert_eq!((done.updated, done.unchanged), (2, 140));
    assert_eq!(done.units_created, ["合成测试新设局"]);
    let fields: Vec<(String, DecompositionField)> = done
        .overwritten_edits
        .iter()
        .map(|e| (e.serial.clone(), e.field))
        .collect();
    assert_eq!(
        fields,
        [
            ("二.3".to_owned(), DecompositionField::Leader),
            ("二.3".to_owned(), DecompositionField::Deadline),
            ("二.3".to_owned(), DecompositionField::DeadlineText),
        ]
    );
    let leader = &done.overwritten_edits[0];
    assert_eq!(
        (
            leader.task_id,
            leader.edited.as_str(),
            leader.written.as_str()
        ),
        (a.id, "合成领导编辑", "合成领导新任")
    );
    assert_eq!(leader.previous_import, a.leader.clone().unwrap());
    assert_eq!(done.overwritten_edits[1].edited, "2024-08-31 (set)");
    assert_eq!(done.overwritten_edits[1].written, "2024-09-30 (set)");
    assert_eq!(done.tasks_without_row.len(), 1);
    assert_eq!(done.tasks_without_row[0].serial, "十.9");
    assert_eq!(done.tasks_without_row[0].task_id, dropped.id);

    let now_a = db.task(a.id).unwrap();
    assert_eq!(now_a.leader.as_deref(), Some("合成领导新任"));
    assert_eq!(now_a.deadline.as_deref(), Some("2024-09-30"));
    assert_eq!(now_a.deadline_text.as_deref(), Some("9月底前"));
    // The fields the table did not change keep the edits.
    assert_eq!(now_a.lead_unit.as_ref().map(|u| u.id), Some(edited_lead));
    assert!(now_a.support_units.is_empty());
    assert_eq!(now_a.notes.as_deref(), Some("按周调度"));
    let now_b = db.task(b.id).unwrap();
    assert_eq!(
        now_b.lead_unit.map(|u| u.name).as_deref(),
        Some("合成测试新设局")
    );
    assert_eq!(now_b.responsible_person.as_deref(), Some("合成责任人"));
    // The task without a row is still there, as it was.
    assert_eq!(db.task(dropped.id).unwrap(), dropped);

    // And that second table again: nothing changes.
    let before = rows_of(&db);
    let third = import(&mut db, &rows, FileFormat::Csv).unwrap();
    assert_eq!((third.updated, third.unchanged), (0, 142));
    assert_eq!(rows_of(&db), before);
}

#[test]
fn the_synthetic_table_says_what_it_is() {
    let db = db();
    let bytes = encode_filled(&filled_rows(&db, REPORT, 1).unwrap(), FileFormat::Csv).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with(SYNTHETIC_TITLE)
    );
    assert!(SYNTHETIC_TITLE.starts_with("SYNTHETIC"));
    // Every unit and leader name is made up.
    for r in filled_rows(&db, REPORT, 1).unwrap() {
        for n in names(&r.lead)
            .iter()
            .chain(&names(&r.support))
            .chain(&names(&r.leader))
        {
            assert!(n.starts_with("合成"), "{n}");
        }
    }
}

#[test]
fn a_read_only_database_is_refused_even_when_nothing_would_change() {
    let dir = TempDir::new("decomposition-readonly");
    let path = dir.file("office.db");
    let rows = filled_rows(&db(), REPORT, 2).unwrap();
    let bytes = encode_filled(&rows, FileFormat::Csv).unwrap();
    {
        let mut rw = Db::open(&path).unwrap();
        let done = rw
            .import_decomposition_bytes(REPORT, "分解表.csv", &bytes, FileFormat::Csv, &opts())
            .unwrap();
        // New units are created in the order the table lists them.
        let first = expected_units(&rows[0]);
        assert_eq!(done.units_created[0], first.0.unwrap());
    }
    let mut ro = Db::open_with(&path, govreport::OpenMode::ReadOnly).unwrap();
    let before = rows_of(&ro);
    let e = ro
        .import_decomposition_bytes(REPORT, "分解表.csv", &bytes, FileFormat::Csv, &opts())
        .unwrap_err();
    let e = Error::from(e);
    assert_eq!(e.result_code().0, govreport::error::code::READONLY, "{e}");
    assert!(e.to_string().contains("read-only"), "{e}");
    assert_eq!(rows_of(&ro), before);
}
