//! The search index from SQL: the function that turns a query into the index's MATCH
//! expression, registered on every connection the library opens.

use rusqlite::Connection;

#[cfg(doc)]
use super::fts_expression;
use super::{expression_for, query_terms};
#[cfg(doc)]
use crate::db::Db;
use crate::error::Result;

/// The name of the SQL function every [`Db`] registers on its connection:
/// `govreport_search_expr(query)` is [`fts_expression`] of `query` (NULL when the query gives
/// no index condition), so SQL run through the library — [`Db::query_json`], `govreport query`,
/// the C and Python `query` functions — can search the index:
///
/// ```sql
/// SELECT d.kind, d.id, d.text FROM search_index s JOIN search_document d ON d.key = s.rowid
/// WHERE search_index MATCH govreport_search_expr('乡村振兴')
/// ```
///
/// Other SQLite tools do not have the function; they write the expression it returns
/// themselves (README.md, "Other tools"). A query above the limits of [`fts_expression`] is
/// an SQL error with its message.
pub const SEARCH_EXPR_FUNCTION: &str = "govreport_search_expr";

/// Registers [`SEARCH_EXPR_FUNCTION`] on `conn` (deterministic, one text argument).
pub(crate) fn register_sql_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        SEARCH_EXPR_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let query: Option<String> = ctx.get(0)?;
            let Some(query) = query else {
                return Ok(None);
            };
            let terms = query_terms(&query)
                .map_err(|e| rusqlite::Error::UserFunctionError(e.to_string().into()))?;
            Ok(expression_for(&terms))
        },
    )?;
    Ok(())
}
