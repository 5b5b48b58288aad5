"""Boilerplate recall and precision on the hand-labeled set of unseen sites.

The set (benchmarks/boilerplate_eval/data/*.jsonl, rules in LABELING.md) holds
documents of sites that are not in ../shared/data. Systems compared in one
run, on the same texts:

- vn-cleaner with per-site templates learned over the set's documents of
  each site (as ``cleaner run`` learns over its input, source = site);
- vn-cleaner with rules only (no corpus learning);
- datatrove's C4 line filter (``C4QualityFilter`` on each line: a line it
  empties is removed) and FineWeb's line criteria (a line is removed when it
  does not end in terminal punctuation or is at most 30 characters), the way
  a pipeline without a boilerplate stage removes lines.

The unseen sets (``UNSEEN_SETS``: set f, and sets h, i and j when their files
are there) are scored apart, each in a column group of its own plus one for all of
them together, and left out of the overall and held-out figures: nobody reads
their misses, so they keep measuring sites the rules were never tuned on
(``--misses`` skips them).

Set g is labelled for the rule writers to tune on: it is scored apart too, in
its own "tuning (set g)" columns, so that the figures of sets a-e stay
comparable with earlier runs, and ``--misses`` lists its misses.

Run ``python -m benchmarks.bench_boilerplate_eval`` (add ``--json`` for the
raw scores). Another checkout's code can be scored with ``PYTHONPATH=<its
src>``: the script adapts to the older ``line_stats`` option.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import regex

from benchmarks.common import Table

EVAL_DIR = Path(__file__).parent / "boilerplate_eval" / "data"
#: A gold span is found when this share of its characters is removed.
FOUND_SHARE = 0.9
#: Sets labeled for this work but never looked at while tuning the rules.
HELD_OUT_SETS = ("set_b", "set_d", "set_e")
#: Sets scored apart from sets a-e, each in a column group of its own:
#: set → (slice name, column title). "unseen" is set f alone, as it always was.
APART_SETS = {
    "set_f": ("unseen", "unseen"),
    "set_h": ("unseen_h", "unseen (set h)"),
    "set_i": ("unseen_i", "unseen (set i)"),
    "set_j": ("unseen_j", "unseen (set j)"),
    "set_g": ("set_g", "tuning (set g)"),
}
#: Sets whose misses nobody reads, so that they keep measuring sites never tuned on.
UNSEEN_SETS = ("set_f", "set_h", "set_i", "set_j")
#: The slice that holds every unseen set together, and its column title.
UNSEEN_ALL = "unseen_fhij"
UNSEEN_ALL_TITLE = "unseen (f+h+i+j)"
_WORD = regex.compile(r"\w")

Spans = list[tuple[int, int]]  # (doc start, doc end) of removed text
Predictor = Callable[[list[dict[str, Any]]], list[Spans]]


def load_set(directory: Path = EVAL_DIR) -> list[dict[str, Any]]:
    """Every labeled document, with the name of the file it came from."""
    docs = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                doc["set"] = path.stem
                docs.append(doc)
    return docs


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _removal_spans(text: str, removals: Iterable[Any]) -> Spans:
    starts = _line_starts(text)
    return [(starts[r.line_no] + r.start, starts[r.line_no] + r.end) for r in removals]


# -- systems -----------------------------------------------------------------


def vn_cleaner(*, learn: bool) -> Predictor:
    """vn-cleaner's stage, with or without per-site templates learned over the set."""
    import cleaner
    from cleaner import learn_boilerplate, strip_boilerplate_and_explain
    from cleaner.records import Record

    option = (
        "templates"
        if "templates" in {f.name for f in fields(cleaner.BoilerplateConfig)}
        else "line_stats"
    )

    def predict(docs: list[dict[str, Any]]) -> list[Spans]:
        learned = None
        if learn:
            learned = learn_boilerplate(
                Record(doc["id"], doc["text"], {"source": doc["site"]}) for doc in docs
            )
        out = []
        for doc in docs:
            options = {option: learned, "source": doc["site"]} if learned is not None else {}
            _, removals = strip_boilerplate_and_explain(doc["text"], **options)
            out.append(_removal_spans(doc["text"], removals))
        return out

    return predict


