from flask import request, url_for
from marshmallow import Schema, fields, pre_dump, validate

from ..api.auth import current_api_user, token_required
from ..api.blueprint import Blueprint
from ..api.responses import OcopOut, Out, UtcDateTime
from ..api.schemas import BLANK, Day, Photo, Text, given
from ..catalog import services as catalog_services
from ..media.uploads import required_photo
from ..shops.schemas import WARD_DOC, province_code
from ..utils import MAX_DB_ID
from . import services
from .models import CERTIFICATION_KINDS

blp = Blueprint("api_trace", __name__, url_prefix="/api/v1", description="Batches, labels and trace lookups")


CODE_PATTERN = f"^{BLANK}*[A-Za-z0-9][A-Za-z0-9._-]{{0,19}}{BLANK}*$"  # services.CODE_INPUT, blanks around it
CODE_DOC = "Lot number, unique within the product: up to 20 of A-Z 0-9 - . _ (stored in capitals)"
NOT_AFTER_TODAY = "not after today (Vietnam's date)"


class CertificationIn(Schema):
    DOCUMENT_RULES = {"anyOf": [
        {"properties": {"kind": {"enum": [kind for kind in CERTIFICATION_KINDS if kind != "other"]}}},
        {"required": ["name"], "properties": {"kind": {"enum": ["other"]}, **given("name")["properties"]}}]}
    kind = fields.String(required=True, validate=validate.OneOf(CERTIFICATION_KINDS))
    name = Text(load_default="", max_length=80, metadata={
        "description": "What the certificate is: needed when kind is other (ignored otherwise)"})
    number = Text(load_default="", max_length=60)
    issuer = Text(load_default="", max_length=120)
    valid_from = Day(allow_none=True, load_default=None)
    valid_until = Day(allow_none=True, load_default=None, metadata={"description": "Not before valid_from"})


class StepIn(Schema):
    # A date_to (absent or null is no date) needs a date_from.
    DOCUMENT_RULES = {"anyOf": [{"properties": {"date_to": {"enum": [None]}}},
                                {"required": ["date_from"], "properties": {"date_from": {"type": "string"}}}]}
    label = Text(required=True, min_length=1, max_length=120, metadata={"example": "Phơi khô"})
    date_from = Day(allow_none=True, load_default=None, metadata={"description": "Needed when date_to is given"})
    date_to = Day(allow_none=True, load_default=None, metadata={
        "description": "Last day of a range, not before date_from"})
    when_text = Text(load_default="", max_length=60, metadata={"description": "Free text when no date fits"})
    note = Text(load_default="", max_length=2000)


class StepPatchIn(StepIn):
    id = fields.Integer(strict=True, metadata={"minimum": 1, "maximum": MAX_DB_ID, "description": (
        "An existing step of this batch, to keep it (and its photo); without it, a new step")})


class BatchPatch(Schema):
    code = Text(pattern=CODE_PATTERN, metadata={"description": CODE_DOC, "example": "L2510-01"})
    production_date = Day(metadata={"description": f"Harvest or production date, {NOT_AFTER_TODAY}"})
    expiry_date = Day(allow_none=True, metadata={"description": "Not before the production date"})
    area_name = Text(max_length=120)
    growing_area_code = Text(max_length=40, metadata={"description": "Mã số vùng trồng / vùng nuôi"})
    packing_house_code = Text(max_length=40)
    province_code = province_code(allow_none=True, metadata={"description": "Needed when ward_code is given"})
    ward_code = fields.Integer(allow_none=True, strict=True, metadata={"description": WARD_DOC})
    certifications = fields.List(fields.Nested(CertificationIn), metadata={
        "maxItems": services.MAX_CERTIFICATIONS, "description": "The full new list"})
    steps = fields.List(fields.Nested(StepPatchIn), metadata={
        "maxItems": services.MAX_STEPS, "description": "The full new list, in order"})


