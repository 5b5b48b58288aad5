"""A wrong argument type fails at the entry point, with a message that says what to pass.

``None``, ``bytes``, a number or a list where a text is due (or a lone text
where a collection is due) raises :class:`cleaner.errors.ArgumentTypeError`:
a ``TypeError`` and a ``CleanerError``, never an ``AttributeError`` from
deep inside. Bytes are told to be decoded first.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner.boilerplate import strip_boilerplate_result
from cleaner.errors import ArgumentTypeError
from cleaner.io import RecordWriter
from cleaner.stages import BoilerplateStage, NormalizeStage

NOT_TEXT: list[Any] = [None, "Hà Nội".encode(), 5, ["Hà Nội"]]
NOT_COLLECTION: list[Any] = [None, "Hà Nội", "Hà Nội".encode(), 5]
NOT_ITEM: list[Any] = [None, "Hà Nội".encode(), 5, ["Hà Nội"], ("a", None), {"text": b"x"}]

# Each public function of cleaner.__all__, called with ``value`` where it is
# wrong. A new public function must be added here (see the coverage test).
TEXT_VERBS: dict[str, Callable[[Any], object]] = {
    "normalize": cleaner.normalize,
    "normalize_and_explain": cleaner.normalize_and_explain,
    "strip_boilerplate": cleaner.strip_boilerplate,
    "strip_boilerplate_and_explain": cleaner.strip_boilerplate_and_explain,
    "boilerplate.strip_boilerplate_result": strip_boilerplate_result,
    "restore": lambda value: cleaner.restore(value, []),
    "clean": cleaner.clean,
    "score_quality": cleaner.score_quality,
    "redact_pii": cleaner.redact_pii,
    "redact_pii_and_explain": cleaner.redact_pii_and_explain,
    "apply_edits": lambda value: cleaner.apply_edits(value, []),
}
COLLECTION_VERBS: dict[str, Callable[[Any], object]] = {
    "find_near_duplicates": cleaner.find_near_duplicates,
    "NearDuplicateIndex.query_many": cleaner.NearDuplicateIndex(num_perm=16).query_many,
    "MinHasher.signatures": cleaner.MinHasher(num_perm=16).signatures,
    "learn_boilerplate": cleaner.learn_boilerplate,
    "filter_quality": lambda value: list(cleaner.filter_quality(value)),
    "read_records": lambda value: list(cleaner.read_records(value)),
}
ITEM_VERBS: dict[str, Callable[[Any], object]] = {
    "find_near_duplicates": lambda value: cleaner.find_near_duplicates([value]),
    "learn_boilerplate": lambda value: cleaner.learn_boilerplate([value]),
    "filter_quality": lambda value: list(cleaner.filter_quality([value])),
}
# Functions whose arguments are options (ConfigError, checked elsewhere) or paths.
OPTION_VERBS = {"load_quality_config"}

hasher = cleaner.MinHasher(num_perm=16)
METHOD_TEXT_VERBS: dict[str, Callable[[Any], object]] = {
    "MinHasher.signature": hasher.signature,
    "MinHasher.shingle_hashes": hasher.shingle_hashes,
    "MinHasher.signatures[item]": lambda value: hasher.signatures([value]),
    "NearDuplicateIndex.add": lambda value: cleaner.NearDuplicateIndex(num_perm=16).add("k", value),
    "NearDuplicateIndex.add key": lambda v: cleaner.NearDuplicateIndex(num_perm=16).add(v, "Huế"),
    "NearDuplicateIndex.query": lambda value: cleaner.NearDuplicateIndex(num_perm=16).query(value),
    "Pipeline.run Record.text": lambda value: list(
        cleaner.Pipeline([NormalizeStage()]).run([cleaner.Record("a", value)])
    ),
}


def assert_says_what_to_pass(error: pytest.ExceptionInfo[BaseException], value: object) -> None:
    assert isinstance(error.value, TypeError)
    assert isinstance(error.value, cleaner.CleanerError)
    message = str(error.value)
    assert "must be" in message or "expected" in message
    if isinstance(value, bytes):
        assert "decode it first" in message


def test_every_public_function_is_checked_here() -> None:
    functions = {
        name
        for name in cleaner.__all__
        if inspect.isfunction(getattr(cleaner, name)) and not name.startswith("_")
    }
    checked = {name for name in [*TEXT_VERBS, *COLLECTION_VERBS] if "." not in name}
    checked |= OPTION_VERBS
    assert functions == checked


@pytest.mark.parametrize("value", NOT_TEXT, ids=repr)
@pytest.mark.parametrize("name", [*TEXT_VERBS, *METHOD_TEXT_VERBS])
def test_a_text_verb_refuses_a_non_text(name: str, value: object) -> None:
    verb = {**TEXT_VERBS, **METHOD_TEXT_VERBS}[name]
    with pytest.raises(ArgumentTypeError) as error:
        verb(value)
    assert_says_what_to_pass(error, value)


@pytest.mark.parametrize("value", NOT_COLLECTION, ids=repr)
@pytest.mark.parametrize("name", COLLECTION_VERBS)
def test_a_collection_verb_refuses_a_non_collection(name: str, value: object) -> None:
    with pytest.raises(ArgumentTypeError) as error:
        COLLECTION_VERBS[name](value)
    assert_says_what_to_pass(error, value)
    if isinstance(value, str):
        assert "wrap a single item in a list" in str(error.value)


@pytest.mark.parametrize("value", NOT_ITEM, ids=repr)
@pytest.mark.parametrize("name", ITEM_VERBS)
def test_a_collection_verb_refuses_a_bad_item_and_names_it(name: str, value: object) -> None:
    with pytest.raises(ArgumentTypeError, match="item 0") as error:
        ITEM_VERBS[name](value)
    assert_says_what_to_pass(error, value)


@pytest.mark.parametrize("name", ITEM_VERBS)
def test_every_verb_takes_the_same_kinds_of_item(name: str) -> None:
    items = ["Hà Nội mưa to.", ("b", "Huế nắng."), {"id": "c", "text": "Đà Lạt se lạnh."}]
    for item in items:
        ITEM_VERBS[name](item)


@pytest.mark.parametrize("value", [None, b"x", 5, "x"], ids=repr)
def test_pipeline_refuses_what_is_not_a_list_of_stages_or_records(value: object) -> None:
    with pytest.raises(ArgumentTypeError):
        cleaner.Pipeline(value)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="stages\\[0\\]"):
        cleaner.Pipeline([value])  # type: ignore[list-item]
    pipeline = cleaner.Pipeline([NormalizeStage()])
    with pytest.raises(ArgumentTypeError, match="record 0"):
        list(pipeline.run([value]))  # type: ignore[list-item]
    if not isinstance(value, str):
        with pytest.raises(ArgumentTypeError, match="records must be"):
            list(pipeline.run(value))  # type: ignore[arg-type]


@pytest.mark.parametrize("workers", ["2", 0, 2.0])
def test_pipeline_worker_count_is_an_option_error(workers: object) -> None:
    with pytest.raises(cleaner.ConfigError, match="workers"):
        cleaner.Pipeline([NormalizeStage()], workers=workers)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, b"/tmp/x", 3, ["x"]], ids=repr)
def test_paths_refuse_a_non_path(value: object, tmp_path: Path) -> None:
    index = cleaner.NearDuplicateIndex(num_perm=16)
    for verb in (index.save, cleaner.NearDuplicateIndex.load, RecordWriter):
        with pytest.raises(ArgumentTypeError) as error:
            verb(value)
        assert_says_what_to_pass(error, value)
    if value is not None:
        with pytest.raises(ArgumentTypeError):
            cleaner.load_quality_config(value)  # type: ignore[arg-type]


def test_index_batches_refuse_a_non_collection_and_bad_pairs() -> None:
    index = cleaner.NearDuplicateIndex(num_perm=16)
    with pytest.raises(ArgumentTypeError, match="items must be"):
        index.add_many(None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="a \\(key, text\\) pair"):
        index.add_many(["Huế"])  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match="decode it first"):
        index.add_many([("k", "Huế".encode())])  # type: ignore[list-item]


def test_option_values_stay_config_errors() -> None:
    with pytest.raises(cleaner.ConfigError, match="num_perm must be an integer"):
        cleaner.MinHasher(num_perm="128")  # type: ignore[arg-type]
    with pytest.raises(cleaner.ConfigError, match="tone_style"):
        cleaner.normalize("hoà", tone_style="new")


# Options the issue 21 audit left raising TypeError/AttributeError (SECURITY.md's old limits).
BAD_OPTIONS: dict[str, Callable[[], object]] = {
    "strip templates": lambda: cleaner.strip_boilerplate("Huế", templates=5),
    "strip extra_rules int": lambda: cleaner.strip_boilerplate("Huế", extra_rules=5),
    "strip extra_rules item": lambda: cleaner.strip_boilerplate("Huế", extra_rules=[5]),
    # A lone path used to be split into one-character file names.
    "strip extra_rules lone path": lambda: cleaner.strip_boilerplate("Huế", extra_rules="vi.txt"),
    "strip source": lambda: cleaner.strip_boilerplate("Huế", source=5),
    "strip min_content_syllables bool": lambda: cleaner.strip_boilerplate(
        "Huế", min_content_syllables=True
    ),
    "strip config": lambda: strip_boilerplate_result("Huế", config=5),
    "normalize fix_encoding list": lambda: cleaner.normalize("hoà", fix_encoding=[1]),
    "normalize fix_encoding 'no'": lambda: cleaner.normalize("hoà", fix_encoding="no"),
    "normalize ascii_punctuation dict": lambda: cleaner.normalize("hoà", ascii_punctuation={}),
    "normalize keep_layout None": lambda: cleaner.normalize("hoà", keep_layout=None),
    "learn min_docs": lambda: cleaner.learn_boilerplate(["Huế"], min_docs="a"),
    "learn min_fraction": lambda: cleaner.learn_boilerplate(["Huế"], min_fraction=None),
    "learn source": lambda: cleaner.learn_boilerplate(["Huế"], source=5),
    "learn width str": lambda: cleaner.learn_boilerplate(["Huế"], width="a"),
    "learn width not a power of two": lambda: cleaner.learn_boilerplate(["Huế"], width=3),
    "BoilerplateStage config": lambda: list(
        cleaner.Pipeline([BoilerplateStage(config=5)]).run([cleaner.Record("a", "Huế")])  # type: ignore[arg-type]
    ),
    "score_quality config": lambda: cleaner.score_quality("Huế", config=5),
}


@pytest.mark.parametrize("case", BAD_OPTIONS)
def test_bad_option_values_are_config_errors_naming_the_option(case: str) -> None:
    with pytest.raises(cleaner.ConfigError) as error:
        BAD_OPTIONS[case]()
    name = case.split()[1]
    assert name in str(error.value)
