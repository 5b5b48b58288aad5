"""Character-level fixers: Unicode composition, invisible characters, whitespace.

Each fixer is ``str -> str`` with an optional :class:`~cleaner.explain.EditLog`
and a cheap pre-check, so clean text costs one scan.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

import regex

from cleaner.explain import EditLog, next_pass
from cleaner.normalize.base import substitute

#: Unicode spaces other than U+0020 that become a plain space (NBSP, en/em spaces,
#: narrow NBSP, ideographic space, ...). Tab is included: web text uses it as a space.
OTHER_SPACES = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"

#: Characters that are never wanted in cleaned text: BOM, zero-width space, word
#: joiner, Mongolian vowel separator, soft hyphen, bidirectional marks and
#: embeddings, C0 controls other than tab/newline, DEL and C1 controls.
INVISIBLE = (
    "\ufeff\u200b\u2060\u180e\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
)

#: A line break other than LF (CRLF counts as one). NEL (U+0085) only breaks a
#: line where no text comes right before it: after a letter it is the cp1252
#: byte 0x85 read as latin-1, the "…" or the end of a UTF-8 letter (``lá»\x85``
#: is "lễ"), which the encoding repair decodes.
LINE_BREAK = regex.compile(r"\r\n?|[\u2028\u2029]|(?<![^\s])\x85")
#: The characters that may start a :data:`LINE_BREAK` (for the scanner's table).
LINE_BREAK_CHARS = re.compile("[\r\u2028\u2029\x85]")


def _has_line_break(text: str) -> bool:
    # Four substring tests scan clean text ~10x faster than one regex class (0.4 vs 4 ms/MB).
    return "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text


# ZWJ glues emoji sequences (family, flags); ZWNJ shapes Arabic and Indic
# scripts. Both are noise next to Latin letters, so only those are removed.
_INVISIBLE = regex.compile(
    rf"[{INVISIBLE}]+"
    r"|(?<!\p{Extended_Pictographic}\ufe0f?)\u200d"
    r"|(?<![^\p{Latin}\p{Common}])\u200c"
)
#: Any character ``remove_invisible`` may remove (its pre-check).
ANY_INVISIBLE = re.compile(f"[{INVISIBLE}\u200c\u200d]")
_HAS_INVISIBLE = ANY_INVISIBLE.search
#: A Unicode space other than U+0020.
OTHER_SPACE = re.compile(f"[{OTHER_SPACES}]")
_HAS_OTHER_SPACE = OTHER_SPACE.search
# Three plain steps, each with a literal or one-class pattern that ``re`` scans
# fast (one combined pattern that starts on the space class ran at 31 MB/s).
_SPACE_RUN = re.compile(" {2,}")
_LINE_EDGE_SPACES = re.compile("(?m)^ +| +$")
_NON_SPACE = regex.compile(r"\S+")
_NEWLINE = re.compile("\n")


def _has_line_edge_space(text: str) -> bool:
    return " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" ")


def normalize_line_breaks(text: str, log: EditLog | None = None) -> str:
    r"""Turn CRLF, CR and Unicode line/paragraph separators into LF.

    >>> normalize_line_breaks("a\r\nb\rc")
    'a\nb\nc'
    """
    return substitute(
        LINE_BREAK, text, lambda _m: "\n", "line_break", log, precheck=_has_line_break
    )


def remove_invisible(text: str, log: EditLog | None = None) -> str:
    """Remove zero-width characters, BOM, soft hyphens, bidi marks and control characters.

    >>> remove_invisible("Hà\\u200bNội\\ufeff")
    'HàNội'
    """
    return substitute(
        _INVISIBLE, text, lambda _m: "", "invisible_char", log, precheck=_HAS_INVISIBLE
    )


def collapse_spaces(text: str, log: EditLog | None = None, *, keep_layout: bool = True) -> str:
    """Turn Unicode spaces into U+0020, collapse runs, strip both ends of every line.

    With ``keep_layout`` (the default) code and tables keep their shape: a
    line's indentation of two or more spaces or tabs stays, and so do the runs
    of spaces inside a line that is indented or whose columns line up with a
    neighbouring line's. Everywhere else a run is one space (double spaces in
    prose are typing noise). Newlines are kept exactly; only spaces inside a
    line change.

    >>> collapse_spaces(" Hà\\u00a0 Nội  \\nxin  chào")
    'Hà Nội\\nxin chào'
    >>> collapse_spaces("    if x > 0:\\n        return  x")
    '    if x > 0:\\n        return  x'
    >>> collapse_spaces("    if x > 0:", keep_layout=False)
    'if x > 0:'
    """
    if not keep_layout:
        text = substitute(OTHER_SPACE, text, _space, "whitespace", log)
        text = substitute(_SPACE_RUN, text, _space, "whitespace", next_pass(log), precheck=_has_run)
        return substitute(
            _LINE_EDGE_SPACES,
            text,
            _nothing,
            "whitespace",
            next_pass(log),
            precheck=_has_line_edge_space,
        )
    indented = {match.start() for match in _INDENT.finditer(text)}
    text = substitute(_OTHER_SPACE_OUTSIDE_INDENT, text, _space_unless_indent, "whitespace", log)
    if not (_has_run(text) or _has_line_edge_space(text)):
        return text
    layout = _Layout(text, indented)
    return substitute(_SPACES_TO_FIX, text, layout.replace, "whitespace", next_pass(log))


# Indentation worth keeping: two or more spaces or tabs (one space is an
# extraction artefact on news pages), before text.
_INDENT_BODY = r"^(?:[ \t]{2,}|[ \t]*\t[ \t]*)(?=[^\s])"
_INDENT = re.compile(_INDENT_BODY, re.MULTILINE)
# Tabs of kept indentation stay; other Unicode spaces become U+0020.
_OTHER_SPACE_OUTSIDE_INDENT = re.compile(
    f"(?P<indent>{_INDENT_BODY})|[{OTHER_SPACES}]", re.MULTILINE
)
# Leading spaces, trailing spaces, inner runs (the trailing branch first).
_SPACES_TO_FIX = re.compile("^ +| +$| {2,}", re.MULTILINE)
_INNER_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
_LEADING_SPACES = re.compile(" *")


def _space_unless_indent(match: re.Match[str]) -> str:
    return match.group() if match.group("indent") else " "


class _Layout:
    """Which spaces of a text stay: kept indentation, and the runs of aligned lines.

    A line is aligned when it is indented, or when one of its inner runs of
    spaces ends at the column where one of a neighbouring line's does
    (columns as they will be once leading spaces are stripped, so that a
    second pass sees the same alignment).
    """

    def __init__(self, text: str, indented: set[int]) -> None:
        self._starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
        self._indented = indented
        columns: dict[int, set[int]] = {}
        for match in _INNER_RUN.finditer(text):
            line = bisect.bisect_right(self._starts, match.start()) - 1
            start = self._starts[line]
            if start not in indented:
                start = _LEADING_SPACES.match(text, start).end()  # type: ignore[union-attr]
            columns.setdefault(line, set()).add(match.end() - start)
        self._aligned = {
            line
            for line, here in columns.items()
            if here & columns.get(line - 1, set()) or here & columns.get(line + 1, set())
        }

    def replace(self, match: re.Match[str]) -> str:
        text, start, end = match.string, match.start(), match.end()
        if end == len(text) or text[end] == "\n":
            return ""  # trailing spaces, or a line of spaces
        line = bisect.bisect_right(self._starts, start) - 1
        indented = self._starts[line] in self._indented
        if start == self._starts[line]:
            return match.group() if indented else ""
        return match.group() if indented or line in self._aligned else " "


def _space(_match: re.Match[str]) -> str:
    return " "


def _nothing(_match: re.Match[str]) -> str:
    return ""


def _has_run(text: str) -> bool:
    return "  " in text


def compose_nfc(text: str, log: EditLog | None = None) -> str:
    """Compose text to Unicode NFC, recording one edit per changed token.

    NFC never composes across whitespace, so normalizing each maximal
    non-space run gives exactly ``unicodedata.normalize("NFC", text)``.

    >>> compose_nfc("Vie\\u0302\\u0323t")
    'Việt'
    """
    if log is None or not log.enabled:
        # Nothing to record: one C call instead of a callback per token (~20x faster).
        return unicodedata.normalize("NFC", text)

    def replacement(match: regex.Match[str]) -> str:
        return unicodedata.normalize("NFC", match.group())

    return substitute(_NON_SPACE, text, replacement, "nfc", log, precheck=_is_not_nfc)


#: Typographic punctuation and its ASCII spelling, for ``ascii_punctuation=True``.
ASCII_PUNCTUATION = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark (also the typographic apostrophe)
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',  # guillemets, used for quotes by some Vietnamese sites
    "\u00bb": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2026": "...",
}
#: Typographic punctuation that ``asciify_punctuation`` spells in ASCII.
TYPOGRAPHIC = regex.compile(f"[{''.join(ASCII_PUNCTUATION)}]")
_HAS_TYPOGRAPHIC = re.compile(f"[{''.join(ASCII_PUNCTUATION)}]").search


def asciify_punctuation(text: str, log: EditLog | None = None) -> str:
    """Spell curly quotes, dashes and the ellipsis in ASCII (opt-in; off by default).

    >>> asciify_punctuation("\u201cHà Nội\u201d \u2013 mùa thu\u2026")
    '"Hà Nội" - mùa thu...'
    """
    return substitute(
        TYPOGRAPHIC,
        text,
        lambda m: ASCII_PUNCTUATION[m.group()],
        "ascii_punctuation",
        log,
        precheck=_HAS_TYPOGRAPHIC,
    )


def _is_not_nfc(text: str) -> bool:
    return not unicodedata.is_normalized("NFC", text)
