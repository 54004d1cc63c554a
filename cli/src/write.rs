//! The commands that make or change a database file (init, import-register, progress,
//! rebuild-search-index), evaluate and publish.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use govreport::tracking::{EvaluationConfig, Light, ProjectFields, Status, WorkStatus};
use govreport::{Db, ImportOptions, NewProgress, OpenMode, StatusCode, SubjectKind};
use serde_json::json;

use crate::Target;
use crate::data::{open_read, require_file};
use crate::exit::Failure;
use crate::output::{Format, col, rows, write_rows};
use crate::spinner;

/// Which register `import-register` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Register {
    /// The key-project register (重点项目台账).
    Projects,
    /// The village register (村情台账) with its yearly values.
    Villages,
}

/// `import-register projects|villages FILE`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Which register the file is.
    pub register: Register,
    /// The register file, .csv (UTF-8 or GBK) or .xlsx.
    pub file: PathBuf,
    /// Import the good rows and list the bad ones on stderr (default: any bad row fails the
    /// whole import and nothing is written).
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Villages: the year of the yearly columns when the file has no 年份 column.
    #[arg(long)]
    pub year: Option<i32>,
    /// The report whose register it is (default: the first report).
    #[arg(long)]
    pub report: Option<i64>,
}

/// The subject of a progress record: exactly one of the five.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("subject").required(true).multiple(false)))]
pub struct Subject {
    /// A target of the report (its id, as `govreport targets` lists it).
    #[arg(long, group = "subject", value_name = "ID")]
    pub target: Option<i64>,
    /// A task of the decomposition.
    #[arg(long, group = "subject", value_name = "ID")]
    pub task: Option<i64>,
    /// A project the report names (as `govreport projects` lists it).
    #[arg(long, group = "subject", value_name = "ID")]
    pub project: Option<i64>,
    /// A project of the imported key-project register.
    #[arg(long, group = "subject", value_name = "ID")]
    pub register_project: Option<i64>,
    /// A commitment of the report (as `govreport commitments` lists it).
    #[arg(long, group = "subject", value_name = "ID")]
    pub commitment: Option<i64>,
}

impl Subject {
    fn get(&self) -> (SubjectKind, i64) {
        match (
            self.target,
            self.task,
            self.project,
            self.register_project,
            self.commitment,
        ) {
            (Some(id), ..) => (SubjectKind::Target, id),
            (_, Some(id), ..) => (SubjectKind::Task, id),
            (_, _, Some(id), ..) => (SubjectKind::Project, id),
            (_, _, _, Some(id), _) => (SubjectKind::RegisterProject, id),
            // clap's group makes exactly one present.
            (_, _, _, _, id) => (SubjectKind::Commitment, id.unwrap_or_default()),
        }
    }
}

/// `progress add|list`.
#[derive(Debug, Subcommand)]
pub enum ProgressAction {
    /// Appends one progress record to --db FILE and prints it.
    Add(Box<AddArgs>),
    /// Every record about one subject, superseded ones included.
    List {
        #[command(flatten)]
        subject: Subject,
    },
}

/// `progress add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    subject: Subject,
    /// The period: YYYY-MM or YYYY-Qn, in the subject's plan year.
    #[arg(long)]
    period: String,
    /// Targets and tasks: the value reached (year to date unless --period-only).
    #[arg(long)]
    value: Option<f64>,
    /// The unit of --value: the subject's or one with the same base unit (万元 for 亿元).
    #[arg(long)]
    unit: Option<String>,
    /// The value is for this period alone, not the year to date.
    #[arg(long)]
    period_only: bool,
    /// 进展情况.
    #[arg(long)]
    text: Option<String>,
    /// 存在的问题.
    #[arg(long)]
    problems: Option<String>,
    /// 下一步措施.
    #[arg(long)]
    next_steps: Option<String>,
    /// Who reports.
    #[arg(long)]
    reported_by: Option<String>,
    /// When (YYYY-MM-DD or an ISO date-time); default now.
    #[arg(long)]
    reported_at: Option<String>,
    /// The id of the record this one corrects.
    #[arg(long, value_name = "ID")]
    supersedes: Option<i64>,
    /// Projects: investment completed in this period, in --invest-unit.
    #[arg(long)]
    invested_period: Option<f64>,
    /// Projects: investment completed this year to date, in --invest-unit.
    #[arg(long)]
    invested_to_date: Option<f64>,
    /// Projects: unit of the amounts (万元, 亿元 or 元).
    #[arg(long)]
    invest_unit: Option<String>,
    /// Commitments: where the work stands, 未启动 / 推进中 / 已完成 / 滞后 (or not_started,
    /// in_progress, done, lagging). Projects: status code (planning, to_start,
    /// under_construction, near_completion, completed, in_operation).
    #[arg(long)]
    status: Option<String>,
    /// Projects: 形象进度, where the works stand.
    #[arg(long)]
    physical_progress: Option<String>,
    /// Projects: 计划开工 date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    planned_start: Option<String>,
    /// Projects: 实际开工 date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    actual_start: Option<String>,
}

