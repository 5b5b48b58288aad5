"""Photo, video and source credits: find the credit, never the paragraph around it.

A credit is a keyword ("Ảnh", "Video", "Clip", "Nguồn", "Đồ họa", …), a
colon and a name: "Ảnh: Lâm Thỏa", "(ảnh: BBC)", "Ảnh:AFP", "Ảnh, video:
Nhân vật cung cấp". Scrapers glue the name to the next sentence ("Ảnh: Lâm
Thỏa Ngay cả khi …"), so the name ends where the next sentence starts: at a
full stop or closing bracket, or at a capitalised word followed by a
lower-case word that is not part of a credit ("Ngay cả …").
"""

from __future__ import annotations

import regex

__all__ = ["CREDIT_HINTS", "find_credits"]

#: Cheap substring pre-checks, one set per pattern: a line with none of a set's
#: hints cannot match that pattern, and most lines hold none at all.
_COLON_HINTS = (
    "nh:", "nh :", "ideo", "lip", "guồn", "họa", "hoạ", "NH:", "IDEO", "LIP", "fographic",
    "(Ảnh", "(ảnh", "(Hình", "(hình", "ồ thị", "iểu đồ", "hiết kế", "GUỒN", "NH :", "HỌA",
)  # fmt: skip
_COLONLESS_HINTS = ("Ảnh ", "Nguồn ", "Hình ")
_BARE_HINTS = ("minh h", "chụp màn", "(Ảnh", "(ảnh", "(Hình", "(hình")
CREDIT_HINTS = _COLON_HINTS + _COLONLESS_HINTS + _BARE_HINTS

_KEYWORD = (
    r"(?:Ảnh|ảnh|ẢNH|Hình|Hình ảnh|Ảnh, video|Ảnh và video|Ảnh/video|Ảnh - video"
    r"|Video|VIDEO|Clip|CLIP|Nguồn(?: ảnh| clip| video| hình| ảnh/clip)?|NGUỒN"
    r"|Đồ họa|Đồ thị|Biểu đồ|Thiết kế|Infographic|Ảnh minh họa|Ảnh tư liệu|Ảnh chụp màn hình)"
)
#: A keyword and its colon, opening a credit. Unbracketed credits must start
#: the line or follow a sentence end, a dash or a space after a word: prose
#: such as "hình ảnh: những …" is lower-case and never opens a credit.
_OPENING = regex.compile(
    rf"(?P<open>\(\s?)?(?P<key>{_KEYWORD})\s?:\s?(?=\S)",
    regex.IGNORECASE,
)
#: A bare "Ảnh minh họa" / "(Ảnh minh họa)" with no name.
_BARE = regex.compile(
    r"\((?:Ảnh|ảnh|Hình|hình)(?: minh h(?:ọa|oạ)| tư liệu| chụp màn hình| internet| sưu tầm)\)"
    r"|(?<![\p{L}])(?:Ảnh|Hình) minh h(?:ọa|oạ)(?![\p{L}])"
    r"|(?<![\p{L}])Ảnh chụp màn hình(?=[.)]|\Z)"
    # cafef, cafebiz: "… đạt chuẩn GMP EU. hình minh họa Trong xu thế …"
    r"|(?:^|(?<=[.!?…] )|(?<= , ))(?:hình|ảnh) minh h(?:ọa|oạ)(?= [\p{Lu},]|\.|\Z)"
)

