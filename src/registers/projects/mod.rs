//! The key-project register (重点项目台账): the full list behind the report's "276个重点项目",
//! with the office's code, the national investment project code, category, amounts, owner,
//! responsible unit and leader of each project.
//!
//! Import ([`Db::import_projects`]) upserts by code: a row whose 国家代码 is already in the
//! register updates that record, otherwise a row whose 项目代码 is updates that one, otherwise
//! a record is created. Each written row is linked to the project the report names, where the
//! names match ([`RegisterProject::link_method`]):
//!
//! * `exact`: the same name;
//! * `normalized`: the same name once whitespace, brackets, quotes and separators are removed
//!   and a trailing 项目/工程 dropped (`优箔金属电池箔二期项目` = `优箔金属电池箔（二期）`);
//! * `contains`: one normalized name contains the other, both at least four characters long,
//!   and only one report project matches;
//! * `manual`: set with [`Db::link_register_project`]; imports keep manual links.
//!
//! Projects of the report's plan year are preferred over those of its review year. A name that
//! matches several projects is left unlinked and listed in [`ImportSummary::ambiguous_links`].

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::{
    Cell, Column, ColumnKind, FileFormat, ImportError, ImportOptions, ImportSummary, Input,
    ProblemKind, ReadRows, RowProblem, RowReader, normalize_name, read_input, read_rows, settle,
    wan_to_yuan,
};
mod consistency;
mod import;

pub use consistency::{CategoryCount, ConsistencyCheck, RegisterConsistency};

use crate::db::Db;
use crate::error::{Error, Result};

/// The categories a register project may have, as offices write them.
pub const PROJECT_CATEGORIES: [&str; 5] = ["新开工", "续建", "竣工", "前期", "预备"];

/// The `project_total.scope` of the report's key projects (重点项目), whose 项目个数, 总投资 and
/// 年度完成投资 the consistency report compares with the register.
pub const KEY_PROJECT_SCOPE: &str = "重点项目";

