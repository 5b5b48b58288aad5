"""The pipeline stages of ``cleaner run``: thin adapters from library functions to records."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from cleaner.boilerplate import (
    BoilerplateConfig,
    strip_boilerplate_result,
)
from cleaner.boilerplate.templates import SiteTemplates
from cleaner.dedup import (
    LEVELS,
    MIN_PASSAGE_SYLLABLES,
    DedupConfig,
    DedupCorpus,
    Level,
    Match,
    NearDuplicateIndex,
    PassageCorpus,
    PassageDuplicate,
    resolved_duplicate,
)
from cleaner.dedup.engine import BatchSigner, SignedBatch
from cleaner.dedup.exact import ExactDocument, exact_drops
from cleaner.dedup.keep import LONGEST, KeepPolicy, KeepRule
from cleaner.dedup.minhash import BATCH
from cleaner.errors import ConfigError
from cleaner.explain import Edit
from cleaner.io import AtomicFile
from cleaner.normalize import NormalizeConfig, normalize_and_explain
from cleaner.pii import PiiConfig, redact_pii_and_explain
from cleaner.pipeline import Event, StageOutput
from cleaner.quality.stage import QualityStage
from cleaner.records import Record, decode_record, encode_records


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
        record.text = text
        return record, _edit_counts(record.id, self.name, edits)


@dataclass
class PiiStage:
    """Replaces personal data by tokens; reports the number of redactions per kind.

    Events carry counts only, never the redacted values, so ``removed.jsonl``
    and ``stats.json`` hold no personal data either.

    Attributes:
        config: What to redact and the replacement token.
        name: Stage name in stats and events.
    """

    config: PiiConfig = field(default_factory=PiiConfig)
    name: str = "pii"

    def process(self, record: Record) -> StageOutput:
        """Redact one record."""
        text, edits = redact_pii_and_explain(record.text, config=self.config)
        record.text = text
        return record, _edit_counts(record.id, self.name, edits)


def _edit_counts(record_id: str, stage: str, edits: list[Edit]) -> list[Event]:
    """One ``"edit"`` event per kind of edit, with its count (and no edited text)."""
    if not edits:  # most records: no counter to build
        return []
    counts = Counter(edit.kind for edit in edits)
    return [Event(record_id, stage, kind, "edit", count) for kind, count in sorted(counts.items())]


@dataclass
class BoilerplateStage:
    """Strips boilerplate from each record; every removed span is an event.

    With ``learn_corpus`` (the default), :meth:`learn` learns per-source
    templates over the whole corpus first (segments, prefixes and suffixes
    that recur across documents of one site), removed as ``site_template``
    even when no rule names them. A document left with fewer than
    ``config.min_content_syllables`` syllables after a removal is dropped
    (``no_content``); one the gutting guard protected counts as ``suspicious``.

    Attributes:
        config: Boilerplate options (``templates`` is filled in by :meth:`learn`).
        source_field: Meta field naming a record's source (site); records
            without it share the source ``""``.
        learn_corpus: Whether :meth:`learn` learns per-source templates.
        min_docs: A template occurs in at least this many documents ...
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
        """First pass: learn the templates that recur across documents of a source.

        The same as :func:`~cleaner.boilerplate.learn_boilerplate`, split in
        three steps so that ``cleaner run`` can count in worker processes.
        """
        counts = self.new_counts()
        self.count(counts, records)
        self.use_counts(counts)

    def new_counts(self) -> SiteTemplates:
        """Empty per-source counts with this stage's settings (they merge exactly)."""
        return SiteTemplates(min_docs=self.min_docs, min_fraction=self.min_fraction)

    def count(self, counts: SiteTemplates, records: Iterable[Record]) -> None:
        """Count the segments, prefixes and suffixes of ``records`` into ``counts``."""
        if self.learn_corpus:
            for record in records:
                counts.add_document(record.text, self.source_of(record))

    def use_counts(self, counts: SiteTemplates) -> None:
        """Strip with the templates of the whole corpus's (merged) counts."""
        if self.learn_corpus:
            self.config = replace(self.config, templates=counts)

    def prepare(self, records: list[Record]) -> None:
        """Look up the templates of a batch of records with one sketch read."""
        if not isinstance(self.config, BoilerplateConfig):
            return  # not a config: :meth:`process` reports it as the error it is
        templates = self.config.templates
        if templates is not None:
            templates.prefetch((record.text, self.source_of(record)) for record in records)

    def process(self, record: Record) -> StageOutput:
        """Strip one record's boilerplate; drop it when no content is left."""
        result = strip_boilerplate_result(
            record.text, config=self.config, source=self.source_of(record)
        )
        removals = result.removals
        events = [
            Event(
                record.id,
                self.name,
                removal.reason,
                "removal",
                1,
                {
                    "line_no": removal.line_no,
                    "start": removal.start,
                    "end": removal.end,
                    "text": removal.text,
                    "whole_line": removal.whole_line,
                },
            )
            for removal in removals
        ]
        if result.suspicious:
            events.append(Event(record.id, self.name, "suspicious", "edit"))
        if result.lost_its_content(self.config.min_content_syllables):
            detail = {"text": result.text}
            events.append(Event(record.id, self.name, "no_content", "drop", 1, detail))
            return None, events
        record.text = result.text
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
    incremental crawls need); ``update_index`` adds the kept ones to it. The
    updated index is saved by :meth:`commit`, which
    :func:`~cleaner.runner.run_files` calls only after the run's outputs are
    in place (a caller driving the stage itself must call it too). A journal
    beside the index names the run that last updated it, so a retry of that
    run (see :meth:`begin`) keeps the records it had already indexed instead
    of dropping them as duplicates of themselves.

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
    # Not in repr: the run id and the resume fingerprint are built from it,
    # and ``cleaner run`` spills into its own (temporary) work directory.
    spill_dir: Path | None = field(default=None, repr=False, compare=False)
    name: str = "dedup"
    _run_id: str | None = field(default=None, init=False, repr=False, compare=False)
    _pending: _PendingIndex | None = field(default=None, init=False, repr=False, compare=False)

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
        signer = self.signer()
        if signer is not None:
            batches = ((encode_records(b), signer(b)) for b in _batched(records, BATCH))
            yield from self.process_signed(batches, emit)
            return
        with tempfile.TemporaryDirectory(prefix="cleaner-dedup.", dir=self.spill_dir) as tmp:
            buffer = _RecordBuffer(Path(tmp) / "records.jsonl")
            config = replace(self.config, spill_dir=tmp)
            if self.index is not None:
                drops = self._against_index(buffer.spool(records), buffer.ids)
                yield from buffer.replay(drops, {}, emit, self.name)
            else:
                cuts = _passage_cuts(
                    buffer.spool(records), config, self.min_passage_syllables, buffer.ids
                )
                yield from buffer.replay({}, cuts, emit, self.name)

    def signer(self) -> _DocumentSigner | None:
        """Signs batches apart from the decision: document level without an index only.

        Checking against an index and passage-level dedup read the records in
        the parent (:meth:`process_stream`).
        """
        if self.index is not None or self.level != "document":
            return None
        return _DocumentSigner(BatchSigner(self.config))

    def process_signed(
        self, batches: Iterable[tuple[bytes, SignedBatch]], emit: Callable[[Event], None]
    ) -> Iterator[Record]:
        """Yield the kept records from encoded batches and their :meth:`signer` output."""
        with tempfile.TemporaryDirectory(prefix="cleaner-dedup.", dir=self.spill_dir) as tmp:
            buffer = _RecordBuffer(Path(tmp) / "records.jsonl")
            with DedupCorpus(replace(self.config, spill_dir=tmp)) as corpus:
                for signed in buffer.spool_encoded(batches):
                    corpus.add_signed(signed)
                drops = _document_drops(corpus)
            yield from buffer.replay(drops, {}, emit, self.name)

    def spill_to(self, directory: Path) -> None:
        """Put the record buffer and spilled shingle sets under ``directory``."""
        self.spill_dir = directory

    def begin(self, run_id: str | None) -> None:
        """Note the run's id (same for a retry of the same run; ``None`` if unknown)."""
        self._run_id = run_id

    def commit(self) -> None:
        """Save the updated index (call it after the run's outputs are in place)."""
        if self._pending is not None:
            self._pending.commit()
            self._pending = None

    def discard(self) -> None:
        """Forget the updated index of a failed run: the index on disk stays as it was."""
        self._pending = None

    def _against_index(
        self, records: Iterator[Record], ids: list[str]
    ) -> dict[int, dict[str, Any]]:
        """Input position of each record dropped as a duplicate of the index → event detail.

        ``ids`` fills up while ``records`` is consumed: ``ids[i]`` is the i-th record's id.
        """
        assert self.index is not None  # checked by the caller
        index = self._open_index(self.index)
        journal = _IndexJournal(self.index)
        own = journal.own_documents(index, self._run_id if self.update_index else None)
        drops: dict[int, dict[str, Any]] = {}
        for position, matches in enumerate(
            index.check_and_add_many((record.id, record.text) for record in records)
        ):
            if not matches or own.claim(ids[position], matches):
                continue
            best = own.best(matches)
            drops[position] = {
                "reason": "near_duplicate",
                "duplicate_of": best.id,
                "jaccard": best.jaccard,
                "in_index": True,
            }
        if self.update_index:
            self._pending = _PendingIndex(index, journal, self._run_id, own.first)
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


