//! Read-only scripted SQL: one `SELECT` with bound parameters, rows out as JSON.
//!
//! [`Db::query_json`] is the way to run SQL that comes from a user or a script. It accepts
//! exactly one statement that SQLite itself classifies as read-only and that is a query
//! (`SELECT …`, `WITH … SELECT …` or `VALUES …`); everything else — `INSERT`, `UPDATE`,
//! `DELETE`, DDL, `ATTACH`, `PRAGMA`, transaction control, several statements in one string —
//! is refused before anything runs. The statement then runs inside a savepoint that is always
//! rolled back (a read transaction: nothing is written, no write lock is taken).
//!
//! # What scripted SQL may do: the authorizer
//!
//! While user SQL is prepared and stepped (never while the library runs its own statements,
//! FTS5's internal ones included), SQLite's authorizer denies by default. Allowed:
//!
//! - reading the library's tables and views (those in `sqlite_schema` of `main`, the FTS5
//!   `search_index` and its shadow tables included) and `sqlite_schema` itself;
//! - `SELECT`, CTEs (`WITH`, `WITH RECURSIVE`), subqueries, joins, window clauses;
//! - the table-valued functions `json_each` and `json_tree`;
//! - the read-only `pragma_*` table-valued functions `pragma_table_info`,
//!   `pragma_table_xinfo`, `pragma_index_list`, `pragma_index_info`,
//!   `pragma_foreign_key_list`, `pragma_data_version` and `pragma_query_only` (without an
//!   argument) — nothing else: `pragma_optimize`, `pragma_journal_mode`, `pragma_user_version`
//!   … are refused;
//! - the functions listed below (case-insensitive):
//!   - core scalar: `abs char coalesce concat concat_ws format glob hex ifnull if iif instr
//!     length like likelihood likely lower ltrim max min nullif octet_length printf quote
//!     random randomblob replace round rtrim sign soundex substr substring trim typeof unhex
//!     unicode unistr unistr_quote unlikely upper zeroblob sqlite_version`;
//!   - aggregate: `avg count group_concat string_agg sum total` (and `min`/`max`);
//!   - window: `row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value
//!     last_value nth_value`;
//!   - date and time: `date time datetime julianday unixepoch strftime timediff current_date
//!     current_time current_timestamp`;
//!   - JSON: `json jsonb json_array jsonb_array json_array_length json_error_position
//!     json_extract jsonb_extract json_insert jsonb_insert json_object jsonb_object json_patch
//!     jsonb_patch json_pretty json_quote json_remove jsonb_remove json_replace jsonb_replace
//!     json_set jsonb_set json_type json_valid json_group_array jsonb_group_array
//!     json_group_object jsonb_group_object`;
//!   - math: `acos acosh asin asinh atan atan2 atanh ceil ceiling cos cosh degrees exp floor
//!     ln log log10 log2 mod pi pow power radians sin sinh sqrt tan tanh trunc` (allowed, but
//!     the bundled SQLite is built without them: today they are "no such function");
//!   - full-text search: `match bm25 highlight snippet` on `search_index`, and the library's
//!     `govreport_search_expr(query)` ([`crate::search::SEARCH_EXPR_FUNCTION`]), which turns a
//!     query into the MATCH expression of the bigram index;
//!
//! Everything else is refused with `SQLITE_READONLY` (C: `GOVREPORT_READONLY`) and a message
//! naming it, at prepare — before the statement runs: `fts3_tokenizer` (every form),
//! `fts5()`, `load_extension`, `sqlite_compileoption_*`, any other function, any virtual table
//! not listed (`fts3tokenize`, `dbstat` …), writes (RETURNING included), `ATTACH`, transaction
//! control. A `pragma_*` function reached without naming a column is refused when its pragma
//! is prepared, at the first step, before it runs. SQLite is bundled with FTS3/FTS4 compiled
//! in (rusqlite's build enables them; `LIBSQLITE3_FLAGS=-USQLITE_ENABLE_FTS3` would remove
//! them but is a process-environment setting every build, the C one included, would have to
//! carry), so they stay, unreachable from scripted SQL.
//!
//! # Bounds
//!
//! [`Db::set_query_limits`] sets a [`QueryLimits`]: wall time per call (default 5 s; then
//! `SQLITE_INTERRUPT`, C `GOVREPORT_INTERRUPTED`, the message names the limit), bytes of JSON
//! (32 MiB) and of one value (16 MiB; `SELECT zeroblob(1000000000)` fails at once) as
//! [`Error::TooBig`] (C `GOVREPORT_TOOBIG`), SQLite's SQL length, column and expression-depth
//! limits (applied only while user SQL is prepared and run; the library's own statements keep
//! SQLite's defaults), and SQLite's soft heap limit (process-wide).
//!
//! # Interrupts and open cursors
//!
//! [`Db::interrupt_handle`] stops what runs at that moment: a statement being stepped, and
//! every open cursor (its next step fails with `SQLITE_INTERRUPT`). Nothing started after the
//! interrupt is affected, whether cursors are open or not. A write beside an open cursor works
//! while no other connection wrote since the cursor's first step; after such a write it fails
//! with `SQLITE_BUSY_SNAPSHOT` (C: `GOVREPORT_BUSY`, message "free the cursor before writing
//! on the same handle"), since the cursor holds the older snapshot: free the cursor, then retry.
//!
//! ```
//! let db = govreport::Db::open_default()?;
//! let json = db.query_json(
//!     "SELECT id, metric FROM figure WHERE kind = 'target' AND id = ?1",
//!     Some("[1]"),
//! )?;
//! assert!(json.starts_with(r#"[{"id":1,"metric":""#));
//!
//! let refused = db.query_json("DELETE FROM figure", None).unwrap_err();
//! assert!(refused.to_string().contains("read-only"));
//! # Ok::<(), govreport::Error>(())
//! ```
//!
//! # The JSON shape
//!
//! An array with one object per row, keys the result column names in order (use `AS` to name
//! computed columns; two columns with the same name give an object with a repeated key).
//! `INTEGER` → JSON integer, `REAL` → JSON number (`null` when not finite), `TEXT` → string
//! (invalid UTF-8 replaced by U+FFFD), `BLOB` → string of lowercase hex digits, `NULL` → `null`.
//!
//! # Parameters
//!
//! `params_json` is `None` (or JSON `null`) for a statement without parameters, a JSON array
//! for positional parameters (`?`, `?1` …; the array must have one value per parameter) or a
//! JSON object for named ones (`:name`, `@name`, `$name`; keys may be written with or without
//! the prefix). Values may be `null`, booleans (bound as 0/1), integers that fit in an `i64`,
//! numbers with a fraction or an exponent (bound as REAL) and strings; arrays and objects are
//! refused, and so is an integer literal outside `i64` (`18446744073709551616`, never bound as
//! a REAL that would silently change it): pass it as a string or write it as `1.8e19`.
//!
//! # One engine, two forms
//!
//! [`Db::query_json`] (one JSON string) and the cursor ([`Db::cursor_open`], stepped row by row
//! with [`Db::cursor_step`] and read with the `cursor_column_*` getters) share one statement
//! engine (`raw.rs`, the only place with raw SQLite calls). The C ABI uses both as they are:
//! it converts arguments and results and makes no SQLite call of its own.
//!
//! User SQL never enters rusqlite's `prepare_cached` cache, where the library's own statements
//! live: the `Db` keeps a separate cache of the last 16 validated queries (rebound on reuse,
//! never cleared, so SQLite does not recompile them) and the statements of open cursors.
//!
//! Cursor design: the `Db` owns every open cursor's statement; a cursor is a [`CursorId`], so
//! it borrows nothing and can be held across calls (the C ABI keeps it beside the shared handle
//! and reaches the statement only through the locked `Db`). Statements are finalized by
//! [`Db::cursor_close`], or when the `Db` is dropped, always before its connection closes.

