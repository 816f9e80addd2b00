"""Where providers call us back, where VNPay sends the buyer back, the local sandbox wallet, and the QR a
buyer scans to pay by transfer. Only a verified callback changes anything; every one is recorded. What a
call means, and what the provider is told back, is the method's to say (base.PaymentMethod).

The callback routes share one rate limit per address (CALLBACK_RATE_LIMIT) that counts only calls whose
signature does not hold: past it they are answered 429 and not stored. A signed callback is exempt
before anything is counted, so a provider's burst of genuine callbacks, or one sent from an address a
forger shares (a NAT, a proxy without TRUSTED_PROXIES), always goes through. Counting only rejected
calls after the answer (deduct_when) would not be enough: the check before the view would still turn
the genuine ones away once the address's allowance was spent.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from ..errors import NotFound
from ..extensions import csrf, db, limiter
from .bank_transfer import BankTransfer, transfer_qr_png
from .base import REJECTED, ProviderCall
from .handlers import order_handlers
from .models import SUCCEEDED
from .registry import METHODS
from .services import payment_by_reference, receive_callback
from .stripe_checkout import StripeCheckout
from .vnpay import VNPay, sandbox_result, signature_holds, vnp_params

bp = Blueprint("payments", __name__)
csrf.exempt(bp)  # providers sign their calls instead; there is no browser session to forge


def _provider_call() -> ProviderCall:
    return ProviderCall(body=request.get_data(), query_string=request.query_string, args=request.args.to_dict(),
                        headers=request.headers)


def _callback_limit(name: str):
    return limiter.shared_limit(lambda: current_app.config["CALLBACK_RATE_LIMIT"], scope="payment-callbacks",
                                exempt_when=lambda: METHODS[name].signature_holds(_provider_call()))


def _receive(name: str):
    method = METHODS[name]
    result = receive_callback(method, _provider_call())
    if result.outcome == REJECTED:
        db.session.commit()  # kept for an admin even when the answer is an error (which rolls back)
    body, status = method.answer(result)
    return jsonify(body), status


@bp.post("/payments/stripe/webhook")
@_callback_limit(StripeCheckout.name)
def stripe_webhook():
    """Stripe's signed notification: 400 for a bad signature or an old timestamp (Stripe retries), 200 for
    anything verified, including duplicates and events we only record, so that Stripe stops retrying."""
    return _receive(StripeCheckout.name)


@bp.get("/payments/vnpay/ipn")
@_callback_limit(VNPay.name)
def vnpay_ipn():
    """VNPay's server-to-server notification, the only call that changes an order: 200 with its RspCode
    (VNPay.answer), 429 past the limit of bad signatures."""
    return _receive(VNPay.name)


@bp.get("/payments/vnpay/return")
def vnpay_return():
    """Where the gateway sends the buyer back. It only shows the result (the IPN did the work)."""
    reference, went_through = METHODS[VNPay.name].read_return(_provider_call()) or (None, False)
    payment = payment_by_reference(VNPay.name, reference) if reference is not None else None
    if payment is None:
        flash(_("Không xác minh được kết quả thanh toán."), "error")
        return redirect(url_for("catalog.home"))
    if payment.status == SUCCEEDED:
        flash(_("Đã thanh toán. Cảm ơn bạn!"), "success")
    elif went_through:
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
    params = vnp_params(request.args if request.method == "GET" else request.form)
    if not signature_holds(params, current_app.config["VNPAY_HASH_SECRET"]):
        abort(400)
    if request.method == "GET":
        return render_template("payments/sandbox_wallet.html", params=params,
                               amount_vnd=int(params["vnp_Amount"]) // 100)
    query = sandbox_result(params, paid=request.form.get("choice") == "pay")
    # The gateway calls the IPN first, server to server: here in-process, through the function the IPN
    # route calls, so the demo needs no second process. Then it sends the buyer back.
    vnpay = METHODS[VNPay.name]
    answer, _status = vnpay.answer(receive_callback(vnpay, ProviderCall.from_query(query)))
    current_app.logger.info("sandbox wallet: IPN answered %s", answer)
    return redirect(f"{params['vnp_ReturnUrl']}?{query}")


@bp.get("/orders/<int:order_id>/vietqr.png")
def transfer_qr(order_id: int):
    """The QR the buyer's banking app scans: only for the buyer (the orders feature says whose order a
    visitor may see), only while the transfer is awaited."""
    order = order_handlers().buyer_order(order_id)
    if order.payment_method != BankTransfer.name or not order.awaits_payment:
        raise NotFound(_("Đơn hàng này không chờ chuyển khoản."))
    response = make_response(transfer_qr_png(order))
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
