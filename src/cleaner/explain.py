"""What a stage changed and why: :class:`Edit` (normalization) and :class:`Removal` (boilerplate).

The ``*_and_explain`` verbs return them in named pairs: :class:`Explained`
``(text, edits)`` and :class:`Stripped` ``(text, removals)``, which still
unpack as tuples.

Edits form a replayable log. Each edit's ``start``/``end`` are offsets into the
text as it stood after every *earlier* edit of the list had been applied, so
``apply_edits(original, edits)`` rebuilds the normalized text exactly. Fixers
record edits through :class:`EditLog`, which keeps that bookkeeping in one
place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from cleaner.errors import CleanerError, check_collection, check_text


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made by a normalization fixer.

    Attributes:
        kind: Reason code in snake_case, e.g. ``"nfc"``, ``"tone_placement"``.
        start: Start offset of ``before`` in the text as it stood before this edit.
        end: End offset (exclusive) of ``before`` in that text.
        before: The replaced text.
        after: The replacement.
    """

    kind: str
    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Removal:
    """One span removed by the boilerplate stage.

    Attributes:
        reason: Reason code in snake_case, e.g. ``"related_news_block"``.
        line_no: 0-based index of the input line the span belongs to.
        start: Start offset of the removed span within that line.
        end: End offset (exclusive) of the removed span within that line.
        text: The removed text.
        whole_line: The whole line was dropped (else the span was cut out of a
            kept line).
    """

    reason: str
    line_no: int
    start: int
    end: int
    text: str
    whole_line: bool = False


class Explained(NamedTuple):
    """A text and the edits that made it (``normalize_and_explain``, ``redact_pii_and_explain``).

    Attributes:
        text: The new text.
        edits: The edits, in replay order: ``apply_edits(original, edits) == text``.

    >>> text, edits = Explained("hòa", [])
    >>> text
    'hòa'
    """

    text: str
    edits: list[Edit]


class Stripped(NamedTuple):
    """A text and the spans removed from it (``strip_boilerplate_and_explain``).

    Attributes:
        text: The kept text.
        removals: The removals, ordered by line and offset:
            ``restore(text, removals)`` rebuilds the input.
    """

    text: str
    removals: list[Removal]


class EditLog:
    """Collects the edits of one fixer pass over a text, in replayable coordinates.

    A fixer scans its *input* left to right and reports each replacement with
    input offsets; the log shifts them by the length change of the replacements
    already made in this pass, so the recorded edits replay in order.

    Args:
        edits: The list to append to, or ``None`` to record nothing (fast path).
    """

    __slots__ = ("_edits", "_shift")

    def __init__(self, edits: list[Edit] | None) -> None:
        self._edits = edits
        self._shift = 0

    @property
    def enabled(self) -> bool:
        """Whether edits are being recorded."""
        return self._edits is not None

    def record(self, kind: str, start: int, end: int, before: str, after: str) -> None:
        """Record that ``before`` at input offsets ``[start, end)`` became ``after``."""
        if self._edits is None or before == after:
            return
        shifted = start + self._shift
        self._edits.append(Edit(kind, shifted, shifted + len(before), before, after))
        self._shift += len(after) - len(before)

    def note(self, kind: str, start: int, end: int, text: str) -> None:
        """Record that ``text`` at input offsets ``[start, end)`` needs a change none could make.

        The edit replaces the text by itself (so it replays as a no-op); it
        counts a damage left in place, such as a byte no letter can be told for.
        """
        if self._edits is not None:
            shifted = start + self._shift
            self._edits.append(Edit(kind, shifted, shifted + len(text), text, text))

    def next_pass(self) -> EditLog:
        """A log for another pass over this pass's output, appending to the same list."""
        return EditLog(self._edits)


def next_pass(log: EditLog | None) -> EditLog | None:
    """A log for another pass over the output of ``log``'s pass (``None`` stays ``None``)."""
    return None if log is None else log.next_pass()


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replay ``edits`` on ``text`` in order.

    Args:
        text: The original text the edits were recorded on.
        edits: Edits as returned by ``normalize_and_explain``.

    Returns:
        The text after every edit.

    Raises:
        CleanerError: If an edit's ``before`` does not match the text at its span.

    >>> apply_edits("hoà", [Edit("tone_placement", 0, 3, "hoà", "hòa")])
    'hòa'
    """
    check_text("text", text)
    check_collection("edits", edits)
    for edit in edits:
        if text[edit.start : edit.end] != edit.before:
            raise CleanerError(
                f"edit {edit.kind} at {edit.start}:{edit.end} does not match the text"
            )
        text = text[: edit.start] + edit.after + text[edit.end :]
    return text
