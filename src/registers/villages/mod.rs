//! The village register: towns, subdistricts, villages and communities with their 12-digit
//! 统计用区划代码, and each village's yearly record (集体经济收入, 五星支部 rating, 乡里中心,
//! designations), rolled up into the report's village targets.
//!
//! Codes: 12 digits = county (6) + township (3) + village (3). A code ending in `000` is a
//! township-level row (the township segment's first digit `0` means a 街道 (subdistrict),
//! anything else a 镇/乡 (town)); any other code is a village (村委会) or community (居委会) whose
//! town is the row with the same first nine digits and `000`. A code whose township segment is
//! `000` (a county) is rejected. A village whose town is neither in the file nor in the
//! register is an error, unless the row names its town (乡镇 column): then the town row is
//! created with that name.
//!
//! The kind comes from the 类型 column when present (镇/乡, 街道, 村, 社区 …, checked against the
//! code); otherwise from the code, then the 城乡分类代码 (1xx urban -> community, 2xx rural ->
//! village), then the name (…社区/居委会 -> community). 城乡分类代码 must be one of 111, 112, 121,
//! 122, 123, 210, 220.
//!
//! One file carries both the register and yearly values: when a row has any of the yearly
//! columns filled, it writes that village's record for the row's 年份 (or
//! [`ImportOptions::year`]). A yearly column absent from the file leaves the stored value as it
//! was; an empty cell in a present column clears it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{
    Column, ColumnKind, FileFormat, ImportError, ImportOptions, ImportSummary, Input, ProblemKind,
    ReadRows, RowProblem, RowReader, normalize_name, read_input, read_rows, settle, wan_to_yuan,
};
mod import;
mod rollup;

pub use rollup::{RollupLine, VillageRollup};

use crate::db::Db;
use crate::error::{Error, Result};

/// The 城乡分类代码 a register place may carry.
pub const URBAN_RURAL_TYPES: [&str; 7] = ["111", "112", "121", "122", "123", "210", "220"];

