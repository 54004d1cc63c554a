//! Helpers shared by the examples: terminal tables that align Chinese text.
#![allow(dead_code)]

/// Columns a string takes in a terminal: CJK and full-width characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x2014 | 0x201C | 0x201D => 2,
            _ => 1,
        })
        .sum()
}

/// `s` cut to at most `width` columns (with … when cut) and padded to exactly `width`.
pub fn cell(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    let total = display_width(s);
    for c in s.chars() {
        let cw = display_width(&c.to_string());
        if total > width && w + cw > width.saturating_sub(1) {
            out.push('…');
            w += 1;
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push_str(&" ".repeat(width.saturating_sub(w)));
    out
}

/// Prints rows as aligned columns; the widths are the widest cell of each column, capped.
pub fn print_table(header: &[&str], rows: &[Vec<String>], max_width: usize) {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(display_width(c)).min(max_width);
        }
    }
    let line = |cells: Vec<String>| {
        let s: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| cell(c, *w))
            .collect();
        println!("{}", s.join("  ").trim_end());
    };
    line(header.iter().map(|s| s.to_string()).collect());
    line(widths.iter().map(|w| "-".repeat(*w)).collect());
    for r in rows {
        line(r.clone());
    }
}

/// The value of `--name VALUE` in the arguments, if given.
pub fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Formats a number without a useless `.0`.
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
