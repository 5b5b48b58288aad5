"""HTML pages and WARC crawls as records: main text by trafilatura, Vietnamese charsets decoded.

``cleaner run pages/ crawl.warc.gz`` reads ``.html``/``.htm`` files (one
record each; a directory's are read with its ``.txt`` files) and
``.warc``/``.warc.gz`` files (one record per HTTP response whose content
type is HTML). Needs the ``html`` extra (trafilatura, warcio).

The bytes are decoded with the first charset that decodes them: a byte
order mark, the HTTP ``Content-Type`` header (WARC), the page's ``<meta>``
charset, UTF-8, then windows-1252 as browsers do for undeclared pages (and
latin-1 for the five bytes windows-1252 leaves undefined, so no byte is
lost). Legacy Vietnamese pages (TCVN3, VNI, and windows-1258 read as 1252)
are thus text the normalize stage repairs; a page declared windows-1258 is
decoded with Python's ``cp1258`` codec.

trafilatura then keeps the main text (no navigation, no comments; tables
kept) with one paragraph a line, and the page's metadata: each record has
``url``, ``date`` (publication date found in the page, or ``None``),
``title``, ``source`` (the URL's host, for per-site templates) and, from a
WARC, ``fetched`` (the capture date; ``url`` is then the URL fetched). The
Vietnamese stages then remove what extractors keep (bylines, "Theo ...",
related-news teasers, credits). A page with no main text is rejected with reason ``no_main_text``.
"""

from __future__ import annotations

import codecs
import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from cleaner.errors import ConfigError, InputError
from cleaner.io import HTML_SUFFIXES, WARC_SUFFIXES, ReadOptions, Rejects
from cleaner.records import Record

__all__ = [
    "HTML_SUFFIXES",
    "SOFT_HYPHEN",
    "WARC_SUFFIXES",
    "Page",
    "decode_html",
    "extract_page",
    "is_html_path",
    "is_warc_path",
    "read_html",
    "read_html_dir",
    "read_warc",
]

#: HTTP content types read from a WARC.
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
#: Bytes of a page searched for a ``<meta>`` charset.
META_PRESCAN_BYTES = 8192
_DEFAULT_OPTIONS = ReadOptions()
#: Bytes of a rejected page kept in the rejects file.
REJECT_SAMPLE_BYTES = 1024

#: TCVN3 writes "ư" as byte 0xAD, a soft hyphen once read as 1252, which
#: trafilatura deletes (with every invisible character); it travels through the
#: extractor as a letter no Vietnamese page uses (U+A7FF) and is put back after.
SOFT_HYPHEN = "\u00ad"
_SOFT_HYPHEN_STAND_IN = "\ua7ff"

