"""Second pass: revise line labels with their context (jusText's revise step).

Decisions that need neighbours live here: how far a related-news block (or a
table of contents) runs after its header, which line is the lead (source
tag), which lines form the sign-off at the end, what follows the article's
last sentence, and short lines stranded between boilerplate.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from cleaner.boilerplate.captions import remove_scene_captions
from cleaner.boilerplate.credits import find_credits
from cleaner.boilerplate.labels import LineLabel
from cleaner.boilerplate.matchers import LETTER, Matchers, ends_sentence
from cleaner.boilerplate.segments import segment_spans
from cleaner.boilerplate.teasers import MAX_HEADLINE_CHARS, strip_trailing_teasers

__all__ = ["revise_labels"]

#: A related-news block is a list of a few headlines (non-blank lines), never a whole page.
MAX_BLOCK_LINES = 60
#: The source tag is only looked for on the first few kept non-blank lines.
LEAD_LINES = 3
#: Stranded lines up to this length between two boilerplate lines are boilerplate.
MAX_STRANDED_CHARS = 40
#: Lines at least this long (and closed like a sentence) count for repeated-line detection.
MIN_REPEATED_LINE = 60
#: Rounds of the rules that feed each other (tags, sign-offs, marks, repeats).
MAX_ROUNDS = 4
#: Stand-alone byline lines are short.
MAX_BYLINE_CHARS = 80
#: A segment of the sign-off (or lead) block is at most this long.
MAX_SIGN_OFF_CHARS = 160
#: Characters at the end (or start) of a line searched for the sign-off (or lead) block.
BLOCK_WINDOW = 800

#: A byline written twice on one line (vnexpress): "Bá Đô Bá Đô".
_DOUBLED = regex.compile(r"(.{2,60}) \1")


class _Block(NamedTuple):
    """A block a header line opens: the reason its lines get, and what a repeat means."""

    reason: str
    #: Related headlines come round again in carousels; a table of contents is
    #: followed by the body, whose first heading repeats its first item.
    repeats_continue: bool


#: The headers that open a block of the short lines under them.
_BLOCKS = {
    "related_header": _Block("related_news_block", repeats_continue=True),
    "toc_header": _Block("table_of_contents", repeats_continue=False),
}


def _continues_block(
    label: LineLabel, block: _Block, headlines: set[str], matchers: Matchers
) -> bool:
    stripped = label.text.strip()
    if stripped in headlines:
        return block.repeats_continue
    if label.blank or label.removed:
        return True
    if block.repeats_continue and matchers.source_tag.match(stripped) is not None:
        return True  # a summary: "VOV.VN - Bà Trương Thị Mai đề nghị ..."
    headline_like = len(stripped) <= MAX_HEADLINE_CHARS and not stripped.endswith(".")
    return headline_like


def _extend_blocks(labels: list[LineLabel], matchers: Matchers) -> None:
    """Remove the headlines (or headings) under each block header."""
    index = 0
    while index < len(labels):
        block = _BLOCKS.get(labels[index].concept or "")
        if block is None:
            index += 1
            continue
        headlines: set[str] = set()
        # The block's length in non-blank lines: blank lines between headlines
        # are layout (and a run of them is one line to the stage, see blank_runs).
        lines_left = MAX_BLOCK_LINES
        index += 1
        while (
            index < len(labels)
            and lines_left
            and _continues_block(labels[index], block, headlines, matchers)
        ):
            label = labels[index]
            if not label.blank:
                lines_left -= 1
                if label.reason is None:
                    headlines.add(label.text.strip())
                    label.remove(block.reason, certain=False)
            index += 1


def _starts_sentence(text: str) -> bool:
    first = text.lstrip("\"“‘'«([")[:1]
    return first.isupper() or first.isdigit()


def _strip_source_tag(labels: list[LineLabel], matchers: Matchers) -> None:
    # Count kept lines only, so that removing lines never moves a tag into the lead.
    for label in [labels[i] for i in _kept_nonblank(labels)[:LEAD_LINES]]:
        kept_text = label.kept_text()
        offset = len(kept_text) - len(kept_text.lstrip())
        match = matchers.agency_tag.match(kept_text, offset)
        if match is None:
            match = matchers.source_tag.match(kept_text, offset)
            if match is not None and not _opens_sentence(kept_text[match.end() :]):
                continue
        # A tag is followed by the sentence it introduces, which starts capitalised.
        if match is not None and _starts_sentence(kept_text[match.end() :]):
            label.cut_kept(match.start(), match.end(), "source_tag")


#: "Hải Phòng: 17h", "Trung Quốc nhất trí": a second name, not a sentence after a tag.
_NAME_PAIR = regex.compile(r"\p{Lu}\S*(?: \p{Lu}\S*)*(?:[:,]| [-–—] |\Z)|\p{Lu}\S* \p{Lu}")


def _opens_sentence(rest: str) -> bool:
    """After an unknown all-caps tag ("ABC - "), a sentence, not the other half of a pair.

    "HAGL - Hải Phòng: 17h …" and "ASEAN – Trung Quốc …" name two sides;
    "TTO - Sáng nay, …" opens a sentence: a capitalised word, then lower case.
    """
    return _NAME_PAIR.match(rest) is None and ":" not in rest[:25]


def _kept_nonblank(labels: list[LineLabel]) -> list[int]:
    """Lines with text left: not blank, not removed, not cut down to spaces.

    A line whose cuts took all of it is gone for the rules that look at the
    first or last lines, as it is for a second run of the stage.
    """
    return [i for i, label in enumerate(labels) if _has_text_left(label)]


def _has_text_left(label: LineLabel) -> bool:
    if label.blank or label.removed:
        return False
    return not label.cuts or bool(label.kept_text().strip())


def _is_byline(text: str, matchers: Matchers) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_BYLINE_CHARS:
        return False
    doubled = _DOUBLED.fullmatch(stripped)
    if doubled is not None:
        stripped = doubled.group(1)
    return matchers.is_byline(stripped)


def _is_sign_off(segment: str, matchers: Matchers) -> bool:
    """A piece of the sign-off block: byline, source, date, end mark, footer, call to action."""
    stripped = segment.strip()
    if len(stripped) > MAX_SIGN_OFF_CHARS:
        return False
    if stripped in ("/.", "./.") or _is_byline(stripped, matchers):
        return True
    if matchers.page_label.fullmatch(stripped) is not None:
        return True
    found = matchers.whole_line_reason(stripped)
    # A caption rule matches "Video: Douyin Hiện, cha …" whole; as a piece of
    # the sign-off only the credit itself counts, not the sentence glued to it.
    if found is not None and found[0] != "caption":
        return True
    credits = find_credits(stripped)
    return len(credits) == 1 and credits[0] == (0, len(stripped))


#: A sentence end glued to the next capitalised word ("Mặt trận.Nguyễn Khang"):
#: the scraper dropped the line break before the byline. A lower-case letter
#: before the stop, so that "TP.HCM" is not split. A capitalised "Theo"/"Nguồn"
#: after a lower-case word needs no stop: the page's last sentence lost it
#: ("… xử phạt trước đây Theo Vnexpress", tienphong in set g), and mid-sentence
#: the word is written "theo".
_GLUED_SENTENCE_END = regex.compile(
    r"(?<=\p{Ll}[.!?…])(?=\p{Lu})|(?<=\p{Ll} )(?<![(\s]theo )(?=(?:Theo|Nguồn) \p{Lu})"
)


def _split_glued_tail(text: str, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Split a byline glued to the last sentence off the last segment."""
    if not spans:
        return spans
    start, end = spans[-1]
    # The last glue: a byline is what follows the last sentence.
    glues = [
        m.start()
        for m in _GLUED_SENTENCE_END.finditer(text, max(start, end - MAX_BYLINE_CHARS), end)
    ]
    if not glues or glues[-1] == start:
        return spans
    return (*spans[:-1], (start, glues[-1]), (glues[-1], end))


