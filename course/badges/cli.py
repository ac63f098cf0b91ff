"""``course badges keygen``: create (or rotate) the issuer's signing key."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .services import keystore


@click.group("badges")
def badges_group() -> None:
    """Manage badge signing keys."""


@badges_group.command("keygen")
@click.option("--rotate", is_flag=True, help="Make a new current key; old ones keep verifying.")
@with_appcontext
def keygen(rotate: bool) -> None:
    """Create the signing key if there is none (or a new one with --rotate)."""
    store = keystore()
    if store.all() and not rotate:
        click.echo(f"Kept the badge signing key {store.current().multikey}.")
        return
    key = store.generate()
    click.echo(f"Created the badge signing key {key.multikey} in {store.folder}.")
