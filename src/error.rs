//! The one error type of the library.

use std::path::PathBuf;

/// Everything that can go wrong in govreport. Match on the variant, not on the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite failed. The underlying error keeps SQLite's extended result code.
    #[error("SQLite error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    /// The database file was written by a newer version of govreport. Nothing was changed;
    /// open it with a newer library.
    #[error(
        "{path}: database schema version {found} is newer than this library supports ({supported}); \
         upgrade govreport to open it (the file was not changed)"
    )]
    SchemaTooNew {
        /// The file that was opened.
        path: PathBuf,
        /// The `user_version` found in the file.
        found: i64,
        /// The newest schema version this library knows.
        supported: i64,
    },

    /// The file's schema version is not one any govreport writes (zero with no tables is a
    /// new file; negative numbers never are). Nothing was changed; the file was made or
    /// altered by another program: restore it from a backup.
    #[error(
        "{path}: database schema version {found} is not a govreport version (1 to {supported}); \
         the file was not changed: it was altered by another program, restore it from a backup"
    )]
    SchemaUnknown {
        /// The file that was opened.
        path: PathBuf,
        /// The `user_version` found in the file.
        found: i64,
        /// The newest schema version this library knows.
        supported: i64,
    },

    /// The file has an older schema and was opened read-only, so it cannot be migrated.
    /// Open it read-write once to migrate it.
    #[error(
        "{path}: database schema version {found} is older than {required} and the file was \
         opened read-only; open it read-write once to migrate it"
    )]
    SchemaTooOld {
        /// The file that was opened.
        path: PathBuf,
        /// The `user_version` found in the file.
        found: i64,
        /// The schema version this library needs.
        required: i64,
    },

    /// The file is a SQLite database but not a govreport one (it has tables and no version).
    #[error("{path}: not a govreport database (it has other tables and no schema version)")]
    NotAGovreportDatabase {
        /// The file that was opened.
        path: PathBuf,
    },

    /// A file opened for writing could not be switched to WAL journal mode (readers beside
    /// a writer, and a killed writer leaving the file intact, rely on it). Nothing was
    /// written; put the file on a local file system that supports WAL's shared memory.
    #[error(
        "{path}: the database could not switch to WAL journal mode (it stayed in {found} \
         mode); move the file to a local disk (WAL needs shared memory, which network \
         file systems lack) and open it again"
    )]
    JournalMode {
        /// The file that was opened.
        path: PathBuf,
        /// The journal mode SQLite reported instead of `wal`.
        found: String,
    },

    /// A caller passed a value the library cannot use (an unknown code, a bad date …).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// Scripted SQL exceeded a size limit of [`crate::query::QueryLimits`] (the JSON result
    /// or one value). Nothing above the limit was allocated; select less or raise the limit.
    #[error("too big: {0}")]
    TooBig(String),

    /// The requested record does not exist.
    #[error("not found: {0}")]
    NotFound(String),

    /// The seed data or the report text is not what the library expects. This is a bug in
    /// `seeds/`, reported with the file and line.
    #[error("seed data error: {0}")]
    Data(String),

    /// JSON could not be parsed or written.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),

    /// Reading or writing a file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// `Result` with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
