from datetime import UTC

from marshmallow import Schema, fields, validate


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={"description": "Messages per field"})


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_schema(item_schema, name: str) -> type[Schema]:
    """A paginated list: {items, total, page, per_page}."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    }, name=name)


def page_body(items, total: int, args: dict) -> dict:
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


class UtcDateTime(fields.DateTime):
    """An RFC 3339 timestamp in UTC. SQLite hands datetimes back without a zone; they were stored in UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


# --- pieces that several features' answers share ---------------------------------------------

class ShopRef(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class OcopOut(Schema):
    stars = fields.Integer(metadata={"description": "3, 4 or 5"})
    certificate_number = fields.String(metadata={"description": "The recognition decision's number"})
    expires_on = fields.Date()
