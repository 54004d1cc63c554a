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
    Column, FileFormat, ImportError, ImportOptions, ImportReport, ProblemKind, RowProblem,
    RowReader, is_blank_or_total, map_header, normalize_name, now_utc, read_input, read_sheet,
    wan_to_yuan,
};
use crate::db::Db;
use crate::error::{Error, Result};

/// The 城乡分类代码 a register place may carry.
pub const URBAN_RURAL_TYPES: [&str; 7] = ["111", "112", "121", "122", "123", "210", "220"];

/// The columns of a village register.
pub const VILLAGE_COLUMNS: &[Column] = &[
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
        money: false,
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
        money: false,
    },
    Column {
        key: "kind",
        label: "类型",
        aliases: &["类型", "层级", "级别"],
        required: false,
        money: false,
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
        money: false,
    },
    Column {
        key: "urban_rural",
        label: "城乡分类代码",
        aliases: &["城乡分类代码", "城乡分类", "城乡代码"],
        required: false,
        money: false,
    },
    Column {
        key: "year",
        label: "年份",
        aliases: &["年份", "年度"],
        required: false,
        money: false,
    },
    Column {
        key: "income",
        label: "集体经济收入（万元）",
        aliases: &["集体经济收入", "村集体经济收入", "集体收入"],
        required: false,
        money: true,
    },
    Column {
        key: "stars",
        label: "五星支部星级",
        aliases: &["五星支部星级", "五星支部", "星级", "支部星级", "党支部星级"],
        required: false,
        money: false,
    },
    Column {
        key: "li_center",
        label: "乡里中心",
        aliases: &["乡里中心", "乡里中心建成", "是否建成乡里中心"],
        required: false,
        money: false,
    },
    Column {
        key: "designations",
        label: "荣誉称号",
        aliases: &["荣誉称号", "荣誉", "称号", "创建称号"],
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

#[derive(Debug, Clone)]
struct VillageInput {
    row: usize,
    code: String,
    name: String,
    kind: &'static str,
    town_name: Option<String>,
    urban_rural: Option<String>,
    note: Option<String>,
    year: Option<i32>,
    income: Option<f64>,
    stars: Option<i64>,
    li_center: Option<bool>,
    designations: Option<Vec<String>>,
    has_yearly: bool,
}

fn kind_from_text(t: &str) -> Option<&'static str> {
    match t {
        "镇" | "乡" | "乡镇" | "town" => Some("town"),
        "街道" | "街道办事处" | "subdistrict" => Some("subdistrict"),
        "村" | "行政村" | "村委会" | "村民委员会" | "village" => Some("village"),
        "社区" | "居委会" | "居民委员会" | "community" => Some("community"),
        _ => None,
    }
}

fn parse_stars(t: &str) -> Option<i64> {
    let t = t.trim();
    if !t.is_empty() && t.chars().all(|c| c == '★') {
        return Some(t.chars().count() as i64);
    }
    let t: String = t.chars().filter(|c| !"“”\"'".contains(*c)).collect();
    let t = t
        .trim_end_matches("支部")
        .trim_end_matches('级')
        .trim_end_matches('星');
    match t {
        "无" | "零" | "〇" => Some(0),
        "一" => Some(1),
        "二" | "两" => Some(2),
        "三" => Some(3),
        "四" => Some(4),
        "五" => Some(5),
        _ => t.parse::<i64>().ok(),
    }
}

fn parse_bool(t: &str) -> Option<bool> {
    match t.trim().to_lowercase().as_str() {
        "是" | "已建" | "已建成" | "建成" | "有" | "√" | "✓" | "y" | "yes" | "true" | "1" => {
            Some(true)
        }
        "否" | "未建" | "未建成" | "没有" | "×" | "✗" | "n" | "no" | "false" | "0" => {
            Some(false)
        }
        _ => None,
    }
}

