//! The guard around scripted SQL: SQLite's authorizer (deny by default), a progress handler
//! (wall-time limit and [`InterruptHandle`]), and SQLite's own limits, all switched on only
//! while user SQL is prepared or stepped.
//!
//! One [`Guard`] per connection, boxed so that SQLite can keep a pointer to it; it is
//! installed once when the [`Db`] is made (installing an authorizer expires every prepared
//! statement, so switching it per query would recompile the library's cached statements) and
//! is a no-op while `active` is false — the library's own statements, FTS5's internal ones
//! included, are never checked.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::ffi as sqlite;

use crate::error::{Error, Result};

/// Bounds for scripted SQL ([`crate::Db::query_json`] and the cursor), per [`crate::Db`];
/// set with [`crate::Db::set_query_limits`]. `QueryLimits::default()` gives the documented
/// defaults.
///
/// Exceeding `max_time` fails with an `SQLITE_INTERRUPT` error (C: `GOVREPORT_INTERRUPTED`)
/// whose message names the limit; exceeding a size limit fails with [`Error::TooBig`] (C:
/// `GOVREPORT_TOOBIG`) or, for the SQL text, columns and expression depth, with SQLite's own
/// error (`GOVREPORT_INVALID_ARGUMENT` / `GOVREPORT_ERROR`) — nothing above a limit is
/// allocated first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Wall time of one call (`query_json`, `cursor_open` or one `cursor_step`). Default 5 s.
    pub max_time: Duration,
    /// Bytes of JSON one `query_json` may produce. Default 32 MiB.
    pub max_result_bytes: usize,
    /// Bytes of one string or blob value (`SQLITE_LIMIT_LENGTH`) while user SQL runs.
    /// Default 16 MiB.
    pub max_value_bytes: i32,
    /// Bytes of the SQL text (`SQLITE_LIMIT_SQL_LENGTH`). Default 100,000.
    pub max_sql_bytes: i32,
    /// Result and table columns (`SQLITE_LIMIT_COLUMN`). Default 1,000.
    pub max_columns: i32,
    /// Depth of an expression tree (`SQLITE_LIMIT_EXPR_DEPTH`). Default 200.
    pub max_expr_depth: i32,
    /// SQLite's soft heap limit (`sqlite3_soft_heap_limit64`): above it SQLite frees cache
    /// memory before allocating more. Process-wide (the library's bundled SQLite is its own):
    /// the last value set on any `Db` wins. 0 means none. Default 256 MiB.
    pub soft_heap_bytes: i64,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_time: Duration::from_secs(5),
            max_result_bytes: 32 << 20,
            max_value_bytes: 16 << 20,
            max_sql_bytes: 100_000,
            max_columns: 1_000,
            max_expr_depth: 200,
            soft_heap_bytes: 256 << 20,
        }
    }
}

impl QueryLimits {
    /// Checks that every limit is usable (positive, within SQLite's compiled maxima).
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str, v: String| {
            Err(Error::InvalidArgument(format!(
                "query limit {what} = {v} is not usable; give a positive value"
            )))
        };
        if self.max_time.is_zero() {
            return bad("max_time", format!("{:?}", self.max_time));
        }
        if self.max_result_bytes == 0 {
            return bad("max_result_bytes", "0".into());
        }
        for (what, v) in [
            ("max_value_bytes", self.max_value_bytes),
            ("max_sql_bytes", self.max_sql_bytes),
            ("max_columns", self.max_columns),
            ("max_expr_depth", self.max_expr_depth),
        ] {
            if v <= 0 {
                return bad(what, v.to_string());
            }
        }
        if self.soft_heap_bytes < 0 {
            return bad("soft_heap_bytes", self.soft_heap_bytes.to_string());
        }
        Ok(())
    }

    fn sqlite_limits(&self) -> [(c_int, c_int); 4] {
        [
            (sqlite::SQLITE_LIMIT_LENGTH, self.max_value_bytes),
            (sqlite::SQLITE_LIMIT_SQL_LENGTH, self.max_sql_bytes),
            (sqlite::SQLITE_LIMIT_COLUMN, self.max_columns),
            (sqlite::SQLITE_LIMIT_EXPR_DEPTH, self.max_expr_depth),
        ]
    }
}

