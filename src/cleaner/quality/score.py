"""Scores of a document and the rules that judge them: :func:`score_quality`.

Every rule is a named threshold of :class:`~cleaner.quality.config.QualityConfig`
on one score; a document fails a rule with a snake_case reason. Reasons come
in a fixed order, most telling first (language, spam, C4 lines, document
shape, repetition), so ``reasons[0]`` is the one a drop is filed under.

>>> result = score_quality("Tieengs Vieetj laf ngoon nguwx chinhs thuwcs cuar Vieetj Nam")
>>> result.reasons[:2]
('typing_debris', 'too_few_syllables')
>>> score_quality(" -- ").reasons
('empty',)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from cleaner.errors import check_text
from cleaner.options import config_from_options
from cleaner.quality.config import QualityConfig, ScriptThresholds, SpamThresholds
from cleaner.quality.heuristics import (
    document_scores,
    line_counts,
    line_scores,
    repetition_scores,
)
from cleaner.quality.langid import vietnamese_probability
from cleaner.quality.script import script_shares
from cleaner.quality.spam import flagged_weights, load_flagged_terms
from cleaner.quality.words import text_words
from cleaner.records import Record, as_records

__all__ = ["QualityResult", "QualityVerdict", "filter_quality", "score_quality"]

#: The concepts of data/quality/flagged_vi.txt each spam rule sums.
_SPAM_GROUPS = {
    "gambling": ("betting", "lottery", "casino"),
    "adult": ("adult",),
    "scam": ("loan_shark", "fake_medicine"),
}


@dataclass(frozen=True, slots=True)
class QualityResult:
    """The scores of one document and the rules it fails.

    Attributes:
        scores: Score name → value (counts, shares, fractions; see
            :mod:`cleaner.quality.heuristics` and :mod:`cleaner.quality.script`).
        reasons: snake_case codes of the failed rules, most telling first;
            empty when the document passes.
    """

    scores: dict[str, float]
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether the document fails no rule."""
        return not self.reasons


class QualityVerdict(NamedTuple):
    """What :func:`filter_quality` says of one document (datatrove's ``(keep, reason)``)."""

    keep: bool
    reason: str | None
    result: QualityResult


def score_quality(text: str, config: QualityConfig | None = None, **options: Any) -> QualityResult:
    """Score ``text`` and list the quality rules it fails.

    Args:
        text: One document (NFC, as :func:`cleaner.normalize` leaves it).
        config: Thresholds (default: the packaged ``default.toml``).
        **options: Sections of :class:`QualityConfig` (``document``,
            ``spam``...) replacing ``config``'s.

    Returns:
        The scores and the failed reasons (empty when the document passes).

    >>> article = (
    ...     "Theo Bộ Y tế, trong năm 2024 cả nước ghi nhận hơn 100.000 ca sốt xuất huyết. "
    ...     "Các chuyên gia cho biết đây là con số đáng lo ngại, người dân cần chủ động "
    ...     "diệt bọ gậy và loăng quăng. Bệnh viện đã được yêu cầu chuẩn bị đủ thuốc và "
    ...     "giường bệnh để đón người bệnh trong mùa mưa năm nay."
    ... )
    >>> score_quality(article).reasons
    ()
    """
    check_text("text", text)
    config = _config(config, options)
    # One pass over the text's words serves every rule below.
    found = text_words(text, config.document.stop_syllables)
    words = found.lower
    lines = line_counts(text)
    repetition = config.repetition
    scores: dict[str, float] = {}
    scores.update(script_shares(found.classes))
    if config.langid.enabled:
        scores["langid_vi"] = vietnamese_probability(text)
    scores.update(_spam_scores(words, found.flag_starts))
    scores.update(line_scores(text, config.lines.notice_phrases))
    scores.update(document_scores(text, words, config.document.stop_syllables, found.counts, lines))
    scores.update(
        repetition_scores(
            text,
            words,
            [n for n, _ in repetition.top_ngram_char_frac],
            [n for n, _ in repetition.duplicate_ngram_char_frac],
            lines,
        )
    )
    return QualityResult(scores, _reasons(scores, config))


