"""Keyword options merged into a stage's config: the one check every public verb shares.

Every verb takes ``(text_or_records, config=None, **options)``; the options
are fields of the config that override it. An unknown option is a
:class:`~cleaner.errors.ConfigError` that names it, suggests the closest
valid name and lists them all, whichever verb it was given to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from difflib import get_close_matches
from typing import Any, TypeVar

from cleaner.errors import ArgumentTypeError, ConfigError

__all__ = ["check_options", "config_from_options", "given_options", "option_names"]

C = TypeVar("C")


def option_names(config_type: type[Any]) -> tuple[str, ...]:
    """The keyword options a config dataclass takes: its fields, in order.

    >>> from cleaner.normalize import NormalizeConfig
    >>> option_names(NormalizeConfig)[:2]
    ('tone_style', 'fix_encoding')
    """
    return tuple(field.name for field in dataclasses.fields(config_type))


def check_options(verb: str, options: Collection[str], valid: Collection[str]) -> None:
    """Refuse any name of ``options`` that is not in ``valid``.

    Args:
        verb: What the options were given to, as the message names it
            (``"normalize"``, ``"clean"``...).
        options: The option names passed.
        valid: The option names ``verb`` takes.

    Raises:
        ConfigError: Naming the first unknown option (in sorted order), the
            closest valid name when one is close, and every valid name.

    >>> check_options("pii", ["tokn"], ["token", "kinds"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleaner.errors.ConfigError: unknown pii option 'tokn' (did you mean 'token'?); valid ...
    """
    unknown = sorted(set(options) - set(valid))
    if not unknown:
        return
    name = unknown[0]
    close = get_close_matches(name, list(valid), n=1)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    others = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
    raise ConfigError(
        f"unknown {verb} option {name!r}{others}{suggestion}; "
        f"valid options: {', '.join(sorted(valid))}"
    )


def config_from_options(
    verb: str,
    config_type: type[C],
    config: C | None,
    options: Mapping[str, Any],
    *,
    default: Callable[[], C] | None = None,
    hidden: Collection[str] = (),
) -> C:
    """``config`` (or the default config) with the keyword ``options`` replacing its fields.

    Args:
        verb: The verb the options were given to, for the error message.
        config_type: The config dataclass.
        config: The caller's config, or ``None`` for the default.
        options: Fields of ``config_type`` to override.
        default: Builds the default config (default: ``config_type()``).
        hidden: Fields that are not options of ``verb`` (set by the engine).

    Raises:
        ArgumentTypeError: ``config`` is not a ``config_type`` (also a ``TypeError``).
        ConfigError: An unknown option (see :func:`check_options`) or a bad value.

    >>> from cleaner.normalize import NormalizeConfig
    >>> config_from_options("normalize", NormalizeConfig, None, {"tone_style": "keep"}).tone_style
    'keep'
    """
    name = config_type.__name__
    if config is not None and not isinstance(config, config_type):
        raise ArgumentTypeError(
            f"config must be a {name} (or None), got {type(config).__name__}; "
            f"pass {name}(...) or keyword options"
        )
    check_options(verb, options, set(option_names(config_type)) - set(hidden))
    base = config if config is not None else (default or config_type)()
    return dataclasses.replace(base, **options) if options else base  # type: ignore[type-var]


def given_options(**values: Any) -> dict[str, Any]:
    """The options a caller set: those not left at ``None``.

    For a constructor whose parameters keep their old positions beside a
    ``config``: a parameter left at ``None`` takes the config's value.

    >>> given_options(threshold=0.9, num_perm=None)
    {'threshold': 0.9}
    """
    return {name: value for name, value in values.items() if value is not None}
