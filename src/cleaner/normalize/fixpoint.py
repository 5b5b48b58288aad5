"""The one fixed-point driver of normalization: repeat a round until it changes nothing.

Three levels of the plan run to a fixed point, each for its own reason (see
the comments at their round limits): the whole plan (``normalize``), the
character repairs (``repair_characters``) and the layers of encoding damage
(:func:`~cleaner.normalize.encodings.fix_encoding`). They share this driver,
so "what is a round, when does it stop, what changes after the first one"
is written once. A round is told whether it is a repeat: later rounds
record their edits in a fresh log (:func:`~cleaner.explain.next_pass`) and
decode VIQR no more (:func:`~cleaner.normalize.encodings.after_first_pass`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

__all__ = ["Round", "until_unchanged"]

#: One round: ``(text, again) -> text``; ``again`` is false in the first round only.
Round: TypeAlias = Callable[[str, bool], str]


def until_unchanged(one_round: Round, text: str, max_rounds: int) -> str:
    """Run ``one_round`` until its output equals its input, at most ``max_rounds`` times.

    >>> until_unchanged(lambda text, again: text.replace("  ", " "), "Hà    Nội", 5)
    'Hà Nội'
    >>> until_unchanged(lambda text, again: text + "!", "Huế", 3)  # the limit stops it
    'Huế!!!'
    """
    for number in range(max_rounds):
        changed = one_round(text, number > 0)
        if changed is text or changed == text:
            break
        text = changed
    return text
