from marshmallow import Schema, fields, post_dump, validate

from ..api.auth import current_api_user, token_required
from ..api.blueprint import Blueprint
from ..api.responses import OcopOut, Out, ShopRef, UtcDateTime
from ..api.schemas import BLANK, BLANKS, PageArgs, Photo, Text, char_class, words_pattern
from ..extensions import db
from ..media.uploads import required_photo
from ..ocop.services import current_rating, current_ratings
from ..shops.services import get_shop_by_id
from ..utils import MAX_DB_ID
from . import services
from .models import Category
from .units import SPELLINGS, UNITS

blp = Blueprint("api_catalog", __name__, url_prefix="/api/v1", description="Categories and products")


class CategoryOut(Out):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    name_en = fields.String()
    parent_id = fields.Integer(allow_none=True)
    ocop_group = fields.String(allow_none=True)


# What clean_gtin reads: 8, 12, 13 or 14 digits, spaces and hyphens between them ignored (blanks and hyphens
# around them too, as python-stdnum strips), or nothing at all. The check digit is said in words.
_EDGE = char_class(BLANKS + "-")
_DIGITS = "[0-9](?:[ -]*[0-9]){7}(?:(?:[ -]*[0-9]){4,6})?"
GTIN_PATTERN = f"^(?:{BLANK}*|{_EDGE}*{_DIGITS}{_EDGE}*)$"
GTIN_DOC = {"description": "GTIN-8/12/13/14 with its check digit (spaces and hyphens ignored); stored padded to "
                           "14 digits, unique across products; null or '' removes it",
            "example": "8931234567897"}
UNIT_DOC = {"example": "kg", "description": f"One of {', '.join(UNITS)}, in either case, or written without "
                                            "diacritics (hop for hộp)"}
ID = {"minimum": 1, "maximum": MAX_DB_ID}


class VariantIn(Schema):
    id = fields.Integer(strict=True, metadata={**ID, "description": (
        "PATCH only: send to keep an existing variant of this product (an id of any other is refused)")})
    name = Text(load_default="", max_length=services.MAX_VARIANT_NAME, metadata={
        "description": "Unique within the product, in any case; empty: “Mặc định”"})
    price_vnd = fields.Integer(required=True, strict=True, metadata={
        "description": "Whole đồng", "minimum": 1, "maximum": services.MAX_PRICE_VND})
    stock = fields.Integer(load_default=0, strict=True, metadata={"minimum": 0, "maximum": services.MAX_STOCK})


VARIANTS = {"minItems": 1, "maxItems": services.MAX_VARIANTS}


class ProductIn(Schema):
    shop_id = fields.Integer(required=True, strict=True, metadata=ID)
    title = Text(required=True, min_length=services.MIN_TITLE, max_length=services.MAX_TITLE)
    description = Text(load_default="", max_length=services.MAX_DESCRIPTION)
    category_id = fields.Integer(required=True, strict=True, metadata={
        **ID, "description": "One of GET /api/v1/categories"})
    unit = Text(required=True, pattern=words_pattern(SPELLINGS, either_case=True), metadata=UNIT_DOC)
    variants = fields.List(fields.Nested(VariantIn), required=True, metadata=VARIANTS)
    status = fields.String(load_default="active", validate=validate.OneOf(["active", "draft"]))
    gtin = Text(allow_none=True, pattern=GTIN_PATTERN, metadata=GTIN_DOC)


class ProductPatch(Schema):
    title = Text(min_length=services.MIN_TITLE, max_length=services.MAX_TITLE)
    description = Text(max_length=services.MAX_DESCRIPTION)
    category_id = fields.Integer(strict=True, metadata={**ID, "description": "One of GET /api/v1/categories"})
    unit = Text(pattern=words_pattern(SPELLINGS, either_case=True), metadata=UNIT_DOC)
    variants = fields.List(fields.Nested(VariantIn), metadata={**VARIANTS, "description": "The full new list"})
    status = fields.String(validate=validate.OneOf(["active", "draft", "hidden"]), metadata={
        "description": "A product an admin hid cannot be made active again by its shop"})
    gtin = Text(allow_none=True, pattern=GTIN_PATTERN, metadata=GTIN_DOC)


class VariantOut(Out):
    id = fields.Integer()
    name = fields.String()
    price_vnd = fields.Integer()
    stock = fields.Integer()


class PhotoOut(Out):
    """A product's photo (ProductPhoto) and the sizes of its image."""

    id = fields.Integer()
    position = fields.Integer()
    width = fields.Integer(attribute="image.width")
    height = fields.Integer(attribute="image.height")
    urls = fields.Dict(keys=fields.String(), values=fields.String(), attribute=lambda photo: photo.image.urls())