#: Lower-case words that belong to a credit's name ("Nhân vật cung cấp").
_CREDIT_WORDS = frozenset(
    {
        "nhân",
        "vật",
        "cung",
        "cấp",
        "nvcc",
        "tư",
        "liệu",
        "minh",
        "họa",
        "chụp",
        "màn",
        "hình",
        "cắt",
        "từ",
        "clip",
        "video",
        "internet",
        "gia",
        "đình",
        "sưu",
        "tầm",
        "st",
        "tổng",
        "hợp",
        "facebook",
        "fb",
        "youtube",
        "tiktok",
        "instagram",
        "twitter",
        "zalo",
        "nguồn",
        "báo",
        "theo",
        "và",
        "của",
        "trên",
        "phim",
        "ảnh",
        "getty",
        "images",
        "reuters",
        "afp",
        "ap",
        "epa",
        "xinhua",
        "ttxvn",
        "bộ",
        "sở",
        "ubnd",
        "đài",
        "trang",
        "mạng",
        "xã",
        "hội",
        "nhóm",
        "pv",
        "ctv",
        "phóng",
        "viên",
        "bạn",
        "đọc",
        "độc",
        "giả",
        "gửi",
        "tới",
        # "Ảnh: Công an tỉnh Phú Thọ", "Ảnh: Sở Y tế thành phố"
        "an",
        "tỉnh",
        "thành",
        "phố",
        "huyện",
        "quận",
        "phường",
        "y",
        "tế",
        "công",
        "ty",
        "ban",
        "tổ",
        "chức",
        "đội",
        "viện",
        "trường",
        "hãng",
    }
)
_MAX_NAME_WORDS = 8
_MAX_NAME_CHARS = 80
_WORD = regex.compile(r"\S+")


def _is_initial(word: str) -> bool:
    """One capital and a full stop ("S.", "V."): the initial of a name."""
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _ends_sentence(word: str) -> bool:
    return word.rstrip("\"”’')]")[-1:] in (".", "!", "?", "…")


def _is_capitalised(word: str) -> bool:
    letters = word.lstrip("(\"“‘'[")
    return bool(letters) and (letters[0].isupper() or letters[0].isdigit())


#: Capitalised words that open a sentence far more often than they end a name.
_SENTENCE_STARTERS = frozenset(
    {
        "Ông",
        "Bà",
        "Ngày",
        "Tháng",
        "Năm",
        "Theo",
        "Trong",
        "Sau",
        "Khi",
        "Tối",
        "Sáng",
        "Chiều",
        "Trưa",
        "Đêm",
        "Nhiều",
        "Về",
        "Cô",
        "Chị",
        "Các",
        "Những",
        "Một",
        "Đây",
        "Đó",
        "Nhưng",
        "Tuy",
        "Do",
        "Vì",
        "Nếu",
        "Để",
        "Với",
        "Tại",
        "Ở",
        "Từ",
        "Trước",
        "Hôm",
        "Đến",
        "Còn",
        "Cũng",
        "Người",
        "Bên",
        "Giữa",
        "Ngoài",
        "Dù",
        "Đoạn",
        "Bộ",
        "Số",
        "Lễ",
        "Khoảng",
        "Bài",
        "Thời",
        "Mới",
        "Chỉ",
        "Phía",
        "Ngay",
        "Trên",
        "Dưới",
        "Đặc",
        "Cùng",
        "Qua",
        "Mặc",
        "Riêng",
        "Hơn",
        "Gần",
        "Suốt",
        "Điều",
        "Việc",
        "Cơ",
        "Vào",
        "Lúc",
        "Chuyện",
        "Đội",
        "Nhờ",
        "Bởi",
        "Đáng",
        "Tất",
        "Mỗi",
        "Cả",
        "Trận",
        "Bác",
        "Hãy",
        "Vậy",
    }
)
#: One-word credits after which a capitalised word opens the next sentence.
_AGENCIES = frozenset(
    {
        "reuters",
        "afp",
        "ap",
        "epa",
        "getty",
        "xinhua",
        "ttxvn",
        "internet",
        "nvcc",
        "cacc",
        "nsx",
        "shutterstock",
        "bloomberg",
        "cnn",
        "bbc",
        "vov",
        "vtv",
        "vnexpress",
        "sohu",
        "douyin",
        "kitco",
        "tradingview",
    }
)
#: Sentence starters that are also common syllables of Vietnamese names
#: ("Ảnh: Trung Thông", "Ảnh: Thế Anh"): they open the next sentence only
#: when a lower-case word follows ("Thông tin …"), never before a capital.
_NAME_SYLLABLE_STARTERS = frozenset(
    {"Thông", "Đồng", "Toàn", "Chính", "Liên", "Thế", "Sáng", "Năm", "Hiện", "Hàng"}
)


def _is_handle(word: str) -> bool:
    """An account name ("roses_are_rosie", "@vtv24"): part of a credit, never prose."""
    return "_" in word or word.startswith("@")


