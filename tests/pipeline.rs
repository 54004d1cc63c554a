//! The text pipeline and the outline, on the real report text.

use govreport::report::{self, SectionKind};
use govreport::{Db, Section};

const RAW: &str = include_str!("../seeds/yanshi-2024/report.txt");

fn outline() -> report::Outline {
    report::outline(&report::paragraphs(RAW), 0).unwrap()
}

fn section_of<'a>(o: &'a report::Outline, needle: &str) -> &'a Section {
    let hits: Vec<_> = o
        .paragraphs
        .iter()
        .filter(|p| p.text.contains(needle))
        .collect();
    assert_eq!(hits.len(), 1, "{needle} should be in exactly one paragraph");
    o.sections
        .iter()
        .find(|s| s.id == hits[0].section_id)
        .unwrap()
}

#[test]
fn the_report_has_104_paragraphs_and_the_split_is_deterministic() {
    let a = report::paragraphs(RAW);
    assert_eq!(a.len(), 104);
    assert_eq!(a, report::paragraphs(RAW));
    assert_eq!(a[0], "政府工作报告");
    assert_eq!(a[2], "洛阳市偃师区人民政府区长 赵玉勋");
    assert_eq!(
        a[103],
        "14．五大工程。即实施农村“千万工程”、“三村”建设工程、集镇建设工程、“空心村”整治工程、交通连接工程。"
    );
}

#[test]
fn normalizing_changes_only_whitespace_and_the_page_marker() {
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let raw_without_marker: String = RAW
        .lines()
        .filter(|l| l.trim() != "地— 1 —地")
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(strip(&report::normalize(RAW)), strip(&raw_without_marker));
}

#[test]
fn no_paragraph_keeps_a_pdf_artefact() {
    for p in report::paragraphs(RAW) {
        assert!(!p.starts_with(' ') && !p.ends_with(' '), "edge space: {p}");
        assert!(!p.contains("地—"), "page marker: {p}");
        assert!(!p.contains('\n'), "line break: {p}");
        let chars: Vec<char> = p.chars().collect();
        for w in chars.windows(3) {
            if w[1] == ' ' {
                assert!(
                    w[0].is_ascii() || !w[2].is_ascii_alphanumeric(),
                    "PDF space before a number or letter: {p}"
                );
            }
        }
        // The only space left is the one between the speaker's office and name.
        if p.contains(' ') {
            assert_eq!(p, "洛阳市偃师区人民政府区长 赵玉勋");
        }
    }
    let text = report::normalize(RAW);
    for known in [
        "预计全年地区生产总值增长2%左右",
        "推动A级景区",
        "新IT",
        "G310伊河特大桥",
        "地区生产总值增长6%左右，规模以上工业增加值增长7%左右",
    ] {
        assert!(text.contains(known), "{known}");
    }
}

#[test]
fn no_paragraph_is_a_broken_line() {
    let o = outline();
    for p in &o.paragraphs {
        let s = o.sections.iter().find(|s| s.id == p.section_id).unwrap();
        // A heading that stands alone is its own paragraph and has no closing stop.
        let heading = s.title == p.text || s.kind == SectionKind::Front;
        if !heading {
            assert!(
                p.text.ends_with(['。', '！', '：', '”']),
                "paragraph does not end a sentence: {}",
                p.text
            );
        }
    }
}

#[test]
fn the_outline_has_the_report_structure() {
    let o = outline();
    let of_kind = |k: SectionKind| o.sections.iter().filter(move |s| s.kind == k);
    let parts: Vec<_> = of_kind(SectionKind::Part)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "一、2023年工作回顾",
            "二、2024年主要目标任务",
            "三、2024年重点工作安排",
            "四、加强政府自身建设"
        ]
    );
    let themes: Vec<_> = of_kind(SectionKind::Theme).collect();
    assert_eq!(themes.len(), 6);
    assert!(themes.iter().all(|t| t.title.starts_with("这一年，我们")));
    let subthemes_per_theme: Vec<usize> = themes
        .iter()
        .map(|t| {
            o.sections
                .iter()
                .filter(|s| s.parent_id == Some(t.id))
                .count()
        })
        .collect();
    assert_eq!(subthemes_per_theme, [3, 3, 3, 3, 3, 3]);
    let areas: Vec<_> = of_kind(SectionKind::Area).collect();
    assert_eq!(areas.len(), 10);
    assert_eq!(
        areas.iter().map(|a| a.number.unwrap()).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(
        areas[0].title,
        "（一）聚焦科技创新引领，着力重塑高质量发展动力结构"
    );
    let subheadings: Vec<usize> = areas
        .iter()
        .map(|a| {
            o.sections
                .iter()
                .filter(|s| s.parent_id == Some(a.id))
                .count()
        })
        .collect();
    assert_eq!(subheadings, [3, 3, 3, 3, 3, 2, 3, 3, 4, 3]);
    let entries: Vec<_> = of_kind(SectionKind::GlossaryEntry).collect();
    assert_eq!(entries.len(), 14);
    assert_eq!(entries[1].title, "2．13369");
}

