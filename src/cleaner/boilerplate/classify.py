"""First pass: label each line and each segment on its own (jusText's classify step).

Whole-line rules are certain enough to remove a short line alone; the same
rules applied to the segments of a long line find furniture inside flattened
articles ("… trận đấu. Chia sẻ bài viết Gửi bình luận …"); credits are cut
out of the sentence they close; a related-news run that ends a flattened
line is cut. Learned site templates are applied here too. Nothing here looks
at neighbouring lines; that is the revise pass.
"""

from __future__ import annotations

import regex

from cleaner.boilerplate.credits import find_credits
from cleaner.boilerplate.labels import LineLabel, label_lines
from cleaner.boilerplate.matchers import Matchers
from cleaner.boilerplate.scripts import find_scripts
from cleaner.boilerplate.segments import segment_spans
from cleaner.boilerplate.teasers import carousel_end
from cleaner.boilerplate.templates import SiteTemplates

__all__ = ["MAX_CAPTION_CHARS", "classify_lines", "cut_credits", "is_caption_like"]

#: Cheap substring pre-checks: a line without any of these skips the inline regex.
_RELATED_HINTS = ("liên quan", "LIÊN QUAN", "thêm", "THÊM", ">>", "chủ đề", "đọc nhiều")

#: An inline related-news run (header to line end) is at most this long.
MAX_INLINE_RUN = 600
#: A full stop followed by more text: a sentence, not a headline list.
_SENTENCE_BREAK = regex.compile(r"\. (?=\S)")
#: A line this short that ends in a credit is a caption, whatever its sentences.
MAX_CAPTION_CHARS = 60
#: Segments longer than this are prose: whole-segment rules skip them.
MAX_RULE_SEGMENT = 160


def is_caption_like(text: str) -> bool:
    """A caption is very short, or a single sentence: a paragraph of two or more is content.

    ``text`` is the line without its credit ("Quang cảnh hội nghị." of
    "Quang cảnh hội nghị. Ảnh: TTXVN").
    """
    stripped = text.strip()
    return len(stripped) <= MAX_CAPTION_CHARS or len(segment_spans(stripped)) <= 1


def _whole_line(label: LineLabel, matchers: Matchers, keep_captions: bool) -> None:
    stripped = label.text.strip()
    found = matchers.whole_line_reason(stripped)
    if found is None:
        return
    concept, reason = found
    if concept == "caption":
        # A paragraph that merely ends with a credit keeps its text (the
        # credit is cut later); only a caption-like line goes whole, and not
        # for certain: a photo essay is all captions, and the guard keeps it.
        if keep_captions or not is_caption_like(_without_credits(label)):
            return
        label.remove(reason, concept, certain=False)
        return
    label.remove(reason, concept)


def _page_scripts(label: LineLabel) -> None:
    """Remove leaked page script: the whole line when it is nothing else, else the snippets."""
    text = label.text
    spans = find_scripts(text)
    if not spans:
        return
    if sum(end - start for start, end in spans) >= len(text.strip()):
        label.remove("page_script")
        return
    for start, end in spans:
        label.add_cut(*_with_space(text, start, end), "page_script")


def _opening_carousel(label: LineLabel) -> None:
    """Remove a carousel of headlines that comes round several times before the text."""
    end = carousel_end(label.text)
    if end is not None:
        label.add_cut(0, end, "related_news_inline")


def _segment_rules(label: LineLabel, matchers: Matchers) -> None:
    """Whole-line rules on each segment of a line of several segments."""
    spans = label.segments
    if len(spans) < 2:
        return
    for start, end in spans:
        if end - start > MAX_RULE_SEGMENT:
            continue
        found = matchers.segment_reason(label.text[start:end])
        if found is None:
            continue
        label.add_cut(*_with_space(label.text, start, end), found[1])


