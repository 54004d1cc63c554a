//! Assembling a period's bulletin from the evaluations, and writing it to a file.

use std::collections::HashMap;
use std::path::Path;

use super::{
    AreaSection, Bulletin, Counts, IndicatorRow, LaggingItem, ProjectBar, ProjectSection, TaskRow,
};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::time::Period;
use crate::tracking::{EvaluationConfig, Light, Status};

/// At most this many projects in the chart (the lowest completion first).
const MAX_BARS: usize = 20;

fn number(v: f64) -> String {
    crate::registers::sheet::number_text(v)
}

impl Db {
    /// The 督查通报 of `period` (`2024-06`, `2024-Q2`): the evaluations of the period —
    /// [`Db::evaluate_commitments`], [`Db::evaluate_targets`], [`Db::evaluate_projects`] with
    /// `config` — as a [`Bulletin`]. Its counts are the commitments' lights; lagging items
    /// are the yellow and red commitments (red first); 序号 are those of the 任务分解表
    /// ([`Db::decomposition_rows`]). `config.report_id` picks the report (default: the first).
    pub fn bulletin(&self, period: &str, config: &EvaluationConfig) -> Result<Bulletin> {
        let p = Period::parse(period)?;
        let report = match config.report_id {
            Some(id) => self
                .reports()?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| Error::NotFound(format!("report {id}")))?,
            None => self.report()?,
        };
        let config = EvaluationConfig {
            report_id: Some(report.id),
            ..config.clone()
        };
        let commitments = self.evaluate_commitments(period, &config)?;
        let targets = self.evaluate_targets(period, &config)?;
        let projects = self.evaluate_projects(period, &config)?;
        let numbers: HashMap<i64, String> = self
            .decomposition_rows(report.id)?
            .into_iter()
            .map(|r| (r.commitment_id, r.serial))
            .collect();
        let serial = |id: i64| numbers.get(&id).cloned().unwrap_or_default();

