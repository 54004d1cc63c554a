//! The bulletin as a DOCX document (docx-rs), in the fonts of Chinese official documents.

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, Table, TableCell,
    TableRow, WidthType,
};

use super::chart::bar_chart_png;
use super::{Bulletin, Counts, light_colour, light_label, pct, points};
use crate::error::{Error, Result};

/// 方正小标宋简体 for the title, 黑体 for headings, 仿宋_GB2312 for the body (GB/T 9704).
const TITLE_FONT: &str = "方正小标宋简体";
const HEADING_FONT: &str = "黑体";
const BODY_FONT: &str = "仿宋_GB2312";
const LATIN_FONT: &str = "Times New Roman";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

/// A run of body text; `size` in half-points (32 = 三号, 28 = 四号, 21 = 五号).
fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text, BODY_FONT, 28))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text, HEADING_FONT, 30))
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(run(text, BODY_FONT, 21)))
}

fn header_cell(text: &str) -> TableCell {
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(run(text, HEADING_FONT, 21)))
        .shading(Shading::new().fill("EEEEEE"))
}

/// A light's cell: its words on its colour.
fn light_cell(light: Option<super::Light>) -> TableCell {
    let fill = light_colour(light).trim_start_matches('#').to_uppercase();
    TableCell::new()
        .add_paragraph(
            Paragraph::new().add_run(run(light_label(light), BODY_FONT, 21).color("FFFFFF")),
        )
        .shading(Shading::new().fill(fill))
}

fn table(header: &[&str], rows: Vec<Vec<TableCell>>, widths: &[usize]) -> Table {
    let mut all = vec![TableRow::new(
        header.iter().map(|h| header_cell(h)).collect(),
    )];
    all.extend(rows.into_iter().map(TableRow::new));
    Table::new(all)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("—")
}

fn counts_table(c: &Counts) -> Table {
    let n = |v: usize| cell(&v.to_string());
    table(
        &[
            "任务总数",
            "正常执行",
            "相对滞后",
            "已完成",
            "绿灯",
            "蓝灯",
            "黄灯",
            "红灯",
            "未评价",
        ],
        vec![vec![
            n(c.total),
            n(c.normal),
            n(c.lagging),
            n(c.done),
            n(c.green),
            n(c.blue),
            n(c.yellow),
            n(c.red),
            n(c.unlit),
        ]],
        &[1000; 9],
    )
}

