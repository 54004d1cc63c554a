//! Opening a govreport database: the embedded default, or a file with its schema version.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::report::{Paragraph, Report, Section, SectionKind};
use crate::seed;

pub mod schema;

pub use schema::{SCHEMA_SQL, SCHEMA_VERSION};

/// How long a call waits for another connection's lock before failing with `SQLITE_BUSY`
/// ([`Db::set_busy_timeout`] changes it per `Db`).
pub const DEFAULT_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How [`Db::open_with`] opens a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Read only; the file must exist and be at the current schema version.
    ///
    /// A user who cannot write the file's directory can still read it: SQLite then cannot
    /// create the `-shm` file a WAL-mode file needs, and govreport reopens the file with
    /// SQLite's `immutable=1` (no locks, no `-shm`) — as long as no `-wal` file with content
    /// lies beside it (its pages would be missed; the open then fails with SQLite's error).
    /// An immutable open is for a file nobody changes while it is open: a published copy
    /// ([`Db::publish`]) or a file whose writer has closed it. A reader of a file that is
    /// being written needs write access to the directory.
    ReadOnly,
    /// Read and write; the file must exist. An older schema is migrated.
    ReadWrite,
    /// Read and write; a missing file is created with the schema and the built-in data.
    Create,
}

/// An open govreport database.
///
/// ```
/// let db = govreport::Db::open_default()?;
/// assert_eq!(db.report()?.region, "洛阳市偃师区");
/// # Ok::<(), govreport::Error>(())
/// ```
#[derive(Debug)]
pub struct Db {
    // Declared first so that it is dropped first: its statements are finalized before the
    // connection closes.
    scripted: crate::query::Scripted,
    conn: Connection,
    // Declared after the connection so that it outlives it: SQLite's authorizer, progress
    // handler and trace point at it until the connection closes.
    guard: Box<crate::query::Guard>,
}

/// The serialized image of the default database, generated from `seeds/` by
/// [`build_default_image`] and checked in (tests/default_image.rs fails when it is stale;
/// `GOVREPORT_BLESS=1 cargo test --test default_image` rewrites it).
pub static DEFAULT_IMAGE: &[u8] = include_bytes!("db/default.sqlite");

/// Builds the default database from the embedded seed files and returns its serialized
/// image: what `src/db/default.sqlite` holds. The same seeds give the same bytes.
pub fn build_default_image() -> Result<Vec<u8>> {
    let mut conn = Connection::open_in_memory()?;
    initialize(&mut conn)?;
    // VACUUM writes the pages afresh, in order, without free pages: the smallest image.
    conn.execute_batch("VACUUM")?;
    Ok(conn.serialize(rusqlite::MAIN_DB)?.to_vec())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", true)?;
    crate::search::register_sql_functions(conn)?;
    Ok(())
}

/// Creates the schema (every step of [`schema::STEPS`] from empty) and loads every built-in
/// report, in one transaction.
fn initialize(conn: &mut Connection) -> Result<()> {
    configure(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    fill_new(&tx)?;
    tx.commit()?;
    Ok(())
}

/// The schema and every built-in report, written inside `tx` into an empty database.
fn fill_new(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    schema::apply(tx, 0)?;
    for files in seed::BUILTIN {
        let parsed = files.parse()?;
        seed::load(tx, &parsed, files.report_txt)?;
    }
    crate::search::rebuild_index(tx)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

/// Initializes a file that looked new (version 0, no table) under the write lock, and returns
/// the version it has afterwards. Several processes may create the same path at once: the
/// version and the tables are read again inside `BEGIN IMMEDIATE`, so only the first
/// initializes and the others find its committed schema (as [`migrate`] does).
fn initialize_file(conn: &mut Connection, path: &Path) -> Result<i64> {
    configure(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version != 0 {
        return Ok(version);
    }
    let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    if tables > 0 {
        return Err(Error::NotAGovreportDatabase {
            path: PathBuf::from(path),
        });
    }
    fill_new(&tx)?;
    tx.commit()?;
    Ok(SCHEMA_VERSION)
}

/// On-disk files are written in WAL mode, so readers never block the writer and a killed
/// writer leaves the file intact; read-only opens leave the journal mode as it is.
fn set_wal(conn: &Connection, mode: OpenMode, path: &Path) -> Result<()> {
    if mode != OpenMode::ReadOnly {
        let journal: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        // An in-memory or temporary database (`:memory:`, `""`) stays in memory mode.
        if !journal.eq_ignore_ascii_case("wal") && !journal.eq_ignore_ascii_case("memory") {
            return Err(Error::JournalMode {
                path: PathBuf::from(path),
                found: journal,
            });
        }
    }
    Ok(())
}

/// Whether a read-only open that failed with `e` can be retried as an immutable open: a
/// WAL-mode file whose directory the user cannot write fails (SQLite must create the `-shm`
/// file to read it); the file is then read as it is on disk. Only when no `-wal` file with
/// content exists (its pages would be missed) and the path is not already a URI.
fn immutable_may_help(e: &rusqlite::Error, path: &Path) -> bool {
    let code = e.sqlite_error_code();
    let denied = matches!(
        code,
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen)
    );
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_has_pages = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    let is_uri = path.as_os_str().as_encoded_bytes().starts_with(b"file:");
    denied && !wal_has_pages && !is_uri
}

/// Opens `path` read-only with SQLite's `immutable=1` URI parameter: no locks, no `-shm`, no
/// `-wal`. Correct for a file nobody writes meanwhile (a published copy, an archive, a file
/// whose writer has closed it); see [`OpenMode::ReadOnly`].
fn open_immutable(path: &Path) -> Result<Connection> {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)?;
    Ok(conn)
}

fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings a database at `from` up to [`SCHEMA_VERSION`] in one transaction.
fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read inside the write lock: another process may have migrated meanwhile.
    let from_now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if from_now != from {
        return Ok(());
    }
    schema::apply(&tx, from)?;
    tx.commit()?;
    Ok(())
}

