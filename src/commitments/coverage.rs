//! Whether a report's commitments and framing cover what they must: every sentence of parts
//! 二–四 in a commitment or listed as framing, every plan-year target in exactly one
//! commitment.

use serde::Serialize;

use crate::db::Db;
use crate::error::Result;

/// A sentence of parts 二–四 that [`Coverage`] reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UncoveredSentence {
    /// The paragraph it is in.
    pub paragraph_id: i64,
    /// Its offset in the paragraph, in characters.
    pub start: usize,
    /// The sentence.
    pub text: String,
}

/// What [`Db::commitment_coverage`] found. Complete when every list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Sentences of parts 二–四 (the paragraphs split after 。！？).
    pub sentences: usize,
    /// Of these, sentences that overlap a commitment's quote.
    pub committed: usize,
    /// Of these, sentences listed as framing.
    pub framing: usize,
    /// Sentences neither committed nor framing.
    pub uncovered: Vec<UncoveredSentence>,
    /// Sentences both committed and listed as framing.
    pub both: Vec<UncoveredSentence>,
    /// Framing records that are not one whole sentence of parts 二–四.
    pub stray_framing: Vec<UncoveredSentence>,
    /// Plan-year targets that lie in no commitment.
    pub targets_outside: Vec<i64>,
    /// Plan-year targets that lie in more than one commitment.
    pub targets_in_several: Vec<i64>,
}

impl Coverage {
    /// Whether nothing is missing, doubled or stray.
    pub fn is_complete(&self) -> bool {
        self.uncovered.is_empty()
            && self.both.is_empty()
            && self.stray_framing.is_empty()
            && self.targets_outside.is_empty()
            && self.targets_in_several.is_empty()
    }
}

/// The sentences of a paragraph: `(start, end)` in characters, split after 。！？, blank
/// pieces dropped.
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (i, c) in text.chars().enumerate() {
        if current.is_empty() {
            start = i;
        }
        current.push(c);
        if matches!(c, '。' | '！' | '？') {
            out.push((start, i + 1, std::mem::take(&mut current)));
        }
    }
    if !current.trim().is_empty() {
        let end = start + current.chars().count();
        out.push((start, end, current));
    }
    out.retain(|(_, _, s)| !s.trim().is_empty());
    out
}

impl Db {
    /// Checks report `report_id`'s commitments and framing against its text (see
    /// [`Coverage`]). An unknown report is [`crate::Error::NotFound`].
    pub fn commitment_coverage(&self, report_id: i64) -> Result<Coverage> {
        self.require_report(report_id)?;
        let conn = self.connection();
        // Paragraphs of parts 2–4: the part is the top-level ancestor of the section.
        let mut st = conn.prepare(
            "WITH RECURSIVE up(section_id, id, parent_id, kind, number) AS (
                 SELECT s.id, s.id, s.parent_id, s.kind, s.number FROM section s
                 WHERE s.report_id = ?1
                 UNION ALL
                 SELECT up.section_id, s.id, s.parent_id, s.kind, s.number
                 FROM up JOIN section s ON s.id = up.parent_id)
             SELECT p.id, p.text FROM paragraph p
             WHERE p.report_id = ?1 AND EXISTS (SELECT 1 FROM up WHERE up.section_id =
                   p.section_id AND up.parent_id IS NULL AND up.kind = 'part'
                   AND up.number BETWEEN 2 AND 4)
             ORDER BY p.ordinal",
        )?;
        let paragraphs: Vec<(i64, String)> = st
            .query_map([report_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut ranges = conn.prepare_cached(
            "SELECT quote_start, quote_start + length(quote) FROM commitment
             WHERE paragraph_id = ?1",
        )?;
        let mut framed =
            conn.prepare_cached("SELECT quote_start, quote FROM framing WHERE paragraph_id = ?1")?;
        let mut out = Coverage::default();
        for (paragraph_id, text) in &paragraphs {
            let committed: Vec<(usize, usize)> = ranges
                .query_map([paragraph_id], |r| {
                    Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut framing: Vec<(usize, String)> = framed
                .query_map([paragraph_id], |r| {
                    Ok((r.get::<_, i64>(0)? as usize, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (start, end, sentence) in sentences(text) {
                out.sentences += 1;
                let in_commitment = committed.iter().any(|&(s, e)| s < end && start < e);
                let framing_at = framing
                    .iter()
                    .position(|(s, q)| *s == start && *q == sentence);
                let entry = || UncoveredSentence {
                    paragraph_id: *paragraph_id,
                    start,
                    text: sentence.clone(),
                };
                match (in_commitment, framing_at) {
                    (true, Some(i)) => {
                        out.both.push(entry());
                        framing.swap_remove(i);
                    }
                    (true, None) => out.committed += 1,
                    (false, Some(i)) => {
                        out.framing += 1;
                        framing.swap_remove(i);
                    }
                    (false, None) => out.uncovered.push(entry()),
                }
            }
            out.stray_framing
                .extend(framing.into_iter().map(|(start, text)| UncoveredSentence {
                    paragraph_id: *paragraph_id,
                    start,
                    text,
                }));
        }
        // Framing outside parts 2–4 is stray too.
        let mut st = conn.prepare(
            "SELECT f.paragraph_id, f.quote_start, f.quote FROM framing f
             WHERE f.report_id = ?1 ORDER BY f.paragraph_id, f.quote_start",
        )?;
        let all: Vec<UncoveredSentence> = st
            .query_map([report_id], |r| {
                Ok(UncoveredSentence {
                    paragraph_id: r.get(0)?,
                    start: r.get::<_, i64>(1)? as usize,
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        out.stray_framing.extend(
            all.into_iter()
                .filter(|f| !paragraphs.iter().any(|(id, _)| *id == f.paragraph_id)),
        );
        let mut st = conn.prepare(
            "SELECT f.id, (SELECT count(*) FROM commitment_link l
                           WHERE l.subject_kind = 'target' AND l.subject_id = f.id)
             FROM figure f JOIN report r ON r.id = f.report_id
             WHERE f.report_id = ?1 AND f.kind = 'target' AND f.year = r.plan_year
             ORDER BY f.id",
        )?;
        for row in st.query_map([report_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (id, n) = row?;
            match n {
                0 => out.targets_outside.push(id),
                1 => {}
                _ => out.targets_in_several.push(id),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn sentences_split_after_full_stops_with_character_offsets() {
        let s = sentences("各位代表！今年，要做好。好吗？尾");
        let starts: Vec<(usize, usize)> = s.iter().map(|(a, b, _)| (*a, *b)).collect();
        assert_eq!(starts, vec![(0, 5), (5, 12), (12, 15), (15, 16)]);
        assert_eq!(s[1].2, "今年，要做好。");
        assert!(sentences("").is_empty());
    }
}
