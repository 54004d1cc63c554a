//! Tracking the year: the task decomposition (任务分解表), the append-only history of
//! progress reports, and the evaluation offices make against 序时进度.
//!
//! # The records
//!
//! * **Units** ([`OrgUnit`]): the bureaus, towns and companies that lead (牵头单位) or support
//!   (配合单位) work, each a record with a unique name and an optional parent unit.
//! * **Tasks** ([`Task`], written with [`NewTask`]): a hierarchy of work items, each
//!   optionally delivering a target or a named project, with a lead unit, supporting units,
//!   a responsible person (责任人), a deadline (set, or taken from the target, the project or
//!   the parent task), milestones ([`Milestone`]) and notes. [`Db::decompose_target`](crate::Db::decompose_target) splits a
//!   target into sub-items in one call.
//! * **Progress** ([`Progress`], written with [`NewProgress`]): one report on a target, a
//!   task, a project the report names, a project of the key-project register or a
//!   commitment of the report, for a month
//!   (`2024-03`) or a quarter (`2024-Q1`). History is append-only — there is no update or
//!   delete, and the database refuses both — so a correction is a new record whose
//!   `supersedes_id` names the record it replaces; both stay visible, and the *effective*
//!   records are those nobody superseded.
//!
//! # Rules for progress records
//!
//! * The period's year must be the plan year of the subject (a target's `year`; the plan year
//!   of the report for tasks and projects), and `reported_at` may not be earlier than the
//!   first day of the period.
//! * Values of targets and tasks are in the subject's unit. A record may give another unit
//!   with the same base unit (`605000` `亩` for a target in `万亩`): the value is converted
//!   and stored in the subject's unit. Any other unit is refused.
//! * `cumulative = true` means the value is the year to date (1–N月累计); `false` means the
//!   period alone.
//! * Project amounts are money (`万元`, `亿元`, `元`), stored as given and in 元.
//! * A commitment's record says where the work stands ([`WorkStatus`]: 未启动, 推进中,
//!   已完成, 滞后) with the narrative fields (进展情况, 存在的问题, 下一步措施); it takes no
//!   value, unit or project fields (numbers go on the commitment's targets), and no other
//!   subject takes a work status.
//! * A correction must supersede an existing record of the same subject that no other record
//!   supersedes yet, and may not be reported before it (`reported_at`, compared as instants):
//!   what was known at a date stays reproducible (see [`evaluation`], "As known at").
//! * Every write is one transaction: a batch with one bad record writes nothing, and the error
//!   names the record (1-based), the field and the reason.
//!
//! # Evaluation
//!
//! See [`evaluation`] for the rule (序时进度, statuses, lights) and [`EvaluationConfig`] for
//! the thresholds.
//!
//! ```
//! use govreport::tracking::{EvaluationConfig, NewProgress, Status};
//!
//! let mut db = govreport::Db::open_default()?;
//! // 城镇新增就业7400人以上 (target 10): 4,200 people by the end of June (56.8% vs 50%).
//! let id = db.add_progress(&NewProgress::target(10, "2024-06", 4200.0, "人"))?;
//! let report = db.evaluate_targets("2024-06", &EvaluationConfig::default())?;
//! let jobs = report.iter().find(|t| t.target_id == 10).unwrap();
//! assert_eq!((jobs.latest_record_id, jobs.status), (Some(id), Status::Ahead));
//! # Ok::<(), govreport::Error>(())
//! ```

pub mod evaluation;
pub mod progress;
pub mod tasks;

pub use crate::time::Period;
pub use evaluation::{
    CommitmentStatus, DistrictTotal, EvaluationConfig, Light, MonthLight, ProjectStatus,
    ProjectSummary, Status, TargetStatus, ValueSource,
};
pub use progress::{
    NewProgress, Progress, ProgressBatch, ProgressRecord, ProjectFields, SubjectKind, WorkStatus,
};
pub use tasks::{Milestone, NewMilestone, NewOrgUnit, NewTask, OrgUnit, SubItem, Task, TaskUpdate};
