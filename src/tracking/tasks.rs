//! Organisation units (单位: bureaus, towns, companies) and the task decomposition (任务分解表):
//! tasks in a hierarchy with a lead unit, supporting units, a responsible person, a deadline, milestones and notes.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::time::{Date, now_utc};

mod update;
pub use update::TaskUpdate;

/// An organisation unit (单位: a bureau, a town, a company) that leads (牵头单位) or supports
/// (配合单位) work. Not a measurement unit (those are in [`crate::units`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// Record id.
    pub id: i64,
    /// The report it belongs to, if it is tied to one.
    pub report_id: Option<i64>,
    /// Name, unique in the database (`区人社局`).
    pub name: String,
    /// The unit it belongs to, if any.
    pub parent_id: Option<i64>,
}

/// An organisation unit to add (the input of `govreport_org_unit_add`: `{"name", "parent_id"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrgUnit {
    /// Name, new in the database (`区人社局`).
    pub name: String,
    /// The unit it belongs to, if any.
    pub parent_id: Option<i64>,
}

impl NewOrgUnit {
    /// A unit named `name`, part of `parent_id` if given.
    pub fn new(name: &str, parent_id: Option<i64>) -> NewOrgUnit {
        NewOrgUnit {
            name: name.into(),
            parent_id,
        }
    }
}

/// A milestone given with a new task (`{"due_date", "description"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMilestone {
    /// ISO due date.
    pub due_date: String,
    /// What is to be reached (形象进度); not empty.
    pub description: String,
}

/// A task to add. Only `title` is required; `report_id` defaults to the target's, the
/// project's or the parent's report, else the first report.
///
/// Its serde shape is the `task_json` of the C ABI: unknown keys are refused, and absent
/// optional keys take the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    /// The report the task belongs to.
    pub report_id: Option<i64>,
    /// The task this one is a sub-item of.
    pub parent_id: Option<i64>,
    /// What is to be done.
    pub title: String,
    /// The target the task delivers (a target id).
    pub target_id: Option<i64>,
    /// The named project the task delivers (a project id).
    pub project_id: Option<i64>,
    /// This task's share of the target, in `unit`.
    pub planned_value: Option<f64>,
    /// Unit of `planned_value` and of the task's progress values; defaults to the target's
    /// unit when the task has a target. Must have the target's base unit.
    pub unit: Option<String>,
    /// 牵头单位 (a unit id).
    pub lead_unit_id: Option<i64>,
    /// 配合单位 (unit ids).
    #[serde(default)]
    pub support_unit_ids: Vec<i64>,
    /// 具体责任人.
    pub responsible_person: Option<String>,
    /// ISO deadline; defaults to the target's, else the project's, else the parent task's.
    pub deadline: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Milestones.
    #[serde(default)]
    pub milestones: Vec<NewMilestone>,
}

/// One task of the decomposition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    /// Record id.
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// The task it is a sub-item of.
    pub parent_id: Option<i64>,
    /// What is to be done.
    pub title: String,
    /// The target it delivers.
    pub target_id: Option<i64>,
    /// The named project it delivers.
    pub project_id: Option<i64>,
    /// Its share of the target.
    pub planned_value: Option<f64>,
    /// Unit of `planned_value` and of its progress values.
    pub unit: Option<String>,
    /// 牵头单位.
    pub lead_unit: Option<OrgUnit>,
    /// 配合单位, by name.
    pub support_units: Vec<OrgUnit>,
    /// 具体责任人.
    pub responsible_person: Option<String>,
    /// ISO deadline.
    pub deadline: Option<String>,
    /// Where the deadline came from: `set`, `target`, `project`, `parent`, `commitment` (a
    /// 任务分解表 row with an empty 完成时限 takes its commitment's) or `none`.
    pub deadline_source: String,
    /// Notes.
    pub notes: Option<String>,
    /// When the task was recorded (UTC).
    pub created_at: String,
    /// Its milestones, by due date.
    pub milestones: Vec<Milestone>,
    /// The commitment of the report this task is (tasks read from a 任务分解表 row; see
    /// [`crate::commitments::decomposition`]).
    pub commitment_id: Option<i64>,
    /// 责任领导: the leaders responsible, joined by `、`.
    pub leader: Option<String>,
    /// 完成时限 as the 任务分解表 wrote it (`6月底前`), when the deadline came from one.
    pub deadline_text: Option<String>,
}

