"""Checkout, stock and the life of an order, for the JSON API and the web pages alike.

The life of an order. `status` says where the order stands and who acts next; `payment_status`
(unpaid/paid) only records whether the money has arrived. Keeping the two apart lets cash on delivery
follow the same road as an online payment without pretending it was paid first:

    online:  awaiting_payment --(payment recorded)--> paid --seller--> confirmed
    COD:     placed ------------------------------------seller--> confirmed
    then:    confirmed --seller: carrier, tracking--> shipped --seller--> delivered --buyer--> completed

A COD order starts as `placed` and becomes `payment_status = paid` when it is delivered (the cash was
collected at the door); an online order is `paid` before the seller sees it as something to confirm.
The buyer may cancel before confirmation; the seller may cancel until shipping, with a reason; an
online order not paid by its deadline is cancelled by `flask orders expire`. TRANSITIONS is the whole
table: any other move is a Conflict (409). Each move is a conditional UPDATE on the current status
(two clicks, or a seller and a cron job at once, cannot both succeed), and is recorded as an OrderEvent,
which the buyer sees as the order's timeline.

Stock is taken when the order is placed, in the same transaction, by
`UPDATE variant SET stock = stock - :n WHERE id = :id AND stock >= :n` for each variant in id order
(one row or sold out, and the whole checkout rolls back); it is given back when an order is cancelled.

Functions for pages (they flush; the request commits once):

    place_checkout(owner, user=..., address={recipient, phone, province_code, ward_code, street},
                   payment_method="cod", note="") -> Checkout      one order per shop, one amount to pay
    payment_summary(checkout) -> dict                                what to show on the "thank you" page
    buyer_orders(user, page, per_page) -> (orders, total)            get_buyer_order(user, order_id)
    find_order(code, phone) -> Order                                 a guest's order, by code and phone
    cancel_by_buyer(order, user_or_None, reason)  complete_order(order, user_or_None)
        (the caller has found the order with get_buyer_order or find_order: that is the permission check)
    seller_orders(user, status=None, shop_id=None, page, per_page) -> (orders, total, counts per status)
    get_seller_order(user, order_id)
    confirm_order(order, user)  ship_order(order, user, carrier, tracking)  deliver_order(order, user)
    cancel_by_seller(order, user, reason)
    get_order_for_admin(user, order_id)  refund_by_admin(order, user, reason)   logged in the audit log
    confirm_transfer_received(order, user)     the seller (or an admin) saw the transfer arrive
    due_unpaid_order_ids(now), expire_order(order_id, now) -> bool     used by `flask orders expire`
    status_label(status) -> str       the Vietnamese (or English) name of a status

What payments is handed at start-up (orders.init_orders), for when a provider moves the money itself:

    record_payment(checkout)          the money for an online checkout arrived
    apply_provider_refund(checkout, payment) -> (cancelled, kept)   the provider gave it all back
    tell_shops_of_partial_refund(checkout, refunded_vnd)            the provider gave part of it back

After the commit, each shop's members with an e-mail address get a "new order" mail; every member
gets an in-app notice (shops.services.notify_shop) in the same transaction as the order.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..audit.services import record_decision
from ..cache import catalogue_changed
from ..cart.services import CartOwner, CartReview, clear, find_cart, review
from ..catalog.models import Variant
from ..errors import Conflict, DomainError, NotFound, PermissionDenied
from ..extensions import db
from ..payments.base import PaymentMethod
from ..payments.refunds import record_provider_refund, refund_order
from ..payments.registry import METHODS, enabled_methods, get_method
from ..permissions import require_admin, require_role
from ..phones import normalize_phone
from ..queries import get_by_id, paginate
from ..search.sync import queue_products
from ..shops.locations import check_location
from ..shops.models import ShopMember
from ..shops.services import notify_shop
from ..utils import clean_text, format_vnd, parse_id, utcnow
from .models import (
    AWAITING_PAYMENT,
    CANCELLED,
    COD,
    COMPLETED,
    CONFIRMED,
    DELIVERED,
    PAID,
    PAYMENT_RECEIVED,
    PLACED,
    REFUNDED,
    SHIPPED,
    STATUSES,
    UNPAID,
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
)

BUYER, SELLER, SYSTEM, ADMIN = "buyer", "seller", "system", "admin"

# (from, to) -> who may make that move. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (AWAITING_PAYMENT, PAID): frozenset({SYSTEM, SELLER, ADMIN}),  # people: a transfer seen in the account
    (AWAITING_PAYMENT, CANCELLED): frozenset({BUYER, SELLER, SYSTEM}),
    (PAID, CONFIRMED): frozenset({SELLER}),
    (PAID, CANCELLED): frozenset({BUYER, SELLER}),
    (PLACED, CONFIRMED): frozenset({SELLER}),
    (PLACED, CANCELLED): frozenset({BUYER, SELLER}),
    (CONFIRMED, SHIPPED): frozenset({SELLER}),
    (CONFIRMED, CANCELLED): frozenset({SELLER}),
    (SHIPPED, DELIVERED): frozenset({SELLER}),
    (DELIVERED, COMPLETED): frozenset({BUYER, SYSTEM}),
    # An admin may cancel, and so refund, a paid order until it is completed.
    (SHIPPED, CANCELLED): frozenset({ADMIN}),
    (DELIVERED, CANCELLED): frozenset({ADMIN}),
}
for _paid in (PAID, CONFIRMED):
    TRANSITIONS[(_paid, CANCELLED)] = TRANSITIONS[(_paid, CANCELLED)] | {ADMIN}
# Not in the table: a refund the provider made itself (apply_provider_refund) is a fact to record, not a
# move anyone asks for, like an unpaid order's expiry.

STATUS_LABELS = {
    AWAITING_PAYMENT: _l("Chờ thanh toán"),
    PLACED: _l("Chờ người bán xác nhận"),
    PAID: _l("Đã thanh toán, chờ người bán xác nhận"),
    CONFIRMED: _l("Người bán đã xác nhận"),
    SHIPPED: _l("Đang giao hàng"),
    DELIVERED: _l("Đã giao hàng"),
    COMPLETED: _l("Hoàn tất"),
    CANCELLED: _l("Đã huỷ"),
}

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
CODE_LENGTH = 6
MAX_RECIPIENT, MAX_STREET, MAX_NOTE = 100, 255, 1000
MIN_CANCEL_REASON, MAX_CANCEL_REASON = 3, 500
MAX_CARRIER, MAX_TRACKING = 100, 200


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# --- checkout -----------------------------------------------------------------------

@dataclass
class Address:
    recipient: str
    phone: str
    province_code: int
    ward_code: int
    street: str


def clean_address(data: dict | None) -> Address:
    """Errors name the field as `address.<name>`, the way the API's body nests it."""
    data = data or {}
    recipient = clean_text(data.get("recipient"))
    if not recipient:
        raise DomainError(_("Vui lòng nhập tên người nhận."), "address.recipient")
    if len(recipient) > MAX_RECIPIENT:
        raise DomainError(_("Tên người nhận tối đa 100 ký tự."), "address.recipient")
    try:
        phone = normalize_phone(data.get("phone") or "", mobile=False)
    except DomainError as error:
        raise DomainError(error.message, "address.phone") from None
    try:
        province, ward = check_location(data.get("province_code"), data.get("ward_code"))
    except DomainError as error:
        raise DomainError(error.message, f"address.{error.field}") from None
    street = clean_text(data.get("street"))
    if not street:
        raise DomainError(_("Vui lòng nhập số nhà, đường, ấp."), "address.street")
    if len(street) > MAX_STREET:
        raise DomainError(_("Địa chỉ tối đa 255 ký tự."), "address.street")
    return Address(recipient, phone, int(province.code), int(ward.code), street)


