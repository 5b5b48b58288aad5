"""Per-site templates learned from the corpus: the chrome no rule names.

Every site repeats its own furniture on every page: a banner that opens the
article, a footer that closes it, a teaser line, a slogan. A first streaming
pass counts, per source (site), in how many documents each short segment,
each document prefix and suffix (the first and last 1..24 words) and each
word shingle near either end (:mod:`~cleaner.boilerplate.shingles`) occurs;
at strip time a segment, prefix/suffix or run of shingles frequent enough in
its source is removed as ``site_template``.

Memory is bounded whatever the corpus size: counts live in a count-min
sketch of ``depth`` rows of ``width`` 32-bit counters (default 4 x 2**22,
64 MiB), plus one integer per source. Sketches add up exactly, so counts
learned in parallel workers or Spark partitions and merged give the same
templates as one pass. A count-min sketch only over-estimates; the
estimate used is the count-mean-min one (each row's count less the row's
average noise), so a large corpus raises the noise floor instead of
inventing templates.

Two guards keep duplicated articles from looking like templates: a run of
frequent segments is a template only if what surrounds it varies across the
source (the segments before or after it are not frequent in that position),
and a prefix or suffix is a template only where documents diverge (one word
more is much rarer).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import regex

from cleaner import speedups
from cleaner.boilerplate.blank_runs import fold_blank_runs
from cleaner.boilerplate.matchers import LETTER, ends_sentence
from cleaner.boilerplate.segments import segment_spans
from cleaner.boilerplate.shingles import (
    SHINGLE_WORDS,
    SPLIT_WORD,
    WINDOW_WORDS,
    chrome_piece,
    covered_runs,
    line_pieces,
    shingle_keys,
    word_offsets,
)
from cleaner.errors import ConfigError, check_fraction, check_int
from cleaner.options import config_from_options
from cleaner.records import Record, as_records

__all__ = [
    "MAX_TEMPLATE_SEGMENT",
    "PREFIX_WORDS",
    "SiteTemplates",
    "Template",
    "TemplateConfig",
    "learn_boilerplate",
]

#: Only segments up to this length are counted: longer ones are article prose.
MAX_TEMPLATE_SEGMENT = 160
#: Prefixes and suffixes of 1..PREFIX_WORDS words are counted.
PREFIX_WORDS = 24
#: A prefix/suffix template holds at least this many characters.
MIN_AFFIX_CHARS = 8
#: A run of template segments longer than this is too long to be certain chrome.
MAX_CERTAIN_RUN_CHARS = 400
#: A context (neighbour) seen with the segment this often is "the same neighbour".
SAME_CONTEXT_SHARE = 0.5

#: Multipliers of the multiply-shift row hashes (odd 64-bit constants).
_ROW_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)  # fmt: skip
#: URLs, then digit runs: a template's date or link changes from page to page.
_URL = regex.compile(r"(?:https?://|www\.)\S{1,300}")
#: The standard library's engine: several times faster than ``regex`` on this.
_DIGITS = re.compile(r"\d+")


def _shape(text: str) -> str:
    """The form a segment is counted under: URLs and numbers blanked, spaces collapsed."""
    if "http" in text or "www." in text:
        text = _URL.sub("<url>", text)
    return " ".join(_DIGITS.sub("0", text).split())


_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_GOLDEN_2 = 0xC2B2AE3D27D4EB4F
#: Kinds of key: a segment, a segment with what precedes / follows it, a
#: prefix, a suffix, a whole short page, a word shingle near an end.
_SEGMENT, _BEFORE, _AFTER, _PREFIX, _SUFFIX, _PAGE, _SHINGLE = range(1, 8)
#: Context of the first and the last segment of a document.
_START, _END = 0x5EED0001, 0x5EED0002


def _hash_text(text: str) -> int:
    """A stable 64-bit hash of ``text`` (same in every process and on Spark).

    Two C checksums over the UTF-8 bytes: a fraction of a microsecond, where a
    cryptographic digest object cost five times more and dominated learning.
    """
    data = text.encode("utf-8", "surrogatepass")
    return zlib.crc32(data) | zlib.adler32(data) << 32


#: Words whose hash is remembered: syllables recur in every document ...
_WORD_CACHE = 1 << 16
#: ... and are short; a longer word (a URL, a run with no space) is hashed each time.
_MAX_REMEMBERED_WORD = 32
_word_hash_cache: dict[str, int] = {}


def _word_hashes(words: Sequence[str]) -> list[int]:
    """:func:`_hash_text` of each word, remembered for short words.

    Hundreds of words are hashed per document (its two ends): one dictionary
    read each in a comprehension, where a cached function call per word was
    the largest cost of learning.
    """
    remembered = _word_hash_cache.get
    hashes = [remembered(word) for word in words]
    if None in hashes:
        if len(_word_hash_cache) > _WORD_CACHE:
            _word_hash_cache.clear()  # bounded: a long corpus meets many new words
        for index, word in enumerate(words):
            if hashes[index] is None:
                value = hashes[index] = _hash_text(word)
                if len(word) <= _MAX_REMEMBERED_WORD:
                    _word_hash_cache[word] = value
    return hashes  # type: ignore[return-value]  # no None is left


def _mix(seed: int, value: int) -> int:
    """Combine two 64-bit values into one key (order matters); a few integer operations."""
    mixed = (((seed * _GOLDEN) ^ value) * _GOLDEN_2) & _MASK64
    return mixed ^ (mixed >> 29)


def _affix_keys(source: int, kind: int, word_hashes: Sequence[int]) -> list[int]:
    """Keys of the affixes of 1, 2, … words, each built from the one before."""
    keys: list[int] = []
    value = _mix(source, kind)
    for word in word_hashes:
        value = _mix(value, word)
        keys.append(value)
    return keys


@lru_cache(maxsize=1024)
def _segment_seeds(source: int) -> tuple[int, int, int]:
    """A source's seeds of the three segment key kinds, made once per source.

    Every segment of every document needs them: mixing them anew was three
    of the eight mixes of a segment's keys.
    """
    return _mix(source, _SEGMENT), _mix(source, _BEFORE), _mix(source, _AFTER)


def _segment_keys(source: int, unit: _Unit, before: int, after: int) -> tuple[int, int, int]:
    """The keys of a segment alone, with what precedes it, and with what follows it."""
    alone, with_before, with_after = _segment_seeds(source)
    return (
        _mix(alone, unit.key),
        _mix(_mix(with_before, unit.key), before),
        _mix(_mix(with_after, unit.key), after),
    )


def _shaped_words(words: list[str]) -> list[str]:
    """``words`` (the first or last words of a text) shaped, without shaping all of it.

    Shaping acts on each word alone (URLs and digit runs never span a space),
    so shaping the words at one end equals taking them from the shaped text.
    """
    return _shape(" ".join(words)).split(" ") if words else []


@dataclass(frozen=True, slots=True)
class Template:
    """A learned template found in one document.

    Attributes:
        line_no: The line it is on.
        start: Start offset in that line.
        end: End offset in that line.
        certain: Short enough to be certain chrome (see ``MAX_CERTAIN_RUN_CHARS``).
    """

    line_no: int
    start: int
    end: int
    certain: bool


class _Ends(NamedTuple):
    """The shaped words at each end of a document (:data:`WINDOW_WORDS` of them), hashed.

    Shared by the affixes (their first and last few words) and the shingle
    runs (:mod:`~cleaner.boilerplate.shingles`). For a document of no more
    words than the window, both ends are the whole document.
    """

    text: str
    head: list[str]
    tail: list[str]
    head_hashes: list[int]
    tail_hashes: list[int]
    whole: bool

    @classmethod
    def of(cls, text: str) -> _Ends:
        """The ends of ``text``.

        In C when the speedups are built (the same words and hashes; Python
        shapes the ends that hold a web address): splitting, shaping and
        hashing the ends was a quarter of learning.
        """
        if speedups.enabled():
            found = cls._compiled(text)
            if found is not None:
                return found
        pieces = text.split(None, WINDOW_WORDS)
        whole = len(pieces) <= WINDOW_WORDS
        head = _shaped_words(pieces[:WINDOW_WORDS])
        head_hashes = _word_hashes(head)
        if whole:
            return cls(text, head, head, head_hashes, head_hashes, whole)
        tail = _shaped_words(text.rsplit(None, WINDOW_WORDS)[-WINDOW_WORDS:])
        return cls(text, head, tail, head_hashes, _word_hashes(tail), whole)

    @classmethod
    def _compiled(cls, text: str) -> _Ends | None:
        """:meth:`of` by the speedups, or ``None`` where they leave it to Python."""
        head = speedups.edge_words(text, WINDOW_WORDS, False)
        if head is None:
            return None
        words, hashes, more = head
        if not more:
            return cls(text, words, words, hashes, hashes, True)
        tail = speedups.edge_words(text, WINDOW_WORDS, True)
        if tail is None:
            return None
        return cls(text, words, tail[0], hashes, tail[1], False)

    def affixes(self) -> tuple[list[str], list[str]]:
        """The words prefixes and suffixes are counted on: one past the longest template."""
        return self.head[: PREFIX_WORDS + 1], self.tail[-(PREFIX_WORDS + 1) :]

    def affix_keys(self, source: int) -> tuple[list[int], list[int]]:
        """The keys of the prefixes and of the suffixes of :meth:`affixes`' words."""
        prefixes = _affix_keys(source, _PREFIX, self.head_hashes[: PREFIX_WORDS + 1])
        suffix_hashes = self.tail_hashes[-(PREFIX_WORDS + 1) :][::-1]
        return prefixes, _affix_keys(source, _SUFFIX, suffix_hashes)

    def _windows(self) -> list[tuple[list[str], list[int], bool]]:
        """The windows shingles are taken from: words, their hashes, whether it is the tail."""
        head = (self.head, self.head_hashes, False)
        return [head] if self.whole else [head, (self.tail, self.tail_hashes, True)]

    def shingle_keys(self, source: int) -> np.ndarray[Any, np.dtype[np.uint64]]:
        """The keys of the shingles of both ends, head first (once when they are one).

        One array for both windows (numpy's cost is per call); the shingles
        that would straddle the two are dropped.
        """
        keys = shingle_keys(_mix(source, _SHINGLE), self.head_hashes + self.tail_hashes)
        if self.whole:
            return keys[: max(0, len(self.head) - SHINGLE_WORDS + 1)]
        head_count = max(0, len(self.head) - SHINGLE_WORDS + 1)
        return np.concatenate([keys[:head_count], keys[len(self.head) :]])

    def run_templates(
        self, lines: Sequence[str], frequent: np.ndarray[Any, np.dtype[np.bool_]]
    ) -> list[Template]:
        """The chrome in runs of frequent shingles (``frequent``: per key of :meth:`shingle_keys`).

        A run over a whole short page is left to the prefix rules (a page of
        chrome only, or copies of one text); in the others, only the part
        :func:`~cleaner.boilerplate.shingles.chrome_piece` keeps. A run that
        reaches the inner edge of its window may go on past it: it is not
        certain chrome.
        """
        templates: list[Template] = []
        position = 0
        for words, _, from_end in self._windows():
            count = max(0, len(words) - SHINGLE_WORDS + 1)
            runs = covered_runs(frequent[position : position + count])
            position += count
            if self.whole:
                runs = [run for run in runs if run != (0, len(words))]
            pieces = [chrome_piece(words, start, end) for start, end in runs]
            runs = [piece for piece in pieces if piece is not None]
            if not runs:
                continue
            offsets = word_offsets(self.text, len(words), from_end=from_end)
            for start, end in runs:
                inner_edge = not self.whole and (start == 0 if from_end else end == len(words))
                first, last = offsets[start][0], offsets[end - 1][1]
                certain = not inner_edge and last - first <= MAX_CERTAIN_RUN_CHARS
                templates.extend(
                    Template(line_no, piece_start, piece_end, certain)
                    for line_no, piece_start, piece_end in line_pieces(lines, first, last)
                )
        return templates


