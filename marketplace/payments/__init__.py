"""Ways to pay: one adapter per method, registered here by name and switched on by PAYMENT_METHODS."""

import hashlib

from flask import Flask, current_app

from .bank_transfer import BankTransfer
from .base import PaymentMethod
from .cod import CashOnDelivery
from .stripe_checkout import StripeCheckout
from .vnpay import VNPay

METHODS: dict[str, PaymentMethod] = {method.name: method
                                     for method in (CashOnDelivery(), BankTransfer(), StripeCheckout(), VNPay())}


def init_payments(app: Flask) -> None:
    from . import models  # noqa: F401  (the tables join the metadata)
    from .views import bp

    unknown = [name for name in app.config["PAYMENT_METHODS"] if name not in METHODS]
    if unknown:
        raise RuntimeError(f"PAYMENT_METHODS names unknown methods {unknown}; known: {', '.join(METHODS)}")
    if "stripe" in app.config["PAYMENT_METHODS"] and not (app.config.get("STRIPE_SECRET_KEY")
                                                           and app.config.get("STRIPE_WEBHOOK_SECRET")):
        raise RuntimeError("PAYMENT_METHODS has stripe: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET")
    if app.config["STRIPE_WEBHOOK_TOLERANCE"] <= 0:  # the library would then accept a webhook replayed years on
        raise RuntimeError("STRIPE_WEBHOOK_TOLERANCE must be a number of seconds above 0 (Stripe's default: 300)")
    if not app.config.get("VNPAY_PAYMENT_URL"):
        if app.config["ENV_NAME"] == "production":
            if "vnpay" in app.config["PAYMENT_METHODS"]:
                raise RuntimeError("PAYMENT_METHODS has vnpay: set VNPAY_TMN_CODE, VNPAY_HASH_SECRET and "
                                   "VNPAY_PAYMENT_URL")
        else:  # the local sandbox wallet plays the gateway, with a key of its own
            app.config["VNPAY_TMN_CODE"] = app.config["VNPAY_TMN_CODE"] or "CHOQUE01"
            app.config["VNPAY_HASH_SECRET"] = app.config.get("VNPAY_HASH_SECRET") or hashlib.sha256(
                f"vnpay-sandbox:{app.config['SECRET_KEY']}".encode()).hexdigest()
            app.config["VNPAY_SANDBOX"] = True
    app.register_blueprint(bp)


def enabled_methods() -> list[PaymentMethod]:
    """In the order the setting lists them: the first is the one checkout picks by default."""
    return [METHODS[name] for name in current_app.config["PAYMENT_METHODS"]]


def get_method(name) -> PaymentMethod | None:
    return METHODS.get(name) if name in current_app.config["PAYMENT_METHODS"] else None
