"""The whole ``cleaner run`` (normalize, boilerplate, dedup), 1 and 2 workers, and the I/O floor.

Three inputs: the dev corpus (with its ``source`` field, so per-site
templates are learned per site), a generated corpus of real sentences from
the dev corpus with site chrome (see :func:`write_generated`), and tiny
records (one short sentence each). Every run is a fresh process; its wall
time, CPU time (the run and its workers) and peak RSS (the largest single
process) are measured. The I/O floor reads the same JSONL, NFC-normalizes
the text and writes it back, in Python, in the same way.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from benchmarks.bench_scaling import generate
from benchmarks.common import Table, iter_docs

#: MB of generated corpus (the issue asks >= 1 GB; this shared 2-core machine
#: runs the full pipeline at a few MB/s, so the full run uses this much).
GENERATED_MB = 100
TINY_RECORDS = 200_000

_IO_FLOOR = """
import sys, unicodedata, orjson
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as out:
    for line in src:
        record = orjson.loads(line)
        record["text"] = unicodedata.normalize("NFC", record["text"])
        out.write(orjson.dumps(record) + b"\\n")
"""

_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True)
if result.returncode:
    sys.exit(result.stderr.decode())
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""

SITES = {
    "vnexpress": ("Đã lưu bài viết", "Theo VnExpress"),
    "dantri": ("Dân trí - Tin nóng", "Đường dây nóng: 0912 345 678"),
    "vov": ("VOV.VN -", "Theo VOV"),
}


def measure(args: list[str]) -> tuple[float, float, float]:
    """Run a command in a fresh process: (wall seconds, CPU seconds of its tree, peak RSS MB)."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, check=True
    )
    wall, cpu, rss = out.stdout.split()
    return float(wall), float(cpu), int(rss) / 1024


def write_dev(path: Path, limit: int | None) -> tuple[int, int]:
    """The dev documents as JSON lines with id, text and source: (bytes, documents)."""
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for doc in iter_docs(limit=limit):
            record = {"id": doc["id"], "text": doc["text"], "source": doc.get("source", "")}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return path.stat().st_size, count


def write_generated(path: Path, megabytes: float) -> tuple[int, int]:
    """Documents of 4-9 real sentences (every 10th a planted near-duplicate) on three sites.

    Each site opens and closes its pages with its own chrome, which the
    template pass must learn; texts get a non-breaking space and an old-style
    tone to normalize.
    """
    rng = random.Random(17)
    names = sorted(SITES)
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for doc_id, text, _ in generate(10**9, seed=17):
            site = names[rng.randrange(len(names))]
            head, tail = SITES[site]
            body = text.replace(" ", "\u00a0", 1).replace("hòa", "hoà")
            record = {"id": doc_id, "text": f"{head}\n{body}\n{tail}", "source": site}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
            if count % 1000 == 0 and handle.tell() >= megabytes * 1e6:
                break
    return path.stat().st_size, count


#: Short Vietnamese sentences (written for this benchmark), joined with a
#: time and a place into one-sentence records; some are under the default 10
#: content syllables (dropped as no_content), one in ``_TINY_COPY_EVERY`` repeats an
#: earlier record (an exact duplicate); the odd one has an old-style tone
#: ("hoà"), a non-breaking space or decomposed (NFD) marks to normalize.
_TINY_SUBJECTS = (
    "Người dân", "Học sinh lớp chín", "Công nhân nhà máy", "Nông dân", "Bác sĩ bệnh viện",
    "Cảnh sát giao thông", "Du khách nước ngoài", "Các em nhỏ", "Chính quyền xã",
    "Đội bóng đá nữ", "Ngân hàng Nhà nước", "Thủ tướng", "Sinh viên năm nhất",
)  # fmt: skip
_TINY_PREDICATES = (
    "đi bầu cử", "trồng lúa trên cánh đồng", "được khám sức khoẻ miễn phí",
    "tham gia lễ hội", "dọn dẹp đường phố sau cơn bão", "đón Tết Nguyên đán",
    "thắng trận chung kết", "họp bàn về giá điện", "kiểm tra nồng độ cồn",
    "ủng hộ đồng bào vùng lũ", "xuống đường cổ vũ đội tuyển", "nghỉ học vì trời rét",
    "hoà giải mâu thuẫn", "thi tốt nghiệp trung học phổ thông",
)  # fmt: skip
_TINY_TIMES = ("sáng nay", "chiều qua", "tối thứ bảy", "hôm 2/9", "đầu tháng này", "")
_TINY_PLACES = (
    "ở Hà Nội", "tại TP HCM", "ở Đà Nẵng", "tại Huế", "ở Cần Thơ", "tại Quảng Ninh",
    "ở thuỷ điện Hoà Bình", "tại Nghệ An", "",
)  # fmt: skip
_TINY_COPY_EVERY = 50


