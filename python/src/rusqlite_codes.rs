//! The C ABI's result codes for library errors (the same mapping as capi/src/boundary.rs, so
//! that `govreport.Error.code` equals what a C caller gets for the same failure).

use govreport::Error;
pub(crate) use rusqlite::Error::SqliteFailure;
use rusqlite::ffi as sqlite;

const ERROR: i32 = 1;
const INVALID_ARGUMENT: i32 = 2;
const NOT_FOUND: i32 = 3;
const CONSTRAINT: i32 = 4;
const BUSY: i32 = 5;
const IO: i32 = 6;
const CORRUPT: i32 = 7;
const READONLY: i32 = 8;
const INTERRUPTED: i32 = 10;
const SCHEMA: i32 = 11;
const NOMEM: i32 = 12;
const TOOBIG: i32 = 13;

fn code_for_sqlite(primary: i32) -> i32 {
    match primary {
        sqlite::SQLITE_CONSTRAINT => CONSTRAINT,
        sqlite::SQLITE_BUSY | sqlite::SQLITE_LOCKED => BUSY,
        sqlite::SQLITE_IOERR
        | sqlite::SQLITE_CANTOPEN
        | sqlite::SQLITE_FULL
        | sqlite::SQLITE_PROTOCOL
        | sqlite::SQLITE_NOLFS
        | sqlite::SQLITE_PERM => IO,
        sqlite::SQLITE_CORRUPT | sqlite::SQLITE_NOTADB => CORRUPT,
        sqlite::SQLITE_READONLY | sqlite::SQLITE_AUTH => READONLY,
        sqlite::SQLITE_INTERRUPT => INTERRUPTED,
        sqlite::SQLITE_RANGE | sqlite::SQLITE_TOOBIG | sqlite::SQLITE_MISMATCH => INVALID_ARGUMENT,
        sqlite::SQLITE_NOMEM => NOMEM,
        _ => ERROR,
    }
}

fn code_for_rusqlite(e: &rusqlite::Error) -> (i32, i32) {
    use rusqlite::Error as E;
    if let Some(s) = e.sqlite_error() {
        return (code_for_sqlite(s.extended_code & 0xff), s.extended_code);
    }
    let code = match e {
        E::QueryReturnedNoRows => NOT_FOUND,
        E::InvalidParameterCount(..)
        | E::InvalidParameterName(_)
        | E::InvalidColumnIndex(_)
        | E::InvalidColumnName(_)
        | E::NulError(_)
        | E::Utf8Error(..)
        | E::MultipleStatement
        | E::IntegralValueOutOfRange(..)
        | E::ToSqlConversionFailure(_) => INVALID_ARGUMENT,
        _ => ERROR,
    };
    (code, 0)
}

/// The result code and SQLite extended code of a library error.
pub(crate) fn code_for(e: &Error) -> (i32, i32) {
    #[allow(unreachable_patterns)] // new variants default to GOVREPORT_ERROR
    match e {
        Error::Sqlite(s) => code_for_rusqlite(s),
        Error::SchemaTooNew { .. }
        | Error::SchemaTooOld { .. }
        | Error::SchemaUnknown { .. }
        | Error::NotAGovreportDatabase { .. } => (SCHEMA, 0),
        Error::InvalidArgument(_) => (INVALID_ARGUMENT, 0),
        Error::TooBig(_) => (TOOBIG, 0),
        Error::NotFound(_) => (NOT_FOUND, 0),
        Error::Io(_) => (IO, 0),
        Error::Data(_) | Error::Json(_) => (ERROR, 0),
        _ => (ERROR, 0),
    }
}
