"""Quality filters: drop rate per reason on real news, labelled cases, language ID, speed.

Compared in one run, on the same normalized texts:

- vn-cleaner's ``score_quality`` (default thresholds, data/quality/default.toml);
- datatrove's GopherQualityFilter, GopherRepetitionFilter and
  FineWebQualityFilter with FineWeb-2's vie_Latn settings (as in
  huggingface/fineweb-2, fineweb-2-pipeline.py and configs/vie_Latn.yml).
  datatrove's Vietnamese word tokenizer needs spaCy and pyvi, so the peers
  get a word-and-punctuation tokenizer here (each syllable a word);
- py3langid's bundled model (the ``langid`` extra) for language ID.

Tables: the drop rate per reason on ../shared/data (skipped when absent),
the labelled cases of tests/data/quality_cases.jsonl (negatives and false
friends), a language-ID comparison on dev articles rewritten unaccented, in
Telex and VNI keystrokes and mixed with English, and the throughput.
Run ``python -m benchmarks --only quality --out /tmp/quality-bench``.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import regex

import cleaner
from benchmarks.common import DATA_FILES, REPO, Table, data_dir, nbytes, version_of
from cleaner.normalize.syllables import VOWEL_TONE
from cleaner.quality import score_quality

CASES = REPO / "tests" / "data" / "quality_cases.jsonl"
#: FineWeb-2 vie_Latn (configs/vie_Latn.yml) and its pipeline's fixed settings.
FINEWEB2_VIE: dict[str, Any] = {
    "dup_line_frac": 0.293,
    "top_n_grams": ((2, 0.223), (3, 0.197), (4, 0.171)),
    "dup_n_grams": ((5, 0.178), (6, 0.163), (7, 0.15), (8, 0.136), (9, 0.124), (10, 0.111)),
    "line_punct_thr": 0.333,
    "new_line_ratio": 0.103,
    "min_avg_word_length": 3,
    "max_avg_word_length": 11,
    "max_non_alpha_words_ratio": 0.803,
    "stopwords": [
        "là",
        "và",
        "của",
        "một",
        "được",
        "trong",
        "năm",
        "các",
        "có",
        "loài",
        "này",
        "đã",
        "người",
    ],
}
#: A short English report, the foreign half of the "mixed" variant.
ENGLISH = (
    "Manchester United confirmed on Friday that the club had reached an agreement with the "
    "midfielder, who will sign a four-year contract after passing a medical examination. "
    "Supporters reacted with excitement on social media, while several pundits questioned "
    "whether the transfer fee represented good value for the player."
)
_WORDS_AND_PUNCT = regex.compile(r"\w+|[^\w\s]")
_TELEX = ({"â": "aa", "ă": "aw", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"},
          {1: "f", 2: "r", 3: "x", 4: "s", 5: "j"})  # fmt: skip
_VNI = ({"â": "a6", "ă": "a8", "ê": "e6", "ô": "o6", "ơ": "o7", "ư": "u7", "đ": "d9"},
        {1: "2", 2: "3", 3: "4", 4: "1", 5: "5"})  # fmt: skip

Verdict = Callable[[str], str | None]  # text -> first failed reason, None when kept


def run(quick: bool, out_dir: Path) -> list[Table]:
    del out_dir
    limit = 150 if quick else None
    docs = _dev_docs(limit)
    peers = _datatrove_filters()
    tables = []
    if docs:
        tables.append(_dev_drop_table(docs, peers))
    tables.append(_cases_table(peers))
    tables.append(_langid_table(docs[: 60 if quick else 400] if docs else []))
    if docs:
        tables.append(_speed_table(docs[: 150 if quick else 3000], peers))
    return tables


# --- inputs -------------------------------------------------------------------------------


def _dev_docs(limit: int | None) -> list[tuple[str, str]]:
    """(file, normalized text) of the shared dev articles with text; none when absent."""
    root = data_dir()
    if root is None:
        return []
    docs = []
    for name in DATA_FILES:
        with open(root / name, encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if limit is not None and number >= limit:
                    break
                text = cleaner.normalize(json.loads(line)["text"])
                if text.strip():
                    docs.append((name.removesuffix("_dev.jsonl"), text))
    return docs


def _cases() -> list[dict[str, Any]]:
    with open(CASES, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def strip_marks(text: str) -> str:
    """Vietnamese without tone marks or letter diacritics ("khong dau")."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in bare if not unicodedata.combining(c)))


def typed(text: str, scheme: tuple[dict[str, str], dict[int, str]]) -> str:
    """``text`` as typed in Telex or VNI keystrokes without an input method."""
    letters, tones = scheme

    def keys(match: regex.Match[str]) -> str:
        out, tone = [], 0
        for char in match.group():
            base, char_tone = VOWEL_TONE.get(char.lower(), (char.lower(), 0))
            tone = char_tone or tone
            key = letters.get(base, base)
            out.append(key[0].upper() + key[1:] if char.isupper() else key)
        return "".join(out) + (tones[tone] if tone else "")

    return regex.sub(r"\p{L}+", keys, text)


