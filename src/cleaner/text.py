"""``clean``: the two text stages in one call (normalize, then strip boilerplate)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from cleaner.boilerplate import BoilerplateConfig, strip_boilerplate
from cleaner.normalize import NormalizeConfig, normalize
from cleaner.normalize.encodings import after_first_pass
from cleaner.options import check_options, config_from_options, option_names

__all__ = ["CleanConfig", "clean", "split_clean_options", "stage_configs"]


@dataclass(frozen=True)
class CleanConfig:
    """Options of :func:`clean`: one config per stage it runs.

    Attributes:
        normalize: Options of the normalization.
        boilerplate: Options of the boilerplate stripping.

    >>> CleanConfig(NormalizeConfig(tone_style="main_vowel")).normalize.tone_style
    'main_vowel'
    """

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)


# A cut changes the context the normalizer reads: "hoà./." keeps its tone
# beside the slash (a token joined to "/" is code, not prose), and "hoà." loses
# it; a removed line leaves its neighbour's spaces no column to align with.
# The two stages are repeated until the text is a fixed point of both, which
# makes ``clean`` idempotent; text with no boilerplate costs no extra round,
# and a stripped text usually one extra normalize scan.
_MAX_ROUNDS = 3


def split_clean_options(
    options: dict[str, Any], *, extra: Collection[str] = (), hidden: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``clean`` options into normalize options and boilerplate options.

    Args:
        options: Fields of :class:`~cleaner.NormalizeConfig` and
            :class:`~cleaner.BoilerplateConfig`, in any mix.
        extra: Further option names the caller takes itself (left out of both parts).
        hidden: Boilerplate fields that are not options of the caller.

    Raises:
        ConfigError: On an option that neither stage knows.
    """
    normalize_fields = set(option_names(NormalizeConfig))
    boilerplate_fields = set(option_names(BoilerplateConfig)) - set(hidden)
    check_options("clean", options, normalize_fields | boilerplate_fields | set(extra))
    return (
        {k: v for k, v in options.items() if k in normalize_fields},
        {k: v for k, v in options.items() if k in boilerplate_fields},
    )


def clean(text: str, config: CleanConfig | None = None, **options: Any) -> str:
    """Normalize ``text`` and strip its boilerplate.

    Args:
        text: Article text as a scraper produced it.
        config: A :class:`CleanConfig` (default: both stages' defaults).
        **options: Fields of :class:`~cleaner.NormalizeConfig` and of
            :class:`~cleaner.BoilerplateConfig`, in any mix, overriding ``config``.

    Returns:
        The cleaned text.

    Raises:
        ArgumentTypeError: ``text`` is not a ``str`` or ``config`` not a
            :class:`CleanConfig` (both ``TypeError``).
        ConfigError: On an option that neither stage knows.

    >>> clean("VOV.VN - Ho\\u0300a bi\\u0300nh./.\\r\\nTheo VOV", tone_style="main_vowel")
    'Hoà bình.'
    """
    normalizing, stripping = stage_configs(config, options)
    text = normalize(text, normalizing)
    # VIQR is decoded once (see after_first_pass).
    later = after_first_pass(normalizing.legacy)
    if later != normalizing.legacy:
        normalizing = replace(normalizing, legacy=later)
    for _ in range(_MAX_ROUNDS):
        stripped = strip_boilerplate(text, stripping)
        if stripped == text:
            break
        text = normalize(stripped, normalizing)
        if text == stripped:
            break
    return text


def stage_configs(
    config: CleanConfig | None,
    options: dict[str, Any],
    *,
    extra: Collection[str] = (),
    hidden: Collection[str] = (),
) -> tuple[NormalizeConfig, BoilerplateConfig]:
    """Each stage's config: ``config``'s, with the options that are its fields replaced.

    Args:
        config: A :class:`CleanConfig`, or ``None`` for the defaults.
        options: Options of :func:`clean`; ``extra`` names are left out.
        extra: Further option names the caller takes itself.
        hidden: Boilerplate fields that are not options of the caller.

    Raises:
        ArgumentTypeError: ``config`` is not a :class:`CleanConfig`.
        ConfigError: An unknown option or a bad value.
    """
    base = config_from_options("clean", CleanConfig, config, {})
    normalizing, stripping = split_clean_options(options, extra=extra, hidden=hidden)
    return (
        config_from_options("normalize", NormalizeConfig, base.normalize, normalizing),
        config_from_options("boilerplate", BoilerplateConfig, base.boilerplate, stripping),
    )
