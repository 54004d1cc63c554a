//! The curated seed data in `seeds/` and how it is loaded into a database.
//!
//! The files are compiled into the library (`include_str!`), so a program that links
//! govreport needs nothing else at run time. `seeds/README.md` documents the format.

use rusqlite::{Transaction, params};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::report::{self, Outline, SectionKind};
use crate::units;

mod insert;
pub(crate) use insert::{insert_places, insert_projects, is_v9_place};

/// The files of one report folder in `seeds/`, as text.
#[derive(Debug, Clone, Copy)]
pub struct SeedFiles {
    /// Folder name, e.g. `yanshi-2024`.
    pub folder: &'static str,
    /// `report.json`.
    pub report_json: &'static str,
    /// `report.txt`, the PDF-extracted text.
    pub report_txt: &'static str,
    /// `targets*.jsonl`, concatenated.
    pub targets: &'static [&'static str],
    /// `results.jsonl`.
    pub results: &'static str,
    /// `projects.jsonl`.
    pub projects: &'static str,
    /// `project_totals.jsonl`.
    pub project_totals: &'static str,
    /// `places.jsonl`.
    pub places: &'static str,
    /// `glossary.jsonl`.
    pub glossary: &'static str,
    /// `undefined_terms.jsonl`.
    pub undefined_terms: &'static str,
    /// `commitments.jsonl`.
    pub commitments: &'static str,
    /// `framing.jsonl`.
    pub framing: &'static str,
}

macro_rules! seed_file {
    ($folder:literal, $file:literal) => {
        include_str!(concat!("../seeds/", $folder, "/", $file))
    };
}

/// The reports built into the library; the first is the default.
pub const BUILTIN: &[SeedFiles] = &[SeedFiles {
    folder: "yanshi-2024",
    report_json: seed_file!("yanshi-2024", "report.json"),
    report_txt: seed_file!("yanshi-2024", "report.txt"),
    targets: &[
        seed_file!("yanshi-2024", "targets.jsonl"),
        seed_file!("yanshi-2024", "targets_b.jsonl"),
    ],
    results: seed_file!("yanshi-2024", "results.jsonl"),
    projects: seed_file!("yanshi-2024", "projects.jsonl"),
    project_totals: seed_file!("yanshi-2024", "project_totals.jsonl"),
    places: seed_file!("yanshi-2024", "places.jsonl"),
    glossary: seed_file!("yanshi-2024", "glossary.jsonl"),
    undefined_terms: seed_file!("yanshi-2024", "undefined_terms.jsonl"),
    commitments: seed_file!("yanshi-2024", "commitments.jsonl"),
    framing: seed_file!("yanshi-2024", "framing.jsonl"),
}];

/// `report.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSeed {
    /// The report's metadata.
    #[serde(flatten)]
    pub report: report::Report,
    /// Record ids of this report are `id_base + seed id`.
    pub id_base: i64,
    /// The text file in the folder.
    pub source: String,
    /// For each metadata field, the words of the text it was read from.
    pub source_quotes: std::collections::BTreeMap<String, String>,
}

/// One line of `targets.jsonl` or `results.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureSeed {
    /// Stable id from the seed file (record id = `id_base` + this).
    pub id: i64,
    /// What is measured, in Chinese.
    pub metric: String,
    /// The number in the unit as written.
    pub value: f64,
    /// The characters of the quote that state the number.
    pub written: String,
    /// Unit as written.
    pub unit: String,
    /// Qualifying words as written (`左右`, `力争/以上`).
    pub qualifier: Option<String>,
    /// `approximately`, `at_least`, `at_most`, `more_than` or `exactly`.
    pub comparator: String,
    /// `growth_rate`, `share`, `level` or `count`.
    pub measure: String,
    /// ISO date of the deadline the text gives.
    pub deadline: Option<String>,
    /// The deadline words as written (`6月底前`).
    pub deadline_text: Option<String>,
    /// Verbatim clause of one paragraph of the normalized text.
    pub quote: String,
}

