//! Full-text search over the report's records: paragraphs, targets, results, projects,
//! places and glossary terms.
//!
//! ```
//! use govreport::{Db, SearchOptions};
//!
//! let db = Db::open_default()?;
//! let hits = db.search("储能", &SearchOptions::default())?;
//! assert!(hits.iter().any(|h| h.kind == "paragraph" && h.snippet.contains("【储能】")));
//! // Several terms separated by spaces must all occur (AND).
//! let both = db.search("储能 氢能", &SearchOptions::default())?;
//! assert!(!both.is_empty() && both.len() < hits.len());
//! # Ok::<(), govreport::Error>(())
//! ```
//!
//! # What is searched
//!
//! Every record is one *search document*, `(kind, id, text)`, whose text is what a user sees:
//!
//! | kind | id | text |
//! |---|---|---|
//! | `paragraph` | `paragraph.id` | the paragraph's normalized text |
//! | `target`, `result` | `figure.id` | `metric`, a space, `quote` |
//! | `project` | `project.id` | `name`, a space, `quote` |
//! | `place` | `place.id` | `name`, a space, `quote` |
//! | `glossary` | `glossary_term.id` (the export's `id`; equal to the entry number `n` in the first report) | `term`, a space, `definition` |
//!
//! # What matches
//!
//! The query is split on whitespace into terms; a document matches when **every** term is a
//! substring of its text, ASCII letters compared case-insensitively (the semantics of SQLite's
//! `LIKE '%term%'`, ANDed). Nothing in the query is syntax: `"`, `*`, `OR`, `NEAR(`, `-`, `:`
//! are characters to look for. A query with no term (empty, only whitespace) has no hits (so a
//! search box can search as the user types). A query longer than [`MAX_QUERY_BYTES`] (4 KiB)
//! or with more than [`MAX_QUERY_TERMS`] (64) distinct terms is rejected with
//! [`Error::InvalidArgument`] (the message names the limit); repeated terms count once. The
//! hits are exactly those of a substring scan: the index only
//! chooses candidates, and every candidate is rechecked against its original text.
//!
//! # The index
//!
//! `search_index` is a contentless FTS5 table (it stores postings, no text) whose rowid is
//! `kind code << 40 | record id` (paragraphs have code 0, so their rowid is their id and the
//! postings stay compact). The library pre-splits each text before FTS5 sees it
//! ([`index_tokens`]): the text is cut into *runs* of letters and digits (any script; ASCII
//! lowercased; everything else — punctuation, spaces, symbols — ends a run), and each run of
//! `n ≥ 2` characters yields its `n - 1` overlapping bigrams: `抢滩占先` → `抢滩 滩占 占先`,
//! `5G基站` → `5g g基 基站`; a run of one character yields that character. FTS5's `ascii`
//! tokenizer keeps those tokens whole. That is one posting per pair of characters, which keeps
//! the index smaller than the text (`BENCHMARKS.md`); the price is that a character at the end
//! of a longer run starts no token, so one-character queries are not served by the index.
//!
//! A query term is cut into runs the same way, and each run becomes one FTS5 expression,
//! double-quoted so no user text is ever parsed as FTS5 syntax:
//!
//! * **1 character** (`储`): answered by a scan of the records (exact; cheap on a report,
//!   linear in the corpus size). In a query with longer terms too (`储 储能`), the longer terms
//!   choose the candidates from the index and the recheck applies the one-character term.
//! * **2 characters** (`储能`): the single bigram token `"储能"`.
//! * **3 or more** (`二里头`, `老旧小区`): the phrase of its bigrams, `"二里 里头"`, which
//!   FTS5 matches only at consecutive positions — that is, only where the characters are
//!   contiguous in one run.
//! * **Latin letters and digits** are run characters like any other: `G310` → `"g3 31 10"`,
//!   `5G` → `"5g"`. A term with punctuation inside has several runs: `PM2.5` becomes
//!   `"pm m2" AND "5"*` (a later one-character run must *start* a run of the text: a bigram's
//!   first character, or a one-character run); a first run of one character (`1+N` → `1`)
//!   gives no condition, since it may end a longer run of the text. The recheck keeps only
//!   texts where the whole term occurs.
//! * **A term with no letter or digit at all** (`"`, `*`, `，`) cannot use the index; if no
//!   term of the query can, the documents are scanned.
//!
//! The expressions of all terms are ANDed; each candidate is then rechecked with a real substring
//! test of every term against its original text.
//!
//! # Ranking
//!
//! [`SearchOrder::Rank`] (the default) orders hits by FTS5's `bm25` over the bigram index,
//! best first; [`SearchHit::score`] is `-bm25`, so higher is better. Each run of the query is
//! one bm25 phrase: its weight grows with how often it occurs in the document (term frequency,
//! saturating), with how rare it is across all documents (inverse document frequency: a rare
//! bigram like `储能` counts more than a common one like `发展`), and falls with the length of
//! the document in tokens (so a short record that *is* about the query — a project named
//! `储能…` — ranks above a long paragraph that mentions it once). The ranking is computed in a
//! subquery over the index alone; texts are read only for the hits returned.
//! [`SearchOrder::Index`] skips ranking and returns hits in index order (by kind: paragraphs,
//! targets, results, projects, places, glossary; then by record id), streaming: the fastest
//! way to get a first page, with score 0 (bm25 needs each phrase's document count, which
//! would make FTS5 read every hit first). Hits of a query answered by a scan have score 0
//! and come in index order.
//!
//! # Keeping the index current
//!
//! The index is built when a database is created or migrated to schema version 3. Code that
//! changes records directly through SQL must call [`Db::rebuild_search_index`] (or
//! [`rebuild_index`]) afterwards; until then new text is not found (a removed or changed record
//! never produces a false hit, thanks to the recheck).

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::db::Db;
use crate::error::{Error, Result};

