from flask_babel import lazy_gettext as _l

from .base import PaymentMethod


class CashOnDelivery(PaymentMethod):
    """The orders go to the sellers unpaid; one is paid when its seller delivers it and collects the cash."""

    name = "cod"
    icon = "💵"
    online = False

    @property
    def label(self) -> str:
        return _l("Trả tiền mặt khi nhận hàng (COD)")

    def instructions(self, checkout) -> dict:
        return {"status": "due_on_delivery"}