def _line_remover(keep_line: Callable[[str], bool]) -> Predictor:
    def predict(docs: list[dict[str, Any]]) -> list[Spans]:
        out = []
        for doc in docs:
            spans: Spans = []
            position = 0
            for line in doc["text"].split("\n"):
                if line.strip() and not keep_line(line):
                    spans.append((position, position + len(line)))
                position += len(line) + 1
            out.append(spans)
        return out

    return predict


def datatrove_c4() -> Predictor:
    """datatrove's C4 line rules, applied by its own filter to one line at a time."""
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    c4 = C4QualityFilter(min_num_sentences=-1, filter_curly_bracket=False)

    def keep(line: str) -> bool:
        doc = Document(text=line, id="line")
        verdict = c4.filter(doc)
        return verdict is True and bool(doc.text.strip())

    return _line_remover(keep)


def fineweb_lines() -> Predictor:
    """FineWeb's line criteria (terminal punctuation, lines over 30 characters)."""
    from datatrove.utils.text import TERMINAL_PUNCTUATION

    stop_chars = tuple(TERMINAL_PUNCTUATION)
    return _line_remover(lambda line: line.endswith(stop_chars) and len(line) > 30)


# -- scoring -----------------------------------------------------------------


@dataclass
class Score:
    """Counts behind recall and precision, for one slice of the set."""

    spans: int = 0
    found: int = 0
    removed_chars: int = 0
    removed_in_gold: int = 0
    documents: int = 0
    gutted: int = 0
    gutted_ids: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.spans if self.spans else float("nan")

    @property
    def precision(self) -> float:
        return self.removed_in_gold / self.removed_chars if self.removed_chars else 1.0


