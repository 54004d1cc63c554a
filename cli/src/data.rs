//! The reading commands: info, the dataset lists, due, search, query, export.

use std::io::{self, Write};
use std::path::Path;

use govreport::{
    CommitmentFilter, CommitmentKind, Db, DueFilter, DueKind, FigureFilter, Measure, OpenMode,
    PlaceFilter, PlaceKind, ProjectFilter, SearchKind, SearchOptions,
};
use serde_json::{Value, json};

use crate::exit::Failure;
use crate::output::{Col, Format, Row, col, rows, write_rows};
use crate::{
    CommitmentArgs, DueArgs, FigureArgs, GlossaryArgs, PlaceArgs, ProjectArgs, QueryArgs,
    SearchArgs,
};
use crate::{Target, output};

/// Fails with exit code 5 when `path` is not an existing file.
pub fn require_file(path: &Path) -> Result<(), Failure> {
    if path.is_file() {
        return Ok(());
    }
    let why = if path.exists() {
        "is not a regular file"
    } else {
        "no such file"
    };
    Err(Failure::file(format!(
        "--db {}: {why}; make a database with `govreport init {}`, or leave out --db to \
         read the built-in one",
        path.display(),
        path.display()
    )))
}

/// The database to read: `--db FILE` opened read-only, else the built-in one.
pub fn open_read(t: &Target) -> Result<Db, Failure> {
    match &t.db {
        Some(path) => {
            require_file(path)?;
            Ok(Db::open_with(path, OpenMode::ReadOnly)?)
        }
        None => Ok(Db::open_default()?),
    }
}

fn date(value: &Option<String>, flag: &str) -> Result<(), Failure> {
    if let Some(d) = value {
        govreport::figures::check_iso_date(d)
            .map_err(|e| Failure::input(format!("{flag} {d}: {e} (write YYYY-MM-DD)")))?;
    }
    Ok(())
}

fn counts(db: &Db) -> Result<Vec<(&'static str, i64)>, Failure> {
    const KINDS: &[(&str, &str)] = &[
        ("sections", "SELECT count(*) FROM section"),
        ("paragraphs", "SELECT count(*) FROM paragraph"),
        (
            "targets",
            "SELECT count(*) FROM figure WHERE kind = 'target'",
        ),
        (
            "results",
            "SELECT count(*) FROM figure WHERE kind = 'result'",
        ),
        ("projects", "SELECT count(*) FROM project"),
        ("project_totals", "SELECT count(*) FROM project_total"),
        ("places", "SELECT count(*) FROM place"),
        ("glossary", "SELECT count(*) FROM glossary_term"),
        ("undefined_terms", "SELECT count(*) FROM undefined_term"),
        ("commitments", "SELECT count(*) FROM commitment"),
        ("framing", "SELECT count(*) FROM framing"),
        ("tasks", "SELECT count(*) FROM task"),
        ("progress", "SELECT count(*) FROM progress"),
        ("register_projects", "SELECT count(*) FROM register_project"),
        ("register_places", "SELECT count(*) FROM register_place"),
    ];
    KINDS
        .iter()
        .map(|(kind, sql)| {
            let n: i64 = db
                .connection()
                .query_row(sql, [], |r| r.get(0))
                .map_err(govreport::Error::from)?;
            Ok((*kind, n))
        })
        .collect()
}

/// What `info` prints as JSON, fields in this order.
#[derive(serde::Serialize)]
struct Info {
    database: String,
    schema_version: i64,
    reports: Vec<govreport::Report>,
    counts: Row,
}

/// `info`: one object (json, jsonl), or the report and a count table.
pub fn info(t: &Target) -> Result<(), Failure> {
    let db = open_read(t)?;
    let counts = counts(&db)?;
    let database =
        t.db.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "built-in".into());
    let reports = db.reports()?;
    let out = &mut io::stdout().lock();
    match t.format {
        Format::Json | Format::Jsonl => {
            let object = Info {
                database,
                schema_version: db.schema_version()?,
                reports,
                counts: Row(counts
                    .iter()
                    .map(|(k, n)| (k.to_string(), json!(n)))
                    .collect()),
            };
            if t.format == Format::Json {
                serde_json::to_writer_pretty(&mut *out, &object).map_err(govreport::Error::from)?;
            } else {
                serde_json::to_writer(&mut *out, &object).map_err(govreport::Error::from)?;
            }
            writeln!(out)?;
        }
        Format::Csv => {
            let rows: Vec<Row> = counts
                .iter()
                .map(|(k, n)| Row(vec![("kind".into(), json!(k)), ("count".into(), json!(n))]))
                .collect();
            write_rows(Format::Csv, &rows, &[])?;
        }
        Format::Table => {
            writeln!(out, "database        {database}")?;
            writeln!(out, "schema version  {}", db.schema_version()?)?;
            for r in &reports {
                writeln!(
                    out,
                    "report {}        {} {}（{}, {} {}）",
                    r.id, r.region, r.title, r.date, r.speaker_office, r.speaker
                )?;
            }
            writeln!(out)?;
            let rows: Vec<Row> = counts
                .iter()
                .map(|(k, n)| Row(vec![("kind".into(), json!(k)), ("count".into(), json!(n))]))
                .collect();
            output::write_table(
                out,
                &rows,
                &[col("kind", "kind", 20), col("count", "count", 8)],
            )?;
        }
    }
    Ok(())
}

