"""Which document of a near-duplicate cluster is kept: the keep policies.

A policy gives each document a sort key from its text and fields; the
document with the smallest key is kept, and documents with equal keys go
in input order (the first seen is kept). Every engine computes keys with
:meth:`KeepPolicy.key`: ``cleaner run`` (in its workers), the API, the table
adapters and Spark (which has no input order: see :mod:`cleaner.spark`).

Policies, by name (``--keep`` on the command line, ``keep=`` in the API):

- ``longest`` (default): the longest text, then the first seen.
- ``first``: the first seen.
- ``newest:FIELD``: the latest date in ``FIELD`` (ISO 8601 text such as
  ``2024-05-01`` or ``2024-05-01T08:30:00+07:00``, or a number of seconds
  since 1970; a time without a zone is read as UTC), then the longest, then
  the first seen. A document without the field (or with null) ranks after
  every dated one; a value that is no date is an :class:`InputError`.
- ``priority:FILE``: FILE lists preferred sources, one a line, best first
  (``#`` starts a comment; shell patterns like ``*.gov.vn`` work). A
  document whose source field (``source``, or ``--source-field``) matches an
  earlier line wins; then the longest, then the first seen. Matching
  ignores case; a document matching no line ranks after all that match one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal, TypeAlias

from cleaner.errors import ConfigError, InputError

__all__ = [
    "KEEP_POLICIES",
    "Keep",
    "KeepPolicy",
    "KeepRule",
    "PolicyKind",
    "describe_keep_policies",
    "keep_key",
    "parse_keep",
]

#: A custom rule: maps ``(id, text)`` to a sort key; the smallest is kept
#: (equal keys: the first seen).
KeepRule = Callable[[str, str], Any]
#: A sort key of a policy: numbers only, so Spark can compare it as a struct.
PolicyKey: TypeAlias = tuple[float, float, float]


def _longest(policy: KeepPolicy, record_id: str, text: str, meta: Mapping[str, Any]) -> PolicyKey:
    return (0.0, 0.0, -float(len(text)))


def _first(policy: KeepPolicy, record_id: str, text: str, meta: Mapping[str, Any]) -> PolicyKey:
    return (0.0, 0.0, 0.0)


def _newest(policy: KeepPolicy, record_id: str, text: str, meta: Mapping[str, Any]) -> PolicyKey:
    value = meta.get(policy.field)
    if value is None or value != value:  # NaN and NaT (pandas) are nulls too
        return (1.0, 0.0, -float(len(text)))
    return (0.0, -_seconds(value, policy.field, record_id), -float(len(text)))


def _priority(policy: KeepPolicy, record_id: str, text: str, meta: Mapping[str, Any]) -> PolicyKey:
    value = meta.get(policy.field)
    source = "" if value is None else str(value).casefold()
    rank = next(
        (i for i, pattern in enumerate(policy.patterns) if fnmatchcase(source, pattern)),
        len(policy.patterns),
    )
    return (float(rank), 0.0, -float(len(text)))


#: A policy's key function: ``(policy, id, text, fields) -> key``.
KeyFunction: TypeAlias = Callable[["KeepPolicy", str, str, Mapping[str, Any]], PolicyKey]


@dataclass(frozen=True)
class PolicyKind:
    """A registered keep policy: its key function and what its spelling takes.

    Attributes:
        key: Computes a document's sort key.
        argument: ``""`` (no argument), ``"FIELD"`` (a field name) or
            ``"FILE"`` (a file of preferred sources, matched on the source field).
        input_order: Ties decide more than rarely, so the policy needs an input
            order (Spark has none).
    """

    key: KeyFunction
    argument: Literal["", "FIELD", "FILE"] = ""
    input_order: bool = False

    def spelling(self, name: str) -> str:
        """How the policy is written on the command line.

        >>> KEEP_POLICIES["newest"].spelling("newest")
        'newest:FIELD'
        """
        return f"{name}:{self.argument}" if self.argument else name


#: Every keep policy, by name. A new policy is one key function and one entry here.
KEEP_POLICIES: dict[str, PolicyKind] = {
    "longest": PolicyKind(_longest),
    "first": PolicyKind(_first, input_order=True),
    "newest": PolicyKind(_newest, argument="FIELD"),
    "priority": PolicyKind(_priority, argument="FILE"),
}


@dataclass(frozen=True)
class KeepPolicy:
    """A named keep policy (see the module docs); build one with :func:`parse_keep`.

    Attributes:
        name: A :data:`KEEP_POLICIES` key.
        field: The date field (``newest``) or the source field (``priority``).
        patterns: Preferred sources, best first, casefolded (``priority``).
    """

    name: str = "longest"
    field: str = ""
    patterns: tuple[str, ...] = ()

    def key(self, record_id: str, text: str, meta: Mapping[str, Any]) -> PolicyKey:
        """The sort key of a document: the smallest is kept.

        >>> parse_keep("newest:date").key("a", "Huế", {"date": "2024-05-01"})
        (0.0, -1714521600.0, -3.0)

        Raises:
            InputError: ``newest``: a field value that is no date.
        """
        return KEEP_POLICIES[self.name].key(self, record_id, text, meta)

    def needs_input_order(self) -> bool:
        """Whether ties decide more than rarely: ``first`` is input order alone."""
        return KEEP_POLICIES[self.name].input_order


#: Either a policy, its spelling (``"newest:date"``), or a custom rule.
Keep: TypeAlias = KeepPolicy | KeepRule | str
LONGEST = KeepPolicy()


def parse_keep(spec: str, *, source_field: str = "source") -> KeepPolicy:
    """The policy a spelling names: ``longest``, ``first``, ``newest:FIELD``, ``priority:FILE``.

    Args:
        spec: The spelling.
        source_field: The field ``priority`` matches against its lines.

    Raises:
        ConfigError: An unknown policy, a missing FIELD or FILE, or a
            priority file that cannot be read or lists nothing.
    """
    name, _, argument = spec.partition(":")
    kind = KEEP_POLICIES.get(name)
    if kind is None:
        raise ConfigError(f"unknown keep policy {spec!r}; use one of {describe_keep_policies()}")
    if not kind.argument:
        if argument:
            raise ConfigError(f"keep policy {name!r} takes no argument, got {spec!r}")
        return KeepPolicy(name)
    if not argument:
        raise ConfigError(f"keep policy {name!r} needs an argument: {kind.spelling(name)}")
    if kind.argument == "FIELD":
        return KeepPolicy(name, field=argument)
    return KeepPolicy(name, field=source_field, patterns=_priority_patterns(Path(argument)))


def describe_keep_policies() -> str:
    """The policies as spelled on the command line.

    >>> describe_keep_policies()
    'longest, first, newest:FIELD, priority:FILE'
    """
    return ", ".join(kind.spelling(name) for name, kind in KEEP_POLICIES.items())


def _priority_patterns(path: Path) -> tuple[str, ...]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the keep priority file {path}: {error}") from None
    patterns = tuple(
        line.split("#", 1)[0].strip().casefold() for line in lines if line.split("#", 1)[0].strip()
    )
    if not patterns:
        raise ConfigError(f"the keep priority file {path} lists no source")
    return patterns


def as_keep(keep: Keep) -> KeepPolicy | KeepRule:
    """A policy for a spelling; a policy or a custom rule as it is.

    Raises:
        ConfigError: A bad spelling, or something that is neither.
    """
    if isinstance(keep, str):
        return parse_keep(keep)
    if isinstance(keep, KeepPolicy) or callable(keep):
        return keep
    raise ConfigError(
        f"keep must be a policy name ({describe_keep_policies()}) or a "
        f"function of (id, text), got {type(keep).__name__}"
    )


def keep_key(
    keep: KeepPolicy | KeepRule, record_id: str, text: str, meta: Mapping[str, Any] | None
) -> Any:
    """The sort key of a document under a policy or a custom rule (the one place keys are made)."""
    if isinstance(keep, KeepPolicy):
        return keep.key(record_id, text, meta or {})
    return keep(record_id, text)


def describe_keep(keep: KeepPolicy | KeepRule) -> str:
    """A stable description (resume fingerprints): the policy, or the rule's qualified name.

    >>> describe_keep(parse_keep("newest:date"))
    "KeepPolicy(name='newest', field='date', patterns=())"
    """
    if isinstance(keep, KeepPolicy):
        return repr(keep)
    return (
        f"{getattr(keep, '__module__', '?')}.{getattr(keep, '__qualname__', type(keep).__name__)}"
    )


def _seconds(value: Any, field: str, record_id: str) -> float:
    """A date field as seconds since 1970 (UTC when the value has no zone)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if isinstance(value, datetime.datetime):  # Spark and pandas hand over dates as such
        return _utc(value).timestamp()
    if isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return _utc(moment).timestamp()
    raise InputError(
        f"--keep newest:{field}: record {record_id!r} has {field}={value!r}, which is no "
        "ISO 8601 date or number of seconds",
        reason="bad_keep_field",
    )


def _utc(moment: datetime.datetime) -> datetime.datetime:
    """A time without a zone read as UTC (the same on every machine)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)
