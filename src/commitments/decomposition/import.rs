//! Reading a filled 任务分解表 back as tasks: every row checked first (all-or-nothing), then
//! one transaction that creates the tasks or, on a re-import, writes only what the table
//! changed (the re-import rule of the module docs).

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::inline::{Listed, Units, split_annotation, split_list};
use super::{
    DECOMPOSITION_COLUMNS, DecompositionField, DecompositionOptions, DecompositionSummary,
    OverwrittenEdit, TaskWithoutRow, normalize_serial, numbered,
};
use crate::commitments::Commitment;
use crate::db::Db;
use crate::error::Error;
use crate::registers::{
    FileFormat, ImportError, Input, ProblemKind, RowProblem, RowReader, is_blank_or_total,
    map_header, read_input, read_sheet,
};
use crate::time::{deadline_from_text, now_utc};
use crate::tracking::tasks::{insert_org_unit, org_unit_id_by_name, set_support_units};

/// Longest unit name accepted (characters).
const MAX_UNIT_NAME: usize = 64;

/// One good row: what the table says about one commitment's task.
#[derive(Debug, Clone)]
struct RowInput {
    row: usize,
    /// Index into the numbered commitments.
    at: usize,
    values: Snapshot,
    /// The supporting units in the order the row lists them (new units are created in it).
    listed_support: Vec<String>,
}

/// The fields a table row writes, as written: also the shape of `task.import_snapshot` (what
/// the last import wrote). Units by name; supporting units sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Snapshot {
    lead: Option<String>,
    support: Vec<String>,
    leader: Option<String>,
    deadline: String,
    deadline_source: String,
    deadline_text: Option<String>,
}

impl Snapshot {
    fn text(&self, field: DecompositionField) -> String {
        match field {
            DecompositionField::LeadUnit => self.lead.clone().unwrap_or_default(),
            DecompositionField::SupportUnits => self.support.join("、"),
            DecompositionField::Leader => self.leader.clone().unwrap_or_default(),
            DecompositionField::Deadline => format!("{} ({})", self.deadline, self.deadline_source),
            DecompositionField::DeadlineText => self.deadline_text.clone().unwrap_or_default(),
        }
    }

    fn same(&self, other: &Snapshot, field: DecompositionField) -> bool {
        match field {
            DecompositionField::LeadUnit => self.lead == other.lead,
            DecompositionField::SupportUnits => self.support == other.support,
            DecompositionField::Leader => self.leader == other.leader,
            DecompositionField::Deadline => {
                (&self.deadline, &self.deadline_source) == (&other.deadline, &other.deadline_source)
            }
            DecompositionField::DeadlineText => self.deadline_text == other.deadline_text,
        }
    }
}

const FIELDS: [DecompositionField; 5] = [
    DecompositionField::LeadUnit,
    DecompositionField::SupportUnits,
    DecompositionField::Leader,
    DecompositionField::Deadline,
    DecompositionField::DeadlineText,
];

/// Text compared without whitespace (a line break typed into a cell changes nothing).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What the importer knows of the report.
struct Context<'a> {
    plan_year: i32,
    commitments: &'a [(String, Commitment)],
    by_serial: HashMap<String, usize>,
    by_quote: HashMap<String, usize>,
}

/// Units of a cell, each name checked.
fn unit_cell(r: &mut RowReader<'_>, key: &str) -> Vec<String> {
    let units = r.text(key).map(|t| split_list(&t)).unwrap_or_default();
    for u in &units {
        if u.chars().count() > MAX_UNIT_NAME || u.chars().any(char::is_control) {
            r.problem(
                key,
                ProblemKind::BadValue,
                format!(
                    "unit name {u:?} is longer than {MAX_UNIT_NAME} characters or holds control \
                     characters; separate units with 、"
                ),
            );
        }
    }
    units
}

fn describe(u: &Units) -> String {
    format!(
        "lead {}, supporting {}",
        u.lead.as_deref().unwrap_or("none"),
        if u.support.is_empty() {
            "none".to_owned()
        } else {
            u.support.join("、")
        }
    )
}

