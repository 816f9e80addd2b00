"""flask --app wsgi orders expire: cancel online orders not paid in time and give their stock back."""

from datetime import datetime

import click
from flask.cli import AppGroup

from ..extensions import db
from . import services

orders_cli = AppGroup("orders", help="Orders: deadlines and housekeeping.")


def run_expiry(now: datetime | None = None) -> int:
    """Each order is expired and committed on its own, so that a run stopped half-way keeps what it
    did and holds each order's row only briefly. Safe from cron at any moment and in parallel: an
    order that another run (or a payment) moved first is left alone by the conditional update, so its
    stock is never given back twice. Returns how many orders this run expired."""
    expired = 0
    ids = services.due_unpaid_order_ids(now)
    db.session.rollback()  # end the read; each order gets a short transaction of its own
    for order_id in ids:
        try:
            done = services.expire_order(order_id, now)
        except Exception:
            db.session.rollback()
            raise
        if done:
            db.session.commit()
            expired += 1
        else:
            db.session.rollback()
    return expired


@orders_cli.command("expire")
def expire_command() -> None:
    """Cancel unpaid online orders past their deadline; their stock goes back on sale."""
    click.echo(f"Expired {run_expiry()} unpaid orders.")
