//! The key-project chart: completion of each project's annual plan against 序时进度, as SVG
//! (HTML, with the names) and as a PNG image (DOCX; bars numbered like the table under it,
//! so the image needs no font).

use std::fmt::Write as _;

use super::{ProjectBar, ProjectSection};
#[cfg(feature = "docx")]
use crate::error::{Error, Result};

/// Bars are drawn up to this completion; longer bars are cut and marked.
const MAX_PCT: f64 = 150.0;
const ROW: u32 = 26;
const TOP: u32 = 30;
#[cfg(feature = "docx")]
const LEFT_PNG: u32 = 50;
#[cfg(feature = "docx")]
const WIDTH_PNG: u32 = 760;
const LEFT_SVG: u32 = 220;
const WIDTH_SVG: u32 = 760;

/// The bar's colour as offices light projects: green at or above 序时进度 (and less than 10
/// points below), yellow 10–30 below, red more than 30 below.
fn bar_rgb(bar: &ProjectBar) -> [u8; 3] {
    if bar.gap_points > -10.0 {
        [0x2e, 0x7d, 0x32]
    } else if bar.gap_points >= -30.0 {
        [0xf9, 0xa8, 0x25]
    } else {
        [0xc6, 0x28, 0x28]
    }
}

fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

fn x_of(pct: f64, left: u32, width: u32) -> f64 {
    let span = f64::from(width - left - 20);
    f64::from(left) + span * pct.clamp(0.0, MAX_PCT) / MAX_PCT
}

/// Escapes text for XML.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The chart as an SVG element with the projects' names and percentages.
pub(crate) fn bar_chart_svg(section: &ProjectSection) -> String {
    let n = section.bars.len() as u32;
    let height = TOP + n * ROW + 30;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{WIDTH_SVG}\" \
         height=\"{height}\" viewBox=\"0 0 {WIDTH_SVG} {height}\" \
         aria-label=\"重点项目年度计划投资完成率与序时进度\">"
    );
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{WIDTH_SVG}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    for (i, bar) in section.bars.iter().enumerate() {
        let y = TOP + i as u32 * ROW;
        let x1 = x_of(bar.completion_pct, LEFT_SVG, WIDTH_SVG);
        let name: String = bar.name.chars().take(14).collect();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LEFT_SVG}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{:.1}%</text>",
            LEFT_SVG - 6,
            y + 16,
            xml_escape(&name),
            y + 4,
            (x1 - f64::from(LEFT_SVG)).max(1.0),
            ROW - 8,
            hex(bar_rgb(bar)),
            x1 + 4.0,
            y + 16,
            bar.completion_pct
        );
    }
    let xs = x_of(section.schedule_pct, LEFT_SVG, WIDTH_SVG);
    let _ = write!(
        s,
        "<line x1=\"{xs:.1}\" y1=\"{}\" x2=\"{xs:.1}\" y2=\"{}\" stroke=\"#1565c0\" \
         stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{xs:.1}\" y=\"{}\" font-size=\"12\" fill=\"#1565c0\" \
         text-anchor=\"middle\">序时进度 {:.1}%</text></svg>",
        TOP - 6,
        TOP + n * ROW,
        TOP + n * ROW + 18,
        section.schedule_pct
    );
    s
}

#[cfg(feature = "docx")]
/// 3×5 pixel glyphs of the characters the PNG writes: digits, `.` and `%`.
fn glyph(c: char) -> Option<[u8; 5]> {
    // Each row: 3 bits, the high bit leftmost.
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        '%' => [0b101, 0b001, 0b010, 0b100, 0b101],
        _ => return None,
    })
}

#[cfg(feature = "docx")]
struct Canvas {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

#[cfg(feature = "docx")]
impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            rgb: vec![0xff; (width * height * 3) as usize],
        }
    }

    fn fill(&mut self, x0: u32, y0: u32, w: u32, h: u32, c: [u8; 3]) {
        for y in y0..(y0 + h).min(self.height) {
            for x in x0..(x0 + w).min(self.width) {
                let i = ((y * self.width + x) * 3) as usize;
                self.rgb[i..i + 3].copy_from_slice(&c);
            }
        }
    }

    /// Writes `text` with the 3×5 glyphs scaled by 2 (unknown characters are skipped).
    fn text(&mut self, x: u32, y: u32, text: &str, c: [u8; 3]) {
        let mut x = x;
        for ch in text.chars() {
            if let Some(rows) = glyph(ch) {
                for (r, bits) in rows.iter().enumerate() {
                    for col in 0..3 {
                        if bits & (0b100 >> col) != 0 {
                            self.fill(x + col * 2, y + r as u32 * 2, 2, 2, c);
                        }
                    }
                }
            }
            x += 8;
        }
    }
}

