"""The two query shapes every feature's services repeat: a row by an id that came from outside, and one page
of a list (the pages' `?page=` is read by `web.page_arg`, the API's by `api.schemas.PageArgs`)."""

from sqlalchemy import Select, func, select

from .extensions import db
from .utils import parse_id


def get_by_id(model, value):
    """The row, or None when there is none or `value` cannot be an id (text, 0, past the column's range)."""
    row_id = parse_id(value)
    return db.session.get(model, row_id) if row_id else None


def paginate(query: Select, page: int, per_page: int, *order_by, options=()) -> tuple[list, int]:
    """The page's rows and how many rows there are in all. `query` holds the filters only: the count runs
    over them alone, and the ordering and the eager loads (`options`) go to the page's own query."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(*options).order_by(*order_by)
                              .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), total