def _clean_payment_method(name) -> PaymentMethod:
    method = get_method(name)
    if method is None:
        offered = ", ".join(str(m.label) for m in enabled_methods())
        raise DomainError(_("Hình thức thanh toán này chưa được hỗ trợ. Bạn có thể chọn: %(offered)s.",
                            offered=offered), "payment_method")
    return method


def _new_codes(count: int) -> list[str]:
    """Short codes a buyer can read out; the unique column is the guarantee, this only avoids using it."""
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {"CQ-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                 for _ in range(count - len(codes))}
        taken = set(db.session.scalars(select(Order.code).where(Order.code.in_(drawn))))  # one query a draw
        codes |= drawn - taken
    return sorted(codes)[:count]


def _take_stock(cart_review: CartReview) -> None:
    """The stock of every line, in variant id order (two checkouts never wait on each other in a circle).
    The conditional update is the only check that counts: the review read the stock a moment ago."""
    table = Variant.__table__
    sold_out = set()
    for line in sorted(cart_review.lines, key=lambda line: line.variant.id):
        quantity = line.item.quantity
        left = db.session.execute(
            table.update().where(table.c.id == line.variant.id, table.c.stock >= quantity)
            .values(stock=table.c.stock - quantity).returning(table.c.stock)
        ).scalar()
        db.session.expire(line.variant, ["stock"])
        catalogue_changed()  # the product page shows what is left
        if left is None:
            label = f"{line.item.product_title} – {line.item.variant_name}"
            raise Conflict(_("“%(item)s” vừa hết hàng, chỉ còn %(n)d. Đơn hàng chưa được đặt.",
                             item=label, n=line.variant.stock),
                           errors={f"items.{line.item.id}": [_("“%(item)s” vừa hết hàng.", item=label)]})
        if left == 0:
            sold_out.add(line.product.id)
    # Search shows "in stock" per product: only a variant that ran out can change that. Re-indexing every
    # product bought would make each checkout wait for a write to the index.
    queue_products(db.session, sold_out)


def place_checkout(owner: CartOwner, *, user: User | None, address: dict, payment_method: str,
                   note: str = "") -> Checkout:
    """Turn the owner's cart into one order per shop. Prices, fees and totals come from the database,
    never from the client; a cart with any problem (a price changed since it was added, not enough
    stock, a product no longer sold) is refused with each line's problem, so nothing is charged that
    the buyer has not seen. On any error nothing is written: the caller rolls back."""
    cart = find_cart(owner)
    cart_review = review(cart)
    if not cart_review.lines:  # a well-formed request; the cart's state refuses it (409)
        raise Conflict(_("Giỏ hàng của bạn đang trống."), "cart")
    where = clean_address(address)
    method = _clean_payment_method(payment_method)
    note = clean_text(note)
    if len(note) > MAX_NOTE:
        raise DomainError(_("Lời nhắn tối đa 1.000 ký tự."), "note")
    if cart_review.has_problems:
        first = next(p.message for line in cart_review.lines for p in line.problems)
        raise Conflict(_("Giỏ hàng đã thay đổi từ lúc bạn thêm hàng (%(first)s). Vui lòng xem lại trước khi đặt.",
                         first=first), errors=cart_review.problems_by_field())

    method.check([group.shop for group in cart_review.groups])

    _take_stock(cart_review)

    now = utcnow()
    payment_method = method.name
    due_at = now + method.payment_window() if method.online else None
    status = AWAITING_PAYMENT if method.online else PLACED
    checkout = Checkout(user_id=user.id if user else None, buyer_name=where.recipient, buyer_phone=where.phone,
                        payment_method=payment_method, amount_vnd=cart_review.amount_vnd, payment_due_at=due_at,
                        created_at=now)
    db.session.add(checkout)
    codes = _new_codes(len(cart_review.groups))
    for group, code in zip(cart_review.groups, codes, strict=True):
        order = Order(
            code=code, checkout=checkout, shop_id=group.shop.id, shop_name=group.shop.name,
            user_id=checkout.user_id, status=status, payment_method=payment_method, payment_status=UNPAID,
            payment_due_at=due_at, recipient=where.recipient, phone=where.phone,
            province_code=where.province_code, ward_code=where.ward_code, street=where.street, note=note,
            subtotal_vnd=group.subtotal_vnd, shipping_fee_vnd=group.shipping_fee_vnd, total_vnd=group.total_vnd,
            created_at=now, updated_at=now,
        )
        for line in group.lines:
            order.lines.append(OrderLine(
                variant_id=line.variant.id, product_id=line.product.id, product_title=line.product.title,
                variant_name=line.variant.name, unit=line.product.unit, unit_price_vnd=line.unit_price_vnd,
                quantity=line.item.quantity, line_total_vnd=line.line_total_vnd,
            ))
        order.events.append(OrderEvent(actor_id=checkout.user_id, actor_role=BUYER, from_status=None,
                                       to_status=status, note=note, created_at=now))
        db.session.add(order)
    clear(cart)
    db.session.flush()
    method.start(checkout)
    for order in checkout.orders:
        _announce_new_order(order)
    return checkout


def payment_summary(checkout: Checkout) -> dict:
    """How the checkout is to be paid: the method's own instructions (a QR per order for a transfer)."""
    return {"method": checkout.payment_method, "amount_vnd": checkout.amount_vnd, "due_at": checkout.payment_due_at,
            **METHODS[checkout.payment_method].instructions(checkout)}


def _announce_new_order(order: Order) -> None:
    notify_shop(order.shop_id, "new_order",
                lambda: _("Đơn hàng mới %(code)s: %(total)s, giao đến %(name)s.", code=order.code,
                          total=format_vnd(order.total_vnd), name=order.recipient),
                order_id=order.id, mail_subject=lambda: _("Đơn hàng mới %(code)s", code=order.code),
                mail_body=lambda: _new_order_letter(order))


def _new_order_letter(order: Order) -> str:
    lines = "\n".join(f"- {line.product_title} ({line.variant_name}) × {line.quantity}: "
                      f"{format_vnd(line.line_total_vnd)}" for line in order.lines)
    body = _("Gian hàng %(shop)s có đơn hàng mới %(code)s.", shop=order.shop_name, code=order.code) + "\n\n" \
        + lines + "\n" + _("Phí giao hàng: %(fee)s", fee=format_vnd(order.shipping_fee_vnd)) + "\n" \
        + _("Tổng cộng: %(total)s", total=format_vnd(order.total_vnd)) + "\n" \
        + _("Giao đến: %(name)s, %(phone)s, %(address)s", name=order.recipient, phone=order.phone,
            address=order.full_address) + "\n"
    if order.note:
        body += _("Lời nhắn: %(note)s", note=order.note) + "\n"
    return body


# --- moving an order ------------------------------------------------------------------

def _move(order: Order, to: str, *, role: str, actor: User | None, note: str = "", **changes) -> bool:
    """The conditional UPDATE: it moves the order only if it is still where we saw it. Returns whether
    it did; stock goes back in the same transaction when the order is cancelled."""
    from_status = order.status
    values = {"status": to, "updated_at": utcnow(), **changes}
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == from_status).values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(order)
        return False
    for key, value in values.items():
        set_committed_value(order, key, value)
    # Appended to the loaded timeline, so the answer to this very request already shows the move.
    order.events.append(OrderEvent(actor_id=actor.id if actor else None, actor_role=role,
                                   from_status=from_status, to_status=to, note=note))
    if to == CANCELLED:
        _give_back_stock(order)
    db.session.flush()
    return True


