"""The Spark package's public names and its deprecated keywords (no Spark needed)."""

from __future__ import annotations

import importlib

import pytest

import cleaner.spark
from cleaner.spark.columns import FIELD_ALIASES, accepts_old_field_names


@accepts_old_field_names
def columns_of(df: object, text_field: str = "text", id_field: str = "id") -> tuple[str, str]:
    return text_field, id_field


#: ``cleaner.spark``'s names when it was one module: they keep their import path.
SINGLE_MODULE_NAMES = (
    "DUPLICATE_COLUMNS",
    "clean_dataframe",
    "dedup_dataframe",
    "duplicates_dataframe",
    "quality_dataframe",
    "run_spark",
    "spark_session",
)


@pytest.mark.parametrize("name", SINGLE_MODULE_NAMES)
def test_public_names_keep_their_import_path(name: str) -> None:
    assert name in cleaner.spark.__all__
    assert hasattr(importlib.import_module("cleaner.spark"), name)


def test_old_column_keywords_warn_and_still_work() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        assert columns_of(None, text_col="nội dung", id_col="mã") == ("nội dung", "mã")
    assert sorted(str(w.message) for w in caught) == [
        "columns_of(id_col=...) is deprecated; use id_field=...",
        "columns_of(text_col=...) is deprecated; use text_field=...",
    ]


def test_old_and_new_name_of_one_column_together_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="both 'id_col' and 'id_field'"):
        columns_of(None, id_col="a", id_field="b")


def test_new_keywords_do_not_warn(recwarn: pytest.WarningsRecorder) -> None:
    assert columns_of(None, text_field="body") == ("body", "id")
    assert not recwarn.list


def test_every_alias_names_a_field() -> None:
    assert all(
        new.endswith("_field") and old.endswith("_col") for old, new in FIELD_ALIASES.items()
    )