        let counts = Counts::of(
            commitments
                .iter()
                .map(|c| (c.light, c.status == Status::Done)),
        );
        let mut areas: Vec<AreaSection> = Vec::new();
        for c in &commitments {
            let row = TaskRow {
                number: serial(c.commitment_id),
                commitment_id: c.commitment_id,
                task: c.quote.clone(),
                lead_unit: c.lead_unit.clone(),
                deadline: c.deadline.clone(),
                status: c
                    .work_status
                    .map_or_else(|| c.status.label_zh(), |w| w.label_zh())
                    .to_string(),
                light: c.light,
                reason: c.reason.clone(),
            };
            match areas.last_mut() {
                Some(a) if a.title == c.area_title => a.rows.push(row),
                _ => areas.push(AreaSection {
                    title: c.area_title.clone(),
                    rows: vec![row],
                    counts: Counts::default(),
                }),
            }
        }
        let done: HashMap<i64, bool> = commitments
            .iter()
            .map(|c| (c.commitment_id, c.status == Status::Done))
            .collect();
        for a in &mut areas {
            a.counts = Counts::of(
                a.rows
                    .iter()
                    .map(|r| (r.light, done.get(&r.commitment_id) == Some(&true))),
            );
        }
        let mut lagging: Vec<(u8, LaggingItem)> = commitments
            .iter()
            .filter_map(|c| {
                let rank = match c.light {
                    Some(Light::Red) => 0,
                    Some(Light::Yellow) => 1,
                    _ => return None,
                };
                Some((
                    rank,
                    LaggingItem {
                        number: serial(c.commitment_id),
                        commitment_id: c.commitment_id,
                        quote: c.quote.clone(),
                        lead_unit: c.lead_unit.clone(),
                        light: c.light,
                        reason: c.reason.clone(),
                        problems: c.problems.clone(),
                        next_steps: c.next_steps.clone(),
                    },
                ))
            })
            .collect();
        // Stable: red first, each colour in report order.
        lagging.sort_by_key(|(rank, _)| *rank);
        let indicators = targets
            .iter()
            .map(|t| IndicatorRow {
                target_id: t.target_id,
                metric: t.metric.clone(),
                target: format!(
                    "{}{}{}",
                    number(t.target_value),
                    t.unit,
                    t.qualifier.as_deref().unwrap_or("")
                ),
                value: t.value.map(|v| format!("{}{}", number(v), t.unit)),
                completion_pct: t.completion_pct,
                gap_points: t.gap_points,
                status: t.status.label_zh().to_string(),
                light: t.light,
            })
            .collect();
        let project_section = (!projects.projects.is_empty()).then(|| {
            let mut bars: Vec<ProjectBar> = projects
                .projects
                .iter()
                .filter_map(|s| {
                    Some(ProjectBar {
                        name: s.name.clone(),
                        completion_pct: s.completion_pct?,
                        gap_points: s.gap_points?,
                    })
                })
                .collect();
            bars.sort_by(|a, b| a.completion_pct.total_cmp(&b.completion_pct));
            bars.truncate(MAX_BARS);
            ProjectSection {
                schedule_pct: projects.schedule_pct,
                reporting: projects.reporting,
                annual_plan_yi: projects.annual_plan_base / 1e8,
                invested_yi: projects.invested_base / 1e8,
                plan_completion_pct: projects.plan_completion_pct,
                planned_starts: projects.planned_starts,
                actual_starts: projects.actual_starts,
                start_rate_pct: projects.start_rate_pct,
                bars,
            }
        });
        let period_label = if p.last_month == 1 {
            format!("{}年1月", p.year)
        } else {
            format!("{}年1—{}月", p.year, p.last_month)
        };
        Ok(Bulletin {
            title: format!(
                "{}{}年《政府工作报告》重点工作推进情况督查通报",
                report.region, report.plan_year
            ),
            period_label,
            period: period.to_string(),
            as_of: config.as_of.clone().unwrap_or_else(|| p.end_date()),
            schedule_pct: projects.schedule_pct,
            summary: counts.sentence(),
            counts,
            areas,
            indicators,
            lagging: lagging.into_iter().map(|(_, l)| l).collect(),
            projects: project_section,
        })
    }

    /// Writes the bulletin of `period` to the new file `path`: DOCX for `.docx`, HTML for
    /// `.html`/`.htm` (another extension is [`Error::InvalidArgument`]). An existing file is
    /// refused and left as it was; the file is written beside its final name and linked into
    /// place, so a failure leaves no partial file. Returns the bulletin it wrote.
    pub fn write_bulletin(
        &self,
        period: &str,
        config: &EvaluationConfig,
        path: impl AsRef<Path>,
    ) -> Result<Bulletin> {
        let path = path.as_ref();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let docx = match ext.as_deref() {
            Some("docx") => true,
            Some("html" | "htm") => false,
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "{}: write the bulletin to a .docx or .html file",
                    path.display()
                )));
            }
        };
        if path.exists() {
            return Err(Error::InvalidArgument(format!(
                "{}: the file exists; the bulletin is written to a new file (choose another \
                 name or remove it first)",
                path.display()
            )));
        }
        let bulletin = self.bulletin(period, config)?;
        let bytes = if docx {
            render_docx(&bulletin)?
        } else {
            bulletin.to_html().into_bytes()
        };
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        let written = std::fs::write(&partial, &bytes).and_then(|()| {
            // Refuse, not replace, a file that appeared meanwhile.
            std::fs::hard_link(&partial, path)
        });
        let _ = std::fs::remove_file(&partial);
        written.map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            ))
        })?;
        Ok(bulletin)
    }
}

#[cfg(feature = "docx")]
fn render_docx(b: &Bulletin) -> Result<Vec<u8>> {
    b.to_docx()
}

#[cfg(not(feature = "docx"))]
fn render_docx(_: &Bulletin) -> Result<Vec<u8>> {
    Err(Error::InvalidArgument(
        "this govreport was built without the `docx` feature: write the bulletin as .html".into(),
    ))
}
