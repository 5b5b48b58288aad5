"""Column names on Spark: checked to exist, and called as in I/O and the CLI (``*_field``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from cleaner.deprecation import renamed_option
from cleaner.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["FIELD_ALIASES", "accepts_old_field_names", "require_columns"]

#: Keyword names of earlier releases (deprecated), and their names now.
FIELD_ALIASES = {"text_col": "text_field", "id_col": "id_field", "source_col": "source_field"}

P = ParamSpec("P")
R = TypeVar("R")


def require_columns(df: DataFrame, *names: str) -> None:
    """Refuse a DataFrame that lacks any of ``names``, listing the columns it has.

    Raises:
        ConfigError: A column is missing.
    """
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise ConfigError(f"missing column(s) {', '.join(missing)}; have {', '.join(df.columns)}")


def accepts_old_field_names(function: Callable[P, R]) -> Callable[P, R]:
    """Let ``function`` take the old keywords of :data:`FIELD_ALIASES`, with a warning.

    Raises:
        TypeError: Both the old and the new name of one argument are given.
    """

    @functools.wraps(function)
    def renaming(*args: P.args, **kwargs: P.kwargs) -> R:
        for old, new in FIELD_ALIASES.items():
            if old in kwargs and new in kwargs:
                raise TypeError(f"{function.__name__}() got both {old!r} and {new!r}")
            if old in kwargs:
                kwargs[new] = renamed_option(function.__name__, kwargs, old, new, None)
        return function(*args, **kwargs)

    return renaming
