from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..cache import cached_page
from ..extensions import db
from ..permissions import role_in
from ..shops.locations import provinces, short_name
from ..shops.services import list_public_shops
from ..traceability.services import recent_batches
from ..web import page_arg
from . import services
from .models import Category

bp = Blueprint("catalog", __name__)

PER_PAGE = 24


@bp.get("/")
@cached_page
def home():
    products, total = services.list_public_products(per_page=12)
    shops, _ = list_public_shops(per_page=6)
    return render_template("catalog/home.html", products=products, total=total, shops=shops,
                           categories=services.categories_tree())


@bp.get("/products")
@cached_page
def browse():
    slug = request.args.get("category")
    category = db.session.scalar(select(Category).where(Category.slug == slug)) if slug else None
    province_code = request.args.get("province", type=int)
    sort, page = request.args.get("sort", "newest"), page_arg()
    products, total = services.list_public_products(category=category, province_code=province_code, sort=sort,
                                                    page=page, per_page=PER_PAGE)
    return render_template(
        "catalog/browse.html", products=products, total=total, page=page, per_page=PER_PAGE,
        category=category, categories=services.categories_tree(), sort=sort, province_code=province_code,
        provinces=[(int(p.code), short_name(p.name)) for p in provinces()],
    )


@bp.get("/products/<slug>")
@cached_page
def product(slug: str):
    item = services.get_product_by_slug(slug, current_user)
    more, _ = services.list_public_products(shop=item.shop, per_page=7)
    return render_template("catalog/product.html", product=item, more=[p for p in more if p.id != item.id][:6],
                           role=role_in(current_user, item.shop), batches=recent_batches(item))
