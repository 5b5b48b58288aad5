"""The public API surface (issue 20): one call convention, named results, a short ``__all__``.

Every verb takes ``(text_or_records, config=None, **options)``; options are
merged into the config by one helper (:mod:`cleaner.options`) with one
message for an unknown option. Names that left the top level, and renamed
attributes, keep working with a ``DeprecationWarning`` that names the new
spelling.

Texts are real lines from the dev corpus (ids in ``tests/data/*.jsonl``):
``real-00`` (baomoi-22553141) for a credit, ``phone_mobile_spaced`` (the
shape of baomoi-22464224) for PII.
"""

from __future__ import annotations

import importlib
import inspect
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import (
    BoilerplateConfig,
    CleanConfig,
    DedupConfig,
    Explained,
    NormalizeConfig,
    PiiConfig,
    QualityConfig,
    Stripped,
    TemplateConfig,
)
from cleaner.dedup import Passage
from cleaner.dedup.index import Match
from cleaner.normalize.base import ToneStyle
from cleaner.options import check_options, option_names
from cleaner.pipeline import Event

README = Path(__file__).resolve().parent.parent / "README.md"
# baomoi-22553141: a narrative line ending in a credit ("Lương Ngọc (Theo JS)").
CREDITED = "Tổng thu nhập: 57,3 triệu Nhân tệ. Lương Ngọc (Theo JS)"
# The shape of baomoi-22464224: a phone number in prose.
PHONE = "Mọi thông tin xin liên hệ anh Tuấn, điện thoại 0912 345 678."
TONES = "Thủy điện Hòa Bình"
DUPLICATES = [
    ("a", "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu"),
    ("b", "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu!"),
]


def _first_verdict(records: Any, config: Any = None, **options: Any) -> object:
    return next(cleaner.filter_quality(records, config, **options))


def _learned(records: Any, config: Any = None, **options: Any) -> object:
    # SiteTemplates holds a numpy sketch (no ==): compare the settings and the counts.
    templates = cleaner.learn_boilerplate(records, config, **options)
    return templates.min_docs, templates.width, templates.docs, templates.increments


# verb name -> (the verb, its first argument, its config type, a config, the same as options)
VERBS: dict[str, tuple[Callable[..., Any], Any, type, Any, dict[str, Any]]] = {
    "normalize": (
        cleaner.normalize,
        TONES,
        NormalizeConfig,
        NormalizeConfig(tone_style="main_vowel"),
        {"tone_style": "main_vowel"},
    ),
    "normalize_and_explain": (
        cleaner.normalize_and_explain,
        TONES,
        NormalizeConfig,
        NormalizeConfig(tone_style="main_vowel"),
        {"tone_style": "main_vowel"},
    ),
    "strip_boilerplate": (
        cleaner.strip_boilerplate,
        CREDITED,
        BoilerplateConfig,
        BoilerplateConfig(min_content_syllables=3),
        {"min_content_syllables": 3},
    ),
    "strip_boilerplate_and_explain": (
        cleaner.strip_boilerplate_and_explain,
        CREDITED,
        BoilerplateConfig,
        BoilerplateConfig(captions="keep"),
        {"captions": "keep"},
    ),
    "clean": (
        cleaner.clean,
        TONES,
        CleanConfig,
        CleanConfig(NormalizeConfig(tone_style="main_vowel")),
        {"tone_style": "main_vowel"},
    ),
    "redact_pii": (cleaner.redact_pii, PHONE, PiiConfig, PiiConfig(token="***"), {"token": "***"}),
    "redact_pii_and_explain": (
        cleaner.redact_pii_and_explain,
        PHONE,
        PiiConfig,
        PiiConfig(kinds=("pii_email",)),
        {"kinds": ("pii_email",)},
    ),
    "score_quality": (
        cleaner.score_quality,
        CREDITED,
        QualityConfig,
        QualityConfig.default(),
        {"spam": QualityConfig.default().spam},
    ),
    "filter_quality": (
        _first_verdict,
        [CREDITED],
        QualityConfig,
        QualityConfig.default(),
        {"spam": QualityConfig.default().spam},
    ),
    "find_near_duplicates": (
        cleaner.find_near_duplicates,
        DUPLICATES,
        DedupConfig,
        DedupConfig(threshold=0.5),
        {"threshold": 0.5},
    ),
    "learn_boilerplate": (
        _learned,
        [CREDITED, TONES],
        TemplateConfig,
        TemplateConfig(min_docs=3, width=1 << 12),
        {"min_docs": 3, "width": 1 << 12},
    ),
}
# The verb name each one's unknown-option message uses.
MESSAGE_VERB = {
    "normalize": "normalize",
    "normalize_and_explain": "normalize",
    "strip_boilerplate": "boilerplate",
    "strip_boilerplate_and_explain": "boilerplate",
    "clean": "clean",
    "redact_pii": "pii",
    "redact_pii_and_explain": "pii",
    "score_quality": "quality",
    "filter_quality": "quality",
    "find_near_duplicates": "dedup",
    "learn_boilerplate": "learn_boilerplate",
}


