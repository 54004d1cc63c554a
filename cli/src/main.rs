//! `govreport`: the report's dataset, search, tracking and publishing from a shell.
//!
//! Data goes to stdout (a table on a terminal, JSON in a pipe, or `--format`), messages to
//! stderr; the exit code says what kind of failure happened (see [`exit::EXIT_CODES`]).

mod bulletin;
mod data;
mod decomposition;
mod exit;
mod lights;
mod output;
mod spinner;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::exit::Failure;
use crate::output::Format;

/// The district government work report as data: list, search, query, track, publish.
///
/// Without --db every command reads the database built into govreport (the 2024 report of
/// 偃师区); `govreport init FILE` makes a file database for progress records and register
/// imports.
#[derive(Debug, Parser)]
#[command(name = "govreport", version, after_help = exit::EXIT_CODES)]
struct Cli {
    /// The database file (made by `govreport init`); without it, the built-in database.
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Output format; default: table on a terminal, json otherwise.
    #[arg(long, global = true, value_enum)]
    format: Option<Format>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The report's metadata, the schema version and how many records of each kind.
    Info,
    /// The targets of the plan year.
    Targets(FigureArgs),
    /// The results of the review year.
    Results(FigureArgs),
    /// The projects the report names.
    Projects(ProjectArgs),
    /// The towns, villages, communities and clusters the report names.
    Places(PlaceArgs),
    /// The 名词解释 entries.
    Glossary(GlossaryArgs),
    /// Every commitment of the report (parts 二–四), numeric or not.
    Commitments(CommitmentArgs),
    /// Everything with a deadline in a range (commitments, targets, projects), by deadline.
    Due(DueArgs),
    /// Full-text search of paragraphs, figures, projects, places and glossary terms.
    Search(SearchArgs),
    /// One read-only SQL statement; rows as records.
    Query(QueryArgs),
    /// The whole dataset (json: the export document; jsonl: one record per line).
    Export,
    /// Creates a new database file with the schema and the built-in data.
    Init {
        /// The file to create; an existing file is refused.
        file: PathBuf,
    },
    /// Imports a key-project or village register (.csv or .xlsx) into --db FILE.
    ImportRegister(write::ImportArgs),
    /// Progress records: add one, or list a subject's.
    Progress {
        #[command(subcommand)]
        action: write::ProgressAction,
    },
    /// The traffic lights of every target and commitment and the project investment summary
    /// for a period.
    Evaluate(write::EvaluateArgs),
    /// The 任务分解表: write the draft from the report's commitments, or import the office's
    /// filled table into --db FILE as tasks.
    Decomposition {
        #[command(subcommand)]
        action: decomposition::DecompositionAction,
    },
    /// The light of each month from --from to --to, as it stood at the month's end (every
    /// commitment, or one --subject).
    Lights(lights::LightsArgs),
    /// The 督查通报 of a period as a DOCX file (Word/WPS) or an HTML page: counts, a table per
    /// area, indicators, every lagging commitment, key-project investment with a chart.
    Bulletin(bulletin::BulletinArgs),
    /// Writes a self-contained copy (vacuumed, DELETE journal) that any SQLite tool opens
    /// read-only.
    Publish {
        /// The new file; an existing file is refused.
        out: PathBuf,
    },
    /// Rebuilds the full-text index of --db FILE (after its text was edited with another
    /// tool).
    RebuildSearchIndex,
}

/// Filters of `targets` and `results`.
#[derive(Debug, Args)]
pub struct FigureArgs {
    /// Only this work area (targets, 1–10) or theme (results, 1–6).
    #[arg(long)]
    pub area: Option<i64>,
    /// Only the headline figures (part 二's goals, part 一's opening summary).
    #[arg(long)]
    pub headline: bool,
    /// Only this kind of measure: growth_rate, share, level or count.
    #[arg(long)]
    pub measure: Option<String>,
    /// Only figures with a deadline before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due_before: Option<String>,
    /// Only figures whose metric or quote contains this text.
    #[arg(long)]
    pub text: Option<String>,
    /// Only this report (by id).
    #[arg(long)]
    pub report: Option<i64>,
}

/// Filters of `projects`.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Only projects of this year (2023: done or under way; 2024: planned).
    #[arg(long)]
    pub year: Option<i32>,
    /// Only projects whose status words contain this (开工) or whose code is it (completed).
    #[arg(long)]
    pub status: Option<String>,
    /// Only projects named in this area (2024) or theme (2023).
    #[arg(long)]
    pub area: Option<i64>,
    /// Only projects with a deadline before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due_before: Option<String>,
    /// Only projects whose name, companies or quote contain this text.
    #[arg(long)]
    pub text: Option<String>,
    /// Only this report (by id).
    #[arg(long)]
    pub report: Option<i64>,
}

