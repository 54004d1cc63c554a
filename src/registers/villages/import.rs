//! Importing a village register: the row-to-record step, duplicate codes, towns found or
//! created, links to the report's places, and the yearly records.

use super::*;

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

pub(super) fn parse_stars(t: &str) -> Option<i64> {
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

pub(super) fn parse_bool(t: &str) -> Option<bool> {
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
            Ok(y) if crate::time::YEARS.contains(&y) => Some(y),
            _ => {
                let (first, last) = (crate::time::YEARS.start(), crate::time::YEARS.end());
                r.problem(
                    "year",
                    ProblemKind::BadValue,
                    format!("year must be {first}-{last}"),
                );
                None
            }
        },
        None => default_year,
    };
    let income = r.amount("income");
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

/// The towns the villages of the file need that are neither in the file (its good rows) nor in
/// the register, to be created from a village's 乡镇 name: `code -> name`. A village with no
/// such town and no 乡镇 name gets an [`ProblemKind::UnknownTown`] problem.
fn towns_to_create(
    tx: &rusqlite::Connection,
    report_id: i64,
    inputs: &[VillageInput],
    problems: &mut Vec<RowProblem>,
    town_column: &str,
) -> Result<BTreeMap<String, String>> {
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
    for i in inputs {
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
                column: town_column.to_owned(),
                value: String::new(),
                kind: ProblemKind::UnknownTown,
                reason: format!(
                    "its town {tc} is neither in the file nor in the register; add the \
                     town's row or a 乡镇 column naming it"
                ),
            }),
        }
    }
    Ok(to_create)
}

/// The report place a register place is, by kind and name: exactly one with the same name
/// (`exact`), else exactly one with the same name without its level suffix (`normalized`).
/// Several matches: no link, and the candidates. `report_places`: `(id, kind, name)`.
fn place_link(
    report_places: &[(i64, String, String)],
    name: &str,
    kind: &str,
) -> (Option<i64>, Option<&'static str>, Vec<i64>) {
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
}

/// Writes a place's yearly record, if its row carries yearly values and a year. Columns the
/// file lacks keep the values already stored. Returns whether a record was written.
fn write_year(
    tx: &rusqlite::Connection,
    header: &crate::registers::Header,
    id: i64,
    input: &VillageInput,
    now: &str,
    source_name: &str,
) -> Result<bool> {
    let Some(year) = input.year.filter(|_| input.has_yearly) else {
        return Ok(false);
    };
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
    Ok(true)
}

/// One register place to write: a town created from a 乡镇 name, or a row of the file.
struct PlaceWrite<'a> {
    row: usize,
    code: String,
    name: String,
    kind: &'static str,
    urban_rural: Option<String>,
    note: Option<String>,
    input: Option<&'a VillageInput>,
}

/// Updates the register place with `w`'s code, or creates it, pointing a village at its
/// town. Returns its id and whether it existed.
fn upsert_place(
    tx: &rusqlite::Connection,
    report_id: i64,
    w: &PlaceWrite<'_>,
    now: &str,
    source_name: &str,
) -> Result<(i64, bool)> {
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
    // One upsert on the (report_id, code) key: a row that exists keeps the type and note it
    // has when the file leaves them empty.
    tx.prepare_cached(
        "INSERT INTO register_place (report_id, code, name, kind, town_id, urban_rural_type,
            note, imported_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (report_id, code) DO UPDATE SET name = excluded.name,
            kind = excluded.kind, town_id = excluded.town_id,
            urban_rural_type = coalesce(excluded.urban_rural_type, urban_rural_type),
            note = coalesce(excluded.note, note), imported_at = excluded.imported_at,
            source = excluded.source",
    )?
    .execute(params![
        report_id,
        w.code,
        w.name,
        w.kind,
        town_id,
        w.urban_rural,
        w.note,
        now,
        source_name
    ])?;
    let found = match existing {
        Some((id, _)) => (id, true),
        None => (tx.last_insert_rowid(), false),
    };
    Ok(found)
}

