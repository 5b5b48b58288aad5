"""vn-cleaner: Vietnamese text normalization, boilerplate stripping and near-duplicate detection.

>>> import cleaner
>>> cleaner.normalize("Vie\\u0302\\u0323t\\u00a0Nam")
'Việt Nam'
"""

from cleaner._version import __version__
from cleaner.boilerplate import (
    BoilerplateConfig,
    LineStats,
    SiteTemplates,
    StripResult,
    learn_boilerplate,
    strip_boilerplate,
    strip_boilerplate_and_explain,
    strip_boilerplate_result,
)
from cleaner.dedup import (
    DedupConfig,
    DedupResult,
    Duplicate,
    LSHParams,
    Match,
    MinHasher,
    NearDuplicateIndex,
    PassageDuplicate,
    find_near_duplicates,
    lsh_params,
)
from cleaner.dedup.shared import SharedIndex
from cleaner.errors import (
    ArgumentTypeError,
    CleanerError,
    ConfigError,
    EncodingError,
    IndexFormatError,
    InputError,
)
from cleaner.explain import Edit, Removal, apply_edits
from cleaner.io import ReadOptions, RecordWriter, Rejects, read_records
from cleaner.normalize import NormalizeConfig, normalize, normalize_and_explain
from cleaner.pii import PiiConfig, redact_pii, redact_pii_and_explain
from cleaner.pipeline import Event, Pipeline, StageStats
from cleaner.quality import (
    QualityConfig,
    QualityResult,
    QualityStage,
    filter_quality,
    load_quality_config,
    score_quality,
)
from cleaner.records import Record
from cleaner.stages import BoilerplateStage, DedupStage, NormalizeStage, PiiStage
from cleaner.text import clean

__all__ = [
    "ArgumentTypeError",
    "BoilerplateConfig",
    "BoilerplateStage",
    "CleanerError",
    "ConfigError",
    "DedupConfig",
    "DedupResult",
    "DedupStage",
    "Duplicate",
    "Edit",
    "EncodingError",
    "Event",
    "IndexFormatError",
    "InputError",
    "LSHParams",
    "LineStats",
    "Match",
    "MinHasher",
    "NearDuplicateIndex",
    "NormalizeConfig",
    "NormalizeStage",
    "PassageDuplicate",
    "PiiConfig",
    "PiiStage",
    "Pipeline",
    "QualityConfig",
    "QualityResult",
    "QualityStage",
    "ReadOptions",
    "Record",
    "RecordWriter",
    "Rejects",
    "Removal",
    "SharedIndex",
    "SiteTemplates",
    "StageStats",
    "StripResult",
    "__version__",
    "apply_edits",
    "clean",
    "filter_quality",
    "find_near_duplicates",
    "learn_boilerplate",
    "load_quality_config",
    "lsh_params",
    "normalize",
    "normalize_and_explain",
    "read_records",
    "redact_pii",
    "redact_pii_and_explain",
    "score_quality",
    "strip_boilerplate",
    "strip_boilerplate_and_explain",
    "strip_boilerplate_result",
]
