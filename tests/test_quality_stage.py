"""The quality stage: drops or tags failing records, with reasons, scores and counters."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cleaner import ConfigError, Pipeline, Record
from cleaner.quality import QualityStage, load_quality_config
from conftest import load_vectors

CASES = {case["id"]: case["input"] for case in load_vectors("quality_cases.jsonl")}


def records() -> list[Record]:
    return [
        Record("health", CASES["health_news"]),
        Record("telex", CASES["telex_health_news"]),
        Record("casino", CASES["gambling_landing_page"]),
        Record("crackdown", CASES["betting_crackdown_is_not_spam"], {"source": "vov"}),
    ]


def test_drop_mode_drops_failing_records_under_their_first_reason() -> None:
    stage = QualityStage()
    kept, telex_events = stage.process(records()[1])
    assert kept is None
    [event] = telex_events
    assert (event.id, event.stage, event.reason, event.kind) == (
        "telex",
        "quality",
        "typing_debris",
        "drop",
    )
    assert event.detail["reasons"][0] == "typing_debris"
    assert event.detail["scores"]["debris_share"] > 0.5


def test_passing_record_keeps_its_text_and_meta_and_gets_scores() -> None:
    record, events = QualityStage().process(records()[3])
    assert events == []
    assert record is not None
    assert record.text == CASES["betting_crackdown_is_not_spam"]
    assert record.meta["source"] == "vov"
    assert record.meta["quality"]["reasons"] == []
    assert record.meta["quality"]["scores"]["syllables"] > 50


def test_tag_mode_keeps_every_record_and_counts_each_reason() -> None:
    stage = QualityStage(mode="tag")
    record, events = stage.process(records()[1])
    assert record is not None
    assert record.meta["quality"]["reasons"][0] == "typing_debris"
    assert [event.kind for event in events] == ["edit"] * len(events)
    assert events[0].reason == "typing_debris"


def test_pipeline_counts_quality_reasons() -> None:
    pipeline = Pipeline([QualityStage()])
    kept = [record.id for record in pipeline.run(records())]
    assert kept == ["health", "crackdown"]
    stats = pipeline.stats["quality"]
    assert (stats.records_in, stats.records_out) == (4, 2)
    assert stats.reasons == {"typing_debris": 1, "gambling_spam": 1}


def test_stage_with_a_user_config_survives_pickling(tmp_path: Path) -> None:
    path = tmp_path / "quality.toml"
    path.write_text("[spam]\nmax_gambling_per_1000 = 0\n", encoding="utf-8")
    stage = QualityStage(load_quality_config(path))
    copy = pickle.loads(pickle.dumps(stage))
    assert copy == stage
    record, _ = copy.process(records()[2])
    assert record is not None  # the gambling rule is off


def test_unknown_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="drop, tag"):
        QualityStage(mode="keep")  # type: ignore[arg-type]
