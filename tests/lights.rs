//! Progress on commitments, their evaluation, evaluation "as known at" an instant, and the
//! light history (issue 13, items 1 and 2). Every progress record here is SYNTHETIC, made by
//! the test and labelled so (`reported_by`, `progress_text`); the commitments and targets are
//! the built-in report's.

use govreport::tracking::{
    CommitmentStatus, EvaluationConfig, Light, MonthLight, NewProgress, ProjectFields, Status,
    SubjectKind, WorkStatus,
};
use govreport::{CommitmentKind, Db, Error};

/// 居民收入增长与经济增长基本同步 (part 二, qualitative, due 2024-12-31).
const INCOME: i64 = 11;
/// 单位生产总值能耗与“十四五”目标统筹衔接 (qualitative, never reported here).
const ENERGY: i64 = 13;
/// 加大科技型企业引育力度… (qualitative).
const TECH_FIRMS: i64 = 101;
/// 围绕产业链部署创新链… (qualitative).
const INNOVATION_CHAIN: i64 = 103;
/// 服务企业创新发展… (qualitative).
const FIRM_INNOVATION: i64 = 105;
/// 加快安置房建设，确保年底前… (qualitative, due 2024-12-31).
const RESETTLEMENT: i64 = 408;
/// 5月底前完成G310商汤大道至高崖立交段… (qualitative, due 2024-05-31).
const ROADS_BY_MAY: i64 = 410;
/// 抓好智慧文旅平台建设… 10月底 (qualitative, due 2024-10-31).
const TOURISM_PLATFORM: i64 = 605;
/// 城镇新增就业7400人以上 (quantitative: target 10).
const JOBS_COMMITMENT: i64 = 10;
/// Target 10: 城镇新增就业 7400人以上 (a count, at least).
const JOBS: i64 = 10;
/// 年底前完成2024年9个老旧小区改造和6项市政微改造任务 (quantitative: targets 403, 404).
const HOUSING_COMMITMENT: i64 = 407;
/// Target 403: 完成2024年老旧小区改造 9个.
const OLD_HOUSING: i64 = 403;

/// A SYNTHETIC commitment record for `period`, reported at `at`.
fn rec(id: i64, period: &str, status: WorkStatus, at: &str) -> NewProgress {
    NewProgress {
        reported_by: Some("SYNTHETIC 区督查室".into()),
        reported_at: Some(at.into()),
        progress_text: Some(format!("SYNTHETIC: {period} {}", status.label_zh())),
        ..NewProgress::commitment(id, period, status)
    }
}

/// A SYNTHETIC target record (cumulative unless `period_only`), reported at `at`.
fn target_rec(id: i64, period: &str, value: f64, unit: &str, at: &str) -> NewProgress {
    NewProgress {
        reported_by: Some("SYNTHETIC 区人社局".into()),
        reported_at: Some(at.into()),
        progress_text: Some("SYNTHETIC".into()),
        ..NewProgress::target(id, period, value, unit)
    }
}

fn one(db: &Db, id: i64, period: &str, config: &EvaluationConfig) -> CommitmentStatus {
    db.evaluate_commitment(id, period, config).unwrap()
}

fn judged(s: &CommitmentStatus) -> (Status, Option<Light>, &str) {
    (s.status, s.light, s.reason.as_str())
}

fn default() -> EvaluationConfig {
    EvaluationConfig::default()
}

