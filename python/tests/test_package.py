"""The installed package ships its type hints and docstrings."""

import pathlib

import govreport


def test_typed_package_files_are_installed():
    root = pathlib.Path(govreport.__file__).parent
    for name in ("py.typed", "__init__.pyi", "_native.pyi"):
        assert (root / name).is_file(), name


def test_public_api_has_docstrings():
    for name in ("open", "Db", "Records", "Error"):
        assert getattr(govreport, name).__doc__, name
    for name, member in vars(govreport.Db).items():
        if callable(member) and not name.startswith("_"):
            assert member.__doc__, name