mod record;
mod sql;
pub use record::Record;
pub use sql::SEARCH_EXPR_FUNCTION;
pub(crate) use sql::register_sql_functions;

/// A kind of searchable record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    /// A paragraph of the report text.
    Paragraph,
    /// A target (a number the report commits to).
    Target,
    /// A result (a number the review reports).
    Result,
    /// A named project.
    Project,
    /// A named place.
    Place,
    /// A glossary (名词解释) term with its definition.
    Glossary,
}

impl SearchKind {
    /// Every kind, in the order of their codes.
    pub const ALL: [SearchKind; 6] = [
        SearchKind::Paragraph,
        SearchKind::Target,
        SearchKind::Result,
        SearchKind::Project,
        SearchKind::Place,
        SearchKind::Glossary,
    ];

    /// The name used in [`SearchHit::kind`]: `paragraph`, `target`, `result`, `project`,
    /// `place`, `glossary`.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Paragraph => "paragraph",
            SearchKind::Target => "target",
            SearchKind::Result => "result",
            SearchKind::Project => "project",
            SearchKind::Place => "place",
            SearchKind::Glossary => "glossary",
        }
    }

    /// The kind for a name as returned by [`SearchKind::as_str`]; unknown names give
    /// [`Error::InvalidArgument`].
    pub fn from_name(name: &str) -> Result<SearchKind> {
        SearchKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown search kind {name:?} (expected one of paragraph, target, result, \
                     project, place, glossary)"
                ))
            })
    }

    /// The code in the bits 40 and up of a `search_index` rowid.
    fn code(self) -> i64 {
        match self {
            SearchKind::Paragraph => 0,
            SearchKind::Target => 1,
            SearchKind::Result => 2,
            SearchKind::Project => 3,
            SearchKind::Place => 4,
            SearchKind::Glossary => 5,
        }
    }

    fn from_code(code: i64) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Where a kind's documents come from: `(FROM clause, row filter, key column, public id,
    /// text expression, section id expression)`.
    fn source(self) -> Source {
        match self {
            SearchKind::Paragraph => Source {
                from: "paragraph d",
                filter: "1",
                key: "d.id",
                public_id: "d.id",
                text: "d.text",
                section: "d.section_id",
            },
            SearchKind::Target | SearchKind::Result => Source {
                from: "figure d",
                filter: if self == SearchKind::Target {
                    "d.kind = 'target'"
                } else {
                    "d.kind = 'result'"
                },
                key: "d.id",
                public_id: "d.id",
                text: "d.metric || ' ' || d.quote",
                section: "d.section_id",
            },
            SearchKind::Project => Source {
                from: "project d",
                filter: "1",
                key: "d.id",
                public_id: "d.id",
                text: "d.name || ' ' || d.quote",
                section: "d.section_id",
            },
            SearchKind::Place => Source {
                from: "place d",
                filter: "1",
                key: "d.id",
                public_id: "d.id",
                text: "d.name || ' ' || d.quote",
                section: "(SELECT g.section_id FROM paragraph g WHERE g.id = d.paragraph_id)",
            },
            SearchKind::Glossary => Source {
                from: "glossary_term d",
                filter: "1",
                key: "d.id",
                public_id: "d.id",
                text: "d.term || ' ' || d.definition",
                section: "(SELECT g.section_id FROM paragraph g WHERE g.id = d.paragraph_id)",
            },
        }
    }
}