/// One line of `projects.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSeed {
    /// Stable id from the seed file (record id = `id_base` + this).
    pub id: i64,
    /// Name as written.
    pub name: String,
    /// The year the record is about.
    pub year: i32,
    /// Status words as written.
    pub status: String,
    /// Normalized status code.
    pub status_code: String,
    /// The project's own investment, as written.
    pub investment: Option<f64>,
    /// Unit of `investment`.
    pub investment_unit: Option<String>,
    /// Companies named for it.
    pub companies: Vec<String>,
    /// ISO date of the deadline the text gives.
    pub deadline: Option<String>,
    /// The deadline words as written (`6月底前`).
    pub deadline_text: Option<String>,
    /// Verbatim clause of one paragraph of the normalized text.
    pub quote: String,
    /// Where the status is stated, when not in `quote` (the 十大工程 items are named in the
    /// glossary; their status is in the plan's sentence about them): a verbatim clause of one
    /// paragraph that contains `status`.
    #[serde(default)]
    pub status_quote: Option<String>,
}

/// One line of `commitments.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentSeed {
    /// Stable id (part 二: 1–99; area （N） of part 三: `N*100+seq`; part 四: `1100+seq`).
    pub id: i64,
    /// The leading verb as written; a substring of `quote`.
    pub action: String,
    /// ISO date of the deadline the commitment states, if it states one.
    pub deadline: Option<String>,
    /// The deadline words as written (`6月底前`); a substring of `quote`.
    pub deadline_text: Option<String>,
    /// Verbatim sentence or clause of one paragraph of the normalized text.
    pub quote: String,
}

/// One line of `framing.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FramingSeed {
    /// The 1-based ordinal of the paragraph, for a sentence that occurs in several (各位代表！).
    #[serde(default)]
    pub paragraph_ordinal: Option<usize>,
    /// The whole sentence, verbatim.
    pub quote: String,
    /// `heading`, `address`, `context`, `principle`, `transition` or `exhortation`.
    pub reason: String,
}

/// One line of `project_totals.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectTotalSeed {
    /// Stable id from the seed file (record id = `id_base` + this).
    pub id: i64,
    /// The year the record is about.
    pub year: i32,
    /// The set of projects the figure is about.
    pub scope: String,
    /// What is measured, in Chinese.
    pub metric: String,
    /// The number in the unit as written.
    pub value: f64,
    /// The characters of the quote that state the number.
    pub written: String,
    /// Unit as written.
    pub unit: String,
    /// Qualifying words as written (`左右`, `力争/以上`).
    pub qualifier: Option<String>,
    /// `approximately`, `at_least`, `at_most`, `more_than` or `exactly`.
    pub comparator: String,
    /// Verbatim clause of one paragraph of the normalized text.
    pub quote: String,
}

/// One designation inside a line of `places.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignationSeed {
    /// Name as written.
    pub name: String,
    /// `national`, `provincial` or `municipal`.
    pub level: String,
    /// The year the record is about.
    pub year: i32,
    /// Status words as written.
    pub status: String,
    /// Verbatim clause of one paragraph of the normalized text.
    pub quote: String,
}

/// One line of `places.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceSeed {
    /// Stable id from the seed file (record id = `id_base` + this).
    pub id: i64,
    /// Name as written.
    pub name: String,
    /// `town`, `subdistrict`, `village`, `community` or `cluster`.
    pub kind: String,
    /// The parent town where the text gives it.
    pub town: Option<String>,
    /// Verbatim clause of one paragraph of the normalized text.
    pub quote: String,
    /// Titles and honours the place holds or seeks.
    pub designations: Vec<DesignationSeed>,
    /// Villages in a cluster, as written.
    #[serde(default)]
    pub village_count: Option<i64>,
}

/// One enumerated part inside a line of `glossary.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryPartSeed {
    /// The label the text introduces the part with, if any.
    pub label: Option<String>,
    /// Verbatim text of the part.
    pub text: String,
}

/// One line of `glossary.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossarySeed {
    /// The entry number.
    pub n: i64,
    /// The term as written between `N．` and `。`.
    pub term: String,
    /// Strings whose presence in a paragraph counts as a use.
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    /// The enumerated parts of the definition.
    pub parts: Vec<GlossaryPartSeed>,
}

/// One line of `undefined_terms.jsonl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndefinedTermSeed {
    /// The term as written between `N．` and `。`.
    pub term: String,
    /// A clause of the first paragraph that uses the term.
    pub first_quote: String,
}

/// Parses a JSON Lines file; blank lines and `#` comments are skipped.
/// Errors name the file and line.
pub fn parse_jsonl<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::Data(format!("{file}:{}: {e}", i + 1)))
        })
        .collect()
}

