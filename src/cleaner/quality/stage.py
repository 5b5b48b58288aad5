"""The ``quality`` stage of ``cleaner run``: score each record, drop or tag the failing ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from cleaner.errors import ConfigError
from cleaner.pipeline import Event, StageOutput
from cleaner.quality.config import QualityConfig
from cleaner.quality.score import QualityResult, score_quality
from cleaner.records import Record

__all__ = ["QUALITY_MODES", "QualityMode", "QualityStage", "quality_summary"]

QualityMode = Literal["drop", "tag"]
#: What the stage does with a failing record.
QUALITY_MODES: tuple[QualityMode, ...] = get_args(QualityMode)
# Scores are ratios; three decimals say all a reader or a threshold needs
# and keep the meta of every output record short.
_DIGITS = 3


@dataclass
class QualityStage:
    """Scores every record; drops the failing ones, or only tags them.

    Every record gets its scores and failed reasons in ``meta[meta_field]``.
    In ``"drop"`` mode a failing record is dropped with one event filed under
    its first (most telling) reason, the detail naming all reasons and the
    scores; in ``"tag"`` mode it is kept and each failed reason is counted
    as an ``"edit"`` event.

    Attributes:
        config: Thresholds (default: the packaged ``default.toml``).
        mode: ``"drop"`` or ``"tag"``.
        meta_field: Meta field receiving the scores and reasons.
        name: Stage name in stats and events.
    """

    config: QualityConfig = field(default_factory=QualityConfig.default)
    mode: QualityMode = "drop"
    meta_field: str = "quality"
    name: str = "quality"

    def __post_init__(self) -> None:
        if self.mode not in QUALITY_MODES:
            raise ConfigError(
                f"quality mode must be one of {', '.join(QUALITY_MODES)}, got {self.mode!r}"
            )

    def process(self, record: Record) -> StageOutput:
        """Score one record; drop it (``"drop"`` mode) if it fails a rule."""
        result = score_quality(record.text, self.config)
        summary = quality_summary(result)
        record.meta[self.meta_field] = summary
        if not result.reasons:
            return record, []
        if self.mode == "drop":
            event = Event(record.id, self.name, result.reasons[0], "drop", 1, summary)
            return None, [event]
        return record, [Event(record.id, self.name, reason, "edit") for reason in result.reasons]


def quality_summary(result: QualityResult) -> dict[str, Any]:
    """What the stage writes in a record's meta: ``{"reasons": [...], "scores": {...}}``.

    Both engines write this, so local and Spark outputs compare equal.
    """
    scores = {name: round(value, _DIGITS) for name, value in result.scores.items()}
    return {"reasons": list(result.reasons), "scores": scores}
