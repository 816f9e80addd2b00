"""Moderation over the JSON API (/api/v1/admin/...): the same services and rules as the admin pages.

Admins only: a missing token is 401, a non-admin's token 403, both checked before the body is read.
"""


from marshmallow import Schema, fields, validate

from ..api.auth import current_api_user
from ..api.blueprint import Blueprint
from ..api.responses import Out, ShopRef, UtcDateTime
from ..api.schemas import PageArgs, Text
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


class ModerationOut(Out):
    hidden_at = UtcDateTime(allow_none=True, attribute="hidden_by_admin_at")
    reason = fields.String(allow_none=True, attribute="moderation_reason")


def _hidden(item):
    """A shop or product an admin hides answers its moderation; otherwise null."""
    return item if item.hidden_by_admin_at is not None else None


class AdminShopOut(ShopRef):
    province_code = fields.Integer()
    is_verified = fields.Boolean()
    is_public = fields.Boolean()
    moderation = fields.Nested(ModerationOut, allow_none=True, attribute=_hidden,
                               metadata={"description": "Set while an admin hides it"})
    created_at = UtcDateTime()


class AdminProductOut(Out):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    shop_id = fields.Integer()
    status = fields.String(metadata={"description": "The seller's own status (draft, active, hidden)"})
    is_public = fields.Boolean()
    moderation = fields.Nested(ModerationOut, allow_none=True, attribute=_hidden)


class ShopListArgs(PageArgs):
    q = Text(load_default="", metadata={"description": "Part of the name, with or without accents"})
    show = fields.String(load_default="", validate=validate.OneOf(["", *moderation.SHOP_FILTERS]))


class SalesOut(Out):
    """Orders and sales of a month or a province (figures.MonthRow, ProvinceRow)."""

    orders = fields.Integer()
    sales_vnd = fields.Integer()


class MonthOut(SalesOut):
    month = fields.String(attribute="key", metadata={"example": "2026-03"})


class ProvinceFiguresOut(SalesOut):
    province_code = fields.Integer(attribute="code")
    name = fields.String()


class FiguresOut(Out):
    """figures.figures(): the admins' figures page."""

    accounts = fields.Integer()
    shops = fields.Integer()
    shops_verified = fields.Integer()
    products = fields.Integer()
    products_public = fields.Integer()
    ocop_stars = fields.Dict(keys=fields.String(), values=fields.Integer())
    months = fields.List(fields.Nested(MonthOut), metadata={"description": "Last 12 months, Vietnam time"})
    provinces = fields.List(fields.Nested(ProvinceFiguresOut), metadata={"description": "By the shop's province"})


@blp.get("/shops", auth=admin_token_required)
@blp.paginated(AdminShopOut, "AdminShopPage", ShopListArgs)
def list_shops(args):
    """Every shop, hidden ones included, newest first; `show` = unverified, verified or hidden."""
    return moderation.list_shops(q=args["q"], show=args["show"], page=args["page"], per_page=args["per_page"])


@blp.post("/shops/<id:shop_id>/verify", answer=AdminShopOut, auth=admin_token_required)
@blp.arguments(NoteIn, required=False)
def verify_shop(data, shop_id: int):
    """Mark the shop verified (buyers see “Đã xác minh”); 409 if it already is."""
    return moderation.set_verified(moderation.get_shop(shop_id), current_api_user(), True, data["note"])


@blp.post("/shops/<id:shop_id>/unverify", answer=AdminShopOut, auth=admin_token_required)
@blp.arguments(NoteIn, required=False)
def unverify_shop(data, shop_id: int):
    """Take the verified badge away; 409 if the shop is not verified."""
    return moderation.set_verified(moderation.get_shop(shop_id), current_api_user(), False, data["note"])


@blp.post("/shops/<id:shop_id>/hide", answer=AdminShopOut, auth=admin_token_required)
@blp.arguments(ReasonIn)
def hide_shop(data, shop_id: int):
    """Hide a shop and all its products from buyers; its members are told the reason."""
    return moderation.hide_shop(moderation.get_shop(shop_id), current_api_user(), data["reason"])


@blp.post("/shops/<id:shop_id>/unhide", answer=AdminShopOut, auth=admin_token_required)
@blp.arguments(NoteIn, required=False)
def unhide_shop(data, shop_id: int):
    """Show a hidden shop again."""
    return moderation.unhide_shop(moderation.get_shop(shop_id), current_api_user(), data["note"])


@blp.post("/products/<id:product_id>/hide", answer=AdminProductOut, auth=admin_token_required)
@blp.arguments(ReasonIn)
def hide_product(data, product_id: int):
    """Hide a product from buyers; the seller sees the reason and cannot put it back on sale."""
    return moderation.hide_product(moderation.get_product(product_id), current_api_user(), data["reason"])


@blp.post("/products/<id:product_id>/unhide", answer=AdminProductOut, auth=admin_token_required)
@blp.arguments(NoteIn, required=False)
def unhide_product(data, product_id: int):
    """Lift an admin's hiding (the seller's own status stays as they set it)."""
    return moderation.unhide_product(moderation.get_product(product_id), current_api_user(), data["note"])


@blp.get("/figures", answer=FiguresOut, auth=admin_token_required)
def get_figures():
    """The figures page's numbers (see marketplace/admin/figures.py for what counts as a sale)."""
    return figure_services.figures()
