//! Exit codes, one per kind of failure, and the message printed on stderr.

use std::process::ExitCode;

use govreport::Error;
use rusqlite::ErrorCode;

/// The exit codes, as `govreport --help` and README document them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  bad input: an invalid value (date, period, code), an unknown id, bad register or
     任务分解表 rows, an existing file for init, publish or a draft, a write without --db FILE
  2  usage: an unknown subcommand or flag, a missing argument, a flag value of the wrong type
  3  database: SQLite failed (a bad query included), or the file is not a govreport database
  4  schema version: the file is from a newer govreport, or older and opened read-only
  5  file: a file is missing, cannot be read or cannot be written
  6  busy: another process holds the database's write lock; try again
  7  read-only: a write to a read-only file, or SQL that writes given to `query`
  8  internal: a bug in govreport; please report it with the command line";

/// A failed command: its exit code and a message for stderr.
#[derive(Debug)]
pub struct Failure {
    /// The exit code (see [`EXIT_CODES`]).
    pub code: u8,
    /// What went wrong and what to do.
    pub message: String,
}

impl Failure {
    /// Bad input (exit code 1).
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// A file that is missing or cannot be used (exit code 5).
    pub fn file(message: impl Into<String>) -> Failure {
        Failure {
            code: 5,
            message: message.into(),
        }
    }

    /// A write to a read-only file (exit code 7).
    pub fn read_only(message: impl Into<String>) -> Failure {
        Failure {
            code: 7,
            message: message.into(),
        }
    }

    /// Prints the message on stderr and returns the exit code.
    pub fn report(&self) -> ExitCode {
        if self.code == 0 {
            return ExitCode::SUCCESS;
        }
        eprintln!("govreport: error: {}", self.message);
        ExitCode::from(self.code)
    }
}

/// The exit code of a SQLite failure.
fn sqlite_code(e: &rusqlite::Error) -> u8 {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => 6,
        Some(ErrorCode::ReadOnly) => 7,
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::SystemIoFailure) => 5,
        Some(ErrorCode::DiskFull) => 5,
        _ => 3,
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        if let Error::Json(j) = &e
            && j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
        {
            return std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        }
        let code = match &e {
            Error::InvalidArgument(_) | Error::NotFound(_) => 1,
            Error::Sqlite(s) => sqlite_code(s),
            Error::SchemaTooNew { .. } | Error::SchemaTooOld { .. } => 4,
            Error::NotAGovreportDatabase { .. } | Error::JournalMode { .. } => 3,
            Error::Io(_) => 5,
            // Seed data and JSON failures are bugs of the library or of this command.
            Error::Data(_) | Error::Json(_) => 8,
            _ => 8,
        };
        let hint = match code {
            6 => {
                "; another govreport (or SQLite tool) is writing the file: try again when it is done"
            }
            7 => {
                "; the file (or its directory) cannot be written: make it writable, or work on a copy"
            }
            _ => "",
        };
        Failure {
            code,
            message: format!("{e}{hint}"),
        }
    }
}

impl From<govreport::ImportError> for Failure {
    fn from(e: govreport::ImportError) -> Failure {
        let problems = match &e {
            govreport::ImportError::BadRows { problems, .. } => problems.clone(),
            _ => return Error::from(e).into(),
        };
        let mut message = e.to_string();
        for p in &problems {
            message.push_str(&format!("\n  {p}"));
        }
        message.push_str("\nfix these rows, or pass --skip-bad-rows to import the good rows only");
        Failure::input(message)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader of stdout (`| head`) has what it wanted: not a failure.
            return Failure {
                code: 0,
                message: String::new(),
            };
        }
        Failure::file(format!("I/O error: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_kind_has_its_documented_code() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let ro = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            None,
        );
        let corrupt = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        let cases: Vec<(Error, u8)> = vec![
            (Error::InvalidArgument("x".into()), 1),
            (Error::NotFound("x".into()), 1),
            (Error::Sqlite(corrupt), 3),
            (
                Error::SchemaTooNew {
                    path: "f".into(),
                    found: 99,
                    supported: 7,
                },
                4,
            ),
            (Error::Io(std::io::Error::other("x")), 5),
            (Error::Sqlite(busy), 6),
            (Error::Sqlite(ro), 7),
            (Error::Data("x".into()), 8),
        ];
        for (e, code) in cases {
            let text = e.to_string();
            assert_eq!(Failure::from(e).code, code, "{text}");
        }
        for code in 0..=8 {
            assert!(
                EXIT_CODES.contains(&format!("  {code}  ")),
                "{code} documented"
            );
        }
    }
}
