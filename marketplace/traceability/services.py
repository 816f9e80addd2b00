"""The rules of traceability: what a batch must say, who may write it, what a scanning buyer sees.

Decisions (also in README, Traceability):
- A batch's public page answers as long as the batch exists, whatever the product's state: the
  package is in a buyer's hands and its label must keep telling its story (Circular 02/2024
  lookups), even once the listing is hidden, a draft or deleted. Only the "buy" link depends on
  the product being on sale. Deleting the batch is the seller's way to take a page down.
- The QR code carries the GS1 Digital Link URL when the product has a GTIN (any GS1-aware
  scanner or shop till then reads the GTIN and lot from it), else the short /t/ URL. It never
  carries `?17=`: the expiry may be corrected after printing, and the database is the truth.
- An `?17=YYMMDD` that disagrees with the batch's expiry still shows the batch, with a warning,
  since the buyer holding that package most needs to know.
"""

import io
import re
import secrets
from datetime import date

import segno
from flask import current_app, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import immediateload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..catalog.models import Product
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..gs1 import BadGtin, gtin14
from ..media.services import save_image
from ..ocop.services import current_rating
from ..permissions import require_role, role_in
from ..shops.locations import check_location, province_by_code
from ..utils import clean_text, utcnow, vietnam_today
from .models import CERTIFICATION_KINDS, Batch, BatchStep, Certification

PUBLIC_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud or typed from a label
PUBLIC_CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes: not guessable by walking them
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,19}")  # GS1 AI 10: at most 20 characters
# A code as typed, read before upper-casing and in ASCII only: "ı" (dotless i) upper-cases to an "I" nobody typed.
CODE_INPUT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
SHOWN_GTIN = re.compile(r"[0-9 -]{1,20}")  # what a "not a GTIN" page may repeat of the link
MAX_CERTIFICATIONS = 10
MAX_STEPS = 30
MAX_LABEL_COPIES = 120


def certification_label(kind: str, name: str = "") -> str:
    labels = {"vietgap": "VietGAP", "globalgap": "GlobalGAP", "organic": _("Hữu cơ")}
    return labels.get(kind) or name or _("Chứng nhận khác")


# --- reading ---------------------------------------------------------------------------

def _with_page_data(query):
    return query.options(
        selectinload(Batch.certifications),
        selectinload(Batch.steps).selectinload(BatchStep.image),
        selectinload(Batch.product).selectinload(Product.photos),
        selectinload(Batch.product).selectinload(Product.shop),
    )


def get_by_public_code(code: str) -> Batch:
    batch = db.session.scalar(_with_page_data(select(Batch).where(Batch.public_code == (code or "").lower())))
    if batch is None:
        raise NotFound(_("Không tìm thấy lô hàng này. Hãy kiểm tra lại mã trên tem."))
    return batch


def get_by_gs1(gtin_text: str, lot: str) -> Batch:
    """The batch a GS1 Digital Link path names; GTIN-8/12/13/14 accepted, padded to 14."""
    try:
        gtin = gtin14(gtin_text)
    except BadGtin as error:
        if error.reason == "check_digit":
            raise NotFound(_("Mã GTIN %(gtin)s sai số kiểm tra: tem này có thể bị in sai hoặc giả.",
                             gtin=gtin_text)) from None
        shown = gtin_text if SHOWN_GTIN.fullmatch(gtin_text or "") else "…"  # not text of the link-maker's choosing
        raise NotFound(_("“%(gtin)s” không phải là mã GTIN.", gtin=shown)) from None
    code = clean_text(lot).upper()
    batch = db.session.scalar(_with_page_data(
        select(Batch).join(Batch.product).where(Product.gtin == gtin, Batch.code == code)))
    if batch is None:
        shown = code if CODE_PATTERN.fullmatch(code) else "…"
        raise NotFound(_("Không tìm thấy lô “%(lot)s” của sản phẩm có mã GTIN %(gtin)s.", lot=shown, gtin=gtin))
    return batch


