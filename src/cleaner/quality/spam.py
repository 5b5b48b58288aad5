"""Weighted flagged terms (betting and casino SEO, adult sites), matched as whole syllables.

The lists are data (``data/quality/flagged_vi.txt``): one weighted phrase a
line, grouped by concept. Weights separate what only spam writes ("nhà cái
uy tín", weight 3) from what news also writes when it reports on gambling
("cá cược", weight 1), and the score is per 100 syllables, so an article
about a betting crackdown stays far below a casino landing page.

>>> from cleaner.quality.heuristics import syllables
>>> lists = load_flagged_terms()
>>> flagged_weights(syllables("nhà cái uy tín số 1, nổ hũ đổi thưởng"), lists)["gambling"]
6.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import compress

from cleaner.errors import ConfigError
from cleaner.quality.heuristics import SYLLABLE

__all__ = ["FlaggedTerms", "flagged_weights", "load_flagged_terms"]

_SOURCE = "data/quality/flagged_vi.txt"


@dataclass(frozen=True)
class FlaggedTerms:
    """Per concept, the weight of each phrase, phrases keyed by their first syllable.

    Attributes:
        weights: Concept → phrase (a tuple of syllables) → weight.
        by_first: Concept → first syllable → the phrases starting with it,
            longest first.
    """

    weights: dict[str, dict[tuple[str, ...], float]]
    by_first: dict[str, dict[str, list[tuple[str, ...]]]]


def flagged_weights(words: Sequence[str], terms: FlaggedTerms) -> dict[str, float]:
    """The summed weight of the flagged phrases among ``words``, per concept.

    Args:
        words: Lower-cased syllables.
        terms: The lists (:func:`load_flagged_terms`).

    Phrases are matched whole syllable by syllable, left to right; the
    longest one at a place wins and hits do not overlap ("nổ hũ đổi thưởng"
    is one hit, not "nổ hũ" plus "đổi thưởng").
    """
    return {
        concept: _matched_weight(words, firsts, terms.weights[concept])
        for concept, firsts in terms.by_first.items()
    }


def _matched_weight(
    words: Sequence[str],
    firsts: dict[str, list[tuple[str, ...]]],
    weights: dict[tuple[str, ...], float],
) -> float:
    total = 0.0
    resume = 0
    # The positions of possible first syllables, found without a Python loop.
    for start in compress(range(len(words)), map(firsts.__contains__, words)):
        if start < resume:
            continue
        for phrase in firsts[words[start]]:
            if tuple(words[start : start + len(phrase)]) == phrase:
                total += weights[phrase]
                resume = start + len(phrase)
                break
    return total


@cache
def load_flagged_terms() -> FlaggedTerms:
    """The packaged lists (read once).

    Raises:
        ConfigError: If a line of the file is not ``WEIGHT PHRASE`` in a section.
    """
    text = resources.files("cleaner").joinpath(_SOURCE).read_text("utf-8")
    weights = _parse(text)
    by_first: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for concept, table in weights.items():
        firsts = by_first.setdefault(concept, {})
        for phrase in sorted(table, key=len, reverse=True):
            firsts.setdefault(phrase[0], []).append(phrase)
    return FlaggedTerms(weights, by_first)


def _parse(text: str) -> dict[str, dict[tuple[str, ...], float]]:
    weights: dict[str, dict[tuple[str, ...], float]] = {}
    section: dict[tuple[str, ...], float] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = weights.setdefault(line[1:-1], {})
            continue
        weight, _, phrase = line.partition(" ")
        try:
            value = float(weight)
        except ValueError:
            value = 0.0
        syllables = tuple(SYLLABLE.findall(phrase))
        if section is None or value <= 0 or not syllables or phrase != phrase.lower():
            raise ConfigError(f"{_SOURCE}:{number}: expected 'WEIGHT phrase' in a section: {raw!r}")
        section[syllables] = value
    return weights
