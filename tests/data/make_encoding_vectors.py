# ruff: noqa: E501  (long source citations and test strings)
"""Regenerate tests/data/encoding_vectors.jsonl.

Derived vectors are made from the clean sentences in clean_sentences.jsonl
with the mapping tables in src/cleaner/data/encodings/*.tsv (read here, not
hard-coded), plus Python's utf-8/cp1252/cp1258 codecs:

- tcvn3 / vni: letter -> legacy bytes (table), every other character -> its
  cp1252 byte; the bytes are then decoded as cp1252, with the bytes cp1252
  leaves undefined (81 8D 8F 90 9D) decoded as latin-1 (C1 controls), i.e.
  ftfy's "sloppy-windows-1252". TCVN3 has no uppercase toned letters, so
  sentences containing one are skipped.
- viqr: RFC 1456 spelling; a literal mark character that would combine with
  the letter before it is escaped with a backslash.
- mojibake: UTF-8 bytes decoded as sloppy-windows-1252 (1 or 2 layers).
- cp1258: tone marks split off as combining marks (U+0300 U+0301 U+0303
  U+0309 U+0323), encoded with Python's cp1258 codec, read as cp1252.
  A few "precomposed" variants keep the letters cp1258 has precomposed
  (á à é ...), as Windows' own converter does.
- negative: texts a repair must leave alone (expected == input).

Also included: vectors copied verbatim from public sources (see VERBATIM).

Run: python tests/data/make_encoding_vectors.py
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TABLES = ROOT / "src" / "cleaner" / "data" / "encodings"
SENTENCES = HERE / "clean_sentences.jsonl"
OUT = HERE / "encoding_vectors.jsonl"

COUNTS = {
    "tcvn3": 60,
    "vni": 60,
    "viqr": 40,
    "mojibake": 30,
    "mojibake2": 10,
    "cp1258": 20,
    "cp1258pre": 5,
}
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
VIQR_MARKS = set("(^+'`?~.dD")
VIQR_TONES = set("'`?~.")
VOWELS = set("aeiouyAEIOUY")


def read_table(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (TABLES / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        letter, value = line.split("\t")
        if letter in table or value in table.values():
            raise ValueError(f"{name}: duplicate {letter!r} / {value!r}")
        table[letter] = value
    return table


def sloppy_cp1252(data: bytes) -> str:
    """Decode as cp1252; the 5 undefined bytes become the same-numbered C1 controls."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(bytes([b]).decode("latin-1"))
    return "".join(out)


def legacy_bytes(text: str, table: dict[str, bytes]) -> bytes:
    out = bytearray()
    for ch in text:
        if ch in table:
            out += table[ch]
        else:
            out += ch.encode("cp1252")  # ASCII and Western symbols keep their cp1252 byte
    return bytes(out)


def to_viqr(text: str, viqr: dict[str, str]) -> str:
    spellings = set(viqr.values()) | {"Dd"}
    out = []
    prev = ""  # VIQR spelling of the previous letter, "" if it was not a letter
    for ch in text:
        if ch in viqr:
            out.append(viqr[ch])
            prev = viqr[ch]
            continue
        if ch == "\\":
            out.append("\\\\")
        elif (
            ch in VIQR_MARKS
            and prev
            and (prev + ch in spellings or (ch in VIQR_TONES and prev[0] in VOWELS))
        ):
            # would combine with the letter before it, or (a tone mark after a vowel that
            # already has one) could be read as a tone: escape it, as RFC 1456 usage does
            out.append("\\" + ch)
        else:
            out.append(ch)
        prev = ch if ch.isalpha() and ch.isascii() else ""
    return "".join(out)


def mojibake(text: str, layers: int = 1) -> str:
    for _ in range(layers):
        text = sloppy_cp1252(text.encode("utf-8"))
    return text


def split_tones(text: str, keep_precomposed: bool = False) -> str:
    out = []
    for ch in text:
        if keep_precomposed:
            try:
                ch.encode("cp1258")
                out.append(ch)
                continue
            except UnicodeEncodeError:
                pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed if m in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out)


def cp1258_as_cp1252(text: str, keep_precomposed: bool = False) -> str:
    return sloppy_cp1252(split_tones(text, keep_precomposed).encode("cp1258"))