def _give_back_stock(order: Order) -> None:
    table = Variant.__table__
    lines = sorted((line for line in order.lines if line.variant_id is not None), key=lambda line: line.variant_id)
    back_in_stock = set()
    for line in lines:
        now_in_stock = db.session.execute(table.update().where(table.c.id == line.variant_id)
                                          .values(stock=table.c.stock + line.quantity)
                                          .returning(table.c.stock)).scalar()
        variant = db.session.identity_map.get(db.session.identity_key(Variant, line.variant_id))
        if variant is not None:
            db.session.expire(variant, ["stock"])
        catalogue_changed()
        if now_in_stock == line.quantity:  # it had run out: search shows it in stock again
            back_in_stock.add(line.product_id)
    queue_products(db.session, back_in_stock)


def transition(order: Order, to: str, *, role: str, actor: User | None, note: str = "", **changes) -> Order:
    """Move an order along TRANSITIONS. A move this role never makes is PermissionDenied (403); one it
    makes, but not from the order's current status (the buyer cancelling a confirmed order), is a
    Conflict (409), like any move that is not in the table."""
    if not any(to == target and role in roles for (_from, target), roles in TRANSITIONS.items()):
        raise PermissionDenied(_("Bạn không thể chuyển đơn %(code)s sang “%(to)s”.", code=order.code,
                                 to=status_label(to)))
    if role not in TRANSITIONS.get((order.status, to), ()):
        raise Conflict(_("Đơn %(code)s đang ở trạng thái “%(now)s”, không thể chuyển sang “%(to)s”.",
                         code=order.code, now=status_label(order.status), to=status_label(to)))
    refund = to == CANCELLED and order.payment_status == PAYMENT_RECEIVED
    if refund:
        changes["payment_status"] = REFUNDED
    if not _move(order, to, role=role, actor=actor, note=note, **changes):
        raise Conflict(_("Đơn %(code)s vừa được cập nhật ở nơi khác. Vui lòng tải lại.", code=order.code))
    if refund:  # after the move: only the request that cancelled it refunds it
        refund_order(order, actor)
    return order


