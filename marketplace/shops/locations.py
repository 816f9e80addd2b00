"""Provinces and wards after the 1 July 2025 reform (34 provinces, 3,321 wards)."""

from functools import lru_cache

from flask_babel import gettext as _
from vietnam_provinces import Province, Ward

from ..errors import DomainError
from ..utils import fold


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    return tuple(sorted(Province.iter_all(), key=lambda p: fold(short_name(p.name))))


@lru_cache(maxsize=64)
def wards(province_code: int) -> tuple[Ward, ...]:
    province = province_by_code(province_code)
    if province is None:
        return ()
    return tuple(sorted(Ward.iter_by_province(province.code), key=lambda w: fold(w.name)))


def province_by_code(code: int | None) -> Province | None:
    try:
        return Province.from_code(int(code))
    except (TypeError, ValueError):
        return None


def ward_by_code(code: int | None) -> Ward | None:
    try:
        return Ward.from_code(int(code))
    except (TypeError, ValueError):
        return None


def short_name(name: str) -> str:
    """'Thành phố Cần Thơ' -> 'Cần Thơ' for lists and cards."""
    return name.removeprefix("Thành phố ").removeprefix("Tỉnh ")


def check_location(province_code: int | None, ward_code: int | None) -> tuple[Province, Ward]:
    province = province_by_code(province_code)
    if province is None:
        raise DomainError(_("Vui lòng chọn tỉnh/thành phố."), "province_code")
    ward = ward_by_code(ward_code)
    if ward is None:
        raise DomainError(_("Vui lòng chọn phường/xã."), "ward_code")
    if int(ward.province_code) != int(province.code):
        raise DomainError(
            _("%(ward)s không thuộc %(province)s.", ward=ward.name, province=province.name), "ward_code"
        )
    return province, ward
