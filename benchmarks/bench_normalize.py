"""Normalization: cleaner.normalize vs unicodedata NFC, ftfy and underthesea, in one run."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import cleaner
from benchmarks.common import (
    Table,
    best_seconds,
    in_pure_python,
    iter_docs,
    nbytes,
    plot_throughput,
    throughput_table,
)

# first_vowel -> main_vowel forms and misplaced tones, as found in real crawls.
_STYLE_SWAPS = {
    "hòa": "hoà",
    "Hòa": "Hoà",
    "thủy": "thuỷ",
    "khỏe": "khoẻ",
    "lòa": "loà",
    "ủy": "uỷ",
}
_MISPLACED = {"bảo": "baỏ", "của": "cuả", "muốn": "muôń", "người": "ngươì", "hoặc": "hoăc̣"}


def damage(text: str, kind: int) -> str:
    """One of five kinds of damage real crawls show, chosen by ``kind``."""
    if kind == 0:
        return unicodedata.normalize("NFD", text)
    if kind == 1:  # UTF-8 read as cp1252 (mojibake)
        return text.encode("utf-8").decode("cp1252", errors="replace")
    if kind == 2:
        return text.replace(" ", "\u00a0", 50).replace(". ", ".\u200b ", 20).replace("\n", "\r\n")
    swaps = _STYLE_SWAPS if kind == 3 else _MISPLACED
    for good, bad in swaps.items():
        text = text.replace(good, bad)
    return text


def peers() -> dict[str, Callable[[str], str]]:
    impls: dict[str, Callable[[str], str]] = {
        "unicodedata NFC": lambda t: unicodedata.normalize("NFC", t),
        "cleaner.normalize": cleaner.normalize,
        "cleaner.normalize (pure Python)": in_pure_python(cleaner.normalize),
    }
    try:
        import ftfy

        impls["ftfy.fix_text"] = ftfy.fix_text
    except ImportError:
        pass
    try:
        from underthesea import text_normalize

        impls["underthesea.text_normalize"] = text_normalize
    except ImportError:
        pass
    return impls


def run(quick: bool, out_dir: Path) -> list[Table]:
    limit = 400 if quick else 3000
    raw = [d["text"] for d in iter_docs(limit=limit) if d["text"]]
    clean = [cleaner.normalize(t) for t in raw]
    damaged = [damage(t, i % 5) for i, t in enumerate(clean)]
    datasets = {"clean": clean, "damaged": damaged}
    sizes = {name: nbytes(texts) for name, texts in datasets.items()}
    timings: dict[str, dict[str, float | None]] = {}
    for impl_name, impl in peers().items():
        slow = impl_name.startswith(("ftfy", "underthesea"))
        timings[impl_name] = {}
        for name, texts in datasets.items():
            subset = texts[: max(1, len(texts) // 4)] if slow else texts
            scale = sizes[name] / nbytes(subset)
            seconds = best_seconds(lambda s=subset, f=impl: [f(t) for t in s], 1 if slow else 3)
            timings[impl_name][name] = seconds * scale
    # ftfy is the peer that repairs text too, so it is the baseline when present.
    baseline = "ftfy.fix_text" if "ftfy.fix_text" in timings else "unicodedata NFC"
    table = throughput_table("Normalization throughput (one core)", sizes, timings, baseline)
    table.notes.append(
        f"{len(clean)} documents, clean {sizes['clean'] / 1e6:.1f} MB (already normalized), "
        f"damaged {sizes['damaged'] / 1e6:.1f} MB (NFD, mojibake, NBSP/zero-width/CRLF, "
        "main_vowel style, misplaced tones; one kind per document)"
    )
    table.notes.append("ftfy and underthesea run on a quarter of the documents, scaled.")
    plot = plot_throughput(table, out_dir / "normalize_throughput.png")
    if plot is not None:
        table.notes.append(f"![normalization throughput]({plot.name})")
    return [table, _repair_table(damaged, clean)]


def _repair_table(damaged: list[str], clean: list[str]) -> Table:
    """How many damaged documents each implementation brings back to the clean text."""
    table = Table(
        "Repair accuracy on the damaged set (documents restored exactly)",
        ["implementation", "restored", "of", "share"],
    )
    for impl_name, impl in peers().items():
        restored = sum(impl(d) == c for d, c in zip(damaged, clean, strict=True))
        table.add(impl_name, restored, len(clean), f"{restored / len(clean):.1%}")
    return table