use std::io::Write as _;

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, Statement};

use crate::db::Db;
use crate::error::{Error, Result};

mod guard;
mod raw;

pub(crate) use guard::Guard;
pub use guard::{InterruptHandle, QueryLimits};
pub(crate) use raw::Scripted;
pub use raw::{ColumnType, CursorId};

/// Parsed query parameters (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    /// No parameters.
    None,
    /// Positional parameters: the first value binds `?1`.
    Positional(Vec<Value>),
    /// Named parameters, keys as written in the JSON object.
    Named(Vec<(String, Value)>),
}

impl Params {
    /// Parses `params_json`: `None`/`null`, a JSON array or a JSON object.
    pub fn from_json(params_json: Option<&str>) -> Result<Params> {
        let Some(text) = params_json else {
            return Ok(Params::None);
        };
        let parsed: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::InvalidArgument(format!("params_json is not valid JSON: {e}")))?;
        check_integer_literals(text)?;
        match parsed {
            serde_json::Value::Null => Ok(Params::None),
            serde_json::Value::Array(items) => Ok(Params::Positional(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| json_to_value(v, &format!("parameter {}", i + 1)))
                    .collect::<Result<_>>()?,
            )),
            serde_json::Value::Object(map) => Ok(Params::Named(
                map.into_iter()
                    .map(|(k, v)| {
                        let value = json_to_value(v, &format!("parameter {k:?}"))?;
                        Ok((k, value))
                    })
                    .collect::<Result<_>>()?,
            )),
            other => Err(Error::InvalidArgument(format!(
                "params_json must be a JSON array, object or null, not {}",
                json_kind(&other)
            ))),
        }
    }

    /// Which value binds which 1-based parameter index, given the statement's parameter
    /// count and a lookup from a parameter name (with its prefix) to its index. Every
    /// parameter of the statement must get exactly one value.
    pub fn bind_plan(
        &self,
        parameter_count: usize,
        index_of: impl Fn(&str) -> Option<usize>,
    ) -> Result<Vec<(usize, &Value)>> {
        match self {
            Params::None if parameter_count == 0 => Ok(Vec::new()),
            Params::None => Err(Error::InvalidArgument(format!(
                "the statement has {parameter_count} parameter(s) and params_json gives none"
            ))),
            Params::Positional(values) => {
                if values.len() != parameter_count {
                    return Err(Error::InvalidArgument(format!(
                        "the statement has {parameter_count} parameter(s) and params_json gives {}",
                        values.len()
                    )));
                }
                Ok(values.iter().enumerate().map(|(i, v)| (i + 1, v)).collect())
            }
            Params::Named(pairs) => {
                let mut plan = Vec::with_capacity(pairs.len());
                let mut bound = vec![false; parameter_count + 1];
                for (key, value) in pairs {
                    let index = if key.starts_with([':', '@', '$']) {
                        index_of(key)
                    } else {
                        [":", "@", "$"]
                            .iter()
                            .find_map(|prefix| index_of(&format!("{prefix}{key}")))
                    }
                    .ok_or_else(|| {
                        Error::InvalidArgument(format!(
                            "the statement has no parameter named {key:?}"
                        ))
                    })?;
                    if index == 0 || index > parameter_count || bound[index] {
                        return Err(Error::InvalidArgument(format!(
                            "parameter {key:?} is given twice"
                        )));
                    }
                    bound[index] = true;
                    plan.push((index, value));
                }
                if let Some(missing) = (1..=parameter_count).find(|&i| !bound[i]) {
                    return Err(Error::InvalidArgument(format!(
                        "params_json gives no value for parameter {missing}"
                    )));
                }
                Ok(plan)
            }
        }
    }
}

