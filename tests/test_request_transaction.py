"""One transaction per request, through HTTP: a request that succeeded commits once, before its answer is
made; one that failed (an error, a form shown again, a refusal flashed on a redirect) leaves nothing; and a
commit that fails is answered as a failure (409 or 500), leaving no row, file, index entry, mail or login."""

import io
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask import has_request_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, text

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEntry
from marketplace.catalog.models import Product
from marketplace.extensions import db, mail
from marketplace.media.models import Image as ImageRow
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.search.models import SearchOutbox
from tests.conftest import jpeg_bytes, login, media_files, token_for
from tests.shopping import ADDRESS, assert_problem, count, make_admin, stock_of

SUCCESS = "Đã lưu"
CONFLICT = "dữ liệu vừa được thay đổi ở nơi khác"


@contextmanager
def commit_fails(app, how: str, taken_phone: str = "+84912000901"):
    """The next request's commit fails: a row that breaks a unique constraint joins it (a rival request wrote
    the same phone first), or the database refuses a statement (any other database error)."""
    armed = [True]

    def before_commit(session) -> None:
        if armed[0] and has_request_context() and not session.in_nested_transaction():
            armed[0] = False
            if how == "integrity":
                session.add(User(name="Bản sao", phone=taken_phone, password_hash="x"))
            else:
                session.execute(text("SELECT no_such_column FROM no_such_table"))

    event.listen(Session, "before_commit", before_commit)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", before_commit)
    assert not armed[0], "the request reached its commit"


@contextmanager
def commits_counted(app):
    counted = []
    with app.app_context():
        engine = db.engine
    listener = lambda connection: counted.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        yield counted
    finally:
        event.remove(engine, "commit", listener)


@pytest.fixture
def market(app, factory):
    """An admin, whose phone commit_fails takes again, and a seller with one product."""
    seller = factory.user(name="Lê Thị Bán", phone="0912000902", email="ban@example.vn")
    shop = factory.shop(seller, name="Khô cá Sông Đốc")
    product = factory.product(seller, shop, title="Khô cá lóc đồng",
                              variants=[{"name": "500 g", "price_vnd": 180_000, "stock": 8}])
    admin = factory.user(name="Trần Quản Trị", phone="0912000901")
    make_admin(app, admin)
    return SimpleNamespace(admin=admin, seller=seller, shop=shop, product=product)


def _edit_form(product, **changes) -> dict:
    return {"title": "Khô cá lóc đồng", "category_id": "2", "unit": "kg", "description": "", "status": "active",
            "variants-0-id": str(product.variant_ids[0]), "variants-0-name": "500 g",
            "variants-0-price_vnd": "180.000", "variants-0-stock": "8", **changes}


def _titles_found(client, query: str) -> list[str]:
    return [r["title"] for r in client.get("/api/v1/search", query_string={"q": query}).json["results"]]


def test_a_decision_commits_once_and_a_refused_one_leaves_nothing(app, client, market, factory):
    helper = factory.user(name="Tổ công nghệ số", phone="0912000903")
    login(client, market.admin)
    with commits_counted(app) as commits:
        response = client.post(f"/admin/users/{helper.id}/admin", data={"make": "1"})
    assert response.status_code == 302 and len(commits) == 1
    assert count(app, AuditEntry) == 1

    again = client.post(f"/admin/users/{helper.id}/admin", data={"make": "1"}, follow_redirects=True)
    assert "đã là quản trị viên" in again.get_data(as_text=True), "the refusal is flashed on the redirect"
    assert count(app, AuditEntry) == 1


