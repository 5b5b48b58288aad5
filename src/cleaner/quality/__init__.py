"""Quality, language and spam filters for Vietnamese documents, counted in syllables.

:func:`score_quality` scores one text and lists the rules it fails
(Gopher, C4 and FineWeb heuristics in syllables, the script profile from
vn-cleaner's syllable model, weighted spam lists); :func:`filter_quality`
judges a stream; :class:`QualityStage` is the ``cleaner run`` stage. Every
threshold is data: ``data/quality/default.toml``, overridable with
:func:`load_quality_config`.
"""

from cleaner.quality.config import QualityConfig, load_quality_config
from cleaner.quality.score import QualityResult, QualityVerdict, filter_quality, score_quality
from cleaner.quality.stage import QualityStage

__all__ = [
    "QualityConfig",
    "QualityResult",
    "QualityStage",
    "QualityVerdict",
    "filter_quality",
    "load_quality_config",
    "score_quality",
]