fn progress_rows(db: &Db) -> i64 {
    db.connection()
        .query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn commitment_records_are_added_listed_and_superseded() {
    let mut db = Db::open_default().unwrap();
    let first = db
        .add_progress(&NewProgress {
            problems: Some("SYNTHETIC: 统计口径待统一".into()),
            next_steps: Some("SYNTHETIC: 6月底前完成口径核对".into()),
            ..rec(INCOME, "2024-05", WorkStatus::InProgress, "2024-05-28")
        })
        .unwrap();
    // The C ABI's and Python's JSON: the Chinese word or the code.
    let json: NewProgress = serde_json::from_str(
        r#"{"subject_kind": "commitment", "subject_id": 11, "period": "2024-06",
            "work_status": "滞后", "progress_text": "SYNTHETIC: 6月滞后",
            "reported_at": "2024-06-27T09:00:00+08:00"}"#,
    )
    .unwrap();
    assert_eq!(json.work_status, Some(WorkStatus::Lagging));
    let june = db.add_progress(&json).unwrap();
    let fixed = db
        .add_progress(&NewProgress {
            supersedes_id: Some(june),
            ..rec(INCOME, "2024-06", WorkStatus::InProgress, "2024-07-02")
        })
        .unwrap();

    let stored = db.progress(first).unwrap();
    assert_eq!(stored.subject_kind, SubjectKind::Commitment);
    assert_eq!(stored.work_status, Some(WorkStatus::InProgress));
    assert_eq!(
        (stored.value, stored.unit.as_deref(), stored.cumulative),
        (None, None, false)
    );
    assert_eq!(
        stored.problems.as_deref(),
        Some("SYNTHETIC: 统计口径待统一")
    );
    let history = db
        .progress_history(SubjectKind::Commitment, INCOME)
        .unwrap();
    let ids: Vec<i64> = history.iter().map(|p| p.id).collect();
    assert_eq!(ids, [first, june, fixed], "all stay visible");
    assert_eq!(history[1].superseded_by, Some(fixed));
    assert_eq!(history[1].work_status, Some(WorkStatus::Lagging));
    let serialized = serde_json::to_value(&history[2]).unwrap();
    assert_eq!(serialized["work_status"], "in_progress");
    let latest = db
        .latest_progress(SubjectKind::Commitment, INCOME, None)
        .unwrap()
        .unwrap();
    assert_eq!(latest.id, fixed);
    // The correction decides June: 推进中, not 滞后.
    let s = one(&db, INCOME, "2024-06", &default());
    assert_eq!(
        (s.work_status, s.latest_record_id, s.status),
        (
            Some(WorkStatus::InProgress),
            Some(fixed),
            Status::OnSchedule
        )
    );
    // A commitment never reported has an empty history; an unknown one is not found.
    assert!(
        db.progress_history(SubjectKind::Commitment, ENERGY)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        db.progress_history(SubjectKind::Commitment, 99_999),
        Err(Error::NotFound(_))
    ));
    // The view other tools read names the commitment by its quote.
    let name: String = db
        .connection()
        .query_row(
            "SELECT subject_name FROM progress_with_subject WHERE progress_id = ?1",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "居民收入增长与经济增长基本同步");
}

