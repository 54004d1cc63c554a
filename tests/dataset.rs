//! The dataset: every record traceable to the text, every number in its quote, the counts,
//! and records checked field by field against the report.

use std::collections::HashSet;

use govreport::report;
use govreport::{
    Comparator, Db, FigureFilter, Measure, PlaceFilter, PlaceKind, ProjectFilter, StatusCode,
};

fn db() -> Db {
    Db::open_default().unwrap()
}

/// Every number written in `s`: Arabic (`1.35`) and simple Chinese numerals (`两`, `千`).
fn numbers_in(s: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut digits = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !digits.is_empty()) {
            digits.push(c);
        } else if !digits.is_empty() {
            out.push(digits.trim_end_matches('.').parse().unwrap());
            digits.clear();
        }
    }
    let cn = |c: char| "零一二两三四五六七八九".find(c).map(|_| ());
    let digit = |c: char| match c {
        '零' => Some(0.0),
        '一' => Some(1.0),
        '二' | '两' => Some(2.0),
        '三' => Some(3.0),
        '四' => Some(4.0),
        '五' => Some(5.0),
        '六' => Some(6.0),
        '七' => Some(7.0),
        '八' => Some(8.0),
        '九' => Some(9.0),
        _ => None,
    };
    let mult = |c: char| match c {
        '十' => Some(10.0),
        '百' => Some(100.0),
        '千' => Some(1000.0),
        _ => None,
    };
    let (mut total, mut cur, mut seen) = (0.0, None::<f64>, false);
    for c in s.chars().chain(std::iter::once(' ')) {
        if let Some(d) = digit(c) {
            cur = Some(d);
            seen = true;
        } else if let Some(m) = mult(c) {
            total += cur.unwrap_or(1.0) * m;
            cur = None;
            seen = true;
        } else {
            if seen {
                out.push(total + cur.unwrap_or(0.0));
            }
            (total, cur, seen) = (0.0, None, false);
        }
        let _ = cn(c);
    }
    out
}

fn paragraph_text(db: &Db, id: i64) -> String {
    db.paragraph(id).unwrap().text
}

