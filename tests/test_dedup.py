"""Near-duplicate detection: shingles, datasketch compatibility, LSH, verification, clusters."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import ConfigError, MinHasher, find_near_duplicates
from cleaner.dedup import DedupConfig, lsh_params, syllables
from cleaner.dedup.lsh import candidate_probability
from cleaner.dedup.shingles import shingle_batch
from conftest import seed_paths

ARTICLE = (
    "Chiều 29/12, Ủy ban nhân dân thành phố Hà Nội tổ chức hội nghị tổng kết công tác năm "
    "và triển khai nhiệm vụ năm mới. Phát biểu tại hội nghị, Chủ tịch Ủy ban nhân dân thành "
    "phố đề nghị các sở, ngành tập trung cải cách thủ tục hành chính, đẩy nhanh tiến độ giải "
    "ngân vốn đầu tư công và chăm lo đời sống người dân dịp Tết Nguyên đán."
)


def reference_shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Shingles as tuples of syllable strings: the slow, obvious definition."""
    words = syllables(text)
    if not words:
        return {("<exact>", text.casefold().strip())}
    if len(words) < n:
        return {tuple(words)}
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def reference_jaccard(a: str, b: str) -> float:
    left, right = reference_shingles(a), reference_shingles(b)
    return len(left & right) / len(left | right)


def edit_words(text: str, changes: int, seed: int) -> str:
    words = text.split(" ")
    rng = random.Random(seed)
    for position in rng.sample(range(len(words)), changes):
        words[position] = "thay" + str(position)
    return " ".join(words)


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in seed_paths()]


# -- syllables and shingles --------------------------------------------------


def test_syllables_keep_tones_and_drop_case_and_punctuation() -> None:
    assert syllables("Mà, MÁ; mả!") == ["mà", "má", "mả"]
    assert syllables("Quý khách — gìn giữ") == ["quý", "khách", "gìn", "giữ"]


def test_nfd_and_nfc_text_have_the_same_shingles() -> None:
    nfd = unicodedata.normalize("NFD", ARTICLE)
    hasher = MinHasher()
    assert np.array_equal(hasher.shingle_hashes(nfd), hasher.shingle_hashes(ARTICLE))


def test_tone_marks_make_different_shingles() -> None:
    hasher = MinHasher(ngram=1)
    assert len(set(hasher.shingle_hashes("ma mà má mả mã mạ").tolist())) == 6


def test_batch_shingles_match_the_reference_definition() -> None:
    texts = [*seed_texts(), ARTICLE, "một hai", "", "!!!", "a b c d e f g"]
    batch = shingle_batch(texts, 5)
    for index, text in enumerate(texts):
        assert len(batch.of(index)) == len(reference_shingles(text)), index
        assert batch.syllable_counts[index] == len(syllables(text))


def test_equal_ngrams_hash_equally_in_different_texts() -> None:
    batch = shingle_batch(["xin chào các bạn nhé", "ồ xin chào các bạn nhé"], 5)
    assert set(batch.of(0).tolist()) <= set(batch.of(1).tolist())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=6))
def test_shingle_set_sizes_match_reference_on_arbitrary_text(texts: list[str]) -> None:
    batch = shingle_batch(texts, 3)
    for index, text in enumerate(texts):
        assert len(batch.of(index)) == len(reference_shingles(text, 3))


# -- signatures ----------------------------------------------------------------


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7), (256, 42)])
def test_signatures_equal_datasketch_affine32_bit_for_bit(num_perm: int, seed: int) -> None:
    hasher = MinHasher(num_perm=num_perm, seed=seed)
    for text in [*seed_texts(), ARTICLE, "", "một", "HÒA BÌNH"]:
        reference = MinHash(num_perm, seed=seed, scheme="affine32", hashfunc=int)
        for value in hasher.shingle_hashes(text).tolist():
            reference.update(value)
        assert np.array_equal(hasher.signature(text), reference.hashvalues)


def test_batched_signatures_equal_one_by_one() -> None:
    texts = [*seed_texts(), ARTICLE, "", "ngắn", *[edit_words(ARTICLE, 3, s) for s in range(40)]]
    hasher = MinHasher()
    batched = hasher.signatures(texts)
    assert batched.shape == (len(texts), 128) and batched.dtype == np.uint32
    for index, text in enumerate(texts):
        assert np.array_equal(batched[index], hasher.signature(text))


def test_exported_signatures_work_in_datasketch_lsh() -> None:
    hasher = MinHasher()
    params = lsh_params(0.8)
    lsh = MinHashLSH(threshold=0.8, num_perm=128, params=(params.bands, params.rows))
    texts = {"a": ARTICLE, "b": edit_words(ARTICLE, 1, 0), "c": seed_texts()[0]}
    for key, text in texts.items():
        lsh.insert(key, hasher.to_datasketch(hasher.signature(text)))
    found = set(lsh.query(hasher.to_datasketch(hasher.signature(ARTICLE))))
    assert {"a", "b"} <= found and "c" not in found


