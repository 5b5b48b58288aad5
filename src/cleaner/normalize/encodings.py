"""Encoding repair: mojibake and the legacy Vietnamese encodings.

Conservative by construction. Mojibake is only decoded where UTF-8 byte
pairs show through, and legacy decodings are judged by the syllable model of
:mod:`cleaner.normalize.syllables`: a line is only rewritten when the rewrite
turns words that are not Vietnamese syllables into words that are, and breaks
none that were. Text that is already valid Unicode Vietnamese has neither, so
it is never changed.

* **mojibake**: UTF-8 read as cp1252 or latin-1 (``Viá»‡t``), on the lines
  that show a UTF-8 lead character followed by a continuation character. A
  line that maps back to valid UTF-8 as a whole is decoded directly; a byte
  lost to U+FFFD (cp1252 leaves five bytes undefined) is restored when only
  one Vietnamese letter fits; lines mixing mojibake with other text go to
  ``ftfy.fix_encoding``.
* **legacy_tcvn3**, **legacy_vni**: documents in the 8-bit TCVN3 (ABC) and VNI
  Windows fonts, as they look when read as cp1252 (``ViÖt``, ``Vieät``).
  Tables: ``data/encodings/tcvn3.tsv`` and ``vni.tsv`` (sources in their headers).
* **legacy_cp1258**: Windows-1258 (tones as separate combining bytes) read as
  cp1252 (``Viêòt``); the table is Python's own ``cp1258`` codec.
* **legacy_viqr**: VIQR (RFC 1456, ``Vie^.t Nam``), ``data/encodings/viqr.tsv``;
  only with ``legacy="viqr"`` or when a whole text is overwhelmingly VIQR,
  because ASCII punctuation is also VIQR's tone marks.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal, TypeAlias, get_args

import ftfy

from cleaner.explain import EditLog, next_pass
from cleaner.normalize.fixpoint import until_unchanged
from cleaner.normalize.syllables import is_vietnamese_syllable

__all__ = [
    "LEGACY_MODES",
    "Legacy",
    "after_first_pass",
    "decode_c1_controls",
    "fix_encoding",
    "fix_legacy",
    "fix_mojibake",
    "restore_lost_letters",
]


# More layers of damage than this are not something the web produces.
_MAX_LAYERS = 3

#: ``"auto"`` detects TCVN3, VNI and cp1258 (and VIQR when overwhelming);
#: a name forces that decoding where it repairs words; ``"none"`` disables it.
Legacy: TypeAlias = Literal["auto", "tcvn3", "vni", "cp1258", "viqr", "none"]
LEGACY_MODES: tuple[Legacy, ...] = get_args(Legacy)

_VIETNAMESE_LETTERS = frozenset(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
_VIETNAMESE_LETTERS |= frozenset(letter.upper() for letter in _VIETNAMESE_LETTERS)


def fix_encoding(text: str, log: EditLog | None = None, *, legacy: Legacy = "auto") -> str:
    """Repair mojibake, then legacy encodings, until nothing changes.

    Layers of damage are peeled in a row, before anything else touches the
    text: a UTF-8 text read as cp1252 twice keeps C1 controls and soft
    hyphens after the first layer, which ``remove_invisible`` would delete.
    VIQR is decoded once (see :func:`after_first_pass`).

    >>> fix_encoding("Haø Noäi, Vieät Nam")
    'Hà Nội, Việt Nam'
    """
    if not _may_be_damaged(text, legacy):
        return text

    def peel_one_layer(text: str, again: bool) -> str:
        layer_log = next_pass(log) if again else log
        mode = after_first_pass(legacy) if again else legacy
        return fix_legacy(fix_mojibake(text, layer_log), next_pass(layer_log), legacy=mode)

    return until_unchanged(peel_one_layer, text, _MAX_LAYERS)


def after_first_pass(legacy: Legacy) -> Legacy:
    """The ``legacy`` mode for repeated passes: VIQR is decoded once only.

    Decoding consumes VIQR's escapes (``\\.`` is a literal full stop), so a
    second pass could read that stop as a mark: ``legacy="viqr"`` applied
    again to its own output is not idempotent. ``"auto"`` is (decoded text is
    no longer ASCII, so it is not VIQR any more).
    """
    return "none" if legacy == "viqr" else legacy


def _may_be_damaged(text: str, legacy: Legacy) -> bool:
    """One scan for the first characters of every kind of damage (clean text: no hit)."""
    if legacy == "viqr" or (legacy == "auto" and _is_mostly_viqr(text)):
        return True
    return damage_gate(legacy).search(text) is not None or _shows_cp1258_tone(text, legacy)


@cache
def damage_gate(legacy: Legacy) -> re.Pattern[str]:
    """A character class of the mojibake pre-check's first characters and the legacy markers."""
    return re.compile(f"[{re.escape(_MOJIBAKE_FIRST + _legacy_markers(legacy))}]")


