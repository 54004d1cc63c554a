//! The check an XLSX file passes before calamine sees it. calamine trusts a workbook's numbers:
//! it reserves memory for the declared shared-string count, builds a dense grid from the first
//! to the last cell, and parses cell references without overflow checks, so a 1.5 KB file can
//! abort the process. Here the zip is checked from its central directory and again while every
//! entry is inflated (a lying header does not help), and the XML of every entry is streamed
//! through quick-xml looking at `<dimension ref>`, `<row r>`, `<c r>`, `<sst count uniqueCount>`
//! and `<si>`: nothing is kept but counters, so the check itself needs a few KiB.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};

use super::limits::{ImportLimits, over_limit};
use crate::error::Error;

/// Entries smaller than this once inflated are not held to the compression ratio: tiny XML
/// parts compress very well and cost nothing.
const RATIO_FLOOR: u64 = 1 << 20;

/// Checks a workbook against `limits`. A file that is not a zip (an `.xls`) is left to calamine.
pub(crate) fn check_workbook<R: Read + Seek>(file: R, limits: &ImportLimits) -> crate::Result<()> {
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return Ok(());
    };
    let unreadable =
        |e: zip::result::ZipError| Error::InvalidArgument(format!("not a readable workbook: {e}"));
    if zip.len() > limits.max_zip_entries {
        return Err(over_limit(
            "the number of entries in the workbook's zip",
            zip.len(),
            "max_zip_entries",
            limits.max_zip_entries,
        ));
    }
    // What the central directory declares, before anything is inflated.
    let mut declared_total: u64 = 0;
    let mut declared = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(unreadable)?;
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared_total = declared_total.saturating_add(size);
        declared.push((size, packed));
    }
    if declared_total > limits.max_bytes {
        return Err(over_limit(
            "the workbook's uncompressed size (declared by its zip directory)",
            format!("{declared_total} bytes"),
            "max_bytes",
            limits.max_bytes,
        ));
    }
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(unreadable)?;
        let name = entry.name().map_err(unreadable)?;
        check_ratio(&name, entry.size(), entry.compressed_size(), limits)?;
    }
    // The same, counted while inflating, with the XML of every entry scanned on the way.
    let mut inflated_total: u64 = 0;
    for (i, &(size, packed)) in declared.iter().enumerate() {
        let entry = zip.by_index(i).map_err(unreadable)?;
        let name = entry.name().map_err(unreadable)?.into_owned();
        let budget = (limits.max_bytes - inflated_total).min(size);
        let mut counted = Counted {
            inner: entry,
            read: 0,
            cap: budget,
            over: false,
        };
        let scanned = scan_xml(&name, BufReader::new(&mut counted), limits);
        // The rest of an entry that is not XML (an image) still counts.
        let drained = match scanned {
            Ok(()) => std::io::copy(&mut counted, &mut std::io::sink()).map(|_| ()),
            Err(_) => Ok(()),
        };
        if counted.over {
            // Entries so far were at most their declared sizes, so the budget is never below
            // this entry's declared size: going over means the header lied.
            return Err(Error::InvalidArgument(format!(
                "workbook entry {name} inflates to more than the {size} bytes its zip header \
                 declares: a damaged or forged file; nothing imported"
            )));
        }
        scanned?;
        drained.map_err(|e| {
            Error::InvalidArgument(format!(
                "workbook entry {name} cannot be inflated ({e}): a damaged or forged file; \
                 nothing imported"
            ))
        })?;
        check_ratio(&name, counted.read, packed, limits)?;
        inflated_total += counted.read;
    }
    Ok(())
}

fn check_ratio(name: &str, size: u64, packed: u64, limits: &ImportLimits) -> crate::Result<()> {
    let ratio = size / packed.max(1);
    if size > RATIO_FLOOR && ratio > limits.max_compression_ratio {
        return Err(over_limit(
            &format!("the compression ratio of workbook entry {name} ({size} bytes from {packed})"),
            ratio,
            "max_compression_ratio",
            limits.max_compression_ratio,
        ));
    }
    Ok(())
}

/// A reader that stops (with an error, and `over` set) after `cap` bytes.
struct Counted<R> {
    inner: R,
    read: u64,
    cap: u64,
    over: bool,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // One byte past the cap is asked for, so that reaching the cap exactly is not "over".
        let room = (self.cap + 1 - self.read.min(self.cap + 1)) as usize;
        if room == 0 {
            self.over = true;
            return Err(std::io::Error::other("inflated size limit reached"));
        }
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        self.read += n as u64;
        if self.read > self.cap {
            self.over = true;
            return Err(std::io::Error::other("inflated size limit reached"));
        }
        Ok(n)
    }
}