def _clean_reason(reason, *, required: bool) -> str:
    reason = clean_text(reason)
    if required and len(reason) < MIN_CANCEL_REASON:
        raise DomainError(_("Vui lòng cho người mua biết lý do huỷ đơn."), "reason")
    if len(reason) > MAX_CANCEL_REASON:
        raise DomainError(_("Lý do tối đa 500 ký tự."), "reason")
    return reason


# --- the buyer's side -----------------------------------------------------------------

NEWEST_FIRST = (Order.created_at.desc(), Order.id.desc())


def _details() -> tuple:
    """Built when asked, as catalog's listing data."""
    return selectinload(Order.lines), selectinload(Order.events), selectinload(Order.checkout)


def _with_details(query):
    return query.options(*_details())


def buyer_orders(user: User, page: int = 1, per_page: int = 20) -> tuple[list[Order], int]:
    query = select(Order).where(Order.user_id == user.id)
    return paginate(query, page, per_page, *NEWEST_FIRST, options=_details())


def get_buyer_order(user: User | None, order_id) -> Order:
    """Only the buyer's own: someone else's order is "not found", so its existence is not revealed."""
    order_id = parse_id(order_id)
    order = db.session.scalar(_with_details(select(Order).where(Order.id == order_id))) if order_id else None
    if order is None or user is None or order.user_id != user.id:
        raise NotFound(_("Không tìm thấy đơn hàng."))
    return order


