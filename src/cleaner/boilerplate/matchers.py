"""Line classifiers: each concept of the rule file compiled into one matcher.

A matcher answers a narrow question about one line ("is this whole line a
timestamp?", "where does a source tag end?"). Whole-line concepts share one
alternation with a named group per concept, so a short line costs one regex
call; long lines are sentence-like and skip the whole-line test entirely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import regex

from cleaner.boilerplate.rule_files import RuleSet

__all__ = ["LETTER", "MAX_SHORT_LINE", "Matchers", "compile_rules", "ends_sentence"]

#: Lines longer than this are never removed by a whole-line rule: they are prose.
MAX_SHORT_LINE = 400

#: Segment answers remembered per rule set (a document's segments, many times over) ...
_MAX_REMEMBERED_SEGMENTS = 1 << 14
#: ... for texts up to this long (longer segments are rare; longer lines are prose).
_REMEMBERED_SEGMENT_CHARS = 160

#: Whole-line concepts and the reason code each one reports, in priority order.
WHOLE_LINE_REASONS: dict[str, str] = {
    "related_header": "related_news_block",
    "related_link": "related_news_block",
    "toc_header": "table_of_contents",
    "follow_line": "follow_line",
    "ui_line": "ui_line",
    "timestamp": "timestamp",
    "promo": "promotional_line",
    "caption": "photo_caption",
}

#: A letter of any script: what makes a word, a shape or a rest more than digits and marks.
LETTER = regex.compile(r"\p{L}")

#: A sentence ends with one of these (optionally followed by closing quotes).
_SENTENCE_END = regex.compile(r"[.!?…:;][\"”’')\]]{0,3}\Z")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends like a sentence (punctuation, then up to three closers).

    Only the last four characters are searched: an end-anchored search would
    otherwise scan the whole line.

    >>> ends_sentence("Hà Nội mưa to.”"), ends_sentence("Tin liên quan")
    (True, False)
    """
    return _SENTENCE_END.search(text, max(0, len(text) - 4)) is not None


def _alternation(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns) or r"(?!)"


@dataclass(frozen=True)
class Matchers:
    """Compiled matchers of one rule set.

    Attributes:
        whole_line: Named-group alternation; ``fullmatch`` on a stripped line.
        segment: The same without captions and lone related links, for the
            segments of a flattened line (a caption there loses only its
            credit; an arrow may lead back into the article).
        source_tag: A generic tag shape at the start of the lead (``match``);
            guarded, since "HAGL - Hải Phòng" has the same shape.
        agency_tag: A known site or agency tag at the start of the lead (``match``).
        lead_prefix: A dateline or timestamp glued to the first sentence (``match``).
        related_inline: Start of a related-news run inside a long line (``finditer``).
        byline: A sign-off line at the end of the article (``fullmatch``).
        page_label: A section name ("Pháp luật") or keyword list that the page
            prints next to its byline or date (``fullmatch``); only counted
            inside the sign-off and lead blocks, since alone it may be a heading.
        end_mark: The ``/.`` of a trailing ``./.`` (``search`` at line end).
    """

    whole_line: regex.Pattern[str]
    segment: regex.Pattern[str]
    source_tag: regex.Pattern[str]
    agency_tag: regex.Pattern[str]
    lead_prefix: regex.Pattern[str]
    related_inline: regex.Pattern[str]
    byline: regex.Pattern[str]
    page_label: regex.Pattern[str]
    end_mark: regex.Pattern[str]
    _segment_answers: dict[str, tuple[str, str] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _line_answers: dict[str, tuple[str, str] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _byline_answers: dict[str, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def whole_line_reason(self, line: str) -> tuple[str, str] | None:
        """``(concept, reason)`` when the whole stripped line is boilerplate.

        Lines over :data:`MAX_SHORT_LINE` characters are content by definition.
        Answers are remembered: the sign-off and furniture rules ask again
        about the lines the classify pass asked about (a one-line document's
        line twice, ~50 µs a call).
        """
        if len(line) > MAX_SHORT_LINE:
            return None
        return _remembered(
            self._line_answers, line, lambda: _reason(self.whole_line.fullmatch(line))
        )

    def segment_reason(self, segment: str) -> tuple[str, str] | None:
        """``(concept, reason)`` when a segment of a longer line is boilerplate.

        Answers are remembered: the stage's second pass over its own output
        asks again about nearly every segment of the first. A text no
        whole-line concept matches is no segment either (the segment
        alternation is the whole-line one less two concepts), so a one-line
        document's line, asked about as a line first, costs no second match.
        """
        if segment in self._line_answers and self._line_answers[segment] is None:
            return None
        return _remembered(
            self._segment_answers, segment, lambda: _reason(self.segment.fullmatch(segment))
        )

    def is_byline(self, text: str) -> bool:
        """Whether the stripped ``text`` is a sign-off line (``byline`` fullmatch), remembered.

        The teaser and sign-off rules ask about the same last line.
        """
        return _remembered(
            self._byline_answers, text, lambda: self.byline.fullmatch(text) is not None
        )


_Answer = TypeVar("_Answer")


def _remembered(known: dict[str, _Answer], text: str, answer: Callable[[], _Answer]) -> _Answer:
    """``answer()`` for ``text``, from ``known`` when asked before (short texts only).

    The rules are pure functions of the text, so a remembered answer is the
    answer; the table is emptied when full, which bounds its memory.
    """
    if text in known:
        return known[text]
    found = answer()
    if len(text) <= _REMEMBERED_SEGMENT_CHARS:
        if len(known) >= _MAX_REMEMBERED_SEGMENTS:
            known.clear()
        known[text] = found
    return found


def _reason(match: regex.Match[str] | None) -> tuple[str, str] | None:
    if match is None or match.lastgroup is None:
        return None
    return match.lastgroup, WHOLE_LINE_REASONS[match.lastgroup]


def _named_alternation(rules: RuleSet, concepts: Iterable[str]) -> str:
    return "|".join(f"(?P<{c}>{_alternation(rules.section(c))})" for c in concepts)


def compile_rules(rules: RuleSet) -> Matchers:
    """Compile a rule set into :class:`Matchers`."""
    whole = _named_alternation(rules, WHOLE_LINE_REASONS)
    segment = _named_alternation(
        rules, [c for c in WHOLE_LINE_REASONS if c not in ("caption", "related_link")]
    )
    # Inline patterns are capitalised headers ("Tin liên quan", "Xem thêm:"),
    # so prose such as "tin liên quan đến" never matches; the classifier checks
    # that a space precedes the header and vets the run that follows (short,
    # no full sentence). Leaving the boundary out of the regex keeps its
    # literal prefixes, which the engine scans for quickly.
    related_inline = _alternation(rules.section("related_inline"))
    return Matchers(
        whole_line=rules.compile(whole),
        segment=rules.compile(segment),
        source_tag=rules.compile(_alternation(rules.section("source_tag"))),
        agency_tag=rules.compile(
            r"(?:" + _alternation(rules.section("agency_tag")) + r") ?[-–—:] ?(?=\S)"
        ),
        lead_prefix=rules.compile(
            r"(?:"
            + _alternation(rules.section("timestamp"))
            + r")(?: ?[-–|,.])? +(?=[\p{Lu}\d\"“(])"
        ),
        related_inline=rules.compile(related_inline),
        byline=rules.compile(_alternation(rules.section("byline"))),
        page_label=rules.compile(_alternation(rules.section("page_label"))),
        end_mark=rules.compile(r"(?:" + _alternation(rules.section("end_mark")) + r")\s*\Z"),
    )
