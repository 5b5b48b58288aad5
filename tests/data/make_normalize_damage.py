"""Regenerate tests/data/normalize_damage.jsonl: the eight damage classes of issue 16.

One case a line: id, kind, input, expected, source (and ``unrecoverable`` or
``partial`` for lost bytes). Vectors come from issue 16, ftfy's public test
cases (rspeer/python-ftfy tests/test-cases, cited by file and label), the
package's encoding tables, pinyin readings, and the clean sentences of
clean_sentences.jsonl (real text of the shared data, cited by record)
damaged the way the web damages them. Negative cases (expected == input):
Icelandic, Faroese, Serbian, pinyin, Italian, Spanish, code, tables.

Run: python tests/data/make_normalize_damage.py
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

FTFY = "rspeer/python-ftfy tests/test-cases/{} (commit 74dd0452)"
ISSUE = "vn-cleaner issue 16"
rows = []


def add(kind, inp, exp, source, **extra):
    rows.append(
        {
            "id": f"{kind}-{sum(r['kind'] == kind for r in rows):03d}",
            "kind": kind,
            "input": inp,
            "expected": exp,
            "source": source,
            **extra,
        }
    )


# 1 double tones
for bad, good in [
    ("tủổi", "tuổi"),
    ("nhìều", "nhiều"),
    ("Kháí", "Khái"),
    ("Luỵện", "Luyện"),
    ("Ngựạ", "Ngựa"),
    ("triệụ", "triệu"),
    ("lụạ", "lụa"),
    ("chạỵ", "chạy"),
    ("huỵệt", "huyệt"),
    ("Tíết", "Tiết"),
]:
    add(
        "double_tone",
        f"Năm nay {bad} mới",
        f"Năm nay {good} mới",
        f"{ISSUE}, class 1 (typing slip)",
    )
add(
    "double_tone",
    "Bà cụ đã 90 tủổi, sống cùng nhìều con cháu.",
    "Bà cụ đã 90 tuổi, sống cùng nhiều con cháu.",
    f"{ISSUE}, class 1, in a sentence",
)
add(
    "double_tone",
    "ÀÁ là tiếng kêu",
    "ÀÁ là tiếng kêu",
    "negative: two marks that make no syllable stay",
)
# 2 eth
for bad, good in [
    ("Sở GD&ÐT Hà Nội", "Sở GD&ĐT Hà Nội"),
    ("theo QÐ-NHNN số 12", "theo QĐ-NHNN số 12"),
    ("(ÐT Việt Nam) thắng", "(ĐT Việt Nam) thắng"),
    ("tỉnh Ðắk Lắk", "tỉnh Đắk Lắk"),
    ("ðường về Ðắk Nông", "đường về Đắk Nông"),
]:
    add("eth", bad, good, f"{ISSUE}, class 2")
for text, src in [
    ("Reykjavík er höfuðborg Íslands.", "negative: Icelandic (is.wikipedia, Reykjavík)"),
    ("Tórshavn er høvuðsstaður Føroya.", "negative: Faroese (fo.wikipedia, Tórshavn)"),
    ("Gylfi Sigurðsson og Guðmundur", "negative: Icelandic names"),
    (
        "tiền vệ Gylfi Sigurðsson ghi bàn",
        "negative: an Icelandic name inside a Vietnamese line keeps its ð",
    ),
    ("Ðorðe Balašević", "negative: Serbian name, no Vietnamese around"),
]:
    add("eth", text, text, src)
# 3 C1 controls
add(
    "c1",
    "lá»\x85 trao giáº£i",
    "lễ trao giải",
    f"{ISSUE}, class 3 (UTF-8 read as latin-1: ễ is E1 BB 85)",
)
add(
    "c1",
    "Giá từ 10\x9620 triệu",
    "Giá từ 10–20 triệu",
    f"{ISSUE}, class 3 (a lone U+0096 is cp1252's en dash)",
)
add(
    "c1",
    "C'est vrai que nous n'en avons pas encore beaucoup parl\u00e9\u0085 Tu sais",
    "C'est vrai que nous n'en avons pas encore beaucoup parl\u00e9\u2026 Tu sais",
    FTFY.format("negative.json: 'we only need to fix C1 control characters'"),
)
add(
    "c1",
    "\u0084Handwerk bringt dich \u00fcberall hin\u0093: Von der YOU bis nach Monaco",
    "\u201eHandwerk bringt dich \u00fcberall hin\u201c: Von der YOU bis nach Monaco",
    FTFY.format("in-the-wild.json: 'Latin-1 / Windows-1252 mixup in German'"),
)
add(
    "c1",
    "\u00e2\u0080\u009cmismatched quotes\u0085\u0094",
    "\u201cmismatched quotes\u2026\u201d",
    FTFY.format("synthetic.json: 'curly quotes with mismatched encoding glitches in Latin-1'"),
)
add(
    "c1",
    "Direzione Pd, ok \u00e2\u0080\u009csenza modifiche\u0094 all'Italicum.",
    "Direzione Pd, ok \u201csenza modifiche\u201d all'Italicum.",
    FTFY.format("in-the-wild.json: 'Left quote is UTF-8, right quote is Latin-1'"),
)
with open(HERE / "clean_sentences.jsonl", encoding="utf-8") as handle:
    clean = [json.loads(line) for line in handle]
for case in clean[:6]:
    add(
        "c1",
        case["expected"].encode().decode("latin-1"),
        case["expected"],
        case["source"] + " (encoded UTF-8, read as latin-1)",
    )
# 4 lossy U+FFFD
add("lost_letter", "h\ufffdc sinh", "học sinh", f"{ISSUE}, class 4: only học fits")
for word in ["gi\ufffd", "th\ufffdi", "nh\ufffd", "l\ufffdi"]:
    add(
        "lost_letter",
        f"{word} nay",
        f"{word} nay",
        f"{ISSUE}, class 4: several syllables fit, the byte stays (unrecoverable_byte)",
        unrecoverable=True,
    )
add(
    "lost_letter",
    "\ufffd kiến của bạn",
    "\ufffd kiến của bạn",
    f"{ISSUE}, class 4: a lone U+FFFD is never guessed",
    unrecoverable=True,
)
add(
    "lost_letter",
    "Bây giờ là mấy gi\ufffd rồi?",
    "Bây giờ là mấy giờ rồi?",
    f"{ISSUE}, class 4: context, the text uses giờ",
)
add(
    "lost_letter",
    "Ý kiến của ông. \ufffd kiến của bà.",
    "Ý kiến của ông. Ý kiến của bà.",
    f"{ISSUE}, class 4: context, the same neighbour (ý kiến)",
)
add("lost_letter", "L\ufffdi nói và lời hứa", "Lời nói và lời hứa", f"{ISSUE}, class 4: context")
for case in clean[6:30]:
    damaged = case["expected"].encode().decode("cp1252", errors="replace")
    if "\ufffd" in damaged:
        add(
            "lost_letter_mojibake",
            damaged,
            case["expected"],
            case["source"] + " (UTF-8 read as cp1252 with errors='replace')",
            partial=True,
        )
# 5 TCVN3 0xAD
add(
    "tcvn3_soft_hyphen",
    "tr\xadêng hîp",
    "trường hợp",
    f"{ISSUE}, class 5; TCVN3 0xAD = ư (src/cleaner/data/encodings/tcvn3.tsv)",
)
add(
    "tcvn3_soft_hyphen",
    "Mét lóc sau, anh Sóng ®i ®Õn khu vùc th× bÞ anh em Liªu Minh §øc dïng ®¸ nÐm vµo ng\xadêi.",
    "Một lúc sau, anh Súng đi đến khu vực thì bị anh em Liêu Minh Đức dùng đá ném vào người.",
    "tests/data/encoding_vectors.jsonl tcvn3-026 (shared/data record, TCVN3 bytes)",
)
add(
    "tcvn3_soft_hyphen",
    "c\xadêi n\xadíc th\xad viÖn",
    "cười nước thư viện",
    "TCVN3 bytes of 'cười nước thư viện' (tcvn3.tsv)",
)
add(
    "tcvn3_soft_hyphen",
    "tự\u00addo",
    "tựdo",
    "negative: a real soft hyphen in Unicode text is still removed",
)
# 6 foreign words
for text, src in [
    (
        "Chữ 会 đọc là huì, chữ 对 là duì.",
        "pinyin readings (Unihan kMandarin via mozillazg/pinyin-data): 会 huì, 对 duì",
    ),
    ("贵 guì, 岁 suì, 话 Huà", "pinyin readings (mozillazg/pinyin-data): 贵 guì, 岁 suì, 话 huà"),
    ("Bài hát «Più bella cosa» của Eros Ramazzotti", "Italian song title (più = more)"),
    ("Yo huí de allí", "Spanish (huir, 1st person preterite)"),
    ("Tiền vệ Ruì Costa của Benfica", f"{ISSUE}, class 6 (name as written)"),
]:
    add("foreign", text, text, src)
add(
    "foreign",
    "hoà bình, cuả tôi",
    "hòa bình, của tôi",
    "control: Vietnamese misplaced tones are still repaired",
)
# 7 VIQR in context
for bad, good in [
    ("Co^ng ty (DDo^ng Phong) tho^ng ba'o", "Công ty (Đông Phong) thông báo"),
    ("Ba'o ca'o cu?a KTDDT va` GD-DDT", "Báo cáo của KTĐT và GD-ĐT"),
    ("DDH DDa` Na(~ng tuye^?n sinh", "ĐH Đà Nẵng tuyển sinh"),
    ("Ho^.i ddo^`ng tho^ng qua ddie^`u le^.", "Hội đồng thông qua điều lê."),
    ("Ho.c sinh ta.i Matxco+va ho.c tie^'ng Nga", "Học sinh tại Matxcơva học tiếng Nga"),
    ("Hie^.u tru+o+?ng (tru+o+?ng pho`ng) pha't bie^?u", "Hiệu trưởng (trưởng phòng) phát biểu"),
    ("Ti?nh DDa('k La('k va` TP.Ha` No^.i", "Tỉnh Đắk Lắk và TP.Hà Nội"),
]:
    add("viqr", bad, good, f"{ISSUE}, class 7 (spelled per RFC 1456; data/encodings/viqr.tsv)")
# 8 layout
for text, src in [
    ("    if x > 0:\n        return  x", f"{ISSUE}, class 8: code"),
    ("  - Gói A:   100.000đ\n  - Gói B:   250.000đ", f"{ISSUE}, class 8: indented price list"),
    (
        "Hạng  Đội        Điểm\n1     Hà Nội     45\n2     Viettel    40",
        "class 8: a league table aligned with spaces",
    ),
    ("\tdef f():\n\t\treturn 1", "class 8: tab indentation"),
]:
    add("layout", text, text, src)
add(
    "layout",
    "xảy ra.  Trăn trở trước vấn đề",
    "xảy ra. Trăn trở trước vấn đề",
    "shared/data/baomoi_dev.jsonl: a double space in prose is still collapsed",
)
add(
    "layout",
    " >> 76 học sinh đạt giải",
    ">> 76 học sinh đạt giải",
    "shared/data/baomoi_dev.jsonl: one leading space is an extraction artefact",
)

C1 = re.compile("[\x80-\x9f]")
with open(HERE / "normalize_damage.jsonl", "w", encoding="utf-8") as out:
    for row in rows:
        # C1 controls escaped, so that no tool reads U+0085 as a line break.
        line = json.dumps(row, ensure_ascii=False)
        out.write(C1.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")
print(len(rows))
