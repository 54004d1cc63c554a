//! Evaluation of projects: investment against the annual plan and 序时进度, starts, and the
//! district totals.

use super::*;

impl Db {
    /// The project investment summary at the end of `period`: each project's completion
    /// of its annual plan against 序时进度, the start rate (开工率), and the district against
    /// the report's 年度完成投资. See the module docs for the rule.
    pub fn evaluate_projects(
        &self,
        period: &str,
        config: &EvaluationConfig,
    ) -> Result<ProjectSummary> {
        Ok(self.project_rows(period, config)?.0)
    }

    /// [`Db::evaluate_projects`] with, for each row of `projects`, the id of the latest record
    /// counted.
    pub(crate) fn project_rows(
        &self,
        period: &str,
        config: &EvaluationConfig,
    ) -> Result<(ProjectSummary, Vec<Option<i64>>)> {
        if let Some(report_id) = config.report_id {
            self.require_report(report_id)?;
        }
        let p = Period::parse(period)?;
        let as_of = config.check()?.unwrap_or(Date {
            y: p.year,
            m: p.last_month,
            d: crate::time::days_in_month(p.year, p.last_month),
        });
        let schedule = schedule_share(p.year, as_of);
        let end = p.end_date();
        let year_start = format!("{}-01-01", p.year);
        let conn = self.connection();
        let known = config.known_instant(conn)?;
        let report_id: i64 = match config.report_id {
            Some(r) => r,
            None => self.report()?.id,
        };
        let plan_year: i32 = conn
            .query_row(
                "SELECT plan_year FROM report WHERE id = ?1",
                [report_id],
                |r| r.get(0),
            )
            .map_err(|_| Error::NotFound(format!("report {report_id}")))?;

        // Rows: every register project, keyed by register id.
        let mut rows: Vec<ProjectStatus> = Vec::new();
        let mut by_register: HashMap<i64, usize> = HashMap::new();
        let mut by_project: HashMap<i64, usize> = HashMap::new();
        let mut st = conn.prepare_cached(
            "SELECT id, name, annual_plan_base, planned_start, report_project_id
             FROM register_project WHERE report_id = ?1 ORDER BY id",
        )?;
        let mut q = st.query([report_id])?;
        while let Some(r) = q.next()? {
            let planned: Option<String> = r.get(3)?;
            let row = ProjectStatus {
                register_id: Some(r.get(0)?),
                project_id: r.get(4)?,
                name: r.get(1)?,
                annual_plan_base: r.get(2)?,
                invested_to_date_base: None,
                completion_pct: None,
                gap_points: None,
                // 'YYYY-MM' in the register means within that month: its last day.
                planned_start: planned.map(|s| {
                    if s.len() == 7 {
                        Period::parse(&s).map(|p| p.end_date()).unwrap_or(s)
                    } else {
                        s
                    }
                }),
                actual_start: None,
                status: None,
                physical_progress: None,
                latest_period: None,
            };
            if let Some(pid) = row.project_id {
                by_project.entry(pid).or_insert(rows.len());
            }
            by_register.insert(row.register_id.unwrap_or_default(), rows.len());
            rows.push(row);
        }
        // Records, in order; each goes to its row.
        struct Acc {
            to_date: Option<(f64, String)>,
            period_sum_after: f64,
            any: bool,
        }
        let mut acc: Vec<Acc> = Vec::new();
        let mut latest_ids: Vec<Option<i64>> = Vec::new();
        let mut st = conn.prepare_cached(&format!(
            "SELECT p.subject_kind, p.subject_id, p.period, p.period_end, p.invested_period_base,
                    p.invested_to_date_base, p.status, p.physical_progress, p.planned_start,
                    p.actual_start, pr.name, p.id
             FROM progress p LEFT JOIN project pr
                  ON p.subject_kind = 'project' AND pr.id = p.subject_id
             WHERE p.subject_kind IN ('project', 'register_project')
               AND p.period_end BETWEEN ?1 AND ?2
               AND {}
             ORDER BY p.period_end, p.id",
            effective_sql("p", known.as_ref().map(|_| "?3"))
        ))?;
        let mut q = st.query(&*with_known(&[&year_start, &end], &known))?;
        while let Some(r) = q.next()? {
            let kind = SubjectKind::from_code(&r.get::<_, String>(0)?)?;
            let sid: i64 = r.get(1)?;
            let idx = match kind {
                SubjectKind::RegisterProject => by_register.get(&sid).copied(),
                _ => match by_project.get(&sid) {
                    Some(i) => Some(*i),
                    None => {
                        let name: Option<String> = r.get(10)?;
                        by_project.insert(sid, rows.len());
                        rows.push(ProjectStatus {
                            register_id: None,
                            project_id: Some(sid),
                            name: name.unwrap_or_default(),
                            annual_plan_base: None,
                            invested_to_date_base: None,
                            completion_pct: None,
                            gap_points: None,
                            planned_start: None,
                            actual_start: None,
                            status: None,
                            physical_progress: None,
                            latest_period: None,
                        });
                        Some(rows.len() - 1)
                    }
                },
            };
            // A register project of another report: not part of this summary.
            let Some(idx) = idx else { continue };
            while acc.len() < rows.len() {
                acc.push(Acc {
                    to_date: None,
                    period_sum_after: 0.0,
                    any: false,
                });
            }
            let a = &mut acc[idx];
            let row = &mut rows[idx];
            let period_end: String = r.get(3)?;
            a.any = true;
            let in_period: Option<f64> = r.get(4)?;
            let to_date: Option<f64> = r.get(5)?;
            match to_date {
                Some(t) => {
                    a.to_date = Some((t, period_end.clone()));
                    a.period_sum_after = 0.0;
                }
                None => {
                    if let Some(v) = in_period
                        && a.to_date.as_ref().is_none_or(|(_, e)| *e < period_end)
                    {
                        a.period_sum_after += v;
                    }
                }
            }
            row.latest_period = Some(r.get(2)?);
            if latest_ids.len() <= idx {
                latest_ids.resize(idx + 1, None);
            }
            latest_ids[idx] = Some(r.get(11)?);
            if let Some(s) = r.get::<_, Option<String>>(6)? {
                row.status = Some(crate::StatusCode::from_code(&s)?);
            }
            if let Some(s) = r.get::<_, Option<String>>(7)? {
                row.physical_progress = Some(s);
            }
            if let Some(s) = r.get::<_, Option<String>>(8)? {
                row.planned_start = Some(s);
            }
            if let Some(s) = r.get::<_, Option<String>>(9)? {
                row.actual_start = Some(s);
            }
        }
        let mut summary = ProjectSummary {
            period: p.to_string(),
            schedule_pct: round2(100.0 * schedule),
            projects: Vec::new(),
            reporting: 0,
            invested_base: 0.0,
            annual_plan_base: 0.0,
            plan_completion_pct: None,
            planned_starts: 0,
            actual_starts: 0,
            start_rate_pct: None,
            district: None,
        };
        let mut invested_with_plan = 0.0;
        for (i, row) in rows.iter_mut().enumerate() {
            if let Some(a) = acc.get(i).filter(|a| a.any) {
                summary.reporting += 1;
                let v = a.to_date.as_ref().map(|(t, _)| *t).unwrap_or(0.0) + a.period_sum_after;
                let reported = a.to_date.is_some() || a.period_sum_after > 0.0;
                if reported {
                    row.invested_to_date_base = Some(v);
                    summary.invested_base += v;
                }
            }
            if let Some(plan) = row.annual_plan_base {
                summary.annual_plan_base += plan;
                invested_with_plan += row.invested_to_date_base.unwrap_or(0.0);
                if plan > 0.0
                    && let Some(v) = row.invested_to_date_base
                {
                    let c = 100.0 * v / plan;
                    row.completion_pct = Some(round2(c));
                    row.gap_points = Some(round2(c - 100.0 * schedule));
                }
            }
            let due = row
                .planned_start
                .as_deref()
                .is_some_and(|s| s >= year_start.as_str() && s <= end.as_str());
            if due {
                summary.planned_starts += 1;
                if row
                    .actual_start
                    .as_deref()
                    .is_some_and(|s| s <= end.as_str())
                {
                    summary.actual_starts += 1;
                }
            }
        }
        if summary.annual_plan_base > 0.0 {
            summary.plan_completion_pct = Some(round2(
                100.0 * invested_with_plan / summary.annual_plan_base,
            ));
        }
        if summary.planned_starts > 0 {
            summary.start_rate_pct = Some(round2(
                100.0 * summary.actual_starts as f64 / summary.planned_starts as f64,
            ));
        }
        summary.district = self.district_investment_figure(report_id, plan_year)?.map(
            |(source, record_id, metric, value, unit, base_value)| {
                let c = if base_value > 0.0 {
                    100.0 * summary.invested_base / base_value
                } else {
                    0.0
                };
                DistrictTotal {
                    source,
                    record_id,
                    metric,
                    value,
                    unit,
                    base_value,
                    completion_pct: round2(c),
                    gap_points: round2(c - 100.0 * schedule),
                }
            },
        );
        latest_ids.resize(rows.len(), None);
        summary.projects = rows;
        Ok((summary, latest_ids))
    }

