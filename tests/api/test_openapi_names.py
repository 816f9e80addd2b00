"""The OpenAPI document names each schema once: apispec renames a clash to "Name1", which clients then see."""

import re


def test_no_two_schemas_share_a_name(client):
    names = set(client.get("/api/v1/openapi.json").json["components"]["schemas"])
    renamed = {name for name in names if (match := re.fullmatch(r"(.+?)\d+", name)) and match.group(1) in names}
    assert not renamed, renamed
