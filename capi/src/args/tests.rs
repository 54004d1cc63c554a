//! Unit tests of the argument readers: the exact error wording and every field reaching the
//! library through the serde path.

use std::num::NonZeroI64;

use govreport::tracking::{NewMilestone, NewProgress, NewTask, SubItem, SubjectKind};
use serde_json::json;

use super::*;

/// The message of reading `value` as a `T` named `what`, which must fail.
fn error<T: DeserializeOwned + fmt::Debug>(value: Value, what: &str) -> String {
    let failure = record::<T>(&value, what).expect_err("must be refused");
    assert_eq!(failure.code, GOVREPORT_INVALID_ARGUMENT);
    failure.message
}

fn progress(extra: Value) -> Value {
    let mut v = json!({"subject_kind": "target", "subject_id": 10, "period": "2024-06"});
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    v
}

#[test]
fn a_record_reads_through_its_serde_shape() {
    let rec: NewProgress = record(
        &progress(json!({"value": 4200, "unit": "人", "cumulative": true})),
        "progress_json",
    )
    .unwrap();
    assert_eq!(
        rec,
        NewProgress::target(10, "2024-06", 4200.0, "人"),
        "an integer is read as a number, the rest as given"
    );
    let task: NewTask = record(
        &json!({"title": "x", "support_unit_ids": [3, 4],
                "milestones": [{"due_date": "2024-06-30", "description": "过半"}]}),
        "task_json",
    )
    .unwrap();
    assert_eq!(task.support_unit_ids, [3, 4]);
    assert_eq!(
        task.milestones,
        [NewMilestone {
            due_date: "2024-06-30".into(),
            description: "过半".into()
        }]
    );
}

#[test]
fn null_counts_as_absent() {
    let rec: NewProgress = record(
        &progress(json!({"value": null, "cumulative": null, "project": null})),
        "progress_json",
    )
    .unwrap();
    assert_eq!(
        (rec.value, rec.cumulative, rec.project),
        (None, false, None)
    );
    let task: NewTask = record(
        &json!({"title": "x", "support_unit_ids": null, "milestones": null}),
        "task_json",
    )
    .unwrap();
    assert!(task.support_unit_ids.is_empty() && task.milestones.is_empty());
    assert_eq!(
        error::<NewProgress>(progress(json!({"subject_id": null})), "progress_json"),
        "invalid argument: progress_json key \"subject_id\" is required"
    );
    assert_eq!(
        error::<NewTask>(json!({"title": "x", "colour": null}), "task_json"),
        "invalid argument: unknown key \"colour\" in task_json (known: report_id, \
         parent_id, title, target_id, project_id, planned_value, unit, lead_unit_id, \
         support_unit_ids, responsible_person, deadline, notes, milestones)"
    );
}

#[test]
fn wrong_types_name_the_key_and_the_type() {
    let cases = [
        (json!({"value": "4200"}), "key \"value\" must be a number"),
        (
            json!({"cumulative": "yes"}),
            "key \"cumulative\" must be true or false",
        ),
        (json!({"unit": 5}), "key \"unit\" must be a string"),
        (
            json!({"supersedes_id": 1.5}),
            "key \"supersedes_id\" must be an integer in int64 range",
        ),
        (
            json!({"supersedes_id": 9_223_372_036_854_775_808_u64}),
            "key \"supersedes_id\" must be an integer in int64 range",
        ),
        (
            json!({"subject_kind": "planet"}),
            "key \"subject_kind\" \"planet\" is not one of target, task, project, \
             register_project, commitment",
        ),
        (
            json!({"subject_kind": 1}),
            "key \"subject_kind\" must be a string, one of target, task, project, \
             register_project, commitment",
        ),
        (
            json!({"project": 5}),
            "key \"project\" must be a JSON object",
        ),
    ];
    for (extra, want) in cases {
        assert_eq!(
            error::<NewProgress>(progress(extra), "progress_json"),
            format!("invalid argument: progress_json {want}")
        );
    }
    assert_eq!(
        error::<NewProgress>(json!([1]), "progress_json"),
        "invalid argument: progress_json must be a JSON object"
    );
}

#[test]
fn nested_objects_and_arrays_are_named_by_their_place() {
    assert_eq!(
        error::<NewProgress>(
            progress(json!({"project": {"status": "flying"}})),
            "progress record 2"
        ),
        "invalid argument: progress record 2.project key \"status\" \"flying\" is not one of \
         planning, to_start, under_construction, near_completion, completed, in_operation"
    );
    assert_eq!(
        error::<NewProgress>(
            progress(json!({"project": {"invested": 5}})),
            "progress_json"
        ),
        "invalid argument: unknown key \"invested\" in progress_json.project (known: \
         invested_period, invested_to_date, invest_unit, status, physical_progress, \
         planned_start, actual_start)"
    );
    let task = |milestones: Value| json!({"title": "x", "milestones": milestones});
    assert_eq!(
        error::<NewTask>(task(json!([{"due": "2024-02-01"}])), "task_json"),
        "invalid argument: unknown key \"due\" in task_json milestone 1 (known: due_date, \
         description)"
    );
    assert_eq!(
        error::<NewTask>(
            task(json!([{"due_date": "2024-02-01", "description": "a"},
                        {"due_date": "2024-03-01"}])),
            "task_json"
        ),
        "invalid argument: task_json milestone 2 key \"description\" is required"
    );
    assert_eq!(
        error::<NewTask>(task(json!({})), "task_json"),
        "invalid argument: task_json key \"milestones\" must be an array"
    );
    assert_eq!(
        error::<NewTask>(task(json!([null])), "task_json"),
        "invalid argument: task_json key \"milestones\" item 1 must be a JSON object"
    );
    assert_eq!(
        error::<NewTask>(
            json!({"title": "x", "support_unit_ids": [3, "区财政局"]}),
            "task_json"
        ),
        "invalid argument: task_json key \"support_unit_ids\" item 2 must be an integer in \
         int64 range"
    );
    assert_eq!(
        error::<SubItem>(json!({"name": "b"}), "sub-item 2"),
        "invalid argument: unknown key \"name\" in sub-item 2 (known: title, planned_value, \
         lead_unit, responsible_person, deadline)"
    );
    assert_eq!(
        error::<SubItem>(json!({}), "sub-item 1"),
        "invalid argument: sub-item 1 key \"title\" is required"
    );
}

/// A type's own check (here `NonZeroI64` refusing 0) is worded by serde and placed here.
#[test]
fn errors_of_a_type_s_own_checks_are_placed() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read only by Debug
    struct Ids {
        id: NonZeroI64,
        kinds: Vec<SubjectKind>,
    }
    let message = error::<Ids>(json!({"id": 0, "kinds": []}), "ids_json");
    assert!(
        message.starts_with("invalid argument: ids_json key \"id\" invalid value: integer `0`"),
        "{message}"
    );
    assert_eq!(
        error::<Ids>(json!({"id": 1, "kinds": ["task", "x"]}), "ids_json"),
        "invalid argument: ids_json key \"kinds\" item 2 \"x\" is not one of target, task, \
         project, register_project, commitment"
    );
}
