"""HTML pages and WARC crawls through ``cleaner run``: main text, url and date, legacy charsets.

The pages are written here (real news pages are not ours to ship; the
evaluation on real pages is ``benchmarks/html_eval.py``). Their sentences
are real: seeds/001 (ttv) and the TCVN3 vector ``tcvn3-001`` of
tests/data/encoding_vectors.jsonl.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from cleaner import ConfigError, InputError, read_records
from cleaner.io import ReadOptions, Rejects
from conftest import load_vectors
from test_cli import cleaner, read_jsonl

pytest.importorskip("trafilatura")
pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.html import decode_html, extract_page

PARAGRAPHS = [
    "Sáng ngày 29/12, Ban Tổ chức Trung ương tổ chức Hội nghị toàn quốc trực tiếp kết hợp với "
    "trực tuyến, tổng kết công tác Tổ chức xây dựng Đảng năm 2022, triển khai nhiệm vụ năm 2023.",
    "Các đồng chí Võ Văn Thưởng, Ủy viên Bộ Chính trị, Thường trực Ban Bí thư; Trương Thị Mai, "
    "Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng, Trưởng Ban Tổ chức Trung ương, lãnh đạo các "
    "Bộ, Ban, ngành dự hội nghị tại điểm cầu Hà Nội.",
    "Năm 2022 là năm thứ 2 triển khai thực hiện Nghị quyết Đại hội XIII của Đảng, Nghị quyết Đại "
    "hội Đảng bộ các cấp, nhiệm kỳ 2020 – 2025, với quyết tâm chính trị, tinh thần trách nhiệm.",
]
TCVN3 = next(v for v in load_vectors("encoding_vectors.jsonl") if v["id"] == "tcvn3-001")
URL = "https://tin.example.vn/thoi-su/hoi-nghi-to-chuc-xay-dung-dang-2022.html"


def page(paragraphs: list[str], charset: str = "utf-8", url: str = URL) -> str:
    """A news page: menu, article with a source line, related links, footer."""
    body = "".join(f"<p>{text}</p>\n" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}">
<title>Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng</title>
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="2022-12-29T21:10:00+07:00">
</head><body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/kinh-doanh">Kinh doanh</a></li><li><a href="/the-thao">Thể thao</a></li></ul></nav>
<article><h1>Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng</h1>
{body}<p>Theo VOV</p></article>
<aside><h3>Tin liên quan</h3>
<ul><li><a href="/a">Bí thư Trung ương Đảng làm việc tại Hà Nam</a></li>
<li><a href="/b">Triển khai nhiệm vụ năm 2023 của ngành tổ chức</a></li></ul></aside>
<footer><p>© Bản quyền thuộc về Báo điện tử Ví Dụ. Cấm sao chép dưới mọi hình thức.</p></footer>
</body></html>"""