# -- mojibake -----------------------------------------------------------------------

# UTF-8 seen as cp1252/latin-1: a two-byte lead (C2-C6 for Latin-1 and
# Latin Extended letters, CC-CD for combining marks) then a continuation byte
# (80-BF); or E1 BA/BB (every letter of U+1EA0-U+1EF9, ạ to ỹ) or E2 80
# (quotes, dashes). The pattern starts on the rare character of each pair so
# that ``re`` skips ahead on one class (240 vs 200 MB/s on clean text, and no
# false hits on "á" before a curly quote).
_CONTINUATION = "".join(
    sorted({bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xC0)})
)
_MOJIBAKE_FIRST = "ÂÃÄÅÆÌÍº»€\x80"
_MOJIBAKE_PRECHECK = re.compile(
    f"[{_MOJIBAKE_FIRST}](?:(?<=[ÂÃÄÅÆÌÍ])[{re.escape(_CONTINUATION)}]|(?<=á[º»])|(?<=â[€\x80]))"
)


def fix_mojibake(text: str, log: EditLog | None = None) -> str:
    """Repair UTF-8 that was decoded as cp1252 or latin-1, line by line.

    >>> fix_mojibake("Viá»‡t Nam Ä‘Ã£ tháº¯ng")
    'Việt Nam đã thắng'
    """
    if not _MOJIBAKE_PRECHECK.search(text):
        return text
    return _rewrite_lines(text, log, _mojibake_line)


def _mojibake_line(line: str) -> tuple[str, str] | None:
    # The pre-check keeps clean lines (nearly all of them) away from decoding.
    if not _MOJIBAKE_PRECHECK.search(line):
        return None
    if "\ufffd" in line:
        line = _LOST_CHUNK.sub(lambda match: _restore_lost_bytes(match.group()), line)
    fixed = _utf8_read_as_cp1252(line)
    if fixed is None:
        fixed = ftfy.fix_encoding(line)
    return None if fixed == line else (fixed, "mojibake")


# Every character that a byte shows as in cp1252 or latin-1 maps back to the byte.
_CP1252_OR_LATIN1_BYTES = {code: code for code in range(0x100)} | {
    ord(bytes([byte]).decode("cp1252")): byte
    for byte in range(0x80, 0xA0)
    if bytes([byte]).decode("cp1252", "ignore")
}


