"""``clean``: the two text stages in one call (normalize, then strip boilerplate)."""

from __future__ import annotations

from typing import Any

from cleaner.boilerplate import BoilerplateConfig, strip_boilerplate
from cleaner.errors import ConfigError
from cleaner.normalize import NormalizeConfig, normalize

__all__ = ["clean"]


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
    normalize_fields = set(NormalizeConfig.__dataclass_fields__)
    boilerplate_fields = set(BoilerplateConfig.__dataclass_fields__)
    unknown = sorted(set(options) - normalize_fields - boilerplate_fields)
    if unknown:
        raise ConfigError(f"unknown clean option(s): {', '.join(unknown)}")
    normalized = normalize(text, **{k: v for k, v in options.items() if k in normalize_fields})
    kept = {k: v for k, v in options.items() if k in boilerplate_fields}
    return strip_boilerplate(normalized, **kept)
