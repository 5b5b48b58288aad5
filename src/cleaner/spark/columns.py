"""Column names on Spark: checked to exist, and called as in I/O and the CLI (``*_field``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleaner.deprecation import renamed_keywords
from cleaner.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["FIELD_ALIASES", "accepts_old_field_names", "require_columns"]

#: Keyword names of earlier releases (deprecated), and their names now.
FIELD_ALIASES = {"text_col": "text_field", "id_col": "id_field", "source_col": "source_field"}


def require_columns(df: DataFrame, *names: str) -> None:
    """Refuse a DataFrame that lacks any of ``names``, listing the columns it has.

    Raises:
        ConfigError: A column is missing.
    """
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise ConfigError(f"missing column(s) {', '.join(missing)}; have {', '.join(df.columns)}")


#: Lets a Spark verb take the old keywords of :data:`FIELD_ALIASES`, with a warning
#: (``TypeError`` when both the old and the new name of one argument are given).
accepts_old_field_names = renamed_keywords(FIELD_ALIASES)
