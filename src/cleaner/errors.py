"""The exception tree of vn-cleaner.

Every error the library raises on purpose is a :class:`CleanerError`, so a
caller can catch one class::

    CleanerError
    ├── InputError        a record or file that cannot be read (names file and line)
    ├── ConfigError       an invalid option or rule file
    │   └── ArgumentTypeError  an argument of the wrong type (also a TypeError)
    ├── EncodingError     text whose encoding cannot be repaired as asked
    └── IndexFormatError  a persisted index that is corrupt, truncated or incompatible
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import NoReturn


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


class ArgumentTypeError(ConfigError, TypeError):
    """An argument of the wrong type: ``None``, ``bytes`` or a number where a text is due.

    A :class:`TypeError`, as Python raises for a wrong type, and a
    :class:`ConfigError`, as these checks raised before; the message says
    what to pass instead.
    """


class EncodingError(CleanerError):
    """Text whose encoding cannot be repaired as requested."""


class IndexFormatError(CleanerError):
    """A persisted index file that is corrupt, truncated or made with other parameters."""


# Checks of option values at the API edge: a wrong type or range is a
# ConfigError naming the option, never a TypeError from deep inside.


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """``value`` if it is an int (not a bool) in ``[low, high]``, else :class:`ConfigError`.

    >>> check_int("num_perm", 128, 1, 8192)
    128
    >>> check_int("num_perm", "128", 1)
    Traceback (most recent call last):
    ...
    cleaner.errors.ConfigError: num_perm must be an integer, got str '128'
    """
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(f"{name} must be an integer, got {_shown(value)}")
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise ConfigError(f"{name} must be {bounds}, got {value}")
    return value


def check_fraction(name: str, value: object) -> float:
    """``value`` if it is a real number strictly between 0 and 1, else :class:`ConfigError`."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ConfigError(f"{name} must be a number between 0 and 1, got {_shown(value)}")
    if not 0.0 < value < 1.0:
        raise ConfigError(f"{name} must be between 0 and 1 (exclusive), got {value}")
    return float(value)


def check_bool(name: str, value: object) -> bool:
    """``value`` if it is ``True`` or ``False``, else :class:`ConfigError` (``"no"`` is truthy)."""
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {_shown(value)}")
    return value


def check_optional(name: str, value: object, kind: type, what: str) -> None:
    """Refuse ``value`` unless it is ``None`` or a ``kind``; ``what`` says what to pass."""
    if value is not None and not isinstance(value, kind):
        raise ConfigError(f"{name} must be {what} or None, got {_shown(value)}")


def check_text(name: str, value: object) -> str:
    """``value`` if it is a ``str``, else :class:`ArgumentTypeError` saying what to pass.

    Bytes are told to be decoded first.

    >>> check_text("text", None)
    Traceback (most recent call last):
    ...
    cleaner.errors.ArgumentTypeError: text must be a str, got NoneType None (a missing value?)
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a str, got {_shown(value)}{_hint(value)}")
    return value


def check_path(name: str, value: object) -> str | os.PathLike[str]:
    """``value`` if it is a path (``str`` or ``os.PathLike``), else :class:`ConfigError`.

    An int would be taken for a file descriptor by ``open``: refused too.
    """
    if not isinstance(value, (str, os.PathLike)):
        raise ArgumentTypeError(
            f"{name} must be a path (str or os.PathLike), got {_shown(value)}{_hint(value)}"
        )
    if value == "":
        raise ConfigError(f"{name} must be a path (str or os.PathLike), got an empty str")
    return value


def check_collection(name: str, value: object) -> None:
    """Refuse a non-iterable, or a lone ``str``/``bytes`` where a collection of items is due."""
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        hint = " (wrap a single item in a list)" if isinstance(value, str) else _hint(value)
        raise ArgumentTypeError(
            f"{name} must be a list or other iterable of items, got {_shown(value)}{hint}"
        )


def wrong_item_type(name: str, value: object, expected: str) -> NoReturn:
    """Raise :class:`ArgumentTypeError`: ``value`` is not one of the ``expected`` kinds."""
    raise ArgumentTypeError(f"{name}: expected {expected}, got {_shown(value)}{_hint(value)}")


def _hint(value: object) -> str:
    """What to do instead, for the wrong types users pass most often."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ': decode it first, e.g. data.decode("utf-8")'
    if value is None:
        return " (a missing value?)"
    return ""


def _shown(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