def _is_all_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _opens_next_sentence(words: list[str], index: int) -> bool:
    """Whether ``words[index]`` starts the sentence after the credit's name."""
    word = words[index].lstrip("(\"“‘'[")
    if index == 0 or not word:
        return False
    previous = words[index - 1].rstrip(".,;:")
    agency_then_capital = previous.lower() in _AGENCIES and _is_capitalised(word)
    if index == 1 and agency_then_capital and not word.startswith(("/", "Images")):
        return True  # "Ảnh: Reuters Liên Hợp Quốc …"
    following = words[index + 1] if index + 1 < len(words) else ""
    core = word.rstrip(".,;:")
    capitals_before = index >= 2 and _is_all_caps(previous) and _is_all_caps(words[index - 2])
    if capitals_before and not _is_all_caps(word):
        return True  # "Ảnh: QUANG ĐỊNH Đạm Cà …": a name in capitals, then the text
    if core in _NAME_SYLLABLE_STARTERS:
        # "Sáng 8/12", "Thông tin …" open a sentence; "Trung Thông Khoảng …" is a name.
        return bool(following) and (following[0].isdigit() or not _is_capitalised(following))
    if word[0].isdigit() or core in _SENTENCE_STARTERS:
        return True
    # "Ngay" opens "Ngay cả khi …": a capital, then a word no credit holds.
    return (
        _is_capitalised(word)
        and any(char.isalpha() for char in following)
        and not _is_capitalised(following)
        and following.rstrip(".,;:").lower() not in _CREDIT_WORDS
    )


#: A lower-case letter then a capital ("ZimbioMới"), or capitals then a capitalised
#: word ("XLTheo", "K.CBác"): two words glued where a scraper lost the space.
_GLUED = regex.compile(r"(?<=\p{Ll})\p{Lu}|(?<=\p{Lu}\.?\p{Lu})(?=\p{Lu}\p{Ll})")


def _glued_word_start(word: str) -> int | None:
    """Offset in ``word`` where a glued sentence opener starts ("XLTheo"), if any.

    Only a word that usually opens a sentence counts, so that brand names
    ("YouTube", "McDonald") stay whole.
    """
    match = _GLUED.search(word, 1)
    if match is None or word[match.start() :].rstrip(".,;:") not in _SENTENCE_STARTERS:
        return None
    start: int = match.start()
    return start


def _name_end(text: str, start: int, bracketed: bool) -> int:
    """Where the name that starts at ``start`` ends (exclusive)."""
    if bracketed:
        close = text.find(")", start, start + _MAX_NAME_CHARS + 1)
        return close + 1 if close != -1 else -1
    matches = list(_WORD.finditer(text, start, min(len(text), start + _MAX_NAME_CHARS + 40)))
    words = [match.group() for match in matches]
    end = start
    for index, match in enumerate(matches[:_MAX_NAME_WORDS]):
        word = words[index]
        core = word.rstrip('.,;:!?)"”’').lower()
        if _opens_next_sentence(words, index):
            break
        if not _is_capitalised(word) and core not in _CREDIT_WORDS and not _is_handle(core):
            break
        if match.end() - start > _MAX_NAME_CHARS:
            break
        glued = _glued_word_start(word)
        if glued is not None:
            end = match.start() + glued  # "Ảnh: ZimbioMới …": the scraper lost a space
            break
        end = match.end()
        if _is_initial(word) and index + 1 < len(words) and _is_capitalised(words[index + 1]):
            continue  # "Ishara S. Kodikara": an initial's full stop ends no sentence
        if _ends_sentence(word) or word.endswith(")"):
            # "Lâm Thỏa." ends the credit, with its full stop; a closing bracket
            # with no opening one in the name belongs to the sentence around it.
            if word.endswith(")") and "(" not in text[start:end]:
                end -= 1
            break
    return end


