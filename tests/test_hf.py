"""Hugging Face datasets through ``cleaner.hf``: in memory and streaming, as ``cleaner run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError, InputError
from table_corpus import TIE, cleaner_run, corpus

datasets = pytest.importorskip("datasets")
from cleaner.hf import clean_dataset, dedup_dataset  # noqa: E402 - after the skip

datasets.disable_progress_bars()


def kept(dataset: Any) -> dict[Any, str]:
    return {row["id"]: row["text"] for row in dataset}


def test_dataset_keeps_what_cleaner_run_keeps(tmp_path: Path) -> None:
    expected = cleaner_run(corpus(), tmp_path)
    out = dedup_dataset(clean_dataset(datasets.Dataset.from_list(corpus())))
    assert isinstance(out, datasets.Dataset)
    assert list(kept(out)) == list(expected)
    assert kept(out) == expected


def test_streaming_dataset_keeps_what_cleaner_run_keeps(tmp_path: Path) -> None:
    expected = cleaner_run(corpus(), tmp_path)
    stream = datasets.Dataset.from_list(corpus()).to_iterable_dataset(num_shards=2)
    out = dedup_dataset(clean_dataset(stream))
    assert isinstance(out, datasets.IterableDataset)
    assert kept(out) == expected


def test_clean_dataset_writes_what_cleaner_run_skip_dedup_writes(tmp_path: Path) -> None:
    expected = cleaner_run(corpus(), tmp_path, "--skip", "dedup")
    assert kept(clean_dataset(datasets.Dataset.from_list(corpus()))) == expected


def test_two_processes_give_the_same_rows() -> None:
    dataset = datasets.Dataset.from_list(corpus())
    one = dedup_dataset(clean_dataset(dataset, explain=True), explain=True)
    two = dedup_dataset(clean_dataset(dataset, num_proc=2, explain=True), num_proc=2, explain=True)
    assert one.to_list() == two.to_list()


def test_explanation_names_rows_by_the_id_column() -> None:
    dataset = datasets.Dataset.from_list(corpus())
    out = dedup_dataset(dataset, id_field="id", drop=False, explain=True)
    rows = {row["id"]: row for row in out}
    assert rows[3000]["duplicate_of"] == 1000 and rows[3000]["jaccard"] == 1.0
    assert rows[1000]["cluster_id"] == 1000 and rows[1000]["cluster_size"] == 3
    assert rows[5]["cluster_id"] is None and rows[5]["cluster_size"] == 1


def test_without_id_column_rows_are_named_by_number() -> None:
    stream = datasets.Dataset.from_dict({"text": [TIE + "!", TIE + "."]}).to_iterable_dataset()
    out = list(dedup_dataset(stream, drop=False, explain=True))
    assert [row["duplicate_of"] for row in out] == [None, 0]


def test_clean_explanation_lists_removed_spans_and_no_content() -> None:
    dataset = datasets.Dataset.from_list(corpus())
    rows = {r["id"]: r for r in clean_dataset(dataset, drop=False, explain=True)}
    assert rows[5]["removed_reasons"][-1] == "no_content"
    assert "related_news_block" in rows[1000]["removed_reasons"]
    assert len(rows[1000]["removed_spans"]) <= len(rows[1000]["removed_reasons"])


def test_equal_length_duplicates_keep_the_first_row() -> None:
    dataset = datasets.Dataset.from_dict({"id": [22, 100], "text": [TIE + "!", TIE + "."]})
    assert dedup_dataset(dataset)["id"] == [22]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: clean_dataset(d.to_list()), "expected a datasets.Dataset"),
        (lambda d: clean_dataset(d, text_field="body"), "no text column 'body'"),
        (lambda d: clean_dataset(d, tone="x"), "unknown clean option"),
        (lambda d: dedup_dataset(d, treshold=0.5), "unknown dedup option"),
        (lambda d: dedup_dataset(d, id_field="source"), "ids must be unique"),
        (lambda d: dedup_dataset(d, id_field="doc"), "no id column"),
        (lambda d: dedup_dataset(d.add_column("jaccard", [0.0] * 3), explain=True), "already"),
    ],
)
def test_bad_calls_raise_config_errors(call: Any, message: str) -> None:
    dataset = datasets.Dataset.from_dict(
        {"id": [1, 2, 3], "text": ["Hà Nội", "Huế", "Đà Nẵng"], "source": ["a", "a", "b"]}
    )
    with pytest.raises(ConfigError, match=message):
        call(dataset)


def test_a_missing_text_names_its_row() -> None:
    dataset = datasets.Dataset.from_dict({"text": ["Hà Nội", None]})
    with pytest.raises(InputError, match="row 1"):
        dedup_dataset(dataset)
