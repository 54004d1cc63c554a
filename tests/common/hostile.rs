//! SYNTHETIC hostile register files for the import-bounds tests and `examples/bench_import.rs`:
//! all generated here at run time (nothing is a copy of a real file), big ones streamed to a
//! file so that generating them never holds them in memory.

#![allow(dead_code)] // the tests and the benchmark each use a subset

use std::io::Write;
use std::path::Path;

#[cfg(feature = "xlsx")]
use std::io::{Cursor, Read};
#[cfg(feature = "xlsx")]
use zip::write::SimpleFileOptions;
#[cfg(feature = "xlsx")]
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The header row every generated project register starts with.
pub const HEADER: &str = "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）";

#[cfg(feature = "xlsx")]
/// A small valid project register as XLSX (header, `rows` data rows), written by
/// rust_xlsxwriter so that its parts are what Excel-like writers produce.
pub fn workbook(rows: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for r in 1..=rows as u32 {
        sheet.write_string(r, 0, format!("SYN-{r:05}")).unwrap();
        sheet
            .write_string(r, 1, format!("SYNTHETIC 项目{r}"))
            .unwrap();
        sheet.write_string(r, 2, "新开工").unwrap();
        sheet.write_number(r, 3, 1000.0 + r as f64).unwrap();
        sheet.write_number(r, 4, 100.0).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[cfg(feature = "xlsx")]
/// `book` with every entry's bytes passed through `edit(name, bytes)`.
pub fn rezip(book: &[u8], mut edit: impl FnMut(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zip = ZipArchive::new(Cursor::new(book)).unwrap();
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), deflated()).unwrap();
        out.write_all(&edit(&name, bytes)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[cfg(feature = "xlsx")]
/// `book` with the text of entry `name` edited.
pub fn edit_entry(book: &[u8], name: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    rezip(book, |n, bytes| {
        if n == name {
            edit(String::from_utf8(bytes).unwrap()).into_bytes()
        } else {
            bytes
        }
    })
}

#[cfg(feature = "xlsx")]
fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

#[cfg(feature = "xlsx")]
/// Writes to `path` a valid workbook whose sheet XML is followed by `padding` bytes of
/// whitespace (legal after the root element): with `padding` = 2 GiB, a ~2 MB zip bomb.
/// Returns the size of the file written.
pub fn zip_bomb(path: &Path, padding: u64) -> u64 {
    let book = workbook(1);
    let mut zip = ZipArchive::new(Cursor::new(&book[..])).unwrap();
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut out = ZipWriter::new(file);
    let spaces = vec![b' '; 1 << 20];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let sheet = name == "xl/worksheets/sheet1.xml";
        let options = deflated()
            .compression_level(Some(9))
            .large_file(sheet && padding >= u32::MAX as u64);
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(&bytes).unwrap();
        if sheet {
            let mut left = padding;
            while left > 0 {
                let n = left.min(spaces.len() as u64) as usize;
                out.write_all(&spaces[..n]).unwrap();
                left -= n as u64;
            }
        }
    }
    out.finish().unwrap().flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

#[cfg(feature = "xlsx")]
/// A zip whose entry `name` declares `claimed` bytes in both its local header and the central
/// directory although it inflates to more: the sizes of an honest zip, overwritten.
pub fn lie_about_size(zip: &mut [u8], name: &str, claimed: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 46 <= zip.len() {
        let sig: [u8; 4] = zip[i..i + 4].try_into().unwrap();
        // Local file header: size at 22, name length at 26, name at 30.
        if &sig == b"PK\x03\x04" && zip[i + 30..].starts_with(name) {
            let len = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if len == name.len() {
                zip[i + 22..i + 26].copy_from_slice(&claimed.to_le_bytes());
                patched += 1;
            }
        }
        // Central directory header: size at 24, name length at 28, name at 46.
        if &sig == b"PK\x01\x02" && zip[i + 46..].starts_with(name) {
            let len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if len == name.len() {
                zip[i + 24..i + 28].copy_from_slice(&claimed.to_le_bytes());
                patched += 1;
            }
        }
        i += 1;
    }
    assert_eq!(patched, 2, "both headers of {name:?} patched");
}

/// Writes to `path` a project register CSV whose second row's name field is `field` bytes
/// long, in 1 MiB chunks. Returns the size of the file written.
pub fn csv_with_big_field(path: &Path, field: u64) -> u64 {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "{HEADER}").unwrap();
    write!(out, "SYN-1,\"").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut left = field;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        out.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    writeln!(out, "\",新开工,1000,100").unwrap();
    out.flush().unwrap();
    drop(out);
    std::fs::metadata(path).unwrap().len()
}

/// A valid project register CSV of about `bytes` bytes (SYNTHETIC rows).
pub fn valid_csv(bytes: usize) -> Vec<u8> {
    let mut out = format!("{HEADER}\n").into_bytes();
    let mut r = 1;
    while out.len() < bytes {
        writeln!(out, "SYN-{r:06},SYNTHETIC 项目{r},新开工,{},100", 1000 + r).unwrap();
        r += 1;
    }
    out
}
