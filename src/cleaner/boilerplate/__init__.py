"""Strip web boilerplate from Vietnamese news text, explaining every removal.

The stage works on lines: a first pass labels each line on its own
(:mod:`~cleaner.boilerplate.classify`), a second revises labels with their
context (:mod:`~cleaner.boilerplate.revise`). Long flattened lines also get
inline cuts (a related-news run or a photo credit between two sentences).

Blank lines: a blank line is kept as it is, except (a) when the previous
kept line is also blank and some line between them was removed (runs of
blank lines left by removals collapse to one), (b) when it would lead the
output and a line before it was removed, and (c) when it would end the output
and a line after it was removed. Each such blank line is reported as
``Removal(reason="blank_line")``. So kept lines plus removals always rebuild
the input exactly (see :func:`restore`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from cleaner.boilerplate.classify import classify_lines
from cleaner.boilerplate.corpus import LineStats, learn_boilerplate
from cleaner.boilerplate.labels import SPAN_REASONS, LineLabel
from cleaner.boilerplate.patterns import load_rules
from cleaner.boilerplate.revise import revise_labels
from cleaner.boilerplate.rules import Matchers, compile_rules
from cleaner.errors import ConfigError
from cleaner.explain import Removal

__all__ = [
    "SPAN_REASONS",
    "BoilerplateConfig",
    "LineStats",
    "learn_boilerplate",
    "restore",
    "strip_boilerplate",
    "strip_boilerplate_and_explain",
]

ExtraRule = str | Path | tuple[str, str]


@dataclass(frozen=True)
class BoilerplateConfig:
    """Options of the boilerplate stage.

    Attributes:
        captions: ``"remove"`` (default) or ``"keep"`` photo captions and credits.
        extra_rules: Extra rule files (paths) or ``(section, pattern)`` pairs,
            added to the packaged ``vi.txt``.
        line_stats: Corpus statistics from :func:`learn_boilerplate`; lines
            frequent in the document's source are removed as ``corpus_line``.
        source: The source name used to look up ``line_stats``.
    """

    captions: Literal["remove", "keep"] = "remove"
    extra_rules: tuple[ExtraRule, ...] = ()
    line_stats: LineStats | None = field(default=None, compare=False, repr=False)
    source: str = ""

    def __post_init__(self) -> None:
        if self.captions not in ("remove", "keep"):
            raise ConfigError(f"captions must be 'remove' or 'keep', got {self.captions!r}")
        object.__setattr__(self, "extra_rules", tuple(self.extra_rules))

    @classmethod
    def from_options(cls, **options: Any) -> BoilerplateConfig:
        """Build a config from keyword options, rejecting unknown names."""
        unknown = sorted(set(options) - set(cls.__dataclass_fields__))
        if unknown:
            raise ConfigError(f"unknown boilerplate option(s): {', '.join(unknown)}")
        return replace(cls(), **options) if options else cls()


@lru_cache(maxsize=16)
def _matchers(extra_rules: tuple[ExtraRule, ...]) -> Matchers:
    return compile_rules(load_rules(extra_rules))


def _line_removals(line_no: int, label: LineLabel) -> list[Removal]:
    if label.reason is not None:
        return [Removal(label.reason, line_no, 0, len(label.text), label.text)]
    return [
        Removal(cut.reason, line_no, cut.start, cut.end, label.text[cut.start : cut.end])
        for cut in sorted(label.cuts, key=lambda c: c.start)
    ]


def _drop_emptied_lines(labels: list[LineLabel]) -> None:
    """A line whose cuts would leave only spaces is removed whole instead."""
    for label in labels:
        if label.cuts and not label.removed and not label.kept_text().strip():
            label.remove("emptied_line")


def _drop_blank_lines(labels: list[LineLabel]) -> None:
    removed_since_kept = False
    previous_kept_blank: bool | None = None  # None: nothing kept yet
    for label in labels:
        if label.removed:
            removed_since_kept = True
            continue
        if label.blank and removed_since_kept and previous_kept_blank in (None, True):
            label.remove("blank_line")
            continue
        previous_kept_blank = label.blank
        removed_since_kept = False
    trailing: list[LineLabel] = []
    for label in reversed(labels):
        if not label.removed and not label.blank:
            break
        trailing.append(label)
    if any(label.removed for label in trailing):
        for label in trailing:
            if not label.removed:
                label.remove("blank_line")


def strip_boilerplate_and_explain(
    text: str, *, config: BoilerplateConfig | None = None, **options: Any
) -> tuple[str, list[Removal]]:
    """Remove boilerplate lines and spans; return the text and every removal.

    Args:
        text: Article text, one paragraph or fragment per line (normalize it first).
        config: A :class:`BoilerplateConfig`; keyword ``options`` override it.
        **options: Fields of :class:`BoilerplateConfig`.

    Returns:
        The cleaned text and the removals, ordered by line and offset.

    Raises:
        ConfigError: On an unknown option or a malformed extra rule file.

    >>> strip_boilerplate_and_explain("Banner\\nHà Nội mưa to.")
    ('Hà Nội mưa to.', [Removal(reason='ui_line', line_no=0, start=0, end=6, text='Banner')])
    """
    cfg = config or BoilerplateConfig()
    if options:
        unknown = sorted(set(options) - set(BoilerplateConfig.__dataclass_fields__))
        if unknown:
            raise ConfigError(f"unknown boilerplate option(s): {', '.join(unknown)}")
        cfg = replace(cfg, **options)
    matchers = _matchers(cfg.extra_rules)
    labels = classify_lines(
        text.split("\n"),
        matchers,
        keep_captions=cfg.captions == "keep",
        line_stats=cfg.line_stats,
        source=cfg.source,
    )
    revise_labels(labels, matchers)
    _drop_emptied_lines(labels)
    _drop_blank_lines(labels)
    removals = [r for i, label in enumerate(labels) for r in _line_removals(i, label)]
    kept = [label.kept_text() for label in labels if not label.removed]
    return "\n".join(kept), removals


def strip_boilerplate(text: str, **options: Any) -> str:
    """Remove boilerplate from ``text``; see :func:`strip_boilerplate_and_explain`.

    >>> strip_boilerplate("VOV.VN - Hà Nội mưa to./.\\nTheo VOV")
    'Hà Nội mưa to.'
    """
    return strip_boilerplate_and_explain(text, **options)[0]


def restore(kept_text: str, removals: Iterable[Removal]) -> str:
    """Rebuild the input from the output and its removals (the audit law).

    A removal whose reason is in :data:`SPAN_REASONS` was cut out of a kept
    line; any other removal is a whole dropped line.

    >>> text = "Banner\\nHà Nội mưa to./."
    >>> restore(*strip_boilerplate_and_explain(text)) == text
    True
    """
    by_line: dict[int, list[Removal]] = {}
    for removal in removals:
        by_line.setdefault(removal.line_no, []).append(removal)
    # An empty output with removals means no line was kept: the blank-line
    # rules never keep a lone blank line next to a removal.
    kept_lines = iter(kept_text.split("\n") if kept_text or not by_line else [])
    lines: list[str] = []
    for line_no in range(max(by_line, default=-1) + 1):
        spans = sorted(by_line.get(line_no, []), key=lambda r: r.start)
        if spans and spans[0].reason not in SPAN_REASONS:
            lines.append(spans[0].text)
            continue
        line = next(kept_lines)
        for span in spans:
            line = line[: span.start] + span.text + line[span.start :]
        lines.append(line)
    lines.extend(kept_lines)
    return "\n".join(lines)