# Vectors copied verbatim from public sources: (kind, input, expected, source)
VERBATIM = [
    (
        "vni",
        "Xin chaøo caùc baïn",
        "Xin chào các bạn",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (TestPhrases.greeting)",
    ),
    (
        "tcvn3",
        "Xin chµo c¸c b¹n",
        "Xin chào các bạn",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (TestPhrases.greeting)",
    ),
    (
        "viqr",
        "Xin cha`o ca'c ba.n",
        "Xin chào các bạn",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (TestPhrases.greeting)",
    ),
    (
        "vni",
        "Toâi ñi hoïc",
        "Tôi đi học",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (TestPhrases.sentence)",
    ),
    (
        "tcvn3",
        "T«i ®i häc",
        "Tôi đi học",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (TestPhrases.sentence)",
    ),
    (
        "viqr",
        "To^i ddi ho.c",
        "Tôi đi học",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (TestPhrases.sentence)",
    ),
    (
        "viqr",
        "To^i ye^u tie^'ng nu+o+'c to^i tu+` khi mo+'i ra ddo+`i",
        "Tôi yêu tiếng nước tôi từ khi mới ra đời",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (VIQREdgeCases.complexDiacritics)",
    ),
    # Not used: VIQREdgeCases.specialDu in the same file pairs "DDa^y la` mo^.t vi' du+. ve^` VIQR" with
    # "Đây là một ví dụ về VIQR", but "du+." spells "dự" (dụ is "du."), so the pair is inconsistent.
    (
        "viqr",
        "Ngu+o+`i o+i, ngu+o+`i o+i, Tie^'ng Vie^.t co`n, nu+o+'c ta co`n!",
        "Người ơi, người ơi, Tiếng Việt còn, nước ta còn!",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (VIQREdgeCases.multipleDiacritics)",
    ),
    (
        "viqr",
        "To^i dda~ ho.c tie^'ng Vie^.t",
        "Tôi đã học tiếng Việt",
        "duydev/vietnamese-conversion tests/helpers/test-data.ts (VIQREdgeCases.academic)",
    ),
    (
        "tcvn3",
        "B¶o Th¾ng",
        "Bảo Thắng",
        "Ductrung03/DuBaoMatRung server/test.js (commit 011c16b96f4a6a8c3325e99e651cdfd2ff3370f1)",
    ),
    (
        "tcvn3",
        "M\u00adêng Kh\u00ad¬ng",
        "Mường Khương",
        "Ductrung03/DuBaoMatRung server/test.js (commit 011c16b96f4a6a8c3325e99e651cdfd2ff3370f1)",
    ),
    (
        "tcvn3",
        "B¸t X¸t",
        "Bát Xát",
        "Ductrung03/DuBaoMatRung server/test.js (commit 011c16b96f4a6a8c3325e99e651cdfd2ff3370f1)",
    ),
    (
        "mojibake",
        "Táº¡i sao giÃ¡ háº¡t sáº§u riÃªng láº¡i lÃªn giÃ¡?",
        "Tại sao giá hạt sầu riêng lại lên giá?",
        "rspeer/python-ftfy tests/test-cases/in-the-wild.json ('UTF-8 / Windows-1252 mixup in Vietnamese')",
    ),
    (
        "mojibake",
        "Tiáº¿ng Viá»‡t",
        "Tiếng Việt",
        "rspeer/python-ftfy tests/test-cases/language-names.json ('Messy language names: Vietnamese')",
    ),
    (
        "viqr",
        "O^ng te^n gi`\\? To^i te^n la` Tra^`n Va(n Hie^'u\\.",
        "Ông tên gì? Tôi tên là Trần Văn Hiếu.",
        "https://www.infogalactic.com/info/Vietnamese_Quoted-Readable (Wikipedia 'Vietnamese Quoted-Readable', Syntax example)",
    ),
    (
        "viqr",
        "To^i ye^u tie^'ng nu+o+'c to^i tu+` khi mo+'i ra ddo+`i\\.",
        "Tôi yêu tiếng nước tôi từ khi mới ra đời.",
        "https://vietstd.sourceforge.net/document/viqr.htm (Viet-Std VIQR introduction example)",
    ),
]

