//! One question across kinds: what is due in a date range — commitments, targets, projects.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};

/// The kinds of record [`Db::due`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A commitment (every one has a deadline: stated, or the plan year's end).
    Commitment,
    /// A target with a stated deadline.
    Target,
    /// A project with a stated deadline.
    Project,
}

impl TextCode for DueKind {
    const ALL: &'static [DueKind] = &[DueKind::Commitment, DueKind::Target, DueKind::Project];
    const WHAT: &'static str = "due kind";

    fn code(self) -> &'static str {
        match self {
            DueKind::Commitment => "commitment",
            DueKind::Target => "target",
            DueKind::Project => "project",
        }
    }
}
crate::code::inherent_text_code!(DueKind);

/// Which records [`Db::due`] returns; every field narrows.
///
/// ```
/// use govreport::{Db, DueFilter};
///
/// // What is due by the end of June 2024: the deadlines the report states.
/// let db = Db::open_default()?;
/// let due = db.due(&DueFilter { before: Some("2024-07-01".into()), ..Default::default() })?;
/// assert!(due.iter().any(|d| d.quote == "6月底前完成2023年老旧小区改造项目"));
/// # Ok::<(), govreport::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueFilter {
    /// Deadlines before this ISO date (not included).
    pub before: Option<String>,
    /// Deadlines on or after this ISO date.
    pub after: Option<String>,
    /// Only these kinds; empty: all three.
    pub kinds: Vec<DueKind>,
    /// Only this report.
    pub report_id: Option<i64>,
    /// Only part 三's area （N） (commitments, targets and projects of that area).
    pub area: Option<i64>,
    /// Only deadlines the text states (leaves out the commitments defaulted to the year end).
    pub stated_only: bool,
}

/// One record with a deadline (the export's `due` record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem {
    /// What the record is.
    pub kind: DueKind,
    /// Its id (the id its getter takes: `Db::commitment`, `Db::target`, `Db::project`).
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// The ISO deadline.
    pub deadline: String,
    /// The deadline words as written, when the text states one.
    pub deadline_text: Option<String>,
    /// `text` (stated) or `year_end` (a commitment's default).
    pub deadline_source: super::DeadlineSource,
    /// A short name: a commitment's action, a target's metric, a project's name.
    pub title: String,
    /// The record's quote, verbatim.
    pub quote: String,
    /// Part 三's area, where the record is in one.
    pub area: Option<i64>,
    /// For a target or project: the commitment its quote lies in.
    pub commitment_id: Option<i64>,
}

impl Db {
    /// Every commitment, target and project with a deadline in `[after, before)` that `f`
    /// selects, by deadline, then kind (commitment, target, project), then id. Dates must be
    /// ISO (`2024-07-01`); an unknown report is [`Error::NotFound`].
    pub fn due(&self, f: &DueFilter) -> Result<Vec<DueItem>> {
        for d in [&f.before, &f.after].into_iter().flatten() {
            crate::figures::check_iso_date(d)?;
        }
        if let (Some(a), Some(b)) = (&f.after, &f.before)
            && a >= b
        {
            return Err(Error::InvalidArgument(format!(
                "after {a} is not before before {b}: the range [after, before) is empty"
            )));
        }
        if let Some(id) = f.report_id {
            self.require_report(id)?;
        }
        let wanted = |k: DueKind| f.kinds.is_empty() || f.kinds.contains(&k);
        let in_commitment = |kind: &str| {
            format!(
                "(SELECT min(l.commitment_id) FROM commitment_link l
                  WHERE l.subject_kind = '{kind}' AND l.subject_id = x.id)"
            )
        };
        let mut parts = Vec::new();
        if wanted(DueKind::Commitment) {
            parts.push(
                "SELECT 'commitment', x.id, x.report_id, x.deadline, x.deadline_text,
                        x.deadline_source, x.action, x.quote, x.area, NULL
                 FROM commitment x"
                    .to_string(),
            );
        }
        if wanted(DueKind::Target) {
            parts.push(format!(
                "SELECT 'target', x.id, x.report_id, x.deadline, x.deadline_text, 'text',
                        x.metric, x.quote, x.area, {}
                 FROM figure x WHERE x.kind = 'target' AND x.deadline IS NOT NULL",
                in_commitment("target")
            ));
        }
        if wanted(DueKind::Project) {
            parts.push(format!(
                "SELECT 'project', x.id, x.report_id, x.deadline, x.deadline_text, 'text',
                        x.name, x.quote, x.area, {}
                 FROM project x WHERE x.deadline IS NOT NULL",
                in_commitment("project")
            ));
        }
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        // Kind order for ties: commitment, target, project.
        let sql = format!(
            "WITH d(kind, id, report_id, deadline, deadline_text, source, title, quote, area,
                    commitment_id) AS ({})
             SELECT * FROM d
             WHERE (?1 IS NULL OR d.deadline < ?1) AND (?2 IS NULL OR d.deadline >= ?2)
               AND (?3 IS NULL OR d.report_id = ?3) AND (?4 IS NULL OR d.area = ?4)
               AND (?5 = 0 OR d.source = 'text')
             ORDER BY d.deadline,
                      CASE d.kind WHEN 'commitment' THEN 0 WHEN 'target' THEN 1 ELSE 2 END,
                      d.id",
            parts.join(" UNION ALL ")
        );
        let mut st = self.connection().prepare_cached(&sql)?;
        let rows = st.query_map(
            params![f.before, f.after, f.report_id, f.area, f.stated_only],
            |r| {
                let kind: String = r.get(0)?;
                let source: String = r.get(5)?;
                let bad = |i: usize, e: Error| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                };
                Ok(DueItem {
                    kind: DueKind::from_code(&kind).map_err(|e| bad(0, e))?,
                    id: r.get(1)?,
                    report_id: r.get(2)?,
                    deadline: r.get(3)?,
                    deadline_text: r.get(4)?,
                    deadline_source: super::DeadlineSource::from_code(&source)
                        .map_err(|e| bad(5, e))?,
                    title: r.get(6)?,
                    quote: r.get(7)?,
                    area: r.get(8)?,
                    commitment_id: r.get(9)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
