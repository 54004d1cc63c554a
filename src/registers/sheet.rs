//! Sheets in and out: reading a register file (CSV in UTF-8 or GB18030, XLSX/XLS/ODS) into
//! rows of text, and writing rows as CSV or XLSX for export.

use std::cell::Cell as Shared;
use std::io::{Read, Seek, SeekFrom};
use std::rc::Rc;

use super::FileFormat;
use super::limits::{ImportLimits, over_limit};
use crate::error::Error;

/// A sheet as text: each row with its number as a spreadsheet shows it.
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Where an imported file's bytes come from: memory, or a file read as it is parsed (a CSV
/// is never held whole; an XLSX is read into memory after its size is checked).
pub(crate) enum Input<'a> {
    Bytes(&'a [u8]),
    File(std::fs::File),
}

pub(crate) fn read_sheet(
    input: Input<'_>,
    format: FileFormat,
    limits: &ImportLimits,
) -> crate::Result<Sheet> {
    match (format, input) {
        (FileFormat::Csv, Input::Bytes(b)) => read_csv(std::io::Cursor::new(b), limits),
        (FileFormat::Csv, Input::File(f)) => read_csv(f, limits),
        (FileFormat::Xlsx, Input::Bytes(b)) => read_xlsx(b, limits),
        (FileFormat::Xlsx, Input::File(mut f)) => {
            let size = f.metadata()?.len();
            if size > limits.max_bytes {
                return Err(over_limit(
                    "the workbook file's size",
                    format!("{size} bytes"),
                    "max_bytes",
                    limits.max_bytes,
                ));
            }
            let mut bytes = Vec::with_capacity(size as usize);
            f.read_to_end(&mut bytes)?;
            read_xlsx(&bytes, limits)
        }
    }
}

fn check_not_utf16(body: &[u8]) -> crate::Result<()> {
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        return Err(Error::InvalidArgument(
            "the file is UTF-16 (Excel's \"Unicode text\"); save it as CSV UTF-8".into(),
        ));
    }
    Ok(())
}

/// Reads a CSV file record by record within `limits`. UTF-8 is tried first; at the first field
/// that is not UTF-8 the file is read again as GB18030 (whose multi-byte characters never
/// contain a comma, tab, quote or line end, so fields split the same either way).
fn read_csv<R: Read + Seek>(mut file: R, limits: &ImportLimits) -> crate::Result<Sheet> {
    // The delimiter is sniffed from the first non-blank line, looked for in the first record's
    // worth of bytes.
    let mut prefix = Vec::new();
    (&mut file)
        .take(limits.max_row_bytes as u64 + 3)
        .read_to_end(&mut prefix)?;
    let bom = if prefix.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    check_not_utf16(&prefix[bom..])?;
    let delimiter = sniff_delimiter(&prefix[bom..]);
    match read_records(&mut file, bom as u64, delimiter, limits, Decode::Utf8)? {
        Ok(sheet) => Ok(sheet),
        Err(utf8_error) => {
            #[cfg(feature = "gbk")]
            {
                let _ = utf8_error;
                match read_records(&mut file, bom as u64, delimiter, limits, Decode::Gb18030)? {
                    Ok(sheet) => Ok(sheet),
                    Err(e) => Err(Error::InvalidArgument(format!(
                        "the file is neither UTF-8 nor GBK/GB18030 text ({e})"
                    ))),
                }
            }
            #[cfg(not(feature = "gbk"))]
            Err(Error::InvalidArgument(format!(
                "the file is not UTF-8 ({utf8_error}); save it as CSV UTF-8 (GBK files need \
                 the `gbk` feature)"
            )))
        }
    }
}

fn sniff_delimiter(prefix: &[u8]) -> u8 {
    let text = match std::str::from_utf8(prefix) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        // Valid UTF-8 cut short at the end of the prefix.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(prefix),
        Err(_) => legacy_lossy(prefix),
    };
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    }
}