class _Unit(NamedTuple):
    """A segment of a document: its line, offsets, and the hashes it is counted under.

    A segment too long to be a template is hashed on its opening characters
    only, its identity as a neighbour (shaping all of it would cost time).
    """

    line_no: int
    start: int
    end: int
    countable: bool
    key: int
    context: int


#: A long segment's identity as a neighbour is its opening characters: cheaper
#: to shape and hash, and just as unique.
_CONTEXT_CHARS = 64

Spans = Sequence[Sequence[tuple[int, int]]]


#: Segments whose identity is remembered: a document's segments, between the
#: boilerplate stage's passes (the second pass sees mostly the same segments).
_IDENTITY_CACHE = 4096


Identity = Callable[[str], tuple[int, int, bool]]


def _identity(piece: str) -> tuple[int, int, bool]:
    """The key, the context hash and whether a word is there, of a segment (or its opening)."""
    shape = _shape(piece)
    key = _hash_text(shape)
    context = key if len(shape) <= _CONTEXT_CHARS else _hash_text(shape[:_CONTEXT_CHARS])
    # "2." of a numbered list recurs everywhere and is no template: one needs a word.
    return key, context, LETTER.search(shape) is not None


#: Lookups remember identities; counting does not (each document's segments are new there).
_remembered_identity: Identity = lru_cache(maxsize=_IDENTITY_CACHE)(_identity)


