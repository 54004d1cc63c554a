//! SYNTHETIC registers for trying the import out and for tests: a 276-row key-project
//! register and a village register, generated deterministically from a seed.
//!
//! Nothing here is real data. Every file carries a title row saying so and every row a
//! `SYNTHETIC` 备注; amounts, codes, owners and leaders are made up. A dozen rows carry names of
//! projects the report names (some written differently) so that linking can be tried; the
//! rest are invented. The project totals are chosen to add up to the report's aggregates
//! (276 projects, 总投资514.7亿元, 年度计划214亿元) so the consistency report shows a match;
//! change [`ProjectOptions`] to see it differ. These files are never part of the report's
//! dataset (`seeds/`).

use super::{Cell, FileFormat, encode};
use crate::error::Result;

/// The title row of every synthetic file.
pub const SYNTHETIC_TITLE: &str =
    "SYNTHETIC 合成测试数据，非真实台账，仅供试用（govreport registers::synthetic 生成）";

/// The 备注 of every synthetic row.
pub const SYNTHETIC_NOTE: &str = "SYNTHETIC";

/// A small deterministic generator (SplitMix64), so files are the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectOptions {
    /// Rows (276 in the report).
    pub rows: usize,
    /// Sum of 总投资, 万元 (514.7亿元 = 5,147,000 万元 in the report).
    pub total_wan: u64,
    /// Sum of 年度计划投资, 万元 (214亿元 = 2,140,000 万元 in the report).
    pub annual_wan: u64,
    /// Seed of the generator.
    pub seed: u64,
}

impl Default for ProjectOptions {
    fn default() -> Self {
        ProjectOptions {
            rows: 276,
            total_wan: 5_147_000,
            annual_wan: 2_140_000,
            seed: 2024,
        }
    }
}

/// One generated register row, before encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticProject {
    /// 序号.
    pub serial: i64,
    /// 项目代码.
    pub office_code: String,
    /// 国家代码, for most rows.
    pub national_code: Option<String>,
    /// 项目名称.
    pub name: String,
    /// 项目类别.
    pub category: &'static str,
    /// 总投资, 万元.
    pub total_wan: u64,
    /// 年度计划投资, 万元.
    pub annual_wan: u64,
    /// 业主单位.
    pub owner: String,
    /// 责任单位.
    pub responsible: &'static str,
    /// 包保领导 (a placeholder, not a person).
    pub leader: String,
    /// 计划开工时间.
    pub planned_start: Option<String>,
}

/// Names of projects the report names, some written as registers often write them, with the
/// report's name each should link to (`None`: the written name is the report's).
pub const NAMED_IN_REPORT: &[(&str, Option<&str>)] = &[
    ("恩菲偃师研发基地", None),
    ("星辰新能全钒液流电池及储能电站产业化基地", None),
    ("东方日升储能系统设备及组件生产项目", None),
    ("优箔金属电池箔二期项目", Some("优箔金属电池箔（二期）")),
    ("优箔良材项目", None),
    ("新星轻合金锂电池用铝合金箔材", None),
    ("信息显示超薄基板项目", None),
    ("新义顺智能家居制造产业园", None),
    (
        "首阳新区福朋喜来登五星级酒店项目",
        Some("首阳新区福朋喜来登五星级酒店"),
    ),
    ("西亳大桥", None),
    ("太学路东延工程", Some("太学路东延")),
    ("第四污水处理厂", None),
    ("商城遗址博物馆", None),
    ("杭萧钢构装配式建筑产业园", None),
    ("人民医院北院区医养结合项目", None),
];

const PLACES: [&str; 16] = [
    "首阳山",
    "城关",
    "商城",
    "伊洛",
    "槐新",
    "岳滩",
    "顾县",
    "翟镇",
    "佃庄",
    "缑氏",
    "府店",
    "高龙",
    "山化",
    "邙岭",
    "大口",
    "诸葛",
];

