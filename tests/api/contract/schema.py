"""The API's document loaded for Schemathesis, with hooks that mix the world's real ids into generated
requests: a generated id that is valid is sometimes swapped for a real one, never an invalid one, so a
request meant to be refused stays refusable."""

import os
import re

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

from tests.conftest import make_test_app

# Built at import so pytest can list one test per operation; it shares the test database, which the
# session `app` fixture migrates before any test runs.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", make_test_app())

# Rules the document states in words because JSON Schema cannot: a date against today or against another date
# of the request; a code or id that must name a row (a category, a variant on sale, a ward of the province
# given, which needs a province); names unique within a list; bytes that must be a photo (or, for an OCOP
# certificate, a PDF); a GTIN's check digit. And one it could
# state but Schemathesis 4.32.5 cannot read: the OCOP level the stars imply, as `not` inside a multipart
# body (its coverage phase stops with "Unsupported type: 'Binary'"). A valid-looking request refused (422)
# for these alone is not a finding; every other check still runs on it. An entry names a field wherever it
# is (`date_to`), or one place, list positions written `*` (`variants.*.name`).
STATED_IN_WORDS = {"production_date", "expiry_date", "decided_on", "expires_on", "valid_until", "date_to",
                   "category_id", "variant_id", "province_code", "ward_code", "variants.*.name", "file",
                   "certificate", "gtin", "issuing_level"}

# Per operation, and stateful sequences: `make test` runs 25, `make test-contract` (in CI, on both databases) 100
# and the coverage phase too (boundary values, every kind of invalid value). That phase builds its cases while
# pytest collects, 30 s in every xdist worker, so `make test` leaves it to CI.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
COVERAGE = os.environ.get("SCHEMATHESIS_COVERAGE", "0") == "1"
# The same cases on every run, so CI gives the same answer for the same code; SCHEMATHESIS_RANDOM=1 draws new
# ones, to explore (a finding it makes is then fixed, or its rule added above, and stays found).
DERANDOMIZE = os.environ.get("SCHEMATHESIS_RANDOM", "0") != "1"
schema.config.phases.coverage.enabled = COVERAGE

REAL: dict[str, list] = {}  # parameter or body field name -> the current world's ids (set by `use_world`)
MAX_ID = 2**31 - 1


def use_world(world) -> None:
    REAL.clear()
    REAL.update(world.ids())


def _swappable(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    return isinstance(value, str) and value != "" and "\x00" not in value


def _mix(values):
    if not isinstance(values, dict):
        return st.just(values)
    choices = {name: st.sampled_from([value, *REAL[name]]) for name, value in values.items()
               if REAL.get(name) and _swappable(value)}
    if not choices:
        return st.just(values)
    return st.fixed_dictionaries(choices).map(lambda picked: {**values, **picked})


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _mix(path_parameters)


@schema.hook
def flatmap_body(context, body):
    return _mix(body)


def resolve(spec: dict, node):
    """`node` as plain JSON Schema: every $ref into the components replaced by what it names, OpenAPI 3.0's
    `nullable` written as a type that admits null."""
    if isinstance(node, dict):
        if "$ref" in node:
            return resolve(spec, spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
        resolved = {key: resolve(spec, value) for key, value in node.items() if key != "nullable"}
        if node.get("nullable") and "type" in node:
            resolved["type"] = [node["type"], "null"]
        return resolved
    if isinstance(node, list):
        return [resolve(spec, value) for value in node]
    return node


def mislabelled_positive(case) -> bool:
    """Schemathesis 4.32.5's coverage phase, when the first body it draws is invalid, keeps that body as
    the template of its "positive" cases that vary another parameter (`body_is_fallback_negative` is only
    consulted for negative cases). Such a case is not positive: the body the document refuses is refused."""
    if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE or not case.meta.generation.mode.is_positive:
        return False
    body = schema.raw_schema["paths"][case.path][case.method.lower()].get("requestBody")
    if body is None or case.media_type != "application/json" or case.body is None:
        return False
    body_schema = resolve(schema.raw_schema, body["content"][case.media_type]["schema"])
    return not jsonschema_rs.validator_for(body_schema).is_valid(case.body)


def refused_for_a_rule_in_words(response) -> bool:
    if response.status_code != 422:
        return False
    errors = response.json().get("errors") or {}
    return bool(errors) and all(re.sub(r"\.\d+\.", ".*.", name) in STATED_IN_WORDS
                                or name.rsplit(".", 1)[-1] in STATED_IN_WORDS for name in errors)


def caller_headers(case, headers: dict) -> dict:
    """The caller's credentials, unless the case's headers are the invalid part on purpose (a missing or
    mangled Authorization): sending them then would turn a request meant to be refused into a valid one."""
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return {} if header is not None and header.mode.is_negative else headers
