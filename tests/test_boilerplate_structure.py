"""Structural boilerplate rules: what a page prints around an article, told by its shape.

The vectors follow real pages of sets b, d and e of benchmarks/boilerplate_eval
(baomoi's sign-off block, vietnamnet's related boxes, 24h's next-article
teaser); the articles are written for the tests.
"""

from __future__ import annotations

from cleaner.boilerplate import strip_boilerplate, strip_boilerplate_and_explain

ARTICLE = (
    "Sáng 12/3, Sở Y tế Hà Nội tổ chức hội nghị tổng kết công tác phòng chống dịch bệnh "
    "năm 2023 với sự tham dự của đại diện 30 quận, huyện.",
    "Theo báo cáo, số ca mắc sốt xuất huyết giảm mạnh so với cùng kỳ năm trước nhờ các đợt "
    "phun hóa chất diện rộng và sự vào cuộc của chính quyền cơ sở.",
    "Người dân được khuyến cáo tiếp tục diệt bọ gậy và giữ vệ sinh nơi ở.",
)


def test_baomoi_sign_off_block_with_section_and_keywords_goes_whole() -> None:
    # baomoi (set d): byline, date, section name, keyword list, outlet; one a line.
    sign_off = [
        "Nam Khánh",
        "31/05/13 08:53 GMT+7",
        "Pháp luật",
        "Bạch tuộc,Cảnh sát môi trường,Hải Dương,Lưu giữ,Cần Giờ,Ngư dân",
        "PL&XH",
    ]
    assert strip_boilerplate("\n".join([*ARTICLE, *sign_off])) == "\n".join(ARTICLE)


def test_section_name_inside_the_article_is_a_heading_and_stays() -> None:
    text = "\n".join([ARTICLE[0], "Giáo dục", ARTICLE[1], ARTICLE[2]])
    assert strip_boilerplate(text) == text


def test_section_name_opening_the_page_is_furniture() -> None:
    out, removals = strip_boilerplate_and_explain("\n".join(["Thời sự", *ARTICLE]))
    assert out == "\n".join(ARTICLE)
    assert [r.reason for r in removals] == ["lead_furniture"]


# -- teasers of other articles closing the page (boilerplate/teasers.py) ------

#: vietnamnet (set b, vietnamnet-0012): a related box, headline glued to its summary.
GLUED_TEASER = (
    "Thay đổi thuế bảo vệ môi trường, giá xăng dầu tăng mạnhGiá bán lẻ xăng dầu ngày "
    "1/1/2023 được cập nhật mới, với mức tăng khá cao sau khi Quốc hội thông qua thuế mới."
)


def test_glued_headline_and_summary_closing_a_flattened_page_go() -> None:
    text = " ".join([*ARTICLE, GLUED_TEASER])
    out, removals = strip_boilerplate_and_explain(text)
    assert out == " ".join(ARTICLE)
    assert [r.reason for r in removals] == ["related_news_inline"]


def test_glued_teaser_whose_summary_has_several_sentences_goes() -> None:
    # vietnamnet (set e, vietnamnet-e0017): the box's summary runs to three sentences.
    teaser = (
        "Cách nấu canh cá hồi ngon đúng chuẩnCanh cá hồi là món ăn vừa bổ dưỡng vừa thanh "
        "mát, lại dễ ăn. Canh chua cá hồi chế biến khá đơn giản. Hôm nay, chúng tôi giới "
        "thiệu cách nấu canh cá hồi thơm ngon, đúng chuẩn."
    )
    for joiner in (" ", "\n"):
        assert strip_boilerplate(joiner.join([*ARTICLE, teaser])) == joiner.join(ARTICLE)


def test_a_glue_further_back_than_a_box_holds_is_the_article_own() -> None:
    # A heading glued to a long final paragraph: longer than a box's summary.
    paragraph = (
        "Kết quả xét nghiệm cho thấyNgười dân được khuyến cáo tiếp tục diệt bọ gậy. "
        + ARTICLE[1]
        + " "
        + ARTICLE[0]
    )
    text = "\n".join([*ARTICLE, paragraph])
    assert strip_boilerplate(text) == text