#[test]
fn every_qualitative_rule() {
    let mut db = Db::open_default().unwrap();
    // Done in April: done stays done, reported or not since.
    db.add_progress(&rec(INCOME, "2024-04", WorkStatus::Done, "2024-04-20"))
        .unwrap();
    assert_eq!(
        judged(&one(&db, INCOME, "2024-06", &default())),
        (Status::Done, Some(Light::Green), "已完成")
    );
    // 5月底前: under way in April, silent in May, overdue from June.
    db.add_progress(&rec(
        ROADS_BY_MAY,
        "2024-04",
        WorkStatus::InProgress,
        "2024-04-25",
    ))
    .unwrap();
    // 30 April to 31 May is 31 days: not yet within the 30 blue days.
    assert_eq!(
        judged(&one(&db, ROADS_BY_MAY, "2024-04", &default())),
        (Status::OnSchedule, Some(Light::Green), "正常推进")
    );
    assert_eq!(
        judged(&one(&db, ROADS_BY_MAY, "2024-05", &default())),
        (Status::Behind, Some(Light::Yellow), "本期未报送")
    );
    let june = one(&db, ROADS_BY_MAY, "2024-06", &default());
    assert_eq!(
        judged(&june),
        (Status::Overdue, Some(Light::Red), "逾期未完成")
    );
    assert_eq!(june.days_to_deadline, -30);
    // 滞后 reported: red, with the problem and the next step quoted.
    db.add_progress(&NewProgress {
        problems: Some("SYNTHETIC: 征迁进度慢".into()),
        next_steps: Some("SYNTHETIC: 7月底前完成征迁".into()),
        ..rec(RESETTLEMENT, "2024-06", WorkStatus::Lagging, "2024-06-26")
    })
    .unwrap();
    let lagging = one(&db, RESETTLEMENT, "2024-06", &default());
    assert_eq!(
        judged(&lagging),
        (Status::Behind, Some(Light::Red), "报送滞后")
    );
    assert_eq!(lagging.problems.as_deref(), Some("SYNTHETIC: 征迁进度慢"));
    assert_eq!(
        lagging.next_steps.as_deref(),
        Some("SYNTHETIC: 7月底前完成征迁")
    );
    // Silent: never reported (no data), or not in the last month (behind); both yellow.
    assert_eq!(
        judged(&one(&db, ENERGY, "2024-06", &default())),
        (Status::NoData, Some(Light::Yellow), "本期未报送")
    );
    let off = EvaluationConfig {
        silent_periods: 0,
        ..default()
    };
    assert_eq!(
        judged(&one(&db, ENERGY, "2024-06", &off)),
        (Status::NoData, None, "未报送")
    );
    db.add_progress(&rec(
        TECH_FIRMS,
        "2024-04",
        WorkStatus::InProgress,
        "2024-04-26",
    ))
    .unwrap();
    assert_eq!(
        judged(&one(&db, TECH_FIRMS, "2024-06", &default())),
        (Status::Behind, Some(Light::Yellow), "本期未报送")
    );
    let quarterly = EvaluationConfig {
        silent_periods: 3,
        ..default()
    };
    assert_eq!(
        judged(&one(&db, TECH_FIRMS, "2024-06", &quarterly)),
        (Status::OnSchedule, Some(Light::Green), "正常推进")
    );
    // A quarter's record counts for the months of that quarter.
    db.add_progress(&rec(
        FIRM_INNOVATION,
        "2024-Q2",
        WorkStatus::NotStarted,
        "2024-06-20",
    ))
    .unwrap();
    assert_eq!(
        judged(&one(&db, FIRM_INNOVATION, "2024-06", &default())),
        (Status::OnSchedule, Some(Light::Green), "尚未启动")
    );
    assert_eq!(
        one(&db, FIRM_INNOVATION, "2024-07", &default()).light,
        Some(Light::Yellow)
    );
    // Blue within blue_days of the deadline (10月底): 0 days in October, 31 in September.
    for (period, at) in [("2024-09", "2024-09-25"), ("2024-10", "2024-10-08")] {
        db.add_progress(&rec(TOURISM_PLATFORM, period, WorkStatus::InProgress, at))
            .unwrap();
    }
    assert_eq!(
        judged(&one(&db, TOURISM_PLATFORM, "2024-10", &default())),
        (Status::OnSchedule, Some(Light::Blue), "临近完成时限")
    );
    assert_eq!(
        judged(&one(&db, TOURISM_PLATFORM, "2024-09", &default())),
        (Status::OnSchedule, Some(Light::Green), "正常推进")
    );
    let wide = EvaluationConfig {
        blue_days: 31,
        ..default()
    };
    assert_eq!(
        one(&db, TOURISM_PLATFORM, "2024-09", &wide).light,
        Some(Light::Blue)
    );
    // Green, with the lead unit of the task made for the commitment.
    let unit = db
        .add_org_unit(&govreport::tracking::NewOrgUnit::new("区科工局", None))
        .unwrap();
    db.connection()
        .execute(
            "INSERT INTO task (report_id, title, lead_org_unit_id, deadline_source, created_at,
                               commitment_id)
             VALUES (1, 'SYNTHETIC 创新链任务', ?1, 'none', '2024-02-01T00:00:00Z', ?2)",
            rusqlite::params![unit, INNOVATION_CHAIN],
        )
        .unwrap();
    db.add_progress(&rec(
        INNOVATION_CHAIN,
        "2024-06",
        WorkStatus::InProgress,
        "2024-06-25",
    ))
    .unwrap();
    let green = one(&db, INNOVATION_CHAIN, "2024-06", &default());
    assert_eq!(
        judged(&green),
        (Status::OnSchedule, Some(Light::Green), "正常推进")
    );
    assert_eq!(green.lead_unit.as_deref(), Some("区科工局"));
    assert_eq!(green.kind, CommitmentKind::Qualitative);
    assert!(green.target_statuses.is_empty());

    // The whole list agrees with the one-by-one evaluation, in text order.
    let all = db.evaluate_commitments("2024-06", &default()).unwrap();
    assert_eq!(all.len(), 143);
    let order: Vec<i64> = db
        .commitments(&Default::default())
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        all.iter().map(|c| c.commitment_id).collect::<Vec<_>>(),
        order
    );
    for id in [INCOME, ROADS_BY_MAY, RESETTLEMENT, ENERGY, INNOVATION_CHAIN] {
        let listed = all.iter().find(|c| c.commitment_id == id).unwrap();
        assert_eq!(listed, &one(&db, id, "2024-06", &default()), "{id}");
    }
}

