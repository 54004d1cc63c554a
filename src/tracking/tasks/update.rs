//! Changing a task after it was made ([`Db::update_task`]): the edits an office makes through
//! the API, which a re-import of the 任务分解表 keeps.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::{org_unit_exists, set_support_units};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::time::Date;

/// A change to a task ([`Db::update_task`]): each field given is written, each absent one
/// left as it is. Its serde shape is the `update_json` of the C ABI (`govreport_task_update`):
/// unknown keys are refused, and `null` counts as absent.
///
/// Text fields (`title` excepted) given as an empty or blank string clear the field; a
/// `support_unit_ids` of `[]` removes every supporting unit. The lead unit can be changed but
/// not removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskUpdate {
    /// What is to be done; not blank.
    pub title: Option<String>,
    /// 牵头单位 (a unit id); must not be one of the supporting units the task has after the
    /// update.
    pub lead_unit_id: Option<i64>,
    /// 配合单位 (unit ids): replaces the whole list.
    pub support_unit_ids: Option<Vec<i64>>,
    /// 责任领导.
    pub leader: Option<String>,
    /// 具体责任人.
    pub responsible_person: Option<String>,
    /// ISO deadline, not before the report's plan year. The task's `deadline_source` becomes
    /// `set` and its `deadline_text` (the 完成时限 words an import wrote) is cleared, since they
    /// no longer say when the task is due.
    pub deadline: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl Db {
    /// Changes a task: every field `update` gives is written, the others are left as they
    /// are (see [`TaskUpdate`]), in one transaction. An unknown task or unit is
    /// [`Error::NotFound`]; a blank title, a bad or too early deadline, a unit listed twice or
    /// both as lead and as supporting unit is [`Error::InvalidArgument`]; nothing is written
    /// on failure.
    ///
    /// This is how an office edits a task made from its 任务分解表: a later import of the
    /// table keeps the edit unless the table changes that same field
    /// ([`crate::commitments::decomposition`], the re-import rule).
    ///
    /// ```
    /// use govreport::tracking::{NewTask, TaskUpdate};
    ///
    /// let mut db = govreport::Db::open_default()?;
    /// let lead = db.org_unit_id_or_add("区发改委")?;
    /// let id = db.add_task(&NewTask { title: "编制专项规划".into(), ..Default::default() })?;
    /// db.update_task(id, &TaskUpdate {
    ///     lead_unit_id: Some(lead),
    ///     leader: Some("张三".into()),
    ///     deadline: Some("2024-09-30".into()),
    ///     ..Default::default()
    /// })?;
    /// let task = db.task(id)?;
    /// assert_eq!(task.lead_unit.map(|u| u.name).as_deref(), Some("区发改委"));
    /// assert_eq!((task.deadline.as_deref(), task.deadline_source.as_str()), (Some("2024-09-30"), "set"));
    /// # Ok::<(), govreport::Error>(())
    /// ```
    pub fn update_task(&mut self, id: i64, update: &TaskUpdate) -> Result<()> {
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<(i64, Option<i64>)> = tx
            .prepare_cached("SELECT report_id, lead_org_unit_id FROM task WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (report_id, current_lead) =
            current.ok_or_else(|| Error::NotFound(format!("task {id}")))?;
        if let Some(t) = &update.title
            && t.trim().is_empty()
        {
            return Err(Error::InvalidArgument(
                "task title: empty (a task keeps a title; give the new one)".into(),
            ));
        }
        if let Some(u) = update.lead_unit_id {
            org_unit_exists(&tx, u, "task lead_unit_id")?;
        }
        let lead = update.lead_unit_id.or(current_lead);
        let supports: Vec<i64> = match &update.support_unit_ids {
            Some(ids) => {
                for (i, u) in ids.iter().enumerate() {
                    org_unit_exists(&tx, *u, "task support_unit_ids")?;
                    if ids[..i].contains(u) {
                        return Err(Error::InvalidArgument(format!(
                            "task support_unit_ids: unit {u} is listed twice"
                        )));
                    }
                }
                ids.clone()
            }
            None => tx
                .prepare_cached("SELECT org_unit_id FROM task_support_org_unit WHERE task_id = ?1")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        if let Some(l) = lead
            && supports.contains(&l)
        {
            return Err(Error::InvalidArgument(format!(
                "task {id}: unit {l} would be both the lead unit and a supporting unit; give \
                 support_unit_ids without it (or another lead_unit_id)"
            )));
        }
        if let Some(d) = &update.deadline {
            let date = Date::parse(d, "task deadline")?;
            let plan_year: i32 = tx
                .prepare_cached("SELECT plan_year FROM report WHERE id = ?1")?
                .query_row([report_id], |r| r.get(0))?;
            if date.y < plan_year {
                return Err(Error::InvalidArgument(format!(
                    "task deadline: {d} is before the plan year {plan_year} of report {report_id}"
                )));
            }
        }
        // Blank text clears a field.
        let text = |v: &Option<String>| {
            v.as_ref().map(|s| {
                let s = s.trim();
                (!s.is_empty()).then(|| s.to_owned())
            })
        };
        // ?2..: a flag whether the field is given, then its value.
        tx.prepare_cached(
            "UPDATE task SET
                 title = CASE WHEN ?2 THEN ?3 ELSE title END,
                 lead_org_unit_id = CASE WHEN ?4 THEN ?5 ELSE lead_org_unit_id END,
                 leader = CASE WHEN ?6 THEN ?7 ELSE leader END,
                 responsible_person = CASE WHEN ?8 THEN ?9 ELSE responsible_person END,
                 deadline = CASE WHEN ?10 THEN ?11 ELSE deadline END,
                 deadline_source = CASE WHEN ?10 THEN 'set' ELSE deadline_source END,
                 deadline_text = CASE WHEN ?10 THEN NULL ELSE deadline_text END,
                 notes = CASE WHEN ?12 THEN ?13 ELSE notes END
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            update.title.is_some(),
            update.title.as_deref().map(str::trim),
            update.lead_unit_id.is_some(),
            update.lead_unit_id,
            update.leader.is_some(),
            text(&update.leader).flatten(),
            update.responsible_person.is_some(),
            text(&update.responsible_person).flatten(),
            update.deadline.is_some(),
            update.deadline,
            update.notes.is_some(),
            text(&update.notes).flatten(),
        ])?;
        if update.support_unit_ids.is_some() {
            set_support_units(&tx, id, &supports)?;
        }
        tx.commit()?;
        Ok(())
    }
}
