"""govreport: the 2024 government work report of Yanshi district (洛阳市偃师区) as data.

>>> import govreport
>>> db = govreport.open()                       # the built-in database, in memory
>>> len(db.targets(headline_only=True)) > 0
True

Every list method returns a :class:`Records` (a ``list`` of ``dict``, the export's record
shapes) with a ``to_pandas()`` helper; every failure raises a :class:`Error` subclass with the
C ABI's result ``code`` and the library's message.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from . import _native
from ._errors import (
    CODES,
    Busy,
    Constraint,
    Corrupt,
    Error,
    Interrupted,
    InvalidArgument,
    IoError,
    NoMemory,
    NotFound,
    ReadOnly,
    Schema,
    TooBig,
)

__all__ = [
    "open",
    "Db",
    "Records",
    "Error",
    "InvalidArgument",
    "NotFound",
    "Constraint",
    "Busy",
    "IoError",
    "Corrupt",
    "ReadOnly",
    "Interrupted",
    "Schema",
    "NoMemory",
    "TooBig",
    "CODES",
]

__version__ = "0.1.0"

_MODES = ("create", "readwrite", "readonly")


class Records(list):
    """A list of records (dicts) with :meth:`to_pandas`."""

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` of the records (nested values stay Python objects).

        Raises ``ImportError`` with the install command if pandas is not installed.
        """
        try:
            import pandas
        except ImportError as e:  # pandas is optional
            raise ImportError(
                "to_pandas() needs pandas: pip install pandas (or pip install './python[pandas]')"
            ) from e
        return pandas.DataFrame.from_records(list(self))


def _records(text: str) -> Records:
    return Records(json.loads(text))


def _object(value: Mapping[str, Any], what: str) -> str:
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{what} must be a dict, not {type(value).__name__}", 2)
    return json.dumps(dict(value), ensure_ascii=False)


