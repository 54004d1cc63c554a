//! Light history: the light of each month, as it stood at that month's end.
//!
//! [`Db::light_history`] gives one [`MonthLight`] per month of a range for a commitment, a
//! target or a register project. Each month is the evaluation of that month (its last day is
//! the as-of date) with [`EvaluationConfig::known_at`] set to the month's last second,
//! `YYYY-MM-DDT23:59:59+08:00`: only records reported by then count, and a correction only
//! once it was reported. So a correction reported in August changes the months from August
//! on, and the months before keep the light their bulletins published.
//!
//! # Recomputed "as of", not stored
//!
//! The history is recomputed from the records each time, not read from lights stored when
//! bulletins went out. Progress records are append-only with the time each was reported
//! (`reported_at`), and a correction is a new record naming the one it corrects, so the set
//! of records known at any instant can be rebuilt exactly: "as of the end of March" is a
//! query, and the same query gives the same light next year. Storing the published lights
//! would keep a second copy that could disagree with the records and would need a write at
//! every month's end; recomputing needs nothing, gives the history of any range (also of
//! months no bulletin was made for), and follows a change of thresholds when asked to.
//!
//! What would break it: changing the records behind the library's back — editing or deleting
//! progress rows with raw SQL (the table's triggers refuse UPDATE and DELETE, but a tool that
//! drops them, or edits the file, can), or inserting rows with a `reported_at` in the past.
//! Through the library a record's `reported_at` is checked (not before its period began; a
//! correction not before the record it corrects), though a caller may still backdate a new
//! record within those rules: then the history shows what the records claim, not what a
//! bulletin printed at the time. Files written before version 10 may hold a correction
//! reported before the record it corrects; between the two dates both count.
//!
//! Instants compare in China Standard Time: a `reported_at` with a zone is converted
//! (`2024-03-31T16:30:00Z` is 2024-04-01 00:30 and counts from April), one without a zone is
//! taken as written, and a date alone counts from the start of that day (`2024-03-31` counts
//! in March).
//!
//! A consequence to know: a month's light counts only the reports that arrived by its end.
//! Offices whose reports for a month come in during the next month see that month as
//! 本期未报送 in the history (the bulletin written at the month's end could not have known
//! better); evaluate the period with [`Db::evaluate_commitments`] and a later `known_at` for
//! the bulletin written after the reports came in.
//!
//! # Recovered months
//!
//! With [`EvaluationConfig::recolour_recovered`] (one district's rule: green when the month's
//! target was met, red when missed, and a red month turns yellow once the shortfall is made
//! up), a red month turns yellow, with `recovered` true, when any later month of the range
//! is green or done as known at the range's end (the last month's end, or `known_at` if that
//! is earlier). Its status stays what it was.
//!
//! # Register projects
//!
//! A register project's month comes from [`Db::evaluate_projects`] for its report: completion
//! of the annual plan 100% or more is [`Status::Done`] (green); after the year's end, not done
//! is [`Status::Overdue`] (red); otherwise the gap to 序时进度 gives the status (as for a
//! quantity target) and the light (red from [`EvaluationConfig::red_margin`] points behind,
//! yellow from [`EvaluationConfig::yellow_margin`], blue within
//! [`EvaluationConfig::blue_days`] of the year's end, else green). Without an annual plan or
//! without investment reported there is nothing to judge: [`Status::NoData`], no light.

use super::commitments::Judging;
use super::*;

/// One month of a light history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthLight {
    /// The month, `YYYY-MM`.
    pub period: String,
    /// The instant the month was judged as known at (ISO date-time): its last second,
    /// `2024-03-31T23:59:59+08:00`, or [`EvaluationConfig::known_at`] when that is earlier.
    pub as_of: String,
    /// The light; `None` without data.
    pub light: Option<Light>,
    /// The status.
    pub status: Status,
    /// The latest record counted (a target's own record, a commitment's or a project's).
    pub latest_record_id: Option<i64>,
    /// The month was red and a later month is green or done (with
    /// [`EvaluationConfig::recolour_recovered`]); its light is then yellow.
    pub recovered: bool,
}

/// A month `YYYY-MM` as `(year, month)`; `field` names it in errors.
fn month(s: &str, field: &str) -> Result<(i32, u32)> {
    let p = Period::parse(s).map_err(|e| match e {
        Error::InvalidArgument(m) => Error::InvalidArgument(format!("{field}: {m}")),
        other => other,
    })?;
    if p.quarter {
        return Err(Error::InvalidArgument(format!(
            "{field}: {s:?} is a quarter; a light history is by month (write 2024-01)"
        )));
    }
    Ok((p.year, p.last_month))
}