def _utf8_read_as_cp1252(line: str) -> str | None:
    """The fast path: a line that is wholly UTF-8 read as cp1252/latin-1, decoded back.

    A whole line that maps back to bytes which are valid UTF-8 is mojibake
    (the pre-check has seen a lead/continuation pair); ftfy, five times
    slower, handles the rest: lines mixing mojibake with other characters.
    A ``�`` marks a byte that was lost (see :func:`_restore_lost_bytes`).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    pieces = []
    try:
        for number, piece in enumerate(line.split("\ufffd")):
            if number:
                # A byte lost to U+FFFD: the character it ended is lost with it
                # (pending bytes dropped), and shows as one U+FFFD, as in ftfy.
                decoder.reset()
                pieces.append("\ufffd")
            pieces.append(decoder.decode(_cp1252_bytes(piece)))
        pieces.append(decoder.decode(b"", final=True))
    except UnicodeError:
        return None
    return "".join(pieces)


def _cp1252_bytes(text: str) -> bytes:
    return codecs.charmap_encode(text, "strict", _CP1252_OR_LATIN1_BYTES)[0]


# The bytes cp1252 does not define: in Vietnamese UTF-8 they end ề ọ ỏ Ố ờ, Đ
# and the closing quote ”. A browser shows them as U+FFFD.
_LOST_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_MAX_LOST_PER_WORD = 2
_LETTERS = re.compile(r"[^\W\d_]+")
# What the other lost bytes spell after E2 80 (em quad, ZWJ, RLM, Unicode
# hyphen): characters web text does not use where ” was lost.
_NOT_A_LOST_CHARACTER = re.compile("[\u2001\u200d\u200f\u2010]")


# Anchored at a chunk start: unanchored, a long run without spaces was tried
# from every position (quadratic; tests/test_redos.py caught it).
_LOST_CHUNK = re.compile("(?<![^ ])[^ ]*\ufffd[^ ]*")


@lru_cache(maxsize=1 << 14)
def _restore_lost_bytes(chunk: str) -> str:
    """Put back the bytes a space-free mojibake chunk lost to ``�``, where only one fits.

    Each ``�`` is tried as each undefined byte; the guess is kept only when
    it is the single one that decodes to Vietnamese syllables (``Chiá»�u``
    can only be "Chiều"). An ambiguous byte (``cá»�``: cọ, cỏ or cờ) keeps
    its ``�``, and the character it ended decodes to one ``�``, as in ftfy.
    """
    lost = chunk.count("\ufffd")
    if lost == 0 or lost > _MAX_LOST_PER_WORD:
        return chunk
    fits = []
    for guess in itertools.product(_LOST_BYTES, repeat=lost):
        spelled = chunk
        for byte in guess:
            spelled = spelled.replace("\ufffd", chr(byte), 1)
        decoded = _utf8_read_as_cp1252(spelled)
        if decoded is not None and _spells_vietnamese(decoded):
            fits.append(spelled)
    return fits[0] if len(fits) == 1 else chunk


def _spells_vietnamese(decoded: str) -> bool:
    if _NOT_A_LOST_CHARACTER.search(decoded):
        return False
    return all(word.isascii() or _is_syllable(word) for word in _LETTERS.findall(decoded))


# -- letters lost to U+FFFD -------------------------------------------------------------

#: Vietnamese letters whose UTF-8 holds a byte that cp1252 leaves undefined: a
#: decoder with ``errors="replace"`` turns each into one ``�`` (ọ is E1 BB 8D).
LOST_LETTERS = "".join(
    sorted(
        letter
        for letter in _VIETNAMESE_LETTERS
        if any(byte in _LOST_BYTES for byte in letter.encode("utf-8"))
    )
)
# A word with a U+FFFD in it, anchored at word starts (linear on long words).
_WORD_WITH_LOSS = re.compile(r"(?<![^\W\d_\ufffd])(?:[^\W\d_]|\ufffd)*\ufffd(?:[^\W\d_]|\ufffd)*")
_PLAIN_WORD = re.compile(r"[^\W\d_]+")


def restore_lost_letters(text: str, log: EditLog | None = None) -> str:
    """Put back a letter lost to ``�`` where exactly one Vietnamese syllable fits.

    Only the letters a cp1252 decoder loses can be behind the ``�`` (ề ọ ỏ Ố
    ờ Đ Á Í Ý: :data:`LOST_LETTERS`). When the syllable model leaves several
    (``gi�``: giọ, giỏ, giờ), the text itself decides: the one candidate that
    it uses with the same neighbour (``bây giờ``), or else the one it uses at
    all. A ``�`` that stays is counted as ``unrecoverable_byte``; a ``�``
    standing alone as a word is only restored by a neighbour, never guessed.

    >>> restore_lost_letters("h\ufffdc sinh, Ban Chấp hành \ufffd\u1ea3ng")
    'học sinh, Ban Chấp hành Đảng'
    >>> restore_lost_letters("Bây giờ là mấy gi\ufffd?")
    'Bây giờ là mấy giờ?'
    """
    if "\ufffd" not in text:
        return text
    context = _TextContext(text)
    out = []
    done = 0
    for match in _WORD_WITH_LOSS.finditer(text):
        restored = _restored_word(match, context)
        if restored is None:
            if log is not None:
                log.note("unrecoverable_byte", match.start(), match.end(), match.group())
            continue
        out += [text[done : match.start()], restored]
        done = match.end()
        if log is not None:
            log.record("lost_letter", match.start(), match.end(), match.group(), restored)
    return "".join([*out, text[done:]]) if out else text


class _TextContext:
    """The words of a text and their neighbours, lower-cased, built on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: set[str] | None = None
        self._pairs: set[tuple[str, str]] = set()

    def words(self) -> set[str]:
        if self._words is None:
            words = [word.lower() for word in _PLAIN_WORD.findall(self._text)]
            self._words = set(words)
            self._pairs = set(itertools.pairwise(words))
        return self._words

    def pairs(self) -> set[tuple[str, str]]:
        self.words()
        return self._pairs


