"""Near-duplicate documents and passages: MinHash + LSH, verified, clustered, explained.

>>> from cleaner.dedup import find_near_duplicates
>>> base = "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu"
>>> result = find_near_duplicates([("a", base + "!"), ("b", base), ("c", "Tin khác hẳn.")])
>>> result.kept, [(d.id, d.duplicate_of, d.jaccard) for d in result.duplicates]
(['a', 'c'], [('b', 'a', 1.0)])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeAlias, get_args

from cleaner.dedup.cluster import LINKAGES, VERIFY_MODES, Assignment, Linkage, Verify
from cleaner.dedup.engine import DedupConfig, DedupCorpus, Resolution, longest_text
from cleaner.dedup.index import Match, NearDuplicateIndex, text_settings
from cleaner.dedup.keep import KEEP_POLICIES, KeepPolicy, KeepRule, keep_key, parse_keep
from cleaner.dedup.lsh import LSHParams, candidate_probability, lsh_params
from cleaner.dedup.minhash import MinHasher
from cleaner.dedup.shingles import syllables
from cleaner.deprecation import renamed_attribute
from cleaner.errors import ConfigError, check_collection, check_int
from cleaner.options import config_from_options
from cleaner.records import Record, as_record

__all__ = [
    "KEEP_POLICIES",
    "LEVELS",
    "LINKAGES",
    "MIN_PASSAGE_SYLLABLES",
    "VERIFY_MODES",
    "DedupConfig",
    "DedupCorpus",
    "DedupResult",
    "Duplicate",
    "KeepPolicy",
    "KeepRule",
    "LSHParams",
    "Level",
    "Linkage",
    "Match",
    "MinHasher",
    "NearDuplicateIndex",
    "Passage",
    "PassageCorpus",
    "PassageDuplicate",
    "Verify",
    "candidate_probability",
    "find_near_duplicates",
    "is_passage",
    "longest_text",
    "lsh_params",
    "paragraphs",
    "parse_keep",
    "syllables",
    "text_settings",
]

Level: TypeAlias = Literal["document", "passage"]
LEVELS: tuple[Level, ...] = get_args(Level)
#: Paragraphs with fewer syllables are not compared at passage level.
MIN_PASSAGE_SYLLABLES = 8
#: A line ending so introduces the lines after it ("- Số ca âm tính với SARS-CoV-2:").
_INTRODUCES_NEXT = (":", "：")


@dataclass(frozen=True)
class Duplicate:
    """A dropped document and why.

    Attributes:
        id: The dropped document.
        duplicate_of: The kept document of its cluster.
        jaccard: Similarity to ``duplicate_of`` (exact unless ``verify`` says otherwise).
        via: The neighbour whose verified edge put it in the cluster.
        via_jaccard: Similarity on that edge.
        reason: ``"near_duplicate"``, or ``"exact_duplicate"`` for texts without
            syllables (only punctuation or symbols), which match only the same
            stripped, casefolded text.
    """

    id: str
    duplicate_of: str
    jaccard: float
    via: str
    via_jaccard: float
    reason: str = "near_duplicate"

    @classmethod
    def of(
        cls,
        ids: Sequence[str],
        node: int,
        assignment: Assignment,
        *,
        jaccard: float,
        exact: bool,
    ) -> Duplicate:
        """The explanation of dropping document ``node``, as every engine files it.

        Args:
            ids: Document ids by node number.
            node: The dropped document.
            assignment: Where the linkage put it (kept document, linking edge).
            jaccard: Its similarity to the kept document.
            exact: It has no syllables, so it matched as an exact copy.
        """
        return cls(
            id=ids[node],
            duplicate_of=ids[assignment.kept],
            jaccard=jaccard,
            via=ids[assignment.via],
            via_jaccard=assignment.jaccard,
            reason="exact_duplicate" if exact else "near_duplicate",
        )

    def detail(self) -> dict[str, Any]:
        """The explanation as a drop event carries it into ``removed.jsonl`` (the id aside)."""
        return {
            "reason": self.reason,
            "duplicate_of": self.duplicate_of,
            "jaccard": self.jaccard,
            "via": self.via,
            "via_jaccard": self.via_jaccard,
        }


@dataclass(frozen=True)
class Passage:
    """A paragraph of a document: its line ``line_no`` spans ``text[start:end]``.

    Attributes:
        id: The document's id.
        line_no: 0-based index of the line in the document.
        start: Offset of the line's first character in the document.
        end: Offset just past its last character.
    """

    id: str
    line_no: int
    start: int
    end: int

    doc_id = renamed_attribute("doc_id", "id")
    paragraph = renamed_attribute("paragraph", "line_no")


@dataclass(frozen=True)
class PassageDuplicate:
    """A paragraph that near-duplicates a kept paragraph (of the same or another document).

    Attributes:
        passage: The duplicate paragraph.
        duplicate_of: The kept paragraph it repeats.
        jaccard: Their similarity.
    """

    passage: Passage
    duplicate_of: Passage
    jaccard: float

    @property
    def within_document(self) -> bool:
        """Whether the paragraph repeats one of its own document (reason ``repeated_passage``)."""
        return self.passage.id == self.duplicate_of.id


@dataclass
class DedupResult:
    """Everything :func:`find_near_duplicates` decided.

    Attributes:
        kept: Ids of kept documents, in input order (at passage level all but
            the empty ones).
        duplicates: Dropped documents, sorted by id.
        empty: Ids of empty or whitespace-only documents, in input order:
            dropped with reason ``empty``, never called a duplicate of anything.
        passages: Duplicate paragraphs (passage level), sorted by document and paragraph.
        clusters: Clusters of two or more, kept id first then the others sorted.
        params: The LSH banding used.
        candidates: Candidate pairs checked.
        verified: Pairs that passed verification.
    """

    kept: list[str]
    duplicates: list[Duplicate]
    passages: list[PassageDuplicate] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    params: LSHParams | None = None
    candidates: int = 0
    verified: int = 0
    empty: list[str] = field(default_factory=list)

    def duplicate_ids(self) -> set[str]:
        """Ids of the dropped documents."""
        return {duplicate.id for duplicate in self.duplicates}


def paragraphs(doc_id: str, text: str) -> Iterator[tuple[Passage, str]]:
    """The lines of ``text`` with their spans (a paragraph per line, as scrapers write)."""
    start = 0
    for line_no, line in enumerate(text.split("\n")):
        yield Passage(doc_id, line_no, start, start + len(line)), line
        start += len(line) + 1


def is_passage(line: str, min_syllables: int = MIN_PASSAGE_SYLLABLES) -> bool:
    """Whether a line is compared (and may be removed) by passage-level dedup.

    A passage is prose long enough to carry content on its own: at least
    ``min_syllables`` syllables, and not a line that introduces the lines
    after it (ending with a colon). A list header repeated in every daily
    bulletin stays, so its numbers keep their header.

    >>> is_passage("- Số ca âm tính với SARS-CoV-2 trong ngày hôm nay:")
    False
    >>> is_passage("Mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu.")
    True
    """
    return not line.rstrip().endswith(_INTRODUCES_NEXT) and len(syllables(line)) >= min_syllables


def _as_triples(
    records: Iterable[Record | tuple[str, str] | str],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(id, text, fields)`` of each record, pair or plain text (id: its position)."""
    for number, item in enumerate(records):
        record = as_record(item, number)
        yield record.id, record.text, record.meta


