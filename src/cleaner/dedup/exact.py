"""Exact copies and same-URL copies, found before MinHash: :func:`exact_drops`.

Crawls hold many byte-identical pages (the same story under two sections)
and many fetches of one page (``http``/``https``, ``www.``, a tracking
parameter, a trailing slash). Both are found with one 64-bit key a
document, far cheaper than shingling and signing them; the dedup stage then
compares only what is left. The copy kept is the one the near-duplicate
keep policy prefers (:class:`~cleaner.dedup.engine.DedupConfig`'s ``keep``,
:mod:`cleaner.dedup.keep`), ties to the first seen, as near duplicates are
chosen.

>>> normalize_url("HTTPS://www.VnExpress.net/the-thao/bai-viet.html/?utm_source=fb&b=2&a=1#top")
'vnexpress.net/the-thao/bai-viet.html?a=1&b=2'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from cleaner.dedup.keep import KeepPolicy, KeepRule, keep_key

__all__ = ["ExactDocument", "exact_drops", "normalize_url", "text_key"]

# Parameters that say where a click came from, not what page it is: Google
# Analytics (utm_*), Facebook (fbclid), Google Ads (gclid, gclsrc, dclid),
# Microsoft Ads (msclkid), Mailchimp (mc_cid, mc_eid), Zalo shares (zarsrc).
_TRACKING = frozenset(
    ("fbclid", "gclid", "gclsrc", "dclid", "msclkid", "mc_cid", "mc_eid", "zarsrc")
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def text_key(text: str) -> int:
    """A 64-bit key of the text (BLAKE2b), surrounding whitespace left out.

    >>> text_key("Hà Nội mưa to.") == text_key("  Hà Nội mưa to.\\n")
    True
    """
    digest = hashlib.blake2b(text.strip().encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


def normalize_url(url: str) -> str:
    """The URL without what does not change the page it names.

    The scheme, ``www.``, a default port, the fragment, tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ...) and a trailing slash go; the host
    is lower-cased and the remaining parameters sorted. A text that does not
    parse as a URL is only stripped.

    >>> normalize_url("http://tuoitre.vn/"), normalize_url("tuoitre.vn?fbclid=x")
    ('tuoitre.vn', 'tuoitre.vn')
    """
    url = url.strip()
    try:
        parts = urlsplit(url if "://" in url else f"//{url}")
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not (name.lower().startswith("utm_") or name.lower() in _TRACKING)
    )
    path = parts.path.rstrip("/")
    return f"{host}{path}?{urlencode(query)}" if query else f"{host}{path}"


@dataclass(frozen=True, slots=True)
class ExactDocument:
    """What :func:`exact_drops` needs of one document.

    Attributes:
        id: Its id.
        text: Its text (only for the keep policy and the key; not kept).
        url: Its URL, or ``None`` (no URL dedup for it).
        meta: Its other fields (for ``newest:FIELD`` and ``priority:FILE`` policies).
    """

    id: str
    text: str
    url: str | None = None
    meta: Mapping[str, Any] | None = None


@dataclass
class _Group:
    """The best-ranked member of one key's documents so far."""

    rank: Any
    position: int


@dataclass
class _Keys:
    """Per document, in input order, the compact data the decision needs."""

    ids: list[str] = field(default_factory=list)
    ranks: list[Any] = field(default_factory=list)
    texts: list[int | None] = field(default_factory=list)
    urls: list[str | None] = field(default_factory=list)


def exact_drops(
    documents: Iterable[ExactDocument], keep: KeepPolicy | KeepRule
) -> dict[int, dict[str, Any]]:
    """Input position of each exact or same-URL copy that is not kept → its explanation.

    Identical texts (after stripping) are copies (reason ``exact_text``);
    of the rest, documents whose normalized URLs are equal are copies
    (reason ``same_url``). In each group the document ``keep`` prefers is
    kept, ties to the first seen.

    Args:
        documents: The documents in input order (read once).
        keep: The near-duplicate keep policy, or a custom rule ``(id, text)`` → sort key.

    Returns:
        Position → ``{"reason", "duplicate_of", ...}`` as the dedup stage files a drop.
    """
    keys = _Keys()
    for document in documents:
        keys.ids.append(document.id)
        keys.ranks.append(keep_key(keep, document.id, document.text, document.meta))
        # Blank texts are the dedup stage's (reason "empty"), not copies.
        keys.texts.append(text_key(document.text) if document.text.strip() else None)
        keys.urls.append(normalize_url(document.url) if document.url else None)
    drops: dict[int, dict[str, Any]] = {}
    text_kept = _best_of_groups(keys.ranks, keys.texts)
    for position, kept in enumerate(text_kept):
        if kept != position:
            drops[position] = {
                "reason": "exact_text",
                "duplicate_of": keys.ids[kept],
                "jaccard": 1.0,
            }
    urls = [None if position in drops else url for position, url in enumerate(keys.urls)]
    for position, kept in enumerate(_best_of_groups(keys.ranks, urls)):
        if kept != position:
            drops[position] = {
                "reason": "same_url",
                "duplicate_of": keys.ids[kept],
                "url": urls[position],
            }
    return drops


def _best_of_groups(ranks: list[Any], keys: list[Any]) -> list[int]:
    """Per position, the position kept for its key (itself when its key is ``None``).

    Positions are visited in input order and only a strictly better rank
    replaces the kept one, so equal ranks go to the first seen.
    """
    best: dict[Any, _Group] = {}
    for position, key in enumerate(keys):
        if key is None:
            continue
        group = best.get(key)
        if group is None:
            best[key] = _Group(ranks[position], position)
        elif ranks[position] < group.rank:
            group.rank, group.position = ranks[position], position
    return [position if key is None else best[key].position for position, key in enumerate(keys)]
