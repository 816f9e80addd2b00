"""Stripe Checkout, standing in for the mobile-money wallets: the buyer pays on Stripe's page.

Keys come from the environment (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); STRIPE_API_BASE points the
library at another host (a local fake in the tests). VND is zero-decimal: 125.000 ₫ is unit_amount
125000. The signed webhook (payments/views.py), never the return page, marks the orders paid.
"""

from datetime import timedelta

import stripe
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from .gateway import GatewayMethod


def stripe_client() -> stripe.StripeClient:
    config = current_app.config
    base = {"api": config["STRIPE_API_BASE"]} if config.get("STRIPE_API_BASE") else {}
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], base_addresses=base, max_network_retries=2)


class StripeCheckout(GatewayMethod):
    name = "stripe"
    icon = "📱"

    @property
    def label(self) -> str:
        return _l("Ví điện tử / thẻ (qua Stripe)")

    def payment_window(self) -> timedelta:
        return timedelta(minutes=current_app.config["STRIPE_PAYMENT_MINUTES"])

    def start(self, checkout) -> None:
        payment = self.new_payment(checkout)
        metadata = {"checkout_id": str(checkout.id), "payment_id": str(payment.id),
                    "order_ids": ",".join(str(order.id) for order in checkout.orders)}
        back = url_for("orders.placed", checkout_id=checkout.id, _external=True)
        try:
            session = stripe_client().v1.checkout.sessions.create(params={
                "mode": "payment",
                "client_reference_id": str(checkout.id),
                "metadata": metadata,
                "payment_intent_data": {"metadata": metadata},  # so payment_intent and charge events find us
                "line_items": [{"quantity": 1, "price_data": {
                    "currency": "vnd", "unit_amount": order.total_vnd,
                    "product_data": {"name": f"{order.code} – {order.shop_name}"}}} for order in checkout.orders],
                "success_url": back, "cancel_url": back,
            }, options={"idempotency_key": f"checkout-{checkout.id}-payment-{payment.id}"})
        except stripe.StripeError as error:
            current_app.logger.warning("stripe: could not start checkout %s: %s", checkout.id, error)
            raise DomainError(_("Chưa kết nối được cổng thanh toán. Vui lòng thử lại hoặc chọn cách khác."),
                              "payment_method") from None
        payment.reference, payment.redirect_url = session.id, session.url
