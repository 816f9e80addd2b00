"""Units goods are sold by. Stored as the Vietnamese word the seller knows."""

from flask_babel import get_locale
from flask_babel import gettext as _

from ..errors import DomainError
from ..utils import fold

# Vietnamese word -> English label
UNITS: dict[str, str] = {
    "kg": "kg",
    "hộp": "box",
    "chai": "bottle",
    "gói": "pack",
    "con": "piece",
    "túi": "bag",
    "hũ": "jar",
    "lọ": "jar",
    "bó": "bunch",
    "thùng": "case",
    "cái": "item",
    "lít": "litre",
    "suất": "serving",
}
_FOLDED = {fold(word): word for word in UNITS}


def normalize_unit(value: str | None) -> str:
    """Accept 'hộp', 'Hộp' or 'hop' (typed without diacritics) and store 'hộp'."""
    text = (value or "").strip().lower()
    if text in UNITS:
        return text
    if text in _FOLDED:
        return _FOLDED[text]
    raise DomainError(_("Đơn vị bán không hợp lệ."), "unit")


def unit_label(unit: str) -> str:
    locale = get_locale()
    if locale is not None and locale.language == "en":
        return UNITS.get(unit, unit)
    return unit