/// Stops the statement running on a [`crate::Db`] from any thread
/// ([`crate::Db::interrupt_handle`]). An interrupt affects only what runs at that moment —
/// a statement being stepped, or an open cursor (its next step fails) — and nothing started
/// after it.
#[derive(Debug, Clone)]
pub struct InterruptHandle {
    epoch: Arc<AtomicU64>,
}

impl InterruptHandle {
    /// Requests the interrupt; returns at once (the statement stops within about a thousand
    /// SQLite instructions and fails with `SQLITE_INTERRUPT`).
    pub fn interrupt(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }
}

/// Functions scripted SQL may call (lower case). See the module docs of [`crate::query`].
pub(crate) const FUNCTIONS: &[&str] = &[
    // the library's own (src/search.rs)
    crate::search::SEARCH_EXPR_FUNCTION,
    // core scalar
    "abs",
    "char",
    "coalesce",
    "concat",
    "concat_ws",
    "format",
    "glob",
    "hex",
    "ifnull",
    "if",
    "iif",
    "instr",
    "length",
    "like",
    "likelihood",
    "likely",
    "lower",
    "ltrim",
    "max",
    "min",
    "nullif",
    "octet_length",
    "printf",
    "quote",
    "random",
    "randomblob",
    "replace",
    "round",
    "rtrim",
    "sign",
    "soundex",
    "substr",
    "substring",
    "trim",
    "typeof",
    "unhex",
    "unicode",
    "unistr",
    "unistr_quote",
    "unlikely",
    "upper",
    "zeroblob",
    "sqlite_version",
    // aggregate
    "avg",
    "count",
    "group_concat",
    "string_agg",
    "sum",
    "total",
    // window
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
    "lag",
    "lead",
    "first_value",
    "last_value",
    "nth_value",
    // date and time
    "date",
    "time",
    "datetime",
    "julianday",
    "unixepoch",
    "strftime",
    "timediff",
    "current_date",
    "current_time",
    "current_timestamp",
    // JSON
    "json",
    "jsonb",
    "json_array",
    "jsonb_array",
    "json_array_length",
    "json_error_position",
    "json_extract",
    "jsonb_extract",
    "json_insert",
    "jsonb_insert",
    "json_object",
    "jsonb_object",
    "json_patch",
    "jsonb_patch",
    "json_pretty",
    "json_quote",
    "json_remove",
    "jsonb_remove",
    "json_replace",
    "jsonb_replace",
    "json_set",
    "jsonb_set",
    "json_type",
    "json_valid",
    "json_group_array",
    "jsonb_group_array",
    "json_group_object",
    "jsonb_group_object",
    // math
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "ceil",
    "ceiling",
    "cos",
    "cosh",
    "degrees",
    "exp",
    "floor",
    "ln",
    "log",
    "log10",
    "log2",
    "mod",
    "pi",
    "pow",
    "power",
    "radians",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
    // full-text search on the library's FTS5 table
    "match",
    "bm25",
    "highlight",
    "snippet",
];

/// Table-valued functions scripted SQL may read (besides the library's tables and views).
pub(crate) const TABLE_FUNCTIONS: &[&str] = &["json_each", "json_tree"];

/// Read-only `pragma_*` table-valued functions scripted SQL may read (schema introspection).
pub(crate) const PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "index_list",
    "index_info",
    "foreign_key_list",
    // FTS5 reads it (a nested statement) when a MATCH query starts.
    "data_version",
    // Read only: with an argument (`pragma_query_only(1)`) it would set the flag, refused.
    "query_only",
];

/// Tables of `main` every SQLite database has, readable as well (the schema's SQL text).
const SCHEMA_TABLES: &[&str] = &["sqlite_schema", "sqlite_master"];

