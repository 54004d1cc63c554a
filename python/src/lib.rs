//! `govreport._native`: the PyO3 extension module under the `govreport` Python package.
//!
//! Every method returns the library's JSON (the export's record shapes, the C ABI's JSON) as
//! a `str`; `govreport/__init__.py` turns it into lists of dicts. Errors become the exception
//! classes of `govreport/_errors.py`, carrying the C ABI's result code and the library's
//! message.

use std::sync::Mutex;

use govreport::db::{Db, OpenMode};
use govreport::registers::{ImportError, ImportOptions};
use govreport::search::{SearchKind, SearchOptions, SearchOrder};
use govreport::tracking::{EvaluationConfig, NewOrgUnit, NewProgress, NewTask, SubjectKind};
use govreport::{Error, FigureFilter, Measure, PlaceFilter, PlaceKind, ProjectFilter};
use pyo3::prelude::*;

/// Turns a library error into a `govreport.Error` subclass (looked up by result code).
fn py_err(py: Python<'_>, e: Error) -> PyErr {
    let (code, extended) = e.result_code();
    let message = match &e {
        // The SQLite message alone reads better than rusqlite's debug form.
        Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(m))) => m.clone(),
        _ => e.to_string(),
    };
    let made = py
        .import("govreport._errors")
        .and_then(|m| m.getattr("_from_code"))
        .and_then(|f| f.call1((code, extended, message)));
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(err) => err,
    }
}

/// Shorthand: map a library result into a Python one.
trait IntoPy<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| py_err(py, e))
    }
}

fn to_json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| py_err(py, Error::Json(e)))
}

fn from_json<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    what: &str,
    text: &str,
) -> PyResult<T> {
    serde_json::from_str(text)
        .map_err(|e| py_err(py, Error::InvalidArgument(format!("{what}: {e}"))))
}

/// An open govreport database (`govreport.Db` wraps it).
#[pyclass(module = "govreport._native", name = "NativeDb")]
struct NativeDb {
    // Db is Send but not Sync; the mutex makes the class shareable between Python threads.
    // None after close().
    db: Mutex<Option<Db>>,
}

impl NativeDb {
    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&mut Db) -> Result<T, Error>) -> PyResult<T> {
        let mut guard = self.db.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Some(db) => f(db).py(py),
            None => Err(py_err(
                py,
                Error::InvalidArgument("the database is closed; open it again".into()),
            )),
        }
    }
}

/// The evaluation settings the Python methods take; the rest are the library's defaults.
fn evaluation_config(
    report_id: Option<i64>,
    as_of: Option<String>,
    known_at: Option<String>,
) -> EvaluationConfig {
    EvaluationConfig {
        report_id,
        as_of,
        known_at,
        ..EvaluationConfig::default()
    }
}

fn figure_filter(
    report_id: Option<i64>,
    area: Option<i64>,
    headline_only: bool,
    measure: Option<&str>,
    due_before: Option<String>,
    text: Option<String>,
) -> Result<FigureFilter, Error> {
    Ok(FigureFilter {
        report_id,
        area,
        headline_only,
        measure: measure.map(Measure::from_code).transpose()?,
        due_before,
        text,
    })
}

#[pymethods]
impl NativeDb {
    /// Opens `path` (None: the built-in database, in memory) in `mode`.
    #[new]
    #[pyo3(signature = (path=None, mode="create"))]
    fn new(py: Python<'_>, path: Option<std::path::PathBuf>, mode: &str) -> PyResult<NativeDb> {
        let db = match path {
            None => Db::open_default(),
            Some(p) => {
                let mode = match mode {
                    "create" => OpenMode::Create,
                    "readwrite" => OpenMode::ReadWrite,
                    "readonly" => OpenMode::ReadOnly,
                    other => {
                        return Err(py_err(
                            py,
                            Error::InvalidArgument(format!(
                                "mode {other:?}: use \"create\", \"readwrite\" or \"readonly\""
                            )),
                        ));
                    }
                };
                Db::open_with(p, mode)
            }
        }
        .py(py)?;
        Ok(NativeDb {
            db: Mutex::new(Some(db)),
        })
    }

