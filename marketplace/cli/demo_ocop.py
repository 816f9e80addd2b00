"""OCOP claims for the demo marketplace: badges to see, and a queue for the admin to work.

Approved claims go through the same services as in production (the decision is in the audit log); the
certificate scans are drawn here, so nothing is downloaded and the demo stays fast.
"""

import io
import math
from datetime import timedelta

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from ..accounts.services import create_admin
from ..catalog.models import Product
from ..extensions import db
from ..ocop import services
from ..utils import vietnam_today
from .demo_data import PASSWORD

ADMIN = ("Quản trị viên tỉnh Cà Mau", "0912000090")
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"

# (product title, stars, decision number, days since the decision, what happens to the claim)
CLAIMS = [
    ("Mật ong rừng tràm U Minh", 4, "2156/QĐ-UBND", 400, "approve"),
    ("Tôm khô Đất Mũi loại 1", 3, "1894/QĐ-UBND", 700, "approve"),
    ("Gạo ST25 lúa – tôm", 5, "1048/QĐ-TTg", 300, "approve"),
    ("Kẹo dừa sữa", 4, "987/QĐ-UBND", 1080, "approve"),  # ends within a month: `flask ocop remind`
    ("Bánh phồng tôm Sa Giang", 3, "3120/QĐ-UBND", 500, "approve"),
    ("Cua gạch Năm Căn", 4, "455/QĐ-UBND", 90, "pending"),
    ("Trà tim sen", 3, "77/QĐ-UBND", 60, "pending"),
    ("Đường thốt nốt nguyên chất", 4, "612/QĐ-UBND", 200, "reject"),
]
REJECTION = "Ảnh giấy chứng nhận bị mờ, không đọc được số quyết định. Vui lòng chụp lại rõ hơn."


def _font(size: int, bold: bool = False):
    try:
        return ImageFont.truetype(FONT_DIR + ("DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"), size)
    except OSError:  # no DejaVu on this machine: Pillow's own font (fewer Vietnamese marks, still readable)
        return ImageFont.load_default(size)


def _star(draw, cx: float, cy: float, radius: float, fill) -> None:
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.42
        angle = math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def certificate_art(title: str, stars: int, number: str, decided_on) -> bytes:
    """A plain A4-shaped certificate: who recognised what, how many stars, by which decision."""
    width, height = 900, 1270
    image = Image.new("RGB", (width, height), (253, 250, 240))
    draw = ImageDraw.Draw(image)
    red, gold = (170, 30, 30), (200, 150, 30)
    draw.rectangle((24, 24, width - 24, height - 24), outline=gold, width=10)
    draw.rectangle((44, 44, width - 44, height - 44), outline=red, width=3)

    def centred(y, text, size, fill=(40, 40, 40), bold=False):
        font = _font(size, bold)
        draw.text((width / 2, y), text, font=font, fill=fill, anchor="mm")

    level = "THỦ TƯỚNG CHÍNH PHỦ" if stars == 5 else "ỦY BAN NHÂN DÂN TỈNH"
    centred(120, level, 30, bold=True)
    centred(170, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 24)
    centred(320, "GIẤY CHỨNG NHẬN", 56, red, bold=True)
    centred(390, "SẢN PHẨM OCOP", 44, red, bold=True)
    centred(520, title, 40, bold=True)
    for index in range(stars):  # drawn, not typed: not every font has the star sign
        _star(draw, width / 2 + (index - (stars - 1) / 2) * 120, 640, 52, gold)
    centred(760, f"Đạt hạng {stars} sao", 36)
    centred(880, f"Quyết định số {number}", 28)
    centred(930, f"ngày {decided_on.strftime('%d/%m/%Y')}", 28)
    seal_x, seal_y = width - 220, height - 230
    draw.ellipse((seal_x - 100, seal_y - 100, seal_x + 100, seal_y + 100), outline=red, width=6)
    _star(draw, seal_x, seal_y - 30, 30, red)
    draw.text((seal_x, seal_y + 40), "ĐÃ KÝ", font=_font(28, True), fill=red, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def load_demo_claims(owners: dict[int, object]) -> dict[str, int]:
    """Claims on some demo products; `owners` maps a shop id to its owner. Flushes; the caller commits."""
    admin = create_admin(ADMIN[1], PASSWORD, ADMIN[0])
    titles = [title for title, *_ in CLAIMS]
    products = {p.title: p for p in db.session.scalars(select(Product).where(Product.title.in_(titles)))}
    counts = {"approve": 0, "pending": 0, "reject": 0}
    today = vietnam_today()
    for title, stars, number, days_ago, outcome in CLAIMS:
        product = products[title]
        decided_on = today - timedelta(days=days_ago)
        claim = services.submit_claim(
            product, owners[product.shop_id],
            {"stars": stars, "decision_number": number, "decided_on": decided_on},
            certificate_art(title, stars, number, decided_on))
        if outcome == "approve":
            services.approve(claim, admin)
        elif outcome == "reject":
            services.reject(claim, admin, REJECTION)
        counts[outcome] += 1
    return counts
