"""Demo batches: a few products carry a GTIN and lots with their area, certificates and steps,
so that `make run` shows real trace pages (/t/<code>, /01/<gtin>/10/<lot>) and label sheets.

Dates are counted back from today, so the current lots stay current and the old one stays expired.
"""

from datetime import timedelta

from sqlalchemy import select
from stdnum import ean

from ..catalog.models import Product
from ..catalog.services import update_product
from ..extensions import db
from ..traceability.services import create_batch
from ..utils import vietnam_today
from . import demo_art


def _gtin(first12: str) -> str:
    """A GTIN-13 under Vietnam's GS1 prefix 893 with its real check digit."""
    return first12 + ean.calc_check_digit(first12)


# (product title, drawing for step photos, GTIN or None, [lots]); a lot: code, days since production,
# shelf life in days, area, certificates (kind, name, number, issuer, issued days ago, valid for days
# from today: negative means it ran out, None means no end), steps (label, first and last day as days
# ago, when as text, note, with a photo?).
TRACE = [
    ("Tôm khô Đất Mũi loại 1", "shrimp", _gtin("893860100001"), [
        {"code": "TK2510-01", "age": 18, "shelf": 365,
         "area": ("Vuông tôm rừng ông Tư, ấp Mũi", "CM-NH-TS-0118", "CM-DG-0031"),
         "certs": [("vietgap", "", "VietGAP-TS-2024-0391", "Trung tâm Chứng nhận Phù hợp (Quacert)", 400, 700),
                   ("organic", "", "ORG-VN-0112", "Control Union Việt Nam", 1400, -35)],
         "steps": [("Thu hoạch tôm đất dưới tán rừng đước", 18, None, "", "Dỡ chà lúc nước ròng, tôm còn sống.", True),
                   ("Luộc và phơi nắng", 18, 16, "", "Phơi trên giàn tre, ba nắng, không phẩm màu.", True),
                   ("Lột vỏ, lựa con", 15, None, "", "Loại 1: 100–120 con/kg.", False),
                   ("Đóng gói hút chân không", 14, None, "", "Túi 250 g, 500 g và 1 kg.", False)]},
        {"code": "TK2404-02", "age": 560, "shelf": 365,
         "area": ("Vuông tôm rừng ông Tư, ấp Mũi", "CM-NH-TS-0118", "CM-DG-0031"),
         "certs": [("vietgap", "", "VietGAP-TS-2021-0107", "Quacert", 1500, 400)],
         "steps": [("Thu hoạch", 560, None, "", "", False), ("Phơi khô", 559, 557, "", "", False),
                   ("Đóng gói", 556, None, "", "", False)]},
    ]),
    ("Mật ong rừng tràm U Minh", "bottle", _gtin("893860100002"), [
        {"code": "MO-2511", "age": 9, "shelf": 730,
         "area": ("Rừng tràm ven Vườn quốc gia U Minh Hạ, tổ gác kèo số 4", "CM-UMH-GK-04", ""),
         "certs": [("other", "Chỉ dẫn địa lý Mật ong U Minh", "CDĐL-00102", "Cục Sở hữu trí tuệ", 2000, None)],
         "steps": [("Gác kèo, thu mật", 12, 10, "", "Ong khoái tự làm tổ trên kèo tràm; chỉ cắt phần mật.", True),
                   ("Lọc và hạ thuỷ phần", 9, None, "", "Độ ẩm dưới 20%, không pha đường.", False),
                   ("Vô chai", 9, None, "", "", False)]},
    ]),
    ("Gạo ST25 lúa – tôm", "rice", _gtin("893860100003"), [
        {"code": "ST25-V2", "age": 30, "shelf": 365,
         "area": ("Cánh đồng lúa – tôm Cù Lao Dung", "ST-CLD-LT-007", "ST-XX-0042"),
         "certs": [("globalgap", "", "GGN 4063061234567", "Control Union", 300, 430),
                   ("vietgap", "", "VG-TT-2025-015", "Trung tâm Khuyến nông Sóc Trăng", 200, 900)],
         "steps": [("Gieo sạ", 140, None, "", "Vụ lúa xen vụ tôm, không thuốc cỏ.", False),
                   ("Thu hoạch", 40, 38, "", "", True),
                   ("Xay xát, lau bóng", 32, None, "", "", False),
                   ("Đóng túi 5 kg", 30, None, "", "", False)]},
    ]),
    ("Khô cá dứa một nắng", "fish", None, [
        {"code": "KCD-1125", "age": 6, "shelf": 120,
         "area": ("Bến cá Sông Đốc", "", "CM-DG-0031"), "certs": [],
         "steps": [("Cá dứa cập bến", 7, None, "", "", False), ("Xẻ bướm, ướp nhạt", 7, None, "", "", False),
                   ("Phơi một nắng", 6, None, "", "", False), ("Đóng gói", None, None, "chiều cùng ngày", "", False)]},
    ]),
]


def load_trace_demo(photos: bool = True) -> int:
    """Give the products above their GTIN and lots; returns the number of lots. Flushes only."""
    today = vietnam_today()
    day = lambda n: today - timedelta(days=n) if n is not None else None  # noqa: E731
    count = 0
    for index, (title, art, gtin, lots) in enumerate(TRACE):
        product = db.session.scalar(select(Product).where(Product.title == title))
        if product is None:
            continue
        owner = product.shop.members[0].user
        if gtin:
            update_product(product, owner, {"gtin": gtin})
        for lot in lots:
            area, growing, packing = lot["area"]
            produced = day(lot["age"])
            steps = [{"label": label, "date_from": day(first), "date_to": day(last), "when_text": when, "note": note,
                      "photo": demo_art.product_photo(art, (90, 140, 80), index * 10 + n, n)
                      if photo and photos else None}
                     for n, (label, first, last, when, note, photo) in enumerate(lot["steps"])]
            create_batch(product, owner, {
                "code": lot["code"], "production_date": produced,
                "expiry_date": produced + timedelta(days=lot["shelf"]),
                "area_name": area, "growing_area_code": growing, "packing_house_code": packing,
                "province_code": product.shop.province_code, "ward_code": product.shop.ward_code,
                "certifications": [{"kind": kind, "name": name, "number": number, "issuer": issuer,
                                    "valid_from": day(since),
                                    "valid_until": today + timedelta(days=until) if until is not None else None}
                                   for kind, name, number, issuer, since, until in lot["certs"]],
                "steps": steps,
            })
            count += 1
    return count
