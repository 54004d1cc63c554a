//! The 任务分解表 (《政府工作报告》重点工作任务分解): the table a government office issues after
//! the congress, one row per commitment of the report, with who leads it, who supports it, the
//! leader responsible and the deadline. [`Db::decomposition_draft`] writes it from the
//! commitments with the unit and leader columns empty; the office fills them in and
//! [`Db::import_decomposition`] reads the table back as tasks ([`crate::tracking::Task`]), one
//! per commitment.
//!
//! # The columns
//!
//! | column | drafted as | read back as |
//! |---|---|---|
//! | 序号 | the row's number (below) | finds the commitment |
//! | 类别 | the area's title (`（三）聚焦扩大有效需求…`), or the part's (二, 四) | not read |
//! | 工作任务 | the commitment's quote, verbatim | must still be that quote (an inline annotation aside) |
//! | 量化指标 | the quotes of its targets, joined by `；`, empty when none | not read |
//! | 牵头单位 | empty | the lead unit: the first unit listed; the others support |
//! | 责任单位 | empty | supporting units (配合单位) |
//! | 责任领导 | empty | `task.leader` |
//! | 完成时限 | the deadline words the report states (`6月底前`), else `年底前` | the deadline |
//!
//! The XLSX draft has a title row above the header (`洛阳市偃师区2024年《政府工作报告》
//! 重点工作任务分解`), wrapped text, column widths for print, the header row repeated on every
//! printed page, landscape A4, one page wide: offices print it as is. The CSV draft is UTF-8
//! (with a BOM, so that Excel opens it correctly) with the header on its first line and no
//! title row. Neither overwrites a file: an existing path is [`Error::InvalidArgument`] and
//! the file is left unchanged.
//!
//! # The numbering
//!
//! 序号 numbers the rows within their group, in the report's order: part 三's area （N） is
//! the Chinese numeral of N, a dot and the row's place in the area (`一.1`, `一.2` … `十.9`);
//! part 二's goals are `目标.1` … `目标.13`; part 四 (government self-construction) is
//! `自身建设.1` … . On import `．`, `。`, `、` and `-` read as the dot, full-width digits as digits,
//! and spaces are ignored.
//!
//! # Import
//!
//! The table is read like a register ([`crate::registers`]): CSV (UTF-8 or GBK) or XLSX, the
//! first worksheet, within [`ImportLimits`]; title rows above the header (the first of the
//! first ten rows with a 工作任务 column) and blank or total rows are skipped; header aliases
//! are accepted (牵头部门, 配合单位, 分管领导, 完成时间 …, see [`DECOMPOSITION_COLUMNS`]). Per
//! row:
//!
//! * **序号** must name a commitment of the report, once in the file.
//! * **工作任务** must equal that commitment's quote (whitespace aside) once an inline
//!   annotation is removed; a text that is another commitment's quote is reported as such (rows
//!   moved or renumbered).
//! * **Inline units**: published decompositions often write the units into the task text —
//!   `…（区发改委牵头，区财政局、区住建局配合）`. A trailing bracket whose every clause is
//!   `X牵头`, `X负责`/`X落实`/`X责任`, `X配合`/`X协助`/`X参与`, or `牵头单位：X`,
//!   `责任单位：X`, `配合单位：X` gives the units when the unit cells are empty. When both are
//!   filled they must agree, or the row is a problem.
//! * **Units** are split on `、`, `，`, `,`, `；`, `;` and whitespace. The first unit listed in
//!   牵头单位 is the lead unit (offices' rule: 列第一位的为牵头单位); the rest of 牵头单位 and
//!   every unit of 责任单位 are supporting units, without duplicates and without the lead. When
//!   牵头单位 is empty the same rule applies to 责任单位: its first unit leads. A name new to
//!   the database becomes an organisation unit ([`crate::tracking::OrgUnit`]).
//! * **责任领导** is stored in `task.leader`: the names as written, joined by `、`.
//! * **完成时限** is read with [`deadline_from_text`](crate::time::deadline_from_text)
//!   (`年底前`, `6月底前`, `2024年6月30日`, `2024-06-30` …, an XLSX date cell too) in the
//!   report's plan year, and must fall between the plan year's 1 January and the end of the
//!   fifth year after it; the task's deadline source is `set` and its `deadline_text` the cell
//!   as written. An empty cell gives the commitment's deadline, with source `commitment`.
//!
//! Each task has the commitment's quote as its title, `commitment_id`, the report, and a
//! target link (`target_id`, in the target's unit) when the commitment carries exactly one
//! target. A commitment with several targets (27 of the 143) gives a task linked to none:
//! progress on each number is recorded against the target itself, and the targets stay
//! reachable through the commitment's `target_ids`.
//!
//! The import is **all-or-nothing**: every bad row is reported ([`ImportError::BadRows`](crate::ImportError::BadRows), each
//! problem with its row as the sheet shows it, the column's header, the value and the reason)
//! and nothing is written; a good file is written in one transaction.
//!
//! # Re-importing: edits survive
//!
//! Offices correct the table and send it again, and edit tasks in between
//! ([`Db::update_task`]). Each imported task keeps, in `task.import_snapshot`, what the last
//! import wrote for each field: lead unit, supporting units, leader, deadline (with its
//! source) and `deadline_text`. On a re-import, field by field:
//!
//! * the file's value equals the snapshot → the table did not change the field: the task's
//!   current value is left alone, whatever it is (so importing the same file again changes
//!   nothing, and an edit made through the API since is kept);
//! * the file's value differs from the snapshot → the table changed the field: it is written
//!   and the snapshot updated; when the task's current value also differed from the snapshot
//!   and from the new value (an API edit that the table now replaces) the field is listed in
//!   [`DecompositionSummary::overwritten_edits`] with the three values.
//!
//! A commitment whose row is no longer in the table keeps its task, listed in
//! [`DecompositionSummary::tasks_without_row`]. Titles (which the API may edit) and target
//! links are written once, when the task is created. [`synthetic`] makes a SYNTHETIC filled
//! table to try it with.
//!
//! ```
//! use govreport::{Db, FileFormat};
//! use govreport::commitments::decomposition::DecompositionOptions;
//!
//! let mut db = Db::open_default()?;
//! let report = db.report()?.id;
//! let draft = db.decomposition_draft_bytes(report, FileFormat::Csv)?;
//! let text = String::from_utf8(draft)?;
//! assert!(text.starts_with("\u{feff}序号,类别,工作任务,量化指标,牵头单位,责任单位,责任领导,完成时限\n"));
//! assert_eq!(text.lines().count(), 1 + 143);
//! // The office fills in the first row (SYNTHETIC names) and sends the table back.
//! let first = text.lines().nth(1).unwrap();
//! let filled = text.replacen(first, &first.replacen(",,,,", ",合成测试局,合成测试办、合成测试中心,张三,", 1), 1);
//! let done = db.import_decomposition_bytes(report, "分解表.csv", filled.as_bytes(),
//!                                          FileFormat::Csv, &DecompositionOptions::default())?;
//! assert_eq!((done.rows_read, done.created, done.units_created.len()), (143, 143, 3));
//! let task = db.tasks(Some(report))?.into_iter().find(|t| t.leader.is_some()).unwrap();
//! assert_eq!(task.lead_unit.map(|u| u.name).as_deref(), Some("合成测试局"));
//! assert_eq!(task.support_units.len(), 2);
//! // The same file again changes nothing.
//! let again = db.import_decomposition_bytes(report, "分解表.csv", filled.as_bytes(),
//!                                           FileFormat::Csv, &DecompositionOptions::default())?;
//! assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 143));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::Serialize;