def filter_quality(
    records: Iterable[Record | tuple[str, str] | str],
    config: QualityConfig | None = None,
    **options: Any,
) -> Iterator[QualityVerdict]:
    """Judge each text (or record) in turn: keep it, or not and why.

    Args:
        records: Texts, ``(id, text)`` pairs, dicts with ``text`` or
            :class:`~cleaner.records.Record` objects.
        config: Thresholds (default: the packaged ``default.toml``).
        **options: Sections of :class:`QualityConfig` replacing ``config``'s.

    Yields:
        One :class:`QualityVerdict` per input, in order.

    >>> [verdict.reason for verdict in filter_quality(["lorem ipsum dolor sit amet"])]
    ['not_vietnamese']
    """
    config = _config(config, options)
    for record in as_records(records):
        result = score_quality(record.text, config)
        yield QualityVerdict(result.passed, result.reasons[0] if result.reasons else None, result)


def _config(config: QualityConfig | None, options: dict[str, Any]) -> QualityConfig:
    if not options and (config is None or isinstance(config, QualityConfig)):
        # The call made once per document: no option to check or apply.
        return config if config is not None else QualityConfig.default()
    return config_from_options(
        "quality", QualityConfig, config, options, default=QualityConfig.default
    )


_Bound = Literal["min", "max"]


class _Rule(NamedTuple):
    reason: str
    score: str
    bound: _Bound
    threshold: float
    #: A line-share rule, applied to pages of ``min_lines_for_line_rules`` lines or more.
    per_line: bool = False


def _reasons(scores: dict[str, float], config: QualityConfig) -> tuple[str, ...]:
    if not scores["syllables"]:
        # Nothing to measure: every other score is undefined (datatrove: "empty").
        return ("empty",)
    reasons = _script_reasons(scores, config.script) if scores["letter_words"] else []
    min_vi = config.langid.min_vi_score
    if "langid_vi" in scores and min_vi and scores["langid_vi"] < min_vi:
        reasons.append("low_langid_score")
    reasons += _spam_reasons(scores, config.spam)
    if scores["lorem_ipsum"] and config.lines.drop_lorem_ipsum:
        reasons.append("lorem_ipsum")
    enough_lines = scores["lines"] >= config.document.min_lines_for_line_rules
    # Unpacked, not read by attribute: this runs for every rule of every document.
    reasons += [
        reason
        for reason, score, bound, threshold, per_line in _rules(config)
        if (enough_lines or not per_line)
        and (scores[score] < threshold if bound == "min" else scores[score] > threshold)
    ]
    # top_ngram and duplicate_ngrams can fail for several n: name each once.
    return tuple(dict.fromkeys(reasons))


def _script_reasons(scores: dict[str, float], thresholds: ScriptThresholds) -> list[str]:
    """At most one of typing_debris, no_diacritics, not_vietnamese, mixed_language."""
    debris = scores["debris_share"]
    # English has its own "debris" (is, has, of read as í, há, ò), but far
    # more foreign words than that; typed Vietnamese has few.
    limit = thresholds.max_debris_share
    if limit and debris > limit and debris >= scores["foreign_share"]:
        return ["typing_debris"]
    if scores["marked_share"] < thresholds.min_marked_share:
        unaccented = scores["plain_share"] >= thresholds.min_plain_share_unaccented
        return ["no_diacritics" if unaccented else "not_vietnamese"]
    if thresholds.max_foreign_share and scores["foreign_share"] > thresholds.max_foreign_share:
        return ["mixed_language"]
    return []


def _spam_scores(words: list[str], starts: list[int]) -> dict[str, float]:
    """Each concept's flagged weight; each spam group's weight, in all and per 1,000 syllables."""
    weights = flagged_weights(words, load_flagged_terms(), starts)
    scores = {f"{concept}_weight": weight for concept, weight in weights.items()}
    per_word = 1000 / max(len(words), 1)
    for group, concepts in _SPAM_GROUPS.items():
        total = sum(weights[concept] for concept in concepts)
        scores[f"{group}_weight"] = total
        scores[f"{group}_per_1000"] = per_word * total
    return scores


