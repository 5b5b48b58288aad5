"""The Vietnamese syllable model: initial consonant, rhyme (medial, nucleus, final) and tone.

A written syllable is ``initial + vowel cluster + final consonant`` with at most
one tone mark on one vowel of the cluster. :func:`parse_syllable` splits a word
into those parts (or answers ``None`` for anything that is not a Vietnamese
syllable: foreign words, names with f/j/w/z, digits) and :meth:`Syllable.tone_index`
says which letter carries the tone in a given style.

The rules follow "Quy tắc đặt dấu thanh trong chữ quốc ngữ" (Vietnamese
Wikipedia): a vowel with a diacritic (ă â ê ô ơ ư) carries the tone (ươ: on ơ);
in a closed syllable the last vowel of the cluster carries it; in an open one
the first of two vowels (ia, ua, ai, ao, ...) or the middle of three (oai, uyu),
except open oa/oe/uy, where the two styles differ (hòa/hoà, thủy/thuỷ).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

#: Combining tone marks by tone number: 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng.
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")

#: Vowel letters without a tone mark.
BASE_VOWELS = "aăâeêioôơuưy"

#: The longest written syllable (nghiêng, nghiếng).
MAX_SYLLABLE_LENGTH = 7

#: Which letter carries the tone in open oa/oe/uy syllables.
PlacementStyle = Literal["first_vowel", "main_vowel"]


def _tone_table() -> dict[str, tuple[str, int]]:
    """Map every (toned or plain) vowel, both cases, to its base letter and tone number."""
    table: dict[str, tuple[str, int]] = {}
    for base in BASE_VOWELS + BASE_VOWELS.upper():
        for tone, mark in enumerate(TONE_MARKS):
            table[unicodedata.normalize("NFC", base + mark)] = (base, tone)
    return table


#: ``"ộ" -> ("ô", 5)``; plain vowels map to tone 0.
VOWEL_TONE = _tone_table()
#: A tone typed after a final consonant lands on it once composed (muôń): those
#: precomposed consonants, both cases, map to the bare consonant and the tone.
CONSONANT_TONE = {
    composed: (consonant, tone)
    for consonant in "cmnptCMNPT"
    for tone, mark in enumerate(TONE_MARKS)
    if tone and len(composed := unicodedata.normalize("NFC", consonant + mark)) == 1
}
#: ``("ô", 5) -> "ộ"``, the inverse of :data:`VOWEL_TONE`.
TONED_VOWEL = {value: key for key, value in VOWEL_TONE.items()}
#: Every vowel carrying a tone mark, both cases.
TONED_VOWELS = "".join(char for char, (_base, tone) in VOWEL_TONE.items() if tone)
#: Every vowel letter, toned or not, both cases.
ALL_VOWELS = "".join(VOWEL_TONE)
# The letters split_tones takes a tone from.
_TONE_CARRIERS = frozenset(TONED_VOWELS).union(CONSONANT_TONE)

_CONSONANTS = frozenset("bcdđghklmnpqrstvx")
_INITIALS = (
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "qu",
    "th",
    "tr",
    *"bcdđghklmnprstvx",
    "",
)
# _INITIALS runs longest first, and at most one initial of each length begins
# a word: the word's prefixes of 3, 2, 1 and 0 letters found here are the
# initials it starts with, in the order of _INITIALS (one lookup each, not a
# comparison with every initial).
_INITIAL_LENGTHS = sorted({len(initial) for initial in _INITIALS}, reverse=True)
_INITIAL_SET = frozenset(_INITIALS)
_FINALS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_STOP_FINALS = frozenset({"c", "ch", "p", "t"})
# Sắc and nặng are the only tones a syllable ending in a stop can carry.
_STOP_TONES = frozenset({4, 5})
_PALATAL_FINALS = frozenset({"ch", "nh"})
# Vowel clusters that never take a final consonant (a glide ends them already).
_OPEN_CLUSTERS = frozenset(
    [
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iu",
        "oi",
        "ôi",
        "ơi",
        "ua",
        "ui",
        "ưa",
        "ưi",
        "ưu",
        "oai",
        "oay",
        "oeo",
        "uây",
        "uôi",
        "ươi",
        "ươu",
        "uyu",
        "iêu",
        "yêu",
        "uya",
        "uơ",
    ]
)
# Clusters that must be followed by a final consonant.
_CLOSED_CLUSTERS = frozenset(["ă", "â", "oă", "uâ", "iê", "yê", "uô", "uyê", "oo", "ôô"])
# Clusters that may be open or closed.
_FREE_CLUSTERS = frozenset(
    ["a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy", "ươ"]
)
# Nuclei that admit the palatal finals ch/nh (anh, ếch, inh, oanh, huỳnh, huếch).
_PALATAL_NUCLEI = frozenset(["a", "ê", "i", "y", "oa", "uê", "uy"])
# The open syllables whose tone position depends on the style.
_STYLE_CLUSTERS = frozenset({"oa", "oe", "uy"})
_FRONT_VOWELS = frozenset("eêiy")
_DIACRITIC_VOWELS = frozenset("ăâêôơư")


@dataclass(frozen=True, slots=True)
class Syllable:
    """A parsed Vietnamese syllable (letters lower-cased, tone removed).

    Attributes:
        initial: Initial consonant letters (``""``, ``"ngh"``, ``"qu"``, ``"gi"``...).
        vowels: The vowel cluster: medial, nucleus and glide (``"oa"``, ``"ươi"``).
        final: Final consonant letters (``""``, ``"ng"``, ``"ch"``...).
        tone: 0 (ngang), 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng.
        tone_at: Index in the word of the letter carrying the tone, or -1.
    """

    initial: str
    vowels: str
    final: str
    tone: int
    tone_at: int

    def tone_index(self, style: PlacementStyle = "first_vowel") -> int:
        """Index in the word of the vowel that should carry the tone in ``style``.

        >>> parse_syllable("hoà").tone_index("first_vowel")
        1
        >>> parse_syllable("người").tone_index()
        3
        """
        return len(self.initial) + _vowel_offset(self.vowels, self.final, style)

    @property
    def style_dependent(self) -> bool:
        """Whether the tone position differs between the styles (open oa/oe/uy)."""
        return self.tone > 0 and not self.final and self.vowels in _STYLE_CLUSTERS


def _vowel_offset(vowels: str, final: str, style: PlacementStyle) -> int:
    """Offset inside the vowel cluster of the tone-bearing vowel."""
    marked = [i for i, char in enumerate(vowels) if char in _DIACRITIC_VOWELS]
    if marked:
        return marked[-1]
    if len(vowels) == 1:
        return 0
    if final:
        return len(vowels) - 1
    if vowels in _STYLE_CLUSTERS:
        return 1 if style == "main_vowel" else 0
    return 1 if len(vowels) == 3 else 0


def split_tones(word: str) -> tuple[str, int, int] | None:
    """Remove tone marks from ``word``: ``(bare word, tone, index)``, or ``None`` if 2+ marks.

    >>> split_tones("Người")
    ('Ngươi', 1, 3)
    """
    if _TONE_CARRIERS.isdisjoint(word):
        return word, 0, -1  # every other letter is its own base: nothing to remove
    tone, tone_at = 0, -1
    letters = []
    for index, char in enumerate(word):
        base, char_tone = VOWEL_TONE.get(char) or CONSONANT_TONE.get(char, (char, 0))
        if char_tone:
            if tone:
                return None
            tone, tone_at = char_tone, index
        letters.append(base)
    return "".join(letters), tone, tone_at


def apply_tone(word: str, tone: int, index: int) -> str:
    """Put ``tone`` on the (tone-free) vowel at ``index`` of ``word``, keeping its case.

    >>> apply_tone("Thuy", 2, 2)
    'Thủy'
    """
    if not tone:
        return word
    return word[:index] + TONED_VOWEL[(word[index], tone)] + word[index + 1 :]


def parse_syllable(word: str) -> Syllable | None:
    """Parse ``word`` as one Vietnamese syllable, or return ``None`` if it is not one.

    Case does not matter; the word must be NFC.

    >>> parse_syllable("Quốc")
    Syllable(initial='qu', vowels='ô', final='c', tone=4, tone_at=2)
    >>> parse_syllable("Huawei") is None
    True
    """
    if not word or len(word) > MAX_SYLLABLE_LENGTH:
        return None
    split = split_tones(word)
    if split is None:
        return None
    bare, tone, tone_at = split
    bare = bare.lower()
    for length in _INITIAL_LENGTHS:
        initial = bare[:length]
        if len(initial) == length and initial in _INITIAL_SET:
            syllable = _parse_rhyme(initial, bare[length:], tone, tone_at)
            if syllable is not None:
                return syllable
    return None


def _parse_rhyme(initial: str, rhyme: str, tone: int, tone_at: int) -> Syllable | None:
    end = 0
    while end < len(rhyme) and rhyme[end] in BASE_VOWELS:
        end += 1
    vowels, final = rhyme[:end], rhyme[end:]
    if not vowels or final not in _FINALS:
        return None
    if not _rhyme_is_valid(vowels, final, tone) or not _onset_fits(initial, vowels):
        return None
    return Syllable(initial, vowels, final, tone, tone_at)


def _rhyme_is_valid(vowels: str, final: str, tone: int) -> bool:
    if final in _STOP_FINALS and tone not in _STOP_TONES:
        return False
    if final in _PALATAL_FINALS and vowels not in _PALATAL_NUCLEI:
        return False
    if final:
        return vowels in _CLOSED_CLUSTERS or vowels in _FREE_CLUSTERS
    return vowels in _OPEN_CLUSTERS or vowels in _FREE_CLUSTERS


def _onset_fits(initial: str, vowels: str) -> bool:
    """Spelling rules of the initial: k/gh/ngh before e ê i y only, c/g/ng never there."""
    front = vowels[0] in _FRONT_VOWELS
    if initial in ("k", "gh", "ngh"):
        return front
    if initial in ("c", "ng"):
        return not front
    if initial == "qu":
        return not vowels.startswith(("u", "o"))
    if initial == "gi":
        return not vowels.startswith("i")
    return True


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (NFC, any case) is one well-formed Vietnamese syllable.

    >>> is_vietnamese_syllable("nghiêng"), is_vietnamese_syllable("Zoé")
    (True, False)
    """
    return parse_syllable(word) is not None