class Db:
    """An open govreport database. Use :func:`open`; ``with`` closes it."""

    def __init__(self, native: Any) -> None:
        self._db = native

    def __enter__(self) -> "Db":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the database; later calls raise :class:`InvalidArgument`."""
        self._db.close()

    # --- the dataset -------------------------------------------------------------------

    def reports(self) -> Records:
        """The reports in the database."""
        return _records(self._db.reports())

    def targets(self, **filters: Any) -> Records:
        """Targets (目标). Filters: ``report_id``, ``area`` (a section id),
        ``headline_only``, ``measure`` (a measure code), ``due_before`` (ISO date), ``text``."""
        return _records(self._db.targets(**filters))

    def results(self, **filters: Any) -> Records:
        """Results (成绩) of the past year; the same filters as :meth:`targets`."""
        return _records(self._db.results(**filters))

    def target(self, id: int) -> dict:
        """One target by id; :class:`NotFound` if there is none."""
        return json.loads(self._db.target(id))

    def result(self, id: int) -> dict:
        """One result by id; :class:`NotFound` if there is none."""
        return json.loads(self._db.result(id))

    def projects(self, **filters: Any) -> Records:
        """Projects (重点项目). Filters: ``report_id``, ``year``, ``status``, ``area``,
        ``due_before``, ``text``."""
        return _records(self._db.projects(**filters))

    def project(self, id: int) -> dict:
        """One project by id; :class:`NotFound` if there is none."""
        return json.loads(self._db.project(id))

    def places(self, **filters: Any) -> Records:
        """Places (villages, parks, sites). Filters: ``report_id``, ``kind`` (a place kind
        code), ``town``, ``name``, ``designation_level``."""
        return _records(self._db.places(**filters))

    def place(self, id: int) -> dict:
        """One place by id; :class:`NotFound` if there is none."""
        return json.loads(self._db.place(id))

    def glossary(self) -> Records:
        """The glossary (名词解释)."""
        return _records(self._db.glossary())

    def glossary_term(self, id: int) -> dict:
        """One glossary term by the id a glossary search hit carries."""
        return json.loads(self._db.glossary_term(id))

    def export(self) -> dict:
        """The whole dataset as one dict (the library's export shape)."""
        return json.loads(self._db.export())

    def search(
        self,
        query: str,
        kinds: Optional[Iterable[str]] = None,
        limit: Optional[int] = None,
        offset: int = 0,
        order: str = "rank",
    ) -> Records:
        """Full-text search. ``kinds``: some of paragraph, target, result, project, place,
        glossary (default all); ``order``: "rank" or "index". An empty query gives []."""
        if isinstance(kinds, str):
            kinds = [kinds]
        return _records(
            self._db.search(
                query,
                kinds=None if kinds is None else list(kinds),
                limit=limit,
                offset=offset,
                order=order,
            )
        )

    def query(
        self, sql: str, params: Union[Sequence[Any], Mapping[str, Any], None] = None
    ) -> Records:
        """Runs one read-only SQL statement (SELECT / WITH / VALUES) with bound ``params``
        (a list for ``?``, a dict for ``:name``). Writes raise :class:`ReadOnly`."""
        if params is None:
            params_json = None
        elif isinstance(params, (str, bytes)) or not isinstance(params, (Sequence, Mapping)):
            raise InvalidArgument("params must be a list (for ?) or a dict (for :name)", 2)
        else:
            params_json = json.dumps(
                dict(params) if isinstance(params, Mapping) else list(params),
                ensure_ascii=False,
            )
        return _records(self._db.query(sql, params_json))

    # --- tracking ------------------------------------------------------------------------

    def add_progress(self, record: Mapping[str, Any]) -> int:
        """Adds a progress record (``subject_kind``, ``subject_id``, ``period`` required;
        the library's shape) and returns its id. A commitment's record
        (``"subject_kind": "commitment"``) gives ``work_status`` (``"推进中"`` or
        ``"in_progress"``; 未启动, 推进中, 已完成, 滞后) and text, no value."""
        return self._db.add_progress(_object(record, "progress record"))

    def progress(self, id: int) -> dict:
        """One progress record by id."""
        return json.loads(self._db.progress(id))

    def add_org_unit(self, name: str, parent_id: Optional[int] = None) -> int:
        """Adds an organisation unit (牵头单位 / 配合单位) and returns its id."""
        return self._db.add_org_unit(json.dumps({"name": name, "parent_id": parent_id}))

    def add_task(self, task: Mapping[str, Any]) -> int:
        """Adds a task (``title`` required; the library's shape) and returns its id."""
        return self._db.add_task(_object(task, "task"))

    def tasks(self, report_id: Optional[int] = None) -> Records:
        """The tasks (of one report, or all)."""
        return _records(self._db.tasks(report_id))

    def evaluate_targets(
        self,
        period: str,
        report_id: Optional[int] = None,
        as_of: Optional[str] = None,
        known_at: Optional[str] = None,
    ) -> Records:
        """Evaluates every target at the end of ``period`` (a month ``2024-05`` or a quarter
        ``2024-Q3``): completion, gap to 序时进度, status, light. ``known_at`` (a date or
        date-time): count only the records reported by then."""
        return _records(
            self._db.evaluate_targets(period, report_id=report_id, as_of=as_of, known_at=known_at)
        )

    def evaluate_projects(
        self,
        period: str,
        report_id: Optional[int] = None,
        as_of: Optional[str] = None,
        known_at: Optional[str] = None,
    ) -> dict:
        """The key-project investment summary at the end of ``period``: completion against
        序时进度, 开工率, and each register project's line."""
        return json.loads(
            self._db.evaluate_projects(period, report_id=report_id, as_of=as_of, known_at=known_at)
        )

    def evaluate_commitments(
        self,
        period: str,
        report_id: Optional[int] = None,
        as_of: Optional[str] = None,
        known_at: Optional[str] = None,
        silent_periods: int = 1,
    ) -> Records:
        """Every commitment at the end of ``period``, in the report's order: qualitative ones
        from their latest record (已完成 green; after the deadline red; 滞后 red; no record in
        the last ``silent_periods`` months yellow; deadline near blue; else green),
        quantitative ones from their targets (``target_statuses``). Each record has
        ``status``, ``light``, ``reason``, the latest record's text and ``lead_unit``."""
        return _records(
            self._db.evaluate_commitments(
                period,
                report_id=report_id,
                as_of=as_of,
                known_at=known_at,
                silent_periods=silent_periods,
            )
        )

    def light_history(
        self,
        kind: str,
        id: int,
        from_: str,
        to: str,
        known_at: Optional[str] = None,
        recolour_recovered: bool = False,
        silent_periods: int = 1,
    ) -> Records:
        """The light of a ``"commitment"``, ``"target"`` or ``"register_project"`` in every
        month from ``from_`` to ``to`` (``"2024-01"``, both included), each month as known at
        its end (a correction reported later changes only the months from its own on).
        ``recolour_recovered``: a red month turns yellow once a later month is green."""
        return _records(
            self._db.light_history(
                kind,
                id,
                from_,
                to,
                known_at=known_at,
                recolour_recovered=recolour_recovered,
                silent_periods=silent_periods,
            )
        )

    def import_register(
        self,
        kind: str,
        path: Union[str, "os.PathLike[str]"],
        report_id: int = 1,
        skip_bad_rows: bool = False,
        year: Optional[int] = None,
    ) -> dict:
        """Imports a key-project (``kind="projects"``) or village (``"villages"``) register,
        ``.csv`` or ``.xlsx``. All or nothing unless ``skip_bad_rows``: bad rows raise
        :class:`InvalidArgument` listing every problem. Returns the import summary."""
        return json.loads(
            self._db.import_register(
                kind, os.fspath(path), report_id=report_id, skip_bad_rows=skip_bad_rows, year=year
            )
        )

    # --- commitments, what is due, the bulletin ------------------------------------------

    def commitments(self, **filters: Any) -> Records:
        """Every commitment of parts 二–四 (the export's ``commitments`` records). Filters:
        ``report_id``, ``part`` (2, 3, 4), ``area`` (part 三's 1–10), ``kind``
        (``"quantitative"`` or ``"qualitative"``), ``text``."""
        return _records(self._db.commitments(**filters))

    def commitment(self, id: int) -> dict:
        """One commitment by id; :class:`NotFound` if there is none."""
        return json.loads(self._db.commitment(id))

    def due(
        self,
        before: Optional[str] = None,
        after: Optional[str] = None,
        kinds: Optional[Iterable[str]] = None,
        report_id: Optional[int] = None,
        area: Optional[int] = None,
        stated_only: bool = False,
    ) -> Records:
        """Commitments, targets and projects with a deadline in ``[after, before)`` (ISO
        dates), by deadline; ``kinds`` some of commitment, target, project; ``stated_only``
        leaves out commitments whose deadline is the plan year's end by default."""
        if isinstance(kinds, str):
            kinds = [kinds]
        return _records(
            self._db.due(
                before=before,
                after=after,
                kinds=None if kinds is None else list(kinds),
                report_id=report_id,
                area=area,
                stated_only=stated_only,
            )
        )

    def bulletin(
        self, period: str, report_id: Optional[int] = None, known_at: Optional[str] = None
    ) -> dict:
        """The 督查通报 of ``period`` as a dict: counts, ``summary``, ``areas``,
        ``indicators``, ``lagging``, ``projects``. ``known_at``: as it stood at that date."""
        return json.loads(self._db.bulletin(period, report_id=report_id, known_at=known_at))

    def write_bulletin(
        self,
        period: str,
        path: Union[str, "os.PathLike[str]"],
        report_id: Optional[int] = None,
        known_at: Optional[str] = None,
    ) -> None:
        """Writes the 督查通报 of ``period`` to the new file ``path`` (``.docx`` or
        ``.html``); an existing file is refused."""
        self._db.write_bulletin(period, os.fspath(path), report_id=report_id, known_at=known_at)

    # --- search hits, other tools -------------------------------------------------------

    def record(self, kind: str, id: int) -> dict:
        """The record a search hit names: ``db.record(hit["kind"], hit["id"])``."""
        return json.loads(self._db.record(kind, id))

    def publish(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes a self-contained copy (vacuumed, DELETE journal mode) to the new file
        ``path``, which any SQLite tool opens read-only. An existing file is refused."""
        self._db.publish(os.fspath(path))

    def rebuild_search_index(self) -> None:
        """Rebuilds the full-text index: needed only after another tool edited the text."""
        self._db.rebuild_search_index()


def open(
    path: Union[str, "os.PathLike[str]", None] = None, mode: str = "create"
) -> Db:  # noqa: A001 - the package's entry point, like sqlite3.connect
    """Opens a database.

    ``govreport.open()`` is the built-in database, in memory (changes are private to it).
    ``govreport.open(path, mode)``: ``"create"`` (default: a missing file gets the schema
    and the built-in data), ``"readwrite"`` (the file must exist) or ``"readonly"``.
    """
    if mode not in _MODES:
        raise InvalidArgument(f"mode {mode!r}: use 'create', 'readwrite' or 'readonly'", 2)
    if path is None:
        return Db(_native.NativeDb(None))
    return Db(_native.NativeDb(os.fspath(path), mode))
