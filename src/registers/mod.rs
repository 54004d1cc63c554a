//! Registers: the spreadsheets offices keep beside the report — the full list of key projects
//! (重点项目台账, [`projects`]) and the village register with yearly village records
//! ([`villages`]) — imported from CSV or XLSX, checked, exported, and compared with what the
//! report says.
//!
//! Every import reads a sheet whose header row carries the Chinese column names offices use
//! (aliases are accepted; see [`projects::PROJECT_SHEET_COLUMNS`] and [`villages::VILLAGE_SHEET_COLUMNS`]),
//! validates every row and reports **every** bad row with its row number (as the spreadsheet
//! shows it, header = the row it is on), column and reason ([`RowProblem`]). By default an
//! import is all-or-nothing: one transaction, and nothing is written when any row is bad
//! ([`ImportError::BadRows`]). With [`ImportOptions::skip_bad_rows`] the good rows are written
//! and the problems of the skipped ones come back in the [`ImportSummary`].
//!
//! Files:
//! * CSV: comma- or tab-separated (sniffed from the header), UTF-8 with or without a BOM. With
//!   the default-on `gbk` feature a file that is not valid UTF-8 is decoded as GB18030 (a
//!   superset of GBK, what older office software saves); without it such a file is refused.
//! * XLSX (also XLS/ODS, through calamine): the first worksheet, with the default-on `xlsx`
//!   feature. Date cells become ISO dates; numeric cells their shortest decimal form.
//!   XLSB (binary) workbooks are refused.
//! * Every file is read within [`ImportLimits`] (rows, columns, cells, bytes, zip structure):
//!   an XLSX is checked before calamine sees it, a CSV record by record as it is read; a file
//!   above a limit fails with [`Error::InvalidArgument`] naming the limit.
//! * Title rows above the header (`2024年重点项目台账`, a `SYNTHETIC` label) are skipped: the
//!   header is the first of the first ten rows that names the key column. Blank rows and total
//!   rows (`合计`, `总计`, `小计`) are ignored and listed in the summary.
//!
//! ```
//! use govreport::Db;
//! use govreport::registers::{ImportOptions, FileFormat};
//!
//! let mut db = Db::open_default()?;
//! let report = db.report()?.id;
//! let csv = "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）\n\
//!            YS-001,西亳大桥,新开工,52000,20000\n";
//! let done = db.import_projects_bytes(report, "demo.csv", csv.as_bytes(), FileFormat::Csv,
//!                                     &ImportOptions::default())?;
//! assert_eq!((done.inserted, done.linked), (1, 1));
//! let rows = db.register_projects(report)?;
//! assert_eq!(rows[0].link_method.as_deref(), Some("exact"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::code::TextCode;
use crate::error::Error;

mod import;
mod limits;
pub mod projects;
pub(crate) mod sheet;
pub mod synthetic;
pub mod villages;
#[cfg(feature = "xlsx")]
mod xlsx_check;

pub(crate) use import::*;
pub use import::{Column, ColumnKind};
pub use limits::ImportLimits;
pub(crate) use sheet::*;

pub use projects::{
    CategoryCount, ConsistencyCheck, PROJECT_CATEGORIES, RegisterConsistency, RegisterProject,
};
pub use villages::{RegisterPlace, RollupLine, VillageRollup, VillageYear};

/// How an import treats bad rows, defaults for values a file may leave out, and what a file
/// may cost ([`ImportLimits`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// `false` (the default): any bad row fails the whole import and nothing is written.
    /// `true`: the good rows are written; the bad ones are skipped and listed in
    /// [`ImportSummary::skipped`]. Problems with the header (a required column missing) fail
    /// the import either way.
    pub skip_bad_rows: bool,
    /// Village imports: the year of the yearly columns (集体经济收入 …) when the file has no
    /// 年份 column. Ignored for project imports.
    pub year: Option<i32>,
    /// Bounds on the file (rows, columns, bytes, zip structure …); see [`ImportLimits`] for
    /// the defaults. A file above one is refused with [`Error::InvalidArgument`].
    pub limits: ImportLimits,
}

/// What is wrong with one cell (or the header) of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A required column is not in the header, or two columns mean the same field.
    BadHeader,
    /// A required cell is empty.
    Missing,
    /// A number cell does not hold a number.
    NotANumber,
    /// A number that must not be negative is.
    Negative,
    /// The project category is not one of 新开工, 续建, 竣工, 前期, 预备.
    BadCategory,
    /// A project code, national code or area code is malformed.
    BadCode,
    /// The same code appears in more than one row of the file.
    DuplicateCode,
    /// The row's codes point at two different existing records.
    CodeConflict,
    /// A date cell is not a date this library reads, or not a real date.
    BadDate,
    /// 年度计划投资 is greater than 总投资.
    PlanExceedsTotal,
    /// Any other value out of its allowed set or range (a star rating of 6, a kind that
    /// contradicts the code …).
    BadValue,
    /// A village whose town is neither in the file nor in the register, with no 乡镇 name.
    UnknownTown,
}

