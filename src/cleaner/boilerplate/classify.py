"""First pass: label each line on its own (jusText's classify step).

Whole-line rules are certain enough to remove a line alone; inline rules cut
a span out of a long line (the baomoi crawl flattens whole articles onto one
line). Nothing here looks at neighbours; that is the revise pass.
"""

from __future__ import annotations

import regex

from cleaner.boilerplate.corpus import LineStats
from cleaner.boilerplate.labels import Cut, LineLabel
from cleaner.boilerplate.rules import Matchers

__all__ = ["classify_lines"]

#: Cheap substring pre-checks: a line without any of these skips the inline regex.
_RELATED_HINTS = ("liên quan", "thêm", ">>")
_CAPTION_HINTS = ("(Ảnh", "(Nguồn ảnh", "Ảnh:", "Ảnh :")

#: An inline related-news run (header to line end) is at most this long.
MAX_INLINE_RUN = 600
#: A full stop followed by more text: a sentence, not a headline list.
_SENTENCE_BREAK = regex.compile(r"\. (?=\S)")


def _whole_line(label: LineLabel, matchers: Matchers, keep_captions: bool) -> None:
    found = matchers.whole_line_reason(label.text.strip())
    if found is None:
        return
    concept, reason = found
    if concept == "caption" and keep_captions:
        return
    label.remove(reason, concept)


def _inline_related(label: LineLabel, matchers: Matchers) -> None:
    text = label.text
    if not any(hint in text for hint in _RELATED_HINTS):
        return
    for match in matchers.related_inline.finditer(text):
        start = match.start()
        # The header must follow a word or punctuation and a space, never open the line.
        if start < 2 or text[start - 1] != " ":
            continue
        start -= 2 if text[start - 2] == " " and start >= 3 else 1
        # A flattened line gives no sign where a headline ends, so the run is
        # removed only when it is short and holds no full sentence: otherwise
        # the article may resume after the headline, and precision comes first.
        if _is_headline_run(text[match.start() :], matchers):
            # ">> Q.H (Tổng hợp)" is a sign-off behind an arrow, not a headline.
            signed = matchers.byline.fullmatch(text[match.end() :].strip()) is not None
            label.cuts.append(
                Cut(start, len(text), "byline_inline" if signed else "related_news_inline")
            )
            return


def _is_headline_run(run: str, matchers: Matchers) -> bool:
    """Short, and no full sentence, except a sign-off closing it ("... tại đây . Trung Quân")."""
    if len(run) > MAX_INLINE_RUN:
        return False
    breaks = list(_SENTENCE_BREAK.finditer(run))
    if not breaks:
        return True
    last = breaks[-1]
    signed_off = matchers.byline.fullmatch(run[last.end() :].strip()) is not None
    return len(breaks) == 1 and signed_off


def _inline_captions(label: LineLabel, matchers: Matchers) -> None:
    text = label.text
    if not any(hint in text for hint in _CAPTION_HINTS):
        return
    limit = label.content_end()
    for match in matchers.caption_inline.finditer(text, 0, limit):
        # Take the space before the credit too, so no double space is left.
        start = (
            match.start() - 1
            if match.start() > 0 and text[match.start() - 1] == " "
            else match.start()
        )
        label.cuts.append(Cut(start, match.end(), "photo_credit"))


def classify_lines(
    lines: list[str],
    matchers: Matchers,
    *,
    keep_captions: bool,
    line_stats: LineStats | None,
    source: str,
) -> list[LineLabel]:
    """Label every line: whole-line rules, corpus lines and inline cuts.

    Args:
        lines: The input lines (without line breaks).
        matchers: Compiled rules.
        keep_captions: Leave photo captions in place.
        line_stats: Corpus statistics from ``learn_boilerplate``, if any.
        source: The source name to look ``line_stats`` up with.

    Returns:
        One label per line, in order.
    """
    labels: list[LineLabel] = []
    for line in lines:
        label = LineLabel(line)
        labels.append(label)
        if label.blank:
            continue
        _whole_line(label, matchers, keep_captions)
        if label.removed:
            continue
        if line_stats is not None and line_stats.is_boilerplate(line.strip(), source):
            label.remove("corpus_line")
            continue
        _inline_related(label, matchers)
        if not keep_captions:
            _inline_captions(label, matchers)
    return labels
