"""Runs a pipeline from input files to output files: sharded, resumable, atomic.

The record stages run over the input in shards of ``shard_size`` records.
Each finished shard is saved in a work directory (its records, its removal
events and the counters so far), so ``resume=True`` after an interrupted run
skips every finished shard and produces output identical to an uninterrupted
run. The finishing stages (boilerplate, deduplication) then stream over the
saved shards; a finishing stage that learns from the corpus (see
:class:`~cleaner.pipeline.LearningStage`) first gets its own pass over them.
The outputs appear only at the end: every one is first completed under a
temporary name, then all are renamed into place, and only after that does a
stage's own state (a persistent dedup index, see
:class:`~cleaner.pipeline.CommittingStage`) become visible. A run that dies
at any point therefore never leaves an index claiming records its outputs
lack; a retry of the same run recognises the records it already indexed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from cleaner._version import __version__
from cleaner.errors import ConfigError, InputError
from cleaner.io import (
    STDIN,
    AtomicFile,
    OutputFormat,
    ReadOptions,
    RecordWriter,
    Rejects,
    is_parquet_path,
    read_records,
    require_parquet,
)
from cleaner.pipeline import (
    CommittingStage,
    Event,
    LearningStage,
    Pipeline,
    RecordStage,
    Stage,
    StageStats,
)
from cleaner.records import Record

DEFAULT_SHARD_SIZE = 50_000
MAX_REPORTED_DUPLICATE_IDS = 20
#: Hard cap on worker processes, whatever the CPU count.
MAX_WORKERS = 64
#: Workers allowed per CPU: more only adds processes competing for the same cores.
WORKERS_PER_CPU = 4


def max_workers() -> int:
    """The most worker processes a run accepts here: 4 per CPU, at most 64."""
    return min(MAX_WORKERS, WORKERS_PER_CPU * (os.cpu_count() or 1))


@dataclass(frozen=True)
class OutputPaths:
    """Where one run writes its files.

    Attributes:
        records: The cleaned records.
        removed: Every removed span and dropped record with its reason, or ``None``.
        stats: The run report as JSON, or ``None``.
        rejects: Malformed input lines (created only when there are some).
    """

    records: Path
    removed: Path | None = None
    stats: Path | None = None
    rejects: Path | None = None

    @classmethod
    def resolve(
        cls,
        out: str,
        fmt: OutputFormat,
        removed: str | None = None,
        stats: str | None = None,
        rejects: str | None = None,
    ) -> OutputPaths:
        """Paths for ``--out``: a directory (existing, or ending in ``/``) gets every file."""
        out_path = Path(out)
        if out.endswith(("/", "\\")) or out_path.is_dir():
            return cls(
                records=out_path / f"cleaned.{fmt}",
                removed=Path(removed) if removed else out_path / "removed.jsonl",
                stats=Path(stats) if stats else out_path / "stats.json",
                rejects=Path(rejects) if rejects else out_path / "rejects.jsonl",
            )
        return cls(
            records=out_path,
            removed=Path(removed) if removed else None,
            stats=Path(stats) if stats else None,
            rejects=Path(rejects)
            if rejects
            else out_path.with_name(f"{out_path.stem}.rejects.jsonl"),
        )

    def check(
        self, inputs: Sequence[str], others: Mapping[str, str | Path | None] | None = None
    ) -> None:
        """Refuse outputs that would overwrite an input or one another.

        Paths are compared after resolving symlinks (and as files, when both
        exist, so hard links count too). An output ``*.txt`` file inside an
        input directory counts as an input.

        Args:
            inputs: The run's inputs (``-`` is skipped).
            others: More files the run writes, by option name (e.g. ``--index``).

        Raises:
            ConfigError: Two outputs are one file, or an output is an input.
        """
        named = {
            "--out": self.records,
            "--removed": self.removed,
            "--stats": self.stats,
            "--rejects": self.rejects,
            **(others or {}),
        }
        outputs = [(name, Path(path)) for name, path in named.items() if path is not None]
        for position, (name, path) in enumerate(outputs):
            for other_name, other in outputs[:position]:
                if _same_file(path, other):
                    raise ConfigError(
                        f"{name} {path} is the same file as {other_name} {other}; "
                        "give each output its own path"
                    )
            for item in inputs:
                if item != STDIN and _is_input(path, Path(item)):
                    raise ConfigError(
                        f"{name} {path} would overwrite the input {item}; write elsewhere"
                    )


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    return a.exists() and b.exists() and os.path.samefile(a, b)


def _is_input(output: Path, item: Path) -> bool:
    """Whether writing ``output`` would replace (part of) the input ``item``."""
    if item.is_dir():
        # A directory input is read as its *.txt files, recursively.
        return output.suffix.lower() == ".txt" and output.resolve().is_relative_to(item.resolve())
    return _same_file(output, item)


@dataclass(frozen=True)
class RunOptions:
    """How :func:`run_files` runs.

    Attributes:
        read: Input field names, strictness, size limit.
        fmt: Output format of the records.
        workers: Processes for the record stages.
        shard_size: Input records per checkpointed shard.
        resume: Continue an interrupted run from its last finished shard.
        progress: Show a progress bar on stderr.
    """

    read: ReadOptions = field(default_factory=ReadOptions)
    fmt: OutputFormat = "jsonl"
    workers: int = 1
    shard_size: int = DEFAULT_SHARD_SIZE
    resume: bool = False
    progress: bool = False

    def __post_init__(self) -> None:
        if self.shard_size < 1:
            raise ConfigError(f"shard_size must be >= 1, got {self.shard_size}")
        limit = max_workers()
        if not 1 <= self.workers <= limit:
            raise ConfigError(
                f"workers must be between 1 and {limit} ({WORKERS_PER_CPU} per CPU, "
                f"at most {MAX_WORKERS}), got {self.workers}"
            )


def run_files(
    inputs: Sequence[str],
    paths: OutputPaths,
    record_stages: Sequence[RecordStage],
    finish_stages: Sequence[Stage] = (),
    options: RunOptions = RunOptions(),
) -> dict[str, Any]:
    """Clean ``inputs`` into ``paths`` and return the run report (counters per stage).

    Args:
        inputs: Input files, directories of .txt files, or ``-`` for stdin.
        paths: Where the outputs go.
        record_stages: Stages run shard by shard (checkpointed, resumable).
        finish_stages: Stages run afterwards over all saved shards: record
            stages that learn from the corpus first, then corpus stages.
        options: How to read, write and run.

    Raises:
        InputError: Unreadable input, a malformed record in strict mode, or
            every input record rejected (the rejects file is still written).
        ConfigError: Invalid options, outputs that collide with an input or
            with each other, a missing optional dependency, or ``resume``
            with changed inputs or options.
    """
    # Everything that can be checked without reading the input is checked
    # first: a run must not spend hours and then fail on a missing package.
    paths.check(inputs)
    _check_dependencies(inputs, options.fmt)
    started = time.perf_counter()
    work = _WorkDir.open(inputs, paths, record_stages, finish_stages, options)
    committing = [stage for stage in finish_stages if isinstance(stage, CommittingStage)]
    run_id = _run_id(inputs, paths, record_stages, finish_stages, options) if committing else None
    for stage in committing:
        stage.begin(run_id)
    rejects = Rejects(paths.rejects)
    monitor = _InputMonitor(enabled=options.progress)
    outputs: _Outputs | None = None
    try:
        records = monitor.wrap(read_records(inputs, options.read, rejects))
        record_pipeline = Pipeline(record_stages, workers=options.workers)
        _run_shards(records, record_pipeline, work, options.shard_size)
        _refuse_all_rejected(monitor.records, rejects)
        _learn(finish_stages, work)
        finish_pipeline = Pipeline(finish_stages, workers=options.workers)
        outputs = _finish(work, finish_pipeline, paths, options)
        report = {
            "version": __version__,
            "inputs": list(inputs),
            "output": str(paths.records),
            "records_in": monitor.records,
            "bytes_in": monitor.bytes,
            "records_out": outputs.records.count,
            "rejected": dict(sorted(rejects.counts.items())),
            "rejects": str(paths.rejects) if rejects.total and paths.rejects else None,
            "duplicate_ids": {"count": monitor.duplicate_id_count, "first": monitor.duplicate_ids},
            "stages": [
                s.as_dict()
                for s in [*record_pipeline.stats.values(), *finish_pipeline.stats.values()]
            ],
            "seconds": round(time.perf_counter() - started, 3),
        }
        outputs.write_stats(report)
        # The commit point: outputs first, stage state (the index) last. A
        # death before the last step leaves the old state, so a retry keeps
        # the same records instead of finding them already "seen".
        outputs.commit()
        rejects.close()
        for stage in committing:
            stage.commit()
    except BaseException:
        if outputs is not None:
            outputs.discard()
        rejects.discard()
        for stage in committing:
            stage.discard()
        work.abandon()
        raise
    finally:
        monitor.close()
    work.remove()
    return report


def _check_dependencies(inputs: Sequence[str], fmt: OutputFormat) -> None:
    """Fail fast when an optional package the run will need is missing."""
    if fmt == "parquet" or any(is_parquet_path(item) for item in inputs):
        require_parquet()


def _refuse_all_rejected(records_in: int, rejects: Rejects) -> None:
    """Fail when every input record was rejected: that is a wrong option, not a clean corpus.

    The rejects file is published first, so the user can see what was refused.
    """
    if records_in or not rejects.total:
        return
    rejects.close()
    reasons = ", ".join(f"{reason}={count:,}" for reason, count in sorted(rejects.counts.items()))
    subject = (
        f"all {rejects.total:,} input records were" if rejects.total > 1 else "the input record was"
    )
    message = f"{subject} rejected ({reasons})"
    if rejects.fields_seen:
        message += f"; fields in the first rejected records: {', '.join(rejects.fields_seen)}"
    if {"missing_text", "text_not_string"} & rejects.counts.keys():
        message += "; name the field holding the text with --text-field"
    if rejects.path is not None:
        message += f"; see {rejects.path}"
    raise InputError(message, reason="all_rejected")


def _run_shards(records: Iterator[Record], pipeline: Pipeline, work: _WorkDir, size: int) -> None:
    """Run the record stages shard by shard, saving each finished shard."""
    done = work.finished_shards()
    if done:
        pipeline.load_stats(work.load_stats(done - 1))
        # The input is read again from the start (rejects and ids are recounted),
        # but the finished shards' records skip the stages.
        for _ in islice(records, done * size):
            pass
    shard = work.new_shard(done)
    for count, record in enumerate(pipeline.run_aligned(records, shard.write_event), start=1):
        if record is not None:
            shard.write_record(record)
        if count % size == 0:
            shard.commit(pipeline.stats.values())
            shard = work.new_shard(shard.index + 1)
    shard.commit(pipeline.stats.values())


def _learn(stages: Sequence[Stage], work: _WorkDir) -> None:
    """Give every learning stage its pass over the saved shards, in order."""
    for stage in stages:
        if isinstance(stage, LearningStage):
            stage.learn(work.records())


def _finish(
    work: _WorkDir, pipeline: Pipeline, paths: OutputPaths, options: RunOptions
) -> _Outputs:
    """Stream the saved shards through the corpus stages into the (uncommitted) outputs."""
    outputs = _Outputs(paths, options)
    try:
        if outputs.removed is not None:
            work.copy_events(outputs.removed.handle)
        for record in pipeline.run(work.records(), outputs.write_event):
            outputs.records.write(record)
        outputs.records.finish()
    except BaseException:
        outputs.discard()
        raise
    return outputs


class _Outputs:
    """The run's output files, complete under temporary names until :meth:`commit`."""

    def __init__(self, paths: OutputPaths, options: RunOptions) -> None:
        read = options.read
        self._stats_path = paths.stats
        self.removed = AtomicFile(paths.removed) if paths.removed is not None else None
        self.stats: AtomicFile | None = None
        try:
            self.records = RecordWriter(
                paths.records, options.fmt, text_field=read.text_field, id_field=read.id_field
            )
        except BaseException:
            if self.removed is not None:
                self.removed.discard()
            raise

    def write_event(self, event: Event) -> None:
        if self.removed is not None and event.kind != "edit":
            self.removed.handle.write(_event_line(event))

    def write_stats(self, report: dict[str, Any]) -> None:
        if self._stats_path is None:
            return
        self.stats = AtomicFile(self._stats_path)
        self.stats.handle.write(json.dumps(report, indent=2, ensure_ascii=False).encode() + b"\n")

    def _files(self) -> list[AtomicFile]:
        return [file for file in (self.removed, self.stats) if file is not None]

    def commit(self) -> None:
        """Finish every file, then move them into place, the records first."""
        self.records.finish()
        for file in self._files():
            file.finish()
        self.records.commit()
        for file in self._files():
            file.commit()

    def discard(self) -> None:
        """Delete whatever has not been moved into place yet."""
        self.records.discard()
        for file in self._files():
            file.discard()


