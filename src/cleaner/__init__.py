"""vn-cleaner: Vietnamese text normalization, boilerplate stripping and near-duplicate detection.

Every verb takes ``(text_or_records, config=None, **options)``: a config
object of its stage, and keyword options that override its fields.

>>> import cleaner
>>> cleaner.normalize("Vie\\u0302\\u0323t\\u00a0Nam")
'Việt Nam'
>>> cleaner.normalize("hòa", cleaner.NormalizeConfig(tone_style="main_vowel"))
'hoà'

The stage classes, I/O helpers and index internals live in their modules
(:mod:`cleaner.stages`, :mod:`cleaner.io`, :mod:`cleaner.dedup`...); their
old top-level names still work for one release, with a ``DeprecationWarning``.
"""

from typing import Any

from cleaner._version import __version__
from cleaner.boilerplate import (
    BoilerplateConfig,
    TemplateConfig,
    learn_boilerplate,
    restore,
    strip_boilerplate,
    strip_boilerplate_and_explain,
)
from cleaner.dedup import (
    DedupConfig,
    DedupResult,
    Duplicate,
    Match,
    MinHasher,
    NearDuplicateIndex,
    find_near_duplicates,
)
from cleaner.deprecation import moved_name
from cleaner.errors import (
    CleanerError,
    ConfigError,
    EncodingError,
    IndexFormatError,
    InputError,
)
from cleaner.explain import Edit, Explained, Removal, Stripped, apply_edits
from cleaner.io import read_records
from cleaner.normalize import NormalizeConfig, normalize, normalize_and_explain
from cleaner.pii import PiiConfig, redact_pii, redact_pii_and_explain
from cleaner.pipeline import Pipeline
from cleaner.quality import (
    QualityConfig,
    QualityResult,
    filter_quality,
    load_quality_config,
    score_quality,
)
from cleaner.records import Record
from cleaner.text import CleanConfig, clean

__all__ = [
    "BoilerplateConfig",
    "CleanConfig",
    "CleanerError",
    "ConfigError",
    "DedupConfig",
    "DedupResult",
    "Duplicate",
    "Edit",
    "EncodingError",
    "Explained",
    "IndexFormatError",
    "InputError",
    "Match",
    "MinHasher",
    "NearDuplicateIndex",
    "NormalizeConfig",
    "PiiConfig",
    "Pipeline",
    "QualityConfig",
    "QualityResult",
    "Record",
    "Removal",
    "Stripped",
    "TemplateConfig",
    "__version__",
    "apply_edits",
    "clean",
    "filter_quality",
    "find_near_duplicates",
    "learn_boilerplate",
    "load_quality_config",
    "normalize",
    "normalize_and_explain",
    "read_records",
    "redact_pii",
    "redact_pii_and_explain",
    "restore",
    "score_quality",
    "strip_boilerplate",
    "strip_boilerplate_and_explain",
]

#: Names that left the top level in 0.2, and the module that holds each now.
_MOVED = {
    "ArgumentTypeError": "cleaner.errors",
    "BoilerplateStage": "cleaner.stages",
    "DedupStage": "cleaner.stages",
    "NormalizeStage": "cleaner.stages",
    "PiiStage": "cleaner.stages",
    "QualityStage": "cleaner.quality",
    "Event": "cleaner.pipeline",
    "StageStats": "cleaner.pipeline",
    "LSHParams": "cleaner.dedup",
    "lsh_params": "cleaner.dedup",
    "PassageDuplicate": "cleaner.dedup",
    "SharedIndex": "cleaner.dedup.shared",
    "LineStats": "cleaner.boilerplate",
    "SiteTemplates": "cleaner.boilerplate",
    "StripResult": "cleaner.boilerplate",
    "strip_boilerplate_result": "cleaner.boilerplate",
    "ReadOptions": "cleaner.io",
    "RecordWriter": "cleaner.io",
    "Rejects": "cleaner.io",
}


def __getattr__(name: str) -> Any:
    """Resolve a name that moved to a submodule, with a ``DeprecationWarning`` naming it."""
    return moved_name(__name__, name, _MOVED)
