//! Projects: every project, facility or construction item the report names, with the status
//! the text gives, and the aggregate figures about sets of projects (276 key projects …).
//!
//! ```
//! use govreport::{Db, ProjectFilter};
//!
//! let db = Db::open_default()?;
//! let bridges = db.projects(&ProjectFilter { text: Some("特大桥".into()), ..Default::default() })?;
//! assert!(bridges.iter().any(|p| p.name == "S539伊洛河特大桥" && p.status == "建成通车"));
//! # Ok::<(), govreport::Error>(())
//! ```

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::report::Section;

/// A normalized project status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCode {
    /// 谋划, 前期工作, 储备.
    Planning,
    /// 启动, 开工建设 (as a plan), 落地.
    ToStart,
    /// 加快推进, 加快建设, 推进, 实施.
    UnderConstruction,
    /// 即将竣工.
    NearCompletion,
    /// 建成, 完工, 建成通车, 竣工.
    Completed,
    /// 投产运营, 建成运营, 投用, 运行.
    InOperation,
}

impl TextCode for StatusCode {
    const ALL: &'static [StatusCode] = &[
        StatusCode::Planning,
        StatusCode::ToStart,
        StatusCode::UnderConstruction,
        StatusCode::NearCompletion,
        StatusCode::Completed,
        StatusCode::InOperation,
    ];
    const WHAT: &'static str = "project status";

    /// The code stored in the database.
    fn code(self) -> &'static str {
        match self {
            StatusCode::Planning => "planning",
            StatusCode::ToStart => "to_start",
            StatusCode::UnderConstruction => "under_construction",
            StatusCode::NearCompletion => "near_completion",
            StatusCode::Completed => "completed",
            StatusCode::InOperation => "in_operation",
        }
    }
}
crate::code::inherent_text_code!(StatusCode);

/// One named project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    /// Record id.
    pub id: i64,
    /// Name as written (`优箔金属电池箔（二期）`).
    pub name: String,
    /// 2023: done or under way in the review year; 2024: planned for the plan year.
    pub year: i32,
    /// Status words as written (`建成通车`).
    pub status: String,
    /// Normalized status.
    pub status_code: StatusCode,
    /// The project's own investment where the text states it.
    pub investment: Option<f64>,
    /// Unit of `investment` as written.
    pub investment_unit: Option<String>,
    /// `investment` in 元.
    pub investment_base: Option<f64>,
    /// Companies named for the project.
    pub companies: Vec<String>,
    /// The area （1…10） of part 三 (2024) or theme 1…6 of part 一 (2023) it is named in.
    pub area: Option<i64>,
    /// ISO date of the deadline the text gives (`5月底前` -> `2024-05-31`).
    pub deadline: Option<String>,
    /// The deadline words as written.
    pub deadline_text: Option<String>,
    /// The innermost section of its paragraph.
    pub section_id: i64,
    /// The paragraph the quote is in.
    pub paragraph_id: i64,
    /// The verbatim clause.
    pub quote: String,
    /// The whole sentence of the paragraph around the quote.
    pub sentence: String,
    /// The section path of the paragraph.
    pub section_path: String,
}

/// An aggregate figure about a set of projects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectTotal {
    /// Record id.
    pub id: i64,
    /// The year it is about.
    pub year: i32,
    /// The set of projects (`重点项目`, `三个一批`, `三大改造` …).
    pub scope: String,
    /// What is counted or summed (`项目个数`, `总投资` …).
    pub metric: String,
    /// The number as written.
    pub value: f64,
    /// The characters of the quote stating it.
    pub written: String,
    /// Unit as written.
    pub unit: String,
    /// Qualifying words as written (`以上`, `超过`).
    pub qualifier: Option<String>,
    /// What the qualifier means.
    pub comparator: crate::Comparator,
    /// Value in the base unit.
    pub base_value: f64,
    /// The base unit.
    pub base_unit: String,
    /// The paragraph the quote is in.
    pub paragraph_id: i64,
    /// The verbatim clause.
    pub quote: String,
    /// The whole sentence of the paragraph around the quote.
    pub sentence: String,
}

/// Which projects to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    /// Only this report.
    pub report_id: Option<i64>,
    /// Only projects of this year.
    pub year: Option<i32>,
    /// Only projects whose status words contain this (`开工`), or whose status code is it
    /// (`completed`).
    pub status: Option<String>,
    /// Only projects named in this area/theme.
    pub area: Option<i64>,
    /// Only projects with a deadline strictly before this ISO date.
    pub due_before: Option<String>,
    /// Only projects whose name, companies or quote contain this.
    pub text: Option<String>,
}