def _event_line(event: Event) -> bytes:
    entry = {
        "id": event.record_id,
        "stage": event.stage,
        "reason": event.reason,
        "kind": event.kind,
        **event.detail,
    }
    return orjson.dumps(entry) + b"\n"


class _Shard:
    """One shard being written: its records, its removal events, then its counters."""

    def __init__(self, directory: Path, index: int) -> None:
        self.index = index
        self._directory = directory
        self._records = AtomicFile(directory / f"part-{index:05d}.records.jsonl")
        self._events = AtomicFile(directory / f"part-{index:05d}.events.jsonl")

    def write_record(self, record: Record) -> None:
        self._records.handle.write(orjson.dumps([record.id, record.text, record.meta]) + b"\n")

    def write_event(self, event: Event) -> None:
        if event.kind != "edit":
            self._events.handle.write(_event_line(event))

    def commit(self, stats: Iterable[StageStats]) -> None:
        """Publish the shard; the stats file is written last and marks it finished."""
        self._records.commit()
        self._events.commit()
        marker = AtomicFile(self._directory / f"part-{self.index:05d}.stats.json")
        marker.handle.write(orjson.dumps([s.as_dict() for s in stats]))
        marker.commit()

    def discard(self) -> None:
        self._records.discard()
        self._events.discard()