/// Renders `b` (see [`Bulletin::to_docx`]).
pub(crate) fn render(b: &Bulletin) -> Result<Vec<u8>> {
    // A4 portrait in twips, margins as GB/T 9704 (37 mm top, 28 mm left, 35 mm bottom,
    // 26 mm right).
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .left(1587)
                .bottom(1984)
                .right(1474),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(28);
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&b.title, TITLE_FONT, 44).bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(run(
                    &format!(
                        "（{}，截至{}，序时进度{:.1}%）",
                        b.period_label, b.as_of, b.schedule_pct
                    ),
                    BODY_FONT,
                    28,
                ))
                .align(AlignmentType::Center),
        )
        .add_paragraph(heading("一、总体情况"))
        .add_paragraph(para(&b.summary))
        .add_table(counts_table(&b.counts))
        .add_paragraph(heading("二、分领域推进情况"));
    for area in &b.areas {
        doc = doc
            .add_paragraph(Paragraph::new().add_run(run(&area.title, HEADING_FONT, 28)))
            .add_paragraph(para(&area.counts.sentence()));
        let rows = area
            .rows
            .iter()
            .map(|r| {
                vec![
                    cell(&r.number),
                    cell(&r.task),
                    cell(opt(&r.lead_unit)),
                    cell(&r.deadline),
                    cell(&format!("{}（{}）", r.status, r.reason)),
                    light_cell(r.light),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &["序号", "工作任务", "牵头单位", "完成时限", "进展", "亮灯"],
            rows,
            &[700, 4300, 1300, 1200, 1300, 800],
        ));
    }
    doc = doc.add_paragraph(heading("三、主要量化指标"));
    let rows = b
        .indicators
        .iter()
        .map(|i| {
            vec![
                cell(&i.metric),
                cell(&i.target),
                cell(opt(&i.value)),
                cell(&pct(i.completion_pct)),
                cell(&points(i.gap_points)),
                cell(&i.status),
                light_cell(i.light),
            ]
        })
        .collect();
    doc = doc
        .add_table(table(
            &[
                "指标",
                "目标",
                "完成值",
                "完成率",
                "与序时进度比",
                "状态",
                "亮灯",
            ],
            rows,
            &[2400, 1300, 1300, 1000, 1600, 900, 800],
        ))
        .add_paragraph(heading("四、进度相对滞后的任务"));
    if b.lagging.is_empty() {
        doc = doc.add_paragraph(para("本期无进度相对滞后的任务。"));
    }
    for (n, l) in b.lagging.iter().enumerate() {
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .add_run(run(
                        &format!("{}．【{}】", n + 1, light_label(l.light)),
                        HEADING_FONT,
                        28,
                    ))
                    .add_run(run(&format!("{}（{}）", l.quote, l.reason), BODY_FONT, 28)),
            )
            .add_paragraph(para(&format!("牵头单位：{}", opt(&l.lead_unit))))
            .add_paragraph(para(&format!("存在的问题：{}", opt(&l.problems))))
            .add_paragraph(para(&format!("下一步措施：{}", opt(&l.next_steps))));
    }
    doc = doc.add_paragraph(heading("五、重点项目建设"));
    match &b.projects {
        None => doc = doc.add_paragraph(para("重点项目台账尚未导入。")),
        Some(p) => {
            doc = doc.add_paragraph(para(&format!(
                "纳入台账并报送进度的重点项目{}个，年度计划投资{:.2}亿元，累计完成投资{:.2}亿元，\
                 占年度计划的{}（序时进度{:.1}%）；计划开工{}个，实际开工{}个，开工率{}。",
                p.reporting,
                p.annual_plan_yi,
                p.invested_yi,
                pct(p.plan_completion_pct),
                p.schedule_pct,
                p.planned_starts,
                p.actual_starts,
                pct(p.start_rate_pct)
            )));
            if !p.bars.is_empty() {
                let (png, w, h) = bar_chart_png(p)?;
                // 15.5 cm wide (the text width), height in proportion; 1 cm = 360000 EMU.
                let width_emu = 5_580_000u32;
                let height_emu = (u64::from(width_emu) * u64::from(h) / u64::from(w)) as u32;
                let pic = Pic::new_with_dimensions(png, w, h).size(width_emu, height_emu);
                doc = doc
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)))
                    .add_paragraph(para(
                        "图：重点项目年度计划投资完成率（序号见下表，虚线为序时进度）",
                    ));
                let rows = p
                    .bars
                    .iter()
                    .enumerate()
                    .map(|(i, bar)| {
                        vec![
                            cell(&(i + 1).to_string()),
                            cell(&bar.name),
                            cell(&pct(Some(bar.completion_pct))),
                            cell(&points(Some(bar.gap_points))),
                        ]
                    })
                    .collect();
                doc = doc.add_table(table(
                    &["序号", "项目名称", "完成率", "与序时进度比"],
                    rows,
                    &[700, 5200, 1500, 2000],
                ));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| Error::Data(format!("writing the bulletin DOCX: {e}")))?;
    deflated(&out.into_inner())
}

/// The same package with every part deflated: docx-rs stores its parts uncompressed (a
/// 143-row bulletin is 0.78 MB stored); the XML deflates about tenfold.
fn deflated(stored: &[u8]) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let bad = |e: zip::result::ZipError| Error::Data(format!("compressing the bulletin DOCX: {e}"));
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(stored)).map_err(bad)?;
    let mut output = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut buf = Vec::new();
    for i in 0..input.len() {
        let mut part = input.by_index(i).map_err(bad)?;
        let name = part.name().map_err(bad)?.to_string();
        if part.is_dir() {
            output.add_directory(name, options).map_err(bad)?;
            continue;
        }
        buf.clear();
        part.read_to_end(&mut buf)?;
        output.start_file(name, options).map_err(bad)?;
        output.write_all(&buf)?;
    }
    Ok(output.finish().map_err(bad)?.into_inner())
}
