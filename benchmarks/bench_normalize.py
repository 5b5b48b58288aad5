"""Normalization: cleaner.normalize vs unicodedata NFC, ftfy and underthesea, in one run."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from importlib import resources
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
    return [table, _repair_table(damaged, clean), _accuracy_by_kind(clean, limit)]


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


# -- repair accuracy per damage kind (issue 16) ------------------------------------------

# Tone marks by number (1 huyền .. 5 nặng) and the plain vowels that can take one.
_TONE_MARKS = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_PLAIN_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_TONED = re.compile("[\u0300\u0309\u0303\u0301\u0323]")
_WORD = re.compile(r"[^\W\d_]+")
# Words of other Latin orthographies (pinyin, Italian, Icelandic) put in Vietnamese sentences.
_FOREIGN = ["huì", "duì", "guì", "suì", "Huà", "più", "Ruì Costa", "Guðmundsson", "Sigurðsson"]
_CP1252_PUNCTUATION = {"“": "\x93", "”": "\x94", "–": "\x96", "…": "\x85", "‘": "\x91", "’": "\x92"}
_LAYOUT_TEMPLATE = "  - {a}:{pad}{n:>9}đ\n  - {b}:{pad2}{m:>9}đ\n    if x > 0:\n        return  x"


def _table(name: str) -> dict[str, str]:
    text = resources.files("cleaner").joinpath(f"data/encodings/{name}.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {letter: value for letter, value in rows}


def _double_tone(sentence: str, rng: random.Random) -> str | None:
    """Give a second tone mark to a plain vowel next to the toned one, in about half the words."""

    def add_tone(match: re.Match[str]) -> str:
        word = match.group()
        toned = [i for i, c in enumerate(word) if _TONED.search(unicodedata.normalize("NFD", c))]
        if len(toned) != 1 or rng.random() < 0.5:
            return word
        first = 2 if word.lower().startswith(("qu", "gi")) else 0
        neighbours = [
            i
            for i in (toned[0] - 1, toned[0] + 1)
            if first <= i < len(word) and word[i] in _PLAIN_VOWELS
        ]
        if not neighbours:
            return word
        at = rng.choice(neighbours)
        mark = rng.choice(_TONE_MARKS)
        return word[:at] + unicodedata.normalize("NFC", word[at] + mark) + word[at + 1 :]

    damaged = _WORD.sub(add_tone, sentence)
    return damaged if damaged != sentence else None


def _viqr(sentence: str) -> str | None:
    table = _table("viqr")
    spellings = set(table.values())
    out, previous = [], ""
    for char in sentence:
        if char in table:
            out.append(table[char])
            previous = table[char]
            continue
        if (
            char in "(^+'`?~.\\"
            and previous
            and (previous + char in spellings or previous[-1] in "aeiouyAEIOUY^(+")
        ):
            out.append("\\" + char)  # RFC 1456: a literal mark after a letter is escaped
        else:
            out.append(char)
        previous = char if char.isascii() and char.isalpha() else ""
    text = "".join(out)
    return text if all(c.isascii() or not c.isalpha() for c in text) else None


def _tcvn3(sentence: str) -> str | None:
    """TCVN3 bytes read as cp1252 (undefined bytes as latin-1), for sentences with ư (0xAD)."""
    table = {letter: bytes.fromhex(code) for letter, code in _table("tcvn3").items()}
    if "ư" not in sentence:
        return None
    data = bytearray()
    for char in sentence:
        if char in table:
            data += table[char]
        elif char.isascii():
            data += char.encode()
        else:
            return None  # a capital TCVN3 cannot carry, or a symbol it lacks
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in data)


def _cp1252_punctuation(sentence: str) -> tuple[str, str]:
    """Its cp1252 punctuation as C1 controls (a sentence without any gets an ellipsis)."""
    expected = sentence if any(c in sentence for c in _CP1252_PUNCTUATION) else sentence + "…"
    return "".join(_CP1252_PUNCTUATION.get(c, c) for c in expected), expected


def damage_kinds(rng: random.Random) -> dict[str, Callable[[str], tuple[str, str] | None]]:
    """Each damage kind: clean sentence -> (damaged, expected), or None where it does not apply."""

    def simple(damage_one: Callable[[str], str | None]) -> Callable[[str], tuple[str, str] | None]:
        def apply(sentence: str) -> tuple[str, str] | None:
            damaged = damage_one(sentence)
            return None if damaged is None or damaged == sentence else (damaged, sentence)

        return apply

    return {
        "NFD": simple(lambda s: unicodedata.normalize("NFD", s)),
        "main_vowel style": simple(lambda s: damage(s, 3)),
        "misplaced tones": simple(lambda s: damage(s, 4)),
        "two tone marks (1)": simple(lambda s: _double_tone(s, rng)),
        "Ð/ð for Đ/đ (2)": simple(
            lambda s: s.replace("Đ", "\u00d0").replace("đ", "\u00f0") if "đ" in s.lower() else None
        ),
        "UTF-8 read as latin-1, C1 controls (3)": simple(lambda s: s.encode().decode("latin-1")),
        "cp1252 punctuation as C1 (3)": _cp1252_punctuation,
        "UTF-8 read as cp1252, bytes lost to U+FFFD (4)": simple(
            lambda s: s.encode().decode("cp1252", errors="replace")
        ),
        "TCVN3 with ư as 0xAD (5)": simple(_tcvn3),
        "foreign words kept (6)": lambda s: ((t := f"{s} ({rng.choice(_FOREIGN)})"), t),
        "VIQR, three sentences (7)": simple(_viqr),
        "layout kept: code, table (8)": lambda s: _layout(s, rng),
    }


def _layout(sentence: str, rng: random.Random) -> tuple[str, str] | None:
    words = _WORD.findall(sentence)
    if len(words) < 2:
        return None
    a, b = words[0], words[1]
    width = max(len(a), len(b)) + 3
    text = _LAYOUT_TEMPLATE.format(
        a=a,
        b=b,
        pad=" " * (width - len(a)),
        pad2=" " * (width - len(b)),
        n=f"{rng.randrange(1, 999)}.000",
        m=f"{rng.randrange(1, 999)}.000",
    )
    return text, text


def _accuracy_by_kind(clean_docs: list[str], limit: int) -> Table:
    """Exact repair per damage kind, on sentences of the corpus damaged one kind at a time."""
    rng = random.Random(16)
    sentences = [line for doc in clean_docs for line in doc.split("\n") if 40 <= len(line) <= 300]
    rng.shuffle(sentences)
    per_kind = max(50, limit // 10)
    impls = {name: f for name, f in peers().items() if "pure Python" not in name}
    tokenizer = "underthesea.text_normalize"
    columns = [*impls, f"{tokenizer} (spaces ignored)"] if tokenizer in impls else list(impls)
    table = Table(
        "Repair accuracy per damage kind (sentences restored exactly)",
        ["damage kind", "sentences", *columns],
    )
    for kind, make in damage_kinds(rng).items():
        cases = _cases(kind, make, sentences, per_kind)
        row: list[object] = [kind, len(cases)]
        for impl in impls.values():
            outputs = [impl(damaged) for damaged, _ in cases]
            row.append(_share(outputs, [expected for _, expected in cases]))
        if tokenizer in impls:
            outputs = ["".join(impls[tokenizer](damaged).split()) for damaged, _ in cases]
            row.append(_share(outputs, ["".join(expected.split()) for _, expected in cases]))
        table.add(*row)
    table.notes.append(
        f"Sentences of 40-300 characters from the corpus, already normalized; up to {per_kind} "
        "per kind; (n) is the class of issue 16. VIQR cases join three sentences (auto "
        "detection wants a text that is mostly VIQR); the foreign-word and layout cases must "
        "come back unchanged. ftfy's fix_text also uncurls quotes, which counts against it "
        "where a sentence has curly quotes. underthesea tokenizes (spaces around "
        "punctuation), so it is also scored with all spaces removed from both sides."
    )
    return table


def _share(outputs: list[str], expected: list[str]) -> str:
    exact = sum(out == want for out, want in zip(outputs, expected, strict=True))
    return f"{exact / max(1, len(expected)):.1%}"


def _cases(
    kind: str,
    make: Callable[[str], tuple[str, str] | None],
    sentences: list[str],
    count: int,
) -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    group = 3 if kind.startswith("VIQR") else 1
    for start in range(0, len(sentences) - group, group):
        made = make(" ".join(sentences[start : start + group]))
        if made is not None:
            cases.append(made)
        if len(cases) >= count:
            break
    return cases
