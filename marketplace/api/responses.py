"""The response side of the API toolkit: the base of the `Out` schemas, the page envelope of a list, and the
pieces several features answer with. A view returns objects; its endpoint's Out schema serialises them."""

from datetime import UTC

from marshmallow import Schema, fields
from marshmallow.utils import get_value


class Out(Schema):
    """The base of the response schemas, which serialise the objects themselves (models, or the services'
    read models), so that each object's shape is written once, here. A field reads the object's attribute
    of its name, or its `attribute`: a dotted path (null where a part on the way is null), or a function of
    the object for a value computed from it (a label, a URL, a lookup); either way the field keeps its type
    and formatting, and so its place in the OpenAPI document."""

    def get_attribute(self, obj, attr, default):
        if attr.__class__ is str and "." not in attr:  # most fields: first, as it is the hot path
            return get_value(obj, attr, default)
        if callable(attr):
            return attr(obj)
        for key in attr.split("."):  # a path through a part that is not there (None) is null
            if obj is None:
                return None
            obj = get_value(obj, key, default)
        return obj


def page_schema(item_schema, name: str, **more: fields.Field) -> type[Schema]:
    """A paginated list: {items, total, page, per_page} and the fields `more`. The items are dumped as one
    collection, so an item schema can look up what its items need in one query (ProductOut's ratings)."""
    return Out.from_dict({
        "items": fields.Nested(item_schema, many=True),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
        **more,
    }, name=name)


class UtcDateTime(fields.DateTime):
    """An RFC 3339 timestamp in UTC. SQLite hands datetimes back without a zone; they were stored in UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


# --- pieces that several features' answers share ---------------------------------------------

class ShopRef(Out):
    """A link to a shop, in the answers about what it sells or sold."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class OcopOut(Out):
    stars = fields.Integer(metadata={"description": "3, 4 or 5"})
    certificate_number = fields.String(attribute="decision_number",
                                       metadata={"description": "The recognition decision's number"})
    expires_on = fields.Date()