# --- the systems --------------------------------------------------------------------------


def _ours(text: str) -> str | None:
    reasons = score_quality(text).reasons
    return reasons[0] if reasons else None


def _datatrove_filters() -> dict[str, Verdict]:
    """datatrove's filters with FineWeb-2 vie_Latn settings (empty without datatrove)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import (
            FineWebQualityFilter,
            GopherQualityFilter,
            GopherRepetitionFilter,
        )
        from datatrove.utils.word_tokenizers import WordTokenizer
    except ImportError:  # the 'bench' extra
        return {}

    class WordsAndPunctuation(WordTokenizer):  # type: ignore[misc]
        def word_tokenize(self, text: str) -> list[str]:
            return list(_WORDS_AND_PUNCT.findall(text))

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    tokenizer = WordsAndPunctuation()
    vie = FINEWEB2_VIE
    filters = {
        "datatrove Gopher repetition": GopherRepetitionFilter(
            language=tokenizer,
            dup_para_frac=0,
            dup_line_char_frac=0,
            dup_para_char_frac=0,
            dup_line_frac=vie["dup_line_frac"],
            top_n_grams=vie["top_n_grams"],
            dup_n_grams=vie["dup_n_grams"],
        ),
        "datatrove FineWeb quality": FineWebQualityFilter(
            language=tokenizer,
            short_line_thr=999,
            char_duplicates_ratio=0.1,
            line_punct_thr=vie["line_punct_thr"],
            new_line_ratio=vie["new_line_ratio"],
        ),
        "datatrove Gopher quality": GopherQualityFilter(
            language=tokenizer,
            max_avg_word_length=vie["max_avg_word_length"],
            min_avg_word_length=vie["min_avg_word_length"],
            stop_words=vie["stopwords"],
            max_non_alpha_words_ratio=vie["max_non_alpha_words_ratio"],
            min_stop_words=2,
        ),
    }

    def verdict(name: str, peer: Any) -> Verdict:
        def judge(text: str) -> str | None:
            answer = peer.filter(Document(text=text, id=name))
            if answer is True:
                return None
            return answer[1] if isinstance(answer, tuple) else "dropped"

        return judge

    verdicts = {name: verdict(name, peer) for name, peer in filters.items()}

    def all_three(text: str) -> str | None:
        return next((r for judge in verdicts.values() if (r := judge(text))), None)

    return {**verdicts, "datatrove FineWeb-2 vie_Latn (all three)": all_three}


# --- tables -------------------------------------------------------------------------------


def _dev_drop_table(docs: list[tuple[str, str]], peers: dict[str, Verdict]) -> Table:
    sources = sorted({source for source, _ in docs})
    per_source = Counter(source for source, _ in docs)
    failed: dict[str, Counter[str]] = {}
    for source, text in docs:
        reasons = score_quality(text).reasons
        for reason in reasons:
            failed.setdefault(reason, Counter())[source] += 1
        if reasons:
            failed.setdefault("vn-cleaner: dropped (any reason)", Counter())[source] += 1
    for name, judge in peers.items():
        for source, text in docs:
            if judge(text):
                failed.setdefault(name, Counter())[source] += 1
    table = Table(
        f"Quality: documents failing each rule on real news ({len(docs):,} articles)",
        ["rule", *(f"{s} ({per_source[s]:,})" for s in sources), "all", "share"],
    )
    ordered = sorted(
        failed.items(), key=lambda item: (item[0].startswith("datatrove"), -item[1].total())
    )
    for reason, counts in ordered:
        table.add(
            reason,
            *(counts[s] for s in sources),
            counts.total(),
            f"{counts.total() / len(docs):.2%}",
        )
    table.notes.append(
        "A document counts once per rule it fails (so a row can exceed the drops). Texts are "
        "normalized with cleaner.normalize first; empty texts are left out."
    )
    table.notes.append(
        "datatrove rows: its filters with FineWeb-2's vie_Latn settings, words = syllables and "
        "punctuation (its Vietnamese tokenizer needs spaCy and pyvi)."
    )
    return table


def _cases_table(peers: dict[str, Verdict]) -> Table:
    cases = _cases()
    langid = _langid_top()
    columns = ["case", "expected", "vn-cleaner", *(name for name in peers if "all three" in name)]
    if langid:
        columns.append("py3langid")
    table = Table(
        f"Quality: labelled cases ({len(cases)}, tests/data/quality_cases.jsonl)", columns
    )
    right: Counter[str] = Counter()
    for case in cases:
        expected = case["expected"]
        reasons = score_quality(case["input"]).reasons
        row = [case["id"], ", ".join(expected) or "keep", ", ".join(reasons[:3]) or "keep"]
        right["vn-cleaner"] += set(expected) <= set(reasons) and bool(expected) == bool(reasons)
        for name, judge in peers.items():
            if "all three" in name:
                verdict = judge(case["input"])
                row.append(verdict or "keep")
                right[name] += bool(expected) == bool(verdict)
        if langid:
            label, probability = langid(case["input"])
            row.append(f"{label} {probability:.2f}")
        table.add(*row)
    for name, count in right.items():
        table.notes.append(f"{name}: {count}/{len(cases)} right (drop a negative, keep a positive)")
    return table


def _langid_top() -> Callable[[str], tuple[str, float]] | None:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def top(text: str) -> tuple[str, float]:
        label, probability = model.classify(text)
        return str(label), float(probability)

    return top


def _langid_table(docs: list[tuple[str, str]]) -> Table:
    """Our script profile vs the bundled model on rewritten dev articles."""
    texts = [text for _, text in docs if len(text) > 300] or [
        case["input"] for case in _cases() if not case["expected"]
    ]
    variants: dict[str, tuple[list[str], set[str | None]]] = {
        "toned (as published)": (texts, {None}),
        "unaccented": ([strip_marks(t) for t in texts], {"no_diacritics"}),
        "Telex keystrokes": ([typed(t, _TELEX) for t in texts], {"typing_debris"}),
        "VNI keystrokes": ([typed(t, _VNI) for t in texts], {"typing_debris"}),
        "mixed (lead + English)": ([_lead(t) + "\n" + ENGLISH for t in texts], {"mixed_language"}),
    }
    langid = _langid_top()
    columns = ["text", "docs", "vn-cleaner label right", "vn-cleaner: Vietnamese"]
    if langid:
        columns += ["py3langid: vi", "py3langid top labels"]
    table = Table("Language ID: vn-cleaner's script profile vs py3langid alone", columns)
    script = {"not_vietnamese", "no_diacritics", "typing_debris", "mixed_language"}
    for kind, (variant, want) in variants.items():
        labels = [next((r for r in score_quality(t).reasons if r in script), None) for t in variant]
        right = sum(label in want for label in labels)
        vietnamese = sum(label != "not_vietnamese" for label in labels)
        row: list[Any] = [kind, len(variant), _share(right, variant), _share(vietnamese, variant)]
        if langid:
            tops = Counter(langid(t)[0] for t in variant)
            row += [
                _share(tops["vi"], variant),
                ", ".join(f"{k} {v}" for k, v in tops.most_common(3)),
            ]
        table.add(*row)
    table.notes.append(
        "vn-cleaner label right: the script rule names the variant (toned: no script reason). "
        "Vietnamese: any label but not_vietnamese. The mixed variant is an article's lead "
        "followed by an English report; a detector that answers 'vi' or 'en' is half right."
    )
    return table


def _lead(text: str) -> str:
    return text.split("\n", 1)[0][:300]


def _speed_table(docs: list[tuple[str, str]], peers: dict[str, Verdict]) -> Table:
    texts = [text for _, text in docs]
    size = nbytes(texts)
    systems: dict[str, Verdict] = {"vn-cleaner score_quality": _ours}
    if "datatrove FineWeb-2 vie_Latn (all three)" in peers:
        # All three filters, each run to the end (as a pipeline that keeps its scores).
        systems["datatrove Gopher quality + repetition + FineWeb quality"] = _run_each(
            [judge for name, judge in peers.items() if "all three" not in name]
        )
    seconds = {name: _seconds(judge, texts) for name, judge in systems.items()}
    baseline = next(iter(seconds.values())) if len(seconds) == 1 else list(seconds.values())[1]
    table = Table(
        f"Quality throughput (one core, {len(texts):,} articles, {size / 1e6:.1f} MB)",
        ["system", "seconds", "MB/s", "× datatrove"],
    )
    for name, spent in seconds.items():
        table.add(name, round(spent, 2), size / spent / 1e6, f"{baseline / spent:.2f}×")
    table.notes.append(
        f"datatrove {version_of('datatrove')}, py3langid {version_of('py3langid')}; "
        "the language-ID score is off by default and not timed here."
    )
    return table


def _run_each(judges: Iterable[Verdict]) -> Verdict:
    judges = list(judges)

    def every(text: str) -> str | None:
        return next((r for r in [judge(text) for judge in judges] if r), None)

    return every


def _seconds(judge: Verdict, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        judge(text)
    return time.perf_counter() - started


def _share(count: int, of: list[str]) -> str:
    return f"{count / len(of):.1%}" if of else "n/a"


if __name__ == "__main__":
    for result in run(quick=False, out_dir=REPO / "benchmarks"):
        print(result.markdown())