def _restored_word(match: re.Match[str], context: _TextContext) -> str | None:
    word = match.group()
    if word.count("\ufffd") != 1:
        return None
    fits = _fitting_letters(word)
    if len(fits) == 1:
        return fits[0]
    if not fits:
        return None
    text = match.string
    before = _PLAIN_WORD.findall(text, max(0, match.start() - 12), match.start())[-1:]
    after = (
        _PLAIN_WORD.match(text, match.end() + 1)
        if text[match.end() : match.end() + 1] == " "
        else None
    )
    pairs = context.pairs()
    by_neighbour = [
        fit
        for fit in fits
        if (before and (before[0].lower(), fit.lower()) in pairs)
        or (after and (fit.lower(), after.group().lower()) in pairs)
    ]
    if len(by_neighbour) == 1:
        return by_neighbour[0]
    if len(word) == 1:
        return None
    used = [fit for fit in fits if fit.lower() in context.words()]
    return used[0] if len(used) == 1 else None


@lru_cache(maxsize=1 << 12)
def _fitting_letters(word: str) -> list[str]:
    """The spellings of ``word`` with its ``�`` replaced that are Vietnamese syllables."""
    at = word.index("\ufffd")
    rest = word[:at] + word[at + 1 :]
    fits = []
    for letter in LOST_LETTERS:
        # Case follows the word: a capital only first or among capitals.
        if letter.isupper() and at > 0 and not rest.isupper():
            continue
        if letter.islower() and rest.isupper() and len(rest) > 1:
            continue
        candidate = word[:at] + letter + word[at + 1 :]
        if _is_syllable(candidate):
            fits.append(candidate)
    return fits


# -- C1 controls ----------------------------------------------------------------------

# U+0080-U+009F are control characters nobody types: in web text they are
# cp1252 bytes decoded as latin-1. Those cp1252 defines ("–", "…", "€", the
# curly quotes) are restored; the five it leaves undefined stay for
# ``remove_invisible``.
_C1_CONTROL = re.compile("[\x80-\x9f]")
_C1_AS_CP1252 = {
    chr(byte): meant
    for byte in range(0x80, 0xA0)
    if (meant := bytes([byte]).decode("cp1252", "ignore"))
}


def decode_c1_controls(text: str, log: EditLog | None = None) -> str:
    """Read each C1 control character as the cp1252 byte it stands for.

    Runs after :func:`fix_mojibake`, which decodes the C1 controls inside
    UTF-8 mojibake (``lá»\x85`` is "lễ"); the ones left are alone.

    >>> decode_c1_controls("Giá 10\x96 20\x80, \x93rẻ\x94")
    'Giá 10– 20€, “rẻ”'
    """
    if not _C1_CONTROL.search(text):
        return text
    out = []
    start = 0
    for match in _C1_CONTROL.finditer(text):
        meant = _C1_AS_CP1252.get(match.group())
        if meant is None:
            continue
        out += [text[start : match.start()], meant]
        if log is not None:
            log.record("c1_control", match.start(), match.end(), match.group(), meant)
        start = match.end()
    return "".join([*out, text[start:]]) if out else text


# -- 8-bit legacy encodings ------------------------------------------------------------


@dataclass(frozen=True)
class _Decoder:
    """One legacy encoding as seen through cp1252: how to spot it and decode it.

    Attributes:
        name: Encoding name, used in the edit kind ``legacy_<name>``.
        markers: Characters whose presence makes a text worth a closer look.
        precheck: Finds the lines that may be in this encoding.
        decode: The decoding of a line.
        restore: Finishes the decoding that won, from the line and its decoding
            (what the bytes do not carry; only TCVN3's capitals so far).
    """

    name: str
    markers: str
    precheck: re.Pattern[str]
    decode: Callable[[str], str]
    restore: Callable[[str, str], str] = lambda _line, decoded: decoded


def _read_table(name: str) -> list[tuple[str, str]]:
    """``(letter, value)`` rows of a package-data table (``#`` lines are its sources)."""
    path = resources.files("cleaner").joinpath(f"data/encodings/{name}.tsv")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            letter, value = line.split("\t")
            rows.append((letter, value))
    return rows


def _cp1252_view(hex_bytes: str) -> str:
    """How bytes look decoded as cp1252 (undefined bytes as latin-1, like ftfy's sloppy codec)."""
    return "".join(
        bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bytes.fromhex(hex_bytes)
    )


