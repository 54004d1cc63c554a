//! Evaluation of commitments: every action the report commits to, numeric or not.
//!
//! # Qualitative commitments
//!
//! A qualitative commitment (加快建设…, 推进…) is judged from its own progress records: the
//! latest effective record (not superseded; latest period end, then latest id) among those of
//! periods ending on or before the evaluated period's end, and known by
//! [`EvaluationConfig::known_at`] when that is set. Its [`WorkStatus`] decides, in this order:
//!
//! | # | when | status | light | reason |
//! |---|---|---|---|---|
//! | 1 | the latest record says 已完成 (`done`) | [`Status::Done`] | green | 已完成 |
//! | 2 | the as-of date is after the deadline | [`Status::Overdue`] | red | 逾期未完成 |
//! | 3 | the latest record says 滞后 (`lagging`) | [`Status::Behind`] | red | 报送滞后 |
//! | 4 | no record of a period ending in the last [`EvaluationConfig::silent_periods`] months up to the period's end | [`Status::NoData`] if never reported, else [`Status::Behind`] | yellow | 本期未报送 |
//! | 5 | never reported (only when `silent_periods` is 0) | [`Status::NoData`] | none | 未报送 |
//! | 6 | the deadline is within [`EvaluationConfig::blue_days`] days | [`Status::OnSchedule`] | blue | 临近完成时限 |
//! | 7 | otherwise | [`Status::OnSchedule`] | green | 正常推进 (尚未启动 when the record says 未启动) |
//!
//! The as-of date is [`EvaluationConfig::as_of`], by default the period's last day; the
//! deadline is the commitment's (stated in the text, or the plan year's end). A commitment
//! done late is still green: the rule does not look at when 已完成 was reported. The window of
//! rule 4 counts months, so offices that report by quarter set `silent_periods` to 3.
//!
//! # Quantitative commitments
//!
//! A commitment that carries targets takes the evaluation of its targets (the rule of the
//! [module](super)): its light is the worst of theirs (red > yellow > blue > green, a target
//! without data counting as yellow, 未报送), its status the worst of theirs (逾期 > 欠进度 >
//! 未报送 > 达进度 > 超进度 > 已完成), and its reason names the targets that set the light
//! (`城镇新增就业欠进度12.2个百分点`). Its own records are shown (work status, text) but do
//! not change the light: a 已完成 record on a quantitative commitment does not override its
//! targets — the numbers decide.
//!
//! # Lead unit
//!
//! The name of the lead unit (牵头单位) of a task made for the commitment (`task.commitment_id`):
//! the task imported from the 任务分解表 first, then top-level tasks, then the lowest id.

use super::*;
use crate::commitments::{Commitment, CommitmentFilter, CommitmentKind};
use crate::tracking::progress::WorkStatus;

/// One commitment's evaluation for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentStatus {
    /// The commitment.
    pub commitment_id: i64,
    /// Its report.
    pub report_id: i64,
    /// Part of the report: 2 (goals), 3 (the plan), 4 (government self-construction).
    pub part: i64,
    /// Part 三's area （N）; `None` in parts 二 and 四.
    pub area: Option<i64>,
    /// The area's (or part's) title as written: the 类别 of the 任务分解表.
    pub area_title: String,
    /// The commitment, verbatim.
    pub quote: String,
    /// Quantitative (carries targets) or qualitative.
    pub kind: CommitmentKind,
    /// Its deadline (ISO date).
    pub deadline: String,
    /// Days from the as-of date to the deadline (negative: past).
    pub days_to_deadline: i64,
    /// The work status of the latest effective record, if any.
    pub work_status: Option<WorkStatus>,
    /// Where it stands: see the module docs.
    pub status: Status,
    /// The light; `None` only for a commitment never reported when the silence rule is off.
    pub light: Option<Light>,
    /// Why this light, in one Chinese phrase (已完成, 逾期未完成, 报送滞后, 本期未报送,
    /// 临近完成时限, 正常推进, or for a quantitative commitment its targets' words).
    pub reason: String,
    /// The period of the latest effective record.
    pub latest_period: Option<String>,
    /// The latest effective record.
    pub latest_record_id: Option<i64>,
    /// Its 进展情况.
    pub progress_text: Option<String>,
    /// Its 存在的问题.
    pub problems: Option<String>,
    /// Its 下一步措施.
    pub next_steps: Option<String>,
    /// The lead unit (牵头单位) of a task made for the commitment, if any.
    pub lead_unit: Option<String>,
    /// Quantitative: its targets' evaluations, by target id; empty for qualitative ones.
    pub target_statuses: Vec<TargetStatus>,
}

