from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from ..api.auth import current_api_user, token_required
from ..api.blueprint import Blueprint
from ..api.responses import Out, UtcDateTime
from ..api.schemas import BLANK, BLANKS, PageArgs, Phone, Photo, Text, char_class, given, words_pattern
from ..errors import NotFound
from ..media.services import save_image
from ..media.uploads import required_photo
from . import services
from .banks import BANKS
from .locations import province_by_code, provinces, short_name, ward_by_code, wards
from .schemas import PHONE_ANY_WAY, WARD_DOC, province_code

blp = Blueprint("api_shops", __name__, url_prefix="/api/v1", description="Provinces, wards and shops")


class PlaceOut(Out):
    """A province or a ward (vietnam_provinces' records)."""

    code = fields.Integer()
    name = fields.String()


class ProvinceOut(PlaceOut):
    short_name = fields.String(attribute=lambda province: short_name(province.name))
    division_type = fields.String(attribute="division_type.value")


class WardOut(PlaceOut):
    division_type = fields.String(attribute="division_type.value")
    province_code = fields.Integer()


BANK_TOGETHER = "bank_bin, bank_account_number and bank_account_name go together: all three, or all empty to remove"


# services.SLUG_RE with blanks around it (the service strips), or empty: not sent.
SLUG_PATTERN = f"^(?:{BLANK}*[A-Za-z0-9][A-Za-z0-9-]{{1,78}}[A-Za-z0-9]{BLANK}*)?$"
# What set_bank_account reads: blanks, dots and hyphens dropped, then 6 to 19 digits (or none at all).
_SEPARATOR = char_class(BLANKS + ".-")
ACCOUNT_NUMBER_PATTERN = f"^{_SEPARATOR}*(?:(?:[0-9]{_SEPARATOR}*){{6,19}})?$"


def _bank_rule() -> dict:
    """BANK_TOGETHER as JSON Schema: all three given (a bank, a digit, a holder), or none of them (each absent,
    null or blank; an account number of separators alone is none)."""
    given_all = {"required": list(BANK_FIELDS), "properties": {
        **given("bank_bin")["properties"], "bank_account_number": {"type": "string", "pattern": "[0-9]"},
        **given("bank_account_name")["properties"]}}
    def empty(blank: str) -> dict:
        return {"anyOf": [{"enum": [None]}, {"type": "string", "pattern": f"^{blank}*$"}]}
    given_none = {"properties": {"bank_bin": empty(BLANK), "bank_account_number": empty(_SEPARATOR),
                                 "bank_account_name": empty(BLANK)}}
    return {"anyOf": [given_all, given_none]}


BANK_FIELDS = ("bank_bin", "bank_account_number", "bank_account_name")


class ShopIn(Schema):
    DOCUMENT_RULES = _bank_rule()
    name = Text(required=True, min_length=2, max_length=services.MAX_NAME)
    description = Text(max_length=services.MAX_DESCRIPTION)
    province_code = province_code(required=True)
    ward_code = fields.Integer(required=True, strict=True, metadata={"description": WARD_DOC})
    address = Text(required=True, min_length=1, max_length=services.MAX_ADDRESS)
    phone = Phone(mobile=False, required=True, metadata={
        "description": f"A Vietnamese phone number, mobile or landline, {PHONE_ANY_WAY}"})
    zalo = Phone(mobile=True, or_blank=True, allow_none=True, metadata={
        "description": "The Zalo account's mobile number, written as phone is; null or blank: none"})
    slug = Text(pattern=SLUG_PATTERN, metadata={
        "not": {"pattern": "--"}, "description": (
            "Optional (empty: made from the name): 3 to 80 letters a-z (either case), digits and single "
            "hyphens between them, stored in lower case")})
    bank_bin = Text(allow_none=True, pattern=words_pattern(BANKS, optional=True), metadata={
        "description": f"NAPAS BIN of the bank (owner only); {BANK_TOGETHER}"})
    bank_account_number = Text(allow_none=True, pattern=ACCOUNT_NUMBER_PATTERN, metadata={
        "description": "6 to 19 digits; spaces, dots and hyphens between them are ignored"})
    bank_account_name = Text(allow_none=True, max_length=services.MAX_HOLDER, metadata={
        "description": "The holder's name as the bank writes it (stored without diacritics, in capitals)"})
    shipping_fee_vnd = fields.Integer(allow_none=True, strict=True, metadata={
        "minimum": 0, "maximum": services.MAX_SHIPPING_FEE_VND,
        "description": "Flat delivery fee per order in đồng; null: no fee"})
    free_shipping_from_vnd = fields.Integer(allow_none=True, strict=True, metadata={
        "minimum": 1, "maximum": services.MAX_FREE_SHIPPING_FROM_VND,
        "description": "Orders whose goods reach this many đồng ship free; null: never"})


