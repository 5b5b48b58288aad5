"""Thresholds of the quality stage, read from TOML.

The packaged ``data/quality/default.toml`` is the single source of every
default (each one cites where it comes from) and also the schema: a user
file may override any of its keys, section by section, with a value of the
same type, and nothing else.

>>> config = load_quality_config()
>>> config.repetition.top_ngram_char_frac[0]
(2, 0.335)
>>> "người" in config.document.stop_syllables
True
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cleaner.errors import ConfigError, check_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

__all__ = [
    "DocumentThresholds",
    "LangidSettings",
    "LineThresholds",
    "QualityConfig",
    "RepetitionThresholds",
    "ScriptThresholds",
    "SpamThresholds",
    "load_quality_config",
]

#: ``[n, fraction]`` pairs, as FineWeb-2 writes its n-gram thresholds.
NgramThresholds = tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class DocumentThresholds:
    """Gopher and FineWeb document rules, counted in syllables (see default.toml)."""

    min_syllables: int
    max_syllables: int
    min_mean_syllable_length: float
    max_mean_syllable_length: float
    max_hash_ratio: float
    max_ellipsis_ratio: float
    min_lines_for_line_rules: int
    max_bullet_line_share: float
    max_ellipsis_line_share: float
    min_alpha_token_share: float
    min_stop_syllables: int
    stop_syllables: tuple[str, ...]
    min_line_punct_share: float
    max_newlines_per_syllable: float


@dataclass(frozen=True, slots=True)
class RepetitionThresholds:
    """Gopher repetition rules over lines, paragraphs and syllable n-grams."""

    max_duplicate_line_share: float
    max_duplicate_paragraph_share: float
    max_duplicate_line_char_frac: float
    max_duplicate_paragraph_char_frac: float
    top_ngram_char_frac: NgramThresholds
    duplicate_ngram_char_frac: NgramThresholds


@dataclass(frozen=True, slots=True)
class LineThresholds:
    """C4 line rules: lorem ipsum, javascript and policy notices."""

    drop_lorem_ipsum: bool
    max_notice_line_share: float
    notice_phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScriptThresholds:
    """Rules on the script profile (shares of marked, plain, debris, foreign words)."""

    min_marked_share: float
    min_plain_share_unaccented: float
    max_debris_share: float
    max_foreign_share: float


@dataclass(frozen=True, slots=True)
class LangidSettings:
    """The optional language-ID score (py3langid, the ``langid`` extra)."""

    enabled: bool
    min_vi_score: float


@dataclass(frozen=True, slots=True)
class SpamThresholds:
    """Weighted flagged-term rules (gambling, adult, scam adverts), per 1,000 syllables."""

    max_gambling_per_1000: float
    max_adult_per_1000: float
    max_scam_per_1000: float
    min_flagged_weight: float


@dataclass(frozen=True, slots=True)
class QualityConfig:
    """Every threshold of the quality stage, one attribute per TOML section.

    Build one with :func:`load_quality_config`; :meth:`default` is the packaged file.
    """

    document: DocumentThresholds
    repetition: RepetitionThresholds
    lines: LineThresholds
    script: ScriptThresholds
    langid: LangidSettings
    spam: SpamThresholds

    @staticmethod
    def default() -> QualityConfig:
        """The packaged defaults (read once)."""
        return _default_config()


_SECTIONS: dict[str, type[Any]] = {
    "document": DocumentThresholds,
    "repetition": RepetitionThresholds,
    "lines": LineThresholds,
    "script": ScriptThresholds,
    "langid": LangidSettings,
    "spam": SpamThresholds,
}


def load_quality_config(path: str | Path | None = None) -> QualityConfig:
    """The packaged defaults, overridden by the TOML file at ``path`` if given.

    Args:
        path: A TOML file with some of the sections and keys of default.toml.

    Raises:
        ConfigError: If the file cannot be read or parsed, names an unknown
            section or key, or gives a value of the wrong type or range.
    """
    if path is None:
        return _default_config()
    check_path("path", path)
    overrides = _read_toml(Path(path))
    return _build(_merge(_default_tables(), overrides, str(path)))


@cache
def _default_config() -> QualityConfig:
    return _build(_default_tables())


def _default_tables() -> dict[str, dict[str, Any]]:
    text = resources.files("cleaner").joinpath("data/quality/default.toml").read_text("utf-8")
    return tomllib.loads(text)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read quality config {path}: {error.strerror}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"quality config {path} is not valid TOML: {error}") from error


def _merge(
    defaults: dict[str, dict[str, Any]], overrides: dict[str, Any], source: str
) -> dict[str, dict[str, Any]]:
    """Defaults with the overrides applied, every override checked against its default."""
    merged = {section: dict(table) for section, table in defaults.items()}
    for section, table in overrides.items():
        if section not in merged or not isinstance(table, dict):
            known = ", ".join(f"[{name}]" for name in merged)
            raise ConfigError(f"{source}: unknown section [{section}] (known: {known})")
        for key, value in table.items():
            where = f"{source}: [{section}] {key}"
            if key not in merged[section]:
                raise ConfigError(f"{where}: unknown key (known: {', '.join(merged[section])})")
            merged[section][key] = _checked(value, merged[section][key], where)
    return merged


def _checked(value: Any, default: Any, where: str) -> Any:
    """``value`` if it has the type of ``default`` (an int stands for a float)."""
    if isinstance(default, bool) or isinstance(value, bool):
        if type(value) is not type(default):
            raise ConfigError(f"{where}: expected {type(default).__name__}, got {value!r}")
        return value
    if isinstance(default, (int, float)):
        integral = isinstance(default, int)
        if not isinstance(value, (int, float)) or (integral and isinstance(value, float)):
            raise ConfigError(f"{where}: expected a {type(default).__name__}, got {value!r}")
        if value < 0:
            raise ConfigError(f"{where}: must be >= 0, got {value!r}")
        return value
    if isinstance(default, list):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list like {default!r}, got {value!r}")
        # Items are checked against the default item at the same place (the
        # last one past its end): [n, fraction] pairs mix an int and a float.
        last = len(default) - 1
        return [
            _checked(item, default[min(number, last)], f"{where}[{number}]")
            for number, item in enumerate(value)
        ]
    if not isinstance(value, type(default)):
        raise ConfigError(f"{where}: expected {type(default).__name__}, got {value!r}")
    return value


def _build(tables: dict[str, dict[str, Any]]) -> QualityConfig:
    sections = {}
    for name, cls in _SECTIONS.items():
        values = {f.name: _frozen(tables[name][f.name]) for f in fields(cls)}
        sections[name] = cls(**values)
    config = QualityConfig(**sections)
    _check_ngrams(config.repetition)
    return config


def _frozen(value: Any) -> Any:
    """Lists become tuples, so that a config is hashable and immutable."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def _check_ngrams(thresholds: RepetitionThresholds) -> None:
    for key in ("top_ngram_char_frac", "duplicate_ngram_char_frac"):
        for pair in getattr(thresholds, key):
            if len(pair) != 2 or not isinstance(pair[0], int) or pair[0] < 1:
                raise ConfigError(f"[repetition] {key}: expected [n, fraction] pairs, got {pair!r}")