def find_near_duplicates(
    records: Iterable[Record | tuple[str, str] | str],
    config: DedupConfig | None = None,
    *,
    level: Level = "document",
    min_passage_syllables: int = MIN_PASSAGE_SYLLABLES,
    repeats_within_document: bool = True,
    **options: Any,
) -> DedupResult:
    """Find near-duplicate documents (or paragraphs) in a collection.

    Which document of a cluster is kept: by default the longest text, then
    the first seen (input order, whatever the ids: ``(100, text)`` given
    before ``(22, text)`` wins a tie; ids come back as strings, plain texts
    get their positions ``"0"``, ``"1"``...). ``keep=`` chooses another
    policy (``"first"``, ``"newest:FIELD"``, ``"priority:FILE"``, read from
    each record's fields; see :mod:`cleaner.dedup.keep`) or takes a function
    of ``(id, text)`` returning a sort key (smallest kept). Empty and
    whitespace-only documents are dropped (``DedupResult.empty``). A
    document with fewer than ``ngram`` syllables is compared on all its
    syllables as one shingle: it is a duplicate only of a text with the same
    syllables after normalization (casefolded, NFC, punctuation dropped).

    Args:
        records: Records, ``(id, text)`` pairs, dicts with ``text`` (and ``id``),
            or plain texts (id = position).
            Ids must be unique.
        config: A :class:`DedupConfig` (default: the defaults).
        level: ``"document"`` or ``"passage"`` (paragraphs = lines; only those
            :func:`is_passage` accepts are compared).
        min_passage_syllables: Shorter paragraphs are not compared.
        repeats_within_document: At passage level, also report a paragraph
            that repeats an earlier one of its own document.
        **options: Fields of :class:`DedupConfig` overriding ``config``
            (``threshold``, ``num_perm``, ``ngram``, ``verify``, ``linkage``, ``keep``...).

    Returns:
        The kept ids, the duplicates with their evidence, the clusters.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of records, or
            ``config`` not a :class:`DedupConfig` (both ``TypeError``).
        ConfigError: On bad options or repeated ids.
    """
    check_collection("records", records)
    check_int("min_passage_syllables", min_passage_syllables, 0)
    cfg = config_from_options("dedup", DedupConfig, config, options)
    if level not in LEVELS:
        raise ConfigError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    items = list(_as_triples(records))
    if len({record_id for record_id, _, _ in items}) != len(items):
        raise ConfigError("ids must be unique for deduplication")
    if level == "document":
        return _documents(items, cfg)
    return _passages(items, cfg, min_passage_syllables, repeats_within_document)


