"""Real Vietnamese news pages: what trafilatura removes, then what the Vietnamese stages remove.

Run: ``VN_CLEANER_HTML=DIR PYTHONPATH=src python -m benchmarks.html_eval`` where DIR
holds saved article pages (``*.html``). The pages are not in this repository
(their text belongs to the publishers); the run in benchmarks/RESULTS.md used
the article fixtures of the public repository meth04/tracking_news-mcp
(tests/fixtures/*_article.html, commit 1bcfd75a6c7d676778b3476030996f277404751c).

For each page: the visible text of the page (every text node outside
script/style, whitespace collapsed), what trafilatura keeps of it
(``cleaner.html``, the reader of ``cleaner run``), then what normalize +
strip_boilerplate remove from that (per reason, with the removed texts), and
the first and last kept lines, where leftovers show. Per-site templates are
not learned here (one page per site).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

from cleaner.boilerplate import strip_boilerplate_and_explain
from cleaner.html import decode_html, extract_page
from cleaner.normalize import normalize

ENV = "VN_CLEANER_HTML"
SPAN_CHARS = 90


def visible_chars(html: str) -> int:
    """Characters of the text a browser shows (whitespace collapsed)."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    return len(" ".join(tree.text_content().split()))


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SPAN_CHARS else text[: SPAN_CHARS - 1] + "…"


def evaluate(path: Path) -> tuple[list[str], Counter[str], int, int, int]:
    html = decode_html(path.read_bytes())
    visible = visible_chars(html)
    started = time.perf_counter()
    page = extract_page(html)
    extract_seconds = time.perf_counter() - started
    lines = [f"### {path.name}", ""]
    if page is None:
        return [*lines, "trafilatura found no main text.", ""], Counter(), visible, 0, 0
    cleaned, removals = strip_boilerplate_and_explain(normalize(page.text))
    removed = sum(len(r.text) for r in removals)
    reasons = Counter(r.reason for r in removals)
    kept = [line for line in cleaned.split("\n") if line.strip()]
    lines += [
        f"- url {page.url}, date {page.date}",
        f"- visible text {visible:,} chars → trafilatura {len(page.text):,} chars "
        f"({len(page.text) / visible:.0%}; {extract_seconds * 1000:.0f} ms) → "
        f"after the Vietnamese stages {len(cleaned):,} chars "
        f"({removed:,} removed in {len(removals)} spans)",
        "- removed after trafilatura: "
        + (", ".join(f"{reason}={count}" for reason, count in reasons.most_common()) or "nothing"),
    ]
    lines += [f"  - `{r.reason}`: {short(r.text)!r}" for r in removals if r.text.strip()]
    if kept:
        lines.append(f"- first kept line: {short(kept[0])!r}")
        lines.append(f"- last kept line: {short(kept[-1])!r}")
    return [*lines, ""], reasons, visible, len(page.text), removed


def main() -> None:
    folder = os.environ.get(ENV)
    if not folder or not Path(folder).is_dir():
        sys.exit(f"set {ENV} to a directory of saved Vietnamese article pages (*.html)")
    pages = sorted(Path(folder).glob("*.html"))
    report = ["## HTML input: trafilatura, then the Vietnamese stages", ""]
    totals: Counter[str] = Counter()
    visible = extracted = removed = 0
    for path in pages:
        lines, reasons, page_visible, page_extracted, page_removed = evaluate(path)
        report += lines
        totals += reasons
        visible += page_visible
        extracted += page_extracted
        removed += page_removed
    report += [
        f"**{len(pages)} pages**: visible text {visible:,} chars; trafilatura kept "
        f"{extracted:,} ({extracted / max(visible, 1):.0%}); the Vietnamese stages then removed "
        f"{removed:,} more ({removed / max(extracted, 1):.1%} of what trafilatura kept): "
        + ", ".join(f"{reason}={count}" for reason, count in totals.most_common()),
    ]
    print("\n".join(report))


if __name__ == "__main__":
    main()
