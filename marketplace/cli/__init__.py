"""Command-line tasks: flask --app wsgi <command>."""

import click
from flask import Flask
from flask.cli import with_appcontext

from ..errors import DomainError
from ..extensions import db


def register_cli(app: Flask) -> None:
    from ..ocop.cli import ocop_cli
    from ..orders.cli import orders_cli
    from .demo import seed_demo

    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(orders_cli)
    app.cli.add_command(ocop_cli)


@click.command("create-admin")
@with_appcontext
@click.option("--login", required=True, help="Phone number or email of the admin")
@click.option("--password", required=True, help="At least 8 characters")
@click.option("--name", default="Quản trị viên", show_default=True)
def create_admin(login: str, password: str, name: str) -> None:
    """Create an admin account, or make an existing account admin (no terminal needed)."""
    from ..accounts.services import create_admin as make_admin

    try:
        user = make_admin(login, password, name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Admin ready: {user.login_label} (id {user.id})")
