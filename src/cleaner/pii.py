"""Personal data in Vietnamese text, replaced by tokens as explained edits: :func:`redact_pii`.

What is redacted, each under its edit kind:

* ``pii_email``: an e-mail address.
* ``pii_ip``: an IPv4 or IPv6 address.
* ``pii_phone``: a subscriber number (mobile, fixed line, VoIP, personal)
  that the ``phonenumbers`` library (region VN) finds valid, written with
  its trunk prefix ``0`` or the country code ``84`` as Vietnamese writers
  always write one.
* ``pii_id_number``, ``pii_tax_code``, ``pii_bank_account``: a citizen-ID
  (9 or 12 digits), tax code (10 digits, or 13 with a branch suffix) or
  bank-account number (8 to 19 digits), only right after a keyword that
  names it ("CCCD", "CMND", "căn cước", "MST", "mã số thuế", "số tài
  khoản", "STK"); a bare run of digits could be anything.

What is left alone, on purpose: public service numbers (emergency 113,
114, 115, the toll-free 1800 and premium 1900 lines of businesses and
agencies: they are published so that anyone can call them, and phonenumbers
classes them apart from subscriber numbers); dates, years, prices and
amounts (a number followed by a unit such as "đồng" or "triệu" is an amount
even after a keyword); law and decision numbers ("Nghị định
100/2019/NĐ-CP"); product and model codes (digits glued to letters).

Edits replay like normalization's: ``apply_edits(text, edits) == redacted``.
The stage of ``cleaner run`` (``--pii redact``) records only counts, never
the redacted values.

>>> redact_pii("Liên hệ anh Minh 0901 234 567 hoặc minh.nguyen@gmail.com, tổng đài 1900 1234.")
'Liên hệ anh Minh <PHONE> hoặc <EMAIL>, tổng đài 1900 1234.'
>>> redact_pii("CCCD số 001203004567, cấp theo Nghị định 137/2015/NĐ-CP", token="[{label}]")
'CCCD số [ID_NUMBER], cấp theo Nghị định 137/2015/NĐ-CP'
"""

from __future__ import annotations

import ipaddress
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import regex

from cleaner.errors import ConfigError, check_text
from cleaner.explain import Edit, EditLog, Explained
from cleaner.options import config_from_options

__all__ = ["PII_KINDS", "PiiConfig", "redact_pii", "redact_pii_and_explain"]

#: Edit kinds, and the label each puts in the replacement token.
PII_LABELS = {
    "pii_email": "EMAIL",
    "pii_ip": "IP",
    "pii_phone": "PHONE",
    "pii_id_number": "ID_NUMBER",
    "pii_tax_code": "TAX_CODE",
    "pii_bank_account": "BANK_ACCOUNT",
}
PII_KINDS: tuple[str, ...] = tuple(PII_LABELS)


@dataclass(frozen=True)
class PiiConfig:
    """Options of PII redaction.

    Attributes:
        token: The replacement: a format string whose ``{label}`` becomes the
            kind's label (``EMAIL``, ``IP``, ``PHONE``, ``ID_NUMBER``,
            ``TAX_CODE``, ``BANK_ACCOUNT``), or a fixed text.
        kinds: The edit kinds to redact (default: all of :data:`PII_KINDS`).
    """

    token: str = "<{label}>"
    kinds: tuple[str, ...] = PII_KINDS

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - set(PII_KINDS))
        if unknown:
            raise ConfigError(
                f"unknown PII kind(s): {', '.join(unknown)}; known: {', '.join(PII_KINDS)}"
            )
        if _token_fields(self.token) - {"label"}:
            raise ConfigError(
                f"the PII token may hold only the field {{label}}, got {self.token!r}"
            )

    @classmethod
    def from_options(cls, **options: Any) -> PiiConfig:
        """Build a config from keyword options, rejecting unknown names."""
        return config_from_options("pii", cls, None, options)

    def replacement(self, kind: str) -> str:
        """The token that replaces a span of ``kind``."""
        return self.token.format(label=PII_LABELS[kind])


def redact_pii(text: str, config: PiiConfig | None = None, **options: Any) -> str:
    """Replace the personal data of ``text`` by tokens.

    Args:
        text: Any text (normalized text finds the most: NFC, no invisible characters).
        config: A :class:`PiiConfig` (default: every kind, ``<LABEL>`` tokens).
        **options: Fields of :class:`PiiConfig` (``token``, ``kinds``), overriding ``config``.

    Returns:
        The text with each e-mail, IP address, subscriber phone number and
        keyword-anchored ID, tax or bank-account number replaced.

    Raises:
        ConfigError: On an unknown option, or for phone numbers without the
            ``phonenumbers`` library (``pip install 'vn-cleaner[pii]'``).

    >>> redact_pii("Máy chủ 192.168.1.10 trả lời", token="***")
    'Máy chủ *** trả lời'
    """
    return redact_pii_and_explain(text, config, **options).text


