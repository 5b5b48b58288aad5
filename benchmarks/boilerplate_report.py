"""Boilerplate report on the shared dev corpus: reasons, leftovers, a hand-checked sample, speed.

Run: ``PYTHONPATH=src python -m benchmarks.boilerplate_report`` (writes docs/boilerplate_report.md).
The sample of removals is drawn with a fixed seed; ``HAND_VERDICTS`` holds the
verdict a person gave each sampled removal after reading it in its document.
"""

from __future__ import annotations

import json
import platform
import random
import time
from collections import Counter

import regex

from benchmarks.common import DATA_FILES, REPO, data_dir
from cleaner.boilerplate import learn_boilerplate, strip_boilerplate_and_explain
from cleaner.explain import Removal
from cleaner.normalize import normalize
from cleaner.records import Record

SAMPLE_SEED = 20261124
SAMPLE_SIZE = 100
LEFTOVER = regex.compile(r"Tin liên quan|Xem thêm|Mời quý độc giả|Theo dõi [^\n]{0,40} trên")

#: Hand verdicts, keyed "id:line:start": "ok" or "wrong: why". Filled by reading
#: each sampled removal in its document.
HAND_VERDICTS: dict[str, str] = {
    "baomoi-22281526:1:2991": "ok (sign-off behind an arrow; 'Bấm xem ngay' stays, a miss)",
    "vnexpressT_bongda_part4-0030:0:1903": "ok",
    "baomoi-21470661:1:2434": "ok",
    "baomoi-21479905:1:2789": "ok",
    "vnexpressT_bongda_part3-0468:0:279": "ok",
    "vnexpress_bongda_part4-0198:0:1118": "ok",
    "vnexpressT_bongda_part4-0269:0:2676": "ok",
    "baomoi-22241512:1:2690": "ok",
    "vnexpressT_bongda_part1-0453:0:1649": "ok",
    "baomoi-22632192:1:1392": "ok (first half of the credit 'Ảnh: A. NHIÊN')",
    "baomoi-22655432:1:1140": "ok",
    "baomoi-22268139:1:1512": "ok",
    "vnexpress_bongda_part3-0204:0:1755": "ok",
    "baomoi-22590690:1:725": "ok",
    "baomoi-22580802:1:1907": "ok",
    "vnexpress_bongda_part3-0397:0:4906": "ok",
    "baomoi-22730473:1:1526": "ok",
    "baomoi-22364840:1:910": "ok",
    "baomoi-21491318:1:3692": "ok",
    "vnexpress_bongda_part4-0230:0:1715": "ok",
    "vnexpress_bongda_part2-0089:0:3702": "ok",
    "baomoi-21469257:1:200": "ok",
    "vnexpressT_bongda_part1-0022:0:3064": "ok",
    "baomoi-22721964:1:770": "ok",
    "baomoi-21487315:1:4611": "ok",
    "baomoi-22246818:1:4244": "ok",
    "vnexpressT_bongda_part3-0060:0:3595": "ok",
    "baomoi-22620598:1:2824": "ok",
    "baomoi-22431975:1:4026": "ok",
    "baomoi-21475398:1:720": "ok",
    "vnexpress_bongda_part3-0166:0:88": "ok",
    "vnexpress_bongda_part4-0086:0:3721": "ok",
    "vnexpress_bongda_part1-0199:0:8261": "ok",
    "baomoi-22711054:1:2393": "ok",
    "baomoi-22502055:1:442": "ok",
    "vnexpressT_bongda_part1-0153:0:3038": "ok",
    "baomoi-22373294:1:2529": "ok",
    "baomoi-21490970:1:1197": "ok",
    "baomoi-21491311:1:1155": "ok",
    "baomoi-22695527:1:3300": "ok",
    "baomoi-22376009:1:63": "ok",
    "vnexpressT_bongda_part3-0155:0:5080": "ok",
    "baomoi-22268851:1:577": "ok",
    "baomoi-22616059:1:6544": "ok",
    "baomoi-22713664:1:1310": "ok",
    "vnexpress_bongda_part2-0439:0:2153": "ok",
    "baomoi-22464589:1:3992": "ok",
    "baomoi-22344295:1:955": "ok (sign-off after the last caption)",
    "vnexpress_bongda_part4-0097:0:79": "ok",
    "baomoi-22383479:1:43": "ok",
    "vnexpressT_bongda_part1-0151:0:6051": "ok",
    "vnexpressT_bongda_part3-0481:0:1792": "ok",
    "baomoi-22388125:1:2411": "ok",
    "baomoi-22402550:1:826": "ok",
    "baomoi-22508833:1:4994": "ok",
    "vnexpress_bongda_part4-0340:0:1494": "ok",
    "baomoi-22740863:1:3460": "ok",
    "baomoi-22244777:1:3297": "ok",
    "baomoi-22663624:1:3504": "ok",
    "baomoi-22476697:1:1388": "ok",
    "baomoi-21476334:1:2264": "ok",
    "baomoi-22445575:1:2106": "ok",
    "baomoi-21479694:1:4024": "unsure (pen name or district; counted as wrong)",
    "baomoi-22260099:1:5691": "ok",
    "baomoi-22421318:1:2728": "ok",
    "baomoi-22683896:1:125": "ok",
    "vnexpress_bongda_part3-0426:0:4707": "ok",
    "baomoi-22634530:1:802": "ok",
    "vnexpress_bongda_part3-0468:0:0": "ok (author line, learned from 15 documents)",
    "baomoi-22553800:1:1319": "ok",
    "baomoi-22644879:1:1149": "ok",
    "baomoi-22555394:1:2742": "ok",
    "vnexpress_bongda_part2-0326:0:2372": "ok",
    "vnexpressT_bongda_part2-0007:0:7437": "ok",
    "baomoi-22681534:1:991": "ok",
    "vnexpressT_bongda_part3-0290:0:10021": "ok",
    "baomoi-22582176:1:8109": "ok",
    "baomoi-22322220:1:2090": "ok",
    "baomoi-22457045:1:2313": "ok",
    "baomoi-22301240:1:36": "ok",
    "vnexpress_bongda_part4-0191:0:2061": "ok",
    "baomoi-22291845:1:2406": "ok",
    "baomoi-22223078:1:1124": "ok",
    "baomoi-22313500:0:1131": "ok",
    "baomoi-22656344:1:1294": "ok",
    "vnexpressT_bongda_part3-0102:0:3129": "ok",
    "baomoi-22551184:1:898": "ok",
    "baomoi-22302747:1:2006": "ok",
    "vnexpress_bongda_part2-0412:0:665": "ok",
    "baomoi-21491387:1:1394": "ok",
    "baomoi-22570792:1:1536": "ok",
    "baomoi-22270686:1:6451": "ok",
    "vnexpressT_bongda_part1-0230:0:2569": "ok",
    "baomoi-22583691:1:289": "ok",
    "baomoi-22542437:1:2592": "ok",
    "baomoi-22654228:1:2351": "ok",
    "baomoi-21511922:1:0": "ok",
    "baomoi-22628099:1:202": "ok",
    "baomoi-21477827:1:3166": "ok",
    "baomoi-22648165:1:1281": "ok",
}


