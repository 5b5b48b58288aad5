"""Strip web boilerplate from Vietnamese news text, explaining every removal.

The stage works on lines and on the sentence-like segments inside them
(:mod:`~cleaner.boilerplate.segments`), since most scrapers flatten a whole
article onto one line. A first pass labels each line and segment on its own
(:mod:`~cleaner.boilerplate.classify`): rules from the packaged vocabulary,
credits cut out of their sentence, per-site templates learned from the corpus
(:mod:`~cleaner.boilerplate.templates`). A second pass revises with context
(:mod:`~cleaner.boilerplate.revise`): related-news blocks, the lead's
furniture and source tag, the sign-off block that ends the article.

A removal is a whole line, a segment or a span inside one, always with exact
offsets, so that :func:`restore` rebuilds the input.

**The gutting guard.** A document of :data:`GUARD_MIN_CHARS` or more never
loses more than :data:`GUARD_MAX_SHARE` of its characters to removals that
rest on context alone (related-block extension, captions, repeats, stranded
lines): when it would, those removals are undone (their credits still go) and
the document is counted as ``suspicious``. Removals by an explicit rule or a
learned template stand.

Blank lines: a blank line is kept as it is, except (a) when the previous
kept line is also blank and some line between them was removed (runs of
blank lines left by removals collapse to one), (b) when it would lead the
output and a line before it was removed, and (c) when it would end the output
and a line after it was removed. Each such blank line is reported as
``Removal(reason="blank_line")``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice, repeat
from pathlib import Path
from typing import Any, Literal, get_args

import regex

from cleaner.boilerplate.blank_runs import FoldedLines, fold_blank_runs
from cleaner.boilerplate.classify import classify_lines, cut_credits
from cleaner.boilerplate.labels import BlankLine, LineLabel
from cleaner.boilerplate.matchers import LETTER, Matchers, compile_rules
from cleaner.boilerplate.revise import revise_labels
from cleaner.boilerplate.rule_files import load_rules
from cleaner.boilerplate.templates import (
    LineStats,
    SiteTemplates,
    TemplateConfig,
    learn_boilerplate,
)
from cleaner.errors import (
    ConfigError,
    check_collection,
    check_int,
    check_optional,
    check_text,
    wrong_item_type,
)
from cleaner.explain import Removal, Stripped
from cleaner.options import config_from_options

__all__ = [
    "CAPTIONS",
    "GUARD_MAX_SHARE",
    "GUARD_MIN_CHARS",
    "BoilerplateConfig",
    "Captions",
    "LineStats",
    "SiteTemplates",
    "StripResult",
    "TemplateConfig",
    "content_syllables",
    "learn_boilerplate",
    "restore",
    "strip_boilerplate",
    "strip_boilerplate_and_explain",
    "strip_boilerplate_result",
]

ExtraRule = str | Path | tuple[str, str]
#: What happens to photo captions ("Ảnh: ..."): removed as boilerplate, or kept.
Captions = Literal["remove", "keep"]
CAPTIONS: tuple[Captions, ...] = get_args(Captions)

_WORD = regex.compile(r"\S+")

#: Documents at least this long are protected by the gutting guard ...
GUARD_MIN_CHARS = 1000
#: ... which lets context-only removals take at most this share of the characters.
GUARD_MAX_SHARE = 0.6


@dataclass(frozen=True)
class BoilerplateConfig:
    """Options of the boilerplate stage.

    Attributes:
        captions: ``"remove"`` (default) or ``"keep"`` photo captions and credits.
        extra_rules: Extra rule files (paths) or ``(section, pattern)`` pairs,
            added to the packaged ``vi.txt``.
        templates: Per-site templates from :func:`learn_boilerplate`;
            segments, prefixes and suffixes frequent in the document's source
            are removed as ``site_template``.
        source: The source name used to look up ``templates``.
        min_content_syllables: ``cleaner run`` drops a document that had
            boilerplate removed and keeps fewer syllables than this
            (reason ``no_content``): a page that was only a widget or template.
    """

    captions: Captions = "remove"
    extra_rules: tuple[ExtraRule, ...] = ()
    templates: SiteTemplates | None = field(default=None, compare=False, repr=False)
    source: str = ""
    min_content_syllables: int = 10

    def __post_init__(self) -> None:
        if self.captions not in CAPTIONS:
            raise ConfigError(
                f"captions must be one of {', '.join(CAPTIONS)}, got {self.captions!r}"
            )
        check_int("min_content_syllables", self.min_content_syllables, 0)
        check_text("source", self.source)
        check_optional("templates", self.templates, SiteTemplates, "learn_boilerplate's result")
        check_collection("extra_rules", self.extra_rules)
        extra_rules = tuple(self.extra_rules)
        for number, rule in enumerate(extra_rules):
            if not _is_extra_rule(rule):
                wrong_item_type(f"extra_rules[{number}]", rule, _EXTRA_RULE_KINDS)
        object.__setattr__(self, "extra_rules", extra_rules)

    @classmethod
    def from_options(cls, **options: Any) -> BoilerplateConfig:
        """Build a config from keyword options, rejecting unknown names."""
        return _config(cls(), options)


_EXTRA_RULE_KINDS = "a rule file path or a (section, pattern) pair of str"


def _is_extra_rule(rule: object) -> bool:
    if isinstance(rule, (str, os.PathLike)):
        return True
    return (
        isinstance(rule, tuple) and len(rule) == 2 and all(isinstance(part, str) for part in rule)
    )


@lru_cache(maxsize=16)
def _matchers(extra_rules: tuple[ExtraRule, ...]) -> Matchers:
    return compile_rules(load_rules(extra_rules))


def _line_removals(line_no: int, label: LineLabel) -> list[Removal]:
    if label.reason is not None:
        return [Removal(label.reason, line_no, 0, len(label.text), label.text, whole_line=True)]
    return [
        Removal(cut.reason, line_no, cut.start, cut.end, label.text[cut.start : cut.end])
        for cut in sorted(label.cuts, key=lambda c: c.start)
    ]


def _removed_chars(labels: list[LineLabel], *, certain_only: bool) -> int:
    total = 0
    for label in labels:
        if label.removed:
            total += len(label.text) if label.certain or not certain_only else 0
        else:
            total += sum(c.end - c.start for c in label.cuts if c.certain or not certain_only)
    return total


def _guard_against_gutting(labels: list[LineLabel], size: int, keep_captions: bool) -> bool:
    """Undo context-only removals that would gut a long document; True when it did."""
    if size < GUARD_MIN_CHARS:
        return False
    removed = _removed_chars(labels, certain_only=False)
    if removed <= GUARD_MAX_SHARE * size or _removed_chars(labels, certain_only=True) == removed:
        return False
    for label in labels:
        if label.removed and not label.certain:
            label.restore_line()
            if not keep_captions:
                cut_credits(label)
        label.cuts = tuple(cut for cut in label.cuts if cut.certain)
    return True


def _drop_emptied_lines(labels: list[LineLabel]) -> None:
    """A line whose cuts would leave only spaces is removed whole instead."""
    for label in labels:
        if label.cuts and not label.removed and not label.kept_text().strip():
            label.remove("emptied_line")


def _drop_blank_lines(labels: list[LineLabel]) -> None:
    removed_since_kept = False
    previous_kept_blank: bool | None = None  # None: nothing kept yet
    for index, label in enumerate(labels):
        if label.removed:
            removed_since_kept = True
            continue
        if label.blank and removed_since_kept and previous_kept_blank in (None, True):
            _remove_blank_line(labels, index)
            continue
        previous_kept_blank = label.blank
        removed_since_kept = False
    # The trailing run of removed and blank lines, found by index: a list of
    # it would hold a pointer per line of a document that is all blank lines.
    tail = len(labels)
    while tail and (labels[tail - 1].removed or labels[tail - 1].blank):
        tail -= 1
    if any(labels[index].removed for index in range(tail, len(labels))):
        for index in range(tail, len(labels)):
            if not labels[index].removed:
                _remove_blank_line(labels, index)


def _remove_blank_line(labels: list[LineLabel], index: int) -> None:
    """Remove a blank line, under a label of its own (blank lines share theirs)."""
    _own_label(labels, index).remove("blank_line")


@dataclass(frozen=True)
class StripResult:
    """What the boilerplate stage did to one text.

    Attributes:
        text: The text without its boilerplate.
        removals: Every removal, ordered by line and offset.
        suspicious: The gutting guard undid context-only removals.
    """

    text: str
    removals: list[Removal]
    suspicious: bool

    def lost_its_content(self, min_syllables: int) -> bool:
        """Boilerplate was removed and fewer than ``min_syllables`` syllables are left.

        Such a page was only a widget or a template: ``cleaner run`` drops it
        as ``no_content``. Words are read only until ``min_syllables`` are
        found (counting all of every document was a sixth of a run).

        >>> StripResult("Hà Nội mưa to. 2024 -", [], False).lost_its_content(10)
        False
        >>> cut = Removal("byline", 0, 0, 3, "Lan")
        >>> StripResult("2024 - Huế", [cut], False).lost_its_content(2)
        True
        """
        if not self.removals or min_syllables <= 0:
            return False
        found = islice(_content_words(self.text), min_syllables)
        return sum(1 for _ in found) < min_syllables


#: The last config given a source of its own: (config, source, the derived config).
_last_sourced: tuple[BoilerplateConfig, str, BoilerplateConfig] | None = None


def _config(config: BoilerplateConfig | None, options: dict[str, Any]) -> BoilerplateConfig:
    # A per-record source alone is the common call (cleaner run's templates):
    # its derived config is cached by _with_source.
    if options.keys() == {"source"}:
        base = config_from_options("boilerplate", BoilerplateConfig, config, {})
        return _with_source(base, options["source"])
    return config_from_options("boilerplate", BoilerplateConfig, config, options)


def _with_source(cfg: BoilerplateConfig, source: Any) -> BoilerplateConfig:
    """``cfg`` with ``source`` set, made once per run of records from one source.

    The stage passes each record's source with one config; building and
    checking a new config per record was a fifth of the time of a tiny record.
    The config is frozen, so the one made for the same object stands.
    """
    global _last_sourced
    last = _last_sourced
    if last is not None and last[0] is cfg and type(source) is str and last[1] == source:
        return last[2]
    derived = replace(cfg, source=source)
    _last_sourced = (cfg, source, derived)
    return derived


def _label_lines(
    folded: FoldedLines, cfg: BoilerplateConfig, clean: set[str]
) -> tuple[list[LineLabel], bool]:
    """One pass of the stage: classify, revise, guard, drop the lines it empties.

    One label per folded line (:mod:`~cleaner.boilerplate.blank_runs`).
    ``clean`` holds the lines the line rules found nothing in, shared by the
    passes over one text (see :func:`~cleaner.boilerplate.classify.classify_lines`).
    """
    matchers = _matchers(cfg.extra_rules)
    keep_captions = cfg.captions == "keep"
    labels = classify_lines(
        folded.lines,
        matchers,
        keep_captions=keep_captions,
        templates=cfg.templates,
        source=cfg.source,
        clean=clean,
    )
    revise_labels(labels, matchers, keep_captions=keep_captions)
    suspicious = _guard_against_gutting(labels, folded.size(), keep_captions)
    _drop_emptied_lines(labels)
    _drop_blank_lines(labels)
    return labels, suspicious


#: Passes of the stage over its own output, at most, before the result stands.
MAX_PASSES = 4


def _settle(
    labels: list[LineLabel],
    folded: FoldedLines,
    cfg: BoilerplateConfig,
    guarded: bool,
    clean: set[str],
) -> bool:
    """Rerun the stage on its own output until it removes nothing more (idempotence).

    A cut can leave a line that another rule removes ("Chủ Nhật 0/0/0000 00:00
    Clip:" loses its timestamp, and "Clip:" alone is a caption), put a header
    at the end of a line ("Xem thêm: (Ảnh: PV) Nguồn:" loses its credit), or
    bring a sign-off next to the end ("Trần >> Quan điểm của bạn thế nào?").
    Rather than rerun each rule after each other one, the whole pass runs
    again on the kept text, exactly as a second call would, and what it
    removes is mapped back onto the input lines. Only a cut changes what the
    line rules see: when the first pass removed whole lines only (and the
    gutting guard gave nothing back), no second pass is made. That the context
    rules then find nothing new on the closer neighbours is checked, not
    proven: by tests/test_idempotence.py, a 6,000-example multi-line search
    and the 7,857 dev documents (same output as an unconditional second pass).

    A later pass costs less than the first: lines the line rules found
    nothing in are not read again (``clean``), and segment answers, segment
    hashes and window searches are remembered (they are pure functions of
    their text), so mostly the cut lines and the context rules run again.

    Args:
        labels: The first pass's labels, updated in place.
        folded: The lines they label.
        cfg: The stage's options.
        guarded: Whether the gutting guard acted in the first pass.
        clean: The lines the line rules found nothing in, in any pass so far.

    Returns:
        Whether the gutting guard acted in any pass.
    """
    for _ in range(MAX_PASSES - 1):
        kept = [index for index, label in enumerate(labels) if not label.removed]
        if not kept or not (guarded or any(labels[index].cuts for index in kept)):
            break
        kept_lines = folded.select(kept, [labels[index].kept_text() for index in kept])
        again, guarded_again = _label_lines(kept_lines, cfg, clean)
        if not any(label.removed or label.cuts for label in again):
            break
        guarded |= guarded_again
        for index, label in zip(kept, again, strict=True):
            if label.removed or label.cuts:
                _carry_back(_own_label(labels, index), label)
    return guarded


def _own_label(labels: list[LineLabel], index: int) -> LineLabel:
    """The line's label, made its own first if it is a blank line's shared one."""
    if isinstance(labels[index], BlankLine):
        labels[index] = LineLabel(labels[index].text)
    return labels[index]


def _carry_back(original: LineLabel, later: LineLabel) -> None:
    """Apply what a later pass decided about ``original``'s kept text to ``original``."""
    if later.reason is not None:
        original.remove(later.reason, later.concept, certain=later.certain)
        return
    # Last cut first: a cut maps offsets only after its own start.
    for cut in sorted(later.cuts, key=lambda c: c.start, reverse=True):
        original.cut_kept(cut.start, cut.end, cut.reason, certain=cut.certain)


def strip_boilerplate_result(
    text: str, config: BoilerplateConfig | None = None, **options: Any
) -> StripResult:
    """Remove boilerplate; return the text, every removal and the guard's verdict.

    Args:
        text: Article text, one paragraph per line or flattened (normalize it first).
        config: A :class:`BoilerplateConfig`; keyword ``options`` override it.
        **options: Fields of :class:`BoilerplateConfig`.

    Raises:
        ConfigError: On an unknown option or a malformed extra rule file.
    """
    check_text("text", text)
    cfg = _config(config, options)
    clean: set[str] = set()
    folded = fold_blank_runs(text.split("\n"))
    labels, suspicious = _label_lines(folded, cfg, clean)
    suspicious = _settle(labels, folded, cfg, suspicious, clean)
    return _unfold(labels, folded, suspicious)


def _unfold(labels: list[LineLabel], folded: FoldedLines, suspicious: bool) -> StripResult:
    """The result for the input lines: each folded line's verdict for every line it stands for."""
    removals: list[Removal] = []
    kept: list[str] = []
    line_no = 0
    for label, count in zip(labels, folded.counts(), strict=True):
        if label.removed or label.cuts:
            for offset in range(count):
                removals.extend(_line_removals(line_no + offset, label))
        line_no += count
        if not label.removed:
            line = label.kept_text()
            kept.append(line if count == 1 else "\n".join(repeat(line, count)))
    return StripResult("\n".join(kept), removals, suspicious)


def strip_boilerplate_and_explain(
    text: str, config: BoilerplateConfig | None = None, **options: Any
) -> Stripped:
    """Remove boilerplate lines, segments and spans; return the text and every removal.

    Args:
        text: Article text, one paragraph per line or flattened (normalize it first).
        config: A :class:`BoilerplateConfig`; keyword ``options`` override it.
        **options: Fields of :class:`BoilerplateConfig`.

    Returns:
        ``Stripped(text, removals)``: the cleaned text and the removals,
        ordered by line and offset (:func:`restore` rebuilds the input).

    Raises:
        ConfigError: On an unknown option or a malformed extra rule file.

    >>> strip_boilerplate_and_explain("Banner\\nHà Nội mưa to.")[0]
    'Hà Nội mưa to.'
    """
    result = strip_boilerplate_result(text, config, **options)
    return Stripped(result.text, result.removals)


def content_syllables(text: str) -> int:
    """Syllables (space-separated words with a letter) left in ``text``.

    >>> content_syllables("Hà Nội mưa to. 2024 -")
    4
    """
    return sum(1 for _ in _content_words(text))


def _content_words(text: str) -> Iterator[str]:
    """The space-separated words of ``text`` that hold a letter, read lazily."""
    return (word.group() for word in _WORD.finditer(text) if LETTER.search(word.group()))


def strip_boilerplate(text: str, config: BoilerplateConfig | None = None, **options: Any) -> str:
    """Remove boilerplate from ``text``; see :func:`strip_boilerplate_and_explain`.

    Args:
        text: Article text, one paragraph per line or flattened (normalize it first).
        config: A :class:`BoilerplateConfig`; keyword ``options`` override it.
        **options: Fields of :class:`BoilerplateConfig`.

    >>> strip_boilerplate("VOV.VN - Hà Nội mưa to./.\\nTheo VOV")
    'Hà Nội mưa to.'
    """
    return strip_boilerplate_result(text, config, **options).text


def restore(kept_text: str, removals: Iterable[Removal]) -> str:
    """Rebuild the input from the output and its removals (the audit law).

    A removal with ``whole_line`` set is a dropped line; any other was cut
    out of a kept line.

    >>> text = "Banner\\nHà Nội mưa to./."
    >>> restore(*strip_boilerplate_and_explain(text)) == text
    True

    Raises:
        ArgumentTypeError: ``kept_text`` is not a ``str`` or ``removals`` not
            a collection (both ``TypeError``).
    """
    check_text("kept_text", kept_text)
    check_collection("removals", removals)
    by_line: dict[int, list[Removal]] = {}
    for removal in removals:
        by_line.setdefault(removal.line_no, []).append(removal)
    # An empty output with removals means no line was kept: the blank-line
    # rules never keep a lone blank line next to a removal.
    kept_lines = iter(kept_text.split("\n") if kept_text or not by_line else [])
    lines: list[str] = []
    for line_no in range(max(by_line, default=-1) + 1):
        spans = sorted(by_line.get(line_no, []), key=lambda r: r.start)
        if spans and spans[0].whole_line:
            lines.append(spans[0].text)
            continue
        line = next(kept_lines)
        for span in spans:
            line = line[: span.start] + span.text + line[span.start :]
        lines.append(line)
    lines.extend(kept_lines)
    return "\n".join(lines)
