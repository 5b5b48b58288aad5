"""datatrove pipeline steps: Vietnamese normalization, boilerplate, near-duplicates.

Three steps for a datatrove pipeline (extra ``datatrove``), each a thin
shell over the stage ``cleaner run`` uses, so a document comes out as
``cleaner run`` writes it:

- :class:`VietnameseNormalizer` (a ``BaseFormatter``): Unicode, tones,
  legacy encodings; every edit kind is a stats counter (``edit_<kind>``).
- :class:`VietnameseBoilerplate` (a ``BaseFormatter``): strips bylines,
  "Theo ...", related-news blocks, captions; every removal reason is a
  counter (``removed_<reason>``). A document left without content is
  dropped (``dropped_no_content``) and goes to the exclusion writer.
- :class:`NearDuplicateFilter` (a ``BaseFilter``): drops documents similar
  to a saved :class:`~cleaner.NearDuplicateIndex` (read-only, any number of
  tasks), or, with ``shared=``, checks and adds them to a
  :class:`~cleaner.dedup.shared.SharedIndex` in Redis, so that tasks also drop each
  other's duplicates (first seen wins). Drops count as
  ``dropped_near_duplicate`` and go to the exclusion writer with
  ``duplicate_of`` and ``jaccard`` in their metadata.

Steps are pickled to datatrove's worker processes; the index is opened in
each task, on its first document. Per-site templates (which ``cleaner run``
learns in a first pass over the corpus) are not learned here, since a step
sees one shard in one pass; learn them beforehand with
:func:`~cleaner.learn_boilerplate` and pass ``templates=``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.typeshelper import StatHints

from cleaner.boilerplate import BoilerplateConfig
from cleaner.dedup import Match, NearDuplicateIndex
from cleaner.dedup.minhash import BATCH
from cleaner.dedup.shared import SharedIndex
from cleaner.errors import ConfigError
from cleaner.normalize import NormalizeConfig
from cleaner.options import config_from_options
from cleaner.records import Record
from cleaner.stages import BoilerplateStage, NormalizeStage

__all__ = ["NearDuplicateFilter", "VietnameseBoilerplate", "VietnameseNormalizer"]


class VietnameseNormalizer(BaseFormatter):  # type: ignore[misc]
    """Normalize Vietnamese text (the ``normalize`` stage of ``cleaner run``).

    Args:
        config: A :class:`~cleaner.NormalizeConfig`; keyword ``options`` override it.
        **options: Fields of :class:`~cleaner.NormalizeConfig` (``tone_style``,
            ``legacy``, ``ascii_punctuation`` ...).

    Raises:
        ConfigError: An unknown option or a bad value.
    """

    name = "🇻🇳 Vietnamese normalizer"

    def __init__(self, config: NormalizeConfig | None = None, **options: Any) -> None:
        super().__init__()
        self.stage = NormalizeStage(
            config_from_options("normalize", NormalizeConfig, config, options)
        )

    def format(self, text: str) -> str:
        """The normalized text; each kind of edit is counted as ``edit_<kind>``."""
        record, events = self.stage.process(Record("", text))
        for event in events:
            self.stat_update(f"edit_{event.reason}", value=event.count)
        assert record is not None  # normalizing never drops a record
        return record.text


class VietnameseBoilerplate(BaseFormatter):  # type: ignore[misc]
    """Strip Vietnamese news boilerplate (the ``boilerplate`` stage of ``cleaner run``).

    Args:
        exclusion_writer: Where documents left without content go (with
            ``filter_reason`` ``no_content`` in their metadata).
        source_field: Metadata field naming a document's site (for ``templates``).
        explain: Put ``removed_reasons`` and ``removed_spans`` in each
            document's metadata.
        config: A :class:`~cleaner.BoilerplateConfig`; keyword ``options`` override it.
        **options: Fields of :class:`~cleaner.BoilerplateConfig`
            (``captions``, ``extra_rules``, ``min_content_syllables``, and
            ``templates`` learned with :func:`~cleaner.learn_boilerplate`).

    Raises:
        ConfigError: An unknown option or a bad value.
    """

    name = "🇻🇳 Vietnamese boilerplate"

    def __init__(
        self,
        exclusion_writer: DiskWriter | None = None,
        *,
        config: BoilerplateConfig | None = None,
        source_field: str = "source",
        explain: bool = False,
        **options: Any,
    ) -> None:
        super().__init__()
        stripping = config_from_options("boilerplate", BoilerplateConfig, config, options)
        self.stage = BoilerplateStage(stripping, source_field=source_field, learn_corpus=False)
        self.exclusion_writer = exclusion_writer
        self.explain = explain

    def format(self, text: str) -> str:
        """The text without its boilerplate (a document left empty is not dropped here)."""
        record, _ = self.stage.process(Record("", text))
        return text if record is None else record.text

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Strip each document; drop (and write out) those left without content."""
        writer = self.exclusion_writer or contextlib.nullcontext()
        with writer as excluded:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    kept = self._strip(doc)
                if kept:
                    self.stat_update(StatHints.forwarded)
                    yield doc
                    continue
                self.stat_update(StatHints.dropped, "dropped_no_content")
                if excluded is not None:
                    doc.metadata["filter_reason"] = "no_content"
                    excluded.write(doc, rank)

    def _strip(self, doc: Document) -> bool:
        """Strip ``doc`` in place, count the removals; whether it keeps content."""
        record, events = self.stage.process(Record(doc.id, doc.text, doc.metadata))
        removals = [event for event in events if event.kind == "removal"]
        for event in removals:
            self.stat_update(f"removed_{event.reason}")
        if self.explain:
            doc.metadata["removed_reasons"] = [event.reason for event in removals]
            doc.metadata["removed_spans"] = [event.detail["text"] for event in removals]
        if record is None:
            return False
        doc.text = record.text
        return True