def _sign_off_start(text: str, matchers: Matchers) -> int | None:
    """Where the sign-off segments that close ``text`` begin; ``None`` when there are none.

    Only the end of a long line is split: a sign-off block is short, and the
    first segment of the window may be cut in two, so it never counts.
    """
    window = max(0, len(text) - BLOCK_WINDOW)
    start = _sign_off_in_window(text[window:], window > 0, matchers)
    return None if start is None else window + start


#: The window finders are pure functions of at most BLOCK_WINDOW characters,
#: and each revise round asks again about lines that did not change.
_WINDOW_CACHE = 64


@lru_cache(maxsize=_WINDOW_CACHE)
def _sign_off_in_window(window: str, cut: bool, matchers: Matchers) -> int | None:
    """:func:`_sign_off_start` in the window (``cut``: its first segment may be cut in two)."""
    spans = _split_glued_tail(window, segment_spans(window))
    if cut:
        spans = spans[1:]
    start: int | None = None
    for seg_start, seg_end in reversed(spans):
        if not _is_sign_off(window[seg_start:seg_end], matchers):
            break
        start = seg_start
    return start


def _strip_sign_off_block(labels: list[LineLabel], matchers: Matchers) -> None:
    """Remove the block of sign-off segments that ends the document, across lines."""
    kept = _kept_nonblank(labels)
    while kept:
        label = labels[kept[-1]]
        kept_text = label.kept_text()
        start = _sign_off_start(kept_text, matchers)
        if start is None:
            return
        if kept_text[:start].strip():
            # Take the spaces before the sign-off too, so the line ends on its content.
            label.cut_kept(len(kept_text[:start].rstrip()), len(kept_text), "byline_inline")
            return
        # Never strip the only content line: a lone "Hà Nội" is a document, not a byline.
        if len(kept) == 1:
            return
        label.remove("byline")
        kept.pop()