def _markers(views: list[str]) -> str:
    """Characters of the legacy views that are neither ASCII nor Vietnamese letters."""
    chars = {c for view in views for c in view if ord(c) > 0x7F}
    return "".join(sorted(chars - _VIETNAMESE_LETTERS))


def _sequence_decoder(table: dict[str, str]) -> Callable[[str], str]:
    """Longest-first replacement of the views in ``table`` by their letters."""
    pattern = re.compile("|".join(re.escape(v) for v in sorted(table, key=len, reverse=True)))
    return lambda line: pattern.sub(lambda match: table[match.group()], line)


@cache
def _tcvn3() -> _Decoder:
    table = {_cp1252_view(code): letter for letter, code in _read_table("tcvn3")}
    markers = _markers(list(table))
    translation = str.maketrans(table)
    return _Decoder(
        "tcvn3",
        markers,
        re.compile(f"[{re.escape(markers)}]"),
        lambda line: line.translate(translation),
        _tcvn3_capitals,
    )


def _tcvn3_capitals(line: str, decoded: str) -> str:
    """Restore the capitals that TCVN3 bytes cannot carry.

    TCVN3 has no toned capitals: upper-case text was set in a capitals-only
    font (.VnTimeH) over the lower-case codes, so "HÀ NỘI" arrives as
    ``Hµ NéI``. A letter decoded from a lower-case code takes upper case when
    the letters whose case the bytes do carry (ASCII, and TCVN3's Ă Â Ê Ô Ơ
    Ư Đ) are all capitals: in its word, if the word has two of them, or in
    every such word of the line. So ``Hµ`` alone stays "Hà", and ``Hµ NéI``
    becomes "HÀ NỘI". The decoding maps one character to one, so positions
    in ``line`` and ``decoded`` correspond.
    """
    if decoded.islower():  # no capital anywhere: nothing to follow
        return decoded
    words = []
    for match in _WORD.finditer(decoded):
        start, end = match.span()
        caseless, cased = _split_by_case(line[start:end], decoded[start:end])
        if caseless and _all_capitals(cased):
            words.append((start, end, caseless, len(cased) >= 2))
    weak = any(not strong for *_, strong in words)
    line_in_capitals = weak and _line_in_capitals(line, decoded)
    pieces, done = [], 0
    for start, end, caseless, strong in words:
        if strong or line_in_capitals:
            pieces += [decoded[done:start], _capitalized(decoded[start:end], caseless)]
            done = end
    return "".join([*pieces, decoded[done:]])


def _split_by_case(before: str, after: str) -> tuple[list[int], str]:
    """Offsets of the letters decoded from lower-case-only codes, and the other letters."""
    caseless = [
        i
        for i, (old, new) in enumerate(zip(before, after, strict=True))
        if old != new and new.islower()
    ]
    cased = "".join(new for i, new in enumerate(after) if new.isalpha() and i not in caseless)
    return caseless, cased


def _capitalized(word: str, offsets: list[int]) -> str:
    letters = list(word)
    for offset in offsets:
        letters[offset] = letters[offset].upper()
    return "".join(letters)


def _line_in_capitals(line: str, decoded: str) -> bool:
    """Whether every word with two letters of known case has only capitals ones."""
    long_words = [
        cased
        for match in _WORD.finditer(decoded)
        if len(cased := _split_by_case(line[match.start() : match.end()], match.group())[1]) >= 2
    ]
    return bool(long_words) and all(_all_capitals(cased) for cased in long_words)


def _all_capitals(letters: str) -> bool:
    return bool(letters) and letters.isupper()


@cache
def _vni() -> _Decoder:
    table = {_cp1252_view(code): letter for letter, code in _read_table("vni")}
    markers = _markers(list(table))
    return _Decoder("vni", markers, re.compile(f"[{re.escape(markers)}]"), _sequence_decoder(table))


#: cp1258's acute and dot-below tone bytes as cp1252 shows them: common
#: letters ("gì", "bò"), but never right after a vowel in Unicode Vietnamese,
#: except after the i of gi or the u of qu, consonants there ("giò", "quì").
#: (İ lowers to i: the compiled scanner sees "gİ" as gi too.)
CP1258_TONES = "ìò"
_CP1258_VOWELS = "aeiouyAEIOUYàáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ"
_CP1258_TONE_AFTER_VOWEL = re.compile(
    f"[{CP1258_TONES}](?<=[{_CP1258_VOWELS}].)(?<![gG][iIİ].)(?<![qQ][uU].)"
)