/// The columns of a project register. The first alias of each is what export writes.
pub const PROJECT_SHEET_COLUMNS: &[Column] = &[
    Column {
        key: "serial",
        label: "序号",
        aliases: &["序号", "编号序号"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "office_code",
        label: "项目代码",
        aliases: &[
            "项目代码",
            "项目编码",
            "项目编号",
            "台账编号",
            "本地项目代码",
        ],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "national_code",
        label: "国家代码",
        aliases: &[
            "国家代码",
            "国家项目代码",
            "全国投资项目代码",
            "投资项目代码",
            "投资项目统一代码",
            "项目统一代码",
            "在线平台项目代码",
        ],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "name",
        label: "项目名称",
        aliases: &["项目名称", "名称"],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "category",
        label: "项目类别",
        aliases: &["项目类别", "类别", "项目类型", "项目分类", "建设阶段"],
        required: true,
        kind: ColumnKind::Text,
    },
    Column {
        key: "total",
        label: "总投资（万元）",
        aliases: &["总投资", "计划总投资", "项目总投资", "总投资额"],
        required: true,
        kind: ColumnKind::Money,
    },
    Column {
        key: "annual",
        label: "年度计划投资（万元）",
        aliases: &[
            "年度计划投资",
            "年度计划",
            "年度投资计划",
            "计划投资",
            "本年计划投资",
            "年度计划完成投资",
        ],
        required: false,
        kind: ColumnKind::Money,
    },
    Column {
        key: "owner",
        label: "业主单位",
        aliases: &["业主单位", "建设单位", "项目业主", "项目单位"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "responsible",
        label: "责任单位",
        aliases: &["责任单位", "牵头单位", "主管单位"],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "leader",
        label: "包保领导",
        aliases: &[
            "包保领导",
            "分包领导",
            "联系领导",
            "区级包保领导",
            "责任领导",
        ],
        required: false,
        kind: ColumnKind::Text,
    },
    Column {
        key: "planned_start",
        label: "计划开工时间",
        aliases: &["计划开工时间", "计划开工日期", "开工时间", "计划开工"],
        required: false,
        kind: ColumnKind::Date,
    },
    Column {
        key: "note",
        label: "备注",
        aliases: &["备注", "说明"],
        required: false,
        kind: ColumnKind::Text,
    },
];

/// Export-only columns: the linked report project and how it was linked. Import ignores them.
const EXPORT_EXTRA: [&str; 2] = ["报告所列项目", "关联方式"];

/// The province-level prefixes of GB/T 2260 area codes (11 北京 … 82 澳门).
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Checks a national investment project code (全国投资项目在线审批监管平台 项目代码, GB/T
/// 40058-2021) and returns it normalized (trimmed, uppercase, full-width dashes made ASCII).
///
/// What is checked, honestly limited to what is certain: the code is 24 characters laid out
/// as `NNNN-NNNNNN-NN-NN-XXXXXX` — a 4-digit time code, the 6-digit GB/T 2260 area code of
/// the approving authority (its first two digits must be a province code), a 2-digit code of
/// the guiding department/industry, a 2-digit project type code, and a last segment of six
/// digits or uppercase letters (a serial/random part and, in 2021+ codes, a check character).
/// The time code is accepted as a year (`2019`, older codes) or as year+month (`2403`). The
/// check character's algorithm is not published in anything this library could consult, so it
/// is **not** verified, and neither are the department and type codes against their tables.
pub fn check_national_code(code: &str) -> std::result::Result<String, String> {
    let code: String = code
        .trim()
        .chars()
        .map(|c| match c {
            '－' | '–' | '—' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 24 {
        return Err(format!(
            "national project code must be 24 characters (NNNN-NNNNNN-NN-NN-XXXXXX), not {}",
            chars.len()
        ));
    }
    for (i, c) in chars.iter().enumerate() {
        let ok = match i {
            4 | 11 | 14 | 17 => *c == '-',
            0..=16 => c.is_ascii_digit(),
            _ => c.is_ascii_digit() || c.is_ascii_uppercase(),
        };
        if !ok {
            return Err(format!(
                "national project code must read NNNN-NNNNNN-NN-NN-XXXXXX (digits, dashes, \
                 uppercase letters in the last part); character {} is {c:?}",
                i + 1
            ));
        }
    }
    let time = &code[0..4];
    let year_like = ("1990".."2100").contains(&time);
    let month = &code[2..4];
    let yymm_like = ("01"..="12").contains(&month);
    if !year_like && !yymm_like {
        return Err(format!(
            "national project code starts with time code {time}: neither a year nor YYMM"
        ));
    }
    if !PROVINCES.contains(&&code[5..7]) {
        return Err(format!(
            "national project code's area code {} does not start with a province code",
            &code[5..11]
        ));
    }
    Ok(code)
}

/// One project of the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterProject {
    /// Record id.
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// The office's own code (项目代码), unique in the report's register.
    pub office_code: String,
    /// The 24-character national code, where known.
    pub national_code: Option<String>,
    /// 序号 as written.
    pub serial: Option<i64>,
    /// 项目名称.
    pub name: String,
    /// 新开工, 续建, 竣工, 前期 or 预备.
    pub category: String,
    /// 总投资 in 万元.
    pub total_investment: f64,
    /// 总投资 in 元.
    pub total_investment_base: f64,
    /// 年度计划投资 in 万元.
    pub annual_plan: Option<f64>,
    /// 年度计划投资 in 元.
    pub annual_plan_base: Option<f64>,
    /// 业主单位.
    pub owner: Option<String>,
    /// 责任单位.
    pub responsible_unit: Option<String>,
    /// 包保领导.
    pub leader: Option<String>,
    /// 计划开工时间, ISO date or month (`2024-03-01`, `2024-03`).
    pub planned_start: Option<String>,
    /// 备注.
    pub note: Option<String>,
    /// The project the report names that this row is, if linked.
    pub report_project_id: Option<i64>,
    /// That project's name.
    pub report_project_name: Option<String>,
    /// How the link was made: `exact`, `normalized`, `contains` or `manual`.
    pub link_method: Option<String>,
    /// When the row was last imported (ISO date-time, UTC).
    pub imported_at: String,
    /// The file it was last imported from.
    pub source: String,
}

/// How a register name matched a report record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Link {
    None,
    To(i64, &'static str),
    Ambiguous(Vec<i64>),
}

/// Strips a trailing 项目/工程 from a normalized name.
fn core_name(normalized: &str) -> &str {
    normalized
        .strip_suffix("项目")
        .or_else(|| normalized.strip_suffix("工程"))
        .unwrap_or(normalized)
}

/// Finds the report project a register name is. `candidates`: `(id, name, preferred)`.
pub(crate) fn find_link(name: &str, candidates: &[(i64, String, bool)]) -> Link {
    let pick = |matches: Vec<&(i64, String, bool)>, method: &'static str| -> Option<Link> {
        if matches.is_empty() {
            return None;
        }
        let preferred: Vec<_> = matches.iter().filter(|c| c.2).collect();
        let set: Vec<i64> = if preferred.is_empty() {
            matches.iter().map(|c| c.0).collect()
        } else {
            preferred.iter().map(|c| c.0).collect()
        };
        let mut ids = set;
        ids.sort_unstable();
        ids.dedup();
        Some(if ids.len() == 1 {
            Link::To(ids[0], method)
        } else {
            Link::Ambiguous(ids)
        })
    };
    let exact: Vec<_> = candidates.iter().filter(|c| c.1 == name).collect();
    if let Some(l) = pick(exact, "exact") {
        return l;
    }
    let norm = normalize_name(name);
    let core = core_name(&norm);
    let normalized: Vec<_> = candidates
        .iter()
        .filter(|c| core_name(&normalize_name(&c.1)) == core)
        .collect();
    if let Some(l) = pick(normalized, "normalized") {
        return l;
    }
    if core.chars().count() < 4 {
        return Link::None;
    }
    let contains: Vec<_> = candidates
        .iter()
        .filter(|c| {
            let other = normalize_name(&c.1);
            let other = core_name(&other);
            other.chars().count() >= 4 && (core.contains(other) || other.contains(core))
        })
        .collect();
    pick(contains, "contains").unwrap_or(Link::None)
}

fn report_plan_year(tx: &rusqlite::Connection, report_id: i64) -> Result<i64> {
    tx.query_row(
        "SELECT plan_year FROM report WHERE id = ?1",
        [report_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("report {report_id}")))
}

const SELECT: &str = "SELECT r.id, r.report_id, r.office_code, r.national_code, r.serial, r.name,
    r.category, r.total_investment, r.total_investment_base, r.annual_plan, r.annual_plan_base,
    r.owner, r.responsible_unit, r.leader, r.planned_start, r.note, r.report_project_id,
    p.name, r.link_method, r.imported_at, r.source
    FROM register_project r LEFT JOIN project p ON p.id = r.report_project_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegisterProject> {
    Ok(RegisterProject {
        id: r.get(0)?,
        report_id: r.get(1)?,
        office_code: r.get(2)?,
        national_code: r.get(3)?,
        serial: r.get(4)?,
        name: r.get(5)?,
        category: r.get(6)?,
        total_investment: r.get(7)?,
        total_investment_base: r.get(8)?,
        annual_plan: r.get(9)?,
        annual_plan_base: r.get(10)?,
        owner: r.get(11)?,
        responsible_unit: r.get(12)?,
        leader: r.get(13)?,
        planned_start: r.get(14)?,
        note: r.get(15)?,
        report_project_id: r.get(16)?,
        report_project_name: r.get(17)?,
        link_method: r.get(18)?,
        imported_at: r.get(19)?,
        source: r.get(20)?,
    })
}

impl Db {
    /// The register projects of a report, in 序号 order (rows without one last, by id).
    pub fn register_projects(&self, report_id: i64) -> Result<Vec<RegisterProject>> {
        self.require_report(report_id)?;
        let sql =
            format!("{SELECT} WHERE r.report_id = ?1 ORDER BY r.serial IS NULL, r.serial, r.id");
        let mut st = self.connection().prepare_cached(&sql)?;
        let rows = st.query_map([report_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One register project by id; [`Error::NotFound`] if there is none.
    pub fn register_project(&self, id: i64) -> Result<RegisterProject> {
        let sql = format!("{SELECT} WHERE r.id = ?1");
        self.connection()
            .prepare_cached(&sql)?
            .query_row([id], from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("register project {id}")))
    }

    /// Links a register project to a project the report names (`Some(project id)`, recorded
    /// as `manual` and kept by later imports), or removes its link (`None`). The project must
    /// belong to the same report.
    pub fn link_register_project(&mut self, id: i64, project_id: Option<i64>) -> Result<()> {
        let row = self.register_project(id)?;
        if let Some(pid) = project_id {
            let report: Option<i64> = self
                .connection()
                .query_row("SELECT report_id FROM project WHERE id = ?1", [pid], |r| {
                    r.get(0)
                })
                .optional()?;
            match report {
                None => return Err(Error::NotFound(format!("project {pid}"))),
                Some(r) if r != row.report_id => {
                    return Err(Error::InvalidArgument(format!(
                        "project {pid} belongs to report {r}, not to report {}",
                        row.report_id
                    )));
                }
                Some(_) => {}
            }
        }
        self.connection().execute(
            "UPDATE register_project SET report_project_id = ?2, link_method = ?3 WHERE id = ?1",
            params![id, project_id, project_id.map(|_| "manual")],
        )?;
        Ok(())
    }

    /// The register of a report as a file's bytes: the import columns (so an export imports
    /// back unchanged) followed by 报告所列项目 and 关联方式. CSV is UTF-8 with a BOM.
    pub fn export_projects(&self, report_id: i64, format: FileFormat) -> Result<Vec<u8>> {
        let rows: Vec<Vec<Cell>> = self
            .register_projects(report_id)?
            .into_iter()
            .map(|p| {
                vec![
                    Cell::opt_number(p.serial.map(|s| s as f64)),
                    Cell::Text(p.office_code),
                    Cell::opt_text(&p.national_code),
                    Cell::Text(p.name),
                    Cell::Text(p.category),
                    Cell::Number(p.total_investment),
                    Cell::opt_number(p.annual_plan),
                    Cell::opt_text(&p.owner),
                    Cell::opt_text(&p.responsible_unit),
                    Cell::opt_text(&p.leader),
                    Cell::opt_text(&p.planned_start),
                    Cell::opt_text(&p.note),
                    Cell::opt_text(&p.report_project_name),
                    Cell::opt_text(&p.link_method),
                ]
            })
            .collect();
        let header: Vec<&str> = PROJECT_SHEET_COLUMNS
            .iter()
            .map(|c| c.label)
            .chain(EXPORT_EXTRA)
            .collect();
        super::encode(format, None, "重点项目台账", &header, &rows)
    }

    /// Writes [`Db::export_projects`] to a file, the format from its extension. Returns the
    /// number of projects written.
    pub fn export_projects_to(&self, report_id: i64, path: impl AsRef<Path>) -> Result<usize> {
        let format = FileFormat::from_path(&path)?;
        let bytes = self.export_projects(report_id, format)?;
        std::fs::write(path, bytes)?;
        Ok(self.register_projects(report_id)?.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes() {
        assert!(check_national_code("2403-410307-04-01-123456").is_ok());
        assert!(check_national_code("2019-410381-48-03-02135X").is_ok());
        assert_eq!(
            check_national_code(" 2403－410307－04－01－12345a ").unwrap(),
            "2403-410307-04-01-12345A"
        );
        assert!(check_national_code("2403-410307-04-01-12345").is_err());
        assert!(check_national_code("2403 410307 04 01 123456").is_err());
        assert!(check_national_code("2413-990307-04-01-123456").is_err());
        assert!(check_national_code("2403-990307-04-01-123456").is_err());
    }

    #[test]
    fn links() {
        let c = vec![
            (507, "优箔金属电池箔（二期）".to_owned(), true),
            (516, "夏都不夜城".to_owned(), true),
            (4, "夏都不夜城".to_owned(), false),
            (506, "华润".to_owned(), true),
            (
                503,
                "星辰新能全钒液流电池及储能电站产业化基地".to_owned(),
                true,
            ),
        ];
        assert_eq!(find_link("夏都不夜城", &c), Link::To(516, "exact"));
        assert_eq!(
            find_link("优箔金属电池箔二期项目", &c),
            Link::To(507, "normalized")
        );
        assert_eq!(
            find_link("洛阳星辰新能全钒液流电池及储能电站产业化基地项目", &c),
            Link::To(503, "contains")
        );
        assert_eq!(find_link("华润燃气管网改造", &c), Link::None);
        assert_eq!(consistency::written_tolerance("514.7亿元"), 0.05);
        assert_eq!(consistency::written_tolerance("276个"), 0.0);
    }
}