#[cfg(feature = "docx")]
/// The chart as a PNG image: `(bytes, width, height)` in pixels. Each bar is numbered with
/// its position in the section's table (1 …) and carries its percentage; the dashed line is
/// 序时进度.
pub fn bar_chart_png(section: &ProjectSection) -> Result<(Vec<u8>, u32, u32)> {
    let n = section.bars.len() as u32;
    let (w, h) = (WIDTH_PNG, TOP + n * ROW + 20);
    let mut canvas = Canvas::new(w, h);
    let black = [0x21, 0x21, 0x21];
    for (i, bar) in section.bars.iter().enumerate() {
        let y = TOP + i as u32 * ROW;
        canvas.text(8, y + 7, &(i + 1).to_string(), black);
        let x1 = x_of(bar.completion_pct, LEFT_PNG, w) as u32;
        canvas.fill(
            LEFT_PNG,
            y + 4,
            (x1 - LEFT_PNG).max(1),
            ROW - 8,
            bar_rgb(bar),
        );
        canvas.text(x1 + 6, y + 7, &format!("{:.1}%", bar.completion_pct), black);
    }
    // 序时进度: a dashed vertical line.
    let xs = x_of(section.schedule_pct, LEFT_PNG, w) as u32;
    let mut y = TOP - 10;
    while y < TOP + n * ROW {
        canvas.fill(xs.saturating_sub(1), y, 2, 6, [0x15, 0x65, 0xc0]);
        y += 10;
    }
    canvas.text(
        xs + 4,
        8,
        &format!("{:.1}%", section.schedule_pct),
        [0x15, 0x65, 0xc0],
    );
    // The axis.
    canvas.fill(LEFT_PNG - 1, TOP - 4, 1, n * ROW + 4, black);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc
            .write_header()
            .map_err(|e| Error::Data(format!("bulletin chart: {e}")))?;
        writer
            .write_image_data(&canvas.rgb)
            .map_err(|e| Error::Data(format!("bulletin chart: {e}")))?;
    }
    Ok((out, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section() -> ProjectSection {
        // SYNTHETIC bars.
        ProjectSection {
            schedule_pct: 50.0,
            reporting: 3,
            annual_plan_yi: 3.0,
            invested_yi: 1.2,
            plan_completion_pct: Some(40.0),
            planned_starts: 2,
            actual_starts: 1,
            start_rate_pct: Some(50.0),
            bars: vec![
                ProjectBar {
                    name: "合成项目甲".into(),
                    completion_pct: 10.0,
                    gap_points: -40.0,
                },
                ProjectBar {
                    name: "合成<项目>乙".into(),
                    completion_pct: 45.0,
                    gap_points: -5.0,
                },
                ProjectBar {
                    name: "合成项目丙".into(),
                    completion_pct: 400.0,
                    gap_points: 350.0,
                },
            ],
        }
    }

    #[cfg(feature = "docx")]
    #[test]
    fn the_png_is_a_png_of_the_stated_size_with_coloured_bars() {
        let (png, w, h) = bar_chart_png(&section()).unwrap();
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (w, h));
        let pixels = &buf[..info.buffer_size()];
        let has = |c: [u8; 3]| pixels.chunks(3).any(|p| p == c);
        assert!(
            has([0xc6, 0x28, 0x28]) && has([0x2e, 0x7d, 0x32]),
            "red and green bars"
        );
    }

    #[test]
    fn the_svg_escapes_names_and_marks_the_schedule() {
        let svg = bar_chart_svg(&section());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("合成&lt;项目&gt;乙") && !svg.contains("<项目>"));
        assert!(svg.contains("序时进度 50.0%"));
        assert_eq!(svg.matches("<rect").count(), 4, "background and three bars");
    }
}