/// A milestone (节点) of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// Record id.
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// ISO due date.
    pub due_date: String,
    /// What is to be reached (形象进度).
    pub description: String,
    /// ISO date it was reached, if it was.
    pub done_at: Option<String>,
}

/// One sub-item for [`Db::decompose_target`]. Only `title` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubItem {
    /// What the sub-item is (`城关镇`).
    pub title: String,
    /// Its share of the target, in the target's unit.
    pub planned_value: Option<f64>,
    /// 牵头单位 by name; created if missing.
    pub lead_unit: Option<String>,
    /// 具体责任人.
    pub responsible_person: Option<String>,
    /// ISO deadline; defaults to the target's.
    pub deadline: Option<String>,
}

struct Context {
    report_id: i64,
    unit: Option<String>,
    deadline: Option<String>,
    deadline_source: &'static str,
}

fn org_unit_exists(conn: &Connection, id: i64, field: &str) -> Result<()> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM org_unit WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| Error::NotFound(format!("{field}: unit {id} does not exist")))
}

pub(crate) fn org_unit_id_by_name(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM org_unit WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

pub(crate) fn insert_org_unit(
    conn: &Connection,
    name: &str,
    parent_id: Option<i64>,
    report_id: Option<i64>,
) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidArgument("unit name: empty".into()));
    }
    if let Some(p) = parent_id {
        org_unit_exists(conn, p, "unit parent_id")?;
    }
    if org_unit_id_by_name(conn, name)?.is_some() {
        return Err(Error::InvalidArgument(format!(
            "unit name: {name:?} already exists (names are unique)"
        )));
    }
    conn.prepare_cached("INSERT INTO org_unit (report_id, name, parent_id) VALUES (?1, ?2, ?3)")?
        .execute(params![report_id, name, parent_id])?;
    Ok(conn.last_insert_rowid())
}

/// Validates a task and works out its report, unit and deadline.
fn context(conn: &Connection, t: &NewTask) -> Result<Context> {
    if t.title.trim().is_empty() {
        return Err(Error::InvalidArgument("task title: empty".into()));
    }
    let mut report_id = t.report_id;
    let mut unit = t.unit.clone();
    let mut deadline: Option<(String, &'static str)> = None;
    if let Some(tid) = t.target_id {
        let (rid, tunit, td, year): (i64, String, Option<String>, i32) = conn
            .prepare_cached(
                "SELECT report_id, unit, deadline, year FROM figure WHERE kind = 'target' AND id = ?1",
            )?
            .query_row([tid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("task target_id: target {tid} does not exist")))?;
        report_id.get_or_insert(rid);
        match &unit {
            None => unit = Some(tunit),
            Some(u) if *u == tunit => {}
            Some(u) => {
                let (_, b1) = crate::units::to_base(1.0, u);
                let (_, b2) = crate::units::to_base(1.0, &tunit);
                if b1 != b2 {
                    return Err(Error::InvalidArgument(format!(
                        "task unit: {u:?} does not measure target {tid}, which is in {tunit:?}"
                    )));
                }
            }
        }
        deadline = Some((td.unwrap_or_else(|| format!("{year}-12-31")), "target"));
    }
    if let Some(pid) = t.project_id {
        let (rid, pd): (i64, Option<String>) = conn
            .prepare_cached("SELECT report_id, deadline FROM project WHERE id = ?1")?
            .query_row([pid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!("task project_id: project {pid} does not exist"))
            })?;
        report_id.get_or_insert(rid);
        if deadline.is_none() {
            deadline = pd.map(|d| (d, "project"));
        }
    }
    if let Some(parent) = t.parent_id {
        let (rid, pd): (i64, Option<String>) = conn
            .prepare_cached("SELECT report_id, deadline FROM task WHERE id = ?1")?
            .query_row([parent], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!("task parent_id: task {parent} does not exist"))
            })?;
        if *report_id.get_or_insert(rid) != rid {
            return Err(Error::InvalidArgument(format!(
                "task parent_id: task {parent} belongs to report {rid}, not to report {}",
                report_id.unwrap_or_default()
            )));
        }
        if deadline.is_none() {
            deadline = pd.map(|d| (d, "parent"));
        }
    }
    let report_id = match report_id {
        Some(r) => r,
        None => conn
            .query_row("SELECT min(id) FROM report", [], |r| {
                r.get::<_, Option<i64>>(0)
            })?
            .ok_or_else(|| Error::NotFound("the database holds no report".into()))?,
    };
    let plan_year: i32 = conn
        .prepare_cached("SELECT plan_year FROM report WHERE id = ?1")?
        .query_row([report_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::NotFound(format!("task report_id: report {report_id} does not exist"))
        })?;
    if let Some(d) = &t.deadline {
        let date = Date::parse(d, "task deadline")?;
        if date.y < plan_year {
            return Err(Error::InvalidArgument(format!(
                "task deadline: {d} is before the plan year {plan_year} of report {report_id}"
            )));
        }
        deadline = Some((d.clone(), "set"));
    }
    if let Some(v) = t.planned_value {
        if !v.is_finite() || v < 0.0 {
            return Err(Error::InvalidArgument(format!(
                "task planned_value: {v} is not a non-negative number"
            )));
        }
        if unit.is_none() {
            return Err(Error::InvalidArgument(
                "task unit: a planned_value needs a unit (or a target to take it from)".into(),
            ));
        }
    }
    if let Some(u) = t.lead_unit_id {
        org_unit_exists(conn, u, "task lead_unit_id")?;
    }
    for (i, u) in t.support_unit_ids.iter().enumerate() {
        org_unit_exists(conn, *u, "task support_unit_ids")?;
        if t.support_unit_ids[..i].contains(u) {
            return Err(Error::InvalidArgument(format!(
                "task support_unit_ids: unit {u} is listed twice"
            )));
        }
        if Some(*u) == t.lead_unit_id {
            return Err(Error::InvalidArgument(format!(
                "task support_unit_ids: unit {u} is already the lead unit"
            )));
        }
    }
    for m in &t.milestones {
        Date::parse(&m.due_date, "milestone due_date")?;
        if m.description.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "milestone description: empty".into(),
            ));
        }
    }
    let (deadline, deadline_source) = match deadline {
        Some((d, s)) => (Some(d), s),
        None => (None, "none"),
    };
    Ok(Context {
        report_id,
        unit,
        deadline,
        deadline_source,
    })
}

