"""The record pipeline: stage order, counters, events, workers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pytest

from cleaner import ConfigError, Pipeline, Record
from cleaner.pipeline import Event, StageOutput
from cleaner.stages import NormalizeStage


@dataclass
class DropShort:
    """Drops records shorter than ``minimum`` characters (a record stage)."""

    minimum: int
    name: str = "drop_short"

    def process(self, record: Record) -> StageOutput:
        if len(record.text) < self.minimum:
            return None, [Event(record.id, self.name, "too_short", "drop")]
        return record, []


@dataclass
class KeepFirstOfEachText:
    """Drops exact repeats of an earlier text (a corpus stage)."""

    name: str = "exact_dedup"

    def process_stream(
        self, records: Iterable[Record], emit: Callable[[Event], None]
    ) -> Iterator[Record]:
        seen: dict[str, str] = {}
        for record in records:
            if record.text in seen:
                emit(
                    Event(
                        record.id,
                        self.name,
                        "exact_duplicate",
                        "drop",
                        detail={"duplicate_of": seen[record.text]},
                    )
                )
                continue
            seen[record.text] = record.id
            yield record


def sample_records() -> list[Record]:
    texts = ["Hà\u00a0Nội", "x", "Vie\u0302\u0323t Nam", "Hà Nội", "Huế  đẹp", "y"]
    return [Record(f"r{i}", text, {"i": i}) for i, text in enumerate(texts)]


def test_stages_run_in_order_and_count_reasons() -> None:
    events: list[Event] = []
    pipeline = Pipeline([NormalizeStage(), DropShort(2), KeepFirstOfEachText()])
    out = list(pipeline.run(sample_records(), events.append))
    assert [(r.id, r.text) for r in out] == [
        ("r0", "Hà Nội"),
        ("r2", "Việt Nam"),
        ("r4", "Huế đẹp"),
    ]
    stats = pipeline.stats
    assert (stats["normalize"].records_in, stats["normalize"].records_out) == (6, 6)
    assert stats["normalize"].reasons == {"whitespace": 2, "nfc": 1}
    assert stats["drop_short"].reasons == {"too_short": 2}
    assert stats["exact_dedup"].records_out == 3
    assert stats["exact_dedup"].reasons == {"exact_duplicate": 1}
    drops = [e for e in events if e.kind == "drop"]
    assert [(e.id, e.reason) for e in drops] == [
        ("r1", "too_short"),
        ("r3", "exact_duplicate"),
        ("r5", "too_short"),
    ]  # events arrive in record order: stages are lazy and interleave
    assert stats["normalize"].bytes_in > stats["normalize"].bytes_out


def test_two_workers_give_identical_output_and_stats() -> None:
    records = [Record(f"d{i}", f"Bài\u00a0số {i}  hôm nay" * (i % 7 + 1)) for i in range(500)]

    def run(workers: int) -> tuple[list[tuple[str, str]], dict[str, object]]:
        pipeline = Pipeline([NormalizeStage(), DropShort(30)], workers=workers, chunk_size=16)
        out = [(r.id, r.text) for r in pipeline.run([Record(r.id, r.text) for r in records])]
        return out, {name: s.as_dict() for name, s in pipeline.stats.items()}

    assert run(2) == run(1)


def test_invalid_pipeline_configuration_is_rejected() -> None:
    with pytest.raises(ConfigError):
        Pipeline([NormalizeStage()], workers=0)
    with pytest.raises(ConfigError):
        Pipeline([NormalizeStage(), NormalizeStage()])