struct Source {
    from: &'static str,
    filter: &'static str,
    key: &'static str,
    public_id: &'static str,
    text: &'static str,
    section: &'static str,
}

impl Source {
    /// `(key, text)` of every document of the kind, by key.
    fn all_sql(&self) -> String {
        format!(
            "SELECT {}, {} FROM {} WHERE {} ORDER BY {}",
            self.key, self.text, self.from, self.filter, self.key
        )
    }

    /// `(public id, text, section path)` of one document by key.
    ///
    /// No join, only correlated subqueries: a cached statement that joins on a bound
    /// parameter is re-prepared by SQLite after rusqlite clears its bindings (~25 µs a hit;
    /// see BENCHMARKS.md, "C ABI").
    fn one_sql(&self) -> String {
        format!(
            "SELECT {}, {}, coalesce((SELECT s.path FROM section s WHERE s.id = {}), '') \
             FROM {} WHERE {} AND {} = ?1",
            self.public_id, self.text, self.section, self.from, self.filter, self.key
        )
    }
}

/// The order of search hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best first by bm25 over the bigram index (see the [module docs](self)).
    #[default]
    Rank,
    /// Index order (kind, then record id), unranked, scores 0: the cheapest first page.
    Index,
}

/// Options of [`Db::search`]. `SearchOptions::default()` returns every hit of every kind,
/// ranked, marked with `【` and `】`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOptions {
    /// Only these kinds (`None`: all kinds; an empty list: no hits).
    pub kinds: Option<Vec<SearchKind>>,
    /// At most this many hits (`None`: all of them).
    pub limit: Option<usize>,
    /// Skip this many hits first (for paging).
    pub offset: usize,
    /// Ranked or index order.
    pub order: SearchOrder,
    /// Inserted before each match in a snippet.
    pub mark_start: String,
    /// Inserted after each match in a snippet.
    pub mark_end: String,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            kinds: None,
            limit: None,
            offset: 0,
            order: SearchOrder::Rank,
            mark_start: "【".into(),
            mark_end: "】".into(),
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// `paragraph`, `target`, `result`, `project`, `place` or `glossary`.
    pub kind: String,
    /// The record's id, the same the export uses: `paragraph.id`, `figure.id`, `project.id`,
    /// `place.id`, or `glossary_term.id` (unique across reports; in the first report equal to
    /// the entry number `n` that [`Db::glossary_term`] takes). [`Db::record`] opens any hit.
    pub id: i64,
    /// The `path` of the section the record belongs to (for places and glossary terms: the
    /// section of their paragraph).
    pub section_path: String,
    /// A piece of the original text around the first match, about 20 characters of context
    /// on each side (`…` where cut), every match of a query term inside it wrapped in the
    /// caller's markers.
    pub snippet: String,
    /// Relevance, higher is better: `-bm25` (see the [module docs](self)); 0 in
    /// [`SearchOrder::Index`] and for a query answered by a scan.
    pub score: f64,
}