def list_batches(product: Product, actor: User) -> list[Batch]:
    require_role(actor, product.shop)
    return list(db.session.scalars(
        select(Batch).where(Batch.product_id == product.id)
        .options(immediateload(Batch.product), selectinload(Batch.certifications),
                 selectinload(Batch.steps).selectinload(BatchStep.image))
        .order_by(Batch.production_date.desc(), Batch.id.desc())))


def recent_batches(product: Product, limit: int = 3) -> list[Batch]:
    """The newest lots, linked from the product page so a buyer can read where the goods come from
    before buying, as a label's QR code would show after."""
    return list(db.session.scalars(select(Batch).where(Batch.product_id == product.id)
                                   .order_by(Batch.production_date.desc(), Batch.id.desc()).limit(limit)))


def count_batches(product: Product) -> int:
    return db.session.scalar(select(func.count()).select_from(Batch).where(Batch.product_id == product.id))


def get_batch_for_edit(batch_id, actor: User, product: Product | None = None) -> Batch:
    """A batch its shop's members may change; anyone else gets 404 or 403 and learns nothing more."""
    batch = db.session.get(Batch, batch_id)
    if batch is None or (product is not None and batch.product_id != product.id):
        raise NotFound(_("Không tìm thấy lô hàng."))
    require_role(actor, batch.product.shop)
    return batch


