"""The site vocabulary of vi.txt: each site's furniture goes, prose with the same words stays.

Every vector names the site its furniture comes from and where it sits on the
page: ``lead`` (it opens the article) or ``end`` (it closes it). Each one is
tried in a small article twice: one paragraph a line, and flattened onto a
single line as most scrapers save a page. A label that opens a flattened page
runs into the title with no boundary at all ("Danh mục Quán quân Sao Mai ..."),
so flattened lead furniture is tried where the sign-off block sees it, at the
end, unless the lead prefix rule takes it (timestamps and agency tags).

The evidence for each string (a real page or a public repository) is in the
comment above its pattern in cleaner/data/boilerplate/vi.txt and in
benchmarks/boilerplate_eval/vocabulary_notes.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import pytest
import regex

from cleaner.boilerplate import strip_boilerplate, strip_boilerplate_and_explain

#: A short article; its paragraphs must come out untouched.
ARTICLE = (
    "Sáng 12/3, Sở Y tế Hà Nội tổ chức hội nghị tổng kết công tác phòng chống dịch bệnh năm 2023.",
    "Theo báo cáo, số ca mắc sốt xuất huyết giảm mạnh so với cùng kỳ năm trước nhờ các đợt "
    "phun hóa chất diện rộng.",
    "Người dân được khuyến cáo tiếp tục diệt bọ gậy và giữ vệ sinh nơi ở.",
)


@dataclass(frozen=True)
class Furniture:
    """One piece of page furniture of one site, and prose that must survive beside it."""

    site: str
    text: str
    place: str  # "lead" or "end"
    false_friend: str
    flat_lead: bool = False  # the lead prefix rule takes it off a flattened first line


VECTORS = (
    # related-news headers
    Furniture(
        "cafef", "TIN MỚI", "end", "Tin mới về kế hoạch phát hành cổ phiếu được công bố sáng nay."
    ),
    Furniture(
        "baochinhphu",
        "Tham khảo thêm",
        "end",
        "Người dân có thể tham khảo thêm hướng dẫn trên cổng thông tin của Bộ.",
    ),
    # page chrome and widgets
    Furniture(
        "genk",
        "ĐỌC BÀI - 1:46 Chọn giọng đọc Giọng Nam miền Bắc Giọng Nữ miền Bắc Giọng Nam miền Nam "
        "Giọng Nữ miền Nam",
        "lead",
        "Chị chọn giọng đọc miền Nam cho cuốn sách nói đầu tiên của mình.",
    ),
    Furniture(
        "genk", "TRANG CHỦ >", "lead", "Trang chủ của cuộc thi sẽ mở cổng đăng ký từ ngày mai."
    ),
    Furniture(
        "ngoisao",
        "Danh mục",
        "lead",
        "Danh mục thuốc được bảo hiểm chi trả vừa được bổ sung thêm 62 hoạt chất.",
    ),
    Furniture(
        "tuoitre",
        "Vui lòng nhập Email",
        "end",
        "Vui lòng nhập email đúng định dạng khi đăng ký tài khoản trên cổng dịch vụ công.",
    ),
    Furniture(
        "tuoitre",
        "Email Không đúng định dạng",
        "end",
        "Email không đúng định dạng sẽ bị hệ thống từ chối ngay khi gửi.",
    ),
    Furniture("laodong", "Lên top", "end", "Lên top thịnh hành là mục tiêu của nhiều ca sĩ trẻ."),
    Furniture(
        "vnexpress",
        "Trở lại Sức khỏe",
        "end",
        "Trở lại sức khỏe bình thường sau ca mổ, ông tiếp tục đi làm.",
    ),
    Furniture(
        "vnexpress",
        "Copy link thành công",
        "end",
        "Copy link thành công rồi gửi cho bạn bè là cách nhiều người chia sẻ bài viết.",
    ),
    Furniture(
        "cafef",
        "VIC: Giá hiện tại Thay đổi Xem hồ sơ doanh nghiệp",
        "lead",
        "Giá hiện tại của cổ phiếu VIC thay đổi không đáng kể so với phiên trước.",
    ),
    Furniture(
        "vietnamplus",
        "(TTXVN/Vietnam+)",
        "lead",
        "Phóng viên TTXVN/Vietnam+ tại Paris cho biết lễ hội thu hút hàng nghìn người.",
    ),
    Furniture(
        "nld",
        "HOTLINE: 0903.343.439 - HOTLINE Phát hành: 0819.123.127 - ĐẶT MUA BÁO",
        "lead",
        "Người dân có thể gọi hotline 0903.343.439 để phản ánh tình trạng ngập úng.",
    ),
    Furniture(
        "tienphong",
        "Có 3 kết quả :",
        "lead",
        "Có 3 kết quả xét nghiệm dương tính được ghi nhận trong ngày.",
    ),
    Furniture(
        "vietgiaitri",
        "Video đang HOT",
        "end",
        "Video đang hot trên mạng xã hội ghi lại cảnh cứu hộ chú chó mắc kẹt.",
    ),
    Furniture("vietgiaitri", "Volume 0%", "end", "Volume giao dịch tăng 20% so với phiên trước."),
    Furniture(
        "danviet",
        "Vui lòng đăng nhập hoặc đăng ký để gửi bình luận",
        "end",
        "Vui lòng đăng nhập hoặc đăng ký để gửi bình luận là dòng chữ quen thuộc trên các trang.",
    ),
    # timestamps
    Furniture(
        "vtc",
        "Thứ hai , 25/09/2017 06:56 AM GMT+7",
        "lead",
        "Thứ hai tuần này, giá xăng tăng 500 đồng mỗi lít.",
        flat_lead=True,
    ),
    Furniture(
        "cafef",
        "15-08-2026 - 01:01 AM",
        "lead",
        "Phiên 15-08-2026 ghi nhận thanh khoản cao nhất trong tháng.",
        flat_lead=True,
    ),
    Furniture(
        "qdnd",
        "10 tháng 6 năm 2019",
        "lead",
        "15 tháng 3 năm 2020, Bộ Y tế công bố ca nhiễm thứ 60.",
        flat_lead=True,
    ),
    Furniture(
        "baodautu",
        "Thứ Bảy, Ngày 04 tháng 05 năm 2024,",
        "lead",
        "Thứ Bảy, ngày 4 tháng 5 năm 2024, Hà Nội đón hơn 100.000 lượt khách.",
        flat_lead=True,
    ),
    Furniture(
        "congluan",
        "Thứ sáu, 03/01/2020 12:01 PM - 0 Trả lời",
        "lead",
        "Thứ sáu, 03/01/2020 là ngày cuối cùng nhận hồ sơ.",
        flat_lead=True,
    ),
    Furniture(
        "baochinhphu",
        "Sat Aug 15 2026 06:54:00 GMT+0700 (Indochina Time)",
        "lead",
        "Hệ thống ghi nhận lỗi lúc 06:54:00 GMT+0700 trên máy chủ chính.",
        flat_lead=True,
    ),
    Furniture(
        "vnanet",
        "(09/10/2015 15:34:31)",
        "lead",
        "Biên bản lập lúc (09/10/2015 15:34:31) đã được gửi cho các bên.",
        flat_lead=True,
    ),
    Furniture(
        "nguoiquansat",
        "14/08/2026 - 21:20",
        "lead",
        "Từ 14/08/2026 - 21:20 hệ thống sẽ tạm dừng để bảo trì.",
        flat_lead=True,
    ),
    # sign-offs
    Furniture(
        "kenh14", "Minh Anh Theo Trí thức trẻ", "end", "Theo tôi, đây là quyết định đúng đắn."
    ),
    Furniture(
        "kenh14", "SA, THEO TRÍ THỨC TRẺ", "end", "Theo Bộ trưởng, giá điện sẽ không tăng quý này."
    ),
    Furniture(
        "kenh14",
        "MIDORI, THEO TRÍ THỨC TRẺ 23:55 11/06/2019",
        "end",
        "Theo Lan thì mọi chuyện đã ổn.",
    ),
    Furniture(
        "genk",
        "Sầu Thiên Thu - Theo Trí Thức Trẻ | 13/01/2022 02:24 PM",
        "end",
        "Theo Luật Đầu tư năm 2020, nhà đầu tư được hưởng ưu đãi.",
    ),
    Furniture(
        "genk",
        "Theo Trí Thức Trẻ Copy link",
        "end",
        "Theo thông lệ, người đọc copy link bài viết để chia sẻ.",
    ),
    Furniture(
        "cafef",
        "Theo Nhịp sống thị trường · Copy link · Link bài gốc",
        "end",
        "Theo nhịp sống thị trường, giá vàng tăng mạnh vào cuối năm.",
    ),
    Furniture(
        "afamily",
        "(Theo Afamily)",
        "end",
        "Mức phạt tối đa là 5 triệu đồng (theo quy định tại Điều 5).",
    ),
    Furniture(
        "nguoiquansat",
        "Theo Kiến thức Đầu tư",
        "end",
        "Theo kiến thức của các chuyên gia, đầu tư dài hạn ít rủi ro hơn.",
    ),
    Furniture(
        "bnews",
        "Văn Giáp/Bnews/vnanet.vn",
        "end",
        "Bản tin của Bnews được đăng lại trên vnanet.vn mỗi ngày.",
    ),
    # site footers (eva.vn and afamily.vn page sources kept in a public crawl)
    Furniture(
        "eva",
        "Giới thiệu|Góp ý|Đầu trang|LIÊN HỆ QUẢNG CÁO",
        "end",
        "Phần giới thiệu và góp ý của độc giả được đăng ở đầu trang báo.",
    ),
    Furniture(
        "eva",
        "Giấy phép số: 351/GP-TTĐT ngày cấp 5/2/2015.",
        "end",
        "Giấy phép số 12 của doanh nghiệp đã hết hạn từ năm ngoái.",
    ),
    Furniture(
        "eva",
        "Chịu trách nhiệm trang tin: Nguyễn Thị Hồng Yến",
        "end",
        "Chịu trách nhiệm trang tin là việc của người đứng đầu cơ quan báo chí.",
    ),
    Furniture(
        "eva",
        "Cơ quan chủ quản: Công ty Cổ phần Quảng cáo Trực tuyến 24H.",
        "end",
        "Cơ quan chủ quản của dự án là Bộ Giao thông Vận tải.",
    ),
    Furniture(
        "eva",
        "Tel: (84-24) 73 00 24 24 hoặc (84-24) 3512 1806 - Fax: (84-24) 3512 1804.",
        "end",
        "Tel Aviv đã ghi nhận thêm hai vụ nổ trong đêm qua.",
    ),
    Furniture(
        "afamily",
        "Chịu trách nhiệm quản lý nội dung: Bà Nguyễn Bích Minh.",
        "end",
        "Chịu trách nhiệm quản lý nội dung là nhiệm vụ của ban biên tập mỗi tòa soạn.",
    ),
    Furniture(
        "afamily",
        "Giấy phép số 1083/GP-STTTT do Sở Thông tin và Truyền thông Hà Nội cấp ngày 16 tháng 4 "
        "năm 2014",
        "end",
        "Giấy phép xây dựng số 1083 được Sở Xây dựng cấp từ tháng 4.",
    ),
    Furniture(
        "afamily",
        "Email: contact@afamily.vn | Điện thoại: 024.73077979, máy lẻ 62367",
        "end",
        "Điện thoại của đường dây nóng là 024.73077979 và luôn có người trực.",
    ),
    Furniture(
        "afamily", "Ban biên tập aFamily:", "end", "Ban biên tập đã nhận được hơn 200 bài dự thi."
    ),
    Furniture(
        "vnexpress",
        "Tổng biên tập: Phạm Văn Hiếu",
        "end",
        "Tổng biên tập: Tôi nghĩ tòa soạn cần thay đổi cách làm tin.",
    ),
    # calls to action and notices
    Furniture(
        "cafef",
        "Lưu ý dữ liệu chỉ tham khảo.",
        "end",
        "Lưu ý dữ liệu chỉ được cập nhật đến hết tháng 6 nên có thể chưa đầy đủ.",
    ),
    Furniture(
        "danviet",
        "Mọi hình thức sao chép lại thông tin, hình ảnh phải được sự đồng ý bằng văn bản .",
        "end",
        "Mọi hình thức sao chép trái phép đều bị xử lý theo quy định.",
    ),
    Furniture(
        "soha",
        "Vui lòng liên hệ theo thông tin sau:",
        "end",
        "Vui lòng liên hệ theo số điện thoại của phường để được hỗ trợ.",
    ),
    Furniture(
        "vnexpress",
        ">> Các ý kiến không nhất thiết trùng với quan điểm VnExpress.net. Gửi bài tại đây.",
        "end",
        "Các ý kiến không nhất thiết phải giống nhau, miễn là có lý lẽ thuyết phục.",
    ),
    Furniture(
        "vnexpress",
        "Độc giả quan tâm có thể gửi câu hỏi tới các diễn giả tại đây",
        "end",
        "Độc giả quan tâm có thể gửi câu hỏi cho bác sĩ trong buổi tư vấn trực tuyến.",
    ),
    Furniture(
        "baomoi",
        "Mời nghe đọc bản tin:",
        "lead",
        "Mời nghe đọc thơ là tiết mục được khán giả nhỏ tuổi yêu thích.",
    ),
    Furniture(
        "vietnamnet",
        "Bạn có góc nhìn (hoặc có trải nghiệm) nào về vấn đề trên? Hãy để lại bình luận bên dưới.",
        "end",
        "Bạn có nghĩ đến chuyện đổi nghề không? Anh lắc đầu rồi cười.",
    ),
    # keyword lists, section names and widgets under the article (sets b, d, e
    # of benchmarks/boilerplate_eval)
    Furniture(
        "baomoi",
        "Bạch tuộc,Cảnh sát môi trường,Hải Dương,Lưu giữ,Cần Giờ,Vi phạm hành chính",
        "end",
        "Bạch tuộc, mực và tôm là những mặt hàng xuất khẩu chủ lực của tỉnh.",
    ),
    Furniture("baomoi", "Pháp luật", "end", "Pháp luật nghiêm cấm hành vi này."),
    Furniture(
        "plo",
        "#anh hùng liệt sĩ #Thành ủy TP.HCM #tưởng niệm",
        "end",
        "Hashtag #tôiyêuHàNội được chia sẻ hàng nghìn lần chỉ sau một đêm.",
    ),
    Furniture(
        "plo",
        "Góp ý bài viết",
        "end",
        "Góp ý bài viết của học sinh, cô giáo ghi lời phê bằng mực đỏ.",
    ),
    Furniture("plo", "0:00 / 0:00", "lead", "Trận đấu kết thúc với tỉ số 0:0 sau 90 phút."),
    Furniture(
        "kenh14",
        "Chia sẻ Copy linkĐã copy!",
        "end",
        "Chia sẻ bí quyết nấu ăn, chị cho biết chỉ cần nguyên liệu tươi.",
    ),
    Furniture(
        "vietnamnet",
        "XEM CLIP:",
        "end",
        "Xem clip, nhiều người không khỏi xúc động trước hành động của em.",
    ),
    # set g of benchmarks/boilerplate_eval: sources by address or in lower case, a
    # bare URL, the text-size widget, video channel descriptions, hotlines
    Furniture(
        "vietgiaitri",
        "Theo xahoi",
        "end",
        "Theo xu hướng chung, giá vàng tiếp tục tăng trong tuần.",
    ),
    Furniture(
        "nuochoauk",
        "Nguồn: https://nuochoauk.vn/",
        "end",
        "Nguồn nước sạch từ nhà máy đã được cung cấp cho 2.000 hộ dân.",
    ),
    Furniture(
        "soha",
        "https://soha.vn/cctv-nga-2-lan-yeu-cau-hdba-hop-khan-2022040511414254.htm",
        "end",
        "Trang https://soha.vn/ đăng tải bài viết này từ sáng nay.",
    ),
    Furniture(
        "baoangiang", "A A", "end", "Hạng A A+ là mức xếp hạng tín nhiệm cao của doanh nghiệp."
    ),
    Furniture(
        "nuochoauk",
        "Mọi thắc mắc về bản quyền, tài trợ, quảng cáo, cộng tác vui lòng liên hệ Email: "
        "lienhe@nuochoauk.vn",
        "end",
        "Mọi thắc mắc của người dân về bản quyền đều được cán bộ giải đáp tận tình.",
    ),
    Furniture(
        "tingame",
        "Hy vọng chúng tôi sẽ là nguồn kiến thức hữu ích mỗi ngày cho quý vị và các bạn",
        "end",
        "Hy vọng các em sẽ có thêm kiến thức hữu ích sau buổi học.",
    ),
    Furniture(
        "shopjaxvinhphuc",
        "Kênh Thời Sự 24h không sở hữu tất cả tư liệu được sử dụng trong Video này.",
        "end",
        "Kênh đào này không thuộc sở hữu của tư nhân, theo tư liệu lịch sử.",
    ),
    Furniture(
        "tuvanannam",
        "HOT-LINE tư vấn Tâm lý – Tình yêu – Hôn nhân gia đình trực tuyến: 24/7: 0904030103",
        "end",
        "Đường dây nóng của Sở đã tiếp nhận hơn 200 cuộc gọi trong ngày.",
    ),
    # blogs, shops and forums on WordPress and the themes that copy its strings
    Furniture(
        "wordpress",
        "Để lại một bình luận Hủy trả lời",
        "end",
        "Khách hàng có thể để lại bình luận về chất lượng dịch vụ trên trang của hãng.",
    ),
    Furniture(
        "wordpress",
        "Email của bạn sẽ không được hiển thị công khai. Các trường bắt buộc được đánh dấu *",
        "end",
        "Email của bạn sẽ được bảo mật theo quy định của pháp luật về dữ liệu cá nhân.",
    ),
    Furniture(
        "wordpress",
        "Lưu tên của tôi, email, và trang web trong trình duyệt này cho lần bình luận kế tiếp "
        "của tôi.",
        "end",
        "Lưu tên của tôi vào danh sách, cô giáo dặn cả lớp trước giờ ra chơi.",
    ),
    Furniture(
        "wordpress",
        "5/5 - (3 bình chọn)",
        "end",
        "Khách sạn được chấm 5/5 điểm sau 3 lần bình chọn của độc giả.",
    ),
    Furniture(
        "wordpress",
        "Đăng bởi: Admin",
        "end",
        "Bài thơ được đăng bởi một tờ báo địa phương từ năm 1975.",
    ),
    Furniture(
        "wordpress",
        "Tác giả: Minh Anh",
        "end",
        "Tác giả Minh Anh đã dành ba năm để viết cuốn tiểu thuyết này.",
    ),
    Furniture(
        "wordpress",
        "#dulich #hagiang #phuot",
        "end",
        "Số hiệu chuyến bay #VN123 đã được hãng thông báo thay đổi.",
    ),
    Furniture(
        "wordpress",
        "Bài viết mới nhất",
        "end",
        "Bài viết mới nhất của tác giả đã được đăng trên tạp chí tuần này.",
    ),
    Furniture(
        "wordpress",
        "Du lịch » Miền Bắc » Hà Giang",
        "lead",
        "Du lịch miền Bắc hút khách nhờ mùa hoa tam giác mạch.",
    ),
)

#: Known site tags that open the lead; the article's first sentence follows.
AGENCY_TAGS = (
    ("hanoimoi", "(HNM) - "),
    ("dangcongsan", "(ĐCSVN) - "),
    ("vtc", "(VTC News) - "),
    ("plo", "(PLO)- "),
    ("nhandan", "ND - "),
    ("kinhtedothi", "Kinhtedothi - "),
)


def _ids(vector: Furniture) -> str:
    return f"{vector.site}:{vector.text[:30]}"


def _with_furniture(vector: Furniture) -> list[str]:
    if vector.place == "lead":
        return [vector.text, *ARTICLE]
    return [*ARTICLE, vector.text]


@pytest.mark.parametrize("vector", VECTORS, ids=_ids)
def test_furniture_line_is_removed_and_the_article_kept(vector: Furniture) -> None:
    out, removals = strip_boilerplate_and_explain("\n".join(_with_furniture(vector)))
    assert out == "\n".join(ARTICLE)
    assert removals


@pytest.mark.parametrize("vector", VECTORS, ids=_ids)
def test_furniture_is_cut_from_a_flattened_page(vector: Furniture) -> None:
    lead = vector.place == "lead" and vector.flat_lead
    parts = [vector.text, *ARTICLE] if lead else [*ARTICLE, vector.text]
    assert strip_boilerplate(" ".join(parts)) == " ".join(ARTICLE)


@pytest.mark.parametrize("vector", VECTORS, ids=_ids)
def test_prose_with_the_same_words_is_kept(vector: Furniture) -> None:
    for lines in ([vector.false_friend, *ARTICLE], [*ARTICLE, vector.false_friend]):
        for text in ("\n".join(lines), " ".join(lines)):
            assert strip_boilerplate(text) == text


@pytest.mark.parametrize(("site", "tag"), AGENCY_TAGS)
def test_known_site_tag_is_cut_even_before_a_place_name(site: str, tag: str) -> None:
    # "Hà Nội đón ..." would make an unknown tag look like one side of a pair.
    lead = "Hà Nội đón hơn 2 triệu lượt khách trong dịp nghỉ lễ vừa qua."
    for text in (tag + lead + "\n" + ARTICLE[2], tag + lead + " " + ARTICLE[2]):
        out = strip_boilerplate(text)
        assert out.startswith("Hà Nội đón"), site


def test_site_initials_without_a_dash_are_prose() -> None:
    text = "ND là chữ viết tắt thường gặp trong văn bản hành chính.\n" + ARTICLE[2]
    assert strip_boilerplate(text) == text


#: The sites vi.txt is expected to cover, as their comments name them (issue 15
#: lists the first thirty).
SITES = (
    "vnexpress", "dantri", "tuoitre", "thanhnien", "vietnamnet", "znews", "vov", "vtv",
    "nld", "plo", "laodong", "tienphong", "cafef", "cafebiz", "kenh14", "24h", "soha",
    "baomoi", "vietnamplus", "sggp", "hanoimoi", "qdnd", "nhandan", "baochinhphu", "genk",
    "vtc", "tinhte", "afamily", "ngoisao", "eva", "dangcongsan", "danviet", "vietgiaitri",
    "baodautu", "congluan", "vnanet", "bnews", "nguoiquansat", "vneconomy", "kinhtedothi",
    "giaoducthoidai", "anninhthudo", "infonet", "baophapluat", "antv", "baonghean",
    "thethaovanhoa", "nuochoauk", "tingame", "shopjaxvinhphuc", "tuvanannam", "baoangiang",
    "wordpress",
)  # fmt: skip
#: Issue 15 asks for the furniture of at least this many sites.
MIN_SITES = 30


def _sites_named_in_comments() -> set[str]:
    text = resources.files("cleaner").joinpath("data/boilerplate/vi.txt").read_text("utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#")).lower()
    return {
        site for site in SITES if regex.search(rf"(?<![\w.]){regex.escape(site)}(?!\w)", comments)
    }


def test_vocabulary_names_at_least_thirty_sites() -> None:
    named = _sites_named_in_comments()
    assert len(named) >= MIN_SITES, sorted(set(SITES) - named)


def test_every_vector_site_is_named_in_the_vocabulary() -> None:
    named = _sites_named_in_comments()
    assert {vector.site for vector in VECTORS} - named == set()
    assert {site for site, _ in AGENCY_TAGS} - named == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "Email không đúng định dạng sẽ bị hệ thống từ chối ngay khi gửi.",
        "Điện thoại thông minh ngày càng rẻ nên học sinh nào cũng có một chiếc.",
        "Website của trường sẽ công bố điểm chuẩn vào tối nay.",
    ],
)
def test_last_sentence_opening_like_a_contact_line_is_kept(sentence: str) -> None:
    # The advertorial footer ("Hotline: 1800 6868", "Email: info@...") needs its colon.
    for text in ("\n".join([*ARTICLE, sentence]), " ".join([*ARTICLE, sentence])):
        assert strip_boilerplate(text) == text


def test_advertorial_contact_lines_still_close_the_page() -> None:
    footer = ["Hotline: 1800 6868", "Email: lienhe@congty.vn", "Hotline 1800.6868"]
    assert strip_boilerplate("\n".join([*ARTICLE, *footer])) == "\n".join(ARTICLE)
