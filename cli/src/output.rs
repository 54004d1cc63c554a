//! Writing records to stdout: an aligned table for people, JSON, JSON Lines or CSV for
//! programs.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use unicode_width::UnicodeWidthChar;

use crate::exit::Failure;

/// How records are written (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns, CJK-aware (the default on a terminal); long cells are cut with `…`.
    Table,
    /// One JSON array of records in the export's shapes (the default in a pipe).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// A header line, then one line per record; nested values as JSON text.
    Csv,
}

impl Format {
    /// `--format` if given, else a table on a terminal and JSON otherwise.
    pub fn resolve(given: Option<Format>) -> Format {
        given.unwrap_or_else(|| {
            if io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Json
            }
        })
    }
}

/// One record as an ordered list of fields: the order of the struct (or of the SQL
/// columns), which `serde_json::Value` would sort away.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row(pub Vec<(String, Value)>);

impl Row {
    /// The value of field `key` (null when absent).
    pub fn get(&self, key: &str) -> &Value {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or(&Value::Null)
    }

    /// Adds or replaces a field, keeping the position of an existing one.
    pub fn set(&mut self, key: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_string(), value)),
        }
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Row, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = Row;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(Row(fields))
            }
        }
        d.deserialize_map(RowVisitor)
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Records of any serializable type as rows, fields in declaration order.
pub fn rows<T: Serialize>(items: &[T]) -> Result<Vec<Row>, Failure> {
    let text = serde_json::to_string(items).map_err(govreport::Error::from)?;
    Ok(serde_json::from_str(&text).map_err(govreport::Error::from)?)
}

/// A table column: the field it shows, its heading and its widest width.
#[derive(Debug, Clone)]
pub struct Col {
    /// The field of the record.
    pub key: Cow<'static, str>,
    /// The heading.
    pub title: Cow<'static, str>,
    /// Cells wider than this (in terminal columns) are cut.
    pub max: usize,
}

/// A column of at most `max` terminal columns.
pub const fn col(key: &'static str, title: &'static str, max: usize) -> Col {
    Col {
        key: Cow::Borrowed(key),
        title: Cow::Borrowed(title),
        max,
    }
}

/// Writes records in `format`. `table` names the columns a table shows (every field when
/// empty); the machine formats always carry every field.
pub fn write_rows(format: Format, rows: &[Row], table: &[Col]) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, rows).map_err(govreport::Error::from)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for r in rows {
                serde_json::to_writer(&mut out, r).map_err(govreport::Error::from)?;
                writeln!(out)?;
            }
        }
        Format::Csv => write_csv(&mut out, rows)?,
        Format::Table => {
            let cols: Vec<Col> = if table.is_empty() {
                all_columns(rows)
            } else {
                table.to_vec()
            };
            write_table(&mut out, rows, &cols)?;
            writeln!(out, "{} records", rows.len())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Every field of the rows (in first-seen order) as table columns of up to 40 columns.
fn all_columns(rows: &[Row]) -> Vec<Col> {
    let mut keys: Vec<&str> = Vec::new();
    for r in rows {
        for (k, _) in &r.0 {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    keys.into_iter()
        .map(|k| Col {
            key: Cow::Owned(k.to_string()),
            title: Cow::Owned(k.to_string()),
            max: 40,
        })
        .collect()
}

fn write_csv(out: &mut impl Write, rows: &[Row]) -> Result<(), Failure> {
    let mut keys: Vec<String> = Vec::new();
    for r in rows {
        for (k, _) in &r.0 {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Failure::from(io::Error::other(e));
    w.write_record(&keys).map_err(csv_err)?;
    for r in rows {
        w.write_record(keys.iter().map(|k| match r.get(k) {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => other.to_string(),
        }))
        .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}

/// The text of a value in a table cell: numbers without a useless `.0`, lists joined by
/// `、` (objects in a list by their `name`), nothing for null.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            // Four decimals are enough to read (scores, shares); the machine formats keep all.
            Some(f) if n.is_f64() && f.abs() < 1e15 => format!("{}", (f * 1e4).round() / 1e4),
            _ => n.to_string(),
        },
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Object(o) => o
                    .get("name")
                    .map(cell_text)
                    .unwrap_or_else(|| i.to_string()),
                other => cell_text(other),
            })
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(_) => v.to_string(),
    }
}

/// Terminal columns of `s`: two for CJK and other wide characters.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` without line breaks, cut to at most `max` columns (ending in `…` when cut) and padded
/// to `w`.
fn fit(s: &str, max: usize, w: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let mut out = String::new();
    let mut used = 0;
    if width(&flat) > max {
        for c in flat.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw + 1 > max {
                break;
            }
            out.push(c);
            used += cw;
        }
        out.push('…');
        used += 1;
    } else {
        out = flat;
        used = width(&out);
    }
    out.push_str(&" ".repeat(w.saturating_sub(used)));
    out
}

/// Writes rows as aligned columns under a heading and a rule.
pub fn write_table(out: &mut impl Write, rows: &[Row], cols: &[Col]) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| cell_text(r.get(&c.key))).collect())
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| width(&r[i]))
                .chain([width(&c.title)])
                .max()
                .unwrap_or(0)
                .min(c.max.max(width(&c.title)))
        })
        .collect();
    let line = |out: &mut dyn Write, texts: Vec<String>| -> io::Result<()> {
        let joined: Vec<String> = texts
            .iter()
            .zip(cols.iter().zip(&widths))
            .map(|(t, (c, w))| fit(t, c.max.max(width(&c.title)), *w))
            .collect();
        writeln!(out, "{}", joined.join("  ").trim_end())
    };
    line(out, cols.iter().map(|c| c.title.to_string()).collect())?;
    line(out, widths.iter().map(|w| "-".repeat(*w)).collect())?;
    for r in cells {
        line(out, r)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_the_field_order_of_the_struct() {
        #[derive(serde::Serialize)]
        struct R {
            zeta: i32,
            alpha: &'static str,
        }
        let rows = rows(&[R {
            zeta: 1,
            alpha: "a",
        }])
        .unwrap();
        let keys: Vec<&str> = rows[0].0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["zeta", "alpha"]);
    }

    #[test]
    fn cjk_cells_take_two_columns_and_are_cut_with_an_ellipsis() {
        assert_eq!(width("偃师ab"), 6);
        assert_eq!(fit("地区生产总值增速", 7, 7), "地区生…");
        assert_eq!(width(&fit("地区生产总值增速", 7, 7)), 7);
        assert_eq!(fit("ab", 7, 4), "ab  ");
    }

    #[test]
    fn numbers_lists_and_nulls_read_as_people_write_them() {
        assert_eq!(cell_text(&serde_json::json!(6.0)), "6");
        assert_eq!(cell_text(&serde_json::json!(5.5)), "5.5");
        assert_eq!(cell_text(&serde_json::json!(5.262_791)), "5.2628");
        assert_eq!(cell_text(&serde_json::json!(["甲", "乙"])), "甲、乙");
        assert_eq!(cell_text(&serde_json::json!([{"name": "村"}])), "村");
        assert_eq!(cell_text(&Value::Null), "");
    }
}
