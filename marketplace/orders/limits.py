"""Guessing a guest's order by code and phone: ORDER_LOOKUP_RATE_LIMIT per address, one bucket for the page
(/orders/find) and the API (/api/v1/orders/lookup) together, so that using both does not double the tries."""

from flask import current_app
from flask_limiter import RouteLimit

from ..extensions import limiter


def order_lookup_rate() -> str:
    return current_app.config["ORDER_LOOKUP_RATE_LIMIT"]


def order_lookup_limit(methods: list[str] | None = None) -> RouteLimit:
    """The shared limit for a lookup route; `methods` leaves out a page's GET, which only shows the form."""
    return limiter.shared_limit(order_lookup_rate, scope="order-lookup", methods=methods)