    /// Closes the database; later calls raise InvalidArgument.
    fn close(&self) {
        *self.db.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The report(s) of the database, as JSON.
    fn reports(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.with(py, |db| db.reports())?;
        to_json(py, &r)
    }

    #[pyo3(signature = (report_id=None, area=None, headline_only=false, measure=None, due_before=None, text=None))]
    #[allow(clippy::too_many_arguments)]
    fn targets(
        &self,
        py: Python<'_>,
        report_id: Option<i64>,
        area: Option<i64>,
        headline_only: bool,
        measure: Option<&str>,
        due_before: Option<String>,
        text: Option<String>,
    ) -> PyResult<String> {
        let f = figure_filter(report_id, area, headline_only, measure, due_before, text).py(py)?;
        let r = self.with(py, |db| db.targets(&f))?;
        to_json(py, &r)
    }

    #[pyo3(signature = (report_id=None, area=None, headline_only=false, measure=None, due_before=None, text=None))]
    #[allow(clippy::too_many_arguments)]
    fn results(
        &self,
        py: Python<'_>,
        report_id: Option<i64>,
        area: Option<i64>,
        headline_only: bool,
        measure: Option<&str>,
        due_before: Option<String>,
        text: Option<String>,
    ) -> PyResult<String> {
        let f = figure_filter(report_id, area, headline_only, measure, due_before, text).py(py)?;
        let r = self.with(py, |db| db.results(&f))?;
        to_json(py, &r)
    }

    fn target(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.target(id))?;
        to_json(py, &r)
    }