def write_warc(path: Path, responses: list[tuple[str, str, bytes]], request: bool = True) -> Path:
    """A gzipped WARC: one response per (url, HTTP status and content type, body), and a request."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, status_and_type, body in responses:
            status, content_type = status_and_type.split(" | ")
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
            if request:
                asked = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "tin.example.vn")], is_http_request=True
                )
                writer.write_record(writer.create_warc_record(url, "request", http_headers=asked))
    return path


def records(*inputs: Path, **options: Any) -> list[Any]:
    return list(read_records(inputs, ReadOptions(**options)))


def test_extractor_drops_the_menu_and_keeps_the_article(tmp_path: Path) -> None:
    extracted = extract_page(page(PARAGRAPHS))
    assert extracted is not None
    assert all(text in extracted.text for text in PARAGRAPHS)
    assert "Trang chủ" not in extracted.text and "Cấm sao chép" not in extracted.text
    assert extracted.url == URL and extracted.date == "2022-12-29"


def test_html_file_keeps_url_date_and_source(tmp_path: Path) -> None:
    source = tmp_path / "bai.html"
    source.write_text(page(PARAGRAPHS), "utf-8")
    (record,) = records(source)
    assert record.id == str(source)
    assert record.meta["url"] == URL
    assert record.meta["date"] == "2022-12-29"
    assert record.meta["source"] == "tin.example.vn"


def test_cleaner_run_reads_pages_and_a_warc_and_strips_what_the_extractor_kept(
    tmp_path: Path,
) -> None:
    pages = tmp_path / "pages"
    (pages / "thoi-su").mkdir(parents=True)
    (pages / "thoi-su" / "a.html").write_text(page(PARAGRAPHS), "utf-8")
    (pages / "ghi-chu.txt").write_text(" ".join(PARAGRAPHS[1:]), "utf-8")
    crawl = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            (URL + "?p=2", "200 OK | text/html; charset=utf-8", page(PARAGRAPHS[:2]).encode()),
            ("https://tin.example.vn/logo.png", "200 OK | image/png", b"\x89PNG\r\n"),
            ("https://tin.example.vn/moved", "301 Moved Permanently | text/html", b"<a>moved</a>"),
        ],
    )
    result = cleaner("run", pages, crawl, "--out", f"{tmp_path}/out/", "--skip", "dedup", "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    out = {str(r["id"]): r for r in read_jsonl(tmp_path / "out" / "cleaned.jsonl")}
    assert len(out) == 3
    article = out["thoi-su/a.html"]
    assert article["url"] == URL and article["date"] == "2022-12-29"
    assert "Theo VOV" not in str(article["text"])
    (from_warc,) = (r for r in out.values() if str(r["id"]).startswith("urn:uuid:"))
    assert from_warc["url"] == URL + "?p=2" and str(from_warc["fetched"]).startswith("20")
    removed = read_jsonl(tmp_path / "out" / "removed.jsonl")
    assert any(r["id"] == "thoi-su/a.html" and "Theo VOV" in str(r["text"]) for r in removed)


def test_windows_1258_declared_in_the_http_header_is_decoded(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFC", PARAGRAPHS[0])
    body = page([PARAGRAPHS[0]] * 3, charset="windows-1258")
    encoded = _cp1258(body)
    crawl = write_warc(
        tmp_path / "c.warc.gz", [(URL, "200 OK | text/html; charset=windows-1258", encoded)]
    )
    (record,) = records(crawl)
    assert text in unicodedata.normalize("NFC", record.text)


def test_tcvn3_page_is_repaired_by_cleaner_run(tmp_path: Path) -> None:
    """TCVN3 pages declare a Western charset; the normalizer repairs the letters."""
    body = "".join(f"<p>{TCVN3['input']}</p>" for _ in range(3))
    head = '<head><meta charset="iso-8859-1"><title>Tin</title></head>'
    html = f"<html>{head}<body><article>{body}</article></body></html>"
    (tmp_path / "tcvn3.html").write_bytes(html.encode("cp1252"))
    result = cleaner("run", tmp_path / "tcvn3.html", "--out", tmp_path / "out.jsonl", "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert TCVN3["expected"] in str(record["text"])


def test_undeclared_bytes_are_never_lost() -> None:
    data = bytes(range(256))
    assert decode_html(data).encode("latin-1") == data


def test_page_without_main_text_is_rejected_with_a_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><script>var trang = 1;</script></body></html>", "utf-8")
    rejects = Rejects()
    assert list(read_records([empty], ReadOptions(), rejects)) == []
    assert rejects.counts == {"no_main_text": 1}
    with pytest.raises(InputError, match="no main text"):
        records(empty, strict=True)


def test_a_broken_warc_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"this is not a warc file\n" * 10)
    with pytest.raises(InputError, match="not a valid WARC"):
        records(broken)
    result = cleaner("run", broken, "--out", tmp_path / "out.jsonl", "--quiet")
    assert result.returncode != 0
    assert b"Traceback" not in result.stderr and b"not a valid WARC" in result.stderr


def test_missing_extractor_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "trafilatura", None)
    with pytest.raises(ConfigError, match=r"vn-cleaner\[html\]"):
        extract_page("<p>Hà Nội</p>")


def _cp1258(text: str) -> bytes:
    """Encode as windows-1258: letters it lacks are written as base letter + combining tone."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            composed = unicodedata.normalize(
                "NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b")
            )
            tones = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
            out += (composed + tones).encode("cp1258")
    return bytes(out)


def test_warc_request_records_are_skipped(tmp_path: Path) -> None:
    crawl = write_warc(
        tmp_path / "c.warc.gz", [(URL, "200 OK | text/html", page(PARAGRAPHS).encode())]
    )
    (record,) = records(crawl)
    assert record.meta["url"] == URL and record.meta["title"].startswith("Hội nghị")
