"""Checkout and orders over the JSON API: the buyer's side and the seller's inbox."""

from marshmallow import Schema, fields, validate

from ..accounts.models import User
from ..api.auth import current_api_user, token_required
from ..api.blueprint import Blueprint
from ..api.responses import Out, UtcDateTime
from ..api.schemas import RATE_LIMITED, PageArgs, Phone, Text
from ..cart.owner import CART_SECURITY, CartHeaders, api_cart_owner
from ..cart.services import CartOwner
from ..payments import METHODS
from ..permissions import admin_token_required
from ..shops.schemas import PHONE_ANY_WAY, WARD_DOC, province_code
from ..utils import MAX_DB_ID
from . import services
from .limits import order_lookup_limit
from .models import PAYMENT_STATUSES, STATUSES, Order

blp = Blueprint("api_orders", __name__, url_prefix="/api/v1", description="Checkout and orders")


class AddressIn(Schema):
    recipient = Text(required=True, min_length=1, max_length=services.MAX_RECIPIENT)
    phone = Phone(mobile=False, required=True, metadata={"example": "0912 345 678", "description": (
        f"A Vietnamese phone number, mobile or landline, {PHONE_ANY_WAY}")})
    province_code = province_code(required=True)
    ward_code = fields.Integer(required=True, strict=True, metadata={"description": WARD_DOC})
    street = Text(required=True, min_length=1, max_length=services.MAX_STREET, metadata={
        "description": "House number, street, hamlet (free text)"})


class CheckoutIn(Schema):
    address = fields.Nested(AddressIn, required=True)
    payment_method = fields.String(required=True, metadata={"enum": list(METHODS), "description": (
        "One of the methods this marketplace enables (PAYMENT_METHODS; the others are refused): 'cod' (cash on "
        "delivery), 'vietqr' (bank transfer to each shop's account by VietQR: every shop in the cart needs "
        "one), 'stripe', 'vnpay' (a wallet gateway)")})
    note = Text(load_default="", max_length=services.MAX_NOTE, metadata={"description": "A note to the seller(s)"})


class CheckoutOrderOut(Out):
    """An order of the checkout, in brief."""

    id = fields.Integer()
    code = fields.String()
    shop_id = fields.Integer()
    total_vnd = fields.Integer()
    status = fields.String()


class TransferOut(Out):
    """A bank transfer to make: one of the vietqr method's `transfers` (payments/bank_transfer.py)."""

    order_id = fields.Integer()
    code = fields.String()
    shop_name = fields.String()
    bank_bin = fields.String()
    bank_name = fields.String()
    account_number = fields.String()
    account_name = fields.String(allow_none=True)
    amount_vnd = fields.Integer()
    amount_words = fields.String(metadata={"description": "The amount in Vietnamese words"})
    purpose = fields.String(metadata={"description": "The transfer's content: the order code"})
    qr_payload = fields.String(metadata={"description": "NAPAS VietQR (EMVCo) text to show as a QR code"})
    qr_url = fields.String(allow_none=True, metadata={"description": "The same QR as a PNG, for the buyer's session"})


class PaymentOut(Out):
    """services.payment_summary: how the checkout is paid, with its method's instructions."""

    method = fields.String()
    status = fields.String(metadata={
        "description": "due_on_delivery (cod), awaiting_transfer (vietqr), awaiting_payment or paid (stripe)"})
    amount_vnd = fields.Integer()
    due_at = UtcDateTime(allow_none=True, metadata={"description": "Online methods: unpaid orders expire then"})
    transfers = fields.List(fields.Nested(TransferOut), metadata={
        "description": "vietqr: one transfer per order, each to its shop's account"})
    qr_payload = fields.String(metadata={"description": "vietqr with a single order: its QR text"})
    redirect_url = fields.String(allow_none=True, metadata={
        "description": "stripe: the gateway page to send the buyer to"})


class CheckoutOut(Out):
    checkout_id = fields.Integer(attribute="id")
    orders = fields.List(fields.Nested(CheckoutOrderOut))
    amount_vnd = fields.Integer(metadata={"description": "Every order's goods and delivery: the amount to pay"})
    payment = fields.Nested(PaymentOut, attribute=services.payment_summary)


class OrderShopOut(Out):
    id = fields.Integer(attribute="shop_id")
    name = fields.String(attribute="shop_name")


class AddressOut(Out):
    recipient = fields.String()
    phone = fields.String()
    province_code = fields.Integer()
    ward_code = fields.Integer()
    street = fields.String()
    full = fields.String(attribute="full_address")


