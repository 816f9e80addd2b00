"""Bank transfer by VietQR: one QR per order, to the account of the shop that sells it.

VietQR has no callback: the buyer's banking app sends the money with the order code as the transfer
purpose, and the seller (who sees it arrive in their own bank app) confirms receipt, which marks the
order paid. Unconfirmed transfers expire like other unpaid orders, after VIETQR_PAYMENT_HOURS, long
enough for a farmer to check their account at the end of the day.
"""

from datetime import timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from num2words import num2words

from ..errors import DomainError
from ..shops.banks import bank_name
from .base import PaymentMethod
from .vietqr import qr_png, vietqr_payload


def amount_in_words(amount_vnd: int) -> str:
    """'120000' -> 'Một trăm hai mươi nghìn đồng', as written on a Vietnamese transfer slip."""
    words = num2words(amount_vnd, lang="vi")
    return f"{words[:1].upper()}{words[1:]} đồng"


def _payload(order) -> str:
    shop = order.shop
    return vietqr_payload(bank_bin=shop.bank_bin, account_number=shop.bank_account_number,
                          amount_vnd=order.total_vnd, purpose=order.code)


def transfer_qr_png(order) -> bytes:
    return qr_png(_payload(order))


class BankTransfer(PaymentMethod):
    name = "vietqr"
    icon = "🏦"
    online = True
    seller_confirms_receipt = True

    @property
    def label(self) -> str:
        return _l("Chuyển khoản ngân hàng (quét mã VietQR)")

    def payment_window(self) -> timedelta:
        return timedelta(hours=current_app.config["VIETQR_PAYMENT_HOURS"])

    def check(self, shops) -> None:
        for shop in shops:
            if not shop.has_bank_account:
                raise DomainError(_("Gian hàng “%(shop)s” chưa có tài khoản nhận chuyển khoản. Vui lòng chọn "
                                    "cách thanh toán khác.", shop=shop.name), "payment_method")

    def transfer_for(self, order) -> dict:
        shop = order.shop
        payload = _payload(order)
        return {
            "order_id": order.id, "code": order.code, "shop_name": order.shop_name, "bank_bin": shop.bank_bin,
            "bank_name": bank_name(shop.bank_bin), "account_number": shop.bank_account_number,
            "account_name": shop.bank_account_name, "amount_vnd": order.total_vnd,
            "amount_words": amount_in_words(order.total_vnd), "purpose": order.code, "qr_payload": payload,
            # For pages and the app within the buyer's session; a CLI or mail has no request to build it from.
            "qr_url": url_for("payments.transfer_qr", order_id=order.id) if has_request_context() else None,
        }

    def instructions(self, checkout) -> dict:
        transfers = [self.transfer_for(order) for order in checkout.orders]
        body = {"status": "awaiting_transfer", "transfers": transfers}
        if len(transfers) == 1:  # the common case: one shop, one code to scan
            body["qr_payload"] = transfers[0]["qr_payload"]
        return body
