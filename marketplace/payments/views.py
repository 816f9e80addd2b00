"""Where providers call us back. Only a verified callback changes anything; every one is recorded."""

import stripe
from flask import Blueprint, current_app, jsonify, request

from ..extensions import csrf, db, limiter
from .models import EXPIRED, FAILED, REFUNDED, SUCCEEDED
from .services import Callback, apply_callback, record_rejected

bp = Blueprint("payments", __name__)
csrf.exempt(bp)  # providers sign their calls instead; there is no browser session to forge

# Stripe event -> what it means for our payment (None: record only).
STRIPE_EVENTS = {
    "checkout.session.completed": lambda obj: SUCCEEDED if obj.get("payment_status") == "paid" else None,
    "checkout.session.async_payment_succeeded": lambda obj: SUCCEEDED,
    "checkout.session.expired": lambda obj: EXPIRED,
    "payment_intent.payment_failed": lambda obj: FAILED,
    "charge.refunded": lambda obj: REFUNDED if obj.get("refunded") else None,
}


@bp.post("/payments/stripe/webhook")
@limiter.exempt
def stripe_webhook():
    """Stripe's signed notification. 400 for a bad signature or an old timestamp (Stripe retries); 200 for
    anything verified, including duplicates and events we only record, so that Stripe stops retrying."""
    payload = request.get_data()
    try:
        event = stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature", ""),
                                               current_app.config["STRIPE_WEBHOOK_SECRET"]).to_dict()
    except (ValueError, stripe.SignatureVerificationError) as error:
        record_rejected("stripe", payload, f"{type(error).__name__}: {error}")
        db.session.commit()  # kept for an admin although the answer is an error (which rolls back)
        return jsonify({"received": False, "error": "signature"}), 400
    obj = event["data"]["object"]
    meaning = STRIPE_EVENTS.get(event["type"])
    amount = obj.get("amount_total", obj.get("amount_received", obj.get("amount")))
    outcome = apply_callback(Callback(
        provider="stripe", event_id=event["id"], event_type=event["type"],
        payment_id=(obj.get("metadata") or {}).get("payment_id"),
        new_status=meaning(obj) if meaning else None,
        amount_vnd=amount if isinstance(amount, int) else None, currency=obj.get("currency"),
        payload=payload.decode("utf-8", "replace")))
    return jsonify({"received": True, "outcome": outcome})
