"""Vietnamese phone numbers: read any common way, stored in E.164, shown in the national form.

The API document's patterns are built from the same numbering plan (libphonenumber's metadata) that
`normalize_phone` checks against, so a number the document allows is one the services accept.
"""

import re

import phonenumbers
from flask_babel import gettext as _
from phonenumbers import PhoneMetadata

from .errors import DomainError

MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalize_phone(raw: str, *, mobile: bool = True) -> str:
    """Any common way of writing a Vietnamese number -> E.164 (+84912345678).

    Accounts and Zalo need a mobile number; a shop's contact phone may also be a landline.
    """
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise DomainError(_("Số điện thoại không hợp lệ."), "phone") from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "VN":
        raise DomainError(_("Số điện thoại không hợp lệ."), "phone")
    if mobile and phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise DomainError(_("Cần số điện thoại di động."), "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


# --- the same plan as a regular expression, for the API document -----------------------------------

_PLAN = PhoneMetadata.metadata_for_region("VN")
_ATOM = re.compile(r"\{[^}]*\}|\\d|\[[^\]]*\]|[0-9]")  # a repeat count is kept; a digit atom is spaced
SEPARATOR = "[ .-]"


def _spaced(national_pattern: str) -> str:
    """The plan's pattern for the national digits, with one optional separator allowed before each."""
    def space(atom):
        text = atom.group(0)
        return text if text.startswith("{") else f"(?:{SEPARATOR}?{text})"

    return _ATOM.sub(space, national_pattern)


def phone_pattern(*, mobile: bool, blank: str) -> str:
    """0, +84 or 84, then the national number of a mobile (or, when not `mobile`, a mobile or a landline), in
    digits that a space, dot or hyphen may separate; `blank` (a regex class) may surround it."""
    kinds = [_PLAN.mobile] if mobile else [_PLAN.mobile, _PLAN.fixed_line]
    national = "|".join(f"(?:{_spaced(kind.national_number_pattern)})" for kind in kinds)
    return f"^{blank}*(?:\\+84|84|0)(?:{national}){blank}*$"