/// The latest effective record of a commitment.
pub(crate) struct Latest {
    id: i64,
    period: String,
    period_end: String,
    work_status: Option<WorkStatus>,
    progress_text: Option<String>,
    problems: Option<String>,
    next_steps: Option<String>,
}

/// What every commitment of one evaluation is judged against.
pub(crate) struct Judging {
    /// The as-of date.
    as_of: Date,
    /// The evaluated period's last day.
    end: String,
    /// The first day of the silence window (rule 4); `None`: the rule is off.
    window_start: Option<String>,
    /// [`EvaluationConfig::known_at`] as an instant.
    known: Option<String>,
}

impl Judging {
    pub(crate) fn new(db: &Db, period: &str, config: &EvaluationConfig) -> Result<Judging> {
        let p = Period::parse(period)?;
        let as_of = config.check()?.unwrap_or(Date {
            y: p.year,
            m: p.last_month,
            d: crate::time::days_in_month(p.year, p.last_month),
        });
        let window_start = (config.silent_periods > 0).then(|| {
            let months =
                p.year as i64 * 12 + p.last_month as i64 - 1 - config.silent_periods as i64 + 1;
            let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
            format!("{y:04}-{m:02}-01")
        });
        Ok(Judging {
            as_of,
            end: p.end_date(),
            window_start,
            known: config.known_instant(db.connection())?,
        })
    }
}

/// Worst first: the order a light is chosen in.
fn light_rank(l: Light) -> u8 {
    match l {
        Light::Green => 0,
        Light::Blue => 1,
        Light::Yellow => 2,
        Light::Red => 3,
    }
}

/// Worst first: the order a quantitative commitment's status is chosen in.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Done => 0,
        Status::Ahead => 1,
        Status::OnSchedule => 2,
        Status::NoData => 3,
        Status::Behind => 4,
        Status::Overdue => 5,
    }
}

/// A target's light as a commitment counts it: no data is yellow.
fn counted_light(t: &TargetStatus) -> Light {
    t.light.unwrap_or(Light::Yellow)
}

/// A target's words for a commitment's reason: `城镇新增就业欠进度12.2个百分点`.
fn target_words(t: &TargetStatus) -> String {
    let what = match (t.status, t.light) {
        (Status::NoData, _) => "未报送".to_string(),
        (Status::Overdue, _) => "逾期未完成".to_string(),
        (Status::Behind, _) => match t.gap_points {
            Some(g) => format!("欠进度{:.1}个百分点", -g),
            None => Status::Behind.label_zh().to_string(),
        },
        (_, Some(Light::Blue)) => "临近完成时限".to_string(),
        (s, _) => s.label_zh().to_string(),
    };
    format!("{}{what}", t.metric)
}

/// Rules 1–7 of the module docs for a qualitative commitment: `(status, light, reason)`.
fn judge_qualitative(
    latest: Option<&Latest>,
    days_to_deadline: i64,
    j: &Judging,
    config: &EvaluationConfig,
) -> (Status, Option<Light>, &'static str) {
    let work = latest.and_then(|l| l.work_status);
    if work == Some(WorkStatus::Done) {
        return (Status::Done, Some(Light::Green), "已完成");
    }
    if days_to_deadline < 0 {
        return (Status::Overdue, Some(Light::Red), "逾期未完成");
    }
    if work == Some(WorkStatus::Lagging) {
        return (Status::Behind, Some(Light::Red), "报送滞后");
    }
    if let Some(start) = &j.window_start {
        match latest {
            None => return (Status::NoData, Some(Light::Yellow), "本期未报送"),
            Some(l) if l.period_end.as_str() < start.as_str() => {
                return (Status::Behind, Some(Light::Yellow), "本期未报送");
            }
            Some(_) => {}
        }
    }
    if latest.is_none() {
        return (Status::NoData, None, "未报送");
    }
    if days_to_deadline <= config.blue_days {
        return (Status::OnSchedule, Some(Light::Blue), "临近完成时限");
    }
    if work == Some(WorkStatus::NotStarted) {
        return (Status::OnSchedule, Some(Light::Green), "尚未启动");
    }
    (Status::OnSchedule, Some(Light::Green), "正常推进")
}

