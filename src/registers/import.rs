//! The one import pipeline of the registers: header mapping (Chinese aliases, units in
//! brackets), per-row reading that collects every problem, the cell parsers (numbers, dates,
//! amounts in 万元), and the all-or-nothing / skip-bad-rows rule. An importer brings its column
//! table and its row-to-record step; everything else is here.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::sheet::{Input, Sheet, read_sheet};
use super::{FileFormat, ImportError, ImportOptions, ImportSummary, ProblemKind, RowProblem};
use crate::error::Error;
use crate::time;
use crate::units;

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
    /// Whether the column must be present (and, for text and money, its cells filled).
    pub required: bool,
    /// What its cells hold, and so how they are read.
    pub kind: ColumnKind,
}

/// What the cells of a register column hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Text, read as written (trimmed; placeholders such as `—` or `无` read as empty). The
    /// importer checks codes and closed sets itself.
    Text,
    /// A non-negative amount of money, in 万元 unless the header's bracket says 亿元 or 元.
    Money,
    /// A date as offices write it (`2024/3/1`, `2024年3月`), stored as ISO.
    Date,
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
        let to_wan = match unit.filter(|_| col.kind == ColumnKind::Money) {
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

    /// A date cell (see [`parse_date`]): ISO `YYYY-MM-DD` or `YYYY-MM`.
    pub fn date(&mut self, key: &str) -> Option<String> {
        let text = self.text(key)?;
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(reason) => {
                self.problem(key, ProblemKind::BadDate, reason);
                None
            }
        }
    }

    /// A non-negative number, converted to 万元 for money columns; a required column's empty
    /// cell is a problem.
    pub fn amount(&mut self, key: &str) -> Option<f64> {
        let required = self.columns.iter().any(|c| c.key == key && c.required);
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

/// A sheet read for import: its header, the summary so far, the records of the good rows and
/// the problems of the bad ones.
pub(crate) struct ReadRows<I> {
    pub header: Header,
    pub summary: ImportSummary,
    pub inputs: Vec<I>,
    pub problems: Vec<RowProblem>,
}

/// Reads a register file: finds the header (the first of the first ten rows naming the `key`
/// column), maps it to `columns`, and gives every data row to `row`, which returns the row's
/// record or `None` after noting its problems on the reader. Blank, total and title rows are
/// listed as ignored. A bad header fails at once with every header problem.
pub(crate) fn read_rows<I>(
    source_name: &str,
    input: Input<'_>,
    format: FileFormat,
    options: &ImportOptions,
    columns: &'static [Column],
    key: &str,
    mut row: impl FnMut(&mut RowReader<'_>) -> Option<I>,
) -> Result<ReadRows<I>, ImportError> {
    let sheet = read_sheet(input, format, &options.limits)?;
    let header = map_header(&sheet, columns, key).map_err(|problems| ImportError::BadRows {
        source_name: source_name.to_owned(),
        problems,
    })?;
    let mut summary = ImportSummary {
        source: source_name.to_owned(),
        header_row: header.row,
        ignored_columns: header.ignored.clone(),
        ignored_rows: sheet.rows[..header.position].iter().map(|r| r.0).collect(),
        ..Default::default()
    };
    let mut problems = Vec::new();
    let mut inputs = Vec::new();
    for (n, cells) in &sheet.rows[header.position + 1..] {
        if is_blank_or_total(cells) {
            summary.ignored_rows.push(*n);
            continue;
        }
        summary.rows_read += 1;
        let mut reader = RowReader::new(*n, cells, &header, columns);
        match row(&mut reader) {
            Some(input) => inputs.push(input),
            None => problems.append(&mut reader.problems),
        }
    }
    Ok(ReadRows {
        header,
        summary,
        inputs,
        problems,
    })
}

/// The all-or-nothing rule, once for every import. No problems: nothing to leave out. Problems
/// without [`ImportOptions::skip_bad_rows`]: the import fails with all of them, in row order.
/// With it: they go into [`ImportSummary::skipped`] and the rows to leave out come back.
pub(crate) fn settle(
    mut problems: Vec<RowProblem>,
    options: &ImportOptions,
    summary: &mut ImportSummary,
) -> Result<Vec<usize>, ImportError> {
    problems.sort_by_key(|p| p.row);
    if problems.is_empty() {
        return Ok(Vec::new());
    }
    if !options.skip_bad_rows {
        return Err(ImportError::BadRows {
            source_name: summary.source.clone(),
            problems,
        });
    }
    let rows = problems.iter().map(|p| p.row).collect();
    summary.skipped = problems;
    Ok(rows)
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

/// Opens a file for import (read as it is parsed, within the import limits), mapping I/O
/// errors.
pub(crate) fn read_input(path: &Path) -> Result<(Input<'static>, FileFormat, String), ImportError> {
    let format = FileFormat::from_path(path)?;
    let file = std::fs::File::open(path).map_err(Error::Io)?;
    Ok((Input::File(file), format, file_name(path)))
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