def record_scan(batch: Batch, viewer: User | None = None) -> int:
    """Count one look at the public page, atomically: two buyers scanning at once both count. The shop's
    own members checking their labels are not buyers, so their looks are not counted."""
    if role_in(viewer, batch.product.shop):
        return batch.scan_count
    count = db.session.execute(
        update(Batch).where(Batch.id == batch.id).values(scan_count=Batch.scan_count + 1)
        .returning(Batch.scan_count).execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(batch, "scan_count", count)
    return count


# --- writing ---------------------------------------------------------------------------

def _new_public_code() -> str:
    while True:
        code = "".join(secrets.choice(PUBLIC_CODE_ALPHABET) for _ in range(PUBLIC_CODE_LENGTH))
        if db.session.scalar(select(Batch.id).where(Batch.public_code == code)) is None:
            return code


def _text(value, limit: int, field: str, message: str) -> str:
    text = clean_text(value if isinstance(value, str) or value is None else str(value))
    if len(text) > limit:
        raise DomainError(message, field)
    return text


def _date(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("Ngày không hợp lệ."), field) from None


def _clean_code(value) -> str:
    # Not clean_text: composing would turn "K" (the Kelvin sign) into a K; a code is ASCII as typed.
    code = (value if isinstance(value, str) else "").strip()
    if not code:
        raise DomainError(_("Vui lòng ghi mã lô (ví dụ: L2510-01)."), "code")
    if not CODE_INPUT.fullmatch(code):
        raise DomainError(_("Mã lô tối đa 20 ký tự, chỉ gồm chữ không dấu, số và các dấu - . _"), "code")
    return code.upper()


def _clean_location(province_code, ward_code) -> tuple[int | None, int | None]:
    if province_code in (None, "") and ward_code in (None, ""):
        return None, None
    if ward_code in (None, ""):
        province = province_by_code(province_code)
        if province is None:
            raise DomainError(_("Vui lòng chọn tỉnh/thành phố."), "province_code")
        return int(province.code), None
    province, ward = check_location(province_code, ward_code)
    return int(province.code), int(ward.code)


def _clean_rows(rows: list[dict], name: str, limit: int, too_many: str, clean_row) -> list[dict]:
    """A list of rows (a batch's certifications or steps), each checked by `clean_row(row, index, prefix)`:
    an error names its row as `name.index.field`, the order the form and the API sent them in."""
    if len(rows) > limit:
        raise DomainError(too_many, name)
    return [clean_row(row, index, f"{name}.{index}.") for index, row in enumerate(rows)]


def _clean_certifications(rows: list[dict]) -> list[dict]:
    return _clean_rows(rows, "certifications", MAX_CERTIFICATIONS,
                       _("Tối đa %(n)d chứng nhận cho một lô.", n=MAX_CERTIFICATIONS), _clean_certification)


def _clean_certification(row: dict, index: int, prefix: str) -> dict:
    kind = row.get("kind")
    if kind not in CERTIFICATION_KINDS:
        raise DomainError(_("Vui lòng chọn loại chứng nhận."), prefix + "kind")
    name = _text(row.get("name"), 80, prefix + "name", _("Tên chứng nhận tối đa 80 ký tự."))
    if kind == "other" and not name:
        raise DomainError(_("Hãy ghi tên chứng nhận."), prefix + "name")
    item = {
        "kind": kind, "name": name if kind == "other" else "",
        "number": _text(row.get("number"), 60, prefix + "number", _("Số chứng nhận tối đa 60 ký tự.")),
        "issuer": _text(row.get("issuer"), 120, prefix + "issuer", _("Nơi cấp tối đa 120 ký tự.")),
        "valid_from": _date(row.get("valid_from"), prefix + "valid_from"),
        "valid_until": _date(row.get("valid_until"), prefix + "valid_until"),
        "position": index,
    }
    if item["valid_from"] and item["valid_until"] and item["valid_until"] < item["valid_from"]:
        raise DomainError(_("Ngày hết hiệu lực không được trước ngày cấp."), prefix + "valid_until")
    return item


def _clean_steps(rows: list[dict]) -> list[dict]:
    return _clean_rows(rows, "steps", MAX_STEPS, _("Tối đa %(n)d bước cho một lô.", n=MAX_STEPS), _clean_step)


def _clean_step(row: dict, index: int, prefix: str) -> dict:
    label = _text(row.get("label"), 120, prefix + "label", _("Tên bước tối đa 120 ký tự."))
    if not label:
        raise DomainError(_("Hãy ghi tên bước (ví dụ: Thu hoạch)."), prefix + "label")
    item = {
        "id": row.get("id"), "label": label, "position": index,
        "date_from": _date(row.get("date_from"), prefix + "date_from"),
        "date_to": _date(row.get("date_to"), prefix + "date_to"),
        "when_text": _text(row.get("when_text"), 60, prefix + "when_text", _("Thời gian tối đa 60 ký tự.")),
        "note": _text(row.get("note"), 2000, prefix + "note", _("Ghi chú tối đa 2.000 ký tự.")),
        "photo": row.get("photo"), "remove_photo": bool(row.get("remove_photo")),
    }
    if item["date_to"] and not item["date_from"]:
        raise DomainError(_("Hãy ghi ngày bắt đầu trước."), prefix + "date_from")
    if item["date_to"] and item["date_to"] < item["date_from"]:
        raise DomainError(_("Ngày kết thúc không được trước ngày bắt đầu."), prefix + "date_to")
    return item


def _apply(batch: Batch, product: Product, actor: User, data: dict) -> None:
    """Checks every field before changing anything, then writes."""
    fields: dict = {}
    if "code" in data:
        fields["code"] = _clean_code(data["code"])
    if "production_date" in data:
        fields["production_date"] = _date(data["production_date"], "production_date")
        if fields["production_date"] is None:
            raise DomainError(_("Vui lòng ghi ngày thu hoạch hoặc sản xuất."), "production_date")
        if fields["production_date"] > vietnam_today():
            raise DomainError(_("Ngày thu hoạch/sản xuất không được sau hôm nay."), "production_date")
    if "expiry_date" in data:
        fields["expiry_date"] = _date(data["expiry_date"], "expiry_date")
    production = fields.get("production_date", batch.production_date)
    expiry = fields.get("expiry_date", batch.expiry_date)
    if expiry is not None and production is not None and expiry < production:
        raise DomainError(_("Hạn sử dụng không được trước ngày thu hoạch/sản xuất."), "expiry_date")
    for name, limit, message in (
        ("area_name", 120, _("Tên vùng nuôi trồng tối đa 120 ký tự.")),
        ("growing_area_code", 40, _("Mã số vùng trồng tối đa 40 ký tự.")),
        ("packing_house_code", 40, _("Mã số cơ sở đóng gói tối đa 40 ký tự.")),
    ):
        if name in data:
            fields[name] = _text(data[name], limit, name, message)
    if "province_code" in data or "ward_code" in data:
        try:
            fields["province_code"], fields["ward_code"] = _clean_location(
                data.get("province_code", batch.province_code), data.get("ward_code", batch.ward_code))
        except DomainError as refused:
            if batch.id is None or ("province_code" in data and "ward_code" in data):
                raise
            raise Conflict(refused.message, refused.field) from None  # the half sent against the one stored
    certifications = _clean_certifications(data["certifications"]) if "certifications" in data else None
    steps = _clean_steps(data["steps"]) if "steps" in data else None

    code = fields.get("code", batch.code)
    clash = select(Batch.id).where(Batch.product_id == product.id, Batch.code == code)
    if batch.id is not None:
        clash = clash.where(Batch.id != batch.id)
    if db.session.scalar(clash) is not None:
        raise Conflict(_("Sản phẩm này đã có lô mã “%(code)s”. Hãy dùng mã khác.", code=code), "code")

    for name, value in fields.items():
        setattr(batch, name, value)
    if certifications is not None:
        batch.certifications = [Certification(**item) for item in certifications]
    if steps is not None:
        _apply_steps(batch, actor, steps)


def _apply_steps(batch: Batch, actor: User, rows: list[dict]) -> None:
    existing = {step.id: step for step in batch.steps}
    keep = []
    for row in rows:
        step_id = row.pop("id", None)
        step = existing.get(step_id) if step_id is not None else None
        if step_id is not None and step is None:  # well formed; the stored batch refuses it (409)
            raise Conflict(_("Bước này không thuộc lô hàng."), "steps")
        photo, remove = row.pop("photo"), row.pop("remove_photo")
        if step is None:
            step = BatchStep()
        for name, value in row.items():
            setattr(step, name, value)
        if photo:
            step.image = save_image(photo, uploaded_by=actor)
        elif remove:
            step.image = None
        keep.append(step)
    batch.steps = keep


def _flush_unique() -> None:
    """The unique constraint backs the check above when two requests race for one code."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Sản phẩm này đã có lô mã này. Hãy dùng mã khác."), "code") from None


def create_batch(product: Product, actor: User, data: dict) -> Batch:
    require_role(actor, product.shop)
    if product.status == "deleted":
        raise NotFound(_("Không tìm thấy sản phẩm."))
    batch = Batch(public_code=_new_public_code(), scan_count=0)
    data = {"code": None, "production_date": None, "expiry_date": None, "area_name": "",
            "growing_area_code": "", "packing_house_code": "", **data}
    with db.session.no_autoflush:
        _apply(batch, product, actor, data)
    batch.product = product
    db.session.add(batch)
    _flush_unique()
    return batch


def update_batch(batch: Batch, actor: User, data: dict) -> Batch:
    require_role(actor, batch.product.shop)
    with db.session.no_autoflush:
        _apply(batch, batch.product, actor, data)
    batch.updated_at = utcnow()
    _flush_unique()
    return batch


def set_step_photo(batch: Batch, actor: User, step_id: int, data: bytes) -> BatchStep:
    require_role(actor, batch.product.shop)
    step = next((s for s in batch.steps if s.id == step_id), None)
    if step is None:
        raise NotFound(_("Không tìm thấy bước này."))
    step.image = save_image(data, uploaded_by=actor)
    db.session.flush()
    return step


def delete_batch(batch: Batch, actor: User) -> None:
    require_role(actor, batch.product.shop)
    db.session.delete(batch)
    db.session.flush()


# --- links and labels ------------------------------------------------------------------

def absolute_url(path: str) -> str:
    """PUBLIC_BASE_URL when set (labels outlive the host a seller happened to print from), else this request's."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + path


def short_path(batch: Batch) -> str:
    return url_for("trace.short", public_code=batch.public_code)


def gs1_path(batch: Batch) -> str | None:
    if not batch.product.gtin:
        return None
    return url_for("trace.gs1", gtin=batch.product.gtin, lot=batch.code)


def label_url(batch: Batch) -> str:
    """What the QR code on the package carries (see the module's docstring)."""
    return absolute_url(gs1_path(batch) or short_path(batch))


def qr_code(batch: Batch):
    return segno.make_qr(label_url(batch), error="m", boost_error=False)


def qr_png(batch: Batch, scale: int = 8) -> bytes:
    out = io.BytesIO()
    qr_code(batch).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(batch: Batch) -> bytes:
    out = io.BytesIO()
    qr_code(batch).save(out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, unit="mm")
    return out.getvalue()


def label_copies(value) -> int:
    try:
        copies = int(value)
    except (TypeError, ValueError):
        return 21
    return max(1, min(copies, MAX_LABEL_COPIES))


# --- what a scanning buyer sees ---------------------------------------------------------

def step_when(step: BatchStep) -> str:
    """'12/10/2025', '13–15/10/2025', '30/09 – 02/10/2025', or the seller's own words."""
    start, end = step.date_from, step.date_to
    if start is None:
        return step.when_text
    if end is None or end == start:
        return format_date(start, "dd/MM/yyyy")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day:02d}–{format_date(end, 'dd/MM/yyyy')}"
    if start.year == end.year:
        return f"{format_date(start, 'dd/MM')} – {format_date(end, 'dd/MM/yyyy')}"
    return f"{format_date(start, 'dd/MM/yyyy')} – {format_date(end, 'dd/MM/yyyy')}"