/// The per-connection state the SQLite callbacks read (see the module docs).
#[derive(Debug)]
pub(crate) struct Guard {
    active: Cell<bool>,
    /// Why the authorizer last refused, for the error message.
    refusal: RefCell<Option<String>>,
    /// Lower-case names of the tables and views in `main`, and the schema cookie they are of.
    tables: RefCell<HashSet<String>>,
    tables_of: Cell<Option<i64>>,
    limits: Cell<QueryLimits>,
    deadline: Cell<Option<Instant>>,
    timed_out: Cell<bool>,
    epoch: Arc<AtomicU64>,
    /// The interrupt epoch of what runs now: a larger `epoch` means "stop it".
    seen: Cell<u64>,
    /// The `seen` a user step set itself (the trace callback must not override it).
    user_step: Cell<bool>,
}

impl Guard {
    /// Makes the guard and installs its callbacks on `conn`. The caller keeps the box alive
    /// (and at the same address) until `conn` is closed.
    pub(crate) fn install(conn: &Connection) -> Result<Box<Guard>> {
        let guard = Box::new(Guard {
            active: Cell::new(false),
            refusal: RefCell::new(None),
            tables: RefCell::new(HashSet::new()),
            tables_of: Cell::new(None),
            limits: Cell::new(QueryLimits::default()),
            deadline: Cell::new(None),
            timed_out: Cell::new(false),
            epoch: Arc::new(AtomicU64::new(0)),
            seen: Cell::new(0),
            user_step: Cell::new(false),
        });
        let ctx = (&*guard as *const Guard).cast_mut().cast::<c_void>();
        // SAFETY: the connection is open and used by this thread only; `ctx` points at the
        // boxed guard, which the caller keeps alive until the connection closes (Db drops its
        // guard after its connection). The callbacks only read the guard through `&Guard`.
        unsafe {
            let db = conn.handle();
            sqlite::sqlite3_set_authorizer(db, Some(authorize), ctx);
            sqlite::sqlite3_progress_handler(db, PROGRESS_OPS, Some(progress), ctx);
            sqlite::sqlite3_trace_v2(db, sqlite::SQLITE_TRACE_STMT as c_uint, Some(trace), ctx);
        }
        apply_soft_heap(guard.limits.get().soft_heap_bytes);
        Ok(guard)
    }

    pub(crate) fn limits(&self) -> QueryLimits {
        self.limits.get()
    }

    pub(crate) fn set_limits(&self, limits: QueryLimits) -> Result<()> {
        limits.validate()?;
        self.limits.set(limits);
        apply_soft_heap(limits.soft_heap_bytes);
        Ok(())
    }