const FIGURE_COLUMNS: &[Col] = &[
    col("id", "id", 6),
    col("area", "area", 4),
    col("metric", "metric", 24),
    col("written", "value", 16),
    col("qualifier", "qualifier", 9),
    col("deadline", "deadline", 10),
    col("quote", "quote", 40),
];

/// `targets` and `results`.
pub fn figures(t: &Target, a: &FigureArgs, results: bool) -> Result<(), Failure> {
    date(&a.due_before, "--due-before")?;
    let filter = FigureFilter {
        report_id: a.report,
        area: a.area,
        headline_only: a.headline,
        measure: a
            .measure
            .as_deref()
            .map(Measure::from_code)
            .transpose()
            .map_err(|e| Failure::input(format!("--measure: {e}")))?,
        due_before: a.due_before.clone(),
        text: a.text.clone(),
    };
    let db = open_read(t)?;
    let list = if results {
        db.results(&filter)?
    } else {
        db.targets(&filter)?
    };
    if t.format == Format::Json {
        // The records straight to stdout: the common case of scripts, kept fast.
        let mut out = io::BufWriter::new(io::stdout().lock());
        serde_json::to_writer_pretty(&mut out, &list).map_err(govreport::Error::from)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    write_rows(t.format, &rows(&list)?, FIGURE_COLUMNS)
}

/// `projects`.
pub fn projects(t: &Target, a: &ProjectArgs) -> Result<(), Failure> {
    date(&a.due_before, "--due-before")?;
    let filter = ProjectFilter {
        report_id: a.report,
        year: a.year,
        status: a.status.clone(),
        area: a.area,
        due_before: a.due_before.clone(),
        text: a.text.clone(),
    };
    let db = open_read(t)?;
    let list = db.projects(&filter)?;
    write_rows(
        t.format,
        &rows(&list)?,
        &[
            col("id", "id", 6),
            col("year", "year", 4),
            col("name", "name", 30),
            col("status", "status", 12),
            col("investment", "investment", 10),
            col("investment_unit", "unit", 4),
            col("area", "area", 4),
            col("deadline", "deadline", 10),
            col("companies", "companies", 30),
        ],
    )
}

/// `places`.
pub fn places(t: &Target, a: &PlaceArgs) -> Result<(), Failure> {
    let filter = PlaceFilter {
        report_id: a.report,
        kind: a
            .kind
            .as_deref()
            .map(PlaceKind::from_code)
            .transpose()
            .map_err(|e| Failure::input(format!("--kind: {e}")))?,
        town: a.town.clone(),
        name: a.name.clone(),
        designation_level: a.level.clone(),
    };
    let db = open_read(t)?;
    let list = db.places(&filter)?;
    write_rows(
        t.format,
        &rows(&list)?,
        &[
            col("id", "id", 6),
            col("kind", "kind", 11),
            col("name", "name", 20),
            col("town", "town", 12),
            col("village_count", "villages", 8),
            col("designations", "designations", 50),
        ],
    )
}

/// `glossary`.
pub fn glossary(t: &Target, a: &GlossaryArgs) -> Result<(), Failure> {
    let db = open_read(t)?;
    let list: Vec<_> = db
        .glossary()?
        .into_iter()
        .filter(|g| {
            a.text
                .as_deref()
                .is_none_or(|x| g.term.contains(x) || g.definition.contains(x))
        })
        .collect();
    write_rows(
        t.format,
        &rows(&list)?,
        &[
            col("n", "n", 3),
            col("term", "term", 20),
            col("definition", "definition", 70),
        ],
    )
}

/// `due`: commitments, targets and projects with a deadline in `[after, before)`
/// (`Db::due`), by deadline.
pub fn due(t: &Target, a: &DueArgs) -> Result<(), Failure> {
    date(&Some(a.before.clone()), "--before")?;
    date(&a.after, "--after")?;
    let kinds = a
        .kind
        .iter()
        .map(|k| DueKind::from_code(k).map_err(|e| Failure::input(format!("--kind: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = DueFilter {
        before: Some(a.before.clone()),
        after: a.after.clone(),
        kinds,
        report_id: a.report,
        area: a.area,
        stated_only: a.stated_only,
    };
    let db = open_read(t)?;
    let list = db.due(&filter)?;
    write_rows(
        t.format,
        &rows(&list)?,
        &[
            col("deadline", "deadline", 10),
            col("kind", "kind", 10),
            col("id", "id", 6),
            col("title", "title", 24),
            col("deadline_text", "as written", 10),
            col("quote", "quote", 50),
        ],
    )
}

/// `commitments`.
pub fn commitments(t: &Target, a: &CommitmentArgs) -> Result<(), Failure> {
    let filter = CommitmentFilter {
        report_id: a.report,
        part: a.part,
        area: a.area,
        kind: a
            .kind
            .as_deref()
            .map(CommitmentKind::from_code)
            .transpose()
            .map_err(|e| Failure::input(format!("--kind: {e}")))?,
        text: a.text.clone(),
    };
    let db = open_read(t)?;
    let list = db.commitments(&filter)?;
    write_rows(
        t.format,
        &rows(&list)?,
        &[
            col("id", "id", 5),
            col("area", "area", 4),
            col("kind", "kind", 12),
            col("action", "action", 8),
            col("deadline", "deadline", 10),
            col("deadline_text", "as written", 10),
            col("target_ids", "targets", 12),
            col("quote", "quote", 60),
        ],
    )
}

/// `search`.
pub fn search(t: &Target, a: &SearchArgs) -> Result<(), Failure> {
    let kinds = if a.kind.is_empty() {
        None
    } else {
        Some(
            a.kind
                .iter()
                .map(|k| SearchKind::from_name(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Failure::input(format!("--kind: {e}")))?,
        )
    };
    let db = open_read(t)?;
    let opts = SearchOptions {
        kinds,
        limit: Some(a.limit),
        ..Default::default()
    };
    let hits = db.search(&a.query, &opts)?;
    write_rows(
        t.format,
        &rows(&hits)?,
        &[
            col("kind", "kind", 9),
            col("id", "id", 6),
            col("score", "score", 6),
            col("snippet", "snippet", 60),
            col("section_path", "section", 30),
        ],
    )
}

/// A `--param` value as JSON: a number when it reads as one, else text.
fn param_value(v: &str) -> Value {
    if let Ok(i) = v.parse::<i64>() {
        return json!(i);
    }
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => json!(f),
        _ => json!(v),
    }
}

/// `query SQL --param V …`: read-only, through the library's scripted-SQL engine.
pub fn query(t: &Target, a: &QueryArgs) -> Result<(), Failure> {
    let params = Value::Array(a.params.iter().map(|p| param_value(p)).collect()).to_string();
    let db = open_read(t)?;
    let text = db.query_json(&a.sql, Some(&params))?;
    let rows: Vec<Row> = serde_json::from_str(&text).map_err(govreport::Error::from)?;
    write_rows(t.format, &rows, &[])
}

/// `export`: json is the export document itself; jsonl one `{"dataset", "record"}` line
/// per record. Tables and CSV have no single shape for it.
pub fn export(t: &Target, explicit: Option<Format>) -> Result<(), Failure> {
    let format = explicit.unwrap_or(Format::Json);
    if matches!(format, Format::Table | Format::Csv) {
        return Err(Failure::input(
            "export has no table or CSV form (it holds eleven kinds of record); use --format \
             json or jsonl, or one dataset command such as `govreport targets --format csv`",
        ));
    }
    let db = open_read(t)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if format == Format::Json {
        out.write_all(db.export_json()?.as_bytes())?;
        writeln!(out)?;
    } else {
        let e = db.export()?;
        let mut line = |dataset: &str, records: Vec<Row>| -> Result<(), Failure> {
            for record in records {
                // Written by hand so that the record keeps its field order.
                write!(out, "{{\"dataset\":{},\"record\":", json!(dataset))?;
                serde_json::to_writer(&mut out, &record).map_err(govreport::Error::from)?;
                writeln!(out, "}}")?;
            }
            Ok(())
        };
        // The export document's datasets in its order (`report` is `reports[0]`, not repeated).
        line("reports", rows(&e.reports)?)?;
        line("sections", rows(&e.sections)?)?;
        line("paragraphs", rows(&e.paragraphs)?)?;
        line("targets", rows(&e.targets)?)?;
        line("results", rows(&e.results)?)?;
        line("projects", rows(&e.projects)?)?;
        line("project_totals", rows(&e.project_totals)?)?;
        line("places", rows(&e.places)?)?;
        line("glossary", rows(&e.glossary)?)?;
        line("undefined_terms", rows(&e.undefined_terms)?)?;
    }
    out.flush()?;
    Ok(())
}