#[test]
fn quantitative_commitments_take_their_targets_evaluation() {
    let mut db = Db::open_default().unwrap();
    // 2,800 of 7,400 by June: 37.8% against 50%, 12.2 points behind (yellow).
    db.add_progress(&target_rec(JOBS, "2024-06", 2800.0, "人", "2024-06-28"))
        .unwrap();
    // A 已完成 record on the commitment does not override its target.
    let done = db
        .add_progress(&rec(
            JOBS_COMMITMENT,
            "2024-06",
            WorkStatus::Done,
            "2024-06-29",
        ))
        .unwrap();
    let jobs = one(&db, JOBS_COMMITMENT, "2024-06", &default());
    assert_eq!(jobs.kind, CommitmentKind::Quantitative);
    assert_eq!(
        judged(&jobs),
        (
            Status::Behind,
            Some(Light::Yellow),
            "城镇新增就业欠进度12.2个百分点"
        )
    );
    assert_eq!(
        (jobs.work_status, jobs.latest_record_id),
        (Some(WorkStatus::Done), Some(done))
    );
    assert_eq!(jobs.target_statuses.len(), 1);
    let target = db
        .evaluate_targets("2024-06", &default())
        .unwrap()
        .into_iter()
        .find(|t| t.target_id == JOBS)
        .unwrap();
    assert_eq!(jobs.target_statuses[0], target);

    // Two targets: one ahead (5 of 9 by June), one without data (yellow, 未报送): the worst.
    db.add_progress(&target_rec(OLD_HOUSING, "2024-06", 5.0, "个", "2024-06-28"))
        .unwrap();
    let housing = one(&db, HOUSING_COMMITMENT, "2024-06", &default());
    let each: Vec<(i64, Status, Option<Light>)> = housing
        .target_statuses
        .iter()
        .map(|t| (t.target_id, t.status, t.light))
        .collect();
    assert_eq!(
        each,
        [
            (403, Status::Ahead, Some(Light::Green)),
            (404, Status::NoData, None)
        ]
    );
    assert_eq!(
        judged(&housing),
        (
            Status::NoData,
            Some(Light::Yellow),
            "完成市政微改造任务未报送"
        )
    );
    // All 61 quantitative commitments carry their targets' evaluations.
    let all = db.evaluate_commitments("2024-06", &default()).unwrap();
    let quantitative: Vec<&CommitmentStatus> = all
        .iter()
        .filter(|c| c.kind == CommitmentKind::Quantitative)
        .collect();
    assert_eq!(quantitative.len(), 61);
    assert!(quantitative.iter().all(|c| !c.target_statuses.is_empty()));
}

