"""The cart, for the JSON API and the web pages alike.

Who owns a cart is always said explicitly, never read from the request, so a page can call these
functions as they are:

    CartOwner.for_user(user_id)   a signed-in buyer's cart, kept in the database (every device sees it)
    CartOwner.for_guest(token)    a guest's cart. A page makes the token with new_guest_token() and keeps
                                  it in the browser session under SESSION_KEY; the mobile app gets one
                                  from POST /api/v1/cart and sends it as the X-Cart-Token header.

Functions (they flush; the request commits once, as everywhere):

    find_cart(owner) -> Cart | None          get_or_create_cart(owner) -> Cart
    add_item(owner, variant_id, quantity)    adds to the line that already holds the variant; takes the
                                             current price as the one the buyer saw (they are on the
                                             product page)
    set_quantity(owner, item_id, quantity)   remove_item(owner, item_id)
    accept_changes(owner)                    the buyer has seen the new prices: they become the prices seen
    merge_guest_cart(token, user_id)         at login: the guest's lines move into the user's cart
    review(cart) -> CartReview               what the cart page shows: lines grouped by shop, each with its
                                             current price and its problems (price changed, sold out, not
                                             enough stock, no longer sold), each shop's delivery fee and the
                                             amount to pay. review(None) is an empty cart.

Checkout (marketplace.orders.services.place_checkout) refuses a cart whose review has any problem, so a
changed price is always shown to the buyer before they pay. Quantities are checked against stock when
they are set; stock is only taken, for good, when the order is placed.
Errors: DomainError (422, with the field) for a bad quantity or variant, NotFound for a line of
another cart.
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..catalog.models import Product, Variant
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..shops.models import Shop
from ..utils import format_vnd, parse_id, utcnow
from .models import Cart, CartItem

SESSION_KEY = "cart_token"
MAX_QUANTITY = 999
MAX_LINES = 100

SOLD_OUT = "sold_out"
NOT_ENOUGH_STOCK = "not_enough_stock"
PRICE_CHANGED = "price_changed"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class CartOwner:
    user_id: int | None = None
    token: str | None = None

    @classmethod
    def for_user(cls, user_id: int) -> "CartOwner":
        return cls(user_id=user_id)

    @classmethod
    def for_guest(cls, token: str) -> "CartOwner":
        return cls(token=token)


@dataclass
class LineProblem:
    code: str
    message: str


@dataclass
class CartLine:
    item: CartItem
    variant: Variant | None
    product: Product | None
    unit_price_vnd: int
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def line_total_vnd(self) -> int:
        return self.unit_price_vnd * self.item.quantity

    @property
    def can_buy(self) -> bool:
        """Counted in the totals: still on sale with some stock (a changed price or a smaller stock is
        shown, and must be settled before checkout, but the line stays in the sums)."""
        return not any(p.code in (UNAVAILABLE, SOLD_OUT) for p in self.problems)


@dataclass
class ShopGroup:
    shop: Shop | None  # None: lines whose variant the seller removed (their shop is unknown)
    lines: list[CartLine]

    @property
    def subtotal_vnd(self) -> int:
        return sum(line.line_total_vnd for line in self.lines if line.can_buy)

    @property
    def shipping_fee_vnd(self) -> int:
        if self.shop is None or self.subtotal_vnd == 0:
            return 0
        return self.shop.shipping_fee_for(self.subtotal_vnd)

    @property
    def total_vnd(self) -> int:
        return self.subtotal_vnd + self.shipping_fee_vnd


@dataclass
class CartReview:
    cart: Cart | None
    groups: list[ShopGroup]

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def amount_vnd(self) -> int:
        return sum(group.total_vnd for group in self.groups)

    @property
    def item_count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.problems for line in self.lines)

    def problems_by_field(self) -> dict[str, list[str]]:
        """Per line, as the `errors` of a problem+json answer: {"items.12": ["..."]}."""
        return {f"items.{line.item.id}": [p.message for p in line.problems] for line in self.lines if line.problems}


# --- owners and carts ---------------------------------------------------------------

def new_guest_token() -> str:
    return secrets.token_urlsafe(32)


def new_guest_cart() -> tuple[str, Cart]:
    """A guest's new cart and its token. The token was drawn just now (256 random bits): no cart has it and no
    other request can be making one with it, so there is nothing to look up first."""
    token = new_guest_token()
    cart = Cart(token_hash=_hash(token))
    db.session.add(cart)
    return token, cart


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owner_filter(owner: CartOwner):
    if owner.user_id is not None:
        return Cart.user_id == owner.user_id
    if owner.token and 16 <= len(owner.token) <= 200:
        return Cart.token_hash == _hash(owner.token)
    return None


def find_cart(owner: CartOwner | None) -> Cart | None:
    condition = _owner_filter(owner) if owner is not None else None
    if condition is None:
        return None
    return db.session.scalar(
        select(Cart).where(condition).options(
            selectinload(Cart.items).joinedload(CartItem.variant).joinedload(Variant.product)
            .joinedload(Product.shop).lazyload("*"))  # not the shop's pictures, which a cart never shows
    )


def cart_quantity(owner: CartOwner | None) -> int:
    """How many items the owner's cart holds, in one query (the header shows it on every page)."""
    condition = _owner_filter(owner) if owner is not None else None
    if condition is None:
        return 0
    return db.session.scalar(select(func.coalesce(func.sum(CartItem.quantity), 0))
                             .select_from(Cart).join(CartItem, CartItem.cart_id == Cart.id).where(condition))


