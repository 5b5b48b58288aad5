"""Memory of the boilerplate stage on documents of many lines (issue 21 item 9)."""

from __future__ import annotations

import tracemalloc

import pytest

from cleaner import clean
from cleaner.boilerplate import restore, strip_boilerplate_and_explain
from cleaner.boilerplate.blank_runs import fold_blank_runs
from cleaner.boilerplate.labels import BlankLine, label_lines


def test_blank_lines_of_one_text_share_one_label() -> None:
    labels = label_lines(["Hà Nội mưa to.", "", "  ", "", "Ảnh: TTXVN", "  "])
    assert labels[1] is labels[3] and labels[2] is labels[5]
    assert isinstance(labels[1], BlankLine) and not isinstance(labels[0], BlankLine)


def test_a_shared_blank_label_refuses_to_change() -> None:
    blank = label_lines([""])[0]
    with pytest.raises(TypeError):
        blank.remove("blank_line")
    with pytest.raises(TypeError):
        blank.add_cut(0, 1, "site_template")


def test_blank_lines_around_removals_are_removed_one_by_one() -> None:
    # Shared labels must still give each removed blank line its own removal.
    text = "Tin liên quan\n\n\nHà Nội mưa to suốt đêm qua.\n\n\nXem thêm:\n\n"
    kept, removals = strip_boilerplate_and_explain(text)
    assert kept == "Hà Nội mưa to suốt đêm qua."
    blank_lines = sorted(r.line_no for r in removals if r.reason == "blank_line")
    assert blank_lines == [1, 2, 4, 5, 7, 8]
    assert restore(kept, removals) == text


def _peak_bytes(text: str) -> tuple[str, int]:
    """``clean``'s output for ``text`` and the peak of Python allocations on the way."""
    clean("Hà Nội mưa to.\n\nẢnh: TTXVN")  # compiles the rules outside the measure
    tracemalloc.start()
    try:
        kept = clean(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return kept, peak


@pytest.mark.slow
def test_a_text_of_blank_lines_costs_a_list_slot_a_line() -> None:
    lines = 300_000
    text = "Hà Nội mưa to.\n" + "\n" * lines + "Trời nắng."
    kept, peak = _peak_bytes(text)
    assert kept == text
    # The split lines' list (8 bytes a line) and nothing per line after the
    # runs are folded; a label per line and the stage's lists took ~50.
    assert peak < 12 * lines


@pytest.mark.slow
def test_a_text_of_short_lines_costs_a_small_multiple_of_its_size() -> None:
    words = ["Mưa to", "Hà Nội", "Giá vàng", "Tin mới", "Bão số 3", "Học sinh"]
    text = "\n".join(f"{words[i % 6]} {i}" for i in range(100_000))
    kept, peak = _peak_bytes(text)
    assert kept == text
    # Measured 17x the UTF-8 size: each line's str (the input is 2-byte
    # Unicode inside Python), its label and its slot in the stage's lists;
    # a list and a tuple of spans per line made it 24x, and 120x before.
    assert peak < 22 * len(text.encode())


def test_runs_of_blank_lines_fold_into_one_line_with_its_repeats() -> None:
    folded = fold_blank_runs(["Tin mới", "", "", " ", " ", "", "Hết."])
    assert folded.lines == ["Tin mới", "", " ", "", "Hết."]
    assert folded.repeats == [1, 2, 2, 1, 1]
    assert folded.size() == len("Tin mới\n\n\n \n \n\nHết.")
    assert fold_blank_runs(["Tin mới", "", "Hết."]).repeats is None


def test_folded_blank_runs_give_every_line_its_own_verdict() -> None:
    # Blank runs of different lengths around removed lines: each removed blank
    # line keeps its own removal, each kept one stays.
    text = "\n\nTin liên quan\n\n\n\nHà Nội mưa to suốt đêm qua.\n\n\nTrời nắng.\n\nXem thêm:\n\n\n"
    kept, removals = strip_boilerplate_and_explain(text)
    assert kept == "\n\nHà Nội mưa to suốt đêm qua.\n\n\nTrời nắng."
    assert restore(kept, removals) == text


def test_a_related_block_is_measured_in_headlines_not_blank_lines() -> None:
    # A related block whose 35 headlines are separated by blank lines goes
    # whole: blank lines are layout, not lines of the block (counted with
    # them, the block's 60-line window ended after 30 headlines).
    body = " ".join(["Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu."] * 30)
    headlines = [f"Giá vàng hôm nay tăng mạnh phiên thứ {n}" for n in range(35)]
    text = body + "\nTin liên quan\n" + "\n\n".join(headlines)
    kept, removals = strip_boilerplate_and_explain(text)
    assert kept == body
    assert restore(kept, removals) == text