def load(name: str) -> list[Record]:
    root = data_dir()
    assert root is not None, "needs the shared dev data"
    records = []
    with open(root / name, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            records.append(Record(row["id"], normalize(row["text"]), {"source": name}))
    return records


def main() -> None:
    corpus = {name: load(name) for name in DATA_FILES}
    stats = learn_boilerplate(record for records in corpus.values() for record in records)
    reasons: Counter[str] = Counter()
    per_file: dict[str, Counter[str]] = {}
    removals: list[tuple[str, Removal]] = []
    leftovers: list[tuple[str, str]] = []
    total_bytes = 0
    elapsed = 0.0
    for name, records in corpus.items():
        counts: Counter[str] = Counter()
        for record in records:
            total_bytes += len(record.text.encode("utf-8"))
            start = time.perf_counter()
            out, found = strip_boilerplate_and_explain(record.text, templates=stats, source=name)
            elapsed += time.perf_counter() - start
            counts.update(removal.reason for removal in found)
            removals.extend((record.id, removal) for removal in found)
            leftovers.extend(
                (record.id, out[max(0, m.start() - 70) : m.end() + 90])
                for m in LEFTOVER.finditer(out)
            )
        per_file[name] = counts
        reasons.update(counts)
    real = [(doc, r) for doc, r in removals if r.reason != "blank_line"]
    sample = random.Random(SAMPLE_SEED).sample(real, min(SAMPLE_SIZE, len(real)))
    write_report(reasons, per_file, leftovers, sample, total_bytes / elapsed / 1e6)


def verdict_key(doc: str, removal: Removal) -> str:
    return f"{doc}:{removal.line_no}:{removal.start}"


def write_report(
    reasons: Counter[str],
    per_file: dict[str, Counter[str]],
    leftovers: list[tuple[str, str]],
    sample: list[tuple[str, Removal]],
    mb_per_s: float,
) -> None:
    lines = [
        "# Boilerplate stripping on the shared dev corpus",
        "",
        "Made by `PYTHONPATH=src python -m benchmarks.boilerplate_report` "
        f"(Python {platform.python_version()}, {platform.machine()}). Input is "
        "`normalize(text)`; corpus lines are learned first over all three files "
        "(source = file, defaults `min_docs=10`, `min_fraction=0.005`).",
        "",
        f"**Speed**: {mb_per_s:.1f} MB/s of normalized UTF-8 text, one core, "
        "`strip_boilerplate_and_explain` only (normalize and learning not timed).",
        "",
        "## Removals per reason",
        "",
        "| reason | " + " | ".join(per_file) + " | total |",
        "|---|" + "---|" * (len(per_file) + 1),
    ]
    for reason, total in reasons.most_common():
        row = " | ".join(str(per_file[name][reason]) for name in per_file)
        lines.append(f"| {reason} | {row} | {total} |")
    docs_left = len({doc for doc, _ in leftovers})
    lines += [
        "",
        f"## Markers left in the output ({len(leftovers)} hits in {docs_left} documents)",
        "",
        '"Tin liên quan", "Xem thêm", "Mời quý độc giả", "Theo dõi … trên" still present '
        "after stripping, with context. See the analysis section for why they stay.",
        "",
    ]
    lines += [f"- `{doc}`: …{text.replace('`', ' ')}…" for doc, text in leftovers]
    checked = [HAND_VERDICTS.get(verdict_key(doc, r), "unchecked") for doc, r in sample]
    good = sum(v.startswith("ok") for v in checked)
    judged = sum(v != "unchecked" for v in checked)
    lines += [
        "",
        f"## Hand-checked sample of {len(sample)} removals (seed {SAMPLE_SEED})",
        "",
        f"Precision on the judged removals: {good}/{judged}"
        + (f" = {good / judged:.1%}" if judged else ""),
        "",
        "| # | document | reason | removed text | verdict |",
        "|---|---|---|---|---|",
    ]
    for index, ((doc, removal), verdict) in enumerate(zip(sample, checked, strict=True), start=1):
        text = removal.text[:140].replace("|", "\\|").replace("`", " ")
        lines.append(f"| {index} | {doc} | {removal.reason} | {text} | {verdict} |")
    report = REPO / "docs" / "boilerplate_report.md"
    analysis = report.read_text(encoding="utf-8").split("## Analysis", 1) if report.exists() else []
    lines += ["", "## Analysis" + (analysis[1] if len(analysis) == 2 else "\n")]
    report.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(f"{mb_per_s:.1f} MB/s; precision {good}/{judged}; wrote {report.relative_to(REPO)}")


if __name__ == "__main__":
    main()
