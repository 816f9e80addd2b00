"""The OpenAPI document states every rule the server applies: for each rule, a value the document refuses is
refused by the server, and one it allows is accepted, so a client generated from it never sends what is
refused (issue 12, item 12). The full sweep is Schemathesis's (tests/api/contract); these name each rule."""

import io
from datetime import timedelta

import jsonschema_rs
import pytest

from marketplace.utils import vietnam_today
from tests.api.contract.schema import resolve
from tests.api.contract.world import BANK
from tests.conftest import png_bytes
from tests.shopping import ADDRESS


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def document_allows(spec, schema_name: str, field: str, value) -> bool:
    prop = resolve(spec, spec["components"]["schemas"][schema_name]["properties"][field])
    if value is None:
        return bool(prop.get("nullable"))
    prop = {key: item for key, item in prop.items() if key not in ("nullable", "example", "default")}
    return jsonschema_rs.validator_for(prop, validate_formats=True).is_valid(value)


def _order(world, caller="seller"):
    return world.callers[caller].order_ids[0]


# One valid request per kind; the rule's field is then set to the value under test.
REQUESTS = {
    "RegisterIn": lambda w: ("post", "/api/v1/auth/register", None,
                             {"name": "Trần Thị Hoa", "password": "matkhau123", "phone": "0987 111 222"}),
    "ShopIn": lambda w: ("post", "/api/v1/shops", "seller", {
        "name": "Khô cá Sông Đốc", "province_code": 96, "ward_code": 32002, "address": "Ấp Kinh Hòa",
        "phone": "0912 345 678"}),
    "ProductIn": lambda w: ("post", "/api/v1/products", "seller", {
        "shop_id": w.shop_id, "title": "Mật ong hoa tràm", "category_id": 2, "unit": "kg",
        "variants": [{"name": "1 kg", "price_vnd": 250_000, "stock": 5}]}),
    "ItemIn": lambda w: ("post", "/api/v1/cart/items", "admin",  # a variant its cart does not hold yet
                         {"variant_id": w.variant_ids[w.product_ids[0]][1], "quantity": 1}),
    "CartIn": lambda w: ("post", "/api/v1/cart", "admin", {}),
    "SellerCancelIn": lambda w: ("post", f"/api/v1/seller/orders/{_order(w)}/cancel", "seller",
                                 {"reason": "Hết hàng"}),
    "ShipIn": lambda w: ("post", f"/api/v1/seller/orders/{_order(w)}/ship", "seller", {"carrier": "GHN"}),
    "ReasonIn": lambda w: ("post", f"/api/v1/admin/products/{w.product_ids[0]}/hide", "admin",
                           {"reason": "Ảnh sai sự thật"}),
    "RejectIn": lambda w: ("post", f"/api/v1/admin/ocop-claims/{w.claim_id}/reject", "admin",
                           {"reason": "Thiếu giấy"}),
    "BatchIn": lambda w: ("post", f"/api/v1/products/{w.product_ids[0]}/batches", "seller",
                          {"code": "L2511-02", "production_date": vietnam_today().isoformat()}),
    "CheckoutIn": lambda w: ("post", "/api/v1/checkout", "seller", {"address": ADDRESS, "payment_method": "cod"}),
    "ShopPatch": lambda w: ("patch", f"/api/v1/shops/{w.slug}", "seller", dict(BANK)),
}

TOMORROW = (vietnam_today() + timedelta(days=1)).isoformat()

