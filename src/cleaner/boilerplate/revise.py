"""Second pass: revise line labels with their context (jusText's revise step).

Decisions that need neighbours live here: how far a related-news block runs
after its header, which line is the lead (source tag), which lines form the
sign-off at the end, and short lines stranded between boilerplate.
"""

from __future__ import annotations

import regex

from cleaner.boilerplate.labels import LineLabel
from cleaner.boilerplate.rules import SENTENCE_END, Matchers

__all__ = ["revise_labels"]

#: A related-news headline is short; longer lines mean the article resumed.
MAX_HEADLINE_CHARS = 160
#: A related-news block is a list of a few headlines, never a whole page.
MAX_BLOCK_LINES = 60
#: The source tag is only looked for on the first few kept non-blank lines.
LEAD_LINES = 3
#: Stranded lines up to this length between two boilerplate lines are boilerplate.
MAX_STRANDED_CHARS = 40
#: Lines at least this long count as "seen" for repeated-line detection.
MIN_REPEATED_LINE = 30
#: Rounds of the rules that feed each other (tags, sign-offs, marks, repeats).
MAX_ROUNDS = 4
#: Stand-alone byline lines are short.
MAX_BYLINE_CHARS = 80

#: The last segment of a flattened line, after its final sentence: "... tử vong. Nguyễn Linh".
_TAIL_SEGMENT = regex.compile(r"(?<=[.!?…\"”’)]) ([^.!?…\"”’]{1,60}?) *\Z")
_TAIL_WINDOW = 80
#: A byline written twice on one line (vnexpress): "Bá Đô Bá Đô".
_DOUBLED = regex.compile(r"(.{2,60}) \1")


def _is_byline(text: str, matchers: Matchers) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_BYLINE_CHARS:
        return False
    doubled = _DOUBLED.fullmatch(stripped)
    if doubled is not None:
        stripped = doubled.group(1)
    return matchers.byline.fullmatch(stripped) is not None


def _continues_block(label: LineLabel, headlines: set[str], matchers: Matchers) -> bool:
    stripped = label.text.strip()
    if label.blank or label.removed or stripped in headlines:
        return True
    if matchers.source_tag.match(stripped) is not None:
        return True  # a summary: "VOV.VN - Bà Trương Thị Mai đề nghị ..."
    headline_like = len(stripped) <= MAX_HEADLINE_CHARS and not stripped.endswith(".")
    return headline_like


def _extend_related_blocks(labels: list[LineLabel], matchers: Matchers) -> None:
    index = 0
    while index < len(labels):
        if labels[index].concept != "related_header":
            index += 1
            continue
        headlines: set[str] = set()
        end = min(len(labels), index + 1 + MAX_BLOCK_LINES)
        index += 1
        while index < end and _continues_block(labels[index], headlines, matchers):
            label = labels[index]
            if not label.blank and label.reason is None:
                headlines.add(label.text.strip())
                label.remove("related_news_block")
            index += 1


def _starts_sentence(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def _strip_source_tag(labels: list[LineLabel], matchers: Matchers) -> None:
    # Count kept lines only, so that removing lines never moves a tag into the lead.
    for label in [labels[i] for i in _kept_nonblank(labels)[:LEAD_LINES]]:
        kept_text = label.kept_text()
        offset = len(kept_text) - len(kept_text.lstrip())
        match = matchers.source_tag.match(kept_text, offset)
        # A tag is followed by the sentence it introduces, which starts capitalised.
        if match is not None and _starts_sentence(kept_text[match.end() :]):
            label.cut_kept(match.start(), match.end(), "source_tag")


def _kept_nonblank(labels: list[LineLabel]) -> list[int]:
    return [i for i, label in enumerate(labels) if not label.blank and not label.removed]


def _remove_tail_bylines(labels: list[LineLabel], matchers: Matchers) -> None:
    kept = _kept_nonblank(labels)
    # Never strip the only content line: a lone "Hà Nội" is a document, not a byline.
    while len(kept) > 1 and _is_byline(labels[kept[-1]].text, matchers):
        labels[kept.pop()].remove("byline")
    if not kept:
        return
    last = labels[kept[-1]]
    # Look in the kept text, so a photo credit cut just before the sign-off
    # ("... hiện giờ. (Ảnh: SCMP) Hoài Linh") does not hide it.
    kept_text = last.kept_text()
    # The segment is at most 60 characters: look only near the end of the line.
    match = _TAIL_SEGMENT.search(kept_text, max(0, len(kept_text) - _TAIL_WINDOW))
    if match is not None and _is_byline(match.group(1), matchers):
        last.cut_kept(match.start(), len(kept_text), "byline_inline")


def _strip_end_marks(labels: list[LineLabel], matchers: Matchers) -> None:
    for label in labels:
        if label.removed or "/." not in label.text:
            continue
        kept_text = label.kept_text()
        match = matchers.end_mark.search(kept_text)
        if match is not None:
            label.cut_kept(match.start(), len(kept_text), "end_mark")


def _is_stranded(label: LineLabel) -> bool:
    stripped = label.text.strip()
    return (
        not label.removed
        and not label.blank
        and not label.cuts
        and len(stripped) <= MAX_STRANDED_CHARS
        and SENTENCE_END.search(stripped) is None
    )


def _remove_stranded_lines(labels: list[LineLabel]) -> None:
    nonblank = [i for i, label in enumerate(labels) if not label.blank]
    stranded = [
        nonblank[k]
        for k in range(1, len(nonblank) - 1)
        if _is_stranded(labels[nonblank[k]])
        and labels[nonblank[k - 1]].removed
        and labels[nonblank[k + 1]].removed
    ]
    for index in stranded:
        labels[index].remove("short_between_boilerplate")


def _remove_repeated_lines(labels: list[LineLabel]) -> None:
    seen: set[str] = set()
    for index in _kept_nonblank(labels):
        kept = labels[index].kept_text().strip()
        if len(kept) < MIN_REPEATED_LINE:
            continue
        if kept in seen:
            labels[index].remove("repeated_line")
        else:
            seen.add(kept)


def _state(labels: list[LineLabel]) -> tuple[int, int]:
    return sum(label.removed for label in labels), sum(len(label.cuts) for label in labels)


def revise_labels(labels: list[LineLabel], matchers: Matchers) -> None:
    """Apply the context rules to ``labels`` in place."""
    _extend_related_blocks(labels, matchers)
    _remove_stranded_lines(labels)
    # These rules feed each other (a removed repeat moves a tagged line into the
    # lead; sign-offs stack, "... ./. Hoài Linh"): rerun them until nothing
    # changes, so that a second run of the stage finds nothing more.
    for _ in range(MAX_ROUNDS):
        before = _state(labels)
        _remove_repeated_lines(labels)
        _strip_source_tag(labels, matchers)
        _remove_tail_bylines(labels, matchers)
        _strip_end_marks(labels, matchers)
        _remove_repeated_lines(labels)
        if _state(labels) == before:
            break