/// One problem of an imported file: where it is and why it is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The row number as a spreadsheet shows it (1 = the first line of the file).
    pub row: usize,
    /// The column, as its header is written in the file (or the expected name when missing).
    pub column: String,
    /// The cell's text as read.
    pub value: String,
    /// The kind of problem.
    pub kind: ProblemKind,
    /// A sentence saying what is wrong.
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.row, self.column, self.reason
        )?;
        if !self.value.is_empty() {
            write!(f, " (found {:?})", self.value)?;
        }
        Ok(())
    }
}

/// Why an import failed. Nothing was written in either case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Rows (or the header) of the file are bad. Every problem found is listed, in row order.
    #[error("{source_name}: {} problem(s) in {} row(s), nothing imported; first: {}",
            problems.len(), distinct_rows(problems), problems.first().map(|p| p.to_string()).unwrap_or_default())]
    BadRows {
        /// The file name the rows came from.
        source_name: String,
        /// Every problem, in row order.
        problems: Vec<RowProblem>,
    },
    /// Reading the file or writing the database failed.
    #[error(transparent)]
    Other(#[from] Error),
}

fn distinct_rows(problems: &[RowProblem]) -> usize {
    let mut rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
    rows.dedup();
    rows.len()
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Other(Error::Sqlite(e))
    }
}

impl From<ImportError> for Error {
    /// Folds an import error into the library error; bad rows become
    /// [`Error::InvalidArgument`] with every problem in the message.
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Other(e) => e,
            ImportError::BadRows {
                source_name,
                problems,
            } => Error::InvalidArgument(format!(
                "{source_name}: nothing imported; {}",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportSummary {
    /// The file name recorded as the rows' source.
    pub source: String,
    /// The row number of the header.
    pub header_row: usize,
    /// Data rows read (not counting blank and total rows).
    pub rows_read: usize,
    /// Records created.
    pub inserted: usize,
    /// Existing records updated (matched by code).
    pub updated: usize,
    /// Project imports: rows linked to a project the report names (new links and kept ones).
    /// Village imports: places linked to a place the report names.
    pub linked: usize,
    /// Rows whose name matched more than one report record, left unlinked: `(row, ids)`.
    pub ambiguous_links: Vec<(usize, Vec<i64>)>,
    /// Village imports: yearly records written.
    pub years_written: usize,
    /// Village imports: town rows created from a village's 乡镇 name: `(code, name)`.
    pub towns_created: Vec<(String, String)>,
    /// With `skip_bad_rows`: the problems of the rows that were skipped.
    pub skipped: Vec<RowProblem>,
    /// Blank rows, total rows and title rows above the header that were not data.
    pub ignored_rows: Vec<usize>,
    /// Header cells that name no known column (their cells are not read).
    pub ignored_columns: Vec<String>,
}

impl ImportSummary {
    /// The distinct row numbers of [`ImportSummary::skipped`].
    pub fn skipped_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.skipped.iter().map(|p| p.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

/// A file format the registers read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Comma-separated values (tab-separated is read too).
    Csv,
    /// An Excel workbook (`.xlsx`; reading also takes `.xls` and `.ods`). Needs the `xlsx`
    /// feature.
    Xlsx,
}

impl TextCode for FileFormat {
    const ALL: &'static [FileFormat] = &[FileFormat::Csv, FileFormat::Xlsx];
    const WHAT: &'static str = "file format";

    /// The name used on the command line and in JSON: `csv` or `xlsx`.
    fn code(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}
crate::code::inherent_text_code!(FileFormat);

impl FileFormat {
    /// The format for a file name's extension (`.csv`/`.tsv`/`.txt`, `.xlsx`/`.xlsm`/`.xls`/
    /// `.ods`); [`Error::InvalidArgument`] for any other.
    pub fn from_path(path: impl AsRef<Path>) -> crate::Result<FileFormat> {
        let path = path.as_ref();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Ok(FileFormat::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Ok(FileFormat::Xlsx),
            _ => Err(Error::InvalidArgument(format!(
                "{}: unknown register file type (use .csv or .xlsx)",
                path.display()
            ))),
        }
    }
}