const THINGS: [(&str, &str); 24] = [
    ("高端铝箔深加工", "区工信局"),
    ("智能装备制造", "区工信局"),
    ("新型建材", "区工信局"),
    ("标准化厂房", "区产业集聚区管委会"),
    ("冷链物流园", "区商务局"),
    ("农产品仓储保鲜", "区农业农村局"),
    ("高标准农田建设", "区农业农村局"),
    ("分布式光伏发电", "区发展改革委"),
    ("集中式储能电站", "区发展改革委"),
    ("农村供水提升", "区水利局"),
    ("雨污分流改造", "区住建局"),
    ("老旧小区配套提升", "区住建局"),
    ("道路提升改造", "区交通运输局"),
    ("农村公路提质", "区交通运输局"),
    ("中心学校改扩建", "区教体局"),
    ("卫生院能力提升", "区卫健委"),
    ("养老服务中心", "区民政局"),
    ("乡村旅游配套", "区文广旅局"),
    ("文化遗址展示", "区文广旅局"),
    ("生态廊道", "区林业局"),
    ("电网改造", "区发展改革委"),
    ("数字乡村", "区大数据局"),
    ("商贸综合体", "区商务局"),
    ("人才公寓", "区住建局"),
];

const CATEGORIES: [(&str, u64); 5] = [
    ("新开工", 40),
    ("续建", 35),
    ("竣工", 10),
    ("前期", 10),
    ("预备", 5),
];

/// Generates the rows of a synthetic project register.
pub fn projects(options: &ProjectOptions) -> Vec<SyntheticProject> {
    let mut rng = Rng::new(options.seed);
    let n = options.rows;
    let mut names: Vec<String> = NAMED_IN_REPORT
        .iter()
        .take(n)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let mut responsible: Vec<&'static str> = vec!["区发展改革委"; names.len()];
    let mut k = 0usize;
    while names.len() < n {
        let place = PLACES[k % PLACES.len()];
        let (thing, unit) = THINGS[(k / PLACES.len() + k * 7) % THINGS.len()];
        let phase = k / (PLACES.len() * THINGS.len());
        let name = if phase == 0 {
            format!("{place}{thing}项目")
        } else {
            format!("{place}{thing}项目（{}期）", phase + 1)
        };
        if !names.contains(&name) {
            names.push(name);
            responsible.push(unit);
        }
        k += 1;
    }
    // Weights of the total investment: a few big projects, many small ones.
    let weights: Vec<u64> = (0..n)
        .map(|_| {
            let r = rng.below(100);
            if r < 5 {
                40 + rng.below(60)
            } else if r < 30 {
                8 + rng.below(20)
            } else {
                1 + rng.below(8)
            }
        })
        .collect();
    let totals = split(options.total_wan, &weights);
    // Annual plans: 20-60 % of each total, scaled to the sum asked for, never above the total.
    let shares: Vec<u64> = totals
        .iter()
        .map(|t| t * (20 + rng.below(41)) / 100)
        .collect();
    let annuals = fit(options.annual_wan, &shares, &totals);
    (0..n)
        .map(|i| {
            let category = {
                let mut r = rng.below(100);
                let mut pick = CATEGORIES[0].0;
                for (c, w) in CATEGORIES {
                    if r < w {
                        pick = c;
                        break;
                    }
                    r -= w;
                }
                pick
            };
            let month = 1 + rng.below(12);
            let planned_start = match category {
                "新开工" => Some(format!("2024-{month:02}-{:02}", 1 + rng.below(28))),
                "续建" | "竣工" => Some(format!("{}-{month:02}", 2021 + rng.below(3))),
                "前期" => Some(format!("2025-{month:02}")),
                _ => None,
            };
            let national_code = (i % 5 != 4).then(|| {
                format!(
                    "{:02}{:02}-410307-{:02}-{:02}-{:06}",
                    21 + rng.below(4),
                    1 + rng.below(12),
                    rng.below(90) + 1,
                    1 + rng.below(3),
                    rng.below(1_000_000)
                )
            });
            SyntheticProject {
                serial: i as i64 + 1,
                office_code: format!("YS2024-{:03}", i + 1),
                national_code,
                name: names[i].clone(),
                category,
                total_wan: totals[i],
                annual_wan: annuals[i],
                owner: format!(
                    "洛阳合成示例{}有限公司",
                    ["建设", "实业", "城投", "产业发展", "科技"][i % 5]
                ),
                responsible: responsible[i],
                leader: format!("包保领导{:02}", 1 + i % 30),
                planned_start,
            }
        })
        .collect()
}

