//! Loading a seed folder's records of schema version 9: commitments, framing sentences, their
//! links, places of kind `zone`, and projects curated after a file was made.

use rusqlite::{Transaction, params};

use crate::error::{Error, Result};
use crate::report::SectionKind;
use crate::seed::{self, ParsedSeed};

use super::FramingReason;

/// Inserts the version-9 records of one parsed report whose text, outline and version-2
/// dataset are in the database. Runs inside the caller's transaction; a new file and the
/// migration to version 9 both run it.
pub(crate) fn load(tx: &Transaction<'_>, seed: &ParsedSeed) -> Result<()> {
    // Only the zones the file lacks (a file whose places were copied from a later one may
    // hold them already), as for projects.
    let base = seed.report.id_base;
    let mut exists = tx.prepare("SELECT count(*) FROM place WHERE id = ?1")?;
    let mut missing = |id: i64| -> bool {
        exists
            .query_row([base + id], |r| r.get::<_, i64>(0))
            .map_or(true, |n| n == 0)
    };
    let zones: Vec<i64> = seed
        .places
        .iter()
        .filter(|p| seed::is_v9_place(p))
        .map(|p| p.id)
        .filter(|&id| missing(id))
        .collect();
    drop(exists);
    seed::insert_places(tx, seed, |p| zones.contains(&p.id))?;
    seed::insert_projects(tx, seed, true)?;
    insert_commitments(tx, seed)?;
    insert_framing(tx, seed)?;
    link_commitments(tx, seed.report.report.id, seed.report.report.plan_year)
}

/// The part (一–四) a paragraph lies in, from its innermost section up.
fn part_of(seed: &ParsedSeed, paragraph_index: usize) -> Option<i64> {
    let sections = &seed.outline.sections;
    let mut id = Some(seed.outline.paragraphs[paragraph_index].section_id);
    while let Some(sid) = id {
        let s = sections.iter().find(|s| s.id == sid)?;
        if s.kind == SectionKind::Part {
            return s.number;
        }
        id = s.parent_id;
    }
    None
}

/// Whether `id` follows the id scheme of `seeds/README.md` for its part and area.
fn id_fits(id: i64, part: i64, area: Option<i64>) -> bool {
    match (part, area) {
        (2, None) => (1..=99).contains(&id),
        (3, Some(n)) => id > n * 100 && id < (n + 1) * 100,
        (4, None) => id > 1100 && id < 1200,
        _ => false,
    }
}