impl Db {
    /// The built-in Yanshi 2024 database, in memory, with everything loaded.
    ///
    /// Every call, the first in a process included, deserializes a copy of the image
    /// compiled into the library ([`DEFAULT_IMAGE`]). Changes made to the returned database
    /// are private to it and are lost when it is dropped.
    pub fn open_default() -> Result<Db> {
        let mut conn = Connection::open_in_memory()?;
        conn.deserialize_read_exact(rusqlite::MAIN_DB, DEFAULT_IMAGE, DEFAULT_IMAGE.len(), false)?;
        configure(&conn)?;
        Db::wrap(conn)
    }

    /// The `Db` of an open, configured connection, with the scripted-SQL guard installed.
    fn wrap(conn: Connection) -> Result<Db> {
        let guard = crate::query::Guard::install(&conn)?;
        Ok(Db {
            scripted: Default::default(),
            conn,
            guard,
        })
    }

    /// Opens a database file, creating it (with the schema and the built-in data) if missing.
    /// Same as `open_with(path, OpenMode::Create)`.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Self::open_with(path, OpenMode::Create)
    }

    /// Opens a database file.
    ///
    /// A new file gets the schema and the built-in data. A file with an older schema is
    /// migrated inside one transaction (unless `mode` is read-only, which fails with
    /// [`Error::SchemaTooOld`]). A file from a newer govreport fails with
    /// [`Error::SchemaTooNew`], one with a negative version with [`Error::SchemaUnknown`];
    /// both are left untouched. Any number of processes may create the same new path at once:
    /// one initializes it, under the write lock, and the others open what it wrote.
    pub fn open_with(path: impl AsRef<Path>, mode: OpenMode) -> Result<Db> {
        let path = path.as_ref();
        let flags = match mode {
            OpenMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            OpenMode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
            OpenMode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        } | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)?;
        let mut version = match schema_version(&conn) {
            Err(Error::Sqlite(e)) if mode == OpenMode::ReadOnly && immutable_may_help(&e, path) => {
                conn = open_immutable(path)?;
                schema_version(&conn)?
            }
            other => other?,
        };
        let owned = || PathBuf::from(path);
        if version == 0 {
            let tables: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            if tables > 0 {
                return Err(Error::NotAGovreportDatabase { path: owned() });
            }
            if mode == OpenMode::ReadOnly {
                return Err(Error::SchemaTooOld {
                    path: owned(),
                    found: 0,
                    required: SCHEMA_VERSION,
                });
            }
            // Another process may be creating the same file right now: switching to WAL or
            // taking the write lock can then fail with BUSY at once, without waiting in the busy
            // handler (SQLite does not wait where waiting could deadlock). Retry until the busy
            // timeout; once the other process has committed, its version counts.
            let deadline = std::time::Instant::now() + DEFAULT_BUSY_TIMEOUT;
            version = loop {
                let attempt =
                    set_wal(&conn, mode, path).and_then(|()| initialize_file(&mut conn, path));
                match attempt {
                    Err(Error::Sqlite(e))
                        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                            && std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    other => break other?,
                }
            };
        }
        // Checked before anything is written to a file that is not new.
        if version > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                path: owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < 0 {
            return Err(Error::SchemaUnknown {
                path: owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == SCHEMA_VERSION {
            set_wal(&conn, mode, path)?;
        } else if version < SCHEMA_VERSION {
            if mode == OpenMode::ReadOnly {
                return Err(Error::SchemaTooOld {
                    path: owned(),
                    found: version,
                    required: SCHEMA_VERSION,
                });
            }
            set_wal(&conn, mode, path)?;
            configure(&conn)?;
            migrate(&mut conn, version)?;
        }
        configure(&conn)?;
        Db::wrap(conn)
    }

    /// The underlying SQLite connection, for queries the API does not cover.
    ///
    /// Prefer [`Db::query_json`] for user-supplied SQL: it runs read-only.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The statements of scripted SQL (`crate::query`), apart from rusqlite's cache.
    pub(crate) fn scripted(&self) -> &crate::query::Scripted {
        &self.scripted
    }

    /// The guard of scripted SQL (`crate::query::guard`).
    pub(crate) fn guard(&self) -> &crate::query::Guard {
        &self.guard
    }

    /// Sets how long a call waits for another connection's lock (default
    /// [`DEFAULT_BUSY_TIMEOUT`]) before failing with `SQLITE_BUSY`. A BUSY failure changed
    /// nothing: retry the whole call after a short pause (e.g. 50 ms, doubling, a few times).
    pub fn set_busy_timeout(&self, timeout: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(timeout)?;
        Ok(())
    }

    /// The mutable SQLite connection (transactions need it).
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The schema version of this database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        schema_version(&self.conn)
    }

    /// Every report in the database, by id.
    pub fn reports(&self) -> Result<Vec<Report>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, slug, title, region, date, meeting, speaker, speaker_office, plan_year
             FROM report ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Report {
                id: r.get(0)?,
                slug: r.get(1)?,
                title: r.get(2)?,
                region: r.get(3)?,
                date: r.get(4)?,
                meeting: r.get(5)?,
                speaker: r.get(6)?,
                speaker_office: r.get(7)?,
                plan_year: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first report (the default database holds only the Yanshi 2024 report).
    pub fn report(&self) -> Result<Report> {
        self.reports()?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound("the database holds no report".into()))
    }

    /// The report's text exactly as extracted from the PDF.
    pub fn source_text(&self, report_id: i64) -> Result<String> {
        self.conn
            .query_row(
                "SELECT source_text FROM report WHERE id = ?1",
                [report_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("report {report_id}")))
    }

    /// [`Error::NotFound`] unless report `report_id` exists. Every function scoped to a report
    /// calls it first, so that an empty list always means "the report exists and has none".
    pub(crate) fn require_report(&self, report_id: i64) -> Result<()> {
        let found: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM report WHERE id = ?1)")?
            .query_row([report_id], |r| r.get(0))?;
        if found {
            Ok(())
        } else {
            Err(Error::NotFound(format!("report {report_id}")))
        }
    }

    /// The outline of a report, in document order; [`Error::NotFound`] for an unknown report.
    pub fn sections(&self, report_id: i64) -> Result<Vec<Section>> {
        self.require_report(report_id)?;
        let mut st = self.conn.prepare_cached(
            "SELECT id, parent_id, kind, number, title, path FROM section
             WHERE report_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([report_id], section_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One section by id.
    pub fn section(&self, id: i64) -> Result<Section> {
        self.conn
            .query_row(
                "SELECT id, parent_id, kind, number, title, path FROM section WHERE id = ?1",
                [id],
                section_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("section {id}")))
    }

    /// The paragraphs of a report, in document order; [`Error::NotFound`] for an unknown
    /// report.
    pub fn paragraphs(&self, report_id: i64) -> Result<Vec<Paragraph>> {
        self.require_report(report_id)?;
        let mut st = self.conn.prepare_cached(
            "SELECT id, section_id, text FROM paragraph WHERE report_id = ?1 ORDER BY ordinal",
        )?;
        let rows = st.query_map([report_id], paragraph_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One paragraph by id.
    pub fn paragraph(&self, id: i64) -> Result<Paragraph> {
        self.conn
            .query_row(
                "SELECT id, section_id, text FROM paragraph WHERE id = ?1",
                [id],
                paragraph_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("paragraph {id}")))
    }
}

fn section_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Section> {
    let kind: String = r.get(2)?;
    Ok(Section {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        kind: SectionKind::from_code(&kind).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
        })?,
        number: r.get(3)?,
        title: r.get(4)?,
        path: r.get(5)?,
    })
}

fn paragraph_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Paragraph> {
    Ok(Paragraph {
        id: r.get(0)?,
        section_id: r.get(1)?,
        text: r.get(2)?,
    })
}
