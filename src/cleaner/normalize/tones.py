"""Tone-mark fixers: put each tone on the right vowel, and turn a stray eth into đ.

Clean text must cost one regex scan, so :func:`place_tones` never looks at a
word whose tone is already right. The scan pattern is generated from the
syllable model itself: every toned vowel run that is wrong in some context
(after q or g, open or followed by a final consonant) for the chosen style.
Only those matches reach the Python parser, which decides on the whole word.
The scan runs on a lower-cased copy of the text, so the pattern needs no case
variants (a third of the size: it compiles in ~0.3 s instead of ~1 s, and
scans faster). The wrong runs themselves are package data
(``data/tones/misplaced_runs.tsv``), generated from the model by
:func:`misplaced_runs_from_model` and checked against it by the tests.
The patterns use stdlib ``re``, whose first-character skip and literal-branch
test make the generated trie cheap; ``regex`` scans plain character classes
~8x slower on clean text (see ``cleaner.normalize.base.substitute``).

When the compiled scanner is built (:mod:`cleaner.speedups`), it
finds the same candidates from the same table in one pass over the text
(~2 ms/MB instead of ~20): each maximal vowel run is keyed by its letters,
its onset and whether a final consonant closes it (:func:`run_key`).
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import TypeAlias

import regex

from cleaner import speedups
from cleaner.explain import EditLog
from cleaner.normalize.base import ToneStyle
from cleaner.normalize.syllables import (
    ALL_VOWELS,
    BASE_VOWELS,
    CONSONANT_TONE,
    MAX_SYLLABLE_LENGTH,
    TONE_MARKS,
    TONED_VOWEL,
    TONED_VOWELS,
    VOWEL_TONE,
    PlacementStyle,
    Syllable,
    apply_tone,
    parse_syllable,
    split_tones,
)

_FINAL_SAMPLES = ("c", "ch", "m", "n", "ng", "nh", "p", "t")
# The initial before a vowel run decides whether its u (after q) or i (after g)
# is a consonant; any other initial behaves like "t".
_ONSETS = ("q", "g", "t")
_LETTER = r"[^\W\d_]"
# A token joined to these by no space is part of an address, handle, tag or code.
_NOT_PROSE = re.compile(r"://|www\.|@|#|/|\\|_|=|\d")
# Vietnamese-only letters (outside Latin-1): their presence near an eth shows
# that the text is Vietnamese, not Icelandic or Faroese.
_VIETNAMESE_ONLY = re.compile(
    "[ăâêôơưđĂÂÊÔƠƯĐ" + "".join(char for char in TONED_VOWEL.values() if ord(char) > 0xFF) + "]"
)
# A tone typed after the final consonant (muôn + acute → muôń). Scanned on its
# own: joined to the vowel trie it costs the engine its first-character skip.
_TONED_FINAL = re.compile(f"[{''.join(CONSONANT_TONE)}](?<=[{ALL_VOWELS}].)")
_LOWER_VOWELS = frozenset(vowel for vowel in ALL_VOWELS if vowel.islower())
_LOWER_TONED = "".join(vowel for vowel in TONED_VOWELS if vowel.islower())
_LOWER_PLAIN = "".join(sorted(_LOWER_VOWELS - set(_LOWER_TONED)))
# Two toned vowels with at most two plain ones between: a run with two tone
# marks (tủổi, Kháí), a common typing slip.
_TWO_TONES = re.compile(f"[{_LOWER_TONED}][{_LOWER_PLAIN}]{{0,2}}[{_LOWER_TONED}]")
#: The eth letters that :func:`fix_eth` may turn into đ.
ETH = re.compile("[\u00d0\u00f0]")
_ETH_TO_D = {"\u00d0": "\u0110", "\u00f0": "\u0111"}
# The eths of a word in a Vietnamese line that are đ: those no small letter
# precedes (Vietnamese đ starts a syllable; Icelandic ð follows a vowel).
_ETH_IN_VIETNAMESE = regex.compile(r"(?<!\p{Ll})[\u00d0\u00f0]")
# Vietnamese letters outside Latin-1 (â ê ô are French too): a line with one is
# Vietnamese, and not a legacy encoding seen through cp1252 either (TCVN3's é
# shows as Ð, its ê as ê).
_VIETNAMESE_BEYOND_LATIN1 = re.compile(
    "[ăơưđĂƠƯĐ" + "".join(char for char in TONED_VOWEL.values() if ord(char) > 0xFF) + "]"
)
_NEWLINE = re.compile("\n")
_ETH_CONTEXT = 40
_RUNS_FILE = "data/tones/misplaced_runs.tsv"
_FOREIGN_FILE = "data/tones/foreign_words.tsv"
# Toned vowels, most frequent first (counted on baomoi dev text).
_TONE_FREQUENCY = "àáếạệảộóốớấờủềịểợậìầựíãứởụồữổúọắòừùặỉửũýễỏẽéằẫẩỹĩỗẻẹỷõỳẳỡèẵỵ"

# Character classes of the compiled scanner (numbered as in _speedups.c):
# 0 other, 1..72 a lower-case vowel (1 + 6 * base + tone), then these. The
# scanner also tells spaces and line breaks apart, for its whitespace check.
_CLASS_Q, _CLASS_G, _CLASS_LETTER, _CLASS_TONED_CONSONANT = 73, 74, 75, 76
_CLASS_SPACE, _CLASS_NEWLINE = 77, 78
_RUN_BASE = 73
_MAX_RUN = 4
_BMP = 0x10000

#: Maps a word and its offset in the text to ``(fixed word, edit kind)``, or ``None``.
WordFix: TypeAlias = Callable[[str, int], "tuple[str, str] | None"]
#: ``(start, end)`` of a piece of text.
Span: TypeAlias = tuple[int, int]


def _vowel_runs() -> set[str]:
    """Every tone-free vowel run a syllable can show in writing (with qu/gi's u/i)."""
    clusters = {
        syllable.vowels
        for word in _candidate_words()
        if (syllable := parse_syllable(word)) is not None
    }
    return clusters | {"u" + run for run in clusters} | {"i" + run for run in clusters}


def _candidate_words() -> Iterable[str]:
    vowels = BASE_VOWELS
    for first in vowels:
        for second in ("", *vowels):
            for third in ("", *vowels):
                for final in ("", *_FINAL_SAMPLES):
                    yield "t" + first + second + third + final
                    yield "tu" + first + second + third + final


def misplaced_runs_from_model(style: PlacementStyle) -> dict[tuple[str, bool], set[str]]:
    """Toned vowel runs whose tone is misplaced, by (onset, closed) context.

    Derived from :func:`~cleaner.normalize.syllables.parse_syllable` by brute
    force (~0.5 s); :func:`misplaced_runs` reads the same table from package data.
    """
    wrong: dict[tuple[str, bool], set[str]] = {}
    for run in sorted(_vowel_runs()):
        for tone in range(1, 6):
            for position in range(len(run)):
                toned = apply_tone(run, tone, position)
                for onset in _ONSETS:
                    for closed in (False, True):
                        if _is_wrong(onset, toned, closed, style):
                            wrong.setdefault((onset, closed), set()).add(toned)
    return wrong


def _is_wrong(onset: str, toned: str, closed: bool, style: PlacementStyle) -> bool:
    for final in _FINAL_SAMPLES if closed else ("",):
        syllable = parse_syllable(onset + toned + final)
        if syllable is not None and syllable.tone_index(style) != syllable.tone_at:
            return True
    return False


@cache
def misplaced_runs(style: PlacementStyle) -> dict[tuple[str, bool], set[str]]:
    """The table of :func:`misplaced_runs_from_model`, read from package data."""
    table: dict[tuple[str, bool], set[str]] = {}
    text = resources.files("cleaner").joinpath(_RUNS_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            row_style, onset, closed, run = line.split("\t")
            if row_style == style:
                table.setdefault((onset, closed == "closed"), set()).add(run)
    return table


@cache
def foreign_words() -> frozenset[str]:
    """Toned words of other Latin orthographies that look like misplaced Vietnamese tones.

    Pinyin ``huì``, Italian ``più``, Spanish ``oí`` are well formed as written;
    :func:`place_tones` leaves them alone (``data/tones/foreign_words.tsv``).
    """
    text = resources.files("cleaner").joinpath(_FOREIGN_FILE).read_text(encoding="utf-8")
    return frozenset(
        line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")
    )


def format_misplaced_runs() -> str:
    """The package data file's content, generated from the syllable model."""
    lines = [
        "# style\tonset\tclosed\trun: toned vowel runs whose tone is misplaced",
        "# Generated by cleaner.normalize.tones.format_misplaced_runs(); do not edit.",
    ]
    for style in ("first_vowel", "main_vowel"):
        for (onset, closed), runs in sorted(misplaced_runs_from_model(style).items()):
            context = "closed" if closed else "open"
            lines += [f"{style}\t{onset}\t{context}\t{run}" for run in sorted(runs)]
    return "\n".join(lines) + "\n"


@cache
def _scanner(style: PlacementStyle) -> re.Pattern[str]:
    """Build the pattern matching every vowel run that may carry a misplaced tone.

    The pattern is a trie keyed on the toned vowel (so the engine skips ahead
    with its first-character set), gated so that a toned vowel with no vowel
    (or q/g) before it and no vowel after it, the common case, is rejected at
    once, then keyed on the vowel just before it. Each leaf
    checks the rest of the run, what follows it and, with a fixed-width
    look-behind, the vowels and onset before it.
    """
    vowel = ALL_VOWELS
    leaves: dict[str, dict[str, set[str]]] = {}
    for (onset, closed), runs in misplaced_runs(style).items():
        after = f"(?={_LETTER})(?![{vowel}])" if closed else f"(?!{_LETTER})"
        for run in runs:
            index = next(i for i, char in enumerate(run) if char in TONED_VOWELS)
            before, toned, rest = run[:index], run[index], run[index + 1 :]
            behind = re.escape(run)
            # The whole run, and for "t" nothing before it that would make it
            # longer or put it after q/g (a negative look-behind also holds at
            # the start of the text).
            guard = (
                f"(?<={onset}{behind})"
                if onset != "t"
                else f"(?<={behind})(?<![{vowel}qg]{behind})"
            )
            key = before[-1:]
            leaves.setdefault(toned, {}).setdefault(key, set()).add(
                f"{re.escape(rest)}{after}{guard}"
            )
    # Branches are tried in order, so the most frequent toned vowels go first.
    ordered = sorted(leaves.items(), key=lambda item: _frequency_rank(item[0]))
    return re.compile("|".join(_toned_branch(toned, keyed) for toned, keyed in ordered))


def _frequency_rank(toned: str) -> int:
    return _TONE_FREQUENCY.find(toned)


def _toned_branch(toned: str, by_key: dict[str, set[str]]) -> str:
    escaped = re.escape(toned)
    vowel = f"[{ALL_VOWELS}]"
    branches = []
    if "" in by_key:
        alternatives = by_key[""]
        firsts = "".join(sorted({alt[0] for alt in alternatives}))
        branches.append(f"(?<!{vowel}{escaped})(?=[{firsts}])(?:{'|'.join(sorted(alternatives))})")
    keyed = [
        f"(?<={re.escape(key + toned)})(?:{'|'.join(sorted(alternatives))})"
        for key, alternatives in sorted(by_key.items())
        if key
    ]
    if keyed:
        branches.append(f"(?<={vowel}{escaped})(?:{'|'.join(keyed)})")
    gate = f"(?:(?<=[{ALL_VOWELS}qg]{escaped})|(?=[{ALL_VOWELS}]))"
    return f"{escaped}{gate}(?:{'|'.join(branches)})"


def place_tones(text: str, log: EditLog | None = None, *, style: ToneStyle = "first_vowel") -> str:
    """Move each tone mark to the vowel that carries it in ``style``.

    Only words that are Vietnamese syllables change; foreign words, names,
    URLs, e-mail addresses, hashtags and code are left alone, and so are the
    words of other Latin orthographies that look like Vietnamese syllables
    (pinyin ``huì``, Italian ``più``: :func:`foreign_words`).

    Args:
        text: NFC text.
        log: Where edits go: ``tone_placement`` for a style change in open
            oa/oe/uy, ``misplaced_tone`` for any other move.
        style: ``"first_vowel"`` (hòa, thủy), ``"main_vowel"`` (hoà, thuỷ) or
            ``"keep"`` (change nothing).

    Returns:
        The text with every tone on its vowel.

    >>> place_tones("hoà bình, baỏ vệ")
    'hòa bình, bảo vệ'
    >>> place_tones("hòa thủy", style="main_vowel")
    'hoà thuỷ'
    """
    if style == "keep":
        return text
    return _rewrite_tokens(tone_candidates(text, style), text, log, _retone(style))


def tone_candidates(text: str, style: PlacementStyle) -> Iterable[Span]:
    """Where a tone may be misplaced, as ``(start, end)`` spans in text order.

    Each misplaced vowel run gives the span from its toned letter to its end;
    each toned final consonant after a vowel (muôń), the consonant; each run
    with two tone marks (tủổi), the span from its first toned letter to its end. The
    compiled scanner and the regular expressions give the same spans.
    """
    if speedups.enabled():
        return _compiled_scanner(style).scan(text)[1]
    lowered = _lower_same_length(text)
    return heapq.merge(
        (match.span() for match in _scanner(style).finditer(lowered)),
        (match.span() for match in _TONED_FINAL.finditer(lowered)),
        _two_tone_spans(lowered),
    )


def _two_tone_spans(lowered: str) -> Iterable[Span]:
    """Vowel runs (of at most four) with two tone marks: from the first toned vowel to the end."""
    run_end = 0
    for match in _TWO_TONES.finditer(lowered):
        if match.start() < run_end:
            continue  # a later pair of the run already judged (each run is read once)
        start, end = match.start(), match.end()
        while start > 0 and lowered[start - 1] in _LOWER_VOWELS:
            start -= 1
        while end < len(lowered) and lowered[end] in _LOWER_VOWELS:
            end += 1
        first_toned, run_end = match.start(), end
        if end - start <= _MAX_RUN and not any(
            c in TONED_VOWELS for c in lowered[start:first_toned]
        ):
            yield first_toned, end


@cache
def _compiled_scanner(style: PlacementStyle) -> speedups.Scanner:
    return speedups.new_scanner(tone_classes(), run_keys(style))


@cache
def tone_classes() -> array[int]:
    """Each BMP code point's class for the compiled scanner, taken from its lower case.

    The classes (see ``_speedups.c``) are what :func:`_scanner` tells apart:
    vowels with their tone, q and g (whose u and i are consonants), other
    letters (``[^\\W\\d_]``: a final consonant closes the syllable),
    consonants carrying a tone mark, and the space and line break.
    """
    # Classified by pattern over all of the BMP at once (a loop per code point
    # took 0.3 s); later classes win over earlier ones.
    lowered = _lower_same_length("".join(map(chr, range(_BMP))))
    table = array("H", bytes(2 * _BMP))
    for pattern, class_of in (
        (_LETTER, lambda _char: _CLASS_LETTER),
        (f"[{''.join(CONSONANT_TONE)}]", lambda _char: _CLASS_TONED_CONSONANT),
        ("[qg]", lambda char: _CLASS_Q if char == "q" else _CLASS_G),
        (f"[{ALL_VOWELS}]", _vowel_class),
    ):
        for match in re.finditer(pattern, lowered):
            table[match.start()] = class_of(match.group())
    table[ord(" ")], table[ord("\n")] = _CLASS_SPACE, _CLASS_NEWLINE
    return table


def _vowel_class(vowel: str) -> int:
    base, tone = VOWEL_TONE[vowel]
    return 1 + BASE_VOWELS.index(base.lower()) * len(TONE_MARKS) + tone


def run_key(run: str, onset: str, closed: bool) -> int:
    """The compiled scanner's key of a vowel run in its context.

    Args:
        run: Up to four lower-case vowels, as in :func:`misplaced_runs`.
        onset: ``"q"``, ``"g"`` or ``"t"`` (any other initial).
        closed: Whether a final consonant follows the run.

    >>> run_key("oà", "t", closed=False) == run_key("oà", "t", closed=True)
    False
    """
    vowels = 0
    for index in range(_MAX_RUN):
        vowels = vowels * _RUN_BASE + (_vowel_class(run[index]) if index < len(run) else 0)
    return (vowels * len(_ONSETS) + _ONSETS.index(onset)) * 2 + closed


@cache
def run_keys(style: PlacementStyle) -> array[int]:
    """Sorted keys (:func:`run_key`) of every misplaced run of ``style``."""
    keys = {
        run_key(run, onset, closed)
        for (onset, closed), runs in misplaced_runs(style).items()
        for run in runs
    }
    return array("i", sorted(keys))


def _lower_same_length(text: str) -> str:
    """``text.lower()`` with every offset unchanged (matches on it index ``text``)."""
    # İ (U+0130) is the only character whose lower case is two characters
    # (i + combining dot); lower it to a plain i so no offset moves. Replacing
    # beats a per-character rebuild, which took 0.5 GB for a 7 MB text.
    return text.replace("\u0130", "i").lower()


@cache
def _retone(style: PlacementStyle) -> WordFix:
    # One fixer per style, remembering its words: the same few words (của,
    # người) carry most misplaced tones, and parsing is the slow part.
    @lru_cache(maxsize=1 << 16)
    def retoned(word: str) -> tuple[str, str] | None:
        syllable = parse_syllable(word)
        if syllable is None or syllable.tone_at < 0 or word.lower() in foreign_words():
            return None
        target = syllable.tone_index(style)
        if target == syllable.tone_at:
            return None
        return _moved(word, syllable, target), _edit_kind(syllable, style)

    def fix(word: str, _start: int) -> tuple[str, str] | None:
        return retoned(word)

    return fix


def _moved(word: str, syllable: Syllable, target: int) -> str:
    split = split_tones(word)
    assert split is not None  # parse_syllable accepted the word
    return apply_tone(split[0], syllable.tone, target)


def _edit_kind(syllable: Syllable, style: PlacementStyle) -> str:
    other: PlacementStyle = "main_vowel" if style == "first_vowel" else "first_vowel"
    if syllable.style_dependent and syllable.tone_index(other) == syllable.tone_at:
        return "tone_placement"
    return "misplaced_tone"


def repair_double_tones(
    text: str, log: EditLog | None = None, *, style: ToneStyle = "first_vowel"
) -> str:
    """Keep one tone mark on a syllable typed with two: the one on the vowel that carries it.

    The other mark is dropped; a word changes only when exactly that keeps a
    Vietnamese syllable (``tủổi`` has its tone on ổ: "tuổi").

    Args:
        text: NFC text.
        log: Where edits go (kind ``double_tone``).
        style: Which vowel carries the tone in open oa/oe/uy (``"keep"``
            reads as ``"first_vowel"``).

    >>> repair_double_tones("tủổi, nhìều, Kháí, Ngựạ, huỵệt")
    'tuổi, nhiều, Khái, Ngựa, huyệt'
    """
    placement: PlacementStyle = "main_vowel" if style == "main_vowel" else "first_vowel"
    candidates = tone_candidates(text, placement)
    return _rewrite_tokens(candidates, text, log, _one_tone_kept(placement), prose_only=False)


@cache
def _one_tone_kept(style: PlacementStyle) -> WordFix:
    @lru_cache(maxsize=1 << 12)
    def kept(word: str) -> tuple[str, str] | None:
        if len(word) > MAX_SYLLABLE_LENGTH:
            return None  # no syllable: and trying each mark of a long word would be quadratic
        tones = [(i, VOWEL_TONE[c][1]) for i, c in enumerate(word) if c in VOWEL_TONE]
        tones = [(i, tone) for i, tone in tones if tone]
        if len(tones) < 2 or any(c in CONSONANT_TONE for c in word):
            return None
        bare = "".join(VOWEL_TONE.get(c, (c, 0))[0] for c in word)
        fits = set()
        for index, tone in tones:
            candidate = apply_tone(bare, tone, index)
            syllable = parse_syllable(candidate)
            if syllable is not None and syllable.tone_index(style) == index:
                fits.add(candidate)
        return (fits.pop(), "double_tone") if len(fits) == 1 else None

    def fix(word: str, _start: int) -> tuple[str, str] | None:
        return kept(word)

    return fix


def fix_eth(text: str, log: EditLog | None = None) -> str:
    """Turn Ð/ð (eth) into Đ/đ in Vietnamese lines.

    A line is Vietnamese when it has a Vietnamese letter outside Latin-1
    (ă ơ ư ạ ...). There every Ð or ð that no small letter precedes is Đ/đ,
    in syllables and acronyms alike ("GD&ÐT", "QÐ-NHNN", "Ðắk Lắk"):
    Vietnamese đ starts a syllable, Icelandic and Faroese ð follows a vowel
    (Guðmundsson). In a line with no such
    letter, an eth is only turned into đ where it starts a Vietnamese
    syllable (``Ðoàn``) and a Vietnamese-only letter is near, as before.

    >>> fix_eth("\u00d0ẠI HỘI, \u00f0ường, Sở GD&\u00d0T, \u00d0ắk Lắk")
    'ĐẠI HỘI, đường, Sở GD&ĐT, Đắk Lắk'
    >>> fix_eth("Guðmundsson"), fix_eth("Ðakar, Iceland")
    ('Guðmundsson', 'Ðakar, Iceland')
    """
    if "\u00d0" not in text and "\u00f0" not in text:
        return text
    vietnamese_line = _vietnamese_lines(text)

    def fix(word: str, start: int) -> tuple[str, str] | None:
        if vietnamese_line(start):
            fixed = _ETH_IN_VIETNAMESE.sub(lambda match: _ETH_TO_D[match.group()], word)
            return (fixed, "eth_to_d_stroke") if fixed != word else None
        if word[0] not in _ETH_TO_D or _in_non_prose(text, start, start + len(word)):
            return None
        fixed = _ETH_TO_D[word[0]] + word[1:]
        context = text[max(0, start - _ETH_CONTEXT) : start + len(word) + _ETH_CONTEXT]
        if parse_syllable(fixed) is None or not _VIETNAMESE_ONLY.search(context):
            return None
        return fixed, "eth_to_d_stroke"

    # Numbers and slashes around an eth are Vietnamese too (89/2016/QÐ-UBND, ðồng/kg).
    spans = (match.span() for match in ETH.finditer(text))
    return _rewrite_tokens(spans, text, log, fix, prose_only=False)


def _vietnamese_lines(text: str) -> Callable[[int], bool]:
    """Whether the line holding an offset of ``text`` has a Vietnamese letter beyond Latin-1.

    Lines are found by bisecting the line-break offsets and judged once each,
    so a line full of eths costs one scan, not one per eth.
    """
    breaks = [match.start() for match in _NEWLINE.finditer(text)]
    judged: dict[int, bool] = {}

    def is_vietnamese(offset: int) -> bool:
        line = bisect.bisect_left(breaks, offset)
        if line not in judged:
            start = breaks[line - 1] + 1 if line else 0
            end = breaks[line] if line < len(breaks) else len(text)
            judged[line] = _VIETNAMESE_BEYOND_LATIN1.search(text, start, end) is not None
        return judged[line]

    return is_vietnamese


def _rewrite_tokens(
    spans: Iterable[Span],
    text: str,
    log: EditLog | None,
    fix: WordFix,
    *,
    prose_only: bool = True,
) -> str:
    """Apply ``fix`` to the word around each span; words seen once are fixed once.

    With ``prose_only``, words in URLs, addresses, tags and code are skipped
    (see :func:`_in_non_prose`); fixers whose damage cannot be anything else
    there (two tone marks on one vowel run) look at every word.
    """
    pieces: list[str] = []
    done = judged = 0
    for span_start, span_end in spans:
        if span_start < judged:
            continue  # in a word already judged: each word is read once, however long
        start, end = _word_bounds(text, span_start, span_end)
        judged = end
        if start < done or (prose_only and _in_non_prose(text, start, end)):
            continue
        word = text[start:end]
        result = fix(word, start)
        if result is None:
            continue
        fixed, kind = result
        pieces.append(text[done:start])
        pieces.append(fixed)
        done = end
        if log is not None:
            log.record(kind, start, end, word, fixed)
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    # A combining mark NFC could not compose (a second tone on À) belongs to
    # the word: such a word is no syllable and stays as it is.
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start, end


def _in_word(char: str) -> bool:
    return char.isalpha() or unicodedata.combining(char) > 0


def _in_non_prose(text: str, start: int, end: int) -> bool:
    """Whether the space-delimited chunk around ``[start, end)`` is a URL, address, tag or code."""
    chunk_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    chunk_end = min(_find_or_end(text, " ", end), _find_or_end(text, "\n", end))
    return _NOT_PROSE.search(text, chunk_start, chunk_end) is not None


def _find_or_end(text: str, char: str, start: int) -> int:
    found = text.find(char, start)
    return len(text) if found < 0 else found
