"""``course init``: prepare an installation, safely run again and again."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..badges.cli import keygen
from ..contentstore import write_cache
from ..db import MIGRATIONS_DIR

CONFIG_TEMPLATE = """\
# Settings of this installation of the course server, written by `course init`.
# Keep this file secret and back it up: SECRET_KEY signs sessions and password-reset links.
# Any setting from the README's "Configuration" section can be added here.
SECRET_KEY = {key!r}
"""


def write_instance_config(instance: Path) -> bool:
    """Write ``config.py`` with a fresh random key unless it exists; True if written."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner-only when it is new
    path = instance / "config.py"
    if path.exists():
        return False
    # O_EXCL: never overwrite a key another process wrote a moment ago.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(CONFIG_TEMPLATE.format(key=secrets.token_urlsafe(48)))
    return True


def compile_translations(directory: Path) -> list[Path]:
    """Compile every ``messages.po`` below ``directory`` whose ``.mo`` is missing or older."""
    compiled = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        compiled.append(mo_path)
    return compiled


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade instance/ and the database; compile translations; render the course
    into instance/cache/content/ (what is already there is kept)."""
    app = current_app
    instance = Path(app.instance_path)
    if write_instance_config(instance):
        click.echo(f"Wrote {instance / 'config.py'} with a new random SECRET_KEY.")
        app.config.from_pyfile("config.py")
    else:
        click.echo(f"Kept {instance / 'config.py'}.")
    upgrade(directory=str(MIGRATIONS_DIR))
    click.echo("Database is at the latest schema.")
    click.get_current_context().invoke(keygen)
    for mo_path in compile_translations(Path(app.config["TRANSLATIONS_DIR"])):
        click.echo(f"Compiled {mo_path}.")
    cache = write_cache(app)
    if cache.whole:
        click.echo("Course content: unchanged since it was last rendered.")
    else:
        done = f"{cache.rendered} documents rendered, {cache.reused} unchanged"
        click.echo(f"Course content: {done}.")
    click.echo("Ready.")