def test_glued_teaser_line_after_the_byline_goes_with_the_byline() -> None:
    # vietnamnet (set b, vietnamnet-0007): "Tử Huy", a blank line, then the box.
    text = "\n".join([*ARTICLE, "Tử Huy", "", GLUED_TEASER])
    assert strip_boilerplate(text) == "\n".join(ARTICLE)


def test_a_space_lost_inside_the_last_sentence_is_no_teaser() -> None:
    # baomoi_dev.jsonl record 1434 of ../shared/data: the scraper glued a name.
    last = "Tính đến nay đã có 38 người dânVenezuela thiệt mạng kể từ khi cuộc bạo động bắt đầu."
    for text in (" ".join([*ARTICLE, last]), "\n".join([*ARTICLE, last])):
        assert strip_boilerplate(text) == text


def test_a_glued_table_is_no_teaser() -> None:
    # baomoi_dev.jsonl record 574: one glue per row.
    table = (
        "Danh sách nhà vô địch có điểm số cao nhất Arsenal mùa giải 2003/04, 90 điểmMan United "
        "mùa giải 2008/09, 90 điểmChelsea mùa giải 2004/05, 95 điểm."
    )
    text = " ".join([*ARTICLE, table])
    assert strip_boilerplate(text) == text


#: 24h (set a): the next article's summary, cut by an ellipsis, before the footer.
TRUNCATED_TEASER = (
    "Do thời tiết xấu kéo dài, tàu vận tải không thể hoạt động tiếp nhiên liệu từ đất liền "
    "ra đảo, khiến đặc khu Phú Quý rơi vào tình trạng thiếu hụt xăng..."
)


def test_truncated_summary_before_removed_furniture_goes() -> None:
    text = "\n".join([*ARTICLE, TRUNCATED_TEASER, "Bấm xem >>"])
    assert strip_boilerplate(text) == "\n".join(ARTICLE)


def test_an_ellipsis_ending_the_article_stays() -> None:
    # A list ends with "..." too (baomoi_dev.jsonl record 858), and before a byline
    # an ellipsis is the article's own.
    listing = "Đồ lễ khác gồm: Hương, hoa, quả tươi, vàng mã, đèn nến, trầu cau, rượu, thuốc lá..."
    assert strip_boilerplate("\n".join([*ARTICLE, listing, "Bấm xem >>"])) == "\n".join(
        [*ARTICLE, listing]
    )
    assert strip_boilerplate("\n".join([*ARTICLE, TRUNCATED_TEASER, "Minh Anh"])) == "\n".join(
        [*ARTICLE, TRUNCATED_TEASER]
    )


PAIR = (
    "Phó Thủ tướng Canada bị phạt chạy xe quá tốc độ dù từng tuyên bố không có ô tô",
    "Phó Thủ tướng kiêm Bộ trưởng Tài chính Canada Chrystia Freeland bị phạt 200 USD vì lỗi "
    "chạy xe quá tốc độ ở tỉnh Alberta.",
)


def test_headline_and_summary_lines_after_the_byline_go() -> None:
    # vietnamnet (set b, vietnamnet-0016): the box as two lines.
    text = "\n".join([*ARTICLE, "Tử Huy", *PAIR])
    assert strip_boilerplate(text) == "\n".join(ARTICLE)


def test_subheading_and_paragraph_ending_an_interview_stay() -> None:
    # vims_dev.jsonl record 30: a heading that the next paragraph echoes, no byline.
    pair = (
        "Ông Phạm Phú Quốc, Tổng giám đốc HFIC: Cần nhiều giải pháp huy động vốn phát triển",
        "Một trong những nhiệm vụ trọng tâm là huy động vốn đầu tư phát triển kết cấu hạ tầng.",
    )
    text = "\n".join([*ARTICLE, *pair])
    assert strip_boilerplate(text) == text


# -- captions without a credit (boilerplate/captions.py) ---------------------

#: Caption lines of qdnd and baophapluat pages (sets b and d of benchmarks/boilerplate_eval).
SCENE_CAPTIONS = (
    "Quang cảnh hội nghị.",
    "Các đại biểu tham dự tọa đàm.",
    "Đại tướng Phan Văn Giang dâng hương các Anh hùng liệt sĩ.",
    "Đại tá Lê Đức Nghĩa (thứ ba từ phải sang) kiểm tra hoạt động khám bệnh.",
    "Thủ tướng Phạm Minh Chính chủ trì phiên họp.",
)