def _units(
    lines: Sequence[str], spans: Spans | None = None, identity: Identity = _identity
) -> list[_Unit]:
    """The segments of ``lines`` (``spans``: their segment spans, when already known).

    A segment's identity is computed in C when the speedups are built (the
    same values; ``identity`` answers where C leaves it to Python): shaping
    and hashing each segment was a third of learning.
    """
    compiled = speedups.segment_identity if speedups.enabled() else None
    units: list[_Unit] = []
    for line_no, line in enumerate(lines):
        for start, end in segment_spans(line) if spans is None else spans[line_no]:
            countable = end - start <= MAX_TEMPLATE_SEGMENT
            piece = line[start:end] if countable else line[start : start + _CONTEXT_CHARS]
            found = compiled(piece) if compiled is not None else None
            key, context, has_word = identity(piece) if found is None else found
            units.append(_Unit(line_no, start, end, countable and has_word, key, context))
    return units


def _context(units: list[_Unit], index: int) -> int:
    """The identity of ``units[index]`` as a neighbour, or of the document's edge."""
    if index < 0:
        return _START
    return units[index].context if index < len(units) else _END


#: Documents looked up in one sketch read: enough to spread numpy's per-call
#: cost thin, few enough that the read's arrays stay a few MB.
_PREFETCH_DOCUMENTS = 256