def _with_space(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span over the spaces that separate it, so no double space is left."""
    if start > 0:
        while start > 0 and text[start - 1] == " ":
            start -= 1
        return start, end
    while end < len(text) and text[end] == " ":
        end += 1
    return start, end


def _inline_related(label: LineLabel, matchers: Matchers) -> None:
    text = label.text
    if not any(hint in text for hint in _RELATED_HINTS):
        return
    # Only headers that leave at most MAX_INLINE_RUN characters can start a run:
    # searching from there keeps the scan linear on any line.
    for match in matchers.related_inline.finditer(text, max(0, len(text) - MAX_INLINE_RUN)):
        start = match.start()
        # The header must follow a word or punctuation and a space, never open the line.
        if start < 2 or text[start - 1] != " ":
            continue
        start -= 2 if text[start - 2] == " " and start >= 3 else 1
        # A flattened line gives no sign where a headline ends, so the run is
        # removed only when it holds no full sentence: otherwise the article
        # may resume after the headline, and precision comes first.
        if _is_headline_run(text[match.start() :], matchers):
            # ">> Q.H (Tổng hợp)" is a sign-off behind an arrow, not a headline.
            signed = matchers.byline.fullmatch(text[match.end() :].strip()) is not None
            label.add_cut(start, len(text), "byline_inline" if signed else "related_news_inline")
            return


#: A read-more marker after a teaser: tuoitre prints "<headline> ĐỌC NGAY" inside
#: the article and "<headline and sapo>. Đọc tiếp" at its end.
_READ_MORE = regex.compile(r"(?<= |^)(?:ĐỌC NGAY|Đọc ngay|ĐỌC TIẾP|Đọc tiếp|XEM NGAY)(?= |$)")
#: A teaser is at most this long; a longer stretch before a marker is the article.
MAX_TEASER_CHARS = 400


def _teasers_before_read_more(label: LineLabel) -> None:
    """Cut the teaser a read-more marker closes, with the marker.

    The teaser is the segment that holds the marker (a headline has no full
    stop, so it runs into the marker), or, when the marker opens a segment,
    the segment before it. Not certain: the guard may give it back.
    """
    text = label.text
    if "ĐỌC" not in text and "Đọc" not in text and "XEM" not in text:
        return
    spans = label.segments
    for index, (start, end) in enumerate(spans):
        marker = _READ_MORE.search(text, start, end)
        if marker is None:
            continue
        if marker.start() > start:
            teaser_start = start
        elif index > 0:
            teaser_start = spans[index - 1][0]
        else:
            continue
        if marker.start() - teaser_start <= MAX_TEASER_CHARS:
            label.add_cut(
                *_with_space(text, teaser_start, marker.end()),
                "related_news_inline",
                certain=False,
            )


def _is_headline_run(run: str, matchers: Matchers) -> bool:
    """No full sentence, except a sign-off closing it ("... tại đây . Trung Quân")."""
    breaks = list(_SENTENCE_BREAK.finditer(run))
    if not breaks:
        return True
    last = breaks[-1]
    signed_off = matchers.byline.fullmatch(run[last.end() :].strip()) is not None
    return len(breaks) == 1 and signed_off


def cut_credits(label: LineLabel) -> None:
    """Cut every credit out of a kept line ("(Ảnh: Reuters)", "Ảnh: Lâm Thỏa")."""
    text = label.text
    for start, end in find_credits(text):
        label.add_cut(*_with_space(text, start, end), "photo_credit")


def _without_credits(label: LineLabel) -> str:
    """The line as it reads once its credits are cut (the cuts are not kept)."""
    probe = LineLabel(label.text)
    cut_credits(probe)
    return probe.kept_text()


def _template_cuts(labels: list[LineLabel], templates: SiteTemplates, source: str) -> None:
    lines = [label.text for label in labels]
    for found in templates.find(lines, source, [label.segments for label in labels]):
        label = labels[found.line_no]
        if label.removed:
            continue
        if found.start == 0 and found.end >= len(label.text.rstrip()):
            label.remove("site_template", certain=found.certain)
        else:
            start, end = _with_space(label.text, found.start, found.end)
            label.add_cut(start, end, "site_template", certain=found.certain)


def _drop_caption_lines(labels: list[LineLabel]) -> None:
    """A caption-like line that ends in a credit is a caption: it goes whole (not certain)."""
    for label in labels:
        if label.removed or not label.cuts:
            continue
        tail = len(label.text.rstrip(" .;,"))
        ends_in_credit = any(c.reason == "photo_credit" and c.end >= tail for c in label.cuts)
        if ends_in_credit and is_caption_like(label.kept_text()):
            label.remove("photo_caption", "caption", certain=False)


def _line_rules(label: LineLabel, matchers: Matchers, keep_captions: bool) -> None:
    """The rules that read one line alone: whole line, scripts, carousels, segments, credits."""
    _whole_line(label, matchers, keep_captions)
    if not label.removed:
        _page_scripts(label)
    if not label.removed:
        _opening_carousel(label)
    if label.removed:
        return
    _segment_rules(label, matchers)
    _inline_related(label, matchers)
    _teasers_before_read_more(label)
    if not keep_captions:
        cut_credits(label)


def classify_lines(
    lines: list[str],
    matchers: Matchers,
    *,
    keep_captions: bool,
    templates: SiteTemplates | None,
    source: str,
    clean: set[str] | None = None,
) -> list[LineLabel]:
    """Label every line: whole-line and segment rules, templates, credits, inline runs.

    Args:
        lines: The input lines (without line breaks).
        matchers: Compiled rules.
        keep_captions: Leave photo captions and credits in place.
        templates: Per-site templates from ``learn_boilerplate``, if any.
        source: The source name to look ``templates`` up with.
        clean: Lines in which an earlier pass with the same options found
            nothing by the line rules; they are skipped, since those rules
            read nothing but the line. This pass's clean lines are added.

    Returns:
        One label per line, in order.
    """
    labels = label_lines(lines)
    for label in labels:
        if label.blank or (clean is not None and label.text in clean):
            continue
        _line_rules(label, matchers, keep_captions)
        if clean is not None and not label.removed and not label.cuts:
            clean.add(label.text)
    if templates is not None:
        _template_cuts(labels, templates, source)
    if not keep_captions:
        _drop_caption_lines(labels)
    for label in labels:
        label.forget_segments()
    return labels