/// A quantitative commitment from its targets: `(status, light, reason)`.
fn judge_quantitative(targets: &[TargetStatus]) -> (Status, Option<Light>, String) {
    let light = targets
        .iter()
        .map(counted_light)
        .max_by_key(|l| light_rank(*l));
    let status = targets
        .iter()
        .map(|t| t.status)
        .max_by_key(|s| status_rank(*s))
        .unwrap_or(Status::NoData);
    let Some(light) = light else {
        return (Status::NoData, None, "未报送".into());
    };
    let words: Vec<String> = targets
        .iter()
        .filter(|t| counted_light(t) == light)
        .map(target_words)
        .collect();
    let mut reason = words.iter().take(3).cloned().collect::<Vec<_>>().join("、");
    if words.len() > 3 {
        reason.push_str(&format!("等{}项指标", words.len()));
    }
    (status, Some(light), reason)
}

/// One commitment's evaluation from what was read for it.
pub(crate) fn judge(
    c: Commitment,
    latest: Option<&Latest>,
    lead_unit: Option<String>,
    target_statuses: Vec<TargetStatus>,
    j: &Judging,
    config: &EvaluationConfig,
) -> Result<CommitmentStatus> {
    let deadline = Date::parse(&c.deadline, "commitment deadline")?;
    let days_to_deadline = deadline.days() - j.as_of.days();
    // A quantitative commitment whose targets were not evaluated (none linked) is judged by
    // its own records.
    let by_targets = c.kind == CommitmentKind::Quantitative && !target_statuses.is_empty();
    let (status, light, reason) = if by_targets {
        judge_quantitative(&target_statuses)
    } else {
        let (s, l, r) = judge_qualitative(latest, days_to_deadline, j, config);
        (s, l, r.to_string())
    };
    Ok(CommitmentStatus {
        commitment_id: c.id,
        report_id: c.report_id,
        part: c.part,
        area: c.area,
        area_title: c.area_title,
        quote: c.quote,
        kind: c.kind,
        deadline: c.deadline,
        days_to_deadline,
        work_status: latest.and_then(|l| l.work_status),
        status,
        light,
        reason,
        latest_period: latest.map(|l| l.period.clone()),
        latest_record_id: latest.map(|l| l.id),
        progress_text: latest.and_then(|l| l.progress_text.clone()),
        problems: latest.and_then(|l| l.problems.clone()),
        next_steps: latest.and_then(|l| l.next_steps.clone()),
        lead_unit,
        target_statuses: if by_targets {
            target_statuses
        } else {
            Vec::new()
        },
    })
}