def ai17_mismatch(batch: Batch, ai17: str | None) -> str | None:
    """The expiry a GS1 link's `?17=` printed, when it is not the batch's (or is not a date at all)."""
    from ..gs1 import expiry_from_ai17

    if ai17 is None:
        return None
    printed = expiry_from_ai17(ai17)
    if printed is None:
        # Never echo it: anyone can make a link on our domain whose ?17= reads "recalled, call 09xx...".
        return _("(không đọc được)")
    if printed != batch.expiry_date:
        return format_date(printed, "dd/MM/yyyy")
    return None


LOOK_UP = object()  # "look the rating up": None means "no current rating"


def trace_data(batch: Batch, rating=LOOK_UP) -> dict:
    """The batch as its public page shows it; the trace API returns exactly this. `rating`: the product's
    current OCOP rating when the caller already has it (a list of one product's batches looks it up once)."""
    product, shop = batch.product, batch.product.shop
    today = vietnam_today()
    if rating is LOOK_UP:
        rating = current_rating(product)
    cover = product.cover
    return {
        "code": batch.code,
        "public_code": batch.public_code,
        "trace_url": absolute_url(short_path(batch)),
        "gs1_url": absolute_url(gs1_path(batch)) if product.gtin else None,
        "product": {
            "id": product.id, "title": product.title, "gtin": product.gtin, "unit": product.unit,
            "photo_url": cover.url(800) if cover else None,
            "on_sale": product.is_public,
            "buy_url": absolute_url(url_for("catalog.product", slug=product.slug)) if product.is_public else None,
        },
        "shop": {
            "name": shop.name, "slug": shop.slug, "is_verified": shop.is_verified,
            "address": shop.full_address, "phone": shop.phone,
        },
        "origin": {
            "area_name": batch.area_name, "growing_area_code": batch.growing_area_code,
            "packing_house_code": batch.packing_house_code, "province_code": batch.province_code,
            "province_name": batch.province_name or None, "ward_code": batch.ward_code,
            "ward_name": batch.ward_name or None,
        },
        "production_date": batch.production_date,
        "expiry_date": batch.expiry_date,
        "expired": batch.is_expired(today),
        "certifications": [{
            "kind": c.kind, "label": certification_label(c.kind, c.name), "number": c.number, "issuer": c.issuer,
            "valid_from": c.valid_from, "valid_until": c.valid_until, "expired": c.is_expired(today),
        } for c in batch.certifications],
        "ocop": rating,
        "steps": [{
            "label": s.label, "when": step_when(s), "date_from": s.date_from, "date_to": s.date_to,
            "note": s.note, "photo_url": s.image.url(800) if s.image else None,
        } for s in batch.steps],
        "scan_count": batch.scan_count,
    }
