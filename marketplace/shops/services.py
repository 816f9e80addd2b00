"""Opening and running a shop; who may do what in it."""

import re
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.services import find_by_login
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..notifications.services import notify
from ..permissions import MANAGER, OWNER, require_role, role_in
from ..phones import normalize_phone
from ..queries import get_by_id, paginate
from ..utils import clean_text, fold, slugify
from .banks import BANKS
from .locations import check_location
from .models import Shop, ShopMember

# Read before lower-casing, and in ASCII only: "K" (the Kelvin sign) lower-cases to a "k" nobody typed.
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII | re.IGNORECASE)
MAX_NAME = 120
MAX_DESCRIPTION = 5000
MAX_ADDRESS = 255
MAX_HOLDER = 100
PROFILE_FIELDS = ("name", "description", "province_code", "ward_code", "address", "phone", "zalo", "slug",
                  "shipping_fee_vnd", "free_shipping_from_vnd")
MAX_SHIPPING_FEE_VND = 5_000_000
MAX_FREE_SHIPPING_FROM_VND = 1_000_000_000


def shops_of(user: User) -> list[Shop]:
    return list(db.session.scalars(
        select(Shop).join(ShopMember).where(ShopMember.user_id == user.id).order_by(Shop.created_at)
    ))


def get_shop(slug: str) -> Shop:
    shop = db.session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is None:
        raise NotFound(_("Không tìm thấy gian hàng."))
    return shop


def get_shop_by_id(shop_id: int) -> Shop:
    shop = get_by_id(Shop, shop_id)
    if shop is None:
        raise NotFound(_("Không tìm thấy gian hàng."))
    return shop


def get_public_shop(slug: str) -> Shop:
    shop = get_shop(slug)
    if not shop.is_public:
        raise NotFound(_("Không tìm thấy gian hàng."))
    return shop


def unique_slug(model, text: str, exclude_id: int | None = None) -> str:
    base = slugify(text)
    candidate, n = base, 1
    while True:
        query = select(model.id).where(model.slug == candidate)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query) is None:
            return candidate
        n += 1
        candidate = f"{base[:70]}-{n}"


def _clean_profile(data: dict, shop: Shop | None) -> dict:
    clean: dict = {}
    if "name" in data or shop is None:
        name = clean_text(data.get("name"))
        if len(name) < 2:
            raise DomainError(_("Tên gian hàng cần ít nhất 2 ký tự."), "name")
        if len(name) > MAX_NAME:
            raise DomainError(_("Tên gian hàng tối đa 120 ký tự."), "name")
        clean["name"] = name
    if "description" in data:
        description = clean_text(data.get("description"))
        if len(description) > MAX_DESCRIPTION:
            raise DomainError(_("Mô tả tối đa 5.000 ký tự."), "description")
        clean["description"] = description
    if "province_code" in data or "ward_code" in data or shop is None:
        province_code = data.get("province_code", shop.province_code if shop else None)
        ward_code = data.get("ward_code", shop.ward_code if shop else None)
        try:
            province, ward = check_location(province_code, ward_code)
        except DomainError as refused:
            if shop is None or ("province_code" in data and "ward_code" in data):
                raise
            raise Conflict(refused.message, refused.field) from None  # the half sent against the one stored
        clean["province_code"], clean["ward_code"] = int(province.code), int(ward.code)
    if "address" in data or shop is None:
        address = clean_text(data.get("address"))
        if not address:
            raise DomainError(_("Vui lòng nhập số nhà, đường, ấp."), "address")
        if len(address) > MAX_ADDRESS:
            raise DomainError(_("Địa chỉ tối đa 255 ký tự."), "address")
        clean["address"] = address
    if "phone" in data or shop is None:
        try:
            clean["phone"] = normalize_phone(data.get("phone") or "", mobile=False)  # a landline will do
        except DomainError as error:
            raise DomainError(error.message, "phone") from None
    if "zalo" in data:
        zalo = (data.get("zalo") or "").strip()
        try:
            clean["zalo"] = normalize_phone(zalo) if zalo else None
        except DomainError as error:
            raise DomainError(error.message, "zalo") from None
    if "shipping_fee_vnd" in data:
        clean["shipping_fee_vnd"] = _optional_vnd(
            data["shipping_fee_vnd"], 0, MAX_SHIPPING_FEE_VND, "shipping_fee_vnd",
            _("Phí giao hàng là số đồng từ 0 đến 5.000.000 (để trống nếu không thu)."))
    if "free_shipping_from_vnd" in data:
        clean["free_shipping_from_vnd"] = _optional_vnd(
            data["free_shipping_from_vnd"], 1, MAX_FREE_SHIPPING_FROM_VND, "free_shipping_from_vnd",
            _("Mức miễn phí giao hàng là số đồng lớn hơn 0 (để trống nếu không miễn phí)."))
    if data.get("slug"):
        slug = data["slug"].strip()
        if not SLUG_RE.fullmatch(slug) or not 3 <= len(slug) <= 80:
            raise DomainError(
                _("Địa chỉ gian hàng chỉ gồm chữ thường không dấu, số và dấu gạch ngang (3-80 ký tự)."), "slug")
        slug = slug.lower()
        taken = select(Shop.id).where(Shop.slug == slug)
        if shop is not None:
            taken = taken.where(Shop.id != shop.id)
        if db.session.scalar(taken) is not None:
            raise Conflict(_("Địa chỉ gian hàng “%(slug)s” đã có người dùng.", slug=slug), "slug")
        clean["slug"] = slug
    return clean