def _counted(text: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Word characters: what recall and precision count (edges and spaces aside)."""
    mask = np.zeros(len(text), dtype=bool)
    for match in _WORD.finditer(text):
        mask[match.start()] = True
    return mask


def _mask(size: int, spans: Iterable[tuple[int, int]]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    mask = np.zeros(size, dtype=bool)
    for start, end in spans:
        mask[start:end] = True
    return mask


def _slices(doc: dict[str, Any]) -> tuple[list[str], str]:
    """The slices a document counts in, and the prefix of its per-class slices.

    A document of a set scored apart counts only in slices of its own (its
    set's group, the group of all unseen sets, its site and set), so that
    adding such a set leaves every other figure as it was.
    """
    site_and_set = [f"site:{doc['site']}", f"set:{doc['set']}"]
    if doc["set"] in APART_SETS:
        group = APART_SETS[doc["set"]][0]
        together = [UNSEEN_ALL] if doc["set"] in UNSEEN_SETS else []
        slices = [group, *together, *site_and_set, f"{group}:layout:{doc['layout']}"]
        return slices, f"{group}:class:"
    group = "held_out" if doc["set"] in HELD_OUT_SETS else "tuning"
    return ["all", *site_and_set, f"layout:{doc['layout']}", group], "class:"


def score_document(doc: dict[str, Any], removed: Spans, scores: dict[str, Score]) -> list[str]:
    """Add one document's counts to the slices it belongs to; return its missed spans."""
    text = doc["text"]
    counted = _counted(text)
    removed_mask = _mask(len(text), removed)
    gold_any = _mask(len(text), [(s[0], s[1]) for s in doc["spans"]])
    gold_required = _mask(len(text), [(s[0], s[1]) for s in doc["spans"] if len(s) == 3])
    missed = []
    slices, class_prefix = _slices(doc)
    for span in doc["spans"]:
        if len(span) == 4:
            continue
        start, end, cls = span[:3]
        weight = counted[start:end]
        if not weight.any():
            weight = np.array([not c.isspace() for c in text[start:end]])
        found = removed_mask[start:end][weight].mean() >= FOUND_SHARE
        for name in [*slices, f"{class_prefix}{cls}"]:
            scores[name].spans += 1
            scores[name].found += int(found)
        if not found:
            missed.append(f"{cls}: {text[start:end][:80]!r}")
    removed_counted = removed_mask & counted
    content = counted & ~gold_required
    lost = (removed_mask & content).sum() / max(1, content.sum())
    gutted = len(text) >= 1000 and lost > 0.6
    for name in slices:
        score = scores[name]
        score.documents += 1
        score.removed_chars += int(removed_counted.sum())
        score.removed_in_gold += int((removed_counted & gold_any).sum())
        if gutted:
            score.gutted += 1
            score.gutted_ids.append(doc["id"])
    return missed


def evaluate(docs: list[dict[str, Any]], predict: Predictor) -> tuple[dict[str, Score], float]:
    """Scores per slice and the seconds the system took."""
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        by_site[doc["site"]].append(doc)
    scores: dict[str, Score] = defaultdict(Score)
    started = time.perf_counter()
    predictions = predict(docs)
    seconds = time.perf_counter() - started
    for doc, removed in zip(docs, predictions, strict=True):
        score_document(doc, removed, scores)
    return scores, seconds


def false_positives(doc: dict[str, Any], removed: Spans) -> list[str]:
    """Removed text outside every gold span (what costs precision), for inspection."""
    text = doc["text"]
    gold = _mask(len(text), [(s[0], s[1]) for s in doc["spans"]])
    out = []
    for start, end in removed:
        bad = _mask(len(text), [(start, end)]) & ~gold & _counted(text)
        if bad.any():
            out.append(text[start:end][:100])
    return out


SYSTEMS: dict[str, Callable[[], Predictor]] = {
    "vn-cleaner (templates)": lambda: vn_cleaner(learn=True),
    "vn-cleaner (rules only)": lambda: vn_cleaner(learn=False),
    "datatrove C4 lines": datatrove_c4,
    "FineWeb line criteria": fineweb_lines,
}


def _fmt(value: float) -> str:
    return "-" if value != value else f"{100 * value:.1f}%"


def _group_cells(scores: dict[str, Score], group: str) -> list[Any]:
    """Recall, precision and gutted documents of one group scored apart (dashes when absent)."""
    score = scores[group]
    if not score.documents:
        return ["-", "-", "-"]
    return [_fmt(score.recall), _fmt(score.precision), score.gutted]


#: The column groups of the sets scored apart: (slice name, title).
_GROUPS = [*APART_SETS.values(), (UNSEEN_ALL, UNSEEN_ALL_TITLE)]
_GROUP_COLUMNS = ("recall", "precision", "gutted")


def _set_summary(docs: list[dict[str, Any]], name: str) -> tuple[int, list[str]]:
    """Documents and sites of one set."""
    own = [doc for doc in docs if doc["set"] == name]
    return len(own), sorted({doc["site"] for doc in own})


def run(quick: bool, out_dir: Path) -> list[Table]:
    """Benchmark section: per-system totals, per class and per site for vn-cleaner."""
    del quick, out_dir
    docs = load_set()
    if not docs:
        return [Table("Boilerplate on unseen sites (skipped: no labeled set)", ["note"])]
    results, missing = {}, []
    for name, make in SYSTEMS.items():
        try:
            results[name] = evaluate(docs, make())
        except ImportError:  # peers come with the 'bench' extra
            missing.append(name)
    sites = sorted({doc["site"] for doc in docs})
    apart = {name: _set_summary(docs, name) for name in APART_SETS}
    apart_sites = {site for _, names in apart.values() for site in names}
    main_docs = sum(doc["set"] not in APART_SETS for doc in docs)
    totals = Table(
        f"Boilerplate on unseen sites: {main_docs} hand-labeled documents, "
        f"{len(set(sites) - apart_sites)} sites; "
        + "; ".join(
            f"{APART_SETS[name][1]}: {count} documents, {len(names)} sites"
            for name, (count, names) in apart.items()
        ),
        ["system", "span recall", "precision", "held-out recall", "held-out precision",
         "gutted docs"]
        + [f"{title} {column}" for _, title in _GROUPS for column in _GROUP_COLUMNS]
        + ["seconds"],
    )  # fmt: skip
    for name, (scores, seconds) in results.items():
        totals.add(
            name,
            _fmt(scores["all"].recall),
            _fmt(scores["all"].precision),
            _fmt(scores["held_out"].recall),
            _fmt(scores["held_out"].precision),
            scores["all"].gutted,
            *(cell for group, _ in _GROUPS for cell in _group_cells(scores, group)),
            round(seconds, 2),
        )
    totals.notes.append(
        "span recall, precision, held-out and gutted are over sets a-e; the unseen columns "
        f"are set f only ({', '.join(apart['set_f'][1]) or 'absent'}), the set h columns set h "
        f"only ({', '.join(apart['set_h'][1]) or 'absent'}), the set i columns set i only "
        f"({', '.join(apart['set_i'][1]) or 'absent'}), the set j columns set j only "
        f"({', '.join(apart['set_j'][1]) or 'absent'}), the f+h+i+j columns all four; nobody "
        "reads their misses. The set g columns are a tuning set labelled after sets a-f "
        f"({len(apart['set_g'][1])} sites), scored apart so that the a-e figures stay comparable"
    )
    if missing:
        totals.notes.append(f"not installed (extra 'bench'): {', '.join(missing)}")
    ours = results["vn-cleaner (templates)"][0]
    classes = Table(
        "vn-cleaner recall per boilerplate class (templates learned)",
        ["class", "spans", "recall"]
        + [f"{title} {column}" for _, title in APART_SETS.values()
           for column in ("spans", "recall")],
    )  # fmt: skip
    prefixes = ("class:", *(f"{group}:class:" for group, _ in APART_SETS.values()))
    class_names = sorted({k.rsplit(":", 1)[1] for k in ours if k.startswith(prefixes)})
    for name in class_names:
        row: list[Any] = [name]
        for prefix in prefixes:
            row += [ours[f"{prefix}{name}"].spans, _fmt(ours[f"{prefix}{name}"].recall)]
        classes.add(*row)
    per_site = Table(
        "Per site (vn-cleaner with templates; C4 lines for comparison)",
        ["site", "docs", "spans", "recall", "precision", "C4 recall", "C4 precision"],
    )
    c4 = results["datatrove C4 lines"][0] if "datatrove C4 lines" in results else ours
    if "datatrove C4 lines" not in results:
        per_site.notes.append("C4 columns repeat vn-cleaner: datatrove is not installed")
    for site in sites:
        key = f"site:{site}"
        label = site
        for name, (_, title) in APART_SETS.items():
            if site in apart[name][1]:
                label = f"{site} ({title})"
        per_site.add(
            label, ours[key].documents, ours[key].spans, _fmt(ours[key].recall),
            _fmt(ours[key].precision), _fmt(c4[key].recall), _fmt(c4[key].precision),
        )  # fmt: skip
    return [totals, classes, per_site]


def main() -> None:
    """Print the tables, or the raw scores with ``--json``; ``--misses`` lists misses."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--misses", action="store_true", help="list missed spans and false positives"
    )
    parser.add_argument("--sets", default="", help="comma-separated set names to include")
    args = parser.parse_args()
    docs = load_set()
    if args.sets:
        docs = [doc for doc in docs if doc["set"] in args.sets.split(",")]
    if args.misses:
        if not args.sets:  # the unseen sets stay unseen unless asked for by name
            docs = [doc for doc in docs if doc["set"] not in UNSEEN_SETS]
        predictions = vn_cleaner(learn=True)(docs)
        scores: dict[str, Score] = defaultdict(Score)
        for doc, removed in zip(docs, predictions, strict=True):
            for miss in score_document(doc, removed, scores):
                print(f"MISS {doc['id']} {miss}")
            for wrong in false_positives(doc, removed):
                print(f"FALSE {doc['id']} {wrong!r}")
        for group in ("all", *(group for group, _ in APART_SETS.values())):
            if scores[group].documents:
                score = scores[group]
                print(f"{group}: recall {score.recall:.4f} precision {score.precision:.4f}")
        return
    if args.json:
        out = {}
        for name in ("vn-cleaner (templates)", "vn-cleaner (rules only)"):
            scores, _ = evaluate(docs, SYSTEMS[name]())
            out[name] = {
                key: {"spans": s.spans, "recall": s.recall, "precision": s.precision,
                      "documents": s.documents, "gutted": s.gutted}
                for key, s in scores.items()
            }  # fmt: skip
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return
    for table in run(False, Path(".")):
        print(table.markdown())


if __name__ == "__main__":
    main()