def user_cart_quantity(user_id):
    """cart_quantity of a signed-in user's cart as an SQL expression, for the header's one query."""
    return (select(func.coalesce(func.sum(CartItem.quantity), 0)).select_from(Cart)
            .join(CartItem, CartItem.cart_id == Cart.id).where(Cart.user_id == user_id).scalar_subquery())


def get_or_create_cart(owner: CartOwner) -> Cart:
    cart = find_cart(owner)
    if cart is not None:
        return cart
    if owner.user_id is not None:
        cart = Cart(user_id=owner.user_id)
    elif _owner_filter(owner) is not None:
        cart = Cart(token_hash=_hash(owner.token))
    else:
        raise DomainError(_("Không tìm thấy giỏ hàng."), "cart")
    # Two first adds at once (two tabs, a double tap) may both try to create the cart: the loser's
    # insert is undone alone, and it takes the cart the winner made.
    try:
        with db.session.begin_nested():
            db.session.add(cart)
    except IntegrityError:
        cart = find_cart(owner)
        if cart is None:
            raise
    return cart


def _touch(cart: Cart) -> None:
    cart.updated_at = utcnow()


# --- lines --------------------------------------------------------------------------

def clean_quantity(value) -> int:
    """A whole number of units from 1 to MAX_QUANTITY, whatever shape it came in."""
    message = _("Số lượng phải là số nguyên từ 1 đến %(n)d.", n=MAX_QUANTITY)
    if isinstance(value, bool) or value is None:
        raise DomainError(message, "quantity")
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise DomainError(message, "quantity")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise DomainError(message, "quantity") from None
    if number != value and str(number) != str(value):
        raise DomainError(message, "quantity")  # 1.5 is not a quantity
    if not 1 <= number <= MAX_QUANTITY:
        raise DomainError(message, "quantity")
    return number


def _label(product_title: str, variant_name: str) -> str:
    return f"{product_title} – {variant_name}"


def _on_sale_variant(variant_id) -> Variant:
    variant_id = parse_id(variant_id)
    variant = db.session.scalar(
        select(Variant).where(Variant.id == variant_id)
        .options(joinedload(Variant.product).joinedload(Product.shop).lazyload("*"))
    ) if variant_id else None
    if variant is None or not variant.product.is_public:
        raise DomainError(_("Không tìm thấy loại hàng này, hoặc sản phẩm đã ngừng bán."), "variant_id")
    return variant


def _check_stock(variant: Variant, quantity: int) -> None:
    # A Conflict (409): the request is well formed, the shelf is what refuses it.
    label = _label(variant.product.title, variant.name)
    if variant.stock <= 0:
        raise Conflict(_("“%(item)s” đã hết hàng.", item=label), "quantity")
    if quantity > variant.stock:
        raise Conflict(_("Chỉ còn %(n)d “%(item)s”.", n=variant.stock, item=label), "quantity")


def add_item(owner: CartOwner, variant_id, quantity, cart: Cart | None = None) -> CartItem:
    """`cart`: the owner's, when the caller has already read it (its line comes back in `item.cart`)."""
    quantity = clean_quantity(quantity)
    variant = _on_sale_variant(variant_id)
    cart = cart or get_or_create_cart(owner)
    item = next((i for i in cart.items if i.variant_id == variant.id), None)
    if item is None:
        if len(cart.items) >= MAX_LINES:  # the cart's state refuses it: 409, as for stock
            raise Conflict(_("Giỏ hàng có tối đa %(n)d món.", n=MAX_LINES), "variant_id")
        _check_stock(variant, quantity)
        # Two taps at once may both add the line: the loser's insert is undone alone and it adds to the
        # winner's line instead.
        try:
            with db.session.begin_nested():
                item = CartItem(variant=variant, quantity=quantity, price_seen_vnd=variant.price_vnd,
                                product_title=variant.product.title, variant_name=variant.name)
                cart.items.append(item)
            _touch(cart)
            db.session.flush()
            return item
        except IntegrityError:
            db.session.expire(cart, ["items"])
            item = next(i for i in cart.items if i.variant_id == variant.id)
    total = quantity + item.quantity
    if total > MAX_QUANTITY:
        raise Conflict(_("Giỏ hàng đã có %(have)d “%(item)s”; mỗi loại hàng tối đa %(n)d.", have=item.quantity,
                         item=_label(variant.product.title, variant.name), n=MAX_QUANTITY), "quantity")
    _check_stock(variant, total)
    # Added in SQL, so that two taps at once count twice.
    db.session.execute(update(CartItem).where(CartItem.id == item.id)
                       .values(quantity=CartItem.quantity + quantity))
    db.session.expire(item, ["quantity"])
    item.price_seen_vnd = variant.price_vnd
    item.product_title, item.variant_name = variant.product.title, variant.name
    _touch(cart)
    db.session.flush()
    return item


