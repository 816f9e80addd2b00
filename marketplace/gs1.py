"""GS1 identifiers on a label: the GTIN of a product and the expiry date of a lot (AI 17).

python-stdnum does the arithmetic (check digit, YYMMDD with day 00 meaning the month's last
day); this module only says what the marketplace accepts and how it stores it. Shared by the
catalogue (a product's GTIN) and traceability (GS1 Digital Link paths, label expiry).
"""

from datetime import date

from stdnum import ean, gs1_128
from stdnum.exceptions import ValidationError

GTIN_LENGTHS = (8, 12, 13, 14)


class BadGtin(ValueError):
    """Not a GTIN-8/12/13/14 with a correct check digit; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "format" (not 8/12/13/14 digits) or "check_digit"


def gtin14(value: str) -> str:
    """'8931234567897' -> '08931234567897': any GTIN padded with zeros to the 14 digits GS1 stores.

    Spaces and hyphens (as printed under a barcode) are ignored. Raises BadGtin.
    """
    digits = ean.compact(value or "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in GTIN_LENGTHS:  # "٨", "²": isdigit() only
        raise BadGtin("format")
    try:
        ean.validate(digits)
    except ValidationError:
        raise BadGtin("check_digit") from None
    return digits.zfill(14)


def expiry_from_ai17(value: str) -> date | None:
    """The date an `?17=YYMMDD` carries (DD 00: the month's last day), or None if it is not one."""
    if not value or len(value) != 6 or not value.isdigit():
        return None
    try:
        return gs1_128.info(f"(17){value}")["17"]
    except (ValidationError, ValueError):
        return None
