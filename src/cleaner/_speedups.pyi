"""Type stub of the optional compiled fast paths (``_speedups.c``)."""

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from _typeshed import ReadableBuffer

class Scanner:
    """One pass over a text for the normalization fast path."""

    def __init__(self, table: ReadableBuffer, keys: ReadableBuffer) -> None: ...
    def scan(self, text: str) -> tuple[int, list[tuple[int, int]]]:
        """The OR of the characters' flags, and the ``(start, end)`` of the tones to fix."""

def shingle_hashes(text: str, ngram: int, word_table: ReadableBuffer) -> tuple[bytes, int]:
    """Sorted, distinct 64-bit shingle hashes (native byte order) and the syllable count."""

def minhash_signatures(
    values: npt.NDArray[np.uint64],
    offsets: npt.NDArray[np.int64],
    a: npt.NDArray[np.uint32],
    b: npt.NDArray[np.uint32],
    out: npt.NDArray[np.uint32],
) -> None:
    """Affine32 MinHash of ``values[offsets[t]:offsets[t + 1]]`` into row ``t`` of ``out``."""

def find_lowered(text: str, table: bytes, phrases: tuple[str, ...]) -> int:
    """Bit i set when ``phrases[i]`` is in ``text.lower()``; -1 when only lowering tells.

    ``table``: each BMP character's lower case, 65,536 uint16 (0xFFFF: several).
    """

def line_structure(text: str, bullets: str) -> tuple[int, ...]:
    """The line rules' counts but ``hashes`` and ``ellipses``, in their order.

    The fields of :class:`cleaner.quality.heuristics.LineCounts`; ``bullets``
    holds the characters a bullet line starts with.
    """

def ngram_repetition_pruned(
    words: list[str], top_ns: Sequence[int], duplicate_ns: Sequence[int]
) -> tuple[list[int], list[int]]:
    """Per size, the top n-gram's and the repeated n-grams' characters (Gopher).

    Only the positions whose shorter n-gram repeats are walked.
    """

class WordLexicon:
    """The quality filters' one pass over a text: syllables, word classes, token counts."""

    def __init__(
        self, table: ReadableBuffer, describe: Callable[[str], tuple[str, int, int]], limit: int
    ) -> None: ...
    def scan(self, text: str) -> tuple[list[str], tuple[int, ...], int, int, int, int, list[int]]:
        """Syllables, class counts, tokens, letterless tokens, chars, marks, marked positions."""
    def size(self) -> int:
        """Words held."""

def segment_identity(text: str) -> tuple[int, int, bool] | None:
    """A template segment's shape key, opening key and whether it holds a letter.

    ``None`` where Python must decide (a web address, letters above U+1FFF).
    """

def segment_boundaries(
    line: str, start: int, end: int, abbreviations: frozenset[str]
) -> list[int] | None:
    """Flat ``[spaces start, spaces end, ...]`` of the segment boundaries in ``line[start:end]``.

    ``None`` where the regex must decide (a deciding character above U+1FFF).
    """

def edge_words(text: str, count: int, from_end: bool) -> tuple[list[str], list[int], bool] | None:
    """The shaped words at one end of ``text``, their hashes, and whether more words follow.

    ``None`` when one of them holds a web address.
    """
