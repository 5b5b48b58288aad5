"""The pipeline stages of ``cleaner run``: thin adapters from library functions to records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from cleaner.boilerplate import BoilerplateConfig, learn_boilerplate, strip_boilerplate_and_explain
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


@dataclass
class BoilerplateStage:
    """Strips boilerplate from each record; every removed span is an event.

    With ``learn_corpus`` (the default), :meth:`learn` counts short lines per
    source over the whole corpus first, so lines frequent in one source are
    removed as ``corpus_line`` even when no rule names them.

    Attributes:
        config: Boilerplate options (``line_stats`` is filled in by :meth:`learn`).
        source_field: Meta field naming a record's source (site); records
            without it share the source ``""``.
        learn_corpus: Whether :meth:`learn` learns corpus-level lines.
        min_docs: A corpus line occurs in at least this many documents ...
        min_fraction: ... and at least this fraction of its source's documents.
        name: Stage name in stats and events.
    """

    config: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    source_field: str = "source"
    learn_corpus: bool = True
    min_docs: int = 10
    min_fraction: float = 0.005
    name: str = "boilerplate"

    def source_of(self, record: Record) -> str:
        """The source (site) a record belongs to."""
        return str(record.meta.get(self.source_field) or "")

    def learn(self, records: Iterable[Record]) -> None:
        """First pass: learn the lines that recur across documents of a source."""
        if not self.learn_corpus:
            return
        stats = learn_boilerplate(
            records, source=self.source_of, min_docs=self.min_docs, min_fraction=self.min_fraction
        )
        self.config = replace(self.config, line_stats=stats)

    def process(self, record: Record) -> StageOutput:
        """Strip one record's boilerplate."""
        text, removals = strip_boilerplate_and_explain(
            record.text, config=self.config, source=self.source_of(record)
        )
        events = [
            Event(
                record.id,
                self.name,
                removal.reason,
                "removal",
                1,
                {
                    "line": removal.line_no,
                    "start": removal.start,
                    "end": removal.end,
                    "text": removal.text,
                },
            )
            for removal in removals
        ]
        record.text = text
        return record, events
