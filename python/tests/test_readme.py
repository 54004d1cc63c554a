"""The README's Python examples run as written (the pandas one where pandas is installed)."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_python_examples_run(capsys):
    blocks = python_blocks()
    assert len(blocks) >= 2
    scope = {}
    exec(blocks[0], scope)
    out = capsys.readouterr().out
    assert "[533, 534, 568]" in out
    assert "3 NOT_FOUND not found: target 999999" in out
    try:
        import pandas  # noqa: F401
    except ImportError:
        pytest.skip("pandas not installed: the to_pandas() example is not run")
    exec(blocks[1], scope)
    assert "growth_rate" in capsys.readouterr().out