RULES = [
    # minimum lengths, counted on the text once blanks around it are trimmed
    ("RegisterIn", "name", "  ", False), ("RegisterIn", "name", " An ", True),
    ("ShopIn", "name", " A ", False), ("ShopIn", "name", "Ba", True),
    ("ProductIn", "title", "ab  ", False), ("ProductIn", "title", "Mắm", True),
    ("SellerCancelIn", "reason", "  ab  ", False), ("SellerCancelIn", "reason", " Hết ", True),
    ("ShipIn", "carrier", " \t", False), ("ShipIn", "carrier", "J&T", True),
    ("ReasonIn", "reason", "Ảnh ", False), ("ReasonIn", "reason", "Ảnh giả", True),
    ("RejectIn", "reason", "\n", False), ("RejectIn", "reason", "Thiếu\u000bgiấy", False),
    ("RejectIn", "reason", "Thiếu\ngiấy", True),
    # maximum lengths, the same way
    ("ProductIn", "title", "x" * 201, False), ("ProductIn", "title", "  " + "x" * 200 + "  ", True),
    # NUL anywhere in a text is refused (400)
    ("RegisterIn", "name", "An\x00", False), ("ProductIn", "description", "\x00", False),
    # quantity 1 to 999
    ("ItemIn", "quantity", 0, False), ("ItemIn", "quantity", 1000, False), ("ItemIn", "quantity", 999, True),
    # enums and patterns the services read
    ("ShopIn", "province_code", 99, False), ("CheckoutIn", "payment_method", "bitcoin", False),
    ("ProductIn", "unit", "Hop", True), ("ProductIn", "unit", "\u212ag", False),
    ("ProductIn", "gtin", "1234567", False), ("ProductIn", "gtin", "8934-5670-0001-7", True),
    ("ShopIn", "slug", "Mat-Ong", True), ("ShopIn", "slug", "mat--ong", False),
    ("ShopIn", "slug", "\u212aho-ca", False),
    ("ShopPatch", "bank_account_number", "١٢٣٤٥٦٧٨", False),
    ("RegisterIn", "email", "hoa@cho@que.vn", False), ("RegisterIn", "email", " Hoa@Example.vn ", True),
    ("BatchIn", "code", "ı25", False), ("BatchIn", "code", " l2511-03 ", True),
    # phones: 0, +84 or 84, then the numbering plan's digits, spaces, dots or hyphens between them
    ("RegisterIn", "phone", "+84 912.345.678", True), ("RegisterIn", "phone", "0912/345/678", False),
    ("RegisterIn", "phone", "0290 3831 234", False), ("ShopIn", "phone", "0290 3831 234", True),
    ("ShopIn", "phone", "1900 1234", False), ("CheckoutIn", "address", {**ADDRESS, "phone": "09l2 345 678"}, False),
    # JSON's own booleans and RFC 3339 dates
    ("CartIn", "accept_changes", "yes", False), ("CartIn", "accept_changes", True, True),
    ("BatchIn", "production_date", "20251012", False),
]


@pytest.mark.parametrize(("schema_name", "field", "value", "allowed"), RULES,
                         ids=[f"{s}.{f}={v!r:.20}" for s, f, v, _ in RULES])
def test_the_document_and_the_server_agree_on_a_rule(app, client, spec, world, schema_name, field, value, allowed):
    method, path, caller, body = REQUESTS[schema_name](world)
    body[field] = value
    headers = world.callers[caller].headers if caller else {}
    response = getattr(client, method)(path, json=body, headers=headers)

    assert document_allows(spec, schema_name, field, value) is allowed
    refused = response.status_code in (400, 422)
    assert refused is not allowed, (response.status_code, response.get_data(as_text=True)[:300])
    if refused:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("schema_name", "field", "kind"), [
    ("BatchIn", "production_date", "batch"), ("ClaimIn", "decided_on", "claim")])
def test_a_date_after_today_is_described_and_refused(client, spec, world, schema_name, field, kind):
    """OpenAPI cannot compare a date with today: the field's description says it, and the server refuses."""
    description = spec["components"]["schemas"][schema_name]["properties"][field]["description"]
    assert "not after today" in description
    headers = world.callers["seller"].headers
    if kind == "batch":
        response = client.post(f"/api/v1/products/{world.product_ids[0]}/batches", headers=headers,
                               json={"code": "L9", "production_date": TOMORROW})
    else:
        response = client.patch(f"/api/v1/products/{world.claim_product_id}/ocop-claim", headers=headers,
                                content_type="multipart/form-data", data={"decided_on": TOMORROW})
    assert response.status_code == 422 and field in response.json["errors"]


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/v1/cart"), ("patch", "/api/v1/products/{product}"), ("patch", "/api/v1/shops/{slug}"),
    ("patch", "/api/v1/products/{product}/batches/{batch}"), ("post", "/api/v1/orders/{order}/cancel"),
    ("post", "/api/v1/admin/shops/{shop}/verify"), ("patch", "/api/v1/products/{claimed}/ocop-claim")])