/// Refuses integer literals (no fraction, no exponent) outside `i64`: serde_json would read
/// them as doubles, and binding 2^64 as REAL would silently change the value.
fn check_integer_literals(json: &str) -> Result<()> {
    let bytes = json.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
        } else if b == b'"' {
            in_string = true;
            i += 1;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            {
                i += 1;
            }
            let literal = &json[start..i];
            if !literal.contains(['.', 'e', 'E']) && literal.parse::<i64>().is_err() {
                return Err(Error::InvalidArgument(format!(
                    "params_json: the integer {literal} is out of the range of a 64-bit signed \
                     integer ({}..={}); pass it as a string, or as a REAL with a fraction or exponent",
                    i64::MIN,
                    i64::MAX
                )));
            }
        } else {
            i += 1;
        }
    }
    Ok(())
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn json_to_value(v: serde_json::Value, what: &str) -> Result<Value> {
    Ok(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(b)),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Integer(i)
            } else if n.is_u64() {
                return Err(Error::InvalidArgument(format!(
                    "{what}: {n} is out of the range of a 64-bit signed integer"
                )));
            } else {
                Value::Real(n.as_f64().ok_or_else(|| {
                    Error::InvalidArgument(format!("{what}: {n} is not a usable number"))
                })?)
            }
        }
        serde_json::Value::String(s) => Value::Text(s),
        other => {
            return Err(Error::InvalidArgument(format!(
                "{what}: {} cannot be bound (use null, a boolean, a number or a string)",
                json_kind(&other)
            )));
        }
    })
}

