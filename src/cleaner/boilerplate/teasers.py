"""Teasers of other articles that close or open a page, told by their shape, not their words.

News sites end an article with boxes that advertise other articles: a
headline and its summary ("sapo"). Scrapers keep them with no header before
them, so the header rules never fire. Four shapes are recognised, only in
the run of kept text that ends the document (inside an article, the same
shapes are a subheading and its paragraph):

- a headline glued to its summary (of one sentence or a few), since the
  scraper joined two page elements without a space: "… tăng mạnhGiá bán lẻ
  xăng dầu …" (a word wholly in lower case runs into a capitalised one;
  brand names such as "iPhone" or "VietNamNet" open in capitals or are one
  letter long, so they do not count);
- a headline line, then its summary line that repeats two of its syllables
  ("Phó Thủ tướng Canada bị phạt …" / "Phó Thủ tướng kiêm Bộ trưởng …"),
  after the article's sign-off, or as one of two or more such pairs set
  apart by blank lines (a related box);
- a summary cut short by an ellipsis ("… thiếu hụt xăng...") right before
  furniture that was removed (24h's "next article" box before its footer);
- a lone headline line with removed furniture on both sides (a photo credit
  before it, the "Theo X" that ends the page after it).

All four are uncertain removals: the gutting guard may give them back.

A page can also open with a carousel of headlines that a scraper flattened
with every slide it held, so the same few headlines come round two and three
times before the article starts ("60 doanh nghiệp tham gia ngày hội việc làm
60 doanh nghiệp tham gia ngày hội việc làm 60 doanh nghiệp …", nld in set g):
:func:`carousel_end` finds where the last round ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import lru_cache

import regex

from cleaner.boilerplate.labels import LineLabel
from cleaner.boilerplate.matchers import ends_sentence
from cleaner.boilerplate.segments import segment_spans

__all__ = ["MAX_HEADLINE_CHARS", "carousel_end", "strip_trailing_teasers"]

IsByline = Callable[[str], bool]

#: A headline is short (a longer line in a related block means the article
#: resumed); a summary is a sentence or two.
MAX_HEADLINE_CHARS = 160
MAX_TEASER_CHARS = 700
#: A glued box is tighter still: a headline and a one-sentence summary. A
#: scraper also glues the article's own elements (a caption to the paragraph
#: after it, an agenda item to the next one), and those run longer.
MAX_GLUED_HEADLINE_CHARS = 120
MAX_GLUED_SUMMARY_CHARS = 320
#: A headline has a few words at least; "Ảnh minh họa" is no headline.
MIN_HEADLINE_WORDS = 5
#: A summary cut by an ellipsis is long; a short "Còn nữa..." is the article's own.
MIN_TRUNCATED_CHARS = 60
#: The summary repeats the headline's words within its first characters.
ECHO_WINDOW = 400
#: At most this many teasers are taken off one document's end.
MAX_TEASERS = 6

#: What opens a headline: a capital, a digit or an opening quote.
_OPENER = regex.compile(r"[\p{Lu}\d\"“‘']")
#: Marks that end a sentence, which a headline does not hold.
_SENTENCE_MARK = regex.compile(r"[.!?\n]")
#: A headline is at least this long before its glue.
MIN_HEADLINE_CHARS = 11
#: A summary cut short: a letter, then "..." or "…", then at most closing quotes.
_TRUNCATED = regex.compile(r"\p{L}(?:\.{3}|…)[\"”’']?\Z")
#: Two page elements joined without a space: a word runs into a capitalised one.
#: Either the first word is wholly lower case, two letters or more ("mạnhGiá",
#: "viênVay"), or it is capitalised and the second is a Vietnamese word with
#: a diacritic ("Việt NamThủ tướng", "GazaLực lượng"). Brand names are one
#: lower-case letter ("iPhone") or join plain-letter words ("VinFast",
#: "VietNamNet", "MobiFone"), so do not count. A headline that ends in a
#: question mark runs into its summary the same way ("… phía trước?Tròn một
#: tháng …"); a closing quote does not count, since names hold apostrophes
#: ("C’Land", "O’Riordan").
_GLUE = regex.compile(
    r"(?=\p{Lu}\p{Ll})(?:(?<=\s\p{Ll}{2,12})|(?<=\s\p{Lu}\p{Ll}{1,11})(?=\p{Lu}[a-z]*[^\x00-\x7F])"
    r"|(?<=\p{L}[?!]))"
)
#: A list ends with "..." too ("Hương, hoa, quả tươi, vàng mã, …"); a summary has few commas.
MAX_TRUNCATED_COMMAS = 3
_SYLLABLE = regex.compile(r"[\p{L}\d]+")


def _is_glued_teaser(segment: str) -> bool:
    """A headline glued to a summary that echoes it, the segment's only glue.

    A scraper that drops one space inside a sentence ("người dânVenezuela")
    glues a name, not a summary that repeats the headline's words; a glued
    table ("90 điểmMan United … 91 điểmChelsea …") has a glue per row.
    """
    if _OPENER.match(segment) is None:
        return False
    glue = _GLUE.search(segment, MIN_HEADLINE_CHARS, MAX_GLUED_HEADLINE_CHARS + 1)
    # The headline holds no sentence mark, except the "?" or "!" that ends it.
    if glue is None or _SENTENCE_MARK.search(segment, 0, glue.start() - 1) is not None:
        return False
    headline, summary = segment[: glue.start()], segment[glue.start() :]
    return (
        len(headline.split()) >= MIN_HEADLINE_WORDS
        and len(summary) <= MAX_GLUED_SUMMARY_CHARS
        and _GLUE.search(summary) is None
        and _echoes(headline, summary)
    )


def _is_headline(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= MAX_HEADLINE_CHARS
        and len(stripped.split()) >= MIN_HEADLINE_WORDS
        and stripped[:1].isupper()
        and not stripped.endswith((".", ":", ";", "!", "…"))
    )


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = _SYLLABLE.findall(text.casefold())
    return set(itertools.pairwise(words))


def _echoes(headline: str, summary: str) -> bool:
    """Whether the summary repeats two syllables in a row of the headline, near its start."""
    return bool(_bigrams(headline) & _bigrams(summary[:ECHO_WINDOW]))


def _is_teaser_pair(headline: str, summary: str) -> bool:
    """A headline line, then a one-paragraph summary that echoes it."""
    summary = summary.strip()
    return (
        _is_headline(headline)
        and len(summary) <= MAX_TEASER_CHARS
        and ends_sentence(summary)
        and _echoes(headline, summary)
    )


def _pair_after_sign_off(labels: list[LineLabel], kept: list[int], is_byline: IsByline) -> bool:
    """A headline line and its summary line after the article's byline.

    Inside an article the same two lines are a subheading and its paragraph
    (an interview's "Ông A: Phải có …" and the answer), so the pair counts
    only where a sign-off says the article has ended.
    """
    headline, summary = (labels[index].kept_text() for index in kept[-2:])
    return is_byline(labels[kept[-3]].kept_text()) and _is_teaser_pair(headline, summary)


def _set_apart_pair(labels: list[LineLabel], headline: int, summary: int) -> bool:
    """Lines ``headline`` and ``summary`` are a teaser pair, together, after a blank line."""
    return (
        summary == headline + 1
        and headline > 0
        and labels[headline - 1].blank
        and _is_teaser_pair(labels[headline].kept_text(), labels[summary].kept_text())
    )


def _box_of_pairs_ends(labels: list[LineLabel], kept: list[int]) -> bool:
    """The last two kept lines are one of the teaser pairs of a related box.

    A box lists its teasers as a headline line and its summary line, each pair
    set apart by a blank line (vietnamnet: "Phó Thủ tướng Canada bị phạt …" /
    "Phó Thủ tướng kiêm Bộ trưởng …"). One such pair can close an article (a
    last subheading and its paragraph), so a pair counts only when another
    pair stands right before it, or a related block was already removed
    after it.
    """
    headline, summary = kept[-2:]
    if not _set_apart_pair(labels, headline, summary):
        return False
    if any(line.reason == "related_news_block" for line in labels[summary + 1 :]):
        return True
    return len(kept) > 4 and _set_apart_pair(labels, kept[-4], kept[-3])


def _segment_starts(text: str) -> list[int]:
    """Offsets where the sentence-like segments near the end of ``text`` start, last first."""
    window = max(0, len(text) - MAX_TEASER_CHARS - 1)
    return [window + start for start in _segment_starts_in(text[window:])]


@lru_cache(maxsize=64)
def _segment_starts_in(window: str) -> tuple[int, ...]:
    """:func:`_segment_starts` in a window; each revise round asks again about the same end."""
    return tuple(start for start, _ in reversed(segment_spans(window)))


def _glued_teaser_start(text: str, starts: list[int]) -> int | None:
    """Where a glued headline-and-summary ends ``text``; its summary may hold a few sentences.

    Only the segments that fit a glued box are tried: the headline and the
    summary together are no longer than their two limits.
    """
    shortest = len(text) - MAX_GLUED_HEADLINE_CHARS - MAX_GLUED_SUMMARY_CHARS
    for start in starts:
        if start < shortest:
            return None
        if _is_glued_teaser(text[start:]):
            return start
    return None


#: Removals that a sign-off makes: an article's own last sentence may stand before them.
_SIGN_OFF_REASONS = frozenset({"byline", "byline_inline", "end_mark"})


def _furniture_follows(labels: list[LineLabel], index: int) -> bool:
    """Whether page furniture (not a sign-off) was removed after line ``index``'s kept text."""
    label = labels[index]
    end = len(label.text.rstrip())
    if any(cut.end >= end and cut.reason not in _SIGN_OFF_REASONS for cut in label.cuts):
        return True
    later = (line for line in labels[index + 1 :] if line.removed)
    return any(line.reason not in _SIGN_OFF_REASONS for line in later)


def _teaser_start(labels: list[LineLabel], index: int) -> int | None:
    """Kept-text offset where a teaser ends line ``index``, ``None`` when it has none."""
    kept_text = labels[index].kept_text().rstrip()
    starts = _segment_starts(kept_text) or [len(kept_text)]
    glued = _glued_teaser_start(kept_text, starts)
    if glued is not None:
        return glued
    start = starts[0]
    segment = kept_text[start:]
    truncated = (
        len(segment) >= MIN_TRUNCATED_CHARS
        and segment.count(",") <= MAX_TRUNCATED_COMMAS
        and _TRUNCATED.search(segment) is not None
    )
    if truncated and segment[:1].isupper() and _furniture_follows(labels, index):
        return start
    return None


def _headline_between_furniture(labels: list[LineLabel], index: int) -> bool:
    """Line ``index`` is a headline with removed lines right before it and after it.

    A link to another article between a photo credit and the "Theo X" that
    ends the page (kenh14: "Ảnh: NVCC" / "Hành trình lột xác của Khánh Vân:
    …" / "Theo Trí Thức Trẻ"). A subheading has the section it opens after
    it, so it is never the last kept line.
    """
    label = labels[index]
    if label.cuts or not _is_headline(label.text):
        return False
    # Walked by index: a slice would copy every line before it.
    before = next((labels[i] for i in range(index - 1, -1, -1) if not labels[i].blank), None)
    if before is None or not before.removed:
        return False
    return any(line.removed for line in labels[index + 1 :])


def _strip_one(labels: list[LineLabel], kept: list[int], is_byline: IsByline) -> bool:
    """Take one teaser off the end of the kept text; whether there was one."""
    if len(kept) > 1 and _headline_between_furniture(labels, kept[-1]):
        labels[kept.pop()].remove("related_news_block", certain=False)
        return True
    last = labels[kept[-1]]
    start = _teaser_start(labels, kept[-1])
    if start is not None:
        kept_text = last.kept_text()
        if kept_text[:start].strip():
            cut_from = len(kept_text[:start].rstrip())
            last.cut_kept(cut_from, len(kept_text), "related_news_inline", certain=False)
            return True
        # The first line always stays: a lone headline-and-summary is a document.
        if len(kept) == 1:
            return False
        last.remove("related_news_block", certain=False)
        kept.pop()
        return True
    if len(kept) > 2 and (
        _pair_after_sign_off(labels, kept, is_byline) or _box_of_pairs_ends(labels, kept)
    ):
        for index in kept[-2:]:
            labels[index].remove("related_news_block", certain=False)
        del kept[-2:]
        return True
    return False


def strip_trailing_teasers(labels: list[LineLabel], kept: list[int], is_byline: IsByline) -> None:
    """Remove the teasers of other articles that end the document.

    Args:
        labels: Every line's label, changed in place.
        kept: Indexes of the kept non-blank lines, in order; consumed.
        is_byline: Whether a line is a sign-off (the article's end).
    """
    for _ in range(MAX_TEASERS):
        if not kept or not _strip_one(labels, kept, is_byline):
            return


#: A carousel opens with this many words at least, this many characters long,
#: and comes round this many times within the window.
CAROUSEL_PHRASE_WORDS = 5
MIN_CAROUSEL_PHRASE_CHARS = 15
MIN_CAROUSEL_ROUNDS = 3
CAROUSEL_WINDOW = 2000
_WORD_END = regex.compile(r"\S+")
#: Headlines hold no full stop followed by more text.
_FULL_STOP = regex.compile(r"\. (?=\S)")
#: What may stand between the carousel and the article: spaces and a lost stop.
_CAROUSEL_GAP = regex.compile(r"[ .:;,-]*")


def carousel_end(line: str) -> int | None:
    """Where a carousel of repeated headlines that opens ``line`` ends, ``None`` if none does.

    The line's first words must come round :data:`MIN_CAROUSEL_ROUNDS` times
    in its first :data:`CAROUSEL_WINDOW` characters, each round repeating the
    first up to the next, with no full stop among them (headlines have
    none); the carousel ends where its last round stops repeating the first
    one, and the article after it must open like a sentence.

    >>> line = "Ngày hội việc làm của sinh viên năm 2018 " * 3 + "Sáng nay, trời mưa to."
    >>> line[carousel_end(line):]
    'Sáng nay, trời mưa to.'
    """
    words = list(itertools.islice(_WORD_END.finditer(line), CAROUSEL_PHRASE_WORDS))
    if len(words) < CAROUSEL_PHRASE_WORDS or words[0].start() != 0:
        return None
    phrase = line[: words[-1].end()]
    if len(phrase) < MIN_CAROUSEL_PHRASE_CHARS:
        return None
    rounds = _occurrences(line, phrase, CAROUSEL_WINDOW)
    if len(rounds) < MIN_CAROUSEL_ROUNDS:
        return None
    # Each round repeats the start of the first one up to where the next
    # begins: an article that names "Bộ trưởng Quốc phòng Mỹ James Mattis"
    # three times says other things in between.
    for start, following in itertools.pairwise(rounds[1:]):
        if _common_prefix(line, start) < following - start:
            return None
    end = rounds[-1] + _common_prefix(line, rounds[-1])
    if _FULL_STOP.search(line, 0, end) is not None:
        return None
    end = line.rfind(" ", 0, end + 1) if end < len(line) and line[end] != " " else end
    rest = _CAROUSEL_GAP.match(line, end)
    assert rest is not None  # the pattern matches the empty string
    # An article must follow, opening like a sentence: a line of nothing but
    # rounds is a list, which the line rules judge.
    if rest.end() >= len(line.rstrip()) or not _OPENER.match(line, rest.end()):
        return None
    return rest.end() if end > rounds[-1] else None


def _occurrences(text: str, phrase: str, window: int) -> list[int]:
    found: list[int] = []
    position = text.find(phrase, 0, window)
    while position != -1:
        found.append(position)
        position = text.find(phrase, position + len(phrase), window)
    return found


def _common_prefix(text: str, start: int) -> int:
    """Length of the longest common prefix of ``text[start:]`` and ``text``."""
    length = 0
    limit = len(text) - start
    while length < limit and text[start + length] == text[length]:
        length += 1
    return length
