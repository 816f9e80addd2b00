"""One page of a list for the services behind the pages and the API: the page's rows and how many rows
there are in all (the pages' `?page=` is read by `web.page_arg`, the API's by `api.schemas.PageArgs`)."""

from sqlalchemy import Select, func, select

from .extensions import db


def paginate(query: Select, page: int, per_page: int, *order_by, options=()) -> tuple[list, int]:
    """`query` holds the filters only: the count runs over them alone, and the ordering and the eager loads
    (`options`) go to the page's own query."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(*options).order_by(*order_by)
                              .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), total
