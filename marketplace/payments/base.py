"""What every way of paying offers the rest of the app: how to start a payment, how to read the provider's
call back (its signature and its payload, in our words), how to answer that call, how to give money back,
and what to tell the buyer. Adding a provider means one module with one subclass, registered in `METHODS`
(payments/registry.py) and switched on by the PAYMENT_METHODS setting: what is specific to the provider
stays in that module, and the rest of the code knows this interface only."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qsl

from flask import Flask

# What came of a call (CallbackResult.outcome) besides the outcomes of an applied event (PaymentEvent.outcome:
# applied, duplicate, ignored, unknown, flagged).
REJECTED = "rejected"  # its signature did not hold: kept (short) for an admin, never applied
UNREADABLE = "unreadable"  # signed, but not a call we can read (VNPay's 99): answered, not stored

# Why an event was flagged (CallbackResult.flag): what the admin has to do differs, and so may the answer
# a provider expects (VNPay: 04 for a wrong amount, 02 for an order no longer payable).
WRONG_AMOUNT = "wrong_amount"
PAID_AFTER_CANCEL = "paid_after_cancel"
REFUND_OF_UNPAID = "refund_of_unpaid"
PARTIAL_REFUND = "partial_refund"
REFUND_AFTER_SHIPPING = "refund_after_shipping"


@dataclass(frozen=True)
class ProviderCall:
    """A provider's call as it reached us: through a callback route, or in-process from the sandbox wallet
    (from_query). Each method reads the parts its protocol uses."""

    body: bytes = b""
    query_string: bytes = b""
    args: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: str) -> "ProviderCall":
        return cls(query_string=query.encode(), args=dict(parse_qsl(query, keep_blank_values=True)))


class BadSignature(Exception):
    """The call's signature did not hold. Anyone can send one: `payload` (what the provider signs) is kept,
    cut short, for an admin, and nothing is applied."""

    def __init__(self, note: str, payload: bytes):
        super().__init__(note)
        self.note, self.payload = note, payload


class UnreadableCallback(Exception):
    """Signed, but not saying anything we can apply: answered as the provider expects, and not stored."""


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


@dataclass(frozen=True)
class CallbackResult:
    outcome: str  # applied, duplicate, ignored, unknown or flagged (PaymentEvent.outcome), rejected, unreadable
    flag: str | None = None  # for "flagged": one of the reasons above


class PaymentMethod(ABC):
    name: str  # the contract's value of `payment_method`
    icon: str  # shown beside the label on the checkout page
    online: bool  # True: orders wait for the money (awaiting_payment); False: they go to the seller at once
    # True: no provider tells us the money arrived; the seller, who sees it in the shop's account, confirms it.
    seller_confirms_receipt: bool = False

    @property
    @abstractmethod
    def label(self) -> str:
        """The Vietnamese (or English) name the buyer picks."""

    def configure(self, app: Flask) -> None:
        """At start, whether PAYMENT_METHODS has it or not (its callback route is there either way): check
        the settings it needs, raising a RuntimeError that names what is missing, and fill in defaults."""
        return None  # most methods need no setting

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

    def transfer_for(self, order) -> dict | None:
        """The transfer the buyer makes for one order still waiting for its money (account, amount, QR),
        shown on the order's page; None for a method the buyer does not pay by hand."""
        return None

    def refund(self, order, payment) -> str | None:
        """Give a cancelled order's money back through the provider, before the cancellation commits: the
        provider's refund id, or None when a person gives it back (the seller or an admin, recorded as a
        manual refund). Raises DomainError when the provider refuses, so that nothing is cancelled."""
        return None

    def signature_holds(self, call: ProviderCall) -> bool:
        """Whether a call claiming to come from this method's provider is signed by it, without reading it
        (the callback rate limit counts only the unsigned ones)."""
        return False  # no provider calls back for this method: nothing it receives is signed

    def read_callback(self, call: ProviderCall) -> Callback:
        """The provider's signed call in our words. Raises BadSignature, or UnreadableCallback."""
        raise BadSignature(f"{self.name} has no callback", call.body)

    def answer(self, result: CallbackResult) -> tuple[dict, int]:
        """What the provider is told back about its call, as a JSON body and an HTTP status: unless its
        protocol says otherwise, 400 for a call we did not apply (a provider retries on an error), 200 for
        anything verified, duplicates and events we only record included, so that it stops retrying."""
        if result.outcome in (REJECTED, UNREADABLE):
            return {"received": False, "error": "signature" if result.outcome == REJECTED else "unreadable"}, 400
        return {"received": True, "outcome": result.outcome}, 200
