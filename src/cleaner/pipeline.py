"""An ordered list of named stages over a stream of records, with counters.

A *record stage* maps one record to a record (or drops it) and may run in
worker processes; a *corpus stage* (dedup) sees the whole stream. Every stage
reports what it did as :class:`Event` objects; the pipeline turns them into
per-stage :class:`StageStats` and hands them to an optional listener (the CLI
writes removals and drops to ``--removed``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal, Protocol, TypeAlias, cast, runtime_checkable

from cleaner.deprecation import renamed_attribute
from cleaner.errors import ConfigError, check_collection, check_int, check_text, wrong_item_type
from cleaner.records import Record, decode_records, encode_records
from cleaner.workers import worker_pool

EventKind: TypeAlias = Literal["edit", "removal", "drop"]


@dataclass(frozen=True, slots=True)
class Event:
    """Something a stage did to a record.

    Attributes:
        id: The record concerned.
        stage: Name of the stage.
        reason: snake_case reason code (e.g. ``"nfc"``, ``"related_news_block"``).
        kind: ``"edit"`` (text changed in place), ``"removal"`` (a span was
            removed) or ``"drop"`` (the whole record was dropped).
        count: How many occurrences this event stands for (edits are grouped).
        detail: Reason-specific data (removed text, span, duplicate-of id...).
    """

    id: str
    stage: str
    reason: str
    kind: EventKind = "edit"
    count: int = 1
    detail: dict[str, Any] = field(default_factory=dict)

    record_id = renamed_attribute("record_id", "id")


StageOutput: TypeAlias = tuple[Record | None, list[Event]]


@runtime_checkable
class RecordStage(Protocol):
    """A stage that handles each record on its own (safe to run in worker processes)."""

    name: str

    def process(self, record: Record) -> StageOutput:
        """Return the new record (``None`` to drop it) and the events."""
        ...


@runtime_checkable
class PreparingStage(Protocol):
    """A record stage that does part of its work for a whole batch at once.

    Before a batch goes through the stage, :meth:`prepare` gets the records
    the stage will see; it may compute what the batch's records need in one
    go (e.g. one sketch read instead of one per record). It must not change
    any result: :meth:`~RecordStage.process` answers as it would without it.
    """

    def prepare(self, records: list[Record]) -> None:
        """Get ready for ``records``, which :meth:`~RecordStage.process` gets next."""
        ...


@runtime_checkable
class CorpusStage(Protocol):
    """A stage that needs the whole stream (e.g. deduplication)."""

    name: str

    def process_stream(
        self, records: Iterable[Record], emit: Callable[[Event], None]
    ) -> Iterator[Record]:
        """Yield the kept records, reporting every event through ``emit``."""
        ...


Stage: TypeAlias = RecordStage | CorpusStage


@runtime_checkable
class LearningStage(Protocol):
    """A stage that learns from the whole corpus before it processes any record.

    ``cleaner run`` calls :meth:`learn` with one pass over the records saved by
    the checkpointed record stages, then runs the finishing stages (e.g.
    corpus-level boilerplate lines learned from normalized text).
    """

    def learn(self, records: Iterable[Record]) -> None:
        """Read the corpus once (streaming) and keep what the stage needs."""
        ...


class Mergeable(Protocol):
    """Counts that add up exactly: parts counted apart and merged equal one count of all."""

    def merge(self, other: Any) -> None:
        """Add ``other``'s counts into these."""
        ...


@runtime_checkable
class MergeableLearningStage(LearningStage, Protocol):
    """A learning stage whose counting can be split over worker processes.

    ``cleaner run`` gives each worker :meth:`new_counts`, lets it :meth:`count`
    its share of the records, merges the parts in the parent and hands the
    total to :meth:`use_counts`: the same as :meth:`~LearningStage.learn` over
    all records, because the counts merge exactly.
    """

    def new_counts(self) -> Mergeable:
        """Empty counts (picklable)."""
        ...

    def count(self, counts: Any, records: Iterable[Record]) -> None:
        """Add ``records`` to ``counts``."""
        ...

    def use_counts(self, counts: Any) -> None:
        """Learn from the merged counts of the whole corpus."""
        ...


@runtime_checkable
class SignedCorpusStage(Protocol):
    """A corpus stage whose per-record work can run in worker processes.

    :meth:`signer` returns a picklable function that computes, from one batch
    of records, all the stage needs from them (e.g. MinHash signatures);
    :meth:`process_signed` then makes the corpus-wide decision from the
    batches, in order. ``process_stream`` must give the same result.
    """

    name: str

    def signer(self) -> Callable[[list[Record]], Any] | None:
        """The per-batch function, or ``None`` when this configuration cannot split."""
        ...

    def process_signed(
        self, batches: Iterable[tuple[bytes, Any]], emit: Callable[[Event], None]
    ) -> Iterator[Record]:
        """Yield the kept records from ``(encode_records(batch), signer(batch))`` pairs."""
        ...