/// Everything in one seed folder, parsed and checked against the text.
#[derive(Debug, Clone)]
pub struct ParsedSeed {
    /// The report's metadata.
    pub report: ReportSeed,
    /// Sections and paragraphs of the text.
    pub outline: Outline,
    /// `targets*.jsonl`.
    pub targets: Vec<FigureSeed>,
    /// `results.jsonl`.
    pub results: Vec<FigureSeed>,
    /// `projects.jsonl`.
    pub projects: Vec<ProjectSeed>,
    /// `project_totals.jsonl`.
    pub project_totals: Vec<ProjectTotalSeed>,
    /// `places.jsonl`.
    pub places: Vec<PlaceSeed>,
    /// `glossary.jsonl`.
    pub glossary: Vec<GlossarySeed>,
    /// `undefined_terms.jsonl`.
    pub undefined_terms: Vec<UndefinedTermSeed>,
    /// `commitments.jsonl`.
    pub commitments: Vec<CommitmentSeed>,
    /// `framing.jsonl`.
    pub framing: Vec<FramingSeed>,
    /// The paragraphs joined by `\n`, searched once per quote (a quote never holds `\n`).
    joined: String,
    /// Byte offset of each paragraph in `joined`.
    starts: Vec<usize>,
}

impl SeedFiles {
    /// Parses every file of the folder and builds the outline of its text.
    pub fn parse(&self) -> Result<ParsedSeed> {
        let f = self.folder;
        let report: ReportSeed = serde_json::from_str(self.report_json)
            .map_err(|e| Error::Data(format!("{f}/report.json: {e}")))?;
        let paragraphs = report::paragraphs(self.report_txt);
        let outline = report::outline(&paragraphs, report.id_base)?;
        let mut starts = Vec::with_capacity(outline.paragraphs.len());
        let mut joined = String::new();
        for p in &outline.paragraphs {
            starts.push(joined.len());
            joined.push_str(&p.text);
            joined.push('\n');
        }
        let mut targets = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            targets.extend(parse_jsonl(&format!("{f}/targets#{i}"), t)?);
        }
        Ok(ParsedSeed {
            outline,
            targets,
            results: parse_jsonl(&format!("{f}/results.jsonl"), self.results)?,
            projects: parse_jsonl(&format!("{f}/projects.jsonl"), self.projects)?,
            project_totals: parse_jsonl(&format!("{f}/project_totals.jsonl"), self.project_totals)?,
            places: parse_jsonl(&format!("{f}/places.jsonl"), self.places)?,
            glossary: parse_jsonl(&format!("{f}/glossary.jsonl"), self.glossary)?,
            undefined_terms: parse_jsonl(
                &format!("{f}/undefined_terms.jsonl"),
                self.undefined_terms,
            )?,
            commitments: parse_jsonl(&format!("{f}/commitments.jsonl"), self.commitments)?,
            framing: parse_jsonl(&format!("{f}/framing.jsonl"), self.framing)?,
            report,
            joined,
            starts,
        })
    }
}

/// Where a quote stands: its paragraph and its offset there in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSite {
    /// Index into `Outline::paragraphs`.
    pub paragraph_index: usize,
    /// Offset of the quote in the paragraph, in characters.
    pub char_offset: usize,
}

/// Characters that end a sentence of the report.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '；'];

/// The sentence of `paragraph` around the `len` bytes at byte offset `start`: from after the
/// previous sentence end (or the paragraph start) through the next sentence end at or after
/// the quote's end (or the paragraph end).
pub fn sentence_around(paragraph: &str, start: usize, len: usize) -> &str {
    let from = paragraph[..start]
        .rfind(SENTENCE_ENDS)
        .map(|i| i + paragraph[i..].chars().next().map_or(0, char::len_utf8))
        .unwrap_or(0);
    let end = start + len;
    // A quote that itself ends with a sentence end closes its sentence.
    let to = if paragraph[..end].ends_with(SENTENCE_ENDS) {
        end
    } else {
        paragraph[end..]
            .find(SENTENCE_ENDS)
            .map(|i| {
                end + i
                    + paragraph[end + i..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8)
            })
            .unwrap_or(paragraph.len())
    };
    &paragraph[from..to]
}

