"""`flask --app wsgi ocop ...`: the OCOP tasks a scheduler runs."""

import click
from flask.cli import AppGroup

from ..extensions import db
from . import services

ocop_cli = AppGroup("ocop", help="OCOP claims.")


@ocop_cli.command("remind")
def remind() -> None:
    """Tell shops whose OCOP rating ends within 30 days (Vietnam's date), once per expiry date. Safe to run
    daily: the badge itself needs no job, since expiry is judged whenever a rating is read."""
    count = services.remind_expiring()
    db.session.commit()
    click.echo(f"OCOP reminders sent: {count} claim(s) expiring within {services.REMIND_DAYS} days.")
