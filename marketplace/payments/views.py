"""Where providers call us back. Only a verified callback changes anything; every one is recorded.

The callback routes share one rate limit per address (CALLBACK_RATE_LIMIT) that counts only calls whose
signature does not hold: past it they are answered 429 and not stored. A signed callback is exempt
before anything is counted, so a provider's burst of genuine callbacks, or one sent from an address a
forger shares (a NAT, a proxy without TRUSTED_PROXIES), always goes through. Counting only rejected
calls after the answer (deduct_when) would not be enough: the check before the view would still turn
the genuine ones away once the address's allowance was spent.
"""

import secrets

import stripe
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import csrf, db, limiter
from ..utils import utcnow
from . import METHODS
from .base import Callback
from .models import FAILED, SUCCEEDED
from .services import WRONG_AMOUNT, apply_callback, find_payment, record_rejected
from .stripe_checkout import StripeCheckout
from .vnpay import signature_holds, signed_query, vnpay_time

bp = Blueprint("payments", __name__)
csrf.exempt(bp)  # providers sign their calls instead; there is no browser session to forge


def _callback_rate() -> str:
    return current_app.config["CALLBACK_RATE_LIMIT"]


def _stripe_signed() -> bool:
    return METHODS[StripeCheckout.name].signature_holds(request.get_data(), request.headers.get("Stripe-Signature"))


def _vnpay_signed() -> bool:
    return signature_holds(_vnpay_params(), current_app.config["VNPAY_HASH_SECRET"])


@bp.post("/payments/stripe/webhook")
@limiter.shared_limit(_callback_rate, scope="payment-callbacks", exempt_when=_stripe_signed)
def stripe_webhook():
    """Stripe's signed notification. 400 for a bad signature or an old timestamp (Stripe retries); 200 for
    anything verified, including duplicates and events we only record, so that Stripe stops retrying."""
    payload = request.get_data()
    try:
        callback = METHODS[StripeCheckout.name].read_webhook(payload, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError) as error:
        record_rejected("stripe", payload, f"{type(error).__name__}: {error}")
        db.session.commit()  # kept for an admin although the answer is an error (which rolls back)
        return jsonify({"received": False, "error": "signature"}), 400
    return jsonify({"received": True, "outcome": apply_callback(callback).outcome})


# --- VNPay ------------------------------------------------------------------------------

# Our outcome -> VNPay's RspCode. "ignored" (a success already recorded) is answered as a repeat. So is
# money for orders no longer payable (cancelled or expired, flagged for an admin to refund): VNPay's
# merchant guide answers 02 for any order no longer waiting for payment, which stops its retries; 04 is
# kept for an amount that differs from what is owed.
IPN_ANSWERS = {"applied": ("00", "Confirm Success"), "duplicate": ("02", "Order already confirmed"),
               "ignored": ("02", "Order already confirmed"), "unknown": ("01", "Order not found"),
               "flagged": ("02", "Order already confirmed")}
WRONG_AMOUNT_ANSWER = ("04", "Invalid amount")


def _vnpay_params() -> dict:
    return {key: value for key, value in request.args.items() if key.startswith("vnp_")}


@bp.get("/payments/vnpay/ipn")
@limiter.shared_limit(_callback_rate, scope="payment-callbacks", exempt_when=_vnpay_signed)
def vnpay_ipn():
    """VNPay's server-to-server notification: the only call that changes an order. 200 with
    {RspCode, Message}: 00 confirmed, 01 order not found, 02 already confirmed (or no longer payable),
    04 wrong amount, 97 bad signature, 99 anything else (429 past the limit of bad signatures)."""
    params = _vnpay_params()
    if not _vnpay_signed():
        record_rejected("vnpay", request.query_string, "bad vnp_SecureHash")
        return jsonify(RspCode="97", Message="Invalid Checksum")
    try:
        amount = int(params.get("vnp_Amount", ""))
    except ValueError:
        return jsonify(RspCode="99", Message="Invalid request")
    succeeded = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
    result = apply_callback(Callback(
        provider="vnpay", payment_id=None, reference=params.get("vnp_TxnRef", ""),
        event_id=":".join(params.get(key, "") for key in ("vnp_TxnRef", "vnp_TransactionNo", "vnp_ResponseCode")),
        event_type=f"ipn:{params.get('vnp_ResponseCode', '')}", new_status=SUCCEEDED if succeeded else FAILED,
        amount_vnd=amount // 100 if amount % 100 == 0 else None, currency="vnd",
        payload=request.query_string.decode("utf-8", "replace")))
    code, message = WRONG_AMOUNT_ANSWER if result.flag == WRONG_AMOUNT else IPN_ANSWERS[result.outcome]
    return jsonify(RspCode=code, Message=message)


@bp.get("/payments/vnpay/return")
def vnpay_return():
    """Where the gateway sends the buyer back. It only shows the result (the IPN did the work)."""
    params = _vnpay_params()
    payment = find_payment(Callback(provider="vnpay", payment_id=None, reference=params.get("vnp_TxnRef", ""),
                                    event_id="", event_type="", new_status=None))
    if payment is None or not signature_holds(params, current_app.config["VNPAY_HASH_SECRET"]):
        flash(_("Không xác minh được kết quả thanh toán."), "error")
        return redirect(url_for("catalog.home"))
    if payment.status == SUCCEEDED:
        flash(_("Đã thanh toán. Cảm ơn bạn!"), "success")
    elif params.get("vnp_ResponseCode") == "00":
        flash(_("Đang chờ cổng thanh toán xác nhận. Trang sẽ cập nhật sau ít phút."), "info")
    else:
        flash(_("Thanh toán chưa thành công. Bạn có thể thử lại trước khi đơn hết hạn."), "error")
    return redirect(url_for("orders.placed", checkout_id=payment.checkout_id))


@bp.route("/payments/sandbox/vnpay", methods=["GET", "POST"])
def sandbox_wallet():
    """A wallet for the demo and the browser tests, never in production: it checks the signed request,
    shows the amount, and on Pay or Cancel sends the signed IPN and the return redirect as VNPay would."""
    if not current_app.config.get("VNPAY_SANDBOX"):
        abort(404)
    secret = current_app.config["VNPAY_HASH_SECRET"]
    params = _vnpay_params() if request.method == "GET" else {
        key: value for key, value in request.form.items() if key.startswith("vnp_")}
    if not signature_holds(params, secret):
        abort(400)
    if request.method == "GET":
        return render_template("payments/sandbox_wallet.html", params=params,
                               amount_vnd=int(params["vnp_Amount"]) // 100)
    paid = request.form.get("choice") == "pay"
    result = {
        "vnp_TmnCode": params["vnp_TmnCode"], "vnp_Amount": params["vnp_Amount"], "vnp_TxnRef": params["vnp_TxnRef"],
        "vnp_OrderInfo": params["vnp_OrderInfo"], "vnp_BankCode": "SANDBOX", "vnp_CardType": "QRCODE",
        "vnp_PayDate": vnpay_time(utcnow()), "vnp_TransactionNo": str(secrets.randbelow(10**8)),
        "vnp_ResponseCode": "00" if paid else "24", "vnp_TransactionStatus": "00" if paid else "02",
    }
    query = signed_query(result, secret)
    # The gateway calls the IPN first, server to server (here through the app itself, so the demo needs
    # no second process), then sends the buyer back.
    answer = current_app.test_client().get(f"{url_for('payments.vnpay_ipn')}?{query}")
    current_app.logger.info("sandbox wallet: IPN answered %s", answer.get_data(as_text=True))
    return redirect(f"{params['vnp_ReturnUrl']}?{query}")
