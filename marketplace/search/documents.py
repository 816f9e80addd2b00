"""What the index knows about a product: one flat document, built from the database."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..catalog.models import Product
from ..extensions import db
from ..ocop.models import APPROVED
from ..shops.locations import province_by_code, short_name, ward_by_code
from ..shops.models import Shop
from .analysis import prepare, word_pairs


def is_searchable(product: Product | None) -> bool:
    """Buyers find only what they may buy: active products of active shops."""
    return product is not None and product.is_public


def product_document(product: Product) -> dict:
    shop = product.shop
    category = product.category
    province, ward = province_by_code(shop.province_code), ward_by_code(shop.ward_code)
    place = " ".join(filter(None, [short_name(province.name) if province else "", ward.name if ward else ""]))
    categories = [category, category.parent] if category.parent else [category]
    category_text = " ".join(c.name for c in categories)
    title = prepare(product.title)
    return {
        "id": str(product.id),
        "title": title,
        "title_exact": title,
        "shop": prepare(shop.name),
        "category": prepare(category_text),
        "place": prepare(place),
        "description": prepare(product.description),
        "all": prepare(" ".join([product.title, shop.name, category_text, place])),
        "pairs": " ".join(word_pairs(product.title)),
        "category_ids": " ".join(str(c.id) for c in categories),
        "top_category": str(categories[-1].id),
        "province": str(shop.province_code),
        "price": int(product.price_min_vnd),
        "created": int(product.created_at.timestamp()),
        "in_stock": "1" if any(v.stock > 0 for v in product.variants) else "0",
        **ocop_fields(product),
    }


def ocop_fields(product: Product) -> dict:
    """An approved claim's stars and its expiry (as YYYYMMDD). Expiry is judged when the index is read
    (ranker.IndexView.ocop_stars_on), so a rating that ends tonight leaves search without a re-index."""
    claim = product.ocop_claim
    if claim is None or claim.status != APPROVED:
        return {"ocop_stars": 0, "ocop_expires": 0}
    return {"ocop_stars": claim.stars, "ocop_expires": day_number(claim.expires_on)}


def day_number(day) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _loaded(query):
    return query.options(selectinload(Product.variants), selectinload(Product.shop),
                         selectinload(Product.category), selectinload(Product.ocop_claim))


def documents_for(session: Session, product_ids: Iterable[int]) -> tuple[list[dict], list[int]]:
    """Documents for the searchable ones among these ids, and the ids to remove from the index."""
    ids = sorted(set(product_ids))
    products = {p.id: p for p in session.scalars(_loaded(select(Product).where(Product.id.in_(ids))))}
    documents, removed = [], []
    for product_id in ids:
        product = products.get(product_id)
        if is_searchable(product):
            documents.append(product_document(product))
        else:
            removed.append(product_id)
    return documents, removed


def all_documents(batch: int = 500) -> Iterable[dict]:
    """Every searchable product, streamed in batches (in a session of its own, emptied as it goes,
    so a large catalogue fits in memory and the caller's session is left alone)."""
    last_id = 0
    with Session(db.engine) as session:
        while True:
            query = (select(Product).join(Shop).where(Product.is_listed, Shop.is_public,
                                                      Product.id > last_id)
                     .order_by(Product.id).limit(batch))
            products = session.scalars(_loaded(query)).all()
            if not products:
                return
            for product in products:
                yield product_document(product)
            last_id = products[-1].id
            session.expunge_all()
