"""Build the wheel, install it in a fresh venv, import it and run the CLI from outside the tree."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO, SEEDS

# Timing, packaging and end-to-end checks: the slow tier, run by .ci/run.
pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_wheel_installs_and_runs_outside_the_source_tree(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        dist,
        REPO,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("vn_cleaner-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).strip()
    )
    # Dependencies come from the test environment (no network); the package itself
    # must come from the wheel, not from the editable source tree.
    (site / "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=tmp_path)

    where = run(
        python, "-c", "import cleaner; print(cleaner.__file__, cleaner.__version__)", cwd=tmp_path
    )
    assert str(site) in where and str(REPO / "src") not in where
    assert (site / "cleaner" / "py.typed").exists()

    out = tmp_path / "out.jsonl"
    run(env_dir / "bin" / "cleaner", "run", SEEDS, "--out", out, "--quiet", cwd=tmp_path)
    assert len([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]) == 5