# -- LSH parameters --------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.7, 0.8, 0.85, 0.9])
def test_lsh_params_reach_recall_target_above_threshold(threshold: float) -> None:
    params = lsh_params(threshold, 128)
    assert params.bands * params.rows <= 128
    assert candidate_probability(threshold + 0.05, params.bands, params.rows) >= 0.99
    table = params.table()
    assert f"bands={params.bands} rows={params.rows}" in table and "P(candidate)" in table


def test_lsh_params_prefers_fewer_false_candidates() -> None:
    chosen = lsh_params(0.8, 128)
    looser = candidate_probability(0.5, 32, 4)
    assert candidate_probability(0.5, chosen.bands, chosen.rows) < looser


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.5, 2.0])
def test_lsh_params_rejects_impossible_thresholds(threshold: float) -> None:
    with pytest.raises(ConfigError):
        lsh_params(threshold)


# -- finding duplicates -------------------------------------------------------------


def corpus_with_planted_duplicates() -> list[tuple[str, str]]:
    seeds = seed_texts()
    items = [(f"seed{i}", text) for i, text in enumerate(seeds)]
    items += [("copy0", seeds[0] + "\nThêm một dòng."), ("edit1", edit_words(seeds[1], 2, 1))]
    items += [("article", ARTICLE), ("article-edit", edit_words(ARTICLE, 1, 5))]
    return items


def test_planted_duplicates_are_found_and_verified_exactly() -> None:
    items = corpus_with_planted_duplicates()
    texts = dict(items)
    result = find_near_duplicates(items, threshold=0.8)
    pairs = {frozenset((d.id, d.duplicate_of)) for d in result.duplicates}
    expected = [("seed0", "copy0"), ("seed1", "edit1"), ("article", "article-edit")]
    assert pairs == {frozenset(pair) for pair in expected}
    for duplicate in result.duplicates:
        assert len(texts[duplicate.duplicate_of]) >= len(texts[duplicate.id])
        exact = reference_jaccard(texts[duplicate.id], texts[duplicate.duplicate_of])
        assert duplicate.jaccard == pytest.approx(exact) and exact >= 0.8


def test_longest_text_is_kept_ties_go_to_the_first_seen() -> None:
    result = find_near_duplicates([("b", ARTICLE), ("a", ARTICLE), ("c", ARTICLE + " Hết.")])
    assert result.kept == ["c"] and result.clusters == [["c", "a", "b"]]
    tie = find_near_duplicates([("b", ARTICLE), ("a", ARTICLE)])
    assert tie.kept == ["b"]


def test_keep_rule_is_pluggable() -> None:
    result = find_near_duplicates(
        [("b", ARTICLE), ("a", ARTICLE + " Hết.")], keep=lambda i, t: (len(t), i)
    )
    assert result.kept == ["b"]


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(rng: random.Random) -> None:
    items = corpus_with_planted_duplicates()
    expected = find_near_duplicates(items)
    shuffled = items[:]
    rng.shuffle(shuffled)
    result = find_near_duplicates(shuffled)
    assert set(result.kept) == set(expected.kept)
    assert result.duplicates == expected.duplicates and result.clusters == expected.clusters


def chain() -> list[tuple[str, str]]:
    """Windows of one word list: A ~ B and B ~ C at about 0.47, A ~ C at about 0.17."""
    words = (ARTICLE + " " + seed_texts()[0]).split()
    return [
        ("a", " ".join(words[0:60])),
        ("b", " ".join(words[20:80])),
        ("c", " ".join(words[40:100])),
    ]


def test_representative_linkage_does_not_chain() -> None:
    items = chain()
    texts = dict(items)
    assert reference_jaccard(texts["a"], texts["b"]) >= 0.4
    assert (
        reference_jaccard(texts["b"], texts["c"]) >= 0.4 > reference_jaccard(texts["a"], texts["c"])
    )
    by_id = {"keep": lambda record_id, _text: record_id}
    connected = find_near_duplicates(items, threshold=0.4, **by_id)
    representative = find_near_duplicates(items, threshold=0.4, linkage="representative", **by_id)
    assert connected.kept == ["a"] and connected.clusters == [["a", "b", "c"]]
    assert representative.kept == ["a", "c"] and representative.clusters == [["a", "b"]]
    assert all(d.jaccard >= 0.4 for d in representative.duplicates)


