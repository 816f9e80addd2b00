"""Stripe Checkout, standing in for the mobile-money wallets: the buyer pays on Stripe's page.

Keys come from the environment (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); STRIPE_API_BASE points the
library at another host (a local fake in the tests). VND is zero-decimal: 125.000 ₫ is unit_amount
125000. The signed webhook (POST /payments/stripe/webhook), never the return page, marks the orders paid:
this module checks its signature and reads it into a Callback (payments/services.py applies it), and
refunds a cancelled order through Stripe's refund API.
"""

from datetime import timedelta

import stripe
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from .base import BadSignature, Callback, ProviderCall
from .gateway import GatewayMethod
from .models import EXPIRED, FAILED, REFUNDED, SUCCEEDED

# Stripe event -> what it means for our payment (None: record only).
EVENTS = {
    "checkout.session.completed": lambda obj: SUCCEEDED if obj.get("payment_status") == "paid" else None,
    "checkout.session.async_payment_succeeded": lambda obj: SUCCEEDED,
    "checkout.session.expired": lambda obj: EXPIRED,
    "payment_intent.payment_failed": lambda obj: FAILED,
    # Full or partial (a refund made in Stripe's dashboard, or ours echoed back): services.py tells them
    # apart by the amount refunded in all.
    "charge.refunded": lambda obj: REFUNDED if isinstance(obj.get("amount_refunded"), int) else None,
}


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

    def configure(self, app: Flask) -> None:
        config = app.config
        if self.name in config["PAYMENT_METHODS"] and not (config.get("STRIPE_SECRET_KEY")
                                                            and config.get("STRIPE_WEBHOOK_SECRET")):
            raise RuntimeError("PAYMENT_METHODS has stripe: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET")
        if config["STRIPE_WEBHOOK_TOLERANCE"] <= 0:  # the library would then accept a webhook replayed years on
            raise RuntimeError("STRIPE_WEBHOOK_TOLERANCE must be a number of seconds above 0 (Stripe's default: 300)")

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

    def refund(self, order, payment) -> str | None:
        """Through Stripe's refund API, once per order (its idempotency key), when the payment's intent is
        known; else by hand."""
        if payment is None or not payment.charge_reference:
            return None
        try:
            refund = stripe_client().v1.refunds.create(
                params={"payment_intent": payment.charge_reference, "amount": order.total_vnd,
                        "metadata": {"order_id": str(order.id), "payment_id": str(payment.id)}},
                options={"idempotency_key": f"refund-order-{order.id}"})
        except stripe.StripeError as error:
            current_app.logger.warning("stripe: refund of order %s failed: %s", order.id, error)
            raise DomainError(_("Chưa hoàn tiền được qua cổng thanh toán, đơn chưa bị huỷ. Vui lòng thử "
                                "lại.")) from None
        return refund.id

    def signature_holds(self, call: ProviderCall) -> bool:
        config = current_app.config
        try:
            return stripe.WebhookSignature.verify_header(call.body, call.headers.get("Stripe-Signature"),
                                                         config["STRIPE_WEBHOOK_SECRET"],
                                                         tolerance=config["STRIPE_WEBHOOK_TOLERANCE"])
        except (ValueError, stripe.SignatureVerificationError):
            return False

    def read_callback(self, call: ProviderCall) -> Callback:
        """The signed webhook event in our words. A bad signature, one older than STRIPE_WEBHOOK_TOLERANCE
        seconds (a replay) or a body that is not JSON is a BadSignature (answered 400: Stripe retries).

        A Charge (charge.refunded) does not carry the Checkout Session's metadata: it is found by its
        payment intent, recorded as the payment's charge_reference when the session completed."""
        config = current_app.config
        try:
            event = stripe.Webhook.construct_event(call.body, call.headers.get("Stripe-Signature"),
                                                   config["STRIPE_WEBHOOK_SECRET"],
                                                   tolerance=config["STRIPE_WEBHOOK_TOLERANCE"]).to_dict()
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise BadSignature(f"{type(error).__name__}: {error}", call.body) from None
        obj = event["data"]["object"]
        meaning = EVENTS.get(event["type"])
        amount = obj.get("amount_total", obj.get("amount_received", obj.get("amount")))
        refunded = obj.get("amount_refunded")
        return Callback(
            provider=self.name, event_id=event["id"], event_type=event["type"],
            payment_id=(obj.get("metadata") or {}).get("payment_id"),
            new_status=meaning(obj) if meaning else None,
            charge_reference=obj.get("payment_intent") if obj.get("object") in ("checkout.session", "charge") else None,
            amount_vnd=amount if isinstance(amount, int) else None, currency=obj.get("currency"),
            refunded_vnd=refunded if isinstance(refunded, int) else None,
            payload=call.body.decode("utf-8", "replace"))