def get_buyer_checkout(user: User | None, checkout_id) -> Checkout:
    checkout = get_by_id(Checkout, checkout_id)
    if checkout is None or user is None or checkout.user_id != user.id:
        raise NotFound(_("Không tìm thấy đơn hàng."))
    return checkout


def find_order(code: str | None, phone: str | None) -> Order:
    """A guest's order: its code and the phone given at checkout, both needed."""
    code = (code or "").strip().upper()
    if code and not code.startswith("CQ-"):
        code = "CQ-" + code
    try:
        phone = normalize_phone(phone or "", mobile=False)
    except DomainError:
        phone = None
    order = db.session.scalar(_with_details(select(Order).where(Order.code == code))) if code and phone else None
    if order is None or phone not in (order.phone, order.checkout.buyer_phone):
        raise NotFound(_("Không tìm thấy đơn hàng với mã và số điện thoại này."))
    return order


def cancel_by_buyer(order: Order, actor: User | None, reason: str = "") -> Order:
    reason = _clean_reason(reason, required=False)
    return transition(order, CANCELLED, role=BUYER, actor=actor, note=reason, cancel_reason=reason or None)


def complete_order(order: Order, actor: User | None) -> Order:
    return transition(order, COMPLETED, role=BUYER, actor=actor)


# --- the seller's side ----------------------------------------------------------------

def _member_shop_ids(user: User):
    return select(ShopMember.shop_id).where(ShopMember.user_id == user.id)


def seller_orders(user: User, *, status: str | None = None, shop_id: int | None = None, page: int = 1,
                  per_page: int = 20) -> tuple[list[Order], int, dict[str, int]]:
    """The inbox: orders of the shops the user runs, newest first, and how many there are in each status."""
    scope = select(Order).where(Order.shop_id.in_(_member_shop_ids(user)))
    if shop_id is not None:
        scope = scope.where(Order.shop_id == shop_id)
    counts = {s: 0 for s in STATUSES}
    counts.update(_count_by_status(scope))
    query = scope.where(Order.status == status) if status else scope
    orders, total = paginate(query, page, per_page, *NEWEST_FIRST, options=_details())
    return orders, total, counts


def count_waiting_for_seller(shop_id: int) -> int:
    """Orders the shop has to confirm: the number on the seller's dashboard button."""
    return db.session.scalar(select(func.count()).select_from(Order)
                             .where(Order.shop_id == shop_id, Order.status.in_((PLACED, PAID))))


def _count_by_status(scope) -> dict[str, int]:
    sub = scope.subquery()
    return dict(db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all())


