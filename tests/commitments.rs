//! The commitments of the Yanshi report: every record verbatim and consistent, the counts, the
//! coverage proof (every sentence of parts 二–四 committed or framing, every 2024 target in
//! exactly one commitment), and the one question across kinds (`Db::due`).

use govreport::{
    CommitmentFilter, CommitmentKind, Db, DeadlineSource, DueFilter, DueKind, FramingReason,
};

fn db() -> Db {
    Db::open_default().unwrap()
}

#[test]
fn counts_by_part_area_kind_and_reason() {
    let db = db();
    let all = db.commitments(&CommitmentFilter::default()).unwrap();
    assert_eq!(all.len(), 143);
    let part = |p: i64| all.iter().filter(|c| c.part == p).count();
    assert_eq!((part(2), part(3), part(4)), (13, 126, 4));
    let per_area: Vec<usize> = (1..=10)
        .map(|a| all.iter().filter(|c| c.area == Some(a)).count())
        .collect();
    assert_eq!(per_area, [10, 21, 14, 15, 13, 7, 10, 13, 14, 9]);
    let quantitative = all
        .iter()
        .filter(|c| c.kind == CommitmentKind::Quantitative)
        .count();
    assert_eq!(quantitative, 61);
    let stated = all
        .iter()
        .filter(|c| c.deadline_source == DeadlineSource::Text)
        .count();
    assert_eq!(stated, 6);
    let framing = db.framing(None).unwrap();
    assert_eq!(framing.len(), 76);
    let reason = |r: FramingReason| framing.iter().filter(|f| f.reason == r).count();
    assert_eq!(
        [
            reason(FramingReason::Heading),
            reason(FramingReason::Principle),
            reason(FramingReason::Context),
            reason(FramingReason::Exhortation),
            reason(FramingReason::Address),
            reason(FramingReason::Transition),
        ],
        [48, 12, 6, 5, 4, 1]
    );
    // The filters narrow as documented.
    let area3 = db
        .commitments(&CommitmentFilter {
            area: Some(3),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(area3.len(), 14);
    assert!(area3.iter().all(|c| c.area_title.starts_with("（三）")));
    let q = db
        .commitments(&CommitmentFilter {
            part: Some(2),
            kind: Some(CommitmentKind::Qualitative),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(q.len(), 2);
    assert!(q.iter().all(|c| c.area_title == "二、2024年主要目标任务"));
}

#[test]
fn the_coverage_proof_holds() {
    let db = db();
    let coverage = db.commitment_coverage(1).unwrap();
    assert!(coverage.is_complete(), "{coverage:#?}");
    // 11 + 174 + 18 sentences in parts 二, 三, 四 (split after 。！？).
    assert_eq!(coverage.sentences, 203);
    assert_eq!(coverage.committed + coverage.framing, 203);
    assert_eq!(coverage.framing, 76);
    // Every 2024 target is linked to exactly one commitment, the one its quote lies in.
    let all = db.commitments(&CommitmentFilter::default()).unwrap();
    for t in db.targets(&Default::default()).unwrap() {
        let holders: Vec<_> = all
            .iter()
            .filter(|c| c.target_ids.contains(&t.id))
            .collect();
        assert_eq!(holders.len(), 1, "target {}", t.id);
        let c = holders[0];
        assert_eq!(c.paragraph_id, t.paragraph_id, "target {}", t.id);
        assert!(
            c.quote.contains(&t.quote),
            "target {} in commitment {}",
            t.id,
            c.id
        );
    }
    assert!(db.commitment_coverage(99).is_err(), "unknown report");
}

#[test]
fn a_gap_in_the_coverage_is_found() {
    // A file where one commitment and one framing sentence were removed: both sentences are
    // reported uncovered, and the targets of the commitment outside.
    let dir = std::env::temp_dir().join(format!("govreport-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("gap.db");
    let _ = std::fs::remove_file(&path);
    let db = Db::open(&path).unwrap();
    let c = db.commitment(107).unwrap();
    assert!(!c.target_ids.is_empty());
    db.connection()
        .execute_batch(
            "DELETE FROM commitment WHERE id = 107;
             DELETE FROM framing WHERE rowid = (SELECT min(rowid) FROM framing)",
        )
        .unwrap();
    let coverage = db.commitment_coverage(1).unwrap();
    assert!(!coverage.is_complete());
    assert_eq!(coverage.uncovered.len(), 2, "{:?}", coverage.uncovered);
    assert!(coverage.uncovered.iter().any(|u| u.text.contains(&c.quote)));
    assert_eq!(coverage.targets_outside, c.target_ids);
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_commitment_is_verbatim_and_consistent() {
    let db = db();
    let plan_year = db.report().unwrap().plan_year;
    for c in db.commitments(&CommitmentFilter::default()).unwrap() {
        let text = db.paragraph(c.paragraph_id).unwrap().text;
        assert!(text.contains(&c.quote), "commitment {}: quote", c.id);
        assert!(
            c.sentence.contains(&c.quote),
            "commitment {}: sentence",
            c.id
        );
        assert!(text.contains(&c.sentence), "commitment {}: sentence", c.id);
        assert!(c.quote.contains(&c.action), "commitment {}: action", c.id);
        match (&c.deadline_text, c.deadline_source) {
            (Some(t), DeadlineSource::Text) => {
                assert!(
                    c.quote.contains(t.as_str()),
                    "commitment {}: deadline",
                    c.id
                );
                assert_eq!(
                    govreport::time::deadline_from_text(t, plan_year).unwrap(),
                    c.deadline,
                    "commitment {}",
                    c.id
                );
            }
            (None, DeadlineSource::YearEnd) => {
                assert_eq!(
                    c.deadline,
                    format!("{plan_year}-12-31"),
                    "commitment {}",
                    c.id
                )
            }
            other => panic!("commitment {}: {other:?}", c.id),
        }
        assert_eq!(
            c.kind == CommitmentKind::Quantitative,
            !c.target_ids.is_empty(),
            "commitment {}",
            c.id
        );
        // Every linked record's quote lies inside this one.
        for id in &c.project_ids {
            assert!(
                c.quote.contains(&db.project(*id).unwrap().quote),
                "{}",
                c.id
            );
        }
        for id in &c.place_ids {
            assert!(c.quote.contains(&db.place(*id).unwrap().quote), "{}", c.id);
        }
        assert_eq!(db.commitment(c.id).unwrap(), c);
    }
    for f in db.framing(None).unwrap() {
        let text = db.paragraph(f.paragraph_id).unwrap().text;
        assert!(text.contains(&f.quote), "framing: {}", f.quote);
    }
    assert!(db.commitment(5).is_ok());
    assert!(matches!(
        db.commitment(99_999),
        Err(govreport::Error::NotFound(_))
    ));
}

#[test]
fn the_records_the_issue_names_are_there() {
    let db = db();
    let all = db.commitments(&CommitmentFilter::default()).unwrap();
    let find = |s: &str| {
        all.iter()
            .find(|c| c.quote.contains(s))
            .unwrap_or_else(|| panic!("no commitment holds {s}"))
    };
    // The two qualitative headline goals are commitments of their own.
    for (id, text, action) in [
        (11, "居民收入增长与经济增长基本同步", "同步"),
        (13, "单位生产总值能耗与“十四五”目标统筹衔接", "衔接"),
    ] {
        let c = db.commitment(id).unwrap();
        assert_eq!((c.quote.as_str(), c.action.as_str()), (text, action));
        assert_eq!((c.kind, c.part), (CommitmentKind::Qualitative, 2));
    }
    // Items that were in no record before.
    assert_eq!(find("积极建设国家级小麦育种繁育基地").area, Some(5));
    assert_eq!(find("建设洛阳市中试基地").area, Some(1));
    // The headline goals: one commitment each, the first carrying target 1.
    let first = db.commitment(1).unwrap();
    assert_eq!(first.quote, "地区生产总值增长6%左右");
    assert_eq!(first.target_ids, [1]);
    // The deadline-split sentence of area （四）.
    let june = find("6月底前完成2023年老旧小区改造项目");
    assert_eq!(
        (june.deadline.as_str(), june.deadline_text.as_deref()),
        ("2024-06-30", Some("6月底前"))
    );
    assert_eq!(june.project_ids, [568]);
}

#[test]
fn due_by_the_end_of_june_finds_the_three_items() {
    let db = db();
    let due = db
        .due(&DueFilter {
            before: Some("2024-07-01".into()),
            ..Default::default()
        })
        .unwrap();
    let keys: Vec<(DueKind, i64, &str)> = due
        .iter()
        .map(|d| (d.kind, d.id, d.deadline.as_str()))
        .collect();
    // The two road sections (5月底前) and the 2023 old-residential-area renovation (6月底前):
    // each as its commitment and as its project(s).
    assert_eq!(
        keys,
        [
            (DueKind::Commitment, 410, "2024-05-31"),
            (DueKind::Project, 533, "2024-05-31"),
            (DueKind::Project, 534, "2024-05-31"),
            (DueKind::Commitment, 406, "2024-06-30"),
            (DueKind::Project, 568, "2024-06-30"),
        ]
    );
    assert!(
        due.iter()
            .all(|d| d.deadline_source == DeadlineSource::Text)
    );
    assert_eq!(due[1].commitment_id, Some(410));
    // Every kind and filter.
    let year = db
        .due(&DueFilter {
            before: Some("2025-01-01".into()),
            ..Default::default()
        })
        .unwrap();
    let n = |k: DueKind| year.iter().filter(|d| d.kind == k).count();
    assert_eq!(n(DueKind::Commitment), 143);
    assert_eq!(n(DueKind::Target), 2);
    let stated = db
        .due(&DueFilter {
            before: Some("2025-01-01".into()),
            stated_only: true,
            kinds: vec![DueKind::Commitment],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(stated.len(), 6);
    let after = db
        .due(&DueFilter {
            after: Some("2024-07-01".into()),
            before: Some("2024-12-01".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        after
            .iter()
            .all(|d| d.deadline.as_str() >= "2024-07-01" && d.deadline.as_str() < "2024-12-01")
            && after
                .iter()
                .any(|d| d.kind == DueKind::Project && d.id == 551)
    );
    let area4 = db
        .due(&DueFilter {
            before: Some("2024-07-01".into()),
            area: Some(4),
            kinds: vec![DueKind::Project],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(area4.len(), 3);
    for bad in [
        DueFilter {
            before: Some("2024-13-01".into()),
            ..Default::default()
        },
        DueFilter {
            before: Some("2024-06-01".into()),
            after: Some("2024-07-01".into()),
            ..Default::default()
        },
    ] {
        assert!(matches!(
            db.due(&bad),
            Err(govreport::Error::InvalidArgument(_))
        ));
    }
    assert!(matches!(
        db.due(&DueFilter {
            report_id: Some(42),
            ..Default::default()
        }),
        Err(govreport::Error::NotFound(_))
    ));
}

#[test]
fn the_export_carries_commitments_and_framing() {
    let db = db();
    let export: serde_json::Value = serde_json::from_str(&db.export_json().unwrap()).unwrap();
    let c = &export["commitments"][0];
    for key in [
        "id",
        "area",
        "section_id",
        "paragraph_id",
        "quote",
        "kind",
        "action",
        "deadline",
        "deadline_text",
        "deadline_source",
        "target_ids",
        "project_ids",
        "place_ids",
        "sentence",
    ] {
        assert!(c.get(key).is_some(), "commitments[0].{key}");
    }
    assert_eq!(export["commitments"].as_array().unwrap().len(), 143);
    let f = &export["framing"][0];
    for key in ["paragraph_id", "quote", "reason"] {
        assert!(f.get(key).is_some(), "framing[0].{key}");
    }
    assert_eq!(export["framing"].as_array().unwrap().len(), 76);
}