/// Splits `sum` in proportion to `weights`, exactly.
fn split(sum: u64, weights: &[u64]) -> Vec<u64> {
    let w: u64 = weights.iter().sum::<u64>().max(1);
    let mut out: Vec<u64> = weights.iter().map(|x| sum * x / w).collect();
    let mut rest = sum - out.iter().sum::<u64>();
    let mut i = 0;
    while rest > 0 && !out.is_empty() {
        out[i % weights.len()] += 1;
        rest -= 1;
        i += 1;
    }
    out
}

/// Scales `shares` to add up to `sum` exactly while each stays at or below its cap.
fn fit(sum: u64, shares: &[u64], caps: &[u64]) -> Vec<u64> {
    let mut out = split(sum.min(caps.iter().sum()), shares);
    for (o, c) in out.iter_mut().zip(caps) {
        *o = (*o).min(*c);
    }
    let mut rest = sum.min(caps.iter().sum()) - out.iter().sum::<u64>();
    for (o, c) in out.iter_mut().zip(caps) {
        let room = (c - *o).min(rest);
        *o += room;
        rest -= room;
    }
    out
}

/// A synthetic project register as a file (title row, header, rows). The header is the one
/// [`crate::Db::export_projects`] writes, without the export-only columns.
pub fn project_register(options: &ProjectOptions, format: FileFormat) -> Result<Vec<u8>> {
    let header: Vec<&str> = super::projects::PROJECT_SHEET_COLUMNS
        .iter()
        .map(|c| c.label)
        .collect();
    let rows: Vec<Vec<Cell>> = projects(options)
        .into_iter()
        .map(|p| {
            vec![
                Cell::Number(p.serial as f64),
                Cell::Text(p.office_code),
                Cell::opt_text(&p.national_code),
                Cell::Text(p.name),
                Cell::Text(p.category.to_owned()),
                Cell::Number(p.total_wan as f64),
                Cell::Number(p.annual_wan as f64),
                Cell::Text(p.owner),
                Cell::Text(p.responsible.to_owned()),
                Cell::Text(p.leader),
                Cell::opt_text(&p.planned_start),
                Cell::Text(SYNTHETIC_NOTE.to_owned()),
            ]
        })
        .collect();
    encode(format, Some(SYNTHETIC_TITLE), "SYNTHETIC", &header, &rows)
}

/// Towns of the synthetic village register: (township code digits, name). Real town names of
/// the district; the codes are made up.
const TOWNS: [(&str, &str); 10] = [
    ("001", "首阳山街道"),
    ("101", "岳滩镇"),
    ("102", "顾县镇"),
    ("103", "翟镇镇"),
    ("104", "缑氏镇"),
    ("105", "府店镇"),
    ("106", "高龙镇"),
    ("107", "山化镇"),
    ("108", "邙岭镇"),
    ("109", "大口镇"),
];

/// Villages the report names, with the town (index into the towns) they are put in.
const NAMED_VILLAGES: [(&str, usize); 6] = [
    ("岳滩村", 1),
    ("李湾村", 4),
    ("缑氏村", 4),
    ("崔河村", 6),
    ("大口村", 9),
    ("齐庄社区", 0),
];

