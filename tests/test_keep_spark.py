"""Keep policies on Spark: the same key function as one machine (slow tier; skips without Java).

Spark has no input order: equal keys go to the smallest id there, and the
``first`` policy is refused.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError, find_near_duplicates
from test_keep import ARTICLE, LONGER, rec

pytestmark = pytest.mark.slow
pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (Spark needs a JRE)", allow_module_level=True)

from cleaner.spark import duplicates_dataframe  # noqa: E402 - after the skips


def kept_on_spark(spark: Any, rows: list[dict[str, Any]], keep: str) -> list[str]:
    df = spark.createDataFrame(rows)
    dropped = {row["id"] for row in duplicates_dataframe(df, keep=keep).collect()}
    return [row["id"] for row in rows if row["id"] not in dropped]


@pytest.mark.parametrize("keep", ["longest", "newest:date", "priority"])
def test_spark_keeps_what_one_machine_keeps(spark: Any, tmp_path: Path, keep: str) -> None:
    if keep == "priority":
        listed = tmp_path / "sources.txt"
        listed.write_text("vnexpress.net\n", "utf-8")
        keep = f"priority:{listed}"
    rows = [
        {"id": "a", "text": LONGER, "date": "2024-09-07", "source": "baomoi.com"},
        {"id": "b", "text": ARTICLE, "date": "2024-09-08", "source": "vnexpress.net"},
        {"id": "c", "text": ARTICLE, "date": "2024-09-06", "source": "zing.vn"},
    ]
    records = [rec(r["id"], r["text"], date=r["date"], source=r["source"]) for r in rows]
    assert kept_on_spark(spark, rows, keep) == find_near_duplicates(records, keep=keep).kept


def test_spark_ties_go_to_the_smallest_id_and_first_is_refused(spark: Any) -> None:
    rows = [{"id": "b", "text": ARTICLE}, {"id": "a", "text": ARTICLE}]
    assert kept_on_spark(spark, rows, "longest") == ["a"]
    with pytest.raises(ConfigError, match="'first' is input order"):
        kept_on_spark(spark, rows, "first")