use super::Commitment;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::registers::{Column, ColumnKind, ImportLimits};

mod draft;
mod import;
mod inline;
pub mod synthetic;

pub use draft::DecompositionRow;

/// The columns of the 任务分解表, in the draft's order. The first alias of each is the header
/// the draft writes; the others are accepted on import (after the registers' header
/// normalization: whitespace, a bracketed note and a leading `2024年` removed).
pub const DECOMPOSITION_COLUMNS: &[Column] = &[
    Column {
        key: "serial",
        label: "序号",
        aliases: &["序号", "编号", "任务编号"],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "category",
        label: "类别",
        aliases: &["类别", "分类", "类型", "领域", "板块", "工作类别"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "task",
        label: "工作任务",
        aliases: &[
            "工作任务",
            "重点工作任务",
            "主要任务",
            "任务",
            "工作内容",
            "任务内容",
            "具体任务",
        ],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "indicators",
        label: "量化指标",
        aliases: &["量化指标", "主要量化指标", "指标", "目标指标"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "lead",
        label: "牵头单位",
        aliases: &["牵头单位", "牵头部门", "牵头责任单位"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "support",
        label: "责任单位",
        aliases: &[
            "责任单位",
            "责任部门",
            "配合单位",
            "配合部门",
            "协办单位",
            "参与单位",
        ],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "leader",
        label: "责任领导",
        aliases: &["责任领导", "分管领导", "牵头领导", "包联领导", "责任区领导"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "deadline",
        label: "完成时限",
        aliases: &[
            "完成时限",
            "完成时间",
            "时限",
            "时间节点",
            "完成时间节点",
            "时限要求",
        ],
        required: false,
        kind: ColumnKind::Text,
    },
];

/// How [`Db::import_decomposition`] reads a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecompositionOptions {
    /// Bounds on the file, as for register imports ([`ImportLimits`]).
    pub limits: ImportLimits,
}

/// A field of a task that the 任务分解表 writes (see the re-import rule in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecompositionField {
    /// 牵头单位.
    LeadUnit,
    /// 责任单位 / 配合单位.
    SupportUnits,
    /// 责任领导.
    Leader,
    /// The deadline (ISO date) with its source (`set` or `commitment`).
    Deadline,
    /// 完成时限 as written.
    DeadlineText,
}

/// A task field that had been edited since the last import and that the table now changed:
/// the table's value replaced the edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverwrittenEdit {
    /// The row of the file.
    pub row: usize,
    /// The task.
    pub task_id: i64,
    /// The row's 序号.
    pub serial: String,
    /// The field.
    pub field: DecompositionField,
    /// The task's value before this import (the edit), as text (`""` when empty; units by
    /// name joined by `、`; a deadline as `2024-09-30 (set)`).
    pub edited: String,
    /// What the previous import had written.
    pub previous_import: String,
    /// What this import wrote.
    pub written: String,
}

/// An imported task whose commitment has no row in the file: left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskWithoutRow {
    /// The task.
    pub task_id: i64,
    /// Its commitment.
    pub commitment_id: i64,
    /// The commitment's 序号.
    pub serial: String,
}

