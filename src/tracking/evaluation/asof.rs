//! Evaluation "as known at" an instant: the SQL that decides which records count
//! (see "As known at" in the [module docs](super)).

use super::EvaluationConfig;
use crate::error::{Error, Result};
use crate::time::check_datetime;
use crate::tracking::progress::instant_sql;

impl EvaluationConfig {
    /// [`EvaluationConfig::known_at`] as the instant records are compared with (see
    /// [`instant_sql`]): a date alone stands for its last second.
    pub(super) fn known_instant(&self, conn: &rusqlite::Connection) -> Result<Option<String>> {
        let Some(k) = &self.known_at else {
            return Ok(None);
        };
        check_datetime(k, "evaluation known_at")?;
        if k.len() == 10 {
            return Ok(Some(format!("{k} 23:59:59")));
        }
        let instant: Option<String> = conn
            .prepare_cached(&format!("SELECT {}", instant_sql("?1")))?
            .query_row([k], |r| r.get(0))?;
        instant.map(Some).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "evaluation known_at: {k:?} is not a date-time of the form \
                 2024-06-30T23:59:59+08:00"
            ))
        })
    }
}

/// SQL: record `a` is known at the instant in parameter `k`.
fn known_sql(a: &str, k: &str) -> String {
    format!("{} <= {k}", instant_sql(&format!("{a}.reported_at")))
}

/// SQL: record `a` is effective — not superseded — or, with the instant in parameter `k`,
/// effective at that instant: known by then, and no correction of it known by then. Without
/// `k` the statement is the one of every record, with nothing to evaluate per row for
/// `known_at` (the as-of terms cost about a third more on a long scan).
pub(crate) fn effective_sql(a: &str, k: Option<&str>) -> String {
    match k {
        None => format!("NOT EXISTS (SELECT 1 FROM progress sup WHERE sup.supersedes_id = {a}.id)"),
        Some(k) => format!(
            "{} AND NOT EXISTS (SELECT 1 FROM progress sup WHERE sup.supersedes_id = {a}.id \
             AND {})",
            known_sql(a, k),
            known_sql("sup", k)
        ),
    }
}

/// The parameters of a statement made with [`effective_sql`]: `first`, then the instant when
/// there is one (its parameter is the last).
pub(crate) fn with_known<'a>(
    first: &[&'a dyn rusqlite::ToSql],
    known: &'a Option<String>,
) -> Vec<&'a dyn rusqlite::ToSql> {
    let mut v = first.to_vec();
    if let Some(k) = known {
        v.push(k);
    }
    v
}
