"""The JSON API at /api/v1: shared pieces, and registration of each feature's endpoints.

Every endpoint's request and response go through marshmallow schemas, which also write
the OpenAPI document at /api/v1/openapi.json. Errors are RFC 9457 problem details.
"""

from flask import Flask
from flask_smorest.spec.plugins import unicodeconverter2paramschema
from werkzeug.routing import IntegerConverter, UnicodeConverter

from ..extensions import api, csrf
from ..utils import MAX_DB_ID
from .auth import init_auth
from .schemas import NUL_FREE


class IdConverter(IntegerConverter):
    """A positive id that fits the database's integer column (larger ones are simply 404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's name)
        super().__init__(map, min=1, max=MAX_DB_ID)


def register_api(app: Flask) -> None:
    from ..accounts.api import blp as accounts_blp
    from ..accounts.services import user_for_token
    from ..admin.api import blp as moderation_blp
    from ..cart.api import blp as cart_blp
    from ..catalog.api import blp as catalog_blp
    from ..ocop.api import blp as ocop_blp
    from ..orders.api import blp as orders_blp
    from ..search.api import blp as search_blp
    from ..shops.api import blp as shops_blp
    from ..traceability.api import blp as trace_blp

    init_auth(app, user_for_token)
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_DB_ID})
    # A NUL in the path is refused like anywhere else (refuse_nul_characters): say so for slugs and codes.
    api.register_converter(UnicodeConverter, lambda c: {**unicodeconverter2paramschema(c), "pattern": NUL_FREE})
    for blueprint in (accounts_blp, shops_blp, catalog_blp, search_blp, cart_blp, orders_blp, ocop_blp,
                      moderation_blp, trace_blp):
        # The API authenticates with bearer tokens only, never the session cookie, so
        # it is not exposed to cross-site request forgery and needs no CSRF token.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