/// An error with SQLite's `SQLITE_READONLY` code and a message saying why the SQL was refused.
fn refused(why: &str) -> Error {
    Error::Sqlite(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
        Some(format!(
            "scripted SQL is read-only: only one SELECT statement (SELECT, WITH … SELECT or \
             VALUES) may run; {why}"
        )),
    ))
}

/// The first keyword of `sql`, after whitespace, comments and opening parentheses.
fn first_keyword(sql: &str) -> &str {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(after) = trimmed.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = trimmed.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            let end = trimmed
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(trimmed.len());
            return &trimmed[..end];
        }
    }
}

/// Refuses, before SQLite sees it, SQL that does not open with `SELECT`, `WITH` or `VALUES`.
pub fn check_query_keyword(sql: &str) -> Result<()> {
    let keyword = first_keyword(sql);
    if ["SELECT", "WITH", "VALUES"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(keyword))
    {
        Ok(())
    } else if keyword.is_empty() {
        Err(Error::InvalidArgument(
            "the SQL holds no statement".to_string(),
        ))
    } else {
        Err(refused(&format!(
            "refused a statement that starts with {keyword:?}"
        )))
    }
}

/// Runs the query inside a savepoint that is always rolled back, so that even a statement
/// that slipped past the checks could not leave a change behind.
///
/// (`PRAGMA query_only` was measured as the alternative: it is a flag pragma, and setting it
/// expires every prepared statement of the connection, so each query — and the next use of
/// every cached statement — paid a recompilation: ~40 µs per point query instead of ~5 µs.)
pub struct RolledBack<'c> {
    conn: &'c Connection,
}

impl<'c> RolledBack<'c> {
    /// Opens the savepoint; dropping the value rolls it back and releases it.
    pub fn begin(conn: &'c Connection) -> Result<RolledBack<'c>> {
        conn.prepare_cached("SAVEPOINT govreport_query_json")?
            .execute([])?;
        Ok(RolledBack { conn })
    }
}

impl Drop for RolledBack<'_> {
    fn drop(&mut self) {
        // Best effort: these only fail when the connection is unusable anyway.
        for sql in [
            "ROLLBACK TO govreport_query_json",
            "RELEASE govreport_query_json",
        ] {
            let _ = self
                .conn
                .prepare_cached(sql)
                .and_then(|mut s| s.execute([]));
        }
    }
}

/// Appends the JSON text of `s` (quoted, escaped) to `out`.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail and a &str always serializes.
    serde_json::to_writer(&mut *out, s).expect("writing JSON to a Vec cannot fail");
}

/// Appends one SQLite value as JSON (see the [module docs](self) for the mapping).
pub fn write_json_value(out: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => out.extend_from_slice(b"null"),
        ValueRef::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        ValueRef::Real(f) if f.is_finite() => {
            serde_json::to_writer(&mut *out, &f).expect("writing JSON to a Vec cannot fail");
        }
        ValueRef::Real(_) => out.extend_from_slice(b"null"),
        ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
            Ok(s) => write_json_str(out, s),
            Err(_) => write_json_str(out, &String::from_utf8_lossy(bytes)),
        },
        ValueRef::Blob(bytes) => {
            out.push(b'"');
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
            out.push(b'"');
        }
    }
}

/// The `"name":` prefix of every column, written once per query.
pub fn column_keys(stmt: &Statement<'_>) -> Vec<Vec<u8>> {
    stmt.column_names()
        .map(|name| {
            let mut key = Vec::with_capacity(name.len() + 3);
            write_json_str(&mut key, name);
            key.push(b':');
            key
        })
        .collect()
}

impl Db {
    /// Sets the bounds of scripted SQL on this `Db` (see [`QueryLimits`]; the soft heap limit
    /// is process-wide). Invalid values are refused and the old limits kept.
    pub fn set_query_limits(&self, limits: QueryLimits) -> Result<()> {
        self.guard().set_limits(limits)
    }

    /// The bounds of scripted SQL now in force.
    pub fn query_limits(&self) -> QueryLimits {
        self.guard().limits()
    }

