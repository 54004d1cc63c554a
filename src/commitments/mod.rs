//! Commitments: every action the report commits the government to — in part 二 (the goals),
//! 三 (the plan) and 四 (government self-construction), numeric or not — and the sentences that
//! commit nothing (framing), so that no sentence of those parts is silently skipped.
//!
//! A commitment is one sentence of the report (`seeds/README.md` gives the rule and its two
//! exceptions). It carries its area, the leading verb (`action`), its deadline — stated in the
//! text (`deadline_source` `text`) or the plan year's end (`year_end`, as offices default) —
//! and links to the targets, projects and places quoted inside it. `quantitative` means it
//! carries at least one of the report's targets.
//!
//! ```
//! use govreport::{CommitmentFilter, CommitmentKind, Db};
//!
//! let db = Db::open_default()?;
//! let all = db.commitments(&CommitmentFilter::default())?;
//! let wheat = all.iter().find(|c| c.quote.contains("小麦育种繁育基地")).unwrap();
//! // It carries the target 新发展小麦良种面积2万亩 (and 10万亩以上).
//! assert_eq!((wheat.kind, wheat.action.as_str()), (CommitmentKind::Quantitative, "建设"));
//! assert_eq!(wheat.deadline, "2024-12-31"); // no deadline stated: the plan year's end
//! let income = db.commitment(11)?; // a headline goal without a number
//! assert_eq!(income.quote, "居民收入增长与经济增长基本同步");
//! assert_eq!(income.kind, CommitmentKind::Qualitative);
//! # Ok::<(), govreport::Error>(())
//! ```
//!
//! [`Db::due`] asks one question across commitments, targets and projects;
//! [`decomposition`]: the office's 任务分解表 is written from the commitments and read back
//! as tasks.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};

mod coverage;
pub mod decomposition;
mod due;
pub(crate) mod load;

pub use coverage::{Coverage, UncoveredSentence};
pub use due::{DueFilter, DueItem, DueKind};

/// Whether a commitment carries one of the report's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentKind {
    /// It carries at least one target (a number the plan commits to).
    Quantitative,
    /// It carries none (加快建设…, 推进…, 创建…).
    Qualitative,
}

impl TextCode for CommitmentKind {
    const ALL: &'static [CommitmentKind] =
        &[CommitmentKind::Quantitative, CommitmentKind::Qualitative];
    const WHAT: &'static str = "commitment kind";

    fn code(self) -> &'static str {
        match self {
            CommitmentKind::Quantitative => "quantitative",
            CommitmentKind::Qualitative => "qualitative",
        }
    }
}
crate::code::inherent_text_code!(CommitmentKind);

/// Where a commitment's deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineSource {
    /// The commitment states it (`6月底前`, `年底前`, `10月底`).
    Text,
    /// None stated: the plan year's 12-31, as offices default.
    YearEnd,
}

impl TextCode for DeadlineSource {
    const ALL: &'static [DeadlineSource] = &[DeadlineSource::Text, DeadlineSource::YearEnd];
    const WHAT: &'static str = "deadline source";

    fn code(self) -> &'static str {
        match self {
            DeadlineSource::Text => "text",
            DeadlineSource::YearEnd => "year_end",
        }
    }
}
crate::code::inherent_text_code!(DeadlineSource);

/// Why a sentence of parts 二–四 commits nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FramingReason {
    /// A part or area title or a run-in sub-heading (加快创新主体倍增。): it names a group of
    /// commitments.
    Heading,
    /// 各位代表！
    Address,
    /// Describes the situation (2024年是…).
    Context,
    /// A guiding idea or general requirement with no action one could check.
    Principle,
    /// Leads to what follows (我们将抓好以下十个方面工作：).
    Transition,
    /// A closing call (让我们…).
    Exhortation,
}

