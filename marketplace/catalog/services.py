"""The rules of the catalogue: what a product must have, who may change it, what buyers see."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..gs1 import BadGtin, gtin14
from ..media.services import save_image
from ..permissions import require_role
from ..queries import get_by_id, paginate
from ..shops.models import Shop
from ..shops.services import unique_slug
from ..utils import clean_text, utcnow
from .models import MAX_PHOTOS, Category, Product, ProductPhoto, Variant
from .units import normalize_unit

MAX_PRICE_VND = 1_000_000_000
MAX_STOCK = 1_000_000
MAX_VARIANTS = 20
MIN_TITLE, MAX_TITLE = 3, 200
MAX_DESCRIPTION = 5000
MAX_VARIANT_NAME = 60
SELLER_STATUSES = ("draft", "active", "hidden")


# --- reading ------------------------------------------------------------------------

def categories_tree() -> list[Category]:
    return list(db.session.scalars(
        select(Category).where(Category.parent_id.is_(None)).options(selectinload(Category.children))
        .order_by(Category.position)
    ))


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.parent_id.nulls_first(), Category.position)))


def get_category(category_id) -> Category:
    category = get_by_id(Category, category_id)
    if category is None:
        raise DomainError(_("Vui lòng chọn danh mục."), "category_id")
    return category


def _listing_data() -> tuple:
    """What a product card or page shows, in a fixed number of queries (built when asked: a loader option
    made at import time would configure the mappers before every model is imported)."""
    return (selectinload(Product.variants), selectinload(Product.photos).joinedload(ProductPhoto.image),
            selectinload(Product.shop), selectinload(Product.category))


def _with_listing_data(query):
    return query.options(*_listing_data())


def public_products_query():
    return select(Product).join(Product.shop).where(Product.is_listed, Shop.is_public)


SORTS = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.price_min_vnd.asc(), Product.id.desc()),
    "price_desc": (Product.price_min_vnd.desc(), Product.id.desc()),
}


def list_public_products(*, category: Category | None = None, province_code: int | None = None,
                         shop: Shop | None = None, sort: str = "newest", page: int = 1,
                         per_page: int = 24) -> tuple[list[Product], int]:
    query = public_products_query()
    if category is not None:
        ids = [category.id, *(child.id for child in category.children)]
        query = query.where(Product.category_id.in_(ids))
    if province_code:
        query = query.where(Shop.province_code == province_code)
    if shop is not None:
        query = query.where(Product.shop_id == shop.id)
    return paginate(query, page, per_page, *SORTS.get(sort, SORTS["newest"]), options=_listing_data())


def list_shop_products(shop: Shop, actor: User) -> list[Product]:
    require_role(actor, shop)
    return list(db.session.scalars(
        _with_listing_data(select(Product).where(Product.shop_id == shop.id, Product.status != "deleted"))
        .order_by(Product.created_at.desc(), Product.id.desc())
    ))


def get_product(product_id, viewer: User | None = None) -> Product:
    """A product as the viewer may see it: public ones for everyone, the rest for its shop."""
    product = db.session.scalar(_with_listing_data(select(Product).where(Product.id == product_id)))
    return _visible(product, viewer)


def get_product_by_slug(slug: str, viewer: User | None = None) -> Product:
    product = db.session.scalar(_with_listing_data(select(Product).where(Product.slug == slug)))
    return _visible(product, viewer)


def _visible(product: Product | None, viewer: User | None) -> Product:
    if product is None or product.status == "deleted":
        raise NotFound(_("Không tìm thấy sản phẩm."))
    if not product.is_public:
        try:
            require_role(viewer, product.shop)
        except DomainError:
            raise NotFound(_("Không tìm thấy sản phẩm.")) from None
    return product


def get_product_for_edit(product_id, actor: User) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.status == "deleted":
        raise NotFound(_("Không tìm thấy sản phẩm."))
    require_role(actor, product.shop)
    return product


# --- writing ------------------------------------------------------------------------

def clean_gtin(value, product: Product | None = None) -> str | None:
    """A product's GTIN as stored (14 digits), None when left empty; unique across products."""
    text = clean_text(value if isinstance(value, str) or value is None else str(value))
    if not text:
        return None
    try:
        gtin = gtin14(text)
    except BadGtin as error:
        if error.reason == "check_digit":
            raise DomainError(_("Mã GTIN sai số kiểm tra (chữ số cuối). Hãy chép lại đúng dãy số dưới mã vạch."),
                              "gtin") from None
        raise DomainError(_("Mã GTIN gồm 8, 12, 13 hoặc 14 chữ số (dãy số dưới mã vạch)."), "gtin") from None
    query = select(Product.id).where(Product.gtin == gtin)
    if product is not None and product.id is not None:
        query = query.where(Product.id != product.id)
    if db.session.scalar(query) is not None:
        raise Conflict(_("Mã GTIN %(gtin)s đã dùng cho một sản phẩm khác.", gtin=gtin), "gtin")
    return gtin


