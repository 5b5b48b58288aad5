"""Shared plumbing of the normalization fixers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, TypeAlias, get_args

import regex

from cleaner.explain import EditLog

#: Where a tone mark goes in open oa/oe/uy syllables (``keep`` leaves marks alone).
ToneStyle: TypeAlias = Literal["first_vowel", "main_vowel", "keep"]
TONE_STYLES: tuple[ToneStyle, ...] = get_args(ToneStyle)

#: A fixer maps a text to its repaired form, recording what it changed in the log.
Fixer: TypeAlias = Callable[[str, EditLog | None], str]

#: Maps a match (of ``re`` or ``regex``) to its replacement.
Replace: TypeAlias = Callable[[Any], str]


def substitute(
    pattern: regex.Pattern[str] | re.Pattern[str],
    text: str,
    replace: Replace,
    kind: str,
    log: EditLog | None,
    *,
    precheck: Callable[[str], object] | None = None,
) -> str:
    """Apply ``replace`` to every match of ``pattern``, recording changed spans in ``log``.

    The pre-check keeps clean text on the fast path; the recording wrapper is
    only installed when someone asked for edits.

    Args:
        pattern: What to look for.
        text: The input.
        replace: Maps a match to its replacement (may return the match unchanged).
        kind: Edit kind recorded for each change.
        log: Where edits go, or ``None``.
        precheck: A cheap test that is truthy when ``text`` may need a change;
            defaults to ``pattern.search``. Hot fixers pass a stdlib ``re``
            character-class search here: on clean text it scans ~8x faster than
            ``regex`` (415 vs 48 MB/s measured on baomoi dev text).

    Returns:
        The text with every match replaced.
    """
    if not (precheck or pattern.search)(text):
        return text
    if log is None or not log.enabled:
        return str(pattern.sub(replace, text))

    def recording(match: Any) -> str:
        after = replace(match)
        log.record(kind, match.start(), match.end(), match.group(), after)
        return after

    return str(pattern.sub(recording, text))