class OrderLineOut(Out):
    """A line as it was bought (its product and price are copied at checkout)."""

    id = fields.Integer()
    variant_id = fields.Integer(allow_none=True)
    product_id = fields.Integer(allow_none=True)
    product_title = fields.String()
    variant_name = fields.String()
    unit = fields.String()
    unit_price_vnd = fields.Integer()
    quantity = fields.Integer()
    line_total_vnd = fields.Integer()


class OrderEventOut(Out):
    at = UtcDateTime(attribute="created_at")
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    label = fields.String(attribute=lambda event: services.status_label(event.to_status))
    actor_role = fields.String(metadata={"description": "buyer, seller, admin or system"})
    note = fields.String()


class OrderOut(Out):
    id = fields.Integer()
    code = fields.String()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    status_label = fields.String(attribute=lambda order: services.status_label(order.status))
    payment_method = fields.String()
    payment_status = fields.String(metadata={"enum": list(PAYMENT_STATUSES), "description": (
        "unpaid, paid, or refunded (paid, then cancelled and the money returned)")})
    payment_due_at = UtcDateTime(allow_none=True)
    shop = fields.Nested(OrderShopOut, attribute=lambda order: order)  # its own columns, as at checkout
    buyer_name = fields.String(attribute="checkout.buyer_name")
    address = fields.Nested(AddressOut, attribute=lambda order: order)
    note = fields.String()
    lines = fields.List(fields.Nested(OrderLineOut))
    subtotal_vnd = fields.Integer()
    shipping_fee_vnd = fields.Integer()
    total_vnd = fields.Integer()
    carrier = fields.String(allow_none=True)
    tracking = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    timeline = fields.List(fields.Nested(OrderEventOut), attribute="events")
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class SellerOrderArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    shop_id = fields.Integer(validate=validate.Range(min=1, max=MAX_DB_ID))


class LookupArgs(Schema):
    code = Text(required=True, trim=False, validate=validate.Length(max=20), metadata={"example": "CQ-7K3F9A"})
    phone = Text(required=True, trim=False, validate=validate.Length(max=30))


class ShipIn(Schema):
    carrier = Text(required=True, min_length=1, max_length=services.MAX_CARRIER, metadata={"example": "Viettel Post"})
    tracking = Text(load_default="", max_length=services.MAX_TRACKING, metadata={
        "description": "Tracking number or a note"})


class SellerCancelIn(Schema):
    reason = Text(required=True, min_length=services.MIN_CANCEL_REASON, max_length=services.MAX_CANCEL_REASON,
                  metadata={"description": "Why: the buyer reads it"})


class BuyerCancelIn(Schema):
    reason = Text(load_default="", max_length=services.MAX_CANCEL_REASON)


def _order(find, order_id: int) -> tuple[Order, User | None]:
    """The order `find` shows the caller (a buyer's own, one of a shop they run, any to an admin), and the caller:
    what each move of an order takes."""
    user = current_api_user()
    return find(user, order_id), user


# --- buyer ------------------------------------------------------------------------------

@blp.post("/checkout", answer=CheckoutOut, status=201, security=CART_SECURITY)
@blp.arguments(CartHeaders, location="headers")
@blp.arguments(CheckoutIn)
def checkout(headers, data):
    """Place the cart's orders: one per shop, one amount to pay. Anyone with a cart: a signed-in buyer
    (Bearer) or a guest (X-Cart-Token; name and phone in the address are enough). Prices, delivery fees and
    totals come from the server; a cart that changed since it was filled (price, stock, product withdrawn)
    is refused with 409 and each line's problem in `errors`, and a sold-out line rolls everything back."""
    owner = api_cart_owner(headers) or CartOwner()
    return services.place_checkout(owner, user=current_api_user(), address=data["address"],
                                   payment_method=data["payment_method"], note=data["note"])


@blp.get("/checkouts/<id:checkout_id>", answer=CheckoutOut, auth=token_required)
def get_checkout(checkout_id: int):
    """One of the signed-in buyer's checkouts with its payment state (another's is 404)."""
    return services.get_buyer_checkout(current_api_user(), checkout_id)


@blp.get("/orders", auth=token_required)
@blp.paginated(OrderOut, "OrderPage")
def list_orders(args):
    """The signed-in buyer's orders, newest first."""
    return services.buyer_orders(current_api_user(), args["page"], args["per_page"])


