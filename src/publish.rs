//! A self-contained copy of a database that any SQLite tool opens read-only.
//!
//! Files govreport writes are in WAL mode (see [`Db::open_with`]): a reader needs the `-wal`
//! and `-shm` files beside it and write access to the directory to create them, which a
//! read-only user, a read-only mount or a file sent by mail does not have. [`Db::publish`]
//! writes one file in the classic rollback-journal mode (`DELETE`), vacuumed (no free pages,
//! pages in order), that the sqlite3 shell, Python's `sqlite3`, Datasette or
//! `Db::open_with(path, OpenMode::ReadOnly)` open with nothing beside it.
//!
//! ```
//! let db = govreport::Db::open_default()?;
//! let dir = std::env::temp_dir().join(format!("govreport-publish-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let out = dir.join("yanshi-2024.db");
//! db.publish(&out)?;
//! let copy = govreport::Db::open_with(&out, govreport::OpenMode::ReadOnly)?;
//! assert_eq!(copy.report()?.region, "洛阳市偃师区");
//! # drop(copy);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), govreport::Error>(())
//! ```

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::db::Db;
use crate::error::{Error, Result};

impl Db {
    /// Writes a vacuumed, self-contained copy of this database to `path` (a new file) in
    /// `DELETE` journal mode, so that any SQLite tool can open it read-only without a `-wal`
    /// file or write access to its directory. Works for the embedded default too.
    ///
    /// Refuses a `path` that exists ([`Error::InvalidArgument`]); on any later failure the
    /// partly written file is removed.
    pub fn publish(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        if path.exists() {
            return Err(Error::InvalidArgument(format!(
                "{}: the file exists; publish writes a new file (choose another name or \
                 remove it first)",
                path.display()
            )));
        }
        let text = path.to_str().ok_or_else(|| {
            Error::InvalidArgument(format!(
                "{}: publish needs a path that is valid UTF-8",
                path.display()
            ))
        })?;
        let written = self
            .connection()
            .execute("VACUUM INTO ?1", [text])
            .map_err(Error::from)
            .and_then(|_| set_delete_journal(path));
        if written.is_err() {
            // Leave no half-made file that a later publish would refuse.
            for p in [
                PathBuf::from(path),
                PathBuf::from(format!("{text}-journal")),
            ] {
                let _ = std::fs::remove_file(p);
            }
        }
        written
    }
}

/// Switches the new copy to the rollback journal and checks that it took.
fn set_delete_journal(path: &Path) -> Result<()> {
    // No URI interpretation: the path is a plain file name, whatever characters it holds.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::JournalMode {
            path: PathBuf::from(path),
            found: mode,
        });
    }
    conn.close().map_err(|(_, e)| Error::from(e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OpenMode;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("govreport-publish-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn counts(conn: &Connection) -> Vec<(String, i64)> {
        [
            "report",
            "section",
            "paragraph",
            "figure",
            "project",
            "place",
            "glossary_term",
            "progress",
        ]
        .iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t.to_string(), n)
        })
        .collect()
    }

    #[test]
    fn a_published_wal_file_opens_read_only_with_plain_sqlite() {
        let dir = temp_dir("wal");
        let src = dir.join("office.db");
        let mut db = Db::open(&src).unwrap();
        let target = db.targets(&Default::default()).unwrap()[0].clone();
        db.add_progress(&crate::NewProgress::target(
            target.id,
            "2024-03",
            target.value / 4.0,
            &target.unit,
        ))
        .unwrap();
        let journal: String = db
            .connection()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(journal, "wal", "the source is a WAL file");

        let out = dir.join("published.db");
        db.publish(&out).unwrap();
        let expected = counts(db.connection());
        drop(db);

        let copy = Connection::open_with_flags(&out, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert_eq!(counts(&copy), expected);
        assert_eq!(
            expected.last().unwrap().1,
            1,
            "the progress record is in the copy"
        );
        let mode: String = copy
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        let free: i64 = copy
            .pragma_query_value(None, "freelist_count", |r| r.get(0))
            .unwrap();
        assert_eq!(free, 0, "vacuumed: no free pages");
        drop(copy);
        assert!(!dir.join("published.db-wal").exists());
        assert!(!dir.join("published.db-shm").exists());
        // The library opens it read-only too (schema current, nothing migrated).
        let ro = Db::open_with(&out, OpenMode::ReadOnly).unwrap();
        assert_eq!(ro.schema_version().unwrap(), crate::SCHEMA_VERSION);
        drop(ro);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_embedded_default_publishes_with_the_same_counts() {
        let dir = temp_dir("default");
        let db = Db::open_default().unwrap();
        let out = dir.join("default.db");
        db.publish(&out).unwrap();
        let copy = Connection::open_with_flags(&out, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert_eq!(counts(&copy), counts(db.connection()));
        let mode: String = copy
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        drop(copy);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_existing_path_is_refused_and_left_as_it_was() {
        let dir = temp_dir("exists");
        let out = dir.join("taken.db");
        std::fs::write(&out, b"not mine").unwrap();
        let e = Db::open_default().unwrap().publish(&out).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
        assert!(e.to_string().contains("exists"), "{e}");
        assert_eq!(std::fs::read(&out).unwrap(), b"not mine");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_publish_leaves_no_file() {
        let dir = temp_dir("fail");
        let out = dir.join("no-such-dir").join("x.db");
        let e = Db::open_default().unwrap().publish(&out).unwrap_err();
        assert!(matches!(e, Error::Sqlite(_)), "{e}");
        assert!(!out.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