def _spam_reasons(scores: dict[str, float], thresholds: SpamThresholds) -> list[str]:
    """gambling_spam, adult_content, scam_advert: dense flagged terms, with enough weight in all."""
    limits = {
        "gambling_spam": ("gambling", thresholds.max_gambling_per_1000),
        "adult_content": ("adult", thresholds.max_adult_per_1000),
        "scam_advert": ("scam", thresholds.max_scam_per_1000),
    }
    return [
        reason
        for reason, (group, limit) in limits.items()
        if limit
        and scores[f"{group}_weight"] >= thresholds.min_flagged_weight
        and scores[f"{group}_per_1000"] > limit
    ]


def _rules(config: QualityConfig) -> tuple[_Rule, ...]:
    """The plain threshold rules of ``config``, in reason order.

    A stream is judged with one config: the last one's rules are kept and
    found by identity, since hashing a config (every threshold) for the cache
    costs more per document than the comparisons the rules make.
    """
    last_config, rules = _LAST_RULES[0]
    if last_config is not config:
        rules = _threshold_rules(config)
        _LAST_RULES[0] = (config, rules)  # one store: threads see a matching pair
    return rules


_LAST_RULES: list[tuple[QualityConfig | None, tuple[_Rule, ...]]] = [(None, ())]


@cache
def _threshold_rules(config: QualityConfig) -> tuple[_Rule, ...]:
    """The plain threshold rules, in reason order (after language, spam and lorem ipsum).

    A rule whose threshold is 0 is off, and left out.
    """
    document, repetition = config.document, config.repetition
    rules = [
        _Rule("notice_lines", "notice_line_share", "max", config.lines.max_notice_line_share),
        _Rule("too_few_syllables", "syllables", "min", document.min_syllables),
        _Rule("too_many_syllables", "syllables", "max", document.max_syllables),
        _Rule("short_syllables", "mean_syllable_length", "min", document.min_mean_syllable_length),
        _Rule("long_syllables", "mean_syllable_length", "max", document.max_mean_syllable_length),
        _Rule("too_many_hashes", "hash_ratio", "max", document.max_hash_ratio),
        _Rule("too_many_ellipses", "ellipsis_ratio", "max", document.max_ellipsis_ratio),
        _Rule("bullet_lines", "bullet_line_share", "max", document.max_bullet_line_share, True),
        _Rule(
            "ellipsis_lines", "ellipsis_line_share", "max", document.max_ellipsis_line_share, True
        ),
        _Rule("non_alpha_tokens", "alpha_token_share", "min", document.min_alpha_token_share),
        _Rule("few_stop_syllables", "stop_syllables", "min", document.min_stop_syllables),
        _Rule("unpunctuated_lines", "line_punct_share", "min", document.min_line_punct_share, True),
        _Rule("list_like", "newlines_per_syllable", "max", document.max_newlines_per_syllable),
        _Rule(
            "duplicate_lines", "duplicate_line_share", "max", repetition.max_duplicate_line_share
        ),
        _Rule(
            "duplicate_line_chars",
            "duplicate_line_char_frac",
            "max",
            repetition.max_duplicate_line_char_frac,
        ),
        _Rule(
            "duplicate_paragraphs",
            "duplicate_paragraph_share",
            "max",
            repetition.max_duplicate_paragraph_share,
        ),
        _Rule(
            "duplicate_paragraph_chars",
            "duplicate_paragraph_char_frac",
            "max",
            repetition.max_duplicate_paragraph_char_frac,
        ),
    ]
    rules += [
        _Rule("top_ngram", f"top_{n}_gram_char_frac", "max", limit)
        for n, limit in repetition.top_ngram_char_frac
    ]
    rules += [
        _Rule("duplicate_ngrams", f"duplicate_{n}_gram_char_frac", "max", limit)
        for n, limit in repetition.duplicate_ngram_char_frac
    ]
    return tuple(rule for rule in rules if rule.threshold)