def _shows_cp1258_tone(text: str, legacy: Legacy) -> bool:
    """Whether a cp1258 tone byte follows a vowel: cp1258 text with no marker (Viêòt)."""
    return legacy in ("auto", "cp1258") and _CP1258_TONE_AFTER_VOWEL.search(text) is not None


@cache
def _cp1258() -> _Decoder:
    """cp1252 characters whose byte means something else in cp1258 (Python's codecs)."""
    table = {}
    for byte in range(0x80, 0x100):
        seen = bytes([byte]).decode("cp1252", "ignore") or chr(byte)
        meant = bytes([byte]).decode("cp1258", "ignore")
        if meant and meant != seen:
            table[seen] = meant
    translation = str.maketrans(table)
    # đ, Ð, and the capital tone bytes rarely appear in Unicode Vietnamese; a
    # lower-case tone byte (ì ò) does, but not after a vowel, except in
    # "quì"-like spellings, which the judge keeps. A text with no marker
    # (Viêòt Nam) is found by _shows_cp1258_tone.
    markers = "ðÐÞÌÒ"
    return _Decoder(
        "cp1258",
        markers,
        re.compile(f"[{markers}]|{_CP1258_TONE_AFTER_VOWEL.pattern}"),
        lambda s: unicodedata.normalize("NFC", s.translate(translation)),
    )


@cache
def _decoders(legacy: Legacy) -> list[_Decoder]:
    every = {"tcvn3": _tcvn3, "vni": _vni, "cp1258": _cp1258}
    return [make() for name, make in every.items() if legacy in ("auto", name)]


def _legacy_markers(legacy: Legacy) -> str:
    return "".join(sorted({c for decoder in _decoders(legacy) for c in decoder.markers}))


@cache
def _legacy_gate(legacy: Legacy) -> re.Pattern[str]:
    """One character class for every decoder of a mode: clean text is scanned once."""
    markers = _legacy_markers(legacy)
    return re.compile(f"[{re.escape(markers)}]" if markers else "(?!)")


def fix_legacy(text: str, log: EditLog | None = None, *, legacy: Legacy = "auto") -> str:
    """Decode lines written in TCVN3, VNI, cp1258 or VIQR to Unicode.

    In ``"auto"`` mode a text is only rewritten when at least two different
    words are repaired (one odd word such as ``µm`` is no evidence), and each
    line only when its rewrite repairs words and breaks none.

    Args:
        text: Text after line-break normalization.
        log: Where edits go (kind ``legacy_<encoding>``).
        legacy: See :data:`Legacy`.

    >>> fix_legacy("Hµ Néi, ViÖt Nam"), fix_legacy("Haø Noäi, Vieät Nam")
    ('Hà Nội, Việt Nam', 'Hà Nội, Việt Nam')
    >>> fix_legacy("Vie^.t Nam"), fix_legacy("Vie^.t Nam", legacy="viqr")
    ('Vie^.t Nam', 'Việt Nam')
    """
    if legacy == "none":
        return text
    if legacy == "viqr" or (legacy == "auto" and _is_mostly_viqr(text)):
        return _rewrite_lines(text, log, _viqr_line)
    if not _legacy_gate(legacy).search(text) and not _shows_cp1258_tone(text, legacy):
        return text
    decoders = _decoders(legacy)
    plans = {line: _best_decoding(line, decoders) for line in set(text.split("\n"))}
    repaired = {word for plan in plans.values() if plan for word in plan[2]}
    if legacy == "auto" and len(repaired) < 2:
        return text
    return _rewrite_lines(text, log, lambda line: _decoded(plans[line]))


def _decoded(plan: tuple[str, str, frozenset[str]] | None) -> tuple[str, str] | None:
    return None if plan is None else (plan[0], plan[1])


def _best_decoding(line: str, decoders: list[_Decoder]) -> tuple[str, str, frozenset[str]] | None:
    """The decoding that repairs the most words of ``line``: (text, kind, repaired words)."""
    best: tuple[str, str, frozenset[str]] | None = None
    for decoder in decoders:
        if not decoder.precheck.search(line):
            continue
        decoded = decoder.decode(line)
        repaired = _repairs_words(line, decoded)
        if (
            any(len(word) > 1 for word in repaired)
            and _mostly_vietnamese(decoded)
            and (best is None or len(repaired) > len(best[2]))
        ):
            best = (decoder.restore(line, decoded), f"legacy_{decoder.name}", repaired)
    return best