#: One-sentence paragraphs that narrate (sets b and e; vims_dev.jsonl of ../shared/data).
SHORT_PARAGRAPHS = (
    "Sự việc đang được Công an xã Xuân Hương điều tra làm rõ.",
    "Triển lãm diễn ra từ 14/10-30/11.",
    "Thủ tướng cũng giao nhiệm vụ cho các cơ quan triển khai hợp tác với IAEA.",
    "Bộ Công thương vừa thông báo gia hạn áp dụng biện pháp chống lẩn tránh.",
    "Ông Trung cho biết Sở Tư pháp đang làm báo cáo gửi Bộ.",
)


def test_caption_lines_between_paragraphs_go() -> None:
    for caption in SCENE_CAPTIONS:
        text = "\n".join([ARTICLE[0], caption, ARTICLE[1], ARTICLE[2]])
        out, removals = strip_boilerplate_and_explain(text)
        assert out == "\n".join(ARTICLE), caption
        assert [r.reason for r in removals] == ["photo_caption"]


def test_short_narrating_paragraphs_stay() -> None:
    for paragraph in SHORT_PARAGRAPHS:
        text = "\n".join([ARTICLE[0], paragraph, ARTICLE[1], ARTICLE[2]])
        assert strip_boilerplate(text) == text, paragraph


def test_a_caption_inside_a_flattened_line_or_alone_stays() -> None:
    # Inside a flattened page a caption cannot be told from the article around it,
    # and a document that is one caption is that caption.
    flat = " ".join([ARTICLE[0], SCENE_CAPTIONS[2], ARTICLE[1]])
    assert strip_boilerplate(flat) == flat
    assert strip_boilerplate(SCENE_CAPTIONS[2]) == SCENE_CAPTIONS[2]


def test_glue_after_a_capitalised_word_counts_when_a_vietnamese_word_follows() -> None:
    # vietnamnet (set b, vietnamnet-0008): "… ủng hộ Việt NamThủ tướng Phạm Minh Chính …".
    teaser = (
        "Thủ tướng: Viết tiếp câu chuyện để thế giới hiểu, đồng hành, ủng hộ Việt NamThủ tướng "
        "Phạm Minh Chính nhấn mạnh cần có các sản phẩm thông tin đối ngoại sinh động."
    )
    assert strip_boilerplate(" ".join([*ARTICLE, teaser])) == " ".join(ARTICLE)


def test_brand_names_in_camel_case_are_no_glue() -> None:
    last = (
        "Mẫu xe điện VinFast VF 3 và điện thoại MobiFone được giới thiệu tại triển lãm, "
        "thu hút đông đảo khách tham quan VinFast VF 3."
    )
    text = " ".join([*ARTICLE, last])
    assert strip_boilerplate(text) == text


def test_byline_glued_to_the_last_sentence_is_split_off() -> None:
    # baomoi (set d): "… công tác Mặt trận.Nguyễn Khang", "….Hà PhươngTheo Infonet".
    for byline in ("Nguyễn Khang", "Hà PhươngTheo Infonet"):
        text = "\n".join([*ARTICLE[:2], ARTICLE[2] + byline])
        assert strip_boilerplate(text) == "\n".join(ARTICLE), byline


def test_a_source_after_a_last_sentence_that_lost_its_stop_is_cut() -> None:
    # tienphong (set g): "… những trường hợp đã xử phạt trước đây Theo Vnexpress".
    last = "Ủy ban sẽ lần lượt công bố những trường hợp đã xử phạt trước đây"
    text = " ".join([*ARTICLE, f"{last} Theo Vnexpress"])
    assert strip_boilerplate(text) == " ".join([*ARTICLE, last])


def test_theo_inside_the_sentence_or_a_credit_is_not_a_glue() -> None:
    kept = " ".join([*ARTICLE, "Việc này được thực hiện Theo Quyết định 123 của Bộ"])
    assert strip_boilerplate(kept) == kept
    # baomoi_dev.jsonl record baomoi-22574069: the byline names its source twice.
    signed = " ".join([*ARTICLE, "Trần Thường (theo Theo Asia Health Channel)"])
    assert strip_boilerplate(signed) == " ".join(ARTICLE)