/// `evaluate --period P`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The period: YYYY-MM or YYYY-Qn.
    #[arg(long)]
    period: String,
    /// Judge 序时进度 and deadlines at this date (default: the period's last day).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Points behind 序时进度 from which a light is yellow (default 10).
    #[arg(long, value_name = "POINTS")]
    yellow: Option<f64>,
    /// Points behind 序时进度 from which a light is red (default 30).
    #[arg(long, value_name = "POINTS")]
    red: Option<f64>,
    /// Days before a deadline within which a light is blue (default 30).
    #[arg(long, value_name = "DAYS")]
    blue_days: Option<i64>,
    /// Only this report (by id).
    #[arg(long)]
    report: Option<i64>,
    /// Judge with only the records reported by this date or date-time (what was known then).
    #[arg(long, value_name = "DATE")]
    known_at: Option<String>,
    /// Commitments: months without a report after which a light is yellow (default 1; 0 off).
    #[arg(long, value_name = "MONTHS")]
    silent_periods: Option<u32>,
}

/// The database file a write goes to: `--db FILE`, existing and writable.
pub fn open_write(t: &Target, command: &str) -> Result<Db, Failure> {
    let Some(path) = &t.db else {
        return Err(Failure::input(format!(
            "{command} writes to a database file: give --db FILE before the subcommand (make \
             one with `govreport init FILE`); the built-in database cannot be changed"
        )));
    };
    require_file(path)?;
    // Checked here as well as by SQLite: root ignores permission bits, and a file its owner
    // marked read-only should stay unchanged whoever runs the command.
    if std::fs::metadata(path)?.permissions().readonly() {
        return Err(Failure::read_only(format!(
            "--db {}: the file is read-only, nothing was changed; make it writable \
             (chmod u+w) or work on a copy",
            path.display()
        )));
    }
    Ok(Db::open_with(path, OpenMode::ReadWrite)?)
}

/// `init FILE`.
pub fn init(file: &Path) -> Result<(), Failure> {
    // create_new claims the name atomically: an existing file is never opened.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
    {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(Failure::input(format!(
                "{}: the file exists, nothing was changed; init makes a new database (choose \
                 another name, or use --db {} to work with this one)",
                file.display(),
                file.display()
            )));
        }
        Err(e) => {
            return Err(Failure::file(format!(
                "{}: cannot create: {e}",
                file.display()
            )));
        }
    }
    let made = Db::open_with(file, OpenMode::Create).and_then(|db| {
        let version = db.schema_version()?;
        let report = db.report()?;
        Ok((version, report))
    });
    match made {
        Ok((version, report)) => {
            eprintln!(
                "created {} (schema {version}, {} {} {})",
                file.display(),
                report.region,
                report.date,
                report.title
            );
            Ok(())
        }
        Err(e) => {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            Err(e.into())
        }
    }
}