class _WorkDir:
    """The directory holding finished shards (kept across runs only with ``resume``)."""

    def __init__(self, path: Path, keep_on_failure: bool) -> None:
        self.path = path
        self._keep_on_failure = keep_on_failure
        self._current: _Shard | None = None

    @classmethod
    def open(
        cls,
        inputs: Sequence[str],
        paths: OutputPaths,
        record_stages: Sequence[RecordStage],
        finish_stages: Sequence[Stage],
        options: RunOptions,
    ) -> _WorkDir:
        paths.records.parent.mkdir(parents=True, exist_ok=True)
        if not options.resume:
            temporary = tempfile.mkdtemp(
                prefix=f".{paths.records.name}.", suffix=".work", dir=paths.records.parent
            )
            return cls(Path(temporary), keep_on_failure=False)
        if STDIN in inputs:
            raise ConfigError("--resume needs input files; standard input cannot be read again")
        path = paths.records.with_name(f".{paths.records.name}.resume")
        fingerprint = _fingerprint(inputs, record_stages, finish_stages, options)
        saved = path / "fingerprint.json"
        if saved.exists():
            if saved.read_text(encoding="utf-8") != fingerprint:
                raise ConfigError(
                    f"cannot resume: inputs or options changed since the run saved in {path}; "
                    "delete that directory to start again"
                )
        else:
            path.mkdir(parents=True, exist_ok=True)
            marker = AtomicFile(saved)
            marker.handle.write(fingerprint.encode())
            marker.commit()
        return cls(path, keep_on_failure=True)

    def finished_shards(self) -> int:
        """Number of finished shards; they always form a prefix."""
        count = 0
        while (self.path / f"part-{count:05d}.stats.json").exists():
            count += 1
        return count

    def load_stats(self, index: int) -> list[StageStats]:
        data = orjson.loads((self.path / f"part-{index:05d}.stats.json").read_bytes())
        return [StageStats.from_dict(item) for item in data]

    def new_shard(self, index: int) -> _Shard:
        self._current = _Shard(self.path, index)
        return self._current

    def records(self) -> Iterator[Record]:
        for index in range(self.finished_shards()):
            with open(self.path / f"part-{index:05d}.records.jsonl", "rb") as handle:
                for line in handle:
                    record_id, text, meta = orjson.loads(line)
                    yield Record(record_id, text, meta)

    def copy_events(self, target: Any) -> None:
        for index in range(self.finished_shards()):
            with open(self.path / f"part-{index:05d}.events.jsonl", "rb") as handle:
                shutil.copyfileobj(handle, target)

    def abandon(self) -> None:
        """After a failure: drop the unfinished shard; keep finished ones only for resume."""
        if self._current is not None:
            self._current.discard()
        if not self._keep_on_failure:
            self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _fingerprint(
    inputs: Sequence[str],
    record_stages: Sequence[RecordStage],
    finish_stages: Sequence[Stage],
    options: RunOptions,
) -> str:
    """What must not change between an interrupted run and its resumption."""
    described = _describe(inputs, record_stages, finish_stages, options)
    return json.dumps({"sha256": _digest(described), **described}, indent=1)