def redact_pii_and_explain(text: str, config: PiiConfig | None = None, **options: Any) -> Explained:
    """Redact like :func:`redact_pii` and return the edits that were made.

    Returns:
        ``Explained(text, edits)``; ``cleaner.apply_edits(text, edits)`` is the redacted text.

    >>> text, edits = redact_pii_and_explain("STK: 0123456789 Vietcombank")
    >>> text, [(edit.kind, edit.start, edit.end, edit.before) for edit in edits]
    ('STK: <BANK_ACCOUNT> Vietcombank', [('pii_bank_account', 5, 15, '0123456789')])
    """
    check_text("text", text)
    config = config_from_options("pii", PiiConfig, config, options)
    edits: list[Edit] = []
    log = EditLog(edits)
    pieces = []
    done = 0
    for span in _spans(text, config.kinds):
        before = text[span.start : span.end]
        after = config.replacement(span.kind)
        log.record(span.kind, span.start, span.end, before, after)
        pieces += [text[done : span.start], after]
        done = span.end
    if not edits:
        return Explained(text, edits)
    pieces.append(text[done:])
    return Explained("".join(pieces), edits)


def _token_fields(token: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(token) if name is not None}
    except ValueError as error:  # an unmatched brace
        raise ConfigError(f"the PII token is not a format string: {token!r}: {error}") from error


class _Span(NamedTuple):
    start: int
    end: int
    kind: str


def _spans(text: str, kinds: tuple[str, ...]) -> list[_Span]:
    """The spans to redact, left to right, without overlaps.

    The earliest span wins, then the longest, then a keyword-anchored one: a
    tax code after "MST" may also read as a phone number.
    """
    found = sorted(
        (span for kind in kinds for span in _FINDERS[kind](text)),
        key=lambda span: (span.start, -span.end, span.kind not in _ANCHORS),
    )
    kept: list[_Span] = []
    for span in found:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


# An amount or a measure, not an identifier: the number is followed by a unit.
_UNIT = (
    r"(?!\s*(?:đồng|đ\b|vnđ|vnd|usd|\$|%|triệu|tỷ|tỉ|nghìn|ngàn|người|tấn|kg|km|ha|m2|m²)"
    r"(?!\p{L}))"
)
_EMAIL = regex.compile(
    r"(?<![\p{L}\p{N}._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\p{L}\p{N}])"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\p{{L}}\p{{N}}]|\.\d){_UNIT}",
    regex.IGNORECASE,
)
# A candidate only: ipaddress decides. Two colons at least, so "10:30" is not one.
_IPV6 = regex.compile(
    r"(?<![\p{L}\p{N}:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\p{L}\p{N}:])"
)
# Digit groups split by single spaces, dots or hyphens, ending on two digits
# (so "0982 513 758 2." leaves the list number " 2" out); bounded, so that a
# candidate is short and a text of digits is scanned in linear time.
_GROUPS = r"\d{1,19}(?:[ .-]\d{1,19}){0,6}(?<=\d\d)"
# A phone candidate: the trunk prefix 0 (or the country code 84, in brackets
# too), then digit groups; the digits are counted in code.
_PHONE = regex.compile(
    r"(?<![\p{L}\p{N}+.,-])"
    r"(?:\(\+84\)|\+84|84(?=[1-9]\d{8,9}(?!\d))|\(0\d{1,3}\)|0)"
    rf"[ .-]?{_GROUPS}"
    r"(?![\p{L}\p{N}]|[.,-]\d)"
)
# Digits a written phone number has, country code or trunk prefix included
# ("+84 90 123 4567": 11; "(001) 916-793-0018", abroad: 13).
_PHONE_DIGITS = (9, 13)
# Digits of a number written with its trunk prefix 0: 10 (mobile, old
# two-digit area codes) or 11 (fixed lines, mobiles before 2018).
_NATIONAL_DIGITS = (10, 11)
_SERVICE_TYPES = (
    # Numbers published to be called by anyone: not personal data.
    "TOLL_FREE",
    "PREMIUM_RATE",
    "SHARED_COST",
    "UAN",
)

# After the keyword, up to four words that only lead to the number: a few
# connectors ("số", "của công ty là") and capitalized names ("Vietcombank");
# a lower-case verb ("tăng lên") ends the anchor.
_LEAD = (
    r"(?:[\s:#.,()\-]*(?:(?i:số|là|của|tại|ở|ngân hàng|công ty|doanh nghiệp|cá nhân|mới|cũ)"
    r"|\p{Lu}[\p{L}\p{N}&]*)(?!\p{L})){0,4}[\s:#()\-]*"
)


class _Anchor(NamedTuple):
    keywords: str
    #: Lower-case strings one of which any keyword contains: most texts hold
    #: none, and a substring test is far faster than the pattern.
    hints: tuple[str, ...]
    #: Digits the number may have.
    digits: tuple[int, ...]
    #: A passport-like number: one capital letter, then the digits.
    letter: bool = False


