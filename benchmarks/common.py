"""Shared pieces of the benchmark suite: data, machine info, timing, tables."""

from __future__ import annotations

import gc
import json
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA_FILES = ("baomoi_dev.jsonl", "vnexpress_dev.jsonl", "vims_dev.jsonl")


def data_dir() -> Path | None:
    """The shared dev corpus (``$VN_CLEANER_DATA`` or ../shared/data), if present."""
    path = Path(os.environ.get("VN_CLEANER_DATA", REPO.parent / "shared" / "data"))
    return path if path.is_dir() else None


def iter_docs(
    files: Sequence[str] = DATA_FILES, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Records of the shared corpus; the seeds (as records) when it is absent."""
    root = data_dir()
    count = 0
    if root is None:
        for path in sorted((REPO / "seeds").glob("*.txt")):
            yield {"id": path.name, "text": path.read_text(encoding="utf-8"), "source": "seed"}
        return
    for name in files:
        with open(root / name, encoding="utf-8") as handle:
            for line in handle:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield json.loads(line)


def corpus_label() -> str:
    """Which data the run used, for the report."""
    root = data_dir()
    return f"shared dev data ({root})" if root else "seeds only (shared data absent)"


def nbytes(texts: Sequence[str]) -> int:
    return sum(len(t.encode("utf-8")) for t in texts)


@contextmanager
def pure_python() -> Iterator[None]:
    """Run cleaner without its compiled fast paths, as on a machine without a C compiler."""
    from cleaner import speedups

    previous = os.environ.get(speedups.PURE_PYTHON_ENV)
    os.environ[speedups.PURE_PYTHON_ENV] = "1"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[speedups.PURE_PYTHON_ENV]
        else:
            os.environ[speedups.PURE_PYTHON_ENV] = previous


def in_pure_python(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``function`` called inside :func:`pure_python` (costs ~2 µs a call)."""

    def wrapped(argument: Any) -> Any:
        with pure_python():
            return function(argument)

    return wrapped


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` runs (the least disturbed by the noisy machine)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, str]:
    """CPU, cores, Python, package versions and commit of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        commit = "unknown"
    packages = (
        "vn-cleaner",
        "numpy",
        "regex",
        "ftfy",
        "datasketch",
        "underthesea",
        "rensa",
        "pyarrow",
        "pyspark",
    )
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        **{name: version_of(name) for name in packages},
    }


@dataclass
class Table:
    """One comparison: rows of (name, numbers), with ratios to a named baseline row."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append(list(cells))

    def markdown(self) -> str:
        out = [
            f"### {self.title}",
            "",
            "| " + " | ".join(self.columns) + " |",
            "|" + "---|" * len(self.columns),
        ]
        out += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in self.rows]
        out += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(out) + "\n"


def add_timed_run(
    table: Table,
    label: str,
    documents: int,
    size_bytes: int,
    seconds: float,
    baseline_seconds: float,
    rss_mb: float,
) -> None:
    """One row of a whole-command run: documents, MB, seconds, MB/s, ratio to the baseline, RSS."""
    table.add(
        label,
        documents,
        size_bytes / 1e6,
        seconds,
        size_bytes / seconds / 1e6,
        f"{baseline_seconds / seconds:.2f}×",
        rss_mb,
    )


def throughput_table(
    title: str,
    dataset_bytes: dict[str, int],
    timings: dict[str, dict[str, float | None]],
    baseline: str,
) -> Table:
    """MB/s per implementation and dataset, and the ratio of ours to the baseline.

    Args:
        title: Table title.
        dataset_bytes: Bytes of each dataset.
        timings: ``{implementation: {dataset: seconds or None (not run)}}``.
        baseline: Implementation the ratios are relative to.
    """
    datasets = list(dataset_bytes)
    columns = ["implementation"]
    for name in datasets:
        columns += [f"{name} MB/s", f"{name} × {baseline}"]
    table = Table(title, columns)
    for impl, per_dataset in timings.items():
        cells: list[Any] = [impl]
        for name in datasets:
            seconds = per_dataset.get(name)
            base = timings[baseline].get(name)
            if seconds is None:
                cells += ["n/a", "n/a"]
                continue
            cells.append(dataset_bytes[name] / seconds / 1e6)
            cells.append(f"{base / seconds:.2f}×" if base else "n/a")
        table.add(*cells)
    return table


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def plot_throughput(table: Table, path: Path) -> Path | None:
    """Bar chart of a throughput table's MB/s columns (log scale), ratios as labels.

    Returns the PNG path, or ``None`` when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    mbs_columns = [i for i, name in enumerate(table.columns) if name.endswith("MB/s")]
    names = [str(row[0]) for row in table.rows]
    fig, axes = plt.subplots(
        1, len(mbs_columns), figsize=(5 * len(mbs_columns), 0.6 * len(names) + 1.5), squeeze=False
    )
    for axis, column in zip(axes[0], mbs_columns, strict=True):
        values = [row[column] if isinstance(row[column], float) else 0.0 for row in table.rows]
        bars = axis.barh(names, values, color="#4878a8")
        axis.set_xscale("log")
        axis.invert_yaxis()
        axis.set_title(table.columns[column])
        for bar, row in zip(bars, table.rows, strict=True):
            label = row[column + 1] if column + 1 < len(row) else ""
            axis.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                f" {label}",
                va="center",
                fontsize=8,
            )
    fig.suptitle(table.title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
