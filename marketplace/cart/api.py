"""The cart over the JSON API.

Signed in (Authorization: Bearer), the cart is the account's. A guest gets a cart token from
POST /api/v1/cart (or from the first POST /api/v1/cart/items) and sends it as X-Cart-Token.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from marshmallow import Schema, fields

from ..api.blueprint import Blueprint
from ..api.responses import Out, ShopRef, UtcDateTime
from ..api.schemas import JsonBoolean, Text
from ..errors import NotFound
from ..utils import MAX_DB_ID
from . import services
from .owner import CART_SECURITY, CartHeaders, api_cart_owner
from .services import CartOwner, CartReview

blp = Blueprint("api_cart", __name__, url_prefix="/api/v1",
                description="The cart: a signed-in buyer's (Bearer) or a guest's (X-Cart-Token header)")


class CartIn(Schema):
    guest_token = Text(trim=False, metadata={
        "description": "Signed in: move this guest cart's lines into the account's cart (at login)"})
    accept_changes = JsonBoolean(load_default=False, metadata={
        "description": "The buyer has seen the new prices: they become the prices seen"})


QUANTITY = {"minimum": 1, "maximum": services.MAX_QUANTITY,
            "description": f"At most the stock (and {services.MAX_QUANTITY} in one line)"}


class ItemIn(Schema):
    variant_id = fields.Integer(required=True, strict=True, metadata={
        "minimum": 1, "maximum": MAX_DB_ID, "description": "A variant of a product on sale"})
    quantity = fields.Integer(required=True, strict=True, metadata={
        **QUANTITY, "description": "Added to the line if the variant is in the cart already; the line's total "
                                   f"is at most the stock and {services.MAX_QUANTITY}"})


class ItemPatch(Schema):
    quantity = fields.Integer(required=True, strict=True, metadata=QUANTITY)


class LineProblemOut(Out):
    code = fields.String(metadata={"description": "price_changed, sold_out, not_enough_stock or unavailable"})
    message = fields.String()


def _stock(line) -> int | None:
    """What is left to buy, while the product is on sale."""
    return line.variant.stock if line.variant is not None and line.product.is_public else None


class CartItemOut(Out):
    id = fields.Integer(attribute="item.id")
    variant_id = fields.Integer(allow_none=True, attribute="item.variant_id",
                                metadata={"description": "null: the seller removed the variant"})
    product_id = fields.Integer(allow_none=True, attribute="product.id")
    product_slug = fields.String(allow_none=True, attribute="product.slug")
    product_title = fields.String(attribute="item.product_title")
    variant_name = fields.String(attribute="item.variant_name")
    unit = fields.String(allow_none=True, attribute="product.unit")
    quantity = fields.Integer(attribute="item.quantity")
    stock = fields.Integer(allow_none=True, attribute=_stock)
    price_seen_vnd = fields.Integer(attribute="item.price_seen_vnd",
                                    metadata={"description": "The price when added (or last accepted)"})
    unit_price_vnd = fields.Integer(metadata={"description": "The price now: the one checkout charges"})
    line_total_vnd = fields.Integer()
    problems = fields.List(fields.Nested(LineProblemOut))


class CartShopOut(ShopRef):
    """The shop whose lines a group holds."""


class CartGroupOut(Out):
    shop = fields.Nested(CartShopOut, allow_none=True)
    items = fields.List(fields.Nested(CartItemOut), attribute="lines")
    subtotal_vnd = fields.Integer()
    shipping_fee_vnd = fields.Integer()
    total_vnd = fields.Integer()


@dataclass(frozen=True)
class CartAnswer:
    """The cart's review, and the token of a guest cart this request started."""

    review: CartReview
    token: str | None = None