/// The columns of a village register.
pub const VILLAGE_SHEET_COLUMNS: &[Column] = &[
    Column {
        key: "code",
        label: "统计用区划代码",
        aliases: &[
            "统计用区划代码",
            "区划代码",
            "行政区划代码",
            "统计区划代码",
            "村（社区）代码",
            "村(社区)代码",
            "代码",
        ],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "name",
        label: "名称",
        aliases: &[
            "名称",
            "村（社区）名称",
            "村(社区)名称",
            "村名",
            "村（居）名称",
            "村(居)名称",
            "单位名称",
            "村（社区）",
            "村(社区)",
        ],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "kind",
        label: "类型",
        aliases: &["类型", "层级", "级别"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "town",
        label: "乡镇",
        aliases: &[
            "乡镇",
            "所属乡镇",
            "乡镇（街道）",
            "乡镇(街道)",
            "镇（街道）",
            "镇(街道)",
            "所属镇（街道）",
            "所属镇(街道)",
        ],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "urban_rural",
        label: "城乡分类代码",
        aliases: &["城乡分类代码", "城乡分类", "城乡代码"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "year",
        label: "年份",
        aliases: &["年份", "年度"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "income",
        label: "集体经济收入（万元）",
        aliases: &["集体经济收入", "村集体经济收入", "集体收入"],
        required: false,
        kind: ColumnKind::Money,
    },
    Column {
        key: "stars",
        label: "五星支部星级",
        aliases: &["五星支部星级", "五星支部", "星级", "支部星级", "党支部星级"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "li_center",
        label: "乡里中心",
        aliases: &["乡里中心", "乡里中心建成", "是否建成乡里中心"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "designations",
        label: "荣誉称号",
        aliases: &["荣誉称号", "荣誉", "称号", "创建称号"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "note",
        label: "备注",
        aliases: &["备注", "说明"],
        required: false,
        kind: ColumnKind::Text,
    },
];

/// One place of the village register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterPlace {
    /// Record id.
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// 12-digit 统计用区划代码.
    pub code: String,
    /// Name as written.
    pub name: String,
    /// `town`, `subdistrict`, `village` or `community`.
    pub kind: String,
    /// The town row of a village or community.
    pub town_id: Option<i64>,
    /// The town's code: the first nine digits and `000`.
    pub town_code: String,
    /// 城乡分类代码, where given.
    pub urban_rural_type: Option<String>,
    /// The place the report names that this row is, if linked.
    pub report_place_id: Option<i64>,
    /// How: `exact` (same name), `normalized` (same name without 镇/乡/街道/村/社区), `manual`.
    pub link_method: Option<String>,
    /// 备注.
    pub note: Option<String>,
    /// When last imported (ISO date-time, UTC).
    pub imported_at: String,
    /// The file it was last imported from.
    pub source: String,
}

/// One village's record for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageYear {
    /// The register place.
    pub place_id: i64,
    /// The year.
    pub year: i32,
    /// 集体经济收入, 万元.
    pub collective_income: Option<f64>,
    /// 集体经济收入, 元.
    pub collective_income_base: Option<f64>,
    /// 五星支部 rating, 0-5 stars.
    pub star_rating: Option<i64>,
    /// Whether its 乡里中心 is built.
    pub li_center_built: Option<bool>,
    /// Designations held (titles as written).
    pub designations: Vec<String>,
    /// The file it was imported from.
    pub source: String,
}

/// The code of a place's town: its first nine digits and `000`.
pub fn town_code(code: &str) -> String {
    format!("{}000", &code[..code.len().min(9)])
}

/// A place name without its level suffix, for linking (`山化镇` -> `山化`).
fn place_core(name: &str) -> String {
    let n = normalize_name(name);
    for suffix in [
        "街道办事处",
        "村民委员会",
        "居民委员会",
        "村委会",
        "居委会",
        "街道",
        "社区",
        "镇",
        "乡",
        "村",
    ] {
        if let Some(core) = n.strip_suffix(suffix)
            && !core.is_empty()
        {
            return core.to_owned();
        }
    }
    n
}

/// A village's or community's kind, income, star rating and 乡里中心 for one year.
type Record = (String, Option<f64>, Option<i64>, Option<bool>);

/// A stored yearly record: income, stars, 乡里中心, designations JSON.
type StoredYear = (Option<f64>, Option<i64>, Option<bool>, String);

const SELECT: &str = "SELECT id, report_id, code, name, kind, town_id, urban_rural_type,
    report_place_id, link_method, note, imported_at, source FROM register_place";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegisterPlace> {
    let code: String = r.get(2)?;
    Ok(RegisterPlace {
        id: r.get(0)?,
        report_id: r.get(1)?,
        town_code: town_code(&code),
        code,
        name: r.get(3)?,
        kind: r.get(4)?,
        town_id: r.get(5)?,
        urban_rural_type: r.get(6)?,
        report_place_id: r.get(7)?,
        link_method: r.get(8)?,
        note: r.get(9)?,
        imported_at: r.get(10)?,
        source: r.get(11)?,
    })
}

impl Db {
    /// The village register of a report, by code.
    pub fn register_places(&self, report_id: i64) -> Result<Vec<RegisterPlace>> {
        self.require_report(report_id)?;
        let sql = format!("{SELECT} WHERE report_id = ?1 ORDER BY code");
        let mut st = self.connection().prepare_cached(&sql)?;
        let rows = st.query_map([report_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One register place by its 12-digit code; [`Error::NotFound`] if there is none.
    pub fn register_place_by_code(&self, report_id: i64, code: &str) -> Result<RegisterPlace> {
        let sql = format!("{SELECT} WHERE report_id = ?1 AND code = ?2");
        self.connection()
            .prepare_cached(&sql)?
            .query_row(params![report_id, code], from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("register place {code}")))
    }

    /// The yearly records of a report's villages for one year, by place code.
    pub fn village_years(&self, report_id: i64, year: i32) -> Result<Vec<VillageYear>> {
        let mut st = self.connection().prepare_cached(
            "SELECT y.place_id, y.year, y.collective_income, y.collective_income_base,
                    y.star_rating, y.li_center_built, y.designations, y.source
             FROM village_year y JOIN register_place p ON p.id = y.place_id
             WHERE p.report_id = ?1 AND y.year = ?2 ORDER BY p.code",
        )?;
        let rows = st.query_map(params![report_id, year], |r| {
            let d: String = r.get(6)?;
            Ok(VillageYear {
                place_id: r.get(0)?,
                year: r.get(1)?,
                collective_income: r.get(2)?,
                collective_income_base: r.get(3)?,
                star_rating: r.get(4)?,
                li_center_built: r.get(5)?,
                designations: serde_json::from_str(&d).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        6,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
                source: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::import::{parse_bool, parse_stars};
    use super::rollup::{number_before, star_level};
    use super::*;

    #[test]
    fn parsers() {
        assert_eq!(parse_stars("五星"), Some(5));
        assert_eq!(parse_stars("★★★★"), Some(4));
        assert_eq!(parse_stars("3"), Some(3));
        assert_eq!(parse_stars("“四星”支部"), Some(4));
        assert_eq!(parse_bool("已建"), Some(true));
        assert_eq!(
            number_before("集体经济收入100万元以上村（社区）增加", "万元"),
            Some(100.0)
        );
        assert_eq!(star_level("创建“四星”支部"), Some(4));
        assert_eq!(place_core("山化镇"), "山化");
        assert_eq!(town_code("410307101203"), "410307101000");
    }
}