class ShopPatch(ShopIn):
    """Only the fields sent are changed (marshmallow has no `partial` Meta option: the fields say it)."""

    name = Text(min_length=2, max_length=services.MAX_NAME)
    province_code = province_code()
    ward_code = fields.Integer(strict=True, metadata={"description": WARD_DOC})
    address = Text(min_length=1, max_length=services.MAX_ADDRESS)
    phone = Phone(mobile=False, metadata={
        "description": f"A Vietnamese phone number, mobile or landline, {PHONE_ANY_WAY}"})


class BankOut(Out):
    bin = fields.String(attribute="bank_bin")
    bank_name = fields.String(attribute=lambda shop: BANKS.get(shop.bank_bin, ""))
    account_number = fields.String(attribute="bank_account_number")
    account_name = fields.String(attribute="bank_account_name")


def _urls(image):
    return image.urls() if image else None


class ShopOut(Out):
    """A shop. Its bank account is shown to the shop's members (the caller's role), and never in the directory
    (`bank_for_members=False`), which would look a role up per shop."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    province = fields.Nested(PlaceOut, attribute=lambda shop: province_by_code(shop.province_code))
    ward = fields.Nested(PlaceOut, attribute=lambda shop: ward_by_code(shop.ward_code))
    address = fields.String()
    phone = fields.String()
    zalo = fields.String(allow_none=True)
    is_verified = fields.Boolean()
    status = fields.String()
    logo_urls = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True,
                            attribute=lambda shop: _urls(shop.logo))
    cover_urls = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True,
                             attribute=lambda shop: _urls(shop.cover))
    bank = fields.Nested(BankOut, allow_none=True, metadata={"description": "Only for the shop's members"})
    shipping_fee_vnd = fields.Integer(allow_none=True)
    free_shipping_from_vnd = fields.Integer(allow_none=True)
    created_at = UtcDateTime()

    def __init__(self, *, bank_for_members: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.bank_for_members = bank_for_members

    def get_attribute(self, obj, attr, default):
        if attr == "bank":
            shown = self.bank_for_members and services.role_in(current_api_user(), obj) and obj.has_bank_account
            return obj if shown else None
        return super().get_attribute(obj, attr, default)


class ShopListArgs(PageArgs):
    province_code = fields.Integer(validate=validate.Range(min=1, max=10_000))


@blp.get("/provinces", answer=ProvinceOut(many=True))
def list_provinces():
    """The 34 provinces and centrally-run cities (after the 2025 reform)."""
    return list(provinces())


@blp.get("/provinces/<int:code>/wards", answer=WardOut(many=True))
def list_wards(code: int):
    """The wards and communes of one province."""
    if province_by_code(code) is None:
        raise NotFound(_("Không tìm thấy tỉnh/thành phố."))
    return list(wards(code))


@blp.post("/shops", answer=ShopOut, status=201, auth=token_required)
@blp.arguments(ShopIn)
def create_shop(data):
    """Open a shop; the caller becomes its owner."""
    user = current_api_user()
    shop = services.open_shop(user, data)
    if any(key.startswith("bank_") for key in data):
        services.set_bank_account(shop, user, data.get("bank_bin"), data.get("bank_account_number"),
                                  data.get("bank_account_name"))
    return shop


@blp.get("/shops", cached=True)
@blp.paginated(ShopOut(bank_for_members=False), "ShopPage", ShopListArgs)
def list_shops(args):
    """The shop directory, newest first, optionally in one province."""
    return services.list_public_shops(args.get("province_code"), args["page"], args["per_page"])


@blp.get("/shops/<slug>", answer=ShopOut, cached=True)
def get_shop(slug: str):
    """A public shop (its members also see a hidden one, and its bank account)."""
    shop = services.get_shop(slug)
    viewer = current_api_user()
    if not shop.is_public and services.role_in(viewer, shop) is None:
        services.get_public_shop(slug)
    return shop


@blp.patch("/shops/<slug>", answer=ShopOut, auth=token_required)
@blp.arguments(ShopPatch, required=False)
def update_shop(data, slug: str):
    """Change a shop (owner or manager; bank fields owner only)."""
    shop = services.get_shop(slug)
    services.update_shop(shop, current_api_user(), data)
    return shop


class ShopImageIn(Schema):
    file = Photo(required=True)


class ShopImageArgs(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["logo", "cover"]))


@blp.post("/shops/<slug>/images", answer=ShopOut, auth=token_required)
@blp.arguments(ShopImageArgs, location="query")
@blp.arguments(ShopImageIn, location="files")
def upload_shop_image(args, files, slug: str):
    """Set the shop's logo or cover photo (`?kind=logo|cover`, multipart field `file`)."""
    shop = services.get_shop(slug)
    user = current_api_user()
    services.require_role(user, shop)
    image = save_image(required_photo(files["file"]), uploaded_by=user)
    services.set_shop_image(shop, user, args["kind"], image)
    return shop