class CartOut(Out):
    token = fields.String(allow_none=True, metadata={
        "description": "Only when a guest cart was just created: send it as X-Cart-Token from now on"})
    groups = fields.List(fields.Nested(CartGroupOut), attribute="review.groups", metadata={
        "description": "One per shop"})
    item_count = fields.Integer(attribute="review.item_count")
    amount_vnd = fields.Integer(attribute="review.amount_vnd", metadata={
        "description": "Goods and delivery of every shop: the amount to pay"})
    has_problems = fields.Boolean(attribute="review.has_problems", metadata={
        "description": "Checkout is refused until each problem is settled"})
    updated_at = UtcDateTime(allow_none=True, attribute="review.cart.updated_at")


def _review(owner: CartOwner | None, token: str | None = None) -> CartAnswer:
    return CartAnswer(services.review(services.find_cart(owner)), token)


@blp.get("/cart", answer=CartOut, security=CART_SECURITY)
@blp.arguments(CartHeaders, location="headers")
def get_cart(headers):
    """The cart grouped by shop, with current prices, each line's problems and the amount to pay.
    Anyone: a signed-in buyer (Bearer) or a guest (X-Cart-Token); without either, an empty cart."""
    return _review(api_cart_owner(headers))


@blp.post("/cart", answer=CartOut, status=201, security=CART_SECURITY)
@blp.arguments(CartHeaders, location="headers")
@blp.arguments(CartIn, required=False)
def create_cart(headers, data):
    """Without Bearer: start a guest cart and get its token. With Bearer: the account's cart, taking over
    the lines of `guest_token` (call it at login). `accept_changes` accepts the current prices."""
    owner = api_cart_owner(headers)
    token, cart = None, None
    if owner is None or owner.user_id is None:
        if owner is None or (cart := services.find_cart(owner)) is None:
            token, cart = services.new_guest_cart()
            owner = CartOwner.for_guest(token)
    else:
        if data.get("guest_token"):
            services.merge_guest_cart(data["guest_token"], owner.user_id)
        cart = services.get_or_create_cart(owner)
    if data["accept_changes"]:
        services.accept_changes(owner)
        return _review(owner, token)
    return CartAnswer(services.review(cart), token)


@blp.post("/cart/items", answer=CartOut, status=201, security=CART_SECURITY)
@blp.arguments(CartHeaders, location="headers")
@blp.arguments(ItemIn)
def add_item(headers, data):
    """Put a variant in the cart (added to its line if it is there). The price is the server's; a price in
    the body is refused. Without Bearer or X-Cart-Token a guest cart is started and its token returned."""
    owner = api_cart_owner(headers)
    token, cart = None, None
    if owner is None:
        token = services.new_guest_token()
        owner = CartOwner.for_guest(token)
    elif owner.user_id is None and (cart := services.find_cart(owner)) is None:
        raise NotFound(_("Không tìm thấy giỏ hàng."))
    item = services.add_item(owner, data["variant_id"], data["quantity"], cart=cart)
    return CartAnswer(services.review(item.cart), token)  # the cart as this request left it: not read again


def _existing_owner(headers) -> CartOwner:
    owner = api_cart_owner(headers)
    if owner is None:
        raise NotFound(_("Không tìm thấy món này trong giỏ hàng."))
    return owner


@blp.patch("/cart/items/<id:item_id>", answer=CartOut, security=CART_SECURITY)
@blp.arguments(CartHeaders, location="headers")
@blp.arguments(ItemPatch)
def update_item(headers, data, item_id: int):
    """Change how many of a line; checked against the stock. Only the caller's own cart."""
    owner = _existing_owner(headers)
    services.set_quantity(owner, item_id, data["quantity"])
    return _review(owner)


@blp.delete("/cart/items/<id:item_id>", answer=CartOut, security=CART_SECURITY)
@blp.arguments(CartHeaders, location="headers")
def delete_item(headers, item_id: int):
    """Take a line out of the cart. Only the caller's own cart."""
    owner = _existing_owner(headers)
    services.remove_item(owner, item_id)
    return _review(owner)

