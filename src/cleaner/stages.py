"""The pipeline stages of ``cleaner run``: thin adapters from library functions to records."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from cleaner.boilerplate import BoilerplateConfig, learn_boilerplate, strip_boilerplate_and_explain
from cleaner.dedup import (
    LEVELS,
    MIN_PASSAGE_SYLLABLES,
    DedupConfig,
    DedupCorpus,
    Level,
    NearDuplicateIndex,
    PassageCorpus,
    PassageDuplicate,
)
from cleaner.errors import ConfigError
from cleaner.normalize import NormalizeConfig, normalize_and_explain
from cleaner.pipeline import Event, StageOutput
from cleaner.records import Record


@dataclass
class NormalizeStage:
    """Normalizes each record's text; reports the number of edits per kind.

    Attributes:
        config: Normalization options.
        name: Stage name in stats and events.
    """

    config: NormalizeConfig = field(default_factory=NormalizeConfig)
    name: str = "normalize"

    def process(self, record: Record) -> StageOutput:
        """Normalize one record."""
        text, edits = normalize_and_explain(record.text, config=self.config)
        counts = Counter(edit.kind for edit in edits)
        events = [
            Event(record.id, self.name, kind, "edit", count)
            for kind, count in sorted(counts.items())
        ]
        record.text = text
        return record, events


@dataclass
class BoilerplateStage:
    """Strips boilerplate from each record; every removed span is an event.

    With ``learn_corpus`` (the default), :meth:`learn` counts short lines per
    source over the whole corpus first, so lines frequent in one source are
    removed as ``corpus_line`` even when no rule names them.

    Attributes:
        config: Boilerplate options (``line_stats`` is filled in by :meth:`learn`).
        source_field: Meta field naming a record's source (site); records
            without it share the source ``""``.
        learn_corpus: Whether :meth:`learn` learns corpus-level lines.
        min_docs: A corpus line occurs in at least this many documents ...
        min_fraction: ... and at least this fraction of its source's documents.
        name: Stage name in stats and events.
    """

    config: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    source_field: str = "source"
    learn_corpus: bool = True
    min_docs: int = 10
    min_fraction: float = 0.005
    name: str = "boilerplate"

    def source_of(self, record: Record) -> str:
        """The source (site) a record belongs to."""
        return str(record.meta.get(self.source_field) or "")

    def learn(self, records: Iterable[Record]) -> None:
        """First pass: learn the lines that recur across documents of a source."""
        if not self.learn_corpus:
            return
        stats = learn_boilerplate(
            records, source=self.source_of, min_docs=self.min_docs, min_fraction=self.min_fraction
        )
        self.config = replace(self.config, line_stats=stats)

    def process(self, record: Record) -> StageOutput:
        """Strip one record's boilerplate."""
        text, removals = strip_boilerplate_and_explain(
            record.text, config=self.config, source=self.source_of(record)
        )
        events = [
            Event(
                record.id,
                self.name,
                removal.reason,
                "removal",
                1,
                {
                    "line": removal.line_no,
                    "start": removal.start,
                    "end": removal.end,
                    "text": removal.text,
                },
            )
            for removal in removals
        ]
        record.text = text
        return record, events


@dataclass
class DedupStage:
    """Drops near-duplicate documents, or removes repeated paragraphs (``level="passage"``).

    The stage reads the whole stream once (records are buffered in a
    temporary file, only compact arrays stay in memory), decides, then yields
    the kept records in input order. Every dropped record or removed
    paragraph is an event naming what it duplicates and the Jaccard.

    With an ``index`` the records are checked in input order against the
    index and against the records kept before them ("first seen wins", as
    incremental crawls need); ``update_index`` saves the kept ones into it.

    Attributes:
        config: Detection options.
        level: ``"document"`` or ``"passage"``.
        min_passage_syllables: Shorter paragraphs are not compared (passage level).
        index: Path of a persistent index to check against (document level).
        update_index: Add the kept records to ``index`` and save it.
        normalization: Text settings recorded in (and checked against) the index.
        spill_dir: Where temporary files go (default: the system temp directory).
        name: Stage name in stats and events.
    """

    config: DedupConfig = field(default_factory=DedupConfig)
    level: Level = "document"
    min_passage_syllables: int = MIN_PASSAGE_SYLLABLES
    index: Path | None = None
    update_index: bool = False
    normalization: dict[str, Any] = field(default_factory=dict)
    spill_dir: Path | None = None
    name: str = "dedup"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ConfigError(f"level must be one of {', '.join(LEVELS)}, got {self.level!r}")
        if self.index is not None and self.level != "document":
            raise ConfigError("a persistent index works at document level only")
        if self.update_index and self.index is None:
            raise ConfigError("update_index needs an index path")

    def process_stream(
        self, records: Iterable[Record], emit: Callable[[Event], None]
    ) -> Iterator[Record]:
        """Yield the kept records (in input order), emitting an event per duplicate."""
        with tempfile.TemporaryDirectory(prefix="cleaner-dedup.", dir=self.spill_dir) as tmp:
            buffer = _RecordBuffer(Path(tmp) / "records.jsonl")
            config = replace(self.config, spill_dir=tmp)
            if self.index is not None:
                drops = self._against_index(buffer.spool(records))
                yield from buffer.replay(drops, {}, emit, self.name)
            elif self.level == "document":
                drops = _document_drops(buffer.spool(records), config)
                yield from buffer.replay(drops, {}, emit, self.name)
            else:
                cuts = _passage_cuts(
                    buffer.spool(records), config, self.min_passage_syllables, buffer.ids
                )
                yield from buffer.replay({}, cuts, emit, self.name)

    def _against_index(self, items: Iterator[tuple[str, str]]) -> dict[int, dict[str, Any]]:
        assert self.index is not None  # checked by the caller
        index = self._open_index(self.index)
        drops: dict[int, dict[str, Any]] = {}
        for position, matches in enumerate(index.check_and_add_many(items)):
            if matches:
                best = matches[0]
                drops[position] = {
                    "reason": "near_duplicate",
                    "duplicate_of": best.key,
                    "jaccard": best.jaccard,
                    "in_index": True,
                }
        if self.update_index:
            index.save(self.index)
        return drops

    def _open_index(self, path: Path) -> NearDuplicateIndex:
        cfg = self.config
        if not path.exists():
            if not self.update_index:
                raise ConfigError(f"index {path} does not exist (use --update-index to create it)")
            return NearDuplicateIndex(
                cfg.threshold,
                cfg.num_perm,
                cfg.ngram,
                cfg.seed,
                verify=cfg.verify,
                normalization=self.normalization,
            )
        expect = {
            "threshold": cfg.threshold,
            "num_perm": cfg.num_perm,
            "ngram": cfg.ngram,
            "seed": cfg.seed,
            "normalization": self.normalization,
        }
        return NearDuplicateIndex.load(path, expect=expect)


