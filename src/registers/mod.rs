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

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::code::TextCode;
use crate::error::Error;
use crate::time;
use crate::units;

pub mod projects;
pub mod synthetic;
pub mod villages;

pub use projects::{
    CategoryCount, ConsistencyCheck, PROJECT_CATEGORIES, RegisterConsistency, RegisterProject,
};
pub use villages::{RegisterPlace, RollupLine, VillageRollup, VillageYear};

/// How an import treats bad rows, and defaults for values a file may leave out.
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

// ---------------------------------------------------------------------------------------------
// Reading a sheet
// ---------------------------------------------------------------------------------------------

/// A sheet as text: each row with its number as a spreadsheet shows it.
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    pub rows: Vec<(usize, Vec<String>)>,
}

pub(crate) fn read_sheet(bytes: &[u8], format: FileFormat) -> crate::Result<Sheet> {
    match format {
        FileFormat::Csv => read_csv(bytes),
        FileFormat::Xlsx => read_xlsx(bytes),
    }
}

/// The text of a CSV file: UTF-8 (BOM stripped) or, with the `gbk` feature, GB18030.
pub(crate) fn decode_text(bytes: &[u8]) -> crate::Result<String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        return Err(Error::InvalidArgument(
            "the file is UTF-16 (Excel's \"Unicode text\"); save it as CSV UTF-8".into(),
        ));
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => decode_legacy(body, e),
    }
}

#[cfg(feature = "gbk")]
fn decode_legacy(body: &[u8], utf8_error: std::str::Utf8Error) -> crate::Result<String> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(body)
        .map(|s| s.into_owned())
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "the file is neither UTF-8 ({utf8_error}) nor GBK/GB18030 text"
            ))
        })
}

#[cfg(not(feature = "gbk"))]
fn decode_legacy(_body: &[u8], utf8_error: std::str::Utf8Error) -> crate::Result<String> {
    Err(Error::InvalidArgument(format!(
        "the file is not UTF-8 ({utf8_error}); save it as CSV UTF-8 (GBK files need the \
         `gbk` feature)"
    )))
}

fn read_csv(bytes: &[u8]) -> crate::Result<Sheet> {
    let text = decode_text(bytes)?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::InvalidArgument(format!("CSV: {e}")))?;
        sheet
            .rows
            .push((i + 1, record.iter().map(|c| c.to_owned()).collect()));
    }
    Ok(sheet)
}

#[cfg(feature = "xlsx")]
fn read_xlsx(bytes: &[u8]) -> crate::Result<Sheet> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Error::InvalidArgument(format!("not a readable workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::InvalidArgument("the workbook has no worksheet".into()))?
        .map_err(|e| Error::InvalidArgument(format!("reading the first worksheet: {e}")))?;
    let (row0, _) = range.start().unwrap_or((0, 0));
    let mut sheet = Sheet::default();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) => number_text(*f),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) if d.is_datetime() => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    format!("{y:04}-{m:02}-{day:02}")
                }
                Data::DateTime(d) => number_text(d.as_f64()),
                Data::DateTimeIso(s) => s.chars().take(10).collect(),
                Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e}"),
            })
            .collect();
        sheet.rows.push((row0 as usize + i + 1, cells));
    }
    Ok(sheet)
}

#[cfg(not(feature = "xlsx"))]
fn read_xlsx(_bytes: &[u8]) -> crate::Result<Sheet> {
    Err(Error::InvalidArgument(
        "XLSX registers need govreport's `xlsx` feature; save the sheet as CSV".into(),
    ))
}

/// The shortest decimal text of a number: `12345` for 12345.0, `0.5` for 0.5.
pub(crate) fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/// One column an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Internal key of the field.
    pub key: &'static str,
    /// The header written on export.
    pub label: &'static str,
    /// Header names accepted on import, after normalization (whitespace removed, a unit in
    /// brackets and a leading year `2024年` taken off).
    pub aliases: &'static [&'static str],
    /// Whether the column must be present.
    pub required: bool,
    /// Whether the column holds an amount of money, in 万元 unless the header's bracket says
    /// 亿元 or 元.
    pub money: bool,
}

/// Where a column is in a file.
#[derive(Debug, Clone)]
pub(crate) struct Mapped {
    pub index: usize,
    pub header: String,
    /// Multiply the cell by this to get 万元.
    pub to_wan: f64,
}

