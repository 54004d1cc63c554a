//! The project register compared with what the report says about its key projects.

use super::*;

impl Db {
    /// Compares a report's register with the report's aggregates for its key projects (the
    /// `project_total` rows of scope [`KEY_PROJECT_SCOPE`] for the plan year): 项目个数 with
    /// the number of rows, 总投资 with the sum of total investment, 年度完成投资 with the sum
    /// of annual plans.
    pub fn register_consistency(&self, report_id: i64) -> Result<RegisterConsistency> {
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
                    let register_value = crate::registers::round_to(register_base * per_unit, 6);
                    let tolerance = written_tolerance(&written);
                    let difference = crate::registers::round_to(register_value - value, 6);
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
        Ok(RegisterConsistency {
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
pub(super) fn written_tolerance(written: &str) -> f64 {
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
pub struct RegisterConsistency {
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

impl RegisterConsistency {
    /// Whether every check with a report figure is consistent.
    pub fn all_consistent(&self) -> bool {
        self.checks.iter().all(|c| c.consistent != Some(false))
    }
}
