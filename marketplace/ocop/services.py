"""OCOP ratings as buyers see them (only approved, unexpired claims count), the shops' claims and the
admins' decisions on them."""

import calendar
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.services import record_decision
from ..cache import catalogue_changed
from ..catalog.models import Product, ProductPhoto
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..permissions import require_admin, require_role, role_in
from ..queries import paginate
from ..search.sync import queue_products
from ..shops.services import notify_shop
from ..transaction import after_commit
from ..utils import clean_text, utcnow, vietnam_today
from .certificates import check_certificate, store
from .certificates import remove as remove_certificate
from .models import APPROVED, GROUPS, PENDING, RATING_MONTHS, REJECTED, STARS, STATUSES, OcopClaim

MAX_REJECTION = 500


def current_claim_filter(today: date | None = None):
    """The SQL condition for a claim that shows its badge today (join OcopClaim to use it)."""
    return (OcopClaim.status == APPROVED) & (OcopClaim.expires_on >= (today or vietnam_today()))


def current_rating(product) -> OcopClaim | None:
    """The product's rating as shown to buyers, or None (no claim, not approved, or expired)."""
    claim = db.session.scalar(select(OcopClaim).where(OcopClaim.product_id == product.id))
    return claim if claim is not None and claim.is_current() else None


def current_ratings(product_ids) -> dict[int, OcopClaim]:
    """current_rating for many products in one query (lists of product cards)."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(OcopClaim).where(OcopClaim.product_id.in_(ids), current_claim_filter()))
    return {claim.product_id: claim for claim in rows}


def products_by_stars() -> dict[int, int]:
    """How many products (deleted ones left out) hold a current rating, per star count (the admins' figures)."""
    rows = db.session.execute(select(OcopClaim.stars, func.count()).join(OcopClaim.product)
                              .where(current_claim_filter(), Product.status != "deleted")
                              .group_by(OcopClaim.stars))
    counts = {stars: 0 for stars in (3, 4, 5)}
    counts.update({stars: n for stars, n in rows})
    return counts


# --- the seller's claim ------------------------------------------------------------------

def group_labels() -> dict[str, str]:
    return {"food": _("Thực phẩm"), "beverages": _("Đồ uống"), "herbal": _("Thảo dược"),
            "handicrafts": _("Thủ công mỹ nghệ, trang trí"), "ornamental": _("Sinh vật cảnh"),
            "tourism": _("Dịch vụ du lịch cộng đồng")}


def status_labels() -> dict[str, str]:
    return {PENDING: _("Đang chờ duyệt"), APPROVED: _("Đã duyệt"), REJECTED: _("Bị từ chối")}


def level_for(stars: int) -> str:
    """3 and 4 stars are recognised by the province's People's Committee, 5 stars by the Prime Minister."""
    return "national" if stars == 5 else "province"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (29 Feb 2024 + 36 months is 28 Feb 2027)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proposed_expiry(decided_on: date) -> date:
    return add_months(decided_on, RATING_MONTHS)


def claim_of(product) -> OcopClaim | None:
    return db.session.scalar(select(OcopClaim).where(OcopClaim.product_id == product.id))


def get_claim_for_seller(product, actor) -> OcopClaim | None:
    """The product's claim as its shop sees it (any status); only the shop's members may look."""
    require_role(actor, product.shop)
    return claim_of(product)


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _date(value, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(_("Ngày không hợp lệ (dạng YYYY-MM-DD)."), field) from None


def _clean(data: dict, product, current: OcopClaim | None) -> dict:
    """Every field checked against the programme's rules; errors name their field."""
    def given(name):
        value = data.get(name)
        return getattr(current, name) if value in (None, "") and current is not None else value

    raw_stars = given("stars")
    try:
        stars = int(raw_stars)
    except (TypeError, ValueError):
        stars = None
    if stars not in STARS:
        raise DomainError(_("Số sao OCOP phải là 3, 4 hoặc 5."), "stars")
    number = clean_text(given("decision_number"))
    if _has_control(number):
        raise DomainError(_("Số quyết định có ký tự không hợp lệ."), "decision_number")
    if not number:
        raise DomainError(_("Hãy nhập số quyết định công nhận."), "decision_number")
    if len(number) > 60:
        raise DomainError(_("Số quyết định tối đa %(max)d ký tự.", max=60), "decision_number")
    if given("decided_on") in (None, ""):
        raise DomainError(_("Hãy nhập ngày ký quyết định."), "decided_on")
    decided_on = _date(given("decided_on"), "decided_on")
    today = vietnam_today()
    if decided_on > today:
        raise DomainError(_("Ngày quyết định không thể ở tương lai."), "decided_on")
    level = level_for(stars)
    asked_level = data.get("issuing_level")
    if asked_level not in (None, "") and asked_level != level:
        refusal = Conflict if data.get("stars") in (None, "") else DomainError  # against the stars stored
        raise refusal(_("Sản phẩm 3 và 4 sao do tỉnh công nhận, 5 sao do trung ương công nhận."), "issuing_level")
    group = given("product_group") or (product.category.ocop_group if product.category else None)
    if group not in GROUPS:
        raise DomainError(_("Hãy chọn nhóm sản phẩm OCOP."), "product_group")
    # Blank expiry: the programme's 36 months. An expiry kept from before follows a changed decision date
    # only if the seller did not type one.
    if data.get("expires_on") not in (None, ""):
        expires_on = _date(data["expires_on"], "expires_on")
    elif current is not None and decided_on == current.decided_on:
        expires_on = current.expires_on
    else:
        expires_on = proposed_expiry(decided_on)
    if expires_on <= decided_on:
        raise DomainError(_("Ngày hết hạn phải sau ngày quyết định."), "expires_on")
    if expires_on > proposed_expiry(decided_on):
        raise DomainError(_("Chứng nhận OCOP có hiệu lực tối đa 36 tháng kể từ ngày quyết định."), "expires_on")
    if expires_on < today:
        raise DomainError(_("Chứng nhận này đã hết hạn: không thể gửi duyệt."), "expires_on")
    return {"stars": stars, "decision_number": number, "decided_on": decided_on, "issuing_level": level,
            "product_group": group, "expires_on": expires_on}


def submit_claim(product, actor, data: dict, certificate: bytes | None) -> OcopClaim:
    """A new claim for a product of the actor's shop, waiting for an admin. One claim per product."""
    require_role(actor, product.shop)
    if claim_of(product) is not None:
        raise Conflict(_("Sản phẩm này đã có hồ sơ OCOP: hãy sửa hồ sơ đó."))
    fields = _clean(data, product, None)
    if not certificate:
        raise DomainError(_("Hãy chọn ảnh chụp hoặc tệp PDF của giấy chứng nhận OCOP."), "certificate")
    checked = check_certificate(certificate)
    claim = OcopClaim(product_id=product.id, status=PENDING, submitted_at=utcnow(), **fields,
                      certificate_key=store(checked), certificate_type=checked.content_type)
    db.session.add(claim)
    db.session.flush()
    # The claim is read with its product: hand it over (the session would hold it only weakly) without the
    # query a backref would make.
    set_committed_value(claim, "product", product)
    queue_products(db.session, {product.id})
    return claim


def update_claim(claim: OcopClaim, actor, data: dict, certificate: bytes | None) -> OcopClaim:
    """Correct a claim. A rejected claim goes back to the queue (sent again). An approved claim goes back
    to the queue when anything the admin checked against the certificate changes: its stars or scan, but
    also the decision number, dates and group, since the number and expiry are shown to buyers and an
    unchecked later expiry would keep a badge alive that the programme has ended. Saving it unchanged
    keeps it approved."""
    product = claim.product
    require_role(actor, product.shop)
    fields = _clean(data, product, claim)
    old_key = claim.certificate_key
    if certificate:
        checked = check_certificate(certificate)
        fields["certificate_key"], fields["certificate_type"] = store(checked), checked.content_type
    changed = {name for name, value in fields.items() if getattr(claim, name) != value}
    for name in changed:
        setattr(claim, name, fields[name])
    if claim.status == REJECTED or (claim.status == APPROVED and changed):
        claim.status = PENDING
        claim.submitted_at = utcnow()
        claim.decided_at = claim.decided_by_id = claim.rejection_reason = None
    if changed:
        claim.reminded_for = None
    db.session.flush()
    if "certificate_key" in changed and not db.session.scalar(
            select(exists().where(OcopClaim.certificate_key == old_key, OcopClaim.id != claim.id))):
        after_commit(remove_certificate, old_key)
    queue_products(db.session, {product.id})
    return claim


def withdraw_claim(claim: OcopClaim, actor) -> None:
    """The shop takes its claim back (any status): the badge, if any, goes at once."""
    require_role(actor, claim.product.shop)
    key, product_id = claim.certificate_key, claim.product_id
    db.session.delete(claim)
    db.session.flush()
    if not db.session.scalar(select(exists().where(OcopClaim.certificate_key == key))):
        after_commit(remove_certificate, key)
    queue_products(db.session, {product_id})


def certificate_for(claim_id: int, viewer) -> OcopClaim:
    """The claim whose scan the viewer may open: the shop's members and admins; for anyone else the
    claim does not exist (404), so ids cannot be probed."""
    claim = db.session.get(OcopClaim, claim_id)
    if claim is None:
        raise NotFound(_("Không tìm thấy giấy chứng nhận."))
    if not getattr(viewer, "is_admin", False) and role_in(viewer, claim.product.shop) is None:
        raise NotFound(_("Không tìm thấy giấy chứng nhận."))
    return claim


# --- the admins' queue -------------------------------------------------------------------

def queue(status: str | None = PENDING, page: int = 1, per_page: int = 20) -> tuple[list[OcopClaim], int]:
    """Claims oldest first, with their product, cover photo and shop loaded in the same round trips. A deleted
    product's claim is left out: there is nothing left to rate (its row stays for past orders)."""
    query = select(OcopClaim).join(OcopClaim.product).where(Product.status != "deleted")
    if status:
        if status not in STATUSES:
            raise DomainError(_("Trạng thái không hợp lệ."), "status")
        query = query.where(OcopClaim.status == status)
    return paginate(query, page, per_page, OcopClaim.submitted_at, OcopClaim.id, options=(
        selectinload(OcopClaim.product).selectinload(Product.shop),
        selectinload(OcopClaim.product).selectinload(Product.photos).selectinload(ProductPhoto.image),
        selectinload(OcopClaim.decided_by)))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OcopClaim).join(OcopClaim.product)
                             .where(OcopClaim.status == PENDING, Product.status != "deleted"))


