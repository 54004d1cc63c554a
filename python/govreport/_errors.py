"""The exception classes of govreport.

Every failure of the library raises a subclass of :class:`Error`. ``code`` is the C ABI's
result code (``GOVREPORT_NOT_FOUND`` = 3 …), ``name`` its name without the prefix, and the
message is the library's own (it says what to do).
"""

from __future__ import annotations

__all__ = [
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


class Error(Exception):
    """A govreport failure: ``code`` (C ABI result code), ``name``, ``extended`` (SQLite's
    extended result code, or 0) and ``message``."""

    code: int = 1
    name: str = "ERROR"

    def __init__(self, message: str, code: int | None = None, extended: int = 0) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extended = extended

    def __str__(self) -> str:
        return self.message


class InvalidArgument(Error, ValueError):
    """A value the library cannot use: an unknown code, a bad date, a bad filter."""

    code = 2
    name = "INVALID_ARGUMENT"


class NotFound(Error, LookupError):
    """The requested record does not exist."""

    code = 3
    name = "NOT_FOUND"


class Constraint(Error):
    """A write broke a constraint (a duplicate name, a missing subject)."""

    code = 4
    name = "CONSTRAINT"


class Busy(Error):
    """Another connection holds the lock longer than the busy timeout."""

    code = 5
    name = "BUSY"


class IoError(Error, OSError):
    """Reading or writing the file failed (missing, permissions, disk full)."""

    code = 6
    name = "IO"


class Corrupt(Error):
    """The file is not a SQLite database or is damaged."""

    code = 7
    name = "CORRUPT"


class ReadOnly(Error):
    """A write on a read-only database, or scripted SQL that would write."""

    code = 8
    name = "READONLY"


class Interrupted(Error):
    """A query ran past its time limit."""

    code = 10
    name = "INTERRUPTED"


class Schema(Error):
    """The file's schema is from a newer govreport, unknown, or not govreport's."""

    code = 11
    name = "SCHEMA"


class NoMemory(Error, MemoryError):
    """Out of memory."""

    code = 12
    name = "NOMEM"


class TooBig(Error):
    """A result or value above the size limit."""

    code = 13
    name = "TOOBIG"


#: Result code -> exception class.
CODES: dict[int, type[Error]] = {
    cls.code: cls
    for cls in (
        Error,
        InvalidArgument,
        NotFound,
        Constraint,
        Busy,
        IoError,
        Corrupt,
        ReadOnly,
        Interrupted,
        Schema,
        NoMemory,
        TooBig,
    )
}


def _from_code(code: int, extended: int, message: str) -> Error:
    """Called by the extension module: the exception for a result code."""
    cls = CODES.get(code, Error)
    return cls(message, code, extended)
