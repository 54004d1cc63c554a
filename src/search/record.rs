//! Opening a search hit: [`Record`], any searchable record, and [`Db::record`].

use serde::Serialize;

use super::SearchKind;
use crate::db::Db;
use crate::error::{Error, Result};

/// A record of any searchable kind, as [`Db::record`] returns it. Serializes as the record
/// itself (the object the export and the single-record getters give).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Record {
    /// A paragraph of the report text.
    Paragraph(crate::report::Paragraph),
    /// A target of the plan year.
    Target(crate::figures::Figure),
    /// A result of the review year.
    Result(crate::figures::Figure),
    /// A project.
    Project(crate::projects::Project),
    /// A place.
    Place(crate::places::Place),
    /// A glossary (名词解释) entry.
    Glossary(crate::glossary::GlossaryTerm),
}

impl Record {
    /// The kind of the record.
    pub fn kind(&self) -> SearchKind {
        match self {
            Record::Paragraph(_) => SearchKind::Paragraph,
            Record::Target(_) => SearchKind::Target,
            Record::Result(_) => SearchKind::Result,
            Record::Project(_) => SearchKind::Project,
            Record::Place(_) => SearchKind::Place,
            Record::Glossary(_) => SearchKind::Glossary,
        }
    }
}

impl Db {
    /// The record a search hit names, by its `(kind, id)`: one call in place of the five
    /// getters. An unknown id is an [`Error::NotFound`].
    ///
    /// ```
    /// use govreport::{Db, SearchOptions};
    /// use govreport::search::Record;
    ///
    /// let db = Db::open_default()?;
    /// for hit in db.search("二里头", &SearchOptions::default())? {
    ///     let kind = govreport::SearchKind::from_name(&hit.kind)?;
    ///     let record = db.record(kind, hit.id)?;
    ///     assert_eq!(record.kind(), kind);
    /// }
    /// assert!(matches!(db.record(govreport::SearchKind::Glossary, 1)?, Record::Glossary(_)));
    /// # Ok::<(), govreport::Error>(())
    /// ```
    pub fn record(&self, kind: SearchKind, id: i64) -> Result<Record> {
        Ok(match kind {
            SearchKind::Paragraph => Record::Paragraph(self.paragraph(id)?),
            SearchKind::Target => Record::Target(self.target(id)?),
            SearchKind::Result => Record::Result(self.result(id)?),
            SearchKind::Project => Record::Project(self.project(id)?),
            SearchKind::Place => Record::Place(self.place(id)?),
            // By row id, which is unique across reports (`glossary_term` takes the number).
            SearchKind::Glossary => Record::Glossary(
                self.glossary()?
                    .into_iter()
                    .find(|t| t.id == id)
                    .ok_or_else(|| Error::NotFound(format!("glossary entry with id {id}")))?,
            ),
        })
    }
}