@dataclass
class ExactDedupStage:
    """Drops exact copies and same-URL copies before near-duplicate detection.

    Two records with the same text (after stripping), or else the same
    normalized URL (:func:`~cleaner.dedup.exact.normalize_url`), are copies;
    the one the keep policy prefers stays (the policy of the near-duplicate
    stage, ties to the first seen, so running this stage first changes which
    copies are found cheaply, not which record is kept). Each dropped record is an event
    ``exact_text`` or ``same_url`` naming the kept one.

    Attributes:
        keep: The keep policy (``DedupConfig.keep``).
        url_field: Meta field holding a record's URL; records without it
            take part in text dedup only.
        spill_dir: Where the record buffer goes (default: the system temp directory).
        name: Stage name in stats and events.
    """

    keep: KeepPolicy | KeepRule = field(default=LONGEST, compare=False, repr=False)
    url_field: str = "url"
    spill_dir: Path | None = field(default=None, repr=False, compare=False)
    name: str = "exact_dedup"

    def process_stream(
        self, records: Iterable[Record], emit: Callable[[Event], None]
    ) -> Iterator[Record]:
        """Yield the kept records (in input order), emitting an event per copy."""
        with tempfile.TemporaryDirectory(prefix="cleaner-exact.", dir=self.spill_dir) as tmp:
            buffer = _RecordBuffer(Path(tmp) / "records.jsonl")
            documents = (
                ExactDocument(record.id, record.text, self._url(record), record.meta)
                for record in buffer.spool(records)
            )
            drops = exact_drops(documents, self.keep)
            yield from buffer.replay(drops, {}, emit, self.name)

    def spill_to(self, directory: Path) -> None:
        """Put the record buffer under ``directory``."""
        self.spill_dir = directory

    def _url(self, record: Record) -> str | None:
        url = record.meta.get(self.url_field)
        return url if isinstance(url, str) and url.strip() else None