const VILLAGE_STEMS: [&str; 24] = [
    "王庄", "李庄", "张寨", "刘沟", "陈屯", "杨湾", "赵岭", "周营", "吴村", "孙店", "马坡", "朱楼",
    "胡洼", "郭堂", "何岗", "高寨", "罗庄", "梁屯", "宋湾", "郑沟", "谢店", "韩岭", "唐坡", "冯营",
];

/// A synthetic village register as a file: 10 towns, 20 villages or communities each, with
/// yearly values for `years` (income grows a little each year). The county code is
/// `410307`; all codes below it are made up.
pub fn village_register(seed: u64, years: &[i32], format: FileFormat) -> Result<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let header = [
        "统计用区划代码",
        "名称",
        "类型",
        "乡镇",
        "城乡分类代码",
        "年份",
        "集体经济收入（万元）",
        "五星支部星级",
        "乡里中心",
        "荣誉称号",
        "备注",
    ];
    let mut rows = Vec::new();
    for (t, (tcode, tname)) in TOWNS.iter().enumerate() {
        let town_code = format!("410307{tcode}000");
        rows.push(vec![
            Cell::Text(town_code),
            Cell::Text((*tname).to_owned()),
            Cell::Text(
                if tcode.starts_with('0') {
                    "街道"
                } else {
                    "镇"
                }
                .to_owned(),
            ),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Text(SYNTHETIC_NOTE.to_owned()),
        ]);
        let mut names: Vec<String> = NAMED_VILLAGES
            .iter()
            .filter(|(_, town)| *town == t)
            .map(|(n, _)| (*n).to_owned())
            .collect();
        let mut s = t * 5;
        while names.len() < 20 {
            let stem = VILLAGE_STEMS[s % VILLAGE_STEMS.len()];
            let suffix = if tcode.starts_with('0') {
                "社区"
            } else {
                "村"
            };
            let name = if s / VILLAGE_STEMS.len() == 0 {
                format!("{stem}{suffix}")
            } else {
                format!(
                    "{stem}{}{suffix}",
                    ["东", "西", "南", "北"][s / VILLAGE_STEMS.len() % 4]
                )
            };
            if !names.contains(&name) {
                names.push(name);
            }
            s += 1;
        }
        for (v, name) in names.iter().enumerate() {
            let community = name.ends_with("社区");
            let code = format!(
                "410307{tcode}{:03}",
                if community { 1 + v } else { 200 + v }
            );
            let base_income = 15.0 + rng.below(1200) as f64 / 10.0;
            let stars = rng.below(6) as i64;
            for (k, year) in years.iter().enumerate() {
                let income = base_income + 4.0 * k as f64;
                rows.push(vec![
                    Cell::Text(code.clone()),
                    Cell::Text(name.clone()),
                    Cell::Text(if community { "社区" } else { "村" }.to_owned()),
                    Cell::Text((*tname).to_owned()),
                    Cell::Text(if community { "111" } else { "220" }.to_owned()),
                    Cell::Number(f64::from(*year)),
                    Cell::Number(super::round_to(income, 1)),
                    Cell::Number(((stars + k as i64).min(5)) as f64),
                    Cell::Text(if rng.below(10) < 9 { "是" } else { "否" }.to_owned()),
                    Cell::Empty,
                    Cell::Text(SYNTHETIC_NOTE.to_owned()),
                ]);
            }
        }
    }
    encode(format, Some(SYNTHETIC_TITLE), "SYNTHETIC", &header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact() {
        let rows = projects(&ProjectOptions::default());
        assert_eq!(rows.len(), 276);
        assert_eq!(rows.iter().map(|r| r.total_wan).sum::<u64>(), 5_147_000);
        assert_eq!(rows.iter().map(|r| r.annual_wan).sum::<u64>(), 2_140_000);
        assert!(rows.iter().all(|r| r.annual_wan <= r.total_wan));
        let mut names: Vec<_> = rows.iter().map(|r| r.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 276);
    }
}
