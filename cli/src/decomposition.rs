//! `decomposition draft|import`: the 任务分解表 written from the report's commitments, and the
//! office's filled table read back as tasks (README "任务分解表").

use std::path::{Path, PathBuf};

use clap::Subcommand;
use govreport::commitments::decomposition::DecompositionOptions;
use govreport::{FileFormat, ImportError};

use crate::Target;
use crate::data::open_read;
use crate::exit::Failure;
use crate::output::{col, rows, write_rows};
use crate::spinner;
use crate::write::open_write;

/// `decomposition draft|import`.
#[derive(Debug, Subcommand)]
pub enum DecompositionAction {
    /// Writes the draft 任务分解表 to a new .xlsx (printable: title row, header on every page,
    /// landscape A4) or .csv file: one row per commitment, 牵头单位, 责任单位 and 责任领导
    /// empty. Works on the built-in database.
    Draft {
        /// The new file, OUT.xlsx or OUT.csv (the format comes from the extension); an
        /// existing file is refused.
        out: PathBuf,
        /// The report (default: the first).
        #[arg(long)]
        report: Option<i64>,
    },
    /// Imports a filled 任务分解表 (.csv or .xlsx) into --db FILE as tasks, one per
    /// commitment, and prints the summary. Any bad row fails the whole import (every problem
    /// on stderr, nothing written); importing the same file again changes nothing, and edits
    /// made since are kept unless the table changes the same field.
    Import {
        /// The filled table.
        file: PathBuf,
        /// The report (default: the first).
        #[arg(long)]
        report: Option<i64>,
    },
}

/// The format of a draft's file name: only `.xlsx` and `.csv` are written.
fn draft_format(out: &Path) -> Result<FileFormat, Failure> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => Ok(FileFormat::Xlsx),
        "csv" => Ok(FileFormat::Csv),
        _ => Err(Failure::input(format!(
            "{}: the draft is written as .xlsx or .csv; give a file name ending in one of them",
            out.display()
        ))),
    }
}

/// `decomposition draft|import`.
pub fn run(t: &Target, action: &DecompositionAction) -> Result<(), Failure> {
    match action {
        DecompositionAction::Draft { out, report } => {
            let format = draft_format(out)?;
            let db = open_read(t)?;
            let report = match report {
                Some(id) => *id,
                None => db.report()?.id,
            };
            let n = db.decomposition_draft(report, out, format)?;
            eprintln!(
                "wrote the draft 任务分解表 of report {report} to {} ({n} rows); fill in 牵头单位, \
                 责任单位 and 责任领导, then `govreport --db FILE decomposition import {}`",
                out.display(),
                out.display()
            );
            Ok(())
        }
        DecompositionAction::Import { file, report } => import(t, file, *report),
    }
}

fn import(t: &Target, file: &Path, report: Option<i64>) -> Result<(), Failure> {
    if !file.is_file() {
        return Err(Failure::file(format!(
            "{}: no such file (give the filled 任务分解表, .csv or .xlsx; `govreport \
             decomposition draft OUT.xlsx` writes the draft)",
            file.display()
        )));
    }
    let mut db = open_write(t, "decomposition import")?;
    let report = match report {
        Some(id) => id,
        None => db.report()?.id,
    };
    let bar = spinner::start(format!("importing {}", file.display()));
    let done = db.import_decomposition(report, file, &DecompositionOptions::default());
    bar.finish_and_clear();
    let summary = match done {
        Ok(s) => s,
        Err(ImportError::BadRows {
            source_name,
            problems,
        }) => {
            let mut message = format!(
                "{source_name}: {} problem(s), nothing imported:",
                problems.len()
            );
            for p in &problems {
                message.push_str(&format!("\n  {p}"));
            }
            message.push_str(
                "\nfix these rows and import the file again (the import is all-or-nothing)",
            );
            return Err(Failure::input(message));
        }
        Err(e) => return Err(govreport::Error::from(e).into()),
    };
    for e in &summary.overwritten_edits {
        eprintln!(
            "row {} ({}): the table changed {:?}, replacing an edit of task {}: {:?} -> {:?} \
             (the previous import wrote {:?})",
            e.row, e.serial, e.field, e.task_id, e.edited, e.written, e.previous_import
        );
    }
    for w in &summary.tasks_without_row {
        eprintln!(
            "task {} ({}) has no row in this file: left as it is",
            w.task_id, w.serial
        );
    }
    eprintln!(
        "{}: {} rows read, {} tasks created, {} updated, {} unchanged, {} units created, {} \
         edits replaced",
        summary.source,
        summary.rows_read,
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.units_created.len(),
        summary.overwritten_edits.len()
    );
    write_rows(
        t.format,
        &rows(&[&summary])?,
        &[
            col("source", "source", 30),
            col("rows_read", "rows", 6),
            col("created", "created", 8),
            col("updated", "updated", 8),
            col("unchanged", "unchanged", 9),
            col("units_created", "units created", 30),
        ],
    )
}
