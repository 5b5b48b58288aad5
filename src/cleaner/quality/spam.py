"""Weighted flagged terms (betting, lottery, casino, adult, loan-shark, fake-medicine adverts).

The lists are data (``data/quality/flagged_vi.txt``): one weighted phrase a
line, grouped by concept, matched as whole syllables. Weights separate what
only spam writes ("nhà cái uy tín", "bạch thủ lô", weight 3) from what news
also writes when it reports on the trade ("cá cược", "lô đề", weight 1);
the rules in :mod:`cleaner.quality.score` judge the density per 1,000
syllables, so an article about a betting crackdown stays far below a casino
landing page. Game-portal brand names, which change every month, are found
by their shape (:data:`BRAND`): "k89bet", "789club", "jun88", "bet365",
on pages that also name the trade.

>>> from cleaner.quality.heuristics import syllables
>>> text = "Nhà cái uy tín K89bet: nạp tiền, nổ hũ đổi thưởng"
>>> words = [word.lower() for word in syllables(text)]
>>> weights = flagged_weights(words, load_flagged_terms())
>>> weights["betting"], weights["casino"]
(7.0, 3.0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from itertools import compress

from cleaner.errors import ConfigError
from cleaner.quality.heuristics import SYLLABLE

__all__ = ["BRAND", "FlaggedTerms", "flagged_weights", "load_flagged_terms"]

_SOURCE = "data/quality/flagged_vi.txt"

#: A betting or game-portal brand written as one syllable: letters and digits
#: with "bet", "win", "club" or "vip" ("k89bet", "789club", "1xbet", "bet365"),
#: or two to four letters and a lucky number ("jun88", "new88", "mb66", "ae888").
#: Digits are required, so "Darwin", "Tibet" or "fanclub" are not brands.
BRAND = re.compile(
    r"^(?:[a-z]*\d+[a-z]?(?:bet|win|club|vip)|(?:bet|win)\d+|[a-z]{2,4}(?:88|888|66|68|86|99|79))$",
    re.MULTILINE,
)
#: The concept and weight a brand name counts for. Brands are counted only on
#: pages that name the trade with a listed term too: a product code such as
#: "mb66" on a page about anything else is not a betting hit (and most pages
#: are spared the search).
_BRAND_CONCEPT, _BRAND_WEIGHT = "betting", 2.0
_TRADE = ("betting", "lottery", "casino")


@dataclass(frozen=True)
class FlaggedTerms:
    """Every phrase with its concept and weight, keyed by its first syllable.

    Attributes:
        concepts: The concepts, in file order.
        by_first: First syllable → ``(phrase, concept, weight)`` of the
            phrases starting with it, longest first.
    """

    concepts: tuple[str, ...]
    by_first: dict[str, list[tuple[tuple[str, ...], str, float]]]

    @cached_property
    def seconds(self) -> dict[str, frozenset[str] | None]:
        """First syllable → the second syllables of its phrases (None: one is a single syllable).

        Most places a first syllable is found ("nhà", "không") start no phrase:
        the next syllable tells without comparing phrases.
        """
        return {
            first: None
            if any(len(phrase) == 1 for phrase, _, _ in phrases)
            else frozenset(phrase[1] for phrase, _, _ in phrases)
            for first, phrases in self.by_first.items()
        }


def flagged_weights(
    words: Sequence[str], terms: FlaggedTerms, starts: Iterable[int] | None = None
) -> dict[str, float]:
    """The summed weight of the flagged phrases and brand names among ``words``, per concept.

    Args:
        words: Lower-cased syllables.
        terms: The lists (:func:`load_flagged_terms`).
        starts: The positions of ``words`` in ``terms.by_first``, in order, if
            already found (:func:`cleaner.quality.words.text_words` finds them).

    Phrases are matched whole syllable by syllable, left to right, in one
    pass over all concepts; the longest one at a place wins and hits do not
    overlap ("nổ hũ đổi thưởng" is one hit, not "nổ hũ" plus "đổi thưởng").
    """
    totals = dict.fromkeys(terms.concepts, 0.0)
    by_first, seconds = terms.by_first, terms.seconds
    last = len(words) - 1
    resume = 0
    if starts is None:
        # The positions of possible first syllables, found without a Python loop.
        starts = compress(range(len(words)), map(by_first.__contains__, words))
    for start in starts:
        if start < resume:
            continue
        first = words[start]
        following = seconds[first]
        if following is not None and (start == last or words[start + 1] not in following):
            continue
        for phrase, concept, weight in by_first[first]:
            if len(phrase) == 1 or tuple(words[start : start + len(phrase)]) == phrase:
                totals[concept] += weight
                resume = start + len(phrase)
                break
    if any(totals[concept] for concept in _TRADE if concept in totals):
        totals[_BRAND_CONCEPT] = totals.get(_BRAND_CONCEPT, 0.0) + _BRAND_WEIGHT * _brands(words)
    return totals


def _brands(words: Sequence[str]) -> int:
    """How many of ``words`` are brand names (searched among the distinct ones)."""
    found = BRAND.findall("\n".join(set(words)))
    return sum(map(words.count, found)) if found else 0


@cache
def load_flagged_terms() -> FlaggedTerms:
    """The packaged lists (read once).

    Raises:
        ConfigError: If a line of the file is not ``WEIGHT PHRASE`` in a
            section, or a phrase is listed twice.
    """
    text = resources.files("cleaner").joinpath(_SOURCE).read_text("utf-8")
    entries = _parse(text)
    by_first: dict[str, list[tuple[tuple[str, ...], str, float]]] = {}
    for phrase, concept, weight in sorted(entries, key=lambda entry: -len(entry[0])):
        by_first.setdefault(phrase[0], []).append((phrase, concept, weight))
    concepts = tuple(dict.fromkeys(concept for _, concept, _ in entries))
    return FlaggedTerms(concepts, by_first)


def _parse(text: str) -> list[tuple[tuple[str, ...], str, float]]:
    entries: list[tuple[tuple[str, ...], str, float]] = []
    seen: set[tuple[str, ...]] = set()
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        weight, _, phrase = line.partition(" ")
        try:
            value = float(weight)
        except ValueError:
            value = 0.0
        syllables = tuple(SYLLABLE.findall(phrase))
        if section is None or value <= 0 or not syllables or phrase != phrase.lower():
            raise ConfigError(f"{_SOURCE}:{number}: expected 'WEIGHT phrase' in a section: {raw!r}")
        if syllables in seen:
            raise ConfigError(f"{_SOURCE}:{number}: {phrase!r} is listed twice")
        seen.add(syllables)
        entries.append((syllables, section, value))
    return entries
