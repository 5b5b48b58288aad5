"""Shared fixtures: seed articles, the optional shared dev data, vector tables."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
VECTORS = Path(__file__).resolve().parent / "data"


def shared_data_dir() -> Path | None:
    """The real dev corpus (../shared/data, or $VN_CLEANER_DATA), if present."""
    path = Path(os.environ.get("VN_CLEANER_DATA", REPO.parent / "shared" / "data"))
    return path if path.is_dir() else None


@pytest.fixture
def shared_data() -> Path:
    """Path of the shared dev data; skips the test when it is absent."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("shared dev data not available (set VN_CLEANER_DATA)")
    return path


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for every Spark test; skips without pyspark or Java."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed (Spark needs a JRE)")
    # Spark's Python workers must run this interpreter, the one with cleaner installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("vn-cleaner-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def cleaner_run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``cleaner run ARGS`` in a subprocess, as a user runs it; output as text."""
    return subprocess.run(
        [sys.executable, "-m", "cleaner", "run", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard; Spark runs take a minute
        check=False,
    )


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def load_vectors(name: str) -> list[dict[str, Any]]:
    """Read tests/data/<name>.jsonl: one case a line with id, input, expected, source."""
    with open(VECTORS / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def iter_shared_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)