fn insert_task(conn: &Connection, t: &NewTask, created_at: &str) -> Result<i64> {
    let c = context(conn, t)?;
    conn.prepare_cached(
        "INSERT INTO task (report_id, parent_id, title, target_kind, target_id, project_id,
             planned_value, unit, lead_org_unit_id, responsible_person, deadline, deadline_source,
             notes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        c.report_id,
        t.parent_id,
        t.title.trim(),
        t.target_id.map(|_| "target"),
        t.target_id,
        t.project_id,
        t.planned_value,
        c.unit,
        t.lead_unit_id,
        t.responsible_person,
        c.deadline,
        c.deadline_source,
        t.notes,
        created_at,
    ])?;
    let id = conn.last_insert_rowid();
    for u in &t.support_unit_ids {
        conn.prepare_cached(
            "INSERT INTO task_support_org_unit (task_id, org_unit_id) VALUES (?1, ?2)",
        )?
        .execute([id, *u])?;
    }
    for m in &t.milestones {
        conn.prepare_cached(
            "INSERT INTO milestone (task_id, due_date, description) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, m.due_date, m.description.trim()])?;
    }
    Ok(id)
}

/// Replaces the supporting units of task `id`.
pub(crate) fn set_support_units(conn: &Connection, id: i64, units: &[i64]) -> Result<()> {
    conn.prepare_cached("DELETE FROM task_support_org_unit WHERE task_id = ?1")?
        .execute([id])?;
    for u in units {
        conn.prepare_cached(
            "INSERT INTO task_support_org_unit (task_id, org_unit_id) VALUES (?1, ?2)",
        )?
        .execute([id, *u])?;
    }
    Ok(())
}

fn org_unit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrgUnit> {
    Ok(OrgUnit {
        id: r.get(0)?,
        report_id: r.get(1)?,
        name: r.get(2)?,
        parent_id: r.get(3)?,
    })
}

impl Db {
    /// Adds an organisation unit; its name must be new. Returns its id.
    pub fn add_org_unit(&mut self, unit: &NewOrgUnit) -> Result<i64> {
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = insert_org_unit(&tx, &unit.name, unit.parent_id, None)?;
        tx.commit()?;
        Ok(id)
    }

    /// The id of the organisation unit with this name, adding it (without a parent) if
    /// missing.
    pub fn org_unit_id_or_add(&mut self, name: &str) -> Result<i64> {
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = match org_unit_id_by_name(&tx, name.trim())? {
            Some(id) => id,
            None => insert_org_unit(&tx, name, None, None)?,
        };
        tx.commit()?;
        Ok(id)
    }