def test_a_page_whose_commit_meets_a_rival_row_answers_409_and_keeps_no_photo_nor_change(
        app, client, market):
    product = market.product
    login(client, market.seller)
    with commit_fails(app, "integrity"):
        response = client.post(f"/seller/products/{product.id}/edit", data={
            **_edit_form(product, title="Khô cá lóc đồng loại đặc biệt"),
            "photos": (io.BytesIO(jpeg_bytes()), "ca.jpg")})

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and CONFLICT in page
    assert SUCCESS not in page
    assert SUCCESS not in client.get("/seller/").get_data(as_text=True), "no success flashed for later either"
    assert count(app, Product, Product.title == "Khô cá lóc đồng loại đặc biệt") == 0
    assert count(app, ImageRow) == 0 and media_files() == [], "the photo's files went with the rollback"
    assert count(app, SearchOutbox) == 0 and _titles_found(client, "đặc biệt") == []
    assert count(app, User, User.name == "Bản sao") == 0


def test_the_same_page_saved_again_without_a_rival_commits(app, client, market):
    product = market.product
    login(client, market.seller)
    response = client.post(f"/seller/products/{product.id}/edit", data={
        **_edit_form(product, title="Khô cá lóc đồng loại đặc biệt"), "photos": (io.BytesIO(jpeg_bytes()), "ca.jpg")})
    assert response.status_code == 302
    assert count(app, ImageRow) == 1 and media_files()
    assert _titles_found(client, "đặc biệt") == ["Khô cá lóc đồng loại đặc biệt"]


def test_a_checkout_whose_commit_fails_answers_409_problem_json_and_leaves_no_order_nor_mail(
        app, client, market):
    product = market.product
    added = client.post("/api/v1/cart/items", json={"variant_id": product.variant_ids[0], "quantity": 8})
    headers = {"X-Cart-Token": added.json["token"]}
    with commit_fails(app, "integrity"), mail.record_messages() as outbox:
        response = client.post("/api/v1/checkout", headers=headers,
                               json={"address": ADDRESS, "payment_method": "cod", "note": ""})

    assert_problem(response, 409)
    assert CONFLICT in response.json["detail"]
    assert outbox == [] and count(app, Notification) == 0
    assert count(app, Order) == 0 and stock_of(app, product.variant_ids[0]) == 8
    assert count(app, SearchOutbox) == 0, "the sold-out product's index entry was not queued"
    assert len(client.get("/api/v1/cart", headers=headers).json["groups"]) == 1, "the cart is as it was"


def test_a_commit_the_database_refuses_is_a_500_problem_and_keeps_no_decision(app, client, market):
    shop = market.shop
    headers = token_for(client, market.admin)
    with commit_fails(app, "error"), mail.record_messages() as outbox:
        response = client.post(f"/api/v1/admin/shops/{shop.id}/hide", headers=headers,
                               json={"reason": "Bán hàng giả, không rõ nguồn gốc"})
    assert_problem(response, 500)
    assert count(app, AuditEntry) == 0 and count(app, Notification) == 0 and outbox == []
    assert client.get(f"/shops/{shop.slug}").status_code == 200, "the shop is still shown"


def test_a_commit_the_database_refuses_is_a_500_page_without_the_success_flash(app, client, market, factory):
    helper = factory.user(name="Tổ công nghệ số", phone="0912000903")
    login(client, market.admin)
    with commit_fails(app, "error"):
        response = client.post(f"/admin/users/{helper.id}/admin", data={"make": "1"})
    done = "Tổ công nghệ số giờ là quản trị viên."
    assert response.status_code == 500 and "Có lỗi xảy ra ở máy chủ" in response.get_data(as_text=True)
    assert done not in response.get_data(as_text=True) + client.get("/admin/users").get_data(as_text=True)
    assert count(app, AuditEntry) == 0 and count(app, User, User.is_admin.is_(True)) == 1


def test_a_registration_whose_commit_fails_signs_nobody_in(app, client, market):
    with commit_fails(app, "integrity"):
        response = client.post("/account/register", data={"name": "Chị Hoa", "login": "0912000999",
                                                           "password": "matkhau123"})
    assert response.status_code == 409 and "Chào mừng" not in response.get_data(as_text=True)
    assert count(app, User, User.phone == "+84912000999") == 0
    assert client.get("/account/password").status_code == 302, "the session cookie signs nobody in"
