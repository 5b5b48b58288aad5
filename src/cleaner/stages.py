"""The pipeline stages of ``cleaner run``: thin adapters from library functions to records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cleaner.normalize import NormalizeConfig, normalize_and_explain
from cleaner.pipeline import Event, StageOutput
from cleaner.records import Record


@dataclass
class NormalizeStage:
    """Normalizes each record's text; reports the number of edits per kind.

    Attributes:
        config: Normalization options.
        name: Stage name in stats and events.
    """

    config: NormalizeConfig = field(default_factory=NormalizeConfig)
    name: str = "normalize"

    def process(self, record: Record) -> StageOutput:
        """Normalize one record."""
        text, edits = normalize_and_explain(record.text, config=self.config)
        counts = Counter(edit.kind for edit in edits)
        events = [
            Event(record.id, self.name, kind, "edit", count)
            for kind, count in sorted(counts.items())
        ]
        record.text = text
        return record, events