    /// A handle that interrupts, from any thread, what runs on this `Db` at that moment (a
    /// statement being stepped, or an open cursor) and nothing started after.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.guard().interrupt_handle()
    }

    /// Runs one read-only query with bound parameters and returns its rows as a JSON array
    /// of objects (see the [module docs](crate::query) for what is refused, the parameter
    /// forms and the JSON shape).
    ///
    /// Refused SQL fails with an [`Error::Sqlite`] whose code is `SQLITE_READONLY` (a write,
    /// DDL, `ATTACH`, `PRAGMA`, a function or table the authorizer does not allow …) or with
    /// [`Error::InvalidArgument`] (several statements, none, bad parameters); nothing has run
    /// then. A result above [`QueryLimits`] fails with [`Error::TooBig`], a query running past
    /// the time limit with `SQLITE_INTERRUPT`.
    pub fn query_json(&self, sql: &str, params_json: Option<&str>) -> Result<String> {
        let params = Params::from_json(params_json)?;
        let mut out = Vec::with_capacity(256);
        self.query_json_into(sql, &params, &mut out)?;
        String::from_utf8(out)
            .map_err(|e| Error::Data(format!("query_json produced invalid UTF-8: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Db {
        Db::open_default().unwrap()
    }

    fn code(e: &Error) -> Option<rusqlite::ErrorCode> {
        match e {
            Error::Sqlite(s) => s.sqlite_error_code(),
            _ => None,
        }
    }

    #[test]
    fn selects_with_positional_and_named_parameters() {
        let db = db();
        let a = db
            .query_json(
                "SELECT 1 AS one, 'x\"y' AS s, NULL AS n, 2.5 AS f, x'0aff' AS b",
                None,
            )
            .unwrap();
        assert_eq!(a, r#"[{"one":1,"s":"x\"y","n":null,"f":2.5,"b":"0aff"}]"#);
        let b = db
            .query_json("SELECT ?1 + ?2 AS s", Some("[40, 2]"))
            .unwrap();
        assert_eq!(b, r#"[{"s":42}]"#);
        let c = db
            .query_json("SELECT :a || @b AS s", Some(r#"{"a":"x",":b":"y"}"#))
            .unwrap_err();
        assert!(matches!(c, Error::InvalidArgument(_)), "{c}");
        let d = db
            .query_json("SELECT :a || :b AS s", Some(r#"{"a":"x",":b":"y"}"#))
            .unwrap();
        assert_eq!(d, r#"[{"s":"xy"}]"#);
        let e = db
            .query_json("WITH t(x) AS (VALUES (1),(2)) SELECT x FROM t", None)
            .unwrap();
        assert_eq!(e, r#"[{"x":1},{"x":2}]"#);
        assert_eq!(db.query_json("SELECT 1 AS x WHERE 0", None).unwrap(), "[]");
    }

    #[test]
    fn refuses_everything_that_writes() {
        let db = db();
        for sql in [
            "DELETE FROM figure",
            "  /* hi */ -- x\n INSERT INTO report(id) VALUES (9)",
            "UPDATE figure SET value = 0",
            "DROP TABLE figure",
            "CREATE TABLE t(x)",
            "ATTACH ':memory:' AS x",
            "PRAGMA query_only = 0",
            "PRAGMA user_version = 9",
            "BEGIN",
            "WITH x AS (SELECT 1) DELETE FROM figure",
            "WITH x AS (SELECT 1) INSERT INTO report(id) SELECT 1",
            "VACUUM",
            "REINDEX",
            "ANALYZE",
        ] {
            let err = db.query_json(sql, None).unwrap_err();
            assert_eq!(
                code(&err),
                Some(rusqlite::ErrorCode::ReadOnly),
                "{sql}: {err}"
            );
        }
        for sql in [
            "SELECT 1\0; DELETE FROM figure",
            "SELECT 1; DELETE FROM figure",
            "SELECT 1; SELECT 2",
            "",
            "  -- only a comment",
        ] {
            let err = db.query_json(sql, None).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{sql}: {err}");
        }
        let n: i64 = db
            .connection()
            .query_row("SELECT count(*) FROM figure", [], |r| r.get(0))
            .unwrap();
        assert!(n > 0);
        // No transaction is left open.
        assert!(db.connection().is_autocommit());
    }

    #[test]
    fn parameter_errors() {
        let db = db();
        for (sql, p) in [
            ("SELECT ?1", None),
            ("SELECT ?1", Some("[1, 2]")),
            ("SELECT ?1", Some("[[1]]")),
            ("SELECT ?1", Some("[18446744073709551615]")),
            ("SELECT ?1", Some("{not json")),
            ("SELECT ?1", Some("7")),
            ("SELECT :a", Some(r#"{"b":1}"#)),
        ] {
            let err = db.query_json(sql, p).unwrap_err();
            assert!(
                matches!(err, Error::InvalidArgument(_)),
                "{sql} {p:?}: {err}"
            );
        }
    }
}
