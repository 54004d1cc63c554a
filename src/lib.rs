//! # govreport
//!
//! A Chinese district government's annual work report (政府工作报告) as a queryable SQLite
//! database: its text and outline, the targets it sets, the results it reports, the projects,
//! places and glossary terms it names — every record with the exact sentence it came from.
//! The 2024 report of 偃师区 (Yanshi district, Luoyang) is built in.
//!
//! ```
//! use govreport::Db;
//!
//! let db = Db::open_default()?;
//! let report = db.report()?;
//! assert_eq!((report.region.as_str(), report.date.as_str()), ("洛阳市偃师区", "2024-01-23"));
//!
//! // The outline: four parts, then the glossary.
//! let parts: Vec<_> = db
//!     .sections(report.id)?
//!     .into_iter()
//!     .filter(|s| s.kind == govreport::SectionKind::Part)
//!     .map(|s| s.title)
//!     .collect();
//! assert_eq!(parts[2], "三、2024年重点工作安排");
//! # Ok::<(), govreport::Error>(())
//! ```
//!
//! Modules, one per concept: [`report`] (text pipeline and outline), [`db`] (opening and
//! the schema version), [`figures`] (targets and results), [`projects`], [`places`],
//! [`glossary`], [`export`] (the dataset as JSON), [`seed`] (the curated data in `seeds/`),
//! [`units`] (base-unit conversion and every multiplier), [`time`] (dates, periods, the valid
//! years), [`code`] (text codes of enums, [`TextCode`]), [`tracking`] (task decomposition,
//! progress records and evaluation against 序时进度), [`registers`] (the key-project and
//! village registers offices import from spreadsheets), [`publish`] (a self-contained copy
//! that other SQLite tools open read-only).

#![warn(missing_docs)]

pub mod bulletin;
pub mod code;
pub mod commitments;
pub mod db;
pub mod error;
pub mod export;
pub mod figures;
pub mod glossary;
pub mod places;
pub mod projects;
pub mod publish;
pub mod query;
pub mod registers;
pub mod report;
pub mod search;
pub mod seed;
pub mod time;
pub mod tracking;
pub mod units;

pub use code::TextCode;
pub use commitments::decomposition::{DecompositionOptions, DecompositionSummary};
pub use commitments::{
    Commitment, CommitmentFilter, CommitmentKind, Coverage, DeadlineSource, DueFilter, DueItem,
    DueKind, Framing, FramingReason,
};
pub use db::{Db, OpenMode, SCHEMA_VERSION};
pub use error::{Error, Result};
pub use export::Export;
pub use figures::{Comparator, Figure, FigureFilter, FigureKind, Measure};
pub use glossary::{GlossaryPart, GlossaryTerm, UndefinedTerm};
pub use places::{Designation, Place, PlaceFilter, PlaceKind};
pub use projects::{Project, ProjectFilter, ProjectTotal, StatusCode};
pub use registers::{
    FileFormat, ImportError, ImportOptions, ImportSummary, RegisterConsistency, RegisterPlace,
    RegisterProject, RowProblem, VillageRollup,
};
pub use report::{Outline, Paragraph, Report, Section, SectionKind};
pub use search::{SearchHit, SearchKind, SearchOptions, SearchOrder};
pub use tracking::{
    CommitmentStatus, EvaluationConfig, Light, MonthLight, NewProgress, NewTask, Progress,
    ProjectSummary, SubjectKind, TargetStatus, Task, TaskUpdate, WorkStatus,
};

/// The Rust code blocks of README.md, compiled and run as doctests (`cargo test --doc`), so
/// the README cannot show code that does not work.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