@blp.get("/orders/lookup", answer=OrderOut)
@blp.arguments(LookupArgs, location="query")
@order_lookup_limit()
@blp.alt_response(429, response=RATE_LIMITED)
def lookup_order(args):
    """A guest's order, found by its code and the phone number given at checkout (rate-limited). Anyone."""
    return services.find_order(args["code"], args["phone"])


@blp.get("/orders/<id:order_id>", answer=OrderOut, auth=token_required)
def get_order(order_id: int):
    """One of the signed-in buyer's orders with its lines and timeline (another's is 404)."""
    return services.get_buyer_order(current_api_user(), order_id)


@blp.post("/orders/<id:order_id>/cancel", answer=OrderOut, auth=token_required)
@blp.arguments(BuyerCancelIn, required=False)
def cancel_order(data, order_id: int):
    """The buyer cancels an order the seller has not confirmed yet; its stock goes back on sale."""
    return services.cancel_by_buyer(*_order(services.get_buyer_order, order_id), data["reason"])


@blp.post("/orders/<id:order_id>/complete", answer=OrderOut, auth=token_required)
def complete_order(order_id: int):
    """The buyer confirms a delivered order is received and all right."""
    return services.complete_order(*_order(services.get_buyer_order, order_id))


# --- seller -----------------------------------------------------------------------------

@blp.get("/seller/orders", auth=token_required)
@blp.paginated(OrderOut, "SellerOrderPage", SellerOrderArgs, counts=fields.Dict(
    keys=fields.String(), values=fields.Integer(),
    metadata={"description": "Orders in each status (whatever the status filter)"}))
def seller_orders(args):
    """Orders of the shops the caller runs (owner or manager), newest first, with counts per status."""
    return services.seller_orders(current_api_user(), status=args.get("status"), shop_id=args.get("shop_id"),
                                  page=args["page"], per_page=args["per_page"])


@blp.get("/seller/orders/<id:order_id>", answer=OrderOut, auth=token_required)
def seller_order(order_id: int):
    """One order of a shop the caller runs (any other is 404)."""
    return services.get_seller_order(current_api_user(), order_id)


@blp.post("/seller/orders/<id:order_id>/confirm", answer=OrderOut, auth=token_required)
def confirm(order_id: int):
    """The shop accepts the order (COD orders when placed, online ones once paid)."""
    return services.confirm_order(*_order(services.get_seller_order, order_id))


@blp.post("/seller/orders/<id:order_id>/payment-received", answer=OrderOut, auth=token_required)
def payment_received(order_id: int):
    """The shop saw the order's bank transfer (vietqr) arrive: the order is paid and waits to be confirmed."""
    return services.confirm_transfer_received(*_order(services.get_seller_order, order_id))


@blp.post("/admin/orders/<id:order_id>/payment-received", answer=OrderOut, auth=admin_token_required)
def admin_payment_received(order_id: int):
    """Admins only: record a bank transfer (vietqr) as received, as the seller would."""
    return services.confirm_transfer_received(*_order(services.get_order_for_admin, order_id))


@blp.post("/admin/orders/<id:order_id>/refund", answer=OrderOut, auth=admin_token_required)
@blp.arguments(SellerCancelIn)
def admin_refund(data, order_id: int):
    """Admins only: cancel a paid order at any point before completion and give its money back in full
    (through Stripe when it was paid there, else recorded as a manual refund); its stock goes back."""
    return services.refund_by_admin(*_order(services.get_order_for_admin, order_id), data["reason"])


@blp.post("/seller/orders/<id:order_id>/ship", answer=OrderOut, auth=token_required)
@blp.arguments(ShipIn)
def ship(data, order_id: int):
    """The shop handed a confirmed order to a carrier; the buyer sees the carrier and tracking."""
    return services.ship_order(*_order(services.get_seller_order, order_id), data["carrier"], data["tracking"])


@blp.post("/seller/orders/<id:order_id>/deliver", answer=OrderOut, auth=token_required)
def deliver(order_id: int):
    """The order reached the buyer (for cash on delivery: the cash was collected, so it is paid)."""
    return services.deliver_order(*_order(services.get_seller_order, order_id))


@blp.post("/seller/orders/<id:order_id>/cancel", answer=OrderOut, auth=token_required)
@blp.arguments(SellerCancelIn)
def seller_cancel(data, order_id: int):
    """The shop cancels an order not yet shipped, telling the buyer why; its stock goes back on sale."""
    return services.cancel_by_seller(*_order(services.get_seller_order, order_id), data["reason"])
