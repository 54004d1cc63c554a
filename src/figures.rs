//! Targets (numbers a report commits to for its plan year) and results (numbers its review
//! reports for the year before). Both are *figures*: one number each, with its unit, its
//! qualifier and the sentence it came from.
//!
//! ```
//! use govreport::{Db, FigureFilter};
//!
//! let db = Db::open_default()?;
//! // The headline goals of part 二 have no area.
//! let headline = db.targets(&FigureFilter { headline_only: true, ..Default::default() })?;
//! let gdp = &headline[0];
//! assert_eq!((gdp.value, gdp.unit.as_str(), gdp.qualifier.as_deref()), (6.0, "%", Some("左右")));
//! assert!(gdp.quote.contains("地区生产总值增长6%左右"));
//! # Ok::<(), govreport::Error>(())
//! ```

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::report::Paragraph;

/// Target (plan year) or result (review year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// A number the report commits to for its plan year.
    Target,
    /// A number the review reports for the year before.
    Result,
}

impl TextCode for FigureKind {
    const ALL: &'static [FigureKind] = &[FigureKind::Target, FigureKind::Result];
    const WHAT: &'static str = "figure kind";

    /// The code in the `figure.kind` column.
    fn code(self) -> &'static str {
        match self {
            FigureKind::Target => "target",
            FigureKind::Result => "result",
        }
    }
}
crate::code::inherent_text_code!(FigureKind);

/// What a figure's qualifier means for comparing an actual value with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// 左右: about the value.
    Approximately,
    /// 以上, 不低于, 不少于: the value or more.
    AtLeast,
    /// 控制在, 以内, 以下: the value or less.
    AtMost,
    /// 突破, 超过, 余, 多: strictly more than the value.
    MoreThan,
    /// A plain number.
    Exactly,
}

impl TextCode for Comparator {
    const ALL: &'static [Comparator] = &[
        Comparator::Approximately,
        Comparator::AtLeast,
        Comparator::AtMost,
        Comparator::MoreThan,
        Comparator::Exactly,
    ];
    const WHAT: &'static str = "comparator";

    /// The code stored in the database (`at_least` …).
    fn code(self) -> &'static str {
        match self {
            Comparator::Approximately => "approximately",
            Comparator::AtLeast => "at_least",
            Comparator::AtMost => "at_most",
            Comparator::MoreThan => "more_than",
            Comparator::Exactly => "exactly",
        }
    }
}
crate::code::inherent_text_code!(Comparator);

/// What kind of quantity a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A change: 增长6%, 提高0.5个百分点.
    GrowthRate,
    /// A rate or share that is a level: 覆盖率80%, 达标率100%.
    Share,
    /// A total or stock: 总数达15家, 社会消费品零售总额177亿元.
    Level,
    /// A number of things to add, build or do: 新增18家, 建成2家.
    Count,
}

impl TextCode for Measure {
    const ALL: &'static [Measure] = &[
        Measure::GrowthRate,
        Measure::Share,
        Measure::Level,
        Measure::Count,
    ];
    const WHAT: &'static str = "measure";

    /// The code stored in the database (`growth_rate` …).
    fn code(self) -> &'static str {
        match self {
            Measure::GrowthRate => "growth_rate",
            Measure::Share => "share",
            Measure::Level => "level",
            Measure::Count => "count",
        }
    }
}
crate::code::inherent_text_code!(Measure);

/// One target or result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Record id (stable; the export and search use it).
    pub id: i64,
    /// Target or result.
    pub kind: FigureKind,
    /// The year the number is for (2024 for targets, 2023 for results of the first report).
    pub year: i32,
    /// Targets: the work area （1…10） of part 三, `None` for part 二's headline goals.
    /// Results: the theme 1…6 of part 一, `None` for the opening summary.
    pub area: Option<i64>,
    /// The innermost section of the paragraph the quote is in.
    pub section_id: i64,
    /// The paragraph the quote is in.
    pub paragraph_id: i64,
    /// What is measured, in Chinese (`地区生产总值增速`).
    pub metric: String,
    /// The number in the unit as written.
    pub value: f64,
    /// The characters of the quote that state the number (`7400人`).
    pub written: String,
    /// Unit as written (`%`, `亿元`, `家` …).
    pub unit: String,
    /// Qualifying words as written (`左右`, `力争/以上`).
    pub qualifier: Option<String>,
    /// What the qualifier means.
    pub comparator: Comparator,
    /// What kind of quantity this is.
    pub measure: Measure,
    /// The value in `base_unit` (亿元 -> 元 …).
    pub base_value: f64,
    /// The base unit.
    pub base_unit: String,
    /// ISO date of the deadline the text gives (`6月底前` -> `2024-06-30`).
    pub deadline: Option<String>,
    /// The deadline words as written.
    pub deadline_text: Option<String>,
    /// The verbatim clause the figure comes from.
    pub quote: String,
    /// The whole sentence of the paragraph around the quote.
    pub sentence: String,
    /// The section path of the paragraph (`三、2024年重点工作安排 / （五）聚焦乡村全面振兴 / …`).
    pub section_path: String,
}