/// Bits of a `search_index` rowid that hold the record id; the kind code is above them.
const KEY_BITS: u32 = 40;
/// Record ids must be below this to be indexed.
const KEY_LIMIT: i64 = 1 << KEY_BITS;

/// Characters of context kept on each side of the first match in a snippet.
const CONTEXT_CHARS: usize = 20;

/// Whether `c` belongs to a run (a letter or digit of any script).
fn is_run_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Appends the index tokens of `text` to `out`, separated by spaces: each run of letters and
/// digits (ASCII lowercased) gives its overlapping bigrams; a run of one character gives that
/// character. No other unigram is indexed: that keeps one posting per character *pair* and the
/// index smaller than the text, and is why a one-character query is answered by a scan.
pub fn index_tokens_into(text: &str, out: &mut String) {
    let mut prev: Option<char> = None;
    let mut run_len = 0usize;
    let push = |out: &mut String, token: &[char]| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(token);
    };
    for c in text.chars() {
        if is_run_char(c) {
            let c = c.to_ascii_lowercase();
            if let Some(p) = prev {
                push(out, &[p, c]);
            }
            prev = Some(c);
            run_len += 1;
        } else {
            if let (Some(p), 1) = (prev, run_len) {
                push(out, &[p]);
            }
            prev = None;
            run_len = 0;
        }
    }
    if let (Some(p), 1) = (prev, run_len) {
        push(out, &[p]);
    }
}

/// The index tokens of `text` (see [`index_tokens_into`]):
/// `index_tokens("紧盯储能，5G")` is `"紧盯 盯储 储能 5g"`.
pub fn index_tokens(text: &str) -> String {
    let mut out = String::new();
    index_tokens_into(text, &mut out);
    out
}

/// The longest query [`Db::search`] accepts, in bytes of UTF-8 (4 KiB): far above any
/// query a person types, and it keeps the work of one search bounded.
pub const MAX_QUERY_BYTES: usize = 4096;

/// The most distinct terms a query may have: every term is a condition each candidate is
/// rechecked against, so their number multiplies the work.
pub const MAX_QUERY_TERMS: usize = 64;

/// Splits a query into its distinct terms (ASCII lowercased), in order of first occurrence;
/// none for an empty or blank query. Fails on a query above [`MAX_QUERY_BYTES`] or
/// [`MAX_QUERY_TERMS`]; the work is linear in the query's length.
fn query_terms(query: &str) -> Result<Vec<String>> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::InvalidArgument(format!(
            "search query of {} bytes: at most {MAX_QUERY_BYTES} bytes are accepted; \
             search for fewer or shorter words",
            query.len()
        )));
    }
    let mut terms: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for t in query.split_whitespace() {
        let t = t.to_ascii_lowercase();
        if seen.insert(t.clone()) {
            if terms.len() == MAX_QUERY_TERMS {
                return Err(Error::InvalidArgument(format!(
                    "search query with more than {MAX_QUERY_TERMS} distinct words: at most \
                     {MAX_QUERY_TERMS} are accepted; search for fewer words"
                )));
            }
            terms.push(t);
        }
    }
    Ok(terms)
}

/// The FTS5 expression that selects the candidates for a query, or `None` when no term has a
/// letter or digit (the query is then answered by a scan). Every token is double-quoted and
/// contains only letters and digits, so nothing the user typed is FTS5 syntax.
///
/// `fts_expression("储 储能 二里头 PM2.5")` is
/// `Some("\"储能\" AND \"二里 里头\" AND \"pm m2\" AND \"5\"*")` (the one-character
/// term `储` gives no index condition: the recheck applies it).
/// An empty query is an [`Error::InvalidArgument`].
pub fn fts_expression(query: &str) -> Result<Option<String>> {
    let terms = query_terms(query)?;
    if terms.is_empty() {
        return Err(Error::InvalidArgument(
            "empty search query: give at least one word to look for".into(),
        ));
    }
    Ok(expression_for(&terms))
}

