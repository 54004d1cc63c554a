//! The checks of a correction (`supersedes_id`), and the instant a `reported_at` stands for.

use rusqlite::{Connection, OptionalExtension, params};

use super::{SubjectKind, invalid};
use crate::error::{Error, Result};

pub(super) fn check_supersedes(
    conn: &Connection,
    n: usize,
    kind: SubjectKind,
    subject: i64,
    s: i64,
    reported_at: &str,
) -> Result<()> {
    /// The record a correction names, as read for the checks.
    struct Corrected {
        kind: String,
        subject: i64,
        superseded_by: Option<i64>,
        reported_at: String,
        /// Its instant and the correction's ([`instant_sql`]).
        instants: (Option<String>, Option<String>),
    }
    // The instants of both reports, so that a correction cannot be reported before the
    // record it corrects: the evaluation "as known at" a date relies on it.
    let found: Option<Corrected> = conn
        .prepare_cached(&format!(
            "SELECT subject_kind, subject_id,
                    (SELECT c.id FROM progress c WHERE c.supersedes_id = p.id), reported_at,
                    {}, {}
             FROM progress p WHERE id = ?1",
            instant_sql("p.reported_at"),
            instant_sql("?2")
        ))?
        .query_row(params![s, reported_at], |r| {
            Ok(Corrected {
                kind: r.get(0)?,
                subject: r.get(1)?,
                superseded_by: r.get(2)?,
                reported_at: r.get(3)?,
                instants: (r.get(4)?, r.get(5)?),
            })
        })
        .optional()?;
    let Some(Corrected {
        kind: k,
        subject: id,
        superseded_by: by,
        reported_at: their_at,
        instants: (theirs, mine),
    }) = found
    else {
        return Err(Error::NotFound(format!(
            "progress record {n}, supersedes_id: progress {s} does not exist"
        )));
    };
    if k != kind.code() || id != subject {
        return Err(invalid(
            n,
            "supersedes_id",
            format!(
                "progress {s} is about {k} {id}, not {} {subject}: a correction must \
                 supersede a record of the same subject",
                kind.code()
            ),
        ));
    }
    if let Some(by) = by {
        return Err(invalid(
            n,
            "supersedes_id",
            format!("progress {s} is already superseded by {by}; correct {by} instead"),
        ));
    }
    if let (Some(theirs), Some(mine)) = (theirs, mine)
        && mine < theirs
    {
        return Err(invalid(
            n,
            "reported_at",
            format!(
                "{reported_at} is before {their_at}, when progress {s} (the record it corrects) \
                 was reported: a correction is reported on or after what it corrects (give a \
                 later reported_at, or leave it out for now)"
            ),
        ));
    }
    Ok(())
}

/// SQL for the instant a `reported_at` (the column or parameter `expr`) stands for, as
/// `YYYY-MM-DD HH:MM:SS` in China Standard Time (UTC+08:00, the time the offices' months end
/// in), so that instants compare as text: a date alone is its first second (`2024-03-31` →
/// `2024-03-31 00:00:00`); a date-time without a zone is taken as written; one with a zone
/// (`Z`, `+08:00`, `-05:00`) is converted (`2024-07-31T20:00:00Z` → `2024-08-01 04:00:00`).
/// Fractions of a second are dropped and a leap second `:60` counts as `:59`. NULL only for
/// text that is not an ISO date-time (the library writes none).
pub(crate) fn instant_sql(expr: &str) -> String {
    format!(
        "(CASE WHEN substr({expr}, 11) GLOB '*[Z+-]*' \
         THEN datetime(replace({expr}, ':60', ':59'), '+8 hours') \
         ELSE datetime(replace({expr}, ':60', ':59')) END)"
    )
}
