"""Vietnamese text normalization: a plan of small named fixers.

``normalize`` runs the plan; ``normalize_and_explain`` runs the same plan and
returns the replayable list of :class:`~cleaner.explain.Edit`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, partial
from typing import Any

from cleaner.errors import ConfigError, check_bool, check_text
from cleaner.explain import Edit, EditLog, Explained, next_pass
from cleaner.normalize.base import TONE_STYLES, Fixer, ToneStyle
from cleaner.normalize.chars import (
    asciify_punctuation,
    collapse_spaces,
    compose_nfc,
    normalize_line_breaks,
    remove_invisible,
)
from cleaner.normalize.encodings import (
    LEGACY_MODES,
    Legacy,
    after_first_pass,
    decode_c1_controls,
    fix_encoding,
    restore_lost_letters,
)
from cleaner.normalize.fixpoint import until_unchanged
from cleaner.normalize.flags import EVERYTHING, TRIGGERS, text_flags
from cleaner.normalize.syllables import PlacementStyle
from cleaner.normalize.tones import fix_eth, place_tones, repair_double_tones
from cleaner.options import config_from_options

__all__ = [
    "NormalizeConfig",
    "ToneStyle",
    "build_plan",
    "normalize",
    "normalize_and_explain",
]


@dataclass(frozen=True)
class NormalizeConfig:
    """Options of the normalization stage.

    Attributes:
        tone_style: Tone placement in open oa/oe/uy syllables: ``"first_vowel"``
            (hòa, thủy), ``"main_vowel"`` (hoà, thuỷ) or ``"keep"``.
        fix_encoding: Repair mojibake and legacy encodings.
        legacy: Which legacy encodings to repair when ``fix_encoding``:
            ``"auto"`` (TCVN3, VNI, cp1258 when detected, VIQR only when a
            text is overwhelmingly VIQR), one of ``"tcvn3"``, ``"vni"``,
            ``"cp1258"``, ``"viqr"`` to force it, or ``"none"``.
        ascii_punctuation: Spell curly quotes, dashes and ellipses in ASCII.
        keep_layout: Keep indentation (two or more spaces or tabs) and the runs
            of spaces of indented or column-aligned lines (code, tables);
            ``False`` collapses every run and strips every line (the behaviour
            before issue 16).
    """

    tone_style: ToneStyle = "first_vowel"
    fix_encoding: bool = True
    legacy: Legacy = "auto"
    ascii_punctuation: bool = False
    keep_layout: bool = True

    def __post_init__(self) -> None:
        check_bool("fix_encoding", self.fix_encoding)
        check_bool("ascii_punctuation", self.ascii_punctuation)
        check_bool("keep_layout", self.keep_layout)
        if self.tone_style not in TONE_STYLES:
            raise ConfigError(
                f"tone_style must be one of {', '.join(TONE_STYLES)}, got {self.tone_style!r}"
            )
        if self.legacy not in LEGACY_MODES:
            raise ConfigError(
                f"legacy must be one of {', '.join(LEGACY_MODES)}, got {self.legacy!r}"
            )

    @classmethod
    def from_options(cls, **options: Any) -> NormalizeConfig:
        """Build a config from keyword options, rejecting unknown names."""
        return config_from_options("normalize", cls, None, options)


def build_plan(config: NormalizeConfig) -> tuple[tuple[str, Fixer], ...]:
    """Return the ordered fixers that ``config`` asks for, each with its name.

    Character repair (eth, encodings, invisible characters, NFC) comes first
    and runs to a fixed point: encoding repair must see the text as it came
    (TCVN3's ư is a soft hyphen that ``remove_invisible`` would delete). Tone
    fixers then work on precomposed letters; whitespace goes last so that no
    earlier fixer leaves a double space.
    """
    plan: list[tuple[str, Fixer]] = [("normalize_line_breaks", normalize_line_breaks)]
    if config.fix_encoding:
        plan.append(("repair_characters", partial(_repair_characters, legacy=config.legacy)))
    else:
        plan += [
            ("remove_invisible", remove_invisible),
            ("compose_nfc", compose_nfc),
            ("fix_eth", fix_eth),
        ]
    plan.append(("repair_double_tones", partial(repair_double_tones, style=config.tone_style)))
    if config.tone_style != "keep":
        plan.append(("place_tones", partial(place_tones, style=config.tone_style)))
    if config.ascii_punctuation:
        plan.append(("asciify_punctuation", asciify_punctuation))
    plan.append(("collapse_spaces", partial(collapse_spaces, keep_layout=config.keep_layout)))
    return tuple(plan)


# The character repairs feed each other: one layer of damage can hide another
# (VNI text also read as UTF-8), a soft hyphen or a decomposed letter can hide
# mojibake (``\u00adÃ¡``), NFC can create the Vietnamese context that turns an
# eth into đ, and that đ changes what the encoding judge sees.
# Repeating them until nothing changes makes the step a fixed point, hence
# ``normalize`` idempotent; real text settles in one or two rounds.
_MAX_REPAIR_ROUNDS = 4


def _repair_characters(text: str, log: EditLog | None = None, *, legacy: Legacy) -> str:
    """Eth, encodings, C1 controls, invisible characters and NFC, repeated until nothing changes."""

    def one_round(text: str, again: bool) -> str:
        round_log = next_pass(log) if again else log
        mode = after_first_pass(legacy) if again else legacy
        text = fix_eth(text, round_log)
        text = fix_encoding(text, next_pass(round_log), legacy=mode)
        text = restore_lost_letters(text, next_pass(round_log))
        text = decode_c1_controls(text, next_pass(round_log))
        text = remove_invisible(text, next_pass(round_log))
        return compose_nfc(text, next_pass(round_log))

    return until_unchanged(one_round, text, _MAX_REPAIR_ROUNDS)


def normalize(text: str, config: NormalizeConfig | None = None, **options: Any) -> str:
    """Normalize Vietnamese text: encodings, NFC, tone marks, whitespace, invisible characters.

    Args:
        text: Any Unicode text.
        config: A :class:`NormalizeConfig` (default: the defaults).
        **options: Fields of :class:`NormalizeConfig`, overriding ``config``.

    Returns:
        The normalized text (NFC, LF line breaks, one space between words).

    >>> normalize("Vie\\u0302\\u0323t\\u00a0Nam\\r\\n")
    'Việt Nam\\n'
    >>> normalize("hoà bình, baỏ vệ"), normalize("hòa", tone_style="main_vowel")
    ('hòa bình, bảo vệ', 'hoà')
    >>> normalize("Hµ Néi, ViÖt Nam"), normalize("Vie^.t Nam", legacy="viqr")
    ('Hà Nội, Việt Nam', 'Việt Nam')

    Raises:
        ArgumentTypeError: ``text`` is not a ``str`` or ``config`` not a
            :class:`NormalizeConfig` (both ``TypeError``).
        ConfigError: An unknown option or a bad value.
    """
    return _run(text, _config(config, options), None)


def normalize_and_explain(
    text: str, config: NormalizeConfig | None = None, **options: Any
) -> Explained:
    """Normalize like :func:`normalize` and return the edits that were made.

    Returns:
        ``Explained(text, edits)``; ``cleaner.apply_edits(text, edits)`` is the new text.

    >>> normalize_and_explain("hoà").edits
    [Edit(kind='tone_placement', start=0, end=3, before='hoà', after='hòa')]
    """
    edits: list[Edit] = []
    return Explained(_run(text, _config(config, options), edits), edits)


def _config(config: NormalizeConfig | None, options: dict[str, Any]) -> NormalizeConfig:
    # The common call, no config and no option, builds nothing.
    if config is None and not options:
        return _DEFAULT
    return config_from_options("normalize", NormalizeConfig, config, options)


_DEFAULT = NormalizeConfig()


# A later step can make work for an earlier one: collapse_spaces turns a
# stray NBSP into a space and so completes a mojibake sequence ("0\xa0Â¡"),
# a moved tone makes a word decodable in a forced legacy mode. The plan is
# repeated until a round changes nothing, which makes normalize idempotent;
# a round over text that needs nothing costs one scan.
_MAX_PLAN_ROUNDS = 3


def _run(text: str, config: NormalizeConfig, edits: list[Edit] | None) -> str:
    check_text("text", text)

    def one_round(text: str, again: bool) -> str:
        return _run_plan(text, _later_rounds(config) if again else config, edits)

    return until_unchanged(one_round, text, _MAX_PLAN_ROUNDS)


@cache
def _later_rounds(config: NormalizeConfig) -> NormalizeConfig:
    """The config of the plan's repeated rounds: VIQR is decoded once (see after_first_pass).

    Cached: a new config per changed text would cost a check of every option.
    """
    later = after_first_pass(config.legacy)
    return config if later == config.legacy else replace(config, legacy=later)


def _run_plan(text: str, config: NormalizeConfig, edits: list[Edit] | None) -> str:
    # One pass of the compiled scanner says which steps could change the text;
    # the others are skipped (without the scanner every step runs).
    style = "first_vowel" if config.tone_style == "keep" else config.tone_style
    flags = _flags(text, style)
    for fixer, triggers in _steps(config):
        if not flags & triggers:
            continue
        fixed = fixer(text, EditLog(edits) if edits is not None else None)
        if fixed is not text and fixed != text:
            text = fixed
            flags = _flags(text, style)
    return text


def _flags(text: str, style: PlacementStyle) -> int:
    flags = text_flags(text, style)
    return EVERYTHING if flags is None else flags


@cache
def _steps(config: NormalizeConfig) -> tuple[tuple[Fixer, int], ...]:
    """The plan's fixers, each with the flags that can make it change a text."""
    return tuple((fixer, _triggers(name, config)) for name, fixer in build_plan(config))


def _triggers(name: str, config: NormalizeConfig) -> int:
    # Forced VIQR decodes text that shows no sign of it.
    if name == "repair_characters" and config.legacy == "viqr":
        return EVERYTHING
    return TRIGGERS[name]