    pub(crate) fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            epoch: Arc::clone(&self.epoch),
        }
    }

    /// The current interrupt epoch (a cursor remembers the one it was opened in).
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Reloads the names of the library's tables and views when the schema changed.
    fn refresh_tables(&self, conn: &Connection) -> Result<()> {
        let cookie: i64 = conn
            .prepare_cached("PRAGMA schema_version")?
            .query_row([], |r| r.get(0))?;
        if self.tables_of.get() == Some(cookie) {
            return Ok(());
        }
        let mut st = conn.prepare_cached(
            "SELECT lower(name) FROM sqlite_schema WHERE type IN ('table', 'view')",
        )?;
        let names = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<HashSet<_>>>()?;
        *self.tables.borrow_mut() = names;
        self.tables_of.set(Some(cookie));
        Ok(())
    }

    /// Switches the guard on for one prepare or step of user SQL, with the interrupt epoch
    /// `epoch` (the cursor's, or now), until the returned value is dropped. `preparing`
    /// reloads the table names first if the schema changed.
    pub(crate) fn enter<'g>(
        &'g self,
        conn: &'g Connection,
        epoch: Option<u64>,
        preparing: bool,
    ) -> Result<Active<'g>> {
        if preparing {
            self.refresh_tables(conn)?;
        }
        let limits = self.limits.get();
        // SAFETY: the connection is open; sqlite3_limit only sets a value of it.
        let saved = limits
            .sqlite_limits()
            .map(|(id, v)| (id, unsafe { sqlite::sqlite3_limit(conn.handle(), id, v) }));
        self.refusal.borrow_mut().take();
        self.timed_out.set(false);
        self.deadline
            .set(Instant::now().checked_add(limits.max_time));
        self.seen.set(epoch.unwrap_or_else(|| self.epoch()));
        self.user_step.set(true);
        self.active.set(true);
        Ok(Active {
            guard: self,
            conn,
            saved,
        })
    }

    /// Whether the authorizer refused something since [`Guard::enter`] (and forgets it).
    pub(crate) fn take_refusal(&self) -> bool {
        self.refusal.borrow_mut().take().is_some()
    }

    /// Whether the epoch moved past `epoch` (an interrupt was requested since).
    pub(crate) fn interrupted_since(&self, epoch: u64) -> bool {
        self.epoch() != epoch
    }

    /// Turns a failure of user SQL into the error that names its cause: the authorizer's
    /// refusal, the time limit, or a size limit.
    pub(crate) fn explain(&self, e: Error) -> Error {
        if let Some(why) = self.refusal.borrow_mut().take() {
            return super::refused(&why);
        }
        let code = match &e {
            Error::Sqlite(s) => s.sqlite_error().map(|s| s.extended_code & 0xff),
            _ => None,
        };
        let limits = self.limits.get();
        match code {
            Some(sqlite::SQLITE_INTERRUPT) if self.timed_out.get() => {
                Error::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(sqlite::SQLITE_INTERRUPT),
                    Some(format!(
                        "scripted SQL stopped: it ran longer than the time limit of {} ms \
                         (QueryLimits::max_time, \"max_time_ms\" in govreport_set_limits); \
                         narrow the query or raise the limit",
                        limits.max_time.as_millis()
                    )),
                ))
            }
            Some(sqlite::SQLITE_TOOBIG) => Error::TooBig(format!(
                "a string or blob value is larger than the limit of {} bytes \
                 (QueryLimits::max_value_bytes, \"max_value_bytes\"); select less",
                limits.max_value_bytes
            )),
            _ => e,
        }
    }
}

/// [`Guard::enter`]'s scope: restores SQLite's limits and switches the guard off on drop.
pub(crate) struct Active<'g> {
    guard: &'g Guard,
    conn: &'g Connection,
    saved: [(c_int, c_int); 4],
}

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.guard.active.set(false);
        self.guard.user_step.set(false);
        self.guard.deadline.set(None);
        for (id, v) in self.saved {
            // SAFETY: the connection is open; this restores the value read in `enter`.
            unsafe {
                sqlite::sqlite3_limit(self.conn.handle(), id, v);
            }
        }
    }
}

/// How many SQLite VM instructions run between two calls of the progress handler: often
/// enough to stop within a millisecond, rare enough to cost nothing measurable.
const PROGRESS_OPS: c_int = 1000;

fn apply_soft_heap(bytes: i64) {
    // SAFETY: sqlite3_soft_heap_limit64 only sets a process-wide value.
    unsafe {
        sqlite::sqlite3_soft_heap_limit64(bytes);
    }
}

/// # Safety
/// `ctx` is the `Guard` installed with the callback, alive while its connection is open.
unsafe fn guard<'a>(ctx: *mut c_void) -> &'a Guard {
    // SAFETY: by this function's contract.
    unsafe { &*ctx.cast::<Guard>() }
}