@dataclass
class _OwnDocuments:
    """The index documents an earlier attempt of this same run added (none for a new run).

    A retry reads the same inputs through the same stages, so each record it
    kept before comes back with the same id and text and finds itself in the
    index: such a match is the record, not a duplicate of it. Keys are held
    as 64-bit hashes to keep memory small (this only runs on a retry).

    Attributes:
        first: Position of the first document the run added (the index size
            before the run).
        unclaimed: Per key hash, the run's documents not yet matched to a record.
    """

    first: int
    unclaimed: Counter[int] = field(default_factory=Counter)

    def claim(self, record_id: str, matches: list[Match]) -> bool:
        """Whether this record is one the run already indexed (same key, identical content)."""
        key = hash(record_id)
        if self.unclaimed[key] <= 0:
            return False
        if not any(m.id == record_id and m.jaccard == 1.0 for m in matches):
            return False
        self.unclaimed[key] -= 1
        return True

    def best(self, matches: list[Match]) -> Match:
        """The best match, skipping the run's own later records (not indexed yet the first time)."""
        earlier = [m for m in matches if self.unclaimed[hash(m.id)] <= 0]
        return (earlier or matches)[0]


class _IndexJournal:
    """A small JSON file beside an index naming the run that last updated it.

    It holds the run id, the index size before and after that run, and the
    last key the run left in the index. It is written just before the index
    is saved, so a run that died in between leaves a journal that does not
    describe the index on disk, and it is ignored.
    """

    def __init__(self, index_path: Path) -> None:
        self.index_path = index_path
        self.path = index_path.with_name(f"{index_path.name}.lastrun.json")

    def own_documents(self, index: NearDuplicateIndex, run_id: str | None) -> _OwnDocuments:
        """The documents ``run_id`` added to ``index``, if the journal says it made this index."""
        size = len(index)
        entry = self._read()
        if (
            run_id is None
            or entry.get("run") != run_id
            or entry.get("documents") != size
            or not isinstance(entry.get("first"), int)
            or not 0 <= entry["first"] <= size
            or entry.get("last_key") != _last_key(index)
        ):
            return _OwnDocuments(first=size)
        first = entry["first"]
        keys = Counter(hash(index.key_of(doc)) for doc in range(first, size))
        return _OwnDocuments(first=first, unclaimed=keys)

    def write(self, run_id: str | None, first: int, index: NearDuplicateIndex) -> None:
        entry = {"run": run_id, "first": first, "documents": len(index)}
        entry["last_key"] = _last_key(index)
        with AtomicFile(self.path) as journal:
            journal.handle.write(orjson.dumps(entry, option=orjson.OPT_INDENT_2) + b"\n")

    def _read(self) -> dict[str, Any]:
        try:
            entry = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        return entry if isinstance(entry, dict) else {}


