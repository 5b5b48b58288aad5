"""Photo captions that carry no credit, told by how a caption describes a scene.

A news page prints a caption under each photo; once the page is saved one
paragraph a line, the caption is a short line between paragraphs. Most have
a credit ("Ảnh: TTXVN") and go by the credit rules. The rest look like a
one-sentence paragraph, so shape alone is not enough: a short paragraph
("Sự việc đang được điều tra làm rõ.") has the same shape. What tells a
caption is its wording, measured on sets a-e of benchmarks/boilerplate_eval
(50 caption lines found, no paragraph taken; two lines on the dev corpus,
both captions):

- a position in the photo: "(thứ hai từ trái sang)", "(bên phải)", "(giữa)";
- or a scene named as a photo names it, with no tense or reported speech
  ("đã", "sẽ", "cho biết" belong to a paragraph's narration): "Quang cảnh
  hội nghị.", "Các đại biểu tham dự tọa đàm.", or a titled person doing a
  ceremonial act: "Đại tướng Phan Văn Giang dâng hương các Anh hùng liệt sĩ."

Only whole lines of a multi-line text are taken: inside a flattened line a
caption cannot be told from the sentence around it.
"""

from __future__ import annotations

import regex

from cleaner.boilerplate.labels import LineLabel

__all__ = ["is_scene_caption", "remove_scene_captions"]

#: Captions are short; a paragraph of narration is longer.
MAX_CAPTION_CHARS = 160
MIN_CAPTION_CHARS = 12

#: A place in the photo: "(thứ ba từ phải sang)", "(ngoài cùng bên trái)", "(giữa)".
_POSITION = regex.compile(
    r"\((?:thứ (?:hai|ba|tư|năm|sáu|\d)|ngoài cùng|đứng|ngồi|hàng [\p{L}\d]{1,6}|bìa)?"
    r"[^()\n]{0,25}(?:từ (?:trái|phải) sang|bên (?:trái|phải)|ở giữa|giữa)\)"
)
#: Words that open a description of the whole scene.
_SCENE_START = regex.compile(
    r"(?:Quang cảnh|Toàn cảnh|Các đại biểu|Đại biểu|Các đồng chí|Cán bộ, chiến sĩ|Lãnh đạo"
    r"|Đại diện|Đoàn công tác|Một góc|Cảnh)\b"
)
#: A titled person opening the caption.
_TITLE = regex.compile(
    r"(?:Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng|Đại tá|Thượng tá|Trung tá|Thiếu tá"
    r"|Thủ tướng|Phó Thủ tướng|Chủ tịch|Phó Chủ tịch|Tổng Bí thư|Bộ trưởng|Thứ trưởng|Bí thư"
    r"|Phó Bí thư|Giám đốc|Phó Giám đốc|Đồng chí|Ông|Bà|PGS|GS|TS|NSND|NSƯT|Hoa hậu|Ca sĩ"
    r"|Nghệ sĩ|Tác giả|Họa sĩ|Hoạ sĩ)\b"
)
#: The ceremonial acts photos show.
_SCENE_VERB = regex.compile(
    r"\b(?:phát biểu|tặng|trao|chụp ảnh|dâng hương|dâng hoa|kiểm tra|tham dự|dự|chủ trì|thăm"
    r"|tham quan|chúc mừng|đón|ký|bắt tay|trò chuyện|động viên|thị sát|khảo sát|biểu diễn"
    r"|giới thiệu|cắt băng|nhấn nút|trồng cây|chỉ đạo)\b"
)
#: Narration: tense and aspect markers, modality, reported speech.
_NARRATION = regex.compile(
    r"\b(?:đã|sẽ|vừa|cũng|từng|chưa|nên|phải|cần|được biết|cho biết|cho rằng|nói|khẳng định)\b"
)
#: A second sentence inside the line (a caption is one sentence).
_INNER_BREAK = regex.compile(r"[.!?:;]\s")


def is_scene_caption(line: str) -> bool:
    """Whether a stand-alone line reads as a photo caption (see the module notes).

    >>> is_scene_caption("Quang cảnh hội nghị.")
    True
    >>> is_scene_caption("Sự việc đang được Công an xã điều tra làm rõ.")
    False
    """
    text = line.strip()
    if not MIN_CAPTION_CHARS <= len(text) <= MAX_CAPTION_CHARS or not text.endswith("."):
        return False
    if _INNER_BREAK.search(text, 0, len(text) - 1) is not None:
        return False
    if _POSITION.search(text) is not None:
        return True
    if _NARRATION.search(text) is not None:
        return False
    if _SCENE_START.match(text) is not None:
        return True
    return _TITLE.match(text) is not None and _SCENE_VERB.search(text) is not None


def remove_scene_captions(labels: list[LineLabel], kept: list[int]) -> None:
    """Remove caption lines between the first and the last kept line of a multi-line text.

    Args:
        labels: Every line's label, changed in place.
        kept: Indexes of the kept non-blank lines, in order.
    """
    for index in kept[1:-1]:
        label = labels[index]
        if not label.cuts and is_scene_caption(label.text):
            label.remove("photo_caption", "caption", certain=False)