/// Checks a quote stands at `quote_start` (in characters) of its paragraph.
fn assert_quote_at(db: &Db, table: &str, id_col: &str) {
    let sql = format!("SELECT {id_col}, paragraph_id, quote, quote_start FROM {table}");
    let mut st = db.connection().prepare(&sql).unwrap();
    let rows: Vec<(String, i64, String, i64)> = st
        .query_map([], |r| {
            Ok((
                r.get::<_, rusqlite::types::Value>(0)
                    .map(|v| format!("{v:?}"))?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!rows.is_empty(), "{table} is empty");
    for (id, pid, quote, start) in rows {
        let text = paragraph_text(db, pid);
        let at: String = text.chars().skip(start as usize).collect();
        assert!(
            at.starts_with(&quote),
            "{table} {id}: quote not at its place: {quote}"
        );
    }
}

#[test]
fn every_quote_is_verbatim_in_the_normalized_report() {
    let db = db();
    let normalized = report::normalize(include_str!("../seeds/yanshi-2024/report.txt"));
    for t in ["figure", "project", "project_total", "place", "designation"] {
        assert_quote_at(&db, t, "rowid");
    }
    let e = db.export().unwrap();
    let quotes = e
        .targets
        .iter()
        .chain(&e.results)
        .map(|f| &f.quote)
        .chain(e.projects.iter().map(|p| &p.quote))
        .chain(e.project_totals.iter().map(|p| &p.quote))
        .chain(e.places.iter().map(|p| &p.quote))
        .chain(e.undefined_terms.iter().map(|u| &u.first_quote));
    for q in quotes {
        assert!(normalized.contains(q.as_str()), "not in the report: {q}");
    }
}

/// Checks `sentence` is a whole sentence of the paragraph that holds the quote.
fn assert_whole_sentence(what: &str, paragraph: &str, sentence: &str, quote: &str) {
    const ENDS: &[char] = &['。', '！', '？', '；'];
    assert!(sentence.contains(quote), "{what}: sentence lacks the quote");
    let at = paragraph
        .find(sentence)
        .unwrap_or_else(|| panic!("{what}: sentence not in its paragraph"));
    let before = &paragraph[..at];
    assert!(
        before.is_empty() || before.ends_with(ENDS),
        "{what}: sentence does not start a sentence: {sentence}"
    );
    let after = &paragraph[at + sentence.len()..];
    assert!(
        after.is_empty() || sentence.ends_with(ENDS),
        "{what}: sentence does not end a sentence: {sentence}"
    );
    // A whole sentence holds no sentence end but its last character.
    let inner = sentence.trim_end_matches(ENDS);
    assert!(
        !inner.contains(ENDS) || quote.trim_end_matches(ENDS).contains(ENDS),
        "{what}: more than one sentence: {sentence}"
    );
}

#[test]
fn every_record_carries_its_whole_source_sentence() {
    let db = db();
    let e = db.export().unwrap();
    let p = |id: i64| paragraph_text(&db, id);
    for f in e.targets.iter().chain(&e.results) {
        let what = format!("{:?} {}", f.kind, f.id);
        assert_whole_sentence(&what, &p(f.paragraph_id), &f.sentence, &f.quote);
    }
    for x in &e.projects {
        let what = format!("project {}", x.id);
        assert_whole_sentence(&what, &p(x.paragraph_id), &x.sentence, &x.quote);
    }
    for x in &e.project_totals {
        let what = format!("project total {}", x.id);
        assert_whole_sentence(&what, &p(x.paragraph_id), &x.sentence, &x.quote);
    }
    for x in &e.places {
        let what = format!("place {}", x.id);
        assert_whole_sentence(&what, &p(x.paragraph_id), &x.sentence, &x.quote);
        for d in &x.designations {
            assert_whole_sentence(&what, &p(d.paragraph_id), &d.sentence, &d.quote);
        }
    }
    // The headline goals: the quote is a clause, the sentence is the whole list of goals.
    let gdp = db.target(1).unwrap();
    assert!(
        gdp.sentence
            .starts_with("今年全区经济社会发展的主要预期目标是：")
    );
    assert!(
        gdp.sentence
            .ends_with("单位生产总值能耗与“十四五”目标统筹衔接。")
    );
}

#[test]
fn every_number_is_in_its_quote() {
    let db = db();
    let e = db.export().unwrap();
    for f in e.targets.iter().chain(&e.results) {
        assert_eq!(
            f.quote.matches(&f.written).count(),
            1,
            "{:?} {}: written {} not once in quote",
            f.kind,
            f.id,
            f.written
        );
        assert!(
            numbers_in(&f.written).contains(&f.value),
            "{:?} {}: {} not in {}",
            f.kind,
            f.id,
            f.value,
            f.written
        );
        if let Some(q) = &f.qualifier {
            for word in q.split('/') {
                assert!(f.quote.contains(word), "{} qualifier {word}", f.id);
            }
        }
        if let Some(d) = &f.deadline_text {
            assert!(f.quote.contains(d.as_str()), "{} deadline {d}", f.id);
        }
        let (bv, bu) = govreport::units::to_base(f.value, &f.unit);
        assert_eq!((f.base_value, f.base_unit.as_str()), (bv, bu.as_str()));
    }
    for t in &e.project_totals {
        assert!(t.quote.contains(&t.written), "total {}", t.id);
        assert!(numbers_in(&t.written).contains(&t.value), "total {}", t.id);
    }
    // Where the status is stated apart from the name (the 十大工程 items, named in the
    // glossary), the seed's status_quote holds it; the loader proves it is in the report.
    let seeds = govreport::seed::BUILTIN[0].parse().unwrap();
    for p in &e.projects {
        assert!(p.quote.contains(&p.name), "project {}: name", p.id);
        let status_quote = seeds
            .projects
            .iter()
            .find(|s| s.id == p.id)
            .and_then(|s| s.status_quote.as_deref())
            .unwrap_or(&p.quote);
        assert!(status_quote.contains(&p.status), "project {}: status", p.id);
        for c in &p.companies {
            assert!(p.quote.contains(c.as_str()), "project {}: {c}", p.id);
        }
        if let Some(v) = p.investment {
            assert!(numbers_in(&p.quote).contains(&v), "project {}", p.id);
        }
    }
    for p in &e.places {
        assert!(p.quote.contains(&p.name), "place {}", p.id);
        if let Some(n) = p.village_count {
            assert!(numbers_in(&p.quote).contains(&(n as f64)), "place {}", p.id);
        }
    }
}

#[test]
fn no_two_records_describe_the_same_number_at_the_same_place() {
    let db = db();
    let e = db.export().unwrap();
    for (kind, list) in [("target", &e.targets), ("result", &e.results)] {
        let mut seen = HashSet::new();
        for f in list.iter() {
            let start: i64 = db
                .connection()
                .query_row(
                    "SELECT quote_start FROM figure WHERE kind = ?1 AND id = ?2",
                    rusqlite::params![kind, f.id],
                    |r| r.get(0),
                )
                .unwrap();
            let offset = f.quote[..f.quote.find(&f.written).unwrap()].chars().count() as i64;
            assert!(
                seen.insert((f.paragraph_id, start + offset)),
                "{kind} {} repeats a number another record already states",
                f.id
            );
        }
    }
    let mut seen = HashSet::new();
    for t in &e.project_totals {
        let start = paragraph_text(&db, t.paragraph_id).find(&t.quote).unwrap();
        assert!(
            seen.insert((t.paragraph_id, start + t.quote.find(&t.written).unwrap())),
            "project total {} repeated",
            t.id
        );
    }
    let names: HashSet<_> = e.projects.iter().map(|p| (&p.name, p.year)).collect();
    assert_eq!(names.len(), e.projects.len(), "a project is listed twice");
}

#[test]
fn counts_per_kind() {
    let db = db();
    let e = db.export().unwrap();
    let headline = e.targets.iter().filter(|t| t.area.is_none()).count();
    assert_eq!(headline, 11, "headline goals of part 二");
    assert_eq!(e.targets.len(), 107);
    assert_eq!(e.results.len(), 129);
    for area in 1..=10 {
        let n = e.targets.iter().filter(|t| t.area == Some(area)).count();
        let expected = [7, 6, 16, 12, 21, 4, 7, 9, 14, 0][area as usize - 1];
        assert_eq!(n, expected, "targets of area {area}");
    }
    assert_eq!(
        e.projects.len(),
        db.projects(&ProjectFilter::default()).unwrap().len()
    );
    // 103 named in the text, and the ten 十大工程 items of the glossary (569–578).
    assert_eq!(e.projects.len(), 113);
    assert_eq!(
        e.projects
            .iter()
            .filter(|p| (569..=578).contains(&p.id))
            .count(),
        10
    );
    assert_eq!(e.project_totals.len(), 43);
    // 16 towns, villages, communities and clusters, and the four zones of 四区三带.
    assert_eq!(e.places.len(), 20);
    let zones: Vec<&str> = e
        .places
        .iter()
        .filter(|p| p.kind == PlaceKind::Zone)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        zones,
        [
            "北部绿色生态振兴示范区",
            "二里头三产融合创新示范区",
            "玄奘故里乡村建设示范区",
            "南部生态涵养示范区"
        ]
    );
    assert_eq!(e.glossary.len(), 14);
    assert_eq!(e.undefined_terms.len(), 47);
    let parts: Vec<usize> = e.glossary.iter().map(|g| g.parts.len()).collect();
    assert_eq!(parts, [4, 5, 2, 2, 3, 10, 3, 3, 5, 5, 2, 3, 4, 5]);
}

/// `(kind, quote contains, written, value, unit, qualifier, comparator, measure, deadline, area)`
type Expected = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static str,
    Option<&'static str>,
    Comparator,
    Measure,
    Option<&'static str>,
    Option<i64>,
);

#[test]
fn figures_checked_field_by_field_against_the_text() {
    use Comparator::*;
    use Measure::*;
    let expected: &[Expected] = &[
        (
            "target",
            "地区生产总值增长6%左右",
            "6%",
            6.0,
            "%",
            Some("左右"),
            Approximately,
            GrowthRate,
            None,
            None,
        ),
        (
            "target",
            "规模以上工业增加值增长7%左右",
            "7%",
            7.0,
            "%",
            Some("左右"),
            Approximately,
            GrowthRate,
            None,
            None,
        ),
        (
            "target",
            "固定资产投资增长6%左右",
            "6%",
            6.0,
            "%",
            Some("左右"),
            Approximately,
            GrowthRate,
            None,
            None,
        ),
        (
            "target",
            "研发经费投入强度达到2%左右",
            "2%",
            2.0,
            "%",
            Some("左右"),
            Approximately,
            Share,
            None,
            None,
        ),
        (
            "target",
            "城镇新增就业7400人以上",
            "7400人",
            7400.0,
            "人",
            Some("以上"),
            AtLeast,
            Count,
            None,
            None,
        ),
        (
            "target",
            "居民消费价格涨幅控制在3%左右",
            "3%",
            3.0,
            "%",
            Some("控制在/左右"),
            AtMost,
            GrowthRate,
            None,
            None,
        ),
        (
            "target",
            "常住人口城镇化率提高0.5个百分点",
            "0.5个百分点",
            0.5,
            "个百分点",
            None,
            Exactly,
            GrowthRate,
            None,
            None,
        ),
        (
            "target",
            "确保新增入库国家科技型中小企业200家",
            "200家",
            200.0,
            "家",
            Some("确保"),
            AtLeast,
            Count,
            None,
            Some(1),
        ),
        (
            "target",
            "规上工业企业研发活动覆盖率达80%以上",
            "80%",
            80.0,
            "%",
            Some("以上"),
            AtLeast,
            Share,
            None,
            Some(1),
        ),
        (
            "target",
            "完成技术合同成交额1.35亿元",
            "1.35亿元",
            1.35,
            "亿元",
            None,
            Exactly,
            Level,
            None,
            Some(1),
        ),
        (
            "target",
            "全力推进总投资514.7亿元的276个重点项目",
            "514.7亿元",
            514.7,
            "亿元",
            None,
            Exactly,
            Level,
            None,
            Some(3),
        ),
        (
            "target",
            "全力推进总投资514.7亿元的276个重点项目",
            "276个",
            276.0,
            "个",
            None,
            Exactly,
            Count,
            None,
            Some(3),
        ),
        (
            "target",
            "年度完成投资214亿元",
            "214亿元",
            214.0,
            "亿元",
            None,
            Exactly,
            Level,
            None,
            Some(3),
        ),
        (
            "target",
            "社会消费品零售总额达到177亿元以上",
            "177亿元",
            177.0,
            "亿元",
            Some("以上"),
            AtLeast,
            Level,
            None,
            Some(3),
        ),
        (
            "target",
            "新房销售面积不低于42万平方米",
            "42万平方米",
            42.0,
            "万平方米",
            Some("不低于"),
            AtLeast,
            Level,
            None,
            Some(3),
        ),
        (
            "target",
            "年底前完成2024年9个老旧小区改造和6项市政微改造任务",
            "9个",
            9.0,
            "个",
            None,
            Exactly,
            Count,
            Some("2024-12-31"),
            Some(4),
        ),
        (
            "target",
            "年底前完成2024年9个老旧小区改造和6项市政微改造任务",
            "6项",
            6.0,
            "项",
            None,
            Exactly,
            Count,
            Some("2024-12-31"),
            Some(4),
        ),
        (
            "target",
            "粮食种植面积稳定在60.5万亩以上",
            "60.5万亩",
            60.5,
            "万亩",
            Some("以上"),
            AtLeast,
            Level,
            None,
            Some(5),
        ),
        (
            "target",
            "产量5亿斤以上",
            "5亿斤",
            5.0,
            "亿斤",
            Some("以上"),
            AtLeast,
            Level,
            None,
            Some(5),
        ),
        (
            "target",
            "鲜食葡萄种植面积突破3万亩",
            "3万亩",
            3.0,
            "万亩",
            Some("突破"),
            MoreThan,
            Level,
            None,
            Some(5),
        ),
        (
            "target",
            "全部行政村（社区）集体经济收入达到15万元以上",
            "15万元",
            15.0,
            "万元",
            Some("以上"),
            AtLeast,
            Level,
            None,
            Some(5),
        ),
        (
            "target",
            "创建“五星”支部7个以上",
            "7个",
            7.0,
            "个",
            Some("以上"),
            AtLeast,
            Count,
            None,
            Some(5),
        ),
        (
            "target",
            "“四星”支部34个以上",
            "34个",
            34.0,
            "个",
            Some("以上"),
            AtLeast,
            Count,
            None,
            Some(5),
        ),
        (
            "target",
            "接待游客600万人次、增长10%以上",
            "10%",
            10.0,
            "%",
            Some("以上"),
            AtLeast,
            GrowthRate,
            None,
            Some(6),
        ),
        (
            "target",
            "危险废物规范化管理达标率95%以上",
            "95%",
            95.0,
            "%",
            Some("以上"),
            AtLeast,
            Share,
            None,
            Some(7),
        ),
        (
            "target",
            "实现进出口总额增长10%以上",
            "10%",
            10.0,
            "%",
            Some("以上"),
            AtLeast,
            GrowthRate,
            None,
            Some(8),
        ),
        (
            "target",
            "完成技能培训1.4万人次以上",
            "1.4万人次",
            1.4,
            "万人次",
            Some("以上"),
            AtLeast,
            Count,
            None,
            Some(9),
        ),
        (
            "target",
            "实现高考一本突破千人大关",
            "千人",
            1000.0,
            "人",
            Some("突破"),
            MoreThan,
            Level,
            None,
            Some(9),
        ),
        (
            "result",
            "预计全年地区生产总值增长2%左右",
            "2%",
            2.0,
            "%",
            Some("左右"),
            Approximately,
            GrowthRate,
            None,
            None,
        ),
        (
            "result",
            "完成一般公共预算收入28.34亿元",
            "28.34亿元",
            28.34,
            "亿元",
            None,
            Exactly,
            Level,
            None,
            None,
        ),
        (
            "result",
            "城镇居民人均可支配收入40465元",
            "40465元",
            40465.0,
            "元",
            None,
            Exactly,
            Level,
            None,
            None,
        ),
        (
            "result",
            "实施项目270个、完成投资302.6亿元",
            "302.6亿元",
            302.6,
            "亿元",
            None,
            Exactly,
            Level,
            None,
            Some(1),
        ),
        (
            "result",
            "接待游客545万人次",
            "545万人次",
            545.0,
            "万人次",
            None,
            Exactly,
            Level,
            None,
            Some(1),
        ),
        (
            "result",
            "吸引客流量超2万人次",
            "2万人次",
            2.0,
            "万人次",
            Some("超"),
            MoreThan,
            Level,
            None,
            Some(1),
        ),
        (
            "result",
            "规上工业企业研发活动覆盖率达80.42%",
            "80.42%",
            80.42,
            "%",
            None,
            Exactly,
            Share,
            None,
            Some(2),
        ),
        (
            "result",
            "新建热力管网7.3公里",
            "7.3公里",
            7.3,
            "公里",
            None,
            Exactly,
            Count,
            None,
            Some(3),
        ),
        (
            "result",
            "优良天数248天",
            "248天",
            248.0,
            "天",
            None,
            Exactly,
            Level,
            None,
            Some(3),
        ),
        (
            "result",
            "粮食总产5.57亿斤",
            "5.57亿斤",
            5.57,
            "亿斤",
            None,
            Exactly,
            Level,
            None,
            Some(4),
        ),
        (
            "result",
            "建成乡里中心157个",
            "157个",
            157.0,
            "个",
            None,
            Exactly,
            Count,
            None,
            Some(4),
        ),
        (
            "result",
            "新增城镇就业1.3万余人",
            "1.3万余人",
            1.3,
            "万人",
            Some("余"),
            MoreThan,
            Count,
            None,
            Some(5),
        ),
        (
            "result",
            "高考一本上线953人",
            "953人",
            953.0,
            "人",
            None,
            Exactly,
            Level,
            None,
            Some(5),
        ),
        (
            "result",
            "获批专项债项目11个、资金7.6亿元",
            "7.6亿元",
            7.6,
            "亿元",
            None,
            Exactly,
            Level,
            None,
            Some(6),
        ),
    ];
    let db = db();
    let e = db.export().unwrap();
    for &(kind, quote, written, value, unit, qualifier, comparator, measure, deadline, area) in
        expected
    {
        let list = if kind == "target" {
            &e.targets
        } else {
            &e.results
        };
        let hits: Vec<_> = list
            .iter()
            .filter(|f| f.quote.contains(quote) && f.written == written)
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{kind} {quote} {written}: {} records",
            hits.len()
        );
        let f = hits[0];
        assert_eq!(f.value, value, "{quote}");
        assert_eq!(f.unit, unit, "{quote}");
        assert_eq!(f.qualifier.as_deref(), qualifier, "{quote}");
        assert_eq!(f.comparator, comparator, "{quote}");
        assert_eq!(f.measure, measure, "{quote}");
        assert_eq!(f.deadline.as_deref(), deadline, "{quote}");
        assert_eq!(f.area, area, "{quote}");
        assert_eq!(f.year, if kind == "target" { 2024 } else { 2023 });
        assert!(paragraph_text(&db, f.paragraph_id).contains(quote));
    }
    // Base units make sums work: 514.7亿元 in 元.
    let total = e.targets.iter().find(|t| t.written == "514.7亿元").unwrap();
    assert_eq!(
        (total.base_value, total.base_unit.as_str()),
        (51_470_000_000.0, "元")
    );
}

