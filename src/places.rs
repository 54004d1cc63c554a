//! Places: the towns, villages, communities and clusters the report names, and the
//! designations (titles, honours, pilot status) each holds or seeks.
//!
//! ```
//! use govreport::{Db, PlaceFilter};
//!
//! let db = Db::open_default()?;
//! let li_wan = db.places(&PlaceFilter { name: Some("李湾村".into()), ..Default::default() })?;
//! assert!(li_wan[0].designations.iter().any(|d| d.name == "全国乡村治理示范村"));
//! # Ok::<(), govreport::Error>(())
//! ```

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::db::Db;
use crate::error::{Error, Result};

/// The kind of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// 镇.
    Town,
    /// 街道.
    Subdistrict,
    /// 村.
    Village,
    /// 社区.
    Community,
    /// 片区: a cluster of villages developed together.
    Cluster,
    /// 示范区: a demonstration zone the district develops (二里头三产融合创新示范区); schema
    /// version 9.
    Zone,
}

impl TextCode for PlaceKind {
    const ALL: &'static [PlaceKind] = &[
        PlaceKind::Town,
        PlaceKind::Subdistrict,
        PlaceKind::Village,
        PlaceKind::Community,
        PlaceKind::Cluster,
        PlaceKind::Zone,
    ];
    const WHAT: &'static str = "place kind";

    /// The code stored in the database.
    fn code(self) -> &'static str {
        match self {
            PlaceKind::Town => "town",
            PlaceKind::Subdistrict => "subdistrict",
            PlaceKind::Village => "village",
            PlaceKind::Community => "community",
            PlaceKind::Cluster => "cluster",
            PlaceKind::Zone => "zone",
        }
    }
}
crate::code::inherent_text_code!(PlaceKind);

/// One designation of a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Designation {
    /// The title as written (`全国乡村治理示范村`).
    pub name: String,
    /// `national`, `provincial` or `municipal`.
    pub level: String,
    /// The year it was awarded or is sought in.
    pub year: i32,
    /// `awarded` or `pursuing`.
    pub status: String,
    /// The paragraph the quote is in.
    pub paragraph_id: i64,
    /// The verbatim clause.
    pub quote: String,
    /// The whole sentence of the paragraph around the quote.
    pub sentence: String,
}

/// One named place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Record id.
    pub id: i64,
    /// Name as written.
    pub name: String,
    /// What kind of place.
    pub kind: PlaceKind,
    /// The parent town where the text gives it.
    pub town: Option<String>,
    /// For clusters: how many villages the text says it has.
    pub village_count: Option<i64>,
    /// Its designations, in the order of the seed file.
    pub designations: Vec<Designation>,
    /// The paragraph of the quote.
    pub paragraph_id: i64,
    /// The clause that names it.
    pub quote: String,
    /// The whole sentence of the paragraph around the quote.
    pub sentence: String,
}

/// Which places to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceFilter {
    /// Only this report.
    pub report_id: Option<i64>,
    /// Only this kind.
    pub kind: Option<PlaceKind>,
    /// Only places in this town (as written).
    pub town: Option<String>,
    /// Only places whose name contains this.
    pub name: Option<String>,
    /// Only places holding a designation of this level (`national` …).
    pub designation_level: Option<String>,
}

fn place_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Place> {
    let kind: String = r.get(2)?;
    Ok(Place {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: PlaceKind::from_code(&kind).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                e.to_string().into(),
            )
        })?,
        town: r.get(3)?,
        village_count: r.get(4)?,
        paragraph_id: r.get(5)?,
        quote: r.get(6)?,
        sentence: r.get(7)?,
        designations: Vec::new(),
    })
}

impl Db {
    fn designations(&self, place_id: i64) -> Result<Vec<Designation>> {
        let mut st = self.connection().prepare_cached(
            "SELECT name, level, year, status, paragraph_id, quote, sentence FROM designation
             WHERE place_id = ?1 ORDER BY ordinal",
        )?;
        let rows = st.query_map([place_id], |r| {
            Ok(Designation {
                name: r.get(0)?,
                level: r.get(1)?,
                year: r.get(2)?,
                status: r.get(3)?,
                paragraph_id: r.get(4)?,
                quote: r.get(5)?,
                sentence: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The places that pass the filter, by id, each with its designations.
    pub fn places(&self, f: &PlaceFilter) -> Result<Vec<Place>> {
        if let Some(level) = &f.designation_level
            && !["national", "provincial", "municipal"].contains(&level.as_str())
        {
            return Err(Error::InvalidArgument(format!(
                "designation level must be national, provincial or municipal, not {level:?}"
            )));
        }
        let mut st = self.connection().prepare_cached(
            "SELECT id, name, kind, town, village_count, paragraph_id, quote, sentence FROM place p
             WHERE (?1 IS NULL OR report_id = ?1)
               AND (?2 IS NULL OR kind = ?2)
               AND (?3 IS NULL OR town = ?3)
               AND (?4 IS NULL OR instr(name, ?4) > 0)
               AND (?5 IS NULL OR EXISTS (SELECT 1 FROM designation d
                                          WHERE d.place_id = p.id AND d.level = ?5))
             ORDER BY report_id, id",
        )?;
        let rows = st.query_map(
            params![
                f.report_id,
                f.kind.map(PlaceKind::code),
                f.town,
                f.name,
                f.designation_level
            ],
            place_from_row,
        )?;
        let mut places: Vec<Place> = rows.collect::<rusqlite::Result<_>>()?;
        for p in &mut places {
            p.designations = self.designations(p.id)?;
        }
        Ok(places)
    }

    /// One place by id; [`Error::NotFound`] if there is none.
    pub fn place(&self, id: i64) -> Result<Place> {
        let mut p = self
            .connection()
            .prepare_cached(
                "SELECT id, name, kind, town, village_count, paragraph_id, quote, sentence
                 FROM place WHERE id = ?1",
            )?
            .query_row([id], place_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("place {id}")))?;
        p.designations = self.designations(id)?;
        Ok(p)
    }
}
