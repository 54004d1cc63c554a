//! Rendering a SYNTHETIC bulletin (made up here, not from any report) to HTML and DOCX.

use super::*;

/// A SYNTHETIC bulletin: two areas, one lagging item with an HTML-special character.
pub(crate) fn synthetic() -> Bulletin {
    let rows = vec![
        TaskRow {
            number: "一.1".into(),
            commitment_id: 101,
            task: "合成测试任务甲（SYNTHETIC）。".into(),
            lead_unit: Some("合成测试局".into()),
            deadline: "2024-12-31".into(),
            status: "推进中".into(),
            light: Some(Light::Green),
            reason: "正常推进".into(),
        },
        TaskRow {
            number: "一.2".into(),
            commitment_id: 102,
            task: "合成测试任务乙 <A&B>（SYNTHETIC）。".into(),
            lead_unit: None,
            deadline: "2024-06-30".into(),
            status: "滞后".into(),
            light: Some(Light::Red),
            reason: "报送滞后".into(),
        },
    ];
    let counts = Counts::of(rows.iter().map(|r| (r.light, false)));
    Bulletin {
        title: "合成区2024年《政府工作报告》重点工作推进情况督查通报".into(),
        period_label: "2024年1—6月".into(),
        period: "2024-06".into(),
        as_of: "2024-06-30".into(),
        schedule_pct: 50.0,
        counts,
        summary: counts.sentence(),
        areas: vec![AreaSection {
            title: "（一）合成领域".into(),
            rows,
            counts,
        }],
        indicators: vec![IndicatorRow {
            target_id: 1,
            metric: "合成指标".into(),
            target: "6%左右".into(),
            value: Some("5.1%".into()),
            completion_pct: None,
            gap_points: Some(-15.0),
            status: "欠进度".into(),
            light: Some(Light::Yellow),
        }],
        lagging: vec![LaggingItem {
            number: "一.2".into(),
            commitment_id: 102,
            quote: "合成测试任务乙 <A&B>（SYNTHETIC）。".into(),
            lead_unit: None,
            light: Some(Light::Red),
            reason: "报送滞后".into(),
            problems: Some("合成问题：资金未到位".into()),
            next_steps: Some("合成措施：加快拨付".into()),
        }],
        projects: Some(ProjectSection {
            schedule_pct: 50.0,
            reporting: 2,
            annual_plan_yi: 3.0,
            invested_yi: 1.0,
            plan_completion_pct: Some(33.3),
            planned_starts: 2,
            actual_starts: 1,
            start_rate_pct: Some(50.0),
            bars: vec![ProjectBar {
                name: "合成项目甲".into(),
                completion_pct: 20.0,
                gap_points: -30.0,
            }],
        }),
    }
}

#[test]
fn counts_and_the_opening_sentence() {
    let c = Counts::of([
        (Some(Light::Green), true),
        (Some(Light::Blue), false),
        (Some(Light::Yellow), false),
        (Some(Light::Red), false),
        (None, false),
    ]);
    assert_eq!(
        (c.total, c.normal, c.lagging, c.unlit, c.done),
        (5, 2, 2, 1, 1)
    );
    assert_eq!(
        c.sentence(),
        "5项任务中的2项能按计划正常执行，2项进度相对滞后，1项本期未评价。"
    );
}

#[test]
fn the_html_page_has_every_part_escaped() {
    let html = synthetic().to_html();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("2项任务中的1项能按计划正常执行，1项进度相对滞后。"));
    assert!(html.contains("合成测试任务乙 &lt;A&amp;B&gt;") && !html.contains("<A&B>"));
    assert!(html.contains("合成问题：资金未到位") && html.contains("合成措施：加快拨付"));
    assert!(html.contains("<svg") && html.contains("序时进度 50.0%"));
    assert!(html.contains("Noto Serif CJK SC"), "the fallback fonts");
}

#[cfg(feature = "docx")]
#[test]
fn the_docx_holds_the_summary_every_lagging_item_the_fonts_and_the_chart() {
    use std::io::Read;
    let bytes = synthetic().to_docx().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("2项任务中的1项能按计划正常执行，1项进度相对滞后。"));
    assert!(xml.contains("合成测试任务乙 &lt;A&amp;B&gt;"));
    assert!(xml.contains("存在的问题：合成问题：资金未到位"));
    assert!(xml.contains("w:eastAsia=\"仿宋_GB2312\"") && xml.contains("方正小标宋简体"));
    let media: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .collect();
    assert_eq!(media.len(), 1, "the chart image: {media:?}");
    let document = zip.by_name("word/document.xml").unwrap();
    assert_eq!(document.compression(), zip::CompressionMethod::Deflated);
}
