"""Ways to pay: one adapter per method, registered here by name and switched on by PAYMENT_METHODS."""

from flask import Flask, current_app

from .bank_transfer import BankTransfer
from .base import PaymentMethod
from .cod import CashOnDelivery
from .stripe_checkout import StripeCheckout

METHODS: dict[str, PaymentMethod] = {method.name: method
                                     for method in (CashOnDelivery(), BankTransfer(), StripeCheckout())}


def init_payments(app: Flask) -> None:
    from . import models  # noqa: F401  (the tables join the metadata)
    from .views import bp

    unknown = [name for name in app.config["PAYMENT_METHODS"] if name not in METHODS]
    if unknown:
        raise RuntimeError(f"PAYMENT_METHODS names unknown methods {unknown}; known: {', '.join(METHODS)}")
    if "stripe" in app.config["PAYMENT_METHODS"] and not (app.config.get("STRIPE_SECRET_KEY")
                                                           and app.config.get("STRIPE_WEBHOOK_SECRET")):
        raise RuntimeError("PAYMENT_METHODS has stripe: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET")
    app.register_blueprint(bp)


def enabled_methods() -> list[PaymentMethod]:
    """In the order the setting lists them: the first is the one checkout picks by default."""
    return [METHODS[name] for name in current_app.config["PAYMENT_METHODS"]]


def get_method(name) -> PaymentMethod | None:
    return METHODS.get(name) if name in current_app.config["PAYMENT_METHODS"] else None