/// A header normalized for matching, and the unit its brackets name.
fn normalize_header(h: &str) -> (String, Option<&'static str>) {
    let mut s: String = h
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{feff}')
        .map(|c| match c {
            '（' | '【' | '[' => '(',
            '）' | '】' | ']' => ')',
            c => c,
        })
        .collect();
    let mut unit = None;
    if let Some(open) = s.find('(') {
        let inner = &s[open..];
        unit = if inner.contains("亿元") {
            Some("亿元")
        } else if inner.contains("万元") {
            Some("万元")
        } else if inner.contains("(元)") {
            Some("元")
        } else {
            None
        };
        s.truncate(open);
    }
    // A leading year: 2024年计划投资 -> 计划投资.
    let chars: Vec<char> = s.chars().collect();
    if chars.len() > 5 && chars[..4].iter().all(|c| c.is_ascii_digit()) && chars[4] == '年' {
        s = chars[5..].iter().collect();
    }
    (s, unit)
}

/// The header row and the columns found in it.
pub(crate) struct Header {
    pub row: usize,
    pub position: usize,
    pub columns: HashMap<&'static str, Mapped>,
    pub ignored: Vec<String>,
}

/// Finds the header (the first of the first ten rows with a cell naming `key_column`) and maps
/// its cells to `columns`. Problems with the header are returned as row problems.
pub(crate) fn map_header(
    sheet: &Sheet,
    columns: &[Column],
    key_column: &str,
) -> Result<Header, Vec<RowProblem>> {
    let key = columns
        .iter()
        .find(|c| c.key == key_column)
        .expect("key column is listed");
    let position = sheet.rows.iter().take(10).position(|(_, cells)| {
        cells
            .iter()
            .any(|c| key.aliases.contains(&normalize_header(c).0.as_str()))
    });
    let Some(position) = position else {
        return Err(vec![RowProblem {
            row: sheet.rows.first().map(|r| r.0).unwrap_or(1),
            column: key.label.to_owned(),
            value: String::new(),
            kind: ProblemKind::BadHeader,
            reason: format!(
                "no header row: none of the first ten rows has a {} column (accepted names: {})",
                key.label,
                key.aliases.join(", ")
            ),
        }]);
    };
    let (row, cells) = &sheet.rows[position];
    let mut mapped: HashMap<&'static str, Mapped> = HashMap::new();
    let mut problems = Vec::new();
    let mut ignored = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        if cell.trim().is_empty() {
            continue;
        }
        let (name, unit) = normalize_header(cell);
        let Some(col) = columns.iter().find(|c| c.aliases.contains(&name.as_str())) else {
            ignored.push(cell.trim().to_owned());
            continue;
        };
        let to_wan = match unit.filter(|_| col.money) {
            Some(unit) => units::ratio(unit, "万元").unwrap_or(1.0),
            None => 1.0,
        };
        if let Some(first) = mapped.get(col.key) {
            problems.push(RowProblem {
                row: *row,
                column: cell.trim().to_owned(),
                value: String::new(),
                kind: ProblemKind::BadHeader,
                reason: format!(
                    "two columns mean {}: {} and {}",
                    col.label,
                    first.header,
                    cell.trim()
                ),
            });
            continue;
        }
        mapped.insert(
            col.key,
            Mapped {
                index,
                header: cell.trim().to_owned(),
                to_wan,
            },
        );
    }
    for col in columns.iter().filter(|c| c.required) {
        if !mapped.contains_key(col.key) {
            problems.push(RowProblem {
                row: *row,
                column: col.label.to_owned(),
                value: String::new(),
                kind: ProblemKind::BadHeader,
                reason: format!(
                    "required column {} is missing (accepted names: {})",
                    col.label,
                    col.aliases.join(", ")
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok(Header {
            row: *row,
            position,
            columns: mapped,
            ignored,
        })
    } else {
        Err(problems)
    }
}

/// One data row being read: collects problems as cells are parsed.
pub(crate) struct RowReader<'a> {
    pub row: usize,
    pub cells: &'a [String],
    pub header: &'a Header,
    pub columns: &'a [Column],
    pub problems: Vec<RowProblem>,
}

impl<'a> RowReader<'a> {
    pub fn new(row: usize, cells: &'a [String], header: &'a Header, columns: &'a [Column]) -> Self {
        RowReader {
            row,
            cells,
            header,
            columns,
            problems: Vec::new(),
        }
    }

    /// The column's header as written, or its export label if the file lacks it.
    pub fn column_name(&self, key: &str) -> String {
        self.header
            .columns
            .get(key)
            .map(|m| m.header.clone())
            .unwrap_or_else(|| {
                self.columns
                    .iter()
                    .find(|c| c.key == key)
                    .map(|c| c.label.to_owned())
                    .unwrap_or_else(|| key.to_owned())
            })
    }

    /// The trimmed cell text; `None` when empty or a placeholder (`—`, `-`, `/`, `无`).
    pub fn text(&self, key: &str) -> Option<String> {
        let m = self.header.columns.get(key)?;
        let raw = self.cells.get(m.index)?.trim().trim_matches('\u{3000}');
        if raw.is_empty() || ["—", "-", "--", "/", "无", "——", "／"].contains(&raw) {
            None
        } else {
            Some(raw.to_owned())
        }
    }

    /// The raw trimmed cell text, even a placeholder (for messages).
    pub fn raw(&self, key: &str) -> String {
        self.header
            .columns
            .get(key)
            .and_then(|m| self.cells.get(m.index))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }

    pub fn problem(&mut self, key: &str, kind: ProblemKind, reason: impl Into<String>) {
        let column = self.column_name(key);
        let value = self.raw(key);
        self.problems.push(RowProblem {
            row: self.row,
            column,
            value,
            kind,
            reason: reason.into(),
        });
    }

    /// A required text cell.
    pub fn required(&mut self, key: &str) -> Option<String> {
        let v = self.text(key);
        if v.is_none() {
            self.problem(key, ProblemKind::Missing, "required value is empty");
        }
        v
    }

    /// A non-negative number, converted to 万元 for money columns.
    pub fn amount(&mut self, key: &str, required: bool) -> Option<f64> {
        let Some(text) = self.text(key) else {
            if required {
                self.problem(key, ProblemKind::Missing, "required value is empty");
            }
            return None;
        };
        let Some(v) = parse_number(&text) else {
            self.problem(key, ProblemKind::NotANumber, "not a number");
            return None;
        };
        if v < 0.0 {
            self.problem(key, ProblemKind::Negative, "must not be negative");
            return None;
        }
        let to_wan = self
            .header
            .columns
            .get(key)
            .map(|m| m.to_wan)
            .unwrap_or(1.0);
        Some(round_to(v * to_wan, 6))
    }
}

/// A number as offices write it: `1,234.5`, `１２３４`, ` 12 `, `12.0万` is not accepted.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let s: String = text
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .collect();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Rounds to `digits` decimal places.
pub(crate) fn round_to(v: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (v * k).round() / k
}

/// 万元 -> 元, rounded to the fen.
pub(crate) fn wan_to_yuan(v: f64) -> f64 {
    // 元 is the base unit of money, so 万元's multiplier is the factor.
    round_to(v * units::base_of("万元").1, 2)
}

/// Whether a row is blank or a total row (合计/总计/小计 in its first cells).
pub(crate) fn is_blank_or_total(cells: &[String]) -> bool {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return true;
    }
    cells.iter().take(3).any(|c| {
        let t: String = c.chars().filter(|c| !c.is_whitespace()).collect();
        matches!(t.as_str(), "合计" | "总计" | "小计" | "合　计")
    })
}

/// A date as offices write it: `2024-03-01`, `2024/3/1`, `2024.3.1`, `2024年3月1日`, or a month
/// only (`2024-03`, `2024年3月`, `2024.3`). Returns ISO `YYYY-MM-DD` or `YYYY-MM`.
pub(crate) fn parse_date(text: &str) -> Result<String, String> {
    let t = text.trim().trim_end_matches('日').trim_end_matches("份");
    let parts: Vec<&str> = t
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse::<u32>().ok()).collect();
    let Some(nums) = nums else {
        return Err("not a date (write 2024-03-01, 2024/3/1, 2024年3月1日 or 2024年3月)".into());
    };
    match nums.as_slice() {
        [y, m] if parts[0].len() == 4 => {
            check_ymd(*y, *m, 1)?;
            Ok(format!("{y:04}-{m:02}"))
        }
        [y, m, d] if parts[0].len() == 4 => {
            check_ymd(*y, *m, *d)?;
            Ok(format!("{y:04}-{m:02}-{d:02}"))
        }
        _ => Err("not a date (write 2024-03-01, 2024/3/1, 2024年3月1日 or 2024年3月)".into()),
    }
}