impl TextCode for FramingReason {
    const ALL: &'static [FramingReason] = &[
        FramingReason::Heading,
        FramingReason::Address,
        FramingReason::Context,
        FramingReason::Principle,
        FramingReason::Transition,
        FramingReason::Exhortation,
    ];
    const WHAT: &'static str = "framing reason";

    fn code(self) -> &'static str {
        match self {
            FramingReason::Heading => "heading",
            FramingReason::Address => "address",
            FramingReason::Context => "context",
            FramingReason::Principle => "principle",
            FramingReason::Transition => "transition",
            FramingReason::Exhortation => "exhortation",
        }
    }
}
crate::code::inherent_text_code!(FramingReason);

/// One commitment of a report (the export's `commitments` record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commitment {
    /// Unique across the database (`id_base` + the seed id).
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// The part of the report: 2 (goals), 3 (the plan) or 4 (government self-construction).
    pub part: i64,
    /// Part 三's area （N）, 1–10; `None` in parts 二 and 四.
    pub area: Option<i64>,
    /// The title of the area (part 三) or of the part (二, 四), as written: the 类别 of the
    /// 任务分解表.
    pub area_title: String,
    /// The innermost section of its paragraph.
    pub section_id: i64,
    /// The paragraph its quote is in.
    pub paragraph_id: i64,
    /// The commitment, verbatim: one sentence (or one clause, `seeds/README.md`).
    pub quote: String,
    /// `quantitative` when it carries one of the report's targets.
    pub kind: CommitmentKind,
    /// The leading verb as written (建设, 推进, 完成, 创建 …).
    pub action: String,
    /// ISO date: stated in the text, or the plan year's end.
    pub deadline: String,
    /// The deadline words as written (`6月底前`), when the text states one.
    pub deadline_text: Option<String>,
    /// Whether the text states the deadline.
    pub deadline_source: DeadlineSource,
    /// Targets (plan year) whose quotes lie inside this one.
    pub target_ids: Vec<i64>,
    /// Projects whose quotes lie inside this one.
    pub project_ids: Vec<i64>,
    /// Places whose quotes lie inside this one.
    pub place_ids: Vec<i64>,
    /// The whole sentence of the paragraph around the quote.
    pub sentence: String,
}

/// One sentence of parts 二–四 that commits nothing (the export's `framing` record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framing {
    /// The report it belongs to.
    pub report_id: i64,
    /// The paragraph the sentence is in.
    pub paragraph_id: i64,
    /// The sentence, verbatim.
    pub quote: String,
    /// Why it commits nothing.
    pub reason: FramingReason,
}

/// Which commitments [`Db::commitments`] returns; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitmentFilter {
    /// Only this report.
    pub report_id: Option<i64>,
    /// Only this part (2, 3 or 4).
    pub part: Option<i64>,
    /// Only part 三's area （N）.
    pub area: Option<i64>,
    /// Only this kind.
    pub kind: Option<CommitmentKind>,
    /// Only commitments whose quote or action contains this text.
    pub text: Option<String>,
}

/// The select list of a commitment, with its links and area title (`c` is `commitment`).
const COMMITMENT_SELECT_LIST: &str = "c.id, c.report_id, c.part, c.area,
    coalesce((SELECT s.title FROM section s WHERE s.report_id = c.report_id
              AND ((c.area IS NOT NULL AND s.kind = 'area' AND s.number = c.area)
                   OR (c.area IS NULL AND s.kind = 'part' AND s.number = c.part))), ''),
    c.section_id, c.paragraph_id, c.quote, c.kind, c.action, c.deadline, c.deadline_text,
    c.deadline_source,
    (SELECT json_group_array(subject_id) FROM (SELECT l.subject_id FROM commitment_link l
     WHERE l.commitment_id = c.id AND l.subject_kind = 'target' ORDER BY l.subject_id)),
    (SELECT json_group_array(subject_id) FROM (SELECT l.subject_id FROM commitment_link l
     WHERE l.commitment_id = c.id AND l.subject_kind = 'project' ORDER BY l.subject_id)),
    (SELECT json_group_array(subject_id) FROM (SELECT l.subject_id FROM commitment_link l
     WHERE l.commitment_id = c.id AND l.subject_kind = 'place' ORDER BY l.subject_id)),
    c.sentence";

