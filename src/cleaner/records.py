"""The record every stage reads and writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Record:
    """One document flowing through the pipeline.

    Attributes:
        id: Stable identifier (from the input, or ``<file>:<line>`` when missing).
        text: The document text; stages replace it.
        meta: Every other input field, passed through untouched.
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