def get_seller_order(user: User, order_id) -> Order:
    """An order of one of the user's shops; any other is "not found"."""
    order_id = parse_id(order_id)
    order = db.session.scalar(_with_details(
        select(Order).where(Order.id == order_id, Order.shop_id.in_(_member_shop_ids(user))))) if order_id else None
    if order is None:
        raise NotFound(_("Không tìm thấy đơn hàng."))
    return order


def confirm_order(order: Order, actor: User) -> Order:
    require_role(actor, order.shop)
    return transition(order, CONFIRMED, role=SELLER, actor=actor)


def ship_order(order: Order, actor: User, carrier: str, tracking: str = "") -> Order:
    require_role(actor, order.shop)
    carrier, tracking = clean_text(carrier), clean_text(tracking)
    if not carrier:
        raise DomainError(_("Vui lòng cho biết đơn vị giao hàng."), "carrier")
    if len(carrier) > MAX_CARRIER:
        raise DomainError(_("Tên đơn vị giao hàng tối đa 100 ký tự."), "carrier")
    if len(tracking) > MAX_TRACKING:
        raise DomainError(_("Mã vận đơn tối đa 200 ký tự."), "tracking")
    note = f"{carrier}: {tracking}" if tracking else carrier
    return transition(order, SHIPPED, role=SELLER, actor=actor, note=note, carrier=carrier, tracking=tracking or None)


def deliver_order(order: Order, actor: User) -> Order:
    """For cash on delivery, delivered means the cash was collected: the order is paid from then on."""
    require_role(actor, order.shop)
    changes = {"payment_status": PAYMENT_RECEIVED} if order.payment_method == COD else {}
    return transition(order, DELIVERED, role=SELLER, actor=actor, **changes)


def get_order_for_admin(user: User, order_id) -> Order:
    require_admin(user)
    order_id = parse_id(order_id)
    order = db.session.scalar(_with_details(select(Order).where(Order.id == order_id))) if order_id else None
    if order is None:
        raise NotFound(_("Không tìm thấy đơn hàng."))
    return order


def refund_by_admin(order: Order, actor: User, reason: str) -> Order:
    """An admin cancels a paid order at any point before it is completed, and its money goes back; the
    decision goes to the audit log in the same transaction."""
    require_admin(actor)
    if order.payment_status != PAYMENT_RECEIVED:
        raise Conflict(_("Đơn %(code)s chưa được thanh toán.", code=order.code))
    reason = _clean_reason(reason, required=True)
    transition(order, CANCELLED, role=ADMIN, actor=actor, note=reason, cancel_reason=reason)
    record_decision(actor, "order.refund", "order", order.id, reason=reason, code=order.code,
                    amount_vnd=order.total_vnd)
    return order


def cancel_by_seller(order: Order, actor: User, reason: str) -> Order:
    require_role(actor, order.shop)
    reason = _clean_reason(reason, required=True)
    return transition(order, CANCELLED, role=SELLER, actor=actor, note=reason, cancel_reason=reason)


# --- payments and deadlines -------------------------------------------------------------

def confirm_transfer_received(order: Order, actor: User) -> Order:
    """The seller (or an admin, on the seller's word) saw the order's transfer arrive in the shop's
    account: VietQR has no callback. An admin's word is logged in the audit log."""
    if not actor.is_admin:
        require_role(actor, order.shop)
    if not METHODS[order.payment_method].seller_confirms_receipt:
        raise Conflict(_("Đơn này không thanh toán bằng chuyển khoản."))
    transition(order, PAID, role=ADMIN if actor.is_admin else SELLER, actor=actor,
               note=_("Người bán đã nhận tiền chuyển khoản."), payment_status=PAYMENT_RECEIVED)
    if actor.is_admin:
        record_decision(actor, "order.payment_received", "order", order.id, code=order.code,
                        amount_vnd=order.total_vnd)
    return order


def record_payment(checkout: Checkout) -> list[Order]:
    """The money for an online checkout has arrived (payments calls this from a verified provider
    notification): its orders waiting for payment become paid, and go to their sellers."""
    moved = []
    for order in checkout.orders:
        if order.status == AWAITING_PAYMENT:
            moved.append(transition(order, PAID, role=SYSTEM, actor=None, payment_status=PAYMENT_RECEIVED))
    return moved