def _document_drops(
    items: Iterator[tuple[str, str]], config: DedupConfig
) -> dict[int, dict[str, Any]]:
    """Input position of each dropped document → event detail."""
    corpus = DedupCorpus(config)
    try:
        corpus.add(items)
        resolution = corpus.resolve()
    finally:
        corpus.close()
    drops = {}
    for node, assignment in resolution.dropped.items():
        drops[node] = {
            "reason": "exact_duplicate" if node in resolution.exact else "near_duplicate",
            "duplicate_of": corpus.ids[assignment.kept],
            "jaccard": resolution.similarity_to_kept[node],
            "via": corpus.ids[assignment.via],
            "via_jaccard": assignment.jaccard,
        }
    return drops


def _passage_cuts(
    items: Iterator[tuple[str, str]], config: DedupConfig, min_syllables: int, ids: list[str]
) -> dict[int, list[tuple[PassageDuplicate, str]]]:
    """Input position of each document → its duplicate paragraphs and the original's id.

    Documents are numbered by input position (record ids may repeat in
    lenient runs); the keep rule still sees, and ties break on, the real id.
    """
    user_keep = config.keep

    def keep(position: str, text: str) -> tuple[Any, str]:
        record_id = ids[int(position)]
        return user_keep(record_id, text), record_id

    corpus = PassageCorpus(replace(config, keep=keep), min_syllables)
    try:
        corpus.add((str(position), text) for position, (_, text) in enumerate(items))
        found = corpus.resolve()
    finally:
        corpus.close()
    cuts: dict[int, list[tuple[PassageDuplicate, str]]] = {}
    for duplicate in found:
        original = ids[int(duplicate.duplicate_of.doc_id)]
        cuts.setdefault(int(duplicate.passage.doc_id), []).append((duplicate, original))
    return cuts


class _RecordBuffer:
    """Records spooled to a file during the first pass and replayed after the decision."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ids: list[str] = []

    def spool(self, records: Iterable[Record]) -> Iterator[tuple[str, str]]:
        with open(self.path, "wb") as handle:
            for record in records:
                handle.write(orjson.dumps([record.id, record.text, record.meta]) + b"\n")
                self.ids.append(record.id)
                yield record.id, record.text

    def replay(
        self,
        drops: dict[int, dict[str, Any]],
        cuts: dict[int, list[tuple[PassageDuplicate, str]]],
        emit: Callable[[Event], None],
        stage: str,
    ) -> Iterator[Record]:
        with open(self.path, "rb") as handle:
            for position, line in enumerate(handle):
                record_id, text, meta = orjson.loads(line)
                if position in drops:
                    detail = dict(drops[position])
                    reason = detail.pop("reason")
                    emit(Event(record_id, stage, reason, "drop", 1, detail))
                    continue
                if position in cuts:
                    text = _cut_paragraphs(record_id, text, cuts[position], emit, stage)
                yield Record(record_id, text, meta)


def _cut_paragraphs(
    record_id: str,
    text: str,
    duplicates: list[tuple[PassageDuplicate, str]],
    emit: Callable[[Event], None],
    stage: str,
) -> str:
    lines = text.split("\n")
    for duplicate, original_id in duplicates:
        passage = duplicate.passage
        detail = {
            "line": passage.paragraph,
            "start": passage.start,
            "end": passage.end,
            "text": lines[passage.paragraph],
            "duplicate_of": original_id,
            "duplicate_paragraph": duplicate.duplicate_of.paragraph,
            "jaccard": duplicate.jaccard,
        }
        emit(Event(record_id, stage, "duplicate_passage", "removal", 1, detail))
    dropped = {duplicate.passage.paragraph for duplicate, _ in duplicates}
    return "\n".join(line for number, line in enumerate(lines) if number not in dropped)
