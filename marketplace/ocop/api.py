"""OCOP claims over the JSON API: a shop's claim for its product, and the admins' queue and decisions.

Who may call what: the claim endpoints, the members of the product's shop; the /admin ones, admins only
(403 before the body is even read, so a non-admin learns nothing and changes nothing); the certificate,
both. A claim's fields come as multipart form fields beside the `certificate` file.
"""


from flask import send_file, url_for
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..api.auth import current_api_user, token_required
from ..api.blueprint import Blueprint
from ..api.responses import Out, ShopRef, UtcDateTime
from ..api.schemas import Day, PageArgs, Text, trimmed_pattern
from ..catalog.services import get_product_for_edit
from ..errors import NotFound
from ..media.uploads import read_upload
from ..permissions import admin_token_required
from . import certificates, services
from .models import GROUPS, LEVELS, STARS, STATUSES, OcopClaim

blp = Blueprint("api_ocop", __name__, url_prefix="/api/v1", description="OCOP claims and their approval")

GROUP_DESCRIPTION = ("food, beverages, herbal, handicrafts, ornamental (plants and animals), tourism "
                     "(community tourism services); default: the product category's group")


CONTROL = "".join(map(chr, range(32))) + "\x7f"  # refused inside a decision number (services._has_control)
DECIDED_ON = "The decision's date, not after today (Vietnam's date)"
EXPIRES_ON = ("After the decision date, at most 36 months on, and not passed yet; default: the decision date + 36 "
              "months")
LEVEL = "province (3, 4 stars) or national (5 stars), as the stars say; derived from them when left out"
CERTIFICATE = ("The certificate: a JPEG, PNG or WebP image (re-encoded) or a PDF (from %PDF- to %%EOF); at most "
               "MAX_CERTIFICATE_BYTES")


class ClaimIn(Schema):
    stars = fields.Integer(required=True, metadata={"enum": list(STARS)})
    decision_number = Text(required=True, min_length=1, forbid=CONTROL, validate=validate.Length(max=60),
                           metadata={"description": "The recognition decision's number", "example": "1234/QĐ-UBND"})
    decided_on = Day(required=True, metadata={"description": DECIDED_ON})
    issuing_level = fields.String(validate=validate.OneOf(LEVELS), metadata={"description": LEVEL})
    product_group = fields.String(validate=validate.OneOf(GROUPS), metadata={"description": GROUP_DESCRIPTION})
    expires_on = Day(metadata={"description": EXPIRES_ON})
    certificate = Upload(required=True, metadata={"description": CERTIFICATE})


class ClaimPatchIn(Schema):
    """Multipart form fields: an empty one keeps the claim's value."""

    stars = fields.Integer(metadata={"enum": list(STARS)})
    decision_number = Text(pattern=f"^(?:{trimmed_pattern(1, forbid=CONTROL)[1:-1]})?$",
                           validate=validate.Length(max=60), metadata={"description": "Empty: kept"})
    decided_on = Day(metadata={"description": DECIDED_ON})
    issuing_level = fields.String(validate=validate.OneOf(LEVELS), metadata={"description": LEVEL})
    product_group = fields.String(validate=validate.OneOf(GROUPS))
    expires_on = Day(metadata={"description": EXPIRES_ON})
    certificate = Upload(metadata={"description": "A new certificate scan (sends an approved claim back to review)"})


class ClaimProductOut(Out):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    image_url = fields.String(allow_none=True, attribute=lambda product: product.cover.url(320) if product.cover
                              else None)


class ClaimShopOut(ShopRef):
    """The shop of the claim's product."""

    is_verified = fields.Boolean()
    province_code = fields.Integer()
    province_name = fields.String()


class ClaimOut(Out):
    id = fields.Integer()
    product_id = fields.Integer()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    stars = fields.Integer()
    decision_number = fields.String()
    decided_on = fields.Date()
    issuing_level = fields.String()
    product_group = fields.String()
    expires_on = fields.Date()
    is_current = fields.Boolean(attribute=lambda claim: claim.is_current(),
                                metadata={"description": "Approved and unexpired: the badge shows"})
    certificate_type = fields.String()
    certificate_url = fields.String(attribute=lambda claim: url_for("api_ocop.get_certificate", claim_id=claim.id),
                                    metadata={"description": "GET with the bearer token (shop members, admins)"})
    submitted_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    product = fields.Nested(ClaimProductOut)
    shop = fields.Nested(ClaimShopOut, attribute="product.shop")


