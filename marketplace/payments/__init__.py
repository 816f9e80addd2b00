"""Ways to pay: one adapter per method (base.py), registered by name in registry.py and switched on by
PAYMENT_METHODS. What money moving means for an order is for the orders feature to say (handlers.py)."""

from flask import Flask

from .registry import METHODS


def init_payments(app: Flask) -> None:
    from . import models  # noqa: F401  (the tables join the metadata)
    from .views import bp

    unknown = [name for name in app.config["PAYMENT_METHODS"] if name not in METHODS]
    if unknown:
        raise RuntimeError(f"PAYMENT_METHODS names unknown methods {unknown}; known: {', '.join(METHODS)}")
    for method in METHODS.values():
        method.configure(app)
    app.register_blueprint(bp)

