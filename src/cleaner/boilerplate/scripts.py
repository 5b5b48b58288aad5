"""Page scripts that leaked into the text: ad and tracking JavaScript, told by its syntax.

A scraper that takes an element's ``textContent`` keeps the inline
``<script>`` inside it, so a sentence is followed by
``if (!ismobile){try { … document.write(Web_AdsArticleMiddle); … } catch (e) { }}``
(tienphong, set g), on one line or inside a flattened article. No wording of
the site's is involved: the snippet is found by its shape.

A snippet starts at a statement opener (``if (``, ``try {``, ``var x =``,
``function (``, ``document.``, ``window.``, ``googletag.``, ``(adsbygoogle``,
``$(``/``jQuery(``) and runs while its braces and parentheses are open, on
through ``;``, ``else``, ``catch`` and further statements. It is removed only
when it calls the page (``document.``, ``window.``, an ``ads`` name, a
``catch``, ``.push(``, …) and holds no Vietnamese word: a code sample in a
programming article names no ad slot, and prose never closes its braces.
"""

from __future__ import annotations

import regex

__all__ = ["find_scripts"]

#: Cheap pre-check: a line without any of these holds no script.
_HINTS = ("{", "document.", "window.", "googletag", "adsbygoogle", "$(", "jQuery(")
#: Where a statement starts (at a word boundary, never inside a word).
_OPENER = regex.compile(
    r"(?<![\w.$])(?:if\s{0,8}\(|try\s{0,8}\{|(?:var|let|const)\s{1,8}[A-Za-z_$][\w$]{0,60}\s{0,8}=|"
    r"function\s{0,8}[A-Za-z_$]{0,60}\s{0,8}\(|\(\s{0,8}function\s{0,8}\(|document\.|window\.|"
    r"googletag\.|\(\s{0,8}adsbygoogle|\$\(|jQuery\()"
)
#: What makes a snippet the page's own code: a call into the page or its ad slots.
_PAGE_CALL = regex.compile(
    r"document\.|window\.|googletag|adsbygoogle|catch\s{0,8}\(|\.push\(|innerHTML|"
    r"getElementById|setTimeout|Ads?[A-Z_]"
)
#: String literals, left out when looking for Vietnamese words.
_STRING = regex.compile(r"\"[^\"\n]{0,4000}\"|'[^'\n]{0,4000}'")
#: What may follow a closed statement and still be code.
_CONTINUES = regex.compile(r"\s{0,8}(?:[{}.;()]|else\b|catch\b|finally\b|&&|\|\|)")
#: A letter with a Vietnamese diacritic: no ad script spells one outside a string.
_VIETNAMESE_LETTER = regex.compile(r"[^\x00-\x7F\s]")
#: A snippet is at most this long (a line of minified code, a few statements).
MAX_SCRIPT_CHARS = 4000
#: Characters scanned per character of a line, at most: openers that never
#: close ("document.(" a thousand times) must not make the search quadratic.
SCAN_BUDGET = 8

_OPENING = frozenset("{(")
_CLOSING = frozenset("})")
#: The spaces before a further statement.
_SPACES = regex.compile(r" *")


def find_scripts(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are leaked page script, in order.

    >>> line = "Thị trường tăng. if (a){try { document.write(b); } catch (e) { }} PVS tăng."
    >>> [line[s:e] for s, e in find_scripts(line)]
    ['if (a){try { document.write(b); } catch (e) { }}']
    """
    if not any(hint in text for hint in _HINTS):
        return []
    spans: list[tuple[int, int]] = []
    position = 0
    budget = SCAN_BUDGET * len(text) + MAX_SCRIPT_CHARS
    while budget > 0 and (opener := _OPENER.search(text, position)) is not None:
        end, scanned = _snippet_end(text, opener.start())
        budget -= scanned
        snippet = text[opener.start() : end]
        if end > opener.start() and _is_page_script(snippet):
            spans.append((opener.start(), end))
            position = end
        else:
            position = opener.end()
    return spans


def _snippet_end(text: str, start: int) -> tuple[int, int]:
    """Where the statements that start at ``start`` end (``start`` if they never close).

    Also returns how many characters were scanned. A letter outside ASCII
    ends the scan: code spells none outside its strings.
    """
    limit = min(len(text), start + MAX_SCRIPT_CHARS)
    depth = 0
    closed_at = start
    index = start
    while index < limit:
        char = text[index]
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            if depth == 0:
                break
            depth -= 1
        elif char in "\"'":
            index = _string_end(text, index, limit)
        elif char > "\x7f" and not char.isspace():
            break
        index += 1
        if depth == 0 and (char in _CLOSING or char == ";"):
            closed_at = index
            if not _continues(text, index):
                break
    return closed_at, index - start + 1


def _continues(text: str, index: int) -> bool:
    """Whether more code follows a closed statement: a brace, ``else``, another statement."""
    if _CONTINUES.match(text, index) is not None:
        return True
    spaces = _SPACES.match(text, index)
    assert spaces is not None  # the pattern matches the empty string
    # Matched in place: a slice of the rest of the line per closed statement
    # made long lines of statements quadratic.
    return _OPENER.match(text, spaces.end()) is not None


def _string_end(text: str, start: int, limit: int) -> int:
    """Offset of the quote that closes the string opened at ``start`` (or the limit)."""
    quote = text[start]
    index = start + 1
    while index < limit and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return min(index, limit - 1)


def _is_page_script(snippet: str) -> bool:
    """Code that calls into the page, with no Vietnamese word outside its strings."""
    if _PAGE_CALL.search(snippet) is None:
        return False
    return _VIETNAMESE_LETTER.search(_STRING.sub("", snippet)) is None