_META_CHARSET = re.compile(r"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Labels browsers read as windows-1252 (WHATWG Encoding), and the TCVN
# labels of Vietnamese legacy pages, whose fonts the normalizer reads as 1252.
_READ_AS_CP1252 = frozenset(
    {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252"}
    | {"tcvn", "tcvn3", "tcvn-5712", "tcvn5712-1", "x-viet-tcvn5712", "vn3"}
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Page:
    """What trafilatura kept of a page.

    Attributes:
        text: The main text, a paragraph a line.
        url: The page's URL (given, or canonical/og:url found in the page).
        date: Publication date found in the page (``YYYY-MM-DD``), or ``None``.
        title: The page title, or ``None``.
    """

    text: str
    url: str | None
    date: str | None
    title: str | None

    def fields(self) -> dict[str, Any]:
        """The record fields: ``url``, ``date``, ``title``, ``source`` (the URL's host)."""
        host = urlsplit(self.url).hostname if self.url else None
        return {"url": self.url, "date": self.date, "title": self.title, "source": host}


def is_html_path(path: str | Path) -> bool:
    """Whether a path is read as an HTML page (by its suffix)."""
    return str(path).lower().endswith(HTML_SUFFIXES)


def is_warc_path(path: str | Path) -> bool:
    """Whether a path is read as a WARC file (by its suffix)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a page with the first charset that fits (see the module docs).

    Args:
        data: The page's bytes.
        declared: The charset of the HTTP ``Content-Type`` header, if any.

    >>> import unicodedata  # windows-1258 writes tones as combining marks
    >>> unicodedata.normalize("NFC", decode_html(b"Vi\\xea\\xf2t", "windows-1258"))
    'Việt'
    >>> decode_html(b'<meta charset="utf-8">Vi\\xe1\\xbb\\x87t')
    '<meta charset="utf-8">Việt'
    >>> decode_html(b"Vi\\xd6t")  # TCVN3, undeclared: the normalizer repairs it
    'ViÖt'
    """
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    # latin-1 maps bytes to characters one to one: the ASCII markup reads as itself.
    meta = _META_CHARSET.search(data[:META_PRESCAN_BYTES].decode("latin-1"))
    labels = [bom, declared, meta.group(1) if meta else None, "utf-8", "cp1252"]
    for label in labels:
        name = _codec(label)
        if name is None:
            continue
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    # latin-1 maps every byte to one character: nothing is lost.
    return data.decode("latin-1")


def _codec(label: str | None) -> str | None:
    """The Python codec of a charset label, or ``None`` when Python has none."""
    if not label:
        return None
    name = label.strip().lower()
    if name in _READ_AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def extract_page(html: str, url: str | None = None) -> Page | None:
    """The main text and metadata of a page, or ``None`` when it has no main text.

    Raises:
        ConfigError: trafilatura is not installed.
    """
    trafilatura = _require("trafilatura")
    found = trafilatura.bare_extraction(
        html.replace(SOFT_HYPHEN, _SOFT_HYPHEN_STAND_IN),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
    )
    text = (found.text or "").strip() if found is not None else ""
    if not text:
        return None
    text = text.replace(_SOFT_HYPHEN_STAND_IN, SOFT_HYPHEN)
    return Page(text, found.url or url, found.date, found.title)


def read_html(
    path: str | Path,
    options: ReadOptions = _DEFAULT_OPTIONS,
    rejects: Rejects | None = None,
    *,
    record_id: str | None = None,
) -> Iterator[Record]:
    """One record from an HTML file (id: ``record_id``, default the path).

    Raises:
        InputError: The file cannot be read, or (strict mode) has no main text.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(
            error.strerror or str(error), source=str(path), reason="unreadable"
        ) from None
    page = extract_page(decode_html(data))
    yield from _records(page, record_id or str(path), {}, data, str(path), options, rejects)


def read_html_dir(
    directory: str | Path, options: ReadOptions = _DEFAULT_OPTIONS, rejects: Rejects | None = None
) -> Iterator[Record]:
    """One record per ``.html``/``.htm`` file under ``directory`` (sorted; id: relative path)."""
    root = Path(directory)
    pages = sorted(path for path in root.rglob("*") if path.is_file() and is_html_path(path))
    for path in pages:
        yield from read_html(path, options, rejects, record_id=path.relative_to(root).as_posix())


def read_warc(
    path: str | Path, options: ReadOptions = _DEFAULT_OPTIONS, rejects: Rejects | None = None
) -> Iterator[Record]:
    """One record per HTML response of a WARC file (id: its ``WARC-Record-ID``).

    Requests, metadata, redirects, errors and non-HTML responses are skipped.

    Raises:
        InputError: The file cannot be read or is not a valid WARC.
        ConfigError: warcio is not installed.
    """
    _require("warcio")
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    def fail(message: str) -> InputError:
        return InputError(message, source=str(path), reason="bad_warc")

    try:
        with open(path, "rb") as stream:
            if not _starts_like_warc(stream):
                raise fail("not a valid WARC file: it does not start with a WARC/ version line")
            for number, response in enumerate(_html_responses(ArchiveIterator(stream)), start=1):
                yield from _warc_records(response, number, str(path), options, rejects)
    except OSError as error:
        raise fail(error.strerror or str(error)) from None
    except ArchiveLoadFailed as error:
        raise fail(f"not a valid WARC file: {error}") from None


def _starts_like_warc(stream: BinaryIO) -> bool:
    """Whether the (possibly gzipped) file starts with a WARC record; rewinds the stream.

    warcio reads any other file as no records, with warnings only.
    """
    head = stream.read(2)
    stream.seek(0)
    if head == b"\x1f\x8b":
        try:
            head = gzip.GzipFile(fileobj=stream).read(5)
        except (OSError, EOFError):
            head = b""
        stream.seek(0)
    else:
        head = stream.read(5)
        stream.seek(0)
    return head == b"WARC/"


def _html_responses(records: Iterable[Any]) -> Iterator[Any]:
    for record in records:
        if record.rec_type != "response" or record.http_headers is None:
            continue
        status = record.http_headers.get_statuscode() or ""
        content_type = (record.http_headers.get_header("Content-Type") or "").lower()
        if status.startswith("2") and content_type.startswith(HTML_CONTENT_TYPES):
            yield record


def _warc_records(
    response: Any, number: int, source: str, options: ReadOptions, rejects: Rejects | None
) -> Iterator[Record]:
    headers = response.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or f"{source}:{number}").strip("<>")
    url = headers.get_header("WARC-Target-URI")
    charset = _HEADER_CHARSET.search(response.http_headers.get_header("Content-Type") or "")
    data = response.content_stream().read()
    page = extract_page(decode_html(data, charset.group(1) if charset else None), url)
    # The URL fetched, not the canonical one the page names.
    capture = {"url": url, "fetched": headers.get_header("WARC-Date")}
    yield from _records(page, record_id, capture, data, source, options, rejects, number)


def _records(
    page: Page | None,
    record_id: str,
    extra: dict[str, Any],
    data: bytes,
    source: str,
    options: ReadOptions,
    rejects: Rejects | None,
    number: int | None = None,
) -> Iterator[Record]:
    """The page's record, or nothing when it has no main text (rejected, as a bad line is)."""
    if page is not None:
        yield Record(record_id, page.text, {**page.fields(), **extra})
        return
    error = InputError(
        f"no main text found in page {record_id}", source=source, line=number, reason="no_main_text"
    )
    if options.strict:
        raise error
    (rejects if rejects is not None else Rejects()).add(error, data[:REJECT_SAMPLE_BYTES])


def _require(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise ConfigError(
            f"HTML and WARC input need: pip install 'vn-cleaner[html]' ({module} is missing)"
        ) from None
