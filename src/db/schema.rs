//! The schema's one history: every step from an empty file to [`SCHEMA_VERSION`].
//!
//! [`STEPS`] is the only way the library creates or upgrades a schema: a new file runs every
//! step from version 0, an older file the steps above its version. Each step brings one
//! version: its SQL file in `migrations/` and, where SQL alone cannot do it, a named data step
//! in Rust. Released migration files are frozen (tests/schema_version.rs holds their digests);
//! a change to the schema is a new step at the end of the list. `schema.sql` is the readable
//! reference, proved equal to the result of running every step.

use rusqlite::{OptionalExtension, Transaction};

use crate::error::{Error, Result};
use crate::seed;

/// The schema version this library writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 10;

/// The current schema as one readable file with comments: the reference that tests compare
/// with the result of [`STEPS`]. The library never runs it.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// Rust code that a step needs beside its SQL, with the name it is known by.
#[derive(Debug, Clone, Copy)]
pub struct DataStep {
    /// What it does, in a few words (errors it reports name it).
    pub name: &'static str,
    /// Runs inside the migration's transaction, against the schema as it is at that point
    /// of its step (the previous version before the SQL, the new one after).
    pub run: fn(&Transaction<'_>) -> Result<()>,
}

/// One version of the schema: what brings a file from the version before to this one.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The version the step brings (`PRAGMA user_version` after it).
    pub version: i64,
    /// The SQL file's name in `migrations/`.
    pub file: &'static str,
    /// The SQL file's content.
    pub sql: &'static str,
    /// Run before the SQL, in order: for a shape of the previous version the SQL cannot take
    /// as is.
    pub before: &'static [DataStep],
    /// Run after the SQL, in order: data the new tables or columns need.
    pub after: &'static [DataStep],
}

/// A step with no data step, from its file name in `migrations/` (compiled in).
macro_rules! step {
    ($version:literal, $file:literal) => {
        Step {
            version: $version,
            file: $file,
            sql: include_str!(concat!("../../migrations/", $file)),
            before: &[],
            after: &[],
        }
    };
}

/// The schema's history, in order. Adding a version is adding one line at the end.
pub const STEPS: &[Step] = &[
    step!(1, "0001_report.sql"),
    Step {
        after: &[FILL_BUILTIN_DATASETS],
        ..step!(2, "0002_dataset.sql")
    },
    Step {
        before: &[RELOAD_DATASET_OF_FIRST_VERSION_2],
        after: &[REBUILD_SEARCH_INDEX],
        ..step!(3, "0003_search.sql")
    },
    step!(4, "0004_tracking.sql"),
    step!(5, "0005_registers.sql"),
    Step {
        before: &[DROP_SENTENCE_ADDED_IN_PLACE],
        // The index format changed twice while files kept their version (rowids in 1549cde,
        // tokens in 9cb0d50): rebuilding it here makes every older file's index current.
        after: &[FILL_SENTENCES, REBUILD_SEARCH_INDEX],
        ..step!(6, "0006_sentence.sql")
    },
    // The organisation concept gets its own name (`org_unit`), apart from measurement units.
    step!(7, "0007_org_unit.sql"),
    // Views for other SQLite tools: `target`, `result`, `progress_with_subject`, `search_document`.
    step!(8, "0008_views.sql"),
    // Commitments, framing, zones, the 任务分解表's task columns.
    Step {
        after: &[
            WIDEN_CHECKS_OF_VERSION_9,
            FILL_COMMITMENTS,
            FILL_SENTENCES,
            REBUILD_SEARCH_INDEX,
        ],
        ..step!(9, "0009_commitments.sql")
    },
    // Progress records on commitments: `progress.work_status`, subject kind 'commitment'.
    Step {
        after: &[WIDEN_CHECK_OF_VERSION_10],
        ..step!(10, "0010_commitment_progress.sql")
    },
];

/// Version 2 added the dataset: fill it for the built-in reports the file holds.
const FILL_BUILTIN_DATASETS: DataStep = DataStep {
    name: "fill the dataset of the built-in reports",
    run: fill_builtin_datasets,
};

/// Commit a17c2a5 added columns to migration 0002 in place (`project.deadline`,
/// `project_total.comparator` …), so version-2 files made by 3956ea9 lack them: their dataset
/// tables held only built-in data, so they are made again by migration 0002 and its data step.
const RELOAD_DATASET_OF_FIRST_VERSION_2: DataStep = DataStep {
    name: "reload the dataset of a version-2 file made before a17c2a5",
    run: reload_dataset_of_first_version_2,
};

/// Fills the search index (version 3) for every record the file holds, afresh.
const REBUILD_SEARCH_INDEX: DataStep = DataStep {
    name: "rebuild the search index",
    run: |tx| crate::search::rebuild_index(tx),
};