def _strip_lead_block(labels: list[LineLabel], matchers: Matchers) -> None:
    """Remove page furniture that opens the document: dates, breadcrumbs, banners."""
    kept = _kept_nonblank(labels)
    for position, index in enumerate(kept[:LEAD_LINES]):
        label = labels[index]
        kept_text = label.kept_text()
        end = _lead_end(kept_text, matchers)
        if end is None:
            return
        if kept_text[end:].strip() or position == len(kept) - 1:
            label.cut_kept(len(kept_text) - len(kept_text.lstrip()), end, "lead_furniture")
            return
        label.remove("lead_furniture")


#: A byline that names where the story comes from ("Ngọc Mon Theo Trí Thức Trẻ",
#: "Hoàng Anh/TTXVN"): at the top of a page too it is a byline. A bare name is
#: not taken there, since "Hà Nội" opens many articles as a dateline.
_SOURCE_MARK = regex.compile(r"\bTheo\b|\bTHEO\b|/|tổng hợp|\(st\)")


def _is_lead_furniture(segment: str, matchers: Matchers) -> bool:
    """A piece of the furniture that opens a page; a related header opens a block instead."""
    found = matchers.segment_reason(segment)
    if found is not None:
        return found[0] not in _BLOCKS
    stripped = segment.strip()
    if matchers.page_label.fullmatch(stripped) is not None:
        return True
    return _SOURCE_MARK.search(stripped) is not None and _is_byline(stripped, matchers)


def _lead_end(text: str, matchers: Matchers) -> int | None:
    """Where the furniture that opens ``text`` ends (segments, then a dateline prefix)."""
    end = _lead_segments_end(text[:BLOCK_WINDOW], len(text) > BLOCK_WINDOW, matchers)
    offset = end if end is not None else 0
    offset += len(text[offset:]) - len(text[offset:].lstrip())
    # Datelines can stack ("Chủ Nhật 12/3/2023 10:00 Thứ Hai 13/3/2023 …"):
    # all of them go at once, or each revise round would take one more.
    while (prefix := matchers.lead_prefix.match(text, offset)) is not None:
        end = offset = prefix.end()
    return end


