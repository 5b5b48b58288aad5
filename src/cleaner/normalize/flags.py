"""What normalization has to look at in a text, from one pass of the compiled scanner.

Most text that reaches a pipeline is already clean, and each fixer's own
pre-check (a regex scan or a substring test) costs a pass over it: together
about 40 ms/MB. With the compiled scanner (:mod:`cleaner.speedups`)
one pass answers all of them: :func:`text_flags` ORs a flag per character
class, taken from the fixers' own patterns so that both can never disagree,
and adds what needs context (two spaces, a misplaced tone). ``normalize``
then skips every step whose :data:`TRIGGERS` flags are absent: such a step
would have returned the text unchanged.

Without the compiled scanner :func:`text_flags` answers ``None`` and every
step runs, with its own pre-check.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable
from functools import cache

import regex

from cleaner import speedups
from cleaner.normalize import chars, encodings, tones
from cleaner.normalize.syllables import PlacementStyle

__all__ = ["EVERYTHING", "TRIGGERS", "text_flags"]

# Flags carried by the table (bits 7-15 of an entry; _speedups.c shifts them down).
LINE_BREAK = 1 << 0
ETH = 1 << 1
DAMAGE = 1 << 2
INVISIBLE = 1 << 3
NOT_NFC = 1 << 4
OTHER_SPACE = 1 << 5
TYPOGRAPHIC = 1 << 6
NON_ASCII_LETTER = 1 << 7
CP1258_TONE = 1 << 8  # counted only right after a vowel (AFTER_VOWEL_FLAG)
# Flags the scanner computes (FLAG_SPACE_LAYOUT and FLAG_ASTRAL in _speedups.c).
SPACE_LAYOUT = 1 << 9
ASTRAL = 1 << 10
# Flags added here.
TONE = 1 << 11
MAYBE_VIQR = 1 << 12
#: Every flag: what a step is given when there is no compiled scanner.
EVERYTHING = (1 << 13) - 1

_CLASS_BITS = 7
_BMP = 0x10000
# Composition joins a starter with a following letter: the V and T jamo of
# Hangul (composed by algorithm, so absent from the decomposition data).
_HANGUL_JAMO_FOLLOWERS = (range(0x1161, 0x1176), range(0x11A8, 0x11C3))

#: Flags that can make each step of the plan change a text; a step whose
#: flags are all absent would return the text unchanged.
TRIGGERS: dict[str, int] = {
    "normalize_line_breaks": LINE_BREAK,
    "repair_characters": ETH | DAMAGE | CP1258_TONE | INVISIBLE | NOT_NFC | ASTRAL | MAYBE_VIQR,
    "remove_invisible": INVISIBLE,
    "compose_nfc": NOT_NFC | ASTRAL,
    "fix_eth": ETH,
    "repair_double_tones": TONE,
    "place_tones": TONE,
    "asciify_punctuation": TYPOGRAPHIC,
    "collapse_spaces": OTHER_SPACE | SPACE_LAYOUT,
}


def text_flags(text: str, style: PlacementStyle) -> int | None:
    """The flags of ``text``, or ``None`` without the compiled scanner.

    Args:
        text: Any text.
        style: Tone style whose misplaced tones set :data:`TONE`.
    """
    if not speedups.enabled():
        return None
    flags, tones_to_fix = _scanner(style).scan(text)
    if tones_to_fix:
        flags |= TONE
    if not flags & NON_ASCII_LETTER:
        # fix_encoding only looks for VIQR in text without such letters.
        flags |= MAYBE_VIQR
    return flags


@cache
def _scanner(style: PlacementStyle) -> speedups.Scanner:
    return speedups.new_scanner(character_table(), tones.run_keys(style))


@cache
def character_table() -> array[int]:
    """The scanner's table: each BMP code point's tone class, and its flags above them."""
    table = array("H", tones.tone_classes())
    every = "".join(map(chr, range(_BMP)))
    for flag, patterns in _flag_patterns().items():
        for pattern in patterns:
            for match in pattern.finditer(every):
                table[match.start()] |= flag << _CLASS_BITS
    for code in _may_change_under_nfc():
        table[code] |= NOT_NFC << _CLASS_BITS
    return table


def _flag_patterns() -> dict[int, Iterable[re.Pattern[str] | regex.Pattern[str]]]:
    """Each table flag and the fixers' own patterns for it."""
    return {
        LINE_BREAK: [chars.LINE_BREAK_CHARS],
        ETH: [tones.ETH],
        DAMAGE: [
            *(encodings.damage_gate(mode) for mode in encodings.LEGACY_MODES),
            re.compile("\ufffd"),  # a letter lost to U+FFFD (restore_lost_letters)
        ],
        INVISIBLE: [chars.ANY_INVISIBLE],
        OTHER_SPACE: [chars.OTHER_SPACE],
        TYPOGRAPHIC: [chars.TYPOGRAPHIC],
        NON_ASCII_LETTER: [encodings.NON_ASCII_LETTER],
        CP1258_TONE: [re.compile(f"[{encodings.CP1258_TONES}]")],
    }


def _may_change_under_nfc() -> set[int]:
    """BMP code points without which a BMP text is already NFC.

    A text is NFC when every character is NFC on its own, none has a nonzero
    combining class (which NFC may reorder), and none can compose with the
    character before it: those are the second letters of canonical
    decompositions, and the Hangul jamo that follow a syllable.
    """
    codes = {code for jamo in _HANGUL_JAMO_FOLLOWERS for code in jamo}
    for code in range(_BMP):
        char = chr(code)
        if unicodedata.combining(char) or not unicodedata.is_normalized("NFC", char):
            codes.add(code)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            codes.update(int(part, 16) for part in decomposition.split()[1:])
    return {code for code in codes if code < _BMP}