/// Commit 7ba3821 added `sentence` to migration 0002 in place while the version stayed 5, so
/// some version-5 files have the column: drop it there (version 6 adds and fills it again).
const DROP_SENTENCE_ADDED_IN_PLACE: DataStep = DataStep {
    name: "drop the sentence column added to version 5 in place",
    run: drop_sentence_added_in_place,
};

/// Version 6 added `sentence`: compute it for every record.
const FILL_SENTENCES: DataStep = DataStep {
    name: "fill the sentence of every record",
    run: fill_sentences,
};

/// Version 9 loosens two CHECK constraints: `place.kind` gains `'zone'`, `task.deadline_source`
/// gains `'commitment'`.
const WIDEN_CHECKS_OF_VERSION_9: DataStep = DataStep {
    name: "allow place kind zone and task deadline source commitment",
    run: |tx| {
        widen_check(tx, "place", "'cluster'))", "'cluster', 'zone'))")?;
        widen_check(
            tx,
            "task",
            "'parent', 'none'))",
            "'parent', 'none', 'commitment'))",
        )
    },
};

/// Version 10 loosens the CHECK on `progress.subject_kind`: it gains `'commitment'`.
const WIDEN_CHECK_OF_VERSION_10: DataStep = DataStep {
    name: "allow progress subject kind commitment",
    run: |tx| {
        widen_check(
            tx,
            "progress",
            "subject_kind = 'register_project'),",
            "subject_kind = 'register_project'\n                              \
             OR subject_kind = 'commitment'),",
        )
    },
};

/// Version 9 added commitments, framing and zones: load them for the built-in reports the
/// file holds (and the projects curated since the file was made).
const FILL_COMMITMENTS: DataStep = DataStep {
    name: "fill the commitments of the built-in reports",
    run: fill_commitments,
};

/// Replaces `from` (which must occur once) by `to` in `table`'s CREATE statement. SQLite has
/// no ALTER for a CHECK; its documented procedure for a change that leaves every stored row
/// valid and the file format unchanged (loosening a constraint) is to edit the statement in
/// sqlite_schema and bump the schema version, inside the transaction.
fn widen_check(tx: &Transaction<'_>, table: &str, from: &str, to: &str) -> Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    // Already loosened (a file whose table was created from a later schema): nothing to do.
    if sql.contains(to) {
        return Ok(());
    }
    if sql.matches(from).count() != 1 {
        return Err(Error::Data(format!(
            "table {table}: expected {from:?} once in its CREATE statement"
        )));
    }
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.execute_batch("PRAGMA writable_schema = ON")?;
    let updated = tx.execute(
        "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2",
        [&sql.replacen(from, to, 1), table],
    );
    // Off again whatever happened, before the error is returned.
    tx.execute_batch(&format!(
        "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF",
        version + 1
    ))?;
    updated?;
    Ok(())
}

fn fill_commitments(tx: &Transaction<'_>) -> Result<()> {
    // A new file has no report yet (the seeds are loaded after the last step): skip parsing.
    let reports: i64 = tx.query_row("SELECT count(*) FROM report", [], |r| r.get(0))?;
    if reports == 0 {
        return Ok(());
    }
    for files in seed::BUILTIN {
        let parsed = files.parse()?;
        let present: Option<i64> = tx
            .query_row(
                "SELECT id FROM report WHERE slug = ?1",
                [&parsed.report.report.slug],
                |r| r.get(0),
            )
            .optional()?;
        if present.is_some() {
            crate::commitments::load::load(tx, &parsed)?;
        }
    }
    Ok(())
}

/// Runs every step above `from` inside `tx`, setting `user_version` after each one.
pub fn apply(tx: &Transaction<'_>, from: i64) -> Result<()> {
    for step in STEPS.iter().filter(|s| s.version > from) {
        // A data step's own findings say where they arose; SQLite errors keep their variant.
        let run = |data: &DataStep| {
            (data.run)(tx).map_err(|e| match e {
                Error::Data(m) => Error::Data(format!(
                    "migrating to schema version {} ({}): {m}",
                    step.version, data.name
                )),
                other => other,
            })
        };
        for data in step.before {
            run(data)?;
        }
        tx.execute_batch(step.sql)?;
        for data in step.after {
            run(data)?;
        }
        tx.pragma_update(None, "user_version", step.version)?;
    }
    Ok(())
}