@runtime_checkable
class SpillingStage(Protocol):
    """A stage that writes temporary files, told where by the runner.

    ``cleaner run`` points it at the run's work directory, which a later run
    removes if this one is killed.
    """

    def spill_to(self, directory: Path) -> None:
        """Put temporary files under ``directory``."""
        ...


@runtime_checkable
class CommittingStage(Protocol):
    """A stage that keeps state outside the run's outputs (e.g. a persistent index).

    Such state must become visible only after the outputs: a run that dies in
    between would otherwise leave state claiming records the outputs never got.
    :func:`~cleaner.runner.run_files` calls :meth:`begin` before the run,
    prepares every output, moves them into place, and only then calls
    :meth:`commit`; a failed run calls :meth:`discard` instead.
    """

    def begin(self, run_id: str | None) -> None:
        """Note which run this is (``None``: unknown, e.g. standard input).

        A retry of the same run (same inputs, options and outputs) gets the
        same id, so the stage can recognise state it committed for that run.
        """
        ...

    def commit(self) -> None:
        """Make the prepared state visible (called after the outputs are in place)."""
        ...

    def discard(self) -> None:
        """Throw away prepared state (called when the run fails)."""
        ...


@dataclass
class StageStats:
    """Counters of one stage."""

    name: str
    records_in: int = 0
    records_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageStats:
        """Rebuild counters saved with :meth:`as_dict`."""
        return cls(
            name=data["name"],
            records_in=data["records_in"],
            records_out=data["records_out"],
            bytes_in=data["bytes_in"],
            bytes_out=data["bytes_out"],
            reasons=Counter(data["reasons"]),
        )

    def add(self, other: StageStats) -> None:
        """Add another part's counters (e.g. of a batch done in a worker)."""
        self.records_in += other.records_in
        self.records_out += other.records_out
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.reasons.update(other.reasons)

    def count(self, step: Step) -> None:
        """Count what the stage did to one record."""
        self.records_in += 1
        self.bytes_in += step.bytes_in
        if step.bytes_out is not None:
            self.records_out += 1
            self.bytes_out += step.bytes_out
        for event in step.events:
            self.reasons[event.reason] += event.count

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "records_in": self.records_in,
            "records_out": self.records_out,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "reasons": dict(sorted(self.reasons.items())),
        }


Listener: TypeAlias = Callable[[Event], None]


_STAGE_KINDS = "a stage (an object with name and process, or name and process_stream)"


def _checked_records(records: object) -> Iterator[Record]:
    """``records``, refusing anything but :class:`Record` objects with ``str`` texts.

    The collection is checked at once, each record as it is read (the stream is lazy).
    """
    check_collection("records", records)
    iterable = cast(Iterable[object], records)
    return (_checked_record(record, number) for number, record in enumerate(iterable))


def _checked_record(record: object, number: int) -> Record:
    if not isinstance(record, Record):
        wrong_item_type(f"record {number}", record, "a cleaner.Record (see cleaner.read_records)")
    check_text(f"record {number}: the text", record.text)
    return record


