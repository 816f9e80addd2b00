"""GET /api/v1/search and /api/v1/search/suggest (a contract: the mobile app uses them)."""

from dataclasses import dataclass

from flask import jsonify
from marshmallow import Schema, fields, post_dump, validate

from ..api.blueprint import Blueprint
from ..api.responses import Out, ShopRef
from ..api.schemas import Text
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


class SearchResultOut(Out):
    """A product found (services.Found: the product and the search's hit on it)."""

    id = fields.Integer(attribute="product.id")
    slug = fields.String(attribute="product.slug")
    title = fields.String(attribute="product.title")
    title_html = fields.String(attribute="hit.title_html", metadata={
        "description": "The title, HTML-escaped, matched words in <mark>"})
    snippet_html = fields.String(allow_none=True, attribute="hit.snippet_html")
    price_vnd = fields.Integer(attribute="product.price_min_vnd", metadata={
        "description": "Lowest price of its variants, in đồng"})
    price_max_vnd = fields.Integer(attribute="product.price_max_vnd")
    unit = fields.String(attribute="product.unit")
    in_stock = fields.Boolean(attribute="product.in_stock")
    image_url = fields.String(allow_none=True, attribute=lambda found: found.product.cover.url(320)
                              if found.product.cover else None)
    shop = fields.Nested(ShopRef, attribute="product.shop")
    province_code = fields.Integer(attribute="product.shop.province_code")
    province_name = fields.String(attribute="product.shop.province_name")
    ocop_stars = fields.Integer(allow_none=True, metadata={  # from one lookup for the page, in _with_stars
        "description": "A current OCOP rating's stars, else null"})

    @post_dump(pass_collection=True, pass_original=True)
    def _with_stars(self, data, found, many, **kwargs):
        ratings = current_ratings(item.product.id for item in found)
        for body, item in zip(data, found, strict=True):
            body["ocop_stars"] = ratings[item.product.id].stars if item.product.id in ratings else None
        return data


@dataclass(frozen=True)
class Facet:
    value: object
    label: str
    count: int


class FacetOut(Out):
    value = fields.String()
    label = fields.String()
    count = fields.Integer()


class FacetsOut(Out):
    category = fields.List(fields.Nested(FacetOut), attribute=lambda page: [
        Facet(category.id, category.display_name, n) for category, n in page.categories])
    province = fields.List(fields.Nested(FacetOut), attribute=lambda page: [Facet(*row) for row in page.provinces])
    in_stock = fields.Integer(attribute="in_stock_count", metadata={
        "description": "How many of the results are in stock"})
    ocop_stars = fields.List(fields.Nested(FacetOut), attribute=lambda page: [
        Facet(stars, f"OCOP {stars}★+", n) for stars, n in page.ocop], metadata={
        "description": "Results with a current OCOP rating of at least `value` stars (approved and unexpired)"})


class SearchOut(Out):
    total = fields.Integer()
    page = fields.Integer(attribute="query.page")
    per_page = fields.Integer(attribute="query.per_page")
    results = fields.Nested(SearchResultOut, many=True, attribute="found")
    facets = fields.Nested(FacetsOut, attribute=lambda page: page)
    suggestion = fields.String(allow_none=True, metadata={"description": "A corrected query when few results"})


@blp.get("/search", answer=SearchOut, cached=("search",))
@blp.arguments(SearchArgs, location="query")
def search(args):
    """Search active products, typed with or without diacritics; filters, facets and a suggestion."""
    return services.search_products(services.build_query(**args))


@blp.get("/search/suggest")
@blp.arguments(SuggestArgs, location="query")
@blp.doc(responses={200: {"description": "Completions, best first", "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "string"}, "maxItems": 8}}}}})
def suggest_completions(args):
    """Product titles completing what the buyer is typing (the last word may be unfinished)."""
    return jsonify(services.suggest(args["q"]))