fn text<'a>(p: *const c_char) -> &'a str {
    if p.is_null() {
        ""
    } else {
        // SAFETY: SQLite passes NUL-terminated strings valid for the callback's duration.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }
}

/// The authorizer: while the guard is active, allows only reads of the library's tables and
/// views (and the listed table-valued functions), `SELECT`, recursive CTEs and the listed
/// functions; refuses everything else and remembers why.
unsafe extern "C" fn authorize(
    ctx: *mut c_void,
    action: c_int,
    a1: *const c_char,
    a2: *const c_char,
    db_name: *const c_char,
    _trigger: *const c_char,
) -> c_int {
    // SAFETY: SQLite passes back the context installed with the callback.
    let g = unsafe { guard(ctx) };
    if !g.active.get() {
        return sqlite::SQLITE_OK;
    }
    let (a1, a2, db_name) = (text(a1), text(a2), text(db_name));
    let refusal = match action {
        sqlite::SQLITE_SELECT | sqlite::SQLITE_RECURSIVE => None,
        sqlite::SQLITE_READ => {
            let table = a1.to_ascii_lowercase();
            // No database name: SQLite reports a FROM item none of whose columns is read (a
            // table, a CTE, a subquery); nothing is read from it. Every column read names
            // its database.
            let ours = db_name.is_empty()
                || (db_name == "main"
                    && (g.tables.borrow().contains(&table)
                        || SCHEMA_TABLES.contains(&table.as_str())));
            let listed = TABLE_FUNCTIONS.contains(&table.as_str())
                || table
                    .strip_prefix("pragma_")
                    .is_some_and(|p| PRAGMAS.contains(&p));
            if ours || listed {
                None
            } else {
                Some(format!(
                    "refused reading {a1:?} (not a table of the report database)"
                ))
            }
        }
        sqlite::SQLITE_FUNCTION => {
            if FUNCTIONS.contains(&a2.to_ascii_lowercase().as_str()) {
                None
            } else {
                Some(format!(
                    "refused the function {a2}() (not on the allowlist)"
                ))
            }
        }
        // The pragma table-valued functions run their pragma through a nested prepare.
        sqlite::SQLITE_PRAGMA
            if PRAGMAS.contains(&a1.to_ascii_lowercase().as_str())
                && (a2.is_empty() || !a1.eq_ignore_ascii_case("query_only")) =>
        {
            None
        }
        sqlite::SQLITE_PRAGMA => Some(format!("refused PRAGMA {a1} (pragma_{a1})")),
        sqlite::SQLITE_ATTACH => Some("refused ATTACH".into()),
        sqlite::SQLITE_INSERT | sqlite::SQLITE_UPDATE | sqlite::SQLITE_DELETE => {
            Some(format!("refused a write to {a1:?}"))
        }
        sqlite::SQLITE_TRANSACTION | sqlite::SQLITE_SAVEPOINT => {
            Some("refused transaction control".into())
        }
        other => Some(format!("refused SQLite action {other} on {a1:?}")),
    };
    match refusal {
        None => sqlite::SQLITE_OK,
        Some(why) => {
            let mut slot = g.refusal.borrow_mut();
            if slot.is_none() {
                *slot = Some(why);
            }
            sqlite::SQLITE_DENY
        }
    }
}

/// The progress handler: stops the running statement when an interrupt was requested after
/// it started, or when user SQL passed its deadline.
unsafe extern "C" fn progress(ctx: *mut c_void) -> c_int {
    // SAFETY: SQLite passes back the context installed with the callback.
    let g = unsafe { guard(ctx) };
    if g.epoch.load(Ordering::Relaxed) != g.seen.get() {
        return 1;
    }
    if g.active.get() && g.deadline.get().is_some_and(|d| Instant::now() >= d) {
        g.timed_out.set(true);
        return 1;
    }
    0
}

/// The statement trace: a statement that starts outside user SQL is not affected by
/// interrupts requested before it started.
unsafe extern "C" fn trace(
    _mask: c_uint,
    ctx: *mut c_void,
    _p: *mut c_void,
    _x: *mut c_void,
) -> c_int {
    // SAFETY: SQLite passes back the context installed with the callback.
    let g = unsafe { guard(ctx) };
    if !g.user_step.get() {
        g.seen.set(g.epoch.load(Ordering::SeqCst));
    }
    0
}
