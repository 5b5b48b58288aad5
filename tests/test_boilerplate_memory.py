"""Memory of the boilerplate stage on documents of many lines (issue 21 item 9)."""

from __future__ import annotations

import tracemalloc

import pytest

from cleaner.boilerplate import restore, strip_boilerplate_and_explain
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


@pytest.mark.slow
def test_kept_blank_lines_need_a_few_pointers_each() -> None:
    lines = 300_000
    text = "Hà Nội mưa to.\n" + "\n" * lines + "Trời nắng."
    tracemalloc.start()
    try:
        kept, _ = strip_boilerplate_and_explain(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept == text
    # About 24 bytes a line (list pointers); a label per line took ~100. Removed
    # lines still cost a Removal each: that is the explain output.
    assert peak < 50 * lines