def test_texts_without_syllables_are_an_exact_hash_class() -> None:
    """Punctuation-only texts match only the same text; empty ones are not compared (issue 21)."""
    result = find_near_duplicates([("a", ""), ("b", "  "), ("c", "!!!"), ("d", "!!!"), ("e", "?")])
    assert {(d.id, d.duplicate_of, d.reason) for d in result.duplicates} == {
        ("d", "c", "exact_duplicate"),
    }
    assert result.kept == ["c", "e"] and result.empty == ["a", "b"]


def test_short_texts_are_one_shingle() -> None:
    result = find_near_duplicates(
        [("a", "Hà Nội mưa"), ("b", "hà nội, mưa!"), ("c", "Hà Nội nắng")]
    )
    assert [(d.id, d.duplicate_of, d.jaccard) for d in result.duplicates] == [("b", "a", 1.0)] or [
        (d.id, d.duplicate_of) for d in result.duplicates
    ] == [("a", "b")]
    assert "c" in result.kept


@pytest.mark.parametrize("verify", ["signature", "none"])
def test_other_verification_modes_report_signature_estimates(verify: str) -> None:
    items = corpus_with_planted_duplicates()
    result = find_near_duplicates(items, verify=verify)
    assert {frozenset((d.id, d.duplicate_of)) for d in result.duplicates} >= {
        frozenset(("article", "article-edit"))
    }
    assert all(0.0 <= d.jaccard <= 1.0 for d in result.duplicates)


def test_passage_level_reports_spans_and_originals() -> None:
    shared = "Mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ở nội thành Hà Nội ngập sâu."
    a = f"Bài A mở đầu bằng đoạn này về giao thông ùn tắc ở cửa ngõ phía nam.\n{shared}"
    b = f"{shared}\nĐoạn riêng của bài B nói về dự báo thời tiết các tỉnh miền núi phía bắc."
    result = find_near_duplicates([("a", a), ("b", b + " Hết.")], level="passage")
    assert result.kept == ["a", "b"]
    [duplicate] = result.passages
    assert duplicate.passage.id == "a" and duplicate.passage.line_no == 1
    start, end = duplicate.passage.start, duplicate.passage.end
    assert a[start:end] == shared
    assert duplicate.duplicate_of.id == "b" and duplicate.duplicate_of.line_no == 0


def test_repeated_paragraph_inside_one_document_is_found() -> None:
    line = "Mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ở nội thành Hà Nội ngập sâu."
    result = find_near_duplicates([("a", f"{line}\nĐoạn giữa ngắn.\n{line}")], level="passage")
    assert [(d.passage.line_no, d.duplicate_of.line_no) for d in result.passages] == [(2, 0)]


@pytest.mark.parametrize(
    "options",
    [
        {"verify": "maybe"},
        {"linkage": "single"},
        {"level": "sentence"},
        {"threshold": 1.5},
        {"bands": 4},
        {"bands": 100, "rows": 100},
        {"colour": "red"},
    ],
)
def test_bad_options_raise_config_error(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        find_near_duplicates(["a b c"], **options)  # type: ignore[arg-type]


def test_repeated_ids_and_bad_items_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="unique"):
        find_near_duplicates([("a", "x"), ("a", "y")])
    with pytest.raises(ConfigError, match="item 1"):
        find_near_duplicates([("a", "x"), 3])  # type: ignore[list-item]


def test_explicit_bands_and_rows_are_used() -> None:
    result = find_near_duplicates(corpus_with_planted_duplicates(), bands=32, rows=4)
    assert result.params is not None and (result.params.bands, result.params.rows) == (32, 4)


def test_dedup_config_is_reusable() -> None:
    config = DedupConfig(threshold=0.7, linkage="representative")
    result = find_near_duplicates(corpus_with_planted_duplicates(), config=config)
    assert result.params is not None and result.params.threshold == 0.7


def test_huge_texts_hash_in_chunks_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunked hashing and block-wise signatures (bounded memory) change no value."""
    import cleaner.dedup.minhash as minhash_module
    import cleaner.dedup.shingles as shingles_module

    texts = [path.read_text(encoding="utf-8") for path in seed_paths()]
    texts.append(" ".join(texts))  # one text far larger than the small chunk and block below
    hasher = MinHasher()
    whole = shingle_batch(texts, 5)
    expected = hasher.batch_signatures(whole)
    monkeypatch.setattr(shingles_module, "_CHUNK", 97)
    monkeypatch.setattr(minhash_module, "_BLOCK", 50)
    chunked = shingle_batch(texts, 5)
    assert np.array_equal(chunked.values, whole.values)
    assert np.array_equal(chunked.offsets, whole.offsets)
    assert np.array_equal(hasher.batch_signatures(chunked), expected)
    minhash = MinHash(128, seed=hasher.seed, scheme="affine32", hashfunc=int)
    minhash.update_batch(hasher.shingle_hashes(texts[-1]).tolist())
    assert np.array_equal(expected[-1], minhash.hashvalues)
