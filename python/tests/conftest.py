import sqlite3

import pytest

import govreport


@pytest.fixture
def db():
    d = govreport.open()
    yield d
    d.close()


@pytest.fixture
def file_db(tmp_path):
    """A new database file (schema and built-in data), opened read-write."""
    path = tmp_path / "report.db"
    d = govreport.open(path, mode="create")
    yield d, path
    d.close()


@pytest.fixture
def newer_file(tmp_path):
    """A file "from a newer govreport" (as capi/tests/c_abi.rs makes it)."""
    path = tmp_path / "newer.db"
    c = sqlite3.connect(path)
    c.execute("PRAGMA user_version=999")
    c.execute("CREATE TABLE report (id INTEGER)")
    c.commit()
    c.close()
    return path
