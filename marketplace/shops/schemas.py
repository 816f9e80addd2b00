"""API field definitions for addresses and phones, shared by the shops' API and checkout's (orders)."""

from marshmallow import fields

from .locations import provinces

PROVINCE_CODES = sorted(int(p.code) for p in provinces())
PHONE_ANY_WAY = ("0, +84 or 84, then the digits, which spaces, dots or hyphens may separate (0912 345 678, "
                 "+84 912 345 678, 0290.3831.234)")
WARD_DOC = "A ward of that province (GET /api/v1/provinces/{code}/wards)"


def province_code(**kwargs) -> fields.Integer:
    """A province's code (GET /api/v1/provinces): the document lists them all."""
    codes = [*PROVINCE_CODES, None] if kwargs.get("allow_none") else PROVINCE_CODES
    metadata = {"enum": codes, **kwargs.pop("metadata", {})}
    return fields.Integer(strict=True, metadata=metadata, **kwargs)

