"""Runs a pipeline from input files to output files: sharded, resumable, atomic, parallel.

Every per-record computation runs in worker processes (see
:mod:`cleaner.workers`); the parent reads the input, merges, decides what
needs the whole corpus and writes. Records travel in batches of JSON-line
bytes, and results come back in input order, so the output is byte-identical
for any number of workers and any shard size. The passes:

1. *read + normalize*: the record stages, in shards (below);
2. *learn*: each learning stage counts over the saved shards, in the workers
   when its counts merge exactly (:class:`~cleaner.pipeline.MergeableLearningStage`);
3. *strip + sign*: the finishing record stages (boilerplate) and the
   per-record part of the corpus stage (:class:`~cleaner.pipeline.SignedCorpusStage`:
   shingles, signatures, band keys), in the workers;
4. *dedup + write*: the corpus-wide decision and the outputs, in the parent.

The record stages run over the input in shards of ``shard_size`` records.
Each finished shard is saved in a work directory (its records, its removal
events and the counters so far), so ``resume=True`` after an interrupted run
skips every finished shard and produces output identical to an uninterrupted
run. The finishing stages (boilerplate, deduplication) then stream over the
saved shards; a finishing stage that learns from the corpus (see
:class:`~cleaner.pipeline.LearningStage`) first gets its own pass over them.
Every saved file's checksum is in its shard's marker and is checked on
resumption: an edited shard is done again. A run holds a lock on its work
directory; a later run to the same output removes the work directories of
runs that died without cleaning up (killed, power loss). The outputs appear
only at the end: every one is first completed under a
temporary name, then all are renamed into place, and only after that does a
stage's own state (a persistent dedup index, see
:class:`~cleaner.pipeline.CommittingStage`) become visible. A run that dies
at any point therefore never leaves an index claiming records its outputs
lack; a retry of the same run recognises the records it already indexed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson
from tqdm import tqdm

from cleaner._version import __version__
from cleaner.errors import ConfigError, InputError
from cleaner.io import (
    STDIN,
    AtomicFile,
    ReadOptions,
    RecordWriter,
    Rejects,
    check_input_dependencies,
    compression,
    input_files,
    output_format,
    read_records,
)
from cleaner.pipeline import (
    CommittingStage,
    CorpusStage,
    Event,
    LearningStage,
    MergeableLearningStage,
    Pipeline,
    RecordStage,
    SignedCorpusStage,
    SpillingStage,
    Stage,
    StageStats,
    Traced,
    nbytes,
    trace_records,
)
from cleaner.records import Record, decode_records, encode_records
from cleaner.workers import WorkerPool, worker_pool

DEFAULT_SHARD_SIZE = 50_000
MAX_REPORTED_DUPLICATE_IDS = 20
#: Hard cap on worker processes, whatever the CPU count.
MAX_WORKERS = 64
#: Workers allowed per CPU: more only adds processes competing for the same cores.
WORKERS_PER_CPU = 4
#: A batch sent to a worker holds about this many bytes of text ...
BATCH_BYTES = 1 << 20
#: ... and at most this many records (a round trip costs far less than a batch).
BATCH_RECORDS = 4096
#: A work directory without a lock file is another run's only after this long
#: (a run creates the lock right after the directory).
UNLOCKED_GRACE_SECONDS = 600


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
        fmt: str,
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
        progress: Show a progress bar per pass on stderr (input bytes, rate, ETA).
    """

    read: ReadOptions = field(default_factory=ReadOptions)
    fmt: str = "jsonl"
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
            with each other, a missing optional dependency, ``resume``
            with changed inputs or options, or stages that cannot be sent
            to worker processes.
    """
    # Everything that can be checked without reading the input is checked
    # first: a run must not spend hours and then fail on a missing package.
    paths.check(inputs)
    _check_dependencies(inputs, options.fmt)
    started = time.perf_counter()
    _remove_abandoned_work(paths.records, keep_resume=options.resume)
    work = _WorkDir.open(inputs, paths, record_stages, finish_stages, options)
    for stage in finish_stages:
        if isinstance(stage, SpillingStage):
            stage.spill_to(work.path)
    committing = [stage for stage in finish_stages if isinstance(stage, CommittingStage)]
    run_id = _run_id(inputs, paths, record_stages, finish_stages, options) if committing else None
    for stage in committing:
        stage.begin(run_id)
    rejects = Rejects(paths.rejects)
    monitor = _InputMonitor()
    progress = _Progress(enabled=options.progress)
    record_stats = Pipeline(record_stages).stats
    finish_stats = Pipeline(finish_stages).stats
    outputs: _Outputs | None = None
    try:
        with worker_pool(options.workers) as pool:
            records = monitor.wrap(read_records(inputs, options.read, rejects))
            progress.start("read + normalize", _input_size(inputs))
            _run_shards(records, record_stages, record_stats, work, options, pool, progress)
            _refuse_all_rejected(monitor.records, rejects)
            _learn(finish_stages, work, pool, progress)
            outputs = _finish(work, finish_stages, finish_stats, paths, options, pool, progress)
        progress.close()
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
            "stages": [s.as_dict() for s in [*record_stats.values(), *finish_stats.values()]],
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
        progress.close()
        if outputs is not None:
            outputs.discard()
        rejects.discard()
        for stage in committing:
            stage.discard()
        work.abandon()
        raise
    work.remove()
    return report


def _check_dependencies(inputs: Sequence[str], fmt: str) -> None:
    """Fail fast on an unknown output format, or an optional package the run will need."""
    output_format(fmt).check_dependencies()
    check_input_dependencies(inputs)


def _input_size(inputs: Sequence[str]) -> int | None:
    """Bytes of input, for the first progress bar (``None``: unknown, e.g. stdin).

    Compressed files make it unknown: the bar counts the bytes read out of them.
    """
    total = 0
    for item in inputs:
        path = Path(item)
        if item == STDIN or not path.exists():
            return None
        files = input_files(path)
        if any(compression(file) for file in files):
            return None
        total += sum(file.stat().st_size for file in files)
    return total


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


@dataclass
class _Part:
    """What the workers made of one batch.

    Attributes:
        count: Records in the batch.
        survivors: Records that survived the stages.
        records: The surviving records, encoded (:func:`~cleaner.records.encode_records`).
        events: Removal and drop events as ``--removed`` lines.
        stats: Counters of the stages that ran, by stage name.
        survivors_bytes: Text bytes of the surviving records.
        signed: The corpus stage's per-batch data, if it has a signer.
    """

    count: int
    survivors: int
    records: bytes
    events: bytes
    stats: dict[str, StageStats]
    survivors_bytes: int
    signed: Any = None

    def count_into(self, stats: Mapping[str, StageStats]) -> None:
        for name, part in self.stats.items():
            stats[name].add(part)


def _summarise(traced: list[Traced], signer: Callable[[list[Record]], Any] | None) -> _Part:
    stats: dict[str, StageStats] = {}
    lines: list[bytes] = []
    for item in traced:
        for step in item.steps:
            if step.stage not in stats:
                stats[step.stage] = StageStats(step.stage)
            stats[step.stage].count(step)
            lines.extend(_event_line(event) for event in step.events if event.kind != "edit")
    survivors = [item.record for item in traced if item.record is not None]
    return _Part(
        count=len(traced),
        survivors=len(survivors),
        records=encode_records(survivors),
        events=b"".join(lines),
        stats=stats,
        survivors_bytes=sum(nbytes(record.text) for record in survivors),
        signed=signer(survivors) if signer is not None else None,
    )


@dataclass
class _StagesHandler:
    """Runs record stages (and a corpus stage's signer) over batches, in a worker."""

    stages: Sequence[RecordStage]
    signer: Callable[[list[Record]], Any] | None = None

    def handle(self, batch: bytes) -> _Part:
        return _summarise(trace_records(self.stages, decode_records(batch)), self.signer)

    def finish(self) -> None:
        return None


@dataclass
class _LearnHandler:
    """Counts a learning stage's corpus statistics over batches; :meth:`finish` gives them."""

    stage: MergeableLearningStage
    counts: Any = None

    def handle(self, batch: bytes) -> None:
        if self.counts is None:
            self.counts = self.stage.new_counts()
        self.stage.count(self.counts, decode_records(batch))

    def finish(self) -> Any:
        counts, self.counts = self.counts, None
        return counts


def _input_batches(records: Iterable[Record], shard_size: int) -> Iterator[list[Record]]:
    """Batches of input records; none spans two shards (shards are checkpointed whole)."""
    batch: list[Record] = []
    size = 0
    in_shard = 0
    for record in records:
        batch.append(record)
        size += len(record.text)
        in_shard += 1
        if in_shard == shard_size or len(batch) >= BATCH_RECORDS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
            in_shard %= shard_size
    if batch:
        yield batch


def _run_shards(
    records: Iterator[Record],
    stages: Sequence[RecordStage],
    stats: dict[str, StageStats],
    work: _WorkDir,
    options: RunOptions,
    pool: WorkerPool,
    progress: _Progress,
) -> None:
    """Run the record stages shard by shard in the workers, saving each finished shard."""
    size = options.shard_size
    done = work.finished_shards()
    if done:
        for saved in work.load_stats(done - 1):
            stats[saved.name] = saved
        # The input is read again from the start (rejects and ids are recounted),
        # but the finished shards' records skip the stages.
        for _ in islice(records, done * size):
            pass
    shard = work.new_shard(done)
    pool.install(_StagesHandler(stages))
    in_shard = 0
    for part in pool.map(_encoded(_input_batches(records, size), progress)):
        shard.write(part.records, part.events)
        part.count_into(stats)
        in_shard += part.count
        if in_shard == size:
            shard.commit(stats.values())
            shard = work.new_shard(shard.index + 1)
            in_shard = 0
    shard.commit(stats.values())


def _encoded(batches: Iterable[list[Record]], progress: _Progress) -> Iterator[bytes]:
    for batch in batches:
        data = encode_records(batch)
        progress.advance(len(data))
        yield data


def _learn(stages: Sequence[Stage], work: _WorkDir, pool: WorkerPool, progress: _Progress) -> None:
    """Give every learning stage its pass over the saved shards, in order.

    A stage whose counts merge exactly counts in the workers (one part each),
    merged here; any other learns in this process.
    """
    for stage in stages:
        if not isinstance(stage, LearningStage):
            continue
        progress.start("learn", work.size())
        if not isinstance(stage, MergeableLearningStage):
            stage.learn(r for batch in work.batches(progress) for r in decode_records(batch))
            continue
        pool.install(_LearnHandler(stage))
        for _ in pool.map(work.batches(progress)):
            pass
        total = None
        for part in pool.finish():  # merged one at a time: each may be a large table
            if total is None:
                total = part
            elif part is not None:
                total.merge(part)
        stage.use_counts(stage.new_counts() if total is None else total)


def _split_finish(
    stages: Sequence[Stage],
) -> tuple[list[RecordStage], CorpusStage | None, list[Stage]]:
    """The leading record stages, the corpus stage after them (if any), and the rest."""
    head: list[RecordStage] = []
    for position, stage in enumerate(stages):
        if isinstance(stage, CorpusStage):
            return head, stage, list(stages[position + 1 :])
        head.append(stage)
    return head, None, []


def _finish(
    work: _WorkDir,
    stages: Sequence[Stage],
    stats: dict[str, StageStats],
    paths: OutputPaths,
    options: RunOptions,
    pool: WorkerPool,
    progress: _Progress,
) -> _Outputs:
    """Stream the saved shards through the finishing stages into the (uncommitted) outputs.

    The leading record stages and the corpus stage's signer run in the
    workers; the corpus stage decides here, and any later stages run here.
    """
    head, corpus, tail = _split_finish(stages)
    signer = corpus.signer() if isinstance(corpus, SignedCorpusStage) else None
    outputs = _Outputs(paths, options)
    try:
        if outputs.removed is not None:
            work.copy_events(outputs.removed.handle)
        pool.install(_StagesHandler(head, signer))
        progress.start("strip + sign", work.size())
        parts = _take_parts(pool.map(work.batches(progress)), stats, outputs, progress)
        stream = _corpus_output(corpus, signer is not None, parts, stats, outputs.write_event)
        tail_pipeline = Pipeline(tail)
        tail_pipeline.stats = {stage.name: stats[stage.name] for stage in tail}
        for record in tail_pipeline.run(stream, outputs.write_event):
            outputs.records.write(record)
            progress.advance(nbytes(record.text))
        outputs.records.finish()
    except BaseException:
        outputs.discard()
        raise
    return outputs


def _take_parts(
    parts: Iterable[_Part], stats: dict[str, StageStats], outputs: _Outputs, progress: _Progress
) -> Iterator[_Part]:
    """Count and write each batch's events; when all are in, the last pass begins."""
    survivors_bytes = 0
    for part in parts:
        part.count_into(stats)
        outputs.write_events(part.events)
        survivors_bytes += part.survivors_bytes
        yield part
    progress.start("dedup + write", survivors_bytes)


def _corpus_output(
    corpus: CorpusStage | None,
    signed: bool,
    parts: Iterable[_Part],
    stats: dict[str, StageStats],
    listener: Callable[[Event], None],
) -> Iterator[Record]:
    """The records after the corpus stage (all of them when there is none), counted."""
    if corpus is None:
        for part in parts:
            yield from decode_records(part.records)
        return
    counters = stats[corpus.name]

    def counted(parts: Iterable[_Part]) -> Iterator[_Part]:
        for part in parts:
            counters.records_in += part.survivors
            counters.bytes_in += part.survivors_bytes
            yield part

    def emit(event: Event) -> None:
        counters.reasons[event.reason] += event.count
        listener(event)

    if signed and isinstance(corpus, SignedCorpusStage):
        kept = corpus.process_signed(((p.records, p.signed) for p in counted(parts)), emit)
    else:
        records = (r for part in counted(parts) for r in decode_records(part.records))
        kept = corpus.process_stream(records, emit)
    for record in kept:
        counters.records_out += 1
        counters.bytes_out += nbytes(record.text)
        yield record


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
        if event.kind != "edit":
            self.write_events(_event_line(event))

    def write_events(self, lines: bytes) -> None:
        if self.removed is not None:
            self.removed.handle.write(lines)

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
        "id": event.id,
        "stage": event.stage,
        "reason": event.reason,
        "kind": event.kind,
        **event.detail,
    }
    return orjson.dumps(entry) + b"\n"