impl Db {
    /// The latest effective record of every commitment (or of `one`) with a period ending on
    /// or before `j.end`, as known at `j.known`.
    pub(crate) fn latest_commitment_records(
        &self,
        one: Option<i64>,
        j: &Judging,
    ) -> Result<HashMap<i64, Latest>> {
        let subject = if one.is_some() {
            "AND p.subject_id = ?2"
        } else {
            "AND ?2 IS NULL"
        };
        let mut st = self.connection().prepare_cached(&format!(
            "SELECT p.subject_id, p.id, p.period, p.period_end, p.work_status, p.progress_text,
                    p.problems, p.next_steps
             FROM progress p
             WHERE p.subject_kind = 'commitment' {subject} AND p.period_end <= ?1
               AND {}
             ORDER BY p.subject_id, p.period_end, p.id",
            effective_sql("p", j.known.as_ref().map(|_| "?3"))
        ))?;
        let mut rows = st.query(&*with_known(&[&j.end, &one], &j.known))?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let work: Option<String> = r.get(4)?;
            out.insert(
                r.get(0)?,
                Latest {
                    id: r.get(1)?,
                    period: r.get(2)?,
                    period_end: r.get(3)?,
                    work_status: work.map(|w| WorkStatus::from_code(&w)).transpose()?,
                    progress_text: r.get(5)?,
                    problems: r.get(6)?,
                    next_steps: r.get(7)?,
                },
            );
        }
        Ok(out)
    }

    /// The lead unit of every commitment with a task (or of `one`): see the module docs.
    pub(crate) fn commitment_lead_units(&self, one: Option<i64>) -> Result<HashMap<i64, String>> {
        let mut st = self.connection().prepare_cached(
            "SELECT t.commitment_id, o.name FROM task t JOIN org_unit o ON o.id = t.lead_org_unit_id
             WHERE t.commitment_id IS NOT NULL AND (?1 IS NULL OR t.commitment_id = ?1)
             ORDER BY t.commitment_id, t.import_snapshot IS NULL, t.parent_id IS NOT NULL, t.id",
        )?;
        let mut rows = st.query([one])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_insert(r.get(1)?);
        }
        Ok(out)
    }

    /// Evaluates every commitment (of `config.report_id`, or of every report) at the end of
    /// `period`, in text order: qualitative ones from their own records, quantitative ones
    /// from their targets. See [the rule](crate::tracking::evaluation::commitments).
    ///
    /// ```
    /// use govreport::tracking::{EvaluationConfig, Light, NewProgress, Status, WorkStatus};
    ///
    /// let mut db = govreport::Db::open_default()?;
    /// // SYNTHETIC: commitment 406 (6月底前完成2023年老旧小区改造项目) reported 推进中 in May.
    /// db.add_progress(&NewProgress {
    ///     reported_at: Some("2024-05-28".into()),
    ///     ..NewProgress::commitment(406, "2024-05", WorkStatus::InProgress)
    /// })?;
    /// let may = db.evaluate_commitment(406, "2024-05", &EvaluationConfig::default())?;
    /// assert_eq!((may.status, may.light, may.reason.as_str()),
    ///            (Status::OnSchedule, Some(Light::Blue), "临近完成时限")); // due in 30 days
    /// let july = db.evaluate_commitment(406, "2024-07", &EvaluationConfig::default())?;
    /// assert_eq!((july.status, july.light), (Status::Overdue, Some(Light::Red)));
    /// # Ok::<(), govreport::Error>(())
    /// ```
    pub fn evaluate_commitments(
        &self,
        period: &str,
        config: &EvaluationConfig,
    ) -> Result<Vec<CommitmentStatus>> {
        let j = Judging::new(self, period, config)?;
        let commitments = self.commitments(&CommitmentFilter {
            report_id: config.report_id,
            ..Default::default()
        })?;
        let mut latest = self.latest_commitment_records(None, &j)?;
        let mut leads = self.commitment_lead_units(None)?;
        let targets: HashMap<i64, TargetStatus> = if commitments
            .iter()
            .any(|c| c.kind == CommitmentKind::Quantitative)
        {
            self.evaluate_targets(period, config)?
                .into_iter()
                .map(|t| (t.target_id, t))
                .collect()
        } else {
            HashMap::new()
        };
        commitments
            .into_iter()
            .map(|c| {
                let statuses = c
                    .target_ids
                    .iter()
                    .filter_map(|id| targets.get(id).cloned())
                    .collect();
                let l = latest.remove(&c.id);
                let lead = leads.remove(&c.id);
                judge(c, l.as_ref(), lead, statuses, &j, config)
            })
            .collect()
    }

    /// One commitment's evaluation at the end of `period` (as in
    /// [`Db::evaluate_commitments`]); [`Error::NotFound`] for an unknown commitment.
    pub fn evaluate_commitment(
        &self,
        id: i64,
        period: &str,
        config: &EvaluationConfig,
    ) -> Result<CommitmentStatus> {
        let j = Judging::new(self, period, config)?;
        let c = self.commitment(id)?;
        let figures = self.commitment_targets(&c)?;
        let lead = self.commitment_lead_units(Some(id))?.remove(&id);
        self.evaluate_commitment_with(c, figures, lead, period, config, &j)
    }

    /// The targets a commitment is judged by (none for a qualitative one).
    pub(crate) fn commitment_targets(&self, c: &Commitment) -> Result<Vec<Figure>> {
        if c.kind != CommitmentKind::Quantitative {
            return Ok(Vec::new());
        }
        c.target_ids.iter().map(|t| self.target(*t)).collect()
    }

    /// One commitment's evaluation, its commitment, targets and lead unit read already.
    pub(crate) fn evaluate_commitment_with(
        &self,
        c: Commitment,
        figures: Vec<Figure>,
        lead: Option<String>,
        period: &str,
        config: &EvaluationConfig,
        j: &Judging,
    ) -> Result<CommitmentStatus> {
        let latest = self.latest_commitment_records(Some(c.id), j)?.remove(&c.id);
        let statuses = if figures.is_empty() {
            Vec::new()
        } else {
            self.evaluate_target_figures(period, config, figures, true)?
        };
        judge(c, latest.as_ref(), lead, statuses, j, config)
    }
}