def test_a_city_abbreviation_ending_the_article_is_not_split() -> None:
    text = "\n".join([*ARTICLE[:2], "Hội nghị diễn ra tại TP.HCM"])
    assert strip_boilerplate(text) == text


def test_source_tags_with_an_ampersand_or_a_lost_bracket_are_cut() -> None:
    # baomoi (set d): "(PL&XH) - Một số ngư dân …", "(VOV- Tối 29/5, …".
    for tag in ("(PL&XH) - ", "(VOV- "):
        text = "\n".join([tag + ARTICLE[0], *ARTICLE[1:]])
        assert strip_boilerplate(text) == "\n".join(ARTICLE), tag


def test_captions_keep_leaves_scene_captions() -> None:
    text = "\n".join([ARTICLE[0], SCENE_CAPTIONS[0], ARTICLE[1], ARTICLE[2]])
    assert strip_boilerplate(text, captions="keep") == text


def test_a_header_and_its_headline_on_one_line_go() -> None:
    # tinvn (set e): "Xem thêm: Không phải iPhone hay hàng hiệu, …" between paragraphs.
    line = "Xem thêm: Không phải iPhone hay hàng hiệu, đây mới là những món quà độc nhất vô nhị"
    text = "\n".join([ARTICLE[0], line, ARTICLE[1], ARTICLE[2]])
    assert strip_boilerplate(text) == "\n".join(ARTICLE)
    prose = "Xem thêm các hướng dẫn trên cổng dịch vụ công để biết chi tiết."
    text = "\n".join([ARTICLE[0], prose, ARTICLE[1]])
    assert strip_boilerplate(text) == text


def test_a_sourced_byline_opening_the_page_goes_and_a_dateline_stays() -> None:
    # kenh14 (set e): "Ngọc Mon Theo Trí Thức Trẻ" is the first line of the page.
    text = "\n".join(["Ngọc Mon Theo Trí Thức Trẻ", *ARTICLE])
    assert strip_boilerplate(text) == "\n".join(ARTICLE)
    dateline = "\n".join(["Hà Nội", *ARTICLE])
    assert strip_boilerplate(dateline) == dateline


def test_an_address_in_the_reference_list_stays() -> None:
    # baomoi_dev.jsonl record baomoi-22472754: "[3] … 1971–1973. https://…/nixon-shock."
    references = (
        "Tài liệu tham khảo [1] Bretton Woods System. http://www2.econ.iastate.edu/bre.htm "
        "[2] Nixon and the End of the Bretton Woods System. "
        "https://history.state.gov/milestones/1969-1976/nixon-shock. [3] Crises."
    )
    text = " ".join([*ARTICLE, references])
    assert strip_boilerplate(text) == text


# -- a carousel of headlines opening the page (teasers.carousel_end) ----------

#: nld (set g, nld-g0004): three headlines, shown again and again before the article.
CAROUSEL = (
    "Bộ GD-ĐT lần đầu lên tiếng về sách Công nghệ giáo dục "
    "GS Hồ Ngọc Đại lên tiếng về chương trình Công nghệ giáo dục "
    "Sở GD-ĐT Cần Thơ lên tiếng vụ phụ huynh thắc mắc bộ sách Công nghệ giáo dục "
    "Bộ GD-ĐT lần đầu lên tiếng về sách Công nghệ giáo dục "
    "GS Hồ Ngọc Đại lên tiếng về chương trình Công nghệ giáo dục "
    "Bộ GD-ĐT lần đầu lên tiếng về sách Công nghệ giáo dục "
    "GS Hồ Ngọc Đại lên tiếng về chương trình Công nghệ giáo dục "
    "Sở GD-ĐT Cần Thơ lên tiếng vụ phụ huynh thắc mắc bộ sách Công nghệ giáo dục"
)


def test_a_carousel_of_repeated_headlines_opening_a_flattened_page_goes() -> None:
    text, removals = strip_boilerplate_and_explain(" ".join([CAROUSEL, *ARTICLE]))
    assert text == " ".join(ARTICLE)
    assert [r.reason for r in removals] == ["related_news_inline"]


