"""Keep policies: which record of a near-duplicate cluster is kept, on every engine.

The article is a short news story in the style republished across Vietnamese
sites (the same wire story on vnexpress.net, baomoi.com and a .gov.vn
portal), written for these tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import ConfigError, DedupConfig, InputError, Record, find_near_duplicates
from cleaner.dedup import KeepPolicy, parse_keep

ARTICLE = (
    "Sáng nay, Ủy ban nhân dân thành phố Hà Nội tổ chức hội nghị tổng kết công tác phòng "
    "chống thiên tai năm 2024. Theo báo cáo, cơn bão số 3 đã làm hàng nghìn cây xanh bị "
    "đổ, nhiều tuyến phố ngập sâu và gây thiệt hại lớn cho người dân ở các quận ven sông Hồng."
)
LONGER = ARTICLE + " Thành phố sẽ hỗ trợ các hộ dân bị thiệt hại."


def kept(records: list[Record], keep: Any = "longest") -> list[str]:
    return find_near_duplicates(records, keep=keep).kept


def rec(record_id: str, text: str = ARTICLE, **fields: Any) -> Record:
    return Record(record_id, text, fields)


# -- longest (the default) and first ---------------------------------------------------------


def test_longest_keeps_the_longest_text_then_the_first_seen() -> None:
    assert kept([rec("b"), rec("a"), rec("c", LONGER)]) == ["c"]
    assert kept([rec("b"), rec("a")]) == ["b"]
    assert kept([rec("100"), rec("22")]) == ["100"]  # never string or number order


def test_first_keeps_input_order_whatever_the_length() -> None:
    assert kept([rec("z"), rec("a", LONGER)], keep="first") == ["z"]


def test_plain_texts_and_pairs_tie_the_same_way() -> None:
    assert find_near_duplicates([ARTICLE, ARTICLE]).kept == ["0"]
    assert find_near_duplicates([(100, ARTICLE), (22, ARTICLE)]).kept == ["100"]


@settings(max_examples=25, deadline=None)
@given(st.permutations(["a", "b", "c", "d"]))
def test_ties_always_go_to_the_first_seen(order: list[str]) -> None:
    assert kept([rec(name) for name in order]) == [order[0]]


# -- newest:FIELD ----------------------------------------------------------------------------


def test_newest_keeps_the_latest_date_even_when_shorter() -> None:
    records = [rec("old", LONGER, date="2024-09-07"), rec("new", date="2024-09-08T06:00:00")]
    assert kept(records, "newest:date") == ["new"]


def test_newest_compares_instants_across_time_zones() -> None:
    # 08:00 in Hanoi (+07:00) is 01:00 UTC, before 02:00Z.
    records = [rec("hanoi", date="2024-09-08T08:00:00+07:00"), rec("utc", date="2024-09-08T02:00Z")]
    assert kept(records, "newest:date") == ["utc"]


def test_newest_reads_seconds_since_1970() -> None:
    assert kept([rec("a", ts=1_725_000_000), rec("b", ts=1_726_000_000.5)], "newest:ts") == ["b"]


def test_newest_equal_dates_fall_back_to_longest_then_first_seen() -> None:
    same = "2024-09-08"
    assert kept([rec("a", date=same), rec("b", LONGER, date=same)], "newest:date") == ["b"]
    assert kept([rec("a", date=same), rec("b", date=same)], "newest:date") == ["a"]


def test_newest_ranks_records_without_the_field_last() -> None:
    records = [
        rec("undated", LONGER),
        rec("null", LONGER, date=None),
        rec("dated", date="2020-01-01"),
    ]
    assert kept(records, "newest:date") == ["dated"]
    assert kept([rec("x"), rec("y", LONGER)], "newest:date") == ["y"]


def test_newest_refuses_a_value_that_is_no_date() -> None:
    with pytest.raises(InputError, match=r"record 'b' has date='8/9/2024'"):
        kept([rec("a", date="2024-09-08"), rec("b", date="8/9/2024")], "newest:date")


# -- priority:FILE ---------------------------------------------------------------------------


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    path = tmp_path / "sources.txt"
    path.write_text("# preferred first\n*.gov.vn\nVnExpress.net  # the original\n\n", "utf-8")
    return path


def test_priority_keeps_the_earliest_listed_source(sources: Path) -> None:
    records = [
        rec("copy", LONGER, source="baomoi.com"),
        rec("press", source="vnexpress.net"),
        rec("portal", source="hanoi.gov.vn"),
    ]
    assert kept(records, f"priority:{sources}") == ["portal"]
    assert kept(records[:2], f"priority:{sources}") == ["press"]


def test_priority_unlisted_and_missing_sources_rank_last_then_longest(sources: Path) -> None:
    records = [rec("a", source="baomoi.com"), rec("b", LONGER), rec("c", source="zing.vn")]
    assert kept(records, f"priority:{sources}") == ["b"]


def test_priority_reads_the_named_source_field(sources: Path) -> None:
    policy = parse_keep(f"priority:{sources}", source_field="site")
    records = [rec("a", LONGER, site="baomoi.com"), rec("b", site="vnexpress.net")]
    assert kept(records, policy) == ["b"]


def test_priority_file_errors_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the keep priority file"):
        parse_keep(f"priority:{tmp_path / 'missing.txt'}")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", "utf-8")
    with pytest.raises(ConfigError, match="lists no source"):
        parse_keep(f"priority:{empty}")


# -- spellings, config and passages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("biggest", "unknown keep policy 'biggest'"),
        ("newest", "needs an argument: newest:FIELD"),
        ("first:x", "takes no argument"),
    ],
)
def test_bad_spellings_name_the_policies(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DedupConfig(keep=spec)


def test_config_shows_its_policy_so_resume_fingerprints_see_it() -> None:
    assert repr(DedupConfig(keep="newest:date")) != repr(DedupConfig())
    assert "0x" not in repr(DedupConfig(keep=lambda i, t: -len(t)))
    assert DedupConfig(keep="first").keep == KeepPolicy("first")


def test_passage_level_keeps_the_paragraph_of_the_preferred_document() -> None:
    shared = "Người dân ven sông được khuyến cáo không ra khỏi nhà khi nước lên nhanh trong đêm."
    records = [
        rec("old", f"Tin cũ về mưa lũ.\n{shared}", date="2024-09-07"),
        rec("new", f"Tin mới nhất.\n{shared}", date="2024-09-08"),
    ]
    found = find_near_duplicates(records, level="passage", keep="newest:date")
    assert [(d.passage.id, d.duplicate_of.id) for d in found.passages] == [("old", "new")]


# -- the command line: --keep, and identical output for any workers and shard size ------------


def cleaner(*args: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, args)], capture_output=True, check=False
    )


STORIES = [
    ARTICLE,
    "Giá xăng RON 95 giảm hơn 500 đồng mỗi lít từ 15 giờ chiều nay theo quyết định điều hành "
    "của liên Bộ Công Thương và Tài chính, mức giảm mạnh nhất kể từ đầu năm đến nay.",
    "Đội tuyển bóng đá Việt Nam thắng Lào ba bàn không gỡ trên sân Mỹ Đình tối qua, qua đó "
    "giành ngôi đầu bảng và rộng cửa vào bán kết giải vô địch Đông Nam Á năm nay.",
]


def write_corpus(path: Path) -> Path:
    rows = []
    for number, story in enumerate(STORIES):
        # Three copies of each story: equal lengths (ties), the second dated later.
        day = f"2024-09-0{number + 1}"
        rows += [
            {"id": f"{number}-a", "text": story, "date": day},
            {"id": f"{number}-b", "text": story, "date": f"{day}T12:00:00"},
            {"id": f"{number}-c", "text": story, "date": day},
        ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


# Each policy against one worker with one shard, and one spread of workers and
# shards (each run spawns its workers: a second of CPU apiece).
@pytest.mark.parametrize(
    ("policy", "suffix", "spread"), [("longest", "a", (2, 2)), ("newest:date", "b", (3, 1))]
)
def test_cli_keep_is_byte_identical_for_any_workers_and_shard_size(
    tmp_path: Path, policy: str, suffix: str, spread: tuple[int, int]
) -> None:
    src = write_corpus(tmp_path / "in.jsonl")
    outputs = []
    for workers, shard in ((1, 1000), spread):
        out = tmp_path / f"out-{workers}-{shard}.jsonl"
        done = cleaner(
            "run", src, "--out", out, "--keep", policy, "--skip", "boilerplate",
            "--workers", workers, "--shard-size", shard, "--quiet",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    ids = [json.loads(line)["id"] for line in outputs[0].splitlines()]
    assert ids == [f"{number}-{suffix}" for number in range(len(STORIES))]


def test_cli_bad_keep_is_a_usage_error(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl")
    done = cleaner("run", src, "--out", tmp_path / "o.jsonl", "--keep", "oldest", "--quiet")
    assert done.returncode == 2
    assert b"unknown keep policy 'oldest'" in done.stderr
    index = ("--index", tmp_path / "seen.idx", "--update-index")
    done = cleaner("run", src, "--out", tmp_path / "o.jsonl", "--keep", "first", *index)
    assert done.returncode == 2
    assert b"--keep does not apply with --index" in done.stderr
    assert b"newest:FIELD" in cleaner("run", "--help").stdout


def test_pipeline_dedup_stage_takes_a_policy() -> None:
    from cleaner import Pipeline
    from cleaner.stages import DedupStage

    records = [rec("old", LONGER, date="2024-09-07"), rec("new", date="2024-09-08")]
    stage = DedupStage(DedupConfig(keep="newest:date"))
    assert [r.id for r in Pipeline([stage]).run(records)] == ["new"]


# -- the table adapters ------------------------------------------------------------------------


def test_frames_keep_reads_the_policy_column_dates_or_timestamps() -> None:
    pd = pytest.importorskip("pandas")
    from cleaner.frames import dedup_frame

    frame = pd.DataFrame(
        {"text": [LONGER, ARTICLE], "date": ["2024-09-07", "2024-09-08"]}, index=[10, 20]
    )
    assert list(dedup_frame(frame, keep="newest:date").index) == [20]
    stamped = frame.assign(date=pd.to_datetime(frame["date"]))
    assert list(dedup_frame(stamped, keep="newest:date").index) == [20]
    assert list(dedup_frame(frame).index) == [10]
    missing = frame.assign(date=[None, None])
    assert list(dedup_frame(missing, keep="newest:date").index) == [10]


def test_hf_dedup_keep_priority(sources: Path) -> None:
    datasets = pytest.importorskip("datasets")
    from cleaner.hf import dedup_dataset

    rows = {"text": [LONGER, ARTICLE], "source": ["baomoi.com", "vnexpress.net"]}
    dataset = datasets.Dataset.from_dict(rows)
    assert dedup_dataset(dataset, keep=f"priority:{sources}")["source"] == ["vnexpress.net"]
    streaming = dataset.to_iterable_dataset()
    kept_rows = list(dedup_dataset(streaming, keep=f"priority:{sources}"))
    assert [row["source"] for row in kept_rows] == ["vnexpress.net"]
