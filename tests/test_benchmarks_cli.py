"""``python -m benchmarks`` never writes over the committed benchmarks/RESULTS.md."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "benchmarks" / "RESULTS.md"


def benchmarks(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_out_naming_the_committed_results_directory_is_refused() -> None:
    before = COMMITTED.read_bytes()
    result = benchmarks("--only", "normalize", "--out", str(REPO / "benchmarks"))
    assert result.returncode == 2
    assert "would write over the committed" in result.stderr
    assert COMMITTED.read_bytes() == before


def test_results_go_to_a_new_temporary_directory_by_default() -> None:
    before = COMMITTED.read_bytes()
    result = benchmarks("--only", "")  # no section: only the results file
    assert result.returncode == 0, result.stderr
    written = Path(result.stderr.strip().rsplit("results written to ", 1)[1])
    shutil.rmtree(written.parent)
    assert written.name == "RESULTS.md" and written.parent.name.startswith("vn-cleaner-bench-")
    assert COMMITTED.read_bytes() == before