#[test]
fn projects_places_and_aggregates_checked_against_the_text() {
    let db = db();
    let named = |name: &str| {
        let hits = db
            .projects(&ProjectFilter {
                text: Some(name.into()),
                ..Default::default()
            })
            .unwrap();
        hits.into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no project {name}"))
    };
    let p = named("S539伊洛河特大桥");
    assert_eq!(
        (p.year, p.status.as_str(), p.status_code),
        (2023, "建成通车", StatusCode::Completed)
    );
    let p = named("西亳大桥");
    assert_eq!((p.year, p.status_code), (2024, StatusCode::ToStart));
    assert!(p.quote.contains("启动西亳大桥建设"));
    let p = named("优箔金属电池箔（二期）");
    assert_eq!((p.year, p.status_code), (2024, StatusCode::Completed));
    let p = named("首阳新区福朋喜来登五星级酒店");
    assert_eq!(p.year, 2024);
    let p = named("新区人民医院");
    assert_eq!((p.year, p.status_code), (2023, StatusCode::NearCompletion));
    let p = named("第四污水处理厂");
    assert_eq!(
        (p.year, p.status_code),
        (2023, StatusCode::UnderConstruction)
    );
    assert_eq!(db.project_area(p.id).unwrap().unwrap().number, Some(3));

    let totals = db.project_totals(Some(2024)).unwrap();
    let by = |written: &str| totals.iter().find(|t| t.written == written).unwrap();
    assert_eq!(by("276个").value, 276.0);
    assert_eq!(by("514.7亿元").base_value, 51_470_000_000.0);
    assert_eq!(by("214亿元").value, 214.0);
    let totals_2023 = db.project_totals(Some(2023)).unwrap();
    for w in ["270个", "302.6亿元", "31个", "185.7亿元", "52个"] {
        assert!(totals_2023.iter().any(|t| t.written == w), "2023 total {w}");
    }

    let places = db.places(&PlaceFilter::default()).unwrap();
    let place = |n: &str| places.iter().find(|p| p.name == n).unwrap();
    assert_eq!(place("二里头片区").village_count, Some(9));
    assert_eq!(place("缑氏片区").village_count, Some(10));
    assert_eq!(place("缑氏片区").kind, PlaceKind::Cluster);
    let yt = place("岳滩村");
    assert_eq!(
        (yt.kind, yt.town.as_deref()),
        (PlaceKind::Village, Some("岳滩镇"))
    );
    assert_eq!(yt.designations[0].name, "省首批乡村建设示范村");
    assert_eq!(yt.designations[0].level, "provincial");
    let gx = place("顾县镇");
    assert!(
        gx.designations
            .iter()
            .any(|d| d.name == "国家卫生乡镇" && d.level == "national" && d.year == 2023)
    );
    let national = db
        .places(&PlaceFilter {
            designation_level: Some("national".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(national.iter().any(|p| p.name == "李湾村"));
    assert!(
        db.places(&PlaceFilter {
            designation_level: Some("global".into()),
            ..Default::default()
        })
        .is_err()
    );
}

#[test]
fn every_glossary_definition_equals_the_report_text() {
    let db = db();
    let glossary = db.glossary().unwrap();
    for g in &glossary {
        let p = paragraph_text(&db, g.paragraph_id);
        assert_eq!(
            p,
            format!("{}．{}。{}", g.n, g.term, g.definition),
            "entry {}",
            g.n
        );
        for part in &g.parts {
            assert!(
                g.definition.contains(&part.text),
                "entry {} part {}",
                g.n,
                part.text
            );
        }
        for &m in &g.mentions {
            let text = paragraph_text(&db, m);
            let sid = db.paragraph(m).unwrap().section_id;
            assert!(!db.section(sid).unwrap().path.starts_with("名词解释"));
            let patterns: Vec<String> = db
                .connection()
                .prepare("SELECT pattern FROM glossary_match WHERE term_id = ?1")
                .unwrap()
                .query_map([g.id], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(patterns.iter().any(|p| text.contains(p.as_str())));
        }
    }
    let four = &glossary[0];
    assert_eq!(four.term, "四下基层");
    assert_eq!(
        four.definition,
        "即宣传党的路线、方针、政策下基层，调查研究下基层，信访接待下基层，现场办公下基层。"
    );
    let t13369 = db.glossary_term(2).unwrap();
    let labels: Vec<_> = t13369
        .parts
        .iter()
        .map(|p| p.label.clone().unwrap())
        .collect();
    assert_eq!(labels, ["1", "3", "3", "6", "9"]);
    // 13369 is used in part 二 and part 三's opening; 四下基层 in part 一 and part 四.
    assert!(
        db.term_paragraphs(2)
            .unwrap()
            .iter()
            .any(|p| p.text.contains("“13369”工作思路"))
    );
    assert!(db.term_paragraphs(1).unwrap().len() >= 2);
    let undefined = db.undefined_terms().unwrap();
    let first = undefined.iter().find(|u| u.term == "两个确保").unwrap();
    assert!(paragraph_text(&db, first.first_paragraph_id).contains(&first.first_quote));
    assert!(
        undefined
            .iter()
            .all(|u| !glossary.iter().any(|g| g.term == u.term))
    );
}

#[test]
fn filters_and_lookups_answer_what_users_ask() {
    let db = db();
    // "What did the report promise about 5G, by when?"
    let g5 = db
        .targets(&FigureFilter {
            text: Some("5G".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(g5.len(), 1);
    assert_eq!(g5[0].value, 220.0);
    let due = db
        .targets(&FigureFilter {
            due_before: Some("2025-01-01".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        !due.is_empty()
            && due
                .iter()
                .all(|t| t.deadline.as_deref() < Some("2025-01-01"))
    );
    let area3 = db
        .targets(&FigureFilter {
            area: Some(3),
            ..Default::default()
        })
        .unwrap();
    assert!(area3.iter().all(|t| t.area == Some(3)) && area3.len() == 16);
    let growth = db
        .targets(&FigureFilter {
            measure: Some(Measure::GrowthRate),
            headline_only: true,
            ..Default::default()
        })
        .unwrap();
    assert!(growth.len() >= 6);
    let t = db.target(area3[0].id).unwrap();
    assert_eq!(t, area3[0]);
    assert!(db.figure_paragraph(&t).unwrap().text.contains(&t.quote));
    assert!(matches!(
        db.target(999_999),
        Err(govreport::Error::NotFound(_))
    ));
    assert!(matches!(
        db.result(1_001),
        Err(govreport::Error::NotFound(_))
    ));
    for bad in ["2024-13-01", "2024-02-30", "tomorrow", "2024-6-1"] {
        let r = db.targets(&FigureFilter {
            due_before: Some(bad.into()),
            ..Default::default()
        });
        assert!(
            matches!(r, Err(govreport::Error::InvalidArgument(_))),
            "{bad}"
        );
    }
    assert!(
        db.targets(&FigureFilter {
            area: Some(11),
            ..Default::default()
        })
        .is_err()
    );
    let started = db
        .projects(&ProjectFilter {
            status: Some("开工".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(!started.is_empty() && started.iter().all(|p| p.status.contains("开工")));
    let done = db
        .projects(&ProjectFilter {
            status: Some("completed".into()),
            year: Some(2023),
            ..Default::default()
        })
        .unwrap();
    assert!(
        done.iter()
            .all(|p| p.status_code == StatusCode::Completed && p.year == 2023)
    );
    assert!(db.project(done[0].id).is_ok());
    // "What must be finished by the end of June?"
    let by_june = db
        .projects(&ProjectFilter {
            due_before: Some("2024-07-01".into()),
            ..Default::default()
        })
        .unwrap();
    let names: Vec<&str> = by_june.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"2023年老旧小区改造项目"), "{names:?}");
    assert!(names.contains(&"G310商汤大道至高崖立交段"), "{names:?}");
    assert!(by_june.iter().all(|p| {
        p.deadline_text
            .as_deref()
            .is_some_and(|d| p.quote.contains(d))
    }));
    assert!(db.place(999_999).is_err());
}

#[test]
fn export_has_the_documented_shape() {
    let db = db();
    let v: serde_json::Value = serde_json::from_str(&db.export_json().unwrap()).unwrap();
    let fields: &[(&str, &[&str])] = &[
        ("sections", &["id", "parent_id", "path", "title"]),
        ("paragraphs", &["id", "section_id", "text"]),
        (
            "targets",
            &[
                "id",
                "area",
                "section_id",
                "paragraph_id",
                "metric",
                "value",
                "unit",
                "qualifier",
                "comparator",
                "measure",
                "base_value",
                "base_unit",
                "deadline",
                "quote",
                "sentence",
            ],
        ),
        (
            "results",
            &[
                "id",
                "area",
                "metric",
                "value",
                "unit",
                "comparator",
                "quote",
            ],
        ),
        (
            "projects",
            &[
                "id",
                "name",
                "year",
                "status",
                "status_code",
                "investment",
                "investment_unit",
                "companies",
                "area",
                "quote",
            ],
        ),
        (
            "places",
            &["id", "name", "kind", "town", "designations", "quote"],
        ),
        (
            "glossary",
            &["n", "term", "definition", "parts", "mentions"],
        ),
        ("undefined_terms", &["term", "first_quote"]),
    ];
    for (array, names) in fields {
        let items = v[*array].as_array().unwrap_or_else(|| panic!("{array}"));
        assert!(!items.is_empty(), "{array}");
        for item in items {
            for n in *names {
                assert!(item.get(*n).is_some(), "{array}.{n} missing");
            }
        }
    }
    for n in [
        "title",
        "region",
        "date",
        "meeting",
        "speaker",
        "speaker_office",
    ] {
        assert!(v["report"][n].is_string(), "report.{n}");
    }
    let with_designation = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| !p["designations"].as_array().unwrap().is_empty())
        .unwrap();
    let d = &with_designation["designations"][0];
    for n in ["name", "level", "year"] {
        assert!(d.get(n).is_some(), "designation.{n}");
    }
}