def _run_id(
    inputs: Sequence[str],
    paths: OutputPaths,
    record_stages: Sequence[RecordStage],
    finish_stages: Sequence[Stage],
    options: RunOptions,
) -> str | None:
    """Names the run: a retry (same inputs, options and outputs) gets the same id.

    ``None`` when the inputs cannot be named: standard input, or a missing
    file (the reader reports that one properly).
    """
    if STDIN in inputs:
        return None
    try:
        described = _describe(inputs, record_stages, finish_stages, options)
    except OSError:
        return None
    outputs = asdict(paths).values()
    described["outputs"] = [str(Path(path).resolve()) if path else None for path in outputs]
    described["format"] = options.fmt
    return _digest(described)


def _digest(described: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _describe(
    inputs: Sequence[str],
    record_stages: Sequence[RecordStage],
    finish_stages: Sequence[Stage],
    options: RunOptions,
) -> dict[str, Any]:
    """The inputs (path, size, mtime), version, read options and stages of a run."""
    files = []
    for item in inputs:
        path = Path(item)
        for file in sorted(path.rglob("*.txt")) if path.is_dir() else [path]:
            stat = file.stat()
            files.append([str(file.resolve()), stat.st_size, stat.st_mtime_ns])
    return {
        "version": __version__,
        "inputs": files,
        "read": asdict(options.read),
        "shard_size": options.shard_size,
        "stages": [repr(stage) for stage in [*record_stages, *finish_stages]],
    }


class _InputMonitor:
    """Counts input records and bytes, reports duplicate ids, shows a tqdm bar."""

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

    def wrap(self, records: Iterable[Record]) -> Iterator[Record]:
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