#[test]
fn every_paragraph_of_part_three_sits_in_an_area_and_a_run_in_heading() {
    let o = outline();
    let part3 = o
        .sections
        .iter()
        .find(|s| s.title.starts_with("三、"))
        .unwrap();
    for p in &o.paragraphs {
        let s = o.sections.iter().find(|s| s.id == p.section_id).unwrap();
        if !s.path.starts_with(&part3.path) || s.id == part3.id {
            continue;
        }
        match s.kind {
            SectionKind::Area => assert!(p.text.starts_with('（'), "{}", p.text),
            SectionKind::Subheading => assert!(p.text.starts_with(&s.title), "{}", p.text),
            other => panic!("unexpected {other:?} in part 三"),
        }
    }
}

#[test]
fn known_sentences_land_in_the_right_sections() {
    let o = outline();
    let cases = [
        (
            "紧盯储能和氢能2个未来产业新赛道",
            "三、2024年重点工作安排 / （二）聚焦推动产业强区 / 抢滩占先未来产业",
        ),
        (
            "全部行政村（社区）集体经济收入达到15万元以上",
            "三、2024年重点工作安排 / （五）聚焦乡村全面振兴 / 加快乡村治理",
        ),
        (
            "力争10月底投入使用",
            "三、2024年重点工作安排 / （六）聚焦文旅融合发展 / 创新运营模式",
        ),
        ("地区生产总值增长6%左右", "二、2024年主要目标任务"),
        (
            "S539伊洛河特大桥建成通车",
            "一、2023年工作回顾 / 这一年，我们内外双修提品质，城市神采华丽绽放 / 城市更新高效推进",
        ),
        (
            "高考一本上线953人",
            "一、2023年工作回顾 / 这一年，我们用心用情解民忧，民生福祉节节攀升 / 公共服务稳步提升",
        ),
        ("站在潮头，方知浪高风急", "一、2023年工作回顾"),
        (
            "严格落实“13710”工作制度",
            "四、加强政府自身建设 / 强化发展意识保落实",
        ),
        ("即住在农家、学在农家、情在农家", "名词解释 / 8．三在农家"),
    ];
    for (needle, path) in cases {
        assert_eq!(section_of(&o, needle).path, path, "{needle}");
    }
}

#[test]
fn the_database_holds_the_same_outline_and_the_source_text() {
    let db = Db::open_default().unwrap();
    let r = db.report().unwrap();
    let o = outline();
    assert_eq!(db.sections(r.id).unwrap(), o.sections);
    assert_eq!(db.paragraphs(r.id).unwrap(), o.paragraphs);
    assert_eq!(db.source_text(r.id).unwrap(), RAW);
    assert!(matches!(
        db.paragraph(10_000),
        Err(govreport::Error::NotFound(_))
    ));
}

#[test]
fn report_metadata_is_traceable_to_the_text() {
    let db = Db::open_default().unwrap();
    let r = db.report().unwrap();
    assert_eq!(r.title, "政府工作报告");
    assert_eq!(r.region, "洛阳市偃师区");
    assert_eq!(r.date, "2024-01-23");
    assert_eq!(r.meeting, "区第二届人民代表大会第四次会议");
    assert_eq!(
        (r.speaker.as_str(), r.speaker_office.as_str()),
        ("赵玉勋", "区长")
    );
    let paragraphs = report::paragraphs(RAW);
    assert_eq!(paragraphs[0], r.title);
    assert!(paragraphs[1].contains("2024年1月23日在洛阳市偃师区第二届人民代表大会第四次会议上"));
    assert_eq!(
        paragraphs[2],
        format!("{}人民政府{} {}", r.region, r.speaker_office, r.speaker)
    );
}