    /// Every organisation unit, by name.
    pub fn org_units(&self) -> Result<Vec<OrgUnit>> {
        let mut st = self
            .connection()
            .prepare_cached("SELECT id, report_id, name, parent_id FROM org_unit ORDER BY name")?;
        let rows = st.query_map([], org_unit_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One organisation unit by id.
    pub fn org_unit(&self, id: i64) -> Result<OrgUnit> {
        self.connection()
            .prepare_cached("SELECT id, report_id, name, parent_id FROM org_unit WHERE id = ?1")?
            .query_row([id], org_unit_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("org unit {id}")))
    }

    /// Adds a task with its supporting units and milestones, in one transaction. Unknown
    /// ids, a unit that does not measure the target, or a bad date fail and add nothing.
    pub fn add_task(&mut self, task: &NewTask) -> Result<i64> {
        let now = now_utc();
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = insert_task(&tx, task, &now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Splits a target into sub-items: one parent task for the target (titled with its
    /// metric, or the existing top-level task of the target if there is one) and one child
    /// task per sub-item, in the target's unit. Lead units are found by name, and added if
    /// missing. The planned values may not add up to more than the target. One transaction.
    /// Returns `(parent task id, child task ids)`.
    pub fn decompose_target(
        &mut self,
        target_id: i64,
        sub_items: &[SubItem],
    ) -> Result<(i64, Vec<i64>)> {
        let target = self.target(target_id)?;
        let sum: f64 = sub_items.iter().filter_map(|s| s.planned_value).sum();
        // Offices may over-assign an at-least target, but sub-items may not break a cap.
        if target.comparator == crate::Comparator::AtMost && sum > target.value {
            return Err(Error::InvalidArgument(format!(
                "sub_items: planned values add up to {sum}{u}, over the cap of target \
                 {target_id} ({}{u})",
                target.value,
                u = target.unit
            )));
        }
        let now = now_utc();
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM task WHERE target_id = ?1 AND parent_id IS NULL ORDER BY id LIMIT 1",
            )?
            .query_row([target_id], |r| r.get(0))
            .optional()?;
        let parent = match existing {
            Some(id) => id,
            None => insert_task(
                &tx,
                &NewTask {
                    title: target.metric.clone(),
                    target_id: Some(target_id),
                    planned_value: Some(target.value),
                    ..Default::default()
                },
                &now,
            )?,
        };
        let mut ids = Vec::with_capacity(sub_items.len());
        for (i, s) in sub_items.iter().enumerate() {
            let at = |e: Error| match e {
                Error::InvalidArgument(m) => {
                    Error::InvalidArgument(format!("sub-item {}: {m}", i + 1))
                }
                Error::NotFound(m) => Error::NotFound(format!("sub-item {}: {m}", i + 1)),
                other => other,
            };
            let lead = match &s.lead_unit {
                Some(name) => Some(match org_unit_id_by_name(&tx, name.trim())? {
                    Some(id) => id,
                    None => insert_org_unit(&tx, name, None, None).map_err(at)?,
                }),
                None => None,
            };
            let id = insert_task(
                &tx,
                &NewTask {
                    parent_id: Some(parent),
                    title: s.title.clone(),
                    target_id: Some(target_id),
                    planned_value: s.planned_value,
                    lead_unit_id: lead,
                    responsible_person: s.responsible_person.clone(),
                    deadline: s.deadline.clone(),
                    ..Default::default()
                },
                &now,
            )
            .map_err(at)?;
            ids.push(id);
        }
        tx.commit()?;
        Ok((parent, ids))
    }

    /// One task by id, with its units and milestones.
    pub fn task(&self, id: i64) -> Result<Task> {
        let conn = self.connection();
        let row = conn
            .prepare_cached(
                "SELECT id, report_id, parent_id, title, target_id, project_id, planned_value,
                        unit, lead_org_unit_id, responsible_person, deadline, deadline_source, notes,
                        created_at, commitment_id, leader, deadline_text
                 FROM task WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    Task {
                        id: r.get(0)?,
                        report_id: r.get(1)?,
                        parent_id: r.get(2)?,
                        title: r.get(3)?,
                        target_id: r.get(4)?,
                        project_id: r.get(5)?,
                        planned_value: r.get(6)?,
                        unit: r.get(7)?,
                        lead_unit: None,
                        support_units: Vec::new(),
                        responsible_person: r.get(9)?,
                        deadline: r.get(10)?,
                        deadline_source: r.get(11)?,
                        notes: r.get(12)?,
                        created_at: r.get(13)?,
                        milestones: Vec::new(),
                        commitment_id: r.get(14)?,
                        leader: r.get(15)?,
                        deadline_text: r.get(16)?,
                    },
                    r.get::<_, Option<i64>>(8)?,
                ))
            })
            .optional()?;
        let (mut task, lead) = row.ok_or_else(|| Error::NotFound(format!("task {id}")))?;
        task.lead_unit = lead.map(|u| self.org_unit(u)).transpose()?;
        let mut st = conn.prepare_cached(
            "SELECT u.id, u.report_id, u.name, u.parent_id FROM task_support_org_unit s
             JOIN org_unit u ON u.id = s.org_unit_id WHERE s.task_id = ?1 ORDER BY u.name",
        )?;
        task.support_units = st
            .query_map([id], org_unit_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        task.milestones = self.milestones(id)?;
        Ok(task)
    }

    /// The tasks of a report (or of every report), parents before children, by id.
    pub fn tasks(&self, report_id: Option<i64>) -> Result<Vec<Task>> {
        let ids: Vec<i64> = self
            .connection()
            .prepare_cached(
                "WITH RECURSIVE tree(id, depth) AS (
                     SELECT id, 0 FROM task WHERE parent_id IS NULL
                     UNION ALL SELECT t.id, tree.depth + 1 FROM task t JOIN tree ON t.parent_id = tree.id)
                 SELECT tree.id FROM tree JOIN task t ON t.id = tree.id
                 WHERE ?1 IS NULL OR t.report_id = ?1 ORDER BY tree.depth, tree.id",
            )?
            .query_map([report_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.task(id)).collect()
    }

    /// The direct sub-items of a task, by id.
    pub fn subtasks(&self, parent_id: i64) -> Result<Vec<Task>> {
        let ids: Vec<i64> = self
            .connection()
            .prepare_cached("SELECT id FROM task WHERE parent_id = ?1 ORDER BY id")?
            .query_map([parent_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.task(id)).collect()
    }

    /// The milestones of a task, by due date.
    pub fn milestones(&self, task_id: i64) -> Result<Vec<Milestone>> {
        let mut st = self.connection().prepare_cached(
            "SELECT id, task_id, due_date, description, done_at FROM milestone
             WHERE task_id = ?1 ORDER BY due_date, id",
        )?;
        let rows = st.query_map([task_id], |r| {
            Ok(Milestone {
                id: r.get(0)?,
                task_id: r.get(1)?,
                due_date: r.get(2)?,
                description: r.get(3)?,
                done_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a milestone to a task. Returns its id.
    pub fn add_milestone(
        &mut self,
        task_id: i64,
        due_date: &str,
        description: &str,
    ) -> Result<i64> {
        Date::parse(due_date, "milestone due_date")?;
        if description.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "milestone description: empty".into(),
            ));
        }
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<i64> = tx
            .query_row("SELECT id FROM task WHERE id = ?1", [task_id], |r| r.get(0))
            .optional()?;
        if found.is_none() {
            return Err(Error::NotFound(format!(
                "milestone task_id: task {task_id} does not exist"
            )));
        }
        tx.execute(
            "INSERT INTO milestone (task_id, due_date, description) VALUES (?1, ?2, ?3)",
            params![task_id, due_date, description.trim()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Records that a milestone was reached on `done_at` (an ISO date). A milestone is
    /// completed once: completing it again fails.
    pub fn complete_milestone(&mut self, milestone_id: i64, done_at: &str) -> Result<()> {
        Date::parse(done_at, "milestone done_at")?;
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: Option<Option<String>> = tx
            .query_row(
                "SELECT done_at FROM milestone WHERE id = ?1",
                [milestone_id],
                |r| r.get(0),
            )
            .optional()?;
        match done {
            None => return Err(Error::NotFound(format!("milestone {milestone_id}"))),
            Some(Some(d)) => {
                return Err(Error::InvalidArgument(format!(
                    "milestone {milestone_id} was already completed on {d}"
                )));
            }
            Some(None) => {}
        }
        tx.execute(
            "UPDATE milestone SET done_at = ?1 WHERE id = ?2",
            params![done_at, milestone_id],
        )?;
        tx.commit()?;
        Ok(())
    }
}