def test_a_name_the_article_repeats_is_no_carousel() -> None:
    # baomoi_dev.jsonl record baomoi-21478350: a caption and the lead name the
    # minister, and the article names him again.
    name = "Bộ trưởng Quốc phòng Mỹ James Mattis"
    text = (
        f"{name}. Ảnh: AFP. Theo Sputnik, {name} tuyên bố nước này không thấy lý do để "
        f"hành động. {name} nói thêm rằng Mỹ sẽ tiếp tục theo dõi tình hình."
    )
    assert strip_boilerplate(text) == text.replace(" Ảnh: AFP.", "")


#: kenh14 (set e, kenh14-0001): a link to another article between the photo
#: credit and the "Theo X" that ends the page.
LINKED_HEADLINE = (
    "Hành trình lột xác của Khánh Vân: Từ cô bé niềng răng, da đen nhẻm đến mỹ nhân "
    "toả sáng ở đấu trường nhan sắc lớn nhất hành tinh"
)


def test_a_headline_between_a_credit_and_the_closing_source_goes() -> None:
    text = "\n".join([*ARTICLE, "Ảnh: NVCC", LINKED_HEADLINE, "Theo Trí Thức Trẻ"])
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "\n".join(ARTICLE)
    reasons = {r.text: r.reason for r in removals}
    assert reasons[LINKED_HEADLINE] == "related_news_block"


def test_a_closing_line_without_a_full_stop_after_prose_stays() -> None:
    # The same headline right after the article's prose is the article's own.
    text = "\n".join([*ARTICLE, LINKED_HEADLINE, "Theo Trí Thức Trẻ"])
    assert strip_boilerplate(text) == "\n".join([*ARTICLE, LINKED_HEADLINE])


def test_a_subheading_between_two_captions_stays() -> None:
    # A subheading has its section after it: it is never the last kept line.
    heading = "Những khu vực có nguy cơ cao nhất trong thành phố hiện nay"
    section = "Phần lớn số ca mắc mới tập trung ở các quận nội thành đông dân cư."
    text = "\n".join([*ARTICLE, "Ảnh: Lâm Thỏa", heading, "Ảnh: TTXVN", section])
    assert strip_boilerplate(text) == "\n".join([*ARTICLE, heading, section])


#: vietnamnet (set b, vietnamnet-0016): a related box of headline and summary
#: lines, each pair set apart by blank lines.
BOX_OF_PAIRS = [
    "",
    "",
    "Phó Thủ tướng Canada bị phạt chạy xe quá tốc độ dù từng tuyên bố không có ô tô",
    "Phó Thủ tướng kiêm Bộ trưởng Tài chính Canada bị phạt 200 USD vì chạy quá tốc độ.",
    "",
    "",
    "Thêm vụ giẫm đạp gây chấn động ở Congo, 11 người thiệt mạng trong đêm",
    "Bộ trưởng Nội vụ Congo cho biết 11 người đã thiệt mạng trong vụ giẫm đạp mới xảy ra.",
]


def test_a_box_of_teaser_pairs_closing_the_page_goes() -> None:
    text = "\n".join([*ARTICLE, *BOX_OF_PAIRS])
    out, removals = strip_boilerplate_and_explain(text)
    assert out == "\n".join(ARTICLE)
    assert {r.reason for r in removals if r.text} == {"related_news_block"}


def test_one_last_subheading_and_its_paragraph_stay() -> None:
    # One pair alone after a blank line is the article's last section.
    text = "\n".join([*ARTICLE, *BOX_OF_PAIRS[4:]])
    assert strip_boilerplate(text) == text


def test_a_glued_teaser_whose_headline_asks_a_question_goes() -> None:
    # vietnamnet (set e, vietnamnet-e0020): "… phía trước?Tròn một tháng …".
    teaser = (
        "Điều gì đang chờ đợi hoa hậu Thuỳ Tiên phía trước?Tròn một tháng Thuỳ Tiên trở "
        "thành đại sứ của hãng thời trang, nhiều người lo ngại cô đối diện mất mát lớn."
    )
    assert strip_boilerplate(" ".join([*ARTICLE, teaser])) == " ".join(ARTICLE)


def test_a_question_glued_to_an_answer_that_does_not_echo_it_stays() -> None:
    last = (
        "Vậy người dân cần làm gì trong mùa mưa năm nay?Các chuyên gia khuyên nên ngủ màn "
        "và phát quang bụi rậm quanh nhà."
    )
    text = " ".join([*ARTICLE, last])
    assert strip_boilerplate(text) == text
