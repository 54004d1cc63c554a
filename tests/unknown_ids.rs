//! An unknown id is `Error::NotFound` in every report- or subject-scoped function; an empty
//! list means "exists, has none". (capi/tests/c_abi.rs checks that the C ABI says the same.)

use govreport::{Db, Error, SubjectKind};

#[test]
fn unknown_report_and_subject_ids_are_not_found() {
    let db = Db::open_default().unwrap();
    let report = db.report().unwrap().id;
    assert!(!db.sections(report).unwrap().is_empty());
    assert!(!db.paragraphs(report).unwrap().is_empty());
    assert!(matches!(db.sections(999), Err(Error::NotFound(_))));
    assert!(matches!(db.paragraphs(999), Err(Error::NotFound(_))));
    assert!(matches!(db.register_projects(999), Err(Error::NotFound(_))));
    assert!(matches!(db.register_places(999), Err(Error::NotFound(_))));
    // A report without register rows: an empty list, not an error.
    assert!(db.register_places(report).is_ok());
    for kind in [
        SubjectKind::Target,
        SubjectKind::Task,
        SubjectKind::Project,
        SubjectKind::RegisterProject,
    ] {
        assert!(
            matches!(db.progress_history(kind, 999_999), Err(Error::NotFound(_))),
            "{kind:?}"
        );
    }
    // A target that exists but has no records yet: an empty history.
    let target = db.targets(&Default::default()).unwrap()[0].id;
    assert_eq!(
        db.progress_history(SubjectKind::Target, target)
            .unwrap()
            .len(),
        0
    );
}
