"""The benchmark suite's quick mode runs end to end (it checks it works, not the numbers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# Timing, packaging and end-to-end checks: the slow tier, run by .ci/run.
pytestmark = pytest.mark.slow


def test_quick_benchmarks_write_results(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    results = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "cleaner.normalize" in results and "| cpu |" in results
