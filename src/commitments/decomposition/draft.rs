//! Writing the draft 任务分解表: one row per commitment, as CSV or as a workbook offices print
//! as is.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{DECOMPOSITION_COLUMNS, numbered};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::registers::{Cell, FileFormat, write_csv};

/// One row of the draft table (the columns of [`DECOMPOSITION_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecompositionRow {
    /// The commitment the row is.
    pub commitment_id: i64,
    /// 序号 (`一.1`, `目标.3`, `自身建设.2`).
    pub serial: String,
    /// 类别: the area's or part's title.
    pub category: String,
    /// 工作任务: the commitment's quote.
    pub task: String,
    /// 量化指标: its targets' quotes joined by `；` (empty when it has none).
    pub indicators: String,
    /// 完成时限: the deadline words the report states, else `年底前`.
    pub deadline_text: String,
}

impl DecompositionRow {
    /// The cells of the row, in column order (牵头单位, 责任单位 and 责任领导 empty).
    fn cells(&self) -> [&str; 8] {
        [
            &self.serial,
            &self.category,
            &self.task,
            &self.indicators,
            "",
            "",
            "",
            &self.deadline_text,
        ]
    }
}

impl Db {
    /// The rows of the draft 任务分解表 of report `report_id`, in commitment order
    /// ([module docs](super)). An unknown report is [`Error::NotFound`].
    pub fn decomposition_rows(&self, report_id: i64) -> Result<Vec<DecompositionRow>> {
        let rows = numbered(self, report_id)?;
        let mut out = Vec::with_capacity(rows.len());
        for (serial, c) in rows {
            let mut quotes = Vec::with_capacity(c.target_ids.len());
            for t in &c.target_ids {
                quotes.push(self.target(*t)?.quote);
            }
            out.push(DecompositionRow {
                commitment_id: c.id,
                serial,
                category: c.area_title,
                task: c.quote,
                indicators: quotes.join("；"),
                deadline_text: c.deadline_text.unwrap_or_else(|| "年底前".into()),
            });
        }
        Ok(out)
    }

    /// The draft 任务分解表 of report `report_id` as the bytes of a CSV file (UTF-8 with a
    /// BOM, the header first) or an XLSX workbook (a title row above the header, ready to
    /// print; needs the `xlsx` feature). See the [module docs](super) for the columns and
    /// the numbering.
    pub fn decomposition_draft_bytes(&self, report_id: i64, format: FileFormat) -> Result<Vec<u8>> {
        let rows = self.decomposition_rows(report_id)?;
        let header: Vec<&str> = DECOMPOSITION_COLUMNS.iter().map(|c| c.label).collect();
        match format {
            FileFormat::Csv => {
                let cells: Vec<Vec<Cell>> = rows
                    .iter()
                    .map(|r| {
                        r.cells()
                            .iter()
                            .map(|c| {
                                if c.is_empty() {
                                    Cell::Empty
                                } else {
                                    Cell::Text((*c).to_owned())
                                }
                            })
                            .collect()
                    })
                    .collect();
                write_csv(None, &header, &cells)
            }
            FileFormat::Xlsx => {
                let report = self
                    .reports()?
                    .into_iter()
                    .find(|r| r.id == report_id)
                    .ok_or_else(|| Error::NotFound(format!("report {report_id}")))?;
                let title = format!(
                    "{}{}年《政府工作报告》重点工作任务分解",
                    report.region, report.plan_year
                );
                workbook(&title, &header, &rows)
            }
        }
    }

    /// Writes [`Db::decomposition_draft_bytes`] to `path`, a new file; returns the number of
    /// rows. An existing `path` is refused with [`Error::InvalidArgument`] and left unchanged;
    /// if writing fails, the partly written file is removed.
    pub fn decomposition_draft(
        &self,
        report_id: i64,
        path: impl AsRef<Path>,
        format: FileFormat,
    ) -> Result<usize> {
        let path = path.as_ref();
        let rows = self.decomposition_rows(report_id)?.len();
        let bytes = self.decomposition_draft_bytes(report_id, format)?;
        // create_new claims the name atomically: an existing file is never opened.
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::InvalidArgument(format!(
                    "{}: the file exists; the draft is written to a new file (choose another \
                     name or remove it first)",
                    path.display()
                )));
            }
            Err(e) => {
                return Err(Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", path.display()),
                )));
            }
        };
        let written = file.write_all(&bytes).and_then(|_| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(Error::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            )));
        }
        Ok(rows)
    }
}

/// Column widths (characters) for landscape A4, fitted to one page wide when printed.
#[cfg(feature = "xlsx")]
const WIDTHS: [f64; 8] = [9.0, 18.0, 56.0, 28.0, 14.0, 20.0, 10.0, 11.0];

/// The printable workbook: title, header, rows; wrapped text and borders; landscape A4, one
/// page wide, the header repeated on every page, page numbers in the footer.
#[cfg(feature = "xlsx")]
fn workbook(title: &str, header: &[&str], rows: &[DecompositionRow]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Error::Io(std::io::Error::other(format!("writing XLSX: {e}")))
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("任务分解表").map_err(fail)?;
    let title_format = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell_format = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let centered = cell_format.clone().set_align(FormatAlign::Center);
    let last_col = (header.len() - 1) as u16;
    sheet
        .merge_range(0, 0, 0, last_col, title, &title_format)
        .map_err(fail)?;
    sheet.set_row_height(0, 36).map_err(fail)?;
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(1, c as u16, *h, &header_format)
            .map_err(fail)?;
        sheet
            .set_column_width(c as u16, WIDTHS[c % WIDTHS.len()])
            .map_err(fail)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        for (c, text) in row.cells().iter().enumerate() {
            // 序号 and 完成时限 centred; empty cells keep the border for hand filling.
            let format = if c == 0 || c == 7 {
                &centered
            } else {
                &cell_format
            };
            if text.is_empty() {
                sheet.write_blank(r, c as u16, format).map_err(fail)?;
            } else {
                sheet
                    .write_string_with_format(r, c as u16, *text, format)
                    .map_err(fail)?;
            }
        }
    }
    sheet.set_repeat_rows(1, 1).map_err(fail)?;
    sheet.set_freeze_panes(2, 0).map_err(fail)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    sheet.set_footer("&C第 &P 页，共 &N 页");
    book.save_to_buffer().map_err(fail)
}

#[cfg(not(feature = "xlsx"))]
fn workbook(_title: &str, _header: &[&str], _rows: &[DecompositionRow]) -> Result<Vec<u8>> {
    Err(Error::InvalidArgument(
        "an XLSX 任务分解表 needs govreport's `xlsx` feature; write the CSV draft instead".into(),
    ))
}
