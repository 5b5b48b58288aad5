"""A small corpus with integer ids for the table adapters, and what ``cleaner run`` makes of it.

The seed articles (real scraped news, seeds/) carry their own boilerplate
("Theo ...", bylines, related links); each gets a lightly edited copy (a
near-duplicate) and one is repeated verbatim. Two rows of equal length
repeat each other with ids in the "wrong" string order (100 before 22), so
the tie rule (first row seen wins) is exercised. A widget-only row is
dropped as ``no_content``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import seed_paths
from test_cli import cleaner, read_jsonl

TIE = "Giá vàng SJC sáng nay tăng thêm hai trăm nghìn đồng mỗi lượng so với phiên giao dịch hôm qua"
WIDGET = "Tin liên quan:\nĐọc thêm >>"


def corpus() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, path in enumerate(seed_paths()):
        text = path.read_text(encoding="utf-8")
        rows.append({"id": 1000 + number, "text": text, "source": "seed"})
        rows.append({"id": 2000 + number, "text": text.replace("năm", "nam", 1), "source": "seed"})
    rows.append({"id": 3000, "text": rows[0]["text"], "source": "seed"})
    rows.append({"id": 100, "text": TIE + ".", "source": "tie"})
    rows.append({"id": 22, "text": TIE + "!", "source": "tie"})
    rows.append({"id": 5, "text": WIDGET, "source": "widget"})
    return rows


def cleaner_run(rows: list[dict[str, Any]], tmp_path: Path, *options: str) -> dict[Any, str]:
    """``cleaner run`` on the rows as JSON lines: kept id → text (ids back to ints)."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    result = cleaner("run", source, "--out", out, "--quiet", *options)
    assert result.returncode == 0, result.stderr.decode()
    return {int(str(r["id"])): str(r["text"]) for r in read_jsonl(out)}
