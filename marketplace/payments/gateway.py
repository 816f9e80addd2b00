"""What the gateway methods (Stripe, VNPay) share: an attempt recorded as a Payment, a page to send the
buyer to, and a status read from the latest attempt (which only the provider's callback moves)."""

from ..extensions import db
from .base import PaymentMethod
from .models import SUCCEEDED, Payment


class GatewayMethod(PaymentMethod):
    online = True

    def new_payment(self, checkout) -> Payment:
        payment = Payment(checkout=checkout, provider=self.name, amount_vnd=checkout.amount_vnd, currency="vnd")
        db.session.add(payment)
        db.session.flush()
        return payment

    def instructions(self, checkout) -> dict:
        payment = db.session.scalar(db.select(Payment).where(Payment.checkout_id == checkout.id)
                                    .order_by(Payment.id.desc()))
        return {"status": "paid" if payment is not None and payment.status == SUCCEEDED else "awaiting_payment",
                "redirect_url": payment.redirect_url if payment else None}