/// `import-register projects|villages FILE`.
pub fn import_register(t: &Target, a: &ImportArgs) -> Result<(), Failure> {
    if !a.file.is_file() {
        return Err(Failure::file(format!(
            "{}: no such register file (give a .csv or .xlsx file)",
            a.file.display()
        )));
    }
    let mut db = open_write(t, "import-register")?;
    let report_id = match a.report {
        Some(id) => id,
        None => db.report()?.id,
    };
    let options = ImportOptions {
        skip_bad_rows: a.skip_bad_rows,
        year: a.year,
        ..ImportOptions::default()
    };
    let bar = spinner::start(format!("importing {}", a.file.display()));
    let summary = match a.register {
        Register::Projects => db.import_projects(report_id, &a.file, &options),
        Register::Villages => db.import_villages(report_id, &a.file, &options),
    };
    bar.finish_and_clear();
    let summary = summary?;
    for p in &summary.skipped {
        eprintln!("skipped {p}");
    }
    eprintln!(
        "{}: {} rows read, {} inserted, {} updated, {} linked, {} rows skipped",
        summary.source,
        summary.rows_read,
        summary.inserted,
        summary.updated,
        summary.linked,
        summary.skipped_rows().len()
    );
    write_rows(
        t.format,
        &rows(&[&summary])?,
        &[
            col("source", "source", 30),
            col("rows_read", "rows", 6),
            col("inserted", "inserted", 8),
            col("updated", "updated", 8),
            col("linked", "linked", 6),
            col("years_written", "years", 6),
        ],
    )
}

const PROGRESS_COLUMNS: &[crate::output::Col] = &[
    col("id", "id", 6),
    col("subject_kind", "subject", 16),
    col("subject_id", "subject id", 10),
    col("period", "period", 7),
    col("value", "value", 12),
    col("unit", "unit", 6),
    col("cumulative", "cumulative", 10),
    col("invested_to_date", "invested", 10),
    col("invest_unit", "unit", 4),
    col("work_status", "work status", 11),
    col("reported_at", "reported at", 20),
    col("superseded_by", "superseded by", 13),
];