class NearDuplicateFilter(BaseFilter):  # type: ignore[misc]
    """Drop documents similar to an index of documents already seen.

    Give exactly one of ``index`` and ``shared``.

    Args:
        index: A :class:`~cleaner.NearDuplicateIndex` file (e.g. from
            ``cleaner run --index PATH --update-index``); only read.
        shared: Arguments of :class:`~cleaner.dedup.shared.SharedIndex` (``redis``,
            ``name``, ``threshold`` ...); documents are checked and added
            under their id, so every task sees what the others kept.
        exclusion_writer: Where dropped documents go.
        batch_size: Documents signed and looked up together.

    Raises:
        ConfigError: Neither or both of ``index`` and ``shared``.
    """

    name = "🇻🇳 Vietnamese near-duplicates"

    def __init__(
        self,
        index: str | Path | None = None,
        *,
        shared: dict[str, Any] | None = None,
        exclusion_writer: DiskWriter | None = None,
        batch_size: int = BATCH,
    ) -> None:
        if (index is None) == (shared is None):
            raise ConfigError("give the filter an index path or shared= SharedIndex arguments")
        super().__init__(exclusion_writer, batch_size)
        self.index_path = None if index is None else Path(index)
        self.shared = shared
        self._index: NearDuplicateIndex | SharedIndex | None = None

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        """Whether ``doc`` is kept (else ``False`` with the reason)."""
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        """Look the batch up (and add it, with a shared index) in one go."""
        index = self._opened()
        if isinstance(index, SharedIndex):
            found = index.check_and_add_many((doc.id, doc.text) for doc in batch)
        else:
            found = index.query_many([doc.text for doc in batch])
        return [_verdict(doc, matches) for doc, matches in zip(batch, found, strict=True)]

    def _opened(self) -> NearDuplicateIndex | SharedIndex:
        if self._index is None:
            if self.index_path is not None:
                self._index = NearDuplicateIndex.load(self.index_path)
            else:
                self._index = SharedIndex(**(self.shared or {}))
        return self._index

    def __getstate__(self) -> dict[str, Any]:
        # Each task opens the index itself: an open index (memory maps, a
        # Redis connection) does not travel to worker processes.
        return {**self.__dict__, "_index": None}


def _verdict(doc: Document, matches: list[Match]) -> bool | tuple[bool, str]:
    if not matches:
        return True
    best = matches[0]
    doc.metadata["duplicate_of"] = best.id
    doc.metadata["jaccard"] = best.jaccard
    return False, "near_duplicate"
