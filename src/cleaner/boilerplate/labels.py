"""The per-line verdicts the classify and revise passes share."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SPAN_REASONS", "Cut", "LineLabel"]

#: Reasons of spans cut out of kept lines. Whole-line removals never use them,
#: so a removal's reason alone says whether its line was dropped.
SPAN_REASONS = frozenset(
    {"source_tag", "end_mark", "related_news_inline", "photo_credit", "byline_inline"}
)


@dataclass(frozen=True, slots=True)
class Cut:
    """A span removed from inside a kept line (a tag, a mark, an inline block)."""

    start: int
    end: int
    reason: str


@dataclass(slots=True)
class LineLabel:
    """What the passes decided about one input line.

    Attributes:
        text: The input line.
        reason: Reason code when the whole line is removed, else ``None``.
        concept: The rule section that matched the whole line, if any.
        cuts: Spans removed from inside the line when it is kept.
    """

    text: str
    reason: str | None = None
    concept: str | None = None
    cuts: list[Cut] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return not self.text.strip()

    @property
    def removed(self) -> bool:
        """Whether the whole line is removed."""
        return self.reason is not None

    def remove(self, reason: str, concept: str | None = None) -> None:
        """Mark the whole line as removed (drops any inline cuts)."""
        self.reason = reason
        self.concept = concept
        self.cuts = []

    def content_end(self) -> int:
        """Where the kept part ends: the start of a cut that runs to the line end."""
        return min(
            (cut.start for cut in self.cuts if cut.end == len(self.text)), default=len(self.text)
        )

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

    def cut_kept(self, kept_start: int, kept_end: int, reason: str) -> None:
        """Cut ``[kept_start, kept_end)`` of the kept text; absorbs cuts inside it."""
        start = self.to_input_offset(kept_start)
        end = self.to_input_offset(kept_end, skip_cuts=False)
        if start >= end:
            return
        self.cuts = [cut for cut in self.cuts if not (start <= cut.start and cut.end <= end)]
        self.cuts.append(Cut(start, end, reason))

    def kept_text(self) -> str:
        """The line with its inline cuts taken out."""
        pieces: list[str] = []
        position = 0
        for cut in sorted(self.cuts, key=lambda c: c.start):
            pieces.append(self.text[position : cut.start])
            position = cut.end
        pieces.append(self.text[position:])
        return "".join(pieces)