class Pipeline:
    """Runs stages in order over records.

    Args:
        stages: Stages in order. Consecutive record stages are fused and, with
            ``workers > 1``, run in worker processes; output order and bytes
            are identical to ``workers=1``.
        workers: Number of processes for record stages. Workers are spawned:
            a script that uses them needs an ``if __name__ == "__main__":``
            guard, or the run stops with a :class:`~cleaner.errors.ConfigError`.
        chunk_size: Records sent to a worker at a time.
    """

    def __init__(self, stages: Sequence[Stage], *, workers: int = 1, chunk_size: int = 64) -> None:
        check_collection("stages", stages)
        stages = list(stages)
        for number, stage in enumerate(stages):
            if not isinstance(stage, (RecordStage, CorpusStage)):
                wrong_item_type(f"stages[{number}]", stage, _STAGE_KINDS)
        check_int("workers", workers, 1)
        check_int("chunk_size", chunk_size, 1)
        names = [stage.name for stage in stages]
        if len(set(names)) != len(names):
            raise ConfigError(f"stage names must be unique, got {names}")
        self.stages = stages
        self.workers = workers
        self.chunk_size = chunk_size
        self.stats = {stage.name: StageStats(stage.name) for stage in stages}

    def run(self, records: Iterable[Record], listener: Listener | None = None) -> Iterator[Record]:
        """Yield the records that survive every stage.

        Args:
            records: The input stream (consumed lazily).
            listener: Called with every event, in record order.

        Raises:
            ArgumentTypeError: ``records`` is not an iterable of
                :class:`~cleaner.records.Record` (checked as they are read).
        """
        stream = _checked_records(records)
        for group in _group_stages(self.stages):
            if isinstance(group, list):
                aligned = self._run_record_stages(group, stream, listener)
                stream = (record for record in aligned if record is not None)
            else:
                stream = self._run_corpus_stage(group, stream, listener)
        yield from stream

    @property
    def record_local(self) -> bool:
        """Whether every stage handles records on its own (no corpus stage)."""
        return not any(isinstance(stage, CorpusStage) for stage in self.stages)

    def run_aligned(
        self, records: Iterable[Record], listener: Listener | None = None
    ) -> Iterator[Record | None]:
        """Yield one item per input record: the processed record, or ``None`` if dropped.

        When an item is yielded, its events have been delivered and counted, so
        a caller can checkpoint at any record boundary.

        Raises:
            ConfigError: If the pipeline has a corpus stage.
        """
        if not self.record_local:
            raise ConfigError("run_aligned needs a pipeline of record stages only")
        stages = [stage for stage in self.stages if isinstance(stage, RecordStage)]
        yield from self._run_record_stages(stages, _checked_records(records), listener)

    def load_stats(self, stats: Iterable[StageStats]) -> None:
        """Continue counting from earlier counters (used when a run is resumed)."""
        for stage_stats in stats:
            if stage_stats.name not in self.stats:
                raise ConfigError(f"no stage named {stage_stats.name!r} in this pipeline")
            self.stats[stage_stats.name] = stage_stats

    def _run_record_stages(
        self, stages: list[RecordStage], records: Iterable[Record], listener: Listener | None
    ) -> Iterator[Record | None]:
        chunks = (encode_records(chunk) for chunk in _chunked(records, self.chunk_size))
        with worker_pool(self.workers, _TraceHandler(stages)) as pool:
            yield from self._collect(pool.map(chunks), listener)

    def _collect(
        self, results: Iterable[list[Traced]], listener: Listener | None
    ) -> Iterator[Record | None]:
        for chunk in results:
            for traced in chunk:
                for step in traced.steps:
                    self._count(step, listener)
                yield traced.record

    def _count(self, step: Step, listener: Listener | None) -> None:
        self.stats[step.stage].count(step)
        if listener is not None:
            for event in step.events:
                listener(event)

    def _run_corpus_stage(
        self, stage: CorpusStage, records: Iterable[Record], listener: Listener | None
    ) -> Iterator[Record]:
        stats = self.stats[stage.name]

        def counted_input() -> Iterator[Record]:
            for record in records:
                stats.records_in += 1
                stats.bytes_in += nbytes(record.text)
                yield record

        def emit(event: Event) -> None:
            stats.reasons[event.reason] += event.count
            if listener is not None:
                listener(event)

        for record in stage.process_stream(counted_input(), emit):
            stats.records_out += 1
            stats.bytes_out += nbytes(record.text)
            yield record


@dataclass(slots=True)
class Step:
    """What one stage did to one record (sent back from workers)."""

    stage: str
    bytes_in: int
    bytes_out: int | None
    events: list[Event]


@dataclass(slots=True)
class Traced:
    """A record after the record stages (``None``: dropped) and what each stage did."""

    record: Record | None
    steps: list[Step]


def _group_stages(stages: Sequence[Stage]) -> Iterator[list[RecordStage] | CorpusStage]:
    """Fuse runs of consecutive record stages; corpus stages stand alone."""
    run: list[RecordStage] = []
    for stage in stages:
        if isinstance(stage, CorpusStage):
            if run:
                yield run
                run = []
            yield stage
        else:
            run.append(stage)
    if run:
        yield run


def trace_records(stages: Sequence[RecordStage], records: Iterable[Record]) -> list[Traced]:
    """Run each record through ``stages`` (until one drops it).

    The batch goes stage by stage, so that a stage that prepares for a batch
    (:class:`PreparingStage`) sees all the records it will get; each record's
    steps are those of running it through the stages alone.
    """
    traced = [Traced(record, []) for record in records]
    # One stage's output size is the next one's input size, and a stage that
    # changed nothing kept the size: encoding each text again per stage was
    # a tenth of a tiny record's time.
    sizes = [nbytes(_alive(item).text) for item in traced]
    alive = list(range(len(traced)))
    for stage in stages:
        if isinstance(stage, PreparingStage):
            stage.prepare([_alive(traced[i]) for i in alive])
        alive = [i for i in alive if _step(stage, traced[i], sizes, i)]
    return traced


def _alive(item: Traced) -> Record:
    assert item.record is not None  # only records no stage dropped are passed on
    return item.record


def _step(stage: RecordStage, item: Traced, sizes: list[int], index: int) -> bool:
    """Run one stage on one traced record; whether the record is still there."""
    current = _alive(item)
    before = current.text
    result, events = stage.process(current)
    size = sizes[index]
    if result is None:
        item.steps.append(Step(stage.name, size, None, events))
        item.record = None
        return False
    size_out = size if result.text == before else nbytes(result.text)
    item.steps.append(Step(stage.name, size, size_out, events))
    item.record, sizes[index] = result, size_out
    return True


@dataclass
class _TraceHandler:
    """Runs record stages on chunks of encoded records (in a worker or in-process)."""

    stages: Sequence[RecordStage]

    def handle(self, chunk: bytes) -> list[Traced]:
        return trace_records(self.stages, decode_records(chunk))

    def finish(self) -> None:
        return None


def _chunked(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def nbytes(text: str) -> int:
    """UTF-8 size of a text (lone surrogates count as 3 bytes, as they are written)."""
    return len(text.encode("utf-8", errors="surrogatepass"))
