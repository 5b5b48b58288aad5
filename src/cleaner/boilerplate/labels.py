"""The per-line verdicts the classify and revise passes share."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.boilerplate.segments import segment_spans

__all__ = ["BlankLine", "Cut", "LineLabel", "label_lines"]


@dataclass(frozen=True, slots=True)
class Cut:
    """A span removed from inside a kept line (a tag, a mark, a segment, an inline block).

    Attributes:
        start: Start offset in the line.
        end: End offset (exclusive).
        reason: Reason code.
        certain: Decided by an explicit rule or a learned template, not by
            context alone (the gutting guard may undo uncertain cuts).
    """

    start: int
    end: int
    reason: str
    certain: bool = True


@dataclass(slots=True)
class LineLabel:
    """What the passes decided about one input line.

    Attributes:
        text: The input line.
        reason: Reason code when the whole line is removed, else ``None``.
        concept: The rule section that matched the whole line, if any.
        cuts: Spans removed from inside the line when it is kept.
        certain: Whether a whole-line removal rests on an explicit rule or a
            learned template rather than on context alone.
    """

    text: str
    reason: str | None = None
    concept: str | None = None
    # A tuple, shared and empty until a cut is made: a document of ten million
    # short lines must not hold ten million empty lists.
    cuts: tuple[Cut, ...] = ()
    certain: bool = True
    _segments: tuple[tuple[int, int], ...] | None = field(default=None, repr=False, compare=False)
    # The kept text and the cuts it was made for: the revise rules ask for a
    # cut line's kept text again and again, and a long flattened line is
    # rebuilt each time. Cuts are replaced, never changed, so the same tuple
    # object means the same text (the reference held here keeps its id taken).
    _kept: tuple[tuple[Cut, ...], str] | None = field(default=None, repr=False, compare=False)

    @property
    def segments(self) -> tuple[tuple[int, int], ...]:
        """The sentence-like segment spans of the input line (computed once, until forgotten)."""
        if self._segments is None:
            self._segments = segment_spans(self.text)
        return self._segments

    def forget_segments(self) -> None:
        """Free the cached spans once the passes that share them are done."""
        self._segments = None

    @property
    def blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return not self.text.strip()

    @property
    def removed(self) -> bool:
        """Whether the whole line is removed."""
        return self.reason is not None

    def remove(self, reason: str, concept: str | None = None, *, certain: bool = True) -> None:
        """Mark the whole line as removed (drops any inline cuts)."""
        self.reason = reason
        self.concept = concept
        self.certain = certain
        self.cuts = ()

    def restore_line(self) -> None:
        """Keep the line again (the guard undoing an uncertain removal)."""
        self.reason = None
        self.concept = None
        self.certain = True

    def add_cut(self, start: int, end: int, reason: str, *, certain: bool = True) -> None:
        """Cut ``[start, end)`` of the input line, merged with any cut it overlaps.

        A cut over a span already cut is absorbed; overlapping cuts become one
        cut (the larger one's reason), so that cuts never overlap.
        """
        if start >= end:
            return
        merged_reason, merged_certain = reason, certain
        kept: list[Cut] = []
        for cut in self.cuts:
            if cut.end <= start or end <= cut.start:
                kept.append(cut)
                continue
            if cut.end - cut.start > end - start:
                merged_reason, merged_certain = cut.reason, cut.certain
            start, end = min(start, cut.start), max(end, cut.end)
        kept.append(Cut(start, end, merged_reason, merged_certain))
        self.cuts = tuple(kept)

    def to_input_offset(self, kept_offset: int, *, skip_cuts: bool = True) -> int:
        """Map an offset in :meth:`kept_text` back to an offset in the input line.

        Args:
            kept_offset: Offset in the kept text.
            skip_cuts: Where a cut starts exactly there, map past it (for the
                start of a span) rather than before it (for the end of a span).
        """
        offset = kept_offset
        for cut in sorted(self.cuts, key=lambda c: c.start):
            if cut.start > offset or (cut.start == offset and not skip_cuts):
                break
            offset += cut.end - cut.start
        return offset

    def cut_kept(
        self, kept_start: int, kept_end: int, reason: str, *, certain: bool = True
    ) -> None:
        """Cut ``[kept_start, kept_end)`` of the kept text; absorbs cuts inside it."""
        start = self.to_input_offset(kept_start)
        end = self.to_input_offset(kept_end, skip_cuts=False)
        self.add_cut(start, end, reason, certain=certain)

    def kept_text(self) -> str:
        """The line with its inline cuts taken out."""
        if not self.cuts:
            return self.text  # most lines: the revise rules ask about every line, often
        if self._kept is not None and self._kept[0] is self.cuts:
            return self._kept[1]
        pieces: list[str] = []
        position = 0
        for cut in sorted(self.cuts, key=lambda c: c.start):
            pieces.append(self.text[position : cut.start])
            position = cut.end
        pieces.append(self.text[position:])
        kept = "".join(pieces)
        self._kept = (self.cuts, kept)
        return kept


class BlankLine(LineLabel):
    """The label of a blank line, one object shared by the document's blank lines of one text.

    A document of ten million blank lines must not hold ten million labels
    (about 90 bytes each). No pass changes a blank line's label except the
    blank-line rule, which gives the line a :class:`LineLabel` of its own
    first; any other change raises, so that a new rule cannot silently
    change every blank line at once.
    """

    __slots__ = ()

    @property
    def blank(self) -> bool:
        """Always true."""
        return True

    def remove(self, reason: str, concept: str | None = None, *, certain: bool = True) -> None:
        """Refused: give the line its own :class:`LineLabel` first."""
        raise TypeError("a shared blank-line label cannot change; give the line its own label")

    def add_cut(self, start: int, end: int, reason: str, *, certain: bool = True) -> None:
        """Refused: a blank line has nothing to cut."""
        raise TypeError("a shared blank-line label cannot change; give the line its own label")


def label_lines(lines: list[str]) -> list[LineLabel]:
    """A fresh label per non-blank line; blank lines of one text share a :class:`BlankLine`.

    >>> labels = label_lines(["Hà Nội", "", " ", ""])
    >>> labels[1] is labels[3], labels[1] is labels[2], labels[0].blank
    (True, False, False)
    """
    shared: dict[str, BlankLine] = {}
    labels: list[LineLabel] = []
    for line in lines:
        if line and not line.isspace():
            labels.append(LineLabel(line))
            continue
        blank = shared.get(line)
        if blank is None:
            blank = shared[line] = BlankLine(line)
        labels.append(blank)
    return labels