/// Streams one entry's XML and checks every element that tells calamine how much to allocate.
/// Entries that are not XML end the scan at their first parse error (calamine does not read
/// them as sheets either).
fn scan_xml<B: std::io::BufRead>(name: &str, input: B, limits: &ImportLimits) -> crate::Result<()> {
    let mut xml = quick_xml::Reader::from_reader(input);
    // As calamine configures its reader, so that both see the same elements.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let mut buf = Vec::new();
    let mut row: u64 = 0;
    let mut column: u64 = 0;
    let mut cells: u64 = 0;
    let mut strings: u64 = 0;
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(event) => event,
        };
        let (Event::Start(e) | Event::Empty(e)) = event else {
            continue;
        };
        match e.local_name().into_inner().as_bytes() {
            b"dimension" => {
                if let Some(value) = attr(&e, b"ref") {
                    for part in value.split(|b| *b == b':') {
                        let (r, c) = cell_ref(name, part, "dimension")?;
                        check_cell(name, part, r, c, limits)?;
                    }
                }
            }
            b"row" => {
                row = match attr(&e, b"r") {
                    Some(value) => number(name, &value, "row number")?,
                    None => row.saturating_add(1),
                };
                column = 0;
                if row > limits.max_rows as u64 {
                    return Err(over_limit(
                        &format!("a row number in {name}"),
                        row,
                        "max_rows",
                        limits.max_rows,
                    ));
                }
            }
            b"c" => {
                cells += 1;
                if cells > limits.max_cells as u64 {
                    return Err(over_limit(
                        &format!("the number of cells in {name}"),
                        format!("more than {}", limits.max_cells),
                        "max_cells",
                        limits.max_cells,
                    ));
                }
                match attr(&e, b"r") {
                    Some(value) => {
                        let (r, c) = cell_ref(name, &value, "cell reference")?;
                        check_cell(name, &value, r, c, limits)?;
                        column = c;
                    }
                    None => {
                        column = column.saturating_add(1);
                        check_cell(name, b"(unnamed cell)", row.max(1), column, limits)?;
                    }
                }
            }
            b"sst" => {
                for key in [&b"count"[..], b"uniqueCount"] {
                    if let Some(value) = attr(&e, key) {
                        let n = number(name, &value, "shared-string count")?;
                        check_strings(name, key, n, &String::from_utf8_lossy(&value), limits)?;
                    }
                }
            }
            b"si" => {
                strings += 1;
                check_strings(
                    name,
                    b"entries",
                    strings,
                    &format!("more than {}", strings - 1),
                    limits,
                )?;
            }
            _ => {}
        }
    }
}

fn check_strings(
    name: &str,
    what: &[u8],
    n: u64,
    shown: &str,
    limits: &ImportLimits,
) -> crate::Result<()> {
    let max = limits.max_shared_strings();
    if n > max {
        return Err(over_limit(
            &format!(
                "the shared-string table's {} in {name}",
                String::from_utf8_lossy(what)
            ),
            shown,
            "max_cells",
            format!("{max} (shared strings are at most max_cells and max_rows × max_columns)"),
        ));
    }
    Ok(())
}

fn check_cell(
    name: &str,
    text: &[u8],
    row: u64,
    column: u64,
    limits: &ImportLimits,
) -> crate::Result<()> {
    let shown = String::from_utf8_lossy(text);
    if row > limits.max_rows as u64 {
        return Err(over_limit(
            &format!("the row of cell {shown} in {name}"),
            row,
            "max_rows",
            limits.max_rows,
        ));
    }
    if column > limits.max_columns as u64 {
        return Err(over_limit(
            &format!("the column of cell {shown} in {name}"),
            column,
            "max_columns",
            limits.max_columns,
        ));
    }
    Ok(())
}

/// A cell reference such as `B12` as (row, column), 1-based; values beyond u64 saturate (and
/// are then above any limit).
fn cell_ref(name: &str, text: &[u8], what: &str) -> crate::Result<(u64, u64)> {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col_part, row_part) = text.split_at(letters);
    let column = col_part.iter().fold(0u64, |acc, b| {
        acc.saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
    });
    if row_part.is_empty() || !row_part.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidArgument(format!(
            "{name}: malformed {what} {:?} in the workbook; nothing imported",
            String::from_utf8_lossy(text)
        )));
    }
    Ok((digits(row_part), column))
}

fn digits(text: &[u8]) -> u64 {
    text.iter().fold(0u64, |acc, b| {
        acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    })
}

fn number(name: &str, text: &[u8], what: &str) -> crate::Result<u64> {
    let t = text.trim_ascii();
    if t.is_empty() || !t.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidArgument(format!(
            "{name}: the {what} {:?} is not a whole number; nothing imported",
            String::from_utf8_lossy(text)
        )));
    }
    Ok(digits(t))
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<Vec<u8>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().into_inner().as_bytes() == key)
        .map(|a| a.value.into_owned().into_bytes())
}
