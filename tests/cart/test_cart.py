"""The cart through the API (guest and signed in) and its services: quantities, stock, shops, changes."""

import pytest

from marketplace.cart.models import Cart, CartItem
from tests.conftest import PASSWORD, login, token_for
from tests.shopping import assert_problem, count, set_product_status, set_variant, stock_of


@pytest.fixture
def seller(factory):
    return factory.user(name="Chủ gian hàng", phone="0912000201")


@pytest.fixture
def shop(factory, seller):
    return factory.shop(seller, name="Tôm khô Năm Căn", shipping_fee_vnd=30_000)


@pytest.fixture
def product(factory, seller, shop):
    return factory.product(seller, shop, title="Tôm khô loại 1",
                           variants=[{"name": "500 g", "price_vnd": 450_000, "stock": 5}])


def guest_add(client, variant_id, quantity, token=None, **extra):
    headers = {"X-Cart-Token": token} if token else {}
    return client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": quantity, **extra},
                       headers=headers)


def test_a_guest_fills_a_cart_with_a_token_and_changes_it(client, product):
    variant_id = product.variant_ids[0]
    first = guest_add(client, variant_id, 2)
    assert first.status_code == 201, first.json
    token = first.json["token"]
    assert token and first.json["amount_vnd"] == 2 * 450_000 + 30_000

    again = guest_add(client, variant_id, 1, token)
    assert again.status_code == 201 and again.json["token"] is None
    (group,) = again.json["groups"]
    (item,) = group["items"]
    assert item["quantity"] == 3 and item["unit_price_vnd"] == item["price_seen_vnd"] == 450_000
    assert group["subtotal_vnd"] == 1_350_000 and group["shipping_fee_vnd"] == 30_000

    patched = client.patch(f"/api/v1/cart/items/{item['id']}", json={"quantity": 1}, headers={"X-Cart-Token": token})
    assert patched.status_code == 200 and patched.json["item_count"] == 1
    deleted = client.delete(f"/api/v1/cart/items/{item['id']}", headers={"X-Cart-Token": token})
    assert deleted.status_code == 200 and deleted.json["groups"] == [] and deleted.json["amount_vnd"] == 0
    assert client.get("/api/v1/cart").json["groups"] == [], "no token: an empty cart, not someone else's"


@pytest.mark.parametrize("quantity", [0, -1, 10**12, "abc", "3", 1.5, None, True])
def test_a_bad_quantity_is_refused_and_changes_nothing(app, client, product, quantity):
    variant_id = product.variant_ids[0]
    token = guest_add(client, variant_id, 1).json["token"]
    before = client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json

    body = assert_problem(guest_add(client, variant_id, quantity, token), 422, "quantity")
    assert body["errors"]["quantity"]
    (item,) = before["groups"][0]["items"]
    patched = client.patch(f"/api/v1/cart/items/{item['id']}", json={"quantity": quantity},
                           headers={"X-Cart-Token": token})
    assert_problem(patched, 422, "quantity")

    assert client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json == before
    assert stock_of(app, variant_id) == 5


def test_more_than_the_stock_is_refused_with_what_is_left(app, client, product):
    variant_id = product.variant_ids[0]
    token = guest_add(client, variant_id, 4).json["token"]
    # 409: a well-formed request the shelf refuses (the document cannot know the stock)
    body = assert_problem(guest_add(client, variant_id, 2, token), 409, "quantity")
    assert "Chỉ còn 5" in body["detail"]
    assert client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["item_count"] == 4


def test_adding_past_the_most_a_line_holds_is_a_conflict_with_the_cart(app, client, factory, seller, shop):
    """999 of a kind is a valid request; with 998 already in the cart it is the cart that refuses it (409)."""
    many = factory.product(seller, shop, title="Muối hột Bạc Liêu",
                           variants=[{"name": "1 kg", "price_vnd": 10_000, "stock": 5000}])
    variant_id = many.variant_ids[0]
    token = guest_add(client, variant_id, 998).json["token"]
    body = assert_problem(guest_add(client, variant_id, 2, token), 409, "quantity")
    assert "đã có 998" in body["detail"] and "999" in body["detail"]
    assert client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["item_count"] == 998
    assert guest_add(client, variant_id, 1, token).status_code == 201, "up to 999 is still taken"


def test_a_full_cart_refuses_a_new_line_as_a_conflict(app, client, factory, seller, shop, monkeypatch):
    monkeypatch.setattr("marketplace.cart.services.MAX_LINES", 2)
    products = [factory.product(seller, shop, title=f"Khô cá {n}") for n in range(3)]
    token = guest_add(client, products[0].variant_ids[0], 1).json["token"]
    guest_add(client, products[1].variant_ids[0], 1, token)
    body = assert_problem(guest_add(client, products[2].variant_ids[0], 1, token), 409, "variant_id")
    assert "tối đa 2 món" in body["detail"]
    assert client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["item_count"] == 2


