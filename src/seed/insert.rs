//! Inserting a seed's projects and places: shared by the loader of schema version 2
//! ([`super::load_dataset`]) and that of version 9 (zones, and projects curated after a file
//! was made).

use rusqlite::{Transaction, params};

use super::{ParsedSeed, PlaceSeed};
use crate::error::{Error, Result};
use crate::units;

/// Inserts the seed's projects with their companies; with `only_missing`, those whose id is
/// not in the file yet (records curated after the file was made).
pub(crate) fn insert_projects(
    tx: &Transaction<'_>,
    seed: &ParsedSeed,
    only_missing: bool,
) -> Result<()> {
    let r = &seed.report.report;
    let base = seed.report.id_base;
    let para = |i: usize| &seed.outline.paragraphs[i];
    let mut st = tx.prepare(
        "INSERT INTO project (id, report_id, name, year, status, status_code, investment,
            investment_unit, investment_base, area, section_id, paragraph_id, quote, quote_start,
            deadline, deadline_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut company = tx.prepare(
        "INSERT INTO project_company (project_id, ordinal, company) VALUES (?1, ?2, ?3)",
    )?;
    let mut exists = tx.prepare("SELECT count(*) FROM project WHERE id = ?1")?;
    for pr in &seed.projects {
        let what = format!("project {}", pr.id);
        let site = seed.locate(&what, &pr.quote)?;
        if let Some(sq) = &pr.status_quote {
            seed.locate(&format!("{what} status_quote"), sq)?;
            if !sq.contains(&pr.status) {
                return Err(Error::Data(format!(
                    "{what}: status {:?} is not in its status_quote {sq:?}",
                    pr.status
                )));
            }
        }
        if only_missing && exists.query_row([base + pr.id], |r| r.get::<_, i64>(0))? > 0 {
            continue;
        }
        let p = para(site.paragraph_index);
        let investment_base = match (pr.investment, &pr.investment_unit) {
            (Some(v), Some(u)) => Some(units::to_base(v, u).0),
            _ => None,
        };
        st.execute(params![
            base + pr.id,
            r.id,
            pr.name,
            pr.year,
            pr.status,
            pr.status_code,
            pr.investment,
            pr.investment_unit,
            investment_base,
            seed.area_of(site.paragraph_index),
            p.section_id,
            p.id,
            pr.quote,
            site.char_offset as i64,
            pr.deadline,
            pr.deadline_text
        ])
        .map_err(|e| Error::Data(format!("{what}: {e}")))?;
        for (i, c) in pr.companies.iter().enumerate() {
            company.execute(params![base + pr.id, i as i64 + 1, c])?;
        }
    }
    Ok(())
}

/// Whether a place is of a kind schema version 9 added (`zone`): version 2's CHECK refuses it.
pub(crate) fn is_v9_place(p: &PlaceSeed) -> bool {
    p.kind == "zone"
}

/// Inserts the seed's places that `keep` selects, with their designations.
pub(crate) fn insert_places(
    tx: &Transaction<'_>,
    seed: &ParsedSeed,
    keep: impl Fn(&PlaceSeed) -> bool,
) -> Result<()> {
    let r = &seed.report.report;
    let base = seed.report.id_base;
    let para = |i: usize| &seed.outline.paragraphs[i];
    let mut st = tx.prepare(
        "INSERT INTO place (id, report_id, name, kind, town, village_count, paragraph_id,
            quote, quote_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut des = tx.prepare(
        "INSERT INTO designation (place_id, ordinal, name, level, year, status, paragraph_id,
            quote, quote_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for pl in seed.places.iter().filter(|p| keep(p)) {
        let what = format!("place {}", pl.id);
        let site = seed.locate(&what, &pl.quote)?;
        st.execute(params![
            base + pl.id,
            r.id,
            pl.name,
            pl.kind,
            pl.town,
            pl.village_count,
            para(site.paragraph_index).id,
            pl.quote,
            site.char_offset as i64
        ])
        .map_err(|e| Error::Data(format!("{what}: {e}")))?;
        for (i, d) in pl.designations.iter().enumerate() {
            let site = seed.locate(&format!("{what} designation {}", i + 1), &d.quote)?;
            des.execute(params![
                base + pl.id,
                i as i64 + 1,
                d.name,
                d.level,
                d.year,
                d.status,
                para(site.paragraph_index).id,
                d.quote,
                site.char_offset as i64
            ])
            .map_err(|e| Error::Data(format!("{what}: {e}")))?;
        }
    }
    Ok(())
}