def _optional_vnd(value, low: int, high: int, field: str, message: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DomainError(message, field)
    try:
        number = int(value)
    except ValueError:
        raise DomainError(message, field) from None
    if not low <= number <= high:
        raise DomainError(message, field)
    return number


def open_shop(owner: User, data: dict) -> Shop:
    clean = _clean_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS}, None)
    clean.setdefault("slug", unique_slug(Shop, clean["name"]))
    shop = Shop(**clean)
    shop.members.append(ShopMember(user=owner, role=OWNER))
    db.session.add(shop)
    db.session.flush()
    return shop


def update_shop(shop: Shop, actor: User, data: dict) -> Shop:
    require_role(actor, shop)
    clean = _clean_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS}, shop)
    if any(k.startswith("bank_") for k in data):
        set_bank_account(shop, actor, data.get("bank_bin"), data.get("bank_account_number"),
                         data.get("bank_account_name"))
    for key, value in clean.items():
        setattr(shop, key, value)
    db.session.flush()
    return shop


def set_bank_account(shop: Shop, actor: User, bank_bin: str | None, number: str | None, name: str | None) -> None:
    """The account buyers transfer to: only the owner may set it (a manager could divert payments)."""
    require_role(actor, shop, OWNER)
    bank_bin = (bank_bin or "").strip()
    number = re.sub(r"[\s.-]", "", number or "")
    holder = fold(clean_text(name)).upper()
    if not bank_bin and not number and not holder:
        shop.bank_bin = shop.bank_account_number = shop.bank_account_name = None
        return
    if bank_bin not in BANKS:
        raise DomainError(_("Vui lòng chọn ngân hàng trong danh sách."), "bank_bin")
    if not re.fullmatch(r"[0-9]{6,19}", number):  # isdigit() would take "١٢٣٤٥٦" too
        raise DomainError(_("Số tài khoản gồm 6 đến 19 chữ số."), "bank_account_number")
    if not holder or len(holder) > MAX_HOLDER:
        raise DomainError(_("Vui lòng nhập tên chủ tài khoản."), "bank_account_name")
    shop.bank_bin, shop.bank_account_number, shop.bank_account_name = bank_bin, number, holder
    db.session.flush()


def set_shop_image(shop: Shop, actor: User, which: str, image) -> None:
    require_role(actor, shop)
    if which not in ("logo", "cover"):
        raise DomainError(_("Loại ảnh không hợp lệ."))
    setattr(shop, which, image)
    db.session.flush()


def add_manager(shop: Shop, actor: User, login: str) -> ShopMember:
    require_role(actor, shop, OWNER)
    user = find_by_login(login)
    if user is None:
        raise DomainError(
            _("Chưa có tài khoản nào với số điện thoại hoặc email này. Người đó cần đăng ký trước."), "login")
    if role_in(user, shop):
        raise Conflict(_("%(name)s đã là thành viên của gian hàng.", name=user.name), "login")
    member = ShopMember(shop=shop, user=user, role=MANAGER)
    db.session.add(member)
    db.session.flush()
    return member


def remove_member(shop: Shop, actor: User, member_id: int) -> None:
    require_role(actor, shop, OWNER)
    member = db.session.get(ShopMember, member_id)
    if member is None or member.shop_id != shop.id:
        raise NotFound(_("Không tìm thấy thành viên."))
    if member.role == OWNER:
        raise DomainError(_("Không thể xoá chủ gian hàng."))
    db.session.delete(member)
    db.session.flush()


def notify_shop(shop_id: int, kind: str, message: Callable[[], str], *, order_id: int | None = None,
                mail_subject: Callable[[], str] | None = None, mail_body: Callable[[], str] | None = None) -> int:
    """A notice to every member of a shop, and a mail to those with an address when `mail_subject` is given
    (notifications.services.notify). Returns how many members were told."""
    members = db.session.scalars(
        select(ShopMember).where(ShopMember.shop_id == shop_id).options(selectinload(ShopMember.user))).all()
    return notify([member.user for member in members], kind, message, order_id=order_id,
                  mail_subject=mail_subject, mail_body=mail_body)


def list_public_shops(province_code: int | None = None, page: int = 1, per_page: int = 24) -> tuple[list[Shop], int]:
    query = select(Shop).where(Shop.is_public)
    if province_code:
        query = query.where(Shop.province_code == province_code)
    return paginate(query, page, per_page, Shop.created_at.desc(), Shop.id.desc())


def province_shop_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(Shop.province_code, func.count()).where(Shop.is_public).group_by(Shop.province_code)
    )
    return {code: count for code, count in rows}
