"""The search page: a box at the top, filter chips, result cards."""

from flask import Blueprint, render_template, request

from ..cache import serve_shared
from ..catalog.services import categories_tree
from ..errors import DomainError
from . import services

bp = Blueprint("search", __name__)


@bp.get("/search")
def results():
    args = request.args
    try:
        query = services.build_query(
            q=args.get("q"), category=args.get("category"), province=args.get("province"),
            ocop_stars=args.get("ocop_stars"), min_price=args.get("min_price"), max_price=args.get("max_price"),
            in_stock=args.get("in_stock"), sort=args.get("sort"), page=args.get("page"))
    except DomainError as error:
        return render_template("search/results.html", page=None, error=error.message, args=args), 422

    def render():
        page = services.search_products(query)
        return render_template("search/results.html", page=page, error=None, args=args,
                               categories=categories_tree() if not page.found else [])

    return serve_shared(render, depends_on=("search",))