def _item_of(owner: CartOwner, item_id) -> tuple[Cart, CartItem]:
    cart = find_cart(owner)
    item_id = parse_id(item_id)
    item = next((i for i in cart.items if i.id == item_id), None) if cart is not None and item_id else None
    if item is None:
        raise NotFound(_("Không tìm thấy món này trong giỏ hàng."))
    return cart, item


def set_quantity(owner: CartOwner, item_id, quantity) -> CartItem:
    quantity = clean_quantity(quantity)
    cart, item = _item_of(owner, item_id)
    variant = item.variant
    if variant is None or not variant.product.is_public:
        raise DomainError(_("“%(item)s” không còn bán; hãy xoá khỏi giỏ.",
                            item=_label(item.product_title, item.variant_name)), "quantity")
    _check_stock(variant, quantity)
    item.quantity = quantity
    _touch(cart)
    db.session.flush()
    return item


def remove_item(owner: CartOwner, item_id) -> None:
    cart, item = _item_of(owner, item_id)
    cart.items.remove(item)
    _touch(cart)
    db.session.flush()


def accept_changes(owner: CartOwner) -> Cart | None:
    """The buyer was shown the new prices and goes on: those become the prices they saw."""
    cart = find_cart(owner)
    if cart is None:
        return None
    for item in cart.items:
        if item.variant is not None:
            item.price_seen_vnd = item.variant.price_vnd
    _touch(cart)
    db.session.flush()
    return cart


def merge_guest_cart(token: str | None, user_id: int) -> Cart | None:
    """At login the guest's lines join the user's cart (quantities of the same variant add up, up to
    MAX_QUANTITY; stock is checked by the review, so logging in never fails) and the guest cart goes."""
    guest = find_cart(CartOwner.for_guest(token)) if token else None
    if guest is None:
        return find_cart(CartOwner.for_user(user_id))
    cart = get_or_create_cart(CartOwner.for_user(user_id))
    by_variant = {item.variant_id: item for item in cart.items}
    for line in list(guest.items):
        if line.variant_id is None:
            continue
        mine = by_variant.get(line.variant_id)
        if mine is None:
            if len(cart.items) >= MAX_LINES:
                break
            mine = CartItem(variant=line.variant, quantity=0, product_title=line.product_title,
                            variant_name=line.variant_name)
            cart.items.append(mine)
            by_variant[line.variant_id] = mine
        mine.quantity = min(mine.quantity + line.quantity, MAX_QUANTITY)
        mine.price_seen_vnd = line.price_seen_vnd  # the price this browser showed most recently
    db.session.delete(guest)
    _touch(cart)
    db.session.flush()
    return cart


def clear(cart: Cart) -> None:
    cart.items.clear()
    _touch(cart)
    db.session.flush()


# --- what the buyer sees --------------------------------------------------------------

def _line(item: CartItem) -> CartLine:
    variant = item.variant
    product = variant.product if variant is not None else None
    label = _label(product.title if product else item.product_title, variant.name if variant else item.variant_name)
    if variant is None or not product.is_public:
        return CartLine(item, variant, product, item.price_seen_vnd,
                        [LineProblem(UNAVAILABLE, _("“%(item)s” không còn bán.", item=label))])
    line = CartLine(item, variant, product, variant.price_vnd)
    if variant.stock <= 0:
        line.problems.append(LineProblem(SOLD_OUT, _("“%(item)s” đã hết hàng.", item=label)))
    elif variant.stock < item.quantity:
        line.problems.append(LineProblem(NOT_ENOUGH_STOCK, _(
            "Chỉ còn %(n)d “%(item)s”; hãy giảm số lượng.", n=variant.stock, item=label)))
    if variant.price_vnd != item.price_seen_vnd:
        line.problems.append(LineProblem(PRICE_CHANGED, _(
            "Giá “%(item)s” đã đổi từ %(old)s thành %(new)s.", item=label,
            old=format_vnd(item.price_seen_vnd), new=format_vnd(variant.price_vnd))))
    return line


def review(cart: Cart | None) -> CartReview:
    if cart is None:
        return CartReview(None, [])
    groups: dict[int | None, ShopGroup] = {}
    for item in cart.items:
        line = _line(item)
        shop = line.product.shop if line.product is not None else None
        key = shop.id if shop is not None else None
        groups.setdefault(key, ShopGroup(shop, [])).lines.append(line)
    ordered = sorted(groups.values(), key=lambda g: (g.shop is None, g.shop.id if g.shop else 0))
    return CartReview(cart, ordered)
