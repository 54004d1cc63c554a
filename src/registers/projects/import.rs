//! Importing a project register: the row-to-record step, code conflicts and duplicates,
//! and the upsert with its links to the report's projects.

use super::*;

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
    let total = r.amount("total");
    let annual = r.amount("annual");
    if let (Some(t), Some(a)) = (total, annual)
        && a > t
    {
        r.problem(
            "annual",
            ProblemKind::PlanExceedsTotal,
            format!("annual plan {a} 万元 exceeds the total investment {t} 万元"),
        );
    }
    let planned_start = r.date("planned_start");
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

/// Updates register project ?1 with the fields ?2..?17 of [`INSERT_PROJECT`].
const UPDATE_PROJECT: &str = "UPDATE register_project SET office_code = ?2, national_code = ?3,
    serial = ?4, name = ?5, category = ?6, total_investment = ?7, total_investment_base = ?8,
    annual_plan = ?9, annual_plan_base = ?10, owner = ?11, responsible_unit = ?12, leader = ?13,
    planned_start = ?14, note = ?15, imported_at = ?16, source = ?17
    WHERE id = ?1";

/// Creates a register project of report ?1 with the fields ?2..?17.
const INSERT_PROJECT: &str = "INSERT INTO register_project (report_id, office_code,
    national_code, serial, name, category, total_investment, total_investment_base, annual_plan,
    annual_plan_base, owner, responsible_unit, leader, planned_start, note, imported_at, source)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

impl Db {
    /// Imports a project register file (`.csv` or `.xlsx`) into report `report_id`'s register.
    /// See [the module docs](super) for matching and [`ImportOptions`] for bad rows.
    pub fn import_projects(
        &mut self,
        report_id: i64,
        path: impl AsRef<Path>,
        options: &ImportOptions,
    ) -> std::result::Result<ImportSummary, ImportError> {
        let (input, format, name) = read_input(path.as_ref())?;
        self.import_projects_input(report_id, &name, input, format, options)
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
    ) -> std::result::Result<ImportSummary, ImportError> {
        self.import_projects_input(report_id, source_name, Input::Bytes(bytes), format, options)
    }

    fn import_projects_input(
        &mut self,
        report_id: i64,
        source_name: &str,
        input: Input<'_>,
        format: FileFormat,
        options: &ImportOptions,
    ) -> std::result::Result<ImportSummary, ImportError> {
        self.require_report(report_id)?;
        let mut codes = Vec::new();
        let ReadRows {
            header,
            mut summary,
            inputs,
            mut problems,
        } = read_rows(
            source_name,
            input,
            format,
            options,
            PROJECT_SHEET_COLUMNS,
            "name",
            |reader| {
                // Codes as read, valid rows or not, for finding duplicates across the file.
                codes.push(RowCodes {
                    row: reader.row,
                    office_code: reader.text("office_code"),
                    national_code: reader
                        .text("national_code")
                        .and_then(|n| check_national_code(&n).ok()),
                });
                parse_row(reader)
            },
        )?;
        let reader = RowReader::new(0, &[], &header, PROJECT_SHEET_COLUMNS);
        let columns = (
            reader.column_name("office_code"),
            reader.column_name("national_code"),
        );
        problems.extend(duplicate_problems(&codes, (&columns.0, &columns.1)));

        let now = crate::time::now_utc();
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
        let bad_rows = settle(problems, options, &mut summary)?;
        writes.retain(|(i, _)| !bad_rows.contains(&i.row));

        let candidates = project_candidates(&tx, report_id, plan_year)?;
        for (input, target) in &writes {
            // ?1 is the record (update) or the report (insert); ?2..?17 the same fields.
            let (total_base, annual_base) =
                (wan_to_yuan(input.total), input.annual.map(wan_to_yuan));
            let fields = params![
                input.office_code,
                input.national_code,
                input.serial,
                input.name,
                input.category,
                input.total,
                total_base,
                input.annual,
                annual_base,
                input.owner,
                input.responsible,
                input.leader,
                input.planned_start,
                input.note,
                now,
                source_name
            ];
            let (sql, first) = match target {
                Some(id) => (UPDATE_PROJECT, *id),
                None => (INSERT_PROJECT, report_id),
            };
            let first: &dyn rusqlite::ToSql = &first;
            tx.prepare_cached(sql)?.execute(rusqlite::params_from_iter(
                std::iter::once(first).chain(fields.iter().copied()),
            ))?;
            let id = match target {
                Some(id) => {
                    summary.updated += 1;
                    *id
                }
                None => {
                    summary.inserted += 1;
                    tx.last_insert_rowid()
                }
            };
            let manual: bool = tx.query_row(
                "SELECT link_method IS 'manual' FROM register_project WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if manual {
                summary.linked += 1;
                continue;
            }
            let (pid, method) = match find_link(&input.name, &candidates) {
                Link::To(pid, method) => {
                    summary.linked += 1;
                    (Some(pid), Some(method))
                }
                Link::Ambiguous(ids) => {
                    summary.ambiguous_links.push((input.row, ids));
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
        Ok(summary)
    }
}