    /// The report's 年度完成投资 for the plan year: see the module docs.
    #[allow(clippy::type_complexity)]
    fn district_investment_figure(
        &self,
        report_id: i64,
        year: i32,
    ) -> Result<Option<(String, i64, String, f64, String, f64)>> {
        let conn = self.connection();
        let total = conn
            .prepare_cached(
                "SELECT id, metric, value, unit, base_value FROM project_total
                 WHERE report_id = ?1 AND year = ?2 AND metric = '年度完成投资'
                 ORDER BY scope <> '重点项目', id LIMIT 1",
            )?
            .query_row(params![report_id, year], |r| {
                Ok((
                    "project_total".to_string(),
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            });
        match total {
            Ok(t) => return Ok(Some(t)),
            Err(rusqlite::Error::QueryReturnedNoRows) => {}
            Err(e) => return Err(e.into()),
        }
        let target = conn
            .prepare_cached(
                "SELECT id, metric, value, unit, base_value FROM figure
                 WHERE kind = 'target' AND report_id = ?1 AND year = ?2
                   AND metric = '重点项目年度完成投资'
                 ORDER BY id LIMIT 1",
            )?
            .query_row(params![report_id, year], |r| {
                Ok((
                    "target".to_string(),
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            });
        match target {
            Ok(t) => Ok(Some(t)),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