@lru_cache(maxsize=_WINDOW_CACHE)
def _lead_segments_end(window: str, cut: bool, matchers: Matchers) -> int | None:
    """Where the furniture segments that open the window end (``cut``: its last may be cut)."""
    end: int | None = None
    spans = segment_spans(window)
    if cut:
        spans = spans[:-1]  # the window may cut the last segment in two
    for seg_start, seg_end in spans:
        segment = window[seg_start:seg_end]
        if len(segment) > MAX_SIGN_OFF_CHARS or not _is_lead_furniture(segment, matchers):
            break
        end = seg_end
    return end


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
        and not ends_sentence(stripped)
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
        labels[index].remove("short_between_boilerplate", certain=False)


#: A list item or table row opens with a bullet, a dash or an enumerator ("d)", "2.").
_LIST_ITEM = regex.compile(r"[-–—•*+·]|\(?[\da-zđ]{1,3}[.)] ")


def _is_prose(text: str) -> bool:
    """Long enough and closed like a sentence: not a list item or a table row."""
    return len(text) >= MIN_REPEATED_LINE and ends_sentence(text) and _LIST_ITEM.match(text) is None


def _remove_repeated_lines(labels: list[LineLabel]) -> None:
    seen: set[str] = set()
    for index in _kept_nonblank(labels):
        kept = labels[index].kept_text().strip()
        if not _is_prose(kept):
            continue
        if kept in seen:
            labels[index].remove("repeated_line", certain=False)
        else:
            seen.add(kept)


#: What follows the article's last sentence is furniture (a byline, a source,
#: related headlines, captions, a footer) unless it is this long: then it is
#: a paragraph that lost its full stop.
MAX_FRAGMENT_CHARS = 200
#: The article before it holds at least this many characters.
MIN_ARTICLE_CHARS = 400
#: More short lines than this at the end are a list or a table, not furniture
#: (and the walk back to the last sentence stays short on a page of short lines).
MAX_TAIL_LINES = 40
#: Words after the last stop inside a line (or a single line after the last
#: sentence) are furniture (a byline, a source, a credit) only up to this many:
#: more words are a sentence that lost its stop.
MAX_TAIL_WORDS = 12
#: Shorter ones read as a sentence too when at least this many words ...
MIN_CLAUSE_WORDS = 5
#: ... and at least this share of them open in lower case ("Ông Bằng cho hay,
#: sắp tới Ủy ban sẽ …"); a byline, a credit or a footer is mostly names.
MIN_CLAUSE_LOWER_SHARE = 0.5
#: A stop inside a line: its punctuation and closers, then a space.
_INNER_STOP = regex.compile(r"[.!?…][\"”’')\]]{0,3}(?=\s)")
#: An initial or an abbreviation before a dot ("V. Minh", "TP. HCM") ends no
#: sentence; "Á" and "Ý" (Asia, Italy) are words of one letter that do. An
#: acronym that does end one ("… của EU. Hà Linh") only makes the rest longer.
_INITIAL = regex.compile(r"(?:^|\s)(?![ÁÝ]\.)\p{Lu}{1,3}\.\Z")


def _last_stop(text: str) -> int | None:
    """Where the last sentence of a long line ends, ``None`` when no sentence ends in it."""
    stripped = text.rstrip()
    if ends_sentence(stripped):
        return len(stripped)
    for match in reversed(list(_INNER_STOP.finditer(stripped))):
        if _INITIAL.search(stripped, 0, match.start() + 1) is None:
            return int(match.end())
    return None