def _documents(items: list[tuple[str, str, dict[str, Any]]], cfg: DedupConfig) -> DedupResult:
    with DedupCorpus(cfg) as corpus:
        corpus.add(items)
        resolution = corpus.resolve()
    ids = corpus.ids
    duplicates = sorted(
        (resolved_duplicate(ids, node, resolution) for node in resolution.dropped),
        key=lambda d: d.id,
    )
    gone = resolution.dropped.keys() | resolution.empty
    return DedupResult(
        kept=[record_id for index, record_id in enumerate(ids) if index not in gone],
        duplicates=duplicates,
        clusters=_clusters(duplicates),
        params=corpus.params,
        candidates=resolution.candidates,
        verified=resolution.verified,
        empty=[ids[index] for index in sorted(resolution.empty)],
    )


def resolved_duplicate(ids: Sequence[str], node: int, resolution: Resolution) -> Duplicate:
    """The explanation of dropping document ``node`` of a local :class:`Resolution`."""
    return Duplicate.of(
        ids,
        node,
        resolution.dropped[node],
        jaccard=resolution.similarity_to_kept[node],
        exact=node in resolution.exact,
    )


def _clusters(duplicates: list[Duplicate]) -> list[list[str]]:
    members: dict[str, list[str]] = {}
    for duplicate in duplicates:
        members.setdefault(duplicate.duplicate_of, []).append(duplicate.id)
    return [[kept, *sorted(others)] for kept, others in sorted(members.items())]


class PassageCorpus:
    """Paragraphs of many documents as dedup units (used by the API and the CLI stage).

    Each paragraph (line) that :func:`is_passage` accepts is a unit. Units
    rank by their document's keep-rule key, then by document order (first
    seen), then by paragraph, so the first occurrence in the preferred
    document is the one kept.

    Args:
        config: Detection options (its keep rule ranks documents).
        min_syllables: Shorter paragraphs are not compared.
        repeats_within_document: Also report a paragraph that repeats an
            earlier one of its own document.
        rule_id: Maps a document id to the id a custom keep rule is shown
            (default: the id itself).
    """

    def __init__(
        self,
        config: DedupConfig,
        min_syllables: int = MIN_PASSAGE_SYLLABLES,
        repeats_within_document: bool = True,
        *,
        rule_id: Callable[[str], str] | None = None,
    ) -> None:
        self._document_keep = config.keep
        self._rule_id = rule_id or str
        self._doc_keys: dict[str, Any] = {}
        self.passages: list[Passage] = []
        self.min_syllables = min_syllables
        self.repeats_within_document = repeats_within_document
        self.candidates = self.verified = 0
        self.corpus = DedupCorpus(replace(config, keep=self._unit_rank))

    def _unit_rank(self, unit_id: str, _text: str) -> tuple[Any, int]:
        passage = self.passages[int(unit_id)]
        return (self._doc_keys[passage.id], passage.line_no)

    def add(self, items: Iterable[tuple[str, str] | tuple[str, str, Mapping[str, Any]]]) -> None:
        """Add documents as ``(id, text)`` pairs or ``(id, text, fields)`` triples."""
        self.corpus.add(self._units(items))

    def _units(
        self, items: Iterable[tuple[str, str] | tuple[str, str, Mapping[str, Any]]]
    ) -> Iterator[tuple[str, str]]:
        for item in items:
            record_id, text = item[0], item[1]
            meta = item[2] if len(item) > 2 else None
            key = keep_key(self._document_keep, self._rule_id(record_id), text, meta)
            self._doc_keys[record_id] = (key, len(self._doc_keys))
            for passage, line in paragraphs(record_id, text):
                if is_passage(line, self.min_syllables):
                    self.passages.append(passage)
                    yield str(len(self.passages) - 1), line

    def resolve(self) -> list[PassageDuplicate]:
        """Duplicate paragraphs, sorted by document id and paragraph."""
        resolution = self.corpus.resolve()
        self.candidates, self.verified = resolution.candidates, resolution.verified
        found = (
            PassageDuplicate(
                self.passages[node],
                self.passages[assignment.kept],
                resolution.similarity_to_kept[node],
            )
            for node, assignment in resolution.dropped.items()
        )
        wanted = (d for d in found if self.repeats_within_document or not d.within_document)
        return sorted(wanted, key=lambda d: (d.passage.id, d.passage.line_no))

    def close(self) -> None:
        """Release spilled data."""
        self.corpus.close()

    def __enter__(self) -> PassageCorpus:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close()


def _passages(
    items: list[tuple[str, str, dict[str, Any]]],
    cfg: DedupConfig,
    min_syllables: int,
    within_document: bool,
) -> DedupResult:
    with PassageCorpus(cfg, min_syllables, within_document) as passages:
        passages.add(items)
        found = passages.resolve()
    return DedupResult(
        kept=[record_id for record_id, text, _ in items if text.strip()],
        empty=[record_id for record_id, text, _ in items if not text.strip()],
        duplicates=[],
        passages=found,
        params=passages.corpus.params,
        candidates=passages.candidates,
        verified=passages.verified,
    )