class _Shard:
    """One shard being written: its records, its removal events, then its marker.

    The marker holds the counters so far and the checksum of each file, so a
    resumed run can tell a finished shard from an edited or damaged one.
    """

    def __init__(self, directory: Path, index: int) -> None:
        self.index = index
        self._directory = directory
        self._files: dict[str, AtomicFile] = {}
        try:
            for kind in _SHARD_FILES:
                self._files[kind] = AtomicFile(_shard_path(directory, index, kind))
        except BaseException:
            self.discard()  # the files created before the one that failed
            raise
        self._digests = {kind: hashlib.sha256() for kind in _SHARD_FILES}

    def write(self, records: bytes, events: bytes) -> None:
        """Append encoded records and ``--removed`` event lines."""
        for kind, data in (("records", records), ("events", events)):
            self._files[kind].handle.write(data)
            self._digests[kind].update(data)

    def commit(self, stats: Iterable[StageStats]) -> None:
        """Publish the shard; the marker is written last and marks it finished."""
        for file in self._files.values():
            file.commit()
        sums = {kind: digest.hexdigest() for kind, digest in self._digests.items()}
        with AtomicFile(_shard_path(self._directory, self.index, "stats")) as marker:
            marker.handle.write(
                orjson.dumps({"stats": [s.as_dict() for s in stats], "sha256": sums})
            )

    def discard(self) -> None:
        for file in self._files.values():
            file.discard()


