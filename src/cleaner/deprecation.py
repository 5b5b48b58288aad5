"""Old public names kept working for one release, each with a :class:`DeprecationWarning`.

Three kinds of rename: an attribute of a result type (:func:`renamed_attribute`,
e.g. ``Match.key`` is now ``Match.id``), a name moved out of a module's top
level (:func:`moved_name`, the module ``__getattr__`` of ``cleaner``) and a
keyword parameter (:func:`renamed_option` inside a verb that takes
``**options``, :func:`renamed_keywords` around any other function).
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

__all__ = ["moved_name", "renamed_attribute", "renamed_keywords", "renamed_option"]


def renamed_attribute(old: str, new: str) -> property:
    """A read-only property ``old`` that warns and returns the attribute ``new``.

    >>> import warnings
    >>> class Point:
    ...     x = 1
    ...     left = renamed_attribute("left", "x")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     Point().left, str(caught[0].message)
    (1, 'Point.left is deprecated; use Point.x')
    """

    def get(self: Any) -> Any:
        owner = type(self).__name__
        warnings.warn(
            f"{owner}.{old} is deprecated; use {owner}.{new}", DeprecationWarning, stacklevel=2
        )
        return getattr(self, new)

    return property(get, doc=f"Deprecated name of ``{new}``.")


def moved_name(package: str, name: str, moved: dict[str, str]) -> Any:
    """The object ``name`` that left ``package``'s top level, imported from its new module.

    Args:
        package: The module whose ``__getattr__`` asks (``"cleaner"``).
        name: The attribute asked for.
        moved: Old top-level name -> the module that now holds it.

    Raises:
        AttributeError: ``name`` was never moved (the normal missing-attribute error).
    """
    module = moved.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    warnings.warn(
        f"{package}.{name} is deprecated; use: from {module} import {name}",
        DeprecationWarning,
        stacklevel=3,
    )
    return getattr(importlib.import_module(module), name)


def renamed_option(verb: str, options: dict[str, Any], old: str, new: str, value: T) -> T:
    """The parameter ``new``'s ``value``, or the one given under its old keyword ``old``.

    The old keyword arrives among the ``**options`` of ``verb``; it is taken
    out of them (so it is not read as an option) with a warning.

    >>> import warnings
    >>> options = {"text": "body"}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed_option("clean_frame", options, "text", "text_field", "text"), options
    ('body', {})
    >>> str(caught[0].message)
    'clean_frame(text=...) is deprecated; use text_field=...'
    """
    if old not in options:
        return value
    warnings.warn(
        f"{verb}({old}=...) is deprecated; use {new}=...", DeprecationWarning, stacklevel=3
    )
    return options.pop(old)  # type: ignore[no-any-return]


def renamed_keywords(aliases: Mapping[str, str]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A decorator: the function also takes the old keywords of ``aliases`` (old -> new), warning.

    The decorated function keeps its signature: an old keyword is passed on
    under its new name (see :func:`renamed_option`).

    >>> import warnings
    >>> @renamed_keywords({"key": "id"})
    ... def label(id: str) -> str:
    ...     return id.upper()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     label(key="a"), str(caught[0].message)
    ('A', 'label(key=...) is deprecated; use id=...')

    Raises:
        TypeError: Both the old and the new name of one argument are given.
    """

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def renaming(*args: P.args, **kwargs: P.kwargs) -> T:
            for old, new in aliases.items():
                if old in kwargs and new in kwargs:
                    raise TypeError(f"{function.__name__}() got both {old!r} and {new!r}")
                if old in kwargs:
                    kwargs[new] = renamed_option(function.__name__, kwargs, old, new, None)
            return function(*args, **kwargs)

        return renaming

    return decorate