def tiny_sentence(number: int) -> str:
    """The ``number``-th tiny record's text: one short sentence, deterministic."""
    parts = [
        _TINY_SUBJECTS[number % len(_TINY_SUBJECTS)],
        _TINY_PREDICATES[number // 7 % len(_TINY_PREDICATES)],
        _TINY_TIMES[number // 3 % len(_TINY_TIMES)],
        _TINY_PLACES[number // 11 % len(_TINY_PLACES)],
    ]
    text = " ".join(part for part in parts if part) + f", lần thứ {number // 1000 + 1}."
    if number % 17 == 0:
        text = text.replace(" ", "\u00a0", 1)
    if number % 23 == 0:
        text = unicodedata.normalize("NFD", text)
    return text


def write_tiny(path: Path, count: int) -> tuple[int, int]:
    """``count`` records of one short real sentence each: (bytes, documents)."""
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            source = number - 1 if number % _TINY_COPY_EVERY == _TINY_COPY_EVERY - 1 else number
            record = {"id": f"t{number}", "text": tiny_sentence(source)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size, count


def add_runs(table: Table, src: Path, documents: int, *, per_record: bool = False) -> None:
    """The I/O floor, then ``cleaner run`` with 1 and 2 workers (and without boilerplate)."""
    size = src.stat().st_size
    out = src.with_name("out.jsonl")
    floor, floor_cpu, floor_rss = measure([sys.executable, "-c", _IO_FLOOR, str(src), str(out)])
    floor_row = ["I/O floor (read + NFC + write)", "1", size / 1e6, floor, size / 1e6 / floor]
    floor_row += ["1.00×", "-", floor_cpu, _per_record(floor, documents, per_record), floor_rss]
    table.add(*floor_row)
    outputs: dict[str, bytes] = {}
    variants: dict[str, tuple[str, ...]] = {
        "cleaner run": (),
        "cleaner run --skip boilerplate": ("--skip", "boilerplate"),
    }
    for label, extra in variants.items():
        one = None
        for workers in (1, 2):
            args = [sys.executable, "-m", "cleaner", "run", str(src), "--out", str(out), "--quiet"]
            wall, cpu, rss = measure([*args, *extra, "--workers", str(workers)])
            one = one or wall
            outputs[f"{label} {workers}"] = out.read_bytes()
            row = [label, str(workers), size / 1e6, wall, size / 1e6 / wall, f"{wall / floor:.1f}×"]
            row += [f"{one / wall:.2f}×", cpu, _per_record(wall, documents, per_record), rss]
            table.add(*row)
    same = all(outputs[f"{label} 1"] == outputs[f"{label} 2"] for label in variants)
    table.notes.append(
        f"{documents:,} documents; outputs with 1 and 2 workers byte-identical: {same}."
    )


def _per_record(seconds: float, documents: int, wanted: bool) -> str:
    return f"{seconds / documents * 1e6:.1f}" if wanted else "-"


COLUMNS = ["run", "workers", "MB in", "seconds", "MB/s", "× I/O floor time", "× 1 worker",
           "CPU s", "µs/record", "peak RSS MB"]  # fmt: skip


CASES = ("dev", "generated", "tiny")
TITLES = {
    "dev": "`cleaner run` on the dev corpus",
    "generated": "`cleaner run` on a generated corpus (real sentences, three sites)",
    "tiny": "`cleaner run` on tiny records (one short sentence each)",
}


def case_table(name: str, quick: bool) -> Table:
    """One input's table (``python -c`` this to run one case by hand)."""
    makers = {
        "dev": lambda p: write_dev(p, 300 if quick else None),
        "generated": lambda p: write_generated(p, 1 if quick else GENERATED_MB),
        "tiny": lambda p: write_tiny(p, 2_000 if quick else TINY_RECORDS),
    }
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        started = time.perf_counter()
        _, documents = makers[name](src)
        print(
            f"[pipeline: {name} written in {time.perf_counter() - started:.0f}s]", file=sys.stderr
        )
        table = Table(TITLES[name], COLUMNS)
        add_runs(table, src, documents, per_record=name == "tiny")
    table.notes.append(
        "CPU s: user + system time of the run and its workers. Peak RSS: the largest "
        "single process. × 1 worker: speed-up of the same command with 2 workers."
    )
    return table


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    # Quick mode checks the machinery on one small input (the smoke test runs every section).
    return [case_table(name, quick) for name in (CASES[:1] if quick else CASES)]
