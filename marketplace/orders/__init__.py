"""Checkout, orders and stock: see services.py for the life of an order."""

from flask import Flask


def init_orders(app: Flask) -> None:
    """Hand payments what to do when a provider moves a checkout's money, and whose order a visitor may see
    (payments/handlers.py says why payments is handed them rather than importing orders)."""
    from ..payments.handlers import OrderHandlers, register_order_handlers
    from . import services, visitor

    register_order_handlers(app, OrderHandlers(
        paid=services.record_payment, refunded=services.apply_provider_refund,
        partly_refunded=services.tell_shops_of_partial_refund, buyer_order=visitor.buyer_order))