fn check_ymd(y: u32, m: u32, d: u32) -> Result<(), String> {
    let Some(y) = i32::try_from(y).ok().filter(|y| time::YEARS.contains(y)) else {
        return Err(format!(
            "year {y} is out of range ({}-{})",
            time::YEARS.start(),
            time::YEARS.end()
        ));
    };
    if !(1..=12).contains(&m) {
        return Err(format!("month {m} does not exist"));
    }
    if d == 0 || d > time::days_in_month(y, m) {
        return Err(format!("day {d} does not exist in {y}-{m:02}"));
    }
    Ok(())
}

/// A name reduced for matching: whitespace, brackets, quotes and separators removed.
pub(crate) fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| {
            !c.is_whitespace() && !"（）()【】[]“”\"‘’'「」《》<>·・.-—_、,，;；:：".contains(*c)
        })
        .collect()
}

/// The file name part of a path, for `source` columns.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file for import, mapping I/O errors.
pub(crate) fn read_input(path: &Path) -> Result<(Vec<u8>, FileFormat, String), ImportError> {
    let format = FileFormat::from_path(path)?;
    let bytes = std::fs::read(path).map_err(Error::Io)?;
    Ok((bytes, format, file_name(path)))
}

/// Writes rows as CSV (UTF-8 with a BOM, so that Excel opens the Chinese text correctly).
pub(crate) fn write_csv(
    title: Option<&str>,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> crate::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        // Writing into memory fails only as output does: an I/O error, not a bad argument.
        let fail = |e: csv::Error| Error::Io(std::io::Error::other(format!("writing CSV: {e}")));
        if let Some(title) = title {
            w.write_record([title]).map_err(fail)?;
        }
        w.write_record(header).map_err(fail)?;
        for row in rows {
            w.write_record(row.iter().map(|c| c.text())).map_err(fail)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// A cell to export.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Empty => String::new(),
        }
    }

    pub fn opt_text(v: &Option<String>) -> Cell {
        v.as_ref()
            .map(|s| Cell::Text(s.clone()))
            .unwrap_or(Cell::Empty)
    }

    pub fn opt_number(v: Option<f64>) -> Cell {
        v.map(Cell::Number).unwrap_or(Cell::Empty)
    }
}

