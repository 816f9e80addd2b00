"""Mobile money over VNPay's merchant protocol (API 2.1.0), the shape every Vietnamese wallet follows.

The buyer is sent to the gateway with a signed `vnp_*` URL; the gateway then calls our IPN
(GET /payments/vnpay/ipn) server to server, and that call alone changes the orders: the return page
only shows the result. Signatures are HMAC-SHA512 over the parameters sorted by name and form-encoded.
Amounts travel as đồng x 100. Each attempt gets a fresh vnp_TxnRef. Outside production, with no gateway
configured, a local sandbox wallet (payments/views.py) plays the gateway for the demo and the tests.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from .gateway import GatewayMethod

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")


def signed_query(params: dict, secret: str) -> str:
    """The query string with its vnp_SecureHash appended."""
    query = "&".join(f"{key}={quote_plus(str(value))}" for key, value in sorted(params.items())
                     if value not in (None, "") and key not in HASH_FIELDS)
    signature = hmac.new(secret.encode(), query.encode(), hashlib.sha512).hexdigest()
    return f"{query}&vnp_SecureHash={signature}"


def signature_holds(params: dict, secret: str | None) -> bool:
    if not secret:  # VNPay not set up (production without it): nothing can be signed
        return False
    expected = signed_query(params, secret).rsplit("vnp_SecureHash=", 1)[1]
    return hmac.compare_digest(expected, str(params.get("vnp_SecureHash", "")).lower())


def vnpay_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def payment_url() -> str:
    return current_app.config.get("VNPAY_PAYMENT_URL") or url_for("payments.sandbox_wallet", _external=True)


class VNPay(GatewayMethod):
    name = "vnpay"
    icon = "💳"

    @property
    def label(self) -> str:
        return _l("Ví điện tử / ngân hàng (qua VNPay)")

    def payment_window(self) -> timedelta:
        return timedelta(minutes=current_app.config["VNPAY_PAYMENT_MINUTES"])

    def start(self, checkout) -> None:
        payment = self.new_payment(checkout)
        payment.reference = f"CQ{checkout.id}T{payment.id}"  # fresh per attempt, [A-Za-z0-9] only
        now = datetime.now(UTC)
        codes = " ".join(order.code for order in checkout.orders)
        params = {
            "vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": current_app.config["VNPAY_TMN_CODE"],
            "vnp_Amount": checkout.amount_vnd * 100, "vnp_CurrCode": "VND", "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": f"Thanh toan don hang {codes}"[:255], "vnp_OrderType": "other",
            "vnp_Locale": "vn", "vnp_ReturnUrl": url_for("payments.vnpay_return", _external=True),
            "vnp_IpAddr": (request.remote_addr if request else None) or "127.0.0.1",
            "vnp_CreateDate": vnpay_time(now), "vnp_ExpireDate": vnpay_time(now + self.payment_window()),
        }
        payment.redirect_url = f"{payment_url()}?{signed_query(params, current_app.config['VNPAY_HASH_SECRET'])}"