/// What a light history judges each month.
enum Subject {
    Commitment {
        commitment: Box<crate::commitments::Commitment>,
        figures: Vec<Figure>,
        lead: Option<String>,
    },
    Target(Box<Figure>),
    RegisterProject {
        id: i64,
        report_id: i64,
    },
}

/// A register project's status and light from its row of the summary (module docs).
fn project_light(
    row: &ProjectStatus,
    year: i32,
    as_of: Date,
    config: &EvaluationConfig,
) -> (Status, Option<Light>) {
    let Some(completion) = row.completion_pct else {
        return (Status::NoData, None);
    };
    if completion >= 100.0 {
        return (Status::Done, Some(Light::Green));
    }
    let deadline = year_end(year);
    if as_of > deadline {
        return (Status::Overdue, Some(Light::Red));
    }
    let gap = row.gap_points.unwrap_or(0.0);
    let status = if gap >= config.ahead_margin {
        Status::Ahead
    } else if gap >= 0.0 {
        Status::OnSchedule
    } else {
        Status::Behind
    };
    let light = if -gap >= config.red_margin {
        Light::Red
    } else if -gap >= config.yellow_margin {
        Light::Yellow
    } else if deadline.days() - as_of.days() <= config.blue_days {
        Light::Blue
    } else {
        Light::Green
    };
    (status, Some(light))
}

