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
//! matches several projects is left unlinked and listed in [`ImportReport::ambiguous_links`].

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::{
    Cell, Column, FileFormat, ImportError, ImportOptions, ImportReport, ProblemKind, RowProblem,
    RowReader, is_blank_or_total, map_header, normalize_name, now_utc, parse_date, read_input,
    read_sheet, wan_to_yuan,
};
use crate::db::Db;
use crate::error::{Error, Result};

/// The categories a register project may have, as offices write them.
pub const PROJECT_CATEGORIES: [&str; 5] = ["新开工", "续建", "竣工", "前期", "预备"];

/// The `project_total.scope` of the report's key projects (重点项目), whose 项目个数, 总投资 and
/// 年度完成投资 the consistency report compares with the register.
pub const KEY_PROJECT_SCOPE: &str = "重点项目";

/// The columns of a project register. The first alias of each is what export writes.
pub const PROJECT_COLUMNS: &[Column] = &[
    Column {
        key: "serial",
        label: "序号",
        aliases: &["序号", "编号序号"],
        required: false,
        money: false,
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
        money: false,
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
        money: false,
    },
    Column {
        key: "name",
        label: "项目名称",
        aliases: &["项目名称", "名称"],
        required: true,
        money: false,
    },
    Column {
        key: "category",
        label: "项目类别",
        aliases: &["项目类别", "类别", "项目类型", "项目分类", "建设阶段"],
        required: true,
        money: false,
    },
    Column {
        key: "total",
        label: "总投资（万元）",
        aliases: &["总投资", "计划总投资", "项目总投资", "总投资额"],
        required: true,
        money: true,
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
        money: true,
    },
    Column {
        key: "owner",
        label: "业主单位",
        aliases: &["业主单位", "建设单位", "项目业主", "项目单位"],
        required: false,
        money: false,
    },
    Column {
        key: "responsible",
        label: "责任单位",
        aliases: &["责任单位", "牵头单位", "主管单位"],
        required: false,
        money: false,
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
        money: false,
    },
    Column {
        key: "planned_start",
        label: "计划开工时间",
        aliases: &["计划开工时间", "计划开工日期", "开工时间", "计划开工"],
        required: false,
        money: false,
    },
    Column {
        key: "note",
        label: "备注",
        aliases: &["备注", "说明"],
        required: false,
        money: false,
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

/// One row of a file, validated.
#[derive(Debug, Clone)]
struct ProjectInput {
    row: usize,
    serial: Option<i64>,
    office_code: String,
    national_code: Option<String>,
    name: String,
    category: String,
    total: f64,
    annual: Option<f64>,
    owner: Option<String>,
    responsible: Option<String>,
    leader: Option<String>,
    planned_start: Option<String>,
    note: Option<String>,
}

fn parse_row(r: &mut RowReader<'_>) -> Option<ProjectInput> {
    let serial = r.text("serial").and_then(|s| s.parse::<i64>().ok());
    let office_code = r.required("office_code");
    if let Some(code) = &office_code
        && (code.chars().count() > 64 || code.chars().any(char::is_control))
    {
        r.problem(
            "office_code",
            ProblemKind::BadCode,
            "project code must be at most 64 characters, without control characters",
        );
    }
    let national_code = match r.text("national_code") {
        None => None,
        Some(t) => match check_national_code(&t) {
            Ok(c) => Some(c),
            Err(reason) => {
                r.problem("national_code", ProblemKind::BadCode, reason);
                None
            }
        },
    };
    let name = r.required("name");
    let category = match r.text("category") {
        None => {
            r.problem("category", ProblemKind::Missing, "required value is empty");
            None
        }
        Some(t) => {
            let t = t.trim_end_matches("项目").trim_end_matches('类').trim();
            if let Some(c) = PROJECT_CATEGORIES.iter().find(|c| **c == t) {
                Some((*c).to_owned())
            } else {
                r.problem(
                    "category",
                    ProblemKind::BadCategory,
                    format!("category must be one of {}", PROJECT_CATEGORIES.join(", ")),
                );
                None
            }
        }
    };
    let total = r.amount("total", true);
    let annual = r.amount("annual", false);
    if let (Some(t), Some(a)) = (total, annual)
        && a > t
    {
        r.problem(
            "annual",
            ProblemKind::PlanExceedsTotal,
            format!("annual plan {a} 万元 exceeds the total investment {t} 万元"),
        );
    }
    let planned_start = match r.text("planned_start") {
        None => None,
        Some(t) => match parse_date(&t) {
            Ok(d) => Some(d),
            Err(reason) => {
                r.problem("planned_start", ProblemKind::BadDate, reason);
                None
            }
        },
    };
    let owner = r.text("owner");
    let responsible = r.text("responsible");
    let leader = r.text("leader");
    let note = r.text("note");
    if !r.problems.is_empty() {
        return None;
    }
    Some(ProjectInput {
        row: r.row,
        serial,
        office_code: office_code?,
        national_code,
        name: name?,
        category: category?,
        total: total?,
        annual,
        owner,
        responsible,
        leader,
        planned_start,
        note,
    })
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

fn project_candidates(
    conn: &rusqlite::Connection,
    report_id: i64,
    plan_year: i64,
) -> Result<Vec<(i64, String, bool)>> {
    let mut st =
        conn.prepare_cached("SELECT id, name, year FROM project WHERE report_id = ?1 ORDER BY id")?;
    let rows = st.query_map([report_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? == plan_year))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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

/// Finds each input's existing record and reports code conflicts. Returns, per input,
/// `Some(existing id)`, `None` (new), or a problem.
fn resolve_targets(
    tx: &Transaction<'_>,
    report_id: i64,
    inputs: &[ProjectInput],
) -> Result<Vec<std::result::Result<Option<i64>, RowProblem>>> {
    let mut by_code = tx.prepare_cached(
        "SELECT id FROM register_project WHERE report_id = ?1 AND office_code = ?2",
    )?;
    let mut by_nat = tx.prepare_cached(
        "SELECT id FROM register_project WHERE report_id = ?1 AND national_code = ?2",
    )?;
    let mut out = Vec::with_capacity(inputs.len());
    let mut claimed: HashMap<i64, usize> = HashMap::new();
    for input in inputs {
        let code_id: Option<i64> = by_code
            .query_row(params![report_id, input.office_code], |r| r.get(0))
            .optional()?;
        let nat_id: Option<i64> = match &input.national_code {
            Some(n) => by_nat
                .query_row(params![report_id, n], |r| r.get(0))
                .optional()?,
            None => None,
        };
        let target = match (nat_id, code_id) {
            (Some(a), Some(b)) if a != b => Err(RowProblem {
                row: input.row,
                column: "国家代码".into(),
                value: input.national_code.clone().unwrap_or_default(),
                kind: ProblemKind::CodeConflict,
                reason: format!(
                    "this national code belongs to register record {a} but project code {} \
                     to record {b}",
                    input.office_code
                ),
            }),
            (Some(a), _) => Ok(Some(a)),
            (None, b) => Ok(b),
        };
        let target = match target {
            Ok(Some(id)) => match claimed.insert(id, input.row) {
                Some(other) => Err(RowProblem {
                    row: input.row,
                    column: "项目代码".into(),
                    value: input.office_code.clone(),
                    kind: ProblemKind::CodeConflict,
                    reason: format!(
                        "row {other} already updates the same register record {id} (matched \
                         by its other code)"
                    ),
                }),
                None => Ok(Some(id)),
            },
            other => other,
        };
        out.push(target);
    }
    Ok(out)
}

/// The codes of one row as read, valid or not, for finding duplicates.
struct RowCodes {
    row: usize,
    office_code: Option<String>,
    national_code: Option<String>,
}

/// Flags every row whose code appears in another row of the file, whatever else is wrong
/// with either row. `columns`: the file's headers of 项目代码 and 国家代码.
fn duplicate_problems(codes: &[RowCodes], columns: (&str, &str)) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let mut check = |column: &str, key: &dyn Fn(&RowCodes) -> Option<String>| {
        let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
        for c in codes {
            if let Some(k) = key(c) {
                rows.entry(k).or_default().push(c.row);
            }
        }
        for c in codes {
            if let Some(k) = key(c)
                && let Some(rs) = rows.get(&k)
                && rs.len() > 1
            {
                let others: Vec<String> = rs
                    .iter()
                    .filter(|r| **r != c.row)
                    .map(|r| r.to_string())
                    .collect();
                problems.push(RowProblem {
                    row: c.row,
                    column: column.to_owned(),
                    value: k.clone(),
                    kind: ProblemKind::DuplicateCode,
                    reason: format!("the same code is also in row {}", others.join(", ")),
                });
            }
        }
    };
    check(columns.0, &|c| c.office_code.clone());
    check(columns.1, &|c| c.national_code.clone());
    problems
}

impl Db {
    /// Imports a project register file (`.csv` or `.xlsx`) into report `report_id`'s register.
    /// See [the module docs](self) for matching and [`ImportOptions`] for bad rows.
    pub fn import_projects(
        &mut self,
        report_id: i64,
        path: impl AsRef<Path>,
        options: &ImportOptions,
    ) -> std::result::Result<ImportReport, ImportError> {
        let (bytes, format, name) = read_input(path.as_ref())?;
        self.import_projects_bytes(report_id, &name, &bytes, format, options)
    }

    /// Imports a project register from the bytes of a file; `source_name` is recorded as the
    /// rows' source.
    pub fn import_projects_bytes(
        &mut self,
        report_id: i64,
        source_name: &str,
        bytes: &[u8],
        format: FileFormat,
        options: &ImportOptions,
    ) -> std::result::Result<ImportReport, ImportError> {
        self.require_report(report_id)?;
        let sheet = read_sheet(bytes, format)?;
        let bad = |problems: Vec<RowProblem>| ImportError::BadRows {
            source_name: source_name.to_owned(),
            problems,
        };
        let header = map_header(&sheet, PROJECT_COLUMNS, "name").map_err(bad)?;
        let mut report = ImportReport {
            source: source_name.to_owned(),
            header_row: header.row,
            ignored_columns: header.ignored.clone(),
            ignored_rows: sheet.rows[..header.position].iter().map(|r| r.0).collect(),
            ..Default::default()
        };
        let mut problems = Vec::new();
        let mut inputs = Vec::new();
        let mut codes = Vec::new();
        for (row, cells) in &sheet.rows[header.position + 1..] {
            if is_blank_or_total(cells) {
                report.ignored_rows.push(*row);
                continue;
            }
            report.rows_read += 1;
            let mut reader = RowReader::new(*row, cells, &header, PROJECT_COLUMNS);
            codes.push(RowCodes {
                row: *row,
                office_code: reader.text("office_code"),
                national_code: reader
                    .text("national_code")
                    .and_then(|n| check_national_code(&n).ok()),
            });
            match parse_row(&mut reader) {
                Some(input) => inputs.push(input),
                None => problems.append(&mut reader.problems),
            }
        }
        let reader = RowReader::new(0, &[], &header, PROJECT_COLUMNS);
        let columns = (
            reader.column_name("office_code"),
            reader.column_name("national_code"),
        );
        problems.extend(duplicate_problems(&codes, (&columns.0, &columns.1)));

        let now = now_utc();
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let plan_year = report_plan_year(&tx, report_id)?;
        let targets = resolve_targets(&tx, report_id, &inputs)?;
        let mut writes = Vec::new();
        for (input, target) in inputs.into_iter().zip(targets) {
            match target {
                Ok(t) => writes.push((input, t)),
                Err(p) => problems.push(p),
            }
        }
        problems.sort_by_key(|p| p.row);
        if !problems.is_empty() {
            if !options.skip_bad_rows {
                return Err(bad(problems));
            }
            let bad_rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
            writes.retain(|(i, _)| !bad_rows.contains(&i.row));
            report.skipped = problems;
        }

        let candidates = project_candidates(&tx, report_id, plan_year)?;
        for (input, target) in &writes {
            let amounts = (
                input.total,
                wan_to_yuan(input.total),
                input.annual,
                input.annual.map(wan_to_yuan),
            );
            let id = match target {
                Some(id) => {
                    tx.execute(
                        "UPDATE register_project SET office_code = ?2, national_code = ?3,
                            serial = ?4, name = ?5, category = ?6, total_investment = ?7,
                            total_investment_base = ?8, annual_plan = ?9, annual_plan_base = ?10,
                            owner = ?11, responsible_unit = ?12, leader = ?13,
                            planned_start = ?14, note = ?15, imported_at = ?16, source = ?17
                         WHERE id = ?1",
                        params![
                            id,
                            input.office_code,
                            input.national_code,
                            input.serial,
                            input.name,
                            input.category,
                            amounts.0,
                            amounts.1,
                            amounts.2,
                            amounts.3,
                            input.owner,
                            input.responsible,
                            input.leader,
                            input.planned_start,
                            input.note,
                            now,
                            source_name
                        ],
                    )?;
                    report.updated += 1;
                    *id
                }
                None => {
                    tx.execute(
                        "INSERT INTO register_project (report_id, office_code, national_code,
                            serial, name, category, total_investment, total_investment_base,
                            annual_plan, annual_plan_base, owner, responsible_unit, leader,
                            planned_start, note, imported_at, source)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                                 ?15, ?16, ?17)",
                        params![
                            report_id,
                            input.office_code,
                            input.national_code,
                            input.serial,
                            input.name,
                            input.category,
                            amounts.0,
                            amounts.1,
                            amounts.2,
                            amounts.3,
                            input.owner,
                            input.responsible,
                            input.leader,
                            input.planned_start,
                            input.note,
                            now,
                            source_name
                        ],
                    )?;
                    report.inserted += 1;
                    tx.last_insert_rowid()
                }
            };
            let manual: bool = tx.query_row(
                "SELECT link_method IS 'manual' FROM register_project WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if manual {
                report.linked += 1;
                continue;
            }
            let (pid, method) = match find_link(&input.name, &candidates) {
                Link::To(pid, method) => {
                    report.linked += 1;
                    (Some(pid), Some(method))
                }
                Link::Ambiguous(ids) => {
                    report.ambiguous_links.push((input.row, ids));
                    (None, None)
                }
                Link::None => (None, None),
            };
            tx.execute(
                "UPDATE register_project SET report_project_id = ?2, link_method = ?3
                 WHERE id = ?1",
                params![id, pid, method],
            )?;
        }
        tx.commit()?;
        Ok(report)
    }

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
        let header: Vec<&str> = PROJECT_COLUMNS
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

    /// Compares a report's register with the report's aggregates for its key projects (the
    /// `project_total` rows of scope [`KEY_PROJECT_SCOPE`] for the plan year): 项目个数 with
    /// the number of rows, 总投资 with the sum of total investment, 年度完成投资 with the sum
    /// of annual plans.
    pub fn register_consistency(&self, report_id: i64) -> Result<ConsistencyReport> {
        let conn = self.connection();
        let year = report_plan_year(conn, report_id)?;
        let (rows, total_base, annual_base, with_annual, with_national, linked): (
            i64,
            f64,
            f64,
            i64,
            i64,
            i64,
        ) = conn.query_row(
            "SELECT count(*), coalesce(sum(total_investment_base), 0),
                    coalesce(sum(annual_plan_base), 0), count(annual_plan),
                    count(national_code), count(report_project_id)
             FROM register_project WHERE report_id = ?1",
            [report_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
        let mut by_category = Vec::new();
        for cat in PROJECT_CATEGORIES {
            let (count, total, annual): (i64, f64, f64) = conn.query_row(
                "SELECT count(*), coalesce(sum(total_investment), 0),
                        coalesce(sum(annual_plan), 0)
                 FROM register_project WHERE report_id = ?1 AND category = ?2",
                params![report_id, cat],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            by_category.push(CategoryCount {
                category: cat.to_owned(),
                count,
                total_investment: total,
                annual_plan: annual,
            });
        }
        let mut checks = Vec::new();
        for (metric, register_base) in [
            ("项目个数", rows as f64),
            ("总投资", total_base),
            ("年度完成投资", annual_base),
        ] {
            let found: Option<(i64, f64, f64, String, String, String, String)> = conn
                .query_row(
                    "SELECT id, value, base_value, unit, base_unit, written, quote
                     FROM project_total
                     WHERE report_id = ?1 AND year = ?2 AND scope = ?3 AND metric = ?4
                     ORDER BY id LIMIT 1",
                    params![report_id, year, KEY_PROJECT_SCOPE, metric],
                    |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                        ))
                    },
                )
                .optional()?;
            checks.push(match found {
                Some((id, value, base_value, unit, base_unit, written, quote)) => {
                    let per_unit = if base_value != 0.0 {
                        value / base_value
                    } else {
                        1.0
                    };
                    let register_value = super::round_to(register_base * per_unit, 6);
                    let tolerance = written_tolerance(&written);
                    let difference = super::round_to(register_value - value, 6);
                    ConsistencyCheck {
                        metric: metric.to_owned(),
                        project_total_id: Some(id),
                        unit,
                        base_unit: Some(base_unit),
                        report_value: Some(value),
                        written: Some(written),
                        register_value,
                        difference: Some(difference),
                        tolerance,
                        consistent: Some(difference.abs() <= tolerance + 1e-9),
                        quote: Some(quote),
                    }
                }
                None => ConsistencyCheck {
                    metric: metric.to_owned(),
                    project_total_id: None,
                    unit: if metric == "项目个数" {
                        "个"
                    } else {
                        "元"
                    }
                    .to_owned(),
                    base_unit: None,
                    report_value: None,
                    written: None,
                    register_value: register_base,
                    difference: None,
                    tolerance: 0.0,
                    consistent: None,
                    quote: None,
                },
            });
        }
        let mut st = conn.prepare_cached(
            "SELECT p.id, p.name FROM project p WHERE p.report_id = ?1 AND p.year = ?2
               AND NOT EXISTS (SELECT 1 FROM register_project r WHERE r.report_project_id = p.id)
             ORDER BY p.id",
        )?;
        let unlinked = st
            .query_map(params![report_id, year], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ConsistencyReport {
            report_id,
            year: year as i32,
            rows,
            checks,
            by_category,
            linked,
            missing_national_code: rows - with_national,
            missing_annual_plan: rows - with_annual,
            report_projects_not_in_register: unlinked,
        })
    }
}

/// Half a unit of the last digit written: `514.7亿元` -> 0.05, `214亿元` -> 0.5, `276个` -> 0
/// (counts are compared exactly).
fn written_tolerance(written: &str) -> f64 {
    let number: String = written
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if !number.contains('.') && written.ends_with('个') {
        return 0.0;
    }
    let decimals = number.split('.').nth(1).map(|d| d.len()).unwrap_or(0) as i32;
    0.5 * 10f64.powi(-decimals)
}

/// Rows and amounts of one category of the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryCount {
    /// 新开工, 续建, 竣工, 前期 or 预备.
    pub category: String,
    /// Rows of that category.
    pub count: i64,
    /// Sum of their total investment, 万元.
    pub total_investment: f64,
    /// Sum of their annual plans, 万元.
    pub annual_plan: f64,
}