# -- the judge ----------------------------------------------------------------------

# Words as runs between whitespace and ASCII punctuation (legacy letters are
# often symbols such as ¸ or ®, so \w would cut them apart).
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~]+")


@lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    return is_vietnamese_syllable(unicodedata.normalize("NFC", word))


def _repairs_words(before: str, after: str) -> frozenset[str]:
    """Words repaired by ``before`` → ``after``, or nothing if the change breaks one.

    A change counts only if every word that was a syllable still is one, and
    there are fewer non-syllable words than before. The decoders map letters
    to letters and leave whitespace and ASCII punctuation alone, so the words
    pair up one to one and only the changed pairs need judging. The NFC of
    the cp1258 decoding is the exception: it also turns a singleton such as
    U+037E (Greek question mark) into ASCII ";". Such a line is not judged
    now; once ``compose_nfc`` has run, the next repair round judges it.
    """
    old_words, new_words = _WORD.findall(before), _WORD.findall(after)
    if len(old_words) != len(new_words):
        return frozenset()
    pairs = [(old, new) for old, new in zip(old_words, new_words, strict=True) if old != new]
    repaired = set()
    for old, new in pairs:
        old_ok, new_ok = _is_syllable(old), _is_syllable(new)
        if old_ok and not new_ok:
            return frozenset()
        if new_ok and not old_ok:
            repaired.add(unicodedata.normalize("NFC", new).lower())
    broken = sum(1 for old, new in pairs if not _is_syllable(old) and not _is_syllable(new))
    return frozenset(repaired) if len(repaired) > 0 and broken < len(repaired) * 4 else frozenset()


def _mostly_vietnamese(line: str) -> bool:
    """Whether at least half the words of ``line`` are Vietnamese syllables.

    Symbols such as µ § ¶ decode to syllables (àm, Đ, ả) in English text too;
    the plain words around them (wire, thick, see) are what give it away.
    """
    words = [word for word in _WORD.findall(line) if not word.isdigit()]
    return sum(1 for word in words if _is_syllable(word)) * 2 >= len(words)


def _rewrite_lines(
    text: str, log: EditLog | None, rewrite: Callable[[str], tuple[str, str] | None]
) -> str:
    """Apply ``rewrite`` (line → (new line, edit kind) or None) to each line, logging edits."""
    out = []
    start = 0
    for line in text.split("\n"):
        result = rewrite(line) if line else None
        if result is None:
            out.append(line)
        else:
            new, kind = result
            if log is not None:
                log.record(kind, start, start + len(line), line, new)
            out.append(new)
        start += len(line) + 1
    return "\n".join(out)


# -- VIQR ------------------------------------------------------------------------------

_VIQR_RUN = re.compile(r"\\[\^(+'`?~.]|[A-Za-z\^(+'`?~.]+")
_VIQR_MARKS = "^(+'`?~."


@cache
def _viqr_table() -> dict[str, str]:
    return {spelling: letter for letter, spelling in _read_table("viqr")}


@cache
def _viqr_pattern() -> re.Pattern[str]:
    spellings = sorted(_viqr_table(), key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in spellings))


# VIQR's vowel marks: after a letter they can only be a mark, never punctuation.
_VIQR_MODIFIERS = "^(+"
# Runs longer than this are no word (the longest VIQR syllable, "nghie^`ng", has
# 9 characters; foreign words run longer): not decoded, so no run costs more than
# a bounded number of tries, which keeps decoding linear in the line.
_MAX_VIQR_RUN = 32
# An acronym in capitals ("KTDDT", "DDH"): DD is Đ there, though it spells no syllable.
_VIQR_ACRONYM = re.compile(r"[A-Z]*DD[A-Z]*")
_VIQR_D_RUN = re.compile("D{2,}")
_AFTER_INNER_TONE = re.compile(r"(?<=['`?~.])(?=[A-Za-z])")
# Punctuation inside a run: a full stop between a consonant and a letter ends
# an abbreviation (TP.Ha`, H.DDu+'c); a "(" not after an a is no breve (da^'t(TSDDD).
_RUN_PUNCTUATION = re.compile(r"((?<=[B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z])\.(?=[A-Za-z])|(?<![aA])\()")
# VIQR marks that start a run have no letter to attach to: punctuation ("(DDo^ng").
_LEADING_MARKS = re.compile(r"[\^(+'`?~.]*")