class BatchIn(BatchPatch):
    code = Text(required=True, pattern=CODE_PATTERN, metadata={"description": CODE_DOC, "example": "L2510-01"})
    production_date = Day(required=True, metadata={"description": f"Harvest or production date, {NOT_AFTER_TODAY}"})
    steps = fields.List(fields.Nested(StepIn), metadata={"maxItems": services.MAX_STEPS, "description": "In order"})


class CertificationOut(Out):
    """trace_data's certifications (of the batch, with their labels and whether they expired)."""

    kind = fields.String()
    label = fields.String()
    number = fields.String()
    issuer = fields.String()
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    expired = fields.Boolean()


class OriginOut(Out):
    """trace_data's origin: where the batch was grown or made."""

    area_name = fields.String()
    growing_area_code = fields.String()
    packing_house_code = fields.String()
    province_code = fields.Integer(allow_none=True)
    province_name = fields.String(allow_none=True)
    ward_code = fields.Integer(allow_none=True)
    ward_name = fields.String(allow_none=True)


class TraceStepOut(Out):
    """trace_data's steps, as the public page shows them."""

    label = fields.String()
    when = fields.String()
    date_from = fields.Date(allow_none=True)
    date_to = fields.Date(allow_none=True)
    note = fields.String()
    photo_url = fields.String(allow_none=True)


class StepOut(TraceStepOut):
    """A step as its public page shows it (`when`: the dates or free text), and what the seller typed."""

    id = fields.Integer()
    when = fields.String(metadata={"description": "The dates or free text, as the page shows them"})
    when_text = fields.String()


def _steps(answer: dict) -> list[dict]:
    return [{"id": step.id, "when_text": step.when_text, **shown}
            for step, shown in zip(answer["batch"].steps, answer["steps"], strict=True)]


def _absolute_url(endpoint: str, **values) -> str:
    return services.absolute_url(url_for(endpoint, **values))


class BatchOut(Out):
    """A batch as its shop manages it: its own columns, and its public page's parts as trace_data gives them."""

    id = fields.Integer(attribute="batch.id")
    product_id = fields.Integer(attribute="batch.product_id")
    code = fields.String()
    public_code = fields.String()
    production_date = fields.Date()
    expiry_date = fields.Date(allow_none=True)
    expired = fields.Boolean()
    origin = fields.Nested(OriginOut)
    certifications = fields.List(fields.Nested(CertificationOut))
    steps = fields.List(fields.Nested(StepOut), attribute=_steps)
    scan_count = fields.Integer()
    trace_url = fields.String(metadata={"description": "The short public page /t/{public_code}"})
    gs1_url = fields.String(allow_none=True, metadata={"description": "GS1 Digital Link, when the product has a GTIN"})
    label_url = fields.String(attribute=lambda answer: services.label_url(answer["batch"]), metadata={
        "description": "What the QR code carries: gs1_url if any, else trace_url"})
    qr_png_url = fields.String(attribute=lambda b: _absolute_url("trace.qr_png", public_code=b["public_code"]))
    qr_svg_url = fields.String(attribute=lambda b: _absolute_url("trace.qr_svg", public_code=b["public_code"]))
    labels_url = fields.String(attribute=lambda b: _absolute_url("trace_seller.labels", batch_id=b["batch"].id),
                               metadata={"description": "The printable A4 label sheet (web, seller's session)"})
    created_at = UtcDateTime(attribute="batch.created_at")
    updated_at = UtcDateTime(attribute="batch.updated_at")

    @pre_dump
    def _with_trace(self, batch, **kwargs):
        # Without the OCOP rating, which this answer does not show (so a list looks nothing up per batch).
        return {"batch": batch, **services.trace_data(batch, rating=None)}


class TraceProductOut(Out):
    """trace_data's product."""

    id = fields.Integer()
    title = fields.String()
    gtin = fields.String(allow_none=True)
    unit = fields.String()
    photo_url = fields.String(allow_none=True)
    on_sale = fields.Boolean()
    buy_url = fields.String(allow_none=True, metadata={"description": "Only while the product is on sale"})