fn ids(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Vec<i64>> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn code_of<T: TextCode>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    T::from_code(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn commitment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Commitment> {
    Ok(Commitment {
        id: r.get(0)?,
        report_id: r.get(1)?,
        part: r.get(2)?,
        area: r.get(3)?,
        area_title: r.get(4)?,
        section_id: r.get(5)?,
        paragraph_id: r.get(6)?,
        quote: r.get(7)?,
        kind: code_of(r, 8)?,
        action: r.get(9)?,
        deadline: r.get(10)?,
        deadline_text: r.get(11)?,
        deadline_source: code_of(r, 12)?,
        target_ids: ids(r, 13)?,
        project_ids: ids(r, 14)?,
        place_ids: ids(r, 15)?,
        sentence: r.get(16)?,
    })
}

impl Db {
    /// The commitments that match `f`, in report order (part, area, then position in the
    /// text). An unknown `report_id` is [`Error::NotFound`].
    pub fn commitments(&self, f: &CommitmentFilter) -> Result<Vec<Commitment>> {
        if let Some(id) = f.report_id {
            self.require_report(id)?;
        }
        if let Some(part) = f.part.filter(|p| !(2..=4).contains(p)) {
            return Err(Error::InvalidArgument(format!(
                "part {part}: commitments are in parts 2 (goals), 3 (the plan) and 4 \
                 (government self-construction)"
            )));
        }
        if let Some(area) = f.area.filter(|a| !(1..=10).contains(a)) {
            return Err(Error::InvalidArgument(format!(
                "area {area}: part 三 has areas 1–10"
            )));
        }
        let sql = format!(
            "SELECT {COMMITMENT_SELECT_LIST} FROM commitment c
             JOIN paragraph p ON p.id = c.paragraph_id
             WHERE (?1 IS NULL OR c.report_id = ?1) AND (?2 IS NULL OR c.part = ?2)
               AND (?3 IS NULL OR c.area = ?3) AND (?4 IS NULL OR c.kind = ?4)
               AND (?5 IS NULL OR instr(c.quote, ?5) > 0 OR instr(c.action, ?5) > 0)
             ORDER BY c.report_id, p.ordinal, c.quote_start"
        );
        let mut st = self.connection().prepare_cached(&sql)?;
        let rows = st.query_map(
            params![
                f.report_id,
                f.part,
                f.area,
                f.kind.map(|k| k.code()),
                f.text
            ],
            commitment_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One commitment by id; [`Error::NotFound`] if there is none.
    pub fn commitment(&self, id: i64) -> Result<Commitment> {
        let sql = format!("SELECT {COMMITMENT_SELECT_LIST} FROM commitment c WHERE c.id = ?1");
        self.connection()
            .prepare_cached(&sql)?
            .query_row([id], commitment_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("commitment {id}")))
    }

    /// The framing sentences (of one report, or all), in text order.
    pub fn framing(&self, report_id: Option<i64>) -> Result<Vec<Framing>> {
        if let Some(id) = report_id {
            self.require_report(id)?;
        }
        let mut st = self.connection().prepare_cached(
            "SELECT f.report_id, f.paragraph_id, f.quote, f.reason FROM framing f
             JOIN paragraph p ON p.id = f.paragraph_id
             WHERE ?1 IS NULL OR f.report_id = ?1
             ORDER BY f.report_id, p.ordinal, f.quote_start",
        )?;
        let rows = st.query_map([report_id], |r| {
            Ok(Framing {
                report_id: r.get(0)?,
                paragraph_id: r.get(1)?,
                quote: r.get(2)?,
                reason: code_of(r, 3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
