"""The compiled fast paths give the same results as pure Python, always.

Each test compares the two implementations on the same input: tone
candidates from ``_speedups.c`` against the regular expressions of
``tones``, ``normalize`` with the scanner's step skipping against
``normalize`` running every step, and the compiled shingler against the
numpy one. The soundness tests check the promise the
skipping rests on: a step whose trigger flags are absent returns the text
unchanged.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
import unicodedata
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import speedups
from cleaner.dedup.minhash import _BLOCK as BLOCK
from cleaner.dedup.minhash import MinHasher
from cleaner.dedup.shingles import _CHUNK as CHUNK
from cleaner.dedup.shingles import ShingleBatch, shingle_batch
from cleaner.normalize import (
    NormalizeConfig,
    build_plan,
    normalize,
    normalize_and_explain,
    tones,
)
from cleaner.normalize import flags as text_flags_module
from cleaner.normalize.syllables import ALL_VOWELS, CONSONANT_TONE
from conftest import load_vectors, seed_paths

needs_scanner = pytest.mark.skipif(
    not speedups.enabled(),
    reason="cleaner._speedups was not built (no C compiler) or is switched off",
)
STYLES = ("first_vowel", "main_vowel")

# Letters, marks and spaces where the two implementations could part ways:
# vowels of both cases, q/g onsets, toned consonants, İ (lower case: two
# characters), combining marks, spaces, line breaks, the characters of every
# pre-check, Hangul jamo and an astral letter and emoji.
TRICKY = (
    ALL_VOWELS
    + "".join(CONSONANT_TONE)
    + "bcdđghklmnpqrstvxQGĐ İ\n\r\t\u00a0\u2028\u0085 ,.#@/_0"
    + "\u0300\u0301\u0303\u0309\u0323\u0302\u200b\u200c\u200d\u00ad\ufeff\x07"
    + "ÐðÃÂá»º€\x80µ«¸"
    + "\u201c\u201d\u2013\u2026"
    + "\u1100\u1161\u11a8가"
    + "\U0001d400\U0001f600"
)
TRICKY_TEXT = st.text(alphabet=st.sampled_from(TRICKY), max_size=60)


def real_texts() -> Iterator[str]:
    """Seeds, and the damaged inputs and expected outputs of the test vectors."""
    for path in seed_paths():
        yield path.read_text(encoding="utf-8")
    for name in ("tones.jsonl", "tones_eth.jsonl", "encoding_vectors.jsonl"):
        for case in load_vectors(name):
            yield case["input"]
            yield case["expected"]


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
    yield


def candidates_both_ways(text: str, style: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    compiled_spans = list(tones.tone_candidates(text, style))
    with monkeypatch.context() as patch:
        patch.setenv(speedups.PURE_PYTHON_ENV, "1")
        regex_spans = list(tones.tone_candidates(text, style))
    return compiled_spans, regex_spans


def test_scanner_is_built_where_a_compiler_is() -> None:
    if shutil.which(str(sysconfig.get_config_var("CC") or "cc").split()[0]) is None:
        pytest.skip("no C compiler here: the package runs on pure Python")
    assert speedups.Scanner is not None
    # CI also runs the suite on pure Python, with the switch set for the whole run.
    assert speedups.enabled() or bool(os.environ.get(speedups.PURE_PYTHON_ENV))


def test_pure_python_switch(pure_python: None) -> None:
    assert not speedups.enabled()
    assert text_flags_module.text_flags("hoà bình", "first_vowel") is None
    assert normalize("hoà  bình") == "hòa bình"


@needs_scanner
@pytest.mark.parametrize("style", STYLES)
def test_candidates_match_the_regexes_on_real_text(
    style: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = 0
    for text in real_texts():
        compiled_spans, regex_spans = candidates_both_ways(text, style, monkeypatch)
        assert compiled_spans == regex_spans, text
        found += len(compiled_spans)
    assert found > 200  # the damaged vectors do have misplaced tones


@needs_scanner
@settings(max_examples=500, deadline=None)
@given(TRICKY_TEXT, st.sampled_from(STYLES))
def test_candidates_match_the_regexes_on_any_text(text: str, style: Any) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        compiled_spans, regex_spans = candidates_both_ways(text, style, monkeypatch)
    assert compiled_spans == regex_spans


@needs_scanner
@settings(max_examples=500, deadline=None)
@given(TRICKY_TEXT | st.text(max_size=40))
def test_layout_flag_is_exactly_the_space_checks(text: str) -> None:
    flags = text_flags_module.text_flags(text, "first_vowel")
    assert flags is not None
    expected = (
        "  " in text or " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" ")
    )
    assert bool(flags & text_flags_module.SPACE_LAYOUT) == expected


@needs_scanner
@settings(max_examples=500, deadline=None)
@given(TRICKY_TEXT | st.text(max_size=40))
def test_not_nfc_flag_covers_every_text_nfc_would_change(text: str) -> None:
    flags = text_flags_module.text_flags(text, "first_vowel")
    assert flags is not None
    if not flags & (text_flags_module.NOT_NFC | text_flags_module.ASTRAL):
        assert unicodedata.is_normalized("NFC", text)


def test_nfc_table_flags_every_composing_pair() -> None:
    # Every canonical pair of BMP letters composes only when its second letter is flagged.
    table = text_flags_module.character_table()
    flagged = {code for code in range(0x10000) if table[code] >> 7 & text_flags_module.NOT_NFC}
    for code in range(0x10000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            parts = [int(part, 16) for part in decomposition.split()]
            assert all(part in flagged for part in parts[1:] if part < 0x10000), hex(code)
    assert {0x0301, 0x0323, 0x1161, 0x11A8} <= flagged
    assert not {ord(char) for char in "aăâđêôơưáàảãạếềểễệ"} & flagged


CONFIGS = [
    NormalizeConfig(),
    NormalizeConfig(tone_style="main_vowel"),
    NormalizeConfig(tone_style="keep", ascii_punctuation=True),
    NormalizeConfig(fix_encoding=False),
    NormalizeConfig(legacy="none"),
]


@needs_scanner
@settings(max_examples=400, deadline=None)
@given(TRICKY_TEXT, st.sampled_from(CONFIGS))
def test_a_step_whose_triggers_are_absent_changes_nothing(
    text: str, config: NormalizeConfig
) -> None:
    style = "first_vowel" if config.tone_style == "keep" else config.tone_style
    flags = text_flags_module.text_flags(text, style)
    assert flags is not None
    for name, fixer in build_plan(config):
        if not flags & text_flags_module.TRIGGERS[name]:
            assert fixer(text, None) == text, name


def normalize_both_ways(text: str, config: NormalizeConfig) -> tuple[Any, Any]:
    fast = normalize_and_explain(text, config=config)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
        slow = normalize_and_explain(text, config=config)
    return fast, slow


@needs_scanner
@settings(max_examples=300, deadline=None)
@given(TRICKY_TEXT, st.sampled_from([*CONFIGS, NormalizeConfig(legacy="viqr")]))
def test_normalize_is_the_same_with_and_without_the_scanner(
    text: str, config: NormalizeConfig
) -> None:
    fast, slow = normalize_both_ways(text, config)
    assert fast == slow


@needs_scanner
def test_normalize_is_the_same_with_and_without_the_scanner_on_real_text() -> None:
    for text in real_texts():
        for config in CONFIGS:
            fast, slow = normalize_both_ways(text, config)
            assert fast == slow, text


@needs_scanner
def test_scanner_rejects_bad_tables_and_input() -> None:
    table = text_flags_module.character_table()
    with pytest.raises(ValueError, match="table must be"):
        speedups.Scanner(table[:100], array("i"))
    with pytest.raises(ValueError, match="sorted"):
        speedups.Scanner(table, array("i", [5, 3]))
    with pytest.raises(ValueError, match="int32"):
        speedups.Scanner(table, b"abc")
    scanner = speedups.Scanner(table, tones.run_keys("first_vowel"))
    with pytest.raises(TypeError, match="expects str"):
        scanner.scan(b"bytes")  # type: ignore[arg-type]
    assert scanner.scan("") == (0, [])


# -- the shingler ---------------------------------------------------------------------


def shingles_both_ways(texts: list[str], ngram: int) -> tuple[ShingleBatch, ShingleBatch]:
    compiled_batch = shingle_batch(texts, ngram)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
        numpy_batch = shingle_batch(texts, ngram)
    return compiled_batch, numpy_batch


def assert_same_batch(left: ShingleBatch, right: ShingleBatch) -> None:
    assert left.values.tolist() == right.values.tolist()
    assert left.offsets.tolist() == right.offsets.tolist()
    assert left.syllable_counts.tolist() == right.syllable_counts.tolist()


@needs_scanner
@pytest.mark.parametrize("ngram", [1, 2, 3, 5, 9])
def test_shingles_match_numpy_on_real_text(ngram: int) -> None:
    texts = [*real_texts(), "", "  ", "!!!", "một", "x_y 2024"]
    assert_same_batch(*shingles_both_ways(texts, ngram))


@needs_scanner
@settings(max_examples=300, deadline=None)
@given(st.lists(TRICKY_TEXT | st.text(max_size=40), max_size=8), st.integers(1, 6))
def test_shingles_match_numpy_on_any_text(texts: list[str], ngram: int) -> None:
    assert_same_batch(*shingles_both_ways(texts, ngram))


@needs_scanner
def test_signatures_match_numpy_on_a_long_text() -> None:
    # Longer than the numpy path's chunk and the kernel's block: both cut
    # between words, and neither may change a value.
    text = " ".join(real_texts()) * 14
    assert len(text) > CHUNK + BLOCK
    hasher = MinHasher()
    compiled_signature = hasher.signature(text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
        assert hasher.signature(text).tolist() == compiled_signature.tolist()


@needs_scanner
def test_shingler_rejects_bad_arguments() -> None:
    table = bytes(0x10000)
    assert speedups.shingle_hashes("", 5, table) == (b"", 0)
    with pytest.raises(ValueError, match="ngram"):
        speedups.shingle_hashes("a b", 0, table)
    with pytest.raises(ValueError, match="word_table"):
        speedups.shingle_hashes("a b", 5, b"short")
    with pytest.raises(TypeError, match="expects str"):
        speedups.shingle_hashes(b"a b", 5, table)  # type: ignore[arg-type]


# -- the MinHash kernel -----------------------------------------------------------------


def signatures_both_ways(hasher: MinHasher, texts: list[str]) -> tuple[list[Any], list[Any]]:
    compiled_signatures = hasher.signatures(texts).tolist()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
        numpy_signatures = hasher.signatures(texts).tolist()
    return compiled_signatures, numpy_signatures


@needs_scanner
@pytest.mark.parametrize("num_perm", [1, 7, 128, 131])
def test_kernel_matches_numpy_on_real_text(num_perm: int) -> None:
    # Odd sizes exercise the vector loop's tail; empty texts keep 2**32 - 1.
    texts = [*real_texts(), "", "!!!"]
    compiled_signatures, numpy_signatures = signatures_both_ways(MinHasher(num_perm), texts)
    assert compiled_signatures == numpy_signatures


@needs_scanner
@settings(max_examples=200, deadline=None)
@given(st.lists(TRICKY_TEXT, max_size=6), st.integers(1, 40), st.integers(0, 1000))
def test_kernel_matches_numpy_on_any_text(texts: list[str], num_perm: int, seed: int) -> None:
    compiled_signatures, numpy_signatures = signatures_both_ways(
        MinHasher(num_perm, ngram=2, seed=seed), texts
    )
    assert compiled_signatures == numpy_signatures


@needs_scanner
def test_kernel_rejects_mismatched_buffers() -> None:
    values = np.arange(4, dtype=np.uint64)
    offsets = np.array([0, 2, 4], dtype=np.int64)
    a = b = np.ones(3, dtype=np.uint32)
    out = np.empty((2, 3), dtype=np.uint32)
    speedups.minhash_signatures(values, offsets, a, b, out)
    with pytest.raises(ValueError, match="sizes"):
        speedups.minhash_signatures(values, offsets, a, b, np.empty((2, 2), np.uint32))
    with pytest.raises(ValueError, match="offsets"):
        speedups.minhash_signatures(values, np.array([0, 5, 4]), a, b, out)
    with pytest.raises(ValueError, match="8-byte"):
        speedups.minhash_signatures(b"abc", offsets, a, b, out)
    with pytest.raises((TypeError, BufferError)):
        speedups.minhash_signatures(values, offsets, a, b, bytes(24))  # read-only out


@needs_scanner
def test_cp1258_tone_flag_counts_after_vowels_but_not_after_gi_or_qu() -> None:
    def cp1258_flag(text: str) -> int:
        flags = text_flags_module.text_flags(text, "first_vowel")
        assert flags is not None
        return flags & text_flags_module.CP1258_TONE

    assert cp1258_flag("Viêòt") and cp1258_flag("hoòc") and cp1258_flag("Tiêìng")
    assert not cp1258_flag("treo giò, giòn") and not cp1258_flag("quì")
    assert not cp1258_flag("gì thì bò mình")
    # _speedups.c names the classes of plain i and u (CLASS_PLAIN_I, CLASS_PLAIN_U).
    assert (tones._vowel_class("i"), tones._vowel_class("u")) == (31, 55)


compiled = pytest.mark.skipif(
    speedups.minhash_signatures is None, reason="the compiled extension is not built"
)


@compiled
def test_minhash_size_check_refuses_mismatched_buffers() -> None:
    values = np.zeros(4, np.uint64)
    offsets = np.array([0, 2, 4], np.int64)
    a = b = np.ones(8, np.uint32)
    with pytest.raises(ValueError, match="sizes do not match"):
        speedups.minhash_signatures(values, offsets, a, b, np.zeros(15, np.uint32))
    with pytest.raises(ValueError, match="sizes do not match"):
        speedups.minhash_signatures(
            values, offsets, a, np.ones(7, np.uint32), np.zeros(16, np.uint32)
        )
    out = np.zeros(16, np.uint32)
    speedups.minhash_signatures(values, offsets, a, b, out)


@compiled
def test_minhash_size_check_cannot_be_wrapped_around(tmp_path: Any) -> None:
    """Issue 21: texts * permutations * 4 overflowed to 0 and the C loop wrote past ``out``.

    2**31 permutations (an 8 GiB ``a``) times 2**31 texts (a 16 GiB ``offsets``)
    times 4 bytes is 2**64, which wrapped to the length of an empty ``out``. The
    buffers are sparse files mapped read-only: address space, not memory or
    disk, and the size check refuses them before a page is read.
    """
    import mmap

    def sparse(name: str, size: int) -> memoryview:
        path = tmp_path / name
        with open(path, "wb") as handle:
            handle.truncate(size)
        with open(path, "rb") as handle:
            return memoryview(mmap.mmap(handle.fileno(), size, prot=mmap.PROT_READ))

    try:
        a = sparse("a", 2**31 * 4)
        offsets = sparse("offsets", (2**31 + 1) * 8)
    except (OSError, OverflowError, ValueError) as error:
        pytest.skip(f"cannot map sparse files this large here: {error}")
    try:
        with pytest.raises(ValueError, match="sizes do not match"):
            speedups.minhash_signatures(
                np.zeros(0, np.uint64), offsets, a, a, np.zeros(0, np.uint32)
            )
    finally:
        a.release()
        offsets.release()