fn insert_commitments(tx: &Transaction<'_>, seed: &ParsedSeed) -> Result<()> {
    let r = &seed.report.report;
    let base = seed.report.id_base;
    let year_end = format!("{}-12-31", r.plan_year);
    let mut st = tx.prepare(
        "INSERT INTO commitment (id, report_id, part, area, section_id, paragraph_id, kind,
            action, deadline, deadline_text, deadline_source, quote, quote_start, sentence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'qualitative', ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for c in &seed.commitments {
        let what = format!("commitment {}", c.id);
        let fail = |m: String| Error::Data(format!("{}/commitments.jsonl: {what}: {m}", r.slug));
        let site = seed.locate(&what, &c.quote)?;
        let part = part_of(seed, site.paragraph_index)
            .filter(|p| (2..=4).contains(p))
            .ok_or_else(|| fail("its quote is not in part 二, 三 or 四".into()))?;
        let area = if part == 3 {
            seed.area_of(site.paragraph_index)
        } else {
            None
        };
        if !id_fits(c.id, part, area) {
            return Err(fail(format!(
                "the id does not fit part {part} area {area:?} (part 二: 1–99, area N: \
                 N*100+seq, part 四: 1100+seq)"
            )));
        }
        if !c.quote.contains(&c.action) {
            return Err(fail(format!("action {:?} is not in the quote", c.action)));
        }
        let (deadline, source) = match (&c.deadline, &c.deadline_text) {
            (Some(d), Some(t)) => {
                crate::figures::check_iso_date(d)?;
                if !c.quote.contains(t.as_str()) {
                    return Err(fail(format!("deadline_text {t:?} is not in the quote")));
                }
                (d.clone(), "text")
            }
            (None, None) => (year_end.clone(), "year_end"),
            _ => {
                return Err(fail(
                    "deadline and deadline_text must both be set or null".into(),
                ));
            }
        };
        let p = &seed.outline.paragraphs[site.paragraph_index];
        let start = p
            .text
            .char_indices()
            .nth(site.char_offset)
            .map_or(p.text.len(), |(b, _)| b);
        let sentence = seed::sentence_around(&p.text, start, c.quote.len());
        st.execute(params![
            base + c.id,
            r.id,
            part,
            area,
            p.section_id,
            p.id,
            c.action,
            deadline,
            c.deadline_text,
            source,
            c.quote,
            site.char_offset as i64,
            sentence
        ])
        .map_err(|e| fail(e.to_string()))?;
    }
    Ok(())
}

fn insert_framing(tx: &Transaction<'_>, seed: &ParsedSeed) -> Result<()> {
    let r = &seed.report.report;
    let mut st = tx.prepare(
        "INSERT INTO framing (report_id, paragraph_id, quote, quote_start, reason)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, f) in seed.framing.iter().enumerate() {
        let what = format!("{}/framing.jsonl line {}", r.slug, i + 1);
        FramingReason::from_code(&f.reason).map_err(|e| Error::Data(format!("{what}: {e}")))?;
        let (paragraph, offset) = match f.paragraph_ordinal {
            None => {
                let site = seed.locate(&what, &f.quote)?;
                (
                    &seed.outline.paragraphs[site.paragraph_index],
                    site.char_offset,
                )
            }
            // A sentence that occurs in several paragraphs (各位代表！): once in the one named.
            Some(n) => {
                let p = n
                    .checked_sub(1)
                    .and_then(|i| seed.outline.paragraphs.get(i))
                    .ok_or_else(|| Error::Data(format!("{what}: no paragraph {n}")))?;
                let mut hits = p.text.match_indices(f.quote.as_str());
                let byte = match (hits.next(), hits.next()) {
                    (Some((b, _)), None) => b,
                    _ => {
                        return Err(Error::Data(format!(
                            "{what}: the quote must occur once in paragraph {n}: {}",
                            f.quote
                        )));
                    }
                };
                (p, p.text[..byte].chars().count())
            }
        };
        st.execute(params![
            r.id,
            paragraph.id,
            f.quote,
            offset as i64,
            f.reason
        ])
        .map_err(|e| Error::Data(format!("{what}: {e}")))?;
    }
    Ok(())
}

/// Links each commitment of the report to the plan-year targets, the projects and the places
/// whose quotes lie inside its quote, and sets `kind` from the target links.
fn link_commitments(tx: &Transaction<'_>, report_id: i64, plan_year: i32) -> Result<()> {
    // `length()` and `quote_start` both count characters.
    let inside = "x.paragraph_id = c.paragraph_id AND x.quote_start >= c.quote_start
                  AND x.quote_start + length(x.quote) <= c.quote_start + length(c.quote)";
    tx.execute(
        &format!(
            "INSERT INTO commitment_link (commitment_id, subject_kind, subject_id)
             SELECT c.id, 'target', x.id FROM commitment c JOIN figure x ON {inside}
             WHERE c.report_id = ?1 AND x.kind = 'target' AND x.year = ?2
             UNION ALL
             SELECT c.id, 'project', x.id FROM commitment c JOIN project x ON {inside}
             WHERE c.report_id = ?1
             UNION ALL
             SELECT c.id, 'place', x.id FROM commitment c JOIN place x ON {inside}
             WHERE c.report_id = ?1"
        ),
        params![report_id, plan_year],
    )?;
    tx.execute(
        "UPDATE commitment SET kind = 'quantitative'
         WHERE report_id = ?1 AND EXISTS (SELECT 1 FROM commitment_link l
               WHERE l.commitment_id = commitment.id AND l.subject_kind = 'target')",
        [report_id],
    )?;
    Ok(())
}
