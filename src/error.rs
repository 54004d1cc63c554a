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

/// The result codes of the C ABI (enum `govreport_result` in `include/govreport.h`, values
/// that never change): the one mapping from an [`Error`] to a code, shared by the C ABI and
/// the Python package so that both report the same code for the same failure.
pub mod code {
    /// A failure with no more specific code.
    pub const ERROR: i32 = 1;
    /// An unusable argument.
    pub const INVALID_ARGUMENT: i32 = 2;
    /// No such record.
    pub const NOT_FOUND: i32 = 3;
    /// A database constraint was violated.
    pub const CONSTRAINT: i32 = 4;
    /// The file is locked by another connection: retry.
    pub const BUSY: i32 = 5;
    /// Reading or writing a file failed.
    pub const IO: i32 = 6;
    /// Not a SQLite file, or damaged.
    pub const CORRUPT: i32 = 7;
    /// A write was refused.
    pub const READONLY: i32 = 8;
    /// Interrupted, or past the time limit.
    pub const INTERRUPTED: i32 = 10;
    /// A schema version this library cannot use.
    pub const SCHEMA: i32 = 11;
    /// Out of memory.
    pub const NOMEM: i32 = 12;
    /// A result or value above its limit.
    pub const TOOBIG: i32 = 13;
}

impl Error {
    /// The C ABI's result code for this error (see [`code`]) and SQLite's extended result
    /// code (0 when the failure is not SQLite's).
    pub fn result_code(&self) -> (i32, i32) {
        #[allow(unreachable_patterns)] // new variants default to code::ERROR
        match self {
            Error::Sqlite(s) => code_for_rusqlite(s),
            Error::SchemaTooNew { .. }
            | Error::SchemaTooOld { .. }
            | Error::SchemaUnknown { .. }
            | Error::NotAGovreportDatabase { .. } => (code::SCHEMA, 0),
            Error::InvalidArgument(_) => (code::INVALID_ARGUMENT, 0),
            Error::TooBig(_) => (code::TOOBIG, 0),
            Error::NotFound(_) => (code::NOT_FOUND, 0),
            Error::Io(_) => (code::IO, 0),
            _ => (code::ERROR, 0),
        }
    }
}

/// The result code for SQLite's primary result code.
fn code_for_sqlite(primary: i32) -> i32 {
    match primary {
        rusqlite::ffi::SQLITE_CONSTRAINT => code::CONSTRAINT,
        rusqlite::ffi::SQLITE_BUSY | rusqlite::ffi::SQLITE_LOCKED => code::BUSY,
        rusqlite::ffi::SQLITE_IOERR
        | rusqlite::ffi::SQLITE_CANTOPEN
        | rusqlite::ffi::SQLITE_FULL
        | rusqlite::ffi::SQLITE_PROTOCOL
        | rusqlite::ffi::SQLITE_NOLFS
        | rusqlite::ffi::SQLITE_PERM => code::IO,
        rusqlite::ffi::SQLITE_CORRUPT | rusqlite::ffi::SQLITE_NOTADB => code::CORRUPT,
        rusqlite::ffi::SQLITE_READONLY | rusqlite::ffi::SQLITE_AUTH => code::READONLY,
        rusqlite::ffi::SQLITE_INTERRUPT => code::INTERRUPTED,
        rusqlite::ffi::SQLITE_RANGE
        | rusqlite::ffi::SQLITE_TOOBIG
        | rusqlite::ffi::SQLITE_MISMATCH => code::INVALID_ARGUMENT,
        rusqlite::ffi::SQLITE_NOMEM => code::NOMEM,
        _ => code::ERROR,
    }
}

/// The result code and SQLite extended code of a rusqlite error.
fn code_for_rusqlite(e: &rusqlite::Error) -> (i32, i32) {
    use rusqlite::Error as E;
    if let Some(s) = e.sqlite_error() {
        return (code_for_sqlite(s.extended_code & 0xff), s.extended_code);
    }
    let code = match e {
        E::QueryReturnedNoRows => code::NOT_FOUND,
        E::InvalidParameterCount(..)
        | E::InvalidParameterName(_)
        | E::InvalidColumnIndex(_)
        | E::InvalidColumnName(_)
        | E::NulError(_)
        | E::Utf8Error(..)
        | E::MultipleStatement
        | E::IntegralValueOutOfRange(..)
        | E::ToSqlConversionFailure(_) => code::INVALID_ARGUMENT,
        _ => code::ERROR,
    };
    (code, 0)
}
