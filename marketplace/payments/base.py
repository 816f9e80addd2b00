"""What every way of paying offers the checkout: its name and icon, whether the orders wait for the
money, and what to tell the buyer. Adding a provider means one module with one subclass, registered in
`METHODS` (payments/__init__.py) and switched on by the PAYMENT_METHODS setting."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Callback:
    """What a provider told us, once its signature held, in our words (payments/services.py applies it)."""

    provider: str
    event_id: str
    event_type: str
    payment_id: int | None  # from the metadata we gave the provider (Stripe)
    new_status: str | None  # None: an event we only record
    reference: str | None = None  # or the provider's reference for the attempt (VNPay's vnp_TxnRef)
    # What a later refund must name (Stripe's payment intent); a refund event finds its payment by it.
    charge_reference: str | None = None
    amount_vnd: int | None = None
    currency: str | None = None
    refunded_vnd: int | None = None  # a refund event: how much the provider has given back in all
    payload: str = ""


class PaymentMethod(ABC):
    name: str  # the contract's value of `payment_method`
    icon: str  # shown beside the label on the checkout page
    online: bool  # True: orders wait for the money (awaiting_payment); False: they go to the seller at once

    @property
    @abstractmethod
    def label(self) -> str:
        """The Vietnamese (or English) name the buyer picks."""

    def payment_window(self) -> timedelta | None:
        """How long an online payment may take before `orders expire` cancels the orders."""
        return None

    def check(self, shops) -> None:
        """Refuse (DomainError) a checkout this method cannot take, before any stock is touched."""
        return None  # most methods take any checkout

    def start(self, checkout) -> None:
        """Open the payment with the provider once the orders exist (in the checkout's transaction)."""
        return None  # cash and transfers need nobody else

    @abstractmethod
    def instructions(self, checkout) -> dict:
        """What the buyer is told to do, as the API's `payment` body (status and method-specific fields)."""