class ProductOut(Out):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    description = fields.String()
    status = fields.String()
    unit = fields.String()
    category = fields.Nested(CategoryOut)
    shop = fields.Nested(ShopRef)
    variants = fields.List(fields.Nested(VariantOut))
    images = fields.List(fields.Nested(PhotoOut), attribute="photos")
    price_min_vnd = fields.Integer()
    price_max_vnd = fields.Integer()
    in_stock = fields.Boolean()
    ocop = fields.Nested(OcopOut, allow_none=True, metadata={  # the rating, which _with_ratings looks up
        "description": "The OCOP rating while an admin's approval holds and it has not expired; otherwise null"})
    gtin = fields.String(allow_none=True, metadata={"description": "GTIN-14 (shorter GTINs padded with zeros)"})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()

    @post_dump(pass_collection=True, pass_original=True)
    def _with_ratings(self, data, original, many, **kwargs):
        """Each product's current OCOP rating: a list's in one query, not one per product."""
        products, bodies = (original, data) if many else ([original], [data])
        ratings = current_ratings(p.id for p in products) if many else {original.id: current_rating(original)}
        for body, product in zip(bodies, products, strict=True):
            body["ocop"] = self.fields["ocop"].serialize("ocop", {"ocop": ratings.get(product.id)})
        return data


class ProductListArgs(PageArgs):
    shop_id = fields.Integer(validate=validate.Range(min=1, max=MAX_DB_ID))
    category_id = fields.Integer(validate=validate.Range(min=1, max=MAX_DB_ID))
    province_code = fields.Integer(validate=validate.Range(min=1, max=10_000))
    sort = fields.String(load_default="newest", validate=validate.OneOf(list(services.SORTS)))


class UploadIn(Schema):
    file = Photo(required=True)


@blp.get("/categories", answer=CategoryOut(many=True), cached=True)
def list_categories():
    """OCOP product groups (parent_id null) and their sub-categories."""
    return services.all_categories()


@blp.post("/products", answer=ProductOut, status=201, auth=token_required)
@blp.arguments(ProductIn)
def create_product(data):
    """List a product in one of your shops; it is active unless status is 'draft'."""
    shop = get_shop_by_id(data.pop("shop_id"))
    return services.create_product(shop, current_api_user(), **data)


@blp.get("/products", cached=True)
@blp.paginated(ProductOut, "ProductPage", ProductListArgs)
def list_products(args):
    """Products buyers can see (active, in an active shop)."""
    category = db.session.get(Category, args["category_id"]) if args.get("category_id") else None
    if args.get("category_id") and category is None:
        return [], 0
    shop = get_shop_by_id(args["shop_id"]) if args.get("shop_id") else None
    return services.list_public_products(category=category, province_code=args.get("province_code"), shop=shop,
                                         sort=args["sort"], page=args["page"], per_page=args["per_page"])


@blp.get("/products/<id:product_id>", answer=ProductOut, cached=True)
def get_product(product_id: int):
    """A product with its variants and image URLs (drafts only for the shop's members)."""
    return services.get_product(product_id, current_api_user())


@blp.patch("/products/<id:product_id>", answer=ProductOut, auth=token_required)
@blp.arguments(ProductPatch, required=False)
def update_product(data, product_id: int):
    """Change a product of your shop; `variants` replaces the list (send ids to keep variants)."""
    product = services.get_product_for_edit(product_id, current_api_user())
    return services.update_product(product, current_api_user(), data)


@blp.delete("/products/<id:product_id>", status=204, auth=token_required)
def delete_product(product_id: int):
    """Remove a product from sale for good (kept for past orders)."""
    product = services.get_product_for_edit(product_id, current_api_user())
    services.delete_product(product, current_api_user())


@blp.post("/products/<id:product_id>/images", answer=PhotoOut, status=201, auth=token_required)
@blp.arguments(UploadIn, location="files")
def upload_image(files, product_id: int):
    """Add a photo (JPEG, PNG, WebP or HEIC) as multipart field `file`; the first photo is the cover."""
    product = services.get_product_for_edit(product_id, current_api_user())
    return services.add_photo(product, current_api_user(), required_photo(files["file"]))


@blp.delete("/products/<id:product_id>/images/<id:photo_id>", status=204, auth=token_required)
def delete_image(product_id: int, photo_id: int):
    """Remove a photo from a product."""
    product = services.get_product_for_edit(product_id, current_api_user())
    services.remove_photo(product, current_api_user(), photo_id)
