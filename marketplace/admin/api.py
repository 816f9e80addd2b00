"""Moderation over the JSON API (/api/v1/admin/...): the same services and rules as the admin pages.

Admins only: a missing token is 401, a non-admin's token 403, both checked before the body is read.
"""


from marshmallow import Schema, fields, validate

from ..api.auth import BEARER, current_api_user
from ..api.blueprint import Blueprint
from ..api.schemas import PageArgs, Text, UtcDateTime, page_body, page_schema
from ..permissions import admin_token_required
from . import figures as figure_services
from . import moderation

blp = Blueprint("api_moderation", __name__, url_prefix="/api/v1/admin",
                description="Admins: seller verification, hiding shops and products, figures")


class ReasonIn(Schema):
    reason = Text(required=True, min_length=moderation.MIN_REASON, max_length=moderation.MAX_REASON,
                  metadata={"description": "Why: the seller reads it"})


class NoteIn(Schema):
    note = Text(load_default=None, allow_none=True, max_length=moderation.MAX_REASON,
                metadata={"description": "For the audit log"})


class ModerationOut(Schema):
    hidden_at = UtcDateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class AdminShopOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    province_code = fields.Integer()
    is_verified = fields.Boolean()
    is_public = fields.Boolean()
    moderation = fields.Nested(ModerationOut, allow_none=True, metadata={"description": "Set while an admin hides it"})
    created_at = UtcDateTime()


class AdminProductOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    shop_id = fields.Integer()
    status = fields.String(metadata={"description": "The seller's own status (draft, active, hidden)"})
    is_public = fields.Boolean()
    moderation = fields.Nested(ModerationOut, allow_none=True)


class ShopListArgs(PageArgs):
    q = Text(load_default="", metadata={"description": "Part of the name, with or without accents"})
    show = fields.String(load_default="", validate=validate.OneOf(["", *moderation.SHOP_FILTERS]))


class MonthOut(Schema):
    month = fields.String(metadata={"example": "2026-03"})
    orders = fields.Integer()
    sales_vnd = fields.Integer()


class ProvinceFiguresOut(Schema):
    province_code = fields.Integer()
    name = fields.String()
    orders = fields.Integer()
    sales_vnd = fields.Integer()


class FiguresOut(Schema):
    accounts = fields.Integer()
    shops = fields.Integer()
    shops_verified = fields.Integer()
    products = fields.Integer()
    products_public = fields.Integer()
    ocop_stars = fields.Dict(keys=fields.String(), values=fields.Integer())
    months = fields.List(fields.Nested(MonthOut), metadata={"description": "Last 12 months, Vietnam time"})
    provinces = fields.List(fields.Nested(ProvinceFiguresOut), metadata={"description": "By the shop's province"})


def _moderation(item) -> dict | None:
    if item.hidden_by_admin_at is None:
        return None
    return {"hidden_at": item.hidden_by_admin_at, "reason": item.moderation_reason}


def shop_body(shop) -> dict:
    return {"id": shop.id, "slug": shop.slug, "name": shop.name, "province_code": shop.province_code,
            "is_verified": shop.is_verified, "is_public": shop.is_public, "moderation": _moderation(shop),
            "created_at": shop.created_at}


def product_body(product) -> dict:
    return {"id": product.id, "slug": product.slug, "title": product.title, "shop_id": product.shop_id,
            "status": product.status, "is_public": product.is_public, "moderation": _moderation(product)}


@blp.get("/shops")
@admin_token_required
@blp.arguments(ShopListArgs, location="query")
@blp.response(200, page_schema(AdminShopOut, "AdminShopPage"))
@blp.doc(security=BEARER)
def list_shops(args):
    """Every shop, hidden ones included, newest first; `show` = unverified, verified or hidden."""
    shops, total = moderation.list_shops(q=args["q"], show=args["show"], page=args["page"],
                                         per_page=args["per_page"])
    return page_body([shop_body(s) for s in shops], total, args)


@blp.post("/shops/<id:shop_id>/verify")
@admin_token_required
@blp.arguments(NoteIn, required=False)
@blp.response(200, AdminShopOut)
@blp.doc(security=BEARER)
def verify_shop(data, shop_id: int):
    """Mark the shop verified (buyers see “Đã xác minh”); 409 if it already is."""
    return shop_body(moderation.set_verified(moderation.get_shop(shop_id), current_api_user(), True, data["note"]))


@blp.post("/shops/<id:shop_id>/unverify")
@admin_token_required
@blp.arguments(NoteIn, required=False)
@blp.response(200, AdminShopOut)
@blp.doc(security=BEARER)
def unverify_shop(data, shop_id: int):
    """Take the verified badge away; 409 if the shop is not verified."""
    return shop_body(moderation.set_verified(moderation.get_shop(shop_id), current_api_user(), False, data["note"]))


@blp.post("/shops/<id:shop_id>/hide")
@admin_token_required
@blp.arguments(ReasonIn)
@blp.response(200, AdminShopOut)
@blp.doc(security=BEARER)
def hide_shop(data, shop_id: int):
    """Hide a shop and all its products from buyers; its members are told the reason."""
    return shop_body(moderation.hide_shop(moderation.get_shop(shop_id), current_api_user(), data["reason"]))


@blp.post("/shops/<id:shop_id>/unhide")
@admin_token_required
@blp.arguments(NoteIn, required=False)
@blp.response(200, AdminShopOut)
@blp.doc(security=BEARER)
def unhide_shop(data, shop_id: int):
    """Show a hidden shop again."""
    return shop_body(moderation.unhide_shop(moderation.get_shop(shop_id), current_api_user(), data["note"]))


@blp.post("/products/<id:product_id>/hide")
@admin_token_required
@blp.arguments(ReasonIn)
@blp.response(200, AdminProductOut)
@blp.doc(security=BEARER)
def hide_product(data, product_id: int):
    """Hide a product from buyers; the seller sees the reason and cannot put it back on sale."""
    return product_body(moderation.hide_product(moderation.get_product(product_id), current_api_user(),
                                                data["reason"]))


@blp.post("/products/<id:product_id>/unhide")
@admin_token_required
@blp.arguments(NoteIn, required=False)
@blp.response(200, AdminProductOut)
@blp.doc(security=BEARER)
def unhide_product(data, product_id: int):
    """Lift an admin's hiding (the seller's own status stays as they set it)."""
    return product_body(moderation.unhide_product(moderation.get_product(product_id), current_api_user(),
                                                  data["note"]))


@blp.get("/figures")
@admin_token_required
@blp.response(200, FiguresOut)
@blp.doc(security=BEARER)
def get_figures():
    """The figures page's numbers (see marketplace/admin/figures.py for what counts as a sale)."""
    f = figure_services.figures()
    return {**{k: f[k] for k in ("accounts", "shops", "shops_verified", "products", "products_public")},
            "ocop_stars": {str(k): v for k, v in f["ocop_stars"].items()},
            "months": [{"month": m.key, "orders": m.orders, "sales_vnd": m.sales_vnd} for m in f["months"]],
            "provinces": [{"province_code": p.code, "name": p.name, "orders": p.orders, "sales_vnd": p.sales_vnd}
                          for p in f["provinces"]]}
