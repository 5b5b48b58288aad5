"""The real ``cleaner`` command, run in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import SEEDS


def cleaner(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_run_on_seeds_writes_five_clean_records(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = cleaner("run", SEEDS, "--out", out, "--stats", tmp_path / "stats.json")
    assert result.returncode == 0, result.stderr
    records = read_jsonl(out)
    assert len(records) == 5
    for record in records:
        text = str(record["text"])
        assert unicodedata.is_normalized("NFC", text)
        assert "\u00a0" not in text and "\r" not in text
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["records_in"] == 5 and stats["records_out"] == 5
    assert stats["stages"][0]["name"] == "normalize"
    assert "records in 5" in result.stderr.decode()


def test_seed_texts_come_out_as_the_golden_files(tmp_path: Path) -> None:
    result = cleaner("run", SEEDS, "--out", f"{tmp_path}/out/", "--quiet")
    assert result.returncode == 0, result.stderr
    for record in read_jsonl(tmp_path / "out" / "cleaned.jsonl"):
        stem = Path(str(record["id"])).stem
        golden = SEEDS / "expected" / f"{stem}.expected"
        assert record["text"] == golden.read_text(encoding="utf-8"), stem
    removed = read_jsonl(tmp_path / "out" / "removed.jsonl")
    assert {"related_news_block", "follow_line", "source_tag"} <= {r["reason"] for r in removed}
    assert all(r["stage"] == "boilerplate" and r["kind"] == "removal" for r in removed)


def test_lines_frequent_in_one_source_are_learned_and_removed(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    promo = "Đặt mua ấn phẩm đặc biệt của báo Xuân, gọi số 1900 1234."
    lines = []
    crops = ["lúa", "cà phê", "hồ tiêu", "cao su", "điều", "chè", "sắn", "ngô", "mía", "bông",
             "thanh long", "sầu riêng"]  # fmt: skip
    for i, crop in enumerate(crops):
        body = f"Giá {crop} ở đồng bằng tăng mạnh trong tuần qua, nông dân phấn khởi."
        lines.append(json.dumps({"id": f"a{i}", "text": f"{body}\n{promo}", "source": "a"}))
    lines.append(json.dumps({"id": "b0", "text": f"Một bài khác.\n{promo}", "source": "b"}))
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = cleaner("run", src, "--out", out, "--removed", tmp_path / "removed.jsonl", "--quiet")
    assert result.returncode == 0, result.stderr
    texts = {str(r["id"]): str(r["text"]) for r in read_jsonl(out)}
    assert all(promo not in texts[f"a{i}"] for i in range(12))
    assert promo in texts["b0"]  # one document of source b: not learned there
    removed = read_jsonl(tmp_path / "removed.jsonl")
    assert sum(r["reason"] == "site_template" for r in removed) == 12
    # Removal events name the line by its 0-based index, as Removal.line_no does.
    assert {r["line_no"] for r in removed if r["reason"] == "site_template"} == {1}
    skipped = cleaner("run", src, "--out", out, "--skip", "boilerplate", "--quiet")
    assert skipped.returncode == 0, skipped.stderr
    assert all(promo in str(r["text"]) for r in read_jsonl(out))


def test_out_directory_gets_every_output(tmp_path: Path) -> None:
    result = cleaner("run", SEEDS, "--out", f"{tmp_path}/out/", "--quiet")
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"cleaned.jsonl", "stats.json"}
    assert result.stderr == b""


def test_strict_mode_stops_with_one_line_naming_file_and_line(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "a", "text": "m\xe1\xbb\x99t"}\n{"id": "b", "text": 3}\n')
    result = cleaner("run", src, "--out", tmp_path / "out.jsonl", "--strict")
    assert result.returncode == 1
    message = result.stderr.decode().strip()
    assert message == f"cleaner: error: {src}:2: text field 'text' is int, not a string"
    assert not (tmp_path / "out.jsonl").exists()


def test_lenient_mode_counts_and_keeps_the_bad_line(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "a", "text": "hai"}\n{not json}\n{"id": "c", "text": "ba"}\n')
    stats = tmp_path / "stats.json"
    result = cleaner("run", src, "--out", tmp_path / "out.jsonl", "--stats", stats, "--quiet")
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["a", "c"]
    rejects = read_jsonl(tmp_path / "out.rejects.jsonl")
    assert rejects[0]["line"] == 2 and rejects[0]["reason"] == "bad_json"
    assert rejects[0]["raw"] == "{not json}\n"
    assert json.loads(stats.read_text())["rejected"] == {"bad_json": 1}


def test_missing_input_exits_1_without_traceback(tmp_path: Path) -> None:
    result = cleaner("run", tmp_path / "missing.jsonl", "--out", tmp_path / "o.jsonl")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().count("\n") == 1


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = cleaner("run", SEEDS, "--out", tmp_path / "o.jsonl", "--workers", "0")
    assert result.returncode == 2
    result = cleaner("run", SEEDS)
    assert result.returncode == 2


def test_stdin_input_and_parquet_output(tmp_path: Path) -> None:
    data = '{"id": "x", "text": "Hà\u00a0Nội"}\n'.encode()
    out = tmp_path / "out.parquet"
    result = cleaner("run", "-", "--out", out, "--format", "parquet", stdin=data)
    assert result.returncode == 0, result.stderr
    import pyarrow.parquet as pq

    assert pq.read_table(out).to_pylist() == [{"id": "x", "text": "Hà Nội"}]


def make_corpus(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"Bài {i}:\u00a0Hà  Nội\r\nVie\u0302\u0323t Nam số {i % 97}"
            handle.write(
                json.dumps({"id": f"d{i}", "text": text, "n": i}, ensure_ascii=False) + "\n"
            )
    return path


# Slow tier: test_run_parallel.py's test_output_is_identical_for_any_workers_and_shard_size
# compares one and two workers (records, removals and stats) in the fast tier.
@pytest.mark.slow
def test_two_workers_output_is_byte_identical(tmp_path: Path) -> None:
    src = make_corpus(tmp_path / "in.jsonl", 3000)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = cleaner("run", src, "--out", out, "--workers", workers, "--quiet")
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_killed_run_leaves_no_output(tmp_path: Path) -> None:
    src = make_corpus(tmp_path / "in.jsonl", 400_000)
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "run", str(src), "--out", str(out), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".out.jsonl.") for p in tmp_path.iterdir()):
        assert process.poll() is None, "run finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not out.exists()


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version(flag: str) -> None:
    result = cleaner(flag)
    assert result.returncode == 0


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "một"}\n{"id": "a", "text": "hai"}\n', encoding="utf-8")
    stats = tmp_path / "stats.json"
    result = cleaner("run", src, "--out", tmp_path / "o.jsonl", "--stats", stats)
    assert result.returncode == 0, result.stderr
    assert json.loads(stats.read_text())["duplicate_ids"] == {"count": 1, "first": ["a"]}
    assert "1 records reuse an earlier id (first: a)" in result.stderr.decode()


def test_resume_after_sigkill_gives_identical_output(tmp_path: Path) -> None:
    # Twelve shards, small ones: each takes a tenth of a second or more, far
    # longer than the 20 ms poll below, so the kill lands mid-run.
    src = make_corpus(tmp_path / "in.jsonl", 3000)
    reference = tmp_path / "reference.jsonl"
    result = cleaner("run", src, "--out", reference, "--quiet", "--shard-size", "250")
    assert result.returncode == 0, result.stderr

    out = tmp_path / "out.jsonl"
    work = tmp_path / ".out.jsonl.resume"
    args = [
        sys.executable,
        "-m",
        "cleaner",
        "run",
        str(src),
        "--out",
        str(out),
        "--quiet",
        "--shard-size",
        "250",
        "--resume",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (work / "part-00001.stats.json").exists():
        assert process.poll() is None, "run finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not out.exists()
    finished = len(list(work.glob("part-*.stats.json")))
    assert 2 <= finished < 12

    stats = tmp_path / "stats.json"
    result = cleaner(
        "run", src, "--out", out, "--quiet", "--shard-size", "250", "--resume", "--stats", stats
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == reference.read_bytes()
    assert not work.exists()
    report = json.loads(stats.read_text())
    assert report["records_in"] == 3000 and report["stages"][0]["records_in"] == 3000


def test_resume_refuses_changed_options(tmp_path: Path) -> None:
    src = make_corpus(tmp_path / "in.jsonl", 10)
    work = tmp_path / ".out.jsonl.resume"
    work.mkdir()
    (work / "fingerprint.json").write_text("{}", encoding="utf-8")
    result = cleaner("run", src, "--out", tmp_path / "out.jsonl", "--resume")
    assert result.returncode == 2
    assert b"cannot resume" in result.stderr


BAD_INPUTS = [
    (
        "invalid_utf8",
        b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "\xff\xfe"}\n',
        "invalid_utf8",
    ),
    ("nul_byte", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "a\x00b"}\n', "bad_json"),
    ("truncated", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "cut', "bad_json"),
    ("wrong_type", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": ["x"]}\n', "text_not_string"),
    ("missing_text", b'{"id": "a", "text": "ok"}\n{"id": "b", "body": "x"}\n', "missing_text"),
    ("not_object", b'{"id": "a", "text": "ok"}\n[1, 2]\n', "not_an_object"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_line_in_strict_mode_is_one_line_naming_file_and_line(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    src = tmp_path / f"{name}.jsonl"
    src.write_bytes(content)
    strict = cleaner("run", src, "--out", tmp_path / "s.jsonl", "--strict")
    assert strict.returncode == 1
    message = strict.stderr.decode()
    assert message.startswith(f"cleaner: error: {src}:2: ") and message.count("\n") == 1
    assert b"Traceback" not in strict.stderr


def test_bad_lines_in_lenient_mode_are_rejected_with_their_reason(tmp_path: Path) -> None:
    # One run over every bad file (a run per file cost a second each).
    reasons = {}
    for name, content, reason in BAD_INPUTS:
        src = tmp_path / f"{name}.jsonl"
        src.write_bytes(content)
        reasons[str(src)] = reason
    out = tmp_path / "l.jsonl"
    skip_dedup = ("--skip", "exact_dedup", "--skip", "dedup")  # every file's good line is "ok"
    lenient = cleaner("run", *reasons, "--out", out, "--quiet", *skip_dedup)
    assert lenient.returncode == 0, lenient.stderr
    assert [r["id"] for r in read_jsonl(out)] == ["a"] * len(BAD_INPUTS)
    rejects = read_jsonl(tmp_path / "l.rejects.jsonl")
    assert sorted((r["source"], r["line"], r["reason"]) for r in rejects) == sorted(
        (source, 2, reason) for source, reason in reasons.items()
    )


def test_empty_file_gives_empty_output(tmp_path: Path) -> None:
    src = tmp_path / "empty.jsonl"
    src.write_bytes(b"")
    result = cleaner("run", src, "--out", tmp_path / "o.jsonl", "--quiet")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o.jsonl").read_bytes() == b""


def test_over_long_record_is_rejected_not_fatal(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    long_text = "Hà Nội " * 200
    src.write_text(
        json.dumps({"id": "long", "text": long_text}) + "\n" + '{"id": "short", "text": "ok"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    result = cleaner("run", src, "--out", out, "--quiet", "--max-record-bytes", "500")
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in read_jsonl(out)] == ["short"]
    assert read_jsonl(tmp_path / "o.rejects.jsonl")[0]["reason"] == "record_too_large"


def test_unreadable_parquet_is_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "broken.parquet"
    src.write_bytes(b"PAR1 this is not parquet")
    result = cleaner("run", src, "--out", tmp_path / "o.jsonl")
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"cleaner: error: {src}")
    assert result.stderr.decode().count("\n") == 1


def test_layout_is_kept_unless_collapse_layout_is_given(tmp_path: Path) -> None:
    table = "Bảng giá gói cước tháng này:\n  - Gói A:   100.000đ\n  - Gói B:   250.000đ\n"
    src = tmp_path / "bang_gia.txt"
    src.write_text(table, encoding="utf-8")
    kept = cleaner("run", src, "--out", tmp_path / "kept.jsonl", "--quiet", "--skip", "dedup")
    collapsed = cleaner(
        "run", src, "--out", tmp_path / "collapsed.jsonl", "--quiet", "--skip", "dedup",
        "--collapse-layout",
    )  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert collapsed.returncode == 0, collapsed.stderr
    assert "  - Gói A:   100.000đ" in read_jsonl(tmp_path / "kept.jsonl")[0]["text"]
    assert "- Gói A: 100.000đ" in read_jsonl(tmp_path / "collapsed.jsonl")[0]["text"]