def _viqr_word(run: str) -> str | None:
    """The Vietnamese word a VIQR run spells, or ``None`` if it spells none.

    A mark is only a mark when it combines with the letter before it into a
    valid syllable; a trailing ``.`` or ``?`` that does not is punctuation.
    Two spellings are words without being one syllable: an acronym in
    capitals with DD (``KTDDT`` is "KTĐT"), and a foreign word whose vowel
    marks (``^ ( +``) sit inside it (``Matxco+va`` is "Matxcơva"): a mark
    between two letters can be nothing else.
    """
    if _VIQR_ACRONYM.fullmatch(run):
        return _VIQR_D_RUN.sub(_acronym_d, run)
    word = _viqr_decoded(run)
    if word == run or any(c in _VIQR_MARKS for c in word):
        return None
    if _is_viqr_syllable(word) or _has_inner_modifier(run) or _spells_syllables(run):
        return word
    return None


def _is_viqr_syllable(word: str) -> bool:
    # Place names of the Central Highlands end in k where Vietnamese has c (Đắk Lắk).
    return is_vietnamese_syllable(word) or (
        word[-1:] in "kK" and is_vietnamese_syllable(word[:-1] + "c")
    )


def _viqr_decoded(run: str) -> str:
    return _viqr_pattern().sub(lambda match: _viqr_table()[match.group()], run)


def _acronym_d(match: re.Match[str]) -> str:
    # An odd run is a D before Đs: "TSDDD" is "TSDĐ" (tài sản, đất), "GDDDT" "GDĐT".
    run = match.group()
    return "D" * (len(run) % 2) + "Đ" * (len(run) // 2)


def _has_inner_modifier(run: str) -> bool:
    return any(run[i] in _VIQR_MODIFIERS and run[i + 1].isalpha() for i in range(len(run) - 1))


def _spells_syllables(run: str) -> bool:
    """Whether a run without spaces is syllables, cut after each inner tone mark (ca`phe^)."""
    parts = _AFTER_INNER_TONE.split(run)
    return len(parts) > 1 and all(is_vietnamese_syllable(_viqr_decoded(part)) for part in parts)


def _viqr_spelled(run: str, sentence_end: bool) -> str | None:
    """Decode a run, whole or without trailing punctuation marks.

    Marks before the first letter are punctuation (``(tru+o+?ng``). At the
    end of a line a final ``.`` is read as a full stop first (``hoa.`` is
    "hoa." there, not "hoạ"), as writers rarely escaped it.
    """
    lead = _LEADING_MARKS.match(run).end()  # type: ignore[union-attr]  # matches empty
    body = run[lead:]
    if not body or len(body) > _MAX_VIQR_RUN:
        return None
    cores = [body[: len(body) - cut] for cut in range(len(body))]
    if sentence_end and body[-1] == "." and len(body) > 1:
        cores.insert(0, cores.pop(1))
    for core in cores:
        word = _viqr_word(core)
        if word is not None:
            return run[:lead] + word + body[len(core) :]
        if core[-1] not in ".?'`":
            return None
    return None


def _viqr_line(line: str) -> tuple[str, str] | None:
    # Where the line's last word ends, found once: looking at the rest of the
    # line for each run was quadratic in the line (issue 21: 105 s for 3 MB).
    last_word_end = len(line.rstrip())

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if run.startswith("\\"):
            return run[1:]
        pieces = _RUN_PUNCTUATION.split(run)
        sentence_end = match.end() >= last_word_end
        for index in range(0, len(pieces), 2):
            spelled = _viqr_spelled(pieces[index], sentence_end and index == len(pieces) - 1)
            pieces[index] = pieces[index] if spelled is None else spelled
        return "".join(pieces)

    decoded = _VIQR_RUN.sub(replace, line)
    return None if decoded == line else (decoded, "legacy_viqr")


#: A letter outside ASCII: text with one is not VIQR.
NON_ASCII_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")


def _is_mostly_viqr(text: str) -> bool:
    """Whether ``text`` is overwhelmingly VIQR.

    No letter outside ASCII (typographic quotes and dashes are fine), at
    least three words spelled with VIQR marks, and they are half of all words.
    """
    if not any(mark in text for mark in "^(+'`?~") or NON_ASCII_LETTER.search(text):
        return False
    runs = _VIQR_RUN.findall(text)
    marked = sum(1 for run in runs if _viqr_spelled(run, False) is not None)
    return marked >= 3 and marked * 2 >= len(runs)