@pytest.mark.parametrize("name", VERBS)
def test_a_config_given_positionally_equals_the_same_fields_given_as_options(name: str) -> None:
    verb, first, _, config, options = VERBS[name]
    assert verb(first, config) == verb(first, **options) == verb(first, config=config)


@pytest.mark.parametrize("name", VERBS)
def test_options_override_the_config(name: str) -> None:
    verb, first, config_type, config, options = VERBS[name]
    base = QualityConfig.default() if config_type is QualityConfig else config_type()
    assert verb(first, base, **options) == verb(first, config)


@pytest.mark.parametrize("name", VERBS)
def test_an_unknown_option_names_it_suggests_the_close_one_and_lists_the_valid_ones(
    name: str,
) -> None:
    verb, first, config_type, _, _ = VERBS[name]
    valid = set(option_names(config_type))
    if config_type is CleanConfig:
        valid = set(option_names(NormalizeConfig)) | set(option_names(BoilerplateConfig))
    close = sorted(valid)[0]
    typo = close[:-1] + "X"
    with pytest.raises(cleaner.ConfigError) as error:
        verb(first, **{typo: 1})
    message = str(error.value)
    assert message.startswith(f"unknown {MESSAGE_VERB[name]} option {typo!r}")
    assert f"(did you mean {close!r}?)" in message
    assert "valid options: " in message and close in message


@pytest.mark.parametrize("name", VERBS)
def test_a_config_of_the_wrong_type_is_a_type_error_saying_what_to_pass(name: str) -> None:
    verb, first, config_type, _, _ = VERBS[name]
    wrong = PiiConfig() if config_type is not PiiConfig else NormalizeConfig()
    with pytest.raises(TypeError, match=f"config must be a {config_type.__name__}"):
        verb(first, wrong)


def test_every_public_verb_has_the_one_call_convention() -> None:
    for name in [*VERBS, "strip_boilerplate_and_explain"]:
        if name == "filter_quality":
            continue
        parameters = list(inspect.signature(getattr(cleaner, name)).parameters.values())
        assert parameters[1].name == "config", name
        assert parameters[1].default is None, name
        assert parameters[-1].kind is inspect.Parameter.VAR_KEYWORD, name
    filtering = list(inspect.signature(cleaner.filter_quality).parameters)
    assert filtering[1] == "config"


def test_the_index_classes_take_a_dedup_config_and_options_override_it() -> None:
    config = DedupConfig(threshold=0.5, num_perm=64, bands=8, rows=8)
    index = cleaner.NearDuplicateIndex(config=config)
    assert index.config.num_perm == 64 and (index.params.bands, index.params.rows) == (8, 8)
    overridden = cleaner.NearDuplicateIndex(threshold=0.9, config=config)
    assert overridden.config.threshold == 0.9 and overridden.config.num_perm == 64
    assert cleaner.NearDuplicateIndex().config == DedupConfig()
    with pytest.raises(TypeError, match="config must be a DedupConfig"):
        cleaner.NearDuplicateIndex(config=NormalizeConfig())  # type: ignore[arg-type]


def test_the_table_adapters_take_a_config() -> None:
    pd = pytest.importorskip("pandas")
    from cleaner.frames import clean_frame, dedup_frame

    frame = pd.DataFrame({"text": [TONES, TONES + "."]})
    main_vowel = CleanConfig(NormalizeConfig(tone_style="main_vowel"))
    assert clean_frame(frame, config=main_vowel)["text"].tolist()[0] == "Thuỷ điện Hoà Bình"
    assert len(dedup_frame(frame, config=DedupConfig(threshold=0.5, ngram=2))) == 1
    with pytest.raises(cleaner.ConfigError, match="unknown clean option 'tone_styel'"):
        clean_frame(frame, tone_styel="keep")


def test_check_options_counts_the_other_unknown_names() -> None:
    with pytest.raises(cleaner.ConfigError, match=r"unknown x option 'aa' and 1 more;"):
        check_options("x", ["zz", "aa"], ["token"])