def _reads_as_clause(words: list[str]) -> bool:
    """Whether ``words`` (a rest after a stop, or a lone last line) are a stopless sentence."""
    if len(words) > MAX_TAIL_WORDS:
        return True
    lower = sum(word[:1].islower() for word in words)
    return len(words) >= MIN_CLAUSE_WORDS and lower >= MIN_CLAUSE_LOWER_SHARE * len(words)


def _is_fragment(text: str) -> bool:
    """Short, not a list item, not a line of verse (closed by a comma)."""
    return (
        len(text) < MAX_FRAGMENT_CHARS and _LIST_ITEM.match(text) is None and not text.endswith(",")
    )


#: "Nghệ sĩ xuất sắc: Adele", "HAGL: Đông Triều 15’", "7 tháng 9 - Phaolô Lê Đắc Trọng
#: (sinh 1918)": a short label, then its value.
_FIELD = regex.compile(r"[^:\n]{1,40}(?:: (?!https?:)| [-–] )\S")
#: The labels of the page's own fields, which make no list of the article's.
_FURNITURE_LABEL = regex.compile(
    r"(?:Nguồn|Theo|Tags?|Từ khóa|Từ khoá|Ảnh|Video|Clip|Tác giả|Người viết|Biên tập"
    r"|Chủ đề|Chuyên mục|Danh mục|Xem thêm|Đọc thêm|Link|Cập nhật|Ngày đăng|Thời gian"
    r"|Email|Hotline|Điện thoại|Website|Địa chỉ|Fanpage|Facebook) ?:",
    regex.IGNORECASE,
)


#: A number standing alone: a table's cell ("66,5", "1.250", "12%", "2-0").
_NUMBER = regex.compile(r"(?<!\S)[+-]?\d[\d.,%/-]*(?!\S)")
#: A row of a table holds at least this many of them; a headline seldom does.
MIN_ROW_NUMBERS = 3


def _is_field_list(fragments: list[str]) -> bool:
    """Results, a line-up, a fact box, a table: two or more such lines are the article's."""
    fields = sum(
        (_FIELD.match(text) is not None and _FURNITURE_LABEL.match(text) is None)
        or len(_NUMBER.findall(text)) >= MIN_ROW_NUMBERS
        for text in fragments
    )
    return fields >= 2


class _Tail(NamedTuple):
    """What follows the article's last sentence: lines of their own, and the rest of its line."""

    lines: list[int]
    line: int
    start: int


def _find_tail(labels: list[LineLabel]) -> _Tail | None:
    """The furniture after the last sentence, ``None`` if it may be the article's own end.

    Walks back from the last kept line while the lines are fragments (short
    lines that end no sentence: headlines, captions, bylines, whatever full
    stops they hold inside), to the line the last sentence ends in; in a long
    line, only the few words after its last stop can be furniture. Nothing is
    furniture when the article is short, when that sentence ends with a colon
    (a list follows), or when what follows may be the article's own
    (:func:`_may_be_article`).
    """
    kept = _kept_nonblank(labels)
    fragments: list[int] = []
    for position in range(len(kept) - 1, -1, -1):
        index = kept[position]
        text = labels[index].kept_text()
        if not ends_sentence(text.rstrip()) and _is_fragment(text.strip()):
            if len(fragments) == MAX_TAIL_LINES:
                return None
            fragments.append(index)
            continue
        stop = _last_stop(text)
        if stop is None or text[:stop].endswith(":"):
            return None
        rest = text[stop:].strip()
        lines = [labels[i].kept_text().strip() for i in reversed(fragments)]
        if not (rest or lines) or _may_be_article(rest, lines):
            return None
        if not _article_before(labels, kept, position, stop):
            return None
        return _Tail(fragments, index, stop)
    return None


#: A section heading of a wiki or a Markdown page: "== Giải Nobel ==", "## Cách làm".
_HEADING = regex.compile(r"=+ .{1,200} =+|#{1,6} \S")


