"""Every regular expression the package ships runs in linear time on adversarial input.

Patterns are discovered, not listed: every compiled ``re``/``regex`` pattern held
at module level anywhere in ``cleaner`` (and in the boilerplate rule set) is
run over 10k- and 100k-character adversarial strings. Linear code takes ~10x
longer on the longer string; catastrophic backtracking takes 100x or more. A
pattern fails when the ratio exceeds LINEAR_BUDGET, or when the 100k run is
slower than ABSOLUTE_BUDGET_S outright.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import regex

import cleaner

LINEAR_BUDGET = 40.0  # 10x input -> at most 40x time (4x the linear expectation)
ABSOLUTE_BUDGET_S = 2.0
NOISE_FLOOR_S = 0.02  # below this, timings are noise


def adversarial_inputs(size: int) -> dict[str, str]:
    return {
        "spaces": " " * size + "x",
        "nbsp_spaces": " \u00a0" * (size // 2) + "\n",
        "anh_runs": ("Ảnh: " * (size // 5))[:size],
        "headlines": ("Tin liên quan\nBà Trương Thị Mai: Trách nhiệm\n" * size)[:size],
        "combining": "a" + "\u0301" * size,
        "letters": "a" * size,
        "vietnamese": ("người hoà thuỷ " * size)[:size],
        "digits_punct": ("12/11/2023, 10:11 - " * size)[:size],
        "dots": "." * size + "/",
        "newlines": "\n" * size,
        "pipes": ("ảnh |" * size)[:size],
    }


def shipped_patterns() -> Iterator[tuple[str, Any]]:
    for info in pkgutil.walk_packages(cleaner.__path__, "cleaner."):
        if info.name in ("cleaner.spark", "cleaner.__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            # Patterns, and bound methods of patterns (``_HAS_X = re.compile(...).search``).
            pattern = getattr(value, "__self__", value)
            if isinstance(pattern, (re.Pattern, regex.Pattern)):
                yield f"{info.name}.{name}", pattern


PATTERNS = dict(shipped_patterns())


def exercise(pattern: Any, text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    pattern.sub("", text)
    return time.perf_counter() - start


def test_patterns_were_discovered() -> None:
    assert len(PATTERNS) >= 5


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_input(name: str) -> None:
    pattern = PATTERNS[name]
    small, large = adversarial_inputs(10_000), adversarial_inputs(100_000)
    for kind in small:
        t_small = exercise(pattern, small[kind])
        t_large = exercise(pattern, large[kind])
        assert t_large < ABSOLUTE_BUDGET_S, f"{name} on {kind}: {t_large:.2f}s for 100k chars"
        if t_large > NOISE_FLOOR_S:
            ratio = t_large / max(t_small, 1e-6)
            assert ratio < LINEAR_BUDGET, f"{name} on {kind}: 10x input took {ratio:.0f}x time"
