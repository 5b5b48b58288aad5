"""The exception tree of vn-cleaner.

Every error the library raises on purpose is a :class:`CleanerError`, so a
caller can catch one class::

    CleanerError
    ├── InputError        a record or file that cannot be read (names file and line)
    ├── ConfigError       an invalid option or rule file
    ├── EncodingError     text whose encoding cannot be repaired as asked
    └── IndexFormatError  a persisted index that is corrupt, truncated or incompatible
"""

from __future__ import annotations


class CleanerError(Exception):
    """Base class of every error raised by vn-cleaner."""


class InputError(CleanerError):
    """A record or input file that cannot be read.

    Attributes:
        source: The file name (or ``"<stdin>"``) the bad input came from, if known.
        line: The 1-based line number of the bad record, if known.
        reason: A short snake_case reason code, e.g. ``"bad_json"``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        reason: str = "bad_input",
    ) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        location = source or ""
        if line is not None:
            location = f"{location}:{line}"
        super().__init__(f"{location}: {message}" if location else message)


class ConfigError(CleanerError, ValueError):
    """An invalid option value, option combination or rule file."""


class EncodingError(CleanerError):
    """Text whose encoding cannot be repaired as requested."""


class IndexFormatError(CleanerError):
    """A persisted index file that is corrupt, truncated or made with other parameters."""