impl Db {
    /// The light of `subject` `id` in every month from `from` to `to` (`YYYY-MM`, both
    /// included, at most 120 months), each month as known at its end: see
    /// [the module docs](crate::tracking::evaluation::history) for the rule and why it is
    /// recomputed. Subjects: [`SubjectKind::Commitment`], [`SubjectKind::Target`] and
    /// [`SubjectKind::RegisterProject`].
    ///
    /// `config` gives the thresholds; `known_at`, when set, caps every month's knowledge (the
    /// history as it looked at that instant); `as_of` must be unset (each month is judged at
    /// its own end). Errors: a bad month, `to` before `from`, a longer range, another subject
    /// kind, `as_of` set → [`Error::InvalidArgument`]; an unknown subject →
    /// [`Error::NotFound`].
    ///
    /// ```
    /// use govreport::tracking::{EvaluationConfig, Light, NewProgress, SubjectKind, WorkStatus};
    ///
    /// let mut db = govreport::Db::open_default()?;
    /// // SYNTHETIC: commitment 11 reported 推进中 for February (on 2024-02-26) and 滞后 for May
    /// // (on 2024-05-27).
    /// for (period, status, at) in [
    ///     ("2024-02", WorkStatus::InProgress, "2024-02-26"),
    ///     ("2024-05", WorkStatus::Lagging, "2024-05-27"),
    /// ] {
    ///     db.add_progress(&NewProgress {
    ///         reported_at: Some(at.into()),
    ///         ..NewProgress::commitment(11, period, status)
    ///     })?;
    /// }
    /// let months = db.light_history(SubjectKind::Commitment, 11, "2024-01", "2024-05",
    ///                               &EvaluationConfig::default())?;
    /// let lights: Vec<_> = months.iter().map(|m| m.light).collect();
    /// let (g, y, r) = (Some(Light::Green), Some(Light::Yellow), Some(Light::Red));
    /// // January: never reported; March and April: no report that month (本期未报送).
    /// assert_eq!(lights, [y, g, y, y, r]);
    /// # Ok::<(), govreport::Error>(())
    /// ```
    pub fn light_history(
        &self,
        subject: SubjectKind,
        id: i64,
        from: &str,
        to: &str,
        config: &EvaluationConfig,
    ) -> Result<Vec<MonthLight>> {
        let (fy, fm) = month(from, "from")?;
        let (ty, tm) = month(to, "to")?;
        let first = fy as i64 * 12 + fm as i64 - 1;
        let last = ty as i64 * 12 + tm as i64 - 1;
        if last < first {
            return Err(Error::InvalidArgument(format!(
                "to {to} is before from {from}: give the earlier month as from"
            )));
        }
        if last - first + 1 > MAX_MONTHS as i64 {
            return Err(Error::InvalidArgument(format!(
                "{from} to {to} is {} months; a light history spans at most {MAX_MONTHS} \
                 (ask for a shorter range)",
                last - first + 1
            )));
        }
        config.check()?;
        if let Some(a) = &config.as_of {
            return Err(Error::InvalidArgument(format!(
                "evaluation as_of {a}: a light history judges each month at its own end; \
                 leave as_of unset (known_at caps what is known)"
            )));
        }
        let subject = match subject {
            SubjectKind::Commitment => {
                let c = self.commitment(id)?;
                let figures = self.commitment_targets(&c)?;
                let lead = self.commitment_lead_units(Some(id))?.remove(&id);
                Subject::Commitment {
                    commitment: Box::new(c),
                    figures,
                    lead,
                }
            }
            SubjectKind::Target => Subject::Target(Box::new(self.target(id)?)),
            SubjectKind::RegisterProject => {
                let report_id: i64 = self
                    .connection()
                    .prepare_cached("SELECT report_id FROM register_project WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| Error::NotFound(format!("register_project {id}")))?;
                Subject::RegisterProject { id, report_id }
            }
            other => {
                return Err(Error::InvalidArgument(format!(
                    "a light history is kept for commitments, targets and register projects, \
                     not for a {}: ask for the commitment or target it serves",
                    other.code()
                )));
            }
        };
        let cap = config.known_instant(self.connection())?;
        // The knowledge of month `i` (months since year 0): its last second, or the cap.
        let known_of = |i: i64| -> (String, String) {
            let (y, m) = (i.div_euclid(12) as i32, (i.rem_euclid(12) + 1) as u32);
            let day = crate::time::days_in_month(y, m);
            let instant = format!("{y:04}-{m:02}-{day:02} 23:59:59");
            match (&cap, &config.known_at) {
                (Some(c), Some(k)) if *c < instant => (k.clone(), format!("{y:04}-{m:02}")),
                _ => (
                    format!("{y:04}-{m:02}-{day:02}T23:59:59+08:00"),
                    format!("{y:04}-{m:02}"),
                ),
            }
        };
        let judge_month = |i: i64, known: String| -> Result<(Status, Option<Light>, Option<i64>)> {
            let (_, period) = known_of(i);
            let c = EvaluationConfig {
                known_at: Some(known),
                ..config.clone()
            };
            self.month_light(&subject, &period, &c)
        };
        let mut out = Vec::with_capacity((last - first + 1) as usize);
        for i in first..=last {
            let (known, period) = known_of(i);
            let (status, light, latest_record_id) = judge_month(i, known.clone())?;
            out.push(MonthLight {
                period,
                as_of: known,
                light,
                status,
                latest_record_id,
                recovered: false,
            });
        }
        if config.recolour_recovered && out.iter().any(|m| m.light == Some(Light::Red)) {
            // Each month again, as known at the range's end; the last month is that already.
            let (end_known, _) = known_of(last);
            let mut good_later = false;
            for i in (first..=last).rev() {
                let k = (i - first) as usize;
                if good_later && out[k].light == Some(Light::Red) {
                    out[k].light = Some(Light::Yellow);
                    out[k].recovered = true;
                }
                let (status, light) = if i == last {
                    (out[k].status, out[k].light)
                } else {
                    let (s, l, _) = judge_month(i, end_known.clone())?;
                    (s, l)
                };
                good_later |= status == Status::Done || light == Some(Light::Green);
            }
        }
        Ok(out)
    }

    /// One month of a history: `(status, light, latest record id)`.
    fn month_light(
        &self,
        subject: &Subject,
        period: &str,
        config: &EvaluationConfig,
    ) -> Result<(Status, Option<Light>, Option<i64>)> {
        match subject {
            Subject::Commitment {
                commitment,
                figures,
                lead,
            } => {
                let j = Judging::new(self, period, config)?;
                let s = self.evaluate_commitment_with(
                    (**commitment).clone(),
                    figures.clone(),
                    lead.clone(),
                    period,
                    config,
                    &j,
                )?;
                Ok((s.status, s.light, s.latest_record_id))
            }
            Subject::Target(figure) => {
                let t = self
                    .evaluate_target_figures(period, config, vec![(**figure).clone()], true)?
                    .pop()
                    .ok_or_else(|| Error::Data(format!("target {} not evaluated", figure.id)))?;
                Ok((t.status, t.light, t.latest_record_id))
            }
            Subject::RegisterProject { id, report_id } => {
                let c = EvaluationConfig {
                    report_id: Some(*report_id),
                    ..config.clone()
                };
                let p = Period::parse(period)?;
                let as_of = Date {
                    y: p.year,
                    m: p.last_month,
                    d: crate::time::days_in_month(p.year, p.last_month),
                };
                let (summary, latest) = self.project_rows(period, &c)?;
                let Some(i) = summary
                    .projects
                    .iter()
                    .position(|r| r.register_id == Some(*id))
                else {
                    return Ok((Status::NoData, None, None));
                };
                let (status, light) = project_light(&summary.projects[i], p.year, as_of, &c);
                Ok((status, light, latest[i]))
            }
        }
    }
}