impl ParsedSeed {
    /// Finds the one paragraph that contains `quote`, which must occur once in the report.
    pub fn locate(&self, what: &str, quote: &str) -> Result<QuoteSite> {
        if quote.is_empty() || quote.contains('\n') {
            return Err(Error::Data(format!("{what}: empty or multi-line quote")));
        }
        // memchr's SIMD finder: loading searches the whole text once per quote.
        let mut hits = memchr::memmem::find_iter(self.joined.as_bytes(), quote.as_bytes());
        let byte = hits
            .next()
            .ok_or_else(|| Error::Data(format!("{what}: quote not in the report: {quote}")))?;
        if hits.next().is_some() {
            return Err(Error::Data(format!(
                "{what}: quote occurs more than once in the report: {quote}"
            )));
        }
        let paragraph_index = self.starts.partition_point(|&s| s <= byte) - 1;
        let start = self.starts[paragraph_index];
        Ok(QuoteSite {
            paragraph_index,
            char_offset: self.joined[start..byte].chars().count(),
        })
    }

    /// The number of the area (part 三) or theme (part 一) enclosing a paragraph, if any.
    pub fn area_of(&self, paragraph_index: usize) -> Option<i64> {
        let sections = &self.outline.sections;
        let mut id = Some(self.outline.paragraphs[paragraph_index].section_id);
        while let Some(sid) = id {
            let s = sections.iter().find(|s| s.id == sid)?;
            if matches!(s.kind, SectionKind::Area | SectionKind::Theme) {
                return s.number;
            }
            id = s.parent_id;
        }
        None
    }
}

/// Inserts one parsed report with all its records. Runs inside the caller's transaction.
pub fn load(tx: &Transaction<'_>, seed: &ParsedSeed, source_text: &str) -> Result<()> {
    let r = &seed.report.report;
    tx.execute(
        "INSERT INTO report (id, slug, title, region, date, meeting, speaker, speaker_office,
                             plan_year, id_base, source_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            r.id,
            r.slug,
            r.title,
            r.region,
            r.date,
            r.meeting,
            r.speaker,
            r.speaker_office,
            r.plan_year,
            seed.report.id_base,
            source_text
        ],
    )?;
    let mut st = tx.prepare(
        "INSERT INTO section (id, report_id, parent_id, kind, number, title, path)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in &seed.outline.sections {
        st.execute(params![
            s.id,
            r.id,
            s.parent_id,
            s.kind.code(),
            s.number,
            s.title,
            s.path
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO paragraph (id, report_id, section_id, ordinal, text)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, p) in seed.outline.paragraphs.iter().enumerate() {
        st.execute(params![p.id, r.id, p.section_id, i as i64 + 1, p.text])?;
    }
    load_dataset(tx, seed)?;
    crate::commitments::load::load(tx, seed)?;
    crate::db::schema::fill_sentences(tx)
}

/// Inserts the records of a report whose text and outline are already in the database, in
/// the columns of schema version 2 (the data step of that version runs it); `sentence`
/// (version 6) is computed from the text by [`crate::db::schema::fill_sentences`]. Places of
/// the kind version 9 added (`zone`) are left to version 9's loader
/// (`crate::commitments::load`).
pub fn load_dataset(tx: &Transaction<'_>, seed: &ParsedSeed) -> Result<()> {
    let r = &seed.report.report;
    let base = seed.report.id_base;
    let para = |i: usize| &seed.outline.paragraphs[i];
    for (kind, year, list) in [
        ("target", r.plan_year, &seed.targets),
        ("result", r.plan_year - 1, &seed.results),
    ] {
        let mut st = tx.prepare(
            "INSERT INTO figure (id, kind, report_id, year, area, section_id, paragraph_id,
                metric, value, written, unit, qualifier, comparator, measure, base_value,
                base_unit, deadline, deadline_text, quote, quote_start)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20)",
        )?;
        for f in list {
            let what = format!("{kind} {}", f.id);
            let site = seed.locate(&what, &f.quote)?;
            let p = para(site.paragraph_index);
            let (base_value, base_unit) = units::to_base(f.value, &f.unit);
            st.execute(params![
                base + f.id,
                kind,
                r.id,
                year,
                seed.area_of(site.paragraph_index),
                p.section_id,
                p.id,
                f.metric,
                f.value,
                f.written,
                f.unit,
                f.qualifier,
                f.comparator,
                f.measure,
                base_value,
                base_unit,
                f.deadline,
                f.deadline_text,
                f.quote,
                site.char_offset as i64
            ])
            .map_err(|e| Error::Data(format!("{what}: {e}")))?;
        }
    }
    insert_projects(tx, seed, false)?;
    let mut st = tx.prepare(
        "INSERT INTO project_total (id, report_id, year, scope, metric, value, written, unit,
            base_value, base_unit, section_id, paragraph_id, quote, quote_start, qualifier,
            comparator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    for t in &seed.project_totals {
        let what = format!("project total {}", t.id);
        let site = seed.locate(&what, &t.quote)?;
        let p = para(site.paragraph_index);
        let (bv, bu) = units::to_base(t.value, &t.unit);
        st.execute(params![
            base + t.id,
            r.id,
            t.year,
            t.scope,
            t.metric,
            t.value,
            t.written,
            t.unit,
            bv,
            bu,
            p.section_id,
            p.id,
            t.quote,
            site.char_offset as i64,
            t.qualifier,
            t.comparator
        ])
        .map_err(|e| Error::Data(format!("{what}: {e}")))?;
    }
    insert_places(tx, seed, |p| !is_v9_place(p))?;
    load_glossary(tx, seed)
}

