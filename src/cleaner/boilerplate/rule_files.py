"""Load boilerplate rule files: plain text, one concept per ``[section]``, one pattern a line.

Rule files are never evaluated as code. Each section becomes one compiled
alternation, so a line is tested once per concept rather than once per pattern.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from cleaner.boilerplate.rule_safety import TimedPattern, UserRule, check_repeats
from cleaner.errors import ConfigError

__all__ = ["SECTIONS", "RuleSet", "load_rules", "parse_rule_text"]

#: Every concept a rule file may name; matchers.py decides how each is matched.
SECTIONS: tuple[str, ...] = (
    "related_header",
    "related_link",
    "related_inline",
    "toc_header",
    "follow_line",
    "ui_line",
    "timestamp",
    "source_tag",
    "agency_tag",
    "caption",
    "byline",
    "page_label",
    "end_mark",
    "promo",
)

_SECTION_LINE = regex.compile(r"\[([a-z_]{1,40})\]")


@dataclass(frozen=True)
class RuleSet:
    """The pattern lists of every section, in file order.

    Attributes:
        patterns: ``(section, pattern)`` pairs.
        user_rules: The patterns among them that came from the user, with
            where they came from; when there are any, every matcher compiled
            by :meth:`compile` runs under a time limit.
    """

    patterns: tuple[tuple[str, str], ...]
    user_rules: tuple[UserRule, ...] = ()

    def compile(self, pattern: str) -> Any:
        """Compile a matcher built from this rule set's patterns.

        Returns:
            A ``regex`` pattern, or a :class:`~cleaner.boilerplate.rule_safety.TimedPattern`
            with the same calls when the set holds user rules.
        """
        compiled = regex.compile(pattern)
        return TimedPattern(compiled, self.user_rules) if self.user_rules else compiled

    def section(self, name: str) -> tuple[str, ...]:
        """The patterns of one section.

        >>> RuleSet((("ui_line", "Banner"),)).section("ui_line")
        ('Banner',)
        """
        return tuple(pattern for section, pattern in self.patterns if section == name)


#: Strings that make backtracking patterns blow up: long runs of one kind of
#: character with a non-matching end, as scraped pages contain.
_PROBES = (
    "a" * 2000 + "!",
    " " * 2000 + "!",
    "Ảnh: " * 400 + "\u0000",
    "Tin liên quan " * 150 + "\u0000",
    "12/11/2023, 10:11 - " * 100 + "\u0000",
    "." * 2000 + "/",
    "ả" * 2000 + "|",
)
#: Seconds a probe may take; linear patterns need microseconds.
PROBE_TIMEOUT_S = 0.25


def _check_pattern(pattern: str, where: str) -> None:
    """Compile ``pattern`` and refuse a shape or a probe that backtracks catastrophically.

    Rule files come from users; a pattern like ``(a+)+$`` would hang a run on
    the first long line, so it is rejected here, with its file and line
    (:func:`~cleaner.boilerplate.rule_safety.check_repeats` states the rule).
    What slips through still runs under a time limit.
    """
    try:
        compiled = regex.compile(pattern)
    except regex.error as exc:
        raise ConfigError(f"{where}: invalid pattern {pattern!r}: {exc}") from exc
    check_repeats(pattern, where)
    for probe in _PROBES:
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT_S)
        except TimeoutError:
            raise ConfigError(
                f"{where}: pattern {pattern!r} backtracks catastrophically (over "
                f"{PROBE_TIMEOUT_S} s on a {len(probe):,}-character probe); use bounded repeats"
            ) from None


def parse_rule_text(text: str, name: str) -> list[tuple[str, str]]:
    """Parse the text of a rule file into ``(section, pattern)`` pairs.

    Args:
        text: The file content.
        name: The file name, used in error messages.

    Returns:
        The pairs in file order.

    Raises:
        ConfigError: On an unknown section, a pattern before any section, or a
            pattern that does not compile; the message names file and line.

    >>> parse_rule_text("[ui_line]\\n# Banner\\nBanner\\n", "x.txt")
    [('ui_line', 'Banner')]
    """
    return [(rule.section, rule.pattern) for rule in _parse_rules(text, name)]


def _parse_rules(text: str, name: str) -> list[UserRule]:
    rules: list[UserRule] = []
    section: str | None = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{name}:{line_no}"
        if not line or line.startswith("#"):
            continue
        header = _SECTION_LINE.fullmatch(line)
        if header is not None:
            section = header.group(1)
            if section not in SECTIONS:
                raise ConfigError(f"{where}: unknown section [{section}]")
            continue
        if section is None:
            raise ConfigError(f"{where}: pattern outside of a [section]")
        # Trailing spaces matter in prefix patterns ("TTO - "), so keep the raw
        # line minus the line break, only the comment/blank test uses strip().
        pattern = raw.rstrip("\r\n")
        _check_pattern(pattern, where)
        rules.append(UserRule(section, pattern, where))
    return rules


def _default_rule_text() -> str:
    return (
        resources.files("cleaner").joinpath("data/boilerplate/vi.txt").read_text(encoding="utf-8")
    )


def _extra_rules(extra: str | Path | tuple[str, str]) -> list[UserRule]:
    if isinstance(extra, tuple):
        section, pattern = extra
        where = f"<extra_rules {section}>"
        if section not in SECTIONS:
            raise ConfigError(f"{where}: unknown section [{section}]")
        _check_pattern(pattern, where)
        return [UserRule(section, pattern, where)]
    path = Path(extra)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read rule file: {exc}") from exc
    return _parse_rules(text, str(path))


def load_rules(extra_rules: Iterable[str | Path | tuple[str, str]] = ()) -> RuleSet:
    """The packaged Vietnamese rules plus any extra files or ``(section, pattern)`` pairs.

    Raises:
        ConfigError: If an extra rule file is unreadable or malformed, or one of
            its patterns can backtrack catastrophically.
    """
    pairs = parse_rule_text(_default_rule_text(), "cleaner/data/boilerplate/vi.txt")
    user = [rule for extra in extra_rules for rule in _extra_rules(extra)]
    pairs.extend((rule.section, rule.pattern) for rule in user)
    return RuleSet(tuple(pairs), tuple(user))
