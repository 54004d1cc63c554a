//! The glossary: the report's 名词解释 entries with their enumerated parts and every
//! paragraph that uses them, and the numbered slogans it uses without defining.
//!
//! ```
//! let db = govreport::Db::open_default()?;
//! let terms = db.glossary()?;
//! assert_eq!(terms.len(), 14);
//! let t = terms.iter().find(|t| t.term == "13369").unwrap();
//! assert_eq!(t.parts.len(), 5);
//! assert!(!t.mentions.is_empty());
//! # Ok::<(), govreport::Error>(())
//! ```

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::report::Paragraph;

/// One enumerated part of a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossaryPart {
    /// The label the text introduces the part with (`1`, `四区`), if any.
    pub label: Option<String>,
    /// The part's text, verbatim from the definition.
    pub text: String,
}

/// One 名词解释 entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossaryTerm {
    /// The entry number (1…14); the export and search use it as the term's id.
    pub n: i64,
    /// Record id of the term.
    pub id: i64,
    /// The term as written (`“1+N”产业布局`).
    pub term: String,
    /// The definition as written: the entry's text after `term。`.
    pub definition: String,
    /// The enumerated parts.
    pub parts: Vec<GlossaryPart>,
    /// Ids of the paragraphs outside 名词解释 that use the term, in order.
    pub mentions: Vec<i64>,
    /// The paragraph of the entry itself.
    pub paragraph_id: i64,
}

/// A numbered slogan the report uses without defining it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UndefinedTerm {
    /// Record id.
    pub id: i64,
    /// The slogan as written (`两个确保`).
    pub term: String,
    /// A clause of the first paragraph that uses it.
    pub first_quote: String,
    /// That paragraph.
    pub first_paragraph_id: i64,
}

impl Db {
    fn term_from_row(&self, r: &rusqlite::Row<'_>) -> rusqlite::Result<GlossaryTerm> {
        Ok(GlossaryTerm {
            id: r.get(0)?,
            n: r.get(1)?,
            term: r.get(2)?,
            definition: r.get(3)?,
            paragraph_id: r.get(4)?,
            parts: Vec::new(),
            mentions: Vec::new(),
        })
    }

    fn fill_term(&self, t: &mut GlossaryTerm) -> Result<()> {
        let mut st = self.connection().prepare_cached(
            "SELECT label, text FROM glossary_part WHERE term_id = ?1 ORDER BY ordinal",
        )?;
        t.parts = st
            .query_map([t.id], |r| {
                Ok(GlossaryPart {
                    label: r.get(0)?,
                    text: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.connection().prepare_cached(
            "SELECT paragraph_id FROM glossary_mention WHERE term_id = ?1 ORDER BY paragraph_id",
        )?;
        t.mentions = st
            .query_map([t.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(())
    }

    /// Every glossary entry of every report, by report and number.
    pub fn glossary(&self) -> Result<Vec<GlossaryTerm>> {
        let mut st = self.connection().prepare_cached(
            "SELECT id, n, term, definition, paragraph_id FROM glossary_term
             ORDER BY report_id, n",
        )?;
        let mut terms: Vec<GlossaryTerm> = st
            .query_map([], |r| self.term_from_row(r))?
            .collect::<rusqlite::Result<_>>()?;
        for t in &mut terms {
            self.fill_term(t)?;
        }
        Ok(terms)
    }

    /// One glossary entry of the first report by its number (1…14).
    pub fn glossary_term(&self, n: i64) -> Result<GlossaryTerm> {
        let mut t = self
            .connection()
            .prepare_cached(
                "SELECT id, n, term, definition, paragraph_id FROM glossary_term
                 WHERE n = ?1 ORDER BY report_id LIMIT 1",
            )?
            .query_row([n], |r| self.term_from_row(r))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("glossary entry {n}")))?;
        self.fill_term(&mut t)?;
        Ok(t)
    }

    /// The paragraphs that use glossary entry `n`, in order.
    pub fn term_paragraphs(&self, n: i64) -> Result<Vec<Paragraph>> {
        self.glossary_term(n)?
            .mentions
            .iter()
            .map(|&id| self.paragraph(id))
            .collect()
    }

    /// The numbered slogans used without definition, in the order of the seed file.
    pub fn undefined_terms(&self) -> Result<Vec<UndefinedTerm>> {
        let mut st = self.connection().prepare_cached(
            "SELECT id, term, first_quote, first_paragraph_id FROM undefined_term
             ORDER BY report_id, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(UndefinedTerm {
                id: r.get(0)?,
                term: r.get(1)?,
                first_quote: r.get(2)?,
                first_paragraph_id: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