/// The glossary entry paragraphs: `(entry number, term, definition, paragraph index)`.
pub fn glossary_entries(outline: &Outline) -> Vec<(i64, String, String, usize)> {
    outline
        .paragraphs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let s = outline.sections.iter().find(|s| s.id == p.section_id)?;
            if s.kind != SectionKind::GlossaryEntry {
                return None;
            }
            let n = s.number?;
            let rest = p.text.split_once('．')?.1;
            let (term, definition) = rest.split_once('。')?;
            Some((n, term.to_string(), definition.to_string(), i))
        })
        .collect()
}

fn load_glossary(tx: &Transaction<'_>, seed: &ParsedSeed) -> Result<()> {
    let r = &seed.report.report;
    let base = seed.report.id_base;
    let entries = glossary_entries(&seed.outline);
    let glossary_section_ids: Vec<i64> = seed
        .outline
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Glossary | SectionKind::GlossaryEntry))
        .map(|s| s.id)
        .collect();
    let mut term_st = tx.prepare(
        "INSERT INTO glossary_term (id, report_id, n, term, definition, paragraph_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut part_st = tx.prepare(
        "INSERT INTO glossary_part (term_id, ordinal, label, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut match_st =
        tx.prepare("INSERT INTO glossary_match (term_id, pattern) VALUES (?1, ?2)")?;
    let mut mention_st =
        tx.prepare("INSERT INTO glossary_mention (term_id, paragraph_id) VALUES (?1, ?2)")?;
    for (n, term, definition, pi) in &entries {
        let g = seed
            .glossary
            .iter()
            .find(|g| g.n == *n)
            .ok_or_else(|| Error::Data(format!("glossary.jsonl has no entry {n}")))?;
        if &g.term != term {
            return Err(Error::Data(format!(
                "glossary {n}: term {} is {term} in the text",
                g.term
            )));
        }
        let id = base + n;
        term_st.execute(params![
            id,
            r.id,
            n,
            term,
            definition,
            seed.outline.paragraphs[*pi].id
        ])?;
        for (i, part) in g.parts.iter().enumerate() {
            if !definition.contains(&part.text) {
                return Err(Error::Data(format!(
                    "glossary {n}: part not in the definition: {}",
                    part.text
                )));
            }
            part_st.execute(params![id, i as i64 + 1, part.label, part.text])?;
        }
        for pattern in &g.patterns {
            match_st.execute(params![id, pattern])?;
        }
        for p in &seed.outline.paragraphs {
            if glossary_section_ids.contains(&p.section_id) {
                continue;
            }
            if g.patterns.iter().any(|m| p.text.contains(m.as_str())) {
                mention_st.execute(params![id, p.id])?;
            }
        }
    }
    if entries.len() != seed.glossary.len() {
        return Err(Error::Data(format!(
            "glossary.jsonl has {} entries, the text {}",
            seed.glossary.len(),
            entries.len()
        )));
    }
    let mut st = tx.prepare(
        "INSERT INTO undefined_term (id, report_id, term, first_paragraph_id, first_quote)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, u) in seed.undefined_terms.iter().enumerate() {
        let first = seed
            .outline
            .paragraphs
            .iter()
            .find(|p| p.text.contains(u.term.as_str()))
            .ok_or_else(|| Error::Data(format!("undefined term {} is never used", u.term)))?;
        if !first.text.contains(u.first_quote.as_str()) {
            return Err(Error::Data(format!(
                "undefined term {}: first_quote is not in its first paragraph",
                u.term
            )));
        }
        st.execute(params![
            base + i as i64 + 1,
            r.id,
            u.term,
            first.id,
            u.first_quote
        ])?;
    }
    Ok(())
}