# --- named results ---------------------------------------------------------------------


def test_explained_is_a_named_pair_that_still_unpacks() -> None:
    result = cleaner.normalize_and_explain("Hoà bình và thuỷ lợi")
    assert isinstance(result, Explained) and isinstance(result, tuple)
    text, edits = result
    assert (text, edits) == (result.text, result.edits) == ("Hòa bình và thủy lợi", result[1])
    assert cleaner.apply_edits("Hoà bình và thuỷ lợi", result.edits) == result.text
    redacted = cleaner.redact_pii_and_explain(PHONE)
    assert isinstance(redacted, Explained)
    assert cleaner.apply_edits(PHONE, redacted.edits) == redacted.text


def test_stripped_is_a_named_pair_that_restore_inverts() -> None:
    result = cleaner.strip_boilerplate_and_explain(CREDITED)
    assert isinstance(result, Stripped)
    assert result.text == "Tổng thu nhập: 57,3 triệu Nhân tệ."
    assert [removal.reason for removal in result.removals] == ["byline_inline"]
    assert cleaner.restore(*result) == CREDITED
    assert cleaner.restore(result.text, result.removals) == CREDITED


lines = st.lists(
    st.sampled_from(
        [
            CREDITED,
            "Theo VOV",
            "Ảnh: Đức Đồng.",
            "Xem thêm:",
            "",
            "Hà Nội mưa to, nhiều tuyến phố ngập sâu.",
            "Tin liên quan",
        ]
    ),
    max_size=8,
)


# No deadline: a shared, loaded machine must not fail a law.
@settings(deadline=None)
@given(lines)
def test_restore_rebuilds_any_stripped_text(chosen: list[str]) -> None:
    text = "\n".join(chosen)
    assert cleaner.restore(*cleaner.strip_boilerplate_and_explain(text)) == text


@settings(deadline=None)
@given(
    st.text(alphabet="hoàaòuỷyủHÒA\u0300\u0301 .\n", max_size=30),
    st.sampled_from(get_args(ToneStyle)),
)
def test_options_and_config_give_the_same_edits(text: str, style: ToneStyle) -> None:
    config = NormalizeConfig(tone_style=style)
    assert cleaner.normalize_and_explain(text, config) == cleaner.normalize_and_explain(
        text, tone_style=style
    )


# --- the top level ---------------------------------------------------------------------


def test_the_top_level_is_short_and_every_name_is_documented() -> None:
    assert len(cleaner.__all__) < 41
    assert len(set(cleaner.__all__)) == len(cleaner.__all__)
    readme = README.read_text(encoding="utf-8")
    api = readme[readme.index("## API tour") : readme.index("## CLI tour")]
    for name in cleaner.__all__:
        if name == "__version__":
            continue
        assert inspect.getdoc(getattr(cleaner, name)), name
        assert re.search(rf"\b{re.escape(name)}\b", api), f"{name} is not in the README's API"


@pytest.mark.parametrize("name", sorted(cleaner._MOVED))
def test_a_moved_name_still_resolves_with_a_warning_naming_its_new_module(name: str) -> None:
    module = cleaner._MOVED[name]
    with pytest.warns(DeprecationWarning, match=rf"use: from {re.escape(module)} import {name}$"):
        old = getattr(cleaner, name)
    assert old is getattr(importlib.import_module(module), name)
    assert name not in cleaner.__all__


def test_from_import_of_a_moved_name_warns_and_unknown_names_still_fail() -> None:
    with pytest.warns(DeprecationWarning, match="from cleaner.stages import NormalizeStage"):
        from cleaner import NormalizeStage  # noqa: F401
    with pytest.raises(AttributeError, match="has no attribute 'normalise'"):
        cleaner.normalise  # noqa: B018
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from cleaner import speedups  # a submodule, not a moved name

        assert speedups.__name__ == "cleaner.speedups"


# --- one vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "old", "new"),
    [
        (Match("a", 1.0), "key", "id"),
        (Passage("a", 2, 10, 20), "doc_id", "id"),
        (Passage("a", 2, 10, 20), "paragraph", "line_no"),
        (Event("a", "dedup", "near_duplicate", "drop"), "record_id", "id"),
    ],
    ids=["Match.key", "Passage.doc_id", "Passage.paragraph", "Event.record_id"],
)
def test_a_renamed_attribute_still_reads_with_a_warning(value: object, old: str, new: str) -> None:
    owner = type(value).__name__
    with pytest.warns(DeprecationWarning, match=f"{owner}.{old} is deprecated; use {owner}.{new}"):
        assert getattr(value, old) == getattr(value, new)


