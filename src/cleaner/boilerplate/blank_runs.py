"""Runs of identical blank lines folded into one line while the stage labels a text.

No rule of the stage tells two identical blank lines in a row from one: the
line rules skip blank lines, the context rules read the kept non-blank lines
(and count a block's length in them), and the blank-line rule decides a whole
run alike. So the stage labels one line per run and gives every line of the
run that line's verdict. A document of ten million line breaks then costs one
label, not ten million list slots in each of the stage's passes; only the
gutting guard needs the real size, which :func:`folded_size` gives it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

__all__ = ["FoldedLines", "fold_blank_runs", "folded_size"]


@dataclass(frozen=True, slots=True)
class FoldedLines:
    """A text's lines, each run of identical blank lines as one.

    Attributes:
        lines: The folded lines.
        repeats: How many input lines each folded line stands for; ``None``
            when nothing was folded (every line stands for itself).
    """

    lines: list[str]
    repeats: list[int] | None

    def counts(self) -> Iterator[int]:
        """How many input lines each folded line stands for, in order."""
        return iter(self.repeats) if self.repeats is not None else repeat(1, len(self.lines))

    def size(self) -> int:
        """Characters of the text the lines stand for, line breaks included."""
        return folded_size(self.lines, self.repeats)

    def select(self, indexes: Sequence[int], lines: list[str]) -> FoldedLines:
        """``lines`` (new texts of the folded lines at ``indexes``) with their repeats."""
        if self.repeats is None:
            return FoldedLines(lines, None)
        return FoldedLines(lines, [self.repeats[index] for index in indexes])


def fold_blank_runs(lines: list[str]) -> FoldedLines:
    """Fold each run of identical blank lines of ``lines`` into one.

    >>> folded = fold_blank_runs(["Hà Nội", "", "", "", " ", "mưa to."])
    >>> folded.lines, folded.repeats, folded.size() == len("Hà Nội\\n\\n\\n\\n \\nmưa to.")
    (['Hà Nội', '', ' ', 'mưa to.'], [1, 3, 1, 1], True)
    """
    if not _has_blank_run(lines):
        return FoldedLines(lines, None)
    folded: list[str] = []
    repeats: list[int] = []
    for line in lines:
        if folded and line == folded[-1] and (not line or line.isspace()):
            repeats[-1] += 1
        else:
            folded.append(line)
            repeats.append(1)
    return FoldedLines(folded, repeats)


def _has_blank_run(lines: list[str]) -> bool:
    """Whether two identical blank lines follow each other somewhere (most texts: no)."""
    previous: str | None = None
    for line in lines:
        if line == previous and (not line or line.isspace()):
            return True
        previous = line
    return False


def folded_size(lines: Sequence[str], repeats: Sequence[int] | None) -> int:
    """Characters of the text that folded ``lines`` stand for, line breaks included.

    >>> folded_size(["Huế", ""], [1, 2]), len("Huế\\n\\n")
    (5, 5)
    """
    if repeats is None:
        return sum(len(line) for line in lines) + len(lines) - 1
    return sum(len(line) * count for line, count in zip(lines, repeats, strict=True)) + (
        sum(repeats) - 1
    )