class TraceShopOut(Out):
    """trace_data's shop."""

    name = fields.String()
    slug = fields.String()
    is_verified = fields.Boolean()
    address = fields.String()
    phone = fields.String()


class TraceOut(Out):
    """services.trace_data: the batch as its public page shows it."""

    code = fields.String(metadata={"description": "The lot number printed on the package"})
    public_code = fields.String()
    trace_url = fields.String()
    gs1_url = fields.String(allow_none=True)
    product = fields.Nested(TraceProductOut)
    shop = fields.Nested(TraceShopOut)
    origin = fields.Nested(OriginOut)
    production_date = fields.Date()
    expiry_date = fields.Date(allow_none=True)
    expired = fields.Boolean()
    certifications = fields.List(fields.Nested(CertificationOut))
    ocop = fields.Nested(OcopOut, allow_none=True, metadata={"description": "Only an approved, unexpired rating"})
    steps = fields.List(fields.Nested(TraceStepOut))
    scan_count = fields.Integer(metadata={"description": "Views of the page, GS1 link and this lookup (this one too)"})


class StepPhotoIn(Schema):
    file = Photo(required=True)


def _product(product_id: int):
    return catalog_services.get_product_for_edit(product_id, current_api_user())


@blp.post("/products/<id:product_id>/batches", answer=BatchOut, status=201, auth=token_required)
@blp.arguments(BatchIn)
def create_batch(data, product_id: int):
    """Record a batch (lot) of a product of your shop; its QR code and public page exist at once."""
    product = _product(product_id)
    return services.create_batch(product, current_api_user(), data)


@blp.get("/products/<id:product_id>/batches", auth=token_required)
@blp.paginated(BatchOut, "BatchPage")
def list_batches(args, product_id: int):
    """The batches of a product of your shop, newest production first."""
    return services.list_batches(_product(product_id), current_api_user())


@blp.get("/products/<id:product_id>/batches/<id:batch_id>", answer=BatchOut, auth=token_required)
def get_batch(product_id: int, batch_id: int):
    """One batch of a product of your shop."""
    product = _product(product_id)
    return services.get_batch_for_edit(batch_id, current_api_user(), product)


@blp.patch("/products/<id:product_id>/batches/<id:batch_id>", answer=BatchOut, auth=token_required)
@blp.arguments(BatchPatch, required=False)
def update_batch(data, product_id: int, batch_id: int):
    """Change a batch; `certifications` and `steps` replace their lists (send step ids to keep photos)."""
    product = _product(product_id)
    batch = services.get_batch_for_edit(batch_id, current_api_user(), product)
    return services.update_batch(batch, current_api_user(), data)


@blp.delete("/products/<id:product_id>/batches/<id:batch_id>", status=204, auth=token_required)
def delete_batch(product_id: int, batch_id: int):
    """Delete a batch: its public page and QR code stop answering."""
    product = _product(product_id)
    services.delete_batch(services.get_batch_for_edit(batch_id, current_api_user(), product), current_api_user())


@blp.post("/products/<id:product_id>/batches/<id:batch_id>/steps/<id:step_id>/photo",
          answer=BatchOut, auth=token_required)
@blp.arguments(StepPhotoIn, location="files")
def set_step_photo(files, product_id: int, batch_id: int, step_id: int):
    """Attach a photo (JPEG, PNG, WebP or HEIC, multipart field `file`) to one step, replacing any."""
    product = _product(product_id)
    batch = services.get_batch_for_edit(batch_id, current_api_user(), product)
    services.set_step_photo(batch, current_api_user(), step_id, required_photo(files["file"]))
    return batch


@blp.get("/trace/<code>", answer=TraceOut)
def trace(code: str):
    """Public: a batch by the short code of its label (/t/{code}), as its page shows it. Counts as a scan."""
    batch = services.get_by_public_code(code)
    if request.method == "GET":
        services.record_scan(batch, current_api_user())
    return services.trace_data(batch)
