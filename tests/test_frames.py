"""pandas and polars frames via cleaner.frames: texts as ``cleaner run`` writes them, ids intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import CleanerError, ConfigError, InputError, clean
from cleaner.frames import clean_frame, dedup_frame
from table_corpus import TIE, WIDGET, cleaner_run, corpus

pd = pytest.importorskip("pandas")

BYLINE = "Hội thảo do nhóm Đối tác chính sách về khoa học, công nghệ và sáng tạo chủ trì. Theo VOV"


def frame() -> pd.DataFrame:
    return pd.DataFrame(corpus()).set_index("id")


def test_clean_then_dedup_frame_keeps_what_cleaner_run_keeps(tmp_path: Path) -> None:
    expected = cleaner_run(corpus(), tmp_path)
    out = dedup_frame(clean_frame(frame()))
    assert list(out.index) == list(expected)
    assert out["text"].to_dict() == expected


def test_clean_frame_writes_what_cleaner_run_skip_dedup_writes(tmp_path: Path) -> None:
    expected = cleaner_run(corpus(), tmp_path, "--skip", "dedup")
    assert clean_frame(frame(), explain=False)["text"].to_dict() == expected


def test_input_frame_is_never_mutated() -> None:
    df = frame()
    before = df.copy(deep=True)
    dedup_frame(clean_frame(df, drop=False), drop=False)
    pd.testing.assert_frame_equal(df, before)


def test_integer_ids_stay_ints_so_isin_matches() -> None:
    out = dedup_frame(frame())
    assert frame().index.isin(out.index).sum() == len(out)
    assert all(type(label) is int for label in out["cluster_id"].dropna())


def test_dropped_rows_name_their_kept_row_by_its_label() -> None:
    out = dedup_frame(frame(), drop=False).loc[[2000, 3000, 1000]]
    assert out["duplicate_of"].tolist() == [1000, 1000, None]
    assert out["cluster_id"].tolist() == [1000, 1000, 1000]
    assert out["cluster_size"].tolist() == [3, 3, 3]
    assert out.loc[3000, "jaccard"] == 1.0


def test_equal_length_duplicates_keep_the_first_row_not_the_smallest_id() -> None:
    df = pd.DataFrame({"text": [TIE + "!", TIE + "."]}, index=[22, 100])
    out = dedup_frame(df)
    assert list(out.index) == [22]


def test_id_column_names_rows_in_the_explanation() -> None:
    df = pd.DataFrame({"doc": ["b", "a"], "text": [TIE + "!", TIE + "."]})
    out = dedup_frame(df, id_field="doc", drop=False)
    assert out["duplicate_of"].tolist() == [None, "b"]
    assert list(out.index) == [0, 1]


def test_series_keeps_its_index_labels() -> None:
    series = pd.Series([BYLINE, WIDGET], index=["x", "y"], name="body")
    out = clean_frame(series, drop=False)
    assert list(out.index) == ["x", "y"]
    assert out.loc["x", "text"] == clean(BYLINE)
    assert out.loc["x", "removed_reasons"] == ["byline_inline"]
    assert "no_content" in out.loc["y", "removed_reasons"]
    assert list(clean_frame(series).index) == ["x"]


def test_removed_spans_are_listed_per_row() -> None:
    out = clean_frame(pd.DataFrame({"text": [BYLINE]}))
    assert out.loc[0, "removed_spans"] == [" Theo VOV"]


def test_options_reach_the_stages() -> None:
    df = pd.DataFrame({"text": ["Hoà bình là khát vọng của mọi dân tộc trên thế giới hôm nay."]})
    assert clean_frame(df, tone_style="main_vowel")["text"][0].startswith("Hoà")
    assert clean_frame(df)["text"][0].startswith("Hòa")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clean_frame([1, 2]), "expected a pandas or polars"),
        (lambda: clean_frame(pd.DataFrame({"body": ["x"]})), "no text column 'text'"),
        (lambda: clean_frame(pd.DataFrame({"text": ["x"]}), tone="x"), "unknown clean option"),
        (lambda: dedup_frame(pd.DataFrame({"text": ["x"]}), treshold=0.5), "unknown dedup"),
        (lambda: dedup_frame(pd.DataFrame({"text": ["x", "y"]}, index=[1, 1])), "unique"),
        (lambda: dedup_frame(pd.DataFrame({"text": ["x"], "jaccard": [0.0]})), "already has"),
        (lambda: dedup_frame(pd.DataFrame({"text": ["x"]}), id_field="doc"), "no id column"),
    ],
)
def test_bad_calls_raise_config_errors(call: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        call()  # type: ignore[operator]


def test_a_missing_text_names_its_row() -> None:
    df = pd.DataFrame({"text": ["Hà Nội", None]}, index=["a", "b"])
    with pytest.raises(InputError, match="row 'b'") as error:
        clean_frame(df)
    assert isinstance(error.value, CleanerError)


class TestPolars:
    pl = pytest.importorskip("polars")

    def test_clean_then_dedup_keeps_what_cleaner_run_keeps(self, tmp_path: Path) -> None:
        expected = cleaner_run(corpus(), tmp_path)
        out = dedup_frame(clean_frame(self.pl.DataFrame(corpus())), id_field="id")
        assert dict(zip(out["id"].to_list(), out["text"].to_list(), strict=True)) == expected

    def test_ids_keep_their_dtype_and_rows_their_order(self) -> None:
        df = self.pl.DataFrame({"id": [22, 100, 7], "text": [TIE + "!", TIE + ".", "Tin khác."]})
        out = dedup_frame(df, id_field="id", drop=False)
        assert out["duplicate_of"].dtype == self.pl.Int64
        assert out["duplicate_of"].to_list() == [None, 22, None]
        assert out["cluster_size"].to_list() == [2, 2, 1]
        assert df.columns == ["id", "text"]

    def test_series_without_ids_names_rows_by_position(self) -> None:
        out = dedup_frame(self.pl.Series([TIE + "!", TIE + "."]), drop=False)
        assert out["duplicate_of"].to_list() == [None, 0]

    def test_clean_frame_lists_removals(self) -> None:
        out = clean_frame(self.pl.DataFrame({"text": [BYLINE, WIDGET]}), drop=False)
        assert out["removed_spans"].to_list()[0] == [" Theo VOV"]
        assert clean_frame(self.pl.DataFrame({"text": [BYLINE, WIDGET]})).height == 1


SENTENCES = st.sampled_from(
    [
        TIE,
        TIE + "!",
        "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu",
        "Sáng nay Hà Nội mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ngập sâu.",
        "Tin khác hẳn.",
        "",
    ]
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1000, 1000), SENTENCES), max_size=8, unique_by=lambda r: r[0])
)
def test_dedup_frame_laws(rows: list[tuple[int, str]]) -> None:
    """Kept rows keep their order and labels; every duplicate names a kept row of its cluster."""
    df = pd.DataFrame({"text": [text for _, text in rows]}, index=[label for label, _ in rows])
    before = df.copy()
    out = dedup_frame(df, drop=False)
    pd.testing.assert_frame_equal(df, before)
    kept = out[out["duplicate_of"].isna()]
    assert list(dedup_frame(df).index) == list(kept.index)
    for label, row in out.iterrows():
        if row["duplicate_of"] is not None:
            assert row["duplicate_of"] in kept.index and row["cluster_id"] == row["duplicate_of"]
            assert len(df.loc[row["duplicate_of"], "text"]) >= len(df.loc[label, "text"])