// A subquery for the path, not a join: see FIGURE_COLUMNS in figures.rs.
const PROJECT_SELECT_LIST: &str = "p.id, p.name, p.year, p.status, p.status_code, p.investment, \
    p.investment_unit, p.investment_base, p.area, p.section_id, p.paragraph_id, p.quote, \
    (SELECT path FROM section s WHERE s.id = p.section_id), \
    (SELECT json_group_array(company) FROM \
        (SELECT company FROM project_company c WHERE c.project_id = p.id ORDER BY ordinal)), \
    p.deadline, p.deadline_text, p.sentence";

fn project_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    let code: String = r.get(4)?;
    let companies: String = r.get(13)?;
    let bad = |i: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
    };
    Ok(Project {
        id: r.get(0)?,
        name: r.get(1)?,
        year: r.get(2)?,
        status: r.get(3)?,
        status_code: StatusCode::from_code(&code).map_err(|e| bad(4, e.to_string()))?,
        investment: r.get(5)?,
        investment_unit: r.get(6)?,
        investment_base: r.get(7)?,
        area: r.get(8)?,
        section_id: r.get(9)?,
        paragraph_id: r.get(10)?,
        quote: r.get(11)?,
        section_path: r.get(12)?,
        companies: serde_json::from_str(&companies).map_err(|e| bad(13, e.to_string()))?,
        deadline: r.get(14)?,
        deadline_text: r.get(15)?,
        sentence: r.get(16)?,
    })
}

impl Db {
    /// The named projects that pass the filter, by id.
    pub fn projects(&self, f: &ProjectFilter) -> Result<Vec<Project>> {
        if let Some(d) = &f.due_before {
            crate::figures::check_iso_date(d)?;
        }
        let sql = format!(
            "SELECT {PROJECT_SELECT_LIST} FROM project p
             WHERE (?1 IS NULL OR p.report_id = ?1)
               AND (?2 IS NULL OR p.year = ?2)
               AND (?3 IS NULL OR instr(p.status, ?3) > 0 OR p.status_code = ?3)
               AND (?4 IS NULL OR p.area = ?4)
               AND (?6 IS NULL OR (p.deadline IS NOT NULL AND p.deadline < ?6))
               AND (?5 IS NULL OR instr(p.name, ?5) > 0 OR instr(p.quote, ?5) > 0
                    OR EXISTS (SELECT 1 FROM project_company c
                               WHERE c.project_id = p.id AND instr(c.company, ?5) > 0))
             ORDER BY p.report_id, p.id"
        );
        let mut st = self.connection().prepare_cached(&sql)?;
        let rows = st.query_map(
            params![f.report_id, f.year, f.status, f.area, f.text, f.due_before],
            project_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One project by id; [`Error::NotFound`] if there is none.
    pub fn project(&self, id: i64) -> Result<Project> {
        let sql = format!(
            "SELECT {PROJECT_SELECT_LIST} FROM project p
             WHERE p.id = ?1"
        );
        self.connection()
            .prepare_cached(&sql)?
            .query_row([id], project_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("project {id}")))
    }

    /// The area (part 三) or theme (part 一) section a project is named in, if any.
    pub fn project_area(&self, id: i64) -> Result<Option<Section>> {
        let p = self.project(id)?;
        let mut section = Some(self.section(p.section_id)?);
        while let Some(s) = section {
            if matches!(s.kind, crate::SectionKind::Area | crate::SectionKind::Theme) {
                return Ok(Some(s));
            }
            section = match s.parent_id {
                Some(pid) => Some(self.section(pid)?),
                None => None,
            };
        }
        Ok(None)
    }

    /// The aggregate figures about sets of projects, optionally of one year, by id.
    pub fn project_totals(&self, year: Option<i32>) -> Result<Vec<ProjectTotal>> {
        let mut st = self.connection().prepare_cached(
            "SELECT id, year, scope, metric, value, written, unit, base_value, base_unit,
                    paragraph_id, quote, qualifier, comparator, sentence
             FROM project_total WHERE (?1 IS NULL OR year = ?1) ORDER BY report_id, id",
        )?;
        let rows = st.query_map([year], |r| {
            Ok(ProjectTotal {
                id: r.get(0)?,
                year: r.get(1)?,
                scope: r.get(2)?,
                metric: r.get(3)?,
                value: r.get(4)?,
                written: r.get(5)?,
                unit: r.get(6)?,
                base_value: r.get(7)?,
                base_unit: r.get(8)?,
                paragraph_id: r.get(9)?,
                quote: r.get(10)?,
                qualifier: r.get(11)?,
                sentence: r.get(13)?,
                comparator: crate::Comparator::from_code(&r.get::<_, String>(12)?).map_err(
                    |e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            12,
                            rusqlite::types::Type::Text,
                            e.to_string().into(),
                        )
                    },
                )?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
