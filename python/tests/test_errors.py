"""The bad inputs of the C tests (capi/tests/c/): each a govreport.Error subclass with the C
ABI's result code, the library's message, and nothing changed."""

import os
import sqlite3

import pytest

import govreport
from govreport import _errors


def test_hierarchy_and_codes():
    assert issubclass(govreport.NotFound, govreport.Error)
    assert issubclass(govreport.InvalidArgument, ValueError)
    codes = {c: cls.name for c, cls in govreport.CODES.items()}
    assert codes[2] == "INVALID_ARGUMENT" and codes[3] == "NOT_FOUND"
    assert codes[8] == "READONLY" and codes[11] == "SCHEMA"


@pytest.mark.parametrize("getter", ["target", "result", "project", "place", "glossary_term", "progress"])
def test_unknown_ids(db, getter):
    with pytest.raises(govreport.NotFound) as e:
        getattr(db, getter)(987654)
    assert e.value.code == 3 and "not found" in str(e.value)


def test_bad_filter_values(db):
    with pytest.raises(govreport.InvalidArgument) as e:
        db.targets(measure="no_such_measure")
    assert e.value.code == 2
    with pytest.raises(govreport.InvalidArgument):
        db.places(kind="no_such_kind")
    with pytest.raises(govreport.InvalidArgument):
        db.search("乡村", kinds=["no_such_kind"])
    with pytest.raises(govreport.InvalidArgument):
        db.search("乡村", order="random")


def test_unknown_filter_keys_and_wrong_types(db):
    with pytest.raises(TypeError, match="no_such_key"):
        db.targets(no_such_key=1)
    with pytest.raises(TypeError):
        db.projects(year="this year")


@pytest.mark.parametrize("date", ["2024-13-01", "2024-02-30", "yesterday", "2024/07/01"])
def test_bad_dates(db, date):
    with pytest.raises(govreport.InvalidArgument) as e:
        db.targets(due_before=date)
    assert e.value.code == 2
    with pytest.raises(govreport.InvalidArgument):
        db.projects(due_before=date)


def test_bad_period(db):
    with pytest.raises(govreport.InvalidArgument, match="period"):
        db.evaluate_targets("2024-H1")


def test_bad_mode(tmp_path):
    with pytest.raises(govreport.InvalidArgument, match="readonly"):
        govreport.open(tmp_path / "x.db", mode="append")
    assert not (tmp_path / "x.db").exists()


def test_missing_file_readwrite_and_readonly(tmp_path):
    for mode in ("readwrite", "readonly"):
        with pytest.raises(govreport.IoError) as e:
            govreport.open(tmp_path / "missing.db", mode=mode)
        assert e.value.code == 6 and e.value.name == "IO", e.value  # GOVREPORT_IO, as the C ABI
        assert isinstance(e.value, OSError)
    assert not (tmp_path / "missing.db").exists()


def test_newer_schema_file(newer_file):
    before = newer_file.read_bytes()
    for mode in ("create", "readwrite", "readonly"):
        with pytest.raises(govreport.Schema) as e:
            govreport.open(newer_file, mode=mode)
        assert e.value.code == 11 and "newer" in str(e.value)
    assert newer_file.read_bytes() == before


def test_writes_on_a_read_only_file(file_db):
    d, path = file_db
    d.close()
    ro = govreport.open(path, mode="readonly")
    before = ro.query("SELECT count(*) AS n FROM progress")
    with pytest.raises(govreport.ReadOnly) as e:
        ro.add_progress({"subject_kind": "target", "subject_id": 1, "period": "2024-03", "value": 5.0, "unit": "%"})
    assert e.value.code == 8
    with pytest.raises(govreport.ReadOnly):
        ro.add_org_unit("区人社局")
    with pytest.raises(govreport.ReadOnly):
        ro.add_task({"title": "a task"})
    assert ro.query("SELECT count(*) AS n FROM progress") == before
    ro.close()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM figure",
        "UPDATE figure SET value = 0",
        "INSERT INTO org_unit (name) VALUES ('x')",
        "DROP TABLE figure",
        "PRAGMA user_version = 5",
        "ATTACH DATABASE ':memory:' AS other",
        "SELECT load_extension('x')",
    ],
)
def test_scripted_sql_that_writes(db, sql):
    n = db.query("SELECT count(*) AS n FROM figure")
    with pytest.raises(govreport.ReadOnly) as e:
        db.query(sql)
    assert e.value.code == 8
    assert db.query("SELECT count(*) AS n FROM figure") == n


def test_bad_sql_and_params(db):
    with pytest.raises(govreport.InvalidArgument):
        db.query("SELECT 1; SELECT 2")
    with pytest.raises(govreport.InvalidArgument):
        db.query("")
    with pytest.raises(govreport.Error):
        db.query("SELECT * FROM no_such_table")
    with pytest.raises(govreport.InvalidArgument):
        db.query("SELECT ?", "not a list")
    with pytest.raises(govreport.InvalidArgument):
        db.query("SELECT ? + ?", [1])


def test_bad_tracking_records(db):
    with pytest.raises(govreport.InvalidArgument, match="no_such_field"):
        db.add_progress({"subject_kind": "target", "subject_id": 1, "period": "2024-03", "no_such_field": 1})
    with pytest.raises(govreport.InvalidArgument):
        db.add_progress({"subject_kind": "target", "subject_id": 1})
    with pytest.raises(govreport.InvalidArgument):
        db.add_progress(["not", "a", "dict"])
    with pytest.raises(govreport.NotFound):
        db.add_progress({"subject_kind": "target", "subject_id": 987654, "period": "2024-03", "value": 1.0, "unit": "%"})


def test_from_code_unknown_is_plain_error():
    e = _errors._from_code(99, 0, "odd")
    assert type(e) is govreport.Error and e.code == 99 and str(e) == "odd"
