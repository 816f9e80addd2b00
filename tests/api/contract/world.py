"""A small marketplace built through the API, for the contract tests: one seller's shop with two products
(the first with two variants, a batch with a step; the second with a pending OCOP claim), orders placed to
it by an admin who also shops, and a cart for each caller. The generated requests get these real ids
mixed in, so they reach the code behind authentication and lookups instead of stopping at 404.
"""

import io
from dataclasses import dataclass, field

from marketplace.utils import vietnam_today
from tests.conftest import png_bytes, token_for
from tests.shopping import ADDRESS, make_admin

BANK = {"bank_bin": "970436", "bank_account_number": "1012345678", "bank_account_name": "NGUYEN VAN TU"}


@dataclass
class Caller:
    user_id: int
    headers: dict
    order_ids: list[int] = field(default_factory=list)  # orders this caller may act on, as seller or buyer


@dataclass
class World:
    shop_id: int
    slug: str
    product_ids: list[int]
    variant_ids: dict[int, list[int]]
    batch_id: int
    step_id: int
    claim_id: int
    claim_product_id: int
    callers: dict[str, Caller]

    def ids(self) -> dict:
        """Path parameter name -> the real ids, for mixing into generated requests."""
        orders = {i for caller in self.callers.values() for i in caller.order_ids}
        return {"product_id": self.product_ids, "shop_id": [self.shop_id], "slug": [self.slug],
                "batch_id": [self.batch_id], "step_id": [self.step_id], "claim_id": [self.claim_id],
                "order_id": sorted(orders), "variant_id": [v for vs in self.variant_ids.values() for v in vs]}


def _ok(response, status=(200, 201)):
    assert response.status_code in status, (response.status_code, response.get_data(as_text=True)[:500])
    return response.json


def _checkout(client, headers, variant_id: int, quantity: int = 1) -> int:
    _ok(client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_id, "quantity": quantity}))
    placed = _ok(client.post("/api/v1/checkout", headers=headers, json={"address": ADDRESS, "payment_method": "cod"}))
    return placed["orders"][0]["id"]


def build_world(app, client, factory) -> World:
    seller = factory.user(name="Lê Văn Tú", phone="0912000111")
    admin = factory.user(name="Phạm Thị Quản", phone="0912000222")
    make_admin(app, admin)
    shop = factory.shop(seller, name="Mật ong U Minh")
    first = factory.product(seller, shop, title="Mật ong hoa tràm", variants=[
        {"name": "500 ml", "price_vnd": 150_000, "stock": 50}, {"name": "1 lít", "price_vnd": 280_000, "stock": 1000}])
    second = factory.product(seller, shop, title="Khô cá lóc", variants=[
        {"name": "500 g", "price_vnd": 200_000, "stock": 50}])
    callers = {"seller": Caller(seller.id, token_for(client, seller)),
               "admin": Caller(admin.id, token_for(client, admin))}
    sells, buys = callers["seller"].headers, callers["admin"].headers
    _ok(client.patch(f"/api/v1/shops/{shop.slug}", headers=sells, json=BANK))

    confirmed = _checkout(client, buys, first.variant_ids[0])
    _ok(client.post(f"/api/v1/seller/orders/{confirmed}/confirm", headers=sells))
    placed = _checkout(client, buys, first.variant_ids[0])
    callers["seller"].order_ids = [confirmed, placed]
    callers["admin"].order_ids = [placed, confirmed]
    # Each caller's cart holds a line, so cart and checkout operations have something to work on.
    _ok(client.post("/api/v1/cart/items", headers=buys, json={"variant_id": first.variant_ids[0], "quantity": 1}))
    _ok(client.post("/api/v1/cart/items", headers=sells, json={"variant_id": second.variant_ids[0], "quantity": 1}))

    batch = _ok(client.post(f"/api/v1/products/{first.id}/batches", headers=sells, json={
        "code": "L2511-01", "production_date": vietnam_today().isoformat(),
        "steps": [{"label": "Thu hoạch", "date_from": vietnam_today().isoformat()}]}))
    claim = _ok(client.post(f"/api/v1/products/{second.id}/ocop-claims", headers=sells,
                            content_type="multipart/form-data", data={
                                "stars": "4", "decision_number": "1234/QĐ-UBND",
                                "decided_on": vietnam_today().isoformat(),
                                "certificate": (io.BytesIO(png_bytes((400, 300))), "giay.png")}))
    return World(shop_id=shop.id, slug=shop.slug, product_ids=[first.id, second.id],
                 variant_ids={first.id: first.variant_ids, second.id: second.variant_ids},
                 batch_id=batch["id"], step_id=batch["steps"][0]["id"], claim_id=claim["id"],
                 claim_product_id=second.id, callers=callers)


def spare_token(app, world: World, headers: dict) -> dict:
    """Signing out revokes the token it is sent with: it gets one of its own, so the caller's stays valid."""
    from marketplace.accounts.models import User
    from marketplace.accounts.services import issue_token
    from marketplace.extensions import db

    user_id = next(caller.user_id for caller in world.callers.values() if caller.headers == headers)
    with app.app_context():
        token, _ = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}
