"""Shared steps of the OCOP tests: a seller with a product, a claim sent the way a client sends it."""

import io
from datetime import timedelta
from pathlib import Path

from marketplace.utils import vietnam_today
from tests.conftest import DATA_DIR, jpeg_bytes, token_for
from tests.shopping import make_admin

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def decided(days_ago: int = 100):
    return vietnam_today() - timedelta(days=days_ago)


def claim_fields(**changes) -> dict:
    fields = {"stars": "4", "decision_number": "1234/QĐ-UBND", "decided_on": decided().isoformat(),
              "product_group": "food"}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def with_file(fields: dict, data: bytes | None = None, name: str = "giay-chung-nhan.jpg") -> dict:
    body = dict(fields)
    body["certificate"] = (io.BytesIO(jpeg_bytes() if data is None else data), name)
    return body


def private_files() -> list[Path]:
    root = DATA_DIR / "private" / "ocop"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class Seller:
    """A seller with a shop and one active product, and an admin, with their API tokens."""

    def __init__(self, app, client, factory, title="Mật ong U Minh nguyên chất"):
        self.app, self.client = app, client
        self.owner = factory.user(name="Lê Văn Tư")
        self.shop = factory.shop(self.owner, name="Ong mật Rừng U Minh")
        self.product = factory.product(self.owner, self.shop, title=title)
        self.admin = factory.user(name="Trần Quản Trị")
        make_admin(app, self.admin)
        self.headers = token_for(client, self.owner)
        self.admin_headers = token_for(client, self.admin)

    def claim_api(self, product_id=None, data: bytes | None = None, name="giay-chung-nhan.jpg", **changes):
        return self.client.post(f"/api/v1/products/{product_id or self.product.id}/ocop-claims",
                                data=with_file(claim_fields(**changes), data, name), headers=self.headers,
                                content_type="multipart/form-data")

    def claim(self, **changes) -> int:
        response = self.claim_api(**changes)
        assert response.status_code == 201, response.json
        return response.json["id"]

    def approve(self, claim_id: int):
        return self.client.post(f"/api/v1/admin/ocop-claims/{claim_id}/approve", headers=self.admin_headers)

    def approved_claim(self, **changes) -> int:
        claim_id = self.claim(**changes)
        assert self.approve(claim_id).status_code == 200
        return claim_id

    def reject(self, claim_id: int, reason="Ảnh mờ, không đọc được số quyết định"):
        return self.client.post(f"/api/v1/admin/ocop-claims/{claim_id}/reject", json={"reason": reason},
                                headers=self.admin_headers)

    def product_api(self):
        return self.client.get(f"/api/v1/products/{self.product.id}").json

    def product_page(self) -> str:
        return self.client.get(f"/products/{self.product.slug}").get_data(as_text=True)

    def search(self, **args):
        return self.client.get("/api/v1/search", query_string={"q": "mật ong", **args}).json