/// Filters of `places`.
#[derive(Debug, Args)]
pub struct PlaceArgs {
    /// Only this kind: town, subdistrict, village, community or cluster.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only places in this town (as written, 首阳山街道).
    #[arg(long)]
    pub town: Option<String>,
    /// Only places whose name contains this text.
    #[arg(long)]
    pub name: Option<String>,
    /// Only places with a designation of this level: national, provincial or municipal.
    #[arg(long)]
    pub level: Option<String>,
    /// Only this report (by id).
    #[arg(long)]
    pub report: Option<i64>,
}

/// Filters of `glossary`.
#[derive(Debug, Args)]
pub struct GlossaryArgs {
    /// Only entries whose term or definition contains this text.
    #[arg(long)]
    pub text: Option<String>,
}

/// The window of `due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// Deadlines before this date (YYYY-MM-DD, not included).
    #[arg(long, value_name = "DATE")]
    pub before: String,
    /// Deadlines on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub after: Option<String>,
    /// Only this kind (repeatable): commitment, target, project.
    #[arg(long)]
    pub kind: Vec<String>,
    /// Only part 三's area (1–10).
    #[arg(long)]
    pub area: Option<i64>,
    /// Only deadlines the text states (leaves out commitments defaulted to the year end).
    #[arg(long)]
    pub stated_only: bool,
    /// Only this report (by id).
    #[arg(long)]
    pub report: Option<i64>,
}

/// Filters of `commitments`.
#[derive(Debug, Args)]
pub struct CommitmentArgs {
    /// Only part 三's area (1–10).
    #[arg(long)]
    pub area: Option<i64>,
    /// Only this part: 2 (goals), 3 (the plan), 4 (government self-construction).
    #[arg(long)]
    pub part: Option<i64>,
    /// Only this kind: quantitative (carries a target) or qualitative.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only commitments whose quote or action contains this text.
    #[arg(long)]
    pub text: Option<String>,
    /// Only this report (by id).
    #[arg(long)]
    pub report: Option<i64>,
}

/// `search QUERY`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find (two or more characters match through the index).
    pub query: String,
    /// Only hits of this kind (repeatable): paragraph, target, result, project, place,
    /// glossary.
    #[arg(long)]
    pub kind: Vec<String>,
    /// At most this many hits, best first.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// `query SQL`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// One SELECT (or WITH …) statement; parameters as ?1, ?2 …
    pub sql: String,
    /// A value for the next parameter (repeatable): bound as a number when it reads as
    /// one, else as text.
    #[arg(long = "param", value_name = "V", allow_hyphen_values = true)]
    pub params: Vec<String>,
}

/// Where the command reads or writes.
#[derive(Debug, Clone)]
pub struct Target {
    /// `--db FILE`, if given.
    pub db: Option<PathBuf>,
    /// The resolved output format.
    pub format: Format,
}

fn run(cli: Cli) -> Result<(), Failure> {
    let explicit = cli.format;
    let t = Target {
        db: cli.db,
        format: Format::resolve(cli.format),
    };
    match cli.command {
        Command::Info => data::info(&t),
        Command::Targets(a) => data::figures(&t, &a, false),
        Command::Results(a) => data::figures(&t, &a, true),
        Command::Projects(a) => data::projects(&t, &a),
        Command::Places(a) => data::places(&t, &a),
        Command::Glossary(a) => data::glossary(&t, &a),
        Command::Commitments(a) => data::commitments(&t, &a),
        Command::Due(a) => data::due(&t, &a),
        Command::Search(a) => data::search(&t, &a),
        Command::Query(a) => data::query(&t, &a),
        Command::Export => data::export(&t, explicit),
        Command::Init { file } => write::init(&file),
        Command::ImportRegister(a) => write::import_register(&t, &a),
        Command::Progress { action } => write::progress(&t, &action),
        Command::Evaluate(a) => write::evaluate(&t, &a),
        Command::Decomposition { action } => decomposition::run(&t, &action),
        Command::Lights(a) => lights::lights(&t, &a),
        Command::Bulletin(a) => bulletin::bulletin(&t, &a),
        Command::Publish { out } => write::publish(&t, &out),
        Command::RebuildSearchIndex => write::rebuild_search_index(&t),
    }
}

fn main() -> ExitCode {
    // Usage errors exit with 2 (clap's own code); --help and --version with 0.
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}