/// One comparison of the register with a report aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsistencyCheck {
    /// The aggregate's metric: `项目个数`, `总投资` or `年度完成投资`.
    pub metric: String,
    /// The `project_total` row compared with; `None` if the report states no such figure.
    pub project_total_id: Option<i64>,
    /// The unit of `report_value`, `register_value` and `difference` (the report's unit).
    pub unit: String,
    /// The base unit of the report's figure.
    pub base_unit: Option<String>,
    /// The report's figure.
    pub report_value: Option<f64>,
    /// The figure as written (`514.7亿元`).
    pub written: Option<String>,
    /// The register's count or sum, in `unit`.
    pub register_value: f64,
    /// `register_value - report_value`.
    pub difference: Option<f64>,
    /// The largest difference still consistent: half a unit of the last digit the report
    /// writes (0.05 for `514.7亿元`), 0 for counts.
    pub tolerance: f64,
    /// Whether the difference is within the tolerance; `None` without a report figure.
    pub consistent: Option<bool>,
    /// The report's sentence.
    pub quote: Option<String>,
}

/// The register compared with the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsistencyReport {
    /// The report.
    pub report_id: i64,
    /// Its plan year.
    pub year: i32,
    /// Rows in the register.
    pub rows: i64,
    /// Count, total investment, annual plan.
    pub checks: Vec<ConsistencyCheck>,
    /// Rows and sums by category.
    pub by_category: Vec<CategoryCount>,
    /// Rows linked to a project the report names.
    pub linked: i64,
    /// Rows without a national project code.
    pub missing_national_code: i64,
    /// Rows without an annual plan.
    pub missing_annual_plan: i64,
    /// Projects the report names for its plan year that no register row is linked to: `(id,
    /// name)`. Not every named project is a key project; this is a list to review.
    pub report_projects_not_in_register: Vec<(i64, String)>,
}

impl ConsistencyReport {
    /// Whether every check with a report figure is consistent.
    pub fn all_consistent(&self) -> bool {
        self.checks.iter().all(|c| c.consistent != Some(false))
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
        assert_eq!(written_tolerance("514.7亿元"), 0.05);
        assert_eq!(written_tolerance("276个"), 0.0);
    }
}