#[cfg(feature = "gbk")]
fn legacy_lossy(prefix: &[u8]) -> std::borrow::Cow<'_, str> {
    encoding_rs::GB18030.decode_without_bom_handling(prefix).0
}

#[cfg(not(feature = "gbk"))]
fn legacy_lossy(prefix: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(prefix)
}

#[derive(Clone, Copy, PartialEq)]
enum Decode {
    Utf8,
    #[cfg_attr(not(feature = "gbk"), allow(dead_code))]
    Gb18030,
}

/// One pass over the records from byte `start`. `Ok(Err(why))`: a field is not text in
/// `decode` (try the next encoding).
fn read_records<R: Read + Seek>(
    file: &mut R,
    start: u64,
    delimiter: u8,
    limits: &ImportLimits,
    decode: Decode,
) -> crate::Result<Result<Sheet, String>> {
    file.seek(SeekFrom::Start(start))?;
    let bound = Rc::new(Shared::new(start + limits.max_row_bytes as u64 + 1));
    let bounded = Bounded {
        inner: file,
        read: start,
        row_end: bound.clone(),
        total_end: limits.max_bytes + 1,
        over: Rc::new(Shared::new(None)),
    };
    let over = bounded.over.clone();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bounded);
    let mut sheet = Sheet::default();
    let mut record = csv::ByteRecord::new();
    loop {
        let row = sheet.rows.len() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(match over.get() {
                    Some(Over::Row) => over_limit(
                        &format!("the length of CSV row {row} (a field or the whole row)"),
                        format!("more than {} bytes", limits.max_row_bytes),
                        "max_row_bytes",
                        limits.max_row_bytes,
                    ),
                    Some(Over::Total) => over_limit(
                        "the CSV file's size",
                        format!("more than {} bytes", limits.max_bytes),
                        "max_bytes",
                        limits.max_bytes,
                    ),
                    None => Error::InvalidArgument(format!("CSV: {e}")),
                });
            }
        }
        if row > limits.max_rows {
            return Err(over_limit(
                "the number of CSV rows",
                format!("more than {}", limits.max_rows),
                "max_rows",
                limits.max_rows,
            ));
        }
        // The next record may take max_row_bytes from where this one ended.
        bound.set(start + reader.position().byte() + limits.max_row_bytes as u64 + 1);
        // Trailing empty fields are what a spreadsheet pads rows with: not kept, not counted.
        let used = record
            .iter()
            .rposition(|f| !f.is_empty())
            .map_or(0, |i| i + 1);
        if used > limits.max_columns {
            return Err(over_limit(
                &format!("the number of fields in CSV row {row}"),
                used,
                "max_columns",
                limits.max_columns,
            ));
        }
        let mut cells = Vec::with_capacity(used);
        for (i, field) in record.iter().take(used).enumerate() {
            if field.len() > limits.max_field_bytes {
                return Err(over_limit(
                    &format!("the length of CSV row {row}, field {}", i + 1),
                    format!("{} bytes", field.len()),
                    "max_field_bytes",
                    limits.max_field_bytes,
                ));
            }
            match decode_field(field, decode) {
                Some(text) => cells.push(text),
                None => return Ok(Err(format!("row {row}, field {}", i + 1))),
            }
        }
        sheet.rows.push((row, cells));
    }
    Ok(Ok(sheet))
}

fn decode_field(field: &[u8], decode: Decode) -> Option<String> {
    match decode {
        Decode::Utf8 => std::str::from_utf8(field).ok().map(str::to_owned),
        #[cfg(feature = "gbk")]
        Decode::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(field)
            .map(|s| s.into_owned()),
        #[cfg(not(feature = "gbk"))]
        Decode::Gb18030 => None,
    }
}

#[derive(Debug, Clone, Copy)]
enum Over {
    Row,
    Total,
}

