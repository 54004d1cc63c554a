//! Tracking on the real targets of the built-in report: units and tasks, progress records
//! (append-only, corrections), evaluation against 序时进度, and bad input that must fail with
//! a clear error and change nothing.

use govreport::tracking::{
    EvaluationConfig, Light, NewMilestone, NewOrgUnit, NewProgress, NewTask, ProjectFields, Status,
    SubItem, SubjectKind, TaskUpdate, ValueSource,
};
use govreport::{Db, Error, StatusCode};

/// 城镇新增就业7400人以上 (part 二, headline goal).
const JOBS: i64 = 10;
/// 地区生产总值增长6%左右.
const GDP: i64 = 1;
/// 居民消费价格涨幅控制在3%左右 (at most).
const CPI: i64 = 11;
/// 年底前完成2024年老旧小区改造9个 (deadline 2024-12-31).
const OLD_HOUSING: i64 = 403;
/// 粮食产量5亿斤以上 (a level).
const GRAIN: i64 = 502;
/// 新增城镇居民就业7400人以上 (area 九).
const URBAN_JOBS: i64 = 901;

/// Row counts of every tracking table, to prove that a failed write changed nothing.
fn snapshot(db: &Db) -> Vec<i64> {
    [
        "org_unit",
        "task",
        "task_support_org_unit",
        "milestone",
        "progress",
    ]
    .iter()
    .map(|t| {
        db.connection()
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

fn status_of(db: &Db, period: &str, id: i64, config: &EvaluationConfig) -> govreport::TargetStatus {
    db.evaluate_targets(period, config)
        .unwrap()
        .into_iter()
        .find(|t| t.target_id == id)
        .unwrap()
}

fn at(id: i64, period: &str, value: f64, unit: &str) -> NewProgress {
    NewProgress {
        reported_by: Some("区人社局 王科长".into()),
        reported_at: Some(format!(
            "{}-28T09:00:00+08:00",
            govreport::tracking::Period::parse(period)
                .map(|p| p.end_date()[..7].to_string())
                .unwrap_or_else(|_| "2024-12".into())
        )),
        progress_text: Some("按月推进".into()),
        ..NewProgress::target(id, period, value, unit)
    }
}

#[test]
fn units_and_a_task_hierarchy_with_deadlines_from_the_target() {
    let mut db = Db::open_default().unwrap();
    let hrss = db.add_org_unit(&NewOrgUnit::new("区人社局", None)).unwrap();
    let finance = db.add_org_unit(&NewOrgUnit::new("区财政局", None)).unwrap();
    let town = db.add_org_unit(&NewOrgUnit::new("城关镇", None)).unwrap();
    let office = db
        .add_org_unit(&NewOrgUnit::new("城关镇劳动保障所", Some(town)))
        .unwrap();
    assert_eq!(db.org_unit(office).unwrap().parent_id, Some(town));

    let id = db
        .add_task(&NewTask {
            title: "城镇新增就业7400人以上".into(),
            target_id: Some(JOBS),
            lead_unit_id: Some(hrss),
            support_unit_ids: vec![finance, town],
            responsible_person: Some("王敏".into()),
            notes: Some("按月调度".into()),
            milestones: vec![
                NewMilestone {
                    due_date: "2024-06-30".into(),
                    description: "完成全年目标的50%".into(),
                },
                NewMilestone {
                    due_date: "2024-12-31".into(),
                    description: "完成7400人".into(),
                },
            ],
            ..Default::default()
        })
        .unwrap();
    let task = db.task(id).unwrap();
    assert_eq!(task.unit.as_deref(), Some("人"), "unit from the target");
    assert_eq!(task.deadline.as_deref(), Some("2024-12-31"));
    assert_eq!(task.deadline_source, "target");
    assert_eq!(task.lead_unit.as_ref().unwrap().name, "区人社局");
    let support: Vec<_> = task.support_units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(support, ["区财政局", "城关镇"]);
    assert_eq!(task.milestones.len(), 2);
    db.complete_milestone(task.milestones[0].id, "2024-06-20")
        .unwrap();
    assert!(
        db.complete_milestone(task.milestones[0].id, "2024-06-21")
            .is_err()
    );
    assert_eq!(
        db.milestones(id).unwrap()[0].done_at.as_deref(),
        Some("2024-06-20")
    );

    // A sub-item inherits the parent's deadline when it has neither target nor project.
    let sub = db
        .add_task(&NewTask {
            parent_id: Some(id),
            title: "城关镇：新增就业1200人".into(),
            planned_value: Some(1200.0),
            unit: Some("人".into()),
            lead_unit_id: Some(office),
            ..Default::default()
        })
        .unwrap();
    let sub = db.task(sub).unwrap();
    assert_eq!(
        (sub.deadline.as_deref(), sub.deadline_source.as_str()),
        (Some("2024-12-31"), "parent")
    );
    // A project's deadline: 塔庄 (named project 527, 年底前).
    let p = db
        .add_task(&NewTask {
            title: "塔庄乡村振兴示范".into(),
            project_id: Some(527),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(db.task(p).unwrap().deadline_source, "project");
    let tree = db.tasks(None).unwrap();
    assert_eq!(tree.len(), 3);
    assert_eq!(
        tree.last().unwrap().parent_id,
        Some(id),
        "parents come first"
    );
    assert_eq!(db.subtasks(id).unwrap().len(), 1);
}

#[test]
fn bad_units_and_tasks_fail_clearly_and_change_nothing() {
    let mut db = Db::open_default().unwrap();
    let hrss = db.add_org_unit(&NewOrgUnit::new("区人社局", None)).unwrap();
    let before = snapshot(&db);
    let cases: Vec<(NewTask, &str)> = vec![
        (
            NewTask {
                title: "x".into(),
                target_id: Some(99_999),
                ..Default::default()
            },
            "target 99999 does not exist",
        ),
        (
            NewTask {
                title: "x".into(),
                lead_unit_id: Some(4242),
                ..Default::default()
            },
            "unit 4242 does not exist",
        ),
        (
            NewTask {
                title: "x".into(),
                target_id: Some(JOBS),
                unit: Some("亩".into()),
                ..Default::default()
            },
            "does not measure target 10",
        ),
        (
            NewTask {
                title: "x".into(),
                deadline: Some("2024-02-30".into()),
                ..Default::default()
            },
            "2024-02-30",
        ),
        (
            NewTask {
                title: "x".into(),
                deadline: Some("2023-12-31".into()),
                ..Default::default()
            },
            "before the plan year",
        ),
        (
            NewTask {
                title: "x".into(),
                milestones: vec![NewMilestone {
                    due_date: "2024-13-01".into(),
                    description: "m".into(),
                }],
                ..Default::default()
            },
            "milestone due_date",
        ),
        (
            NewTask {
                title: "x".into(),
                lead_unit_id: Some(hrss),
                support_unit_ids: vec![hrss],
                ..Default::default()
            },
            "already the lead unit",
        ),
        (
            NewTask {
                title: "  ".into(),
                ..Default::default()
            },
            "title",
        ),
        (
            NewTask {
                title: "x".into(),
                parent_id: Some(777),
                ..Default::default()
            },
            "task 777 does not exist",
        ),
        (
            NewTask {
                title: "x".into(),
                planned_value: Some(5.0),
                ..Default::default()
            },
            "needs a unit",
        ),
    ];
    for (task, why) in cases {
        let err = db.add_task(&task).unwrap_err();
        assert!(err.to_string().contains(why), "{why}: {err}");
        assert_eq!(snapshot(&db), before, "{why}");
    }
    let err = db
        .add_org_unit(&NewOrgUnit::new("区人社局", None))
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert!(
        db.add_org_unit(&NewOrgUnit::new("新单位", Some(999)))
            .is_err()
    );
    assert_eq!(snapshot(&db), before);
}

/// The input types' serde shape is the C ABI's JSON: required keys, unknown keys refused,
/// optional keys defaulted.
#[test]
fn input_types_read_the_json_the_c_abi_documents() {
    let rec: NewProgress = serde_json::from_str(
        r#"{"subject_kind": "target", "subject_id": 10, "period": "2024-06", "value": 4200,
            "unit": "人", "cumulative": true}"#,
    )
    .unwrap();
    assert_eq!(rec, NewProgress::target(10, "2024-06", 4200.0, "人"));
    let minimal: NewProgress =
        serde_json::from_str(r#"{"subject_kind": "task", "subject_id": 3, "period": "2024-Q1"}"#)
            .unwrap();
    assert!(!minimal.cumulative && minimal.project.is_none());
    for (json, want) in [
        (
            r#"{"subject_kind": "target", "period": "2024-06"}"#,
            "subject_id",
        ),
        (
            r#"{"subject_kind": "target", "subject_id": 10, "period": "2024-06", "colour": 1}"#,
            "colour",
        ),
        (
            r#"{"subject_kind": "project", "subject_id": 1, "period": "2024-06",
                "project": {"invested": 5}}"#,
            "invested",
        ),
    ] {
        let err = serde_json::from_str::<NewProgress>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{json}: {err}");
    }
    let task: NewTask = serde_json::from_str(
        r#"{"title": "x", "milestones": [{"due_date": "2024-06-30", "description": "过半"}]}"#,
    )
    .unwrap();
    assert_eq!(task.milestones[0].description, "过半");
    assert!(serde_json::from_str::<NewTask>(r#"{"target_id": 10}"#).is_err());
    assert!(serde_json::from_str::<NewTask>(r#"{"title": "x", "titel": "y"}"#).is_err());
    assert!(serde_json::from_str::<SubItem>(r#"{"name": "b"}"#).is_err());
}

#[test]
fn decompose_a_target_and_roll_the_towns_up_into_it() {
    let mut db = Db::open_default().unwrap();
    let towns = [
        ("城关镇", 2600.0),
        ("首阳山街道", 2400.0),
        ("缑氏镇", 2400.0),
    ];
    let items: Vec<SubItem> = towns
        .iter()
        .map(|(t, v)| SubItem {
            title: format!("{t}新增城镇居民就业"),
            planned_value: Some(*v),
            lead_unit: Some(format!("{t}人民政府")),
            responsible_person: Some("分管副镇长".into()),
            ..Default::default()
        })
        .collect();
    let (parent, children) = db.decompose_target(URBAN_JOBS, &items).unwrap();
    assert_eq!(children.len(), 3);
    let p = db.task(parent).unwrap();
    assert_eq!(
        (p.title.as_str(), p.planned_value),
        ("新增城镇居民就业", Some(7400.0))
    );
    let c = db.task(children[0]).unwrap();
    assert_eq!(c.lead_unit.unwrap().name, "城关镇人民政府");
    assert_eq!((c.parent_id, c.unit.as_deref()), (Some(parent), Some("人")));
    // Decomposing again reuses the parent; an existing unit name is reused too.
    let (again, _) = db.decompose_target(URBAN_JOBS, &items[..1]).unwrap();
    assert_eq!(again, parent);
    assert_eq!(db.org_units().unwrap().len(), 3);

    // Towns report; the target has no record of its own, so it is their sum.
    let recs: Vec<NewProgress> = children
        .iter()
        .zip([1500.0, 1300.0, 0.12])
        .map(|(id, v)| {
            let unit = if v < 1.0 { "万人" } else { "人" };
            NewProgress::task(*id, "2024-06", v, unit)
        })
        .collect();
    db.append_progress(&recs).unwrap();
    let s = status_of(&db, "2024-06", URBAN_JOBS, &EvaluationConfig::default());
    assert_eq!(s.value_source, Some(ValueSource::Tasks));
    assert_eq!(s.value, Some(4000.0), "1500 + 1300 + 0.12万人");
    assert_eq!(s.status, Status::OnSchedule); // 54.05% vs 50%: +4.05 < 5
    // A record on the target itself wins over the roll-up.
    db.add_progress(&at(URBAN_JOBS, "2024-06", 3800.0, "人"))
        .unwrap();
    let s = status_of(&db, "2024-06", URBAN_JOBS, &EvaluationConfig::default());
    assert_eq!(
        (s.value_source, s.value),
        (Some(ValueSource::Target), Some(3800.0))
    );
}

#[test]
fn progress_is_append_only_and_corrections_supersede() {
    let mut db = Db::open_default().unwrap();
    let first = db.add_progress(&at(JOBS, "2024-03", 1800.0, "人")).unwrap();
    let wrong = db.add_progress(&at(JOBS, "2024-06", 4800.0, "人")).unwrap();
    // The June figure double-counted a town: correct it.
    let fixed = db
        .add_progress(&NewProgress {
            supersedes_id: Some(wrong),
            problems: Some("城关镇数据重复统计".into()),
            next_steps: Some("按实名制台账核对".into()),
            ..at(JOBS, "2024-06", 3600.0, "人")
        })
        .unwrap();
    let history = db.progress_history(SubjectKind::Target, JOBS).unwrap();
    let ids: Vec<i64> = history.iter().map(|p| p.id).collect();
    assert_eq!(ids, [first, wrong, fixed], "both stay visible");
    assert_eq!(history[1].superseded_by, Some(fixed));
    assert_eq!(history[2].supersedes_id, Some(wrong));
    let latest = db
        .latest_progress(SubjectKind::Target, JOBS, None)
        .unwrap()
        .unwrap();
    assert_eq!((latest.id, latest.value), (fixed, Some(3600.0)));
    let march = db
        .latest_progress(SubjectKind::Target, JOBS, Some("2024-Q1"))
        .unwrap()
        .unwrap();
    assert_eq!(march.id, first);
    let s = status_of(&db, "2024-06", JOBS, &EvaluationConfig::default());
    assert_eq!((s.value, s.latest_record_id), (Some(3600.0), Some(fixed)));

    // The database itself refuses updates and deletes.
    let c = db.connection();
    for sql in [
        "UPDATE progress SET value = 9999 WHERE id = 1",
        "DELETE FROM progress WHERE id = 1",
        "DELETE FROM progress",
    ] {
        let err = c.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    // And raw inserts about unknown subjects or cross-subject corrections.
    let raw = "INSERT INTO progress (subject_kind, subject_id, period, period_end, cumulative,
               reported_at, supersedes_id) VALUES (?1, ?2, '2024-06', '2024-06-30', 1,
               '2024-06-30', ?3)";
    assert!(
        c.execute(raw, rusqlite::params!["target", 99_999, None::<i64>])
            .is_err()
    );
    assert!(
        c.execute(raw, rusqlite::params!["target", GDP, first])
            .is_err()
    );
    assert_eq!(
        db.progress_history(SubjectKind::Target, JOBS)
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn units_convert_through_base_units_and_wrong_ones_are_refused() {
    let mut db = Db::open_default().unwrap();
    // 粮食产量5亿斤: report 2.6亿斤 as 26000万斤.
    let id = db
        .add_progress(&at(GRAIN, "2024-06", 26_000.0, "万斤"))
        .unwrap();
    let p = db.progress(id).unwrap();
    assert_eq!(
        (p.value, p.unit.as_deref(), p.base_value),
        (Some(2.6), Some("亿斤"), Some(2.6e8))
    );
    let before = snapshot(&db);
    let err = db
        .add_progress(&at(JOBS, "2024-06", 10.0, "亩"))
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "progress record 1, unit: \"亩\" does not measure target 10, which is in \"人\""
        ),
        "{err}"
    );
    let err = db
        .add_progress(&NewProgress {
            unit: None,
            ..at(JOBS, "2024-06", 10.0, "人")
        })
        .unwrap_err();
    assert!(err.to_string().contains("needs its unit"), "{err}");
    assert_eq!(snapshot(&db), before);
}

#[test]
fn bad_progress_fails_with_record_field_and_reason_and_changes_nothing() {
    let mut db = Db::open_default().unwrap();
    let other = db.add_progress(&at(GDP, "2024-03", 5.2, "%")).unwrap();
    let mine = db.add_progress(&at(JOBS, "2024-03", 1800.0, "人")).unwrap();
    db.add_progress(&NewProgress {
        supersedes_id: Some(mine),
        ..at(JOBS, "2024-03", 1850.0, "人")
    })
    .unwrap();
    let before = snapshot(&db);
    let good = at(JOBS, "2024-06", 3700.0, "人");
    let cases: Vec<(NewProgress, &str)> = vec![
        (
            at(99_999, "2024-06", 1.0, "人"),
            "subject_id: target 99999 does not exist",
        ),
        (
            at(JOBS, "2024-13", 1.0, "人"),
            "period \"2024-13\" names no month",
        ),
        (at(JOBS, "2024-Q5", 1.0, "人"), "names no quarter"),
        (at(JOBS, "2024/06", 1.0, "人"), "malformed"),
        (
            at(JOBS, "2023-12", 1.0, "人"),
            "outside the plan year 2024 of target 10",
        ),
        (
            NewProgress {
                reported_at: Some("2024-02-30".into()),
                ..good.clone()
            },
            "reported_at",
        ),
        (
            NewProgress {
                reported_at: Some("2024-05-20T10:00:00+08:00".into()),
                ..good.clone()
            },
            "before period 2024-06 began",
        ),
        (
            NewProgress {
                supersedes_id: Some(other),
                ..good.clone()
            },
            "is about target 1, not target 10",
        ),
        (
            NewProgress {
                supersedes_id: Some(mine),
                ..good.clone()
            },
            "already superseded",
        ),
        (
            NewProgress {
                supersedes_id: Some(123_456),
                ..good.clone()
            },
            "progress 123456 does not exist",
        ),
        (
            NewProgress {
                value: Some(f64::NAN),
                ..good.clone()
            },
            "not a number",
        ),
        (
            NewProgress {
                project: Some(ProjectFields::default()),
                ..good.clone()
            },
            "project fields apply to projects",
        ),
        (
            NewProgress::task(5555, "2024-06", 1.0, "人"),
            "task 5555 does not exist",
        ),
        (
            NewProgress {
                value: Some(1.0),
                unit: Some("万元".into()),
                ..NewProgress::project(
                    SubjectKind::Project,
                    501,
                    "2024-06",
                    ProjectFields::default(),
                )
            },
            "not a value",
        ),
        (
            NewProgress::project(
                SubjectKind::Project,
                501,
                "2024-06",
                ProjectFields {
                    invested_to_date: Some(100.0),
                    invest_unit: Some("人".into()),
                    ..Default::default()
                },
            ),
            "is not money",
        ),
        (
            NewProgress::project(
                SubjectKind::Project,
                501,
                "2024-06",
                ProjectFields {
                    invested_to_date: Some(-5.0),
                    invest_unit: Some("万元".into()),
                    ..Default::default()
                },
            ),
            "not a non-negative amount",
        ),
        (
            NewProgress::project(
                SubjectKind::Project,
                501,
                "2024-06",
                ProjectFields {
                    actual_start: Some("2024-07-01".into()),
                    ..Default::default()
                },
            ),
            "after the end of period 2024-06",
        ),
        (
            NewProgress::project(
                SubjectKind::Project,
                99_999,
                "2024-06",
                ProjectFields::default(),
            ),
            "project 99999 does not exist",
        ),
    ];
    for (bad, why) in cases {
        // Alone, and as the third record of a batch: the two good ones are not kept either.
        let err = db.add_progress(&bad).unwrap_err();
        assert!(err.to_string().contains(why), "{why}: {err}");
        let err = db
            .append_progress(&[good.clone(), good.clone(), bad])
            .unwrap_err();
        assert!(
            err.to_string().contains("progress record 3, "),
            "{why}: {err}"
        );
        assert_eq!(snapshot(&db), before, "{why}");
    }
    assert!(matches!(
        db.add_progress(&at(99_999, "2024-06", 1.0, "人")),
        Err(Error::NotFound(_))
    ));
    // A dropped batch rolls back what it appended.
    {
        let mut batch = db.progress_batch().unwrap();
        batch.append(&good).unwrap();
        assert!(batch.append(&at(JOBS, "2024-13", 1.0, "人")).is_err());
        assert_eq!(batch.len(), 1);
    }
    assert_eq!(snapshot(&db), before);
}

#[test]
fn no_progress_means_no_data_everywhere() {
    let db = Db::open_default().unwrap();
    let all = db
        .evaluate_targets("2024-06", &EvaluationConfig::default())
        .unwrap();
    assert_eq!(all.len(), db.targets(&Default::default()).unwrap().len());
    assert!(all.len() > 100);
    assert!(
        all.iter()
            .all(|t| t.status == Status::NoData && t.light.is_none())
    );
    assert!(all.iter().all(|t| t.schedule_pct == 50.0));
    let q = db
        .evaluate_targets("2024-Q2", &EvaluationConfig::default())
        .unwrap();
    assert_eq!(q[0].schedule_pct, 50.0);
    let nov = db
        .evaluate_targets("2024-11", &EvaluationConfig::default())
        .unwrap();
    assert_eq!(nov[0].schedule_pct, 91.67, "Jan–Nov = 91.7%");
}

#[test]
fn statuses_and_lights_follow_the_documented_rule() {
    let mut db = Db::open_default().unwrap();
    let cfg = EvaluationConfig::default();
    let eval = |db: &Db, id, period: &str, cfg: &EvaluationConfig| {
        let s = status_of(db, period, id, cfg);
        (s.status, s.light, s.gap_points)
    };
    // 7400人以上 at June (序时进度 50%).
    let cases = [
        (4200.0, Status::Ahead, Light::Green), // 56.8%: +6.8 points
        (3800.0, Status::OnSchedule, Light::Green), // 51.4%
        (3300.0, Status::Behind, Light::Green), // 44.6%: −5.4
        (2800.0, Status::Behind, Light::Yellow), // 37.8%: −12.2
        (1200.0, Status::Behind, Light::Red),  // 16.2%: −33.8
        (7400.0, Status::Done, Light::Green),
    ];
    for (v, status, light) in cases {
        let mut db = Db::open_default().unwrap();
        db.add_progress(&at(JOBS, "2024-06", v, "人")).unwrap();
        let (s, l, _) = eval(&db, JOBS, "2024-06", &cfg);
        assert_eq!((s, l), (status, Some(light)), "{v}人");
    }
    // The thresholds are configurable.
    db.add_progress(&at(JOBS, "2024-06", 2800.0, "人")).unwrap();
    let strict = EvaluationConfig {
        yellow_margin: 5.0,
        red_margin: 12.0,
        ..Default::default()
    };
    assert_eq!(eval(&db, JOBS, "2024-06", &strict).1, Some(Light::Red));

    // Growth rates compare directly: 6%左右 is met at 5.8% (tolerance 5%).
    db.add_progress(&at(GDP, "2024-06", 5.8, "%")).unwrap();
    assert_eq!(eval(&db, GDP, "2024-06", &cfg).0, Status::OnSchedule);
    db.add_progress(&at(GDP, "2024-09", 5.0, "%")).unwrap();
    let (s, l, gap) = eval(&db, GDP, "2024-09", &cfg);
    assert_eq!(
        (s, l, gap),
        (Status::Behind, Some(Light::Yellow), Some(-16.67))
    );
    // At the year's end a met rate is done.
    db.add_progress(&at(GDP, "2024-12", 6.1, "%")).unwrap();
    assert_eq!(eval(&db, GDP, "2024-12", &cfg).0, Status::Done);
    // 居民消费价格涨幅控制在3%: above the cap is behind, under it at year end is done.
    db.add_progress(&at(CPI, "2024-06", 3.5, "%")).unwrap();
    assert_eq!(eval(&db, CPI, "2024-06", &cfg).0, Status::Behind);
    db.add_progress(&at(CPI, "2024-12", 2.1, "%")).unwrap();
    assert_eq!(eval(&db, CPI, "2024-12", &cfg).0, Status::Done);

    // 年底前完成老旧小区改造9个: blue near the deadline, red once it passed.
    db.add_progress(&at(OLD_HOUSING, "2024-11", 8.0, "个"))
        .unwrap();
    let near = EvaluationConfig {
        as_of: Some("2024-12-10".into()),
        ..Default::default()
    };
    let s = status_of(&db, "2024-11", OLD_HOUSING, &near);
    assert_eq!(
        (s.status, s.light, s.days_to_deadline),
        (Status::Behind, Some(Light::Blue), 21)
    );
    let late = EvaluationConfig {
        as_of: Some("2025-01-15".into()),
        ..Default::default()
    };
    let s = status_of(&db, "2024-12", OLD_HOUSING, &late);
    assert_eq!((s.status, s.light), (Status::Overdue, Some(Light::Red)));
    db.add_progress(&at(OLD_HOUSING, "2024-12", 9.0, "个"))
        .unwrap();
    assert_eq!(
        status_of(&db, "2024-12", OLD_HOUSING, &late).status,
        Status::Done
    );
}

#[test]
fn period_values_add_up_after_the_latest_cumulative_one() {
    let mut db = Db::open_default().unwrap();
    // 粮食产量: Q1 year to date 1.2亿斤, then April and May alone.
    db.add_progress(&at(GRAIN, "2024-Q1", 1.2, "亿斤")).unwrap();
    for (m, v) in [("2024-04", 0.3), ("2024-05", 0.5)] {
        db.add_progress(&NewProgress {
            cumulative: false,
            ..at(GRAIN, m, v, "亿斤")
        })
        .unwrap();
    }
    let s = status_of(&db, "2024-05", GRAIN, &EvaluationConfig::default());
    assert_eq!(
        (s.value, s.latest_period.as_deref()),
        (Some(2.0), Some("2024-05"))
    );
    // Periods after the evaluated one do not count.
    let s = status_of(&db, "2024-04", GRAIN, &EvaluationConfig::default());
    assert_eq!(s.value, Some(1.5));
}

#[test]
fn bad_evaluation_input_is_refused() {
    let db = Db::open_default().unwrap();
    for p in ["2024-13", "2024-Q0", "June"] {
        assert!(
            db.evaluate_targets(p, &EvaluationConfig::default())
                .is_err(),
            "{p}"
        );
    }
    let bad = [
        EvaluationConfig {
            as_of: Some("2024-06-31".into()),
            ..Default::default()
        },
        EvaluationConfig {
            yellow_margin: 40.0,
            ..Default::default()
        },
        EvaluationConfig {
            blue_days: -1,
            ..Default::default()
        },
    ];
    for c in bad {
        assert!(matches!(
            db.evaluate_targets("2024-06", &c),
            Err(Error::InvalidArgument(_))
        ));
    }
}

/// Two synthetic register rows (labelled SYNTHETIC) with annual plans.
fn add_register_rows(db: &Db) -> (i64, i64) {
    let c = db.connection();
    let ins = "INSERT INTO register_project (report_id, office_code, name, category,
               total_investment, total_investment_base, annual_plan, annual_plan_base,
               planned_start, note, report_project_id, link_method, imported_at, source)
               VALUES (1, ?1, ?2, ?3, ?4, ?4 * 1e4, ?5, ?5 * 1e4, ?6, 'SYNTHETIC', ?7, ?8,
               '2024-02-01T00:00:00Z', 'synthetic.csv')";
    c.execute(
        ins,
        rusqlite::params![
            "YS-001",
            "恩菲偃师研发基地",
            "续建",
            80_000.0,
            20_000.0,
            None::<String>,
            501,
            "exact"
        ],
    )
    .unwrap();
    let a = c.last_insert_rowid();
    c.execute(
        ins,
        rusqlite::params![
            "YS-002",
            "合成示例新开工项目",
            "新开工",
            30_000.0,
            10_000.0,
            "2024-03",
            None::<i64>,
            None::<String>
        ],
    )
    .unwrap();
    (a, c.last_insert_rowid())
}

#[test]
fn project_investment_against_plan_schedule_and_the_district_total() {
    let mut db = Db::open_default().unwrap();
    let (linked, new_start) = add_register_rows(&db);
    let fields = |to_date: f64| ProjectFields {
        invested_to_date: Some(to_date),
        invest_unit: Some("万元".into()),
        status: Some(StatusCode::UnderConstruction),
        physical_progress: Some("主体结构施工".into()),
        ..Default::default()
    };
    // The linked project reports under the report's project id (501), then corrects June.
    let june = db
        .add_progress(&NewProgress::project(
            SubjectKind::Project,
            501,
            "2024-06",
            fields(11_000.0),
        ))
        .unwrap();
    db.add_progress(&NewProgress {
        supersedes_id: Some(june),
        ..NewProgress::project(SubjectKind::Project, 501, "2024-06", fields(12_000.0))
    })
    .unwrap();
    // The new project: planned to start in March, started in April, 1,000万 in May and June.
    db.add_progress(&NewProgress::project(
        SubjectKind::RegisterProject,
        new_start,
        "2024-05",
        ProjectFields {
            invested_period: Some(1000.0),
            invest_unit: Some("万元".into()),
            actual_start: Some("2024-04-10".into()),
            ..Default::default()
        },
    ))
    .unwrap();
    db.add_progress(&NewProgress::project(
        SubjectKind::RegisterProject,
        new_start,
        "2024-06",
        ProjectFields {
            invested_period: Some(0.1),
            invest_unit: Some("亿元".into()),
            ..Default::default()
        },
    ))
    .unwrap();
    // A named project outside the register (no plan).
    db.add_progress(&NewProgress::project(
        SubjectKind::Project,
        523,
        "2024-06",
        ProjectFields {
            planned_start: Some("2024-05-01".into()),
            ..Default::default()
        },
    ))
    .unwrap();

    let s = db
        .evaluate_projects("2024-06", &EvaluationConfig::default())
        .unwrap();
    assert_eq!(s.schedule_pct, 50.0);
    let a = s
        .projects
        .iter()
        .find(|p| p.register_id == Some(linked))
        .unwrap();
    assert_eq!(a.invested_to_date_base, Some(1.2e8));
    assert_eq!((a.completion_pct, a.gap_points), (Some(60.0), Some(10.0)));
    assert_eq!(a.physical_progress.as_deref(), Some("主体结构施工"));
    let b = s
        .projects
        .iter()
        .find(|p| p.register_id == Some(new_start))
        .unwrap();
    assert_eq!(
        (b.invested_to_date_base, b.completion_pct),
        (Some(2e7), Some(20.0))
    );
    let c = s
        .projects
        .iter()
        .find(|p| p.project_id == Some(523))
        .unwrap();
    assert_eq!((c.annual_plan_base, c.completion_pct), (None, None));
    // 开工率: two starts due by June (register 2024-03, record 2024-05-01), one happened.
    assert_eq!(
        (s.planned_starts, s.actual_starts, s.start_rate_pct),
        (2, 1, Some(50.0))
    );
    assert_eq!(s.reporting, 3);
    assert_eq!(s.invested_base, 1.4e8);
    assert_eq!(s.plan_completion_pct, Some(46.67));
    let d = s.district.unwrap();
    assert_eq!(
        (d.metric.as_str(), d.value, d.unit.as_str()),
        ("年度完成投资", 214.0, "亿元")
    );
    assert_eq!(d.source, "project_total");
    assert_eq!(d.completion_pct, 0.65); // 1.4亿 of 214亿
}

/// A batch checks its first records of a kind one subject at a time and loads the whole kind
/// after that: both ways must accept the same records and refuse the same ones, with the same
/// message, whatever the position of the record.
#[test]
fn a_large_batch_validates_like_single_appends() {
    let mut db = Db::open_default().unwrap();
    let good = |i: usize| at(JOBS, &format!("2024-{:02}", i % 12 + 1), i as f64, "人");
    let before = snapshot(&db);
    for bad_at in [3usize, 64, 65, 150] {
        let mut recs: Vec<NewProgress> = (0..200).map(good).collect();
        recs[bad_at - 1] = at(99_999, "2024-06", 1.0, "人");
        let err = db.append_progress(&recs).unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "{err}");
        let want = format!("progress record {bad_at}, subject_id: target 99999 does not exist");
        assert!(err.to_string().contains(&want), "{err}");
        recs[bad_at - 1] = at(JOBS, "2023-12", 1.0, "人");
        let err = db.append_progress(&recs).unwrap_err().to_string();
        assert!(
            err.contains(&format!("progress record {bad_at}, period"))
                && err.contains("outside the plan year 2024 of target 10"),
            "{err}"
        );
        assert_eq!(snapshot(&db), before, "a refused batch writes nothing");
    }
    // Targets of other kinds and units in one batch of 200: all written, values converted.
    let recs: Vec<NewProgress> = (0..200)
        .map(|i| match i % 2 {
            0 => good(i),
            _ => at(GRAIN, "2024-06", 1.0, "亿斤"),
        })
        .collect();
    let ids = db.append_progress(&recs).unwrap();
    assert_eq!(ids.len(), 200);
    let last = db.progress(*ids.last().unwrap()).unwrap();
    assert_eq!(
        (last.value, last.unit.as_deref()),
        (Some(1.0), Some("亿斤"))
    );
}

#[test]
fn update_task_writes_the_fields_given_and_leaves_the_others() {
    let mut db = Db::open_default().unwrap();
    let hrss = db.add_org_unit(&NewOrgUnit::new("区人社局", None)).unwrap();
    let finance = db.add_org_unit(&NewOrgUnit::new("区财政局", None)).unwrap();
    let town = db.add_org_unit(&NewOrgUnit::new("城关镇", None)).unwrap();
    let id = db
        .add_task(&NewTask {
            title: "城镇新增就业".into(),
            target_id: Some(JOBS),
            lead_unit_id: Some(hrss),
            support_unit_ids: vec![finance],
            responsible_person: Some("王科长".into()),
            notes: Some("按月报送".into()),
            ..Default::default()
        })
        .unwrap();
    let before = db.task(id).unwrap();
    assert_eq!(before.deadline_source, "target");

    // Nothing given: nothing changes.
    db.update_task(id, &TaskUpdate::default()).unwrap();
    assert_eq!(db.task(id).unwrap(), before);

    db.update_task(
        id,
        &TaskUpdate {
            title: Some(" 城镇新增就业（分解） ".into()),
            lead_unit_id: Some(town),
            support_unit_ids: Some(vec![hrss, finance]),
            leader: Some("李副区长".into()),
            deadline: Some("2024-11-30".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let t = db.task(id).unwrap();
    assert_eq!(t.title, "城镇新增就业（分解）");
    assert_eq!(t.lead_unit.as_ref().map(|u| u.id), Some(town));
    let mut support: Vec<i64> = t.support_units.iter().map(|u| u.id).collect();
    support.sort_unstable();
    assert_eq!(support, [hrss, finance]);
    assert_eq!(t.leader.as_deref(), Some("李副区长"));
    assert_eq!(
        (t.deadline.as_deref(), t.deadline_source.as_str()),
        (Some("2024-11-30"), "set")
    );
    // Untouched: the responsible person, the notes, the target link.
    assert_eq!(t.responsible_person.as_deref(), Some("王科长"));
    assert_eq!(t.notes.as_deref(), Some("按月报送"));
    assert_eq!((t.target_id, t.unit.as_deref()), (Some(JOBS), Some("人")));

    // Blank text clears; [] removes every supporting unit.
    db.update_task(
        id,
        &TaskUpdate {
            notes: Some(" ".into()),
            responsible_person: Some(String::new()),
            support_unit_ids: Some(vec![]),
            ..Default::default()
        },
    )
    .unwrap();
    let t = db.task(id).unwrap();
    assert_eq!((t.notes, t.responsible_person), (None, None));
    assert!(t.support_units.is_empty());
    assert_eq!(t.leader.as_deref(), Some("李副区长"));
}

#[test]
fn a_bad_task_update_fails_and_changes_nothing() {
    let mut db = Db::open_default().unwrap();
    let hrss = db.add_org_unit(&NewOrgUnit::new("区人社局", None)).unwrap();
    let finance = db.add_org_unit(&NewOrgUnit::new("区财政局", None)).unwrap();
    let id = db
        .add_task(&NewTask {
            title: "城镇新增就业".into(),
            lead_unit_id: Some(hrss),
            support_unit_ids: vec![finance],
            ..Default::default()
        })
        .unwrap();
    let before = (snapshot(&db), db.task(id).unwrap());
    let fails = |db: &mut Db, task: i64, u: TaskUpdate| db.update_task(task, &u).unwrap_err();
    let e = fails(&mut db, 99_999, TaskUpdate::default());
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    let e = fails(
        &mut db,
        id,
        TaskUpdate {
            lead_unit_id: Some(99_999),
            ..Default::default()
        },
    );
    assert!(
        matches!(&e, Error::NotFound(m) if m.contains("lead_unit_id")),
        "{e}"
    );
    let cases = [
        TaskUpdate {
            title: Some("  ".into()),
            ..Default::default()
        },
        // The current supporting unit as the new lead, the supports left as they are.
        TaskUpdate {
            lead_unit_id: Some(finance),
            leader: Some("不应写入".into()),
            ..Default::default()
        },
        TaskUpdate {
            support_unit_ids: Some(vec![finance, finance]),
            ..Default::default()
        },
        TaskUpdate {
            deadline: Some("2023-12-31".into()),
            notes: Some("不应写入".into()),
            ..Default::default()
        },
        TaskUpdate {
            deadline: Some("年底前".into()),
            ..Default::default()
        },
    ];
    for u in cases {
        let e = fails(&mut db, id, u.clone());
        assert!(matches!(e, Error::InvalidArgument(_)), "{u:?}: {e}");
    }
    assert_eq!((snapshot(&db), db.task(id).unwrap()), before);
    // The JSON shape of the C ABI: unknown keys are refused.
    assert!(serde_json::from_str::<TaskUpdate>(r#"{"owner": "x"}"#).is_err());
    let u: TaskUpdate =
        serde_json::from_str(r#"{"leader": "张三", "support_unit_ids": []}"#).unwrap();
    assert_eq!(
        (u.leader.as_deref(), u.support_unit_ids),
        (Some("张三"), Some(vec![]))
    );
}