impl Db {
    /// Imports a village register file (`.csv` or `.xlsx`) into report `report_id`'s register,
    /// with the yearly values it carries. See [the module docs](super).
    pub fn import_villages(
        &mut self,
        report_id: i64,
        path: impl AsRef<Path>,
        options: &ImportOptions,
    ) -> std::result::Result<ImportSummary, ImportError> {
        let (input, format, name) = read_input(path.as_ref())?;
        self.import_villages_input(report_id, &name, input, format, options)
    }

    /// Imports a village register from the bytes of a file.
    pub fn import_villages_bytes(
        &mut self,
        report_id: i64,
        source_name: &str,
        bytes: &[u8],
        format: FileFormat,
        options: &ImportOptions,
    ) -> std::result::Result<ImportSummary, ImportError> {
        self.import_villages_input(report_id, source_name, Input::Bytes(bytes), format, options)
    }

    fn import_villages_input(
        &mut self,
        report_id: i64,
        source_name: &str,
        input: Input<'_>,
        format: FileFormat,
        options: &ImportOptions,
    ) -> std::result::Result<ImportSummary, ImportError> {
        self.require_report(report_id)?;
        let mut keys = Vec::new();
        let ReadRows {
            header,
            mut summary,
            mut inputs,
            mut problems,
        } = read_rows(
            source_name,
            input,
            format,
            options,
            VILLAGE_SHEET_COLUMNS,
            "code",
            |reader| {
                // Codes as read, valid rows or not, for finding duplicates across the file.
                if let Some(code) = reader.text("code") {
                    keys.push(RowKey {
                        row: reader.row,
                        code: code.chars().filter(|c| !c.is_whitespace()).collect(),
                        name: reader.text("name"),
                        year: reader
                            .text("year")
                            .and_then(|y| y.trim_end_matches('年').parse().ok())
                            .or(options.year),
                    });
                }
                parse_row(reader, options.year)
            },
        )?;
        let code_column = header.columns["code"].header.clone();
        let town_column = header
            .columns
            .get("town")
            .map(|m| m.header.clone())
            .unwrap_or_else(|| "乡镇".to_owned());
        problems.extend(duplicate_problems(&keys, &code_column));

        let now = crate::time::now_utc();
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
        let to_create = towns_to_create(&tx, report_id, &inputs, &mut problems, &town_column)?;
        let bad_rows = settle(problems, options, &mut summary)?;
        inputs.retain(|i| !bad_rows.contains(&i.row));

        // Report places, for linking: (id, kind, name).
        let report_places: Vec<(i64, String, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT id, kind, name FROM place WHERE report_id = ?1 ORDER BY id",
            )?;
            st.query_map([report_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        // Rows to write: created towns, then file towns, then villages.
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
        summary.towns_created = to_create.into_iter().collect();

        let mut seen_codes: HashMap<String, i64> = HashMap::new();
        for w in &writes {
            let first_time = !seen_codes.contains_key(&w.code);
            let (id, existed) = upsert_place(&tx, report_id, w, &now, source_name)?;
            if !existed {
                summary.inserted += 1;
            } else if first_time && w.input.is_some() {
                summary.updated += 1;
            }
            seen_codes.insert(w.code.clone(), id);
            let manual: bool = tx.query_row(
                "SELECT link_method IS 'manual' FROM register_place WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if !manual && first_time {
                let (pid, method, ambiguous) = place_link(&report_places, &w.name, w.kind);
                if !ambiguous.is_empty() {
                    summary.ambiguous_links.push((w.row, ambiguous));
                }
                if pid.is_some() {
                    summary.linked += 1;
                }
                tx.execute(
                    "UPDATE register_place SET report_place_id = ?2, link_method = ?3 WHERE id = ?1",
                    params![id, pid, method],
                )?;
            } else if manual && first_time {
                summary.linked += 1;
            }
            if let Some(input) = w.input
                && write_year(&tx, &header, id, input, &now, source_name)?
            {
                summary.years_written += 1;
            }
        }
        tx.commit()?;
        Ok(summary)
    }
}