class _Document(NamedTuple):
    """A document to look up: its lines, source, and segment spans when known."""

    lines: Sequence[str]
    source: str
    spans: Spans | None


class _Lookup(NamedTuple):
    """What a document's templates are decided on; ``keys`` are read from the sketch."""

    document: _Document
    source_key: int
    units: list[_Unit]
    countable: list[int]
    ends: _Ends
    prefixes: int
    suffixes: int
    keys: list[int]


def _check_thresholds(
    min_docs: int, min_fraction: float, affix_fraction: float, width: int
) -> None:
    """Refuse learning options out of range (:class:`TemplateConfig` and :class:`SiteTemplates`)."""
    check_int("min_docs", min_docs, 1)
    check_fraction("min_fraction", min_fraction)
    check_fraction("affix_fraction", affix_fraction)
    if check_int("width", width, 2) & (width - 1):
        raise ConfigError(f"width must be a power of two, got {width}")


@dataclass
class SiteTemplates:
    """Document frequencies of segments, prefixes and suffixes per source, in bounded memory.

    Attributes:
        min_docs: A template occurs in at least this many documents of its source ...
        min_fraction: ... and at least this fraction of them (segments).
        affix_fraction: Prefixes and suffixes must reach this fraction.
        width: Counters per sketch row (a power of two).
        depth: Sketch rows.
        docs: Documents counted per source.
        increments: Keys added to the sketch (for the noise estimate).
        table: The sketch, ``depth x width`` uint32.
    """

    min_docs: int = 10
    min_fraction: float = 0.005
    affix_fraction: float = 0.25
    width: int = 1 << 22
    depth: int = 4
    docs: dict[str, int] = field(default_factory=dict)
    increments: int = 0
    table: np.ndarray[Any, np.dtype[np.uint32]] = field(init=False, repr=False)
    _pending: list[int] = field(default_factory=list, init=False, repr=False)
    _prefound: dict[tuple[str, str], list[Template]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        _check_thresholds(self.min_docs, self.min_fraction, self.affix_fraction, self.width)
        check_int("depth", self.depth, 1, len(_ROW_MULTIPLIERS))
        self.table = np.zeros((self.depth, self.width), dtype=np.uint32)

    # -- counting ---------------------------------------------------------------

    def add_document(self, text: str, source: str, spans: Spans | None = None) -> None:
        """Count the segments, neighbour pairs, prefixes and suffixes of one document.

        Args:
            text: The document.
            source: Its source (site) name.
            spans: The segment spans of each of its lines, when already known.
        """
        self._prefound.clear()  # new counts: prefetched answers may be stale
        self.docs[source] = self.docs.get(source, 0) + 1
        units = _units(text.split("\n"), spans)
        source_key = _hash_text(source)
        ends = _Ends.of(text)
        keys = set(self._document_keys(ends, units, source_key))
        # Once per document, however many times a shingle occurs in it.
        keys.update(ends.shingle_keys(source_key).tolist())
        self._pending.extend(keys)
        if len(self._pending) >= 1 << 18:
            self._flush()

    def _document_keys(self, ends: _Ends, units: list[_Unit], source: int) -> Iterable[int]:
        # Each unit's neighbours' identities, the document's edges at the ends.
        contexts = [_START, *(unit.context for unit in units), _END]
        for index, unit in enumerate(units):
            if unit.countable:
                yield from _segment_keys(source, unit, contexts[index], contexts[index + 2])
        head, _ = ends.affixes()
        prefixes, suffixes = ends.affix_keys(source)
        yield from prefixes
        yield from suffixes
        if prefixes and len(head) <= PREFIX_WORDS:
            # A short page ends here: what tells a page that is only chrome
            # (others go on after the same words) from many copies of one text.
            yield _mix(prefixes[-1], _PAGE)

    def _rows(self, keys: np.ndarray[Any, np.dtype[np.uint64]]) -> np.ndarray[Any, Any]:
        shift = np.uint64(64 - (self.width.bit_length() - 1))
        # Array products wrap modulo 2**64 without a warning (only scalars warn).
        return (keys[None, :] * _ROW_MULTIPLIERS[: self.depth, None]) >> shift

    def _flush(self) -> None:
        if not self._pending:
            return
        keys = np.fromiter(self._pending, dtype=np.uint64, count=len(self._pending))
        self.increments += len(self._pending)
        self._pending.clear()
        # Each cell's count through a sort of the touched cells: a bincount per
        # row walked all ``width`` counters at every flush (a seventh of learning).
        cells = (self._rows(keys) + self._row_offsets()).ravel().astype(np.intp)
        touched, counts = np.unique(cells, return_counts=True)
        if not self.table.flags.c_contiguous:
            self.table = np.ascontiguousarray(self.table)
        flat = self.table.ravel()  # a view of a C-contiguous table, so the sum lands there
        flat[touched] += counts.astype(np.uint32)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle a mostly empty sketch as its non-zero counters.

        Spark partitions, worker processes and broadcasts ship sketches; a
        small corpus fills a tiny part of the 64 MiB table.
        """
        self._flush()
        state = dict(self.__dict__)
        state["_prefound"] = {}  # one batch's answers: no use elsewhere
        flat = self.table.ravel()
        nonzero = np.flatnonzero(flat)
        if nonzero.size * 2 < flat.size:
            state["table"] = (nonzero, flat[nonzero])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuild the table from :meth:`__getstate__`'s form."""
        table = state["table"]
        if isinstance(table, tuple):
            positions, counts = table
            dense = np.zeros(state["depth"] * state["width"], dtype=np.uint32)
            dense[positions] = counts
            state["table"] = dense.reshape(state["depth"], state["width"])
        state.setdefault("_prefound", {})  # pickled before prefetching existed
        self.__dict__.update(state)

    def merge(self, other: SiteTemplates) -> None:
        """Add another sketch's counts (same width and depth) into this one, exactly."""
        if (other.width, other.depth) != (self.width, self.depth):
            raise ValueError("cannot merge sketches of different shapes")
        self._flush()
        other._flush()
        self._prefound.clear()
        self.table += other.table
        self.increments += other.increments
        for source, count in other.docs.items():
            self.docs[source] = self.docs.get(source, 0) + count

    # -- querying ---------------------------------------------------------------

    def _estimates(self, keys: list[int]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Count-mean-min estimates of the document frequencies of ``keys``."""
        self._flush()
        if not keys:
            return np.zeros(0)
        rows = self._rows(np.array(keys, dtype=np.uint64))
        # One flat take: fancy indexing in two dimensions cost more than the lookups.
        cells = (rows + self._row_offsets()).ravel().astype(np.intp)
        counts = self.table.ravel().take(cells).astype(np.float64).reshape(rows.shape)
        noise = (self.increments - counts) / (self.width - 1)
        # Rounded: with little noise the correction must give back the exact count.
        estimate: np.ndarray[Any, np.dtype[np.float64]] = np.minimum(
            np.rint(_column_medians(counts - noise)), counts.min(axis=0)
        )
        return estimate

    def _row_offsets(self) -> np.ndarray[Any, np.dtype[np.uint64]]:
        """Where each sketch row starts in the flattened table (a column vector)."""
        return np.arange(self.depth, dtype=np.uint64)[:, None] * np.uint64(self.width)

    def _threshold(self, source: str, fraction: float) -> float:
        return max(float(self.min_docs), fraction * self.docs.get(source, 0))

    def is_boilerplate(self, line: str, source: str) -> bool:
        """Whether ``line`` (one segment) is frequent in ``source``, context aside.

        >>> words = ["một", "hai", "ba"]
        >>> stats = learn_boilerplate([f"Tin {w}\\nĐã lưu." for w in words], min_docs=3)
        >>> stats.is_boilerplate("Đã lưu.", ""), stats.is_boilerplate("Tin hai", "")
        (True, False)
        """
        shape = _shape(line.strip())
        if source not in self.docs or not 0 < len(shape) <= MAX_TEMPLATE_SEGMENT:
            return False
        key = _mix(_mix(_hash_text(source), _SEGMENT), _hash_text(shape))
        estimate = self._estimates([key])[0]
        return bool(estimate >= self._threshold(source, self.min_fraction))

    def find(self, lines: Sequence[str], source: str, spans: Spans | None = None) -> list[Template]:
        """The template segments and prefix/suffix spans of one document.

        Args:
            lines: The document's lines.
            source: Its source (site) name.
            spans: The segment spans of each line, when already known.
        """
        found = self._prefound.get((source, "\n".join(lines)))
        if found is not None:
            return list(found)
        return self._find_many([_Document(lines, source, spans)])[0]

    def prefetch(self, documents: Iterable[tuple[str, str]]) -> None:
        """Find the templates of many ``(text, source)`` documents with one sketch read.

        numpy's cost is per call (~30 µs a read), which dominated a short
        document's lookup. Until the next prefetch, :meth:`find` answers these
        documents from what was found here (the same answer: the estimates of
        a key do not depend on the other keys read with it). The stage asks
        about a text's lines with runs of blank lines folded
        (:mod:`~cleaner.boilerplate.blank_runs`), so those are what is found.
        """
        self._prefound = {}
        wanted = [
            _Document(fold_blank_runs(text.split("\n")).lines, source, None)
            for text, source in documents
        ]
        for start in range(0, len(wanted), _PREFETCH_DOCUMENTS):
            chunk = wanted[start : start + _PREFETCH_DOCUMENTS]
            for document, templates in zip(chunk, self._find_many(chunk), strict=True):
                self._prefound[(document.source, "\n".join(document.lines))] = templates

    def _find_many(self, documents: Sequence[_Document]) -> list[list[Template]]:
        lookups = [self._lookup(document) for document in documents]
        estimates = self._estimates([key for lookup in lookups if lookup for key in lookup.keys])
        found: list[list[Template]] = []
        start = 0
        for lookup in lookups:
            if lookup is None:
                found.append([])
                continue
            end = start + len(lookup.keys)
            found.append(self._decide(lookup, estimates[start:end]))
            start = end
        return found

    def _lookup(self, document: _Document) -> _Lookup | None:
        """The sketch keys a document's templates are decided on (``None``: it has none)."""
        lines, source = document.lines, document.source
        if source not in self.docs:
            return None
        source_key = _hash_text(source)
        units = _units(lines, document.spans, _remembered_identity)
        countable = [i for i, unit in enumerate(units) if unit.countable]
        text = "\n".join(lines)
        ends = _Ends.of(text)
        head, _ = ends.affixes()
        if not head:
            return None
        prefix_keys, suffix_keys = ends.affix_keys(source_key)
        if len(head) <= PREFIX_WORDS:
            prefix_keys.append(_mix(prefix_keys[-1], _PAGE))
        segment_seed = _mix(source_key, _SEGMENT)
        segment_keys = [_mix(segment_seed, units[i].key) for i in countable]
        return _Lookup(
            document,
            source_key,
            units,
            countable,
            ends,
            len(prefix_keys),
            len(suffix_keys),
            segment_keys + prefix_keys + suffix_keys + ends.shingle_keys(source_key).tolist(),
        )

    def _decide(
        self, lookup: _Lookup, estimates: np.ndarray[Any, np.dtype[np.float64]]
    ) -> list[Template]:
        """A document's templates from the estimates of its :meth:`_lookup` keys."""
        lines, source = lookup.document.lines, lookup.document.source
        segments = len(lookup.countable)
        affixes = segments + lookup.prefixes + lookup.suffixes
        segment_counts = estimates[:segments]
        prefix_counts = estimates[segments : segments + lookup.prefixes]
        suffix_counts = estimates[segments + lookup.prefixes : affixes]
        frequent = segment_counts >= self._threshold(source, self.min_fraction)
        found = self._segment_templates(
            lookup.units,
            [i for i, hit in zip(lookup.countable, frequent, strict=True) if hit],
            lookup.source_key,
        )
        head, tail = lookup.ends.affixes()
        found.extend(self._affix_templates(lines, source, head, tail, prefix_counts, suffix_counts))
        threshold = self._threshold(source, self.affix_fraction)
        found.extend(lookup.ends.run_templates(lines, estimates[affixes:] >= threshold))
        return found

    def _segment_templates(
        self, units: list[_Unit], frequent: list[int], source: int
    ) -> list[Template]:
        templates: list[Template] = []
        for run in _runs(frequent):
            if self._surroundings_vary(units, run, source):
                size = sum(units[i].end - units[i].start for i in run)
                certain = size <= MAX_CERTAIN_RUN_CHARS
                templates.extend(
                    Template(units[i].line_no, units[i].start, units[i].end, certain) for i in run
                )
        return templates

    def _surroundings_vary(self, units: list[_Unit], run: list[int], source: int) -> bool:
        """A run is chrome when its neighbours change across documents, not a copied article.

        The neighbours are the segments around the run; for a run that is the
        whole page, also those inside it: a page whose pieces are each frequent
        but never seen next to each other (a banner, then a footer, and nothing
        else) is only chrome. Shared sentences in a new order, with some pairs
        as usual, are an updated story: dedup's business, not chrome.
        """
        # (segment, segment with its neighbour) pairs: before the run, after it, inside it.
        first_alone, first_before, _ = _segment_keys(
            source, units[run[0]], _context(units, run[0] - 1), _END
        )
        last_alone, _, last_after = _segment_keys(
            source, units[run[-1]], _START, _context(units, run[-1] + 1)
        )
        keys = [first_alone, first_before, last_alone, last_after]
        whole_page = run[0] == 0 and run[-1] == len(units) - 1
        for index in run[1:] if whole_page else ():
            alone, before, _ = _segment_keys(source, units[index], _context(units, index - 1), _END)
            keys += [alone, before]
        counts = self._estimates(keys)
        pairs = counts.reshape(-1, 2)  # (segment, segment with that neighbour)
        varies = pairs[:, 1] < SAME_CONTEXT_SHARE * pairs[:, 0]
        # A whole page of chrome: every piece sits next to a rare neighbour.
        return bool(varies[:2].any() or (len(varies) > 2 and varies[2:].all()))

    def _affix_templates(
        self,
        lines: Sequence[str],
        source: str,
        head: list[str],
        tail: list[str],
        prefix_counts: np.ndarray[Any, np.dtype[np.float64]],
        suffix_counts: np.ndarray[Any, np.dtype[np.float64]],
    ) -> list[Template]:
        threshold = self._threshold(source, self.affix_fraction)
        prefix = _trim_to_sentence(head, _affix_length(head, prefix_counts, threshold))
        whole = len(head) <= PREFIX_WORDS
        # A whole short page is a prefix matter; a suffix must leave the prefix alone.
        reversed_tail = tail[::-1]
        suffix = 0 if whole else _affix_length(reversed_tail, suffix_counts, threshold)
        suffix = _trim_to_sentence(reversed_tail, suffix, from_end=True)
        if prefix and suffix and prefix + suffix >= len("\n".join(lines).split()):
            suffix = 0  # the two would overlap: the page is all template, a prefix matter
        templates: list[Template] = []
        if prefix:
            templates.extend(_word_span(lines, prefix, from_end=False))
        if suffix:
            templates.extend(_word_span(lines, suffix, from_end=True))
        return templates


def _column_medians(values: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``np.median(values, axis=0)``, equal to the bit, without its per-call overhead.

    ``np.median`` is ten times slower than the sort on a few rows, and the
    sketch is read once or twice per document. An even count averages the
    two middle values as ``np.median`` does (their sum, halved).

    >>> values = np.array([[4.0, 1.0], [1.5, 2.0], [3.0, 7.0], [9.0, 0.5]])
    >>> bool((_column_medians(values) == np.median(values, axis=0)).all())
    True
    """
    ordered = np.sort(values, axis=0)
    middle = len(ordered) // 2
    medians: np.ndarray[Any, np.dtype[np.float64]] = (
        ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    )
    return medians


def _trim_to_sentence(words: list[str], length: int, *, from_end: bool = False) -> int:
    """Shorten an affix of ``length`` words (from the edge inwards) to end on a sentence edge.

    A site's banner is whole sentences; when most of its articles also open
    with the same word ("Đã lưu vào mục yêu thích. Giá …"), the frequent prefix
    runs into the article. An affix that holds a sentence edge is cut back to
    the last one; one that holds none (chrome glued to the text) stays.
    """

    def edge_after(count: int) -> bool:
        # Between the count-th word from the document's edge and the next one.
        return ends_sentence(words[count] if from_end else words[count - 1])

    if not length or length >= len(words) or edge_after(length):
        return length
    return next((n for n in range(length - 1, 0, -1) if edge_after(n)), length)


def _affix_length(
    words: list[str], counts: np.ndarray[Any, np.dtype[np.float64]], threshold: float
) -> int:
    """How many of ``words`` (from the document's edge inwards) are a template: 0 when none.

    ``counts[n - 1]`` is the document frequency of the first ``n`` words; one
    more count follows the template candidates (one word more, or the page
    ending there). The longest frequent affix counts only where documents
    diverge: that next count must be much rarer, or it is a shared article,
    not chrome.
    """
    limit = min(PREFIX_WORDS, len(counts) - 1)
    frequent = [n for n in range(1, limit + 1) if counts[n - 1] >= threshold]
    if not frequent:
        return 0
    longest = frequent[-1]
    diverges = counts[longest] < SAME_CONTEXT_SHARE * counts[longest - 1]
    long_enough = len(" ".join(words[:longest])) >= MIN_AFFIX_CHARS
    return longest if diverges and long_enough else 0


def _runs(indices: list[int]) -> list[list[int]]:
    """Group sorted indices into runs of consecutive numbers."""
    runs: list[list[int]] = []
    for index in indices:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _word_span(lines: Sequence[str], count: int, *, from_end: bool) -> list[Template]:
    """The spans (one per line touched) of the first or last ``count`` words."""
    order = range(len(lines) - 1, -1, -1) if from_end else range(len(lines))
    spans: list[Template] = []
    remaining = count
    for line_no in order:
        words = [match.span() for match in SPLIT_WORD.finditer(lines[line_no])]
        if not words:
            continue
        taken = words[-remaining:] if from_end else words[:remaining]
        spans.append(Template(line_no, taken[0][0], taken[-1][1], True))
        remaining -= len(taken)
        if remaining <= 0:
            break
    return spans


def _meta_source(record: Record) -> str:
    return str(record.meta.get("source") or "")


@dataclass(frozen=True)
class TemplateConfig:
    """Options of :func:`learn_boilerplate`.

    Attributes:
        source: Maps a record to its source name (default ``meta["source"]``).
        min_docs: See :class:`SiteTemplates`.
        min_fraction: See :class:`SiteTemplates`.
        affix_fraction: See :class:`SiteTemplates`.
        width: Sketch row width (power of two); memory is ``4 * 4 * width`` bytes.
    """

    source: Callable[[Record], str] = _meta_source
    min_docs: int = 10
    min_fraction: float = 0.005
    affix_fraction: float = 0.25
    width: int = 1 << 22

    def __post_init__(self) -> None:
        if not callable(self.source):
            raise ConfigError(f"source must map a Record to its source name, got {self.source!r}")
        _check_thresholds(self.min_docs, self.min_fraction, self.affix_fraction, self.width)

    def new_templates(self) -> SiteTemplates:
        """Empty per-source counts with these thresholds."""
        return SiteTemplates(
            min_docs=self.min_docs,
            min_fraction=self.min_fraction,
            affix_fraction=self.affix_fraction,
            width=self.width,
        )


def learn_boilerplate(
    records: Iterable[Record | str | tuple[str, str] | dict[str, Any]],
    config: TemplateConfig | None = None,
    **options: Any,
) -> SiteTemplates:
    """First pass: learn per-source templates over a stream of records.

    Args:
        records: Records, strings, ``(id, text)`` pairs or dicts with ``text``
            (and optionally ``id`` and a source field); read once.
        config: A :class:`TemplateConfig`; keyword ``options`` override it.
        **options: Fields of :class:`TemplateConfig` (``min_docs=``, ``source=``...).

    Returns:
        The templates to pass as ``templates`` to ``strip_boilerplate``.

    Raises:
        ConfigError: An unknown option or a value out of range.

    >>> topics = "gạo cà_phê tiêu điều chè sắn ngô mía bông sữa thép xăng".split()
    >>> docs = [f"Đã lưu bài viết {t.title()} tăng giá mạnh hôm nay." for t in topics]
    >>> templates = learn_boilerplate(docs)
    >>> [docs[0][t.start : t.end] for t in templates.find([docs[0]], "")]
    ['Đã lưu bài viết']
    """
    cfg = config_from_options("learn_boilerplate", TemplateConfig, config, options)
    templates = cfg.new_templates()
    for record in as_records(records):
        templates.add_document(record.text, cfg.source(record))
    templates._flush()
    return templates


#: Deprecated name of :class:`SiteTemplates` (before segments and templates).
LineStats = SiteTemplates