/// Reads one data row; `None` after noting its problems on the reader.
fn parse_row(r: &mut RowReader<'_>, cx: &Context<'_>) -> Option<RowInput> {
    let serial = r.required("serial");
    let at = serial.as_ref().and_then(|s| {
        let found = cx.by_serial.get(&normalize_serial(s)).copied();
        if found.is_none() {
            r.problem(
                "serial",
                ProblemKind::BadValue,
                format!(
                    "no commitment of the report has this 序号 (the draft numbers 目标.1 …, \
                     一.1 … 十.{}, 自身建设.1 …; rows cannot be added)",
                    cx.commitments
                        .iter()
                        .filter(|(s, _)| s.starts_with("十."))
                        .count()
                ),
            );
        }
        found
    });
    let task = r.required("task");
    let mut inline = None;
    if let (Some(at), Some(task)) = (at, &task) {
        let (serial, c) = &cx.commitments[at];
        let quote = squeeze(&c.quote);
        let whole = squeeze(task);
        if whole != quote {
            match split_annotation(task) {
                Some((core, listed)) if squeeze(core) == quote => inline = Some(listed),
                split => {
                    let core = split.map(|(core, _)| squeeze(core));
                    let other = cx
                        .by_quote
                        .get(&whole)
                        .or_else(|| core.as_ref().and_then(|c| cx.by_quote.get(c)))
                        .map(|i| &cx.commitments[*i].0);
                    let reason = match other {
                        Some(other) => format!(
                            "this is the text of commitment {other}, not of {serial}: a row was \
                             moved or renumbered; give each row its drafted 序号"
                        ),
                        None => format!(
                            "工作任务 must stay the text of commitment {serial} as drafted (an \
                             annotation such as （区发改委牵头，区财政局配合） may follow it): \
                             {:?}",
                            c.quote
                        ),
                    };
                    r.problem("task", ProblemKind::BadValue, reason);
                }
            }
        }
    }
    let cells = Listed {
        lead: unit_cell(r, "lead"),
        responsible: unit_cell(r, "support"),
        support: Vec::new(),
    };
    let units = match inline {
        Some(listed) if !cells.is_empty() => {
            let (a, b) = (listed.resolve(), cells.resolve());
            if a != b {
                let key = if a.lead != b.lead { "lead" } else { "support" };
                r.problem(
                    key,
                    ProblemKind::BadValue,
                    format!(
                        "the annotation in 工作任务 says {}, the unit cells say {}: keep one \
                         (clear the cells or remove the annotation)",
                        describe(&a),
                        describe(&b)
                    ),
                );
            }
            b
        }
        Some(listed) => listed.resolve(),
        None => cells.resolve(),
    };
    let leader = r.text("leader").map(|t| split_list(&t).join("、"));
    let deadline = match r.text("deadline") {
        None => at.map(|i| {
            (
                cx.commitments[i].1.deadline.clone(),
                "commitment".to_owned(),
                None,
            )
        }),
        Some(text) => match deadline_from_text(&text, cx.plan_year) {
            Err(e) => {
                let reason = match e {
                    Error::InvalidArgument(m) => m,
                    other => other.to_string(),
                };
                r.problem("deadline", ProblemKind::BadDate, reason);
                None
            }
            Ok(date) => {
                let (first, last) = (
                    format!("{}-01-01", cx.plan_year),
                    format!("{}-12-31", cx.plan_year + 5),
                );
                if date < first || date > last {
                    r.problem(
                        "deadline",
                        ProblemKind::BadDate,
                        format!(
                            "完成时限 {date} is outside the plan year {} and the five years \
                             after it ({first} to {last})",
                            cx.plan_year
                        ),
                    );
                    None
                } else {
                    Some((date, "set".to_owned(), Some(text)))
                }
            }
        },
    };
    if !r.problems.is_empty() {
        return None;
    }
    let (deadline, deadline_source, deadline_text) = deadline?;
    let listed_support = units.support;
    let mut support = listed_support.clone();
    support.sort();
    Some(RowInput {
        row: r.row,
        at: at?,
        listed_support,
        values: Snapshot {
            lead: units.lead,
            support,
            leader,
            deadline,
            deadline_source,
            deadline_text,
        },
    })
}

