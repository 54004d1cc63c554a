"""Type hints of the govreport package."""

import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from ._errors import (
    CODES as CODES,
    Busy as Busy,
    Constraint as Constraint,
    Corrupt as Corrupt,
    Error as Error,
    Interrupted as Interrupted,
    InvalidArgument as InvalidArgument,
    IoError as IoError,
    NoMemory as NoMemory,
    NotFound as NotFound,
    ReadOnly as ReadOnly,
    Schema as Schema,
    TooBig as TooBig,
)

__version__: str

Record = dict[str, Any]

class Records(list[Record]):
    def to_pandas(self) -> Any: ...

class Db:
    def __enter__(self) -> Db: ...
    def __exit__(self, *exc: object) -> None: ...
    def close(self) -> None: ...
    def reports(self) -> Records: ...
    def targets(
        self,
        *,
        report_id: Optional[int] = ...,
        area: Optional[int] = ...,
        headline_only: bool = ...,
        measure: Optional[str] = ...,
        due_before: Optional[str] = ...,
        text: Optional[str] = ...,
    ) -> Records: ...
    def results(
        self,
        *,
        report_id: Optional[int] = ...,
        area: Optional[int] = ...,
        headline_only: bool = ...,
        measure: Optional[str] = ...,
        due_before: Optional[str] = ...,
        text: Optional[str] = ...,
    ) -> Records: ...
    def target(self, id: int) -> Record: ...
    def result(self, id: int) -> Record: ...
    def projects(
        self,
        *,
        report_id: Optional[int] = ...,
        year: Optional[int] = ...,
        status: Optional[str] = ...,
        area: Optional[int] = ...,
        due_before: Optional[str] = ...,
        text: Optional[str] = ...,
    ) -> Records: ...
    def project(self, id: int) -> Record: ...
    def places(
        self,
        *,
        report_id: Optional[int] = ...,
        kind: Optional[str] = ...,
        town: Optional[str] = ...,
        name: Optional[str] = ...,
        designation_level: Optional[str] = ...,
    ) -> Records: ...
    def place(self, id: int) -> Record: ...
    def glossary(self) -> Records: ...
    def glossary_term(self, id: int) -> Record: ...
    def export(self) -> dict[str, Any]: ...
    def search(
        self,
        query: str,
        kinds: Optional[Iterable[str]] = ...,
        limit: Optional[int] = ...,
        offset: int = ...,
        order: str = ...,
    ) -> Records: ...
    def query(
        self, sql: str, params: Union[Sequence[Any], Mapping[str, Any], None] = ...
    ) -> Records: ...
    def add_progress(self, record: Mapping[str, Any]) -> int: ...
    def progress(self, id: int) -> Record: ...
    def add_org_unit(self, name: str, parent_id: Optional[int] = ...) -> int: ...
    def add_task(self, task: Mapping[str, Any]) -> int: ...
    def tasks(self, report_id: Optional[int] = ...) -> Records: ...
    def evaluate_targets(
        self,
        period: str,
        report_id: Optional[int] = ...,
        as_of: Optional[str] = ...,
        known_at: Optional[str] = ...,
    ) -> Records: ...
    def evaluate_projects(
        self,
        period: str,
        report_id: Optional[int] = ...,
        as_of: Optional[str] = ...,
        known_at: Optional[str] = ...,
    ) -> dict: ...
    def evaluate_commitments(
        self,
        period: str,
        report_id: Optional[int] = ...,
        as_of: Optional[str] = ...,
        known_at: Optional[str] = ...,
        silent_periods: int = ...,
    ) -> Records: ...
    def light_history(
        self,
        kind: str,
        id: int,
        from_: str,
        to: str,
        known_at: Optional[str] = ...,
        recolour_recovered: bool = ...,
        silent_periods: int = ...,
    ) -> Records: ...
    def import_register(
        self,
        kind: str,
        path: Union[str, os.PathLike[str]],
        report_id: int = ...,
        skip_bad_rows: bool = ...,
        year: Optional[int] = ...,
    ) -> dict: ...
    def commitments(self, **filters: Any) -> Records: ...
    def commitment(self, id: int) -> dict: ...
    def due(
        self,
        before: Optional[str] = ...,
        after: Optional[str] = ...,
        kinds: Optional[Iterable[str]] = ...,
        report_id: Optional[int] = ...,
        area: Optional[int] = ...,
        stated_only: bool = ...,
    ) -> Records: ...
    def bulletin(
        self, period: str, report_id: Optional[int] = ..., known_at: Optional[str] = ...
    ) -> dict: ...
    def write_bulletin(
        self,
        period: str,
        path: Union[str, os.PathLike[str]],
        report_id: Optional[int] = ...,
        known_at: Optional[str] = ...,
    ) -> None: ...
    def record(self, kind: str, id: int) -> dict: ...
    def publish(self, path: Union[str, os.PathLike[str]]) -> None: ...
    def rebuild_search_index(self) -> None: ...

def open(path: Union[str, os.PathLike[str], None] = ..., mode: str = ...) -> Db: ...