def _may_be_article(rest: str, lines: list[str]) -> bool:
    """Whether what follows the last sentence may still be the article's own.

    ``rest`` is what follows the last stop in that sentence's line, ``lines``
    the short lines after it. The article's are: words that read as a clause,
    or hold no letter (a page range cut from a citation, "199–227"); a single line that
    reads as a clause (its sentence lost its stop); a line opening in lower
    case (text wrapped onto lines, as PDF text is); a section heading; a list
    of fields or a table (:func:`_is_field_list`).
    """
    if rest and (
        not _is_fragment(rest) or LETTER.search(rest) is None or _reads_as_clause(rest.split())
    ):
        return True
    if not rest and len(lines) == 1 and _reads_as_clause(lines[0].split()):
        return True
    if any(line[:1].islower() or _HEADING.fullmatch(line) for line in lines):
        return True
    return _is_field_list([rest, *lines] if rest else lines)


def _article_before(labels: list[LineLabel], kept: list[int], position: int, chars: int) -> bool:
    """Whether ``chars`` and the lines kept before ``kept[position]`` make an article.

    Counted backwards and only as far as needed: a page of many short lines
    is not summed whole.
    """
    for earlier in range(position - 1, -1, -1):
        if chars >= MIN_ARTICLE_CHARS:
            break
        chars += len(labels[kept[earlier]].kept_text())
    return chars >= MIN_ARTICLE_CHARS


def _remove_after_last_sentence(labels: list[LineLabel]) -> None:
    """Remove what follows the article's last sentence (see :func:`_find_tail`)."""
    tail = _find_tail(labels)
    if tail is None:
        return
    for index in tail.lines:
        labels[index].remove("after_last_sentence", certain=False)
    label = labels[tail.line]
    end = len(label.kept_text().rstrip())
    if tail.start < end:
        label.cut_kept(tail.start, end, "after_last_sentence", certain=False)


def _state(labels: list[LineLabel]) -> tuple[int, int]:
    return sum(label.removed for label in labels), sum(len(label.cuts) for label in labels)


def _remove_lines_left_as_furniture(labels: list[LineLabel], matchers: Matchers) -> None:
    """A line whose cuts leave only furniture goes whole, as a second run would remove it.

    "(GMT+7)Tin liên quan" loses its timestamp to the lead rule, and what is
    left is a whole-line header. Captions keep their own rule (a paragraph
    that ends in a credit is content).
    """
    for label in labels:
        if label.removed or not label.cuts:
            continue
        found = matchers.whole_line_reason(label.kept_text().strip())
        if found is not None and found[0] != "caption":
            label.remove(found[1], found[0])


def revise_labels(
    labels: list[LineLabel], matchers: Matchers, *, keep_captions: bool = False
) -> None:
    """Apply the context rules to ``labels`` in place.

    Args:
        labels: Every line's label, from the classify pass.
        matchers: The compiled rules.
        keep_captions: Leave photo captions in place (``--captions keep``).
    """
    _extend_blocks(labels, matchers)
    if not keep_captions:
        remove_scene_captions(labels, _kept_nonblank(labels))
    _remove_stranded_lines(labels)
    # These rules feed each other (a removed repeat moves a tagged line into the
    # lead; sign-offs stack, "... ./. Hoài Linh"): rerun them until nothing
    # changes, so that a second run of the stage finds nothing more.
    for _ in range(MAX_ROUNDS):
        before = _state(labels)
        _remove_repeated_lines(labels)
        _strip_lead_block(labels, matchers)
        _strip_source_tag(labels, matchers)
        strip_trailing_teasers(
            labels, _kept_nonblank(labels), lambda line: _is_byline(line, matchers)
        )
        _strip_sign_off_block(labels, matchers)
        _strip_end_marks(labels, matchers)
        _remove_repeated_lines(labels)
        _remove_lines_left_as_furniture(labels, matchers)
        _remove_after_last_sentence(labels)
        if _state(labels) == before:
            break
