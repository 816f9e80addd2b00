"""Seller verification, and hiding a shop or a product from buyers (moderation).

An admin's hiding is kept apart from the seller's own status: `hidden_by_admin_at` and
`moderation_reason` on Shop and Product. A seller may hide and show their products as they
like (`Product.status`), but cannot lift an admin's hiding; `is_public` needs both. The search
index follows by itself: a changed Product or Shop row is queued for the index in the same
flush (marketplace/search/sync.py), and a shop's change re-indexes all of its products.
"""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.services import record_decision
from ..catalog.models import Product, ProductPhoto
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..permissions import require_admin
from ..queries import get_by_id, paginate
from ..shops.models import Shop, ShopMember
from ..shops.services import notify_shop
from ..utils import clean_text, parse_id, slugify, utcnow

MIN_REASON, MAX_REASON = 5, 500
SHOP_FILTERS = ("unverified", "verified", "hidden")


def clean_reason(value, *, required: bool, field: str = "reason") -> str | None:
    reason = clean_text(value)
    if required and len(reason) < MIN_REASON:
        raise DomainError(_("Vui lòng ghi lý do (ít nhất 5 ký tự): người bán sẽ đọc lý do này."), field)
    if len(reason) > MAX_REASON:
        raise DomainError(_("Lý do tối đa %(n)d ký tự.", n=MAX_REASON), field)
    return reason or None


# --- reading ------------------------------------------------------------------------------

def list_shops(*, q: str = "", show: str = "", page: int = 1, per_page: int = 30) -> tuple[list[Shop], int]:
    """Shops newest first; `q` matches the name as typed, or without accents through the slug."""
    query = select(Shop)
    q = clean_text(q)
    if q:
        query = query.where(or_(Shop.name.icontains(q, autoescape=True),
                                Shop.slug.contains(slugify(q), autoescape=True)))
    if show == "unverified":
        query = query.where(Shop.is_verified.is_(False))
    elif show == "verified":
        query = query.where(Shop.is_verified.is_(True))
    elif show == "hidden":
        query = query.where(Shop.hidden_by_admin_at.is_not(None))
    return paginate(query, page, per_page, Shop.created_at.desc(), Shop.id.desc(), options=(selectinload(Shop.logo),))


def product_counts(shop_ids: list[int]) -> dict[int, int]:
    """Products each shop lists (deleted ones left out), for the shops list in one query."""
    if not shop_ids:
        return {}
    rows = db.session.execute(select(Product.shop_id, func.count()).where(
        Product.shop_id.in_(shop_ids), Product.status != "deleted").group_by(Product.shop_id))
    return dict(rows.all())


def get_shop(shop_id) -> Shop:
    shop_id = parse_id(shop_id)
    shop = db.session.scalar(select(Shop).where(Shop.id == shop_id).options(
        selectinload(Shop.members).selectinload(ShopMember.user))) if shop_id else None
    if shop is None:
        raise NotFound(_("Không tìm thấy gian hàng."))
    return shop


def shop_products(shop: Shop) -> list[Product]:
    return list(db.session.scalars(
        select(Product).where(Product.shop_id == shop.id, Product.status != "deleted")
        .options(selectinload(Product.variants), selectinload(Product.photos).joinedload(ProductPhoto.image))
        .order_by(Product.created_at.desc(), Product.id.desc())))


def get_product(product_id) -> Product:
    product = get_by_id(Product, product_id)
    if product is None or product.status == "deleted":
        raise NotFound(_("Không tìm thấy sản phẩm."))
    return product


# --- deciding ---------------------------------------------------------------------------

def _short(reason: str) -> str:
    return reason if len(reason) <= 180 else reason[:179] + "…"


def set_verified(shop: Shop, actor: User, verified: bool, note: str | None = None) -> Shop:
    require_admin(actor)
    note = clean_reason(note, required=False, field="note")
    if shop.is_verified == verified:
        raise Conflict(_("Gian hàng đã được xác minh.") if verified else _("Gian hàng chưa được xác minh."))
    shop.is_verified = verified
    record_decision(actor, "shop.verify" if verified else "shop.unverify", "shop", shop.id, reason=note)
    if verified:
        notify_shop(shop.id, "verification", lambda: _(
            "Gian hàng %(shop)s đã được ban quản trị xác minh: người mua thấy dấu “Đã xác minh”.", shop=shop.name))
    db.session.flush()
    return shop


def hide_shop(shop: Shop, actor: User, reason) -> Shop:
    return _moderate(shop, actor, True, reason, _("Gian hàng này đã bị ẩn."), lambda reason: _(
        "Ban quản trị đã ẩn gian hàng %(shop)s. Lý do: %(reason)s", shop=shop.name, reason=_short(reason)))


def unhide_shop(shop: Shop, actor: User, note=None) -> Shop:
    return _moderate(shop, actor, False, note, _("Gian hàng này không bị ẩn."), lambda _note: _(
        "Ban quản trị đã cho hiện lại gian hàng %(shop)s.", shop=shop.name))


def hide_product(product: Product, actor: User, reason) -> Product:
    return _moderate(product, actor, True, reason, _("Sản phẩm này đã bị ẩn."), lambda reason: _(
        "Ban quản trị đã ẩn sản phẩm “%(title)s”. Lý do: %(reason)s", title=product.title[:80],
        reason=_short(reason)), title=product.title)


def unhide_product(product: Product, actor: User, note=None) -> Product:
    return _moderate(product, actor, False, note, _("Sản phẩm này không bị ẩn."), lambda _note: _(
        "Ban quản trị đã cho hiện lại sản phẩm “%(title)s”.", title=product.title[:80]), title=product.title)


def _moderate(subject: Shop | Product, actor: User, hide: bool, reason, refused: str, notice, **details):
    """Hide a shop or a product (a reason is required: the seller reads it) or show it again (a note may say
    why; the log keeps the reason it was hidden for), logged in the decision's transaction and told to the
    shop. `notice(reason)` words the shop's notification, in each member's language when it is sent."""
    require_admin(actor)
    reason = clean_reason(reason, required=hide, field="reason" if hide else "note")
    if (subject.hidden_by_admin_at is not None) == hide:
        raise Conflict(refused)
    kind = "shop" if isinstance(subject, Shop) else "product"
    if not hide:
        details["hidden_for"] = subject.moderation_reason
    subject.hidden_by_admin_at, subject.moderation_reason = (utcnow(), reason) if hide else (None, None)
    record_decision(actor, ("shop.hide" if hide else "shop.unhide") if kind == "shop"
                    else ("product.hide" if hide else "product.unhide"), kind, subject.id, reason=reason, **details)
    notify_shop(subject.id if kind == "shop" else subject.shop_id, "moderation", lambda: notice(reason))
    db.session.flush()
    return subject
