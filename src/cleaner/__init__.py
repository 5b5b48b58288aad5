"""vn-cleaner: Vietnamese text normalization, boilerplate stripping and near-duplicate detection.

>>> import cleaner
>>> cleaner.normalize("Vie\\u0302\\u0323t\\u00a0Nam")
'Việt Nam'
"""

from cleaner._version import __version__
from cleaner.boilerplate import (
    BoilerplateConfig,
    LineStats,
    learn_boilerplate,
    strip_boilerplate,
    strip_boilerplate_and_explain,
)
from cleaner.errors import CleanerError, ConfigError, EncodingError, IndexFormatError, InputError
from cleaner.explain import Edit, Removal, apply_edits
from cleaner.io import ReadOptions, RecordWriter, Rejects, read_records
from cleaner.normalize import NormalizeConfig, normalize, normalize_and_explain
from cleaner.pipeline import Event, Pipeline, StageStats
from cleaner.records import Record
from cleaner.stages import BoilerplateStage, NormalizeStage
from cleaner.text import clean

__all__ = [
    "BoilerplateConfig",
    "BoilerplateStage",
    "CleanerError",
    "ConfigError",
    "Edit",
    "EncodingError",
    "Event",
    "IndexFormatError",
    "InputError",
    "LineStats",
    "NormalizeConfig",
    "NormalizeStage",
    "Pipeline",
    "ReadOptions",
    "Record",
    "RecordWriter",
    "Rejects",
    "Removal",
    "StageStats",
    "__version__",
    "apply_edits",
    "clean",
    "learn_boilerplate",
    "normalize",
    "normalize_and_explain",
    "read_records",
    "strip_boilerplate",
    "strip_boilerplate_and_explain",
]