FTFY_NEG = "rspeer/python-ftfy tests/test-cases/negative.json"
VERBATIM_NEGATIVE = [
    ("4288×…", FTFY_NEG + " ('Negative: multiplication sign and ellipsis')"),
    ("[x]\u00a0©", FTFY_NEG + " ('Negative: copyright sign preceded by non-breaking space')"),
    ("Offering 5×£35 pin ups", FTFY_NEG + " ('Negative: multiplying by currency')"),
    (
        "NESTLÉ® requiere contratar personal para diferentes areas a nivel nacional e internacional",
        FTFY_NEG + " ('Negative: registered chocolate brand name')",
    ),
    ("(-1/2)! = √π", FTFY_NEG + " ('Negative: math in Unicode')"),
    (
        "Con il corpo e lo spirito ammaccato,\u00a0è come se nel cuore avessi un vetro conficcato.",
        FTFY_NEG + " ('Negative: 'è' preceded by a non-breaking space ...')",
    ),
    ("Oborzos, per. Vahbarz, frataraká§ 141", FTFY_NEG + " ('Negative: Two concatenated strings')"),
    ("Ôôô VIDA MINHA", FTFY_NEG + " ('Negative: three raised eyebrows or something?')"),
]

HAND = "hand-written for vn-cleaner (negative: must not be changed)"
NEGATIVE_HAND = [
    # Vietnamese that is already clean
    "Đặng Thị Ngọc Thịnh",
    "ĐẶNG THỊ NGỌC THỊNH, sinh năm 1962 tại Quảng Nam.",
    "Nguyễn Ái Quốc viết bản Yêu sách của nhân dân An Nam năm 1919.",
    "Giá vé: 150.000 đồng/người; trẻ em dưới 1 m được miễn phí.",
    # Western European languages
    "Le garçon a mangé une crème brûlée à Noël.",
    "Raphaël et Zoë ont visité le Musée d'Orsay.",
    "Une approche naïve, mais efficace.",
    "Ça coûte 15 € — c'est très cher !",
    "Müller und Schröder trinken Bier in der Straße.",
    "Die Größe ist übermäßig: 3 × 4 m².",
    "El señor Muñoz habla español y catalán.",
    "¿Dónde está la estación? ¡Allí!",
    "Bjørn Østergaard bor i Ærøskøbing.",
    "São Paulo é a maior cidade do Brasil.",
    "Citroën, Škoda und Peugeot",
    # Prices, symbols, units
    "Price: £12.99, €15.00 or $17.50 (VAT incl.)",
    "© 2021 Example Corp. All rights reserved. Windows® is a trademark.",
    "Nhiệt độ hôm nay là 35 °C, độ ẩm 80 %.",
    "The wire is 25 µm thick; see § 4.2 and ¶ 3.",
    "Add ½ cup sugar and ¼ tsp salt; bake at 180°C.",
    "±0.5 mm tolerance, 90° angle, 5 µs delay",
    "Theo § 12 Luật Dân sự, hợp đồng phải lập thành văn bản.",
    # Math and code
    "x² + y² = z², α ≤ β ≠ γ",
    "5 × 3 ÷ 2 ≈ 7.5",
    "a^2 + b.c?",
    "if (a) { return o+1; } else { x = e.g(); }",
    'printf("%d\\n", a^b);',
    "SELECT * FROM users WHERE name = 'O''Brien';",
    "regex: ^a(b|c)+d?$",
    # URLs and e-mail
    "https://example.com/search?q=a^2&lang=vi#top",
    "https://vi.wikipedia.org/wiki/H%C3%A0_N%E1%BB%99i",
    "Liên hệ: hotro@example.vn hoặc https://example.vn/lien-he",
    # English text that looks like VIQR
    "What's up? Don't.",
    "e.g. 3^2 = 9",
    "Do you? Who are you?",
    "I'd go to Ohio.",
    "Is it a? Or b?",
    "Buddha said: add the oddities.",
    "He said 'yo' and left...",
    "Tomorrow we go to the zoo.",
    # Legacy-looking Latin-1 letters used legitimately
    "Crème fraîche, naïveté, Noël.",
    "Año Nuevo en Perú: ¡feliz año!",
    "Ñandú y pingüino",
]


