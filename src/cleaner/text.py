"""``clean``: the two text stages in one call (normalize, then strip boilerplate)."""

from __future__ import annotations

from typing import Any

from cleaner.boilerplate import BoilerplateConfig, strip_boilerplate
from cleaner.errors import ConfigError
from cleaner.normalize import NormalizeConfig, normalize
from cleaner.normalize.encodings import after_first_pass

__all__ = ["clean", "split_clean_options"]

# A cut changes the context the normalizer reads: "hoà./." keeps its tone
# beside the slash (a token joined to "/" is code, not prose), and "hoà." loses
# it; a removed line leaves its neighbour's spaces no column to align with.
# The two stages are repeated until the text is a fixed point of both, which
# makes ``clean`` idempotent; text with no boilerplate costs no extra round,
# and a stripped text usually one extra normalize scan.
_MAX_ROUNDS = 3


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
    text = normalize(text, **normalize_options)
    # VIQR is decoded once (see after_first_pass).
    legacy = normalize_options.get("legacy", NormalizeConfig.legacy)
    normalize_options["legacy"] = after_first_pass(legacy)
    for _ in range(_MAX_ROUNDS):
        stripped = strip_boilerplate(text, **boilerplate_options)
        if stripped == text:
            break
        text = normalize(stripped, **normalize_options)
        if text == stripped:
            break
    return text
