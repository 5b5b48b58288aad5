"""PII redaction: what is redacted, what is left alone, replayable edits, the stage and the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cleaner
from cleaner import ConfigError, PiiConfig, Record, apply_edits
from cleaner.pii import PII_KINDS, _phone_checker, redact_pii, redact_pii_and_explain
from cleaner.stages import PiiStage
from conftest import cleaner_run, load_vectors

CASES = load_vectors("pii_cases.jsonl")
#: A real-shaped contact line with one of every kind (numbers made up).
CONTACT = (
    "Liên hệ: 0912 345 678, nam.tran@example.vn, máy chủ 10.0.0.7; CCCD 001203004567; "
    "MST 0101234567; STK 19036512345018."
)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vector_is_redacted_as_expected(case: dict[str, Any]) -> None:
    assert redact_pii(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vector_edits_replay_to_the_redacted_text(case: dict[str, Any]) -> None:
    text, edits = redact_pii_and_explain(case["input"])
    assert apply_edits(case["input"], edits) == text
    assert all(edit.kind in PII_KINDS for edit in edits)


def test_every_kind_is_named_in_its_edit() -> None:
    _, edits = redact_pii_and_explain(CONTACT)
    assert [edit.kind for edit in edits] == [
        "pii_phone",
        "pii_email",
        "pii_ip",
        "pii_id_number",
        "pii_tax_code",
        "pii_bank_account",
    ]


def test_token_option_formats_the_label() -> None:
    assert redact_pii("Gọi 0912 345 678 nhé", token="[{label}]") == "Gọi [PHONE] nhé"
    assert redact_pii("Gọi 0912 345 678 nhé", token="***") == "Gọi *** nhé"


def test_kinds_option_redacts_only_those_kinds() -> None:
    redacted = redact_pii(CONTACT, kinds=("pii_email",))
    assert "<EMAIL>" in redacted
    assert "0912 345 678" in redacted and "001203004567" in redacted


def test_config_object_and_options_combine() -> None:
    config = PiiConfig(token="#")
    assert redact_pii("a@b.vn", config=config) == "#"
    assert redact_pii("a@b.vn", config=config, token="?") == "?"


@pytest.mark.parametrize(
    "options",
    [
        {"kinds": ("pii_passport",)},
        {"token": "{name}"},
        {"token": "{"},
        {"token": "{}"},
        {"colour": "red"},
        {"config": "not a config"},
    ],
)
def test_bad_option_is_a_config_error(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        redact_pii("a@b.vn", **options)


def test_phones_without_phonenumbers_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "phonenumbers", None)
    _phone_checker.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"vn-cleaner\[pii\]"):
            redact_pii("Gọi 0912 345 678")
        # The other kinds need no extra.
        assert redact_pii("a@b.vn", kinds=("pii_email",)) == "<EMAIL>"
    finally:
        _phone_checker.cache_clear()


# Text built from the pieces PII and its false friends are made of.
PIECES = st.sampled_from(
    [
        "0912 345 678",
        "024.3942.4120",
        "+84 90 123 4567",
        "1900 1234",
        "113",
        "a.b@c.vn",
        "192.168.1.1",
        "2001:db8::1",
        "CCCD",
        "MST",
        "STK",
        "số",
        ":",
        "001203004567",
        "0101234567",
        "1.500.000",
        "đồng",
        "100/2019/NĐ-CP",
        "ngày",
        "12/3/2024",
        "Hà Nội",
        " ",
        "\n",
        ".",
        ",",
        "-",
    ]
)
TEXTS = st.lists(PIECES, max_size=20).map(" ".join) | st.text(
    alphabet="0123456789 .-+()@:abcđ\n", max_size=60
)


@given(TEXTS)
def test_edits_always_replay(text: str) -> None:
    redacted, edits = redact_pii_and_explain(text)
    assert apply_edits(text, edits) == redacted


@given(TEXTS)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact_pii(text)
    assert redact_pii(once) == once


def test_stage_counts_kinds_without_the_values() -> None:
    record, events = PiiStage().process(Record("r1", CONTACT))
    assert record is not None and "<PHONE>" in record.text
    assert {(event.reason, event.count) for event in events} == {(kind, 1) for kind in PII_KINDS}
    assert all(event.kind == "edit" and not event.detail for event in events)
    assert "0912" not in repr(events)


def test_api_exports() -> None:
    assert cleaner.redact_pii is redact_pii
    assert cleaner.redact_pii_and_explain is redact_pii_and_explain


# --- the CLI -----------------------------------------------------------------------------


def write_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    records = [
        {"id": "contact", "text": CONTACT},
        # Two ads differing only in the phone number: one after redaction.
        {"id": "ad1", "text": "Cần bán nhà mặt phố Hàng Bông, chính chủ, liên hệ 0912 345 678."},
        {"id": "ad2", "text": "Cần bán nhà mặt phố Hàng Bông, chính chủ, liên hệ 0987 654 321."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_cli_pii_redact_writes_tokens_and_counts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cleaner_run(
        "--quiet",
        write_input(tmp_path),
        "--out",
        f"{out}/",
        "--pii",
        "redact",
        "--skip",
        "boilerplate",
    )
    assert result.returncode == 0, result.stderr
    kept = [json.loads(line) for line in (out / "cleaned.jsonl").read_text("utf-8").splitlines()]
    assert [record["id"] for record in kept] == ["contact", "ad1"]
    assert "<BANK_ACCOUNT>" in kept[0]["text"]
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    [pii] = [stage for stage in stats["stages"] if stage["name"] == "pii"]
    assert pii["reasons"] == {
        "pii_phone": 3,
        "pii_email": 1,
        "pii_ip": 1,
        "pii_id_number": 1,
        "pii_tax_code": 1,
        "pii_bank_account": 1,
    }
    # Nothing written keeps a redacted value.
    written = "".join(path.read_text("utf-8") for path in out.iterdir())
    assert "0912 345 678" not in written and "nam.tran@example.vn" not in written


def test_cli_bad_token_is_a_clear_error(tmp_path: Path) -> None:
    result = cleaner_run(
        "--quiet",
        write_input(tmp_path),
        "--out",
        tmp_path / "o.jsonl",
        "--pii",
        "redact",
        "--pii-token",
        "{name}",
    )
    assert result.returncode != 0
    assert "{label}" in result.stderr and "Traceback" not in result.stderr
