"""`cleaner run` with the segment-level boilerplate stage: templates, no_content, suspicious."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cleaner, read_jsonl


def test_template_pages_are_dropped_as_no_content_and_banners_cut(tmp_path: Path) -> None:
    banner = "Lưu bài viết thành công Bạn có thể xem lại bài viết đã lưu ở trang Tin bài đã lưu"
    lines = []
    teams = ["Hà Nội", "Hải Phòng", "Nam Định", "Thanh Hóa", "Bình Dương", "Đà Nẵng", "Huế",
             "Cần Thơ", "Vinh", "Quảng Ninh", "Khánh Hòa", "Long An", "Gia Lai"]  # fmt: skip
    for i, team in enumerate(teams):
        story = f"Chiều qua, đội {team} thắng trận đấu thứ {i} của mùa giải năm nay."
        lines.append({"id": f"a{i}", "text": f"{banner} {story}", "source": "24h"})
    lines.append({"id": "widget", "text": banner, "source": "24h"})
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    out, removed = tmp_path / "out.jsonl", tmp_path / "removed.jsonl"
    result = cleaner("run", src, "--out", out, "--removed", removed, "--skip", "dedup", "--quiet")
    assert result.returncode == 0, result.stderr
    texts = {str(r["id"]): str(r["text"]) for r in read_jsonl(out)}
    assert "widget" not in texts
    assert all(banner not in text and text.startswith("Chiều qua") for text in texts.values())
    events = read_jsonl(removed)
    assert any(e["id"] == "widget" and e["reason"] == "no_content" for e in events)
    assert sum(e["reason"] == "site_template" and e["id"] != "widget" for e in events) >= 13