def _last_key(index: NearDuplicateIndex) -> str | None:
    return index.key_of(len(index) - 1) if len(index) else None


@dataclass
class _PendingIndex:
    """An updated index held until the run's outputs are in place."""

    index: NearDuplicateIndex
    journal: _IndexJournal
    run_id: str | None
    first: int

    def commit(self) -> None:
        """Journal first, then the index: a death in between leaves a journal that is ignored."""
        expected = len(self.index)
        self.journal.write(self.run_id, self.first, self.index)
        self.index.save(self.journal.index_path)
        if len(self.index) != expected:
            # Another process saved in between and save() took in its documents:
            # this run's no longer form one range, so a retry must not trust it.
            self.journal.write(None, len(self.index), self.index)


@dataclass(frozen=True)
class _DocumentSigner:
    """Signs a batch of records for document-level dedup (picklable: runs in workers)."""

    signer: BatchSigner

    def __call__(self, records: list[Record]) -> SignedBatch:
        return self.signer.sign(
            [r.id for r in records], [r.text for r in records], [r.meta for r in records]
        )


def _batched(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def _document_drops(corpus: DedupCorpus) -> dict[int, dict[str, Any]]:
    """Input position of each dropped document → event detail."""
    resolution = corpus.resolve()
    drops = {}
    for node in resolution.dropped:
        drops[node] = resolved_duplicate(corpus.ids, node, resolution).detail()
    drops.update((node, {"reason": "empty"}) for node in resolution.empty)
    return drops


def _passage_cuts(
    records: Iterator[Record], config: DedupConfig, min_syllables: int, ids: list[str]
) -> dict[int, list[tuple[PassageDuplicate, str]]]:
    """Input position of each document → its duplicate paragraphs and the original's id.

    Documents are numbered by input position (record ids may repeat in
    lenient runs); a custom keep rule still sees the real id.
    """
    with PassageCorpus(
        config, min_syllables, rule_id=lambda position: ids[int(position)]
    ) as corpus:
        corpus.add((str(n), record.text, record.meta) for n, record in enumerate(records))
        found = corpus.resolve()
    cuts: dict[int, list[tuple[PassageDuplicate, str]]] = {}
    for duplicate in found:
        original = ids[int(duplicate.duplicate_of.id)]
        cuts.setdefault(int(duplicate.passage.id), []).append((duplicate, original))
    return cuts


class _RecordBuffer:
    """Records spooled to a file during the first pass and replayed after the decision."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ids: list[str] = []

    def spool(self, records: Iterable[Record]) -> Iterator[Record]:
        """Write each record; yield it on."""
        with open(self.path, "wb") as handle:
            for record in records:
                handle.write(encode_records([record]))
                self.ids.append(record.id)
                yield record

    def spool_encoded(self, batches: Iterable[tuple[bytes, SignedBatch]]) -> Iterator[SignedBatch]:
        """Write already encoded batches; yield their signatures."""
        with open(self.path, "wb") as handle:
            for data, signed in batches:
                handle.write(data)
                self.ids.extend(signed.ids)
                yield signed

    def replay(
        self,
        drops: dict[int, dict[str, Any]],
        cuts: dict[int, list[tuple[PassageDuplicate, str]]],
        emit: Callable[[Event], None],
        stage: str,
    ) -> Iterator[Record]:
        with open(self.path, "rb") as handle:
            for position, line in enumerate(handle):
                record = decode_record(line)
                record_id, text, meta = record.id, record.text, record.meta
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
            "line_no": passage.line_no,
            "start": passage.start,
            "end": passage.end,
            "text": lines[passage.line_no],
            "duplicate_of": original_id,
            "duplicate_of_line_no": duplicate.duplicate_of.line_no,
            "jaccard": duplicate.jaccard,
        }
        reason = "repeated_passage" if duplicate.within_document else "duplicate_passage"
        emit(Event(record_id, stage, reason, "removal", 1, detail))
    dropped = {duplicate.passage.line_no for duplicate, _ in duplicates}
    return "\n".join(line for number, line in enumerate(lines) if number not in dropped)


@dataclass(frozen=True)
class StageKind:
    """A registered stage of ``cleaner run``.

    Attributes:
        stage: Its class; the class's ``name`` is its registry key.
        optional: ``--skip`` can leave it out.
    """

    stage: type[Any]
    optional: bool = True


#: Every stage of ``cleaner run``, by name, in the order a run applies them.
#: ``--skip`` offers the optional ones; the Spark engine runs each of them in
#: :func:`cleaner.spark.run_spark` (exact copies inside its near-duplicate step).
STAGES: dict[str, StageKind] = {
    "normalize": StageKind(NormalizeStage, optional=False),
    "pii": StageKind(PiiStage, optional=False),  # opt-in with --pii redact instead
    "boilerplate": StageKind(BoilerplateStage),
    "exact_dedup": StageKind(ExactDedupStage),
    "dedup": StageKind(DedupStage),
    "quality": StageKind(QualityStage),
}


def optional_stages() -> list[str]:
    """The stage names ``--skip`` accepts.

    >>> optional_stages()
    ['boilerplate', 'exact_dedup', 'dedup', 'quality']
    """
    return [name for name, kind in STAGES.items() if kind.optional]