def get_claim(claim_id: int) -> OcopClaim:
    """A claim for the admins to decide; a deleted product's claim is not found (see `queue`)."""
    claim = db.session.get(OcopClaim, claim_id)
    if claim is None or claim.product.status == "deleted":
        raise NotFound(_("Không tìm thấy hồ sơ OCOP."))
    return claim


def _decide(claim: OcopClaim, admin, status: str, reason: str | None) -> None:
    """Moves the claim only if it is still pending when written (two admins deciding at once: one wins,
    the other gets 409), like the orders' conditional updates."""
    now = utcnow()
    moved = db.session.execute(
        update(OcopClaim).where(OcopClaim.id == claim.id, OcopClaim.status == PENDING)
        .values(status=status, decided_at=now, decided_by_id=admin.id, rejection_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    catalogue_changed()  # the badge, on every page showing the product
    if moved != 1:
        now_status = db.session.scalar(select(OcopClaim.status).where(OcopClaim.id == claim.id))
        if now_status is None:  # the shop withdrew it meanwhile: refreshing the object would fail (a 500)
            raise NotFound(_("Không tìm thấy hồ sơ OCOP: người bán vừa rút hồ sơ này."))
        raise Conflict(_("Hồ sơ này đã được xử lý (trạng thái: %(status)s).",
                         status=status_labels().get(now_status, now_status)))
    db.session.refresh(claim)


def approve(claim: OcopClaim, admin, seen: str | None = None) -> OcopClaim:
    """`seen`: the claim's `updated_at` (ISO) as the admin's page showed it. A pending claim may still be
    edited by its shop (stars, certificate): approving what the admin did not look at would put an unchecked
    badge up, so a claim changed since the page was drawn is refused (409) and shown again."""
    require_admin(admin)
    if seen is not None and seen != claim.updated_at.isoformat():
        raise Conflict(_("Người bán vừa sửa hồ sơ “%(title)s”: hãy xem lại trước khi duyệt.",
                         title=claim.product.title))
    if claim.status == PENDING and claim.expires_on < vietnam_today():
        # It expired while waiting: approving would log a decision that shows nothing. Reject it instead.
        raise DomainError(_("Chứng nhận này đã hết hạn ngày %(date)s: không thể duyệt, hãy từ chối để người bán "
                            "gửi giấy mới.", date=claim.expires_on.strftime("%d/%m/%Y")), "expires_on")
    _decide(claim, admin, APPROVED, None)
    record_decision(admin, "ocop.approve", "ocop_claim", claim.id, product_id=claim.product_id,
                    stars=claim.stars, decision_number=claim.decision_number,
                    expires_on=claim.expires_on.isoformat())
    _notify_shop(claim, "ocop_approved", lambda: _("Sản phẩm “%(title)s” đã được duyệt OCOP %(stars)d sao.",
                                                   title=claim.product.title, stars=claim.stars))
    queue_products(db.session, {claim.product_id})
    return claim


def reject(claim: OcopClaim, admin, reason: str | None) -> OcopClaim:
    require_admin(admin)
    reason = clean_text(reason)
    if _has_control(reason.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise DomainError(_("Lý do có ký tự không hợp lệ."), "reason")
    if not reason:
        raise DomainError(_("Hãy ghi lý do từ chối để người bán biết cần sửa gì."), "reason")
    if len(reason) > MAX_REJECTION:
        raise DomainError(_("Lý do tối đa %(max)d ký tự.", max=MAX_REJECTION), "reason")
    _decide(claim, admin, REJECTED, reason)
    record_decision(admin, "ocop.reject", "ocop_claim", claim.id, reason=reason, product_id=claim.product_id,
                    stars=claim.stars, decision_number=claim.decision_number)
    _notify_shop(claim, "ocop_rejected", lambda: _("Hồ sơ OCOP của “%(title)s” bị từ chối: %(reason)s",
                                                   title=claim.product.title, reason=reason))
    queue_products(db.session, {claim.product_id})
    return claim


def _notify_shop(claim: OcopClaim, kind: str, message, subject=None) -> int:
    return notify_shop(claim.product.shop_id, kind, message,
                       mail_subject=subject or (lambda: _("Chợ Quê: hồ sơ OCOP")))


# --- reminders --------------------------------------------------------------------------

REMIND_DAYS = 30


def remind_expiring(today: date | None = None) -> int:
    """Tell the shops whose approved rating ends within REMIND_DAYS, once per expiry date (`reminded_for`,
    so a second run the same day, or the next, sends nothing new). Returns how many claims were reminded."""
    today = today or vietnam_today()
    claims = db.session.scalars(
        select(OcopClaim).join(OcopClaim.product)
        .where(current_claim_filter(today), OcopClaim.expires_on <= today + timedelta(REMIND_DAYS),
               (OcopClaim.reminded_for.is_(None)) | (OcopClaim.reminded_for != OcopClaim.expires_on),
               Product.status != "deleted")  # a deleted product's rating needs no renewing
        .options(selectinload(OcopClaim.product).selectinload(Product.shop)).order_by(OcopClaim.expires_on)).all()
    for claim in claims:
        days = (claim.expires_on - today).days
        _notify_shop(
            claim, "ocop_expiring",
            lambda claim=claim, days=days: _(
                "Chứng nhận OCOP của “%(title)s” hết hạn ngày %(date)s (còn %(days)d ngày). Hãy gửi giấy chứng "
                "nhận mới để giữ huy hiệu.", title=claim.product.title, date=claim.expires_on.strftime("%d/%m/%Y"),
                days=days),
            lambda: _("Chợ Quê: chứng nhận OCOP sắp hết hạn"))
        claim.reminded_for = claim.expires_on
    db.session.flush()
    return len(claims)