_SHARD_FILES = ("records", "events")


def _shard_path(directory: Path, index: int, kind: str) -> Path:
    return directory / f"part-{index:05d}.{kind}.{'json' if kind == 'stats' else 'jsonl'}"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BATCH_BYTES):
            digest.update(block)
    return digest.hexdigest()


class _WorkDir:
    """The directory holding finished shards (kept across runs only with ``resume``).

    The run holds an exclusive lock on its ``lock`` file while it lives; the
    lock dies with the process, however it dies, so a later run can tell an
    abandoned directory from a live one (:func:`_remove_abandoned_work`).
    """

    def __init__(self, path: Path, keep_on_failure: bool) -> None:
        self.path = path
        self._keep_on_failure = keep_on_failure
        self._current: _Shard | None = None
        self._lock = _hold_lock(path)

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
                prefix=f".{paths.records.name}.", suffix=_WORK_SUFFIX, dir=paths.records.parent
            )
            return cls(Path(temporary), keep_on_failure=False)
        if STDIN in inputs:
            raise ConfigError("--resume needs input files; standard input cannot be read again")
        path = _resume_dir(paths.records)
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
            with AtomicFile(saved) as marker:
                marker.handle.write(fingerprint.encode())
        work = cls(path, keep_on_failure=True)
        work.drop_damaged_shards()
        return work

    def finished_shards(self) -> int:
        """Number of finished shards; they always form a prefix."""
        count = 0
        while _shard_path(self.path, count, "stats").exists():
            count += 1
        return count

    def drop_damaged_shards(self) -> None:
        """Unmark the first shard whose files differ from their checksums, and all after it.

        Those shards are done again: a resumed run never trusts an edited file.
        """
        finished = self.finished_shards()
        for index in range(finished):
            sums = orjson.loads(_shard_path(self.path, index, "stats").read_bytes())["sha256"]
            intact = all(
                _shard_path(self.path, index, kind).exists()
                and _file_sha256(_shard_path(self.path, index, kind)) == sums[kind]
                for kind in _SHARD_FILES
            )
            if not intact:
                for later in range(index, finished):
                    _shard_path(self.path, later, "stats").unlink()
                return

    def load_stats(self, index: int) -> list[StageStats]:
        data = orjson.loads(_shard_path(self.path, index, "stats").read_bytes())
        return [StageStats.from_dict(item) for item in data["stats"]]

    def new_shard(self, index: int) -> _Shard:
        self._current = _Shard(self.path, index)
        return self._current

    def _record_files(self) -> list[Path]:
        return [_shard_path(self.path, i, "records") for i in range(self.finished_shards())]

    def size(self) -> int:
        """Bytes of saved records (the total of the later passes' progress bars)."""
        return sum(path.stat().st_size for path in self._record_files())

    def batches(self, progress: _Progress) -> Iterator[bytes]:
        """The saved records as batches of whole lines, about ``BATCH_BYTES`` each."""
        for path in self._record_files():
            with open(path, "rb") as handle:
                rest = b""
                while block := handle.read(BATCH_BYTES):
                    block = rest + block
                    cut = block.rfind(b"\n") + 1
                    rest = block[cut:]
                    if cut:
                        progress.advance(cut)
                        yield block[:cut]
                if rest:
                    progress.advance(len(rest))
                    yield rest

    def copy_events(self, target: Any) -> None:
        for index in range(self.finished_shards()):
            with open(_shard_path(self.path, index, "events"), "rb") as handle:
                shutil.copyfileobj(handle, target)

    def abandon(self) -> None:
        """After a failure: drop the unfinished shard; keep finished ones only for resume."""
        if self._current is not None:
            self._current.discard()
        if not self._keep_on_failure:
            self.remove()
        else:
            self._lock.close()

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.close()