/// Which figures to list. Every field narrows the list; the default lists all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FigureFilter {
    /// Only this report.
    pub report_id: Option<i64>,
    /// Only this area (targets) or theme (results).
    pub area: Option<i64>,
    /// Only figures with no area: part 二's headline goals, part 一's opening summary.
    pub headline_only: bool,
    /// Only this kind of measure.
    pub measure: Option<Measure>,
    /// Only figures with a deadline strictly before this ISO date.
    pub due_before: Option<String>,
    /// Only figures whose metric or quote contains this text.
    pub text: Option<String>,
}

// The section path comes from a correlated subquery, not a join: with a join on a bound
// parameter, SQLite re-prepares the cached statement after rusqlite clears its bindings
// (~25 µs per point lookup, measured by capi/examples/bench_ffi.rs).
macro_rules! figure_select {
    () => {
        concat!(
            "SELECT ",
            "f.id, f.kind, f.year, f.area, f.section_id, f.paragraph_id, \
     f.metric, f.value, f.written, f.unit, f.qualifier, f.comparator, f.measure, f.base_value, \
     f.base_unit, f.deadline, f.deadline_text, f.quote, \
     (SELECT path FROM section s WHERE s.id = f.section_id), f.sentence",
            " FROM figure f"
        )
    };
}

/// One figure by kind and id. A constant, so a point lookup neither formats nor allocates SQL.
const FIGURE_BY_ID: &str = concat!(figure_select!(), " WHERE f.kind = ?1 AND f.id = ?2");

fn figure_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Figure> {
    // Codes are read as borrowed text: no allocation per row for them.
    let kind = r.get_ref(1)?.as_str()?;
    let comparator = r.get_ref(11)?.as_str()?;
    let measure = r.get_ref(12)?.as_str()?;
    let bad = |i: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
    };
    Ok(Figure {
        id: r.get(0)?,
        kind: FigureKind::from_code(kind).map_err(|e| bad(1, e.to_string()))?,
        year: r.get(2)?,
        area: r.get(3)?,
        section_id: r.get(4)?,
        paragraph_id: r.get(5)?,
        metric: r.get(6)?,
        value: r.get(7)?,
        written: r.get(8)?,
        unit: r.get(9)?,
        qualifier: r.get(10)?,
        comparator: Comparator::from_code(comparator).map_err(|e| bad(11, e.to_string()))?,
        measure: Measure::from_code(measure).map_err(|e| bad(12, e.to_string()))?,
        base_value: r.get(13)?,
        base_unit: r.get(14)?,
        deadline: r.get(15)?,
        deadline_text: r.get(16)?,
        quote: r.get(17)?,
        section_path: r.get(18)?,
        sentence: r.get(19)?,
    })
}

/// Checks that `date` is an ISO date `YYYY-MM-DD` with a real month and day (the one date
/// check of the crate, shared with tracking).
pub fn check_iso_date(date: &str) -> Result<()> {
    crate::time::Date::parse(date, "date").map(|_| ())
}

impl Db {
    fn figures(&self, kind: FigureKind, f: &FigureFilter) -> Result<Vec<Figure>> {
        if let Some(d) = &f.due_before {
            check_iso_date(d)?;
        }
        if let Some(a) = f.area
            && !(1..=10).contains(&a)
        {
            return Err(Error::InvalidArgument(format!(
                "area must be 1 to 10, not {a}"
            )));
        }
        let sql = concat!(
            figure_select!(),
            " WHERE f.kind = ?1
               AND (?2 IS NULL OR f.report_id = ?2)
               AND (?3 IS NULL OR f.area = ?3)
               AND (?4 = 0 OR f.area IS NULL)
               AND (?5 IS NULL OR f.measure = ?5)
               AND (?6 IS NULL OR (f.deadline IS NOT NULL AND f.deadline < ?6))
               AND (?7 IS NULL OR instr(f.metric, ?7) > 0 OR instr(f.quote, ?7) > 0)
             ORDER BY f.report_id, f.id"
        );
        let mut st = self.connection().prepare_cached(sql)?;
        let rows = st.query_map(
            params![
                kind.code(),
                f.report_id,
                f.area,
                f.headline_only,
                f.measure.map(Measure::code),
                f.due_before,
                f.text
            ],
            figure_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn figure(&self, kind: FigureKind, id: i64) -> Result<Figure> {
        self.connection()
            .prepare_cached(FIGURE_BY_ID)?
            .query_row(params![kind.code(), id], figure_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("{} {id}", kind.code())))
    }

    /// The targets (plan year) that pass the filter, by id.
    pub fn targets(&self, filter: &FigureFilter) -> Result<Vec<Figure>> {
        self.figures(FigureKind::Target, filter)
    }

    /// The results (review year) that pass the filter, by id.
    pub fn results(&self, filter: &FigureFilter) -> Result<Vec<Figure>> {
        self.figures(FigureKind::Result, filter)
    }

    /// One target by id; [`Error::NotFound`] if there is none.
    pub fn target(&self, id: i64) -> Result<Figure> {
        self.figure(FigureKind::Target, id)
    }

    /// One result by id; [`Error::NotFound`] if there is none.
    pub fn result(&self, id: i64) -> Result<Figure> {
        self.figure(FigureKind::Result, id)
    }

    /// The paragraph a figure comes from.
    pub fn figure_paragraph(&self, figure: &Figure) -> Result<Paragraph> {
        self.paragraph(figure.paragraph_id)
    }
}
