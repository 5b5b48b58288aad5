"""The ``cleaner`` command.

Exit codes: 0 success, 1 input error (unreadable or malformed input in strict
mode, unwritable output), 2 usage or configuration error. Errors print one line
on stderr; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import click
import orjson
from tqdm import tqdm

from cleaner._version import __version__
from cleaner.errors import CleanerError, ConfigError
from cleaner.io import (
    AtomicFile,
    OutputFormat,
    ReadOptions,
    RecordWriter,
    Rejects,
    read_records,
)
from cleaner.normalize import NormalizeConfig
from cleaner.normalize.base import TONE_STYLES
from cleaner.pipeline import Event, Pipeline, Stage
from cleaner.records import Record
from cleaner.stages import NormalizeStage

EXIT_INPUT_ERROR = 1
EXIT_USAGE_ERROR = 2
MAX_REPORTED_DUPLICATE_IDS = 20


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def main() -> None:
    """Clean Vietnamese web text: normalize, strip boilerplate, deduplicate."""


@dataclass(frozen=True)
class OutputPaths:
    """Where one run writes its files."""

    records: Path
    removed: Path | None
    stats: Path | None
    rejects: Path

    @classmethod
    def resolve(
        cls, out: str, fmt: str, removed: str | None, stats: str | None, rejects: str | None
    ) -> OutputPaths:
        """A directory ``--out`` (existing, or ending in ``/``) gets every file inside it."""
        out_path = Path(out)
        if out.endswith(("/", "\\")) or out_path.is_dir():
            return cls(
                records=out_path / f"cleaned.{fmt}",
                removed=Path(removed) if removed else out_path / "removed.jsonl",
                stats=Path(stats) if stats else out_path / "stats.json",
                rejects=Path(rejects) if rejects else out_path / "rejects.jsonl",
            )
        default_rejects = out_path.with_name(out_path.stem + ".rejects.jsonl")
        return cls(
            records=out_path,
            removed=Path(removed) if removed else None,
            stats=Path(stats) if stats else None,
            rejects=Path(rejects) if rejects else default_rejects,
        )


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out", required=True, help="Output file, or a directory for all outputs.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "parquet"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option("--text-field", default="text", show_default=True, help="Input/output text field.")
@click.option("--id-field", default="id", show_default=True, help="Input/output id field.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes for record-local stages (output is identical for any N).",
)
@click.option(
    "--tone-style",
    type=click.Choice(TONE_STYLES),
    default="first_vowel",
    show_default=True,
    help="Tone placement in open oa/oe/uy syllables.",
)
@click.option("--stats", "stats_path", default=None, help="Write the run's counters as JSON.")
@click.option(
    "--removed",
    "removed_path",
    default=None,
    help="Write every dropped record and removed span with its reason (JSONL).",
)
@click.option(
    "--rejects",
    "rejects_path",
    default=None,
    help="Where malformed input lines go in lenient mode.",
)
@click.option("--strict", is_flag=True, help="Stop at the first malformed input record.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def run(
    inputs: tuple[str, ...],
    out: str,
    fmt: str,
    text_field: str,
    id_field: str,
    workers: int,
    tone_style: str,
    stats_path: str | None,
    removed_path: str | None,
    rejects_path: str | None,
    strict: bool,
    quiet: bool,
    debug: bool,
) -> None:
    """Clean INPUT files (JSONL, Parquet, .txt, directories of .txt, or - for stdin)."""
    paths = OutputPaths.resolve(out, fmt, removed_path, stats_path, rejects_path)
    output_format = cast(OutputFormat, fmt)  # click.Choice has checked it
    options = ReadOptions(text_field=text_field, id_field=id_field, strict=strict)
    try:
        stages: list[Stage] = [NormalizeStage(NormalizeConfig.from_options(tone_style=tone_style))]
        report = _execute(
            inputs, paths, output_format, options, Pipeline(stages, workers=workers), quiet
        )
    except CleanerError as error:
        if debug:
            raise
        code = EXIT_USAGE_ERROR if isinstance(error, ConfigError) else EXIT_INPUT_ERROR
        _fail(str(error), code)
    except OSError as error:
        if debug:
            raise
        _fail(f"{error.filename or ''}: {error.strerror or error}", EXIT_INPUT_ERROR)
    if not quiet:
        click.echo(format_summary(report), err=True)


def _fail(message: str, code: int) -> None:
    click.echo(f"cleaner: error: {message}", err=True)
    sys.exit(code)


def _execute(
    inputs: Sequence[str],
    paths: OutputPaths,
    fmt: OutputFormat,
    options: ReadOptions,
    pipeline: Pipeline,
    quiet: bool,
) -> dict[str, Any]:
    """Run the pipeline from inputs to outputs; every output file is atomic."""
    started = time.perf_counter()
    rejects = Rejects(paths.rejects)
    removed = _RemovedLog(paths.removed)
    progress = _InputMonitor(enabled=not quiet and sys.stderr.isatty())
    records = progress.wrap(read_records(inputs, options, rejects))
    try:
        with RecordWriter(
            paths.records,
            fmt,
            text_field=options.text_field,
            id_field=options.id_field,
        ) as writer:
            for record in pipeline.run(records, removed.write):
                writer.write(record)
    except BaseException:
        rejects.discard()
        removed.discard()
        raise
    finally:
        progress.close()
    rejects.close()
    removed.close()
    report = {
        "version": __version__,
        "inputs": list(inputs),
        "output": str(paths.records),
        "records_in": progress.records,
        "bytes_in": progress.bytes,
        "records_out": writer.count,
        "rejected": dict(sorted(rejects.counts.items())),
        "duplicate_ids": {"count": progress.duplicate_id_count, "first": progress.duplicate_ids},
        "stages": [stats.as_dict() for stats in pipeline.stats.values()],
        "seconds": round(time.perf_counter() - started, 3),
    }
    if paths.stats is not None:
        stats_file = AtomicFile(paths.stats)
        stats_file.handle.write(json.dumps(report, indent=2, ensure_ascii=False).encode() + b"\n")
        stats_file.commit()
    return report


class _RemovedLog:
    """Writes removal and drop events as JSON lines (edits are only counted)."""

    def __init__(self, path: Path | None) -> None:
        self._file = AtomicFile(path) if path is not None else None

    def write(self, event: Event) -> None:
        if self._file is None or event.kind == "edit":
            return
        entry = {
            "id": event.record_id,
            "stage": event.stage,
            "reason": event.reason,
            "kind": event.kind,
            **event.detail,
        }
        self._file.handle.write(orjson.dumps(entry) + b"\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.commit()

    def discard(self) -> None:
        if self._file is not None:
            self._file.discard()


class _InputMonitor:
    """Counts input records and bytes, reports duplicate ids, shows a tqdm bar on a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        self.records = 0
        self.bytes = 0
        self.duplicate_ids: list[str] = []
        self.duplicate_id_count = 0
        # Hashes, not the ids: a 64-bit hash per record keeps memory small, and a
        # collision (odds ~1e-7 at a million ids) only adds a spurious report line.
        self._seen: set[int] = set()
        self._bar = tqdm(
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            file=sys.stderr,
            disable=not enabled,
            desc="cleaning",
        )

    def wrap(self, records: Iterator[Record]) -> Iterator[Record]:
        """Pass records through while counting them."""
        for record in records:
            size = len(record.text.encode("utf-8", errors="surrogatepass"))
            self.records += 1
            self.bytes += size
            self._check_id(record.id)
            self._bar.update(size)
            if self.records % 1000 == 0:
                self._bar.set_postfix(records=self.records, refresh=False)
            yield record

    def _check_id(self, record_id: str) -> None:
        key = hash(record_id)
        if key not in self._seen:
            self._seen.add(key)
            return
        self.duplicate_id_count += 1
        if len(self.duplicate_ids) < MAX_REPORTED_DUPLICATE_IDS:
            self.duplicate_ids.append(record_id)

    def close(self) -> None:
        """Close the progress bar."""
        self._bar.close()


def format_summary(report: dict[str, Any]) -> str:
    """Render a run report as a plain-text table."""
    lines = [
        f"records in {report['records_in']:,}  out {report['records_out']:,}  "
        f"rejected {sum(report['rejected'].values()):,}  "
        f"MB in {report['bytes_in'] / 1e6:.2f}  time {report['seconds']:.2f}s",
        f"{'stage':<14}{'in':>10}{'out':>10}{'MB in':>10}{'MB out':>10}  reasons",
    ]
    for stage in report["stages"]:
        reasons = ", ".join(f"{name}={count:,}" for name, count in stage["reasons"].items())
        lines.append(
            f"{stage['name']:<14}{stage['records_in']:>10,}{stage['records_out']:>10,}"
            f"{stage['bytes_in'] / 1e6:>10.2f}{stage['bytes_out'] / 1e6:>10.2f}  {reasons or '-'}"
        )
    for reason, count in report["rejected"].items():
        lines.append(f"rejected: {reason}={count:,}")
    duplicates = report["duplicate_ids"]
    if duplicates["count"]:
        lines.append(
            f"warning: {duplicates['count']:,} records reuse an earlier id "
            f"(first: {', '.join(duplicates['first'][:5])})"
        )
    return "\n".join(lines)
