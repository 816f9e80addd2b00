"""Mobile money over VNPay's merchant protocol (API 2.1.0), the shape every Vietnamese wallet follows.

The buyer is sent to the gateway with a signed `vnp_*` URL; the gateway then calls our IPN
(GET /payments/vnpay/ipn) server to server, and that call alone changes the orders: the return page
only shows the result. Signatures are HMAC-SHA512 over the parameters sorted by name and form-encoded.
Amounts travel as đồng x 100. Each attempt gets a fresh vnp_TxnRef. Outside production, with no gateway
configured, a local sandbox wallet (/payments/sandbox/vnpay) plays the gateway for the demo and the tests.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l

from .base import WRONG_AMOUNT, BadSignature, Callback, CallbackResult, ProviderCall, UnreadableCallback
from .gateway import GatewayMethod
from .models import FAILED, SUCCEEDED

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")

# Our outcome -> VNPay's RspCode. "ignored" (a success already recorded) is answered as a repeat. So is
# money for orders no longer payable (cancelled or expired, flagged for an admin to refund): VNPay's
# merchant guide answers 02 for any order no longer waiting for payment, which stops its retries; 04 is
# kept for an amount that differs from what is owed.
IPN_ANSWERS = {"applied": ("00", "Confirm Success"), "duplicate": ("02", "Order already confirmed"),
               "ignored": ("02", "Order already confirmed"), "unknown": ("01", "Order not found"),
               "flagged": ("02", "Order already confirmed"), "rejected": ("97", "Invalid Checksum"),
               "unreadable": ("99", "Invalid request")}
WRONG_AMOUNT_ANSWER = ("04", "Invalid amount")


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


def vnp_params(values: Mapping[str, str]) -> dict:
    """VNPay's own parameters of a query or a form; anything else is not signed."""
    return {key: value for key, value in values.items() if key.startswith("vnp_")}


def vnpay_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def payment_url() -> str:
    return current_app.config.get("VNPAY_PAYMENT_URL") or url_for("payments.sandbox_wallet", _external=True)


def sandbox_result(params: dict, *, paid: bool) -> str:
    """The signed result the sandbox wallet sends for a payment request it was shown, as VNPay's gateway
    would: the query of both the IPN and the buyer's way back."""
    result = {
        "vnp_TmnCode": params["vnp_TmnCode"], "vnp_Amount": params["vnp_Amount"], "vnp_TxnRef": params["vnp_TxnRef"],
        "vnp_OrderInfo": params["vnp_OrderInfo"], "vnp_BankCode": "SANDBOX", "vnp_CardType": "QRCODE",
        "vnp_PayDate": vnpay_time(datetime.now(UTC)), "vnp_TransactionNo": str(secrets.randbelow(10**8)),
        "vnp_ResponseCode": "00" if paid else "24", "vnp_TransactionStatus": "00" if paid else "02",
    }
    return signed_query(result, current_app.config["VNPAY_HASH_SECRET"])


class VNPay(GatewayMethod):
    name = "vnpay"
    icon = "💳"

    @property
    def label(self) -> str:
        return _l("Ví điện tử / ngân hàng (qua VNPay)")

    def configure(self, app: Flask) -> None:
        config = app.config
        if config.get("VNPAY_PAYMENT_URL"):
            return
        if config["ENV_NAME"] == "production":
            if self.name in config["PAYMENT_METHODS"]:
                raise RuntimeError("PAYMENT_METHODS has vnpay: set VNPAY_TMN_CODE, VNPAY_HASH_SECRET and "
                                   "VNPAY_PAYMENT_URL")
        else:  # the local sandbox wallet plays the gateway, with a key of its own
            config["VNPAY_TMN_CODE"] = config["VNPAY_TMN_CODE"] or "CHOQUE01"
            config["VNPAY_HASH_SECRET"] = config.get("VNPAY_HASH_SECRET") or hashlib.sha256(
                f"vnpay-sandbox:{config['SECRET_KEY']}".encode()).hexdigest()
            config["VNPAY_SANDBOX"] = True

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

    def signature_holds(self, call: ProviderCall) -> bool:
        return signature_holds(vnp_params(call.args), current_app.config["VNPAY_HASH_SECRET"])

    def read_callback(self, call: ProviderCall) -> Callback:
        """The IPN: a signed query whose amount is a whole number of hundredths (else UnreadableCallback)."""
        if not self.signature_holds(call):
            raise BadSignature("bad vnp_SecureHash", call.query_string)
        params = vnp_params(call.args)
        try:
            amount = int(params.get("vnp_Amount", ""))
        except ValueError:
            raise UnreadableCallback("vnp_Amount is not a number") from None
        succeeded = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
        return Callback(
            provider=self.name, payment_id=None, reference=params.get("vnp_TxnRef", ""),
            event_id=":".join(params.get(key, "") for key in ("vnp_TxnRef", "vnp_TransactionNo", "vnp_ResponseCode")),
            event_type=f"ipn:{params.get('vnp_ResponseCode', '')}", new_status=SUCCEEDED if succeeded else FAILED,
            amount_vnd=amount // 100 if amount % 100 == 0 else None, currency="vnd",
            payload=call.query_string.decode("utf-8", "replace"))

    def answer(self, result: CallbackResult) -> tuple[dict, int]:
        """Always 200 with {RspCode, Message}: 00 confirmed, 01 order not found, 02 already confirmed (or no
        longer payable), 04 wrong amount, 97 bad signature, 99 anything else."""
        code, message = WRONG_AMOUNT_ANSWER if result.flag == WRONG_AMOUNT else IPN_ANSWERS[result.outcome]
        return {"RspCode": code, "Message": message}, 200

    def read_return(self, call: ProviderCall) -> tuple[str, bool] | None:
        """Where the gateway sends the buyer back, which only shows the result (the IPN did the work): the
        attempt's vnp_TxnRef and whether VNPay told the buyer it went through; None unless signed."""
        if not self.signature_holds(call):
            return None
        return call.args.get("vnp_TxnRef", ""), call.args.get("vnp_ResponseCode") == "00"