def test_a_body_the_server_does_without_is_documented_as_optional(client, spec, world, method, path):
    template = (path.replace("{product}", "{product_id}").replace("{claimed}", "{product_id}")
                .replace("{batch}", "{batch_id}").replace("{order}", "{order_id}").replace("{shop}", "{shop_id}"))
    assert spec["paths"][template][method]["requestBody"]["required"] is False
    url = path.format(product=world.product_ids[0], slug=world.slug, batch=world.batch_id, shop=world.shop_id,
                      order=world.callers["admin"].order_ids[0], claimed=world.claim_product_id)
    caller = "admin" if "/admin/" in path or "/orders/" in path else "seller"
    response = getattr(client, method)(url, headers=world.callers[caller].headers)
    assert response.status_code in (200, 201), response.json


def test_an_upload_refuses_a_part_it_does_not_name_as_the_document_says(client, spec, world):
    assert spec["components"]["schemas"]["UploadIn"]["additionalProperties"] is False
    response = client.post(f"/api/v1/products/{world.product_ids[0]}/images", headers=world.callers["seller"].headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(png_bytes()), "anh.png"), "caption": "Mật ong"})
    assert response.status_code == 422 and "caption" in response.json["errors"]


def test_every_text_of_a_request_is_documented_nul_free(spec):
    """Anywhere a request carries text, the document's pattern refuses a NUL (the server answers 400)."""
    def strings(node, where):
        node = resolve(spec, node)
        if node.get("type") == "string" and "enum" not in node and node.get("format") != "binary":
            yield where, node
        for name, child in node.get("properties", {}).items():
            yield from strings(child, f"{where}.{name}")
        if "items" in node:
            yield from strings(node["items"], f"{where}[]")

    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for parameter in [*operations.get("parameters", []), *operation.get("parameters", [])]:
                if parameter["in"] != "header":
                    found += strings(parameter["schema"], f"{method} {path} {parameter['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += strings(content["schema"], f"{method} {path} body")
    assert len(found) > 60
    unsafe = [where for where, node in found
              if jsonschema_rs.validator_for({k: v for k, v in node.items() if k != "nullable"},
                                                validate_formats=True).is_valid("a\x00b")]
    assert not unsafe


def test_rate_limited_operations_document_their_429(spec):
    for path, method in (("/api/v1/auth/token", "post"), ("/api/v1/auth/register", "post"),
                         ("/api/v1/orders/lookup", "get")):
        assert "429" in spec["paths"][path][method]["responses"], path


@pytest.mark.parametrize("mobile", [True, False])
def test_a_phone_the_document_allows_is_one_the_services_accept(app, mobile):
    """The document's phone patterns are libphonenumber's plan: every number they admit is accepted."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from marketplace.api.schemas import BLANK
    from marketplace.phones import normalize_phone, phone_pattern

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(phone_pattern(mobile=mobile, blank=BLANK)))
    def accepted(text):
        with app.test_request_context():
            assert normalize_phone(text, mobile=mobile).startswith("+84")

    accepted()


@pytest.mark.parametrize(("schema_name", "body", "allowed"), [
    ("RegisterIn", {"name": "Hoa", "password": "matkhau123"}, False),
    ("RegisterIn", {"name": "Hoa", "password": "matkhau123", "phone": " ", "email": ""}, False),
    ("RegisterIn", {"name": "Hoa", "password": "matkhau123", "email": "hoa@example.vn"}, True),
    ("CertificationIn", {"kind": "other"}, False), ("CertificationIn", {"kind": "other", "name": "ISO 22000"}, True),
    ("CertificationIn", {"kind": "vietgap"}, True),
    ("StepIn", {"label": "Phơi khô", "date_to": "2026-01-02"}, False),
    ("StepIn", {"label": "Phơi khô", "date_from": None, "date_to": "2026-01-02"}, False),
    ("StepIn", {"label": "Phơi khô", "date_from": "2026-01-01", "date_to": "2026-01-02"}, True),
    ("StepIn", {"label": "Phơi khô", "date_to": None}, True), ("StepIn", {"label": "Phơi khô"}, True),
    ("ShopPatch", {"bank_account_name": "NGUYEN VAN TU"}, False),
    ("ShopPatch", {"bank_bin": "970436", "bank_account_number": None, "bank_account_name": "NGUYEN VAN TU"}, False),
    ("ShopPatch", {"bank_bin": "970436", "bank_account_number": " - . ", "bank_account_name": "NGUYEN VAN TU"}, False),
    ("ShopPatch", {"bank_bin": "970436", "bank_account_number": "101 234 5678", "bank_account_name": "Tú"}, True),
    ("ShopPatch", {"bank_bin": "", "bank_account_number": " - ", "bank_account_name": None}, True),
    ("ShopPatch", {"description": "Mật ong nguyên chất"}, True)])
def test_a_rule_over_several_fields_is_in_the_document_and_the_server(client, spec, world, schema_name, body,
                                                                      allowed):
    document = {key: value for key, value in resolve(spec, spec["components"]["schemas"][schema_name]).items()}
    assert jsonschema_rs.validator_for(document).is_valid(body) is allowed
    if schema_name == "RegisterIn":
        response = client.post("/api/v1/auth/register", json=body)
    elif schema_name == "ShopPatch":
        response = client.patch(f"/api/v1/shops/{world.slug}", headers=world.callers["seller"].headers, json=body)
    else:
        listed = "steps" if schema_name == "StepIn" else "certifications"
        response = client.post(f"/api/v1/products/{world.product_ids[0]}/batches", headers=world.callers[
            "seller"].headers, json={"code": "L9", "production_date": "2026-01-01", listed: [body]})
    assert (response.status_code in (200, 201)) is allowed, response.json


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/shops/{slug}", {"ward_code": 31135}),  # a ward of Cần Thơ, for a shop in Cà Mau
    ("/api/v1/products/{claimed}/ocop-claim", {"issuing_level": "national"}),  # the stored claim has 4 stars
    ("/api/v1/products/{product}", {"variants": [{"id": 3, "name": "Của sản phẩm khác", "price_vnd": 1000,
                                                   "stock": 1}]}),
    ("/api/v1/products/{product}/batches/{batch}", {"steps": [{"id": 999, "label": "Của lô khác"}]})])
def test_a_change_that_fits_the_request_but_not_what_is_stored_is_a_conflict(client, world, path, body):
    """409, not 422: the request is well formed (the document cannot know the stored half)."""
    url = path.format(slug=world.slug, claimed=world.claim_product_id, product=world.product_ids[0],
                      batch=world.batch_id)
    headers = world.callers["seller"].headers
    if "ocop-claim" in path:
        response = client.patch(url, headers=headers, content_type="multipart/form-data", data=body)
    else:
        response = client.patch(url, headers=headers, json=body)
    assert response.status_code == 409 and response.mimetype == "application/problem+json", response.json


def test_a_new_batch_names_no_existing_step(client, spec, world):
    """Step ids keep steps of a batch being changed; a new batch has none, and the document says so."""
    step = {"id": world.step_id, "label": "Thu hoạch"}
    assert "id" not in resolve(spec, spec["components"]["schemas"]["StepIn"])["properties"]
    response = client.post(f"/api/v1/products/{world.product_ids[0]}/batches", headers=world.callers["seller"].headers,
                           json={"code": "L9", "production_date": "2026-01-01", "steps": [step]})
    assert response.status_code == 422 and response.json["errors"]["steps"]["0"]["id"], response.json


def test_more_than_the_stock_is_a_conflict(client, world):
    response = client.post("/api/v1/cart/items", headers=world.callers["admin"].headers,
                           json={"variant_id": world.variant_ids[world.product_ids[0]][0], "quantity": 900})
    assert response.status_code == 409 and "quantity" in response.json["errors"]
