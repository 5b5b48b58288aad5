"""Name → implementation registries: one lookup, one error for an unknown name.

Every extension point is a dict from a name to what implements it, read by
the local engine, Spark and the CLI (whose choices are the dict's keys):
input formats (:data:`cleaner.io.INPUT_FORMATS`), output formats
(:data:`cleaner.io.OUTPUT_FORMATS`), linkages
(:data:`cleaner.dedup.cluster.LINKAGES`), keep policies
(:data:`cleaner.dedup.keep.KEEP_POLICIES`) and stages
(:data:`cleaner.stages.STAGES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from cleaner.errors import ConfigError

__all__ = ["lookup"]

T = TypeVar("T")


def lookup(registry: Mapping[str, T], name: str, role: str) -> T:
    """The entry of ``registry`` named ``name``.

    >>> lookup({"jsonl": 1}, "jsonl", "output format")
    1
    >>> lookup({"jsonl": 1}, "xml", "output format")
    Traceback (most recent call last):
    ...
    cleaner.errors.ConfigError: unknown output format 'xml' (expected jsonl)

    Raises:
        ConfigError: No entry has that name; the message lists the names.
    """
    try:
        return registry[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name
        raise ConfigError(f"unknown {role} {name!r} (expected {', '.join(registry)})") from None