def main() -> None:
    tcvn3 = {k: bytes.fromhex(v) for k, v in read_table("tcvn3.tsv").items()}
    vni = {k: bytes.fromhex(v) for k, v in read_table("vni.tsv").items()}
    viqr = read_table("viqr.tsv")
    assert len(vni) == len(viqr) == 134 and len(tcvn3) == 74, (len(vni), len(viqr), len(tcvn3))
    assert set(vni) == set(viqr) and set(tcvn3) <= set(vni)

    # Well-known check words
    assert sloppy_cp1252(legacy_bytes("Việt Nam", tcvn3)) == "ViÖt Nam"
    assert sloppy_cp1252(legacy_bytes("Hà Nội", tcvn3)) == "Hµ Néi"
    assert sloppy_cp1252(legacy_bytes("Đđ", tcvn3)) == "§®"
    assert sloppy_cp1252(legacy_bytes("Việt Nam", vni)) == "Vieät Nam"
    assert sloppy_cp1252(legacy_bytes("Hà Nội", vni)) == "Haø Noäi"
    assert sloppy_cp1252(legacy_bytes("đĐ", vni)) == "ñÑ"
    assert (
        to_viqr("Ông tên gì? Tôi tên là Trần Văn Hiếu.", viqr)
        == "O^ng te^n gi`\\? To^i te^n la` Tra^`n Va(n Hie^'u\\."
    )
    assert cp1258_as_cp1252("ệ") == "êò"

    rows = [
        json.loads(line)
        for line in SENTENCES.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    no_upper_toned = [
        r
        for r in rows
        if not any(ch in vni and ch.isupper() and ch not in tcvn3 for ch in r["expected"])
    ]
    rng = random.Random(20240611)

    def pick(pool: list[dict[str, str]], n: int) -> list[dict[str, str]]:
        return rng.sample(pool, n) if n <= len(pool) else rng.sample(pool, len(pool))

    vectors: list[dict[str, str]] = []

    def add(kind: str, text_in: str, expected: str, source: str, note: str | None = None) -> None:
        n = sum(1 for v in vectors if v["kind"] == kind) + 1
        vec = {
            "id": f"{kind}-{n:03d}",
            "kind": kind,
            "input": text_in,
            "expected": expected,
            "source": source,
        }
        if note:
            vec["note"] = note
        vectors.append(vec)

    def derived(r: dict[str, str], how: str) -> str:
        return f"{r['source']} ({r['id']}); {how}"

    for r in pick(no_upper_toned, COUNTS["tcvn3"]):
        add(
            "tcvn3",
            sloppy_cp1252(legacy_bytes(r["expected"], tcvn3)),
            r["expected"],
            derived(r, "encoded with src/cleaner/data/encodings/tcvn3.tsv, read as cp1252"),
        )
    for r in pick(rows, COUNTS["vni"]):
        add(
            "vni",
            sloppy_cp1252(legacy_bytes(r["expected"], vni)),
            r["expected"],
            derived(r, "encoded with src/cleaner/data/encodings/vni.tsv, read as cp1252"),
        )
    for r in pick(rows, COUNTS["viqr"]):
        add(
            "viqr",
            to_viqr(r["expected"], viqr),
            r["expected"],
            derived(r, "spelled with src/cleaner/data/encodings/viqr.tsv (RFC 1456 escapes)"),
        )
    for r in pick(rows, COUNTS["mojibake"]):
        add(
            "mojibake",
            mojibake(r["expected"]),
            r["expected"],
            derived(r, "UTF-8 read as sloppy-windows-1252"),
        )
    for r in pick(rows, COUNTS["mojibake2"]):
        add(
            "mojibake",
            mojibake(r["expected"], 2),
            r["expected"],
            derived(r, "UTF-8 read as sloppy-windows-1252, twice"),
            note="double-encoded",
        )
    for r in pick(rows, COUNTS["cp1258"]):
        add(
            "cp1258",
            cp1258_as_cp1252(r["expected"]),
            r["expected"],
            derived(r, "tones split, encoded cp1258, read as cp1252"),
        )
    for r in pick(rows, COUNTS["cp1258pre"]):
        add(
            "cp1258",
            cp1258_as_cp1252(r["expected"], keep_precomposed=True),
            r["expected"],
            derived(
                r,
                "cp1258 with its precomposed letters kept (á à é ...), other tones split, read as cp1252",
            ),
            note="precomposed where cp1258 has the letter",
        )

    for kind, text_in, expected, source in VERBATIM:
        add(kind, text_in, expected, source, note="verbatim from a public source")

    for text in NEGATIVE_HAND:
        add("negative", text, text, HAND)
    for text, source in VERBATIM_NEGATIVE:
        add("negative", text, text, source, note="verbatim from a public source")
    for r in pick(rows, 10):
        add("negative", r["expected"], r["expected"], f"{r['source']} ({r['id']}); clean sentence")

    for v in vectors:
        assert v["expected"] == unicodedata.normalize("NFC", v["expected"]), v["id"]
        if v["kind"] != "negative":
            assert v["input"] != v["expected"], v["id"]

    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        for v in vectors:
            f.write(json.dumps(v, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for v in vectors:
        kinds[v["kind"]] = kinds.get(v["kind"], 0) + 1
    print(f"wrote {len(vectors)} vectors to {OUT.relative_to(ROOT)}: {kinds}")


if __name__ == "__main__":
    main()