_ANCHORS = {
    "pii_id_number": _Anchor(
        r"cccd|cmnd|cmt|căn cước(?: công dân)?|chứng minh (?:nhân dân|thư)"
        r"|số định danh(?: cá nhân)?|hộ chiếu|passport",
        ("cccd", "cmnd", "cmt", "căn cước", "chứng minh", "định danh", "hộ chiếu", "passport"),
        (7, 9, 12),
        letter=True,
    ),
    "pii_tax_code": _Anchor(
        r"mst|mã số thuế|mã số doanh nghiệp|tax code", ("mst", "mã số", "tax code"), (10, 13)
    ),
    "pii_bank_account": _Anchor(
        r"stk|số tài khoản|số tk|tài khoản số|account number",
        ("stk", "tài khoản", "số tk", "account number"),
        tuple(range(8, 20)),
    ),
}


def _anchored_pattern(anchor: _Anchor) -> regex.Pattern[str]:
    letter = r"\p{Lu}?" if anchor.letter else ""
    return regex.compile(
        rf"(?<!\p{{L}})(?i:{anchor.keywords})(?!\p{{L}}){_LEAD}"
        rf"(?<![\p{{L}}\p{{N}}])(?P<number>{letter}{_GROUPS})(?![\p{{L}}\p{{N}}]|[.,/-]\d){_UNIT}"
    )


def _emails(text: str) -> Iterator[_Span]:
    if "@" in text:
        for match in _EMAIL.finditer(text):
            yield _Span(match.start(), match.end(), "pii_email")


def _ips(text: str) -> Iterator[_Span]:
    if "." in text:
        for match in _IPV4.finditer(text):
            yield _Span(match.start(), match.end(), "pii_ip")
    if "::" in text or text.count(":") >= 7:
        for match in _IPV6.finditer(text):
            if _is_ipv6(match.group()):
                yield _Span(match.start(), match.end(), "pii_ip")


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _phones(text: str) -> Iterator[_Span]:
    is_subscriber = _phone_checker()
    position = 0
    while match := _PHONE.search(text, position):
        # A rejected candidate may hide a number inside it: look again after its start.
        position = match.start() + 1
        length = _phone_length(match.group(), is_subscriber)
        if length:
            position = match.start() + length
            yield _Span(match.start(), position, "pii_phone")


def _phone_length(written: str, is_subscriber: Callable[[str], bool]) -> int:
    """Length of the longest subscriber number a candidate starts with (0: none)."""
    for end in _number_ends(written):
        number = written[:end]
        digits = sum(char.isdigit() for char in number)
        if _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1] and is_subscriber(number):
            return end
    return 0


def _number_ends(written: str) -> Iterator[int]:
    """Where a run of digit groups may end, longest first: its end, or before one of its spaces.

    Numbers one space apart ("0912 345 678 024.3942.4120") read as one run;
    a number ends on two digits.
    """
    for end in range(len(written), 1, -1):
        at_end = end == len(written) or written[end] == " "
        if at_end and written[end - 2 : end].isdigit():
            yield end


@cache
def _phone_checker() -> Callable[[str], bool]:
    """Whether a written number is a Vietnamese subscriber number.

    phonenumbers judges numbers of the current plan: valid, and not a
    service number. Web text also holds the numbers of the plans before the
    2017 (landlines: 04 became 024) and 2018 (eleven-digit mobiles: 0168
    became 038) renumberings, which it rejects: a number it finds invalid but
    possible, of 10 or 11 digits after the trunk prefix, counts as one of those.
    """
    try:
        import phonenumbers
    except ImportError as error:
        raise ConfigError(
            "redacting phone numbers needs phonenumbers: pip install 'vn-cleaner[pii]' "
            "(or leave pii_phone out of kinds)"
        ) from error
    service = {getattr(phonenumbers.PhoneNumberType, name) for name in _SERVICE_TYPES}

    def is_subscriber(written: str) -> bool:
        try:
            number = phonenumbers.parse(written, "VN")
        except phonenumbers.NumberParseException:
            return False
        if number.country_code != 84:  # "00" dials abroad
            return phonenumbers.is_valid_number(number)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.number_type(number) not in service
        national = str(number.national_number)
        return len(national) + 1 in _NATIONAL_DIGITS and phonenumbers.is_possible_number(number)

    return is_subscriber


def _anchored(kind: str) -> Callable[[str], Iterator[_Span]]:
    anchor = _ANCHORS[kind]
    pattern = _anchored_pattern(anchor)

    def find(text: str) -> Iterator[_Span]:
        lower = text.lower()
        if not any(hint in lower for hint in anchor.hints):
            return
        for match in pattern.finditer(text):
            written = match.group("number")
            for end in _number_ends(written):
                if sum(char.isdigit() for char in written[:end]) in anchor.digits:
                    start = match.start("number")
                    yield _Span(start, start + end, kind)
                    break

    return find


_FINDERS: dict[str, Callable[[str], Iterator[_Span]]] = {
    "pii_email": _emails,
    "pii_ip": _ips,
    "pii_phone": _phones,
    **{kind: _anchored(kind) for kind in _ANCHORS},
}
