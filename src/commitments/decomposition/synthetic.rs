//! A SYNTHETIC filled 任务分解表 for trying the import out, for tests and benchmarks: the draft
//! of a report with made-up units (合成测试甲局 …), leaders (合成领导甲 …) and deadlines,
//! generated deterministically from a seed.
//!
//! Nothing here is a real assignment of work: every file carries a title row saying so
//! ([`SYNTHETIC_TITLE`]), and every name starts with 合成.

use super::{DECOMPOSITION_COLUMNS, DecompositionRow};
use crate::db::Db;
use crate::error::Result;
use crate::registers::synthetic::Rng;
use crate::registers::{Cell, FileFormat, encode};

/// The title row of every synthetic filled table.
pub const SYNTHETIC_TITLE: &str =
    "SYNTHETIC 合成测试任务分解表：单位、领导与时限均为虚构，仅供试用（govreport 生成）";

/// One row of a filled table: every column as the cell's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilledRow {
    /// 序号.
    pub serial: String,
    /// 类别.
    pub category: String,
    /// 工作任务.
    pub task: String,
    /// 量化指标.
    pub indicators: String,
    /// 牵头单位 (one unit, sometimes two: the first leads).
    pub lead: String,
    /// 责任单位 (none to three units, separated by `、` or `，`).
    pub support: String,
    /// 责任领导 (one or two names).
    pub leader: String,
    /// 完成时限: mostly the draft's, some changed, some left empty.
    pub deadline: String,
}

impl FilledRow {
    /// The cells in column order.
    pub fn cells(&self) -> [&str; 8] {
        [
            &self.serial,
            &self.category,
            &self.task,
            &self.indicators,
            &self.lead,
            &self.support,
            &self.leader,
            &self.deadline,
        ]
    }
}

impl From<DecompositionRow> for FilledRow {
    /// The draft row, unit and leader cells empty.
    fn from(r: DecompositionRow) -> FilledRow {
        FilledRow {
            serial: r.serial,
            category: r.category,
            task: r.task,
            indicators: r.indicators,
            lead: String::new(),
            support: String::new(),
            leader: String::new(),
            deadline: r.deadline_text,
        }
    }
}

const STEMS: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
const KINDS: [&str; 4] = ["局", "委", "办", "中心"];
const DEADLINES: [&str; 5] = [
    "6月底前",
    "三季度",
    "2024年9月30日",
    "2024-11-30",
    "10月底前",
];

/// A made-up unit name (合成测试甲局 …, 40 in all).
fn unit(rng: &mut Rng) -> String {
    format!(
        "合成测试{}{}",
        STEMS[rng.below(STEMS.len() as u64) as usize],
        KINDS[rng.below(KINDS.len() as u64) as usize]
    )
}

/// The draft of report `report_id`, filled with SYNTHETIC units, leaders and deadlines from
/// `seed`: every row a lead unit (one in ten rows two, the first leading), most rows
/// supporting units, every row a leader (some two), and one row in eight a changed deadline
/// and one in ten an empty one.
pub fn filled_rows(db: &Db, report_id: i64, seed: u64) -> Result<Vec<FilledRow>> {
    let mut rng = Rng::new(seed);
    let rows = db.decomposition_rows(report_id)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut f = FilledRow::from(r);
            f.lead = unit(&mut rng);
            if rng.below(10) == 0 {
                f.lead = format!("{}、{}", f.lead, unit(&mut rng));
            }
            let supports: Vec<String> = (0..rng.below(4)).map(|_| unit(&mut rng)).collect();
            f.support = supports.join(if rng.below(2) == 0 { "、" } else { "，" });
            f.leader = format!("合成领导{}", STEMS[rng.below(10) as usize]);
            if rng.below(6) == 0 {
                f.leader = format!("{}、合成领导{}", f.leader, STEMS[rng.below(10) as usize]);
            }
            match rng.below(40) {
                0..=4 => f.deadline = DEADLINES[rng.below(5) as usize].to_owned(),
                5..=8 => f.deadline.clear(),
                _ => {}
            }
            f
        })
        .collect())
}

/// Rows as a file: the [`SYNTHETIC_TITLE`] row, the header, the rows (CSV UTF-8 with a BOM,
/// or XLSX with the `xlsx` feature).
pub fn encode_filled(rows: &[FilledRow], format: FileFormat) -> Result<Vec<u8>> {
    let header: Vec<&str> = DECOMPOSITION_COLUMNS.iter().map(|c| c.label).collect();
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            r.cells()
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*c).to_owned())
                    }
                })
                .collect()
        })
        .collect();
    encode(format, Some(SYNTHETIC_TITLE), "任务分解表", &header, &cells)
}

/// [`filled_rows`] encoded by [`encode_filled`].
pub fn filled_table(db: &Db, report_id: i64, seed: u64, format: FileFormat) -> Result<Vec<u8>> {
    encode_filled(&filled_rows(db, report_id, seed)?, format)
}
