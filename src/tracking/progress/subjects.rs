//! The subjects a batch of progress records is about, looked up once.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::SubjectKind;
use crate::error::Result;
use crate::units::base_of;

/// What a record needs to know about its subject.
pub(super) struct Subject {
    /// The plan year: period years must equal it.
    pub(super) year: i32,
    /// Targets and tasks: unit, its multiplier to the base unit and the base unit.
    pub(super) unit: Option<(String, f64, String)>,
}

/// The subjects a batch has looked up. The first [`POINT_LOOKUPS`] records of a kind are checked
/// with one indexed query each, so that a single append reads only its own subject; past that
/// the whole kind is loaded once into a map, which is cheaper for a large batch.
#[derive(Default)]
pub(super) struct Subjects {
    maps: [Option<HashMap<i64, Subject>>; 5],
    point_lookups: [usize; 5],
    /// The subject found by the last point lookup.
    last: Option<Subject>,
}

/// Point lookups per kind before a batch loads every subject of that kind.
const POINT_LOOKUPS: usize = 64;

impl Subjects {
    /// `(id, plan year, unit)` of every subject of a kind (`all`), or of the one whose id is
    /// `?1`.
    fn sql(kind: SubjectKind, all: bool) -> &'static str {
        match (kind, all) {
            (SubjectKind::Target, true) => {
                "SELECT id, year, unit FROM figure WHERE kind = 'target'"
            }
            (SubjectKind::Target, false) => {
                "SELECT id, year, unit FROM figure WHERE kind = 'target' AND id = ?1"
            }
            (SubjectKind::Task, true) => {
                "SELECT t.id, r.plan_year, t.unit FROM task t JOIN report r ON r.id = t.report_id"
            }
            (SubjectKind::Task, false) => {
                "SELECT t.id, r.plan_year, t.unit FROM task t JOIN report r ON r.id = t.report_id
                 WHERE t.id = ?1"
            }
            (SubjectKind::Project, true) => {
                "SELECT p.id, r.plan_year, NULL FROM project p JOIN report r ON r.id = p.report_id"
            }
            (SubjectKind::Project, false) => {
                "SELECT p.id, r.plan_year, NULL FROM project p JOIN report r ON r.id = p.report_id
                 WHERE p.id = ?1"
            }
            (SubjectKind::RegisterProject, true) => {
                "SELECT p.id, r.plan_year, NULL FROM register_project p
                 JOIN report r ON r.id = p.report_id"
            }
            (SubjectKind::RegisterProject, false) => {
                "SELECT p.id, r.plan_year, NULL FROM register_project p
                 JOIN report r ON r.id = p.report_id WHERE p.id = ?1"
            }
            (SubjectKind::Commitment, true) => {
                "SELECT c.id, r.plan_year, NULL FROM commitment c JOIN report r ON r.id = c.report_id"
            }
            (SubjectKind::Commitment, false) => {
                "SELECT c.id, r.plan_year, NULL FROM commitment c JOIN report r ON r.id = c.report_id
                 WHERE c.id = ?1"
            }
        }
    }

    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Subject)> {
        let unit: Option<String> = r.get(2)?;
        Ok((
            r.get(0)?,
            Subject {
                year: r.get(1)?,
                unit: unit.map(|u| {
                    let (base, mult) = base_of(&u);
                    let base = base.to_string();
                    (u, mult, base)
                }),
            },
        ))
    }

    fn load(conn: &Connection, kind: SubjectKind) -> Result<HashMap<i64, Subject>> {
        let mut st = conn.prepare(Self::sql(kind, true))?;
        let rows = st.query_map([], Self::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The subject `id` of `kind`, or `None` when there is none.
    pub(super) fn get(
        &mut self,
        conn: &Connection,
        kind: SubjectKind,
        id: i64,
    ) -> Result<Option<&Subject>> {
        let k = kind as usize;
        if self.maps[k].is_none() {
            if self.point_lookups[k] < POINT_LOOKUPS {
                self.point_lookups[k] += 1;
                self.last = conn
                    .prepare_cached(Self::sql(kind, false))?
                    .query_row([id], Self::from_row)
                    .optional()?
                    .map(|(_, s)| s);
                return Ok(self.last.as_ref());
            }
            self.maps[k] = Some(Self::load(conn, kind)?);
        }
        Ok(self.maps[k].as_ref().and_then(|m| m.get(&id)))
    }
}
