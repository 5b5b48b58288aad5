"""The optional language-ID score: py3langid's bundled model (the ``langid`` extra).

The model file ships inside the py3langid wheel, so nothing is downloaded at
run time. It is loaded once per process, on first use.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cleaner.errors import ConfigError

__all__ = ["vietnamese_probability"]


def vietnamese_probability(text: str) -> float:
    """The model's probability (normalized over its languages) that ``text`` is Vietnamese.

    Raises:
        ConfigError: If py3langid is not installed (``pip install vn-cleaner[langid]``).
    """
    for language, probability in _identifier().rank(text):
        if language == "vi":
            return float(probability)
    return 0.0


@cache
def _identifier() -> Any:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as error:
        raise ConfigError(
            "the language-ID score needs py3langid: pip install 'vn-cleaner[langid]'"
        ) from error
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