/// What [`Db::import_decomposition`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DecompositionSummary {
    /// The file name.
    pub source: String,
    /// The row number of the header.
    pub header_row: usize,
    /// Data rows read (blank and total rows not counted).
    pub rows_read: usize,
    /// Tasks created (commitments imported for the first time).
    pub created: usize,
    /// Existing tasks with at least one field written.
    pub updated: usize,
    /// Existing tasks the file changed nothing of.
    pub unchanged: usize,
    /// Organisation units created, by name, in the order first met.
    pub units_created: Vec<String>,
    /// API edits the table replaced (see the module docs).
    pub overwritten_edits: Vec<OverwrittenEdit>,
    /// Imported tasks of the report whose commitment has no row in this file (left as they
    /// are).
    pub tasks_without_row: Vec<TaskWithoutRow>,
    /// Title rows above the header, blank rows and total rows.
    pub ignored_rows: Vec<usize>,
    /// Header cells that name no known column.
    pub ignored_columns: Vec<String>,
}

/// The Chinese numerals of part 三's areas.
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The group label of a commitment's 序号: `一` … `十` for part 三's areas, `目标` for part 二,
/// `自身建设` for part 四.
fn group_label(c: &Commitment) -> Result<String> {
    match (c.part, c.area) {
        (2, _) => Ok("目标".into()),
        (4, _) => Ok("自身建设".into()),
        (3, Some(a)) if (1..=10).contains(&a) => Ok(NUMERALS[a as usize - 1].into()),
        _ => Err(Error::Data(format!(
            "commitment {}: part {} area {:?} has no 任务分解表 number",
            c.id, c.part, c.area
        ))),
    }
}

/// The commitments of a report with their 序号, in commitment order.
fn numbered(db: &Db, report_id: i64) -> Result<Vec<(String, Commitment)>> {
    let commitments = db.commitments(&super::CommitmentFilter {
        report_id: Some(report_id),
        ..Default::default()
    })?;
    let mut out: Vec<(String, Commitment)> = Vec::with_capacity(commitments.len());
    let mut last: Option<(String, usize)> = None;
    for c in commitments {
        let label = group_label(&c)?;
        let seq = match &last {
            Some((l, n)) if *l == label => n + 1,
            _ => 1,
        };
        out.push((format!("{label}.{seq}"), c));
        last = Some((label, seq));
    }
    Ok(out)
}

/// A 序号 as written, in the draft's form: spaces removed, `．`/`。`/`、`/`-` as `.`,
/// full-width digits as digits.
fn normalize_serial(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '．' | '。' | '、' | '-' | '－' | '—' => '.',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_number_rows_within_their_group() {
        let db = Db::open_default().unwrap();
        let rows = numbered(&db, 1).unwrap();
        assert_eq!(rows.len(), 143);
        let serials: Vec<&str> = rows.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(serials[0], "目标.1");
        assert_eq!(serials[12], "目标.13");
        assert_eq!(serials[13], "一.1");
        assert!(serials.contains(&"十.9"));
        assert_eq!(serials[142], "自身建设.4");
        let mut unique = serials.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 143);
        assert_eq!(normalize_serial(" 三．１２ "), "三.12");
        assert_eq!(normalize_serial("目标、3"), "目标.3");
    }
}
