import pytest

from tests.conftest import token_for

# Real check digits (computed with the GS1 algorithm): one GTIN of each length, and the same
# product's GTIN-13 as stored (padded to 14).
GTIN13 = "8934567000017"
GTIN14 = "08934567000017"
GTIN8 = "96385074"
GTIN12 = "036000291452"
BAD_GTIN13 = "8934567000014"


def batch_payload(**changes) -> dict:
    data = {
        "code": "L2510-01",
        "production_date": "2025-10-12",
        "expiry_date": "2030-10-12",
        "area_name": "Ao tôm sinh thái ông Tám",
        "growing_area_code": "VN-CM-TS-0042",
        "packing_house_code": "CM-DG-0007",
        "province_code": 96,
        "ward_code": 32002,
        "certifications": [
            {"kind": "vietgap", "number": "VG-2024-118", "issuer": "Trung tâm Chứng nhận Phù hợp",
             "valid_from": "2024-05-01", "valid_until": "2031-05-01"},
            {"kind": "organic", "number": "OR-01", "issuer": "Control Union",
             "valid_from": "2020-01-01", "valid_until": "2023-01-01"},
        ],
        "steps": [
            {"label": "Thu hoạch", "date_from": "2025-10-12", "note": "Tôm đất ao sinh thái"},
            {"label": "Phơi khô", "date_from": "2025-10-13", "date_to": "2025-10-15"},
            {"label": "Đóng gói", "when_text": "sáng 16/10"},
        ],
    }
    data.update(changes)
    return data


@pytest.fixture
def seller(factory, client):
    """A seller with a shop, a product carrying a GTIN and a token; and a second seller with their own."""
    owner = factory.user(name="Chị Tư", phone="0912000201")
    shop = factory.shop(owner, name="Tôm khô Năm Căn")
    product = factory.product(owner, shop, title="Tôm khô Năm Căn loại 1", gtin=GTIN13)
    plain = factory.product(owner, shop, title="Khô cá lóc", gtin=None)
    other = factory.user(name="Anh Ba", phone="0912000202")
    other_shop = factory.shop(other, name="Mật ong U Minh")
    other_product = factory.product(other, other_shop, title="Mật ong rừng U Minh")
    return {
        "owner": owner, "shop": shop, "product": product, "plain": plain, "headers": token_for(client, owner),
        "other": other, "other_product": other_product, "other_headers": token_for(client, other),
    }


def create(client, seller, product=None, **changes):
    product = product or seller["product"]
    return client.post(f"/api/v1/products/{product.id}/batches", json=batch_payload(**changes),
                       headers=seller["headers"])