def apply_provider_refund(checkout: Checkout, payment) -> tuple[list[Order], list[Order]]:
    """The provider gave a checkout's money back on its own (a refund made in Stripe's dashboard): its paid
    orders follow as an in-app refund would, without asking the provider to refund again, and each shop is
    told. An order not yet shipped is cancelled, its stock back. One already shipped, delivered or completed
    keeps its status, since the goods have left the shop and cannot go back on sale: only its payment is
    marked refunded, and the caller flags it for an admin to settle with the shop and the buyer. Orders
    already refunded or never paid (money that came after they expired) are left alone.
    Returns (cancelled, kept)."""
    cancelled: list[Order] = []
    kept: list[Order] = []
    note = _("Người mua đã được hoàn tiền qua cổng thanh toán.")
    for order in checkout.orders:
        if order.payment_status != PAYMENT_RECEIVED:
            continue
        if order.status in (PAID, CONFIRMED):
            if _move(order, CANCELLED, role=SYSTEM, actor=None, note=note, cancel_reason=note,
                     payment_status=REFUNDED):
                cancelled.append(order)
        elif _mark_refunded(order, note):
            kept.append(order)
    for order in cancelled:
        _tell_refunded(order, payment, lambda order: _(
            "Đơn %(code)s đã được hoàn %(total)s cho người mua qua cổng thanh toán nên đã bị huỷ: đừng giao đơn "
            "này. Hàng đã được trả về kho.", code=order.code, total=format_vnd(order.total_vnd)),
            lambda order: _("Đơn %(code)s đã bị huỷ và hoàn tiền", code=order.code))
    for order in kept:
        _tell_refunded(order, payment, lambda order: _(
            "Người mua đã được hoàn %(total)s của đơn %(code)s qua cổng thanh toán sau khi đơn đã gửi đi. Quản "
            "trị viên sẽ liên hệ với gian hàng để giải quyết.", code=order.code, total=format_vnd(order.total_vnd)),
            lambda order: _("Đơn %(code)s: người mua đã được hoàn tiền", code=order.code))
    return cancelled, kept


def _tell_refunded(order: Order, payment, message, subject) -> None:
    """The refund on the order's record, and its shop told: `message(order)` and `subject(order)` are worded
    when the notice is sent, in each member's language."""
    record_provider_refund(order, payment)
    notify_shop(order.shop_id, "refund", lambda: message(order), order_id=order.id,
                mail_subject=lambda: subject(order))


def tell_shops_of_partial_refund(checkout: Checkout, refunded_vnd: int) -> None:
    """The provider gave back part of a checkout's money on its own: no order changes (which one would it
    be?), an admin decides; meanwhile the shops whose orders were paid by it hear of it."""
    for order in (order for order in checkout.orders if order.payment_status == PAYMENT_RECEIVED):
        notify_shop(order.shop_id, "refund", lambda order=order: _(
            "Cổng thanh toán đã hoàn một phần (%(refunded)s) của lần thanh toán có đơn %(code)s. Đơn vẫn giữ "
            "nguyên; quản trị viên sẽ liên hệ nếu cần.", refunded=format_vnd(refunded_vnd), code=order.code),
            order_id=order.id)


def _mark_refunded(order: Order, note: str) -> bool:
    """The money went back but the order stays where it is (the goods are on their way or delivered)."""
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == order.status,
                            Order.payment_status == PAYMENT_RECEIVED)
        .values(payment_status=REFUNDED, updated_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.expire(order)
        return False
    set_committed_value(order, "payment_status", REFUNDED)
    order.events.append(OrderEvent(actor_role=SYSTEM, from_status=order.status, to_status=order.status, note=note))
    db.session.flush()
    return True


def due_unpaid_order_ids(now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Order.id).where(Order.status == AWAITING_PAYMENT, Order.payment_due_at < now).order_by(Order.id)
    ))


def expire_order(order_id: int, now: datetime | None = None) -> bool:
    """Cancel one unpaid order past its deadline and give its stock back. False when it is no longer
    due (paid meanwhile, or already expired by another run): the conditional update sees to that."""
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    if order is None or order.status != AWAITING_PAYMENT or order.payment_due_at is None:
        return False
    due = order.payment_due_at if order.payment_due_at.tzinfo else order.payment_due_at.replace(tzinfo=now.tzinfo)
    if due >= now:
        return False
    reason = _("Quá hạn thanh toán.")
    return _move(order, CANCELLED, role=SYSTEM, actor=None, note=reason, cancel_reason=reason)