/// A task's current values, in the shape of a snapshot.
fn current(conn: &Connection, task_id: i64) -> crate::Result<Snapshot> {
    let (lead, leader, deadline, source, text): (
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    ) = conn
        .prepare_cached(
            "SELECT (SELECT name FROM org_unit u WHERE u.id = t.lead_org_unit_id), t.leader,
                    t.deadline, t.deadline_source, t.deadline_text
             FROM task t WHERE t.id = ?1",
        )?
        .query_row([task_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let support = conn
        .prepare_cached(
            "SELECT u.name FROM task_support_org_unit s JOIN org_unit u ON u.id = s.org_unit_id
             WHERE s.task_id = ?1 ORDER BY u.name",
        )?
        .query_map([task_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(Snapshot {
        lead,
        support,
        leader,
        deadline: deadline.unwrap_or_default(),
        deadline_source: source,
        deadline_text: text,
    })
}

/// The id of the unit named `name`, created (and listed in `created`) when new.
fn unit_id(conn: &Connection, name: &str, created: &mut Vec<String>) -> crate::Result<i64> {
    match org_unit_id_by_name(conn, name)? {
        Some(id) => Ok(id),
        None => {
            created.push(name.to_owned());
            insert_org_unit(conn, name, None, None)
        }
    }
}

fn unit_ids(
    conn: &Connection,
    names: &[String],
    created: &mut Vec<String>,
) -> crate::Result<Vec<i64>> {
    names.iter().map(|n| unit_id(conn, n, created)).collect()
}

fn json(s: &Snapshot) -> crate::Result<String> {
    Ok(serde_json::to_string(s)?)
}

impl Db {
    /// Imports a filled 任务分解表 (`.csv` or `.xlsx`) of report `report_id` as tasks, one per
    /// commitment; all-or-nothing, one transaction. See the [module docs](super) for the
    /// columns, the rules and how a re-import keeps edits.
    pub fn import_decomposition(
        &mut self,
        report_id: i64,
        path: impl AsRef<Path>,
        options: &DecompositionOptions,
    ) -> Result<DecompositionSummary, ImportError> {
        let (input, format, name) = read_input(path.as_ref())?;
        self.import_decomposition_input(report_id, &name, input, format, options)
    }

    /// Imports a filled 任务分解表 from the bytes of a file; `source_name` names it in the
    /// summary and in problems.
    pub fn import_decomposition_bytes(
        &mut self,
        report_id: i64,
        source_name: &str,
        bytes: &[u8],
        format: FileFormat,
        options: &DecompositionOptions,
    ) -> Result<DecompositionSummary, ImportError> {
        self.import_decomposition_input(
            report_id,
            source_name,
            Input::Bytes(bytes),
            format,
            options,
        )
    }

    fn import_decomposition_input(
        &mut self,
        report_id: i64,
        source_name: &str,
        input: Input<'_>,
        format: FileFormat,
        options: &DecompositionOptions,
    ) -> Result<DecompositionSummary, ImportError> {
        self.require_report(report_id)?;
        // Refused before reading: a re-import that would change nothing must not pass on a
        // read-only database either.
        if self.connection().is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                Some(
                    "the database is open read-only: importing a 任务分解表 writes tasks (open \
                     it read-write)"
                        .into(),
                ),
            ))
            .into());
        }
        let plan_year: i32 = self.connection().query_row(
            "SELECT plan_year FROM report WHERE id = ?1",
            [report_id],
            |r| r.get(0),
        )?;
        let commitments = numbered(self, report_id)?;
        let cx = Context {
            plan_year,
            commitments: &commitments,
            by_serial: commitments
                .iter()
                .enumerate()
                .map(|(i, (s, _))| (s.clone(), i))
                .collect(),
            by_quote: commitments
                .iter()
                .enumerate()
                .map(|(i, (_, c))| (squeeze(&c.quote), i))
                .collect(),
        };

        let sheet = read_sheet(input, format, &options.limits)?;
        let bad = |problems| ImportError::BadRows {
            source_name: source_name.to_owned(),
            problems,
        };
        let header = map_header(&sheet, DECOMPOSITION_COLUMNS, "task").map_err(bad)?;
        let mut summary = DecompositionSummary {
            source: source_name.to_owned(),
            header_row: header.row,
            ignored_columns: header.ignored.clone(),
            ignored_rows: sheet.rows[..header.position].iter().map(|r| r.0).collect(),
            ..Default::default()
        };
        let mut problems: Vec<RowProblem> = Vec::new();
        let mut inputs: Vec<RowInput> = Vec::new();
        let mut serial_rows: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
        for (n, cells) in &sheet.rows[header.position + 1..] {
            if is_blank_or_total(cells) {
                summary.ignored_rows.push(*n);
                continue;
            }
            summary.rows_read += 1;
            let mut reader = RowReader::new(*n, cells, &header, DECOMPOSITION_COLUMNS);
            if let Some(at) = reader
                .text("serial")
                .and_then(|s| cx.by_serial.get(&normalize_serial(&s)).copied())
            {
                serial_rows
                    .entry(at)
                    .or_default()
                    .push((*n, reader.raw("serial")));
            }
            match parse_row(&mut reader, &cx) {
                Some(i) => inputs.push(i),
                None => problems.append(&mut reader.problems),
            }
        }
        let column = RowReader::new(0, &[], &header, DECOMPOSITION_COLUMNS).column_name("serial");
        for rows in serial_rows.values().filter(|r| r.len() > 1) {
            for (row, value) in rows {
                let others: Vec<String> = rows
                    .iter()
                    .filter(|(r, _)| r != row)
                    .map(|(r, _)| r.to_string())
                    .collect();
                problems.push(RowProblem {
                    row: *row,
                    column: column.clone(),
                    value: value.clone(),
                    kind: ProblemKind::DuplicateCode,
                    reason: format!(
                        "the same commitment is also in row {}: one row per commitment",
                        others.join(", ")
                    ),
                });
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(bad(problems));
        }

        let now = now_utc();
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut seen = Vec::with_capacity(inputs.len());
        for input in &inputs {
            let (serial, c) = &commitments[input.at];
            seen.push(c.id);
            let file = &input.values;
            let existing: Option<(i64, String)> = tx
                .prepare_cached(
                    "SELECT id, import_snapshot FROM task
                     WHERE commitment_id = ?1 AND import_snapshot IS NOT NULL",
                )?
                .query_row([c.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((task_id, snapshot)) = existing else {
                create_task(&tx, report_id, c, input, &now, &mut summary.units_created)?;
                summary.created += 1;
                continue;
            };
            let snapshot: Snapshot = serde_json::from_str(&snapshot).map_err(|e| {
                Error::Data(format!(
                    "task {task_id}: import_snapshot is not what an import writes ({e}); set it \
                     to NULL to import the row as a new task"
                ))
            })?;
            let now_values = current(&tx, task_id)?;
            let mut wrote = false;
            for field in FIELDS {
                if file.same(&snapshot, field) {
                    continue;
                }
                if !now_values.same(&snapshot, field) && !now_values.same(file, field) {
                    summary.overwritten_edits.push(OverwrittenEdit {
                        row: input.row,
                        task_id,
                        serial: serial.clone(),
                        field,
                        edited: now_values.text(field),
                        previous_import: snapshot.text(field),
                        written: file.text(field),
                    });
                }
                write_field(&tx, task_id, field, input, &mut summary.units_created)?;
                wrote = true;
            }
            if wrote {
                tx.prepare_cached("UPDATE task SET import_snapshot = ?2 WHERE id = ?1")?
                    .execute(params![task_id, json(file)?])?;
                summary.updated += 1;
            } else {
                summary.unchanged += 1;
            }
        }
        let mut st = tx.prepare_cached(
            "SELECT id, commitment_id FROM task
             WHERE report_id = ?1 AND import_snapshot IS NOT NULL ORDER BY id",
        )?;
        let imported: Vec<(i64, i64)> = st
            .query_map([report_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(st);
        for (task_id, commitment_id) in imported {
            if !seen.contains(&commitment_id) {
                summary.tasks_without_row.push(TaskWithoutRow {
                    task_id,
                    commitment_id,
                    serial: commitments
                        .iter()
                        .find(|(_, c)| c.id == commitment_id)
                        .map(|(s, _)| s.clone())
                        .unwrap_or_default(),
                });
            }
        }
        tx.commit()?;
        Ok(summary)
    }
}

/// Creates the task of a commitment's first import.
fn create_task(
    conn: &Connection,
    report_id: i64,
    c: &Commitment,
    input: &RowInput,
    now: &str,
    created: &mut Vec<String>,
) -> crate::Result<()> {
    let v = &input.values;
    let lead = v
        .lead
        .as_ref()
        .map(|n| unit_id(conn, n, created))
        .transpose()?;
    let support = unit_ids(conn, &input.listed_support, created)?;
    // One target: the task delivers it, in its unit. Several: none (see the module docs).
    let target = match c.target_ids.as_slice() {
        [t] => {
            let unit: String = conn
                .prepare_cached("SELECT unit FROM figure WHERE kind = 'target' AND id = ?1")?
                .query_row([t], |r| r.get(0))?;
            Some((*t, unit))
        }
        _ => None,
    };
    conn.prepare_cached(
        "INSERT INTO task (report_id, title, target_kind, target_id, unit, lead_org_unit_id,
             deadline, deadline_source, created_at, commitment_id, leader, deadline_text,
             import_snapshot)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        report_id,
        c.quote,
        target.as_ref().map(|_| "target"),
        target.as_ref().map(|t| t.0),
        target.as_ref().map(|t| t.1.as_str()),
        lead,
        v.deadline,
        v.deadline_source,
        now,
        c.id,
        v.leader,
        v.deadline_text,
        json(v)?,
    ])?;
    let id = conn.last_insert_rowid();
    set_support_units(conn, id, &support)?;
    Ok(())
}

/// Writes one field of the table's values to a task.
fn write_field(
    conn: &Connection,
    task_id: i64,
    field: DecompositionField,
    input: &RowInput,
    created: &mut Vec<String>,
) -> crate::Result<()> {
    let v = &input.values;
    match field {
        DecompositionField::LeadUnit => {
            let lead = v
                .lead
                .as_ref()
                .map(|n| unit_id(conn, n, created))
                .transpose()?;
            conn.prepare_cached("UPDATE task SET lead_org_unit_id = ?2 WHERE id = ?1")?
                .execute(params![task_id, lead])?;
        }
        DecompositionField::SupportUnits => {
            let ids = unit_ids(conn, &input.listed_support, created)?;
            set_support_units(conn, task_id, &ids)?;
        }
        DecompositionField::Leader => {
            conn.prepare_cached("UPDATE task SET leader = ?2 WHERE id = ?1")?
                .execute(params![task_id, v.leader])?;
        }
        DecompositionField::Deadline => {
            conn.prepare_cached(
                "UPDATE task SET deadline = ?2, deadline_source = ?3 WHERE id = ?1",
            )?
            .execute(params![task_id, v.deadline, v.deadline_source])?;
        }
        DecompositionField::DeadlineText => {
            conn.prepare_cached("UPDATE task SET deadline_text = ?2 WHERE id = ?1")?
                .execute(params![task_id, v.deadline_text])?;
        }
    }
    // A lead kept from an API edit that the table lists as supporting (or the other way
    // round) is not also a supporting unit.
    conn.prepare_cached(
        "DELETE FROM task_support_org_unit WHERE task_id = ?1
         AND org_unit_id = (SELECT lead_org_unit_id FROM task WHERE id = ?1)",
    )?
    .execute([task_id])?;
    Ok(())
}