/// The reader under the CSV parser: it hands out no byte past the current record's bound or
/// the file's, so the parser never buffers more than one record of `max_row_bytes`.
struct Bounded<R> {
    inner: R,
    /// Absolute offset read so far.
    read: u64,
    /// First offset the current record may not reach (moved on after every record).
    row_end: Rc<Shared<u64>>,
    total_end: u64,
    over: Rc<Shared<Option<Over>>>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (end, kind) = if self.row_end.get() <= self.total_end {
            (self.row_end.get(), Over::Row)
        } else {
            (self.total_end, Over::Total)
        };
        if self.read >= end {
            self.over.set(Some(kind));
            return Err(std::io::Error::other("import size limit reached"));
        }
        let room = usize::try_from(end - self.read).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(feature = "xlsx")]
fn read_xlsx(bytes: &[u8], limits: &ImportLimits) -> crate::Result<Sheet> {
    use calamine::{Reader, Sheets};
    super::xlsx_check::check_workbook(std::io::Cursor::new(bytes), limits)?;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Error::InvalidArgument(format!("not a readable workbook: {e}")))?;
    // XLSB keeps its cells in binary records the check above cannot see.
    if matches!(book, Sheets::Xlsb(_)) {
        return Err(Error::InvalidArgument(
            "binary workbooks (.xlsb) are not imported; save the sheet as XLSX or CSV".into(),
        ));
    }
    let no_sheet = || Error::InvalidArgument("the workbook has no worksheet".into());
    let reading = |e: &dyn std::fmt::Display| {
        Error::InvalidArgument(format!("reading the first worksheet: {e}"))
    };
    // XLSX is read cell by cell (checked above), never as calamine's dense grid from the first
    // to the last cell; the other formats go through calamine's range.
    let cells: Vec<(u32, u32, String)> = if let Sheets::Xlsx(xlsx) = &mut book {
        let name = xlsx.sheet_names().first().cloned().ok_or_else(no_sheet)?;
        let mut cells = Vec::new();
        let mut reader = match xlsx.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            // As calamine's range: a chart sheet first reads as an empty sheet.
            Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Sheet::default()),
            Err(e) => return Err(reading(&e)),
        };
        while let Some(cell) = reader.next_cell().map_err(|e| reading(&e))? {
            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                let (r, c) = cell.get_position();
                cells.push((r, c, cell_text(&cell.get_value().clone().into())));
            }
        }
        cells
    } else {
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(no_sheet)?
            .map_err(|e| reading(&e))?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        range
            .used_cells()
            .map(|(r, c, d)| (row0 + r as u32, col0 + c as u32, cell_text(d)))
            .collect()
    };
    // The shared strings and zip buffers are not needed for the rows.
    drop(book);
    Ok(sparse_sheet(cells))
}

/// Rows from the first to the last one holding a cell (empty rows in between included, as
/// calamine's range has them), columns counted from the leftmost cell; a row ends at its last
/// cell.
#[cfg(feature = "xlsx")]
fn sparse_sheet(mut cells: Vec<(u32, u32, String)>) -> Sheet {
    let mut sheet = Sheet::default();
    let (Some(top), Some(bottom), Some(left)) = (
        cells.iter().map(|c| c.0).min(),
        cells.iter().map(|c| c.0).max(),
        cells.iter().map(|c| c.1).min(),
    ) else {
        return sheet;
    };
    cells.sort_by_key(|c| (c.0, c.1));
    let mut cells = cells.into_iter().peekable();
    for r in top..=bottom {
        let mut row = Vec::new();
        while let Some((_, c, text)) = cells.next_if(|c| c.0 == r) {
            let at = (c - left) as usize;
            if row.len() < at {
                row.resize(at, String::new());
            }
            // Two cells at one place: the later one wins, as in calamine's range.
            if row.len() == at {
                row.push(text);
            } else {
                row[at] = text;
            }
        }
        sheet.rows.push((r as usize + 1, row));
    }
    sheet
}

#[cfg(feature = "xlsx")]
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
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
    }
}

#[cfg(not(feature = "xlsx"))]
fn read_xlsx(_bytes: &[u8], _limits: &ImportLimits) -> crate::Result<Sheet> {
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