def _clean_title(value) -> str:
    title = clean_text(value)
    if len(title) < MIN_TITLE:
        raise DomainError(_("Tên sản phẩm cần ít nhất 3 ký tự."), "title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("Tên sản phẩm tối đa 200 ký tự."), "title")
    return title


def _clean_description(value) -> str:
    description = clean_text(value)
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(_("Mô tả tối đa 5.000 ký tự."), "description")
    return description


def _int_in_range(value, low: int, high: int, field: str, message: str) -> int:
    if isinstance(value, bool):
        raise DomainError(message, field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(message, field) from None
    if number != value and str(number) != str(value).strip():
        raise DomainError(message, field)
    if not low <= number <= high:
        raise DomainError(message, field)
    return number


def _clean_variants(rows: list[dict]) -> list[dict]:
    if not rows:
        raise DomainError(_("Cần ít nhất một loại hàng với giá và số lượng."), "variants")
    if len(rows) > MAX_VARIANTS:
        raise DomainError(_("Tối đa %(n)d loại hàng cho một sản phẩm.", n=MAX_VARIANTS), "variants")
    clean, names = [], set()
    for index, row in enumerate(rows):
        name = clean_text(row.get("name")) or _("Mặc định")
        if len(name) > MAX_VARIANT_NAME:
            raise DomainError(_("Tên loại hàng tối đa 60 ký tự."), f"variants.{index}.name")
        if name.lower() in names:
            raise DomainError(_("Hai loại hàng trùng tên “%(name)s”.", name=name), f"variants.{index}.name")
        names.add(name.lower())
        price = _int_in_range(row.get("price_vnd"), 1, MAX_PRICE_VND, f"variants.{index}.price_vnd",
                              _("Giá phải là số đồng lớn hơn 0 (tối đa 1 tỷ)."))
        stock = _int_in_range(row.get("stock", 0), 0, MAX_STOCK, f"variants.{index}.stock",
                              _("Số lượng tồn kho phải từ 0 đến 1.000.000."))
        clean.append({"id": row.get("id"), "name": name, "price_vnd": price, "stock": stock, "position": index})
    return clean


def _apply_variants(product: Product, rows: list[dict]) -> None:
    existing = {v.id: v for v in product.variants}
    keep = []
    for row in rows:
        variant = existing.get(row["id"]) if row["id"] is not None else None
        if row["id"] is not None and variant is None:
            raise Conflict(_("Loại hàng không thuộc sản phẩm này."), "variants")  # gone, or never this product's
        if variant is None:
            variant = Variant(product=product)
        variant.name, variant.price_vnd, variant.stock, variant.position = (
            row["name"], row["price_vnd"], row["stock"], row["position"])
        keep.append(variant)
    product.variants = keep
    _refresh_prices(product)


def _refresh_prices(product: Product) -> None:
    prices = [v.price_vnd for v in product.variants]
    product.price_min_vnd, product.price_max_vnd = min(prices), max(prices)


def _clean_status(status, allowed=SELLER_STATUSES) -> str:
    if status not in allowed:
        raise DomainError(_("Trạng thái không hợp lệ."), "status")
    return status


def create_product(shop: Shop, actor: User, *, title, category_id, unit, variants: list[dict],
                   description="", status: str = "active", gtin=None) -> Product:
    require_role(actor, shop)
    title = _clean_title(title)
    gtin = clean_gtin(gtin)
    product = Product(
        gtin=gtin,
        slug=unique_slug(Product, title),
        shop=shop,
        title=title,
        description=_clean_description(description),
        category=get_category(category_id),
        unit=normalize_unit(unit),
        status=_clean_status(status),
    )
    _apply_variants(product, _clean_variants(variants))
    db.session.add(product)
    db.session.flush()
    return product


def update_product(product: Product, actor: User, data: dict) -> Product:
    require_role(actor, product.shop)
    if "title" in data:
        product.title = _clean_title(data["title"])
    if "description" in data:
        product.description = _clean_description(data["description"])
    if "category_id" in data:
        product.category = get_category(data["category_id"])
    if "unit" in data:
        product.unit = normalize_unit(data["unit"])
    if "status" in data:
        status = _clean_status(data["status"])
        if product.hidden_by_admin_at is not None and status == "active" and product.status != "active":
            raise DomainError(_("Quản trị viên đã ẩn sản phẩm này (lý do: %(reason)s). Bạn không thể tự đăng bán "
                                "lại; hãy liên hệ ban quản trị.", reason=product.moderation_reason), "status")
        product.status = status
    if "variants" in data:
        _apply_variants(product, _clean_variants(data["variants"]))
    if "gtin" in data:
        product.gtin = clean_gtin(data["gtin"], product)
    product.updated_at = utcnow()
    db.session.flush()
    return product


def set_status(product: Product, actor: User, status: str) -> Product:
    return update_product(product, actor, {"status": status})


def delete_product(product: Product, actor: User) -> None:
    """Kept as a row so that past orders still point at what was bought."""
    require_role(actor, product.shop)
    product.status = "deleted"
    product.updated_at = utcnow()
    db.session.flush()


def set_stock(variant: Variant, actor: User, stock) -> Variant:
    require_role(actor, variant.product.shop)
    variant.stock = _int_in_range(stock, 0, MAX_STOCK, "stock", _("Số lượng tồn kho phải từ 0 đến 1.000.000."))
    variant.product.updated_at = utcnow()
    db.session.flush()
    return variant


def get_variant_for_edit(variant_id, actor: User) -> Variant:
    variant = db.session.get(Variant, variant_id)
    if variant is None or variant.product.status == "deleted":
        raise NotFound(_("Không tìm thấy loại hàng."))
    require_role(actor, variant.product.shop)
    return variant


def add_photo(product: Product, actor: User, data: bytes) -> ProductPhoto:
    require_role(actor, product.shop)
    if len(product.photos) >= MAX_PHOTOS:
        raise DomainError(_("Mỗi sản phẩm có tối đa %(n)d ảnh.", n=MAX_PHOTOS), "file")
    image = save_image(data, uploaded_by=actor)
    if any(photo.image_id == image.id for photo in product.photos):
        raise DomainError(_("Ảnh này đã có trong sản phẩm."), "file")
    photo = ProductPhoto(image=image, position=len(product.photos))
    product.photos.append(photo)
    db.session.flush()
    return photo


def _photo_of(product: Product, photo_id: int) -> ProductPhoto:
    for photo in product.photos:
        if photo.id == photo_id:
            return photo
    raise NotFound(_("Không tìm thấy ảnh."))


def remove_photo(product: Product, actor: User, photo_id: int) -> None:
    require_role(actor, product.shop)
    product.photos.remove(_photo_of(product, photo_id))
    for position, photo in enumerate(product.photos):
        photo.position = position
    db.session.flush()


def make_cover(product: Product, actor: User, photo_id: int) -> None:
    require_role(actor, product.shop)
    cover = _photo_of(product, photo_id)
    ordered = [cover, *(p for p in product.photos if p is not cover)]
    for position, photo in enumerate(ordered):
        photo.position = position
    product.photos.sort(key=lambda p: p.position)
    db.session.flush()
