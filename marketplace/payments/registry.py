"""The ways to pay by name, and those the PAYMENT_METHODS setting switches on. Apart from the package's
__init__ (which registers the blueprint): the pages import the registry, and it imports no page."""

from flask import current_app

from .bank_transfer import BankTransfer
from .base import PaymentMethod
from .cod import CashOnDelivery
from .stripe_checkout import StripeCheckout
from .vnpay import VNPay

METHODS: dict[str, PaymentMethod] = {method.name: method
                                     for method in (CashOnDelivery(), BankTransfer(), StripeCheckout(), VNPay())}


def enabled_methods() -> list[PaymentMethod]:
    """In the order the setting lists them: the first is the one checkout picks by default."""
    return [METHODS[name] for name in current_app.config["PAYMENT_METHODS"]]


def get_method(name) -> PaymentMethod | None:
    return METHODS.get(name) if name in current_app.config["PAYMENT_METHODS"] else None