/// `progress add|list`.
pub fn progress(t: &Target, action: &ProgressAction) -> Result<(), Failure> {
    match action {
        ProgressAction::List { subject } => {
            let (kind, id) = subject.get();
            let db = open_read(t)?;
            let list = db.progress_history(kind, id)?;
            write_rows(t.format, &rows(&list)?, PROGRESS_COLUMNS)
        }
        ProgressAction::Add(a) => {
            let (kind, id) = a.subject.get();
            let commitment = kind == SubjectKind::Commitment;
            // --status is a commitment's work status, or a project's status code.
            let status_flag = |e: govreport::Error| Failure::input(format!("--status: {e}"));
            let (status, work_status) = if commitment {
                let w = a.status.as_deref().map(WorkStatus::from_label_or_code);
                (None, w.transpose().map_err(status_flag)?)
            } else {
                let s = a.status.as_deref().map(StatusCode::from_code);
                (s.transpose().map_err(status_flag)?, None)
            };
            let project = ProjectFields {
                invested_period: a.invested_period,
                invested_to_date: a.invested_to_date,
                invest_unit: a.invest_unit.clone(),
                status,
                physical_progress: a.physical_progress.clone(),
                planned_start: a.planned_start.clone(),
                actual_start: a.actual_start.clone(),
            };
            let record = NewProgress {
                subject_kind: kind,
                subject_id: id,
                period: a.period.clone(),
                value: a.value,
                unit: a.unit.clone(),
                // A commitment's record has no value to be cumulative.
                cumulative: !a.period_only && !commitment,
                progress_text: a.text.clone(),
                problems: a.problems.clone(),
                next_steps: a.next_steps.clone(),
                work_status,
                reported_by: a.reported_by.clone(),
                reported_at: a.reported_at.clone(),
                supersedes_id: a.supersedes,
                // Project fields go with project subjects; on a target the library refuses them.
                project: (kind.is_project() || project != ProjectFields::default())
                    .then_some(project),
            };
            let mut db = open_write(t, "progress add")?;
            let new_id = db.add_progress(&record)?;
            eprintln!("added progress record {new_id}");
            write_rows(t.format, &rows(&[db.progress(new_id)?])?, PROGRESS_COLUMNS)
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|c| format!("{c:.1}%")).unwrap_or_else(|| "-".into())
}

fn yi(base: f64) -> String {
    format!("{:.2}亿元", base / 1e8)
}

/// `evaluate --period P`: json is `{period, config, targets, projects, commitments}`; csv and
/// jsonl the target lines; the table adds the project summary and the commitments.
pub fn evaluate(t: &Target, a: &EvaluateArgs) -> Result<(), Failure> {
    let defaults = EvaluationConfig::default();
    let config = EvaluationConfig {
        as_of: a.as_of.clone(),
        yellow_margin: a.yellow.unwrap_or(defaults.yellow_margin),
        red_margin: a.red.unwrap_or(defaults.red_margin),
        blue_days: a.blue_days.unwrap_or(defaults.blue_days),
        report_id: a.report,
        known_at: a.known_at.clone(),
        silent_periods: a.silent_periods.unwrap_or(defaults.silent_periods),
        ..defaults
    };
    let db = open_read(t)?;
    let bar = spinner::start(format!("evaluating {}", a.period));
    let evaluated = db.evaluate_targets(&a.period, &config).and_then(|targets| {
        let projects = db.evaluate_projects(&a.period, &config)?;
        let commitments = db.evaluate_commitments(&a.period, &config)?;
        Ok((targets, projects, commitments))
    });
    bar.finish_and_clear();
    let (targets, projects, commitments) = evaluated?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match t.format {
        Format::Json => {
            let object = json!({
                "period": a.period, "config": config, "targets": targets, "projects": projects,
                "commitments": commitments,
            });
            serde_json::to_writer_pretty(&mut out, &object).map_err(govreport::Error::from)?;
            writeln!(out)?;
        }
        Format::Jsonl | Format::Csv => {
            drop(out);
            return write_rows(t.format, &rows(&targets)?, &[]);
        }
        Format::Table => {
            let schedule = targets.first().map(|t| t.schedule_pct).unwrap_or(0.0);
            writeln!(out, "{} 目标任务进度（序时进度 {schedule:.1}%）", a.period)?;
            let mut table = rows(&targets)?;
            for (row, t) in table.iter_mut().zip(&targets) {
                row.set(
                    "status",
                    json!(format!("{} {}", t.status.code(), t.status.label_zh())),
                );
                row.set(
                    "light",
                    json!(t.light.map(|l| format!("{} {}", l.code(), l.label_zh()))),
                );
                row.set("completion_pct", json!(pct(t.completion_pct)));
            }
            crate::output::write_table(
                &mut out,
                &table,
                &[
                    col("target_id", "id", 6),
                    col("metric", "metric", 24),
                    col("target_value", "target", 8),
                    col("unit", "unit", 6),
                    col("value", "latest", 10),
                    col("completion_pct", "完成", 7),
                    col("status", "status", 18),
                    col("light", "light", 10),
                ],
            )?;
            let count = |s: Status| targets.iter().filter(|t| t.status == s).count();
            let lights = |l: Light| targets.iter().filter(|t| t.light == Some(l)).count();
            writeln!(
                out,
                "\n{} targets: done {}, ahead {}, on schedule {}, behind {}, overdue {}, no data {}",
                targets.len(),
                count(Status::Done),
                count(Status::Ahead),
                count(Status::OnSchedule),
                count(Status::Behind),
                count(Status::Overdue),
                count(Status::NoData)
            )?;
            writeln!(
                out,
                "lights: green {}, blue {}, yellow {}, red {}",
                lights(Light::Green),
                lights(Light::Blue),
                lights(Light::Yellow),
                lights(Light::Red)
            )?;
            writeln!(
                out,
                "重点项目投资（序时进度 {:.1}%）: {} projects, {} reporting, 完成投资 {} of \
                 annual plans {} ({}), 开工率 {} of {} ({})",
                projects.schedule_pct,
                projects.projects.len(),
                projects.reporting,
                yi(projects.invested_base),
                yi(projects.annual_plan_base),
                pct(projects.plan_completion_pct),
                projects.actual_starts,
                projects.planned_starts,
                pct(projects.start_rate_pct),
            )?;
            crate::lights::commitment_section(&mut out, &a.period, &commitments)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `publish OUT.db`.
pub fn publish(t: &Target, out: &Path) -> Result<(), Failure> {
    let db = open_read(t)?;
    db.publish(out)?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "published {} ({size} bytes, DELETE journal mode: open it read-only with any SQLite tool)",
        out.display()
    );
    Ok(())
}

/// `rebuild-search-index`.
pub fn rebuild_search_index(t: &Target) -> Result<(), Failure> {
    let mut db = open_write(t, "rebuild-search-index")?;
    let bar = spinner::start("rebuilding the search index");
    let done = db.rebuild_search_index();
    bar.finish_and_clear();
    done?;
    eprintln!("rebuilt the search index");
    Ok(())
}
