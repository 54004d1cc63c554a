//! Sheets in and out: reading a register file (CSV in UTF-8 or GB18030, XLSX/XLS/ODS) into
//! rows of text, and writing rows as CSV or XLSX for export.

use super::FileFormat;
use crate::error::Error;

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