class QueueArgs(PageArgs):
    status = fields.String(load_default="pending", validate=validate.OneOf([*STATUSES, "all"]))


class RejectIn(Schema):
    reason = Text(required=True, min_length=1, max_length=services.MAX_REJECTION, forbid=CONTROL.translate(
        {ord(ch): None for ch in "\t\n\r"}), metadata={"description": "Why: shown to the seller"})


def _file(data: dict) -> bytes | None:
    return read_upload(data.pop("certificate", None), "MAX_CERTIFICATE_BYTES")


def _claim_of(product_id: int) -> OcopClaim:
    product = get_product_for_edit(product_id, current_api_user())
    claim = services.get_claim_for_seller(product, current_api_user())
    if claim is None:
        raise NotFound(_("Sản phẩm này chưa có hồ sơ OCOP."))
    return claim


@blp.post("/products/<id:product_id>/ocop-claims", answer=ClaimOut, status=201, auth=token_required)
@blp.arguments(ClaimIn, location="files")
def create_claim(data, product_id: int):
    """Claim OCOP for a product of your shop; it waits for an admin (409 when the product has a claim)."""
    product = get_product_for_edit(product_id, current_api_user())
    certificate = _file(data)
    return services.submit_claim(product, current_api_user(), data, certificate or b"")


@blp.get("/products/<id:product_id>/ocop-claim", answer=ClaimOut, auth=token_required)
def get_claim(product_id: int):
    """Your product's claim, whatever its status (with the rejection reason when rejected)."""
    return _claim_of(product_id)


@blp.patch("/products/<id:product_id>/ocop-claim", answer=ClaimOut, auth=token_required)
@blp.arguments(ClaimPatchIn, location="files", required=False)
def update_claim(data, product_id: int):
    """Correct your claim. A rejected claim, or an approved one whose facts or certificate change, goes
    back to the queue (its badge hidden until approved again)."""
    claim = _claim_of(product_id)
    certificate = _file(data)
    return services.update_claim(claim, current_api_user(), data, certificate)


@blp.get("/ocop-claims/<id:claim_id>/certificate", auth=token_required)
@blp.doc(responses={200: {"description": "The certificate file", "content": {
    mime: {"schema": {"type": "string", "format": "binary"}} for mime in certificates.EXTENSIONS}}})
def get_certificate(claim_id: int):
    """The certificate scan: the shop's members and admins only (404 for anyone else)."""
    claim = services.certificate_for(claim_id, current_api_user())
    path = certificates.path_of(claim.certificate_key)
    if not path.is_file():
        raise NotFound(_("Không tìm thấy giấy chứng nhận."))
    response = send_file(path, mimetype=claim.certificate_type, as_attachment=True, max_age=0,
                         download_name=f"ocop-{claim.product_id}.{certificates.EXTENSIONS[claim.certificate_type]}")
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@blp.get("/admin/ocop-claims", auth=admin_token_required)
@blp.paginated(ClaimOut, "OcopClaimPage", QueueArgs)
def list_claims(args):
    """Admins: claims oldest first (by submission), by status (default pending; `all` for every one)."""
    status = None if args["status"] == "all" else args["status"]
    return services.queue(status, page=args["page"], per_page=args["per_page"])


@blp.post("/admin/ocop-claims/<id:claim_id>/approve", answer=ClaimOut, auth=admin_token_required)
def approve_claim(claim_id: int):
    """Admins: approve a pending claim (409 if it is no longer pending); the badge shows from now."""
    return services.approve(services.get_claim(claim_id), current_api_user())


@blp.post("/admin/ocop-claims/<id:claim_id>/reject", answer=ClaimOut, auth=admin_token_required)
@blp.arguments(RejectIn)
def reject_claim(data, claim_id: int):
    """Admins: reject a pending claim with a reason (required), which the seller reads."""
    return services.reject(services.get_claim(claim_id), current_api_user(), data["reason"])
