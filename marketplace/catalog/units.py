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
SPELLINGS = (*UNITS, *_FOLDED)  # what normalize_unit reads, in lower case
# Lower-case only the letters of these words: str.lower() would also turn "K" (the Kelvin sign) into "k".
_LOWER = str.maketrans({ch.upper(): ch for word in SPELLINGS for ch in word if len(ch.upper()) == 1})


def normalize_unit(value: str | None) -> str:
    """Accept 'hộp', 'Hộp' or 'hop' (typed without diacritics) and store 'hộp'."""
    text = (value or "").strip().translate(_LOWER)
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