fn fill_builtin_datasets(tx: &Transaction<'_>) -> Result<()> {
    // A new file has no report yet (the seeds are loaded after the last step): skip parsing.
    let reports: i64 = tx.query_row("SELECT count(*) FROM report", [], |r| r.get(0))?;
    if reports == 0 {
        return Ok(());
    }
    for files in seed::BUILTIN {
        let parsed = files.parse()?;
        let present: Option<i64> = tx
            .query_row(
                "SELECT id FROM report WHERE slug = ?1",
                [&parsed.report.report.slug],
                |r| r.get(0),
            )
            .optional()?;
        if present.is_some() {
            seed::load_dataset(tx, &parsed)?;
        }
    }
    Ok(())
}

/// The tables whose records quote the report, with the columns that name one record.
const QUOTING_TABLES: &[(&str, &[&str])] = &[
    ("figure", &["kind", "id"]),
    ("project", &["id"]),
    ("project_total", &["id"]),
    ("place", &["id"]),
    ("designation", &["place_id", "ordinal"]),
];

fn has_column(tx: &Transaction<'_>, table: &str, column: &str) -> Result<bool> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
            [table, column],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn reload_dataset_of_first_version_2(tx: &Transaction<'_>) -> Result<()> {
    if has_column(tx, "project", "deadline")? {
        return Ok(());
    }
    let dataset = STEPS
        .iter()
        .find(|s| s.version == 2)
        .ok_or_else(|| Error::Data("the steps lack version 2".into()))?;
    // The tables migration 0002 creates: those of version 2 less those of version 1.
    let scratch = rusqlite::Connection::open_in_memory()?;
    let tables = |c: &rusqlite::Connection| -> Result<Vec<String>> {
        let mut st =
            c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")?;
        let names = st.query_map([], |r| r.get(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    };
    for step in STEPS.iter().filter(|s| s.version < 2) {
        scratch.execute_batch(step.sql)?;
    }
    let version_1 = tables(&scratch)?;
    scratch.execute_batch(dataset.sql)?;
    // Children before parents: 0002 creates every table after those it refers to.
    for table in tables(&scratch)?.iter().rev() {
        if !version_1.contains(table) {
            tx.execute_batch(&format!("DROP TABLE IF EXISTS \"{table}\""))?;
        }
    }
    tx.execute_batch(dataset.sql)?;
    for data in dataset.after {
        (data.run)(tx)?;
    }
    Ok(())
}

fn drop_sentence_added_in_place(tx: &Transaction<'_>) -> Result<()> {
    for (table, _) in QUOTING_TABLES {
        if has_column(tx, table, "sentence")? {
            // Table names come from the constant list above, never from input.
            tx.execute_batch(&format!("ALTER TABLE {table} DROP COLUMN sentence"))?;
        }
    }
    Ok(())
}

/// Computes `sentence` for every record from its paragraph's text, `quote_start` and `quote`
/// (the same rule as the seed loader, [`seed::sentence_around`]), for any report the file
/// holds. A record whose quote is not at its `quote_start` fails the whole migration.
pub fn fill_sentences(tx: &Transaction<'_>) -> Result<()> {
    for (table, key) in QUOTING_TABLES {
        // Table and column names come from the constant list above, never from input.
        let selected: Vec<String> = key.iter().map(|k| format!("t.{k}")).collect();
        let mut read = tx.prepare(&format!(
            "SELECT {}, t.quote, t.quote_start, p.text, p.id
             FROM {table} t JOIN paragraph p ON p.id = t.paragraph_id",
            selected.join(", ")
        ))?;
        let key_columns = key.len();
        let conditions: Vec<String> = key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = ?{}", i + 2))
            .collect();
        let mut write = tx.prepare(&format!(
            "UPDATE {table} SET sentence = ?1 WHERE {}",
            conditions.join(" AND ")
        ))?;
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let keys: Vec<rusqlite::types::Value> = (0..key_columns)
                .map(|i| r.get(i))
                .collect::<rusqlite::Result<_>>()?;
            let quote: String = r.get(key_columns)?;
            let quote_start: i64 = r.get(key_columns + 1)?;
            let text: String = r.get(key_columns + 2)?;
            let paragraph_id: i64 = r.get(key_columns + 3)?;
            let start = usize::try_from(quote_start)
                .ok()
                .and_then(|c| text.char_indices().map(|(b, _)| b).nth(c))
                .filter(|&b| text[b..].starts_with(&quote))
                .ok_or_else(|| {
                    Error::Data(format!(
                        "{table} record {keys:?}: its quote is not at character {quote_start} \
                         of paragraph {paragraph_id}; correct quote_start in the file and \
                         open it again"
                    ))
                })?;
            let sentence = seed::sentence_around(&text, start, quote.len());
            let mut values: Vec<rusqlite::types::Value> = vec![sentence.to_string().into()];
            values.extend(keys);
            write.execute(rusqlite::params_from_iter(values))?;
        }
    }
    Ok(())
}
