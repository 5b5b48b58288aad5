"""The script profile of a text, from vn-cleaner's syllable model.

Language identifiers call unaccented Vietnamese "English" and Telex typing
debris anything at all. The syllable model tells them apart: every word
with a letter is one of

* ``marked``: a Vietnamese syllable with a tone or a Vietnamese letter
  (ă â ê ô ơ ư đ): "người", "đi";
* ``plain``: a Vietnamese syllable without any: "khong", "dau", and also
  English "the", "to", "in";
* ``debris``: not a syllable, but one once read as Telex or VNI keystrokes:
  "Tieengs" (tiếng), "dduwowcj" (được), "Vie65t" (việt);
* ``foreign``: anything else: "Huawei", "streaming", "Stoltenberg".

Numbers and abbreviations in capitals ("UBND", "TP", "HLV", "VĐQG"), which
Vietnamese news writes everywhere, are counted apart and left out of the
shares.

>>> profile = script_profile(["tieengs", "vieetj", "laf", "nguwx", "nam"])
>>> profile["debris_share"], profile["plain_share"]
(0.8, 0.2)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from cleaner.normalize.syllables import apply_tone, parse_syllable
from cleaner.quality.heuristics import WordCache

__all__ = ["WordClass", "classify_word", "decode_keystrokes", "script_profile", "script_shares"]

WordClass = Literal["marked", "plain", "debris", "foreign", "number", "abbreviation"]
_UNCOUNTED: tuple[WordClass, ...] = ("number", "abbreviation")

_TELEX_TONES = {"s": 4, "f": 1, "r": 2, "x": 3, "j": 5}
_TELEX_LETTERS = (("dd", "đ"), ("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"))
# "uow" types ươ (người), but uơ where only that spells a syllable: both are tried.
_TELEX_HORNS = (("uw", "ư"), ("ow", "ơ"), ("w", "ư"))
_VNI_TONES = {"1": 4, "2": 1, "3": 2, "4": 3, "5": 5}
_VNI_MARKS = {"6": {"a": "â", "e": "ê", "o": "ô"}, "7": {"o": "ơ", "u": "ư"}, "8": {"a": "ă"}}
_VOWELS = frozenset("aăâeêioôơuưy")
_ASCII_VOWEL = re.compile("[aeiouy]")


def script_profile(words: Iterable[str]) -> dict[str, float]:
    """Shares of marked, plain, debris and foreign words among the words with a letter.

    Args:
        words: Syllables as written (case tells abbreviations apart).

    Returns:
        ``letter_words`` (their count), ``abbreviations`` (their count) and
        ``marked_share``, ``plain_share``, ``debris_share``, ``foreign_share``
        (0 when there is no letter word).
    """
    # One C-level pass: the cache answers most words without a Python call
    # (running text repeats most of its words), and Counter counts the classes.
    return script_shares(Counter(map(_CLASSES.__getitem__, words)))


def script_shares(counts: Mapping[WordClass, int]) -> dict[str, float]:
    """:func:`script_profile` from the count of each word class (absent classes count 0)."""
    letter_words = sum(counts.values()) - sum(counts.get(kind, 0) for kind in _UNCOUNTED)
    per_word = max(letter_words, 1)
    return {
        "letter_words": letter_words,
        "abbreviations": counts.get("abbreviation", 0),
        "marked_share": counts.get("marked", 0) / per_word,
        "plain_share": counts.get("plain", 0) / per_word,
        "debris_share": counts.get("debris", 0) / per_word,
        "foreign_share": counts.get("foreign", 0) / per_word,
    }


def classify_word(word: str) -> WordClass:
    """The class of one word as written (a run of letters, marks and digits).

    >>> [classify_word(w) for w in ["Người", "khong", "Vieetj", "Huawei", "2024", "UBND"]]
    ['marked', 'plain', 'debris', 'foreign', 'number', 'abbreviation']
    """
    return _CLASSES[word]


def _classify(word: str) -> WordClass:
    if word.isdigit():
        return "number"
    lower = word.lower()
    if parse_syllable(lower) is not None:
        # A well-formed syllable's only non-ASCII letters are toned or
        # Vietnamese vowels and đ.
        return "plain" if lower.isascii() else "marked"
    if len(word) > 1 and word.isupper():
        return "abbreviation"
    if decode_keystrokes(lower) is not None:
        return "debris"
    return "foreign"


#: Word → class; running text repeats most of its words.
_CLASSES: WordCache[WordClass] = WordCache(_classify)


def decode_keystrokes(word: str) -> str | None:
    """The syllable that ``word`` types in Telex or VNI, or ``None`` if it types none.

    Only a word that carries keystrokes (a doubled vowel, ``dd``, ``w``, a tone
    key or a VNI digit) and decodes to a well-formed syllable counts.

    >>> decode_keystrokes("dduwowcj"), decode_keystrokes("Vie65t"), decode_keystrokes("nha")
    ('được', 'việt', None)
    """
    lower = word.lower()
    candidates = (
        _vni_candidates(lower) if any(map(str.isdigit, lower)) else _telex_candidates(lower)
    )
    for bare, tone in candidates:
        if bare == lower and not tone:
            continue
        decoded = _with_tone(bare, tone)
        if decoded is not None:
            return decoded
    return None


def _telex_candidates(word: str) -> Iterator[tuple[str, int]]:
    """(letters, tone) readings of a Telex word: the tone key may sit anywhere after a vowel."""
    if not word.isascii() or not word.isalpha():
        return
    vowel = _ASCII_VOWEL.search(word)
    if vowel is None:
        return
    first_vowel = vowel.start()
    tone, letters = 0, word
    # The tone key follows the vowels, before or after the final consonant.
    keys = [i for i in range(first_vowel + 1, len(word)) if word[i] in _TELEX_TONES]
    if keys and not any(char in "aeiouy" for char in word[keys[-1] + 1 :]):
        tone = _TELEX_TONES[word[keys[-1]]]
        letters = word[: keys[-1]] + word[keys[-1] + 1 :]
    for pair, letter in _TELEX_LETTERS:
        letters = letters.replace(pair, letter)
    yield _horned(letters.replace("uow", "ươ")), tone
    if "uow" in letters:  # else the second reading is the first again
        yield _horned(letters), tone


def _horned(letters: str) -> str:
    for pair, letter in _TELEX_HORNS:
        letters = letters.replace(pair, letter)
    return letters


def _vni_candidates(word: str) -> Iterator[tuple[str, int]]:
    """The (letters, tone) reading of a VNI word: each digit marks the letters before it."""
    if not word.isascii() or not word[0].isalpha():
        return
    letters: list[str] = []
    tone = 0
    for char in word:
        if char in _VNI_TONES and not tone:
            tone = _VNI_TONES[char]
        elif char == "9" and "d" in letters:
            letters[letters.index("d")] = "đ"
        elif char in _VNI_MARKS and _mark_last_vowel(letters, _VNI_MARKS[char]):
            continue
        elif not char.isalpha():
            return
        else:
            letters.append(char)
    yield "".join(letters), tone


def _mark_last_vowel(letters: list[str], marks: dict[str, str]) -> bool:
    """Put a VNI mark on the last letter it fits (``uo7`` marks both: ươ)."""
    marked = False
    for index in range(len(letters) - 1, -1, -1):
        if letters[index] in marks:
            letters[index] = marks[letters[index]]
            marked = True
            if letters[index] != "ơ" or index == 0 or letters[index - 1] != "u":
                break
        elif letters[index] not in _VOWELS:
            break
    return marked


def _with_tone(bare: str, tone: int) -> str | None:
    """``bare`` with ``tone`` on the vowel that carries it, if that spells a syllable."""
    if not tone:
        return bare if parse_syllable(bare) is not None else None
    for index, char in enumerate(bare):
        if char not in _VOWELS:
            continue
        syllable = parse_syllable(apply_tone(bare, tone, index))
        if syllable is not None:
            return apply_tone(bare, tone, syllable.tone_index())
    return None
