"""GET /api/v1/search and /api/v1/search/suggest (a contract: the mobile app uses them)."""

from flask import jsonify
from marshmallow import Schema, fields, validate

from ..api.blueprint import Blueprint
from ..api.schemas import ShopRef, Text
from ..ocop.services import current_ratings
from . import services
from .backend import SORTS

blp = Blueprint("search_api", __name__, url_prefix="/api/v1", description="Product search")


class SearchArgs(Schema):
    q = Text(load_default="", trim=False, validate=validate.Length(max=services.MAX_QUERY_LENGTH))
    category = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "Category id; a top-level id includes its sub-categories"})
    province = fields.Integer(validate=validate.Range(min=1, max=10_000), metadata={"description": "Province code"})
    ocop_stars = fields.Integer(validate=validate.Range(min=1, max=5), metadata={"description": "At least"})
    min_price = fields.Integer(validate=validate.Range(min=0, max=10**12))
    max_price = fields.Integer(validate=validate.Range(min=0, max=10**12))
    in_stock = fields.Boolean(load_default=False)
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=services.MAX_PAGE))
    per_page = fields.Integer(load_default=24, validate=validate.Range(min=1, max=services.MAX_PER_PAGE))


class SuggestArgs(Schema):
    q = Text(load_default="", trim=False, validate=validate.Length(max=services.MAX_QUERY_LENGTH))


class SearchResultOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    title_html = fields.String(metadata={"description": "The title, HTML-escaped, matched words in <mark>"})
    snippet_html = fields.String(allow_none=True)
    price_vnd = fields.Integer(metadata={"description": "Lowest price of its variants, in đồng"})
    price_max_vnd = fields.Integer()
    unit = fields.String()
    in_stock = fields.Boolean()
    image_url = fields.String(allow_none=True)
    shop = fields.Nested(ShopRef)
    province_code = fields.Integer()
    province_name = fields.String()
    ocop_stars = fields.Integer(allow_none=True, metadata={"description": "A current OCOP rating's stars, else null"})


class FacetOut(Schema):
    value = fields.String()
    label = fields.String()
    count = fields.Integer()


class FacetsOut(Schema):
    category = fields.List(fields.Nested(FacetOut))
    province = fields.List(fields.Nested(FacetOut))
    in_stock = fields.Integer(metadata={"description": "How many of the results are in stock"})
    ocop_stars = fields.List(fields.Nested(FacetOut), metadata={
        "description": "Results with a current OCOP rating of at least `value` stars (approved and unexpired)"})


class SearchOut(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    results = fields.List(fields.Nested(SearchResultOut))
    facets = fields.Nested(FacetsOut)
    suggestion = fields.String(allow_none=True, metadata={"description": "A corrected query when few results"})


@blp.get("/search")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchOut)
def search(args):
    """Search active products, typed with or without diacritics; filters, facets and a suggestion."""
    page = services.search_products(services.build_query(**args))
    ratings = current_ratings(item.product.id for item in page.found)
    return {
        "total": page.total, "page": page.query.page, "per_page": page.query.per_page,
        "results": [_result(item, ratings) for item in page.found],
        "facets": {
            "category": [{"value": str(c.id), "label": c.display_name, "count": n} for c, n in page.categories],
            "province": [{"value": str(code), "label": name, "count": n} for code, name, n in page.provinces],
            "in_stock": page.in_stock_count,
            "ocop_stars": [{"value": str(stars), "label": f"OCOP {stars}★+", "count": n} for stars, n in page.ocop],
        },
        "suggestion": page.suggestion,
    }


def _result(item, ratings: dict) -> dict:
    product, hit = item.product, item.hit
    return {
        "id": product.id, "slug": product.slug, "title": product.title, "title_html": hit.title_html,
        "snippet_html": hit.snippet_html, "price_vnd": product.price_min_vnd, "price_max_vnd": product.price_max_vnd,
        "unit": product.unit, "in_stock": product.in_stock,
        "image_url": product.cover.url(320) if product.cover else None,
        "shop": {"id": product.shop.id, "slug": product.shop.slug, "name": product.shop.name},
        "province_code": product.shop.province_code, "province_name": product.shop.province_name,
        "ocop_stars": ratings[product.id].stars if product.id in ratings else None,
    }


@blp.get("/search/suggest")
@blp.arguments(SuggestArgs, location="query")
@blp.doc(responses={200: {"description": "Completions, best first", "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "string"}, "maxItems": 8}}}}})
def suggest_completions(args):
    """Product titles completing what the buyer is typing (the last word may be unfinished)."""
    return jsonify(services.suggest(args["q"]))
