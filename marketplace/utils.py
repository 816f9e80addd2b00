"""Small helpers shared by every feature: time, money, Vietnamese text."""

import unicodedata
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from slugify import slugify as _slugify

MAX_DB_ID = 2**31 - 1  # ids are 32-bit integer columns


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def vietnam_today() -> date:
    """The calendar date in Vietnam: what expiry dates on certificates and labels are read against."""
    return datetime.now(VIETNAM).date()


def format_vnd(amount: int | None) -> str:
    """125000 -> '125.000 ₫' (VND has no minor unit; '.' groups thousands)."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".") + "\u00a0₫"


def nfc(text: str) -> str:
    """Some keyboards send decomposed marks; store and compare the composed form."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """'Tôm khô Đất Mũi' -> 'tom kho dat mui': what a buyer types without diacritics."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def slugify(text: str, max_length: int = 80) -> str:
    return _slugify(fold(text), max_length=max_length, word_boundary=True) or "shop"


def clean_text(value: str | None) -> str:
    """Composed Unicode, no surrounding blanks; the form every stored text takes."""
    return nfc(value or "").strip()


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site are followed after login (no open redirects)."""
    if not target:
        return False
    parts = urlsplit(target)
    return (not parts.scheme and not parts.netloc and target.startswith("/")
            and not target.startswith("//") and "\\" not in target)


def parse_id(value) -> int | None:
    """An id from outside, or None when it cannot be one (so lookups never overflow the column)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_DB_ID else None