def test_a_hidden_product_or_unknown_variant_cannot_be_added(app, client, seller, product):
    set_product_status(app, seller, product.id, "hidden")
    body = assert_problem(guest_add(client, product.variant_ids[0], 1), 422, "variant_id")
    assert "ngừng bán" in body["detail"]
    assert_problem(guest_add(client, 999_999, 1), 422, "variant_id")
    assert_problem(guest_add(client, "1; drop table cart", 1), 422, "variant_id")
    assert count(app, Cart) == 0 and count(app, CartItem) == 0


def test_a_price_sent_by_the_client_is_refused_and_the_server_price_is_kept(app, client, product):
    variant_id = product.variant_ids[0]
    token = guest_add(client, variant_id, 1).json["token"]
    cheap = guest_add(client, variant_id, 1, token, price_vnd=1000)
    body = assert_problem(cheap, 422, "price_vnd")
    assert body["errors"]["price_vnd"]
    cart = client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json
    (item,) = cart["groups"][0]["items"]
    assert item["quantity"] == 1 and item["price_seen_vnd"] == item["unit_price_vnd"] == 450_000


def test_lines_of_several_shops_are_grouped_by_shop_with_each_fee(client, factory, seller, shop, product):
    other_seller = factory.user(phone="0912000202")
    honey = factory.shop(other_seller, name="Mật ong U Minh", shipping_fee_vnd=25_000,
                         free_shipping_from_vnd=300_000)
    jar = factory.product(other_seller, honey, title="Mật ong rừng U Minh",
                          variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 20}])
    token = guest_add(client, product.variant_ids[0], 1).json["token"]
    cart = guest_add(client, jar.variant_ids[0], 2, token).json
    by_shop = {g["shop"]["id"]: g for g in cart["groups"]}
    assert by_shop[shop.id]["shipping_fee_vnd"] == 30_000
    assert by_shop[honey.id]["subtotal_vnd"] == 360_000 and by_shop[honey.id]["shipping_fee_vnd"] == 0
    assert cart["amount_vnd"] == 450_000 + 30_000 + 360_000


def test_changes_since_adding_are_shown_per_line(app, client, seller, product):
    variant_id = product.variant_ids[0]
    token = guest_add(client, variant_id, 3).json["token"]
    headers = {"X-Cart-Token": token}

    set_variant(app, seller, product.id, price_vnd=500_000)
    (item,) = client.get("/api/v1/cart", headers=headers).json["groups"][0]["items"]
    assert [p["code"] for p in item["problems"]] == ["price_changed"]
    assert "450.000" in item["problems"][0]["message"] and "500.000" in item["problems"][0]["message"]

    set_variant(app, seller, product.id, stock=2)
    cart = client.get("/api/v1/cart", headers=headers).json
    (item,) = cart["groups"][0]["items"]
    assert {p["code"] for p in item["problems"]} == {"price_changed", "not_enough_stock"} and cart["has_problems"]

    accepted = client.post("/api/v1/cart", json={"accept_changes": True}, headers=headers)
    (item,) = accepted.json["groups"][0]["items"]
    assert [p["code"] for p in item["problems"]] == ["not_enough_stock"] and item["price_seen_vnd"] == 500_000

    set_variant(app, seller, product.id, stock=0)
    (item,) = client.get("/api/v1/cart", headers=headers).json["groups"][0]["items"]
    assert [p["code"] for p in item["problems"]] == ["sold_out"]

    set_variant(app, seller, product.id, stock=9)
    set_product_status(app, seller, product.id, "hidden")
    cart = client.get("/api/v1/cart", headers=headers).json
    (item,) = cart["groups"][0]["items"]
    assert [p["code"] for p in item["problems"]] == ["unavailable"] and cart["amount_vnd"] == 0


def test_a_variant_the_seller_removed_stays_in_the_cart_marked_unavailable(app, client, factory, seller, shop):
    product = factory.product(seller, shop, title="Khô cá lóc", variants=[
        {"name": "500 g", "price_vnd": 200_000, "stock": 5}, {"name": "1 kg", "price_vnd": 380_000, "stock": 5}])
    token = guest_add(client, product.variant_ids[1], 1).json["token"]
    headers = {"Authorization": token_for(client, seller)["Authorization"]}
    kept = client.patch(f"/api/v1/products/{product.id}", headers=headers, json={
        "variants": [{"id": product.variant_ids[0], "name": "500 g", "price_vnd": 200_000, "stock": 5}]})
    assert kept.status_code == 200, kept.json
    (item,) = client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["groups"][0]["items"]
    assert item["variant_id"] is None and item["variant_name"] == "1 kg"
    assert [p["code"] for p in item["problems"]] == ["unavailable"]


