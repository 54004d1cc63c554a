//! The whole dataset as one JSON document, in the shape README.md documents.
//!
//! Field names are a promise to other programs: fields may be added, never renamed or
//! removed.
//!
//! ```
//! let db = govreport::Db::open_default()?;
//! let json: serde_json::Value = serde_json::from_str(&db.export_json()?)?;
//! assert_eq!(json["report"]["date"], "2024-01-23");
//! assert!(json["targets"].as_array().unwrap().len() > 100);
//! # Ok::<(), govreport::Error>(())
//! ```

use serde::Serialize;

use crate::commitments::{Commitment, CommitmentFilter, Framing};
use crate::db::Db;
use crate::error::Result;
use crate::figures::{Figure, FigureFilter};
use crate::glossary::{GlossaryTerm, UndefinedTerm};
use crate::places::{Place, PlaceFilter};
use crate::projects::{Project, ProjectFilter, ProjectTotal};
use crate::report::{Paragraph, Report, Section};

/// Everything in the database, in export order.
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    /// The first report's metadata.
    pub report: Report,
    /// Every report (the first is `report`).
    pub reports: Vec<Report>,
    /// The outline.
    pub sections: Vec<Section>,
    /// The paragraphs.
    pub paragraphs: Vec<Paragraph>,
    /// Targets for the plan year.
    pub targets: Vec<Figure>,
    /// Results of the review year.
    pub results: Vec<Figure>,
    /// Named projects.
    pub projects: Vec<Project>,
    /// Aggregate figures about sets of projects.
    pub project_totals: Vec<ProjectTotal>,
    /// Named places with their designations.
    pub places: Vec<Place>,
    /// The 名词解释 entries.
    pub glossary: Vec<GlossaryTerm>,
    /// Numbered slogans used without definition.
    pub undefined_terms: Vec<UndefinedTerm>,
    /// Every commitment of parts 二–四 (schema version 9).
    pub commitments: Vec<Commitment>,
    /// The sentences of parts 二–四 that commit nothing, with the reason.
    pub framing: Vec<Framing>,
}

impl Db {
    /// Reads the whole dataset.
    pub fn export(&self) -> Result<Export> {
        let reports = self.reports()?;
        let report = self.report()?;
        let mut sections = Vec::new();
        let mut paragraphs = Vec::new();
        for r in &reports {
            sections.extend(self.sections(r.id)?);
            paragraphs.extend(self.paragraphs(r.id)?);
        }
        Ok(Export {
            report,
            reports,
            sections,
            paragraphs,
            targets: self.targets(&FigureFilter::default())?,
            results: self.results(&FigureFilter::default())?,
            projects: self.projects(&ProjectFilter::default())?,
            project_totals: self.project_totals(None)?,
            places: self.places(&PlaceFilter::default())?,
            glossary: self.glossary()?,
            undefined_terms: self.undefined_terms()?,
            commitments: self.commitments(&CommitmentFilter::default())?,
            framing: self.framing(None)?,
        })
    }

    /// The whole dataset as one pretty-printed JSON document.
    pub fn export_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(&self.export()?)?)
    }
}
