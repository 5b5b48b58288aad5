"""``clean``: the two text stages in one call (normalize, then strip boilerplate)."""

from __future__ import annotations

from typing import Any

from cleaner.boilerplate import BoilerplateConfig, strip_boilerplate
from cleaner.errors import ConfigError
from cleaner.normalize import NormalizeConfig, normalize

__all__ = ["clean", "split_clean_options"]


def split_clean_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``clean`` options into normalize options and boilerplate options.

    Raises:
        ConfigError: On an option that neither stage knows.
    """
    normalize_fields = set(NormalizeConfig.__dataclass_fields__)
    boilerplate_fields = set(BoilerplateConfig.__dataclass_fields__)
    unknown = sorted(set(options) - normalize_fields - boilerplate_fields)
    if unknown:
        raise ConfigError(f"unknown clean option(s): {', '.join(unknown)}")
    return (
        {k: v for k, v in options.items() if k in normalize_fields},
        {k: v for k, v in options.items() if k in boilerplate_fields},
    )


def clean(text: str, **options: Any) -> str:
    """Normalize ``text`` and strip its boilerplate.

    Args:
        text: Article text as a scraper produced it.
        **options: Fields of :class:`~cleaner.NormalizeConfig` and of
            :class:`~cleaner.BoilerplateConfig`, in any mix.

    Returns:
        The cleaned text.

    Raises:
        ConfigError: On an option that neither stage knows.

    >>> clean("VOV.VN - Ho\\u0300a bi\\u0300nh./.\\r\\nTheo VOV", tone_style="main_vowel")
    'Hoà bình.'
    """
    normalize_options, boilerplate_options = split_clean_options(options)
    return strip_boilerplate(normalize(text, **normalize_options), **boilerplate_options)