fn parse_row(r: &mut RowReader<'_>, default_year: Option<i32>) -> Option<VillageInput> {
    let code = r.required("code");
    let code = code.and_then(|c| {
        let c: String = c.chars().filter(|c| !c.is_whitespace()).collect();
        if c.len() != 12 || !c.chars().all(|d| d.is_ascii_digit()) {
            r.problem(
                "code",
                ProblemKind::BadCode,
                "统计用区划代码 must be 12 digits (county 6 + township 3 + village 3)",
            );
            None
        } else if &c[6..9] == "000" {
            r.problem(
                "code",
                ProblemKind::BadCode,
                "a county-level code (township digits 000): the register holds towns and villages",
            );
            None
        } else {
            Some(c)
        }
    });
    let name = r.required("name");
    let urban_rural = match r.text("urban_rural") {
        Some(t) if URBAN_RURAL_TYPES.contains(&t.as_str()) => Some(t),
        Some(_) => {
            r.problem(
                "urban_rural",
                ProblemKind::BadValue,
                format!(
                    "城乡分类代码 must be one of {}",
                    URBAN_RURAL_TYPES.join(", ")
                ),
            );
            None
        }
        None => None,
    };
    let mut kind = None;
    if let Some(code) = &code {
        let township_level = code.ends_with("000");
        let by_code = if township_level {
            if code.as_bytes()[6] == b'0' {
                "subdistrict"
            } else {
                "town"
            }
        } else {
            match (urban_rural.as_deref().map(|u| &u[..1]), name.as_deref()) {
                (Some("1"), _) => "community",
                (Some("2"), _) => "village",
                (_, Some(n)) if n.ends_with("社区") || n.ends_with("居委会") => "community",
                _ => "village",
            }
        };
        kind = Some(by_code);
        if let Some(t) = r.text("kind") {
            match kind_from_text(&t) {
                None => r.problem(
                    "kind",
                    ProblemKind::BadValue,
                    "type must be 镇, 乡, 街道, 村 or 社区",
                ),
                Some(k) if matches!(k, "town" | "subdistrict") != township_level => r.problem(
                    "kind",
                    ProblemKind::BadValue,
                    format!(
                        "type contradicts code {code}: codes ending in 000 are towns and \
                         subdistricts, the others villages and communities"
                    ),
                ),
                Some(k) => kind = Some(k),
            }
        }
    }
    let year = match r.text("year") {
        Some(t) => match t.trim_end_matches('年').parse::<i32>() {
            Ok(y) if (1949..=2200).contains(&y) => Some(y),
            _ => {
                r.problem("year", ProblemKind::BadValue, "year must be 1949-2200");
                None
            }
        },
        None => default_year,
    };
    let income = r.amount("income", false);
    let stars = match r.text("stars") {
        Some(t) => match parse_stars(&t) {
            Some(s) if (0..=5).contains(&s) => Some(s),
            _ => {
                r.problem(
                    "stars",
                    ProblemKind::BadValue,
                    "五星支部 rating must be 0-5 stars (5, 五星, ★★★★★)",
                );
                None
            }
        },
        None => None,
    };
    let li_center = match r.text("li_center") {
        Some(t) => match parse_bool(&t) {
            Some(b) => Some(b),
            None => {
                r.problem("li_center", ProblemKind::BadValue, "must be 是 or 否");
                None
            }
        },
        None => None,
    };
    let designations = r.text("designations").map(|t| {
        t.split(['、', '；', ';', '，', ',', '/', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let has_yearly = ["income", "stars", "li_center", "designations"]
        .iter()
        .any(|k| r.text(k).is_some());
    if has_yearly
        && year.is_none()
        && !r
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::BadValue && p.column == r.column_name("year"))
    {
        r.problem(
            "year",
            ProblemKind::Missing,
            "yearly values need a year: add a 年份 column or pass ImportOptions::year",
        );
    }
    let town_name = r.text("town");
    let note = r.text("note");
    if !r.problems.is_empty() {
        return None;
    }
    Some(VillageInput {
        row: r.row,
        code: code?,
        name: name?,
        kind: kind?,
        town_name,
        urban_rural,
        note,
        year,
        income,
        stars,
        li_center,
        designations,
        has_yearly,
    })
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

/// Problems for codes used twice with different names, and `(code, year)` pairs used twice.
fn duplicate_problems(keys: &[RowKey], code_column: &str) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let mut names: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut pairs: HashMap<(&str, Option<i32>), Vec<usize>> = HashMap::new();
    for k in keys {
        pairs.entry((&k.code, k.year)).or_default().push(k.row);
    }
    for k in keys {
        if let Some(name) = &k.name {
            if let Some((first, row)) = names.get(k.code.as_str()) {
                if first != name {
                    problems.push(RowProblem {
                        row: k.row,
                        column: code_column.to_owned(),
                        value: k.code.clone(),
                        kind: ProblemKind::DuplicateCode,
                        reason: format!("row {row} gives the same code to {first}"),
                    });
                }
            } else {
                names.insert(&k.code, (name, k.row));
            }
        }
        let rows = &pairs[&(k.code.as_str(), k.year)];
        if rows.len() > 1 {
            let others: Vec<String> = rows
                .iter()
                .filter(|r| **r != k.row)
                .map(|r| r.to_string())
                .collect();
            problems.push(RowProblem {
                row: k.row,
                column: code_column.to_owned(),
                value: k.code.clone(),
                kind: ProblemKind::DuplicateCode,
                reason: match k.year {
                    Some(y) => format!(
                        "the same code and year {y} are also in row {}",
                        others.join(", ")
                    ),
                    None => format!("the same code is also in row {}", others.join(", ")),
                },
            });
        }
    }
    problems
}

/// The code, name and year of one row as read, valid or not, for finding duplicates.
struct RowKey {
    row: usize,
    code: String,
    name: Option<String>,
    year: Option<i32>,
}

impl Db {
    /// Imports a village register file (`.csv` or `.xlsx`) into report `report_id`'s register,
    /// with the yearly values it carries. See [the module docs](self).
    pub fn import_villages(
        &mut self,
        report_id: i64,
        path: impl AsRef<Path>,
        options: &ImportOptions,
    ) -> std::result::Result<ImportReport, ImportError> {
        let (bytes, format, name) = read_input(path.as_ref())?;
        self.import_villages_bytes(report_id, &name, &bytes, format, options)
    }

    /// Imports a village register from the bytes of a file.
    pub fn import_villages_bytes(
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
        let header = map_header(&sheet, VILLAGE_COLUMNS, "code").map_err(bad)?;
        let code_column = header.columns["code"].header.clone();
        let town_column = header
            .columns
            .get("town")
            .map(|m| m.header.clone())
            .unwrap_or_else(|| "乡镇".to_owned());
        let mut report = ImportReport {
            source: source_name.to_owned(),
            header_row: header.row,
            ignored_columns: header.ignored.clone(),
            ignored_rows: sheet.rows[..header.position].iter().map(|r| r.0).collect(),
            ..Default::default()
        };
        let mut problems = Vec::new();
        let mut inputs = Vec::new();
        let mut keys = Vec::new();
        for (row, cells) in &sheet.rows[header.position + 1..] {
            if is_blank_or_total(cells) {
                report.ignored_rows.push(*row);
                continue;
            }
            report.rows_read += 1;
            let mut reader = RowReader::new(*row, cells, &header, VILLAGE_COLUMNS);
            if let Some(code) = reader.text("code") {
                keys.push(RowKey {
                    row: *row,
                    code: code.chars().filter(|c| !c.is_whitespace()).collect(),
                    name: reader.text("name"),
                    year: reader
                        .text("year")
                        .and_then(|y| y.trim_end_matches('年').parse().ok())
                        .or(options.year),
                });
            }
            match parse_row(&mut reader, options.year) {
                Some(i) => inputs.push(i),
                None => problems.append(&mut reader.problems),
            }
        }
        problems.extend(duplicate_problems(&keys, &code_column));

        let now = now_utc();
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM report WHERE id = ?1", [report_id], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound(format!("report {report_id}")).into());
        }
        // Towns: in the file, in the register, or to be created from a 乡镇 name.
        let mut known_towns: HashMap<String, String> = HashMap::new();
        {
            let mut st = tx.prepare_cached(
                "SELECT code, name FROM register_place WHERE report_id = ?1
                   AND kind IN ('town', 'subdistrict')",
            )?;
            for row in st.query_map([report_id], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (c, n): (String, String) = row?;
                known_towns.insert(c, n);
            }
        }
        let bad_rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
        for i in inputs.iter().filter(|i| !bad_rows.contains(&i.row)) {
            if matches!(i.kind, "town" | "subdistrict") {
                known_towns.insert(i.code.clone(), i.name.clone());
            }
        }
        let mut to_create: BTreeMap<String, String> = BTreeMap::new();
        for i in &inputs {
            if matches!(i.kind, "town" | "subdistrict") {
                continue;
            }
            let tc = town_code(&i.code);
            if known_towns.contains_key(&tc) || to_create.contains_key(&tc) {
                continue;
            }
            match &i.town_name {
                Some(n) => {
                    to_create.insert(tc, n.clone());
                }
                None => problems.push(RowProblem {
                    row: i.row,
                    column: town_column.clone(),
                    value: String::new(),
                    kind: ProblemKind::UnknownTown,
                    reason: format!(
                        "its town {tc} is neither in the file nor in the register; add the \
                         town's row or a 乡镇 column naming it"
                    ),
                }),
            }
        }
        problems.sort_by_key(|p| p.row);
        if !problems.is_empty() {
            if !options.skip_bad_rows {
                return Err(bad(problems));
            }
            let rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
            inputs.retain(|i| !rows.contains(&i.row));
            report.skipped = problems;
        }

        // Report places, for linking: (id, kind, name).
        let report_places: Vec<(i64, String, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT id, kind, name FROM place WHERE report_id = ?1 ORDER BY id",
            )?;
            st.query_map([report_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let link_for = |name: &str, kind: &str| -> (Option<i64>, Option<&'static str>, Vec<i64>) {
            let same_kind = |k: &str| match kind {
                "town" | "subdistrict" => matches!(k, "town" | "subdistrict"),
                k2 => k == k2,
            };
            let exact: Vec<i64> = report_places
                .iter()
                .filter(|p| same_kind(&p.1) && p.2 == name)
                .map(|p| p.0)
                .collect();
            if exact.len() == 1 {
                return (Some(exact[0]), Some("exact"), vec![]);
            }
            if exact.len() > 1 {
                return (None, None, exact);
            }
            let core = place_core(name);
            let norm: Vec<i64> = report_places
                .iter()
                .filter(|p| same_kind(&p.1) && place_core(&p.2) == core)
                .map(|p| p.0)
                .collect();
            match norm.len() {
                0 => (None, None, vec![]),
                1 => (Some(norm[0]), Some("normalized"), vec![]),
                _ => (None, None, norm),
            }
        };

        // Rows to write: created towns, then file towns, then villages.
        struct PlaceWrite<'a> {
            row: usize,
            code: String,
            name: String,
            kind: &'static str,
            urban_rural: Option<String>,
            note: Option<String>,
            input: Option<&'a VillageInput>,
        }
        let mut writes: Vec<PlaceWrite<'_>> = to_create
            .iter()
            .map(|(code, name)| PlaceWrite {
                row: 0,
                code: code.clone(),
                name: name.clone(),
                kind: if code.as_bytes()[6] == b'0' {
                    "subdistrict"
                } else {
                    "town"
                },
                urban_rural: None,
                note: None,
                input: None,
            })
            .collect();
        let mut ordered: Vec<&VillageInput> = inputs.iter().collect();
        ordered.sort_by_key(|i| (!matches!(i.kind, "town" | "subdistrict"), i.row));
        for i in ordered {
            writes.push(PlaceWrite {
                row: i.row,
                code: i.code.clone(),
                name: i.name.clone(),
                kind: i.kind,
                urban_rural: i.urban_rural.clone(),
                note: i.note.clone(),
                input: Some(i),
            });
        }
        report.towns_created = to_create.into_iter().collect();

        let mut seen_codes: HashMap<String, i64> = HashMap::new();
        for w in &writes {
            let existing: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, link_method FROM register_place WHERE report_id = ?1 AND code = ?2",
                    params![report_id, w.code],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let town_id: Option<i64> = if matches!(w.kind, "town" | "subdistrict") {
                None
            } else {
                tx.query_row(
                    "SELECT id FROM register_place WHERE report_id = ?1 AND code = ?2",
                    params![report_id, town_code(&w.code)],
                    |r| r.get(0),
                )
                .optional()?
            };
            let first_time = !seen_codes.contains_key(&w.code);
            let id = match existing {
                Some((id, _)) => {
                    tx.execute(
                        "UPDATE register_place SET name = ?2, kind = ?3, town_id = ?4,
                            urban_rural_type = coalesce(?5, urban_rural_type),
                            note = coalesce(?6, note), imported_at = ?7, source = ?8
                         WHERE id = ?1",
                        params![
                            id,
                            w.name,
                            w.kind,
                            town_id,
                            w.urban_rural,
                            w.note,
                            now,
                            source_name
                        ],
                    )?;
                    if first_time && w.input.is_some() {
                        report.updated += 1;
                    }
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO register_place (report_id, code, name, kind, town_id,
                            urban_rural_type, note, imported_at, source)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![
                            report_id,
                            w.code,
                            w.name,
                            w.kind,
                            town_id,
                            w.urban_rural,
                            w.note,
                            now,
                            source_name
                        ],
                    )?;
                    report.inserted += 1;
                    tx.last_insert_rowid()
                }
            };
            seen_codes.insert(w.code.clone(), id);
            let manual: bool = tx.query_row(
                "SELECT link_method IS 'manual' FROM register_place WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if !manual && first_time {
                let (pid, method, ambiguous) = link_for(&w.name, w.kind);
                if !ambiguous.is_empty() {
                    report.ambiguous_links.push((w.row, ambiguous));
                }
                if pid.is_some() {
                    report.linked += 1;
                }
                tx.execute(
                    "UPDATE register_place SET report_place_id = ?2, link_method = ?3 WHERE id = ?1",
                    params![id, pid, method],
                )?;
            } else if manual && first_time {
                report.linked += 1;
            }
            // Yearly values.
            let Some(input) = w.input else { continue };
            if !input.has_yearly {
                continue;
            }
            let Some(year) = input.year else { continue };
            let old: Option<StoredYear> = tx
                .query_row(
                    "SELECT collective_income, star_rating, li_center_built, designations
                     FROM village_year WHERE place_id = ?1 AND year = ?2",
                    params![id, year],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (old_income, old_stars, old_center, old_designations) =
                old.unwrap_or((None, None, None, "[]".to_owned()));
            let has = |k: &str| header.columns.contains_key(k);
            let income = if has("income") {
                input.income
            } else {
                old_income
            };
            let stars = if has("stars") { input.stars } else { old_stars };
            let center = if has("li_center") {
                input.li_center
            } else {
                old_center
            };
            let designations = if has("designations") {
                serde_json::to_string(&input.designations.clone().unwrap_or_default())
                    .map_err(Error::Json)?
            } else {
                old_designations
            };
            tx.execute(
                "INSERT INTO village_year (place_id, year, collective_income,
                    collective_income_base, star_rating, li_center_built, designations,
                    imported_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (place_id, year) DO UPDATE SET
                    collective_income = excluded.collective_income,
                    collective_income_base = excluded.collective_income_base,
                    star_rating = excluded.star_rating,
                    li_center_built = excluded.li_center_built,
                    designations = excluded.designations,
                    imported_at = excluded.imported_at, source = excluded.source",
                params![
                    id,
                    year,
                    income,
                    income.map(wan_to_yuan),
                    stars,
                    center,
                    designations,
                    now,
                    source_name
                ],
            )?;
            report.years_written += 1;
        }
        tx.commit()?;
        Ok(report)
    }

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

    /// Rolls a year's village records up into the report's village targets for that year:
    /// every village's and community's 集体经济收入 at least the floor the report sets; the
    /// increase, over the year before, in villages at or above each income threshold the report
    /// names (`50万元以上 … 增加10个`); 五星/四星支部 counts; 乡里中心 in every administrative
    /// village. Target values are read from the report's targets by their metric text (and, for
    /// 乡里中心, the sentence that commits to 全覆盖); lines the report sets no target for are
    /// left out.
    ///
    /// Conventions: 以上 includes the threshold (≥); a star target counts the villages and
    /// communities rated exactly that many stars; an increase target is met when the increase
    /// is at least the target; 乡里中心 counts administrative villages (kind `village`) only.
    pub fn village_rollup(&self, report_id: i64, year: i32) -> Result<VillageRollup> {
        let conn = self.connection();
        let exists: Option<i64> = conn
            .query_row("SELECT id FROM report WHERE id = ?1", [report_id], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound(format!("report {report_id}")));
        }
        // (kind, income, stars, center) of every village and community, for a year.
        let records = |y: i32| -> Result<Vec<Record>> {
            let mut st = conn.prepare_cached(
                "SELECT p.kind, y.collective_income, y.star_rating, y.li_center_built
                 FROM register_place p
                 LEFT JOIN village_year y ON y.place_id = p.id AND y.year = ?2
                 WHERE p.report_id = ?1 AND p.kind IN ('village', 'community')",
            )?;
            let rows = st.query_map(params![report_id, y], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let now = records(year)?;
        let before = records(year - 1)?;
        let places = now.len() as i64;
        let villages = now.iter().filter(|r| r.0 == "village").count() as i64;
        let with_income = now.iter().filter(|r| r.1.is_some()).count() as i64;

        let mut st = conn.prepare_cached(
            "SELECT id, metric, value, unit, comparator, quote FROM figure
             WHERE kind = 'target' AND report_id = ?1 AND year = ?2 ORDER BY id",
        )?;
        let targets: Vec<(i64, String, f64, String, String, String)> = st
            .query_map(params![report_id, year], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;

        let mut lines = Vec::new();
        for (id, metric, value, unit, comparator, quote) in &targets {
            let base = |key: &str, actual: f64, met: Option<bool>, detail: String| RollupLine {
                key: key.to_owned(),
                metric: metric.clone(),
                target_id: Some(*id),
                target_value: Some(*value),
                unit: unit.clone(),
                comparator: Some(comparator.clone()),
                actual,
                met,
                detail,
                quote: quote.clone(),
            };
            if metric.contains("集体经济收入") && unit == "万元" && !metric.contains("增加")
            {
                // The floor every village and community must reach.
                let below = now
                    .iter()
                    .filter(|r| r.1.is_some_and(|v| v < *value))
                    .count() as i64;
                let missing = places - with_income;
                let met = if places == 0 || missing > 0 {
                    None
                } else {
                    Some(below == 0)
                };
                lines.push(base(
                    "income_floor",
                    (with_income - below) as f64,
                    met,
                    format!(
                        "{} of {places} villages and communities at or above {value}万元; \
                         {below} below, {missing} without data for {year}",
                        with_income - below
                    ),
                ));
            } else if metric.contains("集体经济收入") && metric.contains("增加") {
                let Some(threshold) = number_before(metric, "万元") else {
                    continue;
                };
                let count = |rows: &[Record]| {
                    rows.iter()
                        .filter(|r| r.1.is_some_and(|v| v >= threshold))
                        .count() as i64
                };
                let (n_now, n_before) = (count(&now), count(&before));
                let has_before = before.iter().any(|r| r.1.is_some());
                let increase = n_now - n_before;
                lines.push(base(
                    &format!("income_{}_increase", super::number_text(threshold)),
                    increase as f64,
                    has_before.then_some(increase as f64 >= *value),
                    if has_before {
                        format!(
                            "{n_now} villages and communities at or above {threshold}万元 in \
                             {year}, {n_before} in {}: {increase:+}",
                            year - 1
                        )
                    } else {
                        format!(
                            "{n_now} at or above {threshold}万元 in {year}; no records for {} \
                             to compare with",
                            year - 1
                        )
                    },
                ));
            } else if metric.contains("星") && metric.contains("支部") {
                let Some(level) = star_level(metric) else {
                    continue;
                };
                let rated = now.iter().filter(|r| r.2 == Some(level)).count() as i64;
                let with_rating = now.iter().filter(|r| r.2.is_some()).count();
                let met = match comparator.as_str() {
                    "at_most" => rated as f64 <= *value,
                    "more_than" => rated as f64 > *value,
                    _ => rated as f64 >= *value,
                };
                lines.push(base(
                    &format!("stars_{level}"),
                    rated as f64,
                    (with_rating > 0).then_some(met),
                    format!("{rated} rated {level} stars in {year} ({with_rating} rated in all)"),
                ));
            } else if metric.contains("乡里中心") {
                lines.push(li_center_line(
                    &now,
                    villages,
                    year,
                    Some((*id, metric, *value, unit, comparator, quote)),
                ));
            }
        }
        if !lines.iter().any(|l| l.key == "li_center") {
            // The report commits to 乡里中心 in every administrative village in words only.
            let sentence: Option<String> = conn
                .query_row(
                    "SELECT text FROM paragraph WHERE report_id = ?1
                       AND instr(text, '乡里中心') > 0 AND instr(text, '全覆盖') > 0
                     ORDER BY ordinal LIMIT 1",
                    [report_id],
                    |r| r.get(0),
                )
                .optional()?;
            let plan_year: i32 = conn.query_row(
                "SELECT plan_year FROM report WHERE id = ?1",
                [report_id],
                |r| r.get(0),
            )?;
            if let (Some(text), true) = (sentence, plan_year == year) {
                let clause = text
                    .split(['。', '；', '，'])
                    .find(|c| c.contains("全覆盖") && c.contains("乡里中心"))
                    .or_else(|| text.split(['。', '；']).find(|c| c.contains("乡里中心")))
                    .unwrap_or(&text)
                    .to_owned();
                let mut line = li_center_line(&now, villages, year, None);
                line.quote = clause;
                lines.push(line);
            }
        }
        Ok(VillageRollup {
            report_id,
            year,
            places,
            villages,
            places_with_income: with_income,
            lines,
        })
    }
}

fn li_center_line(
    now: &[Record],
    villages: i64,
    year: i32,
    target: Option<(i64, &String, f64, &String, &String, &String)>,
) -> RollupLine {
    let rows: Vec<_> = now.iter().filter(|r| r.0 == "village").collect();
    let built = rows.iter().filter(|r| r.3 == Some(true)).count() as i64;
    let unknown = rows.iter().filter(|r| r.3.is_none()).count() as i64;
    let met = if villages == 0 || unknown > 0 {
        None
    } else {
        Some(built == villages)
    };
    let (target_id, metric, value, unit, comparator, quote) = match target {
        Some((id, m, v, u, c, q)) => (
            Some(id),
            m.clone(),
            v,
            u.clone(),
            Some(c.clone()),
            q.clone(),
        ),
        None => (
            None,
            "行政村乡里中心全覆盖".to_owned(),
            villages as f64,
            "个".to_owned(),
            None,
            String::new(),
        ),
    };
    RollupLine {
        key: "li_center".into(),
        metric,
        target_id,
        target_value: Some(value),
        unit,
        comparator,
        actual: built as f64,
        met,
        detail: format!(
            "{built} of {villages} administrative villages have a 乡里中心 in {year}; {unknown} \
             without data"
        ),
        quote,
    }
}

/// The number written just before `unit` in `text` (`集体经济收入50万元以上` -> 50).
fn number_before(text: &str, unit: &str) -> Option<f64> {
    let end = text.find(unit)?;
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// The star level a metric names (`创建“五星”支部` -> 5).
fn star_level(metric: &str) -> Option<i64> {
    let before: Vec<char> = metric[..metric.find('星')?].chars().collect();
    match before.last()? {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        c => c.to_digit(10).map(i64::from),
    }
}

/// One roll-up line: a village target of the report against the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupLine {
    /// Stable key: `income_floor`, `income_50_increase`, `income_100_increase`, `stars_5`,
    /// `stars_4`, `li_center`.
    pub key: String,
    /// The target's metric as the report words it.
    pub metric: String,
    /// The target record (`figure` id); `None` for 乡里中心, which the report commits to in
    /// words (全覆盖) rather than as a number.
    pub target_id: Option<i64>,
    /// The target value; for 乡里中心, the number of administrative villages.
    pub target_value: Option<f64>,
    /// The target's unit.
    pub unit: String,
    /// The target's comparator.
    pub comparator: Option<String>,
    /// What the register shows: villages at or above the floor, the increase, the number rated,
    /// the number with a 乡里中心.
    pub actual: f64,
    /// Whether the target is met; `None` when data are missing (no rating at all, villages
    /// without a record, no previous year to compare with).
    pub met: Option<bool>,
    /// A sentence with the counts behind `actual`.
    pub detail: String,
    /// The report's words.
    pub quote: String,
}

/// A year's village records against the report's village targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageRollup {
    /// The report.
    pub report_id: i64,
    /// The year rolled up.
    pub year: i32,
    /// Villages and communities in the register.
    pub places: i64,
    /// Administrative villages (kind `village`) among them.
    pub villages: i64,
    /// Villages and communities with a 集体经济收入 for the year.
    pub places_with_income: i64,
    /// One line per target.
    pub lines: Vec<RollupLine>,
}

impl VillageRollup {
    /// The line with this key.
    pub fn line(&self, key: &str) -> Option<&RollupLine> {
        self.lines.iter().find(|l| l.key == key)
    }
}

#[cfg(test)]
mod tests {
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
