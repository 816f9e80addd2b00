"""A year of past orders for the demo, so the admins' figures page has months and provinces to show.

They are history, written as the order services leave finished orders (checkout, order, lines, the
timeline of events), not replayed through the cart: replaying would take the demo's stock, fill the
sellers' bells with year-old notices, and take much longer. Picks are seeded, so every `make run`
shows the same figures for the same day.
"""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..catalog.models import Product
from ..extensions import db
from ..orders.models import COMPLETED, DELIVERED, PAYMENT_RECEIVED, Checkout, Order, OrderEvent, OrderLine
from ..shops.locations import wards
from ..shops.models import Shop
from ..utils import utcnow, vietnam_today
from .demo_data import BUYER

RECIPIENTS = [  # (name, phone, province, street): buyers all over the country
    ("Phan Thu Trang", "+84912000099", 79, "12 Nguyễn Thị Minh Khai"),
    ("Lê Văn Hậu", "+84913456001", 1, "25 Hàng Bông"),
    ("Nguyễn Thị Mai", "+84913456002", 48, "88 Bạch Đằng"),
    ("Trần Quốc Bảo", "+84913456003", 92, "Hẻm 51 đường 3 Tháng 2"),
    ("Võ Thị Thu", "+84913456004", 96, "Ấp Kinh Hòa"),
]


def _chain(status: str, payment_method: str) -> list[str]:
    """The statuses an order went through to reach `status`."""
    start = "paid" if payment_method != "cod" else "placed"
    road = [start, "confirmed", "shipped", "delivered", "completed"]
    if status == "cancelled":
        return [start, "cancelled"]
    return road[:road.index(status) + 1]


def load_order_history(today: date | None = None, orders_per_month: tuple[int, int] = (6, 16)) -> int:
    """Orders over the last 12 months (more each month, as a new platform grows). Flushes; returns how many."""
    today = today or vietnam_today()
    rng = random.Random(6)
    products = db.session.scalars(
        select(Product).join(Shop).where(Product.status == "active")
        .options(selectinload(Product.variants), selectinload(Product.shop)).order_by(Product.id)).all()
    if not products:
        return 0
    buyer = db.session.scalar(select(User).where(User.phone == "+84" + BUYER[1][1:]))
    seller_of = {}
    made, now = 0, utcnow()
    low, high = orders_per_month
    for months_ago in range(11, -1, -1):
        first = date(today.year, today.month, 1)
        for _ in range(months_ago):
            first = (first - timedelta(days=1)).replace(day=1)
        last_day = today if months_ago == 0 else (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        count = low + (high - low) * (11 - months_ago) // 11 + rng.randint(-2, 2)
        for _ in range(max(count, 1)):
            product = rng.choice(products)
            variant = rng.choice(product.variants)
            quantity = rng.choice((1, 1, 1, 2, 2, 3))
            day = first + timedelta(days=rng.randint(0, (last_day - first).days))
            placed = min(datetime(day.year, day.month, day.day, rng.randint(1, 14), rng.randint(0, 59), tzinfo=UTC),
                         now)
            age = (today - day).days
            if age > 10:
                status = rng.choices(("completed", "delivered", "cancelled"), weights=(80, 8, 12))[0]
            else:
                status = rng.choice(("placed", "confirmed", "shipped", "delivered", "completed"))
            method = rng.choices(("cod", "vietqr"), weights=(70, 30))[0]
            if method == "vietqr" and status == "cancelled":
                method = "cod"
            if method != "cod" and status == "placed":
                status = "paid"  # a transfer the seller has confirmed, waiting to be packed
            name, phone, province, street = rng.choice(RECIPIENTS)
            ward = int(wards(province)[0].code)
            shop = product.shop
            fee = shop.shipping_fee_for(variant.price_vnd * quantity)
            subtotal = variant.price_vnd * quantity
            paid = status in (DELIVERED, COMPLETED) or (method != "cod" and status != "cancelled")
            checkout = Checkout(user_id=buyer.id if buyer and phone == buyer.phone else None, buyer_name=name,
                                buyer_phone=phone, payment_method=method, amount_vnd=subtotal + fee, created_at=placed)
            order = Order(
                code=f"CQ-D{placed:%y%m%d}{made:03d}"[:16], checkout=checkout, shop_id=shop.id, shop_name=shop.name,
                user_id=checkout.user_id, status=status, payment_method=method,
                payment_status=PAYMENT_RECEIVED if paid else "unpaid", recipient=name, phone=phone,
                province_code=province, ward_code=ward, street=street, subtotal_vnd=subtotal, shipping_fee_vnd=fee,
                total_vnd=subtotal + fee, created_at=placed, updated_at=placed,
                cancel_reason="Người mua đổi ý." if status == "cancelled" else None,
            )
            order.lines.append(OrderLine(variant_id=variant.id, product_id=product.id, product_title=product.title,
                                         variant_name=variant.name, unit=product.unit,
                                         unit_price_vnd=variant.price_vnd, quantity=quantity,
                                         line_total_vnd=subtotal))
            if shop.id not in seller_of:
                seller_of[shop.id] = shop.members[0].user_id if shop.members else None
            previous, when = None, placed
            for step in _chain(status, method):
                role = "buyer" if step in ("placed", "paid", "completed") else "seller"
                order.events.append(OrderEvent(
                    actor_id=checkout.user_id if role == "buyer" else seller_of[shop.id], actor_role=role,
                    from_status=previous, to_status=step, created_at=when,
                    note="Người mua đổi ý." if step == "cancelled" else ""))
                previous, when = step, min(when + timedelta(hours=rng.randint(3, 30)), now)
            db.session.add(checkout)
            made += 1
    db.session.flush()
    return made
