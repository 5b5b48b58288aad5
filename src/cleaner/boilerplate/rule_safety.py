"""Keep user rule patterns from stalling a run (catastrophic backtracking).

Two guards, because neither is enough alone:

1. A structural check when a rule file is loaded (:func:`check_repeats`). A
   group that can match one piece of text in more than one way (it holds an
   alternation or a repeat of variable length, as in ``(b|b)``, ``(a+)`` or
   ``(\\w+\\s?)``) may not be repeated without bound (``*``, ``+``, ``{n,}``);
   it may be repeated a bounded number of times only if it holds no repeat
   without bound, and at most :data:`MAX_AMBIGUOUS_REPEATS` times in all,
   counting the repeats that enclose it. Those are the shapes whose matching
   time grows exponentially with the line. Possessive repeats (``*+``) and
   atomic groups (``(?>...)``) never backtrack and are always accepted.
2. A time limit on every call (:class:`TimedPattern`): what the structure
   check cannot see (polynomial shapes such as ``.*.*.*x``) still cannot hang
   a run. A call that runs over its budget raises :class:`ConfigError` naming
   the rule that is slow, so a run stops with a message instead of hanging, and
   never drops text depending on how busy the machine was.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import regex

from cleaner.errors import ConfigError

__all__ = ["MAX_AMBIGUOUS_REPEATS", "TimedPattern", "UserRule", "check_repeats"]

#: How many times in all a group that can match in more than one way may repeat.
MAX_AMBIGUOUS_REPEATS = 20

#: Time budget of one call: a fixed allowance plus a floor of 0.5 MB/s. The
#: packaged rules run at tens of MB/s, so only a backtracking rule reaches it.
TIMEOUT_BASE_S = 1.0
TIMEOUT_PER_CHAR_S = 2e-6

_QUANTIFIER = regex.compile(r"(?:[*+?]|\{(\d*)(?:(,)(\d*))?\})([?+]?)")
_BRACED_ESCAPE = frozenset("pPNxgk")


@dataclass(frozen=True)
class UserRule:
    """A pattern that came from a user rule file, with where it came from.

    Attributes:
        section: The rule file section.
        pattern: The pattern text.
        where: ``file:line`` (or ``<extra_rules section>``) for messages.
    """

    section: str
    pattern: str
    where: str


@dataclass(frozen=True)
class _Shape:
    """What matters about a piece of pattern for backtracking.

    Attributes:
        ambiguous: It can match one text in more than one way.
        repeats: The largest product of repeat counts of ambiguous groups
            nested in it (1 when there are none).
        open_ended: It holds a repeat without upper bound.
    """

    ambiguous: bool = False
    repeats: float = 1
    open_ended: bool = False


class _Unsupported(Exception):
    """Syntax this checker does not model (conditionals, recursion...)."""


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pos = 0

    def sequence(self) -> _Shape:
        """Parse alternatives up to a closing parenthesis or the end."""
        branches = [self._branch()]
        while self.pos < len(self.pattern) and self.pattern[self.pos] == "|":
            self.pos += 1
            branches.append(self._branch())
        return _Shape(
            ambiguous=len(branches) > 1 or any(b.ambiguous for b in branches),
            repeats=max(b.repeats for b in branches),
            open_ended=any(b.open_ended for b in branches),
        )

    def _branch(self) -> _Shape:
        shapes: list[_Shape] = []
        while self.pos < len(self.pattern) and self.pattern[self.pos] not in "|)":
            atom = self._atom()
            if atom is not None:
                shapes.append(self._quantified(atom))
        return _Shape(
            ambiguous=any(s.ambiguous for s in shapes),
            repeats=max((s.repeats for s in shapes), default=1),
            open_ended=any(s.open_ended for s in shapes),
        )

    def _quantified(self, atom: _Shape) -> _Shape:
        found = _QUANTIFIER.match(self.pattern, self.pos)
        if found is None:
            return atom
        self.pos = found.end()
        low, high = _bounds(found)
        shape = _Shape(
            ambiguous=atom.ambiguous or low != high,
            repeats=atom.repeats,
            open_ended=atom.open_ended or math.isinf(high),
        )
        if found.group(4) == "+" or high <= 1 or not atom.ambiguous:
            # Possessive repeats keep what they took; "?" and {0,1} do not repeat.
            return shape
        if math.isinf(high):
            raise _Refused("repeats without bound a group that can match in more than one way")
        if atom.open_ended:
            raise _Refused(
                "repeats a group that can match in more than one way and holds a repeat "
                "without bound (*, + or {n,})"
            )
        repeats = atom.repeats * high
        if repeats > MAX_AMBIGUOUS_REPEATS:
            raise _Refused(
                f"repeats {repeats:.0f} times a group that can match in more than one way "
                f"(at most {MAX_AMBIGUOUS_REPEATS})"
            )
        return replace(shape, repeats=repeats)

    def _atom(self) -> _Shape | None:
        char = self.pattern[self.pos]
        if char == "\\":
            self._escape()
            return _Shape()
        if char == "[":
            self._char_class()
            return _Shape()
        if char == "(":
            return self._group()
        if _QUANTIFIER.match(self.pattern, self.pos) and char != "{":
            raise _Unsupported("quantifier without an atom")
        self.pos += 1
        return _Shape()

    def _escape(self) -> None:
        self.pos += 2
        if self.pattern[self.pos - 1 : self.pos] in _BRACED_ESCAPE and self.pattern.startswith(
            ("{", "<"), self.pos
        ):
            close = "}" if self.pattern[self.pos] == "{" else ">"
            end = self.pattern.find(close, self.pos)
            if end < 0:
                raise _Unsupported("unclosed escape")
            self.pos = end + 1

    def _char_class(self) -> None:
        self.pos += 1
        if self.pattern.startswith("^", self.pos):
            self.pos += 1
        if self.pattern.startswith("]", self.pos):
            self.pos += 1
        while self.pos < len(self.pattern):
            char = self.pattern[self.pos]
            if char == "\\":
                self._escape()
            elif char == "[" and self.pattern.startswith(("[:", "[="), self.pos):
                end = self.pattern.find("]", self.pos + 2)
                self.pos = len(self.pattern) if end < 0 else end + 1
            elif char == "]":
                self.pos += 1
                return
            else:
                self.pos += 1
        raise _Unsupported("unclosed set")

    def _group(self) -> _Shape | None:
        self.pos += 1
        atomic = False
        if self.pattern.startswith("?", self.pos):
            if self.pattern.startswith("?#", self.pos):
                end = self.pattern.find(")", self.pos)
                self.pos = len(self.pattern) if end < 0 else end + 1
                return None
            flags = regex.match(r"\?[a-zA-Z^-]*\)", self.pattern[self.pos :])
            if flags is not None:
                self.pos += flags.end()
                return None
            prefix = regex.match(
                r"\?(?:[:|>=!]|<[=!]|P?<\w+>|'\w+'|[a-zA-Z^-]+:)", self.pattern[self.pos :]
            )
            if prefix is None:
                raise _Unsupported("a conditional, recursive or unknown group")
            atomic = prefix.group() == "?>"
            self.pos += prefix.end()
        inner = self.sequence()
        if not self.pattern.startswith(")", self.pos):
            raise _Unsupported("unbalanced parenthesis")
        self.pos += 1
        return replace(inner, ambiguous=False) if atomic else inner


class _Refused(Exception):
    """A pattern shape that backtracks exponentially."""


def _bounds(found: regex.Match[str]) -> tuple[float, float]:
    """``(min, max)`` of a quantifier; ``max`` is infinite for an open repeat."""
    symbol = found.group()[0]
    if symbol != "{":
        return {"*": (0.0, math.inf), "+": (1.0, math.inf), "?": (0.0, 1.0)}[symbol]
    low = float(found.group(1) or 0)
    if found.group(2) is None:
        return low, low
    return low, float(found.group(3)) if found.group(3) else math.inf


def check_repeats(pattern: str, where: str) -> None:
    """Refuse a pattern that repeats an ambiguous group too often.

    Args:
        pattern: A pattern that compiles.
        where: ``file:line`` for the message.

    Raises:
        ConfigError: If the pattern has a shape that backtracks exponentially,
            or syntax the check does not read (conditionals, recursion).

    >>> check_repeats(r"(?:Ảnh|Nguồn): \\p{Lu}\\w{0,20}", "x.txt:2")
    >>> check_repeats(r"(b|b)*c", "x.txt:3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleaner.errors.ConfigError: x.txt:3: pattern '(b|b)*c' can backtrack catastrophically: it ...
    """
    parser = _Parser(pattern)
    try:
        parser.sequence()
    except _Refused as exc:
        raise ConfigError(
            f"{where}: pattern {pattern!r} can backtrack catastrophically: it {exc}. "
            "Use a bounded repeat such as {0,5}, a character class instead of an "
            "alternation, or a possessive repeat (*+)"
        ) from None
    except (_Unsupported, IndexError) as exc:
        # Accepting what cannot be checked would be a way around the check.
        raise ConfigError(
            f"{where}: pattern {pattern!r} uses syntax the backtracking check does not "
            f"read ({exc or 'unexpected end'}); write it without conditionals, recursion "
            "or nested sets"
        ) from None


class TimedPattern:
    """A compiled pattern whose every call has a time budget.

    It answers the calls the boilerplate stage makes (``match``, ``fullmatch``,
    ``search``, ``finditer``) like the pattern it wraps. When a call runs over
    its budget, each user rule is tried alone on the same text to name the
    slow one, and :class:`ConfigError` is raised.

    Args:
        compiled: The compiled pattern (packaged and user rules together).
        user_rules: The user rules it contains.
    """

    def __init__(self, compiled: Any, user_rules: Sequence[UserRule]) -> None:
        self._compiled = compiled
        self._user_rules = tuple(user_rules)

    def match(self, string: str, pos: int = 0) -> Any:
        """``Pattern.match`` within the time budget."""
        return self._call(self._compiled.match, string, pos)

    def fullmatch(self, string: str, pos: int = 0) -> Any:
        """``Pattern.fullmatch`` within the time budget."""
        return self._call(self._compiled.fullmatch, string, pos)

    def search(self, string: str, pos: int = 0) -> Any:
        """``Pattern.search`` within the time budget."""
        return self._call(self._compiled.search, string, pos)

    def finditer(self, string: str, pos: int = 0) -> Iterator[Any]:
        """``Pattern.finditer`` within one time budget for the whole scan."""
        matches = self._compiled.finditer(string, pos, timeout=_budget(string, pos))
        while True:
            try:
                yield next(matches)
            except StopIteration:
                return
            except TimeoutError:
                raise self._slow_rule(string, pos) from None

    def _call(self, method: Any, string: str, pos: int) -> Any:
        try:
            return method(string, pos, timeout=_budget(string, pos))
        except TimeoutError:
            raise self._slow_rule(string, pos) from None

    def _slow_rule(self, string: str, pos: int) -> ConfigError:
        budget = _budget(string, pos)
        for rule in self._user_rules:
            try:
                regex.compile(rule.pattern).search(string, pos, timeout=budget)
            except TimeoutError:
                return ConfigError(
                    f"{rule.where}: pattern {rule.pattern!r} took over {budget:.1f} s on a "
                    f"{len(string) - pos:,}-character line; it backtracks catastrophically"
                )
        wheres = ", ".join(rule.where for rule in self._user_rules)
        return ConfigError(
            f"the boilerplate rules took over {budget:.1f} s on a {len(string) - pos:,}-character "
            f"line together with the user rules at {wheres}; one of them backtracks"
        )


def _budget(string: str, pos: int) -> float:
    return TIMEOUT_BASE_S + TIMEOUT_PER_CHAR_S * max(0, len(string) - pos)