/// Writes rows as an XLSX workbook with one sheet.
#[cfg(feature = "xlsx")]
pub(crate) fn write_xlsx(
    title: Option<&str>,
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> crate::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Error::Io(std::io::Error::other(format!("writing XLSX: {e}")))
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(fail)?;
    let bold = Format::new().set_bold();
    let top = u32::from(title.is_some());
    if let Some(title) = title {
        sheet
            .write_string_with_format(0, 0, title, &bold)
            .map_err(fail)?;
    }
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(top, c as u16, *h, &bold)
            .map_err(fail)?;
        sheet
            .set_column_width(c as u16, if h.chars().count() > 4 { 18 } else { 10 })
            .map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1 + top;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, c as u16, s).map_err(fail)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c as u16, *n).map_err(fail)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(top + 1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

#[cfg(not(feature = "xlsx"))]
pub(crate) fn write_xlsx(
    _title: Option<&str>,
    _sheet_name: &str,
    _header: &[&str],
    _rows: &[Vec<Cell>],
) -> crate::Result<Vec<u8>> {
    Err(Error::InvalidArgument(
        "XLSX export needs govreport's `xlsx` feature; export CSV instead".into(),
    ))
}

/// Encodes rows in a format, under an optional title row.
pub(crate) fn encode(
    format: FileFormat,
    title: Option<&str>,
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> crate::Result<Vec<u8>> {
    match format {
        FileFormat::Csv => write_csv(title, header, rows),
        FileFormat::Xlsx => write_xlsx(title, sheet_name, header, rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_numbers_headers() {
        assert_eq!(parse_date("2024/3/1").unwrap(), "2024-03-01");
        assert_eq!(parse_date("2024年3月").unwrap(), "2024-03");
        assert_eq!(parse_date("2024年12月31日").unwrap(), "2024-12-31");
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("明年").is_err());
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("１２"), Some(12.0));
        assert_eq!(parse_number("12万"), None);
        assert_eq!(
            normalize_header("总投资\n（亿元）"),
            ("总投资".into(), Some("亿元"))
        );
        assert_eq!(normalize_header("2024年计划投资(万元)").0, "计划投资");
    }
}
