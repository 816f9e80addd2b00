"""What payments asks of the orders it is paid for. Only the orders feature knows what money arriving or
going back means for an order (paid, cancelled, its stock back, its shop told), and whose order a visitor
may see; payments cannot import it, since orders starts payments, refunds them and shows their instructions
(the arrows run orders -> payments). So orders hands its handlers over at start-up (orders.init_orders), as
Flask-Login is handed a user_loader. Passing callables at each call would not reach far enough: it is the
provider that calls, through payments' own routes. Payments knows orders and checkouts only by the
attributes it reads of them (an order's id, code, total, method, shop and awaits_payment; a checkout's id,
amount and orders).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

KEY = "payments.order_handlers"  # where they are kept, in app.extensions


@dataclass(frozen=True)
class OrderHandlers:
    # A checkout's money arrived: its orders waiting for it are paid. Falsy when none was waiting any more
    # (cancelled or expired meanwhile): the money is owed back.
    paid: Callable[[Any], Sequence]
    # The provider gave a checkout's money back on its own: (orders cancelled, orders kept because they had
    # left the shop), each refund recorded and each shop told.
    refunded: Callable[[Any, Any], tuple[Sequence, Sequence]]
    # The provider gave back part of it (refunded_vnd): nothing is cancelled, the shops are told.
    partly_refunded: Callable[[Any, int], None]
    # The order with this id that the request's visitor may see, else NotFound.
    buyer_order: Callable[[int], Any]


def register_order_handlers(app: Flask, handlers: OrderHandlers) -> None:
    app.extensions[KEY] = handlers


def order_handlers() -> OrderHandlers:
    try:
        return current_app.extensions[KEY]
    except KeyError:
        raise RuntimeError("payments has no order handlers: create_app calls orders.init_orders") from None