fn expression_for(terms: &[String]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for term in terms {
        // The term's runs of letters and digits, as the index cuts them.
        let mut runs: Vec<Vec<char>> = vec![Vec::new()];
        for c in term.chars() {
            if is_run_char(c) {
                runs.last_mut()
                    .expect("never empty")
                    .push(c.to_ascii_lowercase());
            } else if !runs.last().expect("never empty").is_empty() {
                runs.push(Vec::new());
            }
        }
        runs.retain(|r| !r.is_empty());
        for (i, run) in runs.iter().enumerate() {
            let part = match run.len() {
                // One character: only where it must start a run of the text (a later run of
                // the term) can the index find it, as a bigram's first character or a
                // one-character run. A one-character term, or a term's first run of one
                // character (it may end a longer run of the text, inside a bigram's second
                // character), gives no index condition: the recheck or a scan decides.
                1 if i > 0 => format!("\"{}\"*", run[0]),
                1 => continue,
                _ => {
                    let bigrams: Vec<String> = run.windows(2).map(|w| w.iter().collect()).collect();
                    format!("\"{}\"", bigrams.join(" "))
                }
            };
            if seen.insert(part.clone()) {
                parts.push(part);
            }
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" AND "))
    }
}

/// Deletes and rebuilds the whole search index from the records in the database, then
/// merges it into one b-tree (`optimize`). Run it inside a transaction.
pub fn rebuild_index(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO search_index(search_index) VALUES ('delete-all')",
        [],
    )?;
    let mut insert = conn.prepare("INSERT INTO search_index(rowid, body) VALUES (?1, ?2)")?;
    let mut tokens = String::new();
    for kind in SearchKind::ALL {
        let mut st = conn.prepare(&kind.source().all_sql())?;
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            let key: i64 = row.get(0)?;
            let rowid = Some(key)
                .filter(|k| (0..KEY_LIMIT).contains(k))
                .map(|k| kind.code() << KEY_BITS | k)
                .ok_or_else(|| {
                    Error::Data(format!(
                        "{} id {key} is out of the searchable range",
                        kind.as_str()
                    ))
                })?;
            tokens.clear();
            index_tokens_into(text_ref(row)?, &mut tokens);
            insert.execute(params![rowid, tokens])?;
        }
    }
    conn.execute(
        "INSERT INTO search_index(search_index) VALUES ('optimize')",
        [],
    )?;
    Ok(())
}

/// Column 1 of a row as text, without copying it.
fn text_ref<'r>(row: &'r rusqlite::Row<'_>) -> Result<&'r str> {
    Ok(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?)
}

/// A document fetched for a candidate.
struct Doc {
    public_id: i64,
    text: String,
    section_path: String,
}

/// [`Source::one_sql`] of every kind, by kind code, built once (a hit costs no formatting).
static ONE_SQL: once_cell::sync::Lazy<Vec<String>> = once_cell::sync::Lazy::new(|| {
    SearchKind::ALL
        .iter()
        .map(|k| k.source().one_sql())
        .collect()
});

fn fetch_doc(conn: &Connection, kind: SearchKind, key: i64) -> Result<Option<Doc>> {
    let mut st = conn.prepare_cached(&ONE_SQL[kind.code() as usize])?;
    Ok(st
        .query_row([key], |r| {
            Ok(Doc {
                public_id: r.get(0)?,
                text: r.get(1)?,
                section_path: r.get(2)?,
            })
        })
        .optional()?)
}

/// Whether every term occurs in `lower` (the text, ASCII lowercased).
fn matches_all(lower: &str, terms: &[String]) -> bool {
    terms.iter().all(|t| lower.contains(t.as_str()))
}