    fn result(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.result(id))?;
        to_json(py, &r)
    }

    #[pyo3(signature = (report_id=None, year=None, status=None, area=None, due_before=None, text=None))]
    #[allow(clippy::too_many_arguments)]
    fn projects(
        &self,
        py: Python<'_>,
        report_id: Option<i64>,
        year: Option<i32>,
        status: Option<String>,
        area: Option<i64>,
        due_before: Option<String>,
        text: Option<String>,
    ) -> PyResult<String> {
        let f = ProjectFilter {
            report_id,
            year,
            status,
            area,
            due_before,
            text,
        };
        let r = self.with(py, |db| db.projects(&f))?;
        to_json(py, &r)
    }

    fn project(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.project(id))?;
        to_json(py, &r)
    }

    #[pyo3(signature = (report_id=None, kind=None, town=None, name=None, designation_level=None))]
    fn places(
        &self,
        py: Python<'_>,
        report_id: Option<i64>,
        kind: Option<&str>,
        town: Option<String>,
        name: Option<String>,
        designation_level: Option<String>,
    ) -> PyResult<String> {
        let kind = kind.map(PlaceKind::from_code).transpose().py(py)?;
        let f = PlaceFilter {
            report_id,
            kind,
            town,
            name,
            designation_level,
        };
        let r = self.with(py, |db| db.places(&f))?;
        to_json(py, &r)
    }

    fn place(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.place(id))?;
        to_json(py, &r)
    }

    fn glossary(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.with(py, |db| db.glossary())?;
        to_json(py, &r)
    }

    fn glossary_term(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.glossary_term(id))?;
        to_json(py, &r)
    }

    fn export(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |db| db.export_json())
    }

    #[pyo3(signature = (query, kinds=None, limit=None, offset=0, order="rank"))]
    fn search(
        &self,
        py: Python<'_>,
        query: &str,
        kinds: Option<Vec<String>>,
        limit: Option<usize>,
        offset: usize,
        order: &str,
    ) -> PyResult<String> {
        let kinds = kinds
            .map(|ks| ks.iter().map(|k| SearchKind::from_name(k)).collect())
            .transpose()
            .py(py)?;
        let order = match order {
            "rank" => SearchOrder::Rank,
            "index" => SearchOrder::Index,
            other => {
                return Err(py_err(
                    py,
                    Error::InvalidArgument(format!("order {other:?}: use \"rank\" or \"index\"")),
                ));
            }
        };
        let opts = SearchOptions {
            kinds,
            limit,
            offset,
            order,
            ..SearchOptions::default()
        };
        let r = self.with(py, |db| db.search(query, &opts))?;
        to_json(py, &r)
    }

    /// One read-only SQL statement; `params_json` a JSON array (positional) or object (named).
    #[pyo3(signature = (sql, params_json=None))]
    fn query(&self, py: Python<'_>, sql: &str, params_json: Option<&str>) -> PyResult<String> {
        self.with(py, |db| db.query_json(sql, params_json))
    }

    /// Adds one progress record (the library's `NewProgress` serde shape); returns its id.
    fn add_progress(&self, py: Python<'_>, record_json: &str) -> PyResult<i64> {
        let rec: NewProgress = from_json(py, "progress record", record_json)?;
        self.with(py, |db| db.add_progress(&rec))
    }

    fn progress(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.progress(id))?;
        to_json(py, &r)
    }

    fn add_org_unit(&self, py: Python<'_>, unit_json: &str) -> PyResult<i64> {
        let unit: NewOrgUnit = from_json(py, "org unit", unit_json)?;
        self.with(py, |db| db.add_org_unit(&unit))
    }

    fn add_task(&self, py: Python<'_>, task_json: &str) -> PyResult<i64> {
        let task: NewTask = from_json(py, "task", task_json)?;
        self.with(py, |db| db.add_task(&task))
    }

    #[pyo3(signature = (report_id=None))]
    fn tasks(&self, py: Python<'_>, report_id: Option<i64>) -> PyResult<String> {
        let r = self.with(py, |db| db.tasks(report_id))?;
        to_json(py, &r)
    }

    #[pyo3(signature = (period, report_id=None, as_of=None, known_at=None))]
    fn evaluate_targets(
        &self,
        py: Python<'_>,
        period: &str,
        report_id: Option<i64>,
        as_of: Option<String>,
        known_at: Option<String>,
    ) -> PyResult<String> {
        let config = evaluation_config(report_id, as_of, known_at);
        let r = self.with(py, |db| db.evaluate_targets(period, &config))?;
        to_json(py, &r)
    }

    /// The key-project investment summary for `period` (the library's `ProjectSummary`).
    #[pyo3(signature = (period, report_id=None, as_of=None, known_at=None))]
    fn evaluate_projects(
        &self,
        py: Python<'_>,
        period: &str,
        report_id: Option<i64>,
        as_of: Option<String>,
        known_at: Option<String>,
    ) -> PyResult<String> {
        let config = evaluation_config(report_id, as_of, known_at);
        let r = self.with(py, |db| db.evaluate_projects(period, &config))?;
        to_json(py, &r)
    }

    /// Every commitment's evaluation for `period` (the library's `CommitmentStatus` list).
    #[pyo3(signature = (period, report_id=None, as_of=None, known_at=None, silent_periods=1))]
    fn evaluate_commitments(
        &self,
        py: Python<'_>,
        period: &str,
        report_id: Option<i64>,
        as_of: Option<String>,
        known_at: Option<String>,
        silent_periods: u32,
    ) -> PyResult<String> {
        let config = EvaluationConfig {
            silent_periods,
            ..evaluation_config(report_id, as_of, known_at)
        };
        let r = self.with(py, |db| db.evaluate_commitments(period, &config))?;
        to_json(py, &r)
    }

    /// A subject's light month by month (the library's `MonthLight` list).
    #[pyo3(signature = (kind, id, from_, to, known_at=None, recolour_recovered=false, silent_periods=1))]
    #[allow(clippy::too_many_arguments)]
    fn light_history(
        &self,
        py: Python<'_>,
        kind: &str,
        id: i64,
        from_: &str,
        to: &str,
        known_at: Option<String>,
        recolour_recovered: bool,
        silent_periods: u32,
    ) -> PyResult<String> {
        let kind = SubjectKind::from_code(kind).py(py)?;
        let config = EvaluationConfig {
            known_at,
            recolour_recovered,
            silent_periods,
            ..EvaluationConfig::default()
        };
        let r = self.with(py, |db| db.light_history(kind, id, from_, to, &config))?;
        to_json(py, &r)
    }

    /// The commitments that pass the filters (the export's `commitments` records).
    #[pyo3(signature = (report_id=None, part=None, area=None, kind=None, text=None))]
    fn commitments(
        &self,
        py: Python<'_>,
        report_id: Option<i64>,
        part: Option<i64>,
        area: Option<i64>,
        kind: Option<&str>,
        text: Option<String>,
    ) -> PyResult<String> {
        let filter = govreport::CommitmentFilter {
            report_id,
            part,
            area,
            kind: kind
                .map(govreport::CommitmentKind::from_code)
                .transpose()
                .py(py)?,
            text,
        };
        let r = self.with(py, |db| db.commitments(&filter))?;
        to_json(py, &r)
    }

    /// One commitment by id.
    fn commitment(&self, py: Python<'_>, id: i64) -> PyResult<String> {
        let r = self.with(py, |db| db.commitment(id))?;
        to_json(py, &r)
    }

    /// Commitments, targets and projects with a deadline in [after, before).
    #[pyo3(signature = (before=None, after=None, kinds=None, report_id=None, area=None, stated_only=false))]
    #[allow(clippy::too_many_arguments)]
    fn due(
        &self,
        py: Python<'_>,
        before: Option<String>,
        after: Option<String>,
        kinds: Option<Vec<String>>,
        report_id: Option<i64>,
        area: Option<i64>,
        stated_only: bool,
    ) -> PyResult<String> {
        let kinds = kinds
            .unwrap_or_default()
            .iter()
            .map(|k| govreport::DueKind::from_code(k))
            .collect::<Result<Vec<_>, _>>()
            .py(py)?;
        let filter = govreport::DueFilter {
            before,
            after,
            kinds,
            report_id,
            area,
            stated_only,
        };
        let r = self.with(py, |db| db.due(&filter))?;
        to_json(py, &r)
    }

    /// The 督查通报 of a period (the library's `Bulletin`).
    #[pyo3(signature = (period, report_id=None, known_at=None))]
    fn bulletin(
        &self,
        py: Python<'_>,
        period: &str,
        report_id: Option<i64>,
        known_at: Option<String>,
    ) -> PyResult<String> {
        let config = evaluation_config(report_id, None, known_at);
        let r = self.with(py, |db| db.bulletin(period, &config))?;
        to_json(py, &r)
    }

    /// Writes the 督查通报 of a period to a new .docx or .html file.
    #[pyo3(signature = (period, path, report_id=None, known_at=None))]
    fn write_bulletin(
        &self,
        py: Python<'_>,
        period: &str,
        path: std::path::PathBuf,
        report_id: Option<i64>,
        known_at: Option<String>,
    ) -> PyResult<()> {
        let config = evaluation_config(report_id, None, known_at);
        self.with(py, |db| {
            db.write_bulletin(period, &config, &path).map(|_| ())
        })
    }

    /// The record a search hit names, by its kind and id.
    fn record(&self, py: Python<'_>, kind: &str, id: i64) -> PyResult<String> {
        let kind = SearchKind::from_name(kind).py(py)?;
        let r = self.with(py, |db| db.record(kind, id))?;
        to_json(py, &r)
    }

    /// Imports a register file (`kind` "projects" or "villages") into report `report_id`.
    #[pyo3(signature = (kind, path, report_id=1, skip_bad_rows=false, year=None))]
    fn import_register(
        &self,
        py: Python<'_>,
        kind: &str,
        path: std::path::PathBuf,
        report_id: i64,
        skip_bad_rows: bool,
        year: Option<i32>,
    ) -> PyResult<String> {
        let options = ImportOptions {
            skip_bad_rows,
            year,
            ..ImportOptions::default()
        };
        let r = match kind {
            "projects" => self.with(py, |db| {
                db.import_projects(report_id, &path, &options)
                    .map_err(import_error)
            }),
            "villages" => self.with(py, |db| {
                db.import_villages(report_id, &path, &options)
                    .map_err(import_error)
            }),
            other => Err(py_err(
                py,
                Error::InvalidArgument(format!(
                    "register kind {other:?}: use \"projects\" or \"villages\""
                )),
            )),
        }?;
        to_json(py, &r)
    }

    /// Writes a self-contained copy (vacuumed, DELETE journal) to a new file.
    fn publish(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        self.with(py, |db| db.publish(&path))
    }

    /// Rebuilds the full-text index (after another tool edited the records' text).
    fn rebuild_search_index(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |db| db.rebuild_search_index())
    }
}

/// A register import's failure as a library error: bad rows become one `InvalidArgument`
/// whose message lists every problem (row, column, value, reason), one per line.
fn import_error(e: ImportError) -> Error {
    match e {
        ImportError::BadRows {
            source_name,
            problems,
        } => {
            let mut message = format!(
                "{source_name}: {} problem(s), nothing imported:",
                problems.len()
            );
            for p in &problems {
                message.push_str("\n  ");
                message.push_str(&p.to_string());
            }
            Error::InvalidArgument(message)
        }
        ImportError::Other(e) => e,
        // ImportError is non_exhaustive: a later kind keeps its message.
        other => Error::InvalidArgument(other.to_string()),
    }
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeDb>()?;
    Ok(())
}
