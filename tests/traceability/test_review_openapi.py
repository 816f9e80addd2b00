"""Review of issue 6: each schema keeps its own name in the OpenAPI document (no silent "OcopOut1")."""


def test_trace_and_product_ocop_schemas_have_distinct_names(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "OcopOut1" not in schemas
    assert "decision_number" in schemas["TraceOcopOut"]["properties"]
    assert "certificate_number" in schemas["OcopOut"]["properties"]
