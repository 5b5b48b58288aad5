"""Runs of identical blank lines folded into one line while the stage labels a text.

No rule of the stage tells two identical blank lines in a row from one: the
line rules skip blank lines, the context rules read the kept non-blank lines
(and count a block's length in them), and the blank-line rule decides a whole
run alike. So the stage labels one line per run and gives every line of the
run that line's verdict. A document of ten million line breaks then costs one
label, not ten million list slots in each of the stage's passes; only the
gutting guard needs the real size, which :meth:`FoldedLines.size` gives it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat

__all__ = ["FoldedLines", "fold_blank_runs"]


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
        """Characters of the text the lines stand for, line breaks included.

        >>> FoldedLines(["Huế", ""], [1, 2]).size() == len("Huế\\n\\n")
        True
        """
        if self.repeats is None:
            return sum(len(line) for line in self.lines) + len(self.lines) - 1
        pairs = zip(self.lines, self.repeats, strict=True)
        return sum(len(line) * count for line, count in pairs) + sum(self.repeats) - 1

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
    # Most texts have no run: they are looked through once and not copied.
    if not any(_repeats_blank(line, previous) for previous, line in pairwise(lines)):
        return FoldedLines(lines, None)
    folded: list[str] = []
    repeats: list[int] = []
    for line in lines:
        if folded and _repeats_blank(line, folded[-1]):
            repeats[-1] += 1
        else:
            folded.append(line)
            repeats.append(1)
    return FoldedLines(folded, repeats)


def _repeats_blank(line: str, previous: str) -> bool:
    """Whether ``line`` is blank and the same as the line before it."""
    return line == previous and (not line or line.isspace())