def find_credits(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every credit in ``text``, brackets included, in order.

    >>> text = "Cầu thủ ăn mừng (Ảnh: Reuters). Ảnh: Lâm Thỏa Ngay cả khi thua."
    >>> [text[s:e] for s, e in find_credits(text)]
    ['(Ảnh: Reuters)', 'Ảnh: Lâm Thỏa']
    """
    found: list[tuple[int, int]] = []
    openings = _OPENING.finditer(text) if _hinted(text, _COLON_HINTS) else ()
    for match in openings:
        if found and match.start() < found[-1][1]:
            continue
        bracketed = match.group("open") is not None
        if not bracketed and not _may_open_credit(text, match.start(), match.group("key")):
            continue
        end = _name_end(text, match.end(), bracketed)
        if end > match.end() and (bracketed or not _is_title(text, match, end)):
            found.append((match.start(), end))
    for match in _COLONLESS.finditer(text) if _hinted(text, _COLONLESS_HINTS) else ():
        colonless_end = _colonless_end(text, match.end())
        if colonless_end is not None:
            _add_unless_overlapping(found, match.start(), colonless_end)
    for match in _BARE.finditer(text) if _hinted(text, _BARE_HINTS) else ():
        _add_unless_overlapping(found, match.start(), match.end())
    return sorted(found)


def _hinted(text: str, hints: tuple[str, ...]) -> bool:
    return any(hint in text for hint in hints)


def _add_unless_overlapping(found: list[tuple[int, int]], start: int, end: int) -> None:
    if not any(start < other_end and other_start < end for other_start, other_end in found):
        found.append((start, end))


#: A credit whose colon the scraper dropped ("Ảnh Reuters", "Nguồn Internet"):
#: only as a sentence of its own, right after a sentence end or a separator.
_COLONLESS = regex.compile(r"(?:^|(?<=[.!?…] )|(?<= [,|–-] ))(?:Ảnh|Nguồn|Hình) (?=[\p{Lu}\d])")
#: A colon-less credit's name is short ...
_MAX_COLONLESS_WORDS = 4


def _colonless_end(text: str, name_start: int) -> int | None:
    """... and punctuation or the line's end closes it, or it names a known source.

    Without a colon, "Nguồn Vốn ODA được …" reads the same as "Ảnh Sohu Lưu
    Hồng Bân …": only a known agency or an acronym ("Ảnh CMH Khoa Pug …", the
    acronym alone) tells a credit from prose. Returns where the credit ends,
    or ``None`` when there is none.
    """
    end = _name_end(text, name_start, bracketed=False)
    name = text[name_start:end].split()
    if not 0 < len(name) <= _MAX_COLONLESS_WORDS:
        return None
    rest = text[end:].lstrip()
    if not rest or rest[0] in ".,;|" or text[end - 1] == ".":
        return end
    first = name[0].rstrip(".,;:")
    if first.lower() in _AGENCIES or _is_all_caps(first):
        return name_start + len(name[0])
    return None


def _is_title(text: str, match: regex.Match[str], end: int) -> bool:
    """A one-word name and then prose ("Video: Yên Tử đẹp …") titles a video: no credit.

    A source ("Video: CBS", "Video: Douyin") or a name followed by a word
    that opens a sentence ("Video: Douyin Hiện, …") is a credit.
    """
    if match.group("key").lower() not in ("video", "clip"):
        return False
    name = text[match.end() : end].strip()
    if " " in name or end >= len(text) or text[end : end + 1] != " ":
        return False
    if _is_all_caps(name) or name.lower() in _AGENCIES:
        return False
    following = text[end + 1 : end + 40].split(" ", 1)[0].rstrip(".,;:")
    return following not in _SENTENCE_STARTERS and following not in _NAME_SYLLABLE_STARTERS


def _may_open_credit(text: str, start: int, keyword: str) -> bool:
    """An unbracketed keyword opens a credit when capitalised, after a boundary."""
    if not keyword[:1].isupper():
        return False
    if start == 0:
        return True
    before = text[max(0, start - 3) : start]
    # "Tân CaoẢnh:Êkíp …": a capitalised keyword glued to a lower-case letter
    # is where a scraper lost a line break.
    return (
        before.endswith((" ", "\t", "-", "_", "|", "\u00a0"))
        or before[-1:] in '.!?…:"”)'
        or before[-1:].islower()
    )