_WORK_SUFFIX = ".work"


def _resume_dir(records: Path) -> Path:
    return records.with_name(f".{records.name}.resume")


def _hold_lock(directory: Path) -> IO[bytes]:
    """Open and lock ``directory/lock`` for as long as this process keeps it open.

    Raises:
        ConfigError: Another live run holds it (two resumes of one output).
    """
    handle = open(directory / "lock", "wb")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConfigError(f"another run is using {directory}; wait for it to end") from None
    return handle


def _remove_abandoned_work(records: Path, *, keep_resume: bool) -> None:
    """Delete work directories that runs writing ``records`` left behind when they died.

    A directory is abandoned when nobody holds its lock. The resume directory
    is kept for ``--resume``; a run without it starts afresh and removes it.
    """
    if not records.parent.is_dir():
        return
    candidates = list(records.parent.glob(f".{records.name}.*{_WORK_SUFFIX}"))
    if not keep_resume:
        candidates.append(_resume_dir(records))
    for directory in candidates:
        if directory.is_dir() and _abandoned(directory):
            shutil.rmtree(directory, ignore_errors=True)


def _abandoned(directory: Path) -> bool:
    lock = directory / "lock"
    try:
        handle = open(lock, "rb")  # noqa: SIM115 - closed below, releasing the probe lock
    except FileNotFoundError:
        # A run creates its lock right after the directory; only an old one lacks it.
        return time.time() - directory.stat().st_mtime > UNLOCKED_GRACE_SECONDS
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


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
        for file in input_files(item):
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
    """Counts input records and bytes and reports duplicate ids."""

    def __init__(self) -> None:
        self.records = 0
        self.bytes = 0
        self.duplicate_ids: list[str] = []
        self.duplicate_id_count = 0
        # Hashes, not the ids: a 64-bit hash per record keeps memory small, and a
        # collision (odds ~1e-7 at a million ids) only adds a spurious report line.
        self._seen: set[int] = set()

    def wrap(self, records: Iterable[Record]) -> Iterator[Record]:
        """Pass records through while counting them."""
        for record in records:
            self.records += 1
            self.bytes += nbytes(record.text)
            self._check_id(record.id)
            yield record

    def _check_id(self, record_id: str) -> None:
        key = hash(record_id)
        if key not in self._seen:
            self._seen.add(key)
            return
        self.duplicate_id_count += 1
        if len(self.duplicate_ids) < MAX_REPORTED_DUPLICATE_IDS:
            self.duplicate_ids.append(record_id)


class _Progress:
    """One tqdm bar per pass over bytes: percentage, rate and ETA on stderr."""

    def __init__(self, *, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: tqdm[Any] | None = None

    def start(self, name: str, total: int | None) -> None:
        """Close the current pass's bar (as complete) and open the next one's."""
        self.close()
        self._bar = tqdm(
            total=total,
            desc=name,
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            file=sys.stderr,
            disable=not self._enabled,
        )

    def advance(self, size: int) -> None:
        if self._bar is not None:
            self._bar.update(size)

    def close(self) -> None:
        if self._bar is None:
            return
        if self._bar.total is not None and self._bar.n < self._bar.total:
            # Byte counts of later passes are estimates (text vs. file bytes).
            self._bar.update(self._bar.total - self._bar.n)
        self._bar.close()
        self._bar = None
