"""Normalization is linear in the length of a line, on the inputs that once were not.

Issue 21 (item 5): decoding one long VIQR line looked at the rest of the line
for every word (105 s for 3 MB). As in ``test_redos.py``, the test compares
growth, not wall time: a 10x longer input may take at most ``LINEAR_BUDGET``
times longer (quadratic code takes ~100x), best of three runs with the garbage
collector paused.
"""

from __future__ import annotations

import pytest

from cleaner import normalize
from test_redos import assert_linear_growth

# Timing, packaging and end-to-end checks: the slow tier, run by .ci/run.
pytestmark = pytest.mark.slow

VIQR_SENTENCE = "Co' mo^.t ddie^`u cha('c cha('n la` chu'ng to^i va^~n se~ ca^`n (DDo^ng Phong). "


def viqr_one_line(size: int) -> str:
    return (VIQR_SENTENCE * (size // len(VIQR_SENTENCE) + 1))[:size]


def viqr_marks_only(size: int) -> str:
    return "a" + "^." * (size // 2)


def viqr_dots_between_words(size: int) -> str:
    return ("le^. " * size)[:size]


GENERATORS = {
    "viqr_one_line": viqr_one_line,
    "viqr_marks_only": viqr_marks_only,
    "viqr_dots_between_words": viqr_dots_between_words,
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_forced_viqr_decoding_is_linear_in_one_long_line(name: str) -> None:
    generate = GENERATORS[name]
    # Marks alone decode fast: below 100k characters the timing is cache noise
    # (seen: 1 ms for 20k, 49 ms for 200k, 480 ms for 2M).
    base = 100_000 if name == "viqr_marks_only" else 20_000
    small, large = generate(base), generate(10 * base)

    def decode(text: str) -> str:
        return normalize(text, legacy="viqr")

    assert_linear_growth(name, decode, small, large)


def test_a_long_viqr_line_is_decoded_whole() -> None:
    text = viqr_one_line(len(VIQR_SENTENCE) * 50).strip()
    assert normalize(text, legacy="viqr") == " ".join(
        ["Có một điều chắc chắn là chúng tôi vẫn sẽ cần (Đông Phong)."] * 50
    )


def double_tones_in_one_word(size: int) -> str:
    return "b" + "àá" * (size // 2)


def toned_runs_in_one_word(size: int) -> str:
    return ("bàá" * size)[:size]


def lost_letters(size: int) -> str:
    return ("h\ufffdc gi\ufffd " * size)[:size]


def eths_in_one_line(size: int) -> str:
    return ("Ð Việt " * size)[:size]


def aligned_table(size: int) -> str:
    return ("Gói A:   100.000đ\n" * size)[:size]


FIXER_GENERATORS = {
    "double_tones_in_one_word": double_tones_in_one_word,
    "toned_runs_in_one_word": toned_runs_in_one_word,
    "lost_letters": lost_letters,
    "eths_in_one_line": eths_in_one_line,
    "aligned_table": aligned_table,
}


@pytest.mark.parametrize("name", sorted(FIXER_GENERATORS))
def test_the_issue_16_fixers_are_linear(name: str) -> None:
    generate = FIXER_GENERATORS[name]
    small, large = generate(20_000), generate(200_000)
    assert_linear_growth(name, normalize, small, large)
