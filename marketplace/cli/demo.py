import click


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo marketplace (placeholder until the generator lands)."""
    raise click.ClickException("seed-demo is being written")
