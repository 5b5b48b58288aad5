"""The Spark session and the pyspark import, refused with an install hint when missing."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from cleaner.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["pyspark_functions", "spark_session"]


def pyspark_functions() -> Any:
    """``pyspark.sql.functions``, imported when first needed.

    Raises:
        ConfigError: If pyspark is not installed.
    """
    try:
        import pyspark.sql.functions as functions
    except ImportError:
        raise ConfigError("pyspark is not installed: pip install 'vn-cleaner[spark]'") from None
    return functions


def spark_session(master: str = "local[2]", app_name: str = "vn-cleaner") -> SparkSession:
    """A Spark session with Arrow enabled (reuses a running one).

    Raises:
        ConfigError: If pyspark is not installed.
    """
    pyspark_functions()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name).config(
        "spark.sql.execution.arrow.pyspark.enabled", "true"
    )
    # Under spark-submit the JVM started this interpreter and its --master rules.
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master(master)
    if master.startswith("local"):
        # Local workers must run this interpreter, the one that has cleaner installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()
