//! `src/db/default.sqlite` is generated from `seeds/` (the one reviewable source) and checked
//! in, so that the first `Db::open_default()` in a process only deserializes it. This test
//! rebuilds it and fails on any difference; `GOVREPORT_BLESS=1` rewrites it.

use std::path::Path;

use govreport::db::{DEFAULT_IMAGE, SCHEMA_VERSION, build_default_image};

const BLESS: &str = "run `GOVREPORT_BLESS=1 cargo test --test default_image` and commit \
                     src/db/default.sqlite";

#[test]
fn the_image_is_built_from_the_seeds_and_schema_of_this_tree() {
    let built = build_default_image().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db/default.sqlite");
    if std::env::var_os("GOVREPORT_BLESS").is_some() {
        std::fs::write(&path, &built).expect("writing src/db/default.sqlite");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == built,
        "src/db/default.sqlite is stale: it differs from the database built from seeds/ and \
         the migrations ({} bytes committed, {} built); {BLESS}",
        committed.len(),
        built.len()
    );
    assert!(
        DEFAULT_IMAGE == built.as_slice(),
        "the library was compiled with an older src/db/default.sqlite; rebuild it"
    );
}

#[test]
fn building_the_image_twice_gives_the_same_bytes() {
    // The freshness check above compares bytes: it needs a deterministic build.
    assert!(build_default_image().unwrap() == build_default_image().unwrap());
}

#[test]
fn the_image_is_at_the_current_schema_version() {
    let db = govreport::Db::open_default().unwrap();
    assert_eq!(
        db.schema_version().unwrap(),
        SCHEMA_VERSION,
        "the checked-in image is at another schema version than the library; {BLESS}"
    );
}

#[test]
fn an_open_default_database_is_a_private_writable_copy() {
    let db = govreport::Db::open_default().unwrap();
    db.connection()
        .execute("UPDATE report SET title = 'changed'", [])
        .unwrap();
    let other = govreport::Db::open_default().unwrap();
    assert_eq!(other.report().unwrap().title, "政府工作报告");
    let fk: i64 = db
        .connection()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1, "open_default configures the connection");
}