def test_the_table_adapters_name_columns_text_field_and_id_field_old_keywords_warn() -> None:
    pd = pytest.importorskip("pandas")
    from cleaner.frames import clean_frame, dedup_frame

    frame = pd.DataFrame({"body": [TONES, TONES + "."], "doc": ["x", "y"], "site": ["a", "a"]})
    expected = dedup_frame(frame, text_field="body", id_field="doc", drop=False)
    assert expected["duplicate_of"].tolist()[0] == "y"  # the longer text is kept
    with pytest.warns(DeprecationWarning, match=r"dedup_frame\(id=...\) is deprecated"):
        old = dedup_frame(frame, "body", id="doc", drop=False)
    assert old.equals(expected)
    with pytest.warns(DeprecationWarning, match=r"dedup_frame\(text=...\) is deprecated"):
        assert len(dedup_frame(frame, text="body")) == 1
    with pytest.warns(DeprecationWarning, match=r"clean_frame\(source=...\) is deprecated"):
        cleaned = clean_frame(frame, "body", source="site")
    assert cleaned.equals(clean_frame(frame, "body", source_field="site"))


def test_matches_and_passages_name_the_document_id() -> None:
    index = cleaner.NearDuplicateIndex()
    index.add("a", DUPLICATES[0][1])
    assert [match.id for match in index.query(DUPLICATES[1][1])] == ["a"]
    repeated = "Mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu."
    found = cleaner.find_near_duplicates(
        [("x", f"Mở đầu.\n{repeated}"), ("y", repeated)], level="passage"
    )
    assert [(d.passage.id, d.passage.line_no, d.duplicate_of.id) for d in found.passages] == [
        ("y", 0, "x")
    ]


def test_the_index_methods_take_id_and_the_old_key_keyword_warns() -> None:
    index = cleaner.NearDuplicateIndex()
    index.add(id="a", text=DUPLICATES[0][1])
    with pytest.warns(DeprecationWarning, match=r"check_and_add\(key=...\) is deprecated; use id="):
        matches = index.check_and_add(key="b", text=DUPLICATES[1][1])
    assert [match.id for match in matches] == ["a"]
    with pytest.warns(DeprecationWarning, match=r"add\(key=...\) is deprecated; use id=..."):
        index.add(key="c", text="Một tin hoàn toàn khác về giá lúa gạo ở đồng bằng sông Cửu Long")
    assert len(index) == 2
    with pytest.raises(TypeError, match="got both 'key' and 'id'"):
        index.add(key="d", id="d", text="x")  # type: ignore[call-arg]
    assert inspect.signature(cleaner.NearDuplicateIndex.add).parameters.keys() == {
        "self",
        "id",
        "text",
    }


def test_a_dropped_document_is_explained_by_one_builder_in_the_api_and_the_run() -> None:
    from cleaner.dedup.engine import DedupCorpus
    from cleaner.stages import _document_drops

    result = cleaner.find_near_duplicates(DUPLICATES)
    with DedupCorpus(DedupConfig()) as corpus:
        corpus.add((id_, text, {}) for id_, text in DUPLICATES)
        drops = _document_drops(corpus)
    [duplicate] = result.duplicates
    assert (duplicate.id, duplicate.duplicate_of) == ("a", "b")  # the longer text is kept
    assert drops == {0: duplicate.detail()}
    assert duplicate.detail() == {
        "reason": "near_duplicate",
        "duplicate_of": "b",
        "jaccard": 1.0,
        "via": "b",
        "via_jaccard": 1.0,
    }


def test_each_literal_has_its_choices_in_one_place() -> None:
    from cleaner.boilerplate import CAPTIONS, Captions
    from cleaner.dedup import LEVELS, VERIFY_MODES, Level, Verify
    from cleaner.normalize.base import TONE_STYLES, ToneStyle
    from cleaner.normalize.encodings import LEGACY_MODES, Legacy
    from cleaner.quality.stage import QUALITY_MODES, QualityMode

    pairs = [
        (TONE_STYLES, ToneStyle),
        (LEGACY_MODES, Legacy),
        (VERIFY_MODES, Verify),
        (LEVELS, Level),
        (QUALITY_MODES, QualityMode),
        (CAPTIONS, Captions),
    ]
    for choices, literal in pairs:
        assert choices == get_args(literal)