/// The snippet of `text` around the first match of any term, matches marked.
fn make_snippet(text: &str, terms: &[String], mark_start: &str, mark_end: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let first = terms
        .iter()
        .filter_map(|t| lower.find(t.as_str()).map(|p| (p, p + t.len())))
        .min();
    let Some((m_start, m_end)) = first else {
        return text.chars().take(2 * CONTEXT_CHARS).collect();
    };
    let w_start = text[..m_start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let w_end = text[m_end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| m_end + i);
    let mut out = String::new();
    if w_start > 0 {
        out.push('…');
    }
    let mut i = w_start;
    while i < w_end {
        // Leftmost-longest: the longest term that matches here and fits in the window.
        let here = terms
            .iter()
            .filter(|t| i + t.len() <= w_end && lower[i..].starts_with(t.as_str()))
            .map(|t| t.len())
            .max();
        if let Some(len) = here {
            out.push_str(mark_start);
            out.push_str(&text[i..i + len]);
            out.push_str(mark_end);
            i += len;
        } else {
            let c = text[i..]
                .chars()
                .next()
                .expect("i is a char boundary below w_end");
            out.push(c);
            i += c.len_utf8();
        }
    }
    if w_end < text.len() {
        out.push('…');
    }
    out
}

impl Db {
    /// Searches every record (or the kinds in `opts.kinds`) for documents that contain every
    /// whitespace-separated term of `query` as a substring (ASCII case-insensitive).
    ///
    /// Hits are exactly those of a substring scan; how each query length is served by the
    /// index and how hits are ranked is described in the [`search`](crate::search) module.
    /// An empty or whitespace-only query has no hits (an empty list, not an error: a search
    /// box can search as the user types); any other text, FTS5 operators and quotes included,
    /// is searched for literally.
    ///
    /// ```
    /// use govreport::{Db, SearchKind, SearchOptions};
    ///
    /// let db = Db::open_default()?;
    /// let opts = SearchOptions {
    ///     kinds: Some(vec![SearchKind::Project]),
    ///     limit: Some(3),
    ///     mark_start: "<b>".into(),
    ///     mark_end: "</b>".into(),
    ///     ..SearchOptions::default()
    /// };
    /// let hits = db.search("储能", &opts)?;
    /// assert!(!hits.is_empty() && hits.len() <= 3);
    /// assert!(hits.iter().all(|h| h.kind == "project" && h.snippet.contains("<b>储能</b>")));
    /// assert!(db.search("  ", &opts)?.is_empty());
    /// # Ok::<(), govreport::Error>(())
    /// ```
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<Vec<SearchHit>> {
        let terms = query_terms(query)?;
        let kinds: Vec<SearchKind> = match &opts.kinds {
            None => SearchKind::ALL.to_vec(),
            Some(ks) => SearchKind::ALL
                .into_iter()
                .filter(|k| ks.contains(k))
                .collect(),
        };
        if terms.is_empty() || kinds.is_empty() || opts.limit == Some(0) {
            return Ok(Vec::new());
        }
        let conn = self.connection();
        let mut out = Collector {
            terms: &terms,
            opts,
            skipped: 0,
            hits: Vec::new(),
        };
        let Some(expr) = expression_for(&terms) else {
            return scan(conn, &kinds, &mut out).map(|()| out.hits);
        };

        let kind_filter = if kinds.len() == SearchKind::ALL.len() {
            String::new()
        } else {
            let codes: Vec<String> = kinds.iter().map(|k| k.code().to_string()).collect();
            format!(" AND (rowid >> {KEY_BITS}) IN ({})", codes.join(", "))
        };
        let want = opts.limit.map(|l| opts.offset.saturating_add(l));
        match opts.order {
            SearchOrder::Index => {
                // Streams in rowid order and stops as soon as the page is full. No bm25 here:
                // its document frequencies would make FTS5 read every hit's posting first.
                let sql = format!(
                    "SELECT rowid, 0.0 FROM search_index \
                     WHERE search_index MATCH ?1{kind_filter}"
                );
                let mut st = conn.prepare_cached(&sql)?;
                let mut rows = st.query([&expr])?;
                while let Some(r) = rows.next()? {
                    if out.offer(conn, r.get(0)?, r.get(1)?)? {
                        break;
                    }
                }
            }
            SearchOrder::Rank => {
                // Rank over the index alone (a top-N sort when a limit is given), read texts
                // afterwards. The recheck only drops candidates of terms with punctuation
                // inside, so one pass nearly always suffices; if it did not, ask for more.
                let sql = format!(
                    "SELECT rowid, score FROM (SELECT rowid, -bm25(search_index) AS score \
                     FROM search_index WHERE search_index MATCH ?1{kind_filter}) \
                     ORDER BY score DESC, rowid LIMIT ?2"
                );
                let mut st = conn.prepare_cached(&sql)?;
                let mut sql_limit: i64 = match want {
                    Some(w) => i64::try_from(w.saturating_add(w / 4).saturating_add(16))
                        .unwrap_or(i64::MAX),
                    None => -1,
                };
                loop {
                    out.skipped = 0;
                    out.hits.clear();
                    let mut seen: i64 = 0;
                    let mut full = false;
                    let mut rows = st.query(params![expr, sql_limit])?;
                    while let Some(r) = rows.next()? {
                        seen += 1;
                        if out.offer(conn, r.get(0)?, r.get(1)?)? {
                            full = true;
                            break;
                        }
                    }
                    if full || sql_limit < 0 || seen < sql_limit {
                        break;
                    }
                    sql_limit = sql_limit.saturating_mul(4);
                }
            }
        }
        Ok(out.hits)
    }

    /// Rebuilds the search index from the records in the database, in one transaction.
    /// Needed only after records were changed directly through SQL.
    pub fn rebuild_search_index(&mut self) -> Result<()> {
        let tx = self.connection_mut().transaction()?;
        rebuild_index(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

/// Rechecks candidates and gathers the requested page of hits.
struct Collector<'a> {
    terms: &'a [String],
    opts: &'a SearchOptions,
    skipped: usize,
    hits: Vec<SearchHit>,
}

impl Collector<'_> {
    /// Offers the candidate with index rowid `rowid`; returns true once the page is full.
    fn offer(&mut self, conn: &Connection, rowid: i64, score: f64) -> Result<bool> {
        let Some(kind) = SearchKind::from_code(rowid >> KEY_BITS) else {
            return Ok(false);
        };
        let Some(doc) = fetch_doc(conn, kind, rowid & (KEY_LIMIT - 1))? else {
            return Ok(false); // stale index entry: the record is gone
        };
        self.offer_doc(kind, doc, score)
    }

    fn offer_doc(&mut self, kind: SearchKind, doc: Doc, score: f64) -> Result<bool> {
        if !matches_all(&doc.text.to_ascii_lowercase(), self.terms) {
            return Ok(false);
        }
        if self.skipped < self.opts.offset {
            self.skipped += 1;
            return Ok(false);
        }
        self.hits.push(SearchHit {
            kind: kind.as_str().to_string(),
            id: doc.public_id,
            section_path: doc.section_path,
            snippet: make_snippet(
                &doc.text,
                self.terms,
                &self.opts.mark_start,
                &self.opts.mark_end,
            ),
            score,
        });
        Ok(self.opts.limit.is_some_and(|l| self.hits.len() >= l))
    }
}

/// Answers a query that cannot use the index: every document of the kinds, in index order
/// (kind code, then key — `kinds` come in code order and each kind is read by key), stopping
/// as soon as the page is full.
fn scan(conn: &Connection, kinds: &[SearchKind], out: &mut Collector<'_>) -> Result<()> {
    for &kind in kinds {
        let mut st = conn.prepare_cached(&kind.source().all_sql())?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if !matches_all(&text_ref(r)?.to_ascii_lowercase(), out.terms) {
                continue;
            }
            if let Some(doc) = fetch_doc(conn, kind, r.get(0)?)?
                && out.offer_doc(kind, doc, 0.0)?
            {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