#[test]
fn known_at_counts_what_was_reported_by_then() {
    let mut db = Db::open_default().unwrap();
    // June: 3,600 reported on July 3, corrected to 3,700 on July 20.
    let june = db
        .add_progress(&target_rec(JOBS, "2024-06", 3600.0, "人", "2024-07-03"))
        .unwrap();
    let fixed = db
        .add_progress(&NewProgress {
            supersedes_id: Some(june),
            ..target_rec(JOBS, "2024-06", 3700.0, "人", "2024-07-20T15:00:00+08:00")
        })
        .unwrap();
    let at = |known: Option<&str>| {
        let config = EvaluationConfig {
            known_at: known.map(String::from),
            ..default()
        };
        let t = db
            .evaluate_targets("2024-06", &config)
            .unwrap()
            .into_iter()
            .find(|t| t.target_id == JOBS)
            .unwrap();
        (t.value, t.latest_record_id)
    };
    assert_eq!(
        at(Some("2024-06-30")),
        (None, None),
        "nothing known in June"
    );
    assert_eq!(
        at(Some("2024-07-03")),
        (Some(3600.0), Some(june)),
        "that day"
    );
    assert_eq!(
        at(Some("2024-07-20T14:59:59+08:00")),
        (Some(3600.0), Some(june)),
        "a second before the correction"
    );
    assert_eq!(
        at(Some("2024-07-20T07:00:00Z")),
        (Some(3700.0), Some(fixed)),
        "15:00 in Beijing is 07:00 UTC"
    );
    assert_eq!(at(None), (Some(3700.0), Some(fixed)));

    // The same for commitments and projects.
    db.add_progress(&rec(INCOME, "2024-06", WorkStatus::Lagging, "2024-07-01"))
        .unwrap();
    let known = |k: &str| EvaluationConfig {
        known_at: Some(k.into()),
        ..default()
    };
    assert_eq!(
        one(&db, INCOME, "2024-06", &known("2024-06-30")).status,
        Status::NoData
    );
    assert_eq!(
        one(&db, INCOME, "2024-06", &known("2024-07-01")).light,
        Some(Light::Red)
    );
    db.add_progress(&NewProgress {
        reported_at: Some("2024-07-05".into()),
        reported_by: Some("SYNTHETIC".into()),
        ..NewProgress::project(
            SubjectKind::Project,
            501,
            "2024-06",
            ProjectFields {
                invested_to_date: Some(12_000.0),
                invest_unit: Some("万元".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let reporting = |k: Option<&str>| {
        let config = EvaluationConfig {
            known_at: k.map(String::from),
            ..default()
        };
        db.evaluate_projects("2024-06", &config).unwrap().reporting
    };
    assert_eq!((reporting(Some("2024-07-04")), reporting(None)), (0, 1));

    // A known_at after every record gives what no known_at gives, for every subject.
    let late = known("2099-12-31T23:59:59Z");
    for period in ["2024-06", "2024-Q2", "2024-12"] {
        assert_eq!(
            db.evaluate_targets(period, &late).unwrap(),
            db.evaluate_targets(period, &default()).unwrap()
        );
        assert_eq!(
            db.evaluate_projects(period, &late).unwrap(),
            db.evaluate_projects(period, &default()).unwrap()
        );
        assert_eq!(
            db.evaluate_commitments(period, &late).unwrap(),
            db.evaluate_commitments(period, &default()).unwrap()
        );
    }
}

/// A SYNTHETIC year of target 10 (城镇新增就业7400人以上): January to March year to date, then
/// each month's own 620, each reported on the 28th. March's 1,850 was first typed as 185.
/// Returns the id of the March record.
fn jobs_year(db: &mut Db) -> i64 {
    let mut march = 0;
    for m in 1..=12 {
        let period = format!("2024-{m:02}");
        let at = format!("2024-{m:02}-28T09:00:00+08:00");
        let r = match m {
            1 => target_rec(JOBS, &period, 620.0, "人", &at),
            2 => target_rec(JOBS, &period, 1240.0, "人", &at),
            3 => target_rec(JOBS, &period, 185.0, "人", &at),
            _ => NewProgress {
                cumulative: false,
                ..target_rec(JOBS, &period, 620.0, "人", &at)
            },
        };
        let id = db.add_progress(&r).unwrap();
        if m == 3 {
            march = id;
        }
    }
    march
}

fn lights(h: &[MonthLight]) -> Vec<Option<Light>> {
    h.iter().map(|m| m.light).collect()
}

#[test]
fn a_late_correction_changes_the_history_from_its_month_on() {
    let mut db = Db::open_default().unwrap();
    let march = jobs_year(&mut db);
    let history = |db: &Db| {
        db.light_history(SubjectKind::Target, JOBS, "2024-01", "2024-12", &default())
            .unwrap()
    };
    let before = history(&db);
    assert_eq!(before.len(), 12);
    assert_eq!(before[2].as_of, "2024-03-31T23:59:59+08:00");
    assert_eq!(before[1].as_of, "2024-02-29T23:59:59+08:00");
    let (g, y) = (Some(Light::Green), Some(Light::Yellow));
    // The typo leaves the year 22.5 points behind from March on.
    assert_eq!(lights(&before), [g, g, y, y, y, y, y, y, y, y, y, y]);
    assert_eq!(before[2].latest_record_id, Some(march));

    // Reported on 10 August: March was 1,850.
    let fixed = db
        .add_progress(&NewProgress {
            supersedes_id: Some(march),
            ..target_rec(JOBS, "2024-03", 1850.0, "人", "2024-08-10T10:00:00+08:00")
        })
        .unwrap();
    let after = history(&db);
    assert_eq!(
        after[..7],
        before[..7],
        "January to July are what they were"
    );
    assert_eq!(lights(&after[7..]), [g, g, g, g, g]);
    assert_eq!(after[11].status, Status::Done, "7,430 by December");
    assert!(after.iter().all(|m| !m.recovered));
    // Today's evaluation of March counts the correction; March's history does not.
    let march_now = db
        .evaluate_targets("2024-03", &default())
        .unwrap()
        .into_iter()
        .find(|t| t.target_id == JOBS)
        .unwrap();
    assert_eq!(
        (march_now.latest_record_id, march_now.light),
        (Some(fixed), g)
    );
    assert_eq!(after[2].latest_record_id, Some(march));
    // The history as it looked on 1 August is the one before the correction.
    let then = db
        .light_history(
            SubjectKind::Target,
            JOBS,
            "2024-01",
            "2024-12",
            &EvaluationConfig {
                known_at: Some("2024-08-01".into()),
                ..default()
            },
        )
        .unwrap();
    assert_eq!(then[..7], before[..7]);
    // From August on it knows July's records and no more: 2,665 of 7,400, red.
    assert_eq!(lights(&then[7..]), [Some(Light::Red); 5]);
    assert_eq!(then[9].as_of, "2024-08-01");
    assert_eq!(then[0].as_of, "2024-01-31T23:59:59+08:00");
}

#[test]
fn a_month_ends_at_its_last_second_in_china_standard_time() {
    let mut db = Db::open_default().unwrap();
    // Reported 31 May 16:30 UTC = 1 June 00:30 in Beijing: June's, not May's.
    db.add_progress(&rec(
        INCOME,
        "2024-05",
        WorkStatus::Lagging,
        "2024-05-31T16:30:00Z",
    ))
    .unwrap();
    // A date alone counts from that day: May's.
    db.add_progress(&rec(ENERGY, "2024-05", WorkStatus::Lagging, "2024-05-31"))
        .unwrap();
    let of = |db: &Db, id| {
        db.light_history(
            SubjectKind::Commitment,
            id,
            "2024-05",
            "2024-06",
            &default(),
        )
        .unwrap()
    };
    let income = of(&db, INCOME);
    assert_eq!(
        (income[0].status, income[0].light),
        (Status::NoData, Some(Light::Yellow))
    );
    assert_eq!(income[1].light, Some(Light::Red));
    let energy = of(&db, ENERGY);
    assert_eq!(lights(&energy), [Some(Light::Red), Some(Light::Red)]);
}

#[test]
fn recovered_months_turn_yellow_when_asked() {
    let mut db = Db::open_default().unwrap();
    // Lagging in February and March, on track in April (reported 3 May), silent since.
    for (period, status, at) in [
        ("2024-02", WorkStatus::Lagging, "2024-02-26"),
        ("2024-03", WorkStatus::Lagging, "2024-03-27"),
        ("2024-04", WorkStatus::InProgress, "2024-05-03"),
    ] {
        db.add_progress(&rec(INCOME, period, status, at)).unwrap();
    }
    let (y, r) = (Some(Light::Yellow), Some(Light::Red));
    let plain = db
        .light_history(
            SubjectKind::Commitment,
            INCOME,
            "2024-01",
            "2024-05",
            &default(),
        )
        .unwrap();
    // April's record arrived in May: April was still red at its end (March's 滞后).
    assert_eq!(lights(&plain), [y, r, r, r, y]);
    let recolour = EvaluationConfig {
        recolour_recovered: true,
        ..default()
    };
    let district = db
        .light_history(
            SubjectKind::Commitment,
            INCOME,
            "2024-01",
            "2024-05",
            &recolour,
        )
        .unwrap();
    // As known at the end of May, April is green: February and March, red before a later
    // green month, were made up. April itself is red at its end and no month after it is
    // green (May is silent): it stays red.
    assert_eq!(lights(&district), [y, y, y, r, y]);
    let recovered: Vec<bool> = district.iter().map(|m| m.recovered).collect();
    assert_eq!(recovered, [false, true, true, false, false]);
    assert_eq!(district[1].status, Status::Behind, "the status stays");
    // A range that ends before the recovery was known keeps its red months.
    let short = db
        .light_history(
            SubjectKind::Commitment,
            INCOME,
            "2024-01",
            "2024-04",
            &recolour,
        )
        .unwrap();
    assert_eq!(lights(&short), [y, r, r, r]);
}

#[test]
fn register_project_and_quantitative_commitment_histories() {
    let mut db = Db::open_default().unwrap();
    // A SYNTHETIC register row: annual plan 12,000万元; 1,000万 a month until May, none in
    // June (behind), 2,000万 in July (made up), none in August.
    db.connection()
        .execute(
            "INSERT INTO register_project (report_id, office_code, name, category,
                 total_investment, total_investment_base, annual_plan, annual_plan_base, note,
                 imported_at, source)
             VALUES (1, 'SYN-001', '合成示例续建项目', '续建', 50000, 5e8, 12000, 1.2e8,
                 'SYNTHETIC', '2024-02-01T00:00:00Z', 'synthetic.csv')",
            [],
        )
        .unwrap();
    let project = db.connection().last_insert_rowid();
    for (m, amount) in [
        (1, 1000.0),
        (2, 1000.0),
        (3, 1000.0),
        (4, 1000.0),
        (5, 1000.0),
        (7, 2000.0),
    ] {
        db.add_progress(&NewProgress {
            reported_at: Some(format!("2024-{m:02}-25")),
            reported_by: Some("SYNTHETIC".into()),
            ..NewProgress::project(
                SubjectKind::RegisterProject,
                project,
                &format!("2024-{m:02}"),
                ProjectFields {
                    invested_period: Some(amount),
                    invest_unit: Some("万元".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    }
    let h = db
        .light_history(
            SubjectKind::RegisterProject,
            project,
            "2024-01",
            "2024-08",
            &default(),
        )
        .unwrap();
    let statuses: Vec<Status> = h.iter().map(|m| m.status).collect();
    use Status::{Behind, OnSchedule};
    // June: 5,000 of 12,000 (41.7%) against 50%: 8.3 points behind, still green.
    assert_eq!(
        statuses,
        [
            OnSchedule, OnSchedule, OnSchedule, OnSchedule, OnSchedule, Behind, OnSchedule, Behind
        ]
    );
    assert!(h.iter().all(|m| m.light == Some(Light::Green)));
    assert!(h[5].latest_record_id.is_some() && h[5].latest_record_id == h[4].latest_record_id);

    // The jobs commitment follows its target month by month.
    jobs_year(&mut db);
    let c = db
        .light_history(
            SubjectKind::Commitment,
            JOBS_COMMITMENT,
            "2024-01",
            "2024-12",
            &default(),
        )
        .unwrap();
    let t = db
        .light_history(SubjectKind::Target, JOBS, "2024-01", "2024-12", &default())
        .unwrap();
    assert_eq!(lights(&c), lights(&t));
}

#[test]
fn bad_input_is_refused_with_what_to_do_and_changes_nothing() {
    let mut db = Db::open_default().unwrap();
    let first = db
        .add_progress(&rec(
            INCOME,
            "2024-05",
            WorkStatus::InProgress,
            "2024-05-28",
        ))
        .unwrap();
    let before = progress_rows(&db);
    let cases: Vec<(NewProgress, &str)> = vec![
        (
            rec(99_999, "2024-05", WorkStatus::Done, "2024-05-28"),
            "commitment 99999 does not exist",
        ),
        (
            NewProgress {
                value: Some(3.0),
                unit: Some("%".into()),
                ..rec(INCOME, "2024-06", WorkStatus::Done, "2024-06-28")
            },
            "value: commitment 11 is reported with work_status",
        ),
        (
            NewProgress {
                project: Some(ProjectFields {
                    physical_progress: Some("主体完工".into()),
                    ..Default::default()
                }),
                ..rec(INCOME, "2024-06", WorkStatus::Done, "2024-06-28")
            },
            "project fields apply to projects, not to a commitment",
        ),
        (
            NewProgress {
                work_status: Some(WorkStatus::Done),
                ..target_rec(JOBS, "2024-06", 3000.0, "人", "2024-06-28")
            },
            "work_status: \"done\" is reported on commitments, not on a target",
        ),
        (
            rec(INCOME, "2023-12", WorkStatus::Done, "2024-01-05"),
            "outside the plan year 2024 of commitment 11",
        ),
        (
            NewProgress {
                supersedes_id: Some(first),
                ..rec(INCOME, "2024-05", WorkStatus::Done, "2024-05-20")
            },
            "reported_at: 2024-05-20 is before 2024-05-28, when progress",
        ),
    ];
    for (r, want) in cases {
        let err = db.add_progress(&r).unwrap_err();
        assert!(err.to_string().contains(want), "{want}: {err}");
    }
    assert!(matches!(
        db.add_progress(&rec(99_999, "2024-05", WorkStatus::Done, "2024-05-28")),
        Err(Error::NotFound(_))
    ));
    // Words that are not a work status.
    let err = serde_json::from_str::<NewProgress>(
        r#"{"subject_kind": "commitment", "subject_id": 11, "period": "2024-06",
            "work_status": "进行中"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("in_progress (推进中)"), "{err}");
    // Raw SQL is held to the same rules by the database.
    let c = db.connection();
    for (kind, id, value, status) in [
        ("commitment", 99_999, None, "done"),
        ("commitment", INCOME, Some(1.0), "done"),
        ("target", JOBS, None, "done"),
        ("commitment", INCOME, None, "finished"),
    ] {
        let r = c.execute(
            "INSERT INTO progress (subject_kind, subject_id, period, period_end, value, unit,
                                   cumulative, reported_at, work_status)
             VALUES (?1, ?2, '2024-06', '2024-06-30', ?3, CASE WHEN ?3 IS NULL THEN NULL ELSE '%'
                     END, 0, '2024-07-01', ?4)",
            rusqlite::params![kind, id, value, status],
        );
        assert!(r.is_err(), "{kind} {id} {value:?} {status}");
    }
    assert_eq!(progress_rows(&db), before);

    // Evaluation and history.
    let bad_config = |c: EvaluationConfig| db.evaluate_commitments("2024-06", &c).unwrap_err();
    for c in [
        EvaluationConfig {
            known_at: Some("2024-13-01".into()),
            ..default()
        },
        EvaluationConfig {
            silent_periods: 121,
            ..default()
        },
    ] {
        assert!(matches!(bad_config(c), Error::InvalidArgument(_)));
    }
    assert!(matches!(
        db.evaluate_commitment(99_999, "2024-06", &default()),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.evaluate_commitments("2024-13", &default()),
        Err(Error::InvalidArgument(_))
    ));
    let history = |kind, id, from: &str, to: &str, c: &EvaluationConfig| {
        db.light_history(kind, id, from, to, c).unwrap_err()
    };
    let invalid = [
        (
            SubjectKind::Commitment,
            INCOME,
            "2024-13",
            "2024-12",
            "from",
        ),
        (
            SubjectKind::Commitment,
            INCOME,
            "2024-01",
            "2024-Q4",
            "quarter",
        ),
        (
            SubjectKind::Commitment,
            INCOME,
            "2024-06",
            "2024-05",
            "before from",
        ),
        (
            SubjectKind::Commitment,
            INCOME,
            "2014-01",
            "2024-01",
            "at most 120",
        ),
        (SubjectKind::Task, 1, "2024-01", "2024-12", "not for a task"),
        (
            SubjectKind::Project,
            501,
            "2024-01",
            "2024-12",
            "not for a project",
        ),
    ];
    for (kind, id, from, to, want) in invalid {
        let err = history(kind, id, from, to, &default());
        assert!(
            matches!(err, Error::InvalidArgument(_)) && err.to_string().contains(want),
            "{want}: {err}"
        );
    }
    // 120 months are fine.
    assert_eq!(
        db.light_history(
            SubjectKind::Commitment,
            INCOME,
            "2015-01",
            "2024-12",
            &default()
        )
        .unwrap()
        .len(),
        120
    );
    let with_as_of = EvaluationConfig {
        as_of: Some("2024-06-30".into()),
        ..default()
    };
    assert!(
        history(SubjectKind::Target, JOBS, "2024-01", "2024-02", &with_as_of)
            .to_string()
            .contains("leave as_of unset")
    );
    for kind in [
        SubjectKind::Commitment,
        SubjectKind::Target,
        SubjectKind::RegisterProject,
    ] {
        assert!(matches!(
            history(kind, 99_999, "2024-01", "2024-02", &default()),
            Error::NotFound(_)
        ));
    }
    assert_eq!(progress_rows(&db), before);
}
