"""Search as buyers use it: a query in, products of the catalogue out, with facets."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalog.models import Category, Product, ProductPhoto
from ..errors import DomainError
from ..extensions import db
from ..shops.locations import province_by_code, short_name
from .backend import SORTS, Hit, SearchQuery, get_backend
from .documents import is_searchable
from .sync import ensure_index

MAX_QUERY_LENGTH = 200
MAX_PER_PAGE = 60
MAX_PAGE = 100  # deep pages cost the index; nobody reads past them on a phone


@dataclass
class Found:
    product: Product
    hit: Hit


@dataclass
class SearchPage:
    query: SearchQuery
    total: int
    found: list[Found]
    categories: list[tuple[Category, int]] = field(default_factory=list)
    provinces: list[tuple[int, str, int]] = field(default_factory=list)
    in_stock_count: int = 0
    ocop: list[tuple[int, int]] = field(default_factory=list)  # (stars, results with at least that many)
    suggestion: str | None = None


def _int_or_none(value, name: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Giá trị lọc không hợp lệ."), name) from None
    if not low <= number <= high:
        raise DomainError(_("Giá trị lọc không hợp lệ."), name)
    return number


def build_query(*, q=None, category=None, province=None, ocop_stars=None, min_price=None, max_price=None,
                in_stock=None, sort=None, page=None, per_page=None) -> SearchQuery:
    """Checks what a buyer (or the app) sent; a bad value is a clear error, not a 500."""
    text = (q or "").strip()[:MAX_QUERY_LENGTH]
    sort = sort or "relevance"
    if sort not in SORTS:
        raise DomainError(_("Cách sắp xếp không hợp lệ."), "sort")
    min_price = _int_or_none(min_price, "min_price", 0, 10**12)
    max_price = _int_or_none(max_price, "max_price", 0, 10**12)
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
    return SearchQuery(
        text=text,
        category_id=_int_or_none(category, "category", 1, 2**31 - 1),
        province_code=_int_or_none(province, "province", 1, 10_000),
        ocop_stars=_int_or_none(ocop_stars, "ocop_stars", 1, 5),
        min_price=min_price, max_price=max_price,
        in_stock=str(in_stock).lower() in ("1", "true", "yes", "on"),
        sort=sort,
        page=_int_or_none(page, "page", 1, MAX_PAGE) or 1,
        per_page=_int_or_none(per_page, "per_page", 1, MAX_PER_PAGE) or 24,
    )


def search_products(query: SearchQuery) -> SearchPage:
    ensure_index()
    result = get_backend().search(query)
    ids = [hit.product_id for hit in result.hits]
    products = {p.id: p for p in db.session.scalars(
        select(Product).where(Product.id.in_(ids)).options(
            selectinload(Product.shop), selectinload(Product.variants),
            selectinload(Product.photos).selectinload(ProductPhoto.image)))}
    # The index may lag a commit by a moment: never show what a buyer may not see.
    found = [Found(products[hit.product_id], hit) for hit in result.hits
             if is_searchable(products.get(hit.product_id))]
    categories = {c.id: c for c in db.session.scalars(select(Category).where(Category.parent_id.is_(None)))}
    category_counts = [(categories[int(k)], n) for k, n in result.facets.get("top_category", {}).items()
                       if int(k) in categories]
    provinces = []
    for code, n in result.facets.get("province", {}).items():
        province = province_by_code(int(code))
        if province is not None:
            provinces.append((int(code), short_name(province.name), n))
    return SearchPage(
        query=query, total=result.total, found=found,
        categories=sorted(category_counts, key=lambda item: -item[1]),
        provinces=sorted(provinces, key=lambda item: -item[2]),
        in_stock_count=result.facets.get("in_stock", {}).get("1", 0),
        ocop=_at_least(result.facets.get("ocop_stars", {})),
        suggestion=result.suggestion,
    )


def _at_least(counts: dict[str, int]) -> list[tuple[int, int]]:
    """The OCOP filter means "this many stars or more", so each choice counts the ratings above it too."""
    by_stars = {int(stars): n for stars, n in counts.items()}
    return [(stars, total) for stars in (3, 4, 5)
            if (total := sum(n for s, n in by_stars.items() if s >= stars))]


def suggest(prefix: str, limit: int = 8) -> list[str]:
    prefix = (prefix or "")[:MAX_QUERY_LENGTH]
    if not prefix.strip():
        return []
    ensure_index()
    return get_backend().suggest(prefix, limit=limit)
