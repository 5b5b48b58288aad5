"""Speed of the quality stage (and PII redaction) beside datatrove's document filters.

Compared in one run, one core, on the same normalized dev articles:

- vn-cleaner's ``score_quality`` with its compiled kernels (the one pass over
  a text's words and the n-gram kernel), and in pure Python
  (``VN_CLEANER_PURE_PYTHON``); and as it was before the issue-19 tuning
  (``BASELINE_COMMIT`` of bench_quality_eval, timed the same way in a
  subprocess; in pure Python when ``_speedups.c`` changed since);
- vn-cleaner's ``redact_pii`` (phone numbers through phonenumbers);
- datatrove's GopherQualityFilter, GopherRepetitionFilter and
  FineWebQualityFilter with FineWeb-2's vie_Latn settings (as in the
  ``quality`` section), and C4QualityFilter with its defaults (lines split on
  line breaks), each alone and all four run to the end.

Times are CPU seconds of this process (``time.process_time``), so other work
on a shared machine does not count. The compiled path is also timed on a
second pass over the same articles, when every word is already in its
lexicon: a corpus larger than this sample soon repeats most of its words, so
this is the rate once the first ones are classified (the first pass
classifies each distinct word once, in Python). Memory: the peak Python allocation
(tracemalloc) while scoring the first sixth of the articles and all of them;
the stage keeps nothing from one document to the next but a bounded cache.
Run ``python -m benchmarks --only quality_speed --out /tmp/quality-speed``.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import regex

from benchmarks.bench_quality import Verdict, _datatrove_filters, _dev_docs, _run_each
from benchmarks.bench_quality_eval import BASELINE_COMMIT, run_baseline
from benchmarks.common import REPO, Table, nbytes, pure_python, version_of
from cleaner.pii import redact_pii
from cleaner.quality import score_quality

_SENTENCE = regex.compile(r"[^.!?]+[.!?]*")
BASELINE = "datatrove Gopher + repetition + FineWeb + C4 (each to the end)"
COMPILED = "vn-cleaner score_quality (compiled kernel)"


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    docs = _dev_docs(30 if quick else 3000)
    if not docs:
        return []
    texts = [text for _, text in docs]
    return [_speed_table(texts), _memory_table(texts)]


def _systems() -> dict[str, Callable[[str], object]]:
    systems: dict[str, Callable[[str], object]] = {
        COMPILED: score_quality,
        "vn-cleaner score_quality (pure Python)": score_quality,
        "vn-cleaner redact_pii": redact_pii,
    }
    peers = {name: judge for name, judge in _datatrove_filters().items() if "all three" not in name}
    c4 = _c4_filter()
    if peers and c4 is not None:
        peers["datatrove C4 quality"] = c4
        systems.update(peers)
        systems[BASELINE] = _run_each(list(peers.values()))
    return systems


def _c4_filter() -> Verdict | None:
    """C4's filter with a sentence splitter on . ! ? (its own needs spaCy)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
        from datatrove.utils.word_tokenizers import WordTokenizer
    except ImportError:  # the 'bench' extra
        return None

    class Sentences(WordTokenizer):  # type: ignore[misc]
        def word_tokenize(self, text: str) -> list[str]:
            return text.split()

        def sent_tokenize(self, text: str) -> list[str]:
            return [text[a:b] for a, b in self.span_tokenize(text)]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [match.span() for match in _SENTENCE.finditer(text)]

    peer = C4QualityFilter(split_paragraph=True, language=Sentences())

    def judge(text: str) -> str | None:
        answer = peer.filter(Document(text=text, id="c4"))
        if answer is True:
            return None
        return answer[1] if isinstance(answer, tuple) else "dropped"

    return judge


def _speed_table(texts: list[str]) -> Table:
    size = nbytes(texts)
    seconds = {}
    for name, system in _systems().items():
        if "pure Python" in name:
            with pure_python():
                seconds[name] = _cpu_seconds(system, texts)
        else:
            seconds[name] = _cpu_seconds(system, texts)
        if name == COMPILED:
            seconds[f"{COMPILED}, second pass (every word seen)"] = _cpu_seconds(system, texts)
    before = _baseline_seconds(texts)
    if before is not None:
        seconds[f"vn-cleaner score_quality at {BASELINE_COMMIT[:7]} (before)"] = before
    baseline = seconds.get(BASELINE, seconds[COMPILED])
    table = Table(
        f"Quality stage throughput (one core, CPU time, {len(texts):,} articles, "
        f"{size / 1e6:.1f} MB)",
        ["system", "CPU seconds", "MB/s", "× datatrove (all four)"],
    )
    for name, spent in seconds.items():
        table.add(name, round(spent, 2), size / spent / 1e6, f"{baseline / spent:.2f}×")
    table.notes.append(
        f"datatrove {version_of('datatrove')}, phonenumbers {version_of('phonenumbers')}; "
        "the language-ID score is off by default and not timed here."
    )
    return table


def _memory_table(texts: list[str]) -> Table:
    table = Table(
        "Quality stage memory (peak Python allocation while scoring, tracemalloc)",
        ["articles", "MB of text", "peak MiB"],
    )
    for part in (texts[: max(len(texts) // 6, 1)], texts):
        score_quality(part[0])  # caches and the config, loaded once
        tracemalloc.start()
        for text in part:
            score_quality(text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        table.add(len(part), round(nbytes(part) / 1e6, 1), round(peak / 2**20, 2))
    return table


def _baseline_seconds(texts: list[str]) -> float | None:
    """CPU seconds of ``score_quality`` at the baseline commit, timed as :func:`_cpu_seconds`."""
    script = (
        "score_quality(texts[0])\n"
        "started = time.process_time()\n"
        "for text in texts:\n"
        "    score_quality(text)\n"
        "print(time.process_time() - started)\n"
    )
    answer = run_baseline(script, texts)
    return None if answer is None else float(answer)


def _cpu_seconds(system: Callable[[str], object], texts: list[str]) -> float:
    system(texts[0])  # lazy loads (lists, phonenumbers metadata) are not timed
    started = time.process_time()
    for text in texts:
        system(text)
    return time.process_time() - started


if __name__ == "__main__":
    for result in run(quick=False, out_dir=REPO / "benchmarks"):
        print(result.markdown())