def test_a_line_of_another_cart_is_not_found_and_unchanged(app, client, product):
    variant_id = product.variant_ids[0]
    mine = guest_add(client, variant_id, 1).json["token"]
    theirs = guest_add(client, variant_id, 2).json
    their_item = theirs["groups"][0]["items"][0]["id"]
    assert_problem(client.patch(f"/api/v1/cart/items/{their_item}", json={"quantity": 1},
                                headers={"X-Cart-Token": mine}), 404)
    assert_problem(client.delete(f"/api/v1/cart/items/{their_item}", headers={"X-Cart-Token": mine}), 404)
    assert_problem(client.delete(f"/api/v1/cart/items/{their_item}"), 404)
    assert client.get("/api/v1/cart", headers={"X-Cart-Token": theirs["token"]}).json["item_count"] == 2


def test_with_a_bearer_token_the_cart_is_the_accounts_and_takes_over_a_guest_cart(app, client, factory, product):
    buyer = factory.user(name="Người mua", phone="0912000203")
    headers = token_for(client, buyer)
    variant_id = product.variant_ids[0]
    assert client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1},
                       headers=headers).json["token"] is None
    guest = guest_add(client, variant_id, 2).json["token"]

    # The account's cart wins over a guest token sent alongside the bearer token.
    both = client.get("/api/v1/cart", headers={**headers, "X-Cart-Token": guest}).json
    assert both["item_count"] == 1
    merged = client.post("/api/v1/cart", json={"guest_token": guest}, headers=headers)
    assert merged.status_code == 201 and merged.json["item_count"] == 3
    assert count(app, Cart) == 1, "the guest cart is gone"
    other_client = app.test_client()
    assert other_client.get("/api/v1/cart", headers=token_for(other_client, buyer)).json["item_count"] == 3

    bad = client.get("/api/v1/cart", headers={"Authorization": "Bearer not-a-token"})
    assert_problem(bad, 401)


def test_merge_service_adds_quantities_and_keeps_lines_of_both(app, factory, seller, shop, product):
    from marketplace.cart.services import CartOwner, add_item, find_cart, merge_guest_cart, new_guest_token
    from marketplace.extensions import db

    other = factory.product(seller, shop, title="Bánh phồng tôm", variants=[
        {"name": "Gói 200 g", "price_vnd": 45_000, "stock": 50}])
    buyer = factory.user(phone="0912000204")
    token = new_guest_token()
    with app.app_context():
        add_item(CartOwner.for_user(buyer.id), product.variant_ids[0], 1)
        add_item(CartOwner.for_guest(token), product.variant_ids[0], 2)
        add_item(CartOwner.for_guest(token), other.variant_ids[0], 4)
        db.session.commit()
        merge_guest_cart(token, buyer.id)
        db.session.commit()
        cart = find_cart(CartOwner.for_user(buyer.id))
        assert sorted((i.variant_id, i.quantity) for i in cart.items) == sorted(
            [(product.variant_ids[0], 3), (other.variant_ids[0], 4)])
        assert find_cart(CartOwner.for_guest(token)) is None
        assert merge_guest_cart("unknown-token-0123456789", buyer.id) is cart, "nothing to merge: no harm"


def test_logging_in_on_the_web_takes_over_the_session_cart(app, client, factory, product):
    from marketplace.cart.services import SESSION_KEY, CartOwner, add_item, find_cart, new_guest_token
    from marketplace.extensions import db

    buyer = factory.user(phone="0912000205", password=PASSWORD)
    token = new_guest_token()
    with app.app_context():
        add_item(CartOwner.for_guest(token), product.variant_ids[0], 2)
        db.session.commit()
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
    login(client, buyer)
    with app.app_context():
        cart = find_cart(CartOwner.for_user(buyer.id))
        assert [(i.variant_id, i.quantity) for i in cart.items] == [(product.variant_ids[0], 2)]
    with client.session_transaction() as session:
        assert SESSION_KEY not in session


def test_taps_at_once_on_an_empty_account_cart_make_one_cart(app, factory):
    """Two tabs or a double tap: the first adds race to create the account's cart; none may fail."""
    import threading

    from marketplace.cart.models import Cart, CartItem
    from marketplace.cart.services import CartOwner, add_item
    from marketplace.extensions import db
    from tests.conftest import make_test_app
    from tests.shopping import count

    buyer, seller = factory.user(name="Người mua"), factory.user(name="Người bán", phone="0912000777")
    shop = factory.shop(seller)
    variant_id = factory.product(seller, shop, variants=[{"name": "1 kg", "price_vnd": 90_000, "stock": 50}]
                                 ).variant_ids[0]
    crowd = make_test_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 0})
    start, failures = threading.Barrier(6), []

    def tap():
        with crowd.app_context():
            try:
                start.wait(timeout=30)
                add_item(CartOwner.for_user(buyer.id), variant_id, 1)
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (any failure is what this test looks for)
                db.session.rollback()
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with crowd.app_context():
        db.engine.dispose()
    assert not failures, failures
    assert count(app, Cart) == 1
    assert count(app, CartItem) == 1
    with app.app_context():
        assert db.session.scalar(db.select(CartItem.quantity)) == 6, "every tap counted"
