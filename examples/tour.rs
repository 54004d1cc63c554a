//! A tour of the embedded default database: the report, its outline, headline targets,
//! project counts and the glossary.
//!
//! Run: `cargo run --example tour`

#[path = "common/mod.rs"]
mod common;

use govreport::{Db, FigureFilter, ProjectFilter, SectionKind};

fn main() -> Result<(), govreport::Error> {
    let db = Db::open_default()?;
    let r = db.report()?;
    println!("{}  {}  {}", r.region, r.title, r.date);
    println!("{}，{}{} 报告\n", r.meeting, r.speaker_office, r.speaker);

    println!("== Outline ==");
    for s in db.sections(r.id)? {
        let indent = match s.kind {
            SectionKind::Front | SectionKind::Part | SectionKind::Glossary => 0,
            SectionKind::Theme | SectionKind::Area | SectionKind::GlossaryEntry => 1,
            SectionKind::Subtheme | SectionKind::Subheading => 2,
        };
        if s.kind == SectionKind::GlossaryEntry {
            continue;
        }
        println!("{}{}", "  ".repeat(indent), s.title);
    }
    let paragraphs = db.paragraphs(r.id)?;
    println!("({} paragraphs)\n", paragraphs.len());

    println!("== Headline targets for {} (part 二) ==", r.plan_year);
    let headline = db.targets(&FigureFilter {
        headline_only: true,
        ..Default::default()
    })?;
    let rows: Vec<Vec<String>> = headline
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.metric.clone(),
                format!("{}{}", common::num(t.value), t.unit),
                t.qualifier.clone().unwrap_or_default(),
                t.comparator.code().to_string(),
            ]
        })
        .collect();
    common::print_table(
        &["id", "metric", "value", "qualifier", "comparator"],
        &rows,
        40,
    );
    let all_targets = db.targets(&FigureFilter::default())?;
    let results = db.results(&FigureFilter::default())?;
    let due = all_targets.iter().filter(|t| t.deadline.is_some()).count();
    println!(
        "{} targets in all ({} with a deadline), {} results for {}\n",
        all_targets.len(),
        due,
        results.len(),
        r.plan_year - 1
    );

    println!("== Projects ==");
    let projects = db.projects(&ProjectFilter::default())?;
    for year in [r.plan_year - 1, r.plan_year] {
        let n = projects.iter().filter(|p| p.year == year).count();
        println!("{n} named projects for {year}");
    }
    for t in db.project_totals(Some(r.plan_year))?.iter().take(3) {
        println!("  {} {}: {}  ({})", t.scope, t.metric, t.written, t.quote);
    }
    println!();

    println!("== Glossary (名词解释) ==");
    for g in db.glossary()? {
        println!(
            "{:>2}. {} — {} parts, used in {} paragraphs",
            g.n,
            g.term,
            g.parts.len(),
            g.mentions.len()
        );
    }
    let undefined = db.undefined_terms()?;
    println!(
        "{} numbered slogans used without definition: {} …",
        undefined.len(),
        undefined
            .iter()
            .take(8)
            .map(|u| u.term.as_str())
            .collect::<Vec<_>>()
            .join("、")
    );
    Ok(())
}
