"""``course hubs …``: create hubs, name their coordinators, and purge old archived cohorts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..accounts import services as accounts
from ..accounts.models import User
from ..extensions import db
from . import lifecycle, services
from .models import DESCRIPTION_MAX, HubKind


@click.group("hubs")
def hubs_group() -> None:
    """Manage hubs and their coordinators."""


def _user(email: str) -> User:
    try:
        user = accounts.find_user(accounts.normalize_email(email))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    return user


def _hub(slug: str) -> services.Hub:
    hub = services.find_hub(slug)
    if hub is None:
        raise click.ClickException(f"No hub at /hubs/{slug}.")
    return hub


@hubs_group.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in HubKind]), required=True)
@click.option("--language", "languages", multiple=True, help="A language it works in (repeat).")
@click.option("--area", default="", help="The region or theme.")
@click.option("--description", "descriptions", multiple=True, help="LANG:TEXT (repeat).")
@click.option("--slug", help="Its address, /hubs/SLUG (default: from the name).")
@with_appcontext
def create(
    name: str,
    kind: str,
    languages: tuple[str, ...],
    area: str,
    descriptions: tuple[str, ...],
    slug: str | None,
) -> None:
    """Create a hub called NAME."""
    known = current_app.config["LANGUAGES"]
    if any(code not in known for code in languages):
        raise click.BadParameter(f"choose among {', '.join(known)}", param_hint="--language")
    texts = {}
    for item in descriptions:
        code, _sep, text = item.partition(":")
        if code not in known or not text.strip():
            raise click.BadParameter("write LANG:TEXT", param_hint="--description")
        texts[code] = text
    try:
        with force_locale("en"):  # messages for the console, which has no request
            texts = {
                c: services.clean_text(t, DESCRIPTION_MAX, one_line=False) for c, t in texts.items()
            }
            hub = services.create_hub(
                name, HubKind(kind), list(languages) or [known[0]], area, texts, slug
            )
    except (ValueError, services.CohortError) as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created hub {hub.name} at /hubs/{hub.slug}.")


@hubs_group.command("list")
@with_appcontext
def list_hubs() -> None:
    """Every hub with its coordinators."""
    for hub in services.all_hubs():
        people = ", ".join(u.email for u in services.coordinators(hub)) or "no coordinator"
        click.echo(f"{hub.slug}\t{hub.kind.value}\t{hub.name}\t{people}")


@hubs_group.command("add-coordinator")
@click.argument("slug")
@click.argument("email")
@with_appcontext
def add_coordinator(slug: str, email: str) -> None:
    """Make the account of EMAIL a coordinator of the hub SLUG."""
    hub, user = _hub(slug), _user(email)
    services.add_coordinator(hub, user)
    db.session.commit()
    click.echo(f"{user.email} coordinates {hub.name}.")


@hubs_group.command("remove-coordinator")
@click.argument("slug")
@click.argument("email")
@with_appcontext
def remove_coordinator(slug: str, email: str) -> None:
    """The account of EMAIL no longer coordinates the hub SLUG."""
    hub, user = _hub(slug), _user(email)
    services.remove_coordinator(hub, user)
    db.session.commit()
    click.echo(f"{user.email} no longer coordinates {hub.name}.")


@hubs_group.command("purge")
@with_appcontext
def purge() -> None:
    """Delete members and messages of cohorts archived longer than COHORT_RETENTION_DAYS."""
    count = lifecycle.purge_expired()
    db.session.commit()
    click.echo(f"Purged {count} archived cohort(s); their counts are kept.")
