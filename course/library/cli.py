"""``course initiatives export ID``: an accepted contribution as curated library files."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import services
from .export import ExportError, initiative_files, slug, write


@click.group("initiatives")
def initiatives_group() -> None:
    """Contributed initiatives."""


@initiatives_group.command("export")
@click.argument("contribution_id", type=int)
@click.option("--id", "initiative_id", help="File id (default: from the title).")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: the initiatives folder of MODULES_DIR).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@with_appcontext
def export(
    contribution_id: int, initiative_id: str | None, folder: Path | None, force: bool
) -> None:
    """Write accepted contribution CONTRIBUTION_ID as <id>.yaml and <id>.<language>.md."""
    item = services.find(contribution_id)
    if item is None:
        raise click.ClickException(f"no contribution {contribution_id}")
    target = folder or Path(current_app.config["MODULES_DIR"]) / "initiatives"
    try:
        with current_app.test_request_context():  # translated headings need a locale
            files = initiative_files(
                item, initiative_id or slug(item.title) or f"contributed-{item.id}"
            )
        paths = write(files, target, overwrite=force)
    except ExportError as error:
        raise click.ClickException(f"contribution {contribution_id}: {error}") from None
    for path in paths:
        click.echo(f"wrote {path}")
    click.echo("Next: run `course content check`, then cite it from a lesson.")
