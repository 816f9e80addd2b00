"""What every way of paying offers the checkout: its name and icon, whether the orders wait for the
money, and what to tell the buyer. Adding a provider means one module with one subclass, registered in
`METHODS` (payments/__init__.py) and switched on by the PAYMENT_METHODS setting."""

from abc import ABC, abstractmethod
from datetime import timedelta


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
